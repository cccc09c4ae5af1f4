"""Broker metrics of an alliance network (ties by sign, betweenness, communities) through igraph."""

from __future__ import annotations

import random
from operator import itemgetter, methodcaller

import igraph
import networkx as nx
import numpy as np
import pandas as pd

from ._fork import Forked
from ._gc import paused
from .edges import edge_list
from .schema import STRUCTURAL_KINDS

__all__ = [
    "BETWEENNESS_SAMPLE",
    "BETWEENNESS_WORK",
    "EXACT_BETWEENNESS",
    "LEIDEN_ITERATIONS",
    "betweenness",
    "graph_metrics",
    "is_structural",
]

_SEED = 0
#: Past this many actors, betweenness is estimated from ``BETWEENNESS_SAMPLE``
#: seeded source actors, however few the ties; up to it, exact within
#: ``BETWEENNESS_WORK``.
EXACT_BETWEENNESS = 10_000
BETWEENNESS_SAMPLE = 100
#: Betweenness counts the shortest paths out of every actor: work that grows as
#: actors times pairs of actors tied, not as actors alone. It is exact up to this
#: much of it (10,000 actors of ten ties each; about two CPU-seconds of igraph);
#: past it, estimated from as many seeded source actors as the same work allows,
#: never fewer than ``BETWEENNESS_SAMPLE`` (2,253 of the 5,053 actors of a
#: 500,000-event ACLED import, where exact figures cost 5 CPU-seconds).
BETWEENNESS_WORK = 500_000_000
#: Leiden runs until an iteration no longer improves modularity, except past
#: ``EXACT_BETWEENNESS`` actors, where it stops after this many iterations.
LEIDEN_ITERATIONS = 20

_SIGNS = ("cooperative", "hostile", "neutral")
_COLUMNS = ["name", "actor_type", "degree", *_SIGNS, "structural", "betweenness", "community"]


def is_structural(data: dict) -> bool:
    """Whether a tie says what an actor is (member, successor, kin), not how it deals with another.

    The edge's own ``structural`` flag (set by
    :func:`sahel_nb.network.build_graph`), else its ``kind`` among
    :data:`sahel_nb.schema.STRUCTURAL_KINDS`.

    Examples
    --------
    >>> is_structural({"kind": "leadership/membership"}), is_structural({"kind": "support"})
    (True, False)
    """
    flag = data.get("structural")
    return bool(flag) if flag is not None else data.get("kind") in STRUCTURAL_KINDS


