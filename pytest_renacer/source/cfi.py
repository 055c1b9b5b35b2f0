"""Call frame information: .eh_frame / .debug_frame parsed lazily into unwind rules.

An FDE index (sorted initial locations) comes from ``.eh_frame_hdr``'s binary search
table when there is one, else from one scan of the section.  For a program counter
we parse one FDE and its CIE, run their CFA programs up to the pc and compile the
row into a :class:`Rule`: how to find the CFA, the return address and the other
registers of the caller.  Rules are cached per pc by the caller (see unwind.py), so
a syscall site that repeats costs one dict lookup per frame.

DWARF expressions (``DW_CFA_def_cfa_expression``, ``DW_CFA_expression``,
``DW_CFA_val_expression``, as glibc uses for PLT entries and signal frames) are
evaluated by :func:`eval_expr`.
"""

from __future__ import annotations

import bisect
import itertools
import struct
from array import array
from collections.abc import Callable

from .leb128 import initial_length
from .leb128 import sleb as _sleb
from .leb128 import uleb as _uleb
from .limits import Clock, Interrupted, ParseError, check

__all__ = ["CFITable", "Rule", "eval_expr"]

# Register rule kinds.
OFFSET, VAL_OFFSET, REGISTER, EXPRESSION, VAL_EXPRESSION, SAME, UNDEFINED = range(7)

_U8 = struct.Struct("<B")
#: DW_CFA_remember_state depth allowed: compilers nest a handful; a hostile FDE of
#: repeated remember_state would otherwise copy the register state millions of times.
MAX_REMEMBERED = 64
#: Registers one CFA program may give rules for (DWARF numbers of x86_64 and aarch64
#: stay below 130).
MAX_REGISTERS = 1024
#: Bytes of CFI read between two time checks (limits.check); a CFA program shorter
#: than this runs without its module's clock (most are a few dozen bytes).
CHECK_EVERY = 1 << 16


class CFIError(ParseError):
    """Malformed call frame information."""


class Rule:
    """A compiled CFA row.

    ``cfa_reg``/``cfa_off`` (or ``cfa_expr``) give the CFA; ``regs`` lists
    ``(regno, kind, arg)`` for registers with a rule other than "same value";
    ``ra`` is the return address column; ``signal`` marks a signal trampoline (the
    caller's pc is exact, not a return address).
    """

    __slots__ = ("cfa_expr", "cfa_off", "cfa_reg", "has_expr", "ra", "ra_off", "regs", "signal",
                 "simple")

    def __init__(self, cfa_reg: int, cfa_off: int, cfa_expr: bytes | None,
                 regs: tuple[tuple[int, int, object], ...], ra: int, signal: bool) -> None:
        self.cfa_reg = cfa_reg
        self.cfa_off = cfa_off
        self.cfa_expr = cfa_expr
        self.regs = regs
        self.ra = ra
        self.signal = signal
        # Fast path: CFA = reg + off, return address at CFA + ra_off, no other rule
        # but offsets (the shape of almost every frame).
        self.has_expr = any(k in (EXPRESSION, VAL_EXPRESSION) for _, k, _ in regs)
        self.ra_off: int | None = None
        self.simple = cfa_expr is None and all(k == OFFSET for _, k, _ in regs)
        for r, k, a in regs:
            if r == ra and k == OFFSET:
                self.ra_off = a  # type: ignore[assignment]
        if self.ra_off is None:
            self.simple = False

    def __repr__(self) -> str:
        cfa = f"r{self.cfa_reg}{self.cfa_off:+d}" if self.cfa_expr is None else "expr"
        return f"<Rule cfa={cfa} regs={self.regs} ra=r{self.ra}{' S' if self.signal else ''}>"


class _CIE:
    __slots__ = ("addr_size", "code_align", "data_align", "fde_enc", "init", "ra", "signal",
                 "z")

    def __init__(self) -> None:
        self.code_align = 1
        self.data_align = 1
        self.ra = 16
        self.fde_enc = 0  # DW_EH_PE_absptr
        self.signal = False
        self.z = False
        self.init = b""
        self.addr_size = 8


# DW_EH_PE_udata2/4/8 and sdata2/4/8: struct code and size (absptr depends on the class)
_PTR_FIXED = {0x02: ("H", 2), 0x03: ("I", 4), 0x04: ("Q", 8),
              0x0A: ("h", 2), 0x0B: ("i", 4), 0x0C: ("q", 8)}


