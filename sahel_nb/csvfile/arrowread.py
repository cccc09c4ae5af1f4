"""Arrow's fast read of a CSV file, and the checks that make it exact."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from .values import _AS_READ, _TEXT_TYPES

__all__ = ["BLOCK_SIZE", "line_breaks", "one_record_per_line"]


#: Bytes Arrow parses at a time. Four times its default: a million events are
#: 46 chunks a column instead of 184, and every later pass over a column
#: (checks, typing) has that many fewer pieces to go through (0.06 s a load).
BLOCK_SIZE = 4 << 20


def _read_arrow(
    source, header: list[str], invalid: list, size: int, narrow: frozenset = frozenset()
) -> tuple[pd.DataFrame, set[str] | None]:
    # Allowing newlines in values makes Arrow split the file for its threads
    # serially (2.5 times slower on a million rows). Most files have none, so
    # read without, then make sure (one_record_per_line). Where a value holds
    # a line break, a block may end inside it, and Arrow then stops with "out
    # of sync", fails a row, or (about one file of twenty over a megabyte,
    # found by fuzzing; or a line made to look like a record) reads shifted
    # rows without a word; such a file is read again, newlines allowed, which
    # is always exact. A row longer than about two blocks (BLOCK_SIZE each) stops
    # Arrow too, with "straddling object": the file is then read again as one
    # block, which needs no check unless the file outgrows Arrow's largest one.
    # Returns the frame and, when the check of the read saw every value's
    # bytes, the columns holding a control character (else None).
    data = _buffer(source)
    newlines, block_size = False, None
    # The text's UTF-8 and its line breaks are checked while Arrow parses it:
    # Arrow leaves a core idle part of the time, and both are done by the time
    # they are needed. Nothing read is used before the text is known to be UTF-8.
    with ThreadPoolExecutor(1) as pool:
        utf8 = pool.submit(_utf8, data)
        breaks = pool.submit(line_breaks, data)
        while True:
            try:
                try:
                    table = _read_arrow_once(
                        pa.BufferReader(data), header, invalid, newlines, block_size, narrow
                    )
                finally:
                    utf8.result()  # text that is not UTF-8 is what to report, first
                whole = block_size is not None and block_size > len(data)
                if newlines or whole:
                    return _frame(table), None
                # Whether the read is exact is found beside the frame's making.
                low: set[str] = set()
                exact = pool.submit(
                    lambda table=table, low=low: one_record_per_line(
                        data, table, invalid, breaks=breaks.result(), low=low
                    )
                )
                frame = _frame(table)
                if exact.result():
                    return frame, low
                newlines = True
            except pa.ArrowInvalid as error:
                if "out of sync" in str(error) and not newlines:
                    newlines = True
                elif "straddl" in str(error) and block_size is None:
                    block_size = min(size + 1, 2**31 - 1)  # Arrow's ceiling
                else:
                    raise
            invalid.clear()


def _frame(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=_AS_READ)


def _utf8(data: pa.Buffer) -> None:
    """Raise ArrowInvalid unless ``data`` is UTF-8 throughout, checked as one value.

    Arrow's parse then need not check each cell (a fifth of its time on a
    million events): a cell is cut from the text at ASCII commas, quotes and
    line breaks, never inside a character, so a valid text gives valid cells.
    """
    offsets = pa.py_buffer(np.array([0, data.size], dtype=np.int64))
    pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, data]).cast(pa.large_string())


def _buffer(source) -> pa.Buffer:
    """The bytes to read: a file memory-mapped (not copied), or the bytes given."""
    if isinstance(source, str | Path):
        return pa.memory_map(str(source)).read_buffer()
    return pa.py_buffer(source)


#: Bytes counted at a time when telling lines apart: the count's temporaries stay small.
_STEP = 1 << 22


def line_breaks(data: pa.Buffer) -> tuple[int, int]:
    r"""The lines of ``data`` (LF bytes, and a last line without one) and its CR bytes.

    Examples
    --------
    >>> line_breaks(pa.py_buffer(b"a,b\r\n1,2"))
    (2, 1)
    """
    view = np.frombuffer(data, dtype=np.uint8)
    lines = carriage = 0
    # Both counted on each step while it is in the cache: one pass over memory.
    for at in range(0, len(view), _STEP):
        step = view[at : at + _STEP]
        lines += int(np.count_nonzero(step == 10))
        carriage += int(np.count_nonzero(step == 13))
    if len(view) and view[-1] != 10:
        lines += 1
    return lines, carriage


def one_record_per_line(
    data: pa.Buffer,
    table: pa.Table,
    invalid: list,
    skip: int = 1,
    breaks: tuple[int, int] | None = None,
    low: set[str] | None = None,
) -> bool:
    r"""Whether ``table``, read from ``data`` without newlines in values, is each record on its own line.

    What makes such a read exact: the file's lines (ending in LF or CRLF) are
    its ``skip`` header lines and one per row read, no row failed, and no
    value read holds a line break. A value with a line break that a block
    ended inside is either kept cut, its break in it, or dropped with the
    rest read as a row of its own: one of the three then fails. A lone CR, a
    blank line or a failed row fail it too, and the file is read the exact way.
    ``breaks`` is :func:`line_breaks` of ``data``, when already counted.
    ``low``, when given and the read is found exact, gains the columns whose
    values hold a byte below 32 (:func:`_breaks_in_values` sees them all).

    Examples
    --------
    >>> import pyarrow.csv as pacsv
    >>> data = pa.py_buffer(b"a,b\r\n1,2\r\n")
    >>> one_record_per_line(data, pacsv.read_csv(pa.BufferReader(data)), [])
    True
    >>> data = pa.py_buffer(b'a,b\n1,"two\nlines"\n')
    >>> one_record_per_line(data, pacsv.read_csv(pa.BufferReader(data)), [])
    False
    """
    if invalid:
        return False
    if not len(data):
        return table.num_rows == 0
    lines, carriage = line_breaks(data) if breaks is None else breaks
    if lines != table.num_rows + skip or _breaks_in_values(table, low):
        return False
    if not carriage:
        return True
    # Every CR must begin a CRLF: a lone one ends a line for Arrow, not here.
    view = np.frombuffer(data, dtype=np.uint8)
    paired = 0
    for at in range(0, len(view) - 1, _STEP):
        here = view[at : min(at + _STEP, len(view) - 1)]
        paired += int(np.count_nonzero((here == 13) & (view[at + 1 : at + 1 + len(here)] == 10)))
    return paired == carriage


def _breaks_in_values(table: pa.Table, low: set[str] | None = None) -> bool:
    """Whether any text value of ``table`` holds a CR or LF, read from its bytes as Arrow stores them.

    ``low``, when given, gains the name of every column holding a byte below
    32 (a tab, a line break, a control character), found on the same pass.
    """
    found = False
    for name, column in zip(table.column_names, table.columns, strict=True):
        if column.type not in _TEXT_TYPES:
            continue
        offset_type = np.int64 if column.type == pa.large_string() else np.int32
        for chunk in column.chunks:
            if not len(chunk):
                continue
            _, offsets, values = chunk.buffers()
            at = np.frombuffer(offsets, dtype=offset_type)[
                chunk.offset : chunk.offset + len(chunk) + 1
            ]
            text = np.frombuffer(values, dtype=np.uint8)[at[0] : at[-1]] if values else ()
            # One reduction with no temporary (no byte below 32 is the rule), and
            # only where there is one a look at which: a tab is one too.
            smallest = text.min() if len(text) else 255
            if smallest < 32 and low is not None:
                low.add(name)
            if smallest <= 13 and not found:
                below = text[text <= 13]
                found = bool(((below == 10) | (below == 13)).any())
                if found and low is None:
                    return True
    return found


def _read_arrow_once(
    source,
    header: list[str],
    invalid: list,
    newlines_in_values: bool,
    block_size: int | None,
    narrow: frozenset = frozenset(),
):
    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    table = pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(block_size=block_size or BLOCK_SIZE),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=newlines_in_values, invalid_row_handler=on_invalid
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={
                name: pa.string() if name in narrow else pa.large_string() for name in header
            },
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
            check_utf8=False,  # the whole text was checked (_utf8)
        ),
    )
    return table


def _read_quietly(
    source, header: list[str], invalid: list, size: int, narrow: frozenset = frozenset()
) -> tuple[pd.DataFrame, set[str] | None]:
    # pyarrow decodes an invalid row before handing it over; when that row is
    # not UTF-8 the decoding error is printed as "Exception ignored" and the
    # read fails, which read_table handles. Keep the noise off the terminal.
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        return _read_arrow(source, header, invalid, size, narrow)
    finally:
        sys.unraisablehook = hook
