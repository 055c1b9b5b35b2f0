"""strace's ``-e`` expression language: trace sets, status filters, ``-e`` qualifiers.

The syntax and semantics follow strace 6.1 (``src/basic_filters.c`` and
``src/filter_qualify.c``):

* A trace expression is a comma-separated list of tokens; empty tokens are skipped,
  whitespace is *not* stripped.  Each leading ``!`` inverts the whole expression
  (``!!x`` is ``x``); ``!`` anywhere else is an error.
* ``all`` and ``none`` as the whole expression (after the ``!``\\ s) select every
  syscall number, known or not, and nothing.  ``all`` as one token of a list selects
  every syscall the table knows.
* A token is ``%class`` (``%file``, ``%net``, ``%%stat``, ...), a legacy class name
  without ``%`` (``file``, ``process``, ``network``, ``signal``, ``ipc``, ``desc``,
  ``memory``), ``/regex`` (matched with :func:`re.search` on every name; it must
  match at least one), a decimal syscall number, or a syscall name.  Class and name
  lookups are case-sensitive.
* A token prefixed with ``?`` selects nothing instead of failing when it matches no
  syscall (``?nosuch``); a malformed regex or personality is still an error.
* A token may end with a personality designator ``@64``, ``@32`` or ``@x32``
  (x86_64; aarch64 has ``@64`` and ``@32``).  The native one (``@64``) is accepted;
  the others name compat personalities the tables do not describe and are rejected
  with a :class:`FilterError` (or select nothing under ``?``).

Deviations, all of them turning a strace error into a useful answer: a regex that
matches nothing and ends with an unescaped ``/`` is retried without it, so the
``"/^open/"`` form of the public API works; regexes use Python's :mod:`re` (POSIX
bracket classes such as ``[[:digit:]]`` are translated), so Python-only syntax is
accepted where glibc's ERE would refuse it.
"""

from __future__ import annotations

import re
import string
import warnings
from collections.abc import Iterable, Iterator
from functools import lru_cache

from .errors import FilterError
from .linear_regex import LinearRegex, UnsupportedRegex
from .record import record
from .tables import SyscallTable, table_for

__all__ = [
    "STATUSES",
    "StatusFilter",
    "SyscallSet",
    "parse_e_option",
    "parse_status",
    "parse_trace",
    "selector",
]

#: The statuses a ``status=`` expression may name, in strace's order.
STATUSES: tuple[str, ...] = ("successful", "failed", "unfinished", "unavailable", "detached")

# Class tokens of a trace expression -> the table classes whose members they select.
# "all" (as a token of a list) selects every known syscall; "%%stat" and "%%statfs"
# are strace's TRACE_STAT_LIKE / TRACE_STATFS_LIKE, which on every architecture are
# the union of their parts (plus ustat for %%statfs, added in _class_nrs).
_CLASS_TOKENS: dict[str, tuple[str, ...]] = {
    "%desc": ("desc",),
    "%file": ("file",),
    "%memory": ("memory",),
    "%process": ("process",),
    "%creds": ("creds",),
    "%signal": ("signal",),
    "%ipc": ("ipc",),
    "%net": ("network",),
    "%network": ("network",),
    "%stat": ("stat",),
    "%lstat": ("lstat",),
    "%fstat": ("fstat",),
    "%%stat": ("stat", "lstat", "fstat", "stat_like"),
    "%statfs": ("statfs",),
    "%fstatfs": ("fstatfs",),
    "%%statfs": ("statfs", "fstatfs", "statfs_like"),
    "%pure": ("pure",),
    "%clock": ("clock",),
    # legacy class names
    "all": (),
    "desc": ("desc",),
    "file": ("file",),
    "memory": ("memory",),
    "process": ("process",),
    "signal": ("signal",),
    "ipc": ("ipc",),
    "network": ("network",),
}

#: Personality designators per architecture; the first is the native one.
_PERSONALITIES: dict[str, tuple[str, ...]] = {
    "x86_64": ("64", "32", "x32"),
    "aarch64": ("64", "32"),
}

