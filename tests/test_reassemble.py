"""Block-wise dumps whose columns are out of reading order (pdftotext without -layout)."""

import random
import re

import numpy as np
from xinwen.inference.blocks import classify, looks_scrambled, split_blocks
from xinwen.inference.lines import is_closing
from xinwen.inference.reassemble import fragments, link, successor_costs
from xinwen.inference.segment import segment_text

ns = lambda s: re.sub(r"\s", "", s or "")  # noqa: E731

THEMES = ["industry", "road-safety", "anti-fraud"]
WIDTHS = [13, 16, 19]


def _articles(fixture_articles):
    """Three articles of distinct themes (the two fixture texts of each)."""
    return ["".join(r["text"] for r in fixture_articles if r["primary"] == theme) for theme in THEMES]


def _blocks(text: str, width: int, rows: int = 3) -> list[list[str]]:
    lines = [text[i : i + width] for i in range(0, len(text), width)]
    lines += ["（作者为湖南省社会科学院研究员）"]
    return [lines[i : i + rows] for i in range(0, len(lines), rows)]


def _dump(fixture_articles, seed: int) -> tuple[str, list[str]]:
    """Each article's column blocks stay in order, but runs of them are interleaved."""
    rng = random.Random(seed)
    arts = _articles(fixture_articles)
    queues = [_blocks(t, w) for t, w in zip(arts, WIDTHS)]
    order: list[list[str]] = []
    while any(queues):
        q = rng.choice([q for q in queues if q])
        for _ in range(rng.randint(1, 2)):
            if q:
                order.append(q.pop(0))
    return "\n\n".join("\n".join(b) for b in order), arts


def _found(pred: str, truth: str, n: int = 8) -> bool:
    g = lambda s: {ns(s)[i : i + n] for i in range(len(ns(s)) - n + 1)}  # noqa: E731
    inter = len(g(pred) & g(truth))
    return inter >= 0.9 * len(g(truth)) and inter >= 0.9 * len(g(pred))


def _classified(text: str):
    return classify(split_blocks(text.split("\n")))


def test_interleaved_columns_come_back_as_their_articles(fixture_articles):
    """With the shipped base model scoring the seams."""
    for seed in range(3):
        dump, arts = _dump(fixture_articles, seed)
        got = segment_text(dump)
        assert len(got) == len(arts), [a.text[:12] for a in got]
        for truth in arts:
            assert any(_found(a.text, truth) for a in got), truth[:20]


def test_without_a_seam_model_nothing_is_lost(fixture_articles):
    dump, arts = _dump(fixture_articles, 0)
    blocks = _classified(dump)
    assert looks_scrambled(blocks)
    bodies = [b for b in blocks if b.kind == "body"]
    frags = fragments(link(successor_costs(bodies), bodies), len(bodies))
    assert sorted(i for f in frags for i in f) == list(range(len(bodies)))
    got = "".join(ns(a.text) for a in segment_text(dump, seam=None))
    assert sorted(got) == sorted("".join(arts))


def test_closing_lines_and_ordinary_pages():
    assert is_closing(["正文最后一句。", "（作 者 为 中 央 党 校", "研究员）"])
    assert is_closing(["交通安全防护意识深入人心。（刘传真 付 强）"])
    assert not is_closing(["正文（括号里的话）还在继续"])
    # paragraphs separated by blank lines, each ending its sentences, are not a scrambled dump
    page = "\n\n".join(["标题"] + [f"第{i}段正文，说了一件完整的事情，到这里结束。" for i in range(8)])
    assert not looks_scrambled(_classified(page))


def test_a_good_seam_scorer_puts_every_column_back(fixture_articles):
    """With seams scored by an oracle, linking is exact: the assembly itself loses nothing."""
    dump, arts = _dump(fixture_articles, 2)
    oracle = lambda pairs: np.array([20.0 if any(a[-6:] + b[:3] in t for t in arts) else 0.0 for a, b in pairs])  # noqa: E731
    blocks = _classified(dump)
    bodies = [b for b in blocks if b.kind == "body"]
    nxt = link(successor_costs(bodies, oracle), bodies)
    assert all(any(bodies[i].text[-6:] + bodies[j].text[:3] in t for t in arts) for i, j in nxt.items())
    got = segment_text(dump, seam=oracle)
    assert sorted(ns(a.text) for a in got) == sorted(arts)


