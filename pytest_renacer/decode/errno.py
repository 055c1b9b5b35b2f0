"""Error numbers, signals, siginfo_t and wait statuses, printed as strace 6.1 prints them.

The names and values are generated into ``tables/xlat.py`` (tools/gen_flag_tables.py) from
the Linux UAPI headers (``asm-generic/errno*.h``, ``asm/signal.h``, ``asm/siginfo.h``,
``linux/audit.h``); the kernel-internal restart codes (512 and up) are the kernel's
``include/linux/errno.h``, which strace knows too.
"""

from __future__ import annotations

import os
import struct

from ..tables import xlat as X
from .flags import set_style, styled

__all__ = [
    "ERRNO_NAMES",
    "SIGNAL_NAMES",
    "errno_message",
    "errno_name",
    "format_errno_retval",
    "format_siginfo",
    "format_wait_status",
    "signal_name",
]

def _by_value(table: tuple[object, object, tuple[tuple[str, int], ...]],
              signed: bool = False) -> dict[int, str]:
    """value -> name of a generated table of tables/xlat.py (the first name of a value)."""
    out: dict[int, str] = {}
    for name, value in table[2]:
        out.setdefault(value - (value >> 31 << 32) if signed else value, name)
    return out


#: errno value -> name (asm-generic/errno-base.h, asm-generic/errno.h: the same on
#: x86_64 and aarch64), plus the kernel-internal codes a tracer can see (generated).
ERRNO_NAMES: dict[int, str] = _by_value(X.ERRNO_NAMES)

#: strace prints these "restart" codes as "= ? NAME (message)", with its own messages.
_RESTART_MESSAGES: dict[int, str] = {
    512: "To be restarted if SA_RESTART is set",
    513: "To be restarted",
    514: "To be restarted if no handler",
    516: "Interrupted by signal",
}

#: signal number -> name (asm/signal.h; identical on x86_64 and aarch64), the real-time
#: ones after SIGRTMIN as strace names them (SIGRT_1...)
SIGNAL_NAMES: dict[int, str] = _by_value(X.SIGNAL_NAMES)
_SIG = {name: n for n, name in SIGNAL_NAMES.items()}
for _n in range(_SIG["SIGRTMIN"] + 1, X._NSIG + 1):
    SIGNAL_NAMES[_n] = f"SIGRT_{_n - _SIG['SIGRTMIN']}"
del _n

SIGCHLD = _SIG["SIGCHLD"]
_SIGILL, _SIGTRAP, _SIGBUS, _SIGFPE, _SIGSEGV, _SIGPOLL, _SIGSYS = (
    _SIG[n] for n in ("SIGILL", "SIGTRAP", "SIGBUS", "SIGFPE", "SIGSEGV", "SIGIO", "SIGSYS"))

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

_SI_CODES: dict[int, str] = _by_value(X.SI_CODES, signed=True)  # whatever the signal
_SIGNAL_CODES: dict[int, dict[int, str]] = {
    _SIGTRAP: _by_value(X.TRAP_CODES), SIGCHLD: _by_value(X.CLD_CODES),
    _SIGPOLL: _by_value(X.POLL_CODES), _SIGILL: _by_value(X.ILL_CODES),
    _SIGFPE: _by_value(X.FPE_CODES), _SIGSEGV: _by_value(X.SEGV_CODES),
    _SIGBUS: _by_value(X.BUS_CODES), _SIGSYS: _by_value(X.SYS_CODES),
}
_AUDIT_ARCHES = _by_value(X.AUDIT_ARCHES)
_CLK_TCK = 100


def _addr(v: int) -> str:
    return "NULL" if v == 0 else f"{v:#x}"


def _clock_t(v: int) -> str:
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


def format_siginfo(raw: bytes | None, xlat: int = 0) -> str:
    """strace's ``{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=..., ...}`` of a siginfo_t;
    ``xlat``: -X (1 raw: ``si_signo=17, si_code=0x1``, 2 verbose: both)."""
    if xlat:
        old = set_style(xlat)
        try:
            return _format_siginfo(raw)
        finally:
            set_style(old)
    return _format_siginfo(raw)


def _format_siginfo(raw: bytes | None) -> str:
    if not raw or len(raw) < 12:
        return "{}"
    raw = bytes(raw[:128]).ljust(128, b"\0")
    signo, err, code = struct.unpack_from("<iii", raw, 0)
    if signo == 0:
        return "{}"
    parts = [f"si_signo={styled(signo, signal_name(signo), str(signo))}"]
    cname = _SI_CODES.get(code)
    if cname is None:
        cname = _SIGNAL_CODES.get(signo, {}).get(code)
    ctext = f"{code & 0xFFFFFFFF:#x}"
    parts.append(f"si_code={styled(code, cname, ctext) if cname is not None else ctext}")
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
        parts += [f"si_utime={_clock_t(utime)}", f"si_stime={_clock_t(stime)}"]
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
