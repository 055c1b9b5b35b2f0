"""The plugin's marker names, their usage text and their error: a leaf module.

Every pytest run loads these (marker registration, collection); the budget and
baseline machinery that reads the markers loads only when a test carries one.
"""

from __future__ import annotations

MARKER = "max_syscalls"
TOLERANCE_MARKER = "renacer_tolerance"
TRACE_MARKER = "renacer"
USAGE = (
    "max_syscalls(LIMIT) caps every syscall, max_syscalls(openat=3, connect=0) caps each "
    "named one, max_syscalls(LIMIT, filter='%file') caps a class or expression; several "
    "markers combine"
)
#: How much a count may grow over its baseline when neither the option nor a marker says.
DEFAULT_TOLERANCE = 0.1


class BudgetUsageError(ValueError):
    """A ``max_syscalls`` (or ``renacer_tolerance``) marker has wrong arguments."""
