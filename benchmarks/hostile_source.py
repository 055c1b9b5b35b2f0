"""The time-budget cases of issue 15: hostile files that cost the source layer time.

    python benchmarks/hostile_source.py [--old DIR] [--cases NAME,...]

Builds each case into a temporary directory (with the helpers of
``tests/test_source_hostile.py``), then for each one runs, in a fresh interpreter,
``trace(BINARY, source=True, timeout=T)`` and the stack of the program's ``write()``:
the seconds of each, the program's own frame, the peak RSS and the module's note
(``source.problems()``).  ``--old DIR``: the same, first, with ``DIR`` (a tree of
pytest-renacer, e.g. ``git archive`` of an older commit) in front of ``sys.path``:
before and after, side by side.

Cases:

- ``long_lines``: 200 MB of valid line-program opcodes (DW_LNS_negate_stmt pairs) before
  the real rows, 0.2 MB on disk (compressed);
- ``units``: 400,000 tiny units before the real one, no ``.debug_aranges``;
- ``units_1m``: the same with 1,000,000 units;
- ``fde``, ``fde_timeout``: the program's own FDE holds 16 M remember/restore_state pairs
  (32 MB), parsed at the stop; traced with ``timeout=120`` and ``timeout=3``.

Wall-clock figures on a shared machine move with its load: compare within one run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_ONE = r"""
import sys, time
import pytest_renacer
from pytest_renacer import source
binary, timeout = sys.argv[1], float(sys.argv[2])
t0 = time.monotonic()
try:
    t = pytest_renacer.trace([binary], source=True, timeout=timeout)
    out = f"exit {t.returncode}"
except pytest_renacer.TraceTimeout:
    t, out = None, "TraceTimeout"
t1 = time.monotonic()
frame = None
if t is not None:
    w = next(ev for ev in t.events if ev.name == "write")
    frame = next((f for f in w.stack if f.binary == binary), None)
t2 = time.monotonic()
where = frame and f"{frame.function} {frame.file and frame.file.rsplit('/', 1)[-1]}:{frame.line}"
with open("/proc/self/status") as f:  # (ru_maxrss would count the parent's, before exec)
    hwm = next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:"))
print(f"trace {t1 - t0:.2f} s ({out}), stack {t2 - t1:.2f} s ({where}), peak RSS "
      f"{hwm // 1024} MB, note {source.problems().get(binary)!r}")
"""

_FDE = """#include <unistd.h>
__attribute__((noinline)) static void hostile(void) {
    __asm__ volatile(".rept 16000000\\n.cfi_escape 0x0a, 0x0b\\n.endr");
    write(1, "x\\n", 2);
}
int main(void) { hostile(); return 0; }
"""


def build(case: str, d: Path) -> tuple[Path, float]:
    """The case's binary, and the timeout it is traced with."""
    sys.path.insert(0, str(ROOT / "tests"))
    import test_source_hostile as h

    from pytest_renacer.source import elf

    if case in ("fde", "fde_timeout"):
        binary = d / "fde"
        if not binary.exists():
            (d / "fde.c").write_text(_FDE)
            subprocess.run(["gcc", "-g", "-O0", "-o", str(binary), str(d / "fde.c")],
                           check=True)
        return binary, 3.0 if case == "fde_timeout" else 120.0
    writer = h._writer(d)
    img = elf.load_image(str(writer))
    if case == "long_lines":
        line = img.section(".debug_line")
        assert line is not None
        return h._replace_sections(writer, d / case, {
            ".debug_line": h._padded_line_program(line, 200 * h.MB)}), 120.0
    count = {"units": 400_000, "units_1m": 1_000_000}[case]
    info, abbrev = img.section(".debug_info"), img.section(".debug_abbrev")
    assert info is not None and abbrev is not None
    tiny = b"\x01\x11\x00\x11\x01\x12\x06\x00\x00\x00"
    return h._replace_sections(writer, d / case, {
        ".debug_info": h._tiny_units(count, len(abbrev)) + info,
        ".debug_abbrev": abbrev + tiny}, remove=(".debug_aranges",)), 120.0


def run(binary: Path, timeout: float, path: str | None) -> str:
    env = dict(os.environ)
    if path:
        env["PYTHONPATH"] = path + os.pathsep + env.get("PYTHONPATH", "")
    got = subprocess.run([sys.executable, "-c", _ONE, str(binary), str(timeout)], env=env,
                         capture_output=True, text=True)
    if got.stdout.strip():
        return got.stdout.strip()
    lines = got.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit {got.returncode}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--old", help="a tree of an older pytest-renacer, run first")
    ap.add_argument("--cases", default="long_lines,units,units_1m,fde,fde_timeout")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases.split(","):
            binary, timeout = build(case, Path(tmp))
            print(f"== {case} (timeout={timeout:g})", flush=True)
            if args.old:
                print(f"  before: {run(binary, timeout, args.old)}", flush=True)
            print(f"  after:  {run(binary, timeout, None)}", flush=True)


if __name__ == "__main__":
    main()
