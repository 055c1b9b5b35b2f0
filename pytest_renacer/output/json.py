"""renacer-json-v1: one JSON document per trace, or JSON lines written as the trace runs.

The document is :meth:`Trace.to_json() <pytest_renacer.model.Trace.to_json>` plus what
only the command knows (its exit status) and the signals' decoded siginfo.  The JSON
Schema is published as ``docs/schema/renacer-json-v1.schema.json`` and shipped next to
this module; :func:`schema` loads it.

:class:`JsonlSink` is an engine sink writing one JSON object per line: a ``header``
first, then ``started``/``syscall``/``signal``/``stopped``/``exec``/``exited`` records as
they happen (a syscall when it returns, or when its thread dies in it), and an ``end``
record with the counts and summary last.  It keeps only the calls in progress and one
counter row per syscall name: memory stays flat however long the trace.
"""

from __future__ import annotations

import io
import json
import math
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from .. import __version__, decode
from ..model import JSON_FORMAT, EventStore, Frame, SyscallEvent, Trace
from ..tables import SyscallTable

__all__ = ["JSON_FORMAT", "JsonlSink", "document", "dumps", "schema", "schema_path",
           "write_document"]

#: (pid, program counters) -> frames; what source.make_unwinder() returns as symbolizer
Symbolizer = Callable[[int, tuple[int, ...]], tuple[Frame, ...]]


def schema_path() -> Path:
    """The JSON Schema file shipped in the package: a copy of the published
    docs/schema/renacer-json-v1.schema.json (a test keeps the two identical)."""
    return Path(__file__).resolve().parent / "renacer-json-v1.schema.json"


def schema() -> dict[str, Any]:
    """The renacer-json-v1 JSON Schema (draft 2020-12)."""
    with open(schema_path(), encoding="utf-8") as f:
        result: dict[str, Any] = json.load(f)
    return result


def _siginfo_text(siginfo: bytes) -> str:
    return decode.format_siginfo(siginfo) if siginfo else ""


def document(trace: Trace, *, with_events: bool = True,
             exit_status: int | None = None) -> dict[str, Any]:
    """The renacer-json-v1 document of ``trace``."""
    doc = trace.to_json(with_events=with_events)
    if exit_status is not None:
        doc["exit_status"] = exit_status
    if with_events:
        for entry, sig in zip(doc.get("signals", []), trace.signals, strict=False):
            entry["siginfo"] = _siginfo_text(sig.siginfo)
    return doc


def dumps(doc: dict[str, Any]) -> str:
    """A document as :func:`write_document` writes it (one event per line)."""
    out = io.StringIO()
    _write(doc, out)
    return out.getvalue()


def _write(doc: dict[str, Any], stream: IO[str],
           events: Iterable[dict[str, Any]] | None = None) -> None:
    """The document, a top-level key per line and an event per line; ``events`` (when
    given) are written as they are produced, after the keys of ``doc``."""
    stream.write("{")
    first = True
    items = list(doc.items())
    if events is not None:
        items.append(("events", None))
    for key, value in items:
        stream.write("\n" if first else ",\n")
        first = False
        stream.write(f" {json.dumps(key)}: ")
        if key in ("events", "signals", "processes", "summary") and isinstance(value, list):
            _write_list(stream, value)
        elif key == "events" and value is None and events is not None:
            _write_list(stream, events)
        else:
            stream.write(json.dumps(value, ensure_ascii=False))
    stream.write("\n}\n")


def _write_list(stream: IO[str], values: Iterable[Any]) -> None:
    stream.write("[")
    sep = "\n  "
    for value in values:
        stream.write(sep + json.dumps(value, ensure_ascii=False))
        sep = ",\n  "
    stream.write("\n ]" if sep != "\n  " else "]")


def write_document(trace: Trace, stream: IO[str], *, with_events: bool = True,
                   exit_status: int | None = None) -> None:
    """Write :func:`document` to ``stream`` event by event: a long trace's document is
    never held in memory whole (the Trace itself is compact)."""
    doc = document(trace, with_events=False, exit_status=exit_status)
    if not with_events:
        _write(doc, stream)
        return
    doc["signals"] = [
        {"pid": s.pid, "tid": s.tid, "signal": s.name, "start": round(s.start, 9),
         "siginfo": _siginfo_text(s.siginfo)}
        for s in trace.signals
    ]
    _write(doc, stream, (ev.to_json() for ev in trace.events))


def _is_regular(stream: IO[str]) -> bool:
    try:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


