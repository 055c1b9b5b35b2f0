"""Each argument kind's decoder (``SyscallEvent.args``) and formatter, from registers and
captures given here.

The texts are strace 6.1's (x86_64), most taken from lines it printed for a probe
program (``strace -qq -f -e signal=none``) doing the same calls; the decoded values
follow the C types: a signed int is sign-extended from 32 bits, a pointer left
unread is its address, an out-parameter of a failed call is never decoded.
"""

from __future__ import annotations

import os
import struct
from typing import Any

from pytest_renacer.decode import decode_args, format_args, format_retval
from pytest_renacer.decode.format import call_formatter
from pytest_renacer.tables import table_for

T = table_for("x86_64")
M64 = 2**64 - 1
M32 = 2**32 - 1
AT_FDCWD = -100 & M64
P = 0x7FFD53448000
Q = 0x7FFD53449000
R = 0x7FFD5344A000


def dec(name: str, raw: tuple[int, ...], cap: dict[Any, object] | None, ret: int | None,
        arch: str = "x86_64") -> tuple[object, ...]:
    return decode_args(T.by_name[name], raw, cap, ret, arch=arch)


def fmt(name: str, raw: tuple[int, ...], cap: dict[Any, object] | None, ret: int | None,
        **kw: Any) -> str:
    kw.setdefault("arch", "x86_64")
    return format_args(T.by_name[name], raw, cap, ret, **kw)


def q64(*values: int) -> bytes:
    return struct.pack(f"<{len(values)}q", *values)


def i32(*values: int) -> bytes:
    return struct.pack(f"<{len(values)}i", *values)


# --- numbers --------------------------------------------------------------------------------

def test_integer_kinds_follow_their_c_types() -> None:
    # poll's timeout is an int: the low 32 bits, signed
    assert dec("poll", (0, 0, M32), None, 0)[2] == -1
    assert dec("poll", (0, 0, (7 << 32) | 5), None, 0)[2] == 5
    assert fmt("poll", (0, 0, M32), None, 0) == "NULL, 0, -1"
    # lseek's offset is an off_t (64-bit signed), kill's pid a pid_t (32-bit signed)
    assert dec("lseek", (3, -5 & M64, 0), None, 0)[1] == -5
    assert dec("kill", (M32, 9), None, 0)[0] == -1
    assert dec("kill", ((1 << 32) | 7, 9), None, 0)[0] == 7
    # alarm's seconds: unsigned int; truncate's length (overridden): unsigned long
    assert dec("alarm", ((1 << 32) | 5,), None, 0) == (5,)
    assert fmt("alarm", (M64,), None, 0) == str(M32)
    assert dec("truncate", (P, M64), {0: b"/f"}, 0) == ("/f", M64)
    assert fmt("truncate", (P, M64), {0: b"/f"}, 0) == f'"/f", {M64}'
    assert dec("read", (3, P, M64), None, -14)[2] == M64


def test_ids_minus_one_and_masking() -> None:
    assert dec("chown", (P, M32, M32 - 1), {0: b"/x"}, 0) == ("/x", -1, M32 - 1)
    assert fmt("chown", (P, M32, M32 - 1), {0: b"/x"}, 0) == f'"/x", -1, {M32 - 1}'
    assert dec("setuid", ((1 << 32) | 5,), None, 0) == (5,)
    assert fmt("setgid", ((1 << 32) | 5,), None, 0) == "5"
    assert fmt("setgid", (M64,), None, 0) == "-1"


def test_hex_addresses_and_octal() -> None:
    # mmap's offset (overridden to hex), and an address: None when NULL
    assert dec("mmap", (0, 4096, 1, 2, 3, 0x26000), None, 0x1000) == (
        None, 4096, "PROT_READ", "MAP_PRIVATE", 3, 0x26000)
    assert dec("mprotect", (0x7F00, 4096, 0), None, 0)[0] == 0x7F00
    assert fmt("munmap", (0x7F00, 4096), None, 0) == "0x7f00, 4096"
    assert fmt("set_robust_list", (0, 24), None, 0) == "NULL, 24"
    assert dec("set_robust_list", (0x7F10, 24), None, 0) == (0x7F10, 24)
    assert dec("set_robust_list", (0, 24), None, 0) == (None, 24)
    # modes are unsigned 32-bit numbers, printed in octal
    assert dec("chmod", (P, (1 << 32) | 0o755), {0: b"/f"}, 0) == ("/f", 0o755)
    assert fmt("chmod", (P, (1 << 32) | 0o4755), {0: b"/f"}, 0) == '"/f", 04755'
    assert dec("umask", (0o22,), None, 0) == (0o22,)


def test_fds_and_dirfds() -> None:
    assert dec("close", (M32,), None, -9) == (-1,)
    assert dec("close", ((1 << 32) | 3,), None, 0) == (3,)
    assert fmt("close", ((1 << 32) | 3,), None, 0) == "3"
    assert dec("mkdirat", (AT_FDCWD, P, 0o755), {1: b"/d"}, 0) == ("AT_FDCWD", "/d", 0o755)
    assert dec("mkdirat", (5, P, 0o755), {1: b"d"}, 0) == (5, "d", 0o755)
    assert dec("mkdirat", ((1 << 32) | 5, P, 0o755), {1: b"d"}, 0)[0] == 5
    # -X raw / -X verbose (strace 6.1: "-100", "-100 /* AT_FDCWD */"), -y's path
    info = T.by_name["mkdirat"]
    raw, cap = (AT_FDCWD, P, 0o755), {1: b"d", ("fd", 0): "/tmp"}
    assert call_formatter(info, xlat=1).arg_list(raw, cap, 0)[0] == "-100"
    assert call_formatter(info, xlat=2).arg_list(raw, cap, 0)[0] == "-100 /* AT_FDCWD */"
    assert call_formatter(info).arg_list(raw, cap, 0)[0] == "AT_FDCWD"
    assert call_formatter(info, fd_paths=True).arg_list(raw, cap, 0)[0] == "AT_FDCWD</tmp>"
    assert call_formatter(info, fd_paths=True).arg_list(raw, {1: b"d"}, 0)[0] == "AT_FDCWD"
    assert call_formatter(info, fd_paths=True).arg_list(
        (4, P, 0o755), {("fd", 0): "/x"}, 0)[0] == "4</x>"


# --- memory ---------------------------------------------------------------------------------

def test_strings_and_paths() -> None:
    assert dec("unlink", (P,), {0: b"/tmp/\xffx"}, 0) == (os.fsdecode(b"/tmp/\xffx"),)
    assert dec("unlink", (P,), None, -14) == (P,)
    assert dec("unlink", (0,), None, -14) == (None,)
    assert fmt("unlink", (0,), None, -14) == "NULL"
    assert fmt("unlink", (P,), None, -14) == "0x7ffd53448000"
    # getcwd's buffer: the path when the call succeeded, its address when it failed
    assert dec("getcwd", (P, 100), {0: b"/tmp/s15"}, 9) == ("/tmp/s15", 100)
    assert fmt("getcwd", (P, 100), {0: b"/tmp/s15"}, 9) == '"/tmp/s15", 100'
    assert dec("getcwd", (P, 2), {0: b"/tmp/s15"}, -34) == (P, 2)
    assert fmt("getcwd", (P, 2), {0: b"/tmp/s15"}, -34) == "0x7ffd53448000, 2"
    assert dec("getcwd", (0, 2), None, -34) == (None, 2)


def test_buffers() -> None:
    assert dec("write", (1, P, 3), {1: b"hi\n"}, 3) == (1, b"hi\n", 3)
    assert dec("write", (1, P, 3), None, -14) == (1, P, 3)
    assert dec("write", (1, 0, 3), None, -14) == (1, None, 3)
    assert dec("read", (3, P, 4), {1: b"hell"}, 4) == (3, b"hell", 4)
    assert dec("read", (3, P, 4), {1: b"hell"}, -11) == (3, P, 4)
    assert fmt("read", (3, P, 4), {1: b"hell"}, -11) == "3, 0x7ffd53448000, 4"
    assert dec("read", (3, 0, 4), None, -14) == (3, None, 4)
    # getrandom's bytes are always hex-escaped (strace's "\xce\xe2...")
    assert fmt("getrandom", (P, 2, 0), {0: b"ab"}, 2) == '"\\x61\\x62", 2, 0'
    assert fmt("read", (3, P, 2), {1: b"ab"}, 2) == '3, "ab", 2'


def test_argv_and_envp() -> None:
    cap = {0: b"/bin/ls", 1: [b"ls", b"-l\xff"], 2: 1}
    assert dec("execve", (P, Q, R), cap, 0) == (
        "/bin/ls", ["ls", os.fsdecode(b"-l\xff")], {"addr": R, "count": 1})
    assert fmt("execve", (P, Q, R), cap, 0) == (
        '"/bin/ls", ["ls", "-l\\377"], 0x7ffd5344a000 /* 1 var */')
    # an array that went on past what was read ends with "..."
    more = {0: b"/bin/ls", 1: [b"ls", None], 2: 2}
    assert fmt("execve", (P, Q, R), more, 0) == (
        '"/bin/ls", ["ls", ...], 0x7ffd5344a000 /* 2 vars */')
    assert dec("execve", (P, Q, R), more, 0) == (
        "/bin/ls", ["ls"], {"addr": R, "count": 2})
    # strsize caps the number of items shown
    many = {0: b"/bin/ls", 1: [b"a", b"b", b"c"], 2: 0}
    assert fmt("execve", (P, Q, R), many, 0, strsize=2) == (
        '"/bin/ls", ["a", "b", ...], 0x7ffd5344a000 /* 0 vars */')
    assert fmt("execve", (P, Q, R), many, 0, strsize=3) == (
        '"/bin/ls", ["a", "b", "c"], 0x7ffd5344a000 /* 0 vars */')
    # unread arrays: their addresses; NULL arrays: NULL / None
    assert dec("execve", (P, Q, R), {0: b"/x"}, -2) == ("/x", Q, R)
    assert fmt("execve", (P, Q, R), {0: b"/x"}, -2) == (
        '"/x", 0x7ffd53449000, 0x7ffd5344a000')
    assert dec("execve", (P, 0, 0), {0: b"/x"}, -2) == ("/x", None, None)
    assert fmt("execve", (P, 0, 0), {0: b"/x"}, -2) == '"/x", NULL, NULL'
    # a count that is not an int (a bool is not a count) is not shown
    assert dec("execve", (P, Q, R), {0: b"/x", 2: True}, 0)[2] == R
    assert fmt("execve", (P, Q, R), {0: b"/x", 2: True}, 0).endswith(", 0x7ffd5344a000")
    assert dec("execve", (P, Q, R), {0: b"/x", 1: "ls"}, 0)[1] == Q


# --- flags ----------------------------------------------------------------------------------

def test_flag_kinds_take_the_low_32_bits_but_clone_flags() -> None:
    assert dec("access", (P, (1 << 32) | 4), {0: b"/f"}, 0) == ("/f", "R_OK")
    assert dec("access", (P, 6), {0: b"/f"}, 0) == ("/f", "R_OK|W_OK")
    assert dec("lseek", (3, 0, (1 << 32) | 2), None, 0)[2] == "SEEK_END"
    assert dec("kill", (5, (1 << 32) | 9), None, 0)[1] == "SIGKILL"
    assert dec("kill", (5, M32), None, 0)[1] != "SIGKILL"
    assert dec("unshare", (0x04000000,), None, 0) == ("CLONE_NEWUTS",)
    # a flag above bit 31 (CLONE_CLEAR_SIGHAND is 1 << 32) is not masked away
    assert dec("unshare", (1 << 32,), None, 0) != ("0",)
    assert dec("ptrace", (16, 5, 0, 0), None, 0)[0] == "PTRACE_ATTACH"
    assert dec("ptrace", ((1 << 32) | 16, 5, 0, 0), None, 0)[0] != "PTRACE_ATTACH"


def test_open_flags_by_architecture() -> None:
    # 0o40000 is O_DIRECTORY on aarch64 and O_DIRECT on x86_64
    raw = (AT_FDCWD, P, 0o40000, 0)
    assert dec("openat", raw, {1: b"/d"}, 3)[2] == "O_RDONLY|O_DIRECT"
    assert dec("openat", raw, {1: b"/d"}, 3, arch="aarch64")[2] == "O_RDONLY|O_DIRECTORY"
    assert fmt("openat", raw, {1: b"/d"}, 3, arch="aarch64") == (
        'AT_FDCWD, "/d", O_RDONLY|O_DIRECTORY')
    info = T.by_name["openat"]
    assert call_formatter(info, xlat=1).arg_list((AT_FDCWD, P, 0o2000000, 0), {1: b"/d"},
                                                 3)[2] == "0x80000"
    assert call_formatter(info, xlat=2).arg_list((AT_FDCWD, P, 0o2000000, 0), {1: b"/d"},
                                                 3)[2] == "0x80000 /* O_RDONLY|O_CLOEXEC */"


def test_socket_option_names_by_level() -> None:
    assert dec("setsockopt", (7, 1, 8, P, 4), {3: i32(4096)}, 0)[2] == "SO_RCVBUF"
    assert fmt("setsockopt", (7, 1, 8, P, 4), {3: i32(4096)}, 0) == (
        "7, SOL_SOCKET, SO_RCVBUF, [4096], 4")
    # SO_ATTACH_FILTER (26) is SO_GET_FILTER when read back
    assert dec("getsockopt", (7, 1, 26, P, Q), None, -22)[2] == "SO_GET_FILTER"
    assert dec("setsockopt", (7, 1, 26, P, 16), None, -22)[2] == "SO_ATTACH_FILTER"
    assert dec("setsockopt", (7, 6, 1, P, 4), None, -22)[2] == "TCP_NODELAY"
    assert dec("setsockopt", (7, (1 << 32) | 1, 8, P, 4), None, -22)[2] == "SO_RCVBUF"
    assert dec("setsockopt", (7, 9999, 3, P, 4), None, -22)[2] == "3"
    assert fmt("getsockopt", (7, 1, 9999, P, Q), {("in", 4): 4, 4: 4}, -92) == (
        "7, SOL_SOCKET, 0x270f /* SO_??? */, 0x7ffd53448000, [4]")


# --- structs --------------------------------------------------------------------------------

def test_structs_in_and_out() -> None:
    ts = q64(1, 500)
    assert dec("clock_gettime", (1, P), {1: ts}, 0) == (
        "CLOCK_MONOTONIC", {"tv_sec": 1, "tv_nsec": 500})
    assert fmt("clock_gettime", (1, P), {1: ts}, 0) == (
        "CLOCK_MONOTONIC, {tv_sec=1, tv_nsec=500}")
    # an out-struct of a failed call stays an address; NULL is None
    assert dec("clock_gettime", (1, P), {1: ts}, -22) == ("CLOCK_MONOTONIC", P)
    assert fmt("clock_gettime", (1, P), {1: ts}, -22) == "CLOCK_MONOTONIC, 0x7ffd53448000"
    assert dec("clock_gettime", (1, 0), None, -14) == ("CLOCK_MONOTONIC", None)
    assert fmt("clock_gettime", (1, 0), None, -14) == "CLOCK_MONOTONIC, NULL"
    assert dec("clock_gettime", (1, P), {1: b"short"}, 0) == ("CLOCK_MONOTONIC", P)
    assert fmt("clock_gettime", (1, P), {1: b"short"}, 0) == "CLOCK_MONOTONIC, 0x7ffd53448000"
    # an in-struct is decoded whatever the call returned
    assert dec("clock_settime", (0, P), {1: ts}, -1) == (
        "CLOCK_REALTIME", {"tv_sec": 1, "tv_nsec": 500})
    assert fmt("clock_settime", (0, P), {1: ts}, -1) == "CLOCK_REALTIME, {tv_sec=1, tv_nsec=500}"
    # sched_param (an int in a struct): [prio]
    assert dec("sched_getparam", (0, P), {1: i32(7)}, 0) == (0, {"sched_priority": 7})
    assert fmt("sched_getparam", (0, P), {1: i32(7)}, 0) == "0, [7]"
    assert fmt("sched_setparam", (0, P), {1: b"\1"}, 0) == "0, 0x7ffd53448000"


