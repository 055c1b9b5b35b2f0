"""One traced test: what its markers ask (ItemSpec) and its state while it runs (TestState).

Also where a traced test's body runs: in the test's process, traced in place by the
session's helper (:mod:`.inplace`) for exactly the body's window; or, when asked for
with ``@pytest.mark.renacer(fork=True)`` or where the kernel refuses the helper, in a
forked, traced child (:func:`pytest_pyfunc_call`).  A test using the ``syscalls``
fixture runs as it is: what it traces through the fixture is what counts.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections import Counter
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from .errors import TraceeError, TracingUnavailable
from .inplace import InPlaceDenied
from .markers import MARKER, TOLERANCE_MARKER, TRACE_MARKER, BudgetUsageError
from .support import denied_reason, syscall_table

if TYPE_CHECKING:
    from .baseline import Comparison
    from .budget import Budget, Verdict
    from .fixture import SpawnedProcess
    from .model import Trace
    from .session import RenacerSession

#: The tracing options of @pytest.mark.renacer(...): those of every way to trace.
_TRACE_KEYS = frozenset({"filter", "follow_forks", "source", "count_only", "strsize",
                         "fd_paths"})
#: What @pytest.mark.renacer(...) accepts: those, and ``fork`` (the body in a child).
_MARKER_KEYS = _TRACE_KEYS | {"fork"}

SPEC_KEY = pytest.StashKey["ItemSpec"]()
SPEC_ERROR_KEY = pytest.StashKey[str]()
STATE_KEY = pytest.StashKey["TestState"]()


@dataclass(frozen=True)
class ItemSpec:
    """What the markers and fixtures of a test ask of the plugin."""

    budget: Budget | None
    tolerance: float | None
    options: dict[str, Any]
    marked: bool  # @pytest.mark.renacer
    uses_fixture: bool
    hypothesis: bool
    #: a plain test function, whose body the plugin can run in a forked child (not,
    #: e.g., a unittest.TestCase method, which pytest runs another way)
    forkable: bool = True
    #: pytest calls its function through pytest_pyfunc_call (not a unittest method)
    pyfunc: bool = True

    @property
    def body_traced(self) -> bool:
        """The plugin traces the test's body itself (no fixture to trace through)."""
        return (self.budget is not None or self.marked) and not self.uses_fixture

    @property
    def fork(self) -> bool:
        """The body is to run in a forked child: asked for with renacer(fork=True)."""
        return self.body_traced and bool(self.options.get("fork"))

    @property
    def traced(self) -> bool:
        return self.budget is not None or self.marked or self.uses_fixture


def _is_hypothesis(obj: object) -> bool:
    return hasattr(getattr(obj, "hypothesis", None), "inner_test")


def _trace_marker_options(item: pytest.Item) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for mark in reversed(list(item.iter_markers(TRACE_MARKER))):  # closest mark wins
        if mark.args:
            raise BudgetUsageError(f"{TRACE_MARKER}(...) takes keyword options only, "
                                   f"not {mark.args!r}")
        unknown = set(mark.kwargs) - _MARKER_KEYS
        if unknown:
            raise BudgetUsageError(
                f"{TRACE_MARKER}(...): unknown option(s) {', '.join(sorted(unknown))}; "
                f"known: {', '.join(sorted(_MARKER_KEYS))}")
        options.update(mark.kwargs)
    for key, value in options.items():
        if key == "strsize":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise BudgetUsageError(f"{TRACE_MARKER}(strsize={value!r}): the string "
                                       "size is a whole number of bytes, 0 or more")
        elif key != "filter" and not isinstance(value, bool):
            raise BudgetUsageError(f"{TRACE_MARKER}({key}={value!r}): True or False")
    filt = options.get("filter")
    if filt is not None:
        from .errors import FilterError
        from .filters import selector
        try:
            selector(filt, syscall_table())
        except (FilterError, TypeError) as e:
            raise BudgetUsageError(f"{TRACE_MARKER}(filter={filt!r}): {e}") from None
    return options


def item_spec(item: pytest.Item) -> ItemSpec | None:
    """The test's tracing spec, or None for items the plugin ignores; BudgetUsageError."""
    if not isinstance(item, pytest.Function):
        return None
    marks = [(m.args, m.kwargs) for m in item.iter_markers(MARKER)]
    budget = None
    if marks:
        from .budget import budget_from_markers
        budget = budget_from_markers(marks, syscall_table())
    tolerance = None
    mark = item.get_closest_marker(TOLERANCE_MARKER)
    if mark is not None:
        from .budget import parse_tolerance

        tolerance = parse_tolerance(mark.args, mark.kwargs)
    marked = item.get_closest_marker(TRACE_MARKER) is not None
    options = _trace_marker_options(item) if marked else {}
    return ItemSpec(budget, tolerance, options, marked, "syscalls" in item.fixturenames,
                    _is_hypothesis(item.obj),
                    type(item).runtest is pytest.Function.runtest,
                    not _is_unittest(item))


