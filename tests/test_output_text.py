"""The text sink's layout, fed synthetic engine records.

Argument decoding is replaced by a trivial formatter here (each argument in decimal), so
that these tests pin the strace layout (alignment, prefixes, unfinished/resumed pairs,
signal and exit lines, timestamps, staging); the real decoding is compared with strace
in test_cli.py and test_conformance.py.
"""

from __future__ import annotations

import io
import os
import signal
import tracemalloc

import pytest

from pytest_renacer import decode
from pytest_renacer.filters import parse_status
from pytest_renacer.model import Frame
from pytest_renacer.output import text as text_mod
from pytest_renacer.output.text import TextOptions, TextSink, exit_line, format_duration
from pytest_renacer.tables import table_for

TABLE = table_for("x86_64")
NR = {name: TABLE.by_name[name].nr for name in
      ("read", "close", "getpid", "exit_group", "wait4", "execve", "nanosleep")}
A6 = (0,) * 6
_REAL_FORMATTER = decode.call_formatter  # before the autouse fixture replaces it


class PlainFormatter:
    """Each argument in decimal, a captured "buf" as the second one."""

    def __init__(self, info, *, strsize, fd_paths, xstyle=0, verbose=False, xlat=0):
        self.info = info
        self.kinds = info.args
        self.entry_count = decode.entry_arg_count(info)

    def entry_count_of(self, raw):
        return self.entry_count

    def arg_list(self, raw, captured, retval):
        out = [str(raw[i]) for i in range(len(self.info.args))]
        if captured and "buf" in captured:
            out[1] = captured["buf"]
        return out

    def retval(self, raw, captured, value, errno):
        if value is None:
            return "?"
        if errno is not None:
            return f"-1 E{errno} (error {errno})"
        return str(value)


@pytest.fixture(autouse=True)
def plain_decoding(monkeypatch):
    monkeypatch.setattr(text_mod.decode, "call_formatter", PlainFormatter)
    monkeypatch.setattr(text_mod.decode, "format_siginfo", lambda b, xlat=0: "{si_signo=X}")


def sink(**options):
    out = io.StringIO()
    s = TextSink(TABLE, TextOptions(**options), out)
    return s, out


def call(s, tid, name, args, ret, t0=1_000_000, t1=1_000_500, pid=None, failed=False,
         exit_captured=None):
    tok = s.syscall_entry(pid or tid, tid, NR[name], tuple(args) + (0,) * (6 - len(args)),
                          t0, None)
    s.syscall_exit(tok, pid or tid, tid, NR[name], ret, failed, t1, exit_captured)


def test_a_call_is_aligned_at_column_40():
    s, out = sink()
    s.task_started(10, 10, 1, ["x"], 0)
    call(s, 10, "close", [3], 0)
    call(s, 10, "read", [3, 7, 4096], 12, exit_captured={"buf": '"hello"'})
    assert out.getvalue() == (
        "close(3)" + " " * 32 + "= 0\n"
        'read(3, "hello", 4096)                  = 12\n'
    )


def test_long_lines_get_one_space():
    s, out = sink()
    s.task_started(10, 10, 1, None, 0)
    call(s, 10, "read", [3, 123456789012345678, 123456789012345678], 1)
    assert out.getvalue() == "read(3, 123456789012345678, 123456789012345678) = 1\n"


def test_failed_call_and_exit_group():
    s, out = sink()
    s.task_started(10, 10, 1, None, 0)
    call(s, 10, "close", [99], -9, failed=True)
    s.syscall_entry(10, 10, NR["exit_group"], (0, *A6[1:]), 2_000_000, None)
    s.task_exited(10, 10, 0, 2_000_100)
    assert out.getvalue() == (
        "close(99)" + " " * 31 + "= -1 E9 (error 9)\n"
        "exit_group(0)" + " " * 27 + "= ?\n"
        "+++ exited with 0 +++\n"
    )


