"""Theme model end to end on fixture records: train → save → load → classify → evaluate."""

import json

import numpy as np
import pytest
from xinwen.models.theme import ThemeModel
from xinwen.models.theme_io import decide
from xinwen.training.evaluate import evaluate_scores, expected_calibration_error
from xinwen.training.labelled import DataError, load_labelled, validate
from xinwen.training.theme_train import train_theme

from xinwen.settings import file_sha256, load_labels

FAST = {"bert": {"max_length": 64, "head_fraction": 0.7, "title_dropout": 0.2, "epochs": 2, "batch_size": 8,
                 "lr": 0.001, "weight_decay": 0.0, "warmup_ratio": 0.1, "patience": 2, "pos_weight_cap": 5.0},
        "tfidf": {"ngram_min": 1, "ngram_max": 2, "max_features": 5000, "C": 10.0}, "onnx": "none"}


def test_labels_come_from_config():
    labels = load_labels()
    assert labels.themes == ("industry", "governance", "anti-fraud", "road-safety", "recruitment", "talent")
    assert labels.other == "other" and labels.zh["talent"] == "人才引育"


def test_tiny_bert_trains_saves_loads_classifies(tiny_base, labelled_files, tmp_path, capfd):
    tr, dv = labelled_files
    out = tmp_path / "theme"
    m = train_theme(str(tr), str(dv), str(out), base_model=str(tiny_base), quiet=True, overrides=FAST)
    for f in ("model.safetensors", "config.json", "tokenizer.json", "xinwen.json", "metrics.json", "README.md",
              "data.json", "training_config.yaml", "seen.json"):
        assert (out / f).exists(), f
    from xinwen.training.evaluate import evaluate_model

    again = evaluate_model(str(out), str(dv), backend="torch")["model"]  # the saved model scores what was reported
    assert again["macro_f1"] == pytest.approx(m["macro_f1"], abs=1e-6) and again["accuracy"] == pytest.approx(m["accuracy"])
    data = json.loads((out / "data.json").read_text())  # which weights the base path held then
    assert data["base_sha256"] == file_sha256(tiny_base / "model.safetensors")
    assert "Writing model shards" not in capfd.readouterr().err  # transformers' tqdm bars stay out of our stderr
    model = ThemeModel.from_pretrained(out, backend="torch")
    assert "Loading weights" not in capfd.readouterr().err
    preds = model.predict(["交警开展一盔一带整治", None], ["交警查处酒驾，宣传安全头盔。", "公园举办花展。"])
    assert len(preds) == 2
    for p in preds:
        assert p["theme"] in load_labels().primary_classes
        assert set(p["scores"]) == set(load_labels().themes)
        assert p["themes"] == [] or p["theme"] == p["themes"][0]


def test_bert_seed_changes_the_fine_tuning(tiny_base, labelled_files):
    from xinwen.training.labelled import load_labelled
    from xinwen.training.theme_train import _train_bert

    labels = load_labelled(str(labelled_files[0]), load_labels(), lambda m: None)
    th, other = load_labels().themes, load_labels().other

    def scores(seed, **kw):
        cfg = {"seed": 13, "bert": {**FAST["bert"], "epochs": 1, "seed": seed, **kw}}
        return _train_bert(cfg, labels, labels, th, other, str(tiny_base), None, False, True, select=False)[3]

    np.testing.assert_array_equal(scores(1), scores(1))  # reproducible
    assert not np.allclose(scores(1), scores(2))  # another BERT on the same data, for averaging


def test_tfidf_learns_fixture_themes(labelled_files, tmp_path):
    tr, dv = labelled_files
    out = tmp_path / "tfidf"
    m = train_theme(str(tr), str(dv), str(out), quiet=True, overrides={**FAST, "architecture": "tfidf"})
    assert m["accuracy"] >= 0.8  # dev is a subset of train here: it must fit it
    assert not list(out.glob("*.pkl")) and (out / "tfidf.safetensors").exists()


