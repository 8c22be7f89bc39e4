"""Page → articles: a rule cascade over lines.

Signals, strongest first: bylines and `（作者…）` lines end an article; short lines with no
sentence punctuation form headline blocks (`：`-broken titles, `——` subtitles, kickers);
photo credits open caption runs; PDF font size marks headlines outright. Whether a page
prints headlines before or after their bodies is decided per page (`headlines="auto"`).
A short line inside an article with none of those signals is a subhead and stays in the body.
What each line is (headline candidate, name, byline, affiliation, credit) is `lines.py`'s call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from xinwen.inference.lines import (
    AFFILIATION,
    CREDIT,
    NAME_LINE,
    Line,
    byline_names,
    byline_of,
    headline_like,
    is_byline_line,
    is_dash_line,
    is_furniture,
    is_person_name,
    single_char_run,
    split_byline,
    split_captions,
)
from xinwen.models.textclean import (
    display_width,
    ends_sentence,
    merge_overlap,
    paragraphs,
    repair_spacing,
)


@dataclass
class Article:
    kicker: str | None = None
    title: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    dateline: str | None = None
    captions: list[str] = field(default_factory=list)
    body_lines: list[str] = field(default_factory=list)
    text: str = ""
    ocr_confidence: float | None = None  # mean OCR confidence of its lines, for pages read from images


def assign_headline(texts: list[str], art: Article) -> None:
    """kicker / title / subtitle from 1–3 logical headline lines. A `——` line is the subtitle
    wherever it falls, and the lines after it are that subtitle wrapped."""
    dash = next((k for k, t in enumerate(texts[:3]) if k and is_dash_line(t)), None)
    if dash is not None:
        art.kicker, art.title = (None, texts[0]) if dash == 1 else (texts[0], texts[1])
        art.subtitle = "".join(texts[dash:])
        return
    if len(texts) == 1:
        art.title = texts[0]
    elif len(texts) == 2:
        art.title, art.subtitle = texts
    else:
        art.kicker, art.title, art.subtitle = texts[0], texts[1], " ".join(texts[2:])


class _Cursor:
    def __init__(self, lines: list[Line]):
        self.lines, self.i = lines, 0

    def peek(self, k: int = 0) -> Line | None:
        j = self.i + k
        return self.lines[j] if j < len(self.lines) else None


def _take_headline(cur: _Cursor) -> list[str]:
    """Headline block at the cursor as logical lines: a title (a `：`-broken pair joined into
    one) and an optional subtitle; PDF-hinted blocks may add a kicker."""
    first = cur.peek()
    if first is None or not headline_like(first):
        return []
    head = lambda x: repair_spacing(x.text, keep_phrase_spaces=True)  # noqa: E731
    block = [head(first)]
    k = 1
    nxt = cur.peek(k)
    # `新时代：` + `发展新方位 奋进新目标` is one title; `新时代：…奋进新目标` + `陈曙光` is title +
    # author, and a whole title wider than the line under it (`国资委：国企改革全面推进 营收利润双增长`
    # + `国家卫生健康委今天（6月`) has the body's first line under it, not its own second half
    if (re.search(r"[：:]", block[0]) and nxt is not None and headline_like(nxt) and not re.search(r"[：:]", nxt.text)
            and not is_person_name(repair_spacing(nxt.text))
            and display_width(block[0]) <= display_width(repair_spacing(nxt.text)) + 1):
        block[0] += head(nxt)
        k += 1
    nxt = cur.peek(k)
    if nxt is not None and headline_like(nxt) and not NAME_LINE.match(nxt.text.strip()):
        after = cur.peek(k + 1)
        sub = repair_spacing(nxt.text)
        # a bare second line is a subtitle only if it does not fill the column like body text
        uneven = after is not None and abs(display_width(repair_spacing(nxt.text)) - display_width(repair_spacing(after.text))) > 1.5
        if is_dash_line(sub) or first.heading or (
            k == 1 and (after is None or not headline_like(after) or is_person_name(after.text)) and uneven
        ):
            block.append(head(nxt))
            k += 1
            if first.heading and after is not None and after.heading:
                block.append(head(after))
                k += 1
    cur.i += k
    return block


def _take_captions(cur: _Cursor, art: Article) -> None:
    """After a credit line, complete one-line sentences are captions, not body."""
    line = cur.peek()
    if line is None or not CREDIT.match(repair_spacing(line.text)):
        return
    art.captions.extend(split_captions(line.text))
    cur.i += 1
    while (line := cur.peek()) is not None and ends_sentence(line.text) and not headline_like(line):
        nxt = cur.peek(1)
        if nxt is not None and display_width(line.text) < display_width(nxt.text) - 1 and not re.search(r"\s\S", line.text.strip()):
            break
        art.captions.extend(split_captions(line.text))
        cur.i += 1


def detect_order(lines: list[Line]) -> str:
    """'after' when the page opens with body text or closes on a headline block, else 'before'."""
    if not lines:
        return "before"
    if lines[0].heading is not None:
        return "before" if lines[0].heading else "after"
    first = repair_spacing(lines[0].text)
    if not headline_like(lines[0]) and not is_byline_line(first):
        return "after"
    tail = [x for x in lines[-3:]]
    if tail and headline_like(tail[-1]) and not is_byline_line(tail[-1].text):
        return "after"
    return "before"


MIN_ARTICLE_CHARS = 40  # shorter untitled blocks on a page with real articles are furniture


def prepare(lines: list[Line]) -> list[Line]:
    """Undo two dump artefacts: vertical titles as one character per line, and headline rows
    extracted several times over (fake-bold text drawn twice)."""
    out: list[Line] = []
    texts = [x.text for x in lines]
    i = 0
    while i < len(lines):
        j = single_char_run(texts, i)
        if j - i >= 3:  # a vertical title, often with its author's name printed on below it
            chars = "".join(repair_spacing(x.text) for x in lines[i:j])
            k = next((k for k in (3, 2) if len(chars) - k >= 4 and is_person_name(chars[-k:])), 0)
            out.append(Line(chars[: len(chars) - k], True, chars[len(chars) - k :] or None))
            i = j
            continue
        cur = lines[i]
        if out and headline_like(out[-1]) and headline_like(cur):
            a, b = repair_spacing(out[-1].text), repair_spacing(cur.text)
            merged = merge_overlap(a, b, min_overlap=2)
            if merged is None and b[:1] in "：:" and a.endswith(b[0]):  # `新时代：` + `：发展新方位…`, drawn twice
                merged = a + b[1:]
            if merged is not None:
                out[-1] = Line(merged, out[-1].heading)
                i += 1
                continue
        out.append(cur)
        i += 1
    return out


def _take_affiliation(cur: _Cursor) -> bool:
    """`（作者为…）` possibly broken over up to four lines."""
    first = cur.peek()
    if first is None or not re.match(r"^[（(]作者", repair_spacing(first.text)):
        return False
    for k in range(4):
        x = cur.peek(k)
        if x is None:
            return False
        if x.text.strip().endswith(("）", ")")):
            cur.i += k + 1
            return True
    return False


def segment_lines(raw: Iterable[Line], headlines: str = "auto", seam: Callable | str | None = "auto") -> list[Article]:
    """Articles of one page, in page order. `seam` scores column seams when a block-wise dump
    must be reassembled ("auto": the shipped base model when it is there; None: layout only)."""
    raw = list(raw)
    if all(x.heading is None for x in raw):
        from xinwen.inference.reassemble import reassembled_articles

        arts = reassembled_articles(raw, seam)
        if arts is not None:
            return arts
    return segment_ordered(raw, headlines)


def segment_ordered(raw: Iterable[Line], headlines: str) -> list[Article]:
    lines = prepare([Line(x.text.strip(), x.heading) for x in raw if x.text.strip() and not is_furniture(x.text)])
    order = detect_order(lines) if headlines == "auto" else headlines
    arts: list[Article] = []
    art = Article()
    cur = _Cursor(lines)
    closed = True  # the current article was just ended by a byline / affiliation / headline

    def flush() -> None:
        nonlocal art
        if art.body_lines or art.title:
            arts.append(art)
        art = Article()

    def end_article() -> None:
        """A byline or affiliation closed the article; headlines-after pages finish it here."""
        nonlocal closed
        if order == "after":
            _close_after(cur, art)
            flush()
        closed = True

    while (line := cur.peek()) is not None:
        s = line.text
        by = byline_of(s)
        if by is not None or AFFILIATION.match(repair_spacing(s)) or _take_affiliation(cur):
            if by is not None:
                art.byline = by if not art.byline else art.byline
            if by is not None or AFFILIATION.match(repair_spacing(s)):
                cur.i += 1
            end_article()
            continue
        if order == "before":
            starts_block = headline_like(line) and not (art.title and not art.body_lines) and (
                closed or bool(line.heading) or not art.body_lines)
        else:
            starts_block = bool(line.heading)
        if starts_block or (headline_like(line) and _is_strong_block(cur, art.body_lines)):
            i0 = cur.i
            block = _take_headline(cur)
            author = _author_since(cur, i0)
            if order == "before":
                if art.body_lines:
                    flush()
                assign_headline(block, art)
                art.byline = art.byline or author
                nb = cur.peek()
                b = byline_of(nb.text) if nb is not None else None
                if nb is not None and b is None and NAME_LINE.match(nb.text.strip()):
                    b = byline_names(nb.text.strip())
                if b and not art.body_lines:
                    art.byline = b
                    cur.i += 1
            else:
                art.byline = art.byline or author
                _close_after(cur, art, block)
                flush()
            closed = False
            continue
        rest, by = split_byline(s)
        if by is not None:
            art.body_lines.append(rest)
            art.byline = by
            cur.i += 1
            end_article()
            continue
        if CREDIT.match(repair_spacing(s)):
            _take_captions(cur, art)
            continue
        art.body_lines.append(s)
        closed = False
        cur.i += 1
    flush()
    for a in arts:
        a.text = "\n".join(paragraphs(a.body_lines))
    arts = [a for a in arts if a.text or a.title]
    return drop_fragments(arts)


def is_fragment(a: Article) -> bool:
    """Too little to be an article: a short untitled, unsigned block, or a headline with no body
    at all (a subtitle's second line and a name, split off its own headline)."""
    if a.captions:
        return False
    body = len(re.sub(r"\s", "", a.text))
    return body == 0 or (not (a.title or a.byline) and body < MIN_ARTICLE_CHARS)


def drop_fragments(arts: list[Article]) -> list[Article]:
    """A section banner or a stray headline fragment between articles is not an article (a page
    that is nothing but a short text keeps it)."""
    return [a for a in arts if not is_fragment(a)] or arts


def _close_after(cur: _Cursor, art: Article, block: list[str] | None = None) -> None:
    """Headlines-after pages: the article's headline block (taken here unless given), then a
    bare author name, captions."""
    if block is None:
        i0 = cur.i
        block = _take_headline(cur)
        art.byline = art.byline or _author_since(cur, i0)
    if block:
        assign_headline(block, art)
        _take_author(cur, art)
    _take_captions(cur, art)


def _author_since(cur: _Cursor, i0: int) -> str | None:
    """The name split off a vertical title (`prepare`) among the lines taken since `i0`."""
    return next((x.author for x in cur.lines[i0 : cur.i] if x.author), None)


def _take_author(cur: _Cursor, art: Article) -> None:
    """A bare author name right under a headline block is the byline: co-authors one per line,
    or one name a character per line (`刘` `伟`). Every name must read as a person's, or a
    headline's short last line (`双手联弹` / `双量发力` / …) would be taken for one."""
    nxt = cur.peek()
    if nxt is None or art.byline:
        return
    ahead = [x.text for x in cur.lines[cur.i : cur.i + 4]]  # a name is 2–3 characters
    chars = "".join(repair_spacing(x) for x in ahead[: single_char_run(ahead, 0)])
    if 2 <= len(chars) <= 3 and is_person_name(chars):
        art.byline = chars
        cur.i += len(chars)
        return
    first = byline_names(nxt.text.strip())
    if not NAME_LINE.match(nxt.text.strip()) or not all(map(is_person_name, first.split())):
        return
    names = [first]
    cur.i += 1
    while (nxt := cur.peek()) is not None and len(names) < 4 and is_person_name(nxt.text):
        names.append(byline_names(nxt.text.strip()))
        cur.i += 1
    art.byline = " ".join(names)


def _is_strong_block(cur: _Cursor, body_lines: list[str]) -> bool:
    """A headline block mid-flow starts/ends an article only with a subtitle or credit attached,
    or as `title / author name / body` right after a finished sentence (theory and opinion pages)."""
    x = cur.peek(1)
    if x is None:
        return False
    t = repair_spacing(x.text)
    if is_dash_line(t):
        return True
    y = cur.peek(2)
    k = 2 if headline_like(x) and not is_person_name(t) else 1  # title + subtitle, then the name
    name, after = cur.peek(k), cur.peek(k + 1)
    if (name is not None and is_person_name(repair_spacing(name.text))
            and (after is None or not headline_like(after) or is_person_name(after.text))
            and (not body_lines or ends_sentence(body_lines[-1]))):
        return True
    return y is not None and headline_like(x) and bool(CREDIT.match(repair_spacing(y.text)))


def segment_text(text: str, headlines: str = "auto", seam: Callable | str | None = "auto") -> list[Article]:
    """Segment one page of plain text (lines as dumped, blank lines or not)."""
    return segment_lines((Line(x) for x in text.split("\n")), headlines, seam)
