"""Network at analyst scale: build_graph, metrics, exports and to_pyvis on synthetic graphs.

Generates a valid synthetic dataset (default 2,000 actors, 10,000 relationships,
with bench_load's generator), then times each step once after loading:
networkx's exact betweenness beside ``graph_metrics`` (igraph), the GEXF and
GraphML writers, and the pyvis page. Then ``graph_metrics`` on 10,000 actors
and 50,000 ties (exact betweenness), and both writers on 5,000 actors and
170,000 ties. Prints the HTML size; the last line is one JSON object of the
figures.

    python benchmarks/bench_network.py [--actors N] [--relationships N]
                                       [--large-actors N] [--large-relationships N]
                                       [--export-actors N] [--export-relationships N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import networkx as nx
from bench_load import generate

from sahel_nb import load_dataset
from sahel_nb.export import write_gexf, write_graphml
from sahel_nb.metrics import graph_metrics
from sahel_nb.network import build_graph, to_pyvis


def _graph(folder: Path, actors: int, relationships: int) -> nx.MultiDiGraph:
    folder.mkdir()
    generate(folder, events=10, actors=actors, relationships=relationships, flows=10)
    return build_graph(load_dataset(folder))


def _simple(graph: nx.MultiDiGraph) -> nx.Graph:
    """Who is tied to whom, undirected, parallel ties counted (what actor_metrics measures)."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph))
    for a, b in sorted((min(u, v), max(u, v)) for u, v in graph.edges() if u != v):
        weight = simple.get_edge_data(a, b, {"weight": 0})["weight"]
        simple.add_edge(a, b, weight=weight + 1)
    return simple


def _timed(timings: dict, name: str, run):
    started = time.perf_counter()
    result = run()
    timings[name] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=2_000)
    parser.add_argument("--relationships", type=int, default=10_000)
    parser.add_argument("--large-actors", type=int, default=10_000)
    parser.add_argument("--large-relationships", type=int, default=50_000)
    parser.add_argument("--export-actors", type=int, default=5_000)
    parser.add_argument("--export-relationships", type=int, default=170_000)
    args = parser.parse_args()
    timings = {}
    with tempfile.TemporaryDirectory(prefix="sahel-bench-net-") as tmp:
        folder = Path(tmp)
        generate(folder, events=10, actors=args.actors, relationships=args.relationships, flows=10)
        dataset = load_dataset(folder)
        graph = _timed(timings, "build_graph_seconds", lambda: build_graph(dataset))
        simple = _simple(graph)
        _timed(timings, "networkx_betweenness_seconds", lambda: nx.betweenness_centrality(simple))
        # actor_metrics computes through graph_metrics (igraph).
        _timed(timings, "actor_metrics_seconds", lambda: graph_metrics(graph))
        _timed(
            timings,
            "export_seconds",
            lambda: (
                write_gexf(graph, folder / "n.gexf"),
                write_graphml(graph, folder / "n.graphml"),
            ),
        )
        page = _timed(timings, "to_pyvis_seconds", lambda: to_pyvis(graph, folder / "network.html"))
        size = page.stat().st_size

        large = _graph(folder / "large", args.large_actors, args.large_relationships)
        metrics = _timed(timings, "actor_metrics_10000_seconds", lambda: graph_metrics(large))
        exact = "betweenness_sample" not in metrics.attrs

        export = _graph(folder / "export", args.export_actors, args.export_relationships)
        gexf = _timed(
            timings, "write_gexf_170000_seconds", lambda: write_gexf(export, folder / "e.gexf")
        )
        graphml = _timed(
            timings,
            "write_graphml_170000_seconds",
            lambda: write_graphml(export, folder / "e.graphml"),
        )
        timings["export_170000_seconds"] = (
            timings["write_gexf_170000_seconds"] + timings["write_graphml_170000_seconds"]
        )
        export_mib = (gexf.stat().st_size + graphml.stat().st_size) / 2**20
    figures = {
        "actors": args.actors,
        "relationships": args.relationships,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "large_nodes": large.number_of_nodes(),
        "large_edges": large.number_of_edges(),
        "large_betweenness_exact": exact,
        "export_nodes": export.number_of_nodes(),
        "export_edges": export.number_of_edges(),
        **{k: round(v, 3) for k, v in timings.items()},
        "html_kib": round(size / 1024),
        "export_170000_mib": round(export_mib, 1),
    }
    for key, value in figures.items():
        print(f"{key:>30}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
