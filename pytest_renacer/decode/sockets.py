"""strace's ``-yy`` socket text: ``TCP:[127.0.0.1:40000->127.0.0.1:80]``.

strace asks the kernel with NETLINK_SOCK_DIAG; the same facts are in the tracee's
``/proc/PID/net/{tcp,udp}{,6}`` tables, found there by the socket's inode (the ``N`` of
the ``socket:[N]`` an fd links to).  A socket in none of them (unbound, or of another
family) keeps its ``socket:[N]``.
"""

from __future__ import annotations

import re
import struct

__all__ = ["socket_text"]

_INODE = re.compile(r"^socket:\[(\d+)\]$")
#: /proc/net table -> strace's protocol name
_TABLES = (("tcp", "TCP"), ("udp", "UDP"), ("tcp6", "TCPv6"), ("udp6", "UDPv6"))


def _address(text: str) -> str:
    """``0100007F:BB29`` (the kernel's words in host order) -> ``127.0.0.1:47913``."""
    host, _, port = text.partition(":")
    raw = bytes.fromhex(host)
    words = struct.unpack(f"<{len(raw) // 4}I", raw)
    packed = struct.pack(f">{len(words)}I", *words)
    import socket  # here: decode/ is loaded by every CLI run, -yy by few (4 ms of start-up)

    if len(packed) == 4:
        return f"{socket.inet_ntop(socket.AF_INET, packed)}:{int(port, 16)}"
    return f"[{socket.inet_ntop(socket.AF_INET6, packed)}]:{int(port, 16)}"


def _lookup(pid: int, inode: str) -> str | None:
    for table, proto in _TABLES:
        try:
            with open(f"/proc/{pid}/net/{table}") as f:
                next(f, None)
                for line in f:
                    fields = line.split()
                    if len(fields) > 9 and fields[9] == inode:
                        local, remote = _address(fields[1]), _address(fields[2])
                        if remote.endswith(":0") and set(fields[2].split(":")[0]) == {"0"}:
                            return f"{proto}:[{local}]"
                        return f"{proto}:[{local}->{remote}]"
        except (OSError, ValueError, struct.error):
            continue
    return None


def socket_text(pid: int, link: str) -> str:
    """The -yy text of an fd whose /proc link is ``link`` (unchanged if not a socket)."""
    m = _INODE.match(link)
    if m is None:
        return link
    found = _lookup(pid, m.group(1))
    return found if found is not None else link
