"""What an installed pytest-renacer costs a run that traces nothing, and the CLI's start-up.

    python benchmarks/startup.py [--runs R] [--tree NAME=DIR]...

Per tree (a directory holding a ``pytest_renacer`` package, put first on PYTHONPATH; the
default is this checkout), in fresh interpreters with bytecode cached (compileall first,
PYTHONDONTWRITEBYTECODE unset), alternating the cases run by run, the minimum and median
CPU time (user + system of the process tree) of:

- ``pytest --co -q`` of a scratch project of plain tests, and the same with
  ``-p no:renacer``: the difference is the plugin's cost (issue 12's goal: <= 20 ms);
- ``renacer -o /dev/null -- /bin/true`` (goal: <= 60 ms).

With ``--venv``, each tree is also ``pip install``ed (not editable) into a clean venv of
its own, and its ``renacer`` console script and that venv's ``python -c pass`` are timed
there too: what a user's install costs, without this environment's editable-install
finder and site ``.pth`` files.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAIN_TESTS = "".join(f"def test_{i}():\n    assert {i} + 1\n\n" for i in range(20))


def cpu_ms(argv: list[str], env: dict[str, str], cwd: str) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return 1000 * (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)


def _venv_with(tree: str, where: Path) -> Path:
    """A clean venv at ``where`` with ``tree`` pip-installed (not editable); its bin/."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    subprocess.run([str(where / "bin" / "python"), "-m", "pip", "install", "-q", tree],
                   check=True, stdout=subprocess.DEVNULL)
    return where / "bin"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--tree", action="append", default=[],
                    help="NAME=DIR: a tree whose pytest_renacer to measure (repeatable)")
    ap.add_argument("--venv", action="store_true",
                    help="also time each tree's console script in a clean venv of its own")
    args = ap.parse_args()
    trees = [t.partition("=")[::2] for t in args.tree] or [("this", str(ROOT))]
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cli = ("import sys; from pytest_renacer.cli import main; "
           "sys.argv[1:] = ['-o', '/dev/null', '--', '/bin/true']; sys.exit(main())")
    with tempfile.TemporaryDirectory() as project:
        Path(project, "test_plain.py").write_text(PLAIN_TESTS)
        venvs = {name: _venv_with(tree, Path(project, f"venv-{name}"))
                 for name, tree in trees} if args.venv else {}
        co = [sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider"]
        cases: dict[str, tuple[list[str], dict[str, str]]] = {}
        for name, tree in trees:
            compileall.compile_dir(str(Path(tree, "pytest_renacer")), quiet=1)
            env = dict(base, PYTHONPATH=tree)
            cases[f"{name}: pytest --co"] = (co, env)
            cases[f"{name}: pytest --co -p no:renacer"] = ([*co, "-p", "no:renacer"], env)
            cases[f"{name}: renacer -o /dev/null -- /bin/true"] = (
                [sys.executable, "-c", cli], env)
            if name in venvs:
                bin_dir = venvs[name]
                cases[f"{name}: venv renacer -o /dev/null -- /bin/true"] = (
                    [str(bin_dir / "renacer"), "-o", "/dev/null", "--", "/bin/true"], base)
                cases[f"{name}: venv python -c pass"] = (
                    [str(bin_dir / "python"), "-c", "pass"], base)
        for argv, env in cases.values():  # warm the caches (bytecode, page cache)
            cpu_ms(argv, env, project)
        times: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(args.runs):
            for key, (argv, env) in cases.items():
                times[key].append(cpu_ms(argv, env, project))
    print(f"CPU ms over {args.runs} runs        min   median")
    for key, values in times.items():
        print(f"{key:52s} {min(values):6.1f} {statistics.median(values):8.1f}")
    for name, _ in trees:
        cost = min(times[f"{name}: pytest --co"]) - min(times[f"{name}: pytest --co -p no:renacer"])
        print(f"{name}: the plugin's cost on pytest --co (min - min): {cost:+.1f} ms")


if __name__ == "__main__":
    main()
