"""``renacer --format chrome``: Trace Event JSON (Perfetto, chrome://tracing)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pytest_renacer import cli
from pytest_renacer.output.chrome import call_text, chrome_trace


def test_cli_format_chrome(build: Callable[..., str], tmp_path: Path) -> None:
    threads = build("threads")
    out = tmp_path / "trace.json"
    assert cli.main(["--format", "chrome", "-f", "-o", str(out), "--", "sh", "-c",
                     f"ls /nonexistent-renacer 2>/dev/null; {threads} 3 5"]) == 0
    doc = json.loads(out.read_text())
    events = doc["traceEvents"]
    assert doc["displayTimeUnit"] == "ms" and doc["otherData"]["returncode"] == 0
    for ev in events:  # what every viewer requires of an event
        assert isinstance(ev["name"], str) and ev["ph"] in ("M", "X", "i")
        assert isinstance(ev["pid"], int) and isinstance(ev["tid"], int)
        if ev["ph"] == "X":
            assert ev["ts"] >= 0 and ev["dur"] >= 0 and ev["args"]["call"].startswith(ev["name"])
    meta = {(e["name"], e["pid"], e["tid"]): e["args"]["name"] for e in events if e["ph"] == "M"}
    calls = [e for e in events if e["ph"] == "X"]
    # every process and thread that made a call has a named track
    assert {(e["pid"], e["tid"]) for e in calls} == {
        (pid, tid) for (kind, pid, tid) in meta if kind == "thread_name"}
    programs = {name.split(" (pid")[0] for (kind, _, _), name in meta.items()
                if kind == "process_name"}
    assert {"sh", "ls", "threads"} <= programs
    getppid = Counter(e["tid"] for e in calls if e["name"] == "getppid" and e["tid"] != e["pid"])
    assert sorted(getppid.values()) == [5, 5, 5]  # three threads, five calls each
    assert sum(1 for k in meta if k[0] == "thread_name" and k[1] != k[2]) >= 3
    failed = [e for e in calls if "failed" in e["cat"].split(",")]
    assert any('"/nonexistent-renacer"' in e["args"]["call"] and
               e["args"]["call"].endswith("= -1 ENOENT") for e in failed)
    assert all(e["cname"] == "terrible" for e in failed)
    # in time order per thread, as recorded
    for tid in {e["tid"] for e in calls}:
        starts = [e["ts"] for e in calls if e["tid"] == tid]
        assert starts == sorted(starts)


def test_chrome_trace_of_a_document() -> None:
    doc = {"command": ["x"], "returncode": 0, "arch": "x86_64",
           "processes": [{"pid": 5, "ppid": 1, "argv": ["/usr/bin/x"], "returncode": 0}],
           "events": [{"name": "read", "pid": 5, "tid": 5, "start": 0.5, "duration": float("nan"),
                       "text": "3, ...", "retval": None, "errno": None, "finished": False,
                       "source": {"file": "x.c", "line": 3, "function": "main"}}],
           "signals": [{"pid": 5, "tid": 5, "signal": "SIGINT", "start": 0.75}]}
    events = chrome_trace(doc)["traceEvents"]
    assert events[0] == {"name": "process_name", "ph": "M", "pid": 5, "tid": 5,
                         "args": {"name": "x (pid 5)"}}
    [call] = [e for e in events if e["ph"] == "X"]
    assert call["ts"] == 500000.0 and call["dur"] == 0.0  # an unfinished call: no duration
    assert call["args"] == {"call": "read(3, ...) = ?", "source": "x.c:3 in main"}
    assert events[-1] == {"name": "SIGINT", "cat": "signal", "ph": "i", "s": "t",
                          "ts": 750000.0, "pid": 5, "tid": 5}
    assert call_text({"name": "close", "text": "3", "retval": 0, "errno": None}) == "close(3) = 0"
