"""Hostile input to the source layer: a traced program chooses the files we parse.

Each case is one the issue-15 probe found: a FIFO where a mapped file was, LEB128
numbers a megabyte long, a compressed section that inflates to gigabytes, an FDE of
millions of ``DW_CFA_remember_state``, a mangled name built to blow up the demangler,
hundreds of binaries in one session.  The bounds asserted are generous (the machine is
shared): they separate "bounded" from the minutes and gigabytes seen before the fixes.
"""

from __future__ import annotations

import gc
import os
import shutil
import struct
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_source_cfi import cie, section

import pytest_renacer
from pytest_renacer import source
from pytest_renacer.source import elf, limits, symbolizer, unwind
from pytest_renacer.source.cfi import CFITable
from pytest_renacer.source.demangle import demangle
from pytest_renacer.source.leb128 import sleb
from pytest_renacer.source.leb128 import uleb as read_uleb

MB = 1 << 20


class Peak:
    """Time and peak traced Python memory of a block."""

    seconds = 0.0
    peak = 0


@pytest.fixture
def measure() -> Iterator[Callable[[], Peak]]:
    result = Peak()
    tracemalloc.start()
    t0 = time.monotonic()

    def done() -> Peak:
        result.seconds = time.monotonic() - t0
        result.peak = tracemalloc.get_traced_memory()[1]
        return result

    yield done
    tracemalloc.stop()


def test_a_megabyte_leb128_decodes_in_linear_time(measure: Callable[[], Peak]) -> None:
    padded = b"\x90" + b"\x80" * MB + b"\x00"  # 16, padded to a megabyte
    assert read_uleb(padded, 0) == (16, len(padded))
    ones = b"\xff" * MB + b"\x00"  # a 7-million-bit number: kept to its low 64 bits
    assert read_uleb(ones, 0) == ((1 << 64) - 1, len(ones))
    minus_one = b"\xff" * MB + b"\x7f"
    assert sleb(minus_one, 0) == (-1, len(minus_one))
    r = measure()
    assert r.seconds < 2  # was 76 s through the CFI parser


def test_a_truncated_leb128_is_a_parse_error() -> None:
    with pytest.raises(limits.ParseError):
        read_uleb(b"\x80" * 100, 0)
    with pytest.raises(limits.ParseError):
        sleb(b"\x80\x80", 0)


def _fde_table(insns: bytes) -> CFITable:
    data = section(cie(aug_data=b"\x04"),
                   (lambda at: struct.pack("<QQ", 0x1000, 0x10), insns))
    return CFITable(data, 0, is_eh=True)


def test_cfi_with_a_megabyte_leb128_is_fast(measure: Callable[[], Peak]) -> None:
    insns = b"\x0e\x98" + b"\x80" * MB + b"\x00"  # def_cfa_offset 24, padded
    rule = _fde_table(insns).rule_for(0x1000)
    assert rule is not None and rule.cfa_off == 24
    huge = b"\x0e" + b"\xff" * MB + b"\x00"  # every bit set: quadratic to accumulate
    assert _fde_table(huge).rule_for(0x1000) is not None
    r = measure()
    assert r.seconds < 5  # was 76 s


def test_remember_state_millions_deep_is_refused_in_bounded_memory(
        measure: Callable[[], Peak]) -> None:
    table = _fde_table(b"\x0a" * (4 * MB))
    assert table.rule_for(0x1000) is None  # that FDE is unusable; nothing raised
    r = measure()
    assert r.peak < 64 * MB  # 4 MB of input; was 1.5 GB
    assert r.seconds < 10


@pytest.mark.parametrize("rows", [
    [(0x1000, 0x10_0000)],              # an FDE offset far past the section's end
    [(0x1100, 0x40), (0x1000, 0x40)],   # not sorted: bisect would miss entries
])
def test_corrupt_eh_frame_hdr_table_falls_back_to_a_scan(rows: list[tuple[int, int]]) -> None:
    data = section(cie(aug_data=b"\x04"), (lambda at: struct.pack("<QQ", 0x1000, 0x10),
                                           bytes([0x0E, 24])))
    hdr = bytes([1, 0x1B, 0x03, 0x3B]) + struct.pack("<iI", 0, len(rows))
    hdr += b"".join(struct.pack("<ii", s - 0x100, o - 0x100) for s, o in rows)
    rule = CFITable(data, 0, is_eh=True, hdr=hdr, hdr_addr=0x100).rule_for(0x1000)
    assert rule is not None and rule.cfa_off == 24


def test_a_quadratic_mangled_name_is_left_raw(measure: Callable[[], Peak]) -> None:
    nested = "_ZN" + "1a" * 80_000 + "Ev"  # 160 KB: every prefix is a substitution
    assert demangle(nested) == nested
    shorter = "_ZN" + "1a" * 16_000 + "Ev"  # under the length cap: the table's cap holds
    assert demangle(shorter) == shorter
    r = measure()
    assert r.peak < 64 * MB  # was 3.8 GB
    assert r.seconds < 5
    assert demangle("_ZN2ns5Class6methodEv") == "ns::Class::method"


def _add_section(binary: str, dest: Path, name: str, payload: bytes) -> str:
    blob = dest.with_suffix(".blob")
    blob.write_bytes(payload)
    subprocess.run(["objcopy", "--add-section", f"{name}={blob}", binary, str(dest)],
                   check=True, capture_output=True)
    return str(dest)


