"""sahel_nb.metrics: igraph's metrics equal networkx's exact computation and are deterministic."""

import random
from pathlib import Path

import igraph
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sahel_nb import load_dataset, metrics
from sahel_nb.metrics import graph_metrics
from sahel_nb.network import build_graph

FIXTURE = Path(__file__).parent / "fixtures" / "network"
SIGNS = ["cooperative", "hostile", "neutral"]


def _random_graph(nodes: int, ties: int, seed: int) -> nx.MultiDiGraph:
    """Parallel ties, ties to oneself and isolated actors, ids that sort as text (a10 < a9)."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    ids = [f"a{i}" for i in range(nodes)]
    for actor in rng.sample(ids, len(ids)):  # insertion order must not matter
        graph.add_node(actor, name=f"Actor {actor}", actor_type=rng.choice(["state", "tribe"]))
    tied = ids[: nodes - max(2, nodes // 10)]  # the last tenth stay isolated
    for number in range(ties):
        u, v = rng.choice(tied), rng.choice(tied)
        if rng.random() < 0.02:
            v = u
        graph.add_edge(u, v, key=f"r{number}", sign=rng.choice(SIGNS))
        if rng.random() < 0.2:  # a second claim about the same pair
            graph.add_edge(v, u, key=f"r{number}b", sign=rng.choice(SIGNS))
    return graph


def _reference_simple(graph: nx.MultiDiGraph) -> nx.Graph:
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph))
    for u, v in graph.edges():
        if u != v:
            weight = simple.get_edge_data(u, v, {"weight": 0})["weight"]
            simple.add_edge(u, v, weight=weight + 1)
    return simple


def _structural(data: dict) -> bool:
    return data.get("kind") in (
        "kinship/marriage",
        "leadership/membership",
        "predecessor/successor",
    )


def _networkx_metrics(graph: nx.MultiDiGraph, structural: bool = False) -> pd.DataFrame:
    """The reference: what actor_metrics computed with networkx before igraph (exact).

    Unless ``structural``, on the graph without its structural ties, which
    are counted apart.
    """
    columns = ["name", "actor_type", "degree", "cooperative", "hostile", "neutral"]
    columns += ["structural", "betweenness", "community"]
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=columns).rename_axis("actor_id")
    apart = dict.fromkeys(graph, 0)
    if not structural:
        whole, graph = graph, graph.copy()
        for u, v, k, d in whole.edges(keys=True, data=True):
            if _structural(d):
                graph.remove_edge(u, v, k)
                apart[u] += 1
                if v != u:
                    apart[v] += 1
    counts = {node: dict.fromkeys(SIGNS, 0) for node in graph}
    for u, v, sign in graph.edges(data="sign"):
        counts[u][sign] += 1
        if v != u:
            counts[v][sign] += 1
    betweenness = nx.betweenness_centrality(_reference_simple(graph), normalized=True)
    rows = [
        {
            "actor_id": node,
            "name": graph.nodes[node]["name"],
            "actor_type": graph.nodes[node]["actor_type"],
            "degree": graph.degree(node),
            **counts[node],
            "structural": apart[node],
            "betweenness": round(betweenness[node], 4),
            "community": 0,
        }
        for node in sorted(graph)
    ]
    frame = pd.DataFrame(rows).set_index("actor_id")[columns].reset_index()
    frame = frame.sort_values(["betweenness", "degree", "actor_id"], ascending=[False, False, True])
    return frame.set_index("actor_id")


def _assert_numbering_rule(frame: pd.DataFrame) -> None:
    groups = frame.groupby("community").apply(
        lambda g: (len(g), min(g.index)), include_groups=False
    )
    assert groups.index.tolist() == list(range(1, len(groups) + 1))
    assert groups.tolist() == sorted(
        groups.tolist(), key=lambda size_first: (-size_first[0], size_first[1])
    )


GRAPHS = {
    "fixture": lambda: build_graph(load_dataset(FIXTURE)),
    "fixture-derived": lambda: build_graph(load_dataset(FIXTURE), derived=True),
    "curated": lambda: build_graph(load_dataset()),
    "random-30": lambda: _random_graph(30, 45, seed=1),
    "random-80": lambda: _random_graph(80, 200, seed=2),
    "random-200": lambda: _random_graph(200, 500, seed=3),
    "random-200-dense": lambda: _random_graph(200, 1500, seed=4),
}


@pytest.fixture(scope="module", params=sorted(GRAPHS))
def graph(request):
    return GRAPHS[request.param]()


@pytest.mark.parametrize("structural", [False, True])
def test_frame_equals_networkx_but_for_community_numbers(graph, structural):
    reference = _networkx_metrics(graph, structural)
    ours = graph_metrics(graph, structural=structural)
    pd.testing.assert_frame_equal(
        ours.drop(columns="community"), reference.drop(columns="community")
    )
    assert ours["community"].dtype == reference["community"].dtype
    assert ours.attrs == reference.attrs == {}


def test_betweenness_equals_networkx_to_1e_9(graph):
    simple = _reference_simple(graph)
    expected = nx.betweenness_centrality(simple, normalized=True)
    nodes = sorted(graph)
    index = {node: at for at, node in enumerate(nodes)}
    converted = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in simple.edges()])
    ours = metrics._betweenness(converted, None)
    assert max(abs(ours[index[node]] - expected[node]) for node in nodes) < 1e-9


def _converted(graph):
    simple = _reference_simple(graph)
    nodes = sorted(graph)
    index = {node: at for at, node in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in simple.edges()]
    return simple, nodes, igraph.Graph(n=len(nodes), edges=edges)


def test_halves_counted_in_a_forked_process_give_the_same_figures(monkeypatch):
    simple, nodes, converted = _converted(_random_graph(120, 400, seed=5))
    monkeypatch.setattr(metrics, "PARALLEL_WORK", 10**12)
    alone = metrics._betweenness(converted, None)
    tasks = []

    class Recorded(metrics.Forked):
        def __init__(self, *args):
            super().__init__(*args)
            tasks.append(self.forked)

    monkeypatch.setattr(metrics, "Forked", Recorded)
    monkeypatch.setattr(metrics, "PARALLEL_WORK", 0)
    forked = metrics._betweenness(converted, None)
    assert tasks == [True], "the second half never went to a child process"
    assert forked == alone  # bit for bit: the same halves, added the same way
    expected = nx.betweenness_centrality(simple, normalized=True)
    assert max(abs(forked[at] - expected[node]) for at, node in enumerate(nodes)) < 1e-9


def test_degree_and_signs_count_every_tie_when_structural_ties_are_asked_for(graph):
    frame = graph_metrics(graph, structural=True)
    assert (frame["structural"] == 0).all()
    for node in graph:
        signs = [s for _, _, s in graph.out_edges(node, data="sign")]
        signs += [s for u, _, s in graph.in_edges(node, data="sign") if u != node]
        assert frame.loc[node, SIGNS].tolist() == [signs.count(s) for s in SIGNS]
        assert frame.loc[node, "degree"] == graph.degree(node)


def test_structural_ties_count_apart_and_never_as_cooperation_by_default(graph):
    frame, every = graph_metrics(graph), graph_metrics(graph, structural=True)
    for node in graph:
        ties = [d for _, _, d in graph.out_edges(node, data=True)]
        ties += [d for u, _, d in graph.in_edges(node, data=True) if u != node]
        apart = [d for d in ties if _structural(d)]
        assert frame.loc[node, "structural"] == len(apart)
        cooperative = sum(d["sign"] == "cooperative" for d in ties if not _structural(d))
        assert frame.loc[node, "cooperative"] == cooperative
        assert frame.loc[node, "degree"] <= every.loc[node, "degree"]
    # Betweenness without them equals betweenness of the graph they are removed from.
    firm = graph.copy()
    firm.remove_edges_from(
        [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if _structural(d)]
    )
    assert (
        frame["betweenness"]
        .sort_index()
        .equals(graph_metrics(firm, structural=True)["betweenness"].sort_index())
    )
    assert metrics.betweenness(graph).sort_index().equals(frame["betweenness"].sort_index())


def test_communities_are_deterministic_and_numbered_largest_first(graph):
    first, second = graph_metrics(graph), graph_metrics(graph)
    assert first.equals(second) and first.to_csv() == second.to_csv()
    _assert_numbering_rule(first)
    # Every community is a set of actors tied together (Leiden's guarantee).
    simple = _reference_simple(graph)
    for _, members in first.groupby("community"):
        assert nx.is_connected(simple.subgraph(members.index))


def test_the_same_graph_built_in_another_order_gives_the_same_frame():
    graph = _random_graph(120, 300, seed=5)
    shuffled = nx.MultiDiGraph()
    rng = random.Random(9)
    shuffled.add_nodes_from(rng.sample(list(graph.nodes(data=True)), graph.number_of_nodes()))
    shuffled.add_edges_from(rng.sample(list(graph.edges(keys=True, data=True)), graph.size()))
    assert graph_metrics(graph).equals(graph_metrics(shuffled))


def test_tiny_and_empty_graphs():
    assert graph_metrics(nx.MultiDiGraph()).empty
    assert graph_metrics(nx.MultiDiGraph()).index.name == "actor_id"
    for size in (1, 2, 3):
        graph = nx.MultiDiGraph()
        for i in range(size):
            graph.add_node(f"n{i}", name=f"N{i}", actor_type="state")
        if size > 1:
            graph.add_edge("n0", "n1", key="r", sign="hostile")
        pd.testing.assert_frame_equal(
            graph_metrics(graph).drop(columns="community"),
            _networkx_metrics(graph).drop(columns="community"),
        )


def _networkx_estimate(graph: nx.MultiDiGraph, k: int) -> dict[str, float]:
    """networkx's k-sample betweenness from the sources graph_metrics draws (numpy, seeded 0)."""
    nodes = sorted(graph)
    sources = np.random.default_rng(0).choice(len(nodes), size=k, replace=False)

    class SameSources(random.Random):
        def sample(self, population, k):
            return [nodes[int(s)] for s in sources]

    expected = nx.betweenness_centrality(_reference_simple(graph), k=k, seed=SameSources())
    return {n: round(expected[n], 4) for n in nodes}


