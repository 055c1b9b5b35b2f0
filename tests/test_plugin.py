"""The pytest plugin, run as a user runs pytest (pytester): fixture, markers, reports."""

from __future__ import annotations

import json
import textwrap

import hypothesis  # noqa: F401  (imported once here: the inner runs then reuse it)
import pytest


@pytest.fixture
def project(plugin_project: pytest.Pytester) -> pytest.Pytester:
    return plugin_project


#: pytest-xdist with 2 workers, without the plugins that slow each worker's start-up
XDIST = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:benchmark",
         "-n", "2")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess("-p", "no:cacheprovider", *args)


#: Where a traced body runs: in place (the default), or in a forked child (asked for by
#: a module-level mark, put at the top of the test file)
BODY_MODES = {"inplace": "", "fork": "import pytest\npytestmark = pytest.mark.renacer(fork=True)\n"}


def body_file(mode: str, source: str) -> str:
    return BODY_MODES[mode] + textwrap.dedent(source)


# ----------------------------------------------------------------------- the fixture


def test_fixture_run_call_spawn_and_traces(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        import os, time
        from renacer_bins import BINS
        from pytest_renacer import Trace

        def square(x):
            os.getpid()
            return x * x

        def boom():
            raise ValueError("no luck")

        def _tb_frames(e):
            tb = e.__traceback__
            while tb is not None:
                yield tb
                tb = tb.tb_next

        def test_all(syscalls):
            assert syscalls.traces == []
            t = syscalls.run([BINS["write_loop"], "5"])
            assert isinstance(t, Trace) and t.returncode == 0
            assert t.count("write") == 5
            r = syscalls.call(square, 7)
            assert r.result == 49
            assert r.count("getpid") == 1
            with syscalls.spawn(["sleep", "30"]) as p:
                assert p.pid > 0 and p.running
                time.sleep(0.05)
            assert p.trace is not None and not p.running
            assert len(syscalls.traces) == 3
            assert syscalls.traces[0] is t and syscalls.traces[1] is r
            assert syscalls.count("write") == 5
            assert syscalls.names()["getpid"] == 1
            try:
                syscalls.call(boom)
            except ValueError as e:  # boom's own exception, raised in place
                assert "no luck" in str(e)
                assert "boom" in [tb.tb_frame.f_code.co_name for tb in _tb_frames(e)]
                assert len(e.renacer_trace.events) >= 0
            else:
                raise AssertionError("boom did not raise")
            try:
                syscalls.options(fork=True).call(boom)
            except ValueError as e:
                assert "Traceback in the traced child" in str(e.__cause__)
            else:
                raise AssertionError("boom did not raise")
            syscalls.reset()
            assert syscalls.traces == []
    """))
    result = run(project)
    result.assert_outcomes(passed=1)


def test_fixture_options_and_marker_defaults(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        import os
        import pytest
        from renacer_bins import BINS

        def touch():
            os.getpid()
            with open(os.devnull) as f:
                f.read(0)

        def test_options(syscalls):
            t = syscalls.options(filter="write").run([BINS["write_loop"], "3"])
            assert set(t.names()) == {"write"} and t.mode == "seccomp"
            r = syscalls.options(filter="openat").call(touch)
            assert set(r.names()) == {"openat"}
            c = syscalls.options(count_only=True).run([BINS["write_loop"], "3"])
            assert c.mode == "count" and c.count("write") == 3
            with pytest.raises(TypeError, match="bogus"):
                syscalls.options(bogus=1)

        @pytest.mark.renacer(filter="write")
        def test_marker_defaults(syscalls):
            t = syscalls.run([BINS["write_loop"], "2"])
            assert set(t.names()) == {"write"}
            full = syscalls.run([BINS["write_loop"], "2"], filter=None)
            assert full.count("execve") == 1
    """))
    result = run(project)
    result.assert_outcomes(passed=2)


