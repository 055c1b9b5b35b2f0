"""Capturer: what it reads at syscall entry/exit, through a fake memory, end to end to text."""

from __future__ import annotations

import os
import socket
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_renacer.decode import Capturer, MemoryReader, format_args, format_retval
from pytest_renacer.tables import table_for

T = table_for("x86_64")
NR = {name: info.nr for name, info in T.by_name.items()}
M64 = 2**64 - 1
AT_FDCWD = -100 & M64
TID = 4242


class FakeMemory:
    """A tracee's address space: mapped regions; reads stop at a region's end."""

    def __init__(self) -> None:
        self.regions: dict[int, bytearray] = {}
        self.reads = 0

    def put(self, addr: int, data: bytes) -> int:
        self.regions[addr] = bytearray(data)
        return addr

    def _find(self, addr: int) -> tuple[bytearray, int] | None:
        for start, data in self.regions.items():
            if start <= addr < start + len(data):
                return data, addr - start
        return None

    def read(self, tid: int, addr: int, size: int) -> bytes | None:
        self.reads += 1
        if not isinstance(tid, int):  # a real reader needs the thread to read from
            raise TypeError(tid)
        hit = self._find(addr)
        if hit is None or size <= 0:
            return None
        data, off = hit
        return bytes(data[off : off + size])

    def read_cstring(self, tid: int, addr: int, limit: int) -> bytes | None:
        self.reads += 1
        if not isinstance(tid, int):
            raise TypeError(tid)
        hit = self._find(addr)
        if hit is None:
            return None
        data, off = hit
        chunk = bytes(data[off : off + limit])
        return chunk.split(b"\0", 1)[0]


def _protocol_check(reader: MemoryReader) -> MemoryReader:
    return reader


def run(cap: Capturer, name: str, args: tuple[int, ...], retval: int,
        before_exit: Any = None) -> tuple[dict[Any, object] | None, str]:
    """One syscall through both hooks; returns the captures and strace's line."""
    nr = NR[name]
    info = T.by_name[name]
    failed = -4096 < retval < 0
    entry = cap.entry(TID, nr, args)
    if before_exit is not None:
        before_exit()
    captured = cap.exit(TID, nr, args, retval & M64, failed, None)
    if captured is None:
        captured = entry
    err = -retval if failed else None
    text = format_args(info, args, captured, retval, strsize=cap.strsize,
                       fd_paths=cap.fd_paths, arch="x86_64")
    ret = format_retval(info, retval, err, captured, raw=args, fd_paths=cap.fd_paths,
                        arch="x86_64")
    return captured, f"{name}({text}) = {ret}"


@pytest.fixture
def mem() -> FakeMemory:
    return FakeMemory()


@pytest.fixture
def cap(mem: FakeMemory) -> Capturer:
    return Capturer(T, _protocol_check(mem))


def test_nothing_to_capture_is_none(cap: Capturer, mem: FakeMemory) -> None:
    assert cap.entry(TID, NR["getpid"], ()) is None
    assert cap.entry(TID, NR["close"], (3,)) is None
    assert cap.exit(TID, NR["close"], (3,), 0, False, None) is None
    assert cap.entry(TID, 99999, (1, 2)) is None
    assert cap.exit(TID, 99999, (1, 2), 0, False, None) is None
    assert mem.reads == 0


def test_paths_and_strings(cap: Capturer, mem: FakeMemory) -> None:
    p = mem.put(0x1000, b"/etc/ld.so.cache\0garbage")
    captured, line = run(cap, "openat", (AT_FDCWD, p, 0o2000000, 0), 3)
    assert captured == {1: b"/etc/ld.so.cache"}
    assert line == 'openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3'
    _, line = run(cap, "openat", (AT_FDCWD, 0x9999000, 0, 0), -14)
    assert line == "openat(AT_FDCWD, 0x9999000, O_RDONLY) = -1 EFAULT (Bad address)"
    _, line = run(cap, "openat", (AT_FDCWD, 0, 0, 0), -14)
    assert line == "openat(AT_FDCWD, NULL, O_RDONLY) = -1 EFAULT (Bad address)"
    name = mem.put(0x2000, b"x" * 40 + b"\0")
    _, line = run(cap, "memfd_create", (name, 1), 3)
    assert line == 'memfd_create("' + "x" * 32 + '"..., MFD_CLOEXEC) = 3'
    long_path = b"/" + b"p" * 5000
    lp = mem.put(0x10000, long_path + b"\0")
    captured, line = run(cap, "chdir", (lp,), -36)
    assert captured is not None and len(captured[0]) == 4096  # type: ignore[arg-type]
    assert line.startswith('chdir("/ppp') and line.endswith('"...) = -1 ENAMETOOLONG '
                                                             "(File name too long)")


def test_buffers_in_and_out(cap: Capturer, mem: FakeMemory) -> None:
    buf = mem.put(0x3000, b"vm\n" + bytes(97))
    captured, line = run(cap, "read", (3, buf, 100), 3)
    assert captured == {1: b"vm\n"}
    assert line == 'read(3, "vm\\n", 100) = 3'
    captured, line = run(cap, "read", (3, buf, 100), -11)
    assert line == "read(3, 0x3000, 100) = -1 EAGAIN (Resource temporarily unavailable)"
    data = mem.put(0x4000, b"0123456789" * 5)
    captured, line = run(cap, "write", (1, data, 50), 50)
    assert captured == {1: b"01234567890123456789012345678901"}
    assert line == 'write(1, "01234567890123456789012345678901"..., 50) = 50'
    # the buffer runs into unmapped memory: strace shows the address
    _, line = run(cap, "write", (1, data + 40, 20), 20)
    assert line == "write(1, 0x4028, 20) = 20"
    _, line = run(cap, "write", (1, data, 0), 0)
    assert line == 'write(1, "", 0) = 0'
    rnd = mem.put(0x5000, bytes.fromhex("cee20e0e60b4b6b1"))
    _, line = run(cap, "getrandom", (rnd, 8, 1), 8)
    assert line == 'getrandom("\\xce\\xe2\\x0e\\x0e\\x60\\xb4\\xb6\\xb1", 8, GRND_NONBLOCK) = 8'
    # a wild length is not read
    _, line = run(cap, "write", (1, data, M64), 5)
    assert line == "write(1, 0x4000, 18446744073709551615) = 5"


