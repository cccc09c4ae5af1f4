"""Scores and decisions for matching: which pairs are one event, which the analyst reviews."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..crosswalk import compatible
from .pairs import _gap, _km
from .records import Windows

__all__ = ["decide", "score_pairs"]

#: Time or place must score this much for a pair to be matched without the analyst.
_PRECISE = 0.7
#: The least type agreement a pair joins by score at (a broader and a narrower
#: level; :data:`sahel_nb.crosswalk.RELATED` types fall below it).
_ALIKE = 0.4
_IMPORTED_ACTOR = re.compile(r"(?:acled|gtd|ucdp)-.+")


def _named(actor: np.ndarray, unnamed: frozenset[str]) -> np.ndarray:
    return (actor != "") & ~np.isin(actor, list(unnamed))


#: The actor names of the last :func:`_actor_codes` call, by code (for the reasons).
_ACTOR_NAMES: list[np.ndarray] = [np.array([], dtype=object)]
#: Actors a record names beyond this many are not compared (the first two are its sides).
_SLOTS = 4


def _slots(actors: pd.Series) -> np.ndarray:
    """The first :data:`_SLOTS` names of each ``a|b|c`` cell, split in Arrow (missing: None)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.array(actors.to_numpy(object), type=pa.string(), from_pandas=True)
    split = pc.split_pattern(cells, "|", max_splits=_SLOTS)
    flat = pc.list_flatten(split).to_numpy(zero_copy_only=False)
    rows = pc.list_parent_indices(split).to_numpy()
    lengths = pc.fill_null(pc.list_value_length(split), 0).to_numpy()
    # Each name's place in its cell: its index in the flat array less its cell's start.
    place = np.arange(len(flat)) - (np.cumsum(lengths) - lengths)[rows]
    out = np.full((len(cells), _SLOTS), None, dtype=object)
    kept = place < _SLOTS
    out[rows[kept], place[kept]] = flat[kept]
    return out


def _actor_codes(new: pd.Series, old: pd.Series, unnamed: frozenset[str]):
    """Each cell's actors as integer codes (-1 none), and which codes are curated, named actors."""
    parts = [_slots(actors) for actors in (new, old)]
    values = np.concatenate([p.ravel() for p in parts])
    names = pd.unique(pd.Series(values[values != ""], dtype=object).dropna())
    out = []
    for part in parts:
        codes = pd.Index(names).get_indexer(part.ravel()).reshape(part.shape)
        out.append(codes)
    curated = np.array(
        [n not in unnamed and not _IMPORTED_ACTOR.fullmatch(n) for n in names], dtype=bool
    )
    _ACTOR_NAMES[0] = np.asarray(names, dtype=object)
    return out[0], out[1], np.append(curated, False)


