"""The ``renacer`` command: flags, exit statuses, errors, attach and interrupts."""

from __future__ import annotations

import collections
import io
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_renacer import __version__, cli
from pytest_renacer.cli import UsageError, parse_args
from pytest_renacer.errors import AttachError, TracingUnavailable
from pytest_renacer.tables import host_arch

ROOT = Path(__file__).resolve().parent.parent
TRUE = "/bin/true" if os.path.exists("/bin/true") else "/usr/bin/true"
#: pause() as the kernel sees it: arm64 has no pause syscall (glibc calls ppoll).
PAUSE = "pause" if host_arch() == "x86_64" else "ppoll"


def run(*args: str) -> int:
    return cli.main(list(args))


def renacer_proc(*args: str, **kw: object) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "pytest_renacer", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **kw)  # type: ignore[call-overload]


# --------------------------------------------------------------------------- parsing


def test_flags_parse_like_strace():
    cfg = parse_args(["-ff", "-tt", "-T", "-y", "-s64", "-etrace=openat,read", "-e",
                      "status=failed", "-o", "log", "-C", "-S", "calls", "--", "ls", "-la"])
    assert cfg.follow == 2 and cfg.timestamps == 2 and cfg.syscall_times and cfg.fd_paths
    assert cfg.strsize == 64 and cfg.trace_expr == "openat,read"
    assert cfg.status is not None and "failed" in cfg.status and "successful" not in cfg.status
    assert cfg.output == "log" and cfg.summary == 2 and cfg.sortby == "calls"
    assert cfg.command == ["ls", "-la"]


def test_options_stop_at_the_command():
    cfg = parse_args(["-f", "ls", "-f", "-c"])
    assert cfg.follow == 1 and cfg.summary == 0 and cfg.command == ["ls", "-f", "-c"]


def test_last_trace_expression_wins_and_z_flags():
    cfg = parse_args(["-e", "trace=read", "-e", "write", "-z", "true"])
    assert cfg.trace_expr == "write"
    assert cfg.status is not None and "successful" in cfg.status and "failed" not in cfg.status
    cfg = parse_args(["-Z", "-ttt", "-t", "-r", "true"])
    assert cfg.timestamps == 3 and cfg.relative
    assert cfg.status is not None and "failed" in cfg.status


def test_pids_and_long_options():
    cfg = parse_args(["-p", "12,13", "--attach=14", "--follow-forks", "--output=x",
                      "--string-limit=5", "--summary-sort-by=name", "--format", "jsonl",
                      "--signal=SIGCHLD,TERM"])
    assert cfg.pids == [12, 13, 14] and cfg.follow == 1 and cfg.strsize == 5
    assert cfg.sortby == "name" and cfg.format == "jsonl"
    assert cfg.signals == frozenset({signal.SIGCHLD, signal.SIGTERM})
    assert parse_args(["-e", "signal=!SIGCHLD", "true"]).signals == frozenset(
        range(1, signal.NSIG)) - {signal.SIGCHLD}
    assert parse_args(["-e", "signal=all", "true"]).signals is None


def test_attach_notes_skip_the_first_task():
    notes = io.StringIO()
    live = cli._Live(notes)
    live.task_started(10, 10, 1, None, 0)
    live.task_started(11, 11, 10, None, 0)
    live.announce = False
    live.task_started(12, 12, 10, None, 0)
    assert notes.getvalue() == "renacer: Process 11 attached\n"
    live.task_exited(11, 11, 0, 0)
    live.exec(10, 10, 12, None, 0)
    assert live.tids == {10: 10}


def test_summary_on_stderr_with_attach_notes(build, capsys):
    assert run("-f", "-c", build("cli_forks")) == 0
    err = capsys.readouterr().err
    assert err.count("renacer: Process") == 3
    assert "% time     seconds  usecs/call     calls    errors syscall\n" in err
    assert "execve(" not in err


def test_ff_without_output_is_f():
    assert parse_args(["-ff", "true"]).follow == 1


