"""Reading a tracee's memory: process_vm_readv split at page boundaries.

A read that crosses into an unmapped page returns what lies before it instead of
failing whole (the kernel reports partial transfers per iovec element, so every page
is its own element).  Where process_vm_readv is refused we fall back to PEEKDATA.
"""

from __future__ import annotations

import ctypes
import errno
import mmap

from . import ptrace as pt

PAGE = mmap.PAGESIZE
_WORD = 8


class MemoryReader:
    """Reads strings and byte ranges from stopped tracees (one instance per tracer)."""

    def __init__(self, bufsize: int = 1 << 16) -> None:
        self._buf = ctypes.create_string_buffer(bufsize)
        self._use_peek = False

    def _ensure(self, size: int) -> None:
        if size > len(self._buf):
            self._buf = ctypes.create_string_buffer(max(size, 2 * len(self._buf)))

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
        if addr == 0 or size <= 0 or addr > 0xFFFFFFFFFFFFFFFF - size:
            return None
        if self._use_peek:
            return self._peek(tid, addr, size)
        self._ensure(size)
        got = pt.process_vm_readv(tid, self._buf, self._pieces(addr, size))
        if got < 0:
            if pt.get_errno() in (errno.ENOSYS, errno.EPERM):
                self._use_peek = True
                return self._peek(tid, addr, size)
            return None
        return self._buf.raw[:got] if got else None

    def read_cstring(self, tid: int, addr: int, limit: int) -> bytes | None:
        """The bytes before the NUL at ``addr``, at most ``limit`` of them."""
        if addr == 0:
            return None
        out = b""
        while len(out) < limit:
            # Never ask past the current page: the next one may be unmapped.
            step = min(limit - len(out), PAGE - addr % PAGE)
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
