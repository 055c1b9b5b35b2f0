"""DWARF's variable-size numbers, as .debug_* sections and the CFI tables encode them:
LEB128, and the initial length that tells a 32-bit unit from a 64-bit one."""

from __future__ import annotations

import struct


def uleb(data: bytes, pos: int) -> tuple[int, int]:
    """The unsigned LEB128 at ``pos`` and the position after it."""
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def sleb(data: bytes, pos: int) -> tuple[int, int]:
    """The signed LEB128 at ``pos`` and the position after it."""
    result = shift = 0
    while True:
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            if b & 0x40:
                result -= 1 << shift
            return result, pos


def initial_length(data: bytes, pos: int, endian: str = "<") -> tuple[int, int, int]:
    """(length, offset size, position after it) of the unit length at ``pos``: 4 bytes,
    or 0xffffffff and 8 bytes in the 64-bit DWARF format."""
    length = struct.unpack_from(endian + "I", data, pos)[0]
    if length == 0xFFFFFFFF:
        return struct.unpack_from(endian + "Q", data, pos + 4)[0], 8, pos + 12
    return length, 4, pos + 4
