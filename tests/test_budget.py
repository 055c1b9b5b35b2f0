"""max_syscalls budgets: marker parsing and checking (no tracing: traces are built by hand)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from pytest_renacer.budget import (
    Budget,
    BudgetUsageError,
    Limit,
    budget_from_markers,
    check_tolerance,
    parse_marker,
    parse_tolerance,
)
from pytest_renacer.model import Trace, TraceRecorder
from pytest_renacer.tables import table_for

TABLE = table_for()


def make_trace(names: Sequence[str]) -> Trace:
    """A trace of the given syscalls, built through the recorder as the engine would."""
    rec = TraceRecorder(TABLE)
    rec.task_started(100, 100, 1, ["prog"], 0)
    for i, name in enumerate(names):
        nr = TABLE.by_name[name].nr
        token = rec.syscall_entry(100, 100, nr, (0,) * 6, i, None)
        rec.syscall_exit(token, 100, 100, nr, 0, False, i, None)
    rec.task_exited(100, 100, 0, len(names))
    return rec.build(argv=["prog"], returncode=0)


def test_total_limit() -> None:
    [lim] = parse_marker((120,), {}, TABLE)
    assert lim == Limit(None, 120, "total", "max_syscalls(120)")
    assert lim.describe(187) == "187 syscalls > limit 120"


def test_per_syscall_limits() -> None:
    limits = parse_marker((), {"openat": 3, "connect": 0}, TABLE)
    assert [(x.selector, x.limit, x.kind) for x in limits] == [
        ("openat", 3, "syscall"), ("connect", 0, "syscall")]
    assert limits[0].describe(64) == "openat 64 > 3"


def test_filter_limit() -> None:
    [lim] = parse_marker((20,), {"filter": "%file"}, TABLE)
    assert (lim.selector, lim.kind) == ("%file", "filter")
    assert lim.describe(25) == "25 %file syscalls > limit 20"


def test_limit_and_per_syscall_in_one_marker() -> None:
    limits = parse_marker((10,), {"filter": "%desc", "write": 2}, TABLE)
    assert [x.kind for x in limits] == ["filter", "syscall"]


@pytest.mark.parametrize(("args", "kwargs", "message"), [
    ((), {}, "no limit given"),
    ((1, 2), {}, "at most one positional argument"),
    (("ten",), {}, "the limit must be an int >= 0, not 'ten'"),
    ((True,), {}, "the limit must be an int >= 0, not True"),
    ((-1,), {}, "the limit must be an int >= 0, not -1"),
    ((1.5,), {}, "the limit must be an int >= 0, not 1.5"),
    ((), {"filter": "%file"}, "filter= needs a limit, as in max_syscalls(20, filter='%file')"),
    ((3,), {"filter": ""}, "filter= must be a trace expression"),
    ((3,), {"filter": 7}, "filter= must be a trace expression"),
    ((3,), {"filter": "%bogus"}, "invalid system call '%bogus'"),
    ((), {"opennat": 1}, "did you mean 'openat'?"),
    ((), {"openat": -2}, "openat= must be an int >= 0, not -2"),
    ((), {"openat": "3"}, "openat= must be an int >= 0, not '3'"),
])
def test_wrong_arguments(args: tuple[object, ...], kwargs: dict[str, object],
                         message: str) -> None:
    with pytest.raises(BudgetUsageError) as info:
        parse_marker(args, kwargs, TABLE)
    assert message in str(info.value)
    assert str(info.value).startswith("max_syscalls(")


def test_budget_from_markers_orders_totals_first() -> None:
    budget = budget_from_markers([((), {"openat": 3}), ((120,), {}),
                                  ((20,), {"filter": "%file"})], TABLE)
    assert budget is not None
    assert [x.kind for x in budget.limits] == ["total", "filter", "syscall"]
    assert budget_from_markers([], TABLE) is None


def test_trace_filter_covers_the_budgeted_syscalls() -> None:
    budget = budget_from_markers([((), {"openat": 3, "connect": 0}),
                                  ((2,), {"filter": "%network"})], TABLE)
    assert budget is not None
    assert budget.trace_filter() == ["%network", "connect", "openat"]
    with_total = budget_from_markers([((5,), {}), ((), {"openat": 1})], TABLE)
    assert with_total is not None and with_total.trace_filter() is None


def test_check_and_reason() -> None:
    budget = budget_from_markers([((120,), {}), ((), {"openat": 3, "connect": 0})], TABLE)
    assert budget is not None
    traces = [make_trace(["openat"] * 64 + ["read"] * 100), make_trace(["close"] * 23)]
    verdict = budget.check(traces)
    assert not verdict.ok
    assert verdict.reason == "max_syscalls: 187 syscalls > limit 120; openat 64 > 3"
    assert [(r.count, r.ok) for r in verdict.results] == [(187, False), (64, False), (0, True)]
    assert verdict.to_json()["limits"][2] == {
        "selector": "connect", "limit": 0, "kind": "syscall",
        "marker": "max_syscalls(openat=3, connect=0)", "count": 0, "ok": True}
    ok = budget.check([make_trace(["openat"] * 3)])
    assert ok.ok and ok.reason == "" and ok.broken == []


def test_check_classes_and_expressions() -> None:
    budget = Budget((Limit("%file", 1, "filter", "m"), Limit("/^open", 1, "syscall", "m")))
    verdict = budget.check([make_trace(["openat", "openat", "read", "close"])])
    assert verdict.reason == "max_syscalls: 2 %file syscalls > limit 1; /^open 2 > 1"


def test_tolerance_marker() -> None:
    assert parse_tolerance((0.25,), {}) == 0.25
    assert parse_tolerance((), {"tolerance": 1}) == 1.0
    for args, kwargs in [((), {}), ((0.1, 0.2), {}), ((-0.1,), {}), (("x",), {}),
                         ((0.1,), {"other": 1})]:
        with pytest.raises(BudgetUsageError, match=r"renacer_tolerance\("):
            parse_tolerance(args, kwargs)
    with pytest.raises(BudgetUsageError):
        check_tolerance(float("nan"), "x")
