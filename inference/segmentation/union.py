"""Connected groups of items joined in pairs (union-find), for the readers that build blocks
from "these two belong together" decisions: headline lines, OCR lines into text boxes."""

from __future__ import annotations

from collections.abc import Iterable


def connected(ids: Iterable[int], joined: Iterable[tuple[int, int]]) -> list[list[int]]:
    """The groups `joined` makes of `ids`, each listed in the order of `ids`, groups in the order
    of their first member."""
    ids = list(ids)
    parent = {i: i for i in ids}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in joined:
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in ids:
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())