def test_strsize_of_the_capturer(mem: FakeMemory) -> None:
    small = Capturer(T, mem, strsize=4)
    data = mem.put(0x4000, b"hello world")
    captured, line = run(small, "write", (1, data, 11), 11)
    assert captured == {1: b"hell"}
    assert line == 'write(1, "hell"..., 11) = 11'


def test_argv_and_envp(cap: Capturer, mem: FakeMemory) -> None:
    path = mem.put(0x1000, b"/bin/ls\0")
    s1, s2 = mem.put(0x1100, b"ls\0"), mem.put(0x1200, b"-la\0")
    argv = mem.put(0x2000, struct.pack("<QQQ", s1, s2, 0))
    envs = [mem.put(0x3000 + 0x100 * k, b"V=%d\0" % k) for k in range(24)]
    envp = mem.put(0x8000, struct.pack(f"<{len(envs) + 1}Q", *envs, 0))
    captured, line = run(cap, "execve", (path, argv, envp), 0)
    assert captured is not None
    assert captured[1] == [b"ls", b"-la"] and captured[2] == 24
    assert line == 'execve("/bin/ls", ["ls", "-la"], 0x8000 /* 24 vars */) = 0'
    many = mem.put(0x9000, struct.pack("<41Q", *([s1] * 40), 0))
    _, line = run(cap, "execve", (path, many, 0), -2)
    assert line == ('execve("/bin/ls", [' + ", ".join(['"ls"'] * 32) + ", ...], NULL) = -1 "
                    "ENOENT (No such file or directory)")
    one_env = mem.put(0xA000, struct.pack("<QQ", envs[0], 0))
    _, line = run(cap, "execve", (path, argv, one_env), 0)
    assert line.endswith("0xa000 /* 1 var */) = 0")
    # an argv array that runs into unmapped memory
    cut = mem.put(0xB000, struct.pack("<Q", s1))
    captured, line = run(cap, "execve", (path, cut, 0x77000), 0)
    assert line == 'execve("/bin/ls", ["ls", ...], 0x77000) = 0'
    # a huge environment is counted in chunks
    big = [envs[0]] * 1500 + [0]
    bigp = mem.put(0x100000, struct.pack(f"<{len(big)}Q", *big))
    captured, _ = run(cap, "execve", (path, argv, bigp), 0)
    assert captured is not None and captured[2] == 1500


def test_structs_out_only_on_success(cap: Capturer, mem: FakeMemory) -> None:
    st_ = bytearray(144)
    struct.pack_into("<I", st_, 24, 0o100644)
    struct.pack_into("<q", st_, 48, 34547)
    path = mem.put(0x1000, b"\0")
    sbuf = mem.put(0x2000, bytes(st_))
    _, line = run(cap, "newfstatat", (3, path, sbuf, 0x1000), 0)
    assert line == ('newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=34547, ...}, '
                    "AT_EMPTY_PATH) = 0")
    captured, line = run(cap, "newfstatat", (3, path, sbuf, 0x1000), -2)
    assert captured == {1: b""}
    assert line == ('newfstatat(3, "", 0x2000, AT_EMPTY_PATH) = -1 ENOENT (No such file or '
                    "directory)")
    rl = mem.put(0x3000, struct.pack("<QQ", 8192 * 1024, M64))
    _, line = run(cap, "prlimit64", (0, 3, 0, rl), 0)
    assert line == ("prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, "
                    "rlim_max=RLIM64_INFINITY}) = 0")
    ts = mem.put(0x4000, struct.pack("<qq", 0, 1000000))
    _, line = run(cap, "nanosleep", (ts, 0), 0)
    assert line == "nanosleep({tv_sec=0, tv_nsec=1000000}, NULL) = 0"
    status = mem.put(0x5000, struct.pack("<i", 3 << 8))
    _, line = run(cap, "wait4", (77, status, 0, 0), 77)
    assert line == "wait4(77, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 77"
    _, line = run(cap, "wait4", (77, status, 1, 0), 0)
    assert line == "wait4(77, 0x5000, WNOHANG, NULL) = 0"
    pair = mem.put(0x6000, struct.pack("<ii", 3, 4))
    _, line = run(cap, "pipe2", (pair, 0o2000000), 0)
    assert line == "pipe2([3, 4], O_CLOEXEC) = 0"
    old = mem.put(0x7000, bytes(32))
    act = mem.put(0x7100, struct.pack("<QQQQ", 1, 0x04000000, 0x5678, 1 << 1 | 1 << 16))
    _, line = run(cap, "rt_sigaction", (10, act, old, 8), 0)
    assert line == ("rt_sigaction(SIGUSR1, {sa_handler=SIG_IGN, sa_mask=[INT CHLD], "
                    "sa_flags=SA_RESTORER, sa_restorer=0x5678}, {sa_handler=SIG_DFL, "
                    "sa_mask=[], sa_flags=0}, 8) = 0")
    sset = mem.put(0x7200, struct.pack("<Q", 1 << 1 | 1 << 16))
    _, line = run(cap, "rt_sigprocmask", (0, sset, old, 8), 0)
    assert line == "rt_sigprocmask(SIG_BLOCK, [INT CHLD], [], 8) = 0"
    uts = mem.put(0x8000, b"".join(s.ljust(65, b"\0") for s in (b"Linux", b"vm", b"", b"",
                                                                  b"", b"")))
    _, line = run(cap, "uname", (uts,), 0)
    assert line == 'uname({sysname="Linux", nodename="vm", ...}) = 0'
    cpus = mem.put(0x9000, struct.pack("<Q", 3))
    _, line = run(cap, "sched_getaffinity", (0, 8, cpus), 8)
    assert line == "sched_getaffinity(0, 8, [0 1]) = 8"
    cwd = mem.put(0xA000, b"/tmp/gold\0")
    _, line = run(cap, "getcwd", (cwd, 1024), 10)
    assert line == 'getcwd("/tmp/gold", 1024) = 10'
    ints = mem.put(0xB000, struct.pack("<iii", 0, 1, 2))
    _, line = run(cap, "getresuid", (ints, ints + 4, ints + 8), 0)
    assert line == "getresuid([0], [1], [2]) = 0"


