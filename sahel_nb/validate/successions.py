"""Cycles of successions among the relationships (A became B, B became A), one problem each."""

from __future__ import annotations

import itertools

import networkx as nx
import pyarrow
import pyarrow.compute as pc

from ..csvfile import RawTable, arrow_text

#: Cycles named at most per data folder: each needs a row fixed, and fixing
#: one often breaks several.
_MAX_CYCLES = 20


def _succession_problems(raw: RawTable) -> None:
    """One problem per cycle of successions (A became B, B became A), naming its rows.

    Only directed ties that are not denied say who became whom; a tie of an
    actor with itself is reported by the row checks.
    """
    frame = raw.frame
    if frame is None or not {"actor_a", "actor_b", "kind", "directed", "status"} <= set(frame):
        return

    def column(name: str) -> pyarrow.Array:
        return arrow_text(frame[name])

    a, b = column("actor_a"), column("actor_b")
    # In Arrow: a million imported relationships hold no succession at all.
    ties = pc.and_(
        pc.and_(
            pc.equal(column("kind"), "predecessor/successor"),
            pc.equal(column("directed"), "true"),
        ),
        pc.and_(
            pc.fill_null(pc.not_equal(column("status"), "denied"), True),
            pc.not_equal(a, b),  # null when either is empty
        ),
    )
    positions = frame.index[pc.fill_null(ties, False).to_numpy(zero_copy_only=False)]
    if not len(positions):
        return
    graph = nx.DiGraph()
    for position in positions:
        old, new = frame.at[position, "actor_a"], frame.at[position, "actor_b"]
        if not graph.has_edge(old, new):
            graph.add_edge(old, new, rows=[])
        graph[old][new]["rows"].append(position)  # in file order

    def first_row(step: tuple[str, str]) -> int:
        return graph.edges[step]["rows"][0]

    found = []
    for cycle in itertools.islice(nx.simple_cycles(graph), _MAX_CYCLES):
        steps = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
        # Start from the row an editor meets first.
        first = min(range(len(steps)), key=lambda i: first_row(steps[i]))
        found.append(steps[first:] + steps[:first])
    for steps in sorted(found, key=lambda steps: first_row(steps[0])):
        chain = steps[0][0] + "".join(
            f" → {new} ({_lines([raw.line(p) for p in graph.edges[old, new]['rows']])})"
            for old, new in steps
        )
        raw.problem(
            raw.line(first_row(steps[0])),
            "actor_b",
            f"the succession comes back to {steps[0][0]}: {chain}; an organisation cannot "
            "succeed its own successor: correct, deny or remove one of these rows",
            steps[0][1],
        )


def _lines(lines: list[int]) -> str:
    return f"line {lines[0]}" if len(lines) == 1 else "lines " + ", ".join(map(str, lines))
