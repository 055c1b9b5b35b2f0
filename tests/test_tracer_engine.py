"""The engine against small C programs whose syscalls we know (through the public API)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest
from timescale import scaled

import pytest_renacer as rn
from pytest_renacer import api
from pytest_renacer.tables import host_arch
from pytest_renacer.tracer import Engine
from pytest_renacer.tracer import engine as engine_module
from pytest_renacer.tracer import ptrace as pt
from pytest_renacer.tracer.engine import PURE_PYTHON_ENV, load_core, stale_core
from pytest_renacer.tracer.sink import IgnoringSink

#: What pause() and access() are on this kernel: arm64 has neither syscall (glibc makes
#: them ppoll(NULL, 0, NULL, NULL, 0) and faccessat(AT_FDCWD, ...)).
PAUSE, ACCESS = ("pause", "access") if host_arch() == "x86_64" else ("ppoll", "faccessat")


@pytest.fixture(autouse=True, params=["core", "python"])
def engine_kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs on both engines: the compiled core and the pure-Python loop
    (its fallback and reference)."""
    if request.param == "python":
        monkeypatch.setenv(PURE_PYTHON_ENV, "1")
    elif load_core() is None:
        pytest.skip("the compiled core is not built")
    return str(request.param)


def test_write_loop_counts_every_call(build):
    prog = build("write_loop")
    t = rn.trace([prog, "1000"])
    assert t.returncode == 0
    assert t.mode == "full"
    writes = t.filter("write")
    assert len(writes) == 1000
    assert all(ev.retval == 1 and not ev.failed for ev in writes)
    first = t.events[0]
    assert first.name == "execve" and first.retval == 0
    assert t.events[-1].name == "exit_group" and not t.events[-1].finished
    assert list(t.processes) == [first.pid]
    assert t.processes[first.pid].returncode == 0
    starts = [ev.start for ev in t.events]
    assert starts == sorted(starts)
    assert all(ev.duration is not None and ev.duration >= 0 for ev in writes)


def test_timestamps_and_duration_are_plausible(build):
    t = rn.trace([build("write_loop"), "10"])
    assert 0 < t.duration < 10
    assert t.events[-1].start <= t.duration


def test_fork_tree_processes_and_exit_codes(build):
    t = rn.trace([build("fork_tree")])
    assert t.returncode == 3
    assert t.stdout == b"33\n"
    root = t.events[0].pid
    procs = t.processes
    assert len(procs) == 7
    children = [p for p in procs.values() if p.ppid == root]
    assert sorted(p.returncode for p in children) == [10, 11, 12]
    grandchildren = [p for p in procs.values() if p.ppid in {c.pid for c in children}]
    assert sorted(p.returncode for p in grandchildren) == [20, 21, 22]
    # each grandchild's getppid() returned its parent's pid
    for g in grandchildren:
        (ev,) = t.filter("getppid", pid=g.pid).events
        assert ev.retval == g.ppid


def test_no_follow_forks_traces_only_the_command(build):
    t = rn.trace([build("fork_tree")], follow_forks=False)
    assert t.returncode == 3
    assert {ev.pid for ev in t.events} == {t.events[0].pid}
    assert t.count("wait4") >= 3


def test_threads_are_followed(build):
    t = rn.trace([build("threads"), "4", "100"])
    assert t.returncode == 0
    calls = t.filter("getppid")
    assert len(calls) == 400
    assert len({ev.tid for ev in calls}) == 4
    assert {ev.pid for ev in calls} == {t.events[0].pid}
    assert t.count("clone3") + t.count("clone") == 4


def test_execve_from_a_non_leader_thread(build):
    prog = build("exec_thread")
    t = rn.trace([prog])
    assert t.returncode == 0
    assert t.stdout == b"from-thread\n"
    execs = t.filter("execve")
    assert [ev.retval for ev in execs] == [0, 0]
    root = execs[0].pid
    second = execs[1]
    # made by the thread, before it took the leader's tid
    assert second.pid == root and second.tid != root
    assert t.processes[root].argv == ["/bin/echo", "from-thread"]
    # after the exec the process runs as the leader's tid
    assert t.events[-1].tid == root


def test_signals_are_delivered_and_recorded(build):
    t = rn.trace([build("signals")])
    assert t.returncode == -signal.SIGTERM
    assert t.stdout == b"handled\n"
    assert [s.name for s in t.signals] == ["SIGUSR1", "SIGUSR2", "SIGTERM"]
    assert t.processes[t.events[0].pid].returncode == -signal.SIGTERM


