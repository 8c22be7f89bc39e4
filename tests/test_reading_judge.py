"""The reading judge behind `--segmenter auto`: its junctions and scores, its files, its config,
where `auto` asks it, and its training path on a corpus made here."""

from __future__ import annotations

import gzip
import json
import math

import numpy as np
import pytest

from tests.conftest import ROOT

pytest.importorskip("reportlab")

STORY_A = ["市交警支队今天启动一盔一带专项整治行动，在主要路口设卡检查。", "执勤民警共查处未佩戴头盔的电动自行车骑行人一百余人次。"]
STORY_B = ["城郊街道举办反诈宣传进社区活动，民警讲解常见电信诈骗手法。", "居民现场下载国家反诈中心应用程序，并签署防范承诺书。"]


class _Fixed:
    """A junction model stub: P(runs on) from whether the paragraph shares its story's first characters."""

    def predict_proba(self, x):
        p = np.where(x[:, 1] > 0.5, 0.9, 0.2)  # shared_last: most of the paragraph's wording is in the one before
        return np.column_stack([1 - p, p])


def _judge(junction=None):
    from xinwen.models.headline_style import HeadlineStyle
    from xinwen.models.reading_judge import ReadingJudge

    buckets = 1 << 12
    return ReadingJudge(HeadlineStyle(np.zeros(buckets, np.float32), 0.0, buckets), np.ones(buckets, np.float32),
                        junction)


def _art(head, paras):
    from xinwen.models.reading_judge import ArticleText

    return ArticleText(head, list(paras))


def test_a_reading_claims_a_junction_at_every_paragraph():
    from xinwen.models.reading_judge import junctions

    js = list(junctions([_art("甲", STORY_A), _art(None, []), _art("乙", STORY_B)]))
    assert [(j.boundary, j.headline, len(j.before)) for j in js] == [(False, "甲", 1), (True, "甲", 2), (False, "乙", 1)]
    assert js[1].paragraph == STORY_B[0] and js[1].before == STORY_A


def test_the_score_is_the_weighted_mean_log_probability_of_the_claims():
    from xinwen.models.reading_judge import cjk_chars, junctions

    judge = _judge(_Fixed())
    x = judge.features(list(junctions([_art("甲", STORY_A)])))
    p = float(_Fixed().predict_proba(x)[0, 1])
    total, weight = judge.loglik([_art("甲", STORY_A)])
    w = cjk_chars(STORY_A[1]) / 200
    assert weight == pytest.approx(w) and total == pytest.approx(w * math.log(p))
    # two stories kept apart against the same two glued into one: the stub says a new story's
    # first paragraph does not run on, so the reading that keeps them apart scores higher
    apart = [_art("甲", STORY_A), _art("乙", STORY_B)]
    glued = [_art("甲", STORY_A + STORY_B)]
    s = judge.compare({"apart": apart, "glued": glued}, unplaced_p=0.5)
    assert s["apart"] > s["glued"]


def test_text_a_reading_leaves_out_counts_at_the_unplaced_probability():
    from xinwen.models.reading_judge import cjk_chars

    judge = _judge(_Fixed())
    full = [_art("甲", STORY_A), _art("乙", STORY_B)]
    short = [_art("甲", STORY_A)]
    s = judge.compare({"full": full, "short": short}, unplaced_p=0.5, prior_weight=0.0)
    total, weight = judge.loglik(short)
    miss = sum(cjk_chars(p) for p in STORY_B) / 200
    assert s["short"] == pytest.approx((total + miss * math.log(0.5)) / (weight + miss))
    # a single one-paragraph article decides no junction: without a prior it would score 0, the
    # best there is, against any reading that decides something; the prior makes it a coin toss
    one = [_art("甲", STORY_A[:1])]
    assert judge.compare({"one": one}, 0.5, prior_weight=0.0)["one"] == 0.0
    assert judge.compare({"one": one}, 0.5, prior_weight=1.0)["one"] == pytest.approx(math.log(0.5))
    s = judge.compare({"one": one, "none": []}, 0.5, prior_weight=1.0)
    assert s["one"] == pytest.approx(s["none"])  # an ad read as an article does not beat leaving it out


