"""The ptrace event loop: one thread, waitpid(-1, __WALL), one GET_SYSCALL_INFO per stop.

The engine knows nothing about decoding or output.  It reports what happens to a
*sink* (see :class:`Sink`) as compact raw records: numbers, raw argument registers,
monotonic nanoseconds, and whatever the injected *capture* hooks read from memory
while the tracee was stopped.

Modes:
- ``full``: PTRACE_SYSCALL everywhere; entry and exit stop of every syscall.
- ``seccomp``: a RET_TRACE filter stops only the selected syscalls (their entry as a
  seccomp stop, then PTRACE_SYSCALL once for their exit); everything else runs free.
- ``count``: a filter stops every (or each selected) syscall once, at entry; the exit
  is never waited for, so return values are unknown.
"""

from __future__ import annotations

import ctypes
import errno as _errno
import os
import signal
import threading
import time
import types
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any, Protocol

from ..errors import AttachError, TracingUnavailable
from . import ptrace as pt
from .seccomp import PreparedFilter, build_filter
from .spawn import child_exec_error, spawn_seized

CaptureEntry = Callable[[int, int, tuple[int, ...]], "dict[Any, object] | None"]
CaptureExit = Callable[
    [int, int, tuple[int, ...], int, bool, "dict[Any, object] | None"], "dict[Any, object] | None"
]
Unwinder = Callable[[int, int, int, int], "tuple[int, ...] | None"]
#: (the syscall numbers to count, None for all; what takes the counts at the end:
#: {nr: (calls, errors, total_ns, min_ns, max_ns)}), from a sink whose syscall records
#: only feed per-syscall counters (output/summary.py's SummarySink.core_counts).
SummaryCounts = tuple["frozenset[int] | None", Callable[[dict[int, tuple[int, ...]]], None]]

_SYSCALL_TRAP = signal.SIGTRAP | 0x80
_STOP_SIGNALS = frozenset({signal.SIGSTOP, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU})
_BASE_OPTIONS = pt.O_TRACESYSGOOD | pt.O_TRACEEXEC
_FOLLOW_OPTIONS = pt.O_TRACEFORK | pt.O_TRACEVFORK | pt.O_TRACECLONE


class Sink(Protocol):
    """Receives the engine's records. Times are time.monotonic_ns() values."""

    def task_started(self, pid: int, tid: int, ppid: int | None, argv: list[str] | None,
                     t: int) -> None: ...

    def syscall_entry(self, pid: int, tid: int, nr: int, args: tuple[int, ...], t: int,
                      captured: dict[Any, object] | None) -> Any: ...

    def syscall_exit(self, token: Any, pid: int, tid: int, nr: int, retval: int,
                     failed: bool, t: int, captured: dict[Any, object] | None) -> None: ...

    def signal(self, pid: int, tid: int, signo: int, siginfo: bytes, t: int) -> None: ...

    def group_stop(self, pid: int, tid: int, signo: int, t: int) -> None: ...

    def exec(self, pid: int, tid: int, former_tid: int, argv: list[str] | None,
             t: int) -> None: ...

    def task_exited(self, pid: int, tid: int, status: int, t: int) -> None: ...


#: Set (to anything but "" or "0") to run the pure-Python loop instead of the compiled core.
PURE_PYTHON_ENV = "RENACER_PURE_PYTHON"


def load_core() -> ModuleType | None:
    """The compiled engine core (tracer/_core.c), or None: not built here (no compiler
    at install time, another platform), built from another _core.c than the one beside
    it (see :func:`stale_core`), or turned off by $RENACER_PURE_PYTHON."""
    if os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0"):
        return None
    global _core_checked
    try:
        from . import _core  # type: ignore[attr-defined]
    except ImportError:
        return None
    if _core_checked is None:
        _core_checked = stale_core(_core)
        if _core_checked:
            import warnings

            warnings.warn(f"renacer: {_core_checked}", RuntimeWarning, stacklevel=2)
    return None if _core_checked else _core


_core_checked: str | None = None  # load_core's verdict on the module, once per process


def stale_core(core: ModuleType, source: str | None = None) -> str:
    """Why ``core`` must not be used ("" if it may): it was compiled from another
    _core.c than the one beside it.  That happens in a source tree (an editable
    install) when a pull or a merge changes _core.c and nothing rebuilds the module:
    calling it with the new engine's arguments fails at a stop and leaves tracees
    stopped.  Without a _core.c there (a package that does not ship it) nothing is
    compared.  ``source``: another path to compare with (tests)."""
    if source is None:
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_core.c")
    try:
        with open(source, "rb") as f:
            text = f.read()
    except OSError:
        return ""
    import zlib  # imported by then on every path that traces

    if zlib.crc32(text) == getattr(core, "SOURCE_CRC32", None):
        return ""
    return (f"the compiled engine core {core.__file__} was built from another {source}: "
            "the pure-Python engine runs instead (rebuild it: pip install -e .)")


