"""Writing an import into a data folder: cited rows, matched claims, re-resolved actors, all or nothing."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pycountry

from ..data import Dataset, load_dataset
from ..exceptions import DataValidationError
from ..match_review import REVIEW_COLUMNS, REVIEW_FILE
from ..schema import TABLES
from ..transaction import commit, staging
from ..validate import check_folder
from .actors import IMPORTED_ACTOR, remapped_actors
from .checks import isin
from .layout import WORKBOOK
from .vintages import REVISIONS_FILE, rewrite_rows

__all__ = [
    "DATASET_RELIABILITY",
    "IMPORTED_CREDIBILITY",
    "IMPORTED_SOURCE",
    "LINKS_FILE",
    "ImportSummary",
    "grade",
    "iso3_column",
    "joined",
    "named_ids",
    "new_or_linked",
    "source_row",
    "write_validated",
]

#: What an imported row is graded: both datasets code events from media
#: reports we have not checked ourselves, so "possibly true" until an analyst says more.
IMPORTED_CREDIBILITY = 3
#: ACLED and GTD as sources: systematic, documented, widely used collections.
DATASET_RELIABILITY = "B"

#: The source ids an import gives its export: only curated events are linked to.
IMPORTED_SOURCE = r"(?:acled|gtd|ucdp)-[0-9a-f]{12}"

LINKS_FILE = "event_links.csv"
_LINK_COLUMNS = ["external_id", "event_id", "dataset", "source_id"]


@dataclass
class ImportSummary:
    """What an import did: rows read, added, merged, linked, already there, skipped, re-resolved."""

    source_id: str
    read: int = 0
    added: int = 0
    #: New events matched to an event already held: (event id, the claim they now report).
    linked: list[tuple[str, str]] = field(default_factory=list)
    #: Pairs added to the review file of uncertain matches.
    review: int = 0
    already: int = 0
    merged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    flows: int = 0
    new_actors: list[dict] = field(default_factory=list)
    review_file: Path | None = None
    remapped: dict[str, str] = field(default_factory=dict)
    remapped_rows: int = 0
    #: Events an older export imported that this one revised, and the fields that changed.
    revised: int = 0
    revised_fields: dict[str, int] = field(default_factory=dict)
    #: Events older exports imported that this one no longer holds (or arrived so).
    withdrawn: int = 0
    restored: int = 0
    #: What the reader noticed and did (a skipped HXL row, the sheet read, mismatched codes).
    notes: list[str] = field(default_factory=list)

    def count_vintages(self, vintages) -> None:
        """Take the revised, withdrawn and restored counts of a :class:`.vintages.Vintages`."""
        self.revised = len(vintages.revised)
        self.revised_fields = dict(vintages.fields.most_common())
        self.withdrawn = len(vintages.withdrawn)
        self.restored = len(vintages.restored)
        self.already -= self.revised
        self.notes += vintages.notes

    @property
    def accounted(self) -> int:
        """Rows read that the summary accounts for: it equals ``read`` when nothing is lost."""
        return (
            self.added + self.merged + len(self.linked) + self.already + self.revised
            + sum(self.skipped.values())
        )  # fmt: skip

    def __str__(self) -> str:
        skipped = sum(self.skipped.values())
        lines = [
            f"{self.read} rows read from the export ({self.source_id}): {self.added} "
            f"event{'' if self.added == 1 else 's'} added, {len(self.linked)} added as reports of events already held, {self.already} already "
            f"imported, {skipped} skipped, 0 rejected."
            + (f" {self.flows} ransom flows added." if self.flows else ""),
        ]
        if self.revised:
            fields = ", ".join(f"{name} {count}" for name, count in self.revised_fields.items())
            lines.append(
                f"  {self.revised} events an older export imported were revised by this one "
                f"(fields changed: {fields or 'none; withdrawn events held again'})"
            )
        if self.withdrawn:
            lines.append(
                f"  {self.withdrawn} withdrawn: events an older export of the same countries "
                "and days held that the newer one does not; kept in events.csv, left out of "
                "every count, table and picture"
            )
        if self.restored:
            lines.append(f"  {self.restored} withdrawn events are held again and restored")
        if self.revised or self.withdrawn:
            lines.append("  every change is logged in imports/revisions.csv (old and new values)")
        lines += [f"  note: {note}" for note in self.notes]
        if self.merged:
            lines.append(
                f"  {self.merged} rows name more actors of an event an earlier row of the "
                "export gives (one row per actor): their actors are added to that event"
            )
        for reason, count in self.skipped.items():
            lines.append(f"  skipped {count}: {reason}")
        # A continent's export can repeat thousands of held events: name a few, count the rest.
        for external, claim in self.linked[:_LISTED]:
            lines.append(f"  matched: {external} is another report of claim {claim}")
        if len(self.linked) > _LISTED:
            lines.append(
                f"  … and {len(self.linked) - _LISTED:,} more matched "
                "(notebooks/event_matches.ipynb shows them all)"
            )
        if self.review:
            lines.append(
                f"  {self.review} uncertain match{'' if self.review == 1 else 'es'} "
                f"{'awaits' if self.review == 1 else 'await'} the analyst's same/different in "
                "event_matches.csv"
            )
        if self.remapped:
            lines.append(
                f"{self.remapped_rows} imported rows re-resolved after the mappings or aliases "
                "changed: " + ", ".join(f"{a} is now {b}" for a, b in self.remapped.items())
            )
        if self.new_actors:
            lines.append(
                f"{len(self.new_actors)} actor names matched no actor and were created as "
                f"imported actors; review them in {self.review_file}"
            )
        return "\n".join(lines)


#: How many matches an import's summary names one by one.
_LISTED = 20


def grade(rows: pd.DataFrame, source_id: str) -> None:
    """Cite and grade imported rows: the export's source, ``row N``, reported, credibility 3."""
    rows["status"] = "reported"
    rows["credibility"] = IMPORTED_CREDIBILITY
    rows["source_id"] = source_id
    rows["locator"] = "row " + rows["_row"].astype(str)