def test_fixture_parametrized_tests_get_their_own_traces(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        import pytest
        from renacer_bins import BINS

        @pytest.mark.parametrize("n", [1, 2, 3])
        def test_param(syscalls, n):
            assert syscalls.traces == []
            syscalls.run([BINS["write_loop"], str(n)], filter="write")
            assert syscalls.count("write") == n

        @pytest.mark.parametrize("n", [2, 4])
        @pytest.mark.max_syscalls(write=3)
        def test_param_budget(syscalls, n):
            syscalls.run([BINS["write_loop"], str(n)], filter="write")
    """))
    result = run(project, "-rf")
    result.assert_outcomes(passed=4, failed=1)
    result.stdout.fnmatch_lines(
        ["FAILED *test_param_budget[[]4[]] - Failed: max_syscalls: write 4 > 3"])


def test_fixture_in_hypothesis_tests_fresh_traces_per_example(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        import pytest
        from hypothesis import given, settings, strategies as st
        from renacer_bins import BINS

        SEEN = []

        @settings(max_examples=15, database=None, deadline=None)
        @given(n=st.integers(0, 4))
        def test_fresh(syscalls, n):
            assert syscalls.traces == []
            syscalls.run([BINS["write_loop"], str(n)], filter="write")
            assert syscalls.count("write") == n
            SEEN.append(n)

        def test_examples_ran():
            assert len(SEEN) > 1

        @settings(max_examples=30, database=None, deadline=None)
        @given(n=st.integers(0, 10))
        @pytest.mark.max_syscalls(write=5)
        def test_budget_shrinks(syscalls, n):
            syscalls.run([BINS["write_loop"], str(n)], filter="write")
    """))
    result = run(project)
    result.assert_outcomes(passed=2, failed=1)
    # the budget is checked per example, so Hypothesis shrinks to the smallest breaking one
    # (Hypothesis says "Falsifying example" up to 6.15x, "Failing test case" since)
    result.stdout.re_match_lines([
        r"max_syscalls: write 6 > 5",
        r".*(Falsifying example|Failing test case): test_budget_shrinks\(",
        r".*n=6,",
    ])
    assert "FailedHealthCheck" not in result.stdout.str()


def test_spawn_left_running_is_stopped_at_teardown(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        from renacer_bins import BINS

        PROCS = []

        def test_leave_running(syscalls):
            PROCS.append(syscalls.spawn(["sleep", "30"]))

        def test_it_was_stopped():
            assert PROCS and not PROCS[0].running
    """))
    result = run(project)
    result.assert_outcomes(passed=2)


# ----------------------------------------------------------------------- budgets


def test_budget_failure_reads_well_in_the_summary(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        import pytest
        from renacer_bins import BINS

        @pytest.mark.max_syscalls(5)
        @pytest.mark.max_syscalls(write=3, openat=1)
        def test_over(syscalls):
            syscalls.run([BINS["write_loop"], "7"], filter="write")

        @pytest.mark.max_syscalls(7, filter="write")
        @pytest.mark.max_syscalls(write=7)
        def test_exactly_at_the_limit(syscalls):
            syscalls.run([BINS["write_loop"], "7"])
    """))
    result = run(project, "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*_ test_over _*",
        "max_syscalls: 7 syscalls > limit 5; write 7 > 3",
        "*- renacer -*",
        "budget (max_syscalls):",
        "  syscalls       7 >  5      EXCEEDED  from max_syscalls(5)",
        "  write          7 >  3      EXCEEDED  from max_syscalls(write=3, openat=1)",
        "  openat         0 <= 1      ok        from max_syscalls(write=3, openat=1)",
        "top syscalls of 1 trace, 7 calls:",
        "  write *7",
        "traces:",
        "  */write_loop 7: 7 syscalls (seccomp, exit 0)",
        "offending events: write, 7 calls:",
        '  write(3, "x", 1) = 1',
        "      ... and 6 more like it",
        "JSON artifact: *",
        "FAILED test_budget_failure_reads_well_in_the_summary.py::test_over - "
        "Failed: max_syscalls: 7 syscalls > limit 5; write 7 > 3",
    ])


def test_budget_filter_and_class(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        import pytest
        from renacer_bins import BINS

        @pytest.mark.max_syscalls(1, filter="%file")
        def test_files(syscalls):
            syscalls.run([BINS["opens"]])

        @pytest.mark.max_syscalls(**{"%network": 0, "/^mmap": 100})
        def test_expressions_as_keys(syscalls):
            syscalls.run([BINS["opens"]])
    """))
    result = run(project, "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["FAILED *::test_files - Failed: max_syscalls: * %file syscalls > limit 1"])


def test_markers_are_registered(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        import pytest

        @pytest.mark.max_syscalls(100)
        @pytest.mark.renacer_tolerance(0.5)
        @pytest.mark.renacer(source=False)
        def test_strict():
            pass
    """))
    result = run(project, "--strict-markers")
    result.assert_outcomes(passed=1)
    result = run(project, "--markers")
    result.stdout.fnmatch_lines([
        "@pytest.mark.max_syscalls(limit=None, *, filter=None, **per_syscall)*",
        "@pytest.mark.renacer_tolerance(fraction)*",
        "@pytest.mark.renacer(**trace_options)*",
    ])


