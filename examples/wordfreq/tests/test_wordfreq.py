"""The demo project's tests: what its code does, and what it costs in system calls."""

from __future__ import annotations

from pathlib import Path

import pytest
import wordfreq

from pytest_renacer.fixture import Syscalls

EXPECTED_TOP = [("signal", 33), ("file", 31), ("kernel", 31)]


# -- the C binary, traced with the syscalls fixture -------------------------------------
def test_binary_counts_words(syscalls: Syscalls, wordfreq_bin: Path, sample: Path) -> None:
    t = syscalls.run([wordfreq_bin, sample])
    assert t.returncode == 0
    assert t.stdout is not None and t.stdout.decode().splitlines()[-1] == "613 total"
    # it opens the sample once, read-only, and no open fails
    assert t.filter("openat", path=str(sample)).count() == 1
    assert not t.filter("openat", failed=True)


@pytest.mark.parametrize("bufsize", [65536, 4096, 1024])
@pytest.mark.max_syscalls(read=8)
def test_reads_scale_with_the_buffer(syscalls: Syscalls, wordfreq_bin: Path, sample: Path,
                                     bufsize: int) -> None:
    # only read(2) is traced: the budget counts what the fixture recorded
    t = syscalls.run([wordfreq_bin, "-b", str(bufsize), sample], filter="read")
    assert t.count("read") >= 2  # at least one with data and the one that sees EOF


def test_binary_source_lines(syscalls: Syscalls, wordfreq_bin: Path, sample: Path) -> None:
    t = syscalls.run([wordfreq_bin, sample], filter="openat", source=True)
    [ev] = t.filter(path=str(sample)).events
    assert ev.source is not None and str(ev.source.file).endswith("wordfreq.c")


# -- the Python module: a budget without the fixture traces the test body ----------------
@pytest.mark.max_syscalls(openat=2)
def test_top_words(sample: Path) -> None:
    assert wordfreq.top_words([sample]) == EXPECTED_TOP


def test_top_words_traced_call(syscalls: Syscalls, sample: Path) -> None:
    r = syscalls.call(wordfreq.top_words, [sample])
    assert r.result == EXPECTED_TOP
    assert r.count("openat") == 2  # the stopwords, then the sample


@pytest.mark.max_syscalls(execve=1)
def test_python_and_binary_agree(wordfreq_bin: Path, sample: Path) -> None:
    # the body's child processes are traced too: one execve for the binary
    assert wordfreq.count_with_binary(wordfreq_bin, [sample]) == len(wordfreq.words_of(sample))


@pytest.mark.max_syscalls(openat=2)
def test_naive_top_words_budget(sample: Path) -> None:
    """FAILS ON PURPOSE in the demo: is_stopword() re-reads the stopword list per word.

    The answer is right; the budget catches the cost, and the report shows each extra
    openat with the line of wordfreq/__init__.py that made it.
    """
    assert wordfreq.top_words_naive([sample]) == EXPECTED_TOP
