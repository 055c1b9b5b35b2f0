"""Symbolic constants ("xlat" tables) and the flag/enum printers strace uses.

Every value comes from the Linux UAPI headers as installed on a Linux 6.1 x86_64 system
(``/usr/include/linux/*.h``, ``asm/*.h``, ``asm-generic/*.h``); ``tests/test_decode_flags.py``
compiles them against the headers of the machine it runs on.  The ORDER of the entries
is strace 6.1's (it decides how a value with several bits is spelled: ``O_SYNC`` before
``O_DSYNC``, ``STATX_ALL`` before ``STATX_BASIC_STATS``), checked against its output.

Two printers mirror strace's:

* :func:`flags` (``printflags``): the names of the set bits joined by ``|``, the unknown
  rest as hex (``O_CLOEXEC|0x40000000``); only unknown bits: ``0x40 /* MAP_??? */``; zero:
  ``0`` or the table's name for zero (``PROT_NONE``, ``F_OK``).
* :func:`xval` (``printxval``): the name of one value, else ``0x5 /* SEEK_??? */``.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["Xlat", "flags", "hexc", "xval"]


def hexc(v: int) -> str:
    """C's ``%#x``: ``0`` for zero (not ``0x0``), else ``0x..``."""
    return f"{v:#x}" if v else "0"


class Xlat:
    """One table of named constants, in strace's order."""

    __slots__ = ("_cache", "by_value", "pairs", "unknown", "zero")

    def __init__(self, unknown: str | None, pairs: Iterable[tuple[str, int]],
                 zero: str | None = None) -> None:
        #: the comment strace prints for a value no entry matches ("O_???")
        self.unknown = unknown
        self.pairs: tuple[tuple[str, int], ...] = tuple(pairs)
        self.by_value: dict[int, str] = {}
        for name, value in self.pairs:
            self.by_value.setdefault(value, name)
        #: the name printed for the value 0 by :func:`flags` ("PROT_NONE"), if any
        self.zero = zero
        if zero is not None:
            self.by_value.setdefault(0, zero)
        self._cache: dict[int, str] = {}

    def name(self, value: int) -> str | None:
        return self.by_value.get(value)

    def names(self) -> list[tuple[str, int]]:
        out = list(self.pairs)
        if self.zero is not None:
            out.append((self.zero, 0))
        return out


def flags(x: Xlat, v: int, *, comment: bool = True) -> str:
    """strace's ``printflags``: ``A|B|0x40`` / ``0x40 /* X_??? */`` / ``0``."""
    cached = x._cache.get(v)
    if cached is not None:
        return cached
    if v == 0:
        text = x.zero if x.zero is not None else "0"
    else:
        names = []
        rest = v
        for name, bit in x.pairs:
            if bit and rest & bit == bit:
                names.append(name)
                rest &= ~bit
                if not rest:
                    break
        if names:
            if rest:
                names.append(f"{rest:#x}")
            text = "|".join(names)
        elif comment and x.unknown:
            text = f"{rest:#x} /* {x.unknown} */"
        else:
            text = f"{rest:#x}"
    if len(x._cache) < 4096:
        x._cache[v] = text
    return text


def xval(x: Xlat, v: int) -> str:
    """strace's ``printxval``: the constant's name or ``0x5 /* SEEK_??? */``."""
    name = x.by_value.get(v)
    if name is not None:
        return name
    return f"{hexc(v)} /* {x.unknown} */" if x.unknown else hexc(v)


def _seq(start: int, names: str) -> list[tuple[str, int]]:
    """Consecutive values from ``start``; ``-`` skips a value."""
    out = []
    for i, name in enumerate(names.split()):
        if name != "-":
            out.append((name, start + i))
    return out


def _bits(names: str, first_bit: int = 0) -> list[tuple[str, int]]:
    """One bit each, from ``1 << first_bit`` up; ``-`` skips a bit."""
    out = []
    for i, name in enumerate(names.split()):
        if name != "-":
            out.append((name, 1 << (first_bit + i)))
    return out


# --- files --------------------------------------------------------------------------------

O_ACCMODE = 3
OPEN_ACCESS = Xlat("O_???", [("O_RDONLY", 0), ("O_WRONLY", 1), ("O_RDWR", 2), ("O_ACCMODE", 3)])
#: asm-generic/fcntl.h as x86_64 uses it (aarch64 differs: see OPEN_MODE_FLAGS_AARCH64)
OPEN_MODE_FLAGS = Xlat("O_???", [
    ("O_CREAT", 0o100), ("O_EXCL", 0o200), ("O_NOCTTY", 0o400), ("O_TRUNC", 0o1000),
    ("O_APPEND", 0o2000), ("O_NONBLOCK", 0o4000), ("O_SYNC", 0o4010000),
    ("O_DSYNC", 0o10000), ("O_DIRECT", 0o40000), ("O_LARGEFILE", 0o100000),
    ("O_NOFOLLOW", 0o400000), ("O_NOATIME", 0o1000000), ("O_CLOEXEC", 0o2000000),
    ("O_PATH", 0o10000000), ("O_TMPFILE", 0o20200000), ("O_DIRECTORY", 0o200000),
    ("FASYNC", 0o20000),
])
OPEN_MODE_FLAGS_AARCH64 = Xlat("O_???", [
    ("O_CREAT", 0o100), ("O_EXCL", 0o200), ("O_NOCTTY", 0o400), ("O_TRUNC", 0o1000),
    ("O_APPEND", 0o2000), ("O_NONBLOCK", 0o4000), ("O_SYNC", 0o4010000),
    ("O_DSYNC", 0o10000), ("O_DIRECT", 0o200000), ("O_LARGEFILE", 0o400000),
    ("O_NOFOLLOW", 0o100000), ("O_NOATIME", 0o1000000), ("O_CLOEXEC", 0o2000000),
    ("O_PATH", 0o10000000), ("O_TMPFILE", 0o20040000), ("O_DIRECTORY", 0o40000),
    ("FASYNC", 0o20000),
])
O_CREAT = 0o100
O_TMPFILE_BIT = 0o20000000  # __O_TMPFILE: the same on x86_64 and aarch64


def open_flags(v: int, *, aarch64: bool = False) -> str:
    """strace's ``tprint_open_modes``: the access mode, then the other flags."""
    v &= 0xFFFFFFFF
    mode = OPEN_ACCESS.by_value[v & O_ACCMODE]
    rest = v & ~O_ACCMODE
    if not rest:
        return mode
    return mode + "|" + flags(OPEN_MODE_FLAGS_AARCH64 if aarch64 else OPEN_MODE_FLAGS, rest,
                              comment=False)


ACCESS_MODES = Xlat("?_OK", [("R_OK", 4), ("W_OK", 2), ("X_OK", 1)], zero="F_OK")
AT_FLAGS = Xlat("AT_???", [
    ("AT_SYMLINK_NOFOLLOW", 0x100), ("AT_REMOVEDIR", 0x200), ("AT_SYMLINK_FOLLOW", 0x400),
    ("AT_NO_AUTOMOUNT", 0x800), ("AT_EMPTY_PATH", 0x1000), ("AT_RECURSIVE", 0x8000),
])
FACCESSAT_FLAGS = Xlat("AT_???", [
    ("AT_SYMLINK_NOFOLLOW", 0x100), ("AT_EACCESS", 0x200), ("AT_EMPTY_PATH", 0x1000),
])
STATX_FLAGS = Xlat("AT_???", [
    ("AT_STATX_FORCE_SYNC", 0x2000), ("AT_STATX_DONT_SYNC", 0x4000),
    *AT_FLAGS.pairs,
])
AT_STATX_SYNC_TYPE = 0x6000


def statx_flags(v: int) -> str:
    """statx's flags: ``AT_STATX_SYNC_AS_STAT`` (0) first, then the at-flags."""
    v &= 0xFFFFFFFF
    if v & AT_STATX_SYNC_TYPE:
        return flags(STATX_FLAGS, v)
    if not v:
        return "AT_STATX_SYNC_AS_STAT"
    return "AT_STATX_SYNC_AS_STAT|" + flags(STATX_FLAGS, v, comment=False)


