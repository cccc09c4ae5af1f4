"""Every edge of a networkx graph in one list, read straight from its adjacency; keyed edges added the same way."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from ._gc import paused

__all__ = ["add_keyed_edges", "edge_list"]


#: Where a graph keeps its edge list, in the cache networkx empties on every change.
_CACHED = "sahel_nb.edge_list"


@paused()  # a quarter of a million new tuples, no cycle among them
def edge_list(graph: nx.Graph) -> list[tuple]:
    """Return ``(u, v, key, data)`` for every edge, in ``graph.edges`` order.

    ``key`` is None in a graph that is not a multigraph; ``data`` is the
    edge's own attribute dict, not a copy. A directed graph is read from
    ``graph.adjacency()``, which holds each edge once as plain dicts: one
    pass over a quarter of a million ties costs a fifth of what networkx's
    edge view does.

    A notebook asks for a graph's edges a dozen times: the list is read once
    and kept in the graph's ``__networkx_cache__``, which networkx empties
    whenever a node or an edge is added or removed (so does
    :func:`add_keyed_edges`); each call returns a new list of the same
    tuples. Attributes changed in place show, as the dicts are the graph's
    own. Views and other frozen graphs (whose underlying graph may change)
    are read every time.

    Examples
    --------
    >>> graph = nx.MultiDiGraph()
    >>> _ = graph.add_edge("a", "b", key="r1", sign="hostile")
    >>> edge_list(graph)
    [('a', 'b', 'r1', {'sign': 'hostile'})]
    >>> _ = graph.add_edge("b", "a", key="r2", sign="neutral")
    >>> [key for _, _, key, _ in edge_list(graph)]
    ['r1', 'r2']
    """
    cache = getattr(graph, "__networkx_cache__", None)
    if not isinstance(cache, dict) or nx.is_frozen(graph):
        return _read(graph)
    edges = cache.get(_CACHED)
    if edges is None:
        edges = cache[_CACHED] = _read(graph)
    return list(edges)


def _read(graph: nx.Graph) -> list[tuple]:
    if not graph.is_directed():  # the adjacency holds each edge twice: the view sorts that out
        if graph.is_multigraph():
            return list(graph.edges(keys=True, data=True))
        return [(u, v, None, d) for u, v, d in graph.edges(data=True)]
    if graph.is_multigraph():
        return [
            (u, v, k, d)
            for u, nbrs in graph.adjacency()
            for v, keyed in nbrs.items()
            for k, d in keyed.items()
        ]
    return [(u, v, None, d) for u, nbrs in graph.adjacency() for v, d in nbrs.items()]


def add_keyed_edges(graph: nx.MultiDiGraph, edges: Iterable[tuple]) -> None:
    """Add ``(u, v, key, data)`` edges to ``graph``, each ``data`` dict kept as the edge's own.

    What ``graph.add_edges_from(edges)`` does, but each tie's dict is stored
    as it is, not copied twice, and written straight into the adjacency of
    a plain ``MultiDiGraph`` (whose dicts are plain dicts): a quarter of a
    million ties in a fifth of the time. An edge whose key is None or whose
    ends are not nodes yet, and any other kind of graph, go through networkx.
    The caller must not reuse the dicts.

    Examples
    --------
    >>> graph = nx.MultiDiGraph()
    >>> graph.add_nodes_from(["a", "b"])
    >>> add_keyed_edges(graph, [("a", "b", "r1", {"sign": "hostile"})])
    >>> list(graph.in_edges("b", keys=True, data=True))
    [('a', 'b', 'r1', {'sign': 'hostile'})]
    """
    if type(graph) is not nx.MultiDiGraph:
        graph.add_edges_from(edges)
        return
    succ, pred, nodes = graph._succ, graph._pred, graph._node
    for u, v, key, data in edges:
        if key is None or u not in nodes or v not in nodes:
            graph.add_edge(u, v, key, **data)
            continue
        keyed = succ[u].get(v)
        if keyed is None:  # one dict of keys, shared by both directions, as networkx keeps it
            keyed = succ[u][v] = pred[v][u] = {}
        if key in keyed:
            keyed[key].update(data)
        else:
            keyed[key] = data
    # What networkx does after any change: graphs it converted for backends are stale.
    cache = getattr(graph, "__networkx_cache__", None)
    if cache:
        cache.clear()
