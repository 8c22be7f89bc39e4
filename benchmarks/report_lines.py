"""What the benchmark scripts print: each line to stdout as it comes, all of them to `--out`."""

from __future__ import annotations

from pathlib import Path


class ReportLines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        print(line, flush=True)
        self.lines.append(line)

    def save(self, path: Path | None) -> None:
        if path:
            path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
