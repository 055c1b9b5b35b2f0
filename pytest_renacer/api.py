"""The public entry points: ``trace()`` a command, ``attach()`` to a process.

This is where the layers meet: the engine (tracer/) reports raw records to a
:class:`~pytest_renacer.model.TraceRecorder`, with decode/'s capture hooks reading the
argument memory at each stop.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO, Any

from .decode import Capturer
from .decode.capture_plan import core_plans
from .errors import (
    CommandNotExecutable,
    CommandNotFound,
    RenacerError,
    TraceeError,
    TraceTimeout,
)
from .filters import SyscallSet
from .filters import selector as make_selector
from .model import Trace, TraceRecorder, returncode_of
from .record import record
from .tables import SyscallTable, table_for
from .tracer import Engine, MemoryReader, Sink, resolve_command
from .tracer.sink import IgnoringSink, syscall_fanout

Selector = str | Iterable[str] | SyscallSet | None


@record
class TraceOptions:
    """How to trace: the keywords ``trace()``, ``attach()`` and the plugin share."""

    filter: Selector = None
    follow_forks: bool = True
    source: bool = False
    #: with ``source``: also unwind the native stack (False: only the Python frames of a
    #: CPython interpreter, read at the stop: cheaper, and nothing left to symbolize)
    source_native: bool = True
    #: with ``source``: Python frames only down to the innermost of the program's own
    #: code (``ev.source`` is all there is to know; a deep stack costs a few reads)
    source_own_only: bool = False
    count_only: bool = False
    strsize: int = 32
    fd_paths: bool = False
    seccomp: bool = True  # use a seccomp filter when a subset (or counts) is asked for

    def mode_and_set(self, table: SyscallTable) -> tuple[str, SyscallSet | None]:
        sel = None if self.filter is None else make_selector(self.filter, table)
        if sel is not None and sel.is_all:
            sel = None
        if self.count_only:
            return "count", sel
        if sel is not None and self.seccomp and self.follow_forks:
            return "seccomp", sel
        return "full", sel


def _ignores(sink: Sink, name: str) -> bool:
    """Whether ``sink``'s method ``name`` is :class:`IgnoringSink`'s, which does nothing."""
    return (name not in getattr(sink, "__dict__", ())
            and getattr(type(sink), name, None) is getattr(IgnoringSink, name))


class _Tee:
    """Forwards the engine's records to several sinks (the recorder plus e.g. a live printer).

    A sink whose method for a record does nothing (:class:`IgnoringSink`'s) is left out of
    that record's forwarding, and when one sink is left the engine calls it directly: with
    ``record=False`` the syscall records, the hot path, go straight to the live printer.
    """

    def __init__(self, sinks: Sequence[Sink]) -> None:
        self.sinks = tuple(sinks)
        callers = [s for s in self.sinks
                   if not (_ignores(s, "syscall_entry") and _ignores(s, "syscall_exit"))]
        self.syscall_entry: Callable[..., Any]
        self.syscall_exit: Callable[..., None]
        self.syscall_entry, self.syscall_exit = syscall_fanout(callers)

    def __getattr__(self, name: str) -> Any:
        # Built once per method name, then found as a plain attribute on later calls.
        methods = [getattr(s, name) for s in self.sinks if not _ignores(s, name)]
        forward: Any
        if len(methods) == 1:
            forward = methods[0]
        else:
            def forward(*args: Any) -> None:
                for m in methods:
                    m(*args)
        setattr(self, name, forward)
        return forward


class _ProcessesOnly(IgnoringSink):
    """record=False: the recorder sees processes come and go, not syscalls or signals."""

    def __init__(self, recorder: TraceRecorder) -> None:
        self.task_started = recorder.task_started  # type: ignore[method-assign]
        self.exec = recorder.exec  # type: ignore[method-assign]
        self.task_exited = recorder.task_exited  # type: ignore[method-assign]


def _make_engine(opts: TraceOptions, table: SyscallTable, extra_sinks: Sequence[Sink],
                 marker: tuple[int, int] | None = None,
                 record: bool = True, unwinders: tuple[Any, Any] | None = None,
                 pipeline: bool = False) -> tuple[Engine, TraceRecorder]:
    """The engine and the recorder it reports to.  ``unwinders``: the ``(unwinder,
    symbolize)`` pair to use with ``source`` (one kept from an earlier trace of the same
    process: the in-place helper's), instead of new ones.  ``pipeline``: the sinks run on
    a thread of their own (the compiled core only)."""
    mode, sel = opts.mode_and_set(table)
    recorder = TraceRecorder(table, mode=mode)
    base: Sink = recorder if record else _ProcessesOnly(recorder)
    sink: Sink = base if not extra_sinks else _Tee([base, *extra_sinks])
    capturer = None
    # Argument memory is read for the recorder and for live sinks that print arguments;
    # one that only counts (the CLI's -c) says so with ``wants_arguments = False``.
    if mode != "count" and (record or any(getattr(s, "wants_arguments", True)
                                          for s in extra_sinks)):
        capturer = Capturer(table, MemoryReader(), strsize=opts.strsize, fd_paths=opts.fd_paths)
    unwinder = None
    if opts.source:
        from .source import make_unwinder  # heavy (pyelftools); only when asked for

        unwinder, symbolize = unwinders or make_unwinder(
            table.arch, native=opts.source_native, own_only=opts.source_own_only)
        recorder.store.symbolizer = symbolize
        for extra in extra_sinks:  # live printers (the CLI's -k) symbolize as they go
            hand_over = getattr(extra, "set_symbolizer", None)
            if hand_over is not None:
                hand_over(symbolize)
    engine = Engine(
        sink,
        mode=mode,
        nrs=None if sel is None else sel.listed,
        invert=sel is not None and sel.inverted,
        audit_arch=table.audit_arch,
        follow_forks=opts.follow_forks,
        capture_entry=capturer.entry if capturer else None,
        capture_exit=capturer.exit if capturer else None,
        unwinder=unwinder,
        execve_nrs=frozenset(
            table.by_name[n].nr for n in ("execve", "execveat") if n in table.by_name
        ),
        marker=marker,
        capture_plans=(opts.strsize, core_plans(capturer)) if capturer else None,
        pipeline=pipeline and bool(extra_sinks),
        columns=recorder.core_columns() if record and not extra_sinks else None,
        summary=(getattr(extra_sinks[0], "summary_counts", None)
                 if not record and len(extra_sinks) == 1 else None),
    )
    return engine, recorder


def _refuse_nested(what: str) -> None:
    # Only in-place tracing opens a window, and it imports the module first: where it was
    # never imported (the CLI), nothing is traced in place, and its subprocess import
    # (several ms of start-up) is not paid.
    inplace = sys.modules.get(f"{__package__}.inplace")
    if inplace is not None:
        inplace.refuse_nested(what)


def _stdio(input: bytes | None, capture_output: bool,
           ) -> tuple[tuple[int, int, int], list[IO[bytes]]]:
    """fds 0-2 for the child. Temporary files, not pipes: nobody reads a pipe while we
    sit in waitpid, and a tracee blocked on a full pipe would hang the trace."""
    files: list[IO[bytes]] = []
    stdin = 0
    if input is not None:
        import tempfile  # here: the CLI (no input, no capture) should not pay for it

        f = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the caller)
        f.write(input)
        f.seek(0)
        files.append(f)
        stdin = f.fileno()
    out, err = 1, 2
    if capture_output:
        import tempfile

        fo, fe = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 (closed by the caller)
        files += [fo, fe]
        out, err = fo.fileno(), fe.fileno()
    return (stdin, out, err), files


def _read_all(f: IO[bytes]) -> bytes:
    f.seek(0)
    return f.read()


def trace(
    argv: Sequence[str | os.PathLike[str]],
    *,
    filter: Selector = None,
    follow_forks: bool = True,
    source: bool = False,
    timeout: float | None = None,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
    capture_output: bool = True,
    count_only: bool = False,
    strsize: int = 32,
    fd_paths: bool = False,
    sinks: Sequence[Sink] = (),
    record: bool = True,
    pipeline: bool = False,
) -> Trace:
    """Run ``argv`` to completion under ptrace and return its :class:`Trace`.

    ``filter`` (a strace trace expression such as ``"%file"`` or ``"openat,read"``)
    records only the selected syscalls and, with ``follow_forks``, lets the kernel stop
    only on those (seccomp).  ``count_only`` stops once per syscall and records no
    arguments or return values.  ``sinks`` receive the engine's records as they happen;
    with ``record=False`` only they do, and the Trace has no events (the CLI's flat-memory
    live output); with ``pipeline`` they run on a thread of their own, in order (the
    compiled engine core only).  ``timeout`` kills the whole traced tree and raises
    :class:`TraceTimeout`, which carries the partial trace.
    """
    _refuse_nested("trace a command")
    argv_s = [os.fspath(a) for a in argv]
    cwd_s = None if cwd is None else os.fspath(cwd)
    exe = resolve_command(argv_s, env, cwd_s)
    table = table_for()
    opts = TraceOptions(filter=filter, follow_forks=follow_forks, source=source,
                        count_only=count_only, strsize=strsize, fd_paths=fd_paths)
    engine, recorder = _make_engine(opts, table, sinks, record=record, pipeline=pipeline)
    fds, files = _stdio(input, capture_output)
    timer = None
    start = time.monotonic()
    try:
        engine.spawn(exe, argv_s, env, cwd_s, fds)
        if timeout is not None:
            timer = threading.Timer(timeout, engine.timeout_expired)
            timer.daemon = True
            timer.start()
        engine.run()
        exec_error = engine.exec_error()
        stdout = _read_all(files[-2]) if capture_output else None
        stderr = _read_all(files[-1]) if capture_output else None
    finally:
        if timer is not None:
            timer.cancel()
            timer.join()
        for f in files:
            f.close()
        engine.exec_error()  # closes the pipe if still open
    status = engine.root_status
    result = recorder.build(
        argv=argv_s,
        returncode=None if status is None else returncode_of(status),
        stdout=stdout,
        stderr=stderr,
    )
    if not result.duration:
        result.duration = time.monotonic() - start
    if exec_error is not None:
        if "No such file" in exec_error:
            raise CommandNotFound(f"could not execute {argv_s[0]!r}: {exec_error}")
        if "Permission denied" in exec_error or "Exec format" in exec_error:
            raise CommandNotExecutable(f"could not execute {argv_s[0]!r}: {exec_error}")
        raise TraceeError(f"could not execute {argv_s[0]!r}: {exec_error}")
    if engine.timed_out:
        raise TraceTimeout(
            f"{' '.join(argv_s)!r} did not finish within {timeout} s; the traced processes "
            "were killed", result,
        )
    return result


class Tracer:
    """A trace running in a background thread: of an attached process, or a spawned one.

    All ptrace calls happen on that thread.  ``stop()`` detaches (attach) or terminates
    (spawn) and returns the :class:`Trace`; leaving a ``with`` block does the same.
    """

    def __init__(self, engine: Engine, recorder: TraceRecorder, argv: list[str],
                 files: list[IO[bytes]], capture_output: bool, attached: bool) -> None:
        self._engine = engine
        self._recorder = recorder
        self._argv = argv
        self._files = files
        self._capture_output = capture_output
        self._attached = attached
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._trace: Trace | None = None
        self._thread: threading.Thread | None = None
        self.pid: int = 0

    def _start(self, begin: Any) -> None:
        def body() -> None:
            try:
                self.pid = begin()
            except BaseException as e:  # reported to the starting thread
                self._error = e
                self._ready.set()
                return
            self._ready.set()
            try:
                self._engine.run()
            except BaseException as e:  # pragma: no cover - surfaced by stop()
                self._error = e

        self._thread = threading.Thread(target=body, name="renacer-tracer", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            self._thread.join()
            for f in self._files:
                f.close()
            raise self._error

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> Trace | None:
        """Wait for the traced processes to end on their own; the Trace, or None on timeout."""
        assert self._thread is not None
        self._thread.join(timeout)
        if self._thread.is_alive():
            return None
        return self._finish()

    def stop(self, grace: float = 2.0) -> Trace:
        """Detach (attach) or terminate the traced tree (spawn); return the Trace."""
        if self._trace is not None:
            return self._trace
        assert self._thread is not None
        if self._thread.is_alive():
            if self._attached:
                self._engine.request_stop()
            else:
                # Once the loop has reaped the root (its children still traced), its pid
                # is free for any process of the machine: no signal to it then.
                if self._engine.root_status is None:
                    try:
                        os.kill(self.pid, signal.SIGTERM)
                    except OSError:
                        pass
                self._thread.join(grace)
                if self._thread.is_alive():
                    self._engine.kill_all()
        self._thread.join()
        return self._finish()

    def _finish(self) -> Trace:
        if self._trace is not None:
            return self._trace
        stdout = stderr = None
        if self._capture_output and len(self._files) >= 2:
            stdout, stderr = _read_all(self._files[-2]), _read_all(self._files[-1])
        for f in self._files:
            f.close()
        self._engine.exec_error()
        status = self._engine.root_status
        self._trace = self._recorder.build(
            argv=self._argv, returncode=None if status is None else returncode_of(status),
            stdout=stdout, stderr=stderr,
        )
        if self._error is not None:
            raise RenacerError(f"tracing failed: {self._error}") from self._error
        return self._trace

    @property
    def trace(self) -> Trace | None:
        """The Trace once the traced processes ended or stop() was called, else None."""
        return self._trace

    def __enter__(self) -> Tracer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def attach(pid: int | Sequence[int], *, filter: Selector = None, follow_forks: bool = True,
           source: bool = False, strsize: int = 32, fd_paths: bool = False,
           sinks: Sequence[Sink] = (), record: bool = True) -> Tracer:
    """Start tracing the running process ``pid`` (and its threads) in the background.

    ``pid`` may be several pids (strace's repeated ``-p``); ``sinks`` and ``record`` as
    in :func:`trace`.
    """
    _refuse_nested("attach to a process")
    pids = [pid] if isinstance(pid, int) else list(pid)
    if not pids:
        raise ValueError("attach() needs at least one pid")
    table = table_for()
    # No seccomp for a process we did not start: a filter can only be installed by itself.
    opts = TraceOptions(filter=filter, follow_forks=follow_forks, source=source,
                        strsize=strsize, fd_paths=fd_paths, seccomp=False)
    engine, recorder = _make_engine(opts, table, sinks, record=record)
    from .tracer import read_cmdline

    tracer = Tracer(engine, recorder, read_cmdline(pids[0]) or [str(pids[0])], [], False, True)

    def begin() -> int:
        try:
            for p in pids:
                engine.attach(p)
        except BaseException:  # a later pid failed: let the earlier ones go
            engine._detach_all_now()
            engine._close_waker()
            raise
        return pids[0]

    tracer._start(begin)
    return tracer


def spawn(
    argv: Sequence[str | os.PathLike[str]],
    *,
    filter: Selector = None,
    follow_forks: bool = True,
    source: bool = False,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
    capture_output: bool = True,
    count_only: bool = False,
    strsize: int = 32,
    fd_paths: bool = False,
    sinks: Sequence[Sink] = (),
) -> Tracer:
    """Start ``argv`` traced in the background (a server under test); see :class:`Tracer`."""
    _refuse_nested("trace a command")
    argv_s = [os.fspath(a) for a in argv]
    cwd_s = None if cwd is None else os.fspath(cwd)
    exe = resolve_command(argv_s, env, cwd_s)
    table = table_for()
    opts = TraceOptions(filter=filter, follow_forks=follow_forks, source=source,
                        count_only=count_only, strsize=strsize, fd_paths=fd_paths)
    engine, recorder = _make_engine(opts, table, sinks)
    fds, files = _stdio(input, capture_output)
    tracer = Tracer(engine, recorder, argv_s, files, capture_output, False)
    tracer._start(lambda: engine.spawn(exe, argv_s, env, cwd_s, fds))
    return tracer


# The marker a traced callable's child makes around the body: ioctl(-1, MAGIC, 1 or 2)
# fails with EBADF, costs nothing, and tells the engine where the body starts and ends.
_MARKER_MAGIC = 0x52454E41  # "RENA"


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a traced callable's child process."""

    def __init__(self, tb: str) -> None:
        super().__init__(tb)
        self.tb = tb

    def __str__(self) -> str:
        return f"\n\nTraceback in the traced child:\n{self.tb}"


def marker_spec(table: SyscallTable) -> tuple[int, int]:
    """(syscall nr, magic) of the marker calls around a traced callable or window."""
    return table.by_name["ioctl"].nr, _MARKER_MAGIC


def marker_caller(nr: int) -> Any:
    """A ready-made ``marker(which)``: everything it needs is allocated up front, so
    that between the two markers only the body itself makes syscalls."""
    import ctypes

    syscall = ctypes.CDLL(None, use_errno=True).syscall
    syscall.argtypes = (ctypes.c_long, ctypes.c_long, ctypes.c_ulong, ctypes.c_long)
    syscall.restype = ctypes.c_long
    return functools.partial(syscall, nr, -1, _MARKER_MAGIC)


def _make_fresh_chunk_runner() -> Any:
    """``runner(fn)`` calls ``fn`` with its frame at the start of a new 16 KiB chunk of
    CPython's frame stack (3.11+).

    CPython maps and unmaps such a chunk (mmap/munmap of 16 KiB) whenever a call
    crosses a chunk's end and returns. Had the traced body started near that end, even
    an empty test would show those calls, differently on every pytest version. The
    runner's frame is larger than a chunk, so it always gets a chunk of its own, and
    ``fn``'s frame, which no longer fits in it, starts the next one: the body then has a
    whole chunk to itself before the interpreter maps another.
    """
    names = [f"_v{i}" for i in range(2304)]  # 2304 locals * 8 bytes > 16 KiB
    source = f"def runner(fn):\n    {' = '.join(names)} = None\n    return fn()\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<renacer-fresh-chunk>", "exec"), namespace)
    return namespace["runner"]


@functools.cache
def fresh_chunk_runner() -> Any:
    return _make_fresh_chunk_runner()  # compiled on first use, not at import (~7 ms)


def call(
    fn: Any,
    /,
    *args: Any,
    _renacer_options: TraceOptions | None = None,
    _renacer_timeout: float | None = None,
    **kwargs: Any,
) -> Trace:
    """Run ``fn(*args, **kwargs)`` in a forked, traced child; the Trace has ``.result``.

    Only the body is recorded: the fork, the result's pickling and the child's exit are
    not.  An exception in the child re-raises here, chained to the child's traceback,
    with the body's Trace as its ``renacer_trace`` attribute.
    Tracing options come in ``_renacer_options`` (a :class:`TraceOptions`).
    """
    import pickle
    import traceback

    _refuse_nested("trace a callable in a child")
    opts = _renacer_options or TraceOptions()
    table = table_for()
    ioctl, magic = marker_spec(table)
    engine, recorder = _make_engine(opts, table, (), marker=(ioctl, magic))
    import tempfile  # here: the CLI's start-up should not pay for it (issue 12)

    result_file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the caller)
    fn_name = getattr(fn, "__qualname__", repr(fn))

    marker = marker_caller(ioctl)
    runner = fresh_chunk_runner()

    def run_marked() -> tuple[Any, BaseException | None]:
        failure: BaseException | None = None
        value: Any = None
        marker(1)
        try:
            value = fn(*args, **kwargs)
        except BaseException as e:  # sent back to the parent, re-raised there
            failure = e
        marker(2)
        return value, failure

    def body() -> None:
        value, failure = runner(run_marked)
        # Formatting the traceback reads source files: after the end marker.
        outcome: tuple[str, Any, str] = (
            ("ok", value, "") if failure is None else
            ("error", failure, "".join(traceback.format_exception(failure))))
        try:
            data = pickle.dumps(outcome)
        except Exception as e:
            data = pickle.dumps(("unpicklable", repr(outcome[1]), f"{type(e).__name__}: {e}"))
        os.write(result_file.fileno(), data)
        os._exit(0)

    timer = None
    try:
        engine.spawn("", [fn_name], None, None, (0, 1, 2), target=body)
        if _renacer_timeout is not None:
            timer = threading.Timer(_renacer_timeout, engine.timeout_expired)
            timer.daemon = True
            timer.start()
        engine.run()
        result_file.seek(0)
        data = result_file.read()
    finally:
        if timer is not None:
            timer.cancel()
            timer.join()
        result_file.close()
        engine.exec_error()
    status = engine.root_status
    result = recorder.build(argv=[fn_name],
                            returncode=None if status is None else returncode_of(status))
    if engine.timed_out:
        raise TraceTimeout(f"{fn_name} did not finish within {_renacer_timeout} s; the traced "
                           "processes were killed", result)
    if not data:
        raise TraceeError(f"the traced child running {fn_name} died before returning "
                          f"(exit status {result.returncode})")
    kind, value, tb = pickle.loads(data)
    if kind == "error":
        # The trace of the body is still wanted (a budget counts it): it rides along.
        try:
            value.renacer_trace = result
        except AttributeError:
            pass  # an exception type with __slots__
        raise value from RemoteTraceback(tb)
    if kind == "unpicklable":
        raise TraceeError(f"{fn_name} returned {value}, which cannot be sent back from the "
                          f"traced child ({tb})")
    result.result = value
    return result


__all__ = ["RemoteTraceback", "TraceOptions", "Tracer", "attach", "call", "spawn", "trace"]