def test_self_sigstop_is_a_real_group_stop(build):
    t = rn.trace([build("selfstop")])
    assert t.stdout == b"stopped=1 exit=7\n"
    assert t.returncode == 0
    assert "SIGSTOP" in [s.name for s in t.signals]


def test_timeout_kills_the_tree_and_keeps_the_partial_trace(build):
    started = time.monotonic()
    limit = scaled(0.5)  # (long enough for hang to reach its pause()s)
    with pytest.raises(rn.TraceTimeout) as info:
        rn.trace([build("hang")], timeout=limit)
    assert time.monotonic() - started < scaled(5)
    partial = info.value.trace
    assert partial.count(PAUSE) == 2
    assert len(partial.processes) == 2
    assert all(p.returncode == -signal.SIGKILL for p in partial.processes.values())
    assert f"did not finish within {limit} s" in str(info.value)


def test_stdout_stderr_input_cwd_env(tmp_path):
    t = rn.trace(["sh", "-c", "cat; pwd; echo $FOO >&2"], input=b"in\n", cwd=tmp_path,
                 env={"FOO": "bar", "PATH": os.environ["PATH"]})
    assert t.stdout == f"in\n{tmp_path}\n".encode()
    assert t.stderr == b"bar\n"


def test_capture_output_false_leaves_fds_alone(capfd):
    t = rn.trace(["echo", "straight"], capture_output=False)
    assert t.stdout is None
    assert "straight" in capfd.readouterr().out


def test_filter_uses_seccomp_and_records_only_the_selection(build):
    prog = build("write_loop")
    t = rn.trace([prog, "500"], filter="openat,close")
    assert t.mode == "seccomp"
    assert set(t.names()) <= {"openat", "close"}
    full = rn.trace([prog, "500"])
    assert t.names()["close"] == full.names()["close"]
    assert t.names()["openat"] == full.names()["openat"]
    devnull = [ev for ev in t.filter("openat") if ev.args[1] == "/dev/null"]
    assert len(devnull) == 1 and devnull[0].retval == 3


def test_filter_without_follow_forks_filters_in_software(build):
    t = rn.trace([build("write_loop"), "50"], filter="write", follow_forks=False)
    assert t.mode == "full"
    assert t.names() == {"write": 50}


def test_count_only_counts_like_a_full_trace(build):
    prog = build("fork_tree")
    counted = rn.trace([prog], count_only=True)
    full = rn.trace([prog])
    assert counted.mode == "count"
    assert counted.returncode == 3
    # A clone that a child's SIGCHLD interrupts is restarted (ERESTARTNOINTR): one more
    # entry in the run where that happened. Two runs agree on the calls that succeeded.
    restarted = sum(1 for ev in full.events if ev.errno == "ERESTARTNOINTR")
    clones = {"clone", "clone3", "fork", "vfork"}
    # arm64's ld.so trims a library's mapping to its 64 KiB alignment with one or two
    # munmaps, as ASLR placed it: a count of its own in each run (seen in the arm64 guest)
    unstable = clones | ({"munmap"} if host_arch() == "aarch64" else set())
    c_names, f_names = counted.names(), full.names()
    assert {k: v for k, v in c_names.items() if k not in unstable} == {
        k: v for k, v in f_names.items() if k not in unstable}
    f_clones = sum(f_names[k] for k in clones) - restarted
    assert f_clones <= sum(c_names[k] for k in clones) <= f_clones + 3
    assert all(ev.retval is None for ev in counted.events)


def test_count_only_with_filter(build):
    t = rn.trace([build("write_loop"), "300"], count_only=True, filter="write")
    assert t.names() == {"write": 300}


def test_decoded_arguments_and_errors(build):
    t = rn.trace([build("opens"), "/nonexistent/renacer-x"])
    (op,) = [ev for ev in t.filter("openat") if ev.args[1] == "/dev/null"]
    assert op.args[0] == "AT_FDCWD"
    assert op.args[2] == "O_RDONLY|O_CLOEXEC"
    (miss,) = t.filter("openat", failed=True, path="/nonexistent/renacer-x").events
    assert miss.errno == "ENOENT" and miss.retval == -1
    assert miss.args[2] == "O_WRONLY|O_CREAT|O_TRUNC"
    assert str(miss).startswith('openat(AT_FDCWD, "/nonexistent/renacer-x", ')
    assert str(miss).endswith("= -1 ENOENT (No such file or directory)")
    (acc,) = t.filter(ACCESS).events[-1:]
    assert acc.args[0 if ACCESS == "access" else 1] == "/etc/passwd" and acc.retval == 0
    (wr,) = [ev for ev in t.filter("write") if ev.pid == op.pid]
    assert wr.args[1] == b"done\n"
    assert "/etc/passwd" in t.paths()


