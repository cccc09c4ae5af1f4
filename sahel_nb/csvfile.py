"""Reading one table's CSV file: text as written, structural problems, editor line numbers."""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .dates import partial_date_span
from .exceptions import Problem
from .schema import TABLES, Table

__all__ = [
    "NUMBER_PATTERN",
    "RawTable",
    "arrow_text",
    "number_series",
    "parse_number",
    "read_table",
]

#: A plain decimal number: no thousands separators, no currency sign.
NUMBER_PATTERN = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"

# pyarrow's reader tells short and long rows apart from empty fields (pandas
# pads short rows silently), reads quoted newlines, and reads every column as
# text as fast as pandas.read_csv infers types (pandas 3.1, a million rows).
# Large strings (64-bit offsets) are what pandas' own "str" columns hold, so the
# typed tables take the text over without copying a million rows of it.
_STRING = pd.ArrowDtype(pa.large_string())
_TEXT_TYPES = (pa.string(), pa.large_string())
_REPLACEMENT = "\ufffd"


def arrow_text(values) -> pa.Array:
    """Return a text column as an Arrow string array (zero-copy for Arrow-backed columns)."""
    array = pa.array(values, from_pandas=True)
    return array if array.type in _TEXT_TYPES else pc.cast(array, pa.string())


def parse_number(values) -> tuple[pa.Array, pa.Array]:
    """Return (looks like a number, its float64 value or null) for each text value."""
    text = arrow_text(values)
    try:
        # Arrow's cast reads what the pattern allows plus nan and inf spellings,
        # so a column that casts to finite numbers is valid: no regex pass needed.
        numbers = pc.cast(text, pa.float64())
    except pa.ArrowInvalid:
        numbers = None
    if numbers is not None and pc.all(pc.is_finite(numbers)).as_py() is not False:
        return pc.is_finite(numbers), numbers
    ok = pc.match_substring_regex(text, f"^{NUMBER_PATTERN}$")
    return ok, pc.cast(pc.if_else(ok, text, None), pa.float64())


def number_series(values: pd.Series) -> pd.Series:
    """Return text values as float64 numbers, NaN where empty or not a number."""
    numbers = parse_number(values)[1].to_numpy(zero_copy_only=False)
    return pd.Series(numbers, index=values.index, dtype="float64")


@dataclass
class RawTable:
    """A table as written in its file: every cell a string, empty cells null.

    ``frame`` is None when the file could not be read at all. Its index is the
    record's position among the data rows the reader kept; :meth:`line` turns it
    into the line an editor shows.
    """

    table: Table
    path: Path
    shown: str
    frame: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    mangled: set[tuple[int, str]] = field(default_factory=set)
    #: Dates and numbers parsed while checking, by column, reused when typing.
    parsed: dict = field(default_factory=dict)
    _skip_ragged: bool = False
    _decode_errors: str = "strict"
    _lines: list[int] | None = None

    def problem(self, line, column, message, value=None) -> Problem:
        found = Problem(self.shown, line, column, message, value)
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
        reader = csv.reader(handle)
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
            header = next((row for row in csv.reader(handle) if row), None)
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
            hint = "" if name.strip() == name else " (remove the spaces around it)"
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


def _read_arrow(source, header: list[str], invalid: list) -> pd.DataFrame:
    # Allowing newlines in values makes Arrow split the file for its threads
    # serially (2.5 times slower on a million rows). Most files have none, so
    # try without: a value spanning a block boundary stops Arrow with "out of
    # sync" rather than misreading, and only then is the file read again.
    try:
        return _read_arrow_once(source, header, invalid, newlines_in_values=False)
    except pa.ArrowInvalid as error:
        if "out of sync" not in str(error):
            raise
    invalid.clear()
    if hasattr(source, "seek"):
        source.seek(0)
    return _read_arrow_once(source, header, invalid, newlines_in_values=True)


def _read_arrow_once(source, header: list[str], invalid: list, newlines_in_values: bool):
    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    table = pacsv.read_csv(
        source,
        parse_options=pacsv.ParseOptions(
            newlines_in_values=newlines_in_values, invalid_row_handler=on_invalid
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.large_string() for name in header},
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
        ),
    )
    return table.to_pandas(types_mapper={pa.large_string(): _STRING}.get)


def _read_quietly(source, header: list[str], invalid: list) -> pd.DataFrame:
    # pyarrow decodes an invalid row before handing it over; when that row is
    # not UTF-8 the decoding error is printed as "Exception ignored" and the
    # read fails, which read_table handles. Keep the noise off the terminal.
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        return _read_arrow(source, header, invalid)
    finally:
        sys.unraisablehook = hook


def read_table(directory: Path, table: Table, shown_dir: str) -> RawTable:
    """Read ``table``'s file from ``directory``, collecting every structural problem."""
    path = directory / table.file
    raw = RawTable(table, path, f"{shown_dir.rstrip('/')}/{table.file}")
    if not path.is_file():
        raw.problem(None, None, f"file is missing; a data folder needs {_all_files()}")
        return raw
    header = _header(raw)
    if header is None:
        return raw
    invalid: list = []
    try:
        frame = _read_quietly(path, header, invalid)
    except pa.ArrowInvalid as first:
        failure: Exception | None = first
        # pyarrow checks UTF-8 itself; only on failure is it worth decoding
        # the file in Python to say where the bad bytes are.
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raw._decode_errors = "replace"
            _report_bad_utf8(raw, header)
            invalid.clear()
            text = data.decode("utf-8", errors="replace").encode()
            try:
                frame = _read_quietly(pa.BufferReader(text), header, invalid)
                failure = None
            except pa.ArrowInvalid as again:
                failure = again
        if failure is not None:
            raw.problem(None, None, f"is not a readable CSV file: {failure}")
            return raw
    if invalid:
        raw._skip_ragged = True
        for start, fields in _scan(path, raw._decode_errors)[1:]:
            if len(fields) != len(header):
                extra = ",".join(fields[len(header) :]) or None
                hint = "; quote values that contain commas" if extra else ""
                raw.problem(
                    start,
                    None,
                    f"row has {len(fields)} fields but the header has {len(header)}{hint}",
                    extra,
                )
    if raw._decode_errors != "strict":
        # Already reported cell by cell; checking the mangled text would only add noise.
        for column in frame.columns:
            hits = frame[column].str.contains(_REPLACEMENT)
            raw.mangled.update((position, column) for position in hits[hits].index)
    for spec in table.fields:
        if spec.optional_column and spec.name not in frame:
            frame[spec.name] = pd.Series(pd.NA, index=frame.index, dtype=_STRING)
    raw.frame = frame[[c for c in table.columns if c in frame]]
    return raw


def _all_files() -> str:
    return ", ".join(t.file for t in TABLES.values())
