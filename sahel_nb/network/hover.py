"""Hover text of the network pages: an actor's, a tie's, and a tie's period in words."""

from __future__ import annotations

import networkx as nx

from ..metrics import is_structural
from ..schema import CREDIBILITY


def _period(start: str, end: str) -> str:
    if not start and not end:
        return "period not given"
    return f"{start or 'start not given'} – {end or 'open'}"


def _node_tooltip(data: dict) -> str:
    lines = [data["name"], data["actor_type"] + (f", {data['country']}" if data["country"] else "")]
    if data["aliases"]:
        lines.append("also: " + "; ".join(data["aliases"]))
    if data.get("why"):
        lines.append("key actor: " + data["why"])
    return "\n".join(lines)


def _edge_tooltip(graph: nx.MultiDiGraph, u: str, v: str, data: dict) -> str:
    arrow = "→" if data["directed"] else "–"
    header = f"{graph.nodes[u]['name']} {arrow} {graph.nodes[v]['name']}"
    return header + "\n" + _edge_details(data)


def _edge_details(data: dict) -> str:
    """A tie's hover text below the line naming its two actors."""
    kind, status, cite, locator, note = _detail_parts(data)
    lines = [kind, _period(data["start"], data["end"]), status, cite + locator]
    if note:
        lines.append(note)
    return "\n".join(lines)


def _detail_parts(data: dict) -> tuple[str, str, str, str, str]:
    """A tie's hover text in parts: kind line, status line, citation (its locator apart) and note.

    The period, between the kind and the status lines, is the other part.
    """
    # A membership carries the sign "cooperative"; said so, it reads as an alliance.
    kind = f"{data['kind']} ({'structural' if is_structural(data) else data['sign']})"
    status = (
        f"{data['status']}, credibility {data['credibility']}: {CREDIBILITY[data['credibility']]}"
    )
    if data.get("reported_as"):
        cite = f"{data['support']}:\n" + "\n".join(
            f"  {line}" for line in data["reported_as"].split("\n")
        )
        return kind, status, cite, "", data["note"]
    return kind, status, f"source: {data['source_id']} ", str(data["locator"]), data["note"]
