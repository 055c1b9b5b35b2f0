"""The plugin's JSON outputs: per-test artifacts and the session document.

``--renacer-dir=DIR`` writes one file per traced test; ``--renacer-json=PATH`` one
``renacer-session-v1`` document for the whole session (merged across pytest-xdist
workers by the controller).  Every file is written atomically: to a temporary file in
the same directory, then ``os.replace``-d over the destination.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import stat
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SESSION_FORMAT = "renacer-session-v1"

_UNSAFE = re.compile(r"[^A-Za-z0-9._=+,\[\]-]+")
_MAX_NAME = 120


def safe_name(text: str) -> str:
    """``text`` as one file name: odd characters replaced, long names shortened + hashed."""
    name = _UNSAFE.sub("_", text).strip("._") or "_"
    if len(name) > _MAX_NAME:
        import hashlib  # here: it loads OpenSSL, and most sessions never need it

        digest = hashlib.sha1(text.encode()).hexdigest()[:10]
        name = f"{name[: _MAX_NAME - 11]}-{digest}"
    return name


def node_relpath(nodeid: str, suffix: str = ".json") -> Path:
    """A relative path for a test: its file's path as folders, the rest as the file name.

    ``tests/test_x.py::TestA::test_b[1]`` -> ``tests/test_x.py/TestA.test_b[1].json``.
    """
    file_part, _, rest = nodeid.partition("::")
    folders = [safe_name(seg) if seg not in ("..", ".") else "__" for seg in
               file_part.split("/") if seg]
    name = safe_name(rest.replace("::", ".")) if rest else "_module"
    return Path(*folders, name + suffix) if folders else Path(name + suffix)


def umask_mode() -> int:
    """The mode a new file gets from open(2) here: 0666 less the process's umask."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # no /proc: read it the only other way, and put it back
    os.umask(mask)
    return 0o666 & ~mask


def write_json_atomic(path: str | os.PathLike[str], data: object, *,
                      root: str | os.PathLike[str] | None = None) -> None:
    """Write ``data`` as JSON to ``path`` so that a reader never sees a partial file."""
    write_text_atomic(path, json.dumps(data, indent=1, sort_keys=False, default=str) + "\n",
                      root=root)


def write_text_atomic(path: str | os.PathLike[str], text: str, *,
                      root: str | os.PathLike[str] | None = None) -> None:
    """Write ``text`` to ``path`` atomically, with the mode any new file gets here (CI
    uploads artifacts as other users; a private temporary file would leave them 0600).

    With ``root`` (a shared ``--renacer-dir``), the folders from ``root`` down to the
    file are opened one by one from directory descriptors, never following a symbolic
    link, and each must belong to us: a link or folder planted by another user of the
    directory cannot redirect the write (OSError naming the path).  The file itself is
    created with O_EXCL | O_NOFOLLOW and renamed into place, which replaces a link at
    the destination rather than writing through it.
    """
    dest = Path(path)
    if root is None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dir_fd = os.open(dest.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    else:
        dir_fd = _open_below(Path(root), dest.parent.relative_to(root).parts)
    try:
        tmp = f".{dest.name}.{os.urandom(6).hex()}.tmp"  # not secrets: it loads OpenSSL
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o600, dir_fd=dir_fd)
        try:
            os.fchmod(fd, umask_mode())
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, dest.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=dir_fd)
            except OSError:
                pass
            raise
    finally:
        os.close(dir_fd)


def check_owned_dir(path: str | os.PathLike[str]) -> None:
    """OSError unless ``path`` (if it exists) is a real directory of ours."""
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return  # to be made: whether it can be is the writability check's question
    if not stat.S_ISDIR(st.st_mode):
        raise NotADirectoryError(f"{path}: not a directory (a symbolic link is refused)")
    if st.st_uid != os.geteuid():
        raise PermissionError(f"{path}: owned by another user (uid {st.st_uid}); "
                              "pytest-renacer writes only into its own directories")


def _open_below(root: Path, parts: tuple[str, ...]) -> int:
    """A descriptor of ``root``/``parts``, made as needed, following no link below root."""
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    where = root
    try:
        for part in ("", *parts):
            if part:
                where = where / part
                try:
                    os.mkdir(part, 0o777, dir_fd=fd)
                except FileExistsError:
                    pass
                try:
                    sub = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
                                  | os.O_CLOEXEC, dir_fd=fd)
                except OSError as e:  # ELOOP: a symbolic link; ENOTDIR: a file
                    raise OSError(e.errno, f"{where}: not a directory of ours "
                                           f"({e.strerror}); refusing to write through it"
                                  ) from None
                os.close(fd)
                fd = sub
            uid = os.fstat(fd).st_uid
            if uid != os.geteuid():
                raise PermissionError(f"{where}: owned by another user (uid {uid}); "
                                      "pytest-renacer writes only into its own directories")
        return fd
    except BaseException:
        os.close(fd)
        raise


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def session_document(tests: Iterable[dict[str, Any]], *, arch: str, args: list[str],
                     workers: int | None) -> dict[str, Any]:
    """A renacer-session-v1 document holding ``tests`` (entries made by the plugin)."""
    from . import __version__

    entries = sorted(tests, key=lambda t: str(t.get("nodeid", "")))
    totals = {"tests": len(entries), "failed": 0, "budget_failures": 0,
              "baseline_regressions": 0, "syscalls": 0, "traces": 0}
    for t in entries:
        if t.get("outcome") == "failed":
            totals["failed"] += 1
        budget = t.get("budget")
        if budget is not None and not budget.get("ok", True):
            totals["budget_failures"] += 1
        base = t.get("baseline")
        if base is not None and base.get("status") == "regressed":
            totals["baseline_regressions"] += 1
        totals["syscalls"] += int(t.get("totals", {}).get("syscalls", 0))
        totals["traces"] += len(t.get("traces", ()))
    return {
        "format": SESSION_FORMAT,
        "tool": {"name": "pytest-renacer", "version": __version__},
        "created": now_iso(),
        "python": platform.python_version(),
        "platform": sys.platform,
        "arch": arch,
        "pytest_args": args,
        "workers": workers,
        "summary": totals,
        "tests": entries,
    }


def writable_problem(path: Path, *, is_dir: bool) -> str | None:
    """Why ``path`` (a directory to fill, or a file to write) cannot be written, or None.

    Creates the missing directories, as writing would; checked at start-up so that a bad
    path is a usage error before the tests run, not a crash after them.
    """
    folder = path if is_dir else path.parent
    if not is_dir and path.is_dir():
        return "it is a directory"
    if is_dir and path.exists() and not path.is_dir():
        return "it exists and is not a directory"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return f"cannot create {e.filename or folder}: {e.strerror or e}"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{folder} is not writable by this user"
    if not is_dir and path.exists() and not os.access(path, os.W_OK):
        # os.replace would still succeed, but the user asked for this file to be rewritten
        return "the file is not writable by this user"
    return None