def test_metrics_match_hand_computed_values():
    themes, other = ("a", "b"), "other"
    scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.7], [0.1, 0.2]])
    data = {"primary": ["a", "b", "a", "other"], "labels": [["a"], ["b"], ["a"], []]}
    r = evaluate_scores(scores, data, themes, other, np.array([0.5, 0.5]))
    # predictions: a, b, b (0.7 > 0.6), other → 3/4 right
    assert r["predictions"] == ["a", "b", "b", "other"]
    assert r["accuracy"] == pytest.approx(0.75)
    # per class F1: a: P=1 R=.5 → .667; b: P=.5 R=1 → .667; other: 1 → macro .778
    assert r["macro_f1"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    # multi-label: predicted {a},{b},{a,b},{} vs gold {a},{b},{a},{} → tp 3, fp 1, fn 0 → 6/7
    assert r["micro_f1_multilabel"] == pytest.approx(6 / 7)
    assert r["confusion"]["matrix"] == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]


def test_calibration_error_hand_computed():
    assert expected_calibration_error(np.array([0.95, 0.95]), np.array([1, 1])) == pytest.approx(0.05)
    assert expected_calibration_error(np.array([0.05, 0.95]), np.array([0, 0])) == pytest.approx(0.5)


def test_decide_falls_back_to_other():
    d = decide(np.array([[0.3, 0.2]]), ("a", "b"), np.array([0.5, 0.5]), "other")[0]
    assert d["theme"] == "other" and d["themes"] == []


@pytest.mark.parametrize("line,problem", [
    ('{"id": "1", "text": "文本", "primary": "sports"}', "unknown label 'sports'; allowed: industry"),
    ('{"id": "1", "text": "  ", "primary": "other"}', "empty text"),
    ('{"id": "1", "text": 123, "primary": "other"}', "`text` is a number, not a string"),
    ('{"id": "1", "text": "文本", "primary": "other"', "malformed JSON"),
    ('{"id": "1", "text": "文本"}', "no label"),
])
def test_bad_label_files_refuse_with_file_and_line(tmp_path, line, problem):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"id": "0", "text": "好的", "primary": "other"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        validate(f)
    assert f"{f}:2: {problem}" in str(e.value)


def test_a_json_array_trains_like_json_lines(tmp_path):
    recs = [{"id": "1", "text": "交警查处酒驾", "primary": "road-safety"}, {"id": "2", "text": "花展", "primary": "other"}]
    f = tmp_path / "labels.json"
    f.write_text(json.dumps(recs, ensure_ascii=False, indent=2), encoding="utf-8")
    assert [r["primary"] for r in validate(f)] == ["road-safety", "other"]
    assert load_labelled(f)["id"] == ["1", "2"]  # and the datasets loader reads it too
    f.write_text(json.dumps([*recs, {"id": "3", "text": "文本", "primary": "sports"}], ensure_ascii=False, indent=2))
    with pytest.raises(DataError, match=rf"{f.name}:12: unknown label 'sports'"):
        validate(f)


def test_duplicate_ids_are_warned(tmp_path):
    f = tmp_path / "dup.jsonl"
    rec = json.dumps({"id": "x", "text": "文本", "primary": "other"}, ensure_ascii=False)
    f.write_text(rec + "\n" + rec + "\n", encoding="utf-8")
    warnings = []
    assert len(validate(f, warn=warnings.append)) == 2
    assert "id 'x' appears 2 times" in warnings[0]


