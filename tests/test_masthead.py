"""Page furniture: the masthead's paper, date, edition and section; staff credits and notices,
which are never articles."""

from xinwen.inference.segment import Article
from xinwen.inference.segmentation.layout import PageLayout, PageLine
from xinwen.inference.segmentation.masthead import notice_column, read_masthead, staff_line
from xinwen.inference.segmenter import without_furniture

BODY = ["大宗商品，是连接全球的经济脉搏。", "从原油、矿石到餐桌上的大米，提到这些商品，大家并不陌生。"] * 4


def _dump(*head: str) -> PageLayout:
    lines = [*head, *BODY]
    return PageLayout([PageLine(t) for t in lines], text="\n".join(lines))


def test_the_masthead_in_its_printed_forms():
    m = read_masthead(_dump("城市", "A06", "2024 年 6 月 4 日 星期二", "统筹 郭宁 责编 郭淮滨"))
    assert (m.date, m.edition, m.section) == ("2024-06-04", "A06", "城市")
    m = read_masthead(_dump("2018 年 1 月 2 日 星期二", "7 理论"))
    assert (m.date, m.edition, m.section) == ("2018-01-02", "7", "理论")
    m = read_masthead(_dump("潇湘晨报", "第3版：要闻", "2023-07-06"))
    assert (m.paper, m.date, m.edition, m.section) == ("潇湘晨报", "2023-07-06", "3", "要闻")
    assert read_masthead(_dump()).fields() == {"paper": None, "date": None, "edition": None, "section": None}


def test_a_pdf_page_s_masthead_comes_from_its_top_band_only():
    lines = [PageLine("A06", 40, 20, 80, 34, 14), PageLine("城市", 90, 20, 130, 34, 14),
             PageLine("2024年6月4日", 300, 22, 400, 32, 9),
             *[PageLine(t, 40, 200 + 20 * i, 300, 212 + 20 * i, 10) for i, t in enumerate(BODY)],
             PageLine("第9版 理论", 40, 500, 120, 510, 10)]  # in the body: not the masthead
    m = read_masthead(PageLayout(lines, width=600, height=900))
    assert (m.date, m.edition, m.section) == ("2024-06-04", "A06", "城市")


def test_staff_credits_and_notices_are_told_from_news():
    assert staff_line("统筹 郭宁 责编 郭淮滨 责任美编 郭晗 校对 刘学恩") and staff_line("一审：程丽清 二审：梁朝文")
    assert not staff_line("责任编辑：张三") and not staff_line("本报记者 张三 通讯员 李四")
    notices = ("贵州省兴义市人民法院公告（2023）黔2301民初3661号钱昌锴：本院受理的原告诉你民间借贷纠纷一案，"
               "现依法向你公告送达起诉状副本。特此公告。张三遗失身份证一张，声明作废。"
               "李四：本院受理（2023）黔2301民初3662号一案，公告期满即视为送达。")
    assert notice_column(notices) and notice_column("某某公司遗失公章一枚，声明作废。")
    news = ("法院审结一起民间借贷纠纷案（2023）黔2301民初3661号，依法判决被告归还借款。" * 2
            + "法官提醒群众借贷要留存凭证。" * 20)
    assert not notice_column(news)


def test_without_furniture_drops_labels_credits_and_a_notices_run():
    arts = [Article(title="A06", subtitle="这个中心要让河南商品链全球", text="".join(BODY)),
            Article(text="统筹郭宁责编郭淮滨校对刘学恩"),
            Article(text="本院受理的原告王灵诉你离婚纠纷一案（2023）黔2301民初1775号，"),
            Article(text="因你下落不明，依法向你公告送达，公告期满即视为送达。特此公告。"),
            Article(text="李四：本院受理（2023）黔2328民初1776号一案。"),
            Article(title="望谟县举办首届蜂糖李采摘节", kicker="城市", text="".join(BODY))]
    kept, mast = without_furniture(_dump("城市", "A06"), arts)
    assert [a.title for a in kept] == ["这个中心要让河南商品链全球", "望谟县举办首届蜂糖李采摘节"]
    assert mast.edition == "A06" and kept[1].kicker is None


def test_a_fake_bold_masthead_in_a_pdf_is_read_once(tmp_path):
    """Bold set by drawing each run twice (`77 理论理论` in pdfminer's own lines) is read once by
    the PDF reader, for the masthead as for the articles."""
    import pytest

    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from xinwen.inference.sources import read_pages

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "p.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    w, h = A4
    c.setFont("STSong-Light", 16)
    for x, ch in ((40, "7"), (70, "理"), (86, "论")):
        for _ in range(2):  # each glyph drawn twice at one place, as fake bold is set
            c.drawString(x, h - 40, ch)
    c.setFont("STSong-Light", 10)
    c.drawString(300, h - 40, "2018年1月2日 星期二")
    for i, t in enumerate(BODY):
        c.drawString(40, h - 200 - 14 * i, t)
    c.save()
    m = read_masthead(next(read_pages(str(path))).layout)
    assert (m.date, m.edition, m.section) == ("2018-01-02", "7", "理论")