def test_past_the_threshold_betweenness_is_a_seeded_estimate_scaled_like_networkx(monkeypatch):
    graph = _random_graph(150, 400, seed=6)
    monkeypatch.setattr(metrics, "EXACT_BETWEENNESS", 100)
    monkeypatch.setattr(metrics, "BETWEENNESS_SAMPLE", 20)
    first, second = graph_metrics(graph), graph_metrics(graph)
    assert first.equals(second)
    assert first.attrs["betweenness_sample"] == (20, 150)
    assert graph_metrics(graph, exact_up_to=150).attrs == {}
    # networkx's own k-sample estimate from the same 20 sources gives the same figures.
    assert first["betweenness"].to_dict() == _networkx_estimate(graph, 20)


def test_past_the_work_budget_betweenness_is_estimated_from_as_many_sources_as_it_allows():
    graph = _random_graph(150, 400, seed=6)
    pairs = _reference_simple(graph).number_of_edges()
    budget = 40 * pairs  # the work of forty sources
    first = graph_metrics(graph, work=budget, sample=20)
    assert first.attrs["betweenness_sample"] == (40, 150)
    assert first.equals(graph_metrics(graph, work=budget, sample=20))  # seeded
    # Never fewer than the sample, and exact once the budget covers every actor.
    assert graph_metrics(graph, work=budget, sample=60).attrs["betweenness_sample"] == (60, 150)
    assert graph_metrics(graph, work=150 * pairs).attrs == {}
    # The same figures as networkx's k-sample estimate from the same 40 sources.
    assert first["betweenness"].to_dict() == _networkx_estimate(graph, 40)


