"""Running a table's pandera schema, in two threads on large tables, and its failures as problems."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pandas as pd
from pandera.errors import SchemaErrors

from ..csvfile import RawTable
from ..schema import Table
from .columns import _DUPLICATE, pandera_schema


def _shown(value) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


#: From this many rows, a table's columns are checked (and its references
#: looked up, its columns typed) in two threads: Arrow's kernels, most of the
#: work, let go of the GIL, so the columns overlap.
PARALLEL_ROWS = 200_000

#: Rough cost of a column's checks, relative to a vocabulary's, by kind. Ids
#: are matched row by row and sorted, dates and numbers parsed: on a million
#: events the id alone costs as much as a dozen vocabularies.
_COST = {"id": 10, "partial_date": 5, "latitude": 4, "longitude": 4, "amount": 4}
#: Kinds with no check of their own (references are checked across tables).
_UNCHECKED = ("ref", "refs", "text", "speaker")


def _failures(raw: RawTable, columns: list[str]) -> pd.DataFrame | None:
    """pandera's failure cases of ``columns``, or None when they pass."""
    try:
        pandera_schema(raw.table, columns, raw.parsed).validate(raw.frame, lazy=True)
    except SchemaErrors as errors:
        return errors.failure_cases
    return None


def _batches(table: Table, columns: list[str]) -> list[list[str]]:
    """The columns in batches for the threads, costliest first.

    Threads take the next batch as they finish one, so the two stay busy to
    the end; alternate halves of the columns left one thread with the id,
    the date and a coordinate, and the other idle for a third of the time.
    """
    kinds = {name: table.get(name).kind for name in columns}
    unchecked = [name for name in columns if kinds[name] in _UNCHECKED]
    checked = sorted(
        (name for name in columns if kinds[name] not in _UNCHECKED),
        key=lambda name: -_COST.get(kinds[name], 1),
    )
    return [[name] for name in checked] + ([unchecked] if unchecked else [])


def _schema_problems(raw: RawTable) -> None:
    columns = list(raw.frame.columns)
    if len(raw.frame) >= PARALLEL_ROWS and len(columns) > 1:
        with ThreadPoolExecutor(2) as pool:
            found = list(pool.map(partial(_failures, raw), _batches(raw.table, columns)))
    else:
        found = [_failures(raw, columns)]
    found = [cases for cases in found if cases is not None]
    if found:
        cases = pd.concat(found, ignore_index=True) if len(found) > 1 else found[0]
        duplicates = cases[cases["check"] == _DUPLICATE]
        for case in cases[cases["check"] != _DUPLICATE].itertuples():
            if (case.index, case.column) in raw.mangled:
                continue
            if case.index is None or pd.isna(case.index):
                raw.problem(None, case.column, f"could not be checked: {case.failure_case}")
            elif case.check == "not_nullable":
                raw.problem(raw.line(int(case.index)), case.column, "is empty; a value is required")
            else:
                raw.problem(
                    raw.line(int(case.index)), case.column, case.check, _shown(case.failure_case)
                )
        for (column, value), group in duplicates.groupby(["column", "failure_case"], sort=False):
            lines = sorted(raw.line(int(i)) for i in group["index"])
            for line in lines[1:]:
                raw.problem(line, column, f"duplicate id; first used on line {lines[0]}", value)