STATX_MASK = Xlat("STATX_???", [
    ("STATX_ALL", 0xFFF), ("STATX_BASIC_STATS", 0x7FF),
    *_bits("STATX_TYPE STATX_MODE STATX_NLINK STATX_UID STATX_GID STATX_ATIME STATX_MTIME "
           "STATX_CTIME STATX_INO STATX_SIZE STATX_BLOCKS STATX_BTIME STATX_MNT_ID "
           "STATX_DIOALIGN"),
])
STATX_ATTRS = Xlat("STATX_ATTR_???", [
    ("STATX_ATTR_COMPRESSED", 0x4), ("STATX_ATTR_IMMUTABLE", 0x10),
    ("STATX_ATTR_APPEND", 0x20), ("STATX_ATTR_NODUMP", 0x40),
    ("STATX_ATTR_ENCRYPTED", 0x800), ("STATX_ATTR_AUTOMOUNT", 0x1000),
    ("STATX_ATTR_MOUNT_ROOT", 0x2000), ("STATX_ATTR_VERITY", 0x100000),
    ("STATX_ATTR_DAX", 0x200000),
])
RENAME_FLAGS = Xlat("RENAME_???", [("RENAME_NOREPLACE", 1), ("RENAME_EXCHANGE", 2),
                                   ("RENAME_WHITEOUT", 4)])
S_IFMT = 0o170000
FILE_TYPES = Xlat("S_IF???", [
    ("S_IFSOCK", 0o140000), ("S_IFLNK", 0o120000), ("S_IFREG", 0o100000),
    ("S_IFBLK", 0o60000), ("S_IFDIR", 0o40000), ("S_IFCHR", 0o20000), ("S_IFIFO", 0o10000),
])
MODE_BITS = Xlat(None, [("S_ISUID", 0o4000), ("S_ISGID", 0o2000), ("S_ISVTX", 0o1000)])


def octal(v: int) -> str:
    """C's ``%#03o``: ``000``, ``007``, ``0644``, ``04755``."""
    return f"0{v:o}".rjust(3, "0") if v else "000"


def file_mode(v: int) -> str:
    """A mode with its file type (``S_IFREG|0644``), as in st_mode and mknod."""
    v &= 0xFFFFFFFF
    ifmt = v & S_IFMT
    if ifmt:
        name = FILE_TYPES.by_value.get(ifmt)
        if name is None:
            return octal(v)
        return f"{name}|{octal(v & ~S_IFMT)}"
    return octal(v)


_STAT_MODE_CACHE: dict[int, str] = {}


def stat_mode(v: int) -> str:
    """st_mode as strace prints it: ``S_IFDIR|S_ISVTX|0777``."""
    v &= 0xFFFFFFFF
    text = _STAT_MODE_CACHE.get(v)
    if text is None:
        text = _stat_mode(v)
        if len(_STAT_MODE_CACHE) < 1024:
            _STAT_MODE_CACHE[v] = text
    return text


def _stat_mode(v: int) -> str:
    ifmt = v & S_IFMT
    parts = []
    if ifmt:
        name = FILE_TYPES.by_value.get(ifmt)
        if name is None:
            return octal(v)
        parts.append(name)
    for name, bit in MODE_BITS.pairs:
        if v & bit:
            parts.append(name)
    parts.append(octal(v & 0o777))
    return "|".join(parts)


XATTR_FLAGS = Xlat("XATTR_???", [("XATTR_CREATE", 1), ("XATTR_REPLACE", 2)])
FALLOC_FLAGS = Xlat("FALLOC_FL_???", [
    ("FALLOC_FL_KEEP_SIZE", 1), ("FALLOC_FL_PUNCH_HOLE", 2), ("FALLOC_FL_NO_HIDE_STALE", 4),
    ("FALLOC_FL_COLLAPSE_RANGE", 8), ("FALLOC_FL_ZERO_RANGE", 0x10),
    ("FALLOC_FL_INSERT_RANGE", 0x20), ("FALLOC_FL_UNSHARE_RANGE", 0x40),
])
SPLICE_FLAGS = Xlat("SPLICE_F_???", [("SPLICE_F_MOVE", 1), ("SPLICE_F_NONBLOCK", 2),
                                     ("SPLICE_F_MORE", 4), ("SPLICE_F_GIFT", 8)])
LOCK_OPS = Xlat("LOCK_???", [("LOCK_SH", 1), ("LOCK_EX", 2), ("LOCK_NB", 4), ("LOCK_UN", 8),
                             ("LOCK_MAND", 32), ("LOCK_RW", 192), ("LOCK_READ", 64),
                             ("LOCK_WRITE", 128)])
WHENCE = Xlat("SEEK_???", _seq(0, "SEEK_SET SEEK_CUR SEEK_END SEEK_DATA SEEK_HOLE"))
FD_FLAGS = Xlat("FD_???", [("FD_CLOEXEC", 1)])
MOUNT_FLAGS = Xlat("MS_???", _bits(
    "MS_RDONLY MS_NOSUID MS_NODEV MS_NOEXEC MS_SYNCHRONOUS MS_REMOUNT MS_MANDLOCK "
    "MS_DIRSYNC MS_NOSYMFOLLOW - MS_NOATIME MS_NODIRATIME MS_BIND MS_MOVE MS_REC MS_SILENT "
    "MS_POSIXACL MS_UNBINDABLE MS_PRIVATE MS_SLAVE MS_SHARED MS_RELATIME MS_KERNMOUNT "
    "MS_I_VERSION MS_STRICTATIME MS_LAZYTIME MS_SUBMOUNT MS_NOREMOTELOCK MS_NOSEC MS_BORN "
    "MS_ACTIVE MS_NOUSER"))
MS_MGC_VAL, MS_MGC_MSK = 0xC0ED0000, 0xFFFF0000


def mount_flags(v: int) -> str:
    v &= 0xFFFFFFFF
    if v & MS_MGC_MSK == MS_MGC_VAL:
        rest = v & ~MS_MGC_MSK
        return "MS_MGC_VAL" + ("|" + flags(MOUNT_FLAGS, rest, comment=False) if rest else "")
    return flags(MOUNT_FLAGS, v)


INOTIFY_MASK = Xlat("IN_???", [
    *_bits("IN_ACCESS IN_MODIFY IN_ATTRIB IN_CLOSE_WRITE IN_CLOSE_NOWRITE IN_OPEN "
           "IN_MOVED_FROM IN_MOVED_TO IN_CREATE IN_DELETE IN_DELETE_SELF IN_MOVE_SELF"),
    ("IN_UNMOUNT", 0x2000), ("IN_Q_OVERFLOW", 0x4000), ("IN_IGNORED", 0x8000),
    ("IN_ONLYDIR", 0x1000000), ("IN_DONT_FOLLOW", 0x2000000), ("IN_EXCL_UNLINK", 0x4000000),
    ("IN_MASK_CREATE", 0x10000000), ("IN_MASK_ADD", 0x20000000), ("IN_ISDIR", 0x40000000),
    ("IN_ONESHOT", 0x80000000),
])
RESOLVE_FLAGS = Xlat("RESOLVE_???", _bits(
    "RESOLVE_NO_XDEV RESOLVE_NO_MAGICLINKS RESOLVE_NO_SYMLINKS RESOLVE_BENEATH "
    "RESOLVE_IN_ROOT RESOLVE_CACHED"))
CLOSE_RANGE_FLAGS = Xlat("CLOSE_RANGE_???", [("CLOSE_RANGE_UNSHARE", 2),
                                             ("CLOSE_RANGE_CLOEXEC", 4)])
MFD_FLAGS = Xlat("MFD_???", [("MFD_CLOEXEC", 1), ("MFD_ALLOW_SEALING", 2),
                             ("MFD_HUGETLB", 4)])
MFD_HUGE_SHIFT = 26


def memfd_flags(v: int) -> str:
    v &= 0xFFFFFFFF
    huge = v >> MFD_HUGE_SHIFT
    rest = v & ((1 << MFD_HUGE_SHIFT) - 1)
    text = flags(MFD_FLAGS, rest) if rest or not huge else ""
    if huge:
        text += ("|" if text else "") + f"{huge}<<MFD_HUGE_SHIFT"
    return text


# fs magic numbers (linux/magic.h), the ones a test suite meets
FS_MAGIC = Xlat(None, [
    ("EXT2_SUPER_MAGIC", 0xEF53), ("TMPFS_MAGIC", 0x01021994), ("PROC_SUPER_MAGIC", 0x9FA0),
    ("SYSFS_MAGIC", 0x62656572), ("BTRFS_SUPER_MAGIC", 0x9123683E),
    ("XFS_SUPER_MAGIC", 0x58465342), ("OVERLAYFS_SUPER_MAGIC", 0x794C7630),
    ("DEVPTS_SUPER_MAGIC", 0x1CD1), ("CGROUP2_SUPER_MAGIC", 0x63677270),
    ("NFS_SUPER_MAGIC", 0x6969), ("SQUASHFS_MAGIC", 0x73717368), ("RAMFS_MAGIC", 0x858458F6),
    ("MSDOS_SUPER_MAGIC", 0x4D44), ("FUSE_SUPER_MAGIC", 0x65735546),
    ("V9FS_MAGIC", 0x01021997),
])
STATFS_FLAGS = Xlat("ST_???", [
    ("ST_RDONLY", 1), ("ST_NOSUID", 2), ("ST_NODEV", 4), ("ST_NOEXEC", 8),
    ("ST_SYNCHRONOUS", 16), ("ST_VALID", 32), ("ST_MANDLOCK", 64), ("ST_NOSYMFOLLOW", 256),
    ("ST_NOATIME", 1024), ("ST_NODIRATIME", 2048), ("ST_RELATIME", 4096),
])

