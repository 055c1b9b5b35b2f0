"""maps.py on real processes: load biases checked against the kernel's auxv (AT_ENTRY,
AT_BASE) and against ctypes' own symbol addresses, deleted files and paths with spaces,
the vDSO, new mappings (dlopen, JIT memory) and exec."""

from __future__ import annotations

import ctypes
import mmap
import os
import shutil
import struct
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pytest_renacer.source.elf import load_image
from pytest_renacer.source.maps import AddressSpace, Mapping, ProcessMaps, parse_maps

PAUSE_C = "#include <unistd.h>\nint main(void) { for (;;) pause(); }\n"
LIB_C = "int renacer_maps_probe(int x) { return x * 7; }\n"


@pytest.fixture(scope="module")
def progs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("maps")
    src = d / "pause.c"
    src.write_text(PAUSE_C)
    lib_src = d / "lib.c"
    lib_src.write_text(LIB_C)
    out = {}
    for name, flags in (("pie", ["-pie", "-fPIE"]), ("nopie", ["-no-pie", "-fno-PIE"]),
                        ("lib.so", ["-shared", "-fPIC"])):
        dest = d / name
        subprocess.run(["gcc", "-O1", *flags, "-o", str(dest),
                        str(lib_src if name == "lib.so" else src)],
                       check=True, capture_output=True)
        out[name] = str(dest)
    return out


@contextmanager
def running(path: str) -> Iterator[int]:
    """A process of ``path``, once it has exec'd it; killed and reaped afterwards."""
    proc = subprocess.Popen([path])
    try:
        real = os.path.realpath(path)
        for _ in range(500):
            try:
                # /proc/PID/exe changes early in execve, the auxv (AT_ENTRY) is filled
                # in later: a non-PIE program, which needs no wait for ld.so, could be
                # caught in between (a KeyError on aux[9], seen in a whole-suite run)
                if os.readlink(f"/proc/{proc.pid}/exe").startswith(real) and \
                        9 in _auxv(proc.pid):
                    with open(f"/proc/{proc.pid}/maps") as f:
                        if "ld-linux" in f.read() or "nopie" in path:
                            break
            except OSError:
                pass
            time.sleep(0.005)
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


