"""Who sits between whom: actor metrics, the ties they count, key actors, betweenness caveat."""

from __future__ import annotations

from collections.abc import Iterable
from operator import itemgetter, methodcaller

import networkx as nx
import numpy as np
import pandas as pd

from .._gc import paused
from ..edges import add_keyed_edges, edge_list
from ..metrics import (
    BETWEENNESS_SAMPLE,
    BETWEENNESS_WORK,
    EXACT_BETWEENNESS,
    graph_metrics,
    is_structural,
)


def actor_metrics(graph: nx.MultiDiGraph, *, structural: bool = False) -> pd.DataFrame:
    """Return one row per actor: ties by sign, betweenness and community.

    ``degree`` counts relationships (parallel ones each count).
    ``betweenness`` is the normalised share of shortest paths between other
    actors that pass through this one, on the undirected graph of who is tied
    to whom — brokers and mediators stand out. It is exact up to
    :data:`EXACT_BETWEENNESS` actors and :data:`BETWEENNESS_WORK` (actors
    times pairs tied), computed in igraph's C core (the same figure networkx
    gives, in a fraction of the time); past that it is estimated from a
    seeded sample of actors, :data:`BETWEENNESS_SAMPLE` or as many as the
    work allows (``frame.attrs["betweenness_sample"]`` says how many). ``community`` numbers
    Leiden communities (modularity, seeded) from 1, largest first. Rows are
    sorted by betweenness, then degree, then id, so equal input gives equal
    output. See :func:`sahel_nb.metrics.graph_metrics`.

    Structural ties (membership, succession, kinship: :func:`is_structural`)
    are counted in ``structural`` only, not as cooperation nor in degree,
    betweenness or communities: a group's members do not make it a broker.
    ``structural=True`` brings them back (``frame.attrs["structural"]``
    says which).

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> metrics = actor_metrics(build_graph(load_dataset()))
    >>> int(metrics.loc["aqim", "hostile"])
    3
    >>> metrics.attrs["structural"]
    False
    """
    metrics = graph_metrics(
        graph,
        structural=structural,
        exact_up_to=EXACT_BETWEENNESS,
        sample=BETWEENNESS_SAMPLE,
        work=BETWEENNESS_WORK,
    )
    # Catch-alls ("Unknown", "Protesters (Mali)") are no one in particular:
    # listed for the broker sentence to pass over, not as a column of the table.
    metrics.attrs["unnamed"] = sorted(n for n, unnamed in graph.nodes(data="unnamed") if unnamed)
    metrics.attrs["structural"] = structural
    return metrics


@paused()
def counted_ties(graph: nx.MultiDiGraph, *, structural: bool = False) -> nx.MultiDiGraph:
    """The ties :func:`actor_metrics` counts: ``graph`` without its structural ties, unless asked.

    Every actor stays. Give it to sentences about the broker figures so they
    speak of the ties the figures rest on.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> graph = build_graph(load_dataset())
    >>> counted = counted_ties(graph)
    >>> counted.number_of_nodes() == graph.number_of_nodes() > 0
    True
    >>> any(is_structural(d) for *_, d in counted.edges(keys=True, data=True))
    False
    """
    if structural:
        return graph
    kept = nx.MultiDiGraph(**graph.graph)
    kept.add_nodes_from(graph.nodes(data=True))
    edges = edge_list(graph)
    flags = map(methodcaller("get", "structural"), map(itemgetter(3), edges))
    edges = [
        e
        for e, flag in zip(edges, flags, strict=True)
        if not (bool(flag) if flag is not None else is_structural(e[3]))
    ]
    # In key order; keys are text in build_graph's graphs, compared as they are.
    keys = list(map(itemgetter(2), edges))
    edges.sort(key=itemgetter(2) if all(type(k) is str for k in keys) else lambda e: str(e[2]))
    add_keyed_edges(kept, [(u, v, k, dict(d)) for u, v, k, d in edges])
    return kept


