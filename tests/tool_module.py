"""A script of tools/ loaded as a module for the tests that check what it generates."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType


def tool_module(path: Path) -> Iterator[ModuleType]:
    """Load ``path`` as a module named after it; yields it, then forgets it (a fixture's body)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]
