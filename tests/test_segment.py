"""Segmentation: the bundled regional page against its gold, and synthetic pages."""

import json
import random
import re

import pytest
from xinwen.inference.lines import Line, byline_names, is_person_name, split_byline
from xinwen.inference.segment import prepare, segment_text

from tests.conftest import FIX, ROOT

ns = lambda s: re.sub(r"\s", "", s or "")  # noqa: E731  (gold compares with whitespace removed)


def test_bundled_page_matches_gold():
    page = (ROOT / "examples" / "hunan-daily-2022-regional-page.txt").read_text(encoding="utf-8")
    gold = json.loads((FIX / "hunan-daily-2022-regional-page.gold.json").read_text(encoding="utf-8"))["articles"]
    arts = segment_text(page)
    assert len(arts) == len(gold) == 7
    for a, g in zip(arts, gold):
        assert ns(a.title) == ns(g["title"])
        assert ns(a.subtitle) == ns(g["subtitle"])
        assert ns(a.byline) == ns(g["byline"])
        assert [ns(c) for c in a.captions] == [ns(c) for c in g["captions"]]
        assert ns(a.text).startswith(ns(g["body_start"])), a.text[:40]
        assert ns(a.text).endswith(ns(g["body_end"])), a.text[-40:]


def test_bundled_page_keeps_subheads_in_body_and_repairs_spacing():
    page = (ROOT / "examples" / "hunan-daily-2022-regional-page.txt").read_text(encoding="utf-8")
    arts = segment_text(page)
    paras = arts[1].text.split("\n")
    assert "主要做法" in paras and "初步成效" in paras and "工作启示" in paras
    assert any(p.startswith("（一）目标明确化。") for p in paras)
    assert "产业发展，快！" in arts[0].text.split("\n")
    assert "总投资规模达124.4亿元" in arts[0].text
    assert " " not in arts[0].text.replace("\n", "")


def test_byline_helpers():
    assert split_byline("交通安全防护意识深入人心。（刘传真 付 强）") == ("交通安全防护意识深入人心。", "刘传真 付强")
    assert split_byline("参加（社区）活动") == ("参加（社区）活动", None)
    # an affiliation line is not a list of names
    assert split_byline("社会主义现代化强国。（作者为北京大学博雅讲席教授）")[1] is None
    assert byline_names("段唐平 滕雪慧 舒 俊") == "段唐平 滕雪慧 舒俊"


NAMES = ["张伟 李娜", "王芳", "刘洋 陈静", "赵磊"]


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)]


def _page(articles, width, blank, headline_pos, byline_own_line, rng):
    lines = []
    for i, a in enumerate(articles):
        body = _wrap(a["text"], width)
        by = f"（{NAMES[i % len(NAMES)]}）"
        if byline_own_line:
            body.append(by)
        else:
            body[-1] += by
        head = [a["title"]]
        lines += (head + body) if headline_pos == "before" else (body + head)
    sep = "\n\n" if blank else "\n"
    return sep.join(lines)


@pytest.mark.parametrize("seed", range(8))
def test_synthetic_pages_segment_into_their_articles(seed, fixture_articles):
    rng = random.Random(seed)
    arts = rng.sample(fixture_articles, 4)
    width = rng.choice([10, 12, 14, 17, 20])
    pos = ["before", "after"][seed % 2]
    page = _page(arts, width, blank=seed % 3 == 0, headline_pos=pos, byline_own_line=seed % 4 < 2, rng=rng)
    got = segment_text(page)
    assert len(got) == len(arts), [a.title for a in got]
    for g, a, i in zip(got, arts, range(len(arts))):
        assert g.title == a["title"]
        assert ns(g.text) == ns(a["text"])
        assert ns(g.byline) == ns(NAMES[i % len(NAMES)])


def test_title_and_author_mid_flow_end_an_article():
    """Theory pages dumped flat: `title / author name` right after a finished sentence is a boundary."""
    page = "\n".join([
        "新时代的长征路是我们这一代人的使命，更是我们",
        "这一代人的荣光，我们要走好它。",
        "走好新时代的长征路",
        "张怡恬",
        "把中国建成现代化强国，是中国人民为之奋斗了",
        "几代人的夙愿，令人振奋。",
        "把握中国现代化的历史方位",
        "欧阳辉",
    ])
    arts = segment_text(page, headlines="after")
    assert [(a.title, a.byline) for a in arts] == [("走好新时代的长征路", "张怡恬"), ("把握中国现代化的历史方位", "欧阳辉")]
    assert arts[1].text.startswith("把中国建成") and arts[1].text.endswith("令人振奋。")


