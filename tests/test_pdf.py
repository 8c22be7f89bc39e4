"""PDF pages: layout segmentation from font sizes and columns; a PDF without text needs OCR."""

import pytest
from xinwen.inference.encoding import InputError
from xinwen.inference.segmentation import Segmenter
from xinwen.inference.sources import read_pages

reportlab = pytest.importorskip("reportlab")

ARTS = [
    ("高新区新引进亿元项目", "今年以来，高新区新引进亿元以上产业项目十五个，总投资规模达一百二十四亿元。园区实施审批提速改革，优化营商环境，企业产值稳步提升，规模工业增加值同比增长。" * 2),
    ("交警开展一盔一带整治", "交警大队在集市路口开展一盔一带宣传劝导，对未戴安全头盔、未系安全带的驾驶人进行教育，查处酒驾醉驾等交通违法行为，预防道路交通事故的发生。" * 2),
]


def _make_pdf(path, with_text=True):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    if with_text:
        for col, (title, body) in enumerate(ARTS):
            x = 40 + col * (w / 2)
            c.setFont("STSong-Light", 22)
            c.drawString(x, h - 80, title)
            c.setFont("STSong-Light", 10)
            y = h - 120
            for i in range(0, len(body), 20):  # a narrow column: 20 characters a line
                c.drawString(x, y, body[i : i + 20])
                y -= 14
    else:
        c.rect(50, 50, 200, 200, fill=1)
    c.showPage()
    c.save()


def test_pdf_two_column_page_segments_by_layout(tmp_path):
    f = tmp_path / "page.pdf"
    _make_pdf(f)
    pages = list(read_pages(str(f), Segmenter.RULES))
    assert len(pages) == 1 and pages[0].articles is not None
    arts = pages[0].articles
    assert [a.title for a in arts] == [t for t, _ in ARTS]
    for a, (_, body) in zip(arts, ARTS):
        assert a.text.replace("\n", "") == body


def test_pdf_without_text_layer_goes_to_ocr(tmp_path, monkeypatch):
    """No text layer: OCR reads it (a blank page is one clear error); without the OCR extra the
    error says how to install it."""
    from xinwen.inference.segmentation import ocr

    f = tmp_path / "scan.pdf"
    _make_pdf(f, with_text=False)
    if ocr.ocr_available():
        with pytest.raises(InputError, match="no text found by OCR"):
            list(read_pages(str(f)))
    monkeypatch.setattr(ocr, "ocr_available", lambda: False)
    with pytest.raises(InputError, match=r"no text layer; OCR needs the `ocr` extra"):
        list(read_pages(str(f)))


