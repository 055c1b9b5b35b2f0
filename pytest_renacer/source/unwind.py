"""The stop-time unwinder: CFI-driven, reading the stack through /proc/PID/mem.

At a syscall stop the engine calls :class:`StackUnwinder` with ``(pid, tid, ip, sp)``.
A site seen before at the same ``(ip, sp)`` is answered from a memo (one ``pread``
checks the stack slots the answer depended on; the entry that answered last at a
``(pid, ip, sp)`` is found with one dict lookup, before any other work).  Otherwise it
reads a window of the stack (8 KiB from ``sp``) in one ``pread`` and walks the frames
with the unwind rule of each pc:

- rules come from the module's ``.eh_frame`` (``.debug_frame`` as a second source),
  compiled once per pc and cached per module, so a known pc costs a dict lookup and a
  few ``struct.unpack_from`` per frame;
- registers not yet recovered from the stack are the live ones at the stop, fetched
  with one PTRACE_GETREGSET only when a rule needs one (at -O0 the caller's CFA is
  ``rbp+16``; code without frame pointers never asks); callee-saved registers that no
  CFA has needed so far are not even read from the stack;
- where no CFI covers a pc, the frame pointer chain is followed.

The result is ``(snapshot id, ip, return address, ...)``: plain ints, stored by the
engine as the event's ``pcs``.  A pc that is exact rather than a return address (the
interrupted pc above a signal frame) carries :data:`EXACT` (bit 63).
"""

from __future__ import annotations

import ctypes
import os
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable

from ..tracer import ptrace as pt
from .cfi import (
    EXPRESSION,
    OFFSET,
    REGISTER,
    UNDEFINED,
    VAL_EXPRESSION,
    VAL_OFFSET,
    CFITable,
    Rule,
    eval_expr,
)
from .elf import ElfImage
from .limits import Interrupted, OverTime, ThreadInterrupts
from .maps import AddressSpace, Mapping, MemoEntry, Module, ProcessMaps

__all__ = ["EXACT", "MAX_FRAMES", "ArchRegs", "StackUnwinder", "cfi_for"]

#: Flag on a pc that is exact (not a return address, whose call is at pc - 1).
EXACT = 1 << 63
#: Deepest stack recorded per syscall.
MAX_FRAMES = 64

_PAGE = 4096
_MAX_PAGES = 8
_WINDOW = 8192  # stack bytes read at a stop the memo cannot answer
_ADDR_MASK = 0x0000FFFFFFFFFFFF  # strips aarch64 pointer-authentication / tag bits


class ArchRegs:
    """DWARF register numbers and the PTRACE_GETREGSET layout of one architecture."""

    def __init__(self, name: str, sp: int, fp: int, ra: int, pc: int,
                 regset: dict[int, int], nregs: int,
                 sigreturn: tuple[bytes, Rule] | None = None) -> None:
        self.name = name
        self.sp = sp
        self.fp = fp
        self.ra = ra  # DWARF column of the return address
        self.pc = pc  # DWARF number used for the pc itself (for expressions)
        self.regset = regset  # user_regs_struct index -> DWARF number
        self.nregs = nregs
        # Frame pointer fallback: CFA = fp + 16, saved fp at CFA-16, return at CFA-8.
        self.fp_rule = Rule(fp, 16, None, tuple(sorted(((fp, OFFSET, -16), (ra, OFFSET, -8)))),
                            ra, False)
        # A signal trampoline without CFI, recognized by its code: (its instructions,
        # the rule that restores the interrupted registers from the signal frame).
        self.sigreturn = sigreturn


def _aarch64_sigreturn() -> tuple[bytes, Rule]:
    """arm64's ``__kernel_rt_sigreturn`` in the vDSO (where a handler returns, glibc
    setting no restorer of its own) has no CFI since Linux 5.8: unwinders recognize its
    two instructions, ``mov x8, #139`` (``__NR_rt_sigreturn``) and ``svc #0``, as GDB and
    libgcc do.  At it, sp points at the kernel's ``struct rt_sigframe``: a siginfo (128
    bytes), then the ucontext whose ``uc_mcontext`` (a ``struct sigcontext``) starts 176
    bytes in: ``fault_address``, ``regs[31]`` (x0..x30), ``sp``, ``pc``, ``pstate``.  The
    interrupted pc is the "return address" (column 32, exact); x30 is restored as it was,
    live in a leaf that the signal interrupted."""
    regs = 128 + 176 + 8
    rule = Rule(31, 0, None, tuple((r, OFFSET, regs + 8 * r) for r in range(33)), 32, True)
    rule.simple = False  # (the simple path sets sp to the CFA: here it is restored)
    return struct.pack("<II", 0xD2801168, 0xD4000001), rule


