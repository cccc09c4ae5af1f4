"""Importing public datasets (ACLED) beside the curated data: mapped, resolved, linked, validated."""

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
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import pycountry

from .data import load_dataset
from .exceptions import DataValidationError, Problem
from .schema import EVENT_TYPES, TABLES

__all__ = ["ACLED_COLUMNS", "ImportSummary", "import_acled", "read_acled"]

#: The columns of ACLED's standard export; older exports have fewer.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
_REQUIRED = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1")

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

#: What an imported event is graded: ACLED codes each event from media reports
#: we have not checked ourselves, so "possibly true" until an analyst says more.
IMPORTED_CREDIBILITY = 3
#: ACLED as a source: a systematic, documented, widely used collection.
ACLED_RELIABILITY = "B"

MAPPING_FILE = "actor_mappings.csv"
LINKS_FILE = "event_links.csv"


@dataclass
class ImportSummary:
    """What an import did: rows read, added, linked to curated events, already there."""

    source_id: str
    read: int = 0
    added: int = 0
    linked: list[tuple[str, str]] = field(default_factory=list)
    already: int = 0
    new_actors: list[dict] = field(default_factory=list)
    review_file: Path | None = None

    def __str__(self) -> str:
        lines = [
            f"{self.read} rows read from the export ({self.source_id}): {self.added} events "
            f"added, {len(self.linked)} linked to curated events, {self.already} already "
            "imported, 0 rejected.",
        ]
        for external, curated in self.linked:
            lines.append(f"  linked: {external} is curated event {curated}")
        if self.new_actors:
            lines.append(
                f"{len(self.new_actors)} actor names matched no actor and were created as "
                f"imported actors; review them in {self.review_file}"
            )
        return "\n".join(lines)


_MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August",
     "September", "October", "November", "December"], 1)}  # fmt: skip


def _day(text: str) -> date | None:
    """ACLED dates: ``2012-01-15`` (current exports) or ``15 January 2012`` (older ones)."""
    text = text.strip()
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2}) ([A-Za-z]+) (\d{4})", text)
    if match and match[2].lower() in _MONTHS:
        try:
            return date(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
        except ValueError:
            return None
    return None


def _partial(day: date, precision: str) -> str:
    # 3: only the month is known; 1 and 2 give a day (2: ACLED's own best day
    # within a week or so). A month is never padded to a day, nor a day invented.
    return day.strftime("%Y-%m") if precision == "3" else day.isoformat()


def _span(day: date, precision: str) -> tuple[date, date]:
    """First and last day the written partial date covers."""
    if precision != "3":
        return day, day
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


@lru_cache(maxsize=4096)
def _iso3_of(code: str, name: str) -> str | None:
    if code.isdigit():
        country = pycountry.countries.get(numeric=code.zfill(3))
        if country:
            return country.alpha_3
    if name:
        try:
            return pycountry.countries.lookup(name).alpha_3
        except LookupError:
            return None
    return None


def _iso3(row: dict) -> str | None:
    return _iso3_of((row.get("iso") or "").strip(), (row.get("country") or "").strip())


def read_acled(path: str | os.PathLike) -> tuple[list[dict], list[Problem]]:
    """Read an ACLED export: every row as a dict with its file line, and every problem found.

    Problems use the loader's ``file:line: column: message (value)`` form;
    line 1 is the header. All are collected, not only the first.
    """
    path = Path(path)
    shown = str(path)
    problems: list[Problem] = []
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        return [], [Problem(shown, None, None, f"cannot be read: {error.strerror}")]
    except UnicodeDecodeError as error:
        return [], [Problem(shown, None, None, f"is not UTF-8 text ({error.reason})")]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        return [], [Problem(shown, 1, None, "is empty; an ACLED export starts with its header")]
    for name in _REQUIRED:
        if name not in header:
            problems.append(Problem(shown, 1, name, "missing column; ACLED exports have it"))
    if problems:
        return [], problems
    rows = []
    line = 1
    for fields in reader:
        first, line = line + 1, reader.line_num
        if not fields:
            continue
        if len(fields) != len(header):
            problems.append(
                Problem(shown, first, None, f"has {len(fields)} fields, the header {len(header)}")
            )
            continue
        row = dict(zip(header, fields, strict=True))
        row["_line"] = first
        rows.append(row)
    for row in rows:
        problems += _row_problems(row, shown)
    return rows, problems


def _row_problems(row: dict, shown: str) -> list[Problem]:
    line, found = row["_line"], []

    def bad(column: str, message: str) -> None:
        found.append(Problem(shown, line, column, message, row.get(column)))

    for name in _REQUIRED:
        if not row[name].strip():
            bad(name, "is empty; a value is required")
    if row["event_date"].strip() and _day(row["event_date"]) is None:
        bad("event_date", "is not a date; ACLED writes 2012-01-15 or 15 January 2012")
    if row.get("time_precision", "1").strip() not in ("", "1", "2", "3"):
        bad("time_precision", "must be 1, 2 or 3")
    kind = row["event_type"].strip()
    if kind and kind not in EVENT_TYPES:
        bad("event_type", "is not an ACLED event type")
    elif kind and row["sub_event_type"].strip() not in EVENT_TYPES[kind]:
        bad("sub_event_type", f"is not a kind of {kind!r}")
    for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = row.get(name, "").strip()
        if value:
            try:
                if not low <= float(value) <= high:
                    bad(name, f"must be between {low} and {high}")
            except ValueError:
                bad(name, "is not a number")
    if row.get("fatalities", "").strip() and not row["fatalities"].strip().isdigit():
        bad("fatalities", "must be a whole number, zero or more")
    if row.get("geo_precision", "").strip() not in ("", "1", "2", "3"):
        bad("geo_precision", "must be 1, 2 or 3")
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", row["event_id_cnty"].strip() or "x"):
        bad("event_id_cnty", "is not an ACLED event id such as MLI1234")
    return found


def _names(row: dict) -> list[tuple[str, str]]:
    """(name, inter code) of every actor a row names: actor1, actor2 and the associated ones."""
    named = []
    for actor, assoc, inter in (
        ("actor1", "assoc_actor_1", "inter1"),
        ("actor2", "assoc_actor_2", "inter2"),
    ):
        code = (row.get(inter) or "").strip()
        if (row.get(actor) or "").strip():
            named.append((row[actor].strip(), code))
        for name in (row.get(assoc) or "").split(";"):
            if name.strip():
                named.append((name.strip(), ""))
    return named


def _slug(name: str, taken: set[str]) -> str:
    base = "acled-" + (re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "actor")
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def _mappings(data_dir: Path) -> dict[str, str]:
    path = data_dir / MAPPING_FILE
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {
            row["external_name"].strip().casefold(): row["actor_id"].strip()
            for row in csv.DictReader(handle)
            if row.get("dataset", "acled").strip().lower() == "acled"
        }


def _linked(data_dir: Path) -> set[str]:
    path = data_dir / LINKS_FILE
    if not path.is_file():
        return set()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["external_id"] for row in csv.DictReader(handle)}


