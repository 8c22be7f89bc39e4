"""Does a span read like a headline? A logistic model on hashed character n-grams.

The digest ranker's target, ROUGE-L against the real headline, rewards a span for sharing the
headline's words, not for reading like one: a subject-less predicate (`强调进一步加强…工作`) or a
bare noun phrase can share many. Headlines themselves are plentiful (every corpus item has
one), so this model learns their shape from them: real headlines, and the spans of their bodies
that word them (ROUGE-L ≥ 0.75: the statement as a body writes it), against candidate spans of
the same bodies that are not their headline, with the span's edges marked (`^据`, `说$`), so
openers and endings that never start or end a headline count. Its logit is one feature of the
ranker. Weights are a flat vector in safetensors; hashing needs no vocabulary file.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

FILE, META = "headline_style.safetensors", "headline_style.json"


def gram_ids(text: str, buckets: int, n_max: int = 3) -> np.ndarray:
    """Bucket ids of the character 1…n_max-grams of `^text$` (the edges are n-grams too)."""
    t = f"^{text}$"
    ids = [zlib.crc32(f"{n}{t[i : i + n]}".encode()) % buckets
           for n in range(1, n_max + 1) for i in range(len(t) - n + 1)]
    return np.asarray(ids, dtype=np.int64)


class HeadlineStyle:
    """`score(texts)`: the log-odds that each text is a headline rather than a body span."""

    def __init__(self, weights: np.ndarray, bias: float, buckets: int, n_max: int = 3):
        self.w, self.b, self.buckets, self.n_max = weights, float(bias), int(buckets), int(n_max)

    def score(self, texts: list[str]) -> np.ndarray:
        out = np.empty(len(texts), dtype=np.float32)
        for k, t in enumerate(texts):
            ids = gram_ids(t, self.buckets, self.n_max)
            out[k] = self.b + (self.w[ids].sum() / np.sqrt(max(len(ids), 1)))
        return out

    def save_pretrained(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        save_file({"weights": self.w.astype(np.float32), "bias": np.asarray([self.b], np.float32)}, str(folder / FILE))
        (folder / META).write_text(json.dumps({"buckets": self.buckets, "n_max": self.n_max}), encoding="utf-8")

    @classmethod
    def from_pretrained(cls, folder: str | Path) -> HeadlineStyle:
        folder = Path(folder)
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        t = load_file(str(folder / FILE))
        return cls(t["weights"], float(t["bias"][0]), meta["buckets"], meta.get("n_max", 3))

    @staticmethod
    def exists(folder: str | Path) -> bool:
        return (Path(folder) / FILE).is_file()


def design(texts: list[str], buckets: int, n_max: int = 3):
    """The sparse matrix `score` computes with (counts scaled by 1/sqrt(n-grams)), for fitting."""
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for k, t in enumerate(texts):
        ids = gram_ids(t, buckets, n_max)
        rows.append(np.full(len(ids), k))
        cols.append(ids)
        vals.append(np.full(len(ids), 1.0 / np.sqrt(max(len(ids), 1))))
    return csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(len(texts), buckets))