class CFITable:
    """The CFI of one section (``.eh_frame`` or ``.debug_frame``) of one ELF image.

    ``addr`` is the section's link-time address (for pc-relative pointers);
    ``hdr``/``hdr_addr`` the optional ``.eh_frame_hdr``; ``text_base``/``data_base``
    for textrel/datarel encodings.
    """

    def __init__(self, data: bytes, addr: int, *, is_eh: bool, hdr: bytes | None = None,
                 hdr_addr: int = 0, ptr_size: int = 8, little: bool = True,
                 got_addr: int = 0, clock: Clock | None = None) -> None:
        self.data = data
        #: the module's clock, for CFA programs long enough to need one
        self.clock = clock
        self.addr = addr
        self.is_eh = is_eh
        self.ptr_size = ptr_size
        self.e = "<" if little else ">"
        self.got_addr = got_addr
        self._cies: dict[int, _CIE] = {}
        self.starts: array[int] = array("Q")
        self.fdes: array[int] = array("Q")  # section offsets of FDEs, parallel to starts
        self._hdr_addr = hdr_addr
        built = False
        if hdr is not None and is_eh:
            try:
                built = self._index_from_hdr(hdr, hdr_addr)
            except Interrupted:
                raise
            except (IndexError, struct.error, ParseError):
                built = False
        if not built:
            self._index_by_scan()

    # -- pointer encodings -------------------------------------------------------------
    def _read_ptr(self, buf: bytes, pos: int, enc: int, buf_addr: int) -> tuple[int, int]:
        """Decode a DW_EH_PE-encoded pointer at ``buf[pos]`` (``buf`` lives at buf_addr)."""
        if enc == 0xFF:
            return 0, pos
        fmt = enc & 0x0F
        app = enc & 0x70
        start = pos
        e = self.e
        fixed = _PTR_FIXED.get(fmt) if fmt else ("Q", 8) if self.ptr_size == 8 else ("I", 4)
        if fixed is not None:
            val = struct.unpack_from(e + fixed[0], buf, pos)[0]
            pos += fixed[1]
        elif fmt == 0x01:
            val, pos = _uleb(buf, pos)
        elif fmt == 0x09:
            val, pos = _sleb(buf, pos)
        else:
            raise CFIError(f"unknown pointer encoding {enc:#x}")
        if app == 0x10:  # pcrel
            val += buf_addr + start
        elif app == 0x30:  # datarel
            val += self._hdr_addr if buf is not self.data else self.got_addr
        elif app not in (0x00, 0x20, 0x40, 0x50):
            raise CFIError(f"unknown pointer application {enc:#x}")
        return val & 0xFFFFFFFFFFFFFFFF, pos

    # -- index -----------------------------------------------------------------------
    def _index_from_hdr(self, hdr: bytes, hdr_addr: int) -> bool:
        if len(hdr) < 4 or hdr[0] != 1:
            return False
        eh_ptr_enc, count_enc, table_enc = hdr[1], hdr[2], hdr[3]
        pos = 4
        _eh, pos = self._read_ptr(hdr, pos, eh_ptr_enc, hdr_addr)
        if count_enc == 0xFF or table_enc == 0xFF:
            return False
        count, pos = self._read_ptr(hdr, pos, count_enc, hdr_addr)
        if table_enc != 0x3B:  # datarel|sdata4: the only encoding linkers emit
            return False
        n = len(self.data)
        if pos + 8 * count > len(hdr) or count > n // 16:  # an FDE takes 16 bytes or more
            return False
        vals = memoryview(hdr)[pos : pos + 8 * count].cast("B").cast("i")
        if (self.e == "<") != (struct.pack("=i", 1)[0] == 1):  # not this machine's order
            swapped = array("i", vals)
            swapped.byteswap()
            vals = memoryview(swapped)
        starts: array[int] = array("Q")
        offsets: array[int] = array("q")
        mask = 0xFFFFFFFFFFFFFFFF
        base = hdr_addr - self.addr
        for at in range(0, 2 * count, 2 * CHECK_EVERY):  # in chunks, checking the time
            check()
            starts.extend((v + hdr_addr) & mask for v in vals[at : at + 2 * CHECK_EVERY : 2])
            offsets.extend(v + base for v in vals[at + 1 : at + 2 * CHECK_EVERY : 2])
        # A corrupt table (unsorted, or pointing outside .eh_frame) would lose the
        # module's CFI: the caller scans .eh_frame instead.
        if (offsets and not 0 <= min(offsets) <= max(offsets) < n) or any(
                a > b for a, b in itertools.pairwise(starts)):
            return False
        self.starts, self.fdes = starts, array("Q", offsets)
        return True

    def _index_by_scan(self) -> None:
        data = self.data
        pos = 0
        entries: list[tuple[int, int]] = []
        n = len(data)
        e = self.e
        mark = CHECK_EVERY
        while pos + 4 <= n:
            if pos >= mark:
                check()
                mark = pos + CHECK_EVERY
            length = struct.unpack_from(e + "I", data, pos)[0]
            hdr = 4
            if length == 0:
                if self.is_eh:
                    break  # terminator
                pos += 4
                continue
            if length == 0xFFFFFFFF:
                length = struct.unpack_from(e + "Q", data, pos + 4)[0]
                hdr = 12
            end = pos + hdr + length
            if end > n:
                break
            id_pos = pos + hdr
            try:
                if hdr == 12:
                    cie_id = struct.unpack_from(e + "Q", data, id_pos)[0]
                    is_cie = cie_id == (0 if self.is_eh else 0xFFFFFFFFFFFFFFFF)
                else:
                    cie_id = struct.unpack_from(e + "I", data, id_pos)[0]
                    is_cie = cie_id == (0 if self.is_eh else 0xFFFFFFFF)
                if not is_cie:
                    start, _rng, _cie, _ipos = self._fde_head(pos)
                    if start:
                        entries.append((start, pos))
            except Interrupted:
                raise
            except (IndexError, struct.error, ParseError):
                pass
            pos = end
        entries.sort()
        self.starts = array("Q", [s for s, _ in entries])
        self.fdes = array("Q", [o for _, o in entries])

    # -- parsing -----------------------------------------------------------------------
    def _cie_at(self, off: int) -> _CIE:
        cie = self._cies.get(off)
        if cie is not None:
            return cie
        data, e = self.data, self.e
        length, off_size, pos = initial_length(data, off, e)
        end = pos + length
        pos += off_size  # CIE id
        cie = _CIE()
        cie.addr_size = self.ptr_size
        version = data[pos]
        pos += 1
        aug_end = data.index(b"\0", pos)
        aug = data[pos:aug_end].decode("latin-1")
        pos = aug_end + 1
        if "eh" in aug:
            pos += self.ptr_size
        if version >= 4:
            cie.addr_size = data[pos]
            pos += 2  # address_size, segment_selector_size
        cie.code_align, pos = _uleb(data, pos)
        cie.data_align, pos = _sleb(data, pos)
        if version == 1:
            cie.ra = data[pos]
            pos += 1
        else:
            cie.ra, pos = _uleb(data, pos)
        if aug.startswith("z"):
            cie.z = True
            alen, pos = _uleb(data, pos)
            apos, aend = pos, pos + alen
            for ch in aug[1:]:
                if ch == "L":
                    apos += 1
                elif ch == "P":
                    penc = data[apos]
                    _p, apos = self._read_ptr(data, apos + 1, penc, self.addr)
                elif ch == "R":
                    cie.fde_enc = data[apos]
                    apos += 1
                elif ch == "S":
                    cie.signal = True
                elif ch in "BG":
                    pass
                else:
                    break
            pos = aend
        elif aug not in ("", "eh"):
            raise CFIError(f"unknown CIE augmentation {aug!r}")
        if not self.is_eh and cie.addr_size == 4:
            cie.fde_enc = 0x03
        cie.init = data[pos:end]
        self._cies[off] = cie
        return cie

    def _fde_head(self, off: int) -> tuple[int, int, _CIE, int]:
        """(pc_begin, pc_range, cie, position of the instructions) of the FDE at ``off``."""
        data, e = self.data, self.e
        length = struct.unpack_from(e + "I", data, off)[0]
        pos = off + 4
        if length == 0xFFFFFFFF:
            pos += 8
            cie_ptr = struct.unpack_from(e + "Q", data, pos)[0]
            id_pos = pos
            pos += 8
        else:
            cie_ptr = struct.unpack_from(e + "I", data, pos)[0]
            id_pos = pos
            pos += 4
        cie_off = id_pos - cie_ptr if self.is_eh else cie_ptr
        cie = self._cie_at(cie_off)
        if not self.is_eh and cie.fde_enc == 0:
            fmt = e + ("Q" if cie.addr_size == 8 else "I")
            start = struct.unpack_from(fmt, data, pos)[0]
            rng = struct.unpack_from(fmt, data, pos + cie.addr_size)[0]
            pos += 2 * cie.addr_size
        else:
            start, pos = self._read_ptr(data, pos, cie.fde_enc, self.addr)
            rng, pos = self._read_ptr(data, pos, cie.fde_enc & 0x0F, self.addr)
        if cie.z:
            alen, pos = _uleb(data, pos)
            pos += alen
        return start, rng, cie, pos

    def _fde_end(self, off: int) -> int:
        length, _size, pos = initial_length(self.data, off, self.e)
        return int(pos + length)

    def rule_for(self, pc: int) -> Rule | None:
        """The unwind rule at link-time address ``pc`` (None: no FDE covers it).
        Raises only :class:`~.limits.Interrupted` (a long CFA program out of time)."""
        i = bisect.bisect_right(self.starts, pc) - 1
        while i >= 0:
            off = self.fdes[i]
            try:
                start, rng, cie, ipos = self._fde_head(off)
            except (IndexError, struct.error, ValueError):
                return None
            if start <= pc < start + rng:
                try:
                    insns = self.data[ipos : self._fde_end(off)]
                    if self.clock is None or len(insns) + len(cie.init) < CHECK_EVERY:
                        return self._run(cie, insns, start, pc)
                    with self.clock:
                        return self._run(cie, insns, start, pc)
                except Interrupted:
                    raise
                except (IndexError, struct.error, ValueError):
                    return None
            if i == 0 or self.starts[i - 1] != self.starts[i]:
                return None
            i -= 1  # several FDEs at one address (rare): try each
        return None

    # -- the CFA program -------------------------------------------------------------
    def _run(self, cie: _CIE, insns: bytes, start: int, pc: int) -> Rule:
        state: dict[int, tuple[int, object]] = {}
        cfa: list[object] = [7, 0, None]  # reg, offset, expr
        self._exec(cie, cie.init, state, cfa, 0, -1, None)
        initial = dict(state)
        self._exec(cie, insns, state, cfa, start, pc, initial)
        regs = tuple(sorted((r, k, a) for r, (k, a) in state.items() if k != SAME))
        cfa_reg, cfa_off, cfa_expr = cfa
        return Rule(int(cfa_reg) if cfa_expr is None else -1,  # type: ignore[call-overload]
                    int(cfa_off),  # type: ignore[call-overload]
                    cfa_expr, regs, cie.ra, cie.signal)  # type: ignore[arg-type]

    def _exec(self, cie: _CIE, code: bytes, state: dict[int, tuple[int, object]],
              cfa: list[object], loc: int, pc: int,
              initial: dict[int, tuple[int, object]] | None) -> None:
        pos = 0
        n = len(code)
        ca, da = cie.code_align, cie.data_align
        stack: list[tuple[dict[int, tuple[int, object]], list[object]]] = []
        e = self.e
        track = pc >= 0
        mark = CHECK_EVERY
        copied = 0  # register rules copied by remember/restore_state since the last check
        while pos < n:
            if pos >= mark:
                check()
                if len(state) > MAX_REGISTERS:  # one op adds one: bounded memory
                    raise CFIError("a CFA program with rules for too many registers")
                mark = pos + CHECK_EVERY
            op = code[pos]
            pos += 1
            hi = op & 0xC0
            if hi == 0x40:  # advance_loc
                loc += (op & 0x3F) * ca
                if track and loc > pc:
                    return
                continue
            if hi == 0x80:  # offset
                off, pos = _uleb(code, pos)
                state[op & 0x3F] = (OFFSET, off * da)
                continue
            if hi == 0xC0:  # restore
                self._restore(op & 0x3F, state, initial)
                continue
            if op == 0x00:  # nop
                continue
            if op == 0x01:  # set_loc
                loc, pos = self._read_ptr(code, pos, cie.fde_enc, 0)
            elif op in (0x02, 0x03, 0x04):
                size = {2: 1, 3: 2, 4: 4}[op]
                delta = int.from_bytes(code[pos : pos + size], "little" if e == "<" else "big")
                pos += size
                loc += delta * ca
            elif op == 0x05:  # offset_extended
                r, pos = _uleb(code, pos)
                off, pos = _uleb(code, pos)
                state[r] = (OFFSET, off * da)
                continue
            elif op == 0x06:  # restore_extended
                r, pos = _uleb(code, pos)
                self._restore(r, state, initial)
                continue
            elif op == 0x07:  # undefined
                r, pos = _uleb(code, pos)
                state[r] = (UNDEFINED, None)
                continue
            elif op == 0x08:  # same_value
                r, pos = _uleb(code, pos)
                state[r] = (SAME, None)
                continue
            elif op == 0x09:  # register
                r, pos = _uleb(code, pos)
                r2, pos = _uleb(code, pos)
                state[r] = (REGISTER, r2)
                continue
            elif op == 0x0A:  # remember_state
                # a copy of the state: a cost the bytes do not bound, counted apart
                copied += len(state) + 1
                if copied > CHECK_EVERY:
                    check()
                    copied = 0
                if len(stack) >= MAX_REMEMBERED:  # each copy costs memory: bounded
                    raise CFIError("DW_CFA_remember_state nested too deep")
                stack.append((dict(state), list(cfa)))
                continue
            elif op == 0x0B:  # restore_state
                if stack:
                    saved, scfa = stack.pop()
                    copied += len(saved) + 1
                    if copied > CHECK_EVERY:
                        check()
                        copied = 0
                    state.clear()
                    state.update(saved)
                    cfa[:] = scfa
                continue
            elif op == 0x0C:  # def_cfa
                r, pos = _uleb(code, pos)
                off, pos = _uleb(code, pos)
                cfa[:] = [r, off, None]
                continue
            elif op == 0x0D:  # def_cfa_register
                r, pos = _uleb(code, pos)
                cfa[0] = r
                cfa[2] = None
                continue
            elif op == 0x0E:  # def_cfa_offset
                off, pos = _uleb(code, pos)
                cfa[1] = off
                continue
            elif op == 0x0F:  # def_cfa_expression
                ln, pos = _uleb(code, pos)
                cfa[2] = bytes(code[pos : pos + ln])
                pos += ln
                continue
            elif op in (0x10, 0x16):  # expression, val_expression
                r, pos = _uleb(code, pos)
                ln, pos = _uleb(code, pos)
                state[r] = (EXPRESSION if op == 0x10 else VAL_EXPRESSION,
                            bytes(code[pos : pos + ln]))
                pos += ln
                continue
            elif op == 0x11:  # offset_extended_sf
                r, pos = _uleb(code, pos)
                soff, pos = _sleb(code, pos)
                state[r] = (OFFSET, soff * da)
                continue
            elif op == 0x12:  # def_cfa_sf
                r, pos = _uleb(code, pos)
                soff, pos = _sleb(code, pos)
                cfa[:] = [r, soff * da, None]
                continue
            elif op == 0x13:  # def_cfa_offset_sf
                soff, pos = _sleb(code, pos)
                cfa[1] = soff * da
                continue
            elif op in (0x14, 0x15):  # val_offset, val_offset_sf
                r, pos = _uleb(code, pos)
                if op == 0x14:
                    off, pos = _uleb(code, pos)
                else:
                    off, pos = _sleb(code, pos)
                state[r] = (VAL_OFFSET, off * da)
                continue
            elif op == 0x2D:  # GNU_window_save / AARCH64_negate_ra_state: nothing to do
                continue
            elif op == 0x2E:  # GNU_args_size
                _a, pos = _uleb(code, pos)
                continue
            elif op == 0x2F:  # GNU_negative_offset_extended
                r, pos = _uleb(code, pos)
                off, pos = _uleb(code, pos)
                state[r] = (OFFSET, -off * da)
                continue
            else:
                raise CFIError(f"unknown CFA opcode {op:#x}")
            if track and loc > pc:
                return

    @staticmethod
    def _restore(r: int, state: dict[int, tuple[int, object]],
                 initial: dict[int, tuple[int, object]] | None) -> None:
        if initial is not None and r in initial:
            state[r] = initial[r]
        else:
            state.pop(r, None)


