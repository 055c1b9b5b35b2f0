"""How a million-syscall trace fares: wall time and peak memory of the tracer process.

    python benchmarks/million.py [N]

Builds a C write loop into benchmarks/_build, then in fresh interpreters traces it with
renacer (full trace kept in memory, and count-only), and times `strace -f -o /dev/null`
and the untraced program side by side.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
BUILD = HERE / "_build"
SRC = HERE.parent / "tests" / "programs" / "write_loop.c"

CHILD = r"""
import json, resource, sys, time
import pytest_renacer as rn
prog, n, mode = sys.argv[1], sys.argv[2], sys.argv[3]
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
t = rn.trace([prog, n], count_only=(mode == "count"))
wall = time.perf_counter() - t0
events = len(t)
writes = t.count("write")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
cpu = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall_s": wall, "events": events, "writes": writes,
                  "peak_rss_mb": peak / 1024, "rss_growth_mb": (peak - base) / 1024,
                  "user_cpu_s": cpu.ru_utime, "sys_cpu_s": cpu.ru_stime}))
"""


def build() -> str:
    BUILD.mkdir(exist_ok=True)
    out = BUILD / "write_loop"
    subprocess.run(["gcc", "-O2", "-o", str(out), str(SRC)], check=True)
    return str(out)


def timed(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    n = sys.argv[1] if len(sys.argv) > 1 else "1000000"
    prog = build()
    rows = {"untraced": {"wall_s": timed([prog, n])}}
    if shutil.which("strace"):
        rows["strace -f -o /dev/null"] = {"wall_s": timed(["strace", "-f", "-o", "/dev/null",
                                                           prog, n])}
        rows["strace -f -c"] = {"wall_s": timed(["strace", "-f", "-c", "-o", "/dev/null",
                                                 prog, n])}
    for mode in ("full", "count"):
        out = subprocess.run([sys.executable, "-c", CHILD, prog, n, mode], check=True,
                             capture_output=True, text=True)
        rows[f"renacer trace() {mode}"] = json.loads(out.stdout)
    print(f"{int(n) + 0:,} write() calls (plus ~30 start-up syscalls)\n")
    print("| run | wall s | events | peak RSS MB | RSS growth MB |")
    print("|---|---:|---:|---:|---:|")
    for name, r in rows.items():
        print(f"| {name} | {r['wall_s']:.2f} | {r.get('events', '')} | "
              f"{r.get('peak_rss_mb', 0):.0f} | {r.get('rss_growth_mb', 0):.0f} |")


if __name__ == "__main__":
    main()