def test_sockets(cap: Capturer, mem: FakeMemory) -> None:
    sin = struct.pack("<H", 2) + struct.pack(">H", 9) + socket.inet_aton("127.0.0.1") + bytes(8)
    addr = mem.put(0x1000, sin)
    _, line = run(cap, "connect", (12, addr, 16), -111)
    assert line == ('connect(12, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr('
                    '"127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)')
    # value-result length: 128 in, 16 out
    out = mem.put(0x2000, bytes(128))
    length = mem.put(0x3000, struct.pack("<i", 128))

    def kernel_fills() -> None:
        mem.regions[out][:16] = sin
        mem.regions[length][:4] = struct.pack("<i", 16)

    captured, line = run(cap, "getsockname", (18, out, length), 0, kernel_fills)
    assert captured is not None and captured[("in", 2)] == 128 and captured[2] == 16
    assert line == ('getsockname(18, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr('
                    '"127.0.0.1")}, [128 => 16]) = 0')
    mem.regions[length][:4] = struct.pack("<i", 16)
    _, line = run(cap, "getpeername", (12, out, length), -107)
    assert line == ("getpeername(12, 0x2000, [16]) = -1 ENOTCONN (Transport endpoint is not "
                    "connected)")
    _, line = run(cap, "accept", (3, 0, 0), 5)
    assert line == "accept(3, NULL, NULL) = 5"
    msg = mem.put(0x4000, b"ping")
    _, line = run(cap, "sendto", (17, msg, 4, 0, 0, 0), 4)
    assert line == 'sendto(17, "ping", 4, 0, NULL, 0) = 4'
    _, line = run(cap, "recvfrom", (18, msg, 10, 0, 0, 0), 4)
    assert line == 'recvfrom(18, "ping", 10, 0, NULL, NULL) = 4'
    val = mem.put(0x5000, struct.pack("<i", 1))
    _, line = run(cap, "setsockopt", (16, 1, 2, val, 4), 0)
    assert line == "setsockopt(16, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0"
    optval = mem.put(0x6000, struct.pack("<i", 131072))
    optlen = mem.put(0x6100, struct.pack("<i", 4))
    _, line = run(cap, "getsockopt", (7, 1, 7, optval, optlen), 0)
    assert line == "getsockopt(7, SOL_SOCKET, SO_SNDBUF, [131072], [4]) = 0"
    name = mem.put(0x7000, bytes(16))
    base1, base2 = mem.put(0x7100, b"hello"), mem.put(0x7200, b" world")
    iov = mem.put(0x7300, struct.pack("<QQQQ", base1, 5, base2, 6))
    hdr = mem.put(0x7400, struct.pack("<QI4xQQQQi4x", 0, 0, iov, 2, 0, 0, 0))
    _, line = run(cap, "sendmsg", (7, hdr, 0), 11)
    assert line == ('sendmsg(7, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hello", '
                    'iov_len=5}, {iov_base=" world", iov_len=6}], msg_iovlen=2, '
                    "msg_controllen=0, msg_flags=0}, 0) = 11")
    rbuf = mem.put(0x8000, bytes(100))
    riov = mem.put(0x8100, struct.pack("<QQ", rbuf, 100))
    ctl = mem.put(0x8200, bytes(24))
    rhdr = mem.put(0x8300, struct.pack("<QI4xQQQQi4x", name, 110, riov, 1, ctl, 24, 0))

    def received() -> None:
        mem.regions[rbuf][:12] = b"hello worldx"
        mem.regions[rhdr][8:12] = struct.pack("<I", 0)
        mem.regions[ctl][:] = struct.pack("<Qiii4x", 20, 1, 1, 9)

    _, line = run(cap, "recvmsg", (8, rhdr, 0), 12, received)
    assert line == ('recvmsg(8, {msg_name=0x7000, msg_namelen=110 => 0, msg_iov=[{iov_base='
                    '"hello worldx", iov_len=100}], msg_iovlen=1, msg_control=[{cmsg_len=20, '
                    "cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[9]}], "
                    "msg_controllen=24, msg_flags=0}, 0) = 12")
    _, line = run(cap, "recvmsg", (8, rhdr, 0), -11)
    assert line == "recvmsg(8, 0x8300, 0) = -1 EAGAIN (Resource temporarily unavailable)"
    pair = mem.put(0x9000, struct.pack("<ii", 7, 8))
    _, line = run(cap, "socketpair", (1, 0o2000001, 0, pair), 0)
    assert line == "socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, [7, 8]) = 0"


