"""How UCDP GED exports are read and imported: CSV or the API's JSON, dates as intervals, death ranges."""

from __future__ import annotations

import os
import re
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .._gc import paused
from ..matching import Windows
from ..schema import NOT_SPECIFIED
from ..transaction import checked_import
from .actors import Resolver, mentions_frame
from .checks import Checks, matches, number, text, whole_numbers
from .countries import gtd_iso3
from .matches import decided_claims, match_new_rows
from .reading import read_export
from .vintages import Vintages
from .writing import (
    ImportSummary,
    export_name,
    grade,
    new_or_linked,
    remap_for,
    restore_review,
    source_row,
    write_validated,
)

__all__ = ["UCDP_COLUMNS", "UCDP_TYPES", "import_ucdp", "read_ucdp"]

#: The columns of UCDP's Georeferenced Event Dataset (GED) the import reads;
#: the GED has more (conflict and dyad ids, sources, deaths by side), ignored.
UCDP_COLUMNS = (
    "id", "year", "type_of_violence", "conflict_name", "side_a", "side_b", "where_prec",
    "where_coordinates", "adm_1", "latitude", "longitude", "country", "date_prec",
    "date_start", "date_end", "best", "low", "high",
)  # fmt: skip
#: Older GED releases' spellings of the death estimates (``best_est`` …,
#: renamed ``best`` … in later releases); read as the newer names.
_ALIASES = {"best_est": "best", "low_est": "low", "high_est": "high"}
_REQUIRED = ("id", "type_of_violence", "side_a", "side_b", "date_start", "date_end", "best")
#: UCDP's type_of_violence as the data's (event type, sub-event type). One-sided
#: violence (deadly violence against civilians) is the broad type: UCDP does not
#: say whether the victims were killed in an attack or taken and killed.
UCDP_TYPES = {
    "1": ("Battles", "Armed clash"),
    "2": ("Battles", "Armed clash"),
    "3": ("Violence against civilians", NOT_SPECIFIED),
}
_TYPE_NAMES = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
#: UCDP's where_prec (1 the place itself … 7 only the country or international
#: waters) as ACLED's geo_precision; 6 and 7 are placed by the country alone.
UCDP_GEO_PRECISION = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3", "6": "", "7": ""}
_DATE_PREC = {
    "1": "the exact day",
    "2": "the day within 2-6 days",
    "3": "the week",
    "4": "the month",
    "5": "the year",
}
_NUMERIC = ("id", "year", "type_of_violence", "where_prec", "date_prec", "best", "low", "high")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _check(frame: pd.DataFrame) -> tuple[Checks, dict[str, pd.Series]]:
    checks = Checks(frame)
    cols = {c: text(frame, c) for c in UCDP_COLUMNS}
    for name in _NUMERIC:
        cols[name] = whole_numbers(cols[name])
    for name in ("date_start", "date_end"):
        # CSV: 2012-01-15 or 2012-01-15 00:00:00.000; the API: 2012-01-15T00:00:00.
        cols[name] = cols[name].str.slice(0, 10)
    for name in _REQUIRED:
        checks.flag(cols[name] == "", name, "is empty; a value is required")
    checks.flag(~matches(cols["id"], r"(?:\d{1,20})?"), "id", "is not a UCDP event id")
    checks.flag(
        ~cols["type_of_violence"].isin(["", *UCDP_TYPES]), "type_of_violence", "must be 1, 2 or 3"
    )
    checks.flag(~cols["where_prec"].isin(["", *UCDP_GEO_PRECISION]), "where_prec", "must be 1 to 7")
    checks.flag(~cols["date_prec"].isin(["", *_DATE_PREC]), "date_prec", "must be 1 to 5")
    days = {}
    for name in ("date_start", "date_end"):
        value = cols[name]
        days[name] = pd.to_datetime(value.where(value.str.fullmatch(_DAY.pattern), None),
                                    format="%Y-%m-%d", errors="coerce")  # fmt: skip
        checks.flag((value != "") & days[name].isna(), name, "is not a date such as 2012-01-15")
        # pandas reads year 0 and year 1 as dates: no UCDP event is older than its data.
        checks.flag(
            days[name].notna() & (days[name].dt.year < 1946), name,
            "is before 1946, where UCDP's data begin",
        )  # fmt: skip
    checks.flag(days["date_end"] < days["date_start"], "date_end", "is before date_start")
    for name in ("best", "low", "high"):
        value = number(cols[name])
        checks.flag((cols[name] != "") & value.isna(), name, "is not a number")
        checks.flag(value < 0, name, "is negative")
    # The same event twice (API pages that overlap) is added once; the same id
    # with other values is two records that cannot both be UCDP's event.
    again = cols["id"].duplicated() & (cols["id"] != "")
    if again.any():
        whole = pd.DataFrame({name: values for name, values in cols.items()}).duplicated()
        checks.flag(
            again & ~whole, "id", "repeats an earlier row's event id with other values; keep one"
        )
    low, best, high = (number(cols[c]) for c in ("low", "best", "high"))
    checks.flag((low > best) | (best > high), "best", "is not between low and high")
    for name, lowest, highest in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = number(cols[name])
        checks.flag((cols[name] != "") & value.isna(), name, "is not a number")
        checks.flag(
            value.notna() & ~value.between(lowest, highest),
            name,
            f"must be between {lowest} and {highest}",
        )
    return checks, cols


