"""``renacer --format chrome``: a trace as Trace Event JSON, for Perfetto and chrome://tracing.

One track per process and thread (named after the program and the thread id), one
complete event (``"ph": "X"``) per syscall: its name, start and duration in
microseconds, and in ``args`` the decoded call, its result and its source line.  Failed
calls are in the ``failed`` category (and drawn red in chrome://tracing); signals are
instant events.  Built from a renacer-json-v1 document, so that what it shows is what
the JSON says.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import IO, Any

FORMAT_URL = "https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU"


def _us(seconds: object) -> float:
    try:
        value = float(seconds)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return round(value * 1e6, 3) if value == value and value >= 0 else 0.0  # NaN: unknown


def call_text(ev: Mapping[str, Any]) -> str:
    """A renacer-json-v1 event as strace shows it: ``openat(...) = -1 ENOENT``."""
    if not ev.get("finished", True):
        result = "?"
    elif ev.get("errno"):
        result = f"-1 {ev['errno']}"
    else:
        result = str(ev.get("retval"))
    return f"{ev.get('name')}({ev.get('text', '')}) = {result}"


def source_text(ev: Mapping[str, Any]) -> str | None:
    """The event's source line, ``file:line in function``, or None."""
    src = ev.get("source")
    if not src:
        return None
    return f"{src.get('file')}:{src.get('line')} in {src.get('function')}"


def chrome_trace(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The Trace Event document of a renacer-json-v1 document (with its events)."""
    out: list[dict[str, Any]] = []
    names: dict[int, str] = {}
    for proc in doc.get("processes", []):
        argv = proc.get("argv") or []
        program = PurePosixPath(argv[0]).name if argv else "?"
        names[proc["pid"]] = program
        out.append({"name": "process_name", "ph": "M", "pid": proc["pid"], "tid": proc["pid"],
                    "args": {"name": f"{program} (pid {proc['pid']})"}})
    threads: set[tuple[int, int]] = set()
    for ev in doc.get("events", []):
        pid, tid = ev["pid"], ev["tid"]
        if (pid, tid) not in threads:
            threads.add((pid, tid))
            label = f"{names.get(pid, '?')} (main thread)" if tid == pid else f"thread {tid}"
            out.append({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid,
                        "args": {"name": label}})
        failed = bool(ev.get("errno"))
        args: dict[str, Any] = {"call": call_text(ev)}
        source = source_text(ev)
        if source:
            args["source"] = source
        event = {"name": ev["name"], "cat": "syscall,failed" if failed else "syscall",
                 "ph": "X", "ts": _us(ev.get("start")), "dur": _us(ev.get("duration")),
                 "pid": pid, "tid": tid, "args": args}
        if failed:
            event["cname"] = "terrible"  # chrome://tracing's reserved red
        out.append(event)
    for sig in doc.get("signals", []):
        out.append({"name": sig.get("signal", "signal"), "cat": "signal", "ph": "i", "s": "t",
                    "ts": _us(sig.get("start")), "pid": sig["pid"], "tid": sig["tid"]})
    return {"traceEvents": out, "displayTimeUnit": "ms",
            "otherData": {"tool": "renacer", "format": "Trace Event Format",
                          "spec": FORMAT_URL, "command": doc.get("command"),
                          "returncode": doc.get("returncode"), "arch": doc.get("arch")}}


def write_chrome(doc: Mapping[str, Any], stream: IO[str]) -> None:
    json.dump(chrome_trace(doc), stream, separators=(",", ":"))
    stream.write("\n")
