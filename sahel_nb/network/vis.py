"""The vis-network page: styled actors and ties, legends, the strongest ties of a large import."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from .._gc import paused
from ..edges import edge_list
from ..metrics import is_structural
from ..pages import vis_page
from ..styles import (
    ACTOR_STYLES,
    EVIDENCE_STYLES,
    SIGN_STYLES,
    STRUCTURAL_STYLES,
    UNKNOWN_STYLE,
    edge_evidence,
    edge_width,
    vis_options,
)
from .hover import _edge_tooltip, _node_tooltip
from .sigma import SIGMA_NODES, _sigma_page

#: Derived ties are drawn on a page only up to this many ties in all: every
#: curated tie, then the derived ties of most events. Exports keep every tie.
MAX_DRAWN_TIES = 2_000


def _year(written: str) -> int | None:
    """The year a partial date as written starts with (``2006-09/2006-10`` → 2006), or None."""
    head = str(written or "")[:4]
    return int(head) if head.isdigit() else None


def _year_range(graph: nx.MultiDiGraph) -> dict | None:
    """The first and last year any tie names, for the page's year slider (None: no dated tie)."""
    years = [
        year
        for *_, data in edge_list(graph)
        for year in (_year(data["start"]), _year(data["end"]))
        if year is not None
    ]
    return {"low": min(years), "high": max(years)} if years else None


#: The longest name drawn beside an actor; a longer one is cut (whole on hover).
#: A 330-character name sized the drawing to itself and shrank every other name.
LONGEST_NAME = 48


def _drawn_name(name: str) -> str:
    """A name as drawn: whole up to :data:`LONGEST_NAME` characters, else cut at a word.

    Examples
    --------
    >>> _drawn_name("Al-Qaeda in the Islamic Maghreb")
    'Al-Qaeda in the Islamic Maghreb'
    >>> len(_drawn_name("word " * 40)) <= LONGEST_NAME
    True
    """
    if len(name) <= LONGEST_NAME:
        return name
    cut = (
        name[: LONGEST_NAME - 1].rsplit(" ", 1)[0]
        if " " in name[: LONGEST_NAME - 1]
        else name[: LONGEST_NAME - 1]
    )
    return cut.rstrip(" ,;:") + "…"


