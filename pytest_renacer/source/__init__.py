"""Source correlation: every syscall mapped to the file:line that made it.

``make_unwinder(arch)`` returns the pair the engine and the event store use:

- ``unwinder(pid, tid, ip, sp) -> tuple[int, ...] | None``, called by the engine at each
  recorded syscall stop.  It snapshots the module map (maps.py) and unwinds the stack
  with CFI (unwind.py, cfi.py), returning ``(snapshot id, ip, return addresses...)``.
- ``symbolize(pid, pcs) -> tuple[Frame, ...]``, called lazily by ``SyscallEvent.stack``,
  possibly long after the process is gone: it maps each pc to (file, line, function),
  inlined frames included (symbolizer.py, dwarf.py, demangle.py).

``frames.first_own_frame`` picks ``SyscallEvent.source`` from the stack.

When the stopped thread runs a CPython interpreter (3.10-3.13), its Python frames are
read from its memory at the stop too (pyframes.py) and merged with the native ones
(pystack.py); ``make_unwinder(arch, native=False)`` reads the Python frames alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..types import Frame
from . import pyframes
from .frames import first_own_frame
from .maps import ProcessMaps
from .pyframes import PythonFrameReader
from .pystack import PythonUnwinder, StackRecord, StackSymbolizer
from .symbolizer import PROBLEMS, Symbolizer
from .unwind import ARCHES, MAX_FRAMES, StackUnwinder

__all__ = ["SourceCorrelator", "StackRecord", "first_own_frame", "make_unwinder", "problems"]


def problems() -> dict[str, str]:
    """Binaries whose frames had no file:line in this process's traces, and why
    ("no debug info (stripped?) ...", "unreadable DWARF: ...").  Recorded once per
    module; symbolization never raises over them.  Interpreters whose Python frames
    cannot be read are in it too ("CPython 3.9: no layout known for it")."""
    return {**PROBLEMS, **pyframes.NOTES}


class SourceCorrelator:
    """One trace's unwinder and symbolizer, sharing their module-map snapshots."""

    def __init__(self, arch: str, max_frames: int = MAX_FRAMES) -> None:
        regs = ARCHES.get(arch)
        if regs is None:
            raise ValueError(f"source correlation does not support {arch!r}")
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


def make_unwinder(arch: str, max_frames: int = MAX_FRAMES, *, native: bool = True,
                  python: bool = True, own_only: bool = False,
                  ) -> tuple[Callable[[int, int, int, int], Any],
                             Callable[[int, Any], tuple[Any, ...]]]:
    """``(unwinder, symbolize)`` for a trace on ``arch`` ("x86_64" or "aarch64").

    ``unwinder(pid, tid, ip, sp)`` runs at each recorded stop and returns the stack
    record the engine stores as the event's ``pcs`` (None: nothing known);
    ``symbolize(pid, record)`` turns one into frames, innermost first, and
    ``symbolize.own_stack(pid, record)`` into enough of them for ``source``.

    ``native``: unwind the native stack (CFI).  ``python``: read the Python frames of a
    CPython interpreter.  ``native=False, python=True`` is the cheap Python-only mode:
    no native unwinding, no module maps, records that need no symbolizing (and pickle
    as plain tuples); with ``own_only`` the Python frames stop at the innermost one of the
    program's own code (enough for ``source``).  ``unwinder.exec_seen(pid)`` tells it
    that a process exec'd;
    ``symbolize.problems`` maps each module without usable debug info (or interpreter
    without readable frames) to the reason.
    """
    if not native and not python:
        raise ValueError("make_unwinder: nothing to capture (native=False, python=False)")
    corr = SourceCorrelator(arch, max_frames) if native else None
    if not python:
        assert corr is not None
        return corr.unwinder, corr.symbolizer
    reader = PythonFrameReader(own_only=own_only)
    unwinder = PythonUnwinder(corr.unwinder if corr is not None else None, reader)
    symbolizer = StackSymbolizer(corr.symbolizer if corr is not None else None, reader)
    return unwinder, symbolizer