@paused()
def graph_metrics(
    graph: nx.MultiDiGraph,
    *,
    structural: bool = False,
    exact_up_to: int | None = None,
    sample: int | None = None,
    work: int | None = None,
) -> pd.DataFrame:
    """Return one row per actor: ties by sign, betweenness and community.

    The same frame as :func:`sahel_nb.network.actor_metrics` (index
    ``actor_id``; columns name, actor_type, degree, cooperative, hostile,
    neutral, structural, betweenness, community; rows by betweenness, then
    degree, then id), computed with igraph's C core on the undirected graph
    of who is tied to whom: parallel ties collapse into one edge weighted by
    their count, ties of an actor to itself are dropped.

    Structural ties (:func:`is_structural`: leadership or membership,
    predecessor and successor, kinship or marriage) say what an actor is,
    not whom it works with: by default they are counted only in
    ``structural`` and left out of every other column, so a member is not
    counted as an ally nor a leader as a broker. ``structural=True`` counts
    them as their sign, as any other tie.

    ``degree`` counts the relationships counted (parallel ones each count, a
    tie to oneself twice, as networkx does); ``cooperative``, ``hostile``,
    ``neutral`` and ``structural`` count them by sign (a tie to oneself
    once). ``betweenness``
    is exact and normalised as networkx's ``betweenness_centrality`` is for
    an undirected graph (by ``2 / ((n - 1)(n - 2))``; 0 when n ≤ 2), rounded
    to 4 places. Past ``exact_up_to`` actors (default
    :data:`EXACT_BETWEENNESS`) it is estimated from the shortest paths out of
    ``sample`` source actors (default :data:`BETWEENNESS_SAMPLE`) drawn with
    numpy's generator seeded 0, scaled as networkx scales its ``k`` sample,
    and ``frame.attrs["betweenness_sample"]`` is ``(sample, actors)``; past
    ``work`` (actors times pairs of actors tied; default
    :data:`BETWEENNESS_WORK`) it is estimated the same way from as many
    source actors as that work allows (at least ``sample``).
    ``community`` numbers Leiden communities (modularity, weighted by the tie
    counts, igraph's generator seeded 0 for the call; run until stable, or
    :data:`LEIDEN_ITERATIONS` iterations past ``exact_up_to`` actors) from
    1, largest first, ties broken by their smallest actor id.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        From :func:`sahel_nb.network.build_graph`: nodes carry ``name`` and
        ``actor_type``, edges ``sign`` (and ``kind`` or ``structural``).
    structural : bool, default False
        Count structural ties as their sign, in degree, betweenness and communities.
    exact_up_to, sample, work : int, optional
        Override :data:`EXACT_BETWEENNESS`, :data:`BETWEENNESS_SAMPLE` and
        :data:`BETWEENNESS_WORK`.

    Returns
    -------
    pandas.DataFrame
        One row per actor; empty (with the columns) for an empty graph.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> metrics = graph_metrics(build_graph(load_dataset()))
    >>> int(metrics.loc["aqim", "hostile"])
    3
    >>> bool((graph_metrics(build_graph(load_dataset()), structural=True)["structural"] == 0).all())
    True
    """
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=_COLUMNS).rename_axis("actor_id")
    nodes = sorted(graph)
    n = len(nodes)
    simple, counts, degree = _simple(graph, nodes, structural=structural)
    sampled = _sampled(n, simple.ecount(), exact_up_to, sample, work)
    # Leiden is capped by actors only: the work budget is betweenness's.
    many = n > (EXACT_BETWEENNESS if exact_up_to is None else exact_up_to)
    iterations = LEIDEN_ITERATIONS if many else -1
    # On a big graph the communities are found in a third process while the two
    # halves of betweenness are counted: three tasks on two cores finish sooner
    # than two side by side and then one alone.
    leiden = (
        Forked(_communities, simple, nodes, iterations)
        if simple.vcount() * simple.ecount() > PARALLEL_WORK
        else None
    )
    betweenness = _betweenness(simple, sampled)
    community = leiden.result() if leiden is not None else _communities(simple, nodes, iterations)

    rows = [
        {
            "actor_id": node,
            "name": graph.nodes[node]["name"],
            "actor_type": graph.nodes[node]["actor_type"],
            "degree": degree[at],
            **counts[node],
            "betweenness": round(betweenness[at], 4),
            "community": community[at],
        }
        for at, node in enumerate(nodes)
    ]
    frame = pd.DataFrame(rows).set_index("actor_id")[_COLUMNS]
    frame = frame.reset_index().sort_values(
        ["betweenness", "degree", "actor_id"], ascending=[False, False, True]
    )
    frame = frame.set_index("actor_id")
    if sampled is not None:
        frame.attrs["betweenness_sample"] = (sampled, n)
    return frame


