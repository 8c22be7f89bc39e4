"""Which unlabelled articles to label next: uncertainty sampling with a diversity constraint.

The theme model's errors sit on the boundary between a theme and `other` (and between industry
and governance). A label teaches most where the model's decision is closest to flipping, so the
candidates are the articles with the smallest *margin*: the distance of a theme's score to its
tuned threshold, or the gap between the two best themes over their thresholds. Taken alone, the
most uncertain articles are often one story in several outlets' versions, or one narrow topic;
so near duplicates are dropped (cosine of character-bigram TF-IDF vectors) and the pick is spread
by clustering the candidates on the article vectors joined with the model's own score vector
(articles that sit on the same boundary in the same way cluster together) and taking the most
uncertain article of each cluster. Articles the model already learned from or was tuned on
(`seen.json`) and any in `--exclude` files are never suggested.

This is Prodigy's `textcat.teach` done in a batch, offline, for annotation tools people already run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# cosine of character-bigram TF-IDF vectors above which two articles are one story retold
NEAR_DUPLICATE = 0.8
# candidates clustered per suggestion: wider gives more spread, narrower more uncertainty
POOL_FACTOR = 4


@dataclass(frozen=True)
class Suggestion:
    """One article to label, with the model's opinion as a pre-annotation."""

    id: str
    title: str
    text: str
    theme: str                       # the model's primary call
    themes: list[str]                # themes over threshold, best first
    scores: dict[str, float]
    margin: float                    # how far the decision is from flipping: small = uncertain
    cluster: int
    source: str = ""                 # file the article came from
    extra: dict = field(default_factory=dict)


def margins(scores: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per row, the smallest change of one score that changes the primary decision.

    Near a threshold: |score − threshold| of any theme (crossing it adds or removes the theme,
    and can turn `other` into a theme). Between two themes both over threshold: half the gap
    of the best two (each moving halfway swaps them)."""
    scores = np.asarray(scores, dtype=np.float64)
    near = np.abs(scores - thresholds).min(axis=1)
    over = np.where(scores >= thresholds, scores, -np.inf)
    top2 = -np.sort(-over, axis=1)[:, :2] if scores.shape[1] > 1 else np.full((len(scores), 2), -np.inf)
    two = np.isfinite(top2[:, 1])
    gap = np.full(len(scores), np.inf)
    gap[two] = (top2[two, 0] - top2[two, 1]) / 2
    return np.minimum(near, gap)


def _vectors(texts: Sequence[str]):
    """L2-normalised character-bigram TF-IDF: enough to see that two items are one story."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True, dtype=np.float32,
                           max_features=100000).fit_transform(texts)


def select(scores: np.ndarray, thresholds: np.ndarray, texts: Sequence[str], n: int, seed: int = 0
           ) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Indices of the `n` rows to label (most uncertain first), their clusters, and all margins.

    Model-agnostic: any scores with per-theme thresholds, so the benchmark can drive it with a
    TF-IDF model retrained each round and `suggest` with the shipped blend."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD

    m = margins(scores, thresholds)
    if n <= 0 or len(m) == 0:
        return [], np.zeros(0, dtype=int), m
    order = np.argsort(m, kind="stable")
    pool = order[: min(len(order), max(n * POOL_FACTOR, n + 16))]
    X = _vectors([texts[i] for i in pool])
    # drop near duplicates, keeping the more uncertain copy (pool is in margin order)
    sims = (X @ X.T).tocsr()
    keep: list[int] = []
    dropped = np.zeros(len(pool), dtype=bool)
    for a in range(len(pool)):
        if dropped[a]:
            continue
        keep.append(a)
        row = sims.getrow(a)
        for b, s in zip(row.indices, row.data):
            if b > a and s >= NEAR_DUPLICATE:
                dropped[b] = True
    pool, X = pool[keep], X[keep]
    k = min(n, len(pool))
    if k == len(pool):
        return [int(i) for i in pool], np.arange(k), m
    dims = max(2, min(64, X.shape[1] - 1, len(pool) - 1))
    emb = TruncatedSVD(dims, random_state=seed).fit_transform(X)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
    s = np.asarray(scores, dtype=np.float64)[pool]
    emb = np.hstack([emb, s / (np.linalg.norm(s, axis=1, keepdims=True) + 1e-9)])
    labels = KMeans(k, n_init=3, random_state=seed).fit_predict(emb)
    chosen: dict[int, int] = {}
    for j in range(len(pool)):  # pool is in margin order: the first member of a cluster is its most uncertain
        chosen.setdefault(int(labels[j]), j)
    picks = sorted(chosen.values())
    return [int(pool[j]) for j in picks], labels[picks], m


