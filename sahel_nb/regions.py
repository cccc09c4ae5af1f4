"""Admin-1 regions: the shipped outlines, and the events placed no nearer than one of them."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd

__all__ = ["admin1_outline", "region_key", "region_of"]

#: Words that say what kind of region a name is, not which: "Kidal region",
#: "Wilaya de Batna" and "Région de Tombouctou" name Kidal, Batna, Tombouctou.
# fmt: off
_KIND_WORDS = frozenset({
    "region", "regions", "province", "state", "wilaya", "wilayah", "departement",
    "prefecture", "governorate", "district", "de", "du", "des", "d", "l", "la", "le", "of",
})
# fmt: on


def region_key(name: str) -> str:
    """A region's name reduced for matching: no accents, case, punctuation or kind words.

    Examples
    --------
    >>> region_key("Région de Tombouctou"), region_key("Ségou"), region_key("M'Sila")
    ('tombouctou', 'segou', 'm sila')
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[\W_]+", " ", text).split()
    return " ".join(w for w in words if w not in _KIND_WORDS)


@cache
def admin1_outline() -> dict:
    """The shipped admin-1 regions of the map's countries (Natural Earth, GeoJSON).

    Each feature has ``iso_a3``, ``name`` and ``names`` (other names, reduced
    by :func:`region_key`); its rings, closed, are filled with the even-odd rule.

    Examples
    --------
    >>> [f["properties"]["name"] for f in admin1_outline()["features"]
    ...  if "tombouctou" in f["properties"]["names"]]
    ['Timbuktu']
    """
    text = (files("sahel_nb") / "reference" / "sahel_admin1.geojson").read_text("utf-8")
    return json.loads(text)


@cache
def _lookup() -> dict[tuple[str, str], int]:
    """(country, reduced name) to the region's place in :func:`admin1_outline`.

    A region's own name wins over another region's alternative name.
    """
    features = admin1_outline()["features"]
    found: dict[tuple[str, str], int] = {}
    for n, feature in enumerate(features):
        for name in feature["properties"]["names"]:
            found.setdefault((feature["properties"]["iso_a3"], name), n)
    for n, feature in enumerate(features):
        properties = feature["properties"]
        found[(properties["iso_a3"], region_key(properties["name"]))] = n
    return found


def _inside(lon: np.ndarray, lat: np.ndarray, rings: list) -> np.ndarray:
    """Which points lie inside the rings (even-odd rule, as the map fills them)."""
    inside = np.zeros(len(lon), dtype=bool)
    for ring in rings:
        points = np.asarray(ring, dtype=float)
        x1, y1 = points[:-1, 0][:, None], points[:-1, 1][:, None]
        x2, y2 = points[1:, 0][:, None], points[1:, 1][:, None]
        crosses = (y1 > lat) != (y2 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        inside ^= (crosses & (lon < at)).sum(axis=0) % 2 == 1
    return inside


def region_of(events: pd.DataFrame) -> np.ndarray:
    """Each event's admin-1 region when its source places it no nearer, else -1.

    An event is placed in a region when its ``admin1`` names one of its
    ``country``'s shipped regions and it has either no coordinates or
    coordinates of region precision (``geo_precision`` 3) that fall inside
    that region's outline. The number is the region's place in
    :func:`admin1_outline`'s features. A name the outlines do not know (a
    region created after them, such as Ménaka) leaves the event as it was.

    Examples
    --------
    >>> frame = pd.DataFrame({"admin1": ["Kidal", "Kidal", "Gao", "Nowhere"],
    ...     "country": ["MLI", "MLI", "MLI", "MLI"], "latitude": [None, 18.44, 18.44, None],
    ...     "longitude": [None, 1.41, 1.41, None], "geo_precision": [None, 3, 3, None]})
    >>> features = admin1_outline()["features"]
    >>> [features[n]["properties"]["name"] if n >= 0 else None for n in region_of(frame)]
    ['Kidal', 'Kidal', None, None]
    """
    found = np.full(len(events), -1, dtype=np.int64)
    if not {"admin1", "country"} <= set(events.columns) or not len(events):
        return found
    lat = pd.to_numeric(events["latitude"], errors="coerce").to_numpy(float, na_value=np.nan)
    lon = pd.to_numeric(events["longitude"], errors="coerce").to_numpy(float, na_value=np.nan)
    loose = np.isnan(lat) | np.isnan(lon)
    if "geo_precision" in events:
        precision = pd.to_numeric(events["geo_precision"], errors="coerce").to_numpy(float)
        loose |= precision == 3
    named = events["admin1"].notna().to_numpy(bool) & events["country"].notna().to_numpy(bool)
    rows = np.flatnonzero(loose & named)
    if not len(rows):
        return found
    # Looked up once per distinct (country, admin1): a million ACLED rows name a few hundred.
    pairs = pd.MultiIndex.from_arrays(
        [events["country"].iloc[rows].astype(str), events["admin1"].iloc[rows].astype(str)]
    )
    codes, distinct = pd.factorize(pairs)
    lookup = _lookup()
    region = np.array(
        [lookup.get((country, region_key(name)), -1) for country, name in distinct],
        dtype=np.int64,
    )[codes]
    features = admin1_outline()["features"]
    placed = ~np.isnan(lat[rows]) & ~np.isnan(lon[rows])
    for n in np.unique(region[placed & (region >= 0)]):
        at = np.flatnonzero(placed & (region == n))
        # Judged once per distinct point, a few thousand at a time: a region's
        # events share a few centres, and each test holds points x edges.
        points, back = np.unique(
            np.column_stack([lon[rows][at], lat[rows][at]]), axis=0, return_inverse=True
        )
        rings = features[n]["geometry"]["coordinates"]
        inside = np.concatenate(
            [
                _inside(chunk[:, 0], chunk[:, 1], rings)
                for chunk in np.array_split(points, -(-len(points) // 2048))
            ]
        )
        # Coordinates outside the named region: the name or the point is wrong,
        # and the map does not pick one; the event stays a point.
        region[at[~inside[back.ravel()]]] = -1
    found[rows] = region
    return found
