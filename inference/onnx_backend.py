"""ONNX Runtime backend for BERT theme models: export (fp32, optional dynamic int8) and load.

The digest ranker is a numpy MLP already, so only the theme network needs exporting.
"""

from __future__ import annotations

import json
from pathlib import Path


def export_onnx(model_dir: str | Path, quantize: str | None = None, opset: int = 17) -> list[Path]:
    """Write `onnx/model.onnx` (and `onnx/model.int8.onnx`) into the model folder; record which to use."""
    import torch
    from transformers import AutoModelForSequenceClassification
    from xinwen.models.bert import load_offline

    model_dir = Path(model_dir)
    meta_path = model_dir / "xinwen.json"
    meta = json.loads(meta_path.read_text())
    if meta["architecture"] != "bert":
        raise ValueError(f"{model_dir}: only BERT theme models export to ONNX (this one is {meta['architecture']})")
    model = load_offline(AutoModelForSequenceClassification, model_dir).eval()
    out = model_dir / "onnx"
    out.mkdir(exist_ok=True)
    ids = torch.full((2, 16), 5, dtype=torch.long)
    att = torch.ones_like(ids)
    fp32 = out / "model.onnx"
    torch.onnx.export(model, (ids, att), str(fp32), input_names=["input_ids", "attention_mask"],
                      output_names=["logits"], opset_version=opset, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "logits": {0: "batch"}})
    written = [fp32]
    meta["onnx_file"] = "onnx/model.onnx"
    if quantize:
        if quantize != "int8":
            raise ValueError(f"unknown quantization {quantize!r}; only int8 is supported")
        from onnxruntime.quantization import QuantType, quantize_dynamic

        q = out / "model.int8.onnx"
        quantize_dynamic(str(fp32), str(q), weight_type=QuantType.QInt8)
        written.append(q)
        meta["onnx_file"] = "onnx/model.int8.onnx"
    meta_path.write_text(json.dumps(meta, indent=1, ensure_ascii=False))
    return written


def load_session(model_dir: str | Path, file: str | None = None):
    import onnxruntime as ort

    model_dir = Path(model_dir)
    meta = json.loads((model_dir / "xinwen.json").read_text())
    rel = file or meta.get("onnx_file")
    if not rel or not (model_dir / rel).exists():
        raise FileNotFoundError(f"{model_dir}: no ONNX export; run `xinwen export --model {model_dir} --onnx`")
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(model_dir / rel), opts, providers=["CPUExecutionProvider"])
