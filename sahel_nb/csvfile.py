"""Reading one table's CSV file: text as written, structural problems, editor line numbers."""

from __future__ import annotations

import codecs
import difflib
import importlib.util
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .dates import partial_date_span
from .exceptions import Problem
from .schema import TABLES, Table

__all__ = [
    "CONTROL_CHARACTERS",
    "MAX_CELL",
    "NUMBER_PATTERN",
    "RawTable",
    "arrow_text",
    "csv_reader",
    "extended",
    "number_series",
    "one_record_per_line",
    "parse_number",
    "read_table",
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


@dataclass
class RawTable:
    """A table as written in its file: every cell a string, empty cells null.

    ``frame`` is None when the file could not be read at all. Its index is the
    record's position among the data rows; :meth:`line` turns it into the line
    an editor shows. A row with too many or too few fields is kept (cut or
    padded to the header) so that other rows' references to it still hold;
    its lines are in ``ragged``, and it is reported once, for its fields.
    """

    table: Table
    path: Path
    shown: str
    frame: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    mangled: set[tuple[int, str]] = field(default_factory=set)
    #: Editor lines of rows whose fields do not line up with the header.
    ragged: set[int] = field(default_factory=set)
    #: Dates and numbers parsed while checking, by column, reused when typing.
    parsed: dict = field(default_factory=dict)
    _skip_ragged: bool = False
    _decode_errors: str = "strict"
    _lines: list[int] | None = None
    #: Waited for before lines are counted: rows being added to the file (:func:`extended`).
    _settled: Callable[[], object] | None = None
    #: The file's header as read (None until it is).
    header: list[str] | None = None
    #: What check_folder's ``then`` made of the table once it was checked.
    then: object = None

    def problem(self, line, column, message, value=None, *, warning=False) -> Problem:
        found = Problem(self.shown, line, column, message, value, warning)
        self.problems.append(found)
        return found

    def parsed_date(self, column: str) -> tuple[pd.Series, pd.Series]:
        """Return (first day, last day) of a partial-date column, parsed once."""
        if column not in self.parsed:
            self.parsed[column] = partial_date_span(self.frame[column])
        return tuple(_aligned(part, self.frame.index) for part in self.parsed[column])

    def parsed_number(self, column: str) -> pd.Series:
        """Return a number column as float64 (NaN where empty or invalid), parsed once."""
        if column not in self.parsed:
            self.parsed[column] = number_series(self.frame[column])
        return _aligned(self.parsed[column], self.frame.index)

    def line(self, position: int) -> int:
        """Return the editor line (header = 1) where data row ``position`` starts."""
        if self._lines is None:
            if self._settled is not None:
                self._settled()
            records = _scan(self.path, self._decode_errors)
            width = len(records[0][1]) if records else 0
            self._lines = [
                start
                for start, fields in records[1:]
                if not (self._skip_ragged and len(fields) != width)
            ]
        return self._lines[position]


def _aligned(values: pd.Series, index: pd.Index) -> pd.Series:
    # Parsed from the whole column as a rule; reindexing a million rows to the
    # same index would still cost a hash lookup per row.
    return values if values.index.equals(index) else values.reindex(index)


def _scan(path: Path, errors: str) -> list[tuple[int, list[str]]]:
    """Return (first line, fields) of every non-blank record, as csv parses it."""
    records = []
    with open(path, encoding="utf-8-sig", errors=errors, newline="") as handle:
        reader = csv_reader(handle)
        previous = 0
        for fields in reader:
            start, previous = previous + 1, reader.line_num
            if fields:  # pyarrow skips blank lines too
                records.append((start, fields))
    return records


def _header(raw: RawTable) -> list[str] | None:
    """Read and check the header; return it, or None if rows cannot be read."""
    table, expected = raw.table, raw.table.columns
    try:
        with open(raw.path, encoding="utf-8-sig", errors="replace", newline="") as handle:
            header = next((row for row in csv_reader(handle) if row), None)
    except OSError as error:
        raw.problem(None, None, f"cannot be read: {error.strerror}")
        return None
    if header is None:
        raw.problem(1, None, f"is empty; its first line must be the header: {','.join(expected)}")
        return None
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raw.problem(1, name, "column appears twice in the header")
        seen.add(name)
        if name not in expected:
            close = difflib.get_close_matches(
                name.strip(), [c for c in expected if c not in header], 1
            )
            if name.strip() != name:
                hint = " (remove the spaces around it)"
            else:
                hint = f"; did you mean {close[0]!r}?" if close else ""
            raw.problem(1, name, f"unknown column in {table.file}{hint}", name)
    for spec in table.fields:
        if spec.name not in seen and not spec.optional_column:
            needed = ", ".join(f.name for f in table.fields if not f.optional_column)
            raw.problem(1, spec.name, f"missing column; {table.file} needs: {needed}")
    return None if len(seen) != len(header) else header


def _report_bad_utf8(raw: RawTable, header: list[str]) -> None:
    for start, fields in _scan(raw.path, "replace"):
        if not any(_REPLACEMENT in text for text in fields):
            continue
        newlines = 0
        for index, text in enumerate(fields):
            if _REPLACEMENT in text:
                line = start + newlines + text[: text.index(_REPLACEMENT)].count("\n")
                column = header[index] if index < len(header) else None
                raw.problem(line, column, "is not valid UTF-8 text; save the file as UTF-8", text)
            newlines += text.count("\n")


def _not_text(path: Path) -> str | None:
    """Say why the file is plainly not UTF-8 text, from its first bytes; None if it may be."""
    with open(path, "rb") as handle:
        head = handle.read(1 << 16)
    # Checked before anything is decoded: read as UTF-8, such a file gives a
    # problem per cell, each full of NUL bytes and replacement characters.
    header = head.split(b"\n", 1)[0]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        header.count(0) > len(header) // 3  # every other byte of ASCII names in UTF-16
    ):
        return "is saved as UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)"
    if b"\x00" in head:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head)
        except UnicodeDecodeError:
            return (
                "is not a text file (it holds NUL bytes and is not UTF-8); "
                "was another file saved under this name?"
            )
    return None


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