# -e qualifier names and aliases (strace 6.1 qual_options) -> canonical name.
_QUALIFIERS: dict[str, str] = {
    "trace": "trace", "t": "trace",
    "abbrev": "abbrev", "a": "abbrev",
    "verbose": "verbose", "v": "verbose",
    "raw": "raw", "x": "raw",
    "signal": "signal", "signals": "signal", "s": "signal",
    "status": "status",
    "quiet": "quiet", "silent": "quiet", "silence": "quiet", "q": "quiet",
    "read": "read", "reads": "read", "r": "read",
    "write": "write", "writes": "write", "w": "write",
    "fault": "fault",
    "inject": "inject",
    "kvm": "kvm",
    "decode-fds": "decode-fds", "decode-fd": "decode-fds",
    "decode-pids": "decode-pids", "decode-pid": "decode-pids",
    "secontext": "secontext",
}  # fmt: skip

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_DECIMAL = re.compile(r"[0-9]+")
_DIGITS = frozenset("0123456789")

_POSIX_CLASSES: dict[str, str] = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "0-9a-zA-Z",
    "upper": "A-Z",
    "lower": "a-z",
    "xdigit": "0-9A-Fa-f",
    "space": r" \t\n\r\f\v",
    "blank": r" \t",
    "punct": re.escape(string.punctuation),
    "cntrl": r"\x00-\x1f\x7f",
    "print": r"\x20-\x7e",
    "graph": r"\x21-\x7e",
}


def _q(text: str) -> str:
    """``text`` in single quotes, as strace quotes tokens (repr() if unprintable)."""
    return f"'{text}'" if text.isprintable() and "'" not in text else repr(text)


def _or_list(items: Iterable[str]) -> str:
    quoted = [_q(i) for i in items]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


# --------------------------------------------------------------------------- tables


@record(frozen=True)
class _Index:
    """What parsing needs of one table, computed once."""

    nrs_by_name: dict[str, frozenset[int]]
    names: frozenset[str]
    all_nrs: frozenset[int]
    limit: int  # numbers 0 <= n < limit are syscall numbers of this table (strace's nsyscalls)
    sorted_names: tuple[str, ...]


@lru_cache(maxsize=16)
def _index(table: SyscallTable) -> _Index:
    by_name: dict[str, set[int]] = {}
    for nr, info in table.by_nr.items():
        by_name.setdefault(info.name, set()).add(nr)
    return _Index(
        nrs_by_name={name: frozenset(nrs) for name, nrs in by_name.items()},
        names=frozenset(by_name),
        all_nrs=frozenset(table.by_nr),
        limit=len(table.names_by_nr),
        sorted_names=tuple(sorted(by_name)),
    )


def _class_nrs(table: SyscallTable, token: str) -> frozenset[int]:
    index = _index(table)
    classes = _CLASS_TOKENS[token]
    if not classes:  # "all"
        return index.all_nrs
    names: set[str] = set()
    for cls in classes:
        names |= table.members(cls)
    if token == "%%statfs" and "ustat" in index.names:
        names.add("ustat")
    return frozenset(nr for name in names for nr in index.nrs_by_name[name])


# ------------------------------------------------------------------------ SyscallSet


