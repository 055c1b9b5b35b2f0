"""The plugin's per-session object: collection checks, test hooks, baselines, reports,
artifacts and the session document (merged across pytest-xdist workers)."""

from __future__ import annotations

import functools
import importlib
import json
import os
from collections import Counter
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from .artifacts import node_relpath, session_document, writable_problem, write_json_atomic
from .errors import BaselineError
from .markers import DEFAULT_TOLERANCE, USAGE, BudgetUsageError
from .support import DISABLE_ENV, env_flag, unsupported_reason
from .teststate import (
    SPEC_ERROR_KEY,
    SPEC_KEY,
    STATE_KEY,
    TestState,
    item_spec,
    wrap_pyfunc_call,
    wrap_runtest_call,
)
from .top import top_lines, top_row, top_tests

if TYPE_CHECKING:
    from .baseline import PathNormalizer
    from .inplace import InPlaceTracer
    from .model import Trace
    from .untraced import UntracedProcess

REMEDY = (
    "Remedy: run the tests where ptrace is allowed: in a container, give it the "
    "SYS_PTRACE capability (docker run --cap-add=SYS_PTRACE, and a seccomp profile that "
    "allows ptrace); on a host, check kernel.yama.ptrace_scope (0 or 1). Or pass "
    "--renacer-skip-unavailable to skip the tests that trace syscalls."
)

SESSION_KEY = pytest.StashKey["RenacerSession"]()
#: --renacer-json-detail: which tests' documents carry their events (the rest: counts)
JSON_DETAILS = ("counts", "failures", "full")