@paused()
def to_pyvis(
    graph: nx.MultiDiGraph,
    path: str | os.PathLike,
    *,
    title: str = "Alliance network",
    height: str = "780px",
    max_ties: int = MAX_DRAWN_TIES,
) -> Path:
    """Write ``graph`` as one self-contained, interactive HTML page at ``path``.

    vis-network is inlined, so the page opens offline; nothing else is
    written anywhere. Nodes are coloured and shaped by actor type, edges
    coloured by sign (see :data:`ACTOR_STYLES`, :data:`SIGN_STYLES`) and
    dashed by how strongly they are supported; structural ties (membership,
    succession, kinship) take a purple family of their own
    (:data:`STRUCTURAL_STYLES`), so none reads as cooperation. The legend
    sits beside the drawing, never over it. Labels do not overlap: once the
    layout settles, each actor's name goes below or above it where it
    covers no other name or actor, the most tied actors placed first; a
    name with no room is shown on hover only (and is in the hover text).
    Hover text gives each tie's kind,
    period, status, credibility and source. Every string from the data
    reaches the page as JSON or escaped HTML and is shown as text. The
    layout is seeded; physics settles, then stops. A graph of more than
    ``max_ties`` ties with derived ones (a large import) is drawn with every
    curated tie and the derived ties of most events, up to ``max_ties`` in
    all, and the page says how many it leaves out.

    A graph of more than :data:`SIGMA_NODES` actors is drawn whole instead,
    every actor and every tie whatever ``max_ties``, with WebGL (sigma.js and
    graphology, vendored and inlined): the layout is computed here (igraph's
    Fruchterman–Reingold, seeded), so the page draws at once; nodes are
    coloured by actor type and a little larger with more ties, ties coloured
    by sign, with an arrow when directed; hover text is the same.

    Returns the path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "net.html"
    >>> to_pyvis(build_graph(load_dataset()), out).name
    'net.html'
    """
    if graph.number_of_nodes() > SIGMA_NODES:
        return _sigma_page(graph, path, title=title, height=height)
    full = graph
    if graph.number_of_edges() > max_ties and any(d for _, _, d in graph.edges(data="derived")):
        graph = _strongest(graph, max_ties)
    net = Network(height=height, width="100%", directed=True, cdn_resources="remote")
    # Whose name is placed first when names compete for room: the focus, then
    # the most tied, then by name (a fixed order: the same page every time).
    focus = graph.graph.get("focus")
    keys = {actor: rank for rank, actor in enumerate(graph.graph.get("key_actors", ()))}
    degree = dict(graph.degree())
    ranked = sorted(
        graph,
        key=lambda n: (n != focus, keys.get(n, len(keys)), -degree[n], graph.nodes[n]["name"], n),
    )
    label_rank = {node: rank for rank, node in enumerate(ranked)}
    for node in sorted(graph):
        data = graph.nodes[node]
        color, shape = ACTOR_STYLES.get(data["actor_type"], UNKNOWN_STYLE)
        net.add_node(
            node,
            label=_drawn_name(data["name"]),
            title=_node_tooltip(data),
            color=color,
            shape=shape,
            borderWidth=3 if node == focus else 1,
            labelRank=label_rank[node],
            # Ties are drawn before names: a pale backing keeps a name legible over them.
            font={"background": "rgba(255,255,255,0.85)"},
        )
    parallel: dict[tuple[str, str], int] = {}
    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[2]):
        color, _, _ = SIGN_STYLES[data["sign"]]
        if is_structural(data) and data["kind"] in STRUCTURAL_STYLES:
            color = STRUCTURAL_STYLES[data["kind"]][0]
        dashes = EVIDENCE_STYLES[edge_evidence(data)][0]
        pair = (min(u, v), max(u, v))
        rank = parallel[pair] = parallel.get(pair, -1) + 1
        net.add_edge(
            u,
            v,
            id=key,
            title=_edge_tooltip(graph, u, v, data),
            color=color,
            # Evidence strength at a glance: the line says how many origins and
            # whether only alleged, the width how credible.
            dashes=dashes,
            width=edge_width(data.get("credibility")),
            **({"label": f"×{data['origins']}"} if data.get("origins", 1) > 1 else {}),
            arrows="to" if data["directed"] else "",
            years=[_year(data["start"]), _year(data["end"])],
            # Parallel ties are drawn as separate curves, not on top of each other.
            smooth={"enabled": True, "type": "curvedCW", "roundness": 0.12 * rank},
        )
    node_legend = []
    for kind in sorted({graph.nodes[n]["actor_type"] for n in graph}):
        color, shape = ACTOR_STYLES.get(kind, UNKNOWN_STYLE)
        radius = "50%" if shape == "dot" else "0"
        node_legend.append({"label": kind, "color": color, "shape": shape, "radius": radius})
    drawn = list(graph.edges(data=True))
    structural = {d["kind"] for _, _, d in drawn if is_structural(d)}
    signs = {d["sign"] for _, _, d in drawn if d["kind"] not in structural}
    strengths = {edge_evidence(d) for _, _, d in drawn}
    # Legends list only what is drawn.
    edge_legend = [
        {"label": sign, "color": color, "style": "solid"}
        for sign, (color, _, _) in SIGN_STYLES.items()
        if sign in signs
    ]
    structure_legend = [
        {"label": label, "color": color, "style": "solid"}
        for kind, (color, label) in STRUCTURAL_STYLES.items()
        if kind in structural
    ]
    edge_legend += [
        {"label": label, "color": "#757575", "style": style}
        for strength, (_, style, label) in EVIDENCE_STYLES.items()
        if strength in strengths
    ]
    if drawn:
        edge_legend.append(
            {
                "label": "width: credibility, widest 1 (confirmed); ×N: independent origins",
                "color": "#757575",
                "style": "solid",
            }
        )
    window = graph.graph.get("window", ("", ""))
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    summary = (
        f"{nodes} actor{'' if nodes == 1 else 's'}, {edges} relationship{'' if edges == 1 else 's'}"
    )
    if any(window):
        summary += f"; period {window[0] or 'any'} to {window[1] or 'any'}"
    if graph.graph.get("focus"):
        summary += f"; within {graph.graph['hops']} tie(s) of {graph.graph['focus']}"
    if graph is not full:
        summary += (
            f"; drawn: {edges:,} of {full.number_of_edges():,} ties, every curated tie and "
            "the derived ties of most events (the GEXF and GraphML exports hold them all)"
        )
    return vis_page(
        path,
        title=title,
        summary=summary,
        height=height,
        nodes=net.nodes,
        edges=net.edges,
        options=vis_options(graph.number_of_nodes()),
        node_legend=node_legend,
        edge_legend=edge_legend,
        structure_legend=structure_legend,
        years=_year_range(graph),
    )


def _strongest(graph: nx.MultiDiGraph, most: int) -> nx.MultiDiGraph:
    """Every curated tie, and the derived ties of most events up to ``most`` ties in all."""
    edges = list(graph.edges(keys=True, data=True))
    curated = [e for e in edges if not e[3].get("derived", False)]
    derived = sorted(
        (e for e in edges if e[3].get("derived", False)),
        key=lambda e: (-e[3].get("events", 1), e[2]),
    )
    ranked = curated + derived[: max(0, most - len(curated))]
    kept = nx.MultiDiGraph(**graph.graph)
    nodes = {n for u, v, _, _ in ranked for n in (u, v)} | {graph.graph.get("focus")} - {None}
    kept.add_nodes_from((n, graph.nodes[n]) for n in sorted(nodes) if n in graph)
    for u, v, key, data in sorted(ranked, key=lambda e: e[2]):
        kept.add_edge(u, v, key=key, **data)
    return kept
