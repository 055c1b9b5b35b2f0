"""The plugin's outputs: session JSON, per-test artifacts, JUnit XML, pytest-html, xdist."""

from __future__ import annotations

import json
import os
import re
import textwrap
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path
from typing import Any

import hypothesis  # noqa: F401  (imported once here: the inner runs then reuse it)
import pytest

from pytest_renacer.artifacts import node_relpath, safe_name, write_json_atomic

SCHEMA_DIR = Path(__file__).parent.parent / "docs" / "schema"

TESTS = """
    import os
    import pytest
    from renacer_bins import BINS

    def test_fixture(syscalls):
        t = syscalls.run([BINS["write_loop"], "3"], filter="write")
        assert t.count("write") == 3

    @pytest.mark.max_syscalls(getpid=1)
    def test_forked_ok():
        os.getpid()

    @pytest.mark.max_syscalls(getpid=1)
    def test_forked_over():
        os.getpid()
        os.getpid()

    @pytest.mark.parametrize("n", [1, 2])
    def test_param(syscalls, n):
        syscalls.run([BINS["write_loop"], str(n)], filter="write")

    def test_untraced():
        pass
"""
TRACED = {"test_fixture", "test_forked_ok", "test_forked_over", "test_param[1]", "test_param[2]"}


@pytest.fixture
def project(plugin_project: pytest.Pytester) -> pytest.Pytester:
    plugin_project.makepyfile(test_traced=textwrap.dedent(TESTS))
    return plugin_project


def validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource

    schemas = {p.name: json.loads(p.read_text()) for p in SCHEMA_DIR.glob("*.schema.json")}
    registry: Registry[Any] = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in schemas.values())
    return jsonschema.Draft202012Validator(schemas["renacer-session-v1.schema.json"],
                                           registry=registry)


def by_test(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["nodeid"].split("::", 1)[1]: t for t in doc["tests"]}


def test_session_json(project: pytest.Pytester) -> None:
    result = project.runpytest_inprocess("--renacer-json=out/session.json")
    result.assert_outcomes(passed=5, failed=1)
    path = project.path / "out" / "session.json"
    result.stdout.fnmatch_lines(["*- renacer session JSON -*", f"5 traced tests written to {path}"])
    doc = json.loads(path.read_text())
    validator().validate(doc)
    assert doc["format"] == "renacer-session-v1"
    assert doc["workers"] is None
    tests = by_test(doc)
    assert set(tests) == TRACED
    assert doc["summary"] == {"tests": 5, "failed": 1, "budget_failures": 1,
                              "baseline_regressions": 0, "syscalls": 3 + 1 + 2 + 1 + 2,
                              "traces": 5}
    over = tests["test_forked_over"]
    assert over["outcome"] == "failed" and not over["forked"] and not over["uses_fixture"]
    assert over["reason"] == "max_syscalls: getpid 2 > 1"
    assert over["budget"]["limits"] == [{"selector": "getpid", "limit": 1, "kind": "syscall",
                                         "marker": "max_syscalls(getpid=1)", "count": 2,
                                         "ok": False}]
    assert over["totals"]["counts"] == {"getpid": 2}
    [trace] = over["traces"]
    assert trace["format"] == "renacer-json-v1"
    assert trace["label"] == f"test body of {over['nodeid']}"
    assert [e["name"] for e in trace["events"]] == ["getpid", "getpid"]
    # a failing test always gets an artifact: in the pytest cache without --renacer-dir
    assert over["artifact"].endswith("test_traced.py/test_forked_over.json")
    assert ".pytest_cache" in over["artifact"] and Path(over["artifact"]).exists()
    assert tests["test_fixture"]["outcome"] == "passed"
    assert tests["test_fixture"]["artifact"] is None
    assert tests["test_fixture"]["traces"][0]["command"][0].endswith("write_loop")
    assert tests["test_param[2]"]["totals"] == {"syscalls": 2, "traces": 1, "counts": {"write": 2}}


