"""Whole-call formatting against strace 6.1 output, and robustness over the whole table.

The golden lines were printed by ``strace -qq -f -e signal=none`` (strace 6.1, x86_64)
tracing ``cat /etc/hostname``, Python scripts exercising the syscalls below, and a small
C program; each case gives the raw register values and the memory the tracer would have
captured, and expects strace's exact text.
"""

from __future__ import annotations

import os
import socket
import struct
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_renacer.decode import (
    FORMATTERS,
    decode_args,
    format_arg_list,
    format_args,
    format_retval,
    paths,
)
from pytest_renacer.decode.format import SPECIAL, kinds_of
from pytest_renacer.tables import ARG_KINDS, ArgSpec, SyscallInfo, table_for

T = table_for("x86_64")
M64 = 2**64 - 1
AT_FDCWD = -100 & M64
P = 0x7FFD53448000  # an address whose contents the case supplies
Q = 0x7FFD53449000
R = 0x7FFD5344A000


def stat_bytes(mode: int, size: int = 0, rdev: int = 0) -> bytes:
    raw = bytearray(144)
    struct.pack_into("<QQQIII", raw, 0, 0x803, 1234, 1, mode, 0, 0)
    struct.pack_into("<Qq", raw, 40, rdev, size)
    return bytes(raw)


def sin(port: int, ip: str) -> bytes:
    return struct.pack("<H", 2) + struct.pack(">H", port) + socket.inet_aton(ip) + bytes(8)


def sin6(port: int, ip: str) -> bytes:
    return (struct.pack("<H", 10) + struct.pack(">HI", port, 0)
            + socket.inet_pton(socket.AF_INET6, ip) + bytes(4))


def sigset(*sigs: int) -> bytes:
    return struct.pack("<Q", sum(1 << (s - 1) for s in sigs))


def sigaction(handler: int, flags: int, restorer: int = 0, mask: int = 0) -> bytes:
    return struct.pack("<QQQQ", handler, flags, restorer, mask)


def i32(*values: int) -> bytes:
    return struct.pack(f"<{len(values)}i", *values)


def q64(*values: int) -> bytes:
    return struct.pack(f"<{len(values)}q", *values)


def msghdr(name: int, namelen: int, iov: int, iovlen: int, control: int = 0,
           controllen: int = 0, flags: int = 0) -> bytes:
    return struct.pack("<QI4xQQQQi4x", name, namelen, iov, iovlen, control, controllen, flags)


SA_RESTORER, SA_ONSTACK = 0x04000000, 0x08000000

