"""Syscall-profile baselines: record a test's profile, compare later runs to it.

A *profile* is what a test's traces did, reduced to what should not silently grow:
the calls per syscall name and the set of paths opened.  ``--renacer-update-baselines``
writes it to ``<baseline dir>/<test file>/<test name>.json``; later runs compare and
fail a test whose counts grew beyond the tolerance, or that opens new paths.

One baseline file holds one profile per architecture (syscall names differ between
x86_64 and aarch64), so a project testing on both keeps one set of files.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .artifacts import node_relpath, now_iso, write_json_atomic
from .errors import BaselineError

if TYPE_CHECKING:
    from .model import Trace

BASELINE_FORMAT = "renacer-baseline-v1"
#: The syscalls whose path argument counts as a "path opened".
OPEN_LIKE = frozenset({"open", "openat", "openat2", "creat"})

_PROC_PID = re.compile(r"^/proc/\d+(?=/|$)")
_PYTEST_TMP = re.compile(r"^.*?/pytest-of-[^/]+/pytest-\d+(?:/popen-gw\d+)?(?=/|$)")
_MKTEMP = re.compile(r"/tmp[a-z0-9_]{8}(?=/|$)")


class PathNormalizer:
    """Makes paths comparable across runs and machines.

    The test run's own directories become placeholders: ``{basetemp}`` (pytest's
    temporary directory, xdist worker folders included), ``{rootdir}``, ``{home}``;
    ``/proc/1234`` becomes ``/proc/{pid}`` and a ``tempfile.mkdtemp`` name
    ``/tmpXXXXXXXX``.
    """

    def __init__(self, rootdir: str | os.PathLike[str] | None = None,
                 basetemp: str | os.PathLike[str] | None = None) -> None:
        prefixes: list[tuple[str, str]] = []
        if basetemp is not None:
            prefixes.append((os.fspath(basetemp), "{basetemp}"))
        if rootdir is not None:
            prefixes.append((os.fspath(rootdir), "{rootdir}"))
        home = os.path.expanduser("~")
        if home not in ("~", "/"):
            prefixes.append((home, "{home}"))
        # the longest prefix first, so {basetemp} wins over {rootdir} when nested
        self.prefixes = sorted(prefixes, key=lambda p: -len(p[0]))

    def __call__(self, path: str) -> str:
        if not path.startswith("/"):
            return path
        norm = _PYTEST_TMP.sub("{basetemp}", path, count=1)
        if norm == path:
            for prefix, name in self.prefixes:
                if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                    norm = name + path[len(prefix.rstrip("/")):]
                    break
        norm = _PROC_PID.sub("/proc/{pid}", norm)
        return _MKTEMP.sub("/tmpXXXXXXXX", norm)


@dataclass
class Profile:
    """Calls per syscall name and the paths opened, of one test."""

    counts: dict[str, int]
    paths: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "counts": dict(sorted(self.counts.items())),
                "paths": sorted(self.paths)}

    @classmethod
    def from_json(cls, data: Any, where: str) -> Profile:
        if not isinstance(data, dict):
            raise ValueError(f"{where} is not an object")
        counts = data.get("counts")
        paths = data.get("paths", [])
        if not isinstance(counts, dict) or not all(
                isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
                and v >= 0 for k, v in counts.items()):
            raise ValueError(f"{where}.counts is not a {{syscall: count}} object")
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise ValueError(f"{where}.paths is not a list of strings")
        return cls(dict(counts), list(paths))


def profile_of(traces: Sequence[Trace], normalize: PathNormalizer | None = None) -> Profile:
    """The profile of a test's traces."""
    counts: Counter[str] = Counter()
    paths: set[str] = set()
    for t in traces:
        counts.update(t.names())
        if t.mode == "count":
            continue
        for ev in t.events:
            if ev.name in OPEN_LIKE:
                for p in ev.paths[:1]:
                    paths.add(normalize(p) if normalize else p)
    return Profile(dict(counts), sorted(paths))


def baseline_path(directory: str | os.PathLike[str], nodeid: str) -> Path:
    return Path(directory) / node_relpath(nodeid)


