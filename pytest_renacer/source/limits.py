"""Bounds on what the source layer spends on one module, and its one parser error type.

A traced program chooses the files the symbolizer and the unwinder read (it can map
any file), so their parsers treat every byte as hostile:

- :class:`ParseError` is the one exception the parsers of ELF, DWARF, CFI and mangled
  names raise on malformed or oversized input (``CFIError`` and ``DwarfError`` are its
  subclasses).  Callers in this package turn it into a module's *problem*: that module's
  frames lose their file:line, with a one-line note; the trace itself never fails.
- :func:`module_budget` is how many bytes of section data (after decompression) one
  module may unpack: 256 MB unless ``RENACER_SOURCE_BUDGET_MB`` or
  :func:`set_module_budget` says otherwise.  A module over it is refused whole
  (:class:`OverBudget`), before anything is inflated.
"""

from __future__ import annotations

import os

__all__ = ["OverBudget", "ParseError", "module_budget", "set_module_budget"]

#: Default of :func:`module_budget`, in bytes.
DEFAULT_MODULE_BUDGET = 256 << 20

_budget: int | None = None


class ParseError(ValueError):
    """Malformed or oversized input met by an internal parser (ELF/DWARF/CFI/demangler)."""


class OverBudget(ParseError):
    """A module needs more memory than its budget (:func:`module_budget`)."""


def module_budget() -> int:
    """Bytes of (decompressed) section data one module may hold."""
    if _budget is not None:
        return _budget
    env = os.environ.get("RENACER_SOURCE_BUDGET_MB", "")
    try:
        mb = float(env) if env else 0.0
    except ValueError:
        mb = 0.0
    return int(mb * (1 << 20)) if mb > 0 else DEFAULT_MODULE_BUDGET


def set_module_budget(megabytes: float | None) -> None:
    """Set :func:`module_budget` for this process (None: back to the default/env)."""
    global _budget
    if megabytes is not None and megabytes <= 0:
        raise ValueError("the module budget must be a positive number of megabytes")
    _budget = None if megabytes is None else int(megabytes * (1 << 20))
