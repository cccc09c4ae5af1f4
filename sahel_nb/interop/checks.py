"""Row problems found column by column, and the readers of numbers, ids and dates they use."""

from __future__ import annotations

import calendar
import csv
import io
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..arrowtext import as_str, isin
from ..exceptions import Problem
from .layout import JSON, MAX_SHOWN, WORKBOOK, _is_hxl

__all__ = [
    "MAX_SHOWN",
    "Checks",
    "isin",
    "matches",
    "number",
    "parse_days",
    "pick",
    "text",
    "whole_numbers",
]


def _lines(path: Path, encoding: str) -> list[int]:
    """The file line each row starts on (header: line 1), counting multi-line fields.

    HDX's row of HXL hashtags under the header is no row: it is skipped, as on reading.
    """
    # Bytes that do not decode are one character each: the lines stay where they are.
    text = path.read_bytes().decode(
        "utf-8-sig" if encoding == "utf-8" else encoding, errors="replace"
    )
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None) or []
    starts, line = [], reader.line_num
    for count, fields in enumerate(reader):
        first, line = line + 1, reader.line_num
        if count == 0 and _is_hxl(fields, header):
            continue
        if fields:
            starts.append(first)
    return starts


class Checks:
    """Row problems found column-wise, turned into ``file:line: column`` problems at the end.

    At most :data:`MAX_SHOWN` lines are shown per column and message, then
    one line says how many more rows have the same problem: 30,000 lines of
    one mistake help no one.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.found: list[tuple[int, int, str, str]] = []
        self.whole: list[Problem] = []
        self.order = 0

    def flag(self, mask, column: str, message: str) -> None:
        """Flag the rows where ``mask`` is true: ``column`` holds the value shown."""
        self.order += 1
        for position in np.flatnonzero(np.asarray(mask, dtype=bool)):
            self.found.append((int(position), self.order, column, message))

    def file(self, column: str | None, message: str) -> None:
        """A problem with a whole column (no line): e.g. dates whose order cannot be told."""
        self.whole.append(Problem("", None, column, message))

    def problems(self, path: Path, encoding: str) -> list[Problem]:
        out = [Problem(str(path), None, p.column, p.message) for p in self.whole]
        if not self.found:
            return out
        groups: dict[tuple[str, str], int] = {}
        for _, _, column, message in self.found:
            groups[(column, message)] = groups.get((column, message), 0) + 1
        shown: dict[tuple[str, str], int] = {}
        kept = []
        for found in sorted(self.found):
            key = (found[2], found[3])
            shown[key] = shown.get(key, 0) + 1
            if shown[key] <= MAX_SHOWN:
                kept.append(found)
        if encoding in (WORKBOOK, JSON):  # the sheet's row numbers as Excel shows them; records
            rows = self.frame["_row"].to_numpy()
            offset = self.frame.attrs.get("line_offset", 1 if encoding == WORKBOOK else 0)
            line_of = {p: int(rows[p]) + offset for p, *_ in kept}
        else:
            lines = _lines(path, encoding)
            line_of = {p: lines[p] for p, *_ in kept}
        unit = "record" if encoding == JSON else "row"
        done: dict[tuple[str, str], int] = {}
        for position, _, column, message in kept:
            value = str(self.frame[column].iat[position])
            # A JSON file has no lines to speak of: the record's number is its line, and said.
            said = f"record {int(rows[position])}: {message}" if encoding == JSON else message
            out.append(Problem(str(path), line_of[position], column, said, value))
            key = (column, message)
            done[key] = done.get(key, 0) + 1
            if done[key] == MAX_SHOWN and groups[key] > MAX_SHOWN:
                more = groups[key] - MAX_SHOWN
                out.append(
                    Problem(
                        str(path),
                        None,
                        column,
                        f"{message}: … and {more:,} more {unit}{'s' if more != 1 else ''} "
                        "with the same problem",
                    )
                )
        return out


def text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column (trimmed on reading), or empty strings for a column an older export lacks."""
    if column not in frame:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[column]


def number(values: pd.Series) -> pd.Series:
    """Numbers from text; empty or not a number: NaN."""
    try:  # Arrow's cast is quick, and refuses the whole column if any value is not a number
        array = pa.array(values, type=pa.string(), from_pandas=True)
        array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
        return pd.Series(
            pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False), index=values.index
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.to_numeric(values.where(values != ""), errors="coerce")


def whole_numbers(values: pd.Series) -> pd.Series:
    """``3.0`` or ``199301010001.0`` (numbers a spreadsheet or pandas re-saved) as ``3``; the rest as is."""
    array = pa.array(values, type=pa.large_string(), from_pandas=True)
    # Most columns hold no dot at all: one plain search spares the regex (4 times slower).
    dotted = pc.any(pc.match_substring(array, ".")).as_py()
    fixed = pc.replace_substring_regex(array, r"^(-?\d+)\.0+$", r"\1") if dotted else array
    # Kept in Arrow as pandas' "str": made Python strings, half a million a column.
    return pd.Series(as_str(fixed), index=values.index, copy=False)


