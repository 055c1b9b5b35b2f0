"""The tests with the most syscalls (``--renacer-top=N``), like pytest's ``--durations``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

#: how many of a test's own syscalls each row names
TOP_SYSCALLS = 5


def top_row(nodeid: str, names: Counter[str]) -> dict[str, Any]:
    """One traced test's row: its total and its most frequent syscalls."""
    return {"nodeid": nodeid, "syscalls": sum(names.values()),
            "top": dict(names.most_common(TOP_SYSCALLS))}


def top_tests(rows: Iterable[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """The ``n`` rows with the most syscalls, most first (ties by node id)."""
    return sorted(rows, key=lambda r: (-int(r["syscalls"]), str(r["nodeid"])))[:n]


def top_lines(rows: Sequence[dict[str, Any]], *, roots: Sequence[Path] = ()) -> list[str]:
    """The terminal section's lines: ``  1234 syscalls  nodeid  (openat 300, read 200)``."""
    if not rows:
        return ["no traced test"]
    width = len(str(max(int(r["syscalls"]) for r in rows)))
    return [f"{int(r['syscalls']):>{width}} syscalls  {r['nodeid']}  ("
            + ", ".join(f"{name} {count}" for name, count in r["top"].items()) + ")"
            for r in rows]
