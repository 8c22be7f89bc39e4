"""Progress bars on stderr (rich), so stdout stays clean for JSONL output."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

stderr = Console(stderr=True)


def progress_bar(quiet: bool = False) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), TextColumn("{task.fields[info]}"),
        console=stderr, disable=quiet, transient=False,
    )


def log_line(msg: str) -> None:
    """A plain line for logs: rich draws live bars only on a terminal, so files get these."""
    if not sys.stderr.isatty():
        print(msg, file=sys.stderr, flush=True)


def warn(msg: str) -> None:
    """One yellow `warning` line on stderr: something was left out or may mislead, nothing failed."""
    stderr.print(f"[yellow]warning[/yellow] {msg}", highlight=False, soft_wrap=True)


@contextmanager
def no_library_bars() -> Iterator[None]:
    """Silence transformers' and datasets' own tqdm bars (`Loading weights`, `Generating train
    split`) for a call: our progress is rich lines on stderr, and theirs would break into them.
    Restores whatever was set before."""
    import datasets
    from transformers.utils import logging as hf_logging

    hf_was, ds_was = hf_logging.is_progress_bar_enabled(), not datasets.are_progress_bars_disabled()
    hf_logging.disable_progress_bar()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        if hf_was:
            hf_logging.enable_progress_bar()
        if ds_was:
            datasets.enable_progress_bars()
