"""pc -> (file, line, function) frames, with inlined frames, from DWARF or symbols.

Per module (an ELF file) we load lazily:

- DWARF from the file itself, or from a separate debug file found by build-id
  (``/usr/lib/debug/.build-id/xx/yyyy.debug``) or ``.gnu_debuglink`` (next to the
  binary, in its ``.debug/`` directory, under ``/usr/lib/debug``); DWARF 2-5, plain,
  SHF_COMPRESSED or ``.zdebug`` sections;
- the symbol table (``.symtab``, else ``.dynsym``) for function names without DWARF.

A pc's frames: the innermost gets the line-table row's file:line and the innermost
inlined function's name; each enclosing inlining level becomes one more frame at the
inlined subroutine's ``DW_AT_call_file``/``DW_AT_call_line``, ending with the concrete
function.  Results are cached per module and per pc.

Nothing raises: a module we cannot read gives frames without file/line, and the reason
is recorded once in :attr:`Symbolizer.problems` (path -> reason).
"""

from __future__ import annotations

import bisect
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from .demangle import demangle
from .dwarf import DwarfInfo
from .elf import ElfImage, find_debug_file, load_image
from .frames import is_own, is_python_runtime, never_own_binary, rule_token
from .limits import Cancelled, OverBudget, OverTime, check
from .maps import AddressSpace, ProcessMaps
from .tailcall import call_target, plt_target, tail_jump
from .unwind import EXACT

__all__ = ["PROBLEMS", "ModuleDebug", "Symbolizer", "debug_for"]

_DWARF_SECTIONS = (".debug_info", ".debug_abbrev", ".debug_str", ".debug_line_str",
                   ".debug_line", ".debug_ranges", ".debug_rnglists", ".debug_addr",
                   ".debug_str_offsets", ".debug_aranges")

SymFrame = tuple[str | None, int | None, str | None]  # file, line, function
#: The function name given to a signal trampoline frame (as gdb shows it).
SIGNAL_FRAME = "<signal handler called>"
#: What the symbolizer builds frames with: model.Frame's fields, in its order.
FrameFactory = Callable[[str | None, int | None, str | None, str | None, int], Any]


