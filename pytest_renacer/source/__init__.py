"""Source correlation: every syscall mapped to the file:line that made it.

``make_unwinder(arch)`` returns the pair the engine and the event store use:

- ``unwinder(pid, tid, ip, sp) -> tuple[int, ...] | None``, called by the engine at each
  recorded syscall stop.  It snapshots the module map (maps.py) and unwinds the stack
  with CFI (unwind.py, cfi.py), returning ``(snapshot id, ip, return addresses...)``.
- ``symbolize(pid, pcs) -> tuple[Frame, ...]``, called lazily by ``SyscallEvent.stack``,
  possibly long after the process is gone: it maps each pc to (file, line, function),
  inlined frames included (symbolizer.py, dwarf.py, demangle.py).

``frames.first_own_frame`` picks ``SyscallEvent.source`` from the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .frames import first_own_frame
from .maps import ProcessMaps
from .symbolizer import PROBLEMS, Symbolizer
from .unwind import ARCHES, MAX_FRAMES, StackUnwinder

__all__ = ["SourceCorrelator", "first_own_frame", "make_unwinder", "problems"]


def problems() -> dict[str, str]:
    """Binaries whose frames had no file:line in this process's traces, and why
    ("no debug info (stripped?) ...", "unreadable DWARF: ...").  Recorded once per
    module; symbolization never raises over them."""
    return dict(PROBLEMS)


class SourceCorrelator:
    """One trace's unwinder and symbolizer, sharing their module-map snapshots."""

    def __init__(self, arch: str, max_frames: int = MAX_FRAMES) -> None:
        regs = ARCHES.get(arch)
        if regs is None:
            raise ValueError(f"source correlation does not support {arch!r}")
        from ..model import Frame  # the data class the event store hands out

        self.maps = ProcessMaps()
        self.unwinder = StackUnwinder(regs, self.maps, max_frames)
        self.symbolizer = Symbolizer(self.maps, Frame)

    @property
    def problems(self) -> dict[str, str]:
        """Module path -> why its frames have no file:line (recorded once per module)."""
        return self.symbolizer.problems

    def exec_seen(self, pid: int) -> None:
        """Tell that ``pid`` exec'd: its next stop re-reads its module map."""
        self.maps.exec_seen(pid)


def make_unwinder(arch: str, max_frames: int = MAX_FRAMES,
                  ) -> tuple[Callable[[int, int, int, int], tuple[int, ...] | None],
                             Callable[[int, tuple[int, ...]], tuple[Any, ...]]]:
    """``(unwinder, symbolize)`` for a trace on ``arch`` ("x86_64" or "aarch64").

    ``unwinder.exec_seen(pid)`` tells it that a process exec'd (the engine may call it
    on PTRACE_EVENT_EXEC); ``symbolize.problems`` maps each module without usable
    debug info to the reason.
    """
    corr = SourceCorrelator(arch, max_frames)
    return corr.unwinder, corr.symbolizer
