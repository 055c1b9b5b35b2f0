"""ctypes bindings to ptrace(2), process_vm_readv(2) and friends; constants from <linux/ptrace.h>.

Everything here is a thin call into libc: no policy.  Errors come back as OSError with
the C errno, so callers can decide which ones are expected (ESRCH for a tracee that
died under us is routine).
"""

from __future__ import annotations

import ctypes
import os
import struct

from . import kernel as K

# the kernel's numbers, generated from the UAPI headers (tools/tracer_constants.txt)
PTRACE_PEEKDATA = K.PTRACE_PEEKDATA
PTRACE_CONT = K.PTRACE_CONT
PTRACE_KILL = K.PTRACE_KILL
PTRACE_DETACH = K.PTRACE_DETACH
PTRACE_SYSCALL = K.PTRACE_SYSCALL
PTRACE_SETOPTIONS = K.PTRACE_SETOPTIONS
PTRACE_GETEVENTMSG = K.PTRACE_GETEVENTMSG
PTRACE_GETSIGINFO = K.PTRACE_GETSIGINFO
PTRACE_GETREGSET = K.PTRACE_GETREGSET
PTRACE_SEIZE = K.PTRACE_SEIZE
PTRACE_INTERRUPT = K.PTRACE_INTERRUPT
PTRACE_LISTEN = K.PTRACE_LISTEN
PTRACE_GET_SYSCALL_INFO = K.PTRACE_GET_SYSCALL_INFO

SYSCALL_INFO_NONE = K.PTRACE_SYSCALL_INFO_NONE
SYSCALL_INFO_ENTRY = K.PTRACE_SYSCALL_INFO_ENTRY
SYSCALL_INFO_EXIT = K.PTRACE_SYSCALL_INFO_EXIT
SYSCALL_INFO_SECCOMP = K.PTRACE_SYSCALL_INFO_SECCOMP

EVENT_FORK = K.PTRACE_EVENT_FORK
EVENT_VFORK = K.PTRACE_EVENT_VFORK
EVENT_CLONE = K.PTRACE_EVENT_CLONE
EVENT_EXEC = K.PTRACE_EVENT_EXEC
EVENT_VFORK_DONE = K.PTRACE_EVENT_VFORK_DONE
EVENT_EXIT = K.PTRACE_EVENT_EXIT
EVENT_SECCOMP = K.PTRACE_EVENT_SECCOMP
EVENT_STOP = K.PTRACE_EVENT_STOP

O_TRACESYSGOOD = K.PTRACE_O_TRACESYSGOOD
O_TRACEFORK = K.PTRACE_O_TRACEFORK
O_TRACEVFORK = K.PTRACE_O_TRACEVFORK
O_TRACECLONE = K.PTRACE_O_TRACECLONE
O_TRACEEXEC = K.PTRACE_O_TRACEEXEC
O_TRACESECCOMP = K.PTRACE_O_TRACESECCOMP
O_EXITKILL = K.PTRACE_O_EXITKILL

# waitpid flags glibc names __WALL / __WNOTHREAD: wait for clone children too, and only
# for children and tracees of the calling thread, so that we never reap a process some
# other thread of the host (a test's own subprocess.Popen) is waiting for.
WALL = K.WALL
WNOTHREAD = K.WNOTHREAD

NT_PRSTATUS = K.NT_PRSTATUS
SIGINFO_SIZE = K.SI_MAX_SIZE



def _load_libc(use_errno: bool) -> ctypes.CDLL:
    """The C library the interpreter already runs on.  dlopen(NULL) finds it without
    ctypes.util.find_library, which runs ldconfig in a subprocess at every import."""
    try:
        lib = ctypes.CDLL(None, use_errno=use_errno)
        lib.ptrace  # noqa: B018 (an interpreter linked statically may not export it)
        return lib
    except (OSError, AttributeError):
        from ctypes.util import find_library

        return ctypes.CDLL(find_library("c") or "libc.so.6", use_errno=use_errno)


_libc = _load_libc(use_errno=True)

