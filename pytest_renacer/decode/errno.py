"""Error numbers, signals, siginfo_t and wait statuses, printed as strace 6.1 prints them.

Values come from the Linux UAPI headers (``asm-generic/errno*.h``, ``asm/signal.h``,
``asm-generic/siginfo.h``); the kernel-internal restart codes (512 and up) come from the
kernel's ``include/linux/errno.h``, which strace knows too.
"""

from __future__ import annotations

import os
import struct

__all__ = [
    "ERRNO_NAMES",
    "SIGNAL_NAMES",
    "clock_t_text",
    "errno_message",
    "errno_name",
    "format_errno_retval",
    "format_siginfo",
    "format_wait_status",
    "signal_name",
]

#: errno value -> name (asm-generic/errno-base.h, asm-generic/errno.h: the same on
#: x86_64 and aarch64), plus the kernel-internal codes a tracer can see.
ERRNO_NAMES: dict[int, str] = {
    1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 6: "ENXIO", 7: "E2BIG",
    8: "ENOEXEC", 9: "EBADF", 10: "ECHILD", 11: "EAGAIN", 12: "ENOMEM", 13: "EACCES",
    14: "EFAULT", 15: "ENOTBLK", 16: "EBUSY", 17: "EEXIST", 18: "EXDEV", 19: "ENODEV",
    20: "ENOTDIR", 21: "EISDIR", 22: "EINVAL", 23: "ENFILE", 24: "EMFILE", 25: "ENOTTY",
    26: "ETXTBSY", 27: "EFBIG", 28: "ENOSPC", 29: "ESPIPE", 30: "EROFS", 31: "EMLINK",
    32: "EPIPE", 33: "EDOM", 34: "ERANGE", 35: "EDEADLK", 36: "ENAMETOOLONG",
    37: "ENOLCK", 38: "ENOSYS", 39: "ENOTEMPTY", 40: "ELOOP", 42: "ENOMSG", 43: "EIDRM",
    44: "ECHRNG", 45: "EL2NSYNC", 46: "EL3HLT", 47: "EL3RST", 48: "ELNRNG", 49: "EUNATCH",
    50: "ENOCSI", 51: "EL2HLT", 52: "EBADE", 53: "EBADR", 54: "EXFULL", 55: "ENOANO",
    56: "EBADRQC", 57: "EBADSLT", 59: "EBFONT", 60: "ENOSTR", 61: "ENODATA", 62: "ETIME",
    63: "ENOSR", 64: "ENONET", 65: "ENOPKG", 66: "EREMOTE", 67: "ENOLINK", 68: "EADV",
    69: "ESRMNT", 70: "ECOMM", 71: "EPROTO", 72: "EMULTIHOP", 73: "EDOTDOT",
    74: "EBADMSG", 75: "EOVERFLOW", 76: "ENOTUNIQ", 77: "EBADFD", 78: "EREMCHG",
    79: "ELIBACC", 80: "ELIBBAD", 81: "ELIBSCN", 82: "ELIBMAX", 83: "ELIBEXEC",
    84: "EILSEQ", 85: "ERESTART", 86: "ESTRPIPE", 87: "EUSERS", 88: "ENOTSOCK",
    89: "EDESTADDRREQ", 90: "EMSGSIZE", 91: "EPROTOTYPE", 92: "ENOPROTOOPT",
    93: "EPROTONOSUPPORT", 94: "ESOCKTNOSUPPORT", 95: "EOPNOTSUPP", 96: "EPFNOSUPPORT",
    97: "EAFNOSUPPORT", 98: "EADDRINUSE", 99: "EADDRNOTAVAIL", 100: "ENETDOWN",
    101: "ENETUNREACH", 102: "ENETRESET", 103: "ECONNABORTED", 104: "ECONNRESET",
    105: "ENOBUFS", 106: "EISCONN", 107: "ENOTCONN", 108: "ESHUTDOWN",
    109: "ETOOMANYREFS", 110: "ETIMEDOUT", 111: "ECONNREFUSED", 112: "EHOSTDOWN",
    113: "EHOSTUNREACH", 114: "EALREADY", 115: "EINPROGRESS", 116: "ESTALE",
    117: "EUCLEAN", 118: "ENOTNAM", 119: "ENAVAIL", 120: "EISNAM", 121: "EREMOTEIO",
    122: "EDQUOT", 123: "ENOMEDIUM", 124: "EMEDIUMTYPE", 125: "ECANCELED", 126: "ENOKEY",
    127: "EKEYEXPIRED", 128: "EKEYREVOKED", 129: "EKEYREJECTED", 130: "EOWNERDEAD",
    131: "ENOTRECOVERABLE", 132: "ERFKILL", 133: "EHWPOISON",
    # kernel-internal (include/linux/errno.h): seen by tracers, never by programs
    512: "ERESTARTSYS", 513: "ERESTARTNOINTR", 514: "ERESTARTNOHAND", 515: "ENOIOCTLCMD",
    516: "ERESTART_RESTARTBLOCK", 517: "EPROBE_DEFER", 518: "EOPENSTALE", 519: "ENOPARAM",
    521: "EBADHANDLE", 522: "ENOTSYNC", 523: "EBADCOOKIE", 524: "ENOTSUPP",
    525: "ETOOSMALL", 526: "ESERVERFAULT", 527: "EBADTYPE", 528: "EJUKEBOX",
    529: "EIOCBQUEUED", 530: "ERECALLCONFLICT", 531: "ENOGRACE",
}

