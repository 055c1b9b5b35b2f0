"""The compiled engine core (tracer/_core.c) against the pure-Python engine, its reference:
the same workloads traced by both, compared event by event."""

from __future__ import annotations

import os
import platform
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import pytest_renacer as rn
from pytest_renacer.tracer.engine import PURE_PYTHON_ENV, load_core

pytestmark = pytest.mark.skipif(load_core() is None, reason="the compiled core is not built")

# Addresses (ASLR), pids and random bytes differ from one run to the next.
_ADDR = re.compile(r"0x[0-9a-f]{5,}")
# Calls whose results are the machine's state at that instant: compared by name.
_VARYING = frozenset({"getrandom", "sysinfo", "clock_gettime", "clock_nanosleep", "nanosleep"})
# arm64's libraries are aligned to 64 KiB: ld.so maps each with room to spare and trims
# the rest with munmap calls whose number and lengths depend on where ASLR put the mapping;
# setarch -R (_no_aslr) turns ASLR off for what it runs, not for its own start-up.
_ASLR_DEPENDENT = frozenset({"munmap"} if platform.machine() == "aarch64" else ())
_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "PYTHONHASHSEED": "0"}


def _ids(t: rn.Trace) -> list[int]:
    return [n for ev in t.events for n in (ev.pid, ev.tid)] + list(t.processes)


def _normalized(t: rn.Trace, ordered: bool = True,
                pids: frozenset[int] = frozenset()) -> list[tuple[str, ...]]:
    """Each thread's events as text, sorted (threads interleave differently from run to
    run; each one's own order must match), each line led by its thread numbered by first
    appearance; in the text a number that is a pid or tid of either run (``pids``) reads
    "PID" (a file of 198 bytes listed by a run whose pid was 198 read "<0>" in that run
    only).  Not ``ordered`` (processes that wait for whichever child ends first, so that
    which child a call names or reaps varies): each thread's calls as a multiset of
    names and errors."""
    ids: dict[int, str] = {}
    for n in _ids(t):
        ids.setdefault(n, f"<{len(ids)}>" if ordered else "<id>")
    masked = pids | ids.keys()
    pattern = re.compile(r"\b(" + "|".join(map(str, sorted(masked, reverse=True))) + r")\b")

    def line(ev: Any) -> str:
        if not ordered:
            return ev.name  # type: ignore[no-any-return]
        text = ev.name if ev.name in _VARYING else str(ev)
        return f"{ids[ev.tid]} " + pattern.sub("PID", _ADDR.sub("0x?", text))

    per_tid: dict[int, list[str]] = {}
    for ev in t.events:
        if not ordered and ev.errno == "ERESTARTNOINTR":
            continue  # a fork interrupted by a SIGCHLD, or not
        if ev.name in _ASLR_DEPENDENT:
            continue
        per_tid.setdefault(ev.tid, []).append(line(ev))
    return sorted(tuple(v if ordered else sorted(v)) for v in per_tid.values())


class _Event:
    """What _normalized reads of an event."""

    def __init__(self, pid: int, text: str) -> None:
        self.pid = self.tid = pid
        self.name = text.split("(")[0]
        self.errno = None
        self.text = text

    def __str__(self) -> str:
        return self.text


def test_a_number_equal_to_a_pid_of_the_other_run_is_no_difference() -> None:
    """The arm64 guest's core run of `ls -l` had pid 198, the size of a file it listed:
    the same statx line read "<0>" in that run and "198" in the other."""
    line = 'statx(AT_FDCWD, "src_dllib.c", {stx_size=198, ...}) = 0'
    # stand-ins for the two Traces: only events and processes are read
    pure: Any = SimpleNamespace(events=[_Event(200, line)], processes={200: None})
    core: Any = SimpleNamespace(events=[_Event(198, line)], processes={198: None})
    pids = frozenset(_ids(pure) + _ids(core))
    assert _normalized(core, True, pids) == _normalized(pure, True, pids) == [
        ('<0> statx(AT_FDCWD, "src_dllib.c", {stx_size=PID, ...}) = 0',)]
    other: Any = SimpleNamespace(events=[_Event(198, line.replace("198", "199"))],
                                 processes={198: None})
    assert _normalized(other, True, pids) != _normalized(pure, True, pids)


