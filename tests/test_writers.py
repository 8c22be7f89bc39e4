"""Record output: CSV never drops or shifts a column, whichever record first has it."""

import csv
import os

from xinwen.inference.writers import CSV_FIELDS, RecordWriter


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_key_first_seen_in_a_later_record_widens_the_csv(tmp_path):
    out = tmp_path / "o.csv"
    with RecordWriter(out) as w:
        w.write({"id": "a", "text": "甲", "url": "http://a"})
        w.write({"id": "b", "text": "乙", "date": "2022-11-08", "_line": 3})  # `_` keys are internal
        w.write({"id": "c", "text": "丙", "url": "http://c", "date": "2022-11-09"})
    rows = _rows(out)
    assert list(rows[0]) == ["id", "text", "url", "date"]  # known columns first, none of them empty for all
    assert [(r["id"], r["url"], r["date"]) for r in rows] == [
        ("a", "http://a", ""), ("b", "", "2022-11-08"), ("c", "http://c", "2022-11-09")]
    assert [p.name for p in tmp_path.iterdir()] == ["o.csv"]  # no temporary file left behind
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(out).st_mode & 0o777 == 0o666 & ~mask  # a file for people, not mkstemp's private one


def test_appending_keeps_the_files_header_and_widens_it(tmp_path):
    """`run --resume` appends to the CSV of the first run: its columns stay where they were."""
    out = tmp_path / "o.csv"
    with RecordWriter(out) as w:
        w.write({"id": "a", "text": "甲", "url": "http://a"})
    with RecordWriter(out, append=True) as w:
        w.write({"id": "b", "text": "乙"})
        w.write({"id": "c", "text": "丙", "date": "2022-11-09"})
    rows = _rows(out)
    assert list(rows[0]) == ["id", "text", "url", "date"]
    assert [(r["id"], r["text"], r["url"], r["date"]) for r in rows] == [
        ("a", "甲", "http://a", ""), ("b", "乙", "", ""), ("c", "丙", "", "2022-11-09")]


def test_known_columns_come_first_in_their_order(tmp_path):
    out = tmp_path / "o.csv"
    with RecordWriter(out) as w:
        w.write({"text": "甲", "url": "http://a", "scores": {"industry": 0.9}, "theme": "industry", "id": "a"})
    assert list(_rows(out)[0]) == [k for k in CSV_FIELDS if k in ("id", "text", "theme", "scores")] + ["url"]


def test_csv_starts_with_a_bom_for_excel_and_reads_back(tmp_path):
    from xinwen.inference.writers import RecordWriter

    for append in (False, True):
        out = tmp_path / f"o{append}.csv"
        with RecordWriter(out, append=append) as w:
            w.write({"id": "a", "text": "甲"})
        with RecordWriter(out, append=True) as w:
            w.write({"id": "b", "text": "乙"})
        raw = out.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
        assert [r["id"] for r in _rows(out)] == ["a", "b"]


def test_temporary_files_of_a_crashed_write_are_removed_by_the_next_run(tmp_path):
    from xinwen.inference.writers import remove_stale_temps, temp_beside

    out = tmp_path / "out.jsonl"
    fd, tmp = temp_beside(out)
    import os

    os.close(fd)
    (tmp_path / ".out.jsonl.lock").write_text("pid 1", encoding="utf-8")
    assert remove_stale_temps(out) == 1
    assert not os.path.exists(tmp) and (tmp_path / ".out.jsonl.lock").exists()
