"""A small, fast reader for the parts of DWARF 2-5 that symbolization needs.

pyelftools (see elf.py) extracts and decompresses the sections; this module walks
their bytes directly: unit headers, abbreviation tables, the DIE tree restricted to
what holds code (subprograms, inlined subroutines, the scopes around them), range
lists, and line programs decoded into sorted ``array`` columns for ``bisect``.
It is several times faster than building pyelftools' DIE and line-entry objects,
which matters for Rust binaries whose standard library CU has 70 000 DIEs.

Everything is lazy per compilation unit: a unit's DIEs are walked and its line
program decoded the first time a pc falls into it.  Malformed input raises
``DwarfError`` (or an IndexError/struct.error), which the symbolizer turns into a
recorded problem.
"""

from __future__ import annotations

import bisect
import os
import struct
from array import array
from typing import Any

from .leb128 import initial_length
from .leb128 import sleb as _sleb
from .leb128 import uleb as _uleb
from .limits import Interrupted, OverBudget, ParseError, check, module_budget, over_memory_note

__all__ = ["CompUnit", "DwarfError", "DwarfInfo", "FuncNode", "LineTable"]


class DwarfError(ParseError):
    """Malformed DWARF."""


#: Bytes of DWARF read between two time checks (limits.check).
CHECK_EVERY = 1 << 16
#: Attributes one abbreviation may list (compilers use a few dozen): every DIE of that
#: abbreviation costs one step per attribute, even those that take no bytes.
MAX_ATTRIBUTES = 1024
#: Bytes of a string-table entry kept (a name of megabytes read at each reference
#: would cost time no byte count bounds).
MAX_STRING = 1 << 16
#: Enclosing namespaces/classes kept in a function's qualified name.
MAX_SCOPES = 64


def _cstr(data: bytes, pos: int) -> tuple[bytes, int]:
    end = data.index(b"\0", pos)
    return data[pos:end], end + 1


def _table_str(data: bytes, off: int) -> bytes | None:
    """The NUL-terminated string at ``off`` of a string table, at most MAX_STRING bytes."""
    if not 0 <= off < len(data):
        return None
    end = data.find(b"\0", off, off + MAX_STRING)
    if end < 0:
        return data[off : off + MAX_STRING]
    return data[off:end]


# Tags
TAG_COMPILE_UNIT = 0x11
TAG_PARTIAL_UNIT = 0x3C
TAG_SKELETON_UNIT = 0x4A
TAG_SUBPROGRAM = 0x2E
TAG_INLINED = 0x1D
TAG_LEXICAL_BLOCK = 0x0B
TAG_NAMESPACE = 0x39
TAG_MODULE = 0x1E
_TYPE_SCOPES = frozenset({0x02, 0x13, 0x17, 0x04})  # class, struct, union, enum
_SCOPES = frozenset({TAG_SUBPROGRAM, TAG_INLINED, TAG_LEXICAL_BLOCK, TAG_NAMESPACE, TAG_MODULE,
                     0x32, 0x25, 0x0A, 0x3B, 0x48,  # try/catch blocks, label, unspecified
                     TAG_COMPILE_UNIT, TAG_PARTIAL_UNIT}) | _TYPE_SCOPES

# Attributes
AT_SIBLING = 0x01
AT_NAME = 0x03
AT_STMT_LIST = 0x10
AT_LOW_PC = 0x11
AT_HIGH_PC = 0x12
AT_COMP_DIR = 0x1B
AT_ABSTRACT_ORIGIN = 0x31
AT_SPECIFICATION = 0x47
AT_RANGES = 0x55
AT_CALL_FILE = 0x58
AT_CALL_LINE = 0x59
AT_LINKAGE_NAME = 0x6E
AT_MIPS_LINKAGE_NAME = 0x2007
AT_STR_OFFSETS_BASE = 0x72
AT_ADDR_BASE = 0x73
AT_RNGLISTS_BASE = 0x74
AT_GNU_ADDR_BASE = 0x2133
AT_GNU_RANGES_BASE = 0x2132
AT_DECLARATION = 0x3C
AT_ENTRY_PC = 0x52

_WALK_ATTRS = frozenset({AT_NAME, AT_LOW_PC, AT_HIGH_PC, AT_ABSTRACT_ORIGIN, AT_SPECIFICATION,
                         AT_RANGES, AT_CALL_FILE, AT_CALL_LINE, AT_LINKAGE_NAME,
                         AT_MIPS_LINKAGE_NAME})
_WANTED = frozenset({AT_NAME, AT_STMT_LIST, AT_LOW_PC, AT_HIGH_PC, AT_COMP_DIR,
                     AT_ABSTRACT_ORIGIN, AT_SPECIFICATION, AT_RANGES, AT_CALL_FILE,
                     AT_CALL_LINE, AT_LINKAGE_NAME, AT_MIPS_LINKAGE_NAME,
                     AT_STR_OFFSETS_BASE, AT_ADDR_BASE, AT_RNGLISTS_BASE, AT_GNU_ADDR_BASE,
                     AT_GNU_RANGES_BASE, AT_SIBLING})

# Forms with a fixed size (in bytes) regardless of the unit.
_FIXED = {0x0B: 1, 0x05: 2, 0x06: 4, 0x07: 8, 0x0C: 1, 0x11: 1, 0x12: 2, 0x13: 4, 0x14: 8,
          0x19: 0, 0x1C: 4, 0x1E: 16, 0x20: 8, 0x21: 0, 0x24: 8, 0x25: 1, 0x26: 2, 0x27: 3,
          0x28: 4, 0x29: 1, 0x2A: 2, 0x2B: 3, 0x2C: 4}
_REF_FORMS = frozenset({0x11, 0x12, 0x13, 0x14, 0x15})
_STRX = {0x1A: 0, 0x25: 1, 0x26: 2, 0x27: 3, 0x28: 4, 0x1F02: 0}
_ADDRX = {0x1B: 0, 0x29: 1, 0x2A: 2, 0x2B: 3, 0x2C: 4, 0x1F01: 0}