def test_vectors_polls_and_selects(cap: Capturer, mem: FakeMemory) -> None:
    b1, b2 = mem.put(0x1000, b"hi"), mem.put(0x1100, b"there\n")
    iov = mem.put(0x1200, struct.pack("<QQQQ", b1, 2, b2, 6))
    _, line = run(cap, "writev", (3, iov, 2), 8)
    assert line == ('writev(3, [{iov_base="hi", iov_len=2}, {iov_base="there\\n", '
                    "iov_len=6}], 2) = 8")
    r1, r2 = mem.put(0x2000, b"abc"), mem.put(0x2100, b"defgh" + bytes(5))
    riov = mem.put(0x2200, struct.pack("<QQQQ", r1, 3, r2, 10))
    _, line = run(cap, "readv", (12, riov, 2), 8)
    assert line == 'readv(12, [{iov_base="abc", iov_len=3}, {iov_base="defgh", iov_len=10}], 2) = 8'
    _, line = run(cap, "readv", (12, riov, 2), -9)
    assert line == ("readv(12, [{iov_base=0x2000, iov_len=3}, {iov_base=0x2100, iov_len=10}], "
                    "2) = -1 EBADF (Bad file descriptor)")
    fds = mem.put(0x3000, struct.pack("<ihhihh", 12, 3, 0, 13, 4, 0))

    def ready() -> None:
        mem.regions[fds][:] = struct.pack("<ihhihh", 12, 3, 1, 13, 4, 4)

    _, line = run(cap, "poll", (fds, 2, 10), 2, ready)
    assert line == ("poll([{fd=12, events=POLLIN|POLLPRI}, {fd=13, events=POLLOUT}], 2, 10) = 2 "
                    "([{fd=12, revents=POLLIN}, {fd=13, revents=POLLOUT}])")
    rset = mem.put(0x4000, struct.pack("<Q", 0b101000))
    ts = mem.put(0x4100, struct.pack("<qq", 1, 0))

    def selected() -> None:
        mem.regions[rset][:] = struct.pack("<Q", 0b1000)
        mem.regions[ts][:] = struct.pack("<qq", 0, 999995371)

    _, line = run(cap, "pselect6", (6, rset, 0, 0, ts, 0), 1, selected)
    assert line == ("pselect6(6, [3 5], NULL, NULL, {tv_sec=1, tv_nsec=0}, NULL) = 1 (in [3], "
                    "left {tv_sec=0, tv_nsec=999995371})")
    evs = mem.put(0x5000, struct.pack("<IQIQ", 1, 12, 4, 13))
    _, line = run(cap, "epoll_wait", (14, evs, 1023, 10), 2)
    assert line == ("epoll_wait(14, [{events=EPOLLIN, data={u32=12, u64=12}}, {events=EPOLLOUT, "
                    "data={u32=13, u64=13}}], 1023, 10) = 2")
    ev = mem.put(0x5100, struct.pack("<IQ", 0x80000001, 12))
    _, line = run(cap, "epoll_ctl", (14, 1, 12, ev), 0)
    assert line == ("epoll_ctl(14, EPOLL_CTL_ADD, 12, {events=EPOLLIN|EPOLLET, "
                    "data={u32=12, u64=12}}) = 0")

    def dirent(name: bytes) -> bytes:
        reclen = (19 + len(name) + 1 + 7) & ~7
        return struct.pack("<QqHB", 1, 0, reclen, 4) + name.ljust(reclen - 19, b"\0")

    ents = dirent(b".") + dirent(b"..") + dirent(b"certs")
    dbuf = mem.put(0x6000, ents + bytes(100))
    _, line = run(cap, "getdents64", (23, dbuf, 32768), len(ents))
    assert line == f"getdents64(23, 0x6000 /* 3 entries */, 32768) = {len(ents)}"
    _, line = run(cap, "getdents64", (23, dbuf, 32768), 0)
    assert line == "getdents64(23, 0x6000 /* 0 entries */, 32768) = 0"


def test_command_dependent_captures(cap: Capturer, mem: FakeMemory) -> None:
    one = mem.put(0x1000, struct.pack("<i", 1))
    _, line = run(cap, "ioctl", (6, 0x5421, one), 0)
    assert line == "ioctl(6, FIONBIO, [1]) = 0"
    tio = mem.put(0x2000, bytes(60))

    def tcgets() -> None:
        mem.regions[tio][:16] = struct.pack("<IIII", 0o2400, 5, 0o277, 0o105073)

    _, line = run(cap, "ioctl", (4, 0x5401, tio), 0, tcgets)
    assert line == ("ioctl(4, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|"
                    "OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|"
                    "IEXTEN|ECHOCTL|ECHOKE, ...}) = 0")
    _, line = run(cap, "ioctl", (4, 0x5401, tio), -25)
    assert line == "ioctl(4, TCGETS, 0x2000) = -1 ENOTTY (Inappropriate ioctl for device)"
    name = mem.put(0x3000, b"myname\0")
    _, line = run(cap, "prctl", (15, name, 0, 0, 0), 0)
    assert line == 'prctl(PR_SET_NAME, "myname") = 0'
    _, line = run(cap, "prctl", (16, name, 0, 0, 0), 0)
    assert line == 'prctl(PR_GET_NAME, "myname") = 0'
    _, line = run(cap, "prctl", (2, one, 0, 0, 0), 0)
    assert line == "prctl(PR_GET_PDEATHSIG, [SIGHUP]) = 0"  # strace names the signal
    fs = mem.put(0x4000, struct.pack("<Q", 0x7F2B35954740))
    _, line = run(cap, "arch_prctl", (0x1003, fs), 0)
    assert line == "arch_prctl(ARCH_GET_FS, [0x7f2b35954740]) = 0"
    ts = mem.put(0x5000, struct.pack("<qq", 1227, 206911007))
    captured, line = run(cap, "futex", (0x7EFFB334E6F0, 0x89, 0, ts, 0, 0xFFFFFFFF), 0)
    assert line == ("futex(0x7effb334e6f0, FUTEX_WAIT_BITSET_PRIVATE, 0, {tv_sec=1227, "
                    "tv_nsec=206911007}, FUTEX_BITSET_MATCH_ANY) = 0")
    captured, line = run(cap, "futex", (0x7EFFB334E6F0, 0x81, 1, ts, 0, 0), 1)
    assert captured is None and line == "futex(0x7effb334e6f0, FUTEX_WAKE_PRIVATE, 1) = 1"
    lock = mem.put(0x6000, struct.pack("<hh4xqqi4x", 1, 0, 0, 10, 0))
    _, line = run(cap, "fcntl", (3, 7, lock), 0)
    assert line == ("fcntl(3, F_SETLKW, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, "
                    "l_len=10}) = 0")
    args = mem.put(0x7000, struct.pack("<11Q", 0x3D0F00, 0, 0x8000, 0x8000, 0, 0x9000, 0x7FFF80,
                                       0xA000, 0, 0, 0))
    ptid = mem.put(0x8000, bytes(4))

    def cloned() -> None:
        mem.regions[ptid][:] = struct.pack("<I", 20587)

    _, line = run(cap, "clone3", (args, 88), 20587, cloned)
    assert line == ("clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|"
                    "CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, "
                    "child_tid=0x8000, parent_tid=0x8000, exit_signal=0, stack=0x9000, "
                    "stack_size=0x7fff80, tls=0xa000} => {parent_tid=[20587]}, 88) = 20587")
    pidfd_args = mem.put(0xB000, struct.pack("<8Q", 0x1000, 0xC000, 0, 0, 17, 0, 0, 0))
    mem.put(0xC000, struct.pack("<i", 5))
    _, line = run(cap, "clone3", (pidfd_args, 64), 99)
    assert line == ("clone3({flags=CLONE_PIDFD, pidfd=0xc000, exit_signal=SIGCHLD, stack=NULL, "
                    "stack_size=0} => {pidfd=[5]}, 64) = 99")
    how = mem.put(0xD000, struct.pack("<QQQ", 0o2000000, 0, 4))
    path = mem.put(0xE000, b"/x\0")
    _, line = run(cap, "openat2", (AT_FDCWD, path, how, 24), 3)
    assert line == ('openat2(AT_FDCWD, "/x", {flags=O_RDONLY|O_CLOEXEC, '
                    "resolve=RESOLVE_NO_SYMLINKS}, 24) = 3")


