"""Digest quality and speed on held-out corpus items (never trained on: other hash bucket).

Prints char ROUGE-1/2/L for the learned ranker, Lead-1, TextRank and the oracle span, and
articles/s for each method measured in the same run (target: learned ≥ 200 articles/s).

    python benchmarks/digest.py [--n 2455] [--corpus ../shared/data/corpus/news.jsonl.gz]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from xinwen.inference.digest import Digester, lead, textrank
from xinwen.training.digest_train import evaluate_digests, pairs

from xinwen.settings import load_config

CREDIT = re.compile(r"【|】|记者|通讯员|本报讯|新华社|电（|电\(|据.{0,12}报道|\d+日电|中新网|央视网消息|人民网")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=None, help="held-out items (default: eval_items in configs/digest.yaml)")
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared/data/corpus/news.jsonl.gz"))
    ap.add_argument("--model", default=None)
    a = ap.parse_args()
    cfg = load_config(None, "digest")
    items = pairs([a.corpus], cfg["heldout_every"], True, a.n or cfg["eval_items"])
    learned = Digester("learned", a.model, cfg["max_chars"])
    methods = {"learned": learned, "lead": lambda t: lead(t, cfg["max_chars"]),
               "textrank": lambda t: textrank(t, cfg["max_chars"])}
    res = evaluate_digests(items, methods, cfg["max_chars"], quiet=True)
    print(f"held-out items: {res['n']}   (char ROUGE F1 vs the real headline, ≤{cfg['max_chars']} chars)")
    print(f"{'method':10} ROUGE-1 ROUGE-2 ROUGE-L   vs lead")
    for m in ("learned", "lead", "textrank", "oracle"):
        r = res[m]
        print(f"{m:10} {r['rouge1']:.3f}   {r['rouge2']:.3f}   {r['rougeL']:.3f}   {r['rougeL'] - res['lead']['rougeL']:+.3f}")
    texts = [it["text"] for it in items]
    speed = {}
    for m, fn in methods.items():
        t0 = time.perf_counter()
        for t in texts:
            fn(t)
        speed[m] = len(texts) / (time.perf_counter() - t0)
    print("speed: " + ", ".join(f"{m} {v:,.0f} articles/s (×{v / speed['lead']:.2f} lead)" for m, v in speed.items()))
    # credits left in digests, after the credit cleaning every record gets (a loose pattern: it also
    # counts content mentions such as `接受了记者专访`, so it is an upper bound)
    from xinwen.inference.segmentation.credits import split_credits

    digests = [learned(split_credits(t)[2]) for t in texts]
    hits = [d for d in digests if CREDIT.search(d)]
    print(f"credit-like words in {len(hits)} of {len(digests)} digests ({len(hits) / max(len(digests), 1):.1%}, "
          f"an upper bound): " + " / ".join(hits[:5]))


if __name__ == "__main__":
    main()
