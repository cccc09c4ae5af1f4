"""How GTD exports are read and imported: START's workbook or a CSV, hostage-takings and their ransoms."""

from __future__ import annotations

import os
import re
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from .._gc import paused
from ..exceptions import Problem
from ..flows import DEMAND, KIDNAPPING
from ..matching import Windows
from ..transaction import checked_import
from .actors import Resolver, mentions_frame
from .checks import Checks, matches, number, text, whole_numbers
from .countries import gtd_iso3
from .matches import decided_claims, match_new_rows
from .reading import read_export
from .vintages import Vintages
from .writing import (
    IMPORTED_CREDIBILITY,
    ImportSummary,
    export_name,
    grade,
    joined,
    new_or_linked,
    remap_for,
    restore_review,
    source_row,
    write_validated,
)

__all__ = ["GTD_COLUMNS", "GTD_OUTCOMES", "GTD_UNKNOWN", "gtd_release", "import_gtd", "read_gtd"]

#: The GTD columns the import reads: the event's date, place and groups, and
#: its hostage and ransom fields. A GTD export has many more; they are ignored.
GTD_COLUMNS = (
    "eventid", "iyear", "imonth", "iday", "approxdate", "country_txt", "provstate", "city",
    "latitude", "longitude", "specificity", "gname", "gname2", "gname3", "nkill", "nwound",
    "ishostkid", "nhostkid", "nhostkidus", "nhours", "ndays", "kidhijcountry", "ransom",
    "ransomamt", "ransomamtus", "ransompaid", "ransompaidus", "ransomnote", "hostkidoutcome",
    "hostkidoutcome_txt", "nreleased",
)  # fmt: skip
_REQUIRED = ("eventid", "iyear", "imonth", "iday", "gname", "ishostkid")
#: GTD's codes for "unknown" in its numeric fields (read as empty).
GTD_UNKNOWN = {"-9", "-99"}
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
#: Columns holding numbers: a CSV written by a spreadsheet or pandas has ``3.0`` for ``3``.
_NUMERIC = (
    "eventid", "iyear", "imonth", "iday", "specificity", "nkill", "nwound", "ishostkid",
    "nhostkid", "nhostkidus", "nhours", "ndays", "ransom", "ransomamt", "ransomamtus",
    "ransompaid", "ransompaidus", "hostkidoutcome", "nreleased",
)  # fmt: skip
_COUNTS = ("nhostkid", "nhostkidus", "nhours", "ndays", "nreleased")
#: GTD shares the deaths and wounded of a multi-part attack among its parts (19.8, 1.333…).
_SHARED = ("nkill", "nwound")
_AMOUNTS = ("ransomamt", "ransomamtus", "ransompaid", "ransompaidus")


#: GTD names each release's files by month and year: globalterrorismdb_0617dist
#: (June 2017), gtd1993_1012dist (October 2012).
_RELEASE = re.compile(r"(?<![0-9])(0[1-9]|1[0-2])([0-9]{2})dist(?![a-z])", re.IGNORECASE)


def gtd_release(file_name: str) -> str:
    """The release a GTD file's name gives, as ``YYYY-MM``, or ``""``.

    An older release imported after a newer one must not revise it: without
    this, the later import would count as the newer.

    Examples
    --------
    >>> gtd_release("globalterrorismdb_0617dist.xlsx"), gtd_release("gtd_2011_1012dist.csv")
    ('2017-06', '2012-10')
    >>> gtd_release("my_gtd_extract.xlsx")
    ''
    """
    found = _RELEASE.search(file_name)
    return f"20{found.group(2)}-{found.group(1)}" if found else ""