def _is_unittest(item: pytest.Item) -> bool:
    from _pytest.unittest import TestCaseFunction

    return isinstance(item, TestCaseFunction)



# ----------------------------------------------------------------------- per test state


@dataclass
class TestState:
    """What the plugin knows of one running traced test."""

    __test__ = False  # not a test class, whatever pytest's python_classes say

    item: pytest.Item
    spec: ItemSpec
    session: RenacerSession
    traces: list[Trace] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    spawned: list[SpawnedProcess] = field(default_factory=list)
    examples: int = 0
    verdict: Verdict | None = None
    comparison: Comparison | None = None
    baseline: dict[str, Any] | None = None
    reasons: list[str] = field(default_factory=list)
    child_failures: dict[int, tuple[BaseException, Any, int]] = field(default_factory=dict)
    #: the body ran (or runs) in a forked child: asked for, or in-place was refused
    forked: bool = False
    #: the session's wrapper traces the call itself (an async body, run by its plugin)
    traced_around_call: bool = False

    def check_available(self) -> None:
        reason = denied_reason()
        if reason is not None:
            self.session.unavailable(reason)

    def add_trace(self, trace: Trace, label: str) -> None:
        self.traces.append(trace)
        self.labels.append(label)
        self.item.ihook.pytest_renacer_trace_finished(item=self.item, trace=trace)

    def reset(self) -> None:
        self.traces = []
        self.labels = []
        self.verdict = None
        self.reasons = []

    # -- one run of the test's body (or of one Hypothesis example) -------------------
    def run_example(self, fn: Callable[[], Any]) -> Any:
        self.examples += 1
        if self.spec.hypothesis:
            self.reset()
        if not self.spec.body_traced:
            try:
                value = fn()
            except BaseException:
                self.end_example(body_failed=True)
                raise
            self.end_example(body_failed=False)
            return value
        got = self._call_in_place(fn)
        if got is None:
            return self._run_forked(fn)
        value, failure = got
        if failure is not None:
            self.end_example(body_failed=True)
            raise failure
        self.end_example(body_failed=False)
        return value

    @property
    def label(self) -> str:
        return f"test body of {self.item.nodeid}"

    def _trace_options(self) -> dict[str, Any]:
        opts = {k: v for k, v in self.spec.options.items() if k in _TRACE_KEYS}
        if "filter" not in opts and self.spec.budget is not None:
            opts["filter"] = self.spec.budget.trace_filter()
        return with_python_lines(opts)

    def _forks(self) -> bool:
        """Whether the body is to run in a forked child: asked for, or the kernel refused
        the helper already (then once a session, a note)."""
        self.check_available()
        self.forked = self.spec.fork or self.session.inplace.denied is not None
        return self.forked

    def _call_in_place(self, fn: Callable[[], Any]) -> tuple[Any, BaseException | None] | None:
        """``fn()`` traced in place (InPlaceTracer.call: its window opens where the body's
        frame starts a fresh chunk of CPython's frame stack); (value, exception), its
        trace counted; None: it is to run in a forked child."""
        if self._forks():
            return None
        try:
            trace, value, failure = self.session.inplace.call(fn, self._trace_options(),
                                                              self.label)
        except InPlaceDenied:
            self.forked = True
            return None
        except TraceeError as e:
            pytest.fail(f"renacer: {e}", pytrace=False)
        self.add_trace(trace, self.label)
        return value, failure

    def open_window(self) -> bool:
        """Start tracing the body in place around a call that another hook makes (an
        async body, a unittest method); False when it is to run in a forked child."""
        if self._forks():
            return False
        try:
            self.session.inplace.begin(self._trace_options())
        except InPlaceDenied:
            self.forked = True
            return False
        except TraceeError as e:
            pytest.fail(f"renacer: {e}", pytrace=False)
        return True

    def close_window(self) -> None:
        """End an in-place window opened by :meth:`open_window`; its trace counts."""
        if not self.spec.body_traced or self.forked:
            return
        try:
            trace = self.session.inplace.end(self.label)
        except TraceeError as e:
            pytest.fail(f"renacer: {e}", pytrace=False)
        self.add_trace(trace, self.label)

    def _run_forked(self, fn: Callable[[], Any]) -> Any:
        from .api import TraceOptions
        from .forked import run_forked

        self.check_available()
        label = self.label
        try:
            trace, outcome = run_forked(self.item, fn, TraceOptions(**self._trace_options()),
                                        label)
        except TracingUnavailable as e:
            self.session.unavailable(str(e))
        except TraceeError as e:
            pytest.fail(f"renacer: {e}", pytrace=False)
        self.add_trace(trace, label)
        exc = outcome.exc
        if exc is not None:
            assert isinstance(exc, BaseException)
            self.end_example(body_failed=True)
            if outcome.longrepr is not None:
                notes = len(getattr(exc, "__notes__", None) or ())
                self.child_failures[id(exc)] = (exc, outcome.longrepr, notes)
            raise exc
        self.end_example(body_failed=False)
        return outcome.value

    def end_example(self, *, body_failed: bool) -> None:
        """Check the budget (and the baseline) of what this example traced."""
        for proc in self.spawned:
            if not proc.running:
                proc.wait(0)
        budget = self.spec.budget
        self.verdict = budget.check(self.traces) if budget is not None else None
        if body_failed:
            return
        reasons = []
        if self.verdict is not None and not self.verdict.ok:
            reasons.append(self.verdict.reason)
        if not self.spec.hypothesis:
            reason = self.session.baseline_step(self)
            if reason:
                reasons.append(reason)
        self.reasons = reasons
        if reasons:
            pytest.fail(" | ".join(reasons), pytrace=False)

    def stop_spawned(self) -> None:
        for proc in self.spawned:
            if proc.running or proc.trace is None:
                try:
                    proc.stop()
                except Exception:  # the test is over: nothing more to report
                    pass
        self.spawned = []

    def total(self) -> int:
        return sum(len(t) for t in self.traces)

    def names(self) -> Counter[str]:
        """Calls per syscall name over the test's traces."""
        names: Counter[str] = Counter()
        for t in self.traces:
            names.update(t.names())
        return names


