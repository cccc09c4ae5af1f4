"""Spreadsheet cells safe to open: text a spreadsheet would run as a formula is neutralised.

:func:`neutralise` (cell by cell :func:`safe_cell`) is the one guard against
formula injection of every CSV and xlsx table the package exports.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["neutralise", "safe_cell"]

# OWASP's list (= + - @, tab, carriage return), and the same signs behind
# spaces or line breaks: an import that trims leading blanks would make
# " =1+1" a formula too.
_FORMULA_START = re.compile(r"[\t\r]|[ \t\r\n]*[=+\-@]")
# A plain negative number is read as that number, never as a formula: "-5",
# "-3.2" and "-1e5" keep their value rather than becoming text.
_NEGATIVE_NUMBER = re.compile(r"-(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value):
    r"""``value`` as a spreadsheet may show it without running it.

    Text a spreadsheet could take for a formula (starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return, or with spaces before one of
    those) gets a leading apostrophe, as OWASP advises; a plain negative
    number (``-5``, ``-3.2``) stays as it is, and so does anything not text.

    Examples
    --------
    >>> [safe_cell(v) for v in ["=1+1", " @SUM(A1)", "\tx", "-2+3", "-5", "-3.2", -5, "ok"]]
    ["'=1+1", "' @SUM(A1)", "'\tx", "'-2+3", '-5', '-3.2', -5, 'ok']
    """
    if (
        isinstance(value, str)
        and _FORMULA_START.match(value)
        and not _NEGATIVE_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy safe to open in a spreadsheet: every text cell through :func:`safe_cell`.

    Column labels, index labels and the names of both axes are treated as
    cells too, since a CSV or sheet writes them as its header and first
    column. Numeric, boolean and date columns are left exactly as they are;
    list cells are joined with ``|`` first.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": ["=1+1", "ok"], "@b": [-5, 3]})
    >>> safe = neutralise(frame)
    >>> safe.to_dict("list")
    {'a': ["'=1+1", 'ok'], "'@b": [-5, 3]}
    """
    safe = frame.copy()
    # By position: two labels may read the same once prefixed, or already did.
    for position in range(safe.shape[1]):
        values = safe.iloc[:, position]
        if _untouched(values.dtype):
            continue
        text = values.map(
            lambda v: "|".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v
        )
        text = text.astype(object).where(text.notna(), None)
        safe.isetitem(position, [safe_cell(v) for v in text])
    safe.columns = _safe_labels(safe.columns)
    safe.index = _safe_labels(safe.index)
    return safe


def _untouched(dtype) -> bool:
    """Whether values of ``dtype`` can never be text: numbers, booleans, dates."""
    return (
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
        or pd.api.types.is_timedelta64_dtype(dtype)
    )


def _safe_labels(labels: pd.Index) -> pd.Index:
    """``labels`` and their names through :func:`safe_cell`; numeric or date labels kept as they are."""
    names = [safe_cell(name) for name in labels.names]
    if isinstance(labels, pd.MultiIndex):
        levels = [labels.get_level_values(i) for i in range(labels.nlevels)]
        return pd.MultiIndex.from_arrays(
            [level if _untouched(level.dtype) else level.map(safe_cell) for level in levels],
            names=names,
        )
    if _untouched(labels.dtype):
        return labels.set_names(names)
    return labels.map(safe_cell).set_names(names)
