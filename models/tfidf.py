"""TF-IDF + linear model: the seconds-to-train baseline, and the theme model's second opinion.

Two views of an article: character 1–3-grams, which need no word list and survive OCR and
segmentation noise, and (`word_ngram_max` > 0) jieba word n-grams, which keep terms such as
`电信诈骗` or `招聘会` whole where character trigrams cut them. Measured on 4-fold out-of-fold
scores over all 2,624 labelled articles, words lift the blend's nested macro-F1 by about half
a point (the TF-IDF table in reports/theme_experiments.md; `benchmarks/theme_tfidf.py` remakes it).

`objective: multinomial` fits one softmax over the six themes and `other` on the primary label;
`ovr` one logistic regression per theme on the multi-label targets. The task's decision is a
primary label, and a softmax that must spend probability on `other` separates theme from
non-theme better than six independent yes/no models: TF-IDF alone 0.852 → 0.864 macro-F1 out of
fold. The scores returned are the six themes' probabilities either way, so thresholds and the
blend with BERT work unchanged.

Saved without pickle: vocabularies as JSON and arrays as safetensors, so loading a model
folder from an untrusted place cannot execute code. Folders saved before these options load
as they were trained (char-only, one-vs-rest).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from safetensors.numpy import load_file, save_file
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from xinwen.models.theme_io import article_text


def _words(doc: str) -> str:
    """jieba words joined by spaces, for scikit-learn's default token pattern (which keeps words
    of two or more characters: single characters are already in the character view)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return " ".join(jieba.lcut(doc)).lower()


def _vectorizer(analyzer: str, lo: int, hi: int, max_features: int | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=analyzer, ngram_range=(lo, hi), max_features=max_features,
                           sublinear_tf=True, dtype=np.float32,
                           preprocessor=_words if analyzer == "word" else None)


class TfidfThemeModel:
    architecture = "tfidf"

    def __init__(self, themes: tuple[str, ...], cfg: dict | None = None):
        cfg = cfg or {}
        self.themes = themes
        self.cfg = cfg
        self.vec = _vectorizer("char", cfg.get("ngram_min", 1), cfg.get("ngram_max", 3), cfg.get("max_features", 200000))
        wmax = int(cfg.get("word_ngram_max", 0))
        self.word_vec = _vectorizer("word", 1, wmax, cfg.get("word_max_features", 200000)) if wmax else None
        # the headline's character n-grams on their own: what an article is *for* is in its title
        self.title_vec = _vectorizer("char", 1, 3) if cfg.get("title_view") else None
        self.multinomial = cfg.get("objective", "ovr") == "multinomial"
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None

    def _features(self, titles: list[str | None], texts: list[str], fit: bool = False):
        docs = [article_text(t, x) for t, x in zip(titles, texts)]
        views = [(self.vec, docs)] + ([(self.word_vec, docs)] if self.word_vec is not None else [])
        if self.title_vec is not None:
            views.append((self.title_vec, [t or "" for t in titles]))
        mats = [v.fit_transform(d) if fit else v.transform(d) for v, d in views]
        return mats[0] if len(mats) == 1 else sp.hstack(mats).tocsr()

    def fit(self, titles: list[str], texts: list[str], y: np.ndarray,
            primary: list[str] | None = None) -> TfidfThemeModel:
        """`y`: multi-label targets over the themes; `primary` (one theme or anything else for
        `other`) is what the multinomial objective learns from."""
        X = self._features(titles, texts, fit=True)
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
        meta = {"vocabulary": {k: int(v) for k, v in self.vec.vocabulary_.items()}, "cfg": self.cfg}
        arrays = {"idf": self.vec.idf_.astype(np.float32), "coef": self.coef, "intercept": self.intercept}
        if self.word_vec is not None:
            meta["word_vocabulary"] = {k: int(v) for k, v in self.word_vec.vocabulary_.items()}
            arrays["word_idf"] = self.word_vec.idf_.astype(np.float32)
        if self.title_vec is not None:
            meta["title_vocabulary"] = {k: int(v) for k, v in self.title_vec.vocabulary_.items()}
            arrays["title_idf"] = self.title_vec.idf_.astype(np.float32)
        (out / "tfidf_vocab.json").write_text(json.dumps(meta, ensure_ascii=False))
        save_file(arrays, str(out / "tfidf.safetensors"))

    @classmethod
    def load(cls, path: Path, themes: tuple[str, ...]) -> TfidfThemeModel:
        meta = json.loads((path / "tfidf_vocab.json").read_text())
        m = cls(themes, meta["cfg"])
        arr = load_file(str(path / "tfidf.safetensors"))
        # the vectorizers __init__ built from the saved config, given the saved vocabularies
        m.vec.set_params(vocabulary=meta["vocabulary"]).idf_ = arr["idf"]
        if m.word_vec is not None:
            m.word_vec.set_params(vocabulary=meta["word_vocabulary"]).idf_ = arr["word_idf"]
        if m.title_vec is not None:
            m.title_vec.set_params(vocabulary=meta["title_vocabulary"]).idf_ = arr["title_idf"]
        m.coef, m.intercept = arr["coef"], arr["intercept"]
        return m
