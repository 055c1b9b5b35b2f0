"""artifacts: files written into a shared --renacer-dir never follow a planted link."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pytest_renacer.artifacts import check_owned_dir, write_json_atomic

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")


def test_writes_below_the_root_making_folders(tmp_path: Path) -> None:
    dest = tmp_path / "dir" / "tests" / "test_x.py" / "test_a.json"
    write_json_atomic(dest, {"a": 1}, root=tmp_path / "dir")
    assert json.loads(dest.read_text()) == {"a": 1}
    assert [p.name for p in dest.parent.iterdir()] == ["test_a.json"]  # no temp left


def test_a_planted_folder_link_is_not_followed(tmp_path: Path) -> None:
    root, victim = tmp_path / "shared", tmp_path / "victim"
    root.mkdir()
    victim.mkdir()
    (root / "tests").symlink_to(victim)
    with pytest.raises(OSError, match="not a directory of ours"):
        write_json_atomic(root / "tests" / "a.json", {"a": 1}, root=root)
    assert list(victim.iterdir()) == []


def test_a_planted_file_link_is_replaced_not_written_through(tmp_path: Path) -> None:
    root, victim = tmp_path / "shared", tmp_path / "victim.txt"
    root.mkdir()
    victim.write_text("precious")
    (root / "a.json").symlink_to(victim)
    write_json_atomic(root / "a.json", {"a": 1}, root=root)
    assert victim.read_text() == "precious"
    assert not (root / "a.json").is_symlink()


def test_the_root_itself_may_not_be_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(NotADirectoryError, match="symbolic link is refused"):
        check_owned_dir(tmp_path / "link")
    check_owned_dir(tmp_path / "real")
    check_owned_dir(tmp_path / "absent")  # made later, by us


@needs_root
def test_a_folder_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "shared"
    (root / "tests").mkdir(parents=True)
    os.chown(root / "tests", 65534, 65534)
    with pytest.raises(PermissionError, match="owned by another user"):
        write_json_atomic(root / "tests" / "a.json", {"a": 1}, root=root)
    assert list((root / "tests").iterdir()) == []
    os.chown(root, 65534, 65534)
    with pytest.raises(PermissionError, match="owned by another user"):
        check_owned_dir(root)


@needs_root
def test_the_plugin_refuses_a_renacer_dir_of_another_user(pytester: pytest.Pytester) -> None:
    shared = pytester.path / "shared"
    shared.mkdir()
    os.chown(shared, 65534, 65534)
    pytester.makepyfile("def test_a(): pass\n")
    result = pytester.runpytest(f"--renacer-dir={shared}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--renacer-dir: *shared: owned by another user*"])
