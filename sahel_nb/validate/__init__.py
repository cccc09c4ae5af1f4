"""Checking a data folder: pandera schemas per table, then the checks across tables."""

from __future__ import annotations

import difflib
import itertools
from pathlib import Path

import networkx as nx
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from ..csvfile import RawTable, arrow_text, read_table
from ..exceptions import DataValidationError, Problem
from ..match_review import matching_problems, read_decisions
from ..origins import claim_problems
from ..schema import EVENT_TYPES, TABLES, Table
from ..texts import text_problems
from .columns import ID_PATTERN, LOCATOR_PATTERN, pandera_schema

# Re-exported: tests check the country codes the iso3 columns accept.
from .columns import _countries as _countries

# Re-exported: the row count from which a table's columns are checked in two threads.
from .failures import PARALLEL_ROWS as PARALLEL_ROWS
from .failures import _schema_problems, _shown

__all__ = ["ID_PATTERN", "LOCATOR_PATTERN", "check_folder", "pandera_schema"]


def _suggest(value: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _reference_problems(raw: RawTable, ids: dict[str, pd.Series]) -> None:
    for spec in raw.table.fields:
        if spec.ref is None or spec.name not in raw.frame or ids.get(spec.ref) is None:
            continue
        values = raw.frame[spec.name]
        if spec.kind == "refs":
            # Split in Arrow (kept for the typed list column): pandas' split
            # and explode of a million cells took 18 ms. A column with an
            # unknown id is exploded as before, for each id's row.
            split = raw.parsed[f"{spec.name}:split"] = pc.split_pattern(arrow_text(values), "|")
            text = pc.list_flatten(split)
        else:
            text = arrow_text(values)
        found = _found(text, arrow_text(ids[spec.ref]))
        # Empty cells are not dangling (required ones are reported as empty):
        # is_in finds none of them, so every written id is found when the hits
        # and the empty cells add up. One sum, where masking them cost two passes.
        if (pc.sum(found).as_py() or 0) + text.null_count == len(text):
            continue
        if spec.kind == "refs":
            values = values.dropna().str.split("|").explode()
            text = arrow_text(values)
            found = _found(text, arrow_text(ids[spec.ref]))
        found = pc.or_(found, pc.is_null(text))
        known = ids[spec.ref]
        dangling = values[~found.to_numpy(zero_copy_only=False)]
        choices = known.tolist() if len(dangling) else []
        target = TABLES[spec.ref]
        for position, value in dangling.items():
            raw.problem(
                raw.line(position),
                spec.name,
                f"unknown {target.id_column.removesuffix('_id')} id; not in {target.file}"
                + _suggest(value, choices),
                value,
            )


def _found(values: pyarrow.Array, known: pyarrow.Array) -> pyarrow.Array:
    """Which ``values`` are among ``known`` (Arrow's is_in: pandas' isin is several times slower).

    is_in hashes its value set; when that is the much larger side (20,000
    flows citing a million events) it is cheaper to hash the small side, keep
    the known ids found in it, and look the values up among those.
    """
    if len(known) > 4 * len(values):
        known = pc.filter(known, pc.is_in(known, value_set=values))
    return pc.is_in(values, value_set=known)


def _codes(raw: RawTable, column: str, vocabulary: list[str]) -> pyarrow.Array:
    """Each row's position in ``vocabulary``, as its vocabulary check found it."""
    codes = raw.parsed.get(f"{column}:codes")
    if codes is None:
        codes = pc.index_in(arrow_text(raw.frame[column]), value_set=pyarrow.array(vocabulary))
    return codes


def _row_problems(raw: RawTable) -> None:
    """Checks that compare columns of one row."""
    frame, name = raw.frame, raw.table.name
    has = frame.columns.__contains__

    def flag(mask: pd.Series, column: str, message):
        for position in mask[mask.fillna(False).astype(bool)].index:
            value = frame.at[position, column]
            text = message(position) if callable(message) else message
            raw.problem(raw.line(position), column, text, _shown(value))

    if name == "relationships" and has("start") and has("end"):
        start, _ = raw.parsed_date("start")
        _, end = raw.parsed_date("end")
        flag(end < start, "end", lambda p: f"is before start ({frame.at[p, 'start']})")
    if name == "relationships" and has("actor_a") and has("actor_b"):
        flag(frame["actor_a"] == frame["actor_b"], "actor_b", "is the same actor as actor_a")
    if name == "events" and has("event_type") and has("sub_event_type"):
        # Pairs compared as numbers (type's position × sub-types + sub-type's
        # position): joining a million pairs of strings costs ten times more.
        # The positions are the vocabulary checks' codes, in the schema's order.
        kinds = list(raw.table.get("event_type").vocab)
        subs = list(raw.table.get("sub_event_type").vocab)
        pairs = [kinds.index(k) * len(subs) + subs.index(s) for k in kinds for s in EVENT_TYPES[k]]
        kind_at = _codes(raw, "event_type", kinds)
        sub_at = _codes(raw, "sub_event_type", subs)
        pair = pc.add(pc.multiply(kind_at, len(subs)), sub_at)
        fits = pc.is_in(pair, value_set=pyarrow.array(pairs, type=pair.type))
        wrong = pc.fill_null(pc.invert(fits), False)
        flag(
            pd.Series(wrong.to_numpy(zero_copy_only=False), frame.index, copy=False),
            "sub_event_type",
            lambda p: f"is not a kind of {frame.at[p, 'event_type']!r}",
        )
    if name == "events" and has("latitude") and has("longitude"):
        flag(
            frame["latitude"].isna() != frame["longitude"].isna(),
            "longitude",
            "latitude and longitude go together: give both or neither",
        )
    if name == "flows":
        amounts = {
            column: raw.parsed_number(column)
            for column in ("amount", "amount_low", "amount_high")
            if has(column)
        }
        if "amount" in amounts and "amount_low" in amounts:
            flag(amounts["amount_low"] > amounts["amount"], "amount_low", "is more than amount")
        if "amount" in amounts and "amount_high" in amounts:
            flag(amounts["amount_high"] < amounts["amount"], "amount_high", "is less than amount")
        if "amount_low" in amounts and "amount_high" in amounts:
            flag(
                amounts["amount_low"] > amounts["amount_high"],
                "amount_low",
                "is more than amount_high",
            )
        if has("amount") and has("in_kind"):
            flag(
                frame["amount"].isna() & frame["in_kind"].isna(),
                "amount",
                "no amount and no in_kind: leave an unknown amount empty "
                "and say in in_kind what was given",
            )
        given = pd.Series(False, index=frame.index)
        for column in ("amount", "amount_low", "amount_high"):
            if has(column):
                given |= frame[column].notna()
        if has("currency"):
            flag(given & frame["currency"].isna(), "currency", "is needed when an amount is given")
        if has("payer") and has("payee"):
            flag(
                frame["payer"].isna() & frame["payee"].isna(),
                "payee",
                "a flow needs a payer or a payee (or both)",
            )


#: Cycles named at most per data folder: each needs a row fixed, and fixing
#: one often breaks several.
_MAX_CYCLES = 20


def _succession_problems(raw: RawTable) -> None:
    """One problem per cycle of successions (A became B, B became A), naming its rows.

    Only directed ties that are not denied say who became whom; a tie of an
    actor with itself is reported by the row checks.
    """
    frame = raw.frame
    if frame is None or not {"actor_a", "actor_b", "kind", "directed", "status"} <= set(frame):
        return

    def column(name: str) -> pyarrow.Array:
        return arrow_text(frame[name])

    a, b = column("actor_a"), column("actor_b")
    # In Arrow: a million imported relationships hold no succession at all.
    ties = pc.and_(
        pc.and_(
            pc.equal(column("kind"), "predecessor/successor"),
            pc.equal(column("directed"), "true"),
        ),
        pc.and_(
            pc.fill_null(pc.not_equal(column("status"), "denied"), True),
            pc.not_equal(a, b),  # null when either is empty
        ),
    )
    positions = frame.index[pc.fill_null(ties, False).to_numpy(zero_copy_only=False)]
    if not len(positions):
        return
    graph = nx.DiGraph()
    for position in positions:
        old, new = frame.at[position, "actor_a"], frame.at[position, "actor_b"]
        if not graph.has_edge(old, new):
            graph.add_edge(old, new, rows=[])
        graph[old][new]["rows"].append(position)  # in file order

    def first_row(step: tuple[str, str]) -> int:
        return graph.edges[step]["rows"][0]

    found = []
    for cycle in itertools.islice(nx.simple_cycles(graph), _MAX_CYCLES):
        steps = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
        # Start from the row an editor meets first.
        first = min(range(len(steps)), key=lambda i: first_row(steps[i]))
        found.append(steps[first:] + steps[:first])
    for steps in sorted(found, key=lambda steps: first_row(steps[0])):
        chain = steps[0][0] + "".join(
            f" → {new} ({_lines([raw.line(p) for p in graph.edges[old, new]['rows']])})"
            for old, new in steps
        )
        raw.problem(
            raw.line(first_row(steps[0])),
            "actor_b",
            f"the succession comes back to {steps[0][0]}: {chain}; an organisation cannot "
            "succeed its own successor: correct, deny or remove one of these rows",
            steps[0][1],
        )


def _lines(lines: list[int]) -> str:
    return f"line {lines[0]}" if len(lines) == 1 else "lines " + ", ".join(map(str, lines))


def check_folder(
    directory: Path, shown: str | None = None, *, texts: bool = False
) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read and check every table in ``directory``; return them with all problems found.

    ``texts`` also checks the rows citing a held source against its text
    (:func:`sahel_nb.texts.text_problems`), which adds warnings (problems
    with ``warning`` set) as well as errors.
    """
    shown = str(directory) if shown is None else shown
    if not directory.is_dir():
        raise DataValidationError(
            [Problem(shown, None, None, "is not a folder; give the folder holding the CSV tables")],
            shown,
        )
    raws = {name: read_table(directory, table, shown) for name, table in TABLES.items()}
    read = {name: len(raw.problems) for name, raw in raws.items()}
    ids: dict[str, pd.Series | None] = {}
    for name, raw in raws.items():
        table = raw.table
        if raw.frame is None:
            ids[name] = None
            continue
        if name in ("sources", "actors") and raw.frame.empty:
            raw.problem(2, None, f"has no rows; at least one {name[:-1]} is needed")
        _schema_problems(raw)
        _row_problems(raw)
        ids[name] = raw.frame[table.id_column].dropna() if table.id_column in raw.frame else None
    for raw in raws.values():
        if raw.frame is not None:
            _reference_problems(raw, ids)
    claim_problems(raws)
    _succession_problems(raws["relationships"])
    if texts:
        text_problems(raws, directory)
    problems = [
        p
        for name, raw in raws.items()
        for p in sorted(_kept(raw, read[name]), key=_order(raw.table))
    ]
    problems += matching_problems(directory, shown, _reviewed_events(directory, ids["events"]))
    return raws, problems


def _reviewed_events(directory: Path, events: pd.Series | None) -> set[str]:
    """The ids the folder's match review file names that are events of the data.

    All the review checks ask of the events: a set of a million ids built in
    Python cost 0.8 s of every load, most of them with no review file at all.
    """
    named = {record for pair in read_decisions(directory)[1] for record in pair}
    if events is None or not named:
        return set()
    named = pyarrow.array(sorted(named), type=pyarrow.string())
    return set(pc.filter(named, _found(named, arrow_text(events))).to_pylist())


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
        )

    return key
