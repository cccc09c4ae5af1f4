"""Reading exports as analysts hold them (CSV in any vintage, Excel workbooks) and naming their problems."""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import re
import warnings
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..exceptions import Problem

__all__ = [
    "EMPTY_MARKS",
    "MAX_SHOWN",
    "WORKBOOK",
    "Checks",
    "isin",
    "matches",
    "number",
    "parse_days",
    "read_export",
    "text",
    "whole_numbers",
]

#: What R, pandas and spreadsheets write in an empty cell: read as empty, never as a value.
EMPTY_MARKS = ("NA", "N/A", "n/a", "NULL", "null", "nan", "NaN", "NAN", "None", "#N/A", "<NA>")
_EMPTY = pa.array(EMPTY_MARKS, type=pa.string())

#: Lines shown per column and message before "… and N more rows with the same problem".
MAX_SHOWN = 5

#: What :func:`read_export` reports as the encoding of an Excel workbook.
WORKBOOK = "xlsx"


def _header(names, aliases: dict[str, str]) -> list[str]:
    """Header names without regard to case or spaces, older spellings renamed, repeats numbered."""
    out, seen = [], set()
    for raw in names:
        name = str(raw).strip().lstrip("\ufeff").lower()
        name = aliases.get(name, name)
        while name in seen:  # a repeated column is kept apart, never merged
            name += "#2"
        seen.add(name)
        out.append(name)
    return out


def read_export(
    path: Path,
    required: tuple[str, ...],
    used: tuple[str, ...],
    label: str,
    fallback_encoding: str | None = None,
    aliases: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, list[Problem], str]:
    """Read the ``used`` columns of an export as trimmed text (nothing converted).

    Headers match without regard to case (``EVENT_ID_CNTY`` is
    ``event_id_cnty``) and ``aliases`` renames older spellings
    (``ally_actor_1``). Empty marks (``NA``, ``NULL``, ``nan``…) become
    ``""``. Returns the rows (``_row`` numbers them from 1), the file-level
    problems, and the encoding read. Arrow reads; when it refuses the file (a
    row with the wrong number of fields, text that is not UTF-8), the file is
    read again line by line to name each problem.
    """
    aliases = aliases or {}
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return pd.DataFrame(), [Problem(shown, None, None, f"cannot be read: {error.strerror}")], ""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path, raw, required, used, label, aliases)
    if path.suffix.lower() == ".xls":
        problem = "is an old-style Excel file; save it as .xlsx or CSV and import that"
        return pd.DataFrame(), [Problem(shown, None, None, problem)], ""
    encodings = ["utf-8"] + ([fallback_encoding] if fallback_encoding else [])
    for encoding in encodings:
        first = raw[:65536].decode(encoding, errors="ignore").lstrip("\ufeff")
        header = next(csv.reader(io.StringIO(first, newline="")), None)
        if not header or not any(h.strip() for h in header):
            problem = f"is empty; {label} starts with its header"
            return pd.DataFrame(), [Problem(shown, 1, None, problem)], encoding
        names = _header(header, aliases)
        missing = [n for n in required if n not in names]
        if missing:
            problems = [Problem(shown, 1, n, f"missing column; {label} has it") for n in missing]
            return pd.DataFrame(), problems, encoding
        try:
            table = pacsv.read_csv(
                pa.BufferReader(raw),
                read_options=pacsv.ReadOptions(
                    encoding=encoding, block_size=1 << 24, column_names=names, skip_rows=1
                ),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types={name: pa.string() for name in names},
                    include_columns=[name for name in names if name in used],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            frame, problems = _read_slowly(raw, shown, encoding, names)
            if problems and encoding != encodings[-1] and _is_decoding(problems):
                continue
            if problems:
                return pd.DataFrame(), problems, encoding
            table = pa.table({c: pa.array(frame[c], pa.string()) for c in frame if c in used})
        # Trimmed and emptied in Arrow, kept as Arrow-backed text: fast at ACLED scale.
        frame = pa.table({name: _cleaned(table[name]) for name in table.column_names}).to_pandas()
        frame["_row"] = np.arange(1, len(frame) + 1)
        frame.attrs["sha256"] = hashlib.sha256(raw).hexdigest()  # the bytes read, hashed once
        return frame, [], encoding
    raise AssertionError("unreachable")  # pragma: no cover


def _cleaned(column):
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.is_in(trimmed, value_set=_EMPTY), "", trimmed)