def test_exit_merges_into_the_entry_dict(cap: Capturer, mem: FakeMemory) -> None:
    buf = mem.put(0x3000, b"abc")
    args = (3, buf, 3)
    entry = cap.entry(TID, NR["read"], args)
    assert entry == {}
    assert entry is not None
    entry["pcs"] = [1, 2, 3]  # what the engine adds
    merged = cap.exit(TID, NR["read"], args, 3, False, None)
    assert merged is entry and merged == {"pcs": [1, 2, 3], 1: b"abc"}
    # a captured dict handed back in is merged into and returned
    given: dict[Any, object] = {"x": 1}
    cap.entry(TID, NR["read"], args)
    assert cap.exit(TID, NR["read"], args, 3, False, given) is given
    assert given == {"x": 1, 1: b"abc"}
    # an exit whose entry was another call (lost stop) starts afresh
    cap.entry(TID, NR["read"], (4, buf, 3))
    fresh = cap.exit(TID, NR["read"], args, 3, False, None)
    assert fresh == {1: b"abc"}
    # threads do not mix
    e1 = cap.entry(1, NR["read"], args)
    e2 = cap.entry(2, NR["read"], (5, buf, 1))
    assert cap.exit(2, NR["read"], (5, buf, 1), 1, False, None) is e2
    assert cap.exit(1, NR["read"], args, 3, False, None) is e1


def test_fd_paths_from_proc(mem: FakeMemory, tmp_path: Any) -> None:
    cap = Capturer(T, mem, fd_paths=True)
    target = tmp_path / "file.txt"
    target.write_bytes(b"data")
    fd = os.open(target, os.O_RDONLY)
    try:
        pid = os.getpid()
        buf = mem.put(0x1000, b"data")
        entry = cap.entry(pid, NR["read"], (fd, buf, 4))
        assert entry == {("fd", 0): str(target)}
        captured = cap.exit(pid, NR["read"], (fd, buf, 4), 4, False, None)
        info = T.by_name["read"]
        assert format_args(info, (fd, buf, 4), captured, 4, fd_paths=True) == (
            f'{fd}<{target}>, "data", 4')
        path = mem.put(0x2000, os.fsencode(target) + b"\0")
        args = (AT_FDCWD, path, 0, 0)
        entry = cap.entry(pid, NR["openat"], args)
        assert entry is not None and entry[("fd", 0)] == os.getcwd()
        captured = cap.exit(pid, NR["openat"], args, fd, False, None)
        assert captured is not None and captured[("fd", "ret")] == str(target)
        assert format_retval(T.by_name["openat"], fd, None, captured) == f"{fd}<{target}>"
        pair = mem.put(0x3000, struct.pack("<ii", fd, 9999))
        captured = cap.exit(pid, NR["pipe2"], (pair, 0), 0, False, None)
        assert captured is not None and captured[("fdn", fd)] == str(target)
        fdset = mem.put(0x4000, struct.pack("<Q", 1 << fd))
        entry = cap.entry(pid, NR["pselect6"], (fd + 1, fdset, 0, 0, 0, 0))
        assert entry is not None and entry[("fdn", fd)] == str(target)
        assert cap.entry(pid, NR["close"], (99999,)) is None
        assert cap.exit(pid, NR["openat"], args, -2 & M64, True, None) is not None
    finally:
        os.close(fd)


def test_aarch64_layouts(mem: FakeMemory) -> None:
    a64 = table_for("aarch64")
    cap = Capturer(a64, mem)
    st_ = bytearray(128)
    struct.pack_into("<I", st_, 16, 0o100644)
    struct.pack_into("<q", st_, 48, 7)
    sbuf = mem.put(0x1000, bytes(st_))
    nr = a64.by_name["fstat"].nr
    cap.entry(TID, nr, (3, sbuf))
    captured = cap.exit(TID, nr, (3, sbuf), 0, False, None)
    assert captured == {1: bytes(st_)}
    assert format_args(a64.by_name["fstat"], (3, sbuf), captured, 0, arch="aarch64") == (
        "3, {st_mode=S_IFREG|0644, st_size=7, ...}")
    evs = mem.put(0x2000, struct.pack("<I4xQ", 1, 12))
    nr = a64.by_name["epoll_pwait"].nr
    cap.entry(TID, nr, (4, evs, 8, 0, 0, 8))
    captured = cap.exit(TID, nr, (4, evs, 8, 0, 0, 8), 1, False, None)
    assert format_args(a64.by_name["epoll_pwait"], (4, evs, 8, 0, 0, 8), captured, 1,
                       arch="aarch64") == (
        "4, [{events=EPOLLIN, data={u32=12, u64=12}}], 8, 0, NULL, 8")


