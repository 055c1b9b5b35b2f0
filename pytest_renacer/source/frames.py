"""Which frame of a syscall's stack is "the program's own": ``SyscallEvent.source``.

The rule, applied to the frames innermost first: the first frame that

1. has source information (a file), and
2. whose binary is not a system runtime library (:data:`SKIP_BINARIES`: libc, the
   dynamic loader, the vDSO, libpthread, libstdc++, libgcc_s, libm, ...), and
3. whose file is not runtime or system-header code (:data:`SKIP_FILES`: Rust's
   standard library under ``/rustc/`` or ``library/{std,core,alloc}/``, ``/usr/include``,
   glibc sources).

Inlined frames count as frames: a ``read()`` inlined from ``/usr/include`` is skipped and
its caller's line (the call site in your code) is chosen.

Python frames (``address`` None, read from a CPython interpreter at the stop) are own
code unless their file is the standard library, an installed package or pytest-renacer
itself (:data:`SKIP_PY_FILES`).  In a stack that holds Python frames, the interpreter's
own native frames (:data:`PYTHON_RUNTIME`: ``libpython3.X``, ``python3.X``, e.g.
``posixmodule.c in os_write_impl``) are runtime code: a syscall made by Python code gets
its Python line, one made by a C extension called from Python the extension's line.

Configuration:

- replace or extend the module-level lists (regular expressions, searched in the
  binary's file name and in the source path respectively), or
- set ``RENACER_SOURCE_SKIP`` to extra regular expressions, comma-separated, that skip a
  frame when they match its file or binary path; ``RENACER_SOURCE_KEEP`` to expressions
  that keep a frame even when a skip pattern matches (e.g. ``libc\\.so`` while debugging
  glibc itself), or
- pass ``skip=``/``keep=`` to :func:`first_own_frame`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Protocol, TypeVar

__all__ = ["PYTHON_RUNTIME", "SKIP_BINARIES", "SKIP_FILES", "SKIP_PY_FILES", "first_own_frame",
           "is_own", "is_python_runtime", "never_own_binary", "rule_token"]

#: Binaries (matched against the file name of the binary) that are never "own code".
SKIP_BINARIES: list[str] = [
    r"^ld-linux.*\.so", r"^ld-.*\.so", r"^ld64\.so", r"^ld-musl", r"^libc\.so", r"^libc-[\d.]+\.so",
    r"^libc\.musl", r"^libpthread", r"^libdl[.-]", r"^librt[.-]", r"^libm[.-]",
    r"^libresolv", r"^libstdc\+\+", r"^libc\+\+", r"^libgcc_s", r"^libunwind",
    r"^\[vdso\]$", r"^linux-vdso", r"^libasan", r"^libtsan", r"^libubsan",
]
#: Source paths (searched) that are runtime or system code, not the program's.
SKIP_FILES: list[str] = [
    r"^/rustc/", r"(^|/)library/(std|core|alloc|proc_macro|panic_unwind|panic_abort)/",
    r"/\.rustup/toolchains/", r"^/usr/include/", r"^/usr/lib/gcc/",
    r"(^|/)glibc[^/]*/", r"(^|/)sysdeps/", r"^/usr/src/debug/glibc",
    r"/libstdc\+\+-v3/", r"/libgcc/",
]


#: Python source files (searched) that are not the program's: the standard library and
#: installed packages (``lib/python3.X/`` holds both), frozen modules, pytest-renacer.
SKIP_PY_FILES: list[str] = [
    r"/lib/python\d+\.\d+/", r"/(site|dist)-packages/", r"^<frozen ",
    "^" + re.escape(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + "/",
]
#: Binaries (matched against the file name) of a CPython interpreter: runtime code when
#: the stack holds Python frames.
PYTHON_RUNTIME: list[str] = [r"^libpython\d", r"^python\d[\d.]*[a-z]*$"]


class _FrameLike(Protocol):
    @property
    def file(self) -> str | None: ...

    @property
    def binary(self) -> str | None: ...

    @property
    def address(self) -> int | None: ...


F = TypeVar("F", bound=_FrameLike)


def _env_patterns(name: str) -> tuple[str, ...]:
    raw = os.environ.get(name, "")
    return tuple(p for p in (s.strip() for s in raw.split(",")) if p)


@lru_cache(maxsize=32)
def _compile(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    valid = []
    for p in patterns:
        try:
            re.compile(p)
            valid.append(f"(?:{p})")
        except re.error:
            continue
    return re.compile("|".join(valid)) if valid else None


class _Rule:
    """The compiled rule for one configuration, with its per-(file, binary) answers."""

    def __init__(self, skip: tuple[str, ...], keep: tuple[str, ...]) -> None:
        self.keep = _compile(keep)
        self.binaries = _compile(tuple(SKIP_BINARIES))
        self.files = _compile(tuple(SKIP_FILES))
        self.extra = _compile(skip)
        self.py_files = _compile(tuple(SKIP_PY_FILES))
        self.answers: dict[tuple[str, str], bool] = {}
        self.py_answers: dict[str, bool] = {}
        #: id(stack tuple) -> (that tuple, its answer): the symbolizer hands out one
        #: tuple per distinct stack, and the CLI asks once per syscall line
        self.stacks: dict[int, tuple[tuple[object, ...], object]] = {}

    def own(self, file: str, binary: str) -> bool:
        key = (file, binary)
        got = self.answers.get(key)
        if got is None:
            got = self.answers[key] = self._own(file, binary)
        return got

    def own_py(self, file: str) -> bool:
        got = self.py_answers.get(file)
        if got is None:
            if self.keep is not None and self.keep.search(file):
                got = True
            elif self.py_files is not None and self.py_files.search(file):
                got = False
            else:
                got = not (self.extra is not None and self.extra.search(file))
            self.py_answers[file] = got
        return got

    def _own(self, file: str, binary: str) -> bool:
        if self.keep is not None and (self.keep.search(file) or self.keep.search(binary)):
            return True
        if self.binaries is not None and self.binaries.search(os.path.basename(binary)):
            return False
        if self.files is not None and self.files.search(file):
            return False
        extra = self.extra
        return not (extra is not None and (extra.search(file) or extra.search(binary)))


_RULES: dict[tuple[object, ...], _Rule] = {}


def _env_key() -> tuple[object, object]:
    """The two variables' current values, for the rule cache's key.

    ``os.environ.get`` of an unset variable costs ~1 us (it encodes the key and raises a
    KeyError inside); the CLI asks for every syscall line.  CPython's POSIX ``environ``
    keeps the encoded mapping it updates in ``_data``: a plain dict lookup."""
    data = getattr(os.environ, "_data", None)
    if type(data) is dict:
        return data.get(b"RENACER_SOURCE_SKIP"), data.get(b"RENACER_SOURCE_KEEP")
    env = os.environ
    return env.get("RENACER_SOURCE_SKIP"), env.get("RENACER_SOURCE_KEEP")


def _rule(skip: Iterable[str], keep: Iterable[str]) -> _Rule:
    # the lists are recognized by identity and length (replace or extend them)
    skip_t: tuple[str, ...] = ()
    keep_t: tuple[str, ...] = ()
    key: tuple[object, ...]
    if skip == () and keep == ():  # the usual call: a shorter key, no tuple() calls
        key = (_env_key(), id(SKIP_BINARIES), len(SKIP_BINARIES), id(SKIP_FILES),
               len(SKIP_FILES), id(SKIP_PY_FILES), len(SKIP_PY_FILES))
    else:
        skip_t = skip if isinstance(skip, tuple) else tuple(skip)
        keep_t = keep if isinstance(keep, tuple) else tuple(keep)
        key = (_env_key(), id(SKIP_BINARIES), len(SKIP_BINARIES), id(SKIP_FILES),
               len(SKIP_FILES), id(SKIP_PY_FILES), len(SKIP_PY_FILES), skip_t, keep_t)
    rule = _RULES.get(key)
    if rule is None:
        if len(_RULES) > 64:
            _RULES.clear()
        rule = _RULES[key] = _Rule((*_env_patterns("RENACER_SOURCE_SKIP"), *skip_t),
                                   (*_env_patterns("RENACER_SOURCE_KEEP"), *keep_t))
    return rule


def rule_token() -> object:
    """An object that stays the same while the rule does (same lists, same environment):
    what a cache of answers that depend on the rule is keyed by."""
    return _rule((), ())


def never_own_binary(binary: str) -> bool:
    """Whether no frame of ``binary`` can be own code under the current rule, whatever its
    source file (a skipped binary, and no keep pattern that a file could match): such
    frames need no symbolizing to find ``source``."""
    rule = _rule((), ())
    if rule.keep is not None:
        return False
    if rule.binaries is not None and rule.binaries.search(os.path.basename(binary)):
        return True
    return rule.extra is not None and rule.extra.search(binary) is not None


_RUNTIME = re.compile("|".join(f"(?:{p})" for p in PYTHON_RUNTIME))


def is_python_runtime(binary: str | None) -> bool:
    """Whether ``binary`` is a CPython interpreter's (see :data:`PYTHON_RUNTIME`)."""
    return bool(binary) and _RUNTIME.search(os.path.basename(binary or "")) is not None


