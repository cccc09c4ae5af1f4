"""Text columns handled in Arrow: membership and citation splitting without Python loops."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["as_str", "cited_pairs", "isin"]

_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default text type, "str"


def _text(values) -> pa.Array:
    if isinstance(values, pd.Series | pd.Index):
        values = values.array
    array = pa.array(values, type=pa.string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def as_str(array: pa.Array):
    """An Arrow text array as pandas' ``str`` column data, without making Python strings.

    Examples
    --------
    >>> pd.Series(as_str(pa.array(["a", "b"]))).dtype
    <StringDtype(na_value=nan)>
    """
    return _STR.__from_arrow__(array)


def isin(values, wanted) -> np.ndarray:
    """``values.isin(wanted)`` in Arrow, as a boolean array; missing values are never in.

    pandas' ``isin`` on Arrow-backed text turns every wanted value into a
    Python object first: seconds for half a million ids.

    Examples
    --------
    >>> isin(pd.Series(["a", "b", None]), {"b", "c"}).tolist()
    [False, True, False]
    """
    if isinstance(wanted, set | frozenset | dict):
        wanted = list(wanted)
    found = pc.is_in(_text(values), value_set=_text(wanted))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def cited_pairs(cited) -> pd.DataFrame:
    """Split ``"src ¶1; other ¶2, ¶3"`` cells into one row per citation: ``source_id``, ``locator``.

    Examples
    --------
    >>> cited_pairs(pd.Series(["guitta-2010 ¶6, ¶14; bbc ¶2", None])).values.tolist()
    [['guitta-2010', '¶6, ¶14'], ['bbc', '¶2']]
    """
    cites = pc.list_flatten(pc.split_pattern(pc.drop_null(_text(cited)), "; "))
    parts = pc.split_pattern(cites, " ", max_splits=1)
    source = pc.list_element(parts, 0)
    # A citation without a locator has no second part: its locator is missing.
    locator = pc.if_else(
        pc.greater(pc.list_value_length(parts), 1),
        pc.list_element(pc.list_slice(parts, 1, 2, return_fixed_size_list=False), 0),
        pa.scalar(None, pa.string()),
    )
    return pd.DataFrame(
        {
            "source_id": pd.Series(source.to_pandas(), dtype=object),
            "locator": pd.Series(locator.to_pandas(), dtype=object),
        }
    )
