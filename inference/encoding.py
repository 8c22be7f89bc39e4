"""Decode page text in any common Chinese encoding, refusing what is not text.

Order matters: BOMs are certain, UTF-8 is strict enough to be a reliable test. After that,
GB18030 (a superset of GBK and GB2312, the usual encoding of mainland files) and Big5 (Taiwan
and Hong Kong papers) both accept much of each other's bytes, so each reading is scored by how
much of it is the common characters of its own encoding: mojibake is rare characters, kana and
box drawing. UTF-16 without a byte-order mark is recognised by its NUL bytes.
"""

from __future__ import annotations

import codecs


class InputError(ValueError):
    """A bad input: which file, which line (where there is one) and why. Said as one line,
    `path:line: reason`; kept typed so a batch records the fields without parsing its own words."""

    def __init__(self, path: str, reason: str, line: int | None = None):
        self.path, self.reason, self.line = str(path), reason, line
        super().__init__(f"{self.path}:{line}: {reason}" if line is not None else f"{self.path}: {reason}")


def decode_bytes(data: bytes, name: str) -> str:
    if not data.strip():
        raise InputError(name, "empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _check_text(data.decode(enc), name)
            except UnicodeDecodeError as e:
                raise InputError(name, f"not valid {enc} despite its byte-order mark ({e.reason})") from None
    if b"\x00" in data[:4096]:
        text = _utf16_without_bom(data)
        if text is None:
            raise InputError(name, "binary file (NUL bytes), not page text")
        return _check_text(text, name)
    try:
        return _check_text(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    readings = []
    for enc, common in (("gb18030", _common_gb), ("big5hkscs", _common_big5)):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        readings.append((_commonness(text, common), text))
    if not readings:
        raise InputError(name, "not UTF-8, UTF-16, GB18030/GBK or Big5 text")
    return _check_text(max(readings, key=lambda r: r[0])[1], name)  # a tie keeps GB18030


def _common_gb(c: str) -> bool:
    try:
        c.encode("gb2312")  # the 6,763 everyday simplified characters
        return True
    except UnicodeEncodeError:
        return False


def _common_big5(c: str) -> bool:
    try:
        b = c.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xA440 <= int.from_bytes(b, "big") <= 0xC67E  # Big5 level 1: frequent characters


def _commonness(text: str, common) -> float:
    """Share of the non-ASCII characters that are common hanzi in the encoding they came from."""
    wide = [c for c in text[:20000] if ord(c) > 127]
    return sum(1 for c in wide if "\u4e00" <= c <= "\u9fff" and common(c)) / max(len(wide), 1)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 whose line breaks and ASCII put NUL bytes all on one side; None if not that."""
    head = data[:4096]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    enc = "utf-16-le" if odd > 2 * even else "utf-16-be" if even > 2 * odd else None
    if enc is None or len(data) % 2:
        return None
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    return text if _commonness(text, _common_gb) + _commonness(text, _common_big5) > 0.3 else None


def _check_text(text: str, name: str) -> str:
    if not text.strip():
        raise InputError(name, "empty file")
    sample = text[:20000]
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or 0xE000 <= ord(c) <= 0xF8FF)
    if bad > max(3, len(sample) * 0.01):
        raise InputError(name, "looks binary (control characters), not page text")
    return text.replace("\r\n", "\n").replace("\r", "\n")
