"""Ship trained models as package data (spaCy's `package` verb, for xinwen's bundled models).

Copies a model folder into `xinwen/assets/<kind>/`, leaving out training checkpoints, with
BERT weights converted to fp16 (loaders upcast to float32), and checks the copy loads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from xinwen.settings import BUNDLED

SKIP = {"checkpoint", "onnx", "__pycache__"}


def package_model(kind: str, src: str | Path, dest: str | Path | None = None) -> Path:
    if kind not in BUNDLED:
        raise ValueError(f"unknown model kind {kind!r}; choose from {', '.join(BUNDLED)}")
    src = Path(src)
    dest = Path(dest) if dest else BUNDLED[kind]
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp, ignore=lambda d, names: [n for n in names if n in SKIP])
    if kind == "base_model" or (kind == "theme_model" and (src / "config.json").exists()):
        import torch
        from transformers import AutoModelForMaskedLM, AutoModelForSequenceClassification, AutoTokenizer

        from xinwen.models.bert import save_half

        cls = AutoModelForMaskedLM if kind == "base_model" else AutoModelForSequenceClassification
        model = cls.from_pretrained(str(src), local_files_only=True, dtype=torch.float32)
        tok = AutoTokenizer.from_pretrained(str(src), local_files_only=True)
        for f in tmp.glob("model*.safetensors"):
            f.unlink()
        save_half(model, tok, tmp)  # weights as fp16: half the bytes; loaders upcast to float32
    # a machine's absolute paths mean nothing inside an installed package: make them relative
    root = str(BUNDLED["base_model"].parent.parent.parent) + "/"
    for name in ("xinwen.json", "data.json", "README.md"):
        if (f := tmp / name).exists():
            f.write_text(f.read_text(encoding="utf-8").replace(root, ""), encoding="utf-8")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    _check(kind, dest)
    return dest


def _check(kind: str, path: Path) -> None:
    if kind == "base_model":
        from xinwen.models.bert import load_masked_lm

        load_masked_lm(path)
    elif kind == "theme_model":
        from xinwen.models.theme import ThemeModel

        ThemeModel.from_pretrained(path).predict(["标题"], ["正文内容。"])
    else:
        from xinwen.models.digest import DigestRanker

        DigestRanker.from_pretrained(path)


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 2**20