def _zlib_zeros(size: int) -> bytes:
    z = zlib.compressobj(9)
    chunk = bytes(MB)
    out = [z.compress(chunk) for _ in range(size // MB)]
    return b"".join(out) + z.flush()


def test_a_decompression_bomb_is_refused_before_inflating(
        build: Callable[..., str], tmp_path: Path, measure: Callable[[], Peak]) -> None:
    binary = build("opens")  # has its own .debug_info; the bomb is a .zdebug_line
    plain = tmp_path / "plain"
    subprocess.run(["objcopy", "--strip-debug", binary, str(plain)], check=True)
    claims = 1536 * MB
    bomb = b"ZLIB" + struct.pack(">Q", claims) + _zlib_zeros(4 * MB)
    path = _add_section(str(plain), tmp_path / "bomb", ".zdebug_info", bomb)
    img = elf.load_image(path)
    assert img.debug_section(".debug_info") is None
    dbg = symbolizer.ModuleDebug(img)
    dbg.ensure()
    r = measure()
    assert dbg.problem is not None and "over the source budget" in dbg.problem
    assert "\n" not in dbg.problem
    assert r.peak < 64 * MB  # was 3.1 GB for a 1.5 GB bomb


def test_a_compressed_section_that_lies_about_its_size_stops_at_the_size(
        build: Callable[..., str], tmp_path: Path, measure: Callable[[], Peak]) -> None:
    plain = tmp_path / "plain"
    subprocess.run(["objcopy", "--strip-debug", build("opens"), str(plain)], check=True)
    liar = b"ZLIB" + struct.pack(">Q", MB) + _zlib_zeros(64 * MB)  # says 1 MB, holds 64
    img = elf.load_image(_add_section(str(plain), tmp_path / "liar", ".zdebug_info", liar))
    assert img.debug_section(".debug_info") is None
    r = measure()
    assert img.problem is not None and "decompressed size" in img.problem
    assert r.peak < 32 * MB


def test_the_module_budget_is_configurable(build: Callable[..., str], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "copy"
    shutil.copy(build("opens"), path)
    monkeypatch.setenv("RENACER_SOURCE_BUDGET_MB", "0.001")  # 1 KB: below any .debug_info
    img = elf.load_image(str(path))
    dbg = symbolizer.ModuleDebug(img)
    dbg.ensure()
    assert dbg.problem is not None and "over the source budget (0 MB" in dbg.problem
    limits.set_module_budget(64)
    try:
        assert limits.module_budget() == 64 * MB
    finally:
        limits.set_module_budget(None)
    with pytest.raises(ValueError, match="positive"):
        limits.set_module_budget(0)


def test_caches_stay_bounded_over_hundreds_of_binaries(build: Callable[..., str],
                                                       tmp_path: Path) -> None:
    binary = build("opens")
    gc.collect()
    tracemalloc.start()
    try:
        for i in range(300):
            copy = tmp_path / f"b{i}"
            shutil.copy(binary, copy)  # a new inode: a new image for the caches
            img = elf.load_image(str(copy))
            unwind.rule_for(img, img.loads[0][0])
            symbolizer.debug_for(img).ensure()
            copy.unlink()
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(elf._IMAGES) <= elf.CACHE_IMAGES
    assert len(symbolizer._DEBUG) <= symbolizer.CACHE_MODULES
    assert held < 128 * MB


def test_a_fifo_at_a_mapped_path_never_blocks(build: Callable[..., str],
                                             tmp_path: Path) -> None:
    binary = tmp_path / "fifo_swap"
    shutil.copy(build("fifo_swap"), binary)
    fifo = Path(f"{binary} (deleted)")
    done: list[object] = []

    def run() -> None:
        t = pytest_renacer.trace([str(binary)], source=True, timeout=30)
        done.append([ev.stack for ev in t.events])  # symbolizes every module
        done.append(t)

    worker = threading.Thread(target=run, daemon=True)
    t0 = time.monotonic()
    worker.start()
    worker.join(60)
    try:
        if worker.is_alive():  # a regression: unblock the reader, then fail
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            worker.join(10)
            pytest.fail("the tracer blocked opening a FIFO")
    finally:
        fifo.unlink(missing_ok=True)
    assert time.monotonic() - t0 < 60
    trace = done[1]
    assert isinstance(trace, pytest_renacer.Trace)
    assert trace.returncode == 0 and trace.stdout == b"child\nparent\n"
    assert "not a regular file" in source.problems()[str(fifo)]


def test_a_megabyte_leb128_in_eh_frame_keeps_timeout(tmp_path: Path) -> None:
    """The program's own .eh_frame holds a 1 MB LEB128 in the FDE of the function that
    makes the syscall: the unwinder reads it at the stop.  trace(timeout=5) took 171 s
    and reported a timeout the program never caused; now the parse is linear."""
    src = tmp_path / "leb_eh.c"
    body = ", ".join(["0xff"] * MB)  # DW_CFA_def_cfa_offset, a 7-million-bit operand
    src.write_text(
        "#include <unistd.h>\n"
        "__attribute__((noinline)) static void hostile(void) {\n"
        f'    __asm__ volatile(".cfi_escape 0x0e, {body}, 0x00");\n'
        '    write(1, "x\\n", 2);\n'
        "}\n"
        "int main(void) { hostile(); return 0; }\n")
    binary = tmp_path / "leb_eh"
    subprocess.run(["gcc", "-g", "-O0", "-o", str(binary), str(src)], check=True)
    t0 = time.monotonic()
    t = pytest_renacer.trace([str(binary)], source=True, timeout=5)
    assert time.monotonic() - t0 < 6  # the timeout, plus its second
    assert t.returncode == 0 and t.stdout == b"x\n"
    write = next(ev for ev in t.events if ev.name == "write")
    assert write.source is not None and write.source.function == "hostile"
