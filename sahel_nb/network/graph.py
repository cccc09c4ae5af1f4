"""Building the alliance graph: the relationship claims of a window as a networkx MultiDiGraph."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import pandas as pd

from .._gc import paused
from ..cite import short_names
from ..data import Dataset
from ..dates import overlaps, window_bounds
from ..edges import add_keyed_edges
from ..exceptions import ParameterError
from ..origins import claims_of
from ..schema import RELATIONSHIP_KINDS, RELATIONSHIP_STATUSES, STRUCTURAL_KINDS
from .actors import _known_actors
from .derived import _co_occurrences


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
        period is unknown, not absent); False drops them when a window is
        given, and holds one known only by its end to the end's own date.
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
    windowed = window_start is not None or window_end is not None
    first = rels["start_start"]
    if not undated and windowed:
        # Known only by its end, a tie is known to hold when it ended, not in
        # every window before (an AQIM tie in 1990).
        first = first.fillna(rels["end_start"])
    keep = overlaps(first, rels["end_end"], window_start, window_end)
    no_dates = rels["start_start"].isna() & rels["end_end"].isna()
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


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, list) and pd.isna(value)) else str(value)
