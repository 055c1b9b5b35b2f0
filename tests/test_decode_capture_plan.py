"""The Capturer's plans as the compiled core's data: which step, which argument, which
length and size, for syscalls of each shape (and None where a Python step is needed)."""

from __future__ import annotations

from pytest_renacer.decode import Capturer
from pytest_renacer.decode import capture_plan as CP
from pytest_renacer.tables import table_for

T = table_for("x86_64")


class NoMemory:
    def read(self, tid: int, addr: int, size: int) -> bytes | None:
        return None

    def read_cstring(self, tid: int, addr: int, limit: int) -> bytes | None:
        return None


def plans(fd_paths: bool = False, arch: str = "x86_64") -> dict[str, object]:
    table = table_for(arch)
    got = CP.core_plans(Capturer(table, NoMemory(), fd_paths=fd_paths))
    return {table.by_nr[nr].name: plan for nr, plan in got.items()}


NONE, RET = CP.LEN_NONE, CP.LEN_RET


def test_plans_of_each_step_kind() -> None:
    p = plans()
    assert p["read"] == (True, (), ((CP.X_BUF, 1, RET, 0),))
    assert p["write"] == (False, ((CP.E_BUF, 1, 2, 0),), ())
    assert p["openat"] == (False, ((CP.E_PATH, 1, NONE, 0),), ())
    assert p["mount"] == (False, ((CP.E_STR, 0, NONE, 0), (CP.E_PATH, 1, NONE, 0),
                                  (CP.E_STR, 2, NONE, 0)), ())
    assert p["getcwd"] == (True, (), ((CP.X_PATH, 0, NONE, 0),))
    assert p["fstat"] == (True, (), ((CP.X_FIXED, 1, NONE, 144),))
    assert p["clock_gettime"] == (True, (), ((CP.X_FIXED, 1, NONE, 16),))
    assert p["clock_settime"] == (False, ((CP.E_FIXED, 1, NONE, 16),), ())
    assert p["statx"] == (True, ((CP.E_PATH, 1, NONE, 0),), ((CP.X_FIXED, 4, NONE, 256),))
    assert p["wait4"] == (True, (), ((CP.X_WSTATUS, 1, NONE, 0), (CP.X_FIXED, 3, NONE, 144)))
    assert p["getdents64"] == (True, (), ((CP.X_DIRENTS, 1, NONE, 0),))
    assert p["pipe2"] == (True, (), ((CP.X_FD_PAIR, 0, NONE, 0),))
    assert p["accept"] is None  # sockaddr_out with its value-result length: Python
    assert p["futex"] == (False, ((CP.E_FUTEX, 3, NONE, 0),), ())
    assert p["rt_sigprocmask"] == (True, ((CP.E_SIZED, 1, 3, 8),), ((CP.X_SIZED, 2, 3, 8),))
    assert p["sched_getaffinity"] == (True, (), ((CP.X_SIZED, 2, RET, 128),))
    assert p["sched_setaffinity"] == (False, ((CP.E_SIZED, 2, 1, 128),), ())
    assert p["openat2"] == (False, ((CP.E_PATH, 1, NONE, 0), (CP.E_SIZED, 2, 3, 24)), ())
    assert p["epoll_ctl"] == (False, ((CP.E_FIXED, 3, NONE, 12),), ())
    assert p["getresuid"] == (True, (), tuple((CP.X_INT, i, NONE, 0) for i in range(3)))
    # a Python step anywhere in the call: the whole call goes to the Capturer
    assert p["execve"] is None
    assert p["fcntl"] is None
    assert p["nanosleep"] is None
    assert p["clone3"] is None
    assert "getpid" not in p  # nothing to read


def test_fd_paths_change_the_plans() -> None:
    p = plans(fd_paths=True)
    assert p["pipe2"] is None  # the pair's files are looked up in Python
    assert p["read"] is None  # the fd's path too
    assert plans()["read"] is not None


def test_aarch64_sizes() -> None:
    p = plans(arch="aarch64")
    assert p["fstat"] == (True, (), ((CP.X_FIXED, 1, NONE, 128),))
    assert p["epoll_ctl"] == (False, ((CP.E_FIXED, 3, NONE, 16),), ())


def test_length_sources() -> None:
    assert CP._length_source(None) == NONE
    assert CP._length_source("ret") == RET
    assert CP._length_source("0") == 0
    assert CP._length_source("5") == 5
    assert CP._length_source("6") == NONE
    assert CP._length_source("x") == NONE
