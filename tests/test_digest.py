"""Digests: splitting and span rules, ROUGE arithmetic, and a tiny ranker trained end to end."""

import jieba
import pytest
from xinwen.inference.digest import Digester, lead, textrank
from xinwen.inference.rouge import lcs, rouge_all, rouge_l, rouge_n
from xinwen.models.clause_cuts import fit_words, fit_words_tail
from xinwen.models.digest import FEATURES, DigestRanker
from xinwen.models.spans import (
    candidates,
    clauses,
    dangling,
    sentences,
    skip_boilerplate,
    tidy,
)
from xinwen.models.textclean import normalise_text
from xinwen.training.digest_train import build_matrix, fit_ranker

BODY = ("本报讯（记者 王明）近日，湘潭高新区出台《产业强区“百十亿”工程工作方案（2022-2025年）》，"
        "明确到2025年，力争培育1个500亿级产业、1个300亿级产业。同时，该区还将加快建设工业软件园。"
        "“我们有信心把企业发展得更好！”一位负责人说。")


def test_sentence_split_keeps_closing_quote():
    sents = [BODY[a:b] for a, b in sentences(BODY)]
    assert sents[-2] == "“我们有信心把企业发展得更好！”"
    assert len(sents) == 4


def test_clauses_split_on_commas():
    s0, s1 = sentences(BODY)[1]
    assert [BODY[a:b] for a, b in clauses(BODY, s0, s1)][0] == "同时，"


def test_boilerplate_lead_in_skipped():
    a, b = sentences(BODY)[0]
    assert BODY[skip_boilerplate(BODY, a, b):].startswith("近日")
    x = "央视网消息（新闻联播）：今天，国务院召开常务会议。"
    assert x[skip_boilerplate(x, 0, len(x)):].startswith("今天")


@pytest.mark.parametrize("max_chars", [8, 12, 20, 30])
def test_spans_are_contiguous_short_and_word_safe(max_chars):
    body = normalise_text(BODY)
    words = jieba.lcut(body, HMM=False)
    bounds = {0}
    pos = 0
    for w in words:
        pos += len(w)
        bounds.add(pos)
    for s in candidates(body, max_chars):
        assert body[s.start : s.end] == s.text  # always a span of the body
        assert len(s.text) <= max_chars
        assert s.start in bounds and s.end in bounds  # never mid-word
        assert not (s.text[-1].isdigit() and body[s.end : s.end + 1].isdigit())  # never mid-number
        assert s.text[-1] not in "，。、：；！？" and not s.text.startswith(("同时，", "，"))
        for o, c in (("“", "”"), ("（", "）"), ("《", "》")):
            assert s.text.count(o) <= s.text.count(c)  # no bracket left open
            assert not (s.text.endswith(c) and s.text.count(c) > s.text.count(o))  # no orphan closer


def test_quoted_speech_and_questions_are_candidates_only_as_a_last_resort():
    body = "“喂，麻阳公路养护中心吗？路面都是积水。”接完电话，公路服务队队员们立马前去抢修。"
    got = [s.text for s in candidates(body)]
    assert got and all("养护中心" not in t and "积水" not in t for t in got)
    assert "公路服务队队员们立马前去抢修" in got
    only = "“喂，麻阳公路养护中心吗？”"
    assert "麻阳公路养护中心吗" in [s.text for s in candidates(only)]


def test_the_attribution_after_a_quotation_is_reported_speech_too():
    body = ("“把反电诈内容都印到鸡蛋上了，真新奇！”这是在罗宦社区举办的课堂结束后，来自社区的李奶奶最大的感受。"
            "“要将防诈骗的种子种到群众心中！”工作室成员任泉介绍。城郊街道广泛开展社区公益课堂。")
    got = [s.text for s in candidates(body)]
    assert got == ["城郊街道广泛开展社区公益课堂"]
    # the same words, not after a quotation, say what happened
    assert "来自社区的李奶奶最大的感受" in [s.text for s in candidates("活动结束后，来自社区的李奶奶最大的感受。")]


def test_spans_cut_mid_phrase_are_flagged_dangling():
    body = ("这是在罗宦社区举办的网络公益课堂结束后，李奶奶最大的感受。"
            "交警队员对过往的车辆、电摩驾驶人进行耐心的劝导。由市委网信办联合举办的，活动很好。"
            "娄星区作为中心城区，是全市人才工作的主阵地。")
    flags = {s.text: s.dangling for s in candidates(body)}
    assert flags["这是在罗宦社区举办的网络公益课堂结束后"]  # 在…后: a setting, no statement
    assert flags["电摩驾驶人进行耐心的劝导"]  # starts inside a list
    assert flags["交警队员对过往的车辆"]  # stops inside a list
    assert flags["由市委网信办联合举办的"]  # stops on 的
    assert flags["是全市人才工作的主阵地"]  # its subject is in the clause before
    assert not flags["李奶奶最大的感受"] and not flags["交警队员对过往的车辆、电摩驾驶人进行耐心的劝导"]


