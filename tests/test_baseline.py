"""Syscall-profile baselines: profiles, files, comparisons, and the plugin's options."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import hypothesis  # noqa: F401  (imported once here: the inner runs then reuse it)
import pytest

import pytest_renacer
from pytest_renacer.baseline import (
    BASELINE_FORMAT,
    PathNormalizer,
    Profile,
    baseline_path,
    compare,
    load_baseline,
    profile_of,
    write_baseline,
)
from pytest_renacer.errors import BaselineError

# ----------------------------------------------------------------------- profiles and files


def test_normalizer() -> None:
    norm = PathNormalizer(rootdir="/src/proj", basetemp="/scratch/bt")
    home = os.path.expanduser("~")
    assert norm("/src/proj/data/a.txt") == "{rootdir}/data/a.txt"
    assert norm("/src/project/x") == "/src/project/x"
    assert norm("/scratch/bt/test_a0/f") == "{basetemp}/test_a0/f"
    assert norm("/tmp/pytest-of-bob/pytest-12/popen-gw1/test_x0/f") == "{basetemp}/test_x0/f"
    assert norm("/tmp/pytest-of-bob/pytest-3/test_x0") == "{basetemp}/test_x0"
    assert norm("/proc/4242/status") == "/proc/{pid}/status"
    assert norm("/proc/self/status") == "/proc/self/status"
    assert norm("/tmp/tmpab12_x9z/file") == "/tmp/tmpXXXXXXXX/file"
    assert norm(f"{home}/.config/x") == "{home}/.config/x"
    assert norm("relative/path") == "relative/path"


def test_profile_of_a_real_trace(build: Callable[..., str]) -> None:
    t = pytest_renacer.trace([build("opens"), "/nonexistent/renacer-baseline"])
    prof = profile_of([t], PathNormalizer())
    assert prof.counts == dict(t.names())
    assert prof.total == len(t)
    assert "/dev/null" in prof.paths
    assert "/nonexistent/renacer-baseline" in prof.paths
    assert "/etc/passwd" not in prof.paths  # access() is not an open


def test_write_load_roundtrip_keeps_other_arches(tmp_path: Path) -> None:
    path = baseline_path(tmp_path, "tests/test_x.py::TestA::test_b[1]")
    assert path == tmp_path / "tests" / "test_x.py" / "TestA.test_b[1].json"
    assert load_baseline(path, "x86_64") is None
    write_baseline(path, "tests/test_x.py::TestA::test_b[1]", "aarch64",
                   Profile({"openat": 2}, ["/a"]))
    write_baseline(path, "tests/test_x.py::TestA::test_b[1]", "x86_64",
                   Profile({"open": 1, "read": 4}, ["/b", "/a"]))
    data = json.loads(path.read_text())
    assert data["format"] == BASELINE_FORMAT and set(data["profiles"]) == {"aarch64", "x86_64"}
    assert data["profiles"]["x86_64"]["total"] == 5
    assert load_baseline(path, "x86_64") == Profile({"open": 1, "read": 4}, ["/a", "/b"])
    assert load_baseline(path, "aarch64") == Profile({"openat": 2}, ["/a"])
    assert load_baseline(path, "riscv64") is None


@pytest.mark.parametrize(("content", "why"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "not a JSON object"),
    ('{"format": "pytest-benchmark"}', "its format is 'pytest-benchmark'"),
    ('{"format": "renacer-baseline-v1"}', "it has no 'profiles' object"),
    ('{"format": "renacer-baseline-v1", "profiles": {"x86_64": {"counts": {"a": -1}}}}',
     "profiles.x86_64.counts is not"),
    ('{"format": "renacer-baseline-v1", "profiles": {"x86_64": {"counts": {}, "paths": 3}}}',
     "profiles.x86_64.paths is not"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"format": "renacer-baseline-v1", "profiles": {"x86_64": {"counts": {"a": '
     + "9" * 5000 + "}}}}", "not readable JSON"),
])
def test_corrupt_or_foreign_files_name_the_file(tmp_path: Path, content: str, why: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(BaselineError) as info:
        load_baseline(path, "x86_64")
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert why in message
    assert "--renacer-update-baselines" in message


def test_binary_garbage_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(BaselineError, match="not UTF-8"):
        load_baseline(path, "x86_64")


def test_a_directory_in_place_of_a_baseline_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.mkdir()
    with pytest.raises(BaselineError) as info:
        load_baseline(path, "x86_64")
    assert str(info.value).startswith(f"{path}: cannot read the baseline: ")


def test_update_repairs_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text("{broken")
    write_baseline(path, "t", "x86_64", Profile({"read": 1}))
    assert load_baseline(path, "x86_64") == Profile({"read": 1})


def test_compare_tolerance_new_syscalls_and_paths(tmp_path: Path) -> None:
    base = Profile({"openat": 3, "read": 10, "close": 5}, ["/etc/a", "/etc/old"])
    same = compare(base, Profile(dict(base.counts), list(base.paths)), 0.0, tmp_path / "b")
    assert not same.regressed and same.reason == ""

    within = compare(base, Profile({"openat": 3, "read": 11, "close": 5}, base.paths), 0.1,
                     tmp_path / "b")
    assert not within.regressed

    now = Profile({"openat": 7, "read": 10, "close": 3, "connect": 1}, ["/etc/a", "/etc/hosts"])
    cmp = compare(base, now, 0.1, tmp_path / "b.json")
    assert cmp.regressed
    assert cmp.reason == ("renacer baseline (tolerance 10%): 21 syscalls > 18 (+17%); "
                          "openat 7 > 3 (+133%); connect 1 (new); 1 new path opened")
    assert cmp.new_paths == ("/etc/hosts",) and cmp.gone_paths == ("/etc/old",)
    diff = cmp.diff()
    assert diff.splitlines() == [
        f"baseline {tmp_path / 'b.json'} (tolerance 10%; '!' = regression)",
        "    syscall  baseline       now  change",
        "  ! openat          3         7  +4 (+133%)",
        "  ! connect         0         1  new",
        "    close           5         3  -2 (-40%)",
        "  ! total          18        21  +3 (+17%)",
        "  paths opened:",
        "  ! + /etc/hosts",
        "    - /etc/old",
    ]
    data = cmp.to_json()
    assert data["status"] == "regressed"
    assert {c["syscall"] for c in data["changes"]} == {"openat", "connect", "close", "total"}


def test_compare_total_growth_only() -> None:
    base = Profile({"read": 10, "write": 10})
    now = Profile({"read": 11, "write": 11, "close": 0})
    assert not compare(base, now, 0.1, Path("b")).regressed
    cmp = compare(base, Profile({"read": 11, "write": 11}), 0.05, Path("b"))
    assert cmp.reason == ("renacer baseline (tolerance 5%): 22 syscalls > 20 (+10%); "
                          "read 11 > 10 (+10%); write 11 > 10 (+10%)")


# ----------------------------------------------------------------------- the plugin


@pytest.fixture
def project(plugin_project: pytest.Pytester) -> pytest.Pytester:
    return plugin_project


def write_tests(pytester: pytest.Pytester, writes: int, extra_open: bool = False) -> None:
    pytester.makepyfile(test_prof=textwrap.dedent(f"""
        import os
        import pytest
        from renacer_bins import BINS

        def test_binary(syscalls):
            syscalls.run([BINS["write_loop"], "{writes}"], filter="write,openat")

        @pytest.mark.renacer(filter="getpid,openat")
        def test_body(tmp_path):
            for _ in range({writes}):
                os.getpid()
            if {extra_open}:
                open(os.devnull).close()

        @pytest.mark.renacer_tolerance(1.0)
        def test_lenient(syscalls):
            syscalls.run([BINS["write_loop"], "{writes}"], filter="write")

        def test_untraced():
            pass
    """))


def test_baselines_update_then_compare(project: pytest.Pytester) -> None:
    write_tests(project, writes=10)
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--renacer-update-baselines")
    result.assert_outcomes(passed=4)
    base_dir = project.path / ".renacer-baselines" / "test_prof.py"
    assert sorted(p.name for p in base_dir.iterdir()) == [
        "test_binary.json", "test_body.json", "test_lenient.json"]
    body = json.loads((base_dir / "test_body.json").read_text())
    [(arch, prof)] = body["profiles"].items()
    assert arch == pytest_renacer.tables.host_arch()
    assert body["nodeid"] == "test_prof.py::test_body"
    assert prof["counts"] == {"getpid": 10} and prof["paths"] == []

    # the same run again: nothing grew
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--renacer-json=s.json")
    result.assert_outcomes(passed=4)
    doc = json.loads((project.path / "s.json").read_text())
    assert {t["nodeid"]: t["baseline"]["status"] for t in doc["tests"]} == {
        "test_prof.py::test_binary": "ok", "test_prof.py::test_body": "ok",
        "test_prof.py::test_lenient": "ok"}

    # 10 -> 12 calls: within the default 10%? no (+20%); within test_lenient's 100%: yes
    write_tests(project, writes=12, extra_open=True)
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "-rf")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines([
        "*_ test_binary _*",
        "renacer baseline (tolerance 10%): 15 syscalls > 13 (+15%); write 12 > 10 (+20%)",
        "*- renacer -*",
        "offending events: write, 12 calls:",
        "  write(3, \"x\", 1) = 1",
        "      ... and 11 more like it",
        f"baseline {project.path}/.renacer-baselines/test_prof.py/test_binary.json "
        "(tolerance 10%; '!' = regression)",
        "    syscall  baseline       now  change",
        "  ! write          10        12  +2 (+20%)",
        "  ! total          13        15  +2 (+15%)",
    ])
    result.stdout.fnmatch_lines([
        "FAILED test_prof.py::test_body - Failed: renacer baseline (tolerance 10%): "
        "13 syscalls > 10 (+30%); getpid 12 > 10 (+20%); openat 1 (new); 1 new path opened",
    ])
    result.stdout.fnmatch_lines(["  ! + /dev/null"])

    # a wider tolerance on the command line lets them pass (test_body's new path still fails)
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--renacer-tolerance=0.5",
                                         "-rf")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["FAILED test_prof.py::test_body - Failed: renacer baseline "
                                 "(tolerance 50%): openat 1 (new); 1 new path opened"])


def test_baseline_dir_option_and_ini(project: pytest.Pytester) -> None:
    write_tests(project, writes=2)
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--renacer-update-baselines",
                                         "--renacer-baseline-dir=cli-bl")
    result.assert_outcomes(passed=4)
    assert (project.path / "cli-bl" / "test_prof.py" / "test_body.json").exists()
    project.makeini("[pytest]\nrenacer_baseline_dir = ini-bl\nrenacer_tolerance = 0\n")
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--renacer-update-baselines")
    assert (project.path / "ini-bl" / "test_prof.py" / "test_body.json").exists()
    assert not (project.path / ".renacer-baselines").exists()


def test_corrupt_baseline_fails_the_test_naming_the_file(project: pytest.Pytester) -> None:
    write_tests(project, writes=2)
    bad = project.path / ".renacer-baselines" / "test_prof.py" / "test_binary.json"
    bad.parent.mkdir(parents=True)
    bad.write_text('{"format": "something-else"}')
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "-rf")
    result.assert_outcomes(passed=3, failed=1)
    # The failure's own line: the short summary's copy is cut to the terminal's width.
    result.stdout.fnmatch_lines([
        f"renacer baseline: {bad}: its format is "
        "'something-else', not 'renacer-baseline-v1'. It is not a pytest-renacer baseline*",
        "FAILED test_prof.py::test_binary - Failed: renacer baseline: *",
    ])


def test_bad_tolerance_option_is_a_usage_error(project: pytest.Pytester) -> None:
    write_tests(project, writes=1)
    result = project.runpytest_inprocess("--renacer-tolerance=lots")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --renacer-tolerance: 'lots' is not a number*"])
