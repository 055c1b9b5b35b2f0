"""Adopting the plugin (issue 12): an unused plugin costs nothing, it never stops pytest on
another platform, it can be switched off, and bad output paths are usage errors."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import sysconfig
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import hypothesis  # noqa: F401  (imported before a run fakes the platform: see below)
import pytest


@pytest.fixture
def project(plugin_project: pytest.Pytester) -> pytest.Pytester:
    return plugin_project


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", *args)


#: A module with every way of tracing next to plain tests.
MIXED_TESTS = """
    import sys
    import pytest
    from renacer_bins import BINS

    def test_plain():
        assert sum([1, 2]) == 3

    @pytest.mark.max_syscalls(1)
    def test_budget():
        print("many", "calls")
        open(__file__).close()

    @pytest.mark.renacer(filter="%file")
    def test_marked():
        open(__file__).close()

    def test_fixture(syscalls):
        t = syscalls.run([BINS["write_loop"], "3"])
        assert t.returncode == 0

    def test_fixture_counts(syscalls):
        t = syscalls.run([BINS["write_loop"], "3"])
        assert t.count("write") == 3
"""

# ----------------------------------------------------------------------- start-up


HEAVY = ("pytest_renacer.api", "pytest_renacer.tracer", "pytest_renacer.decode",
         "pytest_renacer.tables", "pytest_renacer.model", "pytest_renacer.filters",
         "pytest_renacer.budget", "pytest_renacer.baseline", "pytest_renacer.source",
         "pytest_renacer.output")


def test_unused_plugin_loads_nothing_heavy(pytester: pytest.Pytester) -> None:
    """A session that traces nothing imports no tracer, decoder, table or model (the cost
    itself is measured in benchmarks/startup.py, not here)."""
    pytester.makepyfile(test_plain="def test_a():\n    assert True\n")
    pytester.makeconftest(textwrap.dedent("""
        import sys

        def pytest_terminal_summary(terminalreporter):
            loaded = sorted(m for m in sys.modules if m.startswith("pytest_renacer"))
            terminalreporter.write_line("RENACER-MODULES " + " ".join(loaded))
    """))
    result = pytester.runpytest_subprocess("-p",
                                           "no:cacheprovider")
    result.assert_outcomes(passed=1)
    line = next(x for x in result.outlines if x.startswith("RENACER-MODULES "))
    loaded = line.split()[1:]
    assert "pytest_renacer.plugin" in loaded
    assert not [m for m in loaded if m.startswith(HEAVY)], loaded


def python_stdout(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def test_package_names_load_on_use() -> None:
    code = ("import sys, pytest_renacer as r; assert 'pytest_renacer.api' not in sys.modules; "
            "from pytest_renacer import TraceOptions, Trace, FilterError; "
            "assert TraceOptions.__module__ == 'pytest_renacer.api'; "
            "assert 'TraceOptions' in dir(r) and set(r.__all__) <= set(dir(r)); print('ok')")
    assert python_stdout(code) == "ok"
    bad = subprocess.run([sys.executable, "-c", "import pytest_renacer as r; r.nope"],
                         capture_output=True, text=True, check=False)
    assert "has no attribute 'nope'" in bad.stderr


def test_cli_loads_only_its_writer() -> None:
    # (what the interpreter imported before, e.g. a site .pth's imports, is not ours)
    code = ("import sys; before = set(sys.modules); from pytest_renacer.cli import main; "
            "sys.argv[1:] = ['-o', '/dev/null', '--', '/bin/true']; rc = main(); "
            "print(sorted(m for m in set(sys.modules) - before if m.startswith(("
            "'pytest_renacer.output', 'tempfile', 'difflib', 'platform', 'subprocess', "
            "'pytest_renacer.inplace')))); sys.exit(rc)")
    assert python_stdout(code) == "['pytest_renacer.output', 'pytest_renacer.output.text']"


# ----------------------------------------------------------------------- other platforms


@pytest.mark.parametrize(("kind", "reason"), [
    ("darwin", "syscall tracing needs Linux's ptrace; this is macOS (darwin)"),
    ("win32", "syscall tracing needs Linux's ptrace; this is Windows (win32)"),
    ("enosys", "this kernel has no ptrace (ptrace(2) returns ENOSYS)"),
])
def test_other_platform_in_process(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                   kind: str, reason: str) -> None:
    if kind == "enosys":  # what the probe answers where ptrace(2) returns ENOSYS
        from pytest_renacer import support

        monkeypatch.setattr(support, "_kernel_reason",
                            lambda: support.NO_PTRACE)
    else:
        # cached now: read under the fake platform they would fail (hypothesis's terminal
        # summary imports it, and it imports urllib.request, whose macOS half is absent)
        sysconfig.get_config_vars()
        monkeypatch.setattr(sys, "platform", kind)
        # what pytest's capture looks for on Windows
        monkeypatch.setattr(io, "_WindowsConsoleIO", type("C", (io.RawIOBase,), {}),
                            raising=False)
    project.makepyfile(textwrap.dedent(MIXED_TESTS))
    result = run(project, "-rs", "--strict-markers", "-p", "no:asyncio", "-p", "no:anyio")
    result.assert_outcomes(passed=1, skipped=4)
    reasons = {line.split(": ", 1)[-1] for line in result.outlines if line.startswith("SKIPPED")}
    assert reasons == {f"renacer: {reason}: the tests that trace are skipped"}


#: Runs pytest in a fresh interpreter that looks like another machine from the start.
SIMULATE = """
import os, sys
kind = sys.argv[1]
if kind in ("darwin", "win32"):
    sys.platform = kind
