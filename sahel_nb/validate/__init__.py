"""Checking a data folder: pandera schemas per table, then the checks across tables."""

from __future__ import annotations

import difflib
import itertools
from concurrent.futures import ThreadPoolExecutor
from functools import cache, partial
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
import pycountry
from pandera.errors import SchemaErrors

from ..csvfile import RawTable, arrow_text, parse_number, read_table
from ..dates import DATE_HINT, spans_by_value
from ..exceptions import DataValidationError, Problem
from ..match_review import matching_problems, read_decisions
from ..origins import claim_problems
from ..schema import EVENT_TYPES, TABLES, Field, Table
from ..texts import text_problems

__all__ = ["ID_PATTERN", "LOCATOR_PATTERN", "check_folder", "pandera_schema"]

#: Ids are short slugs; ACLED-style ids such as MLI1234 fit too.
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
#: A paragraph (¶6), a range of them (¶11–13), a page (p. 4) or a row (row 12), comma-separated.
_ONE_LOCATOR = r"(?:¶\d+(?:[–-]\d+)?|p\. ?\d+(?:[–-]\d+)?|row \d+)"
LOCATOR_PATTERN = rf"{_ONE_LOCATOR}(?:, ?{_ONE_LOCATOR})*"


@cache
def _countries() -> frozenset[str]:
    # Historic states (ISO 3166-3: SUN, YUG, CSK…) and Kosovo's user-assigned XKX:
    # sources such as the GTD name the states of their time.
    historic = {c.alpha_3 for c in pycountry.historic_countries}
    return frozenset({c.alpha_3 for c in pycountry.countries} | historic | {"XKX"})


@cache
def _currencies() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


# Checks run on the column's Arrow array: on a million rows pyarrow's compute
# functions are an order of magnitude faster than pandas' string methods.


def _check(function, error: str) -> pa.Check:
    """A pandera check given whole columns: every check here lets empty cells pass.

    ``ignore_na=False`` because pandera's own null-dropping copies each column
    for each check (0.12 s on a million rows); required columns are checked
    for emptiness apart, by ``nullable``.
    """
    return pa.Check(function, error=error, ignore_na=False)


def _passes(result, values: pd.Series) -> pd.Series | bool:
    """Turn an Arrow boolean result into pandera's answer; nulls pass.

    ``True`` when every row passes, as pandera allows: building and scanning
    a million-row Series per check is most of a clean column's cost. Only a
    column with failures gets the row-by-row Series that names them.
    """
    # all() skips nulls (min_count=0: an all-empty column passes too); filling
    # them first cost a pass per check, 0.07 s over the events' columns.
    if pc.all(result, min_count=0).as_py():
        return True
    ok = pc.fill_null(result, True)
    return pd.Series(ok.to_numpy(zero_copy_only=False), index=values.index, copy=False)


def _verdict(mask: pd.Series) -> pd.Series | bool:
    """A pandas row mask as pandera's answer: ``True`` when every row passes."""
    return True if bool(mask.all()) else mask


def _number_checks(name: str, parsed: dict, low: float, high: float, message: str):
    # The parse made by the first check is kept in ``parsed`` for the range
    # check, the row checks and the typed table: a million values, parsed once.
    arrow: dict = {}

    def is_number(values: pd.Series) -> pd.Series:
        ok, arrow[name] = parse_number(values)
        numbers = arrow[name].to_numpy(zero_copy_only=False)
        parsed[name] = pd.Series(numbers, index=values.index, copy=False)
        return _passes(ok, values)

    def numbers(values: pd.Series) -> pyarrow.Array:
        if name not in arrow:
            arrow[name] = parse_number(values)[1]
        return arrow[name]

    def finite(values: pd.Series) -> pd.Series:
        # 1e400 is written like a number but is infinity as one: totals and
        # conversions of it fail in the reports.
        return _passes(pc.is_finite(numbers(values)), values)

    def within(values: pd.Series) -> pd.Series:
        # In Arrow, on the parse already made: empty, unparsed and infinite
        # cells pass here (each is reported once, by the checks above).
        parsed_values = numbers(values)
        # The extremes first, one pass: nulls are skipped, and a NaN or an
        # infinity outside the range only sends the column row by row.
        extremes = pc.min_max(parsed_values)
        smallest, largest = extremes["min"].as_py(), extremes["max"].as_py()
        if smallest is None or (low <= smallest and largest <= high):
            return True
        inside = pc.and_(pc.greater_equal(parsed_values, low), pc.less_equal(parsed_values, high))
        return _passes(pc.or_(inside, pc.invert(pc.is_finite(parsed_values))), values)

    return [
        _check(is_number, "is not a number; write digits only, e.g. 7300000"),
        _check(
            finite, "is too large to be a number; check its digits and exponent (7.3e6 is 7300000)"
        ),
        _check(within, message),
    ]