def test_csv_labels(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text('id,title,text,primary,labels\n1,标题,正文内容,recruitment,"recruitment;talent"\n', encoding="utf-8")
    assert validate(f)[0]["labels"] == ["recruitment", "talent"]


def test_csv_problems_name_the_line_a_quoted_multiline_row_starts_on(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text('id,text,primary\n1,"第一段\n第二段\n第三段",industry\n2,正文,sports\n', encoding="utf-8")
    with pytest.raises(DataError) as e:
        validate(f)
    assert f"{f}:5: unknown label 'sports'" in str(e.value)  # row 2 starts on line 5, not 3


def test_a_csv_without_a_text_column_is_one_error_for_the_file(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("id,body,primary\n" + "".join(f"{i},正文,other\n" for i in range(200)), encoding="utf-8")
    with pytest.raises(DataError) as e:
        validate(f)
    assert str(e.value) == f"{f}: no `text` column (columns: id, body, primary); nothing was trained"


def test_evaluate_writes_report_and_compares(labelled_files, tmp_path):
    from xinwen.training.evaluate import evaluate_model

    tr, dv = labelled_files
    a, b = tmp_path / "a", tmp_path / "b"
    train_theme(str(tr), str(dv), str(a), quiet=True, overrides={**FAST, "architecture": "tfidf"})
    train_theme(str(tr), str(dv), str(b), quiet=True,
                overrides={**FAST, "architecture": "tfidf", "tfidf": {"ngram_min": 1, "ngram_max": 1, "C": 1.0}})
    res = evaluate_model(str(a), str(dv), str(tmp_path / "rep"), compare_dir=str(b))
    assert set(res) == {"model", "compare"}
    rep = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert str(a) in rep and str(b) in rep and "macro-F1" in rep
    metrics = json.loads((tmp_path / "rep" / "metrics.json").read_text())
    assert metrics["model"]["macro_f1"] == pytest.approx(res["model"]["macro_f1"])
    assert (tmp_path / "rep" / "confusion_model.png").exists() and (tmp_path / "rep" / "confusion_compare.png").exists()
    from xinwen.training.theme_card import add_comparison

    card = (a / "README.md").read_text(encoding="utf-8")
    table = add_comparison(a, {"unigrams, C 1": b})
    assert (a / "README.md").read_text(encoding="utf-8") == card + table
    rows = [r for r in table.splitlines() if r.startswith(("| this model", "| unigrams"))]
    for row, d in zip(rows, (a, b)):
        assert f"| {json.loads((d / 'metrics.json').read_text())['macro_f1']:.3f} |" in row
    assert len(rows) == 2 and "| yes |" not in table  # neither run is from random init


def test_evaluate_says_when_the_data_is_not_held_out(tiny_base, labelled_files, tmp_path):
    """A model remembers fingerprints of what it trained and tuned on; `evaluate` counts the
    overlap (a new headline, re-wrapping or a new ending do not hide it; a new opening is a new
    article) and
    says so on one line."""
    from typer.testing import CliRunner
    from xinwen.training.evaluate import evaluate_model
    from xinwen.training.seen import fingerprint, read_seen

    from xinwen.cli import app

    story = "洞口县为破解基层社会治理难题，探索出以“积分换项目”新模式，在信访领域先行先试，已初见成效，一大批矛盾纠纷被解决在基层和萌芽状态。去年，102个村（社区）实现零上访。"
    assert fingerprint(story + "（完）") == fingerprint(story.replace("，", "， ")) != fingerprint("本报讯" + story)
    tr, dv = labelled_files
    dev = [json.loads(x) for x in dv.read_text(encoding="utf-8").splitlines() if x.strip()]
    rewrapped, edited = tmp_path / "rewrapped.jsonl", tmp_path / "edited.jsonl"
    same = [{**r, "title": "新标题", "text": r["text"].replace("。", "。\n  ")} for r in dev]
    rewrapped.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in same), encoding="utf-8")
    edited.write_text("\n".join(json.dumps({**r, "text": "本报讯　" + r["text"]}, ensure_ascii=False) for r in dev),
                      encoding="utf-8")
    half = tmp_path / "half.jsonl"
    half.write_text("\n".join(rewrapped.read_text(encoding="utf-8").splitlines()[:2]
                              + edited.read_text(encoding="utf-8").splitlines()[2:]), encoding="utf-8")
    a = tmp_path / "a"
    train_theme(str(tr), str(dv), str(a), quiet=True, overrides={**FAST, "architecture": "tfidf"})
    n = len(dev)
    assert evaluate_model(str(a), str(rewrapped))["model"]["seen"] == {"n": n, "train": n, "dev": n}
    assert evaluate_model(str(a), str(edited))["model"]["seen"] == {"n": n, "train": 0, "dev": 0}
    evaluate_model(str(a), str(half), str(tmp_path / "rep"))
    assert f"2 of {n} records of {half} were in this model's training data" in (
        tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    r = CliRunner().invoke(app, ["evaluate", "--model", str(a), "--data", str(edited)])
    assert r.exit_code == 0 and "not held out" not in r.output
    r = CliRunner().invoke(app, ["evaluate", "--model", str(a), "--data", str(dv)])
    assert f"{n} of {n} records of {dv} were in this model's training data; {n} of {n}" in r.output
    # after k-fold tuning a dev file is only scored, so it stays unseen; --init-from inherits
    b, c = tmp_path / "b", tmp_path / "c"
    train_theme(str(tr), str(dv), str(b), quiet=True, overrides={**FAST, "architecture": "tfidf"}, folds=2)
    assert read_seen(b)["dev"] == set() and len(read_seen(b)["train"]) > n
    d = tmp_path / "d"  # a BERT continued from another: what the parent saw counts as trained on
    train_theme(str(tr), str(dv), str(d), base_model=str(tiny_base), quiet=True, overrides=FAST)
    train_theme(str(edited), str(edited), str(c), quiet=True, overrides=FAST, init_from=str(d))
    seen_d, seen_c = read_seen(d), read_seen(c)
    assert seen_d["train"] < seen_c["train"] and seen_c["dev"] == seen_c["train"] - seen_d["train"]


def test_fold_indices_cover_every_record_once_and_stratify():
    from xinwen.training.crossval import fold_indices

    primary = ["a"] * 6 + ["b"] * 3 + ["other"] * 9
    folds = fold_indices(primary, 3, seed=1)
    held = np.concatenate([te for _, te in folds])
    assert sorted(held.tolist()) == list(range(len(primary)))
    for tr, te in folds:
        assert not set(tr) & set(te)
        assert sum(primary[i] == "b" for i in te) == 1  # every fold holds its share of the small class
    with pytest.raises(ValueError, match="at least 2"):
        fold_indices(primary, 1, seed=1)


def test_folds_tune_out_of_fold_and_refit_on_all(tiny_base, labelled_files, tmp_path):
    tr, dv = labelled_files
    out = tmp_path / "cv"
    m = train_theme(str(tr), None, str(out), base_model=str(tiny_base), quiet=True, overrides=FAST, folds=2)
    n = sum(1 for line in tr.read_text(encoding="utf-8").splitlines() if line.strip())
    assert m["cv"]["folds"] == 2 and m["cv"]["n"] == n and m["held_out"] == "2-fold out-of-fold"
    assert m["macro_f1"] == m["cv"]["macro_f1"]
    assert [h["epoch"] for h in m["history"]] == [1, 2]  # no early stopping: every epoch, mean over folds
    meta = json.loads((out / "xinwen.json").read_text())
    assert meta["tuned_on"].startswith("2-fold") and len(meta["thresholds"]) == 6
    assert "out-of-fold" in (out / "README.md").read_text(encoding="utf-8")
    from safetensors.numpy import load_file

    assert load_file(str(out / "cv_scores.safetensors"))["bert"].shape == (n, 6)
    assert ThemeModel.from_pretrained(out).predict(["交警查酒驾"], ["交警查处酒驾。"])[0]["theme"]
    # with a dev file, dev is only reported, on the thresholds the folds chose
    m2 = train_theme(str(tr), str(dv), str(tmp_path / "cv2"), quiet=True,
                     overrides={**FAST, "architecture": "tfidf"}, folds=2)
    assert m2["held_out"].startswith("dev (untouched") and "cv" in m2
    with pytest.raises(ValueError, match="dev file"):
        train_theme(str(tr), None, str(tmp_path / "x"), quiet=True, overrides=FAST)


def test_long_bodies_are_cut_head_and_tail_without_a_tokenizer_warning(tiny_base):
    """The body is tokenised whole on purpose (head + tail are cut from it afterwards), so the
    tokenizer's 'longer than the maximum sequence length' warning would only alarm users of
    `xinwen classify` and `xinwen run` on every long article."""
    import logging

    from transformers import AutoTokenizer
    from xinwen.models.theme import encode

    class Records(logging.Handler):
        def __init__(self):
            super().__init__()
            self.messages: list[str] = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    tok = AutoTokenizer.from_pretrained(str(tiny_base), local_files_only=True)
    tok.model_max_length = 40
    text = "洞口县" + "推进乡村振兴" * 60 + "积分换项目"
    handler = Records()
    logging.getLogger("transformers").addHandler(handler)
    try:
        (ids,) = encode(tok, [None], [text], max_length=32, head_fraction=0.5)
    finally:
        logging.getLogger("transformers").removeHandler(handler)
    full = tok(text, add_special_tokens=False)["input_ids"]
    # no title: [CLS] body [SEP] within 32 - 3, half head, the rest tail
    assert len(full) > 32 and len(ids) == 31
    assert ids[1:15] == full[:14] and ids[15:-1] == full[-15:]
    assert not [m for m in handler.messages if "longer than" in m]


def test_retraining_keeps_the_parent_s_blend_and_tfidf_half_and_writes_a_graph(tiny_base, labelled_files, tmp_path):
    """The README's recipe: `train --init-from PARENT` on a few labels. The parent's TF-IDF half
    (fit on all its data) and its blend weight stay unless the new data shows a clear gain, and
    the ONNX graph is written, so the child classifies as fast as the shipped model."""
    from xinwen.models.tfidf import TfidfThemeModel

    tr, dv = labelled_files
    recs = validate(tr, warn=lambda m: None)
    parent = tmp_path / "parent"
    train_theme(str(tr), str(dv), str(parent), base_model=str(tiny_base), quiet=True, overrides=FAST)
    themes = load_labels().themes
    y = np.array([[t in r["labels"] for t in themes] for r in recs], dtype=np.float32)
    TfidfThemeModel(themes, FAST["tfidf"]).fit([r["title"] for r in recs], [r["text"] for r in recs], y,
                                               [r["primary"] for r in recs]).save(parent)
    meta = json.loads((parent / "xinwen.json").read_text())
    meta.update(tfidf_weight=0.6, thresholds=[0.45] * 6)
    (parent / "xinwen.json").write_text(json.dumps(meta))
    few = tmp_path / "few.jsonl"
    few.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs[:5]), encoding="utf-8")
    child = tmp_path / "child"
    train_theme(str(few), str(few), str(child), init_from=str(parent), quiet=True,
                overrides={**FAST, "onnx": "int8", "blend_min_gain": 1.0})  # no gain can beat the parent
    got = json.loads((child / "xinwen.json").read_text())
    assert got["tfidf_weight"] == 0.6 and got["tfidf_from"] == "parent"
    assert got["thresholds"] == [0.45] * 6  # five records support no theme's threshold
    assert (child / "tfidf.safetensors").read_bytes() == (parent / "tfidf.safetensors").read_bytes()
    assert got["onnx_file"] == "onnx/model.int8.onnx" and (child / got["onnx_file"]).is_file()
    m = ThemeModel.from_pretrained(child)  # auto picks the graph
    assert m.onnx is not None and m.bert is None
    titles, texts = [r["title"] for r in recs], [r["text"] for r in recs]
    torch_scores = ThemeModel.from_pretrained(child, backend="torch").predict_scores(titles, texts)
    assert np.abs(m.predict_scores(titles, texts) - torch_scores).max() < 0.05


def test_a_threshold_moves_only_where_the_data_supports_it():
    from xinwen.models.theme_io import tune_thresholds

    themes = ("a", "b")
    scores = np.array([[0.3, 0.1]] * 12 + [[0.1, 0.3]] * 2 + [[0.05, 0.05]] * 12)
    primary = ["a"] * 12 + ["b"] * 2 + ["other"] * 12
    free = tune_thresholds(scores, primary, themes, "other")
    assert free[0] < 0.3 and free[1] < 0.3  # both lowered to catch their articles
    held = tune_thresholds(scores, primary, themes, "other", start=np.array([0.5, 0.5]), min_support=10)
    assert held[0] < 0.3 and held[1] == 0.5  # two articles of `b` do not move its threshold


def test_each_epoch_is_logged_once_without_a_source_location(tiny_base, labelled_files, tmp_path, capfd):
    tr, dv = labelled_files
    train_theme(str(tr), str(dv), str(tmp_path / "m"), base_model=str(tiny_base), quiet=False,
                overrides={**FAST, "bert": {**FAST["bert"], "epochs": 1}})
    err = capfd.readouterr().err
    assert err.count("train epoch 1: dev macro-F1") == 1 and "theme_train.py:" not in err
