"""cfi.py against readelf's decoded frames (libc's .eh_frame, gcc's .debug_frame), hand-made
CIE/FDE bytes for every pointer encoding, augmentation and CFA opcode, and eval_expr
against expected values of each DWARF stack operation."""

from __future__ import annotations

import platform
import re
import struct
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from leb128_encode import sleb, uleb

from pytest_renacer.source.cfi import (
    EXPRESSION,
    OFFSET,
    REGISTER,
    UNDEFINED,
    VAL_EXPRESSION,
    VAL_OFFSET,
    CFITable,
    Rule,
    eval_expr,
)
from pytest_renacer.source.elf import load_image

LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6"

_X86_REGS = {"rax": 0, "rdx": 1, "rcx": 2, "rbx": 3, "rsi": 4, "rdi": 5, "rbp": 6, "rsp": 7,
             **{f"r{i}": i for i in range(8, 16)}, "ra": 16}
_AARCH64_REGS = {**{f"x{i}": i for i in range(31)}, "sp": 31, "ra": 30}
#: readelf's register names in this machine's binaries (the programs built here)
_NATIVE_REGS = _AARCH64_REGS if platform.machine() == "aarch64" else _X86_REGS


# -- readelf --debug-dump=frames-interp as an independent reference -----------------------


@dataclass
class RefFDE:
    section: str
    lo: int
    hi: int
    cols: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (loc, [cfa, *cells])


def readelf_frames(path: str) -> list[RefFDE]:
    # readelf exits with 1 on libc (a warning it does not print); the dump is complete
    out = subprocess.run(["readelf", "-W", "--debug-dump=frames-interp", path],
                         capture_output=True, text=True).stdout
    assert "Contents of the" in out
    fdes: list[RefFDE] = []
    section = ""
    cur: RefFDE | None = None
    for line in out.splitlines():
        m = re.match(r"Contents of the (\S+) section", line)
        if m:
            section = m.group(1)
            continue
        m = re.search(r" FDE cie=\w+ pc=([0-9a-f]+)\.\.([0-9a-f]+)", line)
        if m:
            cur = RefFDE(section, int(m.group(1), 16), int(m.group(2), 16), [])
            fdes.append(cur)
            continue
        if " CIE " in line or not line.strip():
            if " CIE " in line:
                cur = None
            continue
        if cur is None:
            continue
        if line.strip().startswith("LOC"):
            cur.cols = line.split()[2:]
            continue
        cells = re.findall(r"r\d+ \(\w+\)|\S+", line)
        if len(cells) == len(cur.cols) + 2:
            cur.rows.append((int(cells[0], 16), cells[1:]))
    return fdes


def check_row(rule: Rule | None, cols: list[str], cells: list[str]) -> None:
    """The rule says what readelf's row says: CFA and every register column."""
    assert rule is not None
    cfa = cells[0]
    if cfa == "exp":
        assert rule.cfa_expr is not None
    else:
        m = re.fullmatch(r"(\w+)([+-]\d+)", cfa)
        assert m is not None, cfa
        assert rule.cfa_expr is None
        assert (rule.cfa_reg, rule.cfa_off) == (_NATIVE_REGS[m.group(1)], int(m.group(2)))
    got = {r: (k, a) for r, k, a in rule.regs}
    for name, cell in zip(cols, cells[1:], strict=True):
        reg = _NATIVE_REGS[name]
        have = got.pop(reg, None)
        if cell == "u":
            assert have is None or have[0] == UNDEFINED, (name, have)
        elif cell == "s":
            assert have is None, (name, have)
        elif cell == "exp":
            assert have is not None and have[0] == EXPRESSION
        elif cell == "vexp":
            assert have is not None and have[0] == VAL_EXPRESSION
        elif cell.startswith("c"):
            assert have == (OFFSET, int(cell[1:])), (name, cell, have)
        elif cell.startswith("v"):
            assert have == (VAL_OFFSET, int(cell[1:])), (name, cell, have)
        else:
            m = re.fullmatch(r"r(\d+) \(\w+\)", cell)
            assert m is not None, cell
            assert have == (REGISTER, int(m.group(1))), (name, cell, have)
    assert not got, f"rules readelf does not show: {got}"


