"""What changed in the data since the last published report: rows, claims' support, money, actors."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .csvfile import csv_reader
from .exceptions import SahelNbError
from .schema import TABLES

__all__ = [
    "SNAPSHOT_DIR",
    "Changes",
    "TableChanges",
    "compare",
    "compare_folders",
    "compare_latest",
    "compare_revision",
    "format_changes",
    "judgments_to_review",
    "read_snapshot",
    "revision_tables",
    "table_changes",
    "write_snapshot",
]

#: The folder of a run holding its data snapshot: each table as ``<file>.gz``.
SNAPSHOT_DIR = "data-snapshot"
_SUPPORT = ["reports", "origins", "denials", "agreement"]


def write_snapshot(data_dir: str | os.PathLike, folder: str | os.PathLike) -> Path:
    """Copy the data folder's tables into ``folder`` gzip-compressed; return ``folder``.

    gzip with no time stamp or file name inside: the same data always makes
    the same bytes, so two runs over unchanged data keep identical snapshots.
    A table missing from the data folder is missing from the snapshot.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table in TABLES.values():
        source = Path(data_dir) / table.file
        if not source.is_file():
            continue
        with (
            open(source, "rb") as raw,
            open(folder / f"{table.file}.gz", "wb") as target,
            gzip.GzipFile(filename="", mode="wb", fileobj=target, mtime=0) as packed,
        ):
            shutil.copyfileobj(raw, packed)
    return folder


def read_snapshot(folder: str | os.PathLike, into: str | os.PathLike) -> Path:
    """Unpack a snapshot into the folder ``into`` as plain CSV files; return ``into``."""
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    for table in TABLES.values():
        packed = Path(folder) / f"{table.file}.gz"
        if packed.is_file():
            with gzip.open(packed, "rb") as raw, open(into / table.file, "wb") as target:
                shutil.copyfileobj(raw, target)
    return into


@dataclass
class TableChanges:
    """Rows of one table added, removed and changed, by id."""

    table: str
    id_column: str
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    #: ``{id, fields: [(column, old, new), ...]}`` per changed row.
    changed: list[dict] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Rows touched in any way."""
        return len(self.added) + len(self.removed) + len(self.changed)


@dataclass
class Changes:
    """Everything that differs between two data folders, as a reader of the report asks it."""

    #: The run compared with, and its data checksum (None: nothing to compare with).
    previous_run: str | None
    tables: list[TableChanges] = field(default_factory=list)
    #: ``{table, claim_id, claim, old, new}``: support as "3 reports, 2 origins, 0 denials".
    claims: list[dict] = field(default_factory=list)
    #: ``{payer, column, old, new}`` per money total that moved.
    money: list[dict] = field(default_factory=list)
    #: ``{actor_id, name}`` of actors an import added.
    new_actors: list[dict] = field(default_factory=list)
    #: Events a newer export withdrew: the row as written, ``withdrawn`` naming that export.
    withdrawn: list[dict] = field(default_factory=list)
    #: ``{assessment, id, text, changes}`` per judgment (or matrix) whose evidence changed
    #: since the analyst last reviewed it (:func:`judgments_to_review`).
    to_review: list[dict] = field(default_factory=list)
    #: What ``previous_run`` names: a published ``report``, or a git ``revision``.
    against: str = "report"

    def summary(self) -> dict:
        """Counts for the index and the manifest."""
        return {
            "previous_run": self.previous_run,
            "rows_added": sum(len(t.added) for t in self.tables),
            "rows_removed": sum(len(t.removed) for t in self.tables),
            "rows_changed": sum(len(t.changed) for t in self.tables),
            "claims_support_changed": len(self.claims),
            "money_totals_moved": len(self.money),
            "new_actors_from_imports": len(self.new_actors),
            "events_withdrawn": len(self.withdrawn),
            "judgments_to_review": len(self.to_review),
        }

    def sentence(self) -> str:
        """The summary as one sentence a reader takes in at a glance."""
        if self.previous_run is None:
            said = "The first published report here: nothing earlier to compare with."
            if self.to_review:
                said += f" {len(self.to_review)} judgment(s) to review."
            return said
        counts = self.summary()
        parts = [
            f"{counts['rows_added']} row(s) added",
            f"{counts['rows_removed']} removed",
            f"{counts['rows_changed']} changed",
            f"{counts['claims_support_changed']} claim(s) whose support changed",
            f"{counts['money_totals_moved']} money total(s) moved",
            f"{counts['new_actors_from_imports']} new actor(s) from imports",
        ]
        if self.withdrawn:
            parts.append(
                f"{counts['events_withdrawn']} imported event(s) withdrawn by a newer export"
            )
        if self.to_review:
            parts.append(f"{counts['judgments_to_review']} judgment(s) to review")
        if not any(v for k, v in counts.items() if k != "previous_run"):
            return f"Nothing in the data changed since {self.against} {self.previous_run}."
        return f"Since {self.against} {self.previous_run}: " + ", ".join(parts) + "."


def _rows(path: Path, id_column: str) -> dict[str, dict]:
    """A table's rows by id, every value as the text written (empty cells as "")."""
    if not path.is_file():
        return {}
    # Read as the loader reads: a byte-order mark is no part of the first
    # column's name, and csv.reader's 131,072-character limit on a cell does
    # not apply. Bytes that are not UTF-8 are replaced rather than fatal: the
    # data is then loaded, and refused with the validator's list of problems.
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        records = (fields for fields in csv_reader(handle) if fields)
        header = next(records, [])
        rows = (dict(zip(header, fields, strict=False)) for fields in records)
        return {row.get(id_column, ""): row for row in rows}


