"""What source correlation costs: a 100k-syscall trace with and without ``source=True``.

    python benchmarks/bench_source.py [N] [--rounds R] [--opt -O2] [--cpu K]

Builds tests/programs/write_loop.c with ``gcc -g`` into a temporary directory, then, in
fresh interpreters (so that one-time costs such as reading libc's CFI count), alternates
``trace([prog, N])`` and ``trace([prog, N], source=True)`` R times, the order swapped
from one round to the next (ABBA: a load change hits both alike), and prints the wall
times (median, min), the ratios of the medians, of the minimums and the median of the
per-round ratios, and the tracer's user and system CPU per syscall.  On a shared machine
the per-round ratio and the user CPU per syscall are the steadiest figures.  From one
more run with a timer around the unwinder: its mean cost per syscall stop and how often
its memo answered.  Finally the cost of symbolizing every event (``ev.source`` for all
of them), which is lazy and not part of the trace's wall time.

``--cpu K`` runs tracer and tracee on CPU K alone.  Where they land decides what a stop
costs (here ~45 us per syscall on one CPU, ~65 us across two: the wake-ups cross CPUs),
and the scheduler's choice may differ from one run to the next; pinned, both sides of
the comparison run alike.  The package's bytecode is compiled first, as in an installed
package: else the modules only ``source=True`` imports are compiled in its wall time.
"""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
SRC = HERE.parent / "tests" / "programs" / "write_loop.c"

PIN = r"""
import os, sys
if sys.argv[-1] != "-":
    os.sched_setaffinity(0, {int(sys.argv[-1])})  # the tracee inherits it
"""

TRACE = PIN + r"""
import json, resource, sys, time
import pytest_renacer as rn
prog, n, source = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
r0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
t = rn.trace([prog, n], source=source)
wall = time.perf_counter() - t0
r1 = resource.getrusage(resource.RUSAGE_SELF)
user, system = r1.ru_utime - r0.ru_utime, r1.ru_stime - r0.ru_stime
print(json.dumps({"wall_s": wall, "cpu_s": user + system, "user_s": user, "sys_s": system,
                  "events": len(t)}))
"""

PROBE = PIN + r"""
import json, sys, time
import pytest_renacer as rn
from pytest_renacer import source as src
prog, n = sys.argv[1], sys.argv[2]
made = src.make_unwinder
stats = {"calls": 0, "s": 0.0, "unwinder": None}
def make(arch, **kw):
    unwinder, symbolize = made(arch, **kw)
    stats["unwinder"] = unwinder
    clock = time.perf_counter
    def timed(pid, tid, ip, sp):
        t = clock()
        r = unwinder(pid, tid, ip, sp)
        stats["s"] += clock() - t
        stats["calls"] += 1
        return r
    return timed, symbolize
src.make_unwinder = make
t = rn.trace([prog, n], source=True)
u = stats["unwinder"]
t0 = time.perf_counter()
where = {str(ev.source) for ev in t.events}
sym_s = time.perf_counter() - t0
ev = next(e for e in t.events if e.name == "write")
print(json.dumps({
    "per_stop_us": 1e6 * stats["s"] / max(1, stats["calls"]), "stops": stats["calls"],
    "memo_hits": stats["calls"] - u.slow_calls + u.hits, "slow_unwinds": u.stops,
    "rule_misses": u.misses,
    "register_fetches": u.regs_fetched, "symbolize_all_s": sym_s, "events": len(t),
    "sources": sorted(where)[:3], "stack": [str(f) for f in ev.stack],
}))
"""


def run(code: str, *args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True,
                         capture_output=True, text=True).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    argv = sys.argv[1:]
    n = "100000"
    rounds = 5
    opt = "-O2"
    cpu = "-"
    while argv:
        a = argv.pop(0)
        if a == "--rounds":
            rounds = int(argv.pop(0))
        elif a == "--cpu":
            cpu = argv.pop(0)
        elif a == "--opt":
            opt = argv.pop(0)
        else:
            n = a
    import pytest_renacer

    compileall.compile_dir(os.path.dirname(pytest_renacer.__file__), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        prog = str(Path(tmp) / "write_loop")
        subprocess.run(["gcc", "-g", opt, "-o", prog, str(SRC)], check=True)
        plain: list[dict[str, float]] = []
        with_source: list[dict[str, float]] = []
        for i in range(rounds):  # interleaved, order swapped each round
            for src in ("0", "1") if i % 2 == 0 else ("1", "0"):
                got = run(TRACE, prog, n, src, cpu)
                (with_source if src == "1" else plain).append(got)  # type: ignore[arg-type]
        probe = run(PROBE, prog, n, cpu)
    where = "all CPUs" if cpu == "-" else f"tracer and tracee on CPU {cpu}"
    print(f"write_loop {n} ({opt} -g), {rounds} interleaved rounds, fresh interpreters, "
          f"{where}")
    for what, unit in (("wall_s", "wall time"), ("cpu_s", "tracer CPU time")):
        p = [r[what] for r in plain]
        s = [r[what] for r in with_source]
        mp, ms = statistics.median(p), statistics.median(s)
        ratios = sorted(b / a for a, b in zip(p, s, strict=True))
        paired = statistics.median(ratios)
        print(f"  {unit}:")
        print(f"    trace()              median {mp:.3f} s  min {min(p):.3f} s")
        print(f"    trace(source=True)   median {ms:.3f} s  min {min(s):.3f} s")
        print(f"    overhead             {100 * (ms / mp - 1):+.1f} % (medians), "
              f"{100 * (min(s) / min(p) - 1):+.1f} % (minimums), "
              f"{100 * (paired - 1):+.1f} % (median of the rounds' ratios; they ranged "
              f"{100 * (ratios[0] - 1):+.1f} % .. {100 * (ratios[-1] - 1):+.1f} %)")
    calls = statistics.median(r["events"] for r in plain)
    print("  tracer CPU per syscall (medians):")
    for name, rows in (("trace()", plain), ("trace(source=True)", with_source)):
        user = statistics.median(r["user_s"] for r in rows) / calls * 1e6
        system = statistics.median(r["sys_s"] for r in rows) / calls * 1e6
        print(f"    {name:20s} user {user:6.2f} us  system {system:6.2f} us")
    print(f"  unwinder per stop    {probe['per_stop_us']:.2f} us over {probe['stops']} stops "
          f"({probe['memo_hits']} memo hits, {probe['slow_unwinds']} full unwinds, "
          f"{probe['rule_misses']} CFI rule computations, "
          f"{probe['register_fetches']} register fetches)")
    print(f"  symbolizing all {probe['events']} events (lazy, after the trace): "
          f"{probe['symbolize_all_s']:.3f} s")
    print("  stack of a write:")
    for line in probe["stack"]:  # type: ignore[attr-defined]
        print(f"    {line}")


if __name__ == "__main__":
    main()
