"""C string quoting exactly as strace 6.1 prints it (golden strings from real strace runs)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_renacer.decode.strings import (
    PATH_MAX,
    addr_text,
    format_buffer,
    format_cstring,
    format_path,
    quote,
)


def unescape(text: str) -> bytes:
    """Inverse of quote(): C escapes back to bytes (for the round-trip property)."""
    assert text[0] == text[-1] == '"'
    body = text[1:-1]
    out = bytearray()
    i = 0
    simple = {"n": 10, "t": 9, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ord(ch))
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in simple:
            out.append(simple[nxt])
            i += 2
        elif nxt == "x":
            out.append(int(body[i + 2 : i + 4], 16))
            i += 4
        else:
            m = re.match(r"[0-7]{1,3}", body[i + 1 :])
            assert m is not None
            out.append(int(m.group(), 8))
            i += 1 + len(m.group())
    return bytes(out)


_QUOTE_CASES = [
    # from `strace cat /etc/hostname` and the exerciser scripts (strace 6.1)
    (b"vm\n", r'"vm\n"'),
    (b"", '""'),
    (b"MARK\n", r'"MARK\n"'),
    (b"hello\n\t\0\1\177\377\"\\ab7\0338", r'"hello\n\t\0\1\177\377\"\\ab7\338"'),
    (b"\x1b[0m\x1b1\x009\r\f\v\x07", r'"\33[0m\0331\09\r\f\v\7"'),
    ("héllo wörld".encode(), r'"h\303\251llo w\303\266rld"'),
    (b"\177ELF\2\1\1\3\0\0\0\0\0\0\0\0\3\0>\0\1\0\0\0\20t\2\0\0\0\0\0",
     r'"\177ELF\2\1\1\3\0\0\0\0\0\0\0\0\3\0>\0\1\0\0\0\20t\2\0\0\0\0\0"'),
    (bytes(range(32)),
     r'"\0\1\2\3\4\5\6\7\10\t\n\v\f\r\16\17\20\21\22\23\24\25\26\27\30\31\32\33\34\35\36\37"'),
    (b"\x00" + b"1", r'"\0001"'),
    (b"\x07" + b"8", r'"\78"'),
]


def test_quote_matches_strace() -> None:
    wrong = [(quote(d), w) for d, w in _QUOTE_CASES if quote(d) != w]
    assert not wrong

def test_quote_force_hex_like_getrandom() -> None:
    assert quote(bytes.fromhex("cee20e0e60b4b6b1"), force_hex=True) == (
        r'"\xce\xe2\x0e\x0e\x60\xb4\xb6\xb1"')
    assert quote(b"", force_hex=True) == '""'


def test_format_buffer_truncates_at_strsize() -> None:
    data = b"0123456789" * 5
    assert format_buffer(data[:32], 50, 0x1000, 32) == '"01234567890123456789012345678901"...'
    assert format_buffer(b"vm\n", 3, 0x1000, 32) == r'"vm\n"'
    assert format_buffer(b"", 0, 0x1000, 32) == '""'
    # fewer bytes captured than shown (capture used a smaller -s): an ellipsis
    assert format_buffer(b"ab", 10, 0x1000, 32) == '"ab"...'
    assert format_buffer(None, 10, 0x10, 32) == "0x10"
    assert format_buffer(b"x", 10, 0, 32) == "NULL"
    assert format_buffer(b"abc", 3, 0x1000, 0) == '""...'


def test_format_cstring_and_path() -> None:
    assert format_cstring(b"myname", 0x1000, 32) == '"myname"'
    assert format_cstring(b"a" * 33, 0x1000, 32) == '"' + "a" * 32 + '"...'
    assert format_cstring(b"a" * 32, 0x1000, 32) == '"' + "a" * 32 + '"'
    assert format_cstring(None, 0x1000, 32) == "0x1000"
    assert format_cstring(b"x", 0, 32) == "NULL"
    # paths ignore -s
    long = b"/" + b"d" * 200
    assert format_path(long, 0x1000) == '"' + long.decode() + '"'
    assert format_path(b"x" * PATH_MAX, 0x1000) == '"' + "x" * (PATH_MAX - 1) + '"...'
    assert format_path(None, 0x7FFD) == "0x7ffd"
    assert format_path(b"", 0) == "NULL"


def test_addr_text() -> None:
    assert addr_text(0) == "NULL"
    assert addr_text(0x7F2B35B42000) == "0x7f2b35b42000"
    assert addr_text(-1) == "0xffffffffffffffff"


@settings(deadline=None)  # loaded CI machines: no per-example deadline
@given(st.binary(max_size=200))
def test_quote_round_trips(data: bytes) -> None:
    text = quote(data)
    assert text.isascii()
    assert unescape(text) == data
    assert unescape(quote(data, force_hex=True)) == data


@settings(deadline=None)  # loaded CI machines: no per-example deadline
@given(st.binary(max_size=100), st.integers(-5, 300), st.integers(0, 2**64 - 1),
       st.integers(0, 64))
def test_format_buffer_never_raises(data: bytes, length: int, addr: int, strsize: int) -> None:
    text = format_buffer(data, length, addr, strsize)
    assert text == "NULL" or text.startswith('"')
