"""Candidate pairs for matching: records of other datasets within the time and space windows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .records import EARTH_KM, Windows

__all__ = ["candidate_pairs"]


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
