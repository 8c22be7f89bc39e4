"""`xinwen run`: the resumable daily batch.

Crash safety: each input is read, annotated and written in chunks of `group_size` articles;
a chunk is recorded in `<out stem>.progress.jsonl` (articles and errors so far, `done` on the
last) only after it is written and flushed. `resume=True` cuts OUT and the errors file back to
what the ledger records (atomically), skips finished inputs (same resolved path, same content)
and continues unfinished ones after their last recorded chunk, so an interrupted run plus a
resume equals one uninterrupted run. A lock beside OUT keeps a second run off it.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from xinwen.inference.encoding import InputError
from xinwen.inference.pipeline import Pipeline
from xinwen.inference.records import ArticleRecord, json_cell
from xinwen.inference.sources import Page, expand_inputs, unique_stems
from xinwen.inference.writers import RecordWriter, remove_stale_temps
from xinwen.models.theme_config import ThemeModelConfig

from xinwen.settings import file_sha256
from xinwen.ui import progress_bar


@dataclass
class RunSummary:
    inputs: int = 0
    skipped: int = 0
    pages: int = 0
    articles: int = 0
    errors: int = 0
    seconds: float = 0.0
    error_list: list[dict] = field(default_factory=list)

    def line(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        return (f"{_count(self.inputs, 'input')} ({self.skipped} already done), {_count(self.pages, 'page')}, "
                f"{_count(self.articles, 'article')}, {_count(self.errors, 'error')} in {self.seconds:.1f}s "
                f"({rate:.1f} articles/s)")


def page_label(page: Page) -> str:
    """What the bar says while a page is read: `scan.pdf p3 (OCR)`."""
    return f"{Path(page.source).name} p{page.page}" + (" (OCR)" if page.layout.ocr else "")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def side_paths(out: Path) -> tuple[Path, Path]:
    stem = out.name[: -len(out.suffix)] if out.suffix else out.name
    return out.with_name(f"{stem}.errors.jsonl"), out.with_name(f"{stem}.progress.jsonl")


# one input's work: groups of annotated records, the errors met while making each, and whether
# the group is the input's last
Groups = Iterator[tuple[list[ArticleRecord], list[dict], bool]]


def input_groups(pipeline: Pipeline, path: str, stem: str, before: dict, group_size: int,
                 on_page: Callable[[Page], None] | None = None) -> Groups:
    """One input through the pipeline, `group_size` articles at a time, continuing after what the
    resumed run's ledger entry `before` counts. Both engines run this; the Ray engine runs it in
    its actors."""
    skip_errors = before.get("errors", 0)
    seen_errors = 0
    errs: list[dict] = []

    def on_error(e: InputError) -> None:
        nonlocal seen_errors
        seen_errors += 1
        if seen_errors > skip_errors:  # the first ones were reported by the run this one resumes
            errs.append({"input": path, "line": e.line, "reason": str(e)})

    for group, done in pipeline.groups(path, stem, on_error, group_size, skip=before.get("articles", 0),
                                       input_name=path, on_page=on_page):
        yield group, list(errs), done
        errs.clear()


def _record_input(path: str, sha: str | None, before: dict, groups: Groups, w: RecordWriter, err_path: Path,
                  prog_path: Path, summary: RunSummary) -> None:
    """Write one input's groups as they come: records, then its errors, then its ledger entry
    (articles and errors so far, `done` on the last), so a crash anywhere costs at most the group
    being written, and a resume continues after the last recorded one."""
    n_articles, n_errors = before.get("articles", 0), before.get("errors", 0)
    pages: set = set()
    for group, errs, done in groups:
        for r in group:
            w.write(r)
            pages.add(r.page)
        w.flush()
        for e in errs:
            _append_jsonl(err_path, e)
        n_articles += len(group)
        n_errors += len(errs)
        _append_jsonl(prog_path, {"input": path, "key": input_key(path), "sha256": sha, "articles": n_articles,
                                  "errors": n_errors, "done": done})
        summary.articles += len(group)
        summary.errors += len(errs)
        summary.error_list.extend(errs)
    summary.pages += len(pages - {None})


@dataclass(frozen=True)
class Task:
    """One input still to do, as the driver hands it to an engine."""

    path: str
    stem: str
    sha: str | None
    before: dict


class LocalEngine:
    """In this process, one input after another, each streamed in groups. `on_page`, when set,
    hears of every page as it is read: `run`'s bar names the page it is on (a scanned PDF's
    pages take seconds each)."""

    def __init__(self, pipeline: Pipeline, group_size: int = 64):
        self.pipeline, self.group_size = pipeline, group_size
        self.on_page: Callable[[Page], None] | None = None

    def results(self, tasks: list[Task]) -> Iterator[tuple[Task, Groups]]:
        for t in tasks:
            yield t, input_groups(self.pipeline, t.path, t.stem, t.before, self.group_size, self.on_page)

    def taxonomy(self) -> ThemeModelConfig | None:
        """The themes the records are tagged with: the theme model's own (None: not classified)."""
        return self.pipeline.model.config if self.pipeline is not None and self.pipeline.model is not None else None


