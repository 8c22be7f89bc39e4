"""`xinwen pretokenize`: tokenise and jieba-segment a corpus once, into a shard the pretrainer reads.

jieba runs at ~100k characters/s per core, far slower than a GPU trains this model, and
the same windows are re-read every epoch. A shard moves that work off the training run
(and off the training machine: the shard travels, the corpus and jieba need not).
"""

from __future__ import annotations

import json
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from transformers import AutoTokenizer
from xinwen.training.corpus import item_text
from xinwen.training.pretrain_config import load_pretrain_config
from xinwen.training.pretrain_data import SHARD_FORMAT, item_windows, split_items, word_starts

from xinwen.settings import file_sha256, stable_bucket
from xinwen.ui import log_line

_TOK = None


def _init(tokenizer_dir: str) -> None:
    global _TOK
    _TOK = AutoTokenizer.from_pretrained(tokenizer_dir, local_files_only=True)


def _encode(job: tuple[str, int]) -> list[tuple[list[int], list[int]]]:
    text, seq_len = job
    return [(ids, word_starts(w)) for ids, w in item_windows(text, _TOK, seq_len)]


def _pack(rows: list[tuple[list[int], list[int]]], seq_len: int, pad_id: int, dtype) -> tuple[np.ndarray, np.ndarray]:
    ids = np.full((len(rows), seq_len), pad_id, dtype=dtype)
    starts = np.zeros((len(rows), seq_len), dtype=np.uint8)
    for i, (t, s) in enumerate(rows):
        ids[i, : len(t)] = t
        starts[i, : len(s)] = s
    return ids, starts


def pretokenize(corpus: list[str | Path], out_dir: str | Path, tokenizer: str | Path, config: str | Path | None = None,
                fraction: float = 1.0, eval_windows: int = 2048, workers: int = 2) -> dict:
    """Write `out_dir` (windows.safetensors, tokenizer files, shard.json); return shard.json's dict.

    Held-out items are chosen exactly as the streaming pretrainer chooses them (by id hash),
    so accuracies from a shard and from the raw corpus measure the same thing. `fraction`
    keeps a hash-chosen share of the training items, to fit a shard into a size limit.
    """
    cfg = load_pretrain_config(config)
    tc = cfg["training"]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tok = AutoTokenizer.from_pretrained(str(tokenizer), local_files_only=True)
    tok.save_pretrained(str(out))
    L, every = tc["seq_len"], tc["heldout_every"]
    dtype = np.int16 if len(tok) < 2**15 else np.int32
    keep = int(round(fraction * 1000))
    parts: dict[str, list] = {"train": [], "eval": []}
    counts = {"train": 0, "eval": 0}
    with get_context("spawn").Pool(max(1, workers), initializer=_init, initargs=(str(out),)) as pool:
        for split, heldout in (("eval", True), ("train", False)):
            items = (it for it in split_items(corpus, every, heldout)
                     if heldout or stable_bucket(f"{it['id']}#keep", 1000) < keep)

            def jobs(items=items, split=split):
                for it in items:
                    counts[split] += 1
                    yield item_text(it), L

            for rows in pool.imap(_encode, jobs(), chunksize=32):
                parts[split].extend(rows)
                if split == "eval" and len(parts["eval"]) >= eval_windows:
                    break
                if split == "train" and counts["train"] % 5000 == 0:
                    log_line(f"pretokenize: {counts['train']:,} items, {len(parts['train']):,} windows")
    ids, starts = _pack(parts["train"], L, tok.pad_token_id, dtype)
    eids, estarts = _pack(parts["eval"][:eval_windows], L, tok.pad_token_id, dtype)
    save_file({"input_ids": ids, "word_starts": starts, "eval_input_ids": eids, "eval_word_starts": estarts},
              str(out / "windows.safetensors"))
    meta = {
        "format": SHARD_FORMAT, "seq_len": L, "heldout_every": every, "fraction": fraction,
        "items": counts["train"], "windows": int(ids.shape[0]), "tokens": int((ids != tok.pad_token_id).sum()),
        "eval_windows": int(eids.shape[0]), "sources": [{"path": str(c), "sha256": file_sha256(c)} for c in corpus],
    }
    (out / "shard.json").write_text(json.dumps(meta, indent=1))
    return meta