def table_changes(old_dir: Path, new_dir: Path) -> list[TableChanges]:
    """Each table's rows added, removed and changed between two data folders, by id, as text."""
    found = []
    for name, table in TABLES.items():
        old = _rows(old_dir / table.file, table.id_column)
        new = _rows(new_dir / table.file, table.id_column)
        changes = TableChanges(name, table.id_column)
        changes.added = [new[key] for key in new if key not in old]
        changes.removed = [old[key] for key in old if key not in new]
        for key in new.keys() & old.keys():
            columns = list(dict.fromkeys([*old[key], *new[key]]))
            fields = [
                (column, old[key].get(column, ""), new[key].get(column, ""))
                for column in columns
                if old[key].get(column, "") != new[key].get(column, "")
            ]
            if fields:
                changes.changed.append({"id": key, "fields": fields})
        changes.changed.sort(key=lambda row: row["id"])
        found.append(changes)
    return found


#: How each report of a claim is told and graded, as claim_table's reported_as ends each one.
_GRADED = re.compile(r"\(([a-z][a-z ]*), ([A-F][1-6])\)(?=;|$)")


def _support(claims: pd.DataFrame) -> dict[tuple, dict]:
    out = {}
    for row in claims[["table", "claim_id", "claim", *_SUPPORT, "reported_as"]].to_dict("records"):
        # A report now only alleged, or graded lower, changes a claim's support
        # though its counts stay: each report's status and grade are compared too.
        told = _GRADED.findall(row.pop("reported_as") or "")
        row["graded"] = ", ".join(sorted(f"{status} {grade}" for status, grade in told))
        out[(row["table"], row["claim_id"])] = row
    return out


def _said(row: dict | None) -> str:
    if row is None:
        return "not in the data"
    return (
        f"{row['agreement']}: {row['reports']} report(s), {row['origins']} independent "
        f"origin(s), {row['denials']} denial(s); reports told and graded as {row['graded']}"
    )


def _claim_changes(old, new) -> list[dict]:
    from .claims import claim_table

    before, after = _support(claim_table(old)), _support(claim_table(new))
    moved = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and all(a[c] == b[c] for c in (*_SUPPORT, "graded")):
            continue
        moved.append(
            {
                "table": key[0],
                "claim_id": key[1],
                "claim": (b or a)["claim"],
                "old": _said(a),
                "new": _said(b),
            }
        )
    return moved


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _money_changes(old, new) -> list[dict]:
    from .flows import flow_summary

    def totals(dataset) -> dict[tuple, float | None]:
        table = flow_summary(dataset, by="payer").reset_index()
        columns = [c for c in table.columns if c.endswith(("_low", "_high"))]
        return {
            (str(row["payer"]), column): _number(row[column])
            for row in table.to_dict("records")
            for column in columns
        }

    before, after = totals(old), totals(new)
    moved = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a != b:
            moved.append({"payer": key[0], "column": key[1], "old": a, "new": b})
    return moved