def _resolved(path: str | Path) -> Path:
    """The resolved path, or the absolute one where resolving fails (a symlink loop)."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError):
        return Path(path).absolute()


def input_key(path: str) -> str:
    """An input as resume knows it: its resolved path, so `pages/` and `/abs/pages/` agree."""
    return path if path == "-" else str(_resolved(path))


def content_hash(path: str) -> str | None:
    """SHA-256 of an input's bytes (None when it cannot be read): a file changed since the last
    run is done again."""
    if path == "-" or not Path(path).is_file():  # a FIFO would block here
        return None
    try:
        return file_sha256(path)
    except OSError:
        return None


class RunLocked(ValueError):
    """Another run writes the same OUT (a ValueError: the CLI reports it in one line, exit 2)."""


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """An exclusive lock beside OUT for the whole run: a second run on the same OUT is refused
    and told who holds it, instead of both writing and one losing records."""
    import fcntl

    out.parent.mkdir(parents=True, exist_ok=True)
    lock = out.with_name(f".{out.name}.lock")
    fh = open(lock, "a+", encoding="utf-8")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.seek(0)
        holder = fh.read().strip() or "another process"
        fh.close()
        raise RunLocked(f"{out}: another xinwen run is writing it ({holder}); wait for it or use another -o") from None
    fh.seek(0)
    fh.truncate()
    fh.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
    fh.flush()
    try:
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
        lock.unlink(missing_ok=True)


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut by a crash
    return out


def _read_out(out: Path) -> list[dict]:
    if not out.exists():
        return []
    if out.suffix.lower() == ".csv":
        with open(out, encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    return _read_jsonl(out)


def _rewrite_keeping(path: Path, keep: Callable[[dict], bool], reader: Callable[[Path], list[dict]]) -> None:
    recs = [r for r in reader(path) if keep(r)]
    with RecordWriter(path) as w:  # atomic replace
        for r in recs:
            w.write(r if path.suffix.lower() != ".csv" else {k: json_cell(v) for k, v in r.items()})


def _append_jsonl(path: Path, rec: dict) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def run_batch(inputs: list[str], out: str | Path, pipeline: Pipeline | None, resume: bool = False,
              report: str | Path | None = None, quiet: bool = False,
              on_input_done: Callable[[str], None] | None = None, group_size: int = 64,
              lock: bool = True, engine=None, taxonomy: ThemeModelConfig | None = None) -> RunSummary:
    """Segment, classify and digest every input into `out`; see the module docstring for safety.
    `engine` does the work (default: `LocalEngine(pipeline)`; `ray_engine.RayEngine` on a cluster);
    this function alone writes OUT, the errors file, the ledger and the briefing, so both engines
    give the same files and each resumes the other's runs.
    `lock=False`: the caller holds `locked(out)` already (the CLI takes it before loading models).
    `taxonomy` names the briefing's themes (default: the engine's theme model's own)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with locked(out) if lock else nullcontext():
        for p in (out, *side_paths(out)):
            remove_stale_temps(p)
        engine = engine or LocalEngine(pipeline, group_size)
        return _run(inputs, out, engine, resume, report, quiet, on_input_done, taxonomy)


