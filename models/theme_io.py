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
                    rounds: int = 3, min_gain: float = 0.002, start: np.ndarray | None = None,
                    min_support: int = 0) -> np.ndarray:
    """Coordinate ascent over per-theme thresholds for macro-F1 of the primary decision.

    A dev set has few examples per theme, so many thresholds tie: a threshold moves only for
    a real gain, and then to the middle of the run of best values, not to its edge. `start`
    (a parent model's thresholds, when retraining) is where the ascent begins; a theme with
    fewer than `min_support` articles in `primary` keeps its start, since a threshold fitted to
    two or three articles only memorises them.
    """
    from sklearn.metrics import f1_score

    classes = [*themes, other]
    th = np.full(len(themes), 0.5) if start is None else np.asarray(start, dtype=np.float64).copy()
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
    gold = np.array([classes.index(p) for p in primary])

    def score(t: np.ndarray) -> float:
        return f1_score(gold, primary_index(scores, t), labels=list(range(len(classes))), average="macro",
                        zero_division=0)

    best = score(th)
    support = np.bincount(gold, minlength=len(classes))
    for _ in range(rounds):
        moved = False
        for i in range(len(themes)):
            if support[i] < min_support:
                continue
            vals = []
            for g in grid:
                cand = th.copy()
                cand[i] = g
                vals.append(score(cand))
            top = max(vals)
            if top <= best + min_gain:
                continue
            ties = [g for g, v in zip(grid, vals) if v >= top - 1e-9]
            th[i] = ties[len(ties) // 2]
            best, moved = score(th), True
        if not moved:
            break
    return th
