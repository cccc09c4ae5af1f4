"""Half of a big step in a forked process, on Linux, with the step done here if that fails."""

from __future__ import annotations

import os
import pickle
import sys
import warnings
from collections.abc import Callable

__all__ = ["Forked", "can_fork"]


def can_fork() -> bool:
    """Whether work may go to a forked process: Linux only (macOS forks are unsafe with threads)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


class Forked:
    """Run ``function(*args)`` in a forked child while this process does something else.

    The child inherits everything (a graph of a quarter of a million ties
    costs nothing to hand over), runs the function, sends back its pickled
    result and leaves without cleanup. :meth:`result` waits for it. Anything
    that goes wrong — no fork, the child failing or killed — only means
    :meth:`result` runs the function here instead, so the answer never
    depends on the fork. Use it for work that holds the GIL (igraph, string
    building) and takes long enough to repay a fork (a few milliseconds).

    Examples
    --------
    >>> task = Forked(sum, [1, 2, 3])
    >>> task.result()
    6
    """

    def __init__(self, function: Callable, *args):
        self._function, self._args = function, args
        self._child: tuple[int, int] | None = None
        if not can_fork():
            return
        try:
            read, write = os.pipe()
            with warnings.catch_warnings():
                # Python 3.12 warns about forking a process with threads (a
                # Jupyter kernel has some); the child runs the function only.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            return
        if pid == 0:  # the child
            status = 1
            try:
                os.close(read)
                data = memoryview(pickle.dumps(function(*args), pickle.HIGHEST_PROTOCOL))
                while data:
                    data = data[os.write(write, data) :]
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._child = (pid, read)

    @property
    def forked(self) -> bool:
        """Whether the work went to a child process."""
        return self._child is not None

    def result(self):
        """The function's result: the child's, or computed here if the child gave none."""
        if self._child is not None:
            pid, read = self._child
            self._child = None
            chunks = []
            with os.fdopen(read, "rb") as pipe:
                while chunk := pipe.read(1 << 20):
                    chunks.append(chunk)
            _, status = os.waitpid(pid, 0)
            if status == 0 and chunks:
                return pickle.loads(b"".join(chunks))
        return self._function(*self._args)
