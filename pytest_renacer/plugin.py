"""The pytest plugin's entry point (``pytest11`` ``renacer``): options, markers, hooks.

The work is done by the modules it wires: :mod:`.teststate` (markers, a traced test's
state, running its body), :mod:`.fixture` (the ``syscalls`` fixture) and
:mod:`.session` (reports, artifacts, baselines, xdist).  See docs/plugin.md.
"""

from __future__ import annotations

import pytest

from . import hookspecs
from .fixture import SpawnedProcess, Syscalls, syscalls
from .markers import DEFAULT_TOLERANCE, MARKER, TOLERANCE_MARKER, TRACE_MARKER, USAGE
from .session import SESSION_KEY, RenacerSession
from .support import DISABLE_ENV
from .teststate import pytest_pyfunc_call

__all__ = ["SpawnedProcess", "Syscalls", "pytest_pyfunc_call", "syscalls"]


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
    add("--renacer-json-detail", "renacer_json_detail", metavar="counts|failures|full",
        help="which traced tests' JSON documents carry every call (the others: counts "
        "only): failures (the default), full, or counts")
    add("--renacer-html", "renacer_html", metavar="PATH",
        help="write a self-contained HTML report: per traced test, a timeline of its "
        "syscalls per process and thread, and its counts against the baseline")
    add("--renacer-top", "renacer_top", metavar="N",
        help="list the N traced tests with the most syscalls at the end (also in the "
        "session JSON)")
    add("--renacer-baseline-dir", "renacer_baseline_dir", metavar="DIR",
        help="where syscall-profile baselines live (default: .renacer-baselines in rootdir)")
    group.addoption("--renacer-update-baselines", action="store_true", default=False,
                    help="record each traced test's syscall profile as its new baseline")
    add("--renacer-tolerance", "renacer_tolerance", metavar="FRACTION",
        help=f"how much a count may grow over its baseline (default {DEFAULT_TOLERANCE}: 10%%)")
    add("--renacer-disable", "renacer_disable", flag=True, ini_type="bool", ini_default=False,
        help="trace nothing: markers and the syscalls fixture stay valid, budgets and "
        f"baselines are not checked, the fixture runs commands untraced (env {DISABLE_ENV}=1)")
    add("--renacer-skip-unavailable", "renacer_skip_unavailable", flag=True, ini_type="bool",
        ini_default=False, help="skip, instead of failing, tests that trace when ptrace is "
        "not permitted here")


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(limit=None, *, filter=None, **per_syscall): fail the test when it "
        "makes more syscalls than allowed; a test without the syscalls fixture has its "
        "body traced in place (renacer(fork=True): in a forked child). " + USAGE,
    )
    config.addinivalue_line(
        "markers",
        f"{TOLERANCE_MARKER}(fraction): how much this test's syscall counts may grow over "
        "its baseline (0.1 = 10%)",
    )
    config.addinivalue_line(
        "markers",
        f"{TRACE_MARKER}(**trace_options): trace this test (its body, in place, when it "
        "does not use the syscalls fixture) with these options: filter, source, "
        "follow_forks, count_only, strsize, fd_paths; also the syscalls fixture's "
        "defaults; fork=True runs the body in a forked, traced child instead",
    )
    session = RenacerSession(config)
    config.stash[SESSION_KEY] = session
    config.pluginmanager.register(session, "renacer-session")


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(SESSION_KEY, None)
    if session is not None:
        session.close()
        config.pluginmanager.unregister(session)

