#!/usr/bin/env python3
"""Generate pytest_renacer/tables/xlat.py: the flag and constant tables decode/ prints with.

The NAMES, their order (strace's: it decides how a value with several bits is spelled)
and the header each table comes from are in tools/flag_tables.txt; every VALUE is read
from the headers by the C compiler (``gcc -S`` of one global per constant), so a value
is never typed by hand.  Entries no header defines (kernel-internal constants strace
knows) carry their value in the spec with a comment naming their source; the generator
refuses a literal value without one.

    python tools/gen_flag_tables.py             # both modules below
    python tools/gen_flag_tables.py --check     # exit 1 if one is stale
    python tools/gen_flag_tables.py --out pytest_renacer/tables/xlat.py
    python tools/gen_flag_tables.py --spec tools/tracer_constants.txt \
        --out pytest_renacer/tracer/kernel.py

tools/tracer_constants.txt gives the numbers tracer/ passes to ptrace, waitpid, prctl and
seccomp (tracer/ sits below tables/, so they live in a module of its own).

Spec syntax (tools/flag_tables.txt)::

    [TABLE] unknown=O_??? zero=NAME headers=linux/fcntl.h,asm/mman.h arch=aarch64
    NAME NAME ...                 names whose value the headers give, in strace's order
    NAME = C-EXPRESSION           a value computed from the headers' macros
    NAME = 42  # source: ...      a value no header has (the comment is mandatory)
    [=CONSTANTS] headers=...      module-level integer constants instead of a table

``arch=aarch64`` reads linux-libc-dev-arm64-cross's headers (-nostdinc); the default is
the host's /usr/include (x86_64).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
# the same errors and kernel-version reading as the syscall tables' generator
from gen_syscall_tables import (  # noqa: E402
    _DEFINE_RE,
    GenError,
    header_version,
    write_or_check,
)

SPEC = ROOT / "tools" / "flag_tables.txt"
DEFAULT_OUT = "pytest_renacer/tables/xlat.py"
TRACER_SPEC = ROOT / "tools" / "tracer_constants.txt"
TRACER_OUT = "pytest_renacer/tracer/kernel.py"
#: each spec, its module and the module's docstring
MODULES = {
    SPEC.name: (DEFAULT_OUT, '"""Flag and constant tables (generated): ``TABLE = (unknown, zero, '
                '((name, value),\n...))`` in strace\'s order, and integer constants; '
                'decode/flags.py prints with them."""'),
    TRACER_SPEC.name: (TRACER_OUT, '"""The kernel\'s numbers tracer/ passes to ptrace, waitpid, '
                       'prctl and seccomp,\nand the struct sizes and offsets it reads '
                       '(generated)."""'),
}
X86_64_INCLUDE = "/usr/include"
AARCH64_INCLUDE = "/usr/aarch64-linux-gnu/include"
LINE_LENGTH = 100
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LITERAL_RE = re.compile(r"^\(?-?(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*\)?$")


@dataclass
class Entry:
    name: str
    expr: str  # the C expression of its value (the name itself, usually)
    line: int
    source: str = ""  # the comment of a literal value


@dataclass
class Table:
    name: str
    line: int
    unknown: str | None = None
    zero: str | None = None
    headers: tuple[str, ...] = ()
    arch: str = "x86_64"
    mask: str | None = None  # a C expression each value is ANDed with
    entries: list[Entry] = field(default_factory=list)

    @property
    def constants(self) -> bool:
        return self.name.startswith("=")


# --------------------------------------------------------------------------------------
# The spec.

_HEAD_RE = re.compile(r"^\[(?P<name>=?[A-Z_][A-Z0-9_]*)\](?P<opts>.*)$")