def test_stat() -> None:
    raw = bytearray(144)
    struct.pack_into("<QQQIII", raw, 0, 0x803, 1234, 1, 0o100644, 0, 0)
    struct.pack_into("<Qq", raw, 40, 0, 5)
    st = bytes(raw)
    assert fmt("fstat", (3, P), {1: st}, 0) == "3, {st_mode=S_IFREG|0644, st_size=5, ...}"
    got = dec("fstat", (3, P), {1: st}, 0)[1]
    assert isinstance(got, dict) and got["st_mode"] == "S_IFREG|0644" and got["st_size"] == 5
    # strace: fstat(9999, 0x7f9e9d792630) = -1 EBADF
    assert fmt("fstat", (9999, P), None, -9) == "9999, 0x7ffd53448000"
    assert dec("fstat", (9999, P), None, -9) == (9999, P)
    assert dec("fstat", (3, 0), None, -14) == (3, None)
    assert fmt("fstat", (3, 0), None, -14) == "3, NULL"
    assert dec("fstat", (3, P), {1: b"x"}, 0) == (3, P)
    assert fmt("fstat", (3, P), {1: b"x"}, 0) == "3, 0x7ffd53448000"
    full = call_formatter(T.by_name["fstat"], verbose=True, arch="x86_64").arg_list(
        (3, P), {1: st}, 0)[1]
    assert full.startswith("{st_dev=makedev(0x8, 0x3), st_ino=1234, st_mode=S_IFREG|0644, ")
    assert "st_size=5," in full and "..." not in full
    assert call_formatter(T.by_name["fstat"], verbose=True).arg_list(
        (3, P), {1: b"x"}, 0)[1] == "0x7ffd53448000"


def test_nanosleep_remainder_only_when_interrupted() -> None:
    req, rem = q64(1, 0), q64(0, 944007158)
    raw = (0, 0, P, Q)
    # strace: clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=0},
    #         {tv_sec=0, tv_nsec=944007158}) = ? ERESTART_RESTARTBLOCK
    assert fmt("clock_nanosleep", raw, {2: req, 3: rem}, -516) == (
        "CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=0}, {tv_sec=0, tv_nsec=944007158}")
    assert fmt("clock_nanosleep", raw, {2: req, 3: rem}, -4).endswith("tv_nsec=944007158}")
    assert dec("clock_nanosleep", raw, {2: req, 3: rem}, -516)[3] == {
        "tv_sec": 0, "tv_nsec": 944007158}
    # completed, or failed otherwise: the remainder is not meaningful
    assert fmt("clock_nanosleep", raw, {2: req, 3: rem}, 0).endswith(", 0x7ffd53449000")
    assert fmt("clock_nanosleep", raw, {2: req, 3: rem}, -22).endswith(", 0x7ffd53449000")
    assert fmt("clock_nanosleep", raw, {2: req, 3: rem}, None).endswith(", 0x7ffd53449000")
    assert dec("clock_nanosleep", raw, {2: req, 3: rem}, 0)[3] == Q
    assert dec("clock_nanosleep", raw, {2: req}, -516)[3] == Q
    assert fmt("clock_nanosleep", raw, {2: req}, -516).endswith(", 0x7ffd53449000")
    assert fmt("nanosleep", (P, 0), {0: req}, 0) == "{tv_sec=1, tv_nsec=0}, NULL"
    assert dec("nanosleep", (P, 0), {0: req}, 0) == ({"tv_sec": 1, "tv_nsec": 0}, None)


def test_value_result_ints() -> None:
    # strace: getsockname(7, {sa_family=AF_UNIX}, [128 => 2]) = 0
    cap = {1: struct.pack("<H", 1), ("in", 2): 128, 2: 2}
    assert fmt("getsockname", (7, P, Q), cap, 0) == "7, {sa_family=AF_UNIX}, [128 => 2]"
    assert dec("getsockname", (7, P, Q), cap, 0) == (7, {"sa_family": "AF_UNIX"}, 2)
    same = {1: struct.pack("<H", 1), ("in", 2): 2, 2: 2}
    assert fmt("getsockname", (7, P, Q), same, 0) == "7, {sa_family=AF_UNIX}, [2]"
    # failed: the value the call was given
    assert fmt("accept", (3, P, Q), {("in", 2): 16}, -11) == "3, 0x7ffd53448000, [16]"
    assert dec("accept", (3, P, Q), {("in", 2): 16}, -11) == (3, P, 16)
    assert fmt("accept", (3, P, Q), {}, -11) == "3, 0x7ffd53448000, 0x7ffd53449000"
    assert dec("accept", (3, P, Q), {}, -11) == (3, P, Q)
    assert fmt("accept", (3, P, Q), {("in", 2): 16}, 4) == "3, 0x7ffd53448000, 0x7ffd53449000"
    assert dec("accept", (3, 0, 0), None, 4) == (3, None, None)
    assert fmt("accept", (3, 0, 0), None, 4) == "3, NULL, NULL"


def test_socket_option_values() -> None:
    linger = i32(1, 5)
    # strace: setsockopt(7, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=5}, 8) = 0
    assert fmt("setsockopt", (7, 1, 13, P, 8), {3: linger}, 0) == (
        "7, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=5}, 8")
    assert dec("setsockopt", (7, 1, 13, P, 8), {3: linger}, 0)[3] == linger
    # the same bytes at another level are not a linger
    assert fmt("setsockopt", (7, 6, 13, P, 8), {3: linger}, 0) == (
        '7, SOL_TCP, TCP_CONGESTION, "\\1\\0\\0\\0\\5\\0\\0\\0", 8')
    assert fmt("setsockopt", (7, 1, 25, P, 3), {3: b"lo\0"}, 0) == (
        '7, SOL_SOCKET, SO_BINDTODEVICE, "lo\\0", 3')
    assert fmt("setsockopt", (7, 1, 8, 0, 4), None, -14) == (
        "7, SOL_SOCKET, SO_RCVBUF, NULL, 4")
    assert dec("setsockopt", (7, 1, 8, 0, 4), None, -14)[3] is None
    # strace: getsockopt(7, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=5}, [8]) = 0
    out = {3: linger, ("in", 4): 8, 4: 8}
    assert fmt("getsockopt", (7, 1, 13, P, Q), out, 0) == (
        "7, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=5}, [8]")
    assert dec("getsockopt", (7, 1, 13, P, Q), out, 0) == (
        7, "SOL_SOCKET", "SO_LINGER", linger, 8)
    # strace: getsockopt(7, SOL_SOCKET, SO_RCVBUF, [212992], [4]) = 0
    out = {3: i32(212992), ("in", 4): 4, 4: 4}
    assert fmt("getsockopt", (7, 1, 8, P, Q), out, 0) == (
        "7, SOL_SOCKET, SO_RCVBUF, [212992], [4]")
    name = {3: b"lo\0", ("in", 4): 16, 4: 3}
    assert fmt("getsockopt", (7, 1, 25, P, Q), name, 0) == (
        '7, SOL_SOCKET, SO_BINDTODEVICE, "lo\\0", [16 => 3]')
    assert dec("getsockopt", (7, 1, 25, P, Q), name, 0)[3] == b"lo\0"
    assert dec("getsockopt", (7, 1, 25, P, Q), name, -22)[3] == P
    assert fmt("getsockopt", (7, 1, 25, 0, Q), name, -14).endswith(", NULL, [16]")


def test_sigsets() -> None:
    usr1 = struct.pack("<Q", 1 << 9)
    # strace: rt_sigprocmask(SIG_BLOCK, [USR2], [], 8) = 0
    raw = (0, P, Q, 8)
    cap = {1: struct.pack("<Q", 1 << 11), 2: bytes(8)}
    assert fmt("rt_sigprocmask", raw, cap, 0) == "SIG_BLOCK, [USR2], [], 8"
    assert dec("rt_sigprocmask", raw, cap, 0) == ("SIG_BLOCK", ["SIGUSR2"], [], 8)
    # the old set of a failed call is not read; the new one is what was given
    assert fmt("rt_sigprocmask", raw, cap, -22) == "SIG_BLOCK, [USR2], 0x7ffd53449000, 8"
    assert dec("rt_sigprocmask", raw, cap, -22) == ("SIG_BLOCK", ["SIGUSR2"], Q, 8)
    assert fmt("rt_sigprocmask", (2, 0, 0, 8), None, 0) == "SIG_SETMASK, NULL, NULL, 8"
    assert dec("rt_sigprocmask", (2, 0, 0, 8), None, 0) == ("SIG_SETMASK", None, None, 8)
    # a sigsetsize other than 8 is not a kernel sigset: the address
    assert fmt("rt_sigprocmask", (0, P, 0, 16), {1: usr1}, -22) == (
        "SIG_BLOCK, 0x7ffd53448000, NULL, 16")
    assert dec("rt_sigprocmask", (0, P, 0, 16), {1: usr1}, -22)[1] == P
    assert dec("rt_sigprocmask", (0, P, 0, 8), {1: b"\1\2"}, 0)[1] == P
    assert fmt("rt_sigprocmask", (0, P, 0, 8), {1: b"\1\2"}, 0) == (
        "SIG_BLOCK, 0x7ffd53448000, NULL, 8")
    # strace: rt_sigpending([], 8) = 0
    assert fmt("rt_sigpending", (P, 8), {0: bytes(8)}, 0) == "[], 8"
    assert fmt("rt_sigpending", (P, 8), {0: usr1}, 0) == "[USR1], 8"
    assert fmt("rt_sigpending", (P, 8), {0: usr1}, -14) == "0x7ffd53448000, 8"
    assert dec("rt_sigpending", (P, 8), {0: usr1}, -14) == (P, 8)
    assert dec("rt_sigpending", (P, 8), {0: usr1}, 0) == (["SIGUSR1"], 8)


def test_iovecs() -> None:
    items = [(Q, 3, b"hel"), (R, 4, b"lo w")]
    # strace: readv(3, [{iov_base="hel", iov_len=3}, {iov_base="lo w", iov_len=4}], 2) = 7
    assert fmt("readv", (3, P, 2), {1: items}, 7) == (
        '3, [{iov_base="hel", iov_len=3}, {iov_base="lo w", iov_len=4}], 2')
    # what a read returned is split over the buffers in order
    assert fmt("readv", (3, P, 2), {1: items}, 5) == (
        '3, [{iov_base="hel", iov_len=3}, {iov_base="lo", iov_len=4}], 2')
    assert fmt("readv", (3, P, 2), {1: items}, 2) == (
        '3, [{iov_base="he", iov_len=3}, {iov_base="", iov_len=4}], 2')
    # a failed read: the buffers' addresses
    assert fmt("readv", (3, P, 2), {1: items}, -9) == (
        "3, [{iov_base=0x7ffd53449000, iov_len=3}, {iov_base=0x7ffd5344a000, iov_len=4}], 2")
    assert fmt("readv", (3, P, 2), {1: items}, None) == "3, 0x7ffd53448000, 2"
    assert fmt("readv", (3, P, 2), None, 7) == "3, 0x7ffd53448000, 2"
    assert fmt("readv", (3, 0, 2), None, -14) == "3, NULL, 2"
    assert dec("readv", (3, P, 2), {1: items}, 7) == (
        3, [{"iov_base": b"hel", "iov_len": 3}, {"iov_base": b"lo w", "iov_len": 4}], 2)
    assert dec("readv", (3, P, 1), {1: [(Q, 3, None)]}, -9) == (
        3, [{"iov_base": Q, "iov_len": 3}], 1)
    assert dec("readv", (3, P, 1), None, -9) == (3, P, 1)
    assert dec("readv", (3, 0, 1), None, -14) == (3, None, 1)
    # strace: pwritev2(4, [{iov_base="ab", iov_len=2}, {iov_base="cd", iov_len=2}], 2, 0, 0)
    w = [(Q, 2, b"ab"), (R, 2, b"cd")]
    assert fmt("writev", (4, P, 2), {1: w}, 4) == (
        '4, [{iov_base="ab", iov_len=2}, {iov_base="cd", iov_len=2}], 2')
    assert fmt("writev", (4, P, 2), {1: w}, -9) == (
        '4, [{iov_base="ab", iov_len=2}, {iov_base="cd", iov_len=2}], 2')
    assert fmt("writev", (4, P, 3), {1: w}, 4) == (
        '4, [{iov_base="ab", iov_len=2}, {iov_base="cd", iov_len=2}, ...], 3')
    assert fmt("writev", (4, P, 2), {1: w}, 4, strsize=1) == (
        '4, [{iov_base="a"..., iov_len=2}, ...], 2')
    # an array cut short by unreadable memory ends with where it stopped
    assert fmt("writev", (4, P, 3), {1: w, ("short", 1): R + 16}, 4) == (
        '4, [{iov_base="ab", iov_len=2}, {iov_base="cd", iov_len=2}, '
        "... /* 0x7ffd5344a010 */], 3")
    assert fmt("writev", (4, P, 3), {1: [], ("short", 1): P}, -14) == (
        "4, [... /* 0x7ffd53448000 */], 3")
    assert fmt("writev", (4, P, 1), {1: [("x", 1, b"a"), (Q, 1, b"a", 0)]}, 1) == (
        "4, [...], 1")


def _msghdr(name: int, namelen: int, iov: int, iovlen: int, control: int = 0,
            controllen: int = 0, flags: int = 0) -> bytes:
    return struct.pack("<QI4xQQQQi4x", name, namelen, iov, iovlen, control, controllen,
                       flags)


