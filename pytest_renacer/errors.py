"""The exceptions pytest-renacer raises: every one derives from RenacerError."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Trace


class RenacerError(Exception):
    """Base class of every error pytest-renacer raises on purpose."""


class FilterError(RenacerError, ValueError):
    """A trace/status expression could not be parsed; the message names the bad token."""

    def __init__(self, message: str, token: str | None = None) -> None:
        super().__init__(message)
        self.token = token


class TracingUnavailable(RenacerError):
    """ptrace (or seccomp) is not permitted here; the message says why and what to do."""


class CommandNotFound(RenacerError, FileNotFoundError):
    """The command to trace does not exist (not a file, not on PATH)."""


class CommandNotExecutable(RenacerError, PermissionError):
    """The command exists but cannot be executed."""


class AttachError(RenacerError):
    """Attaching to a running process failed (no such process, not ours, already traced)."""


class TraceTimeout(RenacerError, TimeoutError):
    """The traced command ran past its timeout; the whole traced tree was killed.

    ``trace`` holds what was recorded until then.
    """

    def __init__(self, message: str, trace: Trace) -> None:
        super().__init__(message)
        self.trace = trace


class TraceeError(RenacerError):
    """The traced program could not be started or vanished in a way we cannot report."""


class BaselineError(RenacerError):
    """A baseline file is corrupt or not a pytest-renacer baseline; names the file."""


class SourceError(RenacerError):
    """An ELF or DWARF file could not be read (only raised when asked to be strict)."""
