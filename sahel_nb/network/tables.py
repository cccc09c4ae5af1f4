"""The ties of a graph as tables: every source and locator for a caption, one row per tie."""

from __future__ import annotations

from operator import itemgetter, methodcaller

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._gc import paused
from ..arrowtext import as_str
from ..edges import edge_list
from .hover import _period


@paused()
def edge_sources(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """The source and locator of every relationship drawn, for a figure's caption.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> edge_sources(build_graph(load_dataset(), end="2003")).columns.tolist()
    ['source_id', 'locator']
    """
    rows = []
    behind = graph.graph.get("derived_locators")
    derived = []
    for _, _, key, data in edge_list(graph):
        if data.get("derived") and behind is not None:
            derived.append(key)
        elif data.get("derived") or not data.get("cited"):
            rows.append((data["source_id"], data["locator"]))
        else:
            # Every report of the tie, not only the one that speaks for it.
            for cite in data["cited"].split("; "):
                source_id, _, locator = cite.partition(" ")
                rows.append((source_id, locator))
    found = pd.DataFrame(rows, columns=["source_id", "locator"], dtype=object)
    if not derived:
        return found
    # A derived tie's own locator stops after a dozen rows: cite every event behind it.
    # A window or an ego graph draws some ties only. The events of a tie come
    # together (build_graph), so counting runs of ids counts the ties at most
    # as often as they appear: hashing half a million ids took a third of this.
    ids = behind["relationship_id"].to_numpy()
    runs = 1 + int(np.count_nonzero(ids[1:] != ids[:-1])) if len(ids) else 0
    if len(derived) < runs:
        behind = behind[behind["relationship_id"].isin(derived)]
    return pd.concat([found, behind[["source_id", "locator"]]], ignore_index=True)


@paused()
def edge_table(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Return the relationships in ``graph`` with their sources, one row each, by id.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> edge_table(build_graph(load_dataset())).columns[:3].tolist()
    ['relationship_id', 'actor_a', 'actor_b']
    """
    names = dict(graph.nodes(data="name"))
    edges = edge_list(graph)
    data = list(map(itemgetter(3), edges))

    # Column by column through C-level maps: a quarter of a million ties.
    def column(name: str) -> list:
        return list(map(itemgetter(name), data))

    def optional(name: str, default=None) -> list:
        return list(map(methodcaller("get", name, default), data))

    starts, ends = column("start"), column("end")
    worded = {pair: _period(*pair) for pair in dict.fromkeys(zip(starts, ends, strict=True))}
    source = [
        cited or f"{d['source_id']} {d['locator']}"
        for cited, d in zip(optional("cited"), data, strict=True)
    ]
    table = pd.DataFrame(
        {
            "relationship_id": _text(list(map(itemgetter(2), edges))),
            "actor_a": _text(list(map(names.__getitem__, map(itemgetter(0), edges)))),
            "actor_b": _text(list(map(names.__getitem__, map(itemgetter(1), edges)))),
            "kind": _text(column("kind")),
            "period": _text(list(map(worded.__getitem__, zip(starts, ends, strict=True)))),
            "events": optional("events"),
            "status": _text(column("status")),
            "credibility": column("credibility"),
            "reports": optional("reports", 1),
            "origins": optional("origins", 1),
            "agreement": _text(optional("agreement", "single source")),
            "source": _text(source),
            "_derived": np.fromiter(map(bool, optional("derived", False)), bool, len(data)),
        },
        columns=[
            "relationship_id", "actor_a", "actor_b", "kind", "period", "events", "status",
            "credibility", "reports", "origins", "agreement", "source", "_derived",
        ],
    )  # fmt: skip
    table["events"] = table["events"].astype("Int64")
    # Curated ties first, then derived ties of most events: the rows a reader needs first.
    by = ["_derived", "events", "relationship_id"]
    try:  # Arrow's sort: a third of pandas' time on a quarter of a million ties
        keys = pa.table({name: pa.array(table[name]) for name in by})
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # ids of mixed types: pandas compares them
        return _finished(table.sort_values(by, ascending=[True, False, True], ignore_index=True))
    order = pc.sort_indices(
        keys, sort_keys=[(by[0], "ascending"), (by[1], "descending"), (by[2], "ascending")]
    )
    return _finished(table.take(order.to_numpy()).reset_index(drop=True))


def _finished(table: pd.DataFrame) -> pd.DataFrame:
    if not table["_derived"].any():
        table = table.drop(columns="events")
    return table.drop(columns="_derived")


def _text(values: list):
    """Python strings as a ``str`` column, built by Arrow (pandas' own conversion is several times slower); anything else as it is."""
    if set(map(type, values)) <= {str}:
        return as_str(pa.array(values, type=pa.large_string()))
    return values
