"""The benchmark suite's harness runs (on tiny workloads): no timing is asserted here.

Timing claims live in benchmarks/ and docs/performance.md only; this checks that
``python benchmarks/run.py --quick`` builds its workloads, runs every tool and mode,
prints its tables and saves its JSON, so that the suite does not rot between runs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"

pytestmark = pytest.mark.skipif(
    shutil.which("strace") is None or shutil.which("gcc") is None,
    reason="the benchmark suite needs strace and gcc",
)


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_quick_suite_runs_every_mode(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    r = _run(str(BENCH / "run.py"), "--quick", "--workloads", "loop,forkexec",
             "--json", str(out))
    assert r.returncode == 0, r.stderr[-3000:]
    doc = json.loads(out.read_text())
    assert doc["format"] == "renacer-bench-v1" and doc["quick"] and doc["runs"] == 1
    cells = {(c["workload"], c["mode"]) for c in doc["cells"]}
    assert cells == {(w, m) for w in ("loop", "forkexec")
                     for m in ("full", "api", "filtered", "summary", "plugin", "source")}
    for c in doc["cells"]:
        assert "error" not in c, c
        assert c["renacer"] is not None and c["ratio"] is not None
        assert c["renacer_py"] is not None and c["ratio_py"] is not None  # both engines
        assert all("met" in g for g in c["goals"])
    # every command ran once per workload, successfully
    for per_workload in doc["samples"].values():
        for samples in per_workload.values():
            assert len(samples) == 1 and samples[0]["rc"] == 0
    # the plugin cell really ran the budget test, traced, count-only
    budget = doc["samples"]["loop"]["pytest-budget"][0]["in_test"]
    assert budget["returncode"] == 0 and budget["syscalls"] >= 2000
    for key in ("full_core", "full_pure", "count_core", "count_pure"):
        assert doc["memory"][key]["events"] >= 20_000, key
    assert len(doc["memory"]["jsonl"]["runs"]) == 2
    # the tables
    assert "| workload | mode |" in r.stdout and "| memory check |" in r.stdout
    assert r.stdout.count("| C loop, 2,000 write() |") == 6


def test_every_workload_builds_and_runs_untraced() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        import workloads
    finally:
        sys.path.remove(str(BENCH))
    found = workloads.build(quick=True)
    names = {w.name for w in found}
    assert {"loop", "find", "imports", "forkexec", "threads"} <= names
    if shutil.which("rustc"):
        assert "rust" in names
    for w in found:
        r = subprocess.run(list(w.argv), capture_output=True, timeout=60)
        assert r.returncode == 0, (w.name, r.stderr[-500:])


def test_stopcost_reports_per_stop_figures() -> None:
    r = _run(str(BENCH / "stopcost.py"), "--calls", "500", "--runs", "1",
             "--modes", "full,count")
    assert r.returncode == 0, r.stderr[-3000:]
    rows = [line for line in r.stdout.splitlines() if line.startswith("| /")]
    # each mode on both engines: the compiled core and the pure-Python loop
    assert sorted((row.split("|")[2].strip(), row.split("|")[3].strip()) for row in rows) == [
        ("core", "count"), ("core", "full"), ("python", "count"), ("python", "full")]
    assert any(line.startswith("| strace -f -c") for line in r.stdout.splitlines())


def test_clicost_reports_each_tree_and_argument_set() -> None:
    # Enough calls that each figure spans many clock ticks: this kernel splits CPU time
    # into user and system by sampling at its 250 Hz tick, and 300 calls' few ms of
    # system time could draw no sample at all (a sys column of 0.0, seen under load).
    r = _run(str(BENCH / "clicost.py"), "--calls", "10000", "--runs", "1")
    assert r.returncode == 0, r.stderr[-3000:]
    rows = [line for line in r.stdout.splitlines() if line.startswith(f"| {ROOT} |")]
    assert [row.split("|")[2].strip() for row in rows] == ["`-f -o {out}`",
                                                          "`-f -c -o /dev/null`"]
    # wall, user and system time per syscall (min, median): positive microseconds
    assert all(len(row.split("|")) == 10 for row in rows)
    assert all(float(x) > 0 for row in rows for x in row.split("|")[3:9])


def test_textcost_reports_both_kinds_of_line() -> None:
    r = _run(str(BENCH / "textcost.py"), "--lines", "200", "--runs", "1")
    assert r.returncode == 0, r.stderr[-3000:]
    rows = [line for line in r.stdout.splitlines() if line.startswith(f"| {ROOT} |")]
    assert len(rows) == 1 and all(float(x) > 0 for x in rows[0].split("|")[2:6])


def test_bench_inplace_reports_every_way_and_both_levels() -> None:
    r = _run(str(BENCH / "bench_inplace.py"), "--calls", "50", "--rounds", "1",
             "--tests", "3", "--pytest-rounds", "1")
    assert r.returncode == 0, r.stderr[-3000:] + r.stdout[-3000:]
    out = r.stdout
    for way in ("untraced", "in place, getppid budget", "forked, openat budget"):
        assert f"  {way}" in out
    for run in ("untraced (-p no:renacer)", "in place", "forked (fork=True)"):
        assert f"  {run} " in out