# (strace line, raw args, captured, raw retval)
GOLDEN: list[tuple[str, tuple[int, ...], dict[Any, object] | None, int]] = [
    # --- cat /etc/hostname -------------------------------------------------------------------
    ('execve("/usr/bin/cat", ["cat", "/etc/hostname"], 0x7ffda030f690 /* 35 vars */) = 0',
     (P, Q, 0x7FFDA030F690), {0: b"/usr/bin/cat", 1: [b"cat", b"/etc/hostname"], 2: 35}, 0),
    ("brk(NULL) = 0x561020ba0000", (0,), None, 0x561020BA0000),
    ("mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = "
     "0x7f2b35b42000", (0, 8192, 3, 0x22, M64, 0), None, 0x7F2B35B42000),
    ('access("/etc/ld.so.preload", R_OK) = -1 ENOENT (No such file or directory)',
     (P, 4), {0: b"/etc/ld.so.preload"}, -2),
    ('openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3',
     (AT_FDCWD, P, 0o2000000, 0), {1: b"/etc/ld.so.cache"}, 3),
    ('newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=34547, ...}, AT_EMPTY_PATH) = 0',
     (3, P, Q, 0x1000), {1: b"", 2: stat_bytes(0o100644, 34547)}, 0),
    ("mmap(NULL, 34547, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f2b35b39000",
     (0, 34547, 1, 2, 3, 0), None, 0x7F2B35B39000),
    ("close(3) = 0", (3,), None, 0),
    ('read(3, "\\177ELF\\2\\1\\1\\3\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\20t\\2\\0\\0\\0'
     '\\0\\0"..., 832) = 832',
     (3, P, 832), {1: b"\177ELF\2\1\1\3\0\0\0\0\0\0\0\0\3\0>\0\1\0\0\0\20t\2\0\0\0\0\0\0\0"},
     832),
    ('pread64(3, "\\6\\0\\0\\0\\4\\0\\0\\0@\\0\\0\\0\\0\\0\\0\\0@\\0\\0\\0\\0\\0\\0\\0@\\0\\0\\0'
     '\\0\\0\\0\\0"..., 784, 64) = 784',
     (3, P, 784, 64), {1: b"\6\0\0\0\4\0\0\0@\0\0\0\0\0\0\0@\0\0\0\0\0\0\0@\0\0\0\0\0\0\0"}, 784),
    ("mmap(0x7f2b3597d000, 1400832, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, "
     "3, 0x26000) = 0x7f2b3597d000",
     (0x7F2B3597D000, 1400832, 5, 0x812, 3, 0x26000), None, 0x7F2B3597D000),
    ("mmap(0x7f2b35b2c000, 53072, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, "
     "-1, 0) = 0x7f2b35b2c000",
     (0x7F2B35B2C000, 53072, 3, 0x32, M64, 0), None, 0x7F2B35B2C000),
    ("arch_prctl(ARCH_SET_FS, 0x7f2b35954740) = 0", (0x1002, 0x7F2B35954740), None, 0),
    ("set_tid_address(0x7f2b35954a10) = 4084", (0x7F2B35954A10,), None, 4084),
    ("set_robust_list(0x7f2b35954a20, 24) = 0", (0x7F2B35954A20, 24), None, 0),
    ("rseq(0x7f2b35955060, 0x20, 0, 0x53053053) = 0",
     (0x7F2B35955060, 0x20, 0, 0x53053053), None, 0),
    ("mprotect(0x7f2b35b26000, 16384, PROT_READ) = 0", (0x7F2B35B26000, 16384, 1), None, 0),
    ("prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0",
     (0, 3, 0, P), {3: struct.pack("<QQ", 8192 * 1024, M64)}, 0),
    ("munmap(0x7f2b35b39000, 34547) = 0", (0x7F2B35B39000, 34547), None, 0),
    ('getrandom("\\xce\\xe2\\x0e\\x0e\\x60\\xb4\\xb6\\xb1", 8, GRND_NONBLOCK) = 8',
     (P, 8, 1), {0: bytes.fromhex("cee20e0e60b4b6b1")}, 8),
    ("brk(0x561020bc1000) = 0x561020bc1000", (0x561020BC1000,), None, 0x561020BC1000),
    ('openat(AT_FDCWD, "/usr/lib/locale/locale-archive", O_RDONLY|O_CLOEXEC) = -1 ENOENT '
     "(No such file or directory)",
     (AT_FDCWD, P, 0o2000000, 0), {1: b"/usr/lib/locale/locale-archive"}, -2),
    ('read(3, "# Locale name alias data base.\\n#"..., 4096) = 2996',
     (3, P, 4096), {1: b"# Locale name alias data base.\n#"}, 2996),
    ('read(3, "", 4096) = 0', (3, P, 4096), {1: b""}, 0),
    ('openat(AT_FDCWD, "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache", O_RDONLY) = 3',
     (AT_FDCWD, P, 0, 0), {1: b"/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache"}, 3),
    ("mmap(NULL, 27028, PROT_READ, MAP_SHARED, 3, 0) = 0x7f2b35b3a000",
     (0, 27028, 1, 1, 3, 0), None, 0x7F2B35B3A000),
    ("futex(0x7f2b35b2ba4c, FUTEX_WAKE_PRIVATE, 2147483647) = 0",
     (0x7F2B35B2BA4C, 0x81, 2147483647, 0, 0, 0), None, 0),
    ('write(1, "vm\\n", 3) = 3', (1, P, 3), {1: b"vm\n"}, 3),
    # --- files ---------------------------------------------------------------------------------
    ('read(3, "vm\\n", 100) = 3', (3, P, 100), {1: b"vm\n"}, 3),
    ('pread64(3, "m\\n", 3, 1) = 2', (3, P, 3, 1), {1: b"m\n"}, 2),
    ("lseek(3, 0, SEEK_SET) = 0", (3, 0, 0), None, 0),
    ("lseek(3, 1, SEEK_END) = 4", (3, 1, 2), None, 4),
    ("lseek(-1, -5, SEEK_CUR) = -1 EBADF (Bad file descriptor)",
     (M64, -5 & M64, 1), None, -9),
    ("lseek(-1, 0, 0x5 /* SEEK_??? */) = -1 EBADF (Bad file descriptor)", (M64, 0, 5), None, -9),
    ('newfstatat(AT_FDCWD, "/tmp", {st_mode=S_IFDIR|S_ISVTX|0777, st_size=4096, ...}, 0) = 0',
     (AT_FDCWD, P, Q, 0), {1: b"/tmp", 2: stat_bytes(0o41777, 4096)}, 0),
    ('newfstatat(AT_FDCWD, "/etc/hostname", {st_mode=S_IFREG|0755, st_size=3, ...}, '
     "AT_SYMLINK_NOFOLLOW) = 0",
     (AT_FDCWD, P, Q, 0x100), {1: b"/etc/hostname", 2: stat_bytes(0o100755, 3)}, 0),
    ('newfstatat(AT_FDCWD, "/nonexistent/x", 0x7fff94eecac0, 0) = -1 ENOENT (No such file or '
     "directory)", (AT_FDCWD, P, 0x7FFF94EECAC0, 0), {1: b"/nonexistent/x"}, -2),
    ('openat(AT_FDCWD, "/tmp/renacer_x", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644) = 3',
     (AT_FDCWD, P, 0o2001101, 0o644), {1: b"/tmp/renacer_x"}, 3),
    ('write(3, "hello\\n\\t\\0\\1\\177\\377\\"\\\\ab7\\338", 18) = 18',
     (3, P, 18), {1: b"hello\n\t\0\1\177\377\"\\ab7\0338"}, 18),
    ('write(3, "01234567890123456789012345678901"..., 50) = 50',
     (3, P, 50), {1: b"01234567890123456789012345678901"}, 50),
    ('writev(3, [{iov_base="hi", iov_len=2}, {iov_base="there\\n", iov_len=6}], 2) = 8',
     (3, P, 2), {1: [(Q, 2, b"hi"), (R, 6, b"there\n")]}, 8),
    ("fchmod(3, 0600) = 0", (3, 0o600), None, 0),
    ('chmod("/tmp/renacer_x", 04755) = 0', (P, 0o4755), {0: b"/tmp/renacer_x"}, 0),
    ('chmod("/tmp/renacer_x", 000) = 0', (P, 0), {0: b"/tmp/renacer_x"}, 0),
    ('chmod("/tmp/renacer_x", 007) = 0', (P, 7), {0: b"/tmp/renacer_x"}, 0),
    ('openat(AT_FDCWD, "/tmp", O_RDWR|O_CLOEXEC|O_TMPFILE, 0600) = 3',
     (AT_FDCWD, P, 0o22200002, 0o600), {1: b"/tmp"}, 3),
    ('openat(AT_FDCWD, "/tmp/renacer_x", O_RDONLY|O_NONBLOCK|O_NOFOLLOW|O_CLOEXEC|O_DIRECTORY) '
     "= -1 ENOTDIR (Not a directory)",
     (AT_FDCWD, P, 0o2604000, 0), {1: b"/tmp/renacer_x"}, -20),
    ('openat(AT_FDCWD, "/nonexistent/zz", O_RDONLY|O_PATH|O_TMPFILE|FASYNC, 000) = -1 ENOENT '
     "(No such file or directory)",
     (AT_FDCWD, P, 0o30220000, 0), {1: b"/nonexistent/zz"}, -2),
    ("openat(AT_FDCWD, NULL, O_RDONLY) = -1 EFAULT (Bad address)",
     (AT_FDCWD, 0, 0, 0), None, -14),
    ("openat(AT_FDCWD, 0x10, O_RDONLY) = -1 EFAULT (Bad address)",
     (AT_FDCWD, 0x10, 0, 0), None, -14),
    ('access("/tmp", R_OK|W_OK) = 0', (P, 6), {0: b"/tmp"}, 0),
    ('access("/tmp", F_OK) = 0', (P, 0), {0: b"/tmp"}, 0),
    ('faccessat2(AT_FDCWD, "/nonexistent/zz", R_OK|W_OK|X_OK|0xfffffff8, 0) = -1 EINVAL '
     "(Invalid argument)", (AT_FDCWD, P, 0xFFFFFFFF, 0), {1: b"/nonexistent/zz"}, -22),
    ('unlink("/tmp/renacer_x") = 0', (P,), {0: b"/tmp/renacer_x"}, 0),
    ('mkdir("/tmp/renacer_d", 0755) = 0', (P, 0o755), {0: b"/tmp/renacer_d"}, 0),
    ("umask(022) = 022", (0o22,), None, 0o22),
    ("umask(07777) = 022", (0o7777,), None, 0o22),
    ('mknod("/nonexistent/zz", S_IFCHR|0644, makedev(0x8, 0x1)) = -1 ENOENT (No such file or '
     "directory)", (P, 0o20644, 0x801), {0: b"/nonexistent/zz"}, -2),
    ('mknod("/nonexistent/zz", S_IFREG|0644) = -1 ENOENT (No such file or directory)',
     (P, 0o100644, 0), {0: b"/nonexistent/zz"}, -2),
    ('mknodat(AT_FDCWD, "/nonexistent", S_IFIFO|0644) = 0',
     (AT_FDCWD, P, 0o10644, 0), {1: b"/nonexistent"}, 0),
    ('linkat(AT_FDCWD, "/a", AT_FDCWD, "/b", AT_SYMLINK_FOLLOW) = -1 ENOENT (No such file or '
     "directory)", (AT_FDCWD, P, AT_FDCWD, Q, 0x400), {1: b"/a", 3: b"/b"}, -2),
    ('symlinkat("/a", AT_FDCWD, "/b") = 0', (P, AT_FDCWD, Q), {0: b"/a", 2: b"/b"}, 0),
    ('renameat(AT_FDCWD, "/a", 5, "/b") = -1 ENOENT (No such file or directory)',
     (AT_FDCWD, P, 5, Q), {1: b"/a", 3: b"/b"}, -2),
    ('utimensat(AT_FDCWD, "/nonexistent", NULL, AT_SYMLINK_NOFOLLOW) = 0',
     (AT_FDCWD, P, 0, 0x100), {1: b"/nonexistent"}, 0),
    ('truncate("/nonexistent", 100) = -1 EINVAL (Invalid argument)',
     (P, 100), {0: b"/nonexistent"}, -22),
    ("ftruncate(-1, 18446744073709551611) = -1 EINVAL (Invalid argument)",
     (M64, -5 & M64), None, -22),
    ("pread64(-1, NULL, 10, 1099511627776) = -1 EBADF (Bad file descriptor)",
     (M64, 0, 10, 1 << 40), None, -9),
    ('chown("/nonexistent", -1, -1) = -1 ENOENT (No such file or directory)',
     (P, 0xFFFFFFFF, 0xFFFFFFFF), {0: b"/nonexistent"}, -2),
    ('chown("/nonexistent", 1000, 0) = -1 ENOENT (No such file or directory)',
     (P, 1000, 0), {0: b"/nonexistent"}, -2),
    ('readlink("/proc/self/exe", "/root/.pyenv/versions/3.11.7/bin"..., 4096) = 43',
     (P, Q, 4096), {0: b"/proc/self/exe", 1: b"/root/.pyenv/versions/3.11.7/bin"}, 43),
    ('getcwd("/tmp/gold", 1024) = 10', (P, 1024), {0: b"/tmp/gold"}, 10),
    ("getcwd(0x7effb28caf50, 2) = -1 ERANGE (Numerical result out of range)",
     (0x7EFFB28CAF50, 2), None, -34),
    ("getdents64(23, 0x562447465770 /* 5 entries */, 32768) = 144",
     (23, 0x562447465770, 32768), {1: 5}, 144),
    ("getdents64(23, 0x562447465770 /* 0 entries */, 32768) = 0",
     (23, 0x562447465770, 32768), {1: 0}, 0),
    ('statx(AT_FDCWD, "/etc/hostname", AT_STATX_SYNC_AS_STAT, STATX_ALL, {stx_mask=STATX_ALL|'
     "STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0755, stx_size=3, ...}) = 0",
     (AT_FDCWD, P, 0, 0xFFF, Q),
     {1: b"/etc/hostname",
      4: struct.pack("<IIQIIIH2xQQ", 0x1FFF, 4096, 0, 1, 0, 0, 0o100755, 5, 3).ljust(256, b"\0")},
     0),
    ('statfs("/", {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=66053021, f_bfree=60356201, '
     "f_bavail=20900908, f_files=16777216, f_ffree=16369480, f_fsid={val=[0xe7e587b1, "
     "0x2b6d566f]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}) = 0",
     (P, Q), {0: b"/", 1: struct.pack("<qqQQQQQIIqqq", 0xEF53, 4096, 66053021, 60356201,
                                      20900908, 16777216, 16369480, 0xE7E587B1, 0x2B6D566F,
                                      255, 4096, 4128).ljust(120, b"\0")}, 0),
    ('inotify_add_watch(-1, "/nonexistent/zz", IN_ACCESS|IN_MODIFY|IN_ATTRIB|IN_CLOSE_WRITE|'
     "IN_CLOSE_NOWRITE|IN_OPEN|IN_MOVED_FROM|IN_MOVED_TO|IN_CREATE|IN_DELETE|IN_DELETE_SELF|"
     "IN_MOVE_SELF|IN_UNMOUNT|IN_Q_OVERFLOW|IN_IGNORED|IN_ONLYDIR|IN_DONT_FOLLOW|IN_EXCL_UNLINK|"
     "IN_MASK_CREATE|IN_MASK_ADD|IN_ISDIR|IN_ONESHOT|0x8ff1000) = -1 EINVAL (Invalid argument)",
     (M64, P, 0xFFFFFFFF), {1: b"/nonexistent/zz"}, -22),
    ('renameat2(-1, "/nonexistent/zz", -1, "/nonexistent/zz", RENAME_NOREPLACE|RENAME_EXCHANGE|'
     "RENAME_WHITEOUT|0xfffffff8) = -1 EINVAL (Invalid argument)",
     (M64, P, M64, P, 0xFFFFFFFF), {1: b"/nonexistent/zz", 3: b"/nonexistent/zz"}, -22),
    ('mount("/nonexistent/zz", "/nonexistent/zz", 0x7f37c7359de0, MS_RDONLY|MS_NOSUID|MS_NODEV|'
     "MS_NOEXEC|MS_SYNCHRONOUS|MS_REMOUNT|MS_MANDLOCK|MS_DIRSYNC|MS_NOSYMFOLLOW|MS_NOATIME|"
     "MS_NODIRATIME|MS_BIND|MS_MOVE|MS_REC|MS_SILENT|MS_POSIXACL|MS_UNBINDABLE|MS_PRIVATE|"
     "MS_SLAVE|MS_SHARED|MS_RELATIME|MS_KERNMOUNT|MS_I_VERSION|MS_STRICTATIME|MS_LAZYTIME|"
     "MS_SUBMOUNT|MS_NOREMOTELOCK|MS_NOSEC|MS_BORN|MS_ACTIVE|MS_NOUSER|0x200, NULL) = -1 ENOENT "
     "(No such file or directory)",
     (P, P, 0x7F37C7359DE0, 0xFFFFFFFF, 0), {0: b"/nonexistent/zz", 1: b"/nonexistent/zz"}, -2),
    ('setxattr("/nonexistent/zz", "/nonexistent/zz", NULL, 0, XATTR_CREATE|XATTR_REPLACE|'
     "0xfffffffc) = -1 EINVAL (Invalid argument)",
     (P, P, 0, 0, 0xFFFFFFFF), {0: b"/nonexistent/zz", 1: b"/nonexistent/zz"}, -22),
    ('memfd_create("/nonexistent/zz", MFD_CLOEXEC|MFD_ALLOW_SEALING|MFD_HUGETLB|0x3fffff8|'
     "63<<MFD_HUGE_SHIFT) = -1 EINVAL (Invalid argument)",
     (P, 0xFFFFFFFF), {0: b"/nonexistent/zz"}, -22),
    ("close_range(4294967295, 4294967294, CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC|0xfffffff9) "
     "= -1 EINVAL (Invalid argument)", (0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF), None, -22),
    ("flock(-1, LOCK_SH|LOCK_NB) = -1 EBADF (Bad file descriptor)", (M64, 5), None, -9),
    ("fallocate(-1, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE|FALLOC_FL_NO_HIDE_STALE|"
     "FALLOC_FL_COLLAPSE_RANGE|FALLOC_FL_ZERO_RANGE|FALLOC_FL_INSERT_RANGE|"
     "FALLOC_FL_UNSHARE_RANGE|0xffffff80, 0, 0) = -1 EBADF (Bad file descriptor)",
     (M64, 0xFFFFFFFF, 0, 0), None, -9),
    ("splice(-1, NULL, -1, NULL, 0, SPLICE_F_MOVE|SPLICE_F_NONBLOCK|SPLICE_F_MORE|"
     "SPLICE_F_GIFT|0xfffffff0) = 0", (M64, 0, M64, 0, 0, 0xFFFFFFFF), None, 0),
    ("fadvise64(3, 0, 0, POSIX_FADV_SEQUENTIAL) = 0", (3, 0, 0, 2), None, 0),
    ("fadvise64(3, 0, 0, 0x9 /* POSIX_FADV_??? */) = -1 EINVAL (Invalid argument)",
     (3, 0, 0, 9), None, -22),
    ('mount("/dev/sda1", "/mnt", "ext4", MS_RDONLY, NULL) = 0',
     (P, Q, R, 1, 0), {0: b"/dev/sda1", 1: b"/mnt", 2: b"ext4"}, 0),
    # --- descriptors ---------------------------------------------------------------------------
    ("pipe2([6, 7], O_CLOEXEC) = 0", (P, 0o2000000), {0: i32(6, 7)}, 0),
    ("pipe2([8, 9], O_NONBLOCK|O_CLOEXEC) = 0", (P, 0o2004000), {0: i32(8, 9)}, 0),
    ("pipe([15, 16]) = 0", (P,), {0: i32(15, 16)}, 0),
    ("pipe2(NULL, O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_SYNC|O_DIRECT|"
     "O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|O_TMPFILE|FASYNC|0xff80003f) = -1 "
     "EINVAL (Invalid argument)", (0, 0xFFFFFFFF), None, -22),
    ("dup2(6, 20) = 20", (6, 20), None, 20),
    ("dup3(6, 21, O_CLOEXEC) = 21", (6, 21, 0o2000000), None, 21),
    ("fcntl(6, F_DUPFD_CLOEXEC, 0) = 11", (6, 1030, 0), None, 11),
    ("fcntl(6, F_GETFD) = 0x1 (flags FD_CLOEXEC)", (6, 1, 0), None, 1),
    ("fcntl(6, F_SETFD, FD_CLOEXEC) = 0", (6, 2, 1), None, 0),
    ("fcntl(5, F_SETFD, FD_CLOEXEC|0x2) = 0", (5, 2, 3), None, 0),
    ("fcntl(5, F_SETFD, 0) = 0", (5, 2, 0), None, 0),
    ("fcntl(6, F_GETFL) = 0 (flags O_RDONLY)", (6, 3, 0), None, 0),
    ("fcntl(6, F_GETFL) = 0x1 (flags O_WRONLY)", (6, 3, 0), None, 1),
    ("fcntl(4, F_GETFL) = 0x8000 (flags O_RDONLY|O_LARGEFILE)", (4, 3, 0), None, 0x8000),
    ("fcntl(6, F_SETFL, O_RDONLY|O_NONBLOCK) = 0", (6, 4, 0o4000), None, 0),
    ("fcntl(6, F_DUPFD, 40) = 40", (6, 0, 40), None, 40),
    ("fcntl(5, F_GETPIPE_SZ) = 65536", (5, 1032, 0), None, 65536),
    ("fcntl(5, F_SETPIPE_SZ, 8192) = 8192", (5, 1031, 8192), None, 8192),
    ("fcntl(5, F_SETSIG, SIGUSR1) = 0", (5, 10, 10), None, 0),
    ("fcntl(5, F_GETSIG) = 10 (SIGUSR1)", (5, 11, 0), None, 10),
    ("fcntl(-1, F_GETLK, NULL) = -1 EBADF (Bad file descriptor)", (M64, 5, 0), None, -9),
    ("fcntl(-1, F_SETLEASE, F_RDLCK) = -1 EBADF (Bad file descriptor)", (M64, 1024, 0), None, -9),
    ("fcntl(-1, 0x12 /* F_??? */, 0) = -1 EBADF (Bad file descriptor)", (M64, 0x12, 0), None, -9),
    ("fcntl(-1, F_SETLKW, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=10}) = -1 EBADF "
     "(Bad file descriptor)", (M64, 7, P), {2: struct.pack("<hh4xqqi4x", 1, 0, 0, 10, 0)}, -9),
    ("ioctl(6, TCGETS, 0x7fff94eec7c0) = -1 ENOTTY (Inappropriate ioctl for device)",
     (6, 0x5401, 0x7FFF94EEC7C0), None, -25),
    ("ioctl(6, TIOCGWINSZ, 0x7fff94eec7c0) = -1 ENOTTY (Inappropriate ioctl for device)",
     (6, 0x5413, 0x7FFF94EEC7C0), None, -25),
    ("ioctl(6, FIONBIO, [1]) = 0", (6, 0x5421, P), {2: i32(1)}, 0),
    ("ioctl(4, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, "
     "c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, "
     "...}) = 0", (4, 0x5401, P), {2: struct.pack("<IIII", 0o2400, 5, 0o277, 0o105073)
                                     + bytes(20)}, 0),
    ("ioctl(4, SNDCTL_TMR_START or TCSETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|"
     "FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHOE|ECHOK|IEXTEN|ECHOCTL|"
     "ECHOKE, ...}) = 0", (4, 0x5402, P), {2: struct.pack("<IIII", 0o2400, 5, 0o277, 0o105063)
                                             + bytes(20)}, 0),
    ("ioctl(4, TIOCGWINSZ, {ws_row=0, ws_col=0, ws_xpixel=0, ws_ypixel=0}) = 0",
     (4, 0x5413, P), {2: bytes(8)}, 0),
    ("ioctl(4, TIOCSWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0",
     (4, 0x5414, P), {2: struct.pack("<HHHH", 24, 80, 0, 0)}, 0),
    ("ioctl(4, FIONREAD, [0]) = 0", (4, 0x541B, P), {2: i32(0)}, 0),
    ("ioctl(4, _IOC(_IOC_NONE, 0x54, 0x99, 0), 0) = -1 ENOTTY (Inappropriate ioctl for device)",
     (4, 0x5499, 0), None, -25),
    ("ioctl(4, _IOC(_IOC_READ|_IOC_WRITE, 0x54, 0x99, 0x18), 0x1000) = -1 ENOTTY (Inappropriate "
     "ioctl for device)", (4, 0xC0185499, 0x1000), None, -25),
    ("ioctl(4, TIOCGPTN, NULL) = -1 ENOTTY (Inappropriate ioctl for device)",
     (4, 0x80045430, 0), None, -25),
    ("ioctl(4, FIOCLEX) = 0", (4, 0x5451, 0), None, 0),
    ("ioctl(4, TIOCGPGRP, 0x7fb72bff25c0) = -1 ENOTTY (Inappropriate ioctl for device)",
     (4, 0x540F, 0x7FB72BFF25C0), None, -25),
    ("ioctl(4, TCGETS, NULL) = -1 EFAULT (Bad address)", (4, 0x5401, 0), None, -14),
    ("ioctl(-1, KDSETMODE, KD_TEXT) = -1 EBADF (Bad file descriptor)",
     (M64, 0x4B3A, 0), None, -9),
    ("ioctl(-1, SIOCGIFCONF, NULL) = -1 EBADF (Bad file descriptor)", (M64, 0x8912, 0), None, -9),
    ("ioctl(-1, FS_IOC_GETFLAGS, NULL) = -1 EBADF (Bad file descriptor)",
     (M64, 0x80086601, 0), None, -9),
    ("poll([{fd=6, events=POLLIN}], 1, 0) = 0 (Timeout)",
     (P, 1, 0), {0: struct.pack("<ihh", 6, 1, 0)}, 0),
    ("poll([{fd=12, events=POLLIN|POLLPRI}, {fd=13, events=POLLOUT}], 2, 10) = 2 ([{fd=12, "
     "revents=POLLIN}, {fd=13, revents=POLLOUT}])",
     (P, 2, 10), {0: struct.pack("<ihhihh", 12, 3, 0, 13, 4, 0),
                  ("out", 0): struct.pack("<ihhihh", 12, 3, 1, 13, 4, 4)}, 2),
    ("poll([{fd=5, events=POLLIN}, {fd=3, events=0}], 2, 0) = 0 (Timeout)",
     (P, 2, 0), {0: struct.pack("<ihhihh", 5, 1, 0, 3, 0, 0)}, 0),
    ("poll(NULL, 0, 0) = 0 (Timeout)", (0, 0, 0), None, 0),
    ("epoll_create1(EPOLL_CLOEXEC) = 22", (0o2000000,), None, 22),
    ("epoll_ctl(22, EPOLL_CTL_ADD, 6, {events=EPOLLIN, data={u32=6, u64=6}}) = 0",
     (22, 1, 6, P), {3: struct.pack("<IQ", 1, 6)}, 0),
    ("epoll_ctl(14, EPOLL_CTL_ADD, 12, {events=EPOLLIN|EPOLLET, data={u32=12, u64=12}}) = 0",
     (14, 1, 12, P), {3: struct.pack("<IQ", 0x80000001, 12)}, 0),
    ("epoll_ctl(-1, 0 /* EPOLL_CTL_??? */, -1, NULL) = -1 EFAULT (Bad address)",
     (M64, 0, M64, 0), None, -14),
    ("epoll_wait(22, [], 1023, 0) = 0", (22, P, 1023, 0), None, 0),
    ("epoll_wait(14, [{events=EPOLLIN, data={u32=12, u64=12}}, {events=EPOLLOUT, data={u32=13, "
     "u64=13}}], 1023, 10) = 2", (14, P, 1023, 10),
     {1: struct.pack("<IQIQ", 1, 12, 4, 13)}, 2),
    ("pselect6(6, [3 5], NULL, NULL, {tv_sec=0, tv_nsec=0}, NULL) = 1 (in [3], left {tv_sec=0, "
     "tv_nsec=0})", (6, P, 0, 0, Q, 0),
     {1: q64(0b101000), 4: q64(0, 0), ("out", 1): q64(0b1000), ("out", 4): q64(0, 0)}, 1),
    ("pselect6(7, [3 5], [6], NULL, {tv_sec=0, tv_nsec=0}, NULL) = 2 (in [3], out [6], "
     "left {tv_sec=0, tv_nsec=0})", (7, P, R, 0, Q, 0),
     {1: q64(0b101000), 2: q64(0b1000000), 4: q64(0, 0), ("out", 1): q64(0b1000),
      ("out", 2): q64(0b1000000), ("out", 4): q64(0, 0)}, 2),
    ("pselect6(6, [5], NULL, NULL, {tv_sec=0, tv_nsec=0}, NULL) = 0 (Timeout)",
     (6, P, 0, 0, Q, 0), {1: q64(0b100000), 4: q64(0, 0)}, 0),
    ("pselect6(7, [6], NULL, NULL, NULL, NULL) = 1 (in [6])",
     (7, P, 0, 0, 0, 0), {1: q64(0b1000000), ("out", 1): q64(0b1000000)}, 1),
    # a probe's socket pair with out-of-band data pending (strace 6.1 lines)
    ("pselect6(5, [4], [3], [4], {tv_sec=1, tv_nsec=0}, NULL) = 3 (in [4], out [3], "
     "except [4], left {tv_sec=0, tv_nsec=999997562})", (5, P, Q, R, 0x1000, 0),
     {1: q64(16), 2: q64(8), 3: q64(16), 4: q64(1, 0), ("out", 1): q64(16),
      ("out", 2): q64(8), ("out", 3): q64(16), ("out", 4): q64(0, 999997562)}, 3),
    ("pselect6(5, [], NULL, [4], NULL, NULL) = 1 (except [4])", (5, P, 0, R, 0, 0),
     {1: q64(0), 3: q64(16), ("out", 1): q64(0), ("out", 3): q64(16)}, 1),
    # strace stops at the count returned: the sets' other bits are not shown
    ("pselect6(5, [4], [3], [4], NULL, NULL) = 1 (in [4])", (5, P, Q, R, 0, 0),
     {1: q64(16), 2: q64(8), 3: q64(16), ("out", 1): q64(16), ("out", 2): q64(8),
      ("out", 3): q64(16)}, 1),
    ("pselect6(5, [3 4], [3], [4], NULL, NULL) = 2 (in [3 4])", (5, P, Q, R, 0, 0),
     {1: q64(24), 2: q64(8), 3: q64(16), ("out", 1): q64(24), ("out", 2): q64(8),
      ("out", 3): q64(16)}, 2),
    ("pselect6(5, [3 4], [3], [4], NULL, NULL) = 1 (in [3])", (5, P, Q, R, 0, 0),
     {1: q64(24), 2: q64(8), 3: q64(16), ("out", 1): q64(24), ("out", 2): q64(8),
      ("out", 3): q64(16)}, 1),
    # strace 6.1 on a probe: ioctl's int arguments, NULL only for the requests it knows
    ("ioctl(99, TCSBRK, 1) = -1 EBADF (Bad file descriptor)", (99, 0x5409, 1), None, -9),
    ("ioctl(99, _IOC(_IOC_NONE, 0xab, 0xcd, 0x1234), 0) = -1 EBADF (Bad file descriptor)",
     (99, 0x1234ABCD, 0), None, -9),
    ("ioctl(99, _IOC(_IOC_NONE, 0xab, 0xcd, 0x1234), 0x1000) = -1 EBADF (Bad file descriptor)",
     (99, 0x1234ABCD, 0x1000), None, -9),
    ("ioctl(99, TCGETS, NULL) = -1 EBADF (Bad file descriptor)", (99, 0x5401, 0), None, -9),
    ("ioctl(99, FIONREAD, 0x1000) = -1 EBADF (Bad file descriptor)", (99, 0x541B, 0x1000),
     {2: i32(5)}, -9),
    ("ioctl(99, FIONBIO, NULL) = -1 EBADF (Bad file descriptor)", (99, 0x5421, 0), None, -9),
    ("ioctl(99, TIOCGWINSZ, 0x1000) = -1 EBADF (Bad file descriptor)", (99, 0x5413, 0x1000),
     {2: bytes(8)}, -9),
    ("ptrace(PTRACE_PEEKUSER, 1, 8*RIP, NULL) = -1 ESRCH (No such process)", (3, 1, 128, 0),
     None, -3),
    ("ptrace(PTRACE_POKEUSER, 1, 8*R15, 0x5) = -1 ESRCH (No such process)", (6, 1, 0, 5),
     None, -3),
    ("ptrace(PTRACE_POKEUSER, 1, 0x1000, 0x5) = -1 ESRCH (No such process)", (6, 1, 0x1000, 5),
     None, -3),
    ("select(2, NULL, [0 1], NULL, {tv_sec=0, tv_usec=100}) = 2 (out [0 1], left {tv_sec=0, "
     "tv_usec=96})", (2, 0, P, 0, Q),
     {2: q64(3), 4: q64(0, 100), ("out", 2): q64(3), ("out", 4): q64(0, 96)}, 2),
    ("eventfd2(0, EFD_CLOEXEC) = 4", (0, 0o2000000), None, 4),
    ("eventfd2(5, 0) = 5", (5, 0), None, 5),
    ("signalfd4(-1, [INT CHLD], 8, SFD_CLOEXEC|SFD_NONBLOCK) = 6",
     (M64, P, 8, 0o2004000), {1: sigset(2, 17)}, 6),
    ("timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC|TFD_NONBLOCK) = 3", (1, 0o2004000), None, 3),
    ("timerfd_settime(3, TFD_TIMER_ABSTIME, {it_interval={tv_sec=0, tv_nsec=0}, "
     "it_value={tv_sec=1, tv_nsec=500}}, NULL) = 0", (3, 1, P, 0), {2: q64(0, 0, 1, 500)}, 0),
    ("timerfd_settime(3, 0, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=1, "
     "tv_nsec=500}}, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=0}}) = 0",
     (3, 0, P, Q), {2: q64(0, 0, 1, 500), 3: q64(0, 0, 0, 0)}, 0),
    ("timerfd_gettime(3, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, "
     "tv_nsec=999955606}}) = 0", (3, P), {1: q64(0, 0, 0, 999955606)}, 0),
    # --- memory ---------------------------------------------------------------------------------
    ("mmap(NULL, 0, PROT_NONE, MAP_FILE, -1, 0x1000) = -1 EBADF (Bad file descriptor)",
     (0, 0, 0, 0, M64, 0x1000), None, -9),
    ("mmap(NULL, 0, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|30<<MAP_HUGE_SHIFT, -1, 0) "
     "= -1 EINVAL (Invalid argument)", (0, 0, 0, 0x22 | 0x40000 | (30 << 26), M64, 0), None, -22),
    ("mmap(NULL, 8392704, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK, -1, 0) = "
     "0x7effb1c79000", (0, 8392704, 0, 0x20022, M64, 0), None, 0x7EFFB1C79000),
    ("mprotect(NULL, 0, PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|PROT_GROWSDOWN|PROT_GROWSUP|"
     "0xfcfffff0) = -1 EINVAL (Invalid argument)", (0, 0, 0xFFFFFFFF), None, -22),
    ("mremap(NULL, 0, 0, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP|0xfffffff8, NULL) = -1 "
     "EINVAL (Invalid argument)", (0, 0, 0, 0xFFFFFFFF, 0), None, -22),
    ("msync(NULL, 0, MS_SYNC|MS_ASYNC|MS_INVALIDATE|0xfffffff8) = -1 EINVAL (Invalid argument)",
     (0, 0, 0xFFFFFFFF), None, -22),
    ("madvise(NULL, 0, MADV_DONTNEED) = 0", (0, 0, 4), None, 0),
    ("madvise(NULL, 0, 0x3e7 /* MADV_??? */) = -1 EINVAL (Invalid argument)",
     (0, 0, 999), None, -22),
    # --- processes ------------------------------------------------------------------------------
    ("clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
     "child_tidptr=0x7fb90a03be50) = 5562", (0x1200011, 0, 0, 0x7FB90A03BE50, 0), None, 5562),
    ("clone(child_stack=NULL, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_PIDFD|"
     "CLONE_PTRACE|CLONE_VFORK|CLONE_PARENT|CLONE_THREAD|CLONE_NEWNS|CLONE_SYSVSEM|CLONE_SETTLS|"
     "CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_UNTRACED|CLONE_CHILD_SETTID|"
     "CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET|"
     "CLONE_IO|0x400000|SIGCHLD, parent_tid=NULL, tls=NULL, child_tidptr=NULL) = -1 EINVAL "
     "(Invalid argument)", (0xFFFFFF11, 0, 0, 0, 0), None, -22),
    ("clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
     "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7effb2479990, "
     "parent_tid=0x7effb2479990, exit_signal=0, stack=0x7effb1c79000, stack_size=0x7fff80, "
     "tls=0x7effb24796c0} => {parent_tid=[20587]}, 88) = 20587",
     (P, 88), {0: struct.pack("<11Q", 0x3D0F00, 0, 0x7EFFB2479990, 0x7EFFB2479990, 0,
                              0x7EFFB1C79000, 0x7FFF80, 0x7EFFB24796C0, 0, 0, 0),
               ("parent_tid", 0): 20587}, 20587),
    ('execve("/bin/true", ["true", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"..., "b", "c", "d", "e\\n"], '
     "0x7ffe5313ca50 /* 35 vars */) = 0",
     (P, Q, 0x7FFE5313CA50), {0: b"/bin/true", 1: [b"true", b"a" * 33, b"b", b"c", b"d", b"e\n"],
                              2: 35}, 0),
    ("execve(NULL, NULL, NULL) = -1 EFAULT (Bad address)", (0, 0, 0), None, -14),
    ('execve("/nonexistent", ["a", "b"], 0x7fb72bbac390 /* 2 vars */) = -1 ENOENT (No such file '
     "or directory)", (P, Q, 0x7FB72BBAC390), {0: b"/nonexistent", 1: [b"a", b"b"], 2: 2}, -2),
    ('execve("/nonexistent", ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", '
     '"x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", "x", '
     '"x", ...], 0x10) = -1 ENOENT (No such file or directory)',
     (P, Q, 0x10), {0: b"/nonexistent", 1: [b"x"] * 32 + [None]}, -2),
    ("wait4(5562, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 5562",
     (5562, P, 0, 0), {1: i32(3 << 8)}, 5562),
    ("wait4(5563, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 5563",
     (5563, P, 0, 0), {1: i32(9)}, 5563),
    ("wait4(20585, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}], WSTOPPED, {ru_utime={tv_sec=0, "
     "tv_usec=1203}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 20585",
     (20585, P, 2, Q), {1: i32(19 << 8 | 0x7F), 3: q64(0, 1203, 0, 0) + bytes(112)}, 20585),
    ("wait4(20585, [{WIFCONTINUED(s)}], WCONTINUED, {ru_utime={tv_sec=0, tv_usec=1231}, "
     "ru_stime={tv_sec=0, tv_usec=0}, ...}) = 20585",
     (20585, P, 8, Q), {1: i32(0xFFFF), 3: q64(0, 1231, 0, 0) + bytes(112)}, 20585),
    ("wait4(-1, NULL, WNOHANG|WEXITED|WSTOPPED|WCONTINUED|WNOWAIT|__WCLONE|__WALL|__WNOTHREAD|"
     "0x1efffff0, NULL) = -1 EINVAL (Invalid argument)", (M64, 0, 0xFFFFFFFF, 0), None, -22),
    ("wait4(-1, NULL, 0, NULL) = -1 ECHILD (No child processes)", (M64, 0, 0, 0), None, -10),
    ("waitid(P_PID, 20586, {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=20586, si_uid=0, "
     "si_status=SIGABRT, si_utime=0, si_stime=0}, WEXITED, NULL) = 0",
     (1, 20586, P, 4, 0),
     {2: struct.pack("<iii4xiIi", 17, 0, 2, 20586, 0, 6).ljust(128, b"\0")}, 0),
    ("kill(5561, 0) = 0", (5561, 0), None, 0),
    ("kill(5563, SIGKILL) = 0", (5563, 9), None, 0),
    ("kill(-123456, SIGRT_32) = -1 ESRCH (No such process)", (-123456 & M64, 64), None, -3),
    ("kill(-123456, 65) = -1 EINVAL (Invalid argument)", (-123456 & M64, 65), None, -22),
    ("tgkill(20584, 20584, 0) = 0", (20584, 20584, 0), None, 0),
    ("getpid() = 5561", (), None, 5561),
    ("getuid() = 0", (), None, 0),
    ("getgroups(32, []) = 0", (32, P), {1: b""}, 0),
    ("getgroups(32, [0, 27]) = 2", (32, P), {1: i32(0, 27)}, 2),
    ("getgroups(0, NULL) = 2", (0, 0), None, 2),
    ("setgroups(2, [0, 27]) = 0", (2, P), {1: i32(0, 27)}, 0),
    ("prctl(PR_CAPBSET_READ, CAP_MAC_OVERRIDE) = 1", (23, 32, 0, 0, 0), None, 1),
    ("prctl(PR_CAPBSET_READ, 0x29 /* CAP_??? */) = -1 EINVAL (Invalid argument)",
     (23, 41, 0, 0, 0), None, -22),
    ("exit_group(0) = ?", (0,), None, None),  # type: ignore[list-item]
    ("unshare(CLONE_NEWTIME|CLONE_NEWNET) = 0", (0x40000080,), None, 0),
    ("unshare(0) = 0", (0,), None, 0),
    ("setns(-1, CLONE_NEWNET) = -1 EBADF (Bad file descriptor)", (M64, 0x40000000), None, -9),
    ("prlimit64(0, RLIMIT_NOFILE, NULL, {rlim_cur=20000, rlim_max=20000}) = 0",
     (0, 7, 0, P), {3: struct.pack("<QQ", 20000, 20000)}, 0),
    ("prlimit64(0, RLIMIT_CORE, {rlim_cur=0, rlim_max=RLIM64_INFINITY}, NULL) = 0",
     (0, 4, P, 0), {2: struct.pack("<QQ", 0, M64)}, 0),
    ("prlimit64(0, 0x10 /* RLIMIT_??? */, NULL, NULL) = -1 EINVAL (Invalid argument)",
     (0, 16, 0, 0), None, -22),
    ('uname({sysname="Linux", nodename="vm", ...}) = 0',
     (P,), {0: b"".join(s.ljust(65, b"\0") for s in (b"Linux", b"vm", b"6", b"#1", b"x", b""))}, 0),
    ("sysinfo({uptime=1228, loads=[23680, 23840, 18304], totalram=25276063744, "
     "freeram=24995586048, sharedram=9166848, bufferram=1740800, totalswap=0, freeswap=0, "
     "procs=94, totalhigh=0, freehigh=0, mem_unit=1}) = 0",
     (P,), {0: struct.pack("<qQQQQQQQQQH6xQQI4x", 1228, 23680, 23840, 18304, 25276063744,
                           24995586048, 9166848, 1740800, 0, 0, 94, 0, 0, 1)}, 0),
    ("getrusage(RUSAGE_SELF, {ru_utime={tv_sec=0, tv_usec=62380}, ru_stime={tv_sec=0, "
     "tv_usec=35614}, ...}) = 0", (0, P), {1: q64(0, 62380, 0, 35614) + bytes(112)}, 0),
    ("getrusage(RUSAGE_CHILDREN, {ru_utime={tv_sec=0, tv_usec=0}, ru_stime={tv_sec=0, "
     "tv_usec=0}, ...}) = 0", (M64, P), {1: bytes(144)}, 0),
    ("getresuid([0], [0], [0]) = 0", (P, P + 4, P + 8), {0: 0, 1: 0, 2: 0}, 0),
    ("getcpu([1], [0], NULL) = 0", (P, P + 4, 0), {0: 1, 1: 0}, 0),
    ("sched_getaffinity(0, 8, [0 1]) = 8", (0, 8, P), {2: q64(3)}, 8),
    ("sched_setaffinity(0, 8, [0 2]) = 0", (0, 8, P), {2: q64(5)}, 0),
    ("sched_getparam(0, [0]) = 0", (0, P), {1: i32(0)}, 0),
    ("sched_setscheduler(0, 0x40000000 /* SCHED_??? */, [0]) = 0",
     (0, 0x40000000, P), {2: i32(0)}, 0),
    ("sched_setscheduler(-1, SCHED_FIFO, NULL) = -1 EINVAL (Invalid argument)",
     (M64, 1, 0), None, -22),
    ("sched_getscheduler(0) = 1073741824", (0,), None, 1073741824),
    ("sched_getscheduler(0) = 0 (SCHED_OTHER)", (0,), None, 0),
    ("sigaltstack(NULL, {ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}) = 0",
     (0, P), {1: struct.pack("<Qi4xQ", 0, 2, 0)}, 0),
    ('prctl(PR_SET_NAME, "myname") = 0', (15, P, 0, 0, 0), {1: b"myname"}, 0),
    ("prctl(PR_GET_DUMPABLE) = 1 (SUID_DUMP_USER)", (3, 0, 0, 0, 0), None, 1),
    ("prctl(PR_SET_PDEATHSIG, SIGKILL) = 0", (1, 9, 0, 0, 0), None, 0),
    ("prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) = 0", (38, 1, 0, 0, 0), None, 0),
    ('prctl(PR_GET_NAME, "myname") = 0', (16, P, 0, 0, 0), {1: b"myname"}, 0),
    ("prctl(0x3e7 /* PR_??? */, 0x1, 0x2, 0x3, 0x4) = -1 EINVAL (Invalid argument)",
     (999, 1, 2, 3, 4), None, -22),
    ("arch_prctl(ARCH_GET_FS, NULL) = -1 EFAULT (Bad address)", (0x1003, 0), None, -14),
    ("arch_prctl(ARCH_GET_FS, [0x7f2b35954740]) = 0", (0x1003, P), {1: q64(0x7F2B35954740)}, 0),
    ("arch_prctl(ARCH_GET_CPUID) = 1", (0x1011, 0), None, 1),
    ("arch_prctl(ARCH_SET_CPUID, 0) = -1 ENODEV (No such device)", (0x1012, 0), None, -19),
    ("arch_prctl(0x3001 /* ARCH_??? */, 0) = -1 EINVAL (Invalid argument)",
     (0x3001, 0), None, -22),
    ("personality(0xffffffff) = 0 (PER_LINUX)", (0xFFFFFFFF,), None, 0),
    ("personality(PER_LINUX|ADDR_NO_RANDOMIZE) = 0x400000 (PER_LINUX|READ_IMPLIES_EXEC)",
     (0x40000,), None, 0x400000),
    ("personality(PER_LINUX32) = 0x8 (PER_LINUX32)", (8,), None, 8),
    ("ptrace(PTRACE_TRACEME) = -1 EPERM (Operation not permitted)", (0, 0, 0, 0), None, -1),
    ("ptrace(PTRACE_ATTACH, 0) = -1 ESRCH (No such process)", (16, 0, 0, 0), None, -3),
    ("ptrace(PTRACE_PEEKDATA, 0, NULL, NULL) = -1 ESRCH (No such process)",
     (2, 0, 0, 0), None, -3),
    ("ptrace(PTRACE_SETOPTIONS, 0, NULL, PTRACE_O_TRACESYSGOOD|PTRACE_O_TRACEFORK|"
     "PTRACE_O_TRACEVFORK|PTRACE_O_TRACECLONE|PTRACE_O_TRACEEXEC|PTRACE_O_TRACEVFORKDONE|"
     "PTRACE_O_TRACEEXIT) = -1 ESRCH (No such process)", (0x4200, 0, 0, 0x7F), None, -3),
    ("ptrace(PTRACE_CONT, 0, NULL, SIGKILL) = -1 ESRCH (No such process)",
     (7, 0, 0, 9), None, -3),
    ("ptrace(PTRACE_GETREGS, 0, NULL) = -1 ESRCH (No such process)", (12, 0, 0, 0), None, -3),
    ("ptrace(PTRACE_GETFPXREGS, 0, NULL, NULL) = -1 ESRCH (No such process)",
     (18, 0, 0, 0), None, -3),
    ("ptrace(PTRACE_PEEKUSER, 0, 8*R15, NULL) = -1 ESRCH (No such process)",
     (3, 0, 0, 0), None, -3),
    ("ptrace(PTRACE_POKEUSER, 0, 8*ORIG_RAX, NULL) = -1 ESRCH (No such process)",
     (6, 0, 120, 0), None, -3),
    ("ptrace(PTRACE_GETREGSET, 0, 0 /* NT_??? */, NULL) = -1 ESRCH (No such process)",
     (0x4204, 0, 0, 0), None, -3),
    ("ptrace(PTRACE_GETREGSET, 0, NT_PRSTATUS, 0x7ffd53448000) = 0",
     (0x4204, 0, 1, P), None, 0),
    ("ptrace(PTRACE_GET_SYSCALL_INFO, 0, 0, NULL) = -1 ESRCH (No such process)",
     (0x420E, 0, 0, 0), None, -3),
    ("ptrace(PTRACE_GETSIGMASK, 0, 0, NULL) = -1 ESRCH (No such process)",
     (0x420A, 0, 0, 0), None, -3),
    ("seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, NULL) = -1 EFAULT "
     "(Bad address)", (1, 1, 0), None, -14),
    ("seccomp(SECCOMP_GET_ACTION_AVAIL, 0, NULL) = -1 EFAULT (Bad address)",
     (2, 0, 0), None, -14),
    ("seccomp(SECCOMP_SET_MODE_STRICT, 0xffffffff, NULL) = -1 EINVAL (Invalid argument)",
     (0, 0xFFFFFFFF, 0), None, -22),
    ("membarrier(MEMBARRIER_CMD_QUERY, 0) = 0x3ff (MEMBARRIER_CMD_GLOBAL|"
     "MEMBARRIER_CMD_GLOBAL_EXPEDITED|MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED|"
     "MEMBARRIER_CMD_PRIVATE_EXPEDITED|MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED|"
     "MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE|"
     "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE|MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ|"
     "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ|0x200)", (0, 0, 0), None, 0x3FF),
    ("membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0) = -1 EPERM (Operation not permitted)",
     (8, 0, 0), None, -1),
    ("getrandom(NULL, 0, GRND_NONBLOCK|GRND_RANDOM|GRND_INSECURE|0xfffffff8) = -1 EINVAL "
     "(Invalid argument)", (0, 0, 0xFFFFFFFF), None, -22),
    ("getitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, "
     "tv_usec=999954}}) = 0", (0, P), {1: q64(0, 0, 0, 999954)}, 0),
    ("setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=1, "
     "tv_usec=0}}, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=0}}) = 0",
     (0, P, Q), {1: q64(0, 0, 1, 0), 2: q64(0, 0, 0, 0)}, 0),
    ("getitimer(0x3 /* ITIMER_??? */, NULL) = -1 EINVAL (Invalid argument)", (3, 0), None, -22),
    ("alarm(5) = 1", (5,), None, 1),
    # --- futexes --------------------------------------------------------------------------------
    ("futex(0x5640c794e7a0, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, "
     "FUTEX_BITSET_MATCH_ANY) = 0", (0x5640C794E7A0, 0x189, 0, 0, 0, 0xFFFFFFFF), None, 0),
    ("futex(0x7effb334e6f0, FUTEX_WAIT_BITSET_PRIVATE, 0, {tv_sec=1227, tv_nsec=206911007}, "
     "FUTEX_BITSET_MATCH_ANY) = 0", (0x7EFFB334E6F0, 0x89, 0, P, 0, 0xFFFFFFFF),
     {3: q64(1227, 206911007)}, 0),
    ("futex(0x7effb334e6f8, FUTEX_WAIT_PRIVATE, 2, NULL) = -1 EAGAIN (Resource temporarily "
     "unavailable)", (0x7EFFB334E6F8, 0x80, 2, 0, 0, 0), None, -11),
    ("futex(NULL, FUTEX_REQUEUE, 0, 0, NULL) = -1 EFAULT (Bad address)",
     (0, 3, 0, 0, 0, 0), None, -14),
    ("futex(NULL, FUTEX_CMP_REQUEUE, 0, 0, NULL, 0) = -1 EFAULT (Bad address)",
     (0, 4, 0, 0, 0, 0), None, -14),
    ("futex(NULL, FUTEX_WAKE_OP, 0, 0, NULL, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_EQ<<24|0) = -1 "
     "EFAULT (Bad address)", (0, 5, 0, 0, 0, 0), None, -14),
    ("futex(NULL, FUTEX_LOCK_PI, NULL) = -1 EFAULT (Bad address)", (0, 6, 0, 0, 0, 0), None, -14),
    ("futex(NULL, FUTEX_UNLOCK_PI) = -1 EFAULT (Bad address)", (0, 7, 0, 0, 0, 0), None, -14),
    ("futex(NULL, FUTEX_WAKE_BITSET, 0, 0) = -1 EINVAL (Invalid argument)",
     (0, 10, 0, 0, 0, 0), None, -22),
    ("futex(NULL, FUTEX_WAIT_REQUEUE_PI, 0, NULL, NULL) = -1 EINVAL (Invalid argument)",
     (0, 11, 0, 0, 0, 0), None, -22),
    ("futex(NULL, 0xe /* FUTEX_??? */, 0, NULL, NULL, 0) = -1 ENOSYS (Function not implemented)",
     (0, 14, 0, 0, 0, 0), None, -38),
    ("nanosleep({tv_sec=5, tv_nsec=0}, {tv_sec=4, tv_nsec=999000}) = ? ERESTART_RESTARTBLOCK "
     "(Interrupted by signal)", (P, Q), {0: q64(5, 0), 1: q64(4, 999000)}, -516),
    ("clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=5, tv_nsec=0}, {tv_sec=1, tv_nsec=2}) = -1 "
     "EINTR (Interrupted system call)", (0, 0, P, Q), {2: q64(5, 0), 3: q64(1, 2)}, -4),
    # --- time -----------------------------------------------------------------------------------
    ("nanosleep({tv_sec=0, tv_nsec=1000}, NULL) = 0", (P, 0), {0: q64(0, 1000)}, 0),
    ("nanosleep({tv_sec=0, tv_nsec=1000}, 0x7effb28ca800) = 0",
     (P, 0x7EFFB28CA800), {0: q64(0, 1000)}, 0),
    ("nanosleep({tv_sec=-1, tv_nsec=5000000000}, NULL) = -1 EINVAL (Invalid argument)",
     (P, 0), {0: q64(-1, 5000000000)}, -22),
    ("clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, {tv_sec=389, tv_nsec=52475069}, NULL) = 0",
     (1, 1, P, 0), {2: q64(389, 52475069)}, 0),
    ("clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME|0xfffffffe, NULL, NULL) = -1 EFAULT "
     "(Bad address)", (0, 0xFFFFFFFF, 0, 0), None, -14),
    ("gettimeofday({tv_sec=1795798426, tv_usec=52039}, NULL) = 0",
     (P, 0), {0: q64(1795798426, 52039)}, 0),
    ("gettimeofday(NULL, NULL) = 0", (0, 0), None, 0),
    ("clock_gettime(CLOCK_MONOTONIC, {tv_sec=1227, tv_nsec=186623316}) = 0",
     (1, P), {1: q64(1227, 186623316)}, 0),
    ("clock_gettime(CLOCK_BOOTTIME_ALARM, NULL) = -1 EINVAL (Invalid argument)",
     (9, 0), None, -22),
    ("clock_gettime(0xfffffffa /* CLOCK_??? */, NULL) = -1 EFAULT (Bad address)",
     (-6 & M64, 0), None, -14),
    # --- signals --------------------------------------------------------------------------------
    ("rt_sigaction(SIGUSR1, {sa_handler=0x7fb909cd4d00, sa_mask=[], sa_flags=SA_RESTORER|"
     "SA_ONSTACK, sa_restorer=0x7fb90985a050}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) "
     "= 0", (10, P, Q, 8),
     {1: sigaction(0x7FB909CD4D00, SA_RESTORER | SA_ONSTACK, 0x7FB90985A050), 2: bytes(32)}, 0),
    ("rt_sigaction(SIGUSR2, NULL, 0x10, 8) = -1 EFAULT (Bad address)", (12, 0, 0x10, 8), None,
     -14),
    ("rt_sigaction(SIGUSR2, {sa_handler=SIG_DFL, sa_mask=~[RTMIN RT_1], sa_flags=0}, NULL, 8) "
     "= 0", (12, P, 0, 8), {1: sigaction(0, 0, 0, M64 - (1 << 31) - (1 << 32))}, 0),
    ("rt_sigprocmask(SIG_BLOCK, [INT CHLD], [], 8) = 0",
     (0, P, Q, 8), {1: sigset(2, 17), 2: sigset()}, 0),
    ("rt_sigprocmask(SIG_SETMASK, [], [INT CHLD], 8) = 0",
     (2, P, Q, 8), {1: sigset(), 2: sigset(2, 17)}, 0),
    ("rt_sigprocmask(SIG_BLOCK, ~[KILL STOP RTMIN RT_1], NULL, 8) = 0",
     (0, P, 0, 8), {1: q64(0xFFFFFFFE7FFBFEFF - 2**64)}, 0),
    ("rt_sigprocmask(SIG_UNBLOCK, 0x10, NULL, 8) = -1 EFAULT (Bad address)",
     (1, 0x10, 0, 8), None, -14),
    ("rt_sigprocmask(0x3 /* SIG_??? */, NULL, NULL, 8) = 0", (3, 0, 0, 8), None, 0),
    # --- sockets --------------------------------------------------------------------------------
    ("socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 12", (2, 0o2000001, 0), None, 12),
    ("socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 14", (1, 0o2000001, 0), None, 14),
    ("socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 19", (16, 0o2000003, 0), None,
     19),
    ("socket(AF_INET6, SOCK_STREAM, IPPROTO_ICMPV6) = -1 EPROTONOSUPPORT (Protocol not "
     "supported)", (10, 1, 58), None, -93),
    ("socket(AF_INET, SOCK_STREAM, 0x3e7 /* IPPROTO_??? */) = -1 EPROTONOSUPPORT (Protocol not "
     "supported)", (2, 1, 999), None, -93),
    ("socket(AF_PACKET, SOCK_RAW|0x60 /* SOCK_??? */, htons(0 /* ETH_P_??? */)) = -1 EINVAL "
     "(Invalid argument)", (17, 99, 0), None, -22),
    ("socket(0x2e /* AF_??? */, SOCK_RAW|0x60 /* SOCK_??? */, 0) = -1 EAFNOSUPPORT (Address "
     "family not supported by protocol)", (46, 99, 0), None, -97),
    ("socketpair(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0, [7, 8]) = 0",
     (1, 0o2000001, 0, P), {3: i32(7, 8)}, 0),
    ('connect(12, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}, '
     "16) = -1 ECONNREFUSED (Connection refused)", (12, P, 16), {1: sin(9, "127.0.0.1")}, -111),
    ('connect(13, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), '
     'inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = 0',
     (13, P, 28), {1: sin6(53, "::1")}, 0),
    ('connect(14, {sa_family=AF_UNIX, sun_path="/run/nonexistent.sock"}, 24) = -1 ENOENT '
     "(No such file or directory)", (14, P, 24), {1: b"\x01\x00/run/nonexistent.sock\0"}, -2),
    ('bind(15, {sa_family=AF_UNIX, sun_path=@"abstract"}, 11) = 0',
     (15, P, 11), {1: b"\x01\x00\x00abstract"}, 0),
    ("bind(19, {sa_family=AF_NETLINK, nl_pad=0x9f4, nl_pid=0, nl_groups=00000000}, 12) = 0",
     (19, P, 12), {1: b"\x10\x00" + struct.pack("<HII", 0x9F4, 0, 0)}, 0),
    ("bind(-1, {sa_family=AF_INET}, 2) = -1 EBADF (Bad file descriptor)",
     (M64, P, 2), {1: b"\x02\x00"}, -9),
    ('bind(-1, {sa_family=AF_INET, sa_data="\\0P\\177\\0\\0\\1"}, 8) = -1 EBADF (Bad file '
     "descriptor)", (M64, P, 8), {1: b"\x02\x00\x00\x50\x7f\x00\x00\x01"}, -9),
    ('bind(-1, {sa_family=0x63 /* AF_??? */, sa_data="abcdef"}, 8) = -1 EBADF (Bad file '
     "descriptor)", (M64, P, 8), {1: b"\x63\x00abcdef"}, -9),
    ("bind(-1, NULL, 0) = -1 EBADF (Bad file descriptor)", (M64, 0, 0), None, -9),
    ("bind(-1, 0x10, 16) = -1 EBADF (Bad file descriptor)", (M64, 0x10, 16), None, -9),
    ("setsockopt(16, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0", (16, 1, 2, P, 4), {3: i32(1)}, 0),
    ("setsockopt(7, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=5}, 8) = 0",
     (7, 1, 13, P, 8), {3: i32(1, 5)}, 0),
    ("setsockopt(-1, SOL_TCP, TCP_NODELAY, NULL, 0) = -1 EBADF (Bad file descriptor)",
     (M64, 6, 1, 0, 0), None, -9),
    ("getsockopt(7, SOL_SOCKET, SO_SNDBUF, [131072], [4]) = 0",
     (7, 1, 7, P, Q), {("in", 4): 4, 4: 4, 3: i32(131072)}, 0),
    ("getsockopt(-1, SOL_SOCKET, 0x36 /* SO_??? */, NULL, NULL) = -1 EBADF (Bad file "
     "descriptor)", (M64, 1, 0x36, 0, 0), None, -9),
    ("listen(16, 5) = 0", (16, 5), None, 0),
    ("getsockopt(-1, SOL_SOCKET, SO_GET_FILTER, NULL, NULL) = -1 EBADF (Bad file descriptor)",
     (M64, 1, 26, 0, 0), None, -9),
    ("setsockopt(-1, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, NULL, 0) = -1 EBADF (Bad file "
     "descriptor)", (M64, 270, 1, 0, 0), None, -9),
    ("setsockopt(-1, SOL_PACKET, PACKET_ADD_MEMBERSHIP, NULL, 0) = -1 EBADF (Bad file "
     "descriptor)", (M64, 263, 1, 0, 0), None, -9),
    ("setsockopt(-1, SOL_RAW, ICMP_FILTER, NULL, 0) = -1 EBADF (Bad file descriptor)",
     (M64, 255, 1, 0, 0), None, -9),
    ('getsockname(16, {sa_family=AF_INET, sin_port=htons(40059), sin_addr=inet_addr('
     '"127.0.0.1")}, [16]) = 0', (16, P, Q), {("in", 2): 16, 2: 16, 1: sin(40059, "127.0.0.1")},
     0),
    ('accept4(16, {sa_family=AF_INET, sin_port=htons(49114), sin_addr=inet_addr("127.0.0.1")}, '
     "[16], SOCK_CLOEXEC) = 18", (16, P, Q, 0o2000000),
     {("in", 2): 16, 2: 16, 1: sin(49114, "127.0.0.1")}, 18),
    ('getsockname(18, {sa_family=AF_INET, sin_port=htons(40059), sin_addr=inet_addr('
     '"127.0.0.1")}, [128 => 16]) = 0', (18, P, Q),
     {("in", 2): 128, 2: 16, 1: sin(40059, "127.0.0.1")}, 0),
    ("getsockname(14, {sa_family=AF_UNIX}, [110 => 2]) = 0",
     (14, P, Q), {("in", 2): 110, 2: 2, 1: b"\x01\x00"}, 0),
    ("getpeername(12, 0x7fff94eec820, [16]) = -1 ENOTCONN (Transport endpoint is not "
     "connected)", (12, 0x7FFF94EEC820, Q), {("in", 2): 16}, -107),
    ("getsockname(19, {sa_family=AF_NETLINK, nl_pid=5561, nl_groups=00000000}, [12]) = 0",
     (19, P, Q), {("in", 2): 12, 2: 12, 1: b"\x10\x00" + struct.pack("<HII", 0, 5561, 0)}, 0),
    ("getsockname(-1, 0x7fb72bbac410, 0x10) = -1 EBADF (Bad file descriptor)",
     (M64, 0x7FB72BBAC410, 0x10), None, -9),
    ("accept(-1, NULL, NULL) = -1 EBADF (Bad file descriptor)", (M64, 0, 0), None, -9),
    ('sendto(17, "ping", 4, 0, NULL, 0) = 4', (17, P, 4, 0, 0, 0), {1: b"ping"}, 4),
    ('sendto(-1, "abc", 3, MSG_NOSIGNAL, NULL, 0) = -1 EBADF (Bad file descriptor)',
     (M64, P, 3, 0x4000, 0, 0), {1: b"abc"}, -9),
    ('sendto(11, "abc", 3, 0, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr('
     '"127.0.0.1")}, 16) = 3', (11, P, 3, 0, Q, 16), {1: b"abc", 4: sin(9, "127.0.0.1")}, 3),
    ('recvfrom(18, "ping", 10, 0, NULL, NULL) = 4', (18, P, 10, 0, 0, 0), {1: b"ping"}, 4),
    ("recvfrom(-1, 0x7fb72bff2f50, 8, 0, NULL, NULL) = -1 EBADF (Bad file descriptor)",
     (M64, 0x7FB72BFF2F50, 8, 0, 0, 0), None, -9),
    ("shutdown(18, SHUT_WR) = 0", (18, 1), None, 0),
    ("shutdown(-1, 0x3 /* SHUT_??? */) = -1 EBADF (Bad file descriptor)", (M64, 3), None, -9),
    ('sendmsg(7, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hello", iov_len=5}, '
     '{iov_base=" world", iov_len=6}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, 0) = 11',
     (7, P, 0), {1: {"hdr": msghdr(0, 0, Q, 2), "iov": [(R, 5, b"hello"), (R + 8, 6, b" world")]}},
     11),
    ('sendmsg(7, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="x", iov_len=1}], '
     "msg_iovlen=1, msg_controllen=0, msg_flags=0}, MSG_DONTWAIT) = 1",
     (7, P, 0x40), {1: {"hdr": msghdr(0, 0, Q, 1), "iov": [(R, 1, b"x")]}}, 1),
    ('recvmsg(8, {msg_name=0x7ffe5313c370, msg_namelen=110 => 0, msg_iov=[{iov_base='
     '"hello worldx", iov_len=100}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 12',
     (8, P, 0), {("in", 1): 110, 1: {"hdr": msghdr(0x7FFE5313C370, 0, Q, 1), "namelen_in": 110,
                                     "iov": [(R, 100, b"hello worldx")]}}, 12),
    ('sendmsg(7, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="yz", iov_len=2}], '
     "msg_iovlen=1, msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, "
     "cmsg_data=[0]}], msg_controllen=24, msg_flags=0}, 0) = 2",
     (7, P, 0), {1: {"hdr": msghdr(0, 0, Q, 1, R, 24), "iov": [(R, 2, b"yz")],
                     "control": struct.pack("<Qiii4x", 20, 1, 1, 0)}}, 2),
    # --- readv / writev ------------------------------------------------------------------------
    ('readv(12, [{iov_base="abc", iov_len=3}, {iov_base="defgh", iov_len=10}], 2) = 8',
     (12, P, 2), {1: [(Q, 3, b"abc"), (R, 10, b"defgh")]}, 8),
    ("readv(3, [{iov_base=0x7ffd53449000, iov_len=3}], 1) = -1 EBADF (Bad file descriptor)",
     (3, P, 1), {1: [(Q, 3, None)]}, -9),
    ("writev(13, [" + ", ".join(['{iov_base="a", iov_len=1}'] * 32) + ", ...], 40) = 40",
     (13, P, 40), {1: [(Q + k, 1, b"a") for k in range(32)]}, 40),
    ('write(13, "h\\303\\251llo w\\303\\266rld", 13) = 13',
     (13, P, 13), {1: "héllo wörld".encode()}, 13),
    ('write(13, "\\33[0m\\0331\\09\\r\\f\\v\\7", 12) = 12',
     (13, P, 12), {1: b"\x1b[0m\x1b1\x009\r\f\v\x07"}, 12),
    ("write(13, 0x10, 10) = -1 EFAULT (Bad address)", (13, 0x10, 10), None, -14),
    ("write(13, NULL, 10) = -1 EFAULT (Bad address)", (13, 0, 10), None, -14),
    ('write(13, "", 0) = 0', (13, P, 0), {1: b""}, 0),
    ('openat2(AT_FDCWD, "/nonexistent", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS}, '
     "24) = -1 ENOENT (No such file or directory)",
     (AT_FDCWD, P, Q, 24), {1: b"/nonexistent", 2: struct.pack("<QQQ", 0o2000000, 0, 4)}, -2),
    ('openat2(AT_FDCWD, "/nonexistent/x", {flags=O_WRONLY|O_CREAT, mode=0644, resolve=0}, 24) '
     "= -1 ENOENT (No such file or directory)",
     (AT_FDCWD, P, Q, 24), {1: b"/nonexistent/x", 2: struct.pack("<QQQ", 0o101, 0o644, 0)}, -2),
    ('openat2(AT_FDCWD, "/nonexistent/x", 0x7fb72bbac550, 16) = -1 EINVAL (Invalid argument)',
     (AT_FDCWD, P, 0x7FB72BBAC550, 16), {1: b"/nonexistent/x", 2: b"\x41" + bytes(15)}, -22),
]


