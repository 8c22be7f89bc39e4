"""The Typer app: help, version, info, segment (inputs, formats, errors, exit codes)."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT
from xinwen import __version__
from xinwen.cli import app

runner = CliRunner()
PAGE = str(ROOT / "examples" / "hunan-daily-2022-regional-page.txt")


def test_help_lists_every_command():
    r = runner.invoke(app, ["--help"])
    assert r.exit_code == 0
    for cmd in ("segment", "pretrain", "train", "evaluate", "classify", "summarize", "evaluate-digest", "run",
                "export", "info"):
        assert cmd in r.output


def test_version_and_module_entry_point():
    assert runner.invoke(app, ["--version"]).output.strip() == f"xinwen {__version__}"
    out = subprocess.run([sys.executable, "-m", "xinwen", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"xinwen {__version__}"


def test_info_json_has_model_keys():
    data = json.loads(runner.invoke(app, ["info", "--json"]).output)
    assert set(data) >= {"version", "base_model", "theme_model", "digest_model"}
    import importlib.util

    meta = json.loads((Path(data["theme_model"]) / "xinwen.json").read_text(encoding="utf-8"))
    ort = importlib.util.find_spec("onnxruntime") is not None
    assert data["theme_backend"] == (f"onnx {meta['onnx_file']}" if ort and meta.get("onnx_file") else "torch")


def test_segment_jsonl_to_stdout():
    r = runner.invoke(app, ["segment", PAGE])
    assert r.exit_code == 0
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["id"] for x in recs] == [f"hunan-daily-2022-regional-page#p1-{i}" for i in range(1, 8)]
    assert recs[0]["source"] == PAGE and recs[0]["page"] == 1
    assert set(recs[0]) == {"id", "source", "page", "paper", "date", "edition", "section", "kicker", "title", "subtitle",
                            "byline", "dateline", "captions", "text"}


def test_segment_csv_and_bad_inputs_keep_going(tmp_path):
    bad = tmp_path / "bin.txt"
    bad.write_bytes(b"\x00\x00\x01")
    out = tmp_path / "o.csv"
    r = runner.invoke(app, ["segment", str(bad), str(tmp_path / "missing.txt"), PAGE, "-o", str(out)])
    assert r.exit_code == 0
    assert f"{bad}: binary" in r.stderr and "missing.txt: no such file" in r.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 7 and json.loads(rows[0]["captions"])[0] == "（本文图片均由湘潭高新区提供）"


def test_segment_exit_code_nonzero_only_when_nothing_produced(tmp_path):
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    r = runner.invoke(app, ["segment", str(empty)])
    assert r.exit_code == 1 and f"{empty}: empty file" in r.stderr


def test_segment_stdin_and_glob(tmp_path):
    page = open(PAGE, encoding="utf-8").read()
    r = runner.invoke(app, ["segment", "-"], input=page)
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 7
    (tmp_path / "a.txt").write_text(page, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(page.encode("utf-16"))
    r = runner.invoke(app, ["segment", str(tmp_path / "*.txt")])
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 14


def test_a_folder_gives_only_its_pages_and_records_are_not_pages(tmp_path):
    """A folder's HTML briefing or notes are not pages (and a warning names them); article records
    given to `segment` are refused with one line, not segmented into junk."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "page.txt").write_text(open(PAGE, encoding="utf-8").read(), encoding="utf-8")
    (d / "brief.html").write_text("<html><style>.card{padding:8px}</style><p>旧简报</p></html>", encoding="utf-8")
    (d / "notes.md").write_text("# 编辑备忘\n明天的版面。", encoding="utf-8")
    r = runner.invoke(app, ["segment", str(d)])
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 7
    assert r.stderr.strip() == (f"warning {d}: left out 2 files neither pages (.txt, .pdf) nor records "
                                "(.jsonl, .json, .csv): brief.html, notes.md; name one to read it as a page")
    recs = tmp_path / "articles.jsonl"
    recs.write_text(r.stdout, encoding="utf-8")
    r = runner.invoke(app, ["segment", str(recs)])
    assert r.exit_code == 1 and f"{recs}: article records (JSONL/CSV), not a page" in r.stderr


