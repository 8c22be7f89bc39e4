"""Scanned pages: OCR + the layout reader, on pages rendered to images.

Every reader reads the same OCR lines (`--segmenter`; `auto`: both, the reading judge keeps one).
Sets: the shared People's Daily theory PDFs and the two regional dev pages rendered at 200 dpi
(PNG, and the People's Daily ones also as image-only PDFs), and simulated pages of held-out seeds
rendered at 200 dpi with scan damage (blur, noise, a small skew, JPEG artefacts). Article F1 by
character 4-grams (≥ 0.8 both ways, so OCR slips are not misses); character accuracy of the
bodies found, against the truth text; seconds per page, mean and slowest.

    python benchmarks/ocr.py [--shared ../shared] [--sim 4] [--segmenter all] [--out reports/bench_ocr.txt]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
from report_lines import ReportLines
from xinwen.inference.segmentation import Segmenter, segment_page
from xinwen.inference.segmentation.layout import PageLayout, PageLine, Rule
from xinwen.inference.segmentation.ocr import image_layouts, rendered_pdf_layouts
from xinwen.inference.segmentation.reader import LayoutReader
from xinwen.training.pagesim import HELD_OUT_SEED, TextPool, simulate
from xinwen.training.scans import damage, render
from xinwen.training.segment_eval import SegScore, char_accuracy, grams, norm_body, score_page


def found_accuracy(arts: list, truth: list[dict]) -> list[float]:
    out = []
    for t in truth:
        tb = norm_body(t["text"])
        tg = grams(tb, 4)
        best = max(arts, key=lambda a: len(tg & grams(norm_body(a.text), 4)), default=None)
        if best is not None and len(tg & grams(norm_body(best.text), 4)) >= 0.8 * len(tg):
            out.append(char_accuracy(norm_body(best.text), tb))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--sim", type=int, default=4, help="held-out simulated pages (metro and feature)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--cache", type=Path, default=None,
                    help="keep what OCR read here (JSON) and reuse it: two layout readers compared on the same OCR lines")
    ap.add_argument("--layout-model", type=Path, default=None, help="a layout reader folder (default: bundled)")
    ap.add_argument("--segmenter", choices=["all", "both", "rules", "learned", "auto"], default="all",
                    help="which reader reads the OCR lines (both: rules and learned; all: auto too; each on the same lines)")
    args = ap.parse_args()
    emit = ReportLines()
    reader = LayoutReader.from_pretrained(args.layout_model) if args.layout_model else None

    def cached(key: str, read) -> list[PageLayout]:
        """OCR's layouts for `key`: read (and kept) once, loaded after; timing then covers the reader only."""
        if args.cache is None:
            return read()
        f = args.cache / f"{key}.json"
        if f.exists():
            return [_layout(d) for d in json.loads(f.read_text(encoding="utf-8"))]
        lays = list(read())
        args.cache.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps([asdict(x) for x in lays], ensure_ascii=False), encoding="utf-8")
        return lays

    sets: dict[str, tuple[SegScore, list[float], list[float]]] = {}
    readers = {"both": [Segmenter.RULES, Segmenter.LEARNED], "all": [Segmenter.RULES, Segmenter.LEARNED, Segmenter.AUTO]
               }.get(args.segmenter) or [Segmenter(args.segmenter)]

    def add(name: str, layouts, truth: list[dict]) -> None:
        t = time.perf_counter()
        layouts = list(layouts)  # OCR runs here (unless cached), once for every reader
        ocr_s = time.perf_counter() - t
        for seg in readers:
            t = time.perf_counter()
            arts = [a for lay in layouts for a in segment_page(lay, seg, reader)]
            dt = ocr_s + time.perf_counter() - t
            sc, acc, secs = sets.setdefault(f"{name}, {seg.value}", (SegScore(), [], []))
            sc.add(score_page(arts, truth, n=4, share=0.8))
            acc.extend(found_accuracy(arts, truth))
            secs.append(dt)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for folder, label in (("rmrb-2018-theory-p07", "People's Daily"), ("regional-dev", "regional dev")):
            for tf in sorted((args.shared / "pages" / folder).glob("*.truth.json")):
                stem = tf.name.split(".")[0]
                truth = json.loads(tf.read_text(encoding="utf-8"))
                img = render(tf.with_name(f"{stem}.pdf"))
                png = tmp / f"{stem}.png"
                img.save(png, dpi=(200, 200))
                add(f"{label} 200-dpi PNG", cached(f"{stem}.png", lambda png=png: image_layouts(png)), truth)
                if folder.startswith("rmrb"):
                    ipdf = tmp / f"{stem}.image.pdf"
                    img.save(ipdf, "PDF", resolution=200)
                    add(f"{label} image-only PDF", cached(f"{stem}.image.pdf", lambda ipdf=ipdf: rendered_pdf_layouts(ipdf)), truth)
        pool = TextPool.from_corpus(args.shared / "data" / "corpus" / "news.jsonl.gz", held_out=True, limit=2000)
        rng = random.Random(0)
        for k in range(args.sim):
            fam = ("metro", "feature")[k % 2]
            sim = simulate(fam, HELD_OUT_SEED + k, pool)
            pdf = tmp / f"sim{k}.pdf"
            pdf.write_bytes(sim.pdf)
            png = tmp / f"sim{k}.jpg"
            damage(render(pdf), rng).save(png, dpi=(200, 200))
            # keyed by what was drawn, so a changed simulator never reads a stale page's OCR
            drawn = hashlib.sha1(repr([(x.text, round(x.x0), round(x.y0)) for x in sim.lines]).encode()).hexdigest()[:12]
            add("simulated scans (held-out seeds, damaged)", cached(f"sim{k}-{drawn}", lambda png=png: image_layouts(png)),
                sim.truth())
    for name, (sc, acc, secs) in sets.items():
        emit(f"{name:53s} {sc.line().replace('8-gram', '4-gram')}  char acc {np.mean(acc) if acc else 0:.3f}  "
             f"s/page mean {np.mean(secs):.1f} slowest {max(secs):.1f}")
    emit.save(args.out)


def _layout(d: dict) -> PageLayout:
    return PageLayout(**{**d, "lines": [PageLine(**x) for x in d["lines"]], "rules": [Rule(**r) for r in d["rules"]]})


if __name__ == "__main__":
    main()
