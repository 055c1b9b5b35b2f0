"""Value types shared by the layers (a leaf module: it imports nothing of the package).

:class:`Frame` is made by source/ (the symbolizer, the Python frame reader) and handed
out by model.py; both import it from here, so that source/ need not import model.py.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Frame"]


class Frame(NamedTuple):
    """One frame of a syscall's call stack, symbolized when debug info allows.

    A Python frame (read from a CPython interpreter's memory at the stop) has
    ``address`` None and ``binary`` the interpreter's module (libpython or the
    ``python3.X`` executable); a native frame has the program counter."""

    file: str | None
    line: int | None
    function: str | None
    binary: str | None
    address: int | None

    @property
    def language(self) -> str:
        """"python" for a Python frame, "native" for a machine-code one."""
        return "python" if self.address is None else "native"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file else (self.binary or "??")
        return f"{where} in {self.function}" if self.function else where