# --- memory -------------------------------------------------------------------------------

MMAP_PROT = Xlat("PROT_???", [
    ("PROT_READ", 1), ("PROT_WRITE", 2), ("PROT_EXEC", 4), ("PROT_SEM", 8),
    ("PROT_GROWSDOWN", 0x01000000), ("PROT_GROWSUP", 0x02000000),
], zero="PROT_NONE")
MAP_TYPE = 0xF
MMAP_TYPES = Xlat("MAP_???", [("MAP_FILE", 0), ("MAP_SHARED", 1), ("MAP_PRIVATE", 2),
                              ("MAP_SHARED_VALIDATE", 3)])
MMAP_FLAGS = Xlat(None, [
    ("MAP_FIXED", 0x10), ("MAP_ANONYMOUS", 0x20), ("MAP_32BIT", 0x40),
    ("MAP_NORESERVE", 0x4000), ("MAP_POPULATE", 0x8000), ("MAP_NONBLOCK", 0x10000),
    ("MAP_GROWSDOWN", 0x100), ("MAP_DENYWRITE", 0x800), ("MAP_EXECUTABLE", 0x1000),
    ("MAP_LOCKED", 0x2000), ("MAP_STACK", 0x20000), ("MAP_HUGETLB", 0x40000),
    ("MAP_SYNC", 0x80000), ("MAP_FIXED_NOREPLACE", 0x100000),
])
MAP_HUGE_SHIFT, MAP_HUGE_MASK = 26, 0x3F


