"""``python -m pytest_renacer``: the ``renacer`` command."""

from __future__ import annotations

from .cli import console

if __name__ == "__main__":
    console()
