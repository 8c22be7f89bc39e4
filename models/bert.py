"""The xinwen base model: a small BERT built from a YAML config, or any local BERT-style folder.

One loader serves our own pretrained base and third-party checkpoints (e.g. a local copy
of bert-base-chinese) so that fine-tuning and inference take the same code path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForMaskedLM, AutoTokenizer, BertConfig, BertForMaskedLM


def build_config(model_cfg: dict[str, Any], vocab_size: int, pad_token_id: int) -> BertConfig:
    return BertConfig(vocab_size=vocab_size, pad_token_id=pad_token_id, **model_cfg)


def new_masked_lm(model_cfg: dict[str, Any], vocab_size: int, pad_token_id: int) -> BertForMaskedLM:
    return BertForMaskedLM(build_config(model_cfg, vocab_size, pad_token_id))


def load_offline(auto_cls: Any, path: str | Path, new_head: bool = False, **kw: Any) -> torch.nn.Module:
    """`auto_cls.from_pretrained` as xinwen always calls it: local files only (there is no hub to
    reach), float32 whatever dtype the folder stores (the shipped base is fp16 on disk), and without
    transformers' tqdm bar and load report on stderr. In their place: a folder that lacks weights
    the model needs is an error, unless `new_head` says a fresh head is expected (fine-tuning a
    base: its classifier and pooler start untrained)."""
    from xinwen.models.quiet import no_library_bars

    p = Path(path)
    if p.is_dir() and not any((p / f).exists() for f in ("model.safetensors", "model.safetensors.index.json")):
        raise ValueError(f"{p}: no safetensors weights; xinwen never loads pickled weights (pytorch_model.bin, *.pt)")
    with no_library_bars():
        model, info = auto_cls.from_pretrained(str(path), local_files_only=True, dtype=torch.float32,
                                               use_safetensors=True, output_loading_info=True, **kw)
    missing = sorted(info.get("missing_keys") or [])
    if missing and not new_head:
        raise ValueError(f"{p}: the weights lack {len(missing)} tensor(s) the model needs ({', '.join(missing[:3])}…); "
                         "is this the folder of another kind of model?")
    return model


def save_hf_folder(model: torch.nn.Module, tokenizer: Any, out_dir: str | Path) -> None:
    """`save_pretrained` of a model and its tokenizer into one standard folder, without
    transformers' `Writing model shards` bar (the pair `load_offline` reads back)."""
    from xinwen.models.quiet import no_library_bars

    with no_library_bars():
        model.save_pretrained(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))


def load_masked_lm(path: str | Path) -> tuple[torch.nn.Module, Any]:
    """Load a masked LM and its tokenizer from a local folder, offline, as float32."""
    tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
    return load_offline(AutoModelForMaskedLM, path), tok


def masked_lm_logits(model: BertForMaskedLM, input_ids, attention_mask, labels) -> tuple[torch.Tensor, torch.Tensor]:
    """Run the encoder everywhere but the LM head only where a label exists.

    The vocabulary projection dominates a small model's step; computing it for the ~15%
    masked positions only makes pretraining measurably faster (benchmarks/pretrain.py).
    Returns (logits at masked positions, their target ids).
    """
    hidden = model.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    sel = labels.ne(-100)
    return model.cls(hidden[sel]), labels[sel]


def save_half(model: torch.nn.Module, tokenizer: Any, out_dir: str | Path) -> None:
    """Save an fp16 copy for shipping (half the bytes; loaders upcast to float32)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    half = model.to(torch.float16)
    try:
        save_hf_folder(half, tokenizer, out_dir)
    finally:
        model.to(torch.float32)
    # fp16 is only how the bytes are stored: the config must not tell loaders to compute in
    # fp16 (from_config / dtype="auto" would build a half-precision model, very slow on CPU)
    cfg = out_dir / "config.json"
    data = json.loads(cfg.read_text())
    data["dtype"] = "float32"
    cfg.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
