"""One traced test: what its markers ask (ItemSpec) and its state while it runs (TestState).

Also where a traced test's body runs: in the test's process (with the ``syscalls``
fixture) or in a forked, traced child (:func:`pytest_pyfunc_call`).
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
from .markers import MARKER, TOLERANCE_MARKER, TRACE_MARKER, BudgetUsageError
from .support import denied_reason, syscall_table

if TYPE_CHECKING:
    from .baseline import Comparison
    from .budget import Budget, Verdict
    from .fixture import SpawnedProcess
    from .model import Frame, Trace
    from .session import RenacerSession

#: What @pytest.mark.renacer(...) accepts: options of every way to trace.
_MARKER_KEYS = frozenset({"filter", "follow_forks", "source", "count_only", "strsize",
                          "fd_paths"})

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

    @property
    def forked(self) -> bool:
        return (self.budget is not None or self.marked) and not self.uses_fixture

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
                    type(item).runtest is pytest.Function.runtest)



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
    py_sources: dict[int, dict[int, Frame]] = field(default_factory=dict)
    spawned: list[SpawnedProcess] = field(default_factory=list)
    examples: int = 0
    verdict: Verdict | None = None
    comparison: Comparison | None = None
    baseline: dict[str, Any] | None = None
    reasons: list[str] = field(default_factory=list)
    child_failures: dict[int, tuple[BaseException, Any, int]] = field(default_factory=dict)

    def check_available(self) -> None:
        reason = denied_reason()
        if reason is not None:
            self.session.unavailable(reason)

    def add_trace(self, trace: Trace, label: str,
                  py_sources: dict[int, Frame] | None = None) -> None:
        self.traces.append(trace)
        self.labels.append(label)
        if py_sources:
            self.py_sources[id(trace)] = py_sources
        self.item.ihook.pytest_renacer_trace_finished(item=self.item, trace=trace)

    def reset(self) -> None:
        self.traces = []
        self.labels = []
        self.py_sources = {}
        self.verdict = None
        self.reasons = []

    # -- one run of the test's body (or of one Hypothesis example) -------------------
    def run_example(self, fn: Callable[[], Any]) -> Any:
        self.examples += 1
        if self.spec.hypothesis:
            self.reset()
        if not self.spec.forked:
            try:
                value = fn()
            except BaseException:
                self.end_example(body_failed=True)
                raise
            self.end_example(body_failed=False)
            return value
        return self._run_forked(fn)

    def _run_forked(self, fn: Callable[[], Any]) -> Any:
        from .api import TraceOptions
        from .forked import python_sources, run_forked

        self.check_available()
        opts = {k: v for k, v in self.spec.options.items() if k in _MARKER_KEYS}
        if "filter" not in opts and self.spec.budget is not None:
            opts["filter"] = self.spec.budget.trace_filter()
        label = f"test body of {self.item.nodeid}"
        try:
            trace, outcome = run_forked(self.item, fn, TraceOptions(**opts), label)
        except TracingUnavailable as e:
            self.session.unavailable(str(e))
        except TraceeError as e:
            pytest.fail(f"renacer: {e}", pytrace=False)
        self.add_trace(trace, label, python_sources(trace, outcome.audit))
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


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run the body of a test traced without the fixture in a forked, traced child."""
    state = pyfuncitem.stash.get(STATE_KEY, None)
    if state is None or not state.spec.forked or state.spec.hypothesis:
        return None
    testfunction = pyfuncitem.obj
    if inspect.iscoroutinefunction(testfunction) or inspect.isasyncgenfunction(testfunction):
        pytest.fail(f"renacer: {pyfuncitem.nodeid} is async: its body cannot run in a forked "
                    "child; use the syscalls fixture in it instead", pytrace=False)
    funcargs = pyfuncitem.funcargs
    testargs = {arg: funcargs[arg] for arg in pyfuncitem._fixtureinfo.argnames}
    result = state.run_example(lambda: testfunction(**testargs))
    if result is not None:
        warnings.warn(pytest.PytestReturnNotNoneWarning(
            f"Test functions should return None, but {pyfuncitem.nodeid} returned "
            f"{type(result)!r}."), stacklevel=1)
    return True


def wrap_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, object, object]:
    """The session's pytest_pyfunc_call wrapper: a Hypothesis test's examples and a
    fixture test's call, each checked as one example (the body runs in this process)."""
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
    if state.spec.forked:
        return (yield)  # run by the module's tryfirst pytest_pyfunc_call
    state.examples += 1  # a test using the fixture: one example, the whole call
    try:
        result = yield
    except BaseException:
        state.end_example(body_failed=True)
        raise
    state.end_example(body_failed=False)
    return result
