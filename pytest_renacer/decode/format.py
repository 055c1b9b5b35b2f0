"""Per-kind decoding and strace-style formatting of one syscall's arguments.

Inputs are what the tracer recorded: the raw register values, the bytes the
:class:`~pytest_renacer.decode.capture.Capturer` read (``captured``, keyed by argument
index; see capture.py for what each kind stores) and the raw return value (``-errno``
when the call failed).  Nothing here touches the traced process.

Every kind of ``tables.ARG_KINDS`` has a formatter in :data:`FORMATTERS`; an unknown kind
prints as hex.  A few syscalls whose strace output is not a plain positional list
(``openat`` hides its mode without O_CREAT, ``clone`` names its arguments, ``fcntl`` and
``ioctl`` decode their third argument by command, ...) have a whole-call printer in
:data:`SPECIAL`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from ..tables import SyscallInfo, host_arch
from ..tables import xlat as X
from . import flags as F
from . import structs as S
from .errno import format_errno_retval, format_siginfo, format_wait_status, signal_name
from .strings import addr_text, format_buffer, format_cstring, format_path, quote

__all__ = [
    "FORMATTERS",
    "CallFormatter",
    "call_formatter",
    "decode_args",
    "entry_arg_count",
    "format_arg_list",
    "format_args",
    "format_retval",
    "kind_overrides",
    "paths",
]

M64 = 0xFFFFFFFFFFFFFFFF
M32 = 0xFFFFFFFF
_HOST_ARCH = host_arch()
_EMPTY: Mapping[Any, object] = {}


def s32(v: int) -> int:
    v &= M32
    return v - (1 << 32) if v & 0x80000000 else v


def s64(v: int) -> int:
    v &= M64
    return v - (1 << 64) if v & 0x8000000000000000 else v


AT_FDCWD = s32(X.AT_FDCWD)


class Call:
    """One syscall being decoded: the inputs every formatter gets."""

    __slots__ = ("arch", "cap", "failed", "fd_paths", "info", "kinds", "raw", "retval",
                 "strsize", "verbose", "xlat", "xstyle")

    def __init__(self, info: SyscallInfo, raw: tuple[int, ...],
                 captured: Mapping[Any, object] | None, retval: int | None, strsize: int,
                 fd_paths: bool, arch: str | None, kinds: Kinds | None = None,
                 xstyle: int = 0, verbose: bool | None = False, xlat: int = 0) -> None:
        self.info = info
        self.raw = raw
        self.cap: Mapping[Any, object] = captured if captured is not None else _EMPTY
        if retval is not None and not -0x8000000000000000 <= retval < 0x8000000000000000:
            retval = s64(retval)
        self.retval = retval
        self.failed = retval is not None and -4096 < retval < 0
        self.strsize = strsize if strsize > 0 else 0
        self.fd_paths = fd_paths
        self.arch = arch or _HOST_ARCH
        self.kinds = kinds if kinds is not None else kinds_of(info)
        self.xstyle = xstyle  # strings in hex: 1 with -x (non-ASCII ones), 2 with -xx (all)
        #: -v: structures unabbreviated (True); -e verbose=none: as addresses (None)
        self.verbose = verbose
        self.xlat = xlat  # -X: constants by name (0), as numbers (1: raw), both (2: verbose)

    def arg(self, i: int) -> int:
        raw = self.raw
        return raw[i] & M64 if 0 <= i < len(raw) else 0

    @property
    def ok(self) -> bool:
        """The call returned and did not fail: its out-parameters are meaningful."""
        return self.retval is not None and not self.failed

    def length(self, param: str | None) -> int:
        """The length a ``:N`` / ``:ret`` parameter designates."""
        i = PARAM_INDEX.get(param)
        if i is not None:
            return self.arg(i)
        if param == "ret":
            return self.retval if self.retval is not None and self.retval > 0 else 0
        if param is not None and param.isdigit():
            return self.arg(int(param))
        return 0


# ":2" -> argument 2, not parsed per call (capture.py's sizes too)
PARAM_INDEX: dict[str | None, int] = {str(i): i for i in range(6)}


# --- kind overrides ----------------------------------------------------------------------

#: Where strace decodes an argument differently from what the generic table kind says.
_OVERRIDES: dict[str, dict[int, str]] = {
    "statx": {2: "statx_flags"},
    "faccessat2": {3: "faccessat_flags"},
    "timerfd_create": {1: "tfd_flags"},
    "timerfd_settime": {1: "tfd_timer_flags", 3: "itimerspec_out"},
    "timerfd_gettime": {1: "itimerspec_out"},
    "signalfd4": {3: "sfd_flags"},
    "getitimer": {1: "itimerval_out"},
    "setitimer": {1: "itimerval", 2: "itimerval_out"},
    "sched_getparam": {1: "sched_param_out"},
    "getrusage": {0: "rusage_who"},
    "truncate": {1: "ulong"},
    "ftruncate": {1: "ulong"},
    "close_range": {0: "uint", 1: "uint"},
    "rseq": {0: "hex", 1: "hex", 2: "hex", 3: "hex"},
    "setsockopt": {3: "sockopt_val:4"},
    "getsockopt": {3: "sockopt_val_out:4"},
    "mmap": {5: "hex"},
    "setns": {1: "clone_flags"},
    "nanosleep": {1: "timespec_rem"},
    "clock_nanosleep": {3: "timespec_rem"},
    "fadvise64": {3: "fadvise_advice"},
    "getgroups": {1: "gid_list_out:ret"},
    "setgroups": {1: "gid_list:0"},
}
_ADDRESS_NAMES = frozenset({"addr", "start", "brk", "new_addr", "shmaddr", "from"})
Kinds = tuple[tuple[str, "str | None"], ...]
_KINDS_CACHE: dict[int, tuple[SyscallInfo, Kinds]] = {}


def kind_overrides(name: str) -> dict[int, str]:
    """The argument kinds strace decodes differently from the table for ``name``."""
    return _OVERRIDES.get(name, {})


def kinds_of(info: SyscallInfo) -> Kinds:
    """(base kind, parameter) of each argument, overrides applied."""
    hit = _KINDS_CACHE.get(id(info))
    if hit is not None and hit[0] is info:
        return hit[1]
    over = _OVERRIDES.get(info.name, {})
    out = []
    for i, spec in enumerate(info.args):
        kind = over.get(i, spec.kind)
        base, sep, param = kind.partition(":")
        if base == "hex" and spec.name in _ADDRESS_NAMES:
            base = "addr"
        if base == "open_how" and not sep:  # its size is the next argument
            sep, param = ":", str(i + 1)
        out.append((base, param if sep else None))
    kinds = tuple(out)
    if len(_KINDS_CACHE) >= 8192:
        _KINDS_CACHE.clear()
    _KINDS_CACHE[id(info)] = (info, kinds)
    return kinds


# --- helpers --------------------------------------------------------------------------------

def _bytes(v: object) -> bytes | None:
    return bytes(v) if isinstance(v, (bytes, bytearray)) else None


class FdText(str):
    """An fd's text made for printing as it is (``UNIX-STREAM:[1->2,"/tmp/s"]``,
    ``/dev/null<char 1:3>``, ``pid:42``): not escaped again like a path."""

    __slots__ = ()


def fd_path_text(path: object, xstyle: int = 0) -> str:
    """The ``<...>`` part of ``-y`` output: escaped like strace, without quotes."""
    if isinstance(path, FdText):
        return "<" + path + ">"
    if isinstance(path, str):
        path = os.fsencode(path)
    if not isinstance(path, (bytes, bytearray)):
        return ""
    text = quote(bytes(path), xstyle=xstyle)[1:-1]
    # "<" and ">" are octal escapes here, three digits when a digit follows (\0740)
    text = _ANGLE.sub(lambda m: f"\\{ord(m.group(0)):{'03o' if m.group(1) else 'o'}}", text)
    return "<" + text + ">"


_ANGLE = re.compile(r"[<>](?=([0-7])?)")


def _fd(c: Call, i: int, value: int) -> str:
    text = str(value)
    if c.fd_paths:
        path = c.cap.get(("fd", i))
        if path is not None:
            text += fd_path_text(path, c.xstyle)
    return text


def _fd_n(c: Call, fd: int) -> str:
    """An fd that is not an argument (pipe pair, fd_set member): its path by number."""
    text = str(fd)
    if c.fd_paths:
        path = c.cap.get(("fdn", fd))
        if path is not None:
            text += fd_path_text(path, c.xstyle)
    return text


def _out_ready(c: Call, i: int) -> bytes | None:
    """The bytes an out-parameter captured, when the call succeeded."""
    if not c.ok:
        return None
    return _bytes(c.cap.get(i))


# --- plain numbers --------------------------------------------------------------------------

# The kinds that differ only by a parameter (a conversion, a struct's parser, in or out)
# share one function, bound with functools.partial when registered: a closure made at
# import would hide its body from mutation testing, which swaps functions at call time.

def _num_fmt(fn: Callable[[int], object], c: Call, i: int, p: str | None) -> str:
    return str(fn(c.arg(i)))


def _num_dec(fn: Callable[[int], object], c: Call, i: int, p: str | None) -> object:
    return fn(c.arg(i))


def _id(v: int) -> str | int:
    v &= M32
    return "-1" if v == M32 else v


def _dec_id(c: Call, i: int, p: str | None) -> object:
    v = c.arg(i) & M32
    return -1 if v == M32 else v


def _fmt_hex(c: Call, i: int, p: str | None) -> str:
    return F.hexc(c.arg(i))


def _fmt_addr(c: Call, i: int, p: str | None) -> str:
    return addr_text(c.arg(i))


def _dec_ptr(c: Call, i: int, p: str | None) -> object:
    v = c.arg(i)
    return None if v == 0 else v


def _fmt_octal(c: Call, i: int, p: str | None) -> str:
    return F.octal(c.arg(i) & M32)


def _dec_octal(c: Call, i: int, p: str | None) -> object:
    return c.arg(i) & M32


def _fmt_fd(c: Call, i: int, p: str | None) -> str:
    return _fd(c, i, s32(c.arg(i)))


def _dec_fd(c: Call, i: int, p: str | None) -> object:
    return s32(c.arg(i))


def _fmt_dirfd(c: Call, i: int, p: str | None) -> str:
    v = s32(c.arg(i))
    if v == AT_FDCWD:
        text = (str(v) if c.xlat == 1 else f"{v} /* AT_FDCWD */" if c.xlat == 2
                else "AT_FDCWD")
        if c.fd_paths:
            path = c.cap.get(("fd", i))
            if path is not None:
                text += fd_path_text(path, c.xstyle)
        return text
    return _fd(c, i, v)


def _dec_dirfd(c: Call, i: int, p: str | None) -> object:
    v = s32(c.arg(i))
    return "AT_FDCWD" if v == AT_FDCWD else v


# --- memory -------------------------------------------------------------------------------------

def _fsdecode(b: bytes) -> str:
    return os.fsdecode(b)


def _fmt_path(c: Call, i: int, p: str | None) -> str:
    return format_path(c.cap.get(i), c.arg(i), xstyle=c.xstyle)


def _dec_str(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    data = _bytes(c.cap.get(i))
    return _fsdecode(data) if data is not None else addr


def _fmt_str(c: Call, i: int, p: str | None) -> str:
    return format_cstring(c.cap.get(i), c.arg(i), c.strsize, xstyle=c.xstyle)


def _fmt_path_out(c: Call, i: int, p: str | None) -> str:
    if not c.ok:
        return addr_text(c.arg(i))
    return format_path(c.cap.get(i), c.arg(i), xstyle=c.xstyle)


def _dec_path_out(c: Call, i: int, p: str | None) -> object:
    if not c.ok:
        return _dec_ptr(c, i, p)
    return _dec_str(c, i, p)


def _fmt_buf_in(c: Call, i: int, p: str | None) -> str:
    return format_buffer(c.cap.get(i), c.length(p), c.arg(i), c.strsize, xstyle=c.xstyle)


def _dec_buf(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    data = _bytes(c.cap.get(i))
    return data if data is not None else addr


def _fmt_buf_out(c: Call, i: int, p: str | None) -> str:
    if not c.ok:
        return addr_text(c.arg(i))
    return format_buffer(c.cap.get(i), c.length(p), c.arg(i), c.strsize,
                         force_hex=c.info.name == "getrandom", xstyle=c.xstyle)


def _dec_buf_out(c: Call, i: int, p: str | None) -> object:
    if not c.ok:
        return _dec_ptr(c, i, p)
    return _dec_buf(c, i, p)


def _argv_items(c: Call, i: int) -> tuple[list[bytes], bool] | None:
    value = c.cap.get(i)
    if not isinstance(value, (list, tuple)):
        return None
    items = [bytes(v) for v in value if isinstance(v, (bytes, bytearray))]
    more = bool(value) and value[-1] is None  # a trailing None: the array went on
    return items, more


def _fmt_argv(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    got = _argv_items(c, i)
    if got is None:
        return addr_text(addr)
    items, more = got
    n = c.strsize
    parts = [format_cstring(s, 1, c.strsize, xstyle=c.xstyle) for s in items[:n]]
    if more or len(items) > n:
        parts.append("...")
    return "[" + ", ".join(parts) + "]"


def _dec_argv(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    got = _argv_items(c, i)
    if got is None:
        return addr
    return [_fsdecode(s) for s in got[0]]


def _fmt_envp(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    n = c.cap.get(i)
    if not isinstance(n, int) or isinstance(n, bool):
        return addr_text(addr)
    return f"{addr_text(addr)} /* {n} var{'' if n == 1 else 's'} */"


def _dec_envp(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    n = c.cap.get(i)
    if not isinstance(n, int) or isinstance(n, bool):
        return addr
    return {"addr": addr, "count": n}


# --- symbolic flags and enums ------------------------------------------------------------------

def _flags32(x: F.Xlat, v: int) -> str:
    return F.flags(x, v & M32)


def _xval32(x: F.Xlat, v: int) -> str:
    return F.xval(x, v & M32)


_SIMPLE: dict[str, Callable[[int], str]] = {
    "access_mode": partial(_flags32, F.ACCESS_MODES),
    "at_flags": partial(_flags32, F.AT_FLAGS),
    "unlinkat_flags": partial(_flags32, F.AT_FLAGS),
    "faccessat_flags": partial(_flags32, F.FACCESSAT_FLAGS),
    "statx_flags": F.statx_flags,
    "mmap_prot": partial(_flags32, F.MMAP_PROT),
    "mmap_flags": F.mmap_flags,
    "madvise": partial(_xval32, F.MADVISE),
    "mremap_flags": partial(_flags32, F.MREMAP_FLAGS),
    "msync_flags": partial(_flags32, F.MSYNC_FLAGS),
    "clone_flags": lambda v: F.flags(F.CLONE_FLAGS, v),
    "socket_family": partial(_xval32, F.ADDRESS_FAMILIES),
    "socket_type": F.socket_type,
    "socket_level": partial(_xval32, F.SOCKET_LEVELS),
    "msg_flags": partial(_flags32, F.MSG_FLAGS),
    "shutdown_how": partial(_xval32, F.SHUTDOWN_HOW),
    "signal": lambda v: signal_name(s32(v)),
    "sig_how": partial(_xval32, F.SIG_HOW),
    "fcntl_cmd": partial(_xval32, F.FCNTL_CMDS),
    "ioctl_req": F.ioctl_request,
    "whence": partial(_xval32, F.WHENCE),
    "wait_options": partial(_flags32, F.WAIT_OPTIONS),
    "clock_id": partial(_xval32, F.CLOCK_IDS),
    "timer_flags": partial(_flags32, F.TIMER_FLAGS),
    "tfd_timer_flags": partial(_flags32, F.TFD_TIMER_FLAGS),
    "tfd_flags": partial(_flags32, F.TFD_FLAGS),
    "sfd_flags": partial(_flags32, F.SFD_FLAGS),
    "futex_op": F.futex_op,
    "prctl_option": partial(_xval32, F.PRCTL_OPTIONS),
    "arch_prctl_code": partial(_xval32, F.ARCH_PRCTL),
    "rlimit_resource": partial(_xval32, F.RLIMIT_RESOURCES),
    "rusage_who": partial(_xval32, F.RUSAGE_WHO),
    "getrandom_flags": partial(_flags32, F.GETRANDOM_FLAGS),
    "pipe_flags": partial(_flags32, F.OPEN_MODE_FLAGS),
    "dup3_flags": partial(_flags32, F.OPEN_MODE_FLAGS),
    "eventfd_flags": partial(_flags32, F.EVENTFD_FLAGS),
    "epoll_ctl_op": partial(_xval32, F.EPOLL_CTL_OPS),
    "epoll_flags": partial(_flags32, F.EPOLL_FLAGS),
    "inotify_mask": partial(_flags32, F.INOTIFY_MASK),
    "statx_mask": partial(_flags32, F.STATX_MASK),
    "renameat_flags": partial(_flags32, F.RENAME_FLAGS),
    "mount_flags": F.mount_flags,
    "seccomp_op": partial(_xval32, F.SECCOMP_OPS),
    "personality": F.personality,
    "poll_events": partial(_flags32, F.POLL_EVENTS),
    "fd_flags": partial(_flags32, F.FD_FLAGS),
    "file_mode_type": F.file_mode,
    "memfd_flags": F.memfd_flags,
    "close_range_flags": partial(_flags32, F.CLOSE_RANGE_FLAGS),
    "rseq_flags": partial(_flags32, F.RSEQ_FLAGS),
    "membarrier_cmd": partial(_xval32, F.MEMBARRIER_CMDS),
    "ptrace_request": lambda v: F.xval(F.PTRACE_REQUESTS, v),
    "which_timer": partial(_xval32, F.ITIMER_WHICH),
    "idtype": partial(_xval32, F.IDTYPES),
    "sched_policy": partial(_xval32, F.SCHED_POLICIES),
    "fallocate_mode": partial(_flags32, F.FALLOC_FLAGS),
    "splice_flags": partial(_flags32, F.SPLICE_FLAGS),
    "xattr_flags": partial(_flags32, F.XATTR_FLAGS),
    "lock_op": partial(_flags32, F.LOCK_OPS),
    "fadvise_advice": partial(_xval32, F.FADVISE_ADVICE),
    "mlockall_flags": partial(_flags32, F.MCL_FLAGS),
    "mlock2_flags": partial(_flags32, F.MLOCK_FLAGS),
    "inotify_init_flags": partial(_flags32, F.INOTIFY_INIT_FLAGS),
    "prio_which": partial(_xval32, F.PRIO_WHICH),
}


def _fmt_open_flags(c: Call, i: int, p: str | None) -> str:
    return F.open_flags(c.arg(i), aarch64=c.arch == "aarch64")


def _fmt_sockopt(c: Call, i: int, p: str | None) -> str:
    level = c.arg(i - 1) & M32 if i > 0 else -1
    x = F.SOCKOPTS_BY_LEVEL.get(level)
    v = c.arg(i) & M32
    if v == X.SO_ATTACH_FILTER and level == F.SOL_SOCKET and c.info.name == "getsockopt":
        return "SO_GET_FILTER"  # SO_ATTACH_FILTER's getsockopt name
    return F.xval(x, v) if x is not None else str(v)


# --- structs -----------------------------------------------------------------------------------

Parser = Callable[[object], "dict[str, Any] | None"]
Printer = Callable[[dict[str, Any]], str]


def _struct_fmt(parse: Parser, text: Printer, out: bool, c: Call, i: int,
                p: str | None) -> str:
    """A fixed-size struct read at entry (in) or exit (out)."""
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    if out and not c.ok:
        return addr_text(addr)
    st = parse(c.cap.get(i))
    return text(st) if st is not None else addr_text(addr)


def _struct_dec(parse: Parser, out: bool, c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    if out and not c.ok:
        return addr
    st = parse(c.cap.get(i))
    return S.public(st) if st is not None else addr


def _fmt_stat(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    if not c.ok:
        return addr_text(addr)
    if c.verbose:
        st = S.parse_stat(c.cap.get(i), c.arch)
        return S.text_stat_full(st) if st is not None else addr_text(addr)
    text = S.stat_text(c.cap.get(i), c.arch)
    return text if text is not None else addr_text(addr)


def _dec_stat(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    if not c.ok:
        return addr
    st = S.parse_stat(c.cap.get(i), c.arch)
    return S.public(st) if st is not None else addr


def _parse_sched_param(data: object) -> dict[str, Any] | None:
    if not S.is_bytes(data, 4):
        return None
    return {"sched_priority": S.i32(data)}


def _text_sched_param(d: dict[str, Any]) -> str:
    return f"[{d['sched_priority']}]"


_RESTART_ERRNOS = frozenset({4, 512, 513, 514, 516})


def _fmt_timespec_rem(c: Call, i: int, p: str | None) -> str:
    """nanosleep's remainder: only meaningful (and printed) when the sleep was interrupted."""
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    if c.retval is None or not c.failed or -c.retval not in _RESTART_ERRNOS:
        return addr_text(addr)
    t = S.parse_timespec(c.cap.get(i))
    return S.text_timespec(t) if t is not None else addr_text(addr)