def test_seam_scores_are_the_pseudo_log_likelihood_at_the_seam(tiny_base):
    """The LM head runs at the masked positions only; the sum must be the full model's."""
    import torch
    from xinwen.models.seam import POSITIONS, SeamModel

    seam = SeamModel.from_pretrained(tiny_base)
    seam.batch_size = 3  # pairs straddle batches of uneven lengths
    pairs = [("园区实施审批提速", "改革，优化营商环境"), ("交警", "查处酒驾"), ("审批", ""), ("提醒群众不转账", "不汇款")]
    want = []
    for left, right in pairs:
        li, ri = seam._ids(left), seam._ids(right)
        seq = [seam.tok.cls_token_id, *li, *ri, seam.tok.sep_token_id]
        total = 0.0
        for p in POSITIONS:
            q = 1 + len(li) + p
            if 1 <= q < len(seq) - 1:
                masked = list(seq)
                masked[q] = seam.tok.mask_token_id
                with torch.inference_mode():
                    logits = seam.model(input_ids=torch.tensor([masked])).logits[0, q]
                total += float(logits.log_softmax(-1)[seq[q]])
        want.append(total)
    np.testing.assert_allclose(seam(pairs), want, rtol=1e-5, atol=1e-5)


def test_titles_printed_apart_go_to_the_article_that_uses_their_words(fixture_articles):
    from xinwen.inference.blocks import Block
    from xinwen.inference.reassemble import match_headlines

    arts = _articles(fixture_articles)  # industry, road-safety, anti-fraud
    heads = [Block(["电信网络诈骗犯罪团伙落网"], "head"), Block(["高新区引进产业项目", "张伟"], "head", names=1),
             Block(["交通安全头盔宣传劝导"], "head")]
    got = {k: h.lines for k, h in match_headlines(heads, arts, under={}).items()}
    assert got == {2: ["电信网络诈骗犯罪团伙落网"], 0: ["高新区引进产业项目", "张伟"], 1: ["交通安全头盔宣传劝导"]}


def test_indents_full_lines_and_titles_hanging_over_a_column():
    from xinwen.inference.blocks import Block

    lines = ["“一带一路”建设是我国为完善全球治", "理提供的重要公共产品，是我国扩大开", "放的重大举措，各国共商共建共享成果",
             "丰硕。沿线国家普遍欢迎合作前景广阔。"]
    title = ["以一带一路建设为契机推动人民币国际化", "孟", "  新的一段从这里开始，前面空两格"]
    head, body = classify([title + lines[1:]])
    assert head.kind == "head" and head.lines == title[:1] and body.titled
    assert body.opens and body.runs_on and not body.mid  # indented first line; full last line, sentence ended
    (cont,) = classify([lines[1:] + ["丰硕。"]])
    assert not cont.opens and not cont.runs_on  # a full first line; a short last one ends the paragraph
    a, b, c = (Block(["x"], "body", mid=True) for _ in range(3))
    costs = np.array([[1e6, 0.0, 5.0], [5.0, 1e6, 0.0], [0.0, 5.0, 1e6]])  # cheapest links form a cycle
    nxt = link(costs, [a, b, c])
    assert len(nxt) == 2 and len(fragments(nxt, 3)) == 1  # one reading order, no loop


def test_a_finished_sentence_runs_on_only_into_a_paragraph_that_carries_on():
    from xinwen.inference.blocks import Block

    tail = Block(["x"], "body", width=16, runs_on=True)
    indented = Block(["x"], "body", width=16, opens=True)
    carrying = Block(["x"], "body", width=16)
    costs = np.array([[1e6, -9.0, 1.0], [0.0, 1e6, 0.0], [0.0, 0.0, 1e6]])
    assert link(costs, [tail, indented, carrying]) == {0: 2}
    assert link(costs[:2, :2], [tail, indented]) == {}


