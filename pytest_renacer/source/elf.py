"""One ELF file as the source layer needs it: load segments, build-id, a few sections.

The headers (ELF, program and section headers, notes) are read with ``struct``: the
first syscall stop of a process needs them for every mapped file, and pyelftools'
object-per-field parsing costs ~15 ms per file there.  pyelftools parses what this
fast path refuses.  Section bytes are read on demand (and SHF_COMPRESSED / ``.zdebug``
sections inflated) and the file is closed at once, so that no descriptor stays open
between traces.  Every failure becomes ``ElfImage.problem`` (a sentence), never an
exception.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import IO, Any

from .limits import (
    Cancelled,
    Clock,
    Interrupted,
    OverBudget,
    ParseError,
    check,
    module_budget,
    over_memory_note,
)

__all__ = ["DEBUG_DIRS", "ElfImage", "debug_dirs", "find_debug_file", "find_symbols",
           "load_image", "open_regular"]

#: Where separate debug files are looked for (``.build-id/xx/yyyy.debug`` and the
#: ``.gnu_debuglink`` path below each); ``RENACER_DEBUG_DIRS`` (colon-separated) adds
#: directories in front.
DEBUG_DIRS: list[str] = ["/usr/lib/debug"]

_ZSTD_TYPE = 2


def open_regular(path: str) -> IO[bytes]:
    """``path`` opened for reading, if it is a regular file.

    A traced program decides which paths /proc/PID/maps shows (it can map a file, delete
    it and put a FIFO there): the open must never block, so it is non-blocking, and
    anything but a regular file is refused after it (OSError)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path}: not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def debug_dirs() -> list[str]:
    extra = os.environ.get("RENACER_DEBUG_DIRS", "")
    return [d for d in extra.split(":") if d] + list(DEBUG_DIRS)


