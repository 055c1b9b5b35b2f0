"""What reading Python frames costs per syscall stop.

    python benchmarks/bench_pyframes.py [N] [--rounds R] [--python PATH] [--depth D]
                                        [--spin US]

The workload is a Python script (run by ``--python``, default this interpreter) making
N ``os.write`` calls to /dev/null from a function D calls deep.  It is traced with
``filter="write"`` (so only the writes stop) in four modes, each in a fresh interpreter,
the order rotated from one round to the next (a load change hits every mode alike):

- ``none``: no source correlation;
- ``python``: Python frames only (``make_unwinder(arch, native=False)``, what
  ``TraceOptions(source=True, source_native=False)`` asks for);
- ``native``: native frames only (``python=False``: source correlation before Python
  frames existed);
- ``native+python``: both, merged (``source=True``'s default);
- ``spin``: a control: a hook that reads nothing and busy-waits ``--spin`` microseconds
  (default 16, about what reading 8 Python frames takes): what that much tracer work
  per stop costs in wall time on this machine, whatever the work.

It prints, per mode, the median wall time per write and its difference from ``none``
(what the mode adds to each stop), and, from one more run per mode with a timer around
the unwinder hook, the mean time spent in the hook per stop (the reading itself, without
the stop's kernel cost).  On a shared machine the in-hook figure is the steadier one.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

MODES = ("none", "python", "native", "native+python", "spin")

WORKLOAD = r"""
import os, sys
fd = os.open(os.devnull, os.O_WRONLY)
def leaf(n):
    for _ in range(n):
        os.write(fd, b"x")
def call(depth, n):
    if depth:
        call(depth - 1, n)
    else:
        leaf(n)
call(int(sys.argv[2]), int(sys.argv[1]))
"""

RUN = r"""
import json, sys, time
import pytest_renacer as rn
from pytest_renacer import source as src
python, script, n, depth, mode, probe, spin = sys.argv[1:8]
made = src.make_unwinder
def spinner(pid, tid, ip, sp):
    end = time.perf_counter() + float(spin) / 1e6
    while time.perf_counter() < end:
        pass
    return None
stats = {"calls": 0, "s": 0.0}
def make(arch, **kw):
    kw.update({"python": {"native": False}, "native": {"python": False}}.get(mode, {}))
    unwinder, symbolize = made(arch, **kw)
    if mode == "spin":
        unwinder = spinner
    if probe != "1":
        return unwinder, symbolize
    clock = time.perf_counter
    def timed(pid, tid, ip, sp):
        t = clock()
        r = unwinder(pid, tid, ip, sp)
        stats["s"] += clock() - t
        stats["calls"] += 1
        return r
    return timed, symbolize
src.make_unwinder = make
t0 = time.perf_counter()
t = rn.trace([python, script, n, depth], filter="write", source=mode != "none")
wall = time.perf_counter() - t0
writes = [e for e in t.events if e.name == "write"]
last = writes[-1]
shown = mode not in ("none", "spin")
print(json.dumps({"wall_s": wall, "writes": len(writes), "stops": stats["calls"],
                  "hook_s": stats["s"], "source": str(last.source) if shown else "",
                  "python_frames": sum(f.language == "python" for f in last.stack)
                  if shown else 0}))
"""


def run(*args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", RUN, *args], check=True,
                         capture_output=True, text=True).stdout
    got: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return got


def main() -> None:
    argv = sys.argv[1:]
    n, rounds, depth, python, spin = "20000", 5, "5", sys.executable, "16"
    while argv:
        a = argv.pop(0)
        if a == "--rounds":
            rounds = int(argv.pop(0))
        elif a == "--python":
            python = argv.pop(0)
        elif a == "--depth":
            depth = argv.pop(0)
        elif a == "--spin":
            spin = argv.pop(0)
        else:
            n = a
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        script = str(Path(tmp) / "writes.py")
        Path(script).write_text(WORKLOAD)
        walls: dict[str, list[float]] = {m: [] for m in MODES}
        for i in range(rounds):
            order = MODES[i % len(MODES):] + MODES[:i % len(MODES)]
            for mode in order if i % 2 == 0 else tuple(reversed(order)):
                got = run(python, script, n, depth, mode, "0", spin)
                walls[mode].append(float(got["wall_s"]) / int(got["writes"]))  # type: ignore[call-overload]
        probes = {m: run(python, script, n, depth, m, "1", spin) for m in MODES[1:]}
    print(f"CPython {version}: {n} os.write calls {depth} Python calls deep, "
          f"filter=write, {rounds} rotated rounds, fresh interpreters")
    base = statistics.median(walls["none"])
    print(f"  {'mode':14s} {'wall/write':>11s} {'vs none':>9s} {'in hook':>9s}  source")
    for mode in MODES:
        med = statistics.median(walls[mode])
        p = probes.get(mode)
        hook = (f"{1e6 * float(p['hook_s']) / max(1, int(p['stops'])):7.2f}us"  # type: ignore[call-overload]
                if p else f"{'-':>9s}")
        where = f"{p['source']} ({p['python_frames']} Python frames)" if p and p["source"] \
            else ""
        print(f"  {mode:14s} {1e6 * med:9.2f}us {1e6 * (med - base):+8.2f}us {hook}  {where}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
