"""Inputs: expanding paths/dirs/globs/stdin, reading pages (text or PDF) and article records.

Every failure becomes an `InputError` with a one-line message naming the file (and line),
so a batch can report it and go on with the rest.
"""

from __future__ import annotations

import codecs
import csv
import glob
import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from xinwen.inference.encoding import InputError, decode_bytes
from xinwen.inference.segmentation.layout import PageLayout, Segmenter
from xinwen.inference.segmentation.ocr import IMAGE_EXT

from xinwen.ui import warn as ui_warn

PAGE_EXT = {".txt", ".text", ".pdf", "", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
RECORD_EXT = {".jsonl", ".json", ".csv"}
MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Page:
    source: str
    stem: str
    page: int
    layout: PageLayout  # lines with geometry (PDF, learned reader) or without (text dumps)
    articles: list | None = None  # already segmented (PDF pages read by the rules reader)
    rules_reading: tuple[PageLayout, list] | None = None  # `auto`: the rules' own layout and articles of this PDF page


def expand_inputs(inputs: list[str], warn: Callable[[str], None] = ui_warn) -> Iterator[str]:
    """Files as given, directories walked (sorted; only the page and record types, so a folder's
    HTML report or notes are not read as pages, and `warn` names what was left out), globs
    expanded; `-` is stdin."""
    for raw in inputs:
        if raw == "-":
            yield raw
            continue
        p = Path(raw)
        if p.is_dir():
            files = [x for x in sorted(p.rglob("*")) if x.is_file() and not x.name.startswith(".")]
            if left := [x.name for x in files if x.suffix.lower() not in PAGE_EXT | RECORD_EXT]:
                names = ", ".join(left[:3]) + (f" and {len(left) - 3} more" if len(left) > 3 else "")
                warn(f"{raw}: left out {len(left)} file{'s' * (len(left) > 1)} neither pages (.txt, .pdf) nor "
                     f"records (.jsonl, .json, .csv): {names}; name one to read it as a page")
            kept = without_xinwen_outputs([x for x in files if x.suffix.lower() in PAGE_EXT | RECORD_EXT], raw, warn)
            yield from (str(x) for x in one_form_per_page(kept, warn))
        elif p.exists():
            yield raw
        elif any(ch in raw for ch in "*?["):
            matches = sorted(glob.glob(raw, recursive=True))
            yield from (str(m) for m in without_xinwen_outputs([Path(m) for m in matches if Path(m).is_file()],
                                                                raw, warn))
            if not matches:
                yield raw  # reported as missing downstream
        else:
            yield raw


SIDE_SUFFIXES = (".progress.jsonl", ".errors.jsonl")
_PAGE_ARTICLE_ID = re.compile(r"#p\d+-\d+$")


def _written_by_xinwen(rec: dict) -> bool:
    """Fields only xinwen's writers put together: `run`'s `input` beside `source`, a page article's
    id (`A03#p1-2`) beside `source`, or `classify`'s `themes` beside `scores`."""
    return ({"input", "source"} <= rec.keys() or {"themes", "scores"} <= rec.keys()
            or ("source" in rec and bool(_PAGE_ARTICLE_ID.search(str(rec.get("id") or "")))))


def xinwen_output(path: Path) -> bool:
    """A file some xinwen command wrote: a ledger or errors file, or records whose first record
    carries xinwen's own fields. Only the first lines are read."""
    if path.name.endswith(SIDE_SUFFIXES):
        return True
    if path.suffix.lower() not in (".jsonl", ".csv"):
        return False
    try:
        with open(path, "rb") as fh:
            head = [fh.readline(1 << 20).decode("utf-8-sig", errors="replace") for _ in range(2)]
    except OSError:
        return False
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO("".join(head))))
        return bool(rows) and _written_by_xinwen({k: v for k, v in rows[0].items() if k})
    try:
        rec = json.loads(head[0])
    except (ValueError, RecursionError):  # not JSON, or nested past Python's limit: not ours either way
        return False
    return isinstance(rec, dict) and _written_by_xinwen(rec)


def without_xinwen_outputs(files: list[Path], where: str, warn: Callable[[str], None]) -> list[Path]:
    """A folder or glob never feeds a run what an earlier run wrote into it (its articles again, its
    ledger as `no text` errors); a file named on its own is read whatever it is."""
    left = [f for f in files if xinwen_output(f)]
    if left:
        names = ", ".join(f.name for f in left[:3]) + (f" and {len(left) - 3} more" if len(left) > 3 else "")
        warn(f"{where}: left out {len(left)} file{'s' * (len(left) > 1)} an earlier xinwen run wrote: {names}; "
             "name one to read it anyway")
    return [f for f in files if f not in set(left)]


