"""The -c summary table: strace 6.1's layout, byte for byte, and its sort orders."""

from __future__ import annotations

import pytest

from pytest_renacer.output.summary import (
    SORT_KEYS,
    SummaryRow,
    SummarySink,
    format_summary,
    parse_sortby,
    rows_from_trace,
)
from pytest_renacer.tables import table_for

TABLE = table_for("x86_64")

# `strace -c -S name -- ls -la /` (strace 6.1), copied verbatim.
STRACE_TABLE = """\
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
  0.29    0.000007           3         2         2 access
  0.21    0.000005           5         1           arch_prctl
  0.54    0.000013           4         3           brk
  7.84    0.000189           6        31           close
  2.45    0.000059          14         4         4 connect
  0.00    0.000000           0         1           execve
  0.25    0.000006           6         1           futex
  1.62    0.000039          19         2           getdents64
  0.25    0.000006           6         1           getrandom
 13.20    0.000318           7        45        45 getxattr
  0.37    0.000009           4         2         2 ioctl
  9.54    0.000230           7        29        29 lgetxattr
  0.79    0.000019           6         3           lseek
 12.74    0.000307          10        30           mmap
  2.74    0.000066          13         5           mprotect
  0.87    0.000021          21         1           munmap
  6.68    0.000161           5        31           newfstatat
 19.17    0.000462          10        44        19 openat
  0.50    0.000012           6         2           pread64
  0.21    0.000005           5         1           prlimit64
  4.15    0.000100           7        13           read
  1.20    0.000029           7         4           readlink
  0.17    0.000004           4         1           rseq
  0.21    0.000005           5         1           set_robust_list
  0.21    0.000005           5         1           set_tid_address
  2.24    0.000054          13         4           socket
  1.12    0.000027          13         2         2 statfs
 10.25    0.000247           8        29           statx
  0.21    0.000005           5         1           write
------ ----------- ----------- --------- --------- ----------------
100.00    0.002410           8       295       103 total
"""


def _rows_of(table_text: str) -> list[SummaryRow]:
    rows = []
    for line in table_text.splitlines()[2:-2]:
        parts = line.split()
        name = parts[-1]
        calls = int(parts[3])
        errors = int(parts[4]) if len(parts) == 6 else 0
        ns = round(float(parts[1]) * 1e9)
        nr = TABLE.by_name[name].nr
        rows.append(SummaryRow(nr, name, calls, errors, ns, ns // calls, ns // calls))
    return rows


def test_table_is_strace_byte_for_byte():
    rows = _rows_of(STRACE_TABLE)
    assert len(rows) == 29
    assert format_summary(rows, "name") == STRACE_TABLE


def test_default_order_is_time_then_syscall_number():
    rows = _rows_of(STRACE_TABLE)
    out = format_summary(rows).splitlines()
    names = [line.split()[-1] for line in out[2:-2]]
    assert names[:3] == ["openat", "getxattr", "mmap"]
    # equal times keep syscall number order: write(1) < arch_prctl(158) < ... < prlimit64
    fives = [n for n in names if n in ("write", "arch_prctl", "set_tid_address",
                                       "set_robust_list", "prlimit64")]
    assert fives == sorted(fives, key=lambda n: TABLE.by_name[n].nr)
    assert out[-1] == "100.00    0.002410           8       295       103 total"


@pytest.mark.parametrize(("sortby", "first"), [
    ("calls", "getxattr"), ("count", "getxattr"), ("errors", "getxattr"),
    ("name", "access"), ("syscall", "access"), ("avg_time", "munmap"),
    ("max_time", "munmap"), ("min_time", "munmap"), ("nothing", "read"),
    ("time", "openat"),
])
def test_sort_keys(sortby, first):
    out = format_summary(_rows_of(STRACE_TABLE), sortby).splitlines()
    assert out[2].split()[-1] == first


def test_parse_sortby():
    assert parse_sortby("avg-time") == "avg"
    assert set(SORT_KEYS.values()) == {"time", "min", "max", "avg", "calls", "errors",
                                       "name", "none"}
    with pytest.raises(ValueError, match="invalid sortby: 'bogus'"):
        parse_sortby("bogus")


def test_columns_widen_and_zero_errors_are_blank():
    long_name = SummaryRow(TABLE.by_name["sched_get_priority_max"].nr,
                           "sched_get_priority_max", 12_345_678_901, 0, 12 * 10**9 + 5,
                           0, 1)
    out = format_summary([long_name]).splitlines()
    assert out[0] == ("% time     seconds  usecs/call       calls    errors syscall")
    assert out[1].split() == ["------", "-----------", "-----------", "-----------",
                              "---------", "-----------------------"]
    row = out[2]
    assert row.endswith("12345678901           sched_get_priority_max")
    assert "12.000000" in row
    assert out[-1].endswith("12345678901           total")


def test_no_calls_no_table():
    assert format_summary([]) == ""
    assert format_summary([SummaryRow(0, "read", 0, 0, 0, 0, 0)]) == ""


def test_sink_counts_returned_calls_only(monkeypatch):
    from pytest_renacer.output import summary

    resumed = iter([1_000, 5_000, 7_000])
    monkeypatch.setattr(summary, "_clock", lambda: next(resumed))
    sink = SummarySink(TABLE)
    read, close = TABLE.by_name["read"].nr, TABLE.by_name["close"].nr
    tok = sink.syscall_entry(1, 1, read, (0,) * 6, 1_000, None)
    sink.syscall_exit(tok, 1, 1, read, -9, True, 4_000, None)
    tok = sink.syscall_entry(1, 1, read, (0,) * 6, 5_000, None)
    sink.syscall_exit(tok, 1, 1, read, 10, False, 6_000, None)
    sink.syscall_entry(1, 1, close, (3,) + (0,) * 5, 7_000, None)  # never returns
    sink.task_exited(1, 1, 0, 8_000)
    (row,) = sink.rows()
    assert row == SummaryRow(read, "read", 2, 1, 4_000, 1_000, 3_000)
    assert row.avg_ns == 2_000


class _Ev:
    def __init__(self, nr, failed, duration, finished=True):
        self.nr, self.failed, self.duration, self.finished = nr, failed, duration, finished


def test_rows_from_recorded_events():
    nr = TABLE.by_name["openat"].nr
    rows = rows_from_trace([_Ev(nr, True, 2e-6), _Ev(nr, False, 1e-6),
                            _Ev(TABLE.by_name["exit_group"].nr, False, None, False)], TABLE)
    assert rows == [SummaryRow(nr, "openat", 2, 1, 3_000, 1_000, 2_000)]
