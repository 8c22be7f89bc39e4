"""Self-training: confident teacher calls only, labelled articles skipped, output trains."""

import json

import numpy as np
from xinwen.training.labelled import validate
from xinwen.training.self_training import pseudo_label, select
from xinwen.training.theme_train import train_theme


def test_select_keeps_only_confident_rows():
    themes = ("industry", "talent")
    scores = np.array([[0.95, 0.6], [0.7, 0.2], [0.01, 0.02], [0.3, 0.92]])
    assert select(scores, themes, "other", 0.9, 0.05) == [
        ("industry", ["industry", "talent"]), None, ("other", []), ("talent", ["talent"])]


def test_pseudo_labels_skip_labelled_articles_and_train(labelled_files, fixture_articles, tmp_path):
    train, dev = labelled_files
    teacher = tmp_path / "teacher"
    train_theme(str(train), str(dev), str(teacher), quiet=True, overrides={"architecture": "tfidf"})
    corpus = tmp_path / "news.jsonl"
    rows = [{"id": f"n{i}", "title": r["title"], "text": r["text"] + f"（第{i}版）"} for i, r in enumerate(fixture_articles * 8)]
    rows.append({"id": "dup", "title": "", "text": fixture_articles[0]["text"]})  # also in train: must be skipped
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "pseudo.jsonl"
    counts = pseudo_label([corpus], out, teacher, exclude=[train], items=1000, min_conf=0.3, max_other=0.2,
                          per_class=3, quiet=True)
    recs = validate(out, warn=lambda m: None)  # a valid labelled file
    assert counts["kept"] == len(recs) > 0
    assert all(v <= 3 for v in counts["per_class"].values())
    assert "pseudo:dup" not in {r["id"] for r in recs}
    m = train_theme([str(train), str(out)], str(dev), str(tmp_path / "student"), quiet=True,
                    overrides={"architecture": "tfidf"})
    data = json.loads((tmp_path / "student" / "data.json").read_text())
    assert len(data["train"]) == 2 and data["train_records"] == len(fixture_articles) + len(recs)
    from xinwen.training.evaluate import evaluate_model

    assert evaluate_model(str(tmp_path / "student"), str(dev))["model"]["macro_f1"] == m["macro_f1"]