def with_python_lines(opts: dict[str, Any]) -> dict[str, Any]:
    """Trace options for Python code the plugin runs (a body, ``syscalls.call``): unless
    ``source`` was chosen, the Python line of every syscall, read from the interpreter's
    memory at each stop (no native unwinding, down to the first own frame): what the
    failure report and the JSON show."""
    if "source" not in opts and not opts.get("count_only"):
        opts = {**opts, "source": True, "source_native": False, "source_own_only": True}
    return opts


def _is_async(fn: object) -> bool:
    return inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run the body of a plain (synchronous) test traced without the fixture: in place,
    or in a forked child, as pytest's own pytest_pyfunc_call would call it.

    An async body (or one another plugin runs) is left to that plugin: the session's
    wrapper traces it in place around the call (:func:`wrap_pyfunc_call`).
    """
    state = pyfuncitem.stash.get(STATE_KEY, None)
    if (state is None or not state.spec.body_traced or state.spec.hypothesis
            or state.traced_around_call):
        return None
    testfunction = pyfuncitem.obj
    funcargs = pyfuncitem.funcargs
    testargs = {arg: funcargs[arg] for arg in pyfuncitem._fixtureinfo.argnames}
    result = state.run_example(lambda: testfunction(**testargs))
    if result is not None:
        warnings.warn(pytest.PytestReturnNotNoneWarning(
            f"Test functions should return None, but {pyfuncitem.nodeid} returned "
            f"{type(result)!r}."), stacklevel=1)
    return True


def wrap_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, object, object]:
    """The session's pytest_pyfunc_call wrapper, the innermost one: a Hypothesis test's
    examples, a traced body's in-place window, a fixture test's call, each checked as
    one example."""
    state = pyfuncitem.stash.get(STATE_KEY, None)
    if state is None:
        return (yield)
    state.check_available()
    if state.spec.hypothesis:
        holder = pyfuncitem.obj.hypothesis
        inner = holder.inner_test

        @functools.wraps(inner)
        def example(*args: Any, **kwargs: Any) -> Any:
            return state.run_example(lambda: inner(*args, **kwargs))

        holder.inner_test = example
        try:
            return (yield)
        finally:
            holder.inner_test = inner
    if state.spec.body_traced:
        if not _is_async(pyfuncitem.obj):
            return (yield)  # run by the module's tryfirst pytest_pyfunc_call
        # An async body: its plugin (pytest-asyncio, anyio...) runs it, perhaps through
        # a synchronous wrapper it puts in place of the function: traced around the call.
        state.traced_around_call = True
        if not state.open_window():
            pytest.fail(f"renacer: {pyfuncitem.nodeid} is async: its body cannot run in a "
                        "forked child; trace it in place (no fork=True) or use the syscalls "
                        "fixture in it", pytrace=False)
    # one example: the whole call (in place, for an async body)
    return (yield from _one_example(state))


def wrap_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """The session's pytest_runtest_call wrapper: a traced test that pytest does not run
    through pytest_pyfunc_call (a unittest.TestCase method) is traced in place around
    its run."""
    state = item.stash.get(STATE_KEY, None)
    if state is None or not state.spec.body_traced or state.spec.pyfunc:
        return (yield)
    if not state.open_window():
        pytest.fail(f"renacer: {item.nodeid} is a {type(item).__name__}, whose body cannot "
                    "run in a forked child: use the syscalls fixture in it to trace",
                    pytrace=False)
    return (yield from _one_example(state))


def _one_example(state: TestState) -> Generator[None, object, object]:
    """One example around a hook's call: its in-place window (if one is open) closed,
    then its budget and baseline checked."""
    state.examples += 1
    try:
        result = yield
    except BaseException:
        state.close_window()
        state.end_example(body_failed=True)
        raise
    state.close_window()
    state.end_example(body_failed=False)
    return result