def _dec_timespec_rem(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    t = S.parse_timespec(c.cap.get(i))
    return t if t is not None and c.failed else addr


def _fmt_int_out(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    before = c.cap.get(("in", i))
    if not c.ok:
        if isinstance(before, int) and c.retval is not None:
            return f"[{before}]"
        return addr_text(addr)
    after = c.cap.get(i)
    if not isinstance(after, int):
        return addr_text(addr)
    if isinstance(before, int) and before != after:
        return f"[{before} => {after}]"
    return f"[{after}]"


def _dec_int_out(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    v = c.cap.get(i) if c.ok else c.cap.get(("in", i))
    return v if isinstance(v, int) else addr


def _sockopt_int(data: bytes | None) -> str | None:
    if data is not None and len(data) == 4:
        return f"[{S.i32(data)}]"
    return None


def _fmt_sockopt_val(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    data = _bytes(c.cap.get(i))
    length = c.length(p)
    linger = _linger(c, i, data)
    if linger is not None:
        return linger
    if data is not None and length == 4 and len(data) >= 4:
        return f"[{S.i32(data)}]"
    return format_buffer(data, length, addr, c.strsize, xstyle=c.xstyle)


def _linger(c: Call, i: int, data: bytes | None) -> str | None:
    level, opt = c.arg(i - 2) & M32, c.arg(i - 1) & M32
    if data is not None and level == F.SOL_SOCKET and opt == X.SO_LINGER and len(data) >= 8:
        return f"{{l_onoff={S.i32(data)}, l_linger={S.i32(data, 4)}}}"  # SO_LINGER
    return None


def _fmt_sockopt_val_out(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    if not c.ok:
        return addr_text(addr)
    data = _bytes(c.cap.get(i))
    text = _linger(c, i, data) or _sockopt_int(data)
    if text is not None:
        return text
    length = c.cap.get(int(p)) if p is not None and p.isdigit() else None
    return format_buffer(data, length if isinstance(length, int) else 0, addr, c.strsize,
                         xstyle=c.xstyle)


def _sigset_ok(c: Call, p: str | None) -> bool:
    return c.length(p) == 8


def _fmt_sigset(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    data = _bytes(c.cap.get(i))
    if data is None or len(data) < 8 or not _sigset_ok(c, p):
        return addr_text(addr)
    return S.sigset_text(S.u64(data))


def _dec_sigset(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    data = _bytes(c.cap.get(i))
    if data is None or len(data) < 8 or not _sigset_ok(c, p):
        return addr
    return S.sigset_names(S.u64(data))


def _fmt_sigset_out(c: Call, i: int, p: str | None) -> str:
    if c.arg(i) and not c.ok:
        return addr_text(c.arg(i))
    return _fmt_sigset(c, i, p)


def _dec_sigset_out(c: Call, i: int, p: str | None) -> object:
    if c.arg(i) and not c.ok:
        return c.arg(i)
    return _dec_sigset(c, i, p)


def _iov_items(c: Call, i: int) -> list[tuple[int, int, bytes | None]] | None:
    value = c.cap.get(i)
    if not isinstance(value, (list, tuple)):
        return None
    out = []
    for item in value:
        if isinstance(item, (list, tuple)) and len(item) == 3:
            base, length, data = item
            if isinstance(base, int) and isinstance(length, int):
                out.append((base, length, _bytes(data)))
    return out


def _short_mark(c: Call, i: int) -> str | None:
    """``... /* 0x... */``: where an array ran into unreadable memory (see capture)."""
    addr = c.cap.get(("short", i))
    return f"... /* {addr_text(addr)} */" if isinstance(addr, int) else None


def _with_short(c: Call, i: int, text: str) -> str:
    """An array's ``[...]`` text, ended by its short mark when it has one."""
    mark = _short_mark(c, i)
    if mark is None:
        return text
    body = text[1:-1]
    return "[" + (body + ", " if body else "") + mark + "]"


def _text_iov(c: Call, items: list[tuple[int, int, bytes | None]], count: int,
              data_size: int | None, decode_data: bool) -> str:
    parts = []
    remaining = data_size
    for base, length, data in items[: c.strsize]:
        if decode_data:
            shown = length if remaining is None else max(0, min(length, remaining))
            if remaining is not None:
                remaining -= shown
            base_text = format_buffer(data, shown, base, c.strsize, xstyle=c.xstyle)
        else:
            base_text = addr_text(base)
        parts.append(f"{{iov_base={base_text}, iov_len={length}}}")
    if count > min(len(items), c.strsize) or len(items) > c.strsize:
        parts.append("...")
    return "[" + ", ".join(parts) + "]"


def _fmt_iovec_in(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    items = _iov_items(c, i)
    if items is None:
        return addr_text(addr)
    if _short_mark(c, i) is not None:
        return _with_short(c, i, _text_iov(c, items, len(items), None, True))
    return _text_iov(c, items, c.length(p), None, True)


def _fmt_iovec_out(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    items = _iov_items(c, i)
    if items is None or c.retval is None:
        return addr_text(addr)
    return _text_iov(c, items, c.length(p), c.retval if c.ok else 0, c.ok)


def _dec_iovec(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    items = _iov_items(c, i)
    if items is None:
        return addr
    return [{"iov_base": data if data is not None else base, "iov_len": length}
            for base, length, data in items]


def _msghdr_fields(c: Call, i: int) -> dict[str, Any] | None:
    value = c.cap.get(i)
    if not isinstance(value, dict):
        return None
    hdr = _bytes(value.get("hdr"))
    if hdr is None or len(hdr) < 56:
        return None
    name, namelen, iov, iovlen, control, controllen, mflags = (
        S.u64(hdr), S.u32(hdr, 8), S.u64(hdr, 16), S.u64(hdr, 24), S.u64(hdr, 32),
        S.u64(hdr, 40), S.u32(hdr, 48))
    return {"msg_name": name, "msg_namelen": namelen, "msg_iov": iov, "msg_iovlen": iovlen,
            "msg_control": control, "msg_controllen": controllen, "msg_flags": mflags,
            "_cap": value}


def _text_cmsgs(c: Call, data: bytes, controllen: int) -> str:
    items = []
    off = 0
    while off + 16 <= len(data):
        clen = S.u64(data, off)
        level, ctype = S.i32(data, off + 8), S.i32(data, off + 12)
        if clen < 16:
            break
        lvl = F.xval(F.SOCKET_LEVELS, level & M32)
        text = f"{{cmsg_len={clen}, cmsg_level={lvl}"
        payload = data[off + 16 : off + clen]
        if level == F.SOL_SOCKET:
            text += f", cmsg_type={F.xval(F.SCM_TYPES, ctype & M32)}"
            if ctype == X.SCM_RIGHTS:
                fds = [str(S.i32(payload, k)) for k in range(0, len(payload) - 3, 4)]
                text += f", cmsg_data=[{', '.join(fds)}]"
            elif ctype == X.SCM_CREDENTIALS and len(payload) >= 12:
                text += (f", cmsg_data={{pid={S.i32(payload)}, uid={S.u32(payload, 4)}, "
                         f"gid={S.u32(payload, 8)}}}")
        else:
            text += f", cmsg_type={F.hexc(ctype & M32)}"
        items.append(text + "}")
        off += (clen + 7) & ~7
    if len(data) < controllen and data:
        items.append("...")
    return "[" + ", ".join(items) + "]"


def _text_msghdr(c: Call, m: dict[str, Any], out: bool) -> str:
    cap = m["_cap"]
    parts = []
    name = _bytes(cap.get("name"))
    sa = S.parse_sockaddr(name) if name is not None and m["msg_namelen"] else None
    if m["msg_name"] == 0:
        parts.append("msg_name=NULL")
    elif sa is not None:
        parts.append(f"msg_name={S.text_sockaddr(sa)}")
    else:
        parts.append(f"msg_name={addr_text(m['msg_name'])}")
    namelen_in = cap.get("namelen_in")
    if out and isinstance(namelen_in, int) and namelen_in != m["msg_namelen"]:
        parts.append(f"msg_namelen={namelen_in} => {m['msg_namelen']}")
    else:
        parts.append(f"msg_namelen={m['msg_namelen']}")
    iov = cap.get("iov")
    if m["msg_iov"] == 0:
        parts.append("msg_iov=NULL")
    elif isinstance(iov, list):
        items = [(b, n, _bytes(d)) for b, n, d in iov]
        size = c.retval if out and c.ok else None
        parts.append(f"msg_iov={_text_iov(c, items, m['msg_iovlen'], size, True)}")
    else:
        parts.append(f"msg_iov={addr_text(m['msg_iov'])}")
    parts.append(f"msg_iovlen={m['msg_iovlen']}")
    if m["msg_controllen"]:
        control = _bytes(cap.get("control"))
        if m["msg_control"] and control is not None:
            parts.append(f"msg_control={_text_cmsgs(c, control, m['msg_controllen'])}")
        else:
            parts.append(f"msg_control={addr_text(m['msg_control'])}")
    parts.append(f"msg_controllen={m['msg_controllen']}")
    parts.append(f"msg_flags={F.flags(F.MSG_FLAGS, m['msg_flags'])}")
    return "{" + ", ".join(parts) + "}"


def _fmt_msghdr(out: bool, c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    if out and not c.ok:
        return addr_text(addr)
    m = _msghdr_fields(c, i)
    return _text_msghdr(c, m, out) if m is not None else addr_text(addr)


def _dec_msghdr(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    m = _msghdr_fields(c, i)
    if m is None:
        return addr
    cap = m.pop("_cap")
    name = _bytes(cap.get("name"))
    sa = S.parse_sockaddr(name) if name is not None and m["msg_namelen"] else None
    if sa is not None:
        m["msg_name"] = S.public(sa)
    iov = cap.get("iov")
    if isinstance(iov, list):
        m["msg_iov"] = [{"iov_base": _bytes(d) if d is not None else b, "iov_len": n}
                        for b, n, d in iov]
    m["msg_flags"] = F.flags(F.MSG_FLAGS, m["msg_flags"])
    return m


def _fmt_pollfd(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    count = c.length(p)
    data = c.cap.get(i)
    if _short_mark(c, i) is not None and isinstance(data, bytes):
        read = S.parse_pollfds(data, len(data) // 8) or []
        return _with_short(c, i, S.text_pollfds(read, c.strsize, len(read),
                                                lambda fd: _fd_n(c, fd)))
    fds = S.parse_pollfds(data, min(count, c.strsize + 1, 1024))
    if fds is None:
        return addr_text(addr)
    return S.text_pollfds(fds, c.strsize, count, lambda fd: _fd_n(c, fd))


def _dec_pollfd(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    data = c.cap.get(("out", i)) if c.ok else None
    fds = S.parse_pollfds(data if data is not None else c.cap.get(i), min(c.length(p), 1024))
    if fds is None:
        fds = S.parse_pollfds(c.cap.get(i), min(c.length(p), 1024))
    if fds is None:
        return addr
    for d in fds:
        d["events"] = F.flags(F.POLL_EVENTS, d["events"])
        d["revents"] = F.flags(F.POLL_EVENTS, d["revents"])
    return fds


def _fd_pair(c: Call, i: int) -> tuple[int, int] | None:
    data = _out_ready(c, i)
    if data is None or len(data) < 8:
        return None
    return S.i32(data), S.i32(data, 4)


def _fmt_fd_pair(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    pair = _fd_pair(c, i)
    if pair is None:
        return addr_text(addr)
    return f"[{_fd_n(c, pair[0])}, {_fd_n(c, pair[1])}]"


def _dec_fd_pair(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    pair = _fd_pair(c, i)
    return list(pair) if pair is not None else addr


def _fmt_wstatus(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    data = _out_ready(c, i)
    if data is None or len(data) < 4 or c.retval == 0:
        return addr_text(addr)
    return format_wait_status(S.u32(data))


def _dec_wstatus(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    data = _out_ready(c, i)
    if data is None or len(data) < 4 or c.retval == 0:
        return addr
    return S.u32(data)


def _fmt_epoll_event(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    evs = S.parse_epoll_events(c.cap.get(i), 1, c.arch)
    return S.text_epoll_event(evs[0]) if evs else addr_text(addr)


def _dec_epoll_event(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    evs = S.parse_epoll_events(c.cap.get(i), 1, c.arch)
    return evs[0] if evs else addr


def _fmt_epoll_events_out(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if not c.ok:
        return addr_text(addr)
    count = c.length(p)
    if count == 0:
        return "[]"
    evs = S.parse_epoll_events(c.cap.get(i), min(count, c.strsize + 1), c.arch)
    if evs is None:
        return addr_text(addr)
    items = [S.text_epoll_event(e) for e in evs[: c.strsize]]
    if count > c.strsize:
        items.append("...")
    return "[" + ", ".join(items) + "]"


def _dec_epoll_events_out(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if not c.ok:
        return addr
    if c.length(p) == 0:
        return []
    evs = S.parse_epoll_events(c.cap.get(i), c.length(p), c.arch)
    return evs if evs is not None else addr


def _fmt_dirents(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    n = c.cap.get(i)
    if not c.ok or not isinstance(n, int):
        return addr_text(addr)
    return f"{addr_text(addr)} /* {n} entr{'y' if n == 1 else 'ies'} */"


def _dec_dirents(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    n = c.cap.get(i)
    if not c.ok or not isinstance(n, int):
        return addr
    return {"addr": addr, "entries": n}


def _fmt_fd_set(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    bits = S.fd_set_bits(c.cap.get(i), s32(c.arg(int(p))) if p and p.isdigit() else 0)
    if bits is None:
        return addr_text(addr)
    return "[" + " ".join(_fd_n(c, fd) for fd in bits) + "]"


def _dec_fd_set(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    bits = S.fd_set_bits(c.cap.get(i), s32(c.arg(int(p))) if p and p.isdigit() else 0)
    return bits if bits is not None else addr


def _gids(out: bool, c: Call, i: int, p: str | None) -> list[int] | None:
    """getgroups/setgroups: an array of gid_t, as many as the size argument (or return)."""
    data = _bytes(c.cap.get(i))
    if data is None or (out and not c.ok):
        return None
    n = min(len(data) // 4, c.length(p))
    return [S.u32(data, 4 * k) for k in range(n)]


def _fmt_gid_list(out: bool, c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    gids = _gids(out, c, i, p)
    if gids is None or (c.length(p) == 0 and not out):
        return addr_text(addr)
    parts = [str(g) for g in gids[: c.strsize]]
    mark = _short_mark(c, i)
    if mark is not None:
        parts.append(mark)
    elif c.length(p) > c.strsize:
        parts.append("...")
    return "[" + ", ".join(parts) + "]"


def _dec_gid_list(out: bool, c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    gids = _gids(out, c, i, p)
    return gids if gids is not None else addr


def _fmt_cpu_set(out: bool, c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    if out and not c.ok:
        return addr_text(addr)
    cpus = S.cpu_list(c.cap.get(i))
    if cpus is None:
        return addr_text(addr)
    return "[" + " ".join(map(str, cpus)) + "]"


def _dec_cpu_set(out: bool, c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    if out and not c.ok:
        return addr
    cpus = S.cpu_list(c.cap.get(i))
    return cpus if cpus is not None else addr


def _fmt_siginfo(out: bool, c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    if out and not c.ok:
        return addr_text(addr)
    data = _bytes(c.cap.get(i))
    if data is None or len(data) < 12:
        return addr_text(addr)
    return format_siginfo(data)


def _dec_siginfo(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    data = _bytes(c.cap.get(i))
    if data is None or len(data) < 12:
        return addr
    signo, err, code = S.i32(data), S.i32(data, 4), S.i32(data, 8)
    return {"si_signo": signal_name(signo), "si_errno": err, "si_code": code}


def _fmt_clone_args(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    a = S.parse_clone_args(c.cap.get(i))
    if a is None:
        return addr_text(addr)
    text = S.text_clone_args(a)
    if c.ok:
        after = []
        pidfd, ptid = c.cap.get(("pidfd", i)), c.cap.get(("parent_tid", i))
        if isinstance(pidfd, int):
            after.append(f"pidfd=[{pidfd}]")
        if isinstance(ptid, int):
            after.append(f"parent_tid=[{ptid}]")
        if after:
            text += " => {" + ", ".join(after) + "}"
    return text


def _fmt_open_how(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    h = S.parse_open_how(c.cap.get(i)) if c.length(p) >= 24 else None
    return S.text_open_how(h, c.arch == "aarch64") if h is not None else addr_text(addr)


def _dec_open_how(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    h = S.parse_open_how(c.cap.get(i))
    if h is None:
        return addr
    return {"flags": F.open_flags(h["flags"], aarch64=c.arch == "aarch64"),
            "mode": h["mode"], "resolve": F.flags(F.RESOLVE_FLAGS, h["resolve"])}


def _loff(c: Call, key: object) -> int | None:
    data = _bytes(c.cap.get(key))
    return S.i64(data) if data is not None and len(data) >= 8 else None


def _fmt_loff_in(c: Call, i: int, p: str | None) -> str:
    """A loff_t the call reads (splice, copy_file_range): ``[5]``."""
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    v = _loff(c, i)
    return f"[{v}]" if v is not None else addr_text(addr)


def _dec_loff_in(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    return None if addr == 0 else _loff(c, i) if _loff(c, i) is not None else addr


def _fmt_loff_inout(c: Call, i: int, p: str | None) -> str:
    """sendfile's offset: ``[0] => [35]``, the new value once some bytes went."""
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    before = _loff(c, ("in", i))
    if before is None:
        return addr_text(addr)
    text = f"[{before}]"
    after = _loff(c, i)
    if c.ok and c.retval and after is not None:
        text += f" => [{after}]"
    return text


def _dec_loff_inout(c: Call, i: int, p: str | None) -> object:
    addr = c.arg(i)
    if addr == 0:
        return None
    v = _loff(c, i) if c.ok else _loff(c, ("in", i))
    return v if v is not None else addr


def _fmt_pselect6_sig(c: Call, i: int, p: str | None) -> str:
    """pselect6's {sigmask, sigsetsize} pair."""
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    data = _bytes(c.cap.get(i))
    if data is None or len(data) < 16:
        return addr_text(addr)
    ss, size = S.u64(data), S.u64(data, 8)
    mask = _bytes(c.cap.get(("mask", i)))
    if ss == 0:
        sig = "NULL"
    elif mask is not None and size == 8 and len(mask) >= 8:
        sig = S.sigset_text(S.u64(mask))
    else:
        sig = addr_text(ss)
    return f"{{sigmask={sig}, sigsetsize={size}}}"


def _fmt_time_pair(parse: Callable[[object, int], dict[str, Any] | None], text: Printer,
                   c: Call, i: int, p: str | None) -> str:
    """utimes/utimensat's two times: ``[{...}, {...}]``."""
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    data = c.cap.get(i)
    a, b = parse(data, 0), parse(data, 16)
    if a is None or b is None:
        return addr_text(addr)
    return f"[{text(a)}, {text(b)}]"


def _fmt_mincore_vec(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if not c.ok:
        return addr_text(addr)
    data = _bytes(c.cap.get(i))
    if data is None:
        return addr_text(addr)
    pages = (c.length(p) + 4095) // 4096
    items = [str(b) for b in data[: min(pages, c.strsize)]]
    if pages > c.strsize:
        items.append("...")
    return "[" + ", ".join(items) + "]"


def _dec_mincore_vec(c: Call, i: int, p: str | None) -> object:
    data = _bytes(c.cap.get(i))
    return list(data) if c.ok and data is not None else c.arg(i)


_time_text = S.date_text  # time()'s value as strace annotates it


def _fmt_time_out(c: Call, i: int, p: str | None) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    data = _out_ready(c, i)
    if data is None or len(data) < 8:
        return addr_text(addr)
    t = S.i64(data)
    date = _time_text(t)
    return f"[{t} /* {date} */]" if date else f"[{t}]"


def _dec_time_out(c: Call, i: int, p: str | None) -> object:
    data = _out_ready(c, i)
    return S.i64(data) if data is not None and len(data) >= 8 else _dec_ptr(c, i, p)


Formatter = Callable[[Call, int, str | None], str]
Decoder = Callable[[Call, int, str | None], object]

FORMATTERS: dict[str, Formatter] = {}
DECODERS: dict[str, Decoder] = {}


def _register(kind: str, fmt: Formatter, dec: Decoder) -> None:
    FORMATTERS[kind] = fmt
    DECODERS[kind] = dec


for _kind, _fn in (("int", s32), ("long", s64), ("ssize", s64), ("off", s64),
                   ("pid", s32), ("uint", lambda v: v & M32), ("ulong", lambda v: v & M64),
                   ("size", lambda v: v & M64)):
    _register(_kind, partial(_num_fmt, _fn), partial(_num_dec, _fn))
_register("uid", lambda c, i, p: str(_id(c.arg(i))), _dec_id)
_register("gid", lambda c, i, p: str(_id(c.arg(i))), _dec_id)
_register("hex", _fmt_hex, lambda c, i, p: c.arg(i))
_register("addr", _fmt_addr, _dec_ptr)
_register("ptr", _fmt_addr, _dec_ptr)
_register("rseq", _fmt_addr, _dec_ptr)
_register("robust_list", _fmt_addr, _dec_ptr)
for _kind in ("octal", "mode", "umask"):
    _register(_kind, _fmt_octal, _dec_octal)
_register("fd", _fmt_fd, _dec_fd)
_register("dirfd", _fmt_dirfd, _dec_dirfd)
_register("path", _fmt_path, _dec_str)
_register("str", _fmt_str, _dec_str)
_register("path_out", _fmt_path_out, _dec_path_out)
_register("buf_in", _fmt_buf_in, _dec_buf)
_register("buf_out", _fmt_buf_out, _dec_buf_out)
_register("argv", _fmt_argv, _dec_argv)
_register("envp", _fmt_envp, _dec_envp)
def xlat_styled(c: Call, value: int, text: str) -> str:
    """A constant's text as -X asks: by name (abbrev), as a number (raw) or both."""
    if not c.xlat:
        return text
    raw = F.hexc(value)
    if c.xlat == 1:
        return raw
    return text if text == raw or text.startswith(raw + " /*") else f"{raw} /* {text} */"


def _fmt_text(fn: Callable[[int], str], c: Call, i: int, p: str | None) -> str:
    return fn(c.arg(i))


def _fmt_styled(inner: Formatter, c: Call, i: int, p: str | None) -> str:
    """``inner``'s text styled as one constant by -X (not each of its parts)."""
    if not c.xlat:
        return inner(c, i, p)
    old = F.set_style(0)
    try:
        return xlat_styled(c, c.arg(i) & M32, inner(c, i, p))
    finally:
        F.set_style(old)


def _fmt_signal(c: Call, i: int, p: str | None) -> str:
    """A signal number: ``SIGUSR1``; -X raw: ``10``, -X verbose: ``10 /* SIGUSR1 */``."""
    n = s32(c.arg(i))
    return F.styled(n, signal_name(n), str(n)) if c.xlat else signal_name(n)


for _kind, _text in _SIMPLE.items():
    _register(_kind, partial(_fmt_styled, partial(_fmt_text, _text)), partial(_num_dec, _text))
_register("open_flags", partial(_fmt_styled, _fmt_open_flags), _fmt_open_flags)
FORMATTERS["signal"] = _fmt_signal
_register("sockopt", _fmt_sockopt, _fmt_sockopt)
_register("sockaddr", partial(_struct_fmt, S.parse_sockaddr, S.text_sockaddr, False),
          partial(_struct_dec, S.parse_sockaddr, False))
_register("sockaddr_out", partial(_struct_fmt, S.parse_sockaddr, S.text_sockaddr, True),
          partial(_struct_dec, S.parse_sockaddr, True))
_register("int_out", _fmt_int_out, _dec_int_out)
_register("sockopt_val", _fmt_sockopt_val, _dec_buf)
_register("sockopt_val_out", _fmt_sockopt_val_out, _dec_buf_out)
_register("stat_out", _fmt_stat, _dec_stat)
for _kind, _parse, _print, _out in (
        ("statx_out", S.parse_statx, S.text_statx, True),
        ("statfs_out", S.parse_statfs, S.text_statfs, True),
        ("timespec", S.parse_timespec, S.text_timespec, False),
        ("timespec_out", S.parse_timespec, S.text_timespec, True),
        ("timeval", S.parse_timeval, S.text_timeval, False),
        ("timeval_out", S.parse_timeval, S.text_timeval, True),
        ("itimerspec", S.parse_itimerspec, S.text_itimerspec, False),
        ("itimerspec_out", S.parse_itimerspec, S.text_itimerspec, True),
        ("itimerval", S.parse_itimerval, S.text_itimerval, False),
        ("itimerval_out", S.parse_itimerval, S.text_itimerval, True),
        ("rlimit", S.parse_rlimit, S.text_rlimit, False),
        ("rlimit_out", S.parse_rlimit, S.text_rlimit, True),
        ("utsname_out", S.parse_utsname, S.text_utsname, True),
        ("sysinfo_out", S.parse_sysinfo, S.text_sysinfo, True),
        ("rusage_out", S.parse_rusage, S.text_rusage, True),
        ("timex_out", S.parse_timex, S.text_timex, True),
        ("sigaction", S.parse_sigaction, S.text_sigaction, False),
        ("sigaction_out", S.parse_sigaction, S.text_sigaction, True),
        ("stack_t", S.parse_stack_t, S.text_stack_t, False),
        ("stack_t_out", S.parse_stack_t, S.text_stack_t, True),
        ("sched_param", _parse_sched_param, _text_sched_param, False),
        ("sched_param_out", _parse_sched_param, _text_sched_param, True),
        ("clone_args", S.parse_clone_args, S.text_clone_args, False),
        ("winsize", S.parse_winsize, S.text_winsize, False),
        ("winsize_out", S.parse_winsize, S.text_winsize, True),
        ("termios", S.parse_termios, S.text_termios, False),
        ("termios_out", S.parse_termios, S.text_termios, True),
        ("flock", S.parse_flock, S.text_flock, False),
        ("timezone", S.parse_timezone, S.text_timezone, False),
        ("timezone_out", S.parse_timezone, S.text_timezone, True),
        ("tms_out", S.parse_tms, S.text_tms, True),
        ("sched_attr", S.parse_sched_attr, S.text_sched_attr, False),
        ("sched_attr_out", S.parse_sched_attr, S.text_sched_attr, True),
        ("sigevent", S.parse_sigevent, S.text_sigevent, False),
        ("cap_header", S.parse_cap_header, S.text_cap_header, False),
        ("cap_data", S.parse_cap_data, S.text_cap_data, False),
        ("cap_data_out", S.parse_cap_data, S.text_cap_data, True),
):
    _register(_kind, partial(_struct_fmt, _parse, _print, _out), partial(_struct_dec, _parse, _out))
FORMATTERS["clone_args"] = _fmt_clone_args
_FMT_RUSAGE = FORMATTERS["rusage_out"]
# wait4 writes the rusage only when it reaped a child (it returned a pid)
_FMT_RUSAGE_FULL = partial(_struct_fmt, S.parse_rusage, S.text_rusage_full, True)
FORMATTERS["rusage_out"] = lambda c, i, p: (
    addr_text(c.arg(i)) if c.info.name == "wait4" and c.retval == 0
    else (_FMT_RUSAGE_FULL if c.verbose else _FMT_RUSAGE)(c, i, p))
_FMT_UTSNAME = FORMATTERS["utsname_out"]
_FMT_UTSNAME_FULL = partial(_struct_fmt, S.parse_utsname, S.text_utsname_full, True)
FORMATTERS["utsname_out"] = lambda c, i, p: (_FMT_UTSNAME_FULL if c.verbose
                                             else _FMT_UTSNAME)(c, i, p)
_register("open_how", _fmt_open_how, _dec_open_how)
_register("timespec_rem", _fmt_timespec_rem, _dec_timespec_rem)
_register("loff_in", _fmt_loff_in, _dec_loff_in)
_register("loff_inout", _fmt_loff_inout, _dec_loff_inout)
_register("pselect6_sig", _fmt_pselect6_sig, _dec_buf)
_register("timeval_pair", partial(_fmt_time_pair, S.parse_timeval, S.text_utime_timeval),
          _dec_buf)
_register("timespec_pair", partial(_fmt_time_pair, S.parse_timespec, S.text_utime_timespec),
          _dec_buf)
_register("mincore_vec_out", _fmt_mincore_vec, _dec_mincore_vec)
_register("time_out", _fmt_time_out, _dec_time_out)
_register("time", partial(_num_fmt, s64), partial(_num_dec, s64))  # time()'s return kind
_register("sigset", _fmt_sigset, _dec_sigset)
_register("sigset_out", _fmt_sigset_out, _dec_sigset_out)
_register("iovec_in", _fmt_iovec_in, _dec_iovec)
_register("iovec_out", _fmt_iovec_out, _dec_iovec)
_register("msghdr_in", partial(_fmt_msghdr, False), _dec_msghdr)
_register("msghdr_out", partial(_fmt_msghdr, True), _dec_msghdr)
_register("pollfd", _fmt_pollfd, _dec_pollfd)
_register("fd_pair_out", _fmt_fd_pair, _dec_fd_pair)
_register("wstatus_out", _fmt_wstatus, _dec_wstatus)
_register("epoll_event", _fmt_epoll_event, _dec_epoll_event)
_register("epoll_events_out", _fmt_epoll_events_out, _dec_epoll_events_out)
_register("dirents_out", _fmt_dirents, _dec_dirents)
_register("linux_dirent64_out", _fmt_dirents, _dec_dirents)
_register("fd_set", _fmt_fd_set, _dec_fd_set)
_register("gid_list", partial(_fmt_gid_list, False), partial(_dec_gid_list, False))
_register("gid_list_out", partial(_fmt_gid_list, True), partial(_dec_gid_list, True))
_register("cpu_set", partial(_fmt_cpu_set, False), partial(_dec_cpu_set, False))
_register("cpu_set_out", partial(_fmt_cpu_set, True), partial(_dec_cpu_set, True))
_register("siginfo", partial(_fmt_siginfo, False), _dec_siginfo)
_register("siginfo_out", partial(_fmt_siginfo, True), _dec_siginfo)
del _kind, _fn, _parse, _print, _out, _text


# --- whole-call printers --------------------------------------------------------------------------

def _one(c: Call, i: int) -> str:
    """Argument ``i`` formatted per its (overridden) kind."""
    if i >= len(c.kinds):
        return F.hexc(c.arg(i))
    base, param = c.kinds[i]
    fmt = FORMATTERS.get(base)
    if fmt is None:
        return F.hexc(c.arg(i))
    try:
        return fmt(c, i, param)
    except Exception:  # a garbage capture must never break a trace's output
        return F.hexc(c.arg(i))


def _sp_open(c: Call) -> list[str]:
    """open/openat/mq_open: the mode only with O_CREAT or O_TMPFILE."""
    nargs = len(c.info.args)
    flags_i = nargs - 2
    if c.info.name == "mq_open":
        flags_i = 1
    parts = [_one(c, i) for i in range(flags_i + 1)]
    if c.arg(flags_i) & (F.O_CREAT | F.O_TMPFILE_BIT):
        parts += [_one(c, i) for i in range(flags_i + 1, nargs)]
    return parts


def _sp_clone(c: Call) -> list[str]:
    aarch64 = c.arch == "aarch64"
    fl = c.arg(0)
    sig = fl & F.CSIGNAL
    fl &= ~F.CSIGNAL
    if fl:
        ftext = F.flags(F.CLONE_FLAGS_CLONE, fl)
        if sig:
            ftext += "|" + F.styled(sig, signal_name(sig), str(sig))
    else:
        ftext = F.styled(sig, signal_name(sig), str(sig)) if sig else "0"
    parts = [f"child_stack={addr_text(c.arg(1))}", f"flags={ftext}"]
    ptid_i, ctid_i, tls_i = (2, 4, 3) if aarch64 else (2, 3, 4)
    if fl & (X.CLONE_PARENT_SETTID | X.CLONE_PIDFD):
        parts.append(f"parent_tid={addr_text(c.arg(ptid_i))}")
    if fl & X.CLONE_SETTLS:
        parts.append(f"tls={addr_text(c.arg(tls_i))}")
    if fl & (X.CLONE_CHILD_SETTID | X.CLONE_CHILD_CLEARTID):
        parts.append(f"child_tidptr={addr_text(c.arg(ctid_i))}")
    return parts


_FCNTL_NOARG = frozenset({X.F_GETFD, X.F_GETFL, X.F_GETOWN, X.F_GETSIG, X.F_GETLEASE,
                          X.F_GETPIPE_SZ, X.F_GET_SEALS})
FCNTL_LOCKS = frozenset({X.F_GETLK, X.F_SETLK, X.F_SETLKW, X.F_OFD_GETLK, X.F_OFD_SETLK,
                          X.F_OFD_SETLKW})
FCNTL_GETLK = frozenset({X.F_GETLK, X.F_OFD_GETLK})  # the lock is an in/out argument
_FCNTL_OUT = FCNTL_GETLK | {X.F_GETOWN_EX}  # ... and the owner, written by the call


def _sp_fcntl(c: Call) -> list[str]:
    parts = [_one(c, 0), _one(c, 1)]
    cmd = c.arg(1) & M32
    arg = c.arg(2)
    if cmd in _FCNTL_NOARG:
        return parts
    if cmd == X.F_SETFD:
        parts.append(F.flags(F.FD_FLAGS, arg & M32))
    elif cmd == X.F_SETFL:
        parts.append(F.open_flags(arg, aarch64=c.arch == "aarch64"))
    elif cmd == X.F_SETOWN:  # an int
        parts.append(str(s32(arg)))
    elif cmd in (X.F_DUPFD, X.F_DUPFD_CLOEXEC, X.F_SETPIPE_SZ):  # strace 6.1: a long
        parts.append(str(s64(arg)))
    elif cmd == X.F_SETSIG:
        parts.append(signal_name(s32(arg)))
    elif cmd == X.F_SETLEASE:
        parts.append(F.xval(F.LEASE_TYPES, arg))  # strace 6.1: all 64 bits
    elif cmd == X.F_NOTIFY:
        parts.append(F.flags(F.DNOTIFY_FLAGS, arg))
    elif cmd == X.F_ADD_SEALS:
        parts.append(F.flags(F.SEAL_FLAGS, arg & M32))
    elif cmd in FCNTL_GETLK and c.ok and c.cap.get(("out", 2)) is not None:
        st = S.parse_flock(c.cap.get(("out", 2)))  # what the kernel wrote back
        parts.append(S.text_flock(st, with_pid=True) if st is not None else addr_text(arg))
    elif cmd in FCNTL_LOCKS:
        st = S.parse_flock(c.cap.get(2))
        parts.append(S.text_flock(st) if st is not None else addr_text(arg))
    elif cmd in (X.F_SETOWN_EX, X.F_GETOWN_EX):  # struct f_owner_ex
        data = _bytes(c.cap.get(("out", 2) if cmd == X.F_GETOWN_EX else 2))
        if data is not None and len(data) >= X.F_OWNER_EX_SIZE and (
                cmd == X.F_SETOWN_EX or c.ok):
            owner = F.xval(F.F_OWNER_TYPES, S.u32(data))
            parts.append(f"{{type={owner}, pid={S.i32(data, 4)}}}")
        else:
            parts.append(addr_text(arg))
    else:
        parts.append(F.hexc(arg))
    return parts


_IOCTL_INT_IN = frozenset({X.FIONBIO, X.FIOASYNC, X.TIOCSPGRP, X.TIOCSETD})
_IOCTL_INT_OUT = frozenset({X.FIONREAD, X.TIOCOUTQ, X.TIOCGPGRP, X.TIOCGSID, X.TIOCGETD,
                            X.TIOCGPTN})
_IOCTL_NOARG = frozenset({X.FIONCLEX, X.FIOCLEX, X.TIOCNOTTY, X.TIOCEXCL, X.TIOCNXCL,
                          X.TIOCVHANGUP})
_IOCTL_TERMIOS_IN = frozenset({X.TCSETS, X.TCSETSW, X.TCSETSF})
_IOCTL_INT_ARG = frozenset({X.TCSBRK, X.TCXONC, X.TCFLSH, X.TIOCSCTTY, X.TCSBRKP})  # not pointers


def _ioctl_name(req: int) -> str:
    """The request's name as strace prints it: ``SNDCTL_TMR_START or TCSETS`` for the
    numbers its ioctl table gives two names (linux/soundcard.h's and asm/ioctls.h's)."""
    alias = F.IOCTL_SOUND_ALIASES.by_value.get(req)
    name = F.ioctl_request(req)
    return f"{alias} or {name}" if alias is not None else name


def _sp_ioctl(c: Call) -> list[str]:
    req = c.arg(1) & M32
    parts = [_one(c, 0), _ioctl_name(req)]
    arg = c.arg(2)
    if req in _IOCTL_NOARG:
        return parts
    data = _bytes(c.cap.get(2))
    text = None
    if req == X.KDSETMODE:
        text = F.KD_MODES.by_value.get(arg & M32)
    elif req in _IOCTL_INT_ARG:
        text = str(s32(arg))
    elif arg == 0:
        text = "NULL" if req in F.IOCTL_REQUESTS.by_value else "0"
    elif (req in _IOCTL_INT_IN or (req in _IOCTL_INT_OUT and c.ok)) and (
            data is not None and len(data) >= 4):
        text = f"[{S.i32(data)}]"
    elif c.verbose is None:  # -e verbose=none: the structures' addresses
        pass
    elif (req == X.TCGETS and c.ok) or req in _IOCTL_TERMIOS_IN:
        st = S.parse_termios(data)
        text = None if st is None else (S.text_termios_full if c.verbose and len(st["c_cc"])
                                        == F.NCCS else S.text_termios)(st)
    elif (req == X.TIOCGWINSZ and c.ok) or req == X.TIOCSWINSZ:
        ws = S.parse_winsize(data)
        text = S.text_winsize(ws) if ws is not None else None
    if text is None:
        text = addr_text(arg) if req in F.IOCTL_REQUESTS.by_value else F.hexc(arg)
    parts.append(text)
    return parts


#: options strace prints without arguments (PR_GET_DUMPABLE, PR_GET_KEEPCAPS, ...)
_PR_NOARGS = frozenset({X.PR_GET_DUMPABLE, X.PR_GET_KEEPCAPS, X.PR_GET_SECCOMP,
                        X.PR_GET_SECUREBITS, X.PR_GET_TIMERSLACK, X.PR_TASK_PERF_EVENTS_DISABLE,
                        X.PR_TASK_PERF_EVENTS_ENABLE, X.PR_GET_FP_MODE,
                        X.PR_GET_TIMING})  # strace 6.1: "prctl(PR_GET_TIMING) = 0"
_PR_ULONG1 = frozenset({X.PR_SET_KEEPCAPS, X.PR_SET_TIMERSLACK, X.PR_SET_CHILD_SUBREAPER})
#: options strace prints with their four other arguments in hexadecimal ...
_PR_FOUR = frozenset({X.PR_MCE_KILL_GET, X.PR_SET_NO_NEW_PRIVS, X.PR_GET_NO_NEW_PRIVS,
                      X.PR_SET_THP_DISABLE, X.PR_GET_THP_DISABLE, X.PR_GET_IO_FLUSHER})
#: ... but for the value these set, in decimal
_PR_FOUR_SET = frozenset({X.PR_SET_NO_NEW_PRIVS, X.PR_SET_THP_DISABLE})
#: options whose second argument the call writes: printed when it returns
_PR_OUT = frozenset({X.PR_GET_PDEATHSIG, X.PR_GET_NAME, X.PR_GET_ENDIAN,
                     X.PR_GET_CHILD_SUBREAPER, X.PR_GET_TID_ADDRESS})


#: PR_CAP_AMBIENT's operations that name a capability
_PR_CAP_AMBIENT_CAP = frozenset({X.PR_CAP_AMBIENT_IS_SET, X.PR_CAP_AMBIENT_RAISE,
                                 X.PR_CAP_AMBIENT_LOWER})


def _sp_prctl(c: Call) -> list[str]:
    opt = c.arg(0) & M32
    parts = [F.xval(F.PRCTL_OPTIONS, opt)]
    if opt in _PR_NOARGS:
        return parts
    if opt == X.PR_SET_PDEATHSIG:
        parts.append(signal_name(s32(c.arg(1))))
    elif opt == X.PR_SET_NAME:
        parts.append(format_cstring(c.cap.get(1), c.arg(1), c.strsize, xstyle=c.xstyle))
    elif opt == X.PR_GET_NAME:
        parts.append(format_cstring(c.cap.get(1), c.arg(1), c.strsize, xstyle=c.xstyle) if c.ok
                     else addr_text(c.arg(1)))
    elif opt in (X.PR_GET_PDEATHSIG, X.PR_GET_CHILD_SUBREAPER):
        data = _out_ready(c, 1)
        if data is None or len(data) < 4:
            parts.append(addr_text(c.arg(1)))
        else:
            v = S.i32(data)
            parts.append(f"[{signal_name(v) if opt == X.PR_GET_PDEATHSIG and v else v}]")
    elif opt in _PR_ULONG1:
        parts.append(str(c.arg(1)))
    elif opt in _PR_FOUR:
        parts += [str(c.arg(1)) if opt in _PR_FOUR_SET else F.hexc(c.arg(1))]
        parts += [F.hexc(c.arg(k)) for k in range(2, 5)]
    elif opt == X.PR_SET_ENDIAN:
        parts.append(str(c.arg(1)))
    elif opt == X.PR_SET_DUMPABLE:
        parts.append(F.xval(F.SUID_DUMP, c.arg(1)))
    elif opt == X.PR_GET_TID_ADDRESS:
        data = _out_ready(c, 1)
        parts.append(f"[{F.hexc(S.u64(data))}]" if data is not None and len(data) >= 8
                     else addr_text(c.arg(1)))
    elif opt in (X.PR_GET_SPECULATION_CTRL, X.PR_SET_SPECULATION_CTRL):
        parts.append(F.xval(F.PR_SPEC_WHICH, c.arg(1)))
        if opt == X.PR_SET_SPECULATION_CTRL:
            parts.append(F.xval(F.PR_SPEC_SET_FLAGS, c.arg(2)))
    elif opt == X.PR_CAP_AMBIENT:
        parts.append(F.xval(F.PR_CAP_AMBIENT_OPS, c.arg(1)))
        parts.append(F.xval(F.CAPABILITIES, c.arg(2)) if c.arg(1) in _PR_CAP_AMBIENT_CAP
                     else F.hexc(c.arg(2)))
        parts += [F.hexc(c.arg(3)), F.hexc(c.arg(4))]
    elif opt == X.PR_SET_PTRACER:
        pid = s32(c.arg(1))  # an int: 0xffffffff is PR_SET_PTRACER_ANY too (strace 6.1)
        parts.append("PR_SET_PTRACER_ANY" if pid == s64(X.PR_SET_PTRACER_ANY) else str(pid))
    elif opt == X.PR_SET_VMA:
        parts.append(F.xval(F.PR_SET_VMA_OPS, c.arg(1)))
        anon_name = c.arg(1) == X.PR_SET_VMA_ANON_NAME
        parts += [addr_text(c.arg(2)), str(c.arg(3)) if anon_name else F.hexc(c.arg(3))]
        if anon_name:
            parts.append(format_cstring(c.cap.get(4), c.arg(4), c.strsize, xstyle=c.xstyle))
        else:
            parts.append(F.hexc(c.arg(4)))
    elif opt in (X.PR_CAPBSET_READ, X.PR_CAPBSET_DROP):
        parts.append(F.xval(F.CAPABILITIES, c.arg(1)))
    elif opt == X.PR_GET_ENDIAN:
        parts.append(addr_text(c.arg(1)))
    else:
        parts += [F.hexc(c.arg(k)) for k in range(1, 5)]
    return parts


#: arch_prctl's codes that write a value at their address
ARCH_PRCTL_GET = frozenset({X.ARCH_GET_FS, X.ARCH_GET_GS, X.ARCH_GET_XCOMP_SUPP,
                            X.ARCH_GET_XCOMP_PERM, X.ARCH_GET_XCOMP_GUEST_PERM})


def _sp_arch_prctl(c: Call) -> list[str]:
    code = c.arg(0) & M32
    parts = [F.xval(F.ARCH_PRCTL, code)]
    arg = c.arg(1)
    if code in (X.ARCH_SET_GS, X.ARCH_SET_FS):
        parts.append(F.hexc(arg))
    elif code in ARCH_PRCTL_GET:  # a pointer out
        data = _out_ready(c, 1)
        if arg and data is not None and len(data) >= 8:
            parts.append(f"[{F.hexc(S.u64(data))}]")
        else:
            parts.append(addr_text(arg))
    elif code == X.ARCH_GET_CPUID:
        pass
    elif code == X.ARCH_SET_CPUID:
        parts.append(str(arg))
    else:
        parts.append(F.hexc(arg))
    return parts


def _timeout(c: Call, i: int) -> str:
    addr = c.arg(i)
    if addr == 0:
        return "NULL"
    t = S.parse_timespec(c.cap.get(i))
    return S.text_timespec(t) if t is not None else addr_text(addr)


def _futex_bitset(v: int) -> str:
    return "FUTEX_BITSET_MATCH_ANY" if v == X.FUTEX_BITSET_MATCH_ANY else F.hexc(v)


def _shifted(x: F.Xlat, v: int, shift: int) -> str:
    """A FUTEX_OP field as strace prints it: ``FUTEX_OP_SET<<28``,
    ``0x7<<28 /* FUTEX_OP_??? */``."""
    text = F.xval(x, v)
    comment = f" /* {x.unknown} */"
    if text.endswith(comment):  # the shift goes before the comment
        return f"{text[: -len(comment)]}<<{shift}{comment}"
    return f"{text}<<{shift}"


def _sp_futex(c: Call) -> list[str]:
    op = c.arg(1) & M32
    cmd = op & 127 & ~F.FUTEX_PRIVATE_FLAG
    uaddr = addr_text(c.arg(0))
    val = str(c.arg(2) & M32)
    val2 = str(c.arg(3) & M32)
    uaddr2 = addr_text(c.arg(4))
    val3 = c.arg(5) & M32
    parts = [uaddr, F.futex_op(op)]
    if cmd == X.FUTEX_WAIT:
        parts += [val, _timeout(c, 3)]
    elif cmd in (X.FUTEX_WAKE, X.FUTEX_FD):
        parts.append(val)
    elif cmd == X.FUTEX_REQUEUE:
        parts += [val, val2, uaddr2]
    elif cmd in (X.FUTEX_CMP_REQUEUE, X.FUTEX_CMP_REQUEUE_PI):
        parts += [val, val2, uaddr2, str(val3)]
    elif cmd == X.FUTEX_WAKE_OP:
        text = "FUTEX_OP_OPARG_SHIFT<<28|" if val3 >> 31 else ""
        text += _shifted(F.FUTEX_WAKE_OPS, (val3 >> 28) & 7, 28)
        text += f"|{F.hexc((val3 >> 12) & 0xFFF)}<<12|"
        text += _shifted(F.FUTEX_WAKE_CMPS, (val3 >> 24) & 15, 24)
        parts += [val, val2, uaddr2, f"{text}|{F.hexc(val3 & 0xFFF)}"]
    elif cmd in (X.FUTEX_LOCK_PI, X.FUTEX_LOCK_PI2):
        parts.append(_timeout(c, 3))
    elif cmd in (X.FUTEX_UNLOCK_PI, X.FUTEX_TRYLOCK_PI):
        pass
    elif cmd == X.FUTEX_WAIT_BITSET:
        parts += [val, _timeout(c, 3), _futex_bitset(val3)]
    elif cmd == X.FUTEX_WAKE_BITSET:
        parts += [val, _futex_bitset(val3)]
    elif cmd == X.FUTEX_WAIT_REQUEUE_PI:
        parts += [val, _timeout(c, 3), uaddr2]
    else:
        parts += [val, addr_text(c.arg(3)), uaddr2, F.hexc(val3)]
    return parts


_PTRACE_NO_ADDR = frozenset({X.PTRACE_KILL, X.PTRACE_ATTACH, X.PTRACE_INTERRUPT,
                             X.PTRACE_LISTEN})
_PTRACE_REGS = frozenset({X.PTRACE_GETREGS, X.PTRACE_SETREGS, X.PTRACE_GETFPREGS,
                          X.PTRACE_SETFPREGS, X.PTRACE_GETFPXREGS, X.PTRACE_SETFPXREGS})
_PTRACE_ADDR_NUMBER = frozenset({X.PTRACE_GETSIGMASK, X.PTRACE_SETSIGMASK,
                                 X.PTRACE_SECCOMP_GET_FILTER, X.PTRACE_SECCOMP_GET_METADATA,
                                 X.PTRACE_GET_SYSCALL_INFO})
#: the requests whose data is a signal to deliver
_PTRACE_SIGNAL = frozenset({X.PTRACE_CONT, X.PTRACE_SINGLESTEP, X.PTRACE_DETACH,
                            X.PTRACE_SYSCALL, X.PTRACE_SYSEMU, X.PTRACE_SYSEMU_SINGLESTEP,
                            X.PTRACE_SINGLEBLOCK})


def _sp_ptrace(c: Call) -> list[str]:
    req = c.arg(0) & M64
    parts = [F.xval(F.PTRACE_REQUESTS, req), str(s32(c.arg(1)))]
    if req == X.PTRACE_TRACEME:
        return parts[:1]
    if req in _PTRACE_NO_ADDR:
        return parts
    addr, data = c.arg(2), c.arg(3)
    if req in _PTRACE_REGS:
        if req in (X.PTRACE_GETFPXREGS, X.PTRACE_SETFPXREGS):
            parts.append(addr_text(addr))
        parts.append(addr_text(data))
        return parts
    if req in (X.PTRACE_PEEKUSR, X.PTRACE_POKEUSR):  # an offset in struct user
        regs = F.USER_REGS_X86_64
        if c.arch != "aarch64" and addr % 8 == 0 and addr // 8 < len(regs):
            parts.append(f"8*{regs[addr // 8]}")
        else:
            parts.append(F.hexc(addr))
    elif req in (X.PTRACE_GETREGSET, X.PTRACE_SETREGSET):
        parts.append(F.xval(F.NT_TYPES, addr & M32))
    elif req in _PTRACE_ADDR_NUMBER:  # sizes and indexes
        parts.append(str(addr))
    else:
        parts.append(addr_text(addr))
    if req in _PTRACE_SIGNAL:
        parts.append(signal_name(s32(data)))
    elif req in (X.PTRACE_SETOPTIONS, X.PTRACE_SEIZE):
        parts.append(F.flags(F.PTRACE_OPTIONS, data & M32))
    else:
        parts.append(addr_text(data))
    return parts


def _sp_mount(c: Call) -> list[str]:
    """mount: the fs type is an address for remount/bind/move/propagation changes."""
    parts = [_one(c, i) for i in range(len(c.info.args))]
    fl = c.arg(3) & M32
    if fl & F.MS_MGC_MSK == F.MS_MGC_VAL:
        fl &= ~F.MS_MGC_MSK
    if fl & (X.MS_REMOUNT | X.MS_BIND | X.MS_MOVE | X.MS_UNBINDABLE | X.MS_PRIVATE | X.MS_SLAVE
             | X.MS_SHARED):
        parts[2] = addr_text(c.arg(2))
    return parts


def _sp_socket(c: Call) -> list[str]:
    fam = c.arg(0) & M32
    parts = [_one(c, 0), _styled_sock_type(c, c.arg(1) & M32)]
    proto = c.arg(2) & M32
    if fam in (F.AF_INET, F.AF_INET6):
        parts.append(xlat_styled(c, proto, F.xval(F.IPPROTOS, proto)))
    elif fam == F.AF_NETLINK:
        parts.append(xlat_styled(c, proto, F.xval(F.NETLINK_PROTOS, proto)))
    elif fam == F.AF_PACKET:
        be = ((proto & 0xFF) << 8) | ((proto >> 8) & 0xFF)
        parts.append(f"htons({F.xval(F.ETH_PROTOS, be)})")
    else:
        parts.append(str(proto))
    parts += [_one(c, i) for i in range(3, len(c.info.args))]
    return parts


def _styled_sock_type(c: Call, v: int) -> str:
    """The socket type and its flags, each in -X's style (strace styles them apart)."""
    if not c.xlat:
        return F.socket_type(v)
    kind, rest = v & F.SOCK_TYPE_MASK, v & ~F.SOCK_TYPE_MASK
    name = F.SOCK_TYPES.by_value.get(kind)
    if name is None:
        return xlat_styled(c, v, F.socket_type(v))
    text = xlat_styled(c, kind, name)
    if rest:
        text += "|" + xlat_styled(c, rest, F.flags(F.SOCK_TYPE_FLAGS, rest))
    return text


def _sp_seccomp(c: Call) -> list[str]:
    op = c.arg(0) & M32
    fl = c.arg(1) & M32
    ftext = (F.flags(F.SECCOMP_FILTER_FLAGS, fl) if op == X.SECCOMP_SET_MODE_FILTER
             else F.hexc(fl))
    return [_one(c, 0), ftext, _one(c, 2)]


def _sp_mknod(c: Call) -> list[str]:
    n = len(c.info.args)
    parts = [_one(c, i) for i in range(n - 1)]
    mode = c.arg(n - 2) & F.S_IFMT
    if mode in (X.S_IFCHR, X.S_IFBLK):
        parts.append(S.makedev(c.arg(n - 1)))
    return parts


def _sp_mremap(c: Call) -> list[str]:
    """mremap: the new address only with MREMAP_FIXED."""
    parts = [_one(c, i) for i in range(4)]
    if c.arg(3) & X.MREMAP_FIXED:
        parts.append(_one(c, 4))
    return parts


def _sp_first(n: int, c: Call) -> list[str]:
    """The first ``n`` arguments only (membarrier's third is printed by newer strace)."""
    return [_one(c, i) for i in range(min(n, len(c.info.args)))]


SPECIAL: dict[str, Callable[[Call], list[str]]] = {
    "open": _sp_open, "openat": _sp_open, "mq_open": _sp_open,
    "clone": _sp_clone, "fcntl": _sp_fcntl, "ioctl": _sp_ioctl, "prctl": _sp_prctl,
    "arch_prctl": _sp_arch_prctl, "futex": _sp_futex, "ptrace": _sp_ptrace,
    "socket": _sp_socket, "socketpair": _sp_socket, "seccomp": _sp_seccomp,
    "mknod": _sp_mknod, "mknodat": _sp_mknod, "membarrier": partial(_sp_first, 2),
    "mount": _sp_mount, "mremap": _sp_mremap,
}


def _entry_prctl(raw: tuple[int, ...]) -> int | None:
    return 1 if raw and raw[0] & M32 in _PR_OUT else None


#: clone flags whose arguments are printed at exit
_CLONE_AT_EXIT = (X.CLONE_PARENT_SETTID | X.CLONE_PIDFD | X.CLONE_SETTLS | X.CLONE_CHILD_SETTID
                  | X.CLONE_CHILD_CLEARTID)


def _entry_clone(raw: tuple[int, ...]) -> int | None:
    return 2 if raw and raw[0] & _CLONE_AT_EXIT else None


def _entry_fcntl(raw: tuple[int, ...]) -> int | None:
    return 2 if len(raw) > 1 and raw[1] & M32 in _FCNTL_OUT else None


#: Whole-call printers whose arguments are all known at entry but for some commands:
#: how many are (None: all of them).
_ENTRY_BY_CALL: dict[str, Callable[[tuple[int, ...]], int | None]] = {
    "prctl": _entry_prctl, "fcntl": _entry_fcntl, "clone": _entry_clone,
}

#: How many leading arguments a whole-call printer shows at entry (the rest at exit).
_ENTRY_COUNTS = {"ioctl": 2, "arch_prctl": 1, "clone": 2, "clone3": 0}  # the most


def entry_arg_count(info: SyscallInfo) -> int:
    """How many of :func:`format_arg_list`'s leading items are final at syscall entry.

    strace prints those when the call starts and the others (out-parameters, decoded only
    once the call returned) after ``<... resumed>``; this accounts for the per-syscall
    decoding (``getsockopt``'s value, ``ioctl``'s argument) that the table's kinds alone
    do not show.
    """
    count = _ENTRY_COUNTS.get(info.name)
    if count is not None:
        return count
    for i, (base, _) in enumerate(kinds_of(info)):
        if base.endswith("_out") or base in ("timespec_rem", "loff_inout"):
            return i
    return len(info.args)


# --- public entry points ------------------------------------------------------------------------

def format_arg_list(info: SyscallInfo, raw: tuple[int, ...],
                    captured: Mapping[Any, object] | None, retval: int | None, *,
                    strsize: int = 32, fd_paths: bool = False,
                    arch: str | None = None) -> list[str]:
    """Each argument as strace prints it (a special syscall may print fewer or named ones)."""
    return call_formatter(info, strsize=strsize, fd_paths=fd_paths,
                          arch=arch).arg_list(raw, captured, retval)


def format_args(info: SyscallInfo, raw: tuple[int, ...],
                captured: Mapping[Any, object] | None, retval: int | None, *,
                strsize: int = 32, fd_paths: bool = False, arch: str | None = None) -> str:
    """strace's text between the parentheses: ``AT_FDCWD, "/etc/ld.so.cache", O_RDONLY``."""
    return ", ".join(format_arg_list(info, raw, captured, retval, strsize=strsize,
                                     fd_paths=fd_paths, arch=arch))


def decode_args(info: SyscallInfo, raw: tuple[int, ...],
                captured: Mapping[Any, object] | None, retval: int | None, *,
                arch: str | None = None) -> tuple[object, ...]:
    """The values of ``SyscallEvent.args``: ints, strs, bytes, dicts, lists, None."""
    c = Call(info, raw, captured, retval, 1 << 30, False, arch)
    out: list[object] = []
    for i in range(len(info.args)):
        base, param = c.kinds[i]
        dec = DECODERS.get(base)
        value: object
        if dec is None:
            value = c.arg(i)
        else:
            try:
                value = dec(c, i, param)
            except Exception:
                value = c.arg(i)
        out.append(value)
    return tuple(out)


def paths(info: SyscallInfo, raw: tuple[int, ...],
          captured: Mapping[Any, object] | None) -> list[str]:
    """The path arguments of one call, decoded (unreadable ones left out)."""
    cap = captured if captured is not None else {}
    out = []
    for i, spec in enumerate(info.args):
        base = spec.base
        if base == "path" or (base == "path_out" and isinstance(cap.get(i), bytes)):
            data = cap.get(i)
            if isinstance(data, (bytes, bytearray)):
                out.append(os.fsdecode(bytes(data)))
    return out


# --- return values -------------------------------------------------------------------------

def _ret_fcntl(c: Call, r: int) -> str | None:
    if not c.xlat:
        return _ret_fcntl_text(c, r)
    old = F.set_style(c.xlat)  # sprintflags() honours -X, unlike the notes of the others
    try:
        return _ret_fcntl_text(c, r)
    finally:
        F.set_style(old)


def _ret_fcntl_text(c: Call, r: int) -> str | None:
    cmd = c.arg(1) & M32
    if cmd == X.F_GETFD:
        return f"{F.hexc(r)} (flags {F.flags(F.FD_FLAGS, r & M32)})" if r else "0"
    if cmd == X.F_GETFL:  # the open modes by name whatever -X says, as strace
        old = F.set_style(0)
        try:
            return f"{F.hexc(r)} (flags {F.open_flags(r, aarch64=c.arch == 'aarch64')})"
        finally:
            F.set_style(old)
    if cmd == X.F_GETLEASE:
        return f"{F.hexc(r)} ({F.xval(F.LEASE_TYPES, r & M32)})"
    if cmd == X.F_GETSIG:
        return f"{r} ({signal_name(r)})" if r else "0"
    if cmd == X.F_GET_SEALS:
        return f"{F.hexc(r)} (seals {F.flags(F.SEAL_FLAGS, r & M32)})" if r else "0"
    if cmd in (X.F_DUPFD, X.F_DUPFD_CLOEXEC):  # a new fd
        return _ret_fd(c, r)
    return None


def _ret_fd(c: Call, r: int) -> str:
    text = str(r)
    path = c.cap.get(("fd", "ret"))
    if c.fd_paths and path is not None:
        text += fd_path_text(path, c.xstyle)
    return text


def _ret_poll(c: Call, r: int) -> str:
    if r == 0:
        return "0 (Timeout)"
    count = c.length(c.kinds[0][1]) if c.kinds else 0
    fds = S.parse_pollfds(c.cap.get(("out", 0)), min(count, 1024))
    if fds is None:
        return str(r)
    return f"{r} ({S.text_revents(fds)})"


def _ret_select(c: Call, r: int) -> str:
    if r == 0:
        return "0 (Timeout)"
    nfds = s32(c.arg(0))
    parts = []
    left = r
    for i, label in ((1, "in"), (2, "out"), (3, "except")):
        if left <= 0:
            break
        bits = S.fd_set_bits(c.cap.get(("out", i)), nfds)
        if not bits:
            continue
        bits = bits[:left]
        left -= len(bits)
        parts.append(f"{label} [{' '.join(map(str, bits))}]")
    if c.arg(4):
        timeout = c.cap.get(("out", 4))
        if c.info.name == "select":
            tv = S.parse_timeval(timeout)
            if tv is not None:
                parts.append(f"left {S.text_timeval(tv)}")
        else:
            ts = S.parse_timespec(timeout)
            if ts is not None:
                parts.append(f"left {S.text_timespec(ts)}")
    return f"{r} ({', '.join(parts)})" if parts else str(r)


def _ret_prctl(c: Call, r: int) -> str | None:
    opt = c.arg(0) & M32
    if opt == X.PR_GET_DUMPABLE:
        name = F.SUID_DUMP.by_value.get(r)
        return f"{r} ({name})" if name else None
    if opt == X.PR_MCE_KILL_GET:
        name = F.PR_MCE_KILL_POLICIES.by_value.get(r)
        return f"{r} ({name})" if name else None
    if opt == X.PR_GET_SPECULATION_CTRL:
        if c.xlat == 1:  # strace's sprintflags() gives no note under -X raw
            return F.hexc(r)
        return f"{F.hexc(r)} ({F._flags(F.PR_SPEC_FLAGS, r, False)})"
    return None


def _ret_membarrier(c: Call, r: int) -> str | None:
    if c.arg(0) & M32 == X.MEMBARRIER_CMD_QUERY and r:
        return f"{F.hexc(r)} ({F.flags(F.MEMBARRIER_CMDS, r)})"
    return None


def _ret_clock_state(c: Call, r: int) -> str | None:
    """adjtimex, clock_adjtime: the clock state, ``5 (TIME_ERROR)``."""
    name = F.TIME_STATES.by_value.get(r)
    return f"{r} ({name})" if name is not None else None


_RET_SPECIAL: dict[str, Callable[[Call, int], str | None]] = {
    "fcntl": _ret_fcntl, "poll": _ret_poll, "ppoll": _ret_poll, "select": _ret_select,
    "pselect6": _ret_select, "prctl": _ret_prctl, "membarrier": _ret_membarrier,
    "adjtimex": _ret_clock_state, "clock_adjtime": _ret_clock_state,
}


def format_retval(info: SyscallInfo, retval: int | None, errno: int | None,
                  captured: Mapping[Any, object] | None = None, *,
                  raw: tuple[int, ...] | None = None, fd_paths: bool | None = None,
                  arch: str | None = None) -> str:
    """What strace prints after ``=``: ``3``, ``0x7f3c2a1b2000``, ``-1 ENOENT (...)``, ``?``.

    ``captured`` and ``raw`` (the arguments) are optional; with them the annotations
    strace adds appear (``3</etc/passwd>`` with fd paths, ``0 (Timeout)`` for poll, the
    flags of fcntl(F_GETFL)...).  ``fd_paths=None`` shows an fd's path when one was
    captured.
    """
    show_paths = fd_paths if fd_paths is not None else captured is not None
    f = call_formatter(info, fd_paths=bool(show_paths), arch=arch)
    return f.retval(raw, captured, retval, errno)


# --- per-syscall plans ---------------------------------------------------------------------------

def _ret_text(kind: str) -> Callable[[Call | None, int], str] | None:
    """The printer of a successful return value of ``kind``; None: needs :func:`_ret_fd`."""
    if kind in ("hex", "ptr"):
        return lambda c, r: F.hexc(r & M64)
    if kind == "fd":
        return None
    if kind in ("umask", "octal", "mode"):
        return lambda c, r: F.octal(r & M32)
    if kind == "time":
        def when(c: Call | None, r: int) -> str:
            date = _time_text(r)
            return f"{r} ({date})" if date else str(r)
        return when
    if kind == "personality":
        return lambda c, r: f"{F.hexc(r & M32)} ({F.personality(r)})"
    if kind == "sched_policy":
        def policy(c: Call | None, r: int) -> str:
            name = F.SCHED_POLICIES.by_value.get(r)
            return f"{r} ({name})" if name else str(r)
        return policy
    if kind == "signal":
        return lambda c, r: f"{r} ({signal_name(r)})" if r > 0 else str(r)
    if kind in ("uint", "uid", "gid"):
        return lambda c, r: str(r & M32)
    if kind in ("ulong", "size"):
        return lambda c, r: str(r & M64)
    return lambda c, r: str(r)


#: What strace still decodes with -e verbose=none: numbers, flags, fds, strings and
#: buffers (every other kind is a structure or an array read from memory)
_NOT_DEREFERENCED = frozenset({
    "int", "long", "ssize", "off", "pid", "uint", "ulong", "size", "uid", "gid", "hex",
    "addr", "ptr", "rseq", "robust_list", "octal", "mode", "umask", "fd", "dirfd", "time",
    "open_flags", "sockopt", "path", "str", "path_out", "buf_in", "buf_out", *_SIMPLE,
})


def _guarded(c: Call, fmt: Formatter, i: int, p: str | None) -> str:
    try:
        return fmt(c, i, p)
    except Exception:  # a garbage capture must never break a trace's output
        return F.hexc(c.arg(i))


class CallFormatter:
    """strace's text for one syscall, with every lookup done once, not per call.

    The output's hot path: the text sink keeps one per syscall number and so skips, for
    each line, the kind table, the override and formatter lookups and a second
    :class:`Call` for the return value.  :func:`format_arg_list` and
    :func:`format_retval` are the same code through a cache of these.
    """

    __slots__ = ("_entry_by_call", "_ret", "_ret_special", "_special", "_steps", "arch",
                 "entry_count",
                 "fd_paths", "info", "kinds", "strsize", "verbose", "xlat", "xstyle")

    def __init__(self, info: SyscallInfo, *, strsize: int = 32, fd_paths: bool = False,
                 arch: str | None = None, xstyle: int = 0, verbose: bool | None = False,
                 xlat: int = 0) -> None:
        self.xlat = xlat
        self.info = info
        self.xstyle = xstyle
        self.verbose = verbose
        self.kinds = kinds = kinds_of(info)
        self.strsize = strsize
        self.fd_paths = fd_paths
        self.arch = arch
        self.entry_count = entry_arg_count(info)
        self._entry_by_call = _ENTRY_BY_CALL.get(info.name)
        # verbose None (-e verbose=none): structures and arrays as their addresses
        self._steps = tuple((_fmt_addr if verbose is None and base not in _NOT_DEREFERENCED
                             else FORMATTERS.get(base, _fmt_hex), i, param)
                            for i, (base, param) in enumerate(kinds))
        self._special = SPECIAL.get(info.name)
        self._ret_special = _RET_SPECIAL.get(info.name)
        self._ret = _ret_text(info.ret)

    def entry_count_of(self, raw: tuple[int, ...]) -> int:
        """How many arguments of this call are final at its entry (all: len(kinds))."""
        if self._entry_by_call is None:
            return self.entry_count
        n = self._entry_by_call(raw)
        return len(self.kinds) if n is None else n

    def call(self, raw: tuple[int, ...], captured: Mapping[Any, object] | None,
             retval: int | None) -> Call:
        return Call(self.info, raw, captured, retval, self.strsize, self.fd_paths, self.arch,
                    self.kinds, self.xstyle, self.verbose, self.xlat)

    def arg_list(self, raw: tuple[int, ...], captured: Mapping[Any, object] | None,
                 retval: int | None) -> list[str]:
        """Each argument's text for these registers and captures."""
        return self.args(self.call(raw, captured, retval))

    def args(self, c: Call) -> list[str]:
        """Each argument's text (a special syscall may print fewer or named ones)."""
        if c.xlat:  # -X: the constants inside structures and whole-call printers too
            old = F.set_style(c.xlat)
            try:
                return self._args(c)
            finally:
                F.set_style(old)
        return self._args(c)

    def _args(self, c: Call) -> list[str]:
        special = self._special
        if special is not None:
            try:
                return special(c)
            except Exception:
                pass
        try:
            return [fmt(c, i, p) for fmt, i, p in self._steps]
        except Exception:  # find the argument that failed; the others print as usual
            return [_guarded(c, fmt, i, p) for fmt, i, p in self._steps]

    def retval(self, raw: tuple[int, ...] | None, captured: Mapping[Any, object] | None,
               retval: int | None, errno: int | None) -> str:
        """The text after ``=`` (see :func:`format_retval`)."""
        if errno is not None:
            return format_errno_retval(errno)
        if retval is None:
            return "?"
        r = retval if -0x8000000000000000 <= retval < 0x8000000000000000 else s64(retval)
        if -4096 < r < 0:
            return format_errno_retval(-r)
        special = self._ret_special
        plain = self._ret
        if special is None and plain is not None:  # needs no Call
            return plain(None, r)
        c = self.call(raw if raw is not None else (), captured, r)
        if special is not None and (raw is not None or self.info.name in ("poll", "ppoll")):
            try:
                text = special(c, r)
            except Exception:
                text = None
            if text is not None:
                return text
        return plain(c, r) if plain is not None else _ret_fd(c, r)


_FORMATTER_CACHE: dict[tuple[int, int, bool, str | None, int, bool | None, int],
                       tuple[SyscallInfo, CallFormatter]] = {}


def call_formatter(info: SyscallInfo, *, strsize: int = 32, fd_paths: bool = False,
                   arch: str | None = None, xstyle: int = 0, verbose: bool | None = False,
                   xlat: int = 0) -> CallFormatter:
    """The (cached) :class:`CallFormatter` of ``info`` for these options."""
    key = (id(info), strsize, fd_paths, arch, xstyle, verbose, xlat)
    hit = _FORMATTER_CACHE.get(key)
    if hit is not None and hit[0] is info:
        return hit[1]
    f = CallFormatter(info, strsize=strsize, fd_paths=fd_paths, arch=arch, xstyle=xstyle,
                      verbose=verbose, xlat=xlat)
    if len(_FORMATTER_CACHE) >= 8192:
        _FORMATTER_CACHE.clear()
    _FORMATTER_CACHE[key] = (info, f)
    return f