def test_segment_piped_into_summarize_reads_records_from_stdin():
    """`xinwen segment PAGE | xinwen summarize -`: stdin that starts with `{` is JSONL records,
    not page text, and its bad lines are reported as `stdin:N`."""
    seg = runner.invoke(app, ["segment", PAGE])
    r = runner.invoke(app, ["summarize", "-", "--method", "lead"],
                      input=seg.stdout + '{bad\n{"text": "交警查处酒驾，守护平安出行。"}\n')
    assert r.exit_code == 0
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["id"] for x in out] == [json.loads(x)["id"] for x in seg.stdout.splitlines()] + ["stdin:9"]
    assert all(x["digest"] and x["digest"] in x["text"] for x in out)
    assert "stdin:8: malformed JSON" in r.stderr


def test_an_empty_records_file_is_reported_not_silent(tmp_path):
    for name, data in (("empty.jsonl", b""), ("blank.jsonl", b"\n  \n"), ("empty.csv", b"")):
        (tmp_path / name).write_bytes(data)
        r = runner.invoke(app, ["summarize", str(tmp_path / name), "--method", "lead"])
        assert r.exit_code == 1 and f"{tmp_path / name}: empty file" in r.stderr


def test_odd_record_files_get_one_line_each(tmp_path):
    files = {"notext.csv": "id,body\n1,正文\n2,正文\n", "header.csv": "id,text\n",
             "odd.jsonl": '[1, 2]\n{"id": "ok", "text": "湘潭高新区项目签约"}\n{"id": "n", "text": ["正文"]}\n{"id": "b", "body": "正文"}\n',
             "multi.csv": 'id,text\n1,"第一段\n第二段"\n2,\n'}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["summarize", *(str(tmp_path / n) for n in files), "--method", "lead"])
    assert r.exit_code == 0 and [json.loads(x)["id"] for x in r.stdout.splitlines()] == ["ok", "1"]
    assert [x for x in r.stderr.splitlines() if x.startswith("error")] == [
        f"error {tmp_path / 'notext.csv'}: no `text` column (columns: id, body)",
        f"error {tmp_path / 'header.csv'}: no records, only a header",
        f"error {tmp_path / 'odd.jsonl'}:1: not a JSON object but a list",
        f"error {tmp_path / 'odd.jsonl'}:3: `text` is a list, not a string",
        f"error {tmp_path / 'odd.jsonl'}:4: no `text` field (fields: id, body)",
        f"error {tmp_path / 'multi.csv'}:4: empty text",  # the row starts on line 4: its body spans two
    ]


def test_json_documents_are_records_with_the_line_each_starts_on(tmp_path):
    """An exported array of objects, or one pretty-printed object, is records, not a malformed
    line per line; a broken document is one error."""
    arr = [{"id": "a", "text": "湘潭高新区项目签约"}, {"id": "b", "text": ""}, [1], {"text": "交警查处酒驾"}]
    files = {"arr.json": json.dumps(arr, ensure_ascii=False, indent=1),
             "one.json": "\n" + json.dumps({"id": "o", "text": "招聘会举行"}, ensure_ascii=False, indent=2),
             "broken.json": '[\n {"id": "x", "text": "文本"},\n {"id": "y", "text": }\n]\n',
             "flat.json": json.dumps([{"id": "f", "text": "春风行动招聘会"}], ensure_ascii=False)}  # one line
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["summarize", *(str(tmp_path / n) for n in files), "--method", "lead"])
    assert r.exit_code == 0 and [json.loads(x)["id"] for x in r.stdout.splitlines()] == ["a", "arr:13", "o", "f"]
    assert [x for x in r.stderr.splitlines() if x.startswith("error")] == [
        f"error {tmp_path / 'arr.json'}:6: empty text",
        f"error {tmp_path / 'arr.json'}:10: not a JSON object but a list",
        f"error {tmp_path / 'broken.json'}:3: malformed JSON (Expecting value)",
    ]


