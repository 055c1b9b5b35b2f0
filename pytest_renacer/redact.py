"""Redaction of what the plugin writes out: artifacts, the session document, reports.

Without it, an artifact (``--renacer-dir``, ``--renacer-json``, the failure report) may
hold: every traced command line (``argv`` of each process and of each ``execve``), the
first bytes (``strsize``, 32 by default) of every buffer read, written, sent or
received, other string arguments (``sethostname``, xattr names...), paths, the decoded
structs (socket addresses, stat results), return values, timing, source locations and,
for ``syscalls.call``, nothing of the callable's data beyond those calls.

With ``--renacer-redact`` (or ``renacer_redact = true`` in the ini file):

- buffer and string contents are dropped: such arguments show as their address, the
  way strace shows memory it could not read (paths stay: budgets and baselines use them);
- in every argv string, ``NAME=value`` keeps its name and loses its value
  (``TOKEN=***``, as ``env TOKEN=... cmd`` or ``--password=...`` would pass it);
- every match of a ``renacer_redact_patterns`` regex (one per ini line) in an argv
  string becomes ``***``.

The traces a test sees (``syscalls.run(...)``) are never changed: only what is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when a trace is redacted: a session that traces nothing
    from .model import EventStore, Trace  # loads no model or decoder

__all__ = ["CONTENT_KINDS", "MASK", "Redactor", "redactor_for"]

MASK = "***"
#: Argument kinds whose captured memory is contents, not a path or a struct.
CONTENT_KINDS = frozenset({"str", "buf_in", "buf_out", "iovec_in", "iovec_out",
                           "msghdr_in", "msghdr_out"})
_ENV_STYLE = re.compile(r"(?<![\w-])(-{0,2}[A-Za-z_][\w.-]*)=([^\s]+)")


@dataclass(frozen=True)
class Redactor:
    """What to hide; :meth:`traces` gives redacted copies."""

    patterns: tuple[re.Pattern[str], ...] = field(default=())

    @classmethod
    def from_patterns(cls, patterns: Iterable[str]) -> Redactor:
        """Compile the ini's patterns; ValueError naming a bad one."""
        compiled = []
        for p in patterns:
            if not p.strip():
                continue
            try:
                compiled.append(re.compile(p))
            except re.error as e:
                raise ValueError(f"renacer_redact_patterns: bad regex {p!r}: {e}") from None
        return cls(tuple(compiled))

    def text(self, s: str) -> str:
        """An argv string with its secrets masked."""
        for rx in self.patterns:
            s = rx.sub(MASK, s)
        return _ENV_STYLE.sub(lambda m: f"{m.group(1)}={MASK}", s)

    def argv(self, argv: Sequence[str]) -> list[str]:
        return [self.text(a) for a in argv]

    def trace(self, t: Trace) -> Trace:
        """A copy of ``t`` (same events) without contents and with argv masked."""
        from .model import CaptureColumn, EventStore, Process, Trace

        store = EventStore.__new__(EventStore)
        for name in EventStore.__slots__:
            setattr(store, name, getattr(t._store, name))
        store.captured = CaptureColumn()
        for row, cap in t._store.captured.items():
            store.captured[row] = self._captured(t._store, row, cap)
        processes = {pid: Process(p.pid, p.ppid, self.argv(p.argv), p.returncode)
                     for pid, p in t.processes.items()}
        copy = Trace(store, argv=self.argv(t.argv), processes=processes,
                     returncode=t.returncode, stdout=None, stderr=None, duration=t.duration,
                     signals=t.signals, rows=t._rows, mode=t.mode)
        copy.result = None
        return copy

    def _captured(self, store: EventStore, row: int, cap: dict[Any, object],
                  ) -> dict[Any, object]:
        from .decode.format import kinds_of

        info = store.table.by_nr.get(store.nr[row])
        if info is None:
            return {k: v for k, v in cap.items() if k == "pcs"}
        kinds = kinds_of(info)
        out: dict[Any, object] = {}
        for key, value in cap.items():
            i = key[1] if isinstance(key, tuple) and key[0] in ("in", "out") else key
            kind = kinds[i][0] if isinstance(i, int) and 0 <= i < len(kinds) else None
            if kind in CONTENT_KINDS:
                continue
            if kind == "argv" and isinstance(value, list):
                value = [None if a is None else
                         self.text(a.decode("utf-8", "surrogateescape")).encode(
                             "utf-8", "surrogateescape") for a in value]
            out[key] = value
        return out


def redactor_for(config: Any) -> Redactor | None:
    """The session's Redactor (None: redaction off); a bad pattern is a usage error."""
    on = config.getoption("renacer_redact")
    if not (on if on is not None else config.getini("renacer_redact")):
        return None
    try:
        return Redactor.from_patterns(config.getini("renacer_redact_patterns"))
    except ValueError as e:
        import pytest

        raise pytest.UsageError(str(e)) from None