class _Abbrev:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: int, children: bool, attrs: tuple[tuple[int, int, int], ...]) -> None:
        self.tag = tag
        self.children = children
        self.attrs = attrs  # (attribute, form, implicit_const)


class _AbbrevTable:
    """An abbreviation table parsed up to the codes asked for so far."""

    __slots__ = ("_data", "_done", "_pos", "_table")

    def __init__(self, data: bytes, off: int) -> None:
        self._data = data
        self._pos = off
        self._done = False
        self._table: dict[int, _Abbrev] = {}

    def get(self, code: int) -> _Abbrev | None:
        got = self._table.get(code)
        if got is None and not self._done:
            got = self._parse_until(code)
        return got

    def _parse_until(self, want: int) -> _Abbrev | None:
        data = self._data
        pos = self._pos
        n = len(data)
        table = self._table
        found = None
        mark = pos + CHECK_EVERY
        while pos < n:
            if pos >= mark:
                check()
                mark = pos + CHECK_EVERY
            code = data[pos]
            if code < 0x80:
                pos += 1
            else:
                code, pos = _uleb(data, pos)
            if code == 0:
                self._done = True
                break
            tag = data[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = _uleb(data, pos)
            children = data[pos] == 1
            pos += 1
            attrs = []
            while True:
                at = data[pos]
                if at < 0x80:
                    pos += 1
                else:
                    at, pos = _uleb(data, pos)
                form = data[pos]
                if form < 0x80:
                    pos += 1
                else:
                    form, pos = _uleb(data, pos)
                implicit = 0
                if form == 0x21:
                    implicit, pos = _sleb(data, pos)
                if at == 0 and form == 0:
                    break
                attrs.append((at, form, implicit))
                if len(attrs) > MAX_ATTRIBUTES:
                    raise DwarfError(f"abbreviation {code} lists over {MAX_ATTRIBUTES} "
                                     "attributes")
            ab = table[code] = _Abbrev(tag, children, tuple(attrs))
            if code == want:
                found = ab
                break
        else:
            self._done = True
        self._pos = pos
        return found


class FuncNode:
    """A subprogram or inlined subroutine with code: where it is, what it is called,
    and (for an inlined one) the file and line of its call."""

    __slots__ = ("call_file", "call_line", "children", "name_ref", "ranges")

    def __init__(self, ranges: list[tuple[int, int]], name_ref: int,
                 call_file: int, call_line: int) -> None:
        self.ranges = ranges
        self.name_ref = name_ref  # offset of the DIE that names it
        self.call_file = call_file
        self.call_line = call_line
        self.children: list[FuncNode] = []

    def contains(self, pc: int) -> bool:
        return any(lo <= pc < hi for lo, hi in self.ranges)


class LineTable:
    """A unit's line program decoded into sorted columns."""

    __slots__ = ("addrs", "ends", "files", "lines")

    def __init__(self) -> None:
        self.addrs: array[int] = array("Q")
        self.lines: array[int] = array("L")
        self.files: array[int] = array("L")
        self.ends = bytearray()  # 1 where a row ends a sequence

    def lookup(self, pc: int) -> tuple[int, int] | None:
        """(file index, line) of the row covering ``pc``."""
        i = bisect.bisect_right(self.addrs, pc) - 1
        if i < 0 or self.ends[i]:
            return None
        return self.files[i], self.lines[i]


class CompUnit:
    """One compilation unit: header facts, then lazily its functions and lines."""

    def __init__(self, info: DwarfInfo, offset: int, version: int, off_size: int,
                 addr_size: int, abbrev_off: int, die_start: int, end: int) -> None:
        self.info = info
        self.offset = offset
        self.version = version
        self.off_size = off_size
        self.addr_size = addr_size
        self.abbrev_off = abbrev_off
        self.die_start = die_start
        self.end = end
        self.name = ""
        self.comp_dir = ""
        self.stmt_list: int | None = None
        self.low_pc = 0
        self.ranges: list[tuple[int, int]] = []
        self.str_offsets_base = 8 if version >= 5 else 0
        self.addr_base = 8 if version >= 5 else 0
        self.rnglists_base = 12 if version >= 5 else 0
        self._abbrevs: _AbbrevTable | None = None
        self._top: bool | None = None
        self._funcs: list[tuple[int, int, FuncNode]] | None = None
        self._func_starts: list[int] = []
        # subprogram DIE -> (name, linkage name (both maybe lazy), ref, enclosing scope)
        self._names: dict[int, tuple[Any, Any, int, tuple[str, ...]]] = {}
        self._lines: LineTable | None = None
        self._files: list[str] | None = None
        self._line_version = 0

    # -- abbreviations, attribute values ----------------------------------------------
    @property
    def abbrevs(self) -> _AbbrevTable:
        if self._abbrevs is None:
            self._abbrevs = self.info.abbrev_table(self.abbrev_off)
        return self._abbrevs

    def _value(self, form: int, pos: int, implicit: int) -> tuple[Any, int]:
        """(value, next position) of an attribute; strings come back as bytes."""
        data = self.info.debug_info
        if form == 0x01:  # addr
            return int.from_bytes(data[pos : pos + self.addr_size], "little"), pos + self.addr_size
        size = _FIXED.get(form)
        if size is not None:
            if form == 0x21:
                return implicit, pos
            if form == 0x19:
                return 1, pos
            v = int.from_bytes(data[pos : pos + size], "little")
            if form in _STRX:
                return self._strx(v), pos + size
            if form in _ADDRX:
                return self._addrx(v), pos + size
            if form in _REF_FORMS:
                v += self.offset
            return v, pos + size
        if form in (0x0E, 0x1F, 0x17, 0x10, 0x1D, 0x1F20, 0x1F21):  # strp, line_strp, ...
            osz = self.off_size if (form != 0x10 or self.version >= 3) else self.addr_size
            v = int.from_bytes(data[pos : pos + osz], "little")
            pos += osz
            if form == 0x0E:
                return self.info.str_at(v), pos
            if form == 0x1F:
                return self.info.line_str_at(v), pos
            return v, pos  # ref_addr (absolute), sec_offset, alt references
        if form == 0x08:  # string
            return _cstr(data, pos)
        if form in (0x0F, 0x15, 0x1A, 0x1B, 0x22, 0x23, 0x1F01, 0x1F02):  # uleb forms
            v, pos = _uleb(data, pos)
            if form == 0x15:
                v += self.offset
            elif form in _STRX:
                return self._strx(v), pos
            elif form in _ADDRX:
                return self._addrx(v), pos
            elif form == 0x23:
                return ("rnglistx", v), pos
            return v, pos
        if form == 0x0D:
            return _sleb(data, pos)
        if form in (0x09, 0x18):  # block, exprloc
            n, pos = _uleb(data, pos)
            return None, pos + n
        if form == 0x0A:
            return None, pos + 1 + data[pos]
        if form == 0x03:
            return None, pos + 2 + int.from_bytes(data[pos : pos + 2], "little")
        if form == 0x04:
            return None, pos + 4 + int.from_bytes(data[pos : pos + 4], "little")
        if form == 0x16:  # indirect
            real, pos = _uleb(data, pos)
            return self._value(real, pos, implicit)
        raise DwarfError(f"unknown DWARF form {form:#x}")

    def _strx(self, index: int) -> bytes | None:
        off = self.info.str_offset(self.str_offsets_base + index * self.off_size, self.off_size)
        return None if off is None else self.info.str_at(off)

    def _addrx(self, index: int) -> int:
        return self.info.addr_at(self.addr_base + index * self.addr_size, self.addr_size)

    def _attrs(self, pos: int) -> tuple[_Abbrev | None, dict[int, Any], int]:
        """The abbreviation, wanted attributes and end of the DIE at ``pos``."""
        code, pos = _uleb(self.info.debug_info, pos)
        if code == 0:
            return None, {}, pos
        ab = self.abbrevs.get(code)
        if ab is None:
            raise DwarfError(f"unknown abbreviation {code} at {pos:#x}")
        out: dict[int, Any] = {}
        value = self._value
        for at, form, implicit in ab.attrs:
            v, pos = value(form, pos, implicit)
            if at in _WANTED:
                out[at] = v
        return ab, out, pos

    # -- the unit DIE -----------------------------------------------------------------
    def ensure_top(self) -> bool:
        """Read the unit DIE once; False if it is unreadable."""
        if self._top is None:
            try:
                self.read_top()
                self._top = True
            except Interrupted:
                raise
            except (IndexError, struct.error, DwarfError, ValueError) as e:
                self._top = False
                self.info.note(f"unit at {self.offset:#x}: {type(e).__name__}: {e}")
        return self._top

    def read_top(self) -> None:
        # The bases first: the other attributes may need them (DW_FORM_strx, addrx).
        raw = self._raw_attrs(self.die_start)
        if AT_STR_OFFSETS_BASE in raw:
            self.str_offsets_base = raw[AT_STR_OFFSETS_BASE]
        if AT_ADDR_BASE in raw or AT_GNU_ADDR_BASE in raw:
            self.addr_base = raw.get(AT_ADDR_BASE, raw.get(AT_GNU_ADDR_BASE, 0))
        if AT_RNGLISTS_BASE in raw:
            self.rnglists_base = raw[AT_RNGLISTS_BASE]
        ab, attrs, _ = self._attrs(self.die_start)
        if ab is None:
            return
        self.name = _s(attrs.get(AT_NAME)) or ""
        self.comp_dir = _s(attrs.get(AT_COMP_DIR)) or ""
        stmt = attrs.get(AT_STMT_LIST)
        self.stmt_list = stmt if isinstance(stmt, int) else None
        low = attrs.get(AT_LOW_PC)
        self.low_pc = low if isinstance(low, int) else 0
        self.ranges = self._ranges(attrs)

    def _raw_attrs(self, pos: int) -> dict[int, int]:
        """Integer attributes of a DIE, without resolving string/address indexes."""
        data = self.info.debug_info
        code, pos = _uleb(data, pos)
        ab = self.abbrevs.get(code)
        out: dict[int, int] = {}
        if ab is None:
            return out
        for at, form, implicit in ab.attrs:
            if form in _STRX or form in _ADDRX:
                size = _STRX.get(form, _ADDRX.get(form, 0))
                if size:
                    pos += size
                else:
                    _v, pos = _uleb(data, pos)
                continue
            v, pos = self._value(form, pos, implicit)
            if isinstance(v, int):
                out[at] = v
        return out

    def _ranges(self, attrs: dict[int, Any]) -> list[tuple[int, int]]:
        low = attrs.get(AT_LOW_PC)
        high = attrs.get(AT_HIGH_PC)
        if isinstance(low, int) and high is not None:
            hi = high if high > low else low + high  # DWARF 4+: high_pc may be a length
            return [(low, hi)] if hi > low else []
        rng = attrs.get(AT_RANGES)
        if rng is not None:
            return self.info.ranges(self, rng)
        return []

    # -- functions --------------------------------------------------------------------
    def _read_plan(self, ab: _Abbrev) -> list[tuple[int, int, int, int, int]]:
        """How to read a DIE we keep: (attribute or -1 to skip, form, implicit, size,
        kind), consecutive skips of fixed size merged into one step; kind 1 is a plain
        little-endian integer of ``size`` bytes, 2 a unit-relative reference, 0 other."""
        plan: list[tuple[int, int, int, int, int]] = []
        for at, form, imp in ab.attrs:
            size = _FIXED.get(form)
            if size is None:
                if form == 0x01:
                    size = self.addr_size
                elif form in (0x0E, 0x1F, 0x17, 0x1D, 0x1F20, 0x1F21) or (
                        form == 0x10 and self.version >= 3):
                    size = self.off_size
            wanted = at in _WALK_ATTRS
            if not wanted and size is not None:
                if plan and plan[-1][0] == -1 and plan[-1][3] >= 0:
                    plan[-1] = (-1, 0, 0, plan[-1][3] + size, 0)
                else:
                    plan.append((-1, 0, 0, size, 0))
            else:
                kind = 0
                if form in (0x01, 0x0B, 0x05, 0x06, 0x07, 0x17):
                    kind = 1
                elif form in (0x11, 0x12, 0x13, 0x14):
                    kind = 2
                plan.append((at if wanted else -1, form, imp, -1 if size is None else size,
                             kind))
        return plan

    def _walk(self) -> None:
        """Collect every subprogram with code and its inlined subroutines.

        DIEs that cannot hold code (types, variables, ...) are skipped without decoding
        their attributes, whole subtrees at once where DW_AT_sibling allows; names are
        kept as raw string references and decoded when a frame asks for one."""
        funcs: list[tuple[int, int, FuncNode]] = []
        names = self._names
        data = self.info.debug_info
        abbrevs = self.abbrevs
        value = self._value
        lazy = self._lazy_value
        pos = self.die_start
        end = self.end
        # one entry per open DIE with children: (nearest enclosing function node, scope)
        stack: list[tuple[FuncNode | None, tuple[str, ...]]] = []
        depth_skip = 0  # >0: inside a subtree we do not care about
        skip: dict[int, int] = {}
        plans: dict[int, list[tuple[int, int, int, int, int]]] = {}
        from_bytes = int.from_bytes
        unit = self.offset
        mark = pos + CHECK_EVERY
        while pos < end:
            if pos >= mark:
                check()
                mark = pos + CHECK_EVERY
            die_off = pos
            code = data[pos]
            if code < 0x80:
                p2 = pos + 1
            else:
                code, p2 = _uleb(data, pos)
            if code == 0:
                pos = p2
                if depth_skip:
                    depth_skip -= 1
                elif stack:
                    stack.pop()
                continue
            ab = abbrevs.get(code)
            if ab is None:
                raise DwarfError(f"unknown abbreviation {code} at {die_off:#x}")
            tag = ab.tag
            if depth_skip or tag not in _SCOPES:
                attrs0 = ab.attrs
                if ab.children and attrs0 and attrs0[0][0] == AT_SIBLING and (
                        attrs0[0][1] in _REF_FORMS):
                    sib, _p = value(attrs0[0][1], p2, 0)
                    if p2 < sib <= end:
                        pos = sib  # the whole subtree at once
                        continue
                sk = skip.get(code, -2)
                if sk == -2:
                    sk = skip[code] = self._skip_size(ab)
                if sk >= 0:
                    pos = p2 + sk
                else:
                    pos = p2
                    for _at, form, implicit in attrs0:
                        size = _FIXED.get(form)
                        if size is not None:
                            pos += size
                        else:
                            _v, pos = value(form, pos, implicit)
                if ab.children:
                    depth_skip += 1
                continue
            plan = plans.get(code)
            if plan is None:
                plan = plans[code] = self._read_plan(ab)
            attrs: dict[int, Any] = {}
            pos = p2
            for at, form, imp, size, kind in plan:
                if at < 0:
                    if size >= 0:
                        pos += size
                    else:
                        _v, pos = value(form, pos, imp)
                elif kind == 1:
                    attrs[at] = from_bytes(data[pos : pos + size], "little")
                    pos += size
                elif kind == 2:
                    attrs[at] = unit + from_bytes(data[pos : pos + size], "little")
                    pos += size
                else:
                    attrs[at], pos = lazy(form, pos, imp)
            parent_node, scope = stack[-1] if stack else (None, ())
            node = None
            new_scope = scope
            if tag in (TAG_SUBPROGRAM, TAG_INLINED):
                if tag == TAG_SUBPROGRAM:
                    ln = attrs.get(AT_LINKAGE_NAME, attrs.get(AT_MIPS_LINKAGE_NAME))
                    ref = attrs.get(AT_SPECIFICATION, attrs.get(AT_ABSTRACT_ORIGIN, -1))
                    names[die_off] = (attrs.get(AT_NAME), ln,
                                      ref if isinstance(ref, int) else -1, scope)
                if AT_LOW_PC in attrs or AT_RANGES in attrs:
                    ranges = self._ranges(attrs)
                    if ranges:
                        name_ref = die_off
                        if tag == TAG_INLINED:
                            origin = attrs.get(AT_ABSTRACT_ORIGIN)
                            name_ref = origin if isinstance(origin, int) else -1
                        cf = attrs.get(AT_CALL_FILE, 0)
                        cl = attrs.get(AT_CALL_LINE, 0)
                        node = FuncNode(ranges, name_ref, cf if isinstance(cf, int) else 0,
                                        cl if isinstance(cl, int) else 0)
                        if tag == TAG_INLINED:
                            if parent_node is not None:
                                parent_node.children.append(node)
                        else:
                            for lo, hi in ranges:
                                funcs.append((lo, hi, node))
            elif tag in (TAG_NAMESPACE, TAG_MODULE) or tag in _TYPE_SCOPES:
                nm = self._str(attrs.get(AT_NAME))
                sname = nm or ("(anonymous namespace)" if tag == TAG_NAMESPACE else None)
                if sname is not None and len(scope) < MAX_SCOPES:
                    new_scope = (*scope, sname)
            if ab.children:
                stack.append((node or parent_node, new_scope))
        funcs.sort(key=lambda f: (f[0], -f[1]))
        self._funcs = funcs
        self._func_starts = [f[0] for f in funcs]

    def _lazy_value(self, form: int, pos: int, implicit: int) -> tuple[Any, int]:
        """Like _value, but strings in string tables stay references (decoded later)."""
        if form == 0x0E or form == 0x1F:  # strp, line_strp
            osz = self.off_size
            return (form, int.from_bytes(self.info.debug_info[pos : pos + osz], "little")), (
                pos + osz)
        if form in _STRX:
            size = _STRX[form]
            if size:
                idx = int.from_bytes(self.info.debug_info[pos : pos + size], "little")
                return (0x1A, idx), pos + size
            idx, pos = _uleb(self.info.debug_info, pos)
            return (0x1A, idx), pos
        return self._value(form, pos, implicit)

    def _str(self, v: Any) -> str | None:
        """Decode a string attribute value (bytes, or a lazy string-table reference)."""
        if isinstance(v, tuple) and len(v) == 2 and v[0] in (0x0E, 0x1F, 0x1A):
            form, off = v
            if form == 0x0E:
                v = self.info.str_at(off)
            elif form == 0x1F:
                v = self.info.line_str_at(off)
            else:
                v = self._strx(off)
        return _s(v)

    def _skip_size(self, ab: _Abbrev) -> int:
        """Total size of a DIE's attributes when fixed for this unit, else -1."""
        total = 0
        for _at, form, _imp in ab.attrs:
            size = _FIXED.get(form)
            if size is None:
                if form == 0x01:
                    size = self.addr_size
                elif form in (0x0E, 0x1F, 0x17, 0x1D, 0x1F20, 0x1F21) or (
                        form == 0x10 and self.version >= 3):
                    size = self.off_size
                else:
                    return -1
            total += size
        return total

    def function_chain(self, pc: int) -> list[FuncNode]:
        """[subprogram, inlined..., innermost inlined] containing ``pc`` (may be empty)."""
        if self._funcs is None:
            self._walk()
        funcs = self._funcs
        assert funcs is not None
        i = bisect.bisect_right(self._func_starts, pc) - 1
        best: FuncNode | None = None
        best_size = 1 << 64
        j = i
        while j >= 0 and i - j < 64:
            lo, hi, node = funcs[j]
            if lo <= pc < hi and hi - lo < best_size:
                best, best_size = node, hi - lo
            j -= 1
        if best is None:
            return []
        chain = [best]
        node = best
        while True:
            for child in node.children:
                if child.contains(pc):
                    chain.append(child)
                    node = child
                    break
            else:
                break
        return chain

    def name_of(self, die_off: int, depth: int = 0) -> str | None:
        """The function name a DIE (or its specification/abstract origin) gives."""
        if die_off < 0 or depth > 8:
            return None
        if self._funcs is None:
            self._walk()
        entry = self._names.get(die_off)
        if entry is None:
            return self.info.name_of(die_off, depth + 1, self)
        nm, linkage, ref, scope = entry
        ln = self._str(linkage)
        if ln:
            from .demangle import demangle

            return demangle(ln)
        if ref >= 0:
            via = self.name_of(ref, depth + 1) if self.offset <= ref < self.end else (
                self.info.name_of(ref, depth + 1, self))
            if via:
                return via
        plain = self._str(nm)
        return "::".join((*scope, plain)) if (scope and plain) else plain

    # -- lines ------------------------------------------------------------------------
    def lines(self) -> LineTable | None:
        if self._lines is None and self.stmt_list is not None:
            self._lines, self._files = self.info.line_program(self, self.stmt_list)
        return self._lines

    def file_name(self, index: int) -> str | None:
        """The path of a line-table file number (DWARF 5 counts from 0, earlier from 1)."""
        if self._files is None:
            self.lines()
        files = self._files
        if files is None:
            return None
        i = index if self._line_version >= 5 else index - 1
        if 0 <= i < len(files):
            return files[i]
        return None


def _s(v: Any) -> str | None:
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, str):
        return v
    return None


