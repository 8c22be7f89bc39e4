"""Segmentation: one page (PDF geometry or a text dump) in, typed articles out.

`segment_page` is the one entry point; `layout.py` holds the typed shapes, `pdf_lines.py` turns
a PDF page into lines with geometry, `features.py` describes each line to the learned reader,
`reader.py` decides roles and articles with models trained on simulated pages
(`xinwen.training.pagesim`), and `credits.py` moves datelines and bylines out of bodies. The
rule cascade of earlier releases (`inference/segment.py`, `inference/pdf.py`) is the other
`Segmenter`; both give the same `Article`s.
"""

from __future__ import annotations

from xinwen.inference.segmentation.layout import Block, PageLayout, PageLine, Role, Segmenter

__all__ = ["Block", "PageLayout", "PageLine", "Role", "Segmenter", "segment_page"]


def segment_page(page: PageLayout, segmenter: Segmenter = Segmenter.AUTO, reader=None) -> list:
    """Articles of one page. `learned` reads it with the shipped layout reader (or `reader`);
    `rules` with the cascade, whose bodies then go through the same credit parser. A scan read by
    `rules` goes the way a PDF page does (`pdf_layout.segment_scan`: headlines by type size, bodies
    to the headline above them), or to the learned reader where it prints no larger headline.
    `auto`: read both ways, the likelier reading kept (`choice.judged`). (`run` judges the
    readings furniture off, a PDF page's rules reading through pdfminer's layout:
    `segmenter.page_articles`.)"""
    from xinwen.inference.segmentation.credits import clean_credits

    seg = Segmenter(segmenter)
    if seg == Segmenter.AUTO:
        from xinwen.inference.segmentation.choice import judged

        readings = {k: segment_page(page, k, reader) for k in (Segmenter.RULES, Segmenter.LEARNED)}
        return readings[judged(readings)[0]]
    if seg == Segmenter.RULES and page.ocr:
        from xinwen.inference.pdf_layout import segment_scan

        arts = segment_scan(page)
        if arts is not None:
            return [clean_credits(a) for a in arts]
    if seg == Segmenter.LEARNED or page.ocr:
        from xinwen.inference.segmentation.reader import LayoutReader

        return (reader or LayoutReader.bundled()).segment(page)
    from xinwen.inference.lines import Line
    from xinwen.inference.segment import segment_lines

    raw = page.text.split("\n") if page.text is not None else [ln.text for ln in page.lines]
    return [clean_credits(a) for a in segment_lines([Line(x) for x in raw])]
