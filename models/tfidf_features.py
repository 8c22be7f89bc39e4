"""TF-IDF features at inference time, without scikit-learn.

scikit-learn fits the vocabularies and idf weights (`TfidfThemeModel.fit`); this module turns
text into the same vectors from the saved vocabulary and idf alone. Importing scikit-learn
costs about 2.3 s on the project's 2-core machine, more than a whole page's classification, and
a one-page `xinwen run` paid it for a transform that is a few lines of counting. The analyzers
below follow `sklearn.feature_extraction.text.TfidfVectorizer` step for step (lowercase, runs of
whitespace squeezed, n-grams, `1 + log(tf)`, idf, L2), and `tests/test_tfidf_features.py` pins
them to scikit-learn's own `transform` on the same fitted vocabulary.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp

_WHITESPACE = re.compile(r"\s\s+")  # TfidfVectorizer._white_spaces
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # TfidfVectorizer's default token_pattern


def words(doc: str) -> str:
    """jieba words joined by spaces, for the default token pattern (which keeps words of two or
    more characters: single characters are already in the character view)."""
    from xinwen.models.quiet import quiet_jieba

    return " ".join(quiet_jieba().lcut(doc)).lower()


def ngrams(units: Sequence[str], lo: int, hi: int) -> list[str]:
    """All n-grams for lo ≤ n ≤ hi, shortest first, in scikit-learn's order: substrings of a
    string (characters), space-joined runs of a list (words)."""
    out = list(units) if lo == 1 else []
    for n in range(max(lo, 2), min(hi, len(units)) + 1):
        if isinstance(units, str):
            out.extend(units[i : i + n] for i in range(len(units) - n + 1))
        else:
            out.extend(" ".join(units[i : i + n]) for i in range(len(units) - n + 1))
    return out


def char_analyzer(lo: int, hi: int) -> Callable[[str], list[str]]:
    return lambda doc: ngrams(_WHITESPACE.sub(" ", doc.lower()), lo, hi)


def word_analyzer(lo: int, hi: int) -> Callable[[str], list[str]]:
    return lambda doc: ngrams(_TOKEN.findall(words(doc)), lo, hi)


class NgramTfidf:
    """One fitted TF-IDF view: analyzer, vocabulary (term → column) and idf weights."""

    def __init__(self, analyzer: str, ngram_range: tuple[int, int], vocabulary: dict[str, int], idf: np.ndarray):
        if analyzer not in ("char", "word"):
            raise ValueError(f"unknown analyzer {analyzer!r}; the theme model uses char or word")
        self.analyzer, self.ngram_range = analyzer, (int(ngram_range[0]), int(ngram_range[1]))
        self.vocabulary = vocabulary
        self.idf = np.asarray(idf, dtype=np.float32)
        self._analyze = (char_analyzer if analyzer == "char" else word_analyzer)(*self.ngram_range)

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        indptr, indices, counts = [0], [], []
        for doc in docs:
            c = Counter(map(self.vocabulary.get, self._analyze(doc)))  # counted in C; None: not in the vocabulary
            c.pop(None, None)
            cols = sorted(c)
            indices.extend(cols)
            counts.extend(c[j] for j in cols)
            indptr.append(len(indices))
        idx = np.asarray(indices, dtype=np.int64)
        data = (np.log(np.asarray(counts, dtype=np.float32)) + np.float32(1.0)) * self.idf[idx]
        rows = np.repeat(np.arange(len(docs)), np.diff(indptr))
        norms = np.sqrt(np.bincount(rows, weights=data.astype(np.float64) ** 2, minlength=len(docs)))
        data = (data / np.where(norms == 0, 1.0, norms)[rows]).astype(np.float32)
        return sp.csr_matrix((data, idx, np.asarray(indptr, dtype=np.int64)), shape=(len(docs), len(self.idf)))
