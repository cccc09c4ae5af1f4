"""Importing public datasets (ACLED, GTD) beside the curated data: mapped, resolved, linked, validated."""

from __future__ import annotations

import calendar
import csv
import hashlib
import io
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pycountry

from .data import Dataset, load_dataset
from .exceptions import DataValidationError, Problem
from .flows import DEMAND, KIDNAPPING
from .schema import EVENT_TYPES, TABLES

__all__ = [
    "ACLED_COLUMNS",
    "GTD_COLUMNS",
    "ImportSummary",
    "import_acled",
    "import_gtd",
    "read_acled",
    "read_gtd",
]

#: The columns of ACLED's standard export; older exports have fewer.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
_ACLED_REQUIRED = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1")
#: The columns the import reads; the others stay in the export.
_ACLED_USED = (
    *_ACLED_REQUIRED, "time_precision", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "iso", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
    "source", "fatalities",
)  # fmt: skip

#: The GTD columns the import reads: the event's date, place and groups, and
#: its hostage and ransom fields. A GTD export has many more; they are ignored.
GTD_COLUMNS = (
    "eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "latitude",
    "longitude", "specificity", "gname", "gname2", "gname3", "nkill", "ishostkid", "nhostkid",
    "nhostkidus", "nhours", "ndays", "kidhijcountry", "ransom", "ransomamt", "ransomamtus",
    "ransompaid", "ransompaidus", "ransomnote", "hostkidoutcome", "hostkidoutcome_txt",
    "nreleased",
)  # fmt: skip
_GTD_REQUIRED = ("eventid", "iyear", "imonth", "iday", "gname", "ishostkid")
#: GTD's codes for "unknown" in its numeric fields.
GTD_UNKNOWN = {"-9", "-99", "-9.0", "-99.0"}
#: GTD's hostkidoutcome codes, for exports without the ``_txt`` column.
GTD_OUTCOMES = {
    "1": "attempted rescue",
    "2": "hostages released by the perpetrators",
    "3": "hostages escaped",
    "4": "hostages killed",
    "5": "successful rescue",
    "6": "a combination of outcomes",
    "7": "outcome unknown",
}
#: GTD's specificity (1 the place itself … 5 no place below the country) as ACLED geo_precision.
GTD_GEO_PRECISION = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3"}

#: ACLED's actor codes (inter1, inter2) and the actor type each becomes here.
INTER_TYPES = {
    "1": "security forces",  # state forces
    "2": "armed group",  # rebel groups
    "3": "armed group",  # political militias
    "4": "armed group",  # identity militias
    "5": "civilian population",  # rioters
    "6": "civilian population",  # protesters
    "7": "civilian population",  # civilians
    "8": "security forces",  # external or other forces
}

#: What an imported row is graded: both datasets code events from media
#: reports we have not checked ourselves, so "possibly true" until an analyst says more.
IMPORTED_CREDIBILITY = 3
#: ACLED and GTD as sources: systematic, documented, widely used collections.
DATASET_RELIABILITY = "B"

#: The source ids an import gives its export: only curated events are linked to.
IMPORTED_SOURCE = r"(?:acled|gtd)-[0-9a-f]{12}"

MAPPING_FILE = "actor_mappings.csv"
LINKS_FILE = "event_links.csv"
_LINK_COLUMNS = ["external_id", "event_id", "dataset", "source_id"]


@dataclass
class ImportSummary:
    """What an import did: rows read, added, linked to curated events, already there, skipped."""

    source_id: str
    read: int = 0
    added: int = 0
    linked: list[tuple[str, str]] = field(default_factory=list)
    already: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    flows: int = 0
    new_actors: list[dict] = field(default_factory=list)
    review_file: Path | None = None

    def __str__(self) -> str:
        skipped = sum(self.skipped.values())
        lines = [
            f"{self.read} rows read from the export ({self.source_id}): {self.added} events "
            f"added, {len(self.linked)} linked to curated events, {self.already} already "
            f"imported, {skipped} skipped, 0 rejected."
            + (f" {self.flows} ransom flows added." if self.flows else ""),
        ]
        for reason, count in self.skipped.items():
            lines.append(f"  skipped {count}: {reason}")
        for external, curated in self.linked:
            lines.append(f"  linked: {external} is curated event {curated}")
        if self.new_actors:
            lines.append(
                f"{len(self.new_actors)} actor names matched no actor and were created as "
                f"imported actors; review them in {self.review_file}"
            )
        return "\n".join(lines)


# -- reading ---------------------------------------------------------------------------------


