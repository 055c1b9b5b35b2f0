"""Traced test bodies run in place: pytest and its plugins see them as if untraced.

Each test runs pytest as a user would (pytester), with the real plugins installed
(pytest-cov, pytest-memray, pytest-benchmark, syrupy, pytest-asyncio, anyio).
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import textwrap
import time
from pathlib import Path

import pytest


@pytest.fixture
def project(plugin_project: pytest.Pytester) -> pytest.Pytester:
    return plugin_project


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", *args)


def run_subprocess(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist", *args,
                                         timeout=300)


def status_fields(pid: int | str = "self") -> dict[str, str]:
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


# ----------------------------------------------------------------------- other plugins


def test_coverage_measures_a_budgeted_body(project: pytest.Pytester) -> None:
    """pytest-cov with its default settings sees the body's lines run."""
    project.makepyfile(mod=textwrap.dedent("""
        def pick(x):
            if x:
                return "yes"
            return "no"
    """))
    project.makepyfile(test_cov=textwrap.dedent("""
        import pytest
        import mod

        @pytest.mark.max_syscalls(100)
        def test_pick():
            assert mod.pick(1) == "yes"
            assert mod.pick(0) == "no"
    """))
    result = run_subprocess(project, "--cov=mod", "--cov-report=term-missing")
    result.assert_outcomes(passed=1)
    result.stdout.re_match_lines([r"mod\.py\s+4\s+0\s+100%"])


def test_memray_limit_fails_a_budgeted_test(project: pytest.Pytester) -> None:
    pytest.importorskip("pytest_memray")
    project.makepyfile(test_mem=textwrap.dedent("""
        import pytest

        import os

        # memray wraps the test function: its own work (its capture file) is part of
        # the call, so the budget is on what the body itself does.
        @pytest.mark.limit_memory("1 MB")
        @pytest.mark.max_syscalls(getppid=1)
        def test_allocates():
            os.getppid()
            data = bytearray(20 * 1024 * 1024)
            assert len(data)
    """))
    result = run_subprocess(project, "--memray", "-rf")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Test was limited to 1.0MiB but allocated 20.0MiB*"])
    result.stdout.fnmatch_lines(["  getppid * 1 <= 1 * ok * from max_syscalls(getppid=1)"])


def test_benchmark_json_has_the_budgeted_test(project: pytest.Pytester,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)  # benchmarks run here
    project.makepyfile(test_bench=textwrap.dedent("""
        import pytest

        @pytest.mark.max_syscalls(openat=0)
        def test_sums(benchmark):
            assert benchmark(sum, range(100)) == 4950
    """))
    result = run_subprocess(project, "--benchmark-json=bench.json",
                            "--benchmark-max-time=0.01", "--benchmark-min-rounds=1")
    result.assert_outcomes(passed=1)
    doc = json.loads((project.path / "bench.json").read_text())
    assert [b["name"] for b in doc["benchmarks"]] == ["test_sums"]
    assert doc["benchmarks"][0]["stats"]["rounds"] >= 1


def test_syrupy_writes_the_budgeted_tests_snapshot(project: pytest.Pytester) -> None:
    pytest.importorskip("syrupy")
    project.makepyfile(test_snap=textwrap.dedent("""
        import pytest

        @pytest.mark.max_syscalls(10000)
        def test_config(snapshot):
            assert {"answer": 42} == snapshot
    """))
    result = run_subprocess(project, "--snapshot-update")
    result.assert_outcomes(passed=1)
    snap = project.path / "__snapshots__" / "test_snap.ambr"
    assert "test_config" in snap.read_text() and "42" in snap.read_text()
    result = run_subprocess(project)  # and it is compared against on the next run
    result.assert_outcomes(passed=1)


# ----------------------------------------------------------------------- state and async