def _sampled(n: int, pairs: int, exact_up_to=None, sample=None, work=None) -> int | None:
    """How many seeded source actors betweenness is counted from; None for all of them (exact).

    Examples
    --------
    >>> _sampled(5_053, 221_834, work=500_000_000), _sampled(42, 60) is None
    (2253, True)
    """
    exact_up_to = EXACT_BETWEENNESS if exact_up_to is None else exact_up_to
    sample = BETWEENNESS_SAMPLE if sample is None else sample
    work = BETWEENNESS_WORK if work is None else work
    if n > exact_up_to:
        return min(sample, n)
    if n * pairs > work:
        sources = max(sample, work // max(pairs, 1))
        return sources if sources < n else None
    return None


def _simple(
    graph: nx.MultiDiGraph, nodes: list[str], leave_out=frozenset(), *, structural: bool = False
):
    """The undirected, simple igraph graph of ``graph``, each actor's ties by sign, and degrees.

    One edge per pair of actors (vertices in ``nodes`` order), weighted by
    how many ties join the pair; ties to oneself dropped; ties whose key is
    in ``leave_out`` left out of all three. Unless ``structural``, structural
    ties are left out too, and counted under ``structural`` only. Degrees
    (by vertex) count a tie to oneself twice, as networkx does.
    """
    n = len(nodes)
    u, v, keys, sign, apart = _edge_arrays(graph, nodes)
    kept = ~pd.Index(keys).isin(list(leave_out)) if leave_out else np.ones(len(u), bool)
    labels = (*_SIGNS, "structural")
    if not structural:
        sign[apart] = len(_SIGNS)  # the "structural" column
        counted = kept & ~apart
    else:
        counted = kept
    # A tie counts for both its ends, a tie to oneself once.
    ends = np.concatenate([u[kept], v[kept & (u != v)]])
    ends_sign = np.concatenate([sign[kept], sign[kept & (u != v)]])
    tally = np.bincount(ends * len(labels) + ends_sign, minlength=n * len(labels))
    tally = tally.reshape(n, len(labels)).tolist()
    counts = {node: dict(zip(labels, tally[at], strict=True)) for at, node in enumerate(nodes)}
    degree = np.bincount(np.concatenate([u[counted], v[counted]]), minlength=n).tolist()
    codes, weights = _pairs(u, v, counted, n)
    simple = igraph.Graph(n=n, edges=np.column_stack([codes // n, codes % n]).tolist())
    simple.es["weight"] = weights.tolist()
    return simple, counts, degree


def _edge_arrays(graph: nx.MultiDiGraph, nodes: list[str]):
    """Every tie's two ends (positions in ``nodes``), key, sign code and whether structural."""
    edges = edge_list(graph)
    if not edges:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, [], empty, np.zeros(0, dtype=bool)
    # Column by column through C-level maps: a quarter of a million ties, twice a run.
    us, vs, keys, data = (list(column) for column in zip(*edges, strict=True))
    at = {node: i for i, node in enumerate(nodes)}
    u = np.fromiter(map(at.__getitem__, us), dtype=np.int64, count=len(us))
    v = np.fromiter(map(at.__getitem__, vs), dtype=np.int64, count=len(vs))
    sign = pd.Categorical(list(map(itemgetter("sign"), data)), categories=_SIGNS)
    flags = list(map(methodcaller("get", "structural"), data))
    kinds = [
        bool(f) if f is not None else is_structural(d) for f, d in zip(flags, data, strict=True)
    ]
    return u, v, keys, sign.codes.astype(np.int64), np.asarray(kinds, dtype=bool)


def _pairs(u: np.ndarray, v: np.ndarray, counted: np.ndarray, n: int):
    """The pairs of actors the ``counted`` ties join, as sorted codes ``a * n + b`` (a < b), and how many ties each."""
    between = counted & (u != v)
    a, b = np.minimum(u, v)[between], np.maximum(u, v)[between]
    return np.unique(a * n + b, return_counts=True)


@paused()
def betweenness(
    graph: nx.MultiDiGraph,
    *,
    leave_out=frozenset(),
    structural: bool = False,
    exact_up_to: int | None = None,
    sample: int | None = None,
    work: int | None = None,
    known: pd.Series | None = None,
) -> pd.Series:
    """Each actor's betweenness as :func:`graph_metrics` gives it, with the ties ``leave_out`` left out.

    ``leave_out`` holds edge keys (relationship ids); structural ties are
    left out too unless ``structural`` (as in :func:`graph_metrics`). Only betweenness is
    computed: the question "who brokers without the alleged ties" needs no
    communities and no copy of the graph.

    Estimated or exact as :func:`graph_metrics` decides for the whole
    ``graph``, from the same source actors: the figures with and without the
    ties left out compare.

    ``known`` is the betweenness of the whole ``graph`` (every actor), as
    :func:`graph_metrics` gave it with the same ``structural``,
    ``exact_up_to``, ``sample`` and ``work``: given it, only the connected components
    where leaving the ties out parts a pair of actors are counted again, and
    every other actor keeps its known figure, which is what counting again
    would give (a shortest path never leaves its component, and a pair still
    tied by another tie keeps every path). The figures are the same as without it.
    A ``known`` column whose ``attrs`` (as :func:`graph_metrics`' frame passes
    them on) name another sample than this graph's is not used.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> graph = build_graph(load_dataset())
    >>> float(betweenness(graph)["aqim"]) == float(graph_metrics(graph).loc["aqim", "betweenness"])
    True
    >>> whole = graph_metrics(graph)["betweenness"]
    >>> alleged = {k for _, _, k, s in graph.edges(keys=True, data="status") if s == "alleged"}
    >>> betweenness(graph, leave_out=alleged, known=whole).equals(betweenness(graph, leave_out=alleged))
    True
    """
    nodes = sorted(graph)
    index = pd.Index(nodes, name="actor_id")
    n = len(nodes)
    u, v, keys, _, apart = _edge_arrays(graph, nodes)
    counted = np.ones(len(u), bool) if structural else ~apart
    whole, _ = _pairs(u, v, counted, n)
    firm = (
        _pairs(u, v, counted & ~pd.Index(keys).isin(list(leave_out)), n)[0] if leave_out else whole
    )
    sampled = _sampled(n, len(whole), exact_up_to, sample, work)
    if known is not None and known.attrs.get("betweenness_sample") != (
        None if sampled is None else (sampled, n)
    ):
        known = None  # figures of another sample: counted again
    if known is None:
        values = [round(value, 4) for value in _betweenness(_graph(firm, n), sampled)]
        return pd.Series(values, index=index, name="betweenness")
    if len(known) != len(nodes) or not index.isin(known.index).all():
        raise ValueError("known must give the betweenness of every actor of the graph")
    values = known.reindex(index).tolist()
    parted = np.setdiff1d(whole, firm, assume_unique=True)
    if not len(parted) or n <= 2:  # every path is still there
        return pd.Series(values, index=index, name="betweenness")
    # Only the components that lost a pair change; count those alone, their
    # vertices in the same order, with the same sources and halves.
    components = _graph(whole, n).connected_components().membership
    membership = np.asarray(components)
    touched = np.isin(membership, membership[np.concatenate([parted // n, parted % n])])
    inside = np.flatnonzero(touched)
    position = np.full(n, -1, dtype=np.int64)
    position[inside] = np.arange(len(inside))
    kept = firm[touched[firm // n]]
    part = igraph.Graph(
        n=len(inside),
        edges=np.column_stack([position[kept // n], position[kept % n]]).tolist(),
    )
    sources = _sources(n, sampled)
    raw = _raw_betweenness(part, sources, within=position)
    scale = _scales(n, sampled, sources)[inside]
    for at, value in zip(inside.tolist(), raw * scale, strict=True):
        values[at] = round(value, 4)
    return pd.Series(values, index=index, name="betweenness")


def _graph(codes: np.ndarray, n: int) -> igraph.Graph:
    return igraph.Graph(n=n, edges=np.column_stack([codes // n, codes % n]).tolist())


def _sources(n: int, sampled: int | None) -> list[int]:
    """The vertices shortest paths are counted out of: all, or ``sampled`` drawn seeded."""
    if sampled is None or sampled >= n:
        return list(range(n))
    sources = np.random.default_rng(_SEED).choice(n, size=sampled, replace=False)
    return sorted(int(s) for s in sources)


def _scales(n: int, sampled: int | None, sources: list[int]) -> np.ndarray:
    """What each vertex's ordered-pair count is multiplied by to be normalised (see :func:`_betweenness`)."""
    if sampled is None or sampled >= n:
        return np.full(n, 2 / ((n - 1) * (n - 2)))
    in_sample = 2 / ((sampled - 1) * (n - 2)) if sampled > 1 else float("nan")
    scales = np.full(n, 2 / (sampled * (n - 2)))
    scales[sources] = in_sample
    return scales


def _betweenness(simple: igraph.Graph, sampled: int | None) -> list[float]:
    """Normalised betweenness of each vertex: exact, or from ``sampled`` seeded sources.

    igraph counts each unordered pair once; networkx's normalised
    betweenness divides ordered-pair counts by ``(n - 1)(n - 2)``. A sample
    of k sources is scaled as networkx scales it (endpoints excluded): by
    ``1 / ((k - 1)(n - 2))`` for a sampled vertex, ``1 / (k (n - 2))`` for
    the others, on ordered-pair counts.
    """
    n = simple.vcount()
    if n <= 2:
        return [0.0] * n
    sources = _sources(n, sampled)
    return list(_raw_betweenness(simple, sources) * _scales(n, sampled, sources))


#: Past this much work (vertices x edges), the shortest paths out of half the
#: sources are counted in a forked process while this one counts the other half.
PARALLEL_WORK = 20_000_000


def _raw_betweenness(simple: igraph.Graph, sources, *, within: np.ndarray | None = None):
    """Ordered-pair betweenness counts over the shortest paths out of ``sources``.

    The sources are always split in two halves (even and odd positions) and
    the two counts added, so the figure is the same whether the halves run
    side by side or one after the other. igraph holds the GIL while it
    counts, so past :data:`PARALLEL_WORK` the second half runs in a forked
    process (:class:`sahel_nb._fork.Forked`; here, if that fails). With
    ``within`` (each vertex of a bigger graph's position in ``simple``, -1
    where absent), ``sources`` are that graph's vertices, halved as there, and
    those outside ``simple`` are left out: its vertices get the counts they
    get in the bigger graph.
    """
    sources = list(sources)
    first, second = sources[0::2], sources[1::2]
    if within is not None:
        first, second = (
            [int(within[s]) for s in half if within[s] >= 0] for half in (first, second)
        )
    if not second:
        return _counts(simple, first)
    if simple.vcount() * simple.ecount() > PARALLEL_WORK:
        task = Forked(_counts, simple, second)
        return _counts(simple, first) + task.result()
    return _counts(simple, first) + _counts(simple, second)


def _counts(simple: igraph.Graph, sources: list[int]) -> np.ndarray:
    if not sources:
        return np.zeros(simple.vcount())
    return np.asarray(simple.betweenness(directed=False, sources=sources), dtype=float)


def _communities(simple: igraph.Graph, nodes: list[str], iterations: int) -> list[int]:
    """Each vertex's Leiden community, numbered from 1: largest first, then smallest id."""
    # Leiden draws on igraph's own generator: seed it for this call only. igraph
    # has no getter for the generator in use, so it goes back to its default
    # (Python's random module) afterwards.
    igraph.set_random_number_generator(random.Random(_SEED))
    try:
        found = simple.community_leiden(
            objective_function="modularity", weights="weight", n_iterations=iterations
        )
    finally:
        igraph.set_random_number_generator(random)
    members: dict[int, list[int]] = {}
    for vertex, label in enumerate(found.membership):
        members.setdefault(label, []).append(vertex)
    # Vertices are numbered in id order, so a community's first vertex is its smallest id.
    ordered = sorted(members.values(), key=lambda c: (-len(c), nodes[c[0]]))
    community = [0] * len(nodes)
    for number, group in enumerate(ordered, 1):
        for vertex in group:
            community[vertex] = number
    return community
