"""Seam scores from a masked character LM: how well the end of one text block reads into the
start of another. Used to put scrambled column blocks of a page dump back in order."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from xinwen.models.bert import load_masked_lm, masked_lm_logits

POSITIONS = (-2, -1, 0, 1)  # around the seam: the last two characters of the tail, the first two of the head


class SeamModel:
    """Pseudo-log-likelihood of the characters at a seam, each masked in turn."""

    def __init__(self, model: torch.nn.Module, tokenizer, batch_size: int = 256):
        self.model, self.tok, self.batch_size = model.eval(), tokenizer, batch_size

    @classmethod
    def from_pretrained(cls, path: str | Path) -> SeamModel:
        model, tok = load_masked_lm(path)
        return cls(model, tok)

    def _ids(self, text: str) -> list[int]:
        return self.tok.convert_tokens_to_ids(list(text))

    @torch.inference_mode()
    def __call__(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        seqs: list[list[int]] = []
        where: list[tuple[int, int, int]] = []
        cls_id, sep_id, mask_id = self.tok.cls_token_id, self.tok.sep_token_id, self.tok.mask_token_id
        for n, (left, right) in enumerate(pairs):
            left_ids, right_ids = self._ids(left), self._ids(right)
            seq = [cls_id, *left_ids, *right_ids, sep_id]
            for p in POSITIONS:
                q = 1 + len(left_ids) + p
                if 1 <= q < len(seq) - 1:
                    masked = list(seq)
                    masked[q] = mask_id
                    seqs.append(masked)
                    where.append((n, q, seq[q]))
        out = np.zeros(len(pairs))
        for b in range(0, len(seqs), self.batch_size):
            chunk = seqs[b : b + self.batch_size]
            width = max(map(len, chunk))
            ids = torch.full((len(chunk), width), self.tok.pad_token_id)
            att = torch.zeros_like(ids)
            labels = torch.full_like(ids, -100)
            for k, s in enumerate(chunk):
                ids[k, : len(s)] = torch.tensor(s)
                att[k, : len(s)] = 1
                _, q, t = where[b + k]
                labels[k, q] = t
            # the vocabulary projection at the one masked position of each sequence only: the
            # full-width head spent ~90% of a scrambled page's time (and ~1.5 GB) on positions
            # whose predictions nobody reads. One label per row, so rows come back in order
            logits, targets = masked_lm_logits(self.model, ids, att, labels)
            logp = logits.log_softmax(-1).gather(1, targets[:, None])[:, 0]
            for k, v in enumerate(logp.tolist()):
                out[where[b + k][0]] += v
        return out


@lru_cache(maxsize=1)
def bundled_seam_scorer() -> SeamModel | None:
    """The shipped base as seam scorer; None when the package was installed without it."""
    from xinwen.settings import BUNDLED

    path = BUNDLED["base_model"]
    return SeamModel.from_pretrained(path) if (path / "model.safetensors").exists() else None
