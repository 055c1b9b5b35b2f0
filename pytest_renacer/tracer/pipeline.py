"""A sink's calls run on a thread of their own: the CLI formats its output there while
the engine's compiled core keeps the tracee running.

The engine calls the wrapper as it would call the sink (task_started, exec, signal...)
and hands it the core's batches of syscall records; both go through one bounded queue,
so the sink sees every record in the order the engine made it (strace's line order per
process is the order of the stops).  The core releases the GIL while it waits for the
tracee, which is when this thread runs.  close() drains the queue: nothing recorded is
lost when the tracee is killed or the trace interrupted.
"""

from __future__ import annotations

import queue
import threading
from typing import Any

#: batches (4096 records each) waiting for the output thread before the engine waits
MAX_QUEUED = 16


class Pipeline:
    """Runs ``sink``'s calls on another thread, in order; ``deliver(batch)`` takes the
    compiled core's batches, which ``replayer_type`` turns into the sink's syscall calls."""

    def __init__(self, sink: Any, replayer_type: Any, maxsize: int = MAX_QUEUED) -> None:
        self._sink = sink
        self._replayer = replayer_type(sink.syscall_entry, sink.syscall_exit)
        self._queue: queue.Queue[Any] = queue.Queue(maxsize)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._consume, name="renacer-output",
                                        daemon=True)
        self._thread.start()

    def deliver(self, batch: Any) -> None:
        self._put(batch)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args: Any) -> None:
            self._put((name, args))

        setattr(self, name, call)  # found as a plain attribute from now on
        return call

    def _put(self, item: Any) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        self._queue.put(item)

    def _consume(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is not None:
                continue  # reported to the engine already or at close(); drain the rest
            try:
                if isinstance(item, tuple):
                    getattr(self._sink, item[0])(*item[1])
                else:
                    self._replayer.replay(item)
            except BaseException as e:  # handed to the engine's thread
                self._error = e

    def close(self) -> None:
        """Wait until the sink has seen everything; re-raise what it raised."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
