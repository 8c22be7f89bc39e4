"""Classifying with the ONNX graph needs neither torch, transformers nor scikit-learn at run time,
and gives the torch model's scores."""

import json
import subprocess
import sys

import numpy as np
import pytest
from xinwen.models.onnx_graph import load_session
from xinwen.models.theme import ThemeModel
from xinwen.models.tokenizer_file import TokenizerFile

from tests.test_theme import FAST

TEXTS = ["交警开展一盔一带整治，查处酒驾。", "Ｗｉ－Ｆｉ 覆盖 COVID-19 App", "总 投 资\t\t12.5亿元", "", "😀𠮷龘"]


def test_tokenizer_file_gives_auto_tokenizer_ids(tiny_base, tmp_path):
    from transformers import AutoTokenizer

    auto = AutoTokenizer.from_pretrained(str(tiny_base), local_files_only=True)
    ours = TokenizerFile.from_pretrained(tiny_base)
    assert ours(TEXTS) == auto(TEXTS, add_special_tokens=False, verbose=False)["input_ids"]
    assert (ours.cls_token_id, ours.sep_token_id, ours.pad_token_id) == (
        auto.cls_token_id, auto.sep_token_id, auto.pad_token_id)
    # a folder with only a vocab.txt (a slow-tokenizer checkpoint) is left to AutoTokenizer
    (tmp_path / "vocab.txt").write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n", encoding="utf-8")
    assert TokenizerFile.from_pretrained(tmp_path) is None


@pytest.fixture(scope="module")
def exported(tiny_base, labelled_files, tmp_path_factory):
    from xinwen.models.onnx_graph import export_onnx
    from xinwen.training.theme_train import train_theme

    tr, dv = labelled_files
    out = tmp_path_factory.mktemp("lean") / "theme"
    train_theme(str(tr), str(dv), str(out), base_model=str(tiny_base), quiet=True, overrides=FAST)
    torch_scores = ThemeModel.from_pretrained(out, backend="torch").predict_scores([None, "交警"], TEXTS[:2])
    export_onnx(out, quantize="int8")
    return out, torch_scores


def test_onnx_graphs_give_the_torch_scores(exported):
    out, torch_scores = exported
    assert json.loads((out / "xinwen.json").read_text())["onnx_file"] == "onnx/model.int8.onnx"
    fp32 = ThemeModel.from_pretrained(out, backend="onnx")
    fp32.onnx = load_session(out, "onnx/model.onnx")
    np.testing.assert_allclose(fp32.predict_scores([None, "交警"], TEXTS[:2]), torch_scores, atol=1e-5)
    int8 = ThemeModel.from_pretrained(out)  # auto: the int8 graph the folder names
    assert int8.onnx is not None and int8.bert is None
    np.testing.assert_allclose(int8.predict_scores([None, "交警"], TEXTS[:2]), torch_scores, atol=0.01)


def test_onnx_backend_imports_neither_torch_transformers_nor_sklearn(exported):
    out, torch_scores = exported
    code = (
        "import json, sys\n"
        "from xinwen.models.theme import ThemeModel\n"
        f"m = ThemeModel.from_pretrained({str(out)!r})\n"
        f"s = m.predict_scores([None, '交警'], {TEXTS[:2]!r})\n"
        "print(json.dumps({'heavy': [k for k in ('torch', 'transformers', 'sklearn') if k in sys.modules],"
        " 'scores': s.tolist()}))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["heavy"] == []
    np.testing.assert_allclose(np.array(got["scores"]), torch_scores, atol=0.01)


def test_auto_backend_falls_back_to_torch_without_onnxruntime(exported, monkeypatch):
    import importlib.util

    out, torch_scores = exported
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    m = ThemeModel.from_pretrained(out)  # the folder names an int8 graph, but nothing could run it
    assert m.onnx is None and m.bert is not None
    np.testing.assert_allclose(m.predict_scores([None, "交警"], TEXTS[:2]), torch_scores, atol=1e-6)