if kind == "win32":  # what Windows lacks that the tracer would need
    for name in ("fork", "forkpty", "uname", "sched_getaffinity"):
        if hasattr(os, name):
            delattr(os, name)
    import io  # what pytest's capture looks for on Windows
    io._WindowsConsoleIO = type("_WindowsConsoleIO", (io.RawIOBase,), {})
    for name in ("fcntl", "termios", "resource", "pwd", "grp"):
        sys.modules[name] = None
if kind == "enosys":  # a kernel (or sandbox) without ptrace: seccomp makes it ENOSYS
    import ctypes, errno, struct
    libc = ctypes.CDLL(None, use_errno=True)
    nr = {"x86_64": 101, "aarch64": 117}[os.uname().machine]
    insns = [(0x20, 0, 0, 0), (0x15, 0, 1, nr), (0x06, 0, 0, 0x00050000 | errno.ENOSYS),
             (0x06, 0, 0, 0x7FFF0000)]
    prog = b"".join(struct.pack("=HBBI", *i) for i in insns)
    buf = ctypes.create_string_buffer(prog)
    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
    fprog = Fprog(len(insns), ctypes.addressof(buf))
    assert libc.prctl(38, 1, 0, 0, 0) == 0  # PR_SET_NO_NEW_PRIVS
    assert libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) == 0, ctypes.get_errno()