def _line(case: tuple[str, tuple[int, ...], dict[Any, object] | None, int | None]) -> str:
    expected, raw, cap, ret = case
    name = expected.partition("(")[0]
    info = T.by_name[name]
    err = -ret if ret is not None and -4096 < ret < 0 else None
    args = format_args(info, raw, cap, ret, arch="x86_64")
    return f"{name}({args}) = {format_retval(info, ret, err, cap, raw=raw, arch='x86_64')}"


def test_golden_strace_lines() -> None:
    wrong = [(case[0], got) for case in GOLDEN if (got := _line(case)) != case[0]]
    assert not wrong, "\n".join(f"want {w}\n got {g}" for w, g in wrong)
    assert len(GOLDEN) >= 200


def test_golden_cases_cover_many_syscalls() -> None:
    names = {case[0].partition("(")[0] for case in GOLDEN}
    assert len(names) >= 100


# --- fd paths (strace -y) ---------------------------------------------------------------------

def test_fd_paths_like_strace_y() -> None:
    openat = T.by_name["openat"]
    cap: dict[Any, object] = {1: b"/etc/hostname", ("fd", 0): "/tmp/gold",
                              ("fd", "ret"): "/etc/hostname"}
    raw = (AT_FDCWD, P, 0o2000000, 0)
    assert format_args(openat, raw, cap, 3, fd_paths=True) == (
        'AT_FDCWD</tmp/gold>, "/etc/hostname", O_RDONLY|O_CLOEXEC')
    assert format_args(openat, raw, cap, 3) == 'AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC'
    assert format_retval(openat, 3, None, cap) == "3</etc/hostname>"
    assert format_retval(openat, 3, None, cap, fd_paths=False) == "3"
    assert format_retval(openat, 3, None) == "3"
    read = T.by_name["read"]
    cap = {1: b"vm\n", ("fd", 0): "/etc/hostname"}
    assert format_args(read, (3, P, 10), cap, 3, fd_paths=True) == '3</etc/hostname>, "vm\\n", 10'
    pipe2 = T.by_name["pipe2"]
    cap = {0: i32(6, 7), ("fdn", 6): "pipe:[38480]", ("fdn", 7): "pipe:[38480]"}
    assert format_args(pipe2, (P, 0o2000000), cap, 0, fd_paths=True) == (
        "[6<pipe:[38480]>, 7<pipe:[38480]>], O_CLOEXEC")
    pselect6 = T.by_name["pselect6"]
    cap = {1: q64(1 << 6), 2: q64(1 << 5 | 1 << 7), ("fdn", 5): "socket:[38478]",
           ("fdn", 6): "pipe:[38480]", ("fdn", 7): "pipe:[38480]"}
    assert format_args(pselect6, (8, P, Q, 0, 0, 0), cap, 3, fd_paths=True) == (
        "8, [6<pipe:[38480]>], [5<socket:[38478]> 7<pipe:[38480]>], NULL, NULL, NULL")
    odd = format_args(read, (3, P, 1), {("fd", 0): "/tmp/a<b>\n", 1: b"x"}, 1, fd_paths=True)
    assert odd == '3</tmp/a\\74b\\76\\n>, "x", 1'


