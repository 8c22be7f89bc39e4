"""Which of two readings of a page to keep, judged from the text each one puts together.

The rules reader and the learned layout reader fail in opposite ways: on layouts it was not
tuned on the cascade glues stories together (a page read as three articles for twenty-seven),
while the learned reader, trained on simulated pages only, cuts a People's Daily theory article
at every section head. Neither failure can be seen from the reader's own confidence (the
learned reader is unsure on every real page, right or wrong), but both show in the text: a
reading claims, at every paragraph, either "this runs on from the paragraph before" or "a new
article starts here", and a model of paragraph junctions can say how likely each claim is.

`ReadingJudge` scores a reading as the mean log-probability of its claims, each junction
weighted by the Chinese characters of the paragraph it judges (a table row weighs little), and
text that one reading places in articles and the other leaves out counts as junctions decided
at `unplaced_p`. The junction model is a tree ensemble on a dozen features: how much the
paragraph reads like an article's opening (a logistic model on hashed character n-grams, fitted
on corpus first paragraphs against later ones), how much of its IDF-weighted wording it shares
with the text before it and with the headline, lengths, punctuation, digits. It is fitted on
both readers' output on simulated pages, each junction labelled by the truth
(`xinwen.training.judge_train`), so it knows the readers' own artefacts: captions in bodies,
pull quotes, headline fragments, a weather table read as paragraphs.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file
from xinwen.models.forest import TreeEnsemble
from xinwen.models.headline_style import HeadlineStyle

WEIGHTS, CARD, JUNCTION = "judge.safetensors", "judge.json", "junction"
FEATURES = ["opening", "shared_last", "shared_before", "shared_headline", "has_headline", "log_len",
            "log_len_last", "last_ends_sentence", "position", "cjk_share", "cjk_share_last", "starts_digit",
            "short", "boundary"]
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_END = tuple("。！？”…）")
OPENING_CHARS = 40  # the opening model reads a paragraph's first characters
WEIGHT_CHARS = 200  # a junction weighs the Chinese characters of this much of its paragraph, over this


@dataclass
class ArticleText:
    """What the judge reads of an article: its headline and its body's paragraphs."""

    headline: str | None
    paragraphs: list[str]

    @classmethod
    def of(cls, article) -> ArticleText:
        """From anything with `kicker`, `title`, `subtitle` and `text` (an article of either reader)."""
        head = " ".join(x for x in (article.kicker, article.title, article.subtitle) if x) or None
        return cls(head, [p for p in article.text.split("\n") if p.strip()])


@dataclass
class Junction:
    """One claim of a reading: `paragraph` runs on from `before` (False) or opens an article (True)."""

    headline: str | None  # the headline of the article `before` belongs to
    before: list[str]
    paragraph: str
    boundary: bool


def junctions(articles: Sequence[ArticleText]) -> Iterator[Junction]:
    """Every junction a reading decides, in its order: each paragraph after an article's first
    runs on; each article's first paragraph, after the article before it, does not."""
    prev: ArticleText | None = None
    for a in articles:
        if not a.paragraphs:
            continue
        if prev is not None:
            yield Junction(prev.headline, prev.paragraphs, a.paragraphs[0], True)
        for k in range(1, len(a.paragraphs)):
            yield Junction(a.headline, a.paragraphs[:k], a.paragraphs[k], False)
        prev = a


def likeliest(scores: dict, prefer):
    """The reading with the best score (`compare`); a tie goes to `prefer`."""
    return max(scores, key=lambda k: (scores[k], k == prefer))


def cjk_chars(text: str) -> int:
    return len(_CJK.findall(text))


def bigram_ids(text: str, buckets: int) -> set[int]:
    return {zlib.crc32(text[i : i + 2].encode()) % buckets for i in range(len(text) - 1)}