def compare(
    old_snapshot: str | os.PathLike | None,
    new_data: str | os.PathLike,
    *,
    previous_run: str | None = None,
) -> Changes:
    """Compare a published run's data snapshot with a data folder.

    Rows are compared by id as text, so a changed field shows exactly as
    written in each version. Claims and money totals are compared as the
    report computes them (:func:`sahel_nb.claims.claim_table`,
    :func:`sahel_nb.flows.flow_summary` by payer, dollars of each year).
    ``old_snapshot`` None (no earlier published run, or one made before
    snapshots were kept) gives an empty :class:`Changes` that says so.
    """
    if old_snapshot is None or not Path(old_snapshot).is_dir():
        return Changes(previous_run=None)
    with tempfile.TemporaryDirectory(prefix="sahel-nb-snapshot-") as scratch:
        old_data = read_snapshot(old_snapshot, scratch)
        return compare_folders(
            old_data, new_data, previous_run=previous_run, what=f"report {previous_run}"
        )


def compare_folders(
    old_data: str | os.PathLike,
    new_data: str | os.PathLike,
    *,
    previous_run: str | None = None,
    what: str = "the earlier data",
    against: str = "report",
) -> Changes:
    """Compare two data folders as :func:`compare` does; ``what`` names the older one in errors.

    Examples
    --------
    >>> from sahel_nb.paths import curated_data_dir
    >>> same = curated_data_dir()
    >>> compare_folders(same, same, previous_run="HEAD", against="revision").sentence()
    'Nothing in the data changed since revision HEAD.'
    """
    from .data import load_dataset
    from .interop.actors import IMPORTED_ACTOR

    old_data, new_data = Path(old_data), Path(new_data)
    changes = Changes(previous_run, table_changes(old_data, new_data), against=against)
    if not any(t.count for t in changes.tables):
        return changes
    try:
        old, new = load_dataset(old_data), load_dataset(new_data)
    except SahelNbError as error:  # validated before the run; say so rather than fail
        raise SahelNbError(f"comparing with {what}: {error}") from None
    changes.claims = _claim_changes(old, new)
    changes.money = _money_changes(old, new)
    actors = next(t for t in changes.tables if t.table == "actors")
    changes.new_actors = [
        {"actor_id": row["actor_id"], "name": row.get("name", "")}
        for row in actors.added
        if IMPORTED_ACTOR.fullmatch(row["actor_id"])
    ]
    changes.withdrawn = _withdrawn(changes, new_data)
    return changes


def compare_revision(data_dir: str | os.PathLike, revision: str = "HEAD") -> Changes:
    """Compare a data folder with its own tables at a git ``revision`` (``HEAD``: the last commit).

    The tables are read with ``git show`` from the repository holding the
    folder, so nothing is checked out and no notebook runs.

    Examples
    --------
    >>> from sahel_nb.paths import curated_data_dir
    >>> compare_revision(curated_data_dir()).previous_run  # doctest: +SKIP
    'HEAD'
    """
    data_dir = Path(data_dir).expanduser().resolve()
    with tempfile.TemporaryDirectory(prefix="sahel-nb-revision-") as scratch:
        revision_tables(data_dir, revision, scratch)
        changes = compare_folders(
            scratch,
            data_dir,
            previous_run=revision,
            what=f"revision {revision}",
            against="revision",
        )
    changes.to_review = judgments_to_review(data_dir)
    return changes


def compare_latest(data_dir: str | os.PathLike, out: str | os.PathLike | None = None) -> Changes:
    """Compare a data folder with the data of the last published report run (``<out>/latest``).

    What the next report's changes page will say, without running a notebook.
    ``out`` is the folder of report runs (default: the clone's ``reports/``).

    Raises
    ------
    SahelNbError
        No run is published in ``out``, or the published one kept no data snapshot.
    """
    from .paths import REPORTS_DIR
    from .runfolders import published

    data_dir = Path(data_dir).expanduser().resolve()
    out = Path(out).expanduser() if out is not None else REPORTS_DIR
    last = published(out)
    if last is None:
        raise SahelNbError(
            f"--against latest: no report is published in {out}; run sahel-nb report first "
            "(give --reports FOLDER for another folder of runs), or compare with a git "
            "revision (--against HEAD)"
        )
    folder, manifest = last
    run_id = manifest.get("run_id", "latest")
    if not (folder / SNAPSHOT_DIR).is_dir():
        raise SahelNbError(
            f"--against latest: report {run_id} in {out} kept no data snapshot to compare "
            "with; compare with a git revision (--against HEAD)"
        )
    changes = compare(folder / SNAPSHOT_DIR, data_dir, previous_run=run_id)
    changes.to_review = judgments_to_review(data_dir)
    return changes


