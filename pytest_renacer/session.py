"""The plugin's per-session object: collection checks, test hooks, baselines, reports,
artifacts and the session document (merged across pytest-xdist workers)."""

from __future__ import annotations

import importlib
import json
import os
from collections import Counter
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from .artifacts import check_owned_dir, node_relpath, session_document, write_json_atomic
from .baseline import (
    DEFAULT_TOLERANCE,
    PathNormalizer,
    baseline_path,
    compare,
    load_baseline,
    profile_of,
    write_baseline,
)
from .budget import USAGE, BudgetUsageError, check_tolerance
from .errors import BaselineError
from .redact import redactor_for
from .teststate import (
    SPEC_ERROR_KEY,
    SPEC_KEY,
    STATE_KEY,
    TestState,
    item_spec,
    wrap_pyfunc_call,
    wrap_runtest_call,
)

if TYPE_CHECKING:
    from .inplace import InPlaceTracer
    from .model import Frame, Trace

REMEDY = (
    "Remedy: run the tests where ptrace is allowed: in a container, give it the "
    "SYS_PTRACE capability (docker run --cap-add=SYS_PTRACE, and a seccomp profile that "
    "allows ptrace); on a host, check kernel.yama.ptrace_scope (0 or 1). Or pass "
    "--renacer-skip-unavailable to skip the tests that trace syscalls."
)

SESSION_KEY = pytest.StashKey["RenacerSession"]()


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
        if self.dir is not None:
            try:
                check_owned_dir(self.dir)
            except OSError as e:
                raise pytest.UsageError(f"--renacer-dir: {e}") from None
        self.baseline_dir = self._path("renacer_baseline_dir") or (
            config.rootpath / ".renacer-baselines")
        self.update_baselines = bool(config.getoption("renacer_update_baselines"))
        self.tolerance = self._tolerance()
        self.redactor = redactor_for(config)
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
                write_json_atomic(artifact, self._document([entry]), root=self.dir)
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

            traces, py_sources, labels = self._written(state)
            text = section_text(
                reasons=state.reasons, traces=traces, labels=labels,
                py_sources=py_sources, verdict=state.verdict,
                comparison=state.comparison, artifact=None if artifact is None else str(artifact),
                artifact_hint="none (pass --renacer-dir=DIR to keep one per test)",
                roots=self.roots, body=_body_where(state))
            rep.sections.append(("renacer", text))
            self._html_extras(rep, text, artifact)

    def _written(self, state: TestState,
                 ) -> tuple[list[Trace], dict[int, dict[int, Frame]], list[str]]:
        """The test's traces, their Python sources and labels as artifacts and reports
        show them (redact.py)."""
        if self.redactor is None:
            return list(state.traces), state.py_sources, list(state.labels)
        traces, py_sources = self.redactor.traces(state.traces, state.py_sources)
        return traces, py_sources, [self.redactor.text(label) for label in state.labels]

    def _artifact_path(self, nodeid: str, *, failed: bool) -> Path | None:
        if self.dir is not None:
            return self.dir / node_relpath(nodeid)
        cache = getattr(self.config, "cache", None)
        if failed and cache is not None:
            return Path(cache.mkdir("renacer")) / node_relpath(nodeid)
        return None

    def _entry(self, state: TestState, rep: pytest.TestReport, outcome: str) -> dict[str, Any]:
        traces, py_sources, labels = self._written(state)
        names: Counter[str] = Counter()
        for t in state.traces:
            names.update(t.names())
        spec = state.spec
        return {
            "nodeid": state.item.nodeid,
            "outcome": outcome,
            "duration": round(rep.duration, 6),
            "worker": self.worker,
            "forked": state.forked,
            "uses_fixture": spec.uses_fixture,
            "hypothesis": spec.hypothesis,
            "examples": state.examples,
            "reason": " | ".join(state.reasons) or None,
            "budget": None if state.verdict is None else state.verdict.to_json(),
            "baseline": state.baseline,
            "totals": {"syscalls": sum(names.values()), "traces": len(state.traces),
                       "counts": dict(sorted(names.items()))},
            "artifact": None,
            "traces": [_trace_json(t, label, py_sources.get(id(t), {}))
                       for t, label in zip(traces, labels, strict=True)],
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
        denied = self._inplace.denied if self._inplace is not None else None
        if denied is not None:
            terminalreporter.write_line(
                f"renacer: test bodies ran in forked children: in-place tracing is refused "
                f"here ({denied.splitlines()[0]})", yellow=True)
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

