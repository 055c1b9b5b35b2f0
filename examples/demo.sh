#!/usr/bin/env bash
# The pytest-renacer demo.
#
#  1. builds the example project's C program (examples/wordfreq/src/wordfreq.c) into
#     examples/wordfreq/build/ (git-ignored);
#  2. runs the example's tests through the pytest plugin: one max_syscalls budget fails
#     ON PURPOSE (tests/test_wordfreq.py::test_naive_top_words_budget) so that the
#     failure report can be seen;
#  3. checks the session JSON: that test, and only it, failed, for its budget;
#  4. traces the same program with the renacer command (strace's flags).
#
# Exit status: 0 when everything behaved as expected (the planted failure included),
# non-zero otherwise.  Environment: PYTHON (default python3), CC (default cc).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/wordfreq"
build="$project/build"
python="${PYTHON:-python3}"
expected="tests/test_wordfreq.py::test_naive_top_words_budget"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
renacer() {
    if command -v renacer >/dev/null 2>&1; then command renacer "$@"
    else "$python" -m pytest_renacer "$@"; fi
}

step "building $build/wordfreq"
mkdir -p "$build"
rm -rf "$build/artifacts" "$build/session.json"
"${CC:-cc}" -g -O1 -Wall -o "$build/wordfreq" "$project/src/wordfreq.c"

step "pytest with pytest-renacer: one budget fails on purpose"
set +e
(cd "$project" && "$python" -m pytest -rf --renacer-json="$build/session.json" \
    --renacer-dir="$build/artifacts")
status=$?
set -e
if [ "$status" -ne 1 ]; then
    echo "demo: FAILED: pytest exited with status $status; expected 1 (one failing test)" >&2
    exit 1
fi

step "checking the session JSON: only the planted budget failure failed"
"$python" - "$build/session.json" "$expected" <<'EOF'
import json
import pathlib
import sys

doc = json.loads(pathlib.Path(sys.argv[1]).read_text())
expected = sys.argv[2]
tests = {t["nodeid"]: t for t in doc["tests"]}
failed = sorted(n for n, t in tests.items() if t["outcome"] != "passed")
problems = []
if failed != [expected]:
    problems.append(f"failed tests are {failed}, expected only {expected}")
planted = tests.get(expected)
if planted is not None:
    if not (planted["reason"] or "").startswith("max_syscalls: openat "):
        problems.append(f"{expected} failed for another reason: {planted['reason']!r}")
    if not planted["artifact"] or not pathlib.Path(planted["artifact"]).exists():
        problems.append(f"{expected} has no JSON artifact")
if len(tests) < 9:
    problems.append(f"only {len(tests)} traced tests in the session JSON, expected 9")
if problems:
    print("demo: FAILED:\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"ok: {len(tests)} traced tests, {doc['summary']['syscalls']} syscalls; "
      f"{expected} failed as planted:\n    {planted['reason']}\n"
      f"    artifact: {planted['artifact']}")
EOF

step "renacer -c: the program's syscalls, counted (strace -c)"
renacer -c -- "$build/wordfreq" "$project/data/sample.txt"

step "renacer -e trace=openat,read --source: its file calls, with source lines"
renacer -e trace=openat,read --source -- "$build/wordfreq" -b 1024 "$project/data/sample.txt"

step "demo: all as expected"
