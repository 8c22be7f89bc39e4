"""Scanned pages: OCR lines with boxes, read by the same layout reader as PDFs.

RapidOCR (`rapidocr-onnxruntime`, Apache-2.0) carries its PP-OCR Chinese detection and
recognition models inside its wheel, so nothing is downloaded. Each recognised line's box
becomes a `PageLine` in PDF points (pixels × 72 / dpi); its type size is read back from the box's
height (a vertical line's width) by the fit in `configs/layout.yaml` (the detector pads every box
by about the same number of pixels, so box height is not proportional to type size), and a tall
narrow box with several characters marks a vertical line; the line keeps its recognition
confidence. Image-only PDF pages are rendered with pypdfium2 first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from xinwen.inference.segmentation.layout import LayoutConfig, PageLayout, PageLine, Rule

IMAGE_EXT = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
DPI = 200  # image-only PDF pages are rendered at this resolution
BLANK_INK = 0.0005  # dark-pixel share under which a page is blank: less ink than one line of twenty characters (a page of text: 6-10%)
INSTALL = "OCR needs the `ocr` extra: pip install 'xinwen[ocr]'"


class OcrUnavailable(RuntimeError):
    """rapidocr is not installed."""


_engine = None


def engine():
    """The OCR engine, loaded once per process (0.7 s)."""
    global _engine
    if _engine is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError:
            raise OcrUnavailable(INSTALL) from None
        _engine = RapidOCR()
    return _engine


def ocr_available() -> bool:
    from importlib.util import find_spec

    return find_spec("rapidocr_onnxruntime") is not None


def blank(image: np.ndarray) -> bool:
    """A page with (almost) no ink: fewer than `BLANK_INK` of its pixels darker than mid-grey.
    OCR on it finds nothing and costs a second or two; a PDF with hundreds of empty pages would
    pay that for each."""
    grey = image[::4, ::4].mean(axis=2) if image.ndim == 3 else image[::4, ::4]
    return float((grey < 128).mean()) < BLANK_INK


def ocr_layout(image: np.ndarray, dpi: float, source: str = "", page: int = 1) -> PageLayout:
    """One page image (H × W × 3, RGB) as a PageLayout of OCR lines (none for a blank page)."""
    h, w = image.shape[:2]
    if blank(image):
        return PageLayout([], w * 72.0 / dpi, h * 72.0 / dpi, [], source=source, page=page, ocr=True, dpi=dpi)
    result, _ = engine()(image)
    scale = 72.0 / dpi
    cfg = LayoutConfig.from_yaml()
    lines = []
    for box, text, score in result or []:
        text = str(text).strip()
        if not text:
            continue
        xs = [p[0] * scale for p in box]
        ys = [p[1] * scale for p in box]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        bw, bh = x1 - x0, y1 - y0
        vertical = len(text) >= 2 and bh > 1.8 * bw
        size = cfg.scan_type_size(bw if vertical else bh, dpi, max(h, w))  # the detector pads a box by some pixels
        lines.append(PageLine(text, x0, y0, x1, y1, size, vertical, confidence=float(score)))
    lines.sort(key=lambda ln: (ln.y0, ln.x0))
    return PageLayout(lines, w * scale, h * scale, image_rules(image, dpi, lines, cfg), source=source, page=page,
                      ocr=True, dpi=dpi)


def _runs(row: np.ndarray, min_len: int) -> list[tuple[int, int]]:
    """[start, end) of the runs of True in `row` at least `min_len` long."""
    d = np.diff(np.concatenate(([0], row.view(np.int8), [0])))
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    keep = ends - starts >= min_len
    return list(zip(starts[keep].tolist(), ends[keep].tolist()))


def _straight_lines(dark: np.ndarray, min_len: int, max_thick: int) -> list[tuple[int, int, int, int]]:
    """Horizontal strokes of `dark` at least `min_len` long and at most `max_thick` thick, as
    (x0, y0, x1, y1) pixel boxes: runs in consecutive rows that overlap are one stroke; a stroke
    thicker than `max_thick` is a dark area (a picture, a shaded box), not a rule."""
    c = np.concatenate((np.zeros((dark.shape[0], 1), np.int32), np.cumsum(dark, axis=1, dtype=np.int32)), axis=1)
    rows = np.flatnonzero(((c[:, min_len:] - c[:, :-min_len]) == min_len).any(axis=1))
    open_: list[list[int]] = []  # [x0, y0, x1, y1] of strokes still growing
    done: list[list[int]] = []
    for y in rows.tolist():
        runs = _runs(dark[y], min_len)
        still = []
        for g in open_:
            if g[3] < y:  # no run in the row above this one joined it
                done.append(g)
            else:
                still.append(g)
        open_ = still
        for x0, x1 in runs:
            g = next((g for g in open_ if min(g[2], x1) - max(g[0], x0) > 0.5 * min(g[2] - g[0], x1 - x0)), None)
            if g is None:
                open_.append([x0, y, x1, y + 1])
            else:
                g[0], g[2], g[3] = min(g[0], x0), max(g[2], x1), y + 1
    done += open_
    strokes = sorted((g for g in done if g[3] - g[1] <= max_thick), key=lambda g: g[0])
    # a slightly skewed scan breaks one rule into steps, each a row or two lower: end to end, one rule
    out: list[list[int]] = []
    for g in strokes:
        a = next((a for a in reversed(out) if -2 * max_thick <= g[0] - a[2] <= 2 and abs(g[1] - a[1]) <= max_thick + (a[3] - a[1])), None)
        if a is None:
            out.append(list(g))
        else:
            a[1], a[2], a[3] = min(a[1], g[1]), g[2], max(a[3], g[3])
    return [tuple(g) for g in out]


def image_rules(image: np.ndarray, dpi: float, lines: list[PageLine], cfg: LayoutConfig) -> list[Rule]:
    """The straight lines printed on a page image (column rules, box sides, rules between stories),
    in points, found where no OCR line lies: dark strokes at least `scan_rule_min_len` long and at
    most `scan_rule_max_thick` thick, across and down, so a scan gives the layout reader the rule
    features a PDF gives it."""
    grey = image.mean(axis=2) if image.ndim == 3 else image.astype(np.float32)
    dark = grey < cfg.scan_rule_ink
    px = dpi / 72.0
    for ln in lines:  # text strokes are no rules
        dark[max(int(ln.y0 * px), 0) : int(ln.y1 * px) + 1, max(int(ln.x0 * px), 0) : int(ln.x1 * px) + 1] = False
    n, t = max(int(cfg.scan_rule_min_len * px), 2), max(int(round(cfg.scan_rule_max_thick * px)), 1)
    s = 1.0 / px
    out = [Rule(x0 * s, y0 * s, x1 * s, y1 * s) for x0, y0, x1, y1 in _straight_lines(dark, n, t)]
    out += [Rule(y0 * s, x0 * s, y1 * s, x1 * s) for x0, y0, x1, y1 in _straight_lines(np.ascontiguousarray(dark.T), n, t)]
    return out


def image_layouts(path: str | Path, dpi: float | None = None) -> Iterator[PageLayout]:
    """Every frame of an image file (a multi-page TIFF has several)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        im = Image.open(path)
    except (UnidentifiedImageError, OSError) as e:
        raise ValueError(f"not a readable image ({type(e).__name__})") from None
    density = dpi or (im.info.get("dpi") or (DPI, DPI))[0] or DPI
    for n, frame in enumerate(ImageSequence.Iterator(im), 1):
        yield ocr_layout(np.asarray(frame.convert("RGB")), float(density), str(path), n)


def rendered_pdf_layouts(path: str | Path, dpi: float = DPI, pages: list[int] | None = None) -> Iterator[PageLayout]:
    """The pages of an image-only PDF (or only `pages`, numbered from 1), rendered and read by
    OCR one at a time."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        for n in range(len(pdf)) if pages is None else [p - 1 for p in pages]:
            img = pdf[n].render(scale=dpi / 72).to_pil().convert("RGB")
            yield ocr_layout(np.asarray(img), dpi, str(path), n + 1)
    finally:
        pdf.close()
