"""dwarf.py against addr2line: file:line, function names and inlined call chains at
every 3rd instruction of gcc (DWARF 4 and 5, 32- and 64-bit DWARF, -ffunction-sections
ranges), g++ (namespaces, member specifications) and rustc output; damaged sections."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from leb128_encode import sleb as _sleb
from leb128_encode import uleb as _uleb

from pytest_renacer.source.dwarf import CompUnit, DwarfError, DwarfInfo
from pytest_renacer.source.elf import load_image

PROGRAMS = Path(__file__).parent / "programs"
SECTIONS = (".debug_info", ".debug_abbrev", ".debug_str", ".debug_line_str", ".debug_line",
            ".debug_ranges", ".debug_rnglists", ".debug_addr", ".debug_str_offsets",
            ".debug_aranges")

CPP_SRC = r"""
#include <unistd.h>
namespace outer { namespace inner {
struct Widget {
    int k;
    __attribute__((noinline)) int close_it(int fd);
    static inline int twice(int fd) { return (int)write(fd, "x", 1) * 2; }
};
int Widget::close_it(int fd) { return close(fd + k) + twice(fd); }
} }
namespace { __attribute__((noinline)) int hidden(int x) { return (int)dup(x); } }
int main(int argc, char **) {
    outer::inner::Widget w{argc};
    return w.close_it(1000) + hidden(argc + 1000);
}
"""


def dwarf_of(path: str) -> DwarfInfo:
    img = load_image(path)
    return DwarfInfo({n: img.debug_section(n) for n in SECTIONS})


Frame = tuple[str, str | None, int | None]  # function, file, line


def ours(dw: DwarfInfo, pc: int) -> list[Frame] | None:
    """Frames at pc, innermost first, as the symbolizer composes them from dwarf.py."""
    cu = dw.unit_for_pc(pc)
    if cu is None:
        return None
    table = cu.lines()
    row = table.lookup(pc) if table is not None else None
    file, line = (cu.file_name(row[0]), row[1] or None) if row is not None else (None, None)
    out = []
    chain = cu.function_chain(pc)
    for node in reversed(chain):
        out.append((cu.name_of(node.name_ref) or "??", file, line))
        file = cu.file_name(node.call_file) if node.call_file else None
        line = node.call_line or None
    return out


def addr2line(path: str, pcs: list[int], demangle: bool) -> dict[int, list[Frame]]:
    args = ["addr2line", "-a", "-f", "-i", *(["-C"] if demangle else []), "-e", path]
    out = subprocess.run(args + [hex(p) for p in pcs], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    res: dict[int, list[Frame]] = {}
    cur: list[Frame] = []
    i = 0
    while i < len(out):
        if re.fullmatch(r"0x[0-9a-f]+", out[i]):
            cur = res.setdefault(int(out[i], 16), [])
            i += 1
            continue
        func, loc = out[i], out[i + 1]
        loc = re.sub(r" \(discriminator \d+\)$", "", loc)
        file, _, line = loc.rpartition(":")
        cur.append((func, file, int(line) if line.isdigit() else None))
        i += 2
    return res


def text_pcs(path: str, step: int = 3) -> list[int]:
    """Every ``step``-th instruction address of .text (objdump), padding between
    functions (nops, which no function's DWARF range covers) left out."""
    out = subprocess.run(["objdump", "-d", "-w", "-j", ".text", path], capture_output=True,
                         text=True, check=True).stdout
    pcs = [int(m.group(1), 16) for m in re.finditer(r"^\s+([0-9a-f]+):\t[^\t]*\t(.*)$", out, re.M)
           if "nop" not in m.group(2) and "xchg   %ax,%ax" not in m.group(2)
           and m.group(2).strip()]
    return pcs[::step]


def _plain(name: str) -> str:
    """A function name without its parameter list (addr2line -C prints them)."""
    return re.sub(r"\([^()]*\)$", "", name)


def compare(path: str, *, demangle: bool = False, step: int = 3, lines: float = 1.0) -> int:
    """Function chains and call sites must be addr2line's exactly; innermost lines must
    agree at ``lines`` of the pcs at least: optimized code has several rows at one
    address, where we take the last statement row (as gdb does), addr2line the first."""
    dw = dwarf_of(path)
    assert dw.error is None
    pcs = text_pcs(path, step)
    ref = addr2line(path, pcs, demangle)
    checked = same_line = 0
    for pc in pcs:
        want = ref[pc]
        got = ours(dw, pc)
        if got is None:  # no debug info there (crt files): addr2line has no line either
            assert want[0][2] is None, (hex(pc), want)
            continue
        assert [_plain(f) for f, _fl, _ln in got] == [_plain(f) for f, _fl, _ln in want], \
            hex(pc)
        assert got[1:] == [(f, fl, ln) for (f, _a, _b), (_c, fl, ln) in
                           zip(got[1:], want[1:], strict=True)], hex(pc)
        checked += 1
        same_line += got[0][1:] == want[0][1:]
    assert same_line >= lines * checked, (same_line, checked)
    return checked


@pytest.mark.parametrize(("flags", "lines"), [
    (("-O0", "-gdwarf-4"), 1.0),
    (("-O0", "-gdwarf-5"), 1.0),
    (("-O2", "-gdwarf-4"), 0.85),
    (("-O2", "-gdwarf-5"), 0.85),
    (("-O2", "-gdwarf-4", "-ffunction-sections"), 0.85),  # unit ranges in .debug_ranges
    (("-O2", "-gdwarf-5", "-ffunction-sections", "-gno-as-loc-support"), 0.85),  # rnglists
])
def test_c_agrees_with_addr2line(build: Callable[..., str], flags: tuple[str, ...],
                                 lines: float) -> None:
    exe = build("src_sites", *flags)
    assert compare(exe, lines=lines) > 50


def test_dwarf64_reads_like_dwarf32(build: Callable[..., str]) -> None:
    """-gdwarf64 (8-byte offsets) changes no code: the same frames as 32-bit DWARF (which
    the test above checks against addr2line; binutils' addr2line cannot read it)."""
    d32 = build("src_sites", "-O2", "-gdwarf-5")
    d64 = build("src_sites", "-O2", "-gdwarf-5", "-gdwarf64")
    assert load_image(d32).section(".text") == load_image(d64).section(".text")
    dw32, dw64 = dwarf_of(d32), dwarf_of(d64)
    assert {cu.off_size for cu in dw64.units} == {8}
    pcs = text_pcs(d32, 2)
    assert [ours(dw64, pc) for pc in pcs] == [ours(dw32, pc) for pc in pcs]


@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ missing")
@pytest.mark.parametrize("dwarf", ["-gdwarf-4", "-gdwarf-5"])
def test_cpp_names_agree_with_addr2line(tmp_path: Path, dwarf: str) -> None:
    src = tmp_path / "w.cc"
    src.write_text(CPP_SRC)
    exe = tmp_path / "w"
    subprocess.run(["g++", "-O1", "-g", dwarf, "-o", str(exe), str(src)], check=True,
                   capture_output=True)
    assert compare(str(exe), demangle=True, step=1) > 10
    dw = dwarf_of(str(exe))
    names = set()
    for pc in text_pcs(str(exe), 1):
        for f, _fl, _ln in ours(dw, pc) or []:
            names.add(_plain(f))
    assert "outer::inner::Widget::close_it" in names  # a member: DW_AT_specification
    assert "(anonymous namespace)::hidden" in names


@pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc missing")
def test_rust_agrees_with_addr2line(build: Callable[..., str]) -> None:
    exe = build("src_rust", "-C", "opt-level=1")
    dw = dwarf_of(exe)
    syms = subprocess.run(["nm", exe], capture_output=True, text=True, check=True).stdout
    main = next(int(line.split()[0], 16) for line in syms.splitlines()
                if re.search(r" t \S*src_rust4main", line))
    cu = dw.unit_for_pc(main)
    assert cu is not None and "src_rust.rs" in cu.name
    pcs = [pc for pc in text_pcs(exe, 2) if any(lo <= pc < hi for lo, hi in cu.ranges)]
    assert pcs
    ref = addr2line(exe, pcs, True)
    checked = 0
    for pc in pcs:
        got = ours(dw, pc)
        assert got is not None
        want = ref[pc]
        # addr2line prints Rust names with their hash and generic arguments; ours come
        # from the DWARF name with the path: compare the last path segment
        assert [(fl, ln) for _f, fl, ln in got] == [(fl, ln) for _f, fl, ln in want], hex(pc)
        for (f, _a, _b), (w, _c, _d) in zip(got, want, strict=True):
            last = re.sub(r"::h[0-9a-f]{16}$", "", w).split("::")[-1]
            assert f.split("::")[-1].split("<")[0] == last.split("<")[0], (hex(pc), f, w)
        checked += 1
    assert checked > 20


def test_units_without_aranges_are_indexed_by_their_ranges(build: Callable[..., str]) -> None:
    exe = build("src_sites", "-O2", "-gdwarf-5")
    img = load_image(exe)
    secs = {n: img.debug_section(n) for n in SECTIONS}
    full = DwarfInfo(secs)
    no_ar = DwarfInfo({**secs, ".debug_aranges": None})
    bad_ar = DwarfInfo({**secs, ".debug_aranges": b"\x10\0\0\0\x02\0\0\0\0\0\x03\0" + b"\0" * 8})
    for pc in text_pcs(exe, 7):
        a = full.unit_for_pc(pc)
        for other in (no_ar, bad_ar):
            b = other.unit_for_pc(pc)
            assert (a is None) == (b is None)
            if a is not None and b is not None:
                assert (a.offset, a.name) == (b.offset, b.name)


def test_damaged_sections_are_errors_not_crashes(build: Callable[..., str]) -> None:
    exe = build("src_sites", "-O2", "-gdwarf-5")
    img = load_image(exe)
    secs = {n: img.debug_section(n) for n in SECTIONS}
    info = secs[".debug_info"]
    assert info is not None
    nm = subprocess.run(["nm", exe], capture_output=True, text=True, check=True).stdout
    pc = next(int(line.split()[0], 16) for line in nm.splitlines()
              if line.endswith(" noinline_fn")) + 4
    with pytest.raises(DwarfError):
        DwarfInfo({**secs, ".debug_info": None})
    with pytest.raises(DwarfError):  # the first unit claims more bytes than there are
        DwarfInfo({**secs, ".debug_info": info[:40]})
    # abbreviations gone: the unit DIE cannot be read, noted in .error
    dw = DwarfInfo({**secs, ".debug_abbrev": b"\0"})
    assert dw.unit_for_pc(pc) is None and dw.error is not None
    # a line program cut short
    dw = DwarfInfo({**secs, ".debug_line": (secs[".debug_line"] or b"")[:30]})
    cu = dw.unit_for_pc(pc)
    assert cu is not None
    with pytest.raises((DwarfError, IndexError, struct.error)):
        cu.lines()
    # strings missing: names and files degrade to None / "?", no exception
    dw = DwarfInfo({**secs, ".debug_str": None, ".debug_line_str": None,
                    ".debug_str_offsets": None})
    cu = dw.unit_for_pc(pc)
    assert cu is not None and cu.name == ""
    table = cu.lines()
    assert table is not None and table.lookup(pc) is not None
    for node in cu.function_chain(pc):
        assert cu.name_of(node.name_ref) is None


def test_unsupported_versions() -> None:
    hdr = struct.pack("<IH", 11, 6) + b"\0" * 11
    with pytest.raises(DwarfError, match="version"):
        DwarfInfo({".debug_info": hdr})
    with pytest.raises(DwarfError, match="address size"):
        DwarfInfo({".debug_info": struct.pack("<IHIB", 7, 4, 0, 3)})
    with pytest.raises(DwarfError, match="length"):
        DwarfInfo({".debug_info": struct.pack("<IH", 0xFFFFFFF5, 4) + b"\0" * 8})


def _unit(version: int, abbrev: bytes, die: bytes, *, unit_type: int = 1,
          **extra: bytes) -> DwarfInfo:
    if version >= 5:
        body = struct.pack("<HBBI", version, unit_type, 8, 0) + die
    else:
        body = struct.pack("<HIB", version, 0, 8) + die
    return DwarfInfo({".debug_info": struct.pack("<I", len(body)) + body,
                      ".debug_abbrev": abbrev,
                      ".debug_str": b"\0strp_name\0",
                      ".debug_addr": struct.pack("<QQQ", 0x1000, 0x2000, 0x3000),
                      ".debug_str_offsets": struct.pack("<QI", 0, 1),
                      ".debug_rnglists": b"\0" * 12 + struct.pack("<I", 4)
                      + bytes([1, 0, 4, 0x10, 0x20, 3, 2, 0x10, 2, 1, 2, 6])
                      + struct.pack("<QQ", 0x5000, 0x5010) + bytes([7])
                      + struct.pack("<Q", 0x6000) + bytes([0x08, 5])
                      + struct.pack("<Q", 0x7000) + bytes([4, 0, 8, 0]),
                      **{"." + k: v for k, v in extra.items()}})


def _abbrev(tag: int, children: bool, attrs: list[tuple[int, int]]) -> bytes:
    out = _uleb(1) + _uleb(tag) + bytes([1 if children else 0])
    for at, form in attrs:
        out += _uleb(at) + _uleb(form)
    return out + b"\0\0\0"


def test_forms_of_a_hand_made_unit() -> None:
    """A DWARF 5 unit DIE using strx1, addrx, rnglistx and data forms of each size."""
    attrs = [(0x72, 0x17), (0x73, 0x17), (0x74, 0x17),  # bases, sec_offset
             (0x03, 0x25),   # name: strx1 -> index 1
             (0x11, 0x1B),   # low_pc: addrx 0 -> 0x1000
             (0x55, 0x23),   # ranges: rnglistx 0
             (0x13, 0x0B), (0x14, 0x05), (0x15, 0x06), (0x16, 0x07),  # data1/2/4/8
             (0x17, 0x0D), (0x18, 0x0F), (0x19, 0x0C), (0x1A, 0x19),  # sdata, udata, flag
             (0x1C, 0x0A), (0x1D, 0x18), (0x1E, 0x03), (0x1F, 0x04),  # blocks, exprloc
             (0x20, 0x1E), (0x21, 0x16), (0x22, 0x08)]                # data16, indirect
    die = (_uleb(1) + struct.pack("<III", 8, 0, 12) + bytes([0]) + _uleb(0) + _uleb(0)
           + bytes([1]) + struct.pack("<HIQ", 2, 4, 8) + bytes([0x7F]) + _uleb(300)
           + bytes([1]) + bytes([2, 0, 0]) + _uleb(1) + b"\0" + struct.pack("<H", 1) + b"\0"
           + struct.pack("<I", 0) + b"\0" * 16 + _uleb(0x0B) + bytes([9]) + b"abc\0" + b"\0")
    dw = _unit(5, _abbrev(0x11, False, attrs), die)
    cu = dw.units[0]
    assert cu.ensure_top()
    assert cu.name == "strp_name"
    assert cu.low_pc == 0x1000
    # rnglist at base 12 + 4: base_addressx 0 (0x1000); offset_pair 0x10..0x20;
    # startx_length 2 (0x3000) +0x10; startx_endx 1..2 (0x2000..0x3000); start_end;
    # start_length; a second base_address; offset_pair; end
    assert cu.ranges == [(0x1010, 0x1020), (0x3000, 0x3010), (0x2000, 0x3000),
                         (0x5000, 0x5010), (0x6000, 0x6008), (0x7000, 0x7008)]
    assert dw.unit_for_pc(0x6004) is cu and dw.unit_for_pc(0x4000) is None


def test_unknown_form_and_bad_range_entry() -> None:
    dw = _unit(4, _abbrev(0x11, False, [(0x03, 0x7F)]), _uleb(1) + b"\0")
    assert not dw.units[0].ensure_top() and dw.error is not None and "form" in dw.error
    bad = _unit(5, _abbrev(0x11, False, [(0x74, 0x17), (0x55, 0x17)]),
                _uleb(1) + struct.pack("<II", 12, 100), debug_rnglists=b"\0" * 100 + bytes([9]))
    assert not bad.units[0].ensure_top() and bad.error is not None
    assert "range list entry" in bad.error


def test_dwarf4_range_list_with_base_selection() -> None:
    dw = _unit(4, _abbrev(0x11, False, [(0x11, 0x01), (0x55, 0x17)]),
               _uleb(1) + struct.pack("<QI", 0x1000, 0),
               debug_ranges=(struct.pack("<QQ", 0x10, 0x20)
                             + struct.pack("<QQ", (1 << 64) - 1, 0x8000)
                             + struct.pack("<QQ", 0, 0x8) + struct.pack("<QQ", 0, 0)))
    cu = dw.units[0]
    assert cu.ensure_top()
    assert cu.ranges == [(0x1010, 0x1020), (0x8000, 0x8008)]


def test_type_and_skeleton_unit_headers_are_skipped_over() -> None:
    for unit_type in (2, 4):
        dw = _unit(5, _abbrev(0x11, False, [(0x03, 0x08)]),
                   b"\0" * (8 if unit_type == 4 else 12) + _uleb(1) + b"u\0",
                   unit_type=unit_type)
        cu: CompUnit = dw.units[0]
        assert cu.ensure_top() and cu.name == "u"


def _set_address(a: int) -> bytes:
    return bytes([0, 9, 2]) + struct.pack("<Q", a)


def _line_unit(version: int, header_tail: bytes, program: bytes, opcode_base: int = 14,
               std_lens: bytes = bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 2])) -> CompUnit:
    """A unit whose DIE has DW_AT_stmt_list 0 and DW_AT_comp_dir "/cd"; its line program
    has line_base -5, line_range 14."""
    fixed = bytes([1, 1, 1]) + struct.pack("<b", -5) + bytes([14, opcode_base]) + std_lens
    hdr = fixed + header_tail
    pre = struct.pack("<H", version) + (bytes([8, 0]) if version >= 5 else b"")
    body = pre + struct.pack("<I", len(hdr)) + hdr + program
    line = struct.pack("<I", len(body)) + body
    dw = _unit(4, _abbrev(0x11, False, [(0x10, 0x17), (0x1B, 0x08)]),
               _uleb(1) + struct.pack("<I", 0) + b"/cd\0", debug_line=line)
    cu = dw.units[0]
    assert cu.ensure_top() and cu.comp_dir == "/cd"
    return cu


