"""Out-of-fold scores: every training article scored by a model that never saw it.

392 dev articles hold 22 anti-fraud and 23 road-safety examples, too few to tune six
thresholds and a blend weight without fitting the noise. Pooling out-of-fold scores over the
whole training set gives every choice thousands of examples, and leaves dev (or all of the
labelled data, in a final refit) free.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.model_selection import StratifiedKFold

from xinwen.ui import log_line


def fold_indices(primary: list[str], k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """k stratified folds over the primary class (small themes spread evenly)."""
    if k < 2:
        raise ValueError(f"folds must be at least 2, got {k}")
    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return list(skf.split(np.zeros(len(primary)), primary))


def out_of_fold(k: int, seed: int, data, themes: tuple[str, ...],
                fit_tfidf: Callable, fit_bert: Callable | None) -> dict:
    """Out-of-fold scores from both models.

    `fit_tfidf(train, held)` and `fit_bert(train, held, fold)` train on one part and return the
    held-out part's scores (`fit_bert` also a per-epoch history). Returns `{"tfidf", "bert"
    (None without BERT), "history"}`, history being the per-epoch macro-F1 averaged over folds.
    """
    n = len(data)
    tfidf = np.zeros((n, len(themes)), dtype=np.float32)
    bert = np.zeros((n, len(themes)), dtype=np.float32) if fit_bert else None
    per_epoch: dict[int, list[float]] = {}
    for i, (tr, te) in enumerate(fold_indices(list(data["primary"]), k, seed), 1):
        a, b = data.select(tr), data.select(te)
        tfidf[te] = fit_tfidf(a, b)
        if fit_bert is not None:
            scores, hist = fit_bert(a, b, i)
            bert[te] = scores
            for h in hist:
                per_epoch.setdefault(h["epoch"], []).append(h["dev_macro_f1"])
        log_line(f"fold {i}/{k} done")
    history = [{"epoch": e, "dev_macro_f1": round(float(np.mean(v)), 4)} for e, v in sorted(per_epoch.items())]
    return {"tfidf": tfidf, "bert": bert, "history": history}