def key_actors(metrics: pd.DataFrame, top: int = 12, chosen: Iterable[str] = ()) -> pd.DataFrame:
    """The ``top`` actors a report should show first, from :func:`actor_metrics`, each with why.

    The actors the analyst ``chosen`` (an assessment's ``key_actors``) come
    first, in the analyst's order, said as theirs; the rest of the ``top``
    rank by the better of two places, among the most tied (degree) and
    among those most often between others (betweenness), the other place
    breaking ties, then its id. Catch-alls (unnamed actors) are left out
    unless the analyst names one: "Unknown" is no one to watch. ``why`` says
    the figures in words, e.g. ``"14 ties (2nd); between others on 56% of
    shortest paths (1st)"``; a chosen actor without ties in this graph is
    listed with no figures.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> metrics = actor_metrics(build_graph(load_dataset()))
    >>> top = key_actors(metrics)
    >>> len(top) <= 12, top.index[0]
    (True, 'aqim')
    >>> key_actors(metrics, 3, chosen=["mali-gov"]).loc["mali-gov", "why"].split(";")[0]
    'chosen by the analyst'
    """
    chosen = list(dict.fromkeys(chosen))
    unnamed = set(metrics.attrs.get("unnamed", ()))
    named = metrics[~metrics.index.isin(list(unnamed))]
    by_degree = named["degree"].rank(method="min", ascending=False).astype(int)
    by_between = named["betweenness"].rank(method="min", ascending=False).astype(int)
    order = pd.DataFrame(
        {
            "best": np.minimum(by_degree, by_between),
            "other": np.maximum(by_degree, by_between),
            "id": named.index,
        },
        index=named.index,
    ).sort_values(["best", "other", "id"])
    ranked = [a for a in order.index if a not in chosen]
    picked = chosen + ranked[: max(top - len(chosen), 0)]
    out = metrics.reindex(picked)

    def why(actor: str) -> str:
        if actor not in named.index:
            return "" if actor in metrics.index else "no ties in this view"
        row = named.loc[actor]
        ties = int(row["degree"])
        said = f"{ties} tie{'' if ties == 1 else 's'} ({_ordinal(by_degree[actor])})"
        if row["betweenness"] > 0:
            share = "under 1%" if row["betweenness"] < 0.005 else f"{row['betweenness']:.0%}"
            said += f"; between others on {share} of shortest paths ({_ordinal(by_between[actor])})"
        return said

    out["why"] = [
        "; ".join(p for p in ("chosen by the analyst" if a in chosen else "", why(a)) if p)
        for a in picked
    ]
    return out


def key_actor_graph(graph: nx.MultiDiGraph, keys: pd.DataFrame) -> nx.MultiDiGraph:
    """The key actors of :func:`key_actors` and the ties among them, each actor annotated with why.

    The picture a report shows first: a dozen actors, room for every name.
    Each actor's ``why`` (chosen by the analyst, its ties and its share of
    shortest paths, in the whole graph) joins its hover text; the drawing
    places their names before any other's (``graph.graph["key_actors"]``).

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> graph = build_graph(load_dataset())
    >>> keys = key_actors(actor_metrics(graph), 5)
    >>> sorted(key_actor_graph(graph, keys)) == sorted(keys.index)
    True
    """
    ids = [a for a in keys.index if a in graph]
    kept = graph.subgraph(ids).copy()
    kept.graph["key_actors"] = tuple(ids)
    for actor in ids:
        kept.nodes[actor]["why"] = str(keys.loc[actor, "why"])
    return kept


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def betweenness_caveat(graph: nx.MultiDiGraph) -> str:
    """One sentence on what betweenness can and cannot mean on a graph this size.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> print(betweenness_caveat(build_graph(load_dataset())))  # doctest: +ELLIPSIS
    Betweenness here counts shortest paths among the ... actors and ... ties that ... sources happen to report: it says who sits between others in this record, not who brokers in the world, and one tie added or missing can reorder it.
    """
    edges = edge_list(graph)
    data = list(map(itemgetter(3), edges))
    # Column by column through C-level maps: a quarter of a million ties.
    sources = set(map(methodcaller("get", "source_id"), data)) - {None, ""}
    for cited in filter(None, map(methodcaller("get", "cited"), data)):
        sources |= {c.partition(" ")[0] for c in cited.split("; ")}
    return (
        f"Betweenness here counts shortest paths among the {graph.number_of_nodes():,} actors "
        f"and {len(edges):,} ties that {len(sources):,} source{'' if len(sources) == 1 else 's'} "
        "happen to report: it says who sits between others in this record, not who brokers in "
        "the world, and one tie added or missing can reorder it."
    )
