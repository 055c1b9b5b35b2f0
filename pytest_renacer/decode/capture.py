"""Reading a syscall's argument memory at its entry and exit stops.

The tracer calls :meth:`Capturer.entry` at each syscall-entry stop and
:meth:`Capturer.exit` at each exit stop, with a :class:`MemoryReader` it owns.  Per
syscall number a *plan* (computed once, from the table's argument kinds) lists what to
read; a syscall with nothing to read costs one dict lookup.

What ``captured`` holds, by key (all plain, picklable values):

* ``i`` (argument index): ``bytes`` for strings, paths, buffers and fixed-size structs;
  ``list[bytes]`` (+ a trailing ``None`` when the array went on) for argv; ``int`` for
  envp (the variable count), int_out values and getdents (the entry count);
  ``list[(base, len, bytes | None)]`` for iovecs; a dict for msghdr.
* ``("in", i)``: an in/out length's value at entry (``[128 => 16]``).
* ``("out", i)``: what an in-and-out argument (pollfd, fd_set, select's timeout) holds
  at exit.
* ``("fd", i)`` / ``("fd", "ret")`` / ``("fdn", n)``: with ``fd_paths``, what the fd
  argument / returned fd / fd number ``n`` pointed to (str, from /proc/TID/fd).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from typing import Any, Protocol

from ..tables import SyscallTable
from . import structs as S
from .format import PARAM_INDEX, kinds_of
from .strings import PATH_MAX

__all__ = ["Captured", "Capturer", "MemoryReader"]

Captured = dict[Any, object]
M64 = 0xFFFFFFFFFFFFFFFF


class MemoryReader(Protocol):
    """What the tracer provides to read a stopped tracee's memory."""

    def read(self, tid: int, addr: int, size: int) -> bytes | None:
        """Up to ``size`` bytes at ``addr`` (fewer up to an unmapped page); None if none."""
        ...

    def read_cstring(self, tid: int, addr: int, limit: int) -> bytes | None:
        """The bytes before the NUL at ``addr``, at most ``limit``; None if unreadable."""
        ...


def _s32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def _s64(v: int) -> int:
    v &= M64
    return v - (1 << 64) if v & 0x8000000000000000 else v


EntryFn = Callable[["Capturer", int, tuple[int, ...], int, "str | None", Captured], None]
ExitFn = Callable[["Capturer", int, tuple[int, ...], int, "str | None", Captured, int, bool],
                  None]
Step = tuple[Any, int, "str | None"]


class Capturer:
    """The capture hooks the tracer calls at every syscall stop."""

    def __init__(self, table: SyscallTable, reader: MemoryReader, *, strsize: int = 32,
                 fd_paths: bool = False) -> None:
        self.table = table
        self.reader = reader
        self.strsize = max(0, strsize)
        self.fd_paths = fd_paths
        self.arch = table.arch
        self.stat_size = S.STAT_SIZE.get(table.arch, 144)
        self.epoll_size = S.epoll_event_size(table.arch)
        self._entry: dict[int, tuple[Step, ...]] = {}
        self._exit: dict[int, tuple[Step, ...]] = {}
        self._pending: dict[int, tuple[tuple[int, ...], Captured]] = {}
        for nr, info in table.by_nr.items():
            entry, exit_ = _plan(info.name, kinds_of(info), info.ret, fd_paths)
            if entry or exit_:
                self._entry[nr] = tuple(entry)
            if exit_:
                self._exit[nr] = tuple(exit_)
        self._entry_get = self._entry.get
        self._exit_get = self._exit.get

    # -- the hooks --------------------------------------------------------------------

    def entry(self, tid: int, nr: int, args: tuple[int, ...]) -> Captured | None:
        """Read the in-parameters of syscall ``nr``; None when there is nothing to keep."""
        plan = self._entry_get(nr)
        if plan is None:
            return None
        d: Captured = {}
        for fn, i, param in plan:
            try:
                fn(self, tid, args, i, param, d)
            except Exception:  # a garbage argument must never stop the tracer
                pass
        if nr in self._exit:
            self._pending[tid] = (args, d)
            return d
        return d or None

    def exit(self, tid: int, nr: int, args: tuple[int, ...], retval: int, failed: bool,
             captured: Captured | None) -> Captured | None:
        """Read the out-parameters; returns the entry's captures merged with them."""
        plan = self._exit_get(nr)
        if plan is None:
            return captured
        pending = self._pending.pop(tid, None)
        if captured is None:
            if pending is not None and (pending[0] is args or pending[0] == args):
                captured = pending[1]
            else:
                captured = {}
        retval = _s64(retval)
        for fn, i, param in plan:
            try:
                fn(self, tid, args, i, param, captured, retval, failed)
            except Exception:
                pass
        return captured

    # -- reading helpers ----------------------------------------------------------------

    def _read_exact(self, tid: int, addr: int, size: int) -> bytes | None:
        if addr == 0 or size <= 0:
            return b"" if addr and size == 0 else None
        data = self.reader.read(tid, addr, size)
        if data is None or len(data) < size:
            return None
        return bytes(data[:size])

    def _readlink_fd(self, tid: int, fd: int) -> str | None:
        try:
            if fd == -100:
                return os.readlink(f"/proc/{tid}/cwd")
            if fd < 0:
                return None
            return os.readlink(f"/proc/{tid}/fd/{fd}")
        except OSError:
            return None


