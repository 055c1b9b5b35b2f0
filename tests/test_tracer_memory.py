"""Page-aware reads of tracee memory, with process_vm_readv and the PEEKDATA fallback."""

from __future__ import annotations

import ctypes
import mmap
import os

import pytest

from pytest_renacer.model import TraceRecorder
from pytest_renacer.tables import table_for
from pytest_renacer.tracer import Engine, MemoryReader, resolve_command
from pytest_renacer.tracer.memory import PAGE


@pytest.fixture
def two_pages():
    """Two pages of our own memory with the second unmapped: (address of page one, keep)."""
    region = mmap.mmap(-1, 2 * PAGE)
    base = ctypes.addressof(ctypes.c_char.from_buffer(region))
    libc = ctypes.CDLL(None)
    libc.munmap.argtypes = (ctypes.c_void_p, ctypes.c_size_t)
    assert libc.munmap(base + PAGE, PAGE) == 0
    yield base, region
    # the mmap object still believes it owns two pages: give it back the second one
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                          ctypes.c_int, ctypes.c_long)
    libc.mmap(base + PAGE, PAGE, 3, 0x32, -1, 0)  # PROT_RW, MAP_PRIVATE|ANON|FIXED


def test_read_stops_at_an_unmapped_page(two_pages):
    base, region = two_pages
    region[PAGE - 4 : PAGE] = b"tail"
    r = MemoryReader()
    assert r.read(os.getpid(), base + PAGE - 4, 100) == b"tail"
    assert r.read(os.getpid(), base + PAGE, 10) is None
    assert r.read(os.getpid(), 0, 10) is None


def test_cstring_without_nul_before_the_hole(two_pages):
    base, region = two_pages
    region[PAGE - 3 : PAGE] = b"abc"
    region[0:6] = b"hello\0"
    r = MemoryReader()
    assert r.read_cstring(os.getpid(), base, 4096) == b"hello"
    assert r.read_cstring(os.getpid(), base, 3) == b"hel"
    assert r.read_cstring(os.getpid(), base + PAGE - 3, 4096) == b"abc"
    assert r.read_cstring(os.getpid(), base + PAGE, 4096) is None
    assert r.read_cstring(os.getpid(), 0, 10) is None


def test_cstring_across_pages():
    data = b"x" * (PAGE + 100) + b"\0"
    buf = ctypes.create_string_buffer(data, len(data))
    r = MemoryReader(bufsize=16)  # grows on demand
    assert r.read_cstring(os.getpid(), ctypes.addressof(buf), 10 * PAGE) == data[:-1]
    assert r.read(os.getpid(), ctypes.addressof(buf), len(data)) == data


def test_peekdata_fallback_on_a_real_tracee(build, monkeypatch):
    """Where process_vm_readv is refused, PEEKDATA reads the same strings."""
    table = table_for()
    openat = table.by_name["openat"].nr
    seen: dict[str, list[bytes | None]] = {"vm": [], "peek": []}

    for kind in ("vm", "peek"):
        reader = MemoryReader()
        reader._use_peek = kind == "peek"

        def capture(tid, nr, args, reader=reader, kind=kind):
            if nr == openat:
                seen[kind].append(reader.read_cstring(tid, args[1], 4096))
            return None

        recorder = TraceRecorder(table)
        engine = Engine(recorder, capture_entry=capture,
                        execve_nrs=frozenset({table.by_name["execve"].nr}))
        prog = build("opens")
        out = os.open(os.devnull, os.O_WRONLY)
        try:
            engine.spawn(resolve_command([prog], None, None), [prog], None, None, (0, out, 2))
            engine.run()
        finally:
            os.close(out)
        assert engine.exec_error() is None
    assert b"/dev/null" in seen["vm"]
    assert seen["vm"] == seen["peek"]