def _read_export(
    path: Path,
    required: tuple[str, ...],
    used: tuple[str, ...],
    label: str,
    fallback_encoding: str | None = None,
) -> tuple[pd.DataFrame, list[Problem], str]:
    """Read the ``used`` columns of an export as text (nothing converted, empty stays ``""``).

    Returns the rows (``_row`` numbers them from 1), the file-level problems,
    and the encoding read. Arrow reads; when it refuses the file (a row with
    the wrong number of fields, text that is not UTF-8), the file is read
    again line by line to name each problem.
    """
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return pd.DataFrame(), [Problem(shown, None, None, f"cannot be read: {error.strerror}")], ""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path, raw, required, used, label)
    if path.suffix.lower() == ".xls":
        problem = "is an old-style Excel file; save it as .xlsx or CSV and import that"
        return pd.DataFrame(), [Problem(shown, None, None, problem)], ""
    encodings = ["utf-8"] + ([fallback_encoding] if fallback_encoding else [])
    for encoding in encodings:
        try:
            first = raw[:65536].decode(encoding, errors="ignore").lstrip("\ufeff")
        except LookupError:  # pragma: no cover - encodings are ours
            continue
        header = next(csv.reader(io.StringIO(first, newline="")), None)
        if not header or not any(h.strip() for h in header):
            return (
                pd.DataFrame(),
                [Problem(shown, 1, None, f"is empty; {label} starts with its header")],
                encoding,
            )
        missing = [n for n in required if n not in header]
        if missing:
            return (
                pd.DataFrame(),
                [Problem(shown, 1, n, f"missing column; {label} has it") for n in missing],
                encoding,
            )
        try:
            table = pacsv.read_csv(
                pa.BufferReader(raw),
                read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 24),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types={name: pa.string() for name in header},
                    include_columns=[name for name in dict.fromkeys(header) if name in used],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            frame, problems = _read_slowly(raw, shown, encoding)
            frame = frame[[c for c in dict.fromkeys(frame.columns) if c in used]]
            if problems and encoding != encodings[-1] and _is_decoding(problems):
                continue
            if problems:
                return pd.DataFrame(), problems, encoding
        else:
            # Trimmed in Arrow, kept as Arrow-backed text: fast at ACLED scale.
            table = pa.table(
                {name: pc.utf8_trim_whitespace(table[name]) for name in table.column_names}
            )
            frame = table.to_pandas()
        frame["_row"] = np.arange(1, len(frame) + 1)
        frame.attrs["sha256"] = hashlib.sha256(raw).hexdigest()  # the bytes read, hashed once
        return frame, [], encoding
    raise AssertionError("unreachable")  # pragma: no cover


#: What ``_read_export`` reports as the encoding of an Excel workbook.
WORKBOOK = "xlsx"


def _read_workbook(
    path: Path, raw: bytes, required: tuple[str, ...], used: tuple[str, ...], label: str
) -> tuple[pd.DataFrame, list[Problem], str]:
    """The first sheet of an Excel workbook (GTD ships one), every cell as text."""
    shown = str(path)
    try:
        sheet = pd.read_excel(
            io.BytesIO(raw), sheet_name=0, dtype=object, engine="openpyxl",
            usecols=lambda name: str(name).strip() in used,
        )  # fmt: skip
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        problem = f"is not a readable Excel workbook ({type(error).__name__}: {error})"
        return pd.DataFrame(), [Problem(shown, None, None, problem)], WORKBOOK
    sheet.columns = [str(name).strip() for name in sheet.columns]
    missing = [n for n in required if n not in sheet.columns]
    if missing:
        problems = [Problem(shown, 1, n, f"missing column; {label} has it") for n in missing]
        return pd.DataFrame(), problems, WORKBOOK
    frame = pd.DataFrame({name: sheet[name].map(_cell_text) for name in sheet.columns})
    frame["_row"] = np.arange(1, len(frame) + 1)
    frame.attrs["sha256"] = hashlib.sha256(raw).hexdigest()
    return frame, [], WORKBOOK


def _cell_text(value) -> str:
    """A cell as the text a CSV export would hold: ``3``, not ``3.0``; empty for a blank."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):  # a date cell: the day, as ACLED writes it in CSV
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    return str(value).strip()


def _is_decoding(problems: list[Problem]) -> bool:
    return any("is not" in p.message and "text" in p.message for p in problems)


def _read_slowly(raw: bytes, shown: str, encoding: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Read with the csv module to name file-level problems by line."""
    try:
        text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return pd.DataFrame(), [Problem(shown, line, None, f"is not UTF-8 text ({error.reason})")]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows, problems, line = [], [], 1
    for fields in reader:
        first, line = line + 1, reader.line_num
        if not fields:
            continue
        if len(fields) != len(header):
            problems.append(
                Problem(shown, first, None, f"has {len(fields)} fields, the header {len(header)}")
            )
            continue
        rows.append([value.strip() for value in fields])
    return pd.DataFrame(rows, columns=header, dtype=object), problems


def _lines(path: Path, encoding: str) -> list[int]:
    """The file line each row starts on (header: line 1), counting multi-line fields."""
    text = path.read_bytes().decode("utf-8-sig" if encoding == "utf-8" else encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader, None)
    starts, line = [], 1
    for fields in reader:
        first, line = line + 1, reader.line_num
        if fields:
            starts.append(first)
    return starts


class _Checks:
    """Row problems found column-wise, turned into ``file:line: column`` problems at the end."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.found: list[tuple[int, int, str, str]] = []
        self.order = 0

    def flag(self, mask, column: str, message: str) -> None:
        self.order += 1
        for position in np.flatnonzero(np.asarray(mask, dtype=bool)):
            self.found.append((int(position), self.order, column, message))

    def problems(self, path: Path, encoding: str) -> list[Problem]:
        if not self.found:
            return []
        if encoding == WORKBOOK:  # the sheet's row numbers, as Excel shows them
            lines = (self.frame["_row"] + 1).tolist()
        else:
            lines = _lines(path, encoding)
        return [
            Problem(
                str(path), lines[position], column, message, str(self.frame[column].iat[position])
            )
            for position, _, column, message in sorted(self.found)
        ]


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column (trimmed on reading), or empty strings for a column an older export lacks."""
    if column not in frame:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[column]


def _number(values: pd.Series) -> pd.Series:
    """Numbers from text; empty or not a number: NaN."""
    try:  # Arrow's cast is quick, and refuses the whole column if any value is not a number
        array = pa.array(values, type=pa.string(), from_pandas=True)
        array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
        return pd.Series(
            pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False), index=values.index
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.to_numeric(values.where(values != ""), errors="coerce")