def suggest(corpus: Iterable[str | Path], n: int, model: str | Path | None = None,
            exclude: Iterable[str | Path] = (), backend: str = "auto", limit: int | None = None,
            seed: int = 0, quiet: bool = False) -> list[Suggestion]:
    """The `n` corpus articles whose labels would teach the theme model most."""
    from xinwen.models.theme import ThemeModel
    from xinwen.models.theme_io import decide
    from xinwen.training.corpus import normalise
    from xinwen.training.label_exchange import read_texts
    from xinwen.training.seen import fingerprint, read_seen

    from xinwen.ui import progress_bar

    tm = ThemeModel.from_pretrained(model, backend=backend)
    seen = read_seen(tm.path)
    skip = seen["train"] | seen["dev"]
    for f in exclude:
        skip |= {fingerprint(t) for t in read_texts(f)}
    items, fps = [], set()
    for path in corpus:
        for it in read_texts(path, with_items=True):
            text = normalise(it["text"])
            fp = fingerprint(text)
            if not text or fp in skip or fp in fps:  # a corpus repeats stories across outlets
                continue
            fps.add(fp)
            items.append({**it, "text": text, "source": str(path)})
            if limit and len(items) >= limit:
                break
        if limit and len(items) >= limit:
            break
    if not items:
        raise ValueError("no unlabelled articles left to suggest: every corpus article is excluded or seen")
    with progress_bar(quiet) as bar:
        task = bar.add_task("score", total=len(items), info="")
        scores = tm.predict_scores([it["title"] or None for it in items], [it["text"] for it in items],
                                   progress=lambda k: bar.update(task, advance=k))
    picks, clusters, m = select(scores, tm.thresholds, [f"{it['title']}\n{it['text']}" for it in items], n, seed)
    calls = decide(scores[picks], tm.themes, tm.thresholds, tm.other)
    return [Suggestion(items[i]["id"], items[i]["title"], items[i]["text"], c["theme"], c["themes"], c["scores"],
                       round(float(m[i]), 4), int(cl), items[i]["source"])
            for i, c, cl in zip(picks, calls, clusters)]



def write_suggestions(corpus: Iterable[str | Path], n: int, out: str | Path, fmt: str = "jsonl",
                      model: str | Path | None = None, exclude: Iterable[str | Path] = (), backend: str = "auto",
                      limit: int | None = None, seed: int = 0, quiet: bool = False) -> dict:
    """`suggest`, written in a tool's import format (atomically); Label Studio also gets its
    labelling config beside the tasks. Returns counts per suggested theme."""
    import json
    from collections import Counter

    from xinwen.inference.writers import write_jsonl_atomic, write_text_atomic
    from xinwen.training.label_exchange import ExchangeFormat, labelstudio_config, suggestion_rows

    fmt_ = ExchangeFormat(fmt)
    picks = suggest(corpus, n, model, exclude, backend, limit, seed, quiet)
    version = Path(model).name if model else "xinwen-bundled"
    rows = suggestion_rows(picks, fmt_, version)
    out = Path(out)
    if fmt_ is ExchangeFormat.LABELSTUDIO:
        write_text_atomic(out, json.dumps(rows, ensure_ascii=False, indent=1))
        write_text_atomic(out.with_suffix(".config.xml"), labelstudio_config())
    else:
        write_jsonl_atomic(out, rows)
    return {"suggested": len(picks), "by_model_theme": dict(Counter(s.theme for s in picks)),
            "median_margin": float(np.median([s.margin for s in picks])) if picks else None}
