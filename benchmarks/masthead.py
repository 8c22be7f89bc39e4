"""Masthead fields (date, edition, section) read off the shared real pages, every form, both
readers' page layouts. The truth is the file name and the regional README (dev pages, not held out).

    python benchmarks/masthead.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from report_lines import ReportLines


def _label(text: str | None) -> tuple[str, int] | None:
    """`A06`, `A6`, `第6版` → ("A", 6) / ("", 6): edition labels compared by letter and number."""
    m = re.search(r"([A-Z]?)0*(\d+)", text or "")
    return (m.group(1), int(m.group(2))) if m else None


def expected(name: str) -> tuple[str, tuple[str, int]] | None:
    """(date, edition) from names like `hnsb20240604_A06`, `rmrb20180102_07`."""
    m = re.search(r"(\d{4})(\d\d)(\d\d)_([A-Z]?\d+)", name)
    return (f"{m.group(1)}-{m.group(2)}-{m.group(3)}", _label(m.group(4))) if m else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    from xinwen.inference.segmentation import Segmenter
    from xinwen.inference.segmentation.masthead import read_masthead
    from xinwen.inference.sources import read_pages

    rep = ReportLines()
    files = sorted(f for d in ("pages/regional-dev", "pages/rmrb-2018-theory-p07")
                   for f in (a.shared / d).glob("*") if f.suffix in (".pdf", ".txt"))
    for seg in Segmenter:
        date_ok = edition_ok = section_found = 0
        for f in files:
            m = read_masthead(next(read_pages(str(f), seg)).layout)
            want = expected(f.name)
            date_ok += bool(want and m.date == want[0])
            edition_ok += bool(want and _label(m.edition) == want[1])
            section_found += bool(m.section)
            if not (want and m.date == want[0] and m.edition and m.section):
                rep(f"  {seg.value:7} {f.name}: {m}")
        rep(f"{seg.value:7} {len(files)} page forms: date right {date_ok}, edition right {edition_ok}, "
            f"section found {section_found}")
    rep.save(Path(a.out) if a.out else None)


if __name__ == "__main__":
    main()