class _Task:
    """What the engine keeps per traced thread."""

    __slots__ = ("detaching", "pending", "pid")

    def __init__(self, pid: int) -> None:
        self.pid = pid  # thread group id
        # (token, nr, args) of a syscall whose exit we wait for, else None
        self.pending: tuple[Any, int, tuple[int, ...]] | None = None
        self.detaching = False

    @property
    def awaiting_exit(self) -> bool:
        """Its next syscall stop is an exit: restart it with PTRACE_SYSCALL."""
        return self.pending is not None


def _status_fields(tid: int, names: tuple[bytes, ...]) -> dict[bytes, int]:
    """The integer fields ``names`` of /proc/TID/status (read up to the last of them);
    those it does not have, or all when the task is gone, are missing."""
    out: dict[bytes, int] = {}
    try:
        with open(f"/proc/{tid}/status", "rb") as f:
            for line in f:
                key, sep, value = line.partition(b":")
                if sep and key in names:
                    out[key] = int(value)
                    if len(out) == len(names):
                        break
    except (OSError, ValueError):
        pass
    return out


def _read_proc_status(tid: int) -> tuple[int, int | None]:
    """(tgid, ppid) of a task from /proc; (tid, None) if it is gone already."""
    fields = _status_fields(tid, (b"Tgid", b"PPid"))
    return fields.get(b"Tgid", tid), fields.get(b"PPid")


