"""ONNX Runtime backend for BERT theme models: export (fp32, optional dynamic int8) and load.

The digest ranker is a numpy MLP already, so only the theme network needs exporting.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path


def export_onnx(model_dir: str | Path, quantize: str | None = None, opset: int = 17) -> list[Path]:
    """Write `onnx/model.onnx` (and `onnx/model.int8.onnx`) into the model folder; record which to use."""
    import torch
    from transformers import AutoModelForSequenceClassification
    from xinwen.models.bert import load_offline
    from xinwen.models.theme_config import ThemeModelConfig

    model_dir = Path(model_dir)
    cfg = ThemeModelConfig.from_dir(model_dir)
    if cfg.architecture != "bert":
        raise ValueError(f"{model_dir}: only BERT theme models export to ONNX (this one is {cfg.architecture})")
    model = load_offline(AutoModelForSequenceClassification, model_dir).eval()
    out = model_dir / "onnx"
    out.mkdir(exist_ok=True)
    ids = torch.full((2, 16), 5, dtype=torch.long)
    att = torch.ones_like(ids)
    fp32 = out / "model.onnx"
    with warnings.catch_warnings():
        # The tracer's notes on BERT's mask code (a padding branch and `is_causal` are fixed at trace
        # time: neither can change for an encoder given its own mask) and on aten::index (no negative
        # indices here). The exported graph is checked against torch instead:
        # tests/test_lean_inference.py, padded batches included.
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", message="Exporting aten::index operator")
        # the legacy TorchScript exporter on purpose: torch's new one needs onnxscript, one more dependency
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"torch\.onnx|xinwen")
        torch.onnx.export(model, (ids, att), str(fp32), input_names=["input_ids", "attention_mask"],
                          output_names=["logits"], opset_version=opset, dynamo=False,
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                        "logits": {0: "batch"}})
    written = [fp32]
    cfg.onnx_file = "onnx/model.onnx"
    if quantize:
        if quantize != "int8":
            raise ValueError(f"unknown quantization {quantize!r}; only int8 is supported")
        from onnxruntime.quantization import QuantType, quantize_dynamic

        q = out / "model.int8.onnx"
        # onnxruntime advises its optional pre-processing (shape inference, graph fusion) on every
        # call, through the root logger; the session optimises the graph when it loads anyway, and
        # the int8 scores are checked against torch (tests/test_lean_inference.py), so it is held back
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)
        try:
            quantize_dynamic(str(fp32), str(q), weight_type=QuantType.QInt8)
        finally:
            root.setLevel(level)
        written.append(q)
        cfg.onnx_file = "onnx/model.int8.onnx"
    cfg.to_dir(model_dir)
    return written


def load_session(model_dir: str | Path, file: str | None = None):
    import onnxruntime as ort
    from xinwen.models.theme_config import ThemeModelConfig

    model_dir = Path(model_dir)
    rel = file or ThemeModelConfig.from_dir(model_dir).onnx_file
    if not rel or not (model_dir / rel).exists():
        raise FileNotFoundError(f"{model_dir}: no ONNX export; run `xinwen export --model {model_dir}`")
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(model_dir / rel), opts, providers=["CPUExecutionProvider"])
