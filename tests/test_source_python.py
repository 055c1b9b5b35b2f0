"""Python frames read from a traced CPython's memory (source/pyframes.py, pystack.py).

tests/programs/py_sites.py makes syscalls at known lines and records, with
``sys._getframe``, where each one is: the reference the traced frames must equal, for
each pyenv interpreter 3.10-3.13 (a version whose interpreter is absent is skipped).
"""

from __future__ import annotations

import glob
import json
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import pytest_renacer
from pytest_renacer import source
from pytest_renacer.model import SyscallEvent, Trace
from pytest_renacer.source import pyframes
from pytest_renacer.source.cpython_layouts import LAYOUTS
from pytest_renacer.types import Frame

PROGRAM = Path(__file__).parent / "programs" / "py_sites.py"
VERSIONS = ("3.10", "3.11", "3.12", "3.13")


def interpreter(version: str) -> str | None:
    pattern = f"~/.pyenv/versions/{version}.*/bin/python{version}"
    found = sorted(glob.glob(os.path.expanduser(pattern)))
    return found[-1] if found else None


def any_version() -> tuple[str, str]:
    """(version, interpreter) of the first pyenv CPython 3.10-3.13 found; skips if none."""
    for v in VERSIONS:
        python = interpreter(v)
        if python is not None:
            return v, python
    pytest.skip("no pyenv CPython")


def needs(version: str) -> Any:
    return pytest.mark.skipif(interpreter(version) is None,
                              reason=f"no CPython {version} under ~/.pyenv")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    for name in ("config", "thread", "generator", "coroutine"):
        (tmp_path / name).write_text(name)
    return tmp_path


def run_sites(version: str, root: Path, **kw: Any) -> tuple[Trace, dict[str, Any]]:
    python = interpreter(version)
    assert python is not None
    t = pytest_renacer.trace([python, str(PROGRAM), str(root)], source=True, **kw)
    assert t.returncode == 0, t.stderr
    assert t.stdout is not None
    ref = json.loads(t.stdout.decode().splitlines()[-1])
    return t, ref


def opened(t: Trace, path: Path) -> SyscallEvent:
    (ev,) = [e for e in t.events if e.name == "openat" and str(path) in e.paths]
    return ev


def where(f: Frame | None) -> list[object]:
    assert f is not None
    return [f.file, f.line, f.function]


@pytest.fixture(scope="module", params=VERSIONS)
def sites(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          ) -> Iterator[tuple[str, Trace, dict[str, Any], Path]]:
    version = request.param
    if interpreter(version) is None:
        pytest.skip(f"no CPython {version} under ~/.pyenv")
    root = tmp_path_factory.mktemp(f"py{version}")
    for name in ("config", "thread", "generator", "coroutine"):
        (root / name).write_text(name)
    t, ref = run_sites(version, root, filter="openat,write")
    yield version, t, ref, root


def test_os_open_gets_its_python_line(sites: tuple[str, Trace, dict[str, Any], Path]) -> None:
    version, t, ref, root = sites
    ev = opened(t, root / "config")
    assert where(ev.source) == ref["open"] == [str(PROGRAM), ref["open"][1], "load_config"]
    src = ev.source
    assert src is not None and src.address is None and src.language == "python"
    assert src.binary is not None and f"python{version}" in os.path.basename(src.binary)


def test_nested_write_and_its_callers_in_order(
        sites: tuple[str, Trace, dict[str, Any], Path]) -> None:
    _, t, ref, _ = sites
    (ev,) = [e for e in t.events if e.name == "write" and e.args[1] == b"renacer-mark-write\n"]
    assert where(ev.source) == ref["write"]
    py = [[f.file, f.line, f.function] for f in ev.stack if f.language == "python"]
    assert py[:3] == [ref["write"], ref["report"], ref["main"]]
    assert py[3][2] == "<module>"
    # merged in call order: native frames of the write above the Python ones, the
    # interpreter's start-up below
    kinds = [f.language for f in ev.stack]
    first_py = kinds.index("python")
    assert first_py > 0 and "native" in kinds[first_py + len(py):]
    assert not any(f.function == "_PyEval_EvalFrameDefault" for f in ev.stack)