def parse_spec(text: str, filename: str = "flag_tables.txt") -> list[Table]:
    """The tables of the spec, in order; raises GenError listing every problem."""
    tables: list[Table] = []
    errors: list[str] = []
    current: Table | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        code, _, comment = raw.partition("#")
        code, comment = code.strip(), comment.strip()
        if not code:
            continue
        where = f"{filename}:{lineno}"
        head = _HEAD_RE.match(code)
        if head is not None:
            current = Table(head["name"], lineno)
            for opt in head["opts"].split():
                key, eq, value = opt.partition("=")
                if not eq or not value:
                    errors.append(f"{where}: bad option {opt!r}")
                elif key == "unknown":
                    current.unknown = value
                elif key == "zero":
                    current.zero = value
                elif key == "headers":
                    current.headers = tuple(value.split(","))
                elif key == "mask":
                    current.mask = value
                elif key == "arch" and value in ("x86_64", "aarch64"):
                    current.arch = value
                else:
                    errors.append(f"{where}: unknown option {opt!r}")
            if not current.headers:
                errors.append(f"{where}: {current.name} names no headers=")
            if any(t.name == current.name for t in tables):
                errors.append(f"{where}: {current.name} defined twice")
            tables.append(current)
            continue
        if current is None:
            errors.append(f"{where}: an entry before the first [TABLE]")
            continue
        if "=" in code:
            name, _, expr = (s.strip() for s in code.partition("="))
            if not _NAME_RE.match(name) or not expr:
                errors.append(f"{where}: cannot parse {code!r}")
                continue
            if _LITERAL_RE.match(expr) and not comment:
                errors.append(f"{where}: {name} = {expr}: a literal value needs a "
                              "'# source' comment (where the value comes from)")
            current.entries.append(Entry(name, expr, lineno, comment if _LITERAL_RE.match(
                expr) else ""))
            continue
        for name in code.split():
            if not _NAME_RE.match(name):
                errors.append(f"{where}: bad name {name!r}")
                continue
            current.entries.append(Entry(name, name, lineno))
    # xlat.py's module-level names: a constant defined twice would shadow the first
    defined: dict[str, str] = {}
    for table in tables:
        for name in [e.name for e in table.entries] if table.constants else [table.name]:
            if name in defined:
                errors.append(f"{filename}:{table.line}: {name} is already defined by "
                              f"[{defined[name]}]")
            defined.setdefault(name, table.name)
    for table in tables:
        names = [e.name for e in table.entries] + ([table.zero] if table.zero else [])
        if len(set(names)) != len(names):
            errors.append(f"{filename}:{table.line}: {table.name}: a name twice")
        if not table.entries:
            errors.append(f"{filename}:{table.line}: {table.name}: no entries")
    if errors:
        raise GenError("\n".join(errors))
    return tables


# --------------------------------------------------------------------------------------
# The values, from the compiler.


def glibc_version(cc: str) -> str:
    """The C library's version (__GLIBC__.__GLIBC_MINOR__), for the module's header."""
    proc = subprocess.run([cc, "-E", "-dM", "-include", "features.h", "-x", "c", "/dev/null"],
                          capture_output=True, text=True, check=False)
    defines = dict(_DEFINE_RE.findall(proc.stdout))
    major, minor = defines.get("__GLIBC__"), defines.get("__GLIBC_MINOR__")
    return f"{major}.{minor}" if major and minor else "unknown"