def test_module_state_changed_by_a_budgeted_body_is_seen_next(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        import pytest

        SEEN = []

        @pytest.mark.max_syscalls(5)
        def test_changes():
            SEEN.append("from the budgeted body")

        def test_sees():
            assert SEEN == ["from the budgeted body"]
    """))
    run(project).assert_outcomes(passed=2)


def test_asyncio_test_can_carry_a_budget(project: pytest.Pytester) -> None:
    pytest.importorskip("pytest_asyncio")
    project.makepyfile(textwrap.dedent("""
        import asyncio
        import os
        import pytest

        @pytest.mark.asyncio
        @pytest.mark.max_syscalls(getppid=1)
        async def test_within():
            await asyncio.sleep(0)
            os.getppid()

        @pytest.mark.asyncio
        @pytest.mark.max_syscalls(getppid=1)
        async def test_over():
            os.getppid()
            await asyncio.sleep(0.01)
            os.getppid()
    """))
    result = run(project, "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED *::test_over - Failed: max_syscalls: getppid 2 > 1"])


def test_anyio_test_can_carry_a_budget(project: pytest.Pytester) -> None:
    pytest.importorskip("anyio")
    project.makepyfile(textwrap.dedent("""
        import os
        import anyio
        import pytest

        @pytest.fixture
        def anyio_backend():
            return "asyncio"

        @pytest.mark.anyio
        @pytest.mark.max_syscalls(getppid=1)
        async def test_over():
            os.getppid()
            await anyio.sleep(0)
            os.getppid()
    """))
    result = run(project, "-rf")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["FAILED *::test_over* - Failed: max_syscalls: getppid 2 > 1"])


def test_call_gives_the_objects_themselves(project: pytest.Pytester) -> None:
    """syscalls.call in place: the value and the exception are the call's own, even
    those that could not be pickled (a traceback, a lambda)."""
    project.makepyfile(textwrap.dedent("""
        import os
        import sys
        import pytest

        class Failure(Exception):
            pass

        THE_FAILURE = Failure("the one")

        def traceback_of_a_failure():
            os.getppid()
            try:
                1 / 0
            except ZeroDivisionError:
                return sys.exc_info()[2]

        def fails():
            raise THE_FAILURE

        def test_call(syscalls):
            r = syscalls.call(traceback_of_a_failure)
            assert r.result.tb_frame.f_code.co_name == "traceback_of_a_failure"
            assert r.count("getppid") == 1
            f = lambda: 1
            assert syscalls.call(lambda: f).result is f
            with pytest.raises(Failure) as info:
                syscalls.call(fails)
            assert info.value is THE_FAILURE
            assert len(syscalls.traces) == 3
    """))
    run(project).assert_outcomes(passed=1)


def test_signals_forks_and_timers_behave_as_untraced(project: pytest.Pytester) -> None:
    """Signals reach the body's handlers (re-injected at their delivery stop), an alarm
    interrupts a sleep, a forked child's exit status reaches the body."""
    project.makepyfile(textwrap.dedent("""
        import os
        import signal
        import time
        import pytest

        @pytest.mark.max_syscalls(kill=1)
        def test_signal_handler():
            got = []
            old = signal.signal(signal.SIGUSR1, lambda *a: got.append(1))
            try:
                os.kill(os.getpid(), signal.SIGUSR1)
            finally:
                signal.signal(signal.SIGUSR1, old)
            assert got == [1]

        @pytest.mark.max_syscalls(1000)
        def test_alarm():
            def ring(*a):
                raise TimeoutError("alarm")
            old = signal.signal(signal.SIGALRM, ring)
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            try:
                with pytest.raises(TimeoutError):
                    time.sleep(5)
            finally:
                signal.signal(signal.SIGALRM, old)

        @pytest.mark.max_syscalls(exit_group=1)
        def test_fork_child():
            pid = os.fork()
            if pid == 0:
                os._exit(7)
            _, status = os.waitpid(pid, 0)
            assert os.waitstatus_to_exitcode(status) == 7
    """))
    run(project, "-rf").assert_outcomes(passed=3)


# ----------------------------------------------------------------------- leaving nothing behind


LEFTOVERS = """
    import os
    import threading

    SNAPSHOT = {}

    def state():
        with open("/proc/self/status") as f:
            fields = dict(line.rstrip("\\n").split(":\\t", 1) for line in f if ":\\t" in line)
        zombies = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    with open(f"/proc/{pid}/stat") as f:
                        stat = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if stat[0] == "Z" and int(stat[1]) == os.getpid():
                    zombies.append(pid)
        return {"tracer": fields["TracerPid"], "seccomp": fields["Seccomp"],
                "fds": sorted(os.listdir("/proc/self/fd")),
                "threads": threading.active_count(), "tasks": len(os.listdir("/proc/self/task")),
                "zombies": zombies}
"""


def test_nothing_is_left_on_the_pytest_process(project: pytest.Pytester) -> None:
    """After traced bodies (threads, children, a failure), the pytest process is untraced,
    without a seccomp filter, with the same fds, threads and no zombie; the helper is
    reused (started once)."""
    project.makepyfile(leftovers=textwrap.dedent(LEFTOVERS))
    project.makepyfile(textwrap.dedent("""
        import subprocess
        import threading
        import pytest
        from leftovers import SNAPSHOT, state

        @pytest.mark.max_syscalls(1000)
        def test_first():
            subprocess.run(["true"])

        def test_after_first():
            SNAPSHOT["after"] = state()
            assert SNAPSHOT["after"]["tracer"] == "0"
            assert SNAPSHOT["after"]["seccomp"] == "0"

        @pytest.mark.max_syscalls(1000)
        def test_threads_and_children():
            t = threading.Thread(target=lambda: subprocess.run(["true"]))
            t.start()
            t.join()
            SNAPSHOT["sleeper"] = subprocess.Popen(["sleep", "0.3"])  # runs on after the window

        @pytest.mark.max_syscalls(0)
        def test_fails_its_budget():
            open("/dev/null").close()

        def test_after_all():
            assert SNAPSHOT.pop("sleeper").wait() == 0  # the test's own child, untraced now
            now = state()
            assert now == SNAPSHOT["after"]
    """))
    result = run(project, "-rf")
    result.assert_outcomes(passed=4, failed=1)
    assert status_fields()["TracerPid"] == "0"


HELPER_PID = """
    import os

    def helper_pid():
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        cmd = f.read()
                    with open(f"/proc/{pid}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                except OSError:
                    continue
                if b"inplace_helper" in cmd and ppid == os.getpid():
                    return int(pid)
"""


def test_a_helper_that_dies_fails_the_test_and_the_next_one_works(
        project: pytest.Pytester) -> None:
    project.makepyfile(helper=textwrap.dedent(HELPER_PID))
    project.makepyfile(textwrap.dedent("""
        import os
        import signal
        import time
        import pytest
        from helper import helper_pid

        @pytest.mark.max_syscalls(1000)
        def test_kills_the_helper():
            os.kill(helper_pid(), signal.SIGKILL)
            time.sleep(0.2)
            os.getppid()

        def test_untraced_after():
            with open("/proc/self/status") as f:
                assert "TracerPid:\\t0\\n" in f.read()

        @pytest.mark.max_syscalls(getppid=1)
        def test_next_budget_works():
            os.getppid()
            os.getppid()
    """))
    result = run(project, "-rf")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "FAILED *::test_kills_the_helper - Failed: renacer: the in-place tracer helper died*",
        "FAILED *::test_next_budget_works - Failed: max_syscalls: getppid 2 > 1",
    ])


