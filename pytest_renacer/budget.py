"""``max_syscalls`` budgets: reading the markers, and checking traces against them.

A test may carry several ``max_syscalls`` markers; together they make one
:class:`Budget`, a list of :class:`Limit` (a selector and a maximum count).  Checking a
budget against the traces of a test gives a :class:`Verdict` whose ``reason`` is the
one line that pytest's short test summary shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .markers import MARKER, TOLERANCE_MARKER, BudgetUsageError

if TYPE_CHECKING:
    from .model import Trace
    from .tables import SyscallTable



@dataclass(frozen=True)
class Limit:
    """At most ``limit`` calls of the syscalls ``selector`` selects (None: all of them)."""

    selector: str | None
    limit: int
    #: "total" (every syscall), "filter" (a filter= expression) or "syscall" (a keyword)
    kind: str
    #: The marker it came from, as written (for messages)
    marker: str

    @property
    def label(self) -> str:
        if self.kind == "total":
            return "syscalls"
        if self.kind == "filter":
            return f"{self.selector} syscalls"
        return str(self.selector)

    def describe(self, count: int) -> str:
        """``187 syscalls > limit 120``, ``25 %file syscalls > limit 20``, ``openat 64 > 3``."""
        if self.kind == "syscall":
            return f"{self.selector} {count} > {self.limit}"
        return f"{count} {self.label} > limit {self.limit}"

    def to_json(self) -> dict[str, Any]:
        return {"selector": self.selector, "limit": self.limit, "kind": self.kind,
                "marker": self.marker}


@dataclass(frozen=True)
class Budget:
    """Every limit of a test's ``max_syscalls`` markers."""

    limits: tuple[Limit, ...]

    def trace_filter(self) -> list[str] | None:
        """The syscalls a trace must record to check this budget (None: all of them)."""
        if any(lim.selector is None for lim in self.limits):
            return None
        return sorted({lim.selector for lim in self.limits if lim.selector is not None})

    def check(self, traces: Sequence[Trace]) -> Verdict:
        results = []
        for lim in self.limits:
            count = sum(t.count(lim.selector) if lim.selector is not None else len(t)
                        for t in traces)
            results.append(LimitResult(lim, count))
        return Verdict(tuple(results))


@dataclass(frozen=True)
class LimitResult:
    limit: Limit
    count: int

    @property
    def ok(self) -> bool:
        return self.count <= self.limit.limit

    def to_json(self) -> dict[str, Any]:
        return {**self.limit.to_json(), "count": self.count, "ok": self.ok}


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a budget."""

    results: tuple[LimitResult, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def broken(self) -> list[LimitResult]:
        return [r for r in self.results if not r.ok]

    @property
    def reason(self) -> str:
        """One line: ``max_syscalls: 187 syscalls > limit 120; openat 64 > 3`` ("" if ok)."""
        broken = self.broken
        if not broken:
            return ""
        return "max_syscalls: " + "; ".join(r.limit.describe(r.count) for r in broken)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "reason": self.reason or None,
                "limits": [r.to_json() for r in self.results]}


def _marker_text(args: Sequence[object], kwargs: Mapping[str, object]) -> str:
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{MARKER}({', '.join(parts)})"


def _count_arg(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BudgetUsageError(f"{what} must be an int >= 0, not {value!r}")
    if value < 0:
        raise BudgetUsageError(f"{what} must be an int >= 0, not {value!r}")
    return value


def _check_selector(expr: str, table: SyscallTable, what: str) -> None:
    # imported here: the plugin loads this module in every pytest run (issue 12)
    from .errors import FilterError
    from .filters import selector as make_selector

    try:
        make_selector(expr, table)
    except FilterError as e:
        raise BudgetUsageError(f"{what}: {e}") from None


def parse_marker(args: Sequence[object], kwargs: Mapping[str, object],
                 table: SyscallTable) -> list[Limit]:
    """The limits one ``max_syscalls(...)`` marker sets; BudgetUsageError when it is wrong."""
    text = _marker_text(args, kwargs)
    kw = dict(kwargs)
    filt = kw.pop("filter", None)
    if len(args) > 1:
        raise BudgetUsageError(f"{text}: at most one positional argument (the limit), "
                               f"got {len(args)}")
    if not args and filt is not None:
        raise BudgetUsageError(f"{text}: filter= needs a limit, as in "
                               f"max_syscalls(20, filter={filt!r})")
    if not args and not kw:
        raise BudgetUsageError(f"{text}: no limit given")
    limits: list[Limit] = []
    if args:
        total = _count_arg(args[0], f"{text}: the limit")
        if filt is None:
            limits.append(Limit(None, total, "total", text))
        else:
            if not isinstance(filt, str) or not filt:
                raise BudgetUsageError(f"{text}: filter= must be a trace expression such "
                                       f"as '%file' or 'openat,read', not {filt!r}")
            _check_selector(filt, table, text)
            limits.append(Limit(filt, total, "filter", text))
    for name, value in kw.items():
        count = _count_arg(value, f"{text}: {name}=")
        _check_selector(name, table, text)
        limits.append(Limit(name, count, "syscall", text))
    return limits


def budget_from_markers(markers: Iterable[tuple[Sequence[object], Mapping[str, object]]],
                        table: SyscallTable) -> Budget | None:
    """One budget from every ``max_syscalls`` marker's (args, kwargs); None when none."""
    limits: list[Limit] = []
    for args, kwargs in markers:
        limits.extend(parse_marker(args, kwargs, table))
    order = {"total": 0, "filter": 1, "syscall": 2}
    limits.sort(key=lambda lim: order[lim.kind])  # stable: markers keep their order
    return Budget(tuple(limits)) if limits else None


def parse_tolerance(args: Sequence[object], kwargs: Mapping[str, object]) -> float:
    """The fraction a ``renacer_tolerance(0.1)`` marker allows."""
    kw = dict(kwargs)
    values = list(args)
    if "tolerance" in kw:
        values.append(kw.pop("tolerance"))
    text = f"{TOLERANCE_MARKER}({', '.join([repr(a) for a in args] + [f'{k}={v!r}' for k, v in kwargs.items()])})"  # noqa: E501
    if kw or len(values) != 1:
        raise BudgetUsageError(f"{text}: expected one fraction, as in "
                               f"renacer_tolerance(0.1) for 10%")
    return check_tolerance(values[0], text)


def check_tolerance(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BudgetUsageError(f"{what}: the tolerance is a number >= 0 (0.1 means 10%), "
                               f"not {value!r}")
    if value < 0 or value != value:
        raise BudgetUsageError(f"{what}: the tolerance is a number >= 0 (0.1 means 10%), "
                               f"not {value!r}")
    return float(value)
