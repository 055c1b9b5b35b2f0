"""Traces as plain data, and the queries tests run on them.

Events are stored column-wise (``array`` columns, one row per syscall) so that a
million-event trace stays small; a :class:`SyscallEvent` is a light view of one row,
made on access.  Argument decoding happens here, lazily, from the raw registers and
the bytes the tracer captured at the stop.  Nothing in this module touches the OS.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, overload

from . import decode
from .filters import SyscallSet
from .filters import selector as make_selector
from .record import field, record
from .tables import SyscallInfo, SyscallTable
from .types import Frame as Frame  # re-exported: the frames of SyscallEvent.stack

JSON_FORMAT = "renacer-json-v1"

# Row flags.
_FAILED = 1
_UNFINISHED = 2  # the call never returned (process died in it, or trace stopped)
_NO_RETVAL = 4  # count-only tracing: the exit was never observed on purpose
_MAX_INTERNED = 1 << 16  # distinct captures shared per trace, at most
_NAN = math.nan


@record
class Process:
    """A process (thread group) seen during the trace."""

    pid: int
    ppid: int | None
    argv: list[str] = field(default_factory=list)
    returncode: int | None = None  # negative signal number when killed, as subprocess
    exe: str | None = None


@record(frozen=True)
class SyscallStat:
    """Aggregate of one syscall name over a trace (strace -c's row)."""

    name: str
    calls: int
    errors: int
    total_s: float
    min_s: float
    max_s: float

    @property
    def avg_s(self) -> float:
        return self.total_s / self.calls if self.calls else 0.0


@record(frozen=True)
class SignalEvent:
    """A signal delivered to a traced thread (strace's ``--- SIGCHLD {...} ---``)."""

    pid: int
    tid: int
    signo: int
    start: float
    siginfo: bytes

    @property
    def name(self) -> str:
        return decode.signal_name(self.signo)


class CaptureColumn:
    """The captured memory of each row (row -> dict, or None): a slot number per row in
    an ``array("I")`` (0: nothing captured) into a list of the captures.

    A row's own capture has a slot of its own; a capture shared by many rows (a loop
    writing the same bytes: :meth:`TraceRecorder._store_captured`) has one *pinned* slot
    for all of them.  A million rows then cost 4 MB here, where a dict of rows cost an
    entry and an int object each (~70 MB).
    """

    __slots__ = ("_count", "_pinned", "_slots", "_values")

    def __init__(self) -> None:
        self._slots = array("I")
        self._values: list[dict[Any, object] | None] = [None]
        self._pinned: set[int] = set()
        self._count = 0

    def pin(self, value: dict[Any, object]) -> int:
        """A slot for a capture that several rows will share (see :meth:`set_slot`)."""
        self._values.append(value)
        slot = len(self._values) - 1
        self._pinned.add(slot)
        return slot

    def set_slot(self, row: int, slot: int) -> None:
        """Row ``row`` has the capture of the pinned ``slot``."""
        slots = self._slots
        n = len(slots)
        if row >= n:  # grown by an eighth at least: rows come one by one
            slots.frombytes(bytes(4 * max(row + 1 - n, n >> 3, 1024)))
            old = 0
        else:
            old = slots[row]
        if not old:
            self._count += 1
        elif old not in self._pinned:
            self._values[old] = None  # the row's own capture, replaced
        slots[row] = slot

    def grow_for(self, rows: int, added: int) -> array[int]:
        """Room for ``rows`` rows, and ``added`` rows counted that the caller gives pinned
        slots by writing the slot array returned (the compiled core: new rows only)."""
        slots = self._slots
        n = len(slots)
        if rows > n:
            slots.frombytes(bytes(4 * max(rows - n, n >> 3, 1024)))
        self._count += added
        return slots

    def __setitem__(self, row: int, value: dict[Any, object]) -> None:
        """Row ``row`` has a capture of its own (it replaces the row's own in place)."""
        if row < 0:
            raise IndexError(row)
        slots = self._slots
        old = slots[row] if row < len(slots) else 0
        if old and old not in self._pinned:
            self._values[old] = value
            return
        self._values.append(value)
        self.set_slot(row, len(self._values) - 1)

    def get(self, row: int, default: dict[Any, object] | None = None,
            ) -> dict[Any, object] | None:
        slots = self._slots
        if 0 <= row < len(slots):
            slot = slots[row]
            if slot:
                return self._values[slot]
        return default

    def __getitem__(self, row: int) -> dict[Any, object]:
        value = self.get(row)
        if value is None:
            raise KeyError(row)
        return value

    def __contains__(self, row: object) -> bool:
        return isinstance(row, int) and self.get(row) is not None

    def __len__(self) -> int:
        return self._count

    def items(self) -> Iterator[tuple[int, dict[Any, object]]]:
        values = self._values
        for row, slot in enumerate(self._slots):
            if slot:
                value = values[slot]
                if value is not None:
                    yield row, value


class EventStore:
    """Column storage of syscall events for one trace, in entry order."""

    __slots__ = (
        "args", "captured", "duration", "flags", "nr", "pid", "retval", "stacks", "start",
        "symbolizer", "table", "tid", "with_args",
    )

    def __init__(self, table: SyscallTable, *, with_args: bool = True) -> None:
        self.table = table
        self.with_args = with_args
        self.nr = array("i")
        self.pid = array("i")
        self.tid = array("i")
        self.start = array("d")
        self.duration = array("d")
        self.retval = array("q")
        self.flags = bytearray()
        self.args = array("Q")  # six per row when with_args
        self.captured = CaptureColumn()
        self.stacks: dict[int, tuple[Frame, ...]] = {}
        #: (pid, program counters) -> frames; set when the trace was made with source=True
        self.symbolizer: Callable[[int, tuple[int, ...]], tuple[Frame, ...]] | None = None

    def __len__(self) -> int:
        return len(self.nr)

    def append(
        self, pid: int, tid: int, nr: int, args: Sequence[int], start: float,
        captured: dict[Any, object] | None,
    ) -> int:
        row = len(self.nr)
        self.nr.append(nr)
        self.pid.append(pid)
        self.tid.append(tid)
        self.start.append(start)
        self.duration.append(math.nan)
        self.retval.append(0)
        self.flags.append(_UNFINISHED)
        if self.with_args:
            self.args.extend(args)
        if captured:
            self.captured[row] = captured
        return row

    def finish(
        self, row: int, retval: int, failed: bool, end: float,
        captured: dict[Any, object] | None,
    ) -> None:
        self.retval[row] = retval
        self.duration[row] = end - self.start[row]
        self.flags[row] = _FAILED if failed else 0
        if captured:
            self.captured[row] = captured


class SyscallEvent:
    """One system call: a view of a row of an :class:`EventStore`."""

    __slots__ = ("_row", "_store")

    def __init__(self, store: EventStore, row: int) -> None:
        self._store = store
        self._row = row

    @property
    def nr(self) -> int:
        return self._store.nr[self._row]

    @property
    def info(self) -> SyscallInfo | None:
        return self._store.table.by_nr.get(self.nr)

    @property
    def name(self) -> str:
        return self._store.table.name(self.nr)

    @property
    def pid(self) -> int:
        return self._store.pid[self._row]

    @property
    def tid(self) -> int:
        return self._store.tid[self._row]

    @property
    def start(self) -> float:
        """Seconds from the start of the trace to the syscall's entry."""
        return self._store.start[self._row]

    @property
    def duration(self) -> float | None:
        """Seconds from entry to exit; None when the exit was not observed."""
        d = self._store.duration[self._row]
        return None if math.isnan(d) else d

    @property
    def finished(self) -> bool:
        """False when the call never returned (the process died in it) or was not waited for."""
        return not self._store.flags[self._row] & (_UNFINISHED | _NO_RETVAL)

    @property
    def retval(self) -> int | None:
        """The return value (negative errno already turned into -1 with errno set)."""
        if not self.finished:
            return None
        if self.failed:
            return -1
        return self._store.retval[self._row]

    @property
    def raw_retval(self) -> int | None:
        """The kernel's return value as is (``-errno`` for a failed call)."""
        return self._store.retval[self._row] if self.finished else None

    @property
    def failed(self) -> bool:
        return bool(self._store.flags[self._row] & _FAILED)

    @property
    def errno_code(self) -> int | None:
        return -self._store.retval[self._row] if self.failed else None

    @property
    def errno(self) -> str | None:
        """The errno name of a failed call ("ENOENT"), else None."""
        code = self.errno_code
        return None if code is None else decode.errno_name(code)

    @property
    def raw_args(self) -> tuple[int, ...]:
        store = self._store
        if not store.with_args:
            return ()
        base = self._row * 6
        info = self.info
        count = len(info.args) if info is not None else 6
        return tuple(store.args[base : base + count])

    @property
    def captured(self) -> dict[Any, object] | None:
        return self._store.captured.get(self._row)

    @property
    def args(self) -> tuple[object, ...]:
        """Decoded arguments: str paths, symbolic flags, ints, dicts for structs."""
        info = self.info
        raw = self.raw_args
        if info is None or not raw:
            return raw
        return decode.decode_args(info, raw, self.captured, self.raw_retval)

    def format_args(self, *, strsize: int = 32, fd_paths: bool = False) -> str:
        info = self.info
        raw = self.raw_args
        if info is None:
            return ", ".join(hex(a) for a in raw)
        return decode.format_args(
            info, raw, self.captured, self.raw_retval, strsize=strsize, fd_paths=fd_paths
        )

    def format_retval(self) -> str:
        info = self.info
        if info is None:
            if not self.finished:
                return "?"
            code = self.errno_code
            if code is not None:
                return f"-1 {decode.errno_name(code)} ({decode.errno_message(code)})"
            return str(self.raw_retval)
        return decode.format_retval(info, self.raw_retval if self.finished else None,
                                    self.errno_code, self.captured, raw=self.raw_args or None)

    @property
    def paths(self) -> list[str]:
        info = self.info
        if info is None or not self._store.with_args:
            return []
        return decode.paths(info, self.raw_args, self.captured)

    @property
    def stack(self) -> tuple[Frame, ...]:
        """Every frame of the call stack at the syscall, innermost first (source=True)."""
        store = self._store
        frames = store.stacks.get(self._row)
        if frames is None:
            pcs = self._pcs()
            if not pcs or store.symbolizer is None:
                return ()
            frames = store.stacks[self._row] = store.symbolizer(self.pid, pcs)
        return frames

    def _pcs(self) -> tuple[int, ...] | None:
        """The unwinder's record of the stack (snapshot id, pcs...), if any."""
        captured = self._store.captured.get(self._row)
        pcs = captured.get("pcs") if captured else None
        return pcs  # type: ignore[return-value]

    @property
    def source(self) -> Frame | None:
        """The first frame in the traced program's own code (None without --source)."""
        from .source.frames import first_own_frame  # source/ is a sibling layer, loaded lazily

        frames = self._store.stacks.get(self._row)
        if frames is None:
            own_stack = getattr(self._store.symbolizer, "own_stack", None)
            pcs = self._pcs()
            # Down to the first own frame only: libc's debug info and the frames below
            # are not read unless .stack is asked for.
            frames = own_stack(self.pid, pcs) if own_stack is not None and pcs else self.stack
        if not frames:
            return None
        return first_own_frame(frames)

    def __str__(self) -> str:
        return f"{self.name}({self.format_args()}) = {self.format_retval()}"

    def __repr__(self) -> str:
        return f"<SyscallEvent pid={self.pid} {self}>"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SyscallEvent)
            and other._store is self._store
            and other._row == self._row
        )

    def __hash__(self) -> int:
        return hash((id(self._store), self._row))

    def to_json(self, *, with_source: bool = True) -> dict[str, Any]:
        info = self.info
        d: dict[str, Any] = {
            "name": self.name,
            "nr": self.nr,
            "pid": self.pid,
            "tid": self.tid,
            "start": round(self.start, 9),
            "duration": None if self.duration is None else round(self.duration, 9),
            "args": [_jsonable(a) for a in self.args] if info is not None else [],
            "raw_args": list(self.raw_args),
            "text": self.format_args() if self._store.with_args else None,
            "retval": self.retval,
            "errno": self.errno,
            "finished": self.finished,
        }
        if with_source and self.stack:
            src = self.source
            d["source"] = None if src is None else _frame_json(src)
            d["stack"] = [_frame_json(f) for f in self.stack]
        return d