@pytest.mark.parametrize(("argv", "verbose", "deref", "full"), [
    # strace's verbose(tcp) (structures read at all) and abbrev(tcp), per syscall
    ([], False, {"uname", "fstat"}, set()),
    (["-v"], True, {"uname", "fstat"}, {"uname", "fstat"}),
    (["-e", "abbrev=none"], True, {"uname", "fstat"}, {"uname", "fstat"}),
    (["-e", "verbose=none", "-v"], None, set(), set()),
    (["-v", "-e", "verbose=all"], True, {"uname", "fstat"}, {"uname", "fstat"}),
    (["-e", "verbose=uname"], False, {"uname"}, set()),
    (["-e", "verbose=!uname", "-v"], True, {"fstat"}, {"fstat"}),
    (["-e", "verbose=%desc"], False, {"fstat"}, set()),
    (["-e", "abbrev=uname"], False, {"uname", "fstat"}, {"fstat"}),
    (["-e", "abbrev=!uname"], False, {"uname", "fstat"}, {"uname"}),
    (["-v", "-e", "abbrev=all"], False, {"uname", "fstat"}, set()),
])
def test_verbose_and_abbrev_sets(argv, verbose, deref, full):
    from pytest_renacer.output.text import TextOptions, TextSink

    table = cli.table_for()
    options = TextOptions(**cli._verbosity(parse_args([*argv, "true"]), table))
    sink = TextSink(table, options, io.StringIO())
    per_call = {name: sink._verbose(table.by_name[name].nr) for name in ("uname", "fstat")}
    assert {n for n, v in per_call.items() if v is not None} == deref
    assert {n for n, v in per_call.items() if v} == full
    assert options.verbose == verbose