# --- decoded values ---------------------------------------------------------------------------

def test_decode_args_values() -> None:
    openat = T.by_name["openat"]
    assert decode_args(openat, (AT_FDCWD, P, 0o2000000, 0), {1: b"/etc/passwd"}, 3) == (
        "AT_FDCWD", "/etc/passwd", "O_RDONLY|O_CLOEXEC", 0)
    connect = T.by_name["connect"]
    assert decode_args(connect, (3, P, 16), {1: sin(80, "127.0.0.1")}, 0) == (
        3, {"sa_family": "AF_INET", "sin_port": 80, "sin_addr": "127.0.0.1"}, 16)
    execve = T.by_name["execve"]
    assert decode_args(execve, (P, Q, R), {0: b"/bin/ls", 1: [b"ls", b"-la"], 2: 3}, 0) == (
        "/bin/ls", ["ls", "-la"], {"addr": R, "count": 3})
    read = T.by_name["read"]
    assert decode_args(read, (3, P, 10), {1: b"hi"}, 2) == (3, b"hi", 10)
    assert decode_args(read, (3, P, 10), None, -9) == (3, P, 10)
    assert decode_args(read, (3, 0, 10), None, -14) == (3, None, 10)
    mmap = T.by_name["mmap"]
    assert decode_args(mmap, (0, 4096, 3, 0x22, M64, 0), None, 0x1000) == (
        None, 4096, "PROT_READ|PROT_WRITE", "MAP_PRIVATE|MAP_ANONYMOUS", -1, 0)
    fstat = T.by_name["newfstatat"]
    values = decode_args(fstat, (3, P, Q, 0x1000), {1: b"", 2: stat_bytes(0o100644, 5)}, 0,
                         arch="x86_64")  # T's layout, whatever the host
    assert isinstance(values[2], dict)
    assert values[2]["st_mode"] == "S_IFREG|0644" and values[2]["st_size"] == 5
    assert values[3] == "AT_EMPTY_PATH"
    wait4 = T.by_name["wait4"]
    assert decode_args(wait4, (7, P, 0, 0), {1: i32(3 << 8)}, 7) == (7, 3 << 8, "0", None)
    pipe2 = T.by_name["pipe2"]
    assert decode_args(pipe2, (P, 0), {0: i32(3, 4)}, 0) == ([3, 4], "0")
    sigproc = T.by_name["rt_sigprocmask"]
    assert decode_args(sigproc, (0, P, 0, 8), {1: sigset(2, 17)}, 0) == (
        "SIG_BLOCK", ["SIGINT", "SIGCHLD"], None, 8)
    writev = T.by_name["writev"]
    assert decode_args(writev, (1, P, 1), {1: [(Q, 2, b"hi")]}, 2) == (
        1, [{"iov_base": b"hi", "iov_len": 2}], 1)
    chown = T.by_name["chown"]
    assert decode_args(chown, (P, 0xFFFFFFFF, 5), {0: b"/x"}, 0) == ("/x", -1, 5)
    umask = T.by_name["umask"]
    assert decode_args(umask, (0o22,), None, 0o22) == (0o22,)
    clone3 = T.by_name["clone3"]
    got = decode_args(clone3, (P, 88), {0: struct.pack("<11Q", 0x11, *([0] * 10))}, 5)
    assert isinstance(got[0], dict) and got[0]["flags"] == 0x11