def test_a_wrong_model_folder_is_one_line_and_exit_2(tmp_path, labelled_files):
    """Not a traceback: the folder named, what it lacks."""
    tr, _ = labelled_files
    (tmp_path / "empty").mkdir()
    for args, msg in ((["classify", str(tr), "--model", str(tmp_path / "nope")], "not a xinwen theme model"),
                      (["summarize", str(tr), "--model", str(tmp_path / "empty")], "not a xinwen digest model"),
                      (["evaluate", "--data", str(tr), "--model", str(tmp_path / "empty")], "not a xinwen theme model"),
                      (["run", str(tr), "-o", str(tmp_path / "o.jsonl"), "--model", str(tmp_path / "nope")],
                       "not a xinwen theme model"),
                      (["classify", str(tr), "--backend", "gpu"], "'gpu' is not one of 'auto', 'torch', 'onnx'")):
        r = runner.invoke(app, args)
        assert r.exit_code == 2 and len(r.stderr.splitlines()) == 1 and msg in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.output
    r = runner.invoke(app, ["classify", str(tr), "--model", str(tmp_path / "nope")], env={"XINWEN_DEBUG": "1"})
    assert isinstance(r.exception, FileNotFoundError)  # the traceback, for a bug report


def test_train_refuses_bad_labels(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"text": "内容", "primary": "sport"}\n', encoding="utf-8")
    r = runner.invoke(app, ["train", "--train", str(f), "--dev", str(f), "-o", str(tmp_path / "m"),
                            "--architecture", "tfidf"])
    assert r.exit_code == 2 and f"{f}:1: unknown label 'sport'" in r.stderr


