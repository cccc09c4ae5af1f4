"""Newer exports update older ones: revised events, withdrawn events, and the log of both."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import Dataset
from .checks import isin, number

__all__ = [
    "COMPARED",
    "REVISIONS_FILE",
    "Vintages",
    "export_vintage",
    "rewrite_rows",
]

#: Where every revision and withdrawal is logged (which export, when, old → new).
REVISIONS_FILE = "imports/revisions.csv"
_LOG_COLUMNS = ["imported", "export", "file", "event_id", "change", "field", "old", "new"]

#: The columns of an imported event a newer export may revise.
COMPARED = (
    "date", "event_type", "sub_event_type", "actor1", "actor2", "assoc_actors", "location",
    "admin1", "country", "latitude", "longitude", "geo_precision", "fatalities", "hostages",
    "description",
)  # fmt: skip
#: What a revised row takes from the newer export besides its values: its citation and grade.
_CITED = ("status", "credibility", "source_id", "locator")
_NUMBERS = ("latitude", "longitude", "geo_precision", "fatalities", "hostages")


def export_vintage(timestamps: pd.Series) -> str:
    """The day of an export's newest record (ACLED's ``timestamp``, Unix seconds), or ``""``.

    Examples
    --------
    >>> export_vintage(pd.Series(["1548448829", "1551416737", ""]))
    '2019-03-01'
    """
    seconds = number(timestamps)
    # A stamp no clock can show (1e400, past the year 9999) is no vintage.
    seconds = seconds[seconds.between(0, _LAST_STAMP)]
    if seconds.notna().sum() == 0:
        return ""
    return datetime.fromtimestamp(float(seconds.max()), tz=UTC).date().isoformat()


#: 31 December 9999, the last second a date can show.
_LAST_STAMP = 253_402_300_799


def _text(values: pd.Series) -> pd.Series:
    """Stored or new values as comparable text: lists joined, empty as ``""``."""
    if isinstance(values.dtype, pd.ArrowDtype):  # assoc_actors as loaded: a list per row
        values = values.map(lambda v: "|".join(v) if isinstance(v, (list, np.ndarray)) else v)
    return values.astype(object).where(values.notna(), "").astype(str)


def _same(old: pd.Series, new: pd.Series, column: str) -> np.ndarray:
    if column in _NUMBERS:
        a, b = number(_text(old)), number(_text(new))
        return ((a == b) | (a.isna() & b.isna())).to_numpy(bool)
    return (_text(old).to_numpy() == _text(new).to_numpy()).astype(bool)


#: The share of the events an export covers it may drop before it is taken for
#: a filtered export, not a revision (ACLED's revisions drop well under 2%).
MOST_WITHDRAWN = 0.1
#: Up to this many dropped events are withdrawals however few the export covers.
_FEWEST_WITHDRAWN = 10


@dataclass
class Vintages:
    """What an export changes in the events earlier exports of its dataset imported.

    ``revised`` maps an event id to its new values (every column of the
    row that changes), ``withdrawn`` an event id to the export that no
    longer holds it; ``log`` holds the lines of :data:`REVISIONS_FILE`.
    """

    dataset: str
    source_id: str
    vintage: str
    file: str
    today: date
    revised: dict[str, dict[str, str]] = field(default_factory=dict)
    withdrawn: dict[str, str] = field(default_factory=dict)
    restored: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fields: Counter = field(default_factory=Counter)
    log: list[dict] = field(default_factory=list)

    def _log(self, event_id: str, change: str, column: str = "", old="", new="") -> None:
        self.log.append(
            {"imported": self.today.isoformat(), "export": self.source_id, "file": self.file,
             "event_id": event_id, "change": change, "field": column, "old": old, "new": new}
        )  # fmt: skip

    def _newer_than(self, vintages: pd.Series) -> np.ndarray:
        """Whether this export is at least as new as each stored row's export.

        Unknown vintages (exports without ACLED's timestamps, GTD) go by the
        order of import: the later import is the newer.
        """
        stored = vintages.fillna("").astype(str).to_numpy()
        return (stored == "") | (self.vintage == "") | (stored <= self.vintage)

    def has_earlier(self, dataset: Dataset) -> bool:
        """Whether another export of the same dataset imported events into this folder."""
        return not _imported(dataset, self.dataset, self.source_id).empty

    def earlier(self, rows: pd.DataFrame, dataset: Dataset) -> np.ndarray:
        """Rows whose event an earlier export of the same dataset imported (revision candidates)."""
        held = _imported(dataset, self.dataset, self.source_id)
        return isin(rows["event_id"], held["event_id"])

    def revise(self, rows: pd.DataFrame, dataset: Dataset) -> np.ndarray:
        """Compare rows with the events earlier exports imported; return the rows that revise one.

        A row revises its event when this export is the newer and any of
        :data:`COMPARED` differs, or when the event had been withdrawn (a
        newer export holds it again: restored).
        """
        held = _imported(dataset, self.dataset, self.source_id).set_index("event_id")
        if rows.empty:
            return np.zeros(0, dtype=bool)
        stored = held.loc[rows["event_id"].to_numpy()]
        newer = self._newer_than(stored["_vintage"])
        was_withdrawn = stored["withdrawn"].notna().to_numpy(bool)
        differs = np.zeros(len(rows), dtype=bool)
        same: dict[str, np.ndarray] = {}
        for column in COMPARED:
            if column not in rows:
                continue
            same[column] = _same(stored[column].reset_index(drop=True),
                                 rows[column].reset_index(drop=True), column)  # fmt: skip
            differs |= ~same[column]
        revising = newer & (differs | was_withdrawn)
        kept = int((~newer & differs).sum())
        if kept:
            self.notes.append(
                f"{kept:,} events differ from a newer export of {self.dataset.upper()} imported "
                "before; this export is the older, so the newer values are kept"
            )
        # Text of each column made once, not per row: an export may revise 100,000s.
        at = np.flatnonzero(revising)
        new_text = {c: _text(rows[c].iloc[at]).to_numpy() for c in same}
        old_text = {c: _text(stored[c].iloc[at]).to_numpy() for c in same}
        cited = {c: rows[c].iloc[at].astype(str).to_numpy() for c in _CITED}
        ids = rows["event_id"].to_numpy()[at]
        before = stored["withdrawn"].to_numpy()[at]
        for k, event_id in enumerate(ids):
            values = {c: new_text[c][k] for c in same}
            values.update({c: cited[c][k] for c in _CITED})
            values["withdrawn"] = ""
            self.revised[event_id] = values
            if was_withdrawn[at[k]]:
                self.restored.append(event_id)
                self._log(event_id, "restored", "withdrawn", before[k], "")
            for column, equal in same.items():
                if not equal[at[k]]:
                    self.fields[column] += 1
                    self._log(event_id, "revised", column, old_text[column][k], values[column])
        return revising

    def split(
        self, rows: pd.DataFrame, earlier: np.ndarray, dataset: Dataset
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Graded rows as (new events, events they revise); the rest were imported as they are.

        ``earlier`` marks the rows an earlier export imported. New rows a
        newer export already dropped carry ``withdrawn`` (see
        :meth:`arriving_withdrawn`).
        """
        if earlier.any():
            revising = np.zeros(len(rows), dtype=bool)
            revising[earlier] = self.revise(rows[earlier], dataset)
            kept = ~earlier | revising
            rows, revising = rows[kept], revising[kept]
            revised, new = rows[revising], rows[~revising]
        else:  # a first import: nothing to revise, and half a million rows not copied twice
            revised, new = rows.iloc[:0], rows
        self.arriving_withdrawn(new, dataset)
        if not self.withdrawn:
            return new.assign(withdrawn=""), revised
        withdrawn = new["event_id"].map(self.withdrawn).astype(object).fillna("")
        return new.assign(withdrawn=withdrawn), revised

    def withdraw(
        self,
        dataset: Dataset,
        held,
        countries: set[str],
        first: str,
        last: str,
        types: set[str] | None = None,
    ) -> None:
        """Mark withdrawn the events older exports imported that this one no longer holds.

        Only within this export's coverage: its countries, the days from its
        first to its last event, and its event types (``types``, as imported):
        an export of one country, one year or one type says nothing of the
        others. ``held`` is every event id the export holds (a set, or a
        Series: ids repeat in one-row-per-actor exports). A newer export
        drops a few events; one that lacks more than :data:`MOST_WITHDRAWN`
        of those it covers was filtered (by actor, say), so nothing is
        withdrawn and a note says why.
        """
        if not countries or not first:
            return
        stored = _imported(dataset, self.dataset, self.source_id)
        stored = stored[stored["withdrawn"].isna().to_numpy(bool)]
        inside = (
            stored["country"].isin(countries).to_numpy(bool)
            & (stored["date_start"] >= pd.Timestamp(first)).to_numpy(bool)
            & (stored["date_end"] <= pd.Timestamp(last)).to_numpy(bool)
            & self._newer_than(stored["_vintage"])
        )
        if types is not None:
            inside &= stored["event_type"].astype(str).isin(types).to_numpy(bool)
        held = held if isinstance(held, set) else pd.unique(held)
        covered = inside & ~isin(stored["event_id"], held)
        dropped, within = int(covered.sum()), int(inside.sum())
        if dropped > _FEWEST_WITHDRAWN and dropped > MOST_WITHDRAWN * within:
            self.notes.append(
                f"{dropped:,} of the {within:,} events earlier {self.dataset.upper()} exports "
                "imported for the same countries, days and event types are not in this "
                "export: too many for withdrawals, so it was most likely filtered (by actor "
                "or area). None were withdrawn; they stay as imported."
            )
            return
        for event_id in stored.loc[covered, "event_id"]:
            self.withdrawn[event_id] = self.source_id
            self._log(event_id, "withdrawn", "withdrawn", "", self.source_id)

    def arriving_withdrawn(self, rows: pd.DataFrame, dataset: Dataset) -> np.ndarray:
        """New rows a newer export of the same coverage, imported before, no longer holds.

        Imported in the wrong order (the newer export first), an older
        export's events that the newer one dropped arrive withdrawn.
        """
        out = np.zeros(len(rows), dtype=bool)
        if rows.empty or not self.vintage:
            return out
        stored = _imported(dataset, self.dataset, self.source_id)
        stored = stored[(stored["_vintage"].fillna("") > self.vintage).to_numpy(bool)]
        if stored.empty:
            return out
        days = pd.to_datetime(rows["date"].str.slice(0, 10), errors="coerce")
        for _, cover in stored.groupby("source_id", observed=True):
            inside = (
                rows["country"].isin(set(cover["country"].dropna())).to_numpy(bool)
                & (days >= cover["date_start"].min()).to_numpy(bool)
                & (days <= cover["date_end"].max()).to_numpy(bool)
                & rows["event_type"].astype(str).isin(set(cover["event_type"].astype(str)))
            )
            dropped = int((inside & ~out).sum())
            if dropped > _FEWEST_WITHDRAWN and dropped > MOST_WITHDRAWN * (dropped + len(cover)):
                # As in withdraw: the newer export was filtered, not revised.
                self.notes.append(
                    f"{dropped:,} events of this export are not in the newer export "
                    f"{cover['source_id'].iat[0]} imported before, which covers their "
                    "countries, days and event types: too many for withdrawals, so that "
                    "export was most likely filtered. They are imported as events."
                )
                continue
            for position in np.flatnonzero(inside & ~out):
                event_id = rows["event_id"].iat[position]
                self.withdrawn[event_id] = cover["source_id"].iat[0]
                self._log(event_id, "withdrawn", "withdrawn", "", cover["source_id"].iat[0])
            out |= inside
        return out

    def changes(self) -> dict[str, dict[str, str]]:
        """Every row to rewrite in events.csv: revised values, or the withdrawing export."""
        out = {event_id: dict(values) for event_id, values in self.revised.items()}
        for event_id, source in self.withdrawn.items():
            out.setdefault(event_id, {})["withdrawn"] = source
        return out

    def write_log(self, folder: Path) -> None:
        """Add this import's lines to :data:`REVISIONS_FILE` under ``folder``."""
        if not self.log:
            return
        path = folder / REVISIONS_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.is_file() or path.stat().st_size == 0
        with open(path, "a", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, _LOG_COLUMNS)
            if new:
                writer.writeheader()
            writer.writerows(self.log)


def _imported(dataset: Dataset, name: str, source_id: str) -> pd.DataFrame:
    """Events (counted or withdrawn) other exports of dataset ``name`` imported, with their export's vintage."""
    frames = [f for f in (dataset.events, dataset.withdrawn) if not f.empty]
    if not frames:
        return dataset.events.assign(withdrawn=None, _vintage="").iloc[:0]
    events = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if "withdrawn" not in events:
        events = events.assign(withdrawn=None)
    sources = events["source_id"].astype(str)
    mine = sources.str.fullmatch(rf"{name}-[0-9a-f]{{12}}").to_numpy(bool) & (
        sources != source_id
    ).to_numpy(bool)
    events = events[mine]
    published = dataset.sources.set_index("source_id")["published"]
    vintage = events["source_id"].astype(str).map(published).astype(object)
    return events.assign(_vintage=vintage.where(vintage.notna() & (vintage != "nan"), ""))


def rewrite_rows(path: Path, id_column: str, changes: dict[str, dict[str, str]], columns=()) -> int:
    """Set columns of the rows with the given ids, every other byte of the file kept.

    A column the header lacks (an older folder), whether a change sets it or
    ``columns`` asks for it, is added at the end of the header and left empty
    in every other row. Returns the rows rewritten.
    """
    if not path.is_file():
        return 0
    if not changes and not columns:
        return 0
    text = path.read_bytes().decode("utf-8")
    crlf = "\r\n" in text[: text.find("\n") + 1]
    ending = "\r\n" if crlf else "\n"
    physical = io.StringIO(text, newline="").readlines()
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    wanted = list(dict.fromkeys([*(c for v in changes.values() for c in v), *columns]))
    added = [c for c in wanted if c not in header]
    if not added and not any(changes):
        return 0
    full = header + added
    at = {c: i for i, c in enumerate(full)}
    key = header.index(id_column)

    def quoted(fields: list[str]) -> str:
        return ",".join('"' + f.replace('"', '""') + '"' if f else "" for f in fields) + ending

    out = [quoted(full) if added else physical[0]]
    line, done = 1, 0
    for fields in reader:
        first, line = line, reader.line_num
        original = "".join(physical[first:line])
        if fields and fields[key] in changes:
            fields = fields + [""] * (len(full) - len(fields))
            for column, value in changes[fields[key]].items():
                fields[at[column]] = value
            out.append(quoted(fields))
            done += 1
        elif added and fields:
            stripped = original.rstrip("\r\n")
            out.append(stripped + "," * len(added) + original[len(stripped) :])
        else:
            out.append(original)
    out.extend(physical[line:])
    path.write_bytes("".join(out).encode("utf-8"))
    return done
