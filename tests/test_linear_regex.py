"""linear_regex: re.search's answers, without its exponential backtracking."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_renacer.errors import FilterError
from pytest_renacer.filters import selector
from pytest_renacer.linear_regex import LinearRegex, UnsupportedRegex
from pytest_renacer.tables import table_for

ATOMS = ["a", "b", ".", "[ab]", "[^a]", "\\d", "\\w", "_", "\\n"]


def regexes() -> st.SearchStrategy[str]:
    atom = st.sampled_from(ATOMS)

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, inner).map("".join),
            st.tuples(inner, inner).map(lambda p: f"{p[0]}|{p[1]}"),
            inner.map(lambda p: f"({p})"),
            st.tuples(inner, st.sampled_from(["*", "+", "?", "{2}", "{1,3}", "{2,}", "*?"]))
            .map(lambda p: f"({p[0]}){p[1]}"),
        )

    body = st.recursive(atom, extend, max_leaves=8)
    return st.tuples(st.sampled_from(["", "^"]), body, st.sampled_from(["", "$"])).map(
        "".join)


@settings(max_examples=300, deadline=None)
@given(regexes(), st.text(alphabet="ab_1\n", max_size=12))
def test_agrees_with_re(pattern: str, subject: str) -> None:
    assert LinearRegex(pattern).search(subject) == (re.search(pattern, subject) is not None)


def test_catastrophic_patterns_take_linear_time() -> None:
    t0 = time.monotonic()
    for pattern in ["(.+)+(.+)+(.+)+z$", "(a|a)*b", "(a*)*b", "((a+)+)+$b"]:
        assert not LinearRegex(pattern).search("a" * 40)
    assert time.monotonic() - t0 < 5  # re.search: over 60 s for the first one


@pytest.mark.parametrize("pattern", ["(a)\\1", "(?=a)", "(?<!a)b", "(?i)a"])
def test_what_a_position_set_cannot_match_is_refused(pattern: str) -> None:
    with pytest.raises(UnsupportedRegex):
        LinearRegex(pattern)


def test_a_catastrophic_trace_regex_is_rejected_at_once() -> None:
    t0 = time.monotonic()
    with pytest.raises(FilterError, match="matches no system call"):
        selector("/(.+)+(.+)+(.+)+z$", table_for())
    with pytest.raises(FilterError, match="not supported"):
        selector("/(open)\\1", table_for())
    assert time.monotonic() - t0 < 5
    assert "openat" in selector("/^(open|read)at$", table_for())
