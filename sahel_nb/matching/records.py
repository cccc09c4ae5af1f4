"""Event records for matching: each row's span of days, place, radius, type levels and actors."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..crosswalk import Crosswalk, load_crosswalk

__all__ = ["EARTH_KM", "GEO_RADIUS_KM", "Windows", "dataset_of", "event_records", "place_key"]

#: Mean Earth radius, for great-circle distances.
EARTH_KM = 6371.0088
#: How far from its coordinates a place may be, by geo precision (ACLED's 1–3,
#: which GTD's specificity and UCDP's where_prec are mapped to on import).
GEO_RADIUS_KM = {1: 0.0, 2: 25.0, 3: 100.0}


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
        from ..exceptions import ParameterError

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
        from ..dates import partial_date_span

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
            "place": _per_value(events["location"], place_key)
            if "location" in events
            else np.full(len(events), "", dtype=object),
            "level": level_of[codes],
            "event_type": events["event_type"].astype(str).to_numpy(),
            "perpetrator": events["actor1"].fillna("").astype(str).to_numpy(),
            "actors": actors.to_numpy(),
        }
    )
    placed = ~np.isnan(lat) & ~np.isnan(lon)
    usable = (records["start"] > np.iinfo(np.int64).min) & (placed | (records["country"] != ""))
    return records[usable.to_numpy(bool)].reset_index(drop=True)


#: Words that say what kind of town a name is, not which: "Hombori town" is Hombori.
#: Region words stay: "Gao region" is not the town of Gao.
_PLACE_WORDS = frozenset([
    "town", "city", "village", "commune", "of", "the", "near", "outskirts", "centre", "center",
])  # fmt: skip
#: Words that make a place a part of a country, not a place in it ("northern Mali").
_PARTS = frozenset([
    "north", "northern", "south", "southern", "east", "eastern", "west", "western",
    "central", "northeast", "northeastern", "northwest", "northwestern", "southeast",
    "southeastern", "southwest", "southwestern", "far", "region", "sahel",
])  # fmt: skip


def place_key(name: str) -> str:
    """A town's name as records of one town share it; empty for a country or a part of one.

    Accents, case and words that say what kind of town it is are left out.
    A name that is a country ("Mali") or a part of one ("Northern Mali") names
    no town: two records "in Mali" are not at one place.

    Examples
    --------
    >>> place_key("Hombori town"), place_key("Near Gao"), place_key("Gao region")
    ('hombori', 'gao', 'gao region')
    >>> place_key("Mali"), place_key("Northern Mali"), place_key("Sahel")
    ('', '', '')
    """
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = [w for w in re.findall(r"[a-z0-9]+", plain) if w not in _PLACE_WORDS]
    rest = [w for w in words if w not in _PARTS]
    if not rest or " ".join(rest) in _country_names():
        return ""
    return " ".join(words)


@functools.cache
def _country_names() -> frozenset[str]:
    """Every country's names, folded as :func:`place_key` folds a place's."""
    import unicodedata

    import pycountry

    names = set()
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
                names.add(" ".join(re.findall(r"[a-z0-9]+", plain.casefold())))
    return frozenset(names)


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