class DwarfInfo:
    """The DWARF sections of one ELF image and its units, parsed on demand."""

    def __init__(self, sections: dict[str, bytes | None]) -> None:
        info = sections.get(".debug_info")
        if not info:
            raise DwarfError("no .debug_info")
        self.debug_info: bytes = info
        self.debug_abbrev = sections.get(".debug_abbrev") or b""
        self.debug_str = sections.get(".debug_str") or b""
        self.debug_line_str = sections.get(".debug_line_str") or b""
        self.debug_line = sections.get(".debug_line") or b""
        self.debug_ranges = sections.get(".debug_ranges") or b""
        self.debug_rnglists = sections.get(".debug_rnglists") or b""
        self.debug_addr = sections.get(".debug_addr") or b""
        self.debug_str_offsets = sections.get(".debug_str_offsets") or b""
        self.debug_aranges = sections.get(".debug_aranges") or b""
        self._abbrev_cache: dict[int, _AbbrevTable] = {}
        #: the first damage noticed in a part read lazily (a unit DIE, ...), if any
        self.error: str | None = None
        self.units: list[CompUnit] = []
        self._unit_offsets: list[int] = []
        self._index_starts: list[int] = []
        self._index: list[tuple[int, int, CompUnit]] = []
        self._parse_units()
        self._build_index()

    def note(self, error: str) -> None:
        if self.error is None:
            self.error = error

    # -- sections ---------------------------------------------------------------------
    def str_at(self, off: int) -> bytes | None:
        return _table_str(self.debug_str, off)

    def line_str_at(self, off: int) -> bytes | None:
        return _table_str(self.debug_line_str, off)

    def str_offset(self, pos: int, size: int) -> int | None:
        if 0 <= pos <= len(self.debug_str_offsets) - size:
            return int.from_bytes(self.debug_str_offsets[pos : pos + size], "little")
        return None

    def addr_at(self, pos: int, size: int) -> int:
        if 0 <= pos <= len(self.debug_addr) - size:
            return int.from_bytes(self.debug_addr[pos : pos + size], "little")
        return 0

    def abbrev_table(self, off: int) -> _AbbrevTable:
        got = self._abbrev_cache.get(off)
        if got is None:
            got = self._abbrev_cache[off] = _AbbrevTable(self.debug_abbrev, off)
        return got

    # -- units ------------------------------------------------------------------------
    def _parse_units(self) -> None:
        data = self.debug_info
        pos = 0
        n = len(data)
        mark = CHECK_EVERY
        while pos + 11 <= n:
            if pos >= mark:
                check()
                if len(self.units) * _UNIT_BYTES > module_budget():  # 12-byte units
                    raise OverBudget(f"over {len(self.units)} units: {over_memory_note()}")
                mark = pos + CHECK_EVERY
            start = pos
            length, off_size, pos = initial_length(data, pos)
            if off_size == 4 and length >= 0xFFFFFFF0:
                raise DwarfError("bad unit length")
            end = pos + length
            if end > n or length < 7:
                raise DwarfError(f"unit at {start:#x} runs past the end of .debug_info")
            version = struct.unpack_from("<H", data, pos)[0]
            pos += 2
            if not 2 <= version <= 5:
                raise DwarfError(f"unsupported DWARF version {version}")
            if version >= 5:
                unit_type = data[pos]
                addr_size = data[pos + 1]
                pos += 2
                abbrev_off = int.from_bytes(data[pos : pos + off_size], "little")
                pos += off_size
                if unit_type in (4, 5):  # skeleton, split_compile
                    pos += 8
                elif unit_type in (2, 6):  # type units
                    pos += 8 + off_size
            else:
                abbrev_off = int.from_bytes(data[pos : pos + off_size], "little")
                pos += off_size
                addr_size = data[pos]
                pos += 1
            if addr_size not in (4, 8):
                raise DwarfError(f"bad address size {addr_size}")
            cu = CompUnit(self, start, version, off_size, addr_size, abbrev_off, pos, end)
            self.units.append(cu)
            self._unit_offsets.append(start)
            pos = end

    def unit_at(self, die_off: int) -> CompUnit | None:
        i = bisect.bisect_right(self._unit_offsets, die_off) - 1
        if i >= 0 and die_off < self.units[i].end:
            return self.units[i]
        return None

    def _build_index(self) -> None:
        """pc ranges -> unit, from .debug_aranges where present.  The units it does not
        cover are indexed by their unit DIE's ranges, on the first pc aranges misses
        (reading every unit DIE of a big library costs a second)."""
        entries: list[tuple[int, int, CompUnit]] = []
        covered: set[int] = set()
        try:
            for lo, hi, cu_off in self._aranges():
                cu = self.unit_at(cu_off)
                if cu is not None and hi > lo:
                    entries.append((lo, hi, cu))
                    covered.add(cu.offset)
        except Interrupted:
            raise
        except (IndexError, struct.error, ParseError):
            entries, covered = [], set()
        self._covered = covered
        self._set_index(entries)
        self._rest_indexed = False
        if not entries:
            self._index_rest()

    def _set_index(self, entries: list[tuple[int, int, CompUnit]]) -> None:
        entries.sort(key=lambda e: (e[0], e[1]))
        self._index = entries
        self._index_starts = [e[0] for e in entries]

    def _index_rest(self) -> None:
        self._rest_indexed = True
        entries = list(self._index)
        for i, cu in enumerate(self.units):
            if not i & 0x3FF:
                check()
            if cu.offset in self._covered:
                continue
            if not cu.ensure_top():
                continue
            for lo, hi in cu.ranges:
                entries.append((lo, hi, cu))
        self._set_index(entries)

    def _aranges(self) -> list[tuple[int, int, int]]:
        data = self.debug_aranges
        out = []
        pos = 0
        mark = CHECK_EVERY
        while pos + 12 <= len(data):
            unit_start = pos
            length, off_size, pos = initial_length(data, pos)
            end = pos + length
            pos += 2  # version
            cu_off = int.from_bytes(data[pos : pos + off_size], "little")
            pos += off_size
            asize = data[pos]
            ssize = data[pos + 1]
            pos += 2
            if asize not in (4, 8):
                raise DwarfError("bad .debug_aranges")
            tuple_size = 2 * asize + ssize
            pos += (-(pos - unit_start)) % tuple_size  # tuples are aligned in the unit
            while pos + tuple_size <= end:
                if pos >= mark:
                    check()
                    mark = pos + CHECK_EVERY
                pos += ssize
                a = int.from_bytes(data[pos : pos + asize], "little")
                ln = int.from_bytes(data[pos + asize : pos + 2 * asize], "little")
                pos += 2 * asize
                if a == 0 and ln == 0:
                    break
                if a:
                    out.append((a, a + ln, cu_off))
            pos = end
        return out

    def unit_for_pc(self, pc: int) -> CompUnit | None:
        cu = self._unit_for_pc(pc)
        if cu is None and not self._rest_indexed:
            self._index_rest()
            cu = self._unit_for_pc(pc)
        return cu

    def _unit_for_pc(self, pc: int) -> CompUnit | None:
        i = bisect.bisect_right(self._index_starts, pc) - 1
        best = None
        j = i
        while j >= 0 and i - j < 32:
            lo, hi, cu = self._index[j]
            if lo <= pc < hi:
                best = cu
                break
            j -= 1
        if best is not None and not best.ensure_top():
            return None
        return best

    def name_of(self, die_off: int, depth: int, frm: CompUnit) -> str | None:
        """Name of a DIE in any unit (cross-unit references: DW_FORM_ref_addr)."""
        cu = self.unit_at(die_off)
        if cu is None:
            return None
        if cu is frm:
            # a DIE that the walk skipped (e.g. a declaration inside a type): read it
            try:
                _ab, attrs, _ = cu._attrs(die_off)
            except (IndexError, struct.error, ParseError):
                return None
            ln = _s(attrs.get(AT_LINKAGE_NAME, attrs.get(AT_MIPS_LINKAGE_NAME)))
            if ln:
                from .demangle import demangle

                return demangle(ln)
            ref = attrs.get(AT_SPECIFICATION, attrs.get(AT_ABSTRACT_ORIGIN))
            if isinstance(ref, int) and depth < 8 and ref != die_off:
                via = cu.name_of(ref, depth + 1)
                if via:
                    return via
            return _s(attrs.get(AT_NAME))
        return cu.name_of(die_off, depth + 1)

    # -- ranges -----------------------------------------------------------------------
    def ranges(self, cu: CompUnit, value: Any) -> list[tuple[int, int]]:
        base = cu.low_pc
        out: list[tuple[int, int]] = []
        if isinstance(value, tuple):  # rnglistx
            index = value[1]
            pos = cu.rnglists_base + index * cu.off_size
            off = int.from_bytes(self.debug_rnglists[pos : pos + cu.off_size], "little")
            value = cu.rnglists_base + off
        if not isinstance(value, int):
            return out
        if cu.version >= 5:
            data = self.debug_rnglists
            pos = value
            asz = cu.addr_size
            for k in range(100000):
                if not k & 0xFFF:
                    check()
                if pos >= len(data):
                    break
                kind = data[pos]
                pos += 1
                if kind == 0:  # end_of_list
                    break
                if kind == 1:  # base_addressx
                    i, pos = _uleb(data, pos)
                    base = cu._addrx(i)
                elif kind == 2:  # startx_endx
                    a, pos = _uleb(data, pos)
                    b, pos = _uleb(data, pos)
                    out.append((cu._addrx(a), cu._addrx(b)))
                elif kind == 3:  # startx_length
                    a, pos = _uleb(data, pos)
                    ln, pos = _uleb(data, pos)
                    s = cu._addrx(a)
                    out.append((s, s + ln))
                elif kind == 4:  # offset_pair
                    a, pos = _uleb(data, pos)
                    b, pos = _uleb(data, pos)
                    out.append((base + a, base + b))
                elif kind == 5:  # base_address
                    base = int.from_bytes(data[pos : pos + asz], "little")
                    pos += asz
                elif kind == 6:  # start_end
                    a = int.from_bytes(data[pos : pos + asz], "little")
                    b = int.from_bytes(data[pos + asz : pos + 2 * asz], "little")
                    pos += 2 * asz
                    out.append((a, b))
                elif kind == 7:  # start_length
                    a = int.from_bytes(data[pos : pos + asz], "little")
                    pos += asz
                    ln, pos = _uleb(data, pos)
                    out.append((a, a + ln))
                else:
                    raise DwarfError(f"bad range list entry {kind}")
        else:
            data = self.debug_ranges
            asz = cu.addr_size
            top = (1 << (8 * asz)) - 1
            pos = value
            mark = pos + CHECK_EVERY
            while pos + 2 * asz <= len(data):
                if pos >= mark:
                    check()
                    mark = pos + CHECK_EVERY
                a = int.from_bytes(data[pos : pos + asz], "little")
                b = int.from_bytes(data[pos + asz : pos + 2 * asz], "little")
                pos += 2 * asz
                if a == 0 and b == 0:
                    break
                if a == top:
                    base = b
                    continue
                out.append((base + a, base + b))
        return [(a, b) for a, b in out if b > a and a != 0]

    # -- line programs ----------------------------------------------------------------
    def line_program(self, cu: CompUnit, off: int) -> tuple[LineTable, list[str]]:
        data = self.debug_line
        pos = off
        length, off_size, pos = initial_length(data, pos)
        end = pos + length
        if end > len(data):
            raise DwarfError("line program runs past the end of .debug_line")
        version = struct.unpack_from("<H", data, pos)[0]
        pos += 2
        if not 2 <= version <= 5:
            raise DwarfError(f"unsupported line table version {version}")
        addr_size = cu.addr_size
        if version >= 5:
            addr_size = data[pos]
            pos += 2
        hdr_len = int.from_bytes(data[pos : pos + off_size], "little")
        pos += off_size
        prog = pos + hdr_len
        min_inst = data[pos]
        pos += 1
        if version >= 4:
            pos += 1  # maximum_operations_per_instruction
        default_stmt = data[pos]
        line_base = struct.unpack_from("<b", data, pos + 1)[0]
        line_range = data[pos + 2]
        opcode_base = data[pos + 3]
        pos += 4
        std_lens = list(data[pos : pos + opcode_base - 1])
        pos += opcode_base - 1
        if line_range == 0:
            raise DwarfError("line_range is 0")
        comp_dir = cu.comp_dir
        files: list[str] = []
        if version >= 5:
            dirs_raw, pos = self._v5_entries(cu, data, pos, off_size)
            dirs = [_s(d.get(1)) or "" for d in dirs_raw] or [comp_dir]
            base = dirs[0] or comp_dir
            if not os.path.isabs(base) and comp_dir and base != comp_dir:
                base = os.path.join(comp_dir, base)
            full = [base] + [d if os.path.isabs(d) else os.path.join(base, d) for d in dirs[1:]]
            files_raw, pos = self._v5_entries(cu, data, pos, off_size)
            for f in files_raw:
                name = _s(f.get(1)) or "?"
                di = f.get(2, 0)
                d = full[di] if isinstance(di, int) and 0 <= di < len(full) else base
                files.append(_join(d, name))
        else:
            full = [comp_dir]
            mark = pos + CHECK_EVERY // 16  # (each entry is joined to a path: slower)
            while data[pos] != 0:
                if pos >= mark:
                    check()
                    mark = pos + CHECK_EVERY // 16
                raw_d, pos = _cstr(data, pos)
                d = raw_d.decode("utf-8", "replace")
                full.append(d if os.path.isabs(d) or not comp_dir else os.path.join(comp_dir, d))
            pos += 1
            while data[pos] != 0:
                if pos >= mark:
                    check()
                    mark = pos + CHECK_EVERY // 16
                name_b, pos = _cstr(data, pos)
                di, pos = _uleb(data, pos)
                _mt, pos = _uleb(data, pos)
                _sz, pos = _uleb(data, pos)
                d = full[di] if di < len(full) else comp_dir
                files.append(_join(d, name_b.decode("utf-8", "replace")))
            pos += 1
        cu._line_version = version
        table = _run_line_program(data, prog, end, addr_size, min_inst, default_stmt,
                                  line_base, line_range, opcode_base, std_lens, files, comp_dir)
        return table, files

    def _v5_entries(self, cu: CompUnit, data: bytes, pos: int, off_size: int,
                    ) -> tuple[list[dict[int, Any]], int]:
        fmt_count = data[pos]
        pos += 1
        fmts = []
        for _ in range(fmt_count):
            ct, pos = _uleb(data, pos)
            form, pos = _uleb(data, pos)
            fmts.append((ct, form))
        count, pos = _uleb(data, pos)
        if count and not fmts:
            raise DwarfError("line table entries without a format")
        # every format takes a byte or more: a count past the bytes left is a lie (of up
        # to 2**64 empty entries)
        if count > len(data) - pos:
            raise DwarfError(f"line table header claims {count} entries")
        out = []
        for k in range(count):
            if not k & 0x3FF:
                check()
            entry: dict[int, Any] = {}
            for ct, form in fmts:
                v: Any
                if form == 0x08:
                    v, pos = _cstr(data, pos)
                elif form in (0x1F, 0x0E):
                    o = int.from_bytes(data[pos : pos + off_size], "little")
                    pos += off_size
                    v = self.line_str_at(o) if form == 0x1F else self.str_at(o)
                elif form in (0x0F,):
                    v, pos = _uleb(data, pos)
                elif form in (0x0B, 0x05, 0x06, 0x07, 0x1E):
                    size = _FIXED[form]
                    v = int.from_bytes(data[pos : pos + size], "little")
                    pos += size
                elif form in _STRX:
                    size = _STRX[form]
                    if size:
                        idx = int.from_bytes(data[pos : pos + size], "little")
                        pos += size
                    else:
                        idx, pos = _uleb(data, pos)
                    v = cu._strx(idx)
                elif form == 0x09:
                    n, pos = _uleb(data, pos)
                    pos += n
                    v = None
                else:
                    raise DwarfError(f"unsupported form {form:#x} in a line table header")
                entry[ct] = v
            out.append(entry)
        return out, pos


