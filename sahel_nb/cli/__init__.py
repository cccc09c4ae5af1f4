"""The ``sahel-nb`` command: validate, review, report, import, source, claims, changes."""

from __future__ import annotations

import os
import sys
import warnings

from ..exceptions import SahelNbError
from .parser import _parser

__all__ = ["main"]


def _note(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"sahel-nb: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            # A note to the analyst (an import killed part way was finished) is a
            # line of its own, not Python's file, line number and source line.
            warnings.showwarning = _note
            status = args.run(args)
        sys.stdout.flush()  # here, not at exit, where a closed pipe could not be handled
        return status
    except SahelNbError as error:  # no traceback wall for an analyst
        print(f"sahel-nb: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped to a reader that stopped (``| head``): the command's work
        # is done or committed as it would be; only the rest of its words are
        # unread. Python's own flush at exit would raise again: point it nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a shell reports a command stopped by SIGPIPE
