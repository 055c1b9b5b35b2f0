"""strace's ``-yy`` socket text: ``TCP:[127.0.0.1:40000->127.0.0.1:80]``,
``UNIX-STREAM:[1600260->1600256,"/tmp/sock"]``.

strace asks the kernel with NETLINK_SOCK_DIAG.  For TCP and UDP the same facts are in
the tracee's ``/proc/PID/net/{tcp,udp}{,6}`` tables, found there by the socket's inode
(the ``N`` of the ``socket:[N]`` an fd links to); a UNIX socket's peer is in no /proc
table, so it is asked the way strace asks (one SOCK_DIAG_BY_FAMILY request by inode).
A socket found nowhere (unbound, or of another family) keeps its ``socket:[N]``.
"""

from __future__ import annotations

import re
import struct

from ..tables import xlat as X

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


_AF_UNIX = 1
_REQUEST = struct.Struct("<IHHII BBHIIIII")  # nlmsghdr + unix_diag_req
_HEADER = struct.Struct("<IHHII")  # nlmsghdr
_UNIX_MSG = struct.Struct("<BBBBIII")  # unix_diag_msg


def _unix_lookup(inode: int) -> str | None:
    """``UNIX-STREAM:[ino->peer,"path"]`` of a UNIX socket, or None (not one, no answer)."""
    import socket  # here, as in _address

    request = _REQUEST.pack(
        _REQUEST.size, X.SOCK_DIAG_BY_FAMILY, X.NLM_F_REQUEST, 1, 0,
        _AF_UNIX, 0, 0, 0xFFFFFFFF, inode, X.UDIAG_SHOW_NAME | X.UDIAG_SHOW_PEER,
        0xFFFFFFFF, 0xFFFFFFFF)
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC,
                           X.NETLINK_SOCK_DIAG) as nl:
            nl.settimeout(1.0)
            nl.send(request)
            reply = nl.recv(8192)
    except OSError:
        return None
    if len(reply) < _HEADER.size + _UNIX_MSG.size:
        return None
    length, kind = _HEADER.unpack_from(reply)[:2]
    if kind != X.SOCK_DIAG_BY_FAMILY:  # NLMSG_ERROR: not a UNIX socket (ENOENT)
        return None
    family, stype, _state, _pad, ino = _UNIX_MSG.unpack_from(reply, _HEADER.size)[:5]
    if family != _AF_UNIX or ino != inode:
        return None
    peer = name = None
    off = _HEADER.size + _UNIX_MSG.size
    end = min(length, len(reply))
    while off + 4 <= end:
        alen, atype = struct.unpack_from("<HH", reply, off)
        if alen < 4:
            break
        value = reply[off + 4:off + alen]
        if atype == X.UNIX_DIAG_PEER and len(value) >= 4:
            peer = struct.unpack_from("<I", value)[0]
        elif atype == X.UNIX_DIAG_NAME:
            name = value
        off += (alen + 3) & ~3
    # the kernel's protocol names: SOCK_STREAM sockets are "UNIX-STREAM", the others "UNIX"
    text = ("UNIX-STREAM" if stype == X.SOCK_STREAM else "UNIX") + f":[{inode}"
    if peer:
        text += f"->{peer}"
    if name:
        from .strings import quote

        text += "," + quote(b"@" + name[1:] if name[:1] == b"\0" else name.split(b"\0")[0])
    return text + "]"


def socket_text(pid: int, link: str) -> str:
    """The -yy text of an fd whose /proc link is ``link`` (unchanged if not a socket)."""
    m = _INODE.match(link)
    if m is None:
        return link
    found = _unix_lookup(int(m.group(1))) or _lookup(pid, m.group(1))
    return found if found is not None else link
