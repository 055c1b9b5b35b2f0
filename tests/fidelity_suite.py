"""The per-syscall fidelity suite: small C programs traced by strace and by renacer,
their lines compared exactly.

Each ``tests/fidelity/FAMILY.c`` is one program whose ``argv[1]`` picks a case; its
``//@`` lines declare the rows compared::

    //@ NAME | OPTIONS | OPTIONS ...

Each ``| OPTIONS`` segment is one row: the case run once under ``strace -o LOG OPTIONS``
and once under ``renacer -o LOG OPTIONS`` (both under ``setarch -R``, so that addresses
agree), in fresh identical working directories.  A segment holding ``{tracer}`` is a
whole shell command instead (``{log}``, ``{prog}`` and ``{case}`` filled in), for the
cases where the tracer's own set-up is what is compared (``nohup {tracer} ...``).

A row matches when the two logs, the program's stdout and the exit statuses are equal,
and, in the ``{tracer}`` rows, the tracers' own stderr messages (their names replaced;
elsewhere a usage error still shows as a different exit status).  Only what is not the
tracer's doing is normalized: the address of execve's environment (in the tracer's own
memory), the wall clock (time()'s value and date: the runs are seconds apart) and the
inode numbers of sockets and pipes (``socket:[1600246]``, ``UNIX-STREAM:[1600246->...``:
numbered by first appearance, so that a peer still names the same socket).

``python tests/fidelity_suite.py [-v] [--strace-itself] [FAMILY...]`` prints the
per-family table (rows whose every line equals strace's / rows); ``-v`` shows the
differing lines; ``--strace-itself`` compares strace with strace (the suite's own
determinism).
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "fidelity"
BUILD = HERE / "_bin" / "fidelity"
_CASE = re.compile(r"^//@\s*([\w-]+)\s*((?:\|.*)+)$")
_ENVP = re.compile(r"(execve\(.*\]), 0x[0-9a-f]+ (/\* \d+ vars \*/\))")
#: The wall clock (time()'s value and its date): the two runs happen seconds apart.
_EPOCH = re.compile(r"\b1[7-9]\d{8}\b")
#: an inode number of a socket or pipe, in <socket:[N]>, <pipe:[N]>, <UNIX...:[N->M,...]>
_INODE = re.compile(r"((?:socket|pipe|UNIX[-A-Z]*):\[|->)(\d{4,})\b")
_DATE = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}\b")
#: How long one traced case may run (they take milliseconds).
TIMEOUT = 60


@dataclass(frozen=True)
class Row:
    family: str
    case: str
    options: str  # the segment as written

    @property
    def id(self) -> str:
        return f"{self.family}:{self.case}[{self.options.strip()}]"


def rows(families: Iterable[str] | None = None) -> list[Row]:
    """Every row the ``//@`` lines declare, in file order."""
    wanted = set(families) if families else None
    out = []
    for src in sorted(SOURCES.glob("*.c")):
        family = src.stem
        if wanted is not None and family not in wanted:
            continue
        for line in src.read_text().splitlines():
            m = _CASE.match(line.strip())
            if m:
                for seg in m.group(2).split("|")[1:]:
                    out.append(Row(family, m.group(1), seg.strip()))
    return out


def build(family: str) -> Path:
    """Compile tests/fidelity/FAMILY.c into tests/_bin/fidelity/ (when it changed)."""
    src = SOURCES / f"{family}.c"
    dest = BUILD / family
    if not dest.exists() or dest.stat().st_mtime < src.stat().st_mtime:
        BUILD.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(".tmp")
        subprocess.run(["gcc", "-w", "-O0", "-g", "-o", str(tmp), str(src)], check=True)
        os.replace(tmp, dest)
    return dest


def renacer_argv() -> list[str]:
    return [sys.executable, "-m", "pytest_renacer"]


