"""strace's text output, written live from the engine's records.

:class:`TextSink` is an engine sink (see :class:`pytest_renacer.tracer.Sink`): it keeps
per thread only the syscall in progress, so memory stays flat however long the trace.
The line format is strace 6.1's (src/strace.c ``printleader()``, src/syscall.c
``syscall_exiting_trace()``):

* ``openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3``, the ``= `` aligned
  at column 40 (counting the prefixes; ``-a N`` chooses another);
* a syscall's entry is printed when it is entered (up to its first output argument);
  when another line has to start before it returns, the open line is ended with
  `` <unfinished ...>`` and the rest printed later after ``<... NAME resumed>``;
* ``[pid  1234] `` prefixes while several threads are traced and the output is shared
  (``1234  `` in a ``-o FILE`` under ``-f``; none with ``-ff``, one file per thread);
* ``--- SIGCHLD {...} ---``, ``--- stopped by SIGSTOP ---``, ``+++ exited with 0 +++``,
  ``+++ killed by SIGKILL +++``, ``= ?`` for a call the thread died in;
* ``-t``/``-tt``/``-ttt``/``-r`` timestamps before the line, ``-T`` `` <0.000123>``
  after it, ``-k`` stack frames below it; ``--source`` appends `` @ file:line in func``.

With a ``status=`` filter each line is held until its syscall returns (strace does the
same), so no line is ever left unfinished.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from typing import IO, Any

from .. import decode
from ..filters import StatusFilter, SyscallSet
from ..model import Frame
from ..record import record
from ..tables import SyscallTable

__all__ = [
    "TextOptions",
    "TextSink",
    "exit_line",
    "format_duration",
    "format_frame",
]

ACOLUMN = 40  # strace's default -a
DUMP_LIMIT = 1 << 16  # the bytes of a buffer captured for -e read= / -e write= dumps


@record(frozen=True)
class FdSet:
    """strace's ``-e read=`` / ``-e write=`` set: fd numbers, or all but them."""

    fds: frozenset[int]
    inverted: bool = False

    def __contains__(self, fd: object) -> bool:
        return (fd in self.fds) != self.inverted


def hex_dump(data: bytes) -> list[str]:
    """strace's dump lines: `` | 00000  30 31 ...  01234567 |``, 16 bytes a line."""
    out = []
    for off in range(0, len(data), 16):
        chunk = data[off:off + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk[:8])
        if len(chunk) > 8:
            hexes += "  " + " ".join(f"{b:02x}" for b in chunk[8:])
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        out.append(f" | {off:05x}  {hexes:<49s} {text:<16s} |")
    return out
_clock = time.monotonic_ns  # the engine's clock (a module attribute, for the tests)

_UNSET: Any = object()
_SKIPPED: Any = object()  # the token of an entry -P leaves out

#: (pid, captured) -> the frames of a syscall's stack, innermost first
StackFunc = Callable[[int, "dict[Any, object] | None"], "tuple[Frame, ...]"]
#: frames -> the first frame in the traced program's own code
SourceFunc = Callable[["tuple[Frame, ...]"], "Frame | None"]


@record
class TextOptions:
    """What the text output shows; the CLI's flags."""

    strsize: int = 32  # -s
    acolumn: int = ACOLUMN  # -a: the column of " = result"
    xstyle: int = 0  # 1: -x (non-ASCII strings in hex), 2: -xx (every string in hex)
    #: -v: structures unabbreviated; None (-e verbose=none): structures as addresses
    verbose: bool | None = False
    #: -e verbose=SET: only these syscalls' structures are read (the others': addresses)
    verbose_set: SyscallSet | None = None
    #: -e abbrev=SET: only these syscalls' structures are abbreviated (unless verbose None)
    abbrev_set: SyscallSet | None = None
    xlat: int = 0  # -X: 0 abbrev (constants by name), 1 raw (numbers), 2 verbose (both)
    #: -P: only the syscalls whose path arguments or fd arguments' files are these (the
    #: engine must capture fd paths for it)
    trace_paths: frozenset[bytes] | None = None
    #: -e read= / -e write=: hex dumps of the data read from / written to these fds
    #: (None: none; the engine must capture the whole buffers: see DUMP_LIMIT)
    read_fds: FdSet | None = None
    write_fds: FdSet | None = None
    fd_paths: bool = False  # -y
    fd_sockets: bool = False  # -yy: a socket's protocol and addresses for its path
    #: --decode-fds=SET: of "path", "socket", "dev", "pidfd" (None: -y's path, -yy's all)
    fd_kinds: frozenset[str] | None = None
    syscall_times: bool = False  # -T
    timestamps: int = 0  # 1: -t, 2: -tt, 3: -ttt
    relative: bool = False  # -r
    status: StatusFilter | None = None  # -e status= (None: every status)
    signals: frozenset[int] | None = None  # -e signal= (None: every signal)
    quiet: int = 0  # 2 (-qq): no "+++ exited" lines; 3: no "+++ superseded" lines either
    #: "auto": "[pid N] " while several threads live; "plain": "N     " always (-o -f);
    #: "none": never (-ff)
    prefix: str = "auto"
    stack: StackFunc | None = None  # how to get a syscall's frames (-k, --source)
    print_stack: bool = False  # -k: the frames below each syscall line
    source: SourceFunc | None = None  # --source: " [file:line in function]" (needs stack)


