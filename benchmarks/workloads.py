"""The benchmark workloads, built by the suite itself into benchmarks/_build.

Each workload is a command line (argv) plus a little metadata.  ``build(quick)`` compiles
what needs compiling (C with gcc, Rust with rustc) and returns the workloads at their
full or quick size.  Nothing here times anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = HERE / "_build"
PROGRAMS = HERE / "programs"
TEST_PROGRAMS = HERE.parent / "tests" / "programs"

# 30 standard-library modules: a Python start-up that opens, stats and reads hundreds of
# files (source, bytecode, extension modules).
IMPORT_STORM = (
    "json", "csv", "re", "decimal", "fractions", "statistics", "asyncio", "email.parser",
    "http.client", "urllib.request", "xml.etree.ElementTree", "sqlite3", "logging",
    "argparse", "pathlib", "subprocess", "threading", "multiprocessing", "unittest",
    "typing", "dataclasses", "datetime", "collections", "itertools", "functools",
    "tempfile", "shutil", "zipfile", "tarfile", "hashlib",
)

FORK_LOOP = 'i=0; while [ "$i" -lt {n} ]; do /bin/true; i=$((i+1)); done'


@dataclass(frozen=True)
class Workload:
    name: str
    title: str  # what the table calls it
    argv: tuple[str, ...]
    #: many syscalls per second of untraced run time: where the filtered goal (<= 0.2 of
    #: strace) applies
    syscall_heavy: bool


def env_for(tree: Path | str) -> dict[str, str]:
    """The environment of a command that imports pytest_renacer from ``tree``."""
    env = dict(os.environ)
    # An installed package runs from bytecode caches; a source checkout without them
    # would recompile every module at each start (PYTHONDONTWRITEBYTECODE in some shells).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tree), env.get("PYTHONPATH", "")) if p)
    return env


def _newer(out: Path, src: Path) -> bool:
    return out.exists() and out.stat().st_mtime >= src.stat().st_mtime


def _compile(argv: list[str], out: Path) -> None:
    """Run a compiler writing to a temporary name, then rename: another run of the suite
    (say the smoke test under pytest-xdist) may be executing the old binary meanwhile."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}")
    try:
        subprocess.run([*argv, "-o", str(tmp)], check=True, cwd=BUILD)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def write_if_changed(path: Path, text: str) -> None:
    """Write a generated file atomically, and only when its text changed."""
    if path.exists() and path.read_text() == text:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def build_c(name: str, *extra: str, src_dir: Path = PROGRAMS) -> str:
    """Compile SRC_DIR/NAME.c (benchmarks/programs by default) into _build/NAME, when
    out of date."""
    BUILD.mkdir(exist_ok=True)
    src, out = src_dir / f"{name}.c", BUILD / name
    if not _newer(out, src):
        _compile(["gcc", "-O2", str(src), *extra], out)
    return str(out)


def build_rust(name: str) -> str | None:
    """Compile benchmarks/programs/NAME.rs with rustc -O; None when rustc is missing."""
    rustc = shutil.which("rustc")
    if rustc is None:
        return None
    BUILD.mkdir(exist_ok=True)
    src, out = PROGRAMS / f"{name}.rs", BUILD / f"{name}_rs"
    if not _newer(out, src):
        _compile([rustc, "-O", "--edition", "2021", str(src)], out)
    return str(out)


def build_write_loop() -> str:
    """The write() loop alone (benchmarks/stopcost.py)."""
    return build_c("loop")


def build(quick: bool = False) -> list[Workload]:
    """Every workload this machine can run, at full size or (``quick``) tiny."""
    loop = build_c("loop")
    threads = build_c("threads", "-pthread", src_dir=TEST_PROGRAMS)  # the tests' program
    rust = build_rust("fileio")
    n_loop, n_forks = ("2000", 5) if quick else ("200000", 200)
    thread_args = ("2", "200") if quick else ("8", "20000")
    modules = IMPORT_STORM[:3] if quick else IMPORT_STORM
    tree = str(PROGRAMS) if quick else "/usr/lib"
    found: list[Workload] = [
        Workload("loop", f"C loop, {int(n_loop):,} write()", (loop, n_loop), True),
        Workload("find", f"find {'programs/' if quick else tree}", ("find", tree), True),
        Workload("imports", f"python -c 'import' x{len(modules)}",
                 (sys.executable, "-c", "import " + ", ".join(modules)), False),
        Workload("forkexec", f"sh loop, {n_forks} fork+exec",
                 ("/bin/sh", "-c", FORK_LOOP.format(n=n_forks)), False),
        Workload("threads", f"{thread_args[0]} pthreads x {int(thread_args[1]):,} getppid()",
                 (threads, *thread_args), True),
    ]
    if rust is not None:
        rounds = "20" if quick else "4000"
        found.append(Workload("rust", f"Rust std::fs, {int(rounds):,} rounds", (rust, rounds),
                              True))
    return found
