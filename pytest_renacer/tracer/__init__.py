"""The tracing engine: ctypes ptrace, the waitpid loop, seccomp filters, memory reads."""

from .engine import Engine, Sink, read_cmdline
from .memory import MemoryReader
from .spawn import resolve_command

__all__ = ["Engine", "MemoryReader", "Sink", "read_cmdline", "resolve_command"]