def test_interleaved_calls_are_unfinished_then_resumed():
    s, out = sink()
    s.task_started(10, 10, 1, None, 0)
    s.task_started(10, 11, 1, None, 0)
    tok_a = s.syscall_entry(10, 10, NR["read"], (3, 5, 100, 0, 0, 0), 100, None)
    tok_b = s.syscall_entry(10, 11, NR["close"], (4, 0, 0, 0, 0, 0), 200, None)
    s.syscall_exit(tok_b, 10, 11, NR["close"], 0, False, 300, None)
    s.syscall_exit(tok_a, 10, 10, NR["read"], 7, False, 400, {"buf": '"abcdefg"'})
    assert out.getvalue() == (
        "[pid    10] read(3,  <unfinished ...>\n"
        "[pid    11] close(4)                    = 0\n"
        '[pid    10] <... read resumed>"abcdefg", 100) = 7\n'
    )


def test_a_call_without_output_arguments_is_complete_at_entry():
    s, out = sink()
    s.task_started(10, 10, 1, None, 0)
    s.task_started(10, 11, 1, None, 0)
    tok = s.syscall_entry(10, 10, NR["close"], (3, *A6[1:]), 100, None)
    call(s, 11, "getpid", [], 10, pid=10)
    s.syscall_exit(tok, 10, 10, NR["close"], 0, False, 400, None)
    assert out.getvalue() == (
        "[pid    10] close(3 <unfinished ...>\n"
        "[pid    11] getpid()                    = 10\n"
        "[pid    10] <... close resumed>)        = 0\n"
    )


def test_death_inside_a_call():
    s, out = sink()
    s.task_started(10, 10, 1, None, 0)
    s.task_started(10, 11, 1, None, 0)
    s.syscall_entry(10, 10, NR["read"], (0, 5, 100, 0, 0, 0), 100, None)
    s.syscall_entry(10, 11, NR["exit_group"], (1, *A6[1:]), 200, None)
    s.task_exited(10, 10, signal.SIGKILL, 300)
    s.task_exited(10, 11, 1 << 8, 400)
    assert out.getvalue() == (
        "[pid    10] read(0,  <unfinished ...>\n"
        "[pid    11] exit_group(1 <unfinished ...>\n"
        "[pid    10] <... read resumed> <unfinished ...>) = ?\n"
        "[pid    10] +++ killed by SIGKILL +++\n"
        # one thread left: no prefix any more (strace counts live threads too)
        "<... exit_group resumed>)               = ?\n"
        "+++ exited with 1 +++\n"
    )


def test_death_inside_a_call_on_the_open_line():
    s, out = sink()
    s.task_started(10, 10, 1, None, 0)
    s.syscall_entry(10, 10, NR["read"], (0, 5, 100, 0, 0, 0), 100, None)
    s.task_exited(10, 10, signal.SIGTERM | 0x80, 300)
    assert out.getvalue() == (
        "read(0,  <unfinished ...>)              = ?\n"
        "+++ killed by SIGTERM (core dumped) +++\n"
    )


def test_signals_stops_and_filters():
    s, out = sink(signals=frozenset({signal.SIGCHLD, signal.SIGSTOP}))
    s.task_started(10, 10, 1, None, 0)
    s.signal(10, 10, signal.SIGCHLD, b"\0" * 128, 100)
    s.signal(10, 10, signal.SIGUSR1, b"\0" * 128, 100)
    s.group_stop(10, 10, signal.SIGSTOP, 200)
    s.group_stop(10, 10, signal.SIGTSTP, 200)
    s.task_exited(10, 10, signal.SIGTERM, 300)  # not in the set: not shown
    assert out.getvalue() == "--- SIGCHLD {si_signo=X} ---\n--- stopped by SIGSTOP ---\n"


def test_quiet_levels():
    s, out = sink(quiet=2)
    s.task_started(10, 10, 1, None, 0)
    s.task_exited(10, 10, 0, 300)
    assert out.getvalue() == ""
    s, out = sink(quiet=2)
    s.task_started(10, 10, 1, None, 0)
    s.task_exited(10, 10, signal.SIGKILL, 300)
    assert out.getvalue() == "+++ killed by SIGKILL +++\n"


