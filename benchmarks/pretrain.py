"""Pretraining speed: tokens/s of the default config with the full LM head vs the masked-only head.

Both variants train the same model on the same batches in one run, so the ratio is fair.

    python benchmarks/pretrain.py [--steps 20] [--corpus ../shared/data/corpus/news.jsonl.gz | SHARD_DIR]
                                  [--config configs/pretrain_gpu.yaml]
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import torch
from xinwen.training.pretrain import Pretrainer

from xinwen.settings import load_config


def _sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared/data/corpus/news.jsonl.gz"))
    ap.add_argument("--base", default="runs/base", help="folder with a trained tokenizer (reused, not retrained)")
    ap.add_argument("--config", default=None, help="pretraining YAML (default: configs/pretrain.yaml)")
    a = ap.parse_args()
    cfg = load_config(a.config, "pretrain")
    cfg["embedding_init"]["method"] = "none"
    cfg["training"]["eval_sequences"] = 32
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp())
    for f in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(Path(a.base) / f, tmp / f)
    p = Pretrainer([a.corpus], tmp, cfg, resume=True)  # resume=True reuses the tokenizer
    batches = list(itertools.islice(p.batches(), a.steps + 2))
    state = {k: v.clone() for k, v in p.model.state_dict().items()}
    results = {}
    for name, masked_only in (("full LM head", False), ("masked-only head", True)):
        p.model.load_state_dict(state)
        p.tcfg["masked_only_head"] = masked_only
        for b in batches[:2]:  # warm-up
            p.train_step(b)
            p.opt.zero_grad()
        tokens = sum(int(b["attention_mask"].sum()) for b in batches[2:])
        _sync()
        t0 = time.perf_counter()
        for b in batches[2:]:
            p.train_step(b)
            p.opt.step()
            p.opt.zero_grad()
        _sync()  # device work is asynchronous: time it only once it is done
        results[name] = tokens / (time.perf_counter() - t0)
    base = results["full LM head"]
    where = torch.cuda.get_device_name() if torch.cuda.is_available() else f"CPU, {torch.get_num_threads()} threads"
    print(f"torch {torch.__version__}, {where}, {a.steps} steps of "
          f"{cfg['training']['batch_size']}×{cfg['training']['seq_len']}")
    for k, v in results.items():
        print(f"{k:18} {v:8,.0f} tokens/s   ×{v / base:.2f}")


if __name__ == "__main__":
    main()
