"""The ``renacer`` command: strace's flags and output, plus JSON.

``renacer [-f|-ff] [-c|-C] [-S SORTBY] [-T] [-t|-tt|-ttt] [-r] [-y] [-s N] [-e EXPR]...
[-z|-Z] [-q] [-o FILE] [-k] [--source] [--format text|json|jsonl|chrome] (-p PID... | CMD ARGS)``

Output goes to stderr unless ``-o FILE``.  The exit status is the traced command's
(the console script dies of the signal that killed it, as strace does; main() returns
128+N); 2 for a usage error; 1 when the command cannot be
started or ptrace is denied.  See docs/cli.md.
"""

from __future__ import annotations

import contextlib
import getopt
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from . import __version__, api
from .errors import (
    AttachError,
    CommandNotExecutable,
    CommandNotFound,
    FilterError,
    RenacerError,
    TracingUnavailable,
)
from .filters import StatusFilter, SyscallSet, parse_e_option, parse_status, parse_trace
from .model import Frame
from .record import field, record
from .tables import table_for
from .tracer.sink import IgnoringSink, syscall_fanout
from .tracer.spawn import as_command_line

if TYPE_CHECKING:
    from .output.text import FdSet
    from .tables import SyscallTable

__all__ = ["USAGE", "Config", "UsageError", "console", "main", "parse_args"]

USAGE = """\
Usage: renacer [-cCfhkqrtTvVxyzZ] [-ff] [-tt|-ttt] [-xx] [-a COLUMN] [-e EXPR]...
               [-o FILE] [-s STRSIZE] [-S SORTBY] [-X STYLE]
               [--format text|json|jsonl|chrome] [--source]
               { -p PID [-p PID]... | [--] PROG [ARGS] }
"""

HELP = USAGE + """
Trace the system calls of PROG (or of running processes) with ptrace; strace's flags.

Startup:
  -p PID, --attach=PID   trace the running process PID (repeatable; PID,PID accepted)
Tracing:
  -f, --follow-forks     follow forks, vforks and clones
  -ff                    with -o FILE: one output file per thread, FILE.TID
Filtering:
  -e trace=EXPR          trace only the syscalls in EXPR: names, %file, %network,
                         %process, %memory, ..., /regex, !negation, all, none
  -e status=SET          print only calls with these statuses: successful, failed,
                         unfinished (comma-separated, !negation)
  -e signal=SET          print only these signals
  -z, --successful-only  same as -e status=successful
  -Z, --failed-only      same as -e status=failed
Output:
  -o FILE, --output=FILE write the trace to FILE instead of stderr
  -s N, --string-limit=N print at most N bytes of each string (default 32)
  -y                     print the paths of file descriptors
  -yy                    and sockets' protocols and addresses (TCP, UDP, UNIX: its peer
                         and path), devices' numbers, pidfds' processes
  --decode-fds[=SET]     what -y / -yy print, of path (the default), socket, dev, pidfd
                         (all, none; !SET: all but)
  -a N, --columns=N      align the return values at column N (default 40)
  -x                     print non-ASCII strings in hex; -xx: every string in hex
  -v, --no-abbrev        print structures in full (-e abbrev=none); -e abbrev=SET:
                         abbreviate only these syscalls' structures; -e verbose=SET:
                         read only these syscalls' structures (the others': addresses)
  -X STYLE               constants by name (abbrev, the default), as numbers (raw) or
                         both (verbose)
  -P PATH, --trace-path=PATH
                         trace only the syscalls on PATH (by name or open fd; repeatable)
  -e read=SET, -e write=SET
                         hex-dump the data read from / written to the fds in SET
  -t                     prefix lines with the time of day; -tt with microseconds;
  -tt, -ttt              -ttt with seconds since the epoch
  -r                     prefix lines with the time since the previous line
  -T, --syscall-times    show the time spent in each syscall
  -k, --stack-trace      print the stack of each syscall
  --source               print each syscall's source location (file:line in function)
  -q, -qq                suppress attach/detach messages; -qq exit lines too
  --format FORMAT        text (strace's lines, the default), json (one renacer-json-v1
                         document at the end), jsonl (one JSON record per line, live),
                         chrome (Trace Event JSON at the end: Perfetto, chrome://tracing)
Statistics:
  -c, --summary-only     count time, calls and errors per syscall; print a summary
  -C, --summary          like -c, and print the trace too
  -S SORTBY              sort the summary by time (default), calls, errors, name,
                         avg_time, min_time, max_time or nothing
  -w                     accepted for strace compatibility: times are wall-clock anyway
Miscellaneous:
  -h, --help             print this help and exit
  -V, --version          print the version and exit
"""

