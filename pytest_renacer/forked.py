"""Running a test's body in a forked, traced child, for tests traced without the fixture.

The body runs through :func:`pytest_renacer.api.call`, which records only what happens
between two marker syscalls around the callable: the fork, the child's set-up, the
return of the outcome and the child's exit are not recorded.  Everything the child
must do after the body (formatting a failure the way pytest would, flushing Python's
stdout and stderr buffers) happens while the outcome is pickled, which ``api.call``
does after its end marker.

The Python line of each syscall is read from the child's memory at its stop, as for
a body traced in place (the caller asks for it in the trace options).
"""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import pytest

    from .api import TraceOptions
    from .model import Trace


@dataclass
class ChildOutcome:
    """What the forked body sends back to the test's process."""

    value: Any = None
    exc: BaseException | PytestOutcome | None = None
    #: the failure as pytest would show it, formatted in the child (TerminalRepr or str)
    longrepr: Any = None
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
                 marks: tuple[int | None, int | None]) -> None:
        self.item = item
        self.value = value
        self.exc = exc
        self.marks = marks

    def __reduce__(self) -> tuple[Callable[..., ChildOutcome], tuple[Any, ...]]:
        out = ChildOutcome()
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
        return (ChildOutcome, (out.value, out.exc, out.longrepr, out.stdout, out.stderr))


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


def _child_body(item: pytest.Item | None, fn: Callable[[], Any]) -> _Deferred:
    """Runs in the traced child, between the markers: the body, and nothing that costs
    a syscall besides it."""
    marks = (_stream_mark(sys.stdout), _stream_mark(sys.stderr))
    try:
        value = fn()
    except BaseException as e:  # sent to the parent, raised there
        return _Deferred(item, None, e, marks)
    return _Deferred(item, value, None, marks)


def run_forked(item: pytest.Item | None, fn: Callable[[], Any],
               options: TraceOptions, label: str) -> tuple[Trace, ChildOutcome]:
    """Run ``fn()`` in a forked, traced child; its trace and outcome (nothing raised)."""
    from . import api

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()  # or the child would write the parent's buffered text again
        except Exception:
            pass
    trace = api.call(_child_body, item, fn, _renacer_options=options)
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
