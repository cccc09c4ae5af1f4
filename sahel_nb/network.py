"""Alliance networks: who is tied to whom, when, through whom — as networkx graphs."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pandas as pd

from .data import Dataset
from .dates import partial_date_span
from .exceptions import ParameterError
from .schema import RELATIONSHIP_KINDS, RELATIONSHIP_STATUSES

__all__ = ["actor_metrics", "alliance_shifts", "build_graph", "ego_graph", "export_graph"]

_SEED = 0


def _window_bound(value, name: str, side: int) -> pd.Timestamp | None:
    """Turn ``start``/``end`` ("2006", "2006-03", a Timestamp) into a day; None stays None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, pd.Timestamp):
        return value
    text = str(value).strip()
    first, last = partial_date_span(pd.Series([text]))
    if pd.isna(first[0]):
        raise ParameterError(f"{name}={value!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    return first[0] if side == 0 else last[0]


def _choices(value, allowed: Iterable[str], name: str) -> list[str] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ParameterError(
            f"{name}: unknown {', '.join(map(repr, unknown))}; choose from: {'; '.join(allowed)}"
        )
    return values


def build_graph(
    dataset: Dataset,
    *,
    start=None,
    end=None,
    kinds=None,
    statuses=None,
    credibility_at_least: int | None = None,
    undated: bool = True,
) -> nx.MultiDiGraph:
    """Return the actors and the relationships that overlap a time window.

    Each relationship is one edge, keyed by its ``relationship_id``; parallel
    relationships between a pair are all kept. An undirected relationship is
    stored once, from ``actor_a`` to ``actor_b``, with ``directed=False``.
    Only actors with at least one selected relationship become nodes.

    Parameters
    ----------
    dataset : Dataset
        From :func:`sahel_nb.load_dataset`.
    start, end : str or Timestamp, optional
        The window, as partial dates: ``end="2006-03"`` ends on 31 March 2006.
        A relationship counts by the whole span of its own partial dates, so
        one starting in ``2006`` overlaps a window ending ``2006-03``. An open
        end means the relationship is still in force.
    kinds, statuses : list of str, optional
        Keep only these relationship kinds or statuses.
    credibility_at_least : int, optional
        Keep credibility 1 (best) to this grade; 6 ("cannot be judged") is
        kept only with ``credibility_at_least=6`` or no filter.
    undated : bool, default True
        Keep relationships with neither start nor end in every window (their
        period is unknown, not absent); False drops them when a window is given.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> graph = build_graph(load_dataset(), start="2003", end="2003")
    >>> graph.edges["tuareg", "aqim", "rel-tuareg-aqim-cooperation"]["sign"]
    'cooperative'
    """
    window_start = _window_bound(start, "start", 0)
    window_end = _window_bound(end, "end", 1)
    kinds = _choices(kinds, list(RELATIONSHIP_KINDS), "kinds")
    statuses = _choices(statuses, list(RELATIONSHIP_STATUSES), "statuses")
    if credibility_at_least is not None and credibility_at_least not in range(1, 7):
        raise ParameterError(
            f"credibility_at_least={credibility_at_least!r} must be 1 (confirmed) to 6"
        )

    rels = dataset.relationships
    keep = pd.Series(True, index=rels.index)
    no_dates = rels["start_start"].isna() & rels["end_end"].isna()
    if window_end is not None:
        keep &= rels["start_start"].isna() | (rels["start_start"] <= window_end)
    if window_start is not None:
        keep &= rels["end_end"].isna() | (rels["end_end"] >= window_start)
    if not undated and (window_start is not None or window_end is not None):
        keep &= ~no_dates
    if kinds is not None:
        keep &= rels["kind"].isin(kinds)
    if statuses is not None:
        keep &= rels["status"].isin(statuses)
    if credibility_at_least is not None:
        keep &= rels["credibility"] <= credibility_at_least
    chosen = rels[keep].sort_values("relationship_id")

    graph = nx.MultiDiGraph(window=(_text(start), _text(end)))
    # Insertion order drives louvain and layout: add in sorted order (networkx #6655).
    actors = dataset.actors.set_index("actor_id")
    used = sorted(set(chosen["actor_a"]) | set(chosen["actor_b"]))
    for actor_id in used:
        row = actors.loc[actor_id]
        graph.add_node(
            actor_id,
            name=row["name"],
            actor_type=str(row["actor_type"]),
            country=_text(row["country"]),
            aliases=list(row["aliases"]),
            unnamed=bool(row["unnamed"]),
        )
    for rel in chosen.itertuples(index=False):
        graph.add_edge(
            rel.actor_a,
            rel.actor_b,
            key=rel.relationship_id,
            relationship_id=rel.relationship_id,
            kind=str(rel.kind),
            sign=RELATIONSHIP_KINDS[str(rel.kind)],
            directed=bool(rel.directed),
            start=_text(rel.start),
            end=_text(rel.end),
            status=str(rel.status),
            credibility=int(rel.credibility),
            source_id=rel.source_id,
            locator=rel.locator,
            note=_text(rel.note),
        )
    # Kept for messages about actors outside this window (see ego_graph).
    graph.graph["all_actors"] = {
        a.actor_id: (a.name, tuple(a.aliases)) for a in dataset.actors.itertuples(index=False)
    }
    return graph


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, list) and pd.isna(value)) else str(value)


