"""A newspaper page simulator: corpus articles set into randomised page layouts as real PDFs,
with the truth known by construction.

The layout reader learns from these pages, never from the few real pages in `../shared`
(a dev set). Each page is a grid of 4–8 columns cut into rows of modules; a module holds a
story (kicker/title/subtitle in one to three lines across the module, or a vertical title;
bylines and datelines in the forms papers print; justified body columns with indented
paragraphs and subheads; a photo with caption and credit; a box), a briefs column, a notice
or ad, a table, or a lone photo. Papers' furniture (name, date, page and section, editor
line, rules, `转第X版`) frames the page. Every printed line is recorded with its box, role and
article, so the simulator also labels what pdfminer, pdftotext or OCR read back from the PDF.

Families (`FAMILIES`) are regimes of those choices; `HELD_OUT_FAMILIES` and seeds from
`HELD_OUT_SEED` up are never trained or tuned on and are what the benchmark reports.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import json
import random
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from xinwen.inference.segmentation.layout import Role

FONT = "STSong-Light"
HELD_OUT_SEED = 100_000


@dataclass(frozen=True)
class Family:
    """One regime of page layouts."""

    name: str
    columns: tuple[int, int]
    body_size: tuple[float, float]
    story_chars: tuple[int, int]  # body length drawn from the corpus
    weights: dict[str, float]  # module kinds
    rows: tuple[int, int]
    photo: float = 0.3
    vertical_title: float = 0.06
    subheads: float = 0.2
    box: float = 0.1


FAMILIES = {
    "metro": Family("metro", (5, 8), (7.5, 9.0), (120, 900), {"story": 6, "briefs": 1.5, "photo": 1, "ad": 1, "notice": 0.5}, (3, 5), 0.4),
    "legal": Family("legal", (5, 7), (7.5, 9.0), (200, 1200), {"story": 5, "notice": 3, "table": 0.7, "briefs": 1}, (3, 5), 0.2),
    "theory": Family("theory", (4, 6), (8.5, 10.5), (1200, 4000), {"story": 8, "photo": 0.3}, (1, 3), 0.15, 0.1, 0.6),
    "regional": Family("regional", (4, 7), (8.0, 10.0), (200, 1500), {"story": 6, "briefs": 1.5, "notice": 1.5, "photo": 0.7, "table": 0.3}, (2, 4)),
    "business": Family("business", (5, 8), (7.5, 9.5), (300, 1800), {"story": 6, "table": 1, "ad": 1, "briefs": 1}, (2, 4), 0.35),
    "feature": Family("feature", (4, 6), (8.5, 10.0), (1500, 5000), {"story": 8, "photo": 0.5}, (1, 2), 0.6, 0.1, 0.7, 0.2),
}
HELD_OUT_FAMILIES = ("feature",)
TRAIN_FAMILIES = tuple(f for f in FAMILIES if f not in HELD_OUT_FAMILIES)


@dataclass(frozen=True)
class Variant:
    """How one variant of the simulator sets subheads. A reader trained on one generator reads
    that generator's pages best, so a second one (`subheads`: subheads broken into even lines
    with a leading of their own, one to three clauses long, every 2-4 paragraphs from the second
    or third on, on more theory pages) is a second judge, and can be mixed into training
    (docs/experiments/pagesim-mixture.md). `base` is the simulator as it always was."""

    name: str
    even_subheads: bool = False
    subhead_leading: tuple[float, float] | None = None  # × subhead size (base: 1.25, at least the body's)
    long_subheads: bool = False
    subhead_share: dict[str, float] = field(default_factory=dict)  # family → share of stories with subheads


VARIANTS = {
    "base": Variant("base"),
    "subheads": Variant("subheads", True, (1.15, 1.7), True, {"theory": 0.85}),
}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏飞宇浩然思远晨曦佳琪子涵梓轩一鸣志国海燕雪梅立新永春晓东"
_CITIES = "北京 上海 广州 深圳 长沙 郑州 贵阳 武汉 成都 杭州 南京 西安 兴义 株洲 湘潭 洛阳".split()
_PAPERS = "都市晚报 法治日报 民族报 商报 日报 晨报 时报 新闻报".split()
_SECTIONS = "要闻 城市 综合 法治 经济 黔西南新闻 社会 民生 理论 文化 财经 地方新闻".split()


@dataclass
class DrawnLine:
    """One printed line, in top-left coordinates, with its truth."""

    text: str
    role: str
    article: int | None
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    vertical: bool = False


@dataclass
class TruthArticle:
    id: int
    kicker: str = ""
    title: str = ""
    subtitle: str = ""
    byline: str = ""
    dateline: str = ""
    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    def record(self) -> dict:
        d = asdict(self)
        d.pop("paragraphs")
        return {**d, "text": self.text}


@dataclass
class SimPage:
    family: str
    seed: int
    width: float
    height: float
    lines: list[DrawnLine]
    articles: list[TruthArticle]
    pdf: bytes = b""

    def truth(self) -> list[dict]:
        return [a.record() for a in self.articles if a.paragraphs]


def in_held_out_split(item_id: str) -> bool:
    """The corpus items (one in five, by id) that only held-out pages are set with."""
    return int(hashlib.md5(item_id.encode()).hexdigest(), 16) % 5 == 0


class TextPool:
    """Corpus stories and briefs to set, split by a hash of their id so that held-out pages
    carry text no training page carried."""

    def __init__(self, stories: list[dict], briefs: list[dict]):
        self.stories, self.briefs = stories, briefs

    @classmethod
    def from_corpus(cls, path: str | Path, held_out: bool, limit: int = 40_000) -> TextPool:
        stories, briefs = [], []
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                if held_out != in_held_out_split(r["id"]):
                    continue
                if not (4 <= len(r.get("title") or "") <= 40) or len(r["text"]) < 60:
                    continue
                (briefs if r.get("kind") == "brief" or len(r["text"]) < 300 else stories).append(
                    {"title": printable(r["title"]), "text": printable(r["text"])})
                if len(stories) >= limit and len(briefs) >= limit // 4:
                    break
        return cls(stories, briefs)

    @classmethod
    def from_items(cls, items: list[dict]) -> TextPool:
        items = [{**x, "title": printable(x.get("title") or ""), "text": printable(x["text"])} for x in items]
        return cls([x for x in items if len(x["text"]) >= 300] or items, [x for x in items if len(x["text"]) < 300] or items)


# The font's character map (Adobe-GB1 through UniGB-UCS2-H) has no glyph for U+00B7 (nor
# U+2022, U+2027, superscripts, `♪`, most accented letters): reportlab draws nothing and a reader
# extracts nothing, so an article holding one could never be read back exactly. Text is set as
# the font can print it: every middle dot is kept as `·` in the truth and drawn as the font's
# U+30FB (which prints the same dot and extracts as U+00B7); other characters without a glyph
# are dropped. Printed pages hold what their font holds.
_DOTS = "•‧・·"
_PRINTED = str.maketrans({"·": "・"})


@functools.cache
def _printable(ch: str) -> str:
    if ch in _DOTS:
        return "·"
    if ch.isspace():
        return ch
    from pdfminer.cmapdb import CMapDB

    code = ord(ch)
    return ch if code < 0x10000 and list(CMapDB.get_cmap("UniGB-UCS2-H").decode(code.to_bytes(2, "big"))) else ""


def printable(text: str) -> str:
    """`text` as the simulator's font prints it (see `_DOTS`)."""
    return "".join(_printable(ch) for ch in text)


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _paragraphs(text: str) -> list[str]:
    return [re.sub(r"\s+", "", p) for p in text.split("\n") if re.sub(r"\s+", "", p)]


