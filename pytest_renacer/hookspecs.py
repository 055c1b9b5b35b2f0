"""Hooks pytest-renacer calls, for plugins (and conftest.py files) that extend it.

Implement them in a ``conftest.py`` or a plugin like any pytest hook::

    def pytest_renacer_trace_finished(item, trace):
        if trace.count("%network"):
            item.add_report_section("call", "network", str(trace.names()))

    def pytest_renacer_json_extra(item, data):
        return {"owner": "team-storage"}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .model import Trace


@pytest.hookspec()
def pytest_renacer_trace_finished(item: pytest.Item, trace: Trace) -> None:
    """A trace made for ``item`` has finished.

    Called once per trace: each ``syscalls.run()``, ``syscalls.call()`` and stopped
    ``syscalls.spawn()``, and the forked test body of a test traced without the
    fixture.  Called in the process that runs the test (the xdist worker); an exception
    raised here fails the test.
    """


@pytest.hookspec()
def pytest_renacer_json_extra(item: pytest.Item, data: dict[str, Any]) -> dict[str, Any] | None:
    """Add fields to a traced test's JSON entry before it is written.

    ``data`` is the entry (``nodeid``, ``outcome``, ``budget``, ``traces``...): return a
    dict to merge into its ``extra`` object, or modify ``data`` in place.  Values must
    be JSON-serializable.  Called once per traced test, after its teardown.
    """
    return None
