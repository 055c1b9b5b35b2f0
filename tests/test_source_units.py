"""Units of source correlation: demangling, the frame rule, maps, CFI, DWARF expressions."""

from __future__ import annotations

import struct

import pytest
from leb128_encode import uleb as _uleb

from pytest_renacer.model import Frame
from pytest_renacer.source import frames as frames_mod
from pytest_renacer.source.cfi import OFFSET, CFITable, eval_expr
from pytest_renacer.source.demangle import demangle
from pytest_renacer.source.dwarf import DwarfError, DwarfInfo
from pytest_renacer.source.elf import ElfImage, load_image
from pytest_renacer.source.frames import first_own_frame, is_own
from pytest_renacer.source.maps import parse_maps

# -- demangling ------------------------------------------------------------------------


@pytest.mark.parametrize(("mangled", "expected"), [
    ("main", "main"),
    ("_Z3fooi", "foo"),
    ("_ZN5outer5inner1K1sENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEERSt6vectorIiSaIiEE",
     "outer::inner::K::s"),
    ("_ZN5outer5inner3BoxIiE3putERKi", "outer::inner::Box<int>::put"),
    ("_ZN5outer5inner1KC2Ev", "outer::inner::K::K"),
    ("_ZN5outer5inner1KD1Ev", "outer::inner::K::~K"),
    ("_ZNK5outer5inner1KclEi", "outer::inner::K::operator()"),
    ("_ZNSt6vectorIiSaIiEE9push_backERKi", "std::vector<int, std::allocator<int>>::push_back"),
    ("_ZN12_GLOBAL__N_14anonEi", "(anonymous namespace)::anon"),
    ("_ZZ4mainENKUliE_clEi", "main::{lambda(int)#1}::operator()"),
    ("_Z3maxIiET_S0_S0_", "max<int>"),
    ("_ZN3foo3barEv.cold", "foo::bar"),
    ("_ZN3foo3barEv.isra.0", "foo::bar"),
    # Rust, legacy mangling (hash dropped, escapes decoded)
    ("_ZN9src_sites4main17h086b0cfd890a8ea9E", "src_sites::main"),
    ("_ZN61_$LT$std..io..stdio..StdoutLock$u20$as$u20$std..io..Write$GT$9write_all17h0123456789abcdefE",
     "<std::io::stdio::StdoutLock as std::io::Write>::write_all"),
    # Rust, v0 mangling
    ("_RNvNtCs1234_7mycrate3foo3bar", "mycrate::foo::bar"),
    ("_RNvMNtCsgEmfK2I1SDS_4core3strNtB2_4Utf85check", "<core::str::Utf8>::check"),
    ("_RINvNtCsgEmfK2I1SDS_4core3ptr13drop_in_placeNtNtCs1_3std2fs4FileEB4_",
     "core::ptr::drop_in_place::<std::fs::File>"),
    ("_RNCNvCs1_5hello4main0B3_", "hello::main::{closure#0}"),
    ("_RNvXs_NtCs1_3std2fsNtB4_4FileNtNtB6_2io5Write5write",
     "<std::fs::File as std::io::Write>::write"),
])
def test_demangle(mangled: str, expected: str) -> None:
    assert demangle(mangled) == expected


@pytest.mark.parametrize("junk", ["_Z", "_ZN", "_ZN3fo", "_R", "_RNv", "_ZNSt", "_Z3fooIS_E",
                                  "_RB_", "_ZN" + "1a" * 5000, "_RINvB0_E"])
def test_demangle_never_raises(junk: str) -> None:
    assert isinstance(demangle(junk), str)


# -- the frame rule --------------------------------------------------------------------

LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6"


def fr(file: str | None, binary: str, function: str = "f") -> Frame:
    return Frame(file, 1 if file else None, function, binary, 0x1000)


def test_first_own_frame_skips_runtime() -> None:
    stack = [
        fr("sysdeps/unix/sysv/linux/write.c", LIBC, "__libc_write"),
        fr("/rustc/abc/library/std/src/sys/fd.rs", "/bin/app", "std::sys::fd::write"),
        fr("/usr/include/x86_64-linux-gnu/bits/unistd.h", "/bin/app", "read"),
        fr(None, "/bin/app", "helper_without_debug_info"),
        fr("/src/app/src/main.rs", "/bin/app", "app::main"),
        fr("/src/app/src/lib.rs", "/bin/app", "app::run"),
    ]
    assert first_own_frame(stack) is stack[4]
    assert first_own_frame(stack[:4]) is None
    assert first_own_frame([]) is None
    assert first_own_frame([fr("/x/a.c", "[vdso]")]) is None
    assert first_own_frame([fr("/x/a.c", "/usr/lib/libstdc++.so.6")]) is None
    assert first_own_frame([fr("/home/me/rust/library/core/src/x.rs", "/bin/a")]) is None