BAD_MARKERS = {
    "a": ('max_syscalls("ten")', "max_syscalls('ten'): the limit must be an int >= 0, not 'ten'"),
    "b": ("max_syscalls(opennat=3)",
          "max_syscalls(opennat=3): invalid system call 'opennat'* (did you mean 'openat'?)"),
    "c": ('max_syscalls(filter="%file")',
          "max_syscalls(filter='%file'): filter= needs a limit, as in "
          "max_syscalls(20, filter='%file')"),
    "d": ("max_syscalls(1, 2)",
          "max_syscalls(1, 2): at most one positional argument (the limit), got 2"),
    "e": ("max_syscalls()", "max_syscalls(): no limit given"),
    "f": ('max_syscalls(3, filter="%nope")',
          "max_syscalls(3, filter='%nope'): invalid system call '%nope'*"),
    "g": ("renacer_tolerance(-1)", "renacer_tolerance(-1): the tolerance is a number >= 0 *"),
    "h": ("renacer(bogus=True)", "renacer(...): unknown option(s) bogus; known: *"),
    "i": ("max_syscalls(-1)", "max_syscalls(-1): the limit must be an int >= 0, not -1"),
}


def test_wrong_marker_arguments_are_collection_errors(project: pytest.Pytester) -> None:
    for key, (marker, _) in BAD_MARKERS.items():
        project.makepyfile(**{f"test_{key}": f"import pytest\n\n@pytest.mark.{marker}\n"
                                              f"def test_{key}(): pass\n"})
    project.makepyfile(test_fine="import pytest\n\n@pytest.mark.max_syscalls(10)\n"
                                 "def test_fine(): pass\n")
    result = run(project)
    result.assert_outcomes(errors=len(BAD_MARKERS))
    assert result.ret == pytest.ExitCode.INTERRUPTED
    for key, (_, message) in BAD_MARKERS.items():
        result.stdout.fnmatch_lines([
            f"*_ ERROR collecting test_{key}.py _*",
            f"pytest-renacer: wrong marker arguments on test_{key}: {message}",
            "Usage: max_syscalls(LIMIT) caps every syscall*",
        ])
    # the same under pytest-xdist: its workers report collection errors as such
    result = project.runpytest_subprocess(*XDIST, "test_b.py", "test_fine.py")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["pytest-renacer: wrong marker arguments on test_b: *"])


def test_every_bad_marker_of_a_module_reported_and_good_tests_collected(
        project: pytest.Pytester) -> None:
    project.makepyfile(test_m=textwrap.dedent("""
        import pytest

        @pytest.mark.max_syscalls("ten")
        def test_a(): pass

        def test_good(): pass

        @pytest.mark.renacer(bogus=1)
        def test_b(): pass

        class TestC:
            @pytest.mark.max_syscalls(opennat=1)
            def test_c(self): pass

            def test_d(self): pass
    """))
    result = run(project, "--co")
    result.stdout.fnmatch_lines(["collected 2 items / 3 errors"])
    result.stdout.fnmatch_lines([
        "pytest-renacer: wrong marker arguments on test_a: max_syscalls('ten'): *",
        "pytest-renacer: wrong marker arguments on test_b: renacer(...): unknown option(s) *",
        "pytest-renacer: wrong marker arguments on test_c: max_syscalls(opennat=1): *",
    ])
    result.stdout.fnmatch_lines(["ERROR test_m.py::test_a", "ERROR test_m.py::test_b",
                                 "ERROR test_m.py::TestC::test_c"])
    # and run anyway where asked: the good tests pass, the bad ones stay errors
    result = run(project, "--continue-on-collection-errors")
    result.assert_outcomes(passed=2, errors=3)


def test_markers_added_after_collection_are_checked_too(project: pytest.Pytester) -> None:
    project.makeconftest(textwrap.dedent("""
        import pytest

        def pytest_collection_modifyitems(items):
            for item in items:
                item.add_marker(pytest.mark.max_syscalls(typo_call=1))
    """))
    project.makepyfile("def test_x(): pass\n")
    result = run(project, "-rf")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*pytest-renacer: wrong marker arguments: "
                                 "max_syscalls(typo_call=1): invalid system call 'typo_call'*"])