def test_a_lone_subordinate_or_time_clause_is_dangling():
    body = ("随着“一带一路”建设不断推进，人民币国际化迎来新机遇。"
            "毛泽东同志曾讲过这样一件事：红军过草地的时候，他和战士们一起挖野菜。")
    flags = {s.text: s.dangling for s in candidates(body)}
    assert flags["随着“一带一路”建设不断推进"]  # its main clause is the next one
    assert flags["红军过草地的时候"]
    assert not flags["随着“一带一路”建设不断推进，人民币国际化迎来新机遇"]
    assert not flags["人民币国际化迎来新机遇"]
    cut = "沙特将把从7月开始的日均100万桶的自愿减产石油措施延长至9月底"
    assert dangling(cut, 0, cut.index("9月")) and not dangling(cut, 0, len(cut))  # a head cut before its number


def test_a_clause_opening_on_a_consequence_goes_on_from_the_one_before():
    body = "一些领导干部认为基层的权力都是“微权力”，因此不注重规范“微权力”的运行。因此，要构建科学的基层权力运行体系。"
    flags = {s.text: s.dangling for s in candidates(body)}
    assert flags["因此不注重规范“微权力”的运行"]  # shares the subject of the clause before
    assert not flags["要构建科学的基层权力运行体系"]  # `因此，` set off by a comma is stripped instead
    assert dangling("，并公布十个奖项", 1, 8) and not dangling("并网发电量创新高", 0, 8)  # 并网: not a conjunction
    assert not dangling("但是，我们", 0, 5) and dangling("但我们要", 0, 4)


def test_a_subhead_line_gives_spans_without_its_line_break():
    """A paragraph without end punctuation (an in-article subhead) ends its sentence at the line
    break; the span must not carry that break into a one-line digest."""
    body = normalise_text("胜利开启全面建设社会主义现代化国家新征程。\n明确新目标：分两步走全面建设社会主义现代化国家\n"
                          "中国特色社会主义发展是阶段性和连续性的统一。")
    spans = candidates(body, 30)
    assert "分两步走全面建设社会主义现代化国家" in [s.text for s in spans]
    assert not [s.text for s in spans if s.text != s.text.strip()]


def test_a_span_may_open_inside_its_clause_on_the_actor():
    """Headlines drop a title or a `…的` modifier before the actor; such a window is a candidate,
    flagged `inner`, and never opens on an object as though it acted."""
    body = "由国家疾控局组派的中国政府援缅卫生防疫队今天（4月19日）启程赴缅甸协助开展灾后卫生防疫工作。"
    spans = {s.text: s for s in candidates(body, 30)}
    s = spans["中国政府援缅卫生防疫队今天（4月19日）启程赴缅甸"]  # stops after the object, not on `协助开展`
    assert s.inner and s.opens_on_noun and s.has_verb and not s.dangling and not s.sent_start
    assert not spans["由国家疾控局组派的中国政府援缅卫生防疫队今天（4月19日）"].inner
    named = "国务院副总理张高丽24日在中南海紫光阁会见了澳大利亚国库部长霍基。"
    got = candidates(named, 30)
    assert any(s.inner and s.text.startswith("张高丽24日") for s in got)
    assert not any(s.text.startswith(("澳大利亚", "霍基", "紫光阁")) for s in got)
    far = "".join(f"第{k}句没有别的意思，由国家疾控局组派的中国政府援缅卫生防疫队启程。" for k in range(5))
    assert max(s.sent_index for s in candidates(far, 30) if s.inner) == 2  # the first three sentences only


def test_tidy_drops_every_orphan_closer_at_the_end():
    text = "2025年）》，"
    a, b = tidy(text, 0, len(text))
    assert text[a:b] == "2025年"


