"""The seccomp-bpf program builder."""

from __future__ import annotations

import struct

import pytest

from pytest_renacer.tracer import seccomp

INSN = struct.Struct("=HBBI")


def _decode(prog: bytes) -> list[tuple[int, int, int, int]]:
    return [INSN.unpack_from(prog, i) for i in range(0, len(prog), INSN.size)]


def _run(prog: bytes, arch: int, nr: int) -> int:
    """A tiny classic-BPF interpreter for the instructions the builder emits."""
    insns = _decode(prog)
    pc, acc = 0, 0
    while True:
        code, jt, jf, k = insns[pc]
        if code == seccomp.BPF_LD_W_ABS:
            acc = {0: nr, 4: arch}[k]
            pc += 1
        elif code == seccomp.BPF_JEQ_K:
            pc += 1 + (jt if acc == k else jf)
        elif code == seccomp.BPF_RET_K:
            return k
        else:
            raise AssertionError(f"unexpected instruction {code:#x}")


ARCH = 0xC000003E


def test_selected_syscalls_trace_others_run_free():
    prog = seccomp.build_filter(ARCH, {0, 1, 257})
    for nr in (0, 1, 257):
        assert _run(prog, ARCH, nr) == seccomp.SECCOMP_RET_TRACE
    for nr in (2, 3, 256, 999):
        assert _run(prog, ARCH, nr) == seccomp.SECCOMP_RET_ALLOW


def test_inverted_selection():
    prog = seccomp.build_filter(ARCH, {1}, invert=True)
    assert _run(prog, ARCH, 1) == seccomp.SECCOMP_RET_ALLOW
    assert _run(prog, ARCH, 0) == seccomp.SECCOMP_RET_TRACE
    assert _run(prog, ARCH, 5000) == seccomp.SECCOMP_RET_TRACE


def test_count_mode_traces_everything():
    prog = seccomp.build_filter(ARCH, None)
    assert all(_run(prog, ARCH, nr) == seccomp.SECCOMP_RET_TRACE for nr in range(0, 500, 7))


def test_foreign_arch_is_always_traced():
    prog = seccomp.build_filter(ARCH, {1})
    assert _run(prog, 0x40000003, 1) == seccomp.SECCOMP_RET_TRACE  # i386
    assert _run(prog, 0x40000003, 2) == seccomp.SECCOMP_RET_TRACE


def test_too_many_syscalls_is_an_error():
    with pytest.raises(ValueError, match="too long"):
        seccomp.build_filter(ARCH, range(3000))