class ModuleDebug:
    """What one ELF image tells about its code addresses (link-time addresses)."""

    def __init__(self, image: ElfImage) -> None:
        self.image = image
        self._lock = threading.Lock()
        self._cache: dict[int, tuple[SymFrame, ...]] = {}
        self._starts: set[int] | None = None
        #: scratch space of other modules (tailcall.py's relocation tables)
        self.extra: dict[str, object] = {}
        self._unload()

    def _unload(self) -> None:
        """What _load() fills, empty."""
        self.problem: str | None = None
        self._loaded = False
        self.dwarf: DwarfInfo | None = None
        self.debug_path: str | None = None
        self._sym_starts: list[int] = []
        self._sym_ends: list[int] = []
        self._sym_names: list[str] = []
        self._dyn_names: dict[int, set[str]] = {}
        self._addr_of: dict[str, int] = {}

    # -- loading ------------------------------------------------------------------------
    def _load(self) -> None:
        img = self.image
        if img.problem and not img.sections:
            self.problem = img.problem
            return
        source = img
        if not img.has_debug_info():
            path, why = find_debug_file(img)
            if path is not None:
                dbg = load_image(path)
                if dbg.problem is None and dbg.has_debug_info():
                    source = dbg
                    self.debug_path = path
                else:
                    self.problem = f"debug file {path}: {dbg.problem or 'no .debug_info'}"
            elif img.path != "[vdso]":
                self.problem = why
        # the symbols first: a module whose DWARF runs out of time keeps its names
        try:
            self._load_symbols(source if source.has(".symtab") else img)
        except (Cancelled, OverTime):
            raise
        except Exception as e:
            self.problem = self.problem or f"unreadable symbol table: {e}"
        if source.has_debug_info():
            try:
                sections = {n: source.debug_section(n) for n in _DWARF_SECTIONS}
                if source.problem and any(v is None for k, v in sections.items()
                                          if k in (".debug_info", ".debug_line")):
                    raise (OverBudget if source.over_budget else ValueError)(source.problem)
                self.dwarf = DwarfInfo(sections)
                if not sections.get(".debug_line"):
                    self.problem = "no .debug_line: functions only, no file:line"
            except (Cancelled, OverTime):
                raise
            except OverBudget as e:
                self._over_budget(e)
            except Exception as e:
                self.problem = f"unreadable DWARF: {type(e).__name__}: {e}"
                self.dwarf = None

    def _load_symbols(self, img: ElfImage) -> None:
        for tab, strtab in ((".symtab", ".strtab"), (".dynsym", ".dynstr")):
            data = img.section(tab)
            strs = img.section(strtab)
            if not data or strs is None:
                continue
            e = "<" if img.little_endian else ">"
            if img.elfclass == 64:
                fmt = struct.Struct(e + "IBBHQQ")
                rows = ((n, info, shndx, value, size)
                        for n, info, _o, shndx, value, size in fmt.iter_unpack(
                            data[: len(data) - len(data) % 24]))
            else:
                fmt = struct.Struct(e + "IIIBBH")
                rows = ((n, info, shndx, value, size)
                        for n, value, size, info, _o, shndx in fmt.iter_unpack(
                            data[: len(data) - len(data) % 16]))
            syms: dict[int, tuple[tuple[int, int, int], int, str]] = {}
            for k, (name_off, info, shndx, value, size) in enumerate(rows):
                if not k & 0xFFF:
                    check()
                typ = info & 0xF
                if typ not in (2, 10) or shndx == 0 or value == 0:  # FUNC, GNU_IFUNC
                    continue
                end = strs.find(b"\0", name_off)
                name = strs[name_off:end].decode("utf-8", "replace")
                if not name:
                    continue
                plain = name.split("@")[0]
                self._dyn_names.setdefault(value, set()).add(plain)
                self._addr_of.setdefault(plain, value)
                bind = info >> 4
                rank = (len(name) - len(name.lstrip("_")), 0 if bind == 1 else 1, len(name))
                cur = syms.get(value)
                if cur is None or rank < cur[0]:
                    syms[value] = (rank, size, name)
            if syms:
                for addr in sorted(syms):
                    _r, size, name = syms[addr]
                    self._sym_starts.append(addr)
                    self._sym_ends.append(addr + (size or 256))
                    self._sym_names.append(name)
                return

    def ensure(self) -> None:
        if not self._loaded:
            with self._lock:
                if not self._loaded:
                    try:
                        with self.image.debug_clock:
                            self._load()
                    except Cancelled:  # the trace was stopped: load again next time
                        self._unload()
                        return
                    except OverTime as e:
                        self._over_budget(e)
                    except Exception as e:  # pragma: no cover - belt and braces
                        self.problem = f"{type(e).__name__}: {e}"
                    self._loaded = True

    def _over_budget(self, e: OverBudget) -> None:
        """Parsing this module took its whole time (or memory) budget: no more DWARF (the
        symbols read so far stay)."""
        note = str(e)
        self.problem = note if note.endswith("no file:line") else f"{note}: no file:line"
        self.dwarf = None
        if isinstance(e, OverTime):
            self.image.debug_clock.over = True

    # -- lookups ------------------------------------------------------------------------
    def names_at(self, addr: int) -> set[str]:
        """Every symbol name of the function starting at ``addr`` (aliases included)."""
        self.ensure()
        return self._dyn_names.get(addr, set())

    def address_of(self, name: str) -> int | None:
        """The address of a function symbol by name (link-time)."""
        self.ensure()
        return self._addr_of.get(name)

    def function_starts(self) -> set[int]:
        self.ensure()
        if self._starts is None:
            self._starts = set(self._sym_starts)
        return self._starts

    def function_start(self, pc: int) -> int | None:
        """Start of the function containing ``pc`` (from the symbol table)."""
        self.ensure()
        i = bisect.bisect_right(self._sym_starts, pc) - 1
        if i >= 0 and pc < self._sym_ends[i]:
            return self._sym_starts[i]
        return None

    def function_at(self, start: int) -> tuple[int, list[tuple[int, int]]] | None:
        """(end of the code range, every range) of the function starting at ``start``."""
        self.ensure()
        dw = self.dwarf
        try:
            with self.image.debug_clock:
                cu = dw.unit_for_pc(start) if dw is not None else None
                chain = cu.function_chain(start) if cu is not None else []
        except OverBudget as e:
            self._over_budget(e)
            chain = []
        except Exception:
            chain = []
        if chain:
            for lo, hi in chain[0].ranges:
                if lo == start:
                    return hi, chain[0].ranges
            return None
        i = bisect.bisect_right(self._sym_starts, start) - 1
        if i >= 0 and self._sym_starts[i] == start:
            end = self._sym_ends[i]
            return end, [(start, end)]
        return None

    def symbol(self, pc: int) -> str | None:
        i = bisect.bisect_right(self._sym_starts, pc) - 1
        if i >= 0 and pc < self._sym_ends[i]:
            return demangle(self._sym_names[i])
        return None

    def frames(self, pc: int) -> tuple[SymFrame, ...]:
        """Frames (innermost first) at link-time address ``pc`` (already pc-1 for calls)."""
        got = self._cache.get(pc)
        if got is not None:
            return got
        self.ensure()
        if not self._loaded:  # the trace was stopped while loading: nothing kept
            return ((None, None, None),)
        try:
            with self.image.debug_clock:
                out = self._frames(pc)
        except Cancelled:
            return ((None, None, self.symbol(pc)),)  # not kept: the trace was stopped
        except OverBudget as e:
            self._over_budget(e)
            out = ((None, None, self.symbol(pc)),)
        except Exception as e:
            if self.problem is None:
                self.problem = f"bad debug info near {pc:#x}: {type(e).__name__}: {e}"
            out = ((None, None, self.symbol(pc)),)
        if self.problem is None and self.dwarf is not None and self.dwarf.error:
            self.problem = f"unreadable DWARF: {self.dwarf.error}"
        self._cache[pc] = out
        return out

    def _frames(self, pc: int) -> tuple[SymFrame, ...]:
        dw = self.dwarf
        cu = dw.unit_for_pc(pc) if dw is not None else None
        if cu is None:
            return ((None, None, self.symbol(pc)),)
        lines = cu.lines()
        row = lines.lookup(pc) if lines is not None else None
        file = line = None
        if row is not None:
            file = cu.file_name(row[0])
            line = row[1] or None
        chain = cu.function_chain(pc)
        if not chain:
            return ((file, line, self.symbol(pc)),)
        out: list[SymFrame] = []
        for k in range(len(chain) - 1, -1, -1):
            node = chain[k]
            name = cu.name_of(node.name_ref)
            if k == 0 and not name:
                name = self.symbol(pc)
            out.append((file, line, name))
            file = cu.file_name(node.call_file) if node.call_file else None
            line = node.call_line or None
        return tuple(out)


