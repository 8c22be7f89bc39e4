"""Masked-character accuracy of a base by position in a 256-token window.

A base pretrained on 128-token windows never trained its position embeddings past 128, yet the
theme model reads 256 tokens: this shows how much of the window the base itself understands.
The same masked tokens for every base named, so their rows compare.

    python experiments/base_positions.py xinwen/assets/base [OTHER_BASE ...] [--data dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from xinwen.models.bert import load_masked_lm
from xinwen.training.masking import mask_batch

DEV = Path(__file__).resolve().parents[2] / "shared/data/themes/dev.jsonl"


def texts(path: Path, n: int, chars: int) -> list[str]:
    """Articles long enough to fill the window, cut to `chars`."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        t = json.loads(line)["text"]
        if len(t) > chars * 2 // 3:
            out.append(t[:chars])
        if len(out) == n:
            break
    return out


def accuracy_by_bucket(base: str, docs: list[str], length: int, bucket: int, seed: int = 0) -> list[float]:
    model, tok = load_masked_lm(base)
    model.eval()
    gen = torch.Generator().manual_seed(seed)
    hits, total = torch.zeros(length // bucket), torch.zeros(length // bucket)
    which = torch.arange(length) // bucket
    for i in range(0, len(docs), 8):
        enc = tok(docs[i : i + 8], truncation=True, max_length=length, padding="max_length", return_tensors="pt")
        ids, att = enc["input_ids"], enc["attention_mask"]
        special = torch.isin(ids, torch.tensor([tok.pad_token_id, tok.cls_token_id, tok.sep_token_id]))
        # pretraining's own held-out masking: single tokens, every chosen one shown as [MASK]
        inp, labels = mask_batch(ids, torch.full_like(ids, -1), special, tok.mask_token_id, len(tok), gen,
                                 whole_word=False, all_mask=True)
        masked = labels.ne(-100)
        with torch.no_grad():
            pred = model(input_ids=inp, attention_mask=att).logits.argmax(-1)
        ok = pred.eq(ids) & masked
        for k in range(len(hits)):
            hits[k] += ok[:, which == k].sum()
            total[k] += masked[:, which == k].sum()
    return (hits / total.clamp(min=1)).tolist()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("bases", nargs="+")
    ap.add_argument("--data", default=str(DEV))
    ap.add_argument("--n", type=int, default=96)
    ap.add_argument("--length", type=int, default=256)
    ap.add_argument("--bucket", type=int, default=64)
    a = ap.parse_args()
    docs = texts(Path(a.data), a.n, a.length * 2)
    print(f"{len(docs)} articles, 15% of tokens masked, accuracy by position (a {a.length}-token window)")
    print(f"{'base':40} " + " ".join(f"{k * a.bucket:>3}–{(k + 1) * a.bucket - 1:<3}" for k in range(a.length // a.bucket)))
    for base in a.bases:
        accs = accuracy_by_bucket(base, docs, a.length, a.bucket)
        print(f"{base:40} " + " ".join(f"{x:>7.1%}" for x in accs))


if __name__ == "__main__":
    main()
