"""Articles from any input: pages (text/PDF) are segmented, JSONL/CSV records pass through.

Shared by classify, summarize and run, so every command accepts the same inputs and
reports bad ones the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice

from xinwen.inference.encoding import InputError
from xinwen.inference.segmenter import page_records
from xinwen.inference.sources import expand_inputs, input_stem, kind_of, read_pages, read_records


def articles_from(path: str, on_error: Callable[[str], None]) -> Iterator[dict]:
    try:
        if kind_of(path) == "records":
            errs: list[str] = []
            stem = input_stem(path)
            for rec in read_records(path, errs):
                while errs:
                    on_error(errs.pop(0))
                rec.setdefault("id", f"{stem}:{rec['_line']}")
                rec.setdefault("source", path)
                yield rec
            for e in errs:
                on_error(e)
        else:
            for page in read_pages(path):
                yield from page_records(page)
    except InputError as e:
        on_error(str(e))
    except OSError as e:
        on_error(f"{path}: {e.strerror or e}")


def iter_articles(inputs: list[str], on_error: Callable[[str], None]) -> Iterator[dict]:
    for path in expand_inputs(inputs):
        yield from articles_from(path, on_error)


def chunks(it: Iterator[dict], size: int) -> Iterator[list[dict]]:
    """Fixed-size chunks: memory stays flat however many inputs there are."""
    while chunk := list(islice(it, size)):
        yield chunk
