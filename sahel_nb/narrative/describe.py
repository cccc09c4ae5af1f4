"""One-paragraph readings of a table or graph for a notebook cell, every figure computed."""

from __future__ import annotations

from collections import Counter
from itertools import compress
from operator import itemgetter, methodcaller

import pandas as pd

from ..edges import edge_list
from .money import _usd_range
from .text import _plural

__all__ = [
    "describe_brokers",
    "describe_claims",
    "describe_contested",
    "describe_events",
    "describe_graph",
    "describe_ransoms",
    "describe_shifts",
]


def describe_graph(graph) -> str:
    """One sentence on the size and signs of an alliance graph.

    Examples
    --------
    >>> import networkx as nx
    >>> describe_graph(nx.MultiDiGraph())
    'No relationship in the data matches this selection.'
    """
    edges = list(map(itemgetter(3), edge_list(graph)))
    if not edges:
        return "No relationship in the data matches this selection."
    from ..schema import STRUCTURAL_KINDS

    # Column by column through C-level maps: a quarter of a million ties.
    def column(name: str) -> list:
        return list(map(methodcaller("get", name), edges))

    # What an actor is (member, successor, kin) is not whom it works with: counted apart.
    apart = list(map(frozenset(STRUCTURAL_KINDS).__contains__, column("kind")))
    structural = sum(apart)
    signs = Counter(compress(column("sign"), map((1).__sub__, apart)))
    parts = [_plural(signs[s], f"{s} tie") for s in ("cooperative", "hostile", "neutral")]
    if structural:
        parts.append(_plural(structural, "structural tie") + " (membership, lineage, kinship)")
    text = (
        f"The selection links {_plural(graph.number_of_nodes(), 'actor')} through "
        f"{_plural(len(edges), 'relationship')}: {', '.join(parts)}."
    )
    windowed = any(graph.graph.get("window", ("", "")))
    flagged = column("derived")
    dated = map(any, zip(flagged, column("start"), column("end"), strict=True))
    undated = len(edges) - sum(dated)
    if windowed and graph.graph.get("undated", True):
        if undated:
            text += (
                f" {undated} of these ties {'has' if undated == 1 else 'have'} no "
                "date: shown in every window because their period is unknown, not absent "
                "(undated ties kept; set undated_ties=False to leave them out)."
            )
    elif windowed and graph.graph.get("undated_left_out"):
        gone = graph.graph["undated_left_out"]
        text += (
            f" {_plural(gone, 'tie')} in the data {'has' if gone == 1 else 'have'} no date and "
            f"{'is' if gone == 1 else 'are'} left out of this window (undated ties off)."
        )
    elif undated:
        text += f" {undated} of these ties {'has' if undated == 1 else 'have'} no date."
    derived = list(compress(edges, flagged))
    if derived:
        events = sum(map(methodcaller("get", "events", 1), derived))
        text += (
            f" Of these, {_plural(len(derived), 'tie')} {'is' if len(derived) == 1 else 'are'} "
            f"derived from {_plural(events, 'event')} naming two actors together, not "
            "stated by a source."
        )
    return text


def _brokers(metrics: pd.DataFrame) -> pd.DataFrame:
    named = ~metrics.index.isin(metrics.attrs.get("unnamed", ()))
    return metrics[(metrics["betweenness"] > 0).to_numpy(bool) & named]


def describe_brokers(metrics: pd.DataFrame, graph=None) -> str:
    """Sentences naming the main broker, from :func:`actor_metrics`, and what the figure rests on.

    An unnamed actor (a catch-all such as "Unknown" or "Protesters (Mali)",
    listed in ``metrics.attrs["unnamed"]``) is never named a broker. Given
    the ``graph`` the metrics come from, it also says how many actors and
    ties the figure rests on, how many ties are alleged only, and who the
    main broker would be with those left out: a broker made by allegations
    is a weak finding. That figure counts the ties the metrics counted
    (structural ties too where ``metrics.attrs["structural"]``), and only
    the parts of the network the alleged ties hold together are counted again.
    """
    brokers = _brokers(metrics)
    if brokers.empty:
        return "No actor stands between others: every tie here is direct."
    top = brokers.iloc[0]
    sample = metrics.attrs.get("betweenness_sample")
    estimated = (
        f" (estimated from shortest paths out of {sample[0]:,} of the {sample[1]:,} actors, "
        "a seeded sample)"
        if sample
        else ""
    )
    sentence = (
        f"{top['name']} is the main broker: {top['betweenness']:.0%} of the shortest paths "
        f"between other actors pass through it{estimated}, across "
        f"{_plural(int(top['degree']), 'relationship')}."
    )
    if len(brokers) > 1:
        second = brokers.iloc[1]
        sentence += f" Next comes {second['name']} ({second['betweenness']:.0%})."
    if graph is not None:
        sentence += " " + _broker_basis(graph, top, metrics)
    return sentence


