"""Page → articles: a rule cascade over lines.

Signals, strongest first: bylines and `（作者…）` lines end an article; short lines with no
sentence punctuation form headline blocks (`：`-broken titles, `——` subtitles, kickers);
photo credits open caption runs; PDF font size marks headlines outright. Whether a page
prints headlines before or after their bodies is decided per page (`headlines="auto"`).
A short line inside an article with none of those signals is a subhead and stays in the body.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from xinwen.inference.textclean import (
    SENTENCE_END,
    display_width,
    ends_sentence,
    merge_overlap,
    paragraphs,
    repair_spacing,
)

NAME = r"[\u4e00-\u9fff·]"
_AUTHOR_IS = r"作者(?:为|系|单位|是)"  # `（作者为…）`: an affiliation line, never a list of names
_BYLINE_PAREN = re.compile(rf"[（(](?!{_AUTHOR_IS})((?:{NAME}{{1,4}}[ \u3000]*){{1,8}})[）)]$")
_BYLINE_PREFIX = re.compile(rf"^(?:本报记者|本报通讯员|通讯员|记者|特约记者|本报特约通讯员|文/|文|图/|撰文)[ \u3000]*((?:{NAME}{{2,4}}[ \u3000]*)+)$")
_AFFILIATION = re.compile(rf"^[（(]({_AUTHOR_IS}[^）)]*)[）)]$")
_CREDIT = re.compile(r"^[（(]?(本(?:文|版)?图片[^）)]*提供|[^（）()]{0,20}摄|图片来源[^）)]*|资料图片)[）)]?")
_FURNITURE = re.compile(r"^(?:(?:制图|图表|责编|美编)[：:].{0,12}|\d{1,3}|\d{1,3}\s+[\u4e00-\u9fff]{1,8}|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*星期\S|责任编辑.*|本版编辑.*|版式设计.*|第?\s*\d+\s*版)$")
_HEAD_FORBIDDEN = re.compile(r"[。；;，]|、.*、")


@dataclass
class Line:
    text: str
    heading: bool | None = None  # layout hint (PDF font size); None when unknown
    author: str | None = None  # a name printed on below a vertical title, split off


@dataclass
class Article:
    kicker: str | None = None
    title: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    captions: list[str] = field(default_factory=list)
    body_lines: list[str] = field(default_factory=list)
    text: str = ""

    def record(self, **extra) -> dict:
        d = asdict(self)
        d.pop("body_lines")
        return {**extra, **d}


def byline_names(raw: str) -> str:
    """`段唐平 滕雪慧 舒 俊` → `段唐平 滕雪慧 舒俊`: letter-spaced two-character names close up."""
    toks = raw.split()
    out: list[str] = []
    i = 0
    while i < len(toks):
        if len(toks[i]) == 1 and i + 1 < len(toks) and len(toks[i + 1]) == 1:
            out.append(toks[i] + toks[i + 1])
            i += 2
        else:
            out.append(toks[i])
            i += 1
    return " ".join(out)


def split_byline(line: str) -> tuple[str, str | None]:
    """Split a trailing `（袁云华）` byline off a line; returns (rest, names or None)."""
    s = line.rstrip()
    m = _BYLINE_PAREN.search(s)
    if not m:
        return s, None
    rest = s[: m.start()].rstrip()
    if rest and rest[-1] not in SENTENCE_END + "”’」』":
        return s, None  # a parenthetical inside a sentence, not a byline
    return rest, byline_names(m.group(1))


def is_furniture(line: str) -> bool:
    s = line.strip()
    return bool(_FURNITURE.match(s)) and len(s) < 24


def headline_like(line: Line) -> bool:
    if line.heading is not None:
        return line.heading
    s = repair_spacing(line.text, keep_phrase_spaces=True)
    if not s or len(s) > 40 or _HEAD_FORBIDDEN.search(s) or s[-1] in "，、（“《" or is_byline_line(s):
        return False
    if _CREDIT.match(s) or _AFFILIATION.match(s):
        return False
    return not ends_sentence(s) or s.endswith(("！", "?", "？")) and display_width(s) <= 14


def is_byline_line(s: str) -> bool:
    s = s.strip()
    return bool(_BYLINE_PREFIX.match(s)) or (bool(_BYLINE_PAREN.fullmatch(s)) if s.startswith(("（", "(")) else False)


def byline_of(s: str) -> str | None:
    s = s.strip()
    m = _BYLINE_PREFIX.match(s)
    if m:
        return s[: m.start(1)].strip() + " " + byline_names(m.group(1))
    if s.startswith(("（", "(")):
        m = _BYLINE_PAREN.fullmatch(s)
        if m:
            return byline_names(m.group(1))
    return None


def split_captions(line: str) -> list[str]:
    """A caption line may hold a credit and several captions: `（本文图片…提供）奋进中的….`."""
    s = line.strip()
    parts: list[str] = []
    m = re.match(r"^([（(][^）)]*[）)])(.*)$", s)
    if m:
        parts.append(m.group(1))
        s = m.group(2)
    for chunk in re.split(r"[ \u3000]{1,}", s):
        chunk = chunk.strip()
        if chunk:
            parts.extend(x for x in re.findall(r"[^。！？]+[。！？]?", chunk) if x.strip())
    return [repair_spacing(p) for p in parts]


def is_dash_line(s: str) -> bool:
    """A `——` subtitle line (`——湘潭高新区高质量推进“千百十”工程纪实`)."""
    return s.startswith("—")


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
    if re.search(r"[：:]", block[0]) and nxt is not None and headline_like(nxt) and not re.search(r"[：:]", nxt.text):
        block[0] += head(nxt)
        k += 1
    nxt = cur.peek(k)
    if nxt is not None and headline_like(nxt) and not _NAME_LINE.match(nxt.text.strip()):
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
    if line is None or not _CREDIT.match(repair_spacing(line.text)):
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


_NAME_LINE = re.compile(r"^[\u4e00-\u9fff]{1,4}(?:[ \u3000]+[\u4e00-\u9fff]{1,4}){0,3}$")
# the commonest Chinese surnames: a bare 2-4 character line starting with one is an author's name
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "萧洪阎栾隋卞鞠巩蔺晁谌郜佘邬臧甄闵揭庹粟冼"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "夏侯")


MIN_ARTICLE_CHARS = 40  # shorter untitled blocks on a page with real articles are furniture


def is_person_name(s: str) -> bool:
    """A bare author line such as `张怡恬` or `欧阳辉` (not a short headline fragment)."""
    s = re.sub(r"[ \u3000]", "", s.strip())
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", s):
        return False
    return s.startswith(_COMPOUND_SURNAMES) and len(s) >= 3 or (s[0] in _SURNAMES and len(s) <= 3)


def single_char_run(texts: list[str], start: int) -> int:
    """End of the run of one-character lines from `start`: text set one character per line, a
    vertical title (`意` `气` `风` `发`…) or an author's name printed apart (`樊` `丽` `明`)."""
    end = start
    while end < len(texts) and len(repair_spacing(texts[end])) == 1:
        end += 1
    return end


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
            merged = merge_overlap(repair_spacing(out[-1].text), repair_spacing(cur.text), min_overlap=2)
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
        if by is not None or _AFFILIATION.match(repair_spacing(s)) or _take_affiliation(cur):
            if by is not None:
                art.byline = by if not art.byline else art.byline
            if by is not None or _AFFILIATION.match(repair_spacing(s)):
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
            author = next((x.author for x in cur.lines[i0 : cur.i] if x.author), None)
            if order == "before":
                if art.body_lines:
                    flush()
                assign_headline(block, art)
                art.byline = art.byline or author
                nb = cur.peek()
                b = byline_of(nb.text) if nb is not None else None
                if nb is not None and b is None and _NAME_LINE.match(nb.text.strip()):
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
        if _CREDIT.match(repair_spacing(s)):
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


