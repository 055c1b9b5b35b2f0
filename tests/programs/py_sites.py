"""Syscalls made from Python at known lines, for tests/test_source_python.py.

Each marked call records where it is with ``sys._getframe`` (the reference the test
compares the traced frames with): ``ref(TAG)`` is on the same line as the call.  The
references are printed as JSON at the end.  Argument: a directory of files to open.
"""

import json
import os
import sys
import threading

REF = {}


def ref(tag):
    f = sys._getframe(1)
    code = f.f_code
    REF[tag] = [code.co_filename, f.f_lineno, getattr(code, "co_qualname", code.co_name)]


def load_config(path):
    fd = os.open(path, os.O_RDONLY); ref("open")  # noqa: E702
    os.close(fd)


def emit(fd, data):
    os.write(fd, data); ref("write")  # noqa: E702


def report(fd):
    emit(fd, b"renacer-mark-write\n"); ref("report")  # noqa: E702


def worker(path):
    fd = os.open(path, os.O_RDONLY); ref("thread")  # noqa: E702
    os.close(fd)


def numbers(path):
    fd = os.open(path, os.O_RDONLY); ref("generator")  # noqa: E702
    yield fd
    os.close(fd)


async def fetch(path):
    fd = os.open(path, os.O_RDONLY); ref("coroutine")  # noqa: E702
    os.close(fd)


def main(root):
    load_config(os.path.join(root, "config"))
    report(1); ref("main")  # noqa: E702
    t = threading.Thread(target=worker, args=(os.path.join(root, "thread"),))
    t.start()
    t.join()
    for _fd in numbers(os.path.join(root, "generator")):
        pass
    coro = fetch(os.path.join(root, "coroutine"))
    try:
        coro.send(None)
    except StopIteration:
        pass
    REF["thread_native_id"] = t.native_id
    print(json.dumps(REF))


main(sys.argv[1])
