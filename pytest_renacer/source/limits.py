"""Bounds on what the source layer spends on one module, and its one parser error type.

A traced program chooses the files the symbolizer and the unwinder read (it can map
any file), so their parsers treat every byte as hostile:

- :class:`ParseError` is the one exception the parsers of ELF, DWARF, CFI and mangled
  names raise on malformed or oversized input (``CFIError`` and ``DwarfError`` are its
  subclasses).  Callers in this package turn it into a module's *problem*: that module's
  frames lose their file:line, with a one-line note; the trace itself never fails.
- :func:`module_budget` is how many bytes of section data (after decompression) one
  module may unpack: 256 MB unless ``RENACER_SOURCE_BUDGET_MB`` or
  :func:`set_module_budget` says otherwise.  A module over it is refused whole
  (:class:`OverBudget`), before anything is inflated.
- :func:`module_time_budget` is how many seconds of parsing one module may take:
  10 s unless ``RENACER_SOURCE_BUDGET_S`` or :func:`set_module_time_budget` says
  otherwise.  Each module's parsing runs inside its :class:`Clock` (``with clock:``);
  the parsers' loops call :func:`check` every so many bytes or items, which raises
  :class:`OverTime` once the clock's time is spent, and :class:`Cancelled` once the
  trace the parsing serves has been stopped (its timeout: :func:`interrupt_thread`).
  Both are :class:`Interrupted`: a parser's own recovery from bad bytes never
  swallows them.
"""

from __future__ import annotations

import math
import os
import threading
import time

__all__ = ["Cancelled", "Clock", "Interrupted", "OverBudget", "OverTime", "ParseError",
           "ThreadInterrupts", "check", "interrupt_thread", "module_budget",
           "module_time_budget", "over_memory_note", "over_time_note", "resume_thread",
           "set_module_budget", "set_module_time_budget"]

#: Default of :func:`module_budget`, in bytes.
DEFAULT_MODULE_BUDGET = 256 << 20
#: Default of :func:`module_time_budget`, in seconds (a whole libpython3.11, 9 MB of
#: .debug_info, parses in under 2 s: parsing only what a trace needs is far less).
DEFAULT_TIME_BUDGET = 10.0

_budget: int | None = None
_time_budget: float | None = None


class ParseError(ValueError):
    """Malformed or oversized input met by an internal parser (ELF/DWARF/CFI/demangler)."""


class OverBudget(ParseError):
    """A module needs more memory (or time: :class:`OverTime`) than its budget."""


class Interrupted(ParseError):
    """A parse stopped half-way by :func:`check`; never recovered from inside a parser."""


class OverTime(OverBudget, Interrupted):
    """A module's parsing took longer than :func:`module_time_budget`."""


class Cancelled(Interrupted):
    """The trace this parse serves was stopped (its timeout expired): nothing is wrong
    with the module, so callers do not remember this as its problem."""


def _env_number(name: str) -> float:
    try:
        value = float(os.environ.get(name, "") or 0)
    except ValueError:
        return 0.0
    return value if value > 0 and math.isfinite(value) else 0.0


def module_budget() -> int:
    """Bytes of (decompressed) section data one module may hold."""
    if _budget is not None:
        return _budget
    mb = _env_number("RENACER_SOURCE_BUDGET_MB")
    return int(mb * (1 << 20)) if mb else DEFAULT_MODULE_BUDGET


def set_module_budget(megabytes: float | None) -> None:
    """Set :func:`module_budget` for this process (None: back to the default/env)."""
    global _budget
    if megabytes is not None and megabytes <= 0:
        raise ValueError("the module budget must be a positive number of megabytes")
    _budget = None if megabytes is None else int(megabytes * (1 << 20))


def module_time_budget() -> float:
    """Seconds of parsing one module may take (its unwinding tables and its debug info
    each have a :class:`Clock`)."""
    if _time_budget is not None:
        return _time_budget
    return _env_number("RENACER_SOURCE_BUDGET_S") or DEFAULT_TIME_BUDGET


