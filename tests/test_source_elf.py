"""elf.py on real gcc output (PIE, static, compressed debug sections, debug links, build-ids)
and on damaged files: a reason in ``problem``, never a traceback."""

from __future__ import annotations

import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_renacer.source import elf as elf_mod
from pytest_renacer.source.elf import ElfImage, find_debug_file, load_image

needs_objcopy = pytest.mark.skipif(not shutil.which("objcopy"), reason="binutils missing")


def _readelf(path: str, *flags: str) -> str:
    return subprocess.run(["readelf", "-W", *flags, path], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def pie(build: Callable[..., str]) -> str:
    return build("src_sites", "-Wl,--build-id")


def test_headers_agree_with_readelf(pie: str) -> None:
    img = load_image(pie)
    assert img.problem is None
    assert (img.elfclass, img.little_endian, img.machine, img.e_type) == \
        (64, True, "EM_X86_64", "ET_DYN")
    loads = [line.split() for line in _readelf(pie, "-l").splitlines()
             if line.strip().startswith("LOAD")]
    assert [(int(f[2], 16), int(f[1], 16), int(f[4], 16), "E" in f[6:-1]) for f in loads] == \
        [(v, o, fs, x) for v, o, fs, _ms, x in img.loads]
    notes = _readelf(pie, "-n")
    assert img.build_id is not None and img.build_id.hex() in notes
    assert img.has(".text") and not img.has(".bss") and not img.has(".nope")
    assert img.section(".bss") is None
    assert img.has_debug_info()
    # read_vaddr: the bytes at an address of .text are the section's bytes
    addr, _off, size, _t, _c = img.sections[".text"]
    assert img.read_vaddr(addr, 16) == img.section(".text")[:16]  # type: ignore[index]
    assert img.read_vaddr(1 << 40, 4) == b""
    assert img.load_end(addr) > addr + size - 1
    assert img.load_end(1 << 40) == 1 << 40
    # the same file is parsed once
    assert load_image(pie) is img


def test_bias_for_pie_and_static(pie: str, build: Callable[..., str]) -> None:
    img = load_image(pie)
    text_load = next(ld for ld in img.loads if ld[4])
    vaddr, poff = text_load[0], text_load[1]
    start = 0x5555_5555_0000 + (poff & ~0xFFF)
    assert img.bias_for(start, poff & ~0xFFF) == start - (poff & ~0xFFF) - vaddr + poff
    assert img.bias_for(0x1000, 1 << 30) == 0x1000 - (1 << 30)  # no segment: offset only
    static = load_image(build("src_sites", "-static"))
    assert static.problem is None and static.e_type == "ET_EXEC"
    x = next(ld for ld in static.loads if ld[4])
    assert static.bias_for(x[0] & ~0xFFF, x[1] & ~0xFFF) == 0  # not relocated


@needs_objcopy
@pytest.mark.parametrize("how", ["zlib", "zlib-gnu"])
def test_compressed_debug_sections(pie: str, tmp_path: Path, how: str) -> None:
    plain = load_image(pie).debug_section(".debug_info")
    path = str(tmp_path / how)
    subprocess.run(["objcopy", f"--compress-debug-sections={how}", pie, path], check=True)
    if how == "zlib":
        assert load_image(path).sections[".debug_info"][4]  # SHF_COMPRESSED
    else:
        assert ".zdebug_info" in load_image(path).sections
    img = load_image(path)
    data = img.debug_section(".debug_info")
    assert data is not None and data == plain
    assert img.has_debug_info() and img.problem is None


@needs_objcopy
def test_debuglink_and_build_id_lookup(pie: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    dbg = tmp_path / "prog.debug"
    stripped = tmp_path / "prog"
    subprocess.run(["objcopy", "--only-keep-debug", pie, str(dbg)], check=True)
    subprocess.run(["objcopy", "--strip-debug", f"--add-gnu-debuglink={dbg}", pie,
                    str(stripped)], check=True)
    img = load_image(str(stripped))
    assert not img.has_debug_info()
    assert img.debuglink is not None and img.debuglink[0] == "prog.debug"
    monkeypatch.setenv("RENACER_DEBUG_DIRS", str(tmp_path / "nowhere"))
    assert find_debug_file(img) == (str(dbg), None)  # next to the binary, CRC checked
    # a debug file that does not match the CRC is refused, with the reason
    dbg.write_bytes(dbg.read_bytes() + b"x")
    path, why = find_debug_file(img)
    assert path is None and why is not None and "CRC" in why
    # by build-id under a debug directory
    assert img.build_id is not None
    h = img.build_id.hex()
    bid = tmp_path / "dbgroot" / ".build-id" / h[:2] / (h[2:] + ".debug")
    bid.parent.mkdir(parents=True)
    subprocess.run(["objcopy", "--only-keep-debug", pie, str(bid)], check=True)
    monkeypatch.setenv("RENACER_DEBUG_DIRS", str(tmp_path / "dbgroot"))
    assert find_debug_file(img) == (str(bid), None)
    assert elf_mod.debug_dirs()[0] == str(tmp_path / "dbgroot")


def test_no_debug_file_reasons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENACER_DEBUG_DIRS", str(tmp_path))
    img = ElfImage("/x")
    assert find_debug_file(img) == (None, "no debug info (stripped?), no build-id and no "
                                          ".gnu_debuglink")
    img.build_id = b"\x12\x34\x56"
    path, why = find_debug_file(img)
    assert path is None and why is not None and "no separate debug file" in why
    assert not elf_mod._crc_ok(str(tmp_path / "missing"), 0)


# -- damaged and unusual files -------------------------------------------------------


def _ehdr64(e: str = "<", data_enc: int = 1, shoff: int = 0, shnum: int = 0,
            phoff: int = 0, phnum: int = 0, machine: int = 62) -> bytes:
    ident = b"\x7fELF" + bytes([2, data_enc, 1]) + b"\0" * 9
    return ident + struct.pack(e + "HHIQQQIHHHHHH", 3, machine, 1, 0, phoff, shoff, 0, 64,
                               56, phnum, 64, shnum, 0)


def test_hand_made_headers() -> None:
    be = load_image("be", _ehdr64(">", 2, machine=22))
    assert be.problem is None and not be.little_endian and be.machine == "EM_22"
    # a PT_LOAD and a PT_NOTE holding a build-id, no section headers at all
    note = struct.pack("<III", 4, 4, 3) + b"GNU\0" + b"\xde\xad\xbe\xef"
    ph_load = struct.pack("<IIQQQQQQ", 1, 5, 0, 0x400000, 0, 0x1000, 0x1000, 0x1000)
    ph_note = struct.pack("<IIQQQQQQ", 4, 4, 64 + 3 * 56, 0, 0, len(note), len(note), 4)
    ph_eh = struct.pack("<IIQQQQQQ", 0x6474E550, 4, 0, 0x400100, 0, 8, 8, 4)
    img = load_image("hand", _ehdr64(phoff=64, phnum=3) + ph_load + ph_note + ph_eh + note)
    assert img.problem is None
    assert img.build_id == b"\xde\xad\xbe\xef"
    assert img.loads == [(0x400000, 0, 0x1000, 0x1000, True)]
    assert img.eh_frame_hdr == (0x400100, 0, 8)
    # a note that is not GNU's build-id
    assert elf_mod._note_build_id(struct.pack("<III", 4, 4, 1) + b"XYZ\0abcd", "<") is None


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "not a readable ELF file"),
    (b"MZ\x90\x00" + b"\0" * 60, "not a readable ELF file"),
    (b"\x7fELF\x03\x01\x01" + b"\0" * 60, "not a readable ELF file"),  # bad class
    (_ehdr64(shoff=1 << 20, shnum=3), "not a readable ELF file"),  # sections past the end
])
def test_corrupt_images_have_a_reason(data: bytes, reason: str) -> None:
    img = load_image("corrupt", data)
    assert img.problem is not None and img.problem.startswith(reason)
    assert img.section(".text") is None and img.loads == []


