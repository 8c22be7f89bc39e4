"""Do digests read as headlines? A hand-marked sample, kept so the measure repeats.

150 held-out corpus items (the digest ranker's held-out hash bucket, a fixed shuffle) are
digested with the bundled ranker; each digest is looked up in `readability_marks.jsonl`, where
a person marked it `headline`, `partly` or `not` by the rule in `docs/digest-readability.md`.
Marks are kept per (item, digest), so a change that alters a digest leaves it unmarked until
someone reads it: the script lists those and leaves them out of the share rather than guess.

    python benchmarks/readability.py                  # the share over marked digests
    python benchmarks/readability.py --unmarked F     # write the digests still to be read to F
    python benchmarks/readability.py --model DIR      # a candidate ranker, before it is shipped
    python benchmarks/readability.py --start 300      # items 300-449 of the shuffle: marked
                                                      # after the rules were written, never read to tune
    python benchmarks/readability.py --start 450 --alternatives 3
                                                      # was a headline on offer? the ranker's next 3
                                                      # spans of each digest not marked headline
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARKS = HERE / "readability_marks.jsonl"


def sample(corpus: str, n: int) -> list[dict]:
    from xinwen.training.digest_train import pairs

    from xinwen.settings import load_config

    cfg = load_config(None, "digest")
    items = pairs([corpus], cfg["heldout_every"], True, 2455)
    random.Random(2026).shuffle(items)
    return items[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(HERE.parents[1] / "shared/data/corpus/news.jsonl.gz"))
    ap.add_argument("--n", type=int, default=150)
    ap.add_argument("--start", type=int, default=0, help="skip this many items of the shuffle first")
    ap.add_argument("--unmarked", type=Path, default=None, help="write unmarked digests here (JSONL)")
    ap.add_argument("--model", default=None, help="a digest model folder to read (default: the bundled one)")
    ap.add_argument("--alternatives", type=int, default=0,
                    help="also look up the ranker's next K spans of each digest not marked headline")
    a = ap.parse_args()
    from xinwen.inference.digest import Digester
    from xinwen.inference.segmentation.credits import split_credits

    marks = {}
    if MARKS.exists():
        for line in MARKS.read_text(encoding="utf-8").splitlines():
            m = json.loads(line)
            marks[(m["id"], m["digest"])] = m["mark"]
    digest = Digester("learned", a.model, 30)
    got: Counter[str] = Counter()
    todo = []
    offered: Counter[str] = Counter()  # digests not marked headline: was one among the alternatives?
    for it in sample(a.corpus, a.start + a.n)[a.start:]:
        body = split_credits(it["text"])[2]  # what a record's body loses
        d = digest(body)
        mark = marks.get((it["id"], d))
        if mark is None:
            todo.append({"id": it["id"], "digest": d, "title": it["title"], "lead": body[:120], "mark": None})
        else:
            got[mark] += 1
        if a.alternatives and mark in ("partly", "not"):
            alts = [s.text for s, _ in digest.ranker.ranked(body, digest.max_chars) if s.text != d][: a.alternatives]
            alt_marks = [marks.get((it["id"], t)) for t in alts]
            todo += [{"id": it["id"], "digest": t, "title": it["title"], "lead": body[:120], "mark": None,
                      "alternative_to": d} for t, m in zip(alts, alt_marks) if m is None]
            offered["headline" if "headline" in alt_marks else "unread" if None in alt_marks else "none"] += 1
    n = sum(got.values())
    print(f"{n} of {a.n} digests marked: " + ", ".join(f"{k} {got[k]} ({got[k] / max(n, 1):.0%})"
                                                     for k in ("headline", "partly", "not")))
    if a.alternatives:
        print(f"of {sum(offered.values())} digests marked partly or not, {offered['headline']} had a span marked "
              f"headline among the ranker's next {a.alternatives}, {offered['none']} none"
              + (f", {offered['unread']} have alternatives still to read" if offered["unread"] else ""))
    if todo:
        print(f"{len(todo)} digests or alternatives changed or new since marking: not counted")
        if a.unmarked:
            a.unmarked.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in todo), encoding="utf-8")


if __name__ == "__main__":
    main()