def _check(frame: pd.DataFrame) -> tuple[Checks, dict[str, pd.Series]]:
    checks = Checks(frame)
    cols = {c: text(frame, c) for c in GTD_COLUMNS}
    for name in _NUMERIC:
        cols[name] = whole_numbers(cols[name])
    for name in _REQUIRED:
        checks.flag(cols[name] == "", name, "is empty; a value is required")
    checks.flag(
        ~matches(cols["eventid"], r"(?:\d{1,20})?"),
        "eventid",
        "is not a GTD event id such as 201001010001",
    )
    year, month, day = (number(cols[c]) for c in ("iyear", "imonth", "iday"))
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
    for name in ("ishostkid", "ransom"):
        checks.flag(
            ~cols[name].isin(["", "0", "1", *GTD_UNKNOWN]), name, "must be 1, 0 or -9 (unknown)"
        )
    for name in (*_SHARED, *_COUNTS, *_AMOUNTS):
        value = cols[name]
        unknown = value.isin(GTD_UNKNOWN)
        amount = number(value.where(~unknown, ""))
        checks.flag((value != "") & amount.isna() & ~unknown, name, "is not a number")
        checks.flag(amount < 0, name, "is negative; GTD writes an unknown as -9 or -99")
        checks.flag(
            amount > 1e15, name, "is too large for any count or sum; check its digits and exponent"
        )
        if name in _COUNTS:
            checks.flag(amount.notna() & (amount != amount.round()), name, "must be a whole number")
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = number(cols[name])
        checks.flag((cols[name] != "") & value.isna(), name, "is not a number")
        checks.flag(
            value.notna() & ~value.between(low, high), name, f"must be between {low} and {high}"
        )
    checks.flag(
        ~cols["specificity"].isin(["", *GTD_GEO_PRECISION]), "specificity", "must be 1 to 5"
    )
    return checks, cols


def _read_checked(path: Path):
    frame, problems, encoding = read_export(path, _REQUIRED, GTD_COLUMNS, "a GTD export", "latin-1")
    if problems:
        return frame, {}, problems, encoding
    checks, cols = _check(frame)
    return frame, cols, checks.problems(path, encoding), encoding


def read_gtd(path: str | os.PathLike) -> tuple[pd.DataFrame, list[Problem]]:
    """Read a GTD export (START's workbook, or CSV in UTF-8 or GTD's Latin-1): rows as text, problems.

    Examples
    --------
    >>> rows, problems = read_gtd("tests/fixtures/gtd/sahel_sample.csv")
    >>> len(rows), problems
    (4, [])
    """
    frame, _, problems, _ = _read_checked(Path(path))
    return frame, problems


def _count(values: pd.Series) -> pd.Series:
    """GTD numbers as text: unknown codes (-9, -99) empty; ``3.0`` written ``3``."""
    amount = number(values.where(~values.isin(GTD_UNKNOWN), ""))
    out = amount.map(lambda v: "" if pd.isna(v) else (f"{v:.0f}" if v == int(v) else repr(v)))
    return out.astype(object)


def _deaths(values: pd.Series) -> pd.Series:
    """Whole deaths for ``fatalities``: GTD's share of a multi-part attack rounded half up."""
    amount = number(values.where(~values.isin(GTD_UNKNOWN), ""))
    rounded = np.floor(amount + 0.5)
    return rounded.map(lambda v: "" if pd.isna(v) else f"{v:.0f}").astype(object)


