"""Labelled theme data: validated line by line into a `LabelledSet`.

Training refuses to start on a bad file rather than silently dropping records: every
problem is reported as `file:line: problem`, all at once, so a user fixes them in one pass.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xinwen.inference.encoding import InputError, decode_bytes
from xinwen.inference.sources import _decode_lines, csv_rows, json_records, text_problem

from xinwen.settings import Labels, load_labels
from xinwen.ui import warn


class DataError(ValueError):
    """One or more bad records; the message lists each as `file:line: problem`."""


def _rows(path: Path) -> list[tuple[int, dict | None, str | None]]:
    data = path.read_bytes()
    bad_lines: list[InputError] = []
    try:
        text = decode_bytes(data, str(path))
    except InputError:
        if path.suffix.lower() == ".csv" or not data.strip():
            raise DataError(f"{path}: not readable as text; nothing was trained") from None
        text = _decode_lines(data, str(path), bad_lines)  # name the lines that are not UTF-8
    if bad_lines:
        return [(e.line, None, e.reason) for e in bad_lines] + \
            [r for r in json_records(text) if r[1] is not None or r[2]]
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
    if raw is not None and not isinstance(raw, list):
        raise TypeError(f"labels is {type(raw).__name__}, not a list of theme names")
    if any(not isinstance(x, str) for x in raw or []):
        raise TypeError("labels must be theme names (strings)")
    return [x.strip() for x in (raw or [])]


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
        except TypeError as e:
            problems.append(f"{where}: {e}")
            continue
        if rec.get("primary") is not None and not isinstance(rec.get("primary"), str):
            problems.append(f"{where}: primary is {type(rec['primary']).__name__}, not a theme name")
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
    for rid, c in ids.items():  # said whether or not the file has problems too
        if c > 1:
            warn(f"{path}: id {rid!r} appears {c} times")
    if problems:
        raise DataError(_listing(problems))
    return records


def _listing(problems: list[str]) -> str:
    shown = "\n".join(problems[:50]) + (f"\n… and {len(problems) - 50} more" if len(problems) > 50 else "")
    return f"{len(problems)} bad record(s); nothing was trained:\n{shown}"


def validate_all(paths: list[str | Path], labels: Labels | None = None, warn: Callable[[str], None] = warn) -> None:
    """Check every file before anything loads, so a second `--train` file's problems are listed
    with the first's; warn when the same article is in two of them (train and dev overlap)."""
    from xinwen.training.seen import fingerprint

    problems: list[str] = []
    where: dict[str, str] = {}
    for p in paths:
        try:
            recs = validate(p, labels, warn)
        except DataError as e:
            problems.extend(line for line in str(e).split("\n")[1:] if not line.startswith("… and"))
            continue
        for r in recs:
            f = fingerprint(r["text"])
            if f in where and where[f] != str(p):
                warn(f"{p}: record {r['id']!r} is also in {where[f]} (the same article in two files: "
                     "a dev score over it is not held out)")
            where.setdefault(f, str(p))
    if problems:
        raise DataError(_listing(problems))


@dataclass(frozen=True)
class LabelledSet:
    """Validated labelled records, read by column (`ds["text"]`) as training reads them.

    Each record was checked line by line by `validate`, which a generic loader cannot do (it
    names no lines and would drop or coerce bad rows), so the records are the dataset."""

    records: tuple[dict, ...]

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, column: str) -> list:
        return [r[column] for r in self.records]

    def select(self, indices) -> LabelledSet:
        return LabelledSet(tuple(self.records[int(i)] for i in indices))

    @classmethod
    def concat(cls, sets: list[LabelledSet]) -> LabelledSet:
        return cls(tuple(r for s in sets for r in s.records))


def load_labelled(path: str | Path, labels: Labels | None = None, warn: Callable[[str], None] = warn) -> LabelledSet:
    """`{id, title, text, primary, labels}` records of one file, validated (`DataError` lists every problem)."""
    return LabelledSet(tuple(validate(path, labels, warn)))
