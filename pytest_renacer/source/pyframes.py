"""Python frames of a stopped CPython thread, read from the interpreter's memory.

At a syscall stop, :class:`PythonFrameReader` finds the thread state of the stopped
thread and walks its frame chain, turning each frame into a resolved
:class:`~pytest_renacer.types.Frame` (file, line, function; ``binary`` the interpreter
module, ``address`` None).  Nothing runs in the tracee: every value is read from
``/proc/PID/mem`` while the thread is stopped.

- The interpreter: a mapped module named ``python3.X`` or ``libpython3.X.so...`` whose
  ELF symbols define ``_PyRuntime`` (plus ``PyCode_Type`` for validation and
  ``_PyEval_EvalFrameDefault`` for merging with native frames).  Its struct layout is
  the generated ``cpython_layouts.LAYOUTS["3.X"]`` (tools/gen_cpython_layouts.py), and
  from 3.13 the runtime's own ``_Py_DebugOffsets`` at the start of ``_PyRuntime``.  A
  layout is trusted only if ``PyCode_Type.tp_basicsize`` in the tracee equals the
  layout's ``sizeof(PyCodeObject)`` (and, where present, ``Py_Version`` and the 3.13
  cookie agree); otherwise the interpreter is unknown: no Python frames, one note.
- The thread: ``_PyRuntime.interpreters.head`` -> each interpreter's thread states;
  3.11+ match ``native_thread_id`` with the tid; 3.10 has none and matches
  ``thread_id`` (``pthread_self()``) with the thread's ``fs_base`` (x86_64 glibc:
  ``pthread_self() == fs_base``).  The thread state found is remembered per tid and
  re-validated at each stop with one read.
- The frames: 3.10 ``PyFrameObject`` (``f_back``, ``f_code``, ``f_lasti`` in code
  units); 3.11/3.12 ``cframe->current_frame`` ``_PyInterpreterFrame`` chain
  (``prev_instr``; 3.11's ``is_entry`` and 3.12's ``FRAME_OWNED_BY_CSTACK`` shim frames
  mark where one C-level ``_PyEval_EvalFrameDefault`` activation ends); 3.13
  ``current_frame`` and ``instr_ptr``.  Frames still being set up (before their first
  instruction) are skipped, as CPython itself does.
- The code objects: ``co_filename``, ``co_qualname`` (``co_name`` in 3.10) and the line
  table (pylines.py), read once per code object and cached by address, validated at
  each use by re-reading its type and the pointers of its name, file and line table.

Reading never raises: a failed or implausible read ends the walk with what was found.
"""

from __future__ import annotations

import ctypes
import os
import re
import struct
import sys
from collections.abc import Callable
from typing import Any

from ..tracer.ptrace import NT_PRSTATUS, PTRACE_GETREGSET, _ptrace_hot
from ..types import Frame
from .cpython_layouts import LAYOUTS
from .elf import find_symbols, load_image
from .frames import is_own
from .maps import parse_maps
from .pylines import LineRanges, line_at, line_ranges

__all__ = ["MAX_PY_FRAMES", "NOT_PYTHON", "Pending", "PyInterpreter", "PythonFrameReader",
           "PythonStack"]

#: Deepest Python stack recorded per syscall.
MAX_PY_FRAMES = 256
_MAX_THREADS = 4096
_MAX_STR = 4096
_MAX_TABLE = 1 << 20
#: Line ranges (pylines.MAX_RANGES per code object) the code cache holds at most, ~60 B
#: each: a program of many functions with tables built to be large cannot grow it
#: without bound (typing.py's 3,519 lines make 2,321: ~0.7 a line).
_MAX_CACHED_RANGES = 1 << 21
#: (frames innermost first, how many frames each C-level eval activation ran, innermost
#: first, the interpreter)
PythonStack = tuple[tuple[Frame, ...], tuple[int, ...], "PyInterpreter"]

_MODULE_NAME = re.compile(r"^(?:lib)?python3\.(\d+)[a-z]*(?:\.so(?:\.[\d.]+)?)?$")
#: x86_64 user_regs_struct index of fs_base (the kernel's ABI order)
_X86_64_FS_BASE = 21
_X86_64_NREGS = 27

#: Notes already given (one line each, once per process): interpreter path -> note.
NOTES: dict[str, str] = {}


