"""Why articles miss exactly: each truth article of simulated pages not read exactly, sorted by how
its best-overlapping prediction differs (`docs/experiments/segment-extraction-defects.md`).

Kinds: `dot` (only middle dots differ), `order` (the same characters in another order: lines or
blocks read out of order), `extra_start` / `extra_end` (the prediction holds the whole truth and
more before / after it: a headline line read as body, a jump line kept), `missing_start` /
`missing_end` (the prediction is a head / tail of the truth), `mixed_close` (≥ 80% of the truth's
8-grams, pieces in and out), `mixed_far`, `none` (no prediction at all).

Pages come from diagnostic seeds (default 50000 on): neither training seeds (0 … seeds + link_seeds)
nor the held-out seeds the benchmark reports (from 100000), so looking at them tunes nothing
that is reported.

    python benchmarks/segment_errors.py [--pages 4] [--kind pdf|text|pdftotext|pdfminer] [--layout-model DIR]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from xinwen.inference.segmentation.reader import LayoutReader
from xinwen.inference.segmenter import without_furniture
from xinwen.training.layout_train import DUMP_KINDS, simulate_readings
from xinwen.training.pagesim import FAMILIES, TextPool
from xinwen.training.segment_eval import grams, norm_body


def kind_of_miss(truth: str, bodies: list[str]) -> str:
    """How the best-overlapping prediction differs from one truth body (see the module docstring)."""
    if truth in bodies:
        return "exact"
    tg = grams(truth)
    best = max(bodies, key=lambda b: len(tg & grams(b)), default=None)
    if best is None:
        return "none"
    if truth.replace("·", "") == best.replace("·", ""):
        return "dot"
    if sorted(truth) == sorted(best):
        return "order"
    if best.startswith(truth) or best.endswith(truth):
        return "extra_end" if best.startswith(truth) else "extra_start"
    if truth.startswith(best) or truth.endswith(best):
        return "missing_end" if truth.startswith(best) else "missing_start"
    return "mixed_close" if len(tg & grams(best)) > 0.8 * len(tg) else "mixed_far"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--pages", type=int, default=4, help="pages per family")
    ap.add_argument("--first-seed", type=int, default=50_000)
    ap.add_argument("--kind", choices=["pdf", *DUMP_KINDS], default="pdf")
    ap.add_argument("--layout-model", type=Path, default=None)
    args = ap.parse_args()
    reader = LayoutReader.from_pretrained(args.layout_model) if args.layout_model else LayoutReader.bundled()
    pool = TextPool.from_corpus(args.shared / "data" / "corpus" / "news.jsonl.gz", held_out=True, limit=4000)
    total: Counter = Counter()
    for fam in FAMILIES:
        seen: Counter = Counter()
        seeds = range(args.first_seed, args.first_seed + args.pages)
        for r in simulate_readings([fam], seeds, pool, [] if args.kind == "pdf" else [args.kind]):
            if r.kind != args.kind:
                continue
            bodies = [norm_body(a.text) for a in without_furniture(r.page, reader.segment(r.page))[0]]
            seen.update(kind_of_miss(norm_body(t["text"]), bodies) for t in r.truth)
        total.update(seen)
        n = sum(seen.values())
        print(f"{fam:9s} {args.kind:9s} exact {seen['exact']:3d} of {n:3d}  " +
              "  ".join(f"{k} {v}" for k, v in seen.most_common() if k != "exact"))
    n = sum(total.values())
    print(f"{'all':9s} {args.kind:9s} exact {total['exact']:3d} of {n:3d}  " +
          "  ".join(f"{k} {v}" for k, v in total.most_common() if k != "exact"))


if __name__ == "__main__":
    main()