def test_frame_rule_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    stack = [fr("sysdeps/write.c", LIBC), fr("/src/wrap.c", "/bin/app"),
             fr("/src/main.c", "/bin/app")]
    assert first_own_frame(stack) is stack[1]
    assert first_own_frame(stack, skip=[r"/wrap\.c$"]) is stack[2]
    assert first_own_frame(stack, keep=[r"libc\.so"]) is stack[0]
    monkeypatch.setenv("RENACER_SOURCE_SKIP", r"wrap\.c")
    assert first_own_frame(stack) is stack[2]
    monkeypatch.setenv("RENACER_SOURCE_KEEP", r"libc\.so")
    assert first_own_frame(stack) is stack[0]
    monkeypatch.delenv("RENACER_SOURCE_SKIP")
    monkeypatch.delenv("RENACER_SOURCE_KEEP")
    monkeypatch.setattr(frames_mod, "SKIP_FILES", [*frames_mod.SKIP_FILES, r"^/src/wrap"])
    assert first_own_frame(stack) is stack[2]
    assert not is_own(stack[1])
    monkeypatch.setenv("RENACER_SOURCE_SKIP", "[unbalanced")  # a bad pattern is ignored
    assert first_own_frame(stack) is stack[2]


def test_never_own_binary_follows_the_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_renacer.source.frames import never_own_binary

    assert never_own_binary(LIBC)
    assert never_own_binary("/lib64/ld-linux-x86-64.so.2")
    assert not never_own_binary("/bin/app")
    monkeypatch.setenv("RENACER_SOURCE_SKIP", r"^/opt/vendor/")
    assert never_own_binary("/opt/vendor/libthing.so")
    monkeypatch.setenv("RENACER_SOURCE_KEEP", r"/src/")  # a kept file may be anywhere
    assert not never_own_binary(LIBC)


# -- maps ------------------------------------------------------------------------------

MAPS = """\
55d0c0a00000-55d0c0a01000 r--p 00000000 08:01 1234  /usr/bin/app
55d0c0a01000-55d0c0a02000 r-xp 00001000 08:01 1234  /usr/bin/app
55d0c0c00000-55d0c0c21000 rw-p 00000000 00:00 0     [heap]
7f0000000000-7f0000028000 r--p 00000000 08:01 99    /usr/lib/x86_64-linux-gnu/libc.so.6
7f0000028000-7f000019d000 r-xp 00028000 08:01 99    /usr/lib/x86_64-linux-gnu/libc.so.6
7f00001a0000-7f00001a1000 rwxp 00000000 00:00 0
7ffd8c9f0000-7ffd8c9f2000 r-xp 00000000 00:00 0     [vdso]
7ffd8c9f3000-7ffd8ca14000 rw-p 00000000 00:00 0     [stack]
ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]
7f00001b0000-7f00001b1000 r-xp 00000000 08:01 77    /tmp/with space (deleted)
"""


def test_parse_maps_keeps_executable_file_mappings_and_vdso() -> None:
    ms = parse_maps(MAPS)
    assert [m.path for m in ms] == ["/usr/bin/app", "/usr/lib/x86_64-linux-gnu/libc.so.6",
                                    "/tmp/with space (deleted)", "[vdso]"]
    app = ms[0]
    assert (app.start, app.end, app.offset, app.inode) == (0x55D0C0A01000, 0x55D0C0A02000,
                                                          0x1000, 1234)


def test_load_bias_from_program_headers() -> None:
    img = ElfImage("x")
    # lld's layout: the text segment shares a file page with the read-only one
    img.loads = [(0, 0, 0x17590, 0x17590, False), (0x18590, 0x17590, 0x45920, 0x45920, True)]
    assert img.bias_for(0x555555554000 + 0x18000, 0x17000) == 0x555555554000
    img.loads = [(0x400000, 0, 0x1000, 0x1000, False), (0x401000, 0x1000, 0x2000, 0x2000, True)]
    assert img.bias_for(0x401000, 0x1000) == 0  # non-PIE: no bias


def test_unreadable_files_become_problems(tmp_path: pytest.TempPathFactory) -> None:
    junk = tmp_path / "junk"  # type: ignore[operator]
    junk.write_bytes(b"\x7fELF" + b"\x02\x01\x01" + b"\xff" * 200)
    img = load_image(str(junk))
    assert img.problem
    assert load_image(str(tmp_path / "missing")).problem  # type: ignore[operator]
    assert load_image("[vdso]", b"not an elf").problem


# -- CFI --------------------------------------------------------------------------------


