"""Ids that must name a row of another table, with the closest known id suggested."""

from __future__ import annotations

import difflib
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pandas as pd
import pyarrow
import pyarrow.compute as pc

from ..csvfile import RawTable, arrow_text
from ..schema import TABLES
from . import failures


def _suggest(value: str, choices: list[str]) -> str:
    """The closest known id, as a hint: the same letters in another case first (AQIM: aqim)."""
    same = [choice for choice in choices if choice.casefold() == value.casefold()]
    close = same or difflib.get_close_matches(value, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _reference_problems(raw: RawTable, ids: dict[str, pd.Series]) -> None:
    specs = [
        spec
        for spec in raw.table.fields
        if spec.ref is not None and spec.name in raw.frame and ids.get(spec.ref) is not None
    ]
    if len(raw.frame) >= failures.PARALLEL_ROWS and len(specs) > 1:
        # Arrow's lookups let go of the GIL: a million events' four columns overlap.
        with ThreadPoolExecutor(2) as pool:
            complete = list(pool.map(partial(_all_found, raw, ids), specs))
    else:
        complete = [_all_found(raw, ids, spec) for spec in specs]
    for spec, done in zip(specs, complete, strict=True):
        if done:
            continue
        values = raw.frame[spec.name]
        if spec.kind == "refs":
            values = values.dropna().str.split("|").explode()
        text = arrow_text(values)
        found = pc.or_(_found(text, arrow_text(ids[spec.ref])), pc.is_null(text))
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


def _all_found(raw: RawTable, ids: dict[str, pd.Series], spec) -> bool:
    """Whether every id written in ``spec``'s column names a row of the table it refers to."""
    values = raw.frame[spec.name]
    if spec.kind == "refs":
        # Split in Arrow (kept for the typed list column): pandas' split
        # and explode of a million cells took 18 ms. A column with an
        # unknown id is exploded as before, for each id's row.
        split = raw.parsed.get(f"{spec.name}:split")
        if split is None:
            split = raw.parsed[f"{spec.name}:split"] = pc.split_pattern(arrow_text(values), "|")
        text = pc.list_flatten(split)
    else:
        text = arrow_text(values)
    found = _found(text, arrow_text(ids[spec.ref]))
    # Empty cells are not dangling (required ones are reported as empty):
    # is_in finds none of them, so every written id is found when the hits
    # and the empty cells add up. One sum, where masking them cost two passes.
    return (pc.sum(found).as_py() or 0) + text.null_count == len(text)


def _found(values: pyarrow.Array, known: pyarrow.Array) -> pyarrow.Array:
    """Which ``values`` are among ``known`` (Arrow's is_in: pandas' isin is several times slower).

    is_in hashes its value set; when that is the much larger side (20,000
    flows citing a million events) it is cheaper to hash the small side, keep
    the known ids found in it, and look the values up among those.
    """
    if len(known) > 4 * len(values):
        known = pc.filter(known, pc.is_in(known, value_set=values))
    return pc.is_in(values, value_set=known)