def test_trace_as_json_document(build):
    t = rn.trace([build("write_loop"), "3"])
    doc = t.to_json()
    assert doc["format"] == "renacer-json-v1"
    assert doc["counts"]["write"] == 3
    assert doc["returncode"] == 0
    assert doc["events"][0]["name"] == "execve"


# -- attach ------------------------------------------------------------------------

def _proc_state(pid: int) -> tuple[str, int]:
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":\t", 1) for line in f if ":\t" in line)
    return fields["State"].split()[0], int(fields["TracerPid"])


def test_attach_traces_a_running_process_and_detaches(build):
    proc = subprocess.Popen([build("ticker")])
    try:
        time.sleep(0.1)
        tracer = rn.attach(proc.pid)
        assert tracer.running
        time.sleep(0.3)
        t = tracer.stop()
        assert t.count("getppid") > 10
        assert len({ev.tid for ev in t.filter("getppid")}) == 2
        assert all(ev.pid == proc.pid for ev in t.events)
        time.sleep(0.05)
        state, tracer_pid = _proc_state(proc.pid)
        assert tracer_pid == 0
        assert state in ("S", "R")  # running on, neither stopped nor traced
        assert proc.poll() is None
    finally:
        proc.kill()
        proc.wait()


def test_attach_sees_the_process_exit(build):
    proc = subprocess.Popen(["sleep", "0.3"])
    try:
        tracer = rn.attach(proc.pid)
        t = tracer.wait(timeout=5)
        assert t is not None
        assert t.processes[proc.pid].returncode == 0
        assert not tracer.running
    finally:
        proc.wait()


def test_stop_signals_no_root_already_reaped(monkeypatch):
    """stop() of a spawned tree whose root has exited while a child is still traced: the
    root's pid is free for any process of the machine by then (pid_max may be 32768), so
    it gets no SIGTERM; the traced rest is ended all the same."""
    tracer = api.spawn(["sh", "-c", "sleep 30 & exit 0"], capture_output=False)
    root = tracer.pid
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{root}") and time.monotonic() < deadline:
        time.sleep(0.02)  # the loop reaps the root: its /proc entry goes
    assert tracer.running  # sleep is traced still
    sent: list[tuple[int, int]] = []
    real_kill = os.kill

    def kill(pid: int, sig: int) -> None:
        sent.append((pid, sig))
        real_kill(pid, sig)

    monkeypatch.setattr(os, "kill", kill)
    t = tracer.stop(grace=0.2)
    assert (root, signal.SIGTERM) not in sent
    (sleep,) = [p for p in t.processes.values() if p.pid != root]
    assert sleep.returncode == -signal.SIGKILL


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="built on Linux only")
def test_the_core_is_built_where_it_can_be():
    """CI compiles the extension (pip install -e .) from the _core.c beside it: a missing
    or stale build would leave the core untested (whatever $RENACER_PURE_PYTHON says)."""
    from pytest_renacer.tracer import _core  # type: ignore[attr-defined]

    assert stale_core(_core) == ""


def test_a_core_built_from_another_source_is_not_used(monkeypatch, tmp_path):
    """A source tree's module left from before a change of _core.c (a pull, a merge) is
    called with arguments it does not know at the first stop: the pure-Python engine
    runs instead, with one warning saying how to rebuild."""
    core = pytest.importorskip("pytest_renacer.tracer._core")
    monkeypatch.delenv(PURE_PYTHON_ENV, raising=False)
    monkeypatch.setattr(engine_module, "_core_checked", None)
    monkeypatch.setattr(core, "SOURCE_CRC32", core.SOURCE_CRC32 ^ 1)
    with pytest.warns(RuntimeWarning, match=r"built from another .*_core\.c: the "
                      r"pure-Python engine runs instead \(rebuild it: pip install -e \.\)"):
        assert load_core() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once
        assert not Engine(IgnoringSink()).compiled
        assert rn.trace(["true"]).returncode == 0
    # no _core.c beside the module: nothing to compare with
    assert stale_core(core, str(tmp_path / "_core.c")) == ""


def test_attach_to_missing_pid():
    with pytest.raises(rn.AttachError, match="no such process"):
        rn.attach(2**22 + 12345)


def test_attach_to_self_is_refused():
    with pytest.raises(rn.AttachError, match="this process"):
        rn.attach(os.getpid())


