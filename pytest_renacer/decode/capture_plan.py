"""The Capturer's plans as data, for the engine's compiled core (tracer/_core.c).

:class:`~pytest_renacer.decode.capture.Capturer` keeps, per syscall number, a plan of
Python steps.  The common ones (a path, a string, a buffer whose length is an argument
or the return value, a fixed-size struct, an int written back) are expressed here as
``(op, argument index, length source, size)`` tuples that the C loop executes without
the GIL; a syscall with any other step maps to None, and the core calls the Capturer's
own hooks for it, so that what is captured never depends on the engine.
"""

from __future__ import annotations

from typing import Any

from . import capture as C
from .format import PARAM_INDEX

# The op numbers of _core.c's step enum.
E_PATH, E_STR, E_BUF, E_FIXED, E_SIZED = 1, 2, 3, 4, 5
X_BUF, X_PATH, X_INT, X_FIXED, X_SIZED, X_WSTATUS = 6, 7, 8, 9, 10, 11
E_FUTEX, E_FCNTL, X_DIRENTS, X_FD_PAIR = 12, 13, 14, 15
LEN_NONE, LEN_RET = -1, -2

CStep = tuple[int, int, int, int]
#: nr -> None (the Python Capturer) or (has exit steps, entry steps, exit steps)
CorePlans = dict[int, "tuple[bool, tuple[CStep, ...], tuple[CStep, ...]] | None"]


def _length_source(param: str | None) -> int:
    if param == "ret":
        return LEN_RET
    i = PARAM_INDEX.get(param)
    if i is None and param is not None and param.isdigit():
        i = int(param)
    return i if i is not None and 0 <= i <= 5 else LEN_NONE


def _step_table(cap: C.Capturer) -> dict[Any, tuple[int, int]]:
    """Python step function -> (op, size) for the steps the core runs itself."""
    table: dict[Any, tuple[int, int]] = {
        C._e_path: (E_PATH, 0),
        C._e_str: (E_STR, 0),
        C._e_buf: (E_BUF, 0),
        C._x_buf: (X_BUF, 0),
        C._x_path: (X_PATH, 0),
        C._x_int: (X_INT, 0),
        C._x_wstatus: (X_WSTATUS, 0),
        C._STAT_E: (E_FIXED, cap.stat_size),
        C._STAT_X: (X_FIXED, cap.stat_size),
        C._EPOLL_E: (E_FIXED, cap.epoll_size),
    }
    # The fixed-size and argument-sized kinds are closures made per kind: find them
    # through the kind table, with the size each was made for.
    fixed = {"timespec": 16, "timeval": 16, "itimerspec": 32, "itimerval": 32, "rlimit": 16,
             "sigaction": 32, "stack_t": 24, "sched_param": 4, "siginfo": 128}
    for kind, size in fixed.items():
        table[C._KIND_STEPS[kind][0]] = (E_FIXED, size)
        table[C._KIND_STEPS[kind + "_out"][1]] = (X_FIXED, size)
    for kind, size in (("statx_out", 256), ("statfs_out", 120), ("utsname_out", 390),
                       ("sysinfo_out", 112), ("rusage_out", 144), ("timex_out", 208)):
        table[C._KIND_STEPS[kind][1]] = (X_FIXED, size)
    for kind, size in (("open_how", 24), ("sigset", 8), ("cpu_set", 128)):
        table[C._KIND_STEPS[kind][0]] = (E_SIZED, size)
    for kind, size in (("sigset_out", 8), ("cpu_set_out", 128)):
        table[C._KIND_STEPS[kind][1]] = (X_SIZED, size)
    table[C._x_dirents] = (X_DIRENTS, 0)
    if not cap.fd_paths:  # with fd_paths the pair's files are looked up too (Python)
        table[C._x_fd_pair] = (X_FD_PAIR, 0)
    return table


# Whole-call steps (argument index -1 in the Capturer's plan) and the argument the core
# reads for them.
_CALL_STEPS: dict[Any, tuple[int, int]] = {C._e_futex: (E_FUTEX, 3), C._e_fcntl: (E_FCNTL, 2)}


def core_plans(cap: C.Capturer) -> CorePlans:
    """Every syscall the Capturer reads something for, as the core's plan or None."""
    table = _step_table(cap)
    plans: CorePlans = {}
    for nr in cap._entry.keys() | cap._exit.keys():
        entry = cap._entry.get(nr, ())
        exit_ = cap._exit.get(nr, ())
        steps: list[list[CStep]] = [[], []]
        ok = True
        for k, plan in enumerate((entry, exit_)):
            for fn, i, param in plan:
                call = _CALL_STEPS.get(fn)
                if call is not None:
                    steps[k].append((call[0], call[1], LEN_NONE, 0))
                    continue
                known = table.get(fn)
                if known is None or not 0 <= i <= 5:
                    ok = False
                    break
                op, size = known
                steps[k].append((op, i, _length_source(param), size))
            if not ok:
                break
        plans[nr] = (bool(exit_), tuple(steps[0]), tuple(steps[1])) if ok else None
    return plans