def test_renacer_dir_one_artifact_per_traced_test(project: pytest.Pytester) -> None:
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--renacer-dir=arts")
    result.assert_outcomes(passed=5, failed=1)
    arts = project.path / "arts"
    files = sorted(str(p.relative_to(arts)) for p in arts.rglob("*.json"))
    assert files == sorted(f"test_traced.py/{name}.json" for name in TRACED)
    over = arts / "test_traced.py" / "test_forked_over.json"
    result.stdout.fnmatch_lines([f"JSON artifact: {over}"])
    check = validator()
    for f in arts.rglob("*.json"):
        doc = json.loads(f.read_text())
        check.validate(doc)
        [entry] = doc["tests"]
        assert entry["artifact"] == str(f)
    assert not [p for p in arts.rglob("*") if p.name.endswith(".tmp")]


def test_ini_twins(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nrenacer_json = reports/s.json\nrenacer_dir = reports/arts\n")
    sub = project.mkdir("sub")
    os.chdir(sub)  # ini paths are relative to the rootdir, not to the current directory
    result = project.runpytest_inprocess("-p", "no:cacheprovider", str(project.path))
    result.assert_outcomes(passed=5, failed=1)
    assert (project.path / "reports" / "s.json").exists()
    assert (project.path / "reports" / "arts" / "test_traced.py" / "test_fixture.json").exists()
    # the command line wins over the ini file, relative to the invocation directory
    result = project.runpytest_inprocess("-p", "no:cacheprovider", str(project.path),
                                         "--renacer-json=mine.json")
    assert (sub / "mine.json").exists()


def test_junit_xml_properties(project: pytest.Pytester) -> None:
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--junitxml=junit.xml",
                                         "--renacer-dir=arts")
    result.assert_outcomes(passed=5, failed=1)
    root = ET.parse(project.path / "junit.xml").getroot()
    props: dict[str, dict[str, str]] = {}
    for case in root.iter("testcase"):
        props[case.get("name", "")] = {p.get("name", ""): p.get("value", "")
                                       for p in case.iter("property")}
    assert props["test_untraced"] == {}
    assert props["test_forked_over"] == {
        "renacer_syscalls": "2", "renacer_traces": "1", "renacer_budget": "exceeded",
        # relative to the rootdir: CI uploads the tree elsewhere
        "renacer_artifact": "arts/test_traced.py/test_forked_over.json",
    }
    assert props["test_fixture"]["renacer_syscalls"] == "3"
    assert "renacer_budget" not in props["test_fixture"]
    # the <failure> text carries the offending calls, not only the one-line reason
    [case] = [c for c in root.iter("testcase") if c.get("name") == "test_forked_over"]
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == "Failed: max_syscalls: getpid 2 > 1"
    text = failure.text or ""
    assert "EXCEEDED  from max_syscalls(getpid=1)" in text
    assert "offending events: getpid, 2 calls:" in text, text
    assert "getpid() = " in text and "at test_traced.py:" in text, text


def test_pytest_html_extras(project: pytest.Pytester) -> None:
    pytest.importorskip("pytest_html")
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--html=report.html",
                                         "--self-contained-html", "--renacer-dir=arts")
    result.assert_outcomes(passed=5, failed=1)
    html = unescape((project.path / "report.html").read_text()).replace('\\"', '"')
    assert "EXCEEDED  from max_syscalls(getpid=1)" in html  # the renacer section
    assert "renacer JSON" in html
    # the link is relative (to the report's folder, here the rootdir), not file:///...
    assert "file://" not in html
    assert 'href="arts/test_traced.py/test_forked_over.json"' in html
    # a Syscalls column, filled for every traced test, passed ones included
    assert 'data-column-type="renacer">Syscalls</th>' in html
    cells = re.findall(r'col-renacer">(\d*)<', html)
    assert sorted(cells) == sorted(["", "3", "1", "2", "1", "2"]), cells


