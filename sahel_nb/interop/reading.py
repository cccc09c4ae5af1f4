"""Reading exports as analysts hold them (CSV of any vintage, API JSON, workbooks), naming problems."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ..exceptions import Problem
from .jsonrecords import read_json
from .layout import (
    _INDEX_NAMES,
    _cleaned,
    _counts_rows,
    _frame,
    _header,
    _is_hxl,
    _missing,
)  # fmt: skip
from .workbooks import read_workbook

__all__ = ["read_export"]


def read_export(
    path: Path,
    required: tuple[str, ...],
    used: tuple[str, ...],
    label: str,
    fallback_encoding: str | None = None,
    aliases: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, list[Problem], str]:
    """Read the ``used`` columns of an export as trimmed text (nothing converted).

    Headers match without regard to case (``EVENT_ID_CNTY`` is
    ``event_id_cnty``) and ``aliases`` renames older spellings
    (``ally_actor_1``). Empty marks (``NA``, ``NULL``, ``nan``…) become
    ``""``. Returns the rows (``_row`` numbers them from 1), the file-level
    problems, and the encoding read. Arrow reads; when it refuses the file (a
    row with the wrong number of fields, text that is not UTF-8), the file is
    read again line by line to name each problem.

    Forms analysts download are read as such: HDX's row of HXL hashtags under
    the header is skipped, a first column that only numbers the rows
    (``DataFrame.to_csv``'s index) is ignored, a ``.json``/``.jsonl`` file of
    API records is read as :data:`JSON`, and of a workbook the first sheet
    holding the columns is read (:data:`WORKBOOK`). A file of aggregated
    counts (an ``events`` column, no event id) is one problem saying so.

    ``frame.attrs`` holds ``sha256`` (of the bytes read), ``notes`` (sentences
    saying what was skipped or chosen; empty when nothing needs saying),
    ``sheet`` (the sheet read, ``""`` for other files) and ``file`` (the
    name of the file read: inside a zip archive, the export's own).
    """
    aliases = aliases or {}
    shown = str(path)
    suffix = path.suffix.lower()
    if suffix in _OTHER_FORMATS:
        problem = f"is {_OTHER_FORMATS[suffix]}, which the import does not read; {_AS_CSV}"
        return _frame(), [Problem(shown, None, None, problem)], ""
    try:
        raw = _bytes(path, suffix)
    except OSError as error:
        return _frame(), [Problem(shown, None, None, f"cannot be read: {error.strerror}")], ""
    if suffix == ".zip" or (suffix not in (".xlsx", ".xlsm") and bytes(raw[:4]) == _ZIP):
        # UCDP and ACLED hand out their CSV zipped: the one export inside is read.
        member, problem = _zipped(path, bytes(raw))
        if problem is not None:
            return _frame(), [Problem(shown, None, None, problem)], ""
        name, raw = member
        path, suffix = Path(f"{path}:{name}"), Path(name).suffix.lower()
        shown = str(path)
        if suffix in _OTHER_FORMATS:
            problem = f"is {_OTHER_FORMATS[suffix]}, which the import does not read; {_AS_CSV}"
            return _frame(), [Problem(shown, None, None, problem)], ""
    if suffix in (".xlsx", ".xlsm"):
        return _member(read_workbook(path, raw, required, used, label, aliases), path)
    if suffix == ".xls":
        problem = "is an old-style Excel file; save it as .xlsx or CSV and import that"
        return _frame(), [Problem(shown, None, None, problem)], ""
    if suffix in (".json", ".jsonl", ".ndjson"):
        return _member(read_json(path, raw, required, used, label, aliases), path)
    head = bytes(raw[:65536])
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        head.split(b"\n", 1)[0].count(0) > len(head.split(b"\n", 1)[0]) // 3
    ):  # every other byte of an ASCII header is NUL in UTF-16
        problem = (
            "is saved as UTF-16 text (Excel's 'Unicode Text'); save it as CSV UTF-8 and import that"
        )
        return _frame(), [Problem(shown, None, None, problem)], ""
    # Hashed beside Arrow's parse, which keeps one core (newlines in values are
    # split serially); the thread ends with the hash.
    hashing = ThreadPoolExecutor(1)
    digest = hashing.submit(lambda: hashlib.sha256(raw).hexdigest())
    hashing.shutdown(wait=False)
    encodings = ["utf-8"] + ([fallback_encoding] if fallback_encoding else [])
    for encoding in encodings:
        first = bytes(raw[:65536]).decode(encoding, errors="ignore").lstrip("\ufeff")
        head = csv.reader(io.StringIO(first, newline=""))
        header = next(head, None)
        if not header or not any(h.strip() for h in header):
            problem = f"is empty; {label} starts with its header"
            return _frame(), [Problem(shown, 1, None, problem)], encoding
        names = _header(header, aliases)
        missing = [n for n in required if n not in names]
        if missing:
            return _frame(), _missing(shown, 1, names, missing, label), encoding
        hxl = _is_hxl(next(head, []), header)
        index = names[0] if names[0] in _INDEX_NAMES else None
        try:
            table = _read_arrow(
                raw, encoding, names, 1 + hxl, [n for n in names if n in used or n == index]
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            frame, problems = _read_slowly(bytes(raw), shown, encoding, names, hxl)
            if problems and encoding != encodings[-1] and _is_decoding(problems):
                continue
            if problems:
                return _frame(), problems, encoding
            table = pa.table(
                {c: pa.array(frame[c], pa.string()) for c in frame if c in used or c == index}
            )
        notes = ["line 2 holds HDX's HXL hashtags, not an event: skipped"] if hxl else []
        if index is not None:
            counted = _counts_rows(table[index])
            table = table.drop_columns([index])
            if counted is not None:
                notes.append(f"column 1 has no name and {counted}: ignored")
        # Trimmed and emptied in Arrow, kept as Arrow-backed text: fast at ACLED scale.
        # Arrow's kernels run outside Python's lock: two threads clean the columns.
        with ThreadPoolExecutor(2) as pool:
            cleaned = list(pool.map(_cleaned, table.columns))
        frame = pa.table(dict(zip(table.column_names, cleaned, strict=True))).to_pandas()
        frame["_row"] = np.arange(1, len(frame) + 1)
        return _member((_frame(frame, sha256=digest.result(), notes=notes), [], encoding), path)
    raise AssertionError("unreachable")  # pragma: no cover


#: Files analysts hold that are not an export's text: said, not read as CSV
#: (a Stata file was called "UTF-16 text").
_OTHER_FORMATS = {
    ".dta": "a Stata file (.dta)",
    ".sav": "an SPSS file (.sav)",
    ".rds": "an R data file (.rds)",
    ".rdata": "an R data file (.RData)",
    ".rda": "an R data file (.rda)",
    ".parquet": "a Parquet file",
    ".feather": "a Feather file",
    ".pkl": "a Python pickle",
    ".gz": "a compressed file (.gz)",
    ".7z": "a 7-Zip archive",
    ".rar": "a RAR archive",
}
_AS_CSV = "save or export it as CSV (UTF-8) and import that file"
_ZIP = b"PK\x03\x04"
#: What an archive may hold for the import to read it: one export, whatever else beside.
_READABLE = (".csv", ".json", ".jsonl", ".ndjson", ".xlsx", ".xlsm")


def _member(read: tuple, path: Path) -> tuple:
    """``read`` with ``attrs["file"]``: the name of the file read (inside a zip, the member's)."""
    frame = read[0]
    frame.attrs["file"] = path.name.rsplit(".zip:", 1)[-1].rsplit("/", 1)[-1]
    return read


def _zipped(path: Path, raw: bytes) -> tuple[tuple[str, bytes] | None, str | None]:
    """The one export a zip archive holds, as (name, bytes), or why it cannot be read."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = [
                i.filename
                for i in archive.infolist()
                if not i.is_dir()
                and not Path(i.filename).name.startswith(".")
                and "__MACOSX" not in i.filename
                and Path(i.filename).suffix.lower() in (*_READABLE, *_OTHER_FORMATS)
            ]
            if len(names) != 1:
                held = ", ".join(names) if names else "no CSV, JSON or workbook"
                return None, (
                    f"is a zip archive holding {held}; unzip it and import the export's file itself"
                )
            return (names[0], archive.read(names[0])), None
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
        return (
            None,
            f"is a zip archive that cannot be opened ({error}); unzip it and import the file",
        )


def _bytes(path: Path, suffix: str) -> bytes | pa.Buffer:
    """The export's bytes; a CSV file's memory-mapped, not copied (0.15 s of 270 MB).

    As the data folder's tables are read (:mod:`sahel_nb.csvfile`). Workbooks
    and JSON are read whole by their own libraries.
    """
    if suffix in (".xlsx", ".xlsm", ".xls", ".json", ".jsonl", ".ndjson"):
        return path.read_bytes()
    with open(path, "rb") as handle:  # refused in the system's words (a folder, no access)
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):  # a pipe (<(unzip -p …)) cannot be mapped
            return handle.read()
        if not status.st_size:
            return b""
    return pa.memory_map(str(path)).read_buffer()


#: Bytes Arrow parses at a time: with newlines allowed in values it finds
#: record ends serially, and fewer, larger blocks make that pass cheaper.
BLOCK_SIZE = 1 << 24


def _read_arrow(
    raw: bytes | pa.Buffer, encoding: str, names: list[str], skip: int, columns: list[str]
):
    """The ``columns`` of an export as text, read by Arrow with newlines allowed in values.

    Always the exact way: a read without them is checked by
    :func:`sahel_nb.csvfile.one_record_per_line`, which must see every
    column's values, and an export's longest (ACLED's notes) is not read.
    """
    return pacsv.read_csv(
        pa.BufferReader(raw),
        read_options=pacsv.ReadOptions(
            encoding=encoding, block_size=BLOCK_SIZE, column_names=names, skip_rows=skip
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            include_columns=columns,
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


# -- CSV, line by line -----------------------------------------------------------------------


def _is_decoding(problems: list[Problem]) -> bool:
    return any("is not" in p.message and "text" in p.message for p in problems)


def _read_slowly(
    raw: bytes, shown: str, encoding: str, names: list[str], hxl: bool = False
) -> tuple[pd.DataFrame, list[Problem]]:
    """Read with the csv module to name file-level problems by line."""
    try:
        text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problem = (
            f"is not UTF-8 text ({error.reason}); save the file as CSV UTF-8 (Excel: Save As, "
            "'CSV UTF-8') and import that"
        )
        return pd.DataFrame(), [Problem(shown, line, None, problem)]
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    if hxl:
        next(reader, None)
    rows, problems, line = [], [], reader.line_num
    short_last = False
    for fields in reader:
        first, line = line + 1, reader.line_num
        short_last = False
        if not fields:
            continue
        if len(fields) != len(names):
            problems.append(
                Problem(shown, first, None, f"has {len(fields)} fields, the header {len(names)}")
            )
            short_last = len(fields) < len(names)
            continue
        rows.append(fields)
    if short_last and not text.endswith(("\n", "\r")):
        # The last row, short, with no line end: the file stops in the middle of it.
        last = problems[-1]
        problems[-1] = Problem(
            last.file, last.line, None,
            f"{last.message}; the file ends in the middle of this row, as a download cut "
            "short does: download it again, or remove the row",
        )  # fmt: skip
    return pd.DataFrame(rows, columns=names, dtype=object), problems
