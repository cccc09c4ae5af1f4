"""One event, many records: match events across datasets by time, place, type and actors."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .crosswalk import Crosswalk, compatible, load_crosswalk

__all__ = [
    "EARTH_KM",
    "GEO_RADIUS_KM",
    "Windows",
    "candidate_pairs",
    "dataset_of",
    "decide",
    "event_records",
    "score_pairs",
]

#: Mean Earth radius, for great-circle distances.
EARTH_KM = 6371.0088
#: How far from its coordinates a place may be, by geo precision (ACLED's 1–3,
#: which GTD's specificity and UCDP's where_prec are mapped to on import).
GEO_RADIUS_KM = {1: 0.0, 2: 25.0, 3: 100.0}
_SOURCE_DATASET = re.compile(r"(acled|gtd|ucdp)-[0-9a-f]{12}")
#: Time or place must score this much for a pair to be matched without the analyst.
_PRECISE = 0.7
#: The least type agreement a pair joins by score at (a broader and a narrower
#: level; :data:`sahel_nb.crosswalk.RELATED` types fall below it).
_ALIKE = 0.4
_IMPORTED_ACTOR = re.compile(r"(?:acled|gtd|ucdp)-.+")


@dataclass(frozen=True)
class Windows:
    """How close two records must be to be compared, and the scores that decide.

    ``days`` and ``km`` are added to what each record's own precision leaves
    open (a month-precise date spans its month; a region-level place its
    radius), as MELTT's temporal and spatial windows. A pair scoring
    ``match_at`` or more is one event; from ``review_at`` up to it, the pair
    is listed for the analyst.

    Examples
    --------
    >>> Windows(days=2).days
    2
    """

    days: float = 3
    km: float = 50.0
    match_at: float = 0.75
    review_at: float = 0.5
    #: A best match no better than the next (another claim) by this much is reviewed, not taken.
    margin: float = 0.05

    def __post_init__(self):
        from .exceptions import ParameterError

        if not 0 <= self.review_at <= self.match_at <= 1:
            raise ParameterError(
                f"the review score ({self.review_at:g}) must be from 0 up to the match score "
                f"({self.match_at:g}), which is at most 1"
            )
        if self.days < 0 or self.km < 0:
            raise ParameterError(
                f"the windows cannot be negative (days {self.days:g}, km {self.km:g})"
            )


def dataset_of(source_ids: pd.Series) -> pd.Series:
    """Which dataset each row comes from: acled, gtd or ucdp by its export's source id, else curated.

    Examples
    --------
    >>> dataset_of(pd.Series(["acled-0123456789ab", "guitta-2010"])).tolist()
    ['acled', 'curated']
    """
    # Judged once per source: a regex over each of half a million rows took 0.2 s.
    codes, sources = pd.factorize(source_ids.astype(str), use_na_sentinel=False)
    found = pd.Series(sources).str.extract(r"^(acled|gtd|ucdp)-[0-9a-f]{12}$")[0]
    found = found.fillna("curated").iloc[codes]
    found.index = source_ids.index
    return found


def _days(stamps: pd.Series) -> np.ndarray:
    values = pd.to_datetime(stamps).to_numpy("datetime64[D]").astype("int64")
    return np.where(pd.isna(stamps).to_numpy(bool), np.iinfo(np.int64).min, values)


def event_records(events: pd.DataFrame, crosswalk: Crosswalk | None = None) -> pd.DataFrame:
    """The loaded events as records to match: span in days, place, level, actors, claim.

    Rows without a date, or with neither coordinates nor a country, cannot be
    placed in time or space and are left out.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> records = event_records(load_dataset().events)
    >>> set(records["dataset"])
    {'curated'}
    """
    crosswalk = crosswalk or load_crosswalk()
    events = events.reset_index(drop=True)
    if "date_start" not in events:
        from .dates import partial_date_span

        events = events.assign(**dict(zip(("date_start", "date_end"),
                                          partial_date_span(events["date"]), strict=True)))  # fmt: skip
    # Types and sub-types as codes: a few dozen pairs, each looked up once.
    kind, kinds = pd.factorize(events["event_type"].astype(str), use_na_sentinel=False)
    sub, subs = pd.factorize(events["sub_event_type"].astype(str), use_na_sentinel=False)
    codes, pairs = pd.factorize(kind * max(len(subs), 1) + sub)
    level_of = np.array(
        [
            "|".join(crosswalk.of("curated", str(kinds[p // max(len(subs), 1)]),
                                  str(subs[p % max(len(subs), 1)])))
            for p in pairs
        ],
        dtype=object,
    )  # fmt: skip
    lat = _numbers(events["latitude"])
    lon = _numbers(events["longitude"])
    precision = pd.Series(_numbers(events["geo_precision"]), index=events.index)
    radius = precision.map(GEO_RADIUS_KM).fillna(GEO_RADIUS_KM[2]).to_numpy(float)
    actors = events["actor1"].fillna("").astype(str) + "|" + events["actor2"].fillna("").astype(str)
    if "assoc_actors" in events:
        actors = actors + "|" + _joined_names(events["assoc_actors"]).astype(str)
    records = pd.DataFrame(
        {
            "record_id": events["event_id"].astype(str).to_numpy(),
            "claim": events["claim_id"].astype(str).to_numpy()
            if "claim_id" in events
            else events["event_id"].astype(str).to_numpy(),
            "dataset": dataset_of(events["source_id"]).to_numpy(),
            "start": _days(events["date_start"]),
            "end": _days(events["date_end"]),
            "lat": lat,
            "lon": lon,
            "radius_km": radius,
            "country": events["country"].fillna("").astype(str).to_numpy(),
            "admin1": _per_value(events["admin1"], lambda v: v.strip().casefold()),
            "level": level_of[codes],
            "event_type": events["event_type"].astype(str).to_numpy(),
            "perpetrator": events["actor1"].fillna("").astype(str).to_numpy(),
            "actors": actors.to_numpy(),
        }
    )
    placed = ~np.isnan(lat) & ~np.isnan(lon)
    usable = (records["start"] > np.iinfo(np.int64).min) & (placed | (records["country"] != ""))
    return records[usable.to_numpy(bool)].reset_index(drop=True)


def _numbers(values: pd.Series) -> np.ndarray:
    """Numbers of a column, NaN where empty or not a number; an import's text cast in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(values):
        text = pa.array(values, type=pa.large_string(), from_pandas=True)
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()), text)
        try:  # all or nothing: one value that is not a number sends it to pandas
            return pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:
            pass
    return pd.to_numeric(values, errors="coerce").to_numpy(float)