# -- ACLED -----------------------------------------------------------------------------------

_ACLED_ID = re.compile(r"[A-Za-z0-9_.-]+")
_KINDS = {f"{kind}\x1f{sub}" for kind, subs in EVENT_TYPES.items() for sub in subs}


def _acled_days(text: pd.Series) -> pd.Series:
    """ACLED dates: ``2012-01-15`` (current exports) or ``15 January 2012`` (older ones)."""
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    if iso.isna().any():
        older = pd.to_datetime(text.where(iso.isna()), format="%d %B %Y", errors="coerce")
        iso = iso.fillna(older)
    return iso


def _check_acled(frame: pd.DataFrame) -> tuple[_Checks, dict[str, pd.Series]]:
    checks = _Checks(frame)
    cols = {c: _text(frame, c) for c in _ACLED_USED}
    for name in _ACLED_REQUIRED:
        checks.flag(cols[name] == "", name, "is empty; a value is required")
    days = _acled_days(cols["event_date"])
    checks.flag(
        (cols["event_date"] != "") & days.isna(),
        "event_date",
        "is not a date; ACLED writes 2012-01-15 or 15 January 2012",
    )
    checks.flag(
        ~cols["time_precision"].isin(["", "1", "2", "3"]), "time_precision", "must be 1, 2 or 3"
    )
    kind, sub = cols["event_type"], cols["sub_event_type"]
    bad_kind = (kind != "") & ~kind.isin(list(EVENT_TYPES))
    checks.flag(bad_kind, "event_type", "is not an ACLED event type")
    bad_sub = (kind != "") & (sub != "") & ~bad_kind & ~(kind + "\x1f" + sub).isin(_KINDS)
    for name in sorted(set(kind[bad_sub])):
        checks.flag(bad_sub & (kind == name), "sub_event_type", f"is not a kind of {name!r}")
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        number = _number(cols[name])
        checks.flag((cols[name] != "") & number.isna(), name, "is not a number")
        checks.flag(
            number.notna() & ~number.between(low, high), name, f"must be between {low} and {high}"
        )
    checks.flag(
        (cols["fatalities"] != "")
        & ~(cols["fatalities"].str.isdigit() & (cols["fatalities"].str.len() <= 9)),
        "fatalities",
        "must be a whole number, zero or more",
    )
    checks.flag(
        ~cols["geo_precision"].isin(["", "1", "2", "3"]), "geo_precision", "must be 1, 2 or 3"
    )
    checks.flag(
        (cols["event_id_cnty"] != "") & ~cols["event_id_cnty"].str.fullmatch(_ACLED_ID),
        "event_id_cnty",
        "is not an ACLED event id such as MLI1234",
    )
    cols["_day"] = days
    return checks, cols


def read_acled(path: str | os.PathLike) -> tuple[pd.DataFrame, list[Problem]]:
    """Read an ACLED export: its rows as text columns, and every problem found.

    Problems use the loader's ``file:line: column: message (value)`` form;
    line 1 is the header. All are collected, not only the first.

    Examples
    --------
    >>> rows, problems = read_acled("tests/fixtures/acled/mali_sample.csv")
    >>> len(rows), problems
    (3, [])
    """
    frame, _, problems, _ = _read_checked(Path(path), "acled")
    return frame, problems


def _assoc(column: pd.Series) -> pd.Series:
    """Each associated actor on its own row (ACLED separates them with ';'), index kept."""
    named = column[column != ""]
    if named.empty:
        return pd.Series([], dtype=object)
    parts = named.str.split(";").explode().str.strip()
    return parts[parts != ""]


