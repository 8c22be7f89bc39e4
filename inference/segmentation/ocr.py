"""Scanned pages: OCR lines with boxes, read by the same layout reader as PDFs.

RapidOCR (`rapidocr-onnxruntime`, Apache-2.0) carries its PP-OCR Chinese detection and
recognition models inside its wheel, so nothing is downloaded. Each recognised line's box
becomes a `PageLine` in PDF points (pixels × 72 / dpi), its height standing in for the font
size and a tall narrow box with several characters marking a vertical line; the line keeps
its recognition confidence. Image-only PDF pages are rendered with pypdfium2 first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from xinwen.inference.segmentation.layout import PageLayout, PageLine

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
        return PageLayout([], w * 72.0 / dpi, h * 72.0 / dpi, [], source=source, page=page, ocr=True)
    result, _ = engine()(image)
    scale = 72.0 / dpi
    lines = []
    for box, text, score in result or []:
        text = str(text).strip()
        if not text:
            continue
        xs = [p[0] * scale for p in box]
        ys = [p[1] * scale for p in box]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        w, h = x1 - x0, y1 - y0
        vertical = len(text) >= 2 and h > 1.8 * w
        size = (w if vertical else h) * 0.85  # a box is a little taller than its glyphs
        lines.append(PageLine(text, x0, y0, x1, y1, size, vertical, confidence=float(score)))
    lines.sort(key=lambda ln: (ln.y0, ln.x0))
    return PageLayout(lines, w * scale, h * scale, [], source=source, page=page, ocr=True)


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
