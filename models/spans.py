"""Sentence/clause splitting and digest candidate spans.

A digest is always a contiguous span of the (whitespace-normalised) body: a sentence or a
run of clauses (or a long clause's head or tail, cut where `clause_cuts` allows: never inside a
word, a number, a name or a noun phrase; or, in the first sentences, a window that opens on the
actor after its title or a `…的` modifier), with leading connectives and trailing punctuation
stripped, and boilerplate lead-ins (`本报讯`, `记者从…获悉，`) skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xinwen.models.clause_cuts import PAIRS, fit_words, fit_words_tail, inner_starts, safe_ends, tagged_words

_SENT_END = re.compile(r"([。！？!?；;…]+[”’」』）)]*|\n)")
_CLAUSE_END = re.compile(r"([，,、：:]+)")
BOILERPLATE = [
    re.compile(r"^本报讯[（(]?[^）)，。]*[）)]?"),
    re.compile(r"^[^，。]{0,30}(?:消息|电)[（(][^）)]*[）)][：:]?"),
    re.compile(r"^(?:央视网|新华网|人民网|新华社|中新网)[^，。：:]{0,20}[：:]"),
    re.compile(r"^(?:记者|本报记者)[^，。]{0,20}从[^，。]{1,30}(?:获悉|了解到)[，,]"),
    re.compile(r"^据[^，。]{1,20}(?:消息|报道)[，,]"),
]
CONNECTIVES = ("同时", "此外", "另外", "而且", "并且", "但是", "因此", "所以", "其中", "据悉", "据了解", "近日", "目前", "日前",
               "与此同时", "另一方面", "然而", "此外", "而", "并", "且", "但", "也", "还", "又")
_CONNECTIVES_LONGEST_FIRST = tuple(sorted(set(CONNECTIVES), key=len, reverse=True))
_TRIM = "，,、：:；;。！？!?…—- \u3000\n\r\t"
_CLAUSE_STOPS = "，,、：:；;。！？!?…—\n”’」』）)"  # what follows a span that ends its clause


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    sent_index: int
    clause_start: int
    clause_count: int
    sent_start: bool
    sent_end: bool
    reported: bool = False  # quoted speech, its attribution, or a question
    dangling: bool = False  # cut mid-phrase: `在…结束后`, `…举办的`, or inside a list
    head_cut: bool = False  # a long clause's tail, its head cut at a word boundary
    inner: bool = False  # opens inside its clause on its actor (`…组派的|中国政府援缅卫生防疫队…`)
    has_verb: bool = True  # jieba tags a verb inside it
    opens_on_noun: bool = False  # its first word is a noun or a name (an actor, not a predicate)
    clause_end: bool = False  # stops where its clause does: punctuation, a closer or the body's end follows


def no_span(body: str, max_chars: int) -> str:
    """The digest of a body too short or too bare for any candidate span: its opening, on one line."""
    return " ".join(body.split())[:max_chars]


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of sentences; a closing quote stays with its sentence."""
    out, pos = [], 0
    for m in _SENT_END.finditer(text):
        if m.end() > pos and text[pos : m.end()].strip():
            out.append((pos, m.end()))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, len(text)))
    return out


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for m in _CLAUSE_END.finditer(text, start, end):
        out.append((pos, m.end()))
        pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out


def skip_boilerplate(text: str, start: int, end: int) -> int:
    s = text[start:end]
    for rx in BOILERPLATE:
        m = rx.match(s)
        if m and m.end() < len(s):
            return start + m.end()
    return start