def test_train_needs_dev_or_folds(labelled_files, tmp_path):
    tr, _ = labelled_files
    r = runner.invoke(app, ["train", "--train", str(tr), "-o", str(tmp_path / "m"), "--architecture", "tfidf"])
    assert r.exit_code == 2 and "--folds" in r.stderr
    r = runner.invoke(app, ["train", "--train", str(tr), "--folds", "2", "-o", str(tmp_path / "m"),
                            "--architecture", "tfidf"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["macro_f1"] == json.loads((tmp_path / "m" / "metrics.json").read_text())["cv"]["macro_f1"]


def test_package_base_model_as_fp16(tiny_base, tmp_path):
    import torch
    from safetensors.torch import load_file

    dest = tmp_path / "shipped"
    r = runner.invoke(app, ["package", "base_model", str(tiny_base), "--dest", str(dest)])
    assert r.exit_code == 0, r.output
    tensors = load_file(str(dest / "model.safetensors"))
    assert all(t.dtype == torch.float16 for t in tensors.values() if t.is_floating_point())
    from xinwen.models.bert import load_masked_lm

    model, _ = load_masked_lm(dest)
    assert next(model.parameters()).dtype == torch.float32
    assert json.loads((dest / "config.json").read_text())["dtype"] == "float32"  # stored fp16, computed fp32


@pytest.mark.parametrize("args", [
    ["segment", "examples/hunan-daily-2022-regional-page.txt", "--segmenter", "magic"],
    ["summarize", "examples/hunan-daily-2022-regional-page.txt", "--max-chars", "0"],
    ["summarize", "examples/hunan-daily-2022-regional-page.txt", "--max-chars", "-5"],
    ["summarize", "examples/hunan-daily-2022-regional-page.txt", "--method", "BEST"],
    ["classify", "examples/hunan-daily-2022-regional-page.txt", "--backend", "gpu"],
    ["segment", "examples/hunan-daily-2022-regional-page.txt", "-o", "out.xlsx"],
    ["run", "examples/hunan-daily-2022-regional-page.txt", "-o", "out.txt"],
])
def test_bad_option_values_exit_2_before_any_work(args, tmp_path):
    import time

    from typer.testing import CliRunner

    from xinwen.cli import app

    t = time.perf_counter()
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2, r.output
    assert time.perf_counter() - t < 2.0
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize(("extra", "msg"), [
    (["--init-from", "bundled"], "--init-from bundled: not a local model folder"),
    (["--base-model", "models/theme-v3"], "--base-model models/theme-v3: not a local model folder"),
    (["--base-model", ".", "--init-from", "."], "give one"),
    (["--folds", "1"], "--folds 1"),
])
def test_train_refuses_wrong_model_folders_before_any_work(extra, msg, labelled_files, tmp_path):
    import time

    tr, dv = labelled_files
    t = time.perf_counter()
    r = runner.invoke(app, ["train", "--train", str(tr), "--dev", str(dv), "-o", str(tmp_path / "m"), *extra])
    assert r.exit_code == 2 and msg in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr
    assert time.perf_counter() - t < 2.0 and not (tmp_path / "m").exists()


def test_one_page_in_several_forms_is_read_once_from_its_pdf(tmp_path):
    from xinwen.inference.sources import expand_inputs

    for name in ("A3.pdf", "A3.pdftotext.txt", "A3.pymupdf.txt", "A3.truth.json", "B1.txt", "notes.jsonl"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    said: list[str] = []
    got = [p.split("/")[-1] for p in expand_inputs([str(tmp_path)], warn=said.append)]
    assert got == ["A3.pdf", "B1.txt", "notes.jsonl"]
    assert any("read A3.pdf once" in w and "A3.truth.json" in w for w in said)


def test_the_same_file_name_in_two_folders_gives_ids_that_say_which(tmp_path):
    from xinwen.inference.sources import unique_stems

    assert unique_stems(["day1/A03.txt", "day2/A03.txt", "x/B1.txt"]) == {
        "day1/A03.txt": "day1/A03", "day2/A03.txt": "day2/A03", "x/B1.txt": "B1"}
    for d in ("day1", "day2"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "A03.txt").write_text(Path(PAGE).read_text(encoding="utf-8"), encoding="utf-8")
    r = runner.invoke(app, ["segment", str(tmp_path / "day1"), str(tmp_path / "day2")])
    ids = [json.loads(x)["id"] for x in r.stdout.splitlines()]
    assert len(ids) == 14 and len(set(ids)) == 14 and ids[0] == "day1/A03#p1-1"


def test_an_earlier_run_s_output_in_an_input_folder_is_left_out(tmp_path):
    """`run pages/ -o pages/a.jsonl`, then `run pages/ -o b.jsonl`: the second reads the page only,
    not a.jsonl (its articles again) nor its ledger (`no text`), and says so once."""
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "A1.txt").write_text(Path(PAGE).read_text(encoding="utf-8"), encoding="utf-8")
    assert runner.invoke(app, ["run", str(pages), "-o", str(pages / "a.jsonl")]).exit_code == 0
    assert runner.invoke(app, ["classify", str(pages / "A1.txt"), "-o", str(pages / "c.csv")]).exit_code == 0
    r = runner.invoke(app, ["run", str(pages), "-o", str(tmp_path / "b.jsonl")])
    assert r.exit_code == 0, r.output
    assert len((tmp_path / "b.jsonl").read_text(encoding="utf-8").splitlines()) == 7
    assert "left out 3 files an earlier xinwen run wrote: a.jsonl, a.progress.jsonl, c.csv" in r.stderr
    assert not (tmp_path / "b.errors.jsonl").exists() or not (tmp_path / "b.errors.jsonl").read_text().strip()
    r = runner.invoke(app, ["classify", str(pages / "a.jsonl")])  # named on its own, it is read
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 7


def test_help_reads_as_written():
    """Command summaries whole, usage `INPUT...` not `{inputs}...`, types PATH/TEXT not `<list[str]>`."""
    top = runner.invoke(app, ["--help"]).stdout
    assert "..." not in top.split("Commands:")[1]
    for cmd in ("run", "train", "suggest", "import-labels", "evaluate", "classify", "export"):
        text = runner.invoke(app, [cmd, "--help"]).stdout
        assert not any(x in text for x in ("{", "<list", "<str>", "<path>", "<int>")), (cmd, text)
    run_help = runner.invoke(app, ["run", "--help"]).stdout
    assert "run [OPTIONS] INPUT..." in run_help and "--briefing FILE" in run_help
    assert "required unless --folds" in " ".join(runner.invoke(app, ["train", "--help"]).stdout.split())
    assert "--no-onnx" not in runner.invoke(app, ["export", "--help"]).stdout


@pytest.mark.parametrize(("args", "msg"), [
    (["run", PAGE, "-o", "o.jsonl", "--briefing", "brief.txt"], "the briefing is HTML"),
    (["evaluate", "--data", PAGE, "--report", PAGE], "--report"),
    (["export", "--model", ".", "--no-onnx"], "No such option"),
    (["export", "--model", ".", "--quantize", "int4"], "--quantize"),
])
def test_report_briefing_and_export_options_are_checked(args, msg):
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and msg in r.output, r.output


def test_stderr_carries_only_xinwen_s_lines():
    """No jieba banner (summarize), no transformers load report (training from a base)."""
    r = subprocess.run([sys.executable, "-m", "xinwen", "summarize", PAGE], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 7
    assert "prefix dict" not in r.stderr and "Loading model" not in r.stderr, r.stderr


def test_loading_a_base_for_fine_tuning_prints_no_load_report(tiny_base, capfd):
    from transformers import AutoModelForSequenceClassification
    from xinwen.models.bert import load_offline

    load_offline(AutoModelForSequenceClassification, tiny_base, new_head=True, num_labels=6)
    err = capfd.readouterr().err
    assert "LOAD REPORT" not in err and "MISSING" not in err
    with pytest.raises(ValueError, match="lack .* tensor"):  # at inference, a missing head is an error
        load_offline(AutoModelForSequenceClassification, tiny_base, num_labels=6)


def test_a_training_config_with_an_unknown_key_or_bad_value_is_refused(labelled_files, tmp_path):
    tr, dv = labelled_files
    for text, msg in (("bert:\n  lerning_rate: 0.1\n", "unknown key 'bert.lerning_rate'"),
                      ("architecture: BERT\n", "architecture is 'BERT'; choose bert, tfidf"),
                      ("seed: thirteen\n", "seed is 'thirteen', not int")):
        cfg = tmp_path / "c.yaml"
        cfg.write_text(text, encoding="utf-8")
        r = runner.invoke(app, ["train", "--train", str(tr), "--dev", str(dv), "-o", str(tmp_path / "m"),
                                "--config", str(cfg)])
        assert r.exit_code == 2 and msg in r.stderr and not (tmp_path / "m").exists(), r.stderr


def test_digest_and_pretraining_configs_refuse_unknown_keys_before_work_starts(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "title": "标题", "text": "正文内容。"}\n', encoding="utf-8")
    for command, text, msg in (
            (["train-digest", "--corpus", str(corpus), "-o", str(tmp_path / "d")], "style_item: 5\n",
             "unknown key 'style_item'"),
            (["train-digest", "--corpus", str(corpus), "-o", str(tmp_path / "d")], "dangling_margin: high\n",
             "dangling_margin is 'high'"),
            (["pretrain", "--corpus", str(corpus), "-o", str(tmp_path / "p")], "training:\n  lerning_rate: 0.1\n",
             "unknown key 'training.lerning_rate'")):
        cfg = tmp_path / "c.yaml"
        cfg.write_text(text, encoding="utf-8")
        r = runner.invoke(app, [*command, "--config", str(cfg)])
        assert r.exit_code == 2 and msg in r.stderr, (command, r.stderr)
        assert not (tmp_path / "d").exists() and not (tmp_path / "p").exists()
