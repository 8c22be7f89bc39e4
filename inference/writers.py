"""Record output: JSONL or CSV by extension, stdout when no path, written atomically.

A finished file appears only complete (written to a temporary sibling, then renamed), so
a crash never leaves a half-written output where a good one was expected.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from xinwen.inference.records import PAGE_FIELDS, ArticleRecord

# an article record's fields on disk, in this order (JSONL keys and CSV columns alike); a records
# file's own fields follow them
FIELDS = ("id", "input", "source", "page", "paper", "date", "edition", "section", "kicker", "title", "subtitle",
          "byline", "dateline", "captions", "text", "ocr", "ocr_confidence", "theme", "themes", "scores", "digest")


def record_fields(rec: ArticleRecord) -> dict[str, Any]:
    """The record as it is written: its fields in `FIELDS` order, then its `extra` ones. Written
    are the body, whatever has a value, and on an article read from a page the page's fields even
    when empty (null), so its CSV columns do not depend on which article comes first; an empty
    caption list is left off a passed-through record, an empty `themes` (nothing over threshold)
    is not. `ocr: true` marks an article read from an image."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        v = (True if rec.ocr else None) if name == "ocr" else getattr(rec, name)
        if name == "text" or (rec.from_page and name in PAGE_FIELDS) or (v is not None and not (name == "captions" and not v)):
            out[name] = v
    out.update(rec.extra)
    return out


def publish(tmp: str | Path, path: str | Path) -> None:
    """Atomically move a finished temporary file into place, with the usual permissions
    (mkstemp makes files private; outputs are for people to read)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, path)


def temp_beside(path: Path) -> tuple[int, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)


def write_text_atomic(path: str | Path, text: str) -> None:
    """A whole text file (a briefing, a task file) written beside its place and renamed into it."""
    path = Path(path)
    fd, tmp = temp_beside(path)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    publish(tmp, path)


def write_jsonl_atomic(path: str | Path, rows) -> None:
    """Records as JSON Lines, atomically: labelled sets, suggestions, self-training labels."""
    write_text_atomic(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def remove_stale_temps(path: Path) -> int:
    """Temporary siblings a crashed write left beside `path` (callers hold the output's lock)."""
    n = 0
    for p in path.parent.glob(f".{path.name}.*.tmp"):
        p.unlink(missing_ok=True)
        n += 1
    return n


def _csv_value(v):
    return json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else ("" if v is None else v)


def clean(rec: ArticleRecord | Mapping[str, Any]) -> dict[str, Any]:
    """What is written for `rec`: an article record's fields, or an entry's (a ledger line, an
    error) less keys starting with `_`, which are the reader's own."""
    if isinstance(rec, ArticleRecord):
        return record_fields(rec)
    return {k: v for k, v in rec.items() if not k.startswith("_")}


class RecordWriter:
    """Context manager: `with RecordWriter(path) as w: w.write(rec)`.

    Writes article records (through `record_fields`, the one place their shape on disk is
    decided) and plain entries (ledger lines, errors). CSV puts the first record's known columns
    in `FIELDS` order, then its other keys in their
    order (`classify` on articles gets no empty `digest` or `page` columns); a key that first
    turns up after rows are written widens the file (rewritten under the wider header), and
    appending to an existing CSV keeps its header, so no column is dropped or shifted.
    """

    def __init__(self, path: str | Path | None, append: bool = False):
        self.path = Path(path) if path else None
        self.append = append
        self.fmt = "csv" if self.path and self.path.suffix.lower() == ".csv" else "jsonl"
        self.fh: IO[str] | None = None
        self.tmp: str | None = None
        self.csv: csv.DictWriter | None = None
        self.fields: list[str] | None = None  # the CSV header, once there is one
        self.count = 0

    def __enter__(self) -> RecordWriter:
        if self.path is None:
            self.fh = sys.stdout
        elif self.append:
            fresh = not self.path.exists() or self.path.stat().st_size == 0
            if self.fmt == "csv" and not fresh:
                with open(self.path, encoding="utf-8-sig", newline="") as fh:
                    self.fields = next(csv.reader(fh), None)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fh = open(self.path, "a", encoding="utf-8", newline="")
            if self.fmt == "csv" and fresh:
                self.fh.write("\ufeff")  # Excel, what newsrooms open CSV with, needs the BOM to read UTF-8
        else:
            fd, self.tmp = temp_beside(self.path)
            self.fh = os.fdopen(fd, "w", encoding="utf-8-sig" if self.fmt == "csv" else "utf-8", newline="")
        return self

    def write(self, rec: ArticleRecord | Mapping[str, Any]) -> None:
        rec = clean(rec)
        assert self.fh is not None
        if self.fmt == "csv":
            self._write_csv(rec)
        else:
            self.fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self.count += 1
        if self.append:
            self.fh.flush()

    def flush(self) -> None:
        """Push what was written to disk (append mode: before the ledger records it)."""
        if self.fh is not None and self.fh is not sys.stdout:
            self.fh.flush()
            os.fsync(self.fh.fileno())

    def _write_csv(self, rec: dict) -> None:
        if self.fields is None:
            self.fields = [k for k in FIELDS if k in rec] + [k for k in rec if k not in FIELDS]
            csv.writer(self.fh).writerow(self.fields)
        elif extra := [k for k in rec if k not in self.fields]:
            self._widen(extra)
        if self.csv is None:
            self.csv = csv.DictWriter(self.fh, fieldnames=self.fields)
        self.csv.writerow({k: _csv_value(v) for k, v in rec.items()})

    def _widen(self, extra: list[str]) -> None:
        """Rewrite the rows so far under a header with `extra` columns added (streamed, atomic)."""
        assert self.fh is not None and self.fields is not None and self.path is not None
        self.fh.close()
        current = Path(self.tmp) if self.tmp else self.path
        fd, wider = temp_beside(self.path)
        with open(current, encoding="utf-8-sig", newline="") as src, \
                os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as dst:
            rows = csv.reader(src)
            next(rows, None)
            w = csv.writer(dst)
            w.writerow(self.fields + extra)
            w.writerows(row + [""] * len(extra) for row in rows)
        if self.tmp:
            os.replace(wider, self.tmp)
        else:
            publish(wider, self.path)
        self.fields = self.fields + extra
        self.fh = open(current, "a", encoding="utf-8", newline="")
        self.csv = None

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.fh is None or self.fh is sys.stdout:
            return
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        if self.tmp:
            if exc_type is None:
                publish(self.tmp, self.path)
            else:
                os.unlink(self.tmp)
