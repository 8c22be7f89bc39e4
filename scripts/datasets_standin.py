"""A stand-in for the few `datasets` calls xinwen's training makes, for a lent GPU box whose
pyarrow is too old for the real package and which has no package index to fetch one.

Only `scripts/gpu_theme_round.sh` installs it, and only when `import datasets` fails there:
`load_labelled` validates every record itself and builds its dataset from that list, so the
rows a model trains on are the same either way. Never installed with xinwen.
"""

from __future__ import annotations

import csv
import json


class Dataset:
    def __init__(self, rows: list[dict]):
        self._rows = rows
        self.column_names = list(rows[0]) if rows else []

    @classmethod
    def from_list(cls, rows: list[dict]) -> Dataset:
        return cls([dict(r) for r in rows])

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, key):
        if isinstance(key, str):
            return [r.get(key) for r in self._rows]
        return self._rows[key]

    def __iter__(self):
        return iter(self._rows)

    def select(self, indices) -> Dataset:
        return Dataset([self._rows[int(i)] for i in indices])

    def remove_columns(self, names) -> Dataset:
        drop = set(names)
        return Dataset([{k: v for k, v in r.items() if k not in drop} for r in self._rows])


def load_dataset(kind: str, data_files: str, split: str = "train") -> Dataset:
    with open(data_files, encoding="utf-8") as f:
        if kind == "csv":
            return Dataset(list(csv.DictReader(f)))
        return Dataset([json.loads(line) for line in f if line.strip()])


def concatenate_datasets(parts: list[Dataset]) -> Dataset:
    return Dataset([r for p in parts for r in p._rows])
