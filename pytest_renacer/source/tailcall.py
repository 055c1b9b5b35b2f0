"""Frames that tail calls removed, recovered from the code (x86_64 and aarch64).

``void f(void) { ...; close(fd); }`` compiled with optimization ends in ``jmp close``:
f's frame is gone when close makes its syscall, and the return address on the stack
points into f's caller.  The stack then says "the caller's line made the syscall".
gdb repairs this with DWARF call-site information, which rustc does not emit; we
repair it from the machine code instead, only where the evidence is unambiguous:

1. the caller's instruction before the return address is a direct call (``call rel32``
   / ``bl``) to the start of a function G of the same module, and
2. the callee frame's pc is not inside G, and
3. G contains exactly one tail jump (``jmp rel32``, ``jmp *GOT(%rip)``, ``b``) to a
   function start or PLT entry, or exactly one whose target is the callee's function.

Then G's frames at that jump (with its inlined frames, file and line) are inserted
between the callee and the caller.  One level of tail calls is recovered, not chains.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from .limits import check

if TYPE_CHECKING:
    from .symbolizer import ModuleDebug

__all__ = ["call_target", "plt_target", "tail_jump"]

_PLT_SECTIONS = (".plt", ".plt.sec", ".plt.got", ".iplt")

# Relocation types naming the symbol of a GOT slot.
_GOT_RELOCS = {"EM_X86_64": (6, 7), "EM_AARCH64": (1025, 1026)}


def _code(dbg: ModuleDebug, vaddr: int, size: int) -> bytes:
    return dbg.image.read_vaddr(vaddr, size)


def call_target(dbg: ModuleDebug, ret: int) -> int | None:
    """The target of a direct call whose return address is ``ret`` (link-time)."""
    machine = dbg.image.machine
    if machine == "EM_X86_64":
        code = _code(dbg, ret - 5, 5)
        if len(code) == 5 and code[0] == 0xE8:
            return (ret + int(struct.unpack_from("<i", code, 1)[0])) & 0xFFFFFFFFFFFFFFFF
    elif machine == "EM_AARCH64":
        code = _code(dbg, ret - 4, 4)
        if len(code) == 4:
            word = int(struct.unpack("<I", code)[0])
            if word & 0xFC000000 == 0x94000000:  # BL
                imm = word & 0x03FFFFFF
                if imm & 0x02000000:
                    imm -= 0x04000000
                return (ret - 4 + 4 * imm) & 0xFFFFFFFFFFFFFFFF
    return None


def _got_names(dbg: ModuleDebug) -> dict[int, str]:
    """GOT slot address -> the symbol its relocation names (GLOB_DAT, JUMP_SLOT)."""
    cached = dbg.extra.get("got")
    if cached is not None:
        return cached  # type: ignore[return-value]
    with dbg.image.debug_clock:  # (the module's time budget: its relocations are its)
        out = _read_got_names(dbg)
    dbg.extra["got"] = out
    return out


def _read_got_names(dbg: ModuleDebug) -> dict[int, str]:
    img = dbg.image
    out: dict[int, str] = {}
    types = _GOT_RELOCS.get(img.machine, ())
    dynsym = img.section(".dynsym") or b""
    dynstr = img.section(".dynstr") or b""
    if img.elfclass == 64 and dynsym and types:
        for sec in (".rela.dyn", ".rela.plt"):
            data = img.section(sec) or b""
            for k, (off, info, _add) in enumerate(
                    struct.iter_unpack("<QQq", data[: len(data) // 24 * 24])):
                if not k & 0xFFF:
                    check()
                if info & 0xFFFFFFFF in types:
                    idx = info >> 32
                    if 24 * idx + 24 <= len(dynsym):
                        name_off = struct.unpack_from("<I", dynsym, 24 * idx)[0]
                        end = dynstr.find(b"\0", name_off)
                        out[off] = dynstr[name_off:end].decode("utf-8", "replace")
    return out


def _plt_names(dbg: ModuleDebug) -> dict[int, str]:
    """PLT entry start -> the symbol it jumps to (through its GOT slot)."""
    cached = dbg.extra.get("plt")
    if cached is not None:
        return cached  # type: ignore[return-value]
    got = _got_names(dbg)
    with dbg.image.debug_clock:
        out = _read_plt_names(dbg, got)
    dbg.extra["plt"] = out
    return out


def _read_plt_names(dbg: ModuleDebug, got: dict[int, str]) -> dict[int, str]:
    img = dbg.image
    out: dict[int, str] = {}
    for name in _PLT_SECTIONS:
        sec = img.sections.get(name)
        data = img.section(name) if sec is not None else None
        if not data or sec is None:
            continue
        base = sec[0]
        if img.machine == "EM_X86_64":
            i = data.find(b"\xff\x25")
            k = 0
            while i >= 0:
                k += 1
                if not k & 0xFFF:
                    check()
                if i + 6 <= len(data):
                    slot = base + i + 6 + struct.unpack_from("<i", data, i + 2)[0]
                    if slot in got:
                        out[base + (i & ~15)] = got[slot]
                i = data.find(b"\xff\x25", i + 1)
        elif img.machine == "EM_AARCH64":
            # adrp x16, page; ldr x17, [x16, #off]; add x16, x16, #off; br x17
            for i in range(0, len(data) - 8, 4):
                if not i & 0x3FFF:
                    check()
                w0, w1 = struct.unpack_from("<II", data, i)
                if w0 & 0x9F00001F == 0x90000010 and w1 & 0xFFC003FF == 0xF9400211:
                    pc = base + i
                    immlo = (w0 >> 29) & 3
                    immhi = (w0 >> 5) & 0x7FFFF
                    imm = (immhi << 2) | immlo
                    if imm & (1 << 20):
                        imm -= 1 << 21
                    page = (pc & ~0xFFF) + (imm << 12)
                    slot = page + ((w1 >> 10) & 0xFFF) * 8
                    if slot in got:
                        out[pc] = got[slot]
    return out


def plt_target(dbg: ModuleDebug, addr: int) -> str | None:
    """The symbol a PLT entry at ``addr`` jumps to, if ``addr`` is one."""
    if not _in_plt(dbg, addr):
        return None
    plt = _plt_names(dbg)
    return plt.get(addr) or plt.get(addr & ~15)


def _in_plt(dbg: ModuleDebug, addr: int) -> bool:
    for name in _PLT_SECTIONS:
        sec = dbg.image.sections.get(name)
        if sec is not None and sec[0] <= addr < sec[0] + sec[2]:
            return True
    return False


def tail_jump(dbg: ModuleDebug, lo: int, hi: int, callee_start: int | None,
              callee_names: set[str], same_module: bool) -> int | None:
    """The address of G's tail jump to the callee, G being ``[lo, hi)``; else None.

    ``callee_start`` is the callee function's start when it lies in this module;
    ``callee_names`` the names its start address carries in its own module (for jumps
    through the PLT or GOT)."""
    if hi - lo > 1 << 16 or hi <= lo:
        return None
    code = _code(dbg, lo, hi - lo)
    if len(code) != hi - lo:
        return None
    starts = dbg.function_starts()
    candidates: list[tuple[int, bool]] = []  # (address, matches the callee)
    machine = dbg.image.machine
    if machine == "EM_X86_64":
        got = _got_names(dbg)
        plt = _plt_names(dbg)
        i = code.find(b"\xe9")
        while 0 <= i <= len(code) - 5:
            target = lo + i + 5 + struct.unpack_from("<i", code, i + 1)[0]
            if not lo <= target < hi:
                if target in starts:
                    candidates.append((lo + i, same_module and target == callee_start))
                elif _in_plt(dbg, target):
                    name = plt.get(target & ~15) or plt.get(target)
                    candidates.append((lo + i, name is not None and name in callee_names))
            i = code.find(b"\xe9", i + 1)
        # jmp rel8: gcc's form when the callee lies within 128 bytes (same module only)
        i = code.find(b"\xeb")
        while 0 <= i <= len(code) - 2:
            target = lo + i + 2 + struct.unpack_from("<b", code, i + 1)[0]
            if not lo <= target < hi and target in starts:
                candidates.append((lo + i, same_module and target == callee_start))
            i = code.find(b"\xeb", i + 1)
        i = code.find(b"\xff\x25")
        while 0 <= i <= len(code) - 6:
            slot = lo + i + 6 + struct.unpack_from("<i", code, i + 2)[0]
            name = got.get(slot)
            if name is not None:
                candidates.append((lo + i, name in callee_names))
            i = code.find(b"\xff\x25", i + 1)
    elif machine == "EM_AARCH64":
        plt = _plt_names(dbg)
        for i in range(0, len(code) - 3, 4):
            word = struct.unpack_from("<I", code, i)[0]
            if word & 0xFC000000 == 0x14000000:  # B
                imm = word & 0x03FFFFFF
                if imm & 0x02000000:
                    imm -= 0x04000000
                target = lo + i + 4 * imm
                if lo <= target < hi:
                    continue
                if target in starts:
                    candidates.append((lo + i, same_module and target == callee_start))
                elif _in_plt(dbg, target):
                    name = plt.get(target)
                    candidates.append((lo + i, name is not None and name in callee_names))
    else:
        return None
    matching = [a for a, m in candidates if m]
    if len(matching) == 1:
        return matching[0]
    if len(candidates) == 1:
        # The only tail jump of G: even to another function than the callee (a chain
        # of tail calls), G's frame was at it.
        return candidates[0][0]
    return None
