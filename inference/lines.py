"""What one line of a page is: a headline candidate, an author's name, a byline, an affiliation,
a photo credit, page furniture.

The segmenting cascade (`segment.py`) and the block reader for scrambled dumps (`blocks.py`)
ask the same questions of a line; answering them in one place keeps the two readings of a
page in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xinwen.models.textclean import SENTENCE_END, display_width, ends_sentence, repair_spacing

NAME = r"[\u4e00-\u9fff·]"
_AUTHOR_IS = r"作者(?:为|系|单位|是)"  # `（作者为…）`: an affiliation line, never a list of names
_BYLINE_PAREN = re.compile(rf"[（(](?!{_AUTHOR_IS})((?:{NAME}{{1,4}}[ \u3000]*){{1,8}})[）)]$")
_BYLINE_PREFIX = re.compile(rf"^(?:本报记者|本报通讯员|通讯员|记者|特约记者|本报特约通讯员|文/|文|图/|撰文)[ \u3000]*((?:{NAME}{{2,4}}[ \u3000]*)+)$")
AFFILIATION = re.compile(rf"^[（(]({_AUTHOR_IS}[^）)]*)[）)]$")
CREDIT = re.compile(r"^[（(]?(本(?:文|版)?图片[^）)]*提供|[^（）()]{0,20}摄|图片来源[^）)]*|资料图片)[）)]?")
_FURNITURE = re.compile(r"^(?:(?:制图|图表|责编|美编)[：:].{0,12}|\d{1,3}|\d{1,3}\s+[\u4e00-\u9fff]{1,8}|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*星期\S|责任编辑.*|本版编辑.*|版式设计.*|第?\s*\d+\s*版)$")
_HEAD_FORBIDDEN = re.compile(r"[。；;，]|、.*、")
NAME_LINE = re.compile(r"^[\u4e00-\u9fff]{1,4}(?:[ \u3000]+[\u4e00-\u9fff]{1,4}){0,3}$")
# the commonest Chinese surnames: a bare 2-4 character line starting with one is an author's name
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "萧洪阎栾隋卞鞠巩蔺晁谌郜佘邬臧甄闵揭庹粟冼"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "夏侯")


@dataclass
class Line:
    text: str
    heading: bool | None = None  # layout hint (PDF font size); None when unknown
    author: str | None = None  # a name printed on below a vertical title, split off


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
    if CREDIT.match(s) or AFFILIATION.match(s):
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


def is_closing(lines: list[str]) -> bool:
    """Lines (a column block) that end an article: an affiliation `（作者为…）`, maybe broken
    over up to four lines and letter-spaced, or a byline."""
    tail = [repair_spacing(x) for x in lines[-4:]]
    if any(AFFILIATION.match("".join(tail[k:])) for k in range(len(tail))):
        return True
    return split_byline(lines[-1])[1] is not None or byline_of(lines[-1]) is not None
