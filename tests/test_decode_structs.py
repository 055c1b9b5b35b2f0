"""Struct layouts and their strace text; errno names, signals, siginfo_t, wait statuses."""

from __future__ import annotations

import errno as std_errno
import os
import signal
import socket
import struct

from hypothesis import given
from hypothesis import strategies as st

from pytest_renacer.decode import (
    errno_message,
    errno_name,
    format_errno_retval,
    format_siginfo,
    format_wait_status,
    signal_name,
)
from pytest_renacer.decode import structs as S


def siginfo(signo: int, code: int, *fields: tuple[str, int, int], errno: int = 0) -> bytes:
    """A 128-byte siginfo_t: (struct format, offset, value) fields after the header."""
    raw = bytearray(128)
    struct.pack_into("<iii", raw, 0, signo, errno, code)
    for fmt, off, value in fields:
        struct.pack_into("<" + fmt, raw, off, value)
    return bytes(raw)


# --- errno and signals ------------------------------------------------------------------------

def test_errno_names_match_the_python_errno_module() -> None:
    for code, name in std_errno.errorcode.items():
        if name in ("EWOULDBLOCK", "EDEADLOCK", "ENOTSUP"):
            continue  # aliases: strace prints EAGAIN, EDEADLK, EOPNOTSUPP
        assert errno_name(code) == name
    assert errno_name(2) == "ENOENT"
    assert errno_name(11) == "EAGAIN"
    assert errno_name(1234) == "E1234"
    assert errno_message(2) == "No such file or directory"
    assert errno_message(2**70) == f"Unknown error {2**70}"


_ERRNO_CASES = [
    (2, "-1 ENOENT (No such file or directory)"),
    (111, "-1 ECONNREFUSED (Connection refused)"),
    (1234, "-1 (errno 1234)"),
    (512, "? ERESTARTSYS (To be restarted if SA_RESTART is set)"),
    (513, "? ERESTARTNOINTR (To be restarted)"),
    (514, "? ERESTARTNOHAND (To be restarted if no handler)"),
    (516, "? ERESTART_RESTARTBLOCK (Interrupted by signal)"),
    (518, "-1 EOPENSTALE (Unknown error 518)"),
]


def test_errno_retval_like_strace() -> None:
    wrong = [(c, format_errno_retval(c), w) for c, w in _ERRNO_CASES
             if format_errno_retval(c) != w]
    assert not wrong

def test_signal_names() -> None:
    for sig in signal.Signals:
        if sig.value < 32 and sig.name not in ("SIGIOT", "SIGPOLL", "SIGCLD"):
            assert signal_name(sig.value) == sig.name
    assert signal_name(32) == "SIGRTMIN"
    assert signal_name(33) == "SIGRT_1"
    assert signal_name(35) == "SIGRT_3"
    assert signal_name(64) == "SIGRT_32"
    assert signal_name(65) == "65"
    assert signal_name(0) == "0"


# --- siginfo_t (signal lines: strace 6.1 output of real signals) -------------------------------