class JsonlSink:
    """Writes renacer-json-v1 records, one per line, as the engine reports them."""

    def __init__(self, table: SyscallTable, stream: IO[str], *, command: list[str],
                 strsize: int = 32, fd_paths: bool = False, events: bool = True,
                 symbolizer: Symbolizer | None = None) -> None:
        self.table = table
        self.stream = stream
        self.events = events
        self.strsize = strsize
        self.fd_paths = fd_paths
        self.symbolizer = symbolizer
        self._flush = not _is_regular(stream)
        self._t0: int | None = None
        self._t_end: int | None = None
        # tid -> (pid, nr, args, t, captured) of the call in progress
        self._pending: dict[int, tuple[int, int, tuple[int, ...], int,
                                       dict[Any, object] | None]] = {}
        # nr -> [calls, errors, total_s, min_s, max_s] (Trace.summary()'s meaning)
        self._acc: dict[int, list[float]] = {}
        self.total = 0
        self._emit({"type": "header", "format": JSON_FORMAT,
                    "tool": {"name": "renacer", "version": __version__},
                    "arch": table.arch, "command": list(command)})

    def set_symbolizer(self, symbolize: Symbolizer) -> None:
        """Called by api.trace(source=True): stacks and source lines in the records."""
        self.symbolizer = symbolize

    def _rel(self, t: int) -> float:
        if self._t0 is None:
            self._t0 = t
        return round((t - self._t0) / 1e9, 9)

    def _emit(self, record: dict[str, Any]) -> None:
        self.stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        if self._flush:
            self.stream.flush()

    def _count(self, nr: int, failed: bool, duration: float | None) -> None:
        self.total += 1
        a = self._acc.get(nr)
        if a is None:
            a = self._acc[nr] = [0, 0, 0.0, math.inf, 0.0]
        a[0] += 1
        if failed:
            a[1] += 1
        if duration is not None:
            a[2] += duration
            a[3] = min(a[3], duration)
            a[4] = max(a[4], duration)

    def _event(self, pid: int, tid: int, nr: int, args: tuple[int, ...], t: int,
               captured: dict[Any, object] | None,
               end: tuple[int, bool, int, dict[Any, object] | None] | None) -> None:
        store = EventStore(self.table)
        store.symbolizer = self.symbolizer
        row = store.append(pid, tid, nr, args, self._rel(t), captured)
        if end is not None:
            retval, failed, t_end, exit_captured = end
            cap = {**(captured or {}), **(exit_captured or {})} or None
            store.finish(row, retval, failed, self._rel(t_end), cap)
        ev = SyscallEvent(store, row)
        self._count(nr, ev.failed, ev.duration)
        if self.events:
            self._emit({"type": "syscall", **ev.to_json()})

    # -- the records --------------------------------------------------------------------
    def task_started(self, pid: int, tid: int, ppid: int | None, argv: list[str] | None,
                     t: int) -> None:
        self._emit({"type": "started", "pid": pid, "tid": tid, "ppid": ppid,
                    "argv": argv, "start": self._rel(t)})

    def syscall_entry(self, pid: int, tid: int, nr: int, args: tuple[int, ...], t: int,
                      captured: dict[Any, object] | None) -> None:
        self._pending[tid] = (pid, nr, args, t, captured)

    def syscall_exit(self, token: None, pid: int, tid: int, nr: int, retval: int,
                     failed: bool, t: int, captured: dict[Any, object] | None) -> None:
        pending = self._pending.pop(tid, None)
        if pending is None:
            return
        _, p_nr, args, t_entry, entry_captured = pending
        self._event(pid, tid, p_nr, args, t_entry, entry_captured, (retval, failed, t, captured))

    def signal(self, pid: int, tid: int, signo: int, siginfo: bytes, t: int) -> None:
        self._emit({"type": "signal", "pid": pid, "tid": tid,
                    "signal": decode.signal_name(signo), "start": self._rel(t),
                    "siginfo": _siginfo_text(siginfo)})

    def group_stop(self, pid: int, tid: int, signo: int, t: int) -> None:
        self._emit({"type": "stopped", "pid": pid, "tid": tid,
                    "signal": decode.signal_name(signo), "start": self._rel(t)})

    def exec(self, pid: int, tid: int, former_tid: int, argv: list[str] | None,
             t: int) -> None:
        if former_tid != tid:
            moved = self._pending.pop(former_tid, None)
            self._pending.pop(tid, None)
            if moved is not None:
                self._pending[tid] = moved
        self._emit({"type": "exec", "pid": pid, "tid": tid, "former_tid": former_tid,
                    "argv": argv, "start": self._rel(t)})

    def task_exited(self, pid: int, tid: int, status: int, t: int) -> None:
        self._t_end = t
        pending = self._pending.pop(tid, None)
        if pending is not None:
            _, nr, args, t_entry, captured = pending
            self._event(pid, tid, nr, args, t_entry, captured, None)
        code = (status >> 8) & 0xFF if status & 0x7F == 0 else -(status & 0x7F)
        self._emit({"type": "exited", "pid": pid, "tid": tid, "returncode": code,
                    "start": self._rel(t)})

    def finish(self, returncode: int | None, exit_status: int | None = None) -> None:
        """Write the ``end`` record (calls still in progress are written unfinished)."""
        for tid, (pid, nr, args, t, captured) in list(self._pending.items()):
            self._event(pid, tid, nr, args, t, captured, None)
        self._pending.clear()
        name = self.table.name
        stats = sorted(
            ((name(nr), a) for nr, a in self._acc.items()),
            key=lambda item: (-item[1][2], -item[1][0], item[0]),
        )
        end: dict[str, Any] = {
            "type": "end",
            "returncode": returncode,
            "duration": 0.0 if self._t_end is None else max(self._rel(self._t_end), 0.0),
            "total": self.total,
            "counts": dict(sorted((n, int(a[0])) for n, a in stats)),
            "summary": [
                {"name": n, "calls": int(a[0]), "errors": int(a[1]),
                 "total_s": round(a[2], 9), "min_s": 0.0 if a[3] == math.inf else round(a[3], 9),
                 "max_s": round(a[4], 9)}
                for n, a in stats
            ],
        }
        if exit_status is not None:
            end["exit_status"] = exit_status
        self._emit(end)
        self.stream.flush()
