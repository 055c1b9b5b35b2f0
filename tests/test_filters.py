"""Tests of pytest_renacer.filters: strace's -e expression language."""

from __future__ import annotations

import importlib.util
import itertools
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from timescale import kill_group, scaled

from pytest_renacer.errors import FilterError, RenacerError
from pytest_renacer.filters import (
    STATUSES,
    StatusFilter,
    SyscallSet,
    parse_e_option,
    parse_status,
    parse_trace,
    selector,
)
from pytest_renacer.tables import SyscallInfo, SyscallTable, table_for

# A small x86_64-like table whose classes follow strace 6.1's syscallent.h.
_FAKE = [
    (0, "read", "desc"),
    (1, "write", "desc"),
    (2, "open", "desc file"),
    (3, "close", "desc"),
    (4, "stat", "file stat stat_like"),
    (5, "fstat", "desc fstat stat_like"),
    (6, "lstat", "file lstat stat_like"),
    (7, "poll", "desc"),
    (9, "mmap", "desc memory"),
    (12, "brk", "memory"),
    (13, "rt_sigaction", "signal"),
    (16, "ioctl", "desc"),
    (21, "access", "file"),
    (29, "shmget", "ipc"),
    (39, "getpid", "pure"),
    (41, "socket", "network"),
    (42, "connect", "desc network"),
    (56, "clone", "process"),
    (59, "execve", "file process"),
    (60, "exit", "process"),
    (62, "kill", "signal process"),
    (102, "getuid", "creds pure"),
    (105, "setuid", "creds"),
    (136, "ustat", ""),
    (137, "statfs", "file statfs"),
    (138, "fstatfs", "desc fstatfs"),
    (228, "clock_gettime", "clock"),
    (257, "openat", "desc file"),
    (262, "newfstatat", "desc file fstat stat_like"),
    (332, "statx", "desc file fstat stat_like"),
    (334, "rseq", ""),
    (435, "clone3", "process"),
]
FAKE = SyscallTable(
    "x86_64",
    0xC000003E,
    tuple(SyscallInfo(nr, name, (), "long", frozenset(cls.split())) for nr, name, cls in _FAKE),
)
ALL = frozenset(name for _, name, _ in _FAKE)
NR = {name: nr for nr, name, _ in _FAKE}
# A table of an architecture with a single personality.
MONO = SyscallTable(
    "riscv64", 0xC00000F3, (SyscallInfo(63, "read", (), "long", frozenset({"desc"})),)
)


def names(expr: str, table: SyscallTable = FAKE) -> set[str]:
    return set(parse_trace(expr, table).names)


def error(expr: str, table: SyscallTable = FAKE) -> FilterError:
    with pytest.raises(FilterError) as info:
        parse_trace(expr, table)
    return info.value


# ---------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("open", {"open"}),
        ("open,read", {"open", "read"}),
        ("open,,read", {"open", "read"}),
        (",open", {"open"}),
        ("open,", {"open"}),
        ("open,open", {"open"}),
        ("openat", {"openat"}),
    ],
)
def test_names(expr: str, expected: set[str]) -> None:
    s = parse_trace(expr, FAKE)
    assert s.names == expected
    assert not s.inverted and not s.is_all
    assert s.nrs() == {NR[n] for n in expected}
    assert s.expr == expr
    assert all(n in s for n in expected)
    assert "write" not in s


def test_all_and_none() -> None:
    for expr in ("all", "!none", "!!all", "!!!none"):
        s = parse_trace(expr, FAKE)
        assert s.is_all and s.inverted and s.names == ALL, expr
        assert s.nrs() == {nr for nr, _, _ in _FAKE}
        assert "syscall_0x1c3" in s and "frobnicate" in s
        assert s.contains_nr(10**6)
    for expr in ("none", "!all", "!!none"):
        s = parse_trace(expr, FAKE)
        assert not s.is_all and not s.inverted and s.names == set() and s.nrs() == set()
        assert "read" not in s and "syscall_0x1c3" not in s


def test_all_as_a_token_selects_the_known_syscalls() -> None:
    s = parse_trace("all,open", FAKE)
    assert s.names == ALL and not s.inverted and not s.is_all
    assert "syscall_0x1c3" not in s
    assert parse_trace("all@64", FAKE).names == ALL
    # "none" is only special as the whole expression
    assert "invalid system call 'none'" in str(error("none,open"))