def _resume_state(paths: list[str], hashes: dict, out: Path, err_path: Path, prog_path: Path) -> dict:
    """What a resumed run keeps, per (resolved path, content hash): the ledger's last entry for
    that input. An input is finished when that entry says `done` and it did not fail outright (no
    article and an error: a missing or empty file, fixed since); an unfinished one continues
    after the articles and errors its last entry counts. OUT, the errors file and the ledger are
    cut back to exactly what the kept entries count (atomically), so a crash between writing
    articles and recording them costs nothing twice."""
    current = {(input_key(p), hashes[p]) for p in paths}
    last: dict[str, dict] = {}
    for e in _read_jsonl(prog_path):
        last[e["input"]] = e
    keep = {name: e for name, e in last.items()
            if (e.get("key") or input_key(name), e.get("sha256")) in current
            and not (e.get("done", True) and e.get("articles", 0) == 0 and e.get("errors", 0) > 0)}

    def counter(field: str):
        seen: dict[str, int] = {}

        def ok(r: dict) -> bool:
            name = r.get("input")
            if name not in keep:
                return False
            seen[name] = seen.get(name, 0) + 1
            return seen[name] <= keep[name].get(field, 0)
        return ok

    _rewrite_keeping(out, counter("articles"), _read_out)
    _rewrite_keeping(err_path, counter("errors"), _read_jsonl)
    with RecordWriter(prog_path) as w:  # atomic: one entry per kept input, its last
        for e in keep.values():
            w.write(e)
    return {(e.get("key") or input_key(name), e.get("sha256")): e for name, e in keep.items()}


def _run(inputs: list[str], out: Path, engine, resume: bool, report: str | Path | None, quiet: bool,
         on_input_done: Callable[[str], None] | None, taxonomy: ThemeModelConfig | None) -> RunSummary:
    err_path, prog_path = side_paths(out)
    own = {_resolved(p) for p in (out, err_path, prog_path, out.with_name(f".{out.name}.lock"))}
    paths = [p for p in expand_inputs(inputs) if p == "-" or _resolved(p) not in own]
    hashes = {p: content_hash(p) for p in paths}
    stems = unique_stems(paths)
    state: dict[tuple[str, str | None], dict] = {}
    if resume:
        state = _resume_state(paths, hashes, out, err_path, prog_path)
    else:
        for p in (out, err_path, prog_path):
            p.unlink(missing_ok=True)
    summary = RunSummary(inputs=len(paths))
    tasks = []
    for path in paths:
        before = state.get((input_key(path), hashes[path]), {})
        if before.get("done", bool(before)):
            summary.skipped += 1
        else:
            tasks.append(Task(path, stems[path], hashes[path], before))
    t0 = time.time()
    with progress_bar(quiet) as bar, RecordWriter(out, append=True) as w:
        task = bar.add_task("run", total=len(paths), info="", completed=summary.skipped)
        if isinstance(engine, LocalEngine):  # the Ray engine's pages are read where its actors run
            engine.on_page = lambda page: bar.update(task, info=page_label(page))
        for t, groups in engine.results(tasks):  # in input order, whatever the engine
            _record_input(t.path, t.sha, t.before, groups, w, err_path, prog_path, summary)
            bar.update(task, advance=1, info=f"{summary.articles / max(time.time() - t0, 1e-6):.1f} articles/s")
            if on_input_done:
                on_input_done(t.path)
    summary.seconds = time.time() - t0
    if report:
        from xinwen.inference.briefing import write_briefing

        taxonomy = taxonomy or engine.taxonomy()
        write_briefing([ArticleRecord.from_fields(r) for r in _read_out(out)], _read_jsonl(err_path), report, summary,
                       taxonomy)
    return summary