def test_a_long_clause_offers_its_tail_cut_at_a_word():
    body = ("近日，由醴陵市委政法委牵头，该市板杉镇党委、政府、派出所、"
            "交警大队等多部门共同参与的大型宣传活动在板杉镇夏坪桥村集市上火热进行。")
    spans = {s.text: s for s in candidates(body, 30)}
    tail = spans["多部门共同参与的大型宣传活动在板杉镇夏坪桥村集市上火热进行"]  # not `等多部门…`
    assert tail.head_cut and not tail.sent_start and tail.sent_end and not tail.dangling
    head = next(s for t, s in spans.items() if t.startswith("交警大队等多部门共同参与的大型宣传活动在"))
    assert not head.head_cut and head.dangling  # the head, its verb cut off
    assert [s for s in spans.values() if s.head_cut] == [tail]  # only a clause over max_chars has one


def test_a_cut_never_splits_a_transliterated_name_or_a_number_from_its_unit():
    body = ("索马里新当选总统穆罕默德·阿卜杜拉希·穆罕默德22号在摩加迪沙机场区域宣誓就职。"
            "穆罕默德在就职演说中承诺将努力解决索马里面临的安全、干旱、腐败和贫困问题。")
    cut = [s.text for s in candidates(body, 30) if s.text[0] in "·•・" or s.text[-1] in "·•・"]
    assert cut == []
    for s in candidates(body, 30):  # a name is kept whole or left out (jieba cuts `阿卜杜拉|希`)
        assert not s.text.startswith(("希", "阿卜杜拉希", "穆罕默德22"))
    body = "国家统计局发布数据显示，全国经营耕地面积在50亩以上的规模经营农户超过350万户，比2016年增长了一倍多。"
    heads = [s.text for s in candidates(body, 26) if not s.head_cut and s.text.startswith("全国")]
    assert heads == ["全国经营耕地面积在50亩以上的规模经营农户超过"]  # not `…超过350`: 350 what?


def test_ranker_prefers_a_whole_span_within_its_margin(fixture_articles, tmp_path):
    import numpy as np

    X, y, _ = build_matrix(fixture_articles, 20, quiet=True)
    ranker = fit_ranker(X, y, hidden=(8,))
    body = "这是在罗宦社区举办的网络公益课堂结束后，李奶奶最大的感受。"
    spans = candidates(body)
    dangling = [i for i, s in enumerate(spans) if s.dangling]
    whole = [i for i, s in enumerate(spans) if not s.dangling]
    fake = np.zeros(len(spans))
    fake[dangling[0]], fake[whole[0]] = 1.0, 0.95
    ranker.score = lambda X: fake
    ranker.meta["dangling_margin"] = 0.0
    assert ranker.best(body) == spans[dangling[0]].text
    ranker.meta["dangling_margin"] = 0.1
    assert ranker.best(body) == spans[whole[0]].text


def test_a_body_with_no_candidate_span_gets_its_opening_on_one_line(fixture_articles):
    X, y, _ = build_matrix(fixture_articles, 20, quiet=True)
    ranker = fit_ranker(X, y, hidden=(8,))
    for digest in (lambda b: lead(b, 30), lambda b: textrank(b, 30), lambda b: ranker.best(b, 30)):
        assert digest("●\n■") == "● ■" and digest("好") == "好"


def test_lead_and_textrank_are_spans():
    body = normalise_text(BODY)
    for d in (lead(BODY, 30), textrank(BODY, 30)):
        assert d and d in body and len(d) <= 30
    assert lead(BODY, 30).startswith("湘潭高新区")  # boilerplate and the connective 近日 skipped


def test_rouge_hand_computed():
    assert lcs("ABCBDAB", "BDCABA") == 4
    # pred "湘潭高新区" vs ref "湘潭新区": unigrams overlap 4 → P 4/5, R 4/4 → F 8/9
    assert rouge_n("湘潭高新区", "湘潭新区", 1) == pytest.approx(8 / 9)
    # bigrams pred {湘潭,潭高,高新,新区}, ref {湘潭,潭新,新区} → overlap 2 → P .5 R 2/3 → F 4/7
    assert rouge_n("湘潭高新区", "湘潭新区", 2) == pytest.approx(4 / 7)
    assert rouge_l("湘潭高新区", "湘潭新区") == pytest.approx(8 / 9)
    assert rouge_all("", "标题")["rougeL"] == 0.0


def test_tiny_ranker_trains_saves_loads(fixture_articles, tmp_path):
    X, y, _ = build_matrix(fixture_articles, 20, quiet=True)
    ranker = fit_ranker(X, y, hidden=(8,))
    ranker.save_pretrained(tmp_path / "digest")
    again = DigestRanker.from_pretrained(tmp_path / "digest")
    assert again.score(X[:5]) == pytest.approx(ranker.score(X[:5]), rel=1e-5)
    d = Digester("learned", tmp_path / "digest", 20)
    for a in fixture_articles:
        out = d(a["text"])
        assert out and out in normalise_text(a["text"]) and len(out) <= 20


