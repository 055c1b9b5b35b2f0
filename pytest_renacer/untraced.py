"""What the ``syscalls`` fixture does when tracing is switched off (``--renacer-disable``).

The commands and callables still run, untraced, so that a suite keeps testing its own
behaviour; each gives a :class:`~pytest_renacer.model.Trace` with no events
(``mode == "untraced"``) carrying the return code, the output and ``result``.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import CommandNotFound, TraceTimeout

if TYPE_CHECKING:
    from .model import Trace

UNTRACED = "untraced"


def empty_trace(argv: Sequence[str], *, returncode: int | None = None,
                stdout: bytes | None = None, stderr: bytes | None = None,
                duration: float = 0.0) -> Trace:
    from .model import EventStore, Trace
    from .support import syscall_table

    return Trace(EventStore(syscall_table()), argv=argv, returncode=returncode, stdout=stdout,
                 stderr=stderr, duration=duration, mode=UNTRACED)


def _argv(argv: Sequence[str | os.PathLike[str]]) -> list[str]:
    return [os.fspath(a) for a in argv]


def run(argv: Sequence[str | os.PathLike[str]], *, timeout: float | None = None,
        cwd: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None,
        input: bytes | None = None, capture_output: bool = True,
        **_tracing_options: Any) -> Trace:
    """``syscalls.run`` untraced: the command runs to completion (or its timeout)."""
    args = _argv(argv)
    start = time.monotonic()
    try:
        done = subprocess.run(args, cwd=cwd, env=None if env is None else dict(env),
                              input=input, capture_output=capture_output, timeout=timeout,
                              check=False)
    except FileNotFoundError:
        raise CommandNotFound(f"command not found: {args[0]!r}") from None
    except subprocess.TimeoutExpired as e:
        trace = empty_trace(args, stdout=_bytes(e.stdout), stderr=_bytes(e.stderr),
                            duration=time.monotonic() - start)
        raise TraceTimeout(f"{args[0]} ran past its timeout of {timeout} s (untraced: "
                           "tracing is disabled)", trace) from None
    return empty_trace(args, returncode=done.returncode, stdout=done.stdout,
                       stderr=done.stderr, duration=time.monotonic() - start)


def _bytes(data: bytes | str | None) -> bytes | None:
    return data.encode() if isinstance(data, str) else data


def call(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Trace:
    """``syscalls.call`` untraced: ``fn`` runs here, in this process."""
    kwargs.pop("_renacer_timeout", None)
    kwargs.pop("_renacer_options", None)
    start = time.monotonic()
    result = fn(*args, **kwargs)
    trace = empty_trace([getattr(fn, "__qualname__", repr(fn))],
                        duration=time.monotonic() - start)
    trace.result = result
    return trace


class UntracedProcess:
    """``syscalls.spawn`` untraced: the same interface as SpawnedProcess."""

    def __init__(self, argv: Sequence[str | os.PathLike[str]], *,
                 cwd: str | os.PathLike[str] | None = None,
                 env: Mapping[str, str] | None = None, input: bytes | None = None,
                 capture_output: bool = True, **_tracing_options: Any) -> None:
        self._argv = _argv(argv)
        pipe = subprocess.PIPE if capture_output else None
        try:
            self._proc = subprocess.Popen(
                self._argv, cwd=cwd, env=None if env is None else dict(env),
                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                stdout=pipe, stderr=pipe)
        except FileNotFoundError:
            raise CommandNotFound(f"command not found: {self._argv[0]!r}") from None
        self._input = input
        self._start = time.monotonic()
        self._trace: Trace | None = None

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def running(self) -> bool:
        return self._proc.poll() is None

    @property
    def trace(self) -> Trace | None:
        return self._trace

    def _finish(self, timeout: float | None) -> Trace | None:
        try:
            out, err = self._proc.communicate(self._input, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._input = None
        self._trace = empty_trace(self._argv, returncode=self._proc.returncode, stdout=out,
                                  stderr=err, duration=time.monotonic() - self._start)
        return self._trace

    def stop(self, grace: float = 2.0) -> Trace:
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(grace)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        trace = self._finish(None)
        assert trace is not None
        return trace

    def wait(self, timeout: float | None = None) -> Trace | None:
        return self._finish(timeout)

    def __enter__(self) -> UntracedProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "ended"
        return f"<UntracedProcess {' '.join(self._argv)!r} pid={self.pid} {state}>"
