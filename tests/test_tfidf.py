"""The TF-IDF theme model's two objectives and two views, and its pickle-free save format."""

import json

import numpy as np
import pytest
from xinwen.models.tfidf import TfidfThemeModel

THEMES = ("fraud", "road", "jobs")
DOCS = [
    ("警方提醒防范电信诈骗", "民警走进社区，讲解电信诈骗的常见套路，提醒群众不转账不汇款。", "fraud"),
    ("反诈宣传进校园", "学生们学习识别网络诈骗，下载国家反诈中心App。", "fraud"),
    ("交警整治酒驾", "交警部门开展夜查行动，查处酒驾醉驾和不戴头盔等交通违法行为。", "road"),
    ("一盔一带安全守护", "交警提醒骑电动车要戴安全头盔，开车要系安全带，保障道路交通安全。", "road"),
    ("春风行动招聘会举行", "招聘会提供岗位三千余个，求职者现场投递简历，企业招聘技术工人。", "jobs"),
    ("线上招聘岗位多", "人社部门发布招聘信息，帮助高校毕业生求职就业。", "jobs"),
    ("公园花展开幕", "市民在公园赏花游玩，花展持续一个月。", "other"),
    ("秋季运动会举行", "运动员参加田径比赛，观众为选手加油。", "other"),
]


def _data():
    titles, texts, primary = (list(x) for x in zip(*DOCS))
    y = np.array([[p == t for t in THEMES] for p in primary], dtype=np.float32)
    return titles, texts, primary, y


@pytest.mark.parametrize("cfg", [
    {"objective": "ovr", "ngram_max": 2},
    {"objective": "multinomial", "ngram_max": 2},
    {"objective": "multinomial", "ngram_max": 2, "word_ngram_max": 2},
])
def test_fits_saves_and_loads_the_same_scores(cfg, tmp_path):
    titles, texts, primary, y = _data()
    m = TfidfThemeModel(THEMES, {**cfg, "C": 30.0}).fit(titles, texts, y, primary)
    s = m.predict_scores(titles, texts)
    assert s.shape == (len(DOCS), len(THEMES))
    # each theme's own articles score highest on it; `other` articles score low everywhere
    for row, p in zip(s, primary):
        if p in THEMES:
            assert int(np.argmax(row)) == THEMES.index(p)
    if cfg["objective"] == "multinomial":
        assert (s.sum(axis=1) < 1.0).all()  # the rest of the mass is `other`'s
        assert s[-1].max() < 0.5
    m.save(tmp_path)
    assert not list(tmp_path.glob("*.pkl"))
    meta = json.loads((tmp_path / "tfidf_vocab.json").read_text())
    assert ("word_vocabulary" in meta) == bool(cfg.get("word_ngram_max"))
    again = TfidfThemeModel.load(tmp_path, THEMES).predict_scores(titles, [t + " " for t in texts])
    np.testing.assert_allclose(again, s, rtol=1e-5, atol=1e-6)


def test_word_view_adds_word_features():
    titles, texts, primary, y = _data()
    m = TfidfThemeModel(THEMES, {"objective": "multinomial", "word_ngram_max": 1}).fit(titles, texts, y, primary)
    assert "诈骗" in m.views["word"].vocabulary and "招聘会" in m.views["word"].vocabulary
    assert m.coef.shape == (len(THEMES) + 1, len(m.views["char"].vocabulary) + len(m.views["word"].vocabulary))


def test_multinomial_needs_primary_and_tolerates_an_absent_class():
    titles, texts, primary, y = _data()
    with pytest.raises(ValueError, match="primary"):
        TfidfThemeModel(THEMES, {"objective": "multinomial"}).fit(titles, texts, y)
    keep = [i for i, p in enumerate(primary) if p != "jobs"]
    m = TfidfThemeModel(THEMES, {"objective": "multinomial"}).fit(
        [titles[i] for i in keep], [texts[i] for i in keep], y[keep], [primary[i] for i in keep])
    assert m.predict_scores(titles, texts)[:, THEMES.index("jobs")].max() < 1e-6