def test_a_chain_from_title_to_closing_line_is_a_whole_article():
    from xinwen.inference.blocks import Block
    from xinwen.inference.reassemble import group

    words = "新时代中国特色社会主义思想指引我们奋进新征程"
    bodies = [Block(["x"], "body", text=words * 3 + "开篇", width=15, titled=True, mid=True),
              Block(["x"], "body", text=words * 3 + "作者", width=15, closed=True),
              Block(["x"], "body", text=words * 3 + "另一篇", width=15),
              Block(["x"], "body", text="完全不同的内容讲述交通安全宣传活动" * 3, width=15)]
    frags = [[0, 1], [2], [3]]
    assert [0, 1] in group(frags, bodies, 1)  # nothing joins it, however alike
    bodies[1].closed = False
    assert any({0, 1, 2} <= set(g) for g in group(frags, bodies, 1))  # unsealed: the alike piece joins


def test_a_bare_name_does_not_start_the_column_printed_under_it():
    body = ["中国特色社会主义新时代，是承前启后、继往开", "来、在新的历史条件下继续夺取中国特色社会主", "义伟大胜利的时代。"]
    (name, after_name) = _classified("欧阳辉\n\n" + "\n".join(body))
    assert name.kind == "head" and name.names == 1 and not after_name.titled  # often the last column's author
    (title, after_title) = _classified("走好新时代的长征路\n张怡恬\n\n" + "\n".join(body))
    assert title.names == 1 and after_title.titled


def test_a_title_and_name_on_top_of_a_column_keep_the_name():
    head = ["让红船精神放射时代光芒", "——“红船精神与习近平新时代中国特色", "社会主义思想学术研讨会”述要", "萧师俭"]
    body = ["教育部中国特色社会主义理论体系研究中心和", "嘉兴学院等单位联合举办的学术研讨会近日在", "浙江嘉兴举行。"]
    (title, column) = _classified("\n".join(head + body))
    assert title.kind == "head" and title.lines == head and title.names == 1
    assert column.titled and column.lines == body


def test_a_start_without_an_end_pairs_with_an_end_without_a_start():
    from xinwen.inference.blocks import Block
    from xinwen.inference.reassemble import group

    words = "新时代中国特色社会主义思想指引我们奋进新征程"
    # each long enough (over `STRAY_CHARS`) to stand as an article of its own
    start = Block(["x"], "body", text=words * 20 + "开篇", width=15, titled=True, mid=True)
    middle = Block(["x"], "body", text=words * 20 + "中段", width=15)
    end = Block(["x"], "body", text=words * 20 + "结尾", width=15, closed=True)
    other = Block(["x"], "body", text="完全不同的内容讲述交通安全宣传活动" * 20, width=15)
    # equally alike, and the middle piece is dumped next to both: the start and the end still pair first
    assert [0, 2] in group([[0], [1], [2], [3]], [start, middle, end, other], 3)


def test_a_one_line_headline_over_a_title_and_author_is_its_kicker():
    from xinwen.inference.blocks import Block
    from xinwen.inference.reassemble import _headlines

    banner, kicker = Block(["认真学习宣传贯彻党的十九大精神"], "head"), Block(["历史观争论属于意识形态领域斗争"], "head")
    title = Block(["在理性辨析中树立正确历史观", "郭海成"], "head", names=1)
    body = Block(["x"], "body")
    under = {id(title): 0}
    got = _headlines([banner, kicker, title, body], under)
    assert [h.lines for h in got] == [banner.lines, kicker.lines + title.lines] and got[1].kicker
    assert under[id(got[1])] == 0  # still the headline printed right over article 0
    assert len(_headlines([kicker, body, title], {})) == 2  # not adjacent: two headlines


def test_an_authors_name_printed_alone_goes_to_the_nearest_headline_without_one():
    from xinwen.inference.blocks import Block
    from xinwen.inference.reassemble import _headlines

    far, near = Block(["认真学习宣传贯彻党的十九大精神"], "head"), Block(["全面推进创新创业教育"], "head")
    name, body = Block(["樊丽明"], "head", names=1), Block(["x"], "body")
    got = _headlines([far, body, body, name, body, near], {})
    assert [h.lines for h in got] == [far.lines, name.lines, ["全面推进创新创业教育", "樊丽明"]]