X86_64 = ArchRegs(
    "x86_64", sp=7, fp=6, ra=16, pc=16,
    regset={0: 15, 1: 14, 2: 13, 3: 12, 4: 6, 5: 3, 6: 11, 7: 10, 8: 9, 9: 8, 10: 0, 11: 2,
            12: 1, 13: 4, 14: 5, 16: 16, 19: 7},
    nregs=27,
)
AARCH64 = ArchRegs(
    "aarch64", sp=31, fp=29, ra=30, pc=32,
    regset={**{i: i for i in range(31)}, 31: 31, 32: 32},
    nregs=34, sigreturn=_aarch64_sigreturn(),
)
ARCHES = {"x86_64": X86_64, "aarch64": AARCH64}


class _IoVec(ctypes.Structure):
    _fields_ = (("base", ctypes.c_void_p), ("len", ctypes.c_size_t))


class _Reader:
    """process_vm_readv through preallocated buffers, split at page boundaries."""

    def __init__(self) -> None:
        self.buf = ctypes.create_string_buffer(_PAGE * _MAX_PAGES)
        self.local = _IoVec(ctypes.addressof(self.buf), 0)
        self.remote = (_IoVec * _MAX_PAGES)()
        self.call = pt._process_vm_readv
        self.local_ref = ctypes.byref(self.local)
        self.remote_ref = ctypes.byref(self.remote)
        self.addr = ctypes.addressof(self.buf)

    def read(self, tid: int, addr: int, size: int) -> bytes:
        """Up to ``size`` bytes at ``addr`` (fewer at an unmapped page)."""
        size = min(size, _PAGE * _MAX_PAGES - (addr % _PAGE))
        n = 0
        a = addr
        end = addr + size
        remote = self.remote
        while a < end and n < _MAX_PAGES:
            step = min(end, (a | (_PAGE - 1)) + 1) - a
            iov = remote[n]
            iov.base = a
            iov.len = step
            a += step
            n += 1
        self.local.len = a - addr
        got = self.call(tid, self.local_ref, 1, self.remote_ref, n, 0)
        if got <= 0:
            return b""
        return ctypes.string_at(self.addr, got)


_CFI_LOCK = threading.Lock()


def cfi_for(image: ElfImage) -> tuple[CFITable | None, CFITable | None]:
    """(.eh_frame table, .debug_frame table) of an image, built once per image, on the
    image's clock: past its time budget the module has no CFI (a note says so).
    Raises only limits.Cancelled (the trace was stopped: nothing is remembered)."""
    got = image.cfi
    if got is not None:
        return got  # type: ignore[no-any-return]
    with _CFI_LOCK:
        got = image.cfi
        if got is not None:
            return got  # type: ignore[no-any-return]
        tables: tuple[CFITable | None, CFITable | None] = (None, None)
        try:
            with image.clock:
                tables = _build_cfi(image)
        except OverTime as e:
            _cfi_over_time(image, e)
        image.cfi = tables
        return tables


def _build_cfi(image: ElfImage) -> tuple[CFITable | None, CFITable | None]:
    eh = dbg = None
    ptr = image.elfclass // 8
    clock = image.clock
    try:
        data = image.section(".eh_frame")
        got_addr = image.sections.get(".got", (0,))[0]
        if data:
            sec = image.sections[".eh_frame"]
            hdr = image.section(".eh_frame_hdr")
            hdr_addr = image.sections[".eh_frame_hdr"][0] if hdr else 0
            eh = CFITable(data, sec[0], is_eh=True, hdr=hdr, hdr_addr=hdr_addr,
                          ptr_size=ptr, little=image.little_endian, got_addr=got_addr,
                          clock=clock)
        elif image.eh_frame_hdr is not None:
            eh = _eh_from_segment(image, ptr, got_addr)
    except Interrupted:
        raise
    except Exception as e:
        image.problem = image.problem or f"bad .eh_frame: {e}"
    try:
        data = image.debug_section(".debug_frame")
        if data:
            dbg = CFITable(data, 0, is_eh=False, ptr_size=ptr, little=image.little_endian,
                           clock=clock)
    except Interrupted:
        raise
    except Exception as e:
        image.problem = image.problem or f"bad .debug_frame: {e}"
    return eh, dbg


