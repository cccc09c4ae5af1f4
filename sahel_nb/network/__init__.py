"""Alliance networks: who is tied to whom, when, through whom — as networkx graphs."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._gc import paused
from ..cite import locator_lists, short_names
from ..data import Dataset
from ..dates import in_window, overlaps, window_bounds
from ..edges import add_keyed_edges
from ..exceptions import ParameterError
from ..origins import claims_of
from ..schema import RELATIONSHIP_KINDS, RELATIONSHIP_STATUSES, STRUCTURAL_KINDS
from .brokers import (
    BETWEENNESS_SAMPLE,
    EXACT_BETWEENNESS,
    actor_metrics,
    betweenness_caveat,
    counted_ties,
    is_structural,
    key_actors,
)

# Re-exported: from this many ties export_graph forks. Read in exports.py: set it
# there (a test does) to take effect.
from .exports import PARALLEL_TIES as PARALLEL_TIES
from .exports import export_graph

# Re-exported: tests check a tie's hover text and its period in words.
from .hover import _edge_details as _edge_details
from .hover import _edge_tooltip as _edge_tooltip
from .hover import _period as _period
from .shifts import alliance_shifts
from .sigma import SIGMA_NODES

# Re-exported: pages.py and the sigma template name it where they describe the page's data.
from .sigma import _tie_columns as _tie_columns
from .tables import edge_sources, edge_table
from .vis import MAX_DRAWN_TIES, to_pyvis

# Re-exported: a browser test reads the years of ties as the page does.
from .vis import _year as _year

__all__ = [
    "BETWEENNESS_SAMPLE",
    "EXACT_BETWEENNESS",
    "MAX_DRAWN_TIES",
    "SIGMA_NODES",
    "actor_metrics",
    "alliance_shifts",
    "betweenness_caveat",
    "build_graph",
    "check_actor",
    "counted_ties",
    "edge_sources",
    "edge_table",
    "ego_graph",
    "export_graph",
    "is_structural",
    "key_actors",
    "predecessors",
    "to_pyvis",
]


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


@paused()
def build_graph(
    dataset: Dataset,
    *,
    start=None,
    end=None,
    kinds=None,
    statuses=None,
    credibility_at_least: int | None = None,
    undated: bool = True,
    derived: bool = False,
) -> nx.MultiDiGraph:
    """Return the actors and the relationships that overlap a time window.

    Each relationship *claim* is one edge, however many sources report it:
    the row that speaks for it (:func:`sahel_nb.origins.one_per_claim`) gives
    its actors, dates and key (``relationship_id``), and the edge carries
    ``claim_id``, ``reports``, ``origins`` (independent origins),
    ``denials``, ``agreement``, ``support`` (its wording) and ``reported_as``
    (every report, one per line). A claim only denied is no tie and is left
    out. Parallel claims between a pair are all kept. An undirected relationship is
    stored once, from ``actor_a`` to ``actor_b``, with ``directed=False``.
    A tie of a kind in :data:`sahel_nb.schema.STRUCTURAL_KINDS` (membership,
    succession, kinship) carries ``structural=True``: it is drawn apart from
    cooperation and left out of :func:`actor_metrics` unless asked for.
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
    derived : bool, default False
        Also add a tie for every pair of actors that events name together
        (actor1 with actor2 and with each associated actor, as in an ACLED
        import): kind ``co-occurrence``, sign neutral, ``derived=True``, dated
        and cited by the event. No source states these ties; they are kept
        apart from the curated relationships (``derived=False``) and left out
        unless asked for. Every event behind them is kept, by tie, in
        ``graph.graph["derived_locators"]`` (``relationship_id``,
        ``source_id``, ``locator``): a tie's own locator stops after a dozen
        rows, and :func:`edge_sources` cites them all.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> graph = build_graph(load_dataset(), start="2003", end="2003")
    >>> graph.edges["tuareg", "aqim", "rel-tuareg-aqim-cooperation"]["sign"]
    'cooperative'
    """
    window_start, window_end = window_bounds(start, end)
    kinds = _choices(kinds, list(RELATIONSHIP_KINDS), "kinds")
    statuses = _choices(statuses, list(RELATIONSHIP_STATUSES), "statuses")
    if credibility_at_least is not None and credibility_at_least not in range(1, 7):
        raise ParameterError(
            f"credibility_at_least={credibility_at_least!r} must be 1 (confirmed) to 6"
        )

    rels = claims_of(dataset, "relationships")
    rels = rels[(rels["agreement"] != "denied").to_numpy(bool)]
    keep = overlaps(rels["start_start"], rels["end_end"], window_start, window_end)
    no_dates = rels["start_start"].isna() & rels["end_end"].isna()
    windowed = window_start is not None or window_end is not None
    left_out = 0
    if not undated and windowed:
        left_out = int((keep & no_dates).sum())
        keep &= ~no_dates
    if kinds is not None:
        keep &= rels["kind"].isin(kinds)
    if statuses is not None:
        keep &= rels["status"].isin(statuses)
    if credibility_at_least is not None:
        keep &= rels["credibility"] <= credibility_at_least
    chosen = rels[keep].sort_values("relationship_id")
    reports = _report_lines(dataset, set(chosen["claim_id"]))
    pairs, behind = (
        _co_occurrences(dataset, start, end, statuses, credibility_at_least)
        if derived
        else ([], None)
    )

    # What a window did with ties of unknown period, for the sentence that describes it.
    graph = nx.MultiDiGraph(
        window=(_text(start), _text(end)), undated=undated, undated_left_out=left_out
    )
    # Insertion order drives the page layout: add in sorted order (networkx #6655).
    actors = {row["actor_id"]: row for row in dataset.actors.to_dict("records")}
    used = set(chosen["actor_a"]) | set(chosen["actor_b"])
    used = sorted(used | {a for a, _, _, _ in pairs} | {b for _, b, _, _ in pairs})
    for actor_id in used:
        row = actors[actor_id]
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
            structural=str(rel.kind) in STRUCTURAL_KINDS,
            directed=bool(rel.directed),
            start=_text(rel.start),
            end=_text(rel.end),
            status=str(rel.status),
            credibility=int(rel.credibility),
            source_id=rel.source_id,
            locator=rel.locator,
            note=_text(rel.note),
            derived=False,
            claim_id=rel.claim_id,
            reports=int(rel.reports),
            origins=int(rel.origins),
            denials=int(rel.denials),
            agreement=rel.agreement,
            support=rel.support,
            cited=rel.cited,
            reported_as="\n".join(reports.get(rel.claim_id, [])),
        )
    add_keyed_edges(graph, pairs)  # the ties' dicts are new: kept, not copied
    # Kept for messages about actors outside this window (see ego_graph).
    graph.graph["all_actors"] = _known_actors(dataset)
    if behind is not None:
        # Every event behind each derived tie, for captions: a tie's own
        # locator stops after a dozen rows.
        graph.graph["derived_locators"] = behind
    return graph


def _report_lines(dataset: Dataset, claims: set[str]) -> dict[str, list[str]]:
    """Each claim's reports, one line each: ``Guitta 2010 ¶7: reported, credibility 3``."""
    rels = dataset.relationships
    rows = rels[rels["claim_id"].isin(claims)]
    if rows.empty:
        return {}
    names = short_names(dataset.sources)
    lines: dict[str, list[str]] = {}
    ordered = rows.assign(against=rows["status"].astype(str) == "denied").sort_values(
        ["claim_id", "against", "credibility", "relationship_id"]
    )
    for row in ordered.itertuples(index=False):
        via = f", relaying {names.get(row.relays, row.relays)}" if _text(row.relays) else ""
        lines.setdefault(row.claim_id, []).append(
            f"{names.get(row.source_id, row.source_id)} {row.locator}{via}: "
            f"{row.status}, credibility {row.credibility}"
        )
    return lines


