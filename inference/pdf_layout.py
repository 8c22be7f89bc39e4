"""Layout-based segmentation of PDF pages: headlines by font size, articles by geometry.

Flat text from a multi-column newspaper PDF interleaves articles, so a PDF page is cut
into articles on the page itself: headline lines (set ≥1.7× the body size) are grouped into
headline blocks (vertical single-character titles included); every body text box goes to
the nearest block above it that overlaps it horizontally (else the nearest block); each
article's boxes are then read column by column and joined with the text cleanup rules.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from xinwen.inference.lines import byline_names, byline_of, is_furniture, is_person_name, single_char_run
from xinwen.inference.segment import Article
from xinwen.inference.segmentation.layout import PageLayout, overlap
from xinwen.inference.segmentation.union import connected
from xinwen.models.textclean import merge_overlap, paragraphs, repair_spacing

HEADLINE = 1.7   # × body size: titles, kickers, subtitles
LINE_MARGIN = 0.5  # × line height: pdfminer's LAParams.line_margin, which groups lines into text boxes
BYLINE = 1.1     # × body size: bylines are set a little larger than body text
MIN_RULE = 100   # points: a shorter drawn line or box is no separator or frame
RUNNING_HEADER = 0.04  # share of the page's height at its top: page number, section, date


@dataclass
class TLine:
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    text: str
    confidence: float | None = None  # OCR lines: the recogniser's confidence


@dataclass
class Block:
    lines: list[TLine] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(x.x0 for x in self.lines)

    @property
    def x1(self) -> float:
        return max(x.x1 for x in self.lines)

    @property
    def y0(self) -> float:
        return min(x.y0 for x in self.lines)

    @property
    def y1(self) -> float:
        return max(x.y1 for x in self.lines)


def page_lines(page) -> tuple[list[list[TLine]], float]:
    """Text boxes (as lists of lines) of one pdfminer page, and the body font size."""
    from pdfminer.layout import LTChar, LTTextBox, LTTextLine

    boxes: list[list[TLine]] = []
    sizes: Counter[float] = Counter()
    for box in page:
        if not isinstance(box, LTTextBox):
            continue
        lines = []
        for ln in box:
            if not isinstance(ln, LTTextLine):
                continue
            chars, seen = [], set()
            for c in ln:
                if isinstance(c, LTChar):
                    key = (c.get_text(), round(c.x0), round(c.y0))
                    if key in seen:  # fake bold: the same glyph drawn twice at one place
                        continue
                    seen.add(key)
                    chars.append(c)
                elif c.get_text() == " ":
                    chars.append(c)
            cs = [c.size for c in chars if isinstance(c, LTChar) and c.get_text().strip()]
            t = "".join(c.get_text() for c in chars).strip()
            if cs and t:
                lines.append(TLine(ln.x0, ln.y0, ln.x1, ln.y1, statistics.median(cs), t))
                sizes[round(statistics.median(cs), 1)] += len(t)
        if lines:
            boxes.append(lines)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    return boxes, body


def merge_rows(lines: list[TLine]) -> list[TLine]:
    """One headline row may come as several overlapping line objects; make it one line."""
    out: list[TLine] = []
    for ln in sorted(lines, key=lambda x: (-round(x.y0), x.x0)):
        h = ln.y1 - ln.y0
        prev = out[-1] if out else None
        if prev and abs(prev.y0 - ln.y0) < 0.3 * h and ln.x0 - prev.x1 < h and abs(prev.size - ln.size) < 1:
            prev.text = merge_overlap(prev.text, ln.text) or prev.text + ln.text
            prev.x0, prev.x1 = min(prev.x0, ln.x0), max(prev.x1, ln.x1)
            prev.y1 = max(prev.y1, ln.y1)
        else:
            out.append(TLine(ln.x0, ln.y0, ln.x1, ln.y1, ln.size, ln.text, ln.confidence))
    return out


def headline_blocks(lines: list[TLine]) -> list[Block]:
    """Group headline lines: vertically adjacent and horizontally overlapping, or a vertical stack."""
    blocks: list[Block] = []
    for ln in sorted(merge_rows(lines), key=lambda x: (-x.y1, x.x0)):
        for b in blocks:
            last = min(b.lines, key=lambda x: x.y0)
            gap = last.y0 - ln.y1
            h = max(last.y1 - last.y0, ln.y1 - ln.y0)
            if -h * 0.5 <= gap <= h * 1.2 and overlap(ln.x0, ln.x1, b.x0, b.x1) > 0:
                b.lines.append(ln)
                break
        else:
            blocks.append(Block([ln]))
    return blocks


def _block_text(b: Block) -> tuple[str | None, str | None, str | None]:
    """kicker, title, subtitle: the largest type is the title, above it kicker, below subtitle."""
    lines = sorted(b.lines, key=lambda x: -x.y1)
    if _is_vertical(b):
        return None, "".join(repair_spacing(x.text) for x in lines), None
    big = max(x.size for x in lines)
    idx = [i for i, x in enumerate(lines) if x.size >= big * 0.9]
    first, last = idx[0], idx[-1]
    fix = lambda ls: " ".join(repair_spacing(x.text, keep_phrase_spaces=True) for x in ls) or None  # noqa: E731
    title = "".join(repair_spacing(x.text, keep_phrase_spaces=True) for x in lines[first : last + 1])
    return fix(lines[:first]), title, fix(lines[last + 1 :])


def _column(x: TLine, col_width: float) -> int:
    return round(x.x0 / (col_width * 0.8))


def _read_order(boxes: list[list[TLine]], col_width: float) -> list[TLine]:
    """Columns left to right, top to bottom inside a column."""
    lines = [ln for b in boxes for ln in b]
    return sorted(lines, key=lambda x: (_column(x, col_width), -x.y1))


def _edges(lines: list[TLine], col_width: float) -> tuple[list[bool], list[bool]]:
    """Which lines are indented (a paragraph's first: two characters in, not the wider step of
    text run around a picture) and which reach the right edge, each against its neighbours in
    the same column: a column narrows beside a picture, so one edge for it would not do, and
    a line where it narrows is full when it reaches either neighbour's edge."""
    key = [_column(x, col_width) for x in lines]
    indented, full = [], []
    for i, x in enumerate(lines):
        near = [lines[j] for j in (i - 1, i + 1) if 0 <= j < len(lines) and key[j] == key[i]]
        left = min((y.x0 for y in near), default=x.x0)
        indented.append(1.5 * x.size < x.x0 - left < 3 * x.size)
        full.append(not near or any(y.x1 - x.x1 < 0.5 * x.size for y in near))
    return indented, full


