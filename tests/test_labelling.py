"""`suggest` picks uncertain, distinct, unseen articles; `import-labels` reads Label Studio and
doccano exports into records `train` accepts, listing bad tasks and annotator conflicts."""

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner
from xinwen.training.label_exchange import import_labels, labelstudio_config
from xinwen.training.labelled import validate
from xinwen.training.suggest import margins, select
from xinwen.training.theme_train import train_theme

from xinwen.cli import app

runner = CliRunner()
DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_margin_is_the_smallest_change_that_flips_the_decision():
    th = np.array([0.5, 0.5])
    m = margins(np.array([[0.52, 0.10],    # just over one threshold
                          [0.90, 0.80],    # two themes over: half their gap
                          [0.05, 0.10]]),  # far from everything: clearly `other`
                th)
    assert m == pytest.approx([0.02, 0.05, 0.40])


def test_select_takes_the_uncertain_and_drops_near_duplicates():
    rng = np.random.default_rng(0)
    words = ["产业园区投资项目", "社区网格治理", "电信诈骗防范", "交通安全头盔", "征兵报名", "人才公寓补贴",
             "文艺演出", "天气预报", "体育比赛", "医疗卫生"]
    texts = [f"{words[i % 10]}第{i}条新闻" + "".join(rng.choice(list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"), 40))
             for i in range(40)]
    texts[1] = texts[0]  # one story twice
    scores = np.linspace(0.49, 0.05, 40)[:, None].repeat(2, 1)  # row 0 most uncertain
    picks, clusters, m = select(scores, np.array([0.5, 0.5]), texts, 5)
    assert len(picks) == 5 and 0 in picks and 1 not in picks  # the copy goes, the original stays
    assert max(picks) < 5 * 4 + 2  # from the uncertain end of the pool
    assert len(set(clusters.tolist())) == 5


@pytest.fixture()
def tfidf_model(labelled_files, tmp_path):
    train, dev = labelled_files
    out = tmp_path / "model"
    train_theme(str(train), str(dev), str(out), quiet=True, overrides={"architecture": "tfidf"})
    return out


def _corpus(tmp_path, fixture_articles, copies: int = 6) -> Path:
    rows = [{"id": f"n{i}", "title": r["title"], "text": f"本地消息{i}号：" + r["text"]}
            for i, r in enumerate(fixture_articles * copies)]
    rows.append({"id": "dup", "title": "", "text": fixture_articles[0]["text"]})  # the model trained on it
    p = tmp_path / "news.jsonl"
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return p


@pytest.mark.parametrize("fmt,suffix", [("labelstudio", ".json"), ("doccano", ".jsonl"), ("jsonl", ".jsonl")])
def test_suggest_writes_each_tool_s_format_and_skips_what_the_model_saw(tfidf_model, fixture_articles, tmp_path,
                                                                        fmt, suffix):
    corpus = _corpus(tmp_path, fixture_articles)
    earlier = tmp_path / "round1.jsonl"
    earlier.write_text(json.dumps({"text": f"本地消息3号：{fixture_articles[3]['text']}"}, ensure_ascii=False), "utf-8")
    out = tmp_path / f"tasks{suffix}"
    r = runner.invoke(app, ["suggest", "--corpus", str(corpus), "-n", "6", "-o", str(out), "--model", str(tfidf_model),
                            "--format", fmt, "--exclude", str(earlier)])
    assert r.exit_code == 0, r.output
    if fmt == "labelstudio":
        tasks = json.loads(out.read_text("utf-8"))
        ids = [t["data"]["id"] for t in tasks]
        pred = tasks[0]["predictions"][0]
        assert pred["result"][0]["from_name"] == "theme" and pred["result"][0]["type"] == "choices"
        assert 0 <= pred["score"] <= 1
        assert out.with_suffix(".config.xml").read_text("utf-8") == labelstudio_config()
    else:
        rows = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
        ids = [x.get("xinwen_id", x.get("id")) for x in rows]
        assert all(("label" in x) if fmt == "doccano" else ("suggested" in x) for x in rows)
    assert len(ids) == 6 == len(set(ids))
    assert "dup" not in ids and "n3" not in ids


def test_suggest_refuses_a_wrong_suffix_before_work(tmp_path, fixture_articles):
    r = runner.invoke(app, ["suggest", "--corpus", str(_corpus(tmp_path, fixture_articles)), "-n", "3",
                            "-o", str(tmp_path / "t.jsonl"), "--format", "labelstudio"])
    assert r.exit_code == 2 and "writes .json" in r.output


def _ann(choices, who=1, cancelled=False, control="theme"):
    return {"id": who * 100, "completed_by": who, "was_cancelled": cancelled, "lead_time": 3.2,
            "result": [{"from_name": control, "to_name": "text", "type": "choices", "id": "a1",
                        "value": {"choices": choices}}] if choices is not None else []}


def _task(i, text, *anns):
    return {"id": i, "project": 3, "data": {"id": f"x{i}", "title": f"标题{i}", "text": text},
            "annotations": list(anns), "predictions": []}


def test_a_hand_made_label_studio_export_imports_and_trains(fixture_articles, tmp_path):
    """Label Studio's documented JSON export, written by hand: every task's fate is checked."""
    a = fixture_articles
    export = [
        _task(1, a[0]["text"], _ann(["industry"])),
        _task(2, a[2]["text"], _ann(["governance", "anti-fraud"])),                 # multi-label
        _task(3, a[12]["text"], _ann(["other"])),
        _task(4, a[4]["text"], _ann(["道路交通安全"])),                               # display name
        _task(5, a[6]["text"], _ann(["recruitment"], who=1), _ann(["talent"], who=2)),  # conflict
        _task(6, a[8]["text"], _ann(["talent"], who=1), _ann(["talent"], who=2)),       # agreement
        _task(7, a[10]["text"], _ann(["sports"])),                                     # unknown label
        _task(8, a[1]["text"], _ann(None)),                                            # no choices
        _task(9, a[3]["text"], _ann(["industry"], cancelled=True)),                    # skipped only
        _task(10, "", _ann(["industry"])),                                             # no text
        *[_task(20 + i, r["text"] + "（又讯）", _ann([r["primary"]])) for i, r in enumerate(a[1::2])],
    ]
    f = tmp_path / "project-3-at-2026-12-06.json"
    f.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "labelled.jsonl"
    r = runner.invoke(app, ["import-labels", str(f), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout.strip().splitlines()[-1]) == {"tasks": 17, "records": 12, "problems": 4,
                                                              "conflicts": 1}
    assert "task 5: annotators disagree (annotator 1: recruitment; annotator 2: talent)" in r.output
    assert "task 7: unknown label 'sports'" in r.output and "task 8: no choices" in r.output
    assert "task 9: no choices" in r.output and "task 10: no text" in r.output
    recs = {x["id"]: x for x in validate(out, warn=lambda m: None)}  # what `xinwen train` accepts
    assert recs["x2"]["primary"] == "governance" and recs["x2"]["labels"] == ["governance", "anti-fraud"]
    assert recs["x3"]["primary"] == "other" and recs["x3"]["labels"] == []
    assert recs["x4"]["primary"] == "road-safety" and recs["x6"]["primary"] == "talent"
    m = train_theme(str(out), str(out), str(tmp_path / "m"), quiet=True, overrides={"architecture": "tfidf"})
    assert m["accuracy"] > 0.5  # trained on the imported labels and fits them


def test_json_min_and_doccano_exports(fixture_articles, tmp_path):
    a = fixture_articles
    jmin = tmp_path / "min.json"
    jmin.write_text(json.dumps([
        {"id": 1, "title": "t", "text": a[0]["text"], "theme": "industry", "annotator": 1, "annotation_id": 1},
        {"id": 2, "text": a[2]["text"], "theme": {"choices": ["governance", "talent"]}, "annotator": 1},
        {"id": 3, "text": a[4]["text"], "theme": "road-safety", "annotator": 1},
        {"id": 3, "text": a[4]["text"], "theme": "governance", "annotator": 2},
    ], ensure_ascii=False), encoding="utf-8")
    doc = tmp_path / "doccano.jsonl"
    doc.write_text("\n".join([
        json.dumps({"id": 7, "text": a[6]["text"], "label": ["征兵招聘"], "xinwen_id": "n7"}, ensure_ascii=False),
        json.dumps({"id": 8, "text": a[8]["text"], "label": []}, ensure_ascii=False),
        '{"id": 9, "text": "断了',
    ]), encoding="utf-8")
    res = import_labels([jmin, doc])
    got = {r["id"]: (r["primary"], r["labels"]) for r in res.records}
    assert got == {"1": ("industry", ["industry"]), "2": ("governance", ["governance", "talent"]),
                   "n7": ("recruitment", ["recruitment"])}
    assert [c.task for c in res.conflicts] == ["3"]
    assert [str(p) for p in res.problems] == [
        f"{doc}:3: malformed JSON (Unterminated string starting at)",
        f"{doc}: task 8: no choices (not labelled, or skipped)"]
    lenient = import_labels([doc], empty_as_other=True)  # an empty answer taken as `other`
    assert {r["id"]: r["primary"] for r in lenient.records} == {"n7": "recruitment", "8": "other"}
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps([_task(1, a[0]["text"], _ann(["industry"]))], indent=1)[:-40], encoding="utf-8")
    res = import_labels([cut, jmin])
    assert len(res.problems) == 1 and str(res.problems[0]).startswith(f"{cut}:")
    assert res.problems[0].line and "malformed JSON" in res.problems[0].reason
    assert len(res.records) == 2  # the broken file is named, the next file still imported


def test_the_labelling_config_in_docs_is_the_one_we_write():
    assert (DOCS / "label-studio.xml").read_text("utf-8") == labelstudio_config()
