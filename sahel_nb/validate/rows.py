"""Checks that compare the columns of one row: dates, actors, event kinds, coordinates, amounts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from ..csvfile import RawTable, arrow_text, text_buffers
from ..schema import EVENT_TYPES
from .failures import _shown


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
        # As a NumPy array first: a clean million-row column is one pass, not
        # a filled copy, a cast copy and a selection.
        hits = mask.to_numpy(dtype=bool, na_value=False)
        if not hits.any():
            return
        for position in mask.index[hits]:
            value = frame.at[position, column]
            text = message(position) if callable(message) else message
            raw.problem(raw.line(position), column, text, _shown(value))

    if name == "relationships" and has("start") and has("end"):
        start, _ = raw.parsed_date("start")
        _, end = raw.parsed_date("end")
        flag(end < start, "end", lambda p: f"is before start ({frame.at[p, 'start']})")
    if name == "relationships" and has("actor_a") and has("actor_b"):
        flag(frame["actor_a"] == frame["actor_b"], "actor_b", "is the same actor as actor_a")
    if name == "relationships" and has("kind") and has("directed"):
        # Who became whom is the tie: an undirected succession says neither.
        flag(
            (frame["kind"] == "predecessor/successor") & (frame["directed"] == "false"),
            "directed",
            "a succession runs from predecessor to successor: set true, with actor_a the "
            "predecessor",
        )
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
    # Most folders hold no range of deaths: a million empty cells need no parse.
    ranged = name == "events" and has("fatalities_low") and has("fatalities_high")
    if ranged and (frame["fatalities_low"].notna().any() or frame["fatalities_high"].notna().any()):
        deaths = {c: raw.parsed_number(c) for c in ("fatalities", "fatalities_low",
                                                       "fatalities_high")}  # fmt: skip
        flag(deaths["fatalities_low"] > deaths["fatalities"], "fatalities_low",
             "is more than fatalities (the best estimate)")  # fmt: skip
        flag(deaths["fatalities_high"] < deaths["fatalities"], "fatalities_high",
             "is less than fatalities (the best estimate)")  # fmt: skip
        flag(deaths["fatalities_low"] > deaths["fatalities_high"], "fatalities_low",
             "is more than fatalities_high")  # fmt: skip
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


#: What a spreadsheet reads as the start of a formula (a lone "-" or "-5" is text or a number).
_FORMULA_START = frozenset(b"=+@")


def formula_warnings(raw: RawTable) -> None:
    """Warn of each text cell a spreadsheet opening the file would run as a formula.

    ``=HYPERLINK(…)``, ``+cmd``, ``@SUM(…)``, ``-2+3``: the workbooks and CSV
    files the product exports are made safe, but the data's own files are
    opened as they are. Judged on each cell's first bytes, from Arrow's offsets.
    """
    if raw.frame is None:
        return
    # Only free text: every other kind of column has a form of its own
    # (ids, dates, numbers, vocabularies), which no formula fits.
    prose = [spec.name for spec in raw.table.fields if spec.kind in ("text", "speaker", "list")]
    for column in [c for c in prose if c in raw.frame]:
        text = arrow_text(raw.frame[column])
        offset = 0
        for chunk in text.chunks if isinstance(text, pyarrow.ChunkedArray) else [text]:
            for position in _formula_positions(chunk):
                raw.problem(
                    raw.line(offset + position),
                    column,
                    "starts like a spreadsheet formula, which a spreadsheet opening this file "
                    "would run; reword it, or start it with an apostrophe",
                    chunk[position].as_py(),
                    warning=True,
                )
            offset += len(chunk)


def _formula_positions(chunk) -> list[int]:
    buffers = text_buffers(chunk)
    if buffers is None:
        return []
    at, text = buffers
    if not len(text):
        return []
    length = np.diff(at)
    first = np.where(length > 0, text[np.minimum(at[:-1], len(text) - 1)], 0)
    second = np.where(length > 1, text[np.minimum(at[:-1] + 1, len(text) - 1)], 0)
    formula = np.isin(first, list(_FORMULA_START))
    # "-" then a digit and an operator later is arithmetic; "-" then text is a bullet.
    dash = (first == ord("-")) & (second >= ord("0")) & (second <= ord("9"))
    if dash.any():
        for at_dash in np.flatnonzero(dash):
            cell = chunk[int(at_dash)].as_py()
            dash[at_dash] = any(op in cell[1:] for op in "+-*/^&")
    return np.flatnonzero(formula | dash).tolist()
