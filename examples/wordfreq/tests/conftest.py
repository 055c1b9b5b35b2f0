"""Fixtures of the demo project: the C binary (built on demand) and the sample text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"


@pytest.fixture(scope="session")
def wordfreq_bin() -> Path:
    """build/wordfreq, compiled from src/wordfreq.c with debug info when missing or stale."""
    exe = BUILD / "wordfreq"
    src = ROOT / "src" / "wordfreq.c"
    if not exe.exists() or exe.stat().st_mtime < src.stat().st_mtime:
        cc = shutil.which("cc") or shutil.which("gcc")
        if cc is None:
            pytest.skip("no C compiler to build src/wordfreq.c")
        BUILD.mkdir(exist_ok=True)
        subprocess.run([cc, "-g", "-O1", "-o", str(exe), str(src)], check=True)
    return exe


@pytest.fixture(scope="session")
def sample() -> Path:
    return ROOT / "data" / "sample.txt"
