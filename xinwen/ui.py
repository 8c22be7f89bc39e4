"""Progress bars on stderr (rich), so stdout stays clean for JSONL output."""

from __future__ import annotations

import sys

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
    from rich.markup import escape

    stderr.print(f"[yellow]warning[/yellow] {escape(msg)}", highlight=False, soft_wrap=True)
