"""The theme classifier: `from_pretrained` over a model folder that `xinwen train` writes.

A folder holds `xinwen.json` (`ThemeModelConfig`: architecture, themes, `other`, thresholds,
input budget), and either
a transformers sequence-classification model (safetensors + tokenizer) or a TF-IDF model,
or both: a BERT whose scores are blended with TF-IDF's at a weight tuned on dev. With an
exported ONNX graph the whole model runs on onnxruntime, `tokenizers` and numpy: torch,
transformers and scikit-learn are imported only by the torch backend and by training.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
from xinwen.models.tfidf import TfidfThemeModel
from xinwen.models.theme_config import ThemeModelConfig
from xinwen.models.theme_io import decide, head_tail
from xinwen.models.tokenizer_file import TokenizerFile

from xinwen.settings import bundled_model


def encode(tokenizer, titles: list[str | None], texts: list[str], max_length: int, head_fraction: float) -> list[list[int]]:
    """[CLS] title [SEP] body(head+tail) [SEP], batch-tokenised with the fast tokenizer
    (a transformers tokenizer, or the folder's `TokenizerFile`: the same ids).

    Bodies are tokenised whole and cut afterwards, so the tokenizer's over-length warning
    (`verbose`) would be a false alarm on every long article."""
    if isinstance(tokenizer, TokenizerFile):
        tt, bb = tokenizer([t or "" for t in titles]), tokenizer(texts)
    else:
        tt = tokenizer([t or "" for t in titles], add_special_tokens=False, verbose=False)["input_ids"]
        bb = tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
    out = []
    for t, b in zip(tt, bb):
        t = t[: max_length // 4]
        body = head_tail(b, max_length - 3 - len(t), head_fraction)
        out.append([tokenizer.cls_token_id, *t, tokenizer.sep_token_id, *body, tokenizer.sep_token_id] if t
                   else [tokenizer.cls_token_id, *body, tokenizer.sep_token_id])
    return out


def pad_batch(seqs: list[list[int]], pad_id: int) -> dict[str, np.ndarray]:
    """int64 arrays, as ONNX Runtime takes them; `torch.from_numpy` shares them without a copy."""
    n = max(len(s) for s in seqs)
    ids = np.full((len(seqs), n), pad_id, dtype=np.int64)
    att = np.zeros((len(seqs), n), dtype=np.int64)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = s
        att[i, : len(s)] = 1
    return {"input_ids": ids, "attention_mask": att}


def sorted_batch_scores(seqs: list[list[int]], pad_id: int, n_labels: int, logits_fn, batch_size: int = 32,
                        progress=None) -> np.ndarray:
    """Sigmoid scores for token sequences, in length-sorted batches (no padding wasted),
    returned in input order. `logits_fn(batch) -> np.ndarray` is torch or ONNX Runtime."""
    order = np.argsort([len(s) for s in seqs])
    out = np.zeros((len(seqs), n_labels), dtype=np.float32)
    for i in range(0, len(order), batch_size):
        idx = order[i : i + batch_size]
        out[idx] = 1.0 / (1.0 + np.exp(-logits_fn(pad_batch([seqs[j] for j in idx], pad_id))))
        if progress:
            progress(len(idx))
    return out


def resolve_backend(path: Path, config: ThemeModelConfig, backend: str = "auto") -> str:
    """`auto` is the exported ONNX graph when the folder has one and onnxruntime is installed,
    else torch; TF-IDF models need neither (the answer is then moot)."""
    if backend == "auto":
        has_graph = bool(config.onnx_file) and (path / config.onnx_file).exists()
        backend = "onnx" if has_graph and importlib.util.find_spec("onnxruntime") else "torch"
    if backend not in ("torch", "onnx"):
        raise ValueError(f"unknown backend {backend!r}; choose auto, torch or onnx")
    return backend


class ThemeModel:
    """A theme model folder, loaded: its own `ThemeModelConfig` names the themes, `other` and the
    thresholds, so a model trained on another taxonomy classifies by its own labels."""

    def __init__(self, path: Path, config: ThemeModelConfig, bert=None, tokenizer=None,
                 tfidf: TfidfThemeModel | None = None, onnx_session=None):
        self.path, self.config = path, config
        self.bert, self.tokenizer, self.tfidf, self.onnx = bert, tokenizer, tfidf, onnx_session
        self.thresholds = np.asarray(config.thresholds, dtype=np.float32)
        self.themes = config.themes
        self.other = config.other

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, backend: str = "auto") -> ThemeModel:
        if path is None:
            path = bundled_model("theme_model")
            if path is None:
                raise FileNotFoundError("no theme model is bundled; train one with `xinwen train` and pass --model")
        path = Path(path)
        cfg = ThemeModelConfig.from_dir(path)
        bert = tok = tfidf = sess = None
        backend = resolve_backend(path, cfg, backend)
        if cfg.architecture == "bert":
            # ONNX Runtime and the tokenizer file alone: torch and transformers stay unimported
            # (about 6 s of a one-page run) unless the folder or the backend needs them
            tok = TokenizerFile.from_pretrained(path)
            if tok is None:
                from transformers import AutoTokenizer

                tok = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            if backend == "onnx":
                from xinwen.models.onnx_graph import load_session

                sess = load_session(path)
            else:
                from transformers import AutoModelForSequenceClassification
                from xinwen.models.bert import load_offline

                bert = load_offline(AutoModelForSequenceClassification, path).eval()
        if cfg.uses_tfidf:
            tfidf = TfidfThemeModel.load(path, cfg.themes)
        return cls(path, cfg, bert, tok, tfidf, sess)

    def bert_scores(self, titles, texts, batch_size: int = 32, progress=None) -> np.ndarray:
        seqs = encode(self.tokenizer, titles, texts, self.config.max_length, self.config.head_fraction)
        if self.onnx is not None:
            return sorted_batch_scores(seqs, self.tokenizer.pad_token_id, len(self.themes),
                                       lambda b: self.onnx.run(None, b)[0], batch_size, progress)
        import torch

        with torch.inference_mode():
            return sorted_batch_scores(seqs, self.tokenizer.pad_token_id, len(self.themes),
                                       lambda b: self.bert(**{k: torch.from_numpy(v) for k, v in b.items()}).logits.numpy(),
                                       batch_size, progress)

    def predict_scores(self, titles, texts, batch_size: int = 32, progress=None) -> np.ndarray:
        w = float(self.config.tfidf_weight)
        if self.config.architecture == "tfidf":
            s = self.tfidf.predict_scores(titles, texts)
            if progress:
                progress(len(texts))
            return s
        s = self.bert_scores(titles, texts, batch_size, progress)
        if w > 0:
            s = (1 - w) * s + w * self.tfidf.predict_scores(titles, texts)
        return s

    def predict(self, titles, texts, batch_size: int = 32, progress=None) -> list[dict]:
        if not texts:
            return []
        scores = self.predict_scores(titles, texts, batch_size, progress)
        return decide(scores, self.themes, self.thresholds, self.other)
