"""C strings and buffers quoted exactly as strace 6.1 quotes them (``string_quote()``).

Printable ASCII stays as is, ``"`` and ``\\`` get a backslash, ``\\t \\n \\v \\f \\r`` use
their C escapes, and every other byte is an octal escape: as short as possible (``\\0``,
``\\33``) unless the next byte is an octal digit, then three digits (``\\0331``).  With
``force_hex`` (getrandom's buffer) every byte is ``\\xNN``.
"""

from __future__ import annotations

import re

from ..tables import xlat as X

__all__ = ["format_buffer", "format_cstring", "format_path", "quote"]

#: PATH_MAX: strace prints paths up to PATH_MAX - 1 bytes, whatever -s says.
PATH_MAX = X.PATH_MAX

_SPECIAL = {0x22: '\\"', 0x5C: "\\\\", 0x09: "\\t", 0x0A: "\\n", 0x0B: "\\v", 0x0C: "\\f",
            0x0D: "\\r"}
# Escape of byte b when the next byte is not an octal digit, and when it is.
_SHORT = [_SPECIAL.get(b) or (chr(b) if 0x20 <= b < 0x7F else f"\\{b:o}") for b in range(256)]
_LONG = [_SPECIAL.get(b) or (chr(b) if 0x20 <= b < 0x7F else f"\\{b:03o}") for b in range(256)]
_HEX = [f"\\x{b:02x}" for b in range(256)]
_NEEDS_ESCAPE = re.compile(rb'[^ !#-\[\]-~]')
_NOT_TEXT = re.compile(rb"[^\t-\r -~]")  # neither printable ASCII nor a space character
# an octal-escaped byte followed by an octal digit: that escape needs all three digits
_LONG_NEEDED = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f-\xff][0-7]")
_TRANSLATE = {b: _SHORT[b] for b in range(256)}
_OCTAL_DIGITS = frozenset(b"01234567")


def _wants_hex(data: bytes, xstyle: int) -> bool:
    """strace's -x (1: a string with a byte that is neither printable nor a space is hex
    throughout) and -xx (2: every string is hex)."""
    if xstyle >= 2:
        return True
    return xstyle == 1 and _NOT_TEXT.search(data) is not None


def quote(data: bytes, *, force_hex: bool = False, xstyle: int = 0) -> str:
    """``data`` between double quotes, escaped as strace does (``xstyle``: -x / -xx)."""
    if force_hex or (xstyle and _wants_hex(data, xstyle)):
        return '"' + "".join([_HEX[b] for b in data]) + '"'
    if not _NEEDS_ESCAPE.search(data):
        return '"' + data.decode("ascii") + '"'
    if not _LONG_NEEDED.search(data):
        return '"' + data.decode("latin-1").translate(_TRANSLATE) + '"'
    out = []
    last = len(data) - 1
    for i, b in enumerate(data):
        if i < last and data[i + 1] in _OCTAL_DIGITS:
            out.append(_LONG[b])
        else:
            out.append(_SHORT[b])
    return '"' + "".join(out) + '"'


def addr_text(addr: int) -> str:
    """strace's ``printaddr``: ``NULL`` or ``0x...``."""
    return "NULL" if addr == 0 else f"{addr & 0xFFFFFFFFFFFFFFFF:#x}"


def format_buffer(data: object, length: int, addr: int, strsize: int, *,
                  force_hex: bool = False, xstyle: int = 0) -> str:
    """A buffer of ``length`` bytes at ``addr`` (strace's ``printstrn``).

    ``data`` holds the captured bytes (at most ``strsize`` are shown, then ``...``); when
    nothing could be read the address is shown instead.
    """
    if addr == 0:
        return "NULL"
    if not isinstance(data, (bytes, bytearray)):
        return addr_text(addr)
    length = max(length, 0)
    shown = min(length, strsize, len(data))
    text = quote(bytes(data[:shown]), force_hex=force_hex, xstyle=xstyle)
    if length > shown:
        text += "..."
    return text


def format_cstring(data: object, addr: int, strsize: int, *, xstyle: int = 0) -> str:
    """A NUL-terminated string (strace's ``printstr``): at most ``strsize`` bytes."""
    if addr == 0:
        return "NULL"
    if not isinstance(data, (bytes, bytearray)):
        return addr_text(addr)
    if len(data) > strsize:
        return quote(bytes(data[:strsize]), xstyle=xstyle) + "..."
    return quote(bytes(data), xstyle=xstyle)


def format_path(data: object, addr: int, *, xstyle: int = 0) -> str:
    """A path name (strace's ``printpath``): up to PATH_MAX - 1 bytes, whatever -s says."""
    if addr == 0:
        return "NULL"
    if not isinstance(data, (bytes, bytearray)):
        return addr_text(addr)
    if len(data) >= PATH_MAX:
        return quote(bytes(data[: PATH_MAX - 1]), xstyle=xstyle) + "..."
    return quote(bytes(data), xstyle=xstyle)