def _cfi_over_time(image: ElfImage, e: OverTime) -> None:
    """The image's CFI took too long: dropped (unwinding falls back to frame pointers)."""
    image.problem = image.problem or f"{e}: no unwinding tables"
    image.over_budget = True
    image.cfi = (None, None)


def _eh_from_segment(image: ElfImage, ptr: int, got_addr: int) -> CFITable | None:
    """.eh_frame found through PT_GNU_EH_FRAME alone (no section headers)."""
    assert image.eh_frame_hdr is not None
    hdr_addr, _off, size = image.eh_frame_hdr
    hdr = image.read_vaddr(hdr_addr, size)
    if len(hdr) < 8 or hdr[0] != 1:
        return None
    probe = CFITable(b"", 0, is_eh=True, ptr_size=ptr, little=image.little_endian)
    probe._hdr_addr = hdr_addr
    eh_addr, _pos = probe._read_ptr(hdr, 4, hdr[1], hdr_addr)
    end = image.load_end(eh_addr)
    data = image.read_vaddr(eh_addr, end - eh_addr)
    if not data:
        return None
    return CFITable(data, eh_addr, is_eh=True, hdr=hdr, hdr_addr=hdr_addr, ptr_size=ptr,
                    little=image.little_endian, got_addr=got_addr, clock=image.clock)


def rule_for(image: ElfImage, rel_pc: int) -> Rule | None:
    """The unwind rule at a link-time pc of an image, cached per image: it survives the
    address-space snapshots (a process mapping one more library starts a new one)."""
    rules: dict[int, Rule | None] = image.rules
    if rel_pc in rules:
        return rules[rel_pc]
    eh, dbg = cfi_for(image)
    try:
        rule = eh.rule_for(rel_pc) if eh is not None else None
        if rule is None and dbg is not None:
            rule = dbg.rule_for(rel_pc)
    except OverTime as e:  # a CFA program too long for what is left of the budget
        _cfi_over_time(image, e)
        rule = None
    if len(rules) < 1 << 16:
        rules[rel_pc] = rule
    return rule


class _Restart(Exception):
    """A register whose saved value was not read is needed after all."""


