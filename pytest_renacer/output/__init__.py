"""What the ``renacer`` command writes: strace's text, renacer-json-v1, the -c summary.

Each writer is an engine sink (memory stays flat however long the trace runs) or, for
the JSON document, a function of a recorded :class:`~pytest_renacer.model.Trace`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .json import JsonlSink, document, schema
    from .summary import SummaryRow, SummarySink, format_summary, parse_sortby, rows_from_trace
    from .text import TextOptions, TextSink

#: Each writer loads on first use: the CLI's start-up pays only for the one it writes with.
_LAZY = {
    **dict.fromkeys(("JsonlSink", "document", "schema"), "json"),
    **dict.fromkeys(("SummaryRow", "SummarySink", "format_summary", "parse_sortby",
                     "rows_from_trace"), "summary"),
    **dict.fromkeys(("TextOptions", "TextSink"), "text"),
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value

__all__ = [
    "JsonlSink",
    "SummaryRow",
    "SummarySink",
    "TextOptions",
    "TextSink",
    "document",
    "format_summary",
    "parse_sortby",
    "rows_from_trace",
    "schema",
]