def test_negation() -> None:
    s = parse_trace("!open,read", FAKE)
    assert s.inverted and not s.is_all
    assert s.names == ALL - {"open", "read"}
    assert "open" not in s and "write" in s and "syscall_0x14f" in s and "frobnicate" in s
    assert s.nrs() == {NR[n] for n in ALL - {"open", "read"}}
    assert names("!!open") == {"open"}
    assert names("!!!open") == ALL - {"open"}
    assert names("!%memory") == ALL - {"mmap", "brk"}


def test_empty_expressions() -> None:
    e = error("")
    assert str(e).startswith("empty trace expression") and e.token == ""
    for expr in ("!", ",", "!,", ",,", "!!"):
        e = error(expr)
        assert str(e).startswith(f"invalid system call '{expr}'")
        assert e.token == expr


def test_whitespace_is_not_stripped() -> None:
    e = error("open, read")
    assert e.token == " read"
    assert str(e) == (
        "invalid system call ' read' in trace expression 'open, read' "
        "(whitespace is not allowed; did you mean 'read'?)"
    )
    assert error("open ").token == "open "
    assert error(" ").token == " "


# --------------------------------------------------------------------------- classes

CLASSES = {
    "%desc": {
        "read", "write", "open", "close", "fstat", "poll", "mmap", "ioctl", "connect",
        "fstatfs", "openat", "newfstatat", "statx",
    },
    "%file": {"open", "stat", "lstat", "access", "execve", "statfs", "openat", "newfstatat",
              "statx"},
    "%memory": {"mmap", "brk"},
    "%process": {"clone", "execve", "exit", "kill", "clone3"},
    "%signal": {"rt_sigaction", "kill"},
    "%ipc": {"shmget"},
    "%network": {"socket", "connect"},
    "%net": {"socket", "connect"},
    "%creds": {"getuid", "setuid"},
    "%pure": {"getpid", "getuid"},
    "%clock": {"clock_gettime"},
    "%stat": {"stat"},
    "%lstat": {"lstat"},
    "%fstat": {"fstat", "newfstatat", "statx"},
    "%%stat": {"stat", "fstat", "lstat", "newfstatat", "statx"},
    "%statfs": {"statfs"},
    "%fstatfs": {"fstatfs"},
    "%%statfs": {"statfs", "fstatfs", "ustat"},
}  # fmt: skip


@pytest.mark.parametrize("cls", sorted(CLASSES))
def test_classes(cls: str) -> None:
    assert names(cls) == CLASSES[cls]
    assert names(cls + "@64") == CLASSES[cls]
    assert names("!" + cls) == ALL - CLASSES[cls]


@pytest.mark.parametrize("legacy", ["desc", "file", "memory", "process", "signal", "ipc",
                                    "network"])  # fmt: skip
def test_legacy_class_names(legacy: str) -> None:
    assert names(legacy) == CLASSES["%" + legacy]


def test_stat_like_without_a_stat_like_class_in_the_table() -> None:
    # %%stat is the union of %stat, %lstat and %fstat even when the table has no
    # "stat_like" class; %%statfs adds ustat when the table has it.
    entries = tuple(
        SyscallInfo(nr, name, (), "long", frozenset(cls.split()) - {"stat_like"})
        for nr, name, cls in _FAKE
        if name != "ustat"
    )
    table = SyscallTable("x86_64", 0, entries)
    assert names("%%stat", table) == CLASSES["%%stat"]
    assert names("%%statfs", table) == {"statfs", "fstatfs"}


def test_class_combinations() -> None:
    assert names("%memory,%ipc,read") == {"mmap", "brk", "shmget", "read"}
    assert names("%file,%net") == CLASSES["%file"] | CLASSES["%net"]


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("%foo", "invalid system call '%foo' in trace expression '%foo' (the classes are %desc,"),
        ("%fil", "invalid system call '%fil' in trace expression '%fil' (did you mean '%file'?)"),
        ("%FILE", "(names are case-sensitive; did you mean '%file'?)"),
        ("FILE", "(names are case-sensitive; did you mean 'file'?)"),
        ("net", "invalid system call 'net' in trace expression 'net' (did you mean '%net'?)"),
        ("creds", "(did you mean '%creds'?)"),
        ("%stat_like", "invalid system call '%stat_like'"),
        ("%", "invalid system call '%'"),
        ("%%", "invalid system call '%%'"),
        ("%%foo", "invalid system call '%%foo'"),
        ("%all", "invalid system call '%all'"),
    ],
)
def test_bad_classes(expr: str, message: str) -> None:
    e = error(expr)
    assert message in str(e)
    assert e.token == expr


