"""Character-level cleanup of page dumps: letter-spacing repair and column line joining.

Newspaper columns are narrow, so a dump breaks every paragraph into 10–20-character lines
and justified text arrives letter-spaced (`总 投 资`). Both are layout artefacts, not text.
"""

from __future__ import annotations

import re
import unicodedata

CJK = r"\u2e80-\u9fff\uf900-\ufaff"
FULLWIDTH_PUNCT = r"\u3000-\u303f\uff00-\uffef\u2014\u2026\u2018\u2019\u201c\u201d\u00b7"
_CJKP = f"[{CJK}{FULLWIDTH_PUNCT}]"
# a space with CJK (or full-width punctuation) on at least one side is a layout artefact
_SPACE_CJK_LEFT = re.compile(f"(?<={_CJKP})[ \\t\\u3000\\u00a0]+")
_SPACE_CJK_RIGHT = re.compile(f"[ \\t\\u3000\\u00a0]+(?={_CJKP})")
_LETTER_SPACED_RUN = re.compile(f"(?:(?<=\\s)|^){_CJKP}(?:[ \\u3000]{_CJKP}){{2,}}(?=\\s|$)")
_CJK_GAP = re.compile(f"{_CJKP}[ \\u3000]+(?={_CJKP})")

SENTENCE_END = "。！？!?…"
CLOSERS = "”’」』）)》】"
# kinsoku: characters that may not start a line (they belong to the previous one) / end one
NO_LINE_START = set("，。、；：！？）》」』”’】…%‰·")
NO_LINE_END = set("（《「『“‘【")


def char_width(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5


def display_width(text: str) -> float:
    """Width in CJK cells: what decides whether a line filled its column."""
    return sum(char_width(c) for c in text.strip())


def repair_spacing(text: str, keep_phrase_spaces: bool = False) -> str:
    """Drop letter-spacing and layout spaces around CJK, keep spaces inside Latin/number runs.

    With `keep_phrase_spaces` (headlines), a single space between two multi-character CJK
    phrases (`加大风险路段整治 确保村民安全出行`) survives; letter-spaced runs still close up.
    """
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").strip()
    if keep_phrase_spaces:
        text = _LETTER_SPACED_RUN.sub(lambda m: re.sub(r"[ \u3000]", "", m.group(0)), text)
        parts = re.split(r"[ \t\u3000]+", text)
        out = parts[0] if parts else ""
        for p in parts[1:]:
            if re.fullmatch(f"{_CJKP}", p) or re.fullmatch(f"{_CJKP}", out[-1:]) and len(out) == 1:
                out += p
            else:
                out += " " + p
        text = out
        # spaces next to punctuation are always artefacts
        return re.sub(f"[ ]*([{FULLWIDTH_PUNCT}])[ ]*", r"\1", text)
    text = _SPACE_CJK_LEFT.sub("", text)
    return _SPACE_CJK_RIGHT.sub("", text)


def normalise_text(text: str) -> str:
    """Whitespace as every model sees it, at training and at inference alike: layout spaces
    around CJK dropped (`repair_spacing`), one line per paragraph, no blank lines."""
    return "\n".join(x for x in (repair_spacing(p) for p in text.replace("\r", "").split("\n")) if x)


def ends_sentence(line: str) -> bool:
    s = line.rstrip().rstrip(CLOSERS)
    return bool(s) and s[-1] in SENTENCE_END or line.rstrip().endswith(("。”", "！”", "？”", "。）"))


def join_lines(lines: list[str]) -> str:
    """Join the lines of one paragraph: no space between CJK, one space between Latin words."""
    out = ""
    for line in lines:
        line = repair_spacing(line)
        if not line:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            # a number or word broken by the column edge (`66.` + `057`) joins without a space
            out += line if re.search(r"[\d.]$", out) and line[0].isdigit() else " " + line
        else:
            out += line
    return out


def letter_spaced(line: str) -> bool:
    """A justified line whose few letters were spread over the column (`中 指 出 ：“ 经 过`)."""
    return len(_CJK_GAP.findall(line)) >= 3


def paragraphs(lines: list[str], indented: list[bool] | None = None, full: list[bool] | None = None) -> list[str]:
    """Group column lines into paragraphs.

    A paragraph ends on a line that ends a sentence and stops clearly short of the column
    width (measured locally, since one page mixes column widths); a line may never end on
    an opening bracket nor a new paragraph start with closing punctuation (kinsoku).
    Widths are of the letters, not of the spaces a justified line was spread with: those
    made a full line beside a letter-spaced one look short (`习近平同志在党的十九大报告` ⏎
    `中 指 出 ：“ 经 过 …`), and a letter-spaced line is full by definition.

    A PDF knows more than a dump: `indented` lines start a paragraph and `full` lines reach
    the column's right edge, so a paragraph that ends on a full line is still found.
    """
    widths = [display_width(repair_spacing(x)) for x in lines]
    spread = [letter_spaced(x) for x in lines]
    filled = [i for i, x in enumerate(lines) if x.strip()]
    rank = {i: k for k, i in enumerate(filled)}
    paras: list[list[str]] = []
    cur: list[str] = []
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        if cur and s[0] in NO_LINE_START:
            cur.append(s)
            continue
        if cur and indented and indented[i] and cur[-1][-1] not in NO_LINE_END:
            paras.append(cur)
            cur = []
        k = rank[i]
        col = max((widths[j] + 1.5 * spread[j] for j in filled[max(k - 1, 0) : k] + filled[k + 1 : k + 2]), default=0.0)
        if cur and ends_sentence(cur[-1]) and spread[i] and widths[i] <= col - 1.5:
            paras.append(cur)  # spread over a column it does not fill: the indented first line
            cur = []
        if cur and ends_sentence(cur[-1]) and not re.search(r"[，。；、]", s) and widths[i] < col * 0.6:
            paras.append(cur)  # a short unpunctuated line after a sentence end: a subhead
            cur = []
        cur.append(s)
        short = not full[i] if full else not spread[i] and (widths[i] < col - 1.0 or col == 0.0)
        if s[-1] not in NO_LINE_END and (ends_sentence(s) and short or short and widths[i] < col * 0.6 and s[-1] not in "，、"):
            paras.append(cur)
            cur = []
    if cur:
        paras.append(cur)
    return [p for p in (join_lines(x) for x in paras) if p]


def merge_overlap(a: str, b: str, min_overlap: int = 1) -> str | None:
    """Join two extractions of one headline row that repeat each other's text
    (`新时代` + `新时代：发展新方位`, fake-bold rows drawn twice); None when they share
    less than `min_overlap` characters at the seam."""
    if b in a:
        return a
    if a in b:
        return b
    for k in range(min(len(a), len(b)), min_overlap - 1, -1):
        if k and a.endswith(b[:k]):
            return a + b[k:]
    return None
