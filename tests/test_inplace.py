"""inplace.py and inplace_helper.py: windows of this very thread, traced by the helper."""

from __future__ import annotations

import os
import threading
import time

import pytest

from pytest_renacer.errors import RenacerError
from pytest_renacer.inplace import InPlaceDenied, InPlaceTracer


@pytest.fixture
def tracer() -> InPlaceTracer:
    t = InPlaceTracer()
    yield t
    t.close()


def tracer_pid() -> int:
    with open("/proc/thread-self/status") as f:
        return int(next(line for line in f if line.startswith("TracerPid:")).split()[1])


def test_a_window_records_the_calling_thread_only(tracer: InPlaceTracer) -> None:
    other_started = threading.Event()
    stop = threading.Event()

    def other() -> None:  # another thread of this process, busy the whole time
        other_started.set()
        while not stop.is_set():
            os.getpid()

    t = threading.Thread(target=other)
    t.start()
    other_started.wait()
    try:
        trace, value, failure = tracer.call(lambda: (os.getppid(), os.getppid())[0],
                                            {"filter": "getppid,getpid"}, "body")
    finally:
        stop.set()
        t.join()
    assert value == os.getppid() and failure is None
    assert [ev.name for ev in trace.events] == ["getppid", "getppid"]
    assert {ev.tid for ev in trace.events} == {threading.get_native_id()}
    assert trace.processes[os.getpid()].argv == ["body"]
    assert tracer_pid() == 0  # detached at the window's end


def test_threads_started_in_the_window_are_followed(tracer: InPlaceTracer) -> None:
    def body() -> None:
        t = threading.Thread(target=os.getppid)
        t.start()
        t.join()

    trace, _, _ = tracer.call(body, {"filter": "getppid"}, "body")
    (ev,) = trace.events
    assert ev.tid != threading.get_native_id() and ev.pid == os.getpid()


def test_the_exception_is_returned_and_the_helper_reused(tracer: InPlaceTracer) -> None:
    failure = ValueError("mine")

    def body() -> None:
        raise failure

    _, _, got = tracer.call(body, {}, "body")
    assert got is failure
    pid = tracer._proc.pid if tracer._proc else None
    tracer.call(os.getppid, {}, "again")
    assert tracer._proc is not None and tracer._proc.pid == pid and tracer.started == 1


def test_python_lines_stop_at_the_first_own_frame(tracer: InPlaceTracer) -> None:
    def emit() -> None:
        os.write(fd, b"x")  # the line ev.source names

    fd = os.open(os.devnull, os.O_WRONLY)
    try:
        options = {"filter": "write", "source": True, "source_native": False,
                   "source_own_only": True}
        trace, _, _ = tracer.call(emit, options, "body")
    finally:
        os.close(fd)
    (ev,) = trace.events
    assert ev.source is not None
    assert os.path.basename(ev.source.file) == "test_inplace.py"
    assert ev.source.function.endswith("emit")  # its qualified name (3.11+)
    assert ev.source.line == emit.__code__.co_firstlineno + 1
    assert len(ev.stack) == 1  # no frame of pytest's below it was read


def test_a_window_in_a_window_is_refused(tracer: InPlaceTracer) -> None:
    def nested() -> None:
        tracer.begin({})

    _, _, failure = tracer.call(nested, {}, "outer")
    assert isinstance(failure, RenacerError) and "already open" in str(failure)


def test_a_refused_seize_is_inplace_denied(tracer: InPlaceTracer,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENACER_TEST_DENY_SEIZE", "1")
    with pytest.raises(InPlaceDenied, match="operation not permitted"):
        tracer.begin({})
    assert tracer.denied is not None
    with pytest.raises(InPlaceDenied):  # remembered: no second helper is asked
        tracer.begin({})
    assert tracer_pid() == 0


def test_tracing_from_inside_a_window_is_a_clear_error(tracer: InPlaceTracer) -> None:
    import pytest_renacer as rn

    _, _, failure = tracer.call(lambda: rn.trace(["true"]), {}, "body")
    assert isinstance(failure, RenacerError)
    assert "traced in place" in str(failure) and "syscalls fixture" in str(failure)
    assert rn.trace(["true"]).returncode == 0  # outside a window, as ever


def test_the_helper_is_named_as_our_tracer(tracer: InPlaceTracer,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Yama's ptrace_scope 1 lets a process be traced by the tracer it names:
    prctl(PR_SET_PTRACER, helper) is made when the helper starts (this machine has no
    Yama, where the call fails with EINVAL and is ignored)."""
    from pytest_renacer.inplace import PR_SET_PTRACER
    from pytest_renacer.tracer import ptrace

    calls: list[tuple[int, int]] = []
    real = ptrace.prctl

    def prctl(option: int, arg2: int = 0, *rest: int) -> int:
        if option == PR_SET_PTRACER:
            calls.append((option, arg2))
        return real(option, arg2, *rest)

    monkeypatch.setattr(ptrace, "prctl", prctl)
    tracer.call(os.getppid, {}, "body")
    assert tracer._proc is not None
    assert calls == [(PR_SET_PTRACER, tracer._proc.pid)]


def test_interrupted_while_being_seized_leaves_no_tracer(tracer: InPlaceTracer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the helper seizes this thread: the helper is killed (the kernel
    detaches the thread), and the next window starts a new one."""
    from pytest_renacer import inplace_helper

    real = inplace_helper.read_message

    def interrupted(fd: int) -> object:
        time.sleep(0.2)  # the helper seizes this thread meanwhile
        raise KeyboardInterrupt

    monkeypatch.setattr(inplace_helper, "read_message", interrupted)
    with pytest.raises(KeyboardInterrupt):
        tracer.begin({})
    monkeypatch.setattr(inplace_helper, "read_message", real)
    assert tracer_pid() == 0
    trace, _, _ = tracer.call(os.getppid, {"filter": "getppid"}, "again")
    assert len(trace.events) == 1 and tracer.started == 2
