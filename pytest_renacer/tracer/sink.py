"""A sink that ignores every record: the base of sinks that want only some of them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


class IgnoringSink:
    """Implements the engine's :class:`~pytest_renacer.tracer.engine.Sink` protocol by
    doing nothing; subclasses override the records they care about."""

    def task_started(self, pid: int, tid: int, ppid: int | None, argv: list[str] | None,
                     t: int) -> None:
        pass

    def syscall_entry(self, pid: int, tid: int, nr: int, args: tuple[int, ...], t: int,
                      captured: dict[Any, object] | None) -> Any:
        return None

    def syscall_exit(self, token: Any, pid: int, tid: int, nr: int, retval: int,
                     failed: bool, t: int, captured: dict[Any, object] | None) -> None:
        pass

    def signal(self, pid: int, tid: int, signo: int, siginfo: bytes, t: int) -> None:
        pass

    def group_stop(self, pid: int, tid: int, signo: int, t: int) -> None:
        pass

    def exec(self, pid: int, tid: int, former_tid: int, argv: list[str] | None,
             t: int) -> None:
        pass

    def task_exited(self, pid: int, tid: int, status: int, t: int) -> None:
        pass


def syscall_fanout(sinks: Sequence[Any]) -> tuple[Callable[..., Any], Callable[..., None]]:
    """``syscall_entry``/``syscall_exit`` that forward to each of ``sinks``; the entry
    returns a tuple of the sinks' tokens, which the exit hands back to each.  With one
    sink, its own methods: these are the engine's hot path."""
    if len(sinks) == 1:
        return sinks[0].syscall_entry, sinks[0].syscall_exit
    entries = tuple(s.syscall_entry for s in sinks)
    exits = tuple(s.syscall_exit for s in sinks)

    def entry(*args: Any) -> tuple[Any, ...]:
        return tuple(m(*args) for m in entries)

    def exit_(token: tuple[Any, ...], *args: Any) -> None:
        for m, tok in zip(exits, token, strict=True):
            m(tok, *args)

    return entry, exit_