#: strace prints these "restart" codes as "= ? NAME (message)", with its own messages.
_RESTART_MESSAGES: dict[int, str] = {
    512: "To be restarted if SA_RESTART is set",
    513: "To be restarted",
    514: "To be restarted if no handler",
    516: "Interrupted by signal",
}

#: signal number -> name (asm/signal.h; identical on x86_64 and aarch64).
SIGNAL_NAMES: dict[int, str] = {
    1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
    7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2",
    13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT", 17: "SIGCHLD",
    18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU", 23: "SIGURG",
    24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH",
    29: "SIGIO", 30: "SIGPWR", 31: "SIGSYS", 32: "SIGRTMIN",
}
for _n in range(33, 65):
    SIGNAL_NAMES[_n] = f"SIGRT_{_n - 32}"
del _n

SIGCHLD = 17
_SIGILL, _SIGTRAP, _SIGBUS, _SIGFPE, _SIGSEGV, _SIGPOLL, _SIGSYS = 4, 5, 7, 8, 11, 29, 31


def errno_name(n: int) -> str:
    """``ENOENT`` for 2; ``E1234`` for a number no header names."""
    name = ERRNO_NAMES.get(n)
    return name if name is not None else f"E{n}"


def errno_message(n: int) -> str:
    """The C library's message for an errno value (``os.strerror``)."""
    try:
        return os.strerror(n)
    except (ValueError, OverflowError):
        return f"Unknown error {n}"


def format_errno_retval(n: int) -> str:
    """What strace prints after ``=`` for a call that failed with errno ``n``."""
    msg = _RESTART_MESSAGES.get(n)
    if msg is not None:
        return f"? {ERRNO_NAMES[n]} ({msg})"
    name = ERRNO_NAMES.get(n)
    if name is None:
        return f"-1 (errno {n})"
    return f"-1 {name} ({errno_message(n)})"


def signal_name(n: int) -> str:
    """``SIGCHLD``, ``SIGRTMIN``, ``SIGRT_3``; the decimal number when unknown."""
    name = SIGNAL_NAMES.get(n)
    return name if name is not None else str(n)


# --- siginfo_t -------------------------------------------------------------------------

