"""Argument capture and decoding, driven by the syscall tables.

The tracer calls :class:`Capturer`'s hooks at each syscall stop to copy the argument
memory it will need (paths, buffers, structs); everything else here turns those raw
values into strace's text (:func:`format_args`, :func:`format_retval`) or into Python
values (:func:`decode_args`), lazily and without touching the traced process.
"""

from __future__ import annotations

from .capture import Captured, Capturer, MemoryReader
from .errno import (
    errno_message,
    errno_name,
    format_errno_retval,
    format_siginfo,
    format_wait_status,
    signal_name,
)
from .format import (
    FORMATTERS,
    CallFormatter,
    FdText,
    call_formatter,
    decode_args,
    entry_arg_count,
    fd_path_text,
    format_arg_list,
    format_args,
    format_retval,
    paths,
)
from .sockets import socket_text
from .strings import quote

__all__ = [
    "FORMATTERS",
    "CallFormatter",
    "Captured",
    "Capturer",
    "FdText",
    "MemoryReader",
    "call_formatter",
    "decode_args",
    "entry_arg_count",
    "errno_message",
    "errno_name",
    "fd_path_text",
    "format_arg_list",
    "format_args",
    "format_errno_retval",
    "format_retval",
    "format_siginfo",
    "format_wait_status",
    "paths",
    "quote",
    "signal_name",
    "socket_text",
]