def test_the_judge_folder_round_trips_and_refuses_other_features(tmp_path):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from xinwen.models.forest import TreeEnsemble
    from xinwen.models.reading_judge import FEATURES, ReadingJudge

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, len(FEATURES)))
    tree = TreeEnsemble.from_sklearn(HistGradientBoostingClassifier(max_iter=10).fit(x, x[:, 1] > 0), FEATURES)
    judge = _judge(tree)
    judge.card = {"held_out": {"junction_auc": 0.9}}
    judge.save_pretrained(tmp_path / "j")
    assert not list((tmp_path / "j").glob("*.pkl"))
    back = ReadingJudge.from_pretrained(tmp_path / "j")
    readings = {"a": [_art("甲", STORY_A + STORY_B)], "b": [_art("甲", STORY_A), _art("乙", STORY_B)]}
    assert back.compare(readings, 0.5) == judge.compare(readings, 0.5)
    assert back.card["held_out"]["junction_auc"] == 0.9
    meta = json.loads((tmp_path / "j" / "judge.json").read_text(encoding="utf-8"))
    (tmp_path / "j" / "judge.json").write_text(json.dumps({**meta, "features": ["opening"]}), encoding="utf-8")
    with pytest.raises(ValueError, match="other features"):
        ReadingJudge.from_pretrained(tmp_path / "j")
    with pytest.raises(FileNotFoundError, match="not a reading judge"):
        ReadingJudge.from_pretrained(tmp_path)


def test_the_shipped_config_pins_the_unplaced_probability(tmp_path):
    from xinwen.inference.segmentation.layout import LayoutConfig

    cfg = LayoutConfig.from_yaml()
    assert (cfg.judge_unplaced_p, cfg.judge_prior_weight) == (0.5, 1.0)
    bad = tmp_path / "layout.yaml"
    bad.write_text("judge_unplaced_p: 1.5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="probability below 1"):
        LayoutConfig.from_yaml(bad)


def test_judge_train_config_is_checked(tmp_path):
    from xinwen.training.judge_train import JudgeTrainConfig

    assert JudgeTrainConfig.from_yaml().first_seed >= 90  # past train-layout's 60 + 30 seeds a family
    for text, match in (("seeds: 0\n", "positive integer"), ("families: [feature]\n", "training families"),
                        ("sim_variants: {nope: 1}\n", "sim_variants"), ("colour: red\n", "unknown keys"),
                        ("dumps: [scan]\n", "unknown dumps")):
        f = tmp_path / "j.yaml"
        f.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=match):
            JudgeTrainConfig.from_yaml(f)


def test_auto_returns_one_readers_reading_of_a_dump_and_of_a_pdf(fixture_articles, tmp_path):
    """`auto` returns one of the two readings whole: of a text dump, and of a PDF page, which
    carries the rules' own reading (pdfminer's layout) beside the learned reader's layout."""
    from xinwen.inference.segmentation import Segmenter, segment_page
    from xinwen.inference.segmentation.reader import dump_layout
    from xinwen.inference.segmenter import page_articles
    from xinwen.inference.sources import read_pages
    from xinwen.training.pagesim import TextPool, simulate

    text = (ROOT / "examples" / "hunan-daily-2022-regional-page.txt").read_text(encoding="utf-8")
    dump = dump_layout(text)
    assert segment_page(dump, Segmenter.AUTO) in [segment_page(dump, k) for k in (Segmenter.RULES, Segmenter.LEARNED)]

    pool = TextPool.from_items([{"title": a["title"], "text": a["text"]} for a in fixture_articles])
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(simulate("metro", 100_003, pool).pdf)
    (page,) = list(read_pages(str(pdf), Segmenter.AUTO))
    assert page.rules_reading is not None and page.layout.has_geometry
    (rules_page,) = list(read_pages(str(pdf), Segmenter.RULES))
    (learned_page,) = list(read_pages(str(pdf), Segmenter.LEARNED))
    rules = page_articles(rules_page, Segmenter.RULES)[0]
    learned = page_articles(learned_page, Segmenter.LEARNED)[0]
    got = page_articles(page, Segmenter.AUTO)[0]
    assert [a.text for a in got] in ([a.text for a in rules], [a.text for a in learned])


