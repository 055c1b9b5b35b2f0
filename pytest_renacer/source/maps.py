"""Module maps of traced processes: /proc/PID/maps snapshots with load biases.

A snapshot (an :class:`AddressSpace`) is taken at a syscall stop, while the process
exists, and kept for symbolization after it is gone.  Each holds the executable
mappings of one process image: a new snapshot is taken after ``execve`` and when a
program counter falls outside the known executable mappings (a new ``mmap``, e.g.
``dlopen``).  Snapshots are numbered; the unwinder puts the number in front of the
program counters it records, so that ``symbolize(pid, pcs)`` finds the right image even
when the pid exec'd another program since.

Processes with the same executable layout (a fork before any new mmap) share the
per-address caches of their snapshots.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from .elf import ElfImage, load_image

__all__ = ["AddressSpace", "Mapping", "ProcessMaps", "parse_maps"]

VDSO = "[vdso]"
#: The vDSO image by size: every process on one kernel maps the same one, so an image
#: read from one process serves the symbolization of all, after they are gone.
_VDSO_IMAGES: dict[int, ElfImage] = {}


#: The unwinder's memo entry: (struct of the stack slots checked, their values, the
#: unwinding result, the live return-address register value or None).
MemoEntry = tuple[Any, tuple[int, ...], tuple[int, ...], "int | None"]


class Mapping(NamedTuple):
    """One executable mapping of a file (or of the vDSO)."""

    start: int
    end: int
    offset: int
    path: str
    dev: str
    inode: int


def parse_maps(text: str) -> list[Mapping]:
    """The executable file-backed mappings (and the vDSO) of a /proc/PID/maps text."""
    out = []
    for line in text.splitlines():
        parts = line.split(None, 5)
        if len(parts) < 5 or "x" not in parts[1]:
            continue
        path = parts[5].strip() if len(parts) > 5 else ""
        if not path or (path.startswith("[") and path != VDSO):
            continue  # anonymous executable memory (JIT), [vsyscall]
        lo, _, hi = parts[0].partition("-")
        try:
            out.append(Mapping(int(lo, 16), int(hi, 16), int(parts[2], 16), path, parts[3],
                               int(parts[4])))
        except ValueError:
            continue
    out.sort()
    return out


class Module:
    """A mapped ELF file within one address space: its image and load bias."""

    __slots__ = ("bias", "image", "mapping", "path")

    def __init__(self, mapping: Mapping, image: ElfImage) -> None:
        self.mapping = mapping
        self.image = image
        self.path = mapping.path
        self.bias = image.bias_for(mapping.start, mapping.offset)


class AddressSpace:
    """The executable mappings of one process image at one time."""

    def __init__(self, sid: int, pid: int, mappings: list[Mapping],
                 shared: dict[tuple[Mapping, ...], dict[str, dict[int, object]]]) -> None:
        self.sid = sid
        self.pid = pid
        self.mappings = mappings
        self.starts = [m.start for m in mappings]
        key = tuple(mappings)
        caches = shared.get(key)
        if caches is None:
            caches = shared[key] = {"rules": {}, "frames": {}, "memo": {}}
        #: lookup pc -> compiled unwind rule (shared by identical layouts)
        self.rules: dict[int, object] = caches["rules"]
        #: pc -> symbolized frames (shared by identical layouts)
        self.frames: dict[int, object] = caches["frames"]
        #: (ip, sp) -> the unwinder's memo entry, None when seen once (shared by layouts)
        self.memo: dict[tuple[int, int], tuple[int, tuple[MemoEntry, ...]] | None] = (
            caches["memo"])  # type: ignore[assignment]
        self._modules: dict[int, Module] = {}

    def mapping_at(self, addr: int) -> Mapping | None:
        i = bisect.bisect_right(self.starts, addr) - 1
        if i >= 0:
            m = self.mappings[i]
            if addr < m.end:
                return m
        return None

    def module_at(self, addr: int, reader: Callable[[Mapping], bytes | None] | None = None,
                  ) -> Module | None:
        """The module mapped at ``addr``; the vDSO image is read with ``reader``."""
        i = bisect.bisect_right(self.starts, addr) - 1
        if i < 0:
            return None
        m = self.mappings[i]
        if addr >= m.end:
            return None
        mod = self._modules.get(i)
        if mod is None:
            if m.path == VDSO:
                size = m.end - m.start
                known = _VDSO_IMAGES.get(size)
                if known is not None:
                    image = known
                else:
                    data = reader(m) if reader is not None else None
                    if data is None:
                        return None
                    image = _VDSO_IMAGES[size] = load_image(VDSO, data)
            else:
                image = load_image(m.path)
            mod = self._modules[i] = Module(m, image)
        return mod

    def contains(self, addr: int) -> bool:
        i = bisect.bisect_right(self.starts, addr) - 1
        return i >= 0 and addr < self.mappings[i].end


class ProcessMaps:
    """Snapshots of /proc/PID/maps: the current one per pid, every one by number."""

    def __init__(self) -> None:
        self.spaces: list[AddressSpace] = []
        self.current: dict[int, AddressSpace] = {}
        self._shared: dict[tuple[Mapping, ...], dict[str, dict[int, object]]] = {}
        self._lock = threading.Lock()
        #: per pid: pages of executable memory that no mapping explains (JIT code):
        #: re-reading the maps for them again would not help
        self._unknown: dict[int, set[int]] = {}
        #: called whenever ``current`` changes (the unwinder drops its fast answers)
        self.on_change: Callable[[], None] | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Pickled with a trace (sent from the process that traced to another): the
        # snapshots, not their caches; the images are loaded again from their files.
        return {"spaces": [(sp.sid, sp.pid, sp.mappings) for sp in self.spaces]}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]
        for sid, pid, mappings in state["spaces"]:
            space = AddressSpace(sid, pid, mappings, self._shared)
            self.spaces.append(space)
            self.current[pid] = space

    def read(self, pid: int) -> AddressSpace | None:
        """Take a new snapshot of ``pid`` (None if its maps cannot be read)."""
        try:
            with open(f"/proc/{pid}/maps") as f:
                text = f.read()
        except OSError:
            return None
        mappings = parse_maps(text)
        with self._lock:
            space = AddressSpace(len(self.spaces), pid, mappings, self._shared)
            self.spaces.append(space)
            self.current[pid] = space
        if self.on_change is not None:
            self.on_change()
        return space

    def for_pid(self, pid: int, addr: int) -> AddressSpace | None:
        """The current snapshot of ``pid``, re-read when ``addr`` lies outside it."""
        space = self.current.get(pid)
        if space is None:
            return self.read(pid)
        if space.contains(addr):
            return space
        page = addr >> 12
        unknown = self._unknown.setdefault(pid, set())
        if page in unknown:
            return space
        fresh = self.read(pid)
        if fresh is None:
            return space
        if not fresh.contains(addr):
            unknown.add(page)
        return fresh

    def refresh_for(self, space: AddressSpace, addr: int) -> AddressSpace:
        """A newer snapshot if ``addr`` (a return address) is unknown to ``space``."""
        page = addr >> 12
        unknown = self._unknown.setdefault(space.pid, set())
        if page in unknown or self.current.get(space.pid) is not space:
            return space
        fresh = self.read(space.pid)
        if fresh is None:
            return space
        if not fresh.contains(addr):
            unknown.add(page)
        return fresh

    def exec_seen(self, pid: int) -> None:
        """``pid`` replaced its image: its next stop takes a new snapshot."""
        self.current.pop(pid, None)
        self._unknown.pop(pid, None)
        if self.on_change is not None:
            self.on_change()

    def get(self, sid: int) -> AddressSpace | None:
        return self.spaces[sid] if 0 <= sid < len(self.spaces) else None
