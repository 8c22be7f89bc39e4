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
    for it in sample(a.corpus, a.start + a.n)[a.start:]:
        body = split_credits(it["text"])[2]  # what a record's body loses
        d = digest(body)
        mark = marks.get((it["id"], d))
        if mark is None:
            todo.append({"id": it["id"], "digest": d, "title": it["title"], "lead": body[:120], "mark": None})
        else:
            got[mark] += 1
    n = sum(got.values())
    print(f"{n} of {a.n} digests marked: " + ", ".join(f"{k} {got[k]} ({got[k] / max(n, 1):.0%})"
                                                     for k in ("headline", "partly", "not")))
    if todo:
        print(f"{len(todo)} digests changed or new since marking: not counted")
        if a.unmarked:
            a.unmarked.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in todo), encoding="utf-8")


if __name__ == "__main__":
    main()
