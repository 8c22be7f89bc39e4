"""PDF pages as lines with geometry: glyphs grouped into printed lines, rules and pictures kept.

pdfminer's own layout analysis merges lines across narrow gutters and its text boxes follow
no newspaper's logic, so only its glyphs are used (no `LAParams`): glyphs on one baseline
that run on without a gap wider than `gap` × their size make a line; one-character lines
stacked under each other make a vertical line (vertical titles, names). The two numbers are
in `configs/layout.yaml`.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xinwen.inference.segmentation.layout import LayoutConfig, PageLayout, PageLine, Rule

_CLOSING = set("，。、；：）》」』】”’")


def ink_width(ch: str, size: float) -> float:
    """How far a glyph's ink reaches from its origin. pdfminer's box spans the glyph's advance,
    letter-spacing included, so justified lines would reach across the gutter: the ink is at most
    one em, half for narrow letters and for closing punctuation, whose ink sits in the left half
    of its em (a line whose `。` hangs past the column edge would otherwise touch the next
    column's line)."""
    return size * (0.5 if ch in _CLOSING else 1.0 if ch and unicodedata.east_asian_width(ch[0]) in "WF" else 0.62)


@dataclass
class _Glyph:
    ch: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    upright: bool = True  # set on the page's axes, not rotated or mirrored


def _upright(matrix) -> bool:
    a, b, c, d = matrix[:4]
    return a > 0 and d > 0 and abs(b) <= 1e-3 * a and abs(c) <= 1e-3 * d


def _walk(obj, glyphs: list[_Glyph], rules: list[Rule], height: float) -> None:
    from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage, LTLine, LTRect

    for o in obj:
        if isinstance(o, LTChar):
            size = o.size if o.size > 0 else (o.y1 - o.y0)
            ch = o.get_text()
            glyphs.append(_Glyph(ch, o.x0, height - o.y1, min(o.x1, o.x0 + ink_width(ch, size)), height - o.y0, size,
                                 _upright(o.matrix)))
        elif isinstance(o, LTFigure):
            _walk(o, glyphs, rules, height)
            if not any(isinstance(c, LTChar) for c in o):
                rules.append(Rule(o.x0, height - o.y1, o.x1, height - o.y0, image=True))
        elif isinstance(o, LTImage):
            rules.append(Rule(o.x0, height - o.y1, o.x1, height - o.y0, image=True))
        elif isinstance(o, (LTLine, LTRect, LTCurve)):
            x0, y0, x1, y1 = o.x0, height - o.y1, o.x1, height - o.y0
            thin = min(x1 - x0, y1 - y0) < 3
            if thin:
                rules.append(Rule(x0, y0, x1, y1))
            elif isinstance(o, LTRect) and getattr(o, "fill", False) and not getattr(o, "stroke", False):
                rules.append(Rule(x0, y0, x1, y1, image=True))
            else:  # a box: its four sides
                rules += [Rule(x0, y0, x1, y0), Rule(x0, y1, x1, y1), Rule(x0, y0, x0, y1), Rule(x1, y0, x1, y1)]


def glyph_lines(glyphs: list[_Glyph], gap: float, vertical_gap: float) -> list[PageLine]:
    """Printed lines from glyphs (see the module docstring)."""
    seen: set[tuple] = set()
    rows: dict[tuple, list[_Glyph]] = defaultdict(list)
    for g in glyphs:
        key = (g.ch, round(g.x0), round(g.y0))
        if key in seen:  # fake bold: the same glyph drawn twice at one place
            continue
        seen.add(key)
        rows[(round(g.y1 / max(g.size * 0.3, 0.5)), round(g.size * 2))].append(g)
    lines: list[PageLine] = []
    for row in rows.values():
        row.sort(key=lambda g: g.x0)
        cur: list[_Glyph] = []
        for g in row:
            if cur and g.x0 - cur[-1].x1 > gap * g.size:
                lines.append(_line(cur))
                cur = []
            cur.append(g)
        if cur:
            lines.append(_line(cur))
    lines = [ln for ln in lines if ln.text.strip()]
    return _stack_vertical(lines, vertical_gap)


def _line(gs: list[_Glyph]) -> PageLine:
    text, prev = "", None
    for g in gs:
        if prev is not None and g.x0 - prev.x1 > 0.6 * g.size and not text.endswith(" "):
            text += " "
        text += g.ch
        prev = g
    ink = [g for g in gs if g.ch.strip()] or gs
    return PageLine(text.strip(), min(g.x0 for g in ink), min(g.y0 for g in ink), max(g.x1 for g in ink),
                    max(g.y1 for g in ink), statistics.median(g.size for g in ink))


def _stack_vertical(lines: list[PageLine], vertical_gap: float) -> list[PageLine]:
    singles = sorted((ln for ln in lines if len(ln.text) == 1), key=lambda ln: (round(ln.x0), ln.y0))
    others = [ln for ln in lines if len(ln.text) != 1]
    used: set[int] = set()
    out = list(others)
    for i, ln in enumerate(singles):
        if i in used:
            continue
        run = [ln]
        for j in range(i + 1, len(singles)):
            if j in used:
                continue
            nx = singles[j]
            last = run[-1]
            if abs(nx.x0 - last.x0) < 0.3 * last.size and abs(nx.size - last.size) < 0.5 and \
                    0 <= nx.y0 - last.y1 < vertical_gap * last.size:
                run.append(nx)
                used.add(j)
        if len(run) > 1:
            out.append(PageLine("".join(r.text for r in run), min(r.x0 for r in run), run[0].y0,
                                max(r.x1 for r in run), run[-1].y1, run[0].size, vertical=True))
        else:
            out.append(ln)
    out.sort(key=lambda ln: (ln.y0, ln.x0))
    return out


def pdf_layouts(path: str | Path, config: LayoutConfig | None = None, name: str | None = None) -> Iterator[PageLayout]:
    """Each page of a PDF as a PageLayout, one page in memory at a time."""
    cfg = config or LayoutConfig.from_yaml()
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    rm = PDFResourceManager(caching=True)
    device = PDFPageAggregator(rm, laparams=None)  # glyphs as drawn, no layout analysis
    interp = PDFPageInterpreter(rm, device)
    with open(path, "rb") as fh:
        yield from _pages(PDFPage.get_pages(fh), interp, device, cfg.glyph_gap, cfg.vertical_gap, name or str(path))


def _pages(pages, interp, device, gap: float, vertical_gap: float, name: str) -> Iterator[PageLayout]:
    for n, pdf_page in enumerate(pages, 1):
        interp.process_page(pdf_page)
        page = device.get_result()
        glyphs: list[_Glyph] = []
        rules: list[Rule] = []
        _walk(page, glyphs, rules, page.height)
        inked = [g for g in glyphs if g.ch.strip()]
        turned = sum(not g.upright for g in inked) / max(len(inked), 1)
        yield PageLayout(glyph_lines(glyphs, gap, vertical_gap), page.width, page.height, rules, source=name, page=n,
                         rotated_share=turned)