class ExplodingMemory:
    def read(self, tid: int, addr: int, size: int) -> bytes | None:
        raise OSError("gone")

    def read_cstring(self, tid: int, addr: int, limit: int) -> bytes | None:
        raise OSError("gone")


def test_reader_errors_never_escape() -> None:
    cap = Capturer(T, ExplodingMemory())
    for info in T.by_nr.values():
        args = tuple(0x1000 for _ in info.args)
        cap.entry(TID, info.nr, args)
        cap.exit(TID, info.nr, args, 0, False, None)
        cap.exit(TID, info.nr, args, -14 & M64, True, None)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_capture_never_raises_on_wild_arguments(data: st.DataObject) -> None:
    mem = FakeMemory()
    blob = data.draw(st.binary(min_size=0, max_size=512))
    mem.put(0x1000, blob)
    cap = Capturer(T, mem, strsize=data.draw(st.integers(0, 64)),
                   fd_paths=data.draw(st.booleans()))
    info = data.draw(st.sampled_from(sorted(T.by_nr.values(), key=lambda i: i.nr)))
    reg = st.one_of(st.integers(0, M64), st.integers(0x1000, 0x1000 + 600),
                    st.sampled_from([0, 1, 2, 8, 16, 128, 4096, M64]))
    args = tuple(data.draw(reg) for _ in info.args)
    retval = data.draw(st.one_of(st.integers(-4095, 600), st.integers(0, M64)))
    entry = cap.entry(TID, info.nr, args)
    captured = cap.exit(TID, info.nr, args, retval & M64, -4096 < retval < 0, None)
    format_args(info, args, captured if captured is not None else entry, retval,
                fd_paths=cap.fd_paths)


# --- lines strace 6.1 printed for a probe program doing the same calls -----------------------

def test_offsets_times_and_page_vectors(cap: Capturer, mem: FakeMemory) -> None:
    off = mem.put(0x1000, struct.pack("<q", 5))

    def sent() -> None:
        mem.regions[off][:] = struct.pack("<q", 12)

    captured, line = run(cap, "sendfile", (4, 3, off, 7), 7, sent)
    assert line == "sendfile(4, 3, [5] => [12], 7) = 7"
    assert captured == {("in", 2): struct.pack("<q", 5), 2: struct.pack("<q", 12)}
    mem.regions[off][:] = struct.pack("<q", 5)
    captured, line = run(cap, "sendfile", (4, 3, off, 7), -9)
    assert line == "sendfile(4, 3, [5], 7) = -1 EBADF (Bad file descriptor)"
    assert captured == {("in", 2): struct.pack("<q", 5)}
    _, line = run(cap, "sendfile", (4, 3, 0, 7), 7)
    assert line == "sendfile(4, 3, NULL, 7) = 7"
    src, dst = mem.put(0x2000, struct.pack("<q", 2)), mem.put(0x2100, struct.pack("<q", 0))
    _, line = run(cap, "copy_file_range", (3, src, 4, dst, 5, 0), 5)
    assert line == "copy_file_range(3, [2], 4, [0], 5, 0) = 5"
    _, line = run(cap, "splice", (3, src, 6, 0, 3, 0), 3)
    assert line == "splice(3, [2], 6, NULL, 3, 0) = 3"
    times = mem.put(0x3000, struct.pack("<4q", 1, 1, 2, 2))
    path = mem.put(0x3100, b"/tmp/s15/a.txt\0")
    _, line = run(cap, "utimensat", (AT_FDCWD, path, times, 0), 0)
    assert line == ('utimensat(AT_FDCWD, "/tmp/s15/a.txt", [{tv_sec=1, tv_nsec=1} /* '
                    "1970-01-01T00:00:01.000000001+0000 */, {tv_sec=2, tv_nsec=2} /* "
                    "1970-01-01T00:00:02.000000002+0000 */], 0) = 0")
    now = mem.put(0x4000, struct.pack("<q", 1796398812))
    _, line = run(cap, "time", (now,), 1796398812)
    assert line == ("time([1796398812 /* 2026-12-04T15:40:12+0000 */]) = 1796398812 "
                    "(2026-12-04T15:40:12+0000)")
    _, line = run(cap, "time", (0,), 1796398812)
    assert line == "time(NULL) = 1796398812 (2026-12-04T15:40:12+0000)"
    vec = mem.put(0x5000, b"\0\1\1\1")
    captured, line = run(cap, "mincore", (0x7F7F36EA2000, 8192, vec), 0)
    assert line == "mincore(0x7f7f36ea2000, 8192, [0, 1]) = 0"
    assert captured == {2: b"\0\1"}
    _, line = run(cap, "mincore", (0x7F7F36EA2000, 8193, vec), 0)
    assert line == "mincore(0x7f7f36ea2000, 8193, [0, 1, 1]) = 0"
    _, line = run(cap, "mincore", (0x7F7F36EA2000, 8192, vec), -12)
    assert line == "mincore(0x7f7f36ea2000, 8192, 0x5000) = -1 ENOMEM (Cannot allocate memory)"
    small = Capturer(T, mem, strsize=2)
    captured, _ = run(small, "mincore", (0x7F7F36EA2000, 4 * 4096, vec), 0)
    assert captured == {2: b"\0\1\1"}  # strsize + 1 pages: enough to print "..."


