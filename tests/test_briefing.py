"""The briefing an editor forwards: where each article ran (never a path), headline, digest once,
theme with an unsure mark, in the page's language; every field escaped."""

from datetime import datetime

from xinwen.inference.briefing import BriefingSettings, render_briefing
from xinwen.inference.records import ArticleRecord

MARK = "<script>alert(1)</script>"
WHEN = datetime(2026, 12, 6, 8, 0)


def _rec(**kw):
    base = {"title": "县交警开展一盔一带整治", "text": "交警大队在集市路口开展宣传劝导。", "theme": "road-safety",
            "scores": {"road-safety": 0.93, "governance": 0.1}, "digest": "交警开展一盔一带整治",
            "source": "/srv/papers/2024/hnsb20240604_A06.pdf", "page": 1}
    return ArticleRecord.from_fields({**base, **kw})  # as the briefing reads OUT back


def test_every_field_of_a_card_and_the_error_table_is_escaped():
    rec = {k: MARK for k in ("title", "subtitle", "kicker", "digest", "byline", "source", "page", "theme", "paper",
                             "date", "edition", "section")} | {"scores": {"industry": MARK}, "text": "x"}
    html = render_briefing([ArticleRecord.from_fields(rec), ArticleRecord.from_fields({**rec, "title": ""})], [{"input": MARK, "line": MARK, "reason": MARK}], when=WHEN)
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") >= 10


def test_scores_that_are_not_numbers_do_not_break_the_card():
    html = render_briefing([_rec(scores="not json"), _rec(scores=[1, 2]), _rec(scores={"road-safety": "x"})], [])
    assert html.count('class="card"') == 3


def test_a_card_cites_the_masthead_not_the_path():
    html = render_briefing([_rec(paper="潇湘晨报", date="2024-06-04", edition="A06", section="城市", kicker="引题")], [],
                           when=WHEN)
    assert "潇湘晨报 · 2024-06-04 · A06 城市" in html and "/srv/papers" not in html
    assert '<div class="kicker">引题</div>' in html and "道路交通安全" in html and '<html lang="zh">' in html
    bare = render_briefing([_rec()], [{"input": "/srv/papers/x.pdf", "reason": "/srv/papers/x.pdf: not a PDF"}])
    assert "hnsb20240604_A06.pdf · 第1页" in bare and "/srv/" not in bare  # the file's name, no folders


def test_unsure_calls_are_marked_and_an_untitled_digest_shows_once():
    cfg = BriefingSettings(theme_below=0.65, other_above=0.35)
    sure = render_briefing([_rec()], [], settings=cfg)
    weak = render_briefing([_rec(scores={"road-safety": 0.55})], [], settings=cfg)
    near = render_briefing([_rec(theme="other", scores={"road-safety": 0.4, "talent": 0.1})], [], settings=cfg)
    assert "低置信" not in sure and "低置信 · 置信度 0.55" in weak and "也可能是：道路交通安全" in near
    untitled = render_briefing([_rec(title="", digest="摘要句只出现一次")], [])
    assert untitled.count("摘要句只出现一次") == 1 and "无标题" in untitled


def test_an_english_page_gets_an_english_briefing():
    html = render_briefing([_rec(title="Helmet campaign", text="Police handed out helmets at the market.")], [])
    assert '<html lang="en">' in html and "News briefing" in html and "road-safety" in html


def test_a_model_of_another_taxonomy_names_its_own_themes():
    from xinwen.models.theme_config import ThemeModelConfig

    tax = ThemeModelConfig(architecture="tfidf", themes=("flood", "harvest"), thresholds=[0.5, 0.5], other="misc",
                           display={"flood": "防汛", "harvest": "秋收", "misc": "其他"})
    html = render_briefing([_rec(theme="flood", scores={"flood": 0.9, "harvest": 0.1}), _rec(theme="misc", scores={})],
                           [], taxonomy=tax)
    assert '<section id="flood"><h2>防汛 <small>1</small>' in html and '<section id="misc"><h2>其他' in html
    assert "道路交通安全" not in html and 'id="road-safety"' not in html  # labels.yaml's themes are not this model's