def test_msghdr() -> None:
    rights = struct.pack("<QiiII", 24, 1, 1, 5, 6)
    hdr = _msghdr(0, 0, Q, 1, R, 24)
    cap = {1: {"hdr": hdr, "iov": [(0x1000, 2, b"hi")], "control": rights}}
    # strace: sendmsg(7, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hi", iov_len=2}],
    #   msg_iovlen=1, msg_control=[{cmsg_len=24, cmsg_level=SOL_SOCKET,
    #   cmsg_type=SCM_RIGHTS, cmsg_data=[5, 6]}], msg_controllen=24, msg_flags=0}, 0) = 2
    assert fmt("sendmsg", (7, P, 0), cap, 2) == (
        '7, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hi", iov_len=2}], '
        "msg_iovlen=1, msg_control=[{cmsg_len=24, cmsg_level=SOL_SOCKET, "
        "cmsg_type=SCM_RIGHTS, cmsg_data=[5, 6]}], msg_controllen=24, msg_flags=0}, 0")
    assert dec("sendmsg", (7, P, 0), cap, 2) == (7, {
        "msg_name": 0, "msg_namelen": 0, "msg_iov": [{"iov_base": b"hi", "iov_len": 2}],
        "msg_iovlen": 1, "msg_control": R, "msg_controllen": 24, "msg_flags": "0"}, "0")
    # strace: recvmsg(9, {msg_name=0x7ffe38b3f160, msg_namelen=110 => 0,
    #   msg_iov=[{iov_base="z", iov_len=1}], msg_iovlen=1, msg_controllen=0,
    #   msg_flags=MSG_TRUNC}, 0) = 1
    hdr = _msghdr(Q, 0, R, 1, 0, 0, 0x20)
    cap = {1: {"hdr": hdr, "iov": [(0x1000, 1, b"zz")], "namelen_in": 110}}
    assert fmt("recvmsg", (9, P, 0), cap, 1) == (
        "9, {msg_name=0x7ffd53449000, msg_namelen=110 => 0, "
        'msg_iov=[{iov_base="z", iov_len=1}], msg_iovlen=1, msg_controllen=0, '
        "msg_flags=MSG_TRUNC}, 0")
    assert dec("recvmsg", (9, P, 0), cap, 1) == (9, {
        "msg_name": Q, "msg_namelen": 0, "msg_iov": [{"iov_base": b"zz", "iov_len": 1}],
        "msg_iovlen": 1, "msg_control": 0, "msg_controllen": 0,
        "msg_flags": "MSG_TRUNC"}, "0")
    assert fmt("recvmsg", (9, P, 0), cap, -11) == "9, 0x7ffd53448000, 0"
    assert fmt("recvmsg", (9, 0, 0), None, -14) == "9, NULL, 0"
    assert dec("recvmsg", (9, 0, 0), None, -14) == (9, None, "0")
    assert dec("recvmsg", (9, P, 0), {1: {"hdr": b"short"}}, 1) == (9, P, "0")
    assert fmt("recvmsg", (9, P, 0), {1: {"hdr": b"short"}}, 1) == "9, 0x7ffd53448000, 0"
    assert fmt("recvmsg", (9, P, 0), {1: b"x"}, 1) == "9, 0x7ffd53448000, 0"


def test_msghdr_name_and_control() -> None:
    sin = struct.pack("<H", 2) + struct.pack(">H", 53) + bytes([127, 0, 0, 1]) + bytes(8)
    creds = struct.pack("<QiiiII", 28, 1, 2, 42, 1000, 100)
    hdr = _msghdr(Q, 16, R, 1, P, 32)
    cap = {1: {"hdr": hdr, "name": sin, "iov": [(0x1000, 1, b"q")], "control": creds}}
    text = fmt("sendmsg", (7, P, 0x40), cap, 1)
    assert text.startswith(
        "7, {msg_name={sa_family=AF_INET, sin_port=htons(53), "
        'sin_addr=inet_addr("127.0.0.1")}, msg_namelen=16, ')
    assert ("msg_control=[{cmsg_len=28, cmsg_level=SOL_SOCKET, cmsg_type=SCM_CREDENTIALS, "
            "cmsg_data={pid=42, uid=1000, gid=100}}, ...], msg_controllen=32") in text
    assert text.endswith("msg_flags=0}, MSG_DONTWAIT")
    got = dec("sendmsg", (7, P, 0x40), cap, 1)[1]
    assert isinstance(got, dict)
    assert got["msg_name"] == {"sa_family": "AF_INET", "sin_port": 53,
                               "sin_addr": "127.0.0.1"}
    # a name not read, a control not read, another level's message: addresses and hex
    cap = {1: {"hdr": _msghdr(Q, 16, 0, 0, P, 16),
               "control": struct.pack("<Qii", 16, 41, 50)}}
    assert fmt("sendmsg", (7, P, 0), cap, 1) == (
        "7, {msg_name=0x7ffd53449000, msg_namelen=16, msg_iov=NULL, msg_iovlen=0, "
        "msg_control=[{cmsg_len=16, cmsg_level=SOL_IPV6, cmsg_type=0x32}], "
        "msg_controllen=16, msg_flags=0}, 0")
    cap = {1: {"hdr": _msghdr(Q, 16, R, 2, P, 16)}}
    assert fmt("sendmsg", (7, P, 0), cap, 1) == (
        "7, {msg_name=0x7ffd53449000, msg_namelen=16, msg_iov=0x7ffd5344a000, msg_iovlen=2, "
        "msg_control=0x7ffd53448000, msg_controllen=16, msg_flags=0}, 0")
    assert dec("sendmsg", (7, P, 0), cap, 1)[1] == {
        "msg_name": Q, "msg_namelen": 16, "msg_iov": R, "msg_iovlen": 2, "msg_control": P,
        "msg_controllen": 16, "msg_flags": "0"}
    # a cmsg_len under the header's size ends the list
    cap = {1: {"hdr": _msghdr(0, 0, 0, 0, P, 32), "control": struct.pack("<Qii", 8, 1, 1)
               + bytes(16)}}
    assert "msg_control=[]" in fmt("sendmsg", (7, P, 0), cap, 1)


def test_pollfds() -> None:
    fds = struct.pack("<ihh", 5, 1, 0) + struct.pack("<ihh", -1, 1, 0)
    out = struct.pack("<ihh", 5, 1, 1) + struct.pack("<ihh", -1, 1, 0)
    # strace: poll([{fd=5, events=POLLIN}], 1, 0) = 1 ([{fd=5, revents=POLLIN}])
    assert fmt("poll", (P, 2, 0), {0: fds, ("out", 0): out}, 1) == (
        "[{fd=5, events=POLLIN}, {fd=-1}], 2, 0")
    assert dec("poll", (P, 2, 0), {0: fds, ("out", 0): out}, 1) == ([
        {"fd": 5, "events": "POLLIN", "revents": "POLLIN"},
        {"fd": -1, "events": "POLLIN", "revents": "0"}], 2, 0)
    # before the call returned (or when it failed): what it was given
    assert dec("poll", (P, 2, 0), {0: fds, ("out", 0): out}, -4) == ([
        {"fd": 5, "events": "POLLIN", "revents": "0"},
        {"fd": -1, "events": "POLLIN", "revents": "0"}], 2, 0)
    assert dec("poll", (P, 2, 0), {0: fds, ("out", 0): b"x"}, 1)[0] == [
        {"fd": 5, "events": "POLLIN", "revents": "0"},
        {"fd": -1, "events": "POLLIN", "revents": "0"}]
    assert dec("poll", (P, 2, 0), None, 1) == (P, 2, 0)
    assert dec("poll", (0, 0, 0), None, 0) == (None, 0, 0)
    assert fmt("poll", (P, 2, 0), None, 1) == "0x7ffd53448000, 2, 0"
    assert fmt("poll", (P, 2, 0), {0: fds}, 0, strsize=1) == "[{fd=5, events=POLLIN}, ...], 2, 0"
    assert fmt("poll", (P, 3, 0), {0: fds, ("short", 0): P + 16}, -14) == (
        "[{fd=5, events=POLLIN}, {fd=-1}, ... /* 0x7ffd53448010 */], 3, 0")
    assert fmt("poll", (P, 3, 0), {0: fds[:8], ("short", 0): P + 8}, -14) == (
        "[{fd=5, events=POLLIN}, ... /* 0x7ffd53448008 */], 3, 0")
    assert fmt("poll", (P, 1, 0), {0: fds, ("fdn", 5): "/p"}, 0, fd_paths=True) == (
        "[{fd=5</p>, events=POLLIN}], 1, 0")


def test_fd_pairs_and_wait_status() -> None:
    # strace: pipe2([5, 6], O_CLOEXEC) = 0
    assert fmt("pipe2", (P, 0o2000000), {0: i32(5, 6)}, 0) == "[5, 6], O_CLOEXEC"
    assert dec("pipe2", (P, 0o2000000), {0: i32(5, 6)}, 0) == ([5, 6], "O_CLOEXEC")
    assert dec("pipe2", (P, 0), {0: i32(5, 6)}, -24) == (P, "0")
    assert fmt("pipe2", (P, 0), {0: i32(5, 6)}, -24) == "0x7ffd53448000, 0"
    assert dec("pipe2", (P, 0), {0: i32(5)}, 0) == (P, "0")
    assert dec("pipe2", (0, 0), None, -14) == (None, "0")
    assert fmt("pipe2", (0, 0), None, -14) == "NULL, 0"
    assert fmt("pipe2", (P, 0), {0: i32(5, 6), ("fdn", 5): "pipe:[1]",
                                 ("fdn", 6): "pipe:[1]"}, 0, fd_paths=True) == (
        "[5<pipe:[1]>, 6<pipe:[1]>], 0")
    # strace: wait4(1598, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 1598
    assert fmt("wait4", (1598, P, 0, 0), {1: i32(3 << 8)}, 1598) == (
        "1598, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL")
    assert dec("wait4", (1598, P, 0, 0), {1: i32(3 << 8)}, 1598)[1] == 3 << 8
    # WNOHANG and no child changed state (0), or failed: the address
    assert fmt("wait4", (-1 & M64, P, 1, 0), {1: i32(0)}, 0) == (
        "-1, 0x7ffd53448000, WNOHANG, NULL")
    assert dec("wait4", (-1 & M64, P, 1, 0), {1: i32(0)}, 0)[1] == P
    assert dec("wait4", (-1 & M64, P, 1, 0), None, -10)[1] == P
    assert dec("wait4", (-1 & M64, P, 1, 0), {1: b"\0"}, 5)[1] == P
    assert dec("wait4", (-1 & M64, 0, 1, 0), None, 5)[1] is None
    assert fmt("wait4", (-1 & M64, 0, 1, 0), None, 5) == "-1, NULL, WNOHANG, NULL"


def test_epoll_events() -> None:
    ev = struct.pack("<IQ", 1, 5)  # packed on x86_64: 12 bytes
    # strace: epoll_ctl(7, EPOLL_CTL_ADD, 5, {events=EPOLLIN, data={u32=5, u64=5}}) = 0
    assert fmt("epoll_ctl", (7, 1, 5, P), {3: ev}, 0) == (
        "7, EPOLL_CTL_ADD, 5, {events=EPOLLIN, data={u32=5, u64=5}}")
    assert dec("epoll_ctl", (7, 1, 5, P), {3: ev}, 0) == (
        7, "EPOLL_CTL_ADD", 5, {"events": "EPOLLIN", "data": 5})
    assert dec("epoll_ctl", (7, 2, 5, 0), None, 0)[3] is None
    assert fmt("epoll_ctl", (7, 2, 5, 0), None, 0) == "7, EPOLL_CTL_DEL, 5, NULL"
    assert dec("epoll_ctl", (7, 1, 5, P), {3: b"x"}, 0)[3] == P
    assert fmt("epoll_ctl", (7, 1, 5, P), {3: b"x"}, 0).endswith(", 0x7ffd53448000")
    # aarch64's struct epoll_event is 16 bytes (padded)
    ev16 = struct.pack("<I4xQ", 4, 1 << 33)
    assert dec("epoll_ctl", (7, 1, 5, P), {3: ev16}, 0, arch="aarch64")[3] == {
        "events": "EPOLLOUT", "data": 1 << 33}
    # strace: epoll_wait(7, [{events=EPOLLIN, data={u32=5, u64=5}}], 1023, 0) = 1
    two = ev + struct.pack("<IQ", 4, (1 << 32) | 6)
    assert fmt("epoll_wait", (7, P, 1023, 0), {1: two}, 2) == (
        "7, [{events=EPOLLIN, data={u32=5, u64=5}}, "
        "{events=EPOLLOUT, data={u32=6, u64=4294967302}}], 1023, 0")
    assert dec("epoll_wait", (7, P, 1023, 0), {1: two}, 2)[1] == [
        {"events": "EPOLLIN", "data": 5}, {"events": "EPOLLOUT", "data": (1 << 32) | 6}]
    assert fmt("epoll_wait", (7, P, 1023, 0), {1: two}, 2, strsize=1) == (
        "7, [{events=EPOLLIN, data={u32=5, u64=5}}, ...], 1023, 0")
    assert fmt("epoll_wait", (7, P, 1023, 0), None, 0) == "7, [], 1023, 0"
    assert dec("epoll_wait", (7, P, 1023, 0), None, 0)[1] == []
    assert fmt("epoll_wait", (7, P, 1023, 0), None, -4) == "7, 0x7ffd53448000, 1023, 0"
    assert dec("epoll_wait", (7, P, 1023, 0), None, -4)[1] == P
    assert fmt("epoll_wait", (7, P, 1023, 0), {1: ev}, 2) == "7, 0x7ffd53448000, 1023, 0"
    assert dec("epoll_wait", (7, P, 1023, 0), {1: ev}, 2)[1] == P


def test_dirents_and_fd_sets() -> None:
    # strace: getdents64(12, 0x5619c1ec3060 /* 6 entries */, 32768) = 176
    assert fmt("getdents64", (12, P, 32768), {1: 6}, 176) == (
        "12, 0x7ffd53448000 /* 6 entries */, 32768")
    assert fmt("getdents64", (12, P, 32768), {1: 1}, 24) == (
        "12, 0x7ffd53448000 /* 1 entry */, 32768")
    assert fmt("getdents64", (12, P, 32768), {1: 0}, 0) == (
        "12, 0x7ffd53448000 /* 0 entries */, 32768")
    assert fmt("getdents64", (12, P, 32768), {1: 6}, -9) == "12, 0x7ffd53448000, 32768"
    assert fmt("getdents64", (12, P, 32768), {1: b"x"}, 3) == "12, 0x7ffd53448000, 32768"
    assert dec("getdents64", (12, P, 32768), {1: 6}, 176)[1] == {"addr": P, "entries": 6}
    assert dec("getdents64", (12, P, 32768), {1: 6}, -9)[1] == P
    assert dec("getdents", (12, P, 32768), None, 3)[1] == P
    # strace: pselect6(7, [5], [6], NULL, {tv_sec=0, tv_nsec=1000000}, NULL) = 2
    sets = {1: struct.pack("<Q", 1 << 5), 2: struct.pack("<Q", 1 << 6)}
    assert fmt("pselect6", (7, P, Q, 0, 0, 0), sets, 2) == "7, [5], [6], NULL, NULL, NULL"
    assert dec("pselect6", (7, P, Q, 0, 0, 0), sets, 2)[:4] == (7, [5], [6], None)
    # only the first nfds bits are members
    assert fmt("pselect6", (6, P, Q, 0, 0, 0), sets, 2) == "6, [5], [], NULL, NULL, NULL"
    assert dec("pselect6", (6, P, Q, 0, 0, 0), sets, 2)[2] == []
    assert fmt("pselect6", (7, P, Q, 0, 0, 0), {}, 2) == (
        "7, 0x7ffd53448000, 0x7ffd53449000, NULL, NULL, NULL")
    assert dec("pselect6", (7, P, Q, 0, 0, 0), {}, 2)[1:3] == (P, Q)