_SIGINFO_CASES = [
    (siginfo(10, 0, ("i", 16, 22439), ("I", 20, 0)),
     "{si_signo=SIGUSR1, si_code=SI_USER, si_pid=22439, si_uid=0}"),
    (siginfo(12, -6, ("i", 16, 22439), ("I", 20, 0)),
     "{si_signo=SIGUSR2, si_code=SI_TKILL, si_pid=22439, si_uid=0}"),
    (siginfo(10, -1, ("i", 16, 22439), ("I", 20, 0), ("Q", 24, 42)),
     "{si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=22439, si_uid=0, si_int=42, "
     "si_ptr=0x2a}"),
    (siginfo(37, -1, ("i", 16, 22439), ("I", 20, 0), ("Q", 24, 0x1234)),
     "{si_signo=SIGRT_5, si_code=SI_QUEUE, si_pid=22439, si_uid=0, si_int=4660, "
     "si_ptr=0x1234}"),
    (siginfo(14, 0x80), "{si_signo=SIGALRM, si_code=SI_KERNEL}"),
    (siginfo(11, 1), "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}"),
    (siginfo(11, 1, ("Q", 16, 0x1000)),
     "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x1000}"),
    (siginfo(4, 2, ("Q", 16, 0x561C96DA2471)),
     "{si_signo=SIGILL, si_code=ILL_ILLOPN, si_addr=0x561c96da2471}"),
    (siginfo(17, 2, ("i", 16, 22469), ("I", 20, 0), ("i", 24, 11)),
     "{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=22469, si_uid=0, si_status=SIGSEGV, "
     "si_utime=0, si_stime=0}"),
    (siginfo(17, 1, ("i", 16, 22471), ("I", 20, 0), ("i", 24, 7)),
     "{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=22471, si_uid=0, si_status=7, "
     "si_utime=0, si_stime=0}"),
    # waitid's infop with garbage times: strace's clock_t comment
    (siginfo(17, 2, ("i", 16, 20586), ("I", 20, 0), ("i", 24, 6),
             ("Q", 32, 139636679846336), ("Q", 40, 139636679548528)),
     "{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=20586, si_uid=0, si_status=SIGABRT, "
     "si_utime=139636679846336 /* 1396366798463.36 s */, "
     "si_stime=139636679548528 /* 1396366795485.28 s */}"),
    (siginfo(17, 1, ("i", 16, 5), ("I", 20, 0), ("i", 24, 0)),
     "{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=5, si_uid=0, si_status=0, "
     "si_utime=0, si_stime=0}"),
    (siginfo(5, 4), "{si_signo=SIGTRAP, si_code=TRAP_HWBKPT}"),
    (siginfo(29, 1, ("q", 16, 65)), "{si_signo=SIGIO, si_code=POLL_IN, si_band=65}"),
    (siginfo(29, 4), "{si_signo=SIGIO, si_code=POLL_ERR}"),
    (siginfo(14, -2, ("i", 16, 3), ("i", 20, 0), ("Q", 24, 0)),
     "{si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=0x3, si_overrun=0, si_int=0, "
     "si_ptr=0}"),
    (siginfo(31, 1, ("Q", 16, 0x7F00), ("i", 24, 39), ("I", 28, 0xC000003E)),
     "{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=0x7f00, si_syscall=__NR_getpid, "
     "si_arch=AUDIT_ARCH_X86_64}"),
    (siginfo(31, 1, ("Q", 16, 0), ("i", 24, 99999), ("I", 28, 7)),
     "{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=NULL, si_syscall=99999, "
     "si_arch=0x7 /* AUDIT_ARCH_??? */}"),
    (siginfo(2, 0x80, ("i", 16, 0), ("I", 20, 0)), "{si_signo=SIGINT, si_code=SI_KERNEL}"),
    (siginfo(15, 99, ("i", 16, 7), ("I", 20, 1000), ("Q", 24, 1)),
     "{si_signo=SIGTERM, si_code=0x63, si_pid=7, si_uid=1000, si_int=1, si_ptr=0x1}"),
    (siginfo(15, -5, ("i", 16, 7), ("I", 20, 1000)),
     "{si_signo=SIGTERM, si_code=SI_SIGIO, si_pid=7, si_uid=1000}"),
    (siginfo(10, 0, ("i", 16, 1), ("I", 20, 0), errno=2),
     "{si_signo=SIGUSR1, si_code=SI_USER, si_errno=ENOENT, si_pid=1, si_uid=0}"),
    (siginfo(0, 0), "{}"),
    (b"", "{}"),
    (b"\x0a\0\0\0\0\0\0\0\0\0\0\0", "{si_signo=SIGUSR1, si_code=SI_USER, si_pid=0, si_uid=0}"),
]


def test_format_siginfo() -> None:
    wrong = [(format_siginfo(r), w) for r, w in _SIGINFO_CASES if format_siginfo(r) != w]
    assert not wrong

@given(st.binary(max_size=160))
def test_format_siginfo_never_raises(raw: bytes) -> None:
    text = format_siginfo(raw)
    assert text.startswith("{") and text.endswith("}")


# --- wait statuses -------------------------------------------------------------------------------

