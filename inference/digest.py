"""Headline-length digests: `learned` (span ranker), `lead`, `textrank` — all extractive."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from xinwen.models.spans import Span, candidates, no_span, sentences
from xinwen.models.textclean import normalise_text

from xinwen.settings import bundled_model

METHODS = ("learned", "lead", "textrank")


def _longest_from(spans: list[Span], sent_index: int) -> Span | None:
    own = [s for s in spans if s.sent_index == sent_index and s.sent_start]
    return max(own, key=lambda s: (s.clause_count, len(s.text)), default=None)


def lead(body: str, max_chars: int = 30) -> str:
    """The opening of the first sentence (after boilerplate), as many whole clauses as fit."""
    body = normalise_text(body)
    spans = candidates(body, max_chars)
    best = _longest_from(spans, 0) or (spans[0] if spans else None)
    return best.text if best else no_span(body, max_chars)


def textrank_sentence(body: str, damping: float = 0.85, iters: int = 30) -> int:
    """Index of the most central sentence (PageRank over bigram-overlap similarity)."""
    sents = [body[a:b] for a, b in sentences(body)][:40]
    if len(sents) <= 1:
        return 0
    grams = [Counter(s[i : i + 2] for i in range(len(s) - 1)) for s in sents]
    n = len(sents)
    W = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            ov = sum((grams[i] & grams[j]).values())
            if ov:
                W[i, j] = W[j, i] = ov / (np.log(len(sents[i]) + 2) + np.log(len(sents[j]) + 2))
    rows = W.sum(1, keepdims=True)
    P = np.divide(W, rows, out=np.full_like(W, 1.0 / n), where=rows > 0)
    r = np.full(n, 1.0 / n)
    for _ in range(iters):
        r = (1 - damping) / n + damping * P.T @ r
    return int(np.argmax(r))


def textrank(body: str, max_chars: int = 30) -> str:
    body = normalise_text(body)
    spans = candidates(body, max_chars, max_sentences=40, max_candidates=400)
    best = _longest_from(spans, textrank_sentence(body)) or (spans[0] if spans else None)
    return best.text if best else no_span(body, max_chars)


class Digester:
    """Chooses the method; the learned ranker loads from a folder or the bundled one."""

    def __init__(self, method: str = "learned", model_dir: str | Path | None = None, max_chars: int = 30):
        if method not in METHODS:
            raise ValueError(f"unknown digest method {method!r}; choose from {', '.join(METHODS)}")
        self.method, self.max_chars, self.ranker = method, max_chars, None
        if method == "learned":
            from xinwen.models.digest import DigestRanker

            path = model_dir or bundled_model("digest_model")
            if path is None:
                raise FileNotFoundError("no digest model is bundled; train one (`xinwen train-digest`) or use --method lead")
            self.ranker = DigestRanker.from_pretrained(path)

    def __call__(self, text: str, context: str = "") -> str:
        if not text.strip():
            return ""
        if self.method == "lead":
            return lead(text, self.max_chars)
        if self.method == "textrank":
            return textrank(text, self.max_chars)
        return self.ranker.best(text, self.max_chars, context)