def test_pselect6_sigmask() -> None:
    # strace: pselect6(6, [5], NULL, NULL, {tv_sec=0, tv_nsec=1000},
    #         {sigmask=[USR1], sigsetsize=8}) = 1
    cap = {1: struct.pack("<Q", 1 << 5), 4: q64(0, 1000), 5: struct.pack("<QQ", R, 8),
           ("mask", 5): struct.pack("<Q", 1 << 9)}
    assert fmt("pselect6", (6, P, 0, 0, Q, Q + 64), cap, 1) == (
        "6, [5], NULL, NULL, {tv_sec=0, tv_nsec=1000}, {sigmask=[USR1], sigsetsize=8}")
    cap[5] = struct.pack("<QQ", 0, 8)
    assert fmt("pselect6", (6, P, 0, 0, Q, Q + 64), cap, 1).endswith(
        "{sigmask=NULL, sigsetsize=8}")
    cap[5] = struct.pack("<QQ", R, 16)
    assert fmt("pselect6", (6, P, 0, 0, Q, Q + 64), cap, 1).endswith(
        "{sigmask=0x7ffd5344a000, sigsetsize=16}")
    del cap[("mask", 5)]
    cap[5] = struct.pack("<QQ", R, 8)
    assert fmt("pselect6", (6, P, 0, 0, Q, Q + 64), cap, 1).endswith(
        "{sigmask=0x7ffd5344a000, sigsetsize=8}")
    cap[5] = b"\0" * 15
    assert fmt("pselect6", (6, P, 0, 0, Q, Q + 64), cap, 1).endswith(", 0x7ffd53449040")
    assert dec("pselect6", (6, P, 0, 0, Q, Q + 64), cap, 1)[5] == cap[5]


def test_groups_and_cpu_sets() -> None:
    gids = i32(0, 1, 4)
    # strace: setgroups(3, [0, 1, 4]) = 0; getgroups(3, [0, 1, 4]) = 3
    assert fmt("setgroups", (3, P), {1: gids}, 0) == "3, [0, 1, 4]"
    assert dec("setgroups", (3, P), {1: gids}, 0) == (3, [0, 1, 4])
    assert fmt("getgroups", (3, P), {1: gids}, 3) == "3, [0, 1, 4]"
    assert dec("getgroups", (3, P), {1: gids}, 3) == (3, [0, 1, 4])
    # getgroups writes as many as it returns; setgroups reads as many as it is told
    assert fmt("getgroups", (8, P), {1: gids}, 2) == "8, [0, 1]"
    assert fmt("setgroups", (2, P), {1: gids}, 0) == "2, [0, 1]"
    assert fmt("setgroups", (3, P), {1: gids}, 0, strsize=2) == "3, [0, 1, ...]"
    assert fmt("getgroups", (3, P), {1: gids}, 3, strsize=2) == "3, [0, 1, ...]"
    assert fmt("setgroups", (3, P), {1: gids[:8], ("short", 1): P + 8}, -14) == (
        "3, [0, 1, ... /* 0x7ffd53448008 */]")
    # strace: getgroups(2, 0x7f9e9d7162f0) = -1 EINVAL; getgroups(0, NULL) = 3
    assert fmt("getgroups", (2, P), None, -22) == "2, 0x7ffd53448000"
    assert fmt("getgroups", (2, P), {1: gids}, -22) == "2, 0x7ffd53448000"
    assert dec("getgroups", (2, P), {1: gids}, -22) == (2, P)
    assert fmt("getgroups", (0, 0), None, 3) == "0, NULL"
    assert dec("getgroups", (0, 0), None, 3) == (0, None)
    assert fmt("getgroups", (0, P), {1: b""}, 0) == "0, []"
    assert fmt("setgroups", (0, P), {1: b""}, 0) == "0, 0x7ffd53448000"
    assert dec("setgroups", (1, P), {1: struct.pack("<I", M32)}, 0) == (1, [M32])
    # strace: sched_setaffinity(0, 8, [0 1]) = 0; sched_getaffinity(0, 8, [0 1]) = 8
    assert fmt("sched_setaffinity", (0, 8, P), {2: struct.pack("<Q", 3)}, 0) == "0, 8, [0 1]"
    assert dec("sched_setaffinity", (0, 8, P), {2: struct.pack("<Q", 3)}, 0) == (0, 8, [0, 1])
    assert fmt("sched_getaffinity", (0, 8, P), {2: struct.pack("<Q", 5)}, 8) == "0, 8, [0 2]"
    assert dec("sched_getaffinity", (0, 8, P), {2: struct.pack("<Q", 5)}, 8)[2] == [0, 2]
    assert fmt("sched_getaffinity", (0, 8, P), {2: struct.pack("<Q", 5)}, -22) == (
        "0, 8, 0x7ffd53448000")
    assert dec("sched_getaffinity", (0, 8, P), {2: struct.pack("<Q", 5)}, -22)[2] == P
    assert dec("sched_getaffinity", (0, 8, 0), None, -14)[2] is None
    assert fmt("sched_getaffinity", (0, 8, 0), None, -14) == "0, 8, NULL"
    assert fmt("sched_setaffinity", (0, 8, P), None, -14) == "0, 8, 0x7ffd53448000"
    assert dec("sched_setaffinity", (0, 8, P), None, -14)[2] == P


def test_siginfo() -> None:
    info = struct.pack("<iii4xii", 12, 0, 0, 3094, 0) + bytes(104)
    # strace: rt_sigtimedwait([USR2], {si_signo=SIGUSR2, si_code=SI_USER, si_pid=3094,
    #         si_uid=0}, {tv_sec=1, tv_nsec=0}, 8) = 12 (SIGUSR2)
    cap = {0: struct.pack("<Q", 1 << 11), 1: info, 2: q64(1, 0)}
    assert fmt("rt_sigtimedwait", (P, Q, R, 8), cap, 12) == (
        "[USR2], {si_signo=SIGUSR2, si_code=SI_USER, si_pid=3094, si_uid=0}, "
        "{tv_sec=1, tv_nsec=0}, 8")
    assert dec("rt_sigtimedwait", (P, Q, R, 8), cap, 12)[1] == {
        "si_signo": "SIGUSR2", "si_errno": 0, "si_code": 0}
    assert fmt("rt_sigtimedwait", (P, Q, R, 8), cap, -11) == (
        "[USR2], 0x7ffd53449000, {tv_sec=1, tv_nsec=0}, 8")
    assert fmt("rt_sigtimedwait", (P, 0, R, 8), cap, 12).startswith("[USR2], NULL, ")
    assert dec("rt_sigtimedwait", (P, 0, R, 8), cap, 12)[1] is None
    assert dec("rt_sigtimedwait", (P, Q, R, 8), {1: info[:11]}, 12)[1] == Q
    assert fmt("rt_sigtimedwait", (P, Q, R, 8), {1: info[:11]}, 12) == (
        "0x7ffd53448000, 0x7ffd53449000, 0x7ffd5344a000, 8")
    # the in-argument of rt_sigqueueinfo: whatever the call returned
    sent = struct.pack("<iii", 10, 5, -1) + bytes(116)
    assert dec("rt_sigqueueinfo", (7, 10, P), {2: sent}, -1)[2] == {
        "si_signo": "SIGUSR1", "si_errno": 5, "si_code": -1}
    assert fmt("rt_sigqueueinfo", (7, 10, 0), None, -14) == "7, SIGUSR1, NULL"


def test_clone3_and_open_how() -> None:
    args = struct.pack("<11Q", 0x1000 | 0x100000, P, 0, Q, 17, 0, 0, 0, 0, 0, 0)
    cap = {0: args, ("pidfd", 0): 5, ("parent_tid", 0): 77}
    text = fmt("clone3", (R, 88), cap, 77)
    assert text.endswith(" => {pidfd=[5], parent_tid=[77]}, 88")
    assert text.startswith("{flags=CLONE_PIDFD|CLONE_PARENT_SETTID, pidfd=0x7ffd53448000, ")
    assert " => " not in fmt("clone3", (R, 88), cap, -11)
    assert fmt("clone3", (R, 88), {0: args, ("pidfd", 0): 5}, 77).endswith(
        " => {pidfd=[5]}, 88")
    assert fmt("clone3", (R, 88), {0: args}, 77).endswith("}, 88")
    assert " => " not in fmt("clone3", (R, 88), {0: args}, 77)
    assert fmt("clone3", (R, 88), None, -14) == "0x7ffd5344a000, 88"
    assert fmt("clone3", (0, 88), None, -14) == "NULL, 88"
    # strace: openat2(AT_FDCWD, "/tmp/s15/a.txt", {flags=O_RDONLY|O_CLOEXEC,
    #         resolve=RESOLVE_BENEATH}, 24) = -1 EXDEV
    how = struct.pack("<QQQ", 0o2000000, 0, 8)
    raw = (AT_FDCWD, P, Q, 24)
    assert fmt("openat2", raw, {1: b"/tmp/s15/a.txt", 2: how}, -18) == (
        'AT_FDCWD, "/tmp/s15/a.txt", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_BENEATH}, 24')
    assert dec("openat2", raw, {1: b"/a", 2: how}, -18)[2] == {
        "flags": "O_RDONLY|O_CLOEXEC", "mode": 0, "resolve": "RESOLVE_BENEATH"}
    dirhow = struct.pack("<QQQ", 0o40000, 0o644, 0)
    assert dec("openat2", raw, {1: b"/a", 2: dirhow}, 3, arch="aarch64")[2] == {
        "flags": "O_RDONLY|O_DIRECTORY", "mode": 0o644, "resolve": "0"}
    # a size under the struct's 24 bytes: not decoded
    assert fmt("openat2", (AT_FDCWD, P, Q, 16), {1: b"/a", 2: how}, -22) == (
        'AT_FDCWD, "/a", 0x7ffd53449000, 16')
    assert dec("openat2", raw, {1: b"/a"}, -14)[2] == Q
    assert dec("openat2", (AT_FDCWD, P, 0, 24), {1: b"/a"}, -14)[2] is None
    assert fmt("openat2", (AT_FDCWD, P, 0, 24), {1: b"/a"}, -14) == 'AT_FDCWD, "/a", NULL, 24'


def test_offsets() -> None:
    # strace: copy_file_range(3, [2], 4, [0], 5, 0) = 5; splice(3, [1], 6, NULL, 3, 0) = 3
    assert fmt("copy_file_range", (3, P, 4, Q, 5, 0), {1: q64(2), 3: q64(0)}, 5) == (
        "3, [2], 4, [0], 5, 0")
    assert dec("copy_file_range", (3, P, 4, Q, 5, 0), {1: q64(2), 3: q64(-1)}, 5)[:4] == (
        3, 2, 4, -1)
    assert fmt("splice", (3, P, 6, 0, 3, 0), {1: q64(1)}, 3) == "3, [1], 6, NULL, 3, 0"
    assert dec("splice", (3, P, 6, 0, 3, 0), {1: q64(1)}, 3)[:4] == (3, 1, 6, None)
    assert dec("splice", (3, P, 6, 0, 3, 0), {1: b"\1"}, 3)[1] == P
    assert fmt("splice", (3, P, 6, 0, 3, 0), None, -14) == "3, 0x7ffd53448000, 6, NULL, 3, 0"
    # strace: sendfile(4, 3, [5] => [12], 7) = 7
    cap = {("in", 2): q64(5), 2: q64(12)}
    assert fmt("sendfile", (4, 3, P, 7), cap, 7) == "4, 3, [5] => [12], 7"
    assert dec("sendfile", (4, 3, P, 7), cap, 7) == (4, 3, 12, 7)
    # nothing sent, or failed: only the offset given
    assert fmt("sendfile", (4, 3, P, 7), cap, 0) == "4, 3, [5], 7"
    assert fmt("sendfile", (4, 3, P, 7), cap, -9) == "4, 3, [5], 7"
    assert dec("sendfile", (4, 3, P, 7), cap, -9) == (4, 3, 5, 7)
    assert fmt("sendfile", (4, 3, P, 7), {("in", 2): q64(5)}, 7) == "4, 3, [5], 7"
    assert fmt("sendfile", (4, 3, P, 7), {2: q64(12)}, 7) == "4, 3, 0x7ffd53448000, 7"
    assert dec("sendfile", (4, 3, P, 7), {("in", 2): q64(5)}, 7)[2] == P
    assert fmt("sendfile", (4, 3, 0, 7), None, 7) == "4, 3, NULL, 7"
    assert dec("sendfile", (4, 3, 0, 7), None, 7)[2] is None


def test_times() -> None:
    # strace: utimensat(AT_FDCWD, "/tmp/s15/a.txt", [{tv_sec=1, tv_nsec=1}
    #   /* 1970-01-01T00:00:01.000000001+0000 */, {tv_sec=2, tv_nsec=2}
    #   /* 1970-01-01T00:00:02.000000002+0000 */], 0) = 0
    ts = q64(1, 1, 2, 2)
    assert fmt("utimensat", (AT_FDCWD, P, Q, 0), {1: b"/a", 2: ts}, 0) == (
        'AT_FDCWD, "/a", [{tv_sec=1, tv_nsec=1} /* 1970-01-01T00:00:01.000000001+0000 */, '
        "{tv_sec=2, tv_nsec=2} /* 1970-01-01T00:00:02.000000002+0000 */], 0")
    assert dec("utimensat", (AT_FDCWD, P, Q, 0), {1: b"/a", 2: ts}, 0)[2] == ts
    assert fmt("utimensat", (AT_FDCWD, P, Q, 0), {1: b"/a", 2: ts[:16]}, 0) == (
        'AT_FDCWD, "/a", 0x7ffd53449000, 0')
    assert fmt("utimensat", (AT_FDCWD, P, 0, 0), {1: b"/a"}, 0) == 'AT_FDCWD, "/a", NULL, 0'
    # strace: time([1796398812 /* 2026-12-04T15:40:12+0000 */]) = 1796398812; time(NULL)
    assert fmt("time", (P,), {0: q64(1796398812)}, 1796398812) == (
        "[1796398812 /* 2026-12-04T15:40:12+0000 */]")
    assert dec("time", (P,), {0: q64(1796398812)}, 1796398812) == (1796398812,)
    assert fmt("time", (0,), None, 1796398812) == "NULL"
    assert dec("time", (0,), None, 1796398812) == (None,)
    assert fmt("time", (P,), {0: q64(1)}, -14) == "0x7ffd53448000"
    assert dec("time", (P,), {0: q64(1)}, -14) == (P,)
    assert dec("time", (P,), {0: b"\1"}, 1) == (P,)
    # strace: mincore(0x7f7f36ea2000, 8192, [0, 0]) = 0 (one byte per page)
    assert fmt("mincore", (0x7F00, 8192, P), {2: b"\0\1"}, 0) == "0x7f00, 8192, [0, 1]"
    assert fmt("mincore", (0x7F00, 8193, P), {2: b"\0\1\1"}, 0) == "0x7f00, 8193, [0, 1, 1]"
    assert fmt("mincore", (0x7F00, 8192, P), {2: b"\0\1"}, 0, strsize=1) == (
        "0x7f00, 8192, [0, ...]")
    assert dec("mincore", (0x7F00, 8192, P), {2: b"\0\1"}, 0)[2] == [0, 1]
    assert fmt("mincore", (0x7F00, 8192, P), {2: b"\0\1"}, -12) == "0x7f00, 8192, 0x7ffd53448000"
    assert dec("mincore", (0x7F00, 8192, P), {2: b"\0\1"}, -12)[2] == P
    assert dec("mincore", (0x7F00, 8192, P), None, 0)[2] == P
    assert fmt("mincore", (0x7F00, 8192, P), None, 0) == "0x7f00, 8192, 0x7ffd53448000"


