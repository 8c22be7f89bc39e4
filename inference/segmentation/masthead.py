"""What a page says about itself (paper, date, edition label, section), and the furniture that is
never an article: staff credits and columns of classified notices.

Newspaper pages print these as furniture along the top edge (`城市  A06  2024年6月4日 星期二`,
`7 理论`, `第3版：要闻`) and sometimes along the bottom. The paper's name is often a logo image,
so it is found only when printed as text (`…日报`, `…晚报`…). The forms are the printed
conventions of Chinese papers, not one paper's layout; what is not found stays None, and the
briefing then names the input file instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xinwen.inference.segmentation.layout import PageLayout
from xinwen.models.textclean import repair_spacing

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_DATE = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_NUM = re.compile(r"(?<!\d)((?:19|20)\d\d)[-./](\d{1,2})[-./](\d{1,2})(?!\d)")
_WEEKDAY = re.compile(r"(星期|周)[一二三四五六日天]")
# an edition label on its own: A06, B2, 06, 第6版, A06版
_EDITION = r"(?:第\s*(\d{1,2})\s*版|([A-H]?\d{1,2})\s*版?)"
_EDITION_ALONE = re.compile(rf"^{_EDITION}$")
# label and section on one line, either way round: `7 理论`, `A06 城市`, `第3版：要闻`, `要闻 A02`
_EDITION_SECTION = re.compile(rf"^{_EDITION}\s*[:：·|]?\s*([\u4e00-\u9fff]{{2,6}})(?:版)?$")
_SECTION_EDITION = re.compile(rf"^([\u4e00-\u9fff]{{2,6}})\s*[:：·|]?\s*{_EDITION}$")
_SECTION = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
_PAPER = re.compile(r"^[\u4e00-\u9fff]{1,10}(?:日报|晚报|早报|晨报|时报|商报|法治报|法制报|青年报|民族报|都市报|经济报|农民报)$")
_NOT_SECTION = re.compile(r"^(星期|周)[一二三四五六日天]$|审$|编辑$|校对$")
_TOP_LINES, _BOTTOM_LINES = 8, 3
# the production credits papers print on every page: 责任编辑 / 责编 / 美编 / 校对 / 统筹 / 一审 …
_STAFF = re.compile(r"责任编辑|责编|美术编辑|美编|版式|校对|统筹|[一二三终]\s*审|组版|照排|编辑")


def staff_line(text: str) -> bool:
    """A page's staff credits (`统筹 郭宁 责编 郭淮滨 校对 刘学恩`): two or more production roles
    in a short line with no sentence punctuation. Never an article."""
    t = re.sub(r"\s", "", text)
    return len(t) <= 60 and len(_STAFF.findall(t)) >= 2 and not re.search(r"[，。；！？]", t)


@dataclass(frozen=True)
class Masthead:
    paper: str | None = None
    date: str | None = None      # ISO: 2024-06-04
    edition: str | None = None   # as printed: A06, 7, 第3版 → 3
    section: str | None = None   # 城市, 理论, 要闻

    def fields(self) -> dict:
        return {"paper": self.paper, "date": self.date, "edition": self.edition, "section": self.section}


def _edge_lines(layout: PageLayout) -> list[str]:
    """The furniture band: lines in the top 12% and bottom 5% of a PDF page, else a dump's first
    and last few non-empty lines."""
    if layout.has_geometry and layout.height:
        h = layout.height
        top = [ln for ln in layout.lines if ln.y1 <= 0.12 * h]
        bottom = [ln for ln in layout.lines if ln.y0 >= 0.95 * h]
        lines = sorted(top, key=lambda ln: (ln.y0, ln.x0)) + bottom
        texts = [ln.text for ln in lines]
    else:
        raw = layout.text.split("\n") if layout.text is not None else [ln.text for ln in layout.lines]
        texts = [t for t in raw if t.strip()]
        texts = texts[:_TOP_LINES] + texts[-_BOTTOM_LINES:] if len(texts) > _TOP_LINES + _BOTTOM_LINES else texts
    return [repair_spacing(t).translate(_DIGITS).strip() for t in texts]



def _edition(m: re.Match, first: int) -> str:
    return m.group(first) or m.group(first + 1)


def read_masthead(layout: PageLayout) -> Masthead:
    """Paper, date, edition and section from the page's furniture band; None where not printed."""
    lines = _edge_lines(layout)
    paper = date = edition = section = None
    edition_at = None
    for i, raw in enumerate(lines):
        t = raw.strip()
        for part in re.split(r"\s{2,}|\t", t) if len(t) > 14 else [t]:
            part = part.strip()
            if date is None and (m := _DATE.search(part) or _DATE_NUM.search(part)):
                date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
                continue
            if paper is None and _PAPER.match(part):
                paper = part
                continue
            if edition is None:
                if m := _EDITION_SECTION.match(part):
                    edition, section, edition_at = _edition(m, 1), m.group(3), i
                    continue
                if (m := _SECTION_EDITION.match(part)) and not _NOT_SECTION.search(m.group(1)):
                    section, edition, edition_at = m.group(1), _edition(m, 2), i
                    continue
                if (m := _EDITION_ALONE.match(part)) and not _WEEKDAY.search(part):
                    edition, edition_at = _edition(m, 1), i
    if edition_at is not None and section is None:
        # a section name printed on a line of its own near the edition label (`城市` / `A06`), inside
        # the furniture band: before the first line that reads as running text
        prose = next((k for k, t in enumerate(lines) if re.search(r"[，。；！？]", t)), len(lines))
        near = sorted(range(max(0, edition_at - 3), min(prose, edition_at + 4)), key=lambda j: abs(j - edition_at))
        for j in near:
            if j != edition_at and _SECTION.match(lines[j]) and not _NOT_SECTION.search(lines[j]) \
                    and lines[j] != paper:
                section = lines[j]
                break
    return Masthead(paper, date, edition, section)


# what classified notices print, one or more per notice: court and arbitration notices, lost-
# certificate and deregistration notices
# (formulas that close a notice, and case numbers such as `（2023）黔2301民初3661号`)
_NOTICE = re.compile(r"声明作废|特此公告|特此声明|特此通知|[（(]\d{4}[）)][\u4e00-\u9fff]{0,4}\d{0,6}[\u4e00-\u9fff]{1,4}\d+号"
                     r"|遗失[^。]{0,40}作废|视为送达|公告期")


_CLOSING = re.compile(r"声明作废|特此公告|特此声明|视为送达|公告期[满间]|遗失[^。]{0,40}作废")


def notice_column(text: str) -> bool:
    """Classified notices (the lower half of many regional pages): a run of them, three notice
    formulas or more at least one every 600 characters; or one short notice, which closes with
    its formula (`特此公告`, `声明作废`). In 60k corpus news items only two procurement notices
    match the second rule, and none the first."""
    hits = len(_NOTICE.findall(text))
    return (hits >= 3 and hits * 600 >= len(text)) or (len(text) < 800 and bool(_CLOSING.search(text)))
