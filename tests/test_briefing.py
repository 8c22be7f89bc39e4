"""The briefing escapes every field it shows: records come from users' files."""

from xinwen.inference.briefing import render_briefing

MARK = "<script>alert(1)</script>"


def test_every_field_of_a_card_and_the_error_table_is_escaped():
    rec = {"title": MARK, "subtitle": MARK, "digest": MARK, "byline": MARK, "source": MARK, "page": MARK,
           "theme": MARK, "scores": {"industry": MARK}, "text": "x"}
    untitled = {**rec, "title": ""}
    html = render_briefing([rec, untitled], [{"input": MARK, "line": MARK, "reason": MARK}], summary=MARK)
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") >= 10


def test_scores_that_are_not_numbers_do_not_break_the_card():
    html = render_briefing([{"title": "标题", "text": "x", "scores": "not json"},
                            {"title": "标题", "text": "x", "scores": [1, 2]}], [])
    assert html.count('class="card"') == 2
