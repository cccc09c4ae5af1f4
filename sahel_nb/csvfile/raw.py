"""A table as written in its file (RawTable) and its header's checks."""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..dates import partial_date_span
from ..exceptions import Problem
from ..schema import Table
from .values import _REPLACEMENT, csv_reader, number_series

__all__ = ["RawTable"]


@dataclass
class RawTable:
    """A table as written in its file: every cell a string, empty cells null.

    ``frame`` is None when the file could not be read at all. Its index is the
    record's position among the data rows; :meth:`line` turns it into the line
    an editor shows. A row with too many or too few fields is kept (cut or
    padded to the header) so that other rows' references to it still hold;
    its lines are in ``ragged``, and it is reported once, for its fields.
    """

    table: Table
    path: Path
    shown: str
    frame: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    mangled: set[tuple[int, str]] = field(default_factory=set)
    #: Editor lines of rows whose fields do not line up with the header.
    ragged: set[int] = field(default_factory=set)
    #: Dates and numbers parsed while checking, by column, reused when typing.
    parsed: dict = field(default_factory=dict)
    _skip_ragged: bool = False
    _decode_errors: str = "strict"
    _lines: list[int] | None = None
    #: Waited for before lines are counted: rows being added to the file (:func:`extended`).
    _settled: Callable[[], object] | None = None
    #: The file's header as read (None until it is).
    header: list[str] | None = None
    #: What check_folder's ``then`` made of the table once it was checked.
    then: object = None

    def problem(self, line, column, message, value=None, *, warning=False) -> Problem:
        found = Problem(self.shown, line, column, message, value, warning)
        self.problems.append(found)
        return found

    def parsed_date(self, column: str) -> tuple[pd.Series, pd.Series]:
        """Return (first day, last day) of a partial-date column, parsed once."""
        if column not in self.parsed:
            self.parsed[column] = partial_date_span(self.frame[column])
        return tuple(_aligned(part, self.frame.index) for part in self.parsed[column])

    def parsed_number(self, column: str) -> pd.Series:
        """Return a number column as float64 (NaN where empty or invalid), parsed once."""
        if column not in self.parsed:
            self.parsed[column] = number_series(self.frame[column])
        return _aligned(self.parsed[column], self.frame.index)

    def line(self, position: int) -> int:
        """Return the editor line (header = 1) where data row ``position`` starts."""
        if self._lines is None:
            if self._settled is not None:
                self._settled()
            records = _scan(self.path, self._decode_errors)
            width = len(records[0][1]) if records else 0
            self._lines = [
                start
                for start, fields in records[1:]
                if not (self._skip_ragged and len(fields) != width)
            ]
        return self._lines[position]


def _aligned(values: pd.Series, index: pd.Index) -> pd.Series:
    # Parsed from the whole column as a rule; reindexing a million rows to the
    # same index would still cost a hash lookup per row.
    return values if values.index.equals(index) else values.reindex(index)


def _scan(path: Path, errors: str) -> list[tuple[int, list[str]]]:
    """Return (first line, fields) of every non-blank record, as csv parses it."""
    records = []
    with open(path, encoding="utf-8-sig", errors=errors, newline="") as handle:
        reader = csv_reader(handle)
        previous = 0
        for fields in reader:
            start, previous = previous + 1, reader.line_num
            if fields:  # pyarrow skips blank lines too
                records.append((start, fields))
    return records


def _header(raw: RawTable) -> list[str] | None:
    """Read and check the header; return it, or None if rows cannot be read."""
    table, expected = raw.table, raw.table.columns
    try:
        with open(raw.path, encoding="utf-8-sig", errors="replace", newline="") as handle:
            header = next((row for row in csv_reader(handle) if row), None)
    except OSError as error:
        raw.problem(None, None, f"cannot be read: {error.strerror}")
        return None
    if header is None:
        raw.problem(1, None, f"is empty; its first line must be the header: {','.join(expected)}")
        return None
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raw.problem(1, name, "column appears twice in the header")
        seen.add(name)
        if name not in expected:
            close = difflib.get_close_matches(
                name.strip(), [c for c in expected if c not in header], 1
            )
            if name.strip() != name:
                hint = " (remove the spaces around it)"
            else:
                hint = f"; did you mean {close[0]!r}?" if close else ""
            raw.problem(1, name, f"unknown column in {table.file}{hint}", name)
    for spec in table.fields:
        if spec.name not in seen and not spec.optional_column:
            needed = ", ".join(f.name for f in table.fields if not f.optional_column)
            raw.problem(1, spec.name, f"missing column; {table.file} needs: {needed}")
    return None if len(seen) != len(header) else header


def _report_bad_utf8(raw: RawTable, header: list[str]) -> None:
    for start, fields in _scan(raw.path, "replace"):
        if not any(_REPLACEMENT in text for text in fields):
            continue
        newlines = 0
        for index, text in enumerate(fields):
            if _REPLACEMENT in text:
                line = start + newlines + text[: text.index(_REPLACEMENT)].count("\n")
                column = header[index] if index < len(header) else None
                raw.problem(line, column, "is not valid UTF-8 text; save the file as UTF-8", text)
            newlines += text.count("\n")


def _not_text(path: Path) -> str | None:
    """Say why the file is plainly not UTF-8 text, from its first bytes; None if it may be."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    # Checked before anything is decoded: read as UTF-8, such a file gives a
    # problem per cell, each full of NUL bytes and replacement characters.
    header = head.split(b"\n", 1)[0]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        header.count(0) > len(header) // 3  # every other byte of ASCII names in UTF-16
    ):
        return "is saved as UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)"
    if b"\x00" in head:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head)
        except UnicodeDecodeError:
            return (
                "is not a text file (it holds NUL bytes and is not UTF-8); "
                "was another file saved under this name?"
            )
    return None
