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
from pathlib import Path
from typing import IO

CSV_FIELDS = ["id", "input", "source", "page", "kicker", "title", "subtitle", "byline", "captions", "text",
              "theme", "themes", "scores", "digest"]


def publish(tmp: str | Path, path: str | Path) -> None:
    """Atomically move a finished temporary file into place, with the usual permissions
    (mkstemp makes files private; outputs are for people to read)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, path)


def temp_beside(path: Path) -> tuple[int, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)


def _csv_value(v):
    return json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else ("" if v is None else v)


def clean(rec: dict) -> dict:
    return {k: v for k, v in rec.items() if not k.startswith("_")}


class RecordWriter:
    """Context manager: `with RecordWriter(path) as w: w.write(rec)`."""

    def __init__(self, path: str | Path | None, append: bool = False):
        self.path = Path(path) if path else None
        self.append = append
        self.fmt = "csv" if self.path and self.path.suffix.lower() == ".csv" else "jsonl"
        self.fh: IO[str] | None = None
        self.tmp: str | None = None
        self.csv: csv.DictWriter | None = None
        self.count = 0

    def __enter__(self) -> RecordWriter:
        if self.path is None:
            self.fh = sys.stdout
        elif self.append:
            exists = self.path.exists() and self.path.stat().st_size > 0
            self.fh = open(self.path, "a", encoding="utf-8", newline="")
            self._fields_written = exists
        else:
            fd, self.tmp = temp_beside(self.path)
            self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
            self._fields_written = False
        return self

    def write(self, rec: dict) -> None:
        rec = clean(rec)
        assert self.fh is not None
        if self.fmt == "csv":
            if self.csv is None:
                fields = CSV_FIELDS + [k for k in rec if k not in CSV_FIELDS]
                self.csv = csv.DictWriter(self.fh, fieldnames=fields, extrasaction="ignore")
                if not getattr(self, "_fields_written", False):
                    self.csv.writeheader()
            self.csv.writerow({k: _csv_value(v) for k, v in rec.items()})
        else:
            self.fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self.count += 1
        if self.append:
            self.fh.flush()

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