# --- entry steps -------------------------------------------------------------------------------

def _arg(args: tuple[int, ...], i: int) -> int:
    return args[i] & M64 if 0 <= i < len(args) else 0


def _len(args: tuple[int, ...], param: str | None) -> int:
    i = PARAM_INDEX.get(param)
    if i is None and param is not None and param.isdigit():
        i = int(param)
    return _arg(args, i) if i is not None else 0


def _cstring(cap: Capturer, tid: int, addr: int, limit: int) -> bytes | None:
    """The string at ``addr``; None when it runs into unreadable memory before its NUL
    (strace then prints the address, not the part it could read)."""
    data = cap.reader.read_cstring(tid, addr, limit)
    if data is None:
        return None
    end = addr + len(data)
    if len(data) < limit and end % _PAGE == 0 and cap.reader.read(tid, end, 1) is None:
        return None  # stopped by the unmapped page, not by a NUL
    return bytes(data)


_PAGE = 4096


def _e_path(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
            d: Captured) -> None:
    addr = _arg(args, i)
    if addr:
        data = _cstring(cap, tid, addr, PATH_MAX)
        if data is not None:
            d[i] = data


def _e_str(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
           d: Captured) -> None:
    addr = _arg(args, i)
    if addr:
        data = _cstring(cap, tid, addr, cap.strsize + 1)
        if data is not None:
            d[i] = data


def _e_buf(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
           d: Captured) -> None:
    length = _len(args, p)
    if length >= 1 << 62:
        return
    data = cap._read_exact(tid, _arg(args, i), min(length, cap.strsize))
    if data is not None:
        d[i] = data


def _e_sockopt_val(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                   d: Captured) -> None:
    length = _s32(_len(args, p))
    if length > 0:
        data = cap._read_exact(tid, _arg(args, i), min(length, max(cap.strsize, 16)))
        if data is not None:
            d[i] = data