def format_duration(ns: int) -> str:
    """A -T / -r duration: seconds with six decimals (truncated, as strace does)."""
    ns = max(ns, 0)
    return f"{ns // 1_000_000_000}.{ns % 1_000_000_000 // 1000:06d}"


def format_frame(frame: Frame) -> str:
    """One -k stack line (without the newline); a Python frame shows ``[py]`` where a
    native one shows its address."""
    addr = "py" if frame.address is None else f"{frame.address:#x}"
    where = f"{frame.binary or '?'}({frame.function or ''}) [{addr}]"
    if frame.file:
        where += f" {frame.file}:{frame.line}" if frame.line else f" {frame.file}"
    return " > " + where


def exit_line(status: int, signame: Callable[[int], str]) -> str:
    """``+++ exited with N +++`` / ``+++ killed by SIGX (core dumped) +++`` for a wait status."""
    if status & 0x7F == 0:
        return f"+++ exited with {(status >> 8) & 0xFF} +++"
    core = "(core dumped) " if status & 0x80 else ""
    return f"+++ killed by {signame(status & 0x7F)} {core}+++"


#: What -yy decodes (strace's --decode-fds=all)
FD_KINDS_ALL = frozenset({"path", "socket", "dev", "pidfd"})


def _pidfd_pid(pid: int, fd: int) -> str | None:
    try:
        with open(f"/proc/{pid}/fdinfo/{fd}") as f:
            for line in f:
                if line.startswith("Pid:"):
                    return line.split()[1]
    except (OSError, IndexError):
        pass
    return None


def _fd_text(pid: int, fd: int | None, link: str, kinds: frozenset[str],
             xstyle: int) -> str | None:
    """An fd's ``<...>`` text for --decode-fds=``kinds`` (None: none)."""
    if link.startswith("socket:["):
        if "socket" in kinds:
            text = decode.socket_text(pid, link)
            if text != link:
                return decode.FdText(text)
    elif link == "anon_inode:[pidfd]":
        if "pidfd" in kinds and fd is not None:
            target = _pidfd_pid(pid, fd)
            if target is not None:
                return decode.FdText(f"pid:{target}")
    elif "dev" in kinds and fd is not None and fd >= 0 and link.startswith("/"):
        try:
            st = os.stat(f"/proc/{pid}/fd/{fd}")
        except OSError:
            st = None
        if st is not None and stat.S_ISCHR(st.st_mode) | stat.S_ISBLK(st.st_mode):
            kind = "char" if stat.S_ISCHR(st.st_mode) else "block"
            return decode.FdText(decode.fd_path_text(link, xstyle)[1:-1]
                                 + f"<{kind} {os.major(st.st_rdev)}:{os.minor(st.st_rdev)}>")
    return link if "path" in kinds else None


