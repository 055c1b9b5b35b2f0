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
from collections.abc import Callable
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