def _unknown_actor(graph: nx.Graph, actor_id: str) -> ParameterError:
    known = graph.graph.get("all_actors") or {
        node: (data.get("name", node), tuple(data.get("aliases", ())))
        for node, data in graph.nodes(data=True)
    }
    if actor_id in known:
        name = known[actor_id][0]
        return ParameterError(
            f"{actor_id!r} ({name}) has no relationships in this selection; "
            "widen the window or the filters"
        )
    labels: dict[str, str] = {}
    for key, (name, aliases) in known.items():
        for label in (key, name, *aliases):
            labels.setdefault(label.casefold(), key)
    close = difflib.get_close_matches(actor_id.casefold(), list(labels), n=5, cutoff=0.5)
    ids = list(dict.fromkeys(labels[c] for c in close))
    hint = ", ".join(f"{i!r} ({known[i][0]})" for i in ids)
    return ParameterError(
        f"unknown actor id {actor_id!r}" + (f"; did you mean {hint}?" if hint else "")
    )


def ego_graph(graph: nx.MultiDiGraph, actor_id: str, hops: int = 1) -> nx.MultiDiGraph:
    """Return the actors within ``hops`` ties of ``actor_id``, whatever the tie's direction.

    Raises
    ------
    ParameterError
        For an id that is not in the graph, suggesting ids whose id, name or
        alias is close (``"Belmokhtar"`` suggests ``'belmokhtar'``).

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> ego = ego_graph(build_graph(load_dataset()), "belmokhtar")
    >>> "mali-gov" in ego
    True
    """
    if actor_id not in graph:
        raise _unknown_actor(graph, actor_id)
    if not isinstance(hops, int) or hops < 0:
        raise ParameterError(f"hops={hops!r} must be a whole number, 0 or more")
    ego = nx.ego_graph(graph, actor_id, radius=hops, undirected=True).copy()
    ego.graph.update(graph.graph, focus=actor_id, hops=hops)
    return ego


def _simple(graph: nx.MultiDiGraph) -> nx.Graph:
    """Collapse parallel and directed edges into one undirected edge weighted by count."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    for a, b in sorted((min(u, v), max(u, v)) for u, v in graph.edges() if u != v):
        if simple.has_edge(a, b):
            simple[a][b]["weight"] += 1
        else:
            simple.add_edge(a, b, weight=1)
    return simple


def actor_metrics(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Return one row per actor: ties by sign, betweenness and community.

    ``degree`` counts relationships (parallel ones each count).
    ``betweenness`` is the normalised share of shortest paths between other
    actors that pass through this one, on the undirected graph of who is tied
    to whom — brokers and mediators stand out. ``community`` numbers Louvain
    communities (seeded) from 1, largest first. Rows are sorted by
    betweenness, then degree, then id, so equal input gives equal output.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> metrics = actor_metrics(build_graph(load_dataset()))
    >>> metrics.loc["aqim", "hostile"] >= 1
    True
    """
    columns = ["name", "actor_type", "degree", "cooperative", "hostile", "neutral"]
    columns += ["betweenness", "community"]
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=columns).rename_axis("actor_id")
    counts = {node: {"cooperative": 0, "hostile": 0, "neutral": 0} for node in graph}
    for u, v, sign in graph.edges(data="sign"):
        counts[u][sign] += 1
        if v != u:
            counts[v][sign] += 1
    simple = _simple(graph)
    betweenness = nx.betweenness_centrality(simple, normalized=True)
    found = nx.community.louvain_communities(simple, weight="weight", seed=_SEED)
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    community = {node: number for number, c in enumerate(ordered, 1) for node in c}
    rows = [
        {
            "actor_id": node,
            "name": graph.nodes[node]["name"],
            "actor_type": graph.nodes[node]["actor_type"],
            "degree": graph.degree(node),
            **counts[node],
            "betweenness": round(betweenness[node], 4),
            "community": community[node],
        }
        for node in sorted(graph)
    ]
    frame = pd.DataFrame(rows).set_index("actor_id")[columns]
    frame = frame.reset_index().sort_values(
        ["betweenness", "degree", "actor_id"], ascending=[False, False, True]
    )
    return frame.set_index("actor_id")


