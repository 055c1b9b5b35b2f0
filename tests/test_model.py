"""model: a Trace built from raw records (no tracing), its filter views and queries."""

from __future__ import annotations

import re

import pytest

import pytest_renacer as rn
from pytest_renacer.model import Trace, TraceRecorder, returncode_of
from pytest_renacer.tables import table_for
from pytest_renacer.types import Frame

TABLE = table_for("x86_64")
NR = {name: TABLE.by_name[name].nr for name in ("openat", "read", "write", "close")}
ENOENT = 2


def _trace() -> Trace:
    """pid 10: openat("/etc/a") = 3, read(3) = 4, openat("/nope") = -ENOENT, close(3);
    pid 11 (its child): write(1) = 1, openat("/etc/b") = 4."""
    rec = TraceRecorder(TABLE)
    rec.task_started(10, 10, None, ["prog", "x"], 0)
    rec.task_started(11, 11, 10, ["prog", "child"], 1)
    t = 1_000

    def call(pid: int, name: str, args: tuple[int, ...], ret: int, path: bytes | None = None,
             failed: bool = False) -> None:
        nonlocal t
        cap = {1: path} if path is not None else None
        token = rec.syscall_entry(pid, pid, NR[name], args + (0,) * (6 - len(args)), t, cap)
        t += 500
        rec.syscall_exit(token, pid, pid, NR[name], ret, failed, t, None)
        t += 500

    call(10, "openat", (0xFFFFFF9C, 0x1000, 0), 3, b"/etc/a")
    call(10, "read", (3, 0x2000, 16), 4)
    call(10, "openat", (0xFFFFFF9C, 0x1000, 0), -ENOENT, b"/nope", failed=True)
    call(11, "write", (1, 0x3000, 1), 1)
    call(10, "close", (3,), 0)
    call(11, "openat", (0xFFFFFF9C, 0x1000, 0), 4, b"/etc/b")
    rec.task_exited(11, 11, 0, t)
    rec.task_exited(10, 10, 1 << 8, t + 1)
    return rec.build(argv=["prog", "x"], returncode=1)


def names(t: Trace) -> list[str]:
    return [ev.name for ev in t.events]


def test_events_in_entry_order_with_decoded_fields() -> None:
    t = _trace()
    assert names(t) == ["openat", "read", "openat", "write", "close", "openat"]
    bad = t.events[2]
    assert bad.failed and bad.errno == "ENOENT" and bad.retval == -1
    assert bad.raw_retval == -ENOENT
    assert t.events[0].retval == 3 and not t.events[0].failed
    assert t.events[1].duration == pytest.approx(500e-9)
    assert t.events[1].start == pytest.approx(2e-6)
    assert t.paths() == ["/etc/a", "/nope", "/etc/b"]


@pytest.mark.parametrize(("kwargs", "want"), [
    ({"selector": "openat"}, ["openat", "openat", "openat"]),
    ({"selector": "openat,close"}, ["openat", "openat", "close", "openat"]),
    ({"selector": ["read", "write"]}, ["read", "write"]),
    ({"selector": "!openat"}, ["read", "write", "close"]),
    ({"pid": 11}, ["write", "openat"]),
    ({"pid": [10]}, ["openat", "read", "openat", "close"]),
    ({"pid": [10, 11]}, ["openat", "read", "openat", "write", "close", "openat"]),
    ({"failed": True}, ["openat"]),
    ({"failed": False}, ["openat", "read", "write", "close", "openat"]),
    ({"path": "/etc/b"}, ["openat"]),
    ({"path": re.compile(r"^/etc/")}, ["openat", "openat"]),
    ({"selector": "openat", "pid": 10, "failed": False}, ["openat"]),
    ({"selector": "%file", "failed": False, "path": re.compile("a$")}, ["openat"]),
])
def test_filter_views(kwargs: dict[str, object], want: list[str]) -> None:
    t = _trace()
    view = t.filter(**kwargs)  # type: ignore[arg-type]
    assert names(view) == want
    assert len(view) == len(want) and bool(view) == bool(want)
    assert view.argv == t.argv and view.returncode == t.returncode
    assert view.processes is t.processes and view.mode == t.mode
    assert names(view.filter()) == want  # a view of a view


