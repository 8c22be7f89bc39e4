"""How tall OCR boxes are against the type they cover, fitted on simulated scans.

RapidOCR's detector pads every box by a margin that does not grow with the type, so box height is
not proportional to font size: a page's 44-point title comes out about 3.5 body heights tall,
not 5.3, and a 2x kicker under the 1.7x headline line. This fits box height = slope x size +
offset in the detector's pixels (RapidOCR shrinks a page whose longer side passes 2000 px) on
damaged scans of simulated pages of training families and seeds
(never the held-out ones), matching each OCR line to the drawn line it covers most, and prints the
fit and its residuals. `configs/layout.yaml` keeps the result (`scan_box_slope`, `scan_box_offset`).

    python experiments/scan_size_fit.py [--pages 8] [--corpus ../shared/data/corpus/news.jsonl.gz]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

import numpy as np
from xinwen.training.pagesim import TRAIN_FAMILIES, TextPool, simulate
from xinwen.training.scans import scan_layout

DPI = 200


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=8)
    ap.add_argument("--seed", type=int, default=7000, help="first simulator seed (training range)")
    ap.add_argument("--dpi", type=int, nargs="+", default=[200, 100], help="scan resolutions, each page at each")
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/corpus/news.jsonl.gz")
    args = ap.parse_args()
    pool = TextPool.from_corpus(args.corpus, held_out=False, limit=2000)
    rng = random.Random(0)
    rows: dict[int, list[tuple[float, float]]] = {d: [] for d in args.dpi}  # (type size, box), detector pixels
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.pages):
            fam = TRAIN_FAMILIES[k % len(TRAIN_FAMILIES)]
            sim = simulate(fam, args.seed + k, pool)
            pdf = Path(tmp) / f"p{k}.pdf"
            pdf.write_bytes(sim.pdf)
            for dpi in args.dpi:
                lay = scan_layout(pdf, rng, dpi)
                # RapidOCR shrinks an image whose longer side passes 2000 px before it detects lines
                px = dpi / 72 * min(1.0, 2000 / (max(sim.width, sim.height) * dpi / 72))
                for ln in lay.lines if lay else []:
                    best, area = None, 0.0
                    for d in sim.lines:
                        w = max(0.0, min(ln.x1, d.x1) - max(ln.x0, d.x0))
                        h = max(0.0, min(ln.y1, d.y1) - max(ln.y0, d.y0))
                        if w * h > area:
                            best, area = d, w * h
                    # one drawn line under most of the box, its text where OCR read it
                    if best is None or area < 0.5 * (ln.x1 - ln.x0) * (ln.y1 - ln.y0) or ln.text[:2] not in best.text:
                        continue
                    if not ln.vertical:
                        rows[dpi].append((best.size * px, (ln.y1 - ln.y0) * px))
            print(f"page {k} ({fam}): {[len(v) for v in rows.values()]} lines matched", flush=True)
    allrows = [r for v in rows.values() for r in v]
    for name, rs in [*((f"{d} dpi", v) for d, v in rows.items()), ("all", allrows)]:
        if len(rs) < 5:
            continue
        s, b = np.array(rs).T
        slope, offset = np.polyfit(s, b, 1)
        res = b - (slope * s + offset)
        print(f"{name:8s} n={len(s):5d} box = {slope:.3f} x size + {offset:.2f} detector px; residual sd {res.std():.2f}, "
              f"sizes {s.min():.0f}-{s.max():.0f} px")


if __name__ == "__main__":
    main()
