"""Checking a whole data folder: every table read and checked, its problems kept and ordered."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pyarrow
import pyarrow.compute as pc

from ..csvfile import RawTable, arrow_text, extended, read_table
from ..csvfile.cells import _report_invisible
from ..exceptions import DataValidationError, Problem
from ..match_review import matching_problems, read_decisions
from ..origins import claim_problems
from ..schema import TABLES, Table
from ..texts import text_problems
from .failures import _schema_problems
from .references import _reference_problems
from .rows import _row_problems, formula_warnings
from .successions import _succession_problems


def check_folder(
    directory: Path,
    shown: str | None = None,
    *,
    texts: bool = False,
    appending: Mapping[str, tuple[pyarrow.Table, Callable[[], object]]] | None = None,
    then: Callable[[RawTable], object] | None = None,
) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read and check every table in ``directory``; return them with all problems found.

    ``texts`` also checks the rows citing a held source against its text
    (:func:`sahel_nb.texts.text_problems`), which adds warnings (problems
    with ``warning`` set) as well as errors.

    ``appending`` maps a table's name to rows about to be added at the end of
    its file (as the text table written) and the function that writes them:
    the files are read as they are, the rows joined to them in memory
    (:func:`sahel_nb.csvfile.extended`), and the writes run in a thread while
    the tables are checked. What is checked is what the files then hold; a
    problem's line is counted once its file is written.

    ``then`` is called on each table found without a problem of its own as
    soon as it is checked, beside the checks of the others (the loader types
    it there); what it returns is kept as the table's ``then``. A table with
    a problem, or one found only across tables, is left for the caller.
    """
    shown = str(directory) if shown is None else shown
    if not directory.is_dir():
        raise DataValidationError(
            [Problem(shown, None, None, "is not a folder; give the folder holding the CSV tables")],
            shown,
        )
    if not appending:
        raws, read = _read_and_check(directory, shown, None, then)
        return raws, _checked(directory, shown, raws, read, texts)
    raws = {name: read_table(directory, table, shown) for name, table in TABLES.items()}
    for name, (rows, _) in appending.items():
        extended(raws[name], rows)
    with ThreadPoolExecutor(1) as pool:
        written = pool.submit(lambda: [write() for _, write in appending.values()])
        for name in appending:
            raws[name]._settled = written.result
        raws, read = _read_and_check(directory, shown, raws, then)
        problems = _checked(directory, shown, raws, read, texts)
        written.result()  # a write that failed (a full disk) raises here
    return raws, problems


def _read_and_check(
    directory: Path,
    shown: str,
    raws: dict[str, RawTable] | None,
    then: Callable[[RawTable], object] | None,
) -> tuple[dict[str, RawTable], dict[str, int]]:
    """Read (unless given) and check each table on its own; return them and their read problems.

    The largest file is read and checked here while a thread takes the other
    tables in turn: their checks are mostly Python (pandera's), the large
    one's mostly Arrow's, which lets go of the GIL, so the small ones fill
    the moments the large one leaves a core idle.
    """
    sizes = {name: _size(directory / table.file) for name, table in TABLES.items()}
    largest = max(TABLES, key=lambda name: sizes[name])
    done: dict[str, tuple[RawTable, int]] = {}

    def one(name: str) -> None:
        raw = raws[name] if raws is not None else read_table(directory, TABLES[name], shown)
        read = len(raw.problems)
        _table_problems(raw)
        if then is not None and raw.frame is not None and not raw.problems:
            raw.then = then(raw)
        done[name] = raw, read

    with ThreadPoolExecutor(1) as pool:
        others = pool.submit(lambda: [one(name) for name in TABLES if name != largest])
        one(largest)
        others.result()
    return {name: done[name][0] for name in TABLES}, {name: done[name][1] for name in TABLES}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _table_problems(raw: RawTable) -> None:
    """The checks of one table on its own: its columns (pandera) and each row's columns."""
    if raw.frame is None:
        return
    name = raw.table.name
    if name in ("sources", "actors") and raw.frame.empty:
        raw.problem(2, None, f"has no rows; at least one {name[:-1]} is needed")
    _schema_problems(raw)
    _row_problems(raw)
    if name in ("sources", "actors"):
        _case_twins(raw)
        _report_invisible(raw)