def _co_occurrences(
    dataset: Dataset, start, end, statuses, credibility_at_least
) -> tuple[list[tuple], pd.DataFrame | None]:
    """One neutral, derived tie per pair of actors events name together, per source and grade.

    Ties come as ``(actor_a, actor_b, relationship_id, attributes)``, as
    ``add_edges_from`` takes them.

    The events behind a tie are counted (``events``), dated from the first to
    the last and cited together, so an ACLED import of half a million rows
    gives one tie per pair, not one per row. Also returns every event's
    ``source_id`` and ``locator`` by the ``relationship_id`` of the tie it is
    behind (None when there is no tie).
    """
    # One event per claim: two sources' reports of one event are one co-occurrence.
    columns = ["event_id", "date", "date_start", "date_end", "status", "credibility"]
    # In any order: ties are put in order below, by actors, source, grade and event id.
    events = claims_of(
        dataset, "events", [*columns, "actor1", "actor2", "assoc_actors"], in_order=False
    )
    events = events[(events["agreement"] != "denied").to_numpy(bool)]
    events = events[in_window(events, start, end)]
    if statuses is not None:
        events = events[events["status"].isin(statuses)]
    if credibility_at_least is not None:
        events = events[events["credibility"] <= credibility_at_least]
    if events.empty:
        return [], None

    # Every (event, other actor) pair by position: actor1 with actor2, then with
    # each associated actor. Positions, not a join on half a million event ids.
    def arrow(name: str) -> pa.Array:
        array = pa.array(events[name], from_pandas=True)
        return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array

    lists = arrow("assoc_actors")
    rows = np.concatenate(
        [np.arange(len(events)), pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)]
    )
    # Actors coded by their rank among every name (Arrow's dictionary, sorted
    # as pandas sorts strings: by code point), not made Python strings first.
    names = pa.concat_arrays(
        [arrow(name).cast(pa.large_string()) for name in ("actor1", "actor2")]
        + [pc.list_flatten(lists).cast(pa.large_string())]
    )
    encoded = pc.dictionary_encode(names)
    if not len(encoded.dictionary):
        return [], None
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    actors = encoded.dictionary.take(order).to_numpy(zero_copy_only=False).astype(object)
    index = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    codes = np.where(index >= 0, rank[index], -1)  # -1: no actor named
    one_code = codes[: len(events)][rows]
    other_code = codes[len(events) :]
    named = (other_code >= 0) & (one_code >= 0)
    rows, one_code, other_code = rows[named], one_code[named], other_code[named]
    kept = one_code != other_code
    rows, one_code, other_code = rows[kept], one_code[kept], other_code[kept]
    if not len(rows):
        return [], None
    # An actor named twice in one event is one co-occurrence: the first mention counts.
    _, first_mention = np.unique(rows * len(actors) + other_code, return_index=True)
    first_mention.sort()
    rows, one_code, other_code = (
        rows[first_mention],
        one_code[first_mention],
        other_code[first_mention],
    )
    # A tie is undirected: each pair in id order, once.
    a_code, b_code = np.minimum(one_code, other_code), np.maximum(one_code, other_code)

    def column(name):
        # Taken first, then made Python strings: made in the ties' order, they
        # lie together in memory, and every later pass over the graph is quicker.
        return events[name].take(rows).to_numpy(object, na_value=None)

    source_code, sources = pd.factorize(column("source_id"), sort=True)
    status_code, statuses_found = pd.factorize(
        events["status"].astype(str).to_numpy()[rows], sort=True
    )
    credibility = events["credibility"].to_numpy("int64", na_value=99)[rows]
    # Within a tie, events in id order (Arrow sorts half a million ids quickly).
    id_rank = np.empty(len(events), dtype=np.int64)
    id_rank[pc.sort_indices(pa.array(events["event_id"])).to_numpy()] = np.arange(len(events))
    order = np.lexsort((id_rank[rows], credibility, status_code, source_code, b_code, a_code))
    rows = rows[order]
    tie_keys = [
        a_code[order],
        b_code[order],
        source_code[order],
        status_code[order],
        credibility[order],
    ]
    fresh = np.zeros(len(rows), bool)
    fresh[0] = True
    for key in tie_keys:
        fresh[1:] |= key[1:] != key[:-1]
    starts = np.flatnonzero(fresh)
    bounds = [*starts.tolist(), len(rows)]
    group = np.cumsum(fresh) - 1
    dates = column("date")
    earliest = _extreme(group, len(starts), events["date_start"].to_numpy()[rows], dates, "first")
    latest = _extreme(group, len(starts), events["date_end"].to_numpy()[rows], dates, "last")
    ids = column("event_id")
    locators = column("locator")
    cited = np.asarray(locator_lists(locators, starts), dtype=object)
    counts = np.diff(bounds)
    # Keys, locators and notes put together column by column (object arrays
    # add their strings in C), not tie by tie: a quarter of a million ties.
    a_ids, b_ids = actors[tie_keys[0][starts]], actors[tie_keys[1][starts]]
    a_ids, b_ids = np.asarray(a_ids, dtype=object), np.asarray(b_ids, dtype=object)
    source_ids = np.asarray(sources[tie_keys[2][starts]], dtype=object)
    status_found = np.asarray(statuses_found[tie_keys[3][starts]], dtype=object)
    grades = tie_keys[4][starts]
    keys = "co:" + a_ids + ":" + b_ids + ":" + source_ids + ":" + status_found + ":"
    keys = keys + grades.astype(str).astype(object)
    last = len(ids) - 1
    shown = ids[starts].copy()
    for more in (1, 2):  # the first three events' ids, "…" after them if there are more
        shown[counts > more] += ", " + ids[np.minimum(starts + more, last)][counts > more]
    shown[counts > 3] += " …"
    said = np.array([f"{count:,}" for count in counts.tolist()], dtype=object)
    notes = "derived: named together in " + said + np.where(counts != 1, " events (", " event (")
    notes = notes + shown + ")"
    # One event's locator as written; several as one list of ranges.
    tie_locators = np.where(counts == 1, locators[starts], cited)
    ties = [
        (
            a,
            b,
            key,
            {
                "relationship_id": key,
                "kind": "co-occurrence",
                "sign": "neutral",
                "structural": False,
                "directed": False,
                "start": first_date,
                "end": last_date,
                "status": status,
                "credibility": credibility,
                "source_id": source_id,
                "locator": locator,
                "note": note,
                "derived": True,
                "events": count,
            },
        )
        for a, b, key, first_date, last_date, status, credibility, source_id, locator, note, count in zip(
            a_ids.tolist(),
            b_ids.tolist(),
            keys.tolist(),
            earliest.tolist(),
            latest.tolist(),
            status_found.tolist(),
            grades.tolist(),
            source_ids.tolist(),
            tie_locators.tolist(),
            notes.tolist(),
            counts.tolist(),
            strict=True,
        )
    ]
    behind = pd.DataFrame(
        {
            "relationship_id": np.repeat(keys, np.diff(bounds)),
            "source_id": sources[tie_keys[2]],
            "locator": locators,
        },
        dtype=object,  # the strings the ties hold already, not copies of them
    )
    return ties, behind


