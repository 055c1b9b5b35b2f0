"""The sink base class and the syscall fan-out to several sinks."""

from __future__ import annotations

from typing import Any

from pytest_renacer.tracer.sink import IgnoringSink, syscall_fanout


class Recording(IgnoringSink):
    def __init__(self, name: str) -> None:
        self.name = name
        self.calls: list[tuple[Any, ...]] = []

    def syscall_entry(self, *args: Any) -> str:
        self.calls.append(("entry", *args))
        return f"{self.name}-token"

    def syscall_exit(self, *args: Any) -> None:
        self.calls.append(("exit", *args))


def test_the_base_ignores_every_record():
    s = IgnoringSink()
    s.task_started(1, 1, 0, ["prog"], 0)
    assert s.syscall_entry(1, 1, 0, (0,) * 6, 0, None) is None
    s.syscall_exit(None, 1, 1, 0, 0, False, 0, None)
    s.signal(1, 1, 17, b"", 0)
    s.group_stop(1, 1, 19, 0)
    s.exec(1, 1, 1, ["prog"], 0)
    s.task_exited(1, 1, 0, 0)


def test_one_sink_gets_its_own_methods():
    a = Recording("a")
    entry, exit_ = syscall_fanout([a])
    assert entry == a.syscall_entry and exit_ == a.syscall_exit


def test_each_sink_gets_its_own_token_back():
    a, b = Recording("a"), Recording("b")
    entry, exit_ = syscall_fanout([a, b])
    token = entry(1, 1, 0, (0,) * 6, 5, None)
    assert token == ("a-token", "b-token")
    exit_(token, 1, 1, 0, 3, False, 6, None)
    assert a.calls == [("entry", 1, 1, 0, (0,) * 6, 5, None),
                       ("exit", "a-token", 1, 1, 0, 3, False, 6, None)]
    assert b.calls[1] == ("exit", "b-token", 1, 1, 0, 3, False, 6, None)
