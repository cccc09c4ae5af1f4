"""Actors by id: checking one (with close ids to suggest), its predecessors, the ties around it."""

from __future__ import annotations

import difflib

import networkx as nx

from ..data import Dataset
from ..exceptions import ParameterError
from ..origins import claims_of


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
    >>> from sahel_nb.network import build_graph
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