_SHORT = "cCfhkqrtTvVwxyzZa:e:o:p:P:s:S:X:"
_LONG = [
    "attach=", "follow-forks", "output-separately", "trace=", "status=", "signal=",
    "successful-only", "failed-only", "output=", "string-limit=", "decode-fds=",
    "columns=", "strings-in-hex=", "no-abbrev", "verbose=", "const-print-style=",
    "trace-path=", "read=", "write=",
    "syscall-times", "stack-trace", "source", "quiet", "format=", "summary-only",
    "summary", "summary-sort-by=", "summary-wall-clock", "help", "version",
]


class UsageError(Exception):
    """A bad flag or expression: reported on stderr with exit status 2."""


@record
class Config:
    """The parsed command line."""

    command: list[str] = field(default_factory=list)
    pids: list[int] = field(default_factory=list)
    follow: int = 0  # 1: -f, 2: -ff
    summary: int = 0  # 1: -c (summary only), 2: -C (trace and summary)
    sortby: str = "time"
    syscall_times: bool = False
    timestamps: int = 0
    relative: bool = False
    fd_paths: bool = False
    fd_sockets: bool = False  # -yy
    fd_kinds: frozenset[str] | None = None  # --decode-fds=SET (None: as -y / -yy say)
    strsize: int = 32
    acolumn: int = 40  # -a
    #: -e abbrev=SET (-v: none): the syscalls whose structures are abbreviated ("...")
    abbrev_expr: str = "all"
    #: -e verbose=SET: the syscalls whose structures are read at all (others: addresses)
    verbose_expr: str = "all"
    xlat: int = 0  # -X abbrev|raw|verbose
    trace_paths: list[str] = field(default_factory=list)  # -P
    read_fds: FdSet | None = None  # -e read=
    write_fds: FdSet | None = None  # -e write=
    xstyle: int = 0  # -x: 1, -xx: 2
    trace_expr: str | None = None
    status: StatusFilter | None = None
    signals: frozenset[int] | None = None
    quiet: int | None = None
    output: str | None = None
    stack: bool = False
    source: bool = False
    format: str = "text"
    help: bool = False
    version: bool = False


def _signal_set(expr: str) -> frozenset[int] | None:
    """strace's ``-e signal=`` set: names (with or without SIG), numbers, !, all, none."""
    rest = expr.lstrip("!")
    inverted = (len(expr) - len(rest)) % 2 == 1
    every = frozenset(range(1, signal.NSIG))
    chosen: set[int] = set()
    if rest == "all":
        chosen = set(every)
    elif rest != "none":
        tokens = [t for t in rest.split(",") if t]
        if not tokens:
            raise UsageError(f"invalid signal '{expr}'")
        for token in tokens:
            if token.isdigit():
                n = int(token)
                if not 0 < n < signal.NSIG:
                    raise UsageError(f"invalid signal '{token}'")
                chosen.add(n)
                continue
            name = token.upper()
            if not name.startswith("SIG"):
                name = "SIG" + name
            sig = getattr(signal.Signals, name, None) if name.isidentifier() else None
            if sig is None:
                raise UsageError(f"invalid signal '{token}'")
            chosen.add(int(sig))
    result = frozenset(every - chosen if inverted else chosen)
    return None if result == every else result


def _fd_set(qual: str, expr: str) -> FdSet | None:
    """strace's ``-e read=``/``-e write=`` set: fd numbers, all, none, ! to invert."""
    from .output.text import FdSet

    rest = expr.lstrip("!")
    inverted = (len(expr) - len(rest)) % 2 == 1
    if rest in ("all", "none"):
        every = (rest == "all") != inverted
        return FdSet(frozenset(), inverted=True) if every else None
    fds = set()
    for token in rest.split(","):
        if not token.isdigit():
            raise UsageError(f"invalid descriptor '{token}' in -e {qual}={expr}")
        fds.add(int(token))
    return FdSet(frozenset(fds), inverted)


