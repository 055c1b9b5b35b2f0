"""Running a test's body in a forked, traced child, for tests traced without the fixture.

The body runs through :func:`pytest_renacer.api.call`, which records only what happens
between two marker syscalls around the callable: the fork, the child's set-up, the
return of the outcome and the child's exit are not recorded.  Everything the child
must do after the body (formatting a failure the way pytest would, flushing Python's
stdout and stderr buffers) happens while the outcome is pickled, which ``api.call``
does after its end marker.

While the body runs, a Python audit hook (``sys.addaudithook``: pure Python, no
syscalls) notes the Python source line of the calls that lead to syscalls with a
path or address (``open()``, ``os.listdir()``, ``subprocess.Popen()``,
``socket.connect()``...), so that a report can show, next to ``openat(...)``, the
test's line that opened the file.
"""

from __future__ import annotations

import functools
import os
import pickle
import sys
import sysconfig
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from .model import Frame

if TYPE_CHECKING:
    import pytest

    from .api import TraceOptions
    from .model import Trace

#: audit event -> (kind, syscalls it leads to, index of the path argument or None)
_AUDIT_EVENTS: dict[str, tuple[str, frozenset[str], int | None]] = {
    "open": ("path", frozenset({"open", "openat", "openat2", "creat"}), 0),
    "os.listdir": ("path", frozenset({"open", "openat"}), 0),
    "os.scandir": ("path", frozenset({"open", "openat"}), 0),
    "os.mkdir": ("path", frozenset({"mkdir", "mkdirat"}), 0),
    "os.remove": ("path", frozenset({"unlink", "unlinkat"}), 0),
    "os.rmdir": ("path", frozenset({"rmdir", "unlinkat"}), 0),
    "os.rename": ("path", frozenset({"rename", "renameat", "renameat2"}), 0),
    "os.chmod": ("path", frozenset({"chmod", "fchmodat", "fchmodat2"}), 0),
    "os.chown": ("path", frozenset({"chown", "lchown", "fchownat"}), 0),
    "os.truncate": ("path", frozenset({"truncate"}), 0),
    "os.link": ("path", frozenset({"link", "linkat"}), 0),
    "os.symlink": ("path", frozenset({"symlink", "symlinkat"}), 1),
    "os.utime": ("path", frozenset({"utimensat", "utime", "utimes", "futimesat"}), 0),
    "os.exec": ("exec", frozenset({"execve", "execveat"}), 0),
    "os.posix_spawn": ("exec", frozenset({"execve", "execveat"}), 0),
    "subprocess.Popen": ("exec", frozenset({"execve", "execveat"}), 0),
    "socket.connect": ("order", frozenset({"connect"}), None),
    "socket.bind": ("order", frozenset({"bind"}), None),
    "socket.sendto": ("order", frozenset({"sendto"}), None),
}

#: A frame noted by the audit hook: (file, line, function)
PyFrame = tuple[str, int, str]


@functools.cache
def _library_dirs() -> tuple[str, ...]:
    """Where library code lives: frames there are not the test's own (computed in the
    parent: realpath and sysconfig make syscalls)."""
    dirs = {os.path.dirname(os.path.abspath(__file__)) + os.sep}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            dirs.add(os.path.realpath(path) + os.sep)
            dirs.add(os.path.abspath(path) + os.sep)
    return tuple(sorted(dirs))


class _AuditRecorder:
    """The audit hook of the traced child: (event, key, own frame) per relevant call."""

    def __init__(self, skip: tuple[str, ...]) -> None:
        self.records: list[tuple[str, str | None, PyFrame]] = []
        self.active = False
        self._busy = False
        self._skip = skip

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.active or self._busy:
            return
        spec = _AUDIT_EVENTS.get(event)
        if spec is None:
            return
        self._busy = True  # sys._getframe is audited itself
        try:
            kind, _, index = spec
            key: str | None = None
            if index is not None:
                raw = args[index] if len(args) > index else None
                if event == "subprocess.Popen" and raw is None and len(args) > 1:
                    argv = args[1]
                    raw = argv if isinstance(argv, str | bytes | os.PathLike) else (
                        argv[0] if argv else None)
                if isinstance(raw, int) or raw is None:
                    return
                try:
                    key = os.fsdecode(raw)
                except TypeError:
                    return
                if kind == "exec":
                    key = os.path.basename(key)
            frame = self._own_frame()
            if frame is not None:
                self.records.append((event, key, frame))
        finally:
            self._busy = False

    def _own_frame(self) -> PyFrame | None:
        f = sys._getframe(2)
        while f is not None:
            name = f.f_code.co_filename
            if not name.startswith(("<", *self._skip)):
                return (name, f.f_lineno, f.f_code.co_name)
            f = f.f_back  # type: ignore[assignment]
        return None


