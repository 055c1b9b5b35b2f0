"""Kernel structs: their layout (x86_64; aarch64 where it differs) and strace's text.

Each struct has a *parser* (raw bytes -> a dict of plain values, ``None`` when the bytes
are too short) and a *printer* (that dict -> strace's text).  The dicts are what
``SyscallEvent.args`` holds for struct arguments.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any, TypeGuard

from ..tables import xlat as X
from . import flags as F
from .errno import clock_t_text, signal_name
from .strings import addr_text, quote

__all__ = [
    "makedev",
    "parse_sockaddr",
    "parse_stat",
    "sigset_names",
    "sigset_text",
    "text_sockaddr",
    "text_stat",
]

_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")
_U64 = struct.Struct("<Q")
_I64 = struct.Struct("<q")


def u32(data: bytes | bytearray, off: int = 0) -> int:
    return int(_U32.unpack_from(data, off)[0])


def i32(data: bytes | bytearray, off: int = 0) -> int:
    return int(_I32.unpack_from(data, off)[0])


def u64(data: bytes | bytearray, off: int = 0) -> int:
    return int(_U64.unpack_from(data, off)[0])


def i64(data: bytes | bytearray, off: int = 0) -> int:
    return int(_I64.unpack_from(data, off)[0])


def is_bytes(data: object, size: int) -> TypeGuard[bytes | bytearray]:
    """Captured bytes, at least ``size`` of them (a type guard: the parsers need no cast)."""
    return isinstance(data, (bytes, bytearray)) and len(data) >= size


# --- stat, statx, statfs -------------------------------------------------------------------

STAT_SIZE = {"x86_64": X.STAT_SIZE_X86_64, "aarch64": X.STAT_SIZE_AARCH64}
_STAT_X86_64 = struct.Struct("<QQQIII4xQqqq qQ qQ qQ")
_STAT_AARCH64 = struct.Struct("<QQIIIIQ8xqi4xq qQ qQ qQ")


def makedev(dev: int) -> str:
    """``makedev(0x1, 0x3)`` (glibc's major/minor split of a dev_t)."""
    major = ((dev >> 8) & 0xFFF) | ((dev >> 32) & ~0xFFF)
    minor = (dev & 0xFF) | ((dev >> 12) & ~0xFF)
    return f"makedev({F.hexc(major)}, {F.hexc(minor)})"


def parse_stat(data: object, arch: str = "x86_64") -> dict[str, Any] | None:
    """struct stat as the kernel fills it (fstat, newfstatat; aarch64: fstat, fstatat)."""
    if not is_bytes(data, STAT_SIZE.get(arch, X.STAT_SIZE_X86_64)):
        return None
    if arch == "aarch64":
        (dev, ino, mode, nlink, uid, gid, rdev, size, blksize, blocks, atime, atime_ns,
         mtime, mtime_ns, ctime, ctime_ns) = _STAT_AARCH64.unpack_from(data)
    else:
        (dev, ino, nlink, mode, uid, gid, rdev, size, blksize, blocks, atime, atime_ns,
         mtime, mtime_ns, ctime, ctime_ns) = _STAT_X86_64.unpack_from(data)
    return {
        "st_dev": dev, "st_ino": ino, "st_mode": F.stat_mode(mode), "st_nlink": nlink,
        "st_uid": uid, "st_gid": gid, "st_rdev": rdev, "st_size": size,
        "st_blksize": blksize, "st_blocks": blocks, "st_atime": atime,
        "st_atime_nsec": atime_ns, "st_mtime": mtime, "st_mtime_nsec": mtime_ns,
        "st_ctime": ctime, "st_ctime_nsec": ctime_ns, "_mode": mode,
    }


_STAT_FIELDS = {"x86_64": (struct.Struct("<I"), 24, struct.Struct("<Qq"), 40),
                "aarch64": (struct.Struct("<I"), 16, struct.Struct("<Q8xq"), 32)}


#: the file types whose st_rdev strace prints instead of st_size
_DEVICE_TYPES = (X.S_IFCHR, X.S_IFBLK)


def stat_text(data: object, arch: str = "x86_64") -> str | None:
    """strace's abbreviated stat straight from the bytes (None when too short)."""
    if not is_bytes(data, STAT_SIZE.get(arch, X.STAT_SIZE_X86_64)):
        return None
    mode_s, mode_off, rest_s, rest_off = _STAT_FIELDS.get(arch, _STAT_FIELDS["x86_64"])
    (mode,) = mode_s.unpack_from(data, mode_off)
    rdev, size = rest_s.unpack_from(data, rest_off)
    if mode & F.S_IFMT in _DEVICE_TYPES:
        return f"{{st_mode={F.stat_mode(mode)}, st_rdev={makedev(rdev)}, ...}}"
    return f"{{st_mode={F.stat_mode(mode)}, st_size={size}, ...}}"


def text_stat(st: dict[str, Any]) -> str:
    """strace's abbreviated stat: ``{st_mode=S_IFREG|0644, st_size=1234, ...}``."""
    if st["_mode"] & F.S_IFMT in _DEVICE_TYPES:
        second = f"st_rdev={makedev(st['st_rdev'])}"
    else:
        second = f"st_size={st['st_size']}"
    return f"{{st_mode={st['st_mode']}, {second}, ...}}"


def text_stat_full(st: dict[str, Any]) -> str:
    """-v's stat: every field, the times with their dates."""
    parts = [f"st_dev={makedev(st['st_dev'])}"]
    parts += [f"{name}={st[name]}" for name in ("st_ino", "st_mode", "st_nlink", "st_uid",
                                                 "st_gid", "st_blksize", "st_blocks")]
    if st["_mode"] & F.S_IFMT in _DEVICE_TYPES:
        parts.append(f"st_rdev={makedev(st['st_rdev'])}")
    else:
        parts.append(f"st_size={st['st_size']}")
    for t in ("st_atime", "st_mtime", "st_ctime"):
        sec, nsec = st[t], st[t + "_nsec"]
        date = date_text(sec, nsec) if 0 <= nsec < 1_000_000_000 else ""
        parts.append(f"{t}={sec}" + (f" /* {date} */" if date else ""))
        parts.append(f"{t}_nsec={nsec}")
    return "{" + ", ".join(parts) + "}"


def parse_statx(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.STATX_SIZE):
        return None
    mask, blksize, attributes, nlink, uid, gid, mode = struct.unpack_from("<IIQIIIH", data)
    ino, size, blocks, attributes_mask = struct.unpack_from("<QQQQ", data, 32)
    return {
        "stx_mask": F.flags(F.STATX_MASK, mask), "stx_blksize": blksize,
        "stx_attributes": F.flags(F.STATX_ATTRS, attributes), "stx_nlink": nlink,
        "stx_uid": uid, "stx_gid": gid, "stx_mode": F.stat_mode(mode), "stx_ino": ino,
        "stx_size": size, "stx_blocks": blocks,
        "stx_attributes_mask": F.flags(F.STATX_ATTRS, attributes_mask),
    }


def text_statx(st: dict[str, Any]) -> str:
    return (f"{{stx_mask={st['stx_mask']}, stx_attributes={st['stx_attributes']}, "
            f"stx_mode={st['stx_mode']}, stx_size={st['stx_size']}, ...}}")


_STATFS = struct.Struct("<qqQQQQQiiqqq")


def parse_statfs(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.STATFS_SIZE):
        return None
    (ftype, bsize, blocks, bfree, bavail, files, ffree, fsid0, fsid1, namelen, frsize,
     fflags) = _STATFS.unpack_from(data)
    magic = F.FS_MAGIC.by_value.get(ftype & 0xFFFFFFFF)
    return {
        "f_type": magic if magic is not None else F.hexc(ftype & 0xFFFFFFFFFFFFFFFF),
        "f_bsize": bsize, "f_blocks": blocks, "f_bfree": bfree, "f_bavail": bavail,
        "f_files": files, "f_ffree": ffree,
        "f_fsid": [fsid0 & 0xFFFFFFFF, fsid1 & 0xFFFFFFFF], "f_namelen": namelen,
        "f_frsize": frsize, "f_flags": F.flags(F.STATFS_FLAGS, fflags & 0xFFFFFFFFFFFFFFFF),
    }


def text_statfs(st: dict[str, Any]) -> str:
    fsid = st["f_fsid"]
    return (f"{{f_type={st['f_type']}, f_bsize={st['f_bsize']}, f_blocks={st['f_blocks']}, "
            f"f_bfree={st['f_bfree']}, f_bavail={st['f_bavail']}, f_files={st['f_files']}, "
            f"f_ffree={st['f_ffree']}, f_fsid={{val=[{F.hexc(fsid[0])}, "
            f"{F.hexc(fsid[1])}]}}, f_namelen={st['f_namelen']}, "
            f"f_frsize={st['f_frsize']}, f_flags={st['f_flags']}}}")


# --- time -----------------------------------------------------------------------------------

def parse_timespec(data: object, off: int = 0) -> dict[str, Any] | None:
    if not is_bytes(data, off + 16):
        return None
    sec, nsec = struct.unpack_from("<qq", data, off)
    return {"tv_sec": sec, "tv_nsec": nsec}


def text_timespec(t: dict[str, Any]) -> str:
    # strace prints the fraction as the unsigned number it is to the kernel
    return f"{{tv_sec={t['tv_sec']}, tv_nsec={t['tv_nsec'] & 0xFFFFFFFFFFFFFFFF}}}"


def parse_timeval(data: object, off: int = 0) -> dict[str, Any] | None:
    if not is_bytes(data, off + 16):
        return None
    sec, usec = struct.unpack_from("<qq", data, off)
    return {"tv_sec": sec, "tv_usec": usec}


def text_timeval(t: dict[str, Any]) -> str:
    return f"{{tv_sec={t['tv_sec']}, tv_usec={t['tv_usec'] & 0xFFFFFFFFFFFFFFFF}}}"


UTIME_NOW = (1 << 30) - 1
UTIME_OMIT = (1 << 30) - 2


def date_text(sec: int, frac: int = 0, digits: int = 9) -> str:
    """strace's ``sprinttime``: ISO 8601 in local time, the fraction only when not 0."""
    import time

    try:
        tm = time.localtime(sec)
    except (OverflowError, OSError, ValueError):
        return ""
    text = time.strftime("%Y-%m-%dT%H:%M:%S", tm)
    if frac:
        text += f".{frac:0{digits}d}"
    return text + time.strftime("%z", tm)


def text_utime_timespec(t: dict[str, Any]) -> str:
    """utimensat's timespec: UTIME_NOW / UTIME_OMIT by name, else with its date."""
    nsec = t["tv_nsec"]
    if nsec == UTIME_NOW:
        return "UTIME_NOW"
    if nsec == UTIME_OMIT:
        return "UTIME_OMIT"
    date = date_text(t["tv_sec"], nsec) if 0 <= nsec < 1_000_000_000 else ""
    return text_timespec(t) + (f" /* {date} */" if date else "")


def text_utime_timeval(t: dict[str, Any]) -> str:
    """utimes' timeval, with its date."""
    usec = t["tv_usec"]
    date = date_text(t["tv_sec"], usec, 6) if 0 <= usec < 1_000_000 else ""
    return text_timeval(t) + (f" /* {date} */" if date else "")


def parse_timezone(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.TIMEZONE_SIZE):
        return None
    return {"tz_minuteswest": i32(data), "tz_dsttime": i32(data, 4)}


def text_timezone(t: dict[str, Any]) -> str:
    return f"{{tz_minuteswest={t['tz_minuteswest']}, tz_dsttime={t['tz_dsttime']}}}"


_TMS_FIELDS = ("tms_utime", "tms_stime", "tms_cutime", "tms_cstime")


def parse_tms(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.TMS_SIZE):
        return None
    return {name: i64(data, 8 * k) for k, name in enumerate(_TMS_FIELDS)}


def text_tms(t: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{name}={clock_t_text(t[name])}" for name in _TMS_FIELDS) + "}"


#: struct sched_attr (linux/sched/types.h): (field, offset, size), the first 48 bytes
#: (SCHED_ATTR_SIZE_VER0) and the utilization clamps of VER1 (56)
_SCHED_ATTR = (("size", 0, 4), ("sched_policy", 4, 4), ("sched_flags", 8, 8),
               ("sched_nice", 16, -4), ("sched_priority", 20, 4), ("sched_runtime", 24, 8),
               ("sched_deadline", 32, 8), ("sched_period", 40, 8),
               ("sched_util_min", 48, 4), ("sched_util_max", 52, 4))


def parse_sched_attr(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.SCHED_ATTR_SIZE_VER0):
        return None
    out: dict[str, Any] = {}
    for name, off, size in _SCHED_ATTR:
        if off + abs(size) > len(data):
            break
        out[name] = (i32(data, off) if size == -4 else u32(data, off) if size == 4
                     else u64(data, off))
    return out


def text_sched_attr(a: dict[str, Any]) -> str:
    parts = []
    for name, value in a.items():
        if name == "sched_policy":
            text = F.xval(F.SCHED_POLICIES, value)
        elif name == "sched_flags":
            text = F.flags(F.SCHED_FLAGS, value)
        else:
            text = str(value)
        parts.append(f"{name}={text}")
    return "{" + ", ".join(parts) + "}"


def parse_cap_header(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.CAP_HEADER_SIZE):
        return None
    return {"version": u32(data), "pid": i32(data, 4)}


def text_cap_header(h: dict[str, Any]) -> str:
    version = F.xval(F.CAP_VERSIONS, h["version"])
    return f"{{version={version}, pid={h['pid']}}}"


_CAP_SETS = ("effective", "permitted", "inheritable")


def parse_cap_data(data: object) -> dict[str, Any] | None:
    """The capability sets of _LINUX_CAPABILITY_VERSION_2/3 (two 32-bit halves)."""
    if not is_bytes(data, X.CAP_DATA_SIZE):
        return None
    return {name: u32(data, 4 * k) | u32(data, 12 + 4 * k) << 32
            for k, name in enumerate(_CAP_SETS)}


def _cap_half(v: int, first: int) -> str:
    """One 32-bit half of a set as strace's printflags: names, then the unknown rest."""
    names = []
    rest = v
    for bit in range(32):
        name = F.CAPABILITIES.by_value.get(first + bit) if v >> bit & 1 else None
        if name is not None:
            names.append(f"1<<{name}")
            rest &= ~(1 << bit)
    if not names:
        return f"{rest:#x} /* CAP_??? */" if rest else "0"
    return "|".join(names) + (f"|{rest:#x}" if rest else "")


def _cap_set(v: int) -> str:
    """strace prints the low half (unless only the high one is set), then the high one."""
    lo, hi = v & 0xFFFFFFFF, v >> 32
    parts = [_cap_half(lo, 0)] if lo or not hi else []
    if hi:
        parts.append(_cap_half(hi, 32))
    return "|".join(parts)


def text_cap_data(d: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{name}={_cap_set(d[name])}" for name in _CAP_SETS) + "}"


def parse_sigevent(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, 32):
        return None
    return {"sigev_value": u64(data), "sigev_signo": i32(data, 8),
            "sigev_notify": i32(data, 12), "_tid": i32(data, 16),
            "_function": u64(data, 16), "_attributes": u64(data, 24)}


def text_sigevent(e: dict[str, Any]) -> str:
    parts = []
    notify = e["sigev_notify"]
    if e["sigev_value"]:  # strace 6.1 prints a non-zero value whatever the notification
        v = e["sigev_value"]
        parts.append(f"sigev_value={{sival_int={i32(v.to_bytes(8, 'little'))}, "
                     f"sival_ptr={addr_text(v)}}}")
    if notify in (X.SIGEV_SIGNAL, X.SIGEV_THREAD, X.SIGEV_THREAD_ID):  # a signal's name
        parts.append(f"sigev_signo={signal_name(e['sigev_signo'])}")
    else:
        parts.append(f"sigev_signo={e['sigev_signo']}")
    parts.append(f"sigev_notify={F.xval(F.SIGEV_NOTIFY, notify & 0xFFFFFFFF)}")
    if notify == X.SIGEV_THREAD_ID:
        parts.append(f"sigev_notify_thread_id={e['_tid']}")
    elif notify == X.SIGEV_THREAD:
        parts.append(f"sigev_notify_function={addr_text(e['_function'])}")
        parts.append(f"sigev_notify_attributes={addr_text(e['_attributes'])}")
    return "{" + ", ".join(parts) + "}"


def parse_itimerspec(data: object) -> dict[str, Any] | None:
    interval, value = parse_timespec(data), parse_timespec(data, 16)
    if interval is None or value is None:
        return None
    return {"it_interval": interval, "it_value": value}


def text_itimerspec(t: dict[str, Any]) -> str:
    return (f"{{it_interval={text_timespec(t['it_interval'])}, "
            f"it_value={text_timespec(t['it_value'])}}}")


def parse_itimerval(data: object) -> dict[str, Any] | None:
    interval, value = parse_timeval(data), parse_timeval(data, 16)
    if interval is None or value is None:
        return None
    return {"it_interval": interval, "it_value": value}


def text_itimerval(t: dict[str, Any]) -> str:
    return (f"{{it_interval={text_timeval(t['it_interval'])}, "
            f"it_value={text_timeval(t['it_value'])}}}")


# --- signals --------------------------------------------------------------------------------

def _short_signame(n: int) -> str:
    name = signal_name(n)
    return name[3:] if name.startswith("SIG") else name


def sigset_names(mask: int, nbits: int = 64) -> list[str]:
    """The full names of the signals in a mask (bit n-1 is signal n)."""
    return [signal_name(i + 1) for i in range(nbits) if mask >> i & 1]


def sigset_text(mask: int, nbits: int = 64) -> str:
    """``[INT CHLD]``, or ``~[RTMIN RT_1]`` when more than half the bits are set."""
    mask &= (1 << nbits) - 1
    prefix = ""
    if bin(mask).count("1") * 2 > nbits:
        prefix = "~"
        mask ^= (1 << nbits) - 1
    names = []
    i = 0
    while mask:
        if mask & 1:
            names.append(_short_signame(i + 1))
        mask >>= 1
        i += 1
    return prefix + "[" + " ".join(names) + "]"


def parse_sigaction(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.SIGACTION_SIZE):
        return None
    handler, sa_flags, restorer, mask = struct.unpack_from("<QQQQ", data)
    hname = F.SIG_HANDLERS.by_value.get(handler)
    out: dict[str, Any] = {
        "sa_handler": hname if hname is not None else handler,
        "sa_mask": sigset_names(mask), "sa_flags": F.flags(F.SA_FLAGS, sa_flags),
        "_mask": mask, "_handler": handler,
    }
    if sa_flags & F.SA_RESTORER:
        out["sa_restorer"] = restorer
    return out


def text_sigaction(sa: dict[str, Any]) -> str:
    handler = sa["sa_handler"]
    if isinstance(handler, str):
        handler = F.styled(sa.get("_handler", 0), handler)
    text = (f"{{sa_handler={handler if isinstance(handler, str) else addr_text(handler)}, "
            f"sa_mask={sigset_text(sa['_mask'])}, sa_flags={sa['sa_flags']}")
    if "sa_restorer" in sa:
        text += f", sa_restorer={addr_text(sa['sa_restorer'])}"
    return text + "}"


def parse_stack_t(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.STACK_T_SIZE):
        return None
    sp, ss_flags, size = struct.unpack_from("<Qi4xQ", data)
    return {"ss_sp": sp, "ss_flags": F.flags(F.SS_FLAGS, ss_flags & 0xFFFFFFFF),
            "ss_size": size}


def text_stack_t(s: dict[str, Any]) -> str:
    return f"{{ss_sp={addr_text(s['ss_sp'])}, ss_flags={s['ss_flags']}, ss_size={s['ss_size']}}}"


# --- resources and system --------------------------------------------------------------------

RLIM64_INFINITY = X.RLIM64_INFINITY


def _rlim(v: int) -> str:
    if v == RLIM64_INFINITY:
        return "RLIM64_INFINITY"
    if v > 1024 and v % 1024 == 0:
        return f"{v // 1024}*1024"
    return str(v)


def parse_rlimit(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.RLIMIT_SIZE):
        return None
    cur, mx = struct.unpack_from("<QQ", data)
    return {"rlim_cur": cur, "rlim_max": mx}


def text_rlimit(r: dict[str, Any]) -> str:
    return f"{{rlim_cur={_rlim(r['rlim_cur'])}, rlim_max={_rlim(r['rlim_max'])}}}"


_UTS_FIELDS = ("sysname", "nodename", "release", "version", "machine", "domainname")


def parse_utsname(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.UTSNAME_SIZE):
        return None
    out: dict[str, Any] = {}
    for i, name in enumerate(_UTS_FIELDS):
        field = bytes(data[i * 65 : (i + 1) * 65])
        out[name] = field.split(b"\0", 1)[0].decode("utf-8", "backslashreplace")
    return out


def text_utsname(u: dict[str, Any]) -> str:
    sysname = quote(u["sysname"].encode("utf-8", "backslashreplace"))
    node = quote(u["nodename"].encode("utf-8", "backslashreplace"))
    return f"{{sysname={sysname}, nodename={node}, ...}}"


def text_utsname_full(u: dict[str, Any]) -> str:
    """-v's utsname: every field."""
    return "{" + ", ".join(f"{name}={quote(u[name].encode('utf-8', 'backslashreplace'))}"
                           for name in _UTS_FIELDS) + "}"


_SYSINFO = struct.Struct("<qQQQQQQQQQH6xQQI")


def parse_sysinfo(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, 108):
        return None
    (uptime, l1, l5, l15, total, free, shared, buffer, tswap, fswap, procs, thigh, fhigh,
     unit) = _SYSINFO.unpack_from(data)
    return {"uptime": uptime, "loads": [l1, l5, l15], "totalram": total, "freeram": free,
            "sharedram": shared, "bufferram": buffer, "totalswap": tswap,
            "freeswap": fswap, "procs": procs, "totalhigh": thigh, "freehigh": fhigh,
            "mem_unit": unit}


#: struct __kernel_timex (linux/timex.h): modes, 4 longs, status, 3 longs, time, 3 longs,
#: shift, 5 longs, tai
_TIMEX = struct.Struct("<I4x4qi4x3q2q3qi4x5qi")
_TIMEX_LONGS1 = ("offset", "freq", "maxerror", "esterror")
_TIMEX_LONGS2 = ("constant", "precision", "tolerance")
_TIMEX_LONGS3 = ("tick", "ppsfreq", "jitter")
_TIMEX_LONGS4 = ("stabil", "jitcnt", "calcnt", "errcnt", "stbcnt")


def parse_timex(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, _TIMEX.size):
        return None
    v = _TIMEX.unpack_from(data)
    out: dict[str, Any] = {"modes": F.flags(F.ADJ_MODES, v[0])}
    out.update(zip(_TIMEX_LONGS1, v[1:5], strict=True))
    out["status"] = F.flags(F.STA_FLAGS, v[5] & 0xFFFFFFFF)
    out.update(zip(_TIMEX_LONGS2, v[6:9], strict=True))
    out["time"] = {"tv_sec": v[9], "tv_usec": v[10]}
    out.update(zip(_TIMEX_LONGS3, v[11:14], strict=True))
    out["shift"] = v[14]
    out.update(zip(_TIMEX_LONGS4, v[15:20], strict=True))
    out["tai"] = v[20]
    return out


def text_timex(t: dict[str, Any]) -> str:
    """strace's ``{modes=0, offset=0, ..., time={tv_sec=..., tv_usec=...}, ..., tai=0}``."""
    return "{" + ", ".join(f"{k}={text_timeval(v) if k == 'time' else v}"
                           for k, v in t.items()) + "}"


def text_sysinfo(s: dict[str, Any]) -> str:
    loads = s["loads"]
    return (f"{{uptime={s['uptime']}, loads=[{loads[0]}, {loads[1]}, {loads[2]}], "
            f"totalram={s['totalram']}, freeram={s['freeram']}, "
            f"sharedram={s['sharedram']}, bufferram={s['bufferram']}, "
            f"totalswap={s['totalswap']}, freeswap={s['freeswap']}, procs={s['procs']}, "
            f"totalhigh={s['totalhigh']}, freehigh={s['freehigh']}, "
            f"mem_unit={s['mem_unit']}}}")


_RUSAGE_LONGS = ("ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt",
                 "ru_nswap", "ru_inblock", "ru_oublock", "ru_msgsnd", "ru_msgrcv",
                 "ru_nsignals", "ru_nvcsw", "ru_nivcsw")


def parse_rusage(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.RUSAGE_SIZE):
        return None
    out: dict[str, Any] = {"ru_utime": parse_timeval(data), "ru_stime": parse_timeval(data, 16)}
    for i, name in enumerate(_RUSAGE_LONGS):
        out[name] = i64(data, 32 + 8 * i)
    return out


def text_rusage(r: dict[str, Any]) -> str:
    return (f"{{ru_utime={text_timeval(r['ru_utime'])}, "
            f"ru_stime={text_timeval(r['ru_stime'])}, ...}}")


def text_rusage_full(r: dict[str, Any]) -> str:
    """-v: every field."""
    return (text_rusage(r)[:-len(", ...}")] + ", "
            + ", ".join(f"{name}={r[name]}" for name in _RUSAGE_LONGS) + "}")


# --- sockets ----------------------------------------------------------------------------------

def parse_sockaddr(data: object) -> dict[str, Any] | None:
    """A sockaddr of len(data) bytes: family-specific fields when long enough."""
    if not isinstance(data, (bytes, bytearray)) or len(data) < 2:
        return None
    data = bytes(data[:128])
    fam = struct.unpack_from("<H", data)[0]
    fname = F.ADDRESS_FAMILIES.by_value.get(fam)
    out: dict[str, Any] = {"sa_family": fname if fname is not None else fam, "_raw": data}
    n = len(data)
    if n == 2:
        return out
    import socket  # here: the CLI's start-up should not pay for it (issue 12)

    if fam == F.AF_INET and n >= 16:
        out["sin_port"] = struct.unpack_from(">H", data, 2)[0]
        out["sin_addr"] = socket.inet_ntop(socket.AF_INET, data[4:8])
    elif fam == F.AF_INET6 and n >= 24:
        out["sin6_port"] = struct.unpack_from(">H", data, 2)[0]
        out["sin6_flowinfo"] = struct.unpack_from(">I", data, 4)[0]
        out["sin6_addr"] = socket.inet_ntop(socket.AF_INET6, data[8:24])
        if n >= 28:
            out["sin6_scope_id"] = u32(data, 24)
    elif fam == F.AF_UNIX:
        path = data[2:]
        if path[:1] == b"\0":
            out["sun_path"] = "@" + path[1:].decode("utf-8", "surrogateescape")
            out["_path"] = path[1:]
            out["_abstract"] = True
        else:
            path = path.split(b"\0", 1)[0]
            out["sun_path"] = path.decode("utf-8", "surrogateescape")
            out["_path"] = path
    elif fam == F.AF_NETLINK and n >= 12:
        pad, pid, groups = struct.unpack_from("<HII", data, 2)
        if pad:
            out["nl_pad"] = pad
        out["nl_pid"] = pid
        out["nl_groups"] = groups
    else:
        out["sa_data"] = data[2:]
    return out


def _c_hex08(v: int) -> str:
    """C's ``%#08x``: ``00000000`` for zero, ``0x000001`` otherwise."""
    return f"{v:#08x}" if v else "00000000"


def _hex_bytes(data: bytes) -> str:
    """``"\\x10\\x92"``: how strace prints a port or an address under -X raw|verbose."""
    return '"' + "".join(f"\\x{b:02x}" for b in data) + '"'


def _text_sockaddr_styled(sa: dict[str, Any], raw: bytes) -> str | None:
    """-X raw|verbose: the family as a number, ports and addresses as their bytes (with
    the usual text in a comment under verbose), as strace 6.1; None: not an INET one."""
    fam = struct.unpack_from("<H", raw)[0]
    parts = [f"sa_family={F.xval(F.ADDRESS_FAMILIES, fam)}"]
    if "sin_addr" in sa:
        parts.append("sin_port=" + F.styled(0, f"htons({sa['sin_port']})", _hex_bytes(raw[2:4])))
        parts.append("sin_addr=" + F.styled(0, f"inet_addr(\"{sa['sin_addr']}\")",
                                            _hex_bytes(raw[4:8])))
    elif "sin6_addr" in sa:
        parts.append("sin6_port=" + F.styled(0, f"htons({sa['sin6_port']})",
                                             _hex_bytes(raw[2:4])))
        parts.append("sin6_flowinfo=" + F.styled(0, f"htonl({sa['sin6_flowinfo']})",
                                                 _hex_bytes(raw[4:8])))
        parts.append("sin6_addr=" + F.styled(0, f"inet_pton(AF_INET6, \"{sa['sin6_addr']}\")",
                                             _hex_bytes(raw[8:24])))
        if "sin6_scope_id" in sa:
            parts.append(f"sin6_scope_id={sa['sin6_scope_id']}")
    else:
        return None
    return "{" + ", ".join(parts) + "}"


def text_sockaddr(sa: dict[str, Any]) -> str:
    fam = sa["sa_family"]
    raw = sa.get("_raw")
    if F.current_style() and isinstance(raw, bytes) and len(raw) >= 2:
        styled = _text_sockaddr_styled(sa, raw)
        if styled is not None:
            return styled
        fam = struct.unpack_from("<H", raw)[0]  # the family styled, the rest as usual
    parts = [f"sa_family={fam if isinstance(fam, str) else F.xval(F.ADDRESS_FAMILIES, fam)}"]
    if "sin_addr" in sa:
        parts.append(f"sin_port=htons({sa['sin_port']})")
        parts.append(f"sin_addr=inet_addr(\"{sa['sin_addr']}\")")
    elif "sin6_addr" in sa:
        parts.append(f"sin6_port=htons({sa['sin6_port']})")
        parts.append(f"sin6_flowinfo=htonl({sa['sin6_flowinfo']})")
        parts.append(f"inet_pton(AF_INET6, \"{sa['sin6_addr']}\", &sin6_addr)")
        if "sin6_scope_id" in sa:
            parts.append(f"sin6_scope_id={sa['sin6_scope_id']}")
    elif "sun_path" in sa:
        prefix = "@" if sa.get("_abstract") else ""
        parts.append(f"sun_path={prefix}{quote(sa['_path'])}")
    elif "nl_pid" in sa:
        if "nl_pad" in sa:
            parts.append(f"nl_pad={sa['nl_pad']:#x}")
        parts.append(f"nl_pid={sa['nl_pid']}")
        parts.append(f"nl_groups={_c_hex08(sa['nl_groups'])}")
    elif "sa_data" in sa:
        parts.append(f"sa_data={quote(sa['sa_data'])}")
    return "{" + ", ".join(parts) + "}"


def public(d: dict[str, Any] | None) -> dict[str, Any] | None:
    """A parsed struct without its private (``_``) keys, for SyscallEvent.args."""
    if d is None:
        return None
    return {k: v for k, v in d.items() if not k.startswith("_")}


# --- polling ----------------------------------------------------------------------------------

def parse_pollfds(data: object, count: int) -> list[dict[str, Any]] | None:
    if not isinstance(data, (bytes, bytearray)) or len(data) < 8 * count:
        return None
    out = []
    for i in range(count):
        fd, events, revents = struct.unpack_from("<ihh", data, 8 * i)
        out.append({"fd": fd, "events": events & 0xFFFF, "revents": revents & 0xFFFF})
    return out


def text_pollfds(fds: Sequence[dict[str, Any]], strsize: int, total: int,
                 fd_text: Any = str) -> str:
    # a negative fd is ignored by the kernel: strace leaves its events out
    items = [f"{{fd={fd_text(p['fd'])}, events={F.flags(F.POLL_EVENTS, p['events'])}}}"
             if p["fd"] >= 0 else f"{{fd={p['fd']}}}" for p in fds[:strsize]]
    if total > strsize:
        items.append("...")
    return "[" + ", ".join(items) + "]"


def text_revents(fds: Sequence[dict[str, Any]]) -> str:
    items = [f"{{fd={p['fd']}, revents={F.flags(F.POLL_EVENTS, p['revents'])}}}"
             for p in fds if p["revents"]]
    return "[" + ", ".join(items) + "]"


def epoll_event_size(arch: str) -> int:
    # x86_64's is packed (generated); arm64's has the u64 aligned: 4 + 4 padding + 8 (the
    # host's compiler cannot lay out the other ABI's struct)
    return 16 if arch == "aarch64" else X.EPOLL_EVENT_SIZE_X86_64


def parse_epoll_events(data: object, count: int, arch: str = "x86_64"
                       ) -> list[dict[str, Any]] | None:
    size = epoll_event_size(arch)
    if not isinstance(data, (bytes, bytearray)) or len(data) < size * count:
        return None
    out = []
    for i in range(count):
        events = u32(data, size * i)
        value = u64(data, size * i + size - 8)
        out.append({"events": F.flags(F.EPOLL_EVENTS, events), "data": value})
    return out


def text_epoll_event(e: dict[str, Any]) -> str:
    v = e["data"]
    return f"{{events={e['events']}, data={{u32={v & 0xFFFFFFFF}, u64={v}}}}}"


def fd_set_bits(data: object, nfds: int) -> list[int] | None:
    if not isinstance(data, (bytes, bytearray)):
        return None
    nfds = max(0, min(nfds, len(data) * 8))
    value = int.from_bytes(bytes(data), "little")
    return [i for i in range(nfds) if value >> i & 1]


def cpu_list(data: object) -> list[int] | None:
    if not isinstance(data, (bytes, bytearray)):
        return None
    value = int.from_bytes(bytes(data), "little")
    out = []
    i = 0
    while value:
        if value & 1:
            out.append(i)
        value >>= 1
        i += 1
    return out


# --- process structs ----------------------------------------------------------------------------

def parse_clone_args(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.CLONE_ARGS_SIZE_VER0):
        return None
    fields = ("flags", "pidfd", "child_tid", "parent_tid", "exit_signal", "stack",
              "stack_size", "tls", "set_tid", "set_tid_size", "cgroup")
    values = [u64(data, 8 * i) if len(data) >= 8 * (i + 1) else 0 for i in range(11)]
    out = dict(zip(fields, values, strict=True))
    out["_size"] = len(data)
    return out


def text_clone_args(a: dict[str, Any]) -> str:
    fl = a["flags"]
    parts = [f"flags={F.flags(F.CLONE_FLAGS, fl)}"]
    if fl & X.CLONE_PIDFD:
        parts.append(f"pidfd={addr_text(a['pidfd'])}")
    if fl & (X.CLONE_CHILD_SETTID | X.CLONE_CHILD_CLEARTID):
        parts.append(f"child_tid={addr_text(a['child_tid'])}")
    if fl & X.CLONE_PARENT_SETTID:
        parts.append(f"parent_tid={addr_text(a['parent_tid'])}")
    sig = a["exit_signal"]
    parts.append(f"exit_signal={signal_name(sig) if sig else '0'}")
    parts.append(f"stack={addr_text(a['stack'])}")
    parts.append(f"stack_size={F.hexc(a['stack_size'])}")
    if fl & X.CLONE_SETTLS:
        parts.append(f"tls={addr_text(a['tls'])}")
    if a["set_tid"] or a["set_tid_size"]:
        parts.append(f"set_tid={addr_text(a['set_tid'])}")
        parts.append(f"set_tid_size={a['set_tid_size']}")
    if a["_size"] > X.CLONE_ARGS_SIZE_VER1 and (a["cgroup"] or fl & X.CLONE_INTO_CGROUP):
        parts.append(f"cgroup={a['cgroup']}")
    return "{" + ", ".join(parts) + "}"


def parse_open_how(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.OPEN_HOW_SIZE):
        return None
    fl, mode, resolve = struct.unpack_from("<QQQ", data)
    return {"flags": fl, "mode": mode, "resolve": resolve}


def text_open_how(h: dict[str, Any], aarch64: bool = False) -> str:
    fl = h["flags"]
    parts = [f"flags={F.open_flags(fl, aarch64=aarch64)}"]
    if fl & (F.O_CREAT | F.O_TMPFILE_BIT):
        parts.append(f"mode={F.octal(h['mode'])}")
    parts.append(f"resolve={F.flags(F.RESOLVE_FLAGS, h['resolve'])}")
    return "{" + ", ".join(parts) + "}"


def count_dirents(data: object) -> int | None:
    """How many records a getdents/getdents64 buffer holds (d_reclen at offset 16)."""
    if not isinstance(data, (bytes, bytearray)):
        return None
    n = 0
    off = 0
    end = len(data)
    while off + 18 <= end:
        reclen = struct.unpack_from("<H", data, off + 16)[0]
        if reclen == 0:
            break
        n += 1
        off += reclen
    return n


def parse_winsize(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.WINSIZE_SIZE):
        return None
    row, col, xp, yp = struct.unpack_from("<HHHH", data)
    return {"ws_row": row, "ws_col": col, "ws_xpixel": xp, "ws_ypixel": yp}


def text_winsize(w: dict[str, Any]) -> str:
    return (f"{{ws_row={w['ws_row']}, ws_col={w['ws_col']}, ws_xpixel={w['ws_xpixel']}, "
            f"ws_ypixel={w['ws_ypixel']}}}")


def parse_termios(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.TERMIOS_CC_OFFSET):
        return None
    i, o, c, lf = struct.unpack_from("<IIII", data)
    return {"c_iflag": i, "c_oflag": o, "c_cflag": c, "c_lflag": lf, "c_line": data[16],
            "c_cc": bytes(data[17:17 + F.NCCS])}


def text_termios(t: dict[str, Any]) -> str:
    return (f"{{c_iflag={F.flags(F.TC_IFLAGS, t['c_iflag'])}, "
            f"c_oflag={F.termios_oflag(t['c_oflag'])}, "
            f"c_cflag={F.termios_cflag(t['c_cflag'])}, "
            f"c_lflag={F.flags(F.TC_LFLAGS, t['c_lflag'])}, ...}}")


def text_termios_full(t: dict[str, Any]) -> str:
    """-v: the line discipline and the control characters too."""
    cc = ", ".join(f"[{F.TC_CC_INDEXES.by_value.get(i, i)}]={F.hexc(b)}"
                   for i, b in enumerate(t["c_cc"]))
    return (text_termios(t)[:-len(", ...}")]
            + f", c_line={F.xval(F.TTY_LDISCS, t['c_line'])}, c_cc=[{cc}]}}")


def parse_flock(data: object) -> dict[str, Any] | None:
    if not is_bytes(data, X.FLOCK_SIZE):
        return None
    ltype, whence, start, length, pid = struct.unpack_from("<hh4xqqi", data)
    return {"l_type": ltype, "l_whence": whence, "l_start": start, "l_len": length,
            "l_pid": pid}


def text_flock(fl: dict[str, Any], *, with_pid: bool = False) -> str:
    """The lock; ``with_pid``: as F_GETLK returns it, with its owner."""
    pid = f", l_pid={fl['l_pid']}" if with_pid else ""
    return (f"{{l_type={F.xval(F.LEASE_TYPES, fl['l_type'] & 0xFFFF)}, "
            f"l_whence={F.xval(F.WHENCE, fl['l_whence'] & 0xFFFF)}, "
            f"l_start={fl['l_start']}, l_len={fl['l_len']}{pid}}}")
