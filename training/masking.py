"""Whole-word masking with jieba word boundaries (as in Chinese-BERT-wwm), applied dynamically.

The tokenizer splits Chinese into characters, so a plain 15% mask mostly asks the model to
fill one character of a known word from its neighbour. Masking every character of a jieba
word together forces it to use context instead.
"""

from __future__ import annotations

import torch


def char_word_ids(text: str) -> list[int]:
    """For each character of `text`, the index of the jieba word it belongs to."""
    from xinwen.models.quiet import quiet_jieba  # lazily: a pretokenized shard needs no jieba

    jieba = quiet_jieba()
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
    generator: torch.Generator | None = None,
    mask_prob: float = 0.15,
    whole_word: bool | torch.Tensor = True,
    all_mask: bool = False,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (masked input ids, labels with -100 where nothing is predicted).

    Each word is chosen with probability `mask_prob` (so ~mask_prob of the real tokens are
    masked in expectation) and replaced as a unit by [MASK] (80%), random tokens (10%) or
    kept (10%). `all_mask` replaces every chosen token by [MASK], which is how held-out
    accuracy is measured. `whole_word` may be a per-row bool tensor, to mix both kinds in a
    batch: a model that only ever saw whole words masked cannot fill one masked character
    inside a visible word (measured: char-mask accuracy stalled at 21% while whole-word rose
    to 33%). Vectorised, on whatever device the batch lives: a per-row Python
    loop would cost more than a GPU step of the model. Pass a `generator` on that device.
    """
    B, L = input_ids.shape
    dev = input_ids.device
    pos = torch.arange(L, device=dev).expand(B, L)
    # one random draw per unit: a word (whole-word masking) or a single token
    rows = torch.as_tensor(whole_word, device=dev).bool().reshape(-1, 1)
    key = torch.where(rows & word_ids.ge(0), word_ids, torch.where(rows, pos + L, pos))
    draw = torch.rand((B, 2 * L), generator=generator, device=dev)
    kind = torch.rand((B, 2 * L), generator=generator, device=dev)
    pick = draw.gather(1, key).lt(mask_prob) & ~special
    # every row with real tokens predicts at least one, so a batch never has an empty loss
    real = ~special
    empty = pick.sum(1).eq(0) & real.any(1)
    if bool(empty.any()):
        first = real.float().argmax(1)
        pick[empty, first[empty]] = True
        w = word_ids[empty, first[empty]].unsqueeze(1)  # extend the forced pick to the rest of its word
        pick[empty] |= word_ids[empty].eq(w) & w.ge(0) & real[empty] & rows.expand(B, 1)[empty]
    labels = torch.where(pick, input_ids, torch.full_like(input_ids, -100))
    r = kind.gather(1, key)
    if all_mask:
        to_mask, to_rand = pick, torch.zeros_like(pick)
    else:
        to_mask, to_rand = pick & r.lt(0.8), pick & r.ge(0.8) & r.lt(0.9)
    ids = torch.where(to_mask, torch.full_like(input_ids, mask_id), input_ids)
    rand = torch.randint(vocab_size, (B, L), generator=generator, device=dev, dtype=input_ids.dtype)
    return torch.where(to_rand, rand, ids), labels