def test_filter_of_a_view_narrows_it() -> None:
    t = _trace()
    child = t.filter(pid=11)
    assert names(child.filter("openat")) == ["openat"]
    assert child.filter("openat").events[0].paths == ["/etc/b"]
    assert names(t.filter(failed=True).filter(pid=11)) == []


def test_counts_names_and_summary() -> None:
    t = _trace()
    assert t.count() == 6 and t.count("openat") == 3 and t.count("%file") == 3
    assert t.names() == {"openat": 3, "read": 1, "write": 1, "close": 1}
    summary = {s.name: s for s in t.summary()}
    assert summary["openat"].calls == 3 and summary["openat"].errors == 1
    assert summary["read"].errors == 0
    assert summary["openat"].total_s == pytest.approx(1.5e-6)
    assert summary["openat"].min_s == pytest.approx(500e-9)
    assert t.by_pid().keys() == {10, 11}
    assert names(t.by_pid()[11]) == ["write", "openat"]


def test_processes_and_returncodes() -> None:
    t = _trace()
    assert t.processes[10].argv == ["prog", "x"] and t.processes[11].ppid == 10
    assert returncode_of(1 << 8) == 1
    assert returncode_of(9) == -9  # killed by SIGKILL
    assert returncode_of(0) == 0


def test_json_document() -> None:
    doc = _trace().to_json()
    assert doc["command"] == ["prog", "x"] and doc["returncode"] == 1
    assert doc["total"] == 6 and doc["counts"] == {"close": 1, "openat": 3, "read": 1,
                                                  "write": 1}
    assert [e["name"] for e in doc["events"]] == ["openat", "read", "openat", "write",
                                                  "close", "openat"]
    assert doc["events"][2]["errno"] == "ENOENT" and doc["events"][2]["retval"] == -1
    assert {p["pid"] for p in doc["processes"]} == {10, 11}
    assert "events" not in _trace().to_json(with_events=False)
    assert list(doc) == ["format", "tool", "arch", "command", "mode", "returncode",
                         "duration", "processes", "summary", "counts", "total", "events",
                         "signals"]
    assert doc["format"] == "renacer-json-v1" and doc["tool"]["name"] == "renacer"
    assert doc["arch"] == "x86_64" and doc["mode"] == "full" and doc["signals"] == []
    assert doc["duration"] == pytest.approx(7.001e-6)  # the first record (0) to the last exit
    assert doc["processes"] == [
        {"pid": 10, "ppid": None, "argv": ["prog", "x"], "returncode": 1},
        {"pid": 11, "ppid": 10, "argv": ["prog", "child"], "returncode": 0}]
    assert doc["summary"][0] == {"name": "openat", "calls": 3, "errors": 1,
                                 "total_s": 1.5e-06, "min_s": 5e-07, "max_s": 5e-07}
    # the failed openat: every field, as the inputs above make it
    assert doc["events"][2] == {
        "name": "openat", "nr": NR["openat"], "pid": 10, "tid": 10, "start": 3e-06,
        "duration": 5e-07, "args": ["AT_FDCWD", "/nope", "O_RDONLY", 0],
        "raw_args": [0xFFFFFF9C, 0x1000, 0, 0], "text": 'AT_FDCWD, "/nope", O_RDONLY',
        "retval": -1, "errno": "ENOENT", "finished": True}


def test_text_of_events_and_return_values() -> None:
    t = _trace()
    assert str(t.events[2]) == 'openat(AT_FDCWD, "/nope", O_RDONLY) = -1 ENOENT ' \
        "(No such file or directory)"
    assert str(t.events[0]) == 'openat(AT_FDCWD, "/etc/a", O_RDONLY) = 3'
    assert t.events[4].format_retval() == "0"
    assert t.events[2].format_retval() == "-1 ENOENT (No such file or directory)"


