"""A pause of Python's cyclic garbage collector while big graphs, tables and files are built."""

from __future__ import annotations

import gc
from contextlib import contextmanager

__all__ = ["paused"]


@contextmanager
def paused():
    """Turn the cyclic collector off for a step, then back as it was (``with`` or ``@paused()``).

    Building a graph, a page or an export of a quarter of a million ties
    makes millions of small dicts, tuples and strings that form no cycles;
    each full collection their allocation triggers walks every object alive
    (the whole graph), and there are several per step: about 2.5 s of the
    500,000-event network notebook. Reference counting still frees what is
    dropped; the collector runs again after the step. Nested steps leave it
    to the outermost.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
