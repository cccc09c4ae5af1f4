"""sahel_nb.edges: the edge list is networkx's edge view, for every kind of graph."""

import networkx as nx
import pytest

from sahel_nb.edges import add_keyed_edges, edge_list


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


def _ties():
    return [
        ("a", "b", "r1", {"sign": "hostile"}),
        ("b", "a", "r2", {"sign": "neutral"}),
        ("a", "b", "r3", {"sign": "cooperative"}),
        ("c", "c", "r4", {"sign": "neutral"}),  # a tie to oneself
        ("a", "b", "r1", {"kind": "rivalry"}),  # a key again: its data updated
        ("a", "d", "r5", {"sign": "neutral"}),  # "d" is no node yet
        ("b", "c", None, {"sign": "neutral"}),  # networkx picks the key
    ]


def test_keyed_edges_are_added_as_networkx_adds_them():
    ours, theirs = nx.MultiDiGraph(), nx.MultiDiGraph()
    for graph in (ours, theirs):
        graph.add_nodes_from("abc")
    add_keyed_edges(ours, _ties())
    theirs.add_edges_from(_ties())
    assert nx.utils.graphs_equal(ours, theirs)
    for view in ("edges", "in_edges", "out_edges"):
        assert list(getattr(ours, view)(keys=True, data=True)) == list(
            getattr(theirs, view)(keys=True, data=True)
        )
    assert dict(ours.pred["b"]) == dict(theirs.pred["b"]) and list(ours.predecessors("c")) == [
        "c",
        "b",
    ]
    ours.remove_edge("a", "b", "r1")  # networkx's own changes still work on what was added
    assert not ours.has_edge("a", "b", "r1") and ours.has_edge("a", "b", "r3")


def test_keyed_edges_keep_each_dict_and_other_graphs_go_through_networkx():
    graph = nx.MultiDiGraph()
    graph.add_nodes_from("ab")
    data = {"sign": "hostile"}
    add_keyed_edges(graph, [("a", "b", "r1", data)])
    assert graph.edges["a", "b", "r1"] is data
    other = nx.MultiGraph()
    add_keyed_edges(other, [("a", "b", "r1", {"sign": "hostile"})])
    assert list(other.edges(keys=True, data=True)) == [("a", "b", "r1", {"sign": "hostile"})]


CHANGES = {
    "add_edge": lambda g: g.add_edge("c", "d"),
    "add_edges_from": lambda g: g.add_edges_from([("d", "a"), ("b", "b")]),
    "remove_edge": lambda g: g.remove_edge("a", "b"),
    "remove_edges_from": lambda g: g.remove_edges_from([("c", "a")]),
    "remove_node": lambda g: g.remove_node("a"),
    "remove_nodes_from": lambda g: g.remove_nodes_from(["b"]),
    "clear_edges": lambda g: g.clear_edges(),
    "clear": lambda g: g.clear(),
    "update": lambda g: g.update(edges=[("x", "y")]),
    "relabel_in_place": lambda g: nx.relabel_nodes(g, {"a": "z"}, copy=False),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
@pytest.mark.parametrize("kind", [nx.Graph, nx.DiGraph, nx.MultiGraph, nx.MultiDiGraph])
def test_the_kept_list_follows_every_change_to_the_graph(kind, change):
    graph = kind()
    graph.add_edges_from([("c", "a"), ("a", "b"), ("b", "a"), ("a", "a")])
    first = edge_list(graph)
    assert edge_list(graph) == first and edge_list(graph) is not edge_list(graph)
    CHANGES[change](graph)
    expected = (
        list(graph.edges(keys=True, data=True))
        if graph.is_multigraph()
        else [(u, v, None, d) for u, v, d in graph.edges(data=True)]
    )
    assert edge_list(graph) == expected


def test_keyed_edges_added_and_attributes_changed_show_in_the_list():
    graph = nx.MultiDiGraph()
    graph.add_nodes_from("ab")
    add_keyed_edges(graph, [("a", "b", "r1", {"sign": "hostile"})])
    assert [k for _, _, k, _ in edge_list(graph)] == ["r1"]
    add_keyed_edges(graph, [("b", "a", "r2", {"sign": "neutral"})])
    assert [k for _, _, k, _ in edge_list(graph)] == ["r1", "r2"]
    graph.edges["a", "b", "r1"]["sign"] = "cooperative"
    assert edge_list(graph)[0][3]["sign"] == "cooperative"
    listed = edge_list(graph)
    listed.sort(key=lambda e: e[2], reverse=True)  # a caller's list is its own
    assert [k for _, _, k, _ in edge_list(graph)] == ["r1", "r2"]


def test_a_view_is_read_again_when_its_graph_changes():
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b", key="r1")
    view = graph.subgraph(["a", "b"])
    assert [k for _, _, k, _ in edge_list(view)] == ["r1"]
    graph.add_edge("b", "a", key="r2")
    assert [k for _, _, k, _ in edge_list(view)] == ["r1", "r2"]