def test_xdist_merges_the_session_json(project: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    # without the plugins that slow each worker's start-up (hypothesis, benchmark)
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:hypothesispytest",
                                          "-p", "no:benchmark", "-n", "2",
                                          "--renacer-json=session.json", "--renacer-dir=arts",
                                          "-rf")
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines([
        "[[]gw?[]] linux -- Python *",
        "max_syscalls: getpid 2 > 1",
        "*- renacer session JSON -*",
        "5 traced tests written to *session.json",
        "FAILED test_traced.py::test_forked_over - Failed: max_syscalls: getpid 2 > 1",
    ])
    doc = json.loads((project.path / "session.json").read_text())
    validator().validate(doc)
    tests = by_test(doc)
    assert [t["nodeid"] for t in doc["tests"]] == sorted(t["nodeid"] for t in doc["tests"])
    assert set(tests) == TRACED and len(doc["tests"]) == len(TRACED)
    assert doc["workers"] == 2
    assert {t["worker"] for t in doc["tests"]} <= {"gw0", "gw1"}
    assert doc["summary"]["failed"] == 1 and doc["summary"]["syscalls"] == 9
    assert tests["test_forked_over"]["artifact"] == str(
        project.path / "arts" / "test_traced.py" / "test_forked_over.json")
    assert len(list((project.path / "arts").rglob("*.json"))) == len(TRACED)


# ----------------------------------------------------------------------- helpers


def test_write_json_atomic_replaces_whole_files(tmp_path: Path) -> None:
    dest = tmp_path / "deep" / "doc.json"
    write_json_atomic(dest, {"a": 1})
    write_json_atomic(dest, {"b": [1, 2]})
    assert json.loads(dest.read_text()) == {"b": [1, 2]}
    assert [p.name for p in dest.parent.iterdir()] == ["doc.json"]

    with pytest.raises(TypeError):
        write_json_atomic(dest, {"c": Exploding()})
    assert json.loads(dest.read_text()) == {"b": [1, 2]}  # the old file is untouched
    assert [p.name for p in dest.parent.iterdir()] == ["doc.json"]


class Exploding:
    def __str__(self) -> str:
        raise TypeError("cannot be written")


def test_node_paths() -> None:
    assert node_relpath("tests/test_x.py::TestA::test_b[1-2]") == Path(
        "tests/test_x.py/TestA.test_b[1-2].json")
    assert node_relpath("../up/test_y.py::test_z") == Path("__/up/test_y.py/test_z.json")
    assert safe_name("a b/c:d") == "a_b_c_d"
    long = safe_name("x" * 300)
    assert len(long) == 120 and long != safe_name("x" * 301)


# ----------------------------------------------------------------------- CI-ready artifacts


@pytest.mark.parametrize(("detail", "with_events"), [
    (None, {"test_forked_over", "test_plain_failure"}),  # the default: failures
    ("failures", {"test_forked_over", "test_plain_failure"}),
    ("full", TRACED | {"test_plain_failure"}),
    ("counts", set()),
])
def test_json_detail(project: pytest.Pytester, detail: str | None,
                     with_events: set[str]) -> None:
    project.makepyfile(test_more=textwrap.dedent("""
        def test_plain_failure(syscalls):
            syscalls.run(["true"])
            assert 1 + 1 == 3, "arithmetic"
    """))
    args = ["-p", "no:cacheprovider", "--renacer-json=s.json", "--renacer-dir=arts"]
    if detail:
        args.append(f"--renacer-json-detail={detail}")
    project.runpytest_inprocess(*args).assert_outcomes(passed=5, failed=2)
    doc = json.loads((project.path / "s.json").read_text())
    validator().validate(doc)
    tests = by_test(doc)
    assert {name for name, t in tests.items()
            if all("events" in tr for tr in t["traces"])} == with_events
    # counts are always there
    assert tests["test_param[2]"]["traces"][0]["counts"] == {"write": 2}
    # the per-test artifacts follow the same rule
    art = json.loads((project.path / "arts" / "test_traced.py" / "test_fixture.json").read_text())
    assert ("events" in art["tests"][0]["traces"][0]) == ("test_fixture" in with_events)


def test_reason_of_a_plain_assertion_failure(project: pytest.Pytester) -> None:
    project.makepyfile(test_more=textwrap.dedent("""
        def test_plain_failure(syscalls):
            syscalls.run(["true"])
            assert 1 + 1 == 3, "arithmetic"
    """))
    project.runpytest_inprocess("-p", "no:cacheprovider", "--renacer-json=s.json")
    tests = by_test(json.loads((project.path / "s.json").read_text()))
    assert tests["test_plain_failure"]["reason"] == "AssertionError: arithmetic"
    assert tests["test_forked_over"]["reason"] == "max_syscalls: getpid 2 > 1"
    assert tests["test_fixture"]["reason"] is None


