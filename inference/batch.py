"""`xinwen run`: the resumable daily batch.

Crash safety: articles are appended input by input and flushed; an input is marked done in
`<out stem>.progress.jsonl` only after all its articles are written. `resume=True` first
drops any articles of unfinished inputs from OUT (atomically), then skips done inputs, so
an interrupted run plus a resume equals one uninterrupted run.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from xinwen.inference.articles import articles_from
from xinwen.inference.pipeline import Pipeline
from xinwen.inference.sources import expand_inputs
from xinwen.inference.writers import RecordWriter, remove_stale_temps

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


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def side_paths(out: Path) -> tuple[Path, Path]:
    stem = out.name[: -len(out.suffix)] if out.suffix else out.name
    return out.with_name(f"{stem}.errors.jsonl"), out.with_name(f"{stem}.progress.jsonl")


def input_key(path: str) -> str:
    """An input as resume knows it: its resolved path, so `pages/` and `/abs/pages/` agree."""
    return path if path == "-" else str(Path(path).resolve())


def content_hash(path: str) -> str | None:
    """SHA-256 of an input's bytes (None when it cannot be read): a file changed since the last
    run is done again."""
    if path == "-":
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
            w.write(r if path.suffix.lower() != ".csv" else {k: _csv_back(v) for k, v in r.items()})


def _csv_back(v: str):
    if isinstance(v, str) and v[:1] in "[{":
        try:
            return json.loads(v)
        except json.JSONDecodeError:
            return v
    return v


def _append_jsonl(path: Path, rec: dict) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def run_batch(inputs: list[str], out: str | Path, pipeline: Pipeline, resume: bool = False,
              report: str | Path | None = None, quiet: bool = False,
              on_input_done: Callable[[str], None] | None = None, group_size: int = 64) -> RunSummary:
    """Segment, classify and digest every input into `out`; see the module docstring for safety."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with locked(out):
        for p in (out, *side_paths(out)):
            remove_stale_temps(p)
        return _run(inputs, out, pipeline, resume, report, quiet, on_input_done, group_size)


def _run(inputs: list[str], out: Path, pipeline: Pipeline, resume: bool, report: str | Path | None, quiet: bool,
         on_input_done: Callable[[str], None] | None, group_size: int) -> RunSummary:
    err_path, prog_path = side_paths(out)
    own = {p.resolve() for p in (out, err_path, prog_path, out.with_name(f".{out.name}.lock"))}
    paths = [p for p in expand_inputs(inputs) if p == "-" or Path(p).resolve() not in own]
    hashes = {p: content_hash(p) for p in paths}
    done: set[tuple[str, str | None]] = set()
    if resume:
        # an input is done when the ledger has it, by resolved path and unchanged content, and it
        # did not fail outright (no article and an error: a missing or empty file, fixed since)
        current = {(input_key(p), hashes[p]) for p in paths}
        entries = [e for e in _read_jsonl(prog_path)
                   if not (e.get("articles", 0) == 0 and e.get("errors", 0) > 0)
                   and (e.get("key") or input_key(e["input"]), e.get("sha256")) in current]
        done = {(e.get("key") or input_key(e["input"]), e.get("sha256")) for e in entries}
        kept = {e["input"] for e in entries}
        _rewrite_keeping(out, lambda r: r.get("input") in kept, _read_out)
        _rewrite_keeping(err_path, lambda r: r.get("input") in kept, _read_jsonl)
        _rewrite_keeping(prog_path, lambda r: r.get("input") in kept, _read_jsonl)
    else:
        for p in (out, err_path, prog_path):
            p.unlink(missing_ok=True)
    summary = RunSummary()
    t0 = time.time()
    with progress_bar(quiet) as bar, RecordWriter(out, append=True) as w:
        task = bar.add_task("run", total=len(paths), info="")
        pending: list[tuple[str, list[dict], list[dict]]] = []

        def flush() -> None:
            recs = [r for _, rs, _ in pending for r in rs]
            pipeline.annotate(recs)
            for path, rs, errs in pending:
                for r in rs:
                    w.write(r)
                for e in errs:
                    _append_jsonl(err_path, e)
                _append_jsonl(prog_path, {"input": path, "key": input_key(path), "sha256": hashes.get(path),
                                          "articles": len(rs), "errors": len(errs)})
                summary.articles += len(rs)
                summary.errors += len(errs)
                summary.pages += len({r.get("page") for r in rs if r.get("page") is not None})
                summary.error_list.extend(errs)
                bar.update(task, advance=1, info=f"{summary.articles / max(time.time() - t0, 1e-6):.1f} articles/s")
                if on_input_done:
                    on_input_done(path)
            pending.clear()

        for path in paths:
            summary.inputs += 1
            if (input_key(path), hashes[path]) in done:
                summary.skipped += 1
                bar.update(task, advance=1)
                continue
            errs: list[dict] = []

            def on_error(msg: str, path=path, errs=errs) -> None:
                line = None
                head = msg.split(": ", 1)[0]
                if head.rsplit(":", 1)[-1].isdigit():
                    line = int(head.rsplit(":", 1)[-1])
                errs.append({"input": path, "line": line, "reason": msg})

            recs = [{**r, "input": path} for r in articles_from(path, on_error, pipeline.segmenter)]
            pending.append((path, recs, errs))
            if sum(len(r) for _, r, _ in pending) >= group_size:
                flush()
        flush()
    summary.seconds = time.time() - t0
    if report:
        from xinwen.inference.briefing import write_briefing

        write_briefing(_read_out(out), _read_jsonl(err_path), report, summary.line())
    return summary
