"""How ACLED exports are read and imported: every layout since 2015, old event types, dates, actors."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._gc import paused
from ..arrowtext import as_str
from ..csvfile import arrow_text
from ..exceptions import Problem
from ..matching import Windows
from ..schema import EVENT_TYPES, NOT_SPECIFIED
from ..transaction import checked_import
from .acled_notes import _cut_short, _mismatches, _other_country, _write_skipped
from .actors import Resolver, inter_codes, mentions_frame, unreadable_codes
from .checks import Checks, isin, matches, number, parse_days, pick, text, whole_numbers
from .matches import decided_claims, match_new_rows
from .reading import read_export
from .sides import ResolvedIds, event_sides
from .vintages import Vintages, export_vintage
from .writing import (
    ImportSummary,
    export_name,
    grade,
    iso3_column,
    named_ids,
    new_or_linked,
    remap_for,
    restore_review,
    source_row,
    write_validated,
)

__all__ = ["ACLED_COLUMNS", "OLD_EVENT_TYPES", "import_acled", "read_acled"]

#: The columns of ACLED's standard export today; older exports have others.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
_REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1")
#: The columns the import reads (``iso3``: 2019–2022 exports); the others stay in the export.
_USED = (
    *_REQUIRED, "data_id", "sub_event_type", "year", "time_precision", "assoc_actor_1", "inter1", "actor2",
    "assoc_actor_2", "inter2", "iso", "iso3", "country", "admin1", "location", "latitude",
    "longitude", "geo_precision", "source", "fatalities", "timestamp",
)  # fmt: skip
#: Older spellings of today's columns. (``GWNO`` is a Gleditsch–Ward country
#: number, not ISO's: the country's name is used instead.)
_ALIASES = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}

#: ACLED's event types before its March 2019 change, as it mapped them to
#: today's: (event type, sub-event type). Where the old type gives no
#: sub-event type it is "Not specified" (never guessed); "Riots/Protests" is
#: told apart by its actors' codes (5 rioters, 6 protesters), as ACLED's own
#: split of the type was, and a row whose codes do not say is skipped with the reason.
OLD_EVENT_TYPES = {
    "Battle-No change of territory": ("Battles", "Armed clash"),
    "Battle-Government regains territory": ("Battles", "Government regains territory"),
    "Battle-Non-state actor overtakes territory": (
        "Battles",
        "Non-state actor overtakes territory",
    ),
    "Headquarters or base established": (
        "Strategic developments",
        "Headquarters or base established",
    ),
    "Non-violent transfer of territory": (
        "Strategic developments",
        "Non-violent transfer of territory",
    ),
    "Remote violence": ("Explosions/Remote violence", NOT_SPECIFIED),
    "Violence against civilians": ("Violence against civilians", NOT_SPECIFIED),
    "Strategic development": ("Strategic developments", NOT_SPECIFIED),
    "Riots/Protests": (None, NOT_SPECIFIED),
}
_UNDECIDED = (
    "ACLED's pre-2019 type 'Riots/Protests' with no rioters (code 5) or protesters "
    "(code 6) among its actors: neither Riots nor Protests can be told"
)
_CURRENT = {kind.casefold(): kind for kind in EVENT_TYPES}
_OLD = {re.sub(r"\s*-\s*", "-", k).casefold(): k for k in OLD_EVENT_TYPES}
# Spellings of the old types seen in real files beside ACLED's own.
_OLD["battle-non-state actors overtake territory"] = "Battle-Non-state actor overtakes territory"
_SUBS = {(kind, sub.casefold()): sub for kind, subs in EVENT_TYPES.items() for sub in subs}
_SUBS[("Protests", "excessive force against protestors")] = "Excessive force against protesters"
_DATE_HINT = "ACLED writes 2012-01-15, 15 January 2012 or 01-January-2015"


def _whole(values: pd.Series) -> pd.Series:
    """``3.0`` (a number a spreadsheet or pandas re-saved) as ``3``; other text as it is."""
    return whole_numbers(values)


def _kind(value: str, given: str) -> tuple[str, str, str, str, str]:
    """One (event type, sub-event type) as written: (type, sub-type, old type, skip, problem)."""
    key = re.sub(r"\s*-\s*", "-", value.strip()).casefold()
    if key in _CURRENT and (given or key not in _OLD):
        name = _CURRENT[key]
        if not given:
            return name, NOT_SPECIFIED, "", "", ""
        known = _SUBS.get((name, given.casefold()), "")
        return name, known, "", "", "" if known else f"is not a kind of {name!r}"
    if key in _OLD:
        old = _OLD[key]
        new_kind, new_sub = OLD_EVENT_TYPES[old]
        # Riots/Protests waits for the actors' codes (_riots_or_protests).
        return new_kind or "", new_sub, old, "", ""
    return "", "", "", "", "is not an ACLED event type, old or new"


def _kinds(cols: dict[str, pd.Series], checks: Checks) -> None:
    """Today's event and sub-event types for every row, ``_original`` the old type, ``_skip`` why not."""
    raw, sub_raw = cols["event_type"], cols["sub_event_type"]
    # A few dozen distinct pairs in a million rows: each decided once. The
    # pairs are told apart by their codes, not by joining half a million texts.
    kinds, kind_names = pd.factorize(raw)
    subs, sub_names = pd.factorize(sub_raw)
    width = max(len(sub_names), 1)
    # A row missing either (-1) is decided as two empty cells.
    which, pairs = pd.factorize(np.where((kinds < 0) | (subs < 0), -1, kinds * width + subs))
    pairs = [(kind_names[p // width], sub_names[p % width]) if p >= 0 else ("", "")
             for p in pairs]  # fmt: skip
    decided = [_kind(*pair) if pair != ("", "") else ("",) * 5 for pair in pairs]
    for position, name in enumerate(("event_type", "sub_event_type", "_original", "_skip")):
        values = pa.array([d[position] for d in decided], type=pa.string())
        # Arrow-backed like the other columns: later comparisons run in Arrow.
        cols[name] = pd.Series(as_str(values.take(which)), index=raw.index, copy=False)
    for index, (*_, problem) in enumerate(decided):
        if problem:
            column = "event_type" if problem.startswith("is not an ACLED") else "sub_event_type"
            checks.flag(which == index, column, problem)


def _riots_or_protests(cols: dict[str, pd.Series]) -> None:
    """Old "Riots/Protests" rows: Riots when rioters act (code 5), Protests when protesters do."""
    old = (cols["_original"] == "Riots/Protests").to_numpy(bool)
    if not old.any():
        return
    first, second = cols["inter1"].to_numpy(object), cols["inter2"].to_numpy(object)
    # The acting side decides; the other side only when the acting side is neither.
    riots = (first == "5") | ((first != "6") & (second == "5"))
    protests = ~riots & ((first == "6") | (second == "6"))
    kind = np.where(riots, "Riots", np.where(protests, "Protests", ""))
    kinds = cols["event_type"].to_numpy(object).copy()
    kinds[old] = kind[old]
    cols["event_type"] = pd.Series(kinds, index=cols["event_type"].index, dtype=object)
    skip = cols["_skip"].to_numpy(object).copy()
    skip[old & (kind == "")] = _UNDECIDED
    cols["_skip"] = pd.Series(skip, index=cols["_skip"].index, dtype=object)


def _check(frame: pd.DataFrame) -> tuple[Checks, dict[str, pd.Series]]:
    checks = Checks(frame)
    cols = {c: text(frame, c) for c in _USED}
    for name in ("time_precision", "geo_precision", "fatalities", "year", "iso"):
        cols[name] = _whole(cols[name])
    # A record without its event id still has ACLED's record number (data_id)
    # in the exports that carry one: the event is kept under that number.
    ids, record = cols["event_id_cnty"], _whole(cols["data_id"])
    lacking = ((ids == "") & (record != "")).to_numpy(bool)
    cols["event_id_cnty"] = pick(lacking, "data-" + record, ids)
    cols["_record"] = pick(lacking, record, "")
    for name in _REQUIRED:
        checks.flag(cols[name] == "", name, "is empty; a value is required")
    days = parse_days(cols["event_date"], "event_date", checks, _DATE_HINT)
    year = number(cols["year"])
    checks.flag((cols["year"] != "") & year.isna(), "year", "is not a year")
    wrong_year = days.notna() & year.notna() & (days.dt.year != year)
    checks.flag(wrong_year, "event_date", "is not in the year the year column gives")
    checks.flag(
        ~cols["time_precision"].isin(["", "1", "2", "3"]), "time_precision", "must be 1, 2 or 3"
    )
    _kinds(cols, checks)
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = number(cols[name])
        checks.flag((cols[name] != "") & value.isna(), name, "is not a number")
        checks.flag(
            value.notna() & ~value.between(low, high), name, f"must be between {low} and {high}"
        )
    checks.flag(
        ~matches(cols["fatalities"], r"(?:\d{1,9})?"),
        "fatalities",
        "must be a whole number, zero or more",
    )
    checks.flag(
        ~cols["geo_precision"].isin(["", "1", "2", "3"]), "geo_precision", "must be 1, 2 or 3"
    )
    checks.flag(
        ~matches(cols["event_id_cnty"], r"(?:[A-Za-z0-9_.-]+)?"),
        "event_id_cnty",
        "is not an ACLED event id such as MLI1234",
    )
    for side in ("inter1", "inter2"):
        cols[f"_{side}"] = cols[side]
        codes = inter_codes(cols[side])
        checks.flag(
            unreadable_codes(cols[side], codes),
            side,
            "is not an ACLED actor code (0 for no actor, 1 to 8, or a label such as State forces)",
        )
        cols[side] = codes
    _riots_or_protests(cols)
    cols["_day"] = days
    return checks, cols


def _read_checked(path: Path):
    frame, problems, encoding = read_export(
        path, _REQUIRED, _USED, "an ACLED export", None, _ALIASES
    )
    if problems:
        return frame, {}, problems, encoding
    checks, cols = _check(frame)
    return frame, cols, checks.problems(path, encoding), encoding


def read_acled(path: str | os.PathLike) -> tuple[pd.DataFrame, list[Problem]]:
    """Read an ACLED export: its rows as text columns, and every problem found.

    Any layout since 2015: today's export and API (numeric or text
    ``inter1``/``inter2``), the 2019–2022 exports (``data_id``, ``iso3``), the
    upper-case 2015–2018 files (``GWNO``, ``ALLY_ACTOR_1``); headers match
    without regard to case. Problems use the loader's ``file:line: column:
    message (value)`` form; line 1 is the header. All are collected, at most
    five lines for each column and message.

    Examples
    --------
    >>> rows, problems = read_acled("tests/fixtures/acled/mali_sample.csv")
    >>> len(rows), problems
    (3, [])
    """
    frame, _, problems, _ = _read_checked(Path(path))
    return frame, problems


def _descriptions(cols: dict[str, pd.Series]) -> pd.Series:
    """Our own sentence for each event from ACLED's codes (ACLED's notes are not copied).

    Examples: "ACLED event MLI2665 is coded Armed clash, a kind of Battles;
    reported by Kibaru." and, where no sub-event type is known, "ACLED event
    MLI17 is coded Battles, with no sub-event type (ACLED's type before March
    2019: Battle-No change of territory)."
    """

    # Joined in Arrow: half a million sentences from a few columns, no Python string per part.
    def text(name: str) -> pa.Array:
        return pc.cast(arrow_text(cols[name]), pa.string())  # the export's text, not copied

    def join(*parts) -> pa.Array:
        return pc.binary_join_element_wise(*parts, "")

    def given(values: pa.Array) -> pa.Array:
        return pc.not_equal(values, "")

    def either(when: pa.Array, then, otherwise) -> pa.Array:
        # Each way built only where some row takes it: most exports need one of two.
        if not pc.any(when).as_py():
            return otherwise()
        if pc.all(when).as_py():
            return then()
        return pc.if_else(when, then(), otherwise())

    ids, record, sub, kind = (text(n) for n in ("event_id_cnty", "_record", "sub_event_type",
                                                "event_type"))  # fmt: skip
    original, source = text("_original"), text("source")
    named = either(
        given(record),
        lambda: join("ACLED record ", record, " (the export gives it no event id)"),
        lambda: join("ACLED event ", ids),
    )
    coded = either(
        pc.equal(sub, NOT_SPECIFIED),
        lambda: join(" is coded ", kind, ", with no sub-event type"),
        lambda: join(" is coded ", sub, ", a kind of ", kind),
    )
    old = either(
        given(original),
        lambda: join(" (ACLED's type before March 2019: ", original, ")"),
        lambda: pa.scalar("", pa.string()),
    )
    reported = either(
        given(source), lambda: join("; reported by ", source), lambda: pa.scalar("", pa.string())
    )
    said = join(named, coded, old, reported, ".")
    # Kept in Arrow: half a million Python strings cost 0.25 s, and the rows are written from Arrow.
    return pd.Series(as_str(said), index=cols["event_id_cnty"].index, copy=False)


def _split(column: pd.Series) -> pd.Series:
    """Each associated actor on its own row (ACLED separates them with ';'), index kept."""
    named = column[column != ""]
    if named.empty:
        return pd.Series([], dtype=object)
    # Split and trimmed in Arrow, each part keeping its row's label (pandas'
    # split, explode and strip made a Python string of each: 0.12 s).
    split = pc.split_pattern(arrow_text(named), ";")
    if isinstance(split, pa.ChunkedArray):
        split = split.combine_chunks()
    parts = pc.utf8_trim_whitespace(pc.list_flatten(split))
    rows = named.index[pc.list_parent_indices(split).to_numpy()]
    parts = pd.Series(as_str(parts), index=rows, copy=False)
    return parts[parts != ""]


def _dates(cols: dict[str, pd.Series]) -> np.ndarray:
    """Dates as ACLED's precision allows: a day, the week as an interval, or the month."""
    # A few thousand distinct (day, precision) pairs: each written once.
    days = cols["_day"].to_numpy(dtype="datetime64[D]")
    precision = cols["time_precision"].to_numpy(object)
    level = np.where(precision == "2", 2, np.where(precision == "3", 3, 1))
    distinct, which = np.unique(days.astype(np.int64) * 4 + level, return_inverse=True)
    written = _written((distinct // 4).astype("datetime64[D]"), pd.Series(distinct % 4).astype(str))
    return written.astype(object)[which]


def _written(days: np.ndarray, precision: pd.Series) -> np.ndarray:
    """Each day written as its precision allows."""
    written = days.astype(str)
    week = (precision == "2").to_numpy(bool)
    if week.any():
        # Only the week is known: the seven days centred on the day ACLED codes.
        start = (days[week] - np.timedelta64(3, "D")).astype(str)
        end = (days[week] + np.timedelta64(3, "D")).astype(str)
        written = written.astype(object)
        written[week] = np.char.add(np.char.add(start, "/"), end)
    month = (precision == "3").to_numpy(bool)
    # Only the month is known: never a made-up day.
    written = np.where(month, days.astype("datetime64[M]").astype(str), written)
    return written


@paused()
def import_acled(
    path: str | os.PathLike,
    data_dir: str | os.PathLike,
    *,
    today: date | None = None,
    windows: Windows | None = None,
) -> ImportSummary:
    """Import an ACLED export into a data folder, all or nothing.

    Each ACLED event becomes an event ``acled-<event_id_cnty>`` citing one
    new source row for the export (its file name and SHA-256, the date of
    import) at locator ``row N``. Rows sharing an ``event_id_cnty`` (exports
    with one row per actor) are one event naming all their actors. Event
    types from before ACLED's 2019 change are mapped to today's (the old type
    is kept in the description); where the old type gives no sub-event type
    it is "Not specified", and an old "Riots/Protests" row is a riot or a
    protest by its actors' codes (skipped, saying why, when they do not tell). Dates keep ACLED's
    precision: a day, the week as an interval (time_precision 2), or the
    month (3).

    Actor names resolve through ``actor_mappings.csv``, then by exact name or
    alias (case aside); no fuzzy guessing. Other names become imported
    actors typed from ACLED's actor codes and listed with close curated
    names in a review file. Catch-all and collective names are ``unnamed``.
    Actors an earlier import created that the mappings or aliases now
    resolve are re-resolved in the imported rows. An event that repeats one
    already held (curated, or from an earlier import) is added as another
    report of its claim (:mod:`sahel_nb.matching`, within ``windows``);
    uncertain pairs go to ``event_matches.csv``. Importing the same file again
    changes nothing. Any problem in the file stops the import with every
    problem listed, and the folder is left untouched: the import is written
    to a copy, validated there, and only then moved in.
    """

    return checked_import(path, data_dir, _read_checked, partial(_import, windows=windows), today)


def _rows(frame, cols, ids, summary):
    """The events' rows (one per event id, skipped rows left out), which rows are first, which kept."""
    # One row per actor: a later row with the same id adds its actors to the event.
    first = _firsts(ids)
    summary.merged = int((~first).sum())
    skip = cols["_skip"]
    for reason, count in skip[first & (skip != "").to_numpy(bool)].value_counts().items():
        summary.skipped[reason] = int(count)
    event_rows = first & (skip == "").to_numpy(bool)
    country = np.where(cols["iso3"] != "", cols["iso3"], cols["iso"])
    rows = pd.DataFrame(
        {
            "event_id": "acled-" + ids,
            "date": _dates(cols),
            "event_type": cols["event_type"],
            "sub_event_type": cols["sub_event_type"],
            "location": cols["location"],
            "admin1": cols["admin1"],
            "country": iso3_column(pd.Series(country, index=ids.index), cols["country"]),
            "latitude": cols["latitude"],
            "longitude": cols["longitude"],
            "geo_precision": cols["geo_precision"],
            "fatalities": cols["fatalities"],
            "_row": frame["_row"],
        }
    )[event_rows]
    return rows, first, event_rows


def _import(
    path: Path, data_dir: Path, frame, cols, encoding: str, today, dataset, windows=None
) -> ImportSummary:
    """The import proper, with the folder's import lock held and its ``dataset`` loaded."""

    source_id, digest = f"acled-{frame.attrs['sha256'][:12]}", frame.attrs["sha256"]
    summary = ImportSummary(source_id, read=len(frame))
    export = export_name(path, frame)
    today = today or date.today()

    ids = cols["event_id_cnty"]
    # The sentences are joined by Arrow's kernels, which let go of Python's
    # lock: made in a thread while the rows are built (0.14 s at 500,000).
    with ThreadPoolExecutor(1) as pool:
        described = pool.submit(_descriptions, cols)
        rows, first, event_rows = _rows(frame, cols, ids, summary)
        rows["description"] = described.result()[event_rows]
    vintages = Vintages("acled", source_id, export_vintage(cols["timestamp"]), export, today)
    keep, links = new_or_linked(rows, dataset, data_dir, source_id, "acled", summary)
    # Events an earlier export imported are read like new ones, then compared.
    earlier = ~keep & vintages.earlier(rows, dataset)
    rows = rows[keep | earlier]
    earlier = earlier[keep | earlier]

    # Every row of a kept event names actors: its own and, in exports with one
    # row per actor, the later rows with its id.
    if summary.merged:
        kept = rows["event_id"].str.slice(6)
        named = isin(ids, kept)
        at = pc.index_in(
            pa.array(ids[named], type=pa.large_string(), from_pandas=True),
            value_set=pa.array(kept, type=pa.large_string(), from_pandas=True),
        )
        owner = pd.Series(at.to_numpy(zero_copy_only=False), index=ids.index[named])
    else:  # each event its own row
        named = np.isin(ids.index, rows.index)
        owner = pd.Series(np.arange(len(rows)), index=rows.index)
    row_no = frame["_row"][named]
    assoc1, assoc2 = _split(cols["assoc_actor_1"][named]), _split(cols["assoc_actor_2"][named])
    parts = [
        (cols["actor1"][named], cols["inter1"][named], row_no, 0),
        # An associated actor takes the code of the side it is associated with.
        (assoc1, cols["inter1"].reindex(assoc1.index), row_no.reindex(assoc1.index), 1),
        (cols["actor2"][named], cols["inter2"][named], row_no, 2),
        (assoc2, cols["inter2"].reindex(assoc2.index), row_no.reindex(assoc2.index), 3),
    ]
    remap = remap_for(dataset, data_dir, summary)
    resolver = Resolver(dataset, data_dir, "acled", source_id)
    mentions = mentions_frame(parts)
    resolved = ResolvedIds(resolver.resolve(mentions))
    # Positions, not labels: the event (by its place among rows) of each name.
    said = [
        (
            names,
            owner.reindex(names.index).to_numpy(),
            row.reindex(names.index).to_numpy() * 8 + slot,
            slot in (0, 2),  # a row's own actor1 or actor2, not one associated with it
        )
        for names, _, row, slot in parts
        if not names.empty
    ]
    leading = (cols["actor1"][rows.index], cols["actor2"][rows.index])
    rows["actor1"], rows["actor2"], rows["assoc_actors"] = event_sides(
        rows.index, leading, said, resolved, bool(summary.merged)
    )
    grade(rows, source_id)
    types = set(pd.unique(rows["event_type"].astype(str)))  # before split: every row read
    rows, revised = vintages.split(rows, earlier, dataset)
    if vintages.has_earlier(dataset):  # only then is coverage worth a pass over the ids
        days = cols["_day"].dropna()
        held = "acled-" + ids
        countries = pd.unique(pd.concat([rows["country"], revised["country"]]))
        vintages.withdraw(
            dataset,
            held,
            (set(countries) | _countries_held(dataset, held)) - {""},
            days.min().date().isoformat() if len(days) else "",
            days.max().date().isoformat() if len(days) else "",
            types=types,
        )
    summary.count_vintages(vintages)
    summary.added = len(rows)
    written = pd.concat([rows, revised])
    used = named_ids(written, ("actor1", "actor2"), ("assoc_actors",))
    summary.new_actors = resolver.created(used)
    summary.notes += frame.attrs.get("notes", []) + _mismatches(cols) + _cut_short(frame, cols)
    summary.notes += _other_country(frame, cols)
    review = match_new_rows(rows, dataset, data_dir, summary, windows)
    summary.added -= len(summary.linked)
    claims = decided_claims(dataset, data_dir)
    if rows.empty and not links and not remap and not vintages.changes() and not claims:
        restore_review(dataset, data_dir, resolver, summary)
        return summary  # nothing to write: the same file again, or nothing new in it
    sources = source_row(
        dataset,
        source_id,
        f"ACLED export {export}",
        "ACLED",
        "Armed Conflict Location & Event Data Project",
        digest,
        today,
        "acled",
        encoding,
        vintages.vintage,
        frame.attrs.get("sheet", ""),
    )
    summary.remapped_rows = write_validated(
        data_dir,
        {"sources": sources, "actors": pd.DataFrame(summary.new_actors), "events": rows},
        links,
        remap,
        vintages,
        extras=(
            lambda folder: resolver.write_review(folder, summary.new_actors),
            lambda folder: _write_skipped(
                folder, source_id, frame, cols, first & (cols["_skip"] != "").to_numpy(bool)
            ),
        ),
        what=f"{source_id} from {export}",
        review=review,
        claims=claims,
    )
    summary.review_file = resolver.review_path(data_dir) if summary.new_actors else None
    return summary


def _firsts(ids: pd.Series) -> np.ndarray:
    """Which rows are the first with their id (pandas' ``~duplicated``), hashed in Arrow.

    Examples
    --------
    >>> _firsts(pd.Series(["a", "b", "a"])).tolist()
    [True, True, False]
    """
    encoded = pc.dictionary_encode(pa.array(ids, type=pa.large_string(), from_pandas=True))
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    first = np.zeros(len(ids), dtype=bool)
    if len(encoded.dictionary) == len(ids):  # every id once: most exports
        first[:] = True
        return first
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    _, at = np.unique(codes, return_index=True)
    first[at] = True
    return first


def _countries_held(dataset, held: pd.Series) -> set[str]:
    """Countries of the events this export holds that were already imported (all its coverage)."""
    events = dataset.events
    return set(events.loc[isin(events["event_id"], pd.unique(held)), "country"].dropna())
