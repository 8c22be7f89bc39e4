"""What the pretrainer reads: corpus streams cut into token windows, or a pretokenized shard.

A shard (`xinwen pretokenize`) holds the same windows as tensors, with jieba word starts
already computed, so a fast device spends its time on the model, not on jieba; it is a
folder of safetensors + tokenizer files + `shard.json`, never a pickle.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from xinwen.training.corpus import item_text, iter_items
from xinwen.training.masking import char_word_ids, token_word_ids

from xinwen.settings import stable_bucket

SHARD_FORMAT = "xinwen-pretokenized/1"


def split_items(paths, heldout_every: int, heldout: bool) -> Iterator[dict]:
    for item in iter_items(paths):
        if (stable_bucket(item["id"], heldout_every) == 0) == heldout:
            yield item


def item_windows(text: str, tokenizer, seq_len: int) -> list[tuple[list, list]]:
    """Token windows of `seq_len` (with [CLS]/[SEP]) plus per-token jieba word ids (-1: special),
    numbered from 0 in each window as a shard's are: `mask_batch` draws one number per id below
    twice the window length, so an item's running word count would index past it by the third window."""
    body = seq_len - 2
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    words = token_word_ids(enc["offset_mapping"], char_word_ids(text))
    ids = enc["input_ids"]
    out = []
    for s in range(0, len(ids), body):
        chunk = ids[s : s + body]
        if len(chunk) >= 16:
            w = words[s : s + body]
            first = next((x for x in w if x >= 0), 0)
            out.append(([tokenizer.cls_token_id, *chunk, tokenizer.sep_token_id],
                        [-1, *(x - first if x >= 0 else -1 for x in w), -1]))
    return out


def windows(items: Iterator[dict], tokenizer, seq_len: int, counter: dict) -> Iterator[tuple[list, list]]:
    for item in items:
        counter["items"] = counter.get("items", 0) + 1
        yield from item_windows(item_text(item), tokenizer, seq_len)


def shuffled(stream: Iterator, buffer: int, rng: random.Random) -> Iterator:
    buf: list = []
    for x in stream:
        buf.append(x)
        if len(buf) >= buffer:
            i = rng.randrange(len(buf))
            buf[i], buf[-1] = buf[-1], buf[i]
            yield buf.pop()
    rng.shuffle(buf)
    yield from buf


def collate(examples: list[tuple[list, list]], pad_id: int) -> dict[str, torch.Tensor]:
    n = max(len(e[0]) for e in examples)
    ids = torch.full((len(examples), n), pad_id, dtype=torch.long)
    words = torch.full((len(examples), n), -1, dtype=torch.long)
    for i, (t, w) in enumerate(examples):
        ids[i, : len(t)] = torch.tensor(t)
        words[i, : len(w)] = torch.tensor(w)
    return {"input_ids": ids, "word_ids": words, "attention_mask": ids.ne(pad_id).long()}


def word_starts(word_ids: list[int]) -> list[int]:
    """1 where a token begins a jieba word: the compact form a shard stores."""
    return [int(w >= 0 and (i == 0 or w != word_ids[i - 1])) for i, w in enumerate(word_ids)]


def words_from_starts(starts: torch.Tensor, special: torch.Tensor) -> torch.Tensor:
    return torch.where(special, torch.full_like(starts, -1, dtype=torch.long), starts.long().cumsum(1) - 1)


def is_shard(path: str | Path) -> bool:
    return (Path(path) / "shard.json").is_file()


class Shard:
    """A pretokenized corpus held as tensors, on the training device."""

    def __init__(self, path: str | Path, device: torch.device, pad_id: int):
        self.path = Path(path)
        self.meta = json.loads((self.path / "shard.json").read_text())
        if self.meta.get("format") != SHARD_FORMAT:
            raise ValueError(f"{self.path / 'shard.json'}: not a {SHARD_FORMAT} shard")
        t = load_file(str(self.path / "windows.safetensors"))
        self.device, self.pad_id = device, pad_id
        self.ids = t["input_ids"].to(device)
        self.starts = t["word_starts"].to(device)
        self.eval_ids, self.eval_starts = t["eval_input_ids"], t["eval_word_starts"]

    def __len__(self) -> int:
        return self.ids.size(0)

    def batch(self, ids: torch.Tensor, starts: torch.Tensor, special_ids: list[int]) -> dict[str, torch.Tensor]:
        ids = ids.long()
        special = torch.isin(ids, torch.tensor(special_ids, device=ids.device))
        return {"input_ids": ids, "word_ids": words_from_starts(starts, special),
                "attention_mask": ids.ne(self.pad_id).long(), "special": special}

    def train_batches(self, batch_size: int, seed: int, consumed: int, special_ids: list[int]) -> Iterator[dict]:
        """Epochs of a seeded permutation; `consumed` windows are skipped so resume is exact."""
        n = len(self)
        batch_size = min(batch_size, n)  # a tiny shard still trains
        epoch, pos = divmod(consumed, n)
        while True:
            perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed + epoch)).to(self.device)
            while pos + batch_size <= n:
                idx = perm[pos : pos + batch_size]
                pos += batch_size
                yield self.batch(self.ids[idx], self.starts[idx], special_ids)
            epoch, pos = epoch + 1, 0

    def token_lists(self, n_windows: int, special_ids: list[int]) -> list[np.ndarray]:
        rows = self.ids[:n_windows].cpu().numpy().astype(np.int64)
        keep = ~np.isin(rows, special_ids)
        return [r[k] for r, k in zip(rows, keep)]

    def token_counts(self, vocab: int, special_ids: list[int]) -> np.ndarray:
        ids = self.ids.flatten().long()
        ids = ids[~torch.isin(ids, torch.tensor(special_ids, device=ids.device))]
        return torch.bincount(ids, minlength=vocab).cpu().numpy()