def one_form_per_page(files: list[Path], warn: Callable[[str], None]) -> list[Path]:
    """A folder may hold one page in several forms (`A3.pdf`, `A3.pdftotext.txt`, `A3.pymupdf.txt`,
    and a `A3.truth.json`): read it once, from the PDF where there is one, and say what was left out."""
    groups: dict[tuple[Path, str], list[Path]] = {}
    for f in files:
        groups.setdefault((f.parent, f.name.split(".")[0]), []).append(f)
    keep: set[Path] = set()
    for (_, stem), fs in groups.items():
        pages = [f for f in fs if f.suffix.lower() in PAGE_EXT]
        if len(pages) <= 1 and not (pages and any(f.name.endswith(".truth.json") for f in fs)):
            keep.update(fs)
            continue
        chosen = next((f for f in pages if f.suffix.lower() == ".pdf"), pages[0])
        left = [f for f in fs if f != chosen and (f in pages or f.name.endswith(".truth.json"))]
        keep.update(f for f in fs if f not in left)
        warn(f"{chosen.parent}: read {chosen.name} once; left out {', '.join(f.name for f in left)} "
             f"(the same page {stem} in other forms, or its truth); name a file to read it anyway")
    return [f for f in files if f in keep]


def input_name(path: str) -> str:
    """How messages name an input: `-` is `stdin`."""
    return "stdin" if path == "-" else path


def unique_stems(paths: list[str]) -> dict[str, str]:
    """The start of each input's ids, unique across a batch: the file's stem, or, where two inputs
    share it (`day1/A03.txt`, `day2/A03.txt`), as many parent folders as tell them apart
    (`day1/A03`, `day2/A03`)."""
    def key(p: str, depth: int) -> str:
        parts = Path(input_name(p)).parts
        return "/".join([*parts[max(len(parts) - 1 - depth, 0):-1], input_stem(p)])

    depth = {p: 0 for p in paths}
    for _ in range(8):
        seen: dict[str, list[str]] = {}
        for p in paths:
            seen.setdefault(key(p, depth[p]), []).append(p)
        clash = [p for group in seen.values() if len(set(group)) > 1 for p in group]
        if not clash:
            break
        for p in clash:
            depth[p] += 1
    return {p: key(p, depth[p]) for p in paths}


def input_stem(path: str) -> str:
    """The start of record ids: `page` for `pages/page.2022.txt`, `stdin` for `-`."""
    return Path(input_name(path)).name.split(".")[0]


_stdin: tuple[object, bytes] | None = None


def _stdin_bytes() -> bytes:
    """stdin, read once per stream: `kind_of` looks at it before a reader reads it."""
    global _stdin
    if _stdin is None or _stdin[0] is not sys.stdin:
        _stdin = (sys.stdin, sys.stdin.buffer.read())
    return _stdin[1]


def kind_of(path: str) -> str:
    """By extension; stdin by its first character, so `xinwen segment … | xinwen classify -`
    reads records (`{`: JSONL; `[`: a JSON array) and anything else is page text."""
    if path == "-":
        return "records" if _stdin_bytes().removeprefix(codecs.BOM_UTF8).lstrip()[:1] in (b"{", b"[") else "page"
    name = path.lower()
    if name.endswith(".pdf"):
        return "pdf"
    if Path(name).suffix in IMAGE_EXT:
        return "image"
    if any(name.endswith(e) for e in RECORD_EXT):
        return "records"
    return "page"


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return _stdin_bytes()
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if not p.is_file():  # a FIFO or a device would block the batch, a folder here is a mistake
        raise InputError(path, "not a regular file")
    if p.stat().st_size > MAX_BYTES:
        raise InputError(path, f"{p.stat().st_size / 2**20:.0f} MB is too large for a page (limit {MAX_BYTES // 2**20} MB)")
    return p.read_bytes()