def _per_value(values: pd.Series, how) -> np.ndarray:
    """``how`` of each value's text (empty for missing), worked out once per distinct value."""
    codes, distinct = pd.factorize(values.fillna("").astype(str), use_na_sentinel=False)
    return np.array([how(str(value)) for value in distinct] + [""], dtype=object)[codes]


def _joined_names(values: pd.Series) -> pd.Series:
    """Associated actors as ``a|b`` text: a loaded table's lists joined, an import's text as is.

    Examples
    --------
    >>> _joined_names(pd.Series([["aqim", "mnla"], [], None])).tolist()
    ['aqim|mnla', '', '']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:  # in Arrow: a Python call per row cost 0.06 s on 77,000 imported rows
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = None
    if (
        array is not None
        and pa.types.is_list(array.type)
        and pa.types.is_string(array.type.value_type)
    ):
        array = pc.binary_join(array, "|")
    if array is not None and array.type in (pa.string(), pa.large_string()):
        text = pc.fill_null(array, "").to_numpy(zero_copy_only=False)
        return pd.Series(text, index=values.index, dtype=object)
    return values.map(
        lambda v: "|".join(v) if isinstance(v, list | tuple | np.ndarray) else (v or "")
    )


def _xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance (haversine) in km."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def _width_class(width: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.array([0, 7, 31, 366]), width, side="left")


_WIDTH_BOUND = np.array([0, 7, 31, 366, 100_000])


def _placed_pairs(new: pd.DataFrame, old: pd.DataFrame, windows: Windows):
    """Pairs of placed records within both windows: a k-d tree per precision class pair.

    Space (unit-sphere xyz scaled by the spatial window) and time (interval
    centres scaled by the temporal window) make one 4-d point: a pair within
    both windows is within √2 of each other, so each class pair is one tree
    query (no pairwise scan); the exact test follows. A class pair of few
    pairs (up to ``_DIRECT_PAIRS``) is measured pair by pair instead.
    """
    out_i, out_j = [], []
    groups = []
    for frame in (new, old):
        placed = ~np.isnan(frame["lat"].to_numpy()) & ~np.isnan(frame["lon"].to_numpy())
        width = (frame["end"] - frame["start"]).to_numpy()
        key = pd.Series(
            _width_class(width) * 10 + np.searchsorted([0, 25, 100], frame["radius_km"].to_numpy())
        )
        groups.append(
            {k: np.flatnonzero(placed & (key == k).to_numpy()) for k in key[placed].unique()}
        )
    # Each record's place on the unit sphere and its span's centre, computed once:
    # scaled for each class pair below, never recomputed.
    xyz = [_xyz(f["lat"].to_numpy(), f["lon"].to_numpy()) for f in (new, old)]
    centre = [(f["start"].to_numpy() + f["end"].to_numpy()) / 2 for f in (new, old)]
    for ka, rows_a in groups[0].items():
        for kb, rows_b in groups[1].items():
            space = (
                windows.km
                + new["radius_km"].to_numpy()[rows_a].max()
                + old["radius_km"].to_numpy()[rows_b].max()
            )
            time = windows.days + (_WIDTH_BOUND[ka // 10] + _WIDTH_BOUND[kb // 10]) / 2 + 1
            a = np.column_stack([xyz[0][rows_a] * (EARTH_KM / space), centre[0][rows_a] / time])
            b = np.column_stack([xyz[1][rows_b] * (EARTH_KM / space), centre[1][rows_b] / time])
            if len(a) * len(b) <= _DIRECT_PAIRS:
                # Few pairs (the curated events against an export): measured directly,
                # where two trees cost more to build than the pairs to compare.
                i, j = _within_directly(a, b, np.sqrt(2) * 1.0001)
            else:
                # Imported here: scipy.spatial takes 0.2 s to import, which an
                # import against the curated events alone never needs.
                from scipy.spatial import cKDTree

                found = cKDTree(a).sparse_distance_matrix(
                    cKDTree(b), np.sqrt(2) * 1.0001, output_type="ndarray"
                )
                i, j = found["i"], found["j"]
            out_i.append(rows_a[i])
            out_j.append(rows_b[j])
    if not out_i:
        return np.empty(0, int), np.empty(0, int)
    return np.concatenate(out_i), np.concatenate(out_j)


#: Up to this many pairs of a class pair, distances are measured pair by pair, not by k-d trees.
_DIRECT_PAIRS = 4_000_000


def _within_directly(a: np.ndarray, b: np.ndarray, reach: float) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the points of ``a`` and ``b`` within ``reach`` of each other, pair by pair.

    Examples
    --------
    >>> a = np.array([[0.0, 0.0], [5.0, 5.0]])
    >>> [x.tolist() for x in _within_directly(a, np.array([[0.5, 0.0]]), 1.0)]
    [[0], [0]]
    """
    if len(b) > len(a):  # sliced along the larger side, whichever it is
        j, i = _within_directly(b, a, reach)
        return i, j
    out_i, out_j = [], []
    # In slices of the larger side: the distances' temporaries stay a few megabytes.
    step = max(1, 250_000 // max(len(b), 1))
    for start in range(0, len(a), step):
        part = a[start : start + step]
        close = ((part[:, None, :] - b[None, :, :]) ** 2).sum(axis=2) <= reach * reach
        i, j = np.nonzero(close)
        out_i.append(i + start)
        out_j.append(j)
    if not out_i:
        return np.empty(0, int), np.empty(0, int)
    return np.concatenate(out_i), np.concatenate(out_j)


def _area_pairs(new: pd.DataFrame, old: pd.DataFrame, windows: Windows):
    """Pairs where one record has no coordinates: same country, within the time window (sorted)."""
    out_i, out_j = [], []
    new_placed = ~np.isnan(new["lat"].to_numpy())
    old_placed = ~np.isnan(old["lat"].to_numpy())
    new_country, old_country = new["country"].to_numpy(object), old["country"].to_numpy(object)
    old_width = _width_class((old["end"] - old["start"]).to_numpy())
    for country in set(new_country) & set(old_country) - {""}:
        a = np.flatnonzero(new_country == country)
        a_start, a_end = new["start"].to_numpy()[a], new["end"].to_numpy()[a]
        # By width class: a day-precise record reaches back a day, not as far as the
        # country's longest month-wide one; each class is searched with its own reach.
        for width in np.unique(old_width[old_country == country]):
            b = np.flatnonzero((old_country == country) & (old_width == width))
            b = b[np.argsort(old["start"].to_numpy()[b], kind="stable")]
            starts, ends = old["start"].to_numpy()[b], old["end"].to_numpy()[b]
            longest = int((ends - starts).max())
            lo = np.searchsorted(starts, a_start - windows.days - longest, side="left")
            hi = np.searchsorted(starts, a_end + windows.days, side="right")
            counts = np.maximum(hi - lo, 0)
            owner = np.repeat(np.arange(len(a)), counts)
            offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            at = np.repeat(lo, counts) + offset
            i, j = a[owner], b[at]
            keep = (old["end"].to_numpy()[j] >= new["start"].to_numpy()[i] - windows.days) & ~(
                new_placed[i] & old_placed[j]
            )
            out_i.append(i[keep])
            out_j.append(j[keep])
    if not out_i:
        return np.empty(0, int), np.empty(0, int)
    return np.concatenate(out_i), np.concatenate(out_j)


def candidate_pairs(new: pd.DataFrame, old: pd.DataFrame, windows: Windows = Windows()):
    """Positions ``(i, j)`` of new and old records within both windows, of other datasets.

    Placed records are compared by great-circle distance less each one's
    radius; a record without coordinates is compared by its country with
    every record of that country. Records of one dataset are never paired
    (a dataset's own duplicates are its vintages' business).

    Examples
    --------
    >>> rec = pd.DataFrame({"start": [0], "end": [0], "lat": [16.0], "lon": [-3.0],
    ...     "radius_km": [0.0], "country": ["MLI"], "dataset": ["acled"]})
    >>> i, j = candidate_pairs(rec, rec.assign(dataset="gtd", lon=-3.2, start=2, end=2))
    >>> list(zip(i.tolist(), j.tolist()))
    [(0, 0)]
    """
    if new.empty or old.empty:
        return np.empty(0, int), np.empty(0, int)
    pi, pj = _placed_pairs(new, old, windows)
    ai, aj = _area_pairs(new, old, windows)
    i, j = np.concatenate([pi, ai]).astype(int), np.concatenate([pj, aj]).astype(int)
    gap = _gap(new, old, i, j)
    keep = (gap <= windows.days) & (new["dataset"].to_numpy()[i] != old["dataset"].to_numpy()[j])
    both = ~np.isnan(new["lat"].to_numpy()[i]) & ~np.isnan(old["lat"].to_numpy()[j])
    km = np.zeros(len(i))
    km[both] = _km(new["lat"].to_numpy()[i[both]], new["lon"].to_numpy()[i[both]],
                   old["lat"].to_numpy()[j[both]], old["lon"].to_numpy()[j[both]])  # fmt: skip
    reach = windows.km + new["radius_km"].to_numpy()[i] + old["radius_km"].to_numpy()[j]
    keep &= ~both | (km <= reach)
    order = np.lexsort((j[keep], i[keep]))
    return i[keep][order], j[keep][order]


def _gap(new, old, i, j) -> np.ndarray:
    """Days between two spans (0 where they overlap)."""
    a_start, a_end = new["start"].to_numpy()[i], new["end"].to_numpy()[i]
    b_start, b_end = old["start"].to_numpy()[j], old["end"].to_numpy()[j]
    return np.maximum(0, np.maximum(b_start - a_end, a_start - b_end))


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
) -> pd.DataFrame:  # fmt: skip
    """Score candidate pairs in [0, 1], keeping the reasons: time, place, type, actors.

    ``0.35 × time + 0.35 × place + 0.3 × type``, then actors as evidence:
    a curated (named, not imported) actor both records name adds 0.15; two
    different named perpetrators, neither named by the other record, take
    0.3 off. Time is 1 at the same day and falls with days apart, less the
    wider a span is; place likewise with km apart beyond the places' own
    radii, or 0.75 for the same admin area and 0.6 for only the same country
    where a record has no coordinates. Pairs of incompatible types, or of
    two event types, are left out.
    ``unnamed`` lists actor ids that name no one (``Civilians (Mali)``).
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
    area = np.select([same_admin, other_admin], [0.75, 0.45], 0.6)
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
    shared = np.where(shared_code >= 0, _ACTOR_NAMES[0][np.maximum(shared_code, 0)], "")
    bonus = np.where(shared_code >= 0, 0.15, 0.0) - np.where(clash, 0.3, 0.0)
    score = np.clip(0.35 * time + 0.35 * space + 0.3 * kind + bonus, 0, 1)
    return pd.DataFrame(
        {
            "i": i, "j": j,
            "record_a": old["record_id"].to_numpy()[j], "record_b": new["record_id"].to_numpy()[i],
            "claim": old["claim"].to_numpy()[j], "score": np.round(score, 3),
            "claim_code": pd.factorize(old["claim"])[0][j],
            "days": gap.astype(int), "km": np.round(km, 1), "kind": kind, "same_type": same_type,
            "shared": shared, "clash": clash,
            "perp_a": perp_b, "perp_b": perp_a,
            "level_a": old["level"].to_numpy()[j], "level_b": new["level"].to_numpy()[i],
            "placed": placed, "same_admin": same_admin,
            "time": np.round(time, 3), "space": np.round(space, 3),
            "dataset_a": old["dataset"].to_numpy()[j], "dataset_b": new["dataset"].to_numpy()[i],
        }
    )  # fmt: skip


def _reasons(row) -> str:
    parts = [f"{row.days} day{'s' if row.days != 1 else ''} apart"]
    if row.placed:
        parts.append(f"{row.km:g} km apart")
    else:
        parts.append("same admin area" if row.same_admin else "placed by country only")
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
    located = top["placed"] | top["same_admin"] | (top["shared"] != "")
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
    # One claim, one new record: the best-scoring of those that would join it.
    ranked = top[taken.to_numpy()].sort_values("score", ascending=False, kind="stable")
    first = top.index.isin(ranked.index[~ranked["claim"].duplicated().to_numpy()])
    # Why a pair that scores enough is still the analyst's call: said with its reasons.
    held = {}
    for i, why in (
        (~precise, "both vague in date and place"),
        (~located, "placed by country only, and no actor named by both records"),
        (~clear, "another claim scores about as well"),
        (pd.Series(told, index=top.index), "a record of the same dataset already tells the claim"),
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