def _note(path: str, why: str) -> None:
    if path in NOTES:
        return
    NOTES[path] = why
    try:
        sys.stderr.write(f"renacer: {path}: no Python frames ({why}); native frames only\n")
    except Exception:
        pass


class _CodeInfo:
    """What one code object tells: file, function, line table, interned frames."""

    __slots__ = ("file", "firstlineno", "firsttraceable", "frames", "function", "key",
                 "own", "ranges")

    def __init__(self, key: tuple[int, ...], file: str, function: str, firstlineno: int,
                 firsttraceable: int, ranges: LineRanges) -> None:
        self.key = key
        self.file = file
        self.function = function
        self.firstlineno = firstlineno
        self.firsttraceable = firsttraceable
        self.ranges = ranges
        #: bytecode offset -> its frame
        self.frames: dict[int, Frame] = {}
        self.own: bool | None = None  # its file is the program's own (known once asked)


class PyInterpreter:
    """One CPython interpreter in one process image: its layout and key addresses."""

    def __init__(self, path: str, minor: int, layout: dict[str, Any], runtime: int,
                 code_type: int, evals: tuple[tuple[int, int], ...]) -> None:
        self.path = path
        self.minor = minor
        self.runtime = runtime
        self.code_type = code_type
        #: address ranges of _PyEval_EvalFrameDefault in the process
        self.evals = evals
        self.codes: dict[int, _CodeInfo] = {}
        self.cached_ranges = 0  # line ranges held by ``codes``, against _MAX_CACHED_RANGES
        self.tstates: dict[int, int] = {}  # tid -> thread state address
        g = layout.get
        self.o_interp_head = int(layout["runtime_interpreters_head"])
        self.o_interp_next = int(layout["interp_next"])
        self.o_threads_head = int(layout["interp_threads_head"])
        self.o_ts_next = int(layout["tstate_next"])
        self.o_ts_id = int(layout["tstate_native_thread_id"] if minor >= 11
                           else layout["tstate_thread_id"])
        self.o_ts_cframe = g("tstate_cframe")
        self.o_cframe_frame = g("cframe_current_frame")
        self.o_ts_frame = g("tstate_frame")
        self.o_prev = int(layout["frame_previous"])
        self.o_code = int(layout["frame_code"])
        self.o_instr = int(layout["frame_instr"])
        self.o_owner = g("frame_owner")
        self.o_is_entry = g("frame_is_entry")
        self.owner_cstack = g("owner_cstack")
        self.owner_generator = g("owner_generator")
        ffields = {"prev": (self.o_prev, "Q"), "code": (self.o_code, "Q"),
                   "instr": (self.o_instr, "i" if minor <= 10 else "Q")}
        if self.o_owner is not None:
            ffields["owner"] = (int(self.o_owner), "B")
        if self.o_is_entry is not None:
            ffields["entry"] = (int(self.o_is_entry), "B")
        self.frame_fields, fat = _fields_struct(ffields)
        self.i_prev, self.i_code, self.i_instr = fat["prev"], fat["code"], fat["instr"]
        self.i_owner, self.i_entry = fat.get("owner"), fat.get("entry")
        self.o_adaptive = g("code_adaptive")
        self.unit = int(layout["code_unit"])
        self.o_type = int(layout["object_type"])
        self.o_varsize = int(layout["varobject_size"])
        self.o_sval = int(layout["bytes_sval"])
        self.o_ustate = int(layout["unicode_state"])
        self.o_ulength = int(layout["unicode_length"])
        self.ascii_size = int(layout["ascii_size"])
        self.compact_size = int(layout["compact_size"])
        self.kind_mask = int(layout["unicode_kind_mask"])
        self.kind_shift = (self.kind_mask & -self.kind_mask).bit_length() - 1
        self.compact_bit = int(layout["unicode_compact_bit"])
        self.ascii_bit = int(layout["unicode_ascii_bit"])
        # the code object fields read (and compared) at each use
        name = layout["code_qualname"] if minor >= 11 else layout["code_name"]
        fields = {"type": (self.o_type, "Q"), "file": (int(layout["code_filename"]), "Q"),
                  "name": (int(name), "Q"), "table": (int(layout["code_linetable"]), "Q"),
                  "first": (int(layout["code_firstlineno"]), "i")}
        if minor >= 11:
            fields["traceable"] = (int(layout["code_firsttraceable"]), "i")
        self.code_fields, at = _fields_struct(fields)
        self.code_read = self.code_fields.size
        self.i_type, self.i_file, self.i_name = at["type"], at["file"], at["name"]
        self.i_table, self.i_first = at["table"], at["first"]
        self.i_traceable = at.get("traceable")
        # tstate: (id, frame or cframe) in one read
        frame_at = self.o_ts_cframe if self.o_ts_cframe is not None else self.o_ts_frame
        assert frame_at is not None
        lo = min(self.o_ts_id, int(frame_at))
        self.ts_lo = lo
        self.ts_read = max(self.o_ts_id, int(frame_at)) + 8 - lo
        self.ts_id_at = self.o_ts_id - lo
        self.ts_frame_at = int(frame_at) - lo

    def is_eval(self, pc: int) -> bool:
        return any(lo <= pc < hi for lo, hi in self.evals)


