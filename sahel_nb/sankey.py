"""A small Sankey layout: columns by role, node heights by flow, bands as SVG ribbon paths."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["Band", "Layout", "NodeBox", "Segment", "layout", "ribbon"]


@dataclass(frozen=True)
class Band:
    """One flow to draw: the nodes it passes through, left to right, and its value.

    ``low``/``high`` are the ends of its range in one unit (dollars); both
    None for an unknown amount, which is drawn thin and never as zero.
    ``parent`` names the band this one is a part of (a share of a ransom):
    it then leaves from inside the parent's end, not from a slot of its own.
    """

    key: str
    path: tuple[str, ...]
    low: float | None = None
    high: float | None = None
    parent: str | None = None

    @property
    def known(self) -> bool:
        """Whether the band has an amount to size it by."""
        return self.high is not None and not math.isnan(self.high)


@dataclass
class NodeBox:
    """A node placed: its column, left edge, top and height, in pixels."""

    id: str
    column: int
    x: float
    y: float
    height: float


@dataclass
class Segment:
    """One hop of a band, between two nodes: top edges at each end and widths in pixels.

    ``width`` is the full band (the high end); ``low_width`` the part up to
    the low end, so ``width - low_width`` is the range drawn lighter.
    """

    key: str
    hop: int
    source: str
    target: str
    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    low_width: float
    known: bool
    minimum: bool = False
    parent: str | None = None

    def path(self) -> str:
        """The whole band's outline."""
        return ribbon(self.x0, self.y0, self.x1, self.y1, self.width)

    def low_path(self) -> str:
        """The part up to the low end, on top."""
        return ribbon(self.x0, self.y0, self.x1, self.y1, self.low_width)

    def range_path(self) -> str:
        """The part from the low to the high end, below the low part."""
        return ribbon(
            self.x0,
            self.y0 + self.low_width,
            self.x1,
            self.y1 + self.low_width,
            self.width - self.low_width,
        )


@dataclass
class Layout:
    """Placed nodes and segments, the pixels per unit, and the drawing's size."""

    nodes: dict[str, NodeBox]
    segments: list[Segment]
    scale: float
    width: float
    height: float
    column_x: list[float] = field(default_factory=list)


def _number(value: float) -> str:
    # Two decimals and no "-0.00": the same input always writes the same text.
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def ribbon(x0: float, y0: float, x1: float, y1: float, width: float) -> str:
    """An SVG path: a band of ``width`` from top-left ``(x0, y0)`` to top-right ``(x1, y1)``.

    Both edges are the same cubic curve, horizontal at each end.

    Examples
    --------
    >>> ribbon(0, 10, 100, 50, 4)
    'M0 10C50 10 50 50 100 50L100 54C50 54 50 14 0 14Z'
    """
    mid = (x0 + x1) / 2
    n = _number
    return (
        f"M{n(x0)} {n(y0)}C{n(mid)} {n(y0)} {n(mid)} {n(y1)} {n(x1)} {n(y1)}"
        f"L{n(x1)} {n(y1 + width)}C{n(mid)} {n(y1 + width)} {n(mid)} {n(y0 + width)} "
        f"{n(x0)} {n(y0 + width)}Z"
    )


