"""-yy's socket text, from /proc/PID/net/* (decode/sockets.py)."""

from __future__ import annotations

import os
import socket

from pytest_renacer.decode.sockets import _address, socket_text


def test_address_words_are_host_order():
    assert _address("0100007F:BB29") == "127.0.0.1:47913"
    assert _address("00000000000000000000000001000000:0050") == "[::1]:80"


def test_bound_udp_and_connected_tcp_sockets():
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with udp, server:
        udp.bind(("127.0.0.1", 0))
        server.bind(("127.0.0.1", 0))
        server.listen()
        client = socket.create_connection(server.getsockname())
        with client:
            def text(s: socket.socket) -> str:
                return socket_text(os.getpid(), os.readlink(f"/proc/self/fd/{s.fileno()}"))
            assert text(udp) == f"UDP:[127.0.0.1:{udp.getsockname()[1]}]"
            lport, sport = client.getsockname()[1], server.getsockname()[1]
            assert text(client) == f"TCP:[127.0.0.1:{lport}->127.0.0.1:{sport}]"


def test_other_links_are_left_alone():
    assert socket_text(os.getpid(), "/etc/passwd") == "/etc/passwd"
    unbound = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # in no /proc/net table
    with unbound:
        link = os.readlink(f"/proc/self/fd/{unbound.fileno()}")
        assert socket_text(os.getpid(), link) == link


def test_unix_sockets_with_their_peers_and_paths(tmp_path) -> None:
    """-yy's UNIX-STREAM:[ino->peer,"path"], as strace 6.1 prints it (NETLINK_SOCK_DIAG)."""
    so = socket

    def ino(s: so.socket) -> int:
        return os.fstat(s.fileno()).st_ino

    def text(s: so.socket) -> str:
        return socket_text(os.getpid(), os.readlink(f"/proc/self/fd/{s.fileno()}"))

    a, b = so.socketpair()
    listener = so.socket(so.AF_UNIX, so.SOCK_STREAM)
    listener.bind(str(tmp_path / "s"))
    listener.listen()
    client = so.socket(so.AF_UNIX, so.SOCK_STREAM)
    client.connect(str(tmp_path / "s"))
    server, _ = listener.accept()
    dgram = so.socket(so.AF_UNIX, so.SOCK_DGRAM)
    abstract = so.socket(so.AF_UNIX, so.SOCK_SEQPACKET)
    abstract.bind(b"\0renacer-test")
    with a, b, listener, client, server, dgram, abstract:
        assert text(a) == f"UNIX-STREAM:[{ino(a)}->{ino(b)}]"
        path = f'"{tmp_path / "s"}"'
        assert text(listener) == f"UNIX-STREAM:[{ino(listener)},{path}]"
        assert text(server) == f"UNIX-STREAM:[{ino(server)}->{ino(client)},{path}]"
        assert text(client) == f"UNIX-STREAM:[{ino(client)}->{ino(server)}]"
        assert text(dgram) == f"UNIX:[{ino(dgram)}]"
        assert text(abstract) == f'UNIX:[{ino(abstract)},"@renacer-test"]'
