"""Stacks with Python frames: the stop-time record, and its merge with native frames.

The engine stores what the unwinder returns as the event's ``pcs``.  When the stopped
thread runs a CPython interpreter that pyframes.py can read, that is a
:class:`StackRecord`: the Python frames (already resolved: they survive the frame and
code objects being freed, and pickle as plain tuples), how many of them each C-level
``_PyEval_EvalFrameDefault`` activation ran, and the native record of unwind.py
(``(snapshot id, pcs...)``, or None when only Python frames were asked for), with the
native pcs that are such activations.  Otherwise it is the native record as is.

:class:`StackSymbolizer` turns either into frames: the native frames symbolized, each
eval activation replaced by the Python frames it ran (3.11+: the frames up to and
including the next entry frame; 3.10: one frame per activation), innermost first.
Python groups left over when the native stack was cut short go at the end.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..types import Frame
from .limits import ThreadInterrupts
from .pyframes import NOT_PYTHON, Pending, PythonFrameReader

__all__ = ["PythonUnwinder", "StackRecord", "StackSymbolizer", "merge"]


class StackRecord(NamedTuple):
    """A syscall's stack as captured at the stop, with Python frames."""

    python: tuple[Frame, ...]
    groups: tuple[int, ...]
    native: tuple[int, ...] | None
    evals: tuple[int, ...]


def merge(python: tuple[Frame, ...], groups: tuple[int, ...], native: tuple[Frame, ...],
          evals: tuple[int, ...]) -> tuple[Frame, ...]:
    """Native frames with each eval activation (the concrete frame at one of ``evals``)
    replaced by its group of Python frames."""
    if not evals:
        return (*native, *python) if native else python
    out: list[Frame] = []
    at = 0
    g = 0
    n = len(native)
    for i, f in enumerate(native):
        concrete = i + 1 == n or native[i + 1].address != f.address
        if concrete and g < len(groups) and f.address in evals and f.binary is not None:
            k = groups[g]
            out.extend(python[at:at + k])
            at += k
            g += 1
        else:
            out.append(f)
    out.extend(python[at:])
    return tuple(out)


class PythonUnwinder:
    """The engine's ``unwinder`` hook with Python frames: ``(pid, tid, ip, sp) ->
    StackRecord | native record | None``.  ``native`` is unwind.py's StackUnwinder, or
    None for Python frames only (no native unwinding at all: cheaper)."""

    def __init__(self, native: Any, reader: PythonFrameReader) -> None:
        self.native = native
        self.reader = reader
        self._read = reader.read
        self._procs = reader.procs
        self._records: dict[StackRecord, StackRecord] = {}
        self._evals: dict[tuple[int, ...], tuple[int, ...]] = {}
        self._interrupts = ThreadInterrupts()

    def __call__(self, pid: int, tid: int, ip: int, sp: int) -> Any:
        native = self.native(pid, tid, ip, sp) if self.native is not None else None
        # A process that is not (or not yet) a readable interpreter: answered here, at
        # ~0.2 us a stop (a native program's every stop comes this way).
        known = self._procs.get(pid)
        if known is NOT_PYTHON:
            return native
        if type(known) is Pending and known.countdown > 0:
            known.countdown -= 1
            return native
        py = self._read(pid, tid)
        if py is None:
            return native
        frames, groups, interp = py
        evals: tuple[int, ...] = ()
        if native:
            got = self._evals.get(native)
            if got is None:
                got = tuple(sorted({pc for pc in native[1:] if interp.is_eval(pc)}))
                if len(self._evals) >= 4096:
                    self._evals.clear()
                self._evals[native] = got
            evals = got
        rec = StackRecord(frames, groups, native, evals)
        shared = self._records.get(rec)  # one object per distinct stack
        if shared is None:
            if len(self._records) >= 65536:
                self._records.clear()
            shared = self._records[rec] = rec
        return shared

    def __getattr__(self, name: str) -> Any:
        # the native unwinder's counters (slow_calls, stops...), for measurements
        native = self.__dict__.get("native")
        if native is None:
            raise AttributeError(name)
        return getattr(native, name)

    def exec_seen(self, pid: int) -> None:
        self.reader.exec_seen(pid)
        if self.native is not None:
            self.native.exec_seen(pid)

    def interrupt(self, thread: int) -> None:
        """From any thread (the engine's timeout): stop the module parsing ``thread`` may
        be doing for this unwinder, native or Python frames (limits.Cancelled)."""
        self._interrupts.interrupt(thread)

    def close(self) -> None:
        self._interrupts.resume()
        self.reader.close()
        if self.native is not None:
            self.native.close()


class StackSymbolizer:
    """``symbolize(pid, record) -> frames`` and ``.own_stack`` for records with or
    without Python frames; ``native`` is symbolizer.py's Symbolizer (None: Python
    frames only).  Picklable: the native symbolizer keeps its module-map snapshots."""

    def __init__(self, native: Any, reader: PythonFrameReader | None) -> None:
        self.native = native
        self.reader = reader
        self._merged: dict[Any, tuple[Frame, ...]] = {}
        self._problems: dict[str, str] = {}  # the reader's, kept across pickling

    @property
    def problems(self) -> dict[str, str]:
        out = dict(self.native.problems) if self.native is not None else {}
        out.update(self._problems)
        if self.reader is not None:
            out.update(self.reader.problems)
        return out

    def __call__(self, pid: int, record: Any) -> tuple[Frame, ...]:
        if type(record) is not StackRecord:
            return self.native(pid, record) if self.native is not None and record else ()
        return self._merge(pid, record, False)

    def own_stack(self, pid: int, record: Any) -> tuple[Frame, ...]:
        """Enough of the stack for ``source`` (see Symbolizer.own_stack): with Python
        frames, the interpreter's own native frames are left unsymbolized."""
        if type(record) is not StackRecord:
            if self.native is None or not record:
                return ()
            return tuple(self.native.own_stack(pid, record))
        return self._merge(pid, record, True)

    def _merge(self, pid: int, rec: StackRecord, own: bool) -> tuple[Frame, ...]:
        key = (rec, own)
        got = self._merged.get(key)
        if got is not None:
            return got
        if rec.native and self.native is not None:
            if own:
                native = self.native.own_stack(
                    pid, rec.native, python=frozenset(f.binary for f in rec.python))
            else:
                native = self.native(pid, rec.native)
            got = merge(rec.python, rec.groups, tuple(native), rec.evals)
        else:
            got = rec.python
        if len(self._merged) >= 65536:
            self._merged.clear()
        self._merged[key] = got
        return got

    def __getstate__(self) -> dict[str, Any]:
        return {"native": self.native, "reader": None, "problems": self.problems}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.native = state["native"]
        self.reader = None
        self._merged = {}
        self._problems = state["problems"]