def import_acled(
    path: str | os.PathLike, data_dir: str | os.PathLike, *, today: date | None = None
) -> ImportSummary:
    """Import an ACLED export into a data folder, all or nothing.

    Each ACLED row becomes an event ``acled-<event_id_cnty>`` citing one new
    source row for the export (its file name and SHA-256, the date of
    import) at locator ``row N``. Actor names resolve to existing actors by
    exact name or alias (case aside) or through ``actor_mappings.csv``; no
    fuzzy guessing. Other names become imported actors, listed with close
    curated names in a review file for an analyst to merge. An event of
    the same kind, place and overlapping date as a curated one is linked in
    ``event_links.csv`` instead of added. Importing the same file again adds
    nothing. Any problem in the file stops the import with every problem
    listed, and the folder is left untouched: the import is written to a
    copy, validated there, and only then moved in.
    """
    path, data_dir = Path(path), Path(data_dir).expanduser()
    frame, cols, dataset, summary, encoding = _start(path, data_dir, "acled")
    source_id, digest = summary.source_id, frame.attrs["sha256"]
    today = today or date.today()

    event_ids = "acled-" + cols["event_id_cnty"]
    precision = cols["time_precision"].where(cols["time_precision"] != "", "1")
    days = cols["_day"].to_numpy(dtype="datetime64[D]")
    written = np.where(
        precision == "3",
        days.astype("datetime64[M]").astype(str),  # only the month is known: never a made-up day
        days.astype(str),
    )
    rows = pd.DataFrame(
        {
            "event_id": event_ids,
            "date": written,
            "event_type": cols["event_type"],
            "sub_event_type": cols["sub_event_type"],
            "location": cols["location"],
            "admin1": cols["admin1"],
            "country": _iso3_column(cols["iso"], cols["country"]),
            "latitude": cols["latitude"],
            "longitude": cols["longitude"],
            "geo_precision": cols["geo_precision"],
            "fatalities": cols["fatalities"],
            "_row": frame["_row"],
        }
    )
    reported = np.where(cols["source"] != "", "; reported by " + cols["source"], "")
    rows["description"] = (
        cols["sub_event_type"] + " coded by ACLED as " + cols["event_id_cnty"] + reported + "."
    )
    keep, links = _new_or_linked(rows, dataset, data_dir, source_id, "acled", summary)
    rows = rows[keep]
    # Actors in the order the rows name them (actor1, its associates, actor2, its
    # associates): new ids and the review list do not depend on hashing.
    named = [
        (cols["actor1"][keep], cols["inter1"][keep], 0),
        (_assoc(cols["assoc_actor_1"][keep]), None, 1),
        (cols["actor2"][keep], cols["inter2"][keep], 2),
        (_assoc(cols["assoc_actor_2"][keep]), None, 3),
    ]
    resolver = _Resolver(dataset, data_dir, "acled", source_id)
    ids = resolver.resolve(named, rows["_row"])
    rows["actor1"] = cols["actor1"][keep].map(ids)
    rows["actor2"] = cols["actor2"][keep].map(ids)
    assoc = pd.concat(
        [_assoc(cols["assoc_actor_1"][keep]).map(ids), _assoc(cols["assoc_actor_2"][keep]).map(ids)]
    )
    rows["assoc_actors"] = _joined(assoc, rows.index)
    _grade(rows, source_id)
    summary.added = len(rows)
    summary.new_actors = resolver.created(rows)
    if rows.empty and not links:
        return summary  # nothing to write: the same file again, or nothing new in it
    sources = _source_row(
        dataset,
        source_id,
        f"ACLED export {path.name}",
        "ACLED",
        "Armed Conflict Location & Event Data Project",
        digest,
        today,
        "acled",
        encoding,
    )
    _write_validated(
        data_dir,
        {"sources": sources, "actors": pd.DataFrame(summary.new_actors), "events": rows},
        links,
    )
    summary.review_file = resolver.write_review(data_dir, summary.new_actors)
    return summary


# -- GTD -------------------------------------------------------------------------------------


def _gtd_count(values: pd.Series) -> pd.Series:
    """GTD numbers as text: unknown codes (-9, -99) empty; ``3.0`` written ``3``."""
    number = _number(values.where(~values.isin(GTD_UNKNOWN), ""))
    text = number.map(lambda v: "" if pd.isna(v) else (f"{v:.0f}" if v == int(v) else repr(v)))
    return text.astype(object)


def _check_gtd(frame: pd.DataFrame) -> tuple[_Checks, dict[str, pd.Series]]:
    checks = _Checks(frame)
    cols = {c: _text(frame, c) for c in GTD_COLUMNS}
    for name in _GTD_REQUIRED:
        checks.flag(cols[name] == "", name, "is empty; a value is required")
    checks.flag(
        (cols["eventid"] != "") & ~cols["eventid"].str.fullmatch(r"\d{1,20}"),
        "eventid",
        "is not a GTD event id such as 201001010001",
    )
    year, month, day = (_number(cols[c]) for c in ("iyear", "imonth", "iday"))
    checks.flag(
        (cols["iyear"] != "") & ~year.between(1970, 2100), "iyear", "is not a year from 1970 on"
    )
    checks.flag(
        (cols["imonth"] != "") & ~month.between(0, 12), "imonth", "must be 0 (unknown) to 12"
    )
    checks.flag((cols["iday"] != "") & ~day.between(0, 31), "iday", "must be 0 (unknown) to 31")
    whole = year.notna() & (month > 0) & (day > 0)
    parts = pd.DataFrame({"year": year[whole], "month": month[whole], "day": day[whole]})
    real = pd.to_datetime(parts, errors="coerce") if whole.any() else pd.Series(dtype=object)
    checks.flag(whole & real.reindex(frame.index).isna(), "iday", "is not a day of that month")
    checks.flag((month == 0) & (day > 0), "iday", "is given for an unknown month (imonth 0)")
    checks.flag(
        ~cols["ishostkid"].isin(["", "0", "1", *GTD_UNKNOWN]),
        "ishostkid",
        "must be 1, 0 or -9 (unknown)",
    )
    checks.flag(
        ~cols["ransom"].isin(["", "0", "1", *GTD_UNKNOWN]), "ransom", "must be 1, 0 or -9 (unknown)"
    )
    for name in (
        "nkill",
        "nhostkid",
        "nhostkidus",
        "nhours",
        "ndays",
        "ransomamt",
        "ransomamtus",
        "ransompaid",
        "ransompaidus",
        "nreleased",
    ):
        value = cols[name]
        number = _number(value.where(~value.isin(GTD_UNKNOWN), ""))
        checks.flag(
            (value != "") & number.isna() & ~value.isin(GTD_UNKNOWN), name, "is not a number"
        )
        checks.flag(number < 0, name, "is negative; GTD writes an unknown as -9 or -99")
        if name not in ("ransomamt", "ransomamtus", "ransompaid", "ransompaidus"):
            checks.flag(number.notna() & (number != number.round()), name, "must be a whole number")
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        number = _number(cols[name])
        checks.flag((cols[name] != "") & number.isna(), name, "is not a number")
        checks.flag(
            number.notna() & ~number.between(low, high), name, f"must be between {low} and {high}"
        )
    checks.flag(
        ~cols["specificity"].isin(["", *GTD_GEO_PRECISION]), "specificity", "must be 1 to 5"
    )
    return checks, cols


