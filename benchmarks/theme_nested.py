"""Out-of-fold macro-F1 of theme models, plain and nested, from the scores `xinwen train --folds k`
saved (`cv_scores.safetensors`): the blend weight and thresholds tuned on all of those scores
(optimistic), and re-tuned inside outer folds, each outer fold scored by choices it never saw.
Compares recipes on the same articles without retraining anything.

    python benchmarks/theme_nested.py runs/theme_all runs/theme_all256 \
        --data ../shared/data/themes/train.jsonl --data ../shared/data/themes/dev.jsonl
"""

from __future__ import annotations

import argparse

import numpy as np
from safetensors.numpy import load_file
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from xinwen.models.theme_io import primary_index
from xinwen.training.theme_train import _choose_blend, _load_train

from xinwen.settings import load_labels


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="theme model folders with cv_scores.safetensors")
    ap.add_argument("--data", action="append", required=True, help="the labelled files, in training order")
    ap.add_argument("--outer", type=int, default=5)
    ap.add_argument("--seeds", type=int, nargs="+", default=[7, 11])
    a = ap.parse_args()
    labels = load_labels()
    themes, other = labels.themes, labels.other
    classes = [*themes, other]
    data, _ = _load_train(a.data, labels, lambda m: None)
    primary = np.array(data["primary"])
    gold = np.array([classes.index(p) for p in primary])

    def f1(pred, idx=slice(None)) -> float:
        return f1_score(gold[idx], pred, labels=list(range(len(classes))), average="macro", zero_division=0)

    print(f"{'run':<32} {'BERT alone':>10} {'weight':>6} {'blend':>6}  nested (seeds {', '.join(map(str, a.seeds))})")
    for run in a.runs:
        cv = load_file(f"{run}/cv_scores.safetensors")
        bert, tfidf = cv.get("bert"), cv["tfidf"]
        if len(tfidf) != len(gold):
            raise SystemExit(f"{run}: {len(tfidf)} scored articles, but --data holds {len(gold)}")
        w, th, bert_only = _choose_blend(bert, tfidf, list(primary), themes, other, True)
        blend = tfidf if bert is None else (1 - w) * bert + w * tfidf
        nested = []
        for seed in a.seeds:
            pred = np.zeros(len(gold), dtype=int)
            for tr, te in StratifiedKFold(a.outer, shuffle=True, random_state=seed).split(gold, gold):
                wi, thi, _ = _choose_blend(None if bert is None else bert[tr], tfidf[tr], list(primary[tr]),
                                           themes, other, True)
                pred[te] = primary_index(tfidf[te] if bert is None else (1 - wi) * bert[te] + wi * tfidf[te], thi)
            nested.append(f1(pred))
        print(f"{run:<32} {bert_only:>10.3f} {w:>6.1f} {f1(primary_index(blend, th)):>6.3f}  "
              + " / ".join(f"{x:.3f}" for x in nested))


if __name__ == "__main__":
    main()
