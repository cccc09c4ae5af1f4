"""The review file of uncertain event matches: the analyst's same/different, read and checked."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd

from .exceptions import Problem

__all__ = [
    "DECISIONS",
    "REVIEW_COLUMNS",
    "REVIEW_FILE",
    "matching_problems",
    "read_decisions",
    "review_problems",
    "unlisted",
]

REVIEW_FILE = "event_matches.csv"
REVIEW_COLUMNS = ["record_a", "record_b", "score", "reasons", "decision"]
#: What the analyst writes in ``decision``: empty until reviewed.
DECISIONS = ("same", "different")


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return [
            (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader
        ]


def read_decisions(data_dir: str | os.PathLike) -> tuple[dict[frozenset, str], set[frozenset]]:
    """The analyst's decisions by pair of record ids, and every pair the file lists.

    Examples
    --------
    >>> read_decisions("/nonexistent")
    ({}, set())
    """
    decisions, listed = {}, set()
    for _, row in _rows(Path(data_dir) / REVIEW_FILE):
        pair = frozenset((row.get("record_a", ""), row.get("record_b", "")))
        listed.add(pair)
        if row.get("decision", "").casefold() in DECISIONS:
            decisions[pair] = row["decision"].casefold()
    return decisions, listed


def review_problems(
    directory: Path, shown: str, event_ids, kinds: dict[str, str] | None = None
) -> list[Problem]:
    """Every problem of the folder's review file: unknown ids, unknown or contradicting decisions.

    Two decisions contradict when one pair is both ``same`` and ``different``,
    when ``same`` decisions chain two records a ``different`` keeps apart,
    or when they join records of two curated claims. ``same`` on records
    of two event types is refused too: a claim is one kind of event, and an
    import could not apply it. ``event_ids`` holds the ids of the data's
    events the file names; as a mapping, each to its curated claim (empty
    for an imported event); ``kinds`` gives each one's event type.
    """
    path = directory / REVIEW_FILE
    where = str(Path(shown) / REVIEW_FILE)
    rows = _rows(path)
    if not path.is_file():
        return []
    problems = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    for column in ("record_a", "record_b", "decision"):
        if column not in header:
            problems.append(Problem(where, 1, column, "missing column"))
    if problems:
        return problems
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    seen: dict[frozenset, tuple[str, int]] = {}
    apart = []
    # The curated claims each group of records joined by same decisions tells.
    curated_claims: dict[str, set[str]] = {
        record: {claim} for record, claim in getattr(event_ids, "items", dict)() if claim
    }
    for line, row in rows:
        a, b, decision = row["record_a"], row["record_b"], row["decision"].casefold()
        for column, value in (("record_a", a), ("record_b", b)):
            if value not in event_ids:
                problems.append(Problem(where, line, column, "is not an event of the data", value))
        if decision and decision not in DECISIONS:
            problems.append(
                Problem(where, line, "decision", "must be same, different or empty", decision)
            )
            continue
        if a == b and a:
            problems.append(Problem(where, line, "record_b", "is the same record as record_a", b))
        pair = frozenset((a, b))
        if decision and pair in seen and seen[pair][0] != decision:
            problems.append(
                Problem(where, line, "decision",
                        f"contradicts line {seen[pair][1]}, which says {seen[pair][0]!r}",
                        decision)
            )  # fmt: skip
        if decision:
            seen.setdefault(pair, (decision, line))
        kind_a, kind_b = (kinds or {}).get(a, ""), (kinds or {}).get(b, "")
        if decision == "same" and kind_a and kind_b and kind_a != kind_b:
            problems.append(
                Problem(where, line, "decision",
                        f"joins events of two types ({kind_a} / {kind_b}); a claim is one "
                        "kind of event: correct one record's event_type, or decide different",
                        decision)
            )  # fmt: skip
            continue
        if decision == "same":
            joined = {r: curated_claims.get(r, set()) for r in (root(a), root(b))}
            told = set().union(*joined.values())
            if len(told) > 1 and all(joined.values()) and root(a) != root(b):
                problems.append(
                    Problem(where, line, "decision",
                            "joins records of two claims the curated data keeps apart ("
                            + ", ".join(sorted(told)) + "); one record is one event: "
                            "keep one of these same decisions", decision)
                )  # fmt: skip
                continue
            parent[root(a)] = root(b)
            curated_claims[root(b)] = told
        elif decision == "different":
            apart.append((line, a, b))
    for line, a, b in apart:
        if a != b and root(a) == root(b) and seen.get(frozenset((a, b)), ("",))[0] != "same":
            problems.append(
                Problem(where, line, "decision",
                        "contradicts the same decisions that join these two records "
                        "through others", "different")
            )  # fmt: skip
    return problems


def unlisted(review: pd.DataFrame, listed: set[frozenset]) -> pd.DataFrame:
    """The review rows whose pair the file does not list yet, in its columns."""
    if review.empty:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    pairs = [frozenset(p) for p in zip(review["record_a"], review["record_b"], strict=True)]
    fresh = review[[p not in listed for p in pairs]].drop_duplicates(["record_a", "record_b"])
    return pd.DataFrame(
        {
            "record_a": fresh["record_a"],
            "record_b": fresh["record_b"],
            "score": fresh["score"].map(lambda s: f"{s:.3f}"),
            "reasons": fresh["reasons"],
            "decision": "",
        }
    )[REVIEW_COLUMNS]


def matching_problems(
    directory: Path, shown: str, event_ids: set[str], kinds: dict[str, str] | None = None
) -> list[Problem]:
    """The problems of a folder's crosswalk (if it has its own) and review file."""
    from .crosswalk import CROSSWALK_FILE, crosswalk_problems

    problems = []
    if (directory / CROSSWALK_FILE).is_file():
        found = crosswalk_problems(directory / CROSSWALK_FILE)[1]
        problems += [
            Problem(str(Path(shown) / CROSSWALK_FILE), p.line, p.column, p.message, p.value)
            for p in found
        ]
    return problems + review_problems(directory, shown, event_ids, kinds)