_WAIT_CASES = [
    (0, "[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]"),
    (3 << 8, "[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]"),
    (9, "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}]"),
    (11 | 0x80, "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]"),
    (19 << 8 | 0x7F, "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]"),
    ((5 | 0x80) << 8 | 0x7F, "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP | 0x80}]"),
    (0xFFFF, "[{WIFCONTINUED(s)}]"),
    (1 << 16 | 5 << 8 | 0x7F,
     "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP} | PTRACE_EVENT_FORK << 16]"),
    (0x42 << 16 | 5 << 8 | 0x7F,
     "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP} | 0x42 /* PTRACE_EVENT_??? */ << 16]"),
    (0x1FF, "[0x1ff]"),
    (0x100 | 0x10000, "[{WIFEXITED(s) && WEXITSTATUS(s) == 1} | PTRACE_EVENT_FORK << 16]"),
    (0x100 | 0x10001, "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGHUP} | PTRACE_EVENT_FORK << 16 "
     "| 0x100]"),
]


def test_format_wait_status() -> None:
    wrong = [(hex(s), format_wait_status(s), w) for s, w in _WAIT_CASES
             if format_wait_status(s) != w]
    assert not wrong

@given(st.integers(0, 2**32 - 1))
def test_format_wait_status_never_raises(status: int) -> None:
    assert format_wait_status(status).startswith("[")


def test_wait_status_of_real_children() -> None:
    pid = os.fork()
    if pid == 0:
        os._exit(5)
    _, status = os.waitpid(pid, 0)
    assert format_wait_status(status) == "[{WIFEXITED(s) && WEXITSTATUS(s) == 5}]"


# --- structs ----------------------------------------------------------------------------------

def stat_x86_64(mode: int, size: int = 0, rdev: int = 0) -> bytes:
    raw = bytearray(144)
    struct.pack_into("<QQQIII", raw, 0, 0x803, 1234, 1, mode, 0, 0)
    struct.pack_into("<Qq", raw, 40, rdev, size)
    return bytes(raw)


def stat_aarch64(mode: int, size: int = 0, rdev: int = 0) -> bytes:
    raw = bytearray(128)
    struct.pack_into("<QQIIIIQ", raw, 0, 0x803, 1234, mode, 1, 0, 0, rdev)
    struct.pack_into("<q", raw, 48, size)
    return bytes(raw)


def test_stat_both_layouts() -> None:
    for arch, make in (("x86_64", stat_x86_64), ("aarch64", stat_aarch64)):
        st_ = S.parse_stat(make(0o100644, 34547), arch)
        assert st_ is not None
        assert S.text_stat(st_) == "{st_mode=S_IFREG|0644, st_size=34547, ...}"
        assert st_["st_ino"] == 1234 and st_["st_nlink"] == 1
        dev = S.parse_stat(make(0o20666, 0, 0x103), arch)
        assert dev is not None
        assert S.text_stat(dev) == "{st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}"
        assert S.parse_stat(make(0)[:100], arch) is None


def test_stat_of_this_process_files() -> None:
    # the kernel's own bytes: fstat through ctypes-free os.stat values, then our layout
    info = os.stat("/dev/null")
    raw = stat_x86_64(info.st_mode, info.st_size, info.st_rdev)
    st_ = S.parse_stat(raw)
    assert st_ is not None
    assert S.text_stat(st_) == (
        f"{{st_mode=S_IFCHR|0666, st_rdev=makedev({os.major(info.st_rdev):#x}, "
        f"{os.minor(info.st_rdev):#x}), ...}}")


def test_makedev() -> None:
    assert S.makedev(0x801) == "makedev(0x8, 0x1)"
    assert S.makedev(os.makedev(259, 70000)) == "makedev(0x103, 0x11170)"
    assert S.makedev(0) == "makedev(0, 0)"