# --------------------------------------------------------------------------- regexes


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("/^open", {"open", "openat"}),
        ("/open", {"open", "openat"}),
        ("/stat", {"stat", "fstat", "lstat", "ustat", "statfs", "fstatfs", "newfstatat", "statx"}),
        ("/^(read|write)$", {"read", "write"}),
        ("/at$", {"openat", "newfstatat", "stat", "fstat", "lstat", "ustat"}),
        ("/^clone3?$", {"clone", "clone3"}),
        ("/^[[:alpha:]]+[[:digit:]]$", {"clone3"}),
        ("/^[^[:alpha:]_]", set()),  # made optional below
        ("/^[]r]e", {"read"}),
        ("/^[[=o=]]p", {"open", "openat"}),
        ("/^[[.s.]]t", {"stat", "statfs", "statx"}),
        ("/^[a-c][[:lower:]]+$", {"access", "brk", "clone", "close", "connect"}),
        ("/^[k-]", {"kill"}),
        ("/[+--]|^brk", {"brk"}),  # a Python FutureWarning, silenced
        ("/\\_", {"rt_sigaction", "clock_gettime"}),
        ("/", ALL),
        ("/^open@64", {"open", "openat"}),
        ("/read,/write", {"read", "write"}),
    ],
)
def test_regex(expr: str, expected: set[str]) -> None:
    if not expected:
        assert names("?" + expr) == set()
        assert "matches no system call" in str(error(expr))
    else:
        assert names(expr) == expected


def test_regex_with_a_trailing_delimiter() -> None:
    # strace would reject "/^open/" (no name contains '/'); the DESIGN's form works.
    assert names("/^open/") == {"open", "openat"}
    # a trailing '/' that is part of a regex that matches stays as it is
    assert names("/^read$|x/") == {"read"}
    # an escaped '/' is not a delimiter
    e = error("/^open\\/")
    assert "invalid system call '/^open\\/'" in str(e)
    assert str(e).endswith("(the regular expression matches no system call)")
    assert names("//") == ALL


@pytest.mark.parametrize(
    ("expr", "reason"),
    [
        ("/[", "unterminated bracket expression"),
        ("/^[[:foo:]]", "invalid character class [:foo:]"),
        ("/^[[:alpha", "unterminated [: in bracket expression"),
        ("/^[[.ab.]]", "invalid collating element [.ab.]"),
        ("/(", "missing ), unterminated subpattern"),
        ("/x\\", "bad escape (end of pattern)"),
        ("/*", "nothing to repeat"),
        pytest.param("/" + "(" * 2000 + ")" * 2000, "", id="deep-nesting"),
    ],
)
def test_bad_regex(expr: str, reason: str) -> None:
    for e in (error(expr), error("?" + expr), error("read," + expr)):
        assert str(e).startswith(f"invalid regular expression '{expr[1:]}' in trace expression")
        assert reason in str(e)
        assert e.token in (expr, "?" + expr)


def test_regex_that_matches_nothing() -> None:
    e = error("/^OPEN")
    assert str(e) == (
        "invalid system call '/^OPEN' in trace expression '/^OPEN' "
        "(the regular expression matches no system call)"
    )
    assert names("?/^OPEN,read") == {"read"}


# --------------------------------------------------------------------- ?, numbers, @


def test_question_mark() -> None:
    assert names("?nosuch") == set()
    assert names("?nosuch,open") == {"open"}
    assert names("??open") == {"open"}
    assert names("?open") == {"open"}
    assert names("?") == set()
    assert names("?%foo") == set()
    assert names("?999") == set()
    assert parse_trace("!?nosuch", FAKE).is_all
    # '?' after '!' only: "?!open" is a token "!open" that names nothing
    assert names("?!open") == set()


