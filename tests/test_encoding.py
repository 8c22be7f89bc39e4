import codecs

import pytest
from xinwen.inference.encoding import InputError, decode_bytes

TEXT = "洞口县为破解基层社会治理难题，探索出以“积分换项目”新模式。\n第二段。"


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    TEXT.encode("utf-16"),  # with BOM
    TEXT.encode("gb18030"),
    TEXT.encode("gbk"),
])
def test_common_chinese_encodings_decode(data):
    assert decode_bytes(data, "x.txt") == TEXT


TRADITIONAL = "台北市政府今日宣布，將投資新臺幣三十億元興建捷運延伸線。\n市長表示，工程預計明年動工。"


@pytest.mark.parametrize("text,enc", [
    (TRADITIONAL, "big5"),  # Big5 bytes also decode as GB18030, into rare characters and kana
    (TRADITIONAL, "cp950"),
    (TEXT, "utf-16-le"),  # no byte-order mark: told by the NUL bytes of its ASCII
    (TEXT, "utf-16-be"),
])
def test_big5_and_utf16_without_bom_decode(text, enc):
    assert decode_bytes(text.encode(enc), "x.txt") == text


@pytest.mark.parametrize("data,msg", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x00\x01\x02\x03binary\x00", "binary"),
    (bytes(range(128, 256)) * 4, "not UTF-8"),
])
def test_bad_inputs_get_one_line_error_naming_file(data, msg):
    with pytest.raises(InputError) as e:
        decode_bytes(data, "pages/bad.txt")
    assert str(e.value).startswith("pages/bad.txt: ")
    assert msg in str(e.value)
    assert "\n" not in str(e.value)
