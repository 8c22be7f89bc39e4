"""Simulated scans: a simulator page rendered to an image the way a scanner and a JPEG encoder
leave it, then read by OCR into the lines the layout reader sees on a real scan.

The reader learns scan geometry from these (OCR boxes are a little taller than glyph boxes and
split lines at other gaps than pdfminer), labelled by box overlap with what the simulator drew.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np


def render(pdf: Path, dpi: int = 200):
    """The first page of a PDF as an RGB image at `dpi`."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    img = doc[0].render(scale=dpi / 72).to_pil().convert("RGB")
    doc.close()
    return img


def damage(img, rng: random.Random):
    """What a scanner and a JPEG encoder do to a page: blur, a small skew, noise, artefacts."""
    from PIL import Image, ImageFilter

    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
    img = img.rotate(rng.uniform(-0.8, 0.8), expand=False, fillcolor="white")
    a = np.asarray(img).astype(np.float32)
    a += np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(3, 10), a.shape)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(50, 85))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def scan_layout(pdf: Path, rng: random.Random, dpi: int = 200):
    """The page as OCR reads a damaged 200-dpi scan of it (lines in points, `ocr=True`), or None."""
    from xinwen.inference.segmentation.ocr import image_layouts

    png = pdf.with_suffix(".png")
    damage(render(pdf, dpi), rng).save(png, dpi=(dpi, dpi))
    try:
        return next(iter(image_layouts(png)), None)
    finally:
        png.unlink(missing_ok=True)
