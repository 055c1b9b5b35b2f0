"""The ``renacer`` report section of a failing traced test (traces are built by hand)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pytest_renacer.budget import Budget, Limit
from pytest_renacer.model import Frame, Trace, TraceRecorder
from pytest_renacer.reporting import SCAN, TracedEvents, frame_text, section_text, short_path
from pytest_renacer.tables import table_for

TABLE = table_for()
ROOT = Path("/src/project")


def make_trace(calls: Sequence[tuple[str, int]], *, mode: str = "full",
               pids: Sequence[int] = (100,)) -> Trace:
    """A trace of (syscall, fd) calls by ``pids`` in turn, built as the engine would."""
    rec = TraceRecorder(TABLE, mode=mode)
    for pid in pids:
        rec.task_started(pid, pid, 1, ["prog"], 0)
    for i, (name, fd) in enumerate(calls):
        pid = pids[i % len(pids)]
        nr = TABLE.by_name[name].nr
        token = rec.syscall_entry(pid, pid, nr, (fd, 0, 0, 0, 0, 0), i, None)
        rec.syscall_exit(token, pid, pid, nr, -9 if fd < 0 else 0, fd < 0, i, None)
    for pid in pids:
        rec.task_exited(pid, pid, 0, len(calls))
    return rec.build(argv=["prog"], returncode=0)


def section(traces: Sequence[Trace], *, limits: Sequence[Limit] = (),
            body: str | None = None) -> str:
    verdict = Budget(tuple(limits)).check(traces) if limits else None
    return section_text(reasons=[], traces=traces, labels=[f"t{i}" for i in range(len(traces))],
                        verdict=verdict, comparison=None,
                        artifact=None, artifact_hint="none", roots=[ROOT], body=body)


def frame(line: int, file: str = "/src/project/test_x.py") -> Frame:
    return Frame(file, line, "test_x", None, 0)


def test_paths_are_shown_relative_to_the_first_root_they_lie_under():
    assert short_path("/src/project/pkg/a.py", [Path("/elsewhere"), ROOT]) == "pkg/a.py"
    assert short_path("/usr/lib/python3/os.py", [ROOT]) == "/usr/lib/python3/os.py"
    assert short_path("relative/b.py", [ROOT]) == "relative/b.py"
    assert frame_text(Frame(None, None, "memcpy", "libc.so.6", 0x10), [ROOT]) == (
        "libc.so.6 in memcpy")
    assert frame_text(Frame(None, None, None, None, 0x10), [ROOT]) == "??"


def test_budget_table_and_the_offending_events_of_the_broken_limit():
    t = make_trace([("close", 3), ("read", 3), ("close", 4)])
    text = section([t], limits=[Limit("close", 1, "syscall", "max_syscalls(close=1)"),
                                Limit(None, 10, "total", "max_syscalls(10)")])
    lines = text.splitlines()
    assert lines[0] == "budget (max_syscalls):"
    assert lines[1].split() == ["close", "2", ">", "1", "EXCEEDED", "from",
                                "max_syscalls(close=1)"]
    assert lines[2].split() == ["syscalls", "3", "<=", "10", "ok", "from", "max_syscalls(10)"]
    assert "top syscalls of 1 trace, 3 calls:" in lines
    assert "  t0: 3 syscalls (full, exit 0)" in lines
    i = lines.index("offending events: close, 2 calls:")
    assert lines[i + 1:i + 3] == ["  close(3) = 0", "  close(4) = 0"]
    assert text.endswith("JSON artifact: none")


def test_repeated_events_are_folded_and_the_list_is_cut_after_ten():
    calls = [("close", 3)] * 4 + [("close", fd) for fd in range(10, 25)]
    text = section([make_trace(calls)], limits=[Limit("close", 0, "syscall", "m")])
    lines = text.splitlines()
    start = lines.index("offending events: close, 19 calls:")
    shown = lines[start + 1:]
    assert shown[:3] == ["  close(3) = 0", "      ... and 3 more like it", "  close(10) = 0"]
    assert shown[11] == "  ..."  # ten distinct events, then the cut
    assert shown[10] == "  close(18) = 0" and not any("close(19)" in s for s in shown)


def test_a_trailing_run_of_repeats_is_counted_too():
    text = section([make_trace([("close", 3)] * 3)], limits=[Limit("close", 0, "syscall", "m")])
    assert "  close(3) = 0\n      ... and 2 more like it\n" in text


def test_python_source_lines_and_the_by_source_table():
    t = make_trace([("close", 3), ("close", 4), ("close", 5)])
    for row, line in enumerate((7, 7, 9)):  # as the Python frames read at the stops give
        t.events[row]._store.stacks[row] = (frame(line),)
    text = section([t], limits=[Limit("close", 0, "syscall", "m")], body="in place")
    assert "top syscalls of the test body (in place), 3 calls:" in text
    assert "traces:" not in text  # one body: nothing to list
    assert "  close(3) = 0\n      at test_x.py:7 in test_x\n" in text
    assert ("  by source line:\n"
            "         2  test_x.py:7 in test_x\n"
            "         1  test_x.py:9 in test_x") in text


def test_a_symbolizer_that_fails_costs_the_source_line_only():
    rec = TraceRecorder(TABLE)
    rec.task_started(100, 100, 1, ["prog"], 0)
    nr = TABLE.by_name["close"].nr
    token = rec.syscall_entry(100, 100, nr, (3, 0, 0, 0, 0, 0), 0, {"pcs": (0, 0x1000)})
    rec.syscall_exit(token, 100, 100, nr, 0, False, 1, None)
    t = rec.build(argv=["prog"], returncode=0)

    def broken(pid: int, pcs: tuple[int, ...]) -> tuple[Frame, ...]:
        raise RuntimeError("unreadable DWARF")

    t.events[0]._store.symbolizer = broken
    assert TracedEvents([t]).source(t.events[0]) is None
    text = section([t], limits=[Limit("close", 0, "syscall", "m")])
    assert "  close(3) = 0\n" in text and " at " not in text  # the report is still made


def test_events_of_several_processes_carry_their_pid():
    t = make_trace([("close", 3), ("close", 4)], pids=(100, 101))
    text = section([t], limits=[Limit("close", 0, "syscall", "m")])
    assert "  [pid 100] close(3) = 0\n  [pid 101] close(4) = 0\n" in text


def test_failed_calls_count_only_traces_and_other_syscalls():
    names = ["close", "read", "write", "openat", "dup", "dup2", "pipe", "lseek", "fstat",
             "getpid", "getuid", "brk"]
    calls = [(n, -1 if n == "close" else 3) for n in names]
    t = make_trace(calls, mode="count")
    text = section([t], limits=[Limit(None, 5, "total", "max_syscalls(5)")])
    lines = [line.split() for line in text.splitlines()]
    assert ["close", "1", "(1", "failed)"] in lines and ["read", "1"] in lines
    assert ["...", "2", "in", "2", "other", "syscalls"] in lines  # the top ten, then the rest
    assert "offending events: syscalls, 12 calls (count-only trace: no arguments):" in text


def test_a_limit_nothing_matched_lists_no_events_and_an_empty_trace_says_so():
    empty = make_trace([])
    text = section([empty, empty], limits=[Limit("close", -1, "syscall", "m")])
    assert "top syscalls of 2 traces, 0 calls:\n  (no syscalls recorded)" in text
    assert "offending events" not in text


def test_matching_counts_past_the_events_it_keeps():
    t = make_trace([("close", 3)] * (SCAN + 7))
    total, first = TracedEvents([t]).matching(None)
    assert (total, len(first)) == (SCAN + 7, SCAN)
    total, first = TracedEvents([t]).matching("close")
    assert (total, len(first)) == (SCAN + 7, SCAN)
