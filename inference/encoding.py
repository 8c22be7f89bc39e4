"""Decode page text in any common Chinese encoding, refusing what is not text.

Order matters: BOMs are certain, UTF-8 is strict enough to be a reliable test, and
GB18030 (a superset of GBK and GB2312) is the usual fallback for mainland files.
"""

from __future__ import annotations

import codecs


class InputError(ValueError):
    """A bad input: the message is one line naming the file (and line, where there is one)."""


def decode_bytes(data: bytes, name: str) -> str:
    if not data.strip():
        raise InputError(f"{name}: empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _check_text(data.decode(enc), name)
            except UnicodeDecodeError as e:
                raise InputError(f"{name}: not valid {enc} despite its byte-order mark ({e.reason})") from None
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: binary file (NUL bytes), not page text")
    for enc in ("utf-8", "gb18030"):
        try:
            return _check_text(data.decode(enc), name)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: not UTF-8, UTF-16 or GB18030/GBK text")


def _check_text(text: str, name: str) -> str:
    if not text.strip():
        raise InputError(f"{name}: empty file")
    sample = text[:20000]
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or 0xE000 <= ord(c) <= 0xF8FF)
    if bad > max(3, len(sample) * 0.01):
        raise InputError(f"{name}: looks binary (control characters), not page text")
    return text.replace("\r\n", "\n").replace("\r", "\n")