def read_gtd(path: str | os.PathLike) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a GTD export (CSV, UTF-8 or GTD's own Latin-1): its rows as text, and every problem.

    Examples
    --------
    >>> rows, problems = read_gtd("tests/fixtures/gtd/sahel_sample.csv")
    >>> len(rows), problems
    (4, [])
    """
    frame, _, problems, _ = _read_checked(Path(path), "gtd")
    return frame, problems


def _gtd_date(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """GTD's year, month and day, 0 for unknown, as a partial date: ``2010``, ``2010-04``."""
    month2, day2 = month.str.zfill(2), day.str.zfill(2)
    return pd.Series(
        np.where(
            month == "0",
            year,
            np.where(day == "0", year + "-" + month2, year + "-" + month2 + "-" + day2),
        ),
        index=year.index,
    )


def _gtd_description(cols: dict[str, pd.Series], counts: dict[str, pd.Series]) -> pd.Series:
    """Our own sentence from GTD's codes; GTD's summary and ransom note are not copied."""
    out = []
    outcome_txt = cols["hostkidoutcome_txt"]
    for i in range(len(cols["eventid"])):
        parts = []
        hostages, us = counts["nhostkid"].iat[i], counts["nhostkidus"].iat[i]
        if hostages:
            parts.append(
                f"{hostages} hostage{'s' if hostages != '1' else ''}"
                + (f" ({us} US citizens)" if us not in ("", "0") else "")
            )
        held = [f"{counts[c].iat[i]} {c[1:]}" for c in ("ndays", "nhours") if counts[c].iat[i]]
        if held:
            parts.append("held " + " and ".join(held))
        where = cols["kidhijcountry"].iat[i]
        if where:
            parts.append(f"ended in {where}")
        outcome = outcome_txt.iat[i] or GTD_OUTCOMES.get(cols["hostkidoutcome"].iat[i], "")
        if outcome:
            parts.append(f"outcome: {outcome.lower()}")
        if counts["nreleased"].iat[i]:
            parts.append(f"{counts['nreleased'].iat[i]} released")
        ransom = cols["ransom"].iat[i]
        parts.append(
            {"1": "a ransom was demanded", "0": "no ransom was demanded"}.get(
                ransom, "whether a ransom was demanded is unknown"
            )
        )
        out.append(
            f"Hostage-taking coded by GTD as {cols['eventid'].iat[i]}: " + "; ".join(parts) + "."
        )
    return pd.Series(out, index=cols["eventid"].index, dtype=object)


def import_gtd(
    path: str | os.PathLike, data_dir: str | os.PathLike, *, today: date | None = None
) -> ImportSummary:
    """Import the hostage-takings of a GTD export into a data folder, all or nothing.

    Each row with ``ishostkid`` 1 becomes a kidnapping event ``gtd-<eventid>``
    (ACLED's *Abduction/forced disappearance*), dated from ``iyear``,
    ``imonth`` and ``iday`` as a partial date (0 is unknown: ``2010-04``,
    never a made-up day), with ``nhostkid`` as its hostages and ``nkill`` as
    its deaths. Other rows are skipped and counted. GTD's unknown codes
    (-9, -99) become empty cells, never negative numbers or zero.

    Ransoms are kept apart by what they are: a payment (``ransompaid``) is a
    flow of type ``ransom``; a demand (``ransomamt``) is a flow of type
    ``ransom demand``, which records an amount asked for, not money that
    moved, and is left out of every total. Both are in US dollars as GTD
    codes them, to the group, with the payer and date empty (GTD gives
    neither). Actor resolution, linking, idempotency and the all-or-nothing
    write are as for :func:`import_acled`; ``actor_mappings.csv`` rows with
    dataset ``gtd`` apply, and GTD's "Unknown" group becomes one unnamed
    imported actor.
    """
    path, data_dir = Path(path), Path(data_dir).expanduser()
    frame, cols, dataset, summary, encoding = _start(path, data_dir, "gtd")
    source_id, digest = summary.source_id, frame.attrs["sha256"]
    today = today or date.today()

    kidnap = (cols["ishostkid"] == "1").to_numpy(bool)
    if (~kidnap).any():
        summary.skipped["not a hostage-taking (ishostkid is not 1)"] = int((~kidnap).sum())
    cols = {name: values[kidnap] for name, values in cols.items()}
    row_numbers = frame["_row"][kidnap]
    counts = {
        c: _gtd_count(cols[c])
        for c in (
            "nkill",
            "nhostkid",
            "nhostkidus",
            "nhours",
            "ndays",
            "nreleased",
            "ransomamt",
            "ransomamtus",
            "ransompaid",
            "ransompaidus",
        )
    }
    rows = pd.DataFrame(
        {
            "event_id": "gtd-" + cols["eventid"],
            "date": _gtd_date(cols["iyear"], cols["imonth"], cols["iday"]),
            "event_type": "Violence against civilians",
            "sub_event_type": KIDNAPPING,
            "location": cols["city"].where(~cols["city"].str.casefold().isin(["unknown"]), ""),
            "admin1": cols["provstate"].where(
                ~cols["provstate"].str.casefold().isin(["unknown"]), ""
            ),
            "country": _iso3_column(
                pd.Series("", index=cols["country_txt"].index), cols["country_txt"]
            ),
            "latitude": cols["latitude"],
            "longitude": cols["longitude"],
            "geo_precision": cols["specificity"].map(GTD_GEO_PRECISION).fillna(""),
            "fatalities": counts["nkill"],
            "hostages": counts["nhostkid"],
            "description": _gtd_description(cols, counts),
            "_row": row_numbers,
        }
    )
    keep, links = _new_or_linked(rows, dataset, data_dir, source_id, "gtd", summary)
    rows = rows[keep]
    named = [
        (cols["gname"][keep], None, 0),
        (cols["gname2"][keep], None, 1),
        (cols["gname3"][keep], None, 2),
    ]
    resolver = _Resolver(dataset, data_dir, "gtd", source_id)
    ids = resolver.resolve(named, rows["_row"])
    rows["actor1"] = cols["gname"][keep].map(ids)
    others = pd.concat([cols["gname2"][keep], cols["gname3"][keep]])
    rows["assoc_actors"] = _joined(others[others != ""].map(ids), rows.index)
    _grade(rows, source_id)

    flows = []
    for kind, amount, us_part, suffix, what in (
        (DEMAND, "ransomamt", "ransomamtus", "demand", "asked of"),
        ("ransom", "ransompaid", "ransompaidus", "paid", "paid by"),
    ):
        value, us = counts[amount][keep], counts[us_part][keep]
        # GTD's 0 says no money: no flow. An unknown is empty: no flow either.
        has = (value != "") & (_number(value) > 0)
        chosen = rows[has.to_numpy(bool)]
        part = np.where(
            us[has] != "", "; of it, " + us[has] + " USD " + what + " US sources (GTD)", ""
        )
        flows.append(
            pd.DataFrame(
                {
                    "flow_id": chosen["event_id"] + "-ransom-" + suffix,
                    "payee": chosen["actor1"],
                    "flow_type": kind,
                    "amount": value[has],
                    "currency": "USD",
                    "event_id": chosen["event_id"],
                    "status": "reported",
                    "credibility": IMPORTED_CREDIBILITY,
                    "source_id": source_id,
                    "locator": chosen["locator"],
                    "note": f"GTD {amount}" + pd.Series(part, index=chosen.index, dtype=object),
                }
            )
        )
    flows = pd.concat(flows).sort_values("flow_id", kind="stable")
    summary.added, summary.flows = len(rows), len(flows)
    summary.new_actors = resolver.created(rows)
    if rows.empty and not links:
        return summary
    sources = _source_row(
        dataset,
        source_id,
        f"GTD export {path.name}",
        "START",
        "National Consortium for the Study of Terrorism and Responses to Terrorism (START), "
        "Global Terrorism Database",
        digest,
        today,
        "gtd",
        encoding,
    )
    additions = {"sources": sources, "actors": pd.DataFrame(summary.new_actors), "events": rows}
    _write_validated(data_dir, {**additions, "flows": flows}, links)
    summary.review_file = resolver.write_review(data_dir, summary.new_actors)
    return summary


# -- shared ----------------------------------------------------------------------------------


def _read_checked(path: Path, name: str):
    """Read an export of dataset ``name`` and check its rows: (rows, columns, problems, encoding)."""
    required, used, label, fallback, check = {
        "acled": (_ACLED_REQUIRED, _ACLED_USED, "an ACLED export", None, _check_acled),
        "gtd": (_GTD_REQUIRED, GTD_COLUMNS, "a GTD export", "latin-1", _check_gtd),
    }[name]
    frame, problems, encoding = _read_export(path, required, used, label, fallback)
    if problems:
        return frame, {}, problems, encoding
    checks, cols = check(frame)
    return frame, cols, checks.problems(path, encoding), encoding


def _start(path: Path, data_dir: Path, name: str):
    """Read and check an export, or raise with every problem; then load the data folder."""
    frame, cols, problems, encoding = _read_checked(path, name)
    if problems:
        raise DataValidationError(problems, str(path))
    summary = ImportSummary(f"{name}-{frame.attrs['sha256'][:12]}", read=len(frame))
    return frame, cols, load_dataset(data_dir), summary, encoding


def _grade(rows: pd.DataFrame, source_id: str) -> None:
    """Cite and grade imported rows: the export's source, ``row N``, reported, credibility 3."""
    rows["status"] = "reported"
    rows["credibility"] = IMPORTED_CREDIBILITY
    rows["source_id"] = source_id
    rows["locator"] = "row " + rows["_row"].astype(str)


@lru_cache(maxsize=4096)
def _iso3_of(code: str, name: str) -> str:
    if code.isdigit():
        country = pycountry.countries.get(numeric=code.zfill(3))
        if country:
            return country.alpha_3
    if name:
        try:
            return pycountry.countries.lookup(name).alpha_3
        except LookupError:
            return ""
    return ""


def _iso3_column(codes: pd.Series, names: pd.Series) -> pd.Series:
    pairs = codes + "\x1f" + names
    unique = {p: _iso3_of(*p.split("\x1f")) for p in pairs.unique()}
    return pairs.map(unique)


def _joined(ids: pd.Series, index: pd.Index) -> pd.Series:
    """Ids per row (the index says which), first mention first, joined with '|'."""
    out = pd.Series("", index=index, dtype=object)
    if ids.empty:
        return out
    frame = pd.DataFrame({"row": ids.index, "id": ids.to_numpy()}).drop_duplicates()
    # One column per place in the row's list, joined column by column: no
    # Python call per row at ACLED scale.
    frame["place"] = frame.groupby("row", sort=False).cumcount()
    wide = frame.pivot(index="row", columns="place", values="id")
    joined = wide[0].astype(object)
    for place in wide.columns[1:]:
        more = wide[place].notna()
        joined[more] = joined[more] + "|" + wide.loc[more, place]
    out.loc[joined.index] = joined.to_numpy()
    return out


def _new_or_linked(
    rows: pd.DataFrame, dataset: Dataset, data_dir: Path, source_id: str, name: str,
    summary: ImportSummary,
) -> tuple[np.ndarray, list[dict]]:  # fmt: skip
    """Which rows to add: not imported before, not told by a curated event (those are linked)."""
    present = set(dataset.events["event_id"]) | _linked(data_dir)
    seen = _isin(rows["event_id"], present)
    summary.already = int(seen.sum())
    # Curated events an import could repeat, by kind and place: a lookup for
    # the few rows that share both, instead of a scan of the table per row.
    events = dataset.events
    keys = rows["sub_event_type"] + "\x1f" + rows["location"].str.casefold()
    told_keys = (
        events["sub_event_type"].astype(str)
        + "\x1f"
        + events["location"].str.strip().str.casefold()
    )
    curated = ~events["source_id"].str.fullmatch(IMPORTED_SOURCE).to_numpy(bool)
    placed = events[
        curated & events["date_start"].notna().to_numpy(bool) & _isin(told_keys, keys.unique())
    ]
    told: dict[tuple[str, str], list[tuple]] = {}
    for event in placed.itertuples(index=False):
        key = (str(event.sub_event_type), str(event.location).strip().casefold())
        told.setdefault(key, []).append((event.date_start, event.date_end, event.event_id))
    candidates = np.flatnonzero(~seen & _isin(keys, [f"{k}\x1f{p}" for k, p in told]))
    links = []
    linked = np.zeros(len(rows), dtype=bool)
    for position in candidates:
        row = rows.iloc[position]
        first, last = _span(row["date"])
        key = (row["sub_event_type"], row["location"].casefold())
        same = [i for start, end, i in told[key] if start <= last and end >= first]
        if same:
            links.append(
                {
                    "external_id": row["event_id"],
                    "event_id": same[0],
                    "dataset": name,
                    "source_id": source_id,
                }
            )
            summary.linked.append((row["event_id"], same[0]))
            linked[position] = True
    # The same id twice in one export is added once.
    repeated = rows["event_id"].duplicated().to_numpy(bool)
    summary.already += int((repeated & ~seen & ~linked).sum())
    return ~seen & ~linked & ~repeated, links


def _isin(values: pd.Series, wanted) -> np.ndarray:
    """``values.isin(wanted)`` in Arrow: pandas loops in Python over a large ``wanted``."""
    wanted = pa.array(list(wanted) if isinstance(wanted, set) else wanted, type=pa.string())
    found = pc.is_in(pa.array(values, type=pa.string(), from_pandas=True), value_set=wanted)
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _span(written: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day a partial date covers."""
    parts = [int(p) for p in written.split("-")]
    if len(parts) == 3:
        day = pd.Timestamp(*parts)
        return day, day
    if len(parts) == 2:
        return pd.Timestamp(*parts, 1), pd.Timestamp(*parts, calendar.monthrange(*parts)[1])
    return pd.Timestamp(parts[0], 1, 1), pd.Timestamp(parts[0], 12, 31)


class _Resolver:
    """Names to actor ids: exact names and aliases, then the reviewed mapping file, else new."""

    def __init__(self, dataset: Dataset, data_dir: Path, name: str, source_id: str) -> None:
        self.name, self.source_id = name, source_id
        self.known: dict[str, str] = {}
        for actor in dataset.actors.itertuples(index=False):
            for label in (actor.name, *actor.aliases):
                self.known.setdefault(label.casefold(), actor.actor_id)
        self.known.update(_mappings(data_dir, name))
        self.taken = set(dataset.actors["actor_id"])
        self.curated = {a.actor_id: a.name for a in dataset.actors.itertuples(index=False)}
        self.new: dict[str, dict] = {}

    def resolve(self, named: list[tuple[pd.Series, pd.Series | None, int]], rows: pd.Series):
        """Map every name the rows use to an id; ``named`` is (names, inter codes, position)."""
        parts = []
        for names, codes, position in named:
            if names.empty:
                continue
            part = pd.DataFrame({"name": names.to_numpy(), "row": names.index, "pos": position})
            part["code"] = "" if codes is None else codes.reindex(names.index).to_numpy()
            part["sub"] = np.arange(len(part))
            # Each name's first mention in this column is all the order needs.
            parts.append(part[(part["name"] != "").to_numpy(bool)].drop_duplicates("name"))
        if not parts:
            return {}
        every = pd.concat(parts).sort_values(["row", "pos", "sub"], kind="stable")
        first = every.drop_duplicates("name")
        ids = {}
        for name, row, code in zip(first["name"], first["row"], first["code"], strict=True):
            key = name.casefold()
            if key not in self.known:
                actor_id = self._slug(name)
                self.known[key] = actor_id
                unknown = self.name == "gtd" and key == "unknown"
                self.new[actor_id] = {
                    "actor_id": actor_id,
                    "name": "Unknown perpetrators (GTD)" if unknown else name,
                    "actor_type": INTER_TYPES.get(code, "armed group"),
                    "unnamed": "true" if unknown else "false",
                    "description": f"Imported from {self.name.upper()}, not yet reviewed: merge "
                    "it by adding this name to a curated actor's aliases or to actor_mappings.csv."
                    if not unknown
                    else "GTD's 'Unknown': no group was named. Imported; not one actor in fact.",
                    "source_id": self.source_id,
                    "locator": f"row {rows.loc[row]}",
                }
            ids[name] = self.known[key]
        return ids

    def _slug(self, name: str) -> str:
        base = f"{self.name}-" + (
            re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "actor"
        )
        slug, number = base, 2
        while slug in self.taken:
            slug, number = f"{base}-{number}", number + 1
        self.taken.add(slug)
        return slug

    def created(self, rows: pd.DataFrame) -> list[dict]:
        """The new actors that written events use, in the order first named."""
        used = set(rows["actor1"].unique())
        used |= set(rows.get("actor2", pd.Series(dtype=object)).dropna().unique())
        used |= {a for joined in rows["assoc_actors"].unique() for a in joined.split("|") if a}
        return [actor for actor_id, actor in self.new.items() if actor_id in used]

    def write_review(self, data_dir: Path, actors: list[dict]) -> Path | None:
        if not actors:
            return None
        path = data_dir / "imports" / f"{self.source_id}-new-actors.csv"
        path.parent.mkdir(exist_ok=True)
        labels = {name.casefold(): actor_id for actor_id, name in self.curated.items()}
        words = {label: _words(label) for label in labels}
        by_word: dict[str, set[str]] = {}
        for label, label_words in words.items():
            for word in label_words:
                by_word.setdefault(word, set()).add(label)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["actor_id", "name", "actor_type", "close_curated_actors"])
            for actor in actors:
                # Close names share words: ranked by the share of words in common,
                # a hint for a person to check, quick for thousands of new names.
                own = _words(actor["name"].casefold())
                sharing = set().union(*(by_word.get(w, ()) for w in own))
                close = sorted(
                    sharing,
                    key=lambda label: (-len(own & words[label]) / len(own | words[label]), label),
                )[:3]
                hint = "; ".join(f"{labels[c]} ({self.curated[labels[c]]})" for c in close)
                writer.writerow([actor["actor_id"], actor["name"], actor["actor_type"], hint])
        return path


def _words(label: str) -> set[str]:
    return {w for w in re.split(r"[^\w]+", label) if len(w) >= 4}


def _mappings(data_dir: Path, dataset: str) -> dict[str, str]:
    path = data_dir / MAPPING_FILE
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {
            row["external_name"].strip().casefold(): row["actor_id"].strip()
            for row in csv.DictReader(handle)
            if (row.get("dataset") or dataset).strip().lower() == dataset
        }


def _linked(data_dir: Path) -> set[str]:
    path = data_dir / LINKS_FILE
    if not path.is_file():
        return set()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["external_id"] for row in csv.DictReader(handle)}


def _source_row(
    dataset: Dataset, source_id: str, title: str, author: str, publisher: str, digest: str,
    today: date, command: str, encoding: str,
) -> pd.DataFrame:  # fmt: skip
    if source_id in set(dataset.sources["source_id"]):
        return pd.DataFrame()
    read = {"utf-8": "", WORKBOOK: " Read from the workbook's first sheet."}.get(
        encoding, f" Read as {encoding}."
    )
    return pd.DataFrame(
        [
            {
                "source_id": source_id,
                "title": title,
                "author": author,
                "publisher": publisher,
                "reliability": DATASET_RELIABILITY,
                "notes": f"Imported {today.isoformat()} by sahel-nb import {command}; file "
                f"SHA-256 {digest}; locators are rows of the export (row 1 is the first "
                f"record).{read}",
            }
        ]
    )


def _append(path: Path, columns: list[str], rows: pd.DataFrame) -> None:
    """Add rows at the end of a CSV file, leaving every existing byte as it was."""
    if rows.empty:
        return
    crlf, needs_newline, exists = False, False, path.is_file() and path.stat().st_size > 0
    if exists:
        with open(path, "rb") as handle:
            first = handle.readline()
            crlf = first.endswith(b"\r\n")
            # A folder made before a column was added keeps its own header.
            header = next(csv.reader([first.decode("utf-8-sig").rstrip("\r\n")]), None)
            if header:
                columns = header
            handle.seek(-1, os.SEEK_END)
            needs_newline = handle.read(1) not in (b"\n", b"\r")
    ending = "\r\n" if crlf else "\n"
    empty = pa.nulls(len(rows), pa.string())
    table = pa.table(
        {
            name: pa.array(rows[name], from_pandas=True).cast(pa.string())
            if name in rows
            else empty
            for name in columns
        }
    )
    with open(path, "ab") as handle:
        if needs_newline:
            handle.write(ending.encode())
        if not exists:
            handle.write((",".join(columns) + ending).encode())
        # Arrow quotes every text value; any CSV reader reads them as the same values.
        pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=False, eol=ending))


def _write_validated(data_dir: Path, additions: dict[str, pd.DataFrame], links: list[dict]) -> None:
    with tempfile.TemporaryDirectory(prefix=".import-", dir=data_dir) as tmp:
        staged = Path(tmp)
        names = [t.file for t in TABLES.values()] + [LINKS_FILE]
        for name in names:
            if (data_dir / name).is_file():
                shutil.copy2(data_dir / name, staged / name)
        for table, rows in additions.items():
            _append(staged / TABLES[table].file, TABLES[table].columns, rows)
        _append(staged / LINKS_FILE, _LINK_COLUMNS, pd.DataFrame(links, columns=_LINK_COLUMNS))
        load_dataset(staged)  # raises with every problem; the data folder is untouched
        for name in names:
            if (staged / name).is_file():
                os.replace(staged / name, data_dir / name)
