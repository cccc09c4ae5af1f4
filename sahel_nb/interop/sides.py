"""Each imported event's actor1, actor2 and associated actors, from its rows' names, on integer codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..arrowtext import as_str

__all__ = ["ResolvedIds", "event_sides"]

_TEXT = pa.large_string()


def _arrow(values) -> pa.Array:
    array = pa.array(values, type=_TEXT, from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


class ResolvedIds:
    """Names resolved to actor ids, as small integers: -1 for no name (or none resolved).

    Half a million names are looked up in Arrow and compared as numbers; a
    pandas ``map`` of the names hashed each one as a Python string.

    Examples
    --------
    >>> ids = ResolvedIds({"AQIM": "aqim", "Al Qaeda in the Maghreb": "aqim", "MNLA": "mnla"})
    >>> ids.codes(pd.Series(["MNLA", "", "Al Qaeda in the Maghreb", "AQIM"])).tolist()
    [1, -1, 0, 0]
    >>> ids.text(np.array([1, -1]), pd.RangeIndex(2)).tolist()
    ['mnla', nan]
    """

    def __init__(self, resolved: dict[str, str]):
        self._names = pa.array(list(resolved), type=_TEXT)
        codes, distinct = pd.factorize(pd.Series(list(resolved.values()), dtype=object))
        # The last place answers "not found" (-1), so a lookup needs no test.
        self._of_name = np.append(codes, -1).astype(np.int64)
        self._ids = pa.array(list(distinct), type=_TEXT)

    @property
    def count(self) -> int:
        """How many distinct ids the names resolve to."""
        return len(self._ids)

    def codes(self, names) -> np.ndarray:
        """Each name's id as its code; -1 where the name is empty or was not resolved."""
        at = pc.index_in(_arrow(names), value_set=self._names)
        return self._of_name[pc.fill_null(at, -1).to_numpy(zero_copy_only=False)]

    def ids(self, codes: np.ndarray) -> pa.Array:
        """The ids of ``codes`` as Arrow text, null for -1."""
        return pc.take(self._ids, pa.array(codes, mask=codes < 0, type=pa.int64()))

    def text(self, codes: np.ndarray, index: pd.Index) -> pd.Series:
        """The ids of ``codes`` as pandas' ``str`` on ``index``, missing for -1."""
        return pd.Series(as_str(self.ids(codes)), index=index, copy=False)


def event_sides(
    index: pd.Index,
    first: tuple[pd.Series, pd.Series],
    mentions: list[tuple[pd.Series, np.ndarray, np.ndarray]],
    ids: ResolvedIds,
    merged: bool,
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each event's actor1, actor2 and associated actors (joined with ``|``).

    ``index`` holds the events (their first rows); ``first`` the names of
    those rows' actor1 and actor2; ``mentions`` every name the events' rows
    give, as (names, each name's event by position in ``index``, each name's
    order, whether the names are a row's own actor rather than an associated
    one), in the order they are written. A later row's own actor (``merged``:
    one row per actor) is the event's actor2 where its first row names none:
    an actor associated with the first row is on actor1's side, never its
    opponent. Every other actor named and not one of the two sides is an
    associated actor, first mention first, each once.

    Examples
    --------
    >>> ids = ResolvedIds({"AQIM": "aqim", "MNLA": "mnla", "Civilians": "civilians"})
    >>> first = (pd.Series(["AQIM"]), pd.Series([""]))
    >>> names = pd.Series(["AQIM", "MNLA", "Civilians"])  # row 1: AQIM with MNLA; row 2
    >>> own = np.array([True, False, True])
    >>> mentions = [(names[own], np.zeros(2, int), np.array([0, 8]), True),
    ...             (names[~own], np.zeros(1, int), np.array([1]), False)]
    >>> sides = event_sides(pd.RangeIndex(1), first, mentions, ids, merged=True)
    >>> [side.tolist() for side in sides]
    [['aqim'], ['civilians'], ['mnla']]
    """
    actor1, actor2 = ids.codes(first[0]), ids.codes(first[1])
    if mentions:
        code = np.concatenate([ids.codes(names) for names, _, _, _ in mentions])
        owner = np.concatenate([np.asarray(at, dtype=np.int64) for _, at, _, _ in mentions])
        order = np.concatenate([np.asarray(rank, dtype=np.int64) for _, _, rank, _ in mentions])
        own = np.concatenate([np.full(len(names), side) for names, _, _, side in mentions])
    else:
        code = owner = order = np.zeros(0, dtype=np.int64)
        own = np.zeros(0, dtype=bool)
    named = code >= 0
    code, owner, order, own = code[named], owner[named], order[named], own[named]
    ranked = np.argsort(order, kind="stable")
    code, owner, own = code[ranked], owner[ranked], own[ranked]
    if merged:
        # A later row's own actor is the event's actor2 where its first row named none.
        candidate = np.flatnonzero(own & (code != actor1[owner]) & (actor2[owner] < 0))
        _, firsts = np.unique(owner[candidate], return_index=True)
        actor2[owner[candidate[firsts]]] = code[candidate[firsts]]
    beside = (code != actor1[owner]) & (code != actor2[owner])
    code, owner = code[beside], owner[beside]
    # Each (event, actor) once, where first named; then grouped by event, in that order.
    # Found by hashing the pairs (sorting a million of them took 0.05 s).
    once = np.flatnonzero(~pd.Series(owner * max(ids.count, 1) + code).duplicated().to_numpy())
    code, owner = code[once], owner[once]
    grouped = np.argsort(owner, kind="stable")
    offsets = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=len(index)))])
    lists = pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), ids.ids(code[grouped]))
    associated = pd.Series(
        as_str(pc.binary_join(lists, pa.scalar("|", _TEXT))), index=index, copy=False
    )
    return ids.text(actor1, index), ids.text(actor2, index), associated