def test_plain_prefix_and_no_prefix_modes():
    s, out = sink(prefix="plain")
    s.task_started(123, 123, 1, None, 0)
    call(s, 123, "getpid", [], 123)
    s, out2 = sink(prefix="none")
    s.task_started(10, 10, 1, None, 0)
    s.task_started(10, 11, 1, None, 0)
    call(s, 11, "getpid", [], 10, pid=10)
    assert out.getvalue() == "123   getpid()" + " " * 26 + "= 123\n"
    assert out2.getvalue() == "getpid()" + " " * 32 + "= 10\n"


def test_prefix_follows_the_number_of_live_threads():
    s, out = sink()
    s.task_started(10, 10, 1, None, 0)
    call(s, 10, "getpid", [], 10)
    s.task_started(11, 11, 10, None, 0)
    call(s, 11, "getpid", [], 11)
    s.task_exited(11, 11, 0, 0)
    call(s, 10, "getpid", [], 10)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("getpid()")
    assert lines[1].startswith("[pid    11] getpid()")
    assert lines[2] == "[pid    11] +++ exited with 0 +++"
    assert lines[3].startswith("getpid()")


def test_syscall_times_and_timestamps(monkeypatch):
    resumed = iter([1_000_000, 3_000_000_000])
    monkeypatch.setattr(text_mod, "_clock", lambda: next(resumed))
    s, out = sink(syscall_times=True, timestamps=3, relative=False)
    s._rt_offset = 1_700_000_000_000_000_000 - 1_000_000
    s.task_started(10, 10, 1, None, 0)
    call(s, 10, "getpid", [], 10, t0=1_000_000, t1=1_123_456)
    call(s, 10, "getpid", [], 10, t0=3_000_000_000, t1=4_500_000_001)
    assert out.getvalue() == (
        "1700000000.000000 getpid()              = 10 <0.000123>\n"
        "1700000002.999000 getpid()              = 10 <1.500000>\n"
    )


def test_relative_timestamps():
    s, out = sink(relative=True)
    s.task_started(10, 10, 1, None, 0)
    call(s, 10, "getpid", [], 10, t0=5_000_000)
    call(s, 10, "getpid", [], 10, t0=7_500_000)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("     0.000000 getpid()")
    assert lines[1].startswith("     0.002500 getpid()")


def test_time_of_day_formats():
    for level, pattern in ((1, r"\d\d:\d\d:\d\d getpid"), (2, r"\d\d:\d\d:\d\d\.\d{6} getpid")):
        s, out = sink(timestamps=level)
        s.task_started(10, 10, 1, None, 0)
        call(s, 10, "getpid", [], 10)
        import re

        assert re.match(pattern, out.getvalue()), out.getvalue()


def test_status_filter_holds_lines_until_the_exit():
    s, out = sink(status=parse_status("failed"))
    s.task_started(10, 10, 1, None, 0)
    s.task_started(10, 11, 1, None, 0)
    tok_a = s.syscall_entry(10, 10, NR["read"], (3, 5, 100, 0, 0, 0), 100, None)
    call(s, 11, "close", [4], -9, failed=True, pid=10)
    call(s, 11, "close", [5], 0, pid=10)
    s.syscall_exit(tok_a, 10, 10, NR["read"], -11, True, 400, None)
    s.syscall_entry(10, 10, NR["exit_group"], A6, 500, None)
    s.task_exited(10, 10, 0, 600)
    assert out.getvalue() == (
        "[pid    11] close(4)                    = -1 E9 (error 9)\n"
        "[pid    10] read(3, 5, 100)             = -1 E11 (error 11)\n"
        "[pid    10] +++ exited with 0 +++\n"
    )
    s, out = sink(status=parse_status("unfinished"))
    s.task_started(10, 10, 1, None, 0)
    call(s, 10, "close", [4], 0)
    s.syscall_entry(10, 10, NR["exit_group"], A6, 500, None)
    s.task_exited(10, 10, 0, 600)
    assert out.getvalue() == "exit_group(0)" + " " * 27 + "= ?\n+++ exited with 0 +++\n"