def _is_vertical(b: Block) -> bool:
    return len(b.lines) > 2 and all(len(repair_spacing(x.text)) <= 2 for x in b.lines)


@dataclass
class Rules:
    """Drawn separators: frames around boxed articles and horizontal rules between articles."""

    frames: list[tuple[float, float, float, float]] = field(default_factory=list)
    hlines: list[tuple[float, float, float]] = field(default_factory=list)  # x0, x1, y

    @classmethod
    def of(cls, page) -> Rules:
        from pdfminer.layout import LTCurve, LTLine, LTRect

        r = cls()
        for o in page:
            if not isinstance(o, (LTLine, LTRect, LTCurve)):
                continue
            w, h = o.x1 - o.x0, o.y1 - o.y0
            if w > MIN_RULE and h > MIN_RULE and isinstance(o, LTRect):
                r.frames.append((o.x0, o.y0, o.x1, o.y1))
            elif w > MIN_RULE and h < 6:
                r.hlines.append((o.x0, o.x1, (o.y0 + o.y1) / 2))
        return r

    @classmethod
    def of_layout(cls, layout: PageLayout, tol: float = 6.0) -> Rules:
        """The same from a scan's rules (`ocr.image_rules`, top-left coordinates): a scan shows a
        frame only as its four sides, so two rules across and two down that meet at four corners
        within `tol` points are one frame."""
        H = layout.height or 0.0
        hs = [r for r in layout.rules if not r.image and r.horizontal and r.x1 - r.x0 > MIN_RULE]
        vs = [r for r in layout.rules if not r.image and not r.horizontal and r.y1 - r.y0 > MIN_RULE]
        frames = []
        for i, top in enumerate(hs):
            for bot in hs[i + 1:]:
                a, b = sorted((top, bot), key=lambda r: r.y0)
                if b.y0 - a.y1 < MIN_RULE or abs(a.x0 - b.x0) > tol or abs(a.x1 - b.x1) > tol:
                    continue
                x0, x1 = (a.x0 + b.x0) / 2, (a.x1 + b.x1) / 2
                if all(any(abs(v.x0 - x) <= tol and v.y0 <= a.y1 + tol and v.y1 >= b.y0 - tol for v in vs) for x in (x0, x1)):
                    frames.append((x0, H - b.y1, x1, H - a.y0))
        return cls(frames, [(r.x0, r.x1, H - (r.y0 + r.y1) / 2) for r in hs])

    def frame_of(self, x: float, y: float) -> int | None:
        inside = [i for i, (a, b, c, d) in enumerate(self.frames) if a <= x <= c and b <= y <= d]
        return min(inside, key=lambda i: (self.frames[i][2] - self.frames[i][0]) * (self.frames[i][3] - self.frames[i][1])) if inside else None

    def separated(self, x0: float, x1: float, y_low: float, y_high: float) -> bool:
        return any(y_low < y < y_high and overlap(x0, x1, a, b) > (x1 - x0) * 0.5 for a, b, y in self.hlines)


