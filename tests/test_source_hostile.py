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
import sys
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_source_cfi import cie, section

import pytest_renacer
from pytest_renacer import Frame, source
from pytest_renacer.source import elf, limits, maps, symbolizer, unwind
from pytest_renacer.source.cfi import CFITable
from pytest_renacer.source.demangle import demangle
from pytest_renacer.source.elf import ElfImage
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


@pytest.mark.parametrize("size", [1_000_000, 2 * MB])
def test_a_python_location_table_of_a_megabyte_keeps_timeout(tmp_path: Path,
                                                             size: int) -> None:
    """A Python program gives a function a location table (its co_linetable) of one
    line delta a megabyte long, then calls it: the frame reader parses the table at the
    stop.  Its varint became a number of six million bits, built in quadratic time:
    trace(timeout=5) raised TraceTimeout with a 300 KB table (the program runs in 30 ms);
    now a varint is read to CPython's 6 bytes at most, and the rest of the table skipped.
    A table over the reader's 1 MiB is not read: the frame keeps its function, and
    neither has a line (the call falls in the table's last, "no location" entry)."""
    prog = tmp_path / "linetable.py"
    prog.write_text(
        "import os\n"
        "def hostile():\n"
        "    os.getppid()\n"
        "hostile.__code__ = hostile.__code__.replace(co_linetable=bytes([0x80 | 13 << 3])"
        f" + b'\\x7f' * {size} + bytes([0x80 | 15 << 3]))\n"
        "hostile()\n")
    t0 = time.monotonic()
    t = pytest_renacer.trace([sys.executable, str(prog)], source=True, timeout=5)
    assert time.monotonic() - t0 < 6
    assert t.returncode == 0
    call = next(ev for ev in t.events if ev.name == "getppid")
    own = [f for f in call.stack if f.file == str(prog)]
    assert [f.function for f in own] == ["hostile", "<module>"]
    assert own[0].line is None
    assert own[1].line == 5  # the caller's table is CPython's own: its line is right


_MANY_TABLES = """\
import os, sys
table = bytes([0x80 | 11 << 3]) * (1 << 20)  # an entry a code unit, each a line further
def make():
    def f():
        os.getppid()
    return f
keep = []  # alive: no code object's address is reused
for i in range({n}):
    f = make()
    f.__code__ = f.__code__.replace(co_linetable=table[:(1 << 20) - i])
    f()
    keep.append(f)
"""

