"""Excel workbooks read as exports: the sheet with the columns, calamine then openpyxl, cells as CSV text."""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..exceptions import Problem
from .layout import (
    _TITLE_ROWS,
    _UNREADABLE_WORKBOOK,
    CONTROLS,
    EMPTY_MARKS,
    WORKBOOK,
    _aggregated,
    _counts_rows,
    _frame,
    _header,
    _is_aggregated,
    _is_hxl,
    _missing,
)  # fmt: skip

__all__ = ["read_workbook"]


def read_workbook(
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
    first: list[str] | None = None  # what the file is, when no row holds a column asked for
    for name, head in heads.items():
        for position, cells in _head_rows(head):
            names = _header(cells, aliases)
            first = names if first is None else first
            if _is_aggregated(names):
                return [Problem(shown, None, None, _aggregated(label, f"sheet {name!r}"))]
            if (found := sum(n in names for n in required)) > most:
                best, best_sheet, best_row, most = names, name, position + 1, found
    missing = [n for n in required if n not in best]
    best = best or first or []
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
    return re.sub(CONTROLS, " ", str(value)).strip()
