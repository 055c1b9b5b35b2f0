"""Shared test fixtures: C test programs built on demand, and a leak check after every test."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from timescale import scaled

# Hypothesis fails an example that runs over 200 ms by default: on a shared machine under
# load (CI runners, xdist workers, other jobs) a first example paying for imports took
# 924 ms (test_decode_flags, whole-suite run 6 of 10 for issue 15).  Timing is not what
# these tests check: no deadline, for every @given of the suite; on a slow machine (an
# emulated guest) its too-slow health check is off too.
settings.register_profile(
    "renacer", deadline=None,
    suppress_health_check=[HealthCheck.too_slow] if scaled(1) > 1 else [])
settings.load_profile("renacer")

# The plugin is loaded here rather than through its entry point (addopts has
# -p no:renacer), so that coverage, which starts before conftest files load, sees it import.
pytest_plugins = ["pytest_renacer.plugin"]

PROGRAMS = Path(__file__).parent / "programs"

# Every process the tests start inherits this marker, so that a leaked one can be found.
MARKER = f"RENACER_TEST_SESSION={uuid.uuid4().hex}"
os.environ["RENACER_TEST_SESSION"] = MARKER.partition("=")[2]


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., str]:
    """Compile tests/programs/NAME.c (gcc) or NAME.rs (rustc) once per flags; returns the path."""
    out = tmp_path_factory.mktemp("bin")
    cache: dict[tuple[str, tuple[str, ...]], str] = {}

    def _build(name: str, *flags: str) -> str:
        key = (name, flags)
        if key in cache:
            return cache[key]
        tag = "".join(c if c.isalnum() else "_" for c in "".join(flags))
        dest = out / f"{name}{tag}"
        c_src = PROGRAMS / f"{name}.c"
        if c_src.exists():
            cmd = ["gcc", "-g", "-O0", *flags, "-o", str(dest), str(c_src), "-pthread"]
        else:
            cmd = ["rustc", "-g", *flags, "-o", str(dest), str(PROGRAMS / f"{name}.rs")]
        subprocess.run(cmd, check=True, capture_output=True)
        cache[key] = str(dest)
        return cache[key]

    return _build


@pytest.fixture
def plugin_project(pytester: pytest.Pytester, build: Callable[..., str],
                   monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester project whose tests find the built programs in ``renacer_bins.BINS``."""
    monkeypatch.setenv("COLUMNS", "300")  # short summary lines in full
    bins = {name: build(name) for name in ("opens", "write_loop", "hang")}
    pytester.makepyfile(renacer_bins=f"BINS = {bins!r}\n")
    return pytester


def _our_leftovers() -> list[str]:
    """Processes of this test session still around: children, tracees, or marked ones."""
    me = os.getpid()
    ancestors = set()
    p = me
    while p > 1:
        ancestors.add(p)
        try:
            with open(f"/proc/{p}/stat", "rb") as f:
                p = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    found = []
    marker = MARKER.encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in ancestors:
            continue
        pid = int(entry)
        try:
            with open(f"/proc/{pid}/status", "rb") as f:
                status = f.read().decode(errors="replace")
            fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
            ppid = int(fields.get("PPid", "0"))
            tracer = int(fields.get("TracerPid", "0"))
            state = fields.get("State", "?").strip()
            with open(f"/proc/{pid}/environ", "rb") as f:
                marked = marker in f.read().split(b"\0")
        except (OSError, ValueError):
            continue
        if ppid == me or tracer == me or marked:
            found.append(f"pid {pid} ({fields.get('Name', '?').strip()}) state {state}")
    return found


def _signal_handlers() -> dict[int, object]:
    return {int(s): signal.getsignal(s) for s in signal.valid_signals()
            if s not in (signal.SIGKILL, signal.SIGSTOP)}


@pytest.fixture(autouse=True)
def no_leaks() -> Iterator[None]:
    """After every test: no process of ours left, no fd, thread or signal handler leaked."""
    fds_before = set(os.listdir("/proc/self/fd"))
    threads_before = {t.ident for t in threading.enumerate()}
    handlers_before = _signal_handlers()
    yield
    assert _signal_handlers() == handlers_before, "signal handlers changed"
    left = _our_leftovers()
    for _ in range(50):  # a just-killed process may take a moment to be reaped by init
        if not left:
            break
        threading.Event().wait(0.02)
        left = _our_leftovers()
    assert not left, f"processes left behind: {left}"
    leaked_threads = [t for t in threading.enumerate()
                      if t.ident not in threads_before and t.is_alive()]
    assert not leaked_threads, f"threads left behind: {leaked_threads}"
    fds_after = set(os.listdir("/proc/self/fd"))
    assert not fds_after - fds_before, f"file descriptors leaked: {sorted(fds_after - fds_before)}"

