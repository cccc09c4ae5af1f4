"""The pandera checks of each column kind, and a table's pandera schema over its raw text."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
import pycountry

from ..csvfile import arrow_text, parse_number, text_buffers
from ..dates import DATE_HINT, spans_by_value
from ..schema import Field, Table

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


def _number_checks(
    name: str, parsed: dict, low: float, high: float, message: str, zero_as_written=False
):
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

    def zero_written_as_zero(values: pd.Series) -> pd.Series:
        # 1e-400 reads as 0 and -0 is 0: a zero no one wrote. An unknown is empty, never 0.
        zero = pc.equal(numbers(values), 0)
        plain = pc.match_substring_regex(
            arrow_text(values), r"^\+?(?:0+(?:\.0*)?|\.0+)(?:[eE][+-]?[0-9]+)?$"
        )
        return _passes(pc.invert(pc.and_(zero, pc.invert(plain))), values)

    checks = [
        _check(is_number, "is not a number; write digits only, e.g. 7300000"),
        _check(
            finite, "is too large to be a number; check its digits and exponent (7.3e6 is 7300000)"
        ),
        _check(within, message),
    ]
    if zero_as_written:
        checks.append(
            _check(
                zero_written_as_zero,
                "reads as 0 but is not written as 0 (too small, or -0); write 0 for nothing "
                "paid, or leave it empty if the amount is not known",
            )
        )
    return checks


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


def _few_distinct(text, sample: int = 4096) -> bool:
    """Whether a column's values repeat enough to judge its distinct values instead of each row.

    Judged on its first ``sample`` values: an import's locators (``row 1``,
    ``row 2`` …) are all distinct, and hashing half a million of them to find
    so cost three times the regex over every row.
    """
    head = text.slice(0, sample)
    return len(pc.unique(head)) * 4 <= len(head)


def _matches(pattern: str, message: str, distinct: bool = True) -> pa.Check:
    """A regex check; ``distinct`` runs it on each distinct value once (not for ids)."""
    anchored = f"^(?:{pattern})$"

    def matches(values: pd.Series) -> pd.Series:
        text = arrow_text(values)
        if text.null_count == len(text):  # an optional column left empty: nothing to match
            return True
        if pattern == ID_PATTERN and _plain_ids(text):
            return True
        if distinct and _few_distinct(text):
            # A million locators hold a few hundred distinct values: match those,
            # and look rows up only when one of them fails.
            values_seen = pc.unique(text)
            bad = pc.filter(values_seen, pc.invert(pc.match_substring_regex(values_seen, anchored)))
            if len(bad) == 0:
                return True
            return _passes(pc.invert(pc.is_in(text, value_set=bad)), values)
        return _passes(pc.match_substring_regex(text, anchored), values)

    return _check(matches, message)


_RANGE = r"(\d+)\s*[–-]\s*(\d+)"


def _has_dash(text) -> bool:
    """Whether any value may hold a hyphen or an en dash (its last UTF-8 byte, 0x93)."""
    for chunk in text.chunks if isinstance(text, pyarrow.ChunkedArray) else [text]:
        buffers = text_buffers(chunk)
        if buffers is not None and ((buffers[1] == ord("-")) | (buffers[1] == 0x93)).any():
            return True
    return False


def _ranges_forward(values: pd.Series) -> pd.Series | bool:
    """Whether each locator's ranges run forward (¶11–13, not ¶13–11); no range passes.

    Only the cells holding a range are read in Python: an import's million
    ``row N`` locators hold none.
    """
    text = arrow_text(values)
    if not _has_dash(text):  # a look at the bytes: searching a million cells cost 20 ms
        return True
    ranged = pc.or_(pc.match_substring(text, "–"), pc.match_substring(text, "-"))
    ranged = pc.fill_null(ranged, False)
    ok = np.ones(len(values), dtype=bool)
    for at in np.flatnonzero(ranged.to_numpy(zero_copy_only=False)):
        pairs = re.findall(_RANGE, values.iat[at])
        ok[at] = all(int(first) <= int(last) for first, last in pairs)
    return True if ok.all() else pd.Series(ok, index=values.index, copy=False)


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
    # Ranked, n distinct ids take n dense ranks: a sort, twice as fast as
    # hashing (count_distinct) a million ids, with no sorted copy of them to
    # make (15 MB of fresh memory for a million).
    # Empty cells rank alike, so two of them send the column row by row,
    # where they pass: they are reported as empty, not as duplicates.
    ids = arrow_text(values)
    if not len(ids) or pc.max(pc.rank(ids, tiebreaker="dense")).as_py() == len(ids):
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
        judged["first"], judged["last"] = first, last
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

    def datable(values: pd.Series) -> pd.Series:
        # Year 0 or 9999 is a real date but no table, timeline or page can place it
        # (pandas' timestamps end there): refused here, not by a report a minute later.
        ok = np.ones(len(judged["first"]), dtype=bool)
        for ends in (judged["first"], judged["last"]):
            given = ~np.isnat(ends)
            ok &= ~given | ((ends >= _EARLIEST) & (ends <= _LATEST))
        ok[-1] = True
        if ok.all():
            return True
        return pd.Series(ok[judged["position"]], index=values.index, copy=False)

    return [
        _check(real_date, f"is not a real date; {DATE_HINT}"),
        _check(in_order, "is an interval that ends before it starts"),
        _check(datable, "is outside the years the tables and pages can date (1678 to 2261)"),
    ]


#: The largest amount of money a row may give: a thousand times the largest
#: economies' yearly output, far past any payment, well inside every total.
MOST_MONEY = 1e15

#: The first and last days a date may cover: pandas' timestamps, which every view uses.
_EARLIEST, _LATEST = np.datetime64("1678-01-01"), np.datetime64("2261-12-31")


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
        # Bounded: a sum past the largest any report gives (1.7e308 passes as a
        # number) overflowed the conversions and totals of three notebooks.
        return _number_checks(
            name, parsed, 0, MOST_MONEY,
            "must not be negative, nor more than 1e15 (no payment is that large): "
            "check its sign and digits", zero_as_written=True,
        )  # fmt: skip
    if kind == "count":
        return [_check(_whole, "must be a whole number, zero or more")]
    if kind == "year":
        return [_check(_year, "must be a year of four digits, 1900 to 2100")]
    if kind == "credibility":
        # Looked up as a vocabulary: each row's position is its grade less one,
        # so typing needs no second pass over the text.
        return [_vocabulary(name, list("123456"), parsed, "must be 1 to 6 (Admiralty credibility)")]
    if kind == "reliability":
        return [
            _vocabulary(
                name, list("ABCDEF"), parsed, "must be one of A to F (Admiralty reliability)"
            )
        ]
    if kind == "geo_precision":
        return [_vocabulary(name, list("123"), parsed, "must be 1, 2 or 3 (ACLED geo_precision)")]
    if kind == "latitude":
        return _number_checks(name, parsed, -90, 90, "must be between -90 and 90")
    if kind == "longitude":
        return _number_checks(name, parsed, -180, 180, "must be between -180 and 180")
    if kind == "iso3":
        return [_isin(_countries(), "is not an ISO 3166-1 alpha-3 country code, e.g. MLI")]
    if kind == "currency":
        return [_isin(_currencies(), "is not an ISO 4217 currency code, e.g. USD")]
    if kind == "locator":
        return [
            _matches(
                LOCATOR_PATTERN,
                "must locate the claim in its source: a paragraph ¶6, paragraphs ¶3–5 or "
                "¶2, ¶8, a page p. 4 (a source whose text is not held), or an export's row 12",
            ),
            _check(_ranges_forward, "is a range that ends before it starts; write ¶11–13"),
        ]
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
    >>> from sahel_nb.schema import TABLES
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