def tidy(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip leading connectives / punctuation and trailing punctuation, as offsets."""
    while start < end and text[start] in _TRIM + "“‘":
        start += 1
    for c in _CONNECTIVES_LONGEST_FIRST:
        if text.startswith(c, start) and end - start > len(c) + 4 and text[start + len(c)] in "，,":
            start += len(c) + 1
            break
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    # never leave a bracket or quote open: cut back before the last unmatched opener;
    # a closer whose opener was trimmed away goes too, with the punctuation before it.
    # Until nothing moves: cutting `）` off `2025年）》` leaves the `）` an earlier pass saw inside
    moved = True
    while moved:
        moved = False
        for o, c in PAIRS:
            seg = text[start:end]
            if seg.count(o) > seg.count(c):
                end = start + seg.rfind(o)
            elif seg.count(c) > seg.count(o) and seg.endswith(c):
                end -= 1
            else:
                continue
            moved = True
            while end > start and text[end - 1] in _TRIM:
                end -= 1
    return start, end


# a sentence right after a quotation that only says whose words they were: `这是…李奶奶最大的感受`,
# `…成员任泉介绍`
_QUOTE_CLOSERS = "”’」』"
_ATTRIBUTION = re.compile(r"^(?:这|那)(?:就|也|正|便)?是|(?:说|表示|介绍|说道|坦言|感慨|告诉记者)[。！!]?$")


def reported(body: str, start: int, sent_start: int, sent_end: int) -> bool:
    """Inside a quotation, part of a question, or the attribution that follows a quotation:
    someone's words (`“喂，麻阳公路养护中心吗？`), not what the article reports."""
    par = body.rfind("\n", 0, start) + 1
    before = body[par:start]
    if before.count("“") > before.count("”"):
        return True
    if body[par:sent_start].rstrip().endswith(tuple(_QUOTE_CLOSERS)) and _ATTRIBUTION.search(
            body[sent_start:sent_end].strip()):
        return True
    return body[start:sent_end].rstrip(_QUOTE_CLOSERS + "）) ").endswith(("？", "?"))


# the last clause is `在/当/随着… + localiser` or `…的时候` with nothing after it (a setting, not
# a statement), or the span stops on a word that needs what follows (`…联合举办的`, `…和`,
# `…延长至`, `…达到`, `…位于`)
_DANGLING = re.compile(r"(?:(?:在|当|随着|从|自|于)[^，,：:]*(?:后|时|前|中|上|下|里|内|间|以来|之际)"
                       r"|的时候|[的和与及或对把将向在被从由给至到为于以])$")
# one clause that opens on a subordinator says why, when or if, and its main clause is missing
# (`随着“一带一路”建设不断推进`)
_SUBORDINATE = re.compile(r"^(?:随着|为了|由于|如果|虽然|尽管|只有|只要|即使|一旦|为(?!期)|应|据|经|由)[^，,；;：:]*$")
# what needs the sentence before it (`其中…`, `也就是…`, `一是…`, `这…`), says only who spoke
# (`…李克强说`, `…负责人指出`), or names a document and nothing else (`《…条例》（以下简称《条例》）`)
_NEEDS_BEFORE = re.compile(r"^(?:其中|也就是|另一|一是|二是|三是|四是|首先|其次|此外|同时|这|那|其(?!他|实))")
_SAYS_ONLY = re.compile(r"(?:说|指出|表示|强调|称|介绍|认为|透露|通报|获悉|了解到|发布消息|题目是)$")
_TITLE_ONLY = re.compile(r"^[^《，,]{0,8}《[^》]+》(?:[（(]以下简称[^）)]*[）)])?$|^题目是")
# a clause that opens on a consequence or contrast, not set off by a comma, goes on from the
# clause before it and shares its subject (`…认为基层的权力都是“微权力”，|因此不注重规范…`)
# (a one-character conjunction is not the head of a longer one: `但是，` is set off, `并网` no conjunction)
_CONTINUES = re.compile(r"^(?:因此|因而|所以|从而|进而|但是|但(?!是)|可是|却|而且|而(?!且)|并且"
                        r"|并(?![且购网行轨列存举联入肩重发])|于是|否则)(?![，,])")


def dangling(body: str, start: int, end: int) -> bool:
    """Stops before it says anything, is a lone subordinate clause or frame (`应…的邀请`, `为…`),
    starts or stops inside a list (`…派出所`, then `、交警大队`), opens on a copula, a conjunction
    or a pointer whose subject is in the clause before (`是娄底…的主阵地`, `因此不注重…`,
    `其中…`), says only who spoke, or names only a document."""
    span = body[start:end]
    return (bool(_DANGLING.search(span) or _SUBORDINATE.match(span) or _CONTINUES.match(span)
                 or _NEEDS_BEFORE.match(span) or _SAYS_ONLY.search(span) or _TITLE_ONLY.match(span))
            or body[end : end + 1] == "、"
            or body[start - 1 : start] == "、" or body[start : start + 1] == "是")


def candidates(body: str, max_chars: int = 30, max_sentences: int = 12, max_candidates: int = 60) -> list[Span]:
    """Every clause run of the first sentences that fits in `max_chars` (or its word-cut prefix);
    quoted speech and questions only when nothing else is left (dangling spans stay, flagged:
    the ranker prefers a whole statement only when it scores nearly as well)."""
    spans = _candidates(body, max_chars, max_sentences, max_candidates)
    own = [s for s in spans if not s.reported]
    return own or spans


@dataclass(frozen=True)
class _Sentence:
    """One sentence of the body with jieba's words, so every span of it is tagged the same way."""

    body: str
    index: int
    start: int
    end: int
    words: list[tuple[int, int, str]]

    def span(self, x: int, y: int, i: int, n: int, first: bool, last: bool, dang: bool, cut: bool = False,
             inner: bool = False) -> Span:
        inside = [f for w0, w1, f in self.words if x <= w0 and w1 <= y]
        opener = next((f for w0, _, f in self.words if w0 == x), "")  # the tag of a word that starts at x
        noun = opener[:1] in ("n", "j", "r")
        return Span(x, y, self.body[x:y], self.index, i, n, first, last,
                    reported(self.body, x, self.start, self.end), dang, cut,
                    inner, any(f.startswith("v") for f in inside), noun,
                    y >= len(self.body) or self.body[y] in _CLAUSE_STOPS)


def _candidates(body: str, max_chars: int, max_sentences: int, max_candidates: int,
                inner_sentences: int = 3) -> list[Span]:
    spans: list[Span] = []
    seen: set[tuple[int, int]] = set()
    for si, (s0, s1) in enumerate(sentences(body)[:max_sentences]):
        s0 = skip_boilerplate(body, s0, s1)
        sent = _Sentence(body, si, s0, s1, tagged_words(body, s0, s1))
        cl = clauses(body, s0, s1)
        for i in range(len(cl)):
            for j in range(i, len(cl)):
                a, b = tidy(body, cl[i][0], cl[j][1])
                parts = [(a, b, False)]
                if b - a > max_chars:
                    if j > i:
                        break
                    # one clause too long: its word-cut head, then its tail, where a long
                    # Chinese clause keeps its verb
                    parts = [(*tidy(body, a, fit_words(body, a, b, max_chars)), False),
                             (*tidy(body, fit_words_tail(body, a, b, max_chars), b), True)]
                for x, y, cut in parts:
                    if y - x < 4 or (x, y) in seen:
                        continue
                    seen.add((x, y))
                    # a word-cut head stops inside its clause, before the verb a long Chinese clause ends
                    # on; its tail keeps the verb and reads whole (`…宣传活动在…集市上火热进行`)
                    clipped = (x, y) != (a, b) and not cut
                    spans.append(sent.span(x, y, i, j - i + 1, i == 0 and not cut, j == len(cl) - 1,
                                           dangling(body, x, y) or clipped, cut))
        if si < inner_sentences:
            spans += _inner_windows(sent, cl, max_chars, seen)
        if len(spans) >= max_candidates:
            break
    return spans[:max_candidates]


def _inner_windows(sent: _Sentence, cl: list[tuple[int, int]], max_chars: int, seen: set) -> list[Span]:
    """Spans that open inside a clause on its actor and run as far as `max_chars` allows: to a
    clause end, to the last safe word end, or to the last one that closes a noun phrase (the
    object): headlines drop a title or a `…的` modifier before the actor
    (`中国政府援缅卫生防疫队今天（4月19日）启程赴缅甸`)."""
    body, out = sent.body, []
    ends = safe_ends(body, sent.words)
    clause_ends = [e for _, e in cl]
    starts = {a for a, _ in cl}
    for x0 in inner_starts(body, sent.words):
        if x0 in starts:
            continue
        i = next(k for k, (a, b) in enumerate(cl) if a <= x0 < b)
        fits = [e for e in clause_ends if x0 + 4 < e and tidy(body, x0, e)[1] - x0 <= max_chars]
        word_ends = [(e, noun) for e, noun in ends if x0 + 4 < e <= x0 + max_chars]
        for y0 in {max(fits, default=None), max((e for e, _ in word_ends), default=None),
                   max((e for e, noun in word_ends if noun), default=None)} - {None}:
            x, y = tidy(body, x0, y0)
            if y - x < 4 or (x, y) in seen:
                continue
            seen.add((x, y))
            j = next(k for k, (a, b) in enumerate(cl) if a < y <= b)
            out.append(sent.span(x, y, i, j - i + 1, False, j == len(cl) - 1 and y0 in fits,
                                 dangling(body, x, y), inner=True))
    return sorted(out, key=lambda s: (s.start, s.end))