def test_numbers() -> None:
    assert names("0") == {"read"}
    assert names("2,0") == {"open", "read"}
    assert names("01") == {"write"}
    assert names("435") == {"clone3"}
    # a gap number is a syscall number of the table (strace: nr < nsyscalls)
    gap = parse_trace("400", FAKE)
    assert gap.names == set() and gap.nrs() == {400}
    assert "syscall_0x190" in gap and "syscall_0x191" not in gap and gap.contains_nr(400)
    assert "syscall_0x191" in parse_trace("!400", FAKE)
    assert parse_trace("!400", FAKE).names == ALL
    e = error("436")
    assert str(e) == (
        "invalid system call '436' in trace expression '436' "
        "(the syscall numbers of x86_64 run from 0 to 435)"
    )
    for bad in ("1abc", "0x10", "1 ", "1.0", "99999999999999999999"):
        assert error(bad).token == bad
    for bad in ("+1", "-1"):
        assert error(bad).token == bad
    assert error("\N{SUPERSCRIPT TWO}").token == "\N{SUPERSCRIPT TWO}"


def test_personalities() -> None:
    assert names("open@64") == {"open"}
    assert names("open@64,read@64") == {"open", "read"}
    assert names("?nosuch@64") == set()
    assert names("0@64") == {"read"}
    for pers in ("32", "x32"):
        e = error(f"open@{pers}")
        assert str(e) == (
            f"personality designator '@{pers}' in 'open@{pers}' of trace expression "
            f"'open@{pers}' is not supported: only the native '@64' personality of x86_64 "
            "is traced"
        )
        assert names(f"?open@{pers}") == set()
        assert names(f"?open@{pers},read") == {"read"}
    for expr in ("open@foo", "?open@foo", "read@", "open@64@foo"):
        e = error(expr)
        assert str(e).startswith("incorrect personality designator")
        assert "(expected '@64', '@32' or '@x32')" in str(e)
        assert e.token == expr
    assert str(error("read@")) == (
        "incorrect personality designator '' in qualification 'read@' of trace expression "
        "'read@' (expected '@64', '@32' or '@x32')"
    )
    assert "invalid system call '@64'" in str(error("@64"))
    # the designator is what follows the last '@' (strrchr)
    assert "invalid system call 'open@64@64'" in str(error("open@64@64"))
    # an architecture with one personality
    assert names("read@64", MONO) == {"read"}
    assert "(expected '@64')" in str(error("read@32", MONO))


# ---------------------------------------------------------------------------- errors


def test_error_message_names_token_and_suggests() -> None:
    e = error("opn,read")
    assert str(e) == (
        "invalid system call 'opn' in trace expression 'opn,read' (did you mean 'open'?)"
    )
    assert e.token == "opn"
    assert isinstance(e, ValueError) and isinstance(e, RenacerError)
    assert str(error("zzzzzzzz")) == "invalid system call 'zzzzzzzz' in trace expression 'zzzzzzzz'"
    assert "(names are case-sensitive; did you mean 'open'?)" in str(error("OPEN"))
    assert str(error("open,!read")) == (
        "invalid system call '!read' in trace expression 'open,!read' "
        "('!' negates the whole expression and may only come first)"
    )
    assert error("syscall_1").token == "syscall_1"
    # unprintable tokens are quoted with repr()
    assert "invalid system call 'a\\nb'" in str(error("a\nb"))
    assert 'invalid system call "it\'s"' in str(error("it's"))


def test_error_names_the_failing_token_not_the_first() -> None:
    assert error("read,write,frob,close").token == "frob"
    assert error("read,%frob").token == "%frob"


def test_type_errors() -> None:
    with pytest.raises(TypeError):
        parse_trace(b"open", FAKE)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        selector([1, 2], FAKE)  # type: ignore[list-item]


# ------------------------------------------------------------------------ SyscallSet


def test_syscallset_membership_of_unknown_names() -> None:
    s = parse_trace("open", FAKE)
    assert "frobnicate" not in s
    assert "syscall_0x2" in s  # an unknown name of the syscall_0x... form is its number
    assert "syscall_0x3" not in s
    assert "syscall_0xzz" not in s
    assert None not in s and 2 not in s
    inv = parse_trace("!open", FAKE)
    assert "frobnicate" in inv and "syscall_0xzz" in inv and "syscall_0x1c3" in inv
    assert "open" not in inv and None not in inv