def test_one_stream_per_thread():
    files: dict[int, io.StringIO] = {}

    def open_file(tid):
        files[tid] = io.StringIO()
        files[tid].close = lambda: None  # keep the text readable
        return files[tid]

    s = TextSink(TABLE, TextOptions(prefix="none"), None, open_file=open_file)
    s.task_started(10, 10, 1, None, 0)
    s.task_started(10, 11, 1, None, 0)
    tok = s.syscall_entry(10, 10, NR["read"], (3, 5, 100, 0, 0, 0), 100, None)
    call(s, 11, "close", [4], 0, pid=10)
    s.syscall_exit(tok, 10, 10, NR["read"], 1, False, 400, {"buf": '"x"'})
    s.close()
    assert files[10].getvalue() == 'read(3, "x", 100)' + " " * 23 + "= 1\n"
    assert files[11].getvalue() == "close(4)" + " " * 32 + "= 0\n"


def test_superseded_by_execve_from_a_thread():
    s, out = sink()
    s.task_started(10, 10, 1, None, 0)
    s.task_started(10, 12, 1, None, 0)
    s.syscall_entry(10, 10, NR["wait4"], (0,) * 6, 100, None)
    tok = s.syscall_entry(10, 12, NR["execve"], (1, 2, 3, 0, 0, 0), 200, None)
    s.exec(10, 10, 12, ["x"], 300)
    s.syscall_exit(tok, 10, 10, NR["execve"], 0, False, 400, None)
    assert out.getvalue() == (
        "[pid    10] wait4(0,  <unfinished ...>\n"
        "[pid    12] execve(1, 2, 3 <unfinished ...>\n"
        "[pid    10] <... wait4 resumed> <unfinished ...>) = ?\n"
        "+++ superseded by execve in pid 12 +++\n"
        "<... execve resumed>)                   = 0\n"
    )


def test_after_a_threads_execve_its_lines_carry_the_leaders_pid():
    # strace -f -o FILE: the exec'ing thread goes on under the leader's tid
    s, out = sink(prefix="plain")
    s.task_started(10, 10, 1, None, 0)
    s.task_started(10, 12, 1, None, 0)
    tok = s.syscall_entry(10, 12, NR["execve"], (1, 2, 3, 0, 0, 0), 200, None)
    s.exec(10, 10, 12, ["x"], 300)
    s.syscall_exit(tok, 10, 10, NR["execve"], 0, False, 400, None)
    call(s, 10, "close", [3], 0)
    assert out.getvalue().splitlines()[-2:] == [
        "10    <... execve resumed>)             = 0",
        "10    close(3)                          = 0",
    ]


def test_syscall_times_do_not_count_the_tracers_work_at_entry(monkeypatch):
    monkeypatch.setattr(text_mod, "_clock", lambda: 1_000_400)
    s, out = sink(syscall_times=True)
    s.task_started(10, 10, 1, None, 0)
    call(s, 10, "getpid", [], 10, t0=1_000_000, t1=1_002_400)
    assert out.getvalue().endswith("= 10 <0.000002>\n")


def test_stack_frames_and_source_location():
    frames = (Frame("/src/prog.c", 12, "main", "/bin/prog", 0x401136),
              Frame(None, None, None, "/lib/libc.so.6", 0x7F0000001000))
    s, out = sink(stack=lambda pid, cap: frames, print_stack=True)
    s.task_started(10, 10, 1, None, 0)
    call(s, 10, "getpid", [], 10)
    assert out.getvalue().splitlines()[1:] == [
        " > /bin/prog(main) [0x401136] /src/prog.c:12",
        " > /lib/libc.so.6() [0x7f0000001000]",
    ]
    s, out = sink(stack=lambda pid, cap: frames, source=lambda fr: fr[0])
    s.task_started(10, 10, 1, None, 0)
    call(s, 10, "getpid", [], 10)
    assert out.getvalue() == "getpid()" + " " * 32 + "= 10 [/src/prog.c:12 in main]\n"
    s, out = sink(stack=lambda pid, cap: frames, source=lambda fr: fr[0], print_stack=True)
    s.task_started(10, 10, 1, None, 0)
    call(s, 10, "getpid", [], 10)
    assert out.getvalue().splitlines() == [
        "getpid()" + " " * 32 + "= 10 [/src/prog.c:12 in main]",
        " > /bin/prog(main) [0x401136] /src/prog.c:12",
        " > /lib/libc.so.6() [0x7f0000001000]",
    ]