def test_paths() -> None:
    rename = T.by_name["renameat2"]
    assert paths(rename, (AT_FDCWD, P, AT_FDCWD, Q, 0), {1: b"/a", 3: b"/b\xff"}) == [
        "/a", os.fsdecode(b"/b\xff")]
    assert paths(rename, (AT_FDCWD, P, AT_FDCWD, Q, 0), None) == []
    getcwd = T.by_name["getcwd"]
    assert paths(getcwd, (P, 100), {0: b"/tmp"}) == ["/tmp"]
    assert paths(T.by_name["read"], (3, P, 3), {1: b"abc"}) == []


def test_retval_kinds() -> None:
    info = T.by_name["mmap"]
    assert format_retval(info, 0x7F00, None) == "0x7f00"
    assert format_retval(info, None, None) == "?"
    assert format_retval(info, -12, 12) == "-1 ENOMEM (Cannot allocate memory)"
    assert format_retval(info, -12, None) == "-1 ENOMEM (Cannot allocate memory)"
    assert format_retval(T.by_name["wait4"], -512, 512) == (
        "? ERESTARTSYS (To be restarted if SA_RESTART is set)")
    assert format_retval(T.by_name["umask"], 0o777, None) == "0777"
    assert format_retval(T.by_name["getuid"], 2**32 - 1, None) == "4294967295"
    assert format_retval(T.by_name["read"], 2**64 - 5, None) == "-1 EIO (Input/output error)"
    assert format_retval(T.by_name["rt_sigtimedwait"], 10, None) == "10 (SIGUSR1)"
    assert format_retval(T.by_name["personality"], 8, None) == "0x8 (PER_LINUX32)"
    assert format_retval(T.by_name["brk"], 0, None) == "0"
    fcntl = T.by_name["fcntl"]
    assert format_retval(fcntl, 1, None) == "1"  # no args given: no annotation
    assert format_retval(fcntl, 0, None, raw=(3, 1, 0)) == "0"
    assert format_retval(fcntl, 7, None, {("fd", "ret"): "/x"}, raw=(3, 0, 0)) == "7</x>"