def test_ranked_lists_every_candidate_best_first_and_best_picks_from_it(fixture_articles):
    """`ranked` is what `best` chooses from (and what the readability benchmark's `--alternatives`
    reads): every candidate once, scores falling; `best` is its first span, or, when that one is
    cut mid-phrase, the first whole one scoring within `dangling_margin` of it."""
    X, y, _ = build_matrix(fixture_articles, 20, quiet=True)
    ranker = fit_ranker(X, y, hidden=(8,))
    ranker.meta["dangling_margin"] = 0.1
    for a in fixture_articles:
        ranked = ranker.ranked(a["text"], 20)
        spans = candidates(normalise_text(a["text"]), 20)
        assert sorted(s.text for s, _ in ranked) == sorted(s.text for s in spans)
        scores = [v for _, v in ranked]
        assert scores == sorted(scores, reverse=True)
        top, v = ranked[0]
        whole = next(((s, w) for s, w in ranked if not s.dangling), None)
        want = whole[0] if top.dangling and whole and whole[1] >= v - 0.1 else top
        assert ranker.best(a["text"], 20) == want.text
    assert ranker.ranked("", 20) == []


def test_a_seed_ensemble_averages_its_members(fixture_articles, tmp_path):
    import numpy as np

    X, y, _ = build_matrix(fixture_articles, 20, quiet=True)
    both = fit_ranker(X, y, hidden=(8,), seed=3, members=2)
    one = [fit_ranker(X, y, hidden=(8,), seed=s) for s in (3, 4)]
    assert not np.allclose(one[0].score(X), one[1].score(X))  # the seeds do differ
    assert both.score(X) == pytest.approx((one[0].score(X) + one[1].score(X)) / 2, rel=1e-4, abs=1e-6)
    both.save_pretrained(tmp_path / "digest")
    assert DigestRanker.from_pretrained(tmp_path / "digest").score(X) == pytest.approx(both.score(X), rel=1e-5)


def test_unknown_method_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown digest method"):
        Digester("abstractive")


def test_a_clause_tail_does_not_start_after_a_lone_character_bound_to_the_next_word():
    """jieba cuts `新|时代`; dropping `新` to fit 30 characters read `时代我国经济…`."""
    text = "新时代我国经济发展的基本特征是由高速增长阶段转向高质量发展阶段"
    assert list(jieba.cut(text, HMM=False))[:2] == ["新", "时代"]
    assert text[fit_words_tail(text, 0, len(text), 30) :] == "我国经济发展的基本特征是由高速增长阶段转向高质量发展阶段"
    text = "对全市交通事故起数和死亡人数实现双下降创历史新低给予肯定"  # a preposition may end the dropped head
    assert fit_words_tail(text, 0, len(text), len(text) - 1) == 1


@pytest.mark.parametrize(("clause", "not_start"), [
    ("国家主席习近平3日在雅加达参观中印尼友好图片展并同两国青年交流", ("主席", "雅加达")),
    ("工业和信息化部等八部门近日联合印发《机械工业数字化转型实施方案》", ("信息化部",)),
    ("国务院总理李克强4日向在北京举行的第二届中俄交通大学校长论坛发去贺信", ("4日", "向在")),
    ("第二十七届中国西部商品交易会暨首届秦巴山区绿色农林产业投资贸易洽谈会", ("中国西部",)),
], ids=["title-name", "coordination", "actor-date", "ordinal"])
def test_a_clause_tail_keeps_its_actor_and_its_noun_phrases_whole(clause, not_start):
    """The tail used to start at the first word boundary that fit: `主席习近平…` without `国家`,
    `信息化部…` without `工业和`, `4日向…` without the premier."""
    tail = clause[fit_words_tail(clause, 0, len(clause), 30) :]
    assert not tail.startswith(not_start), tail


def test_a_clause_tail_may_drop_a_modifier_or_a_date():
    clause = "位于明尼苏达州布卢明顿市的美国最大商场美国购物中心在当地时间23日晚间突发枪击事件"
    assert clause[fit_words_tail(clause, 0, len(clause), 30) :].startswith("美国最大商场")
    clause = "开国元勋朱德总司令（香港）大型展览开幕典礼28日在香港中央图书馆举行"  # nor on a bracket
    assert clause[fit_words_tail(clause, 0, len(clause), 30) :] == "大型展览开幕典礼28日在香港中央图书馆举行"
    clause = "2024（甲辰）年公祭伏羲大典今天（6月21日）在甘肃天水举行隆重的纪念仪式"  # nor on a unit
    assert not clause[fit_words_tail(clause, 0, len(clause), 30) :].startswith("年")