def test_more_structs_like_strace() -> None:
    # strace: timer_create(CLOCK_MONOTONIC, {sigev_value={sival_int=4660, sival_ptr=0x1234},
    #         sigev_signo=SIGUSR1, sigev_notify=SIGEV_SIGNAL}, [0]) = 0
    sev = struct.pack("<Qii", 0x1234, 10, 0) + bytes(40)
    assert fmt("timer_create", (1, P, Q), {1: sev}, 0).startswith(
        "CLOCK_MONOTONIC, {sigev_value={sival_int=4660, sival_ptr=0x1234}, "
        "sigev_signo=SIGUSR1, sigev_notify=SIGEV_SIGNAL}, ")
    got = dec("timer_create", (1, P, Q), {1: sev}, 0)[1]
    assert isinstance(got, dict) and got["sigev_signo"] == 10
    sev = struct.pack("<Qii", 0, 0, 1) + bytes(40)
    assert fmt("timer_create", (0, P, Q), {1: sev}, 0).startswith(
        "CLOCK_REALTIME, {sigev_signo=0, sigev_notify=SIGEV_NONE}, ")
    sev = struct.pack("<Qiii", 7, 12, 4, 4242) + bytes(36)
    assert fmt("timer_create", (0, P, Q), {1: sev}, -22).startswith(
        "CLOCK_REALTIME, {sigev_value={sival_int=7, sival_ptr=0x7}, sigev_signo=SIGUSR2, "
        "sigev_notify=SIGEV_THREAD_ID, sigev_notify_thread_id=4242}, ")
    sev = struct.pack("<QiiQQ", 0x10, 14, 2, 0x401000, 0x402000) + bytes(24)
    assert fmt("timer_create", (0, P, Q), {1: sev}, 0).startswith(
        "CLOCK_REALTIME, {sigev_value={sival_int=16, sival_ptr=0x10}, sigev_signo=SIGALRM, "
        "sigev_notify=SIGEV_THREAD, sigev_notify_function=0x401000, "
        "sigev_notify_attributes=0x402000}, ")
    # strace: {sigev_value={sival_int=5, sival_ptr=0x5}, sigev_signo=10,
    #   sigev_notify=SIGEV_NONE}; {sigev_signo=SIGALRM, sigev_notify=SIGEV_THREAD,
    #   sigev_notify_function=NULL, sigev_notify_attributes=NULL}
    sev = struct.pack("<Qii", 5, 10, 1) + bytes(40)
    assert fmt("timer_create", (0, P, Q), {1: sev}, 0).startswith(
        "CLOCK_REALTIME, {sigev_value={sival_int=5, sival_ptr=0x5}, sigev_signo=10, "
        "sigev_notify=SIGEV_NONE}, ")
    sev = struct.pack("<Qii", 0, 14, 2) + bytes(40)
    assert fmt("timer_create", (0, P, Q), {1: sev}, 0).startswith(
        "CLOCK_REALTIME, {sigev_signo=SIGALRM, sigev_notify=SIGEV_THREAD, "
        "sigev_notify_function=NULL, sigev_notify_attributes=NULL}, ")
    sev = struct.pack("<Qii", 0, 0, 9) + bytes(40)
    assert fmt("timer_create", (0, P, Q), {1: sev}, -22).startswith(
        "CLOCK_REALTIME, {sigev_signo=0, sigev_notify=0x9 /* SIGEV_??? */}, ")
    # strace: sched_setattr(0, {size=48, sched_policy=SCHED_OTHER, sched_flags=0,
    #   sched_nice=5, sched_priority=0, sched_runtime=0, sched_deadline=0, sched_period=0}, 0)
    attr = struct.pack("<IIQiIQQQ", 48, 0, 0, 5, 0, 0, 0, 0)
    assert fmt("sched_setattr", (0, P, 0), {1: attr}, 0) == (
        "0, {size=48, sched_policy=SCHED_OTHER, sched_flags=0, sched_nice=5, "
        "sched_priority=0, sched_runtime=0, sched_deadline=0, sched_period=0}, 0")
    # strace: sched_getattr(0, {size=56, sched_policy=SCHED_OTHER, sched_flags=0,
    #   sched_nice=0, sched_priority=0, sched_runtime=1400000, sched_deadline=0,
    #   sched_period=0, sched_util_min=0, sched_util_max=0}, 56, 0) = 0
    attr = struct.pack("<IIQiIQQQII", 56, 0, 0, 0, 0, 1400000, 0, 0, 0, 0)
    assert fmt("sched_getattr", (0, P, 56, 0), {1: attr}, 0) == (
        "0, {size=56, sched_policy=SCHED_OTHER, sched_flags=0, sched_nice=0, "
        "sched_priority=0, sched_runtime=1400000, sched_deadline=0, sched_period=0, "
        "sched_util_min=0, sched_util_max=0}, 56, 0")
    got = dec("sched_getattr", (0, P, 56, 0), {1: attr}, 0)[1]
    assert isinstance(got, dict) and got["sched_runtime"] == 1400000
    # strace: capset({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=1<<CAP_CHOWN|
    #   1<<CAP_KILL|1<<CAP_BPF, permitted=1<<CAP_CHOWN|1<<CAP_KILL|1<<CAP_BPF,
    #   inheritable=0}) = 0
    hdr = struct.pack("<Ii", 0x20080522, 0)
    data = struct.pack("<6I", 0x21, 0x21, 0, 0x80, 0x80, 0)
    assert fmt("capset", (P, Q), {0: hdr, 1: data}, 0) == (
        "{version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=1<<CAP_CHOWN|1<<CAP_KILL|"
        "1<<CAP_BPF, permitted=1<<CAP_CHOWN|1<<CAP_KILL|1<<CAP_BPF, inheritable=0}")
    # strace: capget({version=0x12345678 /* _LINUX_CAPABILITY_VERSION_??? */, pid=77}, NULL)
    assert fmt("capget", (P, 0), {0: struct.pack("<Ii", 0x12345678, 77)}, 0) == (
        "{version=0x12345678 /* _LINUX_CAPABILITY_VERSION_??? */, pid=77}, NULL")
    assert fmt("capget", (P, Q), {0: hdr, 1: data}, -1).endswith(", 0x7ffd53449000")
    # strace: gettimeofday({tv_sec=1796399590, tv_usec=869753}, {tz_minuteswest=0,
    #   tz_dsttime=0}) = 0
    assert fmt("gettimeofday", (P, Q), {0: q64(1796399590, 869753), 1: i32(-60, 1)}, 0) == (
        "{tv_sec=1796399590, tv_usec=869753}, {tz_minuteswest=-60, tz_dsttime=1}")
    assert dec("gettimeofday", (P, Q), {0: q64(1, 2), 1: i32(-60, 1)}, 0) == (
        {"tv_sec": 1, "tv_usec": 2}, {"tz_minuteswest": -60, "tz_dsttime": 1})
    # strace: times({tms_utime=3 /* 0.03 s */, tms_stime=1 /* 0.01 s */,
    #   tms_cutime=3 /* 0.03 s */, tms_cstime=0}) = 1718943838
    assert fmt("times", (P,), {0: q64(3, 1, 123, 0)}, 1718943838) == (
        "{tms_utime=3 /* 0.03 s */, tms_stime=1 /* 0.01 s */, tms_cutime=123 /* 1.23 s */, "
        "tms_cstime=0}")
    # strace -v: uname({sysname="Linux", nodename="vm", release="6.18.44-fc-v1147",
    #   version="#1 SMP PREEMPT_DYNAMIC @0", machine="x86_64", domainname="(none)"}) = 0
    uts = b"".join(s.ljust(65, b"\0") for s in (
        b"Linux", b"vm", b"6.18.44-fc-v1147", b"#1 SMP PREEMPT_DYNAMIC @0", b"x86_64",
        b"(none)"))
    info = T.by_name["uname"]
    assert call_formatter(info, verbose=True).arg_list((P,), {0: uts}, 0) == [
        '{sysname="Linux", nodename="vm", release="6.18.44-fc-v1147", '
        'version="#1 SMP PREEMPT_DYNAMIC @0", machine="x86_64", domainname="(none)"}']
    assert fmt("uname", (P,), {0: uts}, 0) == '{sysname="Linux", nodename="vm", ...}'
    # strace: utimes("/tmp/s15/u.txt", [{tv_sec=1, tv_usec=2} /* 1970-01-01T00:00:01.000002+0000
    #   */, {tv_sec=3, tv_usec=4} /* 1970-01-01T00:00:03.000004+0000 */]) = 0
    assert fmt("utimes", (P, Q), {0: b"/u", 1: q64(1, 2, 3, 4)}, 0) == (
        '"/u", [{tv_sec=1, tv_usec=2} /* 1970-01-01T00:00:01.000002+0000 */, '
        "{tv_sec=3, tv_usec=4} /* 1970-01-01T00:00:03.000004+0000 */]")
    assert fmt("utimes", (P, 0), {0: b"/u"}, 0) == '"/u", NULL'


def test_entry_counts_by_command() -> None:
    # strace prints the arguments known at entry, the rest after "resumed>"
    fcntl = call_formatter(T.by_name["fcntl"])
    assert fcntl.entry_count_of((3, 5, P)) == 2  # F_GETLK: the lock is written back
    assert fcntl.entry_count_of((3, 16, P)) == 2  # F_GETOWN_EX
    assert fcntl.entry_count_of((3, (1 << 32) | 5, P)) == 2
    assert fcntl.entry_count_of((3, 6, P)) == 3  # F_SETLK: all known at entry
    assert fcntl.entry_count_of((3,)) == 3
    prctl = call_formatter(T.by_name["prctl"])
    assert prctl.entry_count_of((16, P, 0, 0, 0)) == 1  # PR_GET_NAME
    assert prctl.entry_count_of((15, P, 0, 0, 0)) == 5  # PR_SET_NAME
    assert prctl.entry_count_of(()) == 5
    clone = call_formatter(T.by_name["clone"])
    assert clone.entry_count_of((0x100000 | 17, 0, P, Q, 0)) == 2  # PARENT_SETTID
    assert clone.entry_count_of((0x1000000, 0, P, Q, 0)) == 2  # CHILD_SETTID
    assert clone.entry_count_of((17, 0, 0, 0, 0)) == 5
    assert clone.entry_count_of(()) == 5
    assert call_formatter(T.by_name["read"]).entry_count_of((3, P, 4)) == 1
    assert call_formatter(T.by_name["write"]).entry_count_of((3, P, 4)) == 3
    assert call_formatter(T.by_name["nanosleep"]).entry_count_of((P, Q)) == 1
    assert call_formatter(T.by_name["sendfile"]).entry_count_of((1, 2, P, 4)) == 2
    assert call_formatter(T.by_name["ioctl"]).entry_count_of((1, 0x5401, P)) == 2


def test_a_failing_formatter_spoils_only_its_argument() -> None:
    bad = {1: {"hdr": struct.pack("<QI4xQQQQi4x", 0, 0, Q, 1, 0, 0, 0), "iov": [(1, 2)]}}
    assert fmt("sendmsg", (7, P, 0x40), bad, 2) == "7, 0x7ffd53448000, MSG_DONTWAIT"
    assert dec("sendmsg", (7, P, 0x40), bad, 2) == (7, P, "MSG_DONTWAIT")


def test_kind_overrides() -> None:
    from pytest_renacer.decode.format import kind_overrides, kinds_of

    assert kind_overrides("statx") == {2: "statx_flags"}
    assert kind_overrides("read") == {}
    assert kinds_of(T.by_name["statx"])[2] == ("statx_flags", None)
    assert kinds_of(T.by_name["getsockopt"])[3] == ("sockopt_val_out", "4")
    assert kinds_of(T.by_name["openat2"])[2] == ("open_how", "3")
    assert kinds_of(T.by_name["mmap"])[0] == ("addr", None)
    assert kinds_of(T.by_name["read"]) == (("fd", None), ("buf_out", "ret"), ("size", None))


def _stat64(dev: int, ino: int, mode: int, rdev: int, size: int, blocks: int,
            times: tuple[int, int, int, int, int, int]) -> bytes:
    raw = struct.pack("<QQQIII4xQqqq6q", dev, ino, 1, mode, 0, 0, rdev, size, 4096, blocks,
                      *times)
    return raw + bytes(144 - len(raw))


def test_stat_verbose_like_strace_v() -> None:
    info = T.by_name["newfstatat"]
    v = call_formatter(info, verbose=True, arch="x86_64")
    # strace -v: newfstatat(AT_FDCWD, "/tmp/s15/st.txt", {st_dev=makedev(0xfe, 0),
    #   st_ino=2164789, st_mode=S_IFREG|0644, st_nlink=1, st_uid=0, st_gid=0,
    #   st_blksize=4096, st_blocks=8, st_size=5, st_atime=1700000000 /*
    #   2023-11-14T22:13:20.123456789+0000 */, st_atime_nsec=123456789, ...}, 0) = 0
    st = _stat64(0xFE00, 2164789, 0o100644, 0, 5, 8,
                 (1700000000, 123456789, 1700000000, 123456789, 1796400335, 245521982))
    assert v.arg_list((AT_FDCWD, P, Q, 0), {1: b"/tmp/s15/st.txt", 2: st}, 0)[2] == (
        "{st_dev=makedev(0xfe, 0), st_ino=2164789, st_mode=S_IFREG|0644, st_nlink=1, "
        "st_uid=0, st_gid=0, st_blksize=4096, st_blocks=8, st_size=5, "
        "st_atime=1700000000 /* 2023-11-14T22:13:20.123456789+0000 */, "
        "st_atime_nsec=123456789, "
        "st_mtime=1700000000 /* 2023-11-14T22:13:20.123456789+0000 */, "
        "st_mtime_nsec=123456789, "
        "st_ctime=1796400335 /* 2026-12-04T16:05:35.245521982+0000 */, "
        "st_ctime_nsec=245521982}")
    # strace -v, /dev/null: a device's st_rdev instead of its size
    dev = _stat64(6, 3, 0o20666, 0x103, 0, 0,
                  (1796261044, 401138799, 1796261044, 401138799, 1796261044, 401138799))
    assert v.arg_list((AT_FDCWD, P, Q, 0), {1: b"/dev/null", 2: dev}, 0)[2] == (
        "{st_dev=makedev(0, 0x6), st_ino=3, st_mode=S_IFCHR|0666, st_nlink=1, st_uid=0, "
        "st_gid=0, st_blksize=4096, st_blocks=0, st_rdev=makedev(0x1, 0x3), "
        "st_atime=1796261044 /* 2026-12-03T01:24:04.401138799+0000 */, "
        "st_atime_nsec=401138799, "
        "st_mtime=1796261044 /* 2026-12-03T01:24:04.401138799+0000 */, "
        "st_mtime_nsec=401138799, "
        "st_ctime=1796261044 /* 2026-12-03T01:24:04.401138799+0000 */, "
        "st_ctime_nsec=401138799}")
    # without -v: strace's abbreviation, a device's rdev in place of the size
    assert fmt("newfstatat", (AT_FDCWD, P, Q, 0), {1: b"/dev/null", 2: dev}, 0) == (
        'AT_FDCWD, "/dev/null", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}, 0')
    assert dec("newfstatat", (AT_FDCWD, P, Q, 0), {1: b"/x", 2: st}, -2)[2] == Q