def _decorate_fds(pid: int, captured: dict[Any, object], args: tuple[int, ...],
                  retval: int | None, kinds: frozenset[str],
                  xstyle: int) -> dict[Any, object]:
    """-yy / --decode-fds=SET: the captured fd paths as the set asks (the fds it leaves
    out dropped: they print bare)."""
    out = None
    for key, value in captured.items():
        if not (isinstance(key, tuple) and key[0] in ("fd", "fdn")) or not isinstance(
                value, str) or isinstance(value, decode.FdText):
            continue
        where = key[1]
        fd = (where if key[0] == "fdn" else retval if where == "ret"
              else args[where] if isinstance(where, int) and where < len(args) else None)
        if fd is not None:
            fd = (fd & 0xFFFFFFFF) - ((fd & 0x80000000) << 1)  # an int argument
        text = _fd_text(pid, fd, value, kinds, xstyle)
        if text is not value:
            if out is None:
                out = dict(captured)
            if text is None:
                del out[key]
            else:
                out[key] = text
    return out if out is not None else captured


class _Memo:
    """One syscall's recent texts, by its registers and captures (and result): a loop's
    lines repeat them, and formatting is most of a line's cost.  Formatting is a pure
    function of these (the options are the formatter's), so a repeat is answered here.
    Turned off for good for a syscall whose calls seldom repeat (find's paths)."""

    __slots__ = ("entries", "exits", "hits", "on", "tries")

    #: lookups per verdict; at least a quarter of them must hit to keep the memo
    WINDOW = 512
    #: texts kept per syscall (then forgotten all at once)
    SIZE = 1024

    def __init__(self) -> None:
        # (registers, captures) -> (entry text, every argument's text or None)
        self.entries: dict[Any, tuple[str, list[str] | None]] = {}
        # (registers, captures, retval, failed) -> (arguments' texts or None, result text)
        self.exits: dict[Any, tuple[list[str] | None, str]] = {}
        self.hits = 0
        self.tries = 0
        self.on = True

    def lookup(self, texts: dict[Any, Any], key: Any) -> Any:
        """``texts[key]`` or None, counted for the verdict on this memo."""
        known = texts.get(key)
        self.tries += 1
        if known is not None:
            self.hits += 1
        elif self.tries >= self.WINDOW:
            if self.hits * 4 < self.tries:
                self.on = False
                self.entries.clear()
                self.exits.clear()
            self.hits = self.tries = 0
        return known


def _cap_key(captured: dict[Any, object] | None) -> Any:
    """A capture as a dict key (None for none); :data:`_UNSET` when it cannot be one."""
    if not captured:
        return None
    key = tuple(captured.items())
    try:
        hash(key)
    except TypeError:  # a list inside (execve's argv, iovecs): not memoised
        return _UNSET
    return key


class _Pending:
    """A syscall entered and not returned yet."""

    __slots__ = ("args", "cap_key", "captured", "entry_args", "fmt", "formatted", "memo",
                 "name", "printed", "resumed", "t")

    def __init__(self, nr: int, fmt: decode.CallFormatter | None, args: tuple[int, ...],
                 t: int, captured: dict[Any, object] | None, memo: _Memo) -> None:
        self.fmt = fmt
        self.memo = memo
        self.name = (fmt.info.name if fmt is not None
                     else f"syscall_{nr & 0xFFFFFFFFFFFFFFFF:#x}")
        self.args = args
        self.t = t
        self.captured = captured
        self.printed = False  # its entry part was written (the line may since be closed)
        self.entry_args = 0  # how many arguments the entry part holds
        self.formatted: list[str] | None = None  # all arguments, when known at entry
        self.resumed = t  # when the tracee went on after the entry stop (for -T)
        self.cap_key: Any = _UNSET  # its captures as a memo key (see _Memo), once made


class _Channel:
    """An output stream and the state of its current line."""

    __slots__ = ("col", "open_tid", "stream")

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.open_tid: int | None = None
        self.col = 0


class _Task:
    __slots__ = ("channel", "lead", "pending", "reprint")

    def __init__(self, channel: _Channel, lead: str) -> None:
        self.channel = channel
        self.lead = lead  # its "[pid N] " or "N     " prefix, made once
        self.pending: _Pending | None = None
        self.reprint = False