_TRACE_AND_MEASURE = """\
import resource, sys
import pytest_renacer
t = pytest_renacer.trace([sys.executable, sys.argv[1]], source=True, timeout=120)
calls = [ev for ev in t.events if ev.name == "getppid"]
print(len(calls), sum(any(f.function == "make.<locals>.f" for f in ev.stack) for ev in calls),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_many_python_line_tables_built_large_cost_bounded_memory(tmp_path: Path) -> None:
    """A Python program makes 12 functions whose location tables hold a megabyte of
    entries, each a line of its own, and calls each: every table was expanded whole (a
    million ranges, ~80 MB, per code object) and kept.  40 of them: 3.6 GB peak, 20 s of
    CPU.  Now a code object keeps at most pylines.MAX_RANGES ranges and the reader's
    cache at most 2M: 40 of them, 216 MB and 4.5 s.  Measured in a child process (the
    tracer's peak RSS); 12 functions made it 1.1 GB before."""
    prog = tmp_path / "tables.py"
    prog.write_text(_MANY_TABLES.format(n=12))
    out = subprocess.run([sys.executable, "-c", _TRACE_AND_MEASURE, str(prog)],
                         capture_output=True, text=True, timeout=300, check=True)
    calls, with_frame, peak_mb = map(int, out.stdout.split())
    assert calls == with_frame == 12  # every frame found, its function named
    assert peak_mb < 500


# -- time: a module's parsing has a budget; a trace's timeout stops a parse --------------

_WRITER = ("#include <unistd.h>\n"
           "__attribute__((noinline)) static void hostile(void) {\n"
           '    write(1, "x\\n", 2);\n'
           "}\n"
           "int main(void) { hostile(); return 0; }\n")


def _writer(tmp_path: Path, name: str = "writer") -> Path:
    src = tmp_path / f"{name}.c"
    src.write_text(_WRITER)
    binary = tmp_path / name
    subprocess.run(["gcc", "-g", "-O0", "-gdwarf-5", "-o", str(binary), str(src)],
                   check=True)
    return binary


def _replace_sections(binary: Path, dest: Path, sections: dict[str, bytes],
                      remove: tuple[str, ...] = ()) -> Path:
    """A copy of ``binary`` with these sections' contents, debug sections compressed
    (a small file that unpacks to the sizes given)."""
    cmd = ["objcopy"]
    scratch = [dest.with_name(dest.name + ".plain")]
    for name, payload in sections.items():
        blob = dest.with_name(dest.name + name)
        blob.write_bytes(payload)
        scratch.append(blob)
        cmd += ["--update-section", f"{name}={blob}"]
    for name in remove:
        cmd += ["--remove-section", name]
    try:  # (objcopy would not compress the sections it updates: two runs)
        subprocess.run([*cmd, str(binary), str(scratch[0])], check=True, capture_output=True)
        subprocess.run(["objcopy", "--compress-debug-sections=zlib", str(scratch[0]),
                        str(dest)], check=True, capture_output=True)
    finally:
        for path in scratch:
            path.unlink(missing_ok=True)
    return dest


def _padded_line_program(line: bytes, pad: int) -> bytes:
    """The one line program of ``line`` (DWARF 5, 32-bit) with ``pad`` bytes of
    DW_LNS_negate_stmt pairs first: as valid as before, same rows, ``pad`` more opcodes."""
    length, version = struct.unpack_from("<IH", line, 0)
    assert version == 5 and length + 4 == len(line), "one DWARF 5 line program expected"
    header_length = struct.unpack_from("<I", line, 8)[0]
    program = 12 + header_length
    pad -= pad % 2
    return (struct.pack("<I", length + pad) + line[4:program] + b"\x06" * pad
            + line[program:])


def _frame_of_write(binary: Path) -> tuple[Frame, float]:
    """The frame of ``binary`` in the stack of its write() (traced), and the seconds
    that stack took to symbolize."""
    t = pytest_renacer.trace([str(binary)], source=True, timeout=60)
    assert t.returncode == 0 and t.stdout == b"x\n"
    write = next(ev for ev in t.events if ev.name == "write")
    t0 = time.monotonic()
    stack = write.stack
    took = time.monotonic() - t0
    return next(f for f in stack if f.binary == str(binary)), took


@pytest.fixture
def budget_s() -> Iterator[Callable[[float], None]]:
    """Sets the module time budget; afterwards the default again, and the images parsed
    meanwhile (libc's too: their clocks ran on a short budget) forgotten."""
    def forget() -> None:
        with elf._IMAGES_LOCK:
            elf._IMAGES.clear()
        with symbolizer._DEBUG_LOCK:
            symbolizer._DEBUG.clear()
        maps._VDSO_IMAGES.clear()

    forget()
    yield limits.set_module_time_budget
    limits.set_module_time_budget(None)
    forget()


def test_a_huge_valid_line_program_costs_its_module_budget_not_more(
        tmp_path: Path, budget_s: Callable[[float], None]) -> None:
    """48 MB of valid opcodes before the real rows (0.4 MB on disk, compressed): the
    first ev.source parsed all of it (a row of the table needs the whole program);
    now its module's time budget ends the parse and the module loses its lines."""
    binary = _writer(tmp_path)
    line = elf.load_image(str(binary)).section(".debug_line")
    assert line is not None
    hostile = _replace_sections(binary, tmp_path / "long_lines",
                                {".debug_line": _padded_line_program(line, 48 * MB)})
    budget_s(0.5)
    frame, took = _frame_of_write(hostile)
    assert (frame.function, frame.file, frame.line) == ("hostile", None, None)
    note = source.problems()[str(hostile)]
    assert note.startswith("over the source time budget (0.5 s") and "\n" not in note
    assert took < 10  # 0.5 s of parsing, on a shared machine


def test_a_line_program_under_the_budget_keeps_its_lines(
        tmp_path: Path, budget_s: Callable[[float], None]) -> None:
    binary = _writer(tmp_path)
    line = elf.load_image(str(binary)).section(".debug_line")
    assert line is not None
    padded = _replace_sections(binary, tmp_path / "padded",
                               {".debug_line": _padded_line_program(line, 64 * 1024)})
    budget_s(60)
    frame, _took = _frame_of_write(padded)
    assert (frame.function, frame.line) == ("hostile", 3)
    assert str(padded) not in source.problems()


def _tiny_units(count: int, abbrev_off: int) -> bytes:
    """``count`` DWARF 4 units of one DW_TAG_compile_unit each, covering [0x10, 0x20)."""
    die = b"\x01" + struct.pack("<QI", 0x10, 0x10)  # abbrev 1: low_pc, high_pc (data4)
    body = struct.pack("<HIB", 4, abbrev_off, 8) + die
    return (struct.pack("<I", len(body)) + body) * count


def test_hundreds_of_thousands_of_units_cost_their_module_budget_not_more(
        tmp_path: Path, budget_s: Callable[[float], None]) -> None:
    """200,000 tiny units before the real one and no .debug_aranges: finding the unit of
    a pc reads every unit's DIE (~10 us each); the budget ends it."""
    binary = _writer(tmp_path)
    img = elf.load_image(str(binary))
    info, abbrev = img.section(".debug_info"), img.section(".debug_abbrev")
    assert info is not None and abbrev is not None
    tiny_abbrev = b"\x01\x11\x00\x11\x01\x12\x06\x00\x00\x00"  # compile_unit, no children
    hostile = _replace_sections(
        binary, tmp_path / "many_units",
        {".debug_info": _tiny_units(200_000, len(abbrev)) + info,
         ".debug_abbrev": abbrev + tiny_abbrev},
        remove=(".debug_aranges",))
    budget_s(0.3)
    frame, took = _frame_of_write(hostile)
    assert (frame.function, frame.file, frame.line) == ("hostile", None, None)
    assert source.problems()[str(hostile)].startswith("over the source time budget")
    assert took < 10


def test_the_time_budget_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert limits.module_time_budget() == limits.DEFAULT_TIME_BUDGET
    monkeypatch.setenv("RENACER_SOURCE_BUDGET_S", "2.5")
    assert limits.module_time_budget() == 2.5
    monkeypatch.setenv("RENACER_SOURCE_BUDGET_S", "nonsense")
    assert limits.module_time_budget() == limits.DEFAULT_TIME_BUDGET
    limits.set_module_time_budget(0.25)
    try:
        assert limits.module_time_budget() == 0.25
    finally:
        limits.set_module_time_budget(None)
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="positive"):
            limits.set_module_time_budget(bad)