def _join(d: str, name: str) -> str:
    if os.path.isabs(name) or not d:
        return os.path.normpath(name)
    return os.path.normpath(os.path.join(d, name))


#: Bytes a CompUnit takes (its header read, nothing else).
_UNIT_BYTES = 600
#: Bytes a line-table row takes while decoded (16) and in the table (17).
_ROW_BYTES = 33


def _run_line_program(data: bytes, pos: int, end: int, addr_size: int, min_inst: int,
                      default_stmt: int, line_base: int, line_range: int, opcode_base: int,
                      std_lens: list[int], files: list[str], comp_dir: str) -> LineTable:
    """Decode the opcodes into sequences, then concatenate them sorted by address.

    Of several rows at one address the last statement row wins (as gdb chooses), else
    the last row: GCC's location views put non-statement rows after the statement."""
    seqs: list[tuple[int, array[int], array[int], array[int]]] = []
    addrs: array[int] = array("Q")
    lines: array[int] = array("L")
    fnums: array[int] = array("L")
    address = 0
    file = 1
    line = 1
    last_addr = -1
    stmt = last_stmt = bool(default_stmt)
    mark = pos + CHECK_EVERY
    rows_before = 0  # rows of the sequences ended so far
    while pos < end:
        if pos >= mark:
            check()
            # a row per byte of opcodes is ~33 bytes of arrays: bounded like the sections
            if (rows_before + len(addrs)) * _ROW_BYTES > module_budget():
                raise OverBudget(f"a line table of over {rows_before + len(addrs)} rows: "
                                 f"{over_memory_note()}")
            mark = pos + CHECK_EVERY
        op = data[pos]
        pos += 1
        if op >= opcode_base:  # a special opcode: advance, then a row as DW_LNS_copy
            adj = op - opcode_base
            address += (adj // line_range) * min_inst
            line += line_base + adj % line_range
        elif op != 1:  # every opcode but DW_LNS_copy only changes the state
            if op == 0:
                ln, pos = _uleb(data, pos)
                nxt = pos + ln
                if ln == 0:
                    continue
                sub = data[pos]
                if sub == 1:  # end_sequence
                    if addrs:
                        seqs.append((address, addrs, lines, fnums))
                        rows_before += len(addrs)
                    addrs, lines, fnums = array("Q"), array("L"), array("L")
                    address = 0
                    file = 1
                    line = 1
                    last_addr = -1
                    stmt = bool(default_stmt)
                elif sub == 2:  # set_address
                    address = int.from_bytes(data[pos + 1 : pos + 1 + addr_size], "little")
                pos = nxt
            elif op == 2:
                v, pos = _uleb(data, pos)
                address += v * min_inst
            elif op == 3:
                v, pos = _sleb(data, pos)
                line += v
            elif op == 4:
                file, pos = _uleb(data, pos)
            elif op == 5:
                _v, pos = _uleb(data, pos)
            elif op == 8:
                address += ((255 - opcode_base) // line_range) * min_inst
            elif op == 9:
                address += int.from_bytes(data[pos : pos + 2], "little")
                pos += 2
            elif op == 6:
                stmt = not stmt
            elif op in (7, 10, 11):
                pass
            else:
                for _ in range(std_lens[op - 1] if op - 1 < len(std_lens) else 0):
                    _v, pos = _uleb(data, pos)
            continue
        # append a row; of rows at one address the last statement row wins
        if address == last_addr and addrs:
            if stmt or not last_stmt:
                lines[-1] = line & 0xFFFFFFFF
                fnums[-1] = file
                last_stmt = stmt
        else:
            addrs.append(address)
            lines.append(line & 0xFFFFFFFF)
            fnums.append(file)
            last_addr = address
            last_stmt = stmt
    table = LineTable()
    # A sequence is (end address, rows); sort by first row, drop discarded code (address 0).
    ordered = sorted((s for s in seqs if s[1] and s[1][0] != 0), key=lambda s: (s[1][0], s[0]))
    for seq_end, a, ln_, fn in ordered:
        table.addrs.extend(a)
        table.lines.extend(ln_)
        table.files.extend(fn)
        table.ends.extend(bytes(len(a)))
        table.addrs.append(seq_end)
        table.lines.append(0)
        table.files.append(0)
        table.ends.append(1)
    return table
