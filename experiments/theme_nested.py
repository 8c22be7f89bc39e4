"""Out-of-fold macro-F1 of theme models, plain and nested, from the scores `xinwen train --folds k`
saved (`cv_scores.safetensors`): the blend weight and thresholds tuned on all of those scores
(optimistic), and re-tuned inside outer folds, each outer fold scored by choices it never saw.
Compares recipes on the same articles without retraining anything.

    python experiments/theme_nested.py runs/theme_all runs/theme_all256 \
        --data ../shared/data/themes/train.jsonl --data ../shared/data/themes/dev.jsonl

`A+B` scores the mean of two runs' BERT scores (an ensemble of BERTs, same folds); `--tfidf-from
RUN` blends every run's BERT with RUN's TF-IDF scores instead of its own, e.g. BERTs fine-tuned on
a GPU box without jieba against the shipped TF-IDF half.
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


def blend_figures(bert: np.ndarray | None, tfidf: np.ndarray, primary: np.ndarray, seeds: list[int],
                  outer: int = 5) -> dict:
    """BERT-alone, TF-IDF-alone and blend macro-F1 with the blend weight and thresholds tuned on all
    the scores, and the blend's macro-F1 re-tuned inside `outer` folds, one figure per seed."""
    labels = load_labels()
    themes, other = labels.themes, labels.other
    classes = [*themes, other]
    gold = np.array([classes.index(p) for p in primary])

    def f1(pred) -> float:
        return f1_score(gold, pred, labels=list(range(len(classes))), average="macro", zero_division=0)

    def mix(w, idx=slice(None)):
        return tfidf[idx] if bert is None else (1 - w) * bert[idx] + w * tfidf[idx]

    w, th, bert_only = _choose_blend(bert, tfidf, list(primary), themes, other, True)
    _, th_tfidf, _ = _choose_blend(None, tfidf, list(primary), themes, other, True)
    nested = []
    for seed in seeds:
        pred = np.zeros(len(gold), dtype=int)
        for tr, te in StratifiedKFold(outer, shuffle=True, random_state=seed).split(gold, gold):
            wi, thi, _ = _choose_blend(None if bert is None else bert[tr], tfidf[tr], list(primary[tr]),
                                       themes, other, True)
            pred[te] = primary_index(mix(wi, te), thi)
        nested.append(f1(pred))
    return {"bert": bert_only, "tfidf": f1(primary_index(tfidf, th_tfidf)), "tfidf_thresholds": th_tfidf,
            "weight": w, "blend": f1(primary_index(mix(w), th)), "nested": nested}


def row(name: str, r: dict) -> str:
    return (f"{name:<40} {r['bert']:>10.3f} {r['tfidf']:>12.3f} {r['weight']:>6.1f} {r['blend']:>6.3f}  "
            + " / ".join(f"{x:.3f}" for x in r["nested"]))


def header(seeds: list[int]) -> str:
    return (f"{'run':<40} {'BERT alone':>10} {'TF-IDF alone':>12} {'weight':>6} {'blend':>6}  "
            f"nested (seeds {', '.join(map(str, seeds))})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="theme model folders with cv_scores.safetensors")
    ap.add_argument("--data", action="append", required=True, help="the labelled files, in training order")
    ap.add_argument("--outer", type=int, default=5)
    ap.add_argument("--seeds", type=int, nargs="+", default=[7, 11])
    ap.add_argument("--tfidf-from", help="a run whose TF-IDF out-of-fold scores every run is blended with")
    a = ap.parse_args()
    data, _ = _load_train(a.data, load_labels(), lambda m: None)
    primary = np.array(data["primary"])
    print(header(a.seeds))

    def scores(run: str) -> dict:
        cv = load_file(f"{run}/cv_scores.safetensors")
        if len(cv["tfidf"]) != len(primary):
            raise SystemExit(f"{run}: {len(cv['tfidf'])} scored articles, but --data holds {len(primary)}")
        return cv

    tfidf = scores(a.tfidf_from)["tfidf"] if a.tfidf_from else None
    for spec in a.runs:
        cvs = [scores(r) for r in spec.split("+")]
        berts = [cv["bert"] for cv in cvs if "bert" in cv]
        bert = np.mean(berts, axis=0) if berts else None
        print(row(spec, blend_figures(bert, cvs[0]["tfidf"] if tfidf is None else tfidf, primary, a.seeds, a.outer)))


if __name__ == "__main__":
    main()
