"""Build sahel_nb/reference/sahel_countries.geojson from Natural Earth's low-resolution countries.

Run once, in a throwaway environment, when the outline should be refreshed:

    python -m venv /tmp/shp && /tmp/shp/bin/pip install pyshp==3.1.6
    /tmp/shp/bin/pip download pyogrio==0.13.0 --no-deps -d /tmp/shp
    /tmp/shp/bin/python scripts/make_sahel_outline.py /tmp/shp/pyogrio-0.13.0-*.whl

Natural Earth (public domain, naturalearthdata.com) 1:110m admin-0 countries,
as shipped in the test fixtures of the pyogrio wheel
(pyogrio/tests/fixtures/naturalearth_lowres). The Sahel states and their
neighbours are kept, with coordinates rounded to 0.01 degree (about 1 km,
far finer than the 1:110m outline itself) and repeated points dropped.
The package never imports pyshp or pyogrio: the GeoJSON is committed.
"""

from __future__ import annotations

import io
import itertools
import json
import sys
import zipfile
from pathlib import Path

import shapefile

#: Sahel states, the Maghreb and the coastal neighbours an analyst needs to orient by.
COUNTRIES = (
    "MLI", "NER", "MRT", "BFA", "TCD", "DZA", "LBY", "MAR", "ESH", "TUN", "SEN", "GMB",
    "GIN", "GNB", "SLE", "LBR", "CIV", "GHA", "TGO", "BEN", "NGA", "CMR", "SDN", "EGY", "CAF",
)  # fmt: skip

OUT = Path(__file__).parents[1] / "sahel_nb" / "reference" / "sahel_countries.geojson"
FIXTURE = "pyogrio/tests/fixtures/naturalearth_lowres/naturalearth_lowres."


def _ring(points) -> list[list[float]]:
    ring = []
    for x, y in points:
        point = [round(x, 2), round(y, 2)]
        if not ring or ring[-1] != point:
            ring.append(point)
    return ring


def main(wheel: str) -> None:
    archive = zipfile.ZipFile(wheel)
    parts = {ext: io.BytesIO(archive.read(FIXTURE + ext)) for ext in ("shp", "shx", "dbf")}
    # The .cpg file says ISO-8859-1 (Côte d'Ivoire).
    reader = shapefile.Reader(**parts, encoding="latin-1")
    features = []
    for shape_record in reader.iterShapeRecords():
        record = shape_record.record.as_dict()
        if record["iso_a3"] not in COUNTRIES:
            continue
        shape = shape_record.shape
        bounds = [*shape.parts, len(shape.points)]
        rings = [_ring(shape.points[a:b]) for a, b in itertools.pairwise(bounds)]
        features.append(
            {
                "type": "Feature",
                "properties": {"iso_a3": record["iso_a3"], "name": record["name"]},
                "geometry": {"type": "MultiLineString", "coordinates": rings},
            }
        )
    features.sort(key=lambda f: f["properties"]["iso_a3"])
    collection = {
        "type": "FeatureCollection",
        "attribution": "Made with Natural Earth (public domain), 1:110m admin-0 countries",
        "features": features,
    }
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(features)} countries, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
