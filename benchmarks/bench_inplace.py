"""What a budget costs a test body: in place, forked, and untraced, side by side.

    python benchmarks/bench_inplace.py [--calls N] [--rounds R] [--tests T]

1. The API level, in one interpreter: a body making N ``os.getppid()`` calls (and one
   making none), run R times each way, ABBA-ordered: untraced (called directly); in
   place (``InPlaceTracer.call``: the session helper traces the calling thread) and
   forked (``api.call``: a traced child), each with the options the plugin uses for a
   budget on getppid (that filter, and the Python line of each call read at its stop),
   in place also without the Python lines and with the whole Python stack; and both
   with a budget on openat, which the body never calls: forked, a seccomp filter lets
   getppid run without a stop; in place, every syscall of the thread still stops.
   From the medians: the fixed cost per body (the empty body's time less the untraced
   one's) and the cost per syscall ((time(N) - time(0)) / N, less the untraced slope).
2. The pytest level: a file of T budgeted tests (each making 10 getppid calls) run by
   pytest in a fresh process, with bytecode cached (one warm-up run each first), in
   place, with ``renacer(fork=True)``, and the same file
   with the plugin disabled (``-p no:renacer``, markers registered by a conftest);
   the wall time per test over the untraced run.

Timings on a shared 2-core machine move with the load: compare within one run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pytest_renacer import api  # noqa: E402
from pytest_renacer.inplace import InPlaceTracer  # noqa: E402


def body(n: int) -> Callable[[], None]:
    getppid = os.getppid

    def run() -> None:
        for _ in range(n):
            getppid()

    return run


#: What the plugin asks for a budgeted body: the budget's syscalls, each with its Python
#: line (read at the stop, down to the first own frame)
LINES = {"source": True, "source_native": False, "source_own_only": True}


def ways(tracer: InPlaceTracer) -> dict[str, Callable[[Callable[[], None]], Any]]:
    def forked(**options: Any) -> Callable[[Callable[[], None]], Any]:
        opts = api.TraceOptions(**options)
        return lambda fn: api.call(fn, _renacer_options=opts)

    def in_place(**options: Any) -> Callable[[Callable[[], None]], Any]:
        return lambda fn: tracer.call(fn, options, "bench")

    return {
        "untraced": lambda fn: fn(),
        "in place, getppid budget": in_place(filter="getppid", **LINES),
        "  same, no Python lines": in_place(filter="getppid"),
        "  same, whole Python stack": in_place(filter="getppid", source=True,
                                               source_native=False),
        "forked, getppid budget": forked(filter="getppid", **LINES),
        "in place, openat budget": in_place(filter="openat", **LINES),
        "forked, openat budget": forked(filter="openat", **LINES),
    }


def api_level(calls: int, rounds: int) -> None:
    tracer = InPlaceTracer()
    try:
        all_ways = ways(tracer)
        for way in all_ways.values():  # warm-up: the helper starts, imports are done
            way(body(10))
        times: dict[tuple[str, int], list[float]] = {}
        for r in range(rounds):
            order = list(all_ways.items())
            if r % 2:
                order.reverse()
            for name, way in order:
                for n in (0, calls):
                    t0 = time.perf_counter()
                    way(body(n))
                    times.setdefault((name, n), []).append(time.perf_counter() - t0)
    finally:
        tracer.close()
    med = {k: statistics.median(v) for k, v in times.items()}
    base0, base_n = med[("untraced", 0)], med[("untraced", calls)]
    base_slope = (base_n - base0) / calls
    print(f"API level: a body of {calls} getppid() calls, and an empty one; medians of "
          f"{rounds} rounds")
    print(f"  {'way':<28} {'empty body':>11} {'N calls':>10} {'fixed/body':>11} "
          f"{'per syscall':>12}")
    for name in all_ways:
        t0, tn = med[(name, 0)], med[(name, calls)]
        fixed = t0 - base0
        per = (tn - t0) / calls - base_slope
        print(f"  {name:<28} {t0 * 1e3:>9.2f}ms {tn * 1e3:>8.1f}ms {fixed * 1e3:>9.2f}ms "
              f"{per * 1e6:>10.1f}us")


TESTS = """
import os
import pytest

@pytest.mark.parametrize("i", range({tests}))
@pytest.mark.max_syscalls(getppid=10)
def test_body(i):
    for _ in range(10):
        os.getppid()
"""

CONFTEST = """
def pytest_configure(config):
    for m in ("max_syscalls", "renacer"):
        config.addinivalue_line("markers", m)
"""


def pytest_level(tests: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "test_budgets.py").write_text(textwrap.dedent(TESTS.format(tests=tests)))
        fork = root / "fork"
        fork.mkdir()
        (fork / "test_budgets.py").write_text(
            "import pytest\npytestmark = pytest.mark.renacer(fork=True)\n"
            + textwrap.dedent(TESTS.format(tests=tests)))
        plain = root / "plain"
        plain.mkdir()
        (plain / "conftest.py").write_text(textwrap.dedent(CONFTEST))
        (plain / "test_budgets.py").write_text(textwrap.dedent(TESTS.format(tests=tests)))
        runs = {
            "untraced (-p no:renacer)": (plain, ["-p", "no:renacer"]),
            "in place": (root, []),
            "forked (fork=True)": (fork, []),
        }
        # As on a user's machine: modules from their bytecode caches (this machine sets
        # PYTHONDONTWRITEBYTECODE=1, which would compile every module in every run).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPATH"] = str(HERE.parent)
        warm_up = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                   "-p", "no:xdist", "-p", "no:benchmark", "-p", "no:randomly"]
        for where in (root, fork, plain):  # fills the caches, pytest's and the tests'
            subprocess.run([*warm_up, str(where / "test_budgets.py")], cwd=where, env=env,
                           capture_output=True)
        walls: dict[str, list[float]] = {}
        for r in range(rounds):
            order = list(runs.items())
            if r % 2:
                order.reverse()
            for name, (where, extra) in order:
                t0 = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                     "-p", "no:xdist", "-p", "no:benchmark", "-p", "no:randomly",
                     str(where / "test_budgets.py"), *extra],
                    cwd=where, env=env, capture_output=True, text=True)
                walls.setdefault(name, []).append(time.perf_counter() - t0)
                if done.returncode != 0:
                    raise SystemExit(f"{name}: pytest failed:\n{done.stdout[-2000:]}")
    base = statistics.median(walls["untraced (-p no:renacer)"])
    print(f"pytest level: {tests} budgeted tests of 10 getppid() each; wall medians of "
          f"{rounds} runs")
    for name, w in walls.items():
        m = statistics.median(w)
        print(f"  {name:<26} {m:>7.2f}s  {(m - base) / tests * 1e3:>+8.2f} ms per test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tests", type=int, default=200)
    parser.add_argument("--pytest-rounds", type=int, default=3)
    args = parser.parse_args()
    api_level(args.calls, args.rounds)
    pytest_level(args.tests, args.pytest_rounds)


if __name__ == "__main__":
    main()
