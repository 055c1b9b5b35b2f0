"""The session's tracer helper: a separate process that traces threads of its parent.

A process cannot ptrace its own threads, so the pytest process starts this helper
once (``inplace.InPlaceTracer``) and, for each traced window (a test body, one
Hypothesis example, a ``syscalls.call``), asks it to seize the calling thread.  The
helper seizes that thread only, resumes it in syscall-tracing mode, says "ready",
records from the thread's start marker to its end marker (the threads and processes
it starts included), detaches everything there and sends the Trace back.

The protocol is length-prefixed pickles over the helper's stdin and stdout, one
request and its replies at a time:

- ``("begin", tid, options)`` -> ``("ready",)``, then after the window
  ``("trace", Trace, error or None)``; or at once ``("denied", reason)`` (ptrace
  refused: the plugin falls back to forked bodies) or ``("error", message)``.

Nothing is left behind on the pytest process if the helper dies: no EXITKILL and no
seccomp filter are set on the traced thread, and the kernel detaches it when its
tracer exits.  The helper dies with its parent (PR_SET_PDEATHSIG) and exits when its
stdin closes.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from .source.pystack import PythonUnwinder

_LEN = struct.Struct("=I")
PR_SET_PDEATHSIG = 1

#: Testing aid: the helper refuses itself PTRACE_SEIZE with a seccomp filter (EPERM),
#: as a Yama ptrace_scope of 2 or 3 or a container without the capability would.
DENY_SEIZE_ENV = "RENACER_TEST_DENY_SEIZE"


def read_message(fd: int) -> Any:
    """One message from ``fd``; None at end of file."""
    head = _read_exact(fd, _LEN.size)
    if head is None:
        return None
    body = _read_exact(fd, _LEN.unpack(head)[0])
    if body is None:
        return None
    return pickle.loads(body)


def write_message(fd: int, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    data = _LEN.pack(len(data)) + data
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks = []
    while n:
        chunk = os.read(fd, n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _deny_seize() -> None:
    """Install a seccomp filter on this process: ptrace(PTRACE_SEIZE, ...) -> EPERM."""
    from .tables import table_for
    from .tracer import ptrace as pt
    from .tracer.seccomp import PreparedFilter, deny_filter

    table = table_for()
    PreparedFilter(deny_filter(table.audit_arch, table.by_name["ptrace"].nr,
                               pt.PTRACE_SEIZE)).install()


def serve(rfd: int = 0, wfd: int = 1) -> None:
    """Answer requests until the pytest process closes the pipe (or dies)."""
    from .api import TraceOptions, _make_engine, marker_spec
    from .errors import RenacerError, TracingUnavailable
    from .tables import table_for

    table = table_for()
    pytest_pid = os.getppid()
    # Python-lines-only unwinders (by own_only), kept from window to window: what they
    # learnt of the pytest process (where its interpreter's state lies, its code
    # objects) stays true.
    kept: dict[bool, tuple[Any, Any]] = {}
    while True:
        request = read_message(rfd)
        if request is None:
            return
        _, tid, options = request
        opts = TraceOptions(**options, seccomp=False)
        unwinders = None
        if opts.source and not opts.source_native:
            unwinders = kept.get(opts.source_own_only)
            if unwinders is None:
                from .source import make_unwinder

                unwinders = kept[opts.source_own_only] = make_unwinder(
                    table.arch, native=False, own_only=opts.source_own_only)
            # the children of an earlier window are gone: their pids may be reused
            cast("PythonUnwinder", unwinders[0]).reader.forget_all_but(pytest_pid)
        try:
            engine, recorder = _make_engine(opts, table, (), marker=marker_spec(table),
                                            unwinders=unwinders)
            engine.seize_thread(tid)
        except TracingUnavailable as e:
            write_message(wfd, ("denied", str(e)))
            continue
        except (RenacerError, ValueError, OSError) as e:
            write_message(wfd, ("error", f"{type(e).__name__}: {e}"))
            continue
        write_message(wfd, ("ready",))
        error = None
        try:
            engine.run()
        except Exception as e:  # the engine detached everything before raising
            error = f"{type(e).__name__}: {e}"
        trace = recorder.build(argv=[], returncode=None)
        write_message(wfd, ("trace", trace, error))


def main() -> None:
    from .tracer import ptrace as pt

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C is pytest's to handle
    pt.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # never outlive the pytest process
    if os.getppid() == 1:
        return
    if os.environ.get(DENY_SEIZE_ENV, "") not in ("", "0"):
        _deny_seize()
    try:
        serve()
    except BrokenPipeError:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