def _case_twins(raw: RawTable) -> None:
    """Ids of one table that differ only in case: one text file on macOS and Windows, and
    an analyst's typo elsewhere ("AQIM" beside "aqim")."""
    column = raw.table.id_column
    if column not in raw.frame:
        return
    ids = raw.frame[column].dropna().astype(str)
    folded = ids.str.casefold()
    twins = folded.duplicated(keep=False)  # exact repeats are said as duplicate ids
    first: dict[str, tuple[int, str]] = {}
    for position, value in ids[twins].items():
        key = value.casefold()
        if key in first and first[key][1] != value:
            line, other = first[key]
            raw.problem(
                raw.line(position), column,
                f"differs from line {line}'s id ({other}) only in case; use one spelling",
                value,
            )  # fmt: skip
        first.setdefault(key, (raw.line(position), value))


def _checked(
    directory: Path, shown: str, raws: dict[str, RawTable], read: dict[str, int], texts: bool
) -> list[Problem]:
    """The checks across the tables read from ``directory``; return every problem, ordered."""
    ids = {
        name: raw.frame[raw.table.id_column].dropna()
        if raw.frame is not None and raw.table.id_column in raw.frame
        else None
        for name, raw in raws.items()
    }
    # Each table's references, the claims and the successions are independent
    # of one another and only add problems (ordered below, whatever the order
    # they were found in): two at a time, the largest table first, as a
    # million events' lookups take as long as all the rest.
    present = sorted((raw for raw in raws.values() if raw.frame is not None), key=_rows)
    checks = [partial(_reference_problems, raw, ids) for raw in present]
    checks += [partial(claim_problems, raws), partial(_succession_problems, raws["relationships"])]
    with ThreadPoolExecutor(2) as pool:
        for check in [pool.submit(check) for check in checks]:
            check.result()
    if texts:
        text_problems(raws, directory)
        for raw in raws.values():
            formula_warnings(raw)
    problems = [
        p
        for name, raw in raws.items()
        for p in sorted(_kept(raw, read[name]), key=_order(raw.table))
    ]
    problems += matching_problems(directory, shown, *_reviewed_events(directory, raws["events"]))
    return problems


def _rows(raw: RawTable) -> int:
    return -len(raw.frame)


def _reviewed_events(directory: Path, events: RawTable) -> tuple[dict[str, str], dict[str, str]]:
    """The events the folder's match review file names: each one's curated claim ("" if
    imported), and each one's event type.

    All the review checks ask of the events: a set of a million ids built in
    Python cost 0.8 s of every load, most of them with no review file at all.
    """
    from ..matching import dataset_of

    named = {record for pair in read_decisions(directory)[1] for record in pair}
    frame = events.frame
    if frame is None or not {"event_id", "source_id"} <= set(frame) or not named:
        return {}, {}
    wanted = pyarrow.array(sorted(named), type=pyarrow.string())
    hit = pc.is_in(arrow_text(frame["event_id"]), value_set=wanted)
    rows = frame[hit.to_numpy(zero_copy_only=False)]
    curated = dataset_of(rows["source_id"]).to_numpy() == "curated"
    claims = rows["claim_id"].fillna("").astype(str) if "claim_id" in rows else rows["event_id"]
    claims = claims.where(claims != "", rows["event_id"]).astype(str).to_numpy()
    out = {}
    for event_id, claim, own in zip(rows["event_id"].astype(str), claims, curated, strict=True):
        out[event_id] = claim if own else ""
    kinds = {}
    if "event_type" in rows:
        kinds = dict(zip(rows["event_id"].astype(str), rows["event_type"].astype(str), strict=True))
    return out, kinds


def _kept(raw: RawTable, structural: int) -> list[Problem]:
    """The problems of ``raw`` worth showing: none beyond the first on a ragged row.

    A row whose fields do not line up with the header has its values shifted:
    what the checks say of them would only repeat that one problem.
    """
    if not raw.ragged:
        return raw.problems
    return [p for i, p in enumerate(raw.problems) if i < structural or p.line not in raw.ragged]


def _order(table: Table):
    columns = {name: i for i, name in enumerate(table.columns)}

    def key(problem: Problem):
        return (
            problem.line is not None,
            problem.line or 0,
            columns.get(problem.column or "", -1),
            problem.message,
            "" if problem.value is None else str(problem.value),
        )

    return key