def test_hex_strings_like_strace_x() -> None:
    info = T.by_name["write"]
    # strace -x: write(1, "\x61\x62\xff\x63", 4) = 4; write(1, "plain\n", 6) = 6
    assert call_formatter(info, xstyle=1).arg_list((1, P, 4), {1: b"ab\xffc"}, 4) == [
        "1", '"\\x61\\x62\\xff\\x63"', "4"]
    assert call_formatter(info, xstyle=1).arg_list((1, P, 6), {1: b"plain\n"}, 6) == [
        "1", '"plain\\n"', "6"]
    # -xx: every string in hex
    assert call_formatter(info, xstyle=2).arg_list((1, P, 2), {1: b"ok"}, 2) == [
        "1", '"\\x6f\\x6b"', "2"]


def test_statx_values() -> None:
    # struct statx: mask, blksize, attributes, nlink, uid, gid, mode; ino, size, blocks,
    # attributes_mask at 32 (linux/stat.h); ids and sizes unsigned
    raw = bytearray(0x100)
    struct.pack_into("<IIQIIIH", raw, 0, 0x7FF, 4096, 0x20, 2, M32 - 1, M32 - 2, 0o100600)
    struct.pack_into("<QQQQ", raw, 32, M64 - 3, 1 << 63, 8, 0x30)
    got = dec("statx", (AT_FDCWD, P, 0, 0x7FF, Q), {1: b"/f", 4: bytes(raw)}, 0)[4]
    assert got == {
        "stx_mask": "STATX_BASIC_STATS", "stx_blksize": 4096,
        "stx_attributes": "STATX_ATTR_APPEND", "stx_nlink": 2, "stx_uid": M32 - 1,
        "stx_gid": M32 - 2, "stx_mode": "S_IFREG|0600", "stx_ino": M64 - 3,
        "stx_size": 1 << 63, "stx_blocks": 8,
        "stx_attributes_mask": "STATX_ATTR_IMMUTABLE|STATX_ATTR_APPEND"}
    assert fmt("statx", (AT_FDCWD, P, 0, 0x7FF, Q), {1: b"/f", 4: bytes(raw)}, 0) == (
        'AT_FDCWD, "/f", AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS, {stx_mask=STATX_BASIC_STATS, '
        f"stx_attributes=STATX_ATTR_APPEND, stx_mode=S_IFREG|0600, stx_size={1 << 63}, ...}}")
    assert dec("statx", (AT_FDCWD, P, 0, 0x7FF, Q), {1: b"/f", 4: bytes(raw[:255])}, 0)[4] == Q


def test_utime_special_values() -> None:
    # strace: utimensat(AT_FDCWD, "/tmp/s15/u.txt", [UTIME_NOW, UTIME_OMIT], 0) = 0
    now, omit = (1 << 30) - 1, (1 << 30) - 2
    assert fmt("utimensat", (AT_FDCWD, P, Q, 0), {1: b"/u", 2: q64(0, now, 5, omit)}, 0) == (
        'AT_FDCWD, "/u", [UTIME_NOW, UTIME_OMIT], 0')
    # strace: [{tv_sec=7, tv_nsec=0} /* 1970-01-01T00:00:07+0000 */,
    #          {tv_sec=8, tv_nsec=1000000000}] (no date for an invalid tv_nsec)
    assert fmt("utimensat", (AT_FDCWD, P, Q, 0), {1: b"/u", 2: q64(7, 0, 8, 10**9)}, -22) == (
        'AT_FDCWD, "/u", [{tv_sec=7, tv_nsec=0} /* 1970-01-01T00:00:07+0000 */, '
        "{tv_sec=8, tv_nsec=1000000000}], 0")
    # strace: sched_setattr(0, {size=56, sched_policy=SCHED_OTHER, sched_flags=0,
    #   sched_nice=-5, ..., sched_util_min=0, sched_util_max=1024}, 0) = 0
    attr = struct.pack("<IIQiIQQQII", 56, 0, 0, -5, 0, 0, 0, 0, 0, 1024)
    assert fmt("sched_setattr", (0, P, 0), {1: attr}, 0) == (
        "0, {size=56, sched_policy=SCHED_OTHER, sched_flags=0, sched_nice=-5, "
        "sched_priority=0, sched_runtime=0, sched_deadline=0, sched_period=0, "
        "sched_util_min=0, sched_util_max=1024}, 0")
    attr = struct.pack("<IIQiIQQQII", 56, 0, 0, -5, M32, 1, 2, 3, 4, M32)
    got = dec("sched_setattr", (0, P, 0), {1: attr}, 0)[1]
    assert isinstance(got, dict)
    assert (got["sched_nice"], got["sched_priority"], got["sched_runtime"],
            got["sched_deadline"], got["sched_period"], got["sched_util_min"],
            got["sched_util_max"]) == (-5, M32, 1, 2, 3, 4, M32)
    # a sigevent of exactly 32 bytes is whole; a negative sival_int
    sev = struct.pack("<Qii", M64, 10, 0) + bytes(16)
    assert fmt("timer_create", (0, P, Q), {1: sev}, 0).startswith(
        "CLOCK_REALTIME, {sigev_value={sival_int=-1, sival_ptr=0xffffffffffffffff}, "
        "sigev_signo=SIGUSR1, sigev_notify=SIGEV_SIGNAL}, ")
    # capability bits no name is known for, printed per 32-bit half like strace 6.1:
    # {effective=1<<CAP_CHOWN|0x80000000 /* CAP_??? */, permitted=0, inheritable=0}
    # {effective=1<<CAP_BPF|0x80000000, permitted=1<<CAP_BPF, inheritable=0}
    hdr = struct.pack("<Ii", 0x20080522, 0)
    data = struct.pack("<6I", 1, 0, 0, 1 << 31, 0, 0)
    assert fmt("capset", (P, Q), {0: hdr, 1: data}, -1) == (
        "{version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=1<<CAP_CHOWN|"
        "0x80000000 /* CAP_??? */, permitted=0, inheritable=0}")
    data = struct.pack("<6I", 0, 0, 0, (1 << 31) | (1 << 7), 1 << 7, 0)
    assert fmt("capset", (P, Q), {0: hdr, 1: data}, 0) == (
        "{version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=1<<CAP_BPF|0x80000000, "
        "permitted=1<<CAP_BPF, inheritable=0}")
    assert dec("capset", (P, Q), {0: hdr, 1: data}, 0)[1] == {
        "effective": (1 << 63) | (1 << 39), "permitted": 1 << 39, "inheritable": 0}


# --- whole-call printers, where strace's line differs from the positional one ------------

X = 0x1000
SPECIAL_LINES: list[tuple[str, str, tuple[int, ...], dict[Any, object] | None, int]] = [
    # strace 6.1 on a probe making these calls (ptrace on pid 0: ESRCH)
    ("ptrace", "PTRACE_KILL, 0", (8, 0, 0, 0), None, -3),
    ("ptrace", "PTRACE_INTERRUPT, 0", (0x4207, 0, 0, 0), None, -3),
    ("ptrace", "PTRACE_LISTEN, 0", (0x4208, 0, 0, 0), None, -3),
    ("ptrace", "PTRACE_GETFPREGS, 0, 0x1000", (14, 0, 0, X), None, -3),
    ("ptrace", "PTRACE_SETFPREGS, 0, 0x1000", (15, 0, 0, X), None, -3),
    ("ptrace", "PTRACE_SETFPXREGS, 0, NULL, 0x1000", (19, 0, 0, X), None, -3),
    ("ptrace", "PTRACE_GETFPXREGS, 0, 0x1000, 0x1000", (18, 0, X, X), None, -3),
    ("ptrace", "PTRACE_SETREGSET, 0, NT_PRSTATUS, 0x1000", (0x4205, 0, 1, X), None, -3),
    ("ptrace", "PTRACE_SETSIGMASK, 0, 5, 0x1000", (0x420B, 0, 5, X), None, -3),
    ("ptrace", "PTRACE_SECCOMP_GET_FILTER, 0, 2, 0x1000", (0x420C, 0, 2, X), None, -3),
    ("ptrace", "PTRACE_SECCOMP_GET_METADATA, 0, 3, 0x1000", (0x420D, 0, 3, X), None, -3),
    ("ptrace", "PTRACE_GET_SYSCALL_INFO, 0, 4, 0x1000", (0x420E, 0, 4, X), None, -3),
    ("ptrace", "PTRACE_GETSIGMASK, 0, 6, 0x1000", (0x420A, 0, 6, X), None, -3),
    ("ptrace", "PTRACE_SINGLESTEP, 0, NULL, SIGUSR1", (9, 0, 0, 10), None, -3),
    ("ptrace", "PTRACE_DETACH, 0, NULL, 0", (17, 0, 0, 0), None, -3),
    ("ptrace", "PTRACE_SYSCALL, 0, NULL, SIGINT", (24, 0, 0, 2), None, -3),
    ("ptrace", "PTRACE_SYSEMU, 0, NULL, 0", (31, 0, 0, 0), None, -3),
    ("ptrace", "PTRACE_SYSEMU_SINGLESTEP, 0, NULL, SIGKILL", (32, 0, 0, 9), None, -3),
    ("ptrace", "PTRACE_SINGLEBLOCK, 0, NULL, 0", (33, 0, 0, 0), None, -3),
    ("ptrace", "PTRACE_SEIZE, 0, NULL, PTRACE_O_TRACESYSGOOD", (0x4206, 0, 0, 1), None, -3),
    ("ptrace", "PTRACE_POKEUSER, 0, 8*ORIG_RAX, 0x5", (6, 0, 8 * 15, 5), None, -3),
    # strace: mremap(NULL, 4096, 8192, MREMAP_MAYMOVE) = -1 EFAULT; the new address
    # only with MREMAP_FIXED
    ("mremap", "NULL, 4096, 8192, MREMAP_MAYMOVE", (0, 4096, 8192, 1, 0x200000), None, -14),
    ("mremap", "NULL, 4096, 8192, MREMAP_MAYMOVE|MREMAP_FIXED, 0x200000",
     (0, 4096, 8192, 3, 0x200000), None, -14),
    # strace: the fs type of a remount or bind is not read (an address)
    ("mount", '"none", "/nonexistent_s15", 0x7ffd5344a000, MS_RDONLY|MS_REMOUNT, NULL',
     (P, Q, R, 0x21, 0), {0: b"none", 1: b"/nonexistent_s15", 2: b"tmpfs"}, -2),
    ("mount", '"none", "/nonexistent_s15", 0x7ffd5344a000, MS_MGC_VAL|MS_BIND, NULL',
     (P, Q, R, 0xC0ED1000, 0), {0: b"none", 1: b"/nonexistent_s15", 2: b"tmpfs"}, -2),
    ("mount", '"none", "/nonexistent_s15", "tmpfs", MS_MGC_VAL, NULL',
     (P, Q, R, 0xC0ED0000, 0), {0: b"none", 1: b"/nonexistent_s15", 2: b"tmpfs"}, -2),
    ("mount", '"none", "/nonexistent_s15", "tmpfs", MS_RDONLY, NULL',
     (P, Q, R, 1, 0), {0: b"none", 1: b"/nonexistent_s15", 2: b"tmpfs"}, -2),
    # strace: clone's arguments by name, the pointers the flags use only
    ("clone", "child_stack=NULL, flags=CLONE_SIGHAND", (0x800, 0, 0, 0, 0), None, -22),
    ("clone", "child_stack=0x5000, flags=CLONE_THREAD|CLONE_SETTLS|CLONE_PARENT_SETTID|"
     "CLONE_CHILD_SETTID, parent_tid=0x6000, tls=0x8000, child_tidptr=0x7000",
     (0x1190000, 0x5000, 0x6000, 0x7000, 0x8000), None, -22),
    ("clone", "child_stack=0x5000, flags=CLONE_THREAD|SIGCHLD", (0x10011, 0x5000, 0, 0, 0),
     None, -22),
    ("clone", "child_stack=NULL, flags=SIGCHLD", (17, 0, 0, 0, 0), None, 5),
    ("clone", "child_stack=NULL, flags=0", (0, 0, 0, 0, 0), None, 5),
    # strace: seccomp's flags decoded for SECCOMP_SET_MODE_FILTER only
    ("seccomp", "SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC|SECCOMP_FILTER_FLAG_LOG|"
     "SECCOMP_FILTER_FLAG_SPEC_ALLOW|SECCOMP_FILTER_FLAG_NEW_LISTENER|"
     "SECCOMP_FILTER_FLAG_TSYNC_ESRCH|SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV|0xffc0, NULL",
     (1, 0xFFFF, 0), None, -22),
    ("seccomp", "SECCOMP_SET_MODE_STRICT, 0x5, NULL", (0, 5, 0), None, -22),
    # strace: a device number only for character and block devices
    ("mknod", '"/nonexistent_s15/n", S_IFCHR|0644, makedev(0x8, 0x1)',
     (P, 0o20644, 0x801), {0: b"/nonexistent_s15/n"}, -2),
    ("mknod", '"/nonexistent_s15/n", S_IFIFO|0644', (P, 0o10644, 77),
     {0: b"/nonexistent_s15/n"}, -2),
]


def test_whole_call_printers_like_strace() -> None:
    wrong = []
    for name, want, raw, cap, ret in SPECIAL_LINES:
        got = fmt(name, raw, cap, ret)
        if got != want:
            wrong.append((name, got, want))
    assert not wrong


def test_clone_on_aarch64() -> None:
    # arm64 passes clone's tls before child_tid (CONFIG_CLONE_BACKWARDS)
    raw = (0x1190000, 0x5000, 0x6000, 0x8000, 0x7000)
    assert fmt("clone", raw, None, -22, arch="aarch64") == (
        "child_stack=0x5000, flags=CLONE_THREAD|CLONE_SETTLS|CLONE_PARENT_SETTID|"
        "CLONE_CHILD_SETTID, parent_tid=0x6000, tls=0x8000, child_tidptr=0x7000")
    assert fmt("clone", (0x200011, 0, 0, 0, 0x7000), None, 5, arch="aarch64") == (
        "child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD, child_tidptr=0x7000")
    assert fmt("clone", (0x100011, 0, 0x6000, 0, 0), None, 5) == (
        "child_stack=NULL, flags=CLONE_PARENT_SETTID|SIGCHLD, parent_tid=0x6000")
    assert fmt("clone", (0x1011, 0, 0x6000, 0, 0), None, 5) == (
        "child_stack=NULL, flags=CLONE_PIDFD|SIGCHLD, parent_tid=0x6000")


