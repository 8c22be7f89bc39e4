"""Credits printed at the edges of a body: datelines (`本报讯`, `新华社北京5月9日电`), bylines
inside them (`本报讯（记者 张三 通讯员 李四）`), `【…】` source brackets, `据…报道` openers, and a
closing `（王普）`. They go to the article's `dateline` and `byline` fields, so neither the theme
model nor the digest reads them as text. This is a parser of printed forms, not a threshold.
"""

from __future__ import annotations

import re

from xinwen.inference.lines import split_byline

_OPEN = re.compile(
    r"^(?P<dl>本报讯|本报[\u4e00-\u9fff]{2,8}\d{1,2}月\d{1,2}日电|(?:新华社|中新社|人民网|新华网|央视网)[\u4e00-\u9fff]{0,12}"
    r"(?:\d{1,2}月\d{1,2}日)?电|据[^，。！？]{2,24}报道)"
    r"[ \u3000]*(?:[（(](?P<by>[^）)]{2,40})[）)])?[，,：: \u3000]*"
)
_BRACKET = re.compile(r"^【(?P<dl>[^】]{2,40})】[ \u3000]*")
_REPORTER = re.compile(r"(?:见习|特约|本报)?(?:记者|通讯员)")


def split_credits(text: str) -> tuple[str | None, str | None, str]:
    """(dateline, byline, body) of a body that may open or close on a credit."""
    dateline = byline = None
    m = _OPEN.match(text)
    if m and len(text) > m.end():
        dateline, byline = m.group("dl"), m.group("by")
        text = text[m.end():]
    else:
        m = _BRACKET.match(text)
        if m and len(text) > m.end():
            inner = m.group("dl")
            r = _REPORTER.search(inner)
            dateline, byline = (inner[: r.start()].strip() or None, inner[r.start():].strip()) if r else (inner, None)
            text = text[m.end():]
    if byline is None:
        paras = text.split("\n")
        rest, names = split_byline(paras[-1])
        if names and rest:
            byline, paras[-1] = names, rest
            text = "\n".join(paras)
        elif names and len(paras) > 1:  # the closing credit set on a line of its own
            byline, text = names, "\n".join(paras[:-1])
    return dateline, byline, text


def clean_credits(article):
    """An Article with a dateline or credit at the edges of its body moved to its fields."""
    dateline, byline, text = split_credits(article.text)
    article.dateline = article.dateline or dateline
    article.byline = article.byline or byline
    article.text = text
    return article