def _broker_basis(graph, top: pd.Series, metrics: pd.DataFrame) -> str:

    edges = edge_list(graph)
    ties = len(edges)
    alleged = [(u, v, k) for u, v, k, d in edges if d["status"] == "alleged"]
    said = (
        f"The figure rests on {_plural(graph.number_of_nodes(), 'actor')} and "
        f"{_plural(ties, 'tie')}, {len(alleged)} of them ({len(alleged) / ties:.0%}) alleged only"
    )
    if not alleged:
        return said + "."
    from ..metrics import betweenness

    # Read where actor_metrics reads them, so one setting holds for both.
    from ..network.brokers import BETWEENNESS_SAMPLE, BETWEENNESS_WORK, EXACT_BETWEENNESS

    # Betweenness alone, the alleged ties left out: no copy of a graph that
    # may hold a quarter of a million ties, and no communities. The metrics'
    # own figures are reused where the alleged ties part no pair of actors:
    # counted again only where they do, on the ties the metrics counted (and
    # from the same sample, which their column's attrs name).
    structural = bool(metrics.attrs.get("structural", False))
    n = graph.number_of_nodes()
    same = len(metrics) == n and metrics.index.isin(list(graph)).all()
    firm = betweenness(
        graph,
        leave_out={key for _, _, key in alleged},
        structural=structural,
        exact_up_to=EXACT_BETWEENNESS,
        sample=BETWEENNESS_SAMPLE,
        work=BETWEENNESS_WORK,
        known=metrics["betweenness"] if same else None,
    )
    names = dict(graph.nodes(data="name"))
    unnamed = {n for n, flag in graph.nodes(data="unnamed") if flag}
    ranked = firm[(firm > 0) & ~firm.index.isin(unnamed)]
    ranked = ranked.to_frame().assign(name=[names[a] for a in ranked.index])
    others = (
        ranked.reset_index()
        .sort_values(["betweenness", "actor_id"], ascending=[False, True])
        .set_index("actor_id")
    )
    if others.empty:
        return said + "; without them no actor stands between others."
    first = others.iloc[0]
    if others.index[0] == top.name:
        return (
            said
            + f"; without them {first['name']} stays the main broker ({first['betweenness']:.0%})."
        )
    return said + (
        f"; without them the main broker would be {first['name']} "
        f"({first['betweenness']:.0%}), not {top['name']}."
    )


def describe_shifts(shifts: pd.DataFrame) -> str:
    """One sentence per actor pair whose tie changed sign, from :func:`alliance_shifts`."""
    if shifts.empty:
        return "No pair of actors shown changes from one kind of tie to another."
    sentences = []
    for _, phases in shifts.groupby(["actor_a", "actor_b"], sort=True):
        first = phases.iloc[0]
        steps = [
            f"{row['sign']} ({row['kind']}) from {row['start'] if pd.notna(row['start']) else 'an unknown date'}"
            for _, row in phases.iterrows()
            if pd.notna(row["start"]) or pd.notna(row["end"])
        ]
        sentences.append(f"{first['name_a']} and {first['name_b']}: " + ", then ".join(steps) + ".")
    return " ".join(sentences)


def describe_events(events: pd.DataFrame) -> str:
    """Sentences on an :func:`sahel_nb.timeline.event_table`: how many, when, where.

    Examples
    --------
    >>> describe_events(pd.DataFrame(columns=["date", "first_day", "latitude"]))
    'No event in the data matches this selection.'
    """
    if events.empty:
        return "No event in the data matches this selection."
    dated = events[events["first_day"].notna()]
    text = f"The selection holds {_plural(len(events), 'event')}"
    if len(dated):
        first = dated.loc[dated["first_day"].idxmin(), "date"]
        last = dated.loc[dated["last_day"].idxmax(), "date"]
        span = f"from {first} to {last}" if first != last else f"in {first}"
        text += f": {len(dated)} dated, {span}"
    undated = len(events) - len(dated)
    if undated:
        text += f"{',' if len(dated) else ':'} {undated} with no date given"
    from ..timeline import map_counts, map_sentence

    return text + ". " + map_sentence(map_counts(events))