_SI_CODES: dict[int, str] = {  # asm-generic/siginfo.h, the codes that do not depend on the signal
    0: "SI_USER", 0x80: "SI_KERNEL", -1: "SI_QUEUE", -2: "SI_TIMER", -3: "SI_MESGQ",
    -4: "SI_ASYNCIO", -5: "SI_SIGIO", -6: "SI_TKILL", -7: "SI_DETHREAD", -60: "SI_ASYNCNL",
}
_SIGNAL_CODES: dict[int, dict[int, str]] = {
    _SIGTRAP: {1: "TRAP_BRKPT", 2: "TRAP_TRACE", 3: "TRAP_BRANCH", 4: "TRAP_HWBKPT",
               5: "TRAP_UNK", 6: "TRAP_PERF"},
    SIGCHLD: {1: "CLD_EXITED", 2: "CLD_KILLED", 3: "CLD_DUMPED", 4: "CLD_TRAPPED",
              5: "CLD_STOPPED", 6: "CLD_CONTINUED"},
    _SIGPOLL: {1: "POLL_IN", 2: "POLL_OUT", 3: "POLL_MSG", 4: "POLL_ERR", 5: "POLL_PRI",
               6: "POLL_HUP"},
    _SIGILL: {1: "ILL_ILLOPC", 2: "ILL_ILLOPN", 3: "ILL_ILLADR", 4: "ILL_ILLTRP",
              5: "ILL_PRVOPC", 6: "ILL_PRVREG", 7: "ILL_COPROC", 8: "ILL_BADSTK",
              9: "ILL_BADIADDR"},
    _SIGFPE: {1: "FPE_INTDIV", 2: "FPE_INTOVF", 3: "FPE_FLTDIV", 4: "FPE_FLTOVF",
              5: "FPE_FLTUND", 6: "FPE_FLTRES", 7: "FPE_FLTINV", 8: "FPE_FLTSUB",
              14: "FPE_FLTUNK", 15: "FPE_CONDTRAP"},
    _SIGSEGV: {1: "SEGV_MAPERR", 2: "SEGV_ACCERR", 3: "SEGV_BNDERR", 4: "SEGV_PKUERR",
               5: "SEGV_ACCADI", 6: "SEGV_ADIDERR", 7: "SEGV_ADIPERR", 8: "SEGV_MTEAERR",
               9: "SEGV_MTESERR", 10: "SEGV_CPERR"},
    _SIGBUS: {1: "BUS_ADRALN", 2: "BUS_ADRERR", 3: "BUS_OBJERR", 4: "BUS_MCEERR_AR",
              5: "BUS_MCEERR_AO"},
    _SIGSYS: {1: "SYS_SECCOMP", 2: "SYS_USER_DISPATCH"},
}
_AUDIT_ARCHES = {0xC000003E: "AUDIT_ARCH_X86_64", 0x40000003: "AUDIT_ARCH_I386",
                 0xC00000B7: "AUDIT_ARCH_AARCH64", 0x40000028: "AUDIT_ARCH_ARM"}
_CLK_TCK = 100


def _addr(v: int) -> str:
    return "NULL" if v == 0 else f"{v:#x}"


def clock_t_text(v: int) -> str:
    """A clock_t in ticks, with strace's seconds comment: ``3 /* 0.03 s */``, ``0``."""
    if v == 0:
        return "0"
    return f"{v} /* {v // _CLK_TCK}.{v % _CLK_TCK:02d} s */"


def _syscall_name(nr: int, arch: int) -> str | None:
    from ..tables import table_for  # lazy: only SIGSYS needs it

    name = {0xC000003E: "x86_64", 0xC00000B7: "aarch64"}.get(arch)
    if name is None:
        return None
    try:
        info = table_for(name).by_nr.get(nr)
    except (ImportError, ValueError):  # pragma: no cover - tables are generated
        return None
    return info.name if info is not None else None


