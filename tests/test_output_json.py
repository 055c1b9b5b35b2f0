"""renacer-json-v1: the schema, the document of a real trace, and the JSON lines sink."""

from __future__ import annotations

import io
import json
import os
import signal
import tracemalloc
from pathlib import Path

import pytest

import pytest_renacer as rn
from pytest_renacer.output.json import (
    JsonlSink,
    document,
    dumps,
    schema,
    schema_path,
    write_document,
)
from pytest_renacer.tables import table_for

jsonschema = pytest.importorskip("jsonschema")

TABLE = table_for()
SCHEMA = schema()
DOC = jsonschema.Draft202012Validator(SCHEMA)
LINE = jsonschema.Draft202012Validator(
    {"$schema": SCHEMA["$schema"], "$defs": SCHEMA["$defs"], "$ref": "#/$defs/jsonl_record"})
NR = {n: TABLE.by_name[n].nr for n in ("openat", "close", "exit_group", "execve", "getpid")}


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["format"] == {"const": "renacer-json-v1"}


def test_the_shipped_schema_is_the_published_one():
    published = Path(__file__).resolve().parent.parent / "docs" / "schema" / schema_path().name
    assert schema_path().read_bytes() == published.read_bytes()


def test_document_of_a_real_trace_validates(build):
    t = rn.trace([build("cli_signals")], capture_output=True)
    assert t.returncode == -signal.SIGTERM
    doc = document(t, exit_status=128 + signal.SIGTERM)
    DOC.validate(doc)
    assert json.loads(dumps(doc)) == doc
    assert doc["exit_status"] == 143 and doc["returncode"] == -15
    assert {s["signal"] for s in doc["signals"]} >= {"SIGCHLD", "SIGTERM"}
    assert all("siginfo" in s for s in doc["signals"])
    assert len(doc["processes"]) == 2
    assert doc["total"] == len(doc["events"]) == sum(doc["counts"].values())
    no_events = document(t, with_events=False)
    DOC.validate(no_events)
    assert "events" not in no_events and "exit_status" not in no_events
    # streamed, event by event: the same document, one event per line
    out = io.StringIO()
    write_document(t, out, exit_status=143)
    assert json.loads(out.getvalue()) == doc
    lines = out.getvalue().splitlines()
    assert sum(1 for ln in lines if ln.startswith('  {"name": ') and '"nr": ' in ln) == len(
        doc["events"])
    out = io.StringIO()
    write_document(t, out, with_events=False)
    assert json.loads(out.getvalue()) == no_events


@pytest.mark.parametrize("mutate", [
    lambda d: d.pop("format"),
    lambda d: d.update(format="renacer-json-v2"),
    lambda d: d["events"][0].update(pid="12"),
    lambda d: d["events"][0].pop("retval"),
    lambda d: d["processes"].append({"pid": 0, "ppid": None, "argv": [], "returncode": 0}),
    lambda d: d.update(exit_status=300),
    lambda d: d["summary"][0].update(calls=0),
])
def test_the_schema_rejects_broken_documents(build, mutate):
    doc = document(rn.trace([build("write_loop"), "3"]))
    DOC.validate(doc)
    mutate(doc)
    with pytest.raises(jsonschema.ValidationError):
        DOC.validate(doc)


def _records(out: io.StringIO) -> list[dict]:
    recs = [json.loads(line) for line in out.getvalue().splitlines()]
    for r in recs:
        LINE.validate(r)
    return recs


def test_jsonl_records():
    out = io.StringIO()
    s = JsonlSink(TABLE, out, command=["prog", "x"])
    s.task_started(10, 10, 1, ["prog", "x"], 1_000)
    tok = s.syscall_entry(10, 10, NR["close"], (3, 0, 0, 0, 0, 0), 2_000, None)
    s.syscall_exit(tok, 10, 10, NR["close"], -9, True, 5_000, None)
    s.task_started(10, 11, 1, None, 6_000)
    s.syscall_entry(10, 11, NR["execve"], (0,) * 6, 7_000, None)
    s.exec(10, 10, 11, ["other"], 8_000)
    s.syscall_exit(None, 10, 10, NR["execve"], 0, False, 9_000, None)
    s.signal(10, 10, signal.SIGCHLD, b"\0" * 128, 9_500)
    s.group_stop(10, 10, signal.SIGSTOP, 9_600)
    s.syscall_entry(10, 10, NR["exit_group"], (2, 0, 0, 0, 0, 0), 10_000, None)
    s.task_exited(10, 10, 2 << 8, 11_000)
    s.task_started(20, 20, 10, None, 12_000)
    s.syscall_entry(20, 20, NR["getpid"], (0,) * 6, 13_000, None)
    s.finish(2, 2)
    recs = _records(out)
    assert [r["type"] for r in recs] == [
        "header", "started", "syscall", "started", "exec", "syscall", "signal", "stopped",
        "syscall", "exited", "started", "syscall", "end"]
    assert recs[0]["command"] == ["prog", "x"] and recs[0]["format"] == "renacer-json-v1"
    close = recs[2]
    assert close["name"] == "close" and close["retval"] == -1 and close["errno"] == "EBADF"
    assert close["start"] == 0.000001 and close["duration"] == 0.000003
    execve = recs[5]
    assert execve["name"] == "execve" and execve["tid"] == 10 and execve["finished"]
    assert recs[8]["name"] == "exit_group" and not recs[8]["finished"]
    assert recs[9]["returncode"] == 2
    assert recs[11]["name"] == "getpid" and recs[11]["pid"] == 20 and not recs[11]["finished"]
    end = recs[-1]
    assert end["total"] == 4 and end["returncode"] == 2 and end["exit_status"] == 2
    assert end["counts"] == {"close": 1, "execve": 1, "exit_group": 1, "getpid": 1}
    assert end["summary"][0]["name"] == "close" and end["summary"][0]["errors"] == 1


def test_jsonl_summary_only_writes_no_syscall_records():
    out = io.StringIO()
    s = JsonlSink(TABLE, out, command=["p"], events=False)
    tok = s.syscall_entry(10, 10, NR["close"], (3, 0, 0, 0, 0, 0), 2_000, None)
    s.syscall_exit(tok, 10, 10, NR["close"], 0, False, 5_000, None)
    s.finish(0)
    recs = _records(out)
    assert [r["type"] for r in recs] == ["header", "end"]
    assert recs[-1]["counts"] == {"close": 1} and "exit_status" not in recs[-1]


def test_jsonl_memory_stays_flat():
    with open(os.devnull, "w") as null:
        s = JsonlSink(TABLE, null, command=["p"])

        def burst(n):
            for i in range(n):
                tok = s.syscall_entry(10, 10 + i % 3, NR["close"], (i, 0, 0, 0, 0, 0), i, None)
                s.syscall_exit(tok, 10, 10 + i % 3, NR["close"], 0, False, i + 1, None)

        burst(500)
        tracemalloc.start()
        burst(5_000)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 300_000, peak
