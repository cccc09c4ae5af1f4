"""The ties of a graph as tables: every source and locator for a caption, one row per tie."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from .._gc import paused
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
    if len(derived) < behind["relationship_id"].nunique():  # a window or ego graph: some ties
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
    # One pass over the ties' dicts, then column by column: a quarter of a
    # million ties as dicts, or a pass per column, would cost seconds.
    rows = [
        (
            key,
            names[u],
            names[v],
            d["kind"],
            d["start"],
            d["end"],
            d.get("events"),
            d["status"],
            d["credibility"],
            d.get("reports", 1),
            d.get("origins", 1),
            d.get("agreement", "single source"),
            d.get("cited") or f"{d['source_id']} {d['locator']}",
            bool(d.get("derived", False)),
        )
        for u, v, key, d in edges
    ]
    (ids, actor_a, actor_b, kinds, starts, ends, events, status, credibility, reports, origins,
     agreement, source, derived) = zip(*rows, strict=True) if rows else ([],) * 14  # fmt: skip
    periods: dict[tuple, str] = {}  # each period worded once
    period = [
        periods.get(pair) or periods.setdefault(pair, _period(*pair))
        for pair in zip(starts, ends, strict=True)
    ]
    table = pd.DataFrame(
        {
            "relationship_id": ids,
            "actor_a": actor_a,
            "actor_b": actor_b,
            "kind": kinds,
            "period": period,
            "events": events,
            "status": status,
            "credibility": credibility,
            "reports": reports,
            "origins": origins,
            "agreement": agreement,
            "source": source,
            "_derived": derived,
        },
        columns=[
            "relationship_id", "actor_a", "actor_b", "kind", "period", "events", "status",
            "credibility", "reports", "origins", "agreement", "source", "_derived",
        ],
    )  # fmt: skip
    table["events"] = table["events"].astype("Int64")
    # Curated ties first, then derived ties of most events: the rows a reader needs first.
    table = table.sort_values(
        ["_derived", "events", "relationship_id"], ascending=[True, False, True], ignore_index=True
    )
    if not table["_derived"].any():
        table = table.drop(columns="events")
    return table.drop(columns="_derived")