def test_an_interrupted_session_leaves_nothing(project: pytest.Pytester) -> None:
    """Ctrl-C in a traced body: pytest stops as it would; the helper goes with it."""
    project.makepyfile(helper=textwrap.dedent(HELPER_PID))
    project.makepyfile(textwrap.dedent("""
        import os
        import pytest
        from helper import helper_pid

        @pytest.mark.max_syscalls(100)
        def test_interrupted():
            with open("helper.pid", "w") as f:
                f.write(str(helper_pid()))
            raise KeyboardInterrupt
    """))
    result = project.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    helper = int((project.path / "helper.pid").read_text())
    for _ in range(100):
        if not os.path.exists(f"/proc/{helper}"):
            break
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{helper}")


# ----------------------------------------------------------------------- refused: forked


def test_a_refused_helper_falls_back_to_forked_bodies(project: pytest.Pytester,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the kernel refuses the helper (here: a seccomp filter on the helper fails its
    PTRACE_SEIZE with EPERM, as Yama's ptrace_scope 2/3 would), bodies run in forked
    children: budgets still hold, module state no longer carries over, one note says so."""
    monkeypatch.setenv("RENACER_TEST_DENY_SEIZE", "1")
    project.makepyfile(textwrap.dedent("""
        import os
        import pytest

        SEEN = []

        @pytest.mark.max_syscalls(getppid=1)
        def test_within():
            SEEN.append(os.getppid())

        @pytest.mark.max_syscalls(getppid=1)
        def test_over():
            os.getppid()
            os.getppid()

        def test_state_did_not_carry_over():
            assert SEEN == []

        def test_call_falls_back_too(syscalls):
            assert syscalls.call(os.getppid).count("getppid") == 1
    """))
    result = run(project, "-rf", "--renacer-json=out.json")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["FAILED *::test_over - Failed: max_syscalls: getppid 2 > 1"])
    result.stdout.fnmatch_lines([
        "renacer: test bodies ran in forked children: in-place tracing is refused here "
        "(cannot attach to pid *: operation not permitted*"])
    doc = json.loads((project.path / "out.json").read_text())
    assert {t["nodeid"].split("::")[1]: t["forked"] for t in doc["tests"]} == {
        "test_within": True, "test_over": True, "test_call_falls_back_too": False}


def test_in_place_bodies_under_xdist(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        import os
        import pytest

        @pytest.mark.parametrize("n", range(6))
        @pytest.mark.max_syscalls(getppid=3)
        def test_calls(n):
            for _ in range(n):
                os.getppid()
    """))
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "-rf",
                                          "--renacer-json=out.json", timeout=300)
    result.assert_outcomes(passed=4, failed=2)
    doc = json.loads((project.path / "out.json").read_text())
    counts = sorted(t["totals"]["counts"].get("getppid", 0) for t in doc["tests"])
    assert counts == [0, 1, 2, 3, 4, 5]
    assert not any(t["forked"] for t in doc["tests"])