class TextSink:
    """Writes strace's text output as the engine reports records.

    ``stream`` is the shared output; with ``open_file`` (-ff), each thread writes to
    ``open_file(tid)`` instead.  Entries are flushed at once (a call may block); with
    ``flush``, every line is too (for a terminal or a shared stderr, whose lines
    interleave with the program's).
    """

    def __init__(
        self,
        table: SyscallTable,
        options: TextOptions,
        stream: IO[str] | None = None,
        *,
        open_file: Callable[[int], IO[str]] | None = None,
        flush: bool = False,
    ) -> None:
        if stream is None and open_file is None:
            raise ValueError("TextSink needs a stream or open_file")
        self.table = table
        self.opts = options
        kinds = (options.fd_kinds if options.fd_kinds is not None
                 else FD_KINDS_ALL if options.fd_sockets else None)
        #: the --decode-fds set when it is more than -y's paths (None: paths as captured)
        self._fd_kinds = kinds if kinds is not None and kinds != {"path"} else None
        self._shared = _Channel(stream) if stream is not None else None
        self._open_file = open_file
        self._files: set[IO[str]] = set()  # the -ff files still open
        self._flush = flush
        self._tasks: dict[int, _Task] = {}
        # id(stack) -> (stack, its " [file:line in function]"): the symbolizer hands out
        # one tuple per distinct stack, so a loop's lines share one entry
        self._wheres: dict[int, tuple[tuple[Frame, ...], str]] = {}
        self._live = 0
        self._last_t: int | None = None  # for -r
        self._rt_offset = time.time_ns() - time.monotonic_ns()
        self._staged = options.status is not None and not options.status.is_all
        self._status = options.status if self._staged else None
        self._formatters: dict[int, tuple[decode.CallFormatter | None, _Memo]] = {}
        self._stamped = bool(options.timestamps or options.relative)
        self._plain = options.prefix == "plain"  # a prefix even while one thread lives
        self._times = options.syscall_times
        # the options a line's hot path asks about, looked up once
        self._paths = options.trace_paths
        self._extras = bool(options.syscall_times or options.stack is not None
                            or options.read_fds is not None or options.write_fds is not None
                            or options.print_stack)

    # -- plumbing -----------------------------------------------------------------------
    def _task(self, tid: int) -> _Task:
        task = self._tasks.get(tid)
        if task is None:
            if self._shared is not None:
                channel = self._shared
            else:
                assert self._open_file is not None
                f = self._open_file(tid)
                self._files.add(f)
                channel = _Channel(f)
            task = self._tasks[tid] = _Task(channel, self._lead_for(tid))
            self._live += 1
        return task


    def _lead_for(self, tid: int) -> str:
        mode = self.opts.prefix
        return f"{tid:<5} " if mode == "plain" else f"[pid {tid:>5}] " if mode == "auto" else ""

    def _stamp(self, t: int) -> str:
        o = self.opts
        out = ""
        if o.timestamps:
            real = t + self._rt_offset
            sec, ns = divmod(real, 1_000_000_000)
            if o.timestamps >= 3:
                out = f"{sec}.{ns // 1000:06d} "
            else:
                out = time.strftime("%H:%M:%S", time.localtime(sec))
                out += f".{ns // 1000:06d} " if o.timestamps == 2 else " "
        if o.relative:
            last = self._last_t if self._last_t is not None else t
            self._last_t = t
            d = format_duration(t - last)
            secs, _, frac = d.partition(".")
            rel = f"{int(secs):6d}.{frac}"
            out += f"(+{rel}) " if o.timestamps else f"{rel} "
        return out

    def _begin(self, tid: int, task: _Task, t: int) -> None:
        """Start a line for ``tid`` (ending another thread's open line as unfinished)."""
        ch = task.channel
        if ch.open_tid is not None:
            ch.stream.write(" <unfinished ...>\n")
        lead = task.lead if self._live > 1 or self._plain else ""
        if self._stamped:
            lead += self._stamp(t)
        ch.stream.write(lead)
        ch.open_tid = tid
        ch.col = len(lead)

    def _write(self, ch: _Channel, text: str) -> None:
        ch.stream.write(text)
        ch.col += len(text)

    def _end(self, ch: _Channel) -> None:
        ch.stream.write("\n")
        ch.open_tid = None
        ch.col = 0
        if self._flush:
            ch.stream.flush()

    def _tab(self, ch: _Channel) -> None:
        if ch.col < self.opts.acolumn:
            self._write(ch, " " * (self.opts.acolumn - ch.col))

    def _line(self, tid: int, task: _Task, t: int, text: str) -> None:
        self._begin(tid, task, t)
        self._write(task.channel, text)
        self._end(task.channel)

    def close(self) -> None:
        """End an open line (trace stopped mid-call) and close the -ff files."""
        channels = [self._shared] if self._shared is not None else []
        channels += [t.channel for t in self._tasks.values() if t.channel is not self._shared]
        for ch in channels:
            if ch is not None and ch.open_tid is not None:
                self._write(ch, " <unfinished ...>")
                self._end(ch)
        if self._shared is not None:
            self._shared.stream.flush()
        for f in self._files:
            if not f.closed:
                f.close()
        self._files.clear()

    # -- the records --------------------------------------------------------------------
    def task_started(self, pid: int, tid: int, ppid: int | None, argv: list[str] | None,
                     t: int) -> None:
        if tid not in self._tasks:
            self._task(tid)

    def _verbose(self, nr: int) -> bool | None:
        """strace's verbose(tcp) and abbrev(tcp) for syscall ``nr``."""
        opts = self.opts
        if opts.verbose_set is not None and not opts.verbose_set.contains_nr(nr):
            return None
        if opts.verbose is not None and opts.abbrev_set is not None:
            return not opts.abbrev_set.contains_nr(nr)
        return opts.verbose

    def _formatter(self, nr: int) -> tuple[decode.CallFormatter | None, _Memo]:
        f = self._formatters[nr] = (
            decode.call_formatter(self.table.by_nr[nr], strsize=self.opts.strsize,
                                  fd_paths=self.opts.fd_paths, xstyle=self.opts.xstyle,
                                  verbose=self._verbose(nr), xlat=self.opts.xlat)
            if nr in self.table.by_nr else None), _Memo()
        if self._fd_kinds is not None:
            # decorated fds (FdText, a str) would be keys equal to plain paths' text
            f[1].on = False
        return f

    def _on_paths(self, nr: int, captured: dict[Any, object] | None) -> bool:
        """-P: whether a path argument or an fd argument's file is one of the paths."""
        paths = self.opts.trace_paths
        info = self.table.by_nr.get(nr)
        if paths is None or not captured or info is None:
            return False
        for i, spec in enumerate(info.args):
            if spec.base == "path":
                value = captured.get(i)
            elif spec.base in ("fd", "dirfd"):
                value = captured.get(("fd", i))
                if isinstance(value, str):
                    value = os.fsencode(value)
            else:
                continue
            if isinstance(value, bytes) and value in paths:
                return True
        return False

    def syscall_entry(self, pid: int, tid: int, nr: int, args: tuple[int, ...], t: int,
                      captured: dict[Any, object] | None) -> _Pending:
        task = self._tasks.get(tid) or self._task(tid)
        if self._paths is not None and not self._on_paths(nr, captured):
            task.pending = None
            return _SKIPPED  # type: ignore[no-any-return]
        if self._fd_kinds is not None and captured:
            captured = _decorate_fds(pid, captured, args, None, self._fd_kinds,
                                     self.opts.xstyle)
        fmt, memo = self._formatters.get(nr) or self._formatter(nr)
        p = _Pending(nr, fmt, args, t, captured, memo)
        task.pending = p
        task.reprint = False
        if self._staged:
            return p
        if fmt is None:
            text = p.name + "(" + ", ".join(hex(a) for a in args)
        else:
            n = p.entry_args = fmt.entry_count_of(args)
            key = known = None
            if memo.on:
                key = p.cap_key = _cap_key(captured) if captured else None
                if key is not _UNSET:
                    key = (args, key)
                    known = memo.lookup(memo.entries, key)
                else:
                    key = None
            if known is not None:
                text, p.formatted = known
            else:
                if n == len(fmt.kinds):  # every argument is known at entry: format once
                    p.formatted = fmt.arg_list(args, captured, None)
                    text = p.name + "(" + ", ".join(p.formatted)
                elif n:
                    text = p.name + "(" + ", ".join(
                        fmt.arg_list(args, captured, None)[:n]) + ", "
                else:
                    text = p.name + "("
                if key is not None and memo.on:
                    if len(memo.entries) >= memo.SIZE:
                        memo.entries.clear()
                    memo.entries[key] = (text, p.formatted)
        ch = task.channel  # _begin, inlined: one write for the line's start
        if self._live > 1 or self._plain:
            text = task.lead + (self._stamp(t) if self._stamped else "") + text
        elif self._stamped:
            text = self._stamp(t) + text
        ch.col = len(text)
        if ch.open_tid is not None:
            text = " <unfinished ...>\n" + text
        ch.stream.write(text)
        ch.open_tid = tid
        p.printed = True
        # Like strace, make an entry visible at once: the call may block for long.
        ch.stream.flush()
        if self._times:  # as strace, -T does not count the tracer's work at entry
            p.resumed = _clock()
        return p

    def syscall_exit(self, token: _Pending | None, pid: int, tid: int, nr: int, retval: int,
                     failed: bool, t: int, captured: dict[Any, object] | None) -> None:
        task = self._tasks.get(tid) or self._task(tid)
        p = token if token is not None else task.pending
        task.pending = None
        if p is None or p is _SKIPPED:
            return
        if self._status is not None and not self._status.matches(failed=failed):
            return
        o = self.opts
        cap = captured if not p.captured else ({**p.captured, **captured} if captured
                                               else p.captured)
        if self._fd_kinds is not None and cap:
            cap = _decorate_fds(pid, cap, p.args, retval, self._fd_kinds, o.xstyle)
        fmt = p.fmt
        args = p.formatted
        ret = None
        key = None
        memo = p.memo
        if fmt is not None and memo.on:
            # the entry's key serves when the exit captured nothing more
            key = p.cap_key if cap is p.captured and p.cap_key is not _UNSET \
                else _cap_key(cap) if cap else None
            if key is not _UNSET:
                key = (p.args, key, retval, failed)
                known = memo.lookup(memo.exits, key)
                if known is not None:
                    if args is None:
                        args = known[0]
                    ret = known[1]
            else:
                key = None
        if args is None:
            args = (fmt.arg_list(p.args, cap, retval) if fmt is not None
                    else [hex(a) for a in p.args])
        if ret is None:
            if fmt is not None:
                ret = fmt.retval(p.args, cap, retval, -retval if failed else None)
                if key is not None and memo.on:
                    if len(memo.exits) >= memo.SIZE:
                        memo.exits.clear()
                    memo.exits[key] = (None if p.formatted is not None else args, ret)
            elif failed:
                ret = f"-1 {decode.errno_name(-retval)} ({decode.errno_message(-retval)})"
            else:
                ret = str(retval)
        ch = task.channel
        if not p.printed:  # staged: the whole line now, stamped with the entry time
            self._begin(tid, task, p.t)
            text = p.name + "(" + ", ".join(args)
        elif ch.open_tid == tid and not task.reprint:
            text = ", ".join(args[p.entry_args:])
        else:
            self._begin(tid, task, t)
            text = f"<... {p.name} resumed>" + ", ".join(args[p.entry_args:])
        task.reprint = False
        text += ") "
        pad = o.acolumn - ch.col - len(text)
        if pad > 0:
            text += " " * pad
        text += "= " + ret
        if not self._extras:  # _end, inlined
            ch.stream.write(text + "\n")
            ch.open_tid = None
            ch.col = 0
            if self._flush:
                ch.stream.flush()
            return
        if o.syscall_times:
            text += f" <{format_duration(t - p.resumed)}>"
        frames: tuple[Frame, ...] = ()
        if o.stack is not None:
            frames = o.stack(pid, cap)
            if o.source is not None:
                text += self._where(frames)
        ch.stream.write(text)
        self._end(ch)
        if (o.read_fds is not None or o.write_fds is not None) and not failed:
            self._dump(ch, p, cap, retval)
        if o.print_stack:
            for frame in frames:
                ch.stream.write(format_frame(frame) + "\n")

    def _dump(self, ch: _Channel, p: _Pending, cap: dict[Any, object] | None,
              retval: int) -> None:
        """-e read= / -e write=: the data of a read or write on a selected fd, in hex."""
        fmt = p.fmt
        if fmt is None or not cap or not p.args or fmt.kinds[0][0] != "fd":
            return
        fd = p.args[0] & 0xFFFFFFFF
        fd = fd - (1 << 32) if fd & 0x80000000 else fd
        for i, (base, _) in enumerate(fmt.kinds):
            fds = (self.opts.read_fds if base in ("buf_out", "iovec_out") else
                   self.opts.write_fds if base in ("buf_in", "iovec_in") else None)
            if fds is None or fd not in fds:
                continue
            value = cap.get(i)
            if isinstance(value, bytes):
                pieces = [value[:retval]]
            elif isinstance(value, list):  # an iovec array: one dump per element
                pieces, left = [], retval
                for item in value:
                    data = item[2] if isinstance(item, tuple) and len(item) == 3 else None
                    if isinstance(data, bytes) and left > 0:
                        pieces.append(data[:left])
                        left -= len(pieces[-1])
            else:
                continue
            for data in pieces:
                for line in hex_dump(data):
                    ch.stream.write(line + "\n")

    def _where(self, frames: tuple[Frame, ...]) -> str:
        """--source's suffix for a stack (empty when none of its frames is the program's)."""
        got = self._wheres.get(id(frames))
        if got is not None and got[0] is frames:
            return got[1]
        assert self.opts.source is not None
        src = self.opts.source(frames)
        where = f" [{src}]" if src is not None else ""
        if len(self._wheres) >= 4096:
            self._wheres.clear()
        self._wheres[id(frames)] = (frames, where)
        return where

    def _unfinished(self, tid: int, task: _Task, t: int) -> None:
        """The thread died inside a syscall: strace's ``= ?`` line."""
        p = task.pending
        task.pending = None
        if p is None:
            return
        if self._status is not None and "unfinished" not in self._status:
            return
        ch = task.channel
        fmt = p.fmt
        n = fmt.entry_count_of(p.args) if fmt is not None else len(p.args)
        complete = fmt is None or n >= len(fmt.kinds)
        if not p.printed:
            self._begin(tid, task, p.t)
            args = (fmt.arg_list(p.args, p.captured, None)[:n] if fmt is not None
                    else [hex(a) for a in p.args])
            text = p.name + "(" + ", ".join(args)
            if not complete and n:
                text += ", "
            self._write(ch, text)
        elif ch.open_tid != tid or task.reprint:
            self._begin(tid, task, t)
            self._write(ch, f"<... {p.name} resumed>")
        if not complete:
            self._write(ch, " <unfinished ...>")
        self._write(ch, ") ")
        self._tab(ch)
        self._write(ch, "= ?")
        self._end(ch)

    def signal(self, pid: int, tid: int, signo: int, siginfo: bytes, t: int) -> None:
        if self.opts.signals is not None and signo not in self.opts.signals:
            return
        task = self._task(tid)
        info = decode.format_siginfo(siginfo, self.opts.xlat) if siginfo else ""
        name = decode.signal_name(signo)
        self._line(tid, task, t, f"--- {name} {info} ---" if info else f"--- {name} ---")

    def group_stop(self, pid: int, tid: int, signo: int, t: int) -> None:
        if self.opts.signals is not None and signo not in self.opts.signals:
            return
        self._line(tid, self._task(tid), t, f"--- stopped by {decode.signal_name(signo)} ---")

    def exec(self, pid: int, tid: int, former_tid: int, argv: list[str] | None,
             t: int) -> None:
        if former_tid == tid or former_tid not in self._tasks:
            return
        # A non-leader thread exec'd and took the leader's tid: the leader is gone, the
        # thread's execve returns under the leader's tid (strace's "superseded" line).
        old = self._tasks.pop(former_tid)
        leader = self._tasks.get(tid)
        if leader is not None:
            self._unfinished(tid, leader, t)  # the leader's own call never returns
            self._live -= 1
            if old.channel is not leader.channel:
                old.channel.stream.flush()
            if leader.channel.open_tid == tid:
                self._write(leader.channel, " <unfinished ...>")
                self._end(leader.channel)
            old.channel = leader.channel
        self._tasks[tid] = old
        old.lead = self._lead_for(tid)  # the thread goes on under the leader's tid
        if self.opts.quiet < 3:
            self._line(tid, old, t, f"+++ superseded by execve in pid {former_tid} +++")
        old.reprint = True

    def task_exited(self, pid: int, tid: int, status: int, t: int) -> None:
        task = self._task(tid)
        self._unfinished(tid, task, t)
        sig = status & 0x7F
        show = (self.opts.signals is None or sig in self.opts.signals) if sig \
            else self.opts.quiet < 2
        if show:
            self._line(tid, task, t, exit_line(status, decode.signal_name))
        del self._tasks[tid]
        self._live -= 1
        if task.channel is not self._shared:
            self._files.discard(task.channel.stream)
            task.channel.stream.close()