class StackUnwinder:
    """The engine's ``unwinder`` hook: ``(pid, tid, ip, sp) -> (sid, pcs...)``.

    Cost per stop, measured: a ptrace stop here costs ~50 us and process_vm_readv ~8 us
    even for 64 bytes, but ``pread`` on an open ``/proc/PID/mem`` ~2 us.  So each
    process's ``mem`` file stays open (closed by :meth:`close`, after an exec, on
    eviction beyond :data:`MAX_OPEN` processes, or when the unwinder is collected),
    and a syscall site seen before at the same ``(ip, sp)`` is answered from a memo
    after checking that the stack slots its unwinding read still hold the same values:
    one ``pread`` and one ``struct.unpack_from``.
    """

    #: Processes whose /proc/PID/mem stays open at once.
    MAX_OPEN = 64
    #: Memo entries per address-space layout before the memo is cleared.
    MAX_MEMO = 4096
    #: Stacks remembered per (ip, sp) (two call sites in one function share both).
    MEMO_WAYS = 4
    #: Fast answers kept (one per (pid, ip, sp)) before they are dropped.
    MAX_FAST = 4096

    def __init__(self, arch: ArchRegs, maps: ProcessMaps, max_frames: int = MAX_FRAMES) -> None:
        self.arch = arch
        self.maps = maps
        self.max_frames = max_frames
        self._reader = _Reader()
        self._regs_buf = ctypes.create_string_buffer(arch.nregs * 8)
        self._regs_iov = _IoVec(ctypes.addressof(self._regs_buf), arch.nregs * 8)
        self._regs_fmt = struct.Struct(f"<{arch.nregs}Q")
        self._unpack_q = struct.Struct("<Q").unpack_from
        # pid -> (open /proc/PID/mem or -1, the snapshot current when it was opened)
        self._fds: OrderedDict[int, tuple[int, object]] = OrderedDict()
        self._space: object = None
        self._pread = os.pread
        # per stop
        self._pid = 0
        self._tid = 0
        self._live: dict[int, int] | None = None
        self._win = b""
        self._wbase = 0
        self._extra: list[tuple[int, bytes]] = []
        # window offsets read; None: this stop is not memoizable
        self._slots: list[int] | None = []
        # registers whose saved values are read while unwinding (others restart it)
        self._tracked = {arch.sp, arch.fp, arch.ra, arch.pc}
        self._track_all = False
        self._structs: dict[str, struct.Struct] = {}
        self._memo_stores = 0
        self._memo_hits0 = 0
        self._memo_pause = 0
        # (pid, ip, sp) -> (mem fd, bytes to read at sp, unpack, expected slots, result):
        # the memo entry that answered there last, looked up before anything else.
        # Valid while the pid's snapshot and open mem file stay the ones it was made
        # with: dropped whenever either changes (maps.on_change, _close_fd).
        self._fast: dict[tuple[int, int, int],
                         tuple[int, int, Callable[[bytes], tuple[int, ...]],
                               tuple[int, ...], tuple[int, ...]]] = {}
        maps.on_change = self._fast.clear
        #: counters, for measurements (the fast path counts nothing: its answers are the
        #: calls minus ``slow_calls``)
        self.slow_calls = 0
        self.stops = 0
        self.hits = 0
        self.misses = 0
        self.regs_fetched = 0
        self.extra_reads = 0
        self._interrupts = ThreadInterrupts()

    def interrupt(self, thread: int) -> None:
        """From any thread (the engine's timeout): stop the parsing of a module that
        ``thread``, the engine's, may be doing for this unwinder (limits.Cancelled)."""
        self._interrupts.interrupt(thread)

    def exec_seen(self, pid: int) -> None:
        """``pid`` replaced its program image: re-read its module map at its next stop."""
        self.maps.exec_seen(pid)
        self._close_fd(pid)

    def close(self) -> None:
        """Close every /proc/PID/mem file (the trace is over); end the interruptions."""
        self._interrupts.resume()
        for pid in list(self._fds):
            self._close_fd(pid)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    # -- tracee access ----------------------------------------------------------------
    def _close_fd(self, pid: int) -> None:
        self._fast.clear()  # its answers name the fd
        got = self._fds.pop(pid, None)
        if got is not None and got[0] >= 0:
            try:
                os.close(got[0])
            except OSError:
                pass

    def _mem_fd(self, pid: int) -> tuple[int, object]:
        got = self._fds.get(pid)
        if got is None:
            try:
                fd = os.open(f"/proc/{pid}/mem", os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                fd = -1
            got = self._fds[pid] = (fd, self._space)
            while len(self._fds) > self.MAX_OPEN:
                self._close_fd(next(iter(self._fds)))
        return got

    def read(self, addr: int, size: int) -> bytes:
        """Up to ``size`` bytes of the stopped tracee's memory at ``addr``."""
        for attempt in range(2):
            fd, opened_for = self._mem_fd(self._pid)
            if fd < 0:
                break
            try:
                data = self._pread(fd, size, addr)
                if data:
                    return data
            except OSError:
                pass
            if attempt or opened_for is self._space:
                break
            # Opened for an earlier image (before an execve): open it again, once.
            self._close_fd(self._pid)
        return self._reader.read(self._tid, addr, size)

    def _live_ra(self, tid: int) -> int | None:
        """The return-address register at this stop (aarch64's x30), for the memo."""
        self._tid = tid
        self._live = None
        return self._live_regs().get(self.arch.ra)

    def _live_regs(self) -> dict[int, int]:
        live = self._live
        if live is None:
            live = {}
            self.regs_fetched += 1
            try:
                pt.ptrace(pt.PTRACE_GETREGSET, self._tid, pt.NT_PRSTATUS,
                          ctypes.addressof(self._regs_iov))
                vals = self._regs_fmt.unpack_from(self._regs_buf)
                for idx, dw in self.arch.regset.items():
                    live[dw] = vals[idx]
            except OSError:
                pass
            self._live = live
        return live

    def read_word(self, addr: int) -> int | None:
        off = addr - self._wbase
        if 0 <= off <= len(self._win) - 8:
            slots = self._slots
            if slots is not None:
                slots.append(off)
            return int(self._unpack_q(self._win, off)[0])
        self._slots = None  # beyond the window: do not memoize this stop
        for base, data in self._extra:
            off = addr - base
            if 0 <= off <= len(data) - 8:
                return int(self._unpack_q(data, off)[0])
        if addr <= 0 or addr > 0x7FFFFFFFFFFFFFFF:
            return None
        self.extra_reads += 1
        base = addr & ~(_PAGE - 1)
        data = self.read(base, 2 * _PAGE)
        if len(self._extra) < 16:
            self._extra.append((base, data))
        off = addr - base
        if 0 <= off <= len(data) - 8:
            return int(self._unpack_q(data, off)[0])
        return None

    def _read_mapping(self, m: Mapping) -> bytes | None:
        size = m.end - m.start
        if size > (1 << 20):
            return None
        out = bytearray()
        a = m.start
        while a < m.end:
            chunk = self.read(a, min(_PAGE * _MAX_PAGES, m.end - a))
            if not chunk:
                return None
            out += chunk
            a += len(chunk)
        return bytes(out)

    # -- rules ------------------------------------------------------------------------
    def _rule(self, space: AddressSpace, key: int, pc: int) -> Rule:
        """The rule at ``key`` (``pc``, or ``pc - 1`` for a return address): its CFI, a
        signal trampoline known by its code, else the frame pointer chain."""
        self.misses += 1
        try:
            mod: Module | None = space.module_at(key, self._read_mapping)
            if mod is not None:
                rule = rule_for(mod.image, key - mod.bias)
                if rule is not None:
                    return rule
        except Exception:
            pass
        sig = self.arch.sigreturn
        if sig is not None:  # at its first instruction, its second or after it (a stop)
            code = self.read(pc - 8, 16)
            if sig[0] in (code[8:], code[4:12], code[:8]):
                return sig[1]
        return self.arch.fp_rule

    # -- the hook ---------------------------------------------------------------------
    def __call__(self, pid: int, tid: int, ip: int, sp: int) -> tuple[int, ...] | None:
        # The fast path (a syscall loop's every stop): the site answered from the memo
        # last time, its stack slots unchanged: one lookup, one pread, one unpack.
        hit = self._fast.get((pid, ip, sp))
        if hit is None:
            return self._slow(pid, tid, ip, sp, b"")
        fd, size, unpack, expect, pcs = hit
        try:
            data = self._pread(fd, size, sp)
        except OSError:
            data = b""
        if len(data) >= size and unpack(data) == expect:
            return pcs
        return self._slow(pid, tid, ip, sp, data)  # another stack here: the memo's ways

    def _slow(self, pid: int, tid: int, ip: int, sp: int,
              data: bytes) -> tuple[int, ...] | None:
        """The memo (``data``: the stack at ``sp`` if the fast path read it), else a full
        unwinding."""
        self.slow_calls += 1
        maps = self.maps
        space = maps.current.get(pid)
        if space is None or not space.contains(ip):
            space = maps.for_pid(pid, ip)
            if space is None:
                return None
        self._pid = pid
        self._tid = tid
        self._space = space
        try:
            hit = space.memo.get((ip, sp))
            if hit is not None:
                size, entries = hit
                if len(data) < size:
                    data = self.read(sp, size)
                if len(data) >= size:
                    for fmt, expect, pcs, live_ra in entries:
                        if fmt.unpack_from(data) == expect and (
                                live_ra is None or self._live_ra(tid) == live_ra):
                            self.hits += 1
                            if live_ra is None:
                                self._remember(pid, ip, sp, size, fmt, expect, pcs)
                            return pcs
            self.stops += 1
            return self._unwind(space, ip, sp)
        except Exception:  # never let a bad stack break the trace
            return (space.sid, ip)

    def _remember(self, pid: int, ip: int, sp: int, size: int, fmt: struct.Struct,
                  expect: tuple[int, ...], pcs: tuple[int, ...]) -> None:
        """Make a memo entry that just answered the fast path's answer at (pid, ip, sp)
        (when the pid's mem file is open: the fast path reads through it)."""
        got = self._fds.get(pid)
        if got is None or got[0] < 0:
            return
        fast = self._fast
        if len(fast) >= self.MAX_FAST:
            fast.clear()
        fast[(pid, ip, sp)] = (got[0], size, fmt.unpack_from, expect, pcs)

    def _unwind(self, space: AddressSpace, ip: int, sp: int) -> tuple[int, ...]:
        self._live = None
        self._extra = []
        self._wbase = sp
        self._win = self.read(sp, _WINDOW)
        for _ in range(4):
            try:
                return self._unwind_once(space, ip, sp)
            except _Restart:
                continue  # a register we did not restore turned out to matter
        self._track_all = True
        return self._unwind_once(space, ip, sp)

    def _unwind_once(self, space: AddressSpace, ip: int, sp: int) -> tuple[int, ...]:
        arch = self.arch
        self._slots = []
        first_space = space
        tracked = self._tracked
        track_all = self._track_all
        skipped: set[int] = set()  # registers whose saved value this unwind did not read
        SP, PC = arch.sp, arch.pc
        rules = space.rules
        read_word = self.read_word
        wbase = self._wbase
        rule: Rule
        live_ra: int | None = None  # the innermost return address, when live
        pcs = [space.sid, ip]
        regs: dict[int, int | None] = {SP: sp, PC: ip}
        # Where each register's current value was loaded from (a window offset); absent:
        # live at the stop or computed from a CFA.  Only the slots whose values reach a
        # CFA or a return address decide the result: those are the memo's dependencies
        # (a callee-saved register spilled in every frame but used as a CFA base in one
        # holds data that changes from call to call; checking it defeated the memo).
        src: dict[int, int] = {}
        deps: list[int] = []
        every = False  # a DWARF expression ran: any slot read may matter
        pc = ip
        exact = True
        for _ in range(self.max_frames - 1):
            key = pc if exact else pc - 1
            rule = rules.get(key)  # type: ignore[assignment]
            if rule is None:
                if not space.contains(key):
                    fresh = self.maps.refresh_for(space, key)
                    if fresh is not space:
                        space = fresh
                        rules = space.rules
                        pcs[0] = space.sid
                rule = self._rule(space, key, pc)
                rules[key] = rule
            cur_sp = regs[SP]
            assert cur_sp is not None
            # the CFA
            if rule.cfa_expr is None:
                r = rule.cfa_reg
                if r in skipped:
                    tracked.add(r)
                    raise _Restart
                base = regs[r] if r in regs else self._live_regs().get(r)
                if base is None:
                    break
                at = src.get(r)
                if at is not None:
                    deps.append(at)
                cfa = base + rule.cfa_off
            else:
                if skipped:
                    self._track_all = True
                    raise _Restart
                every = True
                v = eval_expr(rule.cfa_expr, self._getter(regs), read_word)
                if v is None:
                    break
                cfa = v
            new = dict(regs)
            nsrc = dict(src)
            if rule.simple:
                # Restore only registers that ever mattered (the return address, the
                # frame pointer, CFA bases seen so far); using another one restarts.
                for reg, _k, arg in rule.regs:
                    if track_all or reg in tracked:
                        a = cfa + arg  # type: ignore[operator]
                        new[reg] = read_word(a)
                        nsrc[reg] = a - wbase
                    else:
                        skipped.add(reg)
                new[SP] = cfa
                nsrc.pop(SP, None)
            else:
                if skipped and (rule.has_expr or any(
                        k == REGISTER and a in skipped for _r, k, a in rule.regs)):
                    self._track_all = True
                    raise _Restart
                getter = self._getter(regs)
                if rule.has_expr:
                    every = True
                for reg, kind, arg in rule.regs:
                    if kind == OFFSET:
                        a = cfa + arg  # type: ignore[operator]
                        new[reg] = read_word(a)
                        nsrc[reg] = a - wbase
                        continue
                    nsrc.pop(reg, None)
                    if kind == VAL_OFFSET:
                        new[reg] = cfa + arg  # type: ignore[operator]
                    elif kind == REGISTER:
                        new[reg] = getter(arg)  # type: ignore[arg-type]
                        at = src.get(arg)  # type: ignore[call-overload]
                        if at is not None:
                            nsrc[reg] = at
                    elif kind == EXPRESSION:
                        e = eval_expr(arg, getter, read_word, cfa)  # type: ignore[arg-type]
                        new[reg] = None if e is None else read_word(e)
                    elif kind == VAL_EXPRESSION:
                        new[reg] = eval_expr(arg, getter, read_word, cfa)  # type: ignore[arg-type]
                    elif kind == UNDEFINED:
                        new[reg] = None
                if not any(reg == SP for reg, _k, _a in rule.regs):
                    new[SP] = cfa
                    nsrc.pop(SP, None)
            ra_col = rule.ra  # (x30 on aarch64 but the pc in a signal frame)
            leaf = ra_col not in new
            if not leaf:
                ra = new[ra_col]
                at = nsrc.get(ra_col)
                if at is not None:
                    deps.append(at)
            else:  # the return address is still in its register (a leaf, on aarch64)
                ra = self._live_regs().get(ra_col)
                if live_ra is None and len(pcs) == 2:
                    live_ra = ra
                else:
                    self._slots = None  # a live register deep in the stack: no memo
            if not ra:
                break
            ra &= _ADDR_MASK
            new_sp = new[SP]
            # The stack must grow towards the caller, else we are lost; except in an
            # aarch64 leaf at an exact pc (the stop, or the pc a signal interrupted:
            # glibc's syscall wrappers): CFA = sp, the return address still in x30, the
            # caller's sp the same as ours.
            if new_sp is None or (not rule.signal and (
                    new_sp < cur_sp or (new_sp == cur_sp and not exact))):
                break
            pcs.append(ra | EXACT if rule.signal else ra)
            new[PC] = ra
            regs = new
            src = nsrc
            pc = ra
            exact = rule.signal
        result = tuple(pcs)
        slots = self._slots
        if slots is not None and space is first_space and self._memo_on(space, ip, sp):
            self._memoize(space, ip, sp, slots if every else deps, result, live_ra)
        return result

    def _memo_on(self, space: AddressSpace, ip: int, sp: int) -> bool:
        """Memoize an (ip, sp) seen twice, unless memoizing does not pay: when fewer than
        1 in 10 of the last 4096 entries was used (every stop at a new stack depth),
        pause for 16384 stops.  A first sighting costs only a None in the memo."""
        memo = space.memo
        if (ip, sp) not in memo:
            if len(memo) >= self.MAX_MEMO:
                memo.clear()
            memo[(ip, sp)] = None
            return False
        if self._memo_pause:
            self._memo_pause -= 1
            return False
        self._memo_stores += 1
        if self._memo_stores >= 4096:
            if self.hits - self._memo_hits0 < 410:
                self._memo_pause = 16384
            self._memo_stores = 0
            self._memo_hits0 = self.hits
        return True

    def _memoize(self, space: AddressSpace, ip: int, sp: int, slots: list[int],
                 result: tuple[int, ...], live_ra: int | None) -> None:
        """Remember the result with the stack slots it depends on (their offsets).

        Those are the slots of return addresses and of registers later used to find a
        CFA: with them unchanged at the same ip and sp, the unwinding takes the same
        path.  (Live registers are not re-read: a frame-pointer-based CFA whose value
        differs at an identical ip, sp and identical return-address slots would take
        alloca()s of compensating sizes at different depths.)"""
        offs = sorted(set(slots))
        parts = ["<"]
        at = 0
        for off in offs:
            if off < at:  # overlapping slots (unaligned): not worth memoizing
                return
            if off > at:
                parts.append(f"{off - at}x")
            parts.append("Q")
            at = off + 8
        text = "".join(parts)
        fmt = self._structs.get(text)
        if fmt is None:
            if len(self._structs) >= 4096:
                self._structs.clear()
            fmt = self._structs[text] = struct.Struct(text)
        memo = space.memo
        if len(memo) >= self.MAX_MEMO:
            memo.clear()
        expect = fmt.unpack_from(self._win)
        entry = (fmt, expect, result, live_ra)
        old = memo.get((ip, sp))
        ways: tuple[MemoEntry, ...]
        if old is None:
            size, ways = at, (entry,)
        else:  # several stacks at one (ip, sp): keep the last few, newest first
            size, ways = max(at, old[0]), (entry, *old[1][: self.MEMO_WAYS - 1])
        memo[(ip, sp)] = (size, ways)
        if live_ra is None:  # (reading what every way needs: a miss needs no second read)
            self._remember(self._pid, ip, sp, size, fmt, expect, result)

    def _getter(self, regs: dict[int, int | None]) -> Callable[[int], int | None]:
        def get(r: int) -> int | None:
            if r in regs:
                return regs[r]
            return self._live_regs().get(r)
        return get
