"""Credits printed at the edges of a body: datelines (`本报讯`, `新华社北京5月9日电`), bylines
inside them (`本报讯（记者 张三 通讯员 李四）`), `【…】` source brackets, `据…报道` openers, and a
closing `（王普）` or author's note (`（作者为…研究员）`). They go to the article's `dateline` and
`byline` fields, so neither the theme model nor the digest reads them as text. This is a parser of printed forms, not a threshold.
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
# the note on who the author is that closes a signed article: `（作者为中央党校研究员）`,
# `（作者单位：湖南大学）`, `（作者系…）`
_AUTHOR_NOTE = re.compile(r"[ \u3000\n]*[（(]作者(?:为|系|是|单位|：|:)[^（）()\n]{2,80}[）)][ \u3000]*$")


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
    note = _AUTHOR_NOTE.search(text)
    if note and note.start() > 0:
        text, note_text = text[: note.start()], note.group().strip()
        byline = f"{byline} {note_text}" if byline else note_text
    if byline is None or note:
        paras = text.split("\n")
        rest, names = split_byline(paras[-1])
        if names and rest:
            byline, paras[-1] = _joined(names, byline), rest
            text = "\n".join(paras)
        elif names and len(paras) > 1:  # the closing credit set on a line of its own
            byline, text = _joined(names, byline), "\n".join(paras[:-1])
    return dateline, byline, text


def _joined(names: str, note: str | None) -> str:
    return f"{names} {note}" if note else names


def clean_credits(article):
    """An article (a reader's `Article` or an `ArticleRecord`: anything with `text`, `dateline`
    and `byline`) with the dateline and credits at the edges of its body moved to its fields;
    fields it has already are kept, and an author's note joins the byline it has."""
    dateline, byline, text = split_credits(article.text)
    article.dateline = article.dateline or dateline
    note = _AUTHOR_NOTE.search(byline or "")
    if article.byline and note and note.group().strip() not in article.byline:  # the name over the title, the note under the body
        article.byline = f"{article.byline} {note.group().strip()}"
    article.byline = article.byline or byline
    article.text = text
    return article