def test_attach_not_permitted_names_the_reason(build):
    """A process can have one tracer: a second attach gets EPERM, as for another user's."""
    proc = subprocess.Popen([build("ticker")])
    try:
        time.sleep(0.05)
        first = rn.attach(proc.pid)
        try:
            with pytest.raises(rn.AttachError, match="operation not permitted"):
                rn.attach(proc.pid)
        finally:
            first.stop()
        assert _proc_state(proc.pid)[1] == 0
    finally:
        proc.kill()
        proc.wait()


# -- bad input -----------------------------------------------------------------------

def test_missing_command():
    with pytest.raises(rn.CommandNotFound, match="not in PATH"):
        rn.trace(["renacer-no-such-command"])
    with pytest.raises(rn.CommandNotFound, match="no such file"):
        rn.trace(["/nonexistent/bin/x"])
    with pytest.raises(rn.CommandNotFound):
        rn.trace([])


def test_not_executable(tmp_path):
    f = tmp_path / "script"
    f.write_text("#!/bin/sh\n")
    with pytest.raises(rn.CommandNotExecutable):
        rn.trace([str(f)])
    with pytest.raises(rn.CommandNotExecutable):
        rn.trace([str(tmp_path)])


def test_exec_format_error(tmp_path):
    f = tmp_path / "garbage"
    f.write_bytes(b"\x00\x01not an executable")
    f.chmod(0o755)
    with pytest.raises(rn.CommandNotExecutable, match="Exec format error"):
        rn.trace([str(f)])


def test_bad_cwd_is_a_clear_error(tmp_path):
    with pytest.raises(rn.TraceeError, match="chdir failed"):
        rn.trace(["true"], cwd=tmp_path / "missing")