def mmap_flags(v: int) -> str:
    """strace's ``print_mmap_flags``: the map type, the flags, the huge page size."""
    v &= 0xFFFFFFFF
    text = xval(MMAP_TYPES, v & MAP_TYPE)
    huge = (v >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK
    rest = v & ~MAP_TYPE & ~(MAP_HUGE_MASK << MAP_HUGE_SHIFT)
    if rest:
        text += "|" + flags(MMAP_FLAGS, rest)
    if huge:
        text += f"|{huge}<<MAP_HUGE_SHIFT"
    return text


MADVISE = Xlat("MADV_???", [
    *_seq(0, "MADV_NORMAL MADV_RANDOM MADV_SEQUENTIAL MADV_WILLNEED MADV_DONTNEED - - - "
             "MADV_FREE MADV_REMOVE MADV_DONTFORK MADV_DOFORK MADV_MERGEABLE "
             "MADV_UNMERGEABLE MADV_HUGEPAGE MADV_NOHUGEPAGE MADV_DONTDUMP MADV_DODUMP "
             "MADV_WIPEONFORK MADV_KEEPONFORK MADV_COLD MADV_PAGEOUT MADV_POPULATE_READ "
             "MADV_POPULATE_WRITE MADV_DONTNEED_LOCKED MADV_COLLAPSE"),
    ("MADV_HWPOISON", 100), ("MADV_SOFT_OFFLINE", 101),
])
MREMAP_FLAGS = Xlat("MREMAP_???", [("MREMAP_MAYMOVE", 1), ("MREMAP_FIXED", 2),
                                   ("MREMAP_DONTUNMAP", 4)])
MSYNC_FLAGS = Xlat("MS_???", [("MS_SYNC", 4), ("MS_ASYNC", 1), ("MS_INVALIDATE", 2)])

# --- processes ------------------------------------------------------------------------------

CLONE_FLAGS = Xlat("CLONE_???", [
    ("CLONE_NEWTIME", 0x80), ("CLONE_VM", 0x100), ("CLONE_FS", 0x200),
    ("CLONE_FILES", 0x400), ("CLONE_SIGHAND", 0x800), ("CLONE_PIDFD", 0x1000),
    ("CLONE_PTRACE", 0x2000), ("CLONE_VFORK", 0x4000), ("CLONE_PARENT", 0x8000),
    ("CLONE_THREAD", 0x10000), ("CLONE_NEWNS", 0x20000), ("CLONE_SYSVSEM", 0x40000),
    ("CLONE_SETTLS", 0x80000), ("CLONE_PARENT_SETTID", 0x100000),
    ("CLONE_CHILD_CLEARTID", 0x200000), ("CLONE_UNTRACED", 0x800000),
    ("CLONE_CHILD_SETTID", 0x1000000), ("CLONE_NEWCGROUP", 0x2000000),
    ("CLONE_NEWUTS", 0x4000000), ("CLONE_NEWIPC", 0x8000000), ("CLONE_NEWUSER", 0x10000000),
    ("CLONE_NEWPID", 0x20000000), ("CLONE_NEWNET", 0x40000000), ("CLONE_IO", 0x80000000),
    ("CLONE_CLEAR_SIGHAND", 0x100000000), ("CLONE_INTO_CGROUP", 0x200000000),
])
#: clone()'s own flags, as strace names them: the clone3-only bits are unknown to it
CLONE_FLAGS_CLONE = Xlat("CLONE_???", [p for p in CLONE_FLAGS.pairs if p[1] < 1 << 32])
CSIGNAL = 0xFF
WAIT_OPTIONS = Xlat("W???", [
    ("WNOHANG", 1), ("WEXITED", 4), ("WSTOPPED", 2), ("WCONTINUED", 8),
    ("WNOWAIT", 0x1000000), ("__WCLONE", 0x80000000), ("__WALL", 0x40000000),
    ("__WNOTHREAD", 0x20000000),
])
IDTYPES = Xlat("P_???", _seq(0, "P_ALL P_PID P_PGID P_PIDFD"))
PRCTL_OPTIONS = Xlat("PR_???", [
    *_seq(1, "PR_SET_PDEATHSIG PR_GET_PDEATHSIG PR_GET_DUMPABLE PR_SET_DUMPABLE "
             "PR_GET_UNALIGN PR_SET_UNALIGN PR_GET_KEEPCAPS PR_SET_KEEPCAPS PR_GET_FPEMU "
             "PR_SET_FPEMU PR_GET_FPEXC PR_SET_FPEXC PR_GET_TIMING PR_SET_TIMING "
             "PR_SET_NAME PR_GET_NAME - - PR_GET_ENDIAN PR_SET_ENDIAN PR_GET_SECCOMP "
             "PR_SET_SECCOMP PR_CAPBSET_READ PR_CAPBSET_DROP PR_GET_TSC PR_SET_TSC "
             "PR_GET_SECUREBITS PR_SET_SECUREBITS PR_SET_TIMERSLACK PR_GET_TIMERSLACK "
             "PR_TASK_PERF_EVENTS_DISABLE PR_TASK_PERF_EVENTS_ENABLE PR_MCE_KILL "
             "PR_MCE_KILL_GET PR_SET_MM PR_SET_CHILD_SUBREAPER PR_GET_CHILD_SUBREAPER "
             "PR_SET_NO_NEW_PRIVS PR_GET_NO_NEW_PRIVS PR_GET_TID_ADDRESS PR_SET_THP_DISABLE "
             "PR_GET_THP_DISABLE PR_MPX_ENABLE_MANAGEMENT PR_MPX_DISABLE_MANAGEMENT "
             "PR_SET_FP_MODE PR_GET_FP_MODE PR_CAP_AMBIENT - - PR_SVE_SET_VL PR_SVE_GET_VL "
             "PR_GET_SPECULATION_CTRL PR_SET_SPECULATION_CTRL PR_PAC_RESET_KEYS "
             "PR_SET_TAGGED_ADDR_CTRL PR_GET_TAGGED_ADDR_CTRL PR_SET_IO_FLUSHER "
             "PR_GET_IO_FLUSHER PR_SET_SYSCALL_USER_DISPATCH PR_PAC_SET_ENABLED_KEYS "
             "PR_PAC_GET_ENABLED_KEYS PR_SCHED_CORE PR_SME_SET_VL PR_SME_GET_VL"),
    ("PR_SET_VMA", 0x53564D41), ("PR_SET_PTRACER", 0x59616D61),
])
F_OWNER_TYPES = Xlat("F_OWNER_???", _seq(0, "F_OWNER_TID F_OWNER_PID F_OWNER_PGRP"))
PR_SPEC_WHICH = Xlat("PR_SPEC_???", _seq(0, "PR_SPEC_STORE_BYPASS PR_SPEC_INDIRECT_BRANCH "
                                           "PR_SPEC_L1D_FLUSH"))
PR_SPEC_FLAGS = Xlat("PR_SPEC_???", _bits("PR_SPEC_PRCTL PR_SPEC_ENABLE PR_SPEC_DISABLE "
                                          "PR_SPEC_FORCE_DISABLE PR_SPEC_DISABLE_NOEXEC"),
                     zero="PR_SPEC_NOT_AFFECTED")
PR_CAP_AMBIENT_OPS = Xlat("PR_CAP_AMBIENT_???", _seq(1, (
    "PR_CAP_AMBIENT_IS_SET PR_CAP_AMBIENT_RAISE PR_CAP_AMBIENT_LOWER "
    "PR_CAP_AMBIENT_CLEAR_ALL")))
PR_MCE_KILL_POLICIES = Xlat("PR_MCE_KILL_???", _seq(0, (
    "PR_MCE_KILL_LATE PR_MCE_KILL_EARLY PR_MCE_KILL_DEFAULT")))
PR_SET_VMA_OPS = Xlat("PR_SET_VMA_???", [("PR_SET_VMA_ANON_NAME", 0)])
CAPABILITIES = Xlat("CAP_???", _seq(0, (
    "CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID "
    "CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST "
    "CAP_NET_ADMIN CAP_NET_RAW CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO "
    "CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE "
    "CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE CAP_AUDIT_WRITE "
    "CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM "
    "CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE")))
SUID_DUMP = Xlat(None, _seq(0, "SUID_DUMP_DISABLE SUID_DUMP_USER SUID_DUMP_ROOT"))
ARCH_PRCTL = Xlat("ARCH_???", [
    ("ARCH_SET_GS", 0x1001), ("ARCH_SET_FS", 0x1002), ("ARCH_GET_FS", 0x1003),
    ("ARCH_GET_GS", 0x1004), ("ARCH_GET_CPUID", 0x1011), ("ARCH_SET_CPUID", 0x1012),
    ("ARCH_GET_XCOMP_SUPP", 0x1021), ("ARCH_GET_XCOMP_PERM", 0x1022),
    ("ARCH_REQ_XCOMP_PERM", 0x1023), ("ARCH_GET_XCOMP_GUEST_PERM", 0x1024),
    ("ARCH_REQ_XCOMP_GUEST_PERM", 0x1025), ("ARCH_MAP_VDSO_X32", 0x2001),
    ("ARCH_MAP_VDSO_32", 0x2002), ("ARCH_MAP_VDSO_64", 0x2003),
])
RLIMIT_RESOURCES = Xlat("RLIMIT_???", _seq(0, (
    "RLIMIT_CPU RLIMIT_FSIZE RLIMIT_DATA RLIMIT_STACK RLIMIT_CORE RLIMIT_RSS RLIMIT_NPROC "
    "RLIMIT_NOFILE RLIMIT_MEMLOCK RLIMIT_AS RLIMIT_LOCKS RLIMIT_SIGPENDING RLIMIT_MSGQUEUE "
    "RLIMIT_NICE RLIMIT_RTPRIO RLIMIT_RTTIME")))
RUSAGE_WHO = Xlat("RUSAGE_???", [("RUSAGE_SELF", 0), ("RUSAGE_CHILDREN", 0xFFFFFFFF),
                                 ("RUSAGE_THREAD", 1)])
SCHED_POLICIES = Xlat("SCHED_???", _seq(0, (
    "SCHED_OTHER SCHED_FIFO SCHED_RR SCHED_BATCH SCHED_ISO SCHED_IDLE SCHED_DEADLINE")))
PERSONALITY_TYPES = Xlat("PER_???", [
    ("PER_LINUX", 0), ("PER_SVR4", 1), ("PER_SVR3", 2), ("PER_SCOSVR3", 3),
    ("PER_WYSEV386", 4), ("PER_ISCR4", 5), ("PER_BSD", 6), ("PER_XENIX", 7),
    ("PER_LINUX32", 8), ("PER_IRIX32", 9), ("PER_IRIXN32", 0xA), ("PER_IRIX64", 0xB),
    ("PER_RISCOS", 0xC), ("PER_SOLARIS", 0xD), ("PER_UW7", 0xE), ("PER_OSF4", 0xF),
    ("PER_HPUX", 0x10),
])
PERSONALITY_FLAGS = Xlat(None, [
    ("UNAME26", 0x20000), ("ADDR_NO_RANDOMIZE", 0x40000), ("FDPIC_FUNCPTRS", 0x80000),
    ("MMAP_PAGE_ZERO", 0x100000), ("ADDR_COMPAT_LAYOUT", 0x200000),
    ("READ_IMPLIES_EXEC", 0x400000), ("ADDR_LIMIT_32BIT", 0x800000),
    ("SHORT_INODE", 0x1000000), ("WHOLE_SECONDS", 0x2000000),
    ("STICKY_TIMEOUTS", 0x4000000), ("ADDR_LIMIT_3GB", 0x8000000),
])


def personality(v: int) -> str:
    v &= 0xFFFFFFFF
    if v == 0xFFFFFFFF:
        return "0xffffffff"
    text = xval(PERSONALITY_TYPES, v & 0xFF)
    rest = v & ~0xFF
    if rest:
        text += "|" + flags(PERSONALITY_FLAGS, rest)
    return text


PTRACE_REQUESTS = Xlat("PTRACE_???", [
    *_seq(0, "PTRACE_TRACEME PTRACE_PEEKTEXT PTRACE_PEEKDATA PTRACE_PEEKUSER "
             "PTRACE_POKETEXT PTRACE_POKEDATA PTRACE_POKEUSER PTRACE_CONT PTRACE_KILL "
             "PTRACE_SINGLESTEP - - PTRACE_GETREGS PTRACE_SETREGS PTRACE_GETFPREGS "
             "PTRACE_SETFPREGS PTRACE_ATTACH PTRACE_DETACH PTRACE_GETFPXREGS "
             "PTRACE_SETFPXREGS - - - - PTRACE_SYSCALL - - - - - PTRACE_ARCH_PRCTL "
             "PTRACE_SYSEMU PTRACE_SYSEMU_SINGLESTEP PTRACE_SINGLEBLOCK"),
    *_seq(0x4200, "PTRACE_SETOPTIONS PTRACE_GETEVENTMSG PTRACE_GETSIGINFO "
                  "PTRACE_SETSIGINFO PTRACE_GETREGSET PTRACE_SETREGSET PTRACE_SEIZE "
                  "PTRACE_INTERRUPT PTRACE_LISTEN PTRACE_PEEKSIGINFO PTRACE_GETSIGMASK "
                  "PTRACE_SETSIGMASK PTRACE_SECCOMP_GET_FILTER PTRACE_SECCOMP_GET_METADATA "
                  "PTRACE_GET_SYSCALL_INFO PTRACE_GET_RSEQ_CONFIGURATION"),
])
PTRACE_OPTIONS = Xlat("PTRACE_O_???", [
    *_bits("PTRACE_O_TRACESYSGOOD PTRACE_O_TRACEFORK PTRACE_O_TRACEVFORK "
           "PTRACE_O_TRACECLONE PTRACE_O_TRACEEXEC PTRACE_O_TRACEVFORKDONE "
           "PTRACE_O_TRACEEXIT PTRACE_O_TRACESECCOMP"),
    ("PTRACE_O_EXITKILL", 1 << 20), ("PTRACE_O_SUSPEND_SECCOMP", 1 << 21),
])
SECCOMP_OPS = Xlat("SECCOMP_SET_MODE_???", _seq(0, (
    "SECCOMP_SET_MODE_STRICT SECCOMP_SET_MODE_FILTER SECCOMP_GET_ACTION_AVAIL "
    "SECCOMP_GET_NOTIF_SIZES")))
SECCOMP_FILTER_FLAGS = Xlat("SECCOMP_FILTER_FLAG_???", _bits(
    "SECCOMP_FILTER_FLAG_TSYNC SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW "
    "SECCOMP_FILTER_FLAG_NEW_LISTENER SECCOMP_FILTER_FLAG_TSYNC_ESRCH "
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))
MEMBARRIER_CMDS = Xlat("MEMBARRIER_CMD_???", [
    ("MEMBARRIER_CMD_QUERY", 0),
    *_bits("MEMBARRIER_CMD_GLOBAL MEMBARRIER_CMD_GLOBAL_EXPEDITED "
           "MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED MEMBARRIER_CMD_PRIVATE_EXPEDITED "
           "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED "
           "MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE "
           "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE "
           "MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ "
           "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ"),
])
RSEQ_FLAGS = Xlat("RSEQ_FLAG_???", [("RSEQ_FLAG_UNREGISTER", 1)])

# --- signals ----------------------------------------------------------------------------------

SIG_HOW = Xlat("SIG_???", _seq(0, "SIG_BLOCK SIG_UNBLOCK SIG_SETMASK"))
SA_FLAGS = Xlat("SA_???", [
    ("SA_RESTORER", 0x04000000), ("SA_ONSTACK", 0x08000000), ("SA_RESTART", 0x10000000),
    ("SA_INTERRUPT", 0x20000000), ("SA_NODEFER", 0x40000000), ("SA_RESETHAND", 0x80000000),
    ("SA_SIGINFO", 4), ("SA_NOCLDSTOP", 1), ("SA_NOCLDWAIT", 2),
])
SA_RESTORER = 0x04000000
SS_FLAGS = Xlat("SS_???", [("SS_ONSTACK", 1), ("SS_DISABLE", 2),
                           ("SS_AUTODISARM", 0x80000000)])
SFD_FLAGS = Xlat("SFD_???", [("SFD_CLOEXEC", 0o2000000), ("SFD_NONBLOCK", 0o4000)])

# --- time ---------------------------------------------------------------------------------------

CLOCK_IDS = Xlat("CLOCK_???", _seq(0, (
    "CLOCK_REALTIME CLOCK_MONOTONIC CLOCK_PROCESS_CPUTIME_ID CLOCK_THREAD_CPUTIME_ID "
    "CLOCK_MONOTONIC_RAW CLOCK_REALTIME_COARSE CLOCK_MONOTONIC_COARSE CLOCK_BOOTTIME "
    "CLOCK_REALTIME_ALARM CLOCK_BOOTTIME_ALARM CLOCK_SGI_CYCLE CLOCK_TAI")))
TIMER_FLAGS = Xlat("TIMER_???", [("TIMER_ABSTIME", 1)])
SIGEV_NOTIFY = Xlat("SIGEV_???", [("SIGEV_SIGNAL", 0), ("SIGEV_NONE", 1),
                                  ("SIGEV_THREAD", 2), ("SIGEV_THREAD_ID", 4)])
MLOCK_FLAGS = Xlat("MLOCK_???", [("MLOCK_ONFAULT", 1)])
MCL_FLAGS = Xlat("MCL_???", [("MCL_CURRENT", 1), ("MCL_FUTURE", 2), ("MCL_ONFAULT", 4)])
PRIO_WHICH = Xlat("PRIO_???", _seq(0, "PRIO_PROCESS PRIO_PGRP PRIO_USER"))
SCHED_FLAGS = Xlat("SCHED_FLAG_???", [
    ("SCHED_FLAG_RESET_ON_FORK", 1), ("SCHED_FLAG_RECLAIM", 2),
    ("SCHED_FLAG_DL_OVERRUN", 4), ("SCHED_FLAG_KEEP_POLICY", 8),
    ("SCHED_FLAG_KEEP_PARAMS", 0x10), ("SCHED_FLAG_UTIL_CLAMP_MIN", 0x20),
    ("SCHED_FLAG_UTIL_CLAMP_MAX", 0x40),
])
TFD_TIMER_FLAGS = Xlat("TFD_TIMER_???", [("TFD_TIMER_ABSTIME", 1),
                                         ("TFD_TIMER_CANCEL_ON_SET", 2)])
TFD_FLAGS = Xlat("TFD_???", [("TFD_CLOEXEC", 0o2000000), ("TFD_NONBLOCK", 0o4000)])
ITIMER_WHICH = Xlat("ITIMER_???", _seq(0, "ITIMER_REAL ITIMER_VIRTUAL ITIMER_PROF"))

# --- futex ----------------------------------------------------------------------------------------

FUTEX_PRIVATE_FLAG, FUTEX_CLOCK_REALTIME = 128, 256
_FUTEX_CMDS = ("FUTEX_WAIT FUTEX_WAKE FUTEX_FD FUTEX_REQUEUE FUTEX_CMP_REQUEUE FUTEX_WAKE_OP "
               "FUTEX_LOCK_PI FUTEX_UNLOCK_PI FUTEX_TRYLOCK_PI FUTEX_WAIT_BITSET "
               "FUTEX_WAKE_BITSET FUTEX_WAIT_REQUEUE_PI FUTEX_CMP_REQUEUE_PI FUTEX_LOCK_PI2")
FUTEX_OPS = Xlat("FUTEX_???", [
    *_seq(0, _FUTEX_CMDS),
    *[(n + "_PRIVATE", v | FUTEX_PRIVATE_FLAG) for n, v in _seq(0, _FUTEX_CMDS)],
])


def futex_op(v: int) -> str:
    v &= 0xFFFFFFFF
    text = xval(FUTEX_OPS, v & ~FUTEX_CLOCK_REALTIME)
    if v & FUTEX_CLOCK_REALTIME:
        text += "|FUTEX_CLOCK_REALTIME"
    return text


FUTEX_WAKE_OPS = Xlat("FUTEX_OP_???", _seq(0, (
    "FUTEX_OP_SET FUTEX_OP_ADD FUTEX_OP_OR FUTEX_OP_ANDN FUTEX_OP_XOR")))
FUTEX_WAKE_CMPS = Xlat("FUTEX_OP_CMP_???", _seq(0, (
    "FUTEX_OP_CMP_EQ FUTEX_OP_CMP_NE FUTEX_OP_CMP_LT FUTEX_OP_CMP_LE FUTEX_OP_CMP_GT "
    "FUTEX_OP_CMP_GE")))

# --- descriptors and polling ---------------------------------------------------------------

FCNTL_CMDS = Xlat("F_???", [
    *_seq(0, "F_DUPFD F_GETFD F_SETFD F_GETFL F_SETFL F_GETLK F_SETLK F_SETLKW F_SETOWN "
             "F_GETOWN F_SETSIG F_GETSIG F_GETLK64 F_SETLK64 F_SETLKW64 F_SETOWN_EX "
             "F_GETOWN_EX F_GETOWNER_UIDS"),
    ("F_OFD_GETLK", 36), ("F_OFD_SETLK", 37), ("F_OFD_SETLKW", 38),
    *_seq(1024, "F_SETLEASE F_GETLEASE F_NOTIFY - - F_CANCELLK F_DUPFD_CLOEXEC "
                "F_SETPIPE_SZ F_GETPIPE_SZ F_ADD_SEALS F_GET_SEALS"),
])
LEASE_TYPES = Xlat("F_???", _seq(0, "F_RDLCK F_WRLCK F_UNLCK"))
DNOTIFY_FLAGS = Xlat("DN_???", [
    *_bits("DN_ACCESS DN_MODIFY DN_CREATE DN_DELETE DN_RENAME DN_ATTRIB"),
    ("DN_MULTISHOT", 0x80000000),
])
SEAL_FLAGS = Xlat("F_SEAL_???", _bits("F_SEAL_SEAL F_SEAL_SHRINK F_SEAL_GROW F_SEAL_WRITE "
                                      "F_SEAL_FUTURE_WRITE"))
POLL_EVENTS = Xlat("POLL???", [
    *_bits("POLLIN POLLPRI POLLOUT POLLERR POLLHUP POLLNVAL POLLRDNORM POLLRDBAND "
           "POLLWRNORM POLLWRBAND POLLMSG - POLLREMOVE POLLRDHUP"),
])
EPOLL_EVENTS = Xlat("EPOLL???", [
    *_bits("EPOLLIN EPOLLPRI EPOLLOUT EPOLLERR EPOLLHUP EPOLLNVAL EPOLLRDNORM EPOLLRDBAND "
           "EPOLLWRNORM EPOLLWRBAND EPOLLMSG - - EPOLLRDHUP"),
    ("EPOLL_URING_WAKE", 1 << 27), ("EPOLLEXCLUSIVE", 1 << 28), ("EPOLLWAKEUP", 1 << 29),
    ("EPOLLONESHOT", 1 << 30), ("EPOLLET", 1 << 31),
])
EPOLL_CTL_OPS = Xlat("EPOLL_CTL_???", _seq(1, "EPOLL_CTL_ADD EPOLL_CTL_DEL EPOLL_CTL_MOD"))
EPOLL_FLAGS = Xlat("EPOLL_???", [("EPOLL_CLOEXEC", 0o2000000)])
INOTIFY_INIT_FLAGS = Xlat("IN_???", [("IN_NONBLOCK", 0o4000), ("IN_CLOEXEC", 0o2000000)])
CAP_VERSIONS = Xlat("_LINUX_CAPABILITY_VERSION_???", [("_LINUX_CAPABILITY_VERSION_1", 0x19980330),
                           ("_LINUX_CAPABILITY_VERSION_2", 0x20071026),
                           ("_LINUX_CAPABILITY_VERSION_3", 0x20080522)])
EVENTFD_FLAGS = Xlat("EFD_???", [("EFD_SEMAPHORE", 1), ("EFD_CLOEXEC", 0o2000000),
                                 ("EFD_NONBLOCK", 0o4000)])
GETRANDOM_FLAGS = Xlat("GRND_???", [("GRND_NONBLOCK", 1), ("GRND_RANDOM", 2),
                                    ("GRND_INSECURE", 4)])

# --- ioctl -------------------------------------------------------------------------------------

IOCTL_REQUESTS = Xlat(None, [
    *_seq(0x5401, "TCGETS TCSETS TCSETSW TCSETSF TCGETA TCSETA TCSETAW TCSETAF TCSBRK "
                  "TCXONC TCFLSH TIOCEXCL TIOCNXCL TIOCSCTTY TIOCGPGRP TIOCSPGRP TIOCOUTQ "
                  "TIOCSTI TIOCGWINSZ TIOCSWINSZ TIOCMGET TIOCMBIS TIOCMBIC TIOCMSET "
                  "TIOCGSOFTCAR TIOCSSOFTCAR FIONREAD TIOCLINUX TIOCCONS TIOCGSERIAL "
                  "TIOCSSERIAL TIOCPKT FIONBIO TIOCNOTTY TIOCSETD TIOCGETD TCSBRKP - "
                  "TIOCSBRK TIOCCBRK TIOCGSID"),
    ("TCGETS2", 0x802C542A), ("TCSETS2", 0x402C542B), ("TCSETSW2", 0x402C542C),
    ("TCSETSF2", 0x402C542D), ("TIOCGRS485", 0x542E), ("TIOCSRS485", 0x542F),
    ("TIOCGPTN", 0x80045430), ("TIOCSPTLCK", 0x40045431), ("TIOCGDEV", 0x80045432),
    ("TIOCSIG", 0x40045436), ("TIOCVHANGUP", 0x5437), ("TIOCGPKT", 0x80045438),
    ("TIOCGPTLCK", 0x80045439), ("TIOCGEXCL", 0x80045440), ("TIOCGPTPEER", 0x5441),
    ("FIONCLEX", 0x5450), ("FIOCLEX", 0x5451), ("FIOASYNC", 0x5452),
    ("TIOCSERCONFIG", 0x5453), ("TIOCSERGWILD", 0x5454), ("TIOCSERSWILD", 0x5455),
    ("TIOCGLCKTRMIOS", 0x5456), ("TIOCSLCKTRMIOS", 0x5457), ("TIOCSERGSTRUCT", 0x5458),
    ("TIOCSERGETLSR", 0x5459), ("TIOCSERGETMULTI", 0x545A), ("TIOCSERSETMULTI", 0x545B),
    ("TIOCMIWAIT", 0x545C), ("TIOCGICOUNT", 0x545D), ("FIOQSIZE", 0x5460),
    ("FIBMAP", 1), ("FIGETBSZ", 2), ("FIFREEZE", 0xC0045877), ("FITHAW", 0xC0045878),
    ("FS_IOC_GETFLAGS", 0x80086601), ("FS_IOC_SETFLAGS", 0x40086602),
    ("BLKGETSIZE64", 0x80081272), ("BLKSSZGET", 0x1268),
    ("SIOCGIFCONF", 0x8912), ("SIOCGIFFLAGS", 0x8913), ("SIOCSIFFLAGS", 0x8914),
    ("SIOCGIFADDR", 0x8915), ("SIOCGIFMTU", 0x8921), ("SIOCGIFHWADDR", 0x8927),
    ("SIOCGIFNAME", 0x8910), ("SIOCGIFINDEX", 0x8933), ("SIOCETHTOOL", 0x8946),
    ("SIOCATMARK", 0x8905), ("SIOCGPGRP", 0x8904), ("SIOCGSTAMP", 0x8906),
    ("KDGKBTYPE", 0x4B33), ("KDSETMODE", 0x4B3A), ("KDGETMODE", 0x4B3B),
    ("VT_OPENQRY", 0x5600), ("VT_GETSTATE", 0x5603), ("VT_ACTIVATE", 0x5606),
])
IOC_DIRS = Xlat("_IOC_???", [("_IOC_READ", 2), ("_IOC_WRITE", 1)], zero="_IOC_NONE")


def ioctl_request(v: int) -> str:
    v &= 0xFFFFFFFF
    name = IOCTL_REQUESTS.by_value.get(v)
    if name is not None:
        return name
    return (f"_IOC({flags(IOC_DIRS, v >> 30)}, {hexc((v >> 8) & 0xFF)}, {hexc(v & 0xFF)}, "
            f"{hexc((v >> 16) & 0x3FFF)})")


# termios (asm-generic/termbits.h)
TC_IFLAGS = Xlat(None, _bits("IGNBRK BRKINT IGNPAR PARMRK INPCK ISTRIP INLCR IGNCR ICRNL "
                             "IUCLC IXON IXANY IXOFF IMAXBEL IUTF8"))
TC_LFLAGS = Xlat(None, [  # strace's order
    ("ISIG", 0o1), ("ICANON", 0o2), ("XCASE", 0o4), ("ECHO", 0o10), ("ECHOE", 0o20),
    ("ECHOK", 0o40), ("ECHONL", 0o100), ("NOFLSH", 0o200), ("IEXTEN", 0o100000),
    ("ECHOCTL", 0o1000), ("ECHOPRT", 0o2000), ("ECHOKE", 0o4000), ("FLUSHO", 0o10000),
    ("PENDIN", 0o40000), ("TOSTOP", 0o400), ("EXTPROC", 0o200000),
])
TC_OFLAGS = Xlat(None, [("OPOST", 1), ("OLCUC", 2), ("ONLCR", 4), ("OCRNL", 0o10),
                        ("ONOCR", 0o20), ("ONLRET", 0o40), ("OFILL", 0o100),
                        ("OFDEL", 0o200)])
TC_CFLAGS = Xlat(None, [("CSTOPB", 0o100), ("CREAD", 0o200), ("PARENB", 0o400),
                        ("PARODD", 0o1000), ("HUPCL", 0o2000), ("CLOCAL", 0o4000),
                        ("CMSPAR", 0o10000000000), ("CRTSCTS", 0o20000000000)])
TC_BAUDS = Xlat(None, [
    *[(f"B{b}", i) for i, b in enumerate(
        (0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400))],
    ("BOTHER", 0o10000),
    *[(f"B{b}", 0o10001 + i) for i, b in enumerate(
        (57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000,
         2000000, 2500000, 3000000, 3500000, 4000000))],
])


def termios_oflag(v: int) -> str:
    """c_oflag: the delay fields (NL0|CR0|TAB0|BS0|VT0|FF0) then the flags."""
    tab = (v >> 11) & 3
    parts = [
        f"NL{(v >> 8) & 1}", f"CR{(v >> 9) & 3}", "XTABS" if tab == 3 else f"TAB{tab}",
        f"BS{(v >> 13) & 1}", f"VT{(v >> 14) & 1}", f"FF{(v >> 15) & 1}",
    ]
    rest = v & ~0o177400
    if rest:
        parts.append(flags(TC_OFLAGS, rest))
    return "|".join(parts)


def termios_cflag(v: int) -> str:
    """c_cflag: the speed (and input speed), the character size, then the flags."""
    v &= 0xFFFFFFFF
    parts = [TC_BAUDS.by_value.get(v & 0o10017) or hexc(v & 0o10017)]
    ispeed = (v >> 16) & 0o10017
    if ispeed:
        parts.append((TC_BAUDS.by_value.get(ispeed) or hexc(ispeed)) + "<<IBSHIFT")
    parts.append(f"CS{5 + ((v >> 4) & 3)}")
    rest = v & ~0o10077 & ~(0o10017 << 16)
    if rest:
        parts.append(flags(TC_CFLAGS, rest))
    return "|".join(parts)


# --- sockets ------------------------------------------------------------------------------------

ADDRESS_FAMILIES = Xlat("AF_???", _seq(0, (
    "AF_UNSPEC AF_UNIX AF_INET AF_AX25 AF_IPX AF_APPLETALK AF_NETROM AF_BRIDGE AF_ATMPVC "
    "AF_X25 AF_INET6 AF_ROSE AF_DECnet AF_NETBEUI AF_SECURITY AF_KEY AF_NETLINK AF_PACKET "
    "AF_ASH AF_ECONET AF_ATMSVC AF_RDS AF_SNA AF_IRDA AF_PPPOX AF_WANPIPE AF_LLC AF_IB "
    "AF_MPLS AF_CAN AF_TIPC AF_BLUETOOTH AF_IUCV AF_RXRPC AF_ISDN AF_PHONET AF_IEEE802154 "
    "AF_CAIF AF_ALG AF_NFC AF_VSOCK AF_KCM AF_QIPCRTR AF_SMC AF_XDP AF_MCTP")))
AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET = 1, 2, 10, 16, 17
SOCK_TYPES = Xlat("SOCK_???", [("SOCK_STREAM", 1), ("SOCK_DGRAM", 2), ("SOCK_RAW", 3),
                               ("SOCK_RDM", 4), ("SOCK_SEQPACKET", 5), ("SOCK_DCCP", 6),
                               ("SOCK_PACKET", 10)])
SOCK_TYPE_FLAGS = Xlat("SOCK_???", [("SOCK_CLOEXEC", 0o2000000), ("SOCK_NONBLOCK", 0o4000)])
SOCK_TYPE_MASK = 0xF


def socket_type(v: int) -> str:
    """strace's ``tprint_sock_type``: ``SOCK_STREAM|SOCK_CLOEXEC``."""
    v &= 0xFFFFFFFF
    name = SOCK_TYPES.by_value.get(v & SOCK_TYPE_MASK)
    if name is not None:
        rest = v & ~SOCK_TYPE_MASK
        return name + ("|" + flags(SOCK_TYPE_FLAGS, rest) if rest else "")
    return flags(SOCK_TYPE_FLAGS, v)


IPPROTOS = Xlat("IPPROTO_???", [
    ("IPPROTO_IP", 0), ("IPPROTO_ICMP", 1), ("IPPROTO_IGMP", 2), ("IPPROTO_IPIP", 4),
    ("IPPROTO_TCP", 6), ("IPPROTO_EGP", 8), ("IPPROTO_PUP", 12), ("IPPROTO_UDP", 17),
    ("IPPROTO_IDP", 22), ("IPPROTO_TP", 29), ("IPPROTO_DCCP", 33), ("IPPROTO_IPV6", 41),
    ("IPPROTO_ROUTING", 43), ("IPPROTO_FRAGMENT", 44), ("IPPROTO_RSVP", 46),
    ("IPPROTO_GRE", 47), ("IPPROTO_ESP", 50), ("IPPROTO_AH", 51), ("IPPROTO_ICMPV6", 58),
    ("IPPROTO_NONE", 59), ("IPPROTO_DSTOPTS", 60), ("IPPROTO_MTP", 92),
    ("IPPROTO_BEETPH", 94), ("IPPROTO_ENCAP", 98), ("IPPROTO_PIM", 103),
    ("IPPROTO_COMP", 108), ("IPPROTO_L2TP", 115), ("IPPROTO_SCTP", 132),
    ("IPPROTO_MH", 135), ("IPPROTO_UDPLITE", 136), ("IPPROTO_MPLS", 137),
    ("IPPROTO_ETHERNET", 143), ("IPPROTO_RAW", 255), ("IPPROTO_MPTCP", 262),
])
NETLINK_PROTOS = Xlat("NETLINK_???", [
    *_seq(0, "NETLINK_ROUTE NETLINK_UNUSED NETLINK_USERSOCK NETLINK_FIREWALL "
             "NETLINK_SOCK_DIAG NETLINK_NFLOG NETLINK_XFRM NETLINK_SELINUX NETLINK_ISCSI "
             "NETLINK_AUDIT NETLINK_FIB_LOOKUP NETLINK_CONNECTOR NETLINK_NETFILTER "
             "NETLINK_IP6_FW NETLINK_DNRTMSG NETLINK_KOBJECT_UEVENT NETLINK_GENERIC - "
             "NETLINK_SCSITRANSPORT NETLINK_ECRYPTFS NETLINK_RDMA NETLINK_CRYPTO "
             "NETLINK_SMC"),
])
ETH_PROTOS = Xlat("ETH_P_???", [
    ("ETH_P_ALL", 0x0003), ("ETH_P_IP", 0x0800), ("ETH_P_ARP", 0x0806),
    ("ETH_P_IPV6", 0x86DD), ("ETH_P_8021Q", 0x8100),
])
SOCKET_LEVELS = Xlat("SOL_???", [
    ("SOL_IP", 0), ("SOL_SOCKET", 1), ("SOL_TCP", 6), ("SOL_UDP", 17), ("SOL_IPV6", 41),
    ("SOL_ICMPV6", 58), ("SOL_SCTP", 132), ("SOL_UDPLITE", 136), ("SOL_RAW", 255),
    *_seq(256, "SOL_IPX SOL_AX25 SOL_ATALK SOL_NETROM SOL_ROSE SOL_DECNET SOL_X25 "
               "SOL_PACKET SOL_ATM SOL_AAL SOL_IRDA SOL_NETBEUI SOL_LLC SOL_DCCP "
               "SOL_NETLINK SOL_TIPC SOL_RXRPC SOL_PPPOL2TP SOL_BLUETOOTH SOL_PNPIPE "
               "SOL_RDS SOL_IUCV SOL_CAIF SOL_ALG SOL_NFC SOL_KCM SOL_TLS SOL_XDP "
               "SOL_MPTCP SOL_MCTP SOL_SMC"),
])
SOL_SOCKET, SOL_IP, SOL_TCP, SOL_UDP, SOL_IPV6 = 1, 0, 6, 17, 41
SO_OPTIONS = Xlat("SO_???", [
    *_seq(1, "SO_DEBUG SO_REUSEADDR SO_TYPE SO_ERROR SO_DONTROUTE SO_BROADCAST SO_SNDBUF "
             "SO_RCVBUF SO_KEEPALIVE SO_OOBINLINE SO_NO_CHECK SO_PRIORITY SO_LINGER "
             "SO_BSDCOMPAT SO_REUSEPORT SO_PASSCRED SO_PEERCRED SO_RCVLOWAT SO_SNDLOWAT "
             "SO_RCVTIMEO_OLD SO_SNDTIMEO_OLD SO_SECURITY_AUTHENTICATION "
             "SO_SECURITY_ENCRYPTION_TRANSPORT SO_SECURITY_ENCRYPTION_NETWORK "
             "SO_BINDTODEVICE SO_ATTACH_FILTER SO_DETACH_FILTER SO_PEERNAME "
             "SO_TIMESTAMP_OLD SO_ACCEPTCONN SO_PEERSEC SO_SNDBUFFORCE SO_RCVBUFFORCE "
             "SO_PASSSEC SO_TIMESTAMPNS_OLD SO_MARK SO_TIMESTAMPING_OLD SO_PROTOCOL "
             "SO_DOMAIN SO_RXQ_OVFL SO_WIFI_STATUS SO_PEEK_OFF SO_NOFCS SO_LOCK_FILTER "
             "SO_SELECT_ERR_QUEUE SO_BUSY_POLL SO_MAX_PACING_RATE SO_BPF_EXTENSIONS "
             "SO_INCOMING_CPU SO_ATTACH_BPF SO_ATTACH_REUSEPORT_CBPF "
             "SO_ATTACH_REUSEPORT_EBPF SO_CNX_ADVICE - SO_MEMINFO SO_INCOMING_NAPI_ID "
             "SO_COOKIE - SO_PEERGROUPS SO_ZEROCOPY SO_TXTIME SO_BINDTOIFINDEX "
             "SO_TIMESTAMP_NEW SO_TIMESTAMPNS_NEW SO_TIMESTAMPING_NEW SO_RCVTIMEO_NEW "
             "SO_SNDTIMEO_NEW SO_DETACH_REUSEPORT_BPF SO_PREFER_BUSY_POLL "
             "SO_BUSY_POLL_BUDGET SO_NETNS_COOKIE SO_BUF_LOCK SO_RESERVE_MEM SO_TXREHASH "
             "SO_RCVMARK"),
])
IP_OPTIONS = Xlat("IP_???", [
    *_seq(1, "IP_TOS IP_TTL IP_HDRINCL IP_OPTIONS IP_ROUTER_ALERT IP_RECVOPTS IP_RETOPTS "
             "IP_PKTINFO IP_PKTOPTIONS IP_MTU_DISCOVER IP_RECVERR IP_RECVTTL IP_RECVTOS "
             "IP_MTU IP_FREEBIND IP_IPSEC_POLICY IP_XFRM_POLICY IP_PASSSEC IP_TRANSPARENT "
             "IP_ORIGDSTADDR IP_MINTTL IP_NODEFRAG IP_CHECKSUM IP_BIND_ADDRESS_NO_PORT "
             "IP_RECVFRAGSIZE IP_RECVERR_RFC4884"),
    *_seq(32, "IP_MULTICAST_IF IP_MULTICAST_TTL IP_MULTICAST_LOOP IP_ADD_MEMBERSHIP "
              "IP_DROP_MEMBERSHIP IP_UNBLOCK_SOURCE IP_BLOCK_SOURCE "
              "IP_ADD_SOURCE_MEMBERSHIP IP_DROP_SOURCE_MEMBERSHIP IP_MSFILTER "
              "MCAST_JOIN_GROUP MCAST_BLOCK_SOURCE MCAST_UNBLOCK_SOURCE MCAST_LEAVE_GROUP "
              "MCAST_JOIN_SOURCE_GROUP MCAST_LEAVE_SOURCE_GROUP MCAST_MSFILTER "
              "IP_MULTICAST_ALL IP_UNICAST_IF"),
])
TCP_OPTIONS = Xlat("TCP_???", _seq(1, (
    "TCP_NODELAY TCP_MAXSEG TCP_CORK TCP_KEEPIDLE TCP_KEEPINTVL TCP_KEEPCNT TCP_SYNCNT "
    "TCP_LINGER2 TCP_DEFER_ACCEPT TCP_WINDOW_CLAMP TCP_INFO TCP_QUICKACK TCP_CONGESTION "
    "TCP_MD5SIG TCP_COOKIE_TRANSACTIONS TCP_THIN_LINEAR_TIMEOUTS TCP_THIN_DUPACK "
    "TCP_USER_TIMEOUT TCP_REPAIR TCP_REPAIR_QUEUE TCP_QUEUE_SEQ TCP_REPAIR_OPTIONS "
    "TCP_FASTOPEN TCP_TIMESTAMP TCP_NOTSENT_LOWAT TCP_CC_INFO TCP_SAVE_SYN TCP_SAVED_SYN "
    "TCP_REPAIR_WINDOW TCP_FASTOPEN_CONNECT TCP_ULP TCP_MD5SIG_EXT TCP_FASTOPEN_KEY "
    "TCP_FASTOPEN_NO_COOKIE TCP_ZEROCOPY_RECEIVE TCP_INQ TCP_TX_DELAY")))
UDP_OPTIONS = Xlat("UDP_???", [("UDP_CORK", 1), ("UDP_ENCAP", 100), ("UDP_NO_CHECK6_TX", 101),
                               ("UDP_NO_CHECK6_RX", 102), ("UDP_SEGMENT", 103),
                               ("UDP_GRO", 104)])
IPV6_OPTIONS = Xlat("IPV6_???", [
    *_seq(1, "IPV6_ADDRFORM IPV6_2292PKTINFO IPV6_2292HOPOPTS IPV6_2292DSTOPTS "
             "IPV6_2292RTHDR IPV6_2292PKTOPTIONS IPV6_CHECKSUM IPV6_2292HOPLIMIT "
             "IPV6_NEXTHOP IPV6_AUTHHDR IPV6_FLOWINFO"),
    *_seq(16, "IPV6_UNICAST_HOPS IPV6_MULTICAST_IF IPV6_MULTICAST_HOPS IPV6_MULTICAST_LOOP "
              "IPV6_ADD_MEMBERSHIP IPV6_DROP_MEMBERSHIP IPV6_ROUTER_ALERT "
              "IPV6_MTU_DISCOVER IPV6_MTU IPV6_RECVERR IPV6_V6ONLY IPV6_JOIN_ANYCAST "
              "IPV6_LEAVE_ANYCAST IPV6_MULTICAST_ALL IPV6_ROUTER_ALERT_ISOLATE "
              "IPV6_RECVERR_RFC4884"),
    *_seq(49, "IPV6_RECVPKTINFO IPV6_PKTINFO IPV6_RECVHOPLIMIT IPV6_HOPLIMIT "
              "IPV6_RECVHOPOPTS IPV6_HOPOPTS IPV6_RTHDRDSTOPTS IPV6_RECVRTHDR IPV6_RTHDR "
              "IPV6_RECVDSTOPTS IPV6_DSTOPTS IPV6_RECVPATHMTU IPV6_PATHMTU IPV6_DONTFRAG"),
    ("IPV6_RECVTCLASS", 66), ("IPV6_TCLASS", 67),
])
NETLINK_OPTIONS = Xlat("NETLINK_???", _seq(1, (
    "NETLINK_ADD_MEMBERSHIP NETLINK_DROP_MEMBERSHIP NETLINK_PKTINFO NETLINK_BROADCAST_ERROR "
    "NETLINK_NO_ENOBUFS NETLINK_RX_RING NETLINK_TX_RING NETLINK_LISTEN_ALL_NSID "
    "NETLINK_LIST_MEMBERSHIPS NETLINK_CAP_ACK NETLINK_EXT_ACK NETLINK_GET_STRICT_CHK")))
PACKET_OPTIONS = Xlat("PACKET_???", _seq(1, (
    "PACKET_ADD_MEMBERSHIP PACKET_DROP_MEMBERSHIP PACKET_RECV_OUTPUT - PACKET_RX_RING "
    "PACKET_STATISTICS PACKET_COPY_THRESH PACKET_AUXDATA PACKET_ORIGDEV PACKET_VERSION "
    "PACKET_HDRLEN PACKET_RESERVE PACKET_TX_RING PACKET_LOSS PACKET_VNET_HDR "
    "PACKET_TX_TIMESTAMP PACKET_TIMESTAMP PACKET_FANOUT PACKET_TX_HAS_OFF "
    "PACKET_QDISC_BYPASS PACKET_ROLLOVER_STATS PACKET_FANOUT_DATA PACKET_IGNORE_OUTGOING")))
RAW_OPTIONS = Xlat("ICMP_???", [("ICMP_FILTER", 1)])
SOL_RAW, SOL_PACKET, SOL_NETLINK = 255, 263, 270
SOCKOPTS_BY_LEVEL: dict[int, Xlat] = {
    SOL_SOCKET: SO_OPTIONS, SOL_IP: IP_OPTIONS, SOL_TCP: TCP_OPTIONS, SOL_UDP: UDP_OPTIONS,
    SOL_IPV6: IPV6_OPTIONS, SOL_RAW: RAW_OPTIONS, SOL_PACKET: PACKET_OPTIONS,
    SOL_NETLINK: NETLINK_OPTIONS,
}
MSG_FLAGS = Xlat("MSG_???", [
    *_bits("MSG_OOB MSG_PEEK MSG_DONTROUTE MSG_CTRUNC MSG_PROBE MSG_TRUNC MSG_DONTWAIT "
           "MSG_EOR MSG_WAITALL MSG_FIN MSG_SYN MSG_CONFIRM MSG_RST MSG_ERRQUEUE "
           "MSG_NOSIGNAL MSG_MORE MSG_WAITFORONE MSG_SENDPAGE_NOTLAST MSG_BATCH "
           "MSG_NO_SHARED_FRAGS"),
    ("MSG_ZEROCOPY", 0x4000000), ("MSG_FASTOPEN", 0x20000000),
    ("MSG_CMSG_CLOEXEC", 0x40000000), ("MSG_CMSG_COMPAT", 0x80000000),
])
SHUTDOWN_HOW = Xlat("SHUT_???", _seq(0, "SHUT_RD SHUT_WR SHUT_RDWR"))
FADVISE_ADVICE = Xlat("POSIX_FADV_???", _seq(0, (
    "POSIX_FADV_NORMAL POSIX_FADV_RANDOM POSIX_FADV_SEQUENTIAL POSIX_FADV_WILLNEED "
    "POSIX_FADV_DONTNEED POSIX_FADV_NOREUSE")))
NT_TYPES = Xlat("NT_???", [
    ("NT_PRSTATUS", 1), ("NT_PRFPREG", 2), ("NT_PRPSINFO", 3), ("NT_TASKSTRUCT", 4),
    ("NT_AUXV", 6), ("NT_SIGINFO", 0x53494749), ("NT_FILE", 0x46494C45),
    ("NT_PRXFPREG", 0x46E62B7F), ("NT_386_TLS", 0x200), ("NT_386_IOPERM", 0x201),
    ("NT_X86_XSTATE", 0x202), ("NT_ARM_VFP", 0x400), ("NT_ARM_TLS", 0x401),
    ("NT_ARM_HW_BREAK", 0x402), ("NT_ARM_HW_WATCH", 0x403), ("NT_ARM_SYSTEM_CALL", 0x404),
    ("NT_ARM_SVE", 0x405),
])
#: x86_64 <sys/reg.h>: the registers PTRACE_PEEKUSER offsets name (8 * index)
USER_REGS_X86_64 = (
    "R15", "R14", "R13", "R12", "RBP", "RBX", "R11", "R10", "R9", "R8", "RAX", "RCX", "RDX",
    "RSI", "RDI", "ORIG_RAX", "RIP", "CS", "EFLAGS", "RSP", "SS", "FS_BASE", "GS_BASE", "DS",
    "ES", "FS", "GS",
)
SCM_TYPES = Xlat("SCM_???", [("SCM_RIGHTS", 1), ("SCM_CREDENTIALS", 2),
                             ("SCM_SECURITY", 3)])

#: Every table, by name, for the header check in the tests and for introspection.
ALL_XLATS: dict[str, Xlat] = {
    name: value for name, value in globals().items() if isinstance(value, Xlat)
}
