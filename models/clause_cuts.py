"""Where a clause too long for a digest may be cut: a head that ends, or a tail that starts,
on a jieba word boundary that splits no number, name or noun phrase and drops no actor.

jieba's part-of-speech tags (ICTCLAS) stand in for a parser here: they are wrong often enough
(`首都/d`, `组长/v`) that each rule only forbids a cut, never forces one, and a clause with no
safe boundary simply gives no head or tail candidate.
"""

from __future__ import annotations

import re
from functools import lru_cache

PAIRS = (("“", "”"), ("（", "）"), ("《", "》"), ("(", ")"), ("‘", "’"), ("「", "」"))
_NUM_EDGE = re.compile(r"[\d.%,．]")
# a transliterated name's interpunct within five letters: back from a span's start, ahead of its end
_NAME_BEFORE = re.compile(r"[·•・][^\W\d_]{0,5}$")
_NAME_AFTER = re.compile(r"[^\W\d_]{0,5}[·•・]")
_NAME_JOINS = "·•・"
_UNITS = set("年月日号时点分秒万亿千百元岁个名人家项次倍米吨%‰")
# words a clause's tail should not open with (`等多部门…` reads as `多部门…`; `是…主阵地` lacks its subject)
_TAIL_SKIP = {"等", "等等", "的", "和", "与", "及", "或", "了", "之", "以及", "并", "是"}
# one-character words a clause's dropped head may end on; any other lone character is bound to
# the word after it by meaning, which jieba does not know (`新|时代` as a start reads `时代…`)
_LONE_HEAD_ENDS = set("的了在是和与对把被将从向为以及等并而但也都就又还却由于给让使要会能可已曾正才再更很不没着过之其或即")


def _splits_token(text: str, pos: int, start: bool = False) -> bool:
    """A span that starts (`start`) or ends at `pos` would split a number (`2,0|00`, `3.|5%`), a
    number from its unit (`2026|年`), or a transliterated name (`阿卜杜拉|希·穆罕默德` as a start,
    `阿纳|斯·利比` as an end: jieba cuts such names anywhere)."""
    if not 0 < pos < len(text):
        return False
    if _NUM_EDGE.match(text[pos - 1]) and _NUM_EDGE.match(text[pos]) or text[pos - 1].isdigit() and text[pos] in _UNITS:
        return True
    if start:
        return text[pos] in _NAME_JOINS or bool(_NAME_BEFORE.search(text, max(0, pos - 6), pos))
    return text[pos - 1] in _NAME_JOINS or bool(_NAME_AFTER.match(text, pos))


@lru_cache(maxsize=1024)
def _tagged(segment: str) -> tuple[tuple[str, str], ...]:
    """jieba's words of one over-long clause with their part of speech (the same words as
    `jieba.cut(HMM=False)`): its head and its tail are both cut from them. Imported here: the
    tagger reads jieba's whole dictionary again (0.4 s), which only digests need."""
    from xinwen.models.quiet import quiet_jieba

    quiet_jieba()
    import jieba.posseg

    return tuple((p.word, _flag(p.word, p.flag)) for p in jieba.posseg.cut(segment, HMM=False))


def _flag(word: str, flag: str) -> str:
    """jieba tags every run of ASCII `eng`: a number (`m`) or a Latin name (`nx`), apart."""
    return flag if flag != "eng" else "m" if word[:1].isdigit() else "nx"


# parts of speech (jieba's ICTCLAS tags): nouns and names; the names that act; what may modify
# a noun inside one phrase (an organisation may be dropped from its officer's title, so not `nt`)
_NOUNS = {"n", "nr", "nrfg", "nrt", "ns", "nt", "nz", "ng", "nx", "j", "s", "f", "vn", "an", "l"}
_ACTORS = {"nr", "nrfg", "nrt", "nt"}
_MODIFIERS = (_NOUNS - {"nt"}) | {"a", "b"}
_COORDINATORS = {"和", "与", "及", "或", "以及", "同", "跟", "暨", "-", "－", "/"}
# prepositions whose object may open a tail: a topic or a clause (`对|全市交通事故…实现双下降`),
# where after `在`, `向`, `从`… the place would read as the subject (`在|雅加达参观…`)
_TOPIC_PREPOSITIONS = {"对", "对于", "关于", "针对", "由", "据", "根据"}
_DATE_UNITS = {"年", "月", "日", "号"}
_VERB_COMPLEMENTS = {"在", "于", "到", "至", "给", "通过", "成", "为"}


def _bound_character(word: str) -> bool:
    """A lone Chinese character that is not a function word: jieba left it alone, but by meaning
    it belongs to the word beside it (`新|时代`, `伊|素|福`)."""
    return len(word) == 1 and "\u4e00" <= word <= "\u9fff" and word not in _LONE_HEAD_ENDS


