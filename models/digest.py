"""The digest span ranker: span features scored by a small MLP.

Features carry what headlines share with their bodies — position, length, clause shape,
centrality (overlap with the whole body), numbers, named-entity-ish density, and how much the
span reads like a headline (`headline_style`, a model learnt from the corpus's headlines). The MLP is
stored as safetensors + JSON (no pickle), and scored with numpy at inference.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file
from xinwen.models.headline_style import HeadlineStyle
from xinwen.models.spans import Span, candidates, no_span
from xinwen.models.textclean import normalise_text

FEATURES_VERSION = 5  # v2: centrality by prefix sums (bigrams counted with repeats); v3: head_cut; v4: headline_style;
# v5: inner windows, clause_end, has_verb, opens_on_noun
FEATURES = ["sent_index", "first_sentence", "rel_pos", "len_ratio", "len_chars", "clause_start", "clause_count",
            "sent_start", "sent_end", "centrality_uni", "centrality_bi", "digits", "quote", "colon_in",
            "title_overlap", "lead_overlap", "is_first_candidate", "log_sent_index", "head_cut", "headline_style",
            "inner", "clause_end", "has_verb", "opens_on_noun"]


def span_features(body: str, spans: list[Span], max_chars: int, context: str = "",
                  style: HeadlineStyle | None = None) -> np.ndarray:
    """One row per candidate. `context` is any known headline-ish text (kicker/subtitle), often empty;
    `style` scores how much each span reads like a headline (0 without one).

    Centrality is how typical the span's characters and bigrams are of the whole body,
    computed with prefix sums so an article costs O(length + candidates)."""
    uni_doc = Counter(body)
    bi_doc = Counter(body[i : i + 2] for i in range(len(body) - 1))
    n_uni, n_bi = max(len(body), 1), max(len(body) - 1, 1)
    uni_w = np.fromiter((uni_doc[c] for c in body), dtype=np.float64, count=len(body))
    bi_w = np.fromiter((bi_doc[body[i : i + 2]] for i in range(len(body) - 1)), dtype=np.float64,
                       count=max(len(body) - 1, 0))
    cu_sum = np.concatenate([[0.0], np.cumsum(uni_w)])
    cb_sum = np.concatenate([[0.0], np.cumsum(bi_w)])
    ctx = set(context)
    lead_set = set(body[: min(len(body), 80)])
    looks = style.score([s.text for s in spans]) if style is not None else np.zeros(len(spans), np.float32)
    rows = []
    for k, s in enumerate(spans):
        t = s.text
        L = max(len(t), 1)
        nb = max(s.end - s.start - 1, 1)
        cu = (cu_sum[s.end] - cu_sum[s.start]) / (L * n_uni) * 100
        cb = (cb_sum[max(s.end - 1, s.start)] - cb_sum[s.start]) / (nb * n_bi) * 1000
        tset = set(t)
        rows.append([
            s.sent_index, float(s.sent_index == 0), s.start / max(len(body), 1), len(t) / max_chars, len(t),
            s.clause_start, s.clause_count, float(s.sent_start), float(s.sent_end), cu, cb,
            sum(c.isdigit() for c in t) / L, float("“" in t), float("：" in t),
            len(tset & ctx) / L if ctx else 0.0, len(tset & lead_set) / L, float(k == 0),
            math.log1p(s.sent_index), float(s.head_cut), float(looks[k]),
            float(s.inner), float(s.clause_end), float(s.has_verb), float(s.opens_on_noun),
        ])
    return np.asarray(rows, dtype=np.float32).reshape(len(spans), len(FEATURES))


class DigestRanker:
    """MLPs(features), averaged → predicted ROUGE-L of a span against the article's real headline."""

    def __init__(self, weights: dict[str, np.ndarray], meta: dict, style: HeadlineStyle | None = None):
        self.w, self.meta, self.style = weights, meta, style

    def score(self, X: np.ndarray) -> np.ndarray:
        z = (X - self.w["mean"]) / self.w["scale"]
        n, members = self.meta["n_layers"], self.meta.get("members", 1)
        total = np.zeros(len(X), dtype=np.float32)
        for m in range(members):
            h = z
            for i in range(n):
                h = h @ self.w[f"m{m}.W{i}"] + self.w[f"m{m}.b{i}"]
                if i < n - 1:
                    h = np.maximum(h, 0.0)
            total += h.ravel()
        return total / members

    def ranked(self, body: str, max_chars: int = 30, context: str = "") -> list[tuple[Span, float]]:
        """Every candidate span of the (normalised) body with its score, best first: what `best`
        chooses from, and what a reader checks to see whether a better digest was on offer."""
        body = normalise_text(body)
        spans = candidates(body, max_chars)
        if not spans:
            return []
        scores = self.score(span_features(body, spans, max_chars, context, self.style))
        return [(spans[i], float(scores[i])) for i in np.argsort(-scores, kind="stable")]

    def best(self, body: str, max_chars: int = 30, context: str = "") -> str:
        ranked = self.ranked(body, max_chars, context)
        if not ranked:
            return no_span(normalise_text(body), max_chars)
        # a span that starts or stops mid-phrase reads badly even when it shares the headline's
        # words: a whole one wins when it scores within `dangling_margin` (saved with the model)
        margin = float(self.meta.get("dangling_margin", 0.0))
        top, top_score = ranked[0]
        if top.dangling:
            alt = next(((s, v) for s, v in ranked if not s.dangling), None)
            if alt is not None and alt[1] >= top_score - margin:
                top = alt[0]
        return top.text

    def save_pretrained(self, out: str | Path) -> None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in self.w.items()}, str(out / "digest.safetensors"))
        (out / "digest.json").write_text(json.dumps({**self.meta, "features": FEATURES, "features_version": FEATURES_VERSION,
                                                     "headline_style": self.style is not None},
                                                    indent=1, ensure_ascii=False))
        if self.style is not None:
            self.style.save_pretrained(out)

    @classmethod
    def from_pretrained(cls, path: str | Path) -> DigestRanker:
        path = Path(path)
        if not (path / "digest.json").exists():
            raise FileNotFoundError(f"{path}: not a xinwen digest model (no digest.json)")
        meta = json.loads((path / "digest.json").read_text())
        if meta.get("features") != FEATURES or meta.get("features_version", 1) != FEATURES_VERSION:
            raise ValueError(f"{path}: digest model was trained on other features; retrain it")
        style = None
        if meta.get("headline_style"):  # trained with one: its scores are a feature, so it must be there
            if not HeadlineStyle.exists(path):
                raise ValueError(f"{path}: digest model lost its headline-style model (headline_style.*); retrain it")
            style = HeadlineStyle.from_pretrained(path)
        return cls(load_file(str(path / "digest.safetensors")), meta, style)
