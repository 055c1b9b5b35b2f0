"""A sink that ignores every record: the base of sinks that want only some of them."""

from __future__ import annotations

from typing import Any


class IgnoringSink:
    """Implements the engine's :class:`~pytest_renacer.tracer.engine.Sink` protocol by
    doing nothing; subclasses override the records they care about."""

    def task_started(self, pid: int, tid: int, ppid: int | None, argv: list[str] | None,
                     t: int) -> None:
        pass

    def syscall_entry(self, *args: Any) -> None:
        return None

    def syscall_exit(self, *args: Any) -> None:
        pass

    def signal(self, *args: Any) -> None:
        pass

    def group_stop(self, *args: Any) -> None:
        pass

    def exec(self, pid: int, tid: int, former_tid: int, argv: list[str] | None,
             t: int) -> None:
        pass

    def task_exited(self, pid: int, tid: int, status: int, t: int) -> None:
        pass
