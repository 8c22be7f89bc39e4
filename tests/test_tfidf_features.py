"""The inference-time TF-IDF transform gives scikit-learn's vectors from the saved vocabulary alone."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from xinwen.models.tfidf_features import NgramTfidf, ngrams, words

FIT = [
    "警方提醒防范电信诈骗，不转账不汇款。",
    "交警整治酒驾醉驾，查处不戴头盔等交通违法行为。",
    "春风行动招聘会提供岗位三千余个，求职者投递简历。",
    "COVID-19 疫情期间 APP 下载量增长，Ｗｉ－Ｆｉ 覆盖全县。",
    "总投资 12.5 亿元的项目开工建设，年产值可达 30 亿元。",
]
NEW = [
    "民警提醒：防范电信网络诈骗！",
    "总 投 资\t\t12.5亿元  的 App 项目",  # runs of whitespace, spaced letters, upper-case Latin
    "ＷＩ－ＦＩ 与 Wi-Fi，头盔与HELMET",
    "",  # an empty document is a zero row, not a division by zero
    "龘靐齉齾",  # nothing in the vocabulary
]


@pytest.mark.parametrize(("analyzer", "rng"), [("char", (1, 3)), ("char", (2, 4)), ("word", (1, 2)), ("word", (1, 1))])
def test_transform_matches_scikit_learn(analyzer, rng):
    vec = TfidfVectorizer(analyzer=analyzer, ngram_range=rng, sublinear_tf=True, dtype=np.float32,
                          preprocessor=words if analyzer == "word" else None)
    vec.fit(FIT)
    ours = NgramTfidf(analyzer, rng, dict(vec.vocabulary_), vec.idf_)
    for docs in (FIT, NEW):
        want, got = vec.transform(docs), ours.transform(docs)
        assert got.shape == want.shape and got.dtype == np.float32
        np.testing.assert_allclose(got.toarray(), want.toarray(), rtol=1e-6, atol=1e-7)
    assert ours.transform(NEW).getrow(3).nnz == 0 and ours.transform(NEW).getrow(4).nnz == 0


def test_ngrams_order_and_joins():
    assert ngrams("总投资", 1, 2) == ["总", "投", "资", "总投", "投资"]
    assert ngrams("总投", 2, 5) == ["总投"]  # no n-gram longer than the text
    assert ngrams(["电信", "诈骗", "案件"], 1, 2) == ["电信", "诈骗", "案件", "电信 诈骗", "诈骗 案件"]


def test_unknown_analyzer_is_refused():
    with pytest.raises(ValueError, match="char_wb"):
        NgramTfidf("char_wb", (1, 3), {}, np.ones(0))
