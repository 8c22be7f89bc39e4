"""A block-wise text dump, block by block: page furniture, headline-and-author blocks, and column
bodies with the facts that reassembly reads at their seams (width, indented first line, full
last line, mid-sentence end, closing affiliation, hanging from under a title).

The line-level tests are the line cascade's own (`segment`), so a headline or an author's name
reads the same whether the page is in reading order or not.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from xinwen.inference.lines import Line, headline_like, is_closing, is_furniture, is_person_name
from xinwen.models.textclean import ends_sentence, repair_spacing

MIN_BODY_BLOCKS = 5  # fewer column blocks than this: nothing to reassemble
SECTION_BOX = 0.55  # a section subhead's first line is at most this share of the column
PARALLEL_CHARS = 10  # sections that open with this many of the same characters run in parallel


@dataclass
class Block:
    lines: list[str]
    kind: str  # "furniture" | "head" | "body"
    text: str = ""  # spacing repaired, whitespace removed
    width: float = 0.0
    closed: bool = False  # ends with an affiliation / byline
    mid: bool = False  # ends mid-sentence
    titled: bool = False  # comes right after a title-and-author block
    opens: bool = False  # first line indented (shorter by two or more): a paragraph starts here
    runs_on: bool = False  # last line full: its paragraph goes on in another block
    names: int = 0  # author names in a headline block
    kicker: bool = False  # a headline block whose first line is the kicker (引题) printed above it
    section: bool = False  # opens with a section subhead: one section of a longer article


def split_blocks(lines: Sequence[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    cur: list[str] = []
    for x in lines:
        if x.strip():
            cur.append(x.strip())
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def norm(s: str) -> str:
    return re.sub(r"\s", "", repair_spacing(s))


def _column_width(lines: list[str]) -> float:
    """Characters per full line: the median of the lines within two characters of the upper
    quartile (squeezed punctuation makes full lines differ by one; a line pdftotext ran across
    two columns is an outlier); 0 (unknown) unless two lines are that full (a paragraph's last
    line or an affiliation in parentheses is no guide)."""
    lens = [len(t) for t in map(norm, lines) if not t.startswith(("（", "("))]
    top = float(np.percentile(lens, 75)) if lens else 0.0  # most lines of a column are full
    full = [n for n in lens if abs(n - top) <= 2]
    return float(statistics.median(full)) if len(full) >= 2 else 0.0


def _in_box(line: str, width: float) -> bool:
    return len(norm(line)) <= SECTION_BOX * width


def opens_section(lines: list[str], width: float) -> bool:
    """The first line is a subhead printed in a narrow box (`以供给侧结构性` / `改革为主线具有客观` /
    `必然性` in a 17-character column), not a paragraph's tail from another column (`代，`) nor
    a lead-in to a quotation (`党的十九大报告强调：`). On a theory page only the long lead
    article is cut into sections, so blocks that open sections belong together."""
    first = norm(lines[0])
    return (bool(width) and len(lines) > 1 and len(first) >= 4 and _in_box(first, width)
            and not re.search(r"[，。；,;!?！？]|[：:]$", first))


def classify(raw: list[list[str]]) -> list[Block]:
    """Furniture, headline/author blocks and body blocks, with each body block's seam facts
    (the line-level tests are the line cascade's own)."""
    out: list[Block] = []
    prev_titled = False
    for lines in raw:
        content = [x for x in lines if not is_furniture(x)]
        if not content:
            out.append(Block(lines, "furniture"))
            continue
        if all(headline_like(Line(x)) or is_person_name(x) for x in content) and len(norm("".join(content))) <= 80:
            names = sum(map(is_person_name, content))
            out.append(Block(content, "head", names=names))
            prev_titled = 0 < names < len(content)  # a bare name may be printed over another's column
            continue
        # a lone character near a block's top is (part of) an author's name printed apart; any
        # lines above it are the title the column hangs from
        lone = next((k for k, x in enumerate(content[:4])
                     if re.fullmatch(r"[\u4e00-\u9fff]", norm(x)) or (k and is_person_name(x))), None)
        if lone is not None and lone + 1 < len(content) and all(headline_like(Line(x)) for x in content[:lone]):
            if lone:  # the name stays with its title (a lone character is only part of one)
                out.append(Block(content[: lone + is_person_name(content[lone])], "head", names=1))
                prev_titled = True
            content = content[lone + 1 :]
        text = norm("".join(content))
        closed = is_closing(content)
        width = _column_width(content)
        first, last = len(norm(content[0])), len(norm(content[-1]))
        out.append(Block(content, "body", text=text, width=width, closed=closed,
                         mid=not closed and not ends_sentence(repair_spacing(content[-1])), titled=prev_titled,
                         opens=bool(width) and first <= width - 2, runs_on=bool(width) and not closed and last >= width - 1,
                         section=opens_section(content, width)))
        prev_titled = False
    _parallel_sections(out)
    return out


def _after_box(b: Block) -> str:
    k = 0
    while k < len(b.lines) and _in_box(b.lines[k], b.width):
        k += 1
    return norm("".join(b.lines[k:]))


def _parallel_sections(blocks: list[Block]) -> None:
    """Sections of a theory article often open with the same words under each subhead
    (`中国特色社会主义新时代，是…`). Once two boxed sections on the page do, a block that opens
    with those words is another section, whose subhead pdftotext printed in some other block."""
    openings = Counter(_after_box(b)[:PARALLEL_CHARS] for b in blocks if b.section)
    shared = {o for o, n in openings.items() if n >= 2 and len(o) == PARALLEL_CHARS}
    for b in blocks:
        if b.kind == "body" and b.text[:PARALLEL_CHARS] in shared:
            b.section = True


def looks_scrambled(blocks: list[Block]) -> bool:
    """Several multi-line column blocks, some stopping mid-sentence: a block-wise dump."""
    bodies = [b for b in blocks if b.kind == "body" and len(b.lines) >= 3]
    if len(bodies) < MIN_BODY_BLOCKS:
        return False
    narrow = statistics.median(b.width for b in bodies) <= 40  # columns, not full-width paragraphs
    return narrow and sum(b.mid for b in bodies) >= 2