class ElfImage:
    """Headers and selected section bytes of one ELF file (or of an in-memory image)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problem: str | None = None
        self.elfclass = 64
        self.little_endian = True
        self.machine = ""
        self.e_type = ""
        #: PT_LOAD segments: (p_vaddr, p_offset, p_filesz, p_memsz, executable)
        self.loads: list[tuple[int, int, int, int, bool]] = []
        self.build_id: bytes | None = None
        self.debuglink: tuple[str, int] | None = None
        #: PT_GNU_EH_FRAME: (vaddr, file offset, size), found without section headers
        self.eh_frame_hdr: tuple[int, int, int] | None = None
        #: section name -> (sh_addr, sh_offset, sh_size, sh_type, compressed)
        self.sections: dict[str, tuple[int, int, int, str, bool]] = {}
        self._data: bytes | None = None  # whole image, for in-memory ones (the vDSO)
        self._cache: dict[str, bytes | None] = {}
        #: section bytes this image has unpacked so far (limits.module_budget bounds it)
        self.unpacked = 0
        self.over_budget = False
        #: time spent parsing its headers and unwinding tables (at the stops), and its
        #: debug info (symbolizing): each against limits.module_time_budget()
        self.clock = Clock()
        self.debug_clock = Clock()
        #: the unwinder's per-image state (its CFI tables, rules by pc): it lives and
        #: dies with the image, so the image cache's bound bounds it too
        self.cfi: Any = None
        self.rules: dict[int, Any] = {}
        self._lock = threading.Lock()

    # -- construction -----------------------------------------------------------------
    def _parse_fast(self, read: Callable[[int, int], bytes]) -> None:
        """Headers with struct: ~50 times faster than pyelftools' objects, which matters
        at the first syscall stop of every process.  Program headers are kept even when
        the section headers are unreadable (a truncated file)."""
        hdr = read(0, 64)
        if len(hdr) < 52 or hdr[:4] != b"\x7fELF" or hdr[4] not in (1, 2) or hdr[5] not in (1, 2):
            raise ValueError("not an ELF file")
        is64 = hdr[4] == 2
        e = "<" if hdr[5] == 1 else ">"
        self.elfclass = 64 if is64 else 32
        self.little_endian = e == "<"
        fields = struct.unpack_from(e + ("HHIQQQIHHHHHH" if is64 else "HHIIIIIHHHHHH"), hdr, 16)
        e_type, e_machine, _v, _entry, phoff, shoff, _fl, _eh, phentsize, phnum, shentsize, \
            shnum, shstrndx = fields
        self.machine = _MACHINES.get(e_machine, f"EM_{e_machine}")
        self.e_type = {1: "ET_REL", 2: "ET_EXEC", 3: "ET_DYN", 4: "ET_CORE"}.get(e_type, "")
        ph = read(phoff, phentsize * phnum) if phnum else b""
        notes: list[tuple[int, int]] = []
        for i in range(phnum):
            if (i + 1) * phentsize > len(ph):
                break
            if is64:
                p_type, p_flags, p_off, p_vaddr, _pa, p_filesz, p_memsz, _al = \
                    struct.unpack_from(e + "IIQQQQQQ", ph, i * phentsize)
            else:
                p_type, p_off, p_vaddr, _pa, p_filesz, p_memsz, p_flags, _al = \
                    struct.unpack_from(e + "IIIIIIII", ph, i * phentsize)
            if p_type == 1:  # PT_LOAD
                self.loads.append((p_vaddr, p_off, p_filesz, p_memsz, bool(p_flags & 1)))
            elif p_type == 4:  # PT_NOTE
                notes.append((p_off, p_filesz))
            elif p_type == 0x6474E550:  # PT_GNU_EH_FRAME: .eh_frame_hdr, sections or not
                self.eh_frame_hdr = (p_vaddr, p_off, p_filesz)
        for off, size in notes:
            if self.build_id is None and size < 1 << 16:
                self.build_id = _note_build_id(read(off, size), e)
        if shoff and shentsize:
            first = read(shoff, shentsize)
            if len(first) < shentsize:
                raise ValueError("the section headers lie past the end of the file")
            fmt = e + ("IIQQQQIIQQ" if is64 else "IIIIIIIIII")
            if shnum == 0:  # extended numbering: the count is in section 0
                shnum = struct.unpack_from(fmt, first)[5]
            sh = read(shoff, shentsize * shnum)
            if len(sh) < shentsize * shnum:
                raise ValueError("the section headers lie past the end of the file")
            rows = []
            for i in range(shnum):
                if not i & 0xFFF:
                    check()
                rows.append(struct.unpack_from(fmt, sh, i * shentsize))
            if shstrndx == 0xFFFF:
                shstrndx = rows[0][6]
            names = b""
            if 0 < shstrndx < shnum:
                names = read(rows[shstrndx][4], rows[shstrndx][5])
            for i, r in enumerate(rows):
                if not i & 0xFFF:
                    check()
                sh_name, sh_type, sh_flags, sh_addr, sh_off, sh_size = r[:6]
                end = names.find(b"\0", sh_name)
                name = names[sh_name:end].decode("latin-1") if end > sh_name else ""
                if name:
                    self.sections[name] = (sh_addr, sh_off, sh_size,
                                           "SHT_NOBITS" if sh_type == 8 else str(sh_type),
                                           bool(sh_flags & 0x800))
        bid = self.sections.get(".note.gnu.build-id")
        if self.build_id is None and bid is not None and bid[2] < 1 << 16:
            self.build_id = _note_build_id(read(bid[1], bid[2]), e)
        link = self.sections.get(".gnu_debuglink")
        if link is not None:
            data = read(link[1], link[2])
            nul = data.find(b"\0")
            if nul > 0:
                crc_at = (nul + 4) & ~3
                if len(data) >= crc_at + 4:
                    self.debuglink = (os.fsdecode(data[:nul]),
                                      struct.unpack_from(e + "I", data, crc_at)[0])

    def read_vaddr(self, vaddr: int, size: int) -> bytes:
        """``size`` bytes of the file image at link-time address ``vaddr`` (b"" if not
        all in one loaded segment)."""
        for p_vaddr, p_off, filesz, _memsz, _x in self.loads:
            if p_vaddr <= vaddr and vaddr + size <= p_vaddr + filesz:
                try:
                    return self._raw(p_off + vaddr - p_vaddr, size)
                except OSError:
                    return b""
        return b""

    def load_end(self, vaddr: int) -> int:
        """The end of the loaded segment holding ``vaddr`` (or ``vaddr``)."""
        for p_vaddr, _off, filesz, _memsz, _x in self.loads:
            if p_vaddr <= vaddr < p_vaddr + filesz:
                return int(p_vaddr + filesz)
        return vaddr

    def _parse(self, stream: Any) -> None:
        from elftools.elf.elffile import ELFFile

        elf = ELFFile(stream)
        self.elfclass = elf.elfclass
        self.little_endian = elf.little_endian
        self.machine = str(elf["e_machine"])
        self.e_type = str(elf["e_type"])
        for seg in elf.iter_segments():
            ptype = seg["p_type"]
            if ptype == "PT_LOAD":
                self.loads.append((seg["p_vaddr"], seg["p_offset"], seg["p_filesz"],
                                   seg["p_memsz"], bool(seg["p_flags"] & 1)))
        for sec in elf.iter_sections():
            name = sec.name
            if not name:
                continue
            self.sections[name] = (sec["sh_addr"], sec["sh_offset"], sec["sh_size"],
                                   str(sec["sh_type"]), bool(sec.compressed))
            if name == ".note.gnu.build-id" and self.build_id is None:
                self.build_id = _build_id(sec)
            elif name == ".gnu_debuglink":
                data = sec.data()
                nul = data.find(b"\0")
                if nul > 0:
                    fname = os.fsdecode(data[:nul])
                    crc_at = (nul + 4) & ~3
                    if len(data) >= crc_at + 4:
                        fmt = "<I" if self.little_endian else ">I"
                        crc = struct.unpack_from(fmt, data, crc_at)[0]
                        self.debuglink = (fname, crc)
        if self.build_id is None:  # a stripped file may keep the note only as a segment
            for seg in elf.iter_segments():
                if seg["p_type"] == "PT_NOTE" and self.build_id is None:
                    self.build_id = _build_id(seg)

    # -- section bytes ----------------------------------------------------------------
    def has(self, name: str) -> bool:
        sec = self.sections.get(name)
        return sec is not None and sec[3] != "SHT_NOBITS" and sec[2] > 0

    def section(self, name: str) -> bytes | None:
        """The (decompressed) bytes of a section; None if absent or unreadable."""
        with self._lock:
            if name in self._cache:
                return self._cache[name]
            data = None
            try:
                data = self._read_section(name)
            except Exception as e:  # a damaged file: remember, do not raise
                if self.problem is None:
                    self.problem = f"cannot read {name}: {e}"
            self._cache[name] = data
            return data

    def sections_bytes(self, names: Iterable[str]) -> dict[str, bytes | None]:
        return {n: self.section(n) for n in names}

    def _raw(self, offset: int, size: int) -> bytes:
        if self._data is not None:
            return self._data[offset : offset + size]
        with open_regular(self.path) as f:
            f.seek(offset)
            return f.read(size)

    def _read_section(self, name: str) -> bytes | None:
        sec = self.sections.get(name)
        if sec is None or sec[3] == "SHT_NOBITS" or sec[2] == 0:
            return None
        _addr, off, size, _type, compressed = sec
        self._spend(size)
        raw = self._raw(off, size)
        if len(raw) != size:
            raise ValueError(f"section {name} is truncated ({len(raw)} of {size} bytes)")
        if compressed:
            return self._decompress_chdr(raw)
        if name.startswith(".zdebug") and raw[:4] == b"ZLIB":
            want = struct.unpack_from(">Q", raw, 4)[0]
            out = _inflate(zlib.decompressobj(), raw[12:], self._spend(want))
            if len(out) != want:
                raise ValueError(f"section {name}: bad decompressed size")
            return out
        return raw

    def _spend(self, size: int) -> int:
        """Count ``size`` more bytes against the module budget (OverBudget past it)."""
        budget = module_budget()
        if self.unpacked + size > budget:
            self.problem = f"{over_memory_note()}: no file:line"
            self.over_budget = True
            raise OverBudget(self.problem)
        self.unpacked += size
        return size

    def _decompress_chdr(self, raw: bytes) -> bytes:
        e = "<" if self.little_endian else ">"
        if self.elfclass == 64:
            ch_type, _res, ch_size, _align = struct.unpack_from(e + "IIQQ", raw, 0)
            hdr = 24
        else:
            ch_type, ch_size, _align = struct.unpack_from(e + "III", raw, 0)
            hdr = 12
        body = raw[hdr:]
        if ch_type in (1, _ZSTD_TYPE):
            self._spend(ch_size)  # before inflating: the header's size is the bound
        if ch_type == 1:
            out = _inflate(zlib.decompressobj(), body, ch_size)
        elif ch_type == _ZSTD_TYPE:
            try:
                from compression import zstd  # type: ignore[import-not-found]  # Python 3.14+
            except ImportError:
                raise ValueError("zstd-compressed debug sections need Python 3.14") from None
            out = _inflate(zstd.ZstdDecompressor(), body, ch_size)
        else:
            raise ValueError(f"unknown section compression type {ch_type}")
        if len(out) != ch_size:
            raise ValueError("bad decompressed section size")
        return bytes(out)

    def debug_section(self, base: str) -> bytes | None:
        """``.debug_X`` from its plain, SHF_COMPRESSED or GNU ``.zdebug_X`` form."""
        data = self.section(base)
        if data is None and base.startswith(".debug"):
            data = self.section(".z" + base[1:])
        return data

    def has_debug_info(self) -> bool:
        return self.has(".debug_info") or self.has(".zdebug_info")

    # -- addresses --------------------------------------------------------------------
    def bias_for(self, start: int, offset: int, executable: bool = True) -> int:
        """Load bias of a mapping of this file at ``start`` from file ``offset``.

        The loader maps each PT_LOAD from its page-aligned offset; two segments may
        share a file page (lld's layout), so the one whose aligned offset is the
        mapping's, and executable like it, wins."""
        best = None
        for vaddr, poff, filesz, _memsz, x in self.loads:
            lo = poff & ~0xFFF
            if lo <= offset < poff + max(filesz, 1):
                rank = (lo != offset, x != executable)
                if best is None or rank < best[0]:
                    best = (rank, start - offset - vaddr + poff)
        return best[1] if best is not None else start - offset


def _inflate(decomp: Any, body: bytes, size: int) -> bytes:
    """``body`` decompressed, never more than ``size`` + 1 bytes (a header that lies
    about the size is caught by the caller's length check, not by running out of memory)."""
    try:
        return bytes(decomp.decompress(body, size + 1))
    except Exception as e:  # zlib.error / ZstdError: the section is corrupt
        raise ParseError(f"corrupt compressed section: {e}") from None


_MACHINES = {3: "EM_386", 62: "EM_X86_64", 183: "EM_AARCH64", 40: "EM_ARM", 243: "EM_RISCV"}


def find_symbols(image: ElfImage, names: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Name -> (link-time value, size) of the defined symbols (any type) among ``names``,
    from ``.dynsym``, then ``.symtab`` for those not found there."""
    wanted = {n.encode() for n in names}
    found: dict[str, tuple[int, int]] = {}
    e = "<" if image.little_endian else ">"
    is64 = image.elfclass == 64
    fmt = struct.Struct(e + ("IBBHQQ" if is64 else "IIIBBH"))
    with image.clock:
        _find_symbols(image, fmt, is64, wanted, found)
    return found


def _find_symbols(image: ElfImage, fmt: struct.Struct, is64: bool, wanted: set[bytes],
                  found: dict[str, tuple[int, int]]) -> None:
    for tab, strtab in ((".dynsym", ".dynstr"), (".symtab", ".strtab")):
        if not wanted:
            break
        data = image.section(tab)
        strs = image.section(strtab)
        if not data or strs is None:
            continue
        for i, row in enumerate(fmt.iter_unpack(data[: len(data) - len(data) % fmt.size])):
            if not i & 0xFFF:
                check()
            if is64:
                name_off, _info, _other, shndx, value, size = row
            else:
                name_off, value, size, _info, _other, shndx = row
            if shndx == 0 or not value:
                continue
            end = strs.find(b"\0", name_off)
            name = strs[name_off:end]
            if name in wanted:
                wanted.discard(name)
                found[name.decode()] = (value, size)
                if not wanted:
                    break


def _note_build_id(data: bytes, e: str) -> bytes | None:
    """NT_GNU_BUILD_ID's descriptor in a run of ELF notes."""
    pos = 0
    while pos + 12 <= len(data):
        namesz, descsz, ntype = struct.unpack_from(e + "III", data, pos)
        name_at = pos + 12
        desc_at = name_at + ((namesz + 3) & ~3)
        if ntype == 3 and data[name_at : name_at + namesz].rstrip(b"\0") == b"GNU":
            return data[desc_at : desc_at + descsz] or None
        pos = desc_at + ((descsz + 3) & ~3)
    return None


def _build_id(notes: Any) -> bytes | None:
    """The NT_GNU_BUILD_ID of a note section or segment."""
    try:
        for note in notes.iter_notes():
            if note["n_type"] == "NT_GNU_BUILD_ID":
                desc = note["n_desc"]
                return bytes.fromhex(desc) if isinstance(desc, str) else bytes(desc)
    except Exception:
        pass
    return None


#: Images by (path, dev, inode, mtime); the least recently used beyond CACHE_IMAGES
#: are dropped (a session may trace hundreds of binaries; live traces keep theirs).
_IMAGES: OrderedDict[tuple[str, int, int, int], ElfImage] = OrderedDict()
_IMAGES_LOCK = threading.Lock()
CACHE_IMAGES = 128


def load_image(path: str, data: bytes | None = None) -> ElfImage:
    """The ElfImage of ``path`` (cached by path, device, inode and mtime) or of ``data``."""
    if data is not None:
        key = (path, len(data), zlib.crc32(data), 0)
    else:
        try:
            st = os.stat(path)
        except OSError as e:
            img = ElfImage(path)
            img.problem = f"cannot open: {e.strerror or e}"
            return img
        key = (path, st.st_dev, st.st_ino, st.st_mtime_ns)
    with _IMAGES_LOCK:
        known = _IMAGES.get(key)
        if known is not None:
            _IMAGES.move_to_end(key)
            return known
    img = ElfImage(path)
    if data is not None:
        img._data = data
    try:
        with img.clock:
            if data is not None:
                img._parse_fast(lambda off, size: data[off : off + size])
            else:
                with open_regular(path) as f:
                    def read(off: int, size: int) -> bytes:
                        f.seek(off)
                        return f.read(size)
                    img._parse_fast(read)
    except Cancelled:
        img.problem = "not read: the trace was stopped"
        return img  # not cached: the next trace reads it again
    except Interrupted as e:
        img.problem = f"not read: {e}"
    except Exception as e:
        img.problem = f"not a readable ELF file: {type(e).__name__}: {e}"
        if not img.loads:  # pyelftools' opinion on what our parser refused
            img.problem = _parse_with_pyelftools(img, path, data) or img.problem
    with _IMAGES_LOCK:
        img = _IMAGES.setdefault(key, img)
        while len(_IMAGES) > CACHE_IMAGES:
            _IMAGES.popitem(last=False)
    return img


def _parse_with_pyelftools(img: ElfImage, path: str, data: bytes | None) -> str | None:
    """Parse with pyelftools instead; None if it could, else its reason."""
    try:
        if data is not None:
            img._parse(io.BytesIO(data))
        else:
            with open_regular(path) as f:
                img._parse(f)
        return None
    except Exception as e:
        return f"not a readable ELF file: {type(e).__name__}: {e}"


def _crc_ok(path: str, crc: int) -> bool:
    value = 0
    try:
        with open_regular(path) as f:
            while chunk := f.read(1 << 20):
                check()  # (a debug link may name a file of gigabytes)
                value = zlib.crc32(chunk, value)
    except OSError:
        return False
    return value == crc


def find_debug_file(img: ElfImage) -> tuple[str | None, str | None]:
    """(path of the separate debug file, None) or (None, why there is none)."""
    tried: list[str] = []
    dirs = debug_dirs()
    if img.build_id and len(img.build_id) > 1:
        h = img.build_id.hex()
        for d in dirs:
            cand = os.path.join(d, ".build-id", h[:2], h[2:] + ".debug")
            tried.append(cand)
            if os.path.isfile(cand):
                return cand, None
    if img.debuglink is not None:
        name, crc = img.debuglink
        here = os.path.dirname(os.path.realpath(img.path)) if img._data is None else ""
        cands = []
        if here:
            cands += [os.path.join(here, name), os.path.join(here, ".debug", name)]
            cands += [os.path.join(d, here.lstrip("/"), name) for d in dirs]
        cands += [os.path.join(d, name) for d in dirs]
        for cand in cands:
            tried.append(cand)
            if os.path.isfile(cand) and os.path.realpath(cand) != os.path.realpath(img.path):
                if _crc_ok(cand, crc):
                    return cand, None
                return None, f"debug link {cand} does not match (CRC differs)"
    if not tried:
        return None, "no debug info (stripped?), no build-id and no .gnu_debuglink"
    return None, "no debug info (stripped?) and no separate debug file found"