def _date(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
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


def _said(value: str) -> bool:
    """Whether a text cell says something: GTD's 2012 release writes "." for nothing."""
    return any(c.isalpha() for c in value)


def _description(cols: dict[str, pd.Series], counts: dict[str, pd.Series]) -> pd.Series:
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
        held = [
            f"{counts[c].iat[i]} {c[1:] if counts[c].iat[i] != '1' else c[1:-1]}"
            for c in ("ndays", "nhours")
            if counts[c].iat[i]
        ]
        if held:
            parts.append("held " + " and ".join(held))
        where = cols["kidhijcountry"].iat[i]
        # Older releases write a country code ("4") or "Unknown" there: no place to say.
        if _said(where) and not where.strip().isdigit() and where.casefold() != "unknown":
            parts.append(f"ended in {where}")
        outcome = outcome_txt.iat[i] if _said(outcome_txt.iat[i]) else ""
        outcome = outcome or GTD_OUTCOMES.get(cols["hostkidoutcome"].iat[i], "")
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
        for name, what in (("nkill", "deaths"), ("nwound", "wounded")):
            given = counts[name].iat[i]
            if given and "." in given:
                parts.append(
                    f"GTD gives {given} {what}, this part's share of a multi-part attack"
                    + (" (rounded in fatalities)" if name == "nkill" else "")
                )
        approx = cols["approxdate"].iat[i]
        if approx:
            parts.append(f"GTD's approximate date: {approx}")
        out.append(
            f"Hostage-taking coded by GTD as {cols['eventid'].iat[i]}: " + "; ".join(parts) + "."
        )
    return pd.Series(out, index=cols["eventid"].index, dtype=object)


@paused()
def import_gtd(
    path: str | os.PathLike,
    data_dir: str | os.PathLike,
    *,
    today: date | None = None,
    windows: Windows | None = None,
) -> ImportSummary:
    """Import the hostage-takings of a GTD export into a data folder, all or nothing.

    Each row with ``ishostkid`` 1 becomes a kidnapping event ``gtd-<eventid>``
    (ACLED's *Abduction/forced disappearance*), dated from ``iyear``,
    ``imonth`` and ``iday`` as a partial date (0 is unknown: ``2010-04``,
    never a made-up day; GTD's ``approxdate`` is quoted in the description),
    with ``nhostkid`` as its hostages and ``nkill`` as its deaths. GTD shares
    the deaths of a multi-part attack among its parts (``nkill`` 1.333…):
    ``fatalities`` holds that share rounded half up, the description GTD's
    figure. Other rows are skipped and counted. GTD's unknown codes (-9,
    -99) become empty cells, never negative numbers or zero; ``3.0`` reads as
    ``3``.

    Ransoms are kept apart by what they are: a payment (``ransompaid``) is a
    flow of type ``ransom``; a demand (``ransomamt``) is a flow of type
    ``ransom demand``, which records an amount asked for, not money that
    moved, and is left out of every total. Both are in US dollars as GTD
    codes them, to the group, with the payer and date empty (GTD gives
    neither). Actor resolution, re-resolution, linking, idempotency and the
    all-or-nothing write are as for :func:`sahel_nb.interop.import_acled`;
    ``actor_mappings.csv`` rows with dataset ``gtd`` apply, and GTD's
    "Unknown" group becomes one unnamed imported actor.
    """

    return checked_import(path, data_dir, _read_checked, partial(_import, windows=windows), today)


def _import(
    path: Path, data_dir: Path, frame, cols, encoding: str, today, dataset, windows=None
) -> ImportSummary:
    """The import proper, with the folder's import lock held and its ``dataset`` loaded."""

    source_id, digest = f"gtd-{frame.attrs['sha256'][:12]}", frame.attrs["sha256"]
    summary = ImportSummary(source_id, read=len(frame))
    named = export_name(path, frame)
    today = today or date.today()

    kidnap = (cols["ishostkid"] == "1").to_numpy(bool)
    if (~kidnap).any():
        summary.skipped["not a hostage-taking (ishostkid is not 1)"] = int((~kidnap).sum())
    cols = {name: values[kidnap] for name, values in cols.items()}
    repeated = cols["eventid"].duplicated().to_numpy(bool)
    if repeated.any():  # the same incident twice in one file: added once
        summary.already += int(repeated.sum())
        cols = {name: values[~repeated] for name, values in cols.items()}
    row_numbers = frame["_row"][cols["eventid"].index]
    country, unknown = gtd_iso3(cols["country_txt"])
    for name, count in unknown.items():
        summary.notes.append(
            f"{count} rows give the country {name!r}, which has no ISO 3166 code here: their "
            "country is left empty (add the name to sahel_nb/reference/gtd_countries.csv)"
        )
    counts = {c: _count(cols[c]) for c in (*_SHARED, *_COUNTS, *_AMOUNTS)}
    rows = pd.DataFrame(
        {
            "event_id": "gtd-" + cols["eventid"],
            "date": _date(cols["iyear"], cols["imonth"], cols["iday"]),
            "event_type": "Violence against civilians",
            "sub_event_type": KIDNAPPING,
            "location": cols["city"].where(~cols["city"].str.casefold().isin(["unknown"]), ""),
            "admin1": cols["provstate"].where(
                ~cols["provstate"].str.casefold().isin(["unknown"]), ""
            ),
            "country": country,
            "latitude": cols["latitude"],
            "longitude": cols["longitude"],
            "geo_precision": cols["specificity"].map(GTD_GEO_PRECISION).fillna(""),
            "fatalities": _deaths(cols["nkill"]),
            "hostages": counts["nhostkid"],
            "description": _description(cols, counts),
            "_row": row_numbers,
        }
    )
    already = summary.already
    release = gtd_release(frame.attrs.get("file") or path.name)
    vintages = Vintages("gtd", source_id, release, named, today)
    keep, links = new_or_linked(rows, dataset, data_dir, source_id, "gtd", summary)
    summary.already += already
    # Incidents an earlier GTD file imported are read like new ones, then compared.
    earlier = ~keep & vintages.earlier(rows, dataset)
    keep = keep | earlier
    held = rows["event_id"]
    rows = rows[keep]
    remap = remap_for(dataset, data_dir, summary)
    resolver = Resolver(dataset, data_dir, "gtd", source_id)
    names = [cols[c][keep] for c in ("gname", "gname2", "gname3")]
    row_no = rows["_row"]
    resolved = resolver.resolve(mentions_frame([(n, "", row_no, s) for s, n in enumerate(names)]))
    rows["actor1"] = names[0].map(resolved)
    others = pd.concat(names[1:])
    others = others[others != ""].map(resolved)
    others = others[others.to_numpy() != rows["actor1"].reindex(others.index).to_numpy()]
    rows["assoc_actors"] = joined(others, rows.index)
    grade(rows, source_id)
    earlier = earlier[keep]
    types = set(pd.unique(rows["event_type"].astype(str)))  # before split: every row read
    rows, revised_rows = vintages.split(rows, earlier, dataset)
    if vintages.has_earlier(dataset):
        days = pd.to_datetime(_date(cols["iyear"], cols["imonth"], cols["iday"]).str.slice(0, 10),
                              format="mixed", errors="coerce").dropna()  # fmt: skip
        vintages.withdraw(
            dataset, held, set(country[country != ""]),
            days.min().date().isoformat() if len(days) else "",
            days.max().date().isoformat() if len(days) else "",
            types=types,
        )  # fmt: skip
    summary.count_vintages(vintages)
    summary.notes += frame.attrs.get("notes", [])

    flows = []
    for kind, amount, us_part, suffix, what in (
        (DEMAND, "ransomamt", "ransomamtus", "demand", "asked of"),
        ("ransom", "ransompaid", "ransompaidus", "paid", "paid by"),
    ):
        # Ransoms of new incidents only: a revised incident keeps the flows it has.
        value, us = counts[amount].loc[rows.index], counts[us_part].loc[rows.index]
        # GTD's 0 says no money: no flow. An unknown is empty: no flow either.
        has = (value != "") & (number(value) > 0)
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
    written = pd.concat([rows, revised_rows])
    used = set(pd.unique(written["actor1"])) | {
        a for joined_ in written["assoc_actors"].unique() for a in joined_.split("|") if a
    }
    summary.new_actors = resolver.created(used)
    review = match_new_rows(rows, dataset, data_dir, summary, windows)
    summary.added -= len(summary.linked)
    claims = decided_claims(dataset, data_dir)
    if rows.empty and not links and not remap and not vintages.changes() and not claims:
        restore_review(dataset, data_dir, resolver, summary)
        return summary  # nothing to write: the same file again, or nothing new in it
    sources = source_row(
        dataset,
        source_id,
        f"GTD export {named}",
        "START",
        "National Consortium for the Study of Terrorism and Responses to Terrorism (START), "
        "Global Terrorism Database",
        digest,
        today,
        "gtd",
        encoding,
        release,
        frame.attrs.get("sheet", ""),
        "the release the file's name gives (GTD's MMYYdist)",
    )
    additions = {"sources": sources, "actors": pd.DataFrame(summary.new_actors), "events": rows}
    summary.remapped_rows = write_validated(
        data_dir, {**additions, "flows": flows}, links, remap, vintages,
        extras=(lambda folder: resolver.write_review(folder, summary.new_actors),),
        what=f"{source_id} from {named}", review=review, claims=claims,
    )  # fmt: skip
    summary.review_file = resolver.review_path(data_dir) if summary.new_actors else None
    return summary