def _read_checked(path: Path):
    frame, problems, encoding = read_export(
        path, _REQUIRED, UCDP_COLUMNS, "a UCDP GED export", None, _ALIASES
    )
    if problems:
        return frame, {}, problems, encoding
    checks, cols = _check(frame)
    return frame, cols, checks.problems(path, encoding), encoding


def read_ucdp(path: str | os.PathLike) -> tuple[pd.DataFrame, list]:
    """Read a UCDP GED export (CSV, or the API's JSON pages): rows as text, and problems.

    Examples
    --------
    >>> rows, problems = read_ucdp("tests/fixtures/ucdp/ged_sample.csv")
    >>> len(rows), problems
    (4, [])
    """
    frame, _, problems, _ = _read_checked(Path(path))
    return frame, problems


def _holds_ranges(data_dir: Path) -> bool:
    """Whether the folder's events.csv has the columns for a range of deaths."""
    import csv

    try:
        with open(Path(data_dir) / "events.csv", encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except OSError:
        return False
    return {"fatalities_low", "fatalities_high"} <= set(header)


def _country(names: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """ISO 3166 codes of UCDP's country names; its former names in brackets are left aside."""
    plain = names.str.replace(r"\s*\(.*\)\s*$", "", regex=True)
    plain = plain.replace({"DR Congo": "Democratic Republic of the Congo",
                           "Bosnia-Herzegovina": "Bosnia and Herzegovina",
                           "Kingdom of eSwatini": "Eswatini"})  # fmt: skip
    return gtd_iso3(plain)


def _dates(start: pd.Series, end: pd.Series) -> pd.Series:
    """One day where UCDP's start and end agree, else the interval they give."""
    return pd.Series(np.where(start == end, start, start + "/" + end), index=start.index)


def _descriptions(cols: dict[str, pd.Series]) -> pd.Series:
    """Our own sentence from UCDP's codes: type, conflict, deaths as a range, precision."""
    kinds = cols["type_of_violence"].map(_TYPE_NAMES).fillna("")
    deaths = "deaths: best estimate " + cols["best"]
    ranged = (cols["low"] != "") | (cols["high"] != "")
    deaths = deaths.where(~ranged, deaths + " (low " + cols["low"].replace("", "?") + ", high "
                          + cols["high"].replace("", "?") + ")")  # fmt: skip
    when = "date known to " + cols["date_prec"].map(_DATE_PREC).fillna("an unstated precision")
    where = "place precision " + cols["where_prec"].replace("", "not given") + " of 7"
    conflict = ("; conflict: " + cols["conflict_name"]).where(cols["conflict_name"] != "", "")
    return (
        "Event coded by UCDP GED as " + cols["id"] + " (" + kinds + ")" + conflict + "; "
        + deaths + "; " + when + "; " + where + "."
    )  # fmt: skip


@paused()
def import_ucdp(
    path: str | os.PathLike,
    data_dir: str | os.PathLike,
    *,
    today: date | None = None,
    windows: Windows | None = None,
) -> ImportSummary:
    """Import a UCDP GED export (CSV, or the API's JSON) into a data folder, all or nothing.

    Each row becomes an event ``ucdp-<id>``: state-based and non-state
    conflict as *Battles / Armed clash*, one-sided violence as *Violence
    against civilians* (sub-type not specified). Its date is the day UCDP
    gives, or the interval from ``date_start`` to ``date_end`` where those
    differ (``date_prec`` 2-5); its deaths are ``best``, with ``low`` and
    ``high`` in the description; its place is UCDP's coordinates at the
    precision ``where_prec`` gives (6 and 7, only the country: placed by the
    country). ``side_a`` and ``side_b`` resolve through ``actor_mappings.csv``
    (rows with dataset ``ucdp``) and aliases, as ACLED's actors do; GED
    versions from 5.0 on are read (today's columns; older extra ones are
    ignored). Matching, revisions, idempotency and the all-or-nothing write
    are as for :func:`sahel_nb.interop.import_acled`.

    Examples
    --------
    >>> import_ucdp("ged.csv", "~/my-data")  # doctest: +SKIP
    """
    return checked_import(path, data_dir, _read_checked, partial(_import, windows=windows), today)


def _import(
    path: Path, data_dir: Path, frame, cols, encoding: str, today, dataset, windows=None
) -> ImportSummary:
    """The import proper, with the folder's import lock held and its ``dataset`` loaded."""

    source_id, digest = f"ucdp-{frame.attrs['sha256'][:12]}", frame.attrs["sha256"]
    summary = ImportSummary(source_id, read=len(frame))
    named = export_name(path, frame)
    today = today or date.today()
    repeated = cols["id"].duplicated().to_numpy(bool)
    if repeated.any():  # the same event twice in one file (API pages overlapping): added once
        cols = {name: values[~repeated] for name, values in cols.items()}
    country, unknown = _country(cols["country"])
    for name, count in unknown.items():
        summary.notes.append(
            f"{count} rows give the country {name!r}, which has no ISO 3166 code here: their "
            "country is left empty"
        )
    if ((cols["low"] != "") | (cols["high"] != "")).any() and not _holds_ranges(data_dir):
        summary.notes.append(
            "this folder's events.csv has no fatalities_low and fatalities_high columns: "
            "UCDP's low and high estimates of deaths are kept in each event's description "
            "only; add the two columns to its header (as data/events.csv has them) to keep "
            "them as numbers"
        )
    kinds = cols["type_of_violence"].map(UCDP_TYPES)
    by_country = cols["where_prec"].isin(["6", "7"])
    rows = pd.DataFrame(
        {
            "event_id": "ucdp-" + cols["id"],
            "date": _dates(cols["date_start"], cols["date_end"]),
            "event_type": kinds.str[0],
            "sub_event_type": kinds.str[1],
            "location": cols["where_coordinates"],
            "admin1": cols["adm_1"],
            "country": country,
            "latitude": cols["latitude"].where(~by_country, ""),
            "longitude": cols["longitude"].where(~by_country, ""),
            "geo_precision": cols["where_prec"].map(UCDP_GEO_PRECISION).fillna(""),
            "fatalities": cols["best"],
            "fatalities_low": cols["low"],
            "fatalities_high": cols["high"],
            "description": _descriptions(cols),
            "_row": frame["_row"][cols["id"].index],
        }
    )
    vintages = Vintages("ucdp", source_id, "", named, today)
    keep, links = new_or_linked(rows, dataset, data_dir, source_id, "ucdp", summary)
    if repeated.any():
        count = int(repeated.sum())
        summary.notes.append(
            f"{count} row{'s' if count != 1 else ''} repeat{'' if count != 1 else 's'} an earlier "
            "row of the file (API pages that overlap): each event is added once"
        )
    earlier = ~keep & vintages.earlier(rows, dataset)
    keep = keep | earlier
    held = rows["event_id"]
    rows = rows[keep]
    remap = remap_for(dataset, data_dir, summary)
    resolver = Resolver(dataset, data_dir, "ucdp", source_id)
    sides = [cols["side_a"][keep], cols["side_b"][keep]]
    resolved = resolver.resolve(
        mentions_frame([(n, "", rows["_row"], slot) for slot, n in enumerate(sides)])
    )
    rows["actor1"] = sides[0].map(resolved)
    rows["actor2"] = sides[1].map(resolved).where(sides[1] != "", None)
    rows["assoc_actors"] = ""
    grade(rows, source_id)
    types = set(pd.unique(rows["event_type"].astype(str)))  # before split: every row read
    rows, revised = vintages.split(rows, earlier[keep], dataset)
    if vintages.has_earlier(dataset):
        days = pd.to_datetime(cols["date_start"], errors="coerce").dropna()
        vintages.withdraw(
            dataset, held, set(country[country != ""]),
            days.min().date().isoformat() if len(days) else "",
            days.max().date().isoformat() if len(days) else "",
            types=types,
        )  # fmt: skip
    summary.count_vintages(vintages)
    summary.notes += frame.attrs.get("notes", [])
    summary.added = len(rows)
    written = pd.concat([rows, revised])
    used = set(pd.unique(written["actor1"])) | set(pd.unique(written["actor2"].dropna()))
    summary.new_actors = resolver.created(used)
    review = match_new_rows(rows, dataset, data_dir, summary, windows)
    summary.added -= len(summary.linked)
    claims = decided_claims(dataset, data_dir)
    if rows.empty and not remap and not vintages.changes() and not claims:
        restore_review(dataset, data_dir, resolver, summary)
        return summary  # nothing to write: the same file again, or nothing new in it
    sources = source_row(
        dataset, source_id, f"UCDP GED export {named}", "UCDP",
        "Uppsala Conflict Data Program (UCDP), Georeferenced Event Dataset", digest, today,
        "ucdp", encoding,
    )  # fmt: skip
    summary.remapped_rows = write_validated(
        data_dir,
        {"sources": sources, "actors": pd.DataFrame(summary.new_actors), "events": rows},
        links, remap, vintages,
        extras=(lambda folder: resolver.write_review(folder, summary.new_actors),),
        what=f"{source_id} from {named}", review=review, claims=claims,
    )  # fmt: skip
    summary.review_file = resolver.review_path(data_dir) if summary.new_actors else None
    return summary