def test_a_subhead_printed_in_a_narrow_box_opens_a_section():
    full = ["中国特色社会主义新时代，是承前启后、", "继往开来、在新的历史条件下继续夺取", "中国特色社会主义伟大胜利的时代。我", "们要牢牢把握新时代的鲜明主题，坚定"]
    (boxed,) = _classified("\n".join(["以供给侧结构性", "改革为主线具有客观", "必然性", *full]))
    assert boxed.width == 17 and boxed.section
    for first in ["代，", "党的十九大报告强调：", "们要牢牢把握新时代的鲜明主题，坚定"]:  # a tail, a lead-in, body
        (block,) = _classified("\n".join([first, *full]))
        assert not block.section, first


def test_the_sections_of_one_article_join_before_other_alike_pieces():
    from xinwen.inference.blocks import Block
    from xinwen.inference.reassemble import group

    words = "新时代中国特色社会主义思想指引我们奋进新征程"
    bodies = [Block(["x"], "body", text=words * 20 + "第一节", width=15, section=True),
              Block(["x"], "body", text=words * 20 + "另一篇", width=15),
              Block(["x"], "body", text=words * 20 + "第二节", width=15, section=True)]
    # the plain piece is dumped next to both sections; the two sections still pair first
    assert [0, 2] in group([[0], [1], [2]], bodies, 2)
    bodies[2].section = False
    assert [0, 2] not in group([[0], [1], [2]], bodies, 2)


def test_a_short_stray_with_neither_start_nor_end_joins_the_part_it_reads_like():
    from xinwen.inference.blocks import Block
    from xinwen.inference.reassemble import group

    a = "新时代中国特色社会主义思想指引我们奋进新征程推动经济高质量发展"
    b = "各地交通安全宣传活动深入乡村集市劝导群众佩戴头盔系好安全带"
    bodies = [Block(["x"], "body", text=a * 8, width=17, titled=True),
              Block(["x"], "body", text=b * 8, width=17, closed=True),
              Block(["x"], "body", text=a[:12] + "这里谈几点认识。", width=12)]  # a lede set narrower
    # three author names asked for three articles, but a 20-character piece is not one
    assert group([[0], [1], [2]], bodies, 3) == [[0, 2], [1]]
    bodies[2].titled = True  # under a headline: an article's start, however short
    assert group([[0], [1], [2]], bodies, 3) == [[0], [1], [2]]


def test_a_block_opening_like_two_sections_is_a_section_whose_subhead_went_elsewhere():
    body = ["中国特色社会主义新时代，是决", "胜全面建成小康社会、进而全面建", "设社会主义现代化强国的时代。我", "们要牢牢把握新时代的鲜明主题。"]
    other = ["党的十九大报告指出，中国特色", "社会主义进入新时代，在中华人民", "共和国发展史上具有重大意义。我", "们要深刻理解其划时代的意义。"]
    page = [["新时代的战略安排", *body], ["新时代的世界担当", *body], body, other]
    blocks = classify(page)
    assert [b.section for b in blocks] == [True, True, True, False]
    blocks = classify([page[0], page[2], page[3]])  # one boxed section sets no pattern
    assert [b.section for b in blocks] == [True, False, False]


def test_the_seam_model_reads_at_most_the_cap_and_only_tails_that_run_on(monkeypatch):
    import numpy as np
    import xinwen.inference.reassemble as ra
    from xinwen.inference.blocks import Block

    bodies = [Block([f"第{i}块正文，句子没有说完"], "body", text=f"第{i}块正文，句子没有说完", width=12.0, mid=i % 3 != 0)
              for i in range(40)]
    asked: list[tuple[str, str]] = []

    def seam(pairs):
        asked.extend(pairs)
        return np.zeros(len(pairs))

    assert ra.SEAM_MAX_PAIRS == 320  # the shipped cap: the slowest real dump in 3–4 s (docs/benchmarks.md)
    monkeypatch.setattr(ra, "SEAM_MAX_PAIRS", 60)
    successor_costs(bodies, seam)
    assert 0 < len(asked) <= 60  # was 40 × 40 = 1,600 seams
    tails = {t for t, _ in asked}
    assert tails <= {b.text[-ra.SEAM_CHARS:] for b in bodies if b.mid}  # a closed tail links to nothing
