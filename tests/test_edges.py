"""sahel_nb.edges: the edge list is networkx's edge view, for every kind of graph."""

import networkx as nx
import pytest

from sahel_nb.edges import edge_list


@pytest.mark.parametrize("kind", [nx.Graph, nx.DiGraph, nx.MultiGraph, nx.MultiDiGraph])
def test_the_list_is_the_edge_view_in_its_order(kind):
    graph = kind()
    graph.add_nodes_from(["c", "a", "b"])  # insertion order, not sorted, is the order
    for number, (u, v) in enumerate([("c", "a"), ("a", "b"), ("b", "a"), ("c", "a"), ("a", "a")]):
        graph.add_edge(u, v, n=number)
    if graph.is_multigraph():
        expected = list(graph.edges(keys=True, data=True))
    else:
        expected = [(u, v, None, d) for u, v, d in graph.edges(data=True)]
    found = edge_list(graph)
    assert found == expected
    # The graph's own attribute dicts, so a caller reads what is there now.
    assert all(d is graph.get_edge_data(u, v, **({"key": k} if k is not None else {}))
               for u, v, k, d in found)  # fmt: skip


def test_an_empty_graph_has_no_edges():
    assert edge_list(nx.MultiDiGraph()) == []