def test_known_figures_of_another_sample_are_counted_again_not_reused():
    # Two components; the ties left out touch the first only, so known figures
    # would be kept for the second if they were taken as they came.
    graph = _random_graph(80, 200, seed=6)
    other = nx.relabel_nodes(_random_graph(70, 180, seed=9), lambda a: f"b{a}")
    graph.add_nodes_from(other.nodes(data=True))
    graph.add_edges_from((u, v, f"b{k}", d) for u, v, k, d in other.edges(keys=True, data=True))
    leave_out = {k for u, v, k in graph.edges(keys=True) if not u.startswith("ba")}
    leave_out = set(sorted(leave_out)[:5])
    pairs = _reference_simple(graph).number_of_edges()
    estimated = graph_metrics(graph, work=40 * pairs, sample=20)["betweenness"]
    exact = metrics.betweenness(graph, leave_out=leave_out)
    estimate = metrics.betweenness(graph, leave_out=leave_out, work=40 * pairs, sample=20)
    assert not exact.equals(estimate)  # the two samples give different figures here
    # Exact figures wanted, figures of forty sources known: counted again.
    assert metrics.betweenness(graph, leave_out=leave_out, known=estimated).equals(exact)
    reused = metrics.betweenness(
        graph, leave_out=leave_out, work=40 * pairs, sample=20, known=estimated
    )
    assert reused.equals(estimate)


def test_igraph_goes_back_to_its_default_generator():
    graph = _random_graph(40, 80, seed=7)

    def draw():
        random.seed(3)
        return igraph.Graph.Erdos_Renyi(n=30, m=40).get_edgelist()

    before = draw()
    graph_metrics(graph)
    assert draw() == before