def _auxv(pid: int) -> dict[int, int]:
    with open(f"/proc/{pid}/auxv", "rb") as f:
        raw = f.read()
    return dict(struct.iter_unpack("<QQ", raw[: len(raw) // 16 * 16]))


def _e_entry(path: str) -> int:
    with open(path, "rb") as f:
        return int(struct.unpack_from("<Q", f.read(64), 24)[0])


@pytest.mark.parametrize("kind", ["pie", "nopie"])
def test_load_bias_matches_auxv(progs: dict[str, str], kind: str) -> None:
    """bias = runtime entry (AT_ENTRY) - link-time entry (e_entry); ld.so's is AT_BASE."""
    pm = ProcessMaps()
    with running(progs[kind]) as pid:
        space = pm.read(pid)
        aux = _auxv(pid)
    assert space is not None and space.pid == pid
    entry = aux[9]
    mod = space.module_at(entry)
    assert mod is not None and mod.path == os.path.realpath(progs[kind])
    assert mod.bias == entry - _e_entry(progs[kind])
    if kind == "nopie":
        assert mod.bias == 0
    else:
        assert mod.bias != 0 and mod.bias % 4096 == 0
    ld = space.module_at(aux[7] + 0x1000)  # AT_BASE: the interpreter's load address
    if ld is None:  # its first page may not be executable: find its text mapping
        ld = next(space.module_at(m.start) for m in space.mappings if "ld-linux" in m.path)
    assert ld is not None and "ld-linux" in ld.path and ld.bias == aux[7]
    assert pm.get(space.sid) is space and pm.current[pid] is space


def test_bias_of_libc_matches_ctypes() -> None:
    """Our own process: getpid's runtime address minus the bias is its symbol value."""
    libc = ctypes.CDLL(None)
    addr = ctypes.cast(libc.getpid, ctypes.c_void_p).value
    assert addr is not None
    pm = ProcessMaps()
    space = pm.for_pid(os.getpid(), addr)
    assert space is not None
    mod = space.module_at(addr)
    assert mod is not None and "libc" in mod.path
    syms = subprocess.run(["readelf", "-W", "--dyn-syms", mod.path], capture_output=True,
                          text=True, check=True).stdout
    values = {int(line.split()[1], 16) for line in syms.splitlines()
              if line.split()[-1:] in (["getpid@@GLIBC_2.2.5"], ["getpid"])}
    assert addr - mod.bias in values
    assert space.module_at(addr) is mod  # built once per space
    assert space.mapping_at(addr) == mod.mapping


def test_deleted_file_and_path_with_spaces(progs: dict[str, str], tmp_path: Path) -> None:
    d = tmp_path / "dir with space"
    d.mkdir()
    exe = d / "my prog"
    shutil.copy(progs["pie"], exe)
    pm = ProcessMaps()
    with running(str(exe)) as pid:
        space = pm.read(pid)
        assert space is not None
        paths = {m.path for m in space.mappings}
        assert str(exe) in paths
        exe.unlink()
        gone = pm.read(pid)
        assert gone is not None and gone is not space and gone.sid == space.sid + 1
    mine = [m for m in gone.mappings if m.path.startswith(str(exe))]
    assert mine and all(m.path == f"{exe} (deleted)" for m in mine)
    mod = gone.module_at(mine[0].start)
    assert mod is not None and mod.image.problem is not None  # the file is gone
    assert mod.image.problem.startswith("cannot open")


def test_vdso_module_is_read_with_the_reader() -> None:
    with open("/proc/self/maps") as f:
        text = f.read()
    vdso = next(m for m in parse_maps(text) if m.path == "[vdso]")
    with open("/proc/self/mem", "rb") as mem:
        mem.seek(vdso.start)
        image_bytes = mem.read(vdso.end - vdso.start)
    # an unusual size: no vDSO image of that size is known yet, the reader is asked
    odd = Mapping(vdso.start, vdso.start + len(image_bytes) + 0x7000, 0, "[vdso]", "00:00", 0)
    space = AddressSpace(0, os.getpid(), [odd], {})
    asked: list[Mapping] = []

    def refuse(m: Mapping) -> bytes | None:
        asked.append(m)
        return None

    assert space.module_at(odd.start) is None  # no reader
    assert space.module_at(odd.start, refuse) is None and asked == [odd]
    mod = space.module_at(odd.start, lambda m: image_bytes)
    assert mod is not None and mod.image.problem is None and mod.image.machine == "EM_X86_64"
    dynsym = mod.image.section(".dynstr") or b""
    assert b"clock_gettime" in dynsym
    # another snapshot of the same size reuses the image, without a reader
    other = AddressSpace(1, os.getpid(), [odd], {})
    again = other.module_at(odd.start)
    assert again is not None and again.image is mod.image


def test_lookups_at_mapping_edges() -> None:
    a = Mapping(0x1000, 0x2000, 0, "/a", "08:01", 1)
    b = Mapping(0x3000, 0x4000, 0x1000, "/b", "08:01", 2)
    shared: dict[tuple[Mapping, ...], dict[str, dict[int, object]]] = {}
    s = AddressSpace(0, 1, [a, b], shared)
    assert s.mapping_at(0xFFF) is None and not s.contains(0xFFF)
    assert s.mapping_at(0x1000) == a and s.contains(0x1FFF)
    assert s.mapping_at(0x2000) is None and not s.contains(0x2000)
    assert s.mapping_at(0x3FFF) == b and s.mapping_at(0x4000) is None
    assert s.module_at(0xFFF) is None and s.module_at(0x2800) is None
    missing = s.module_at(0x1000)  # a file that does not exist: an image with a problem
    assert missing is not None and missing.image.problem is not None
    # the same layout shares the caches; another layout does not
    s2 = AddressSpace(1, 2, [a, b], shared)
    assert s2.rules is s.rules and s2.frames is s.frames and s2.memo is s.memo
    s3 = AddressSpace(2, 2, [a], shared)
    assert s3.rules is not s.rules


def test_for_pid_rereads_for_new_mappings() -> None:
    """A library mapped after the snapshot (dlopen) makes for_pid read the maps again;
    executable memory no file explains (JIT) is remembered and not re-read for."""
    pm = ProcessMaps()
    me = os.getpid()
    first = pm.for_pid(me, 0)  # nothing known yet: a first snapshot
    assert first is not None and pm.for_pid(me, first.mappings[0].start) is first
    jit = mmap.mmap(-1, 4096, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS,
                    prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    try:
        addr = ctypes.addressof(ctypes.c_char.from_buffer(jit))
        again = pm.for_pid(me, addr)
        assert again is not None and again is not first and not again.contains(addr)
        n = len(pm.spaces)
        assert pm.for_pid(me, addr) is again and len(pm.spaces) == n  # not re-read
        assert pm.refresh_for(again, addr) is again and len(pm.spaces) == n
    finally:
        jit.close()


def test_refresh_for_after_dlopen(progs: dict[str, str]) -> None:
    pm = ProcessMaps()
    me = os.getpid()
    space = pm.read(me)
    assert space is not None
    lib = ctypes.CDLL(progs["lib.so"])
    addr = ctypes.cast(lib.renacer_maps_probe, ctypes.c_void_p).value
    assert addr is not None and not space.contains(addr)
    fresh = pm.refresh_for(space, addr)
    assert fresh is not space and fresh.contains(addr)
    mod = fresh.module_at(addr)
    assert mod is not None and mod.path == os.path.realpath(progs["lib.so"])
    img = load_image(mod.path)
    syms = subprocess.run(["nm", "-D", mod.path], capture_output=True, text=True,
                          check=True).stdout
    value = next(int(line.split()[0], 16) for line in syms.splitlines()
                 if line.endswith(" renacer_maps_probe"))
    assert addr - mod.bias == value and mod.image is img
    # an old snapshot is not refreshed: the current one is newer
    assert pm.refresh_for(space, addr) is space
    assert pm.for_pid(me, addr) is fresh


def test_exec_seen_and_vanished_processes(progs: dict[str, str]) -> None:
    pm = ProcessMaps()
    with running(progs["nopie"]) as pid:
        space = pm.read(pid)
        assert space is not None
        pm.exec_seen(pid)
        assert pid not in pm.current
        nxt = pm.for_pid(pid, 0)  # after exec: a new snapshot at the next stop
        assert nxt is not None and nxt is not space
    # the process is gone: no new snapshot, the last one stays in use
    assert pm.read(pid) is None
    assert pm.for_pid(pid, 1 << 46) is nxt
    assert pm.refresh_for(nxt, 1 << 46) is nxt
    pm.exec_seen(pid)
    assert pm.for_pid(pid, 0) is None
    assert pm.get(-1) is None and pm.get(len(pm.spaces)) is None
    assert pm.get(space.sid) is space


def test_parse_maps_of_a_real_process_agrees_with_the_text(progs: dict[str, str]) -> None:
    """Every executable line with a file or [vdso] and nothing else, parsed field by field."""
    with running(progs["pie"]) as pid, open(f"/proc/{pid}/maps") as f:
        text = f.read()
    got = parse_maps(text)
    want = []
    for line in text.splitlines():
        fields = line.split()
        path = " ".join(fields[5:])
        if "x" in fields[1] and path and (not path.startswith("[") or path == "[vdso]"):
            lo, hi = (int(v, 16) for v in fields[0].split("-"))
            want.append((lo, hi, int(fields[2], 16), path, fields[3], int(fields[4])))
    assert [tuple(m) for m in got] == sorted(want)
    assert any(m.path == "[vdso]" for m in got)
    assert all("[stack]" not in m.path and "[heap]" not in m.path for m in got)
    assert parse_maps("garbage\nzz-yy r-xp 0 08:01 1 /x\n") == []