def _compile(cc: str, tmp: Path, group: list[tuple[Table, Entry]], headers: tuple[str, ...],
             flags: list[str], spec_name: str) -> list[int]:
    """The values of ``group``'s expressions with ``headers`` included."""
    lines = ["#define _GNU_SOURCE"] + [f"#include <{h}>" for h in headers]
    first = len(lines) + 1
    lines += [f"unsigned long long v{i} = (unsigned long long)("
              + (f"({e.expr}) & ({t.mask})" if t.mask else e.expr) + ");"
              for i, (t, e) in enumerate(group)]
    src, asm = tmp / "values.c", tmp / "values.s"
    src.write_text("\n".join(lines) + "\n")
    proc = subprocess.run([cc, "-w", "-S", *flags, "-o", str(asm), str(src)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        bad = sorted({int(n) - first for n in re.findall(r"values\.c:(\d+):\d+: error",
                                                         proc.stderr) if int(n) >= first})
        if not bad:
            raise GenError(f"{', '.join(headers)}: {proc.stderr.strip()[-1500:]}")
        raise GenError("\n".join(
            f"{spec_name}:{group[i][1].line}: [{group[i][0].name}] {group[i][1].name}: "
            f"{group[i][1].expr!r} is not defined by {', '.join(headers)}" for i in bad))
    found = {int(i): (kind, value) for i, kind, value in re.findall(
        r"^v(\d+):\s*\n\s*\.(quad|zero)\s+(-?\d+)", asm.read_text(), re.MULTILINE)}
    if len(found) != len(group):
        raise GenError(f"{', '.join(headers)}: could not read the values back from {asm}")
    return [int(found[i][1]) & (2**64 - 1) if found[i][0] == "quad" else 0
            for i in range(len(group))]


def resolve(tables: list[Table], includes: dict[str, Path], cc: str,
            spec_name: str = "flag_tables.txt") -> dict[str, list[tuple[str, int]]]:
    """{table: [(name, value), ...]}, one compiler run per header set and architecture."""
    groups: dict[tuple[str, tuple[str, ...]], list[tuple[Table, Entry]]] = {}
    for table in tables:
        for entry in table.entries:
            groups.setdefault((table.arch, table.headers), []).append((table, entry))
    values: dict[int, int] = {}  # id(entry) -> value
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gen_flag_tables.") as tmp:
        for (arch, headers), group in groups.items():
            include = includes[arch]
            if arch != "x86_64":
                flags = ["-nostdinc", "-isystem", str(include)]
            else:
                flags = [] if str(include) == "/usr/include" else ["-isystem", str(include)]
            try:
                result = _compile(cc, Path(tmp), group, headers, flags, spec_name)
            except GenError as exc:
                errors.append(str(exc))
                continue
            for (_, entry), value in zip(group, result, strict=True):
                values[id(entry)] = value
    if errors:
        raise GenError("\n".join(errors))
    return {t.name: [(e.name, values[id(e)]) for e in t.entries] for t in tables}


# --------------------------------------------------------------------------------------
# Output.


def _int(value: int) -> str:
    return str(value) if value < 10 else f"{value:#x}"


def _pack(items: list[str], indent: str) -> list[str]:
    """``items`` joined by ", " into lines of at most LINE_LENGTH characters."""
    lines: list[str] = []
    line = indent
    for item in items:
        piece = item + ","
        if line.strip() and len(line) + 1 + len(piece) > LINE_LENGTH:
            lines.append(line)
            line = indent
        line += (" " if line.strip() else "") + piece
    if line.strip():
        lines.append(line)
    return lines


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, LINE_LENGTH, initial_indent="# ", subsequent_indent="#   ",
                         break_on_hyphens=False)


def render(tables: list[Table], values: dict[str, list[tuple[str, int]]], kernel: str,
           glibc: str, aarch64_kernel: str | None, spec_name: str = SPEC.name) -> str:
    out_path, doc = MODULES.get(spec_name, MODULES[SPEC.name])
    command = (f"--out {out_path}" if spec_name == SPEC.name
               else f"--spec tools/{spec_name}")
    out = [
        f"# GENERATED by tools/gen_flag_tables.py from tools/{spec_name} and the headers:",
        f"# Linux {kernel} UAPI (x86_64, /usr/include), glibc {glibc}"
        + (f", Linux {aarch64_kernel} UAPI (arm64 cross)." if aarch64_kernel else "."),
        f"# Do not edit; regenerate with: python tools/gen_flag_tables.py {command}",
        doc,
        "",
        f'KERNEL_HEADERS = "{kernel}"',
        f'GLIBC_HEADERS = "{glibc}"',
    ]
    for table in tables:
        pairs = values[table.name]
        sources = [f"{e.name}: {e.source}" for e in table.entries if e.source]
        out.append("")
        if table.constants:
            out += _comment(f"{table.name[1:]}: {', '.join(table.headers)}")
            for entry, (name, value) in zip(table.entries, pairs, strict=True):
                note = f"  # {entry.source}" if entry.source else ""
                out.append(f"{name} = {_int(value)}{note}")
            continue
        out += _comment(", ".join(table.headers)
                        + (f" ({table.arch})" if table.arch != "x86_64" else ""))
        for s in sources:
            out += _comment(f"not in the headers: {s}")
        unknown = f'"{table.unknown}"' if table.unknown else "None"
        zero = f'"{table.zero}"' if table.zero else "None"
        out.append(f"{table.name} = ({unknown}, {zero}, (")
        out += _pack([f'("{n}", {_int(v)})' for n, v in pairs], "    ")
        out.append("))")
    return "\n".join(out) + "\n"


def build(spec_path: Path, x86_64_include: Path, aarch64_include: Path) -> str:
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        raise GenError("the values are read with the C compiler: install gcc")
    tables = parse_spec(spec_path.read_text(), spec_path.name)
    includes = {"x86_64": x86_64_include, "aarch64": aarch64_include}
    need_arm = any(t.arch == "aarch64" for t in tables)
    if need_arm and not (aarch64_include / "asm" / "unistd.h").is_file():
        raise GenError(f"no arm64 UAPI headers under {aarch64_include} "
                       "(apt-get install linux-libc-dev-arm64-cross, or pass --aarch64-include)")
    values = resolve(tables, includes, cc, spec_path.name)
    return render(tables, values, header_version(x86_64_include), glibc_version(cc),
                  header_version(aarch64_include) if need_arm else None, spec_path.name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", help=f"output module [{DEFAULT_OUT} for --spec's default; "
                        "with neither option, every module]")
    parser.add_argument("--spec", help=f"table spec [{SPEC.relative_to(ROOT)}]")
    parser.add_argument("--x86-64-include", default=X86_64_INCLUDE,
                        help="x86_64 include dir [%(default)s]")
    parser.add_argument("--aarch64-include", default=AARCH64_INCLUDE,
                        help="arm64 UAPI include dir [%(default)s]")
    parser.add_argument("--check", action="store_true",
                        help="compare with --out; exit 1 if stale")
    args = parser.parse_args(argv)
    if args.spec is None and args.out is None:
        jobs = [(SPEC, DEFAULT_OUT), (TRACER_SPEC, TRACER_OUT)]
    else:
        spec = Path(args.spec) if args.spec else SPEC
        out = args.out or (MODULES[spec.name][0] if spec.name in MODULES else None)
        if out is None:
            parser.error(f"--spec {spec}: give --out too")
        jobs = [(spec, out)]
    return max(_one(args, job_spec, job_out) for job_spec, job_out in jobs)


def _one(args: argparse.Namespace, spec: Path, out_name: str) -> int:
    try:
        text = build(spec, Path(args.x86_64_include), Path(args.aarch64_include))
    except (GenError, OSError) as exc:
        print(f"gen_flag_tables: error: {exc}", file=sys.stderr)
        return 2
    out = Path(out_name)
    if not out.is_absolute() and not out.exists():
        out = ROOT / out
    if write_or_check(out, text, args.check):
        return 1
    print(f"{out}: {'up to date' if args.check else 'written'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