def test_bad_filter():
    with pytest.raises(rn.FilterError) as info:
        rn.trace(["true"], filter="opn")
    assert "opn" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_ptrace_denied_is_tracing_unavailable():
    """A seccomp filter making ptrace fail with EPERM, as Docker's default profile does."""
    code = (
        "import errno, sys\n"
        "from pytest_renacer.tracer import seccomp, ptrace\n"
        "from pytest_renacer.tables import table_for\n"
        "t = table_for()\n"
        "import struct\n"
        "ins = struct.Struct('=HBBI')\n"
        "prog = b''.join(ins.pack(*i) for i in [(0x20,0,0,0), (0x15,0,1,t.by_name['ptrace'].nr),"
        " (0x06,0,0,0x00050000 | errno.EPERM), (0x06,0,0,0x7fff0000)])\n"
        "seccomp.PreparedFilter(prog).install()\n"
        "import pytest_renacer as rn\n"
        "try:\n"
        "    rn.trace(['true'])\n"
        "except rn.TracingUnavailable as e:\n"
        "    print(e); sys.exit(0)\n"
        "sys.exit(1)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).parent.parent)
    assert out.returncode == 0, out.stderr
    assert "ptrace is not permitted here" in out.stdout
    assert "SYS_PTRACE" in out.stdout


# -- traced callables ----------------------------------------------------------------

def _open_twice(path: str) -> int:
    for _ in range(2):
        with open(path, "rb") as f:
            f.read(1)
    return 42


def test_call_records_only_the_body(tmp_path):
    p = tmp_path / "f"
    p.write_bytes(b"x")
    t = api.call(_open_twice, str(p))
    assert t.result == 42
    opens = [ev for ev in t.filter("openat") if ev.args[1] == str(p)]
    assert len(opens) == 2
    assert t.count("ioctl") == sum(1 for ev in t.filter("ioctl") if ev.raw_args[0] != 2**64 - 1)
    assert t.count("exit_group") == 0  # the child's exit is not the body's
    assert t.count("write") == 0  # nor is sending the result back


def _boom() -> None:
    raise KeyError("inside")


def test_call_reraises_with_the_childs_traceback():
    with pytest.raises(KeyError, match="inside") as info:
        api.call(_boom)
    assert isinstance(info.value.__cause__, api.RemoteTraceback)
    assert "_boom" in str(info.value.__cause__)


def test_call_with_count_only_and_filter(tmp_path):
    p = tmp_path / "f"
    p.write_bytes(b"x")
    opts = api.TraceOptions(filter="openat", count_only=True)
    t = api.call(_open_twice, str(p), _renacer_options=opts)
    assert t.names()["openat"] >= 2
    assert set(t.names()) == {"openat"}


def test_call_exception_carries_the_body_trace(tmp_path):
    p = tmp_path / "f"
    p.write_bytes(b"x")

    def open_then_fail() -> None:
        _open_twice(str(p))
        raise ValueError("after opening")

    with pytest.raises(ValueError) as info:
        api.call(open_then_fail)
    body = info.value.renacer_trace
    assert len([ev for ev in body.filter("openat") if ev.args[1] == str(p)]) == 2


def test_tracer_killed_outright_takes_its_tracees_along(build):
    """PTRACE_O_EXITKILL: a tracer that dies by SIGKILL leaves no tracee behind (the
    autouse leak check finds any process carrying this session's marker)."""
    code = (
        "import os, signal, threading, sys\n"
        "import pytest_renacer as rn\n"
        "threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGKILL)).start()\n"
        f"rn.trace([{build('hang')!r}], filter={PAUSE!r})\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == -signal.SIGKILL


def test_keyboard_interrupt_in_the_loop_kills_the_tree(build, monkeypatch):
    """Whatever interrupts the loop, the spawned tree is killed and reaped first."""
    prog = build("hang")
    original = api.Engine.run

    def interrupted_run(self):
        # To the main thread itself: a process-wide signal may be delivered to the timer's
        # thread, which leaves the main thread asleep in waitpid (the tracees never exit).
        main = threading.main_thread().ident
        assert main is not None
        threading.Timer(0.3, lambda: signal.pthread_kill(main, signal.SIGINT)).start()
        original(self)

    monkeypatch.setattr(api.Engine, "run", interrupted_run)
    # Python's own handler, also when the suite runs with SIGINT ignored (a background
    # job, nohup, trap '' INT): an ignored SIGINT would leave the trace running for ever.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            rn.trace([prog])
    finally:
        signal.signal(signal.SIGINT, previous)


def _proc_state(pid: int) -> tuple[str, int] | None:
    """(state letter, TracerPid) of a process, None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
    except OSError:
        return None
    return fields["State"].split()[0], int(fields["TracerPid"])


def test_an_interrupt_before_a_fork_event_is_handled_leaves_no_child(build, monkeypatch):
    """The loop interrupted while the new child of a fork is traced but not yet counted
    (a terminal's Ctrl-C 1-3 ms into the trace of a forking program did this, 1 in 12):
    that child is killed too, neither left stopped under us nor running untraced."""
    prog = build("hang")
    original = api.Engine._event
    children: list[int] = []

    def interrupted_event(self, tid, task, event, sig, now):
        if event in (pt.EVENT_FORK, pt.EVENT_VFORK, pt.EVENT_CLONE):
            children.append(self._eventmsg(tid))
            raise KeyboardInterrupt
        original(self, tid, task, event, sig, now)

    monkeypatch.setattr(api.Engine, "_event", interrupted_event)
    with pytest.raises(KeyboardInterrupt):
        rn.trace([prog])
    (child,) = children
    deadline = time.monotonic() + 10
    state = _proc_state(child)
    while state is not None and state[0] != "Z" and time.monotonic() < deadline:
        time.sleep(0.01)
        state = _proc_state(child)
    # gone, or a zombie waiting for a reaper that is not ours (a container's pid 1)
    assert state is None or state == ("Z", 0), state


def test_seccomp_mode_keeps_the_stack_of_calls_with_out_arguments(build):
    """read() captures its buffer at the exit: the stack taken at the entry must survive."""
    prog = build("opens")
    t = rn.trace([prog], filter="read", source=True)
    assert t.mode == "seccomp"
    (rd,) = [ev for ev in t.filter("read") if ev.pid == t.events[0].pid and ev.retval == 0]
    assert rd.stack
    assert rd.source is not None and rd.source.file.endswith("opens.c")


def test_the_unwinder_is_interrupted_only_while_the_loop_runs() -> None:
    """kill_all()/timeout_expired() interrupt the parsing of the loop's thread (the
    unwinder's interrupt(thread), undone by its close()); after run() ended they must
    not: that thread's ident may be another thread's by then."""
    from pytest_renacer.tracer import resolve_command
    from pytest_renacer.tracer.engine import Engine
    from pytest_renacer.tracer.sink import IgnoringSink

    calls: list[object] = []

    class Unwinder:
        def __call__(self, pid: int, tid: int, ip: int, sp: int) -> None:
            if not calls:  # the first stop: the timeout fires while the loop is here
                engine.timeout_expired()
            return None

        def interrupt(self, thread: int) -> None:
            calls.append(thread)

        def close(self) -> None:
            calls.append("close")

    engine = Engine(IgnoringSink(), unwinder=Unwinder())
    engine.spawn(resolve_command(["true"], None, None), ["true"], None, None, (0, 1, 2))
    engine.run()
    engine.exec_error()  # (closes its pipe)
    assert engine.timed_out
    assert calls == [threading.get_ident(), "close"]
    engine.timeout_expired()  # after run(): nothing to interrupt
    engine.kill_all()
    assert calls == [threading.get_ident(), "close"]
