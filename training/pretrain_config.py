"""The pretraining config (`configs/pretrain.yaml` and its GPU variants), read and checked in one
place for `xinwen pretrain` and `xinwen pretokenize`."""

from __future__ import annotations

from pathlib import Path

from xinwen.settings import load_checked_config

PRETRAIN_SCHEMA = {
    "seed": int,
    "tokenizer": {"vocab_size": int, "train_items": int, "min_frequency": int},
    "model": dict,  # a BertConfig's fields, passed to it as they are
    "embedding_init": {"method": ("ppmi", "none"), "items": int, "window": int},
    "training": {"seq_len": int, "batch_size": int, "grad_accum": int, "lr": (int, float), "weight_decay": (int, float),
                 "warmup_steps": int, "max_steps": int, "decay_by_time": bool, "mask_prob": (int, float),
                 "whole_word": bool, "char_mask_share": (int, float), "masked_only_head": bool, "heldout_every": int,
                 "eval_every": int, "eval_sequences": int, "checkpoint_minutes": (int, float), "log_every": int,
                 "num_threads": int, "init_from": str},
}


def load_pretrain_config(config: str | Path | None = None, overrides: dict | None = None) -> dict:
    """`configs/pretrain.yaml` (or `config`) with `overrides` merged in, checked against the
    schema: an unknown key or a wrong type is refused, naming the file and the key."""
    return load_checked_config(config, "pretrain", PRETRAIN_SCHEMA, overrides)