def test_unknown_kind_and_short_raw() -> None:
    info = SyscallInfo(999, "mystery", (ArgSpec("a", "frobnicator"), ArgSpec("b", "fd")),
                       "int", frozenset())
    assert format_args(info, (255, 3), None, 0) == "0xff, 3"
    assert format_args(info, (), None, 0) == "0, 0"
    assert decode_args(info, (255, 3), None, 0) == (255, 3)
    assert format_retval(info, 5, None) == "5"


def test_strsize_applies_to_buffers_not_paths() -> None:
    write = T.by_name["write"]
    assert format_args(write, (1, P, 11), {1: b"hello world"}, 11, strsize=5) == (
        '1, "hello"..., 11')
    openat = T.by_name["openat"]
    path = b"/" + b"x" * 100
    assert format_args(openat, (AT_FDCWD, P, 0, 0), {1: path}, 3, strsize=5) == (
        f'AT_FDCWD, "{path.decode()}", O_RDONLY')
    execve = T.by_name["execve"]
    assert format_args(execve, (P, Q, 0), {0: b"/bin/echo", 1: [b"echo", b"a", b"b"]}, 0,
                       strsize=2) == '"/bin/echo", ["ec"..., "a", ...], NULL'


def test_format_arg_list_is_positional() -> None:
    read = T.by_name["read"]
    assert format_arg_list(read, (3, P, 10), {1: b"hi"}, None) == ["3", "0x7ffd53448000", "10"]
    assert format_arg_list(read, (3, P, 10), {1: b"hi"}, 2) == ["3", '"hi"', "10"]


