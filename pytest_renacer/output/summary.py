"""strace's ``-c`` call summary: accumulated from the syscall records, printed as its table.

Like strace, a call is counted when it returns: a call the process died in (``exit_group``,
``execve`` of a thread that lost its tid, a call interrupted by ``SIGKILL``) is not.
Times are wall-clock time from the tracee's resumption at the entry stop to the exit stop
(strace's ``-w``); strace's default column is system CPU time.

The table is strace 6.1's ``call_summary_pers()`` (src/count.c) column for column: widths,
the blank ``errors`` cell for zero, ``usecs/call`` truncated, ties kept in syscall number
order (glibc's qsort is a stable merge sort there).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from ..tables import SyscallTable
from ..tracer.sink import IgnoringSink

_clock = time.monotonic_ns  # the engine's clock (a module attribute, for the tests)

__all__ = [
    "SORT_KEYS",
    "SummaryRow",
    "SummarySink",
    "format_summary",
    "parse_sortby",
    "rows_from_trace",
]

#: ``-S`` names (strace 6.1's column aliases) -> the key rows are sorted by.
SORT_KEYS: dict[str, str] = {
    "time": "time", "time_percent": "time", "time-percent": "time",
    "time_total": "time", "time-total": "time", "total_time": "time", "total-time": "time",
    "min_time": "min", "min-time": "min", "shortest": "min", "time_min": "min",
    "time-min": "min",
    "longest": "max", "max_time": "max", "max-time": "max", "time_max": "max",
    "time-max": "max",
    "avg_time": "avg", "avg-time": "avg", "time_avg": "avg", "time-avg": "avg",
    "calls": "calls", "count": "calls",
    "error": "errors", "errors": "errors",
    "name": "name", "syscall": "name", "syscall_name": "name", "syscall-name": "name",
    "none": "none", "nothing": "none",
}  # fmt: skip


def parse_sortby(value: str) -> str:
    """The sort key of a ``-S`` argument; ValueError (with strace's words) if unknown."""
    key = SORT_KEYS.get(value)
    if key is None:
        raise ValueError(f"invalid sortby: '{value}'")
    return key


class SummaryRow(NamedTuple):
    """One syscall's totals; times in nanoseconds."""

    nr: int
    name: str
    calls: int
    errors: int
    total_ns: int
    min_ns: int
    max_ns: int

    @property
    def avg_ns(self) -> int:
        return self.total_ns // self.calls if self.calls else 0


class SummarySink(IgnoringSink):
    """An engine sink that keeps one counter row per syscall number: memory stays flat."""

    #: counts and times only: the engine need not read the calls' argument memory for it
    wants_arguments = False

    def __init__(self, table: SyscallTable) -> None:
        self.table = table
        # nr -> [calls, errors, total_ns, min_ns, max_ns]
        self._acc: dict[int, list[int]] = {}

    def syscall_entry(self, pid: int, tid: int, nr: int, args: tuple[int, ...], t: int,
                      captured: dict[Any, object] | None) -> int:
        # As strace, time a call from the moment the tracee is resumed (the tracer's own
        # work at the entry stop is not the call's): this sink comes last.
        return _clock()

    def syscall_exit(self, token: int, pid: int, tid: int, nr: int, retval: int,
                     failed: bool, t: int, captured: dict[Any, object] | None) -> None:
        self.add(nr, failed, max(t - token, 0))

    def add(self, nr: int, failed: bool, ns: int) -> None:
        a = self._acc.get(nr)
        if a is None:
            self._acc[nr] = [1, int(failed), ns, ns, ns]
            return
        a[0] += 1
        if failed:
            a[1] += 1
        a[2] += ns
        if ns < a[3]:
            a[3] = ns
        if ns > a[4]:
            a[4] = ns

    @property
    def summary_counts(self) -> tuple[None, Callable[[dict[int, tuple[int, ...]]], None]]:
        """For the compiled engine core, when this sink is the only one its syscall
        records go to (tracer/engine.py's ``summary``): count every syscall, and hand the
        totals to :meth:`merge` at the end.  The core then counts each returned call
        itself, timed as :meth:`syscall_entry`/:meth:`syscall_exit` do, with no Python
        call per stop."""
        return None, self.merge

    def merge(self, counts: dict[int, tuple[int, ...]]) -> None:
        """Add ``{nr: (calls, errors, total_ns, min_ns, max_ns)}`` to the rows."""
        for nr, (calls, errors, total, low, high) in counts.items():
            a = self._acc.get(nr)
            if a is None:
                self._acc[nr] = [calls, errors, total, low, high]
                continue
            a[0] += calls
            a[1] += errors
            a[2] += total
            a[3] = min(a[3], low)
            a[4] = max(a[4], high)

    def rows(self) -> list[SummaryRow]:
        """The rows, in syscall number order."""
        name = self.table.name
        return [SummaryRow(nr, name(nr), *a) for nr, a in sorted(self._acc.items())]


def rows_from_trace(events: Iterable[Any], table: SyscallTable) -> list[SummaryRow]:
    """The summary rows of recorded events (:class:`~pytest_renacer.model.SyscallEvent`)."""
    sink = SummarySink(table)
    for ev in events:
        duration = ev.duration
        if duration is None or not ev.finished:
            continue
        sink.add(ev.nr, ev.failed, round(duration * 1e9))
    return sink.rows()


# -S KEY: the column rows are ordered by (ties keep syscall-number order)
_SORT_KEYS: dict[str, Callable[[SummaryRow], Any]] = {
    "time": lambda r: -r.total_ns, "min": lambda r: -r.min_ns, "max": lambda r: -r.max_ns,
    "avg": lambda r: -r.avg_ns, "calls": lambda r: -r.calls, "errors": lambda r: -r.errors,
    "name": lambda r: r.name,
}


def _sort(rows: Sequence[SummaryRow], key: str) -> list[SummaryRow]:
    ordered = sorted(rows, key=lambda r: r.nr)
    by = _SORT_KEYS.get(key)
    if by is not None:
        ordered.sort(key=by)
    return ordered


def _secs(ns: int) -> float:
    return ns // 1_000_000_000 + (ns % 1_000_000_000) / 1e9


def format_summary(rows: Sequence[SummaryRow], sortby: str = "time") -> str:
    """strace -c's table (with its trailing newline); "" when no call was counted."""
    rows = [r for r in rows if r.calls]
    if not rows:
        return ""
    key = SORT_KEYS.get(sortby, sortby)
    total_ns = sum(r.total_ns for r in rows)
    calls = sum(r.calls for r in rows)
    errors = sum(r.errors for r in rows)
    total = _secs(total_ns)
    avg_max = max(_secs(r.avg_ns) for r in rows)
    w_pct = 6
    w_sec = max(11, len(f"{total:.6f}"))
    w_avg = max(11, len(str(int(avg_max * 1e6))))
    w_calls = max(9, len(str(calls)))
    w_err = max(9, len(str(errors)))
    w_name = max(16, max(len(r.name) for r in rows) + 1)

    def line(pct: str, sec: str, avg: str, n: str, err: str, name: str) -> str:
        return (f"{pct:>{w_pct}} {sec:>{w_sec}} {avg:>{w_avg}} {n:>{w_calls}} "
                f"{err:>{w_err}} {name}\n")

    dashes = line("-" * w_pct, "-" * w_sec, "-" * w_avg, "-" * w_calls, "-" * w_err,
                  "-" * w_name)
    out = [line("% time", "seconds", "usecs/call", "calls", "errors", "syscall"), dashes]
    for r in _sort(rows, key):
        secs = _secs(r.total_ns)
        pct = 100.0 * secs
        if pct != 0.0:
            pct /= total
        out.append(line(f"{pct:.2f}", f"{secs:.6f}", str(int(_secs(r.avg_ns) * 1e6)),
                        str(r.calls), str(r.errors) if r.errors else "", r.name))
    out.append(dashes)
    out.append(line("100.00", f"{total:.6f}", str(int(total / calls * 1e6)), str(calls),
                    str(errors) if errors else "", "total"))
    return "".join(out)