def set_module_time_budget(seconds: float | None) -> None:
    """Set :func:`module_time_budget` for this process (None: back to the default/env)."""
    global _time_budget
    if seconds is not None and not (seconds > 0 and math.isfinite(seconds)):
        raise ValueError("the module time budget must be a positive number of seconds")
    _time_budget = seconds


def over_memory_note() -> str:
    return (f"over the source budget ({module_budget() >> 20} MB unpacked; "
            "RENACER_SOURCE_BUDGET_MB raises it)")


def over_time_note() -> str:
    return (f"over the source time budget ({module_time_budget():g} s of parsing; "
            "RENACER_SOURCE_BUDGET_S raises it)")


class _Scope(threading.local):
    """The clocks running on this thread, innermost last, with when each started
    (None: a clock entered again inside itself)."""

    def __init__(self) -> None:
        self.stack: list[tuple[Clock, float | None]] = []


_scope = _Scope()
#: Threads whose parsing is to stop (their trace timed out): thread ident -> count.
_interrupted: dict[int, int] = {}
_interrupted_lock = threading.Lock()


class Clock:
    """Wall-clock seconds one module's parsing has taken (``spent``).

    ``with clock:`` runs parsing on its account: :func:`check` raises :class:`OverTime`
    once ``spent`` passes :func:`module_time_budget`, and so does every later ``with``.
    Entering the clock that runs innermost on this thread again counts nothing twice;
    another module's clock inside it runs on its own account.  Entering and leaving
    cost about a microsecond (no budget is read then): the parsers' loops are where the
    time goes, and they call :func:`check`."""

    __slots__ = ("over", "spent")

    def __init__(self) -> None:
        self.spent = 0.0
        self.over = False

    def __enter__(self) -> Clock:
        if self.over:
            raise OverTime(over_time_note())
        if _interrupted and threading.get_ident() in _interrupted:
            raise Cancelled("the trace was stopped")
        stack = _scope.stack
        stack.append((self, None if stack and stack[-1][0] is self else time.monotonic()))
        return self

    def __exit__(self, *exc: object) -> None:
        _clock, start = _scope.stack.pop()
        if start is not None:
            self.spent += time.monotonic() - start


def check() -> None:
    """Called by the parsers' loops every so often: raise :class:`OverTime` when the
    running clock's time is spent, :class:`Cancelled` when this thread was interrupted."""
    stack = _scope.stack
    if stack:
        clock, start = stack[-1]
        if start is None:
            start = next(s for c, s in reversed(stack) if c is clock and s is not None)
        if clock.spent + (time.monotonic() - start) > module_time_budget():
            clock.over = True
            raise OverTime(over_time_note())
    if _interrupted and threading.get_ident() in _interrupted:
        raise Cancelled("the trace was stopped")


def interrupt_thread(ident: int) -> None:
    """From any thread: make the parsing on thread ``ident`` stop at its next
    :func:`check` (until :func:`resume_thread`)."""
    with _interrupted_lock:
        _interrupted[ident] = _interrupted.get(ident, 0) + 1


def resume_thread(ident: int) -> None:
    """Undo one :func:`interrupt_thread`."""
    with _interrupted_lock:
        left = _interrupted.get(ident, 0) - 1
        if left > 0:
            _interrupted[ident] = left
        else:
            _interrupted.pop(ident, None)


class ThreadInterrupts:
    """The threads one unwinder was asked to interrupt (its ``interrupt(thread)``, from
    the engine's timeout), all resumed by its ``close()`` at the end of the trace."""

    def __init__(self) -> None:
        self._threads: list[int] = []
        self._lock = threading.Lock()

    def interrupt(self, thread: int) -> None:
        with self._lock:
            interrupt_thread(thread)
            self._threads.append(thread)

    def resume(self) -> None:
        with self._lock:
            while self._threads:
                resume_thread(self._threads.pop())