def test_a_thread_other_than_the_main_one(
        sites: tuple[str, Trace, dict[str, Any], Path]) -> None:
    _, t, ref, root = sites
    ev = opened(t, root / "thread")
    assert ev.tid == ref["thread_native_id"] != ev.pid
    assert where(ev.source) == ref["thread"]
    functions = [f.function for f in ev.stack if f.language == "python"]
    assert functions[0] == "worker" and "<module>" not in functions  # its own stack


def test_generator_and_coroutine_frames(
        sites: tuple[str, Trace, dict[str, Any], Path]) -> None:
    _, t, ref, root = sites
    gen = opened(t, root / "generator")
    assert where(gen.source) == ref["generator"]
    assert [f.function for f in gen.stack if f.language == "python"][:2] == ["numbers", "main"]
    coro = opened(t, root / "coroutine")
    assert where(coro.source) == ref["coroutine"]
    assert [f.function for f in coro.stack if f.language == "python"][:2] == ["fetch", "main"]


@pytest.mark.parametrize("version", [pytest.param(v, marks=needs(v)) for v in VERSIONS])
def test_python_frames_only(version: str, files: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    """make_unwinder(native=False): the Python frames alone, no native unwinding; the
    trace pickles and still answers source and stack."""
    made = source.make_unwinder
    monkeypatch.setattr(source, "make_unwinder",
                        lambda arch, **kw: made(arch, **{**kw, "native": False}))
    t, ref = run_sites(version, files, filter="openat,write")
    ev = opened(t, files / "config")
    assert where(ev.source) == ref["open"]
    assert all(f.language == "python" for f in ev.stack)
    assert [f.function for f in ev.stack] == ["load_config", "main", "<module>"]
    copy = pickle.loads(pickle.dumps(t))
    ev2 = opened(copy, files / "config")
    assert ev2.source == ev.source and ev2.stack == ev.stack


def test_a_trace_with_python_and_native_frames_pickles(files: Path) -> None:
    version, _ = any_version()
    t, ref = run_sites(version, files, filter="openat")
    data = pickle.dumps(t)
    copy = pickle.loads(data)
    ev = opened(copy, files / "config")
    assert where(ev.source) == ref["open"]
    assert ev.stack == opened(t, files / "config").stack
    assert ev.stack[0].language == "native" and ev.stack[0].file  # symbolized after the trip


def test_python_only_engine_option() -> None:
    """TraceOptions(source_native=False): what the in-place helper asks for."""
    from pytest_renacer.api import TraceOptions, _make_engine
    from pytest_renacer.source.pystack import PythonUnwinder
    from pytest_renacer.tables import table_for

    engine, recorder = _make_engine(TraceOptions(source=True, source_native=False),
                                    table_for(), ())
    assert isinstance(engine.unwinder, PythonUnwinder) and engine.unwinder.native is None
    assert recorder.store.symbolizer is not None


def test_an_unknown_interpreter_gives_native_frames_and_one_note(
        files: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
) -> None:
    version, _ = any_version()
    monkeypatch.setattr(pyframes, "NOTES", {})
    made = source.make_unwinder

    def unknown(arch: str, **kw: Any) -> Any:
        u, s = made(arch, **kw)
        reader: Any = u
        reader.reader.layouts = {}
        return u, s

    monkeypatch.setattr(source, "make_unwinder", unknown)
    t, _ref = run_sites(version, files, filter="openat")
    ev = opened(t, files / "config")
    assert ev.stack and all(f.language == "native" for f in ev.stack)
    assert ev.source is not None and ev.source.language == "native"
    err = capfd.readouterr().err
    notes = [line for line in err.splitlines() if "no Python frames" in line]
    assert len(notes) == 1 and f"CPython {version}: no layout known" in notes[0]
    assert any("no layout known" in why for why in source.problems().values())


def test_an_interpreter_of_another_build_is_refused(files: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A layout whose sizes disagree with the tracee's own PyCode_Type is not used."""
    version, _ = any_version()
    monkeypatch.setattr(pyframes, "NOTES", {})
    made = source.make_unwinder
    layouts = {k: {**v, "code_size": 8, "code_adaptive": 8} for k, v in LAYOUTS.items()}

    def other(arch: str, **kw: Any) -> Any:
        u, s = made(arch, **kw)
        reader: Any = u
        reader.reader.layouts = layouts
        return u, s

    monkeypatch.setattr(source, "make_unwinder", other)
    t, _ = run_sites(version, files, filter="openat")
    ev = opened(t, files / "config")
    assert all(f.language == "native" for f in ev.stack)
    assert any("another build" in why for why in source.problems().values())


def test_json_marks_python_frames(sites: tuple[str, Trace, dict[str, Any], Path]) -> None:
    _, t, ref, root = sites
    doc = opened(t, root / "config").to_json()
    assert doc["source"] == {"file": ref["open"][0], "line": ref["open"][1],
                             "function": "load_config", "binary": doc["source"]["binary"],
                             "address": None, "language": "python"}
    assert {f["language"] for f in doc["stack"]} == {"python", "native"}
    jsonschema = pytest.importorskip("jsonschema")
    schema = Path(__file__).parent.parent / "docs" / "schema" / "renacer-json-v1.schema.json"
    jsonschema.Draft202012Validator(json.loads(schema.read_text())).validate(t.to_json())


@pytest.mark.parametrize("version", [pytest.param(v, marks=needs(v)) for v in VERSIONS])
def test_line_tables_match_co_lines(version: str) -> None:
    """pylines.py against the interpreter's own co_lines(), every offset of every code
    object of a few stdlib modules."""
    check = (
        "import sys, types, importlib.util\n"
        "spec = importlib.util.spec_from_file_location('pl', sys.argv[1])\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "import json, argparse, email.parser, threading\n"
        "todo = [compile(open(mod.__file__).read(), mod.__file__, 'exec')\n"
        "        for mod in (json.decoder, argparse, email.parser, threading)]\n"
        "n = bad = 0\n"
        "while todo:\n"
        "    c = todo.pop()\n"
        "    todo += [k for k in c.co_consts if isinstance(k, types.CodeType)]\n"
        "    r = m.line_ranges(c.co_linetable, c.co_firstlineno, sys.version_info[1])\n"
        "    for start, end, line in c.co_lines():\n"
        "        for off in range(start, end, 2):\n"
        "            n += 1; bad += m.line_at(r, off) != line\n"
        "print(n, bad)\n"
    )
    python = interpreter(version)
    assert python is not None
    lines = Path(source.__file__).parent / "pylines.py"
    out = subprocess.run([python, "-c", check, str(lines)], capture_output=True, text=True,
                         check=True).stdout.split()
    assert int(out[0]) > 10000 and out[1] == "0"


@pytest.mark.parametrize("minor", [11, 12, 13])
def test_a_location_table_cut_inside_a_number_or_running_on(minor: int) -> None:
    """A location table is the program's own (``code.replace(co_linetable=...)``): a
    line delta cut off by the table's end is 0 (it raised IndexError, and the reader
    lost the stop's every frame); one whose continuation bytes run on for a megabyte is
    read to CPython's 6 bytes (a number of six million bits was built, in quadratic
    time: minutes at one stop), the rest skipped to the next entry."""
    from pytest_renacer.source.pylines import line_at, line_ranges

    delta_follows = 0x80 | 13 << 3  # one code unit, a signed varint line delta after it
    assert line_ranges(bytes([delta_follows]), 10, minor) == ([0], [2], [10])
    table = bytes([delta_follows, 0x7F, 0x7F]) + b"\x7f" * (1 << 20) + bytes([0x80 | 11 << 3])
    t0 = time.monotonic()
    ranges = line_ranges(table, 10, minor)
    assert time.monotonic() - t0 < 3  # ~0.1 s; before: a 300 KB table took over 5 s
    six_bytes = (1 << 36) - 1  # what the first 6 bytes of 0x7f hold: odd, so negative
    assert ranges == ([0, 2], [2, 4], [10 - (six_bytes >> 1), 10 - (six_bytes >> 1) + 1])
    assert line_at(ranges, 2) == 10 - (six_bytes >> 1) + 1


@pytest.mark.parametrize("minor", [10, 11])
def test_line_ranges_join_neighbours_and_stop_at_the_cap(minor: int) -> None:
    """Ranges of one line are joined; a table of more entries, each a line further, than
    MAX_RANGES keeps that many (the traced program writes the table: a megabyte of them
    made a million ranges, 57 MB, per code object)."""
    from pytest_renacer.source.pylines import MAX_RANGES, line_at, line_ranges

    if minor == 10:  # (bytes covered, line delta) pairs
        same, further = bytes([2, 0]) * 1000, bytes([2, 1]) * (MAX_RANGES + 10)
    else:  # one-code-unit entries: code 10 (same line), code 11 (a line further)
        same, further = bytes([0x80 | 10 << 3]) * 1000, bytes([0x80 | 11 << 3]) * (MAX_RANGES + 10)
    assert line_ranges(same, 7, minor) == ([0], [2000], [7])
    starts, _ends, lines = ranges = line_ranges(further, 7, minor)
    assert len(starts) == MAX_RANGES and lines[-1] == 7 + MAX_RANGES
    assert line_at(ranges, 2 * MAX_RANGES + 4) is None  # past the cap: no line


def test_cli_source_and_stack_show_python_lines(files: Path) -> None:
    _, python = any_version()
    cli: Callable[..., subprocess.CompletedProcess[str]] = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "pytest_renacer", *a], capture_output=True, text=True,
        check=True)
    src = PROGRAM.read_text().splitlines()
    line = next(n for n, text in enumerate(src, 1) if 'ref("open")' in text)
    out = cli("--source", "-e", "trace=openat", "--", python, str(PROGRAM), str(files)).stderr
    (opened_line,) = [s for s in out.splitlines() if str(files / "config") in s]
    assert opened_line.endswith(f" [{PROGRAM}:{line} in load_config]")
    out = cli("-k", "-e", "trace=openat", "--", python, str(PROGRAM), str(files)).stderr
    lines = out.splitlines()
    at = next(i for i, s in enumerate(lines) if str(files / "config") in s)
    stack = []
    for s in lines[at + 1:]:
        if not s.startswith(" > "):
            break
        stack.append(s)
    py = [s for s in stack if "[py]" in s]
    assert py[0].endswith(f"(load_config) [py] {PROGRAM}:{line}")
    assert "(main) [py]" in py[1] and "(<module>) [py]" in py[2]
    doc = json.loads(cli("--format", "json", "--source", "-e", "trace=openat", "--", python,
                         str(PROGRAM), str(files)).stderr)
    (ev,) = [e for e in doc["events"] if str(files / "config") in e["text"]]
    assert ev["source"]["language"] == "python" and ev["source"]["address"] is None
    assert [ev["source"]["file"], ev["source"]["line"], ev["source"]["function"]] == [
        str(PROGRAM), line, "load_config"]


