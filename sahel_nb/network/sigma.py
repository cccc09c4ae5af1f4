"""The WebGL (sigma.js) page of a big graph: a seeded layout computed here, ties as columns."""

from __future__ import annotations

import math
import random
import re
from operator import itemgetter, methodcaller
from pathlib import Path

import igraph
import networkx as nx
import numpy as np

from .._fork import Forked
from ..edges import edge_list
from ..pages import sigma_page
from ..styles import ACTOR_STYLES, SIGN_STYLES, UNKNOWN_STYLE
from .hover import _detail_parts, _node_tooltip

#: A graph of more than this many actors is drawn whole, every actor and every
#: tie, on a WebGL page (sigma.js) laid out in Python, instead of vis-network.
SIGMA_NODES = 3_000


#: Components of fewer actors than this are set out in rows beside the layout:
#: drawn with the rest, they would drift off and shrink everything else to a dot.
_SMALL_COMPONENT = 10


def _layout(nodes: list[str], index: dict[str, int], graph: nx.MultiDiGraph) -> list[list]:
    """Positions, rounded to 2 decimals: seeded Fruchterman–Reingold, small components in rows.

    Ties count once per pair, undirected. Components of at least
    ``_SMALL_COMPONENT`` actors are laid out together (igraph's grid variant,
    fast at ten thousand actors); smaller ones, largest first, each on a
    small circle, fill rows below them. igraph draws the start on its own
    generator: seeded for this call, then back to its default.
    """
    pairs = sorted(
        {(min(index[u], index[v]), max(index[u], index[v])) for u, v, _, _ in edge_list(graph)}
    )
    simple = igraph.Graph(n=len(nodes), edges=[p for p in pairs if p[0] != p[1]])
    parts = sorted(simple.connected_components(), key=lambda part: (-len(part), part[0]))
    coords = np.zeros((len(nodes), 2))
    large = sorted(v for part in parts if len(part) >= _SMALL_COMPONENT for v in part)
    unit, low, high = 1.0, np.zeros(2), np.zeros(2)
    if large:
        sub = simple.induced_subgraph(large)
        igraph.set_random_number_generator(random.Random(0))
        try:
            placed = np.array(sub.layout_fruchterman_reingold(niter=500, grid=True).coords)
        finally:
            igraph.set_random_number_generator(random)
        coords[large] = placed
        low, high = placed.min(axis=0), placed.max(axis=0)
        # Twice the spacing of actors in the layout: the rows are about as dense.
        unit = 2 * math.sqrt(max(float(np.prod(high - low)), 1e-6) / len(large))
    small = [part for part in parts if len(part) < _SMALL_COMPONENT]
    width = max(high[0] - low[0], unit * math.sqrt(2 * len(small)))
    x, y, row = low[0], low[1] - 2 * unit, 0.0
    for part in small:
        radius = 0.0 if len(part) == 1 else unit * max(0.5, len(part) / 6)
        cell = 2 * radius + unit
        if x > low[0] and x + cell > low[0] + width:
            x, y, row = low[0], y - row, 0.0
        angles = 2 * np.pi * np.arange(len(part)) / len(part)
        centre = (x + cell / 2, y - cell / 2)
        coords[part] = np.column_stack(
            [centre[0] + radius * np.cos(angles), centre[1] + radius * np.sin(angles)]
        )
        x, row = x + cell, max(row, cell)
    return [[round(float(a), 2) + 0.0, round(float(b), 2) + 0.0] for a, b in coords]


def _sigma_page(graph: nx.MultiDiGraph, path, *, title: str, height: str) -> Path:
    """Every actor and every tie of a big graph on a WebGL page laid out here."""
    nodes = sorted(graph)
    index = {node: number for number, node in enumerate(nodes)}
    # The layout (igraph, seeded) is computed by a forked process meanwhile.
    layout = Forked(_layout, nodes, index, graph)
    colors: dict[str, int] = {}  # each colour once, by number in order of first use

    def color(value: str) -> int:
        return colors.setdefault(value, len(colors))

    fills = [ACTOR_STYLES.get(graph.nodes[n]["actor_type"], UNKNOWN_STYLE)[0] for n in nodes]
    node_colors = [color(fill) for fill in fills]
    ties = _tie_columns(graph, index, color)
    node_rows = []
    for node, (x, y), fill in zip(nodes, layout.result(), node_colors, strict=True):
        data = graph.nodes[node]
        size = round(1.5 + math.log2(1 + graph.degree(node)), 1)
        node_rows.append([node, data["name"], x, y, size, fill, _node_tooltip(data)])
    node_legend = [
        {"label": kind, "color": ACTOR_STYLES.get(kind, UNKNOWN_STYLE)[0]}
        for kind in sorted({graph.nodes[n]["actor_type"] for n in graph})
    ]
    edge_legend = [{"label": sign, "color": line} for sign, (line, _, _) in SIGN_STYLES.items()]
    edge_legend += [
        {"label": "arrow: directed; width: independent origins", "color": "#757575"},
    ]
    drawn = len(ties["ties"]["shape"])
    summary = f"{len(nodes):,} actors, {drawn:,} relationship{'' if drawn == 1 else 's'}"
    window = graph.graph.get("window", ("", ""))
    if any(window):
        summary += f"; period {window[0] or 'any'} to {window[1] or 'any'}"
    if graph.graph.get("focus"):
        summary += f"; within {graph.graph['hops']} tie(s) of {graph.graph['focus']}"
    summary += "; drawn whole with WebGL"
    return sigma_page(
        path,
        title=title,
        summary=summary,
        height=height,
        data={
            "nodes": node_rows,
            **ties,
            "colors": list(colors),
            "focus": graph.graph.get("focus"),
        },
        node_legend=node_legend,
        edge_legend=edge_legend,
    )