# --- every kind, every syscall: never raise ----------------------------------------------------

def test_every_arg_kind_has_a_formatter() -> None:
    assert set(FORMATTERS) >= ARG_KINDS
    for table in (T, table_for("aarch64")):
        for info in table.by_nr.values():
            for base, _ in kinds_of(info):
                assert base in FORMATTERS, (info.name, base)
    assert set(SPECIAL) <= set(T.by_name) | {"mq_open"}


_ALL = sorted(T.by_nr.values(), key=lambda i: i.nr) + sorted(
    table_for("aarch64").by_nr.values(), key=lambda i: i.nr)
_u64 = st.integers(0, 2**64 - 1)
_small = st.sampled_from([0, 1, 2, 3, 4, 8, 16, 24, 28, 110, 128, 4096, 2**32 - 1, 2**64 - 1,
                          2**63, -100 & M64, 0x7FFD0000])
_reg = _u64 | _small
_blob = st.binary(max_size=300)
_value = st.one_of(
    st.none(), _blob, st.integers(-(2**70), 2**70), st.lists(st.one_of(_blob, st.none()),
                                                             max_size=8),
    st.lists(st.tuples(_reg, _reg, st.one_of(st.none(), _blob)), max_size=8),
    st.dictionaries(st.sampled_from(["hdr", "name", "iov", "control", "namelen_in"]),
                    st.one_of(_blob, st.integers(), st.none(),
                              st.lists(st.tuples(_reg, _reg, st.one_of(st.none(), _blob)),
                                       max_size=3)), max_size=5),
    st.text(max_size=20),
)
_key = st.one_of(st.integers(0, 6), st.tuples(st.sampled_from(["in", "out", "fd", "fdn",
                                                              "pidfd", "parent_tid"]),
                                            st.one_of(st.integers(-1, 6), st.just("ret"))))