# strace 6.1 on a probe calling prctl and fcntl (fd 99: EBADF) with these arguments
PRCTL_FCNTL_LINES: list[tuple[str, str, tuple[int, ...], int]] = [
    ("prctl", "PR_SET_DUMPABLE, SUID_DUMP_USER", (4, 1, 0, 0, 0), 0),
    ("prctl", "PR_SET_DUMPABLE, 0x7 /* SUID_DUMP_??? */", (4, 7, 0, 0, 0), -22),
    ("prctl", "PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS", (52, 0, 0, 0, 0), 2),
    ("prctl", "PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, PR_SPEC_DISABLE",
     (53, 0, 4, 0, 0), -6),
    ("prctl", "PR_SET_SPECULATION_CTRL, PR_SPEC_INDIRECT_BRANCH, PR_SPEC_ENABLE",
     (53, 1, 2, 0, 0), 0),
    ("prctl", "PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_SYS_ADMIN, 0, 0", (47, 1, 21, 0, 0), 0),
    ("prctl", "PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0", (47, 4, 0, 0, 0), 0),
    ("prctl", "PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, 0x63 /* CAP_??? */, 0, 0",
     (47, 2, 99, 0, 0), -22),
    ("prctl", "PR_SET_PTRACER, PR_SET_PTRACER_ANY", (0x59616D61, M64, 0, 0, 0), -22),
    ("prctl", "PR_SET_PTRACER, 55", (0x59616D61, 55, 0, 0, 0), -22),
    ("prctl", "PR_SET_VMA, PR_SET_VMA_ANON_NAME, 0x1000, 4096, NULL",
     (0x53564D41, 0, 0x1000, 4096, 0), -22),
    ("prctl", "PR_CAPBSET_READ, CAP_NET_ADMIN", (23, 12, 0, 0, 0), 1),
    ("prctl", "PR_CAPBSET_DROP, 0x63 /* CAP_??? */", (24, 99, 0, 0, 0), -22),
    ("prctl", "PR_SET_KEEPCAPS, 1", (8, 1, 0, 0, 0), 0),
    ("prctl", "PR_SET_TIMERSLACK, 50000", (29, 50000, 0, 0, 0), 0),
    ("prctl", "PR_SET_CHILD_SUBREAPER, 1", (36, 1, 0, 0, 0), 0),
    ("prctl", "PR_MCE_KILL_GET, 0, 0, 0, 0", (34, 0, 0, 0, 0), 2),
    ("prctl", "PR_GET_TIMING", (13, 0, 0, 0, 0), 0),
    ("prctl", "PR_GET_ENDIAN, NULL", (19, 0, 0, 0, 0), -22),
    ("fcntl", "99, F_NOTIFY, DN_ACCESS|DN_MULTISHOT", (99, 1026, 0x80000001), -9),
    ("fcntl", "99, F_ADD_SEALS, F_SEAL_SEAL|F_SEAL_SHRINK", (99, 1033, 3), -9),
    ("fcntl", "99, F_SETLEASE, F_WRLCK", (99, 1024, 1), -9),
    ("fcntl", "99, F_SETOWN, 1234", (99, 8, 1234), -9),
    ("fcntl", "99, F_SETSIG, 0", (99, 10, 0), -9),
    ("fcntl", "99, F_SETOWN_EX, NULL", (99, 15, 0), -9),
    ("fcntl", "99, F_SETPIPE_SZ, 8192", (99, 1031, 8192), -9),
]


def test_prctl_and_fcntl_like_strace() -> None:
    wrong = []
    for name, want, raw, ret in PRCTL_FCNTL_LINES:
        got = fmt(name, raw, None, ret)
        if got != want:
            wrong.append((got, want))
    assert not wrong
    assert format_retval(T.by_name["prctl"], 2, None, raw=(34, 0, 0, 0, 0)) == (
        "2 (PR_MCE_KILL_DEFAULT)")
    assert format_retval(T.by_name["prctl"], 2, None, raw=(52, 0, 0, 0, 0)) == (
        "0x2 (PR_SPEC_ENABLE)")


def flock(ltype: int, whence: int, start: int, length: int, pid: int = 0) -> bytes:
    return struct.pack("<hh4xqqi4x", ltype, whence, start, length, pid)


# strace 6.1 on probes calling fcntl's lock and owner commands, prctl's options and futex's
# operations with values that tell the fields' types apart (64-bit, negative, unknown); fd 99
# gives EBADF, fd 3 is a regular file
PROBE_LINES: list[tuple[str, str, tuple[int, ...], dict[Any, object] | None, int]] = [
    ("fcntl", "3, F_GETLK, {l_type=F_UNLCK, l_whence=SEEK_CUR, l_start=-5, l_len=3, l_pid=0}",
     (3, 5, P), {2: flock(1, 1, -5, 3), ("out", 2): flock(2, 1, -5, 3)}, 0),
    ("fcntl", "3, F_OFD_GETLK, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=7, l_len=0, "
     "l_pid=-1}", (3, 36, P), {2: flock(2, 0, 7, 0), ("out", 2): flock(1, 0, 7, 0, -1)}, 0),
    ("fcntl", "99, F_OFD_GETLK, 0x1000", (99, 36, 0x1000), None, -9),
    ("fcntl", "99, F_SETLK, {l_type=F_RDLCK, l_whence=SEEK_END, l_start=-1099511627776, "
     "l_len=-2}", (99, 6, P), {2: flock(0, 2, -(1 << 40), -2)}, -9),
    ("fcntl", "99, F_SETLK, 0x1000", (99, 6, 0x1000), None, -9),
    ("fcntl", "3, F_OFD_SETLK, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=1, l_len=2}",
     (3, 37, P), {2: flock(1, 0, 1, 2)}, 0),
    ("fcntl", "99, F_OFD_SETLKW, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=1, l_len=2}",
     (99, 38, P), {2: flock(1, 0, 1, 2)}, -9),
    ("fcntl", "99, F_SETOWN_EX, {type=F_OWNER_PGRP, pid=-77}", (99, 15, P),
     {2: i32(2, -77)}, -9),
    ("fcntl", "99, F_SETOWN_EX, {type=0x7 /* F_OWNER_??? */, pid=6113}", (99, 15, P),
     {2: i32(7, 6113)}, -9),
    ("fcntl", "3, F_GETOWN_EX, {type=F_OWNER_TID, pid=6113}", (3, 16, P),
     {("out", 2): i32(0, 6113)}, 0),
    ("fcntl", "99, F_GETOWN_EX, 0x7ffd53448000", (99, 16, P), {("out", 2): i32(0, 6113)}, -9),
    ("fcntl", "3, F_GETOWN", (3, 9, 0), None, 0),
    ("fcntl", "3, F_GETLEASE", (3, 1025, 0), None, 2),
    ("fcntl", "3, F_GET_SEALS", (3, 1034, 0), None, -22),
    ("fcntl", "99, F_SETOWN, -1234", (99, 8, -1234 & M64), None, -9),
    ("fcntl", "99, F_SETOWN, -2147483648", (99, 8, 0x80000000), None, -9),
    ("fcntl", "99, F_SETOWN, 5", (99, 8, 0x100000005), None, -9),
    ("fcntl", "99, F_SETSIG, SIGRT_4", (99, 10, 36), None, -9),
    ("fcntl", "99, F_SETSIG, SIGINT", (99, 10, 0x100000002), None, -9),
    ("fcntl", "99, F_DUPFD, 4294967293", (99, 0, 0xFFFFFFFD), None, -9),
    ("fcntl", "99, F_DUPFD, -3", (99, 0, -3 & M64), None, -9),
    ("fcntl", "99, F_DUPFD, 8589934589", (99, 0, 0x1FFFFFFFD), None, -9),
    ("fcntl", "99, F_DUPFD_CLOEXEC, -7", (99, 1030, -7 & M64), None, -9),
    ("fcntl", "99, F_SETPIPE_SZ, -4096", (99, 1031, -4096 & M64), None, -9),
    ("fcntl", "99, F_SETPIPE_SZ, 4294971392", (99, 1031, 0x100001000), None, -9),
    ("fcntl", "99, F_SETFD, FD_CLOEXEC", (99, 2, 0x100000001), None, -9),
    ("fcntl", "99, F_SETLEASE, F_UNLCK", (99, 1024, 2), None, -9),
    ("fcntl", "99, F_SETLEASE, 0x9 /* F_??? */", (99, 1024, 9), None, -9),
    ("fcntl", "99, F_SETLEASE, 0x100000001 /* F_??? */", (99, 1024, 0x100000001), None, -9),
    ("fcntl", "99, F_NOTIFY, DN_CREATE|DN_DELETE|DN_RENAME|DN_ATTRIB", (99, 1026, 0x3C), None,
     -9),
    ("fcntl", "99, F_NOTIFY, DN_ACCESS|0x100000000", (99, 1026, 0x100000001), None, -9),
    ("fcntl", "99, F_ADD_SEALS, F_SEAL_GROW|F_SEAL_WRITE|F_SEAL_FUTURE_WRITE|0x20",
     (99, 1033, 0x3C), None, -9),
    ("fcntl", "99, F_SETFL, O_WRONLY|O_APPEND|O_DIRECT", (99, 4, 0o42001), None, -9),
    ("fcntl", "99, 0x410 /* F_??? */, 0x1234", (99, 1040, 0x1234), None, -9),
    ("fcntl", "99, F_SETOWN, 9", (99, 0x100000008, 9), None, -9),
    ("prctl", "PR_GET_DUMPABLE", (3, 0, 0, 0, 0), None, 1),
    ("prctl", "PR_GET_KEEPCAPS", (7, 0, 0, 0, 0), None, 0),
    ("prctl", "PR_GET_KEEPCAPS", (0x100000007, 5, 6, 0, 0), None, 0),
    ("prctl", "PR_GET_SECCOMP", (21, 0, 0, 0, 0), None, 0),
    ("prctl", "PR_GET_SECUREBITS", (27, 0, 0, 0, 0), None, 0),
    ("prctl", "PR_GET_TIMERSLACK", (30, 0, 0, 0, 0), None, 50000),
    ("prctl", "PR_TASK_PERF_EVENTS_DISABLE", (31, 0, 0, 0, 0), None, 0),
    ("prctl", "PR_TASK_PERF_EVENTS_ENABLE", (32, 0, 0, 0, 0), None, 0),
    ("prctl", "PR_GET_FP_MODE", (46, 0, 0, 0, 0), None, -22),
    ("prctl", "PR_MCE_KILL_GET, 0x1, 0x2, 0x3, 0x4", (34, 1, 2, 3, 4), None, -22),
    ("prctl", "PR_GET_NO_NEW_PRIVS, 0x1, 0x2, 0x3, 0x4", (39, 1, 2, 3, 4), None, -22),
    ("prctl", "PR_SET_THP_DISABLE, 1, 0x2, 0x3, 0x4", (41, 1, 2, 3, 4), None, -22),
    ("prctl", "PR_GET_THP_DISABLE, 0x1, 0x2, 0x3, 0x4", (42, 1, 2, 3, 4), None, -22),
    ("prctl", "PR_GET_IO_FLUSHER, 0x1, 0x2, 0x3, 0x4", (58, 1, 2, 3, 4), None, -1),
    ("prctl", "PR_SET_NO_NEW_PRIVS, 18446744073709551615, 0x2, 0x3, 0x4", (38, M64, 2, 3, 4),
     None, -22),
    ("prctl", "PR_SET_NO_NEW_PRIVS, 0, 0x10, 0, 0", (38, 0, 0x10, 0, 0), None, -22),
    ("prctl", "PR_GET_CHILD_SUBREAPER, [0]", (37, P, 0, 0, 0), {1: i32(0)}, 0),
    ("prctl", "PR_GET_CHILD_SUBREAPER, [-2]", (37, P, 0, 0, 0), {1: i32(-2)}, 0),
    ("prctl", "PR_GET_CHILD_SUBREAPER, NULL", (37, 0, 0, 0, 0), None, -14),
    ("prctl", "PR_GET_PDEATHSIG, [0]", (2, P, 0, 0, 0), {1: i32(0)}, 0),
    ("prctl", "PR_GET_PDEATHSIG, NULL", (2, 0, 0, 0, 0), None, -14),
    ("prctl", "PR_GET_PDEATHSIG, 0x7ffd53448000", (2, P, 0, 0, 0), {1: i32(9)}, -14),
    ("prctl", "PR_GET_TID_ADDRESS, [0x7ff0da4fea10]", (40, P, 0, 0, 0),
     {1: q64(0x7FF0DA4FEA10)}, 0),
    ("prctl", "PR_GET_TID_ADDRESS, 0x7ffd53448000", (40, P, 0, 0, 0), None, -14),
    ("prctl", "PR_SET_PDEATHSIG, SIGRT_3", (1, 35, 0, 0, 0), None, 0),
    ("prctl", "PR_SET_PDEATHSIG, 0", (1, 0, 0, 0, 0), None, 0),
    ("prctl", "PR_SET_PTRACER, -5", (0x59616D61, -5 & M64, 0, 0, 0), None, -22),
    ("prctl", "PR_SET_PTRACER, PR_SET_PTRACER_ANY", (0x59616D61, M32, 2, 3, 4), None, -22),
    ("prctl", "PR_SET_PTRACER, 7", (0x59616D61, 0x100000007, 2, 3, 4), None, -22),
    ("prctl", "PR_SET_KEEPCAPS, 18446744073709551615", (8, M64, 0, 0, 0), None, -22),
    ("prctl", "PR_SET_TIMERSLACK, 4294967296", (29, 1 << 32, 6, 0, 0), None, 0),
    ("prctl", "PR_SET_DUMPABLE, SUID_DUMP_ROOT", (4, 2, 0, 0, 0), None, -22),
    ("prctl", "PR_SET_DUMPABLE, SUID_DUMP_DISABLE", (4, 0, 0, 0, 0), None, 0),
    ("prctl", "PR_SET_DUMPABLE, 0x100000001 /* SUID_DUMP_??? */", (4, 0x100000001, 2, 3, 4),
     None, -22),
    ("prctl", 'PR_SET_VMA, PR_SET_VMA_ANON_NAME, 0x1000, 4096, "nm"',
     (0x53564D41, 0, 0x1000, 4096, P), {4: b"nm"}, -22),
    ("prctl", "PR_SET_VMA, 0x3 /* PR_SET_VMA_??? */, 0x1000, 0x1000, 0x55",
     (0x53564D41, 3, 0x1000, 4096, 0x55), None, -22),
    ("prctl", "PR_SET_VMA, 0x100000000 /* PR_SET_VMA_??? */, 0x1000, 0x2000, 0",
     (0x53564D41, 1 << 32, 0x1000, 0x2000, 0), None, -22),
    ("prctl", "PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, 0x100000005 /* CAP_??? */, 0x7, 0x8",
     (47, 3, 0x100000005, 7, 8), None, -22),
    ("prctl", "PR_CAP_AMBIENT, 0x9 /* PR_CAP_AMBIENT_??? */, 0x5, 0x7, 0x8", (47, 9, 5, 7, 8),
     None, -22),
    ("prctl", "PR_CAP_AMBIENT, 0x100000001 /* PR_CAP_AMBIENT_??? */, 0x5, 0, 0",
     (47, 0x100000001, 5, 0, 0), None, -22),
    ("prctl", "PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0x5, 0x6, 0", (47, 4, 5, 6, 0), None,
     -22),
    ("prctl", "PR_CAPBSET_READ, 0x100000002 /* CAP_??? */", (23, 0x100000002, 0, 0, 0), None,
     -22),
    ("prctl", "PR_GET_SPECULATION_CTRL, 0x7 /* PR_SPEC_??? */", (52, 7, 0, 0, 0), None, -22),
    ("prctl", "PR_GET_SPECULATION_CTRL, 0x100000001 /* PR_SPEC_??? */",
     (52, 0x100000001, 2, 3, 4), None, -22),
    ("prctl", "PR_SET_SPECULATION_CTRL, PR_SPEC_L1D_FLUSH, 0x18 /* PR_SPEC_??? */",
     (53, 2, 0x18, 0, 0), None, -1),
    ("prctl", "PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, PR_SPEC_FORCE_DISABLE",
     (53, 0, 8, 3, 4), None, -22),
    ("prctl", "PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0x1 /* PR_SPEC_??? */",
     (53, 0, 1, 3, 4), None, -22),
    ("prctl", "PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0 /* PR_SPEC_??? */",
     (53, 0, 0, 0, 0), None, -6),
    ("prctl", "PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, PR_SPEC_DISABLE_NOEXEC",
     (53, 0, 0x10, 0, 0), None, -6),
    ("prctl", "PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0x100000004 /* PR_SPEC_??? */",
     (53, 0, 0x100000004, 3, 4), None, -22),
    ("prctl", "0x7777 /* PR_??? */, 0x1, 0x2, 0x3, 0x1234", (0x7777, 1, 2, 3, 0x1234), None,
     -22),
    ("prctl", "PR_SET_ENDIAN, 1", (20, 1, 2, 3, 4), None, -22),
    ("prctl", "PR_SET_ENDIAN, 18446744073709551615", (20, M64, 0, 0, 0), None, -22),
    ("prctl", "PR_GET_ENDIAN, 0x1000", (19, 0x1000, 0, 0, 0), None, -22),
    ("futex", "NULL, FUTEX_WAKE_OP, 1, 2, NULL, "
     "FUTEX_OP_ANDN<<28|0xabc<<12|FUTEX_OP_CMP_GE<<24|0x123", (0, 5, 1, 2, 0, 0x35ABC123),
     None, -14),
    ("futex", "NULL, FUTEX_WAKE_OP_PRIVATE, 3, 4, 0x1000, FUTEX_OP_OPARG_SHIFT<<28|"
     "FUTEX_OP_XOR<<28|0xfff<<12|FUTEX_OP_CMP_LT<<24|0xfff", (0, 133, 3, 4, 0x1000, 0xC2FFFFFF),
     None, -14),
    ("futex", "NULL, FUTEX_WAKE_OP, 1, 2, NULL, 0x7<<28 /* FUTEX_OP_??? */|0<<12|"
     "0xf<<24 /* FUTEX_OP_CMP_??? */|0", (0, 5, 1, 2, 0, 0x7F000000), None, -14),
    ("futex", "NULL, FUTEX_WAKE_OP, 1, 2, NULL, FUTEX_OP_OPARG_SHIFT<<28|FUTEX_OP_XOR<<28|"
     "0xfe7<<12|0xa<<24 /* FUTEX_OP_CMP_??? */|0x1", (0, 5, 1, 2, 0, 0xCAFE7001), None, -14),
    ("futex", "NULL, FUTEX_CMP_REQUEUE_PI, 1, 2147483649, 0x2000, 4294967295",
     (0, 12, 1, 0x80000001, 0x2000, M32), None, -22),
    ("futex", "NULL, FUTEX_REQUEUE_PRIVATE, 4294967294, 5, 0x2000",
     (0, 131, 0xFFFFFFFE, 5, 0x2000, 0), None, -22),
    ("futex", "NULL, FUTEX_WAKE, 4294967295", (0, 1, M32, 0, 0, 0), None, -14),
    ("futex", "NULL, FUTEX_FD, 3", (0, 2, 3, 0, 0, 0), None, -38),
    ("futex", "NULL, FUTEX_TRYLOCK_PI", (0, 8, 3, 0, 0, 0), None, -14),
    ("futex", "NULL, FUTEX_LOCK_PI2, NULL", (0, 13, 3, 0, 0, 0), None, -14),
    ("futex", "0x56346279702c, FUTEX_WAIT, 1, {tv_sec=3, tv_nsec=400}",
     (0x56346279702C, 0, 1, P, 0, 0), {3: q64(3, 400)}, -11),
    ("futex", "NULL, FUTEX_LOCK_PI_PRIVATE, {tv_sec=3, tv_nsec=400}", (0, 134, 0, P, 0, 0),
     {3: q64(3, 400)}, -14),
    ("futex", "NULL, FUTEX_WAIT_REQUEUE_PI, 4, {tv_sec=3, tv_nsec=400}, 0x3000",
     (0, 11, 4, P, 0x3000, 0), {3: q64(3, 400)}, -14),
    ("futex", "NULL, FUTEX_WAKE_BITSET, 4, 0x10", (0, 10, 4, 0, 0, 0x10), None, -14),
    ("futex", "NULL, FUTEX_WAIT_BITSET, 4, {tv_sec=3, tv_nsec=400}, 0x7",
     (0, 9, 4, P, 0, 7), {3: q64(3, 400)}, -14),
    # the mode with O_CREAT or O_TMPFILE only (O_DIRECTORY is one of O_TMPFILE's bits)
    ("open", '"/nonexistent_s2", O_RDWR|O_TMPFILE, 0600', (P, 0o20200002, 0o600),
     {0: b"/nonexistent_s2"}, -2),
    ("openat", 'AT_FDCWD, "/nonexistent_s2", O_WRONLY|O_TMPFILE, 0640',
     (AT_FDCWD, P, 0o20200001, 0o640), {1: b"/nonexistent_s2"}, -2),
    ("openat", 'AT_FDCWD, "/nonexistent_s2", O_WRONLY|O_DIRECTORY',
     (AT_FDCWD, P, 0o200001, 0o640), {1: b"/nonexistent_s2"}, -2),
    ("open", '"/nonexistent_s2", O_RDONLY', (P, 0, 0o640), {0: b"/nonexistent_s2"}, -2),
    ("mq_open", '"s2q", O_RDONLY', (P, 0, 0o640, 0), {0: b"s2q"}, -2),
    ("mq_open", '"s2q", O_RDWR|O_CREAT, 0640, NULL', (P, 0o102, 0o640, 0), {0: b"s2q"}, 3),
]


