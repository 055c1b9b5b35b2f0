"""A seccomp-bpf program that makes the kernel stop the tracee only on chosen syscalls.

Selected syscalls return SECCOMP_RET_TRACE (a PTRACE_EVENT_SECCOMP stop); all others
SECCOMP_RET_ALLOW and run at native speed.  A foreign-arch syscall (i386 int 0x80 in an
x86_64 process) is always traced, since the numbers we compare mean something else there.
"""

from __future__ import annotations

import ctypes
import struct
from collections.abc import Iterable

from . import kernel as K

# the kernel's numbers, generated from the UAPI headers (tools/tracer_constants.txt)
BPF_LD_W_ABS = K.BPF_LD_W_ABS  # BPF_LD | BPF_W | BPF_ABS
BPF_JEQ_K = K.BPF_JEQ_K  # BPF_JMP | BPF_JEQ | BPF_K
BPF_RET_K = K.BPF_RET_K  # BPF_RET | BPF_K

SECCOMP_RET_TRACE = K.SECCOMP_RET_TRACE
SECCOMP_RET_ALLOW = K.SECCOMP_RET_ALLOW
PR_SET_NO_NEW_PRIVS = K.PR_SET_NO_NEW_PRIVS
PR_SET_SECCOMP = K.PR_SET_SECCOMP
SECCOMP_MODE_FILTER = K.SECCOMP_MODE_FILTER
BPF_MAXINSNS = K.BPF_MAXINSNS

_insn = struct.Struct("=HBBI")


def build_filter(audit_arch: int, nrs: Iterable[int] | None, *, invert: bool = False) -> bytes:
    """The BPF program as bytes: trace ``nrs`` (every other syscall when ``invert``);
    ``nrs=None`` traces every syscall (count-only mode)."""
    prog = [
        (BPF_LD_W_ABS, 0, 0, K.SECCOMP_DATA_ARCH),
        (BPF_JEQ_K, 1, 0, audit_arch),
        (BPF_RET_K, 0, 0, SECCOMP_RET_TRACE),
        (BPF_LD_W_ABS, 0, 0, K.SECCOMP_DATA_NR),
    ]
    if nrs is None:
        prog.append((BPF_RET_K, 0, 0, SECCOMP_RET_TRACE))
    else:
        hit, miss = (SECCOMP_RET_ALLOW, SECCOMP_RET_TRACE) if invert else (
            SECCOMP_RET_TRACE, SECCOMP_RET_ALLOW)
        for nr in sorted(set(nrs)):
            prog.append((BPF_JEQ_K, 0, 1, nr))
            prog.append((BPF_RET_K, 0, 0, hit))
        prog.append((BPF_RET_K, 0, 0, miss))
    if len(prog) > BPF_MAXINSNS:
        raise ValueError(f"seccomp program too long ({len(prog)} instructions)")
    return b"".join(_insn.pack(*i) for i in prog)


SECCOMP_RET_ERRNO = K.SECCOMP_RET_ERRNO
EPERM = K.EPERM


def deny_filter(audit_arch: int, nr: int, first_arg: int) -> bytes:
    """A program that fails syscall ``nr`` with EPERM when its first argument is
    ``first_arg`` (e.g. ptrace(PTRACE_SEIZE, ...)): a testing aid that makes the kernel
    refuse what a Yama ptrace_scope of 2 or 3, or a container, would refuse."""
    prog = [
        (BPF_LD_W_ABS, 0, 0, K.SECCOMP_DATA_ARCH),
        (BPF_JEQ_K, 1, 0, audit_arch),
        (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        (BPF_LD_W_ABS, 0, 0, K.SECCOMP_DATA_NR),
        (BPF_JEQ_K, 0, 3, nr),
        (BPF_LD_W_ABS, 0, 0, K.SECCOMP_DATA_ARGS),  # args[0]'s low 32 bits (little-endian)
        (BPF_JEQ_K, 0, 1, first_arg),
        (BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | EPERM),
        (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ]
    return b"".join(_insn.pack(*i) for i in prog)


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


class PreparedFilter:
    """A program laid out in C memory before fork, so the child only makes one prctl call."""

    def __init__(self, program: bytes) -> None:
        self._code = ctypes.create_string_buffer(program, len(program))
        self._fprog = _SockFprog(len(program) // _insn.size, ctypes.addressof(self._code))
        self.address = ctypes.addressof(self._fprog)

    def install(self) -> None:
        """Install in the calling process (the forked child, before execve)."""
        from .ptrace import prctl

        try:
            prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, self.address)
        except PermissionError:
            # Without CAP_SYS_ADMIN the kernel demands no_new_privs first.
            prctl(PR_SET_NO_NEW_PRIVS, 1)
            prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, self.address)