@pytest.fixture
def both(monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[rn.Trace, rn.Trace]]:
    def run(argv: list[str], **kw: Any) -> tuple[rn.Trace, rn.Trace]:
        with monkeypatch.context() as m:
            m.setenv(PURE_PYTHON_ENV, "1")
            pure = rn.trace(argv, env=_ENV, **kw)
        core = rn.trace(argv, env=_ENV, **kw)
        return pure, core
    return run


def _same(pure: rn.Trace, core: rn.Trace, ordered: bool = True) -> None:
    assert core.returncode == pure.returncode
    assert core.mode == pure.mode
    pids = frozenset(_ids(core) + _ids(pure))
    assert _normalized(core, ordered, pids) == _normalized(pure, ordered, pids)
    assert sorted((p.argv, p.returncode) for p in core.processes.values()) == sorted(
        (p.argv, p.returncode) for p in pure.processes.values())
    signals = [[(s.signo, s.siginfo[:12]) for s in t.signals] for t in (pure, core)]
    if not ordered:  # SIGCHLDs from children ending together coalesce, or do not
        signals = [sorted(set(s)) for s in signals]
    assert signals[0] == signals[1]


def _no_aslr(argv: list[str]) -> list[str]:
    setarch = shutil.which("setarch")
    return [setarch, platform.machine(), "-R", *argv] if setarch else argv


WORKLOADS: dict[str, Callable[[Callable[..., str]], list[str]]] = {
    # a folder nothing changes while the suite runs (`ls -la /` listed /tmp, whose size and
    # time other workers change between the two runs: seen in the arm64 guest's tmpfs)
    "ls": lambda build: ["ls", "-l", str(Path(__file__).parent / "programs")],
    "write_loop": lambda build: [build("write_loop"), "300"],
    "signals": lambda build: [build("signals")],
    "opens": lambda build: [build("opens")],
    "python": lambda build: [sys.executable, "-S", "-c", "import json, csv; print(1)"],
}


@pytest.mark.parametrize("workload", sorted(WORKLOADS))
@pytest.mark.parametrize("mode", ["full", "filtered", "count"])
def test_core_and_python_engines_trace_the_same(both, build, workload, mode):
    argv = _no_aslr(WORKLOADS[workload](build))
    kw: dict[str, Any] = {"full": {}, "filtered": {"filter": "openat,execve,write,clone"},
                          "count": {"count_only": True}}[mode]
    pure, core = both(argv, **kw)
    assert len(pure.events) > 0
    _same(pure, core)


def test_threads_trace_the_same(both, build):
    pure, core = both([build("threads"), "4", "200"])
    # how often the threads meet on a futex depends on the timing (and arm64's ld.so
    # munmaps on ASLR: this run is not under setarch -R)
    def calls(t: rn.Trace) -> dict[str, int]:
        return {k: n for k, n in t.names().items()
                if k != "futex" and k not in _ASLR_DEPENDENT}

    assert calls(pure) == calls(core)
    assert len(core.filter("getppid")) == 800


def test_processes_trace_the_same(both, build):
    """fork_tree: which child a wait4 reaps first, and whether a clone is restarted by a
    SIGCHLD, vary from run to run; each process's own calls must match."""
    pure, core = both([build("fork_tree")])
    _same(pure, core, ordered=False)


def test_strsize_and_fd_paths_the_same(both, build):
    argv = _no_aslr(["cat", "/etc/hostname", "/nonexistent"])
    for kw in ({"strsize": 4}, {"strsize": 0}, {"fd_paths": True}):
        pure, core = both(argv, **kw)
        _same(pure, core)


def test_a_traced_callable_is_recorded_between_its_markers():
    """api.call: the core asks the engine's gate until the start marker, and mutes the
    callable's process after the end marker, as the Python loop does."""
    from pytest_renacer import api

    def body() -> int:
        os.close(os.open("/dev/null", os.O_RDONLY))
        return 7

    r = api.call(body)
    assert r.result == 7  # type: ignore[attr-defined]
    names = [ev.name for ev in r.events]
    assert names.count("openat") == 1
    assert "ioctl" not in names  # the markers


@pytest.fixture
def pure_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(PURE_PYTHON_ENV, "1")
    yield


def test_the_environment_variable_forces_the_python_engine(pure_env):
    assert load_core() is None
    from pytest_renacer.tracer import Engine
    from pytest_renacer.tracer.sink import IgnoringSink

    assert not Engine(IgnoringSink()).compiled


