"""tailcall.py: call targets, PLT entries and tail jumps found in gcc -O2 code agree with
objdump's disassembly; aarch64 encodings on a hand-assembled ELF image."""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

import pytest

from pytest_renacer.source.elf import load_image
from pytest_renacer.source.symbolizer import ModuleDebug, debug_for
from pytest_renacer.source.tailcall import call_target, plt_target, tail_jump

TAILS_C = r"""
#include <unistd.h>
__attribute__((noinline)) int leaf_a(int x) { return x * 3 + 1; }
__attribute__((noinline)) int leaf_b(int x) { return x * 5 + 2; }
__attribute__((noinline)) int near_tail(int x) { volatile int y = x; return leaf_b(y); }
/* 256 bytes of code between the leaves and their tail callers: jmp rel32, not rel8 */
__attribute__((noinline)) void padding(void) { __asm__ volatile(".fill 256, 1, 0x90"); }
__attribute__((noinline)) int one_tail(int x) { volatile int y = x; return leaf_a(y); }
__attribute__((noinline)) int two_tails(int x) {
    if (x > 3)
        return leaf_a(x - 1);
    return leaf_b(x + 1);
}
__attribute__((noinline)) int plt_tail(int fd) { return close(fd); }
int main(int argc, char **argv) {
    (void)argv;
    padding();
    return one_tail(argc) + two_tails(argc) + plt_tail(argc + 1000) + near_tail(argc);
}
"""


class Disasm:
    """objdump -d: function starts and sizes, and every instruction."""

    def __init__(self, path: str) -> None:
        out = subprocess.run(["objdump", "-d", "-w", path], capture_output=True, text=True,
                             check=True).stdout
        self.funcs: dict[str, int] = {}
        self.insns: list[tuple[int, str, str]] = []  # (address, function, text)
        func = ""
        for line in out.splitlines():
            m = re.match(r"([0-9a-f]+) <(\S+)>:", line)
            if m:
                func = m.group(2)
                self.funcs[func] = int(m.group(1), 16)
                continue
            m = re.match(r"\s+([0-9a-f]+):\t[0-9a-f ]+\t(.*)", line)
            if m:
                self.insns.append((int(m.group(1), 16), func, m.group(2)))

    def calls(self, caller: str, callee: str) -> list[int]:
        """Return addresses of ``call`` instructions in caller to callee."""
        out = []
        for i, (_addr, func, text) in enumerate(self.insns):
            if func == caller and text.startswith("call") and f"<{callee}>" in text:
                out.append(self.insns[i + 1][0])
        return out

    def jumps(self, func: str, target: str) -> list[int]:
        return [a for a, f, t in self.insns if f == func and t.startswith("jmp")
                and f"<{target}" in t]

    def end(self, func: str) -> int:
        """The address of the next function after ``func``."""
        start = self.funcs[func]
        return min(a for a in self.funcs.values() if a > start)


