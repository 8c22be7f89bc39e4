"""The article record: the one shape an article travels in, from a page or a records file to OUT.

Segmentation, the theme model, the digester, both run engines and the briefing all hand
`ArticleRecord`s along; none of them builds or reads a dict of fields. What the record looks like
on disk (field names, order, which empty fields are written) is decided in one place,
`writers.record_fields`; `ArticleRecord.from_fields` reads that shape back (a records file a user
gives, an earlier run's OUT, a Ray actor's results), so `from_fields(record_fields(r)) == r`.

Fields a records file carries that xinwen does not know (`label`, `url`, a newsroom's own ids)
ride along in `extra`, in their order, and come out again untouched.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

# what a page's segmentation gives every article it finds, null where the page prints none: an
# article read from a page always has these, so a CSV of page articles has the same columns
# whichever article comes first
PAGE_FIELDS = ("paper", "date", "edition", "section", "kicker", "title", "subtitle", "byline", "dateline",
               "captions")


@dataclass
class ArticleRecord:
    """One article and what xinwen found out about it."""

    text: str
    id: str | int | None = None  # a records file's own ids are kept as given, numbers included
    input: str | None = None  # the input as `run` was given it (its ledger's name for it)
    source: str | None = None  # the file the page or record was read from
    page: int | str | None = None  # the page in its source; a records file may number pages its own way
    paper: str | None = None  # masthead fields: what the page prints
    date: str | None = None
    edition: str | None = None
    section: str | None = None
    kicker: str | None = None
    title: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    dateline: str | None = None
    captions: list[str] = field(default_factory=list)
    ocr_confidence: float | None = None  # mean OCR confidence of its lines; None: not read from an image
    theme: str | None = None  # the primary theme (`other` when none is over its threshold)
    themes: list[str] | None = None  # every theme over its threshold, best first
    scores: dict[str, float] | None = None  # the model's score for every theme
    digest: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ocr(self) -> bool:
        return self.ocr_confidence is not None

    @property
    def from_page(self) -> bool:
        """Segmented from a page (it has a page number), not passed through from a records file."""
        return self.page is not None

    @classmethod
    def from_fields(cls, d: Mapping[str, Any]) -> ArticleRecord:
        """A record from its fields as a file holds them: JSONL values as they are, CSV cells as
        the writer wrote them (lists and score maps as JSON, numbers as text). A value that is not
        what its field holds (a `captions` cell that is not a list) stays, under its name, in
        `extra`, so nothing a user gave is lost."""
        known = {f.name for f in fields(cls)} - {"extra"}
        kw: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for k, v in d.items():
            if k == "ocr" or str(k).startswith("_"):  # `ocr` follows from the confidence; `_line` is the reader's
                continue
            if k not in known:
                extra[k] = v
                continue
            ok, value = _typed(k, v)
            if ok:
                kw[k] = value
            else:
                extra[k] = v
        kw.setdefault("text", "")
        return cls(**kw, extra=extra)


def json_cell(v: Any) -> Any:
    """A CSV cell the writer filled with JSON (a list, a score map) as that value; any other as it is."""
    if isinstance(v, str) and v[:1] in "[{":
        try:
            return json.loads(v)
        except json.JSONDecodeError:
            return v
    return v


def _typed(name: str, v: Any) -> tuple[bool, Any]:
    """(whether `v` can be field `name`'s value, the value as that field holds it)."""
    if v is None or v == "":
        return True, [] if name == "captions" else None
    if name == "text":
        return True, str(v)
    if name == "id":
        return isinstance(v, (str, int)) and not isinstance(v, bool), v
    if name == "page":
        if isinstance(v, str) and v.strip().isdigit():
            return True, int(v)
        return isinstance(v, (int, str)) and not isinstance(v, bool), v
    if name == "ocr_confidence":
        try:
            return True, float(v)
        except (TypeError, ValueError):
            return False, v
    if name in ("captions", "themes"):
        v = json_cell(v)
        return isinstance(v, list) and all(isinstance(x, str) for x in v), v
    if name == "scores":
        v = json_cell(v)
        if not isinstance(v, dict):
            return False, v
        try:
            return True, {str(k): float(x) for k, x in v.items()}
        except (TypeError, ValueError):
            return False, v
    return isinstance(v, (str, int, float)) and not isinstance(v, bool), str(v) if not isinstance(v, str) else v