def test_a_colon_title_joins_its_second_half_but_not_a_name_nor_the_body():
    """A title broken after `：` joins its next line, unless that line is the author's name or
    the body's first line under a title wider than it."""
    page = "\n".join([
        "观，为维护世界和平贡献中国智慧。",
        "新时代：发展新方位奋进新目标",
        "陈曙光",
        "中国特色社会主义进入新时代，这是我国发展新的历史方位，也",
        "是我们奋进新的历史坐标。",
    ])
    arts = segment_text(page, headlines="after")
    assert [(a.title, a.byline) for a in arts if a.title] == [("新时代：发展新方位奋进新目标", "陈曙光")]
    (art,) = segment_text("\n".join(["新时代：", "发展新方位", "中国特色社会主义进入新时代，这是我国发展新的历史方位，也是我们奋进新的历史坐标。"]))
    assert art.title == "新时代：发展新方位"
    page = "\n".join(["国资委：国企改革全面推进 营收利润双增长", "国家卫生健康委今天（6月", "18日）通报，全国各地持续", "推进国企改革三年行动。"])
    (art,) = segment_text(page)  # a whole title over a narrow column: the line under it is body
    assert art.title == "国资委：国企改革全面推进 营收利润双增长" and art.text.startswith("国家卫生健康委")


def test_a_headline_row_drawn_twice_closes_up_over_its_colon():
    """pdftotext repeats fake-bold rows in pieces: `新时代：` / `新时代` / `：发展新方位 奋进新目标`."""
    lines = [Line(x) for x in ["新时代：", "新时代", "：发展新方位 奋进新目标", "陈曙光"]]
    assert [x.text for x in prepare(lines)] == ["新时代：发展新方位奋进新目标", "陈曙光"]


def test_person_names():
    assert is_person_name("张怡恬") and is_person_name("欧阳辉") and is_person_name("樊丽")
    assert is_person_name("萧师俭") and is_person_name("甄占民") and is_person_name("洪银兴")  # rarer surnames
    assert not is_person_name("新时代") and not is_person_name("主要做法") and not is_person_name("张")


def test_vertical_title_gives_up_the_authors_name_printed_on_below_it():
    page = "\n".join(list("意气风发走进新时代欧阳辉") + [
        "中国特色社会主义进入新时代，这是我国发展新的历史方位，",
        "也是我们奋进新的历史坐标。新时代要有新气象，更要有新作为。"])
    (art,) = segment_text(page)
    assert (art.title, art.byline) == ("意气风发走进新时代", "欧阳辉")
    (art,) = segment_text("\n".join(list("走好新时代的长征路") + ["新时代、新机遇、新目标、新征程，展现在我们面前。"]))
    assert art.title == "走好新时代的长征路" and art.byline is None  # no name there: nothing cut


def test_the_name_under_a_vertical_title_survives_an_affiliation_line_closing_the_article():
    """Headlines-after dumps: the affiliation line closes the article and its vertical title
    is taken after it, by another path than a title met mid-flow; the name went missing there."""
    page = "\n".join([
        "把中国建成现代化强国，是中国人民为之奋斗了几代人的夙愿，",
        "中国将一步步走向全面发展的社会主义现代化强国。",
        "（作者为北京大学教授）",
        *"把握中国现代化的历史方位钱乘旦",
    ])
    (art,) = segment_text(page, headlines="after")
    assert (art.title, art.byline) == ("把握中国现代化的历史方位", "钱乘旦")


def test_a_two_character_name_set_down_a_column_is_the_byline_and_a_phrase_is_not():
    body = ["党的十八届三中全会指出，要使市场在资源配置中起决定性作用，", "更好发挥政府作用，不断提高宏观调控的科学性。", "（作者为中国人民大学校长）"]
    (art,) = segment_text("\n".join([*body, "以供给侧结构性改革为主线建设现代化经济体系", "刘", "伟"]), headlines="after")
    assert (art.title, art.byline) == ("以供给侧结构性改革为主线建设现代化经济体系", "刘伟")
    arts = segment_text("\n".join([*body, "运用辩证思维推动高质量发展", "双量发力"]), headlines="after")
    assert arts[0].title == "运用辩证思维推动高质量发展" and arts[0].byline is None


def test_a_headline_with_no_body_is_not_an_article():
    from xinwen.inference.segment import Article, drop_fragments

    whole = Article(title="让红船精神放射时代光芒", text="教育部中国特色社会主义理论体系研究中心等单位联合举办研讨会。" * 3)
    split_off = Article(title="社会主义思想学术研讨会”述要", byline="萧师俭", text="")
    captioned = Article(title="图片新闻", captions=["市民在公园里晨练。"], text="")
    assert drop_fragments([whole, split_off, captioned]) == [whole, captioned]
    assert drop_fragments([split_off]) == [split_off]  # a page of nothing else keeps it


def test_a_dash_line_is_the_subtitle_and_the_lines_after_it_its_wrap():
    from xinwen.inference.segment import Article, assign_headline

    art = Article()
    assign_headline(["让红船精神放射时代光芒", "——“红船精神与习近平新时代中国特色", "社会主义思想学术研讨会”述要"], art)
    assert (art.kicker, art.title) == (None, "让红船精神放射时代光芒")
    assert art.subtitle == "——“红船精神与习近平新时代中国特色社会主义思想学术研讨会”述要"
    art = Article()
    assign_headline(["深入学习贯彻党的十九大精神", "奋力谱写新篇章", "——写在新年到来之际"], art)
    assert (art.kicker, art.title, art.subtitle) == ("深入学习贯彻党的十九大精神", "奋力谱写新篇章", "——写在新年到来之际")