def test_syscallset_ops() -> None:
    a = parse_trace("open,read", FAKE)
    b = parse_trace("read,write", FAKE)
    na, nb = ~a, ~b
    assert (a | b).names == {"open", "read", "write"}
    assert (na | b) == parse_trace("!open", FAKE)
    assert (a | nb) == parse_trace("!write", FAKE)
    assert (na | nb) == parse_trace("!read", FAKE)
    assert (na | nb).inverted and (a | b).expr == "open,read|read,write"
    assert ~na == a and (~a).expr == "!open,read"
    assert (na.names, na.inverted) == (ALL - {"open", "read"}, True)
    with pytest.raises(ValueError, match="different tables"):
        a | parse_trace("read", MONO)
    with pytest.raises(TypeError):
        a | {"read"}  # type: ignore[operator]
    assert a != {"open", "read"}
    assert len({a, parse_trace("read,open", FAKE), b}) == 2
    assert list(a) == ["open", "read"]
    assert repr(a) == "<SyscallSet 'open,read': 2 syscalls on x86_64>"
    assert repr(parse_trace("all", FAKE)) == "<SyscallSet 'all': all syscalls on x86_64>"
    assert repr(na) == (
        f"<SyscallSet '!open,read': {len(ALL) - 2} syscalls and every unknown number on x86_64>"
    )
    assert SyscallSet(FAKE, [0, 1]).names == {"read", "write"}


def test_selector() -> None:
    assert selector(None, FAKE).is_all
    assert selector("open", FAKE).names == {"open"}
    assert selector(["open", "read"], FAKE).names == {"open", "read"}
    assert selector(("%memory", "read"), FAKE).names == {"mmap", "brk", "read"}
    assert selector({"openat"}, FAKE).expr == "openat"
    assert selector([], FAKE).names == set()
    assert selector(["!open", "open"], FAKE).is_all
    s = parse_trace("read", FAKE)
    assert selector(s) is s and selector(s, MONO) is s
    with pytest.raises(FilterError) as info:
        selector(["read", "opn"], FAKE)
    assert info.value.token == "opn"


def test_parse_is_cached() -> None:
    assert parse_trace("open,read", FAKE) is parse_trace("open,read", FAKE)


# -------------------------------------------------------------------------- status=


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("successful", {"successful"}),
        ("failed", {"failed"}),
        ("FAILED", {"failed"}),
        ("Unfinished,detached", {"unfinished", "detached"}),
        ("unavailable", {"unavailable"}),
        ("failed,", {"failed"}),
        (",failed,,successful", {"failed", "successful"}),
        ("!failed", set(STATUSES) - {"failed"}),
        ("!!failed", {"failed"}),
        ("all", set(STATUSES)),
        ("!none", set(STATUSES)),
        ("none", set()),
        ("!all", set()),
    ],
)
def test_parse_status(expr: str, expected: set[str]) -> None:
    f = parse_status(expr)
    assert f.statuses == expected and f.expr == expr
    assert f.is_all == (expected == set(STATUSES))
    assert all(s in f for s in expected)


@pytest.mark.parametrize(
    ("expr", "message", "token"),
    [
        ("", "invalid status '': expected comma-separated successful, failed,", ""),
        ("!", "invalid status '!': expected", "!"),
        (",", "invalid status ',': expected", ","),
        ("faild", "invalid status 'faild' in status expression 'faild' (did you mean 'failed'?)",
         "faild"),
        (" failed", "(did you mean 'failed'?)", " failed"),
        ("all,failed", "invalid status 'all' in status expression 'all,failed' ('all' must be "
         "the whole expression)", "all"),
        ("ALL", "invalid status 'ALL'", "ALL"),
        ("xyzzy", "(expected 'successful', 'failed', 'unfinished', 'unavailable' or "
         "'detached')", "xyzzy"),
        ("fa\N{KELVIN SIGN}iled", "invalid status", "fa\N{KELVIN SIGN}iled"),
    ],
)  # fmt: skip
def test_bad_status(expr: str, message: str, token: str) -> None:
    with pytest.raises(FilterError) as info:
        parse_status(expr)
    assert message in str(info.value)
    assert info.value.token == token