def _foreign(path: Path, why: str) -> BaselineError:
    return BaselineError(
        f"{path}: {why}. It is not a pytest-renacer baseline ({BASELINE_FORMAT}); fix or "
        "delete it, or rewrite it with --renacer-update-baselines"
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise _foreign(path, f"not UTF-8 text ({e.reason})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise _foreign(path, f"not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise _foreign(path, "not a JSON object")
    fmt = data.get("format")
    if fmt != BASELINE_FORMAT:
        raise _foreign(path, f"its format is {fmt!r}, not {BASELINE_FORMAT!r}")
    if not isinstance(data.get("profiles"), dict):
        raise _foreign(path, "it has no 'profiles' object")
    return data


def load_baseline(path: Path, arch: str) -> Profile | None:
    """The profile recorded for ``arch`` in ``path``; None when there is none.

    Raises :class:`BaselineError` naming the file when it is corrupt or foreign.
    """
    if not path.exists():
        return None
    data = _read(path)
    prof = data["profiles"].get(arch)
    if prof is None:
        return None
    try:
        return Profile.from_json(prof, f"profiles.{arch}")
    except ValueError as e:
        raise _foreign(path, str(e)) from None


def write_baseline(path: Path, nodeid: str, arch: str, profile: Profile) -> None:
    """Record ``profile`` for ``arch``, keeping the other architectures' profiles."""
    data: dict[str, Any] = {"format": BASELINE_FORMAT, "nodeid": nodeid, "profiles": {}}
    if path.exists():
        try:
            old = _read(path)
        except BaselineError:
            old = None  # a corrupt file is what the update is there to repair
        if old is not None:
            data["profiles"] = {k: v for k, v in old["profiles"].items() if k != arch}
    data["profiles"][arch] = {**profile.to_json(), "recorded": now_iso()}
    data["profiles"] = dict(sorted(data["profiles"].items()))
    write_json_atomic(path, data)


@dataclass(frozen=True)
class Row:
    name: str
    base: int
    now: int
    regressed: bool

    @property
    def change(self) -> str:
        if self.base == self.now:
            return ""
        if self.base == 0:
            return "new"
        if self.now == 0:
            return "gone"
        return f"{self.now - self.base:+d} ({self.pct})"

    @property
    def pct(self) -> str:
        """The relative change, ``"+133%"`` ("" when the baseline is 0)."""
        return f"{(self.now - self.base) / self.base:+.0%}" if self.base else ""


@dataclass(frozen=True)
class Comparison:
    """A test's profile against its baseline."""

    path: Path
    tolerance: float
    rows: tuple[Row, ...]  # every syscall, plus "total" last
    new_paths: tuple[str, ...]
    gone_paths: tuple[str, ...]

    @property
    def regressed(self) -> bool:
        return bool(self.new_paths) or any(r.regressed for r in self.rows)

    @property
    def reason(self) -> str:
        """One line for the short test summary; "" when nothing regressed."""
        parts = []
        for r in self.rows:
            if not r.regressed:
                continue
            if r.base == 0:
                parts.append(f"{r.name} {r.now} (new)")
            elif r.name == "total":
                parts.insert(0, f"{r.now} syscalls > {r.base} ({r.pct})")
            else:
                parts.append(f"{r.name} {r.now} > {r.base} ({r.pct})")
        if self.new_paths:
            n = len(self.new_paths)
            parts.append(f"{n} new path{'s' if n > 1 else ''} opened")
        if not parts:
            return ""
        return f"renacer baseline (tolerance {self.tolerance:.0%}): " + "; ".join(parts)

    def diff(self) -> str:
        """A readable table of what changed (unchanged syscalls are left out)."""
        lines = [f"baseline {self.path} (tolerance {self.tolerance:.0%}; '!' = regression)"]
        changed = [r for r in self.rows if r.base != r.now or r.name == "total"]
        width = max([len(r.name) for r in changed] + [7])
        lines.append(f"    {'syscall':<{width}}  {'baseline':>8}  {'now':>8}  change")
        for r in changed:
            flag = "!" if r.regressed else " "
            lines.append(f"  {flag} {r.name:<{width}}  {r.base:>8}  {r.now:>8}  {r.change}")
        if self.new_paths or self.gone_paths:
            lines.append("  paths opened:")
            lines.extend(f"  ! + {p}" for p in self.new_paths)
            lines.extend(f"    - {p}" for p in self.gone_paths)
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "tolerance": self.tolerance,
            "status": "regressed" if self.regressed else "ok",
            "reason": self.reason or None,
            "changes": [{"syscall": r.name, "baseline": r.base, "now": r.now,
                         "regressed": r.regressed} for r in self.rows if r.base != r.now],
            "new_paths": list(self.new_paths),
            "gone_paths": list(self.gone_paths),
        }


def compare(base: Profile, now: Profile, tolerance: float, path: Path) -> Comparison:
    """Compare ``now`` to ``base``: a count regresses when ``now > base * (1 + tolerance)``."""

    def grew(b: int, n: int) -> bool:
        return n > b * (1.0 + tolerance) + 1e-9

    names: Iterable[str] = sorted(set(base.counts) | set(now.counts))
    rows = [Row(n, base.counts.get(n, 0), now.counts.get(n, 0),
                grew(base.counts.get(n, 0), now.counts.get(n, 0))) for n in names]
    rows.sort(key=lambda r: (not r.regressed, -abs(r.now - r.base), r.name))
    rows.append(Row("total", base.total, now.total, grew(base.total, now.total)))
    new_paths = tuple(sorted(set(now.paths) - set(base.paths)))
    gone_paths = tuple(sorted(set(base.paths) - set(now.paths)))
    return Comparison(path, tolerance, tuple(rows), new_paths, gone_paths)