def _int_arg(flag: str, value: str, *, minimum: int = 0) -> int:
    try:
        n = int(value, 10)
    except ValueError:
        raise UsageError(f"invalid {flag} argument: '{value}'") from None
    if n < minimum:
        raise UsageError(f"invalid {flag} argument: '{value}'")
    return n


def _pids(value: str) -> list[int]:
    out = []
    for token in value.replace(",", " ").split():
        try:
            pid = int(token, 10)
        except ValueError:
            pid = 0
        if pid <= 0:
            raise UsageError(f"Invalid process id: '{token}'")
        out.append(pid)
    if not out:
        raise UsageError(f"Invalid process id: '{value}'")
    return out


def _qualify(cfg: Config, arg: str) -> None:
    try:
        qual, value = parse_e_option(arg)
        if qual == "trace":
            parse_trace(value)  # validated now, used by the engine
            cfg.trace_expr = value
        elif qual == "status":
            cfg.status = parse_status(value)
        elif qual == "signal":
            cfg.signals = _signal_set(value)
        elif qual in ("read", "write"):
            setattr(cfg, f"{qual}_fds", _fd_set(qual, value))
        elif qual in ("abbrev", "verbose"):
            parse_trace(value)  # validated now; the text output applies it per syscall
            setattr(cfg, f"{qual}_expr", value)
        else:
            raise UsageError(f"-e {qual}=...: not supported by renacer")
    except FilterError as e:
        raise UsageError(str(e)) from None


def _verbosity(cfg: Config, table: SyscallTable) -> dict[str, Any]:
    """TextOptions' verbose, abbrev_set and verbose_set for -v, -e abbrev= and -e verbose=."""
    plain = {"all", "none"}
    if cfg.abbrev_expr in plain and cfg.verbose_expr in plain:  # no set: nothing to parse
        return {"verbose": None if cfg.verbose_expr == "none" else cfg.abbrev_expr == "none",
                "verbose_set": None, "abbrev_set": None}
    abbrev = parse_trace(cfg.abbrev_expr, table)
    deref = parse_trace(cfg.verbose_expr, table)

    def uniform(sel: SyscallSet) -> bool:  # "all" or "none": one answer for every syscall
        return sel.is_all or (not sel.listed and not sel.inverted)

    def none(sel: SyscallSet) -> bool:
        return not sel.listed and not sel.inverted

    return {
        "verbose": None if none(deref) else none(abbrev),
        "verbose_set": None if uniform(deref) else deref,
        "abbrev_set": None if uniform(abbrev) else abbrev,
    }


#: --decode-fds' kinds (strace 6.1)
_FD_KINDS = ("path", "socket", "dev", "pidfd")


def _fd_kinds(value: str) -> frozenset[str]:
    """A --decode-fds set: ``path,socket``, ``all``, ``none``, ``!dev``."""
    body = value.lstrip("!")
    invert = (len(value) - len(body)) % 2 == 1
    chosen: set[str] = set()
    for token in body.split(","):
        if token == "all":
            chosen.update(_FD_KINDS)
        elif token in _FD_KINDS:
            chosen.add(token)
        elif token != "none" or "," in body:
            raise UsageError(f"invalid --decode-fds argument: '{value}' "
                             f"(expected {', '.join(_FD_KINDS)}, all or none)")
    return frozenset(_FD_KINDS) - chosen if invert else frozenset(chosen)


