"""The ``syscalls`` fixture: trace commands and callables from a test."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

from . import untraced
from .errors import TraceTimeout, TracingUnavailable
from .session import SESSION_KEY
from .teststate import with_python_lines

if TYPE_CHECKING:
    from .api import Tracer
    from .model import Trace
    from .session import RenacerSession
    from .teststate import TestState

#: The keywords of each way to trace (the fixture's defaults are filtered by these).
_RUN_KEYS = frozenset({"filter", "follow_forks", "source", "timeout", "cwd", "env", "input",
                       "capture_output", "count_only", "strsize", "fd_paths"})
_SPAWN_KEYS = _RUN_KEYS - {"timeout"}
_CALL_KEYS = frozenset({"filter", "follow_forks", "source", "count_only", "strsize",
                        "fd_paths", "seccomp", "timeout", "fork"})
#: What a call traced in place takes (no seccomp: a filter could not be taken off again)
_INPLACE_KEYS = (_CALL_KEYS - {"seccomp", "timeout", "fork"}) | {"source_native",
                                                                  "source_own_only"}


class SpawnedProcess:
    """A process started by ``syscalls.spawn()``, traced in the background.

    Use it as a context manager (the process is stopped at the end of the block), or
    call :meth:`stop` / :meth:`wait`.  Its trace counts for the test once it ended.
    """

    def __init__(self, tracer: Tracer, state: TestState, label: str) -> None:
        self._tracer = tracer
        self._state = state
        self._label = label
        self._recorded = False

    @property
    def pid(self) -> int:
        return self._tracer.pid

    @property
    def running(self) -> bool:
        return self._tracer.running

    @property
    def trace(self) -> Trace | None:
        """The trace once the process ended and was stopped or waited for, else None."""
        return self._tracer.trace

    def _record(self, trace: Trace | None) -> Trace | None:
        if trace is not None and not self._recorded:
            self._recorded = True
            self._state.add_trace(trace, self._label)
        return trace

    def stop(self, grace: float = 2.0) -> Trace:
        """Terminate the process tree (SIGTERM, SIGKILL after ``grace`` s); its Trace."""
        trace = self._tracer.stop(grace)
        self._record(trace)
        return trace

    def wait(self, timeout: float | None = None) -> Trace | None:
        """Wait for the process to exit on its own; its Trace, or None on timeout."""
        return self._record(self._tracer.wait(timeout))

    def __enter__(self) -> SpawnedProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "ended"
        return f"<SpawnedProcess {self._label!r} pid={self.pid} {state}>"


class Syscalls:
    """The ``syscalls`` fixture: trace commands and callables from a test.

    Everything traced through it lands in :attr:`traces` and counts for the test's
    ``max_syscalls`` budgets.  Default options come from ``@pytest.mark.renacer(...)``
    and from :meth:`options`.
    """

    def __init__(self, session: RenacerSession, defaults: dict[str, Any] | None = None) -> None:
        self._session = session
        self._defaults = dict(defaults or {})

    def _active(self) -> TestState:
        state = self._session.current
        if state is None:
            raise RuntimeError("the syscalls fixture can only trace while a test runs")
        state.check_available()
        return state

    def _opts(self, state: TestState, keys: frozenset[str],
              given: dict[str, Any]) -> dict[str, Any]:
        merged = {**state.spec.options, **self._defaults}
        return {**{k: v for k, v in merged.items() if k in keys}, **given}

    def _untraced_opts(self, keys: frozenset[str], given: dict[str, Any]) -> dict[str, Any]:
        return {**{k: v for k, v in self._defaults.items() if k in keys}, **given}

    @property
    def enabled(self) -> bool:
        """False when tracing is switched off (``--renacer-disable``): the commands and
        callables still run, untraced, and their traces have no events."""
        return not self._session.disabled

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except TracingUnavailable as e:
            self._session.unavailable(str(e))

    # -- tracing ----------------------------------------------------------------------
    def run(self, argv: Sequence[str | os.PathLike[str]], /, **options: Any) -> Trace:
        """Run ``argv`` to completion, traced; ``options`` are :func:`pytest_renacer.trace`'s."""
        from .api import trace as api_trace

        if self._session.disabled:
            try:
                t = untraced.run(argv, **self._untraced_opts(_RUN_KEYS, options))
            except TraceTimeout as e:
                self._session.untraced_traces.append(e.trace)
                raise
            self._session.untraced_traces.append(t)
            return t
        state = self._active()
        opts = self._opts(state, _RUN_KEYS, options)
        label = " ".join(os.fspath(a) for a in argv)
        try:
            with self._guard():
                t = api_trace(argv, **opts)
        except TraceTimeout as e:
            state.add_trace(e.trace, label)
            raise
        state.add_trace(t, label)
        return t

    def call(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Trace:
        """Run ``fn(*args, **kwargs)`` traced; the Trace has its return value as ``.result``.

        It runs in place: in this process, on this thread, as an untraced call would
        (its value and its exception are its own, not copies; what it changes stays
        changed).  With ``options(fork=True)``, or a ``timeout``, it runs in a forked,
        traced child instead (its exception then re-raises here, chained to the child's
        traceback).  Tracing options come from :meth:`options`
        (``syscalls.options(filter="%file").call(fn, x)``).
        """
        from .api import TraceOptions
        from .api import call as api_call

        if self._session.disabled:
            t = untraced.call(fn, *args, **kwargs)
            self._session.untraced_traces.append(t)
            return t
        state = self._active()
        opts = with_python_lines(self._opts(state, _CALL_KEYS, {}))
        fork = bool(opts.pop("fork", False))
        timeout = kwargs.pop("_renacer_timeout", opts.pop("timeout", None))
        given_options = kwargs.pop("_renacer_options", None)
        label = getattr(fn, "__qualname__", repr(fn))
        if not fork and timeout is None and given_options is None:
            traced = self._call_in_place(state, fn, args, kwargs, opts, label)
            if traced is not None:
                return traced
        trace_options = given_options or TraceOptions(**opts)
        try:
            with self._guard():
                t = api_call(fn, *args, _renacer_options=trace_options,
                             _renacer_timeout=timeout, **kwargs)
        except TraceTimeout as e:
            state.add_trace(e.trace, label)
            raise
        except BaseException as e:
            body_trace: Trace | None = getattr(e, "renacer_trace", None)
            if body_trace is not None:
                state.add_trace(body_trace, label)  # the budget covers a failing call too
            raise
        state.add_trace(t, label)
        return t

    def _call_in_place(self, state: TestState, fn: Callable[..., Any], args: tuple[Any, ...],
                       kwargs: dict[str, Any], opts: dict[str, Any], label: str,
                       ) -> Trace | None:
        """``call()`` in place; None where the kernel refuses it (then it runs forked)."""
        from .inplace import InPlaceDenied

        options = {k: v for k, v in opts.items() if k in _INPLACE_KEYS}
        try:
            with self._guard():
                t, value, failure = state.session.inplace.call(
                    lambda: fn(*args, **kwargs), options, label)
        except InPlaceDenied:
            return None
        state.add_trace(t, label)  # the budget covers a failing call too
        if failure is not None:
            try:
                failure.renacer_trace = t  # type: ignore[attr-defined]
            except AttributeError:
                pass  # an exception type with __slots__
            raise failure
        t.result = value
        return t

    def spawn(self, argv: Sequence[str | os.PathLike[str]], /,
              **options: Any) -> SpawnedProcess | untraced.UntracedProcess:
        """Start ``argv`` traced in the background: a context manager (see SpawnedProcess)."""
        from .api import spawn as api_spawn

        if self._session.disabled:
            untraced_proc = untraced.UntracedProcess(
                argv, **self._untraced_opts(_SPAWN_KEYS, options))
            self._session.untraced_procs.append(untraced_proc)
            return untraced_proc
        state = self._active()
        opts = self._opts(state, _SPAWN_KEYS, options)
        with self._guard():
            tracer = api_spawn(argv, **opts)
        proc = SpawnedProcess(tracer, state, " ".join(os.fspath(a) for a in argv))
        state.spawned.append(proc)
        return proc

    def options(self, **options: Any) -> Syscalls:
        """The same fixture with other default options (for run, call and spawn).

        ``syscalls.options(filter="%file", timeout=10).call(load, path)``: each method
        uses the options it accepts.
        """
        unknown = set(options) - _RUN_KEYS - _CALL_KEYS
        if unknown:
            raise TypeError(f"unknown tracing option(s): {', '.join(sorted(unknown))}")
        return Syscalls(self._session, {**self._defaults, **options})

    # -- what was traced --------------------------------------------------------------
    @property
    def traces(self) -> list[Trace]:
        """Every trace of this test (of this example, in a Hypothesis test), in order."""
        if self._session.disabled:
            return [*self._session.untraced_traces,
                    *(p.trace for p in self._session.untraced_procs if p.trace is not None)]
        state = self._session.current
        return list(state.traces) if state is not None else []

    def reset(self) -> None:
        """Forget the traces so far: they count neither for budgets nor for artifacts."""
        self._session.untraced_traces.clear()
        state = self._session.current
        if state is not None:
            state.reset()

    def count(self, selector: str | Sequence[str] | None = None) -> int:
        """Syscalls matching ``selector`` (a trace expression) over all :attr:`traces`."""
        return sum(t.count(selector) for t in self.traces)

    def names(self) -> Counter[str]:
        """Calls per syscall name over all :attr:`traces`."""
        total: Counter[str] = Counter()
        for t in self.traces:
            total.update(t.names())
        return total

    def __repr__(self) -> str:
        return f"<syscalls: {len(self.traces)} traces>"


@pytest.fixture(scope="session")
def syscalls(request: pytest.FixtureRequest) -> Syscalls:
    """Trace commands (``.run``, ``.spawn``) and callables (``.call``) from a test.

    Its state is per test, and per example in a Hypothesis test (the fixture object is
    session-scoped so that Hypothesis does not flag it).
    """
    return Syscalls(request.config.stash[SESSION_KEY])

