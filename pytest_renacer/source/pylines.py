"""CPython code objects' line tables: bytecode offset -> source line.

Two formats, both documented by CPython (PEP 626; ``Objects/lnotab_notes.txt`` in 3.10,
``InternalDocs/locations.md`` / ``Objects/locations.md`` from 3.11):

- 3.10 ``co_linetable``: byte pairs ``(bytecode bytes covered, signed line delta)``;
  a delta of -128 means "no line" for that range.
- 3.11+ location table: entries whose first byte has bit 7 set; bits 3-6 are the
  entry's code, bits 0-2 the number of code units covered minus one.  Code 15: no
  location; 13 and 14: a signed varint line delta follows (14 then has end line and
  columns); 10-12: line delta ``code - 10``; 0-9: same line.

:func:`line_ranges` turns a table into sorted ``(start, end, line)`` byte ranges once
per code object; :func:`line_at` looks an offset up with ``bisect``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

__all__ = ["line_at", "line_ranges"]

#: (range starts, range ends, lines): what line_at searches
LineRanges = tuple[list[int], list[int], list[int | None]]


#: Bytes of a location table varint read at most: CPython writes a line delta (a C int,
#: doubled with its sign) in 6.  The table is the tracee's to write (``code.replace(
#: co_linetable=...)``): an endless run of continuation bytes made one number of
#: millions of bits, built in quadratic time (a 300 KB table: over 5 s at one stop).
_VARINT_MAX = 6


def _varint(table: bytes, i: int) -> tuple[int, int]:
    """A location table varint (6 bits a byte, bit 6 says more follow) at ``i``; 0 past
    the end; what follows its first :data:`_VARINT_MAX` bytes is left unread."""
    n = len(table)
    if i >= n:
        return 0, i
    b = table[i]
    val = b & 63
    shift = 6
    i += 1
    stop = min(n, i + _VARINT_MAX - 1)
    while b & 64 and i < stop:
        b = table[i]
        val |= (b & 63) << shift
        shift += 6
        i += 1
    return val, i


def _svarint(table: bytes, i: int) -> tuple[int, int]:
    u, i = _varint(table, i)
    return (-(u >> 1) if u & 1 else u >> 1), i


def _entries_310(table: bytes, firstlineno: int) -> Iterator[tuple[int, int, int | None]]:
    line = firstlineno
    end = 0
    for k in range(0, len(table) - 1, 2):
        sdelta = table[k]
        ldelta = table[k + 1]
        start = end
        end += sdelta
        if ldelta == 128:  # (signed char) -128: no line
            cur: int | None = None
        else:
            line += ldelta - 256 if ldelta > 127 else ldelta
            cur = line
        if end > start:
            yield start, end, cur


def _entries_311(table: bytes, firstlineno: int, unit: int
                 ) -> Iterator[tuple[int, int, int | None]]:
    line = firstlineno
    end = 0
    i = 0
    n = len(table)
    while i < n:
        first = table[i]
        if not first & 128:  # not an entry start: resynchronize
            i += 1
            continue
        code = (first >> 3) & 15
        length = ((first & 7) + 1) * unit
        if code in (13, 14):
            delta, _ = _svarint(table, i + 1)
            line += delta
        elif code in (10, 11, 12):
            line += code - 10
        start = end
        end += length
        yield start, end, None if code == 15 else line
        i += 1
        while i < n and not table[i] & 128:
            i += 1


def _collect(entries: Iterator[tuple[int, int, int | None]], max_ranges: int) -> LineRanges:
    """The entries' ranges, neighbours of one line joined, at most ``max_ranges``."""
    starts: list[int] = []
    ends: list[int] = []
    lines: list[int | None] = []
    for start, end, cur in entries:
        if lines and lines[-1] == cur and ends[-1] == start:
            ends[-1] = end  # the same line goes on: one range
        elif len(starts) < max_ranges:
            starts.append(start)
            ends.append(end)
            lines.append(cur)
        else:
            break
    return starts, ends, lines


#: Ranges kept per code object (after joining neighbours of one line): the table is the
#: traced program's to write, and a megabyte of entries each on a line of its own made
#: a million ranges (57 MB, a second at one stop).  CPython's own tables reach this only
#: in one code object of some 350,000 lines (~0.7 a line); past it, offsets have no line.
MAX_RANGES = 1 << 18


def line_ranges(table: bytes, firstlineno: int, minor: int, unit: int = 2,
                max_ranges: int = MAX_RANGES) -> LineRanges:
    """The byte ranges of a code object's bytecode and their lines (None: no line),
    neighbours of one line joined, at most ``max_ranges`` of them."""
    if minor <= 10:
        return _collect(_entries_310(table, firstlineno), max_ranges)
    return _collect(_entries_311(table, firstlineno, unit), max_ranges)


def line_at(ranges: LineRanges, offset: int) -> int | None:
    """The line of the instruction at bytecode byte ``offset`` (None: no line known)."""
    starts, ends, lines = ranges
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and offset < ends[i]:
        return lines[i]
    return None
