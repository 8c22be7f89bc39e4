"""Segmentation benchmark: exact-boundary and 8-gram article F1, every reader, held-out data only.

Sets, none of them trained or tuned on by the learned reader:
- simulated pages of held-out seeds (from `HELD_OUT_SEED`) for every family, the held-out family
  included, set with corpus items no training page used; each page read as its PDF, its
  pdftotext and pdfminer dumps, and a regional-style text page;
- the shared real pages: the bundled regional page (its dump), the eight People's Daily theory
  pages and the two regional dev pages, each as PDF, pdftotext and PyMuPDF dumps.
The rules reader was tuned on the shared real pages, so its figures there are not held out.
Exact: the body equals the truth's with whitespace removed (after both go through the same
credit parser). The slowest page is reported beside the totals.

    python benchmarks/segment.py [--shared ../shared] [--pages 6] [--rules-sim] [--out reports/bench_segment.txt]
    python benchmarks/segment.py --learned-only --layout-model DIR   # score a candidate layout model
    python benchmarks/segment.py --learned-only --sim-variant subheads  # held-out pages of another simulator variant
    python benchmarks/segment.py --readers auto --judge DIR   # score a candidate reading judge

Readers: `rules`, `learned` and `auto` (PDF pages read both ways, the reading judge keeps one;
dumps by the rules). The rules reader reads the simulated PDFs too (through pdfminer, as `run`
does); its dumps (and so `auto`'s) only with `--rules-sim`.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path

from report_lines import ReportLines
from xinwen.inference.segmentation import Segmenter, segment_page
from xinwen.inference.segmentation.reader import LayoutReader
from xinwen.inference.segmenter import file_articles, without_furniture
from xinwen.training.layout_train import simulate_readings
from xinwen.training.pagesim import FAMILIES, HELD_OUT_FAMILIES, HELD_OUT_SEED, VARIANTS, TextPool, simulate
from xinwen.training.segment_eval import SegScore, score_page


def bundled_truth(shared: Path) -> list[dict]:
    """The bundled page's gold gives body start and end only: a body matches exactly when it
    starts and ends there, so the truth text is rebuilt from the page itself."""
    gold = json.loads((shared / "pages" / "hunan-daily-2022-regional-page.gold.json").read_text(encoding="utf-8"))
    page = re.sub(r"\s", "", (shared / "pages" / "hunan-daily-2022-regional-page.txt").read_text(encoding="utf-8"))
    out = []
    for g in gold["articles"]:
        a = page.find(re.sub(r"\s", "", g["body_start"]))
        b = page.find(re.sub(r"\s", "", g["body_end"]), a)
        out.append({"title": g["title"], "text": page[a : b + len(re.sub(r"\s", "", g["body_end"]))] if a >= 0 <= b else ""})
    return out


def real_pages(shared: Path):
    """(set name, file, truth) for the shared real pages."""
    yield "bundled regional page (dump)", shared / "pages" / "hunan-daily-2022-regional-page.txt", bundled_truth(shared)
    for folder, label in (("rmrb-2018-theory-p07", "People's Daily theory"), ("regional-dev", "regional dev")):
        d = shared / "pages" / folder
        for truth_file in sorted(d.glob("*.truth.json")):
            stem = truth_file.name.split(".")[0]
            truth = json.loads(truth_file.read_text(encoding="utf-8"))
            for a in truth:
                if str(a.get("tail_status", "")).startswith("tail_recovered"):
                    a["text"] += a.get("tail_from_page") or ""
            for kind, name in (("pdf", f"{stem}.pdf"), ("pdftotext", f"{stem}.pdftotext.txt"),
                               ("pymupdf", f"{stem}.pymupdf.txt")):
                if (d / name).exists():
                    yield f"{label} {kind}", d / name, truth


def score_file(path: Path, truth: list[dict], segmenter: Segmenter) -> tuple[SegScore, float]:
    t = time.perf_counter()
    arts = file_articles(path, segmenter)
    return score_page(arts, truth), time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--pages", type=int, default=6, help="held-out simulated pages per family")
    ap.add_argument("--rules-sim", action="store_true",
                    help="also run the rules reader on the simulated dumps (it reads their PDFs anyway): its block "
                         "reassembly takes minutes on many of them (129 s on one metro pdftotext dump)")
    ap.add_argument("--layout-model", type=Path, default=None,
                    help="score this layout model folder as the learned reader instead of the shipped one")
    ap.add_argument("--learned-only", action="store_true", help="the learned reader only (`--readers learned`)")
    ap.add_argument("--readers", default="rules,learned,auto", help="comma-separated: rules, learned, auto")
    ap.add_argument("--judge", type=Path, default=None, help="score this reading judge folder as `auto`'s")
    ap.add_argument("--sim-variant", choices=list(VARIANTS), default="base",
                    help="the simulator variant that draws the held-out pages (a reader trained on a mixture is "
                         "judged on each)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    emit = ReportLines()
    if args.layout_model:
        LayoutReader.use_as_bundled(args.layout_model)
        emit(f"# learned reader: {args.layout_model}")
    if args.judge:
        from xinwen.inference.segmentation.choice import use_as_bundled

        use_as_bundled(args.judge)
        emit(f"# reading judge: {args.judge}")
    readers = [Segmenter.LEARNED] if args.learned_only else [Segmenter(x.strip()) for x in args.readers.split(",")]

    emit(f"# held-out simulated pages: seeds {HELD_OUT_SEED}…{HELD_OUT_SEED + args.pages - 1}, held-out text; "
         f"held-out families: {', '.join(HELD_OUT_FAMILIES)}; simulator variant {args.sim_variant}")
    if set(readers) - {Segmenter.LEARNED}:  # the rules reader (and `auto`, which runs it too)
        t = time.perf_counter()
        from xinwen.models.seam import bundled_seam_scorer

        bundled_seam_scorer()  # loaded once a process (torch, transformers, the base): start-up, not a page's time
        emit(f"rules   start-up: seam model loaded in {time.perf_counter() - t:.1f}s")
    LayoutReader.bundled()  # the trees (and below the judge) load once too
    if Segmenter.AUTO in readers:
        from xinwen.inference.segmentation.choice import bundled_judge

        bundled_judge()
    pool = TextPool.from_corpus(args.shared / "data" / "corpus" / "news.jsonl.gz", held_out=True, limit=4000)
    slow: dict[str, tuple[float, str]] = {}
    for fam in FAMILIES:
        rs = simulate_readings([fam], range(HELD_OUT_SEED, HELD_OUT_SEED + args.pages), pool,
                               ["pdftotext", "pdfminer", "text"], variants={args.sim_variant: 1.0})
        for seg in readers:
            by: dict[str, SegScore] = {}
            for r in rs:
                t = time.perf_counter()
                if seg != Segmenter.LEARNED and r.kind == "pdf":
                    # the rules reader reads PDFs through pdfminer's layout, as `run` does (fast)
                    with tempfile.TemporaryDirectory() as tmp:
                        pdf = Path(tmp) / "page.pdf"
                        pdf.write_bytes(simulate(fam, r.seed, pool, args.sim_variant).pdf)
                        arts = file_articles(pdf, seg)
                elif seg != Segmenter.LEARNED and not args.rules_sim:
                    continue  # dumps (`auto` reads them by the rules): its block reassembly takes minutes on some
                else:
                    arts = without_furniture(r.page, segment_page(r.page, seg))[0]
                dt = time.perf_counter() - t
                if dt > slow.get(seg.value, (0.0, ""))[0]:
                    slow[seg.value] = (dt, f"{fam}/{r.kind} seed {r.seed}")
                by.setdefault(r.kind, SegScore()).add(score_page(arts, r.truth))
            for kind, sc in sorted(by.items()):
                tag = " (held-out family)" if fam in HELD_OUT_FAMILIES else ""
                emit(f"{seg.value:7s} {fam + tag:27s} {kind:9s} {sc.line()}")
    for seg, (dt, where) in slow.items():
        emit(f"{seg:7s} slowest simulated page: {dt:.2f}s ({where})")
    emit("# shared real pages (a dev set: never trained on; the rules reader was tuned on them)")
    for seg in readers:
        totals: dict[str, SegScore] = {}
        worst = (0.0, "")
        for name, path, truth in real_pages(args.shared):
            sc, dt = score_file(path, truth, seg)
            totals.setdefault(name, SegScore()).add(sc)
            worst = max(worst, (dt, path.name))
        for name, sc in totals.items():
            emit(f"{seg.value:7s} {name:34s} {sc.line()}")
        emit(f"{seg.value:7s} slowest real page: {worst[0]:.2f}s ({worst[1]})")
    emit.save(args.out)


if __name__ == "__main__":
    main()