@dataclass
class ChildOutcome:
    """What the forked body sends back to the test's process."""

    value: Any = None
    exc: BaseException | PytestOutcome | None = None
    #: the failure as pytest would show it, formatted in the child (TerminalRepr or str)
    longrepr: Any = None
    audit: list[tuple[str, str | None, PyFrame]] = field(default_factory=list)
    #: text written to an in-memory sys.stdout/sys.stderr (pytest's --capture=sys)
    stdout: str = ""
    stderr: str = ""


class ChildException(Exception):
    """Stands for an exception of the traced child that could not be sent back."""


def _is_failure(exc: BaseException) -> bool:
    """Whether pytest reports ``exc`` as a failure (not a skip, xfail or exit)."""
    import pytest

    if isinstance(exc, pytest.fail.Exception):
        return True
    outcomes = (pytest.skip.Exception, pytest.xfail.Exception, pytest.exit.Exception)
    return not isinstance(exc, outcomes)


class _Deferred:
    """The body's outcome, finished while ``api.call`` pickles it (after the end marker)."""

    def __init__(self, item: pytest.Item | None, value: Any, exc: BaseException | None,
                 audit: _AuditRecorder, marks: tuple[int | None, int | None]) -> None:
        self.item = item
        self.value = value
        self.exc = exc
        self.audit = audit
        self.marks = marks

    def __reduce__(self) -> tuple[Callable[..., ChildOutcome], tuple[Any, ...]]:
        self.audit.active = False
        out = ChildOutcome(audit=self.audit.records)
        texts = []
        for stream, mark in zip((sys.stdout, sys.stderr), self.marks, strict=True):
            text = ""
            try:
                if mark is not None:
                    text = cast(Any, stream).getvalue()[mark:]
                else:
                    stream.flush()
            except Exception:
                pass
            texts.append(text)
        out.stdout, out.stderr = texts
        if self.value is not None:
            out.value = _sendable(self.value)
        exc = self.exc
        if exc is not None:
            if self.item is not None and _is_failure(exc):
                out.longrepr = _format_failure(self.item, exc)
            out.exc = _sendable_exception(exc)
        return (ChildOutcome, (out.value, out.exc, out.longrepr, out.audit, out.stdout,
                               out.stderr))


def _sendable(value: Any) -> Any:
    try:
        pickle.loads(pickle.dumps(value))
    except Exception:
        return f"<unpicklable {type(value).__name__}: {value!r:.200}>"
    return value


class PytestOutcome:
    """A pytest outcome exception (skip, fail, xfail, exit) on its way to the parent.

    pytest gives these classes the module name ``builtins``, so pickle cannot find
    them; they are rebuilt from their parts.
    """

    def __init__(self, exc: BaseException) -> None:
        self.kind = next(k for k, cls in _outcome_classes().items() if isinstance(exc, cls))
        self.msg: str | None = getattr(exc, "msg", None)
        self.pytrace: bool = getattr(exc, "pytrace", True)
        self.allow_module_level = getattr(exc, "allow_module_level", False)
        self.returncode = getattr(exc, "returncode", None)
        self.notes = list(getattr(exc, "__notes__", None) or ())

    def rebuild(self) -> BaseException:
        cls = _outcome_classes()[self.kind]
        exc: BaseException
        if self.kind == "exit":
            exc = cls(self.msg or "unknown reason", self.returncode)
        elif self.kind == "skip":
            exc = cls(self.msg, self.pytrace, self.allow_module_level,
                      _use_item_location=True)  # report the test, not the plugin's line
        else:
            exc = cls(self.msg, self.pytrace)
        if self.notes:
            cast(Any, exc).__notes__ = list(self.notes)
        return exc


def _outcome_classes() -> dict[str, Any]:
    import pytest

    # xfail before fail: XFailed derives from Failed
    return {"xfail": pytest.xfail.Exception, "fail": pytest.fail.Exception,
            "skip": pytest.skip.Exception, "exit": pytest.exit.Exception}