def _fields_struct(fields: dict[str, tuple[int, str]]) -> tuple[struct.Struct, dict[str, int]]:
    """A struct reading the named (offset, format) fields from offset 0, and where each
    name's value is in its tuples."""
    fmt = "<"
    pos = 0
    at: dict[str, int] = {}
    for i, (name, (off, code)) in enumerate(sorted(fields.items(), key=lambda kv: kv[1])):
        if off > pos:
            fmt += f"{off - pos}x"
        fmt += code
        pos = off + struct.calcsize("<" + code)
        at[name] = i
    return struct.Struct(fmt), at


class Pending:
    """A process whose interpreter cannot be read yet: libpython not mapped yet, or the
    runtime not initialized (``_PyRuntime.interpreters.head`` still NULL: before that
    even its data segment may not be mapped).  Looked at again at later stops: each
    stop once the module is found (one read), else each stop for a program named like
    python, and at stops 1, 2, 4, 8... for others (a dlopen'd libpython)."""

    __slots__ = ("candidate", "countdown", "misses", "python_named")

    def __init__(self, python_named: bool) -> None:
        self.python_named = python_named
        self.misses = 0
        self.countdown = 0
        #: (module path, minor, symbols, load bias) once a module defining _PyRuntime
        #: is mapped
        self.candidate: tuple[str, int, dict[str, tuple[int, int]], int] | None = None


NOT_PYTHON = object()  # a process (image) known to hold no interpreter we can read


