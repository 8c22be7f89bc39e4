"""Batch pipeline: articles in, theme + digest added, records out.

Used by `classify`, `summarize` and `run`. Articles are processed in chunks (flat memory);
the theme model sees length-sorted batches across a whole chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from xinwen.inference.articles import articles_from
from xinwen.inference.encoding import InputError
from xinwen.inference.records import ArticleRecord
from xinwen.inference.segmentation.layout import Segmenter
from xinwen.inference.sources import Page, expand_inputs, unique_stems
from xinwen.inference.writers import RecordWriter

from xinwen.ui import progress_bar


class Pipeline:
    def __init__(self, theme_model: str | None = None, backend: str = "auto", classify: bool = True,
                 digest: bool = True, digest_method: str = "learned", digest_model: str | None = None,
                 max_chars: int = 30, batch_size: int = 32, segmenter: Segmenter = Segmenter.AUTO):
        self.model = self.digester = None
        self.segmenter = Segmenter(segmenter)
        if classify:
            from xinwen.models.theme import ThemeModel

            self.model = ThemeModel.from_pretrained(theme_model, backend=backend)
        if digest:
            from xinwen.inference.digest import Digester

            self.digester = Digester(digest_method, digest_model, max_chars)
        self.batch_size = batch_size

    def annotate(self, recs: list[ArticleRecord], progress: Callable[[int], None] | None = None) -> list[ArticleRecord]:
        """Fill in `theme`, `themes`, `scores` and/or `digest` of each record, in place."""
        if not recs:
            return recs
        if self.model is not None:
            preds = self.model.predict([r.title for r in recs], [r.text for r in recs], self.batch_size)
            for r, p in zip(recs, preds):
                r.theme, r.themes, r.scores = p["theme"], p["themes"], p["scores"]
        if self.digester is not None:
            for r in recs:
                # no kicker/subtitle context: the shipped ranker was trained without it
                r.digest = self.digester(r.text)
        if progress:
            progress(len(recs))
        return recs

    def groups(self, path: str, stem: str, on_error: Callable[[InputError], None], size: int,
               skip: int = 0, input_name: str | None = None,
               on_page: Callable[[Page], None] | None = None) -> Iterator[tuple[list[ArticleRecord], bool]]:
        """The one loop every command runs: one input's articles, `size` at a time, annotated,
        each group with whether the input is finished (the last group, possibly empty). The first
        `skip` articles (done by a run this one resumes) are read but not annotated;
        `input_name` (`run`'s name for the input) goes into each record's `input`; `on_page` hears
        of each page as it is read (progress)."""
        group: list[ArticleRecord] = []
        for n, r in enumerate(articles_from(path, on_error, self.segmenter, stem, on_page), 1):
            if n <= skip:
                continue
            if input_name is not None:
                r.input = input_name
            group.append(r)
            if len(group) >= size:
                yield self.annotate(group), False
                group = []
        yield self.annotate(group), True

    def process(self, inputs: Iterable[str], out: str | Path | None, on_error: Callable[[InputError], None],
                chunk_size: int = 256, quiet: bool = False) -> int:
        """Every article of `inputs` through the pipeline into `out` (atomic file, or stdout):
        `classify` and `summarize`. `run` adds the ledger, the errors file and resume (batch.py)."""
        paths = list(expand_inputs(list(inputs)))
        stems = unique_stems(paths)
        with progress_bar(quiet) as bar, RecordWriter(out) as w:
            task = bar.add_task("articles", total=None, info="")
            for path in paths:
                for group, _ in self.groups(path, stems[path], on_error, chunk_size):
                    for r in group:
                        w.write(r)
                    bar.update(task, advance=len(group))
        return w.count