def test_artifacts_get_the_umask_mode(project: pytest.Pytester) -> None:
    old = os.umask(0o027)
    try:
        project.runpytest_inprocess("-p", "no:cacheprovider", "--renacer-json=s.json",
                                    "--renacer-dir=arts", "--renacer-html=r.html")
    finally:
        os.umask(old)
    files = [project.path / "s.json", project.path / "r.html",
             *(project.path / "arts").rglob("*.json")]
    assert len(files) == 2 + len(TRACED)
    assert {oct(f.stat().st_mode & 0o777) for f in files} == {oct(0o640)}


def test_documents_validate_with_erestart_restartblock(project: pytest.Pytester) -> None:
    """A sleep interrupted by a signal that has no handler ends with the kernel's
    ERESTART_RESTARTBLOCK: the errno pattern of the schema must take it."""
    project.makepyfile(test_more=textwrap.dedent("""
        def test_restart(syscalls):
            t = syscalls.run(["sh", "-c", "sleep 0.4 & pid=$!; sleep 0.1; kill -CONT $pid; wait"],
                             filter="clock_nanosleep,nanosleep,restart_syscall")
            assert "ERESTART_RESTARTBLOCK" in {e.errno for e in t.events}
    """))
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--renacer-json=s.json",
                                         "--renacer-json-detail=full", "test_more.py")
    result.assert_outcomes(passed=1)
    doc = json.loads((project.path / "s.json").read_text())
    validator().validate(doc)
    errnos = {e["errno"] for e in doc["tests"][0]["traces"][0]["events"]}
    assert "ERESTART_RESTARTBLOCK" in errnos


# ----------------------------------------------------------------------- --renacer-top


def test_renacer_top(project: pytest.Pytester) -> None:
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--renacer-top=3",
                                         "--renacer-json=s.json")
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines([
        "*= renacer: 3 tests with the most syscalls =*",
        "3 syscalls  test_traced.py::test_fixture  (write 3)",
        "2 syscalls  test_traced.py::test_forked_over  (getpid 2)",
        "2 syscalls  test_traced.py::test_param[[]2[]]  (write 2)",
    ])
    doc = json.loads((project.path / "s.json").read_text())
    validator().validate(doc)
    assert doc["top"] == [
        {"nodeid": "test_traced.py::test_fixture", "syscalls": 3, "top": {"write": 3}},
        {"nodeid": "test_traced.py::test_forked_over", "syscalls": 2, "top": {"getpid": 2}},
        {"nodeid": "test_traced.py::test_param[2]", "syscalls": 2, "top": {"write": 2}},
    ]
    # without the option: no section, no "top" in the document
    result = project.runpytest_inprocess("-p", "no:cacheprovider", "--renacer-json=s.json")
    assert "tests with the most syscalls" not in result.stdout.str()
    assert "top" not in json.loads((project.path / "s.json").read_text())


def test_renacer_top_under_xdist(project: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:hypothesispytest",
                                          "-p", "no:benchmark", "-n", "2", "--renacer-top=2",
                                          "--renacer-html=r.html")
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(["*= renacer: 2 tests with the most syscalls =*",
                                 "3 syscalls  test_traced.py::test_fixture  (write 3)",
                                 "2 syscalls  test_traced.py::test_forked_over  (getpid 2)",
                                 "5 traced tests drawn in *r.html"])
    assert (project.path / "r.html").read_text().count('<section class="test') == 5


@pytest.mark.parametrize(("args", "message"), [
    (["--renacer-top=x"], "ERROR: --renacer-top: 'x' is not a number >= 0"),
    (["--renacer-json-detail=some"],
     "ERROR: --renacer-json-detail: 'some' is not one of counts, failures, full"),
])
def test_bad_option_values(project: pytest.Pytester, args: list[str], message: str) -> None:
    result = project.runpytest_inprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