@pytest.mark.skipif(os.environ.get("RENACER_TEST_DENY_SEIZE") == "1",
                    reason="the environment already refuses the helper")
def test_the_helper_is_named_as_tracer_and_started_once(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        import pytest

        @pytest.mark.parametrize("n", range(3))
        @pytest.mark.max_syscalls(10)
        def test_body(n):
            pass

        def test_started_once(request):
            session = request.config.pluginmanager.get_plugin("renacer-session")
            assert session.inplace.started == 1
    """))
    run(project).assert_outcomes(passed=4)


# ----------------------------------------------------------------------- each CPython


VERSIONS = ("3.10", "3.11", "3.12", "3.13")
VENVS = Path(os.path.expanduser("~/.cache/pytest-renacer/venvs"))


def pyenv_python(version: str) -> str | None:
    found = sorted(glob.glob(os.path.expanduser(
        f"~/.pyenv/versions/{version}.*/bin/python{version}")))
    return found[-1] if found else None


def python_with_pytest(version: str) -> str:
    """An interpreter of ``version`` that has pytest and pyelftools: a venv made once
    (outside the tree) from the pyenv installation; the project comes by PYTHONPATH."""
    base = pyenv_python(version)
    if base is None:
        pytest.skip(f"no CPython {version} under ~/.pyenv")
    venv = VENVS / version
    python = venv / "bin" / "python"
    ready = venv / ".ready"
    if not ready.exists():
        subprocess.run([base, "-m", "venv", "--clear", str(venv)], check=True)
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", "pytest>=7.4",
                               "pluggy>=1.3", "pyelftools>=0.30"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail(f"could not install pytest for {version}: {done.stderr[-500:]}")
        ready.touch()
    return str(python)


@pytest.mark.parametrize("version", VERSIONS)
def test_python_lines_of_an_in_place_body_on_each_version(tmp_path: Path, version: str) -> None:
    """os.write in a budgeted body gets its exact Python line and function, on CPython
    3.10 to 3.13 (the frames read from the interpreter's memory at each stop)."""
    python = python_with_pytest(version)
    (tmp_path / "test_writes.py").write_text(textwrap.dedent("""
        import os
        import pytest

        def emit(fd, data):
            os.write(fd, data)

        @pytest.mark.max_syscalls(write=1)
        def test_writes():
            fd = os.open(os.devnull, os.O_WRONLY)
            emit(fd, b"x")
            os.write(fd, b"y")
    """))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    env.pop("PYTEST_ADDOPTS", None)
    done = subprocess.run(
        [python, "-m", "pytest", "-p", "pytest_renacer.plugin", "-p", "no:cacheprovider",
         "--renacer-json=out.json", "-q", "test_writes.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "max_syscalls: write 2 > 1" in done.stdout
    doc = json.loads((tmp_path / "out.json").read_text())
    ((trace,),) = (t["traces"] for t in doc["tests"])
    writes = [(e["source"]["line"], e["source"]["function"], e["source"]["language"])
              for e in trace["events"] if e["name"] == "write"]
    assert writes == [(6, "emit", "python"), (12, "test_writes", "python")], done.stdout
    assert "at test_writes.py:6 in emit" in done.stdout


def test_call_runs_a_click_cli_runner_in_place(project: pytest.Pytester) -> None:
    """The issue's example: forked, CliRunner().invoke's result held a traceback and
    could not be pickled back ("cannot pickle 'traceback' object")."""
    pytest.importorskip("click")
    project.makepyfile(textwrap.dedent("""
        import click
        from click.testing import CliRunner

        @click.command()
        @click.argument("path")
        def cat(path):
            with open(path) as f:
                click.echo(f.read())

        def test_cli(syscalls, tmp_path):
            (tmp_path / "x.txt").write_text("hello")
            r = syscalls.options(filter="openat").call(CliRunner().invoke, cat,
                                                       [str(tmp_path / "x.txt")])
            assert r.result.exit_code == 0 and r.result.output == "hello\\n"
            assert r.paths() == [str(tmp_path / "x.txt")]
            bad = syscalls.call(CliRunner().invoke, cat, [str(tmp_path / "missing")])
            assert bad.result.exit_code == 1 and bad.result.exc_info is not None
    """))
    run(project).assert_outcomes(passed=1)


def test_call_gives_the_python_line_of_each_syscall(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        import os

        def emit(fd):
            os.write(fd, b"x")

        def test_call(syscalls):
            fd = os.open(os.devnull, os.O_WRONLY)
            try:
                for fork in (False, True):
                    t = syscalls.options(filter="write", fork=fork).call(emit, fd)
                    (ev,) = t.events
                    assert (ev.source.line, ev.source.function) == (4, "emit"), fork
            finally:
                os.close(fd)
    """))
    run(project).assert_outcomes(passed=1)
