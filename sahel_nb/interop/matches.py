"""Imported events matched to the events already held: another report of their claim, or reviewed."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..arrowtext import isin
from ..crosswalk import load_crosswalk
from ..data import Dataset
from ..dates import partial_date_span
from ..match_review import read_decisions, unlisted
from ..matching import Windows, candidate_pairs, decide, event_records, score_pairs
from .writing import ImportSummary

__all__ = ["decided_claims", "match_new_rows"]


def _unnamed(dataset: Dataset, new_actors: list[dict]) -> frozenset[str]:
    actors = dataset.actors
    named = set(actors.loc[actors["unnamed"].astype(bool).to_numpy(), "actor_id"])
    named |= {a["actor_id"] for a in new_actors if str(a.get("unnamed", "")).lower() == "true"}
    return frozenset(named)


#: Actor types that stand for a state: its government and its forces are one side.
STATE_TYPES = frozenset({"government", "security forces", "state"})


def _state_sides(dataset: Dataset, new_actors: list[dict]) -> dict[str, str]:
    """Each state actor's side, by its country: UCDP's "Government of Mali" and the army agree.

    Two records naming a state's government and its army as perpetrators do
    not name different perpetrators. An imported actor has no country of its
    own: ACLED's and UCDP's names give it ("Military Forces of Niger (2021-)").
    """
    rows = [
        (a, t, c, n)
        for a, t, c, n in zip(
            dataset.actors["actor_id"], dataset.actors["actor_type"].astype(str),
            dataset.actors["country"].fillna("").astype(str),
            dataset.actors["name"].astype(str), strict=True,
        )
    ] + [
        (a["actor_id"], str(a.get("actor_type", "")), str(a.get("country", "") or ""),
         str(a.get("name", "")))
        for a in new_actors
    ]  # fmt: skip
    sides = {}
    for actor, kind, country, name in rows:
        if kind in STATE_TYPES:
            country = country or named_country(name)
            if country:
                sides[actor] = f"state {country}"
    return sides


_OF_STATE = re.compile(
    r"^(?:former\s+)?(?:government|military forces|police forces|armed forces)\s+of\s+"
    r"(?:the\s+)?(.+?)(?:\s*\([^()]*\))*\s*$",
    re.IGNORECASE,
)


@functools.cache
def named_country(name: str) -> str:
    """The ISO 3166 code of the state a conventional name stands for, or ``""``.

    Examples
    --------
    >>> named_country("Military Forces of Niger (2021-)"), named_country("Government of Mali")
    ('NER', 'MLI')
    >>> named_country("Ansar Dine")
    ''
    """
    import pycountry

    found = _OF_STATE.match(name.strip())
    if not found:
        return ""
    try:
        return pycountry.countries.lookup(found.group(1).strip()).alpha_3
    except LookupError:
        return ""


def match_new_rows(
    rows: pd.DataFrame, dataset: Dataset, data_dir: Path, summary: ImportSummary,
    windows: Windows | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Give each new row that repeats an event already held that event's ``claim_id``.

    Every event of the folder (curated, and every dataset imported before)
    is a candidate (:mod:`sahel_nb.matching`); the analyst's decisions in
    ``event_matches.csv`` win over the score. Rows stay rows: a matched one
    is added as another report of the claim. Returns the uncertain pairs
    the review file does not list yet, to add to it; sets
    ``summary.linked`` and ``summary.review``.
    """
    windows = windows or Windows()
    rows["claim_id"] = ""
    if rows.empty:
        return unlisted(pd.DataFrame(), set())
    crosswalk = load_crosswalk(data_dir)
    old = event_records(dataset.events, crosswalk)
    # Only rows near an event already held in time can pair: the rest of half a
    # million rows need no records built, no actors coded, no scoring, and are
    # left out before any column is copied.
    if "date_start" in rows:
        spans = rows[["date_start", "date_end"]]
    else:
        first, last = partial_date_span(rows["date"])
        spans = pd.DataFrame({"date_start": first, "date_end": last}, index=rows.index)
    near = _near_in_time(spans, old, windows.days)
    frame = rows[near]
    missing = {column: "" for column in ("assoc_actors", "actor2") if column not in frame}
    frame = frame.assign(
        **missing, date_start=spans["date_start"][near], date_end=spans["date_end"][near]
    ).reset_index(drop=True)
    new = event_records(frame, crosswalk)
    decisions, listed = read_decisions(data_dir)
    i, j = candidate_pairs(new, old, windows)
    scored = score_pairs(
        new, old, i, j, windows, _unnamed(dataset, summary.new_actors),
        _state_sides(dataset, summary.new_actors),
    )  # fmt: skip
    # Which datasets already tell each claim: one dataset's records are different events.
    told_by = old.groupby("claim")["dataset"].agg(set).to_dict() if len(scored) else {}
    joined, review = decide(scored, windows, decisions, told_by)
    # An analyst's "same" joins two records the windows would not even compare.
    # Looked up for the ids the decisions name only: dicts of every row cost
    # 0.16 s of an import of half a million events.
    same = [sorted(pair) for pair, decision in decisions.items() if decision == "same"]
    same = [pair for pair in same if len(pair) == 2]
    if same:
        named = {event_id for pair in same for event_id in pair}
        held = dataset.events[isin(dataset.events["event_id"], named)]
        claims = dict(zip(held["event_id"], held["claim_id"], strict=True))
        kinds = dict(zip(held["event_id"], held["event_type"], strict=True))
        mine = rows[isin(rows["event_id"], named)]
        new_kind = dict(zip(mine["event_id"], mine["event_type"], strict=True))
        for a, b in same:
            for new_id, old_id in ((a, b), (b, a)):
                if new_id in new_kind and old_id in claims and new_kind[new_id] == kinds[old_id]:
                    joined.setdefault(new_id, (claims[old_id], old_id))
    if joined:
        hit = isin(rows["event_id"], joined)
        claim_of = {event_id: claim for event_id, (claim, _) in joined.items()}
        rows.loc[hit, "claim_id"] = rows.loc[hit, "event_id"].map(claim_of).to_numpy()
        summary.linked.extend((event_id, joined[event_id][0]) for event_id in sorted(joined))
    review = review[~review["record_b"].isin(joined)] if not review.empty else review
    fresh = unlisted(review, listed)
    summary.review = len(fresh)
    return fresh