def eval_expr(expr: bytes, get_reg: Callable[[int], int | None],
              read_word: Callable[[int], int | None], push: int | None = None,
              ) -> int | None:
    """Evaluate a DWARF expression as CFI uses them; None when something is unknown."""
    stack: list[int] = [] if push is None else [push]
    pos = 0
    n = len(expr)
    mask = 0xFFFFFFFFFFFFFFFF
    steps = 0
    while pos < n:
        steps += 1
        if steps > 1000:
            return None
        op = expr[pos]
        pos += 1
        if 0x30 <= op <= 0x4F:  # lit
            stack.append(op - 0x30)
        elif 0x70 <= op <= 0x8F or op == 0x92:  # breg, bregx
            if op == 0x92:
                reg, pos = _uleb(expr, pos)
            else:
                reg = op - 0x70
            off, pos = _sleb(expr, pos)
            v = get_reg(reg)
            if v is None:
                return None
            stack.append((v + off) & mask)
        elif 0x50 <= op <= 0x6F or op == 0x90:  # reg, regx (its value)
            if op == 0x90:
                reg, pos = _uleb(expr, pos)
            else:
                reg = op - 0x50
            v = get_reg(reg)
            if v is None:
                return None
            stack.append(v)
        elif op == 0x03:  # addr
            stack.append(struct.unpack_from("<Q", expr, pos)[0])
            pos += 8
        elif op in (0x06, 0x94):  # deref, deref_size
            size = 8
            if op == 0x94:
                size = expr[pos]
                pos += 1
            v = read_word(stack.pop())
            if v is None:
                return None
            if size < 8:
                v &= (1 << (8 * size)) - 1
            stack.append(v)
        elif op in (0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F):  # constNu/s
            size = {0x08: 1, 0x09: 1, 0x0A: 2, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8, 0x0F: 8}[op]
            signed = op & 1
            stack.append(int.from_bytes(expr[pos : pos + size], "little", signed=bool(signed))
                         & mask)
            pos += size
        elif op == 0x10:  # constu
            v, pos = _uleb(expr, pos)
            stack.append(v & mask)
        elif op == 0x11:  # consts
            v, pos = _sleb(expr, pos)
            stack.append(v & mask)
        elif op == 0x12:  # dup
            stack.append(stack[-1])
        elif op == 0x13:  # drop
            stack.pop()
        elif op == 0x14:  # over
            stack.append(stack[-2])
        elif op == 0x15:  # pick
            stack.append(stack[-1 - expr[pos]])
            pos += 1
        elif op == 0x16:  # swap
            stack[-1], stack[-2] = stack[-2], stack[-1]
        elif op == 0x17:  # rot
            stack[-1], stack[-2], stack[-3] = stack[-2], stack[-3], stack[-1]
        elif op == 0x23:  # plus_uconst
            v, pos = _uleb(expr, pos)
            stack.append((stack.pop() + v) & mask)
        elif op == 0x2F:  # skip
            off = int.from_bytes(expr[pos : pos + 2], "little", signed=True)
            pos += 2 + off
        elif op == 0x28:  # bra
            off = int.from_bytes(expr[pos : pos + 2], "little", signed=True)
            pos += 2
            if stack.pop() != 0:
                pos += off
        elif op == 0x96:  # nop
            pass
        elif op in _BINOPS:
            b = stack.pop()
            a = stack.pop()
            r = _binop(op, a, b)
            if r is None:
                return None
            stack.append(r & mask)
        elif op in (0x19, 0x1F, 0x20):  # abs, neg, not
            a = stack.pop()
            sa = a - (1 << 64) if a >> 63 else a
            stack.append((abs(sa) if op == 0x19 else -sa if op == 0x1F else ~a) & mask)
        else:
            return None
    return stack[-1] if stack else None


_BINOPS = frozenset({0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27,
                     0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E})


def _binop(op: int, a: int, b: int) -> int | None:
    sa = a - (1 << 64) if a >> 63 else a
    sb = b - (1 << 64) if b >> 63 else b
    if op == 0x1A:
        return a & b
    if op == 0x1B:
        return None if sb == 0 else int(sa / sb)
    if op == 0x1C:
        return a - b
    if op == 0x1D:
        return None if b == 0 else a % b
    if op == 0x1E:
        return a * b
    if op == 0x21:
        return a | b
    if op == 0x22:
        return a + b
    if op == 0x24:
        return a << b if b < 64 else 0
    if op == 0x25:
        return a >> b
    if op == 0x26:
        return sa >> b
    if op == 0x27:
        return a ^ b
    return int({0x29: sa == sb, 0x2A: sa >= sb, 0x2B: sa > sb, 0x2C: sa <= sb,
                0x2D: sa < sb, 0x2E: sa != sb}[op])
