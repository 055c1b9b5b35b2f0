"""record: the start-up-cheap twin of dataclasses, checked against dataclasses itself."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys
from typing import Any

import pytest

from pytest_renacer import record as record_module

record: Any = record_module.record  # the runtime implementation (mypy sees dataclass)
field: Any = record_module.field


def twins(frozen: bool = False, slots: bool = False) -> list[Any]:
    """The same class of fields made by record and by dataclasses."""
    made = []
    for deco, make_field in ((record, field), (dataclasses.dataclass, dataclasses.field)):
        class Point:
            """A point."""

            x: int
            y: int = 2
            tags: list[str] = make_field(default_factory=list)

            @property
            def norm(self) -> int:
                return abs(self.x) + abs(self.y)

        made.append(deco(frozen=frozen, slots=slots)(Point))
    return made


@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("slots", [False, True])
def test_behaves_as_the_dataclass(frozen: bool, slots: bool) -> None:
    ours, theirs = twins(frozen, slots)
    for cls in (ours, theirs):
        a, b = cls(1), cls(1, 2, ["t"])
        assert (a.x, a.y, a.tags, b.tags, a.norm) == (1, 2, [], ["t"], 3)
    assert repr(ours(1, 5)) == repr(theirs(1, 5))
    assert repr(ours(1, 5)).endswith("Point(x=1, y=5, tags=[])")
    assert ours(1) == ours(1, 2) and ours(1) != ours(2) and ours(1) != theirs(1)
    assert ours.__match_args__ == theirs.__match_args__ == ("x", "y", "tags")
    assert ours(1).tags is not ours(1).tags  # a new list per instance
    assert hasattr(ours(1), "__dict__") == hasattr(theirs(1), "__dict__") == (not slots)
    assert (ours.__hash__ is None) == (theirs.__hash__ is None) == (not frozen)
    if frozen:
        assert hash(ours(1, 2, ())) == hash(theirs(1, 2, ())) == hash((1, 2, ()))
        for obj in (ours(1), theirs(1)):
            with pytest.raises(AttributeError, match="cannot assign to field 'x'"):
                obj.x = 3
            with pytest.raises(AttributeError, match="cannot delete field 'x'"):
                del obj.x
    else:
        obj = ours(1)
        obj.x = 4
        assert obj.x == 4
    with pytest.raises(TypeError):
        ours()  # x has no default
    with pytest.raises(TypeError):
        ours(1, z=3)


def test_frozen_slotted_records_pickle_and_copy() -> None:
    from pytest_renacer.tables import ArgSpec, SyscallInfo

    s = SyscallInfo(0, "read", (ArgSpec("fd", "fd"),), "ssize_t", frozenset({"%desc"}))
    assert pickle.loads(pickle.dumps(s)) == s
    assert copy.deepcopy(s) == s and hash(copy.copy(s)) == hash(s)
    assert ArgSpec("fd", "fd:ret").param == "ret"  # methods and properties kept


def test_a_field_without_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        @record
        class Bad:
            a: int = 1
            b: int


def test_the_command_imports_neither_dataclasses_nor_inspect() -> None:
    # why record exists: the renacer command's start-up (issue 12: <= 60 ms of CPU)
    out = subprocess.run(
        [sys.executable, "-c", "import sys, pytest_renacer.cli; "
         "print(sorted({'dataclasses', 'inspect'} & set(sys.modules)))"],
        capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_record_without_fields_is_like_the_dataclass() -> None:
    @record(frozen=True)
    class Empty:
        pass

    empty = dataclasses.dataclass(frozen=True)(type("Empty", (), {}))
    assert Empty() == Empty() and hash(Empty()) == hash(empty()) == hash(())
    assert repr(Empty()).endswith("Empty()") and repr(empty()).endswith("Empty()")
