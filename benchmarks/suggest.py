"""`xinwen suggest` over N corpus articles with the shipped model: seconds, against scoring the
same articles alone in the same run (the ratio is what picking costs on top of classifying).

    python benchmarks/suggest.py [--items 3000] [-n 200] [--corpus ../shared/data/corpus/news.jsonl.gz]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from itertools import islice
from pathlib import Path

from report_lines import ReportLines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared/data/corpus/news.jsonl.gz"))
    ap.add_argument("--items", type=int, default=3000)
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    from xinwen.models.theme import ThemeModel
    from xinwen.training.corpus import iter_items, normalise
    from xinwen.training.suggest import write_suggestions

    rep = ReportLines()
    t = time.perf_counter()
    items = list(islice(iter_items([a.corpus]), a.items))
    model = ThemeModel.from_pretrained()
    model.predict_scores([it["title"] or None for it in items], [normalise(it["text"]) for it in items])
    score_only = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        counts = write_suggestions([a.corpus], a.n, Path(d) / "tasks.json", "labelstudio", limit=a.items, quiet=True)
        full = time.perf_counter() - t
    rep(f"suggest {a.n} of {a.items} corpus articles with the shipped model: {full:.1f} s "
        f"(reading and scoring them alone: {score_only:.1f} s; ratio {full / score_only:.2f})")
    rep(f"picked per model call: {counts['by_model_theme']}; median margin {counts['median_margin']:.3f}")

    rep.save(Path(a.out) if a.out else None)

if __name__ == "__main__":
    main()
