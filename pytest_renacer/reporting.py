"""The text of the ``renacer`` report section of a failing traced test."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .baseline import Comparison
    from .budget import Verdict
    from .model import Frame, SyscallEvent, Trace

TOP = 10
#: How many offending events are looked at for the "by source line" table and repeats
SCAN = 5000
_MAX_LINE = 220


def short_path(file: str, roots: Sequence[Path]) -> str:
    """``file`` relative to the first of ``roots`` it lies under, else as it is."""
    if not os.path.isabs(file):
        return file
    for root in roots:
        try:
            return str(Path(file).relative_to(root))
        except ValueError:
            continue
    return file


def frame_text(frame: Frame, roots: Sequence[Path]) -> str:
    where = f"{short_path(frame.file, roots)}:{frame.line}" if frame.file else (
        frame.binary or "??")
    return f"{where} in {frame.function}" if frame.function else where


class TracedEvents:
    """The events of a test's traces, each with its source frame when known."""

    def __init__(self, traces: Sequence[Trace]) -> None:
        self.traces = traces

    def matching(self, selector: str | None) -> tuple[int, list[tuple[Trace, SyscallEvent]]]:
        """How many events match, and the first SCAN of them (trace, event)."""
        from .filters import selector as make_selector

        total = 0
        first: list[tuple[Trace, SyscallEvent]] = []
        for t in self.traces:
            nrs = None if selector is None else make_selector(selector, t.table).nrs()
            for i, ev in enumerate(t.events):
                if nrs is None or ev.nr in nrs:
                    total += 1
                    if len(first) < SCAN:
                        first.append((t, ev))
                    elif nrs is None:
                        total += len(t) - i - 1
                        break
        return total, first

    @staticmethod
    def source(ev: SyscallEvent) -> Frame | None:
        try:
            return ev.source
        except Exception:  # symbolization is best effort in a report
            return None


def _event_text(t: Trace, ev: SyscallEvent) -> str:
    try:
        text = str(ev)
    except Exception as e:  # decoding is best effort in a report
        text = f"{ev.name}(...) = ? <could not decode: {e}>"
    if len(text) > _MAX_LINE:
        text = text[: _MAX_LINE - 3] + "..."
    if len(t.processes) > 1:
        text = f"[pid {ev.pid}] {text}"
    return text


def _offending(first: Sequence[tuple[Trace, SyscallEvent]], events: TracedEvents,
               roots: Sequence[Path]) -> list[str]:
    """The first TOP distinct events (runs of identical ones folded), with their source
    lines, then where they come from when several source lines are known."""
    out: list[str] = []
    by_source: Counter[str] = Counter()
    shown = repeats = 0
    previous: tuple[str, str | None] | None = None
    for t, ev in first:
        src = events.source(ev)
        where = None if src is None else frame_text(src, roots)
        if where is not None:
            by_source[where] += 1
        if shown > TOP:
            continue
        key = (_event_text(t, ev), where)
        if key == previous:
            repeats += 1
            continue
        if repeats:
            out.append(f"      ... and {repeats} more like it")
            repeats = 0
        if shown == TOP:
            shown += 1
            out.append("  ...")
            continue
        shown += 1
        previous = key
        out.append(f"  {key[0]}")
        if where is not None:
            out.append(f"      at {where}")
    if repeats:
        out.append(f"      ... and {repeats} more like it")
    if len(by_source) > 1:
        out.append("  by source line:")
        for where, n in by_source.most_common(5):
            out.append(f"  {n:>8}  {where}")
    return out


def section_text(
    *,
    reasons: Sequence[str],
    traces: Sequence[Trace],
    labels: Sequence[str],
    verdict: Verdict | None,
    comparison: Comparison | None,
    artifact: str | None,
    artifact_hint: str,
    roots: Sequence[Path],
    body: str | None,
) -> str:
    """The failure report's text.  ``body``: where a body the plugin traced itself ran
    ("in place", "forked child"); None when the test traced through the fixture."""
    lines: list[str] = []
    names: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for t in traces:
        names.update(t.names())
        failed.update(t.filter(failed=True).names())
    total = sum(names.values())

    if verdict is not None:
        lines.append("budget (max_syscalls):")
        width = max(len(r.limit.label) for r in verdict.results)
        for r in verdict.results:
            cmp = ">" if not r.ok else "<="
            status = "EXCEEDED" if not r.ok else "ok"
            lines.append(f"  {r.limit.label:<{width}}  {r.count:>6} {cmp:<2} {r.limit.limit:<6}"
                         f" {status:<8}  from {r.limit.marker}")
        lines.append("")

    what = f"the test body ({body})" if body else (
        f"{len(traces)} trace{'s' if len(traces) != 1 else ''}")
    lines.append(f"top syscalls of {what}, {total} calls:")
    if not names:
        lines.append("  (no syscalls recorded)")
    width = max([len(n) for n, _ in names.most_common(TOP)] + [7])
    for name, count in names.most_common(TOP):
        err = f"  ({failed[name]} failed)" if failed.get(name) else ""
        lines.append(f"  {name:<{width}}  {count:>6}{err}")
    if len(names) > TOP:
        rest = total - sum(c for _, c in names.most_common(TOP))
        lines.append(f"  {'...':<{width}}  {rest:>6}  in {len(names) - TOP} other syscalls")
    if len(traces) > 1 or (traces and not body):
        lines.append("traces:")
        for t, label in zip(traces, labels, strict=False):
            rc = "" if t.returncode is None else f", exit {t.returncode}"
            lines.append(f"  {label}: {len(t)} syscalls ({t.mode}{rc})")
    lines.append("")

    events = TracedEvents(traces)
    selectors: list[tuple[str, str | None]] = []
    if verdict is not None:
        broken = verdict.broken
        for r in broken:
            # every event of a test is a long list: shown only when nothing narrower is
            if r.limit.selector is not None or len(broken) == 1:
                selectors.append((r.limit.label, r.limit.selector))
    if comparison is not None and comparison.regressed:
        for row in comparison.rows:
            if row.regressed and row.name != "total" and len(selectors) < 4:
                selectors.append((row.name, row.name))
    seen: set[str | None] = set()
    for label, sel in selectors:
        if sel in seen:
            continue
        seen.add(sel)
        count, first = events.matching(sel)
        if not count:
            continue
        count_only = any(t.mode == "count" for t in traces)
        note = " (count-only trace: no arguments)" if count_only else ""
        lines.append(f"offending events: {label}, {count} call{'s' if count != 1 else ''}{note}:")
        lines.extend(_offending(first, events, roots))
        lines.append("")

    if comparison is not None and comparison.regressed:
        lines.append(comparison.diff())
        lines.append("")
    lines.append(f"JSON artifact: {artifact}" if artifact else f"JSON artifact: {artifact_hint}")
    return "\n".join(lines)