def alliance_shifts(dataset: Dataset) -> pd.DataFrame:
    """Return the actor pairs whose tie changed sign over time, one row per phase.

    A pair counts when its dated relationships carry at least two signs
    (cooperative, hostile, neutral). All its relationships are listed as
    phases in order of start; undated ones come last, as their place in time
    is unknown.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> shifts = alliance_shifts(load_dataset())
    >>> shifts["sign"].tolist()[:2]
    ['cooperative', 'hostile']
    """
    rels = dataset.relationships.copy()
    pair = [sorted(p) for p in zip(rels["actor_a"], rels["actor_b"], strict=True)]
    rels["pair_a"] = [p[0] for p in pair]
    rels["pair_b"] = [p[1] for p in pair]
    rels["sign"] = rels["kind"].astype(str).map(RELATIONSHIP_KINDS)
    rels["dated"] = rels["start_start"].notna() | rels["end_end"].notna()
    signs = rels[rels["dated"]].groupby(["pair_a", "pair_b"])["sign"].nunique()
    shifting = signs[signs >= 2].index
    chosen = rels.set_index(["pair_a", "pair_b"]).loc[lambda f: f.index.isin(shifting)]
    chosen = chosen.reset_index().sort_values(
        ["pair_a", "pair_b", "dated", "start_start", "end_end", "relationship_id"],
        ascending=[True, True, False, True, True, True],
        na_position="last",
    )
    chosen["phase"] = chosen.groupby(["pair_a", "pair_b"]).cumcount() + 1
    names = dataset.actors.set_index("actor_id")["name"]
    out = pd.DataFrame(
        {
            "actor_a": chosen["pair_a"],
            "name_a": chosen["pair_a"].map(names),
            "actor_b": chosen["pair_b"],
            "name_b": chosen["pair_b"].map(names),
            "phase": chosen["phase"],
            "kind": chosen["kind"].astype(str),
            "sign": chosen["sign"],
            "start": chosen["start"],
            "end": chosen["end"],
            "status": chosen["status"].astype(str),
            "credibility": chosen["credibility"],
            "source_id": chosen["source_id"],
            "locator": chosen["locator"],
            "relationship_id": chosen["relationship_id"],
        }
    )
    return out.reset_index(drop=True)


def export_graph(graph: nx.Graph, path: str | os.PathLike) -> Path:
    """Write ``graph`` as GEXF (``.gexf``) or GraphML (``.graphml``) for Gephi and others.

    Attribute values become plain strings, integers, floats or booleans:
    lists are joined with ``|`` and missing values written as empty text.
    Returns the path written.
    """
    path = Path(path)
    writers = {".gexf": nx.write_gexf, ".graphml": nx.write_graphml}
    if path.suffix.lower() not in writers:
        raise ParameterError(f"{path.name}: export_graph writes .gexf or .graphml files")
    plain = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        plain.add_node(node, **{k: _plain(v) for k, v in data.items()})
    for u, v, key, data in graph.edges(keys=True, data=True):
        plain.add_edge(u, v, key=key, **{k: _plain(val) for k, val in data.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    writers[path.suffix.lower()](plain, path)
    return path


def _plain(value):
    if isinstance(value, (list, tuple)):
        return "|".join(map(str, value))
    if isinstance(value, (bool, int, float, str)):
        return value
    return _text(value)