def test_betweenness_with_ties_left_out_is_that_of_the_graph_without_them():
    from sahel_nb import load_dataset
    from sahel_nb.metrics import betweenness, graph_metrics
    from sahel_nb.network import build_graph

    graph = build_graph(load_dataset())
    alleged = [
        (u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if d["status"] == "alleged"
    ]
    assert alleged
    firm = graph.copy()
    firm.remove_edges_from(alleged)
    expected = graph_metrics(firm)["betweenness"].sort_index()
    found = betweenness(graph, leave_out={k for *_, k in alleged}).sort_index()
    assert found.to_dict() == expected.to_dict()
    assert found.to_dict() != betweenness(graph).sort_index().to_dict()  # the allegations matter


def _components(count: int, size: int, seed: int) -> nx.MultiDiGraph:
    """``count`` separate random graphs in one, with a structural tie in each."""
    whole = nx.MultiDiGraph()
    for part in range(count):
        graph = _random_graph(size, size * 2, seed=seed + part)
        whole.add_nodes_from((f"p{part}{n}", d) for n, d in graph.nodes(data=True))
        whole.add_edges_from((f"p{part}{u}", f"p{part}{v}", f"p{part}{k}", d)
                             for u, v, k, d in graph.edges(keys=True, data=True))  # fmt: skip
        whole.add_edge(f"p{part}a0", f"p{part}a1", key=f"p{part}member", sign="cooperative",
                       kind="leadership/membership")  # fmt: skip
    return whole


@pytest.mark.parametrize("structural", [False, True])
@pytest.mark.parametrize("exact_up_to", [None, 50])
def test_betweenness_from_known_figures_is_that_counted_again(graph, structural, exact_up_to):
    # The known figures are reused outside the components that lose a pair of
    # actors: the result is the same as counting every actor again.
    rng = random.Random(11)
    keys = sorted(k for *_, k in graph.edges(keys=True))
    known = graph_metrics(graph, structural=structural, exact_up_to=exact_up_to, sample=7)
    for size in (1, 3, len(keys) // 4):
        leave_out = set(rng.sample(keys, min(size, len(keys))))
        again = metrics.betweenness(graph, leave_out=leave_out, structural=structural,
                                    exact_up_to=exact_up_to, sample=7)  # fmt: skip
        reused = metrics.betweenness(graph, leave_out=leave_out, structural=structural,
                                     exact_up_to=exact_up_to, sample=7,
                                     known=known["betweenness"])  # fmt: skip
        assert reused.equals(again)


def _pairs_tied(graph: nx.MultiDiGraph, u: str, v: str) -> int:
    return graph.number_of_edges(u, v) + graph.number_of_edges(v, u)


@pytest.mark.parametrize("structural", [False, True])
def test_betweenness_from_known_figures_counts_only_the_parts_that_change(structural, monkeypatch):
    graph = _components(4, 40, seed=20)
    known = graph_metrics(graph, structural=structural)["betweenness"]
    sizes = []
    original = metrics._counts

    def counts(simple, sources):
        sizes.append(simple.vcount())
        return original(simple, sources)

    monkeypatch.setattr(metrics, "_counts", counts)
    plain = [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if "kind" not in d]
    # A tie whose pair another tie still joins: nothing is counted again.
    doubled = next(k for u, v, k in plain if u != v and _pairs_tied(graph, u, v) > 1)
    found = metrics.betweenness(graph, leave_out={doubled}, structural=structural, known=known)
    assert sizes == [] and found.equals(known.sort_index())
    # The lone ties of the second part: that part alone is counted again.
    lone = {
        k for u, v, k in plain if u.startswith("p1") and u != v and _pairs_tied(graph, u, v) == 1
    }
    found = metrics.betweenness(graph, leave_out=lone, structural=structural, known=known)
    assert sizes and max(sizes) < graph.number_of_nodes()
    assert found.equals(metrics.betweenness(graph, leave_out=lone, structural=structural))
    outside = ~found.index.str.startswith("p1")
    assert found[outside].equals(known.sort_index()[outside])
    assert not found.equals(known.sort_index())


def test_betweenness_refuses_known_figures_of_other_actors():
    graph = _random_graph(30, 45, seed=1)
    known = graph_metrics(graph)["betweenness"]
    with pytest.raises(ValueError, match="every actor"):
        metrics.betweenness(graph, leave_out={"r1"}, known=known.iloc[1:])
