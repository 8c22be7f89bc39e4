"""Scans: page images and image-only PDFs read by OCR, then by the layout reader."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("rapidocr_onnxruntime")
pytest.importorskip("reportlab")


def _cjk_font() -> bool:
    """A Chinese font pdfium can fall back on: the test pages name STSong-Light without embedding
    it, so with none installed they render blank (Debian: fonts-noto-cjk; `.ci/run` installs it)."""
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("fc-list"):
        return bool(subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip())
    return any(next(Path(d).rglob("*CJK*"), None) is not None for d in ("/usr/share/fonts", "/Library/Fonts")
               if Path(d).is_dir())


needs_cjk_font = pytest.mark.skipif(not _cjk_font(), reason="no CJK font installed (Debian: fonts-noto-cjk): "
                                                             "the rendered test pages would be blank")

TITLE = "交警开展一盔一带整治"
BODY = ("交警大队在集市路口开展宣传劝导，对未戴安全头盔、未系安全带的驾驶人进行教育，查处酒驾醉驾等交通违法行为。"
        "活动中，民警向群众发放宣传资料，讲解交通安全知识，预防道路交通事故的发生。")


def _page_pdf(path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(420, 300))
    c.setFont("STSong-Light", 20)
    c.drawString(30, 250, TITLE)
    c.setFont("STSong-Light", 11)
    y = 215
    for i in range(0, len(BODY), 30):
        c.drawString(30, y, BODY[i : i + 30])
        y -= 16
    c.showPage()
    c.save()


@pytest.fixture(scope="module")
def page_png(tmp_path_factory):
    import pypdfium2 as pdfium

    d = tmp_path_factory.mktemp("scan")
    _page_pdf(d / "page.pdf")
    pdf = pdfium.PdfDocument(str(d / "page.pdf"))
    pdf[0].render(scale=200 / 72).to_pil().save(d / "page.png", dpi=(200, 200))
    pdf.close()
    return d / "page.png"


@needs_cjk_font
def test_a_page_image_is_read_by_ocr_into_its_article(page_png):
    from xinwen.inference.segmenter import page_records
    from xinwen.inference.sources import read_pages

    pages = list(read_pages(str(page_png)))
    assert len(pages) == 1 and pages[0].layout.ocr and pages[0].layout.has_geometry
    recs = page_records(pages[0])
    assert recs and all(r.ocr and 0.5 < r.ocr_confidence <= 1.0 for r in recs)
    text = re.sub(r"\s", "", "".join(r.text for r in recs))
    hits = sum(1 for i in range(len(BODY) - 3) if BODY[i : i + 4] in text)
    assert hits >= 0.8 * (len(BODY) - 3)  # character 4-grams of the body found, OCR slips allowed
    assert any(TITLE in re.sub(r"\s", "", r.title or "") for r in recs)


def test_a_blank_image_is_one_clear_error(tmp_path):
    from PIL import Image
    from xinwen.inference.encoding import InputError
    from xinwen.inference.sources import read_pages

    f = tmp_path / "blank.png"
    Image.new("RGB", (600, 400), "white").save(f)
    with pytest.raises(InputError, match="blank.png: no text found by OCR"):
        list(read_pages(str(f)))
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"not a jpeg")
    with pytest.raises(InputError, match="broken.jpg: not a readable image"):
        list(read_pages(str(bad)))


@needs_cjk_font
def test_a_vertical_headline_is_read_top_to_bottom_as_one_vertical_line(tmp_path):
    """A title set one character under the other comes back in reading order, flagged vertical."""
    import pypdfium2 as pdfium
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from xinwen.inference.segmentation.ocr import image_layouts

    vtitle = "县交警开展整治行动"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(tmp_path / "v.pdf"), pagesize=(420, 330))
    c.setFont("STSong-Light", 24)
    for k, ch in enumerate(vtitle):
        c.drawString(20, 300 - k * 30, ch)
    c.setFont("STSong-Light", 11)
    for k, i in enumerate(range(0, len(BODY), 24)):
        c.drawString(70, 290 - k * 16, BODY[i : i + 24])
    c.showPage()
    c.save()
    pdf = pdfium.PdfDocument(str(tmp_path / "v.pdf"))
    pdf[0].render(scale=200 / 72).to_pil().save(tmp_path / "v.png", dpi=(200, 200))
    pdf.close()
    (layout,) = image_layouts(tmp_path / "v.png")
    vertical = [ln for ln in layout.lines if ln.vertical]
    assert [re.sub(r"\s", "", ln.text) for ln in vertical] == [vtitle]
    assert not any(ln.vertical for ln in layout.lines if ln is not vertical[0])  # body lines stay horizontal


@needs_cjk_font
def test_run_hears_of_every_scanned_page_as_it_is_read(page_png, tmp_path):
    from PIL import Image
    from xinwen.inference.batch import page_label
    from xinwen.inference.pipeline import Pipeline

    scan = tmp_path / "scan.pdf"
    im = Image.open(page_png).convert("RGB")
    im.save(scan, "PDF", resolution=200, save_all=True, append_images=[im])  # two image-only pages
    seen = []
    groups = list(Pipeline(classify=False, digest=False).groups(str(scan), "scan", lambda e: None, 64,
                                                               on_page=seen.append))
    assert [page_label(p) for p in seen] == ["scan.pdf p1 (OCR)", "scan.pdf p2 (OCR)"]
    assert sum(len(g) for g, _ in groups) >= 2


@needs_cjk_font
def test_a_scanned_page_inside_a_text_pdf_is_read_by_ocr_in_its_place(page_png, tmp_path):
    import pypdfium2 as pdfium
    from PIL import Image
    from xinwen.inference.sources import read_pages

    _page_pdf(tmp_path / "text.pdf")
    Image.open(page_png).convert("RGB").save(tmp_path / "scan.pdf", "PDF", resolution=200)
    mixed = pdfium.PdfDocument.new()
    for f in ("scan.pdf", "text.pdf"):
        mixed.import_pages(pdfium.PdfDocument(str(tmp_path / f)))
    mixed.save(str(tmp_path / "mixed.pdf"))
    pages = list(read_pages(str(tmp_path / "mixed.pdf")))
    assert [(p.page, p.layout.ocr) for p in pages] == [(1, True), (2, False)]  # in page order, nothing lost


@needs_cjk_font
def test_blank_pages_are_not_sent_to_ocr(page_png, monkeypatch):
    import numpy as np
    from PIL import Image
    from xinwen.inference.segmentation import ocr

    white = np.full((800, 600, 3), 255, np.uint8)
    white[100:102, 100:140] = 0  # a speck of dust is still blank
    assert ocr.blank(white) and not ocr.blank(np.asarray(Image.open(page_png).convert("RGB")))
    monkeypatch.setattr(ocr, "engine", lambda: (_ for _ in ()).throw(AssertionError("OCR ran on a blank page")))
    assert ocr.ocr_layout(white, 200).lines == []


@needs_cjk_font
def test_ocr_lines_carry_the_type_size_not_the_padded_box_height(page_png):
    """The page sets its title in 20 pt and its body in 11 pt (1.82x); OCR boxes are padded by a
    few detector pixels whatever the size (1.5x), and the fit in configs/layout.yaml takes that
    back off, so the title reads as a headline (over the rules reader's 1.7x)."""
    from xinwen.inference.segmentation.ocr import image_layouts

    (layout,) = image_layouts(page_png)
    title = next(ln for ln in layout.lines if TITLE[:4] in re.sub(r"\s", "", ln.text))
    body = sorted(ln.size for ln in layout.lines if ln is not title)
    ratio, boxes = title.size / body[len(body) // 2], title.height / max(ln.height for ln in layout.lines if ln is not title)
    assert abs(title.size - 20) < 2.5 and 1.7 < ratio < 2.4 and boxes < ratio, (title.size, body, boxes)
    assert abs(layout.width - 420) < 1 and abs(layout.height - 300) < 1  # the page, not its last box
