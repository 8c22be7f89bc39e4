"""Character n-gram TF-IDF + linear model: the seconds-to-train baseline.

Saved without pickle: vocabulary as JSON and arrays as safetensors, so loading a model
folder from an untrusted place cannot execute code.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from xinwen.models.theme_io import article_text


class TfidfThemeModel:
    architecture = "tfidf"

    def __init__(self, themes: tuple[str, ...], cfg: dict | None = None):
        cfg = cfg or {}
        self.themes = themes
        self.cfg = cfg
        self.vec = TfidfVectorizer(analyzer="char", ngram_range=(cfg.get("ngram_min", 1), cfg.get("ngram_max", 3)),
                                   max_features=cfg.get("max_features", 200000), sublinear_tf=True, dtype=np.float32)
        self.coef: np.ndarray | None = None
        self.intercept: np.ndarray | None = None

    def fit(self, titles: list[str], texts: list[str], y: np.ndarray) -> TfidfThemeModel:
        X = self.vec.fit_transform([article_text(t, x) for t, x in zip(titles, texts)])
        coefs, ints = [], []
        for j in range(y.shape[1]):
            clf = LogisticRegression(C=self.cfg.get("C", 10.0), class_weight="balanced", max_iter=2000)
            clf.fit(X, y[:, j])
            coefs.append(clf.coef_[0])
            ints.append(clf.intercept_[0])
        self.coef = np.stack(coefs).astype(np.float32)
        self.intercept = np.asarray(ints, dtype=np.float32)
        return self

    def predict_scores(self, titles: list[str | None], texts: list[str]) -> np.ndarray:
        X = self.vec.transform([article_text(t, x) for t, x in zip(titles, texts)])
        z = X @ self.coef.T + self.intercept
        return 1.0 / (1.0 + np.exp(-np.asarray(z)))

    def save(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        vocab = {k: int(v) for k, v in self.vec.vocabulary_.items()}
        (out / "tfidf_vocab.json").write_text(json.dumps({"vocabulary": vocab, "cfg": self.cfg}, ensure_ascii=False))
        save_file({"idf": self.vec.idf_.astype(np.float32), "coef": self.coef, "intercept": self.intercept},
                  str(out / "tfidf.safetensors"))

    @classmethod
    def load(cls, path: Path, themes: tuple[str, ...]) -> TfidfThemeModel:
        meta = json.loads((path / "tfidf_vocab.json").read_text())
        m = cls(themes, meta["cfg"])
        arr = load_file(str(path / "tfidf.safetensors"))
        m.vec = TfidfVectorizer(analyzer="char", ngram_range=(m.cfg.get("ngram_min", 1), m.cfg.get("ngram_max", 3)),
                                vocabulary=meta["vocabulary"], sublinear_tf=True, dtype=np.float32)
        m.vec.idf_ = arr["idf"]
        m.coef, m.intercept = arr["coef"], arr["intercept"]
        return m
