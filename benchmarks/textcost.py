"""The text output's CPU per line, without a tracee: TextSink fed synthetic records.

    python benchmarks/textcost.py [--lines N] [--runs R] [--tree DIR]...

Feeds ``pytest_renacer.output.text.TextSink`` (strace's ``-f -o FILE`` layout, written
to /dev/null) N entry/exit record pairs of ``write(3, "x", 1) = 1`` and of
``openat(AT_FDCWD, "/usr/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC) = 3`` in
fresh interpreters, and prints the minimum and median CPU time per line of R runs, per
tree (this checkout, and each ``--tree`` copy of another version, alternating).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from workloads import env_for  # noqa: E402

CHILD = r"""
import json, sys, time
from pytest_renacer.output.text import TextOptions, TextSink
from pytest_renacer.tables import table_for
n = int(sys.argv[1])
table = table_for("x86_64")
calls = {
    "write": (table.by_name["write"].nr, (3, 0x5555_0000, 1, 0, 0, 0), {1: b"x"}, 1),
    "openat": (table.by_name["openat"].nr, (2**64 - 100, 0x5555_0000, 0x80000, 0, 0, 0),
               {1: b"/usr/lib/x86_64-linux-gnu/libc.so.6"}, 3),
}
out = {}
with open("/dev/null", "w") as devnull:
    for name, (nr, args, captured, ret) in calls.items():
        sink = TextSink(table, TextOptions(prefix="plain"), devnull)
        sink.task_started(1, 1, None, None, 0)
        t0 = time.process_time()
        for k in range(n):
            token = sink.syscall_entry(1, 1, nr, args, k, captured)
            sink.syscall_exit(token, 1, 1, nr, ret, False, k, None)
        out[name] = (time.process_time() - t0) / n
print(json.dumps(out))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tree", action="append", default=[], type=Path)
    a = ap.parse_args(argv)
    trees = [t.resolve() for t in a.tree] + [ROOT]
    samples: dict[str, list[dict[str, float]]] = {}
    for run in range(a.runs):
        for tree in trees if run % 2 == 0 else trees[::-1]:
            # cwd "/": "python -c" puts its working directory first on sys.path
            res = subprocess.run([sys.executable, "-c", CHILD, str(a.lines)], env=env_for(tree),
                                 check=True, capture_output=True, text=True, cwd="/")
            samples.setdefault(str(tree), []).append(json.loads(res.stdout))
    print(f"{a.lines:,} lines of each kind, {a.runs} runs; CPU us per line\n")
    print("| tree | write min | write median | openat min | openat median |")
    print("|---|---:|---:|---:|---:|")
    for tree, rows in samples.items():
        cells = []
        for name in ("write", "openat"):
            col = [r[name] * 1e6 for r in rows]
            cells += [f"{min(col):.2f}", f"{statistics.median(col):.2f}"]
        print(f"| {tree} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
