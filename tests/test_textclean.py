from xinwen.inference.textclean import join_lines, paragraphs, repair_spacing


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