class _Canvas:
    """reportlab drawing plus the truth of what was drawn."""

    def __init__(self, width: float, height: float):
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=(width, height))
        self.w, self.h = width, height
        self.lines: list[DrawnLine] = []
        self._sw = pdfmetrics.stringWidth

    def width(self, text: str, size: float) -> float:
        return self._sw(text.translate(_PRINTED), FONT, size)

    def text(self, x: float, y: float, s: str, size: float, role: Role, art: int | None,
             measure: float | None = None, justify: bool = False) -> None:
        """Draw `s` with its top at y. Given the column's `measure`, a line never runs past it
        (a line that ends in closing punctuation is squeezed to fit, as typesetters squeeze
        punctuation, not hung into the gutter where it would touch the next column), and a
        justified line is spread to it."""
        if not s:
            return
        w = self.width(s, size)
        fit = measure is not None and len(s) > 1 and (justify or w > measure)
        space = (measure - w) / (len(s) - 1) if fit else 0.0
        t = self.c.beginText()
        t.setFont(FONT, size)
        t.setCharSpace(space)
        t.setTextOrigin(x, self.h - y - size * 0.88)
        t.textOut(s.translate(_PRINTED))
        self.c.drawText(t)
        self.lines.append(DrawnLine(s, role.value, art, x, y, x + w + space * (len(s) - 1), y + size, size))

    def vertical(self, x: float, y: float, s: str, size: float, role: Role, art: int | None, step: float) -> None:
        for k, ch in enumerate(s):
            self.c.setFont(FONT, size)
            self.c.drawString(x, self.h - y - k * step - size * 0.88, ch.translate(_PRINTED))
        self.lines.append(DrawnLine(s, role.value, art, x, y, x + size, y + (len(s) - 1) * step + size, size, True))

    def rule(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.6) -> None:
        self.c.setLineWidth(width)
        self.c.line(x0, self.h - y0, x1, self.h - y1)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: float | None = None) -> None:
        if fill is not None:
            self.c.setFillGray(fill)
        self.c.rect(x0, self.h - y1, x1 - x0, y1 - y0, stroke=fill is None, fill=fill is not None)
        self.c.setFillGray(0)

    def finish(self) -> bytes:
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()


def wrap(cv: _Canvas, text: str, size: float, width: float, first_indent: float = 0.0) -> list[str]:
    """Greedy line breaks at the column width; CJK text breaks anywhere, and closing
    punctuation never starts a line."""
    out, cur = [], ""
    limit = width - first_indent
    for ch in text:
        if cur and cv.width(cur + ch, size) > limit + 0.01 and ch not in "，。、；：？！”）》":
            out.append(cur)
            cur, limit = "", width
        cur += ch
    if cur:
        out.append(cur)
    return out