class ReadingJudge:
    """`compare(readings)`: each reading's mean log-probability of its junction claims."""

    def __init__(self, opening: HeadlineStyle, idf: np.ndarray, junction: TreeEnsemble | None, card: dict | None = None):
        self.opening, self.idf, self.junction, self.card = opening, idf.astype(np.float32), junction, card or {}

    # --- features ------------------------------------------------------------------------------
    def _shared(self, have: set[int], ids: set[int]) -> float:
        """The IDF mass of `ids` that `have` holds too, over the IDF mass of `ids`."""
        if not have or not ids:
            return 0.0
        both = have & ids
        return float(self.idf[list(both)].sum() / self.idf[list(ids)].sum()) if both else 0.0

    def features(self, js: Sequence[Junction]) -> np.ndarray:
        """One row of `FEATURES` a junction."""
        if not js:
            return np.zeros((0, len(FEATURES)), dtype=np.float64)
        opening = self.opening.score([j.paragraph[:OPENING_CHARS] for j in js])
        b = self.opening.buckets
        rows = []
        for j, o in zip(js, opening):
            p, last = j.paragraph, j.before[-1] if j.before else ""
            ids = bigram_ids(p[:WEIGHT_CHARS], b)
            head = bigram_ids(j.headline or "", b)
            rows.append([float(o), self._shared(bigram_ids(last[-WEIGHT_CHARS:], b), ids),
                         self._shared(bigram_ids("".join(j.before)[-3 * WEIGHT_CHARS:], b), ids),
                         self._shared(ids, head) if head else 0.0, float(bool(head)), math.log1p(len(p)),
                         math.log1p(len(last)), float(last.endswith(_SENTENCE_END)), min(len(j.before), 10) / 10,
                         cjk_chars(p) / max(len(p), 1), cjk_chars(last) / max(len(last), 1),
                         float(p[:1].isdigit()), float(len(p) < 20), float(j.boundary)])
        return np.asarray(rows, dtype=np.float64)

    # --- judging -------------------------------------------------------------------------------
    def loglik(self, articles: Sequence[ArticleText]) -> tuple[float, float]:
        """(weighted sum of log P(claim), total weight) of one reading."""
        js = list(junctions(articles))
        if not js or self.junction is None:
            return 0.0, 0.0
        p = np.clip(self.junction.predict_proba(self.features(js))[:, 1], 1e-4, 1 - 1e-4)  # P(runs on)
        claim = np.asarray([not j.boundary for j in js])
        w = np.asarray([cjk_chars(j.paragraph[:WEIGHT_CHARS]) / WEIGHT_CHARS for j in js])
        return float((w * np.where(claim, np.log(p), np.log(1 - p))).sum()), float(w.sum())

    def compare(self, readings: dict[str, Sequence[ArticleText]], unplaced_p: float,
                prior_weight: float = 1.0) -> dict[str, float]:
        """Each reading's score (higher is likelier). Text the fullest reading places and this one
        leaves out counts as that many junction weights decided at `unplaced_p`, and so does a
        prior of `prior_weight` (one full paragraph): a reading that decides almost nothing (one
        short article) is not the likeliest for deciding nothing wrong."""
        placed = {k: sum(cjk_chars(p) for a in v for p in a.paragraphs) for k, v in readings.items()}
        top = max(placed.values(), default=0)
        out = {}
        for k, arts in readings.items():
            total, weight = self.loglik(arts)
            undecided = (top - placed[k]) / WEIGHT_CHARS + prior_weight
            out[k] = (total + undecided * math.log(unplaced_p)) / max(weight + undecided, 1e-9)
        return out

    # --- files ---------------------------------------------------------------------------------
    def save_pretrained(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        save_file({"opening_weights": self.opening.w.astype(np.float32),
                   "opening_bias": np.asarray([self.opening.b], np.float32), "idf": self.idf}, str(folder / WEIGHTS))
        if self.junction is not None:
            self.junction.save(folder, JUNCTION)
        meta = {"buckets": self.opening.buckets, "n_max": self.opening.n_max, "features": FEATURES, **self.card}
        (folder / CARD).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def from_pretrained(cls, folder: str | Path) -> ReadingJudge:
        folder = Path(folder)
        if not (folder / WEIGHTS).is_file():
            raise FileNotFoundError(f"{folder}: no {WEIGHTS} (not a reading judge folder)")
        meta = json.loads((folder / CARD).read_text(encoding="utf-8"))
        if meta.get("features", FEATURES) != FEATURES:
            raise ValueError(f"{folder}: the judge was fitted on other features ({meta.get('features')})")
        t = load_file(str(folder / WEIGHTS))
        opening = HeadlineStyle(t["opening_weights"], float(t["opening_bias"][0]), meta["buckets"], meta.get("n_max", 3))
        junction = TreeEnsemble.load(folder, JUNCTION) if TreeEnsemble.exists(folder, JUNCTION) else None
        return cls(opening, t["idf"], junction, {k: v for k, v in meta.items() if k not in ("buckets", "n_max", "features")})