@pytest.fixture(scope="module")
def tails(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("tails")
    src = d / "tails.c"
    src.write_text(TAILS_C)
    out = {}
    for name, flags in (("plt", []), ("noplt", ["-fno-plt"])):
        exe = d / name
        subprocess.run(["gcc", "-O2", "-g", *flags, "-o", str(exe), str(src)], check=True,
                       capture_output=True)
        out[name] = str(exe)
    return out


def test_call_target_agrees_with_objdump(tails: dict[str, str]) -> None:
    dis = Disasm(tails["plt"])
    dbg = debug_for(load_image(tails["plt"]))
    for callee in ("one_tail", "two_tails", "plt_tail"):
        rets = dis.calls("main", callee)
        assert len(rets) == 1, callee
        assert call_target(dbg, rets[0]) == dis.funcs[callee]
    # the instruction before a function's first byte is no call
    assert call_target(dbg, dis.funcs["leaf_b"]) is None
    assert call_target(dbg, 1 << 40) is None  # outside the image


def test_plt_target_agrees_with_objdump(tails: dict[str, str]) -> None:
    dis = Disasm(tails["plt"])
    dbg = debug_for(load_image(tails["plt"]))
    close_plt = dis.funcs["close@plt"]
    assert plt_target(dbg, close_plt) == "close"
    assert plt_target(dbg, close_plt + 6) == "close"  # inside the 16-byte entry
    assert plt_target(dbg, dis.funcs["leaf_a"]) is None  # not in a PLT section
    # the PLT's first entry (the resolver stub) jumps through no named slot
    plt0 = load_image(tails["plt"]).sections[".plt"][0]
    assert plt_target(dbg, plt0) is None


def test_one_tail_jump_to_the_callee(tails: dict[str, str]) -> None:
    dis = Disasm(tails["plt"])
    dbg = debug_for(load_image(tails["plt"]))
    lo, hi = dis.funcs["one_tail"], dis.end("one_tail")
    want = dis.jumps("one_tail", "leaf_a")
    assert len(want) == 1
    leaf_a, leaf_b = dis.funcs["leaf_a"], dis.funcs["leaf_b"]
    assert tail_jump(dbg, lo, hi, leaf_a, {"leaf_a"}, True) == want[0]
    # the only tail jump of G, though to another function: still G's frame (a chain)
    assert tail_jump(dbg, lo, hi, leaf_b, {"leaf_b"}, True) == want[0]


def test_short_tail_jump(tails: dict[str, str]) -> None:
    """gcc emits ``jmp rel8`` when the callee is within 128 bytes: near_tail -> leaf_b."""
    dis = Disasm(tails["plt"])
    dbg = debug_for(load_image(tails["plt"]))
    lo, hi = dis.funcs["near_tail"], dis.end("near_tail")
    want = dis.jumps("near_tail", "leaf_b")
    assert len(want) == 1
    assert dbg.image.read_vaddr(want[0], 1) == b"\xeb"
    assert tail_jump(dbg, lo, hi, dis.funcs["leaf_b"], {"leaf_b"}, True) == want[0]


def test_two_tail_jumps_need_the_callee_to_choose(tails: dict[str, str]) -> None:
    dis = Disasm(tails["plt"])
    dbg = debug_for(load_image(tails["plt"]))
    lo, hi = dis.funcs["two_tails"], dis.end("two_tails")
    to_a, to_b = dis.jumps("two_tails", "leaf_a"), dis.jumps("two_tails", "leaf_b")
    assert len(to_a) == len(to_b) == 1
    assert tail_jump(dbg, lo, hi, dis.funcs["leaf_a"], {"leaf_a"}, True) == to_a[0]
    assert tail_jump(dbg, lo, hi, dis.funcs["leaf_b"], {"leaf_b"}, True) == to_b[0]
    # a callee neither jump goes to: ambiguous, nothing recovered
    assert tail_jump(dbg, lo, hi, dis.funcs["main"], {"main"}, True) is None
    # callee in another module: same-module jumps cannot match it
    assert tail_jump(dbg, lo, hi, None, {"close"}, False) is None


@pytest.mark.parametrize("variant", ["plt", "noplt"])
def test_tail_jump_through_plt_or_got(tails: dict[str, str], variant: str) -> None:
    """``jmp close@plt`` (rel32 into .plt) and ``jmp *close@GOTPCREL(%rip)`` (-fno-plt)."""
    dis = Disasm(tails[variant])
    dbg = debug_for(load_image(tails[variant]))
    lo, hi = dis.funcs["plt_tail"], dis.end("plt_tail")
    want = dis.jumps("plt_tail", "close")
    assert len(want) == 1
    assert tail_jump(dbg, lo, hi, None, {"close"}, False) == want[0]
    # named otherwise: the only candidate still wins (a chain of tail calls)
    assert tail_jump(dbg, lo, hi, None, {"write"}, False) == want[0]


def test_tail_jump_refuses_bad_ranges(tails: dict[str, str]) -> None:
    dbg = debug_for(load_image(tails["plt"]))
    dis = Disasm(tails["plt"])
    lo = dis.funcs["one_tail"]
    assert tail_jump(dbg, lo, lo, None, set(), True) is None  # empty
    assert tail_jump(dbg, lo, lo + (1 << 17), None, set(), True) is None  # too big
    assert tail_jump(dbg, 1 << 40, (1 << 40) + 16, None, set(), True) is None  # unmapped
    # leaf_a has no jump at all
    assert tail_jump(dbg, dis.funcs["leaf_a"], dis.end("leaf_a"), None, set(), True) is None


# -- aarch64, on a hand-made ELF image ---------------------------------------------------


def _elf(machine: int, load: bytes, sections: list[tuple[str, int, int, bytes]],
         symbols: list[tuple[str, int, int]]) -> bytes:
    """An ET_DYN image whose one PT_LOAD maps ``load`` at vaddr = file offset 0;
    ``sections`` are (name, sh_type, address, bytes) inside it (bytes placed at address);
    ``symbols`` (name, value, size) become STT_FUNC entries of .symtab."""
    img = bytearray(load)
    strtab = b"\0"
    symtab = b"\0" * 24
    for name, value, size in symbols:
        symtab += struct.pack("<IBBHQQ", len(strtab), 0x12, 0, 1, value, size)
        strtab += name.encode() + b"\0"
    extra = [(".symtab", 2, symtab), (".strtab", 3, strtab)]
    names = b"\0"
    shdrs = [b"\0" * 64]
    all_secs = [(n, t, a, d, False) for n, t, a, d in sections] + [
        (n, t, 0, d, True) for n, t, d in extra]
    name_offs = []
    for n, *_ in all_secs:
        name_offs.append(len(names))
        names += n.encode() + b"\0"
    for (_n, typ, addr, data, outside), noff in zip(all_secs, name_offs, strict=True):
        if outside:
            off = len(img)
            img += data
        else:
            off = addr
            img[addr : addr + len(data)] = data
        shdrs.append(struct.pack("<IIQQQQIIQQ", noff, typ, 2, 0 if outside else addr, off,
                                 len(data), 0, 0, 8, 24 if typ == 2 else 0))
    shstr_name = len(names)
    names += b".shstrtab\0"
    shstr_off = len(img)
    img += names
    shdrs.append(struct.pack("<IIQQQQIIQQ", shstr_name, 3, 0, 0, shstr_off, len(names),
                             0, 0, 1, 0))
    shoff = len(img)
    img += b"".join(shdrs)
    ph = struct.pack("<IIQQQQQQ", 1, 5, 0, 0, 0, len(load), len(load), 0x1000)
    ident = b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9
    hdr = ident + struct.pack("<HHIQQQIHHHHHH", 3, machine, 1, 0, 64, shoff, 0, 64, 56, 1,
                              64, len(shdrs), len(shdrs) - 1)
    img[: len(hdr) + len(ph)] = hdr + ph
    return bytes(img)


def _b(pc: int, target: int, link: bool = False) -> bytes:
    imm = ((target - pc) // 4) & 0x03FFFFFF
    return struct.pack("<I", (0x94000000 if link else 0x14000000) | imm)


NOP = struct.pack("<I", 0xD503201F)
RET = struct.pack("<I", 0xD65F03C0)
CALLER, G1, G2, G3, CALLEE, OTHER, PLT, GOT = (0x1000, 0x1100, 0x1140, 0x1180, 0x1200, 0x1300,
                                                0x1400, 0x2000)


def _plt_entry(pc: int, slot: int) -> bytes:
    """adrp x16, page(slot); ldr x17, [x16, #off]; add x16, x16, #off; br x17"""
    page = ((slot & ~0xFFF) - (pc & ~0xFFF)) >> 12
    adrp = 0x90000010 | ((page & 3) << 29) | (((page >> 2) & 0x7FFFF) << 5)
    off = slot & 0xFFF
    ldr = 0xF9400211 | ((off // 8) << 10)
    add = 0x91000210 | (off << 10)
    return struct.pack("<IIII", adrp, ldr, add, 0xD61F0220)


@pytest.fixture(scope="module")
def arm(tmp_path_factory: pytest.TempPathFactory) -> ModuleDebug:
    load = bytearray(0x3000)

    def put(addr: int, code: bytes) -> None:
        load[addr : addr + len(code)] = code

    put(CALLER, _b(CALLER, G1, link=True) + RET)
    put(G1, NOP + _b(G1 + 4, CALLEE) + _b(G1 + 8, G1))  # one tail jump (+ a branch inside)
    put(G2, _b(G2, CALLEE) + _b(G2 + 4, OTHER))  # two tail jumps
    put(G3, NOP + _b(G3 + 4, PLT))  # a tail jump into the PLT
    put(CALLEE, RET)
    put(OTHER, RET)
    plt = _plt_entry(PLT, GOT + 0x10)
    rela = struct.pack("<QQq", GOT + 0x10, (1 << 32) | 1026, 0)  # R_AARCH64_JUMP_SLOT close
    dynstr = b"\0close\0"
    dynsym = b"\0" * 24 + struct.pack("<IBBHQQ", 1, 0x12, 0, 0, 0, 0)
    sections = [(".text", 1, CALLER, bytes(load[CALLER:PLT])), (".plt", 1, PLT, plt),
                (".rela.plt", 4, 0x1800, rela), (".dynsym", 11, 0x1900, dynsym),
                (".dynstr", 3, 0x1A00, dynstr)]
    syms = [("caller", CALLER, 8), ("g1", G1, 12), ("g2", G2, 8), ("g3", G3, 8),
            ("callee", CALLEE, 4), ("other", OTHER, 4)]
    data = _elf(183, bytes(load), sections, syms)
    path = tmp_path_factory.mktemp("arm") / "arm.so"
    path.write_bytes(data)
    img = load_image(str(path))
    assert img.problem is None and img.machine == "EM_AARCH64"
    return debug_for(img)


def test_aarch64_bl_target(arm: ModuleDebug) -> None:
    assert call_target(arm, CALLER + 4) == G1
    assert call_target(arm, CALLER + 8) is None  # after a ret, no bl
    assert call_target(arm, 1 << 40) is None


def test_aarch64_backward_bl(tmp_path: Path) -> None:
    load = bytearray(0x2000)
    load[0x1800:0x1804] = _b(0x1800, 0x1000, link=True)
    data = _elf(183, bytes(load), [(".text", 1, 0x1000, bytes(load[0x1000:]))],
                [("f", 0x1000, 4)])
    p = tmp_path / "back.so"
    p.write_bytes(data)
    assert call_target(debug_for(load_image(str(p))), 0x1804) == 0x1000


def test_aarch64_plt_entry(arm: ModuleDebug) -> None:
    assert plt_target(arm, PLT) == "close"
    assert plt_target(arm, CALLEE) is None


def test_aarch64_tail_jumps(arm: ModuleDebug) -> None:
    assert tail_jump(arm, G1, G1 + 12, CALLEE, {"callee"}, True) == G1 + 4
    assert tail_jump(arm, G1, G1 + 12, OTHER, {"other"}, True) == G1 + 4  # the only one
    assert tail_jump(arm, G2, G2 + 8, OTHER, {"other"}, True) == G2 + 4
    assert tail_jump(arm, G2, G2 + 8, CALLEE, {"callee"}, True) == G2
    assert tail_jump(arm, G2, G2 + 8, None, {"read"}, False) is None  # ambiguous
    assert tail_jump(arm, G3, G3 + 8, None, {"close"}, False) == G3 + 4
    assert tail_jump(arm, CALLEE, CALLEE + 4, None, set(), True) is None


def test_other_machines_recover_nothing(tmp_path: Path) -> None:
    load = bytearray(0x2000)
    load[0x1000:0x1005] = b"\xe8\x00\x00\x00\x00"  # an x86 call, in a RISC-V image
    data = _elf(243, bytes(load), [(".text", 1, 0x1000, bytes(load[0x1000:]))],
                [("f", 0x1000, 16)])
    p = tmp_path / "riscv.so"
    p.write_bytes(data)
    dbg = debug_for(load_image(str(p)))
    assert dbg.image.machine == "EM_RISCV"
    assert call_target(dbg, 0x1005) is None
    assert tail_jump(dbg, 0x1000, 0x1010, None, set(), True) is None
    assert plt_target(dbg, 0x1000) is None
