"""The WebGL network page at scale: write it, then time it settling in headless Chromium.

Builds a synthetic alliance graph (default 10,000 actors and 50,000 ties, in
communities, with build_graph's node and edge attributes), times ``to_pyvis``
writing the page (above ``SIGMA_NODES`` actors it is the sigma.js page, laid
out in Python), then opens it in Debian's Chromium under Playwright with every
non-file request blocked and times from navigation until
``body[data-stabilized=true]``, best of ``--repeats`` loads in fresh pages.
Prints readable lines, then one JSON object of the figures as the last line.
Target (issue 15): settle in under 5 s.

    python benchmarks/bench_page.py [--nodes N] [--ties N] [--repeats N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

from sahel_nb.network import SIGMA_NODES, to_pyvis
from sahel_nb.schema import RELATIONSHIP_KINDS
from sahel_nb.styles import ACTOR_STYLES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The same flags as tests/conftest.py.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def synthetic_graph(nodes: int, ties: int, *, seed: int = 0) -> nx.MultiDiGraph:
    """A graph shaped like ``build_graph``'s: actors in communities, most ties within one."""
    rng = np.random.default_rng(seed)
    width = len(str(nodes - 1))
    ids = [f"actor-{n:0{width}d}" for n in range(nodes)]
    types = sorted(ACTOR_STYLES)
    kinds = sorted(RELATIONSHIP_KINDS)
    graph = nx.MultiDiGraph(window=("", ""), undated=True, undated_left_out=0)
    aliased = rng.random(nodes) < 0.3
    for n, actor_id in enumerate(ids):
        graph.add_node(
            actor_id,
            name=f"Actor {n}",
            actor_type=types[int(rng.integers(len(types)))],
            country=["MLI", "NER", "BFA", "DZA", ""][int(rng.integers(5))],
            aliases=[f"Alias {n}a", f"Alias {n}b"] if aliased[n] else [],
            unnamed=bool(rng.random() < 0.1),
        )
    community = max(20, nodes // 200)  # actors per community
    a = rng.integers(nodes, size=ties)
    local = rng.random(ties) < 0.8
    offsets = rng.integers(1, community, size=ties)
    within = (a // community) * community + (a % community + offsets) % community
    b = np.where(local, np.minimum(within, nodes - 1), rng.integers(nodes, size=ties))
    b = np.where(a == b, (b + 1) % nodes, b)
    starts = rng.integers(2000, 2015, size=ties)
    for t in range(ties):
        kind = kinds[int(rng.integers(len(kinds)))]
        origins = int(rng.integers(1, 4))
        credibility = int(rng.integers(1, 7))
        key = f"rel-{t:06d}"
        graph.add_edge(
            ids[a[t]],
            ids[b[t]],
            key=key,
            relationship_id=key,
            kind=kind,
            sign=RELATIONSHIP_KINDS[kind],
            directed=bool(rng.random() < 0.5),
            start=str(starts[t]),
            end=str(starts[t] + 5) if rng.random() < 0.5 else "",
            status="reported",
            credibility=credibility,
            source_id="synthetic",
            locator=f"¶{t % 40 + 1}",
            note="A synthetic tie, for the benchmark." if t % 3 == 0 else "",
            derived=False,
            origins=origins,
            support=f"reported by {origins} independent origin{'s' if origins > 1 else ''}",
            reported_as="\n".join(
                f"Synthetic source {s} ¶{t % 40 + 1}: reported, credibility {credibility}"
                for s in range(1, origins + 1)
            ),
        )
    return graph


def settle_seconds(path: Path, repeats: int) -> tuple[float, dict]:
    """Best time from navigation to ``body[data-stabilized=true]``, and what the page drew."""
    from playwright.sync_api import sync_playwright

    best, drawn = float("inf"), {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(repeats):
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            blocked, errors = [], []
            page.on("console", lambda m, errors=errors: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))

            def route(r, blocked=blocked):
                if r.request.url.startswith("file://"):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            started = time.perf_counter()
            page.goto(path.resolve().as_uri(), wait_until="commit")
            page.wait_for_selector("body[data-stabilized=true]", state="attached", timeout=120_000)
            best = min(best, time.perf_counter() - started)
            drawn = {
                "drawn_nodes": page.evaluate("graph.order"),
                "drawn_ties": page.evaluate("graph.size"),
                "blocked_requests": len(blocked),
                "console_errors": len(errors),
            }
            page.close()
        browser.close()
    return best, drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--ties", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.nodes <= SIGMA_NODES:
        parser.error(f"--nodes must exceed SIGMA_NODES ({SIGMA_NODES}) to time the WebGL page")
    graph = synthetic_graph(args.nodes, args.ties)
    with tempfile.TemporaryDirectory(prefix="sahel-bench-page-") as tmp:
        path = Path(tmp) / "network.html"
        started = time.perf_counter()
        to_pyvis(graph, path, title="Synthetic alliance network")
        write = time.perf_counter() - started
        size = path.stat().st_size
        settle, drawn = settle_seconds(path, args.repeats)
    figures = {
        "nodes": graph.number_of_nodes(),
        "ties": graph.number_of_edges(),
        "write_seconds": round(write, 3),
        "settle_seconds": round(settle, 3),
        "html_mib": round(size / 2**20, 1),
        **drawn,
    }
    for key, value in figures.items():
        print(f"{key:>18}: {value}")
    print(f"{'target':>18}: settle <= 5 s: {'met' if settle <= 5 else 'MISSED'}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