def test_a_tie_goes_to_the_learned_reader(monkeypatch):
    from xinwen.inference.segmentation import choice
    from xinwen.inference.segmentation.layout import Segmenter

    class Level:
        def compare(self, readings, unplaced_p, prior_weight):
            return dict.fromkeys(readings, -0.3)

    monkeypatch.setattr(choice, "_bundled", Level())
    assert choice.judged({Segmenter.RULES: [], Segmenter.LEARNED: []})[0] == Segmenter.LEARNED


def test_the_shipped_judge_loads_and_says_what_it_was_fitted_on():
    from xinwen.inference.segmentation.choice import bundled_judge

    judge = bundled_judge()
    assert judge.junction is not None
    assert {"corpus_sha256", "config", "layout_model_sha256", "held_out"} <= set(judge.card)
    assert judge.card["held_out"]["junction_auc"] > 0.8


def test_training_end_to_end_on_a_corpus_made_here(fixture_articles, tmp_path):
    """Opening model, IDF and junction trees from a small corpus and two simulated pages (each
    read as its PDF and as a text page), saved as safetensors with a card that names the data,
    the config and held-out figures."""
    from xinwen.models.reading_judge import ReadingJudge
    from xinwen.training.judge_train import train_judge

    texts = [a["text"] for a in fixture_articles]
    corpus = tmp_path / "corpus.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as fh:
        for i in range(60):
            body = "\n".join(texts[(i + j) % len(texts)] for j in range(6))
            fh.write(json.dumps({"id": f"c{i}", "title": fixture_articles[i % len(texts)]["title"], "text": body},
                                ensure_ascii=False) + "\n")
    cfg = tmp_path / "judge.yaml"
    cfg.write_text("corpus_items: 50\nbuckets: 4096\nfamilies: [metro]\nseeds: 2\neval_seeds: 1\nmax_iter: 10\n"
                   "dumps: [text]\n", encoding="utf-8")
    judge = train_judge(corpus, tmp_path / "judge", cfg, quiet=True)
    back = ReadingJudge.from_pretrained(tmp_path / "judge")
    assert back.junction is not None and back.opening.buckets == 4096
    assert back.card["config"]["seeds"] == 2 and len(back.card["corpus_sha256"]) == 64
    arts = back.card["held_out"]["articles"]
    assert set(arts) == {"rules", "learned", "judged"} and arts["judged"]["truth"] > 0
    assert judge.card["examples"]["pages"] == 4  # two PDF pages and their regional-style text pages


def test_a_turned_page_and_a_blank_page_are_one_warning_line_each(tmp_path, capsys):
    """A page whose text is set rotated is read (and said to be); a blank page between pages with
    text is left out with a line saying so; the batch goes on."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from xinwen.inference.segmentation import Segmenter, ocr
    from xinwen.inference.sources import read_pages

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    f = tmp_path / "turned.pdf"
    c = canvas.Canvas(str(f), pagesize=A4)
    w, h = A4
    c.saveState()
    c.translate(w / 2, h / 2)
    c.rotate(90)
    c.setFont("STSong-Light", 10)
    for k, text in enumerate(STORY_A + STORY_B):
        c.drawString(-200, -14 * k, text)
    c.restoreState()
    c.showPage()
    c.showPage()  # blank
    c.setFont("STSong-Light", 10)
    c.drawString(60, h - 100, STORY_A[0])
    c.showPage()
    c.save()
    pages = list(read_pages(str(f), Segmenter.AUTO))
    err = capsys.readouterr().err
    assert [p.page for p in pages] == [1, 3]
    assert "page 1: most of its text is set rotated" in err
    assert ("page 2: blank" if ocr.ocr_available() else "page 2: no text layer, left out") in err