def score_pairs(
    new: pd.DataFrame, old: pd.DataFrame, i: np.ndarray, j: np.ndarray,
    windows: Windows = Windows(), unnamed: frozenset[str] = frozenset(),
    sides: dict[str, str] | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Score candidate pairs in [0, 1], keeping the reasons: time, place, type, actors.

    ``0.35 × time + 0.35 × place + 0.3 × type``, then actors as evidence:
    a curated (named, not imported) actor both records name adds 0.15; two
    different named perpetrators, neither named by the other record, take
    0.3 off. Time is 1 at the same day and falls with days apart, less the
    wider a span is; place likewise with km apart beyond the places' own
    radii, or, where a record has no coordinates, 0.9 for the same place
    name (:func:`~sahel_nb.matching.records.place_key`), 0.75 for the same
    admin area, 0.45 for different ones and 0.6 for only the same country. Pairs of incompatible types, or of
    two event types, are left out.
    ``unnamed`` lists actor ids that name no one (``Civilians (Mali)``);
    ``sides`` maps actor ids that stand for one side to a common key (a
    state's government and its army), whose perpetrators do not differ.
    """
    # Types first: only pairs of compatible types and one event type are scored.
    level_a, uniques_a = pd.factorize(new["level"])
    level_b, uniques_b = pd.factorize(old["level"])
    table = np.array(
        [
            [
                max(
                    (compatible(x, y) for x in a.split("|") for y in b.split("|") if x and y),
                    default=0.0,
                )
                for b in uniques_b
            ]
            for a in uniques_a
        ]
    ).reshape(len(uniques_a), len(uniques_b))
    kind = table[level_a[i], level_b[j]] if len(i) else np.zeros(0)
    same_type = new["event_type"].to_numpy()[i] == old["event_type"].to_numpy()[j]
    keep = (kind > 0) & same_type
    i, j, kind, same_type = i[keep], j[keep], kind[keep], same_type[keep]
    gap = _gap(new, old, i, j).astype(float)
    width = np.maximum(
        (new["end"].to_numpy() - new["start"].to_numpy())[i],
        (old["end"].to_numpy() - old["start"].to_numpy())[j],
    )
    time_factor = np.select([width == 0, width <= 7, width <= 31], [1.0, 0.85, 0.75], 0.4)
    time = (1 - gap / (windows.days + 1)) * time_factor
    placed = ~np.isnan(new["lat"].to_numpy()[i]) & ~np.isnan(old["lat"].to_numpy()[j])
    km = np.full(len(i), np.nan)
    km[placed] = _km(new["lat"].to_numpy()[i[placed]], new["lon"].to_numpy()[i[placed]],
                     old["lat"].to_numpy()[j[placed]], old["lon"].to_numpy()[j[placed]])  # fmt: skip
    radius = np.maximum(new["radius_km"].to_numpy()[i], old["radius_km"].to_numpy()[j])
    excess = np.maximum(0, km - new["radius_km"].to_numpy()[i] - old["radius_km"].to_numpy()[j])
    space_factor = np.select([radius == 0, radius <= 25], [1.0, 0.85], 0.7)
    admin_a, admin_b = new["admin1"].to_numpy()[i], old["admin1"].to_numpy()[j]
    same_admin = (admin_a == admin_b) & (admin_a != "")
    other_admin = (admin_a != admin_b) & (admin_a != "") & (admin_b != "")
    # Where a record has no coordinates, the place it names is evidence too: a
    # GTD row with none at "Hombori" and a UCDP one at "Hombori town" (admin
    # names differ between datasets too often to tell apart on their own).
    place_a, place_b = (
        frame["place"].to_numpy()[at] if "place" in frame else np.full(len(at), "", dtype=object)
        for frame, at in ((new, i), (old, j))
    )
    same_place = ~placed & (place_a == place_b) & (place_a != "")
    area = np.select([same_place, same_admin, other_admin], [0.9, 0.75, 0.45], 0.6)
    space = np.where(placed, (1 - excess / (windows.km + 1)) * space_factor, area)
    # Only the records in some pair are split: an import's half a million
    # rows meet the curated events in a few hundred pairs.
    rows_a, at_a = np.unique(i, return_inverse=True)
    rows_b, at_b = np.unique(j, return_inverse=True)
    codes_a, codes_b, curated = _actor_codes(
        new["actors"].iloc[rows_a], old["actors"].iloc[rows_b], unnamed
    )
    slots_a, slots_b = codes_a[at_a], codes_b[at_b]
    shared_code = np.full(len(i), -1)
    for x in range(slots_a.shape[1]):
        for y in range(slots_b.shape[1]):
            hit = (slots_a[:, x] == slots_b[:, y]) & (slots_a[:, x] >= 0)
            hit &= curated[np.maximum(slots_a[:, x], 0)]
            shared_code = np.where((shared_code < 0) & hit, slots_a[:, x], shared_code)
    perp_a, perp_b = new["perpetrator"].to_numpy()[i], old["perpetrator"].to_numpy()[j]
    # Different named perpetrators, neither named anywhere by the other record.
    clash = _named(perp_a, unnamed) & _named(perp_b, unnamed) & (perp_a != perp_b)
    clash &= ~(slots_b == slots_a[:, :1]).any(axis=1) & ~(slots_a == slots_b[:, :1]).any(axis=1)
    if sides and clash.any():
        side_a = pd.Series(perp_a[clash]).map(sides)
        side_b = pd.Series(perp_b[clash]).map(sides)
        one_side = (side_a.notna() & (side_a == side_b)).to_numpy(bool)
        clash[np.flatnonzero(clash)[one_side]] = False
    names = _ACTOR_NAMES[0] if len(_ACTOR_NAMES[0]) else np.array([""], dtype=object)
    shared = np.where(shared_code >= 0, names[np.maximum(shared_code, 0)], "")
    bonus = np.where(shared_code >= 0, 0.15, 0.0) - np.where(clash, 0.3, 0.0)
    raw = 0.35 * time + 0.35 * space + 0.3 * kind + bonus
    score = np.clip(raw, 0, 1)
    return pd.DataFrame(
        {
            "i": i, "j": j,
            "record_a": old["record_id"].to_numpy()[j], "record_b": new["record_id"].to_numpy()[i],
            "claim": old["claim"].to_numpy()[j], "score": np.round(score, 3),
            # Unclipped: of two records scoring 1, the one closer in time and place.
            "raw": np.round(raw, 3),
            "claim_code": pd.factorize(old["claim"])[0][j],
            "days": gap.astype(int), "km": np.round(km, 1), "kind": kind, "same_type": same_type,
            "shared": shared, "clash": clash,
            "perp_a": perp_b, "perp_b": perp_a,
            "level_a": old["level"].to_numpy()[j], "level_b": new["level"].to_numpy()[i],
            "placed": placed, "same_admin": same_admin, "same_place": same_place,
            "place": np.where(same_place, place_b, ""),
            "time": np.round(time, 3), "space": np.round(space, 3),
            "dataset_a": old["dataset"].to_numpy()[j], "dataset_b": new["dataset"].to_numpy()[i],
        }
    )  # fmt: skip


def _reasons(row) -> str:
    parts = [f"{row.days} day{'s' if row.days != 1 else ''} apart"]
    if row.placed:
        parts.append(f"{row.km:g} km apart")
    else:
        parts.append(
            f"same place name ({row.place})" if row.same_place
            else "same admin area" if row.same_admin
            else "placed by country only"
        )  # fmt: skip
    parts.append(
        "same type"
        if row.kind == 1
        else f"compatible types ({row.level_a} / {row.level_b})"
        if row.kind >= _ALIKE
        else f"related types ({row.level_a} / {row.level_b})"
    )
    if row.shared:
        parts.append("both name " + ", ".join(row.shared.split("|")))
    if row.clash:
        parts.append(f"different perpetrators ({row.perp_a} / {row.perp_b})")
    return "; ".join(parts)


def decide(
    scored: pd.DataFrame, windows: Windows = Windows(),
    decisions: dict[frozenset, str] | None = None,
    told_by: dict[str, set[str]] | None = None,
) -> tuple[dict[str, tuple[str, str]], pd.DataFrame]:  # fmt: skip
    """Which new records join an existing claim, and which pairs await the analyst.

    ``decisions`` maps a pair of record ids to the analyst's ``same`` or
    ``different``: they win over any score. Otherwise a new record joins the
    claim of its best pair when that scores ``match_at`` or more, no pair
    with another claim comes within ``margin`` of it, and the two are close
    in date or in place (not only both vague: a year and a country); a
    record placed by no more than its country joins only where both records
    name the same actor. As in MELTT, one dataset's records are different
    events: a claim a record of the new record's dataset already tells
    (``told_by``: claim to datasets), or that a better new record of this
    import takes, is the analyst's call. Pairs from ``review_at`` up, not
    taken, are returned for review with their reasons.

    Returns ``({new id: (claim, old id)}, review rows)``.
    """
    decisions = decisions or {}
    if scored.empty:
        return {}, scored.assign(reasons=pd.Series(dtype=object))
    decided = pd.Series("", index=scored.index)
    if decisions:
        named = {record for pair in decisions for record in pair}
        ask = scored.index[scored["record_b"].isin(named).to_numpy()]
        decided[ask] = [
            decisions.get(frozenset(p), "")
            for p in zip(scored.loc[ask, "record_a"], scored.loc[ask, "record_b"], strict=True)
        ]
    joined: dict[str, tuple[str, str]] = {}
    forced = scored[(decided == "same").to_numpy() & scored["same_type"].to_numpy(bool)]
    for row in forced.itertuples(index=False):
        joined.setdefault(row.record_b, (row.claim, row.record_a))
    forced_i = forced["i"].unique()
    open_ = scored[(decided == "").to_numpy() & (scored["score"] >= windows.review_at).to_numpy()]
    open_ = open_[~np.isin(open_["i"].to_numpy(), forced_i)]
    # Related types (an attack, a kidnapping) may be one incident or two: listed for
    # the analyst, never joined, and never in the way of a compatible pair.
    alike_rows = (open_["kind"] >= _ALIKE).to_numpy(bool)
    related = open_[~alike_rows]
    open_ = open_[alike_rows]
    best = open_.sort_values(["i", "score"], ascending=[True, False], kind="stable")
    top = best[~best["i"].duplicated().to_numpy()].set_index("i")
    # The best pair of each record with another claim than its best pair's.
    other = best["claim_code"].to_numpy() != top["claim_code"].reindex(best["i"]).to_numpy()
    rival = best[other].groupby("i")["score"].max().reindex(top.index).fillna(-1.0)
    # A pair vague in both date and place (a year in a country) is the analyst's call,
    # as is one placed only by country that no shared actor ties together.
    precise = np.maximum(top["time"], top["space"]) >= _PRECISE
    located = top["placed"] | top["same_admin"] | top["same_place"] | (top["shared"] != "")
    scored_enough = top["score"] >= windows.match_at
    clear = rival < top["score"] - windows.margin
    taken = scored_enough & clear & precise & located
    told = np.zeros(len(top), dtype=bool)
    if told_by:
        told = np.asarray(
            [
                dataset in told_by.get(claim, ())
                for claim, dataset in zip(top["claim"], top["dataset_b"], strict=True)
            ],
            dtype=bool,
        )
        taken &= ~told
    # One claim, one new record: the best-scoring of those that would join it,
    # unless another scores about as well (which one is the event is then the
    # analyst's call; taking the first would make the result depend on order).
    by = "raw" if "raw" in top else "score"
    ranked = top[taken.to_numpy()].sort_values(by, ascending=False, kind="stable")
    lead = ~ranked["claim"].duplicated().to_numpy()
    runner_up = ranked[~lead].groupby("claim")[by].max()
    best_of_claim = ranked[lead].set_index("claim")[by]
    close = runner_up.reindex(best_of_claim.index).fillna(-1.0) >= best_of_claim - windows.margin
    lead &= ~ranked["claim"].map(close).to_numpy(bool)
    first = top.index.isin(ranked.index[lead])
    tied = top.index.isin(ranked.index[ranked["claim"].map(close).to_numpy(bool)])
    # Why a pair that scores enough is still the analyst's call: said with its reasons.
    held = {}
    for i, why in (
        (~precise, "both vague in date and place"),
        (~located, "placed by country only, and no actor named by both records"),
        (~clear, "another claim scores about as well"),
        (pd.Series(told, index=top.index), "a record of the same dataset already tells the claim"),
        (
            pd.Series(tied, index=top.index),
            "another record of this import scores about as well for the claim",
        ),
        (taken & ~first, "a better record of this import joins the claim"),
    ):
        for index in top.index[(scored_enough & i).to_numpy(bool)]:
            held.setdefault(index, why)
    taken &= first
    for record, claim, old_id in zip(
        top.loc[taken, "record_b"],
        top.loc[taken, "claim"],
        top.loc[taken, "record_a"],
        strict=True,
    ):
        joined[record] = (claim, old_id)
    review = best[~np.isin(best["i"].to_numpy(), top.index[taken.to_numpy()])]
    joined_i = top.index[taken.to_numpy()]
    related = related[~np.isin(related["i"].to_numpy(), joined_i)]
    if len(related):
        review = pd.concat([review, related]).sort_values(
            ["i", "score"], ascending=[True, False], kind="stable"
        )
    best_of = top["record_a"].to_dict()
    review = review.assign(
        reasons=[
            _reasons(r)
            + (
                f"; scores enough, but left to the analyst: {held[r.i]}"
                if r.i in held and best_of.get(r.i) == r.record_a
                else ""
            )
            for r in review.itertuples(index=False)
        ]
    )
    return joined, review.reset_index(drop=True)