def test_status_truth_table() -> None:
    # every subset of the five statuses, every outcome
    for k in range(len(STATUSES) + 1):
        for subset in itertools.combinations(STATUSES, k):
            expr = ",".join(subset) or "none"
            f = parse_status(expr)
            g = parse_status("!" + expr)
            for failed, finished in itertools.product((False, True), repeat=2):
                status = "unfinished" if not finished else "failed" if failed else "successful"
                assert f.matches(failed=failed, finished=finished) == (status in subset)
                assert g.matches(failed=failed, finished=finished) == (status not in subset)
            assert f.matches(failed=False) == ("successful" in subset)
            assert f.matches(failed=True) == ("failed" in subset)


def test_status_filter_default_is_all() -> None:
    assert StatusFilter(frozenset(STATUSES)).is_all
    assert not StatusFilter(frozenset({"failed"})).is_all


# --------------------------------------------------------------------------- -e


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        ("trace=open,read", ("trace", "open,read")),
        ("t=open", ("trace", "open")),
        ("open", ("trace", "open")),
        ("!%file", ("trace", "!%file")),
        ("trace=", ("trace", "")),
        ("", ("trace", "")),
        ("trace=status=x", ("trace", "status=x")),
        ("abbrev=none", ("abbrev", "none")), ("a=all", ("abbrev", "all")),
        ("verbose=all", ("verbose", "all")), ("v=all", ("verbose", "all")),
        ("raw=all", ("raw", "all")), ("x=open", ("raw", "open")),
        ("signal=none", ("signal", "none")), ("signals=SIGINT", ("signal", "SIGINT")),
        ("s=none", ("signal", "none")),
        ("status=failed", ("status", "failed")),
        ("quiet=attach", ("quiet", "attach")), ("q=exit", ("quiet", "exit")),
        ("silent=all", ("quiet", "all")), ("silence=all", ("quiet", "all")),
        ("read=3", ("read", "3")), ("reads=3", ("read", "3")), ("r=3", ("read", "3")),
        ("write=1", ("write", "1")), ("writes=1", ("write", "1")), ("w=1", ("write", "1")),
        ("fault=open", ("fault", "open")), ("inject=open:error=ENOENT",
                                            ("inject", "open:error=ENOENT")),
        ("kvm=vcpu", ("kvm", "vcpu")),
        ("decode-fds=path", ("decode-fds", "path")), ("decode-fd=all", ("decode-fds", "all")),
        ("decode-pids=comm", ("decode-pids", "comm")),
        ("decode-pid=pidns", ("decode-pids", "pidns")),
        ("secontext=full", ("secontext", "full")),
        # not an identifier before '=': strace's trace expression
        ("?foo=bar", ("trace", "?foo=bar")),
        ("/^a=b", ("trace", "/^a=b")),
        ("open,x=y", ("trace", "open,x=y")),
    ],
)  # fmt: skip
def test_parse_e_option(arg: str, expected: tuple[str, str]) -> None:
    assert parse_e_option(arg) == expected


@pytest.mark.parametrize(
    ("arg", "message", "token"),
    [
        ("TRACE=open", "unknown qualifier 'TRACE' in -e 'TRACE=open' (did you mean 'trace'?)",
         "TRACE"),
        ("statuz=failed", "(did you mean 'status'?)", "statuz"),
        ("reading=3", "unknown qualifier 'reading'", "reading"),
        ("zzz=1", "(expected 'abbrev', 'decode-fds', 'decode-pids', 'fault', 'inject', "
         "'kvm', 'quiet', 'raw', 'read', 'secontext', 'signal', 'status', 'trace', "
         "'verbose' or 'write')", "zzz"),
    ],
)  # fmt: skip
def test_parse_e_option_unknown_qualifier(arg: str, message: str, token: str) -> None:
    with pytest.raises(FilterError) as info:
        parse_e_option(arg)
    assert message in str(info.value)
    assert info.value.token == token


# ------------------------------------------------------------------------ properties

