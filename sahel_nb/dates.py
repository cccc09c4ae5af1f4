"""Partial and uncertain dates (``2003``, ``2009-12``, ``2006-09/2006-10``, ``2003~``) and their spans."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "DATE_HINT",
    "PARTIAL_DATE_PATTERN",
    "date_spans",
    "date_words",
    "in_window",
    "is_approximate",
    "overlaps",
    "partial_date_span",
    "spans_by_value",
    "window_bounds",
]

#: A year, a year and month, or a full day, as written in the data.
PARTIAL_DATE_PATTERN = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"

#: What a bad date's message asks for.
DATE_HINT = (
    "write YYYY, YYYY-MM or YYYY-MM-DD, or EDTF: an interval 2006-09/2006-10, "
    "approximate 2003~, uncertain 2008?"
)


_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_SECONDS_A_DAY = 86_400
_NAT = np.iinfo(np.int64).min


def _days_from_civil(year, month, day):
    """Days since 1970-01-01 of a proleptic Gregorian date, vectorised.

    Integer arithmetic (H. Hinnant's algorithm) is several times faster than
    numpy's calendar conversions on a million dates.
    """
    year = year - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def _part(text, start: int, stop: int, present, default: int) -> np.ndarray:
    digits = pc.if_else(present, pc.utf8_slice_codeunits(text, start, stop), str(default))
    return np.asarray(pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False))


def partial_date_span(values) -> tuple[pd.Series, pd.Series]:
    """Return the first and last day each partial or EDTF date covers.

    A year spans 1 January to 31 December, a month its first to its last
    day, a day itself; an interval (``2006-09/2006-10``) from the first day of
    its start to the last day of its end, an open end (``2003/..``) being NaT.
    Approximate and uncertain dates (``2003~``, ``2008?``) span what they
    name, as EDTF's strict bounds do. Both ends are inclusive. Values that are
    not a real date (``2003-13``, ``2003-02-30``, ``March 2003``, an interval
    ending before it starts) and empty values give NaT at both ends.

    Examples
    --------
    >>> start, end = partial_date_span(pd.Series(["2003", "2009-12", "2006-09/2006-10"]))
    >>> [d.strftime("%Y-%m-%d") for d in end]
    ['2003-12-31', '2009-12-31', '2006-10-31']
    """
    start, end, _ = date_spans(values)
    return start, end


def date_spans(values) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Like :func:`partial_date_span`, plus which values are reversed intervals.

    Examples
    --------
    >>> _, _, reversed_ = date_spans(pd.Series(["2007/2006", "2006/2007"]))
    >>> reversed_.tolist()
    [True, False]
    """
    index = values.index if isinstance(values, pd.Series) else None
    position, first, last, backwards = spans_by_value(values)
    return (
        pd.Series(first[position], index=index, copy=False),
        pd.Series(last[position], index=index, copy=False),
        pd.Series(backwards[position], index=index, copy=False),
    )


def spans_by_value(values) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The spans of each distinct value, and each row's position among them.

    Returns ``(position, first, last, backwards)``: ``first[position]`` is
    each row's first day, and so on; the last distinct value is the empty
    one. A check can judge the few distinct values instead of every row.

    Examples
    --------
    >>> position, first, last, backwards = spans_by_value(pd.Series(["2003", "2003", None]))
    >>> position.tolist(), backwards.tolist()
    ([0, 0, 1], [False, False])
    """
    text = pa.array(values, from_pandas=True)
    if text.type not in (pa.string(), pa.large_string()):
        text = pc.cast(text, pa.string())
    # A million dates hold a few thousand distinct values: parse each once.
    # One hashing pass (dictionary_encode) gives the distinct values and each
    # row's position among them; empty cells point at a null appended last.
    if not isinstance(text, pa.ChunkedArray):
        text = pa.chunked_array([text], type=text.type)
    encoded = pc.dictionary_encode(text)
    if not _one_dictionary(encoded):
        encoded = encoded.unify_dictionaries()
    distinct = encoded.chunk(0).dictionary if encoded.num_chunks else pa.array([], text.type)
    distinct = pa.concat_arrays([distinct, pa.nulls(1, distinct.type)])
    indices = [chunk.indices for chunk in encoded.chunks]
    position = pc.fill_null(pa.chunked_array(indices, type=pa.int32()), len(distinct) - 1)
    first, last, backwards = _span(distinct)
    return position.to_numpy(), first, last, backwards


def _one_dictionary(encoded: pa.ChunkedArray) -> bool:
    """Whether every chunk shares one dictionary (the same memory), as Arrow's encoding gives.

    Unifying them anyway hashes each chunk's dictionary again: 0.03 s for
    the 184 chunks of a million dates.
    """
    shared = {
        (
            chunk.dictionary.offset,
            len(chunk.dictionary),
            *(None if b is None else b.address for b in chunk.dictionary.buffers()),
        )
        for chunk in encoded.chunks
    }
    return len(shared) <= 1


def is_approximate(values: pd.Series) -> pd.Series:
    """Which dates carry EDTF's approximate or uncertain marks (``~``, ``?``, ``%``).

    Examples
    --------
    >>> is_approximate(pd.Series(["2003~", "2003", None])).tolist()
    [True, False, False]
    """
    marked = values.astype("string").str.contains(r"[~?%]", regex=True)
    return marked.fillna(False).astype(bool)


def _plain(text) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(written as a plain partial date, a real one, first day, last day) in days since 1970."""
    shaped = pc.fill_null(pc.match_substring_regex(text, f"^{PARTIAL_DATE_PATTERN}$"), False)
    length = pc.fill_null(pc.utf8_length(text), 0)
    has_month = pc.and_(shaped, pc.greater_equal(length, 7))
    has_day = pc.and_(shaped, pc.equal(length, 10))
    year = _part(text, 0, 4, shaped, 1970)
    month = _part(text, 5, 7, has_month, 1)
    day = _part(text, 8, 10, has_day, 1)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = _MONTH_DAYS[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    shaped = np.asarray(shaped)
    real = shaped & (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    first = _days_from_civil(year, month, day)
    last = np.where(
        np.asarray(has_day),
        first,
        np.where(
            np.asarray(has_month),
            _days_from_civil(year, month, month_days),
            _days_from_civil(year, 12, 31),
        ),
    )
    return shaped, real, first, last


def _span(text: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    shaped, real, first, last = _plain(text)
    start = np.where(real, first * _SECONDS_A_DAY, _NAT)
    end = np.where(real, last * _SECONDS_A_DAY, _NAT)
    backwards = np.zeros(len(text), dtype=bool)
    decided = shaped.copy()
    # An interval of two plain dates (ACLED's weeks: 2019-05-06/2019-05-12) is
    # spanned here too: an import holds thousands, and the EDTF parser takes
    # milliseconds for each.
    halves = pc.split_pattern(text, "/")
    two = np.flatnonzero(
        np.asarray(pc.fill_null(pc.equal(pc.list_value_length(halves), 2), False)) & ~shaped
    )
    if two.size:
        pairs = pc.take(halves, pa.array(two))
        left_shaped, left_real, low, _ = _plain(pc.list_element(pairs, 0))
        right_shaped, right_real, _, high = _plain(pc.list_element(pairs, 1))
        plain = left_shaped & right_shaped
        real_pair = plain & left_real & right_real
        reversed_ = real_pair & (low > high)
        fine = real_pair & ~reversed_
        start[two[fine]] = low[fine] * _SECONDS_A_DAY
        end[two[fine]] = high[fine] * _SECONDS_A_DAY
        backwards[two[reversed_]] = True
        decided[two[plain]] = True
    # What is neither goes through the EDTF parser (qualifiers, open ends): a
    # handful of values, where a million plain dates stay vectorised.
    other = np.flatnonzero(~decided & np.asarray(pc.is_valid(text)))
    for at in other:
        value = text[int(at)].as_py()
        # A space around a date is kept by every table that shows it ("2003 "):
        # not a date here, as a space around an id is not an id.
        bounds = _edtf_days(value) if value == value.strip() else None
        if bounds is None:
            continue
        low, high = bounds
        if low is not None and high is not None and low > high:
            backwards[at] = True
            continue
        start[at] = _NAT if low is None else low * _SECONDS_A_DAY
        end[at] = _NAT if high is None else high * _SECONDS_A_DAY
    return start.view("datetime64[s]"), end.view("datetime64[s]"), backwards


_EPOCH = date(1970, 1, 1).toordinal()


# Kept per value: the EDTF parser takes 6-10 ms a value, and a folder's few
# dozen qualified dates are parsed again at every load (an import loads twice).
@lru_cache(maxsize=4096)
def _edtf_days(value: str) -> tuple[int | None, int | None] | None:
    """Strict bounds of an EDTF value in days since 1970, None for an open end.

    None when the value is not EDTF. Only what a source can write is taken:
    a date, an interval of dates, and the level-1 qualifiers.
    """
    from edtf import parse_edtf
    from edtf.parser.edtf_exceptions import EDTFParseException

    value = value.strip()
    if not value or not re.fullmatch(r"[0-9X/.~?%-]+", value):
        return None
    try:
        parsed = parse_edtf(value)
        low, high = parsed.lower_strict(), parsed.upper_strict()
    except (EDTFParseException, ValueError, TypeError, AttributeError, OverflowError):
        return None

    def days(bound) -> int | None:
        if not hasattr(bound, "tm_year"):
            return None  # an open or unknown end (EDTF gives infinity)
        try:
            return date(bound.tm_year, bound.tm_mon, bound.tm_mday).toordinal() - _EPOCH
        except ValueError:
            return None

    first, last = days(low), days(high)
    if first is None and last is None:
        return None
    return first, last


def window_bounds(start=None, end=None) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Turn a window given as partial dates into its first and last day.

    ``end="2006-03"`` ends on 31 March 2006; None or "" leaves that side open.
    A start after the end is an error, not an empty window: it is a slip.

    Examples
    --------
    >>> window_bounds("2003", "2006-02")
    (Timestamp('2003-01-01 00:00:00'), Timestamp('2006-02-28 00:00:00'))
    """
    from .exceptions import ParameterError

    bounds = []
    for name, value, side in (("start", start, 0), ("end", end, 1)):
        if value is None or (isinstance(value, str) and not value.strip()):
            bounds.append(None)
        elif isinstance(value, pd.Timestamp):
            bounds.append(value)
        else:
            span = partial_date_span(pd.Series([str(value).strip()]))[side][0]
            if pd.isna(span):
                raise ParameterError(f"{name}={value!r} is not a date; {DATE_HINT}")
            bounds.append(span)
    if bounds[0] is not None and bounds[1] is not None and bounds[0] > bounds[1]:
        raise ParameterError(
            f"start={start!r} is after end={end!r}: no date can fall in that window"
        )
    return bounds[0], bounds[1]


def overlaps(first: pd.Series, last: pd.Series, lower, upper) -> pd.Series:
    """Which spans [first, last] touch the window [lower, upper]; NaT or None is open."""
    keep = pd.Series(True, index=first.index)
    if upper is not None:
        keep &= first.isna() | (first <= upper)
    if lower is not None:
        keep &= last.isna() | (last >= lower)
    return keep


def in_window(frame: pd.DataFrame, start=None, end=None, column: str = "date") -> pd.Series:
    """Which rows' partial date ``column`` falls in the window, as a boolean mask.

    A row counts by the whole span its date covers (``2006`` is in a window
    ending ``2006-03``). An undated row is kept only when no window is set:
    its place in time is unknown, so it cannot be said to fall in one.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": ["2003", "2009-12", None]})
    >>> frame["date_start"], frame["date_end"] = partial_date_span(frame["date"])
    >>> in_window(frame, end="2006").tolist(), in_window(frame).tolist()
    ([True, False, False], [True, True, True])
    """
    lower, upper = window_bounds(start, end)
    first, last = frame[f"{column}_start"], frame[f"{column}_end"]
    keep = overlaps(first, last, lower, upper)
    if lower is not None or upper is not None:
        keep &= first.notna()
    return keep


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def date_words(value) -> str:
    """A date as prose says it: ``2003-08~`` → ``about August 2003``; empty → ``undated``.

    Examples
    --------
    >>> [date_words(v) for v in ("2003", "2003-08-19", "2003-08~", "2009?", "199X", None)]
    ['2003', '19 August 2003', 'about August 2003', 'possibly 2009', 'the 1990s', 'undated']
    >>> date_words("2006-09/2006-10"), date_words("2003/.."), date_words("2010-02")
    ('September to October 2006', 'from 2003', 'February 2010')
    """
    if value is None or not isinstance(value, str) or not value.strip():
        return "undated"
    text = value.strip()
    if "/" in text:
        start, _, end = text.partition("/")
        if end in ("", ".."):
            return f"from {date_words(start)}"
        if start in ("", ".."):
            return f"until {date_words(end)}"
        first, last = date_words(start), date_words(end)
        year = start[:4]
        if start[:4] == end[:4] and first.endswith(year) and last.endswith(year):
            first = first.removesuffix(f" {year}")
        return f"{first} to {last}"
    prefix = ""
    if text[-1:] in "~?%":
        prefix = {"~": "about ", "?": "possibly ", "%": "possibly about "}[text[-1]]
        text = text[:-1]
    if re.fullmatch(r"\d{3}X", text):
        return f"{prefix}the {text[:3]}0s"
    if re.fullmatch(r"\d{2}XX", text):
        return f"{prefix}the {int(text[:2]) + 1}th century"
    parts = text.split("-")
    try:
        if len(parts) == 3:
            said = f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
        elif len(parts) == 2:
            said = f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
        else:
            said = parts[0]
    except (ValueError, IndexError):
        said = text  # not a date this function knows: as written, never guessed
    return prefix + said
