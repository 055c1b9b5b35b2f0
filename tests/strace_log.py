"""Parse `strace -f -qq` output into per-process sequences of (name, retval, text), for
structural comparisons with renacer's traces."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

needs_strace = pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")

_LINE = re.compile(r"^(?P<pid>\d+)\s+(?P<rest>.*)$")
_CALL = re.compile(r"^(?P<name>[a-z_0-9]+)\((?P<args>.*)$")
_RET = re.compile(r"\)\s+=\s+(?P<ret>0x[0-9a-f]+|-?\d+|\?)(?:\s+(?P<errno>E[A-Z0-9]+))?")
_RESUMED = re.compile(r"^<\.\.\. (?P<name>[a-z_0-9]+) resumed>(?P<rest>.*)$")


@dataclass
class StraceCall:
    pid: int
    name: str
    retval: int | None  # None for "?" (never returned)
    errno: str | None
    text: str


def _parse_ret(tail: str) -> tuple[int | None, str | None]:
    matches = list(_RET.finditer(tail))
    m = matches[-1] if matches else None
    if m is None or m.group("ret") == "?":
        return None, None
    ret = m.group("ret")
    value = int(ret, 16) if ret.startswith("0x") else int(ret)
    return value, m.group("errno")


def parse(text: str) -> dict[int, list[StraceCall]]:
    """Per pid, the completed calls in entry order (unfinished ones joined with their resume)."""
    per_pid: dict[int, list[StraceCall]] = {}
    open_calls: dict[int, StraceCall] = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        pid, rest = int(m.group("pid")), m.group("rest")
        if rest.startswith(("---", "+++")):
            continue
        r = _RESUMED.match(rest)
        if r:
            call = open_calls.pop(pid, None)
            if call is not None:
                call.retval, call.errno = _parse_ret(r.group("rest"))
                call.text += r.group("rest")
            continue
        c = _CALL.match(rest)
        if not c:
            continue
        call = StraceCall(pid, c.group("name"), None, None, rest)
        per_pid.setdefault(pid, []).append(call)
        if rest.endswith("<unfinished ...>"):
            open_calls[pid] = call
        else:
            call.retval, call.errno = _parse_ret(rest)
    return per_pid


def run_strace(argv: list[str], tmp: Path, *extra: str,
               cwd: Path | None = None) -> dict[int, list[StraceCall]]:
    out = tmp / "strace.log"
    # stdout and stderr to files, as renacer's trace() captures them: programs behave
    # differently on a pipe (python3 checks whether stdout is seekable).
    with tempfile.TemporaryFile() as so, tempfile.TemporaryFile() as se:
        subprocess.run(["strace", "-f", "-qq", "-e", "signal=none", *extra, "-o", str(out),
                        *argv], check=False, stdout=so, stderr=se, cwd=cwd)
    text = out.read_text(errors="replace")
    # strace -f without several processes omits the pid: add it back for the parser.
    if text and not re.match(r"^\d+\s", text):
        text = "\n".join(f"1 {line}" for line in text.splitlines())
    return parse(text)
