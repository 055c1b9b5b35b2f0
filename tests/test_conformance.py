"""Conformance with strace: the same programs traced by both, compared process by process.

Each program runs twice in identical fresh working directories, once under
``strace -f -o LOG`` and once under ``renacer -f -o LOG``; both logs are parsed with the
same parser (unfinished/resumed pairs joined).  Processes are matched by ancestry (the
root, then the k-th child each process's clone/fork/vfork returned), not by pid.  For
each process the sequences of (syscall name, return value) are aligned and compared, and
for the aligned calls the path arguments (the arguments our tables declare as paths)
are compared as printed.

Differences tolerated, each for a reason that is not the tracer's doing:

* addresses returned by mmap/mremap/brk/shmat: ASLR puts every run's mappings
  elsewhere (other hex return values, fcntl's flags say, are compared as numbers);
* pids and tids returned by clone/fork/wait4/getpid/...: two runs never get the same
  pids (the processes themselves are matched by ancestry instead);
* futex: whether a thread waits on a futex depends on which thread gets the lock first;
* rt_sigreturn, restart_syscall, and a call interrupted to run a signal handler
  (ERESTART*, EINTR): where an asynchronous signal lands depends on timing;
* timestamps, durations and getrandom's bytes are not compared at all (only names,
  return values and paths are).

Run as a script for the agreement report written into docs/conformance.md:
``python tests/test_conformance.py`` (needs strace, gcc, tar, gzip, findutils).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from timescale import scaled

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pytest_renacer.tables import table_for  # noqa: E402

TABLE = table_for()

#: Syscalls left out of the comparison, and why.
IGNORED_CALLS = {
    "futex": "lock contention: whether a thread waits on a futex depends on scheduling",
    "rt_sigreturn": "an asynchronous signal's handler runs wherever the signal lands",
    "restart_syscall": "only exists when a signal interrupted a sleeping call",
}
if TABLE.arch == "aarch64":
    IGNORED_CALLS["munmap"] = (
        "ld.so maps arm64 objects 64 KiB-aligned and unmaps the slack: how much, and "
        "whether there is any, depends on where ASLR put the mapping")
#: Syscalls whose return value is a pid or tid: compared as "a pid".
PID_RETURNS = frozenset({
    "clone", "clone3", "fork", "vfork", "wait4", "waitid", "getpid", "gettid", "getppid",
    "set_tid_address", "getpgrp", "getpgid", "getsid", "setsid",
})
#: Syscalls whose return value is an address: compared as "an address" (ASLR).
ADDRESS_RETURNS = frozenset({"mmap", "mremap", "brk", "shmat"})
#: Syscalls whose argument text is left out of the (secondary) full-text comparison.
VOLATILE_ARGS = {
    "getrandom": "random bytes",
    "sysinfo": "live system counters (uptime, free memory)",
    "statfs": "live free-block and free-inode counts",
    "fstatfs": "live free-block and free-inode counts",
}
_ADDRESS = re.compile(r"0x[0-9a-f]{5,}")

WORK_FILES = {
    "data.txt": "pear\napple\nfig\nbanana\n",
    "sub/inner.txt": "inner\n",
    "sub/deep/leaf.txt": "leaf\n",
}
FIXED_MTIME = 1_000_000_000


def _python() -> str:
    return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


#: The C test programs compared (tests/programs/NAME.c).
C_PROGRAMS = ("cli_forks", "cli_signals", "exec_thread")


def programs(binaries: dict[str, str] | None = None) -> list[tuple[str, list[str]]]:
    """The programs compared: (id, argv), run in a fresh copy of WORK_FILES.

    ``binaries`` maps the names of C_PROGRAMS to their built executables."""
    bins = binaries or {name: name for name in C_PROGRAMS}
    return [
        ("true", ["true"]),
        ("echo", ["echo", "hello", "world"]),
        ("cat", ["cat", "data.txt"]),
        ("ls", ["ls", "-la", "."]),
        ("wc", ["wc", "-l", "data.txt"]),
        ("sort", ["sort", "data.txt"]),
        ("head", ["head", "-n", "2", "data.txt"]),
        ("tail", ["tail", "-n", "2", "data.txt"]),
        ("cp", ["cp", "data.txt", "copy.txt"]),
        ("mkdir", ["mkdir", "-p", "new/dir"]),
        ("rm", ["rm", "-rf", "sub/deep"]),
        ("stat", ["stat", "data.txt"]),
        ("date", ["date", "-u", "-d", "@0"]),
        ("env", ["env", "-i", "A=1", "env"]),
        ("uname", ["uname", "-a"]),
        ("ln-readlink", ["sh", "-c", "ln -s data.txt link && readlink link"]),
        ("sh-pipeline", ["sh", "-c", "ls | wc -l"]),
        ("sh-status", ["sh", "-c", "cat missing.txt; echo $?; exit 3"]),
        ("python3", [_python(), "-c", "import json"]),
        ("tar", ["tar", "-cf", "out.tar", "data.txt", "sub"]),
        ("gzip", ["gzip", "-k", "data.txt"]),
        ("find", ["find", ".", "-name", "*.txt"]),
        ("forks-threads", [bins["cli_forks"]]),
        ("signal-death", [bins["cli_signals"]]),
        ("exec-from-thread", [bins["exec_thread"]]),
    ]


# ----------------------------------------------------------------------------- parsing


@dataclass
class Call:
    name: str
    args: list[str]
    ret: str  # as printed after "= ", "" when the call never returned
    done: bool = True

    def key(self) -> tuple[str, str]:
        return self.name, normalize_ret(self.name, self.ret)

    def text(self, pids: frozenset[int]) -> str:
        """The arguments as printed, addresses and pids of the run replaced."""
        joined = _ADDRESS.sub("ADDR", ", ".join(self.args))
        if pids:
            joined = re.sub(r"\b(\d+)\b",
                            lambda m: "PID" if int(m.group(1)) in pids else m.group(1), joined)
        return joined

    def paths(self) -> list[str]:
        info = TABLE.by_name.get(self.name)
        if info is None:
            return []
        return [self.args[i] for i, spec in enumerate(info.args)
                if spec.base == "path" and i < len(self.args)]


@dataclass
class Log:
    calls: dict[int, list[Call]] = field(default_factory=dict)
    exits: dict[int, str] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)  # pids in order of first line


_LINE = re.compile(r"^(\d+)\s+(.*)$")
_ENTRY = re.compile(r"^([a-z_0-9]+)\(")
_RESUMED = re.compile(r"^<\.\.\. ([a-z_0-9]+) resumed>")
_EXIT = re.compile(r"^\+\+\+ (exited with \d+|killed by SIG[A-Z0-9]+)")


def split_args(text: str, start: int = 0) -> tuple[list[str], int]:
    """Top-level comma-separated arguments from ``start`` up to the closing parenthesis.

    Returns the arguments and the index just past the ')' (or len(text) if absent).
    Quotes, brackets, braces and parentheses nest; C escapes inside quotes are skipped.
    """
    args: list[str] = []
    depth = 0
    i = start
    cur_start = start
    in_quote = False
    n = len(text)
    while i < n:
        c = text[i]
        if in_quote:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_quote = False
        elif c == '"':
            in_quote = True
        elif c in "([{":
            depth += 1
        elif c in "]}":
            depth -= 1
        elif c == ")":
            if depth == 0:
                piece = text[cur_start:i].strip()
                if piece or args:
                    args.append(piece)
                return args, i + 1
            depth -= 1
        elif c == "," and depth == 0:
            args.append(text[cur_start:i].strip())
            cur_start = i + 1
        i += 1
    piece = text[cur_start:].strip()
    if piece:
        args.append(piece)
    return args, n


def _ret_of(tail: str) -> str:
    m = re.match(r"\s*= (.*)$", tail)
    return m.group(1).strip() if m else ""


def normalize_ret(name: str, ret: str) -> str:
    """The comparable part of a return value (see the module docstring)."""
    if not ret:
        return "unfinished"
    first, _, rest = ret.partition(" ")
    if first == "?":
        if rest.startswith("ERESTART"):
            return "interrupted"
        return "?"
    if first == "-1":
        err = rest.split(" ", 1)[0]
        return "interrupted" if err == "EINTR" else f"-1 {err}"
    first = first.split("<", 1)[0]  # -y: "3</path>"
    if name in ADDRESS_RETURNS:
        return "address"
    if first.startswith("0x"):
        try:
            return str(int(first, 16))
        except ValueError:
            return first
    if name in PID_RETURNS:
        try:
            return "pid" if int(first) > 0 else first
        except ValueError:
            return first
    return first


def parse_log(text: str) -> Log:
    """strace's (or renacer's) ``-f -o`` output: every line starts with the pid."""
    log = Log()
    open_calls: dict[int, Call] = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        pid, rest = int(m.group(1)), m.group(2)
        if pid not in log.calls:
            log.calls[pid] = []
            log.order.append(pid)
        e = _EXIT.match(rest)
        if e:
            log.exits[pid] = e.group(1)
            continue
        if rest.startswith(("---", "+++")):
            continue
        r = _RESUMED.match(rest)
        if r:
            call = open_calls.pop(pid, None)
            if call is None or call.name != r.group(1):
                continue
            more, end = split_args(rest, r.end())
            if call.args and call.args[-1] == "":
                call.args.pop()
            if more and more[0] == "":  # strace printed the separator after "resumed>"
                more.pop(0)
            call.args += more
            call.ret = _ret_of(rest[end:])
            call.done = True
            continue
        c = _ENTRY.match(rest)
        if not c:
            continue
        if rest.endswith("<unfinished ...>"):
            body = rest[: -len("<unfinished ...>")].rstrip()
            args, _ = split_args(body, c.end())
            call = Call(c.group(1), args, "", done=False)
            open_calls[pid] = call
        else:
            args, end = split_args(rest, c.end())
            call = Call(c.group(1), args, _ret_of(rest[end:]))
        log.calls[pid].append(call)
    return log


def canonical(log: Log) -> dict[str, int]:
    """Ancestry names for the pids of a log: "0" the root, "0.2" its second child..."""
    if not log.order:
        return {}
    names = {log.order[0]: "0"}
    queue = [log.order[0]]
    while queue:
        pid = queue.pop(0)
        k = 0
        for call in log.calls.get(pid, []):
            if call.name in ("clone", "clone3", "fork", "vfork"):
                try:
                    child = int(call.ret.split()[0])
                except (ValueError, IndexError):
                    continue
                if child > 0 and child in log.calls and child not in names:
                    k += 1
                    names[child] = f"{names[pid]}.{k}"
                    queue.append(child)
    for pid in log.order:
        names.setdefault(pid, f"unmatched-{pid}")
    return {name: pid for pid, name in names.items()}


# ----------------------------------------------------------------------------- comparing


@dataclass
class Result:
    program: str
    strace_calls: int = 0
    renacer_calls: int = 0
    matched: int = 0
    paths: int = 0
    paths_matched: int = 0
    processes: int = 0
    processes_matched: int = 0
    texts: int = 0
    texts_matched: int = 0
    diffs: list[str] = field(default_factory=list)
    text_diffs: list[str] = field(default_factory=list)

    @property
    def agreement(self) -> float:
        total = max(self.strace_calls, self.renacer_calls)
        return self.matched / total if total else 1.0

    @property
    def path_agreement(self) -> float:
        return self.paths_matched / self.paths if self.paths else 1.0

    @property
    def text_agreement(self) -> float:
        return self.texts_matched / self.texts if self.texts else 1.0


def _kept(calls: list[Call]) -> list[Call]:
    # A call the kernel restarts after a signal (`= ? ERESTART...`, then the same call
    # again) shows in one run and not in the next, as the signal lands: not compared.
    return [c for c in calls if c.name not in IGNORED_CALLS
            and not (c.ret.startswith("?") and "ERESTART" in c.ret)]


def compare(program: str, reference: Log, ours: Log) -> Result:
    res = Result(program)
    ref_names, our_names = canonical(reference), canonical(ours)
    # A number that is a pid of either run stands for "PID" in both: 8192 is the size of
    # an mmap as often as it is a pid (date's strace run had pid 8192: its mmap length and
    # rlim_cur no longer matched renacer's, in one of ten whole-suite runs)
    pids = frozenset(reference.calls) | frozenset(ours.calls)
    res.processes = len(ref_names)
    for name, ref_pid in ref_names.items():
        a = _kept(reference.calls.get(ref_pid, []))
        res.strace_calls += len(a)
        our_pid = our_names.get(name)
        if our_pid is None:
            res.diffs.append(f"process {name}: missing from renacer's trace")
            for c in a:
                res.paths += len(c.paths())
            continue
        b = _kept(ours.calls.get(our_pid, []))
        res.renacer_calls += len(b)
        if reference.exits.get(ref_pid) == ours.exits.get(our_pid):
            res.processes_matched += 1
        else:
            res.diffs.append(f"process {name}: strace {reference.exits.get(ref_pid)!r}, "
                             f"renacer {ours.exits.get(our_pid)!r}")
        sm = difflib.SequenceMatcher(None, [c.key() for c in a], [c.key() for c in b],
                                     autojunk=False)
        for block in sm.get_matching_blocks():
            res.matched += block.size
            for k in range(block.size):
                ca, cb = a[block.a + k], b[block.b + k]
                pa, pb = ca.paths(), cb.paths()
                res.paths += len(pa)
                res.paths_matched += sum(1 for x, y in zip(pa, pb, strict=False) if x == y)
                if pa != pb:
                    res.diffs.append(f"process {name}: {ca.name} paths {pa} != {pb}")
                if ca.name not in VOLATILE_ARGS:
                    res.texts += 1
                    ta, tb = ca.text(pids), cb.text(pids)
                    if ta == tb:
                        res.texts_matched += 1
                    else:
                        res.text_diffs.append(f"{ca.name}({ta}) vs ({tb})")
        for tag, i1, i2, j1, j2 in sm.get_opcodes():
            if tag != "equal":
                res.diffs.append(
                    f"process {name}: {tag} strace {[c.key() for c in a[i1:i2]][:4]} "
                    f"renacer {[c.key() for c in b[j1:j2]][:4]}")
            if tag in ("replace", "delete"):
                for c in a[i1:i2]:
                    res.paths += len(c.paths())
    for name, our_pid in our_names.items():
        if name not in ref_names:
            res.renacer_calls += len(_kept(ours.calls.get(our_pid, [])))
            res.diffs.append(f"process {name}: only in renacer's trace")
    return res


# ----------------------------------------------------------------------------- running


def _workdir(path: Path) -> Path:
    """A fresh copy of WORK_FILES at ``path``; both tracers use the same path in turn, so
    that absolute paths (python's sys.path holds the cwd) are the same for both.  It and
    its parent (``ls -la``'s ``..``) look the same to both: same mtimes, and the tracers'
    logs go to a sibling folder (on tmpfs a directory's size counts its entries)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    (path.parent / "logs").mkdir(exist_ok=True)
    for rel, content in WORK_FILES.items():
        f = path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(content)
    for p in [*sorted(path.rglob("*"), reverse=True), path, path.parent]:
        os.utime(p, (FIXED_MTIME, FIXED_MTIME))
    return path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1", LC_ALL="C", TZ="UTC")
    return env


def run_one(tool: str, argv: list[str], base: Path) -> Log:
    """Trace ``argv`` with ``tool`` ("strace" or "renacer") in a fresh work dir."""
    work = _workdir(base / "work")
    out = base / "logs" / f"{tool}.log"
    if tool == "strace":
        cmd = ["strace", "-f", "-o", str(out), "--", *argv]
    else:
        cmd = [sys.executable, "-m", "pytest_renacer", "-f", "-o", str(out), "--", *argv]
    env = _env()
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")])
    subprocess.run(cmd, cwd=work, env=env, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=scaled(60),
                   check=False)
    return parse_log(out.read_text(errors="replace") if out.exists() else "")


def run_all(progs: list[tuple[str, list[str]]], base: Path,
            jobs: int = 4) -> dict[str, Result]:
    def one(item: tuple[str, list[str]]) -> tuple[str, Result]:
        name, argv = item
        d = base / name
        ref = run_one("strace", argv, d)
        ours = run_one("renacer", argv, d)
        return name, compare(name, ref, ours)

    with ThreadPoolExecutor(jobs) as pool:
        return dict(pool.map(one, progs))


def totals(results: dict[str, Result]) -> Result:
    t = Result("all")
    for r in results.values():
        t.strace_calls += r.strace_calls
        t.renacer_calls += r.renacer_calls
        t.matched += r.matched
        t.paths += r.paths
        t.paths_matched += r.paths_matched
        t.processes += r.processes
        t.processes_matched += r.processes_matched
        t.texts += r.texts
        t.texts_matched += r.texts_matched
    return t


def report(results: dict[str, Result]) -> str:
    lines = ["| program | strace calls | renacer calls | matched | agreement | paths | "
             "processes | identical argument text |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in [*results.values(), totals(results)]:
        lines.append(
            f"| {r.program} | {r.strace_calls} | {r.renacer_calls} | {r.matched} | "
            f"{100 * r.agreement:.2f}% | {r.paths_matched}/{r.paths} | "
            f"{r.processes_matched}/{r.processes} | {r.texts_matched}/{r.texts} |")
    return "\n".join(lines)


def agreement_line(t: Result) -> str:
    return (f"agreement: {100 * t.agreement:.2f}% of {max(t.strace_calls, t.renacer_calls)} "
            f"syscalls; paths {100 * t.path_agreement:.2f}% of {t.paths}; processes "
            f"{t.processes_matched}/{t.processes}; identical argument text "
            f"{100 * t.text_agreement:.2f}% of {t.texts}")


# ----------------------------------------------------------------------------- the tests

pytestmark = [
    pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed"),
]


@pytest.fixture(scope="module")
def results(build: Callable[..., str],
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Result]]:
    """Every program traced once by each tool (four programs at a time)."""
    missing = [t for t in ("tar", "gzip", "find") if shutil.which(t) is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")
    base = tmp_path_factory.mktemp("conformance")
    res = run_all(programs({name: build(name) for name in C_PROGRAMS}), base)
    out = os.environ.get("RENACER_CONFORMANCE_REPORT")
    if out:  # tools/aarch64-vm collects the figure of a run in its guest this way
        Path(out).write_text(f"{report(res)}\n\n{agreement_line(totals(res))}\n")
    yield res


PROGRAM_IDS = [name for name, _ in programs()]


def test_at_least_twenty_programs():
    assert len(PROGRAM_IDS) >= 20
    assert len(set(PROGRAM_IDS)) == len(PROGRAM_IDS)


@pytest.mark.parametrize("program", PROGRAM_IDS)
def test_program_agrees_with_strace(results: dict[str, Result], program: str) -> None:
    r = results[program]
    assert r.strace_calls > 10, "strace saw (almost) nothing"
    assert r.processes_matched == r.processes, r.diffs
    assert r.agreement == 1.0, "\n".join(r.diffs[:20])
    assert r.path_agreement == 1.0, "\n".join(r.diffs[:20])
    # Secondary: every argument as printed (decoding details of rarer calls may differ)
    assert r.text_agreement >= 0.95, r.text_diffs


def test_overall_agreement(results: dict[str, Result]) -> None:
    t = totals(results)
    assert t.strace_calls > 2000 and t.paths > 500 and t.processes > 30
    assert t.agreement == 1.0 and t.path_agreement == 1.0
    diffs = [d for r in results.values() for d in r.text_diffs]
    assert t.text_agreement >= 0.99, diffs[:20]


def summary_rows(text: str) -> dict[str, tuple[int, int]]:
    """{syscall: (calls, errors)} of a -c table."""
    rows: dict[str, tuple[int, int]] = {}
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("% time"))
    for line in lines[start + 2:]:
        if line.startswith("------"):
            break
        parts = line.split()
        rows[parts[-1]] = (int(parts[3]), int(parts[4]) if len(parts) == 6 else 0)
    return rows


def run_summary(tool: str, argv: list[str], base: Path) -> dict[str, tuple[int, int]]:
    work = _workdir(base / "work")
    out = base / "logs" / f"{tool}.txt"
    prog = (["strace"] if tool == "strace"
            else [sys.executable, "-m", "pytest_renacer"])
    env = _env()
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")])
    subprocess.run([*prog, "-f", "-c", "-o", str(out), "--", *argv], cwd=work, env=env,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=scaled(60), check=False)
    return {k: v for k, v in summary_rows(out.read_text()).items()
            if k not in IGNORED_CALLS}


@pytest.mark.parametrize("program", ["ls", "sh-pipeline", "tar"])
def test_summary_counts_agree_with_strace(program: str, tmp_path: Path) -> None:
    argv = dict(programs())[program]
    ours = run_summary("renacer", argv, tmp_path)
    theirs = run_summary("strace", argv, tmp_path)
    assert len(theirs) > 10
    assert ours == theirs


# Unit tests of the comparison machinery itself: it must see differences.

_STRACE = """\
100 execve("/bin/x", ["x"], 0x7ffd /* 3 vars */) = 0
100 openat(AT_FDCWD, "a, b)", O_RDONLY) = 3
100 read(3,  <unfinished ...>
101 getppid() = 100
100 <... read resumed>"xy", 10) = 2
100 mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f00
100 clone(child_stack=NULL, flags=SIGCHLD) = 101
100 futex(0x1, FUTEX_WAIT, 0) = 0
100 exit_group(0)                    = ?
101 +++ exited with 0 +++
100 +++ exited with 0 +++
"""


def test_parser_joins_resumed_calls_and_splits_quoted_commas():
    log = parse_log(_STRACE)
    calls = log.calls[100]
    assert [c.name for c in calls] == ["execve", "openat", "read", "mmap", "clone", "futex",
                                       "exit_group"]
    assert calls[1].args == ["AT_FDCWD", '"a, b)"', "O_RDONLY"]
    assert calls[1].paths() == ['"a, b)"']
    assert calls[2].args == ["3", '"xy"', "10"] and calls[2].ret == "2"
    assert calls[3].key() == ("mmap", "address")
    assert calls[4].key() == ("clone", "pid")
    assert calls[6].key() == ("exit_group", "?")
    assert canonical(log) == {"0": 100, "0.1": 101}
    assert log.exits == {100: "exited with 0", 101: "exited with 0"}


def test_comparison_sees_a_changed_return_a_path_and_an_exit():
    same = compare("x", parse_log(_STRACE), parse_log(_STRACE.replace("0x7f00", "0x5500")))
    assert same.agreement == 1.0 and same.path_agreement == 1.0 and not same.diffs
    assert same.strace_calls == 7  # futex is not compared
    worse = parse_log(_STRACE.replace("= 3\n", "= 4\n").replace('"a, b)"', '"a"')
                      .replace("101 +++ exited with 0", "101 +++ exited with 1"))
    r = compare("x", parse_log(_STRACE), worse)
    assert r.agreement < 1.0
    assert r.processes_matched == 1
    r2 = compare("x", parse_log(_STRACE), parse_log(_STRACE.replace('"a, b)"', '"b"')))
    assert r2.agreement == 1.0 and r2.path_agreement < 1.0


def test_a_pid_equal_to_an_argument_of_the_other_run_is_no_difference():
    """renacer's run got pids 8192 and 8193: the mmap length 8192 of both runs is still
    the same text (it was "PID" on one side only)."""
    renumbered = re.sub(r"^100 ", "8192 ", _STRACE, flags=re.M)
    renumbered = re.sub(r"^101 ", "8193 ", renumbered, flags=re.M)
    renumbered = renumbered.replace("= 100\n", "= 8192\n").replace("= 101\n", "= 8193\n")
    r = compare("x", parse_log(_STRACE), parse_log(renumbered))
    assert r.texts > 0 and r.text_agreement == 1.0, r.text_diffs
    assert r.agreement == 1.0 and not r.diffs


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        built = {}
        for name in C_PROGRAMS:
            built[name] = str(Path(tmp) / name)
            subprocess.run(["gcc", "-g", "-O0", "-o", built[name],
                            str(HERE / "programs" / f"{name}.c"), "-pthread"], check=True)
        res = run_all(programs(built), Path(tmp) / "runs")
        print(report(res))
        print(f"\n{agreement_line(totals(res))}")
        if "-v" in sys.argv:
            for r in res.values():
                for d in r.diffs[:30] + r.text_diffs[:30]:
                    print(f"{r.program}: {d}")
