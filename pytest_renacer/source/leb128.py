"""DWARF's variable-size numbers, as .debug_* sections and the CFI tables encode them:
LEB128, and the initial length that tells a 32-bit unit from a 64-bit one.

A LEB128 may be padded with continuation bytes, so its length is not bounded; its
value is kept to 64 bits (what every DWARF field holds).  Past 10 bytes the rest is
skipped with one regex match, so decoding stays linear in the encoding's length
(accumulating an ever-wider Python int was quadratic: a 1 MB number took a minute).
"""

from __future__ import annotations

import re
import struct

from .limits import ParseError

_MASK64 = (1 << 64) - 1
#: The continuation bytes of a LEB128 and its last byte.
_REST = re.compile(rb"[\x80-\xff]*[\x00-\x7f]")


def _skip(data: bytes, pos: int) -> int:
    m = _REST.match(data, pos)
    if m is None:
        raise ParseError("LEB128 number runs past the end of its section")
    return m.end()


def uleb(data: bytes, pos: int) -> tuple[int, int]:
    """The unsigned LEB128 at ``pos`` (its low 64 bits) and the position after it."""
    result = shift = 0
    while True:
        try:
            b = data[pos]
        except IndexError:
            raise ParseError("LEB128 number runs past the end of its section") from None
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            return result & _MASK64, _skip(data, pos)


def sleb(data: bytes, pos: int) -> tuple[int, int]:
    """The signed LEB128 at ``pos`` (64-bit two's complement) and the position after it."""
    result = shift = 0
    while True:
        try:
            b = data[pos]
        except IndexError:
            raise ParseError("LEB128 number runs past the end of its section") from None
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            if b & 0x40:
                result -= 1 << shift
            return result, pos
        if shift >= 70:
            end = _skip(data, pos)
            low = result & _MASK64
            return (low - (1 << 64) if low >> 63 else low), end


def initial_length(data: bytes, pos: int, endian: str = "<") -> tuple[int, int, int]:
    """(length, offset size, position after it) of the unit length at ``pos``: 4 bytes,
    or 0xffffffff and 8 bytes in the 64-bit DWARF format."""
    length = struct.unpack_from(endian + "I", data, pos)[0]
    if length == 0xFFFFFFFF:
        return struct.unpack_from(endian + "Q", data, pos + 4)[0], 8, pos + 12
    return length, 4, pos + 4