def _near_in_time(frame: pd.DataFrame, old: pd.DataFrame, days: float) -> np.ndarray:
    """True for each row whose span comes within ``days`` of some record's span in ``old``.

    Undated rows stay (the matcher leaves them out itself, saying so).

    Examples
    --------
    >>> frame = pd.DataFrame({"date_start": pd.to_datetime(["2003-01-01", "2020-01-01", None]),
    ...                       "date_end": pd.to_datetime(["2003-01-31", "2020-01-01", None])})
    >>> old = pd.DataFrame({"start": [12_060], "end": [12_060]})  # 2003-01-08
    >>> _near_in_time(frame, old, 3).tolist()
    [True, False, True]
    """
    from ..matching.records import _days

    starts, ends = _days(frame["date_start"]), _days(frame["date_end"])
    undated = starts == np.iinfo(np.int64).min
    held = old[(old["start"] != np.iinfo(np.int64).min).to_numpy()]
    if held.empty:
        return undated
    order = np.argsort(held["start"].to_numpy(), kind="stable")
    old_starts = held["start"].to_numpy()[order]
    reach = np.maximum.accumulate(held["end"].to_numpy()[order])
    # The held records starting before this row's end (plus the window): does the
    # furthest-reaching of them come within the window of its start?
    before = np.searchsorted(old_starts, ends + days, side="right")
    near = (before > 0) & (reach[np.maximum(before - 1, 0)] >= starts - days)
    return near | undated


def decided_claims(dataset: Dataset, data_dir: Path) -> dict[str, dict[str, str]]:
    """The ``claim_id`` of imported events the analyst's decisions move, by event id.

    ``same`` on two events of different claims puts the imported one (the
    later, if both are) into the other's claim, with every imported record
    that had joined it there; ``different`` on two events of one claim takes
    the imported one that joined the other out of it (never the record the
    claim is named after, which would leave the two together). Curated rows
    are the analyst's to edit and never change here.
    """
    from ..matching import dataset_of

    decisions, _ = read_decisions(data_dir)
    if not decisions:
        return {}
    events = dataset.events
    named = {record for pair in decisions for record in pair}
    held = events[isin(events["event_id"], named)]
    claims = dict(zip(held["event_id"], held["claim_id"].astype(str), strict=True))
    kinds = dict(zip(held["event_id"], held["event_type"].astype(str), strict=True))
    imported = dict(
        zip(held["event_id"], (dataset_of(held["source_id"]) != "curated").to_numpy(), strict=True)
    )
    # The imported records of every claim a decision can reach (the claims of
    # the records named: moves only ever go to one of them), found at once,
    # not by a pass over every event per decision.
    reach = events[isin(events["claim_id"], set(claims.values()))]
    mine = reach[(dataset_of(reach["source_id"]) != "curated").to_numpy(bool)]
    members: dict[str, set[str]] = {}
    for record, claim in zip(mine["event_id"], mine["claim_id"].astype(str), strict=True):
        members.setdefault(claim, set()).add(record)
    changes: dict[str, dict[str, str]] = {}

    def move(record: str, claim: str) -> None:
        members.get(claims.get(record, record), set()).discard(record)
        members.setdefault(claim, set()).add(record)
        claims[record] = claim
        changes[record] = {"claim_id": "" if claim == record else claim}

    for pair, decision in sorted(decisions.items(), key=lambda item: sorted(item[0])):
        ids = sorted(pair)
        if len(ids) != 2 or not all(i in claims for i in ids):
            continue
        movable = [i for i in ids if imported[i]]
        if not movable:
            continue
        if decision == "different":
            # The one that joined the other's claim leaves it: not the claim's namesake.
            joiners = [i for i in movable if claims[i] != i]
            if claims[ids[0]] == claims[ids[1]] and joiners:
                move(joiners[-1], joiners[-1])
            continue
        mover = movable[-1]
        other = ids[0] if mover == ids[1] else ids[1]
        if decision != "same" or claims[mover] == claims[other]:
            continue
        if kinds[mover] != kinds[other]:
            continue
        # A claim named after an imported record is that record's group: all of
        # it comes along (records that had joined it, or it had joined). One
        # named after a curated claim is the analyst's: only the mover leaves.
        left = claims[mover]
        named_after_import = left == mover or imported.get(left, left in members.get(left, ()))
        followers = sorted(members.get(left, {mover})) if named_after_import else [mover]
        for record in followers:
            move(record, claims[other])
    return changes
