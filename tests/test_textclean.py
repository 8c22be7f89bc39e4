from xinwen.models.textclean import join_lines, paragraphs, repair_spacing


def test_letter_spacing_removed_between_cjk():
    assert repair_spacing("总 投 资 规 模 达 124.4 亿 元 。") == "总投资规模达124.4亿元。"


def test_latin_and_number_spaces_kept():
    assert repair_spacing("发布 iPhone 15 Pro 新品") == "发布iPhone 15 Pro新品"


def test_headline_phrase_space_kept_but_letter_spacing_closed():
    assert repair_spacing("加大风险路段整治 确保村民安全出行", keep_phrase_spaces=True) == "加大风险路段整治 确保村民安全出行"
    assert repair_spacing("奋 进 中 的 湘 潭", keep_phrase_spaces=True) == "奋进中的湘潭"


def test_join_lines_no_space_for_cjk_and_number_split():
    assert join_lines(["湘潭高新区实现 GDP75.5", "亿元，同比增长"]) == "湘潭高新区实现GDP75.5亿元，同比增长"
    assert join_lines(["27 家企业获 66.", "057 亿元"]) == "27家企业获66.057亿元"
    assert join_lines(["the new", "model"]) == "the new model"


def test_paragraph_breaks_on_short_sentence_end_only():
    lines = ["春天，是播种希望的季节。", "这个春天，湘潭高新区出台《产业", "强区工程工作方案》，明确到 2025", "年培育产业集群。"]
    assert paragraphs(lines) == ["春天，是播种希望的季节。", "这个春天，湘潭高新区出台《产业强区工程工作方案》，明确到2025年培育产业集群。"]


def test_kinsoku_line_starting_with_closing_punct_joins_previous():
    lines = ["我们要将防诈骗的种子种到群众心中", "。群众的反诈骗成为自发行为才能", "长效化。"]
    assert paragraphs(lines) == ["我们要将防诈骗的种子种到群众心中。群众的反诈骗成为自发行为才能长效化。"]


def test_full_width_line_ending_in_full_stop_continues_paragraph():
    lines = ["时光从不会辜负每一个努力的身影。乘", "着东风，今年以来引进项目十五个，总投资", "达亿元。"]
    assert len(paragraphs(lines)) == 1


def test_letter_spaced_lines_are_measured_by_their_letters():
    """A justified line spread with spaces is full; its spaces made a full line beside it look
    short, so `报告` and `中指出` were split into two paragraphs."""
    lines = ["绝对话语权。", "习近平同志在党的十九大报告", "中 指 出 ：“ 经 过 长 期 努 力 ，中 国 特 色", "社 会 主 义 进 入 了 新 时 代 ，这 是 我 国", "发展新的历史方位。”"]
    assert paragraphs(lines) == ["绝对话语权。", "习近平同志在党的十九大报告中指出：“经过长期努力，中国特色社会主义进入了新时代，这是我国发展新的历史方位。”"]


def test_a_spread_line_short_of_the_column_after_a_sentence_end_starts_a_paragraph():
    """The indent is lost in a dump, but a paragraph's first line still holds two letters
    fewer than its justified neighbours."""
    lines = ["决 胜 全 面 建 成 小 康 社 会 、进 而 全 面", "建设社会主义现代化强国的时代。", "改 革 开 放 之 初 ，我 们 党 对 我 国", "社 会 主 义 现 代 化 建 设 作 出 战 略 安"]
    assert paragraphs(lines) == ["决胜全面建成小康社会、进而全面建设社会主义现代化强国的时代。", "改革开放之初，我们党对我国社会主义现代化建设作出战略安"]


def test_pdf_geometry_decides_where_a_dump_cannot():
    """A paragraph ending on a full line is found by the next line's indent; a line stopping
    short is not a paragraph end when the PDF says it reached the column's edge."""
    lines = ["这一重大政治判断，赋予党的奋斗主题。", "改革开放之初，我们党对我国社会主", "义现代化建设作出战略安排。"]
    assert len(paragraphs(lines)) == 1
    assert paragraphs(lines, indented=[False, True, False], full=[True, True, False]) == [lines[0], lines[1] + lines[2]]
    assert len(paragraphs(["短行。", "下一行"], full=[True, False])) == 1
