"""pytest-renacer: trace the system calls of a program under test and assert on them."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import Tracer, attach, trace
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
    "TraceTimeout",
    "TraceeError",
    "Tracer",
    "TracingUnavailable",
    "__version__",
    "attach",
    "trace",
]
