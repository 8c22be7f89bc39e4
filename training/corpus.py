"""Streaming readers for the unlabelled news corpus (JSONL(.gz), CSV, plain text).

The corpus is ~60M characters: it is read as a `datasets` stream and never held in RAM.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from xinwen.models.textclean import (
    normalise_text as normalise,  # the one whitespace rule, for corpus items too
)


def _loader_for(path: Path) -> tuple[str, dict]:
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".json", ".json.gz")):
        return "json", {}
    if name.endswith((".csv", ".csv.gz")):
        return "csv", {}
    return "text", {}


def iter_items(paths: list[str | Path]) -> Iterator[dict]:
    """Yield `{"id", "title", "text"}` dicts from each corpus file in order, streaming."""
    from datasets import load_dataset  # lazily: a pretokenized shard needs no `datasets`

    for p in map(Path, paths):
        kind, kw = _loader_for(p)
        ds = load_dataset(kind, data_files=str(p), split="train", streaming=True, **kw)
        for i, row in enumerate(ds):
            text = row.get("text") or ""
            if not text.strip():
                continue
            yield {
                "id": str(row.get("id") or f"{p.name}:{i}"),
                "title": (row.get("title") or "") if kind != "text" else "",
                "text": text,
            }


def item_text(item: dict) -> str:
    title = normalise(item.get("title") or "")
    body = normalise(item["text"])
    return f"{title}\n{body}" if title else body