def _extreme(group: np.ndarray, groups: int, days: np.ndarray, dates: np.ndarray, keep: str):
    """Per group, the date as written of its earliest start (``first``) or latest end (``last``).

    ``days`` are the rows' datetime64 bounds (NaT where undated), ``dates``
    the dates as written; ``""`` for a group with no dated event. Ties go to
    the first row (``first``) or the last (``last``) of the group.
    """
    out = np.full(groups, "", dtype=object)
    dated = np.flatnonzero(~np.isnat(days))
    if not len(dated):
        return out
    # A stable sort by group, then day: each group's rows in day order, ties in row order.
    order = dated[np.lexsort((days[dated], group[dated]))]
    ordered = group[order]
    edge = np.ones(len(order), bool)
    if keep == "first":
        edge[1:] = ordered[1:] != ordered[:-1]
    else:
        edge[:-1] = ordered[1:] != ordered[:-1]
    chosen = order[edge]
    out[group[chosen]] = [d if d is not None else "" for d in dates[chosen]]
    return out


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, list) and pd.isna(value)) else str(value)


def _known_actors(dataset: Dataset) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {a.actor_id: (a.name, tuple(a.aliases)) for a in dataset.actors.itertuples(index=False)}


def predecessors(dataset: Dataset, actor_id: str) -> list[str]:
    """The organisations ``actor_id`` grew out of, nearest first, by reported successions.

    Follows ``predecessor/successor`` ties (old → new) backwards, so AQIM's
    record can include what its predecessor, the GSPC, did under that name.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> predecessors(load_dataset(), "aqim")
    ['gspc']
    """
    rels = claims_of(dataset, "relationships")
    rels = rels[
        (rels["kind"].astype(str) == "predecessor/successor")
        & rels["directed"].astype(bool)
        & (rels["agreement"] != "denied")
    ]
    earlier = {}
    for old, new in sorted(zip(rels["actor_a"], rels["actor_b"], strict=True)):
        earlier.setdefault(new, []).append(old)
    found: list[str] = []
    queue = list(earlier.get(actor_id, []))
    while queue:
        current = queue.pop(0)
        if current != actor_id and current not in found:
            found.append(current)
            queue += earlier.get(current, [])
    return found