def layout(
    columns: dict[str, int],
    bands: list[Band],
    *,
    width: float = 1100,
    margin_left: float = 240,
    margin_right: float = 240,
    top: float = 40,
    money_height: float = 420,
    node_width: float = 14,
    node_gap: float = 22,
    unknown_width: float = 4,
    min_width: float = 2,
) -> Layout:
    """Place nodes in their columns and bands between them; all in pixels, deterministic.

    Band width is proportional to its high end (``money_height`` pixels for
    the busiest column's total), at least ``min_width`` for a tiny amount;
    an unknown amount is ``unknown_width`` wide. A node is as tall as the
    larger of what flows in and out. Columns are ordered top to bottom by
    the average position of what feeds them, so bands cross little. A band
    with a ``parent`` leaves from inside the parent's arrival at the
    parent's last node, stacked from its top, and takes no slot there.

    Parameters
    ----------
    columns : dict
        Each node id's column, 0 the leftmost; empty columns close up.
    bands : list of Band
        Sorted as wished: ties are broken by the bands' keys.

    Examples
    --------
    >>> drawn = layout({"a": 0, "b": 1}, [Band("x", ("a", "b"), 10.0, 20.0)], money_height=100)
    >>> segment = drawn.segments[0]
    >>> segment.width, segment.low_width, drawn.nodes["a"].height
    (100.0, 50.0, 100.0)
    """
    by_key = {band.key: band for band in bands}
    used = sorted({columns[node] for band in bands for node in band.path})
    rank = {column: position for position, column in enumerate(used)}
    node_column = {
        node: rank[columns[node]] for band in bands for node in band.path if node in columns
    }
    span = width - margin_left - margin_right - node_width
    column_x = [margin_left + (span * i / max(len(used) - 1, 1)) for i in range(len(used))]

    # Totals per node in the data's unit: the busiest column sets the scale.
    inflow: dict[str, float] = {}
    outflow: dict[str, float] = {}
    for band in bands:
        value = band.high if band.known else 0.0
        hops = list(zip(band.path, band.path[1:], strict=False))
        for number, (a, b) in enumerate(hops):
            if not (band.parent and number == 0):
                outflow[a] = outflow.get(a, 0.0) + value
            inflow[b] = inflow.get(b, 0.0) + value
    totals: dict[int, float] = {}
    for node, column in node_column.items():
        totals[column] = totals.get(column, 0.0) + max(inflow.get(node, 0), outflow.get(node, 0))
    busiest = max(totals.values(), default=0.0)
    scale = money_height / busiest if busiest > 0 else 0.0

    def pixels(band: Band) -> tuple[float, float, bool]:
        if not band.known:
            return unknown_width, 0.0, False
        high = band.high * scale
        low = (band.low if band.low is not None else band.high) * scale
        if high < min_width:
            # Too small to see at scale: drawn at the minimum, said in the legend.
            return min_width, min_width * (low / high if high else 1.0), True
        return high, low, False

    sizes = {band.key: pixels(band) for band in bands}
    if any(band.parent for band in bands):
        for band in bands:
            if band.parent in sizes:
                # A part is never drawn wider than the whole it comes out of.
                whole = sizes[band.parent][0]
                w, lw, small = sizes[band.key]
                if w > whole:
                    sizes[band.key] = (whole, min(lw, whole), small)
    ins: dict[str, float] = {}
    outs: dict[str, float] = {}
    for band in bands:
        w = sizes[band.key][0]
        for number, (a, b) in enumerate(zip(band.path, band.path[1:], strict=False)):
            if not (band.parent and number == 0):
                outs[a] = outs.get(a, 0.0) + w
            ins[b] = ins.get(b, 0.0) + w
    heights = {node: max(ins.get(node, 0.0), outs.get(node, 0.0), 1.0) for node in node_column}

    # Order each column by where its feeders sit; the first by size, then id.
    placed: dict[str, NodeBox] = {}
    by_column: dict[int, list[str]] = {}
    for node, column in sorted(node_column.items()):
        by_column.setdefault(column, []).append(node)
    column_height = {
        c: sum(heights[n] for n in nodes) + node_gap * (len(nodes) - 1)
        for c, nodes in by_column.items()
    }
    tallest = max(column_height.values(), default=0.0)
    for column in range(len(used)):
        nodes = by_column.get(column, [])

        def centre(node: str) -> float:
            weight = total = 0.0
            for band in bands:
                w = sizes[band.key][0]
                for a, b in zip(band.path, band.path[1:], strict=False):
                    if b == node and a in placed:
                        box = placed[a]
                        total += w * (box.y + box.height / 2)
                        weight += w
            return total / weight if weight else math.inf

        if column == 0:
            nodes = sorted(nodes, key=lambda n: (-heights[n], n))
            y = top + (tallest - column_height[column]) / 2
            for node in nodes:
                placed[node] = NodeBox(node, column, column_x[column], y, heights[node])
                y += heights[node] + node_gap
            continue
        # Each node as near its feeders' middle as the nodes above it allow,
        # then the column pulled back up if it runs past the tallest one.
        wanted = {n: centre(n) for n in nodes}
        nodes = sorted(nodes, key=lambda n: (wanted[n], -heights[n], n))
        ys, y = [], top
        for node in nodes:
            aim = wanted[node] - heights[node] / 2 if math.isfinite(wanted[node]) else y
            y = max(y, aim)
            ys.append(y)
            y += heights[node] + node_gap
        overflow = (y - node_gap) - (top + tallest)
        if overflow > 0:
            limit = top + tallest
            for position in range(len(nodes) - 1, -1, -1):
                ys[position] = min(ys[position], limit - heights[nodes[position]])
                limit = ys[position] - node_gap
        for node, y in zip(nodes, ys, strict=True):
            placed[node] = NodeBox(node, column, column_x[column], max(y, top), heights[node])

    # Slots: each node's bands stacked top down, ordered by the node at the other end.
    hops_of: list[tuple[Band, int, str, str]] = []
    for band in bands:
        for number, (a, b) in enumerate(zip(band.path, band.path[1:], strict=False)):
            hops_of.append((band, number, a, b))
    out_slot: dict[tuple[str, int], float] = {}
    in_slot: dict[tuple[str, int], float] = {}
    for node in sorted(placed):
        leaving = [h for h in hops_of if h[2] == node and not (h[0].parent and h[1] == 0)]
        leaving.sort(key=lambda h: (placed[h[3]].y, h[0].key, h[1]))
        y = placed[node].y
        for band, number, _, _ in leaving:
            out_slot[(band.key, number)] = y
            y += sizes[band.key][0]
        arriving = [h for h in hops_of if h[3] == node]
        arriving.sort(key=lambda h: (placed[h[2]].y, h[0].key, h[1]))
        y = placed[node].y
        for band, number, _, _ in arriving:
            in_slot[(band.key, number)] = y
            y += sizes[band.key][0]
    # A part leaves from inside its whole's arrival, stacked from the top.
    offsets: dict[str, float] = {}
    for band in bands:
        if band.parent and band.parent in by_key:
            whole = by_key[band.parent]
            last = len(whole.path) - 2
            start = in_slot[(whole.key, last)] + offsets.get(whole.key, 0.0)
            out_slot[(band.key, 0)] = start
            offsets[whole.key] = offsets.get(whole.key, 0.0) + sizes[band.key][0]

    segments = []
    for band, number, a, b in hops_of:
        w, lw, small = sizes[band.key]
        segments.append(
            Segment(
                key=band.key,
                hop=number,
                source=a,
                target=b,
                x0=placed[a].x + node_width,
                y0=out_slot[(band.key, number)],
                x1=placed[b].x,
                y1=in_slot[(band.key, number)],
                width=w,
                low_width=lw,
                known=band.known,
                minimum=small,
                parent=band.parent,
            )
        )
    bottom = max((box.y + box.height for box in placed.values()), default=top)
    for segment in segments:
        bottom = max(bottom, segment.y0 + segment.width, segment.y1 + segment.width)
    return Layout(placed, segments, scale, width, bottom + top, column_x)