_TOKENS = st.sampled_from(
    [*sorted(ALL), "%file", "%net", "%%stat", "%%statfs", "file", "all", "none", "/^open",
     "/at$", "/", "?nosuch", "nosuch", "0", "400", "999", "open@64", "open@32", "?open@x32",
     "%foo", "/[", "", " ", "!", "?", "@"]
)  # fmt: skip
_BODIES = st.lists(_TOKENS, max_size=5).map(",".join).filter(lambda e: not e.startswith("!"))
_EXPRS = st.builds(lambda bangs, body: "!" * bangs + body, st.integers(0, 3), _BODIES)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=",!?%/@^$[]()*|:.0123456789opnreadstx"), _EXPRS))
def test_parse_trace_returns_a_set_or_raises_filter_error(expr: str) -> None:
    try:
        s = parse_trace(expr, FAKE)
    except FilterError as e:
        assert e.token is not None
        assert str(e)
    else:
        assert isinstance(s, SyscallSet)
        assert s.names <= ALL
        assert all(s.contains_nr(nr) for nr in s.nrs())
        assert all(name in s for name in s.names)
        assert all(name not in s for name in ALL - s.names)


@settings(max_examples=100, deadline=None)
@given(_BODIES)
def test_negation_is_the_complement(expr: str) -> None:
    try:
        s = parse_trace(expr, FAKE)
    except FilterError:
        with pytest.raises(FilterError):
            parse_trace("!" + expr, FAKE)
        return
    n = parse_trace("!" + expr, FAKE)
    assert n.names == ALL - s.names
    assert n.inverted != s.inverted
    assert n.is_all == (s.names == set() and not s.inverted and not s.nrs())
    for probe in [*ALL, "syscall_0x190", "syscall_0x1c3", "frobnicate"]:
        assert (probe in n) != (probe in s), probe
    for nr in (*NR.values(), 8, 400, 436, 10**6):
        assert n.contains_nr(nr) != s.contains_nr(nr)
    assert parse_trace("!!" + expr, FAKE) == s


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_status_returns_a_filter_or_raises_filter_error(expr: str) -> None:
    try:
        f = parse_status(expr)
    except FilterError as e:
        assert e.token is not None
    else:
        assert f.statuses <= set(STATUSES)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_e_option_total(arg: str) -> None:
    try:
        name, value = parse_e_option(arg)
    except FilterError as e:
        assert e.token is not None and "=" in arg
    else:
        assert name == "trace" or arg.endswith("=" + value)


# ------------------------------------------------------------- the real x86_64 table

HAVE_X86_64 = importlib.util.find_spec("pytest_renacer.tables.x86_64") is not None
needs_table = pytest.mark.skipif(not HAVE_X86_64, reason="tables/x86_64.py not generated yet")


@needs_table
def test_real_table_stat_classes_match_strace() -> None:
    # strace 6.1 src/linux/x86_64/syscallent.h
    real = table_for("x86_64")
    expected = {
        "%stat": {"stat"},
        "%lstat": {"lstat"},
        "%fstat": {"fstat", "newfstatat", "statx"},
        "%%stat": {"stat", "lstat", "fstat", "newfstatat", "statx"},
        "%statfs": {"statfs"},
        "%fstatfs": {"fstatfs"},
        "%%statfs": {"statfs", "fstatfs", "ustat"},
        "%clock": {"adjtimex", "clock_adjtime", "clock_getres", "clock_gettime",
                   "clock_settime", "gettimeofday", "settimeofday", "time"},
        "%pure": {"getpid", "getuid", "getgid", "geteuid", "getegid", "getppid", "getpgrp",
                  "gettid"},
        "%creds": {"getuid", "getgid", "setuid", "setgid", "geteuid", "getegid", "setreuid",
                   "setregid", "getgroups", "setgroups", "setresuid", "getresuid",
                   "setresgid", "getresgid", "setfsuid", "setfsgid", "capget", "capset",
                   "prctl"},
    }  # fmt: skip
    for expr, want in expected.items():
        assert names(expr, real) == want, expr