@pytest.mark.parametrize(("argv", "message"), [
    ([], "must have PROG [ARGS] or -p PID"),
    (["-j", "true"], "option -j not recognized"),
    (["-X", "plain", "true"], "invalid -X argument: 'plain'"),
    (["-a", "wide", "true"], "invalid -a argument"),
    (["-s", "many", "true"], "invalid -s argument: 'many'"),
    (["-s", "-1", "true"], "invalid -s argument"),
    (["-S", "bogus", "true"], "invalid sortby: 'bogus'"),
    (["-e", "trace=opne", "true"], "opne"),
    (["-e", "status=weird", "true"], "weird"),
    (["-e", "signal=SIGNOPE", "true"], "invalid signal 'SIGNOPE'"),
    (["-e", "inject=openat:error=ENOENT", "true"], "not supported"),
    (["-e", "bogus=1", "true"], "bogus"),
    (["-e", "verbose=unmae", "true"], "unmae"),
    (["-e", "abbrev=%nosuchclass", "true"], "nosuchclass"),
    (["-p", "abc"], "Invalid process id: 'abc'"),
    (["-p", "0"], "Invalid process id: '0'"),
    (["-p", "12", "true"], "cannot be combined"),
    (["--format", "xml", "true"], "invalid --format 'xml'"),
    (["-k", "-c", "true"], "mutually exclusive"),
    (["-o"], "requires argument"),
])
def test_usage_errors(argv, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        parse_args(argv)


def test_usage_error_exits_2_without_traceback(capsys):
    assert run("-e", "trace=nosuchcall", TRUE) == 2
    err = capsys.readouterr().err
    assert err.startswith("renacer: ")
    assert "nosuchcall" in err and "Usage: renacer" in err and "Traceback" not in err


def test_help_and_version(capsys):
    assert run("-h") == 0
    out = capsys.readouterr().out
    assert "Usage: renacer" in out and "-e trace=EXPR" in out and "--format" in out
    assert run("-V") == 0
    assert capsys.readouterr().out == f"renacer -- version {__version__}\n"


# --------------------------------------------------------------------------- running


def test_missing_command_is_one_line_exit_1(capsys):
    assert run("no-such-command-renacer") == 1
    err = capsys.readouterr().err
    assert err == "renacer: Can't stat 'no-such-command-renacer': No such file or directory\n"


def test_not_executable(tmp_path, capfd):
    f = tmp_path / "script"
    f.write_text("#!/bin/sh\n")
    assert run(str(f)) == 1
    lines = capfd.readouterr().err.splitlines()  # strace's lines, its child's words
    assert lines[0].startswith(f'execve("{f}", [') and "EACCES" in lines[0]
    assert lines[1:] == ["renacer: exec: Permission denied", "+++ exited with 1 +++"]


@pytest.mark.parametrize("error", [
    TracingUnavailable("ptrace is not permitted here (Operation not permitted): run it with "
                       "the SYS_PTRACE capability"),
    AttachError("cannot attach to pid 1: operation not permitted"),
])
def test_ptrace_denied_is_one_line_exit_1(monkeypatch, capsys, error):
    def denied(*args, **kwargs):
        raise error

    monkeypatch.setattr(cli.api, "trace", denied)
    monkeypatch.setattr(cli.api, "attach", denied)
    assert run(TRUE) == 1
    assert capsys.readouterr().err == f"renacer: {error}\n"
    assert run("-p", "1") == 1
    assert capsys.readouterr().err == f"renacer: {error}\n"


def test_unwritable_output(tmp_path, capsys):
    target = tmp_path / "missing-dir" / "log"
    assert run("-o", str(target), TRUE) == 1
    assert capsys.readouterr().err == (
        f"renacer: Can't fopen '{target}': No such file or directory\n")


def test_exit_status_is_the_commands(tmp_path):
    assert run("-o", str(tmp_path / "log"), "--", "sh", "-c", "exit 3") == 3
    assert run("-o", str(tmp_path / "log"), "--", TRUE) == 0


def test_the_console_script_dies_of_the_signal_that_killed_the_command(build, tmp_path):
    """As strace does: a shell then says "Terminated" as it would without the tracer."""
    p = renacer_proc("-o", str(tmp_path / "log"), build("cli_signals"))
    p.communicate(timeout=60)
    assert p.returncode == -signal.SIGTERM


def test_killed_by_signal_is_128_plus_n(build, tmp_path):
    log = tmp_path / "log"
    assert run("-f", "-o", str(log), build("cli_signals")) == 128 + signal.SIGTERM
    text = log.read_text()
    assert re.search(r"^\d+ +--- SIGCHLD \{", text, re.M)
    assert re.search(r"^\d+ +--- SIGTERM \{", text, re.M)
    assert text.rstrip().endswith("+++ killed by SIGTERM +++")


def test_stderr_is_the_default_output(capsys):
    assert run(TRUE) == 0
    cap = capsys.readouterr()
    assert cap.out == ""
    lines = cap.err.splitlines()
    assert lines[0].startswith("execve(")
    assert lines[-2].startswith("exit_group(0)") and lines[-2].endswith("= ?")
    assert lines[-1] == "+++ exited with 0 +++"


def test_column_alignment_and_exit_group(tmp_path):
    log = tmp_path / "log"
    run("-o", str(log), TRUE)
    lines = log.read_text().splitlines()
    short = [ln for ln in lines if ln.startswith(("exit_group(", "brk("))]
    assert short
    for line in short:  # "= " starts at column 40 after a short call
        assert line.index(" = ") == 39 or len(line.split(" = ")[0]) > 39, line
    assert re.fullmatch(r"exit_group\(0\) +=  ?\?", lines[-2].replace("= ?", "=  ?")) or \
        lines[-2] == "exit_group(0)" + " " * 26 + "= ?"


def test_follow_forks_prefixes_on_stderr(build, capsys):
    assert run("-f", build("cli_forks")) == 0
    err = capsys.readouterr().err
    pids = set(re.findall(r"^\[pid +(\d+)\] ", err, re.M))
    assert len(pids) >= 3, err[-2000:]  # main thread, two threads, the child
    # as strace, the note may land in the middle of an open line ("clone3(...renacer: ...")
    assert len(re.findall(r"renacer: Process \d+ attached$", err, re.M)) == 3
    assert re.search(r"^\[pid +\d+\] \+\+\+ exited with 7 \+\+\+$", err, re.M)
    assert err.rstrip().endswith("+++ exited with 0 +++")


def test_follow_forks_with_output_file_prefixes_every_line(build, tmp_path, capsys):
    log = tmp_path / "log"
    assert run("-f", "-o", str(log), build("cli_forks")) == 0
    lines = log.read_text().splitlines()
    assert all(re.match(r"^\d+ {1,5}\S", ln) for ln in lines), lines[:5]
    assert "attached" not in capsys.readouterr().err  # -o with a command: quiet as strace


def test_ff_one_file_per_thread(build, tmp_path):
    base = tmp_path / "log"
    assert run("-ff", "-o", str(base), build("cli_forks")) == 0
    files = sorted(tmp_path.glob("log.*"))
    assert len(files) == 4  # main thread, 2 threads, 1 child
    texts = {f: f.read_text() for f in files}
    assert not (tmp_path / "log").exists()
    for text in texts.values():
        assert not re.search(r"^(\[pid|\d+ )", text, re.M)
        assert "+++ exited with" in text
    assert sum("+++ exited with 7 +++" in t for t in texts.values()) == 1


def test_trace_filter_and_status_filters(build, tmp_path):
    log = tmp_path / "log"
    prog = build("cli_forks")
    assert run("-f", "-e", "trace=openat", "-o", str(log), prog) == 0
    calls = [ln for ln in log.read_text().splitlines() if "+++" not in ln and "---" not in ln]
    names = {re.sub(r"^\d+ +", "", ln).split("(")[0] for ln in calls}
    assert names == {"openat"}
    assert run("-f", "-Z", "-o", str(log), prog) == 0
    calls = [ln for ln in log.read_text().splitlines() if "+++" not in ln and "---" not in ln]
    assert calls and all(re.search(r"= -1 E[A-Z]+", ln) for ln in calls)
    assert "<unfinished ...>" not in log.read_text()
    assert run("-f", "-z", "-o", str(log), prog) == 0
    text = log.read_text()
    assert " = -1 " not in text and "execve(" in text


def test_syscall_times_and_timestamps(tmp_path):
    log = tmp_path / "log"
    assert run("-T", "-tt", "-o", str(log), TRUE) == 0
    lines = log.read_text().splitlines()
    for line in lines[:-2]:
        assert re.match(r"^\d\d:\d\d:\d\d\.\d{6} \w+\(", line), line
        assert re.search(r" <\d+\.\d{6}>$", line), line
    assert run("-ttt", "-o", str(log), TRUE) == 0
    first = log.read_text().splitlines()[0]
    stamp = float(first.split()[0])
    assert abs(stamp - time.time()) < 60
    assert run("-r", "-o", str(log), TRUE) == 0
    rel = [float(ln.split()[0]) for ln in log.read_text().splitlines()]
    assert rel[0] == 0.0 and all(0 <= r < 5 for r in rel)
    assert re.match(r"^ {5}0\.000000 execve\(", log.read_text())
    assert run("-t", "-o", str(log), TRUE) == 0
    assert re.match(r"^\d\d:\d\d:\d\d execve\(", log.read_text())


def test_timed_runs_with_a_trace_filter_select_in_renacer(build, tmp_path):
    log = tmp_path / "log"
    assert run("-T", "-e", "trace=openat", "-o", str(log), build("opens")) == 0
    lines = log.read_text().splitlines()
    assert lines[-1] == "+++ exited with 0 +++"
    assert lines[:-1] and all(re.match(r"openat\(.* <\d+\.\d{6}>$", ln) for ln in lines[:-1])
    assert run("-c", "-e", "trace=write,getpid", "-o", str(log), build("write_loop"), "7") == 0
    rows = log.read_text().splitlines()[2:-2]
    assert [r.split()[-1] for r in rows] == ["write"] and rows[0].split()[3] == "7"


def test_summary_only(build, tmp_path):
    log = tmp_path / "log"
    assert run("-c", "-o", str(log), build("write_loop"), "50") == 0
    lines = log.read_text().splitlines()
    assert lines[0] == "% time     seconds  usecs/call     calls    errors syscall"
    rows = {ln.split()[-1]: ln.split() for ln in lines[2:-2]}
    assert rows["write"][3] == "50"
    assert "exit_group" not in rows  # never returns: not counted, as in strace
    assert lines[-1].split()[-1] == "total"
    assert int(lines[-1].split()[3]) == sum(int(r[3]) for r in rows.values())


def test_summary_with_trace_and_sort(build, tmp_path):
    log = tmp_path / "log"
    assert run("-C", "-S", "calls", "-o", str(log), build("write_loop"), "20") == 0
    text = log.read_text()
    assert "+++ exited with 0 +++\n% time" in text
    table = text.split("+++ exited with 0 +++\n", 1)[1].splitlines()
    assert table[2].split()[-1] == "write"
    calls = [int(ln.split()[3]) for ln in table[2:-2]]
    assert calls == sorted(calls, reverse=True)


def test_string_limit(tmp_path):
    log = tmp_path / "log"
    assert run("-s", "4", "-e", "trace=execve", "-o", str(log), "--", "sh", "-c",
               "exit 0") == 0
    first = log.read_text().splitlines()[0]
    assert first.startswith('execve("/usr/bin/sh", ["sh", "-c", "exit"...], ') or \
        first.startswith('execve("/bin/sh", ["sh", "-c", "exit"...], '), first


def test_json_document(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    from pytest_renacer.output import schema

    out = tmp_path / "t.json"
    assert run("--format", "json", "-o", str(out), "--", "sh", "-c", "exit 4") == 4
    doc = json.loads(out.read_text())
    jsonschema.Draft202012Validator(schema()).validate(doc)
    assert doc["format"] == "renacer-json-v1" and doc["exit_status"] == 4
    assert doc["returncode"] == 4 and doc["command"] == ["sh", "-c", "exit 4"]
    assert doc["events"][0]["name"] == "execve"
    assert doc["events"][-1]["name"] == "exit_group" and not doc["events"][-1]["finished"]
    assert doc["total"] == len(doc["events"])


def test_json_summary_only_has_no_events(tmp_path):
    out = tmp_path / "t.json"
    assert run("--format", "json", "-c", "-o", str(out), TRUE) == 0
    doc = json.loads(out.read_text())
    assert "events" not in doc and doc["total"] > 10 and doc["summary"]


def test_jsonl_stream(build, tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    from pytest_renacer.output import schema

    out = tmp_path / "t.jsonl"
    assert run("-f", "--format", "jsonl", "-o", str(out), build("cli_forks")) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    s = schema()
    validator = jsonschema.Draft202012Validator(
        {"$schema": s["$schema"], "$defs": s["$defs"], "$ref": "#/$defs/jsonl_record"})
    for rec in records:
        validator.validate(rec)
    assert records[0]["type"] == "header" and records[-1]["type"] == "end"
    syscalls = [r for r in records if r["type"] == "syscall"]
    assert records[-1]["total"] == len(syscalls)
    assert records[-1]["exit_status"] == 0
    exits = [r for r in records if r["type"] == "exited"]
    assert sorted(r["returncode"] for r in exits if r["pid"] == r["tid"]) == [0, 7]
    assert sum(1 for r in records if r["type"] == "started") == 4


def test_python_dash_m_and_the_console_script():
    p = renacer_proc("-V")
    out, _ = p.communicate(timeout=60)
    assert p.returncode == 0 and out == f"renacer -- version {__version__}\n"
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "renacer"]
    assert script.load() is cli.console


def test_source_locations(build, tmp_path):
    log = tmp_path / "log"
    assert run("--source", "-e", "trace=write", "-o", str(log), build("write_loop"), "2") == 0
    writes = log.read_text().splitlines()[:-1]
    assert len(writes) == 2
    for line in writes:
        assert re.fullmatch(r"write\(.*\) += 1 \[\S*write_loop\.c:\d+ in main\]", line), line


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_source_alone_names_the_same_frames_as_with_the_stack(build, tmp_path, opt):
    """--source alone leaves libc's and ld.so's frames unsymbolized; each line's location
    must still be the one --source -k (every frame symbolized) shows, signal handler and
    tail call included."""
    prog = build("src_sites", opt)
    alone, with_k = tmp_path / "alone", tmp_path / "with_k"
    assert run("--source", "-o", str(alone), prog) == 0
    assert run("--source", "-k", "-o", str(with_k), prog) == 0

    def locations(path):
        """(syscall, first argument) -> locations, for the marked sites' calls (bad fds
        1000-1017, failing with EBADF: the same calls in both runs, whatever the thread's
        timing does to the rest; a pid in 1000-1999, as kill()'s first argument, is not
        one of them)."""
        out = collections.defaultdict(list)
        for line in path.read_text().splitlines():
            m = re.match(r"(?:\[pid +\d+\] )?(\w+)\((10[01]\d)\b.*\) += -1 EBADF \(.*?"
                         r"(?: \[(.*)\])?$", line)
            if m:
                out[m[1], m[2]].append(m[3])
        return dict(out)

    got = locations(alone)
    assert got == locations(with_k)
    assert len(got) >= 15
    assert any("in on_usr1" in where for wheres in got.values() for where in wheres)
    assert any("in tail_close" in where for wheres in got.values() for where in wheres)


def test_stack_traces(build, tmp_path):
    log = tmp_path / "log"
    assert run("-k", "-e", "trace=write", "-o", str(log), build("write_loop"), "1") == 0
    lines = log.read_text().splitlines()
    assert lines[0].startswith("write(") and lines[-1] == "+++ exited with 0 +++"
    frames = lines[1:-1]
    assert frames and all(f.startswith(" > ") for f in frames)
    assert any(re.search(r"\(main\) \[0x[0-9a-f]+\] \S*write_loop\.c:\d+$", f)
               for f in frames), frames


def test_json_with_source(build, tmp_path):
    out = tmp_path / "t.json"
    assert run("--format", "json", "--source", "-e", "trace=write", "-o", str(out),
               build("write_loop"), "1") == 0
    doc = json.loads(out.read_text())
    (ev,) = doc["events"]
    assert ev["source"]["function"] == "main"
    assert ev["source"]["file"].endswith("write_loop.c")
    assert ev["stack"][0]["address"] > 0


# --------------------------------------------------------------------------- attach, signals


def _wait_for_children(pid: int, n: int, timeout: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            kids = []
        if len(kids) >= n:
            return [int(k) for k in kids]
        time.sleep(0.02)
    raise AssertionError(f"pid {pid} did not get {n} children")


def _wait_for_line(path: Path, pattern: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text() if path.exists() else ""
        if re.search(pattern, text, re.M):
            return text
        time.sleep(0.05)
    raise AssertionError(f"{pattern!r} never appeared in {path}")


@pytest.mark.parametrize(("to_group", "sig"), [(False, signal.SIGINT), (True, signal.SIGINT),
                                              (True, signal.SIGTERM)])
def test_attach_then_ctrl_c_detaches(build, tmp_path, to_group, sig):
    """To renacer alone, or to its whole process group as a terminal's Ctrl-C does (the
    waker child included: it died with the group, and the wake-up was lost: 5/5)."""
    target = subprocess.Popen([build("hang")])
    try:
        _wait_for_children(target.pid, 1)
        log = tmp_path / "log"
        r = renacer_proc("-p", str(target.pid), "-o", str(log), start_new_session=True)
        try:
            _wait_for_line(log, rf"{PAUSE}\(")
            time.sleep(0.2)  # the tracer is in waitpid
            if to_group:
                os.killpg(r.pid, sig)
            else:
                r.send_signal(sig)
            _, err = r.communicate(timeout=30)
        finally:
            if r.poll() is None:
                os.killpg(r.pid, signal.SIGKILL)
                r.communicate()
        # what a failure needs to be explained: the target's fate and the log's end
        why = (f"exit {r.returncode}, stderr {err!r}, target exit {target.poll()}, "
               f"log ends {log.read_text()[-300:]!r}")
        assert r.returncode == 128 + sig, why
        assert f"renacer: Process {target.pid} attached" in err, why
        assert f"renacer: Process {target.pid} detached" in err, why
        assert "Traceback" not in err
        status = Path(f"/proc/{target.pid}/status").read_text()
        assert "TracerPid:\t0" in status  # detached cleanly, still running
        assert target.poll() is None
    finally:
        for kid in _wait_for_children(target.pid, 0, 1):
            os.kill(kid, signal.SIGKILL)
        target.kill()
        target.wait()


def _read_pty(fd: int, until: str, timeout: float) -> str:
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and until not in out.decode(errors="replace"):
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    return out.decode(errors="replace")


def test_attach_to_the_interactive_shell_that_runs_us_then_ctrl_c(tmp_path):
    """``renacer -p $$`` typed at a terminal, then Ctrl-C: detached, the prompt back
    (before: the shell stayed traced and stopped, the terminal dead)."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the shell
        os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"],
                   dict(os.environ, PS1="$ ", PYTHONPATH=str(ROOT)))
    try:
        _read_pty(fd, "$ ", 10)
        os.write(fd, f"{sys.executable} -m pytest_renacer -p $$ -o {tmp_path / 'log'}\n"
                 .encode())
        assert "attached" in _read_pty(fd, "attached", 20)
        time.sleep(0.3)
        os.write(fd, b"\x03")  # the terminal sends SIGINT to the foreground group
        out = _read_pty(fd, "detached", 20)
        os.write(fd, b"echo status=$?\n")
        out += _read_pty(fd, "status=130", 10)
        assert f"renacer: Process {pid} detached" in out
        assert "status=130" in out
    finally:
        for kid in _wait_for_children(pid, 0, 1):
            os.kill(kid, signal.SIGKILL)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def test_attach_to_several_pids_until_they_exit(build, tmp_path):
    a = subprocess.Popen([build("hang")])
    b = subprocess.Popen([build("hang")])
    try:
        kids = _wait_for_children(a.pid, 1) + _wait_for_children(b.pid, 1)
        log = tmp_path / "log"
        r = renacer_proc("-p", str(a.pid), "-p", str(b.pid), "-o", str(log))
        try:
            _wait_for_line(log, rf"^{a.pid} +{PAUSE}\(")
            _wait_for_line(log, rf"^{b.pid} +{PAUSE}\(")
        finally:
            for p in (a, b):
                p.terminate()
                p.wait()
            _, err = r.communicate(timeout=30)
        assert r.returncode == 0, err
        text = log.read_text()
        assert re.search(rf"^{a.pid} +\+\+\+ killed by SIGTERM \+\+\+$", text, re.M)
        assert re.search(rf"^{b.pid} +\+\+\+ killed by SIGTERM \+\+\+$", text, re.M)
        assert re.search(rf"^{a.pid} +--- SIGTERM \{{", text, re.M)
    finally:
        for p in (a, b):
            p.kill()
            p.wait()
        for k in kids:
            try:
                os.kill(k, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_attach_failure_on_a_later_pid_undoes_the_first(build):
    target = subprocess.Popen([build("hang")])
    try:
        kids = _wait_for_children(target.pid, 1)
        r = renacer_proc("-p", str(target.pid), "-p", "999999999")
        _, err = r.communicate(timeout=30)
        assert r.returncode == 1, err
        assert err.count("\n") == 1 and "999999999" in err and "no such process" in err
        status = Path(f"/proc/{target.pid}/status").read_text()
        assert "TracerPid:\t0" in status and "State:\tS" in status
    finally:
        target.kill()
        target.wait()
        for k in kids:
            os.kill(k, signal.SIGKILL)


def test_attach_to_missing_pid(capsys):
    assert run("-p", "999999999") == 1
    err = capsys.readouterr().err
    assert err.startswith("renacer: ") and "999999999" in err and err.count("\n") == 1


def test_interrupting_a_spawned_trace_kills_it(build, tmp_path):
    log = tmp_path / "log"
    r = renacer_proc("-f", "-o", str(log), build("hang"))
    try:
        _wait_for_line(log, rf"{PAUSE}\((.|\n)*{PAUSE}\(")
    finally:
        r.send_signal(signal.SIGTERM)
        _, err = r.communicate(timeout=30)
    assert r.returncode == 128 + signal.SIGTERM, err
    text = log.read_text()
    assert text.count("+++ killed by SIGKILL +++") == 2
    assert "Traceback" not in err


# --------------------------------------------------------------------------- more flags


def test_long_options_signal_sets_and_quiet():
    cfg = parse_args(["--output-separately", "-o", "log", "--trace=openat", "--status=failed",
                      "--signal=9,term", "-q", "-q", "true"])
    assert (cfg.follow, cfg.trace_expr, cfg.quiet) == (2, "openat", 2)
    assert cfg.status is not None
    assert cfg.signals == {signal.SIGKILL, signal.SIGTERM}
    assert parse_args(["-e", "signal=all", "true"]).signals is None
    assert parse_args(["-e", "signal=!none", "true"]).signals is None
    assert parse_args(["-e", "signal=none", "true"]).signals == frozenset()
    assert parse_args(["-e", "signal=!SIGCHLD", "true"]).signals == (
        frozenset(range(1, signal.NSIG)) - {signal.SIGCHLD})


@pytest.mark.parametrize(("argv", "message"), [
    (["-e", "signal=,", "true"], "invalid signal ','"),
    (["-e", "signal=0", "true"], "invalid signal '0'"),
    (["-e", f"signal={signal.NSIG}", "true"], f"invalid signal '{signal.NSIG}'"),
    (["-e", "signal=SIG-X", "true"], "invalid signal 'SIG-X'"),
    (["-p", ","], "Invalid process id: ','"),
    (["-o", "", "true"], "-o needs a file name"),
])
def test_more_usage_errors(argv, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        parse_args(argv)


def test_without_source_support_k_and_source_are_a_one_line_error(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pytest_renacer.source", None)  # import fails
    for argv in (["-k", TRUE], ["--format", "jsonl", "--source", TRUE],
                 ["--format", "json", "-k", TRUE]):
        assert run(*argv) == 1
        assert capsys.readouterr().err == (
            "renacer: -k/--source: source locations are not available yet in this build "
            "(pytest_renacer.source is incomplete)\n")


def test_group_stops_are_shown(build, tmp_path):
    log = tmp_path / "log"
    assert run("-f", "-o", str(log), build("selfstop")) == 0
    assert re.search(r"^\d+ +--- stopped by SIGSTOP ---$", log.read_text(), re.M)


def test_quiet_keeps_the_attach_notes_off_stderr(build, capsys):
    assert run("-q", "-f", "-c", build("cli_forks")) == 0
    err = capsys.readouterr().err
    assert "attached" not in err and "% time" in err


@pytest.mark.parametrize("fileno", [True, False])
def test_a_reader_that_went_away_ends_the_run_quietly(monkeypatch, fileno):
    """renacer CMD 2>&1 | head: once head exits, no traceback and no noise at exit."""
    if fileno:
        r, w = os.pipe()
        os.close(r)
        stream: io.TextIOBase = open(w, "w")  # noqa: SIM115 (closed below)
    else:
        class Gone(io.StringIO):
            def write(self, s: str) -> int:
                raise BrokenPipeError(32, "Broken pipe")

        stream = Gone()
    monkeypatch.setattr(sys, "stderr", stream)
    try:
        assert run(TRUE) == 1
    finally:
        monkeypatch.undo()
        stream.close()


# ------------------------------------------------------------- signals, in this process


def _signal_when(signum: int, ready: Callable[[], bool]) -> threading.Thread:
    """Send ``signum`` to the main thread once ``ready()`` and the CLI's handler is in."""
    main = threading.main_thread().ident
    assert main is not None
    original = signal.getsignal(signum)

    def send() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if signal.getsignal(signum) is not original and ready():
                time.sleep(0.1)
                signal.pthread_kill(main, signum)  # type: ignore[arg-type]
                return
            time.sleep(0.02)

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


def _has(path: Path, pattern: str) -> Callable[[], bool]:
    return lambda: path.exists() and re.search(pattern, path.read_text(), re.M) is not None


def test_a_signal_kills_the_spawned_tree_and_sets_the_status(build, tmp_path):
    log = tmp_path / "log"
    sender = _signal_when(signal.SIGTERM, _has(log, rf"{PAUSE}\((.|\n)*{PAUSE}\("))
    assert run("-f", "-o", str(log), build("hang")) == 128 + signal.SIGTERM
    sender.join()
    assert log.read_text().count("+++ killed by SIGKILL +++") == 2


def _assert_attached_then_detached(target: subprocess.Popen[bytes], err: str) -> None:
    assert err == (f"renacer: Process {target.pid} attached\n"
                   f"renacer: Process {target.pid} detached\n")
    status = Path(f"/proc/{target.pid}/status").read_text()
    assert "TracerPid:\t0" in status and target.poll() is None  # left running, untraced


def test_attach_until_interrupted_then_detach(build, tmp_path, capsys):
    target = subprocess.Popen([build("hang")])
    try:
        kids = _wait_for_children(target.pid, 1)
        log = tmp_path / "log"
        sender = _signal_when(signal.SIGINT, _has(log, rf"{PAUSE}\("))
        assert run("-p", str(target.pid), "-o", str(log)) == 128 + signal.SIGINT
        sender.join()
        _assert_attached_then_detached(target, capsys.readouterr().err)
    finally:
        target.kill()
        target.wait()
        for k in kids:
            os.kill(k, signal.SIGKILL)


def test_a_ctrl_c_during_the_attach_detaches(build, tmp_path, capsys, monkeypatch):
    """The signal lands while the attach is under way (the tracer's thread may already
    print calls): it is handled, and the process detached once attached, not a
    KeyboardInterrupt from Python's default handler (renacer's handlers were installed
    only after "attached" was printed)."""
    from pytest_renacer import api

    real_attach = api.attach

    def attach_interrupted(*args: object, **kw: object) -> object:
        os.kill(os.getpid(), signal.SIGINT)
        return real_attach(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(api, "attach", attach_interrupted)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal
    target = subprocess.Popen([build("hang")])
    kids: list[int] = []
    try:
        kids = _wait_for_children(target.pid, 1)
        assert run("-p", str(target.pid), "-o", str(tmp_path / "log")) == 128 + signal.SIGINT
        _assert_attached_then_detached(target, capsys.readouterr().err)
    finally:
        signal.signal(signal.SIGINT, previous)
        target.kill()
        target.wait()
        for k in kids:
            os.kill(k, signal.SIGKILL)


def test_attach_to_a_threaded_process_counts_its_threads(build, tmp_path, capsys):
    target = subprocess.Popen([build("ticker")], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while len(os.listdir(f"/proc/{target.pid}/task")) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        threads = len(os.listdir(f"/proc/{target.pid}/task"))
        log = tmp_path / "log"
        sender = _signal_when(signal.SIGTERM, _has(log, r"\S"))
        assert run("-p", str(target.pid), "-o", str(log)) == 128 + signal.SIGTERM
        sender.join()
        err = capsys.readouterr().err
        assert err.startswith(f"renacer: Process {target.pid} attached with {threads} threads\n")
        assert err.endswith(f"renacer: Process {target.pid} detached\n")
    finally:
        target.kill()
        target.wait()


def test_signals_ignored_at_start_stay_ignored_for_the_command(tmp_path):
    """Run with SIGINT/SIGHUP ignored (nohup, a background job, ``trap '' INT HUP``): the
    traced command inherits them ignored, as under strace (the conformance tests saw other
    calls from sh and python when renacer handed it SIG_DFL instead)."""
    def ignore() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    probe = ["sh", "-c", "grep SigIgn /proc/self/status"]
    plain = subprocess.run(probe, capture_output=True, text=True, preexec_fn=ignore).stdout
    assert int(plain.split()[1], 16) & 0x3 == 0x3  # SIGHUP (1) and SIGINT (2) ignored
    r = renacer_proc("-o", str(tmp_path / "log"), *probe, preexec_fn=ignore)
    out, err = r.communicate(timeout=60)
    assert r.returncode == 0, err
    assert out == plain
    api = subprocess.run([sys.executable, "-c", "import pytest_renacer, sys; sys.stdout."
                          f"write(pytest_renacer.trace({probe!r}).stdout.decode())"],
                         capture_output=True, text=True, preexec_fn=ignore,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert api.stdout == plain, api.stderr


@pytest.mark.parametrize(("argv", "kinds"), [
    (["--decode-fds", "-o", "x", "true"], {"path"}),
    (["--decode-fds=socket,dev", "true"], {"socket", "dev"}),
    (["--decode-fds=all", "true"], {"path", "socket", "dev", "pidfd"}),
    (["--decode-fds=!path", "true"], {"socket", "dev", "pidfd"}),
    (["--decode-fds=none", "true"], set()),
    (["-o", "--decode-fds", "true"], None),  # a file named --decode-fds
    (["-e", "trace=none", "--", "prog", "--decode-fds"], None),  # the command's argument
])
def test_decode_fds_sets(argv, kinds):
    cfg = parse_args(argv)
    assert cfg.fd_kinds == (frozenset(kinds) if kinds is not None else None)
    assert cfg.fd_paths == bool(kinds)


def test_decode_fds_bad_set():
    with pytest.raises(UsageError, match="invalid --decode-fds argument: 'sockets'"):
        parse_args(["--decode-fds=sockets", "true"])
