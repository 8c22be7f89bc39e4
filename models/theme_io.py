"""Theme-model inputs and decisions shared by every architecture.

Title and body go in together (the guide says the headline and first paragraph decide);
long bodies keep their head and tail; the primary theme is the best theme over its
tuned threshold, else `other`.
"""

from __future__ import annotations

import numpy as np


def article_text(title: str | None, text: str) -> str:
    title = (title or "").strip()
    return f"{title}。{text}" if title else text


def head_tail(ids: list[int], budget: int, head_fraction: float = 0.7) -> list[int]:
    if len(ids) <= budget:
        return ids
    head = int(budget * head_fraction)
    return ids[:head] + ids[len(ids) - (budget - head):]


def decide(scores: np.ndarray, themes: tuple[str, ...], thresholds: np.ndarray, other: str) -> list[dict]:
    """Per row: primary theme, themes over threshold (best first), and all scores."""
    out = []
    for row in scores:
        over = [i for i in np.argsort(-row) if row[i] >= thresholds[i]]
        out.append({
            "theme": themes[over[0]] if over else other,
            "themes": [themes[i] for i in over],
            "scores": {t: round(float(row[i]), 4) for i, t in enumerate(themes)},
        })
    return out


def primary_index(scores: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Vectorised primary decision: index of the best theme over its threshold, else len(themes)."""
    over = scores >= thresholds
    best = np.where(over, scores, -np.inf).argmax(1)
    return np.where(over.any(1), best, scores.shape[1])


def tune_thresholds(scores: np.ndarray, primary: list[str], themes: tuple[str, ...], other: str,
                    rounds: int = 3) -> np.ndarray:
    """Coordinate ascent over per-theme thresholds for macro-F1 of the primary decision."""
    from sklearn.metrics import f1_score

    classes = [*themes, other]
    th = np.full(len(themes), 0.5)
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
    gold = np.array([classes.index(p) for p in primary])

    def score(t: np.ndarray) -> float:
        return f1_score(gold, primary_index(scores, t), labels=list(range(len(classes))), average="macro",
                        zero_division=0)

    best = score(th)
    for _ in range(rounds):
        improved = False
        for i in range(len(themes)):
            for g in grid:
                cand = th.copy()
                cand[i] = g
                s = score(cand)
                if s > best + 1e-9:
                    best, th, improved = s, cand, True
        if not improved:
            break
    return th
