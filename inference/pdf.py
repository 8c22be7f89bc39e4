"""PDF pages through pdfminer.six's layout analysis: text lines in reading order with a
headline hint from font size (headlines are set larger than body text)."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from pathlib import Path

from xinwen.inference.encoding import InputError
from xinwen.inference.lines import Line
from xinwen.inference.pdf_layout import page_lines, segment_pdf_page
from xinwen.inference.segment import Article
from xinwen.inference.segmentation.layout import PageLayout, PageLine

HEADLINE_RATIO = 1.3


def pdf_pages(path: str | Path, name: str | None = None
              ) -> Iterator[tuple[list[Line], list[Article] | None, PageLayout]]:
    """Yield each page's lines (font-size headline hints), its layout-segmented articles (None
    where the page has no headline set larger than its body text) and the same lines with their
    boxes (for the masthead); raise InputError for unreadable PDFs. A PDF without a text layer
    yields pages without lines (OCR reads them)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextBox, LTTextLine
    from pdfminer.pdfparser import PDFSyntaxError

    name = name or str(path)
    pages = extract_pages(str(path), laparams=LAParams())  # lazy: one page in memory at a time
    while True:
        try:
            page = next(pages, None)
        except (PDFSyntaxError, ValueError, TypeError, KeyError) as e:
            raise InputError(name, f"not a readable PDF ({type(e).__name__})") from None
        if page is None:
            return
        rows: list[tuple[str, float]] = []
        for box in page:
            if not isinstance(box, LTTextBox):
                continue
            for line in box:
                if not isinstance(line, LTTextLine):
                    continue
                sizes = [c.size for c in line if isinstance(c, LTChar) and c.get_text().strip()]
                text = line.get_text().strip()
                if text and sizes:
                    rows.append((text, statistics.median(sizes)))
        body = statistics.median([s for _, s in rows]) if rows else 0.0
        arts = segment_pdf_page(page) if rows else []
        # the lines with their boxes, fake bold read once (`page_lines`); pdfminer's origin is the
        # bottom left, ours the top left
        boxed = [PageLine(t.text, t.x0, page.height - t.y1, t.x1, page.height - t.y0, t.size)
                 for box in page_lines(page)[0] for t in box]
        layout = PageLayout(boxed, width=page.width, height=page.height, source=name)
        yield [Line(t, s >= body * HEADLINE_RATIO) for t, s in rows], (arts or None), layout