def test_line_program_opcodes_version_4() -> None:
    dirs_files = (b"inc\0\0" + b"a.c\0" + _uleb(1) + b"\0\0" + b"/abs/b.c\0\0\0\0" + b"\0")
    program = (_set_address(0x1000)
               + bytes([20])                     # special: line +1 -> row 0x1000 line 2
               + bytes([2, 4])                   # advance_pc 4
               + bytes([3]) + _sleb(10)          # advance_line +10
               + bytes([1])                      # copy -> row 0x1004 line 12
               + bytes([4, 2])                   # set_file 2
               + bytes([9]) + struct.pack("<H", 0x10)  # fixed_advance_pc -> 0x1014
               + bytes([1])                      # copy -> row 0x1014 line 12 file 2
               + bytes([8])                      # const_add_pc: +17 -> 0x1025
               + bytes([6, 19])                  # negate_stmt; special +0 +0: non-stmt row
               + bytes([6]) + bytes([3]) + _sleb(-2) + bytes([1])  # stmt row, line 10, wins
               + bytes([5, 3, 7, 10, 11])        # set_column, prologue_end, ...: no rows
               + bytes([13]) + _uleb(1) + _uleb(300)  # an opcode known by its length only
               + bytes([0, 2, 4, 1])             # DW_LNE_set_discriminator
               + bytes([0, 0])                   # an empty extended opcode
               + bytes([2, 8, 0, 1, 1])          # advance_pc 8; end_sequence at 0x102d
               + _set_address(0) + bytes([1, 2, 4, 0, 1, 1]))  # discarded code at 0
    cu = _line_unit(4, dirs_files, program)
    table = cu.lines()
    assert table is not None
    assert table.lookup(0xFFF) is None
    assert table.lookup(0x1000) == table.lookup(0x1003) == (1, 2)
    assert table.lookup(0x1004) == table.lookup(0x1013) == (1, 12)
    assert table.lookup(0x1014) == table.lookup(0x1024) == (2, 12)
    assert table.lookup(0x1025) == table.lookup(0x102C) == (2, 10)
    assert table.lookup(0x102D) is None and table.lookup(0x4) is None
    assert cu.file_name(1) == "/cd/inc/a.c"
    assert cu.file_name(2) == "/abs/b.c"
    assert cu.file_name(0) is None and cu.file_name(3) is None


