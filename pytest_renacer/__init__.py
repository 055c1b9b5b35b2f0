"""pytest-renacer: trace the system calls of a program under test and assert on them.

The names below load on first use (PEP 562): pytest imports this package for the
plugin's entry point in every run, and a run that traces nothing should not pay for
the tracer, the decoders and the syscall tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_getattr

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import TraceOptions, Tracer, attach, trace
    from .errors import (
        AttachError,
        BaselineError,
        CommandNotExecutable,
        CommandNotFound,
        FilterError,
        RenacerError,
        TraceeError,
        TraceTimeout,
        TracingUnavailable,
    )
    from .model import Frame, Process, SignalEvent, SyscallEvent, SyscallStat, Trace

#: Where each public name lives.
_LAZY = {
    **dict.fromkeys(("TraceOptions", "Tracer", "attach", "trace"), "api"),
    **dict.fromkeys(("AttachError", "BaselineError", "CommandNotExecutable",
                     "CommandNotFound", "FilterError", "RenacerError", "TraceeError",
                     "TraceTimeout", "TracingUnavailable"), "errors"),
    **dict.fromkeys(("Frame", "Process", "SignalEvent", "SyscallEvent", "SyscallStat",
                     "Trace"), "model"),
}


__getattr__ = lazy_getattr(__name__, _LAZY, globals())


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "AttachError",
    "BaselineError",
    "CommandNotExecutable",
    "CommandNotFound",
    "FilterError",
    "Frame",
    "Process",
    "RenacerError",
    "SignalEvent",
    "SyscallEvent",
    "SyscallStat",
    "Trace",
    "TraceOptions",
    "TraceTimeout",
    "TraceeError",
    "Tracer",
    "TracingUnavailable",
    "__version__",
    "attach",
    "trace",
]