class PythonFrameReader:
    """``read(pid, tid) -> (frames, groups, interpreter) | None`` at a syscall stop."""

    #: Stops a program named like python is looked at before giving up on it.
    MAX_PENDING = 5000

    def __init__(self, layouts: dict[str, dict[str, object]] | None = None, *,
                 own_only: bool = False) -> None:
        self.layouts = LAYOUTS if layouts is None else layouts
        #: stop walking at the innermost frame of the program's own code (frames.py's
        #: rule): what ``ev.source`` needs, and a few reads instead of one per frame of a
        #: deep stack (a test body under pytest sits below ~40 frames of pytest's)
        self.own_only = own_only
        self.procs: dict[int, object] = {}
        self._fds: dict[int, int] = {}
        self._pread = os.pread
        self._q = struct.Struct("<Q").unpack_from
        self._regs_buf = ctypes.create_string_buffer(_X86_64_NREGS * 8)
        iov = (ctypes.c_void_p * 2)(ctypes.addressof(self._regs_buf), _X86_64_NREGS * 8)
        self._regs_iov = iov  # passed as a pointer (an int would be passed as a C int)
        self._pages: dict[int, bytes] = {}  # this stop's pages read (_paged)
        #: interpreter path -> why it gives no Python frames
        self.problems: dict[str, str] = {}
        self.machine = os.uname().machine

    # -- process bookkeeping -------------------------------------------------------------
    def exec_seen(self, pid: int) -> None:
        self.procs.pop(pid, None)
        self._close_fd(pid)

    def forget_all_but(self, pid: int) -> None:
        """Forget every process but ``pid`` (a reader kept from trace to trace of it: the
        other processes are gone, and their pids may come back as other programs)."""
        for other in [p for p in self.procs if p != pid]:
            self.exec_seen(other)

    def _close_fd(self, pid: int) -> None:
        fd = self._fds.pop(pid, None)
        if fd is not None and fd >= 0:
            try:
                os.close(fd)
            except OSError:
                pass

    def close(self) -> None:
        """Close every /proc/PID/mem file (the trace is over)."""
        for pid in list(self._fds):
            self._close_fd(pid)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def _fd(self, pid: int) -> int:
        fd = self._fds.get(pid)
        if fd is None:
            try:
                fd = os.open(f"/proc/{pid}/mem", os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                fd = -1
            if len(self._fds) >= 64:
                self._close_fd(next(iter(self._fds)))
            self._fds[pid] = fd
        return fd

    def _interpreter(self, pid: int) -> PyInterpreter | None:
        got = self.procs.get(pid)
        if type(got) is PyInterpreter:
            return got
        if got is NOT_PYTHON:
            return None
        if got is None:
            got = self.procs[pid] = Pending(False)
        pending: Pending = got  # type: ignore[assignment]
        if pending.countdown > 0:
            pending.countdown -= 1
            return None
        pending.misses += 1
        if pending.candidate is None:
            found = self._find(pid, pending)
            if found is NOT_PYTHON:
                self.procs[pid] = NOT_PYTHON
                return None
        if pending.candidate is not None:
            path, minor, syms, bias = pending.candidate
            if not self._ready(pid, minor, syms, bias):
                return None
            interp = self._make(pid, path, minor, syms, bias)
            self.procs[pid] = interp if interp is not None else NOT_PYTHON
            return interp
        if pending.python_named:
            if pending.misses > self.MAX_PENDING:
                self.procs[pid] = NOT_PYTHON
        else:
            pending.countdown = min(1 << pending.misses, 1 << 16)
        return None

    def _find(self, pid: int, pending: Pending) -> object:
        """Look for the module defining _PyRuntime in ``pid``'s maps (sets
        ``pending.candidate``); NOT_PYTHON when the maps cannot be read."""
        try:
            with open(f"/proc/{pid}/maps") as f:
                mappings = parse_maps(f.read())
        except OSError:
            return NOT_PYTHON
        for m in mappings:
            match = _MODULE_NAME.match(os.path.basename(m.path))
            if match is None:
                continue
            pending.python_named = True
            try:
                image = load_image(m.path)
                syms = find_symbols(image, ("_PyRuntime", "PyCode_Type", "PyType_Type",
                                            "Py_Version", "_PyEval_EvalFrameDefault"))
            except Exception:
                continue
            if "_PyRuntime" not in syms:
                continue  # the executable of a shared-libpython build: look further
            pending.candidate = (m.path, int(match.group(1)), syms,
                                 image.bias_for(m.start, m.offset))
            return pending.candidate
        return None

    def _ready(self, pid: int, minor: int, syms: dict[str, tuple[int, int]],
               bias: int) -> bool:
        """Whether the module is loaded and relocated (``PyCode_Type.ob_type`` points to
        ``PyType_Type``: before that the loader may not even have mapped its data) and
        the runtime initialized (an interpreter exists)."""
        layout = self.layouts.get(f"3.{minor}")
        if layout is None or "PyCode_Type" not in syms or "PyType_Type" not in syms:
            return True  # nothing to wait for: _make says why it cannot read it
        fd = self._fd(pid)
        raw = self._read(fd, syms["PyCode_Type"][0] + bias + int(layout["object_type"]), 8)  # type: ignore[call-overload]
        if len(raw) < 8 or self._q(raw)[0] != syms["PyType_Type"][0] + bias:
            return False
        head = self._read(fd, syms["_PyRuntime"][0] + bias
                          + int(layout["runtime_interpreters_head"]), 8)  # type: ignore[call-overload]
        return len(head) == 8 and self._q(head)[0] != 0

    def _make(self, pid: int, path: str, minor: int, syms: dict[str, tuple[int, int]],
              bias: int) -> PyInterpreter | None:
        version = f"3.{minor}"
        layout = self.layouts.get(version)
        if layout is None:
            return self._unknown(path, f"CPython {version}: no layout known for it")
        layout = dict(layout)
        if "PyCode_Type" not in syms:
            return self._unknown(path, "no PyCode_Type symbol")
        fd = self._fd(pid)
        runtime = syms["_PyRuntime"][0] + bias
        if "Py_Version" in syms:
            raw = self._read(fd, syms["Py_Version"][0] + bias, 8)
            if len(raw) == 8:
                hexv = self._q(raw)[0]
                if (hexv >> 24, (hexv >> 16) & 0xFF) != (3, minor):
                    return self._unknown(path, f"Py_Version {hexv:#x} is not {version}")
        debug = layout.get("debug_offsets")
        if isinstance(debug, dict):
            why = self._apply_debug_offsets(fd, runtime, version, layout, debug)
            if why is not None:
                return self._unknown(path, why)
        code_type = syms["PyCode_Type"][0] + bias
        raw = self._read(fd, code_type + int(layout["type_basicsize"]), 8)  # type: ignore[call-overload]
        if len(raw) < 8:
            return self._unknown(path, "unreadable PyCode_Type")
        expect = layout["code_size"] if minor <= 10 else layout["code_adaptive"]
        if self._q(raw)[0] != expect:  # (a code object's fixed part: up to its bytecode)
            return self._unknown(path, f"CPython {version} of another build "
                                       f"(PyCode_Type.tp_basicsize {self._q(raw)[0]}, "
                                       f"expected {expect})")
        if minor <= 10 and self.machine != "x86_64":
            return self._unknown(path, "CPython 3.10's threads are found on x86_64 only")
        evals: tuple[tuple[int, int], ...] = ()
        if "_PyEval_EvalFrameDefault" in syms:
            value, size = syms["_PyEval_EvalFrameDefault"]
            evals = ((value + bias, value + bias + max(size, 1)),)
        return PyInterpreter(path, minor, layout, runtime, code_type, evals)

    def _apply_debug_offsets(self, fd: int, runtime: int, version: str,
                             layout: dict[str, object], debug: dict[str, int]) -> str | None:
        """3.13+: the runtime's own _Py_DebugOffsets override the generated layout."""
        base = runtime + debug["runtime_offset"]
        size = max(debug.values()) + 8
        raw = self._read(fd, base, size)
        if len(raw) < size:
            return "unreadable _Py_DebugOffsets"
        if raw[debug["cookie"]:debug["cookie"] + 8] != b"xdebugpy":
            return "no _Py_DebugOffsets cookie at _PyRuntime"
        hexv = self._q(raw, debug["version"])[0]
        if f"{hexv >> 24}.{(hexv >> 16) & 0xFF}" != version:
            return f"_Py_DebugOffsets version {hexv:#x} is not {version}"
        if self._q(raw, debug["free_threaded"])[0]:
            return "a free-threaded build"
        for key, pos in debug.items():
            if key in layout:
                layout[key] = self._q(raw, pos)[0]
        return None

    def _unknown(self, path: str, why: str) -> PyInterpreter | None:
        """No Python frames from this interpreter: say why, once."""
        self.problems.setdefault(path, why)
        _note(path, why)
        return None

    # -- memory ------------------------------------------------------------------------
    def _read(self, fd: int, addr: int, size: int) -> bytes:
        if fd < 0 or addr <= 0 or addr > 0x7FFFFFFFFFFFFFFF:
            return b""
        try:
            return self._pread(fd, size, addr)
        except OSError:
            return b""

    def _fill(self, fd: int, addr: int, size: int) -> tuple[bytes, int]:
        """(bytes, offset of ``addr`` in them) on a miss of the page cache: the whole
        page, kept, or just ``size`` bytes where they cross into the next page."""
        page = addr & ~0xFFF
        if addr - page + size > 4096:
            return self._read(fd, addr, size), 0
        data = self._pages[page] = self._read(fd, page, 4096)
        return data, addr - page

    def _paged(self, fd: int, addr: int, size: int) -> bytes:
        """A read within one stop, through a cache of whole pages: /proc/PID/mem costs
        ~1.4 us per page touched, about as much for 4 KiB as for 8 bytes, and a stop's
        reads cluster (3.11+ frames sit side by side on the thread's data stack, the
        code objects of one module were allocated together)."""
        page = addr & ~0xFFF
        off = addr - page
        if off + size > 4096:
            return self._read(fd, addr, size)
        data = self._pages.get(page)
        if data is None:
            data = self._pages[page] = self._read(fd, page, 4096)
        return data[off:off + size]

    def _string(self, fd: int, interp: PyInterpreter, addr: int) -> str | None:
        head = self._read(fd, addr, interp.compact_size + 64)
        if len(head) < interp.compact_size:
            return None
        state = int.from_bytes(head[interp.o_ustate:interp.o_ustate + 4], "little")
        length = self._q(head, interp.o_ulength)[0]
        if not state & interp.compact_bit or length > _MAX_STR:
            return None
        kind = (state & interp.kind_mask) >> interp.kind_shift
        if kind not in (1, 2, 4):
            return None
        start = interp.ascii_size if state & interp.ascii_bit else interp.compact_size
        size = length * kind
        data = head[start:start + size]
        if len(data) < size:
            data = self._read(fd, addr + start, size)
            if len(data) < size:
                return None
        codec = {1: "latin-1", 2: "utf-16-le", 4: "utf-32-le"}[kind]
        return data.decode(codec, "replace")

    def _bytes(self, fd: int, interp: PyInterpreter, addr: int) -> bytes | None:
        head = self._read(fd, addr, interp.o_sval)
        if len(head) < interp.o_sval:
            return None
        size = self._q(head, interp.o_varsize)[0]
        if size > _MAX_TABLE:
            return None
        data = self._read(fd, addr + interp.o_sval, size) if size else b""
        return data if len(data) == size else None

    def _code(self, fd: int, interp: PyInterpreter, addr: int) -> _CodeInfo | None:
        raw = self._paged(fd, addr, interp.code_read)
        if len(raw) < interp.code_read:
            return None
        key = interp.code_fields.unpack_from(raw)
        if key[interp.i_type] != interp.code_type:
            return None
        info = interp.codes.get(addr)
        if info is not None and info.key == key:
            return info
        file = self._string(fd, interp, key[interp.i_file])
        function = self._string(fd, interp, key[interp.i_name])
        if file is None or function is None:
            return None
        first = key[interp.i_first]
        traceable = key[interp.i_traceable] if interp.i_traceable is not None else 0
        # A table over _MAX_TABLE (the program's to choose: code.replace) or unreadable
        # costs the frame its line, not its file and function.
        table = self._bytes(fd, interp, key[interp.i_table])
        ranges: LineRanges = (([], [], []) if table is None
                              else line_ranges(table, first, interp.minor, interp.unit))
        info = _CodeInfo(key, file, function, first, traceable, ranges)
        interp.cached_ranges += len(ranges[0])
        if len(interp.codes) >= 1 << 16 or interp.cached_ranges > _MAX_CACHED_RANGES:
            interp.codes.clear()  # started afresh: cheaper than an LRU on every stop
            interp.cached_ranges = len(ranges[0])
        interp.codes[addr] = info
        return info

    # -- threads -------------------------------------------------------------------------
    def _thread_key(self, interp: PyInterpreter, tid: int) -> int | None:
        """What the thread state's id field holds for ``tid``: the tid itself (3.11+),
        or pthread_self() == fs_base (3.10, x86_64)."""
        if interp.minor >= 11:
            return tid
        if _ptrace_hot(PTRACE_GETREGSET, tid, NT_PRSTATUS, self._regs_iov) == -1:
            return None
        return int(self._q(self._regs_buf, _X86_64_FS_BASE * 8)[0])

    def _tstate(self, fd: int, interp: PyInterpreter, tid: int) -> tuple[int, bytes] | None:
        """(thread state address, its id..frame bytes) of ``tid``."""
        want = self._thread_key(interp, tid)
        if want is None:
            return None
        lo, size, id_at = interp.ts_lo, interp.ts_read, interp.ts_id_at
        known = interp.tstates.get(tid)
        if known is not None:
            raw = self._paged(fd, known + lo, size)
            if len(raw) == size and self._q(raw, id_at)[0] == want:
                return known, raw
            del interp.tstates[tid]
        head = self._read(fd, interp.runtime + interp.o_interp_head, 8)
        if len(head) < 8:
            return None
        istate = self._q(head)[0]
        seen = 0
        for _ in range(64):
            if not istate:
                break
            raw = self._read(fd, istate + interp.o_threads_head, 8)
            ts = self._q(raw)[0] if len(raw) == 8 else 0
            while ts and seen < _MAX_THREADS:
                seen += 1
                raw = self._read(fd, ts + lo, size)
                if len(raw) < size:
                    break
                if self._q(raw, id_at)[0] == want:
                    if len(interp.tstates) >= _MAX_THREADS:
                        interp.tstates.clear()
                    interp.tstates[tid] = ts
                    return ts, raw
                nxt = self._read(fd, ts + interp.o_ts_next, 8)
                ts = self._q(nxt)[0] if len(nxt) == 8 else 0
            raw = self._read(fd, istate + interp.o_interp_next, 8)
            istate = self._q(raw)[0] if len(raw) == 8 else 0
        return None

    # -- the hook ------------------------------------------------------------------------
    def read(self, pid: int, tid: int) -> PythonStack | None:
        """The Python frames of thread ``tid`` of ``pid`` (stopped), or None."""
        interp = self._interpreter(pid)
        if interp is None:
            return None
        try:
            return self._walk(pid, tid, interp)
        except Exception:  # never let a strange interpreter break the trace
            return None

    def _walk(self, pid: int, tid: int, interp: PyInterpreter) -> PythonStack | None:
        fd = self._fd(pid)
        self._pages.clear()  # the memory of the previous stop is stale
        got = self._tstate(fd, interp, tid)
        if got is None:
            return None
        q = self._q
        frame = q(got[1], interp.ts_frame_at)[0]
        if interp.o_cframe_frame is not None and frame:  # 3.11/3.12: via the cframe
            raw = self._paged(fd, frame + interp.o_cframe_frame, 8)
            frame = q(raw)[0] if len(raw) == 8 else 0
        frames: list[Frame] = []
        groups: list[int] = []
        in_group = 0
        # the per-frame work, inlined: a 3.11+ stop reads a handful of pages and spends
        # its time here (~1 us a frame)
        old = interp.minor <= 10
        i_prev, i_code, i_instr = interp.i_prev, interp.i_code, interp.i_instr
        i_owner, i_entry = interp.i_owner, interp.i_entry
        cstack = interp.owner_cstack
        unpack_frame, size = interp.frame_fields.unpack_from, interp.frame_fields.size
        unpack_code, csize = interp.code_fields.unpack_from, interp.code_fields.size
        codes = interp.codes
        adaptive = int(interp.o_adaptive or 0)
        unit = interp.unit
        pages = self._pages
        fill = self._fill
        own_only = self.own_only
        for _ in range(MAX_PY_FRAMES * 2):
            if not frame or len(frames) >= MAX_PY_FRAMES:
                break
            if old:  # 3.10: frames are heap objects, one a page: read just the frame
                data, off = self._read(fd, frame, size), 0
            else:
                page = frame & ~0xFFF
                off = frame - page
                cached = pages.get(page) if off + size <= 4096 else None
                if cached is None:
                    data, off = fill(fd, frame, size)
                else:
                    data = cached
            if len(data) < off + size:
                break
            vals = unpack_frame(data, off)
            prev = vals[i_prev]
            owner = vals[i_owner] if i_owner is not None else None
            if owner is not None and owner == cstack:  # 3.12+: an activation's shim
                if in_group:
                    groups.append(in_group)
                    in_group = 0
                frame = prev
                continue
            code_at = vals[i_code]
            info = codes.get(code_at)
            cpage = code_at & ~0xFFF
            coff = code_at - cpage
            cdata = pages.get(cpage) if coff + csize <= 4096 else None
            if cdata is None:
                cdata, coff = fill(fd, code_at, csize)
            if info is None or len(cdata) < coff + csize or (
                    unpack_code(cdata, coff) != info.key):
                info = self._code(fd, interp, code_at)  # new, or another one there now
            if info is not None:
                if old:
                    lasti = vals[i_instr]
                    offset = lasti * unit if lasti >= 0 else -1
                else:
                    offset = vals[i_instr] - code_at - adaptive
                f = info.frames.get(offset)
                if f is None:
                    f = self._frame(interp, info, offset, owner)
                    if f is not None:  # (a hidden frame's answer depends on its owner)
                        info.frames[offset] = f
                if f is not None:
                    frames.append(f)
                    in_group += 1
                    if own_only:
                        own = info.own
                        if own is None:
                            own = info.own = is_own(f)
                        if own:
                            break
            if old or (i_entry is not None and vals[i_entry] and in_group):
                groups.append(in_group)
                in_group = 0
            frame = prev
        if in_group:
            groups.append(in_group)
        if not frames:
            return None
        return tuple(frames), tuple(groups), interp


    @staticmethod
    def _frame(interp: PyInterpreter, info: _CodeInfo, offset: int,
               owner: int | None) -> Frame | None:
        """The frame of ``info`` at bytecode byte ``offset`` (None: a frame not started
        yet, which CPython itself hides; 3.11+)."""
        if interp.minor >= 11 and owner != interp.owner_generator and (
                offset < info.firsttraceable * interp.unit):
            return None
        line = info.firstlineno if offset < 0 else line_at(info.ranges, offset)
        return Frame(info.file, line, info.function, interp.path, None)


Reader = Callable[[int, int], "PythonStack | None"]