def test_groups_affinity_and_sleeps(cap: Capturer, mem: FakeMemory) -> None:
    gids = mem.put(0x1000, struct.pack("<3I", 0, 1, 4))
    captured, line = run(cap, "setgroups", (3, gids), 0)
    assert line == "setgroups(3, [0, 1, 4]) = 0"
    assert captured == {1: struct.pack("<3I", 0, 1, 4)}
    _, line = run(cap, "getgroups", (3, gids), 3)
    assert line == "getgroups(3, [0, 1, 4]) = 3"
    captured, line = run(cap, "getgroups", (0, 0), 3)
    assert line == "getgroups(0, NULL) = 3"
    _, line = run(cap, "getgroups", (2, gids), -22)
    assert line == "getgroups(2, 0x1000) = -1 EINVAL (Invalid argument)"
    captured, line = run(cap, "getgroups", (8, gids), 0)
    assert captured == {1: b""} and line == "getgroups(8, []) = 0"
    # the array runs into unmapped memory after two entries
    cut = mem.put(0x2000, struct.pack("<2I", 7, 8))
    _, line = run(cap, "setgroups", (3, cut), -14)
    assert line == "setgroups(3, [7, 8, ... /* 0x2008 */]) = -1 EFAULT (Bad address)"
    small = Capturer(T, mem, strsize=2)
    captured, line = run(small, "setgroups", (3, gids), 0)
    assert captured == {1: struct.pack("<3I", 0, 1, 4)} and line == "setgroups(3, [0, 1, ...]) = 0"
    captured, _ = run(small, "getgroups", (3, gids), 3)
    assert captured == {1: struct.pack("<3I", 0, 1, 4)}
    mask = mem.put(0x3000, struct.pack("<Q", 3) + bytes(120))
    captured, line = run(cap, "sched_setaffinity", (0, 8, mask), 0)
    assert line == "sched_setaffinity(0, 8, [0 1]) = 0"
    assert captured == {2: struct.pack("<Q", 3)}
    captured, _ = run(cap, "sched_setaffinity", (0, 1024, mask), 0)
    assert captured == {2: struct.pack("<Q", 3) + bytes(120)}  # at most 128 bytes read
    captured, _ = run(cap, "sched_getaffinity", (0, 1024, mask), 128)
    assert captured == {2: struct.pack("<Q", 3) + bytes(120)}
    captured, _ = run(cap, "sched_getaffinity", (0, 1024, mask), -22)
    assert captured is None or 2 not in captured
    req = mem.put(0x4000, struct.pack("<qq", 1, 0))
    rem = mem.put(0x4100, struct.pack("<qq", 0, 944007158))
    _, line = run(cap, "clock_nanosleep", (0, 0, req, rem), -516)
    assert line == ("clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=0}, {tv_sec=0, "
                    "tv_nsec=944007158}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)")
    captured, line = run(cap, "clock_nanosleep", (0, 0, req, rem), 0)
    assert line == "clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=0}, 0x4100) = 0"
    assert captured == {2: struct.pack("<qq", 1, 0)}
    captured, _ = run(cap, "clock_nanosleep", (0, 0, req, rem), -22)
    assert captured == {2: struct.pack("<qq", 1, 0)}


def test_signal_sets_and_infos(cap: Capturer, mem: FakeMemory) -> None:
    sset = mem.put(0x1000, struct.pack("<Q", 1 << 11))
    info = mem.put(0x2000, struct.pack("<iii4xii", 12, 0, 0, 3094, 0) + bytes(104))
    ts = mem.put(0x3000, struct.pack("<qq", 1, 0))
    captured, line = run(cap, "rt_sigtimedwait", (sset, info, ts, 8), 12)
    assert line == ("rt_sigtimedwait([USR2], {si_signo=SIGUSR2, si_code=SI_USER, si_pid=3094, "
                    "si_uid=0}, {tv_sec=1, tv_nsec=0}, 8) = 12 (SIGUSR2)")
    assert captured is not None and len(captured[1]) == 128  # type: ignore[arg-type]
    _, line = run(cap, "rt_sigtimedwait", (sset, info, ts, 8), -11)
    assert line == ("rt_sigtimedwait([USR2], 0x2000, {tv_sec=1, tv_nsec=0}, 8) = -1 EAGAIN "
                    "(Resource temporarily unavailable)")
    pend = mem.put(0x4000, bytes(8))
    _, line = run(cap, "rt_sigpending", (pend, 8), 0)
    assert line == "rt_sigpending([], 8) = 0"
    captured, _ = run(cap, "rt_sigpending", (pend, 8), -14)
    assert captured is None or 0 not in captured
    mask = mem.put(0x5000, struct.pack("<Q", 1 << 9))
    sig = mem.put(0x5100, struct.pack("<QQ", mask, 8))
    fds = mem.put(0x5200, struct.pack("<Q", 1 << 5))
    tmo = mem.put(0x5300, struct.pack("<qq", 0, 1000))

    def left() -> None:
        mem.regions[tmo][:] = struct.pack("<qq", 0, 0)

    captured, line = run(cap, "pselect6", (6, fds, 0, 0, tmo, sig), 1, left)
    assert line == ("pselect6(6, [5], NULL, NULL, {tv_sec=0, tv_nsec=1000}, {sigmask=[USR1], "
                    "sigsetsize=8}) = 1 (in [5], left {tv_sec=0, tv_nsec=0})")
    assert captured is not None and captured[("mask", 5)] == struct.pack("<Q", 1 << 9)
    odd = mem.put(0x5400, struct.pack("<QQ", mask, 16))
    captured, line = run(cap, "pselect6", (6, fds, 0, 0, 0, odd), 0)
    assert captured is not None and ("mask", 5) not in captured
    assert line == ("pselect6(6, [5], NULL, NULL, NULL, {sigmask=0x5000, sigsetsize=16}) = 0 "
                    "(Timeout)")