def pick(mask: np.ndarray, yes: pd.Series | str, no: pd.Series | str) -> pd.Series:
    """``yes`` where ``mask``, else ``no``, as pandas' ``str`` kept in Arrow (``np.where`` makes objects).

    Examples
    --------
    >>> pick(np.array([True, False]), pd.Series(["a", "b"]), "").tolist()
    ['a', '']
    """
    index = (yes if isinstance(yes, pd.Series) else no).index

    def arrow(values) -> pa.Array | pa.Scalar:
        if isinstance(values, str):
            return pa.scalar(values, pa.large_string())
        return pa.array(values, type=pa.large_string(), from_pandas=True)

    chosen = pc.if_else(pa.array(mask, type=pa.bool_()), arrow(yes), arrow(no))
    return pd.Series(as_str(chosen), index=index, copy=False)


def matches(values: pd.Series, pattern: str) -> np.ndarray:
    """Which values match ``pattern`` whole, in Arrow (pandas' ``str`` methods loop in Python)."""
    array = pa.array(values, type=pa.string(), from_pandas=True)
    found = pc.match_substring_regex(array, f"^(?:{pattern})$")
    return found.to_numpy(zero_copy_only=False).astype(bool)


# -- dates -----------------------------------------------------------------------------------

_MONTHS = {
    name.casefold(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS["sept"] = 9
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?")
_YMD = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_NAMED = re.compile(r"(\d{1,2})[ \-/.]+([A-Za-z]+)\.?,?[ \-/.,]+(\d{4}|\d{2})")
_NUMERIC = re.compile(r"(\d{1,2})[\-/.](\d{1,2})[\-/.](\d{4}|\d{2})")


def _year(digits: str) -> int:
    """A year as written; two digits as spreadsheets read them (69–99: 1900s, else 2000s)."""
    value = int(digits)
    if len(digits) == 2:
        value += 1900 if value >= 69 else 2000
    return value


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_days(values: pd.Series, column: str, checks: Checks, hint: str) -> pd.Series:
    """Days from dates as files carry them; problems flagged on ``checks``.

    ISO (``2012-01-15``), a month by name (``15 January 2012``,
    ``01-January-2015``, ``9-May-20``), and numbers a spreadsheet wrote
    (``31-12-19``, ``12/31/2019``). The day/month order of numeric dates is
    decided for the whole column from the values themselves (a first number
    above 12 is a day); a column where it cannot be decided, or where both
    orders occur, is one problem naming two example values. Each distinct
    value is parsed once: a million rows hold a few thousand dates.
    """
    codes, uniques = pd.factorize(values)  # once: the distinct values, then each row's
    distinct = [v for v in uniques if v]
    parsed: dict[str, date | None] = {}
    numeric: dict[str, tuple[int, int, int]] = {}
    for value in distinct:
        if match := _ISO.fullmatch(value) or _YMD.fullmatch(value):
            parsed[value] = _day(int(match[1]), int(match[2]), int(match[3]))
        elif (match := _NAMED.fullmatch(value)) and match[2].casefold() in _MONTHS:
            parsed[value] = _day(_year(match[3]), _MONTHS[match[2].casefold()], int(match[1]))
        elif match := _NUMERIC.fullmatch(value):
            numeric[value] = (int(match[1]), int(match[2]), _year(match[3]))
        else:
            parsed[value] = None
    if numeric:
        day_first = [v for v, (a, b, _) in numeric.items() if a > 12]
        month_first = [v for v, (a, b, _) in numeric.items() if b > 12]
        either = [v for v, (a, b, _) in numeric.items() if a != b and a <= 12 and b <= 12]
        if day_first and month_first:
            checks.file(
                column,
                f"mixes day-first and month-first dates ({day_first[0]!r} and "
                f"{month_first[0]!r}); save the file again with dates as YYYY-MM-DD",
            )
            order = None
        elif day_first or month_first:
            order = "dm" if day_first else "md"
        elif either:
            examples = " and ".join(repr(v) for v in either[:2])
            checks.file(
                column,
                f"day and month cannot be told apart ({examples} read either way); save the "
                "file again with dates as YYYY-MM-DD, or with month names",
            )
            order = None
        else:
            order = "dm"  # day equals month in every value: both orders agree
        for value, (a, b, year) in numeric.items():
            if order is None:
                parsed[value] = _REFUSED  # refused as a whole: no problem per row
            else:
                parsed[value] = _day(year, b, a) if order == "dm" else _day(year, a, b)
    looked = [parsed.get(u) for u in uniques]
    bad = np.array([bool(u) and d is None for u, d in zip(uniques, looked, strict=True)] + [False])
    nat = np.datetime64("NaT", "D")
    days = np.array(
        [nat if d is None or d is _REFUSED else np.datetime64(d, "D") for d in looked] + [nat],
        dtype="datetime64[D]",
    )
    checks.flag(bad[codes], column, f"is not a date; {hint}")
    return pd.Series(days[codes], index=values.index)


_REFUSED = date(1, 1, 1)
