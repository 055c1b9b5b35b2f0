#!/usr/bin/env python3
"""Generate pytest_renacer/source/cpython_layouts.py: CPython struct layouts per version.

(``debug_offsets`` of a 3.13+ entry: where each field of ``_Py_DebugOffsets`` lies, the
struct at the start of ``_PyRuntime`` that holds the runtime's own offsets.)

For each CPython installation given (default: every ``~/.pyenv/versions/3.1[0-9]*``),
a small C program is compiled against that installation's own headers
(``include/python3.X`` and its ``internal/`` headers, ``Py_BUILD_CORE`` defined) and
prints ``offsetof()``/``sizeof()`` of the fields the frame reader walks, the bit masks
of ``PyASCIIObject.state`` (set one bitfield at a time, read the word back), and, for
3.13+, where each field of ``_Py_DebugOffsets`` lies in that struct.  For 3.13+ the
script also reads the running interpreter's own ``_PyRuntime.debug_offsets`` (through
ctypes, in that interpreter) and checks that they agree with the header's offsets.

    python tools/gen_cpython_layouts.py            # writes the module below
    python tools/gen_cpython_layouts.py --check   # exit 1 if the module is stale

Nothing of CPython is copied: the numbers are the compiler's answers.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "pytest_renacer" / "source" / "cpython_layouts.py"
sys.path.insert(0, str(ROOT / "tools"))

from gen_syscall_tables import write_or_check  # noqa: E402

#: (layout key, C expression) per version range: (first minor, last minor or None).
FIELDS: list[tuple[str, str, int, int | None]] = [
    ("object_type", "offsetof(PyObject, ob_type)", 10, None),
    ("varobject_size", "offsetof(PyVarObject, ob_size)", 10, None),
    ("type_basicsize", "offsetof(PyTypeObject, tp_basicsize)", 10, None),
    ("type_name", "offsetof(PyTypeObject, tp_name)", 10, None),
    ("bytes_sval", "offsetof(PyBytesObject, ob_sval)", 10, None),
    ("unicode_length", "offsetof(PyASCIIObject, length)", 10, None),
    ("unicode_state", "offsetof(PyASCIIObject, state)", 10, None),
    ("ascii_size", "sizeof(PyASCIIObject)", 10, None),
    ("compact_size", "sizeof(PyCompactUnicodeObject)", 10, None),
    ("runtime_interpreters_head", "offsetof(_PyRuntimeState, interpreters.head)", 10, None),
    ("interp_next", "offsetof(PyInterpreterState, next)", 10, None),
    ("interp_threads_head", "offsetof(PyInterpreterState, tstate_head)", 10, 10),
    ("interp_threads_head", "offsetof(PyInterpreterState, threads.head)", 11, None),
    ("tstate_next", "offsetof(PyThreadState, next)", 10, None),
    ("tstate_interp", "offsetof(PyThreadState, interp)", 10, None),
    ("tstate_thread_id", "offsetof(PyThreadState, thread_id)", 10, None),
    ("tstate_native_thread_id", "offsetof(PyThreadState, native_thread_id)", 11, None),
    ("tstate_frame", "offsetof(PyThreadState, frame)", 10, 10),
    ("tstate_cframe", "offsetof(PyThreadState, cframe)", 11, 12),
    ("cframe_current_frame", "offsetof(_PyCFrame, current_frame)", 11, 12),
    ("tstate_frame", "offsetof(PyThreadState, current_frame)", 13, None),
    # 3.10: PyFrameObject; 3.11+: _PyInterpreterFrame
    ("frame_previous", "offsetof(PyFrameObject, f_back)", 10, 10),
    ("frame_code", "offsetof(PyFrameObject, f_code)", 10, 10),
    ("frame_instr", "offsetof(PyFrameObject, f_lasti)", 10, 10),
    ("frame_size", "sizeof(PyFrameObject)", 10, 10),
    ("frame_previous", "offsetof(_PyInterpreterFrame, previous)", 11, None),
    ("frame_code", "offsetof(_PyInterpreterFrame, f_code)", 11, 12),
    ("frame_code", "offsetof(_PyInterpreterFrame, f_executable)", 13, None),
    ("frame_instr", "offsetof(_PyInterpreterFrame, prev_instr)", 11, 12),
    ("frame_instr", "offsetof(_PyInterpreterFrame, instr_ptr)", 13, None),
    ("frame_owner", "offsetof(_PyInterpreterFrame, owner)", 11, None),
    ("frame_is_entry", "offsetof(_PyInterpreterFrame, is_entry)", 11, 11),
    ("frame_size", "sizeof(_PyInterpreterFrame)", 11, None),
    ("owner_generator", "FRAME_OWNED_BY_GENERATOR", 11, None),
    ("owner_cstack", "FRAME_OWNED_BY_CSTACK", 12, None),
    ("code_filename", "offsetof(PyCodeObject, co_filename)", 10, None),
    ("code_name", "offsetof(PyCodeObject, co_name)", 10, None),
    ("code_qualname", "offsetof(PyCodeObject, co_qualname)", 11, None),
    ("code_linetable", "offsetof(PyCodeObject, co_linetable)", 10, None),
    ("code_firstlineno", "offsetof(PyCodeObject, co_firstlineno)", 10, None),
    ("code_adaptive", "offsetof(PyCodeObject, co_code_adaptive)", 11, None),
    ("code_firsttraceable", "offsetof(PyCodeObject, _co_firsttraceable)", 11, None),
    ("code_size", "sizeof(PyCodeObject)", 10, None),
    ("code_unit", "sizeof(_Py_CODEUNIT)", 10, None),
]

#: (layout key, _Py_DebugOffsets member) for 3.13+: where the runtime's own debug
#: offsets say what the layout key is.
DEBUG_FIELDS: list[tuple[str, str]] = [
    ("runtime_interpreters_head", "runtime_state.interpreters_head"),
    ("interp_next", "interpreter_state.next"),
    ("interp_threads_head", "interpreter_state.threads_head"),
    ("tstate_next", "thread_state.next"),
    ("tstate_interp", "thread_state.interp"),
    ("tstate_frame", "thread_state.current_frame"),
    ("tstate_thread_id", "thread_state.thread_id"),
    ("tstate_native_thread_id", "thread_state.native_thread_id"),
    ("frame_size", "interpreter_frame.size"),
    ("frame_previous", "interpreter_frame.previous"),
    ("frame_code", "interpreter_frame.executable"),
    ("frame_instr", "interpreter_frame.instr_ptr"),
    ("frame_owner", "interpreter_frame.owner"),
    ("code_size", "code_object.size"),
    ("code_filename", "code_object.filename"),
    ("code_name", "code_object.name"),
    ("code_qualname", "code_object.qualname"),
    ("code_linetable", "code_object.linetable"),
    ("code_firstlineno", "code_object.firstlineno"),
    ("code_adaptive", "code_object.co_code_adaptive"),
    ("object_type", "pyobject.ob_type"),
    ("varobject_size", "bytes_object.ob_size"),
    ("bytes_sval", "bytes_object.ob_sval"),
    ("unicode_state", "unicode_object.state"),
    ("unicode_length", "unicode_object.length"),
    ("ascii_size", "unicode_object.asciiobject_size"),
]

_PROGRAM = """
#define Py_BUILD_CORE 1
#include <Python.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include "pycore_runtime.h"
#include "pycore_interp.h"
%(extra)s
#define OUT(key, expr) printf("%%s %%lld\\n", key, (long long)(expr))

