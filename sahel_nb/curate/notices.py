"""Notices for what a curator changed: a claim probably told again, a credibility that may rise."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..exceptions import Problem, SahelNbError
from ..paths import default_data_dir
from ..schema import TABLES
from .similar import _KIND, similar_claims

__all__ = ["REPEAT_SCORE", "curation_notices"]

#: A new claim scoring this much against an existing one (:func:`similar_claims`)
#: probably repeats it: the Dyer kidnapping told again scores about 0.7, the
#: next kidnapping of that year about 0.5.
REPEAT_SCORE = 0.65


def curation_notices(
    data_dir: str | os.PathLike | None = None,
    dataset=None,
    *,
    revision: str = "HEAD",
    shown: str | None = None,
    strict: bool = False,
) -> list[Problem]:
    """What a curator should look at after editing the data since ``revision`` (a git revision).

    Two kinds of notice, each on the line of the row it concerns:

    - a row added with a claim of its own (no other row shares its
      ``claim_id``) that probably repeats an existing claim
      (:func:`similar_claims` scores it :data:`REPEAT_SCORE` or more):
      share that claim's id if it reports the same fact;
    - when a claim gained an independent origin, each of its earlier rows
      reporting it, graded 2 or worse, whose credibility may now rise
      (credibility 1 is "confirmed by other sources").

    ``shown`` is the folder as file names are shown (default: ``data_dir``).
    Empty when the folder is in no git repository, the revision is unknown,
    or nothing changed; with ``strict`` (a revision the analyst named), the
    first two raise :class:`SahelNbError` saying so.

    Examples
    --------
    >>> for notice in curation_notices():  # doctest: +SKIP
    ...     print(notice)
    data/events.csv:63: claim_id: notice: may repeat c-2009-dyer-kidnapping …
    """
    import tempfile

    from ..changes import revision_tables, table_changes
    from ..data import load_dataset

    data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    shown = str(data_dir) if shown is None else shown
    with tempfile.TemporaryDirectory(prefix="sahel-nb-notices-") as scratch:
        try:
            revision_tables(data_dir, revision, scratch)
        except SahelNbError:
            if strict:
                raise
            return []
        changed = {t.table: t for t in table_changes(Path(scratch), data_dir)}
        if not any(t.count for t in changed.values()):
            return []
        dataset = load_dataset(data_dir) if dataset is None else dataset
        try:
            old = load_dataset(scratch)
        except SahelNbError:  # the revision's data was not valid: nothing to weigh against
            old = None
    added = {
        name: {row.get(TABLES[name].id_column) for row in changed[name].added} for name in _KIND
    }
    lines = _Lines(data_dir, shown)
    notices = _repeat_notices(dataset, added, lines)
    if old is not None:
        notices += _origin_notices(old, dataset, added, lines)
    return sorted(notices, key=lambda p: (p.file, p.line or 0))


class _Lines:
    """Each table's rows' editor lines, read once when first asked."""

    def __init__(self, data_dir: Path, shown: str) -> None:
        self.data_dir, self.shown, self.read = data_dir, shown, {}

    def problem(self, table: str, row_id: str, column: str, message: str, value) -> Problem:
        from ..csvfile import read_table

        if table not in self.read:
            raw = read_table(self.data_dir, TABLES[table], self.shown)
            ids = raw.frame[TABLES[table].id_column].tolist()
            self.read[table] = (raw, {row: position for position, row in enumerate(ids)})
        raw, positions = self.read[table]
        line = raw.line(positions[row_id]) if row_id in positions else None
        shown_value = None if value is None or pd.isna(value) else str(value)
        return Problem(raw.shown, line, column, f"notice: {message}", shown_value)


def _repeat_notices(dataset, added: dict[str, set], lines: _Lines) -> list[Problem]:
    notices = []
    for name, ids in added.items():
        if not ids:
            continue
        frame = dataset.tables[name]
        id_column = TABLES[name].id_column
        shared = frame["claim_id"].value_counts()
        for row in frame[frame[id_column].isin(ids)].to_dict("records"):
            if shared.get(row["claim_id"], 0) > 1:  # already reports a claim with others
                continue
            found = similar_claims(dataset, row=row, table=name, limit=1)
            if found.empty or found["score"].iloc[0] < REPEAT_SCORE:
                continue
            best = found.iloc[0]
            notices.append(
                lines.problem(
                    name,
                    row[id_column],
                    "claim_id",
                    f"may repeat {best['claim_id']} (score {best['score']:.2f}: {best['why']}; "
                    f"e.g. {best['row']}); give it that claim_id if it reports the same fact "
                    f"(sahel-nb claims find --like {row[id_column]})",
                    row.get("claim_id"),
                )
            )
    return notices


def _origin_notices(old, new, added: dict[str, set], lines: _Lines) -> list[Problem]:
    from ..claims import claim_reports, claim_table

    def origins(dataset) -> tuple[dict, dict]:
        table = claim_table(dataset)
        keys = zip(table["table"], table["claim_id"], strict=True)
        counts = dict(zip(keys, table["origins"], strict=True))
        reports = claim_reports(dataset)
        reports = reports[reports["stance"] == "for"]
        named: dict[tuple, set] = {}
        for row in reports.to_dict("records"):
            if row["origin"] and not str(row["origin"]).startswith("("):
                named.setdefault((row["table"], row["claim_id"]), set()).add(row["origin"])
        return counts, named

    (before, old_named), (after, new_named) = origins(old), origins(new)
    notices = []
    for (table, claim_id), count in after.items():
        was = before.get((table, claim_id))
        if was is None or count <= was:
            continue
        gained = sorted(
            new_named.get((table, claim_id), set()) - old_named.get((table, claim_id), set())
        )
        frame = new.tables[table]
        id_column = TABLES[table].id_column
        rows = frame[(frame["claim_id"] == claim_id) & ~frame[id_column].isin(added[table])]
        for row in rows.to_dict("records"):
            credibility = row.get("credibility")
            if str(row.get("status")) in ("denied", "disputed") or pd.isna(credibility):
                continue
            if int(credibility) <= 1:
                continue
            notices.append(
                lines.problem(
                    table,
                    row[id_column],
                    "credibility",
                    f"{claim_id} gained an independent origin ({'; '.join(gained) or 'one more'}: "
                    f"{int(was)} → {int(count)}); this row's credibility may now rise "
                    "(1: confirmed by other sources)",
                    int(credibility),
                )
            )
    return notices
