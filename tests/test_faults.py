"""Nothing lost under faults: every bad input is one error line and the batch goes on."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT
from xinwen.cli import app

PAGE = ROOT / "examples" / "hunan-daily-2022-regional-page.txt"
runner = CliRunner()


def _pdf(path, encrypt=None):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), encrypt=encrypt)
    c.setFont("STSong-Light", 20)
    c.drawString(40, 780, "交警开展一盔一带整治")
    c.setFont("STSong-Light", 10)
    c.drawString(40, 740, "交警大队在集市路口开展宣传劝导，查处酒驾醉驾等交通违法行为。" * 2)
    c.showPage()
    c.save()


@pytest.fixture()
def bad_batch(tmp_path):
    pytest.importorskip("reportlab")
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(PAGE, d / "good.txt")
    _pdf(d / "whole.pdf")
    (d / "truncated.pdf").write_bytes((d / "whole.pdf").read_bytes()[:700])
    from reportlab.lib import pdfencrypt

    _pdf(d / "locked.pdf", encrypt=pdfencrypt.StandardEncryption("user-pw", "owner-pw"))
    (d / "nested.jsonl").write_text("[" * 100000 + "]" * 100000 + "\n"
                                    + json.dumps({"id": "n2", "text": "征兵宣传进校园。"}, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    (d / "typed.jsonl").write_text(json.dumps({"id": "t1", "title": 5, "text": "招聘会举行。"}) + "\n"
                                   + json.dumps({"id": "t2", "text": "人才新政出台。"}, ensure_ascii=False) + "\n"
                                   + '{"id": "t3", "text": "a\\u0000b"}\n' + '{"id": "t4", "text": "x\x00y"}\n',
                                   encoding="utf-8")
    os.symlink(d / "loop_a", d / "loop_b")
    os.symlink(d / "loop_b", d / "loop_a")
    os.mkfifo(d / "pipe.txt")
    return d


def test_a_batch_of_bad_inputs_keeps_every_good_article(bad_batch, tmp_path):
    out = tmp_path / "out.jsonl"
    args = ["run", str(bad_batch), str(bad_batch / "loop_a"), str(bad_batch / "pipe.txt"), "-o", str(out),
            "--method", "lead"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    by_input = {}
    for x in recs:
        by_input.setdefault(os.path.basename(x["input"]), []).append(x)
    assert len(by_input["good.txt"]) == 7 and by_input["whole.pdf"]
    assert [x["id"] for x in by_input["typed.jsonl"]] == ["t2", "t3"]
    assert [x["id"] for x in by_input["nested.jsonl"]] == ["n2"]
    errs = [x for x in r.stderr.splitlines() if x.startswith("error")]
    text = "\n".join(errs)
    for needle in ("truncated.pdf: not a readable PDF", "locked.pdf: not a readable PDF", "nested.jsonl:1: JSON nested too deeply",
                   "typed.jsonl:1: `title` is a number", "typed.jsonl:4: NUL bytes", "loop_a: no such file",
                   "pipe.txt: not a regular file"):
        assert needle in text, (needle, text)
    # each bad input reported once, and resume redoes none of the good ones
    again = runner.invoke(app, [*args, "--resume"])
    assert again.exit_code == 0 and out.read_text(encoding="utf-8").count("\n") == len(recs)


def test_training_data_problems_are_listed_file_by_file_with_lines(tmp_path):
    from xinwen.training.labelled import DataError, validate_all

    a = tmp_path / "a.jsonl"
    a.write_bytes(b'{"id": "1", "text": "\xe6\x8b\x9b\xe8\x81\x98", "primary": "recruitment"}\n'
                  b'{"id": "2", "text": "\xff\xfe bad", "primary": "other"}\n'
                  b'{"id": "3", "text": "x", "labels": 5}\n'
                  b'{"id": "1", "text": "y", "primary": "other"}\n'
                  + b"[" * 50000 + b"]" * 50000 + b"\n")
    b = tmp_path / "b.jsonl"
    b.write_text('{"id": "9", "text": "z", "primary": "nonsense"}\n', encoding="utf-8")
    warnings: list[str] = []
    with pytest.raises(DataError) as e:
        validate_all([a, b], warn=warnings.append)
    msg = str(e.value)
    for needle in (f"{a}:2: not valid UTF-8", f"{a}:3: labels is int", f"{a}:5: JSON nested too deeply",
                   f"{b}:1: unknown label 'nonsense'"):
        assert needle in msg, (needle, msg)
    assert any("id '1' appears 2 times" in w for w in warnings)


def test_the_same_article_in_train_and_dev_is_warned(tmp_path):
    from xinwen.training.labelled import validate_all

    rec = {"id": "1", "text": "交警大队在集市路口开展一盔一带宣传劝导，查处酒驾醉驾等交通违法行为。", "primary": "road-safety"}
    tr, dv = tmp_path / "train.jsonl", tmp_path / "dev.jsonl"
    tr.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    dv.write_text(json.dumps({**rec, "id": "d1"}, ensure_ascii=False) + "\n", encoding="utf-8")
    warnings: list[str] = []
    validate_all([tr, dv], warn=warnings.append)
    assert any("also in" in w and "not held out" in w for w in warnings)


def test_a_model_folder_with_pickled_weights_is_refused_in_one_line(tmp_path):
    import json as _json

    from xinwen.settings import bundled_model

    theme = bundled_model("theme_model")
    if theme is None:
        pytest.skip("no bundled theme model")
    evil = tmp_path / "evil"
    shutil.copytree(theme, evil, ignore=shutil.ignore_patterns("model.safetensors", "onnx"))
    (evil / "pytorch_model.bin").write_bytes(b"not a pickle you want to load")
    meta = _json.loads((evil / "xinwen.json").read_text(encoding="utf-8"))
    meta.pop("onnx_file", None)
    (evil / "xinwen.json").write_text(_json.dumps(meta), encoding="utf-8")
    rec = tmp_path / "one.jsonl"
    rec.write_text('{"text": "交警开展整治"}\n', encoding="utf-8")
    r = runner.invoke(app, ["classify", str(rec), "--model", str(evil), "--backend", "torch"])
    assert r.exit_code == 2 and "never loads pickled weights" in r.stderr and len(r.stderr.splitlines()) == 1


def test_an_output_that_cannot_be_written_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    r = runner.invoke(app, ["run", str(PAGE), "-o", str(blocker / "sub" / "out.jsonl"), "--method", "lead"])
    assert r.exit_code == 2 and len(r.stderr.splitlines()) == 1 and str(blocker) in r.stderr
