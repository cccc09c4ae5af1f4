"""Reading one table's file: every structural problem collected, the rows kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..schema import TABLES, Table
from .arrowread import _read_quietly
from .cells import _report_control_characters, _report_long_cells
from .raw import RawTable, _header, _not_text, _report_bad_utf8, _scan
from .values import _NARROW_KINDS, _REPLACEMENT, _STRING

__all__ = ["read_table"]


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
        if b"\n" not in data and b"\r" not in data:
            # A header alone, with no line end after it: an empty table, which Arrow
            # takes for an empty file.
            data += b"\n"
            try:
                frame, low = _read_quietly(data, header, invalid, len(data), narrow)
                failure = None
            except pa.ArrowInvalid:
                pass
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
    _report_open_quote(raw, frame, header)
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


def _report_open_quote(raw: RawTable, frame: pd.DataFrame, header: list[str]) -> None:
    """Say so when the file ends inside a quoted value: a write cut short, or a lost quote.

    Arrow reads an unclosed quote to the end of the file as the last value;
    its tell-tale is the file ending with that quote and the value, nothing
    after. Only the file's last bytes are read.
    """
    if frame.empty or raw._decode_errors != "strict" or header[-1] not in frame:
        return
    last = frame[header[-1]].iloc[-1]
    if not isinstance(last, str) or not last:
        return
    value = last.replace('"', '""').encode()  # as written in the file, quotes doubled
    try:
        with open(raw.path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(size - len(value) - 1, 0))
            tail = handle.read()
    except OSError:
        return
    if tail == b'"' + value:
        raw.problem(
            raw.line(frame.index[-1]), header[-1],
            "the file ends inside this quoted value: it was cut short, or its closing quote "
            "is missing",
            last if len(last) <= 60 else last[:59] + "…",
        )  # fmt: skip


def _all_files() -> str:
    return ", ".join(t.file for t in TABLES.values())
