"""What a report covers: the rows of a period, and of an actor and its lineage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..dates import date_words

__all__ = []


def _name(names: dict, actor_id) -> str:
    if actor_id is None or (not isinstance(actor_id, str) and pd.isna(actor_id)):
        return "an unnamed party"
    return names.get(actor_id, actor_id)


def _period(row_start, row_end, as_of: str | None = None) -> str:
    start = None if pd.isna(row_start) else str(row_start)
    end = None if pd.isna(row_end) else str(row_end)
    if start and end:
        return (
            f"from {date_words(start)} to {date_words(end)}"
            if start != end
            else f"in {date_words(start)}"
        )
    if start:
        # The source cannot attest what came after it was written.
        return (
            f"from {date_words(start)}, no end reported as of {date_words(as_of)}"
            if as_of
            else f"from {date_words(start)}, with no end given"
        )
    if end:
        return f"until {date_words(end)}"
    return "undated"


def _involves(frame: pd.DataFrame, columns: list[str], actor_ids: set[str]) -> pd.Series:
    keep = np.zeros(len(frame), dtype=bool)
    for column in columns:
        values = frame[column]
        if column == "assoc_actors":
            keep |= np.array([bool(set(ids) & actor_ids) for ids in values], dtype=bool)
        else:
            keep |= values.isin(actor_ids).to_numpy(bool)
    return pd.Series(keep, index=frame.index)


def _window(dataset, start, end, undated_ties: bool = False):
    """The rows of each table that fall in the window, and those that cannot be placed.

    An open-ended relationship is taken to hold until its source was
    published: a 2010 column cannot attest a tie in 2030. Undated events and
    flows cannot be placed in a window at all; they are set apart.
    """
    from ..dates import in_window, overlaps, window_bounds
    from ..flows import payment_claims, placed_in_time
    from ..origins import claims_of

    lower, upper = window_bounds(start, end)
    windowed = lower is not None or upper is not None
    published = dataset.sources.set_index("source_id")["published_end"]
    # One row per claim: two sources' reports of one fact are one fact, and a
    # fact only denied is not told as one (its denial is in the claims page).
    rels = claims_of(dataset, "relationships")
    rels = rels[(rels["agreement"] != "denied").to_numpy(bool)]
    last = rels["end_end"].fillna(rels["source_id"].map(published))
    first = rels["start_start"]
    undated_rels = first.isna() & rels["end_end"].isna()
    keep_rels = overlaps(first, last, lower, upper)
    if windowed and not undated_ties:
        keep_rels &= ~undated_rels
    picked = {"relationships": rels[keep_rels]}
    undated = {
        "relationships": rels[undated_rels] if windowed and not undated_ties else rels.iloc[:0]
    }
    claims = {
        "events": claims_of(dataset, "events"),
        "flows": payment_claims(dataset, base_year=None),
    }
    for name, frame in claims.items():
        frame = frame[(frame["agreement"] != "denied").to_numpy(bool)]
        # A payment with no date of its own is held by its event's (a ransom
        # for a kidnapping of the period); undated only when that has none.
        placed = frame if name == "events" else placed_in_time(frame, dataset.events)
        picked[name] = frame[in_window(placed, start, end).to_numpy(bool)]
        undated[name] = frame[placed["date_start"].isna()] if windowed else frame.iloc[:0]
    return picked, undated


#: The columns of each table that name actors.
_ACTOR_COLUMNS = {
    "relationships": ["actor_a", "actor_b"],
    "events": ["actor1", "actor2", "assoc_actors"],
    "flows": ["payer", "payee", "intermediary"],
}


def _with_kidnappings_touched(dataset, everything: dict, picked: dict) -> dict:
    """Add the kidnappings a focused actor took part in without being their kidnapper.

    A government that negotiated a release, a mediator, a payer: the events,
    ties and flows that name the focus and the same hostages (or the same
    kidnapping) bring that kidnapping, and its payments, into the report.
    """
    from ..flows import KIDNAPPING

    events = everything["events"]
    kidnaps = events[events["sub_event_type"] == KIDNAPPING]
    hostages = set(picked["events"]["actor2"].dropna()) | set(
        picked["relationships"][["actor_a", "actor_b"]].stack()
    )
    # A flow cites one source's report of a kidnapping; the report kept for the
    # claim may be another source's: matched by claim, not by event id.
    linked = set(picked["flows"]["event_id"].dropna())
    claims = set(dataset.events.loc[dataset.events["event_id"].isin(linked), "claim_id"])
    touched = kidnaps[kidnaps["actor2"].isin(hostages) | kidnaps["claim_id"].isin(claims)]
    if touched.empty:
        return picked
    out = dict(picked)
    out["events"] = pd.concat([picked["events"], touched]).drop_duplicates("claim_id")
    flows = everything["flows"]
    # A payment may cite any source's report of the kidnapping: match by claim.
    reports = dataset.events[dataset.events["claim_id"].isin(set(touched["claim_id"]))]
    paid = flows[flows["event_id"].isin(set(reports["event_id"]))]
    out["flows"] = pd.concat([picked["flows"], paid]).drop_duplicates("claim_id")
    return out


def _by_date(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["date_start", "event_id"], na_position="last")


def _window_text(start, end) -> str:
    start = None if start is None or not str(start).strip() else str(start).strip()
    end = None if end is None or not str(end).strip() else str(end).strip()
    if start and end:
        return f"Period: {start} to {end}"
    if start:
        return f"Period: from {start} on"
    if end:
        return f"Period: up to {end}"
    return "Period: all dates in the data"
