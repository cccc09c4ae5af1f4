"""Network at analyst scale: build_graph, actor_metrics and to_pyvis on a synthetic graph.

Generates a valid synthetic dataset (default 2,000 actors, 10,000 relationships,
with bench_load's generator), then times each step once after loading and
prints the HTML size; the last line is one JSON object of the figures.

    python benchmarks/bench_network.py [--actors N] [--relationships N]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench_load import generate

from sahel_nb import load_dataset
from sahel_nb.network import actor_metrics, build_graph, to_pyvis


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=2_000)
    parser.add_argument("--relationships", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sahel-bench-net-") as tmp:
        folder = Path(tmp)
        generate(folder, events=10, actors=args.actors, relationships=args.relationships, flows=10)
        dataset = load_dataset(folder)
        timings = {}
        started = time.perf_counter()
        graph = build_graph(dataset)
        timings["build_graph_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        actor_metrics(graph)
        timings["actor_metrics_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        page = to_pyvis(graph, folder / "network.html")
        timings["to_pyvis_seconds"] = time.perf_counter() - started
        size = page.stat().st_size
    figures = {
        "actors": args.actors,
        "relationships": args.relationships,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        **{k: round(v, 3) for k, v in timings.items()},
        "html_kib": round(size / 1024),
    }
    for key, value in figures.items():
        print(f"{key:>22}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