def _getopt(argv: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """getopt, with --decode-fds' argument optional as in strace (``--decode-fds`` alone is
    ``--decode-fds=path``): that token is rewritten among the options, not after them."""
    argv = list(argv)
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--" or not a.startswith("-") or a == "-":
            break
        if a.startswith("--"):
            name = a[2:]
            if name == "decode-fds":
                argv[i] = "--decode-fds=path"
            elif "=" not in name and any(o.startswith(name) and o.endswith("=")
                                         for o in _LONG):
                i += 1  # its argument
        else:
            for j, ch in enumerate(a[1:], 1):
                k = _SHORT.find(ch)
                if k >= 0 and _SHORT[k + 1:k + 2] == ":":
                    i += j == len(a) - 1  # the argument is the next token
                    break
        i += 1
    return getopt.getopt(argv, _SHORT, _LONG)


def parse_args(argv: Sequence[str]) -> Config:
    """The command line as a :class:`Config`; :class:`UsageError` when it is wrong."""
    try:
        opts, rest = _getopt(list(argv))
    except getopt.GetoptError as e:
        raise UsageError(str(e)) from None
    cfg = Config(command=list(rest))
    for opt, value in opts:
        if opt in ("-f", "--follow-forks"):
            cfg.follow += 1
        elif opt == "--output-separately":
            cfg.follow = 2
        elif opt in ("-c", "--summary-only"):
            cfg.summary = 1
        elif opt in ("-C", "--summary"):
            cfg.summary = 2
        elif opt in ("-S", "--summary-sort-by"):
            from .output.summary import SORT_KEYS

            if value not in SORT_KEYS:
                raise UsageError(f"invalid sortby: '{value}'")
            cfg.sortby = value
        elif opt in ("-T", "--syscall-times"):
            cfg.syscall_times = True
        elif opt == "-t":
            cfg.timestamps = min(cfg.timestamps + 1, 3)
        elif opt == "-r":
            cfg.relative = True
        elif opt == "-y":
            cfg.fd_sockets = cfg.fd_paths  # -yy
            cfg.fd_paths = True
        elif opt == "--decode-fds":
            cfg.fd_kinds = _fd_kinds(value or "path")
            cfg.fd_paths = bool(cfg.fd_kinds)
        elif opt in ("-s", "--string-limit"):
            cfg.strsize = _int_arg("-s", value)
        elif opt in ("-a", "--columns"):
            cfg.acolumn = _int_arg("-a", value)
        elif opt == "-x":
            cfg.xstyle = min(cfg.xstyle + 1, 2)
        elif opt == "--strings-in-hex":
            styles = {"none": 0, "non-ascii": 1, "all": 2}
            if value not in styles:
                raise UsageError(f"invalid --strings-in-hex argument: '{value}'")
            cfg.xstyle = styles[value]
        elif opt in ("-v", "--no-abbrev"):
            _qualify(cfg, "abbrev=none")
        elif opt == "--verbose":
            _qualify(cfg, "verbose=" + value)
        elif opt in ("-X", "--const-print-style"):
            styles = {"abbrev": 0, "raw": 1, "verbose": 2}
            if value not in styles:
                raise UsageError(f"invalid -X argument: '{value}'")
            cfg.xlat = styles[value]
        elif opt == "-e":
            _qualify(cfg, value)
        elif opt == "--trace":
            _qualify(cfg, "trace=" + value)
        elif opt == "--status":
            _qualify(cfg, "status=" + value)
        elif opt == "--signal":
            _qualify(cfg, "signal=" + value)
        elif opt in ("--read", "--write"):
            _qualify(cfg, f"{opt[2:]}={value}")
        elif opt in ("-P", "--trace-path"):
            if not value:
                raise UsageError("-P needs a path")
            cfg.trace_paths.append(value)
        elif opt in ("-z", "--successful-only"):
            cfg.status = parse_status("successful")
        elif opt in ("-Z", "--failed-only"):
            cfg.status = parse_status("failed")
        elif opt in ("-q", "--quiet"):
            cfg.quiet = (cfg.quiet or 0) + 1
        elif opt in ("-o", "--output"):
            if not value:
                raise UsageError("-o needs a file name")
            cfg.output = value
        elif opt in ("-p", "--attach"):
            cfg.pids += _pids(value)
        elif opt in ("-k", "--stack-trace"):
            cfg.stack = True
        elif opt == "--source":
            cfg.source = True
        elif opt == "--format":
            if value not in ("text", "json", "jsonl", "chrome"):
                raise UsageError(f"invalid --format '{value}': expected text, json, jsonl "
                                 "or chrome")
            cfg.format = value
        elif opt in ("-h", "--help"):
            cfg.help = True
        elif opt in ("-V", "--version"):
            cfg.version = True
        # -w, --summary-wall-clock: times are always wall-clock
    if cfg.help or cfg.version:
        return cfg
    if not cfg.command and not cfg.pids:
        raise UsageError("must have PROG [ARGS] or -p PID")
    if cfg.command and cfg.pids:
        raise UsageError("-p PID and a command cannot be combined")
    if cfg.follow >= 2 and cfg.output is None:
        cfg.follow = 1  # strace: -ff without -o FILE is -f
    if cfg.stack and cfg.summary == 1:
        raise UsageError("-k and -c are mutually exclusive")
    return cfg


# --------------------------------------------------------------------------- running


class _Live(IgnoringSink):
    """A sink that knows which traced threads are alive (for signals and detach notes),
    and prints strace's ``Process N attached`` for each new one (but the first)."""

    def __init__(self, notes: IO[str] | None = None) -> None:
        self.tids: dict[int, int] = {}  # tid -> pid
        self.notes = notes
        self.announce = True

    def task_started(self, pid: int, tid: int, ppid: int | None, argv: list[str] | None,
                     t: int) -> None:
        if self.tids and self.announce and self.notes is not None:
            self.notes.write(f"renacer: Process {tid} attached\n")
            self.notes.flush()
        self.tids[tid] = pid

    def exec(self, pid: int, tid: int, former_tid: int, argv: list[str] | None,
             t: int) -> None:
        if former_tid != tid:
            self.tids.pop(former_tid, None)
            self.tids[tid] = pid

    def task_exited(self, pid: int, tid: int, status: int, t: int) -> None:
        self.tids.pop(tid, None)


def _path_set(paths: list[str]) -> frozenset[bytes]:
    """-P's paths as given and, for a symbolic link, resolved (strace does both)."""
    out = set()
    for path in paths:
        out.add(os.fsencode(path))
        if os.path.exists(path):
            out.add(os.fsencode(os.path.realpath(path)))
    return frozenset(out)


def _exit_status(returncode: int | None) -> int:
    if returncode is None:
        return 0
    return 128 - returncode if returncode < 0 else returncode & 0xFF


@contextlib.contextmanager
def _signals_handled(handler: Callable[[int], None], *,
                     keep_ignored: bool = False) -> Iterator[None]:
    sigs = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)

    def on_signal(signum: int, frame: FrameType | None) -> None:
        handler(signum)

    # keep_ignored (a command we start): a signal ignored when we started stays ignored,
    # for us and so for the command (as under strace; a tracee given a handler's
    # SIG_DFL instead of SIG_IGN makes other calls).  Attached (-p), we always handle
    # them: they are how the user detaches.
    old = {s: signal.signal(s, on_signal) for s in sigs
           if not (keep_ignored and signal.getsignal(s) is signal.SIG_IGN)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def _source_support() -> Callable[[tuple[Frame, ...]], Frame | None]:
    """source/'s first_own_frame; UsageError-free RenacerError when it is not there."""
    try:
        from .source import make_unwinder  # noqa: F401
        from .source.frames import first_own_frame
    except ImportError:
        raise RenacerError(
            "-k/--source: source locations are not available yet in this build "
            "(pytest_renacer.source is incomplete)"
        ) from None
    return first_own_frame


class _Runner:
    """Runs one trace for a Config and writes its outputs."""

    def __init__(self, cfg: Config, stderr: IO[str]) -> None:
        self.cfg = cfg
        self.stderr = stderr
        self.table = table_for()
        self.interrupted = 0
        self.killed_by: int | None = None  # the signal that killed the traced command
        self.live = _Live(stderr)
        self.files: list[IO[str]] = []
        self.stream: IO[str] = stderr
        self.text: Any = None
        self.summary: Any = None
        self.jsonl: Any = None

    # -- outputs ------------------------------------------------------------------------
    def _open(self, path: str) -> IO[str]:
        try:
            f = open(path, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
        except OSError as e:
            raise RenacerError(f"Can't fopen '{path}': {e.strerror}") from None
        self.files.append(f)
        return f

    def _sinks(self) -> list[Any]:
        # each writer imported where it is used: start-up pays only for the one it needs
        cfg = self.cfg
        if cfg.output is not None and not (cfg.follow >= 2 and cfg.format == "text"
                                           and cfg.summary != 1):
            self.stream = self._open(cfg.output)
        sinks: list[Any] = [self.live]
        quiet = cfg.quiet
        if quiet is None:  # strace: -o FILE with a command implies -q
            quiet = 1 if (cfg.output is not None and cfg.command) else 0
        if quiet >= 1 or cfg.format != "text":
            self.live.notes = None
        self.live.announce = bool(cfg.command)
        summary = None
        if cfg.format == "text":
            if cfg.summary:
                from .output.summary import SummarySink

                # last, so that its entry timestamp is taken just before the tracee resumes
                summary = self.summary = SummarySink(self.table)
            if cfg.summary != 1:
                from .output.text import TextOptions, TextSink

                first_own = _source_support() if (cfg.stack or cfg.source) else None
                stack_fn = self._stack_fn() if first_own is not None else None
                options = TextOptions(
                    strsize=cfg.strsize, fd_paths=cfg.fd_paths, acolumn=cfg.acolumn,
                    fd_sockets=cfg.fd_sockets, fd_kinds=cfg.fd_kinds,
                    xstyle=cfg.xstyle, xlat=cfg.xlat, **_verbosity(cfg, self.table),
                    trace_paths=_path_set(cfg.trace_paths) if cfg.trace_paths else None,
                    read_fds=cfg.read_fds, write_fds=cfg.write_fds,
                    syscall_times=cfg.syscall_times, timestamps=cfg.timestamps,
                    relative=cfg.relative, status=cfg.status, signals=cfg.signals,
                    quiet=quiet, stack=stack_fn, print_stack=cfg.stack,
                    source=first_own if cfg.source else None,
                    prefix=("none" if cfg.follow >= 2 and cfg.output is not None
                            else "plain" if cfg.output is not None
                            and (cfg.follow or len(cfg.pids) > 1) else "auto"),
                )
                open_file: Callable[[int], IO[str]] | None = None
                if cfg.follow >= 2 and cfg.output is not None:
                    base = cfg.output

                    def open_file(tid: int) -> IO[str]:
                        return open(f"{base}.{tid}", "w", encoding="utf-8",
                                    errors="backslashreplace")
                self.text = TextSink(
                    self.table, options, None if open_file is not None else self.stream,
                    open_file=open_file,
                    flush=self.stream is self.stderr or _isatty(self.stream),
                )
                sinks.append(self.text)
            if summary is not None:
                sinks.append(summary)
        elif cfg.format == "jsonl":
            from .output.json import JsonlSink

            if cfg.stack or cfg.source:
                _source_support()
            self.jsonl = JsonlSink(self.table, self.stream,
                                   command=cfg.command or [str(p) for p in cfg.pids],
                                   strsize=cfg.strsize, fd_paths=cfg.fd_paths,
                                   events=cfg.summary != 1)
            sinks.append(self.jsonl)
        elif cfg.stack or cfg.source:
            _source_support()
        return sinks

    def _stack_fn(self) -> Callable[[int, dict[Any, object] | None], tuple[Frame, ...]]:
        # The unwinder hands out one tuple per distinct stack: a loop's lines repeat the
        # last one, answered without asking the symbolizer.
        last: list[Any] = [None, ()]
        # --source alone shows the first own frame: the frames below it need no symbolizing
        source_only = self.cfg.source and not self.cfg.stack

        def stack(pid: int, captured: dict[Any, object] | None) -> tuple[Frame, ...]:
            pcs = captured.get("pcs") if captured else None
            if pcs is last[0]:
                return last[1]  # type: ignore[no-any-return]
            symbolize = getattr(self, "symbolizer", None)
            if symbolize is None or not pcs:
                return ()
            frames: tuple[Frame, ...] = (
                symbolize.own_stack(pid, pcs)
                if source_only and hasattr(symbolize, "own_stack") else symbolize(pid, pcs))
            last[0], last[1] = pcs, frames
            return frames

        return stack

    def set_symbolizer(self, symbolize: Any) -> None:
        self.symbolizer = symbolize

    def close(self) -> None:
        if self.text is not None:
            self.text.close()
        for f in self.files:
            if not f.closed:
                f.close()
        try:
            self.stderr.flush()
        except (OSError, ValueError):
            pass

    # -- signals ------------------------------------------------------------------------
    def _kill_all(self, signum: int) -> None:
        if not self.interrupted:
            self.interrupted = signum
        for pid in set(self.live.tids.values()):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    # -- the run ------------------------------------------------------------------------
    def run(self) -> int:
        cfg = self.cfg
        record = cfg.format in ("json", "chrome")
        sinks = self._sinks()
        engine_filter: str | None = cfg.trace_expr
        selected = None
        if engine_filter is not None and not record and (cfg.syscall_times or cfg.summary):
            # With a seccomp filter the kernel stops once more between a call's entry and
            # its exit, which would count in -T and -c times: stop on every call, as
            # strace does, and select here.
            selected = parse_trace(engine_filter, self.table)
            engine_filter = None
        from .output.text import DUMP_LIMIT

        dumps = cfg.read_fds is not None or cfg.write_fds is not None
        options: dict[str, Any] = {
            "filter": engine_filter, "follow_forks": bool(cfg.follow),
            "source": cfg.stack or cfg.source,
            # dumps show whole buffers; -P matches fds by the files they are open on
            "strsize": max(cfg.strsize, DUMP_LIMIT) if dumps else cfg.strsize,
            "fd_paths": cfg.fd_paths or bool(cfg.trace_paths),
            "sinks": [_Fanout(sinks, self, selected)],
            "record": record,
        }
        if cfg.pids:
            trace = self._attach(options)
            status = 128 + self.interrupted if self.interrupted else 0
        else:
            # $RENACER_PIPELINE=1 formats the output on a thread of its own while the
            # compiled core keeps the tracee going.  Off by default: on a 2-CPU machine the
            # tracee, the tracer and that thread compete for the CPUs and it measured
            # slower (docs/performance.md).  Never with --source/-k, whose unwinder and
            # symbolizer share their caches.
            pipeline = not (cfg.stack or cfg.source) and os.environ.get(
                "RENACER_PIPELINE", "") not in ("", "0")
            with _signals_handled(self._kill_all, keep_ignored=True):
                trace = api.trace(cfg.command, capture_output=False, pipeline=pipeline,
                                  **options)
            status = _exit_status(trace.returncode)
            if self.interrupted:
                status = 128 + self.interrupted
            elif trace.returncode is not None and trace.returncode < 0:
                self.killed_by = -trace.returncode
        self._finish(trace, status)
        return status

    def _attach(self, options: dict[str, Any]) -> Any:
        cfg = self.cfg
        stop_requested = False

        def on_signal(signum: int) -> None:
            nonlocal stop_requested
            stop_requested = True
            if not self.interrupted:
                self.interrupted = signum

        # Handled from before the attach: a Ctrl-C as soon as "attached" shows (or while
        # the tracer's thread already prints calls) must detach, not find Python's default
        # handler still in place.
        with _signals_handled(on_signal):
            tracer = api.attach(cfg.pids if len(cfg.pids) > 1 else cfg.pids[0], **options)
            quiet = cfg.quiet or 0
            for pid in cfg.pids:
                threads = sum(1 for p in self.live.tids.values() if p == pid)
                if quiet < 1:
                    extra = f" with {threads} threads" if threads > 1 else ""
                    self.stderr.write(f"renacer: Process {pid} attached{extra}\n")
            self.stderr.flush()
            self.live.announce = True
            trace = None
            while trace is None:
                trace = tracer.wait(0.1)
                if trace is None and stop_requested:
                    remaining = sorted(set(self.live.tids.values()))
                    trace = tracer.stop()
                    if quiet < 1:
                        for pid in remaining:
                            self.stderr.write(f"renacer: Process {pid} detached\n")
        return trace

    def _finish(self, trace: Any, status: int) -> None:
        cfg = self.cfg
        if self.text is not None:
            self.text.close()
        if self.summary is not None:
            from .output.summary import format_summary

            self.stream.write(format_summary(self.summary.rows(), cfg.sortby))
        if self.jsonl is not None:
            self.jsonl.finish(trace.returncode, status)
        if cfg.format == "json":
            from .output.json import write_document

            write_document(trace, self.stream, with_events=cfg.summary != 1,
                           exit_status=status)
        elif cfg.format == "chrome":
            from .output.chrome import write_chrome

            write_chrome(trace.to_json(), self.stream)
        self.stream.flush()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):
        return False


#: the syscall numbers the compiled core counts itself (its tables' size: NR_MAX)
_CORE_NRS = 4096


class _Fanout:
    """Forwards records to several sinks; also hands the symbolizer to whoever wants it.

    Syscall records go only to the sinks that want them (not to :class:`_Live`), and
    straight to the one sink when there is one: they are the hot path.  With
    ``selected``, only the syscalls in that set reach them.
    """

    def __init__(self, sinks: Sequence[Any], runner: _Runner,
                 selected: SyscallSet | None = None) -> None:
        self.sinks = tuple(sinks)
        self.runner = runner
        callers = [s for s in self.sinks if not isinstance(s, _Live)]
        self.wants_arguments = any(getattr(s, "wants_arguments", True) for s in callers)
        self.syscall_entry: Callable[..., Any]
        self.syscall_exit: Callable[..., None]
        self.syscall_entry, self.syscall_exit = syscall_fanout(callers)
        # -c alone: the compiled core counts the calls itself (SummarySink.summary_counts)
        counts = getattr(callers[0], "summary_counts", None) if len(callers) == 1 else None
        if counts is not None and selected is not None:
            counts = (frozenset(nr for nr in range(_CORE_NRS) if selected.contains_nr(nr)),
                      counts[1])
        self.summary_counts = counts
        if selected is not None:
            keep = selected.contains_nr
            inner_entry, inner_exit = self.syscall_entry, self.syscall_exit
            skipped = object()

            def selected_entry(pid: int, tid: int, nr: int, *args: Any) -> Any:
                return inner_entry(pid, tid, nr, *args) if keep(nr) else skipped

            def selected_exit(token: Any, *args: Any) -> None:
                if token is not skipped:
                    inner_exit(token, *args)

            self.syscall_entry, self.syscall_exit = selected_entry, selected_exit

    def set_symbolizer(self, symbolize: Any) -> None:
        self.runner.set_symbolizer(symbolize)
        for s in self.sinks:
            setter = getattr(s, "set_symbolizer", None)
            if setter is not None:
                setter(symbolize)

    def task_started(self, *args: Any) -> None:
        for s in self.sinks:
            s.task_started(*args)

    def signal(self, *args: Any) -> None:
        for s in self.sinks:
            s.signal(*args)

    def group_stop(self, *args: Any) -> None:
        for s in self.sinks:
            s.group_stop(*args)

    def exec(self, *args: Any) -> None:
        for s in self.sinks:
            s.exec(*args)

    def task_exited(self, *args: Any) -> None:
        for s in self.sinks:
            s.task_exited(*args)


def console() -> None:
    """The ``renacer`` console script: :func:`main`, and when the traced command was
    killed by a signal, renacer dies of it too, as strace does (a shell then reports
    "Segmentation fault" alike)."""
    sys.exit(main(die_with_tracee=True))


def _die_of(sig: int) -> None:
    """Kill this process with ``sig`` (no core dump of our own); returns if it survives."""
    import resource

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    with contextlib.suppress(OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
    with contextlib.suppress(OSError, ValueError):
        signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {sig})
        os.kill(os.getpid(), sig)


def main(argv: Sequence[str] | None = None, *, die_with_tracee: bool = False) -> int:
    """The command line; returns the exit status.  ``die_with_tracee``: see console()."""
    args = sys.argv[1:] if argv is None else list(argv)
    err = sys.stderr
    try:
        cfg = parse_args(args)
    except UsageError as e:
        err.write(f"renacer: {e}\n{USAGE}Try 'renacer -h' for more information.\n")
        return 2
    if cfg.help:
        sys.stdout.write(HELP)
        return 0
    if cfg.version:
        sys.stdout.write(f"renacer -- version {__version__}\n")
        return 0
    runner = _Runner(cfg, err)
    status = 1
    try:
        with as_command_line("renacer"):
            status = runner.run()
    except (CommandNotFound, CommandNotExecutable) as e:
        if _EXEC_FAILED.search(str(e)) is not None:
            pass  # the execve failed in the traced child, which said so (as strace's does)
        elif isinstance(e, CommandNotFound):
            err.write(f"renacer: Can't stat '{cfg.command[0]}': No such file or directory\n")
        else:
            err.write(f"renacer: Can't execute '{cfg.command[0]}': Permission denied\n")
    except (TracingUnavailable, AttachError) as e:
        err.write(f"renacer: {e}\n")
    except RenacerError as e:
        err.write(f"renacer: {e}\n")
    except BrokenPipeError:
        # the reader of our output went away (renacer ... 2>&1 | head): no noise at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, err.fileno()) if _has_fd(err) else None
        os.close(devnull)
    finally:
        try:
            runner.close()
        except OSError:
            pass
    if die_with_tracee and runner.killed_by:
        _die_of(runner.killed_by)
    return status


#: how api.trace reports an execve that failed in the child (tracer/spawn.py's message)
_EXEC_FAILED = re.compile(r"execve failed: (.*)$")


def _has_fd(stream: IO[str]) -> bool:
    try:
        stream.fileno()
    except (OSError, ValueError, AttributeError):
        return False
    return True