def test_broken_pdf_is_a_clear_error(tmp_path):
    f = tmp_path / "broken.pdf"
    f.write_bytes(b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(InputError) as e:
        list(read_pages(str(f)))
    assert str(e.value).startswith(f"{f}: ")


def test_an_authors_name_set_beside_the_title_or_down_a_column_is_the_byline():
    from xinwen.inference.pdf_layout import TLine, _author_lines

    body = [TLine(0, 100 - i, 80, 110 - i, 8.3, "正文正文正文正文，正文正文。") for i in range(3)]
    name = [TLine(90, 50 - 10 * i, 99, 59 - 10 * i, 9.7, ch) for i, ch in enumerate("樊丽明")]
    got, rest = _author_lines(body[:2] + name + body[2:], 8.3)
    assert "".join(x.text for x in got) == "樊丽明" and rest == body
    big = [TLine(0, 0, 50, 12, 12.9, "重点任务")]  # a subhead, set larger than a byline
    assert _author_lines(body + big, 8.3) == ([], body + big)


def test_pdf_paragraphs_follow_the_indent_and_the_right_edge(tmp_path):
    """The first paragraph ends on a full line (`。` at the edge): only the second's two-character
    indent tells. Beside a picture the column narrows; those short lines are not paragraph ends."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    first = "今年以来高新区新引进亿元以上产业项目十五个总投资规模达一百二十四亿元园区实施审。"
    second = "交警大队在集市路口开展一盔一带宣传劝导对未戴安全头盔未系安全带的驾驶人进行教育查处酒驾醉驾行为"  # 18 + 12 + 12 + 5
    assert len(first) % 20 == 0
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    f = tmp_path / "page.pdf"
    c = canvas.Canvas(str(f), pagesize=A4)
    w, h = A4
    c.setFont("STSong-Light", 22)
    c.drawString(40, h - 80, "高新区新引进亿元项目")
    c.setFont("STSong-Light", 10)
    rows = [(40, first[i : i + 20]) for i in range(0, len(first), 20)]
    rows.append((60, second[:18]))
    rest = second[18:]
    rows += [(40, rest[i : i + 12]) for i in range(0, 24, 12)]  # 12 a line beside a picture
    rows += [(40, rest[i : i + 20]) for i in range(24, len(rest), 20)]
    for k, (x, text) in enumerate(rows):
        c.drawString(x, h - 120 - 14 * k, text)
    c.rect(170, h - 120 - 14 * (len(rows) - 3), 60, 30)
    c.showPage()
    c.save()
    (page,) = read_pages(str(f), Segmenter.RULES)
    assert page.articles[0].text.split("\n") == [first, second]


def test_a_column_running_on_below_a_vertical_title_is_not_taken_across_a_rule():
    """rmrb20180123: the last column of `用做实体现学习成效` (a vertical title) sits far below
    its title; the nearest headline is the next article's, under a drawn rule."""
    from xinwen.inference.pdf_layout import Block, Rules, TLine, _owner

    vertical = Block([TLine(952, 1308 - 50 * i, 991, 1348 - 50 * i, 40, ch) for i, ch in enumerate("用做实体现学习成效")])
    below = Block([TLine(719, 225, 1000, 254, 28, "让红船精神放射时代光芒")])
    box = [TLine(711, 587 - 12 * i, 1012, 596 - 12 * i, 8.3, "深入把握新征程，坚决做勤勉实干者。") for i in range(20)]
    rule = Rules(hlines=[(721, 1000, 285)])
    assert _owner(box, [vertical, below], 154, rule) == 0
    assert _owner(box, [vertical, below], 154, Rules()) == 1  # without the rule, the nearer one


def _ocr_line(text, x0, top, size, conf=0.9, vertical=False):
    """An OCR line as `ocr_layout` gives it at 200 dpi: a box padded by the fit in
    configs/layout.yaml, the type size read back from it."""
    from xinwen.inference.segmentation.layout import LayoutConfig, PageLine

    cfg = LayoutConfig.from_yaml()
    box = (cfg.scan_box_slope * size * 200 / 72 + cfg.scan_box_offset) * 72 / 200  # a page under 2000 px
    size = cfg.scan_type_size(box, 200, 1500)
    if vertical:
        return PageLine(text, x0, top, x0 + box, top + len(text) * size * 1.1, size, True, confidence=conf)
    return PageLine(text, x0, top, x0 + len(text) * size, top + box, size, confidence=conf)


def test_the_scan_box_fit_gives_type_size_back_at_any_dpi_and_page_size():
    from xinwen.inference.segmentation.layout import LayoutConfig

    cfg = LayoutConfig.from_yaml()
    for dpi in (150, 200, 300):
        for longest in (1200, 4000):
            px = dpi / 72 * min(1.0, cfg.scan_detector_side / longest)
            for size in (8.5, 20.0, 44.0):
                box = (cfg.scan_box_slope * size * px + cfg.scan_box_offset) / px
                assert abs(cfg.scan_type_size(box, dpi, longest) - size) < 1e-6


def test_rules_read_a_scan_as_a_pdf_page_headlines_by_type_size():
    """Two stories side by side, each a 20-point title over 9-point body lines (padded OCR boxes
    1.6 body boxes tall; their type 2.2 body sizes): titles, each owning the column under it, and
    each article keeps its lines' mean confidence."""
    from xinwen.inference.segmentation import Segmenter, segment_page
    from xinwen.inference.segmentation.layout import PageLayout

    body_a = ["县交警大队在集市路口开展宣传劝导，对", "未戴安全头盔的驾驶人进行教育，查处酒", "驾醉驾等交通违法行为，预防事故发生。"]
    body_b = ["市人社局举办春季招聘会，两百余家企业", "提供岗位五千多个，吸引求职者三千余人", "到场，现场达成就业意向一千二百余人。"]
    lines = [_ocr_line("交警开展一盔一带整治", 40, 60, 20), _ocr_line("春季招聘会岗位五千个", 290, 60, 20)]
    for k, (a, b) in enumerate(zip(body_a, body_b)):
        lines += [_ocr_line(a, 40, 100 + 14 * k, 9, 0.8), _ocr_line(b, 290, 100 + 14 * k, 9, 1.0)]
    lines.append(_ocr_line("第3版", 40, 8, 9))  # running header: above the top strip
    page = PageLayout(lines, 520, 600, ocr=True, dpi=200)
    arts = segment_page(page, Segmenter.RULES)
    assert [a.title for a in arts] == ["交警开展一盔一带整治", "春季招聘会岗位五千个"]
    assert ["".join(a.text.split()) for a in arts] == ["".join(body_a), "".join(body_b)]
    assert [round(a.ocr_confidence, 3) for a in arts] == [round((0.9 + 3 * 0.8) / 4, 3), round((0.9 + 3 * 1.0) / 4, 3)]


def test_a_vertical_scan_line_is_a_vertical_title_owning_the_column_beside_it():
    from xinwen.inference.pdf_layout import scan_boxes
    from xinwen.inference.segmentation import Segmenter, segment_page
    from xinwen.inference.segmentation.layout import PageLayout

    body = ["县交警大队在集市路口开展宣传劝导，对未戴", "安全头盔的驾驶人进行教育，查处酒驾醉驾等", "交通违法行为，预防道路交通事故的发生。"]
    lines = [_ocr_line("一盔一带整治", 30, 60, 24, vertical=True)]
    lines += [_ocr_line(t, 80, 62 + 14 * k, 9) for k, t in enumerate(body)]
    page = PageLayout(lines, 430, 400, ocr=True, dpi=200)
    boxes, body_size = scan_boxes(page)
    assert abs(body_size - 9) < 0.01
    assert sorted(len(b) for b in boxes) == [3, 6]  # the body's three lines one box, six one-character lines
    (art,) = segment_page(page, Segmenter.RULES)
    assert art.title == "一盔一带整治" and "".join(art.text.split()) == "".join(body)



def test_four_rules_meeting_at_corners_on_a_scan_are_a_frame():
    from xinwen.inference.pdf_layout import Rules
    from xinwen.inference.segmentation.layout import PageLayout, Rule

    hs = [Rule(10, 100, 400, 101), Rule(12, 500, 398, 501), Rule(10, 700, 400, 701)]
    vs = [Rule(10, 99, 11, 502), Rule(399, 100, 400, 500), Rule(600, 0, 601, 900)]
    # pdfminer's coordinates (origin bottom left) on a 1000-point page
    assert Rules.of_layout(PageLayout([], 800, 1000, hs + vs)).frames == [(11.0, 499, 399.0, 900)]  # the third rule across has no sides down to it
    assert Rules.of_layout(PageLayout([], 800, 1000, hs[:2] + vs[:1])).frames == []  # three sides are no frame
    assert [y for _, _, y in Rules.of_layout(PageLayout([], 800, 1000, hs)).hlines] == [899.5, 499.5, 299.5]


def test_a_pdf_is_read_one_page_at_a_time_and_a_break_costs_only_what_follows(tmp_path, monkeypatch):
    """pdfminer's pages are taken as they come (memory stays flat on a 500-page PDF:
    `benchmarks/memory_pages.py`); a page that fails to parse after the first is one clear error,
    and the page before it has been read."""
    import pdfminer.high_level
    from pdfminer.pdfparser import PDFSyntaxError
    from xinwen.inference.pdf import pdf_pages

    f = tmp_path / "page.pdf"
    _make_pdf(f)
    real = pdfminer.high_level.extract_pages
    taken = []

    def pages_then_a_break(path, laparams=None):
        for page in real(path, laparams=laparams):
            taken.append(page)
            yield page
        raise PDFSyntaxError("broken after page 1")

    monkeypatch.setattr(pdfminer.high_level, "extract_pages", pages_then_a_break)
    it = pdf_pages(f)
    lines, arts, layout = next(it)
    assert lines and len(taken) == 1  # nothing past the first page was parsed yet
    with pytest.raises(InputError, match="not a readable PDF"):
        next(it)