def read_cmdline(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            data = f.read()
    except OSError:
        return None
    return [os.fsdecode(a) for a in data.split(b"\0")[:-1]] if data else []


class Engine:
    """Traces one command (``spawn``) or running process (``attach``) to completion."""

    def __init__(
        self,
        sink: Sink,
        *,
        mode: str = "full",
        nrs: frozenset[int] | None = None,
        invert: bool = False,
        audit_arch: int = 0,
        follow_forks: bool = True,
        capture_entry: CaptureEntry | None = None,
        capture_exit: CaptureExit | None = None,
        unwinder: Unwinder | None = None,
        execve_nrs: frozenset[int] = frozenset(),
        marker: tuple[int, int] | None = None,
        capture_plans: tuple[int, dict[int, Any]] | None = None,
        pipeline: bool = False,
        columns: tuple[Any, ...] | None = None,
        summary: SummaryCounts | None = None,
    ) -> None:
        if mode not in ("full", "seccomp", "count"):
            raise ValueError(f"unknown tracing mode {mode!r}")
        if mode != "full" and not follow_forks:
            # Untraced children would inherit a RET_TRACE filter with no tracer: their
            # selected syscalls would fail with ENOSYS.  strace refuses the same.
            mode = "full"
        self.sink = sink
        self.mode = mode
        # The selection: ``nrs`` (or, when ``invert``, every syscall but those); None = all.
        self.nrs = nrs
        self.invert = invert
        self.audit_arch = audit_arch
        self.follow_forks = follow_forks
        self.capture_entry = capture_entry
        self.capture_exit = capture_exit
        self.unwinder = unwinder
        # Recording starts when the spawned child enters execve: what it does before
        # (our own seccomp set-up) is not the traced program's.
        self.execve_nrs = execve_nrs
        # For a traced Python callable: (syscall nr, magic) of the marker calls the child
        # makes right before (arg 1) and after (arg 2) the body.  See api.call().
        self.marker = marker
        self._mute_pid = -1  # the callable's process after its body returned
        # An in-place window (seize_thread): at the end marker, detach every task and
        # stop, instead of muting the callable's process until it exits.
        self._window = False
        self.tasks: dict[int, _Task] = {}
        self.root_pid: int | None = None
        self.root_status: int | None = None
        self.attached = False
        self.timed_out = False
        self._loop_thread: int | None = None  # the thread in run(), while it is
        self._interrupt_lock = threading.Lock()
        self._started = False  # the spawned child reached its execve
        self._exec_seen = False  # ... and an execve of the spawned child succeeded
        self._errpipe: int | None = None
        self._lock = threading.Lock()
        self._stop_requested = False
        self._waker: tuple[int, int] | None = None  # (pid, write fd) in attach mode
        self._info = pt.SyscallInfoReader()
        self._siginfo = ctypes.create_string_buffer(pt.SIGINFO_SIZE)
        # The compiled core runs the syscall stops when it is there; capture_plans are
        # (string size, the Capturer's plans as data: decode/capture_plan.py); ``pipeline``
        # runs the sink's calls on another thread (the CLI's output: tracer/pipeline.py).
        self.capture_plans = capture_plans
        self.pipeline = pipeline
        # The recorder's columns, when it is the only sink: the core writes its rows itself
        # instead of calling syscall_entry/syscall_exit (model.TraceRecorder.core_columns).
        self.columns = columns
        # The sink only counts calls per syscall (the CLI's -c): the core counts them
        # itself, with no call per stop, and hands the totals over at the end.
        self.summary = summary
        self._core_module = load_core()
        self._core: Any = None

    @property
    def compiled(self) -> bool:
        """Whether this engine runs the compiled core's loop."""
        return self._core_module is not None

    def _add_task(self, tid: int, task: _Task) -> None:
        with self._lock:
            self.tasks[tid] = task
        if self._core is not None:
            self._core.add_task(tid, task.pid)

    def _pop_task(self, tid: int) -> _Task | None:
        with self._lock:
            task = self.tasks.pop(tid, None)
        if self._core is not None:
            self._core.remove_task(tid)
        return task

    # -- starting -------------------------------------------------------------------
    def options(self) -> int:
        opts = _BASE_OPTIONS
        if self.follow_forks:
            opts |= _FOLLOW_OPTIONS
        if self.mode != "full":
            opts |= pt.O_TRACESECCOMP
        if not self.attached:
            opts |= pt.O_EXITKILL
        return opts

    def spawn(self, exe: str, argv: Sequence[str], env: Mapping[str, str] | None,
              cwd: str | None, fds: tuple[int, int, int],
              target: Callable[[], None] | None = None) -> int:
        filt = None
        if self.mode != "full":
            bpf_nrs: frozenset[int] | None = self.nrs
            if bpf_nrs is not None and self.marker is not None:
                # the marker syscall must stop too
                bpf_nrs = bpf_nrs - {self.marker[0]} if self.invert else bpf_nrs | {
                    self.marker[0]}
            filt = PreparedFilter(build_filter(self.audit_arch, bpf_nrs, invert=self.invert))
        try:
            pid, errr = spawn_seized(exe, argv, env, cwd, fds, self.options(), filt, target)
        except PermissionError as e:
            raise TracingUnavailable(_denied_reason(e)) from None
        except OSError as e:
            if e.errno == _errno.EPERM:
                raise TracingUnavailable(_denied_reason(e)) from None
            raise
        self._errpipe = errr
        self.root_pid = pid
        self._add_task(pid, _Task(pid))
        self.sink.task_started(pid, pid, os.getpid(), list(map(os.fspath, argv)),
                               time.monotonic_ns())
        return pid

    def attach(self, pid: int) -> None:
        self.attached = True
        self.root_pid = pid
        if not os.path.exists(f"/proc/{pid}"):
            raise AttachError(f"cannot attach to pid {pid}: no such process")
        if pid == os.getpid():
            raise AttachError(f"cannot attach to pid {pid}: that is this process")
        seen: set[int] = set()
        opts = self.options()
        argv = read_cmdline(pid)
        _, ppid = _read_proc_status(pid)
        while True:  # threads may be created while we attach: repeat until stable
            try:
                tids = {int(t) for t in os.listdir(f"/proc/{pid}/task")}
            except OSError:
                raise AttachError(f"cannot attach to pid {pid}: no such process") from None
            new = tids - seen
            if not new:
                break
            for tid in sorted(new):
                try:
                    pt.ptrace(pt.PTRACE_SEIZE, tid, 0, opts)
                    pt.ptrace(pt.PTRACE_INTERRUPT, tid)
                except OSError as e:
                    if e.errno == _errno.ESRCH and tid != pid:
                        continue
                    self._detach_all_now()
                    raise AttachError(_attach_reason(pid, e)) from None
                seen.add(tid)
                self._add_task(tid, _Task(pid))
        self._started = self._exec_seen = True
        now = time.monotonic_ns()
        self.sink.task_started(pid, pid, ppid, argv, now)
        for tid in sorted(seen - {pid}):
            self.sink.task_started(pid, tid, ppid, None, now)
        if self._waker is None:  # attach() may be called once per pid (strace -p A -p B)
            self._start_waker()

    def seize_thread(self, tid: int) -> None:
        """Trace one thread of a running process for a marker window (in-place tracing).

        Only that thread is seized (and whatever it starts while traced); it must be
        blocked, typically waiting for our reply.  When this returns it is running in
        syscall-tracing mode, so that the start marker it makes next is seen; its
        window ends at its end marker, where every task is detached and :meth:`run`
        returns.  No PTRACE_O_EXITKILL and no seccomp filter: if we die, the kernel
        detaches the thread and it runs on as if never traced.
        """
        if self.marker is None:
            raise ValueError("seize_thread needs the window's markers")
        self.attached = True
        self._window = True
        self.mode = "full"  # a filter could never be taken off the thread again
        self.root_pid = tid
        pid, ppid = _read_proc_status(tid)
        try:
            pt.ptrace(pt.PTRACE_SEIZE, tid, 0, self.options())
        except OSError as e:
            if e.errno in (_errno.EPERM, _errno.EACCES):
                raise TracingUnavailable(_attach_reason(tid, e)) from None
            raise AttachError(_attach_reason(tid, e)) from None
        self._add_task(tid, _Task(pid))
        try:
            pt.ptrace(pt.PTRACE_INTERRUPT, tid)
            while True:  # until the interrupt's stop; a signal or syscall stop may come first
                _, status = os.waitpid(tid, pt.WALL)
                if status & 0xFF != 0x7F:
                    self._pop_task(tid)
                    raise AttachError(f"thread {tid} exited while being seized")
                sig = (status >> 8) & 0xFF
                if status >> 16 == pt.EVENT_STOP:
                    break
                pt.ptrace(pt.PTRACE_SYSCALL, tid, 0, 0 if sig == _SYSCALL_TRAP else sig)
            pt.ptrace(pt.PTRACE_SYSCALL, tid, 0, 0)
        except OSError as e:
            self._detach_one(tid, 0)
            raise AttachError(f"cannot seize thread {tid}: {e.strerror or e}") from None
        self.sink.task_started(pid, tid, ppid, read_cmdline(pid), time.monotonic_ns())

    def _start_waker(self) -> None:
        """A tiny child whose exit wakes our waitpid when stop() is asked from another thread."""
        r, w = os.pipe2(os.O_CLOEXEC)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - the waker child
            try:
                # A terminal's Ctrl-C (or a SIGTERM to our process group) must not kill
                # the waker before the stop it is there to deliver: it leaves the group
                # and ignores those signals (it still exits when our end of the pipe
                # closes, whatever becomes of us).
                for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT,
                            signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
                    signal.signal(sig, signal.SIG_IGN)
                os.setsid()
                os.close(w)
                os.read(r, 1)
            finally:
                os._exit(0)
        os.close(r)
        self._waker = (pid, w)

    # -- stopping -------------------------------------------------------------------
    def request_stop(self) -> None:
        """From any thread: detach (attach mode) at the next chance (a module's parsing
        in progress at a stop is cut short: the next chance comes at once)."""
        self._stop_requested = True
        self._interrupt_unwinder()
        if self._waker is not None:
            try:
                os.write(self._waker[1], b"x")
            except OSError:
                pass

    def kill_all(self) -> None:
        """From any thread: SIGKILL every traced process (timeout, or an error), and stop
        the unwinder's parsing of a module if the loop is in it (a hostile file may take
        long to parse, at a stop: the loop must come back to reap its processes)."""
        with self._lock:
            pids = {t.pid for t in self.tasks.values()}
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        self._interrupt_unwinder()

    def timeout_expired(self) -> None:
        """From any thread (the timeout's timer): :meth:`kill_all`, as a timeout."""
        self.timed_out = True
        self.kill_all()

    def _interrupt_unwinder(self) -> None:
        """Make the loop's thread stop parsing (limits.Cancelled in source/), until the
        unwinder's close() at the end of run(); only while run() runs (a thread's ident
        is reused once it ends: an interruption left behind would hit another)."""
        interrupt = getattr(self.unwinder, "interrupt", None)
        if interrupt is None:
            return
        with self._interrupt_lock:
            if self._loop_thread is not None:
                interrupt(self._loop_thread)

    # -- the loop -------------------------------------------------------------------
    def run(self) -> None:
        """Process stops until every tracee has exited (or we detached)."""
        with self._interrupt_lock:
            self._loop_thread = threading.get_ident()
        if self.timed_out:  # the timer fired before the loop started
            self._interrupt_unwinder()
        try:
            if self._core_module is not None:
                self._loop_core(self._core_module)
            else:
                self._loop()
        except BaseException:
            if self.attached:
                self._detach_all_now()
            else:
                strays = _strays(set(self.tasks), threading.get_native_id())
                self.kill_all()
                self._kill_strays(strays)
                self._reap_all()
            raise
        finally:
            with self._interrupt_lock:  # no interruption after close() could undo it
                self._loop_thread = None
            self._close_waker()
            close = getattr(self.unwinder, "close", None)
            if close is not None:  # it keeps /proc/PID/mem files open between stops
                close()

    def exec_error(self) -> str | None:
        if self._errpipe is None:
            return None
        fd, self._errpipe = self._errpipe, None
        return child_exec_error(fd)

    def _close_waker(self) -> None:
        if self._waker is not None:
            pid, w = self._waker
            self._waker = None
            os.close(w)
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass  # reaped by the loop already

    def _kill_strays(self, strays: tuple[set[int], set[int]]) -> None:
        """Kill what an interrupted loop had not counted yet: a child auto-attached at a
        fork whose event was not handled (stopped, traced by us, in no task) and its
        descendants; collect the exits of those we trace, so none stays stopped."""
        traced, untraced = strays
        for pid in traced | untraced:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in traced:
            try:
                os.waitpid(pid, pt.WALL)
            except ChildProcessError:
                pass

    def _reap_all(self) -> None:
        while self.tasks:
            try:
                tid, status = os.waitpid(-1, pt.WALL | pt.WNOTHREAD)
            except ChildProcessError:
                break
            if os.WIFEXITED(status) or os.WIFSIGNALED(status):
                self._task_gone(tid, status)

    def _loop(self) -> None:
        # The hot path: one iteration per stop.  Everything it touches is a local, the
        # ptrace calls skip ctypes' argument conversion (pt._ptrace_hot), the op comes
        # from GET_SYSCALL_INFO's return value, and syscall-stops of a running recording
        # (the common case) are handled inline; the rest goes to the methods below.
        tasks = self.tasks
        sink = self.sink
        sink_entry = sink.syscall_entry
        sink_exit = sink.syscall_exit
        waitpid = os.waitpid
        monotonic_ns = time.monotonic_ns
        ptrace_hot = pt._ptrace_hot
        buf = self._info.buf
        entry_unpack = self._info.entry_unpack
        exit_unpack = self._info.exit_unpack
        capture_entry = self.capture_entry
        capture_exit = self.capture_exit
        unwinder = self.unwinder
        call = getattr(type(unwinder), "__call__", None)  # noqa: B004 - the method itself
        if isinstance(call, types.FunctionType):  # a Python class's __call__
            unwinder = types.MethodType(call, unwinder)  # bound once, not at each stop
        wait_flags = pt.WALL | pt.WNOTHREAD
        count_mode = self.mode == "count"
        restart_default = pt.PTRACE_SYSCALL if self.mode == "full" else pt.PTRACE_CONT
        PTRACE_SYSCALL = pt.PTRACE_SYSCALL
        GET_INFO, INFO_SIZE = pt.PTRACE_GET_SYSCALL_INFO, pt.SyscallInfoReader.SIZE
        ENTRY_SIZE = pt.SyscallInfoReader.ENTRY_SIZE
        EXIT_SIZE = pt.SyscallInfoReader.EXIT_SIZE
        SECCOMP_SIZE = pt.SyscallInfoReader.SECCOMP_SIZE
        ENTRY, EXIT, SECCOMP = pt.SYSCALL_INFO_ENTRY, pt.SYSCALL_INFO_EXIT, pt.SYSCALL_INFO_SECCOMP
        SYSCALL_TRAP, EVENT_SECCOMP = _SYSCALL_TRAP, pt.EVENT_SECCOMP
        waker_pid = self._waker[0] if self._waker else None
        nrs = self.nrs
        invert = self.invert
        marker = self.marker
        # Once recording has started for good (no start marker pending, no end marker to
        # watch for), no entry is skipped: _skip_entry need not be asked any more.
        recording = self._started and marker is None and self._exec_seen

        while tasks:
            try:
                tid, status = waitpid(-1, wait_flags)
            except ChildProcessError:
                break
            now = monotonic_ns()
            if tid == waker_pid:
                waker_pid = None  # reaped: _close_waker only closes the pipe now
                if self._stop_requested:
                    self._detach_all()
                    return
                continue
            task = tasks.get(tid)
            if task is None:
                if status & 0xFF != 0x7F:
                    continue  # a task we never knew that is gone: nothing to report
                task = self._adopt(tid, now)

            if status & 0xFF != 0x7F:  # exited or killed
                self._task_gone(tid, status, now)
                continue

            sig = (status >> 8) & 0xFF
            if sig == SYSCALL_TRAP:
                size = ptrace_hot(GET_INFO, tid, INFO_SIZE, buf)
                if size == ENTRY_SIZE:
                    op = ENTRY
                elif size == EXIT_SIZE:
                    op = EXIT
                elif size == -1:
                    continue  # died under us; its exit status follows
                else:
                    op = buf[0][0]
                if op == ENTRY:
                    info = entry_unpack(buf)
                    nr = info[4]
                    args = info[5:]
                    if task.detaching:
                        self._detach_one(tid, 0)
                        continue
                    launch = False  # the spawned command's execve, made by our set-up code
                    if not recording:
                        if self._skip_entry(tid, task.pid, nr, args):
                            ptrace_hot(restart_default, tid, 0, 0)
                            continue
                        launch = marker is None and not self._exec_seen
                        recording = self._started and marker is None and self._exec_seen
                    if nrs is not None and (nr in nrs) == invert:
                        # Not selected: in full mode the filter is applied here; in the
                        # seccomp modes this is a stray entry stop after a SYSCALL restart.
                        ptrace_hot(restart_default, tid, 0, 0)
                        continue
                    captured = capture_entry(tid, nr, args) if capture_entry else None
                    if unwinder is not None and not launch:  # no stack of the tracer's own
                        pcs = unwinder(task.pid, tid, info[2], info[3])
                        if pcs:
                            if captured is None:
                                captured = {}
                            captured["pcs"] = pcs
                    task.pending = (sink_entry(task.pid, tid, nr, args, now, captured), nr,
                                    args)
                    ptrace_hot(PTRACE_SYSCALL, tid, 0, 0)
                elif op == EXIT:
                    pending = task.pending
                    task.pending = None
                    if pending is not None:
                        rval, is_error = exit_unpack(buf)
                        failed = is_error != 0
                        token, nr, args = pending
                        captured = None
                        if capture_exit is not None:
                            captured = capture_exit(tid, nr, args, rval, failed, None)
                        sink_exit(token, task.pid, tid, nr, rval, failed, now, captured)
                    if task.detaching:
                        self._detach_one(tid, 0)
                        continue
                    ptrace_hot(restart_default, tid, 0, 0)
                else:
                    ptrace_hot(restart_default, tid, 0, 0)
                continue

            event = status >> 16
            if event == EVENT_SECCOMP:
                # A RET_TRACE stop (the seccomp and count modes): inline, as above.
                if task.detaching:
                    self._detach_one(tid, 0)
                    continue
                size = ptrace_hot(GET_INFO, tid, INFO_SIZE, buf)
                if size == -1:
                    continue
                if size != SECCOMP_SIZE and buf[0][0] != SECCOMP:
                    self._restart(tid, task)  # not a seccomp stop after all
                    continue
                info = entry_unpack(buf)
                nr = info[4]
                args = info[5:]
                launch = False  # as above
                if not recording:
                    if self._skip_entry(tid, task.pid, nr, args):
                        self._restart(tid, task)
                        continue
                    launch = marker is None and not self._exec_seen
                    recording = self._started and marker is None and self._exec_seen
                if nrs is not None and (nr in nrs) == invert:
                    self._restart(tid, task)
                    continue
                captured = capture_entry(tid, nr, args) if capture_entry else None
                if unwinder is not None and not launch:
                    pcs = unwinder(task.pid, tid, info[2], info[3])
                    if pcs:
                        # Into the capturer's own dict, as for a full-mode entry: it hands
                        # the same dict back at the exit, stack included.
                        if captured is None:
                            captured = {}
                        captured["pcs"] = pcs
                token = sink_entry(task.pid, tid, nr, args, now, captured)
                if count_mode:
                    task.pending = None
                    ptrace_hot(restart_default, tid, 0, 0)
                else:
                    task.pending = (token, nr, args)
                    ptrace_hot(PTRACE_SYSCALL, tid, 0, 0)
                continue
            if event:
                self._event(tid, task, event, sig, now)
                if not recording:
                    recording = self._started and marker is None and self._exec_seen
                continue
            self._signal_stop(tid, task, sig, now)

    def _loop_core(self, core_module: ModuleType) -> None:
        """The compiled core runs the syscall stops of known tasks without the GIL and
        hands every other stop back here, to the same methods the Python loop uses."""
        sink = self.sink
        pipe = None
        if self.pipeline:
            from .pipeline import Pipeline  # opt-in ($RENACER_PIPELINE): not at start-up

            pipe = Pipeline(sink, core_module.Replayer)
        if pipe is not None:
            self.sink = pipe  # the handlers below call it in order with the core's batches
        capture_entry, capture_exit = self.capture_entry, self.capture_exit
        strsize, plans = self.capture_plans or (0, None)
        if capture_entry is None and capture_exit is None:
            plans = None
        else:
            if plans is None:  # no plans as data: the Python hooks capture every syscall
                plans = dict.fromkeys(range(4096))
            if capture_entry is None:
                capture_entry = _no_entry_capture
            if capture_exit is None:
                capture_exit = _no_exit_capture
        unwinder = self.unwinder
        call = getattr(type(unwinder), "__call__", None)  # noqa: B004 - the method itself
        if isinstance(call, types.FunctionType):
            unwinder = types.MethodType(call, unwinder)
        core = self._core = core_module.Core(
            {"full": 0, "seccomp": 1, "count": 2}[self.mode],
            self.nrs, self.invert,
            plans, strsize,
            self._gate, capture_entry, capture_exit, unwinder,
            sink.syscall_entry, sink.syscall_exit,
            None if pipe is None else pipe.deliver,
            self._started and self.marker is None and self._exec_seen,
            self.columns if pipe is None else None,
        )
        for tid, task in list(self.tasks.items()):
            core.add_task(tid, task.pid)
        if self.summary is not None and pipe is None:
            core.count_summary(self.summary[0])
        waker_pid = self._waker[0] if self._waker else None
        tasks = self.tasks
        first = None
        try:
            while tasks:
                stop = core.run(first)
                first = None
                if stop is None:
                    break
                tid, status, now = stop
                if tid == waker_pid:
                    waker_pid = None
                    if self._stop_requested:
                        self._detach_all()
                        return
                    continue
                known = tasks.get(tid)
                if known is None:
                    if status & 0xFF != 0x7F:
                        continue
                    self._adopt(tid, now)
                    first = stop  # the core handles it if it is a syscall stop
                    continue
                task = known
                if status & 0xFF != 0x7F:
                    self._task_gone(tid, status, now)
                    continue
                sig = (status >> 8) & 0xFF
                event = status >> 16
                if sig == _SYSCALL_TRAP or event == pt.EVENT_SECCOMP:
                    # only a task being detached: the core handles the others'
                    self._detach_one(tid, 0)
                    continue
                if event:
                    self._event(tid, task, event, sig, now)
                    if (not core.recording and self._started and self.marker is None
                            and self._exec_seen):
                        core.recording = True
                    continue
                self._signal_stop(tid, task, sig, now)
        finally:
            self._core = None
            try:  # what the core recorded before an interruption is kept
                core.flush()
                if self.summary is not None and pipe is None:
                    self.summary[1](core.take_summary())
            finally:
                if pipe is not None:
                    self.sink = sink
                    pipe.close()

    def _gate(self, tid: int, pid: int, nr: int, args: tuple[int, ...]) -> int:
        """For the core, before recording has started for good: 0 to skip this entry, else
        1 (record it) | 2 (and every later one without asking) | 4 (it is the launch: no
        stack of it) | 8 (no task is left: an in-place window ended; return)."""
        if self._skip_entry(tid, pid, nr, args):
            return 0 if self.tasks else 8
        marker_free = self.marker is None
        return (1 | (2 if self._started and marker_free and self._exec_seen else 0)
                | (4 if marker_free and not self._exec_seen else 0))

    def _is_marker(self, nr: int, args: tuple[int, ...]) -> bool:
        assert self.marker is not None
        return nr == self.marker[0] and args[1] == self.marker[1]

    def _skip_entry(self, tid: int, pid: int, nr: int, args: tuple[int, ...]) -> bool:
        """Whether a syscall entry is outside the recording window.

        A spawned command is recorded from its execve on (what the child does before
        is our set-up); a traced callable from its start marker to its end marker.
        """
        if self._started:
            if pid == self._mute_pid:
                return True
            if (not self._exec_seen and tid == self.root_pid and self.marker is None
                    and nr not in self.execve_nrs):
                # the command's execve failed: what our child does next (report the
                # error, exit) is not the command's; strace hides it too
                return True
            if self.marker is not None and tid == self.root_pid and self._is_marker(nr, args):
                if self._window:
                    self._end_window(tid)
                else:
                    self._mute_pid = pid  # the callable's body returned
                return True
            return False
        if tid != self.root_pid:
            return True
        if self.marker is None:
            self._started = nr in self.execve_nrs
            return not self._started
        if self._is_marker(nr, args) and args[2] == 1:
            self._started = True
        return True

    def _restart(self, tid: int, task: _Task, sig: int = 0) -> None:
        awaiting = task.awaiting_exit if self._core is None else self._core.awaiting_exit(tid)
        req = pt.PTRACE_SYSCALL if (self.mode == "full" or awaiting) else pt.PTRACE_CONT
        try:
            pt.ptrace(req, tid, 0, sig)
        except OSError:
            pass  # gone; its exit status follows

    def _adopt(self, tid: int, now: int) -> _Task:
        """A task whose first stop came before its creator's fork/clone event."""
        pid, ppid = _read_proc_status(tid)
        task = _Task(pid)
        self._add_task(tid, task)
        self.sink.task_started(pid, tid, ppid, read_cmdline(pid) if pid == tid else None, now)
        return task

    def _event(self, tid: int, task: _Task, event: int, sig: int, now: int) -> None:
        if event in (pt.EVENT_FORK, pt.EVENT_VFORK, pt.EVENT_CLONE):
            new_tid = self._eventmsg(tid)
            if new_tid and new_tid not in self.tasks:
                self._adopt(new_tid, now)
            self._restart(tid, task)
        elif event == pt.EVENT_EXEC:
            former = self._eventmsg(tid) or tid
            if former != tid:
                # A non-leader thread exec'd: it now has the leader's tid.  The leader's own
                # call (if any) never returns; the exec'ing thread's execve does, here.
                if self._core is not None:
                    self._core.move_pending(former, tid)
                old = self._pop_task(former)
                if old is not None:
                    task.pending = old.pending
            if tid == self.root_pid:
                self._started = self._exec_seen = True
            exec_seen = getattr(self.unwinder, "exec_seen", None)
            if exec_seen is not None:  # the unwinder's module map is the old image's
                exec_seen(task.pid)
            self.sink.exec(task.pid, tid, former, read_cmdline(task.pid), now)
            self._restart(tid, task)
        elif event == pt.EVENT_STOP:
            if sig in _STOP_SIGNALS:
                if self._started:  # not our own start-up SIGSTOP
                    self.sink.group_stop(task.pid, tid, sig, now)
                if task.detaching:
                    self._detach_one(tid, 0)
                    return
                try:
                    pt.ptrace(pt.PTRACE_LISTEN, tid)
                except OSError:
                    pass
            else:
                if task.detaching:
                    self._detach_one(tid, 0)
                    return
                self._restart(tid, task)
        else:
            if task.detaching:
                self._detach_one(tid, 0)
                return
            self._restart(tid, task)

    def _signal_stop(self, tid: int, task: _Task, sig: int, now: int) -> None:
        siginfo = b""
        try:
            pt.ptrace_buf(pt.PTRACE_GETSIGINFO, tid, 0, self._siginfo)
            siginfo = self._siginfo.raw
        except OSError:
            pass
        if task.detaching:
            self._detach_one(tid, sig)
            return
        if self._started:
            self.sink.signal(task.pid, tid, sig, siginfo, now)
        self._restart(tid, task, sig)

    def _eventmsg(self, tid: int) -> int:
        buf = ctypes.c_ulong(0)
        try:
            pt.ptrace(pt.PTRACE_GETEVENTMSG, tid, 0, ctypes.addressof(buf))
        except OSError:
            return 0
        return int(buf.value)

    def _task_gone(self, tid: int, status: int, now: int | None = None) -> None:
        task = self._pop_task(tid)
        if task is None:
            return
        if now is None:
            now = time.monotonic_ns()
        if tid == self.root_pid:
            self.root_status = status
        self.sink.task_exited(task.pid, tid, status, now)

    # -- detaching (attach mode) -----------------------------------------------------
    def _detach_all(self) -> None:
        """Interrupt every tracee and detach each at its next stop, delivering signals."""
        for tid, task in list(self.tasks.items()):
            task.detaching = True
            try:
                pt.ptrace(pt.PTRACE_INTERRUPT, tid)
            except OSError:
                self.tasks.pop(tid, None)
        while self.tasks:
            try:
                tid, status = os.waitpid(-1, pt.WALL | pt.WNOTHREAD)
            except ChildProcessError:
                break
            if tid not in self.tasks:
                continue
            if status & 0xFF != 0x7F:
                self._task_gone(tid, status)
                continue
            sig = (status >> 8) & 0xFF
            event = status >> 16
            if sig == _SYSCALL_TRAP or event:
                self._detach_one(tid, 0)
            else:
                self._detach_one(tid, sig)

    def _end_window(self, tid: int) -> None:
        """The window's thread made its end marker: let it and everything it started go.

        It is detached at once, at this syscall-entry stop (the marker then runs
        untraced); the others are interrupted and detached at their next stop, so that
        ``tasks`` is empty and the loop ends.
        """
        self._detach_one(tid, 0)
        self._detach_all()

    def _detach_one(self, tid: int, sig: int) -> None:
        try:
            pt.ptrace(pt.PTRACE_DETACH, tid, 0, sig)
        except OSError:
            pass
        self._pop_task(tid)

    def _detach_all_now(self) -> None:
        """Best-effort detach after an error (tracees may be running or stopped)."""
        try:
            self._detach_all()
        except Exception:  # pragma: no cover - last-resort cleanup
            for tid in list(self.tasks):
                self._detach_one(tid, 0)


def _strays(known: set[int], tracer_tid: int) -> tuple[set[int], set[int]]:
    """Processes outside ``known`` that ``tracer_tid`` traces, and the untraced descendants
    of ``known`` ones (a fork whose child the loop had not seen): read from /proc, before
    their parents are killed and they are reparented away from the tree."""
    traced: set[int] = set()
    parent: dict[int, int] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return set(), set()
    for name in names:
        if not name.isdigit():
            continue
        pid = int(name)
        fields = _status_fields(pid, (b"PPid", b"TracerPid"))
        if b"PPid" not in fields:
            continue  # gone
        parent[pid] = fields[b"PPid"]
        if fields.get(b"TracerPid") == tracer_tid and pid not in known:
            traced.add(pid)
    untraced: set[int] = set()
    for pid in parent:
        ancestor, hops = parent[pid], 0
        while ancestor > 1 and hops < 64:
            if ancestor in known:
                if pid not in known and pid not in traced:
                    untraced.add(pid)
                break
            ancestor, hops = parent.get(ancestor, 0), hops + 1
    return traced, untraced


def _no_entry_capture(tid: int, nr: int, args: tuple[int, ...]) -> None:
    return None


def _no_exit_capture(tid: int, nr: int, args: tuple[int, ...], retval: int, failed: bool,
                     captured: dict[Any, object] | None) -> None:
    return None  # as the Python loop without an exit hook: no capture at the exit


def _denied_reason(e: OSError) -> str:
    ok, why = pt.available()
    base = f"ptrace is not permitted here ({e.strerror or e})"
    if not ok:
        return f"{base}: {why}"
    return (
        f"{base}. In a container, run it with the SYS_PTRACE capability "
        "(docker run --cap-add=SYS_PTRACE) and a seccomp profile that allows ptrace; "
        "on a host, check kernel.yama.ptrace_scope (sysctl kernel.yama.ptrace_scope=1 or 0)."
    )


def _attach_reason(pid: int, e: OSError) -> str:
    if e.errno == _errno.ESRCH:
        return f"cannot attach to pid {pid}: no such process"
    if e.errno == _errno.EPERM:
        ok, why = pt.available()
        extra = f" ({why})" if not ok else (
            " (it belongs to another user, is already traced, or kernel.yama.ptrace_scope "
            "forbids attaching to non-children: run as root or set ptrace_scope to 0)"
        )
        return f"cannot attach to pid {pid}: operation not permitted{extra}"
    return f"cannot attach to pid {pid}: {e.strerror or e}"