def test_truncated_file_keeps_program_headers(pie: str, tmp_path: Path) -> None:
    raw = Path(pie).read_bytes()
    cut = tmp_path / "cut"
    cut.write_bytes(raw[: len(raw) // 2])  # the section headers are at the end
    img = load_image(str(cut))
    assert img.problem is not None and "past the end" in img.problem
    assert img.loads == load_image(pie).loads


def test_truncated_section_is_a_problem_not_a_crash(pie: str, tmp_path: Path) -> None:
    raw = bytearray(Path(pie).read_bytes())
    img0 = load_image(pie)
    _a, off, _size, _t, _c = img0.sections[".debug_info"]
    bad = tmp_path / "bad"
    # keep the headers, cut the file inside .debug_info: the section is short
    sh = img0.sections
    assert all(o + s <= len(raw) for _a2, o, s, _t2, _c2 in sh.values() if _t2 != "SHT_NOBITS")
    bad.write_bytes(bytes(raw))
    img = load_image(str(bad))
    img.sections[".debug_info"] = (0, off, len(raw), "1", False)
    assert img.section(".debug_info") is None
    assert img.problem is not None and "truncated" in img.problem
    img.sections[".zz"] = (0, off, 32, "1", True)  # "compressed" garbage
    assert img.section(".zz") is None


def test_compression_header_types() -> None:
    img = ElfImage("x")
    body = b"hello" * 10
    import zlib
    ok = struct.pack("<IIQQ", 1, 0, len(body), 1) + zlib.compress(body)
    assert img._decompress_chdr(ok) == body
    with pytest.raises(ValueError, match="size"):
        img._decompress_chdr(struct.pack("<IIQQ", 1, 0, 3, 1) + zlib.compress(body))
    with pytest.raises(ValueError, match="unknown section compression"):
        img._decompress_chdr(struct.pack("<IIQQ", 7, 0, 3, 1))
    with pytest.raises(ValueError):
        img._decompress_chdr(struct.pack("<IIQQ", 2, 0, 3, 1) + b"zstd")
    img32 = ElfImage("y")
    img32.elfclass = 32
    assert img32._decompress_chdr(struct.pack("<III", 1, len(body), 1)
                                  + zlib.compress(body)) == body


def test_unreadable_paths(tmp_path: Path) -> None:
    img = load_image(str(tmp_path / "missing"))
    assert img.problem is not None and img.problem.startswith("cannot open")
    d = load_image(str(tmp_path))  # a directory
    assert d.problem is not None


@pytest.mark.skipif(not shutil.which("gcc"), reason="gcc missing")
def test_elf32_object(tmp_path: Path) -> None:
    src = tmp_path / "t.c"
    src.write_text("int f(int x) { return x + 1; }\n")
    obj = tmp_path / "t.o"
    r = subprocess.run(["gcc", "-m32", "-g", "-c", "-o", str(obj), str(src)],
                       capture_output=True)
    if r.returncode != 0:
        pytest.skip("gcc cannot target 32-bit here")
    img = load_image(str(obj))
    assert img.problem is None
    assert (img.elfclass, img.machine, img.e_type) == (32, "EM_386", "ET_REL")
    assert img.has(".text") and img.has_debug_info()


# -- the pyelftools fallback, extended numbering, 32-bit program headers ------------------


def _comparable(img: ElfImage) -> tuple[object, ...]:
    """What both parsers must agree on (section types are spelt differently by them)."""
    secs = {n: (a, o, s, t == "SHT_NOBITS", c) for n, (a, o, s, t, c) in img.sections.items()}
    return (img.elfclass, img.little_endian, img.machine, img.e_type, img.loads,
            img.build_id, img.debuglink, secs)


@needs_objcopy
def test_pyelftools_fallback_agrees_with_the_fast_parser(
        pie: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file the fast parser refuses is parsed by pyelftools: the same facts, from the
    file and from bytes in memory; a compressed section reads the same either way."""
    linked = tmp_path / "linked"
    debug = tmp_path / "prog.debug"
    debug.write_bytes(b"separate debug info")
    subprocess.run(["objcopy", f"--add-gnu-debuglink={debug}", "--compress-debug-sections=zlib",
                    pie, str(linked)], check=True)
    fast = load_image(str(linked))
    assert fast.problem is None and fast.debuglink is not None
    assert fast.debuglink[0] == "prog.debug"
    want = _comparable(fast)
    info = fast.debug_section(".debug_info")

    def refuse(self: ElfImage, read: Callable[[int, int], bytes]) -> None:
        raise ValueError("refused for the test")

    monkeypatch.setattr(ElfImage, "_parse_fast", refuse)
    copy = tmp_path / "copy"  # another file: not in the image cache
    copy.write_bytes(linked.read_bytes())
    slow = load_image(str(copy))
    assert slow.problem is not None and "refused" in slow.problem  # why the fast one failed
    assert _comparable(slow) == want
    assert slow.debug_section(".debug_info") == info
    mem = load_image("[mem]", linked.read_bytes())
    assert _comparable(mem) == want
    # pyelftools refuses too: its reason is the problem
    junk = load_image("[junk]", b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"\xff" * 40)
    assert junk.problem is not None and junk.problem.startswith("not a readable ELF file")
    assert junk.loads == [] and junk.sections == {}


def test_build_id_from_a_note_segment_only_with_pyelftools(
        pie: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Section headers stripped away (e_shoff = 0): the build-id comes from PT_NOTE."""
    raw = bytearray(Path(pie).read_bytes())
    struct.pack_into("<QHHH", raw, 0x28, 0, 64, 0, 0)  # e_shoff, e_ehsize, ..: no sections
    struct.pack_into("<HHH", raw, 0x3A, 0, 0, 0)  # e_shentsize, e_shnum, e_shstrndx
    nosec = tmp_path / "nosec"
    nosec.write_bytes(bytes(raw))
    fast = load_image(str(nosec))
    assert fast.problem is None and fast.sections == {}
    assert fast.build_id == load_image(pie).build_id is not None

    def refuse(self: ElfImage, read: Callable[[int, int], bytes]) -> None:
        raise ValueError("refused")

    monkeypatch.setattr(ElfImage, "_parse_fast", refuse)
    slow = load_image("[nosec]", bytes(raw))
    assert slow.build_id == fast.build_id and slow.loads == fast.loads


def test_extended_section_numbering(pie: str, tmp_path: Path) -> None:
    """e_shnum = 0 and e_shstrndx = SHN_XINDEX: the real values are in section 0."""
    raw = bytearray(Path(pie).read_bytes())
    shoff = struct.unpack_from("<Q", raw, 0x28)[0]
    shnum, shstrndx = struct.unpack_from("<HH", raw, 0x3C)
    struct.pack_into("<HH", raw, 0x3C, 0, 0xFFFF)
    struct.pack_into("<Q", raw, shoff + 32, shnum)  # section 0's sh_size
    struct.pack_into("<I", raw, shoff + 40, shstrndx)  # section 0's sh_link
    ext = tmp_path / "ext"
    ext.write_bytes(bytes(raw))
    img = load_image(str(ext))
    assert img.problem is None
    assert img.sections == load_image(pie).sections
    assert img.section(".text") == load_image(pie).section(".text")


def test_elf32_program_headers_and_build_id(tmp_path: Path) -> None:
    """A hand-made 32-bit big-endian image: PT_LOAD, PT_NOTE, section-header build-id."""
    note = struct.pack(">III", 4, 3, 3) + b"GNU\0" + b"\x01\x02\x03\0"
    ph = struct.pack(">IIIIIIII", 1, 0, 0x10000, 0, 0x200, 0x300, 5, 0x1000)
    ph += struct.pack(">IIIIIIII", 4, 0x100, 0, 0, 0, 0, 4, 4)  # an empty PT_NOTE
    ident = b"\x7fELF" + bytes([1, 2, 1]) + b"\0" * 9
    names = b"\0.note.gnu.build-id\0.shstrtab\0"
    body = bytearray(0x200)
    body[0x100 : 0x100 + len(note)] = note
    body[0x140 : 0x140 + len(names)] = names
    shoff = len(body)
    sh = b"\0" * 40
    sh += struct.pack(">IIIIIIIIII", 1, 7, 2, 0x10100, 0x100, len(note), 0, 0, 4, 0)
    sh += struct.pack(">IIIIIIIIII", 20, 3, 0, 0, 0x140, len(names), 0, 0, 1, 0)
    hdr = ident + struct.pack(">HHIIIIIHHHHHH", 2, 8, 1, 0x10000, 52, shoff, 0, 52, 32, 2,
                              40, 3, 2)
    body[: len(hdr) + len(ph)] = hdr + ph
    img = load_image("[be32]", bytes(body) + sh)
    assert img.problem is None
    assert (img.elfclass, img.little_endian, img.machine, img.e_type) == (32, False, "EM_8",
                                                                        "ET_EXEC")
    assert img.loads == [(0x10000, 0, 0x200, 0x300, True)]
    assert img.build_id == b"\x01\x02\x03"
    assert img.sections_bytes([".note.gnu.build-id", ".nope"]) == {
        ".note.gnu.build-id": note, ".nope": None}


def test_zdebug_with_a_wrong_size_is_a_problem(pie: str) -> None:
    import zlib

    img = ElfImage("[zdebug]")
    body = b"\x01" * 100
    good = b"ZLIB" + struct.pack(">Q", 100) + zlib.compress(body)
    bad = b"ZLIB" + struct.pack(">Q", 99) + zlib.compress(body)
    img._data = good + bad
    img.sections = {".zdebug_info": (0, 0, len(good), "1", False),
                    ".zdebug_line": (0, len(good), len(bad), "1", False)}
    assert img.debug_section(".debug_info") == body
    assert img.debug_section(".debug_line") is None
    assert img.problem is not None and "bad decompressed size" in img.problem


def test_section_headers_cut_after_the_first(pie: str, tmp_path: Path) -> None:
    raw = Path(pie).read_bytes()
    shoff = struct.unpack_from("<Q", raw, 0x28)[0]
    cut = tmp_path / "cut1"
    cut.write_bytes(raw[: shoff + 64 + 10])
    img = load_image(str(cut))
    assert img.problem is not None and "past the end" in img.problem
    assert img.loads == load_image(pie).loads and img.sections == {}


def test_file_gone_after_loading(pie: str, tmp_path: Path) -> None:
    """Headers were read; the file vanished before its code was: no bytes, no exception."""
    copy = tmp_path / "gone"
    copy.write_bytes(Path(pie).read_bytes())
    img = load_image(str(copy))
    addr = img.sections[".text"][0]
    assert len(img.read_vaddr(addr, 8)) == 8
    copy.unlink()
    assert img.read_vaddr(addr, 8) == b""
    assert img.section(".text") is None and img.problem is not None