def read_pages(path: str, segmenter: Segmenter = Segmenter.AUTO) -> Iterator[Page]:
    """Pages of one input: a text file is one page (form feeds split pages), a PDF one per page,
    read one page at a time. Whatever breaks while reading a PDF is one InputError for it."""
    from xinwen.inference.segmentation.reader import dump_layout

    stem = input_stem(path)
    if kind_of(path) == "image":
        yield from _ocr_pages(path, stem, "image")
        return
    if kind_of(path) == "pdf":
        if not Path(path).exists():
            raise InputError(path, "no such file")
        if not Path(path).is_file():
            raise InputError(path, "not a regular file")
        any_text = False
        scanned: list[int] = []  # pages with no text layer: a scan inside a PDF, read by OCR where it falls
        try:
            seg = Segmenter(segmenter)
            if seg in (Segmenter.LEARNED, Segmenter.AUTO):
                from xinwen.inference.segmentation.pdf_lines import pdf_layouts

                rules = _rules_pdf_pages(path) if seg == Segmenter.AUTO else None
                for layout in pdf_layouts(path, name=path):
                    both = next(rules, None) if rules is not None else None
                    if not layout.lines:
                        scanned.append(layout.page)
                        continue
                    if layout.rotated_share > 0.5:
                        ui_warn(f"{input_name(path)}: page {layout.page}: most of its text is set rotated or mirrored; "
                                "it is read as set, so its lines may come out of order")
                    any_text = True
                    yield from _scanned_pages(path, stem, scanned)
                    yield Page(path, stem, layout.page, layout,
                               rules_reading=(both[0], both[1] or []) if both is not None else None)
            else:
                for layout, arts in _rules_pdf_pages(path):
                    if arts is None:
                        scanned.append(layout.page)
                        continue
                    any_text = True
                    yield from _scanned_pages(path, stem, scanned)
                    yield Page(path, stem, layout.page, layout, arts)
        except InputError:
            raise
        except Exception as e:  # pdfminer raises many kinds (PSEOF, PDFSyntaxError, PDFPasswordIncorrect…)
            raise InputError(path, f"not a readable PDF ({type(e).__name__})") from None
        if not any_text:  # an image-only PDF: OCR, and an error if it finds nothing on any page
            yield from _ocr_pages(path, stem, "pdf")
        else:
            yield from _scanned_pages(path, stem, scanned)
        return
    text = decode_bytes(_read_bytes(path), path)
    for i, chunk in enumerate(text.split("\f"), 1):
        if chunk.strip():
            yield Page(path, stem, i, dump_layout(chunk, path, i))


def _rules_pdf_pages(path: str) -> Iterator[tuple[PageLayout, list | None]]:
    """Every page of a PDF as the rules reader reads it: its layout and its articles, credits
    parsed (None: the page has no text layer)."""
    from xinwen.inference.pdf import pdf_pages
    from xinwen.inference.segment import segment_lines
    from xinwen.inference.segmentation.credits import clean_credits

    for i, (lines, arts, layout) in enumerate(pdf_pages(path), 1):
        layout.page = i
        if not lines:
            yield layout, None
            continue
        arts = arts if arts is not None else segment_lines(lines)
        yield layout, [clean_credits(a) for a in arts]


def _scanned_pages(path: str, stem: str, pages: list[int]) -> Iterator[Page]:
    """The text-less pages of a PDF that has text elsewhere, read by OCR (and emptied from
    `pages`); a blank one, or all of them without the `ocr` extra, left out with a warning line."""
    from xinwen.inference.segmentation import ocr

    todo, pages[:] = list(pages), []
    if not todo:
        return
    if not ocr.ocr_available():
        ui_warn(f"{input_name(path)}: page{'s' * (len(todo) > 1)} {', '.join(map(str, todo))}: no text layer, left out; "
                f"{ocr.INSTALL}")
        return
    for layout in ocr.rendered_pdf_layouts(path, pages=todo):
        if layout.lines:
            yield Page(path, stem, layout.page, layout)
        else:
            ui_warn(f"{input_name(path)}: page {layout.page}: blank (no text layer, and OCR found none)")


def _ocr_pages(path: str, stem: str, kind: str) -> Iterator[Page]:
    """An image, or a PDF with no text layer, read page by page by OCR."""
    from xinwen.inference.segmentation import ocr

    if not ocr.ocr_available():
        what = "PDF has no text layer" if kind == "pdf" else "a page image"
        raise InputError(path, f"{what}; {ocr.INSTALL}")
    if not Path(path).exists():
        raise InputError(path, "no such file")
    try:
        layouts = ocr.rendered_pdf_layouts(path) if kind == "pdf" else ocr.image_layouts(path)
        found = False
        for layout in layouts:
            found = found or bool(layout.lines)
            yield Page(path, stem, layout.page, layout)
    except ValueError as e:
        raise InputError(path, f"{e}") from None
    if not found:
        raise InputError(path, f"no text found by OCR (blank or unreadable {'page' if kind == 'pdf' else 'image'})")


def _decode_lines(data: bytes, path: str, errors: list[InputError]) -> str:
    """UTF-8 line by line, so one corrupt line costs one record, not the file."""
    out = []
    for n, raw in enumerate(data.split(b"\n"), 1):
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            errors.append(InputError(path, "not valid UTF-8", n))
            out.append("")
    return "\n".join(out)


