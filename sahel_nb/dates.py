"""Partial dates (``2003``, ``2009-12``, ``2008-02-29``): checking them and their spans."""

from __future__ import annotations

import pandas as pd

__all__ = ["PARTIAL_DATE_PATTERN", "partial_date_span"]

#: A year, a year and month, or a full day, as written in the data.
PARTIAL_DATE_PATTERN = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"


def partial_date_span(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return the first and last day each partial date covers.

    A year spans 1 January to 31 December, a month its first to its last
    day, a day itself. Both ends are inclusive. Values that are not a real
    partial date (``2003-13``, ``2003-02-30``, ``March 2003``) and empty
    values give NaT at both ends; the caller tells them apart.

    Examples
    --------
    >>> start, end = partial_date_span(pd.Series(["2003", "2009-12", "2008-02-29"]))
    >>> [d.strftime("%Y-%m-%d") for d in end]
    ['2003-12-31', '2009-12-31', '2008-02-29']
    """
    text = values.astype("str")
    shape_ok = text.str.fullmatch(PARTIAL_DATE_PATTERN).fillna(False).astype(bool)
    length = text.str.len()
    padded = text.where(length != 4, text + "-01-01").where(length != 7, text + "-01")
    padded = padded.where(shape_ok)
    start = pd.to_datetime(padded, format="%Y-%m-%d", errors="coerce")
    end = start.copy()
    is_year = shape_ok & (length == 4)
    is_month = shape_ok & (length == 7)
    if is_year.any():
        end[is_year] = start[is_year] + pd.offsets.YearEnd(0)
    if is_month.any():
        end[is_month] = start[is_month] + pd.offsets.MonthEnd(0)
    return start, end
