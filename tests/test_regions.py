"""Tests of sahel_nb.regions: the shipped admin-1 outlines and the events placed in a region."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest

from sahel_nb.eventmap import outline
from sahel_nb.regions import _lookup, admin1_outline, region_key, region_of

FEATURES = admin1_outline()["features"]


def _name(n: int) -> str | None:
    return FEATURES[n]["properties"]["name"] if n >= 0 else None


def _events(**columns) -> pd.DataFrame:
    rows = len(next(iter(columns.values())))
    base = {"latitude": [None] * rows, "longitude": [None] * rows, "geo_precision": [None] * rows}
    return pd.DataFrame({**base, **columns})


def test_a_region_key_ignores_accents_case_punctuation_and_what_kind_of_region_it_is():
    assert region_key("Région de Tombouctou") == region_key("TOMBOUCTOU") == "tombouctou"
    assert region_key("Kidal region") == region_key("kidal")
    assert region_key("Ségou") == region_key("Segou")
    assert region_key("Wilaya de Tamanrasset") == "tamanrasset"
    assert region_key("Hodh ech Chargui") != region_key("Hodh el Gharbi")


def test_the_outlines_are_closed_rings_of_the_maps_countries_with_no_name_shared_by_two():
    countries = {f["properties"]["iso_a3"] for f in outline()["features"]}
    held = {f["properties"]["iso_a3"] for f in FEATURES}
    assert held <= countries
    assert {"MLI", "NER", "BFA", "MRT", "TCD", "DZA"} <= held
    names: dict[tuple[str, str], set[str]] = {}
    for feature in FEATURES:
        properties = feature["properties"]
        assert properties["name"]
        for ring in feature["geometry"]["coordinates"]:
            assert len(ring) >= 4 and ring[0] == ring[-1]
        for key in {region_key(properties["name"]), *properties["names"]}:
            names.setdefault((properties["iso_a3"], key), set()).add(properties["name"])
    # A name (own or alternative) leads to one region of its country, never two.
    assert all(len(regions) == 1 for regions in names.values())


def test_no_ring_doubles_back_and_regions_made_of_provinces_have_no_border_inside():
    # Rounding can leave a ring going out to a point and straight back: a hair
    # drawn across the map. Provinces put together must lose the borders
    # they share, or the region is drawn cut into its provinces.
    for feature in FEATURES:
        for ring in feature["geometry"]["coordinates"]:
            assert all(ring[i - 1] != ring[i + 1] for i in range(1, len(ring) - 1))
            assert ring[1] != ring[-2]
    regions = {"Sahel", "Est", "Centre-Nord", "Boucle du Mouhoun", "Nord", "Hauts-Bassins"}
    made = [f for f in FEATURES if f["properties"]["iso_a3"] == "BFA"]
    made = [f for f in made if f["properties"]["name"] in regions]
    assert len(made) == len(regions)
    for feature in made:
        edges = {
            (tuple(a), tuple(b))
            for ring in feature["geometry"]["coordinates"]
            for a, b in pairwise(ring)
        }
        assert not any((b, a) in edges for a, b in edges), feature["properties"]["name"]


@pytest.mark.parametrize(
    ("country", "admin1", "lat", "lon", "region"),
    [
        ("MLI", "Bamako", 12.64, -8.0, "Bamako"),
        ("MLI", "Gao", 16.27, -0.04, "Gao"),
        ("MLI", "Kidal", 18.44, 1.41, "Kidal"),
        ("MLI", "Tombouctou", 16.77, -3.0, "Timbuktu"),
        ("NER", "Agadez", 16.97, 7.99, "Agadez"),
        ("DZA", "Illizi", 26.48, 8.47, "Illizi"),
        ("DZA", "Tamanrasset", 22.79, 5.52, "Tamanghasset"),
        ("BFA", "Oudalan", 14.44, -0.23, "Oudalan"),  # Gorom-Gorom
    ],
)
def test_a_region_level_event_inside_its_named_region_is_placed_in_it(
    country, admin1, lat, lon, region
):
    events = _events(country=[country], admin1=[admin1], latitude=[lat], longitude=[lon],
                     geo_precision=[3])  # fmt: skip
    assert _name(region_of(events)[0]) == region


def test_an_event_is_placed_in_a_region_only_when_its_source_places_it_no_nearer():
    events = _events(
        event_id=["none", "region", "town", "wrong-country", "unknown", "outside", "empty"],
        country=["MLI", "MLI", "MLI", "NER", "MLI", "MLI", "MLI"],
        admin1=["Région de Kidal", "Kidal", "Kidal", "Kidal", "Ménaka", "Kidal", None],
        latitude=[None, 18.44, 18.44, None, None, 16.27, None],
        longitude=[None, 1.41, 1.41, None, None, -0.04, None],
        geo_precision=[None, 3, 1, None, None, 3, None],
    )
    placed = [_name(n) for n in region_of(events)]
    # No coordinates, or a region's: the region. A town's point stays a point; a
    # region another country holds, one the outlines do not know, or a point
    # outside the region named (Gao's coordinates, Kidal's name) is no region.
    assert placed == ["Kidal", "Kidal", None, None, None, None, None]


def test_events_without_place_columns_are_in_no_region():
    assert (region_of(pd.DataFrame({"latitude": [1.0], "longitude": [2.0]})) == -1).all()
    assert len(region_of(_events(country=[], admin1=[]))) == 0


def test_regions_are_looked_up_once_per_name_however_many_events():
    events = _events(country=["MLI"] * 50_000, admin1=["Kidal", "Gao"] * 25_000)
    found = region_of(events)
    assert {_name(n) for n in np.unique(found)} == {"Kidal", "Gao"}


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("acled_mali_2017-2019.csv", "MLI"),
        ("acled_mali_2017-2020_noactor2.csv", "MLI"),
        ("acled_bfa_1997-2020.csv", "BFA"),
        ("acled_benin_2022_modern.csv", "BEN"),
    ],
)
def test_real_acled_region_level_events_find_the_region_their_admin1_names(
    real_exports, name, country
):
    events = pd.read_csv(real_exports / name)
    events.columns = events.columns.str.lower()
    events["country"] = country
    found = region_of(events)
    known = np.array(
        [(country, region_key(a)) in _lookup() if isinstance(a, str) else False
         for a in events["admin1"]]
    )  # fmt: skip
    region_level = (events["geo_precision"] == 3).to_numpy() & known
    assert region_level.any()
    assert (found[region_level] >= 0).mean() > 0.5
    # Each is placed in the region its admin1 names, unless its point lies off
    # that region's outline: then within a rounding of its border (0.1°, plus
    # Natural Earth's 1:10m against ACLED's gazetteer), and it stays a point.
    for row in np.flatnonzero(region_level & (found < 0)):
        n = _lookup()[(country, region_key(events["admin1"].iloc[row]))]
        ring = np.concatenate([np.asarray(r) for r in FEATURES[n]["geometry"]["coordinates"]])
        point = events[["longitude", "latitude"]].iloc[row].to_numpy(float)
        assert np.hypot(*(ring - point).T).min() < 0.3, events.iloc[row].to_dict()
    placed = [FEATURES[n]["properties"]["iso_a3"] for n in found[found >= 0]]
    assert set(placed) == {country}