def test_close_ends_an_open_line():
    s, out = sink()
    s.task_started(10, 10, 1, None, 0)
    s.syscall_entry(10, 10, NR["read"], (0, 5, 100, 0, 0, 0), 100, None)
    s.close()
    assert out.getvalue() == "read(0,  <unfinished ...>\n"


def test_helpers():
    assert format_duration(1_234_567_891) == "1.234567"
    assert format_duration(-5) == "0.000000"
    assert exit_line(3 << 8, str) == "+++ exited with 3 +++"
    assert exit_line(9, lambda n: f"SIG{n}") == "+++ killed by SIG9 +++"


def test_memory_stays_flat():
    with open(os.devnull, "w") as null:
        s = TextSink(TABLE, TextOptions(), null)
        s.task_started(10, 10, 1, None, 0)
        s.task_started(10, 11, 1, None, 0)

        def burst(n):
            for i in range(n):
                tid = 10 + i % 2
                tok = s.syscall_entry(10, tid, NR["close"], (i, *A6[1:]), i, None)
                s.syscall_exit(tok, 10, tid, NR["close"], 0, False, i + 1, None)

        burst(1000)
        tracemalloc.start()
        burst(20_000)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 200_000, peak


def test_source_location_of_each_stack():
    """--source's suffix per stack: a loop's repeated stack and a change between two."""
    a = (Frame("/src/prog.c", 12, "main", "/bin/prog", 0x401136),)
    b = (Frame("/src/prog.c", 20, "helper", "/bin/prog", 0x401180),)
    libc_only = (Frame(None, None, None, "/lib/libc.so.6", 0x7F0000001000),)
    stacks = iter([a, a, b, a, libc_only])
    own = {a: a[0], b: b[0]}
    s, out = sink(stack=lambda pid, cap: next(stacks), source=lambda fr: own.get(fr))
    s.task_started(10, 10, 1, None, 0)
    for _ in range(5):
        call(s, 10, "getpid", [], 10)
    assert [line.split("= 10")[1] for line in out.getvalue().splitlines()] == [
        " [/src/prog.c:12 in main]", " [/src/prog.c:12 in main]",
        " [/src/prog.c:20 in helper]", " [/src/prog.c:12 in main]", ""]


class CountingFormatter(PlainFormatter):
    calls = 0

    def arg_list(self, raw, captured, retval):
        CountingFormatter.calls += 1
        return super().arg_list(raw, captured, retval)

    def retval(self, raw, captured, value, errno):
        CountingFormatter.calls += 1
        return super().retval(raw, captured, value, errno)


def test_repeated_calls_are_formatted_once(monkeypatch):
    """A loop's lines: the texts of a call with the same registers, captures and result
    come from the memo; a different capture or result is formatted anew."""
    monkeypatch.setattr(text_mod.decode, "call_formatter", CountingFormatter)
    CountingFormatter.calls = 0
    s, out = sink()
    s.task_started(10, 10, 1, None, 0)
    for _ in range(100):
        call(s, 10, "read", [3, 7, 4096], 5, exit_captured={"buf": '"hello"'})
    call(s, 10, "read", [3, 7, 4096], 3, exit_captured={"buf": '"hel"'})
    call(s, 10, "read", [3, 7, 4096], -11, failed=True)
    call(s, 10, "read", [3, 7, 4096], 5, exit_captured={"buf": '"hello"'})
    lines = out.getvalue().splitlines()
    assert lines[:100] == ['read(3, "hello", 4096)                  = 5'] * 100
    assert lines[100:] == ['read(3, "hel", 4096)                    = 3',
                           "read(3, 7, 4096)                        = -1 E11 (error 11)",
                           'read(3, "hello", 4096)                  = 5']
    # the entry's first argument once, then three distinct exits: arguments and result
    assert CountingFormatter.calls == 1 + 3 * 2


