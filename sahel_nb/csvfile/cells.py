"""Cells no table may hold (too long, control characters), and rows joined before they are written."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .raw import RawTable
from .values import _TEXT_TYPES, MAX_CELL, arrow_text, text_buffers

__all__ = ["CONTROL_CHARACTERS", "extended"]


#: Cells taken together when bounding a chunk's longest cell.
_RUN = 64


def _longest_bound(chunk: pa.Array) -> int:
    """At least the bytes of the longest cell of a text chunk, from its offsets alone.

    The most any run of _RUN neighbouring cells holds: every cell lies in one
    run, and a run of short cells is short. Measuring each cell of a million
    rows cost twice as much, for the rare file that holds a long one.

    Examples
    --------
    >>> _longest_bound(pa.array(["ab"] * 200 + ["x" * 1000]))  # with its run's 8 others
    1016
    """
    if chunk.type not in _TEXT_TYPES or not len(chunk):
        return 0
    _, offsets, data = chunk.buffers()
    if data is None:
        return 0
    width = np.int64 if chunk.type == pa.large_string() else np.int32
    at = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
    marks = at[::_RUN]
    tail = int(at[-1] - marks[-1])
    return max(tail, int((marks[1:] - marks[:-1]).max())) if len(marks) > 1 else tail


def _report_long_cells(raw: RawTable, frame: pd.DataFrame) -> None:
    """Report every cell longer than MAX_CELL characters, with its line, column and size."""
    for column in frame.columns:
        text = arrow_text(frame[column])
        offset = 0
        for chunk in text.chunks if isinstance(text, pa.ChunkedArray) else [text]:
            if _longest_bound(chunk) > MAX_CELL:
                # Bytes first (cheap); a cell of more characters has more bytes.
                for position in pc.indices_nonzero(
                    pc.greater(pc.binary_length(chunk), MAX_CELL)
                ).to_pylist():
                    length = pc.utf8_length(chunk[position]).as_py()
                    if length > MAX_CELL:
                        raw.problem(
                            raw.line(offset + position),
                            column,
                            f"is {length:,} characters long; a cell may hold at most "
                            f"{MAX_CELL:,}: shorten it, or keep the full text in a document "
                            "and cite it",
                        )
                        raw.mangled.add((offset + position, column))
            offset += len(chunk)


#: Bytes below 32 a cell may hold: tab, line feed, carriage return.
_ALLOWED_LOW = frozenset(b"\t\n\r")
#: The characters a cell may not hold, as a pattern: every byte below 32 but those.
CONTROL_CHARACTERS = "[\x00-\x08\x0b\x0c\x0e-\x1f]"


def _report_control_characters(raw: RawTable, frame: pd.DataFrame, low: set[str] | None) -> None:
    """Report every cell holding a control character (ESC, NUL, BEL…), with its line.

    Such a character is never text an analyst wrote: in a terminal it can
    clear the screen or hide a line, and pages and workbooks show it as junk.
    ``low`` names the columns holding any byte below 32, when the read's own
    check found them; else they are looked for here.
    """
    columns = [c for c in frame.columns if low is None or c in low]
    for column in columns:
        text = arrow_text(frame[column])
        offset = 0
        for chunk in text.chunks if isinstance(text, pa.ChunkedArray) else [text]:
            found = _control_positions(chunk)
            for position in found:
                value = chunk[position].as_py()
                bad = next(c for c in value if ord(c) < 32 and ord(c) not in _ALLOWED_LOW)
                raw.problem(
                    raw.line(offset + position),
                    column,
                    f"holds a control character ({bad!r}), which no text needs: remove it",
                    value,
                )
                raw.mangled.add((offset + position, column))
            offset += len(chunk)


#: Invisible characters that change how text reads or compares: direction overrides and
#: isolates (a name shown backwards), and zero-width spaces, word joiners and soft hyphens
#: ("AQIM\u200b" beside "AQIM"). The marks mixed Arabic and Latin text needs (LRM, RLM,
#: ALM, the zero-width joiner and non-joiner) are left alone.
_INVISIBLE_SET = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\u00ad\ufeff"
)
_INVISIBLE = "[" + "".join(sorted(_INVISIBLE_SET)) + "]"


def _report_invisible(raw: RawTable) -> None:
    """Report every cell of a small table (sources, actors) holding an invisible control.

    Names and ids are where such a character misleads: "\u202eMIQA" shows as
    "AQIM". Only these tables are scanned: a million events' descriptions
    are shown escaped on every page, and scanning them would slow each load.
    """
    if raw.frame is None:
        return
    for column in raw.frame.columns:
        text = arrow_text(raw.frame[column])
        hits = pc.match_substring_regex(text, _INVISIBLE)
        if not pc.any(hits).as_py():
            continue
        for position in pc.indices_nonzero(pc.fill_null(hits, False)).to_pylist():
            value = raw.frame[column].iloc[position]
            found = next(c for c in value if c in _INVISIBLE_SET)
            raw.problem(
                raw.line(position), column,
                f"holds an invisible character (U+{ord(found):04X}) that changes how the text "
                "reads or compares: remove it",
                value.encode("unicode_escape").decode("ascii"),
            )  # fmt: skip
            raw.mangled.add((position, column))


def _control_positions(chunk: pa.Array) -> list[int]:
    """Positions of the cells of a text chunk holding a byte below 32 other than tab, LF, CR."""
    buffers = text_buffers(chunk)
    if buffers is None:
        return []
    at, data = buffers
    text = data[at[0] : at[-1]]
    if not len(text) or text.min() >= 32:
        return []
    bad = (text < 32) & ~np.isin(text, list(_ALLOWED_LOW))
    if not bad.any():
        return []
    # Each bad byte's cell: the last offset at or before it.
    cells = np.searchsorted(at, np.flatnonzero(bad) + at[0], side="right") - 1
    return sorted(set(cells.tolist()))


def extended(raw: RawTable, rows: pa.Table) -> None:
    """Join ``rows``, text about to be added at the end of ``raw``'s file, to the rows read.

    They are the values the file will give back: every text cell is written
    quoted, and a cell left empty, quoted or not, is read as null. So an
    import's half a million rows are checked without being parsed back
    (0.4 s). Nothing is joined to a file with problems of its own (its rows
    may no longer be one to one with its records): the folder fails anyway.
    A cell over MAX_CELL or with a control character is reported without a
    line; read from the file, the same folder says where.
    """
    if raw.frame is None or raw.problems or not rows.num_rows:
        return
    if rows.column_names != raw.header:
        # Written under another header, the rows would not read back as these values.
        raw.problem(None, None, "rows to add do not line up with the file's header")
        return
    columns = {}
    for name in raw.frame.columns:
        # As the file's own column was read (32- or 64-bit offsets): the two join as one.
        kind = raw.frame[name].dtype.pyarrow_dtype
        if name in rows.column_names:
            values = rows[name].cast(kind)
            for chunk in values.chunks:
                if (
                    _longest_bound(chunk) > MAX_CELL
                    and pc.max(pc.utf8_length(chunk)).as_py() > MAX_CELL
                ):
                    raw.problem(None, name, f"holds a cell over {MAX_CELL:,} characters")
                if _control_positions(chunk):
                    raw.problem(None, name, "holds a control character, which no text needs")
            values = pa.chunked_array([_empty_as_null(c) for c in values.chunks], values.type)
        else:
            values = pa.nulls(rows.num_rows, kind)
        columns[name] = pd.arrays.ArrowExtensionArray(values)
    start = len(raw.frame)
    added = pd.DataFrame(columns, index=pd.RangeIndex(start, start + rows.num_rows), copy=False)
    raw.frame = pd.concat([raw.frame, added])


def _empty_as_null(chunk: pa.Array) -> pa.Array:
    """A text chunk with its empty values null, as a CSV file read back gives them.

    Only a validity bitmap is made, from the offsets; the text is shared
    (``if_else`` copied every column's text: 0.1 s an import of 500,000 rows).

    Examples
    --------
    >>> _empty_as_null(pa.array(["a", "", None], pa.large_string())).to_pylist()
    ['a', None, None]
    """
    if not len(chunk):
        return chunk
    if chunk.offset or chunk.type not in _TEXT_TYPES:  # not as the writer makes them
        return pc.if_else(pc.equal(chunk, ""), pa.scalar(None, chunk.type), chunk)
    _, offsets, data = chunk.buffers()
    width = np.int64 if chunk.type == pa.large_string() else np.int32
    present = np.diff(np.frombuffer(offsets, dtype=width)[: len(chunk) + 1]) > 0
    if chunk.null_count:
        present &= chunk.is_valid().to_numpy(zero_copy_only=False)
    if present.all():
        return chunk
    validity = pa.py_buffer(np.packbits(present, bitorder="little"))
    return pa.Array.from_buffers(chunk.type, len(chunk), [validity, offsets, data])
