"""The CLI's CPU per traced syscall, this checkout against other copies of the package.

    python benchmarks/clicost.py [--calls N] [--runs R] [--tree DIR]...
                                 [--args "-f -o {out}"] [--args "-f -c -o /dev/null"]

Runs ``python -m pytest_renacer ARGS LOOP N`` (the C write loop of N write() calls) in
fresh interpreters, alternating the trees from one run to the next, and prints per tree
and per argument set the minimum and median of the command's wall time, user CPU and
system CPU (its process tree: tracer and tracee) divided by N, start-up included.
``{out}`` in ARGS is a scratch file.  CPU time is the steadier figure on a shared
machine; wall time is what benchmarks/run.py compares with strace.
"""

from __future__ import annotations

import argparse
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from workloads import build_write_loop, env_for  # noqa: E402

DEFAULT_ARGS = ("-f -o {out}", "-f -c -o /dev/null")


def run_once(tree: Path, args: list[str], prog: str, calls: int) -> tuple[float, float, float]:
    env = env_for(tree)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest_renacer", *args, prog, str(calls)],
                   env=env, check=True, stdout=subprocess.DEVNULL, cwd="/")
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--args", action="append", default=[],
                    help=f"renacer's arguments (repeatable; default {DEFAULT_ARGS})")
    ap.add_argument("--tree", action="append", default=[], type=Path,
                    help="another directory to import pytest_renacer from (repeatable)")
    a = ap.parse_args(argv)
    prog = build_write_loop()
    trees = [t.resolve() for t in a.tree] + [ROOT]
    samples: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        out = str(Path(scratch) / "trace.txt")
        for run in range(a.runs):
            for spec in a.args or DEFAULT_ARGS:
                args = [x.replace("{out}", out) for x in shlex.split(spec)]
                order = trees if run % 2 == 0 else trees[::-1]
                for tree in order:
                    samples.setdefault((str(tree), spec), []).append(
                        run_once(tree, args, prog, a.calls))
    n = a.calls
    print(f"{n:,} write() calls, {a.runs} runs; us per syscall, start-up included\n")
    print("| tree | renacer arguments | wall min | wall median | user min | user median "
          "| sys min | sys median |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for (tree, spec), rows in samples.items():
        cells = []
        for col in zip(*rows, strict=True):
            cells += [f"{min(col) / n * 1e6:.1f}", f"{statistics.median(col) / n * 1e6:.1f}"]
        print(f"| {tree} | `{spec}` | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