#: Every module path whose frames lacked file:line, with the reason, across all traces
#: of this process (``Symbolizer.problems`` has one trace's).
PROBLEMS: dict[str, str] = {}
#: How many module notes PROBLEMS keeps.
CACHE_PROBLEMS = 1024

_DEBUG: OrderedDict[int, ModuleDebug] = OrderedDict()
_DEBUG_LOCK = threading.Lock()
#: Modules whose debug info stays cached (least recently used ones are dropped).
CACHE_MODULES = 64


def debug_for(image: ElfImage) -> ModuleDebug:
    """The ModuleDebug of an image (images are cached per file: path, inode, mtime).

    Not shared between files with one build-id: a stripped or damaged copy of a binary
    gets what its own file (or the separate debug file its build-id names) holds,
    whatever else was traced before."""
    key = id(image)
    with _DEBUG_LOCK:
        mod = _DEBUG.get(key)
        if mod is not None and mod.image is image:
            _DEBUG.move_to_end(key)
            return mod
        mod = ModuleDebug(image)
        _DEBUG[key] = mod
        while len(_DEBUG) > CACHE_MODULES:
            _DEBUG.popitem(last=False)
        return mod


class Symbolizer:
    """``symbolize(pid, pcs) -> tuple[Frame, ...]`` over the unwinder's snapshots."""

    def __init__(self, maps: ProcessMaps, frame: FrameFactory) -> None:
        self.maps = maps
        self.frame = frame
        #: module path -> why its frames lack file:line (recorded once per module)
        self.problems: dict[str, str] = {}
        self._stacks: dict[tuple[int, ...], tuple[Any, ...]] = {}
        self._own_stacks: dict[object, tuple[Any, ...]] = {}
        self._tails: dict[tuple[int, int, bool], tuple[Any, ...]] = {}

    def __call__(self, pid: int, pcs: tuple[int, ...]) -> tuple[Any, ...]:
        return self._cached(self._stacks, pcs, pcs, own_only=False)

    def __getstate__(self) -> dict[str, Any]:
        return {"maps": self.maps, "frame": self.frame, "problems": self.problems}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["maps"], state["frame"])  # type: ignore[misc]
        self.problems.update(state["problems"])

    def own_stack(self, pid: int, pcs: tuple[int, ...],
                  python: frozenset[str | None] | None = None) -> tuple[Any, ...]:
        """The stack as :meth:`__call__` gives it, down to its first own frame
        (frames.is_own), each pc in a binary that is never own code
        (frames.never_own_binary) left as one frame with no file, unsymbolized: enough
        for ``source`` without reading the debug info of libc and the dynamic loader
        (~0.2 s at a trace's first stacks), nor of the frames below (an interpreter's
        dozens).  Kept per rule: RENACER_SOURCE_SKIP/KEEP may change between calls.

        ``python``: the stack has Python frames of these interpreter modules; they and
        every module frames.is_python_runtime names are treated so (pystack.py)."""
        if python is not None:
            def runtime(path: str | None) -> bool:
                return path in python or is_python_runtime(path)

            return self._cached(self._own_stacks, pcs, (pcs, rule_token(), python), True,
                                runtime)
        return self._cached(self._own_stacks, pcs, (pcs, rule_token()), own_only=True)

    def _cached(self, cache: dict[Any, tuple[Any, ...]], pcs: tuple[int, ...], key: object,
                own_only: bool, runtime: Callable[[str | None], bool] | None = None,
                ) -> tuple[Any, ...]:
        got = cache.get(key)
        if got is not None:
            return got
        try:
            got = self._symbolize(pcs, own_only, runtime)
            if len(cache) >= 65536:
                cache.clear()
            cache[key] = got
            return got
        except Exception:  # pragma: no cover - never break a test over a stack
            return tuple(self.frame(None, None, None, None, pc & ~EXACT) for pc in pcs[1:])

    def _symbolize(self, pcs: tuple[int, ...], own_only: bool,
                   runtime: Callable[[str | None], bool] | None = None) -> tuple[Any, ...]:
        if len(pcs) < 2:
            return ()
        space = self.maps.get(pcs[0])
        out: list[Any] = []
        n = len(pcs)
        for k in range(1, n):
            raw = pcs[k]
            pc = raw & ~EXACT
            exact = k == 1 or bool(raw & EXACT)
            key = pc | EXACT if exact else pc
            cached = space.frames.get(key) if space is not None else None
            if cached is None and own_only and space is not None:
                mod = space.module_at(pc)
                if mod is not None and (never_own_binary(mod.path) or (
                        runtime is not None and runtime(mod.path))):
                    out.append(self.frame(None, None, None, mod.path, pc))
                    continue  # (and no tail-call frames: they would be in it too)
            if cached is None:
                cached = self._frames_at(space, pc, exact)
                if space is not None:
                    space.frames[key] = cached
            frames: tuple[Any, ...] = cached  # type: ignore[assignment]
            if k + 1 < n and pcs[k + 1] & EXACT and frames and frames[-1].function is None:
                # the next pc was taken from a signal frame: this is the trampoline
                f = frames[-1]
                frames = (*frames[:-1], self.frame(f.file, f.line, SIGNAL_FRAME, f.binary,
                                                   f.address))
            if k > 1 and not raw & EXACT and space is not None:
                # a return address: did a tail call remove a frame below it?
                callee = pcs[k - 1]
                tail = self._tail_frames(space, pc, callee & ~EXACT,
                                         k - 1 == 1 or bool(callee & EXACT), own_only)
                out.extend(tail)
                if own_only and any(is_own(f) for f in tail):
                    break
            out.extend(frames)
            if own_only and any(is_own(f) and not (runtime is not None and runtime(f.binary))
                                for f in frames):
                break
        return tuple(out)

    def _tail_frames(self, space: AddressSpace, caller_pc: int, callee_pc: int,
                     callee_exact: bool, own_only: bool) -> tuple[Any, ...]:
        key = (caller_pc, callee_pc, own_only)
        got = self._tails.get(key)
        if got is None:
            try:
                got = self._find_tail_frames(space, caller_pc, callee_pc, callee_exact,
                                             own_only)
            except Exception:
                got = ()
            self._tails[key] = got
        return got

    def _find_tail_frames(self, space: AddressSpace, caller_pc: int, callee_pc: int,
                          callee_exact: bool, own_only: bool) -> tuple[Any, ...]:
        cmod = space.module_at(caller_pc)
        if cmod is None:
            return ()
        dbg = debug_for(cmod.image)
        target = call_target(dbg, caller_pc - cmod.bias)
        if target is None:
            return ()
        callee_mod = space.module_at(callee_pc)
        if callee_mod is None:
            return ()
        callee_dbg = debug_for(callee_mod.image)
        callee_rel = callee_pc - callee_mod.bias - (0 if callee_exact else 1)
        gmod, gdbg = cmod, dbg  # the called function G, and its module
        plt_name = plt_target(dbg, target)
        if plt_name is not None:
            # a call through the PLT: G is the named function of the callee's module
            if own_only and never_own_binary(callee_mod.path):
                return ()  # (own_stack: not shown, and its symbols are not read)
            addr = callee_dbg.address_of(plt_name)
            if addr is None:
                return ()
            gmod, gdbg, target = callee_mod, callee_dbg, addr
        func = gdbg.function_at(target)
        if func is None:
            return ()
        end, ranges = func
        same = callee_mod.image is gmod.image
        if same and any(lo <= callee_rel < hi for lo, hi in ranges):
            return ()  # the callee runs inside the called function: no tail call
        start = callee_dbg.function_start(callee_rel)
        names = callee_dbg.names_at(start) if start is not None else set()
        jump = tail_jump(gdbg, target, end, start if same else None, names, same)
        if jump is None:
            return ()
        frame = self.frame
        return tuple(frame(f, ln, fn, gmod.path, jump + gmod.bias)
                     for f, ln, fn in gdbg.frames(jump))

    def _frames_at(self, space: AddressSpace | None, pc: int, exact: bool) -> tuple[Any, ...]:
        mod = space.module_at(pc) if space is not None else None
        if mod is None:
            return (self.frame(None, None, None, None, pc),)
        dbg = debug_for(mod.image)
        rel = pc - mod.bias - (0 if exact else 1)
        syms = dbg.frames(rel)
        # (the unwinder's tables out of time: its note, else the debug info's)
        problem = mod.image.problem if mod.image.clock.over else dbg.problem
        if problem and mod.path not in self.problems:
            self.problems[mod.path] = problem
            PROBLEMS[mod.path] = problem
            if len(PROBLEMS) > CACHE_PROBLEMS:  # the oldest note goes
                del PROBLEMS[next(iter(PROBLEMS))]
        frame = self.frame
        return tuple(frame(f, ln, fn, mod.path, pc) for f, ln, fn in syms)