def test_many_processes_come_and_go():
    """Hundreds of short-lived tasks: the core's task table grows and reuses its slots."""
    script = "i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i+1)); done"
    t = rn.trace(["sh", "-c", script], count_only=True)
    assert t.returncode == 0
    assert len(t.processes) == 301
    assert t.count("execve") == 301


def _summary_counts(text: str) -> dict[str, tuple[int, int]]:
    """{syscall: (calls, errors)} of a ``-c`` table (its rows, then the total's)."""
    lines = text.splitlines()
    out: dict[str, tuple[int, int]] = {}
    for ln in lines[2:-2] + lines[-1:]:
        cells = ln.split()
        errors = int(cells[4]) if len(cells) == 6 else 0
        out[cells[-1]] = (int(cells[3]), errors)
    return out


def _cli_summary(monkeypatch: pytest.MonkeyPatch, tmp_path: Any, pure: bool,
                 *args: str) -> dict[str, tuple[int, int]]:
    from pytest_renacer import cli

    log = tmp_path / f"summary-{int(pure)}"
    with monkeypatch.context() as m:
        if pure:
            m.setenv(PURE_PYTHON_ENV, "1")
        assert cli.main(["-c", "-o", str(log), *args]) in (0, 7)
    return _summary_counts(log.read_text())


# calls whose count depends on the timing (threads meeting on a futex, a wait4 asked
# before or after the child ended, a call restarted after a signal), and the totals and
# arm64's ASLR-dependent munmaps they include (these runs are not under setarch -R)
_TIMING = frozenset({"futex", "wait4", "restart_syscall", "rt_sigreturn", "total"}
                    | _ASLR_DEPENDENT)


@pytest.mark.parametrize("args", [
    ("{write_loop}", "500"),
    ("-f", "{cli_forks}"),
    ("-f", "-e", "trace=write,openat", "{cli_forks}"),
    ("-f", "{exec_thread}"),
], ids=["loop", "forks", "filtered", "exec_thread"])
def test_the_core_counts_the_summary_as_the_python_engine(build, monkeypatch, tmp_path, args):
    """-c alone: the core counts the calls itself (no Python call per stop); same rows."""
    argv = [build(a[1:-1]) if a.startswith("{") else a for a in args]
    monkeypatch.chdir(tmp_path)
    from pytest_renacer.output.summary import SummarySink

    sink_calls: list[int] = []
    python_exit = SummarySink.syscall_exit
    monkeypatch.setattr(SummarySink, "syscall_exit",
                        lambda self, *a: sink_calls.append(1) or python_exit(self, *a))
    pure = _cli_summary(monkeypatch, tmp_path, True, *argv)
    assert sink_calls
    sink_calls.clear()
    core = _cli_summary(monkeypatch, tmp_path, False, *argv)
    assert not sink_calls  # counted in C
    assert pure and {k: v for k, v in core.items() if k not in _TIMING} == {
        k: v for k, v in pure.items() if k not in _TIMING}
    if args[-1] == "500":
        assert core["write"] == (500, 0) and "exit_group" not in core


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_the_core_summary_counts_as_strace(build, monkeypatch, tmp_path):
    import subprocess

    prog = build("cli_forks")
    monkeypatch.chdir(tmp_path)
    core = _cli_summary(monkeypatch, tmp_path, False, "-f", prog)
    log = tmp_path / "strace-c"
    with open(tmp_path / "out", "w") as out:  # a file, as pytest's captured stdout is
        subprocess.run(["strace", "-f", "-c", "-o", str(log), prog], check=False, stdout=out)
    theirs = _summary_counts(log.read_text())
    assert {k: v for k, v in core.items() if k not in _TIMING} == {
        k: v for k, v in theirs.items() if k not in _TIMING}


def test_the_core_summary_sink_merges_into_python_counts():
    """A number the core does not count (past its table) reaches the sink the usual way;
    merge adds the core's totals to those."""
    from pytest_renacer.output.summary import SummaryRow, SummarySink
    from pytest_renacer.tables import table_for

    sink = SummarySink(table_for())
    sink.add(0, True, 5)
    sink.merge({0: (2, 0, 30, 10, 20), 1: (1, 1, 7, 7, 7)})
    rows = sink.rows()
    assert rows[0][2:] == (3, 1, 35, 5, 20)
    assert rows[1] == SummaryRow(1, rows[1].name, 1, 1, 7, 7, 7)