def _owner(box: list[TLine], blocks: list[Block], col: float, rules: Rules | None = None) -> int | None:
    """Nearest headline block above the box that overlaps it horizontally; a vertical title
    owns the boxes beside it; else the nearest block at all. Drawn frames and rules bound
    an article: a box in a frame belongs to a block in the same frame, and no block claims
    a box across a horizontal rule."""
    if not blocks:
        return None
    rules = rules or Rules()
    x0, x1 = min(x.x0 for x in box), max(x.x1 for x in box)
    top = max(x.y1 for x in box)
    frame = rules.frame_of((x0 + x1) / 2, (top + min(x.y0 for x in box)) / 2)
    same = [i for i, b in enumerate(blocks) if rules.frame_of((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2) == frame]
    if frame is not None and not same:
        frame = None
        same = [i for i, b in enumerate(blocks) if rules.frame_of((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2) is None]
    pool = same or list(range(len(blocks)))
    cands = []
    for i in pool:
        blk = blocks[i]
        if _is_vertical(blk):
            if blk.y0 - col <= top <= blk.y1 + col * 0.5:
                gap = max(blk.x0 - x1, x0 - blk.x1, 0.0)
                if gap <= col * 1.2:
                    cands.append((gap, i))
        elif blk.y0 >= top - 2 and overlap(x0, x1, blk.x0, blk.x1) > 0 and not rules.separated(x0, x1, top, blk.y0):
            cands.append((blk.y0 - top, i))
    if cands:
        return min(cands)[1]
    bottom = min(x.y0 for x in box)
    # nor when falling back on the nearest block (a column running on below a vertical title)
    open_ = [i for i in pool if not rules.separated(x0, x1, blocks[i].y1, bottom) and not rules.separated(x0, x1, top, blocks[i].y0)]
    cx = (x0 + x1) / 2
    return min(open_ or pool, key=lambda i: abs((blocks[i].x0 + blocks[i].x1) / 2 - cx) + abs(blocks[i].y0 - top))


def _author_lines(lines: list[TLine], body: float) -> tuple[list[TLine], list[TLine]]:
    """(the author's name, the rest): on opinion pages the name is set a little larger than
    the body, beside the title or at the foot of a column, one line or one character per line
    (`樊` `丽` `明`), so reading order does not put it first."""
    sized = [body * BYLINE <= ln.size < body * 1.4 for ln in lines]
    # a one-character line only joins a run while it is set at byline size
    texts = [ln.text if ok else "" for ln, ok in zip(lines, sized)]
    k = 0
    while k < len(lines):
        j = single_char_run(texts, k)
        run = lines[k : max(j, k + 1)]
        if sized[k] and is_person_name("".join(repair_spacing(x.text) for x in run)):
            return run, lines[:k] + lines[k + len(run) :]
        k = max(j, k + 1)
    return [], lines


def segment_pdf_page(page) -> list[Article]:
    """Articles of one pdfminer page."""
    boxes, body = page_lines(page)
    return segment_boxes(boxes, body, Rules.of(page), page.y1 - (page.y1 - page.y0) * RUNNING_HEADER)


def segment_boxes(boxes: list[list[TLine]], body: float, rules: Rules, top_strip: float) -> list[Article]:
    """Articles from a page's text boxes (pdfminer's, or `scan_boxes` of an OCR page) in
    pdfminer's coordinates (origin bottom left); lines above `top_strip` are the running header
    (page number, section, date)."""
    boxes = [[ln for ln in b if ln.y0 < top_strip] for b in boxes]
    boxes = [b for b in boxes if b]
    heads = [ln for b in boxes for ln in b if ln.size >= body * HEADLINE]
    blocks = headline_blocks(heads)
    body_boxes = [[ln for ln in b if ln.size < body * HEADLINE and not is_furniture(ln.text)] for b in boxes]
    body_boxes = [b for b in body_boxes if b]
    widths = [ln.x1 - ln.x0 for b in body_boxes for ln in b if abs(ln.size - body) < 0.5]
    col = statistics.median(widths) if widths else 100.0
    owned: dict[int, list[list[TLine]]] = {i: [] for i in range(len(blocks))}
    for b in body_boxes:
        i = _owner(b, blocks, col, rules)
        if i is not None:
            owned[i].append(b)
    arts = []
    for i, blk in enumerate(blocks):
        kicker, title, subtitle = _block_text(blk)
        lines = _read_order(owned[i], col)
        byl, rest = [], []
        for ln in lines:
            if body * BYLINE <= ln.size < body * 1.4 and len(repair_spacing(ln.text)) <= 20 and not rest:
                byl.append(ln)
            else:
                rest.append(ln)
        if not byl:
            byl, rest = _author_lines(rest, body)
        byline = None
        if byl:
            raw = " ".join(x.text for x in byl)
            byline = byline_of(raw) or byline_names(repair_spacing(raw, keep_phrase_spaces=True))
        text = "\n".join(paragraphs([x.text for x in rest], *_edges(rest, col)))
        if text:
            conf = [x.confidence for x in blk.lines + lines if x.confidence is not None]
            arts.append(Article(kicker=kicker, title=title, subtitle=subtitle, byline=byline, text=text,
                                ocr_confidence=sum(conf) / len(conf) if conf else None))
    return arts


def scan_boxes(layout: PageLayout, margin: float = LINE_MARGIN) -> tuple[list[list[TLine]], float]:
    """An OCR page's lines as the text boxes pdfminer would have made of them, and its body size,
    so a scan goes through `segment_boxes` like a PDF. Lines join a box the way pdfminer's
    `LAParams` join them (`line_margin` × height apart vertically, as tall within that margin,
    left, right or centre aligned within it); a vertical line (a headline or name set one
    character under the other) becomes a stack of one-character lines, as a PDF prints it.
    Coordinates turn to pdfminer's, origin at the bottom left."""
    H = layout.height or 0.0
    lines: list[TLine] = []
    for ln in layout.lines:
        text = repair_spacing(ln.text)
        size = ln.size
        if ln.vertical and len(text) > 1:
            step = (ln.y1 - ln.y0) / len(text)
            lines += [TLine(ln.x0, H - ln.y0 - (k + 1) * step, ln.x1, H - ln.y0 - k * step, size, c, ln.confidence)
                      for k, c in enumerate(text)]
        elif ln.text.strip():
            lines.append(TLine(ln.x0, H - ln.y1, ln.x1, H - ln.y0, size, ln.text.strip(), ln.confidence))
    order = sorted(range(len(lines)), key=lambda i: -lines[i].y1)
    joined = []
    for a, i in enumerate(order):
        p = lines[i]
        d = margin * (p.y1 - p.y0)
        for j in order[a + 1:]:
            q = lines[j]
            if q.y1 < p.y0 - d:  # sorted by top: nothing further down is near
                break
            if (overlap(p.x0, p.x1, q.x0, q.x1) > 0 and abs((q.y1 - q.y0) - (p.y1 - p.y0)) <= d
                    and min(abs(q.x0 - p.x0), abs(q.x1 - p.x1), abs(q.x0 + q.x1 - p.x0 - p.x1) / 2) <= d):
                joined.append((j, i))
    groups = [[lines[i] for i in g] for g in connected(order, joined)]
    weights = sorted((ln.size, len(ln.text)) for ln in lines)
    half, acc, body = sum(w for _, w in weights) / 2, 0, 10.0
    for size, w in weights:  # the character-weighted median size: most text is body text
        acc += w
        if acc >= half:
            body = size
            break
    return groups, body


def segment_scan(layout: PageLayout) -> list[Article] | None:
    """Articles of an OCR page read as a PDF page is, with the rules found on the image; None where
    it prints no headline larger than its body, for a caller to read another way."""
    boxes, body = scan_boxes(layout)
    if not any(ln.size >= body * HEADLINE for b in boxes for ln in b):
        return None
    H = layout.height or 0.0
    return segment_boxes(boxes, body, Rules.of_layout(layout), H * (1 - RUNNING_HEADER))
