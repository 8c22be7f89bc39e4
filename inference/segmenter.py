"""The library face of `xinwen segment`: inputs in, article records out, errors reported."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from xinwen.inference.encoding import InputError
from xinwen.inference.segmentation import Segmenter, segment_page
from xinwen.inference.segmentation.masthead import notice_column, read_masthead, staff_line
from xinwen.inference.sources import Page, expand_inputs, input_name, kind_of, read_pages, unique_stems


def page_records(page: Page, segmenter: Segmenter = Segmenter.RULES) -> list[dict]:
    # OCR lines come with boxes, not a reading order: only the learned reader reads them
    seg = Segmenter.LEARNED if page.layout.ocr else segmenter
    arts = page.articles if page.articles is not None else segment_page(page.layout, seg)
    mast = read_masthead(page.layout)  # the paper, date, edition and section the page prints
    furniture = {x for x in (mast.edition, mast.section, mast.paper) if x}
    kept = []
    for a in arts:
        if a.title in furniture:  # a page label read as a headline: the line under it is the headline
            a.title, a.subtitle = a.subtitle, None
        if not (staff_line(a.text) or notice_column(a.text)):  # editors' credits and notices are not articles
            kept.append(a)
    return [a.record(id=f"{page.stem}#p{page.page}-{n}", source=page.source, page=page.page, **mast.fields())
            for n, a in enumerate(kept, 1)]


def segment_inputs(inputs: list[str], on_error: Callable[[InputError], None],
                   segmenter: Segmenter = Segmenter.RULES) -> Iterator[dict]:
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