def is_own(frame: _FrameLike, *, skip: Iterable[str] = (), keep: Iterable[str] = ()) -> bool:
    """Whether a frame counts as the traced program's own code (see the module doc)."""
    file = frame.file
    if not file:
        return False
    if frame.address is None:
        return _rule(skip, keep).own_py(file)
    return _rule(skip, keep).own(file, frame.binary or "")


def first_own_frame(frames: Sequence[F], *, skip: Iterable[str] = (),
                    keep: Iterable[str] = ()) -> F | None:
    """The first frame (innermost first) in the program's own code, or None."""
    rule = _rule(skip, keep)
    cacheable = type(frames) is tuple  # immutable: its answer cannot change
    if cacheable:
        got = rule.stacks.get(id(frames))
        if got is not None and got[0] is frames:  # the entry keeps the tuple alive
            return got[1]  # type: ignore[return-value]
    found = None
    runtime: set[str | None] | None = None  # with Python frames: the interpreter's binaries
    for f in frames:
        if f.address is None:
            runtime = {g.binary for g in frames if g.address is None}
            break
    for f in frames:
        file = f.file
        if not file:
            continue
        if f.address is None:
            if rule.own_py(file):
                found = f
                break
        elif runtime is not None and (f.binary in runtime or is_python_runtime(f.binary)):
            continue
        elif rule.own(file, f.binary or ""):
            found = f
            break
    if cacheable:
        if len(rule.stacks) >= 4096:
            rule.stacks.clear()
        rule.stacks[id(frames)] = (frames, found)  # type: ignore[assignment]
    return found