# ----------------------------------------------------------------------- a traced body


@pytest.mark.parametrize("mode", BODY_MODES)
def test_body_counts_only_the_body(project: pytest.Pytester, mode: str) -> None:
    project.makepyfile(body_file(mode, """
        import os
        import pytest

        @pytest.fixture
        def prepared(tmp_path):
            (tmp_path / "data").write_text("x" * 100)   # set-up in the parent: not counted
            yield tmp_path
            (tmp_path / "data").unlink()                # teardown in the parent: not counted

        @pytest.mark.max_syscalls(0)
        def test_empty_body_costs_nothing(prepared):
            pass

        @pytest.mark.max_syscalls(getpid=2, openat=0)
        def test_two_getpids(prepared):
            os.getpid()
            os.getpid()
            print("printed output is not counted either")

        @pytest.mark.max_syscalls(openat=1)
        def test_one_open_too_many(prepared):
            for _ in range(2):
                with open(prepared / "data") as f:
                    f.read()
    """))
    result = run(project, "-rf")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "FAILED *::test_one_open_too_many - Failed: max_syscalls: openat 2 > 1",
    ])


@pytest.mark.parametrize("mode", BODY_MODES)
def test_body_outcomes_propagate(project: pytest.Pytester, mode: str) -> None:
    project.makepyfile(body_file(mode, """
        import pytest

        class Unpicklable(Exception):
            def __init__(self, a, b):
                super().__init__(f"{a}/{b}")

        @pytest.mark.renacer
        def test_assertion():
            x = 1
            assert x == 2, "x should be two"

        @pytest.mark.renacer
        def test_skip():
            pytest.skip("not today")

        @pytest.mark.renacer
        @pytest.mark.xfail(raises=ZeroDivisionError, strict=True)
        def test_xfail():
            1 / 0

        @pytest.mark.renacer
        def test_fail():
            pytest.fail("plain failure", pytrace=False)

        @pytest.mark.renacer
        def test_unpicklable():
            raise Unpicklable(1, 2)

        @pytest.mark.renacer
        def test_output():
            print("from the child")
            assert False

        @pytest.mark.renacer
        def test_passes():
            assert [1, 2] == [1, 2]
    """))
    result = run(project, "-rsf")
    result.assert_outcomes(passed=1, failed=4, skipped=1, xfailed=1)
    out = result.stdout.str()
    result.stdout.fnmatch_lines([
        "*_ test_assertion _*",
        "    @pytest.mark.renacer",
        "    def test_assertion():",
        "        x = 1",
        ">       assert x == 2, \"x should be two\"",
        "E       AssertionError: x should be two",
        "E       assert 1 == 2",
        "test_body_outcomes_propagate.py:*: AssertionError",
    ])
    result.stdout.fnmatch_lines(["*Captured stdout call*", "from the child"])
    result.stdout.fnmatch_lines(
        ["SKIPPED [[]1[]] test_body_outcomes_propagate.py:*: not today"])
    assert "plain failure" in out
    assert "test_unpicklable.<locals>" not in out
    result.stdout.fnmatch_lines(["FAILED *::test_unpicklable - "
                                 "test_body_outcomes_propagate.Unpicklable: 1/2"])
    assert "pytest_renacer/" not in out  # failures show the child's frames, not ours