def _read_workbook(
    path: Path,
    raw: bytes,
    required: tuple[str, ...],
    used: tuple[str, ...],
    label: str,
    aliases: dict[str, str],
) -> tuple[pd.DataFrame, list[Problem], str]:
    """The first sheet of an Excel workbook (GTD ships one), every cell as text.

    Read by calamine (Rust) through pandas: several times faster than
    openpyxl on GTD's 200,000 × 135 sheet, and without openpyxl's style
    warnings.
    """
    shown = str(path)
    wanted = set(used)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a reader's warnings are not the analyst's business
            sheet = pd.read_excel(
                io.BytesIO(raw), sheet_name=0, dtype=object, engine="calamine",
                usecols=lambda name: _header([name], aliases)[0] in wanted,
            )  # fmt: skip
    except Exception as error:  # a damaged file raises many kinds of error
        problem = f"is not a readable Excel workbook ({type(error).__name__}: {error})"
        return pd.DataFrame(), [Problem(shown, None, None, problem)], WORKBOOK
    sheet.columns = _header(sheet.columns, aliases)
    missing = [n for n in required if n not in sheet.columns]
    if missing:
        problems = [Problem(shown, 1, n, f"missing column; {label} has it") for n in missing]
        return pd.DataFrame(), problems, WORKBOOK
    frame = pd.DataFrame({name: _sheet_text(sheet[name]) for name in sheet.columns})
    frame["_row"] = np.arange(1, len(frame) + 1)
    frame.attrs["sha256"] = hashlib.sha256(raw).hexdigest()
    return frame, [], WORKBOOK


def _sheet_text(values: pd.Series) -> pd.Series:
    """A sheet column as the text a CSV export would hold, each distinct cell converted once."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = np.array([_cell_text(v) for v in uniques] + [""], dtype=object)
    text = pd.Series(texts[codes], index=values.index, dtype=object)
    return text.where(~text.isin(EMPTY_MARKS), "")


def _cell_text(value) -> str:
    """A cell as a CSV export writes it: ``3``, not ``3.0``; a date cell as its day."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _is_decoding(problems: list[Problem]) -> bool:
    return any("is not" in p.message and "text" in p.message for p in problems)


def _read_slowly(
    raw: bytes, shown: str, encoding: str, names: list[str]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read with the csv module to name file-level problems by line."""
    try:
        text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return pd.DataFrame(), [Problem(shown, line, None, f"is not UTF-8 text ({error.reason})")]
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    rows, problems, line = [], [], 1
    for fields in reader:
        first, line = line + 1, reader.line_num
        if not fields:
            continue
        if len(fields) != len(names):
            problems.append(
                Problem(shown, first, None, f"has {len(fields)} fields, the header {len(names)}")
            )
            continue
        rows.append(fields)
    return pd.DataFrame(rows, columns=names, dtype=object), problems


def _lines(path: Path, encoding: str) -> list[int]:
    """The file line each row starts on (header: line 1), counting multi-line fields."""
    text = path.read_bytes().decode("utf-8-sig" if encoding == "utf-8" else encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    starts, line = [], 1
    for fields in reader:
        first, line = line + 1, reader.line_num
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
        if encoding == WORKBOOK:  # the sheet's row numbers, as Excel shows them
            rows = self.frame["_row"].to_numpy()
            line_of = {p: int(rows[p]) + 1 for p, *_ in kept}
        else:
            lines = _lines(path, encoding)
            line_of = {p: lines[p] for p, *_ in kept}
        done: dict[tuple[str, str], int] = {}
        for position, _, column, message in kept:
            value = str(self.frame[column].iat[position])
            out.append(Problem(str(path), line_of[position], column, message, value))
            key = (column, message)
            done[key] = done.get(key, 0) + 1
            if done[key] == MAX_SHOWN and groups[key] > MAX_SHOWN:
                more = groups[key] - MAX_SHOWN
                out.append(
                    Problem(
                        str(path),
                        None,
                        column,
                        f"{message}: … and {more:,} more row{'s' if more != 1 else ''} "
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
    array = pa.array(values, type=pa.string(), from_pandas=True)
    fixed = pc.replace_substring_regex(array, r"^(-?\d+)\.0+$", r"\1")
    return pd.Series(fixed.to_numpy(zero_copy_only=False), index=values.index, dtype=object)


def matches(values: pd.Series, pattern: str) -> np.ndarray:
    """Which values match ``pattern`` whole, in Arrow (pandas' ``str`` methods loop in Python)."""
    array = pa.array(values, type=pa.string(), from_pandas=True)
    found = pc.match_substring_regex(array, f"^(?:{pattern})$")
    return found.to_numpy(zero_copy_only=False).astype(bool)


def isin(values: pd.Series, wanted) -> np.ndarray:
    """``values.isin(wanted)`` in Arrow: pandas loops in Python over a large ``wanted``."""
    wanted = pa.array(list(wanted) if isinstance(wanted, (set, dict)) else wanted, pa.string())
    found = pc.is_in(pa.array(values, type=pa.string(), from_pandas=True), value_set=wanted)
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
    distinct = [v for v in pd.unique(values) if v]
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
    codes, uniques = pd.factorize(values)
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