def test_socket_options_and_failed_structs(cap: Capturer, mem: FakeMemory) -> None:
    linger = mem.put(0x1000, struct.pack("<ii", 1, 5))
    _, line = run(cap, "setsockopt", (7, 1, 13, linger, 8), 0)
    assert line == "setsockopt(7, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=5}, 8) = 0"
    optlen = mem.put(0x2000, struct.pack("<i", 8))
    captured, line = run(cap, "getsockopt", (7, 1, 13, linger, optlen), 0)
    assert line == "getsockopt(7, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=5}, [8]) = 0"
    mem.regions[optlen][:] = struct.pack("<i", 4)
    _, line = run(cap, "getsockopt", (7, 1, 9999, linger, optlen), -92)
    assert line == ("getsockopt(7, SOL_SOCKET, 0x270f /* SO_??? */, 0x1000, [4]) = -1 "
                    "ENOPROTOOPT (Protocol not available)")
    st_ = mem.put(0x3000, bytes(144))
    captured, line = run(cap, "fstat", (9999, st_), -9)
    assert line == "fstat(9999, 0x3000) = -1 EBADF (Bad file descriptor)"
    assert captured is None or 1 not in captured
    old = mem.put(0x4000, struct.pack("<Q", 1 << 11))
    _, line = run(cap, "rt_sigprocmask", (0, 0, old, 8), 0)
    assert line == "rt_sigprocmask(SIG_BLOCK, NULL, [USR2], 8) = 0"
    _, line = run(cap, "rt_sigprocmask", (0, 0, old, 8), -22)
    assert line == "rt_sigprocmask(SIG_BLOCK, NULL, 0x4000, 8) = -1 EINVAL (Invalid argument)"


def test_sched_attr_sizes(cap: Capturer, mem: FakeMemory) -> None:
    attr = struct.pack("<IIQiIQQQII", 56, 0, 0, -5, 0, 0, 0, 0, 0, 1024)
    a = mem.put(0x1000, attr + bytes(64))
    captured, line = run(cap, "sched_setattr", (0, a, 0), 0)
    assert captured == {1: attr}  # its size field says 56
    assert line == ("sched_setattr(0, {size=56, sched_policy=SCHED_OTHER, sched_flags=0, "
                    "sched_nice=-5, sched_priority=0, sched_runtime=0, sched_deadline=0, "
                    "sched_period=0, sched_util_min=0, sched_util_max=1024}, 0) = 0")
    mem.regions[a][:4] = struct.pack("<I", 0)  # 0: SCHED_ATTR_SIZE_VER0's 48 bytes
    captured, _ = run(cap, "sched_setattr", (0, a, 0), 0)
    assert captured == {1: struct.pack("<I", 0) + attr[4:48]}
    mem.regions[a][:4] = struct.pack("<I", 200)  # a newer struct: the 56 known bytes
    captured, _ = run(cap, "sched_setattr", (0, a, 0), -7)
    assert captured == {1: struct.pack("<I", 200) + attr[4:56]}
    mem.regions[a][:4] = struct.pack("<I", 20)  # under the first version: 48 all the same
    captured, _ = run(cap, "sched_setattr", (0, a, 0), -7)
    assert captured == {1: struct.pack("<I", 20) + attr[4:48]}
    captured, _ = run(cap, "sched_setattr", (0, 0x9999000, 0), -14)
    assert captured is None
    mem.regions[a][:4] = struct.pack("<I", 56)
    captured, line = run(cap, "sched_getattr", (0, a, 56, 0), 0)
    assert captured == {1: attr}
    assert line.startswith("sched_getattr(0, {size=56, sched_policy=SCHED_OTHER, ")
    captured, _ = run(cap, "sched_getattr", (0, a, 48, 0), 0)
    assert captured == {1: attr[:48]}
    captured, _ = run(cap, "sched_getattr", (0, a, 4096, 0), 0)
    assert captured == {1: attr}
    captured, line = run(cap, "sched_getattr", (0, a, 56, 0), -22)
    assert not captured
    assert line == "sched_getattr(0, 0x1000, 56, 0) = -1 EINVAL (Invalid argument)"


def test_strings_and_arrays_read_one_past_strsize(mem: FakeMemory) -> None:
    small = Capturer(T, mem, strsize=4)
    name = mem.put(0x1000, b"hello world\0")
    captured, line = run(small, "memfd_create", (name, 0), 3)
    assert captured == {0: b"hello"}  # one more than shown: strace's "..." after it
    assert line == 'memfd_create("hell"..., 0) = 3'
    strs = [mem.put(0x2000 + 0x100 * k, b"arg%d\0" % k) for k in range(6)]
    path = mem.put(0x3000, b"/bin/x\0")
    argv = mem.put(0x4000, struct.pack("<7Q", *strs, 0))
    tiny = Capturer(T, mem, strsize=2)
    captured, line = run(tiny, "execve", (path, argv, 0), 0)
    assert captured is not None and captured[1] == [b"arg", b"arg", None]
    assert line == 'execve("/bin/x", ["ar"..., "ar"..., ...], NULL) = 0'
    three = mem.put(0x5000, struct.pack("<4Q", *strs[:3], 0))
    captured, _ = run(tiny, "execve", (path, three, 0), 0)
    assert captured is not None and captured[1] == [b"arg", b"arg", None]
    two = mem.put(0x6000, struct.pack("<3Q", *strs[:2], 0))
    captured, _ = run(tiny, "execve", (path, two, 0), 0)
    assert captured is not None and captured[1] == [b"arg", b"arg"]
    # an argv of which not even one pointer can be read: the address
    half = mem.put(0x7000, b"\0\1\2\3")
    captured, line = run(tiny, "execve", (path, half, 0), 0)
    assert captured == {0: b"/bin/x"}
    assert line == 'execve("/bin/x", 0x7000, NULL) = 0'
    # an unreadable string in the array: an empty one, the array goes on
    holes = mem.put(0x8000, struct.pack("<3Q", strs[0], 0x99999000, 0))
    captured, _ = run(tiny, "execve", (path, holes, 0), 0)
    assert captured is not None and captured[1] == [b"arg", b""]


def test_fd_zero_is_an_fd(mem: FakeMemory) -> None:
    cap = Capturer(T, mem, fd_paths=True)
    pid = os.getpid()
    captured = cap.exit(pid, NR["dup"], (5,), 0, False, None)
    assert captured is not None and captured[("fd", "ret")] == os.readlink("/proc/self/fd/0")
    entry = cap.entry(pid, NR["read"], (0, 0x1000, 4))
    assert entry is not None and entry[("fd", 0)] == os.readlink("/proc/self/fd/0")
    assert cap.entry(pid, NR["read"], (-1 & M64, 0x1000, 4)) in (None, {})