def test_statx_and_statfs() -> None:
    raw = bytearray(256)
    struct.pack_into("<IIQIIIH", raw, 0, 0x17FF, 4096, 0, 1, 0, 0, 0o100755)
    struct.pack_into("<QQ", raw, 32, 99, 3)
    stx = S.parse_statx(bytes(raw))
    assert stx is not None
    assert S.text_statx(stx) == ("{stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, "
                                 "stx_attributes=0, stx_mode=S_IFREG|0755, stx_size=3, ...}")
    assert S.parse_statx(bytes(100)) is None
    fs = struct.pack("<qqQQQQQiiqqq", 0xEF53, 4096, 66053021, 60356201, 20900908, 16777216,
                     16369480, 0xE7E587B1 - 2**32, 0x2B6D566F, 255, 4096, 32 | 4096) + bytes(32)
    sfs = S.parse_statfs(fs)
    assert sfs is not None
    assert S.text_statfs(sfs) == (
        "{f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=66053021, f_bfree=60356201, "
        "f_bavail=20900908, f_files=16777216, f_ffree=16369480, "
        "f_fsid={val=[0xe7e587b1, 0x2b6d566f]}, f_namelen=255, f_frsize=4096, "
        "f_flags=ST_VALID|ST_RELATIME}")
    other = S.parse_statfs(struct.pack("<q", 0x1234) + fs[8:])
    assert other is not None and other["f_type"] == "0x1234"


def sockaddr_in(port: int, ip: str) -> bytes:
    return struct.pack("<H", 2) + struct.pack(">H", port) + socket.inet_aton(ip) + bytes(8)


_SOCKADDR_CASES = [
    (sockaddr_in(80, "127.0.0.1"),
     '{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}'),
    (struct.pack("<H", 10) + struct.pack(">HI", 53, 0)
     + socket.inet_pton(socket.AF_INET6, "::1") + struct.pack("<I", 0),
     '{sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), '
     'inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}'),
    (b"\x01\x00/run/nonexistent.sock\x00",
     '{sa_family=AF_UNIX, sun_path="/run/nonexistent.sock"}'),
    (b"\x01\x00\x00abstract", '{sa_family=AF_UNIX, sun_path=@"abstract"}'),
    (b"\x01\x00", "{sa_family=AF_UNIX}"),
    (b"\x02\x00", "{sa_family=AF_INET}"),
    (b"\x02\x00\x00\x50\x7f\x00\x00\x01",
     '{sa_family=AF_INET, sa_data="\\0P\\177\\0\\0\\1"}'),
    (b"\x10\x00" + struct.pack("<HII", 0x9F4, 0, 0),
     "{sa_family=AF_NETLINK, nl_pad=0x9f4, nl_pid=0, nl_groups=00000000}"),
    (b"\x10\x00" + struct.pack("<HII", 0, 5561, 1),
     "{sa_family=AF_NETLINK, nl_pid=5561, nl_groups=0x000001}"),
    (b"\x63\x00abcdef", '{sa_family=0x63 /* AF_??? */, sa_data="abcdef"}'),
]


def test_sockaddr() -> None:
    for raw, want in _SOCKADDR_CASES:
        sa = S.parse_sockaddr(raw)
        assert sa is not None
        assert S.text_sockaddr(sa) == want

def test_sockaddr_values_for_python() -> None:
    assert S.public(S.parse_sockaddr(sockaddr_in(80, "127.0.0.1"))) == {
        "sa_family": "AF_INET", "sin_port": 80, "sin_addr": "127.0.0.1"}
    assert S.public(S.parse_sockaddr(b"\x01\x00/run/x\x00")) == {
        "sa_family": "AF_UNIX", "sun_path": "/run/x"}
    assert S.parse_sockaddr(b"\x01") is None
    assert S.public(None) is None


def test_sigsets() -> None:
    assert S.sigset_text(0) == "[]"
    assert S.sigset_text((1 << 1) | (1 << 16)) == "[INT CHLD]"
    assert S.sigset_text((1 << 1) | (1 << 13) | (1 << 33) | (1 << 35)) == "[INT ALRM RT_2 RT_4]"
    assert S.sigset_text(2**64 - 1) == "~[]"
    assert S.sigset_text(2**64 - 1 - (1 << 31) - (1 << 32)) == "~[RTMIN RT_1]"
    assert S.sigset_text(0xFFFFFFFE7FFBFEFF) == "~[KILL STOP RTMIN RT_1]"
    assert S.sigset_names((1 << 1) | (1 << 16)) == ["SIGINT", "SIGCHLD"]


