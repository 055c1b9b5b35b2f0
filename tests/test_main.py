"""``python -m pytest_renacer``: the ``renacer`` command, as a module."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_renacer import __version__

ROOT = Path(__file__).resolve().parent.parent
TRUE = "/bin/true" if os.path.exists("/bin/true") else "/usr/bin/true"


def run_module(monkeypatch: pytest.MonkeyPatch, *args: str) -> int | str | None:
    monkeypatch.setattr(sys, "argv", ["renacer", *args])
    # Without pytest's assertion-rewriting import hook, which owns the package's modules
    # when the plugin's distribution is installed, and which runpy cannot use (no
    # get_code()): found by the regular path finder, as `python -m` does.
    monkeypatch.setattr(sys, "meta_path", [f for f in sys.meta_path
                                           if type(f).__name__ != "AssertionRewritingHook"])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module("pytest_renacer", run_name="__main__", alter_sys=True)
    return exit_info.value.code


def test_help_usage_error_and_a_trace(monkeypatch, capsys, tmp_path):
    assert run_module(monkeypatch, "--help") == 0
    assert capsys.readouterr().out.startswith("Usage: renacer")
    assert run_module(monkeypatch, "--bogus") == 2
    assert "renacer: option --bogus not recognized" in capsys.readouterr().err
    log = tmp_path / "log"
    assert run_module(monkeypatch, "-o", str(log), "--", "sh", "-c", "exit 4") == 4
    assert log.read_text().rstrip().endswith("+++ exited with 4 +++")


def test_as_a_subprocess():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "pytest_renacer", "-c", TRUE], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout == ""
    assert "% time" in out.stderr and out.stderr.rstrip().endswith("total")
    out = subprocess.run([sys.executable, "-m", "pytest_renacer", "-V"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.stdout == f"renacer -- version {__version__}\n"


def test_importing_it_runs_nothing(capsys):
    import importlib

    from pytest_renacer import cli

    sys.modules.pop("pytest_renacer.__main__", None)
    try:
        module = importlib.import_module("pytest_renacer.__main__")
    finally:
        sys.modules.pop("pytest_renacer.__main__", None)  # runpy wants it unimported
    assert module.console is cli.console
    assert capsys.readouterr() == ("", "")
