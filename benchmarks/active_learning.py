"""Does `xinwen suggest` pick better labels than chance? A simulated labelling loop.

From the shared labelled set: start with `--start` labels drawn at random from train.jsonl, then
add `--batch` labels a round, chosen either by `suggest`'s selection (uncertainty over the tuned
thresholds, near duplicates dropped, clustered for spread) or at random, from the rest of
train.jsonl (the "unlabelled" pool: its labels are revealed only when picked). Each round refits
the TF-IDF theme model (configs/train.yaml's `tfidf` settings; seconds instead of BERT's minutes),
tunes its thresholds on 3-fold out-of-fold scores of what is labelled so far, as `train --folds`
does, and scores macro-F1 on dev.jsonl, which no round ever sees. Several seeds; the table gives
the mean and the worst seed at each label count.

    python benchmarks/active_learning.py --data ../shared/data/themes/train.jsonl \\
        --heldout ../shared/data/themes/dev.jsonl --seeds 1 2 3
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from xinwen.models.tfidf import TfidfThemeModel
from xinwen.models.theme_io import decide, tune_thresholds
from xinwen.training.labelled import validate
from xinwen.training.suggest import select

from xinwen.settings import load_config, load_labels


def _targets(recs, themes) -> np.ndarray:
    return np.array([[t in r["labels"] for t in themes] for r in recs], dtype=np.float32)


def fit(recs, themes, other, cfg, seed: int):
    """TF-IDF fit on `recs`, thresholds tuned on its 3-fold out-of-fold scores."""
    rng = np.random.default_rng(seed)
    folds = rng.permutation(len(recs)) % 3
    oof = np.zeros((len(recs), len(themes)), dtype=np.float32)
    for k in range(3):
        tr = [r for r, f in zip(recs, folds) if f != k]
        te = [i for i, f in enumerate(folds) if f == k]
        m = TfidfThemeModel(themes, cfg).fit([r["title"] for r in tr], [r["text"] for r in tr], _targets(tr, themes),
                                             [r["primary"] for r in tr])
        oof[te] = m.predict_scores([recs[i]["title"] for i in te], [recs[i]["text"] for i in te])
    th = tune_thresholds(oof, [r["primary"] for r in recs], themes, other)
    m = TfidfThemeModel(themes, cfg).fit([r["title"] for r in recs], [r["text"] for r in recs], _targets(recs, themes),
                                         [r["primary"] for r in recs])
    return m, th


def macro_f1(m, th, recs, themes, other) -> float:
    from sklearn.metrics import f1_score

    pred = [d["theme"] for d in decide(m.predict_scores([r["title"] for r in recs], [r["text"] for r in recs]),
                                       themes, th, other)]
    return float(f1_score([r["primary"] for r in recs], pred, labels=[*themes, other], average="macro",
                          zero_division=0))


def run(pool, heldout, strategy: str, seed: int, start: int, batch: int, rounds: int, cfg, labels):
    themes, other = labels.themes, labels.other
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(pool))
    labelled = [int(i) for i in order[:start]]  # the same start for both strategies at a seed
    rest = [int(i) for i in order[start:]]
    curve = []
    for r in range(rounds + 1):
        recs = [pool[i] for i in labelled]
        m, th = fit(recs, themes, other, cfg, seed)
        curve.append((len(labelled), macro_f1(m, th, heldout, themes, other)))
        if r == rounds:
            break
        if strategy == "random":
            take = [rest[j] for j in rng.choice(len(rest), batch, replace=False)]
        else:
            scores = m.predict_scores([pool[i]["title"] for i in rest], [pool[i]["text"] for i in rest])
            picks, _, _ = select(scores, th, [f"{pool[i]['title']}\n{pool[i]['text']}" for i in rest], batch, seed)
            take = [rest[j] for j in picks]
        chosen = set(take)
        labelled += take
        rest = [i for i in rest if i not in chosen]
    return curve


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="labelled pool (train.jsonl)")
    ap.add_argument("--heldout", required=True, help="labelled file no round sees (dev.jsonl)")
    ap.add_argument("--start", type=int, default=300)
    ap.add_argument("--batch", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    a = ap.parse_args()
    labels = load_labels()
    cfg = load_config(None, "train")["tfidf"]
    pool, heldout = validate(a.data, labels, warn=lambda m: None), validate(a.heldout, labels, warn=lambda m: None)
    t0 = time.time()
    curves = {s: {k: run(pool, heldout, k, seed, a.start, a.batch, a.rounds, cfg, labels) for k in ("suggest", "random")}
              for seed in a.seeds for s in [seed]}
    print(f"active-learning simulation: pool {len(pool)} ({a.data}), held out {len(heldout)} ({a.heldout}), "
          f"start {a.start}, +{a.batch} a round, seeds {a.seeds}, TF-IDF refit each round ({time.time() - t0:.0f} s)")
    print("macro-F1 on the held-out file: mean over seeds (worst seed)")
    print(f"{'labels':>6}  {'suggest':>15}  {'random':>15}  {'gain':>6}  suggest ahead in")
    for r in range(a.rounds + 1):
        n = curves[a.seeds[0]]["suggest"][r][0]
        s = np.array([curves[x]["suggest"][r][1] for x in a.seeds])
        q = np.array([curves[x]["random"][r][1] for x in a.seeds])
        print(f"{n:>6}  {s.mean():.3f} ({s.min():.3f})  {q.mean():.3f} ({q.min():.3f})  {s.mean() - q.mean():+.3f}  "
              f"{int((s > q).sum())}/{len(a.seeds)} seeds")


if __name__ == "__main__":
    main()