def _isin(allowed, message: str) -> pa.Check:
    # With a null among the allowed values is_in matches empty cells, so they
    # pass in the same pass (or-ing is_null after cost two more).
    allowed = pyarrow.array([*sorted(allowed), None], type=pyarrow.string())

    def known(values: pd.Series) -> pd.Series:
        return _passes(pc.is_in(arrow_text(values), value_set=allowed), values)

    return _check(known, message)


def _vocabulary(name: str, categories: list[str], parsed: dict, message: str) -> pa.Check:
    """A vocabulary check that keeps each row's position in ``categories`` for typing."""
    allowed = pyarrow.array(categories, type=pyarrow.string())

    def known(values: pd.Series) -> pd.Series:
        text = arrow_text(values)
        codes = pc.index_in(text, value_set=allowed)
        # The typed table's categorical codes: a million values looked up once.
        parsed[f"{name}:codes"] = codes
        # A value not found has a null code: as many null codes as empty cells
        # means every written value was found, with no pass over the rows.
        if codes.null_count == text.null_count:
            return True
        return _passes(pc.or_(pc.is_valid(codes), pc.is_null(text)), values)

    return _check(known, message)


#: The bytes ID_PATTERN allows in an id, and those it allows first.
_ID_BYTES = np.zeros(256, dtype=bool)
_ID_BYTES[list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")] = True
_ID_FIRST = _ID_BYTES.copy()
_ID_FIRST[list(b"_.-")] = False


def _plain_ids(text) -> bool:
    """Whether every id surely matches ID_PATTERN, judged on the text's bytes.

    A lookup of each byte is a third of the regex's time on a million ids;
    False (a byte outside the pattern, an empty cell) leaves the judging,
    row by row, to the regex.
    """
    for chunk in text.chunks if isinstance(text, pyarrow.ChunkedArray) else [text]:
        if chunk.null_count or chunk.type not in (pyarrow.string(), pyarrow.large_string()):
            return False
        width = np.int64 if chunk.type == pyarrow.large_string() else np.int32
        _, offsets, data = chunk.buffers()
        offsets = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
        if not len(chunk):
            continue
        if data is None or (np.diff(offsets) == 0).any():
            return False
        data = np.frombuffer(data, dtype=np.uint8)
        if not _ID_BYTES[data[offsets[0] : offsets[-1]]].all():
            return False
        if not _ID_FIRST[data[offsets[:-1]]].all():
            return False
    return True


def _matches(pattern: str, message: str, distinct: bool = True) -> pa.Check:
    """A regex check; ``distinct`` runs it on each distinct value once (not for ids)."""
    anchored = f"^(?:{pattern})$"

    def matches(values: pd.Series) -> pd.Series:
        text = arrow_text(values)
        if text.null_count == len(text):  # an optional column left empty: nothing to match
            return True
        if pattern == ID_PATTERN and _plain_ids(text):
            return True
        if distinct:
            # A million locators hold a few hundred distinct values: match those,
            # and look rows up only when one of them fails.
            values_seen = pc.unique(text)
            bad = pc.filter(values_seen, pc.invert(pc.match_substring_regex(values_seen, anchored)))
            if len(bad) == 0:
                return True
            return _passes(pc.invert(pc.is_in(text, value_set=bad)), values)
        return _passes(pc.match_substring_regex(text, anchored), values)

    return _check(matches, message)


def _whole(values: pd.Series) -> pd.Series:
    # Nine ASCII digits at most: enough for any count, and safe to type as
    # int64. Four times faster than the equivalent regex on a million cells.
    text = arrow_text(values)
    return _passes(
        pc.and_(pc.ascii_is_decimal(text), pc.less_equal(pc.binary_length(text), 9)), values
    )


def _year(values: pd.Series) -> pd.Series:
    text = arrow_text(values)
    digits = pc.and_(pc.ascii_is_decimal(text), pc.equal(pc.binary_length(text), 4))
    number = pc.cast(pc.if_else(digits, text, pyarrow.scalar("0")), pyarrow.int64())
    inside = pc.and_(pc.greater_equal(number, 1900), pc.less_equal(number, 2100))
    return _passes(pc.and_(digits, inside), values)


_DUPLICATE = "duplicate id"


def _unique(values: pd.Series) -> pd.Series:
    # Sorting and comparing neighbours is twice as fast as hashing (count_distinct)
    # a million distinct ids; the per-row answer is only needed when there are duplicates.
    ids = arrow_text(values)
    ordered = pc.take(ids, pc.sort_indices(ids))
    repeats = pc.equal(ordered.slice(1), ordered.slice(0, max(len(ordered) - 1, 0)))
    if not pc.any(repeats).as_py():
        return True
    return ~values.duplicated(keep=False) | values.isna()


def _date_checks(name: str, parsed: dict) -> list[pa.Check]:
    judged: dict = {}

    def real_date(values: pd.Series) -> pd.Series:
        position, first, last, backwards = spans_by_value(values)
        index = values.index
        parsed[name] = (
            pd.Series(first[position], index=index, copy=False),
            pd.Series(last[position], index=index, copy=False),
        )
        judged["position"], judged["backwards"] = position, backwards
        # Judged on the distinct values (the last is the empty one, which passes):
        # a million rows hold a few thousand dates.
        real = ~np.isnat(first) | ~np.isnat(last) | backwards
        real[-1] = True
        if real.all():
            return True
        return pd.Series(real[position], index=index, copy=False)

    def in_order(values: pd.Series) -> pd.Series:
        backwards = judged["backwards"]
        if not backwards.any():
            return True
        return pd.Series(~backwards[judged["position"]], index=values.index, copy=False)

    return [
        _check(real_date, f"is not a real date; {DATE_HINT}"),
        _check(in_order, "is an interval that ends before it starts"),
    ]


def _checks(spec: Field, parsed: dict) -> list[pa.Check]:
    """Return the pandera checks for one column; each one's error is its message."""
    kind, name = spec.kind, spec.name
    if kind == "id":
        return [
            _matches(ID_PATTERN, "is not a valid id: use letters, digits, '-', '_', '.'", False),
            _check(_unique, _DUPLICATE),
        ]
    if kind in ("ref", "refs"):
        return []  # an id that exists in its table is well-formed: checked across tables
    if kind == "list":
        return [_matches(r"[^|]+(?:\|[^|]+)*", "has an empty entry between '|' separators")]
    if kind == "partial_date":
        return _date_checks(name, parsed)
    if kind == "claim":
        return [_matches(ID_PATTERN, "is not a valid claim id: use letters, digits, '-', '_', '.'")]
    if kind == "vocab":
        if len(spec.vocab) > 15:
            message = "is not in the vocabulary; see data/README.md"
        else:
            message = "must be one of: " + "; ".join(spec.vocab)
        return [_vocabulary(name, list(spec.vocab), parsed, message)]
    if kind == "bool":
        return [_isin({"true", "false"}, "must be true or false")]
    if kind == "amount":
        return _number_checks(name, parsed, 0, float("inf"), "must not be negative")
    if kind == "count":
        return [_check(_whole, "must be a whole number, zero or more")]
    if kind == "year":
        return [_check(_year, "must be a year of four digits, 1900 to 2100")]
    if kind == "credibility":
        return [_isin({"1", "2", "3", "4", "5", "6"}, "must be 1 to 6 (Admiralty credibility)")]
    if kind == "reliability":
        return [
            _vocabulary(
                name, list("ABCDEF"), parsed, "must be one of A to F (Admiralty reliability)"
            )
        ]
    if kind == "geo_precision":
        return [_isin({"1", "2", "3"}, "must be 1, 2 or 3 (ACLED geo_precision)")]
    if kind == "latitude":
        return _number_checks(name, parsed, -90, 90, "must be between -90 and 90")
    if kind == "longitude":
        return _number_checks(name, parsed, -180, 180, "must be between -180 and 180")
    if kind == "iso3":
        return [_isin(_countries(), "is not an ISO 3166-1 alpha-3 country code, e.g. MLI")]
    if kind == "currency":
        return [_isin(_currencies(), "is not an ISO 4217 currency code, e.g. USD")]
    if kind == "locator":
        return [_matches(LOCATOR_PATTERN, "must locate the claim in its source, e.g. ¶6")]
    if kind == "url":
        return [_matches(r"https?://\S+", "must be a web address starting http:// or https://")]
    if kind in ("text", "speaker"):
        return []  # a speaker that names an actor is checked across tables
    raise ValueError(f"no checks for column kind {kind!r}")


def pandera_schema(table: Table, columns=None, parsed: dict | None = None) -> pa.DataFrameSchema:
    """Return the pandera schema of ``table`` over its raw text, limited to ``columns``.

    Checks that parse dates and numbers leave the result in ``parsed``, by
    column name, so nothing is parsed twice.

    Examples
    --------
    >>> schema = pandera_schema(TABLES["sources"])
    >>> sorted(schema.columns)[:2]
    ['author', 'derived_from']
    """
    wanted = table.columns if columns is None else [c for c in table.columns if c in columns]
    parsed = {} if parsed is None else parsed
    return pa.DataFrameSchema(
        {
            name: pa.Column(
                None,
                checks=_checks(table.get(name), parsed),
                nullable=not table.get(name).required,
            )
            for name in wanted
        }
    )


def _shown(value) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


#: From this many rows, a table's columns are checked in two threads: Arrow's
#: kernels (most of the checks) let go of the GIL, so the checks overlap.
PARALLEL_ROWS = 200_000

#: Rough cost of a column's checks, relative to a vocabulary's, by kind. Ids
#: are matched row by row and sorted, dates and numbers parsed: on a million
#: events the id alone costs as much as a dozen vocabularies.
_COST = {"id": 10, "partial_date": 5, "latitude": 4, "longitude": 4, "amount": 4}
#: Kinds with no check of their own (references are checked across tables).
_UNCHECKED = ("ref", "refs", "text", "speaker")


def _failures(raw: RawTable, columns: list[str]) -> pd.DataFrame | None:
    """pandera's failure cases of ``columns``, or None when they pass."""
    try:
        pandera_schema(raw.table, columns, raw.parsed).validate(raw.frame, lazy=True)
    except SchemaErrors as errors:
        return errors.failure_cases
    return None


def _batches(table: Table, columns: list[str]) -> list[list[str]]:
    """The columns in batches for the threads, costliest first.

    Threads take the next batch as they finish one, so the two stay busy to
    the end; alternate halves of the columns left one thread with the id,
    the date and a coordinate, and the other idle for a third of the time.
    """
    kinds = {name: table.get(name).kind for name in columns}
    unchecked = [name for name in columns if kinds[name] in _UNCHECKED]
    checked = sorted(
        (name for name in columns if kinds[name] not in _UNCHECKED),
        key=lambda name: -_COST.get(kinds[name], 1),
    )
    return [[name] for name in checked] + ([unchecked] if unchecked else [])


def _schema_problems(raw: RawTable) -> None:
    columns = list(raw.frame.columns)
    if len(raw.frame) >= PARALLEL_ROWS and len(columns) > 1:
        with ThreadPoolExecutor(2) as pool:
            found = list(pool.map(partial(_failures, raw), _batches(raw.table, columns)))
    else:
        found = [_failures(raw, columns)]
    found = [cases for cases in found if cases is not None]
    if found:
        cases = pd.concat(found, ignore_index=True) if len(found) > 1 else found[0]
        duplicates = cases[cases["check"] == _DUPLICATE]
        for case in cases[cases["check"] != _DUPLICATE].itertuples():
            if (case.index, case.column) in raw.mangled:
                continue
            if case.index is None or pd.isna(case.index):
                raw.problem(None, case.column, f"could not be checked: {case.failure_case}")
            elif case.check == "not_nullable":
                raw.problem(raw.line(int(case.index)), case.column, "is empty; a value is required")
            else:
                raw.problem(
                    raw.line(int(case.index)), case.column, case.check, _shown(case.failure_case)
                )
        for (column, value), group in duplicates.groupby(["column", "failure_case"], sort=False):
            lines = sorted(raw.line(int(i)) for i in group["index"])
            for line in lines[1:]:
                raw.problem(line, column, f"duplicate id; first used on line {lines[0]}", value)


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
