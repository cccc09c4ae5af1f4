"""Reading exports as analysts hold them (CSV of any vintage, API JSON, workbooks), naming problems."""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import json
import operator
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
    "JSON",
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

#: What :func:`read_export` reports as the encoding of JSON records (an API's answer).
JSON = "json"

#: Rows of title text a sheet may hold above its header.
_TITLE_ROWS = 10
#: How the first column is named when it only numbers the rows (pandas' index, R's row names).
_INDEX_NAMES = ("", "unnamed: 0")
#: Columns that identify one event: a file without any is not a list of events.
_EVENT_IDS = frozenset({"event_id_cnty", "event_id_no_cnty", "data_id", "event_id", "eventid"})
_UNREADABLE_WORKBOOK = (
    "is not a readable Excel workbook; open it in Excel or LibreOffice, save it again as "
    ".xlsx (or as CSV) and import that file"
)


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


def _is_hxl(fields, header) -> bool:
    """HDX's row of HXL hashtags (``#event+code``): every filled cell a tag, half of them filled.

    Only the named columns count: a column of row numbers holds a number there.
    """
    named = [i for i, name in enumerate(header) if _header([name], {})[0] not in _INDEX_NAMES]
    cells = [str(fields[i]).strip() if i < len(fields) else "" for i in named]
    filled = [cell for cell in cells if cell]
    return bool(filled) and 2 * len(filled) >= len(cells) and all(c[0] == "#" for c in filled)


