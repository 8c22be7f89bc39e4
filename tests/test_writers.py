"""Record output: CSV never drops or shifts a column, whichever record first has it; an article
record's shape on disk reads back as the same record."""

import csv
import json
import os

import pytest
from xinwen.inference.records import ArticleRecord
from xinwen.inference.writers import FIELDS, RecordWriter, record_fields


def _rows(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_key_first_seen_in_a_later_record_widens_the_csv(tmp_path):
    out = tmp_path / "o.csv"
    with RecordWriter(out) as w:
        w.write(ArticleRecord(id="a", text="甲", extra={"url": "http://a"}))
        w.write(ArticleRecord(id="b", text="乙", date="2022-11-08"))
        w.write(ArticleRecord(id="c", text="丙", date="2022-11-09", extra={"url": "http://c"}))
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
        w.write(ArticleRecord.from_fields({"text": "甲", "url": "http://a", "scores": {"industry": 0.9},
                                           "theme": "industry", "id": "a"}))
    assert list(_rows(out)[0]) == [k for k in FIELDS if k in ("id", "text", "theme", "scores")] + ["url"]


def test_entries_that_are_not_articles_lose_only_the_readers_own_keys(tmp_path):
    out = tmp_path / "ledger.jsonl"
    with RecordWriter(out) as w:
        w.write({"input": "a.txt", "articles": 3, "done": True, "_line": 3})  # `_` keys are internal
    assert json.loads(out.read_text(encoding="utf-8")) == {"input": "a.txt", "articles": 3, "done": True}


PAGE_ARTICLE = ArticleRecord(id="p#p1-1", source="p.pdf", page=1, paper="湖南日报", title="标题", text="正文。",
                             captions=["图为现场。"], ocr_confidence=0.91, theme="industry", themes=[],
                             scores={"industry": 0.42}, digest="正文")


@pytest.mark.parametrize("rec", [
    PAGE_ARTICLE,
    ArticleRecord(id=7, text="正文。", title="标题", extra={"url": "http://a", "label": "industry"}),
    ArticleRecord(id="x:1", text="正文。", page="A3"),
])
def test_a_record_reads_back_as_itself_from_jsonl_and_csv(tmp_path, rec):
    for suffix in (".jsonl", ".csv"):
        out = tmp_path / f"o{suffix}"
        with RecordWriter(out) as w:
            w.write(rec)
        if suffix == ".csv":
            (row,) = _rows(out)
        else:
            row = json.loads(out.read_text(encoding="utf-8"))
        back = ArticleRecord.from_fields(row)
        if suffix == ".csv" and isinstance(rec.id, int):  # CSV has no numbers: the id comes back as text
            back.id = int(back.id)
        assert back == rec, suffix


def test_the_shape_on_disk():
    d = record_fields(PAGE_ARTICLE)
    # a page's fields are written even where empty, so CSV columns never depend on the first article
    assert d["kicker"] is None and d["dateline"] is None and d["edition"] is None
    assert list(d) == [k for k in FIELDS if k != "input"]
    assert d["ocr"] is True and d["themes"] == []  # nothing over threshold is said, not left out
    passed = record_fields(ArticleRecord(id="r:1", text="正文。", extra={"url": "u"}))
    assert passed == {"id": "r:1", "text": "正文。", "url": "u"}  # a records file's article gets no empty fields


def test_a_records_files_own_fields_come_back_untouched(tmp_path):
    out = tmp_path / "o.jsonl"
    rec = ArticleRecord.from_fields({"label": ["industry"], "text": "正文。", "meta": {"k": 1}})
    with RecordWriter(out) as w:
        w.write(rec)
    assert json.loads(out.read_text(encoding="utf-8")) == {"text": "正文。", "label": ["industry"], "meta": {"k": 1}}


def test_a_value_of_the_wrong_shape_is_kept_under_its_name():
    r = ArticleRecord.from_fields({"text": "正文。", "captions": "图为现场", "scores": "high", "page": "3", "ocr": True})
    assert r.captions == [] and r.scores is None and r.page == 3 and not r.ocr
    assert r.extra == {"captions": "图为现场", "scores": "high"}
    d = record_fields(r)
    assert (d["page"], d["text"], d["captions"], d["scores"]) == (3, "正文。", "图为现场", "high")
