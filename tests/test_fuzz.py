"""Fuzz targets for every parser of outside bytes (hypothesis).

A traced program chooses the ELF files, DWARF, CFI and symbol names we read; users
write trace expressions and baseline files.  Each target feeds random or mutated input
and checks the documented contract: nothing but the documented error escapes, and each
call ends quickly.  CI runs them briefly (``RENACER_FUZZ_EXAMPLES``, default 60 per
target); a longer run is ``RENACER_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py``
(docs/hardening.md has its figures).
"""

from __future__ import annotations

import json
import os
import random
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_renacer.baseline import load_baseline
from pytest_renacer.errors import BaselineError, FilterError
from pytest_renacer.filters import parse_status, selector
from pytest_renacer.source import elf, symbolizer
from pytest_renacer.source.cfi import CFITable
from pytest_renacer.source.demangle import demangle
from pytest_renacer.source.dwarf import DwarfInfo
from pytest_renacer.source.limits import ParseError
from pytest_renacer.source.pyframes import MAX_PY_FRAMES, PyInterpreter, PythonFrameReader
from pytest_renacer.source.pylines import line_at, line_ranges
from pytest_renacer.tables import table_for

EXAMPLES = int(os.environ.get("RENACER_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


def _mutate(data: bytes, seed: int, flips: int) -> bytes:
    rnd = random.Random(seed)
    out = bytearray(data)
    for _ in range(flips):
        at = rnd.randrange(len(out))
        choice = rnd.random()
        if choice < 0.6:
            out[at] = rnd.randrange(256)
        elif choice < 0.8:
            out[at : at + 4] = struct.pack("<I", rnd.choice([0, 0xFFFFFFFF, 0x7FFFFFFF,
                                                            rnd.randrange(1 << 32)]))
        else:
            out[at:at] = bytes([rnd.choice([0x80, 0xFF])]) * rnd.randrange(1, 64)
    return bytes(out)


@pytest.fixture(scope="module")
def real_elf(build: Callable[..., str]) -> bytes:
    return Path(build("opens")).read_bytes()


@FUZZ
@given(seed=st.integers(0, 1 << 32), flips=st.integers(1, 64))
def test_elf_and_dwarf_of_mutated_binaries(real_elf: bytes, seed: int, flips: int) -> None:
    """load_image and the symbolizer of a damaged binary: a problem, never an exception."""
    data = _mutate(real_elf, seed, flips)
    img = elf.load_image(f"fuzz-{seed}-{flips}", data)
    dbg = symbolizer.ModuleDebug(img)
    for _vaddr, _off, _size, _memsz, x in img.loads[:4]:
        if x:
            for pc in range(_vaddr, _vaddr + min(_size, 4096), 97):
                frames = dbg.frames(pc)
                assert isinstance(frames, tuple) and frames


@FUZZ
@given(st.binary(max_size=4096))
def test_elf_headers_of_random_bytes(data: bytes) -> None:
    img = elf.load_image("random", b"\x7fELF\x02\x01\x01" + data)
    assert img.problem is None or "\n" not in img.problem
    for name in list(img.sections)[:8]:
        img.section(name)


def _sections(real: bytes) -> dict[str, bytes | None]:
    img = elf.load_image("real", real)
    return {n: img.debug_section(n) for n in symbolizer._DWARF_SECTIONS}


@FUZZ
@given(seed=st.integers(0, 1 << 32), flips=st.integers(1, 32),
       which=st.sampled_from([".debug_info", ".debug_line", ".debug_abbrev", ".debug_str",
                              ".debug_rnglists", ".debug_aranges"]))
def test_dwarf_sections_raise_only_parse_error(real_elf: bytes, seed: int, flips: int,
                                               which: str) -> None:
    sections = _sections(real_elf)
    if not sections.get(which):
        return
    sections[which] = _mutate(sections[which] or b"", seed, flips)
    try:
        info = DwarfInfo(sections)
    except ParseError:
        return
    for cu in info.units[:4]:
        for pc in (cu.offset, 0x1000, 0x1139):
            try:
                unit = info.unit_for_pc(pc)
                if unit is not None:
                    lines = unit.lines()
                    if lines is not None:
                        lines.lookup(pc)
                    unit.function_chain(pc)
            except ParseError:
                pass


@FUZZ
@given(st.binary(max_size=2048), st.binary(max_size=256), st.integers(0, 1 << 16))
def test_cfi_of_random_bytes(data: bytes, hdr: bytes, pc: int) -> None:
    """A CFI table of any bytes: built (scan fallback), rule_for answers or says None."""
    for is_eh in (True, False):
        try:
            table = CFITable(data, 0, is_eh=is_eh, hdr=b"\x01" + hdr if is_eh else None)
        except ParseError:
            continue
        table.rule_for(pc)
        for start in list(table.starts)[:8]:
            table.rule_for(start)


@FUZZ
@given(st.text(alphabet="_ZNRIESJKLT0123456789abcdvijklmnSt_CN.$", max_size=300))
def test_demangler_never_raises(name: str) -> None:
    out = demangle("_Z" + name)
    assert isinstance(out, str)
    out = demangle("_R" + name)
    assert isinstance(out, str)


TOKENS = ["open", "openat", "%file", "%net", "!", "/", "^", "$", "(", ")", "+", "*", "[",
          "]", ",", "?", "all", "none", "read", "trace=", "%%stat", "1", "999", "\\", "|"]


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=12).map("".join))
def test_trace_expressions_raise_only_filter_error(expr: str) -> None:
    try:
        selector(expr, table_for())
    except FilterError:
        pass