def _e_argv(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
            d: Captured) -> None:
    addr = _arg(args, i)
    if not addr:
        return
    n = cap.strsize + 1
    raw = cap.reader.read(tid, addr, 8 * n)
    if not raw or len(raw) < 8:
        return
    items: list[bytes | None] = []
    ended = False
    for k in range(len(raw) // 8):
        ptr = S.u64(raw, 8 * k)
        if ptr == 0:
            ended = True
            break
        s = cap.reader.read_cstring(tid, ptr, cap.strsize + 1)
        items.append(bytes(s) if s is not None else b"")
    if not ended:
        items = items[: cap.strsize]
        items.append(None)
    d[i] = items


def _e_envp(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
            d: Captured) -> None:
    addr = _arg(args, i)
    if not addr:
        return
    count = 0
    chunk = 512
    while count < 1 << 16:
        raw = cap.reader.read(tid, addr + 8 * count, 8 * chunk)
        if not raw or len(raw) < 8:
            if count == 0:
                return
            break
        words = struct.unpack_from(f"<{len(raw) // 8}Q", raw)
        try:
            end = words.index(0)
        except ValueError:
            count += len(words)
            continue
        count += end
        break
    d[i] = count


def _fixed(size: int | Callable[[Capturer], int]) -> Any:
    """A step reading ``size`` bytes at the argument (entry or exit, same shape)."""
    def entry(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
              d: Captured) -> None:
        n = size if isinstance(size, int) else size(cap)
        data = cap._read_exact(tid, _arg(args, i), n)
        if data is not None:
            d[i] = data

    def exit_(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
              d: Captured, retval: int, failed: bool) -> None:
        if not failed:
            entry(cap, tid, args, i, p, d)
    return entry, exit_


def _e_sockaddr(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                d: Captured) -> None:
    length = _s32(_len(args, p))
    if length >= 2:
        data = cap._read_exact(tid, _arg(args, i), min(length, 128))
        if data is not None:
            d[i] = data


def _e_sized(limit: int) -> Any:
    """A struct whose size is an argument (clone_args, open_how, sigset, cpu_set)."""
    def entry(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
              d: Captured) -> None:
        length = _len(args, p)
        if length > 0:
            data = cap._read_exact(tid, _arg(args, i), min(length, limit))
            if data is not None:
                d[i] = data
    return entry


def _e_value_result(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                    d: Captured) -> None:
    data = cap._read_exact(tid, _arg(args, i), 4)
    if data is not None:
        d[("in", i)] = S.i32(data)


def _read_array(cap: Capturer, tid: int, addr: int, count: int, size: int,
                d: Captured | None, i: int) -> bytes | None:
    """``count`` elements of ``size`` bytes at ``addr``, or those before an unmapped page:
    then ``d[("short", i)]`` is the address of the first unreadable one (strace prints
    ``... /* 0x... */`` there).  None when not even the first one is readable."""
    if count <= 0 or addr == 0:
        return b"" if addr and count == 0 else None
    data = cap.reader.read(tid, addr, count * size)
    n = len(data) // size if data is not None else 0
    if n == 0:
        return None
    if n < count and d is not None:
        d[("short", i)] = addr + n * size
    assert data is not None
    return bytes(data[: n * size])


def _read_iov(cap: Capturer, tid: int, addr: int, count: int, data_size: int | None,
              with_data: bool, d: Captured | None = None,
              i: int = -1) -> list[tuple[int, int, bytes | None]] | None:
    count = max(0, min(count, cap.strsize))
    raw = _read_array(cap, tid, addr, count, 16, d, i) if count else b""
    if raw is None:
        return None
    count = len(raw) // 16
    out: list[tuple[int, int, bytes | None]] = []
    remaining = data_size
    for k in range(count):
        base, length = S.u64(raw, 16 * k), S.u64(raw, 16 * k + 8)
        data = None
        if with_data:
            n = length if remaining is None else max(0, min(length, remaining))
            if remaining is not None:
                remaining -= n
            data = cap._read_exact(tid, base, min(n, cap.strsize)) if base else None
        out.append((base, length, data))
    return out


def _e_iovec(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
             d: Captured) -> None:
    addr = _arg(args, i)
    if addr:
        items = _read_iov(cap, tid, addr, _s32(_len(args, p)), None, True, d, i)
        if items is not None:
            d[i] = items


def _read_msghdr(cap: Capturer, tid: int, addr: int, data_size: int | None,
                 namelen_cap: int | None = None) -> dict[str, object] | None:
    hdr = cap._read_exact(tid, addr, 56)
    if hdr is None:
        return None
    out: dict[str, object] = {"hdr": hdr}
    name, namelen = S.u64(hdr), S.u32(hdr, 8)
    if namelen_cap is not None:
        namelen = min(namelen, namelen_cap)
    if name and namelen:
        data = cap._read_exact(tid, name, min(namelen, 128))
        if data is not None:
            out["name"] = data
    iov, iovlen = S.u64(hdr, 16), S.u64(hdr, 24)
    if iov and iovlen < 1 << 31:
        items = _read_iov(cap, tid, iov, iovlen, data_size, data_size is None or data_size >= 0)
        if items is not None:
            out["iov"] = items
    control, controllen = S.u64(hdr, 32), S.u64(hdr, 40)
    if control and controllen:
        data = cap.reader.read(tid, control, min(controllen, 1024))
        if data is not None:
            out["control"] = bytes(data)
    return out


def _e_msghdr_in(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                 d: Captured) -> None:
    addr = _arg(args, i)
    if addr:
        m = _read_msghdr(cap, tid, addr, None)
        if m is not None:
            d[i] = m


def _e_msghdr_namelen(cap: Capturer, tid: int, args: tuple[int, ...], i: int,
                      p: str | None, d: Captured) -> None:
    hdr = cap._read_exact(tid, _arg(args, i), 12)
    if hdr is not None:
        d[("in", i)] = S.u32(hdr, 8)


def _e_pollfd(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
              d: Captured) -> None:
    count = min(_len(args, p), 1024)
    if count:
        data = _read_array(cap, tid, _arg(args, i), count, 8, d, i)
        if data is not None:
            d[i] = data


def _fd_set_bytes(nfds: int) -> int:
    nfds = max(0, min(_s32(nfds), 8192))
    return (nfds + 63) // 64 * 8


def _e_fd_set(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
              d: Captured) -> None:
    size = _fd_set_bytes(_len(args, p))
    if size:
        data = cap._read_exact(tid, _arg(args, i), size)
        if data is not None:
            d[i] = data
            if cap.fd_paths:
                for fd in S.fd_set_bits(data, _s32(_len(args, p))) or ():
                    path = cap._readlink_fd(tid, fd)
                    if path is not None:
                        d[("fdn", fd)] = path


def _e_fd(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
          d: Captured) -> None:
    path = cap._readlink_fd(tid, _s32(_arg(args, i)))
    if path is not None:
        d[("fd", i)] = path


def _e_futex(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
             d: Captured) -> None:
    cmd = _arg(args, 1) & 127
    if cmd in (0, 6, 9, 11, 13):  # the ops whose 4th argument is a timeout
        data = cap._read_exact(tid, _arg(args, 3), 16)
        if data is not None:
            d[3] = data


_IOCTL_IN: dict[int, int] = {0x5421: 4, 0x5452: 4, 0x5410: 4, 0x5423: 4, 0x5402: 36,
                             0x5403: 36, 0x5404: 36, 0x5414: 8}
_IOCTL_OUT: dict[int, int] = {0x541B: 4, 0x5411: 4, 0x540F: 4, 0x5429: 4, 0x5424: 4,
                              0x80045430: 4, 0x5401: 36, 0x5413: 8}


def _e_ioctl(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
             d: Captured) -> None:
    size = _IOCTL_IN.get(_arg(args, 1) & 0xFFFFFFFF)
    if size:
        data = cap._read_exact(tid, _arg(args, 2), size)
        if data is not None:
            d[2] = data


def _e_fcntl(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
             d: Captured) -> None:
    cmd = _arg(args, 1) & 0xFFFFFFFF
    if cmd in (5, 6, 7, 36, 37, 38, 15):  # the struct flock commands, F_SETOWN_EX
        data = cap._read_exact(tid, _arg(args, 2), 8 if cmd == 15 else 32)
        if data is not None:
            d[2] = data


def _x_fcntl(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
             d: Captured, retval: int, failed: bool) -> None:
    cmd = _arg(args, 1) & 0xFFFFFFFF
    if not failed and cmd in (5, 36, 16):  # F_GETLK F_OFD_GETLK F_GETOWN_EX: out
        data = cap._read_exact(tid, _arg(args, 2), 8 if cmd == 16 else 32)
        if data is not None:
            d[("out", 2)] = data


def _e_prctl(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
             d: Captured) -> None:
    opt = _arg(args, 0) & 0xFFFFFFFF
    if opt == 15:  # PR_SET_NAME
        data = cap.reader.read_cstring(tid, _arg(args, 1), min(16, cap.strsize + 1))
        if data is not None:
            d[1] = bytes(data)
    elif opt == 0x53564D41 and _arg(args, 1) == 0:  # PR_SET_VMA, PR_SET_VMA_ANON_NAME
        data = _cstring(cap, tid, _arg(args, 4), cap.strsize + 1)
        if data is not None:
            d[4] = data


# --- exit steps -------------------------------------------------------------------------------

def _x_buf(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
           d: Captured, retval: int, failed: bool) -> None:
    if failed:
        return
    length = retval if p == "ret" else _len(args, p)
    if 0 <= length < 1 << 62:
        data = cap._read_exact(tid, _arg(args, i), min(length, cap.strsize))
        if data is not None:
            d[i] = data


def _x_path(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
            d: Captured, retval: int, failed: bool) -> None:
    if not failed:
        _e_path(cap, tid, args, i, p, d)


def _x_int(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
           d: Captured, retval: int, failed: bool) -> None:
    if not failed:
        data = cap._read_exact(tid, _arg(args, i), 4)
        if data is not None:
            d[i] = S.i32(data)


def _x_sockaddr(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                d: Captured, retval: int, failed: bool) -> None:
    if failed or p is None or not p.isdigit():
        return
    j = int(p)
    before = d.get(("in", j))
    if isinstance(before, int):  # the length is in/out through a pointer
        data = cap._read_exact(tid, _arg(args, j), 4)
        if data is None:
            return
        after = S.i32(data)
        d[j] = after
        length = min(before, after)
    else:
        length = _s32(_arg(args, j))
    if length >= 2:
        sa = cap._read_exact(tid, _arg(args, i), min(length, 128))
        if sa is not None:
            d[i] = sa


def _x_sockopt_val(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                   d: Captured, retval: int, failed: bool) -> None:
    if failed or p is None or not p.isdigit():
        return
    j = int(p)
    data = cap._read_exact(tid, _arg(args, j), 4)
    if data is None:
        return
    length = S.i32(data)
    d[j] = length
    if length > 0:
        val = cap._read_exact(tid, _arg(args, i), min(length, max(cap.strsize, 16)))
        if val is not None:
            d[i] = val


def _x_sized(limit: int) -> Any:
    def exit_(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
              d: Captured, retval: int, failed: bool) -> None:
        if failed:
            return
        length = retval if p == "ret" else _len(args, p)
        if length > 0:
            data = cap._read_exact(tid, _arg(args, i), min(length, limit))
            if data is not None:
                d[i] = data
    return exit_


def _e_gid_list(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                d: Captured) -> None:
    n = min(_s32(_len(args, p)), cap.strsize + 1)
    if n > 0:
        data = _read_array(cap, tid, _arg(args, i), n, 4, d, i)
        if data is not None:
            d[i] = data


def _x_gid_list(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                d: Captured, retval: int, failed: bool) -> None:
    n = min(retval, cap.strsize + 1)
    if not failed and n > 0:
        data = cap._read_exact(tid, _arg(args, i), 4 * n)
        if data is not None:
            d[i] = data
    elif not failed and retval == 0:
        d[i] = b""


def _x_iovec(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
             d: Captured, retval: int, failed: bool) -> None:
    addr = _arg(args, i)
    if addr:
        items = _read_iov(cap, tid, addr, _s32(_len(args, p)), max(retval, 0), not failed,
                          d, i)
        if items is not None:
            d[i] = items


def _x_msghdr(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
              d: Captured, retval: int, failed: bool) -> None:
    addr = _arg(args, i)
    if failed or not addr:
        return
    before = d.get(("in", i))
    m = _read_msghdr(cap, tid, addr, max(retval, 0),
                     before if isinstance(before, int) else None)
    if m is not None:
        if isinstance(before, int):
            m["namelen_in"] = before
        d[i] = m


def _x_epoll_events(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                    d: Captured, retval: int, failed: bool) -> None:
    if not failed and retval > 0:
        n = min(retval, cap.strsize + 1, 1024)
        data = cap._read_exact(tid, _arg(args, i), n * cap.epoll_size)
        if data is not None:
            d[i] = data


def _x_dirents(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
               d: Captured, retval: int, failed: bool) -> None:
    if failed or retval < 0:
        return
    if retval == 0:
        d[i] = 0
        return
    data = cap._read_exact(tid, _arg(args, i), min(retval, 1 << 20))
    n = S.count_dirents(data)
    if n is not None:
        d[i] = n


def _x_wstatus(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
               d: Captured, retval: int, failed: bool) -> None:
    if not failed and retval > 0:
        data = cap._read_exact(tid, _arg(args, i), 4)
        if data is not None:
            d[i] = data


def _x_fd_pair(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
               d: Captured, retval: int, failed: bool) -> None:
    if failed:
        return
    data = cap._read_exact(tid, _arg(args, i), 8)
    if data is not None:
        d[i] = data
        if cap.fd_paths:
            for fd in (S.i32(data), S.i32(data, 4)):
                path = cap._readlink_fd(tid, fd)
                if path is not None:
                    d[("fdn", fd)] = path


def _x_ret_fd(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
              d: Captured, retval: int, failed: bool) -> None:
    if not failed and retval >= 0:
        path = cap._readlink_fd(tid, retval)
        if path is not None:
            d[("fd", "ret")] = path


def _x_timespec_rem(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                    d: Captured, retval: int, failed: bool) -> None:
    if failed and -retval in (4, 512, 513, 514, 516):  # interrupted: the time left
        data = cap._read_exact(tid, _arg(args, i), 16)
        if data is not None:
            d[i] = data


def _x_pollfd(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
              d: Captured, retval: int, failed: bool) -> None:
    if not failed and retval > 0:
        count = min(_len(args, p), 1024)
        data = cap._read_exact(tid, _arg(args, i), 8 * count)
        if data is not None:
            d[("out", i)] = data


def _x_select(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
              d: Captured, retval: int, failed: bool) -> None:
    if failed or retval <= 0:
        return
    size = _fd_set_bytes(_arg(args, 0))
    for k in (1, 2, 3):
        data = cap._read_exact(tid, _arg(args, k), size) if size else None
        if data is not None:
            d[("out", k)] = data
    data = cap._read_exact(tid, _arg(args, 4), 16)
    if data is not None:
        d[("out", 4)] = data


def _x_ioctl(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
             d: Captured, retval: int, failed: bool) -> None:
    size = _IOCTL_OUT.get(_arg(args, 1) & 0xFFFFFFFF)
    if size and not failed:
        data = cap._read_exact(tid, _arg(args, 2), size)
        if data is not None:
            d[2] = data


def _x_prctl(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
             d: Captured, retval: int, failed: bool) -> None:
    if failed:
        return
    opt = _arg(args, 0) & 0xFFFFFFFF
    if opt == 16:  # PR_GET_NAME
        data = cap.reader.read_cstring(tid, _arg(args, 1), 16)
        if data is not None:
            d[1] = bytes(data)
    elif opt in (2, 37, 40):  # PR_GET_PDEATHSIG PR_GET_CHILD_SUBREAPER PR_GET_TID_ADDRESS
        data = cap._read_exact(tid, _arg(args, 1), 8 if opt == 40 else 4)
        if data is not None:
            d[1] = data


def _x_arch_prctl(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                  d: Captured, retval: int, failed: bool) -> None:
    if not failed and _arg(args, 0) & 0xFFFFFFFF in (0x1003, 0x1004, 0x1021, 0x1022, 0x1024):
        data = cap._read_exact(tid, _arg(args, 1), 8)
        if data is not None:
            d[1] = data


def _x_clone3(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
              d: Captured, retval: int, failed: bool) -> None:
    a = S.parse_clone_args(d.get(i))
    if failed or a is None:
        return
    if a["flags"] & 0x1000 and a["pidfd"]:  # CLONE_PIDFD
        data = cap._read_exact(tid, a["pidfd"], 4)
        if data is not None:
            d[("pidfd", i)] = S.i32(data)
    if a["flags"] & 0x100000 and a["parent_tid"]:  # CLONE_PARENT_SETTID
        data = cap._read_exact(tid, a["parent_tid"], 4)
        if data is not None:
            d[("parent_tid", i)] = S.u32(data)


def _e_loff_inout(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                  d: Captured) -> None:
    data = cap._read_exact(tid, _arg(args, i), 8)
    if data is not None:
        d[("in", i)] = data


def _e_pselect6_sig(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                    d: Captured) -> None:
    data = cap._read_exact(tid, _arg(args, i), 16)
    if data is None:
        return
    d[i] = data
    ss, size = S.u64(data), S.u64(data, 8)
    if ss and size == 8:
        mask = cap._read_exact(tid, ss, 8)
        if mask is not None:
            d[("mask", i)] = mask


def _x_mincore_vec(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                   d: Captured, retval: int, failed: bool) -> None:
    if not failed:
        pages = (_len(args, p) + 4095) // 4096
        data = cap._read_exact(tid, _arg(args, i), min(pages, cap.strsize + 1))
        if data is not None:
            d[i] = data


def _x_sched_attr(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                  d: Captured, retval: int, failed: bool) -> None:
    if not failed:
        data = cap._read_exact(tid, _arg(args, i), min(_len(args, p), 56))
        if data is not None:
            d[i] = data


def _e_sched_attr(cap: Capturer, tid: int, args: tuple[int, ...], i: int, p: str | None,
                  d: Captured) -> None:
    head = cap._read_exact(tid, _arg(args, i), 4)
    if head is not None:
        size = S.u32(head) or 48  # 0: the first version's size
        data = cap._read_exact(tid, _arg(args, i), min(max(size, 48), 56))
        if data is not None:
            d[i] = data


# --- plans -----------------------------------------------------------------------------------

_STAT_E, _STAT_X = _fixed(lambda cap: cap.stat_size)
_EPOLL_E, _ = _fixed(lambda cap: cap.epoll_size)

#: kind -> (entry step, exit step); either may be None.
_KIND_STEPS: dict[str, tuple[Any, Any]] = {
    "path": (_e_path, None),
    "str": (_e_str, None),
    "buf_in": (_e_buf, None),
    "sockopt_val": (_e_sockopt_val, None),
    "argv": (_e_argv, None),
    "envp": (_e_envp, None),
    "sockaddr": (_e_sockaddr, None),
    "iovec_in": (_e_iovec, None),
    "msghdr_in": (_e_msghdr_in, None),
    "pollfd": (_e_pollfd, _x_pollfd),
    "fd_set": (_e_fd_set, None),
    "clone_args": (_e_sized(88), _x_clone3),
    "open_how": (_e_sized(24), None),
    "sigset": (_e_sized(8), None),
    "cpu_set": (_e_sized(128), None),
    "epoll_event": (_EPOLL_E, None),
    "buf_out": (None, _x_buf),
    "path_out": (None, _x_path),
    "int_out": (None, _x_int),
    "sockaddr_out": (None, _x_sockaddr),
    "sockopt_val_out": (None, _x_sockopt_val),
    "stat_out": (None, _STAT_X),
    "sigset_out": (None, _x_sized(8)),
    "cpu_set_out": (None, _x_sized(128)),
    "iovec_out": (None, _x_iovec),
    "msghdr_out": (_e_msghdr_namelen, _x_msghdr),
    "epoll_events_out": (None, _x_epoll_events),
    "dirents_out": (None, _x_dirents),
    "linux_dirent64_out": (None, _x_dirents),
    "wstatus_out": (None, _x_wstatus),
    "fd_pair_out": (None, _x_fd_pair),
    "timespec_rem": (None, _x_timespec_rem),
    "gid_list": (_e_gid_list, None),
    "gid_list_out": (None, _x_gid_list),
    "loff_inout": (_e_loff_inout, _fixed(8)[1]),
    "pselect6_sig": (_e_pselect6_sig, None),
    "mincore_vec_out": (None, _x_mincore_vec),
    "sched_attr": (_e_sched_attr, None),
    "sched_attr_out": (None, _x_sched_attr),
}
for _kind, _size in (("timespec", 16), ("timeval", 16), ("itimerspec", 32),
                     ("itimerval", 32), ("rlimit", 16), ("sigaction", 32), ("stack_t", 24),
                     ("sched_param", 4), ("siginfo", 128), ("loff", 8),
                     ("timeval_pair", 32), ("timespec_pair", 32), ("time", 8),
                     ("timezone", 8), ("tms", 32), ("sigevent", 32), ("cap_header", 8),
                     ("cap_data", 24)):
    _e, _x = _fixed(_size)
    _KIND_STEPS[_kind] = (_e, None)
    _KIND_STEPS[_kind + "_out"] = (None, _x)
_KIND_STEPS["loff_in"] = _KIND_STEPS.pop("loff")  # splice's offsets: read, not written back
for _kind, _size in (("statx_out", 256), ("statfs_out", 120), ("utsname_out", 390),
                     ("sysinfo_out", 112), ("rusage_out", 144), ("timex_out", 208)):
    _KIND_STEPS[_kind] = (None, _fixed(_size)[1])
del _kind, _size, _e, _x

#: syscall name -> (entry step, exit step) read for the whole call (argument index -1)
_CALL_STEPS: dict[str, tuple[Any, Any]] = {
    "futex": (_e_futex, None),
    "ioctl": (_e_ioctl, _x_ioctl),
    "fcntl": (_e_fcntl, _x_fcntl),
    "prctl": (_e_prctl, _x_prctl),
    "arch_prctl": (None, _x_arch_prctl),
    "select": (None, _x_select),
    "pselect6": (None, _x_select),
}
#: kinds a whole-call step replaces
_CALL_SKIPS: dict[str, frozenset[int]] = {"futex": frozenset({3})}


def _plan(name: str, kinds: tuple[tuple[str, str | None], ...], ret: str,
          fd_paths: bool) -> tuple[list[Step], list[Step]]:
    entry: list[Step] = []
    exit_: list[Step] = []
    skips = _CALL_SKIPS.get(name, frozenset())
    value_results = {int(p) for b, p in kinds
                     if b in ("sockaddr_out", "sockopt_val_out") and p is not None and p.isdigit()}
    for i, (base, param) in enumerate(kinds):
        if i in skips:
            continue
        if fd_paths and base in ("fd", "dirfd"):
            entry.append((_e_fd, i, param))
        if i in value_results and base == "int_out":
            entry.append((_e_value_result, i, param))
            continue  # its exit value is read with the sockaddr
        steps = _KIND_STEPS.get(base)
        if steps is None:
            continue
        e, x = steps
        if e is not None:
            entry.append((e, i, param))
        if x is not None:
            exit_.append((x, i, param))
    call = _CALL_STEPS.get(name)
    if call is not None:
        if call[0] is not None:
            entry.append((call[0], -1, None))
        if call[1] is not None:
            exit_.append((call[1], -1, None))
    if fd_paths and ret == "fd":
        exit_.append((_x_ret_fd, -1, None))
    return entry, exit_