def _append(path: Path, columns: list[str], rows: list[dict]) -> None:
    """Add rows at the end of a CSV file, leaving every existing byte as it was."""
    if not rows:
        return
    existing = path.read_bytes() if path.is_file() else b""
    with open(path, "a", encoding="utf-8", newline="") as handle:
        if existing and not existing.endswith((b"\n", b"\r")):
            handle.write("\r\n" if b"\r\n" in existing else "\n")
        writer = csv.writer(handle, lineterminator="\r\n" if b"\r\n" in existing else "\n")
        if not existing:
            writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row[c] for c in columns])


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
    rows, problems = read_acled(path)
    if problems:
        raise DataValidationError(problems, str(path))
    dataset = load_dataset(data_dir)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    source_id = f"acled-{digest[:12]}"
    summary = ImportSummary(source_id, read=len(rows))
    today = today or date.today()

    new_sources = []
    if source_id not in set(dataset.sources["source_id"]):
        new_sources.append(
            {
                "source_id": source_id,
                "title": f"ACLED export {path.name}",
                "author": "ACLED",
                "publisher": "Armed Conflict Location & Event Data Project",
                "reliability": ACLED_RELIABILITY,
                "notes": f"Imported {today.isoformat()} by sahel-nb import acled; file SHA-256 "
                f"{digest}; locators are rows of the export (row 1 is the first event).",
            }
        )

    # Actor resolution: exact names and aliases, then the reviewed mapping file.
    known: dict[str, str] = {}
    for actor in dataset.actors.itertuples(index=False):
        for label in (actor.name, *actor.aliases):
            known.setdefault(label.casefold(), actor.actor_id)
    known.update(_mappings(data_dir))
    taken = set(dataset.actors["actor_id"])
    curated_names = {a.actor_id: a.name for a in dataset.actors.itertuples(index=False)}
    resolved: dict[str, str] = {}
    new_actors = []
    for row in rows:
        for name, inter in _names(row):
            key = name.casefold()
            if key in known:
                resolved[name] = known[key]
                continue
            actor_id = _slug(name, taken)
            known[key] = resolved[name] = actor_id
            new_actors.append(
                {
                    "actor_id": actor_id,
                    "name": name,
                    "actor_type": INTER_TYPES.get(inter, "armed group"),
                    "unnamed": "false",
                    "description": "Imported from ACLED, not yet reviewed: merge it by adding "
                    "this name to a curated actor's aliases or to actor_mappings.csv.",
                    "source_id": source_id,
                    "locator": f"row {row['_line'] - 1}",
                }
            )

    # Events: skip what is already there, link what a curated event already tells.
    present = set(dataset.events["event_id"]) | _linked(data_dir)
    # Curated events that an import could repeat, by kind and place: a lookup
    # per row instead of a scan of the table per row.
    told: dict[tuple[str, str], list[tuple[date, date, str]]] = {}
    placed = dataset.events[
        dataset.events["location"].notna() & dataset.events["date_start"].notna()
    ]
    for event in placed.itertuples(index=False):
        key = (str(event.sub_event_type), event.location.strip().casefold())
        told.setdefault(key, []).append(
            (event.date_start.date(), event.date_end.date(), event.event_id)
        )
    new_events, links = [], []
    for row in rows:
        event_id = f"acled-{row['event_id_cnty'].strip()}"
        if event_id in present:
            summary.already += 1
            continue
        day = _day(row["event_date"])
        precision = row.get("time_precision", "1").strip() or "1"
        written = _partial(day, precision)
        first, last = _span(day, precision)
        place = (row.get("location") or "").strip().casefold()
        same = [
            curated_id
            for start, end, curated_id in told.get((row["sub_event_type"].strip(), place), [])
            if start <= last and end >= first
        ]
        if same:
            links.append({"external_id": event_id, "event_id": same[0],
                          "dataset": "acled", "source_id": source_id})  # fmt: skip
            summary.linked.append((event_id, same[0]))
            present.add(event_id)
            continue
        present.add(event_id)
        assoc = [
            resolved[n.strip()]
            for column in ("assoc_actor_1", "assoc_actor_2")
            for n in (row.get(column) or "").split(";")
            if n.strip()
        ]
        reported_by = (row.get("source") or "").strip()
        new_events.append(
            {
                "event_id": event_id,
                "date": written,
                "event_type": row["event_type"].strip(),
                "sub_event_type": row["sub_event_type"].strip(),
                "actor1": resolved[row["actor1"].strip()],
                "actor2": resolved.get((row.get("actor2") or "").strip()),
                "assoc_actors": "|".join(dict.fromkeys(assoc)) or None,
                "location": (row.get("location") or "").strip() or None,
                "admin1": (row.get("admin1") or "").strip() or None,
                "country": _iso3(row),
                "latitude": (row.get("latitude") or "").strip() or None,
                "longitude": (row.get("longitude") or "").strip() or None,
                "geo_precision": (row.get("geo_precision") or "").strip() or None,
                "fatalities": (row.get("fatalities") or "").strip() or None,
                "description": f"{row['sub_event_type'].strip()} coded by ACLED as "
                f"{row['event_id_cnty'].strip()}"
                + (f"; reported by {reported_by}" if reported_by else "")
                + ".",
                "status": "reported",
                "credibility": IMPORTED_CREDIBILITY,
                "source_id": source_id,
                "locator": f"row {row['_line'] - 1}",
            }
        )
    summary.added = len(new_events)
    # Only actors that a written event or link uses are created.
    used = {e["actor1"] for e in new_events} | {e["actor2"] for e in new_events}
    used |= {a for e in new_events for a in (e["assoc_actors"] or "").split("|")}
    new_actors = [a for a in new_actors if a["actor_id"] in used]
    summary.new_actors = new_actors
    if not new_events and not links:
        return summary  # nothing to write: the same file again, or nothing new in it

    _write_validated(
        data_dir,
        {
            "sources": new_sources,
            "actors": new_actors,
            "events": new_events,
        },
        links,
    )
    if new_actors:
        review = data_dir / "imports" / f"{source_id}-new-actors.csv"
        review.parent.mkdir(exist_ok=True)
        _write_review(review, new_actors, curated_names)
        summary.review_file = review
    return summary


