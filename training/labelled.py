"""Labelled theme data: validated line by line, then loaded with `datasets`.

Training refuses to start on a bad file rather than silently dropping records: every
problem is reported as `file:line: problem`, all at once, so a user fixes them in one pass.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from datasets import Dataset, load_dataset
from xinwen.inference.encoding import InputError, decode_bytes
from xinwen.inference.sources import csv_rows, json_records, text_problem

from xinwen.settings import Labels, load_labels
from xinwen.ui import no_library_bars, warn


class DataError(ValueError):
    """One or more bad records; the message lists each as `file:line: problem`."""


def _rows(path: Path) -> list[tuple[int, dict | None, str | None]]:
    text = decode_bytes(path.read_bytes(), str(path))
    if path.suffix.lower() == ".csv":
        try:
            return [(n, dict(r), None) for n, r in csv_rows(text, str(path))]
        except InputError as e:
            raise DataError(f"{e}; nothing was trained") from None
    return list(json_records(text))


def _labels_of(rec: dict) -> list[str]:
    raw = rec.get("labels")
    if isinstance(raw, str):  # CSV: JSON list or `a;b`
        raw = raw.strip()
        raw = json.loads(raw) if raw.startswith("[") else [x for x in raw.replace(",", ";").split(";") if x.strip()]
    return [str(x).strip() for x in (raw or [])]


def validate(path: str | Path, labels: Labels | None = None, warn: Callable[[str], None] = warn) -> list[dict]:
    """Return clean records `{id, title, text, primary, labels}` or raise DataError listing every problem."""
    labels = labels or load_labels()
    path = Path(path)
    allowed = set(labels.primary_classes)
    problems: list[str] = []
    records: list[dict] = []
    ids: Counter[str] = Counter()
    for n, rec, err in _rows(path):
        where = f"{path}:{n}"
        if err:
            problems.append(f"{where}: {err}")
            continue
        assert rec is not None
        if problem := text_problem(rec):
            problems.append(f"{where}: {problem}")
            continue
        text = rec["text"].strip()
        try:
            multi = _labels_of(rec)
        except json.JSONDecodeError:
            problems.append(f"{where}: labels is not a JSON list")
            continue
        primary = str(rec.get("primary") or "").strip() or (multi[0] if multi else "")
        if not primary:
            problems.append(f"{where}: no label (give `primary` and/or `labels`)")
            continue
        bad = [x for x in [primary, *multi] if x not in allowed]
        if bad:
            problems.append(f"{where}: unknown label {bad[0]!r}; allowed: {', '.join(labels.primary_classes)}")
            continue
        themes = [x for x in dict.fromkeys([primary, *multi]) if x != labels.other]
        rid = str(rec.get("id") or f"{path.stem}:{n}")
        ids[rid] += 1
        records.append({"id": rid, "title": str(rec.get("title") or ""), "text": text,
                        "primary": primary, "labels": themes})
    if problems:
        shown = "\n".join(problems[:50]) + (f"\n… and {len(problems) - 50} more" if len(problems) > 50 else "")
        raise DataError(f"{len(problems)} bad record(s); nothing was trained:\n{shown}")
    for rid, c in ids.items():
        if c > 1:
            warn(f"{path}: id {rid!r} appears {c} times")
    return records


def load_labelled(path: str | Path, labels: Labels | None = None, warn: Callable[[str], None] = warn) -> Dataset:
    """Validate, then load through the standard `datasets` JSON/CSV loader."""
    records = validate(path, labels, warn)
    kind = "csv" if str(path).lower().endswith(".csv") else "json"
    with no_library_bars():
        ds = load_dataset(kind, data_files=str(path), split="train")
    keep = {"id", "title", "text", "primary", "labels"}
    ds = ds.remove_columns([c for c in ds.column_names if c not in keep])
    if len(ds) != len(records):
        raise DataError(f"{path}: the datasets loader read {len(ds)} rows but {len(records)} records validated")
    # normalised fields (label lists, `other` dropped, fallbacks) come from validation, row for row
    return Dataset.from_list(records)
