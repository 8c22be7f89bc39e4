"""TF-IDF variants of the theme model, each refit on the same folds as a trained run and blended
with that run's saved BERT out-of-fold scores: what the TF-IDF half is worth, without retraining
BERT (minutes instead of an hour). Figures as in `theme_nested.py`. With `--heldout FILE`, each
variant is also fit on all of `--data`, its thresholds tuned on its own out-of-fold scores, and
scored once on FILE (TF-IDF alone; BERT scores are used only when `--data` is what the run saw).

    python experiments/theme_tfidf.py xinwen/assets/theme \\
        --data ../shared/data/themes/train.jsonl --data ../shared/data/themes/dev.jsonl
    python experiments/theme_tfidf.py xinwen/assets/theme \\
        --data ../shared/data/themes/train.jsonl --heldout ../shared/data/themes/dev.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import yaml
from safetensors.numpy import load_file
from theme_nested import blend_figures, header, row
from xinwen.training.crossval import fold_indices
from xinwen.training.labelled import load_labelled
from xinwen.training.theme_train import _fit_tfidf, _load_train, _macro_f1

from xinwen.settings import load_labels

VARIANTS = {  # merged over the run's own `tfidf` settings
    "characters, one-vs-rest": {"objective": "ovr", "word_ngram_max": 0},
    "characters + words, one-vs-rest": {"objective": "ovr", "word_ngram_max": 2},
    "characters, softmax": {"objective": "multinomial", "word_ngram_max": 0},
    "characters + words, softmax": {"objective": "multinomial", "word_ngram_max": 2},
    "characters + words, softmax, C 10": {"objective": "multinomial", "word_ngram_max": 2, "C": 10.0},
    "characters + words, softmax, C 100": {"objective": "multinomial", "word_ngram_max": 2, "C": 100.0},
    "characters + words + title, softmax": {"objective": "multinomial", "word_ngram_max": 2, "title_view": True},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run", help="a theme model trained with --folds (its cv_scores.safetensors and config)")
    ap.add_argument("--data", action="append", required=True, help="the labelled files, in training order")
    ap.add_argument("--variant", action="append", default=[],
                    help='NAME=JSON tfidf settings, e.g. \'words3={"word_ngram_max": 3}\' (default: the built-in list)')
    ap.add_argument("--seeds", type=int, nargs="+", default=[7, 11])
    ap.add_argument("--heldout", help="labelled file scored once by each variant fit on all of --data")
    a = ap.parse_args()
    run = Path(a.run)
    cfg = yaml.safe_load((run / "training_config.yaml").read_text())
    folds = json.loads((run / "metrics.json").read_text()).get("cv", {}).get("folds", 4)
    labels = load_labels()
    data, _ = _load_train(a.data, labels, lambda m: None)
    primary = np.array(data["primary"])
    bert = load_file(str(run / "cv_scores.safetensors")).get("bert")
    if bert is not None and len(bert) != len(primary):
        bert = None  # the run saw other data: TF-IDF alone
    held = load_labelled(a.heldout, labels, lambda m: None) if a.heldout else None
    variants = dict(v.split("=", 1) for v in a.variant) if a.variant else VARIANTS
    print(f"{folds} folds, seed {cfg.get('seed', 13)}; BERT scores of {run}")
    print(header(a.seeds))
    for name, over in variants.items():
        over = json.loads(over) if isinstance(over, str) else over
        c = {**cfg, "tfidf": {**cfg.get("tfidf", {}), **over}}
        scores = np.zeros((len(primary), len(labels.themes)), dtype=np.float32)
        for tr, te in fold_indices(list(primary), folds, int(cfg.get("seed", 13))):
            scores[te] = _fit_tfidf(c, data.select(tr), data.select(te), labels.themes)[1]
        fig = blend_figures(bert, scores, primary, a.seeds)
        line = row(name, fig)
        if held is not None:  # thresholds from this variant's own out-of-fold scores
            held_scores = _fit_tfidf(c, data, held, labels.themes)[1]
            f1 = _macro_f1(held_scores, held["primary"], labels.themes, labels.other, fig["tfidf_thresholds"])
            line += f"   held out: TF-IDF alone {f1:.3f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