@pytest.mark.parametrize("mode", BODY_MODES)
def test_body_follows_children(project: pytest.Pytester, mode: str) -> None:
    project.makepyfile(body_file(mode, """
        import subprocess
        import pytest
        from renacer_bins import BINS

        @pytest.mark.max_syscalls(execve=0)
        def test_runs_a_program():
            subprocess.run([BINS["write_loop"], "4"], check=True)

        @pytest.mark.max_syscalls(write=4)
        def test_children_writes_count():
            subprocess.run([BINS["write_loop"], "4"], check=True)
    """))
    result = run(project, "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["FAILED *::test_runs_a_program - Failed: max_syscalls: execve 1 > 0"])


@pytest.mark.parametrize("mode", BODY_MODES)
def test_failure_shows_python_source_lines(project: pytest.Pytester, mode: str) -> None:
    """The Python line of every offending syscall, read from the interpreter at the stop:
    a read() or write() as well as an open()."""
    project.makepyfile(body_file(mode, """
        import os
        import pytest

        def load(path):
            with open(path) as f:
                return f.read()

        @pytest.mark.max_syscalls(openat=1)
        def test_loads_twice():
            load(os.devnull)
            load(os.devnull)

        @pytest.mark.max_syscalls(write=1)
        def test_writes_twice(fd):
            os.write(fd, b"x")
            os.write(fd, b"y")

        @pytest.fixture
        def fd():
            fd = os.open(os.devnull, os.O_WRONLY)
            yield fd
            os.close(fd)
    """))
    result = run(project)
    result.assert_outcomes(failed=2)
    line = 8 if mode == "fork" else 5  # the fork header: its lines and a blank one
    result.stdout.fnmatch_lines([
        "offending events: openat, 2 calls:",
        '  openat(AT_FDCWD, "/dev/null", O_RDONLY|O_CLOEXEC) = *',
        f"      at test_failure_shows_python_source_lines.py:{line} in load",
        "      ... and 1 more like it",
    ])
    result.stdout.fnmatch_lines([
        "offending events: write, 2 calls:",
        '  write(*, "x", 1) = 1',
        f"      at test_failure_shows_python_source_lines.py:{line + 10} in test_writes_twice",
        '  write(*, "y", 1) = 1',
        f"      at test_failure_shows_python_source_lines.py:{line + 11} in test_writes_twice",
    ])


def test_budget_failure_shows_native_source_lines(project: pytest.Pytester) -> None:
    """A traced program's offending events point at its own source line (source=True),
    in the failure section and in the test's JSON artifact."""
    project.makepyfile(textwrap.dedent("""
        import pytest
        from renacer_bins import BINS

        @pytest.mark.max_syscalls(write=2)
        def test_writes(syscalls):
            syscalls.run([BINS["write_loop"], "3"], filter="write", source=True)
    """))
    result = run(project, "--renacer-dir=artifacts")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "offending events: write, 3 calls:",
        '  write(3, "x", 1) = 1',
        "      at */write_loop.c:10 in main",
        "      ... and 2 more like it",
    ])
    (artifact,) = (project.path / "artifacts").rglob("test_writes.json")
    doc = json.loads(artifact.read_text())
    ((trace,),) = (t["traces"] for t in doc["tests"])
    sources = {(e["source"]["file"].rsplit("/", 1)[-1], e["source"]["line"])
               for e in trace["events"] if e["name"] == "write"}
    assert sources == {("write_loop.c", 10)}


@pytest.mark.parametrize("mode", BODY_MODES)
def test_hypothesis_examples_each_traced(project: pytest.Pytester, mode: str) -> None:
    project.makepyfile(body_file(mode, """
        import os
        import pytest
        from hypothesis import given, settings, strategies as st

        @settings(max_examples=20, database=None, deadline=None)
        @given(n=st.integers(0, 8))
        @pytest.mark.max_syscalls(getppid=4)
        def test_calls(n):
            for _ in range(n):
                os.getppid()
    """))
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.re_match_lines([r"max_syscalls: getppid 5 > 4",
                                  r".*(Falsifying example|Failing test case)", r".*n=5,"])


def test_async_body_cannot_be_forked(project: pytest.Pytester) -> None:
    project.makepyfile(body_file("fork", """
        import pytest

        @pytest.mark.max_syscalls(10)
        async def test_async():
            pass
    """))
    result = run(project, "-W", "ignore::pytest.PytestUnraisableExceptionWarning")
    result.stdout.fnmatch_lines(["*is async: its body cannot run in a forked child*"])


# ----------------------------------------------------------------------- ptrace unavailable


UNAVAILABLE_TESTS = """
    import pytest
    from renacer_bins import BINS

    def test_fixture(syscalls):
        syscalls.run([BINS["opens"]])

    @pytest.mark.max_syscalls(10)
    def test_marker():
        pass

    def test_untraced():
        pass
"""


def test_unavailable_fails_with_remedy(project: pytest.Pytester,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENACER_FORCE_UNAVAILABLE", "1")
    project.makepyfile(textwrap.dedent(UNAVAILABLE_TESTS))
    result = run(project, "-rf")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "renacer: ptrace is not permitted here (simulated: RENACER_FORCE_UNAVAILABLE is set*",
        "Remedy: *--cap-add=SYS_PTRACE*--renacer-skip-unavailable*",
        "FAILED *::test_fixture - Failed: renacer: ptrace is not permitted here*",
        "FAILED *::test_marker - Failed: renacer: ptrace is not permitted here*",
    ])