def test_cfi_rules_from_debug_frame() -> None:
    """A hand-written .debug_frame: push rbp; mov rsp,rbp; ... as gcc -O0 describes it."""
    init = bytes([0x0C, 7, 8, 0x90, 1])  # def_cfa rsp+8; offset r16 at cfa-8
    cie_body = (struct.pack("<I", 0xFFFFFFFF) + bytes([4]) + b"\0" + bytes([8, 0])
                + _uleb(1) + bytes([0x78]) + _uleb(16) + init)
    cie_body += b"\0" * (-len(cie_body) % 8)
    cie = struct.pack("<I", len(cie_body)) + cie_body
    # advance 1; CFA = rsp+16; rbp at CFA-16; advance 3; CFA = rbp (+16)
    insns = bytes([0x41, 0x0E, 16, 0x86, 2, 0x43, 0x0D, 6])
    fde_body = struct.pack("<I", 0) + struct.pack("<QQ", 0x1000, 0x40) + insns
    fde_body += b"\0" * (-len(fde_body) % 8)
    fde = struct.pack("<I", len(fde_body)) + fde_body
    table = CFITable(cie + fde, 0, is_eh=False)
    r0 = table.rule_for(0x1000)
    assert r0 is not None and (r0.cfa_reg, r0.cfa_off) == (7, 8)
    assert r0.regs == ((16, OFFSET, -8),)
    r1 = table.rule_for(0x1002)
    assert r1 is not None and (r1.cfa_reg, r1.cfa_off) == (7, 16)
    assert (6, OFFSET, -16) in r1.regs
    r2 = table.rule_for(0x1010)
    assert r2 is not None and (r2.cfa_reg, r2.cfa_off) == (6, 16)
    assert table.rule_for(0x0FFF) is None and table.rule_for(0x1040) is None


def test_cfi_garbage_never_raises() -> None:
    for data in (b"", b"\xff" * 64, b"\x10\x00\x00\x00" + b"\x00" * 12, bytes(range(256)) * 4):
        for is_eh in (True, False):
            table = CFITable(data, 0x1000, is_eh=is_eh, hdr=data[:64] or None)
            assert table.rule_for(0x1000) is None or table.rule_for(0x1000) is not None


def test_eval_expr_glibc_plt_cfa() -> None:
    # glibc's PLT: CFA = rsp + 8 + ((rip & 15) >= 11 ? 8 : 0)
    expr = bytes([0x77, 8, 0x80, 0, 0x3F, 0x1A, 0x3B, 0x2A, 0x33, 0x24, 0x22])
    regs = {7: 0x7FFF0000, 16: 0x401020}
    assert eval_expr(expr, regs.get, lambda a: None) == 0x7FFF0008
    regs[16] = 0x40102B
    assert eval_expr(expr, regs.get, lambda a: None) == 0x7FFF0010


def test_eval_expr_deref_and_bad_input() -> None:
    mem = {0x1000: 0x2000}
    assert eval_expr(bytes([0x77, 0x10, 0x06]), {7: 0xFF0}.get, mem.get) == 0x2000  # *(rsp+16)
    assert eval_expr(bytes([0x77, 0x10, 0x06]), {7: 0}.get, mem.get) is None
    no_regs: dict[int, int] = {}
    assert eval_expr(bytes([0x2F, 0xFD, 0xFF]), no_regs.get, mem.get) is None  # loops
    assert eval_expr(b"\xff", no_regs.get, mem.get) is None


# -- DWARF -------------------------------------------------------------------------------


@pytest.mark.parametrize("info", [b"", b"\x01", b"\xff" * 32,
                                  struct.pack("<IH", 100, 4) + b"\0" * 8,
                                  struct.pack("<IH", 7, 9) + b"\0" * 7,
                                  struct.pack("<IHIB", 8, 4, 0, 8) + b"\x01"])
def test_dwarf_garbage_is_an_error_not_a_crash(info: bytes) -> None:
    """Malformed DWARF raises one of the errors the symbolizer turns into a problem."""
    try:
        dw = DwarfInfo({".debug_info": info, ".debug_abbrev": b"\x01\x11\x01\x00"})
        for cu in dw.units:
            cu.function_chain(0x1000)
            cu.lines()
        assert dw.unit_for_pc(0x1000) is None
    except (DwarfError, IndexError, struct.error, ValueError):
        pass


def test_random_bytes_fuzz() -> None:
    """Random CFI and DWARF bytes: only the documented errors, and quickly."""
    import random

    rnd = random.Random(5)
    for _ in range(150):
        blob = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 400)))
        table = CFITable(blob, 0x400000, is_eh=rnd.random() < 0.5, hdr=blob[:40])
        table.rule_for(0x400010)
        try:
            dw = DwarfInfo({".debug_info": struct.pack("<IHIB", len(blob) + 7, 4, 0, 8) + blob,
                            ".debug_abbrev": bytes(rnd.randrange(256) for _ in range(64)),
                            ".debug_line": blob, ".debug_aranges": blob[::-1]})
            for cu in dw.units:
                cu.function_chain(0x10)
                cu.stmt_list = 0
                cu.lines()
        except (DwarfError, IndexError, struct.error, ValueError):
            pass