def _frame(frame: pd.DataFrame | None = None, **attrs) -> pd.DataFrame:
    """A frame carrying what every read returns: ``notes`` and ``sheet`` (and the rest given)."""
    frame = pd.DataFrame() if frame is None else frame
    frame.attrs.update({"notes": [], "sheet": "", **attrs})
    return frame


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

    Forms analysts download are read as such: HDX's row of HXL hashtags under
    the header is skipped, a first column that only numbers the rows
    (``DataFrame.to_csv``'s index) is ignored, a ``.json``/``.jsonl`` file of
    API records is read as :data:`JSON`, and of a workbook the first sheet
    holding the columns is read (:data:`WORKBOOK`). A file of aggregated
    counts (an ``events`` column, no event id) is one problem saying so.

    ``frame.attrs`` holds ``sha256`` (of the bytes read), ``notes`` (sentences
    saying what was skipped or chosen; empty when nothing needs saying) and
    ``sheet`` (the sheet read, ``""`` for other files).
    """
    aliases = aliases or {}
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return _frame(), [Problem(shown, None, None, f"cannot be read: {error.strerror}")], ""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path, raw, required, used, label, aliases)
    if suffix == ".xls":
        problem = "is an old-style Excel file; save it as .xlsx or CSV and import that"
        return _frame(), [Problem(shown, None, None, problem)], ""
    if suffix in (".json", ".jsonl", ".ndjson"):
        return _read_json(path, raw, required, used, label, aliases)
    encodings = ["utf-8"] + ([fallback_encoding] if fallback_encoding else [])
    for encoding in encodings:
        first = raw[:65536].decode(encoding, errors="ignore").lstrip("\ufeff")
        head = csv.reader(io.StringIO(first, newline=""))
        header = next(head, None)
        if not header or not any(h.strip() for h in header):
            problem = f"is empty; {label} starts with its header"
            return _frame(), [Problem(shown, 1, None, problem)], encoding
        names = _header(header, aliases)
        missing = [n for n in required if n not in names]
        if missing:
            return _frame(), _missing(shown, 1, names, missing, label), encoding
        hxl = _is_hxl(next(head, []), header)
        index = names[0] if names[0] in _INDEX_NAMES else None
        try:
            table = pacsv.read_csv(
                pa.BufferReader(raw),
                read_options=pacsv.ReadOptions(
                    encoding=encoding,
                    block_size=1 << 24,
                    column_names=names,
                    skip_rows=1 + hxl,
                ),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types={name: pa.string() for name in names},
                    include_columns=[n for n in names if n in used or n == index],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            frame, problems = _read_slowly(raw, shown, encoding, names, hxl)
            if problems and encoding != encodings[-1] and _is_decoding(problems):
                continue
            if problems:
                return _frame(), problems, encoding
            table = pa.table(
                {c: pa.array(frame[c], pa.string()) for c in frame if c in used or c == index}
            )
        notes = ["line 2 holds HDX's HXL hashtags, not an event: skipped"] if hxl else []
        if index is not None:
            counted = _counts_rows(table[index])
            table = table.drop_columns([index])
            if counted is not None:
                notes.append(f"column 1 has no name and {counted}: ignored")
        # Trimmed and emptied in Arrow, kept as Arrow-backed text: fast at ACLED scale.
        frame = pa.table({name: _cleaned(table[name]) for name in table.column_names}).to_pandas()
        frame["_row"] = np.arange(1, len(frame) + 1)
        # The bytes read, hashed once.
        return _frame(frame, sha256=hashlib.sha256(raw).hexdigest(), notes=notes), [], encoding
    raise AssertionError("unreachable")  # pragma: no cover


def _cleaned(column):
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.is_in(trimmed, value_set=_EMPTY), "", trimmed)


def _counts_rows(column) -> str | None:
    """What a nameless first column of 0, 1, 2… (or 1, 2, 3…) is; None if it is not that."""
    if len(column) == 0:
        return None
    try:
        values = pc.cast(pc.utf8_trim_whitespace(column), pa.int64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
        return None
    start = int(values[0])
    if start not in (0, 1) or not np.array_equal(values, np.arange(start, start + len(values))):
        return None
    return (
        "numbers the rows from 0 (the index pandas writes)"
        if start == 0
        else "numbers the rows from 1 (the row names R writes)"
    )


def _missing(
    shown: str, line: int | None, names, missing, label: str, sheets: str = ""
) -> list[Problem]:
    """The required columns a header lacks, or one problem when it counts events instead."""
    if _is_aggregated(names):
        return [Problem(shown, None, None, _aggregated(label, sheets))]
    where = f" (looked for on {sheets})" if sheets else ""
    return [Problem(shown, line, n, f"missing column; {label} has it{where}") for n in missing]


def _is_aggregated(names) -> bool:
    """A header of counts (HDX's monthly or weekly ACLED data): ``events``, and no event id."""
    return "events" in names and not _EVENT_IDS.intersection(names)


def _aggregated(label: str, sheet: str = "") -> str:
    """The one problem of a file of aggregated counts: what it is and what to take instead."""
    on = f" on {sheet}" if sheet else ""
    if "ACLED" in label:
        return (
            f"holds aggregated counts (events and fatalities per area and month or week){on}, "
            f"not events; the import needs {label} with one row per event: ACLED's Data Export "
            'Tool or API gives it, and on HDX it is ACLED\'s "conflict events" dataset, not '
            "the aggregated one"
        )
    return (
        f"holds aggregated counts (a number of events per row){on}, not events; the import "
        f"needs {label} with one row per event"
    )


# -- JSON ------------------------------------------------------------------------------------


def _read_json(
    path: Path,
    raw: bytes,
    required: tuple[str, ...],
    used: tuple[str, ...],
    label: str,
    aliases: dict[str, str],
) -> tuple[pd.DataFrame, list[Problem], str]:
    """Records from an API as JSON: a list, an answer with a ``data`` list, or one per line.

    Values (strings, numbers or null) are read as the CSV export writes them:
    ``1``, not ``1.0``; null as empty. Records number from 1, and a problem
    cites its record's number as its line.
    """
    shown = str(path)
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problem = f"is not UTF-8 text (near line {line}); JSON is always UTF-8: download it again"
        return _frame(), [Problem(shown, None, None, problem)], JSON
    if not content.strip():
        problem = f"is empty; {label} in JSON is a list of records"
        return _frame(), [Problem(shown, None, None, problem)], JSON
    records, problems = _json_records(shown, content, path.suffix.lower() != ".json", label)
    if problems:
        return _frame(), problems, JSON
    keys: dict[str, None] = dict.fromkeys(records[0]) if records else {}
    uniform = True  # every record has the same keys: the usual case, read faster
    for record in records:  # keys in order of appearance; a record may leave out empty ones
        if record.keys() != keys.keys():
            uniform = False
            keys.update(dict.fromkeys(record))
    names = _header(keys, aliases)
    missing = [n for n in required if n not in names]
    if missing and records:
        return _frame(), _missing(shown, 1, names, missing, label), JSON
    picked = [(key, name) for key, name in zip(keys, names, strict=True) if name in used]
    if uniform and len(picked) > 1:
        values = zip(*map(operator.itemgetter(*(key for key, _ in picked)), records), strict=True)
    else:
        values = ([record.get(key) for record in records] for key, _ in picked)
    columns = {name: _json_column(column) for (_, name), column in zip(picked, values, strict=True)}
    columns.update({n: pa.array([], pa.string()) for n in missing})  # no records, no keys
    frame = pa.table(columns).to_pandas() if columns else pd.DataFrame(index=range(len(records)))
    frame["_row"] = np.arange(1, len(frame) + 1)
    notes = [] if records else ["holds no records: the answer found no events"]
    digest = hashlib.sha256(raw).hexdigest()
    return _frame(frame, sha256=digest, notes=notes, line_offset=0), [], JSON


def _json_column(values) -> pa.Array:
    """JSON values as trimmed text, each distinct value converted once (records repeat them)."""
    try:  # all text (or null), as ACLED's API long gave every value
        return _cleaned(pa.array(values, pa.string()).fill_null(""))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    try:
        codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    except TypeError:  # a list or an object among the values (unhashable): each converted
        return _cleaned(pa.array([_json_text(v) for v in values], pa.string()))
    texts = [_json_text(v).strip() for v in uniques]
    texts = np.array(["" if t in EMPTY_MARKS else t for t in texts] + [""], dtype=object)
    return pa.array(texts[codes], pa.string())


def _json_records(
    shown: str, content: str, by_line: bool, label: str
) -> tuple[list[dict], list[Problem]]:
    """The records of a JSON file, or the problems that keep it from being read."""
    if not by_line:
        try:
            data = json.loads(content)
        except json.JSONDecodeError as error:
            if not error.msg.startswith("Extra data"):  # "Extra data": one record per line
                return [], [_damaged(shown, error.lineno)]
            by_line = True
    if by_line:
        values, bad = [], []
        for number, line in enumerate(content.splitlines(), 1):
            if line.strip():
                try:
                    values.append(json.loads(line))
                except json.JSONDecodeError:
                    bad.append((len(values) + len(bad) + 1, number))
        if bad and not values:  # not one record per line: one document over several lines?
            try:
                values = [json.loads(content)]
            except json.JSONDecodeError as error:
                return [], [_damaged(shown, error.lineno)]
        elif bad:
            problems = [
                Problem(
                    shown,
                    record,
                    None,
                    f"record {record} (line {line}) is not readable JSON; download the file "
                    "again, or delete the damaged line",
                )
                for record, line in bad[:MAX_SHOWN]
            ]
            if len(bad) > MAX_SHOWN:
                more = len(bad) - MAX_SHOWN
                problems.append(Problem(shown, None, None, f"… and {more:,} more such lines"))
            return [], problems
        one = values[0] if len(values) == 1 else None
        data = one if isinstance(one, list) or _answer(one) is not None else values
    records = _answer(data) if isinstance(data, dict) else data
    failed = isinstance(data, dict) and (data.get("success") is False or data.get("error"))
    if (
        failed
        or not isinstance(records, list)
        or (records and not any(isinstance(r, dict) for r in records))
    ):
        said = _said(data)
        said = f" (it says: {said!r})" if said else ""
        problem = (
            f"holds no records{said}: {label} in JSON is a list of records, or an API's answer "
            'with its records in a "data" list; download the records again'
        )
        return [], [Problem(shown, None, None, problem)]
    bad = [n for n, record in enumerate(records, 1) if not isinstance(record, dict)]
    problems = [
        Problem(
            shown, n, None, f"record {n} is not a record of named fields ({_short(records[n - 1])})"
        )
        for n in bad[:MAX_SHOWN]
    ]
    if len(bad) > MAX_SHOWN:
        more = len(bad) - MAX_SHOWN
        problems.append(Problem(shown, None, None, f"… and {more:,} more such records"))
    return records, problems


def _answer(data) -> list | None:
    """The records of an API's answer (ACLED's: ``{"status": 200, "data": [...]}``), else None."""
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        return data["data"]
    return None


def _damaged(shown: str, line: int) -> Problem:
    problem = (
        f"is not readable JSON: it is damaged or cut short near line {line}; download it again"
    )
    return Problem(shown, None, None, problem)


def _said(data) -> str:
    """What an API's answer without records says (its error or message), briefly."""
    if isinstance(data, dict):
        for key in ("error", "message", "messages", "errors", "detail"):
            if key in data:
                value = data[key]
                found = value if isinstance(value, str) else _said(value)
                if found:
                    return found[:200]
    if isinstance(data, list) and data:
        return _said(data[0])
    return ""


def _short(value) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def _json_text(value) -> str:
    """A JSON value as the CSV export writes it: ``1``, not ``1.0``; null as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return json.dumps(value, ensure_ascii=False)  # a list or an object, kept as written


# -- workbooks -------------------------------------------------------------------------------


def _read_workbook(
    path: Path,
    raw: bytes,
    required: tuple[str, ...],
    used: tuple[str, ...],
    label: str,
    aliases: dict[str, str],
) -> tuple[pd.DataFrame, list[Problem], str]:
    """The first sheet of a workbook whose header has the required columns, every cell as text.

    Read by calamine (Rust) through pandas: several times faster than
    openpyxl on GTD's 200,000 × 135 sheet, and without openpyxl's style
    warnings. Workbooks calamine refuses (some LibreOffice wrote) are read
    by openpyxl. The header may follow up to ten rows of title text; HDX's
    row of HXL hashtags under it is skipped.
    """
    shown = str(path)
    wanted = set(used)

    def keep(column) -> bool:  # the columns used, and a nameless first one to tell apart
        return _header([column], aliases)[0] in wanted or column == "Unnamed: 0"

    for engine in ("calamine", "openpyxl"):
        try:  # a damaged file raises many kinds of error; calamine refuses what openpyxl reads
            book = _quietly(pd.ExcelFile, io.BytesIO(raw), engine=engine)
            sheets = [str(name) for name in book.sheet_names]
            # The first sheet, header on row 1: the common case, read once.
            name, row = sheets[0], 0
            sheet = _quietly(book.parse, name, header=row, usecols=keep, dtype=object)
        except Exception:
            continue
        if not all(n in _header(sheet.columns, aliases) for n in required):
            try:
                heads = {
                    s: _quietly(book.parse, s, header=None, nrows=_TITLE_ROWS + 1, dtype=object)
                    for s in sheets
                }
            except Exception:
                continue
            found = _find_header(heads, required, aliases)
            if found is None:  # no sheet holds the columns
                return _frame(), _sheet_problems(shown, heads, required, aliases, label), WORKBOOK
            name, row = found
            try:
                sheet = _quietly(book.parse, name, header=row, usecols=keep, dtype=object)
            except Exception:
                continue
        break
    else:
        return _frame(), [Problem(shown, None, None, _UNREADABLE_WORKBOOK)], WORKBOOK
    first = [_cell_text(v) for v in sheet.iloc[0]] if len(sheet) else []
    hxl = _is_hxl(first, list(sheet.columns))
    if hxl:
        sheet = sheet.iloc[1:].reset_index(drop=True)
    notes = _sheet_notes(sheets, name, row, hxl, label)
    if "Unnamed: 0" in sheet.columns:
        position = list(sheet.columns).index("Unnamed: 0")
        index = sheet.pop("Unnamed: 0")
        counted = _counts_rows(pa.array(_sheet_text(index), pa.string()))
        if position == 0 and counted is not None:
            notes.append(f"column A of sheet {name!r} has no name and {counted}: ignored")
    sheet.columns = _header(sheet.columns, aliases)
    frame = pd.DataFrame({c: _sheet_text(sheet[c]) for c in sheet.columns})
    frame["_row"] = np.arange(1, len(frame) + 1)
    attrs = {"sha256": hashlib.sha256(raw).hexdigest(), "notes": notes, "sheet": name}
    # Record 1 is on the sheet row after the header (and after HDX's hashtags).
    return _frame(frame, line_offset=row + 1 + hxl, **attrs), [], WORKBOOK


def _quietly(call, *args, **kwargs):
    """A reader's call without its warnings: they are not the analyst's business."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kwargs)


def _head_rows(head: pd.DataFrame):
    """The first rows of a sheet, each cell as text, with their positions."""
    for position in range(min(len(head), _TITLE_ROWS + 1)):
        yield position, [_cell_text(v) for v in head.iloc[position]]


def _find_header(heads: dict[str, pd.DataFrame], required, aliases) -> tuple[str, int] | None:
    """(sheet, row) of the first header holding every required column, or None."""
    for name, head in heads.items():
        for position, cells in _head_rows(head):
            names = _header(cells, aliases)
            if all(n in names for n in required):
                return name, position
    return None


def _sheet_problems(shown: str, heads, required, aliases, label: str) -> list[Problem]:
    """No sheet holds the columns: the counts a sheet holds instead, or what the closest lacks."""
    best, best_sheet, best_row, most = [], next(iter(heads), ""), 1, 0
    for name, head in heads.items():
        for position, cells in _head_rows(head):
            names = _header(cells, aliases)
            if _is_aggregated(names):
                return [Problem(shown, None, None, _aggregated(label, f"sheet {name!r}"))]
            if (found := sum(n in names for n in required)) > most:
                best, best_sheet, best_row, most = names, name, position + 1, found
    missing = [n for n in required if n not in best]
    if len(heads) == 1:
        return _missing(shown, best_row, best, missing, label, f"sheet {best_sheet!r}")
    sheets = ", ".join(repr(name) for name in heads)
    return _missing(shown, None, best, missing, label, f"any sheet: {sheets}")


def _sheet_notes(sheets: list[str], name: str, row: int, hxl: bool, label: str) -> list[str]:
    notes = []
    if len(sheets) > 1:
        skipped = sheets[: sheets.index(name)]
        before = f" (skipped: {', '.join(repr(s) for s in skipped)})" if skipped else ""
        notes.append(f"sheet {name!r} read: the first with the columns of {label}{before}")
    if row:
        rows = "row" if row == 1 else f"{row} rows"
        notes.append(
            f"the header is on row {row + 1} of sheet {name!r}: the {rows} of title above it "
            "skipped"
        )
    if hxl:
        notes.append(
            f"row {row + 2} of sheet {name!r} holds HDX's HXL hashtags, not an event: skipped"
        )
    return notes


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


# -- CSV, line by line -----------------------------------------------------------------------


def _is_decoding(problems: list[Problem]) -> bool:
    return any("is not" in p.message and "text" in p.message for p in problems)


def _read_slowly(
    raw: bytes, shown: str, encoding: str, names: list[str], hxl: bool = False
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read with the csv module to name file-level problems by line."""
    try:
        text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return pd.DataFrame(), [Problem(shown, line, None, f"is not UTF-8 text ({error.reason})")]
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    if hxl:
        next(reader, None)
    rows, problems, line = [], [], reader.line_num
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
    """The file line each row starts on (header: line 1), counting multi-line fields.

    HDX's row of HXL hashtags under the header is no row: it is skipped, as on reading.
    """
    text = path.read_bytes().decode("utf-8-sig" if encoding == "utf-8" else encoding)
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
