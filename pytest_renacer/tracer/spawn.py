"""Starting a command stopped, so that the tracer can seize it before its first exec.

The child stops itself with SIGSTOP; the parent PTRACE_SEIZEs it (SEIZE, not TRACEME,
so group-stops can be reported with PTRACE_LISTEN), then resumes it with SIGCONT.  Only
then does the child install the seccomp filter: a RET_TRACE filter without a tracer
that asked for PTRACE_O_TRACESECCOMP would fail those syscalls with ENOSYS.
"""

from __future__ import annotations

import contextlib
import os
import signal
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence

from ..errors import CommandNotFound, TraceeError
from . import ptrace as pt
from .seccomp import PreparedFilter

_CHILD_FAILED = 1  # strace's status when its command cannot be executed

#: Descriptors besides 0-2 that spawned commands inherit (see as_command_line).
_pass_on: frozenset[int] = frozenset()
#: The name a failed execve is reported under on the command's stderr, as strace's child
#: does before it exits (see as_command_line); None: only through the error pipe.
_exec_reporter: str | None = None


@contextlib.contextmanager
def as_command_line(name: str) -> Iterator[None]:
    """Spawn as the command-line tracer NAME does, within the block: the command inherits
    the descriptors this process inherited, and a failed execve says so on its stderr."""
    global _pass_on, _exec_reporter
    saved = _pass_on, _exec_reporter
    _pass_on, _exec_reporter = _inherited_fds(), name
    try:
        yield
    finally:
        _pass_on, _exec_reporter = saved


def _inherited_fds() -> frozenset[int]:
    """The descriptors above 2 open now and not close-on-exec: those this process
    inherited (Python opens its own close-on-exec).  The CLI's command gets them, as it
    would have without the tracer (a shell's ``9>>/dev/full``); the library closes every
    descriptor above 2, as subprocess does."""
    keep = set()
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return frozenset()
    for name in names:
        fd = int(name)
        if fd > 2:
            try:
                if os.get_inheritable(fd):
                    keep.add(fd)
            except OSError:
                pass  # the listing's own descriptor, closed since
    return frozenset(keep)


def _close_fds_but(keep: set[int]) -> None:
    """Close every descriptor above 2 except ``keep``."""
    low = 3
    for fd in sorted(k for k in keep if k >= 3):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX"))


def resolve_command(argv: Sequence[str], env: Mapping[str, str] | None,
                    cwd: str | os.PathLike[str] | None) -> str:
    """The executable ``argv[0]`` names, found as execvp would; CommandNotFound if none."""
    if not argv:
        raise CommandNotFound("no command given to trace")
    name = os.fspath(argv[0])
    if os.sep in name:
        path = name if cwd is None or os.path.isabs(name) else os.path.join(cwd, name)
        if not os.path.exists(path):
            raise CommandNotFound(f"command not found: {name!r} (no such file)")
        # one that is not executable (a directory, no x bit) fails in the child's execve,
        # as under strace, and comes back as CommandNotExecutable then
        return path
    search = (env if env is not None else os.environ).get("PATH", os.defpath)
    import shutil  # here: it brings bz2 and lzma along (2.4 ms of every CLI start-up)

    found = shutil.which(name, path=search)
    if found is None:
        raise CommandNotFound(f"command not found: {name!r} (not in PATH)")
    return found


def _child(exe: str, argv: list[str], env: dict[str, str], cwd: str | None,  # pragma: no cover
           fds: tuple[int, int, int], errw: int, filt: PreparedFilter | None,
           target: Callable[[], None] | None) -> None:
    """Runs in the forked child: never returns."""
    step = "setup"
    try:
        if target is not None:
            # A Python callable: it keeps the test's fds and signal set-up.
            os.close(errw)
            os.kill(os.getpid(), signal.SIGSTOP)
            if filt is not None:
                filt.install()
            target()
            os._exit(0)
        step = "dup2"
        for std, fd in enumerate(fds):
            if fd != std:
                os.dup2(fd, std, inheritable=True)
            else:
                os.set_inheritable(fd, True)
        step = "close"
        _close_fds_but({errw, *_pass_on})
        step = "signals"
        # Python ignores these two itself; the command gets their defaults.  A signal
        # handled in this process is reset by execve; one ignored (nohup's SIGHUP) stays
        # ignored, as it would have without the tracer.
        for sig in (signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, ())
        if cwd is not None:
            step = "chdir"
            os.chdir(cwd)
        step = "stop"
        os.kill(os.getpid(), signal.SIGSTOP)
        if filt is not None:
            step = "seccomp"
            filt.install()
        step = "execve"
        os.execve(exe, argv, env)
    except OSError as e:
        os.write(errw, f"{step}:{e.errno}".encode())
        if step == "execve" and _exec_reporter is not None:
            os.write(2, f"{_exec_reporter}: exec: {os.strerror(e.errno or 0)}\n".encode())
    except BaseException:
        os.write(errw, f"{step}:0".encode())
    os._exit(_CHILD_FAILED)


def spawn_seized(
    exe: str, argv: Sequence[str], env: Mapping[str, str] | None, cwd: str | None,
    fds: tuple[int, int, int], options: int, filt: PreparedFilter | None,
    target: Callable[[], None] | None = None,
) -> tuple[int, int]:
    """Fork the command, seize it; returns (pid, read end of the exec-error pipe).

    With ``target``, the child runs that callable (which must end in os._exit) instead
    of executing a command.  Must be called from the thread that will make every later
    ptrace call.
    """
    argv_l = [os.fspath(a) for a in argv]
    env_d = dict(os.environ if env is None else env)
    errr, errw = os.pipe2(os.O_CLOEXEC)
    with warnings.catch_warnings():
        # Python warns that fork() in a threaded process may deadlock the child; ours
        # only runs dup2/chdir/kill/prctl/execve, each a plain system call.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's side, which ends in execve
        _child(exe, argv_l, env_d, cwd, fds, errw, filt, target)
    os.close(errw)
    try:
        _, status = os.waitpid(pid, os.WUNTRACED)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(errr)
        raise
    if not os.WIFSTOPPED(status):
        message = _read_child_error(errr)
        raise TraceeError(f"could not start {argv_l[0]!r}: {message or 'child died'}")
    try:
        pt.ptrace(pt.PTRACE_SEIZE, pid, 0, options)
    except OSError as e:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(errr)
        raise e
    os.kill(pid, signal.SIGCONT)
    return pid, errr


def _read_child_error(errr: int) -> str | None:
    try:
        data = os.read(errr, 256)
    finally:
        os.close(errr)
    if not data:
        return None
    step, _, code = data.decode(errors="replace").partition(":")
    try:
        num = int(code)
    except ValueError:
        num = 0
    reason = os.strerror(num) if num else "unexpected error"
    return f"{step} failed: {reason}"


def child_exec_error(errr: int) -> str | None:
    """After the trace: why the child failed before exec, or None if it exec'd."""
    return _read_child_error(errr)
