"""Batch pipeline: articles in, theme + digest added, records out.

Used by `classify`, `summarize` and `run`. Articles are processed in chunks (flat memory);
the theme model sees length-sorted batches across a whole chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from xinwen.inference.articles import chunks, iter_articles
from xinwen.inference.encoding import InputError
from xinwen.inference.segmentation.layout import Segmenter
from xinwen.inference.writers import RecordWriter

from xinwen.ui import progress_bar


class Pipeline:
    def __init__(self, theme_model: str | None = None, backend: str = "auto", classify: bool = True,
                 digest: bool = True, digest_method: str = "learned", digest_model: str | None = None,
                 max_chars: int = 30, batch_size: int = 32, segmenter: Segmenter = Segmenter.RULES):
        self.model = self.digester = None
        self.segmenter = Segmenter(segmenter)
        if classify:
            from xinwen.models.theme import ThemeModel

            self.model = ThemeModel.from_pretrained(theme_model, backend=backend)
        if digest:
            from xinwen.inference.digest import Digester

            self.digester = Digester(digest_method, digest_model, max_chars)
        self.batch_size = batch_size

    def annotate(self, recs: list[dict], progress: Callable[[int], None] | None = None) -> list[dict]:
        """Add `theme`, `themes`, `scores` and/or `digest` to each record, in place."""
        if not recs:
            return recs
        if self.model is not None:
            preds = self.model.predict([r.get("title") for r in recs], [str(r["text"]) for r in recs], self.batch_size)
            for r, p in zip(recs, preds):
                r.update(p)
        if self.digester is not None:
            for r in recs:
                # no kicker/subtitle context: the shipped ranker was trained without it
                r["digest"] = self.digester(str(r["text"]))
        if progress:
            progress(len(recs))
        return recs

    def process(self, inputs: Iterable[str], out: str | Path | None, on_error: Callable[[InputError], None],
                chunk_size: int = 256, quiet: bool = False) -> int:
        """Stream every article of `inputs` through the pipeline into `out` (atomic file or stdout)."""
        with progress_bar(quiet) as bar, RecordWriter(out) as w:
            task = bar.add_task("articles", total=None, info="")
            for chunk in chunks(iter_articles(list(inputs), on_error, self.segmenter), chunk_size):
                for r in self.annotate(chunk, lambda n: bar.update(task, advance=n)):
                    w.write(r)
        return w.count
