"""What an export's header and first rows say: column names, HXL hashtags, row numbers, aggregated counts."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..csvfile import CONTROL_CHARACTERS
from ..exceptions import Problem

__all__ = ["EMPTY_MARKS", "JSON", "MAX_SHOWN", "WORKBOOK"]

#: Lines shown per column and message before "… and N more rows with the same problem".
MAX_SHOWN = 5

#: What R, pandas and spreadsheets write in an empty cell: read as empty, never as a value.
EMPTY_MARKS = ("NA", "N/A", "n/a", "NULL", "null", "nan", "NaN", "NAN", "None", "#N/A", "<NA>")
_EMPTY = pa.array(EMPTY_MARKS, type=pa.string())

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


#: Control characters (not tab, LF, CR): the data's checks refuse them in a cell.
CONTROLS = CONTROL_CHARACTERS


def _cleaned(column):
    trimmed = pc.utf8_trim_whitespace(_without_controls(column))
    return pc.if_else(pc.is_in(trimmed, value_set=_EMPTY), "", trimmed)


def _without_controls(column):
    """``column`` with each control character a space: an export's text, not ours to refuse.

    The bytes are looked at first; the replacing pass is made only for a
    column that holds one (none of twelve real exports does).
    """
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    for chunk in chunks:
        data = chunk.buffers()[2] if len(chunk) else None
        if data is not None and len(data) and np.frombuffer(data, dtype=np.uint8).min() < 32:
            return pc.replace_substring_regex(column, CONTROLS, " ")
    return column


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
    spare = [str(n) for n in names if n not in missing]
    problems = [
        Problem(shown, line, n, f"missing column; {label} has it{where}{_closest(n, spare)}")
        for n in missing
    ]
    # Only a text file's columns can be split wrongly; a workbook's are cells.
    separated = next(
        (s for s in (";", "\t", "|") if not sheets and len(names) == 1 and s in str(names[0])),
        None,
    )
    if separated is not None:
        shown_as = {"\t": "tabs"}.get(separated, f"'{separated}'")
        return [
            Problem(
                shown, line, None,
                f"its columns are separated by {shown_as}, not commas (a spreadsheet saved "
                "with other regional settings); save it as CSV UTF-8 with commas and import that",
            )
        ]  # fmt: skip
    other = _other_dataset(names, label)
    if other is not None:
        # The likeliest mistake first: the right file given to the wrong importer.
        problems.insert(0, Problem(shown, line, None, other))
    return problems


def _closest(name: str, names: list[str]) -> str:
    """A hint naming the header's column written like ``name`` ("Event Date" for event_date).

    Letters and digits alike, nothing else: a near spelling would point
    event_type to event_date, or actor1 to actor2.
    """
    bare = _bare(name)
    same = [n for n in names if _bare(n) == bare]
    return f"; is it {same[0]!r}?" if same else ""


def _bare(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


#: Columns only one dataset's exports have, and the command that imports it.
_SIGNATURES = (
    ({"event_id_cnty"}, "an ACLED export", "sahel-nb import acled"),
    ({"eventid", "iyear"}, "a GTD export", "sahel-nb import gtd"),
    ({"side_a", "date_prec"}, "a UCDP GED export", "sahel-nb import ucdp"),
)


def _other_dataset(names, label: str) -> str | None:
    """What a header says the file is, when it is another dataset's export than ``label``."""
    lowered = {str(n).strip().lower() for n in names}
    for columns, what, command in _SIGNATURES:
        if columns <= lowered and what != label:
            return f"looks like {what}, not {label}: import it with {command}"
    return None


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
