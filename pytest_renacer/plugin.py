"""The pytest plugin: the ``syscalls`` fixture, ``max_syscalls`` budgets, reports, artifacts.

Loaded through the ``pytest11`` entry point ``renacer``; see docs/plugin.md.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import os
import warnings
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from . import hookspecs
from .artifacts import node_relpath, session_document, write_json_atomic
from .baseline import (
    DEFAULT_TOLERANCE,
    Comparison,
    PathNormalizer,
    baseline_path,
    compare,
    load_baseline,
    profile_of,
    write_baseline,
)
from .budget import (
    MARKER,
    TOLERANCE_MARKER,
    USAGE,
    Budget,
    BudgetUsageError,
    Verdict,
    budget_from_markers,
    check_tolerance,
    parse_tolerance,
)
from .errors import BaselineError, TraceeError, TraceTimeout, TracingUnavailable

if TYPE_CHECKING:
    from .api import Tracer
    from .model import Frame, Trace

TRACE_MARKER = "renacer"
#: Set to 1 to make the plugin act as if ptrace were denied (to test that path).
FORCE_UNAVAILABLE_ENV = "RENACER_FORCE_UNAVAILABLE"

#: The keywords of each way to trace (the fixture's defaults are filtered by these).
_RUN_KEYS = frozenset({"filter", "follow_forks", "source", "timeout", "cwd", "env", "input",
                       "capture_output", "count_only", "strsize", "fd_paths"})
_SPAWN_KEYS = _RUN_KEYS - {"timeout"}
_CALL_KEYS = frozenset({"filter", "follow_forks", "source", "count_only", "strsize",
                        "fd_paths", "seccomp", "timeout"})
#: What @pytest.mark.renacer(...) accepts: options of every way to trace.
_MARKER_KEYS = frozenset({"filter", "follow_forks", "source", "count_only", "strsize",
                          "fd_paths"})

REMEDY = (
    "Remedy: run the tests where ptrace is allowed: in a container, give it the "
    "SYS_PTRACE capability (docker run --cap-add=SYS_PTRACE, and a seccomp profile that "
    "allows ptrace); on a host, check kernel.yama.ptrace_scope (0 or 1). Or pass "
    "--renacer-skip-unavailable to skip the tests that trace syscalls."
)

SESSION_KEY = pytest.StashKey["RenacerSession"]()
SPEC_KEY = pytest.StashKey["ItemSpec"]()
SPEC_ERROR_KEY = pytest.StashKey[str]()
STATE_KEY = pytest.StashKey["TestState"]()


# ----------------------------------------------------------------------- options


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("renacer", "syscall tracing (pytest-renacer)")

    def add(opt: str, ini: str, help: str, *, flag: bool = False, metavar: str | None = None,
            ini_type: str = "string", ini_default: object = None) -> None:
        if flag:
            group.addoption(opt, action="store_true", default=None, help=help)
        else:
            group.addoption(opt, action="store", default=None, metavar=metavar, help=help)
        parser.addini(ini, help=help.replace("%%", "%"), type=ini_type,  # type: ignore[arg-type]
                      default=ini_default)

    add("--renacer-json", "renacer_json", metavar="PATH",
        help="write one renacer-session-v1 JSON document with every traced test")
    add("--renacer-dir", "renacer_dir", metavar="DIR",
        help="write one JSON artifact per traced test into DIR")
    add("--renacer-baseline-dir", "renacer_baseline_dir", metavar="DIR",
        help="where syscall-profile baselines live (default: .renacer-baselines in rootdir)")
    group.addoption("--renacer-update-baselines", action="store_true", default=False,
                    help="record each traced test's syscall profile as its new baseline")
    add("--renacer-tolerance", "renacer_tolerance", metavar="FRACTION",
        help=f"how much a count may grow over its baseline (default {DEFAULT_TOLERANCE}: 10%%)")
    add("--renacer-skip-unavailable", "renacer_skip_unavailable", flag=True, ini_type="bool",
        ini_default=False, help="skip, instead of failing, tests that trace when ptrace is "
        "not permitted here")


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(limit=None, *, filter=None, **per_syscall): fail the test when it "
        "makes more syscalls than allowed; a test without the syscalls fixture runs its "
        "body in a forked, traced child. " + USAGE,
    )
    config.addinivalue_line(
        "markers",
        f"{TOLERANCE_MARKER}(fraction): how much this test's syscall counts may grow over "
        "its baseline (0.1 = 10%)",
    )
    config.addinivalue_line(
        "markers",
        f"{TRACE_MARKER}(**trace_options): trace this test (its body in a forked child "
        "when it does not use the syscalls fixture) with these options: filter, source, "
        "follow_forks, count_only, strsize, fd_paths; also the syscalls fixture's defaults",
    )
    session = RenacerSession(config)
    config.stash[SESSION_KEY] = session
    config.pluginmanager.register(session, "renacer-session")


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(SESSION_KEY, None)
    if session is not None:
        config.pluginmanager.unregister(session)


# ----------------------------------------------------------------------- collection


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
        from .tables import table_for

        try:
            selector(filt, table_for())
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
        from .tables import table_for

        budget = budget_from_markers(marks, table_for())
    tolerance = None
    mark = item.get_closest_marker(TOLERANCE_MARKER)
    if mark is not None:
        tolerance = parse_tolerance(mark.args, mark.kwargs)
    marked = item.get_closest_marker(TRACE_MARKER) is not None
    options = _trace_marker_options(item) if marked else {}
    return ItemSpec(budget, tolerance, options, marked, "syscalls" in item.fixturenames,
                    _is_hypothesis(item.obj),
                    type(item).runtest is pytest.Function.runtest)


# ----------------------------------------------------------------------- the fixture


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
        """Run ``fn(*args, **kwargs)`` in a forked, traced child; the Trace has ``.result``.

        Its exception re-raises here, chained to the child's traceback.  Tracing options
        come from :meth:`options` (``syscalls.options(filter="%file").call(fn, x)``).
        """
        from .api import TraceOptions
        from .api import call as api_call

        state = self._active()
        opts = self._opts(state, _CALL_KEYS, {})
        timeout = kwargs.pop("_renacer_timeout", opts.pop("timeout", None))
        trace_options = kwargs.pop("_renacer_options", None) or TraceOptions(**opts)
        label = getattr(fn, "__qualname__", repr(fn))
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

    def spawn(self, argv: Sequence[str | os.PathLike[str]], /, **options: Any) -> SpawnedProcess:
        """Start ``argv`` traced in the background: a context manager (see SpawnedProcess)."""
        from .api import spawn as api_spawn

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
        state = self._session.current
        return list(state.traces) if state is not None else []

    def reset(self) -> None:
        """Forget the traces so far: they count neither for budgets nor for artifacts."""
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
        reason = unavailable_reason()
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


def unavailable_reason() -> str | None:
    """Why tracing cannot work in this process, or None (a cheap check, no probe)."""
    if os.environ.get(FORCE_UNAVAILABLE_ENV, "") not in ("", "0"):
        return (f"ptrace is not permitted here (simulated: {FORCE_UNAVAILABLE_ENV} is set, "
                "a testing aid)")
    from .tracer import ptrace

    ok, why = ptrace.available()
    return None if ok else why


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


# ----------------------------------------------------------------------- the session


def _outcome(rep: pytest.TestReport) -> str:
    if hasattr(rep, "wasxfail"):
        return "xfailed" if rep.skipped else "xpassed"
    return rep.outcome


class RenacerSession:
    """The plugin's per-session object (registered as ``renacer-session``)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.current: TestState | None = None
        self.entries: list[dict[str, Any]] = []
        self.json_path = self._path("renacer_json")
        self.dir = self._path("renacer_dir")
        self.baseline_dir = self._path("renacer_baseline_dir") or (
            config.rootpath / ".renacer-baselines")
        self.update_baselines = bool(config.getoption("renacer_update_baselines"))
        self.tolerance = self._tolerance()
        skip = config.getoption("renacer_skip_unavailable")
        self.skip_unavailable = bool(skip if skip is not None
                                     else config.getini("renacer_skip_unavailable"))
        self.normalizer = PathNormalizer(rootdir=config.rootpath,
                                         basetemp=config.option.basetemp)
        # This session's own xdist worker id (not the environment's: a pytester run
        # inside a worker inherits PYTEST_XDIST_WORKER but is a whole session itself).
        workerinput = getattr(config, "workerinput", None)
        self.worker: str | None = workerinput.get("workerid") if workerinput else None
        self.roots = [config.rootpath, config.invocation_params.dir]

    def _path(self, name: str) -> Path | None:
        value = self.config.getoption(name)
        if value:
            return self.config.invocation_params.dir / os.path.expanduser(str(value))
        ini = self.config.getini(name)
        if ini:
            return self.config.rootpath / os.path.expanduser(str(ini))
        return None

    def _tolerance(self) -> float:
        value = self.config.getoption("renacer_tolerance") or \
            self.config.getini("renacer_tolerance")
        if not value:
            return DEFAULT_TOLERANCE
        try:
            number = float(value)
        except ValueError:
            raise pytest.UsageError(f"--renacer-tolerance: {value!r} is not a number "
                                    "(0.1 means 10%)") from None
        try:
            return check_tolerance(number, "--renacer-tolerance")
        except BudgetUsageError as e:
            raise pytest.UsageError(str(e)) from None

    @property
    def arch(self) -> str:
        from .tables import host_arch

        return host_arch()

    def unavailable(self, reason: str) -> NoReturn:
        if self.skip_unavailable:
            pytest.skip(f"renacer: {reason}")
        pytest.fail(f"renacer: {reason}\n{REMEDY}", pytrace=False)

    # -- collection -----------------------------------------------------------------
    @pytest.hookimpl(wrapper=True)
    def pytest_pycollect_makeitem(self, collector: pytest.Collector, name: str,
                                  obj: object) -> Generator[None, Any, Any]:
        """Check the markers as test functions are collected: wrong arguments make a
        collection error (which pytest-xdist workers report like any other)."""
        result = yield
        for item in result if isinstance(result, list) else [result]:
            if isinstance(item, pytest.Function):
                try:
                    item_spec(item)
                except BudgetUsageError as e:
                    raise collector.CollectError(
                        f"pytest-renacer: wrong marker arguments on {item.name}: {e}\n"
                        f"Usage: {USAGE}") from None
        return result

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            try:
                spec = item_spec(item)
            except BudgetUsageError as e:  # a marker added after the item was made
                item.stash[SPEC_ERROR_KEY] = str(e)
                continue
            if spec is not None and spec.traced:
                item.stash[SPEC_KEY] = spec

    # -- running --------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        spec = item.stash.get(SPEC_KEY, None)
        if spec is None:
            self.current = None
            error = item.stash.get(SPEC_ERROR_KEY, None)
            if error is not None:
                pytest.fail(f"pytest-renacer: wrong marker arguments: {error}\nUsage: {USAGE}",
                            pytrace=False)
            return
        if spec.forked and not spec.forkable:
            self.current = None
            pytest.fail(f"renacer: {item.nodeid} is a {type(item).__name__}, whose body cannot "
                        "run in a forked child: use the syscalls fixture in it to trace",
                        pytrace=False)
        state = TestState(item, spec, self)
        item.stash[STATE_KEY] = state
        self.current = state

    @pytest.hookimpl(wrapper=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> Generator[None, object, object]:
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

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item,
                                  call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
        rep = yield
        state = item.stash.get(STATE_KEY, None)
        if state is not None and rep.when == "call":
            self._finish_call(state, item, call, rep)
        return rep

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Generator[None, None, None]:
        try:
            return (yield)
        finally:
            state = item.stash.get(STATE_KEY, None)
            if state is not None:
                state.stop_spawned()
                del item.stash[STATE_KEY]
            self.current = None

    # -- baselines --------------------------------------------------------------------
    def baseline_step(self, state: TestState) -> str | None:
        """Update or compare the test's baseline; the failure reason, if any."""
        if not state.traces or not (self.update_baselines or self.baseline_dir.is_dir()):
            return None
        nodeid = state.item.nodeid
        path = baseline_path(self.baseline_dir, nodeid)
        profile = profile_of(state.traces, self.normalizer)
        if self.update_baselines:
            write_baseline(path, nodeid, self.arch, profile)
            state.baseline = {"status": "updated", "path": str(path)}
            return None
        try:
            base = load_baseline(path, self.arch)
        except BaselineError as e:
            state.baseline = {"status": "error", "path": str(path), "reason": str(e)}
            return f"renacer baseline: {e}"
        if base is None:
            state.baseline = {"status": "missing", "path": str(path)}
            return None
        tolerance = state.spec.tolerance if state.spec.tolerance is not None else self.tolerance
        state.comparison = compare(base, profile, tolerance, path)
        state.baseline = state.comparison.to_json()
        return state.comparison.reason or None

    # -- reports and artifacts -------------------------------------------------------
    def _finish_call(self, state: TestState, item: pytest.Item, call: pytest.CallInfo[None],
                     rep: pytest.TestReport) -> None:
        exc = call.excinfo.value if call.excinfo is not None else None
        if rep.failed and exc is not None:
            child = state.child_failures.get(id(exc))
            if child is not None and child[0] is exc:
                rep.longrepr = _with_notes(child[1], exc, child[2])
            elif isinstance(exc, pytest.fail.Exception) and not exc.pytrace:
                rep.longrepr = _with_notes(rep.longrepr, exc, 0)  # e.g. Falsifying example
        outcome = _outcome(rep)
        artifact: Path | None = None
        if self.json_path or self.dir or rep.failed:
            entry = self._entry(state, rep, outcome)
            artifact = self._artifact_path(item.nodeid, failed=rep.failed)
            entry["artifact"] = None if artifact is None else str(artifact)
            for extra in item.ihook.pytest_renacer_json_extra(item=item, data=entry):
                if extra:
                    entry["extra"].update(extra)
            if artifact is not None:
                write_json_atomic(artifact, self._document([entry]))
            if self.json_path:
                self.entries.append(entry)
        props: list[tuple[str, object]] = [("renacer_syscalls", state.total()),
                                           ("renacer_traces", len(state.traces))]
        if state.verdict is not None:
            props.append(("renacer_budget", "ok" if state.verdict.ok else "exceeded"))
        if state.baseline is not None:
            props.append(("renacer_baseline", state.baseline.get("status")))
        if artifact is not None:
            props.append(("renacer_artifact", str(artifact)))
        for prop in props:
            rep.user_properties.append(prop)
            item.user_properties.append(prop)
        if rep.failed and (state.traces or state.reasons):
            from .reporting import section_text

            text = section_text(
                reasons=state.reasons, traces=state.traces, labels=state.labels,
                py_sources=state.py_sources, verdict=state.verdict,
                comparison=state.comparison, artifact=None if artifact is None else str(artifact),
                artifact_hint="none (pass --renacer-dir=DIR to keep one per test)",
                roots=self.roots, forked=state.spec.forked)
            rep.sections.append(("renacer", text))
            self._html_extras(rep, text, artifact)

    def _artifact_path(self, nodeid: str, *, failed: bool) -> Path | None:
        if self.dir is not None:
            return self.dir / node_relpath(nodeid)
        cache = getattr(self.config, "cache", None)
        if failed and cache is not None:
            return Path(cache.mkdir("renacer")) / node_relpath(nodeid)
        return None

    def _entry(self, state: TestState, rep: pytest.TestReport, outcome: str) -> dict[str, Any]:
        names: Counter[str] = Counter()
        for t in state.traces:
            names.update(t.names())
        spec = state.spec
        return {
            "nodeid": state.item.nodeid,
            "outcome": outcome,
            "duration": round(rep.duration, 6),
            "worker": self.worker,
            "forked": spec.forked,
            "uses_fixture": spec.uses_fixture,
            "hypothesis": spec.hypothesis,
            "examples": state.examples,
            "reason": " | ".join(state.reasons) or None,
            "budget": None if state.verdict is None else state.verdict.to_json(),
            "baseline": state.baseline,
            "totals": {"syscalls": sum(names.values()), "traces": len(state.traces),
                       "counts": dict(sorted(names.items()))},
            "artifact": None,
            "traces": [_trace_json(t, label, state.py_sources.get(id(t), {}))
                       for t, label in zip(state.traces, state.labels, strict=True)],
            "extra": {},
        }

    def _document(self, entries: list[dict[str, Any]]) -> dict[str, Any]:
        return session_document(entries, arch=self.arch, args=list(self.config.args),
                                workers=self.workers)

    workers: int | None = None

    def _html_extras(self, rep: pytest.TestReport, text: str, artifact: Path | None) -> None:
        if not self.config.pluginmanager.hasplugin("html"):
            return
        try:
            html_extras = importlib.import_module("pytest_html.extras")
        except ImportError:
            return
        extras = list(getattr(rep, "extras", []))
        extras.append(html_extras.text(text, name="renacer"))
        if artifact is not None:
            extras.append(html_extras.url(artifact.as_uri(), name="renacer JSON"))
        rep.extras = extras  # type: ignore[attr-defined]

    # -- the session document -------------------------------------------------------
    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """pytest-xdist, on the controller: a worker finished; take its entries."""
        data = getattr(node, "workeroutput", {}).get("renacer_entries")
        self.workers = (self.workers or 0) + 1
        if data:
            self.entries.extend(json.loads(data))

    def pytest_sessionfinish(self) -> None:
        if self.json_path is None:
            return
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: the controller writes the file
            workeroutput["renacer_entries"] = json.dumps(self.entries, default=str)
            return
        write_json_atomic(self.json_path, self._document(self.entries))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.json_path is not None and self.worker is None:
            terminalreporter.write_sep("-", "renacer session JSON")
            terminalreporter.write_line(
                f"{len(self.entries)} traced tests written to {self.json_path}")


def _with_notes(longrepr: Any, exc: BaseException, known: int) -> Any:
    """The child's longrepr plus the notes added to its exception since (Hypothesis's)."""
    notes = [str(n) for n in (getattr(exc, "__notes__", None) or [])[known:]]
    if not notes:
        return longrepr
    raw = [line for note in notes for line in note.splitlines()]
    if isinstance(longrepr, str):
        return longrepr + "\n" + "\n".join(raw)
    try:
        entry = longrepr.chain[-1][0].reprentries[-1]
        native = type(entry).__name__ == "ReprEntryNative"
        entry.lines.extend(raw if native else [f"E   {line}" for line in raw])
    except (AttributeError, IndexError, TypeError):
        try:
            longrepr.addsection("notes", "\n".join(notes))
        except AttributeError:
            pass
    return longrepr


def _trace_json(trace: Trace, label: str, py_sources: dict[int, Frame]) -> dict[str, Any]:
    try:
        data = trace.to_json()
    except Exception as e:  # decoding is best effort: keep the counts at least
        data = trace.to_json(with_events=False)
        data["events_error"] = f"{type(e).__name__}: {e}"
    data["label"] = label
    events = data.get("events")
    if events is not None:
        for i, frame in py_sources.items():
            if i < len(events) and events[i].get("source") is None:
                events[i]["source"] = {"file": frame.file, "line": frame.line,
                                       "function": frame.function, "binary": None,
                                       "address": 0, "language": "python"}
    return data