def format_siginfo(raw: bytes | None) -> str:
    """strace's ``{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=..., ...}`` of a siginfo_t."""
    if not raw or len(raw) < 12:
        return "{}"
    raw = bytes(raw[:128]).ljust(128, b"\0")
    signo, err, code = struct.unpack_from("<iii", raw, 0)
    if signo == 0:
        return "{}"
    parts = [f"si_signo={signal_name(signo)}"]
    cname = _SI_CODES.get(code)
    if cname is None:
        cname = _SIGNAL_CODES.get(signo, {}).get(code)
    parts.append(f"si_code={cname if cname is not None else f'{code & 0xFFFFFFFF:#x}'}")
    if err:
        parts.append(f"si_errno={ERRNO_NAMES.get(err, str(err))}")
    pid, uid = struct.unpack_from("<iI", raw, 16)
    (ptr,) = struct.unpack_from("<Q", raw, 24)
    (sival_int,) = struct.unpack_from("<i", raw, 24)
    source = [f"si_pid={pid & 0xFFFFFFFF}", f"si_uid={uid}"]
    value = [f"si_int={sival_int}", f"si_ptr={ptr:#x}" if ptr else "si_ptr=0"]
    if code <= 0:  # SI_FROMUSER
        if code in (0, -6):  # SI_USER, SI_TKILL
            parts += source
        elif code == -2:  # SI_TIMER
            tid, overrun = struct.unpack_from("<ii", raw, 16)
            parts += [f"si_timerid={tid & 0xFFFFFFFF:#x}", f"si_overrun={overrun}", *value]
        else:
            parts += source
            if ptr:
                parts += value
    elif signo == SIGCHLD:
        parts += source
        (status,) = struct.unpack_from("<i", raw, 24)
        utime, stime = struct.unpack_from("<QQ", raw, 32)
        parts.append(f"si_status={status if code == 1 else signal_name(status)}")
        parts += [f"si_utime={clock_t_text(utime)}", f"si_stime={clock_t_text(stime)}"]
    elif signo in (_SIGILL, _SIGFPE, _SIGSEGV, _SIGBUS):
        (addr,) = struct.unpack_from("<Q", raw, 16)
        parts.append(f"si_addr={_addr(addr)}")
    elif signo == _SIGPOLL:
        if code in (1, 2, 3):
            (band,) = struct.unpack_from("<q", raw, 16)
            parts.append(f"si_band={band}")
    elif signo == _SIGSYS:
        (call_addr,) = struct.unpack_from("<Q", raw, 16)
        nr, arch = struct.unpack_from("<iI", raw, 24)
        scname = _syscall_name(nr, arch)
        parts.append(f"si_call_addr={_addr(call_addr)}")
        parts.append(f"si_syscall={'__NR_' + scname if scname else str(nr & 0xFFFFFFFF)}")
        aname = _AUDIT_ARCHES.get(arch)
        parts.append(f"si_arch={aname if aname else f'{arch:#x} /* AUDIT_ARCH_??? */'}")
    else:
        if pid or uid:
            parts += source
        if ptr:
            parts += value
    return "{" + ", ".join(parts) + "}"


# --- wait status -------------------------------------------------------------------------

_PTRACE_EVENTS = {1: "PTRACE_EVENT_FORK", 2: "PTRACE_EVENT_VFORK", 3: "PTRACE_EVENT_CLONE",
                  4: "PTRACE_EVENT_EXEC", 5: "PTRACE_EVENT_VFORK_DONE",
                  6: "PTRACE_EVENT_EXIT", 7: "PTRACE_EVENT_SECCOMP", 128: "PTRACE_EVENT_STOP"}


def format_wait_status(status: int) -> str:
    """strace's ``[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`` for a wait status word."""
    status &= 0xFFFFFFFF
    low = status & 0x7F
    if status & 0xFF == 0x7F:
        sig = (status >> 8) & 0xFF
        text = (f"[{{WIFSTOPPED(s) && WSTOPSIG(s) == {signal_name(sig & 0x7F)}"
                f"{' | 0x80' if sig & 0x80 else ''}}}")
        status &= ~((sig << 8) | 0x7F)
    elif low != 0 and low != 0x7F:
        core = " && WCOREDUMP(s)" if status & 0x80 else ""
        text = f"[{{WIFSIGNALED(s) && WTERMSIG(s) == {signal_name(low)}{core}}}"
        status &= ~(low | 0x80)
    elif low == 0 and status != 0xFFFF:
        code = (status >> 8) & 0xFF
        text = f"[{{WIFEXITED(s) && WEXITSTATUS(s) == {code}}}"
        status &= ~(code << 8)
    elif status == 0xFFFF:
        text = "[{WIFCONTINUED(s)}"
        status = 0
    else:  # pragma: no cover - every status word is one of the above
        return f"[{status:#x}]"
    if status:
        event = status >> 16
        if event:
            name = _PTRACE_EVENTS.get(event)
            text += f" | {name if name else f'{event:#x} /* PTRACE_EVENT_??? */'} << 16"
            status &= 0xFFFF
        if status:
            text += f" | {status:#x}"
    return text + "]"