def test_sigaction() -> None:
    raw = struct.pack("<QQQQ", 0x1234, 0xFFFFFFFF, 0x5678, 2**64 - 1)
    sa = S.parse_sigaction(raw)
    assert sa is not None
    assert S.text_sigaction(sa) == (
        "{sa_handler=0x1234, sa_mask=~[], sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESTART|"
        "SA_INTERRUPT|SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|0x3fffff8, "
        "sa_restorer=0x5678}")
    dfl = S.parse_sigaction(bytes(32))
    assert dfl is not None
    assert S.text_sigaction(dfl) == "{sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}"
    assert S.public(dfl) == {"sa_handler": "SIG_DFL", "sa_mask": [], "sa_flags": "0"}
    ign = S.parse_sigaction(struct.pack("<QQQQ", 1, 0x04000004 | 0x10000000, 0x5678,
                                        (1 << 1) | (1 << 13) | (1 << 33) | (1 << 35)))
    assert ign is not None
    assert S.text_sigaction(ign) == (
        "{sa_handler=SIG_IGN, sa_mask=[INT ALRM RT_2 RT_4], "
        "sa_flags=SA_RESTORER|SA_RESTART|SA_SIGINFO, sa_restorer=0x5678}")
    assert S.parse_sigaction(bytes(31)) is None


def test_small_structs() -> None:
    def text(parse, show, raw):  # type: ignore[no-untyped-def]
        value = parse(raw)
        assert value is not None
        return show(value)

    assert text(S.parse_timespec, S.text_timespec, struct.pack("<qq", 0, 1000000)) == (
        "{tv_sec=0, tv_nsec=1000000}")
    assert text(S.parse_timeval, S.text_timeval, struct.pack("<qq", -1, 5)) == (
        "{tv_sec=-1, tv_usec=5}")
    assert text(S.parse_itimerspec, S.text_itimerspec, struct.pack("<qqqq", 0, 0, 1, 500)) == (
        "{it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=1, tv_nsec=500}}")
    assert text(S.parse_itimerval, S.text_itimerval, struct.pack("<qqqq", 0, 0, 0, 999954)) == (
        "{it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=999954}}")
    assert text(S.parse_rlimit, S.text_rlimit, struct.pack("<QQ", 8192 * 1024, 2**64 - 1)) == (
        "{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}")
    assert text(S.parse_rlimit, S.text_rlimit, struct.pack("<QQ", 20000, 1024)) == (
        "{rlim_cur=20000, rlim_max=1024}")
    uts = b"".join(s.ljust(65, b"\0") for s in (b"Linux", b"vm", b"6.1", b"#1", b"x86_64", b""))
    assert text(S.parse_utsname, S.text_utsname, uts) == '{sysname="Linux", nodename="vm", ...}'
    si = struct.pack("<qQQQQQQQQQH6xQQI", 1228, 23680, 23840, 18304, 25276063744, 24995586048,
                     9166848, 1740800, 0, 0, 94, 0, 0, 1)
    assert text(S.parse_sysinfo, S.text_sysinfo, si) == (
        "{uptime=1228, loads=[23680, 23840, 18304], totalram=25276063744, "
        "freeram=24995586048, sharedram=9166848, bufferram=1740800, totalswap=0, freeswap=0, "
        "procs=94, totalhigh=0, freehigh=0, mem_unit=1}")
    ru = struct.pack("<qqqq", 0, 62380, 0, 35614) + bytes(112)
    assert text(S.parse_rusage, S.text_rusage, ru) == (
        "{ru_utime={tv_sec=0, tv_usec=62380}, ru_stime={tv_sec=0, tv_usec=35614}, ...}")
    stk = struct.pack("<Qi4xQ", 0, 2, 0)
    assert text(S.parse_stack_t, S.text_stack_t, stk) == (
        "{ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}")
    assert text(S.parse_winsize, S.text_winsize, struct.pack("<HHHH", 24, 80, 0, 0)) == (
        "{ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}")
    tios = struct.pack("<IIII", 0o2400, 0o5, 0o277, 0o105073) + bytes(20)
    assert text(S.parse_termios, S.text_termios, tios) == (
        "{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, "
        "c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, "
        "...}")
    assert text(S.parse_flock, S.text_flock, struct.pack("<hh4xqqi4x", 1, 0, 0, 10, 0)) == (
        "{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=10}")