@pytest.mark.parametrize("how", ["option", "ini"])
def test_unavailable_skips_when_asked(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                      how: str) -> None:
    monkeypatch.setenv("RENACER_FORCE_UNAVAILABLE", "1")
    project.makepyfile(textwrap.dedent(UNAVAILABLE_TESTS))
    if how == "ini":
        project.makeini("[pytest]\nrenacer_skip_unavailable = true\n")
        result = run(project, "-rs")
    else:
        result = run(project, "-rs", "--renacer-skip-unavailable")
    result.assert_outcomes(passed=1, skipped=2)
    result.stdout.fnmatch_lines(["SKIPPED *renacer: ptrace is not permitted here*"])


# ----------------------------------------------------------------------- hooks


def test_hooks_trace_finished_and_json_extra(project: pytest.Pytester) -> None:
    project.makeconftest(textwrap.dedent("""
        FINISHED = []

        def pytest_renacer_trace_finished(item, trace):
            FINISHED.append((item.name, len(trace)))

        def pytest_renacer_json_extra(item, data):
            data["extra"]["seen_by_hook"] = data["totals"]["syscalls"]
            return {"owner": "storage-team"}

        def pytest_sessionfinish(session):
            print("FINISHED", sorted(FINISHED))
    """))
    project.makepyfile(textwrap.dedent("""
        import os, pytest
        from renacer_bins import BINS

        def test_fixture(syscalls):
            syscalls.run([BINS["write_loop"], "2"], filter="write")
            syscalls.call(os.getpid)

        @pytest.mark.max_syscalls(getpid=1)
        def test_forked():
            os.getpid()
    """))
    result = run(project, "-s", "--renacer-json=out.json")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["*FINISHED [[]('test_fixture', 1), ('test_fixture', 2), ('test_forked', 1)[]]"])
    import json

    doc = json.loads(project.path.joinpath("out.json").read_text())
    extras = {t["nodeid"].split("::")[1]: t["extra"] for t in doc["tests"]}
    assert extras == {"test_fixture": {"seen_by_hook": 3, "owner": "storage-team"},
                      "test_forked": {"seen_by_hook": 1, "owner": "storage-team"}}


def test_unittest_methods_are_traced_in_place(project: pytest.Pytester) -> None:
    project.makepyfile(textwrap.dedent("""
        import os
        import unittest
        import pytest

        class T(unittest.TestCase):
            @pytest.mark.max_syscalls(getppid=1)
            def test_within(self):
                os.getppid()

            @pytest.mark.max_syscalls(getppid=1)
            def test_over(self):
                os.getppid()
                os.getppid()
    """))
    result = run(project, "-rf")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED *::T::test_over - Failed: max_syscalls: getppid 2 > 1"])


def test_unittest_methods_cannot_be_forked(project: pytest.Pytester) -> None:
    project.makepyfile(body_file("fork", """
        import unittest
        import pytest

        class T(unittest.TestCase):
            @pytest.mark.max_syscalls(5)
            def test_m(self):
                pass
    """))
    result = run(project, "-rE")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*renacer: *::T::test_m is a TestCaseFunction, whose body "
                                 "cannot run in a forked child*"])


def test_forked_body_output_and_crashes(project: pytest.Pytester) -> None:
    project.makepyfile(body_file("fork", """
        import os
        import sys
        import pytest

        @pytest.mark.renacer
        def test_prints():
            print("to stdout from the child")
            print("to stderr from the child", file=sys.stderr)
            assert False

        @pytest.mark.renacer
        def test_dies():
            os._exit(3)

        @pytest.mark.renacer
        def test_returns_a_value():
            return 42
    """))
    for capture in ("fd", "sys"):
        result = run(project, f"--capture={capture}", "-rf")
        result.assert_outcomes(passed=1, failed=2)
        result.stdout.fnmatch_lines(["*- Captured stdout call -*", "to stdout from the child",
                                     "*- Captured stderr call -*", "to stderr from the child"])
        result.stdout.fnmatch_lines(["FAILED *::test_dies - Failed: renacer: the traced child "
                                     "running * died before returning (exit status 3)"])
        result.stdout.fnmatch_lines(["*Test functions should return None*"])
