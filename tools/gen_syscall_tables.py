#!/usr/bin/env python3
"""Generate pytest_renacer/tables/{x86_64,aarch64}.py.

Syscall numbers come from the kernel UAPI headers (package linux-libc-dev for x86_64,
linux-libc-dev-arm64-cross for aarch64); names of arguments, their decoding kinds, the
return kind and strace's trace classes come from tools/syscall_signatures.txt.

    python tools/gen_syscall_tables.py --out pytest_renacer/tables
    python tools/gen_syscall_tables.py --check      # exit 1 if the modules are stale

Every syscall the headers define must have a line in the signature file; every kind must
be in ARG_KINDS and every class in CLASSES (pytest_renacer/tables/__init__.py).
aarch64 uses asm-generic/unistd.h with the __ARCH_WANT_* macros that arm64's own
asm/unistd.h defines; the C preprocessor (gcc -E -dM) resolves them.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIGNATURES = ROOT / "tools" / "syscall_signatures.txt"
TABLES_API = ROOT / "pytest_renacer" / "tables" / "__init__.py"
DEFAULT_OUT = "pytest_renacer/tables"
# The native headers on an x86_64 host; on another (an arm64 guest of tools/aarch64-vm)
# linux-libc-dev-amd64-cross's.  arm64's: linux-libc-dev-arm64-cross's, on any host.
X86_64_INCLUDE = ("/usr/x86_64-linux-gnu/include"
                  if not Path("/usr/include/x86_64-linux-gnu").is_dir()
                  and Path("/usr/x86_64-linux-gnu/include").is_dir() else "/usr/include")
AARCH64_INCLUDE = "/usr/aarch64-linux-gnu/include"

#: Architecture name -> (AUDIT_ARCH_* value, its macro name).
AUDIT_ARCHES: dict[str, tuple[int, str]] = {
    "x86_64": (0xC000003E, "AUDIT_ARCH_X86_64"),
    "aarch64": (0xC00000B7, "AUDIT_ARCH_AARCH64"),
}
MAX_ARGS = 6
LINE_LENGTH = 100


class GenError(Exception):
    """A problem in the inputs; the message says what and where."""


@dataclass(frozen=True)
class Signature:
    name: str
    args: tuple[tuple[str, str], ...]  # (argname, kind)
    ret: str
    classes: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class HeaderInfo:
    numbers: dict[str, int]
    source: str  # the header the numbers were read from
    version: str  # e.g. "6.1.4"


# --------------------------------------------------------------------------------------
# tables/__init__.py: ARG_KINDS and CLASSES, loaded without importing the package (whose
# __init__ pulls in the whole tracer).


def load_vocabulary(path: Path = TABLES_API) -> tuple[frozenset[str], frozenset[str]]:
    """ARG_KINDS and CLASSES of the tables API module, read from its source (executing it
    alone would fail: it imports its package's siblings)."""
    try:
        tree = ast.parse(path.read_text(), str(path))
    except (OSError, SyntaxError) as exc:
        raise GenError(f"cannot load {path}: {exc}") from exc
    found: dict[str, frozenset[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
        else:
            continue
        if name in ("ARG_KINDS", "CLASSES"):
            if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                    and value.func.id == "frozenset" and len(value.args) == 1):
                raise GenError(f"{path}: {name} must be frozenset({{...}}) of literals")
            found[name] = frozenset(str(k) for k in ast.literal_eval(value.args[0]))
    if set(found) != {"ARG_KINDS", "CLASSES"}:
        raise GenError(f"{path}: ARG_KINDS and CLASSES must be frozensets")
    return found["ARG_KINDS"], found["CLASSES"]


# --------------------------------------------------------------------------------------
# The signature file.

_LINE_RE = re.compile(
    r"""^(?P<name>[a-z_][a-z0-9_]*)(?:@(?P<arch>[a-z0-9_]+))?
        \((?P<args>[^()]*)\)\s*->\s*(?P<ret>[a-z0-9_]+)
        (?P<classes>(?:\s+%[a-z_]+)*)\s*$""",
    re.VERBOSE,
)
_ARG_RE = re.compile(r"^(?P<kind>[a-z0-9_]+(?::(?:[0-9]+|ret))?)\s+(?P<name>[a-z_][a-z0-9_]*)$")


def parse_signatures(
    text: str,
    arg_kinds: frozenset[str],
    classes: frozenset[str],
    filename: str = "syscall_signatures.txt",
) -> dict[str | None, dict[str, Signature]]:
    """Parse and validate the signature file.

    Returns {arch or None (all arches): {name: Signature}}; raises GenError listing
    every problem found.
    """
    result: dict[str | None, dict[str, Signature]] = {}
    errors: list[str] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{filename}:{lineno}"
        m = _LINE_RE.match(line)
        if m is None:
            errors.append(f"{where}: cannot parse {line!r}")
            continue
        name, arch = m["name"], m["arch"]
        if arch is not None and arch not in AUDIT_ARCHES:
            errors.append(f"{where}: unknown architecture {arch!r}")
        args: list[tuple[str, str]] = []
        arg_text = m["args"].strip()
        for index, part in enumerate(arg_text.split(",") if arg_text else ()):
            am = _ARG_RE.match(part.strip())
            if am is None:
                errors.append(f"{where}: {name}: bad argument {part.strip()!r}")
                continue
            kind, param = am["kind"], None
            if ":" in kind:
                param = kind.partition(":")[2]
            base = kind.partition(":")[0]
            if base not in arg_kinds:
                errors.append(f"{where}: {name}: unknown kind {base!r} (not in ARG_KINDS)")
            if param is not None and param != "ret":
                target = int(param)
                if target == index or target >= len(arg_text.split(",")):
                    errors.append(f"{where}: {name}: {kind!r} points at no other argument")
            args.append((am["name"], kind))
        if len(args) > MAX_ARGS:
            errors.append(f"{where}: {name}: more than {MAX_ARGS} arguments")
        argnames = [a for a, _ in args]
        if len(set(argnames)) != len(argnames):
            errors.append(f"{where}: {name}: duplicate argument names")
        ret = m["ret"]
        if ret not in arg_kinds:
            errors.append(f"{where}: {name}: unknown return kind {ret!r} (not in ARG_KINDS)")
        cls_list = [c.lstrip("%") for c in m["classes"].split()]
        for cls in cls_list:
            if cls not in classes:
                errors.append(f"{where}: {name}: unknown class %{cls} (not in CLASSES)")
        if len(set(cls_list)) != len(cls_list):
            errors.append(f"{where}: {name}: duplicate class")
        per_arch = result.setdefault(arch, {})
        if name in per_arch:
            errors.append(f"{where}: {name}: defined twice (first at line {per_arch[name].line})")
            continue
        per_arch[name] = Signature(name, tuple(args), ret, tuple(sorted(cls_list)), lineno)
    for arch, overrides in result.items():
        if arch is None:
            continue
        for name, sig in overrides.items():
            if name not in result.get(None, {}):
                errors.append(f"{filename}:{sig.line}: {name}@{arch} without a generic {name}")
    if errors:
        raise GenError("\n".join(errors))
    return result


# --------------------------------------------------------------------------------------
# Kernel headers.

_DEFINE_RE = re.compile(r"^#define[ \t]+(\w+)[ \t]+([^\n]*?)[ \t]*$", re.MULTILINE)


def header_version(include: Path) -> str:
    """The kernel version of the UAPI headers under ``include`` (from linux/version.h)."""
    path = include / "linux" / "version.h"
    try:
        defines = dict(_DEFINE_RE.findall(path.read_text()))
    except OSError as exc:
        raise GenError(f"cannot read {path}: {exc}") from exc
    parts = [defines.get(f"LINUX_VERSION_{p}") for p in ("MAJOR", "PATCHLEVEL", "SUBLEVEL")]
    if all(p is not None and p.isdigit() for p in parts):
        return ".".join(str(p) for p in parts)
    code = defines.get("LINUX_VERSION_CODE", "")
    if not code.isdigit():
        raise GenError(f"{path}: no LINUX_VERSION_CODE")
    value = int(code)
    # KERNEL_VERSION() caps the sublevel at 255.
    return f"{value >> 16}.{(value >> 8) & 0xFF}.{value & 0xFF}"


def _resolve_numbers(defines: dict[str, str], source: str) -> dict[str, int]:
    """__NR_name -> number, following aliases such as __NR_fcntl -> __NR3264_fcntl."""
    numbers: dict[str, int] = {}
    for macro, value in defines.items():
        if not macro.startswith("__NR_") or macro in ("__NR_syscalls",):
            continue
        name = macro.removeprefix("__NR_")
        if name == "arch_specific_syscall":  # asm-generic: the base of a range, no syscall
            continue
        seen = {macro}
        while not value.isdigit():
            if value not in defines or value in seen:
                raise GenError(f"{source}: cannot resolve {macro} ({value})")
            seen.add(value)
            value = defines[value]
        numbers[name] = int(value)
    if not numbers:
        raise GenError(f"{source}: no __NR_ definitions")
    by_nr: dict[int, str] = {}
    for name, nr in sorted(numbers.items()):
        if nr in by_nr:
            raise GenError(f"{source}: {name} and {by_nr[nr]} share number {nr}")
        by_nr[nr] = name
    return numbers


def read_x86_64(include: Path) -> HeaderInfo:
    """Numbers from asm/unistd_64.h (Debian's multiarch location first)."""
    candidates = [
        include / "x86_64-linux-gnu" / "asm" / "unistd_64.h",
        include / "asm" / "unistd_64.h",
    ]
    for path in candidates:
        if path.is_file():
            defines = dict(_DEFINE_RE.findall(path.read_text()))
            return HeaderInfo(
                _resolve_numbers(defines, str(path)), str(path), header_version(include)
            )
    raise GenError(
        "no x86_64 asm/unistd_64.h under "
        f"{include} (apt-get install linux-libc-dev, or pass --x86-64-include)"
    )


def read_aarch64(include: Path) -> HeaderInfo:
    """Numbers from arm64's asm/unistd.h, i.e. asm-generic/unistd.h with arm64's
    __ARCH_WANT_* macros, expanded by the C preprocessor."""
    unistd = include / "asm" / "unistd.h"
    if not (unistd.is_file() and (include / "asm-generic" / "unistd.h").is_file()):
        raise GenError(
            f"no arm64 asm/unistd.h under {include} "
            "(apt-get install linux-libc-dev-arm64-cross, or pass --aarch64-include)"
        )
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        raise GenError("the aarch64 table needs a C preprocessor (gcc or cc)")
    cmd = [cc, "-E", "-dM", "-nostdinc", "-I", str(include), "-include", "asm/unistd.h"]
    cmd += ["-x", "c", "/dev/null"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise GenError(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    defines = dict(_DEFINE_RE.findall(proc.stdout))
    if defines.get("__BITS_PER_LONG") != "64":
        raise GenError(f"{unistd}: __BITS_PER_LONG is not 64; not arm64 headers?")
    return HeaderInfo(_resolve_numbers(defines, str(unistd)), str(unistd), header_version(include))


# --------------------------------------------------------------------------------------
# Output: a Python module laid out the way ruff format would lay it out.


def _flat(value: object) -> str:
    if isinstance(value, tuple):
        if len(value) == 1:
            return f"({_flat(value[0])},)"
        return "(" + ", ".join(_flat(v) for v in value) + ")"
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, int):
        return str(value)
    raise TypeError(value)


def _layout(value: object, indent: str, suffix: str) -> list[str]:
    """Lines for ``value``: on one line if it fits, else one element per line."""
    flat = indent + _flat(value) + suffix
    if len(flat) <= LINE_LENGTH or not isinstance(value, tuple) or len(value) < 2:
        return [flat]
    lines = [indent + "("]
    for item in value:
        lines += _layout(item, indent + "    ", ",")
    lines.append(indent + ")" + suffix)
    return lines


def render_module(arch: str, header: HeaderInfo, entries: Iterable[tuple[int, Signature]]) -> str:
    audit_value, audit_name = AUDIT_ARCHES[arch]
    out = [
        f"# GENERATED by tools/gen_syscall_tables.py from {header.source}",
        f"# (Linux {header.version} UAPI headers) and tools/syscall_signatures.txt.",
        f"# Do not edit; regenerate with: python tools/gen_syscall_tables.py --out {DEFAULT_OUT}",
        f'"""Syscall table of {arch}: numbers, signatures and strace classes (generated)."""',
        "",
        f'ARCH = "{arch}"',
        f"AUDIT_ARCH = 0x{audit_value:08X}  # {audit_name}",
        f'KERNEL_HEADERS = "{header.version}"',
        "SYSCALLS = (  # (nr, name, ((argname, kind), ...), ret_kind, (class, ...)),",
    ]
    for nr, sig in entries:
        out += _layout((nr, sig.name, sig.args, sig.ret, sig.classes), "    ", ",")
    out.append(")")
    return "\n".join(out) + "\n"


def build(
    signatures: dict[str | None, dict[str, Signature]], headers: dict[str, HeaderInfo]
) -> dict[str, str]:
    """{arch: module text}; raises GenError naming every syscall without a signature."""
    generic = signatures.get(None, {})
    modules: dict[str, str] = {}
    missing: list[str] = []
    for arch, header in headers.items():
        override = signatures.get(arch, {})
        entries: list[tuple[int, Signature]] = []
        for name, nr in sorted(header.numbers.items(), key=lambda item: item[1]):
            sig = override.get(name) or generic.get(name)
            if sig is None:
                missing.append(f"{arch}: {name} (nr {nr})")
                continue
            entries.append((nr, sig))
        modules[arch] = render_module(arch, header, entries)
    if missing:
        raise GenError(
            "syscalls without a line in tools/syscall_signatures.txt:\n  " + "\n  ".join(missing)
        )
    return modules


def unused_signatures(
    signatures: dict[str | None, dict[str, Signature]], headers: dict[str, HeaderInfo]
) -> list[str]:
    """Signature lines no header in use defines (newer kernels, typos)."""
    known = {name for h in headers.values() for name in h.numbers}
    return sorted(set(signatures.get(None, {})) - known)


def write_or_check(path: Path, text: str, check: bool) -> bool:
    """Write a generated module, or with ``check`` compare the file with ``text``; True
    when it is stale (its unified diff printed).  The generators of tools/ share it."""
    if not check:
        path.write_text(text)
        return False
    current = path.read_text() if path.exists() else ""
    if current == text:
        return False
    sys.stdout.writelines(difflib.unified_diff(
        current.splitlines(True), text.splitlines(True), str(path), "generated"))
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", default=DEFAULT_OUT, help="output directory [%(default)s]")
    parser.add_argument("--signatures", default=str(SIGNATURES), help="signature file")
    parser.add_argument(
        "--x86-64-include", default=X86_64_INCLUDE, help="x86_64 UAPI include dir [%(default)s]"
    )
    parser.add_argument(
        "--aarch64-include", default=AARCH64_INCLUDE, help="arm64 UAPI include dir [%(default)s]"
    )
    parser.add_argument(
        "--check", action="store_true", help="compare with the files in --out; exit 1 if stale"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list unused signatures")
    args = parser.parse_args(argv)

    try:
        arg_kinds, classes = load_vocabulary()
        sig_path = Path(args.signatures)
        signatures = parse_signatures(sig_path.read_text(), arg_kinds, classes, sig_path.name)
        headers = {
            "x86_64": read_x86_64(Path(args.x86_64_include)),
            "aarch64": read_aarch64(Path(args.aarch64_include)),
        }
        modules = build(signatures, headers)
    except (GenError, OSError) as exc:
        print(f"gen_syscall_tables: error: {exc}", file=sys.stderr)
        return 2

    out = Path(args.out)
    if not out.is_absolute() and not out.exists():
        out = ROOT / out
    stale = False
    for arch, text in modules.items():
        path = out / f"{arch}.py"
        stale |= write_or_check(path, text, args.check)
        count = len(headers[arch].numbers)
        print(f"{path}: {count} syscalls (Linux {headers[arch].version} headers)")
    if args.verbose:
        for name in unused_signatures(signatures, headers):
            print(f"note: {name} has a signature but no number in these headers")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
