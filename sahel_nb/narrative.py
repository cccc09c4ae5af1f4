"""Sentences computed from the tables, so notebooks and reports never hand-type a figure."""

from __future__ import annotations

import pandas as pd

__all__ = ["describe_brokers", "describe_graph", "describe_ransoms", "describe_shifts"]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def describe_graph(graph) -> str:
    """One sentence on the size and signs of an alliance graph.

    Examples
    --------
    >>> import networkx as nx
    >>> describe_graph(nx.MultiDiGraph())
    'No relationship in the data matches this selection.'
    """
    if graph.number_of_edges() == 0:
        return "No relationship in the data matches this selection."
    signs = pd.Series([d for _, _, d in graph.edges(data="sign")]).value_counts()
    parts = [
        _plural(int(signs.get(s, 0)), f"{s} tie") for s in ("cooperative", "hostile", "neutral")
    ]
    return (
        f"The selection links {_plural(graph.number_of_nodes(), 'actor')} through "
        f"{_plural(graph.number_of_edges(), 'relationship')}: {', '.join(parts)}."
    )


def describe_brokers(metrics: pd.DataFrame) -> str:
    """One or two sentences naming the main broker, from :func:`actor_metrics`."""
    brokers = metrics[metrics["betweenness"] > 0]
    if brokers.empty:
        return "No actor stands between others: every tie here is direct."
    top = brokers.iloc[0]
    sentence = (
        f"{top['name']} is the main broker: {top['betweenness']:.0%} of the shortest paths "
        f"between other actors pass through it, across {_plural(int(top['degree']), 'relationship')}."
    )
    if len(brokers) > 1:
        second = brokers.iloc[1]
        sentence += f" Next comes {second['name']} ({second['betweenness']:.0%})."
    return sentence


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


def describe_ransoms(table: pd.DataFrame, base_year: int | None = None) -> str:
    """Sentences on a :func:`sahel_nb.flows.ransom_table`, each status on its own.

    Alleged, reported and estimated money are never summed together.
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
        text = f"{status.capitalize()} ransoms: US${chosen['usd'].sum():,.0f} in the dollars of their years"
        if base_year is not None and f"usd_{base_year}" in chosen:
            text += f" (US${chosen[f'usd_{base_year}'].sum():,.0f} in {base_year} dollars)"
        sentences.append(text + f", over {_plural(len(chosen), 'payment')}.")
    unpaid = kidnappings - paid["event_id"].nunique()
    if unpaid:
        sentences.append(f"No ransom of known amount for {_plural(unpaid, 'kidnapping')}.")
    shares = table["intermediaries"].dropna().str.count("amount unknown").sum()
    if shares:
        sentences.append(f"Amount unknown for {_plural(int(shares), 'payment')} to go-betweens.")
    return " ".join(sentences)