def test_clone_args_and_open_how() -> None:
    flags = 0x3D0F00
    raw = struct.pack("<11Q", flags, 0, 0x7EFFB2479990, 0x7EFFB2479990, 0, 0x7EFFB1C79000,
                      0x7FFF80, 0x7EFFB24796C0, 0, 0, 0)
    a = S.parse_clone_args(raw)
    assert a is not None
    assert S.text_clone_args(a) == (
        "{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
        "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7effb2479990, "
        "parent_tid=0x7effb2479990, exit_signal=0, stack=0x7effb1c79000, stack_size=0x7fff80, "
        "tls=0x7effb24796c0}")
    fork_like = S.parse_clone_args(struct.pack("<8Q", 0x1000, 0x10, 0, 0, 17, 0, 0, 0))
    assert fork_like is not None
    assert S.text_clone_args(fork_like) == (
        "{flags=CLONE_PIDFD, pidfd=0x10, exit_signal=SIGCHLD, stack=NULL, stack_size=0}")
    full = S.parse_clone_args(struct.pack("<11Q", 0x200000000, 0, 0, 0, 17, 0, 0, 0, 0x99, 1, 3))
    assert full is not None
    assert S.text_clone_args(full) == (
        "{flags=CLONE_INTO_CGROUP, exit_signal=SIGCHLD, stack=NULL, stack_size=0, "
        "set_tid=0x99, set_tid_size=1, cgroup=3}")
    assert S.parse_clone_args(bytes(40)) is None
    how = S.parse_open_how(struct.pack("<QQQ", 0o2000000, 0, 4))
    assert how is not None
    assert S.text_open_how(how) == "{flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS}"
    how = S.parse_open_how(struct.pack("<QQQ", 0o101, 0o644, 0))
    assert how is not None
    assert S.text_open_how(how) == "{flags=O_WRONLY|O_CREAT, mode=0644, resolve=0}"


def test_polls_epoll_dirents_sets() -> None:
    fds = S.parse_pollfds(struct.pack("<ihhihh", 12, 3, 1, 13, 4, 4), 2)
    assert fds is not None
    assert S.text_pollfds(fds, 32, 2) == (
        "[{fd=12, events=POLLIN|POLLPRI}, {fd=13, events=POLLOUT}]")
    assert S.text_pollfds(fds, 1, 2) == "[{fd=12, events=POLLIN|POLLPRI}, ...]"
    assert S.text_revents(fds) == "[{fd=12, revents=POLLIN}, {fd=13, revents=POLLOUT}]"
    assert S.parse_pollfds(b"1234", 1) is None
    evs = S.parse_epoll_events(struct.pack("<IQ", 1 | 1 << 31, 12), 1)
    assert evs is not None
    assert S.text_epoll_event(evs[0]) == "{events=EPOLLIN|EPOLLET, data={u32=12, u64=12}}"
    evs = S.parse_epoll_events(struct.pack("<I4xQ", 4, 2**40 + 7), 1, "aarch64")
    assert evs is not None
    assert S.text_epoll_event(evs[0]) == "{events=EPOLLOUT, data={u32=7, u64=1099511627783}}"

    def dirent(name: bytes) -> bytes:
        reclen = (19 + len(name) + 1 + 7) & ~7
        return struct.pack("<QqHB", 1, 0, reclen, 4) + name.ljust(reclen - 19, b"\0")

    assert S.count_dirents(dirent(b".") + dirent(b"..") + dirent(b"certs")) == 3
    assert S.count_dirents(b"") == 0
    assert S.count_dirents(bytes(40)) == 0
    assert S.count_dirents(None) is None
    assert S.fd_set_bits(struct.pack("<Q", 0b1011), 64) == [0, 1, 3]
    assert S.fd_set_bits(struct.pack("<Q", 0b1011), 2) == [0, 1]
    assert S.fd_set_bits(None, 3) is None
    assert S.cpu_list(b"\x05\0\0\0") == [0, 2]
    assert S.cpu_list(None) is None


