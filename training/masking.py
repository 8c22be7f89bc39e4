"""Whole-word masking with jieba word boundaries (as in Chinese-BERT-wwm), applied dynamically.

The tokenizer splits Chinese into characters, so a plain 15% mask mostly asks the model to
fill one character of a known word from its neighbour. Masking every character of a jieba
word together forces it to use context instead.
"""

from __future__ import annotations

import logging
import random

import jieba
import torch

jieba.setLogLevel(logging.WARNING)


def char_word_ids(text: str) -> list[int]:
    """For each character of `text`, the index of the jieba word it belongs to."""
    ids: list[int] = []
    for w, word in enumerate(jieba.cut(text, HMM=False)):
        ids.extend([w] * len(word))
    return ids


def token_word_ids(offsets: list[tuple[int, int]], char_words: list[int]) -> list[int]:
    """Word index for each token (by its first character); tokens of one word share it."""
    out = []
    for s, e in offsets:
        out.append(char_words[s] if e > s and s < len(char_words) else -1)
    return out


def mask_batch(
    input_ids: torch.Tensor,
    word_ids: torch.Tensor,
    special: torch.Tensor,
    mask_id: int,
    vocab_size: int,
    rng: random.Random,
    mask_prob: float = 0.15,
    whole_word: bool = True,
    all_mask: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (masked input ids, labels with -100 where nothing is predicted).

    Words are drawn until ~mask_prob of the real tokens are covered; each chosen word is
    replaced by [MASK] (80%), a random token (10%) or kept (10%) as a unit. `all_mask`
    replaces every chosen token by [MASK], which is how held-out accuracy is measured.
    """
    ids = input_ids.clone()
    labels = torch.full_like(ids, -100)
    for b in range(ids.size(0)):
        real = [i for i in range(ids.size(1)) if not special[b, i]]
        if not real:
            continue
        groups: dict[int, list[int]] = {}
        for i in real:
            key = int(word_ids[b, i]) if whole_word and int(word_ids[b, i]) >= 0 else -(i + 2)
            groups.setdefault(key, []).append(i)
        units = list(groups.values())
        rng.shuffle(units)
        budget = max(1, round(len(real) * mask_prob))
        chosen = 0
        for unit in units:
            if chosen >= budget:
                break
            if chosen + len(unit) > budget + 1 and chosen > 0:
                continue
            chosen += len(unit)
            r = rng.random()
            for i in unit:
                labels[b, i] = ids[b, i]
                if all_mask or r < 0.8:
                    ids[b, i] = mask_id
                elif r < 0.9:
                    ids[b, i] = rng.randrange(vocab_size)
    return ids, labels