@needs_table
def test_real_table_basics() -> None:
    real = table_for("x86_64")
    assert names("/^open", real) >= {"open", "openat", "open_by_handle_at", "openat2"}
    assert names("0,1,2", real) == {"read", "write", "open"}
    assert {"openat", "open", "creat", "execve"} <= names("%file", real)
    assert {"socket", "connect", "sendto"} <= names("%net", real)
    assert {"mmap", "munmap", "brk", "mprotect"} <= names("%memory", real)
    assert "invalid system call 'opn'" in str(error("opn,read", real))
    assert "(did you mean 'open'?)" in str(error("opn,read", real))
    assert parse_trace("!%memory", real).names == set(real.by_name) - names("%memory", real)


HAVE_AARCH64 = importlib.util.find_spec("pytest_renacer.tables.aarch64") is not None


@pytest.mark.skipif(not HAVE_AARCH64, reason="tables/aarch64.py not generated yet")
def test_real_aarch64_table() -> None:
    # strace 6.1 src/linux/64/syscallent.h: no stat, lstat or open on aarch64
    real = table_for("aarch64")
    assert names("%%stat", real) == {"fstat", "newfstatat", "statx"}
    assert names("%%statfs", real) == {"statfs", "fstatfs"}
    assert names("/^open", real) >= {"openat", "open_by_handle_at", "openat2"}
    assert "open" not in names("/^open", real)
    assert error("open", real).token == "open"
    assert names("?open,read", real) == {"read"}
    assert names("read@64", real) == {"read"}
    assert "only the native '@64' personality of aarch64" in str(error("read@32", real))
    assert "(expected '@64' or '@32')" in str(error("read@x32", real))


# Compare with strace itself: names strace prints under -e trace=EXPR, on a workload.
STRACE = shutil.which("strace")
WORKLOAD = ["sh", "-c", "ls / >/dev/null; cat /etc/hostname >/dev/null; id >/dev/null"]
CROSS = [
    "%file", "file", "%desc", "desc", "%memory", "memory", "%process", "process",
    "%signal", "signal", "%net", "%network", "%ipc", "%creds", "%pure", "%clock",
    "%stat", "%lstat", "%fstat", "%%stat", "%statfs", "%fstatfs", "%%statfs",
    "/^open", "/^(read|write)$", "/at$", "/^[[:alpha:]]+64$", "!%memory", "!read,write,close",
    "?nosuch,openat", "all,brk", "!!%file", "0,1,3", "brk@64,close",
]  # fmt: skip
_LINE = re.compile(r"^(?:\d+ +)?([a-z_][a-z0-9_]*)\(")


@pytest.fixture(scope="module")
def strace_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    if STRACE is None:
        pytest.skip("strace is not installed")
    tmp = tmp_path_factory.mktemp("strace")
    procs = {}
    seen: dict[str, set[str]] = {}
    deadline = time.monotonic() + scaled(30)
    try:
        for i, expr in enumerate(["all", *CROSS]):
            out = tmp / f"{i}.txt"
            cmd = [STRACE, "-f", "-qq", "-o", str(out), "-e", f"trace={expr}", *WORKLOAD]
            procs[expr] = (out, subprocess.Popen(cmd, stderr=subprocess.PIPE,
                                                 start_new_session=True))
        for expr, (out, proc) in procs.items():
            _, err = proc.communicate(timeout=max(deadline - time.monotonic(), 1))
            if proc.returncode != 0:
                pytest.skip(f"strace does not work here: {err.decode(errors='replace').strip()}")
            lines = Path(out).read_text().splitlines()
            seen[expr] = {m.group(1) for line in lines if (m := _LINE.match(line))}
    finally:  # (a timeout or a skip: no strace, nor its tracees, left running)
        for _out, proc in procs.values():
            kill_group(proc)
    return seen


@needs_table
@pytest.mark.skipif(STRACE is None, reason="strace is not installed")
@pytest.mark.parametrize("expr", CROSS)
def test_agrees_with_strace(expr: str, strace_runs: dict[str, set[str]]) -> None:
    real = table_for()  # the strace runs' (this machine's) architecture
    universe = strace_runs["all"]
    assert len(universe) > 10
    assert universe <= set(real.by_name), "names strace printed that the table lacks"
    s = parse_trace(expr, real)
    ours = {name for name in universe if name in s}
    assert ours == strace_runs[expr], (
        f"{expr}: ours - strace = {ours - strace_runs[expr]}, "
        f"strace - ours = {strace_runs[expr] - ours}"
    )
