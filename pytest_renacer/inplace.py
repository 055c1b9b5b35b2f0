"""In-place tracing: a window of the calling thread traced by the session's helper process.

``InPlaceTracer.begin()`` asks the helper (``inplace_helper``, started once and reused)
to seize the calling thread, then makes the start marker; ``end()`` makes the end
marker, where the helper detaches everything it traced, and returns the window's
Trace.  Between the two the code runs in this process exactly as it would untraced:
coverage, other plugins, module state, event loops all see it.  Threads and processes
the thread starts in the window are traced too, until its end.

Where the kernel refuses the helper tracing its parent (Yama ptrace_scope 2 or 3, a
container without the capability) ``begin`` raises :class:`InPlaceDenied` and the
caller falls back to a forked child.  With Yama's ptrace_scope 1 this process names
the helper as its tracer (PR_SET_PTRACER) when it starts it.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING, Any

from .errors import RenacerError, TraceeError

if TYPE_CHECKING:
    import subprocess

    from .model import Trace

PR_SET_PTRACER = 0x59616D61

#: Threads (idents) whose in-place window is open in this process
_OPEN: set[int] = set()


def refuse_nested(what: str) -> None:
    """Raise if the calling thread is being traced in place: what it would fork to trace
    is followed by the helper already, and ptrace allows one tracer."""
    if threading.get_ident() in _OPEN:
        raise RenacerError(
            f"cannot {what} from code that is itself traced in place (a test body with a "
            "max_syscalls or renacer marker): trace through the syscalls fixture instead, "
            "whose traces the budget counts")


def _helper_env() -> dict[str, str] | None:
    """The helper's environment: ours, plus, when this process measures coverage, what
    makes coverage measure the helper too (its own start-up hook, COVERAGE_PROCESS_START,
    with the same configuration); else None (inherit)."""
    coverage = sys.modules.get("coverage")
    current = coverage.Coverage.current() if coverage is not None else None
    config = getattr(getattr(current, "config", None), "config_file", None)
    if not config:
        return None
    return {**os.environ, "COVERAGE_PROCESS_START": str(config)}


class InPlaceDenied(RenacerError):
    """The helper may not trace this process here; the message says why."""


class InPlaceTracer:
    """The session's tracer helper, and the windows it traces.  One per process."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._lock = threading.Lock()  # held from a window's begin to its end
        self._marker: Callable[[int], Any] | None = None
        #: why in-place tracing is refused here (then every window raises InPlaceDenied)
        self.denied: str | None = None
        self.started = 0  # helpers started (one per session unless one died)

    # -- the helper process -----------------------------------------------------------
    def _ensure_helper(self) -> subprocess.Popen[bytes]:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            return proc
        self._discard()
        import subprocess  # not at import: the plugin loads this module for every run
        import tempfile

        package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        code = (f"import sys; sys.path.insert(0, {package_parent!r}); "
                "from pytest_renacer.inplace_helper import main; main()")
        # Its stderr goes to a file of ours: what a dying helper said ends up in the error
        # (pytest's per-test capture would swallow it, or the terminal would show it).
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _discard)
        proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=self._stderr, close_fds=True,
                                env=_helper_env())
        self._proc = proc
        self.started += 1
        try:  # Yama ptrace_scope 1: only a named tracer may trace a non-child
            from .tracer.ptrace import prctl

            prctl(PR_SET_PTRACER, proc.pid)
        except OSError:
            pass  # no Yama here (EINVAL): nothing to name
        return proc

    def _discard(self, *, kill: bool = False) -> None:
        """End the helper (if any): closing its stdin makes it exit.  ``kill``: at once,
        for one that may be tracing us (the kernel then detaches the thread)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if kill:
                proc.kill()
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    pipe.close()
            import subprocess

            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def close(self) -> None:
        """End the helper; a later window starts a new one."""
        with self._lock:
            self._discard()

    def _helper_said(self) -> str:
        if self._stderr is None:
            return ""
        try:
            self._stderr.seek(0)
            text = self._stderr.read().decode(errors="replace").strip()
        except OSError:
            return ""
        return f": {text.splitlines()[-1]}" if text else ""

    def _request(self, message: Any) -> Any:
        from .inplace_helper import read_message, write_message

        proc = self._ensure_helper()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            write_message(proc.stdin.fileno(), message)
            reply = read_message(proc.stdout.fileno())
        except OSError:
            reply = None
        except BaseException:
            # Interrupted (Ctrl-C) while the helper may be seizing this thread: a helper
            # left waiting for a start marker that never comes would keep tracing it.
            self._discard(kill=True)
            raise
        if reply is None:
            self._helper_died()
        return reply

    def _reply(self) -> Any:
        from .inplace_helper import read_message

        assert self._proc is not None and self._proc.stdout is not None
        reply = read_message(self._proc.stdout.fileno())
        if reply is None:
            self._helper_died()
        return reply

    def _helper_died(self) -> None:
        said = self._helper_said()
        status = self._proc.poll() if self._proc is not None else None
        self._discard()
        raise TraceeError(f"the in-place tracer helper died (exit status {status}){said}")

    # -- windows ----------------------------------------------------------------------
    def begin(self, options: Mapping[str, Any]) -> None:
        """Start tracing the calling thread; the window is open when this returns.

        ``options``: TraceOptions keywords (filter, follow_forks, strsize, fd_paths,
        count_only, source).  Raises :class:`InPlaceDenied` where ptrace is refused.
        """
        if self.denied is not None:
            raise InPlaceDenied(self.denied)
        me = threading.get_ident()
        if me in _OPEN:
            raise RenacerError("an in-place trace of this thread is already open")
        self._lock.acquire()
        try:
            if self._marker is None:
                from .api import marker_caller, marker_spec
                from .tables import table_for

                self._marker = marker_caller(marker_spec(table_for())[0])
            reply = self._request(("begin", threading.get_native_id(), dict(options)))
            if reply[0] == "denied":
                self.denied = reply[1]
                raise InPlaceDenied(reply[1])
            if reply[0] != "ready":
                raise TraceeError(f"the in-place tracer could not start: {reply[1]}")
        except BaseException:
            self._lock.release()
            raise
        _OPEN.add(me)
        self._marker(1)

    def end(self, label: str) -> Trace:
        """Close the window the calling thread opened; its Trace."""
        assert self._marker is not None and threading.get_ident() in _OPEN
        try:
            self._marker(2)
            try:
                reply = self._reply()
            except BaseException:
                # Interrupted half-way (Ctrl-C): the helper's answer would be read by the
                # next window. A new helper starts clean.
                self._discard()
                raise
        finally:
            _OPEN.discard(threading.get_ident())
            self._lock.release()
        _, trace, error = reply
        if error is not None:
            raise TraceeError(f"in-place tracing failed: {error}")
        trace.argv = [label]
        me = trace.processes.get(os.getpid())
        if me is not None:
            me.argv = [label]
        return trace  # type: ignore[no-any-return]

    def call(self, fn: Callable[[], Any], options: Mapping[str, Any], label: str,
             ) -> tuple[Trace, Any, BaseException | None]:
        """``fn()`` in a window: (trace, its value, its exception or None)."""
        from .api import fresh_chunk_runner

        def windowed() -> tuple[Trace, Any, BaseException | None]:
            self.begin(options)
            value: Any = None
            failure: BaseException | None = None
            try:
                value = fn()
            except BaseException as e:  # returned with the trace; the caller re-raises it
                failure = e
            return self.end(label), value, failure

        # A fresh chunk of CPython's frame stack: no mmap/munmap of one in the window.
        return fresh_chunk_runner()(windowed)  # type: ignore[no-any-return]