@settings(max_examples=150, deadline=None)
@given(info=st.sampled_from(_ALL), raw=st.lists(_reg, min_size=0, max_size=6),
       captured=st.one_of(st.none(), st.dictionaries(_key, _value, max_size=4)),
       retval=st.one_of(st.none(), _reg, st.integers(-4095, 0)),
       strsize=st.integers(0, 64), fd_paths=st.booleans(),
       arch=st.sampled_from(["x86_64", "aarch64"]))
def test_decoding_never_raises(info: SyscallInfo, raw: list[int], captured: Any,
                               retval: int | None, strsize: int, fd_paths: bool,
                               arch: str) -> None:
    args = tuple(raw)
    text = format_args(info, args, captured, retval, strsize=strsize, fd_paths=fd_paths,
                       arch=arch)
    assert isinstance(text, str)
    values = decode_args(info, args, captured, retval, arch=arch)
    assert len(values) == len(info.args)
    errno = -retval if retval is not None and -4096 < retval < 0 else None
    assert isinstance(format_retval(info, retval, errno, captured, raw=args, arch=arch), str)
    assert isinstance(paths(info, args, captured), list)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_typed_garbage_per_kind_never_raises(data: st.DataObject) -> None:
    """Each argument gets a capture of the right shape but arbitrary (truncated) content."""
    info = data.draw(st.sampled_from(_ALL))
    raw = tuple(data.draw(_reg) for _ in info.args)
    captured: dict[Any, object] = {}
    for i, (base, _) in enumerate(kinds_of(info)):
        if base in ("argv",):
            captured[i] = data.draw(st.lists(st.one_of(_blob, st.none()), max_size=40))
        elif base in ("iovec_in", "iovec_out"):
            captured[i] = data.draw(st.lists(st.tuples(_reg, _reg, st.one_of(st.none(), _blob)),
                                             max_size=40))
        elif base in ("envp", "int_out", "dirents_out", "linux_dirent64_out"):
            captured[i] = data.draw(st.integers(-(2**40), 2**40))
        elif base in ("msghdr_in", "msghdr_out"):
            captured[i] = {"hdr": data.draw(_blob), "name": data.draw(_blob),
                           "iov": data.draw(st.lists(st.tuples(_reg, _reg, _blob), max_size=3)),
                           "control": data.draw(_blob)}
        else:
            captured[i] = data.draw(_blob)
        captured[("in", i)] = data.draw(st.integers(-5, 300))
        captured[("out", i)] = data.draw(_blob)
    retval = data.draw(st.one_of(st.none(), _reg, st.integers(-4095, 64)))
    for fd_paths in (False, True):
        assert isinstance(format_args(info, raw, captured, retval, fd_paths=fd_paths), str)
    decode_args(info, raw, captured, retval)
    format_retval(info, retval, None, captured, raw=raw)


def _fixed_captures(info: SyscallInfo, fill: bytes, size: int) -> dict[Any, object]:
    captured: dict[Any, object] = {}
    for i, (base, _) in enumerate(kinds_of(info)):
        blob = (fill * size)[:size]
        if base == "argv":
            captured[i] = [blob, None]
        elif base in ("iovec_in", "iovec_out"):
            captured[i] = [(P, size, blob), (Q, 2 * size, None)]
        elif base in ("envp", "int_out", "dirents_out", "linux_dirent64_out"):
            captured[i] = size
        elif base in ("msghdr_in", "msghdr_out"):
            captured[i] = {"hdr": blob, "name": blob, "iov": [(P, size, blob)], "control": blob,
                           "namelen_in": size}
        else:
            captured[i] = blob
        captured[("in", i)] = size
        captured[("out", i)] = blob
        captured[("fd", i)] = "/x"
    captured[("fd", "ret")] = "/y"
    return captured


def test_every_syscall_with_patterned_values() -> None:
    """Deterministic sweep: every syscall of both tables, registers and memory patterns."""
    regs = [0, 16, M64, P]
    for info in _ALL:
        n = len(info.args)
        arch = "aarch64" if info.nr < 0x400 and info not in T.by_nr.values() else "x86_64"
        for fill, size in ((b"\0", 0), (b"\xff", 600), (b"\x01\x00", 9)):
            captured = _fixed_captures(info, fill, size)
            for k, reg in enumerate(regs):
                raw = tuple(regs[(k + j) % len(regs)] if j else reg for j in range(n))
                for retval in (None, 600, -14):
                    text = format_args(info, raw, captured, retval, fd_paths=True, arch=arch)
                    assert isinstance(text, str)
                    decode_args(info, raw, captured, retval, arch=arch)
                    format_retval(info, retval, None, captured, raw=raw, arch=arch)


def test_xlat_styles_constants_inside_structures_and_whole_call_printers() -> None:
    """-X raw|verbose reach clone's flags and signal, a sigaction's fields, fcntl's and
    ioctl's constants, a siginfo (strace 6.1's lines); prctl's return note keeps its name."""
    from pytest_renacer.decode import format_siginfo
    from pytest_renacer.decode.format import call_formatter

    def args(name: str, raw: tuple[int, ...], cap: dict[Any, object], ret: int,
             xlat: int) -> str:
        return ", ".join(call_formatter(T.by_name[name], arch="x86_64", xlat=xlat)
                         .arg_list(raw, cap, ret))

    clone = (0x1200011, 0, 0, 0x7F00, 0)
    assert args("clone", clone, {}, 5, 1).startswith("child_stack=NULL, flags=0x1200000|17")
    assert args("clone", clone, {}, 5, 2).startswith(
        "child_stack=NULL, flags=0x1200000 /* CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID */"
        "|17 /* SIGCHLD */")
    sa = struct.pack("<QQQQ", 1, 0x14000000, 0x7F0000001000, 0)
    assert args("rt_sigaction", (10, 0x1000, 0, 8), {1: sa}, 0, 2) == (
        "10 /* SIGUSR1 */, {sa_handler=0x1 /* SIG_IGN */, sa_mask=[], "
        "sa_flags=0x14000000 /* SA_RESTORER|SA_RESTART */, sa_restorer=0x7f0000001000}, "
        "NULL, 8")
    assert args("rt_sigaction", (10, 0x1000, 0, 8), {1: sa}, 0, 1) == (
        "10, {sa_handler=0x1, sa_mask=[], sa_flags=0x14000000, sa_restorer=0x7f0000001000}, "
        "NULL, 8")
    assert args("fcntl", (3, 2, 1), {}, 0, 1) == "3, 0x2, 0x1"
    assert args("fcntl", (3, 2, 1), {}, 0, 0) == "3, F_SETFD, FD_CLOEXEC"  # unchanged
    getfd = call_formatter(T.by_name["fcntl"], arch="x86_64", xlat=2)
    assert getfd.retval((3, 1), {}, 1, None) == "0x1 (flags 0x1 /* FD_CLOEXEC */)"
    dumpable = call_formatter(T.by_name["prctl"], arch="x86_64", xlat=1)
    assert dumpable.arg_list((3, 0, 0, 0, 0), {}, 1) == ["0x3"]
    assert dumpable.retval((3, 0, 0, 0, 0), {}, 1, None) == "1 (SUID_DUMP_USER)"
    info = struct.pack("<iii4xiIi", 17, 0, 1, 42, 0, 3)
    assert format_siginfo(info, 2).startswith(
        "{si_signo=17 /* SIGCHLD */, si_code=0x1 /* CLD_EXITED */, si_pid=42")
    assert format_siginfo(info).startswith("{si_signo=SIGCHLD, si_code=CLD_EXITED,")


def test_xlat_styles_socket_addresses_as_strace() -> None:
    """-X raw|verbose: a sockaddr's family as a number, its port and address as their bytes
    (strace 6.1's lines for AF_INET and AF_INET6; AF_UNIX keeps its path)."""
    from pytest_renacer.decode.format import call_formatter

    def args(addr: bytes, xlat: int) -> str:
        f = call_formatter(T.by_name["connect"], arch="x86_64", xlat=xlat)
        return f.arg_list((3, 0x1000, len(addr)), {1: addr}, 0)[1]

    inet = struct.pack("<H", 2) + bytes([0x10, 0x92, 127, 0, 0, 1]) + bytes(8)
    assert args(inet, 1) == (
        '{sa_family=0x2, sin_port="\\x10\\x92", sin_addr="\\x7f\\x00\\x00\\x01"}')
    assert args(inet, 2) == (
        '{sa_family=0x2 /* AF_INET */, sin_port="\\x10\\x92" /* htons(4242) */, '
        'sin_addr="\\x7f\\x00\\x00\\x01" /* inet_addr("127.0.0.1") */}')
    inet6 = (struct.pack("<H", 10) + bytes([0x10, 0x93, 0, 0, 0, 5]) + bytes(15) + b"\x01"
             + bytes(4))
    assert args(inet6, 2) == (
        '{sa_family=0xa /* AF_INET6 */, sin6_port="\\x10\\x93" /* htons(4243) */, '
        'sin6_flowinfo="\\x00\\x00\\x00\\x05" /* htonl(5) */, sin6_addr="' + "\\x00" * 15
        + '\\x01" /* inet_pton(AF_INET6, "::1") */, sin6_scope_id=0}')
    unix = struct.pack("<H", 1) + b"/nonexistent\0"
    assert args(unix, 1) == '{sa_family=0x1, sun_path="/nonexistent"}'
    assert args(inet, 0) == (
        '{sa_family=AF_INET, sin_port=htons(4242), sin_addr=inet_addr("127.0.0.1")}')
