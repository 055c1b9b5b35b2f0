"""What the ``renacer`` command writes: strace's text, renacer-json-v1, the -c summary.

Each writer is an engine sink (memory stays flat however long the trace runs) or, for
the JSON document, a function of a recorded :class:`~pytest_renacer.model.Trace`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_getattr

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


__getattr__ = lazy_getattr(__name__, _LAZY, globals())

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