def _v5_tail(file_formats: list[tuple[int, int]], files: list[bytes]) -> bytes:
    out = bytes([1]) + _uleb(1) + _uleb(0x08) + _uleb(2) + b"/cd\0" + b"sub\0"
    out += bytes([len(file_formats)])
    for ct, form in file_formats:
        out += _uleb(ct) + _uleb(form)
    return out + _uleb(len(files)) + b"".join(files)


def test_line_program_header_version_5() -> None:
    formats = [(1, 0x08), (2, 0x0B), (5, 0x1E), (0x2001, 0x25), (0x2002, 0x09), (0x2003, 0x0F),
               (0x2004, 0x05), (0x2005, 0x0E)]
    extra = bytes([0]) + _uleb(2) + b"ab" + _uleb(7) + struct.pack("<HI", 1, 0)
    files = [b"main.c\0" + bytes([0]) + b"\0" * 16 + extra,
             b"x.h\0" + bytes([1]) + b"\0" * 16 + extra]
    program = _set_address(0x2000) + bytes([1, 2, 2, 4, 0, 1, 2, 1, 0, 1, 1])
    cu = _line_unit(5, _v5_tail(formats, files), program, opcode_base=13,
                    std_lens=bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]))
    table = cu.lines()
    assert table is not None
    assert table.lookup(0x2000) == (1, 1) and table.lookup(0x2002) == (0, 1)
    assert table.lookup(0x2003) is None
    assert cu.file_name(0) == "/cd/main.c"  # DWARF 5 counts files from 0
    assert cu.file_name(1) == "/cd/sub/x.h"
    assert cu.file_name(2) is None


@pytest.mark.parametrize(("version", "tail", "message"), [
    (5, _v5_tail([(1, 0x01)], [b"\0" * 8]), "unsupported form"),
    (6, b"", "unsupported line table version"),
])
def test_bad_line_program_headers(version: int, tail: bytes, message: str) -> None:
    cu = _line_unit(version, tail, b"")
    with pytest.raises(DwarfError, match=message):
        cu.lines()


def test_line_range_zero_and_overlong_program() -> None:
    cu = _line_unit(4, b"\0\0", b"")
    line = bytearray(cu.info.debug_line)
    line[4 + 2 + 4 + 3 + 1] = 0  # line_range
    cu.info.debug_line = bytes(line)
    with pytest.raises(DwarfError, match="line_range"):
        cu.lines()
    cu2 = _line_unit(4, b"\0\0", b"")
    cu2.info.debug_line = struct.pack("<I", 1000) + cu2.info.debug_line[4:]
    with pytest.raises(DwarfError, match="past the end"):
        cu2.lines()