static unsigned long long state_mask(PyASCIIObject *o) {
    unsigned long long w = 0;
    memcpy(&w, (char *)o + offsetof(PyASCIIObject, state), sizeof(o->state));
    return w;
}

int main(void) {
    PyASCIIObject o;
    OUT("hexversion", PY_VERSION_HEX);
    OUT("pointer_size", sizeof(void *));
%(fields)s
    memset(&o, 0, sizeof o); o.state.kind = 7; OUT("unicode_kind_mask", state_mask(&o));
    memset(&o, 0, sizeof o); o.state.compact = 1; OUT("unicode_compact_bit", state_mask(&o));
    memset(&o, 0, sizeof o); o.state.ascii = 1; OUT("unicode_ascii_bit", state_mask(&o));
    OUT("unicode_state_size", sizeof(o.state));
%(debug)s
    return 0;
}
"""


def installations() -> list[Path]:
    home = Path(os.path.expanduser("~/.pyenv/versions"))
    found = []
    for d in sorted(glob.glob(str(home / "3.*"))):
        if re.fullmatch(r"3\.(1\d)\.\d+", os.path.basename(d)):
            found.append(Path(d))
    return found


def _minor_of(prefix: Path) -> tuple[int, str]:
    incs = sorted(glob.glob(str(prefix / "include" / "python3.*")))
    if not incs:
        raise SystemExit(f"{prefix}: no include/python3.X directory")
    inc = incs[0]
    m = re.search(r"python3\.(\d+)", inc)
    assert m is not None
    return int(m.group(1)), inc


def _program(minor: int) -> str:
    extra = ['#include "pycore_code.h"', '#include "pycore_frame.h"'] if minor >= 11 else [
        '#include "frameobject.h"']
    fields = [f'    OUT("{key}", {expr});' for key, expr, lo, hi in FIELDS
              if lo <= minor and (hi is None or minor <= hi)]
    debug = []
    if minor >= 13:
        debug.append('    OUT("debug.cookie", offsetof(_Py_DebugOffsets, cookie));')
        debug.append('    OUT("debug.version", offsetof(_Py_DebugOffsets, version));')
        debug.append('    OUT("debug.free_threaded", offsetof(_Py_DebugOffsets, free_threaded));')
        debug.append('    OUT("debug.runtime_offset", offsetof(_PyRuntimeState, debug_offsets));')
        for key, member in DEBUG_FIELDS:
            debug.append(f'    OUT("debug.{key}", offsetof(_Py_DebugOffsets, {member}));')
    return _PROGRAM % {"extra": "\n".join(extra), "fields": "\n".join(fields),
                       "debug": "\n".join(debug)}


def layout_of(prefix: Path) -> tuple[str, dict[str, object]]:
    minor, inc = _minor_of(prefix)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "layout.c"
        exe = Path(tmp) / "layout"
        src.write_text(_program(minor))
        subprocess.run(["gcc", "-w", "-I", inc, "-I", f"{inc}/internal", "-o", str(exe),
                        str(src)], check=True)
        out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    values: dict[str, int] = {}
    for line in out.splitlines():
        key, value = line.split()
        values[key] = int(value)
    layout: dict[str, object] = {k: v for k, v in values.items() if not k.startswith("debug.")}
    debug = {k[6:]: v for k, v in values.items() if k.startswith("debug.")}
    if debug:
        layout["debug_offsets"] = debug
        _check_debug_offsets(prefix, minor, layout, debug)
    return f"3.{minor}", layout


_CHECK = """
import ctypes, struct, sys
rt = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))
base = rt + %(runtime_offset)d
print(ctypes.string_at(base, 8).decode("latin-1"))
for name, pos in %(fields)r:
    print(name, struct.unpack("<Q", ctypes.string_at(base + pos, 8))[0])