def revision_tables(data_dir: str | os.PathLike, revision: str, into: str | os.PathLike) -> Path:
    """Write a data folder's tables as they were at git ``revision`` into the folder ``into``.

    Read with ``git show`` from the repository holding ``data_dir``: nothing
    is checked out. A table the revision did not have is left out.

    Raises
    ------
    SahelNbError
        ``data_dir`` is in no git repository, or ``revision`` is not in it.

    Examples
    --------
    >>> import tempfile
    >>> from sahel_nb.paths import curated_data_dir
    >>> with tempfile.TemporaryDirectory() as scratch:  # doctest: +SKIP
    ...     sorted(p.name for p in revision_tables(curated_data_dir(), "HEAD", scratch).iterdir())
    ['actors.csv', 'events.csv', 'flows.csv', 'relationships.csv', 'sources.csv']
    """
    data_dir = Path(data_dir).expanduser().resolve()
    top = _git(data_dir, "rev-parse", "--show-toplevel")
    if top is None:
        raise SahelNbError(
            f"{data_dir} is not in a git repository: changes compares the data with a "
            "revision of its git history"
        )
    root = Path(top.decode().strip())
    if _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}") is None:
        raise SahelNbError(f"--against {revision!r}: no such revision in {root}")
    inside = data_dir.relative_to(root).as_posix()
    for table in TABLES.values():
        path = f"{inside}/{table.file}" if inside != "." else table.file
        content = _git(root, "show", f"{revision}:{path}")
        if content is not None:  # a table the revision did not have yet
            (Path(into) / table.file).write_bytes(content)
    return Path(into)


def _git(folder: Path, *args: str) -> bytes | None:
    """What a git command prints, or None when it fails (not a repository, no such file)."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise SahelNbError("git is not installed; changes needs it") from None
    return done.stdout if done.returncode == 0 else None


def format_changes(changes: Changes) -> str:
    """The changes as plain text: the summary, then rows by table and field, claims, money.

    Examples
    --------
    >>> print(format_changes(Changes(previous_run="HEAD", against="revision")))
    Nothing in the data changed since revision HEAD.
    """
    lines = [changes.sentence()]
    for table in changes.tables:
        if not table.count:
            continue
        lines.append(f"\n{TABLES[table.table].file}:")
        lines += [f"  added {row.get(table.id_column, '')}" for row in table.added]
        lines += [f"  removed {row.get(table.id_column, '')}" for row in table.removed]
        for row in table.changed:
            lines.append(f"  changed {row['id']}:")
            lines += [f"    {column}: {old!r} → {new!r}" for column, old, new in row["fields"]]
    if changes.claims:
        lines.append("\nclaims whose support changed:")
        lines += [
            f"  {c['table']} {c['claim_id']} ({c['claim']}): {c['old']} → {c['new']}"
            for c in changes.claims
        ]
    if changes.money:
        lines.append("\nmoney totals that moved:")
        lines += [f"  {m['payer']} {m['column']}: {m['old']} → {m['new']}" for m in changes.money]
    if changes.to_review:
        lines.append("\njudgments to review:")
        for item in changes.to_review:
            lines += [f"  {item['assessment']}: {item['id']}: {c}" for c in item["changes"]]
    return "\n".join(lines)


def _withdrawn(changes: Changes, new_data: Path) -> list[dict]:
    """Events withdrawn since the last report: changed to withdrawn, or added so."""
    events = next(t for t in changes.tables if t.table == "events")
    rows = _rows(new_data / TABLES["events"].file, "event_id")
    ids = [
        c["id"] for c in events.changed if any(f[0] == "withdrawn" and f[2] for f in c["fields"])
    ]
    ids += [row["event_id"] for row in events.added if row.get("withdrawn")]
    return [rows[i] for i in sorted(ids)]


def judgments_to_review(data_dir, analysis: str | os.PathLike | None = None) -> list[dict]:
    """The judgments of every assessment whose evidence changed since their last review.

    ``analysis`` is the folder of assessments (default: those read with ``data_dir``,
    :func:`sahel_nb.paths.analysis_dir`).
    Each item is ``{assessment, id, text, changes}``; an assessment that no longer
    loads against the data (a claim it cites was removed) is one item saying why.
    """
    from .assessment import load_assessment, to_review
    from .data import load_dataset
    from .paths import analysis_dir, assessment_files

    files = assessment_files(analysis if analysis is not None else analysis_dir(data_dir))
    if not files:
        return []
    dataset = load_dataset(data_dir)
    out = []
    for path in files:
        try:
            assessment = load_assessment(path, dataset)
        except SahelNbError as error:
            out.append({"assessment": path.stem, "id": path.name, "text": "",
                        "changes": [str(error)]})  # fmt: skip
            continue
        out += [{"assessment": assessment.id, **item} for item in to_review(assessment, dataset)]
    return out