def _keep_ragged(raw: RawTable, frame: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    """Report each row whose fields do not line up with the header; return the frame with them.

    Arrow skips such a row. Put back, cut or padded to the header, its id and
    claim still count: skipping it made every reference to it dangle and took
    a corroborating report from its claim. Its cells are not judged (they may
    be shifted); check_folder drops any later problem on its line.
    """
    records = _scan(raw.path, raw._decode_errors)[1:]
    width = len(header)
    ragged = [
        (i, start, fields) for i, (start, fields) in enumerate(records) if len(fields) != width
    ]
    for _, start, fields in ragged:
        extra = ",".join(fields[width:]) or None
        hint = "; quote values that contain commas" if extra else ""
        raw.problem(
            start, None, f"row has {len(fields)} fields but the header has {width}{hint}", extra
        )
        raw.ragged.add(start)
    if len(frame) + len(ragged) != len(records):  # Arrow and csv disagree: keep Arrow's rows
        raw._skip_ragged = True
        return frame
    positions = [i for i, _, _ in ragged]
    kept = np.ones(len(records), dtype=bool)
    kept[positions] = False
    frame.index = np.flatnonzero(kept)
    # Empty cells are null, as Arrow reads them.
    cells = [[f or None for f in (fields + [""] * width)[:width]] for _, _, fields in ragged]
    put_back = pd.DataFrame(cells, columns=header, index=positions, dtype=_STRING)
    put_back = put_back.astype({name: frame[name].dtype for name in header if name in frame})
    return pd.concat([frame, put_back]).sort_index().reset_index(drop=True)


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


def read_table(directory: Path, table: Table, shown_dir: str) -> RawTable:
    """Read ``table``'s file from ``directory``, collecting every structural problem."""
    path = directory / table.file
    raw = RawTable(table, path, f"{shown_dir.rstrip('/')}/{table.file}")
    if not path.is_file():
        raw.problem(None, None, f"file is missing; a data folder needs {_all_files()}")
        return raw
    try:
        not_text = _not_text(path)
    except OSError as error:
        raw.problem(None, None, f"cannot be read: {error.strerror}")
        return raw
    if not_text is not None:
        raw.problem(None, None, not_text)
        return raw
    header = _header(raw)
    if header is None:
        return raw
    raw.header = header
    narrow = frozenset(spec.name for spec in table.fields if spec.kind in _NARROW_KINDS)
    invalid: list = []
    try:
        frame, low = _read_quietly(path, header, invalid, path.stat().st_size, narrow)
    except pa.ArrowInvalid as first:
        failure: Exception | None = first
        # pyarrow checks UTF-8 itself; only on failure is it worth decoding
        # the file in Python to say where the bad bytes are.
        data = path.read_bytes()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raw._decode_errors = "replace"
            _report_bad_utf8(raw, header)
            invalid.clear()
            text = data.decode("utf-8", errors="replace").encode()
            try:
                frame, low = _read_quietly(text, header, invalid, len(text), narrow)
                failure = None
            except pa.ArrowInvalid as again:
                failure = again
        if failure is not None:
            raw.problem(None, None, f"is not a readable CSV file: {failure}")
            return raw
    if invalid:
        frame = _keep_ragged(raw, frame, header)
    _report_long_cells(raw, frame)
    _report_control_characters(raw, frame, low)
    if raw._decode_errors != "strict":
        # Already reported cell by cell; checking the mangled text would only add noise.
        for column in frame.columns:
            hits = frame[column].str.contains(_REPLACEMENT)
            raw.mangled.update((position, column) for position in hits[hits].index)
    # Built once in the table's order, optional columns as Arrow nulls: adding
    # them one by one and reordering cost 0.06 s on a million rows.
    # One array of nulls serves every missing column (Arrow's arrays are never
    # changed in place): a million rows' worth each cost 1.3 ms.
    columns, nulls = {}, None
    for spec in table.fields:
        if spec.name in frame:
            columns[spec.name] = frame[spec.name]
        elif spec.optional_column:
            nulls = pa.nulls(len(frame), pa.large_string()) if nulls is None else nulls
            empty = pd.arrays.ArrowExtensionArray(nulls)
            columns[spec.name] = pd.Series(empty, index=frame.index, copy=False)
    raw.frame = pd.DataFrame(columns, index=frame.index, copy=False)
    return raw


def _all_files() -> str:
    return ", ".join(t.file for t in TABLES.values())
