"""Source correlation on hostile input (stripped and corrupt binaries), and gdb as an
independent cross-check of the stacks."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from test_source_accuracy import C_SRC, RS_SRC, sites

import pytest_renacer
from pytest_renacer import source
from pytest_renacer.model import Trace

needs_gdb = pytest.mark.skipif(shutil.which("gdb") is None, reason="gdb is not installed")


def all_frames(t: Trace) -> int:
    """Symbolize every event (what must never raise); the number of frames seen."""
    n = 0
    for ev in t.events:
        n += len(ev.stack)
        ev.source  # noqa: B018 - the property is what is tested
        ev.to_json()
    return n


def site_events(t: Trace, src: Path) -> list[pytest_renacer.SyscallEvent]:
    expected = sites(src)
    return [e for e in t.events if e.raw_args and (e.name, e.raw_args[0]) in expected]


def test_stripped_binary(build: Callable[..., str], tmp_path: Path) -> None:
    binary = tmp_path / "stripped"
    shutil.copy(build("src_sites", "-O2"), binary)
    subprocess.run(["strip", str(binary)], check=True)
    t = pytest_renacer.trace([str(binary)], source=True)
    assert t.returncode == 0
    assert all_frames(t) > 0
    evs = site_events(t, C_SRC)
    assert len(evs) >= len(sites(C_SRC))
    assert all(e.source is None for e in evs)
    # the stack still goes through the binary (CFI is kept by strip), without lines
    assert all(any(f.binary == str(binary) for f in e.stack) for e in evs)
    assert "stripped" in source.problems()[str(binary)]


def _section(path: Path, name: str) -> tuple[int, int]:
    out = subprocess.run(["readelf", "-SW", str(path)], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        m = re.search(r"\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if m and m.group(1) == name:
            return int(m.group(2), 16), int(m.group(3), 16)
    raise LookupError(name)


def _garbage(path: Path, name: str, seed: int) -> None:
    off, size = _section(path, name)
    rnd = random.Random(seed)
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(bytes(rnd.randrange(256) for _ in range(size)))


def _truncate_after_segments(path: Path) -> None:
    out = subprocess.run(["readelf", "-lW", str(path)], capture_output=True, text=True,
                         check=True).stdout
    end = 0
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == "LOAD":
            end = max(end, int(parts[1], 16) + int(parts[4], 16))
    os.truncate(path, end)  # the section headers and the debug info are gone


@pytest.mark.parametrize("damage", [
    "truncated", ".debug_line", ".debug_info", ".debug_abbrev", ".debug_str",
    ".debug_aranges", ".debug_rnglists", ".eh_frame", ".eh_frame_hdr", ".symtab", ".strtab",
])
def test_corrupt_binary_never_raises(build: Callable[..., str], tmp_path: Path,
                                     damage: str) -> None:
    binary = tmp_path / f"corrupt{damage.replace('.', '_')}"
    shutil.copy(build("src_sites", "-O2"), binary)
    if damage == "truncated":
        _truncate_after_segments(binary)
    else:
        _garbage(binary, damage, seed=len(damage))
    t = pytest_renacer.trace([str(binary)], source=True)
    assert t.returncode == 0, t.stderr
    assert all_frames(t) > 0
    evs = site_events(t, C_SRC)
    assert evs
    for e in evs:  # libc's frame is still there, whatever happened to the binary
        assert e.stack and e.stack[0].binary
        assert "libc" in e.stack[0].binary or e.stack[0].binary == "[vdso]"
    if damage in ("truncated", ".debug_info", ".debug_abbrev", ".debug_line"):
        assert str(binary) in source.problems(), source.problems()


def test_debug_link_to_a_wrong_file(build: Callable[..., str], tmp_path: Path) -> None:
    """A .gnu_debuglink whose file does not match (CRC) is refused, not used."""
    from test_source_accuracy import split_debug

    binary = split_debug(build("src_sites", "-O1"), tmp_path)
    other = build("src_sites", "-O3")
    dbg = Path(binary + ".debug")
    subprocess.run(["objcopy", "--only-keep-debug", other, str(dbg)], check=True)
    t = pytest_renacer.trace([binary], source=True)
    all_frames(t)
    assert all(e.source is None for e in site_events(t, C_SRC))
    assert "CRC" in source.problems()[binary]


# -- gdb cross-check ---------------------------------------------------------------------

GDB_FRAME = re.compile(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(.+?) \(.*\) at (\S+):(\d+)$")


def gdb_stacks(binary: str, syscalls: list[str], tmp: Path) -> dict[str, list[int]]:
    """syscall -> the lines of the program's own frames in gdb's backtrace at its entry."""
    script = tmp / "gdb.cmd"
    script.write_text("\n".join([
        "set pagination off", "set confirm off", "set print frame-arguments none",
        "handle SIGUSR1 nostop noprint pass",
        f"catch syscall {' '.join(syscalls)}", "commands", "bt", "continue", "end", "run", "",
    ]))
    out = subprocess.run(["gdb", "-nx", "-batch", "-x", str(script), binary],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "DEBUGINFOD_URLS": ""}).stdout
    stacks: dict[str, list[int]] = {}
    current: str | None = None
    for line in out.splitlines():
        if "Catchpoint " in line:  # a stop: at a syscall's entry ("call to") or exit
            m = re.search(r"Catchpoint \d+ \(call to syscall (\w+)\)", line)
            # the first call made from the program's own code (not the loader's)
            current = m.group(1) if m and not stacks.get(m.group(1)) else None
            if current:
                stacks[current] = []
            continue
        m = GDB_FRAME.match(line.strip())
        if m and current and Path(m.group(2)).name in (C_SRC.name, RS_SRC.name):
            stacks[current].append(int(m.group(3)))
    return {k: v for k, v in stacks.items() if v}


def our_stacks(t: Trace, src: Path, syscalls: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for ev in t.events:
        if ev.name in syscalls and ev.name not in out:
            lines = [f.line for f in ev.stack if f.file and Path(f.file).name == src.name]
            if lines:
                out[ev.name] = lines  # type: ignore[assignment]
    return out


@needs_gdb
@pytest.mark.parametrize("config", ["-O0", "-O2"])
def test_gdb_agrees_c(build: Callable[..., str], tmp_path: Path, config: str) -> None:
    binary = build("src_sites", config)
    calls = ["fsync", "fdatasync", "dup", "lseek", "newfstatat"]
    theirs = gdb_stacks(binary, calls, tmp_path)
    if not theirs:
        pytest.skip("gdb could not run the program here")
    ours = our_stacks(pytest_renacer.trace([binary], source=True), C_SRC, calls)
    assert ours == theirs


@needs_gdb
@pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc is not installed")
def test_gdb_agrees_rust(build: Callable[..., str], tmp_path: Path) -> None:
    binary = build("src_rust", "-C", "opt-level=1")
    calls = ["fsync", "lseek", "ftruncate"]
    theirs = gdb_stacks(binary, calls, tmp_path)
    if not theirs:
        pytest.skip("gdb could not run the program here")
    ours = our_stacks(pytest_renacer.trace([binary], source=True), RS_SRC, calls)
    assert ours == theirs