def check_actor(dataset: Dataset, actor_id: str) -> str:
    """Return ``actor_id`` if the dataset has it; else raise, suggesting close ids, names or aliases.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> check_actor(load_dataset(), "Belmokhtar")
    Traceback (most recent call last):
    ...
    sahel_nb.exceptions.ParameterError: unknown actor id 'Belmokhtar'; did you mean 'belmokhtar' (Mokhtar Belmokhtar), 'belmokhtar-tribes' (Four tribes allied to Belmokhtar by marriage)?
    """
    known = _known_actors(dataset)
    if actor_id not in known:
        raise _unknown_actor(known, actor_id, in_data=False)
    return actor_id


def _unknown_actor(known: dict, actor_id: str, *, in_data: bool = True) -> ParameterError:
    if in_data and actor_id in known:
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
        known = graph.graph.get("all_actors") or {
            node: (data.get("name", node), tuple(data.get("aliases", ())))
            for node, data in graph.nodes(data=True)
        }
        raise _unknown_actor(known, actor_id)
    if not isinstance(hops, int) or hops < 0:
        raise ParameterError(f"hops={hops!r} must be a whole number, 0 or more")
    ego = nx.ego_graph(graph, actor_id, radius=hops, undirected=True).copy()
    ego.graph.update(graph.graph, focus=actor_id, hops=hops)
    return ego