_ptrace = _libc.ptrace
_ptrace.argtypes = (ctypes.c_long, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_ptrace.restype = ctypes.c_long

# The same function for the engine's hot path (a restart or a GET_SYSCALL_INFO at every
# stop): no argtypes, because converting each argument through c_long/c_void_p costs more
# than the system call; callers pass small ints and ctypes arrays (passed as pointers), and
# C ints are widened to registers by libffi.  A separate handle without use_errno, because
# saving errno around every call costs too and the hot path never looks at it (a failure
# there means the tracee vanished; its exit status follows).
_ptrace_hot = _load_libc(use_errno=False).ptrace
_ptrace_hot.restype = ctypes.c_long

_process_vm_readv = _libc.process_vm_readv
_process_vm_readv.argtypes = (
    ctypes.c_int, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong,
    ctypes.c_ulong,
)
_process_vm_readv.restype = ctypes.c_ssize_t

# The same without argtypes for MemoryReader, which passes byref()s of preallocated
# iovecs (a fresh function object: item access does not share the cached attribute's
# argtypes).  From the use_errno handle: a failure's errno decides the PEEKDATA fallback.
_process_vm_readv_hot = _libc["process_vm_readv"]
_process_vm_readv_hot.restype = ctypes.c_ssize_t

_prctl = _libc.prctl
_prctl.argtypes = (ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong)
_prctl.restype = ctypes.c_int


def _fail(what: str, pid: int) -> OSError:
    err = ctypes.get_errno()
    return OSError(err, f"{what}({pid}): {os.strerror(err)}")


def ptrace(request: int, pid: int, addr: int = 0, data: int = 0) -> int:
    """ptrace(2) for requests whose result is 0 / -1."""
    if _ptrace(request, pid, addr, data) == -1:
        raise _fail(f"ptrace {request:#x}", pid)
    return 0


def ptrace_buf(request: int, pid: int, addr: int, buf: ctypes.Array[ctypes.c_char]) -> int:
    """ptrace(2) with a pointer to our buffer as data; returns the kernel's result."""
    result = _ptrace(request, pid, addr, ctypes.addressof(buf))
    if result == -1:
        raise _fail(f"ptrace {request:#x}", pid)
    return int(result)


def peekdata(pid: int, addr: int) -> int:
    """One word of the tracee's memory (errno is the only way to tell -1 from failure)."""
    ctypes.set_errno(0)
    value = _ptrace(PTRACE_PEEKDATA, pid, addr, 0)
    if value == -1 and ctypes.get_errno():
        raise _fail("PTRACE_PEEKDATA", pid)
    return int(value) & 0xFFFFFFFFFFFFFFFF


class _IoVec(ctypes.Structure):
    _fields_ = (("base", ctypes.c_void_p), ("len", ctypes.c_size_t))


def process_vm_readv(pid: int, local: ctypes.Array[ctypes.c_char], remote: list[tuple[int, int]],
                     ) -> int:
    """Read the remote (address, length) pieces into ``local``; bytes read, or -1 + errno."""
    n = len(remote)
    liov = _IoVec(ctypes.addressof(local), sum(length for _, length in remote))
    riov = (_IoVec * n)(*(_IoVec(addr, length) for addr, length in remote))
    return int(_process_vm_readv(pid, ctypes.byref(liov), 1, riov, n, 0))


def get_errno() -> int:
    return ctypes.get_errno()


def prctl(option: int, arg2: int = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> int:
    result = _prctl(option, arg2, arg3, arg4, arg5)
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl({option}): {os.strerror(err)}")
    return int(result)


class SyscallInfoReader:
    """PTRACE_GET_SYSCALL_INFO through one preallocated buffer.

    The kernel fills ``struct ptrace_syscall_info``: op, arch, ip, sp, then the entry
    (nr, args[6]) or exit (rval, is_error) or seccomp (nr, args[6], ret_data) member.
    """

    SIZE = K.SYSCALL_INFO_SIZE
    # What the kernel returns: the size of the part it filled, which tells the op apart
    # without reading the buffer (offsetof the member's end in the struct; the same on
    # every architecture).
    ENTRY_SIZE = K.SYSCALL_INFO_ENTRY_SIZE  # op .. entry.args[6]
    EXIT_SIZE = K.SYSCALL_INFO_EXIT_SIZE  # op .. exit.is_error
    SECCOMP_SIZE = K.SYSCALL_INFO_SECCOMP_SIZE  # op .. seccomp.ret_data
    _entry = struct.Struct("=B3xIQQQ6Q")
    _exit = struct.Struct("=24xqB")

    def __init__(self) -> None:
        # The engine's loop fills it with _ptrace_hot and unpacks it in place.
        self.buf = ctypes.create_string_buffer(self.SIZE)
        self.entry_unpack = self._entry.unpack_from
        self.exit_unpack = self._exit.unpack_from


def available() -> tuple[bool, str]:
    """Whether this process may ptrace its children here, and why not."""
    try:
        with open("/proc/sys/kernel/yama/ptrace_scope") as f:
            scope = int(f.read().strip() or 0)
    except (OSError, ValueError):
        scope = 0
    if scope >= 3:
        return False, ("kernel.yama.ptrace_scope is 3: ptrace is disabled on this machine until "
                       "reboot")
    return True, ""
