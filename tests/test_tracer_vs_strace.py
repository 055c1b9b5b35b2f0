"""Structural agreement with strace on real programs: per process, the same syscall names
in the same order, and the same return values wherever they are deterministic."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest
from strace_log import needs_strace, run_strace

import pytest_renacer as rn

# Return values that differ between two runs of the same program: addresses, pids,
# times, and calls whose result depends on scheduling.
NONDETERMINISTIC = {
    "mmap", "brk", "mremap", "clone", "clone3", "fork", "vfork", "wait4", "waitid",
    "getpid", "getppid", "gettid", "set_tid_address", "rt_sigreturn", "clock_gettime",
    "gettimeofday", "time", "sched_getaffinity", "getrandom", "read", "pread64",
    "getdents64", "readlink", "lseek", "futex",
}

PROGRAMS = [
    pytest.param(["ls", "-la", "/"], id="ls-la"),
    pytest.param(["sh", "-c", "ls / | wc -l"], id="sh-pipeline"),
    pytest.param([sys.executable, "-c", "import json"], id="python-import-json"),
]


def _ours(argv: list[str]) -> dict[int, list[tuple[str, int | None]]]:
    t = rn.trace(argv)
    seqs: dict[int, list[tuple[str, int | None]]] = {}
    for ev in t.events:
        seqs.setdefault(ev.pid, []).append((ev.name, ev.retval))
    return seqs


@needs_strace
@pytest.mark.parametrize("argv", PROGRAMS)
def test_same_syscalls_as_strace(argv, tmp_path: Path, monkeypatch):
    # Without address randomisation (malloc's brk/mmap calls depend on where the heap
    # lands) and with a fixed hash seed (Python's dict sizes, so its allocations): else
    # two runs differ whoever traces them.
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    argv = ["setarch", platform.machine(), "-R", *argv]
    subprocess.run(argv, capture_output=True, check=False)  # warm caches (.pyc, dentries)
    theirs = run_strace(argv, tmp_path)
    ours = _ours(argv)
    assert len(ours) == len(theirs), (list(ours), list(theirs))
    compared = 0
    for (opid, oseq), (spid, sseq) in zip(ours.items(), theirs.items(), strict=True):
        onames = [n for n, _ in oseq]
        snames = [c.name for c in sseq]
        assert onames == snames, f"process {opid} vs strace's {spid}"
        for (name, oret), call in zip(oseq, sseq, strict=True):
            if name in NONDETERMINISTIC or call.retval is None or oret is None:
                continue
            if abs(call.retval) >= 2**32:
                continue  # an address
            assert oret == call.retval, f"{name}: {oret} != strace's {call.retval}"
            compared += 1
    assert compared > 20
