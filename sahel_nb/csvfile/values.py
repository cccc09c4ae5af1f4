"""Cells as text and numbers: Arrow string columns, the csv reader, number parsing."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "MAX_CELL",
    "NUMBER_PATTERN",
    "arrow_text",
    "csv_reader",
    "number_series",
    "parse_number",
    "text_buffers",
]

#: A plain decimal number: no thousands separators, no currency sign.
NUMBER_PATTERN = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"

# pyarrow's reader tells short and long rows apart from empty fields (pandas
# pads short rows silently), reads quoted newlines, and reads every column as
# text as fast as pandas.read_csv infers types (pandas 3.1, a million rows).
# Large strings (64-bit offsets) are what pandas' own "str" columns hold, so the
# typed tables take the text over without copying a million rows of it.
_STRING = pd.ArrowDtype(pa.large_string())
_TEXT_TYPES = (pa.string(), pa.large_string())
#: Kinds of column whose text the typed tables never keep (numbers, vocabularies,
#: lists): read with 32-bit offsets, half the memory of a column's offsets,
#: as nothing then needs pandas' large strings of them (40 MB on a million events).
_NARROW_KINDS = frozenset(
    {"vocab", "reliability", "credibility", "geo_precision", "count", "year", "latitude",
     "longitude", "amount", "bool", "list", "refs"}
)  # fmt: skip
_NARROW = pd.ArrowDtype(pa.string())
_AS_READ = {pa.large_string(): _STRING, pa.string(): _NARROW}.get
_REPLACEMENT = "\ufffd"

#: The most characters a cell may hold: the csv module's default field limit.
#: The report's own readers and an analyst's csv.reader stop at it, so a longer
#: cell would pass here and then crash every report run.
MAX_CELL = 131_072


def _own_csv():
    # The field limit of Python's csv module is process-wide: lifting it for
    # every caller would also lift it for the import of untrusted exports.
    # A second instance of the C module keeps its own limit (module state
    # since Python 3.10), so only the readers here take cells of any size;
    # tests/test_csvfile.py checks that the process-wide limit stays.
    spec = importlib.util.find_spec("_csv")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.field_size_limit(2**31 - 1)  # fits a C long everywhere; Arrow's ceiling too
    return module


_CSV = _own_csv()


def csv_reader(handle):
    """Return a ``csv.reader`` over ``handle`` that reads cells of any size.

    Unlike ``csv.reader``, no cell stops it at 131,072 characters, and the
    limit of every other reader in the process stays as it was.
    """
    return _CSV.reader(handle)


def arrow_text(values) -> pa.Array:
    """Return a text column as an Arrow string array (zero-copy for Arrow-backed columns)."""
    array = pa.array(values, from_pandas=True)
    return array if array.type in _TEXT_TYPES else pc.cast(array, pa.string())


def parse_number(values) -> tuple[pa.Array, pa.Array]:
    """Return (looks like a number, its float64 value or null) for each text value."""
    text = arrow_text(values)
    try:
        # Arrow's cast reads what the pattern allows plus nan and inf spellings,
        # so a column that casts to finite numbers is valid: no regex pass needed.
        numbers = pc.cast(text, pa.float64())
    except pa.ArrowInvalid:
        numbers = None
    if numbers is not None and pc.all(pc.is_finite(numbers)).as_py() is not False:
        return pc.is_finite(numbers), numbers
    ok = pc.match_substring_regex(text, f"^{NUMBER_PATTERN}$")
    return ok, pc.cast(pc.if_else(ok, text, None), pa.float64())


def number_series(values: pd.Series) -> pd.Series:
    """Return text values as float64 numbers, NaN where empty or not a number."""
    numbers = parse_number(values)[1].to_numpy(zero_copy_only=False)
    return pd.Series(numbers, index=values.index, dtype="float64", copy=False)


def text_buffers(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """A text chunk's offsets (each cell's start, then the last's end) and bytes, as Arrow keeps them.

    None for a chunk of no text (empty, all null, not a string type). The
    bytes are the whole buffer: a cell is ``data[at[i]:at[i + 1]]``.

    Examples
    --------
    >>> at, data = text_buffers(pa.array(["ab", "c"]))
    >>> at.tolist(), bytes(data[at[1] : at[2]])
    ([0, 2, 3], b'c')
    """
    if chunk.type not in _TEXT_TYPES or not len(chunk):
        return None
    _, offsets, data = chunk.buffers()
    if data is None:
        return None
    width = np.int64 if chunk.type == pa.large_string() else np.int32
    at = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
    return at, np.frombuffer(data, dtype=np.uint8)