def test_the_failure_report_tallies_python_lines(tmp_path: Path) -> None:
    """reporting.py's "by source line" table names the Python lines of the writes."""
    from pytest_renacer.budget import Budget, Limit
    from pytest_renacer.reporting import section_text

    _, python = any_version()
    app = tmp_path / "app.py"
    app.write_text("import os\n\n\ndef a():\n    os.write(1, b'a')\n\n\ndef b():\n"
                   "    os.write(1, b'b')\n\n\nfor _ in range(3):\n    a()\nb()\nb()\n")
    t = pytest_renacer.trace([python, str(app)], source=True, filter="write")
    verdict = Budget((Limit("write", 0, "syscall", "max_syscalls(write=0)"),)).check([t])
    text = section_text(reasons=[], traces=[t], labels=["app"],
                        verdict=verdict, comparison=None, artifact=None, artifact_hint="",
                        roots=[tmp_path], body=None)
    assert ("  by source line:\n"
            "         3  app.py:5 in a\n"
            "         2  app.py:9 in b") in text


def test_a_traced_callable_gets_the_line_in_this_file(tmp_path: Path) -> None:
    """api.call (a forked copy of this interpreter) with source: the callable's line."""
    from pytest_renacer.api import TraceOptions, call

    target = tmp_path / "out"

    def body() -> None:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, b"renacer-call-mark")  # the line expected below
        os.close(fd)

    t = call(body, _renacer_options=TraceOptions(source=True, filter="write"))
    (ev,) = [e for e in t.events if e.args[1] == b"renacer-call-mark"]
    line = next(n for n, text in enumerate(Path(__file__).read_text().splitlines(), 1)
                if "# the line expected below" in text and "os.write" in text)
    name = "body" if sys.version_info < (3, 11) else (
        "test_a_traced_callable_gets_the_line_in_this_file.<locals>.body")  # co_qualname
    assert where(ev.source) == [__file__, line, name]


