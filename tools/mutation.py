#!/usr/bin/env python3
"""Mutation-test one module of pytest_renacer with mutmut, in a scratch copy of the tree.

    nice -n 10 python tools/mutation.py NAME 'pytest_renacer/filters.py' tests/test_filters.py

NAME names the scratch folder (``$TMPDIR/renacer-mutation/NAME``) and the result file;
the glob (or comma-separated globs) says which source files mutmut mutates; the test
arguments select the tests run against each mutant (files, node ids or ``-k EXPR``;
mutmut runs only the selected tests that reach the mutated function, fastest first).
``MUTATION_CHILDREN=N`` runs N mutants at once (default 1); ``--resume NAME`` goes on
with a stopped run in its folder (mutmut keeps each mutant's result);
``MUTATION_ONLY="name-pattern ..."`` runs only those mutants; ``--report NAME...``
prints the per-file counts of one run, or of runs merged (a rerun of the survivors).
mutmut is not a project dependency: ``pip install mutmut`` first.  The score (killed /
(killed + survived), timeouts counted as killed) is printed and written to NAME.json in
the scratch folder; docs/hardening.md quotes the figures.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


FRESH_CACHES = """

@pytest.fixture(autouse=True)
def _mutation_fresh_caches() -> None:
    import sys as _sys
    for _name, _mod in list(_sys.modules.items()):
        if not _name.startswith("pytest_renacer.") or _mod is None:
            continue
        for _key, _value in list(vars(_mod).items()):
            if _key.endswith("_CACHE") and isinstance(_value, dict):
                _value.clear()
            elif isinstance(getattr(_value, "_cache", None), dict):
                _value._cache.clear()
            elif callable(getattr(_value, "cache_clear", None)):  # functools caches
                _value.cache_clear()
"""


#: mutmut 3's exit codes (mutmut/stats.py), in the four classes the report counts
_KILLED, _TIMEOUT, _SURVIVED, _NO_TESTS = {1, 3}, {-24, 24, 36, 152, 255}, {0}, {5, 33}


def _read_meta(meta: Path) -> dict[str, Any]:
    """A meta file, read again while a running mutmut is rewriting it."""
    for _ in range(20):
        try:
            data: dict[str, Any] = json.loads(meta.read_text())
            return data
        except json.JSONDecodeError:
            time.sleep(0.2)
    raise SystemExit(f"{meta}: not JSON")


def report(names: list[str]) -> int:
    """Per source file: killed / timeout / survived / no test / total, and the score.

    Runs are merged in order: a later run's result for a mutant replaces an earlier one
    (a rerun of the survivors after tests were added), and an earlier run's mutants of a
    function whose code changed since (its hash in the later run differs) are dropped.
    """
    root = Path(tempfile.gettempdir()) / "renacer-mutation"
    merged: dict[str, dict[str, int | None]] = {}
    hashes: dict[str, dict[str, str]] = {}
    for name in names:
        for meta in sorted((root / name / "mutants").rglob("*.py.meta")):
            rel = str(meta.relative_to(root / name / "mutants"))[: -len(".meta")]
            data = _read_meta(meta)
            new_hashes = data.get("hash_by_function_name", {})
            old_hashes = hashes.get(rel, {})
            results = merged.setdefault(rel, {})
            for key in list(results):
                func = key.rsplit("__mutmut_", 1)[0].rsplit(".", 1)[-1]
                if func in old_hashes and new_hashes.get(func) != old_hashes[func]:
                    del results[key]  # stale: that function's code changed
            hashes[rel] = new_hashes
            for key, code in data["exit_code_by_key"].items():
                if code is not None or key not in results:
                    results[key] = code
    print("| file | mutants | killed | timeout | survived | no test | not run | score |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for rel, results in sorted(merged.items()):
        codes = list(results.values())
        killed = sum(c in _KILLED for c in codes)
        timeout = sum(c in _TIMEOUT for c in codes)
        survived = sum(c in _SURVIVED for c in codes)
        no_test = sum(c in _NO_TESTS for c in codes)
        not_run = sum(c is None for c in codes)
        scored = killed + timeout + survived
        score = f"{100 * (killed + timeout) / scored:.1f}%" if scored else "-"
        print(f"| {rel} | {len(codes)} | {killed} | {timeout} | {survived} | {no_test} | "
              f"{not_run} | {score} |")
    return 0


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--report":
        return report(argv[1:])
    if len(argv) < 3 and not (len(argv) == 2 and argv[0] == "--resume"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "--resume":  # go on with a stopped run (results are kept per mutant)
        work = Path(tempfile.gettempdir()) / "renacer-mutation" / argv[1]
        return run_mutmut(argv[1], work)
    name, glob, tests = argv[0], argv[1], argv[2:]
    work = Path(tempfile.gettempdir()) / "renacer-mutation" / name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, check=True, capture_output=True,
                           text=True).stdout.split()
    for rel in files:
        dest = work / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / rel).is_file():
            shutil.copy2(ROOT / rel, dest)
    # mutmut forks each mutant's run from a parent that already ran the tests once: the
    # memo caches it filled (decode's kind/formatter tables, each Xlat's texts) would
    # answer instead of the mutated code.  Every test starts with them empty.
    with open(work / "tests" / "conftest.py", "a") as conftest:
        conftest.write(FRESH_CACHES)
    pyproject = work / "pyproject.toml"
    # The copy's own coverage settings would measure every mutant run: dropped.
    text = pyproject.read_text()
    text += (
        "\n[tool.mutmut]\n"
        'source_paths = ["pytest_renacer/"]\n'
        f"only_mutate = {json.dumps(glob.split(','))}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:xdist", "-q"]\n'
        "use_git_change_detection = false\n"
    )
    pyproject.write_text(text)
    return run_mutmut(name, work)


def run_mutmut(name: str, work: Path) -> int:
    mutmut = Path(sys.executable).with_name("mutmut")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    children = os.environ.get("MUTATION_CHILDREN", "1")
    # MUTATION_ONLY="pattern ...": only these mutants (mutmut's names, * wildcards), e.g.
    # the survivors of a full run again, after tests were added
    only = os.environ.get("MUTATION_ONLY", "").split()
    run = subprocess.run([str(mutmut), "run", "--max-children", children, *only], cwd=work,
                         env=env)
    subprocess.run([str(mutmut), "export-cicd-stats"], cwd=work, env=env, check=False)
    stats_file = work / "mutants" / "mutmut-cicd-stats.json"
    if not stats_file.exists():
        print(f"no stats: mutmut exited {run.returncode}", file=sys.stderr)
        return 1
    stats = json.loads(stats_file.read_text())
    killed = stats.get("killed", 0) + stats.get("timeout", 0)
    survived = stats.get("survived", 0)
    total = killed + survived
    score = 100.0 * killed / total if total else 0.0
    stats["score"] = round(score, 1)
    (work / f"{name}.json").write_text(json.dumps(stats, indent=1))
    print(f"{name}: {killed}/{total} killed ({score:.1f}%); {stats}")
    survivors = subprocess.run([str(mutmut), "results"], cwd=work, env=env,
                               capture_output=True, text=True).stdout
    (work / f"{name}-survivors.txt").write_text(survivors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