@FUZZ
@given(st.text(max_size=40))
def test_status_expressions_raise_only_filter_error(expr: str) -> None:
    try:
        parse_status(expr)
    except FilterError:
        pass


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


@FUZZ
@given(st.one_of(
    st.binary(max_size=512),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["x86_64", "aarch64"]), st.dictionaries(
        st.sampled_from(["counts", "paths"]), JSON_VALUES)).map(
        lambda p: json.dumps({"format": "renacer-baseline-v1", "profiles": p}).encode()),
))
def test_baselines_raise_only_baseline_error(tmp_path_factory: pytest.TempPathFactory,
                                             content: bytes) -> None:
    path = tmp_path_factory.mktemp("b") / "b.json"
    path.write_bytes(content)
    try:
        load_baseline(path, "x86_64")
    except BaselineError as e:
        assert str(e).startswith(str(path))


# -- a traced Python program's memory: its code objects and frames are its own to write --

@FUZZ
@given(table=st.binary(max_size=4096), first=st.integers(-(1 << 31), 1 << 31),
       minor=st.sampled_from([10, 11, 12, 13]), unit=st.sampled_from([1, 2]),
       offsets=st.lists(st.integers(-8, 1 << 20), max_size=8))
def test_python_line_tables_of_random_bytes(table: bytes, first: int, minor: int, unit: int,
                                            offsets: list[int]) -> None:
    """A code object's line table of any bytes (``code.replace(co_linetable=...)``):
    sorted, non-empty ranges; any offset answers a line or None."""
    starts, ends, lines = ranges = line_ranges(table, first, minor, unit)
    assert len(starts) == len(ends) == len(lines)
    assert all(s < e for s, e in zip(starts, ends, strict=True))
    assert starts == sorted(starts)
    for offset in offsets:
        line = line_at(ranges, offset)
        assert line is None or isinstance(line, int)


_PY_CHILD = "import sys\ndef a():\n    b()\ndef b():\n    sys.stdin.read()\na()\n"


@pytest.fixture
def python_child() -> Iterator[int]:
    """A Python program blocked in read() three frames deep (its memory holds still);
    one for all the examples of a test (hypothesis calls the test, not the fixture)."""
    if sys.version_info < (3, 11):
        pytest.skip("3.10's thread is found by its registers: that needs a ptrace stop")
    child = subprocess.Popen([sys.executable, "-c", _PY_CHILD], stdin=subprocess.PIPE)
    reader = PythonFrameReader()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # until it is in read(), and the reader decided
        stack = reader.read(child.pid, child.pid)
        if stack is not None and [f.function for f in stack[0]] == ["b", "a", "<module>"]:
            break
        time.sleep(0.02)
    else:
        child.kill()
        child.wait()
        pytest.fail("the Python child's frames were never read")
    yield child.pid
    child.kill()
    child.wait()


def _damaging_pread(seed: int, flips: int) -> Callable[[int, int, int], bytes]:
    """os.pread whose reads of the tracee come back damaged, a third of them (the same
    address damaged the same way within one example): bytes, and pointers set to 0,
    all ones, anywhere, or near where they were read."""
    def pread(fd: int, size: int, addr: int) -> bytes:
        data = os.pread(fd, size, addr)
        rnd = random.Random(seed * 7919 + addr)
        if not data or rnd.random() >= 1 / 3:
            return data
        out = bytearray(data)
        for _ in range(flips):
            at = rnd.randrange(len(out))
            if rnd.random() < 0.5:
                out[at] = rnd.randrange(256)
            else:
                near = (addr + rnd.randrange(-4096, 4096)) % (1 << 64)
                out[at:at + 8] = struct.pack("<Q", rnd.choice(
                    [0, (1 << 64) - 1, 1 << 63, rnd.randrange(1 << 64), near]))
        return bytes(out[:size])
    return pread


@FUZZ
@given(seed=st.integers(0, 1 << 32), flips=st.integers(1, 16), fresh=st.booleans())
def test_python_frames_of_damaged_memory(python_child: int, seed: int, flips: int,
                                         fresh: bool) -> None:
    """The frame reader over a Python program's memory as the program may have written
    it (thread states, frames, code objects, strings, line tables, and with ``fresh``
    the runtime's structures it finds the interpreter by): a stack of at most
    MAX_PY_FRAMES or None, never an exception, soon.  The walk itself, under read()'s
    last-resort ``except``, must not raise either: a raise there loses every frame."""
    reader = PythonFrameReader()
    if not fresh:
        for _ in range(PythonFrameReader.MAX_PENDING):  # past the reader's wait
            if type(reader.procs.get(python_child)) is PyInterpreter:
                break
            reader.read(python_child, python_child)
    reader._pread = _damaging_pread(seed, flips)
    t0 = time.monotonic()
    for _ in range(3):
        interp = reader.procs.get(python_child)
        if type(interp) is PyInterpreter:
            interp.codes.clear()  # re-read every code object through the damage
            stack = reader._walk(python_child, python_child, interp)
        else:
            stack = reader.read(python_child, python_child)
        assert stack is None or len(stack[0]) <= MAX_PY_FRAMES
    assert time.monotonic() - t0 < 5
    reader.close()
