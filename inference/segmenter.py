"""The library face of `xinwen segment`: inputs in, article records out, errors reported."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from xinwen.inference.encoding import InputError
from xinwen.inference.records import ArticleRecord
from xinwen.inference.segment import Article
from xinwen.inference.segmentation import Segmenter, segment_page
from xinwen.inference.segmentation.layout import PageLayout
from xinwen.inference.segmentation.masthead import Masthead, notice_column, read_masthead, staff_line
from xinwen.inference.sources import Page, expand_inputs, input_name, kind_of, read_pages, unique_stems


def without_furniture(layout: PageLayout, arts: list[Article]) -> tuple[list[Article], Masthead]:
    """The page's masthead, and its articles less what is furniture: a page label read as a
    headline gives way to the line under it, a section name read as a kicker goes, and so do
    staff credits and columns of notices."""
    mast = read_masthead(layout)  # the paper, date, edition and section the page prints
    labels = {x for x in (mast.edition, mast.section, mast.paper) if x}
    for a in arts:
        if a.title in labels:
            a.title, a.subtitle = a.subtitle, None
        if a.kicker in labels:  # the section's name over the page, not this story's 引题
            a.kicker = None
    # a notices column read as many untitled pieces is judged as the run it is
    drop: set[int] = set()
    i = 0
    while i < len(arts):
        j = i
        while j < len(arts) and not arts[j].title:
            j += 1
        if j - i > 1 and notice_column("\n".join(a.text for a in arts[i:j])):
            drop.update(range(i, j))
        i = max(j, i + 1)
    kept = [a for k, a in enumerate(arts) if k not in drop and not (staff_line(a.text) or notice_column(a.text))]
    return kept, mast


def page_articles(page: Page, segmenter: Segmenter = Segmenter.AUTO) -> tuple[list[Article], Masthead]:
    """The page's articles, furniture off. `auto`: both readers' articles (a PDF page's rules
    reading through pdfminer's layout, as `rules` reads it), each reading judged as it will be
    returned (`segmentation.choice`)."""
    seg = Segmenter(segmenter)
    if seg == Segmenter.AUTO:
        from xinwen.inference.segmentation.choice import judged

        rules_layout, rules_arts = page.rules_reading or (page.layout, segment_page(page.layout, Segmenter.RULES))
        readings = {Segmenter.RULES: without_furniture(rules_layout, rules_arts),
                    Segmenter.LEARNED: without_furniture(page.layout, segment_page(page.layout, Segmenter.LEARNED))}
        return readings[judged({k: v[0] for k, v in readings.items()})[0]]
    arts = page.articles if page.articles is not None else segment_page(page.layout, seg)
    return without_furniture(page.layout, arts)


def file_articles(path: str | Path, segmenter: Segmenter = Segmenter.AUTO) -> list[Article]:
    """A file's articles as `segment` and `run` read them: page by page, furniture off."""
    return [a for p in read_pages(str(path), segmenter) for a in page_articles(p, segmenter)[0]]


def page_records(page: Page, segmenter: Segmenter = Segmenter.AUTO) -> list[ArticleRecord]:
    """The page's articles as records, numbered in reading order (`stem#p3-2`: page 3, second)."""
    arts, mast = page_articles(page, segmenter)
    return [ArticleRecord(
        id=f"{page.stem}#p{page.page}-{n}", source=page.source, page=page.page, paper=mast.paper, date=mast.date,
        edition=mast.edition, section=mast.section, kicker=a.kicker, title=a.title, subtitle=a.subtitle,
        byline=a.byline, dateline=a.dateline, captions=list(a.captions), text=a.text,
        ocr_confidence=None if a.ocr_confidence is None else round(a.ocr_confidence, 4))
        for n, a in enumerate(arts, 1)]


def segment_inputs(inputs: list[str], on_error: Callable[[InputError], None],
                   segmenter: Segmenter = Segmenter.AUTO) -> Iterator[ArticleRecord]:
    """Yield article records for every page of every input; bad inputs go to `on_error`."""
    paths = list(expand_inputs(inputs))
    stems = unique_stems(paths)
    for path in paths:
        if kind_of(path) == "records":
            on_error(InputError(input_name(path), "article records (JSONL/CSV), not a page: "
                                "`xinwen classify`, `summarize` and `run` read them"))
            continue
        try:
            for page in read_pages(path, segmenter):
                page.stem = stems[path]
                yield from page_records(page, segmenter)
        except InputError as e:
            on_error(e)
        except OSError as e:
            on_error(InputError(input_name(path), str(e.strerror or e)))
        except Exception as e:  # one bad input never stops the batch
            on_error(InputError(input_name(path), f"could not be segmented ({type(e).__name__}: {e})"))