def _body_where(state: TestState) -> str | None:
    """Where the traced body ran, for the report; None for a test using the fixture."""
    if not state.spec.body_traced:
        return None
    return "forked child" if state.forked else "in place"


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
        self.html_path = self._path("renacer_html")
        self.detail = self._choice("renacer_json_detail", JSON_DETAILS, "failures")
        self.top = self._count("renacer_top")
        #: per traced test: its total and top syscalls (for --renacer-top)
        self.top_rows: list[dict[str, Any]] = []
        #: per traced test: what the --renacer-html report draws
        self.html_tests: list[dict[str, Any]] = []
        self.baseline_dir = self._path("renacer_baseline_dir") or (
            config.rootpath / ".renacer-baselines")
        self.update_baselines = bool(config.getoption("renacer_update_baselines"))
        self.tolerance = self._tolerance()
        skip = config.getoption("renacer_skip_unavailable")
        self.skip_unavailable = bool(skip if skip is not None
                                     else config.getini("renacer_skip_unavailable"))
        #: the soft off-switch: markers and the fixture stay valid, nothing is traced
        self.disabled = self._disabled()
        self.untraced_traces: list[Trace] = []
        self.untraced_procs: list[UntracedProcess] = []
        self._check_output_paths()
        # This session's own xdist worker id (not the environment's: a pytester run
        # inside a worker inherits PYTEST_XDIST_WORKER but is a whole session itself).
        workerinput = getattr(config, "workerinput", None)
        self.worker: str | None = workerinput.get("workerid") if workerinput else None
        self.roots = [config.rootpath, config.invocation_params.dir]
        self._inplace: InPlaceTracer | None = None

    @property
    def inplace(self) -> InPlaceTracer:
        """The session's in-place tracer (its helper process starts at the first window)."""
        if self._inplace is None:
            from .inplace import InPlaceTracer

            self._inplace = InPlaceTracer()
        return self._inplace

    def close(self) -> None:
        """End the in-place tracer's helper process, if one was started."""
        if self._inplace is not None:
            self._inplace.close()

    def _path(self, name: str) -> Path | None:
        value = self.config.getoption(name)
        if value:
            return self.config.invocation_params.dir / os.path.expanduser(str(value))
        ini = self.config.getini(name)
        if ini:
            return self.config.rootpath / os.path.expanduser(str(ini))
        return None

    def _disabled(self) -> bool:
        if self.config.getoption("renacer_disable"):
            return True
        env = env_flag(DISABLE_ENV)
        if env is not None:
            return env
        return bool(self.config.getini("renacer_disable"))

    def _check_output_paths(self) -> None:
        """Fail at start-up, not after the tests, on an output path we cannot write."""
        checks: list[tuple[str, Path | None, bool]] = [
            ("--renacer-json", self.json_path, False),
            ("--renacer-dir", self.dir, True),
            ("--renacer-html", self.html_path, False),
        ]
        if self.update_baselines:
            checks.append(("--renacer-baseline-dir", self.baseline_dir, True))
        if getattr(self.config, "workerinput", None) is not None:
            return  # an xdist worker: the controller checked them
        for option, path, is_dir in checks:
            if path is None:
                continue
            problem = writable_problem(path, is_dir=is_dir)
            if problem is not None:
                raise pytest.UsageError(f"{option}: cannot write {path}: {problem}")

    def _choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = str(self.config.getoption(name) or self.config.getini(name) or default)
        if value not in choices:
            raise pytest.UsageError(f"--{name.replace('_', '-')}: {value!r} is not one of "
                                    f"{', '.join(choices)}")
        return value

    def _count(self, name: str) -> int:
        value = self.config.getoption(name) or self.config.getini(name) or 0
        try:
            number = int(value)
        except ValueError:
            number = -1
        if number < 0:
            raise pytest.UsageError(f"--{name.replace('_', '-')}: {value!r} is not a number "
                                    ">= 0")
        return number

    def relpath(self, path: Path) -> str:
        """``path`` relative to the rootdir when it lies under it (CI artifacts move)."""
        try:
            return path.resolve().relative_to(self.config.rootpath.resolve()).as_posix()
        except ValueError:
            return str(path)

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
        from .budget import check_tolerance

        try:
            return check_tolerance(number, "--renacer-tolerance")
        except BudgetUsageError as e:
            raise pytest.UsageError(str(e)) from None

    @functools.cached_property
    def normalizer(self) -> PathNormalizer:
        from .baseline import PathNormalizer

        return PathNormalizer(rootdir=self.config.rootpath,
                              basetemp=self.config.option.basetemp)

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
        collection error of that test alone (which pytest-xdist workers report like any
        other), so that every bad marker is reported in one run and the module's other
        tests are still collected."""
        result = yield
        if result is None:
            return None
        checked = [self._checked(collector, item)
                   for item in (result if isinstance(result, list) else [result])]
        return checked if isinstance(result, list) else checked[0]

    @staticmethod
    def _checked(collector: pytest.Collector, item: Any) -> Any:
        if not isinstance(item, pytest.Function):
            return item
        try:
            item_spec(item)
        except BudgetUsageError as e:
            return InvalidMarkers.from_parent(
                collector, name=item.name,
                message=f"pytest-renacer: wrong marker arguments on {item.name}: {e}\n"
                        f"Usage: {USAGE}")
        return item

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        unsupported: str | None = None
        probed = self.disabled  # probe the platform once, at the first traced test only
        for item in items:
            try:
                spec = item_spec(item)
            except BudgetUsageError as e:  # a marker added after the item was made
                item.stash[SPEC_ERROR_KEY] = str(e)
                continue
            if spec is not None and spec.traced:
                if not probed:
                    unsupported, probed = unsupported_reason(), True
                if unsupported is not None:  # skipped where it stands, before its fixtures
                    item.add_marker(pytest.mark.skip(reason=f"renacer: {unsupported}"))
                    continue
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
        if self.disabled:  # the test runs as if the plugin were absent
            self.current = None
            self.untraced_traces = []
            return
        if spec.fork and not spec.forkable:
            self.current = None
            pytest.fail(f"renacer: {item.nodeid} is a {type(item).__name__}, whose body cannot "
                        "run in a forked child: use the syscalls fixture in it to trace",
                        pytrace=False)
        state = TestState(item, spec, self)
        item.stash[STATE_KEY] = state
        self.current = state

    # The innermost wrapper: an in-place window holds the test function's call only, not
    # what other plugins' wrappers do around it.
    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> Generator[None, object, object]:
        return (yield from wrap_pyfunc_call(pyfuncitem))

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, object, object]:
        return (yield from wrap_runtest_call(item))

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
            for proc in self.untraced_procs:
                if proc.running or proc.trace is None:
                    proc.stop()
            self.untraced_procs = []

    # -- baselines --------------------------------------------------------------------
    def baseline_step(self, state: TestState) -> str | None:
        """Update or compare the test's baseline; the failure reason, if any."""
        from .baseline import baseline_path, compare, load_baseline, profile_of, write_baseline

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
        names = state.names()
        if self.top:
            self.top_rows.append(top_row(item.nodeid, names))
        if self.html_path is not None:
            self.html_tests.append(self._html_test(state, outcome, names, _failure_reason(rep)))
        if self.json_path or self.dir or rep.failed:
            entry = self._entry(state, rep, outcome, names)
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
            props.append(("renacer_artifact", self.relpath(artifact)))
        for prop in props:
            rep.user_properties.append(prop)
            item.user_properties.append(prop)
        if rep.failed and (state.traces or state.reasons):
            from .reporting import section_text

            text = section_text(
                reasons=state.reasons, traces=state.traces, labels=state.labels,
                verdict=state.verdict,
                comparison=state.comparison, artifact=None if artifact is None else str(artifact),
                artifact_hint="none (pass --renacer-dir=DIR to keep one per test)",
                roots=self.roots, body=_body_where(state))
            _add_section(rep, text)
            self._html_extras(rep, text, artifact)

    def _artifact_path(self, nodeid: str, *, failed: bool) -> Path | None:
        if self.dir is not None:
            return self.dir / node_relpath(nodeid)
        cache = getattr(self.config, "cache", None)
        if failed and cache is not None:
            return Path(cache.mkdir("renacer")) / node_relpath(nodeid)
        return None

    def _entry(self, state: TestState, rep: pytest.TestReport, outcome: str,
               names: Counter[str]) -> dict[str, Any]:
        spec = state.spec
        with_events = self.detail == "full" or (self.detail == "failures" and rep.failed)
        return {
            "nodeid": state.item.nodeid,
            "outcome": outcome,
            "duration": round(rep.duration, 6),
            "worker": self.worker,
            "forked": state.forked,
            "uses_fixture": spec.uses_fixture,
            "hypothesis": spec.hypothesis,
            "examples": state.examples,
            "reason": " | ".join(state.reasons) or _failure_reason(rep),
            "budget": None if state.verdict is None else state.verdict.to_json(),
            "baseline": state.baseline,
            "totals": {"syscalls": sum(names.values()), "traces": len(state.traces),
                       "counts": dict(sorted(names.items()))},
            "artifact": None,
            "traces": [_trace_json(t, label, with_events)
                       for t, label in zip(state.traces, state.labels, strict=True)],
            "extra": {},
        }

    def _document(self, entries: list[dict[str, Any]], *,
                  top: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        doc = session_document(entries, arch=self.arch, args=list(self.config.args),
                               workers=self.workers)
        if top is not None:
            doc["top"] = top
        return doc

    def _html_test(self, state: TestState, outcome: str, names: Counter[str],
                   reason: str | None) -> dict[str, Any]:
        from .htmlreport import report_entry

        base = None
        if state.comparison is not None:
            base = {r.name: r.base for r in state.comparison.rows if r.name != "total"}
        return report_entry(state.item.nodeid, outcome, " | ".join(state.reasons) or reason,
                         names, base, [
                             _trace_json(t, label, True)
                             for t, label in zip(state.traces, state.labels, strict=True)])

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
            extras.append(html_extras.url(self._link(artifact), name="renacer JSON"))
        rep.extras = extras  # type: ignore[attr-defined]

    def _link(self, artifact: Path) -> str:
        """A link to ``artifact`` that still works when the reports move together: relative
        to the pytest-html report's folder (the rootdir when the report is written there)."""
        from urllib.parse import quote

        report = getattr(self.config.option, "htmlpath", None)
        folder = (self.config.invocation_params.dir / str(report)).parent if report else \
            self.config.rootpath
        return quote(Path(os.path.relpath(artifact, folder)).as_posix())

    # -- pytest-html ------------------------------------------------------------------
    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        cells.insert(2, '<th class="sortable" data-column-type="renacer">Syscalls</th>')

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        count = dict(report.user_properties).get("renacer_syscalls")
        cells.insert(2, f'<td class="col-renacer">{"" if count is None else count}</td>')

    # -- the session document -------------------------------------------------------
    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """pytest-xdist, on the controller: a worker finished; take its entries."""
        data = getattr(node, "workeroutput", {}).get("renacer_entries")
        self.workers = (self.workers or 0) + 1
        if data:
            parts = json.loads(data)
            self.entries.extend(parts["entries"])
            self.top_rows.extend(parts["top"])
            self.html_tests.extend(parts["html"])

    def pytest_sessionfinish(self) -> None:
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: the controller writes the files
            workeroutput["renacer_entries"] = json.dumps(
                {"entries": self.entries, "top": self.top_rows, "html": self.html_tests},
                default=str)
            return
        top = top_tests(self.top_rows, self.top) if self.top else None
        if self.json_path is not None:
            write_json_atomic(self.json_path, self._document(self.entries, top=top))
        if self.html_path is not None:
            from .htmlreport import write_report

            write_report(self.html_path, self.html_tests,
                         title=f"renacer: {self.config.rootpath.name}")

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        denied = self._inplace.denied if self._inplace is not None else None
        if denied is not None:
            terminalreporter.write_line(
                f"renacer: test bodies ran in forked children: in-place tracing is refused "
                f"here ({denied.splitlines()[0]})", yellow=True)
        if self.worker is not None:
            return
        if self.top:
            rows = top_tests(self.top_rows, self.top)
            terminalreporter.write_sep("=", f"renacer: {len(rows)} tests with the most syscalls")
            for line in top_lines(rows, roots=self.roots):
                terminalreporter.write_line(line)
        if self.json_path is not None:
            terminalreporter.write_sep("-", "renacer session JSON")
            terminalreporter.write_line(
                f"{len(self.entries)} traced tests written to {self.json_path}")
        if self.html_path is not None:
            terminalreporter.write_sep("-", "renacer HTML report")
            terminalreporter.write_line(
                f"{len(self.html_tests)} traced tests drawn in {self.html_path}")


class InvalidMarkers(pytest.Collector):
    """Stands for a test whose markers are wrong: collecting it is an error."""

    def __init__(self, *, message: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message

    def collect(self) -> list[pytest.Item]:
        raise self.CollectError(self.message)


def _failure_reason(rep: pytest.TestReport) -> str | None:
    """A failed test's one-line reason: its exception's, as pytest's short summary has it."""
    if not rep.failed:
        return None
    crash = getattr(rep.longrepr, "reprcrash", None)
    message = getattr(crash, "message", None)
    if message is None and isinstance(rep.longrepr, str):
        message = rep.longrepr
    if not message:
        return None
    return str(message).strip().splitlines()[0] if str(message).strip() else None


def _add_section(rep: pytest.TestReport, text: str) -> None:
    """The renacer section of a failed test, inside its failure text: the terminal shows
    it after the traceback, and JUnit's <failure> element carries the offending calls."""
    longrepr = rep.longrepr
    addsection = getattr(longrepr, "addsection", None)
    if addsection is not None:
        addsection("renacer", text)
    elif isinstance(longrepr, str):
        rep.longrepr = f"{longrepr}\n\n{' renacer ':-^80}\n{text}"
    else:
        rep.sections.append(("renacer", text))


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


def _trace_json(trace: Trace, label: str, with_events: bool) -> dict[str, Any]:
    try:
        data = trace.to_json(with_events=with_events)
    except Exception as e:  # decoding is best effort: keep the counts at least
        data = trace.to_json(with_events=False)
        data["events_error"] = f"{type(e).__name__}: {e}"
    data["label"] = label
    return data