def _write_validated(data_dir: Path, additions: dict[str, list[dict]], links: list[dict]) -> None:
    with tempfile.TemporaryDirectory(prefix=".import-", dir=data_dir) as tmp:
        staged = Path(tmp)
        names = [t.file for t in TABLES.values()] + [LINKS_FILE]
        for name in names:
            if (data_dir / name).is_file():
                shutil.copy2(data_dir / name, staged / name)
        for table, rows in additions.items():
            _append(staged / TABLES[table].file, TABLES[table].columns, rows)
        _append(staged / LINKS_FILE, ["external_id", "event_id", "dataset", "source_id"], links)
        load_dataset(staged)  # raises with every problem; the data folder is untouched
        for name in names:
            if (staged / name).is_file():
                os.replace(staged / name, data_dir / name)


def _write_review(path: Path, actors: list[dict], curated: dict[str, str]) -> None:
    import difflib

    labels = {name.casefold(): actor_id for actor_id, name in curated.items()}
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["actor_id", "name", "actor_type", "close_curated_actors"])
        for actor in actors:
            close = difflib.get_close_matches(actor["name"].casefold(), list(labels), n=3)
            hint = "; ".join(f"{labels[c]} ({curated[labels[c]]})" for c in close)
            writer.writerow([actor["actor_id"], actor["name"], actor["actor_type"], hint])
