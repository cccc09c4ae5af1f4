"""Cell values as text: what counts as blank, and columns as Arrow strings."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or value == ""


def _blank_as_null(values: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(values, ""), pa.scalar(None, values.type), values)


_STRING = pd.ArrowDtype(pa.string())


def _text_series(array, index: pd.Index) -> pd.Series:
    # Keep Arrow's own string width: converting a million rows to another costs a copy.
    return pd.Series(array, index=index, dtype=pd.ArrowDtype(array.type))


def _text(values: pd.Series, *, whole: bool = True) -> pa.Array:
    """A column as an Arrow string array, whatever its pandas type.

    ``whole=False`` keeps the column's chunks as they are, for a kernel that
    takes them: combining copies a million rows of text.
    """
    array = pa.array(values, from_pandas=True)
    if whole and isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array if array.type in (pa.string(), pa.large_string()) else pc.cast(array, pa.string())
