"""The generated syscall tables: numbers, signatures, strace classes, freshness."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from timescale import kill_group, scaled
from tool_module import tool_module

from pytest_renacer.tables import (
    ARG_KINDS,
    CLASSES,
    SyscallTable,
    host_arch,
    table_for,
)

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "tools" / "gen_syscall_tables.py"
TABLES_DIR = ROOT / "pytest_renacer" / "tables"
ARCHES = ("x86_64", "aarch64")


@pytest.fixture(scope="module")
def gen() -> Iterator[ModuleType]:
    yield from tool_module(GENERATOR)


def _module(arch: str) -> ModuleType:
    return importlib.import_module(f"pytest_renacer.tables.{arch}")


# --------------------------------------------------------------------------------------
# Loading and numbers


@pytest.mark.parametrize("arch", ARCHES)
def test_table_loads(arch: str) -> None:
    table = table_for(arch)
    assert isinstance(table, SyscallTable)
    assert table.arch == arch
    assert len(table) > 250
    assert len(table.by_name) == len(table.by_nr) == len(table)
    mod = _module(arch)
    assert arch == mod.ARCH
    assert table.audit_arch == {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}[arch]
    # sorted by number, no duplicates
    nrs = [entry[0] for entry in mod.SYSCALLS]
    assert nrs == sorted(set(nrs))


def test_aliases_and_host() -> None:
    assert table_for("amd64") is table_for("x86_64")
    assert table_for("arm64") is table_for("aarch64")
    if host_arch() in ARCHES:
        assert table_for() is table_for(host_arch())
    with pytest.raises(ValueError, match="sparc"):
        table_for("sparc")


def test_x86_64_numbers() -> None:
    t = table_for("x86_64")
    expected = {
        "read": 0, "write": 1, "open": 2, "close": 3, "stat": 4, "mmap": 9, "ioctl": 16,
        "clone": 56, "fork": 57, "execve": 59, "exit": 60, "kill": 62, "getuid": 102,
        "arch_prctl": 158, "futex": 202, "getdents64": 217, "exit_group": 231,
        "openat": 257, "newfstatat": 262, "statx": 332, "rseq": 334, "clone3": 435,
        "openat2": 437, "faccessat2": 439,
    }  # fmt: skip
    assert {name: t.by_name[name].nr for name in expected} == expected
    assert t.name(257) == "openat"
    assert t.by_nr[0].name == "read"


def test_aarch64_numbers() -> None:
    t = table_for("aarch64")
    expected = {
        "io_setup": 0, "getcwd": 17, "fcntl": 25, "ioctl": 29, "unlinkat": 35,
        "renameat": 38, "fstatfs": 44, "openat": 56, "close": 57, "lseek": 62, "read": 63,
        "write": 64, "newfstatat": 79, "fstat": 80, "exit": 93, "exit_group": 94,
        "futex": 98, "kill": 129, "rt_sigreturn": 139, "getpid": 172, "socket": 198,
        "brk": 214, "clone": 220, "execve": 221, "mmap": 222, "wait4": 260,
        "prlimit64": 261, "statx": 291, "rseq": 293, "clone3": 435, "memfd_secret": 447,
        "set_mempolicy_home_node": 450,
    }  # fmt: skip
    assert {name: t.by_name[name].nr for name in expected} == expected
    # Legacy calls asm-generic leaves out, and x86-only ones.
    for absent in ("open", "stat", "lstat", "fork", "vfork", "pipe", "poll", "select",
                   "dup2", "access", "arch_prctl", "getdents", "epoll_wait", "time"):  # fmt: skip
        assert absent not in t.by_name
    # No asm-generic placeholder leaks in.
    assert "arch_specific_syscall" not in t.by_name
    assert "syscalls" not in t.by_name


def test_clone_argument_order_per_arch() -> None:
    x86 = [a.name for a in table_for("x86_64").by_name["clone"].args]
    arm = [a.name for a in table_for("aarch64").by_name["clone"].args]
    assert x86 == ["flags", "newsp", "parent_tid", "child_tid", "tls"]
    assert arm == ["flags", "newsp", "parent_tid", "tls", "child_tid"]  # CLONE_BACKWARDS


def test_unknown_numbers_get_a_name() -> None:
    t = table_for("x86_64")
    assert t.name(9999) == "syscall_0x270f"
    assert t.name(400) == "syscall_0x190"  # a hole in the x86_64 table
    assert t.name(-1) == "syscall_0xffffffffffffffff"
    assert table_for("aarch64").name(9999) == "syscall_0x270f"


# --------------------------------------------------------------------------------------
# Signatures


@pytest.mark.parametrize("arch", ARCHES)
def test_every_kind_and_class_is_known(arch: str) -> None:
    for info in table_for(arch).by_nr.values():
        assert len(info.args) <= 6, info.name
        assert info.ret in ARG_KINDS, (info.name, info.ret)
        assert info.classes <= CLASSES, (info.name, info.classes)
        for index, arg in enumerate(info.args):
            assert arg.base in ARG_KINDS, (info.name, arg)
            if arg.param is not None and arg.param != "ret":
                target = int(arg.param)
                assert target != index and target < len(info.args), (info.name, arg)


def test_common_signatures() -> None:
    t = table_for("x86_64")

    def sig(name: str) -> list[tuple[str, str]]:
        return [(a.name, a.kind) for a in t.by_name[name].args]

    assert sig("read") == [("fd", "fd"), ("buf", "buf_out:ret"), ("count", "size")]
    assert sig("write") == [("fd", "fd"), ("buf", "buf_in:2"), ("count", "size")]
    assert [k for _, k in sig("openat")] == ["dirfd", "path", "open_flags", "mode"]
    assert [k for _, k in sig("connect")] == ["fd", "sockaddr:2", "int"]
    assert [k for _, k in sig("execve")] == ["path", "argv", "envp"]
    assert [k for _, k in sig("rt_sigprocmask")] == ["sig_how", "sigset:3", "sigset_out:3", "size"]
    assert t.by_name["mmap"].ret == "hex"
    assert t.by_name["brk"].ret == "hex"
    assert t.by_name["openat"].ret == "fd"
    assert t.by_name["read"].ret == "ssize"
    assert t.by_name["getpid"].args == ()


# --------------------------------------------------------------------------------------
# Classes


def test_class_members_well_known() -> None:
    t = table_for("x86_64")

    def classes(name: str) -> set[str]:
        return set(t.by_name[name].classes)

    assert classes("openat") == {"file", "desc"}
    assert classes("read") == {"desc"}
    assert classes("mmap") == {"memory", "desc"}
    assert classes("socket") == {"network"}
    assert classes("sendfile") == {"network", "desc"}
    assert classes("kill") == {"signal", "process"}
    assert classes("getuid") == {"creds", "pure"}
    assert classes("getpid") == {"pure"}
    assert classes("clock_gettime") == {"clock"}
    assert classes("nanosleep") == set()
    assert classes("stat") == {"file", "stat", "stat_like"}
    assert classes("lstat") == {"file", "lstat", "stat_like"}
    assert classes("fstat") == {"desc", "fstat", "stat_like"}
    # strace counts newfstatat and statx as %fstat, not %stat.
    assert classes("newfstatat") == {"file", "desc", "fstat", "stat_like"}
    assert classes("statx") == {"file", "desc", "fstat", "stat_like"}
    assert classes("ustat") == {"statfs_like"}
    assert classes("execve") == {"file", "process"}
    assert classes("shmat") == {"ipc", "memory"}
    assert classes("close_range") == set()


def test_members_spellings() -> None:
    t = table_for("x86_64")
    assert t.members("%network") == t.members("network") == t.members("net")
    assert t.members("%net") == t.members("network")
    assert "connect" in t.members("%net")
    assert t.members("%%stat") == {"stat", "lstat", "fstat", "newfstatat", "statx"}
    assert t.members("%%statfs") == {"statfs", "fstatfs", "ustat"}
    assert t.members("%stat") == {"stat"}
    assert t.members("%fstat") == {"fstat", "newfstatat", "statx"}
    arm = table_for("aarch64")
    assert arm.members("%%stat") == {"fstat", "newfstatat", "statx"}
    assert arm.members("%pure") == {"getpid", "getppid", "gettid", "getuid", "geteuid",
                                    "getgid", "getegid"}  # fmt: skip


# --- against strace itself ---------------------------------------------------------------
# strace -d prints the seccomp-bpf program it builds for -e trace=EXPR; running that
# program over every syscall number gives strace's exact set for a class.

_INSN_RE = re.compile(r"^\S*strace: (STMT|JUMP)\((BPF_\w+)(?:, (.*))?\)$")
_STRACE_CLASSES = {
    "file": "%file", "process": "%process", "network": "%network", "signal": "%signal",
    "ipc": "%ipc", "desc": "%desc", "memory": "%memory", "creds": "%creds",
    "stat": "%stat", "lstat": "%lstat", "fstat": "%fstat", "stat_like": "%%stat",
    "statfs": "%statfs", "fstatfs": "%fstatfs", "statfs_like": "%%statfs",
    "clock": "%clock", "pure": "%pure",
}  # fmt: skip


class _BpfUnparsable(Exception):
    pass


def _parse_bpf(stderr: str) -> list[tuple[str, str, list[str]]]:
    insns = []
    for line in stderr.splitlines():
        m = _INSN_RE.match(line)
        if m:
            args = [a.strip() for a in m[3].split(",")] if m[3] else []
            insns.append((m[1], m[2], args))
    if not insns:
        raise _BpfUnparsable("no BPF dump")
    return insns


def _run_bpf(insns: list[tuple[str, str, list[str]]], nr: int, arch: int) -> bool:
    """True when the program returns SECCOMP_RET_TRACE for (nr, arch)."""
    a = x = pc = 0
    for _ in range(10_000):
        kind, op, args = insns[pc]
        pc += 1
        if kind == "STMT":
            if op == "BPF_LDWABS":
                a = {"data->nr": nr, "data->arch": arch}[args[0]]
            elif op == "BPF_LDWIMM":
                a = int(args[0], 0)
            elif op == "BPF_AND":
                a &= int(args[0], 0)
            elif op in ("BPF_LSH", "BPF_RSH"):
                shift = x if args[0] == "X" else int(args[0], 0)
                a = (a << shift) & 0xFFFFFFFF if op == "BPF_LSH" else a >> shift
            elif op == "BPF_TAX":
                x = a
            elif op == "BPF_TXA":
                a = x
            elif op == "BPF_RET":
                return args[0] == "SECCOMP_RET_TRACE"
            else:
                raise _BpfUnparsable(op)
        elif op == "BPF_JA":
            pc += int(args[0], 0)
        else:
            jt, jf, k = (int(v, 0) for v in args)
            taken = {
                "BPF_JEQ": a == k,
                "BPF_JGE": a >= k,
                "BPF_JGT": a > k,
                "BPF_JSET": bool(a & k),
            }.get(op)
            if taken is None:
                raise _BpfUnparsable(op)
            pc += jt if taken else jf
    raise _BpfUnparsable("no RET reached")


@pytest.fixture(scope="module")
def strace_sets() -> dict[str, frozenset[str]]:
    """{class or "/.*" or "getpid": names strace traces}, for this machine's arch."""
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed")
    if host_arch() not in ARCHES:
        pytest.skip(f"no table for {host_arch()}")
    table = table_for()
    exprs = {"all": "/.*", "getpid": "getpid", **_STRACE_CLASSES}
    # -d makes strace print the seccomp-bpf program it installs for -e trace=EXPR.
    command = [strace, "-d", "-f", "--seccomp-bpf", "-qq", "-o", "/dev/null"]
    procs = {
        key: subprocess.Popen(
            [*command, "-e", f"trace={expr}", "true"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for key, expr in exprs.items()
    }
    # Wait for every strace; one past the time limit is killed with its process group
    # (killing strace alone would orphan its stopped, not yet traced child).
    outputs: dict[str, tuple[int, str]] = {}
    for key, proc in procs.items():
        try:
            _, stderr = proc.communicate(timeout=scaled(30))
        except subprocess.TimeoutExpired:
            kill_group(proc)
            stderr = f"timed out after {scaled(30):.0f} s"
        outputs[key] = (proc.returncode, stderr)
    sets: dict[str, frozenset[str]] = {}
    try:
        for key, (returncode, stderr) in outputs.items():
            if returncode != 0:
                pytest.skip(f"strace cannot run here: {stderr.strip().splitlines()[-1:]}")
            insns = _parse_bpf(stderr)
            sets[key] = frozenset(
                info.name
                for nr, info in table.by_nr.items()
                if _run_bpf(insns, nr, table.audit_arch)
            )
    except _BpfUnparsable as exc:
        pytest.skip(f"cannot read strace's seccomp-bpf dump: {exc}")
    if "read" not in sets["all"]:
        pytest.skip("strace's seccomp-bpf dump did not parse as expected")
    return sets


@pytest.mark.parametrize("cls", sorted(_STRACE_CLASSES))
def test_classes_match_strace(cls: str, strace_sets: dict[str, frozenset[str]]) -> None:
    table = table_for()
    # strace traces a few syscalls (execve, execveat) whatever the expression: it must
    # see them to follow the tracee; they are in every set, so leave them out here.
    always = strace_sets["getpid"] - {"getpid"}
    known = strace_sets["all"]  # syscalls this strace knows; newer ones it cannot class
    ours = {name for name in table.members(cls) if name in known} - always
    theirs = strace_sets[cls] - always
    assert ours == theirs, f"ours only: {sorted(ours - theirs)}, strace's: {sorted(theirs - ours)}"


def test_strace_knows_all_of_ours(strace_sets: dict[str, frozenset[str]]) -> None:
    # Not a strict requirement (a newer kernel than the strace), but it is the case with
    # the 6.1 headers and strace 6.1 this was written against.
    missing = set(table_for().by_name) - strace_sets["all"]
    if missing:
        pytest.skip(f"this strace does not know {sorted(missing)}")


# --------------------------------------------------------------------------------------
# The generator


def test_generated_modules_are_fresh(gen: ModuleType, tmp_path: Path) -> None:
    """Re-running the generator on this machine's headers reproduces the committed files."""
    try:
        headers = {
            "x86_64": gen.read_x86_64(Path(gen.X86_64_INCLUDE)),
            "aarch64": gen.read_aarch64(Path(gen.AARCH64_INCLUDE)),
        }
    except gen.GenError as exc:
        pytest.skip(f"kernel headers unavailable: {exc}")
    for arch, header in headers.items():
        committed = _module(arch).KERNEL_HEADERS
        if header.version != committed:
            pytest.skip(f"{arch} headers here are {header.version}, tables from {committed}")
    assert gen.main(["--out", str(tmp_path)]) == 0
    for arch in ARCHES:
        assert (tmp_path / f"{arch}.py").read_text() == (TABLES_DIR / f"{arch}.py").read_text()


@pytest.mark.parametrize("arch", ARCHES)
def test_numbers_match_headers(gen: ModuleType, arch: str) -> None:
    """Syscall numbers never change: every entry matches whatever headers are here."""
    try:
        if arch == "x86_64":
            header = gen.read_x86_64(Path(gen.X86_64_INCLUDE))
        else:
            header = gen.read_aarch64(Path(gen.AARCH64_INCLUDE))
    except gen.GenError as exc:
        pytest.skip(f"kernel headers unavailable: {exc}")
    table = table_for(arch)
    common = set(table.by_name) & set(header.numbers)  # older headers may lack a few
    assert len(common) > 250
    assert {n: header.numbers[n] for n in common} == {n: table.by_name[n].nr for n in common}


def test_generator_rejects_bad_input(gen: ModuleType) -> None:
    kinds, classes = frozenset({"int", "fd", "buf_in"}), frozenset({"desc"})
    ok = gen.parse_signatures("write(fd fd, buf_in:2 buf, int n) -> int  %desc\n", kinds, classes)
    assert ok[None]["write"].args == (("fd", "fd"), ("buf", "buf_in:2"), ("n", "int"))
    bad = {
        "f(bogus x) -> int": "unknown kind 'bogus'",
        "f(int x) -> bogus": "unknown return kind",
        "f(int x) -> int  %nope": "unknown class %nope",
        "f(buf_in:0 x) -> int": "points at no other argument",
        "f(int x, int x) -> int": "duplicate argument",
        "f(int x) -> int\nf(int y) -> int": "defined twice",
        "f@sparc(int x) -> int": "unknown architecture",
        "f(int x": "cannot parse",
    }
    for text, message in bad.items():
        with pytest.raises(gen.GenError, match=re.escape(message)):
            gen.parse_signatures(text, kinds, classes)


def test_generator_requires_every_syscall(gen: ModuleType) -> None:
    sigs = gen.parse_signatures("read(fd fd) -> int\n", frozenset({"fd", "int"}), frozenset())
    header = gen.HeaderInfo({"read": 0, "frobnicate": 1}, "test.h", "9.9.9")
    with pytest.raises(gen.GenError, match=r"x86_64: frobnicate \(nr 1\)"):
        gen.build(sigs, {"x86_64": header})
    text = gen.build(sigs, {"x86_64": gen.HeaderInfo({"read": 0}, "test.h", "9.9.9")})["x86_64"]
    namespace: dict[str, object] = {}
    exec(compile(text, "x86_64.py", "exec"), namespace)
    assert namespace["SYSCALLS"] == ((0, "read", (("fd", "fd"),), "int", ()),)
    assert namespace["KERNEL_HEADERS"] == "9.9.9"
