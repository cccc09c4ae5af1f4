"""Derived ties: the pairs of actors that events name together, one neutral tie per pair."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..cite import locator_lists
from ..data import Dataset
from ..dates import in_window
from ..origins import claims_of


def _co_occurrences(
    dataset: Dataset, start, end, statuses, credibility_at_least
) -> tuple[list[tuple], pd.DataFrame | None]:
    """One neutral, derived tie per pair of actors events name together, per source and grade.

    Ties come as ``(actor_a, actor_b, relationship_id, attributes)``, as
    ``add_edges_from`` takes them.

    The events behind a tie are counted (``events``), dated from the first to
    the last and cited together, so an ACLED import of half a million rows
    gives one tie per pair, not one per row. Also returns every event's
    ``source_id`` and ``locator`` by the ``relationship_id`` of the tie it is
    behind (None when there is no tie).
    """
    # One event per claim: two sources' reports of one event are one co-occurrence.
    columns = ["event_id", "date", "date_start", "date_end", "status", "credibility"]
    # In any order: ties are put in order below, by actors, source, grade and event id.
    events = claims_of(
        dataset, "events", [*columns, "actor1", "actor2", "assoc_actors"], in_order=False
    )
    events = events[(events["agreement"] != "denied").to_numpy(bool)]
    events = events[in_window(events, start, end)]
    if statuses is not None:
        events = events[events["status"].isin(statuses)]
    if credibility_at_least is not None:
        events = events[events["credibility"] <= credibility_at_least]
    if events.empty:
        return [], None

    # Every (event, other actor) pair by position: actor1 with actor2, then with
    # each associated actor. Positions, not a join on half a million event ids.
    def arrow(name: str) -> pa.Array:
        array = pa.array(events[name], from_pandas=True)
        return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array

    lists = arrow("assoc_actors")
    rows = np.concatenate(
        [np.arange(len(events)), pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)]
    )
    # Actors coded by their rank among every name (Arrow's dictionary, sorted
    # as pandas sorts strings: by code point), not made Python strings first.
    names = pa.concat_arrays(
        [arrow(name).cast(pa.large_string()) for name in ("actor1", "actor2")]
        + [pc.list_flatten(lists).cast(pa.large_string())]
    )
    encoded = pc.dictionary_encode(names)
    if not len(encoded.dictionary):
        return [], None
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    actors = encoded.dictionary.take(order).to_numpy(zero_copy_only=False).astype(object)
    index = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    codes = np.where(index >= 0, rank[index], -1)  # -1: no actor named
    one_code = codes[: len(events)][rows]
    other_code = codes[len(events) :]
    named = (other_code >= 0) & (one_code >= 0)
    rows, one_code, other_code = rows[named], one_code[named], other_code[named]
    kept = one_code != other_code
    rows, one_code, other_code = rows[kept], one_code[kept], other_code[kept]
    if not len(rows):
        return [], None
    # An actor named twice in one event is one co-occurrence: the first mention counts.
    _, first_mention = np.unique(rows * len(actors) + other_code, return_index=True)
    first_mention.sort()
    rows, one_code, other_code = (
        rows[first_mention],
        one_code[first_mention],
        other_code[first_mention],
    )
    # A tie is undirected: each pair in id order, once.
    a_code, b_code = np.minimum(one_code, other_code), np.maximum(one_code, other_code)

    def column(name):
        # Taken first, then made Python strings: made in the ties' order, they
        # lie together in memory, and every later pass over the graph is quicker.
        return events[name].take(rows).to_numpy(object, na_value=None)

    source_code, sources = pd.factorize(column("source_id"), sort=True)
    status_code, statuses_found = pd.factorize(
        events["status"].astype(str).to_numpy()[rows], sort=True
    )
    credibility = events["credibility"].to_numpy("int64", na_value=99)[rows]
    # Within a tie, events in id order (Arrow sorts half a million ids quickly).
    id_rank = np.empty(len(events), dtype=np.int64)
    id_rank[pc.sort_indices(pa.array(events["event_id"])).to_numpy()] = np.arange(len(events))
    order = np.lexsort((id_rank[rows], credibility, status_code, source_code, b_code, a_code))
    rows = rows[order]
    tie_keys = [
        a_code[order],
        b_code[order],
        source_code[order],
        status_code[order],
        credibility[order],
    ]
    fresh = np.zeros(len(rows), bool)
    fresh[0] = True
    for key in tie_keys:
        fresh[1:] |= key[1:] != key[:-1]
    starts = np.flatnonzero(fresh)
    bounds = [*starts.tolist(), len(rows)]
    group = np.cumsum(fresh) - 1
    dates = column("date")
    earliest = _extreme(group, len(starts), events["date_start"].to_numpy()[rows], dates, "first")
    latest = _extreme(group, len(starts), events["date_end"].to_numpy()[rows], dates, "last")
    ids = column("event_id")
    locators = column("locator")
    counts = np.diff(bounds)
    # One event's locator as written; several as one list of ranges (only
    # those listed: most ties rest on one event).
    tie_locators = locators[starts]
    several = counts > 1
    if several.any():
        kept_rows = several[group]
        tie_locators[several] = locator_lists(
            locators[kept_rows], np.cumsum(counts[several]) - counts[several]
        )
    # Keys, locators and notes put together column by column (object arrays
    # add their strings in C), not tie by tie: a quarter of a million ties.
    a_ids, b_ids = actors[tie_keys[0][starts]], actors[tie_keys[1][starts]]
    a_ids, b_ids = np.asarray(a_ids, dtype=object), np.asarray(b_ids, dtype=object)
    source_ids = np.asarray(sources[tie_keys[2][starts]], dtype=object)
    status_found = np.asarray(statuses_found[tie_keys[3][starts]], dtype=object)
    grades = tie_keys[4][starts]
    keys = "co:" + a_ids + ":" + b_ids + ":" + source_ids + ":" + status_found + ":"
    keys = keys + grades.astype(str).astype(object)
    last = len(ids) - 1
    shown = ids[starts].copy()
    for more in (1, 2):  # the first three events' ids, "…" after them if there are more
        shown[counts > more] += ", " + ids[np.minimum(starts + more, last)][counts > more]
    shown[counts > 3] += " …"
    said = np.array([f"{count:,}" for count in counts.tolist()], dtype=object)
    notes = "derived: named together in " + said + np.where(counts != 1, " events (", " event (")
    notes = notes + shown + ")"
    ties = [
        (
            a,
            b,
            key,
            {
                "relationship_id": key,
                "kind": "co-occurrence",
                "sign": "neutral",
                "structural": False,
                "directed": False,
                "start": first_date,
                "end": last_date,
                "status": status,
                "credibility": credibility,
                "source_id": source_id,
                "locator": locator,
                "note": note,
                "derived": True,
                "events": count,
            },
        )
        for a, b, key, first_date, last_date, status, credibility, source_id, locator, note, count in zip(
            a_ids.tolist(),
            b_ids.tolist(),
            keys.tolist(),
            earliest.tolist(),
            latest.tolist(),
            status_found.tolist(),
            grades.tolist(),
            source_ids.tolist(),
            tie_locators.tolist(),
            notes.tolist(),
            counts.tolist(),
            strict=True,
        )
    ]
    behind = pd.DataFrame(
        {
            "relationship_id": np.repeat(keys, np.diff(bounds)),
            "source_id": sources[tie_keys[2]],
            "locator": locators,
        },
        dtype=object,  # the strings the ties hold already, not copies of them
    )
    return ties, behind


def _extreme(group: np.ndarray, groups: int, days: np.ndarray, dates: np.ndarray, keep: str):
    """Per group, the date as written of its earliest start (``first``) or latest end (``last``).

    Rows come grouped (``group`` ascending, as the ties' rows are); ``days``
    are their datetime64 bounds (NaT where undated), ``dates`` the dates as
    written; ``""`` for a group with no dated event. Ties go to the first
    row (``first``) or the last (``last``) of the group.
    """
    out = np.full(groups, "", dtype=object)
    dated = ~np.isnat(days)
    if not dated.any():
        return out
    # Each group's extreme by one reduction over its run of rows, not a sort.
    first = keep == "first"
    limits = np.iinfo(np.int64)
    fill = limits.max if first else limits.min  # an undated row never wins
    value = np.where(dated, days.astype(np.int64), fill)
    bounds = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    reduce = np.minimum.reduceat if first else np.maximum.reduceat
    extreme = np.full(groups, fill)
    extreme[group[bounds]] = reduce(value, bounds)
    hits = np.flatnonzero(dated & (value == extreme[group]))
    if first:
        _, at = np.unique(group[hits], return_index=True)
    else:
        _, at = np.unique(group[hits][::-1], return_index=True)
        at = len(hits) - 1 - at
    chosen = hits[at]
    out[group[chosen]] = [d if d is not None else "" for d in dates[chosen]]
    return out