def _frame_json(f: Frame) -> dict[str, Any]:
    return {"file": f.file, "line": f.line, "function": f.function, "binary": f.binary,
            "address": f.address, "language": f.language}


def _jsonable(value: object) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


class EventList(Sequence[SyscallEvent]):
    """The events of a trace (or of a filtered view of it), in entry order."""

    __slots__ = ("_rows", "_store")

    def __init__(self, store: EventStore, rows: Sequence[int] | None) -> None:
        self._store = store
        self._rows = rows

    def __len__(self) -> int:
        return len(self._store) if self._rows is None else len(self._rows)

    @overload
    def __getitem__(self, i: int) -> SyscallEvent: ...
    @overload
    def __getitem__(self, i: slice) -> list[SyscallEvent]: ...
    def __getitem__(self, i: int | slice) -> SyscallEvent | list[SyscallEvent]:
        rows = range(len(self._store)) if self._rows is None else self._rows
        if isinstance(i, slice):
            return [SyscallEvent(self._store, r) for r in rows[i]]
        return SyscallEvent(self._store, rows[i])

    def __iter__(self) -> Iterator[SyscallEvent]:
        store = self._store
        rows = range(len(store)) if self._rows is None else self._rows
        for r in rows:
            yield SyscallEvent(store, r)

    def __repr__(self) -> str:
        return f"<EventList of {len(self)} events>"


