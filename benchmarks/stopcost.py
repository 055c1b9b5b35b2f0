"""The tracer's own CPU per ptrace stop, through the public API (no output sink).

    python benchmarks/stopcost.py [--calls N] [--runs R] [--modes full,count,seccomp]
                                  [--engines core,python] [--tree DIR]...

Traces the C write loop (N write() calls) with ``pytest_renacer.trace()`` in fresh
interpreters and reports, per mode, the medians of the tracer process's user and system
CPU per stop and of the wall time per stop, and the ratio of the trace's wall time to
strace's on the same loop (``strace -f -o /dev/null`` for the full mode, ``-c`` for the
count mode, ``-e trace=write`` for the seccomp mode), timed alternately in the same run.
A stop is one ptrace stop: two per syscall in the full mode, one in the count mode; the
seccomp mode (``filter="write"``) stops like the full mode on the selected write() calls.
``--modes floor`` times the least a Python tracer can do per stop (waitpid,
GET_SYSCALL_INFO, restart; nothing recorded), the bound the engine is measured against.

Each mode runs on both engines, alternating: the compiled core (tracer/_core.c) and the
pure-Python loop ($RENACER_PURE_PYTHON=1), the engine as it was before the core: the
before/after of issue 14.

``--tree DIR`` (repeatable) imports pytest_renacer from DIR instead of this checkout:
give a copy of an older version to compare before/after in one run, alternating.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from workloads import build_write_loop, env_for  # noqa: E402

CHILD = r"""
import json, os, resource, sys, time
import pytest_renacer as rn
prog, n, mode = sys.argv[1], sys.argv[2], sys.argv[3]


def floor():
    # The least a Python tracer can do per stop: waitpid, GET_SYSCALL_INFO, restart.
    # No capture, no record, no bookkeeping: what the engine's own work is measured against.
    from pytest_renacer.tracer import ptrace as pt
    from pytest_renacer.tracer.spawn import spawn_seized
    null = os.open(os.devnull, os.O_WRONLY)
    spawn_seized(prog, [prog, n], None, None, (0, null, 2),
                 pt.O_TRACESYSGOOD | pt.O_EXITKILL, None, None)
    call, buf, waitpid, flags, stops = pt._ptrace_hot, pt.SyscallInfoReader().buf, \
        os.waitpid, pt.WALL | pt.WNOTHREAD, 0
    while True:
        tid, status = waitpid(-1, flags)
        if status & 0x7F != 0x7F:
            return stops // 2
        stops += 1
        if (status >> 8) & 0xFF == 0x85:
            call(pt.PTRACE_GET_SYSCALL_INFO, tid, 88, buf)
        call(pt.PTRACE_SYSCALL, tid, 0, 0)


kw = {"count": {"count_only": True}, "seccomp": {"filter": "write"}}.get(mode, {})
r0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
t = floor() if mode == "floor" else rn.trace([prog, n], **kw)
wall = time.perf_counter() - t0
r1 = resource.getrusage(resource.RUSAGE_SELF)
events = t if mode == "floor" else len(t)
stops = events * (1 if mode == "count" else 2)
print(json.dumps({"wall_s": wall, "events": events, "stops": stops,
                  "user_s": r1.ru_utime - r0.ru_utime, "sys_s": r1.ru_stime - r0.ru_stime,
                  "where": rn.__file__}))
"""


def run_once(tree: str | None, prog: str, calls: int, mode: str,
             engine: str) -> dict[str, float]:
    # this checkout by default, whatever copy of the package is installed
    env = env_for(tree or ROOT)
    if engine == "python":
        env["RENACER_PURE_PYTHON"] = "1"
    out = subprocess.run([sys.executable, "-c", CHILD, prog, str(calls), mode], env=env,
                         check=True, capture_output=True, text=True, cwd="/")
    return dict(json.loads(out.stdout))


# strace on the same loop, for the wall ratio of each mode (same run, alternating)
STRACE = {"full": ("strace", "-f", "-o", "/dev/null"),
          "floor": ("strace", "-f", "-o", "/dev/null"),
          "count": ("strace", "-f", "-c", "-o", "/dev/null"),
          "seccomp": ("strace", "-f", "-e", "trace=write", "-o", "/dev/null")}


def strace_once(mode: str, prog: str, calls: int) -> dict[str, float]:
    t0 = time.perf_counter()
    subprocess.run([*STRACE[mode], prog, str(calls)], check=True, cwd="/")
    return {"wall_s": time.perf_counter() - t0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--modes", default="full,count", help="of floor,full,count,seccomp")
    ap.add_argument("--engines", default="core,python", help="of core,python")
    ap.add_argument("--no-strace", action="store_true", help="do not time strace too")
    ap.add_argument("--tree", action="append", default=[],
                    help="import pytest_renacer from this directory (repeatable)")
    args = ap.parse_args(argv)
    prog = build_write_loop()
    trees: list[str | None] = list(args.tree) or [None]
    if args.tree:
        trees.append(None)  # and this checkout, for comparison
    modes = args.modes.split(",")
    engines = args.engines.split(",")
    samples: dict[tuple[str, str, str], list[dict[str, float]]] = {}
    strace: dict[str, list[dict[str, float]]] = {}
    use_strace = not args.no_strace and shutil.which("strace") is not None
    for _ in range(args.runs):
        for mode in modes:
            for tree in trees:
                for engine in engines if mode != "floor" else ["python"]:
                    key = (tree or str(ROOT), engine, mode)
                    samples.setdefault(key, []).append(
                        run_once(tree, prog, args.calls, mode, engine))
            if use_strace:
                strace.setdefault(mode, []).append(strace_once(mode, prog, args.calls))
    print(f"{args.calls:,} write() calls, {args.runs} runs, medians\n")
    print("| tree | engine | mode | user us/stop | sys us/stop | wall us/stop | wall s | "
          "renacer/strace |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    def med(rows: list[dict[str, float]], key: str, per_stop: bool = True) -> float:
        return statistics.median(r[key] / (r["stops"] if per_stop else 1) for r in rows)

    for (tree, engine, mode), rows in sorted(samples.items(), key=lambda kv: kv[0][2]):
        wall = med(rows, "wall_s", False)
        ref = statistics.median(r["wall_s"] for r in strace[mode]) if mode in strace else None
        ratio = f"{wall / ref:.2f}" if ref else "—"
        print(f"| {tree} | {engine} | {mode} | {med(rows, 'user_s') * 1e6:.2f} | "
              f"{med(rows, 'sys_s') * 1e6:.2f} | {med(rows, 'wall_s') * 1e6:.2f} | "
              f"{wall:.2f} | {ratio} |")
    for mode, rows in strace.items():
        print(f"| {' '.join(STRACE[mode])} | | {mode} | | | | "
              f"{statistics.median(r['wall_s'] for r in rows):.2f} | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
