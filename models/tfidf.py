"""TF-IDF + linear model: the seconds-to-train baseline, and the theme model's second opinion.

Two views of an article: character 1–3-grams, which need no word list and survive OCR and
segmentation noise, and (`word_ngram_max` > 0) jieba word n-grams, which keep terms such as
`电信诈骗` or `招聘会` whole where character trigrams cut them. Measured on 4-fold out-of-fold
scores over all 2,624 labelled articles, words lift the blend's nested macro-F1 by about half
a point (the TF-IDF table in docs/experiments/theme_experiments.md; `experiments/theme_tfidf.py` remakes it).

`objective: multinomial` fits one softmax over the six themes and `other` on the primary label;
`ovr` one logistic regression per theme on the multi-label targets. The task's decision is a
primary label, and a softmax that must spend probability on `other` separates theme from
non-theme better than six independent yes/no models: TF-IDF alone 0.852 → 0.864 macro-F1 out of
fold. The scores returned are the six themes' probabilities either way, so thresholds and the
blend with BERT work unchanged.

Saved without pickle: vocabularies as JSON and arrays as safetensors, so loading a model
folder from an untrusted place cannot execute code. Folders saved before these options load
as they were trained (char-only, one-vs-rest). scikit-learn fits; scoring goes through
`tfidf_features.NgramTfidf` (the same vectors from the saved vocabulary and idf), so a model
loaded to classify never imports scikit-learn.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from safetensors.numpy import load_file, save_file
from xinwen.models.tfidf_features import NgramTfidf, words
from xinwen.models.theme_io import article_text

# view name → (prefix of its saved vocabulary and idf, reads the headline alone)
_SAVED = {"char": ("", False), "word": ("word_", False)}


def _view_specs(cfg: dict) -> dict[str, tuple[str, tuple[int, int], int | None]]:
    """The views a config asks for: name → (analyzer, n-gram range, vocabulary cap)."""
    specs = {"char": ("char", (cfg.get("ngram_min", 1), cfg.get("ngram_max", 3)), cfg.get("max_features", 200000))}
    if int(cfg.get("word_ngram_max", 0)):
        specs["word"] = ("word", (1, int(cfg["word_ngram_max"])), cfg.get("word_max_features", 200000))
    if cfg.get("title_view"):
        raise ValueError("tfidf.title_view was an experiment and is gone (docs/experiments/theme_experiments.md)")
    return specs


class TfidfThemeModel:
    architecture = "tfidf"

    def __init__(self, themes: tuple[str, ...], cfg: dict | None = None):
        self.themes = themes
        self.cfg = cfg or {}
        self.specs = _view_specs(self.cfg)
        self.views: dict[str, NgramTfidf] = {}  # fitted, or loaded from a model folder
        self.multinomial = self.cfg.get("objective", "ovr") == "multinomial"
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None

    @staticmethod
    def _inputs(name: str, titles: list[str | None], texts: list[str]) -> list[str]:
        if _SAVED[name][1]:
            return [t or "" for t in titles]
        return [article_text(t, x) for t, x in zip(titles, texts)]

    def _fit_views(self, titles: list[str | None], texts: list[str]):
        """scikit-learn learns each view's vocabulary and idf; inference needs only those."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        mats = []
        for name, (analyzer, rng, cap) in self.specs.items():
            vec = TfidfVectorizer(analyzer=analyzer, ngram_range=rng, max_features=cap, sublinear_tf=True,
                                  dtype=np.float32, preprocessor=words if analyzer == "word" else None)
            mats.append(vec.fit_transform(self._inputs(name, titles, texts)))
            self.views[name] = NgramTfidf(analyzer, rng, dict(vec.vocabulary_), vec.idf_)
        return mats[0] if len(mats) == 1 else sp.hstack(mats).tocsr()

    def _features(self, titles: list[str | None], texts: list[str]):
        mats = [v.transform(self._inputs(name, titles, texts)) for name, v in self.views.items()]
        return mats[0] if len(mats) == 1 else sp.hstack(mats).tocsr()

    def fit(self, titles: list[str], texts: list[str], y: np.ndarray,
            primary: list[str] | None = None) -> TfidfThemeModel:
        """`y`: multi-label targets over the themes; `primary` (one theme or anything else for
        `other`) is what the multinomial objective learns from."""
        from sklearn.linear_model import LogisticRegression

        X = self._fit_views(titles, texts)
        C = self.cfg.get("C", 10.0)
        if self.multinomial:
            if primary is None:
                raise ValueError("objective: multinomial needs the primary labels")
            k = len(self.themes)
            cls = np.array([self.themes.index(p) if p in self.themes else k for p in primary])
            clf = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(X, cls)
            # rows for all k+1 classes in order, even if a class is missing from this data
            self.coef = np.full((k + 1, X.shape[1]), 0.0, dtype=np.float32)
            self.intercept = np.full(k + 1, -1e4, dtype=np.float32)  # a class absent here: never predicted
            if len(clf.classes_) == 2:  # scikit-learn keeps one row for two classes: z, -z
                rows, b = np.vstack([-clf.coef_[0], clf.coef_[0]]) / 2, np.array([-1, 1]) * clf.intercept_[0] / 2
            else:
                rows, b = clf.coef_, clf.intercept_
            self.coef[clf.classes_], self.intercept[clf.classes_] = rows, b
        else:
            coefs, ints = [], []
            for j in range(y.shape[1]):
                clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
                clf.fit(X, y[:, j])
                coefs.append(clf.coef_[0])
                ints.append(clf.intercept_[0])
            self.coef = np.stack(coefs).astype(np.float32)
            self.intercept = np.asarray(ints, dtype=np.float32)
        return self

    def predict_scores(self, titles: list[str | None], texts: list[str]) -> np.ndarray:
        z = np.asarray(self._features(titles, texts) @ self.coef.T + self.intercept)
        if self.multinomial:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return (e / e.sum(axis=1, keepdims=True))[:, : len(self.themes)]
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        meta: dict = {"cfg": self.cfg}
        arrays = {"coef": self.coef, "intercept": self.intercept}
        for name, v in self.views.items():
            prefix = _SAVED[name][0]
            meta[f"{prefix}vocabulary"] = {k: int(j) for k, j in v.vocabulary.items()}
            arrays[f"{prefix}idf"] = v.idf
        (out / "tfidf_vocab.json").write_text(json.dumps(meta, ensure_ascii=False))
        save_file(arrays, str(out / "tfidf.safetensors"))

    @classmethod
    def load(cls, path: Path, themes: tuple[str, ...]) -> TfidfThemeModel:
        meta = json.loads((path / "tfidf_vocab.json").read_text())
        m = cls(themes, meta["cfg"])
        arr = load_file(str(path / "tfidf.safetensors"))
        for name, (analyzer, rng, _) in m.specs.items():
            prefix = _SAVED[name][0]
            m.views[name] = NgramTfidf(analyzer, rng, meta[f"{prefix}vocabulary"], arr[f"{prefix}idf"])
        m.coef, m.intercept = arr["coef"], arr["intercept"]
        return m