def test_a_clock_counts_once_and_stays_over() -> None:
    clock, other = limits.Clock(), limits.Clock()
    limits.set_module_time_budget(0.05)
    try:
        with clock:
            with clock:  # the same clock inside itself: counted once
                time.sleep(0.02)
            with other:  # another module's, inside: on its own account
                limits.check()
            assert 0 < other.spent < 0.02
        assert 0.02 <= clock.spent < 0.2
        with pytest.raises(limits.OverTime), clock:
            time.sleep(0.05)
            limits.check()
        assert clock.over
        with pytest.raises(limits.OverTime), clock:  # and every later parse of it
            pass
        limits.check()  # no clock running: nothing to say
    finally:
        limits.set_module_time_budget(None)


def _endless_cfi(image: ElfImage) -> object:
    """A stand-in for a module whose CFI takes for ever to parse (at the first stop)."""
    while True:
        limits.check()
        time.sleep(0.01)


@pytest.mark.parametrize("engine", ["compiled", "pure"])
def test_a_trace_timeout_stops_a_parse_at_a_stop(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        budget_s: Callable[[float], None], engine: str) -> None:
    """The parse runs while the tracee is stopped; the timeout kills the tracee and
    interrupts the parse, and the trace ends within a second of it."""
    binary = _writer(tmp_path)
    budget_s(600)
    if engine == "pure":
        monkeypatch.setenv("RENACER_PURE_PYTHON", "1")
    monkeypatch.setattr(unwind, "_build_cfi", _endless_cfi)
    t0 = time.monotonic()
    with pytest.raises(pytest_renacer.TraceTimeout) as info:
        pytest_renacer.trace([str(binary)], source=True, timeout=1)
    took = time.monotonic() - t0
    assert took < 2.5  # the timeout and its second (was: for ever)
    pids = {ev.pid for ev in info.value.trace.events}
    assert pids
    for pid in pids:  # killed and reaped: nothing stopped, nothing left
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert elf.load_image(str(binary)).cfi is None  # the interrupted parse is not kept
    assert limits._interrupted == {}  # and the engine's thread parses again
    monkeypatch.undo()
    budget_s(60)
    frame, _took = _frame_of_write(binary)
    assert (frame.function, frame.line) == ("hostile", 3)


def test_a_parse_over_its_budget_at_a_stop_keeps_the_trace(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        budget_s: Callable[[float], None]) -> None:
    binary = _writer(tmp_path, "budget_at_stop")
    budget_s(0.2)
    monkeypatch.setattr(unwind, "_build_cfi", _endless_cfi)
    t0 = time.monotonic()
    t = pytest_renacer.trace([str(binary)], source=True, timeout=60)
    assert time.monotonic() - t0 < 20  # 0.2 s a module
    assert t.returncode == 0 and t.stdout == b"x\n"
    img = elf.load_image(str(binary))
    assert img.cfi == (None, None) and img.clock.over
    write = next(ev for ev in t.events if ev.name == "write")
    assert write.stack  # unwound by frame pointers, symbolized
    assert source.problems()[str(binary)].endswith(": no unwinding tables")