def _eh_table(path: str, *, with_hdr: bool = True) -> CFITable:
    img = load_image(path)
    data = img.section(".eh_frame")
    assert data is not None
    hdr = img.section(".eh_frame_hdr") if with_hdr else None
    hdr_addr = img.sections[".eh_frame_hdr"][0] if hdr else 0
    return CFITable(data, img.sections[".eh_frame"][0], is_eh=True, hdr=hdr, hdr_addr=hdr_addr)


needs_libc = pytest.mark.skipif(not Path(LIBC).exists(), reason="no x86_64 glibc here")


@pytest.fixture(scope="module")
def libc_ref() -> list[RefFDE]:
    return [f for f in readelf_frames(LIBC) if f.section == ".eh_frame"]


@pytest.fixture(scope="module")
def libc_eh() -> CFITable:
    return _eh_table(LIBC)


@needs_libc
def test_libc_eh_frame_agrees_with_readelf(libc_eh: CFITable, libc_ref: list[RefFDE]) -> None:
    """Every 5th FDE of libc: every row at its first address, at its last, and the range
    edges (the FDE's end belongs to the next FDE or to none)."""
    assert len(libc_ref) > 1000
    checked = 0
    for ref in libc_ref[::5]:
        if not ref.rows or ref.hi <= ref.lo:
            continue
        ends = [loc for loc, _ in ref.rows[1:]] + [ref.hi]
        for (loc, cells), nxt in zip(ref.rows, ends, strict=True):
            check_row(libc_eh.rule_for(loc), ref.cols, cells)
            check_row(libc_eh.rule_for(nxt - 1), ref.cols, cells)
            checked += 1
    assert checked > 1000
    # outside every FDE: below the first, above the last
    lo = min(f.lo for f in libc_ref)
    hi = max(f.hi for f in libc_ref)
    assert libc_eh.rule_for(lo - 1) is None
    assert libc_eh.rule_for(hi) is None
    assert libc_eh.rule_for(0) is None


@needs_libc
def test_libc_index_by_scan_equals_index_from_hdr(libc_ref: list[RefFDE]) -> None:
    """Without .eh_frame_hdr the FDEs are found by scanning: same rules."""
    scanned = _eh_table(LIBC, with_hdr=False)
    hdr = _eh_table(LIBC)
    for ref in libc_ref[::37]:
        for loc, cells in ref.rows:
            check_row(scanned.rule_for(loc), ref.cols, cells)
            assert repr(scanned.rule_for(loc)) == repr(hdr.rule_for(loc))


@needs_libc
def test_signal_trampoline_uses_expressions(libc_eh: CFITable,
                                            libc_ref: list[RefFDE]) -> None:
    """__restore_rt's FDE (CIE "zRS"): signal frame, CFA and registers as expressions that
    read the saved ucontext: CFA = *(rsp + 160) (uc_mcontext.rsp)."""
    sig = [f for f in libc_ref if f.rows and f.rows[0][1][0] == "exp" and len(f.cols) >= 17]
    assert sig, "no signal trampoline FDE in libc"
    ref = sig[0]
    rule = libc_eh.rule_for(ref.lo)
    assert rule is not None and rule.signal and rule.has_expr and not rule.simple
    assert rule.cfa_expr is not None
    assert "S" in repr(rule) and "expr" in repr(rule)
    mem = {0x7000 + 160: 0xABCDE0}
    regs = {7: 0x7000}
    assert eval_expr(rule.cfa_expr, regs.get, mem.get) == 0xABCDE0
    # the return address is read from the saved rip: an address computed from rsp
    ra = dict((r, (k, a)) for r, k, a in rule.regs)[16]
    assert ra[0] == EXPRESSION
    addr = eval_expr(ra[1], regs.get, mem.get)  # type: ignore[arg-type]
    assert addr is not None and 0x7000 < addr < 0x7000 + 1024


@needs_libc
def test_ordinary_frame_is_simple(libc_eh: CFITable, libc_ref: list[RefFDE]) -> None:
    ref = next(f for f in libc_ref if f.rows and f.rows[0][1][0] == "rsp+8")
    rule = libc_eh.rule_for(ref.lo)
    assert rule is not None and rule.simple and rule.ra_off == -8 and not rule.signal
    assert repr(rule).startswith("<Rule cfa=r7+8")