class Trace:
    """The outcome of tracing a command: its events, processes, exit status, output."""

    def __init__(
        self,
        store: EventStore,
        *,
        argv: Sequence[str] = (),
        processes: dict[int, Process] | None = None,
        returncode: int | None = None,
        stdout: bytes | None = None,
        stderr: bytes | None = None,
        duration: float = 0.0,
        signals: Sequence[SignalEvent] = (),
        rows: Sequence[int] | None = None,
        mode: str = "full",
    ) -> None:
        self._store = store
        self._rows = rows
        self.argv = list(argv)
        self.processes: dict[int, Process] = processes if processes is not None else {}
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.duration = duration
        self.signals = list(signals)
        #: "full" (entry and exit of each call), "filtered" (seccomp-selected calls) or
        #: "count" (one stop per call: no return values, no arguments).
        self.mode = mode
        self.result: Any = None  # set by syscalls.call(): the callable's return value

    # -- the events -------------------------------------------------------------------
    @property
    def table(self) -> SyscallTable:
        return self._store.table

    @property
    def events(self) -> EventList:
        return EventList(self._store, self._rows)

    def _row_iter(self) -> Iterable[int]:
        return range(len(self._store)) if self._rows is None else self._rows

    def __len__(self) -> int:
        return len(self.events)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[SyscallEvent]:
        return iter(self.events)

    @overload
    def __getitem__(self, i: int) -> SyscallEvent: ...
    @overload
    def __getitem__(self, i: slice) -> list[SyscallEvent]: ...
    def __getitem__(self, i: int | slice) -> SyscallEvent | list[SyscallEvent]:
        return self.events[i]

    def __repr__(self) -> str:
        return (
            f"<Trace {' '.join(self.argv)!r} returncode={self.returncode} "
            f"events={len(self)} processes={len(self.processes)}>"
        )

    def _selection(self, sel: str | Iterable[str] | SyscallSet | None) -> SyscallSet | None:
        if sel is None:
            return None
        chosen = make_selector(sel, self._store.table)
        return None if chosen.is_all else chosen

    # -- queries ----------------------------------------------------------------------
    def count(self, selector: str | Iterable[str] | SyscallSet | None = None) -> int:
        """How many syscalls match ``selector`` (a strace trace expression, or names)."""
        chosen = self._selection(selector)
        if chosen is None:
            return len(self)
        col = self._store.nr
        by_nr = Counter(col) if self._rows is None else Counter(col[r] for r in self._rows)
        return sum(n for nr, n in by_nr.items() if chosen.contains_nr(nr))

    def filter(
        self,
        selector: str | Iterable[str] | SyscallSet | None = None,
        *,
        pid: int | Iterable[int] | None = None,
        failed: bool | None = None,
        path: str | re.Pattern[str] | None = None,
    ) -> Trace:
        """A view of the events matching every criterion given.

        ``path`` matches events with a path argument equal to a string, or matching a
        compiled regular expression (``re.search``).
        """
        store = self._store
        chosen = self._selection(selector)
        pids = None if pid is None else ({pid} if isinstance(pid, int) else set(pid))
        rows = array("l")
        for r in self._row_iter():
            if chosen is not None and not chosen.contains_nr(store.nr[r]):
                continue
            if pids is not None and store.pid[r] not in pids:
                continue
            if failed is not None and bool(store.flags[r] & _FAILED) != failed:
                continue
            if path is not None:
                ev_paths = SyscallEvent(store, r).paths
                if isinstance(path, str):
                    if path not in ev_paths:
                        continue
                elif not any(path.search(p) for p in ev_paths):
                    continue
            rows.append(r)
        view = Trace(
            store, argv=self.argv, processes=self.processes, returncode=self.returncode,
            stdout=self.stdout, stderr=self.stderr, duration=self.duration,
            signals=self.signals, rows=rows, mode=self.mode,
        )
        return view

    def names(self) -> Counter[str]:
        """Calls per syscall name."""
        by_nr = Counter(self._store.nr[r] for r in self._row_iter())
        name = self._store.table.name
        return Counter({name(nr): n for nr, n in by_nr.items()})

    def summary(self) -> list[SyscallStat]:
        """Per-syscall totals, most time first (strace -c's order)."""
        store = self._store
        acc: dict[int, list[float]] = {}
        for r in self._row_iter():
            nr = store.nr[r]
            d = store.duration[r]
            a = acc.get(nr)
            if a is None:
                a = acc[nr] = [0, 0, 0.0, math.inf, 0.0]
            a[0] += 1
            if store.flags[r] & _FAILED:
                a[1] += 1
            if not math.isnan(d):
                a[2] += d
                a[3] = min(a[3], d)
                a[4] = max(a[4], d)
        name = store.table.name
        stats = [
            SyscallStat(name(nr), int(a[0]), int(a[1]), a[2], 0.0 if a[3] == math.inf else a[3],
                        a[4])
            for nr, a in acc.items()
        ]
        stats.sort(key=lambda s: (-s.total_s, -s.calls, s.name))
        return stats

    def paths(self) -> list[str]:
        """The path arguments of the events, in order."""
        out: list[str] = []
        for ev in self.events:
            out.extend(ev.paths)
        return out

    def by_pid(self) -> dict[int, Trace]:
        """One view per process, in order of first appearance."""
        pids = dict.fromkeys(self._store.pid[r] for r in self._row_iter())
        return {p: self.filter(pid=p) for p in pids}

    def to_json(self, *, with_events: bool = True) -> dict[str, Any]:
        """This trace as a renacer-json-v1 document (see docs/schema/)."""
        from . import __version__

        doc: dict[str, Any] = {
            "format": JSON_FORMAT,
            "tool": {"name": "renacer", "version": __version__},
            "arch": self._store.table.arch,
            "command": self.argv,
            "mode": self.mode,
            "returncode": self.returncode,
            "duration": round(self.duration, 9),
            "processes": [
                {"pid": p.pid, "ppid": p.ppid, "argv": p.argv, "returncode": p.returncode}
                for p in self.processes.values()
            ],
            "summary": [
                {"name": s.name, "calls": s.calls, "errors": s.errors,
                 "total_s": round(s.total_s, 9), "min_s": round(s.min_s, 9),
                 "max_s": round(s.max_s, 9)}
                for s in self.summary()
            ],
            "counts": dict(sorted(self.names().items())),
            "total": len(self),
        }
        if with_events:
            doc["events"] = [ev.to_json() for ev in self.events]
            doc["signals"] = [
                {"pid": s.pid, "tid": s.tid, "signal": s.name, "start": round(s.start, 9)}
                for s in self.signals
            ]
        return doc


