"""The compiled engine core (pytest_renacer/tracer/_core.c); everything else is in
pyproject.toml.  The extension is optional: where it cannot be built (no compiler, no
Python headers, not Linux) the package installs without it and runs the pure-Python
engine (tracer/engine.py), which is also the reference the core is tested against."""

import os
import sys
import zlib

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))

# setup.cfg puts the egg-info metadata under build/ (not in the root): it must exist
os.makedirs(os.path.join(HERE, "build"), exist_ok=True)

CORE_SOURCE = "pytest_renacer/tracer/_core.c"

ext_modules = []
if sys.platform.startswith("linux"):
    # The module knows the CRC-32 of the source it was built from: tracer/engine.py
    # refuses a stale build in a source tree (load_core, stale_core).
    with open(os.path.join(HERE, CORE_SOURCE), "rb") as f:
        crc = zlib.crc32(f.read())
    ext_modules.append(Extension(
        "pytest_renacer.tracer._core",
        [CORE_SOURCE],
        define_macros=[("RENACER_CORE_SOURCE_CRC32", f"{crc}UL")],
        extra_compile_args=["-O2", "-std=gnu11"],
        optional=True,
    ))

setup(ext_modules=ext_modules)