def csv_rows(text: str, path: str) -> Iterator[tuple[int, dict]]:
    """(line, row) of a CSV with a `text` column; the line is where the row starts, since a quoted
    body spans lines. No `text` column is one error for the file, not one per row."""
    reader = csv.DictReader(io.StringIO(text))
    if "text" not in (reader.fieldnames or []):
        raise InputError(path, f"no `text` column (columns: {', '.join(reader.fieldnames or [])})")
    end = reader.line_num
    for row in reader:
        n, end = end + 1, reader.line_num
        yield n, row


_JSON_KINDS = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object",
               str: "a string", type(None): "null"}


def text_problem(rec: dict) -> str | None:
    """Why a record's `text` cannot be read as an article, or None: a number or a list there is a
    mistake in the file (a shifted column, an id in the wrong field), not an article to classify."""
    text = rec.get("text")
    if "text" not in rec:
        return f"no `text` field (fields: {', '.join(map(str, rec)) or 'none'})"
    if text is not None and not isinstance(text, str):
        return f"`text` is {_kind(text)}, not a string"
    for key in ("title", "kicker", "subtitle", "byline"):
        v = rec.get(key)
        if v is not None and not isinstance(v, str):
            return f"`{key}` is {_kind(v)}, not a string"
    return None if (text or "").strip() else "empty text"


def _kind(value) -> str:
    """What a JSON value is, in an error message's words."""
    return _JSON_KINDS.get(type(value), type(value).__name__)


def _document_items(text: str) -> Iterator[tuple[int, object]]:
    """(line, value) for each element of an array document, or the one top-level value; the text
    is known to parse. Line numbers are where each element starts, counted as the scan goes."""
    dec, ws = json.JSONDecoder(), " \t\r\n"
    i = len(text) - len(text.lstrip(ws))
    if text[i] != "[":
        yield text.count("\n", 0, i) + 1, json.loads(text)
        return
    line, seen, i = 1, 0, i + 1
    while True:
        while text[i] in ws + ",":
            i += 1
        if text[i] == "]":
            return
        line += text.count("\n", seen, i)
        seen = i
        value, i = dec.raw_decode(text, i)
        yield line, value


def json_records(text: str) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line, record, problem) per record of JSON Lines, or of one JSON document, which is how
    many tools export: an array of objects (`to_json(orient="records")`) or one pretty-printed
    object. Text that parses whole is a document (one JSONL line reads the same either way); an
    array whose first line is not JSON on its own but that does not parse is one problem, not one
    per line."""
    lines = text.split("\n")
    head = text.lstrip()[:1]
    if head in ("[", "{"):
        try:
            json.loads(text)
        except RecursionError:
            pass  # nested too deeply as a document: read line by line, each line says so
        except json.JSONDecodeError as e:
            if head == "[" and not _parses(next(ln for ln in lines if ln.strip())):
                yield e.lineno, None, f"malformed JSON ({e.msg})"
                return
        else:
            for n, value in _document_items(text):
                yield (n, value, None) if isinstance(value, dict) else (n, None, f"not a JSON object but {_kind(value)}")
            return
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if "\x00" in line:
            yield n, None, "NUL bytes in the line (binary data)"
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            yield n, None, f"malformed JSON ({e.msg})"
            continue
        except RecursionError:
            yield n, None, "JSON nested too deeply"
            continue
        yield (n, rec, None) if isinstance(rec, dict) else (n, None, f"not a JSON object but {_kind(rec)}")


def _parses(line: str) -> bool:
    try:
        json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def read_records(path: str, errors: list[InputError] | None = None) -> Iterator[dict]:
    """Article records from JSONL or CSV; a bad line is reported (appended to `errors`) and skipped."""
    data = _read_bytes(path)
    errors = errors if errors is not None else []
    path = input_name(path)  # read: from here on it only names the input in messages
    if not data.strip():
        raise InputError(path, "empty file")
    try:
        text = decode_bytes(data, path)
    except InputError:
        if path.lower().endswith(".csv"):
            raise
        lines = data.split(b"\n")
        if sum(b"\x00" in x for x in lines) > len(lines) // 2:
            raise  # binary through and through: one error for the file
        text = _decode_lines(data, path, errors)
    if path.lower().endswith(".csv"):
        n = 0
        for n, row in csv_rows(text, path):
            if problem := text_problem(row):
                errors.append(InputError(path, problem, n))
                continue
            yield {**row, "_line": n}
        if not n:
            raise InputError(path, "no records, only a header")
        return
    for n, rec, problem in json_records(text):
        if rec is not None:
            problem = text_problem(rec)
        if problem:
            errors.append(InputError(path, problem, n))
            continue
        yield {**rec, "_line": n}