def describe_ransoms(table: pd.DataFrame, base_year: int | None = None) -> str:
    """Sentences on a :func:`sahel_nb.flows.ransom_table`, each status on its own.

    Alleged, reported and estimated money are never summed together, and a
    payment several sources report is counted once, as the range of its figures.
    """
    kidnappings = table["event_id"].nunique()
    if kidnappings == 0:
        return "The data records no kidnapping in this period."
    paid = table[table["amount"].notna()]
    sentences = [
        f"The data records {_plural(kidnappings, 'kidnapping')}; "
        f"{_plural(paid['event_id'].nunique(), 'kidnapping')} with a ransom of known amount."
    ]
    for status in ("reported", "alleged", "estimated"):
        chosen = paid[paid["payment_status"] == status]
        if chosen.empty:
            continue
        # Each payment once, by the ends of what its reports say.
        low, high = chosen["usd_low"].sum(), chosen["usd_high"].sum()
        text = (
            f"{status.capitalize()} ransoms: {_usd_range(low, high)} in the dollars of their years"
        )
        unit = f"usd_{base_year}"
        if base_year is not None and f"{unit}_low" in chosen:
            constant = _usd_range(chosen[f"{unit}_low"].sum(), chosen[f"{unit}_high"].sum())
            text += f" ({constant} in {base_year} dollars)"
        text += f", over {_plural(len(chosen), 'payment')}"
        reports = int((chosen["reports"] - chosen["denials"]).sum())
        if reports > len(chosen):
            text += f" reported {reports} times, each payment counted once"
        denied = int(chosen["denials"].sum())
        if denied:
            text += f", and denied {_plural(denied, 'time')}"
        sentences.append(text + ".")
    unpaid = kidnappings - paid["event_id"].nunique()
    if unpaid:
        sentences.append(f"No ransom of known amount for {_plural(unpaid, 'kidnapping')}.")
    shares = table["intermediaries"].dropna().str.count("amount unknown").sum()
    if shares:
        sentences.append(f"Amount unknown for {_plural(int(shares), 'payment')} to go-betweens.")
    return " ".join(sentences)


def describe_claims(claims: pd.DataFrame) -> str:
    """One sentence on a claim table: how many claims, reports and how they agree.

    Examples
    --------
    >>> frame = pd.DataFrame({"reports": [2, 1, 3], "agreement": ["corroborated",
    ...     "single source", "contested"]})
    >>> describe_claims(frame)
    '3 claims from 6 reports: 1 corroborated by independent origins, 1 from a single source, 1 contested (reported and denied), 0 only denied.'
    """
    if claims.empty:
        return "The data holds no claims."
    counts = claims["agreement"].value_counts()
    return (
        f"{_plural(len(claims), 'claim')} from {_plural(int(claims['reports'].sum()), 'report')}: "
        f"{counts.get('corroborated', 0)} corroborated by independent origins, "
        f"{counts.get('single source', 0)} from a single source, "
        f"{counts.get('contested', 0)} contested (reported and denied), "
        f"{counts.get('denied', 0)} only denied."
    )


def describe_contested(claims: pd.DataFrame) -> str:
    """One sentence naming the contested and denied claims of a claim table.

    Examples
    --------
    >>> frame = pd.DataFrame({"claim": ["ransom (2003): Germany → GSPC"],
    ...     "agreement": ["contested"], "support": ["contested: alleged by 3 independent origins, denied by 1 report"]})
    >>> describe_contested(frame)
    'One claim is contested or denied: ransom (2003): Germany → GSPC — contested: alleged by 3 independent origins, denied by 1 report.'
    """
    if claims.empty:
        return "No claim in the data is contested or denied."
    told = "; ".join(f"{c} — {s}" for c, s in zip(claims["claim"], claims["support"], strict=True))
    head = "One claim is" if len(claims) == 1 else f"{len(claims)} claims are"
    return f"{head} contested or denied: {told}."