import pytest
sys.exit(pytest.main(sys.argv[2:]))
"""


@pytest.mark.parametrize(("kind", "reason"), [
    ("darwin", "syscall tracing needs Linux's ptrace; this is macOS (darwin)"),
    ("win32", "syscall tracing needs Linux's ptrace; this is Windows (win32)"),
    ("enosys", "this kernel has no ptrace (ptrace(2) returns ENOSYS)"),
])
def test_other_platform_in_subprocess(project: pytest.Pytester, kind: str,
                                      reason: str) -> None:
    project.makepyfile(textwrap.dedent(MIXED_TESTS))
    script = project.path / "simulate.py"
    script.write_text(SIMULATE)
    result = project.run(sys.executable, str(script), kind,
                         "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-rs",
                         # pytest-asyncio and anyio import asyncio, whose Windows half is absent
                         "-p", "no:asyncio", "-p", "no:anyio",
                         "--strict-markers", "--renacer-json", "out.json")
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    result.assert_outcomes(passed=1, skipped=4)
    result.stdout.fnmatch_lines([f"SKIPPED [[]*[]] *renacer: {reason}*"])
    assert json.loads((project.path / "out.json").read_text())["tests"] == []


# ----------------------------------------------------------------------- the off-switch


@pytest.mark.parametrize("how", ["option", "ini", "env"])
def test_disable_traces_nothing(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                how: str) -> None:
    project.makepyfile(textwrap.dedent(MIXED_TESTS) + textwrap.dedent("""
        import os

        def square(x):
            return x * x

        def test_fixture_api(syscalls):
            assert not syscalls.enabled
            t = syscalls.run([sys.executable, "-c", "print('hi')"])
            assert t.stdout == b"hi\\n" and t.returncode == 0 and t.mode == "untraced"
            assert len(t) == 0 and t.count() == 0
            assert syscalls.call(square, 7).result == 49
            with syscalls.spawn(["sleep", "30"]) as p:
                assert p.running
            assert not p.running and p.trace is not None
            assert len(syscalls.traces) == 3
            with pytest.raises(TimeoutError):
                syscalls.run(["sleep", "30"], timeout=0.2)
            assert os.getpid() == PID  # not forked

        PID = os.getpid()

        @pytest.mark.max_syscalls(0)
        def test_budget_not_enforced():
            assert os.getpid() == PID
    """))
    args = ["-rA", "--renacer-json", "out.json"]
    if how == "option":
        args.append("--renacer-disable")
    elif how == "ini":
        project.makeini("[pytest]\nrenacer_disable = true\n")
    else:
        monkeypatch.setenv("RENACER_DISABLE", "1")
    result = run(project, *args)
    # only the test asserting on counts fails: nothing was traced
    result.assert_outcomes(passed=6, failed=1)
    result.stdout.fnmatch_lines(["FAILED *::test_fixture_counts - AssertionError: assert 0 == 3"])
    assert "max_syscalls" not in result.stdout.str()  # no budget was checked
    assert json.loads((project.path / "out.json").read_text())["tests"] == []


def test_disable_env_off_keeps_tracing(project: pytest.Pytester,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENACER_DISABLE", "0")
    project.makepyfile(textwrap.dedent(MIXED_TESTS))
    result = run(project, "-rf")
    result.assert_outcomes(passed=4, failed=1)  # traced: the budget of 1 syscall is exceeded
    result.stdout.fnmatch_lines(["FAILED *::test_budget - *max_syscalls*"])


# ----------------------------------------------------------------------- output paths


@pytest.mark.parametrize("option", ["--renacer-json", "--renacer-dir",
                                    "--renacer-baseline-dir"])
def test_unwritable_output_path_is_a_usage_error(pytester: pytest.Pytester,
                                                 option: str) -> None:
    pytester.makepyfile(test_a="def test_a():\n    pass\n")
    (pytester.path / "afile").write_text("not a directory")
    path = "afile/sub/out.json" if option == "--renacer-json" else "afile/sub"
    extra = ["--renacer-update-baselines"] if option == "--renacer-baseline-dir" else []
    result = run(pytester, f"{option}={path}", *extra)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {option}: cannot write */afile/sub*: cannot create "
                                 "*afile*: Not a directory"])
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_output_path_that_is_a_directory(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_a="def test_a():\n    pass\n")
    (pytester.path / "adir").mkdir()
    result = run(pytester, "--renacer-json=adir")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --renacer-json: cannot write */adir: it is a directory"])


# ----------------------------------------------------------------------- the docs' examples

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_docs_failed_call_assertions_hold_for_a_dynamic_binary(
        build: Callable[..., str]) -> None:
    """Every ``assert not ....filter(..., failed=True...)`` of the docs, on a dynamically
    linked program that fails no call of its own: the loader's probes
    (access("/etc/ld.so.preload") = -1 ENOENT...) must not make them fail."""
    from pytest_renacer import trace

    binary = build("write_loop")
    t = trace([binary, "2"])
    assert not t.filter("%file", failed=True, path=re.compile(r"write_loop")), "a real failure"
    found = []
    for doc in [*DOCS.glob("*.md"), DOCS.parent / "README.md"]:
        for line in doc.read_text().splitlines():
            match = re.search(r"assert not (\S+\.filter\(.*failed=True.*\))", line)
            if match:
                found.append(match.group(1))
    assert len(found) >= 2, found
    server = SimpleNamespace(trace=t)
    for expr in found:
        assert not eval(expr, {"re": re, "t": t, "server": server}), expr


def test_docs_schema_validation_snippet_runs(project: pytest.Pytester) -> None:
    text = (DOCS / "plugin.md").read_text()
    [snippet] = [block for block in re.findall(r"```python\n(.*?)```", text, re.S)
                 if "Registry()" in block]
    project.makepyfile(textwrap.dedent(MIXED_TESTS))
    run(project, "--renacer-json=session.json").assert_outcomes(passed=4, failed=1)
    (project.path / "docs").mkdir()
    (project.path / "docs" / "schema").symlink_to(DOCS / "schema")
    (project.path / "check.py").write_text(snippet + "print('valid')\n")
    out = subprocess.run([sys.executable, "check.py"], cwd=project.path, capture_output=True,
                         text=True, check=False)
    assert out.stdout.strip() == "valid", out.stderr