def returncode_of(status: int) -> int:
    """A wait status as subprocess reports it: exit code, or -signal when killed."""
    if status & 0x7F == 0:
        return (status >> 8) & 0xFF
    return -(status & 0x7F)


class TraceRecorder:
    """The engine's sink that builds a :class:`Trace` (times in monotonic ns)."""

    def __init__(self, table: SyscallTable, *, mode: str = "full") -> None:
        self.mode = mode
        self.store = EventStore(table, with_args=mode != "count")
        self.processes: dict[int, Process] = {}
        self.signals: list[SignalEvent] = []
        self.t0: int | None = None
        self.t_end: int | None = None
        self._no_retval = mode == "count"
        self._interned: dict[tuple[tuple[Any, object], ...], int] = {}  # -> pinned slot
        self._bind()

    def _rel(self, t: int) -> float:
        if self.t0 is None:
            self.t0 = t
        return (t - self.t0) / 1e9

    def task_started(self, pid: int, tid: int, ppid: int | None, argv: list[str] | None,
                     t: int) -> None:
        self._rel(t)
        if pid == tid and pid not in self.processes:
            self.processes[pid] = Process(pid, ppid, list(argv or []))

    # syscall_entry and syscall_exit run at every stop: they are EventStore.append and
    # .finish inlined (same columns, same values), with the column methods bound once.
    def _bind(self) -> None:
        store = self.store
        self._nr_append = store.nr.append
        self._pid_append = store.pid.append
        self._tid_append = store.tid.append
        self._start_append = store.start.append
        self._duration_append = store.duration.append
        self._retval_append = store.retval.append
        self._flags_append = store.flags.append
        self._args_extend = store.args.extend if store.with_args else None
        self._row_flags = _NO_RETVAL if self._no_retval else _UNFINISHED

    def syscall_entry(self, pid: int, tid: int, nr: int, args: tuple[int, ...], t: int,
                      captured: dict[Any, object] | None) -> int:
        t0 = self.t0
        if t0 is None:
            t0 = self.t0 = t
        nr_column = self.store.nr
        row = len(nr_column)
        self._nr_append(nr)
        self._pid_append(pid)
        self._tid_append(tid)
        self._start_append((t - t0) / 1e9)
        self._duration_append(_NAN)
        self._retval_append(0)
        self._flags_append(self._row_flags)
        if self._args_extend is not None:
            self._args_extend(args)
        if captured:
            self._store_captured(row, captured)
        return row

    def syscall_exit(self, token: int, pid: int, tid: int, nr: int, retval: int,
                     failed: bool, t: int, captured: dict[Any, object] | None) -> None:
        t0 = self.t0
        if t0 is None:
            t0 = self.t0 = t
        store = self.store
        store.retval[token] = retval
        store.duration[token] = (t - t0) / 1e9 - store.start[token]
        store.flags[token] = _FAILED if failed else 0
        if captured:
            self._store_captured(token, captured)

    def core_columns(self) -> tuple[Any, ...]:
        """What the engine's compiled core needs to record into this recorder's columns
        itself (the same rows syscall_entry/syscall_exit would make; tracer/_core.c)."""
        store = self.store
        return (self, store.nr, store.pid, store.tid, store.start, store.duration,
                store.retval, store.flags, store.args if store.with_args else None,
                store.captured, self._store_captured, self._row_flags, _FAILED)

    def _store_captured(self, row: int, captured: dict[Any, object]) -> int:
        """Row ``row``'s capture; equal captures share one slot (a loop writing the same
        bytes a million times keeps one dict, not a million): that slot, or 0 when the
        row has a capture of its own.  The shared object is a copy: the capturer may
        still add out-parameters to the dict it handed us at a call's entry."""
        column = self.store.captured
        try:
            key = tuple(captured.items())
            slot = self._interned.get(key)
        except TypeError:  # a list or dict inside: not hashable, kept as is
            column[row] = captured
            return 0
        if slot is None:
            if len(self._interned) >= _MAX_INTERNED:
                column[row] = captured
                return 0
            slot = self._interned[key] = column.pin(dict(captured))
        column.set_slot(row, slot)
        return slot

    def signal(self, pid: int, tid: int, signo: int, siginfo: bytes, t: int) -> None:
        self.signals.append(SignalEvent(pid, tid, signo, self._rel(t), siginfo))

    def group_stop(self, pid: int, tid: int, signo: int, t: int) -> None:
        pass

    def exec(self, pid: int, tid: int, former_tid: int, argv: list[str] | None,
             t: int) -> None:
        proc = self.processes.get(pid)
        if proc is None:
            proc = self.processes[pid] = Process(pid, None)
        if argv is not None:
            proc.argv = argv

    def task_exited(self, pid: int, tid: int, status: int, t: int) -> None:
        self.t_end = t
        if pid == tid:
            proc = self.processes.get(pid)
            if proc is None:
                proc = self.processes[pid] = Process(pid, None)
            proc.returncode = returncode_of(status)

    def build(self, **kwargs: Any) -> Trace:
        duration = 0.0
        if self.t0 is not None and self.t_end is not None:
            duration = (self.t_end - self.t0) / 1e9
        kwargs.setdefault("duration", duration)
        return Trace(self.store, processes=self.processes, signals=self.signals,
                     mode=self.mode, **kwargs)
