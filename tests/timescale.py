"""Time limits of the tests' reference runs (strace, gdb, ...) on slow machines.

``RENACER_TEST_TIME_SCALE`` multiplies them: ``tools/aarch64-vm`` sets it in its guest,
where qemu emulates every instruction (TCG) and a strace run takes ten times as long."""

from __future__ import annotations

import os
import signal
import subprocess


def scaled(seconds: float) -> float:
    """``seconds`` times RENACER_TEST_TIME_SCALE (1 when unset or not a number >= 1)."""
    try:
        scale = float(os.environ.get("RENACER_TEST_TIME_SCALE", "1"))
    except ValueError:
        scale = 1.0
    return seconds * max(scale, 1.0)


def kill_group(proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Kill a reference run started with ``start_new_session=True`` with everything it
    started (a strace's tracees too, stopped or not) and reap it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.communicate()