def is_closing(lines: list[str]) -> bool:
    """Lines (a column block) that end an article: an affiliation `（作者为…）`, maybe broken
    over up to four lines and letter-spaced, or a byline."""
    tail = [repair_spacing(x) for x in lines[-4:]]
    if any(_AFFILIATION.match("".join(tail[k:])) for k in range(len(tail))):
        return True
    return split_byline(lines[-1])[1] is not None or byline_of(lines[-1]) is not None


def _close_after(cur: _Cursor, art: Article, block: list[str] | None = None) -> None:
    """Headlines-after pages: the article's headline block (taken here unless given), then a
    bare author name, captions."""
    if block is None:
        block = _take_headline(cur)
    if block:
        assign_headline(block, art)
        _take_author(cur, art)
    _take_captions(cur, art)


def _take_author(cur: _Cursor, art: Article) -> None:
    """A bare author name right under a headline block is the byline (co-authors one per line)."""
    nxt = cur.peek()
    if nxt is None or art.byline or not _NAME_LINE.match(nxt.text.strip()):
        return
    names = [byline_names(nxt.text.strip())]
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
    return y is not None and headline_like(x) and bool(_CREDIT.match(repair_spacing(y.text)))


def segment_text(text: str, headlines: str = "auto", seam: Callable | str | None = "auto") -> list[Article]:
    """Segment one page of plain text (lines as dumped, blank lines or not)."""
    return segment_lines((Line(x) for x in text.split("\n")), headlines, seam)