def test_a_distribution_build_reads_with_the_generated_layout(files: Path) -> None:
    """The system's python3 (Debian 12: a static, stripped 3.11.2) with the layout
    generated from pyenv's headers of the same minor version."""
    python = os.path.realpath("/usr/bin/python3")
    minor = os.path.basename(python).removeprefix("python")
    if not os.path.exists(python) or minor not in VERSIONS:
        pytest.skip("no /usr/bin/python3 of a known minor version")
    t = pytest_renacer.trace([python, str(PROGRAM), str(files)], source=True, filter="openat")
    assert t.stdout is not None
    ref = json.loads(t.stdout.decode().splitlines()[-1])
    assert where(opened(t, files / "config").source) == ref["open"]
    assert where(opened(t, files / "thread").source) == ref["thread"]


def test_which_frame_is_own_with_python_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    """frames.first_own_frame: the stdlib, site-packages and pytest-renacer's Python frames
    are skipped, and so are the interpreter's native frames when the stack has Python
    frames; RENACER_SOURCE_KEEP keeps a stdlib frame."""
    from pytest_renacer.source.frames import first_own_frame

    lib = "/opt/py/lib/libpython3.12.so.1.0"
    libc = Frame("sysdeps/unix/sysv/linux/write.c", 26, "write", "/lib/libc.so.6", 0x10)
    posix = Frame("/build/Modules/posixmodule.c", 11062, "os_write_impl", lib, 0x20)
    stdlib = Frame("/opt/py/lib/python3.12/logging/__init__.py", 1160, "emit", lib, None)
    pkg = Frame("/venv/lib/python3.12/site-packages/click/core.py", 783, "invoke", lib, None)
    ours = Frame(os.path.join(os.path.dirname(pytest_renacer.__file__), "api.py"), 10, "call",
                 lib, None)
    user = Frame("/src/app.py", 12, "main", lib, None)
    monkeypatch.delenv("RENACER_SOURCE_KEEP", raising=False)
    assert first_own_frame((libc, posix, stdlib, pkg, ours, user)) is user
    assert first_own_frame((libc, posix)) is posix  # no Python frames: as before
    assert first_own_frame((libc, posix, stdlib)) is None
    ext = Frame("/src/ext/fast.c", 40, "fast_write", "/src/ext/fast.cpython-312.so", 0x30)
    assert first_own_frame((libc, ext, posix, user)) is ext  # a C extension's own line
    monkeypatch.setenv("RENACER_SOURCE_KEEP", r"/logging/")
    assert first_own_frame((libc, posix, stdlib, user)) is stdlib