#: A run of digits the page rebuilds from a number: no leading zero, and exact
#: as a JavaScript number (under 2**53).
_NUMBER = re.compile(r"(0(?![0-9])|[1-9][0-9]{0,14}(?![0-9]))")

#: The fields of a tie its head (colour, arrow, width, kind, status and citation lines) is worded from.
_HEAD_FIELDS = (
    "sign", "directed", "origins", "kind", "status", "credibility", "reported_as", "support",
    "source_id",
)  # fmt: skip


def _tie_columns(graph: nx.MultiDiGraph, index: dict[str, int], color) -> dict:
    """Every tie of the WebGL page, as columns its hover text is rebuilt from in the page.

    Stored per tie, the hover texts of a quarter of a million derived ties
    made two thirds of a 49 MB page, though most of each is the same few
    lines. Here each tie has its two ends (``source`` as the difference from
    the tie before: ties come in order of their first actor), a ``shape``
    (colour, arrow, width, kind line, status line, citation and the
    templates of its locator and note, in ``shapes``), its ``start`` and
    ``end`` (``end`` as the difference from ``start``) in ``dates``, and
    the numbers of its locator and note, in order, in ``numbers``. A
    template is its text cut at each number (:data:`_NUMBER`): the
    numbers go between the pieces. ``strings`` holds every line once.
    """
    strings: dict[str, int] = {}
    templates: dict[tuple[str, ...], int] = {}
    shapes: dict[tuple, int] = {}
    edges = edge_list(graph)
    keys = list(map(itemgetter(2), edges))
    if all(type(key) is str for key in keys) and len(set(keys)) == len(keys):
        edges.sort(key=itemgetter(2))  # build_graph's keys: unique text, the same order
    else:
        edges.sort(key=lambda e: (str(e[2]), e[0], e[1]))
    data = list(map(itemgetter(3), edges))
    starts, ends = list(map(itemgetter("start"), data)), list(map(itemgetter("end"), data))
    dates = {d: at for at, d in enumerate(sorted({*starts, *ends}))}
    # What a tie's head (colour, arrow, width and lines) depends on, read column by
    # column through C-level maps, and worded once per distinct combination.
    said_by = list(
        zip(*(map(methodcaller("get", name), data) for name in _HEAD_FIELDS), strict=True)
    )
    heads: dict[tuple, tuple] = {}  # a tie's colour, arrow, width and lines, by what they say
    worded: dict[tuple, tuple] = {}  # the same, by the fields they are worded from
    locators, notes, look_heads = [], [], []
    for fields, tie in zip(said_by, data, strict=True):
        found = worded.get(fields)
        if found is None:
            kind, status, cite, _, _ = _detail_parts(tie)
            sign, directed, origins = tie["sign"], tie["directed"], tie.get("origins", 1)
            said = (sign, directed, origins, kind, status, cite)
            head = heads.get(said)
            if head is None:
                head = heads[said] = (
                    color(SIGN_STYLES[sign][0] + "b3"),  # a little transparent: thousands cross
                    1 if directed else 0,
                    0.5 + 0.5 * min(origins, 4),
                    strings.setdefault(kind, len(strings)),
                    strings.setdefault(status, len(strings)),
                    strings.setdefault(cite, len(strings)),
                )
            # A tie told by several reports cites them all in its citation, no locator.
            found = worded[fields] = (head, bool(tie.get("reported_as")))
        look_heads.append(found[0])
        locators.append("" if found[1] else str(tie["locator"]))
        notes.append(tie["note"] or "")
    # Templates: each text cut at its numbers by one C-level map, then numbered in
    # order of first use (a tie's locator, then its note), the numbers kept in order.
    split = _NUMBER.split
    numbers: list[str] = []
    more = numbers.extend

    def template(cut: list[str]) -> int:  # pieces and numbers by turns, pieces at both ends
        if len(cut) > 1:
            more(cut[1::2])
        pieces = tuple(cut[0::2])
        found = templates.get(pieces)
        return found if found is not None else templates.setdefault(pieces, len(templates))

    shape = []
    for head, located, noted in zip(
        look_heads, map(split, locators), map(split, notes), strict=True
    ):
        # A note is text, or numbers only; an empty one has no template.
        look = (*head, template(located), template(noted) if len(noted) > 1 or noted[0] else -1)
        found = shapes.get(look)
        shape.append(found if found is not None else shapes.setdefault(look, len(shapes)))
    at = np.fromiter(map(index.__getitem__, map(itemgetter(0), edges)), np.int64, len(edges))
    source = np.diff(at, prepend=0).tolist()
    target = list(map(index.__getitem__, map(itemgetter(1), edges)))
    start = list(map(dates.__getitem__, starts))
    end = [dates[last] - first for last, first in zip(ends, start, strict=True)]
    numbers = list(map(int, numbers))
    return {
        "ties": {
            "source": source,
            "target": target,
            "shape": shape,
            "start": start,
            "end": end,
            "numbers": numbers,
        },
        "shapes": [list(look) for look in shapes],
        "templates": [list(pieces) for pieces in templates],
        "strings": list(strings),
        "dates": list(dates),
    }