def _compound(prev: tuple[str, str], nxt: tuple[str, str]) -> bool:
    """Both words belong to one name or noun phrase, so neither a head may end nor a tail start
    between them: two nouns or names (`中心|大道`, `比利时首相德|克罗`, `玛格丽特|二世`), an
    ordinal and its noun (`十四届|全国人大常委会`), or two lone content characters, which is how
    jieba leaves a name it does not know (`伊素|福`); an adjective and its noun, a number and
    its classifier."""
    (a, fa), (b, fb) = prev, nxt
    if fa in _MODIFIERS and fb in _NOUNS:  # `大|样本` too, but `全国人大常委会|委员长张德江…` may part
        return True
    if fa in ("m", "q") and fb in _NOUNS | {"m", "q"} and a not in _DATE_UNITS:
        return True  # `第七届|世界…`, `36|种`, `第九|十次`
    return _bound_character(a) and _bound_character(b)


def _breaks_phrase(prev: tuple[str, str], nxt: tuple[str, str]) -> bool:
    """A clause's tail starting between these two words would break a phrase: a noun phrase or
    a name (`国家|主席习近平`, `工业和|信息化部`, `组长|李克强`, `第二十七届|中国西部…`), a verb
    compound (`主持|召开`), a place from its `在` (`在|雅加达参观…` reads as if Jakarta visited),
    or an actor from the date that follows it (`国务院总理李克强|4日向…`). A tail may drop an
    actor whole, though (`国务院|印发《…》`, `何立峰6月15日下午|在人民大会堂会见…`): the verb and
    its object are what a headline keeps, and the head that keeps the actor stops before them."""
    (a, fa), (b, fb) = prev, nxt
    dated = fb in ("m", "q", "t")
    if _compound(prev, nxt) or a in _COORDINATORS or fa == "p" and a not in _TOPIC_PREPOSITIONS:
        return True
    if (fb in _ACTORS or fb == "ns") and fa not in ("uj", "x"):  # a name keeps its title or
        return True  # preposition: `组长|李克强`, `首都|喀布尔`, `在|雅加达`
    if fa == "v" and (fb in ("v", "vn") or b in _VERB_COMPLEMENTS):  # `主持|召开`, `聚集|在…`
        return True
    if fa in _NOUNS:  # subject, then its date; or its modifier
        return dated or fb in ("a", "b")
    return fa == "r" and fb in _NOUNS  # `各国|卫生部长`


def fit_words(text: str, start: int, end: int, max_chars: int) -> int:
    """Largest end ≤ start+max_chars on a jieba word boundary, not inside a number, a name or a
    noun phrase (`…会见丹麦女王玛格丽特|二世` ends before `玛格丽特`)."""
    if end - start <= max_chars:
        return end
    ends = safe_ends(text, tagged_words(text, start, end))
    return max((e for e, _ in ends if e - start <= max_chars), default=start)


def fit_words_tail(text: str, start: int, end: int, max_chars: int) -> int:
    """Smallest start ≥ end-max_chars on a jieba word boundary, not inside a number, a bracket, a
    quote or a phrase: the clause's tail, where a long Chinese clause keeps its verb
    (`…宣传活动在…集市上火热进行`)."""
    if end - start <= max_chars:
        return start
    pos, last = start, ("", "")
    for w, flag in _tagged(text[start:end]):
        before = text[start:pos]
        if (end - pos <= max_chars and w not in _TAIL_SKIP and w not in _UNITS and w[:1] not in "（("
                and not _splits_token(text, pos, start=True)
                and not _bound_character(last[0])
                and not (pos > start and _breaks_phrase(last, (w, flag)))
                and all(before.count(o) == before.count(c) for o, c in PAIRS)):
            return pos
        pos += len(w)
        last = (w, flag)
    return end


def tagged_words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """jieba's words of `text[start:end]` as (start, end, part of speech) offsets into `text`."""
    out, pos = [], start
    for w, flag in _tagged(text[start:end]):
        out.append((pos, pos + len(w), flag))
        pos += len(w)
    return out


# a name that follows its title may open a span without it (`国务院副总理|张高丽24日…会见…`), and a
# noun phrase may open one without the modifier that ends on `的` (`由…组派的|中国政府援缅…队…启程`):
# headlines drop both, and keep the actor and what it did
_INNER_NAMES = _ACTORS - {"nt"}


def inner_starts(text: str, words: list[tuple[int, int, str]]) -> list[int]:
    """Where a span may open inside a clause on its actor: a name after its title, or a noun
    phrase after the `…的` modifier before it. Never inside a number, a name or a bracket."""
    out = []
    for (a0, a1, fa), (b0, b1, fb) in zip(words, words[1:]):
        after_de = text[a0:a1] == "的" and fb in _NOUNS | _ACTORS | {"ns"}
        after_title = fb in _INNER_NAMES and fa in ("n", "nt", "j") and len(text[b0:b1]) >= 2
        if (after_de or after_title) and not _splits_token(text, b0, start=True):
            out.append(b0)
    return out


def safe_ends(text: str, words: list[tuple[int, int, str]]) -> list[tuple[int, bool]]:
    """Word ends a span may stop at, none inside a number, a name or a noun phrase (as
    `fit_words`), each with whether it closes a noun phrase (an object, not a bare verb)."""
    out = []
    for k, (w0, w1, flag) in enumerate(words):
        nxt = words[k + 1] if k + 1 < len(words) else None
        if nxt is None or not (_splits_token(text, w1) or _compound((text[w0:w1], flag), (text[nxt[0]:nxt[1]], nxt[2]))):
            out.append((w1, flag in _NOUNS | _ACTORS | {"ns", "q"}))
    return out
