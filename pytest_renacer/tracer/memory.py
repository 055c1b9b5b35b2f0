"""Reading a tracee's memory: process_vm_readv split at page boundaries.

A read that crosses into an unmapped page returns what lies before it instead of
failing whole (the kernel reports partial transfers per iovec element, so every page
is its own element).  Where process_vm_readv is refused we fall back to PEEKDATA.

The capture hooks read at almost every syscall stop (a path, a few bytes of a buffer),
so the common case is kept cheap: the iovecs are preallocated and reused, a read within
one page (nearly all of them) makes no list, and only the bytes read are copied out.
"""

from __future__ import annotations

import ctypes
import errno
import mmap

from . import ptrace as pt

PAGE = mmap.PAGESIZE
_WORD = 8
_MAX_ADDR = 0xFFFFFFFFFFFFFFFF
# A C string is read in pieces that grow from this size: a path or a short string (most
# of them) costs one small copy, not the rest of its page.
_FIRST_CHUNK = 256


class MemoryReader:
    """Reads strings and byte ranges from stopped tracees (one instance per tracer)."""

    def __init__(self, bufsize: int = 1 << 16) -> None:
        self._use_peek = False
        self._local = pt._IoVec(0, 0)
        self._local_ref = ctypes.byref(self._local)
        self._one = pt._IoVec(0, 0)  # the remote iovec of a read within one page
        self._one_ref = ctypes.byref(self._one)
        self._many: ctypes.Array[pt._IoVec] = (pt._IoVec * 1)()
        self._readv = pt._process_vm_readv_hot
        self._set_buffer(ctypes.create_string_buffer(bufsize))

    def _set_buffer(self, buf: ctypes.Array[ctypes.c_char]) -> None:
        self._buf = buf
        self._bufsize = len(buf)
        self._local.base = ctypes.addressof(buf)

    def _ensure(self, size: int) -> None:
        if size > self._bufsize:
            self._set_buffer(ctypes.create_string_buffer(max(size, 2 * self._bufsize)))

    @staticmethod
    def _pieces(addr: int, size: int) -> list[tuple[int, int]]:
        pieces = []
        end = addr + size
        while addr < end:
            step = min(end, (addr // PAGE + 1) * PAGE) - addr
            pieces.append((addr, step))
            addr += step
        return pieces

    def read(self, tid: int, addr: int, size: int) -> bytes | None:
        """Up to ``size`` bytes at ``addr``: fewer if a page is unmapped, None if none."""
        if addr == 0 or size <= 0 or addr > _MAX_ADDR - size:
            return None
        if self._use_peek:
            return self._peek(tid, addr, size)
        if size > self._bufsize:
            self._ensure(size)
        self._local.len = size
        if addr % PAGE + size <= PAGE:  # within one page: one reused iovec
            one = self._one
            one.base = addr
            one.len = size
            got = self._readv(tid, self._local_ref, 1, self._one_ref, 1, 0)
        else:
            pieces = self._pieces(addr, size)
            n = len(pieces)
            if n > len(self._many):
                self._many = (pt._IoVec * max(n, 2 * len(self._many)))()
            many = self._many
            for k, (base, length) in enumerate(pieces):
                many[k].base = base
                many[k].len = length
            got = self._readv(tid, self._local_ref, 1, many, n, 0)
        if got < 0:
            if pt.get_errno() in (errno.ENOSYS, errno.EPERM):
                self._use_peek = True
                return self._peek(tid, addr, size)
            return None
        return self._buf[:got] if got else None  # type: ignore[return-value]  # bytes

    def read_cstring(self, tid: int, addr: int, limit: int) -> bytes | None:
        """The bytes before the NUL at ``addr``, at most ``limit`` of them."""
        if addr == 0:
            return None
        out = b""
        chunk_size = _FIRST_CHUNK
        while len(out) < limit:
            # Never ask past the current page: the next one may be unmapped.
            step = min(limit - len(out), PAGE - addr % PAGE, chunk_size)
            chunk = self.read(tid, addr, step)
            if chunk is None:
                return out if out else None
            nul = chunk.find(b"\0")
            if nul >= 0:
                return out + chunk[:nul]
            out += chunk
            if len(chunk) < step:
                return out
            addr += step
            chunk_size = PAGE
        return out

    def _peek(self, tid: int, addr: int, size: int) -> bytes | None:
        out = bytearray()
        start = addr - addr % _WORD
        skip = addr - start
        while len(out) < size + skip:
            try:
                word = pt.peekdata(tid, start + len(out))
            except OSError:
                break
            out += word.to_bytes(_WORD, "little")
        data = bytes(out[skip : skip + size])
        return data or None