def test_a_cfa_program_of_millions_of_remember_restore_pairs_is_bounded(
        budget_s: Callable[[float], None]) -> None:
    table = _fde_table(b"\x0a\x0b" * (2 * MB))
    table.clock = limits.Clock()
    budget_s(0.2)
    t0 = time.monotonic()
    with pytest.raises(limits.OverTime):
        table.rule_for(0x1000)
    assert time.monotonic() - t0 < 5


def test_a_line_table_header_claiming_2_64_entries_is_refused(
        measure: Callable[[], Peak]) -> None:
    from pytest_renacer.source.dwarf import DwarfError, DwarfInfo

    class Unit:
        addr_size = 8
        comp_dir = "/"
        _line_version = 0

    # DWARF 5 header: no directory formats, and 2**64 - 1 directories of nothing
    hdr = (struct.pack("<HBB", 5, 8, 0) + struct.pack("<I", 0)  # header_length (unused)
           + bytes([1, 1, 1, -5 & 0xFF, 14, 13]) + bytes(12)  # min_inst ... std_lens
           + b"\x00" + b"\xff" * 9 + b"\x01")
    data = struct.pack("<I", len(hdr)) + hdr
    info = DwarfInfo.__new__(DwarfInfo)
    info.debug_line = data
    with pytest.raises(DwarfError, match="entries"):
        info.line_program(Unit(), 0)  # type: ignore[arg-type]
    assert measure().peak < 16 * MB  # was: empty entries until memory ran out


@pytest.fixture
def budget_mb() -> Iterator[Callable[[float], None]]:
    yield limits.set_module_budget
    limits.set_module_budget(None)


def test_units_count_against_the_memory_budget(budget_mb: Callable[[float], None]) -> None:
    """A unit header is 12 bytes of .debug_info and ~600 bytes once read."""
    from pytest_renacer.source.dwarf import DwarfInfo

    tiny_abbrev = b"\x01\x11\x00\x11\x01\x12\x06\x00\x00\x00"
    sections: dict[str, bytes | None] = {".debug_info": _tiny_units(20_000, 0),
                                         ".debug_abbrev": tiny_abbrev}
    assert len(DwarfInfo(sections).units) == 20_000
    budget_mb(8)  # 8 MB: 20,000 units of 24 bytes (480 KB) are over it
    with pytest.raises(limits.OverBudget, match="units: over the source budget"):
        DwarfInfo(sections)


def test_line_rows_count_against_the_memory_budget(budget_mb: Callable[[float], None]) -> None:
    """A special opcode is one byte of .debug_line and a row of ~33 bytes once decoded."""
    from pytest_renacer.source.dwarf import _run_line_program

    # set_address 0x1000, 400,000 rows one byte apart (special opcode 32), end_sequence
    program = b"\x00\x09\x02" + struct.pack("<Q", 0x1000) + b"\x20" * 400_000 + b"\x00\x01\x01"
    args = (8, 1, 1, -5, 14, 13, [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1], ["a.c"], "/")
    table = _run_line_program(program, 0, len(program), *args)  # type: ignore[arg-type]
    assert len(table.addrs) == 400_000 + 1  # and the row ending the sequence
    budget_mb(8)
    with pytest.raises(limits.OverBudget, match="rows: over the source budget"):
        _run_line_program(program, 0, len(program), *args)  # type: ignore[arg-type]


def test_structures_the_bytes_do_not_bound_are_bounded() -> None:
    from pytest_renacer.source import dwarf
    from pytest_renacer.source.cfi import MAX_REGISTERS

    # an abbreviation of 2,000 attributes that take no bytes (flag_present)
    abbrev = b"\x01\x2e\x00" + b"\x3f\x19" * 2000 + b"\x00\x00\x00"
    with pytest.raises(dwarf.DwarfError, match="over 1024 attributes"):
        dwarf._AbbrevTable(abbrev, 0).get(1)
    # a string-table entry of 1 MB without its NUL: read up to 64 KiB
    assert dwarf._table_str(b"x" * MB, 10) == b"x" * dwarf.MAX_STRING
    assert dwarf._table_str(b"ab\0cd\0", 3) == b"cd"
    # a CFA program giving rules for 16,000 registers (offset_extended r, 1), 68 KB
    ops = b"".join(b"\x05" + bytes([0x80 | (r & 0x7F), (r % 16_000) >> 7]) + b"\x01"
                   for r in range(17_000))
    assert len(ops) > 64 * 1024 and MAX_REGISTERS < 16_000
    assert _fde_table(ops).rule_for(0x1000) is None  # refused, nothing raised
    assert _fde_table(ops[: 4 * 100]).rule_for(0x1000) is not None  # 100 registers: fine
