"""wordfreq: the Python side of pytest-renacer's demo project.

``top_words`` reads the stopword list once; ``top_words_naive`` asks ``is_stopword``,
which reads it again for every word. Both give the same answer: only their syscalls
tell them apart, which is what the demo's failing budget shows.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
STOPWORDS = DATA / "stopwords.txt"
_WORD = re.compile(r"[a-z0-9']+")


def words_of(path: str | Path) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return _WORD.findall(f.read().lower())


def load_stopwords(path: str | Path = STOPWORDS) -> frozenset[str]:
    with open(path, encoding="utf-8") as f:
        return frozenset(f.read().split())


def top_words(paths: Iterable[str | Path], n: int = 3) -> list[tuple[str, int]]:
    """The ``n`` most frequent words of the files that are not stopwords."""
    stop = load_stopwords()
    counts: Counter[str] = Counter()
    for path in paths:
        counts.update(w for w in words_of(path) if w not in stop)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def is_stopword(word: str, path: str | Path = STOPWORDS) -> bool:
    with open(path, encoding="utf-8") as f:  # re-read on every call: the planted bug
        return word in f.read().split()


def top_words_naive(paths: Iterable[str | Path], n: int = 3) -> list[tuple[str, int]]:
    """Same result as :func:`top_words`, one open() per word."""
    counts: Counter[str] = Counter()
    for path in paths:
        counts.update(w for w in words_of(path) if not is_stopword(w))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def count_with_binary(binary: str | Path, paths: Iterable[str | Path],
                      bufsize: int | None = None) -> int:
    """Total words as the C ``wordfreq`` binary counts them."""
    argv = [str(binary)] + (["-b", str(bufsize)] if bufsize else []) + [str(p) for p in paths]
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    return int(out.splitlines()[-1].split()[0])