def test_debug_frame_of_gcc_agrees_with_readelf(build: Callable[..., str]) -> None:
    """-fno-asynchronous-unwind-tables: the program's own code has .debug_frame only
    (and -fno-unwind-tables: aarch64's gcc makes unwind tables by default)."""
    exe = build("src_sites", "-O2", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables")
    refs = [f for f in readelf_frames(exe) if f.section == ".debug_frame"]
    assert refs
    img = load_image(exe)
    data = img.debug_section(".debug_frame")
    assert data is not None
    table = CFITable(data, 0, is_eh=False)
    rows = 0
    for ref in refs:
        for loc, cells in ref.rows:
            check_row(table.rule_for(loc), ref.cols, cells)
            rows += 1
        assert table.rule_for(ref.hi) is None or any(f.lo == ref.hi for f in refs)
    assert rows >= len(refs)
    # the functions with .debug_frame are not in .eh_frame
    eh = _eh_table(exe)
    assert all(eh.rule_for(ref.lo) is None for ref in refs)


# -- hand-made CIEs and FDEs -----------------------------------------------------------


INIT = bytes([0x0C, 7, 8, 0x90, 1])  # def_cfa rsp+8; ra at cfa-8


def cie(aug: bytes = b"zR", aug_data: bytes = b"\x1b", *, version: int = 1,
        init: bytes = INIT, e: str = "<", debug: bool = False, dwarf64: bool = False) -> bytes:
    body = bytes([version]) + aug + b"\0"
    if version >= 4:
        body += bytes([8, 0])
    body += uleb(1) + sleb(-8) + (bytes([16]) if version == 1 else uleb(16))
    if aug.startswith(b"z"):
        body += uleb(len(aug_data)) + aug_data
    body += init
    if dwarf64:
        body = struct.pack(e + "Q", 0xFFFFFFFFFFFFFFFF if debug else 0) + body
        body += b"\0" * (-(len(body) + 12) % 8)
        return struct.pack(e + "IQ", 0xFFFFFFFF, len(body)) + body
    body = struct.pack(e + "I", 0xFFFFFFFF if debug else 0) + body
    body += b"\0" * (-(len(body) + 4) % 8)
    return struct.pack(e + "I", len(body)) + body


def fde(at: int, cie_at: int, ptrs: Callable[[int], bytes], insns: bytes = b"", *,
        z: bool = True, e: str = "<", debug: bool = False, dwarf64: bool = False) -> bytes:
    """An FDE placed at section offset ``at``; ``ptrs(offset of pc_begin)`` gives the
    encoded pc_begin and pc_range."""
    hdr = 12 if dwarf64 else 4
    id_size = 8 if dwarf64 else 4
    cie_ptr = cie_at if debug else at + hdr - cie_at
    body = ptrs(at + hdr + id_size) + (uleb(0) if z else b"") + insns
    body = struct.pack(e + ("Q" if dwarf64 else "I"), cie_ptr) + body
    body += b"\0" * (-(len(body) + hdr) % 8)
    if dwarf64:
        return struct.pack(e + "IQ", 0xFFFFFFFF, len(body)) + body
    return struct.pack(e + "I", len(body)) + body


def section(c: bytes, *fdes: tuple[Callable[[int], bytes], bytes], **kw: bool) -> bytes:
    data = c
    for ptrs, insns in fdes:
        data += fde(len(data), 0, ptrs, insns, **kw)  # type: ignore[arg-type]
    return data


SEC_ADDR = 0x2000


@pytest.mark.parametrize(("enc", "ptrs"), [
    (0x00, lambda at: struct.pack("<QQ", 0x1000, 0x20)),                      # absptr
    (0x01, lambda at: uleb(0x1000) + uleb(0x20)),                             # uleb128
    (0x02, lambda at: struct.pack("<HH", 0x1000, 0x20)),                      # udata2
    (0x03, lambda at: struct.pack("<II", 0x1000, 0x20)),                      # udata4
    (0x04, lambda at: struct.pack("<QQ", 0x1000, 0x20)),                      # udata8
    (0x09, lambda at: sleb(0x1000) + sleb(0x20)),                             # sleb128
    (0x0A, lambda at: struct.pack("<hh", 0x1000, 0x20)),                      # sdata2
    (0x0B, lambda at: struct.pack("<ii", 0x1000, 0x20)),                      # sdata4
    (0x0C, lambda at: struct.pack("<qq", 0x1000, 0x20)),                      # sdata8
    (0x1B, lambda at: struct.pack("<ii", 0x1000 - (SEC_ADDR + at), 0x20)),    # pcrel sdata4
    (0x1C, lambda at: struct.pack("<qq", 0x1000 - (SEC_ADDR + at), 0x20)),    # pcrel sdata8
    (0x1A, lambda at: struct.pack("<hh", 0x1000 - (SEC_ADDR + at), 0x20)),    # pcrel sdata2
    (0x3B, lambda at: struct.pack("<ii", 0x1000 - 0x800, 0x20)),              # datarel (GOT)
    (0x23, lambda at: struct.pack("<II", 0x1000, 0x20)),                      # textrel
    (0x83, lambda at: struct.pack("<II", 0x1000, 0x20)),                      # indirect bit
])
def test_pointer_encodings(enc: int, ptrs: Callable[[int], bytes]) -> None:
    data = section(cie(aug_data=bytes([enc])), (ptrs, bytes([0x41, 0x0E, 16])))
    t = CFITable(data, SEC_ADDR, is_eh=True, got_addr=0x800)
    first = t.rule_for(0x1000)
    assert first is not None and (first.cfa_reg, first.cfa_off) == (7, 8)
    later = t.rule_for(0x101F)
    assert later is not None and (later.cfa_reg, later.cfa_off) == (7, 16)
    assert t.rule_for(0x0FFF) is None and t.rule_for(0x1020) is None


@pytest.mark.parametrize("enc", [0x05, 0x0D, 0x6B])  # bad formats, bad application
def test_unknown_pointer_encoding_is_no_rule(enc: int) -> None:
    data = section(cie(aug_data=bytes([enc])), (lambda at: struct.pack("<ii", 0x1000, 0x20),
                                                b""))
    assert CFITable(data, SEC_ADDR, is_eh=True).rule_for(0x1000) is None


def test_omitted_pointer_encoding_0xff() -> None:
    """DW_EH_PE_omit: pc_begin reads as 0, an FDE that covers nothing we look up."""
    data = section(cie(aug_data=b"\xff"), (lambda at: b"", b""))
    assert CFITable(data, SEC_ADDR, is_eh=True).rule_for(0x1000) is None


@pytest.mark.parametrize(("aug", "aug_data", "signal"), [
    (b"zPLR", b"\x00" + struct.pack("<Q", 0xDEAD) + b"\x1b\x1b", False),  # personality, LSDA
    (b"zRS", b"\x1b", True),
    (b"zRBG", b"\x1b", False),
    (b"zRX", b"\x1b", False),  # an unknown letter ends the augmentation: data skipped by size
])
def test_augmentations(aug: bytes, aug_data: bytes, signal: bool) -> None:
    def ptrs(at: int) -> bytes:
        return struct.pack("<ii", 0x1000 - (SEC_ADDR + at), 0x20)

    data = section(cie(aug, aug_data), (ptrs, b""))
    rule = CFITable(data, SEC_ADDR, is_eh=True).rule_for(0x1000)
    assert rule is not None and rule.signal == signal and rule.ra == 16


def test_eh_augmentation_and_unknown_augmentation() -> None:
    """The old GCC "eh" augmentation carries a pointer to skip; an augmentation without
    "z" that is not known makes the CIE unusable."""
    def ptrs(at: int) -> bytes:
        return struct.pack("<QQ", 0x1000, 0x20)

    ok = section(_cie_eh(), (ptrs, b""), z=False)
    rule = CFITable(ok, 0, is_eh=True).rule_for(0x1010)
    assert rule is not None and (rule.cfa_reg, rule.cfa_off) == (7, 8)
    bad = section(cie(b"xy", b""), (ptrs, b""), z=False)
    assert CFITable(bad, 0, is_eh=True).rule_for(0x1010) is None


def _cie_eh() -> bytes:
    body = struct.pack("<I", 0) + bytes([1]) + b"eh\0" + struct.pack("<Q", 0x1234)
    body += uleb(1) + sleb(-8) + bytes([16]) + INIT
    body += b"\0" * (-(len(body) + 4) % 8)
    return struct.pack("<I", len(body)) + body


def test_cie_versions_3_and_4_in_debug_frame() -> None:
    """.debug_frame CIE version 3 (uleb return column) and 4 (address and segment size)."""
    for version in (3, 4):
        c = cie(b"", b"", version=version, debug=True)
        data = c + fde(len(c), 0, lambda at: struct.pack("<QQ", 0x1000, 0x20), b"",
                       z=False, debug=True)
        rule = CFITable(data, 0, is_eh=False).rule_for(0x1000)
        assert rule is not None and rule.ra == 16 and rule.ra_off == -8


def test_dwarf64_lengths() -> None:
    for debug in (False, True):
        c = cie(b"" if debug else b"zR", b"" if debug else b"\x04", debug=debug, dwarf64=True)
        data = c + fde(len(c), 0, lambda at: struct.pack("<QQ", 0x1000, 0x20),
                       bytes([0x41, 0x0E, 32]), z=not debug, debug=debug, dwarf64=True)
        t = CFITable(data, 0, is_eh=not debug)
        r = t.rule_for(0x1001)
        assert r is not None and r.cfa_off == 32


def test_big_endian_and_32_bit_debug_frame() -> None:
    c = cie(b"", b"", e=">", debug=True, version=4)
    c = c[:4 + 4 + 1 + 1] + bytes([4, 0]) + c[4 + 4 + 1 + 1 + 2:]  # address size 4
    data = c + fde(len(c), 0, lambda at: struct.pack(">II", 0x1000, 0x20),
                   bytes([0x03, 0, 3, 0x0E, 24]), z=False, e=">", debug=True)
    t = CFITable(data, 0, is_eh=False, ptr_size=4, little=False)
    r = t.rule_for(0x1002)  # advance_loc2 3, big-endian
    assert r is not None and r.cfa_off == 8
    r = t.rule_for(0x1003)
    assert r is not None and r.cfa_off == 24
    assert t.rule_for(0x1020) is None


def test_debug_frame_zero_length_padding_is_skipped() -> None:
    c = cie(b"", b"", debug=True)
    pad = b"\0" * 8
    data = c + pad + fde(len(c) + 8, 0, lambda at: struct.pack("<QQ", 0x1000, 0x20), b"",
                         z=False, debug=True)
    assert CFITable(data, 0, is_eh=False).rule_for(0x1000) is not None
    # in .eh_frame a zero length is the terminator: what follows is not read
    eh = section(cie())
    eh += b"\0" * 4 + fde(len(eh) + 4, 0, lambda at: struct.pack("<ii", 0x1000, 0x20), b"")
    assert CFITable(eh, 0, is_eh=True).rule_for(0x1000) is None


def _rule(insns: bytes, pc: int, init: bytes = INIT) -> Rule | None:
    data = section(cie(aug_data=b"\x04", init=init),
                   (lambda at: struct.pack("<QQ", 0x1000, 0x100), insns))
    return CFITable(data, 0, is_eh=True).rule_for(pc)


def _regs(rule: Rule | None) -> dict[int, tuple[int, object]]:
    assert rule is not None
    return {r: (k, a) for r, k, a in rule.regs}


def test_cfa_opcodes_register_rules() -> None:
    insns = bytes([
        0x05, 3, 2,            # offset_extended rbx, 2*-8
        0x07, 12,              # undefined r12
        0x08, 13,              # same_value r13
        0x09, 14, 5,           # register r14 = rdi
        0x11, 15, *sleb(-3),   # offset_extended_sf r15, -3*-8 = +24
        0x14, 6, 1,            # val_offset rbp, 1*-8
        0x15, 4, *sleb(-1),    # val_offset_sf rsi, +8
        0x2F, 1, 2,            # GNU_negative_offset_extended rdx, -(2*-8) = 16
        0x2E, 0x40,            # GNU_args_size (ignored)
        0x2D,                  # GNU_window_save (ignored)
        0x00,                  # nop
        0x10, 2, 2, 0x77, 0,   # expression rcx = [rsp+0]
        0x16, 0, 1, 0x30,      # val_expression rax = 0
    ])
    regs = _regs(_rule(insns, 0x1000))
    assert regs[3] == (OFFSET, -16)
    assert regs[12] == (UNDEFINED, None)
    assert 13 not in regs
    assert regs[14] == (REGISTER, 5)
    assert regs[15] == (OFFSET, 24)
    assert regs[6] == (VAL_OFFSET, -8)
    assert regs[4] == (VAL_OFFSET, 8)
    assert regs[1] == (OFFSET, 16)
    assert regs[2] == (EXPRESSION, bytes([0x77, 0]))
    assert regs[0] == (VAL_EXPRESSION, bytes([0x30]))


def test_cfa_opcodes_cfa_rules_and_advances() -> None:
    insns = bytes([
        0x12, 6, *sleb(-2),            # def_cfa_sf rbp, -2*-8 = 16          @0x1000
        0x02, 4,                       # advance_loc1 4                      -> 0x1004
        0x13, *sleb(-4),               # def_cfa_offset_sf 32
        0x03, *struct.pack("<H", 4),   # advance_loc2 4                      -> 0x1008
        0x0F, 2, 0x77, 8,              # def_cfa_expression [rsp+8]
        0x04, *struct.pack("<I", 8),   # advance_loc4 8                      -> 0x1010
        0x0D, 3,                       # def_cfa_register rbx (drops the expression)
        0x01, *struct.pack("<Q", 0x1020),  # set_loc 0x1020
        0x0C, 7, 48,                   # def_cfa rsp+48
    ])
    r = _rule(insns, 0x1003)
    assert r is not None and (r.cfa_reg, r.cfa_off, r.cfa_expr) == (6, 16, None)
    r = _rule(insns, 0x1004)
    assert r is not None and (r.cfa_reg, r.cfa_off) == (6, 32)
    r = _rule(insns, 0x100F)
    assert r is not None and r.cfa_expr == bytes([0x77, 8]) and r.cfa_reg == -1
    assert not r.simple
    r = _rule(insns, 0x101F)
    assert r is not None and (r.cfa_reg, r.cfa_off, r.cfa_expr) == (3, 32, None)
    r = _rule(insns, 0x1020)
    assert r is not None and (r.cfa_reg, r.cfa_off) == (7, 48)


def test_remember_restore_state_and_restore() -> None:
    init = INIT + bytes([0x83, 3])  # the CIE says rbx at cfa-24
    insns = bytes([
        0x41, 0x0E, 16, 0x86, 2,       # @1: cfa rsp+16, rbp at cfa-16
        0x0A,                          # remember_state
        0x41, 0x0E, 8, 0xC6,           # @2: cfa rsp+8, restore rbp (not in the CIE: gone)
        0x83, 5,                       # rbx at cfa-40
        0x41, 0xC3,                    # @3: restore rbx (to the CIE's rule)
        0x41, 0x0B,                    # @4: restore_state: cfa rsp+16, rbp back
        0x41, 0x06, 6, 0x06, 3,        # @5: restore_extended rbp (gone), rbx (CIE)
        0x0B,                          # restore_state with an empty stack: no change
    ])
    r = _regs(_rule(insns, 0x1002, init))
    assert 6 not in r and r[3] == (OFFSET, -40)
    r = _regs(_rule(insns, 0x1003, init))
    assert r[3] == (OFFSET, -24)
    rule = _rule(insns, 0x1004, init)
    assert rule is not None and rule.cfa_off == 16 and _regs(rule)[6] == (OFFSET, -16)
    assert _regs(rule)[3] == (OFFSET, -24)  # as remembered at @1
    r = _regs(_rule(insns, 0x1005, init))
    assert 6 not in r and r[3] == (OFFSET, -24)


def test_unknown_opcode_and_truncated_fde_give_no_rule() -> None:
    assert _rule(bytes([0x41, 0x3F]), 0x1000) is not None  # not reached yet at 0x1000
    assert _rule(bytes([0x41, 0x3F]), 0x1001) is None
    data = section(cie(aug_data=b"\x04"), (lambda at: struct.pack("<QQ", 0x1000, 0x100),
                                           bytes([0x0C, 7])))
    assert CFITable(data[:-3], 0, is_eh=True).rule_for(0x1000) is None  # FDE cut short
    # a CIE pointer that points nowhere sensible
    c = cie(aug_data=b"\x04")
    broken = c + fde(len(c), 3, lambda at: struct.pack("<QQ", 0x1000, 0x20), b"")
    assert CFITable(broken, 0, is_eh=True).rule_for(0x1000) is None


def test_several_fdes_at_one_address() -> None:
    """Two FDEs starting at one pc (a linker leftover): the one whose range covers it."""
    data = section(cie(aug_data=b"\x04"),
                   (lambda at: struct.pack("<QQ", 0x1000, 0x100), bytes([0x0E, 64])),
                   (lambda at: struct.pack("<QQ", 0x1000, 0x10), bytes([0x0E, 32])))
    t = CFITable(data, 0, is_eh=True)
    small = t.rule_for(0x1008)
    big = t.rule_for(0x1080)
    assert small is not None and big is not None
    assert (small.cfa_off, big.cfa_off) == (32, 64)
    assert t.rule_for(0x1100) is None


def _hdr(version: int, eh_enc: int, count_enc: int, table_enc: int, rows: list[tuple[int, int]],
         count: int | None = None) -> bytes:
    h = bytes([version, eh_enc, count_enc, table_enc]) + struct.pack("<i", 0)
    h += struct.pack("<I", len(rows) if count is None else count)
    for start, off in rows:
        h += struct.pack("<ii", start, off)
    return h


@pytest.mark.parametrize("hdr", [
    _hdr(2, 0x1B, 0x03, 0x3B, []),                  # unknown version
    _hdr(1, 0x1B, 0xFF, 0x3B, []),                  # no count
    _hdr(1, 0x1B, 0x03, 0xFF, []),                  # no table
    _hdr(1, 0x1B, 0x03, 0x03, []),                  # a table encoding linkers do not emit
    _hdr(1, 0x1B, 0x03, 0x3B, [], count=1000),      # count past the end
    _hdr(1, 0x1B, 0x07, 0x3B, []),                  # bad count encoding: CFIError
    b"\x01",
])
def test_unusable_eh_frame_hdr_falls_back_to_a_scan(hdr: bytes) -> None:
    data = section(cie(aug_data=b"\x04"), (lambda at: struct.pack("<QQ", 0x1000, 0x10),
                                           bytes([0x0E, 24])))
    t = CFITable(data, 0, is_eh=True, hdr=hdr, hdr_addr=0x100)
    r = t.rule_for(0x1000)
    assert r is not None and r.cfa_off == 24


def test_eh_frame_hdr_table_is_used() -> None:
    """A valid header: its table (datarel to the header) decides where FDEs are."""
    data = section(cie(aug_data=b"\x04"), (lambda at: struct.pack("<QQ", 0x1000, 0x10),
                                           bytes([0x0E, 24])))
    fde_off = len(cie(aug_data=b"\x04"))
    eh_addr, hdr_addr = 0x3000, 0x2000
    hdr = _hdr(1, 0x1B, 0x03, 0x3B, [(0x1000 - hdr_addr, eh_addr + fde_off - hdr_addr)])
    t = CFITable(data, eh_addr, is_eh=True, hdr=hdr, hdr_addr=hdr_addr)
    r = t.rule_for(0x1004)
    assert r is not None and r.cfa_off == 24
    # a header that lies about the start: its FDE does not cover the pc, no rule
    lying = _hdr(1, 0x1B, 0x03, 0x3B, [(0x5000 - hdr_addr, eh_addr + fde_off - hdr_addr)])
    t2 = CFITable(data, eh_addr, is_eh=True, hdr=lying, hdr_addr=hdr_addr)
    assert t2.rule_for(0x1004) is None and t2.rule_for(0x5004) is None


# -- eval_expr ----------------------------------------------------------------------------

REGS = {0: 5, 7: 0x1000, 20: 0x2000}
MEM = {0x1000: 0x1122334455667788, 0x2008: 42}
M64 = (1 << 64) - 1


def _ev(*ops: int, push: int | None = None) -> int | None:
    return eval_expr(bytes(ops), REGS.get, MEM.get, push)


@pytest.mark.parametrize(("ops", "want"), [
    ((0x03, *struct.pack("<Q", 0xDEADBEEF)), 0xDEADBEEF),          # addr
    ((0x08, 0xFF), 0xFF), ((0x09, 0xFF), M64),                      # const1u/s
    ((0x0A, 0x34, 0x12), 0x1234), ((0x0B, 0xFE, 0xFF), M64 - 1),    # const2u/s
    ((0x0C, 1, 0, 0, 0), 1), ((0x0D, 0xFF, 0xFF, 0xFF, 0xFF), M64),  # const4u/s
    ((0x0E, *struct.pack("<Q", 7)), 7), ((0x0F, *struct.pack("<q", -2)), M64 - 1),
    ((0x10, *uleb(300)), 300), ((0x11, *sleb(-1)), M64),           # constu/consts
    ((0x31, 0x12, 0x22), 2),                                        # dup, plus
    ((0x31, 0x32, 0x13), 1),                                        # drop
    ((0x31, 0x32, 0x14), 1),                                        # over
    ((0x31, 0x32, 0x33, 0x15, 2), 1),                               # pick 2
    ((0x31, 0x32, 0x16), 1),                                        # swap
    ((0x31, 0x32, 0x33, 0x17), 2),                                  # rot: (1 2 3) -> (3 1 2)
    ((0x3C, 0x36, 0x1A), 4),                                        # and 12&6
    ((0x11, *sleb(-7), 0x32, 0x1B), M64 - 2),                       # div -7/2 = -3
    ((0x31, 0x30, 0x1B), None),                                     # div by zero
    ((0x35, 0x37, 0x1C), M64 - 1),                                  # minus 5-7
    ((0x37, 0x33, 0x1D), 1), ((0x37, 0x30, 0x1D), None),            # mod
    ((0x36, 0x37, 0x1E), 42),                                       # mul
    ((0x3C, 0x33, 0x21), 15),                                       # or
    ((0x31, 0x3F, 0x24), 1 << 15),                                  # shl
    ((0x31, 0x10, 64, 0x24), 0),                                    # shl >= 64
    ((0x10, 64, 0x32, 0x25), 16),                                   # shr
    ((0x11, *sleb(-16), 0x32, 0x26), M64 - 3),                      # shra
    ((0x3C, 0x3A, 0x27), 6),                                        # xor
    ((0x11, *sleb(-9), 0x19), 9), ((0x39, 0x1F), M64 - 8),          # abs, neg
    ((0x30, 0x20), M64),                                            # not
    ((0x11, *sleb(-1), 0x30, 0x2D), 1), ((0x31, 0x31, 0x29), 1),    # lt (signed), eq
    ((0x31, 0x32, 0x2A), 0), ((0x32, 0x31, 0x2B), 1),               # ge, gt
    ((0x31, 0x31, 0x2C), 1), ((0x31, 0x32, 0x2E), 1),               # le, ne
    ((0x96, 0x96, 0x33), 3),                                        # nop
    ((0x31, 0x28, 1, 0, 0x33, 0x34), 4),                            # bra taken: skips lit3
    ((0x30, 0x28, 1, 0, 0x33), 3),                                  # bra not taken
    ((0x2F, 1, 0, 0x33, 0x34), 4),                                  # skip
    ((0x50,), 5), ((0x90, 20), 0x2000),                             # reg0, regx 20
    ((0x92, 20, 8, 0x06), 42),                                      # bregx 20+8, deref
    ((0x77, 0, 0x94, 2), 0x7788),                                   # deref_size 2
    ((0x77, 0, 0x94, 8), 0x1122334455667788),                       # deref_size 8
    ((0x51,), None), ((0x71, 0), None), ((0x92, 9, 0), None),       # unknown registers
    ((0x30, 0x94, 4), None),                                        # unreadable memory
])
def test_eval_expr_operations(ops: tuple[int, ...], want: int | None) -> None:
    assert _ev(*ops) == want


def test_eval_expr_with_pushed_cfa() -> None:
    """Register rules' expressions start with the CFA on the stack."""
    assert _ev(0x23, 8, push=0x1000) == 0x1008  # plus_uconst
    assert _ev(push=0x1000) == 0x1000
    assert _ev(0x13, push=0x1000) is None  # nothing left
    assert _ev(0x06, push=0x1000) == MEM[0x1000]