def test_bytes_and_stacks_in_the_json() -> None:
    """Captured bytes that are not UTF-8, and a stack from a symbolizer, in to_json."""
    rec = TraceRecorder(TABLE)
    rec.task_started(5, 5, None, ["w"], 0)
    token = rec.syscall_entry(5, 5, NR["write"], (1, 0x10, 3, 0, 0, 0), 10,
                              {1: b"a\xffb", "pcs": (0, 0x401000, 0x401100)})
    rec.syscall_exit(token, 5, 5, NR["write"], 3, False, 20, None)
    t = rec.build(argv=["w"], returncode=0)
    own = Frame("w.c", 7, "main", "/bin/w", 0x401100)
    lib = Frame(None, None, "write", "/lib/libc.so.6", 0x401000)
    calls: list[tuple[int, tuple[int, ...]]] = []

    def symbolize(pid: int, pcs: tuple[int, ...]) -> tuple[Frame, ...]:
        calls.append((pid, pcs))
        return (lib, own)

    t._store.symbolizer = symbolize
    ev = t.events[0]
    doc = ev.to_json()
    assert doc["args"] == [1, "a\\xffb", 3]
    assert doc["stack"] == [
        {"file": None, "line": None, "function": "write", "binary": "/lib/libc.so.6",
         "address": 0x401000, "language": "native"},
        {"file": "w.c", "line": 7, "function": "main", "binary": "/bin/w",
         "address": 0x401100, "language": "native"}]
    assert doc["source"] == doc["stack"][1]
    assert calls[0] == (5, (0, 0x401000, 0x401100))
    assert "source" not in ev.to_json(with_source=False)
    assert doc["duration"] == 1e-08


def test_unknown_and_unfinished_calls() -> None:
    """A number the table does not know, and a call that never returned (its process
    was killed in it): the return value text as strace prints them."""
    rec = TraceRecorder(TABLE)
    rec.task_started(7, 7, None, ["u"], 0)
    unknown = rec.syscall_entry(7, 7, 999, (1, 2, 3, 0, 0, 0), 10, None)
    rec.syscall_exit(unknown, 7, 7, 999, -ENOENT, True, 20, None)
    known = rec.syscall_entry(7, 7, 999, (0,) * 6, 30, None)
    rec.syscall_exit(known, 7, 7, 999, 42, False, 40, None)
    rec.syscall_entry(7, 7, NR["read"], (0, 0x10, 8, 0, 0, 0), 50, None)  # never returns
    t = rec.build(argv=["u"], returncode=-9)
    bad, ok, pending = t.events
    assert bad.format_retval() == "-1 ENOENT (No such file or directory)"
    assert ok.format_retval() == "42"
    assert not pending.finished and pending.format_retval() == "?"
    assert pending.to_json()["finished"] is False
    assert bad.name == "syscall_0x3e7" and bad.paths == []


def test_capture_column_rows_own_and_shared_captures():
    from pytest_renacer.model import CaptureColumn

    col = CaptureColumn()
    assert col.get(0) is None and len(col) == 0 and 0 not in col
    col[3] = {1: b"own"}
    shared = col.pin({1: b"x"})
    for row in (0, 1, 5000):
        col.set_slot(row, shared)
    assert col[3] == {1: b"own"} and col.get(2) is None and col.get(-1) is None
    assert col[0] is col[1] is col[5000]
    col[3] = {1: b"own", 2: b"out"}  # an exit's merged capture replaces the entry's
    col[1] = {2: b"mine"}  # a row leaves its shared slot for one of its own
    assert col[0] == {1: b"x"} and col[1] == {2: b"mine"}
    assert list(col.items()) == [(0, {1: b"x"}), (1, {2: b"mine"}),
                                 (3, {1: b"own", 2: b"out"}), (5000, {1: b"x"})]
    assert len(col) == 4 and 3 in col and 4 not in col
    with pytest.raises(KeyError):
        col[4]
    # the replaced own captures are let go: own slots are reused, shared ones kept once
    assert sum(v is not None for v in col._values) == 3


def test_a_loop_captures_one_dict_for_all_its_rows(build):
    t = rn.trace([build("write_loop"), "9000"])  # more than a core batch (4096)
    writes = [ev for ev in t.events if ev.name == "write"]
    assert len(writes) == 9000 and all(ev.args[1] == b"x" for ev in writes)
    assert len({id(ev.captured) for ev in writes}) == 1
    # the core writes a repeated capture's slot itself: every row counted, none lost
    assert len(t._store.captured) == sum(1 for ev in t.events if ev.captured)
    assert dict(t._store.captured.items()).keys() == {
        i for i, ev in enumerate(t.events) if ev.captured}
