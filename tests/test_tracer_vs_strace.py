"""Structural agreement with strace on real programs: per process, the same syscall names
in the same order, and the same return values wherever they are deterministic."""

from __future__ import annotations

import platform
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from strace_log import StraceCall, needs_strace, run_strace

import pytest_renacer as rn

# Return values that differ between two runs of the same program: addresses, pids,
# times, and calls whose result depends on scheduling.
NONDETERMINISTIC = {
    "mmap", "brk", "mremap", "clone", "clone3", "fork", "vfork", "wait4", "waitid",
    "getpid", "getppid", "gettid", "set_tid_address", "rt_sigreturn", "clock_gettime",
    "gettimeofday", "time", "sched_getaffinity", "getrandom", "read", "pread64",
    "getdents64", "readlink", "lseek", "futex",
}

# arm64's libraries are aligned to 64 KiB: ld.so maps each with room to spare and trims
# the rest with munmap calls whose number and lengths depend on where ASLR put the mapping;
# setarch -R turns ASLR off for what it runs, not for its own start-up.
ASLR_DEPENDENT = {"munmap"} if platform.machine() == "aarch64" else set()

PROGRAMS = [
    pytest.param(["ls", "-la", "/"], id="ls-la"),
    pytest.param(["sh", "-c", "ls / | wc -l"], id="sh-pipeline"),
    # -B: no .pyc written, so that a parallel test writing caches cannot make the two
    # runs read different files.
    pytest.param([sys.executable, "-B", "-c", "import json"],
                 id="python-import-json"),
]


# Where a signal lands depends on timing: a SIGCHLD may interrupt a wait4 in one run
# (wait4 = ERESTARTSYS, rt_sigreturn, wait4 again) and not in the other.
SIGNAL_TIMING = {"rt_sigreturn", "restart_syscall"}
RESTARTS = {-512, -513, -514, -516}  # ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ..._BLOCK


def _execs_of(texts: list[str]) -> tuple[str, ...]:
    return tuple(re.findall(r'^execve\("([^"]*)"', t)[0] for t in texts
                 if t.startswith("execve(") and " = 0" in t)


def _ours(argv: list[str], cwd: Path) -> dict[tuple[str, ...], list[tuple[str, int | None]]]:
    """Per process (keyed by the programs it exec'd and its rank), its (name, retval)s."""
    t = rn.trace(argv, cwd=cwd)
    seqs: dict[int, list[tuple[str, int | None]]] = {}
    execs: dict[int, list[str]] = {}
    for ev in t.events:
        if ev.name in SIGNAL_TIMING or ev.raw_retval in RESTARTS:
            continue
        seqs.setdefault(ev.pid, []).append((ev.name, ev.retval))
        if ev.name == "execve" and ev.retval == 0:
            execs.setdefault(ev.pid, []).append(str(ev.args[0]))
    return _keyed({pid: (tuple(execs.get(pid, ())), seq) for pid, seq in seqs.items()})


def _theirs(argv: list[str], tmp: Path, cwd: Path) -> dict[tuple[str, ...], list[StraceCall]]:
    per_pid = run_strace(argv, tmp, cwd=cwd)
    out = {}
    for pid, calls in per_pid.items():
        kept = [c for c in calls if c.name not in SIGNAL_TIMING
                and "ERESTART" not in (c.errno or "") and "ERESTART" not in c.text]
        out[pid] = (_execs_of([c.text for c in calls]), kept)
    return _keyed(out)


def _keyed(procs: dict[int, tuple[tuple[str, ...], list[Any]]]) -> dict[tuple[str, ...], list[Any]]:
    """Processes in pid order, keyed by what they exec'd plus a rank among equals, so
    that the same process of two runs is found whichever order they were created in."""
    keyed: dict[tuple[str, ...], list[Any]] = {}
    for _pid, (execs, seq) in sorted(procs.items()):
        rank = 0
        while (*execs, str(rank)) in keyed:
            rank += 1
        keyed[(*execs, str(rank))] = seq
    return keyed


@needs_strace
@pytest.mark.parametrize("argv", PROGRAMS)
def test_same_syscalls_as_strace(argv, tmp_path: Path, monkeypatch):
    # Without address randomisation (malloc's brk/mmap calls depend on where the heap
    # lands) and with a fixed hash seed (Python's dict sizes, so its allocations): else
    # two runs differ whoever traces them.
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    argv = ["setarch", platform.machine(), "-R", *argv]
    subprocess.run(argv, capture_output=True, check=False)  # warm caches (.pyc, dentries)
    # In an empty directory of their own: python3 -c looks up modules in its working
    # directory, which other tests running in parallel may be writing to.
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    theirs = _theirs(argv, tmp_path, cwd)
    ours = _ours(argv, cwd)
    assert sorted(ours) == sorted(theirs)
    compared = 0
    for key, oseq in ours.items():
        sseq = [c for c in theirs[key] if c.name not in ASLR_DEPENDENT]
        oseq = [(n, r) for n, r in oseq if n not in ASLR_DEPENDENT]
        onames = [n for n, _ in oseq]
        snames = [c.name for c in sseq]
        assert onames == snames, f"process {key}"
        for (name, oret), call in zip(oseq, sseq, strict=True):
            if name in NONDETERMINISTIC or call.retval is None or oret is None:
                continue
            if abs(call.retval) >= 2**32:
                continue  # an address
            assert oret == call.retval, f"{name}: {oret} != strace's {call.retval}"
            compared += 1
    assert compared > 20
