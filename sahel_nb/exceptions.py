"""The errors sahel_nb raises: one family, with messages an analyst can act on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["DataValidationError", "ImportRunning", "ParameterError", "Problem", "SahelNbError"]

_MAX_VALUE = 80


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as an editor shows it.

    ``line`` counts the header as line 1 and counts every physical line of a
    quoted multi-line field; it is None for file-level problems, and ``column``
    is None for problems with a whole row or file. A ``warning`` is worth a
    look but does not make the data invalid: it is shown with ``warning:``
    before its message.

    Examples
    --------
    >>> str(Problem("data/flows.csv", 7, "amount", "must be zero or more", "-5"))
    "data/flows.csv:7: amount: must be zero or more ('-5')"
    >>> str(Problem("data/events.csv", 3, "date", "the day is not in ¶2", "2009-01-22", True))
    "data/events.csv:3: date: warning: the day is not in ¶2 ('2009-01-22')"
    """

    file: str
    line: int | None
    column: str | None
    message: str
    value: str | None = None
    warning: bool = False

    def __str__(self) -> str:
        file, column, message = (_escaped(text) for text in (self.file, self.column, self.message))
        if self.warning:
            message = f"warning: {message}"
        where = file if self.line is None else f"{file}:{self.line}"
        what = message if column is None else f"{column}: {message}"
        if self.value is None:
            return f"{where}: {what}"
        value = self.value
        if len(value) > _MAX_VALUE:
            value = value[: _MAX_VALUE - 1] + "…"
        return f"{where}: {what} ({value!r})"


def _escaped(text: str | None) -> str | None:
    # Headers and messages quote the data file, which may hold terminal control
    # sequences (ESC, BEL, NUL, CR…): shown escaped as repr shows values, they
    # cannot clear the screen, retitle the terminal or split a problem's line.
    if text is None or text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class SahelNbError(Exception):
    """Base of every error sahel_nb raises on purpose."""


class DataValidationError(SahelNbError):
    """The data folder has problems; ``problems`` lists every one found.

    ``warnings`` are what else was found worth a look (they alone never make
    the data invalid), so that a list of problems can show them too.
    """

    def __init__(
        self, problems: Iterable[Problem], data_dir: str = "", warnings: Iterable[Problem] = ()
    ) -> None:
        self.problems = list(problems)
        self.data_dir = data_dir
        self.warnings = list(warnings)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the data"
        if data_dir:
            head += f" in {data_dir}"
        lines = [head + "; fix each line below and load again:"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class ParameterError(SahelNbError):
    """A function or notebook was given a parameter it cannot use."""


class ImportRunning(SahelNbError):
    """Another import into the same data folder is running and did not finish in time."""
