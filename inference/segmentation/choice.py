"""`--segmenter auto`: a page read both ways, the reading the judge finds likelier kept.

Neither reader is best everywhere we can check: the rules read the People's Daily theory pages
and the bundled regional page they were tuned on almost perfectly and other papers' pages badly,
the learned reader the other way round (docs/benchmarks.md). So every page (a PDF page, a scan,
a text dump) is read by both and `ReadingJudge` (models/reading_judge.py), fitted on both
readers' output on simulated PDF pages, keeps one reading whole. It never mixes the two: a
reading is judged as the set of cuts it makes, and half of one reader's cuts with half of the
other's is no reading either made.
"""

from __future__ import annotations

from functools import lru_cache

from xinwen.inference.segmentation.layout import LayoutConfig, Segmenter
from xinwen.models.reading_judge import ArticleText, ReadingJudge, likeliest

_bundled: ReadingJudge | None = None


@lru_cache(maxsize=1)
def _shipped_config() -> LayoutConfig:
    """`configs/layout.yaml`, read once a process rather than once a page."""
    return LayoutConfig.from_yaml()


def bundled_judge() -> ReadingJudge:
    """The shipped judge, loaded once a process."""
    global _bundled
    if _bundled is None:
        from xinwen.settings import BUNDLED

        _bundled = ReadingJudge.from_pretrained(BUNDLED["judge_model"])
    return _bundled


def use_as_bundled(folder) -> ReadingJudge:
    """Make the judge in `folder` the one `auto` uses in this process (benchmarks, experiments)."""
    global _bundled
    _bundled = ReadingJudge.from_pretrained(folder)
    return _bundled


def judged(readings: dict[Segmenter, list], config: LayoutConfig | None = None) -> tuple[Segmenter, dict[Segmenter, float]]:
    """The reading to keep and every reading's score; a tie goes to the learned reader."""
    cfg = config or _shipped_config()
    scores = bundled_judge().compare({k: [ArticleText.of(a) for a in v] for k, v in readings.items()},
                                     cfg.judge_unplaced_p, cfg.judge_prior_weight)
    return likeliest(scores, Segmenter.LEARNED), scores