@lru_cache(maxsize=4096)
def _iso3_of(code: str, name: str) -> str:
    if len(code) == 3 and code.isalpha():  # 2019–2022 exports: iso3 itself
        country = pycountry.countries.get(alpha_3=code.upper())
        if country:
            return country.alpha_3
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


def iso3_column(codes: pd.Series, names: pd.Series) -> pd.Series:
    """ISO 3166 alpha-3 from ISO numeric or alpha-3 codes, else from the country's name."""
    # Each distinct (code, name) pair judged once, the rows looked up by position:
    # joining and mapping half a million strings cost 0.1 s.
    code, codes_seen = pd.factorize(codes.astype(str), use_na_sentinel=False)
    name, names_seen = pd.factorize(names.astype(str), use_na_sentinel=False)
    pair, pairs = pd.factorize(code.astype(np.int64) * max(len(names_seen), 1) + name)
    width = max(len(names_seen), 1)
    found = [_iso3_of(str(codes_seen[p // width]), str(names_seen[p % width])) for p in pairs]
    return pd.Series(np.array(found, dtype=object)[pair], index=codes.index)


def joined(ids: pd.Series, index: pd.Index) -> pd.Series:
    """Ids per row (the index says which), first mention first, joined with '|'."""
    out = pd.Series("", index=index, dtype=object)
    if ids.empty:
        return out
    frame = pd.DataFrame({"row": ids.index, "id": ids.to_numpy()}).drop_duplicates()
    # One column per place in the row's list, joined column by column: no
    # Python call per row at ACLED scale.
    frame["place"] = frame.groupby("row", sort=False).cumcount()
    wide = frame.pivot(index="row", columns="place", values="id")
    result = wide[0].astype(object)
    for place in wide.columns[1:]:
        more = wide[place].notna()
        result[more] = result[more] + "|" + wide.loc[more, place]
    out.loc[result.index] = result.to_numpy()
    return out


def named_ids(rows: pd.DataFrame, sides: tuple[str, ...], lists: tuple[str, ...] = ()) -> set[str]:
    """Every id the rows name in the ``sides`` columns and the ``|``-joined ``lists``, in Arrow.

    Examples
    --------
    >>> rows = pd.DataFrame({"actor1": ["a", "b"], "actor2": [None, "a"], "assoc": ["c|d", ""]})
    >>> sorted(named_ids(rows, ("actor1", "actor2"), ("assoc",)))
    ['a', 'b', 'c', 'd']
    """
    found: set[str] = set()
    for column in sides + lists:
        text = pa.array(rows[column], type=pa.large_string(), from_pandas=True)
        if column in lists:
            text = pc.list_flatten(pc.split_pattern(text, "|"))
        found.update(pc.unique(pc.drop_null(text)).to_pylist())
    found.discard("")
    return found


def linked_ids(data_dir: Path) -> set[str]:
    path = data_dir / LINKS_FILE
    if not path.is_file():
        return set()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["external_id"] for row in csv.DictReader(handle)}


def new_or_linked(
    rows: pd.DataFrame, dataset: Dataset, data_dir: Path, source_id: str, name: str,
    summary: ImportSummary,
) -> tuple[np.ndarray, list[dict]]:  # fmt: skip
    """Which rows are new: not imported before (nor linked by an older version's ``event_links.csv``).

    Whether a new row repeats an event already held is decided after its
    actors are resolved (:func:`sahel_nb.interop.matches.match_new_rows`): it
    is then added as another report of that event's claim. The second value
    is kept for older callers and is always empty: no link is written any more.
    """
    present = set(dataset.events["event_id"]) | set(dataset.withdrawn["event_id"])
    present |= linked_ids(data_dir)
    seen = isin(rows["event_id"], present)
    summary.already = int(seen.sum())
    return ~seen, []


def export_name(path: Path, frame: pd.DataFrame) -> str:
    """The export's file name as cited: inside a zip archive, its own and the archive's.

    Examples
    --------
    >>> export_name(Path("ged.zip"), pd.DataFrame().assign(x=[]).pipe(
    ...     lambda f: f.attrs.update(file="GEDEvent_v25_1.csv") or f))
    'GEDEvent_v25_1.csv (in ged.zip)'
    """
    inner = frame.attrs.get("file") or path.name
    return inner if inner == path.name else f"{inner} (in {path.name})"


def source_row(
    dataset: Dataset, source_id: str, title: str, author: str, publisher: str, digest: str,
    today: date, command: str, encoding: str, vintage: str = "", sheet: str = "",
    vintage_is: str = "the day of the export's newest record (ACLED's timestamp)",
) -> pd.DataFrame:  # fmt: skip
    """The export's own ``sources.csv`` row, unless an earlier import of it wrote one."""
    if source_id in set(dataset.sources["source_id"]):
        return pd.DataFrame()
    read = {
        "utf-8": "",
        WORKBOOK: f" Read from the workbook's sheet {sheet!r}." if sheet else
        " Read from the workbook's first sheet.",
        "json": " Read from JSON records.",
    }.get(encoding, f" Read as {encoding}.")  # fmt: skip
    if vintage:
        read += f" Published: {vintage_is}."
    return pd.DataFrame(
        [
            {
                "source_id": source_id,
                "title": title,
                "author": author,
                "publisher": publisher,
                "published": vintage,
                "reliability": DATASET_RELIABILITY,
                "notes": f"Imported {today.isoformat()} by sahel-nb import {command}; file "
                f"SHA-256 {digest}; locators are rows of the export (row 1 is the first "
                f"record).{read}",
            }
        ]
    )


def _append(path: Path, columns: list[str], rows: pd.DataFrame) -> None:
    """Add rows at the end of a CSV file, leaving every existing byte as it was."""
    if not rows.empty:
        _appending(path, columns, rows)[1]()


def _without_empty_chunks(values):
    """A column without its zero-length chunks.

    pyarrow 26's CSV writer writes a column whose first chunk is empty
    (``pd.concat`` of an empty and a full frame makes one) as raw bytes of
    other memory, while its other columns are chunked otherwise.

    Examples
    --------
    >>> column = pa.chunked_array([pa.array([], pa.string()), pa.array(["a"])])
    >>> [len(c) for c in _without_empty_chunks(column).chunks]
    [1]
    """
    if not isinstance(values, pa.ChunkedArray) or all(len(c) for c in values.chunks):
        return values
    return pa.chunked_array([c for c in values.chunks if len(c)], values.type)


def _appending(
    path: Path, columns: list[str], rows: pd.DataFrame
) -> tuple[pa.Table, Callable[[], None]]:
    """The rows to add at the end of a CSV file as the text table written, and the write.

    The table's columns are the file's own (a folder made before a column
    was added keeps its header); every existing byte is left as it was.
    """
    crlf, needs_newline, exists = False, False, path.is_file() and path.stat().st_size > 0
    if exists:
        with open(path, "rb") as handle:
            # The header is the first line that is not blank, as the loader reads it.
            first = handle.readline().removeprefix(codecs.BOM_UTF8)
            while first and not first.rstrip(b"\r\n"):
                first = handle.readline()
            crlf = first.endswith(b"\r\n")
            header = next(csv.reader([first.decode("utf-8").rstrip("\r\n")]), None)
            if header:
                columns = header
            handle.seek(-1, os.SEEK_END)
            needs_newline = handle.read(1) not in (b"\n", b"\r")
    ending = "\r\n" if crlf else "\n"
    empty = pa.nulls(len(rows), pa.large_string())
    table = pa.table(
        {
            name: _without_empty_chunks(
                pa.array(rows[name], from_pandas=True).cast(pa.large_string())
            )
            if name in rows
            else empty
            for name in columns
        }
    )

    def write() -> None:
        with open(path, "ab") as handle:
            if needs_newline:
                handle.write(ending.encode())
            if not exists:
                handle.write((",".join(columns) + ending).encode())
            # Arrow quotes every text value; any CSV reader reads them as the same values.
            pacsv.write_csv(table, handle, pacsv.WriteOptions(include_header=False, eol=ending))

    return table, write


#: The columns naming actors, by table, that re-resolving rewrites.
_ACTOR_COLUMNS = {
    "events": ("actor1", "actor2", "assoc_actors"),
    "flows": ("payer", "payee", "intermediary"),
}


def _rewrite_actors(path: Path, table: str, remap: dict[str, str]) -> int:
    """Rename actors in the imported rows of a table file, every other byte kept.

    Only rows citing an import (``acled-…``/``gtd-…`` sources) change: a
    curated row naming an imported actor is the analyst's to edit. Returns the
    number of rows rewritten.
    """
    if not path.is_file():
        return 0
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    crlf = "\r\n" in text[: text.find("\n") + 1]
    # Physical lines with their endings, so that a row spanning lines keeps them.
    physical = io.StringIO(text, newline="").readlines()
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    columns = [c for c in _ACTOR_COLUMNS[table] if c in header]
    at = {c: header.index(c) for c in (*columns, "source_id")}
    imported = re.compile(IMPORTED_SOURCE)
    out = [physical[0]]
    line, changed = 1, 0
    for fields in reader:
        first, line = line, reader.line_num
        original = physical[first:line]
        if (
            fields
            and len(fields) == len(header)
            and imported.fullmatch(fields[at["source_id"]])
            and any(part in remap for c in columns for part in fields[at[c]].split("|") if part)
        ):
            for c in columns:
                fields[at[c]] = "|".join(
                    dict.fromkeys(remap.get(p, p) for p in fields[at[c]].split("|"))
                )
            quoted = ['"' + f.replace('"', '""') + '"' if f else "" for f in fields]
            out.append(",".join(quoted) + ("\r\n" if crlf else "\n"))
            changed += 1
        else:
            out.append("".join(original))
    out.extend(physical[line:])
    if changed:
        path.write_bytes("".join(out).encode("utf-8"))
    return changed


def write_validated(
    data_dir: Path,
    additions: dict[str, pd.DataFrame],
    links: list[dict],
    remap: dict[str, str] | None = None,
    vintages=None,
    extras: Iterable[Callable[[Path], object]] = (),
    what: str = "an import",
    review: pd.DataFrame | None = None,
    claims: dict[str, dict[str, str]] | None = None,
) -> int:
    """Write to a copy of the folder, validate it, then move it in whole; return rows re-resolved.

    ``vintages`` (a :class:`.vintages.Vintages`) rewrites the events a newer
    export revised or withdrew, and its log is added to ``imports/revisions.csv``.
    ``extras`` write more files (the review list of new actors, the skipped
    rows) into the staged folder, so they move in with the tables: the
    folder is either as before or as after, never between
    (:func:`sahel_nb.transaction.commit`). ``review`` rows are added to the
    review file of uncertain matches (``event_matches.csv``); ``claims`` sets
    the ``claim_id`` of imported events the analyst's decisions move.
    """
    with staging(data_dir) as staged:
        names = [t.file for t in TABLES.values()] + [LINKS_FILE, REVISIONS_FILE, REVIEW_FILE]
        (staged / REVISIONS_FILE).parent.mkdir()
        for name in names:
            if (data_dir / name).is_file():
                shutil.copy2(data_dir / name, staged / name)
        rewritten = 0
        for table in _ACTOR_COLUMNS if remap else ():
            rewritten += _rewrite_actors(staged / TABLES[table].file, table, remap)
        if vintages is not None:
            events = additions.get("events", pd.DataFrame())
            arriving = "withdrawn" in events and (events["withdrawn"] != "").any()
            rewrite_rows(
                staged / TABLES["events"].file, "event_id", vintages.changes(),
                ("withdrawn",) if arriving else (),
            )  # fmt: skip
            vintages.write_log(staged)
        if claims:
            rewrite_rows(staged / TABLES["events"].file, "event_id", claims)
        appending = {}
        for table, rows in additions.items():
            path = staged / TABLES[table].file
            if rows.empty:
                continue
            if path.is_file():  # checked as written, while it is written
                appending[table] = _appending(path, TABLES[table].columns, rows)
            else:
                _append(path, TABLES[table].columns, rows)
        _append(staged / LINKS_FILE, _LINK_COLUMNS, pd.DataFrame(links, columns=_LINK_COLUMNS))
        if review is not None:
            _append(staged / REVIEW_FILE, REVIEW_COLUMNS, review)
        found = [p for p in check_folder(staged, appending=appending)[1] if not p.warning]
        if found:
            # Read back from the files, every problem with its line; the data
            # folder is untouched.
            load_dataset(staged)
            raise DataValidationError(found, str(staged))
        for extra in extras:
            extra(staged)
        commit(data_dir, staged, what)
    return rewritten


def restore_review(dataset: Dataset, data_dir: Path, resolver, summary: ImportSummary) -> None:
    """Write the review list of an export imported before, if it is missing.

    An import killed after its data moved in (by a version without
    transactions) left its new actors unlisted: importing the file again
    lists them, instead of saying "already imported" and leaving them so.
    """
    path = resolver.review_path(data_dir)
    if path.exists():
        return
    actors = dataset.actors[(dataset.actors["source_id"] == summary.source_id).to_numpy(bool)]
    actors = actors[actors["actor_id"].str.fullmatch(IMPORTED_ACTOR.pattern).to_numpy(bool)]
    if actors.empty:
        return
    listed = [
        {"actor_id": a.actor_id, "name": a.name, "actor_type": str(a.actor_type),
         "unnamed": "true" if a.unnamed else "false"}
        for a in actors.itertuples(index=False)
    ]  # fmt: skip
    with staging(data_dir) as staged:
        resolver.write_review(staged, listed)
        commit(data_dir, staged, f"the review list of {summary.source_id}")
    summary.review_file = path
    summary.notes.append(
        f"the review list of its new actors was missing and is written again: {path}"
    )


def remap_for(dataset: Dataset, data_dir: Path, summary: ImportSummary) -> dict[str, str]:
    """The imported actors to re-resolve now (see :func:`actors.remapped_actors`)."""
    remap = remapped_actors(dataset, data_dir)
    summary.remapped = dict(sorted(remap.items()))
    return remap