def test_attach_to_a_running_python_and_spawn(tmp_path: Path) -> None:
    """attach() and spawn() give Python lines too (the interpreter found at the first
    stop of an already running process)."""
    import time

    _, python = any_version()
    app = tmp_path / "ticker.py"
    app.write_text("import os, time\n\n\ndef tick():\n    os.write(1, b't')\n\n\n"
                   "while True:\n    tick()\n    time.sleep(0.01)\n")
    out = tmp_path / "ticks"
    with out.open("wb") as f:
        proc = subprocess.Popen([python, str(app)], stdout=f)
    try:
        time.sleep(0.3)
        tracer = pytest_renacer.attach(proc.pid, source=True, filter="write")
        # Five writes made under the tracer, however long its first stops take (reading
        # the interpreter's symbols and CFI: a fixed 0.3 s saw one write at a load of 30)
        start = out.stat().st_size
        deadline = time.monotonic() + 30
        while out.stat().st_size < start + 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        t = tracer.stop()
    finally:
        proc.kill()
        proc.wait()
    writes = t.filter("write").events
    assert len(writes) > 3
    assert all(where(ev.source) == [str(app), 5, "tick"] for ev in writes)
    from pytest_renacer.api import spawn

    out2 = tmp_path / "ticks2"
    with spawn(["sh", "-c", f'exec "{python}" "{app}" > "{out2}"'], source=True,
               filter="write") as p:
        deadline = time.monotonic() + 30
        while (not out2.exists() or out2.stat().st_size < 3) and time.monotonic() < deadline:
            time.sleep(0.05)  # (a fixed 0.3 s may not even see the interpreter start)
    assert p.trace is not None
    writes = p.trace.filter("write").events
    assert writes and all(where(ev.source) == [str(app), 5, "tick"] for ev in writes)
