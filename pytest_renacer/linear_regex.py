"""Regular expressions matched without backtracking: time bounded by pattern x subject.

Trace expressions take regexes (``-e trace=/^open``, ``filter="/(.+)+z$"``) and a
backtracking engine (Python's :mod:`re`) spends exponential time on some of them
(``/(.+)+(.+)+(.+)+z$`` ran over a minute against the syscall names, and hung test
collection as a marker).  Here a pattern is parsed with :mod:`re`'s own parser and run
as a set of positions: each node maps the set of positions where it may start to the set
where it may end, so no path is ever tried twice.  Back-references and look-around,
which no position set can express, are refused (:class:`UnsupportedRegex`).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

# re's own parser: re._parser since Python 3.11, sre_parse before
C: Any = importlib.import_module("re._constants" if sys.version_info >= (3, 11)
                                 else "sre_constants")
P: Any = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")

__all__ = ["LinearRegex", "UnsupportedRegex"]

Positions = frozenset[int]

_CATEGORIES: dict[Any, Callable[[str], bool]] = {
    C.CATEGORY_DIGIT: str.isdigit,
    C.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    C.CATEGORY_SPACE: str.isspace,
    C.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
    C.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    C.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
}


class UnsupportedRegex(ValueError):
    """A construct that cannot be matched in linear time (back-reference, look-around)."""


def _in_range(lo: int, hi: int) -> Callable[[str], bool]:
    return lambda c: lo <= ord(c) <= hi


def _char_test(op: Any, av: Any) -> Callable[[str], bool] | None:
    """The test of a one-character node, or None if ``op`` is not one."""
    if op is C.LITERAL:
        ch = chr(av)
        return lambda c: c == ch
    if op is C.NOT_LITERAL:
        ch = chr(av)
        return lambda c: c != ch
    if op is C.ANY:
        return lambda c: c != "\n"
    if op is C.IN:
        tests: list[Callable[[str], bool]] = []
        negate = False
        for iop, iav in av:
            if iop is C.NEGATE:
                negate = True
            elif iop is C.RANGE:
                lo, hi = iav
                tests.append(_in_range(lo, hi))
            elif iop is C.CATEGORY:
                tests.append(_CATEGORIES[iav])
            else:
                inner = _char_test(iop, iav)
                if inner is None:
                    raise UnsupportedRegex(f"unsupported set item {iop}")
                tests.append(inner)
        if negate:
            return lambda c: not any(t(c) for t in tests)
        return lambda c: any(t(c) for t in tests)
    return None


class LinearRegex:
    """``search(s)``: like ``re.compile(pattern).search(s) is not None``, in polynomial
    time (at most pattern size x len(s)^2 set operations, whatever the pattern)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._tree = P.parse(pattern)
        if self._tree.state.flags & ~C.SRE_FLAG_UNICODE:
            raise UnsupportedRegex("inline flags are not supported")
        self._check(self._tree)

    def _check(self, seq: Any) -> None:
        for op, av in seq:
            if op in (C.GROUPREF, C.GROUPREF_EXISTS, C.ASSERT, C.ASSERT_NOT):
                raise UnsupportedRegex("back-references and look-around are not supported")
            if op is C.SUBPATTERN:
                if av[1] or av[2]:
                    raise UnsupportedRegex("inline flags are not supported")
                self._check(av[3])
            elif op is C.BRANCH:
                for sub in av[1]:
                    self._check(sub)
            elif op in _REPEATS:
                self._check(av[2])
            elif op is C.AT:
                if av not in _ANCHORS:
                    raise UnsupportedRegex(f"unsupported anchor {av}")
            elif op is _ATOMIC:
                raise UnsupportedRegex("atomic groups are not supported")
            elif _char_test(op, av) is None and op is not C.CATEGORY:
                raise UnsupportedRegex(f"unsupported construct {op}")

    def search(self, s: str) -> bool:
        return bool(self._seq(self._tree, s, frozenset(range(len(s) + 1))))

    def _seq(self, seq: Any, s: str, cur: Positions) -> Positions:
        for op, av in seq:
            if not cur:
                return cur
            cur = self._node(op, av, s, cur)
        return cur

    def _node(self, op: Any, av: Any, s: str, cur: Positions) -> Positions:
        n = len(s)
        if op is C.SUBPATTERN:
            return self._seq(av[3], s, cur)
        if op is C.BRANCH:
            out: set[int] = set()
            for sub in av[1]:
                out |= self._seq(sub, s, cur)
            return frozenset(out)
        if op in _REPEATS:
            return self._repeat(av[0], av[1], av[2], s, cur)
        if op is C.AT:
            if av in (C.AT_BEGINNING, C.AT_BEGINNING_STRING):
                return cur & {0}
            if av is C.AT_END:  # "$": the end, or before a final newline
                return cur & ({n, n - 1} if s.endswith("\n") else {n})
            return cur & {n}
        test = _CATEGORIES[av] if op is C.CATEGORY else _char_test(op, av)
        assert test is not None  # _check refused anything else
        return frozenset(p + 1 for p in cur if p < n and test(s[p]))

    def _repeat(self, lo: int, hi: int, sub: Any, s: str, cur: Positions) -> Positions:
        count = 0
        while count < lo:  # the mandatory repetitions
            nxt = self._seq(sub, s, cur)
            count += 1
            if nxt == cur:  # a fixed point: more repetitions change nothing
                count = lo
            cur = nxt
            if not cur:
                return cur
        seen = set(cur)
        frontier = cur
        unbounded = hi == C.MAXREPEAT
        while frontier and (unbounded or count < hi):
            # a position already reached with fewer repetitions has at least as many left
            frontier = frozenset(self._seq(sub, s, frontier) - seen)
            seen |= frontier
            count += 1
        return frozenset(seen)


_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT)  # possessive ones (3.11+) are refused
_ATOMIC = getattr(C, "ATOMIC_GROUP", object())
_ANCHORS = (C.AT_BEGINNING, C.AT_BEGINNING_STRING, C.AT_END, C.AT_END_STRING)