def test_a_clause_head_does_not_end_inside_a_name():
    """jieba splits names it does not know (`德|克罗`, `伊|素|福`) and titles (`玛格丽特|二世`)."""
    for clause, name in [("国家主席习近平在人民大会堂会见来华进行正式访问的比利时首相德克罗", "德克罗"),
                         ("国务院总理李克强25日下午在人民大会堂会见丹麦女王玛格丽特二世", "玛格丽特二世")]:
        head = clause[: fit_words(clause, 0, len(clause), len(clause) - 2)]
        assert not any(head.endswith(name[:k]) for k in range(1, len(name))), head


@pytest.mark.parametrize("span", ["李克强说", "应委内瑞拉总统马杜罗的邀请", "为充分体现党中央的关怀和温暖",
                                  "其中西科尔多凡州首府富拉首次出现交火", "《中华人民共和国两用物项出口管制条例》（以下简称《条例》）",
                                  "一是切实加强城镇污水处理设施建设", "题目是《政治操弄的又一闹剧》"])
def test_frames_attributions_and_titles_alone_are_not_statements(span):
    from xinwen.models.spans import dangling

    assert dangling(span, 0, len(span))


@pytest.mark.parametrize("span", ["第74届联合国大会一般性辩论24日在纽约联合国总部拉开帷幕", "全国邮政快递业揽收快递包裹15.11亿件",
                                  "中国物流与采购联合会发布的7月中国物流业景气指数为50.4%", "其他国家代表也发了言"])
def test_whole_statements_are_not_dangling(span):
    from xinwen.models.spans import dangling

    assert not dangling(span, 0, len(span))


def test_a_span_that_words_the_headline_is_a_headline_example_for_the_style_model():
    from xinwen.training.digest_train import style_examples

    item = {"title": "江苏 全力推动六大减排工程",
            "text": "十二五期间，江苏省将全力推动六大减排工程。同时把减排目标完成情况纳入政府绩效管理，实行问责制。"}
    heads, neg = style_examples([item], 30, seed=0)
    assert heads[0] == "江苏全力推动六大减排工程"  # the headline itself, whitespace removed
    assert "江苏省将全力推动六大减排工程" in heads  # the body's wording of it
    assert neg and not set(neg) & set(heads) and all("减排工程" not in t for t in neg)


def test_how_close_a_span_must_be_to_count_as_a_headline_is_set_in_the_config():
    from xinwen.training.digest_train import style_examples

    from xinwen.settings import load_config

    assert load_config(None, "digest")["style_head_rouge"] == 0.75
    item = {"title": "江苏 全力推动六大减排工程", "text": "十二五期间，江苏省将全力推动六大减排工程。"}
    assert style_examples([item], 30, seed=0, head_rouge=1.01)[0] == ["江苏全力推动六大减排工程"]  # none close enough


def test_the_headline_style_model_learns_headlines_from_spans_and_travels_with_the_ranker(fixture_articles, tmp_path):
    import numpy as np
    from xinwen.models.headline_style import HeadlineStyle
    from xinwen.training.digest_train import fit_headline_style

    style = fit_headline_style(fixture_articles, 20, seed=0, buckets=2 ** 12, c=10.0, quiet=True)
    titles = [a["title"] for a in fixture_articles]
    spans = [s.text for a in fixture_articles for s in candidates(normalise_text(a["text"]), 20)]
    assert style.score(titles).mean() > style.score(spans).mean() + 1.0  # it tells them apart where it learnt
    X, y, _ = build_matrix(fixture_articles, 20, quiet=True, style=style)
    assert np.ptp(X[:, FEATURES.index("headline_style")]) > 0  # the ranker sees the style score as a feature
    ranker = fit_ranker(X, y, hidden=(8,), style=style)
    ranker.save_pretrained(tmp_path / "digest")
    again = DigestRanker.from_pretrained(tmp_path / "digest")
    assert again.style.score(spans[:5]) == pytest.approx(style.score(spans[:5]), rel=1e-6)
    (tmp_path / "digest" / "headline_style.safetensors").unlink()
    with pytest.raises(ValueError, match="lost its headline-style model"):
        DigestRanker.from_pretrained(tmp_path / "digest")
    assert isinstance(again.style, HeadlineStyle)