class PageBuilder:
    """Fills one page; `build()` returns the SimPage."""

    def __init__(self, family: Family, seed: int, pool: TextPool, variant: Variant = VARIANTS["base"]):
        self.f, self.seed, self.pool, self.v = family, seed, pool, variant
        self.rng = random.Random(seed)
        r = self.rng
        self.W = r.uniform(760, 1000)
        self.H = self.W * r.uniform(1.38, 1.45)
        self.cv = _Canvas(self.W, self.H)
        self.s = r.uniform(*family.body_size)  # body size
        self.lead = self.s * r.uniform(1.3, 1.65)
        self.articles: list[TruthArticle] = []
        self.byline_style = r.choice(["prefix", "prefix", "benbaoxun", "benbaoxun_plain", "paren_end", "wentu", "none"])

    # --- page furniture ---------------------------------------------------------------------------
    def furniture(self, top: float, bottom: float, left: float, right: float) -> None:
        r, cv, F = self.rng, self.cv, Role.FURNITURE
        paper = r.choice(_CITIES) + r.choice(_PAPERS)
        date = f"{r.randint(2015, 2025)}年{r.randint(1, 12)}月{r.randint(1, 28)}日 星期{r.choice('一二三四五六日')}"
        page = f"{r.choice('ABC')}{r.randint(1, 16):02d}" if r.random() < 0.7 else f"第{r.randint(1, 16)}版"
        section = r.choice(_SECTIONS)
        y = top - self.s * 3.2
        items = [page, section, date, paper]
        r.shuffle(items)
        x = left
        for it in items:
            sz = self.s * (r.uniform(1.4, 2.2) if it in (section, paper) else r.uniform(0.9, 1.1))
            cv.text(x, y, it, sz, F, None)
            x += cv.width(it, sz) + r.uniform(20, 80)
            if x > right - 60:
                break
        cv.rule(left, top - self.s * 0.8, right, top - self.s * 0.8, r.uniform(0.6, 2.0))
        if r.random() < 0.35:
            ed = f"一审：{_name(r)} 二审：{_name(r)} 三审：{_name(r)}" if r.random() < 0.5 else f"责任编辑 {_name(r)} 美编 {_name(r)}"
            ex = max(x, left + r.uniform(0, 200))  # beside the band's items, never over them
            if ex + cv.width(ed, self.s * 0.85) < right:
                cv.text(ex, top - self.s * 2.0, ed, self.s * 0.85, F, None)
        elif r.random() < 0.8:
            ed = f"责任编辑：{_name(r)}" + (f"  美术编辑：{_name(r)}" if r.random() < 0.5 else "") + (
                f"  校对：{_name(r)}" if r.random() < 0.3 else "")
            cv.text(left if r.random() < 0.5 else right - cv.width(ed, self.s * 0.9), bottom + self.s * 0.8, ed,
                    self.s * 0.9, F, None)

    # --- modules ----------------------------------------------------------------------------------
    def build(self) -> SimPage:
        r = self.rng
        ml = r.uniform(25, 50)
        left, right = ml, self.W - ml
        top = r.uniform(60, 90)
        bottom = self.H - r.uniform(35, 55)
        self.furniture(top, bottom, left, right)
        ncols = r.randint(*self.f.columns)
        gutter = r.uniform(0.9, 1.8) * self.s
        colw = (right - left - (ncols - 1) * gutter) / ncols
        nrows = r.randint(*self.f.rows)
        cuts = sorted(r.uniform(0.2, 0.8) for _ in range(nrows - 1))
        ys = [top] + [top + c * (bottom - top) for c in cuts] + [bottom]
        kinds, weights = zip(*self.f.weights.items())
        for ri in range(nrows):
            y0, y1 = ys[ri] + (self.s if ri else 0), ys[ri + 1] - self.s * 0.5
            spans, c = [], 0
            while c < ncols:
                k = min(ncols - c, r.choice([ncols, ncols - c, 2, 3, 3, 4, 1, 2]))
                spans.append((c, max(1, k)))
                c += max(1, k)
            for si, (c0, k) in enumerate(spans):
                x0 = left + c0 * (colw + gutter)
                x1 = x0 + k * colw + (k - 1) * gutter
                kind = r.choices(kinds, weights)[0]
                if ri == nrows - 1 and self.f.name in ("legal", "regional") and r.random() < 0.5:
                    kind = "notice"
                if kind in ("briefs",) and k > 2:
                    kind = "story"
                getattr(self, f"_{kind}")(x0, y0, x1, y1, k, colw, gutter)
                if si and r.random() < 0.5:
                    self.cv.rule(x0 - gutter / 2, y0, x0 - gutter / 2, y1)
            if ri < nrows - 1 and r.random() < 0.7:
                yr = ys[ri + 1] + self.s * 0.25
                self.cv.rule(left, yr, right, yr)
        pdf = self.cv.finish()
        return SimPage(self.f.name, self.seed, self.W, self.H, self.cv.lines, self.articles, pdf)

    def _new_article(self) -> TruthArticle:
        a = TruthArticle(len(self.articles))
        self.articles.append(a)
        return a

    def _headline(self, a: TruthArticle, title: str, x0: float, y: float, x1: float, big: float,
                  source: str = "") -> float:
        """Kicker, title, subtitle across x0..x1 from y; returns the y under them."""
        r, cv = self.rng, self.cv
        center = r.random() < 0.6
        ts = self.s * big

        drawn: list[str] = []

        def put(text: str, size: float, role: Role, yy: float, max_lines: int = 3) -> float:
            drawn.clear()
            for ln in wrap(cv, text, size, x1 - x0)[:max_lines]:
                w = cv.width(ln, size)
                xx = x0 + ((x1 - x0 - w) / 2 if center else 0)
                cv.text(xx, yy, ln, size, role, a.id)
                drawn.append(ln)
                yy += size * r.uniform(1.2, 1.45)
            return yy

        if r.random() < 0.28:
            a.kicker = self._snippet(r.randint(8, 22), source)
            y = put(a.kicker, self.s * r.uniform(1.1, 1.5), Role.KICKER, y, 2)
            a.kicker = "".join(drawn)
        # the whole title, in one to three lines: set smaller when it is long, broken at a comma
        # or space when it has one, else where the line is full
        title = re.sub(r"\s+", " ", title).strip()
        n_lines = 1 if len(title) * ts <= (x1 - x0) else (2 if r.random() < 0.8 else 3)
        ts = max(min(ts, n_lines * (x1 - x0) / max(len(title), 1) * 0.97), self.s * 1.15)
        fit = max(int((x1 - x0) / ts), 2)
        parts = re.split(r"(?<=[，、：　 ])", title) if len(title) > fit else [title]
        line, lines = "", []
        for p in parts:
            while len(p) > fit:
                room = fit - len(line)
                lines.append(line + p[:room])
                line, p = "", p[room:]
            if line and len(line + p) > fit:
                lines.append(line)
                line = ""
            line += p
        if line:
            lines.append(line)
        title_drawn = []
        for ln in lines[:3]:
            y = put(ln, ts, Role.TITLE, y, 1)
            title_drawn += drawn
        a.title = "".join(title_drawn)
        if r.random() < 0.3:
            sub = self._snippet(r.randint(8, 26), source)
            a.subtitle = ("——" + sub) if r.random() < 0.4 else sub
            y = put(a.subtitle, self.s * r.uniform(1.15, 1.6), Role.SUBTITLE, y, 2)
            a.subtitle = "".join(drawn)
        return y + self.s * r.uniform(0.4, 1.2)

    def _snippet(self, n: int, text: str = "") -> str:
        """A clause of `text` (the story's own, for kickers and subtitles) or of a random story."""
        src = text or self.rng.choice(self.pool.stories)["text"]
        clauses = [c for c in re.split(r"[，。；！？、\s]", src) if 4 <= len(c) <= n]
        return self.rng.choice(clauses) if clauses else src[:n]

    def _byline_parts(self, a: TruthArticle) -> tuple[str, str, str]:
        """(line printed before the body, prefix of the first paragraph, closing credit): the forms
        papers print, one byline source per article; the truth keeps them out of the body."""
        r = self.rng
        names = " ".join(_name(r) for _ in range(r.choice((1, 1, 2))))
        style = self.byline_style if r.random() < 0.7 else r.choice(
            ["prefix", "benbaoxun", "benbaoxun_plain", "paren_end", "none", "dateline", "wentu"])
        if style == "prefix":
            a.byline = r.choice(["本报记者 ", "记者 ", "本报通讯员 ", "特约记者 ", "本报记者　"]) + names
            return a.byline, "", ""
        if style == "wentu":
            a.byline = r.choice(["文/图 ", "文/", "撰文 ", "文图/"]) + names
            return a.byline, "", ""
        if style == "benbaoxun":
            a.byline = f"记者 {names}" + (f" 通讯员 {_name(r)}" if r.random() < 0.4 else "")
            a.dateline = "本报讯"
            return "", f"本报讯（{a.byline}）", ""
        if style == "benbaoxun_plain":
            a.dateline = "本报讯"
            if r.random() < 0.6:
                a.byline = names
                return "", "本报讯", f"（{names}）"
            return "", "本报讯", ""
        if style == "paren_end":
            a.byline = names
            return "", "", f"（{names}）"
        if style == "dateline":
            a.dateline = f"新华社{r.choice(_CITIES)}{r.randint(1, 12)}月{r.randint(1, 28)}日电"
            if r.random() < 0.5:
                a.byline = f"记者 {names}"
                return "", f"{a.dateline}（{a.byline}）", ""
            return "", a.dateline, ""
        return "", "", ""

    def _flow(self, a: TruthArticle | None, paras: list[tuple[str, Role]], cols: list[tuple[float, float, float, float]],
              role_default: Role = Role.BODY, size: float | None = None) -> int:
        """Set paragraphs into columns (x0, y0, x1, y1) in order; returns how many paragraphs fit
        whole. Truth keeps exactly the paragraphs drawn (a paragraph cut at the module's end is
        kept as far as it was drawn)."""
        cv, s = self.cv, size or self.s
        lead = self.lead * s / self.s
        ci, y = 0, cols[0][1] if cols else 0
        done = 0
        # subheads as papers set them: body size to 1.7x, centred or flush, often in a narrower
        # box, and either tight to the text or with a line or two of white above and below
        # (People's Daily theory pages' boxed subheads; a title is not the only spaced-out line)
        sub = s * self.rng.uniform(1.0, 1.7)
        sub_center = self.rng.random() < 0.7
        sub_box = 1.0 if self.rng.random() < 0.6 else self.rng.uniform(0.6, 0.95)
        sub_even = self.v.even_subheads and self.rng.random() < 0.7
        sub_step = self.rng.uniform(*self.v.subhead_leading) if self.v.subhead_leading else 1.25
        sub_space = (0.0, 0.3) if self.rng.random() < 0.5 else (self.rng.uniform(0.5, 2.5), self.rng.uniform(0.5, 2.0))
        for text, role in paras:
            if role == Role.SUBHEAD:
                lines = wrap(cv, text, sub, (cols[0][2] - cols[0][0]) * sub_box)
                if len(lines) > 1 and sub_even:  # a typesetter breaks a long subhead into even lines
                    lines = wrap(cv, text, sub, cv.width(text, sub) / len(lines) + 1.05 * sub)
                if done and ci < len(cols):
                    y += lead * sub_space[0]
            elif role == Role.BYLINE:
                lines = wrap(cv, text, s, cols[0][2] - cols[0][0])
            else:
                lines = wrap(cv, text, s, cols[0][2] - cols[0][0], first_indent=2 * s)
            drawn = []
            for k, ln in enumerate(lines):
                if ci >= len(cols):
                    break
                x0, _, x1, y1 = cols[ci]
                if y + s > y1:
                    ci += 1
                    if ci >= len(cols):
                        break
                    x0, y, x1, y1 = cols[ci]
                if role == Role.SUBHEAD:
                    w = cv.width(ln, sub)
                    cv.text(x0 + ((x1 - x0 - w) / 2 if sub_center else 0), y, ln, sub, role, a.id if a else None)
                elif role == Role.BYLINE:
                    cv.text(x1 - cv.width(ln, s), y, ln, s, role, a.id if a else None)
                else:
                    indent = 2 * s if k == 0 else 0.0
                    last = k == len(lines) - 1
                    cv.text(x0 + indent, y, ln, s, role, a.id if a else None, x1 - x0 - indent, justify=not last)
                drawn.append(ln)
                y += max(lead, sub_step * sub) if role == Role.SUBHEAD else lead
            if drawn and a is not None and role != Role.BYLINE:
                a.paragraphs.append("".join(drawn))
            if len(drawn) < len(lines):
                return done
            done += 1
            if role == Role.SUBHEAD:
                y += lead * sub_space[1]
        return done

    def _story(self, x0: float, y0: float, x1: float, y1: float, k: int, colw: float, gutter: float) -> None:
        r, s = self.rng, self.s
        item = r.choice(self.pool.stories)
        if y1 - y0 < 8 * self.lead:
            return self._brief_box(x0, y0, x1, y1)
        a = self._new_article()
        y, body_x0, box_x1 = y0, x0, x1
        signed = False
        vertical = k >= 2 and r.random() < self.f.vertical_title
        if vertical:
            # a vertical headline stands at the story's right edge as often as at its left, and a
            # signed piece may print its author's name vertically beside it
            vs = s * r.uniform(2.0, 3.0)
            title = re.sub(r"[，、：\s]", "", item["title"])[: int((y1 - y0) * 0.6 / vs)]
            a.title = title
            right = r.random() < 0.5
            tx = x1 - vs if right else x0
            self.cv.vertical(tx, y0, title, vs, Role.TITLE, a.id, vs * 1.1)
            band = vs * 1.6
            if r.random() < 0.4:
                name = _name(r)
                ns = s * r.uniform(1.0, 1.3)
                nx = tx - ns * 1.6 if right else tx + vs * 1.3
                self.cv.vertical(nx, y0 + r.uniform(0.3, 0.6) * len(title) * vs * 1.1, name, ns, Role.BYLINE, a.id,
                                 ns * 1.3)
                a.byline, signed, band = name, True, band + ns * 1.6
            if right:
                x1 -= band
            else:
                body_x0 = x0 + band
        n = max(1, round((x1 - body_x0 + gutter) / (colw + gutter)))
        cw = (x1 - body_x0 - (n - 1) * gutter) / n
        # Headlines do not always sit over their text: the first (or last) column may run from
        # the module's top beside the headline, and a lead-in may be printed above it.
        paras = [(p, Role.BODY) for p in _paragraphs(item["text"])]
        nest = 0 if vertical or n < 3 or r.random() >= 0.15 else r.choice((-1, 1))
        intro = not vertical and not nest and n >= 2 and len(paras) > 2 and r.random() < 0.08
        hx0, hx1 = body_x0 + (cw + gutter if nest == 1 else 0), x1 - (cw + gutter if nest == -1 else 0)
        before, prefix, after = ("", "", "") if signed else self._byline_parts(a)
        if intro:
            lead_in, paras = paras[0], paras[1:]
            ix0 = body_x0 + (cw + gutter) * r.randint(0, n - 1)
            rows = len(wrap(self.cv, prefix + lead_in[0], s, x1 - ix0)) + 1
            ybot = min(y0 + rows * self.lead, y0 + (y1 - y0) * 0.3)
            self._flow(a, [(prefix + lead_in[0], Role.BODY)], [(ix0, y0, x1, ybot)])
            if ix0 > body_x0 + 1 and r.random() < 0.7:
                self.cv.rect(body_x0, y0, ix0 - gutter, ybot, fill=r.uniform(0.55, 0.85))
            y0 = ybot + s * r.uniform(0.5, 1.5)
        if not vertical:
            big = r.uniform(1.7, 3.2) if k > 1 else r.uniform(1.35, 2.0)
            y = self._headline(a, item["title"], hx0, y0, hx1, big, item["text"])
        if before:
            w = self.cv.width(before, s * 1.0)
            bx = r.choice([hx0, hx1 - w, (hx0 + hx1 - w) / 2])
            self.cv.text(bx, y, before, s, Role.BYLINE, a.id)
            y += self.lead * r.uniform(1.2, 1.8)
        # columns of the module under the headline (the nested one from the top)
        cols = [(body_x0 + i * (cw + gutter), y, body_x0 + i * (cw + gutter) + cw, y1) for i in range(n)]
        if nest:
            ni = 0 if nest == 1 else -1
            cols[ni] = (cols[ni][0], y0, cols[ni][2], cols[ni][3])
        if not nest and r.random() < self.f.photo and y1 - y > 20 * self.lead:
            kp = r.randint(1, max(1, n - 1)) if n > 1 else 1
            ph = (y1 - y) * r.uniform(0.25, 0.45)
            px0, px1 = cols[0][0], cols[kp - 1][2]
            self.cv.rect(px0, y, px1, y + ph, fill=r.uniform(0.55, 0.85))
            yc = y + ph + s * 0.5
            cap = self._snippet(40) + "。"
            credit = r.choice([f"{_name(r)} 摄", f"{_name(r)}/摄", f"（{_name(r)} 摄）", f"图/{_name(r)}", "资料图片"])
            cs = s * r.uniform(0.85, 1.0)
            inline = r.random() < 0.5
            text = cap + (" " + credit if inline else "")
            for ln in wrap(self.cv, text, cs, px1 - px0)[:3]:
                self.cv.text(px0, yc, ln, cs, Role.CAPTION, a.id)
                yc += cs * 1.4
            if not inline:
                self.cv.text(px1 - self.cv.width(credit, cs), yc, credit, cs, Role.CREDIT, a.id)
                yc += cs * 1.4
            a.captions.append(text if inline else cap)
            for i in range(kp):
                cols[i] = (cols[i][0], yc + s * 0.8, cols[i][2], cols[i][3])
        limit = r.randint(*self.f.story_chars)
        kept, total = [], 0
        for p in paras:
            kept.append(p)
            total += len(p[0])
            if total > limit:
                break
        if len(kept) > 4 and r.random() < self.v.subhead_share.get(self.f.name, self.f.subheads):
            if self.v.long_subheads:  # every 2-4 paragraphs from the second or third on, so they fall where the module is drawn
                at = list(reversed(range(r.randint(2, 3), len(kept) - 1, r.randint(2, 4))))
            else:
                at = range(len(kept) - 2, 1, -r.randint(2, 4))
            for j in at:
                head = self._snippet(14, item["text"])
                if self.v.long_subheads:  # one to three clauses, often wrapping to two or three lines
                    for _ in range(r.choice((0, 0, 1, 1, 2))):
                        head += r.choice(["", "：", "，", " "]) + self._snippet(12, item["text"])
                elif r.random() < 0.4:  # a two-part subhead, wrapping to two or three lines in a narrow box
                    head += r.choice(["", "：", "，", " "]) + self._snippet(12, item["text"])
                kept.insert(j, (r.choice(["", "", "一、", "■", "◆"]) + head, Role.SUBHEAD))
        if prefix and not intro:
            kept[0] = (prefix + kept[0][0], Role.BODY)
        own_line = bool(after) and r.random() < 0.5
        if after and own_line:
            kept.append((after, Role.BYLINE))
        elif after:
            kept[-1] = (kept[-1][0] + after, Role.BODY)
        if r.random() < self.f.box:
            self.cv.rect(x0 - s * 0.4, y0 - s * 0.4, box_x1 + s * 0.4, y1)
        # half the stories that will not fit end in a `转第X版` line: the last column stops a line
        # and a half short to leave it room, as a make-up editor leaves it
        jump_room = r.random() < 0.5
        if jump_room:
            cols[-1] = (*cols[-1][:3], cols[-1][3] - 1.5 * self.lead)
        done = self._flow(a, kept, cols)
        # truth: the credit and dateline live in their fields, not in the body
        if a.paragraphs and prefix and a.paragraphs[0].startswith(prefix):
            a.paragraphs[0] = a.paragraphs[0][len(prefix):]
        if own_line:
            if done < len(kept):
                a.byline = ""  # the closing byline did not fit on the page
        elif a.paragraphs and after and done == len(kept) and a.paragraphs[-1].endswith(after):
            a.paragraphs[-1] = a.paragraphs[-1][: -len(after)]
        elif after:
            a.byline = ""  # the closing byline did not fit on the page
        if done < len(kept) and jump_room:
            jump = f"（下转第{r.randint(2, 16)}版）" if r.random() < 0.5 else f"转第{r.randint(2, 16)}版"
            # under the last line of the story's last column (an indented line sits 2 em right of
            # its column: the column is found by its left edge, the line by its depth)
            mine = [ln for ln in self.cv.lines if ln.article == a.id]
            right = max(ln.x0 for ln in mine) - 3 * s
            col = [ln for ln in mine if ln.x0 >= right]
            last = max(col, key=lambda ln: ln.y1)
            jw = self.cv.width(jump, s * 0.9)
            x = min(ln.x0 for ln in col) if r.random() < 0.5 else max(ln.x1 for ln in col) - jw
            yj = last.y1 + self.lead - s
            free = not any(ln.x0 < x + jw and ln.x1 > x and ln.y0 < yj + s and ln.y1 > yj for ln in self.cv.lines)
            if last.y1 + self.lead < y1 and free:
                self.cv.text(x, yj, jump, s * 0.9, Role.FURNITURE, None)
        a.paragraphs = [p for p in a.paragraphs if p]
        if not a.paragraphs:
            a.byline = a.dateline = ""

    def _brief_box(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self._briefs(x0, y0, x1, y1, 1, x1 - x0, 0)

    def _briefs(self, x0: float, y0: float, x1: float, y1: float, k: int, colw: float, gutter: float) -> None:
        r, s, cv = self.rng, self.s, self.cv
        y = y0
        if r.random() < 0.6:
            label = r.choice(["简讯", "◇简讯◇", "新闻速递", "本地快讯", "短讯"])
            ls = s * 1.3
            cv.text(x0 + (x1 - x0 - cv.width(label, ls)) / 2, y, label, ls, Role.FURNITURE, None)
            y += ls * 1.8
        while y1 - y > 6 * self.lead:
            item = r.choice(self.pool.briefs)
            a = self._new_article()
            ts = s * r.uniform(1.15, 1.5)
            a.title = item["title"][: int((x1 - x0) / ts) * 2]
            for ln in wrap(cv, a.title, ts, x1 - x0)[:2]:
                cv.text(x0 + (0 if r.random() < 0.6 else (x1 - x0 - cv.width(ln, ts)) / 2), y, ln, ts, Role.TITLE, a.id)
                y += ts * 1.3
            a.title = "".join(wrap(cv, a.title, ts, x1 - x0)[:2])
            y += s * 0.3
            paras = [(p, Role.BODY) for p in _paragraphs(item["text"])][:3]
            tail = ""
            if r.random() < 0.5:
                a.byline = _name(r)
                tail = f"（{a.byline}）"
                paras[-1] = (paras[-1][0] + tail, Role.BODY)
            budget = min(y1, y + self.lead * r.randint(4, 14))
            done = self._flow(a, paras, [(x0, y, x1, budget)])
            if tail and done == len(paras) and a.paragraphs and a.paragraphs[-1].endswith(tail):
                a.paragraphs[-1] = a.paragraphs[-1][: -len(tail)]
            elif tail:
                a.byline = ""
            used = [ln.y1 for ln in cv.lines if ln.article == a.id]
            y = max(used) + self.lead * r.uniform(0.8, 1.6)

    def _notice(self, x0: float, y0: float, x1: float, y1: float, k: int, colw: float, gutter: float) -> None:
        """A box (mostly) of legal and classified notices, often under a banner, set dense in the
        module's own columns, smaller than the body or as large."""
        r, cv = self.rng, self.cv
        s = self.s * r.uniform(0.72, 1.05)
        if r.random() < 0.8:
            cv.rect(x0, y0, x1, y1)
        y = y0 + s
        if r.random() < 0.6:
            banner = r.choice(["信息服务", "公告", "分类广告", "法院公告", "公告栏", "信息"])
            bs = self.s * r.uniform(1.4, 2.2)
            cv.text(x0 + (x1 - x0 - cv.width(banner, bs)) / 2, y, banner, bs, Role.NOTICE, None)
            y += bs * 1.8
        n = max(1, k if r.random() < 0.7 else 1)
        cw = (x1 - x0 - (n + 1) * s) / n
        for c in range(n):
            cx0 = x0 + s + c * (cw + s)
            yy = y
            while y1 - yy > 5 * s:
                yy = self._one_notice(cx0, yy, cx0 + cw, y1, s)

    def _case_number(self, provinces: str, courts: tuple[int, int], kinds: tuple[str, ...] = ()) -> str:
        """A case number as courts print it: `（2023）黔2301民初3661号`."""
        r = self.rng
        year, prov, no = r.randint(2018, 2025), r.choice(provinces), r.randint(*courts)  # the court's own number
        kind = r.choice(kinds) if kinds else "民初"
        return f"（{year}）{prov}{no}{kind}{r.randint(100, 9999)}号"

    def _notice_text(self, who: str) -> str:
        """A notice's wording: the formulas courts, arbitration boards and firms print, chained
        with names, case numbers and sums drawn at random (real notices run long and are often
        set at body size, so wording and setting must tell them from news, not type size)."""
        r = self.rng
        case = self._case_number("黔湘豫川鄂粤", (100, 2399), ("民初", "民终", "执", "执异", "刑初"))
        dispute = r.choice(["民间借贷纠纷", "离婚纠纷", "买卖合同纠纷", "金融借款合同纠纷", "劳动争议", "共有物分割纠纷",
                            "机动车交通事故责任纠纷", "追偿权纠纷"])
        sums = f"{r.randint(1, 99)}{r.choice(['', '0', '00'])}{r.randint(0, 999):03d}元"
        parts = {
            "serve": f"{who}：本院受理原告{_name(r)}诉你{dispute}一案，案号为{case}，因你下落不明，依法向你公告送达起诉状副本、应诉通知书、举证通知书、诉讼风险告知书、审判纪律监督卡及开庭传票。",
            "judge": f"{who}：本院受理的原告{_name(r)}诉你{dispute}一案，已审理终结。判决如下：一、被告{who}于本判决生效后十日内偿还原告借款本金{sums}及利息；二、驳回原告的其他诉讼请求。",
            "appeal": f"如不服本判决，可在公告期满后十五日内向本院递交上诉状，上诉于{r.choice(_CITIES)}市中级人民法院。",
            "deem": r.choice(["自公告之日起经过三十日即视为送达。", "自公告之日起经过六十日即视为送达。",
                              f"提出答辩状和举证的期限为公告期满后的十五日内，并定于{r.randint(1, 12)}月{r.randint(1, 28)}日上午9时在本院第{r.randint(1, 9)}法庭开庭审理，逾期将依法缺席判决。"]),
            "lost": f"{who}不慎遗失{r.choice(['身份证', '营业执照副本', '道路运输证', '出生医学证明', '不动产权证书'])}，证号5223{r.randint(10**9, 10**10 - 1)}，声明作废。",
            "auction": f"本公司定于{r.randint(1, 12)}月{r.randint(1, 28)}日上午10时在本公司拍卖厅公开拍卖{r.choice(['车辆一批', '房产一处', '机器设备一批'])}，有意者请于拍卖前到本公司咨询。联系电话：0{r.randint(100, 999)}-{r.randint(1000000, 9999999)}",
            "close": f"经股东会决议，{r.choice(_CITIES)}{r.choice(['恒通', '鑫源', '华泰', '宏达', '金利'])}{r.choice(['商贸', '建筑工程', '农业开发'])}有限公司拟向登记机关申请注销登记，请债权人自本公告之日起45日内向清算组申报债权。特此公告。",
            "arbit": f"{who}：申请人{_name(r)}与你劳动争议一案，本委已依法作出裁决，现依法向你公告送达仲裁裁决书，自公告之日起经过六十日即视为送达。",
            "exec": f"{who}：本院在执行申请人{_name(r)}与被执行人{who}{dispute}一案中，依法作出{case}执行裁定书，现依法向你公告送达。",
        }
        chain = r.choice([["serve", "deem"], ["judge", "appeal", "deem"], ["lost"], ["auction"], ["close"], ["arbit"],
                          ["exec", "deem"], ["serve", "deem", "appeal"]])
        return "".join(parts[c] for c in chain)

    def _one_notice(self, x0: float, y: float, x1: float, y1: float, s: float) -> float:
        r, cv = self.rng, self.cv
        court = r.choice(_CITIES) + r.choice(["市中级人民法院", "区人民法院", "县人民法院", "仲裁委员会", "市人民法院"])
        head = r.choice(["公告", "公 告", f"{court}公告", "遗失声明", "拍卖公告", "注销公告", "送达公告", f"{court}", "民事判决书"])
        hs = s * r.uniform(1.0, 1.5)
        cv.text(x0 + (x1 - x0 - cv.width(head, hs)) / 2, y, head, hs, Role.NOTICE, None)
        y += hs * 1.5
        if r.random() < 0.3:
            num = self._case_number("黔湘豫", (2300, 2399))
            cv.text(x0 + (x1 - x0 - cv.width(num, s)) / 2, y, num, s, Role.NOTICE, None)
            y += s * 1.5
        body = self._notice_text(_name(r))
        lines = wrap(cv, body, s, x1 - x0, first_indent=2 * s)
        for j, ln in enumerate(lines):
            if y + s > y1:
                return y1
            cv.text(x0 + (2 * s if j == 0 else 0), y, ln, s, Role.NOTICE, None,
                    x1 - x0 - (2 * s if j == 0 else 0), justify=j < len(lines) - 1)
            y += s * r.uniform(1.3, 1.6)
        sign = f"{court} {r.randint(2015, 2025)}年{r.randint(1, 12)}月{r.randint(1, 28)}日"
        if y + s < y1 and cv.width(sign, s) < x1 - x0:
            cv.text(x1 - cv.width(sign, s), y, sign, s, Role.NOTICE, None)
        return y + s * r.uniform(1.5, 3.0)

    def _ad(self, x0: float, y0: float, x1: float, y1: float, k: int, colw: float, gutter: float) -> None:
        r, cv = self.rng, self.cv
        cv.rect(x0, y0, x1, y1)
        if r.random() < 0.5:
            cv.rect(x0 + 5, y0 + 5, x1 - 5, y0 + (y1 - y0) * 0.4, fill=r.uniform(0.5, 0.9))
        y = y0 + (y1 - y0) * r.uniform(0.45, 0.55)
        words = [r.choice(["盛大开业", "火热认购中", "品质生活", "诚聘英才", "全城钜惠", "限时抢购"]),
                 f"{r.choice(_CITIES)}{r.choice(['国际广场', '家居城', '汽车城', '人才市场'])}",
                 f"咨询热线：{r.randint(1000, 9999)}-{r.randint(1000000, 9999999)}",
                 f"地址：{r.choice(_CITIES)}市{r.choice(['人民路', '解放路', '中山路'])}{r.randint(1, 300)}号"]
        for w in words:
            sz = min(self.s * r.uniform(1.0, 3.5), (x1 - x0) / max(len(w), 1))
            if y + sz > y1:
                break
            cv.text(x0 + (x1 - x0 - cv.width(w, sz)) / 2, y, w, sz, Role.NOTICE, None)
            y += sz * 1.5

    def _table(self, x0: float, y0: float, x1: float, y1: float, k: int, colw: float, gutter: float) -> None:
        r, s, cv = self.rng, self.s * 0.9, self.cv
        head = r.choice(["天气预报", "今日行情", "主要城市天气", "股市行情", "开奖公告"])
        cv.text(x0, y0, head, s * 1.4, Role.NOTICE, None)
        y = y0 + s * 2.5
        ncol = max(2, min(5, int((x1 - x0) / (s * 5))))
        cw = (x1 - x0) / ncol
        while y + s * 1.6 < y1 and y < y0 + 30 * s:
            cv.rule(x0, y - s * 0.3, x1, y - s * 0.3, 0.4)
            for j in range(ncol):
                cell = r.choice(_CITIES) if j == 0 else r.choice([f"{r.randint(-5, 38)}℃", r.choice("晴阴雨雪") + r.choice(["", "转多云"]),
                                                                   f"{r.uniform(1, 99):.2f}", f"{r.randint(-9, 9)}%"])
                cv.text(x0 + j * cw + 2, y, cell, s, Role.NOTICE, None)
            y += s * 1.6

    def _photo(self, x0: float, y0: float, x1: float, y1: float, k: int, colw: float, gutter: float) -> None:
        r, s, cv = self.rng, self.s, self.cv
        ph = (y1 - y0) * r.uniform(0.5, 0.8)
        cv.rect(x0, y0, x1, y0 + ph, fill=r.uniform(0.4, 0.9))
        y = y0 + ph + s * 0.5
        cap = self._snippet(40) + "。" + (f"{_name(r)} 摄" if r.random() < 0.6 else "")
        for ln in wrap(cv, cap, s * 0.95, x1 - x0)[:3]:
            cv.text(x0, y, ln, s * 0.95, Role.CAPTION, None)
            y += s * 1.4
        if r.random() < 0.5 and y1 - y > 10 * self.lead:
            self._briefs(x0, y + s, x1, y1, k, colw, gutter) if k <= 2 else self._story(x0, y + s, x1, y1, k, colw, gutter)


def simulate(family: str | Family, seed: int, pool: TextPool, variant: str | Variant = "base") -> SimPage:
    """One simulated page: PDF bytes, every printed line with its role and article, and the
    articles' truth (title parts, byline, dateline, paragraphs, captions)."""
    fam = FAMILIES[family] if isinstance(family, str) else family
    var = VARIANTS[variant] if isinstance(variant, str) else variant
    return PageBuilder(fam, seed, pool, var).build()


def variant_of(family: str, seed: int, shares: dict[str, float]) -> str:
    """Which variant draws page (family, seed) in a mixture `shares` (variant → weight): fixed by
    the page, not by the order pages are made in, so a resumed or partial run draws the same."""
    names = sorted(shares)
    total = sum(shares[n] for n in names)
    u = random.Random(f"variant/{family}/{seed}").random() * total
    for n in names:
        u -= shares[n]
        if u < 0:
            return n
    return names[-1]


def write_pages(corpus: str | Path, out: str | Path, families: list[str], seeds: range, held_out: bool = False) -> dict:
    """Simulated pages on disk as a user has them: the PDF, its pdftotext dump when poppler is
    installed, and the truth (`*.truth.json`, the shared pages' format)."""
    import shutil
    import subprocess

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    pool = TextPool.from_corpus(corpus, held_out=held_out)
    n = 0
    for fam in families:
        for seed in seeds:
            page = simulate(fam, seed, pool)
            stem = out / f"{fam}-{seed}"
            stem.with_suffix(".pdf").write_bytes(page.pdf)
            if shutil.which("pdftotext"):
                subprocess.run(["pdftotext", "-enc", "UTF-8", str(stem.with_suffix(".pdf")),
                                str(stem) + ".pdftotext.txt"], check=False)
            (Path(str(stem) + ".truth.json")).write_text(json.dumps(page.truth(), ensure_ascii=False, indent=1),
                                                          encoding="utf-8")
            n += 1
    return {"pages": n, "out": str(out)}