def test_the_memo_gives_way_to_calls_that_do_not_repeat(monkeypatch):
    monkeypatch.setattr(text_mod.decode, "call_formatter", CountingFormatter)
    CountingFormatter.calls = 0
    s, out = sink()
    s.task_started(10, 10, 1, None, 0)
    n = text_mod._Memo.WINDOW * 2
    for k in range(n):
        call(s, 10, "close", [k], 0)
    memo = s._formatters[NR["close"]][1]
    assert not memo.on and not memo.entries and not memo.exits
    assert out.getvalue().splitlines()[-1].startswith(f"close({n - 1})")


def test_memoised_lines_are_the_formatters_lines(monkeypatch):
    """With the real decoder: lines answered from the memo are the ones formatted."""
    monkeypatch.setattr(text_mod.decode, "call_formatter", _REAL_FORMATTER)
    s, out = sink(fd_paths=True)
    s.task_started(10, 10, 1, None, 0)
    openat = TABLE.by_name["openat"].nr
    for k in range(3):
        for path, ret, failed in ((b"/etc/passwd", 3, False), (b"/nope", -2, True)):
            tok = s.syscall_entry(10, 10, openat, (2**64 - 100, 0x1000, 0x80000, 0, 0, 0),
                                  k, {1: path})
            s.syscall_exit(tok, 10, 10, openat, ret, failed, k, {("fd", "ret"): "/etc/passwd"}
                           if not failed else None)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith('openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3')
    assert lines[1] == ('openat(AT_FDCWD, "/nope", O_RDONLY|O_CLOEXEC) = -1 ENOENT '
                        "(No such file or directory)")
    assert lines[2:] == lines[:2] * 2


def test_an_entry_cut_by_another_thread_keeps_its_prefix_and_stamp():
    """The entry's start (prefix, stamp, ``<unfinished ...>`` of the open line) is written
    in one piece: the column the result aligns on counts the prefix and the stamp."""
    s, out = sink(relative=True, prefix="plain")
    s.task_started(10, 10, 1, None, 0)
    s.task_started(10, 11, 1, None, 0)
    tok = s.syscall_entry(10, 10, NR["read"], (3, 5, 100, 0, 0, 0), 1_000_000, None)
    call(s, 11, "close", [4], 0, t0=1_500_000, t1=1_600_000)
    s.syscall_exit(tok, 10, 10, NR["read"], 0, False, 2_000_000, None)
    assert out.getvalue().splitlines() == [
        "10         0.000000 read(3,  <unfinished ...>",
        "11         0.000500 close(4)            = 0",  # "=" at column 40
        "10         0.000500 <... read resumed>5, 100) = 0",
    ]


def test_decode_fds_kinds(tmp_path) -> None:
    """--decode-fds=SET: a pidfd's process, a device's numbers, paths only when asked."""
    from pytest_renacer.output.text import _fd_text

    pid = os.getpid()
    all_kinds = frozenset({"path", "socket", "dev", "pidfd"})
    pidfd = os.pidfd_open(pid)
    null = os.open("/dev/null", os.O_RDONLY)
    try:
        assert _fd_text(pid, pidfd, "anon_inode:[pidfd]", all_kinds, 0) == f"pid:{pid}"
        assert _fd_text(pid, pidfd, "anon_inode:[pidfd]", frozenset({"path"}), 0) == (
            "anon_inode:[pidfd]")
        assert _fd_text(pid, pidfd, "anon_inode:[pidfd]", frozenset({"dev"}), 0) is None
        assert _fd_text(pid, null, "/dev/null", frozenset({"dev"}), 0) == "/dev/null<char 1:3>"
        assert _fd_text(pid, null, "/dev/null", frozenset({"socket"}), 0) is None
        assert _fd_text(pid, -100, str(tmp_path), all_kinds, 0) == str(tmp_path)
    finally:
        os.close(pidfd)
        os.close(null)


def test_no_memo_with_decorated_fds():
    """-yy / --decode-fds: an FdText is a str equal to a plain path's text as a key."""
    s, out = sink(fd_sockets=True)
    s.task_started(10, 10, 1, None, 0)
    call(s, 10, "close", [3], 0)
    assert not s._formatters[NR["close"]][1].on
    assert out.getvalue().startswith("close(3)")