class SyscallSet:
    """The syscalls a trace expression selects, on one table.

    Like strace's number sets it is a set of syscall numbers plus an ``inverted``
    flag: an inverted set (``"!open"``, ``"all"``) selects every number *not* listed,
    including numbers the table does not know.
    """

    __slots__ = ("_base", "_index", "expr", "inverted", "is_all", "names", "table")

    table: SyscallTable
    expr: str
    #: True when the set was given by exclusion: every syscall number the table does
    #: not know (gaps, numbers past its end, other personalities) is selected too.
    inverted: bool
    #: The selected syscall names that the table knows.
    names: frozenset[str]
    #: Selects every syscall (known or not): no seccomp filtering is needed.
    is_all: bool

    def __init__(
        self,
        table: SyscallTable,
        nrs: Iterable[int] = (),
        *,
        inverted: bool = False,
        expr: str = "",
    ) -> None:
        """Select ``nrs`` of ``table`` (every other number when ``inverted``)."""
        self.table = table
        self.expr = expr
        self.inverted = inverted
        self._base = frozenset(nrs)
        self._index = _index(table)
        if inverted:
            self.names = frozenset(
                name for name, nrs_ in self._index.nrs_by_name.items() if not nrs_ <= self._base
            )
        else:
            self.names = frozenset(table.name(nr) for nr in self._base) & self._index.names
        self.is_all = inverted and not self._base

    @property
    def listed(self) -> frozenset[int]:
        """The numbers the expression listed: the selected ones, or the excluded ones
        when ``inverted`` (what a seccomp filter compares against)."""
        return self._base

    def contains_nr(self, nr: int) -> bool:
        """Whether syscall number ``nr`` is selected."""
        return (nr in self._base) != self.inverted

    def __contains__(self, name: object) -> bool:
        if name in self.names:
            return True
        if not isinstance(name, str) or name in self._index.names:
            return False
        if name.startswith("syscall_0x"):  # how the tables name unknown numbers
            try:
                return self.contains_nr(int(name[10:], 16))
            except ValueError:
                pass
        return self.inverted

    def nrs(self) -> frozenset[int]:
        """The selected numbers the table knows, plus gap numbers selected by number."""
        if self.inverted:
            return self._index.all_nrs - self._base
        return self._base

    def __iter__(self) -> Iterator[str]:
        """The selected names, sorted."""
        return iter(sorted(self.names))

    def __or__(self, other: SyscallSet) -> SyscallSet:
        if not isinstance(other, SyscallSet):
            return NotImplemented
        if other.table is not self.table:
            raise ValueError("cannot combine syscall sets of different tables")
        expr = f"{self.expr}|{other.expr}"
        a, b = self._base, other._base
        if self.inverted and other.inverted:
            return SyscallSet(self.table, a & b, inverted=True, expr=expr)
        if self.inverted:
            return SyscallSet(self.table, a - b, inverted=True, expr=expr)
        if other.inverted:
            return SyscallSet(self.table, b - a, inverted=True, expr=expr)
        return SyscallSet(self.table, a | b, expr=expr)

    def __invert__(self) -> SyscallSet:
        return SyscallSet(self.table, self._base, inverted=not self.inverted, expr=f"!{self.expr}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SyscallSet):
            return NotImplemented
        return (
            self.table is other.table
            and self.inverted == other.inverted
            and self._base == other._base
        )

    def __hash__(self) -> int:
        return hash((id(self.table), self.inverted, self._base))

    def __repr__(self) -> str:
        what = "all syscalls" if self.is_all else f"{len(self.names)} syscalls"
        extra = " and every unknown number" if self.inverted and not self.is_all else ""
        return f"<SyscallSet {self.expr!r}: {what}{extra} on {self.table.arch}>"


# ------------------------------------------------------------------- trace parsing


def _ere_to_python(pattern: str) -> str:
    """Translate POSIX bracket expressions (``[[:digit:]_]``, ``[]x]``) to Python's."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if c != "[":
            out.append(c)
            i += 1
            continue
        j = i + 1
        negate = ""
        if j < n and pattern[j] == "^":
            negate = "^"
            j += 1
        items: list[str] = []
        first = True
        while True:
            if j >= n:
                raise re.error("unterminated bracket expression", pattern, i)
            c = pattern[j]
            if c == "]" and not first:
                break
            first = False
            if c == "[" and pattern[j + 1 : j + 2] in (":", "=", "."):
                kind = pattern[j + 1]
                end = pattern.find(kind + "]", j + 2)
                if end < 0:
                    raise re.error(f"unterminated [{kind} in bracket expression", pattern, j)
                name = pattern[j + 2 : end]
                if kind == ":":
                    if name not in _POSIX_CLASSES:
                        raise re.error(f"invalid character class [:{name}:]", pattern, j)
                    items.append(_POSIX_CLASSES[name])
                elif len(name) == 1:
                    items.append(re.escape(name))
                else:
                    raise re.error(f"invalid collating element [{kind}{name}{kind}]", pattern, j)
                j = end + 2
            else:
                items.append(c if c == "-" else re.escape(c))
                j += 1
        out.append(f"[{negate}{''.join(items)}]")
        i = j + 1
    return "".join(out)


def _compile(pattern: str, token: str, expr: str) -> LinearRegex:
    """The regex, checked by :mod:`re` and matched without backtracking (a catastrophic
    pattern must not hang a trace expression, let alone test collection)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # FutureWarning on "[a--]" and the like
            python = _ere_to_python(pattern)
            re.compile(python)
            return LinearRegex(python)
    except (re.error, RecursionError, OverflowError, UnsupportedRegex) as exc:
        reason = exc.msg if isinstance(exc, re.error) else str(exc)
        raise FilterError(
            f"invalid regular expression {_q(pattern)} in trace expression {_q(expr)}: {reason}",
            token,
        ) from None


def _regex_nrs(pattern: str, token: str, expr: str, table: SyscallTable) -> frozenset[int]:
    index = _index(table)
    rx = _compile(pattern, token, expr)
    names = [name for name in index.sorted_names if rx.search(name)]
    if not names and pattern.endswith("/"):
        body = pattern[:-1]
        if (len(body) - len(body.rstrip("\\"))) % 2 == 0:  # the '/' is not escaped
            rx = _compile(body, token, expr)
            names = [name for name in index.sorted_names if rx.search(name)]
    return frozenset(nr for name in names for nr in index.nrs_by_name[name])


def _token_nrs(body: str, token: str, expr: str, table: SyscallTable) -> frozenset[int] | None:
    """The numbers ``body`` selects, or None when it names no syscall."""
    index = _index(table)
    if body[:1] in _DIGITS:
        if _DECIMAL.fullmatch(body) and int(body) < index.limit:
            return frozenset({int(body)})
        return None
    if body.startswith("/"):
        return _regex_nrs(body[1:], token, expr, table) or None
    if body in _CLASS_TOKENS:
        return _class_nrs(table, body)
    return index.nrs_by_name.get(body)


def _hint(body: str, table: SyscallTable) -> str:
    """A ' (did you mean ...?)' suffix for a token that names no syscall."""
    index = _index(table)

    def valid(text: str) -> bool:
        return text in index.names or text in _CLASS_TOKENS

    if body.startswith("!"):
        return " ('!' negates the whole expression and may only come first)"
    if body.startswith("/"):
        return " (the regular expression matches no system call)"
    stripped = body.strip()
    if stripped != body and valid(stripped):
        return f" (whitespace is not allowed; did you mean {_q(stripped)}?)"
    if valid(body.lower()):
        return f" (names are case-sensitive; did you mean {_q(body.lower())}?)"
    if _DECIMAL.fullmatch(body):
        return f" (the syscall numbers of {table.arch} run from 0 to {index.limit - 1})"
    if valid("%" + body):
        return f" (did you mean {_q('%' + body)}?)"
    if body.startswith("%"):
        classes = [c for c in _CLASS_TOKENS if c.startswith("%")]
        import difflib  # only for error messages: not at start-up
        close = difflib.get_close_matches(body, classes, n=1)
        if close:
            return f" (did you mean {_q(close[0])}?)"
        return f" (the classes are {', '.join(classes)})"
    import difflib  # only for error messages: not at start-up
    close = difflib.get_close_matches(body, index.sorted_names, n=1)
    return f" (did you mean {_q(close[0])}?)" if close else ""


def _qualify(token: str, expr: str, table: SyscallTable) -> frozenset[int]:
    body = token.lstrip("?")
    optional = body != token
    at = body.rfind("@")
    if at >= 0:
        personality = body[at + 1 :]
        designators = _PERSONALITIES.get(table.arch, ("64",))
        if personality not in designators:
            raise FilterError(
                f"incorrect personality designator {_q(personality)} in qualification "
                f"{_q(body)} of trace expression {_q(expr)} (expected "
                f"{_or_list('@' + d for d in designators)})",
                token,
            )
        if personality != designators[0]:
            if optional:
                return frozenset()
            raise FilterError(
                f"personality designator {_q('@' + personality)} in {_q(token)} of trace "
                f"expression {_q(expr)} is not supported: only the native "
                f"{_q('@' + designators[0])} personality of {table.arch} is traced",
                token,
            )
        body = body[:at]
    nrs = _token_nrs(body, token, expr, table)
    if nrs is not None:
        return nrs
    if optional:
        return frozenset()
    raise FilterError(
        f"invalid system call {_q(token)} in trace expression {_q(expr)}{_hint(body, table)}",
        token,
    )


@lru_cache(maxsize=512)
def _parse_trace(expr: str, table: SyscallTable) -> SyscallSet:
    rest = expr.lstrip("!")
    inverted = (len(expr) - len(rest)) % 2 == 1
    if rest == "none":
        return SyscallSet(table, inverted=inverted, expr=expr)
    if rest == "all":
        return SyscallSet(table, inverted=not inverted, expr=expr)
    tokens = [token for token in rest.split(",") if token]
    if not tokens:
        what = "empty trace expression" if not expr else f"invalid system call {_q(expr)}"
        raise FilterError(
            f"{what}: expected comma-separated syscall names, %classes, /regexes, 'all' or 'none'",
            expr,
        )
    nrs: set[int] = set()
    for token in tokens:
        nrs |= _qualify(token, expr, table)
    return SyscallSet(table, nrs, inverted=inverted, expr=expr)


def parse_trace(expr: str, table: SyscallTable | None = None) -> SyscallSet:
    """Parse a strace trace expression (``"openat,read"``, ``"!%memory"``, ``"/^open"``).

    ``table`` defaults to this machine's.  Raises :class:`FilterError` naming the bad
    token.
    """
    if not isinstance(expr, str):
        raise TypeError(f"a trace expression is a str, not {type(expr).__name__}")
    return _parse_trace(expr, table if table is not None else table_for())


def selector(
    sel: str | Iterable[str] | SyscallSet | None = None, table: SyscallTable | None = None
) -> SyscallSet:
    """The syscall set a ``Trace.count()``/``Trace.filter()`` selector means.

    None selects everything; a string is a trace expression; an iterable holds trace
    expressions (plain names, usually) and selects their union; a SyscallSet is
    returned as it is.
    """
    if isinstance(sel, SyscallSet):
        return sel
    tbl = table if table is not None else table_for()
    if sel is None:
        return _parse_trace("all", tbl)
    if isinstance(sel, str):
        return parse_trace(sel, tbl)
    items = list(sel)
    result = SyscallSet(tbl)
    for item in items:
        result = result | parse_trace(item, tbl)
    return SyscallSet(tbl, result._base, inverted=result.inverted, expr=",".join(items))


# ------------------------------------------------------------------------ status=


@record(frozen=True)
class StatusFilter:
    """Which syscall outcomes a ``status=`` expression selects."""

    statuses: frozenset[str]
    expr: str = "all"

    @property
    def is_all(self) -> bool:
        """Every outcome is selected: no filtering needed."""
        return self.statuses == _ALL_STATUSES

    def __contains__(self, status: object) -> bool:
        return status in self.statuses

    def matches(self, *, failed: bool, finished: bool = True) -> bool:
        """Whether a syscall that ``failed`` (and did or did not return) is selected."""
        if not finished:
            return "unfinished" in self.statuses
        return ("failed" if failed else "successful") in self.statuses


_ALL_STATUSES = frozenset(STATUSES)


def _status_hint(token: str) -> str:
    if token in ("all", "none"):
        return f"{_q(token)} must be the whole expression"
    import difflib  # only for error messages: not at start-up
    close = difflib.get_close_matches(token.lower().strip(), STATUSES, n=1)
    return f"did you mean {_q(close[0])}?" if close else "expected " + _or_list(STATUSES)


def parse_status(expr: str) -> StatusFilter:
    """Parse a strace ``status=`` expression (``"failed"``, ``"!successful"``, ``"all"``).

    Status names are case-insensitive, as in strace.
    """
    rest = expr.lstrip("!")
    inverted = (len(expr) - len(rest)) % 2 == 1
    selected: set[str] = set()
    if rest == "all":
        selected.update(STATUSES)
    elif rest != "none":
        tokens = [token for token in rest.split(",") if token]
        if not tokens:
            raise FilterError(
                f"invalid status {_q(expr)}: expected comma-separated "
                f"{', '.join(STATUSES)}, or 'all' or 'none'",
                expr,
            )
        for token in tokens:
            status = token.lower()
            if not token.isascii() or status not in _ALL_STATUSES:
                raise FilterError(
                    f"invalid status {_q(token)} in status expression {_q(expr)} "
                    f"({_status_hint(token)})",
                    token,
                )
            selected.add(status)
    if inverted:
        selected = set(STATUSES) - selected
    return StatusFilter(frozenset(selected), expr)


# ------------------------------------------------------------------------ -e


def parse_e_option(arg: str) -> tuple[str, str]:
    """Split an ``-e`` argument into its canonical qualifier and value.

    ``"trace=open,read"`` -> ``("trace", "open,read")``; ``"t=open"`` ->
    ``("trace", "open")``; a bare ``"open"`` is a trace expression.  The value is not
    checked here.  An unknown qualifier name raises :class:`FilterError` (strace would
    take the whole argument for a trace expression and reject it as a syscall name).
    """
    name, sep, value = arg.partition("=")
    if sep:
        canonical = _QUALIFIERS.get(name)
        if canonical is not None:
            return canonical, value
        if _IDENTIFIER.fullmatch(name):
            import difflib  # only for error messages: not at start-up
            close = difflib.get_close_matches(name.lower(), _QUALIFIERS, n=1)
            known = sorted(set(_QUALIFIERS.values()))
            hint = f"did you mean {_q(close[0])}?" if close else "expected " + _or_list(known)
            raise FilterError(f"unknown qualifier {_q(name)} in -e {_q(arg)} ({hint})", name)
    return "trace", arg