_PARSERS = [S.parse_statx, S.parse_statfs, S.parse_timespec, S.parse_timeval,
            S.parse_itimerspec, S.parse_itimerval, S.parse_sigaction, S.parse_stack_t,
            S.parse_rlimit, S.parse_utsname, S.parse_sysinfo, S.parse_rusage,
            S.parse_sockaddr, S.parse_clone_args, S.parse_open_how, S.parse_winsize,
            S.parse_termios, S.parse_flock]


@given(st.binary(max_size=400))
def test_parsers_never_raise(raw: bytes) -> None:
    for parse in _PARSERS:
        parse(raw)
    for arch in ("x86_64", "aarch64"):
        st_ = S.parse_stat(raw, arch)
        if st_ is not None:
            S.text_stat(st_)
    sa = S.parse_sockaddr(raw)
    if sa is not None:
        S.text_sockaddr(sa)
    S.count_dirents(raw)
    S.fd_set_bits(raw, 100)


def test_termios_and_rusage_in_full_with_v() -> None:
    """-v: c_line and c_cc of a termios, every field of an rusage (strace -v's lines)."""
    cc = bytes([3, 0x1C, 0x7F, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1A, 0, 0x12, 0xF, 0x17, 0x16, 0,
                0, 0])
    data = struct.pack("<IIII", 0o400 | 0o2000, 5, 0o277, 0o105073) + b"\0" + cc
    t = S.parse_termios(data)
    assert t is not None
    assert S.text_termios_full(t) == (
        "{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, "
        "c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, "
        "c_line=N_TTY, c_cc=[[VINTR]=0x3, [VQUIT]=0x1c, [VERASE]=0x7f, [VKILL]=0x15, "
        "[VEOF]=0x4, [VTIME]=0, [VMIN]=0x1, [VSWTC]=0, [VSTART]=0x11, [VSTOP]=0x13, "
        "[VSUSP]=0x1a, [VEOL]=0, [VREPRINT]=0x12, [VDISCARD]=0xf, [VWERASE]=0x17, "
        "[VLNEXT]=0x16, [VEOL2]=0, [17]=0, [18]=0]}")
    ru = struct.pack("<4q", 0, 0, 0, 981) + struct.pack("<14q", 1200, 0, 0, 0, 61, 0, 0, 0, 0,
                                                          0, 0, 0, 86, 0)
    r = S.parse_rusage(ru)
    assert r is not None
    assert S.text_rusage_full(r) == (
        "{ru_utime={tv_sec=0, tv_usec=0}, ru_stime={tv_sec=0, tv_usec=981}, ru_maxrss=1200, "
        "ru_ixrss=0, ru_idrss=0, ru_isrss=0, ru_minflt=61, ru_majflt=0, ru_nswap=0, "
        "ru_inblock=0, ru_oublock=0, ru_msgsnd=0, ru_msgrcv=0, ru_nsignals=0, ru_nvcsw=86, "
        "ru_nivcsw=0}")


def test_timex_and_the_clock_state() -> None:
    """clock_adjtime's struct timex and its return value, as strace 6.1 printed them."""
    from pytest_renacer.decode import format_retval

    raw = struct.pack("<I4x4qi4x3q2q3qi4x5qi", 0, 0, 0, 16000000, 16000000, 0x40, 2, 1,
                      32768000, 1796399485, 663630, 10000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    t = S.parse_timex(raw.ljust(208, b"\0"))
    assert t is not None
    assert S.text_timex(t) == (
        "{modes=0, offset=0, freq=0, maxerror=16000000, esterror=16000000, "
        "status=STA_UNSYNC, constant=2, precision=1, tolerance=32768000, "
        "time={tv_sec=1796399485, tv_usec=663630}, tick=10000, ppsfreq=0, jitter=0, shift=0, "
        "stabil=0, jitcnt=0, calcnt=0, errcnt=0, stbcnt=0, tai=0}")
    from pytest_renacer.tables import table_for

    info = table_for("x86_64").by_name["clock_adjtime"]
    assert format_retval(info, 5, None, {}, raw=(0, 0x1000)) == "5 (TIME_ERROR)"