@dataclass
class Outcome:
    log: str
    stdout: str
    stderr: str
    status: int

    def comparable(self, tracer: str, *, messages: bool) -> list[str]:
        """The lines compared; the tracer's own messages only with ``messages``."""
        log = [_DATE.sub("DATE", _EPOCH.sub("EPOCH", _ENVP.sub(r"\1, ENVP \2", line)))
               for line in self.log.splitlines()]
        inodes: dict[str, str] = {}
        log = [_INODE.sub(lambda m: m.group(1) + inodes.setdefault(m.group(2),
                                                                   f"INODE{len(inodes)}"), line)
               for line in log]
        err = [line.replace(tracer + ":", "TRACER:", 1) for line in self.stderr.splitlines()
               if messages or not line.startswith(tracer + ":")]
        return [*log, "--- stdout", *self.stdout.splitlines(), "--- stderr", *err,
                f"--- status {self.status}"]


def run_one(row: Row, tracer: list[str]) -> Outcome:
    prog = build(row.family)
    with tempfile.TemporaryDirectory(prefix="fidelity-") as tmp:
        work = Path(tmp)
        log = work / "trace.log"
        tracer_cmd = "setarch -R " + shlex.join(tracer)
        if "{tracer}" in row.options:
            cmd = row.options.format(tracer=tracer_cmd, log=shlex.quote(str(log)),
                                     prog=shlex.quote(str(prog)), case=row.case)
        else:
            cmd = (f"{tracer_cmd} -o {shlex.quote(str(log))} {row.options} "
                   f"{shlex.quote(str(prog))} {row.case}")
        env = dict(os.environ, LC_ALL="C", TZ="UTC")
        env["PYTHONPATH"] = str(HERE.parent)
        proc = subprocess.run(["sh", "-c", cmd], cwd=work, capture_output=True, text=True,
                              errors="backslashreplace", timeout=TIMEOUT, env=env,
                              stdin=subprocess.DEVNULL)
        text = log.read_text(errors="backslashreplace") if log.exists() else ""
        return Outcome(text, proc.stdout, proc.stderr, proc.returncode)


def compare(row: Row, *, against_itself: bool = False) -> list[str]:
    """The unified diff of strace's and renacer's outcomes for a row ([] when equal).

    ``against_itself`` compares strace with a second strace run: the rows it fails are
    not deterministic here."""
    messages = "{tracer}" in row.options
    want = run_one(row, ["strace"]).comparable("strace", messages=messages)
    if against_itself:
        got = run_one(row, ["strace"]).comparable("strace", messages=messages)
    else:
        got = run_one(row, renacer_argv()).comparable("renacer", messages=messages)
    if want == got:
        return []
    return list(difflib.unified_diff(want, got, "strace", "renacer", lineterm="", n=0))


def available() -> str | None:
    """Why the suite cannot run here, or None."""
    for tool in ("strace", "gcc", "setarch"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    probe = subprocess.run(["setarch", "-R", "true"], capture_output=True)
    if probe.returncode != 0:
        return "setarch -R is refused here"
    return None


def table(results: dict[Row, list[str]]) -> str:
    per: dict[str, list[int]] = {}
    for row, diff in results.items():
        got = per.setdefault(row.family, [0, 0])
        got[0] += not diff
        got[1] += 1
    lines = [f"{'family':<12} {'equal':>5} / {'rows':<4}"]
    for family, (ok, n) in per.items():
        lines.append(f"{family:<12} {ok:>5} / {n:<4}")
    ok = sum(v[0] for v in per.values())
    n = sum(v[1] for v in per.values())
    lines.append(f"{'total':<12} {ok:>5} / {n:<4}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    itself = "--strace-itself" in argv
    families = [a for a in argv if not a.startswith("-")]
    why = available()
    if why:
        print(f"fidelity suite cannot run: {why}", file=sys.stderr)
        return 1
    todo = rows(families or None)
    for family in sorted({r.family for r in todo}):
        build(family)
    # The rows of one case run one after the other (they may bind the same port).
    cases: dict[tuple[str, str], list[Row]] = {}
    for row in todo:
        cases.setdefault((row.family, row.case), []).append(row)

    def run_case(group: list[Row]) -> list[list[str]]:
        return [compare(row, against_itself=itself) for row in group]

    with ThreadPoolExecutor(max_workers=2) as pool:
        diffs = [d for group in pool.map(run_case, cases.values()) for d in group]
    results = dict(zip([r for group in cases.values() for r in group], diffs, strict=True))
    for row, diff in results.items():
        if diff:
            print(f"DIFF {row.id}")
            if verbose:
                print("\n".join("    " + d for d in diff[2:]))
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
