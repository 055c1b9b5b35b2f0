"""Whether this machine can trace syscalls at all, and whether this run may.

Two kinds of "no": *unsupported* (not Linux, or a kernel or C library without
ptrace): nothing the user can change, so traced tests skip; *not permitted* (ptrace
refused by policy: Yama, a container's seccomp profile): traced tests fail with a
remedy, or skip with ``--renacer-skip-unavailable``.  Every check here is cheap and
loads nothing of the tracer until a test actually traces.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .tables import SyscallTable

#: Set to 1 to make the plugin act as if ptrace were denied (to test that path).
FORCE_UNAVAILABLE_ENV = "RENACER_FORCE_UNAVAILABLE"
#: The soft off-switch's environment variable (twin of --renacer-disable).
DISABLE_ENV = "RENACER_DISABLE"

_PLATFORM_NAMES = {"darwin": "macOS", "win32": "Windows", "cygwin": "Cygwin"}
_PTRACE_CONT = 7
NO_PTRACE = "this kernel has no ptrace (ptrace(2) returns ENOSYS): the tests that trace are skipped"


def env_flag(name: str) -> bool | None:
    """An on/off environment variable: None when unset or empty."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return None
    return value not in ("0", "false", "no", "off")


def unsupported_reason() -> str | None:
    """Why syscall tracing cannot exist on this machine, or None (checked per call:
    tests simulate other platforms by patching ``sys.platform``)."""
    if not sys.platform.startswith("linux"):
        name = _PLATFORM_NAMES.get(sys.platform, sys.platform)
        return (f"syscall tracing needs Linux's ptrace; this is {name} ({sys.platform}): "
                "the tests that trace are skipped")
    return _kernel_reason()


@functools.cache
def _kernel_reason() -> str | None:
    """Probe ptrace itself once per process: ENOSYS means no ptrace in this kernel (or a
    sandbox that pretends so, like gVisor's or a seccomp profile returning ENOSYS)."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        ptrace = libc.ptrace
    except (OSError, AttributeError) as e:
        return (f"this C library has no ptrace ({type(e).__name__}: {e}): the tests that "
                "trace are skipped")
    ptrace.argtypes = (ctypes.c_long, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
    ptrace.restype = ctypes.c_long
    # PTRACE_CONT on pid 0 cannot succeed: ESRCH where ptrace exists, ENOSYS where not.
    if ptrace(_PTRACE_CONT, 0, None, None) == -1 and ctypes.get_errno() == errno.ENOSYS:
        return NO_PTRACE
    return None


def syscall_table() -> SyscallTable:
    """This machine's syscall table; x86_64's where we have none (another platform), so
    that markers are still checked and an untraced run still has a (empty) Trace."""
    from .tables import table_for

    try:
        return table_for()
    except ValueError:
        return table_for("x86_64")


def denied_reason() -> str | None:
    """Why ptrace is not permitted to this process, or None (a cheap check, no probe)."""
    if env_flag(FORCE_UNAVAILABLE_ENV):
        return (f"ptrace is not permitted here (simulated: {FORCE_UNAVAILABLE_ENV} is set, "
                "a testing aid)")
    from .tracer import ptrace

    ok, why = ptrace.available()
    return None if ok else why