"""


def _check_debug_offsets(prefix: Path, minor: int, layout: dict[str, object],
                         debug: dict[str, int]) -> None:
    """The interpreter's own _Py_DebugOffsets must agree with the header's offsetof()."""
    exe = prefix / "bin" / f"python3.{minor}"
    fields = [(key, debug[key]) for key, _ in DEBUG_FIELDS]
    code = _CHECK % {"runtime_offset": debug["runtime_offset"], "fields": fields}
    out = subprocess.run([str(exe), "-c", code], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    if out[0] != "xdebugpy":
        raise SystemExit(f"{exe}: no _Py_DebugOffsets cookie at _PyRuntime (got {out[0]!r})")
    for line in out[1:]:
        key, value = line.split()
        if layout.get(key) != int(value):
            raise SystemExit(f"{exe}: _Py_DebugOffsets says {key}={value}, the headers "
                             f"say {layout.get(key)}")


def render(layouts: dict[str, dict[str, object]], sources: list[Path]) -> str:
    cmd = "python tools/gen_cpython_layouts.py"
    names = ", ".join(p.name for p in sources)
    head = [
        "# GENERATED by tools/gen_cpython_layouts.py from the headers of CPython",
        f"# {names}: offsetof/sizeof compiled with include/python3.X, Py_BUILD_CORE.",
        f"# Do not edit; regenerate with: {cmd}",
        '"""CPython struct layouts per version, for reading frames from a stopped interpreter."""',
        "",
        "LAYOUTS: dict[str, dict[str, object]] = {",
    ]
    for version, layout in layouts.items():
        head.append(f"    {version!r}: {{".replace("'", '"'))
        for key in sorted(layout):
            value = layout[key]
            if isinstance(value, dict):
                head.append(f'        "{key}": {{')
                head += [f'            "{k}": {v},' for k, v in sorted(value.items())]
                head.append("        },")
            else:
                head.append(f'        "{key}": {value},')
        head.append("    },")
    head += ["}", ""]
    return "\n".join(head)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--check", action="store_true", help="exit 1 if --out is stale")
    ap.add_argument("prefixes", nargs="*", help="CPython installation prefixes")
    args = ap.parse_args(argv)
    prefixes = [Path(p) for p in args.prefixes] or installations()
    if not prefixes:
        print("no CPython 3.10+ installation found", file=sys.stderr)
        return 1
    layouts = dict(layout_of(p) for p in prefixes)
    text = render(layouts, prefixes)
    out = Path(args.out)
    if write_or_check(out, text, args.check):
        print(f"{out} is stale: regenerate it", file=sys.stderr)
        return 1
    if not args.check:
        print(f"wrote {out} ({', '.join(layouts)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