def _sendable_exception(exc: BaseException) -> BaseException | PytestOutcome:
    if isinstance(exc, tuple(_outcome_classes().values())):
        return PytestOutcome(exc)
    try:
        copy = pickle.loads(pickle.dumps(exc))
    except Exception:
        return ChildException(f"{type(exc).__module__}.{type(exc).__qualname__}: {exc} "
                              "(raised in the traced child; it could not be pickled)")
    notes = getattr(exc, "__notes__", None)
    if notes and not getattr(copy, "__notes__", None):
        copy.__notes__ = list(notes)
    return copy  # type: ignore[no-any-return]


def _format_failure(item: pytest.Item, exc: BaseException) -> Any:
    """The failure as pytest formats it (with the child's frames); pickled or a str."""
    from _pytest._code import ExceptionInfo

    try:
        longrepr = item.repr_failure(ExceptionInfo.from_exception(exc))
    except Exception as e:  # never let formatting lose the failure itself
        return f"{type(exc).__name__}: {exc}\n(pytest-renacer could not format it: {e})"
    try:
        pickle.loads(pickle.dumps(longrepr))
    except Exception:
        return str(longrepr)
    return longrepr


def _stream_mark(stream: Any) -> int | None:
    getvalue = getattr(stream, "getvalue", None)
    if getvalue is None:
        return None
    try:
        return len(getvalue())
    except Exception:
        return None


def _child_body(item: pytest.Item | None, fn: Callable[[], Any],
                skip: tuple[str, ...]) -> _Deferred:
    """Runs in the traced child, between the markers: the body, and nothing that costs
    a syscall besides it."""
    audit = _AuditRecorder(skip)
    sys.addaudithook(audit)
    marks = (_stream_mark(sys.stdout), _stream_mark(sys.stderr))
    audit.active = True
    try:
        value = fn()
    except BaseException as e:  # sent to the parent, raised there
        audit.active = False
        return _Deferred(item, None, e, audit, marks)
    audit.active = False
    return _Deferred(item, value, None, audit, marks)


def run_forked(item: pytest.Item | None, fn: Callable[[], Any],
               options: TraceOptions, label: str) -> tuple[Trace, ChildOutcome]:
    """Run ``fn()`` in a forked, traced child; its trace and outcome (nothing raised)."""
    from . import api

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()  # or the child would write the parent's buffered text again
        except Exception:
            pass
    trace = api.call(_child_body, item, fn, _library_dirs(), _renacer_options=options)
    outcome = trace.result
    assert isinstance(outcome, ChildOutcome)
    trace.result = outcome.value
    if isinstance(outcome.exc, PytestOutcome):
        outcome.exc = outcome.exc.rebuild()
    trace.argv = [label]
    root = next(iter(trace.processes.values()), None)
    if root is not None:
        root.argv = [label]
    if outcome.stdout:
        sys.stdout.write(outcome.stdout)
    if outcome.stderr:
        sys.stderr.write(outcome.stderr)
    return trace, outcome


def python_sources(trace: Trace, audit: Sequence[tuple[str, str | None, PyFrame]],
                   ) -> dict[int, Frame]:
    """Event index -> the Python frame that made it, matched from the audit records.

    Matching is by kind: a path call (``open("x")``) goes with the next syscall of its
    family naming that path; an exec with the next execve of that program name; a
    socket call with the next such syscall, in order.  Syscalls no audited call leads
    to (``read``, ``stat``...) get no frame.
    """
    queues: dict[tuple[str, str | None], deque[PyFrame]] = {}
    for event, key, frame in audit:
        _, syscalls, _ = _AUDIT_EVENTS[event]
        for name in syscalls:
            queues.setdefault((name, key), deque()).append(frame)
    if not queues:
        return {}
    wanted = {name for name, _ in queues}
    out: dict[int, Frame] = {}
    for i, ev in enumerate(trace.events):
        name = ev.name
        if name not in wanted:
            continue
        keys: list[str | None]
        if name in ("execve", "execveat"):
            keys = [os.path.basename(p) for p in ev.paths[:1]]
        elif (name, None) in queues:
            keys = [None]
        else:
            keys = list(ev.paths)
        for key in keys:
            q = queues.get((name, key))
            if q:
                file, line, func = q.popleft() if name not in ("execve", "execveat") \
                    else q[0]
                out[i] = Frame(file, line, func, None, 0)
                if name in ("execve", "execveat") and ev.retval == 0:
                    q.popleft()  # the exec that worked ends that program's search
                break
    return out
