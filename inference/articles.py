"""Articles from any input: pages (text/PDF) are segmented, JSONL/CSV records pass through.

Shared by classify, summarize and run, so every command accepts the same inputs and
reports bad ones the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from xinwen.inference.encoding import InputError
from xinwen.inference.records import ArticleRecord
from xinwen.inference.segmentation.credits import clean_credits
from xinwen.inference.segmentation.layout import Segmenter
from xinwen.inference.segmenter import page_records
from xinwen.inference.sources import (
    Page,
    input_name,
    input_stem,
    kind_of,
    read_pages,
    read_records,
)


def articles_from(path: str, on_error: Callable[[InputError], None],
                  segmenter: Segmenter = Segmenter.AUTO, stem: str | None = None,
                  on_page: Callable[[Page], None] | None = None) -> Iterator[ArticleRecord]:
    """Every article of one input; `stem` starts its ids (`unique_stems` makes them unique in a batch).
    `on_page` hears of each page once it is read (for a scan, once OCR is done): progress."""
    try:
        if kind_of(path) == "records":
            errs: list[InputError] = []
            stem = stem or input_stem(path)
            for rec in read_records(path, errs):
                while errs:
                    on_error(errs.pop(0))
                r = ArticleRecord.from_fields(rec)
                if r.id is None:
                    r.id = f"{stem}:{rec['_line']}"
                r.source = r.source or path
                yield clean_record(r)
            for e in errs:
                on_error(e)
        else:
            for page in read_pages(path, segmenter):
                page.stem = stem or page.stem
                if on_page is not None:
                    on_page(page)
                yield from page_records(page, segmenter)
    except InputError as e:
        on_error(e)
    except OSError as e:
        on_error(InputError(input_name(path), str(e.strerror or e)))
    except Exception as e:  # one bad input never stops the batch
        on_error(InputError(input_name(path), f"could not be read ({type(e).__name__}: {e})"))


def clean_record(rec: ArticleRecord) -> ArticleRecord:
    """A record's body loses the dateline and credits printed at its edges, as a page's does
    (`本报讯（记者…）`, `【…】`, `新华社…电`, a closing `（王普）` or author's note): the same
    `clean_credits` every reader's articles go through, so they go to `dateline` and `byline`
    unless the record has them already (an author's note joins a byline it has)."""
    return clean_credits(rec)