def test_fcntl_prctl_futex_fields_like_strace() -> None:
    wrong = []
    for name, want, raw, cap, ret in PROBE_LINES:
        got = fmt(name, raw, cap, ret)
        if got != want:
            wrong.append((got, want))
    assert not wrong


# strace 6.1 -X abbrev|raw|verbose on a probe's socket() calls: the type and its flags styled
# apart, the protocol named per family (htons() for AF_PACKET)
SOCKET_XLAT_LINES: list[tuple[tuple[int, int, int], str, str, str]] = [
    ((2, 0x80801, 6),
     'AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_TCP',
     '0x2, 0x1|0x80800, 0x6',
     '0x2 /* AF_INET */, 0x1 /* SOCK_STREAM */|0x80800 /* SOCK_CLOEXEC|SOCK_NONBLOCK */, '
     '0x6 /* IPPROTO_TCP */'),
    ((10, 2, 0),
     'AF_INET6, SOCK_DGRAM, IPPROTO_IP',
     '0xa, 0x2, 0',
     '0xa /* AF_INET6 */, 0x2 /* SOCK_DGRAM */, 0 /* IPPROTO_IP */'),
    ((1, 0x80005, 0),
     'AF_UNIX, SOCK_SEQPACKET|SOCK_CLOEXEC, 0',
     '0x1, 0x5|0x80000, 0',
     '0x1 /* AF_UNIX */, 0x5 /* SOCK_SEQPACKET */|0x80000 /* SOCK_CLOEXEC */, 0'),
    ((2, 0x80007, 0),
     'AF_INET, SOCK_CLOEXEC|0x7, IPPROTO_IP',
     '0x2, 0x80007, 0',
     '0x2 /* AF_INET */, 0x80007 /* SOCK_CLOEXEC|0x7 */, 0 /* IPPROTO_IP */'),
    ((2, 0xF, 0),
     'AF_INET, 0xf /* SOCK_??? */, IPPROTO_IP',
     '0x2, 0xf, 0',
     '0x2 /* AF_INET */, 0xf /* SOCK_??? */, 0 /* IPPROTO_IP */'),
    ((2, 0x103, 0),
     'AF_INET, SOCK_RAW|0x100 /* SOCK_??? */, IPPROTO_IP',
     '0x2, 0x3|0x100, 0',
     '0x2 /* AF_INET */, 0x3 /* SOCK_RAW */|0x100 /* SOCK_??? */, 0 /* IPPROTO_IP */'),
    ((16, 3, 0),
     'AF_NETLINK, SOCK_RAW, NETLINK_ROUTE',
     '0x10, 0x3, 0',
     '0x10 /* AF_NETLINK */, 0x3 /* SOCK_RAW */, 0 /* NETLINK_ROUTE */'),
    ((16, 3, 77),
     'AF_NETLINK, SOCK_RAW, 0x4d /* NETLINK_??? */',
     '0x10, 0x3, 0x4d',
     '0x10 /* AF_NETLINK */, 0x3 /* SOCK_RAW */, 0x4d /* NETLINK_??? */'),
    ((17, 3, 0x300),
     'AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)',
     '0x11, 0x3, htons(0x3)',
     '0x11 /* AF_PACKET */, 0x3 /* SOCK_RAW */, htons(0x3 /* ETH_P_ALL */)'),
    ((2, 3, 250),
     'AF_INET, SOCK_RAW, 0xfa /* IPPROTO_??? */',
     '0x2, 0x3, 0xfa',
     '0x2 /* AF_INET */, 0x3 /* SOCK_RAW */, 0xfa /* IPPROTO_??? */'),
    ((77, 1, 5),
     '0x4d /* AF_??? */, SOCK_STREAM, 5',
     '0x4d, 0x1, 5',
     '0x4d /* AF_??? */, 0x1 /* SOCK_STREAM */, 5'),
]


def test_socket_type_and_protocol_in_each_xlat_style_like_strace() -> None:
    wrong = []
    for raw, *wants in SOCKET_XLAT_LINES:
        for xlat, want in enumerate(wants):
            f = call_formatter(T.by_name["socket"], arch="x86_64", xlat=xlat)
            got = ", ".join(f.arg_list(raw, {}, 3))
            if got != want:
                wrong.append((xlat, got, want))
    assert not wrong


def test_fd_path_escapes_like_strace_y() -> None:
    # strace 6.1 -y / -y -x / -y -xx: close() of files named so in a folder "d<1>"
    from pytest_renacer.decode.format import FdText, fd_path_text

    angles = b"/tmp/s2p/d<1>/f>x<"
    odd = b'/tmp/s2p/d<1>/\xff\t"q'
    hex_angles = "\\x2f\\x74\\x6d\\x70\\x2f\\x73\\x32\\x70\\x2f\\x64\\x3c\\x31\\x3e\\x2f"
    assert fd_path_text(angles) == "</tmp/s2p/d\\0741\\76/f\\76x\\74>"
    assert fd_path_text(angles.decode()) == "</tmp/s2p/d\\0741\\76/f\\76x\\74>"
    assert fd_path_text(odd) == '</tmp/s2p/d\\0741\\76/\\377\\t\\"q>'
    assert fd_path_text(angles, 1) == "</tmp/s2p/d\\0741\\76/f\\76x\\74>"
    assert fd_path_text(odd, 1) == "<" + hex_angles + "\\xff\\x09\\x22\\x71>"
    assert fd_path_text(angles, 2) == "<" + hex_angles + "\\x66\\x3e\\x78\\x3c>"
    assert fd_path_text(bytearray(odd), 2) == "<" + hex_angles + "\\xff\\x09\\x22\\x71>"
    # made for printing as it is: not escaped again; no path known: nothing
    assert fd_path_text(FdText('UNIX-STREAM:[1->2,"/tmp/<s>"]')) == (
        '<UNIX-STREAM:[1->2,"/tmp/<s>"]>')
    assert fd_path_text(None) == ""
    assert fd_path_text(5) == ""


def test_mount_type_unread_for_each_propagation_and_move_flag() -> None:
    # strace 6.1: mount("none", "/nonexistent_s2", 0x..., MS_SHARED, NULL) and so on
    cap = {0: b"none", 1: b"/nonexistent_s2", 2: b"tmpfs"}
    for flag, value in (("MS_SHARED", 0x100000), ("MS_SLAVE", 0x80000), ("MS_PRIVATE", 0x40000),
                        ("MS_UNBINDABLE", 0x20000), ("MS_MOVE", 0x2000)):
        assert fmt("mount", (P, Q, R, value, 0), cap, -2) == (
            f'"none", "/nonexistent_s2", 0x7ffd5344a000, {flag}, NULL')
    assert fmt("mount", (P, Q, R, 2, 0), cap, -2) == (
        '"none", "/nonexistent_s2", "tmpfs", MS_NOSUID, NULL')


def test_unreadable_or_short_captures_print_the_address() -> None:
    # what strace prints when it cannot read the structure: its address
    assert fmt("futex", (P, 0, 1, Q, 0, 0), {3: b"abc"}, -11) == (
        "0x7ffd53448000, FUTEX_WAIT, 1, 0x7ffd53449000")
    assert fmt("futex", (P, 0, 1, 0, 0, 0), None, -11) == "0x7ffd53448000, FUTEX_WAIT, 1, NULL"
    assert fmt("time", (P,), {0: b"abc"}, 5) == "0x7ffd53448000"


def test_decoded_values_are_not_cut_at_strsize() -> None:
    buf = bytes(range(100))
    assert dec("write", (1, P, 100), {1: buf}, 100)[1] == buf
    assert dec("openat", (AT_FDCWD, P, 0, 0), {1: b"/" + b"d" * 200}, 3)[1] == "/" + "d" * 200


def test_arm64_open_how_flags_and_user_offsets() -> None:
    # arm64's fcntl.h: O_DIRECTORY is 0o40000 (x86_64's O_DIRECT); struct user's register
    # names are x86_64's only: an arm64 offset stays a number
    a64 = table_for("aarch64")
    how = struct.pack("<QQQ", 0o40000 | 0o2000000, 0, 0)
    assert format_args(a64.by_name["openat2"], (AT_FDCWD, P, Q, 24), {1: b"/tmp/d", 2: how},
                       3, arch="aarch64") == (
        'AT_FDCWD, "/tmp/d", {flags=O_RDONLY|O_CLOEXEC|O_DIRECTORY, resolve=0}, 24')
    assert fmt("openat2", (AT_FDCWD, P, Q, 24), {1: b"/tmp/d", 2: how}, 3) == (
        'AT_FDCWD, "/tmp/d", {flags=O_RDONLY|O_DIRECT|O_CLOEXEC, resolve=0}, 24')
    assert format_args(a64.by_name["ptrace"], (3, 1, 128, 0), None, -3, arch="aarch64") == (
        "PTRACE_PEEKUSER, 1, 0x80, NULL")


def test_clock_state_return_named_like_strace() -> None:
    # strace 6.1: clock_adjtime(CLOCK_REALTIME, {modes=0, ...}) = 5 (TIME_ERROR)
    for name, raw in (("clock_adjtime", (0, P)), ("adjtimex", (P,))):
        assert format_retval(T.by_name[name], 5, None, raw=raw) == "5 (TIME_ERROR)"
        assert format_retval(T.by_name[name], 0, None, raw=raw) == "0 (TIME_OK)"
        assert format_retval(T.by_name[name], 77, None, raw=raw) == "77"
