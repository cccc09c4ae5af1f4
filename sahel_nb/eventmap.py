"""The offline event map: located events on a shipped outline, labelled, with hostages' paths."""

from __future__ import annotations

import json
import os
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from .eventmarks import EVENT_COLOURS, first_words, frame, hover
from .eventmarks import day_number as _day_number
from .maplabels import CHAR, LINE, country_areas, hostage_paths, place_labels
from .pages import render, write_atomically
from .regions import admin1_outline, region_of

__all__ = ["EXTENT", "map_counts", "map_page", "map_sentence", "outline"]

#: The map's extent in degrees (west, south, east, north): the Sahel and the Maghreb.
EXTENT = (-18.0, 3.0, 25.0, 38.0)


@cache
def outline() -> dict:
    """The shipped outline of the Sahel countries and neighbours (Natural Earth, GeoJSON).

    Examples
    --------
    >>> sorted(f["properties"]["iso_a3"] for f in outline()["features"])[:3]
    ['BEN', 'BFA', 'CAF']
    """
    text = (files("sahel_nb") / "reference" / "sahel_countries.geojson").read_text("utf-8")
    return json.loads(text)


def map_counts(events: pd.DataFrame, extent=EXTENT, *, regions=None) -> dict[str, int]:
    """How the map shows :func:`event_table` rows: the counts the notebook and the map both say.

    ``located`` events are drawn, at ``places`` distinct points (events at one
    place share a dot with a count, and events placed no nearer than an
    admin-1 region are one place, the region: :func:`~sahel_nb.regions.region_of`,
    or ``regions`` when the caller has them); ``outside`` have coordinates
    beyond the map's area; ``no_coordinates`` have none.

    Examples
    --------
    >>> frame = pd.DataFrame({"latitude": [16.77, 16.77, 40.7, None],
    ...                       "longitude": [-3.0, -3.0, -74.0, None]})
    >>> map_counts(frame)
    {'located': 2, 'places': 1, 'outside': 1, 'no_coordinates': 1}
    """
    located, shown = _located(events, extent)
    # A region-wide event and a town's event at the same coordinates are two marks;
    # counted on three plain columns, not on a copy of half a million rows. Events
    # drawn as their admin-1 region are one mark per region, wherever their points.
    area = (region_of(events) if regions is None else regions)[shown]
    marks = pd.DataFrame(
        {
            "latitude": np.where(area >= 0, 0.0, _numbers(events["latitude"])[shown]),
            "longitude": np.where(area >= 0, 0.0, _numbers(events["longitude"])[shown]),
            "region": (_numbers(events["geo_precision"]) == 3)[shown]
            if "geo_precision" in events
            else False,
            "area": area,
        }
    )
    return {
        "located": int(shown.sum()),
        "places": len(marks.drop_duplicates()),
        "outside": int(located.sum() - shown.sum()),
        "no_coordinates": int(len(events) - located.sum()),
    }


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(float, na_value=np.nan)


def _located(events: pd.DataFrame, extent) -> tuple[np.ndarray, np.ndarray]:
    """Which rows have coordinates, and which of those lie inside ``extent``."""
    west, south, east, north = extent
    lat, lon = _numbers(events["latitude"]), _numbers(events["longitude"])
    located = ~np.isnan(lat) & ~np.isnan(lon)
    with np.errstate(invalid="ignore"):
        inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
    return located, located & inside


def map_sentence(counts: dict[str, int]) -> str:
    """The map's counts in words, the same in the notebook and on the page.

    Examples
    --------
    >>> map_sentence({"located": 3, "places": 2, "outside": 1, "no_coordinates": 4})
    '3 events are on the map, at 2 places; 1 lies outside its area and 4 have no coordinates.'
    """

    def count(number: int, word: str) -> str:
        return f"{number:,} {word}{'' if number == 1 else 's'}"

    located, places = counts["located"], counts["places"]
    text = f"{count(located, 'event')} {'is' if located == 1 else 'are'} on the map"
    if located and places != located:
        text += f", at {count(places, 'place')}"
    outside, none = counts["outside"], counts["no_coordinates"]
    text += (
        f"; {outside:,} {'lies' if outside == 1 else 'lie'} outside its area and "
        f"{none:,} {'has' if none == 1 else 'have'} no coordinates."
    )
    return text


def _map_summary(counts: dict[str, int], places: list | None, regions: int = 0) -> str:
    counts = dict(counts)
    if places is not None:  # counted per 0.1° place: the dots are those places, and regions
        counts["places"] = len(places) + regions
    text = map_sentence(counts)
    if places is not None:
        text = text.replace(" places;", " places (0.1°), each dot counting its events;", 1)
    return text + " Those not on the map are listed below."


def map_page(
    events: pd.DataFrame,
    path: str | os.PathLike,
    *,
    title: str = "Located events",
    extent: tuple[float, float, float, float] = EXTENT,
    max_events: int = 2000,
    max_listed: int = 500,
    dataset=None,
) -> Path:
    """Write a self-contained map of the located events at ``path``; no tile server.

    Country outlines come from the shipped Natural Earth file, drawn in an
    equirectangular projection. Each place is a dot; events at one place
    share it, with their number written on it and each event on hover, so
    none hides another. How precisely each event is placed shows: a town
    (ACLED geo_precision 1) is a dot, a place near a town (2) a dot with a
    faint halo of about 25 km, an event located only to a larger region (3)
    a pale, dashed disc about a degree across. Events without coordinates
    or outside ``extent`` are listed under the map (the first
    ``max_listed``); the counts are :func:`map_sentence`'s, as in the
    notebook. Past ``max_events`` located events, events are counted per
    place (0.1°): one dot each, its area by the count, the kinds and
    sources on hover. The legend lists only the event types drawn.

    Every place is labelled with its name where there is room, placed so
    that no label overlaps another or a dot (:func:`~sahel_nb.maplabels.place_labels`);
    a label with no room shows on hover only. Events placed only within a
    country (no coordinates, a ``country``) hatch that country, counted in
    its label. With the ``dataset`` the events come from, each hostage's
    path (:func:`~sahel_nb.maplabels.hostage_paths`) is a dashed arrow from
    where they were taken to where they were next placed, with its dates.
    A line under the map says how many events it does not place at a point
    and why.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.timeline import event_table
    >>> data = load_dataset()
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "map.html"
    >>> map_page(event_table(data), out, dataset=data).name
    'map.html'
    """
    context = _map_context(events, extent, max_events, max_listed, dataset=dataset)
    page = render("map.html.j2", title=title, geo=context, **frame(context))
    return write_atomically(path, page)


def _spans(rows) -> str:
    """``first:last`` day numbers of each dated event at a place, for the page's period filter."""
    spans = []
    for row in rows:
        first, last = getattr(row, "first_day", None), getattr(row, "last_day", None)
        if first is None or pd.isna(first):
            continue  # undated: shown only when no period is picked
        # An open end (2003/..) runs on: it touches every later period.
        end = _day_number(last) if last is not None and pd.notna(last) else 10**6
        spans.append(f"{_day_number(first)}:{end}")
    return " ".join(spans)


def _map_context(
    events: pd.DataFrame, extent, max_events: int, max_listed: int, dataset=None
) -> dict:
    west, south, east, north = extent
    width = 1000
    scale = width / (east - west)
    height = round((north - south) * scale)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - west) * scale, 1), round((north - lat) * scale, 1)

    countries = []
    for feature in outline()["features"]:
        d, label = _shape(feature["geometry"]["coordinates"], extent, project)
        countries.append(
            {
                "d": d,
                "name": feature["properties"]["name"],
                "iso": feature["properties"]["iso_a3"],
                "label": label,
            }
        )
    _, shown = _located(events, extent)
    many = int(shown.sum()) > max_events
    # Events placed no nearer than a region the map has the outline of are
    # that region, hatched, not a point pretending to be a place; a region
    # whose middle lies off the map leaves its events as they were.
    regions = region_of(events)
    shapes = _region_shapes(regions, extent, project)
    regions = np.where(np.isin(regions, list(shapes)), regions, -1)
    counts = map_counts(events, extent, regions=regions)
    as_point = shown & (regions < 0)
    if many:
        # Counted per place: four columns are enough, not a copy of every row.
        columns = ["latitude", "longitude", "source", "event_type"]
        in_view = events.loc[as_point, columns]
        dots = _places(in_view)
    else:
        in_view = events[as_point]
        dots = []
        precision = (
            in_view["geo_precision"].fillna(1).astype(int)
            if "geo_precision" in in_view
            else pd.Series(1, index=in_view.index)
        )
        grouped = in_view.assign(_region=(precision == 3), _near=(precision == 2)).groupby(
            ["latitude", "longitude", "_region", "_near"], sort=True
        )
        for (lat, lon, region, near), here in grouped:
            rows = list(here.itertuples(index=False))
            region = bool(region)
            dots.append(
                {
                    "lat": float(lat),
                    "lon": float(lon),
                    # A region is drawn about a degree across, not as a town.
                    "r": round(scale * 0.6, 1) if region else 7,
                    # Near a town (geo_precision 2): a halo of about a quarter degree.
                    "halo": round(7 + scale * 0.25, 1) if near else 0,
                    "region": region,
                    "count": len(rows),
                    "colour": EVENT_COLOURS.get(rows[0].event_type, "#757575"),
                    "hover": "\n\n".join(hover(row) for row in rows),
                    "event_id": " ".join(row.event_id for row in rows),
                    "spans": _spans(rows),
                    "place": _place_name(rows),
                }
            )
        # Regions first, so that a town inside one is drawn on top of it.
        dots.sort(key=lambda dot: (not dot["region"], -dot["r"], dot["event_id"]))
    for dot in dots:
        dot.setdefault("region", False)
        dot.setdefault("halo", 0)
        dot.setdefault("count", 1)
        dot.setdefault("spans", "")
        dot.setdefault("place", "")
        dot["cx"], dot["cy"] = project(dot["lon"], dot["lat"])
    features = admin1_outline()["features"]
    drawn_regions = [
        _area(d, features[n]["properties"]["name"], anchor, events[regions == n], many, True)
        for n, (d, anchor) in shapes.items()
    ]
    # Regions after countries: drawn over the country that holds them.
    areas = _areas(events[regions < 0], countries, many) + drawn_regions
    # Each place numbered, its labels carrying the number: the linked page's
    # script then finds a label's place from numbers alone (never from data).
    for n, mark in enumerate([*dots, *areas]):
        mark["n"] = n
    arrows = []
    if dataset is not None and not many:
        arrows = _arrows(dataset, extent, project)
    labels = _labels(dots, areas, arrows, countries, (width, height))
    # Counted under the map among those without coordinates: events with none
    # that an area holds (a region's may also hold events placed at its centre).
    on_areas = sum(area["loose"] for area in areas)
    # Events shaded as their country are listed too: a hatch is no place to read them.
    off = np.flatnonzero(~shown)
    unplaced = events.iloc[off[:max_listed]]
    return {
        "summary": _map_summary(
            counts, dots if many else None, len(np.unique(regions[shown & (regions >= 0)]))
        ),
        "kinds": set(in_view["event_type"].unique()),
        "width": width,
        "height": height,
        "countries": countries,
        "dots": dots,
        "areas": areas,
        "arrows": arrows,
        "labels": labels,
        "not_on_map": _not_on_map(counts, on_areas),
        "elsewhere": [{"hover": hover(r), "event_id": r.event_id} for r in unplaced.itertuples()],
        "more": max(len(off) - max_listed, 0),
        "attribution": outline()["attribution"],
        "region_attribution": admin1_outline()["attribution"] if drawn_regions else "",
        "precise": any(not d["region"] and not d["halo"] for d in dots),
        "near": any(d["halo"] for d in dots),
        "regions": any(d["region"] for d in dots),
    }


def _place_name(rows) -> str:
    """The names the events at one dot give their place, each once, in order."""
    names = [str(r.location) for r in rows if isinstance(r.location, str) and r.location]
    return " / ".join(dict.fromkeys(names))


#: An area holding more events than this counts them on hover by kind and source,
#: as the places of a large map do, instead of listing each; like them it carries
#: no span per event, so on the linked page a picked period hides it.
AREA_LISTED = 200


def _area(d: str, name: str, anchor, held: pd.DataFrame, many: bool, region=False) -> dict:
    """One hatched area's mark: its events counted, and listed on hover (counted when many)."""
    area = {"d": d, "name": name, "anchor": anchor, "count": len(held), "region": region,
            "loose": int(np.isnan(_numbers(held["latitude"])).sum())}  # fmt: skip
    if many or len(held) > AREA_LISTED:
        kinds = held["event_type"].astype(str).value_counts()
        sources = pd.Series(first_words(held["source"])).value_counts()
        area["hover"] = (
            f"{len(held):,} events placed no nearer than {name}: "
            + ", ".join(f"{kind} {n:,}" for kind, n in kinds.items())
            + " — sources: "
            + ", ".join(f"{source} ({n:,})" for source, n in sources.items())
        )
        return {**area, "event_id": "", "spans": ""}
    rows = list(held.itertuples(index=False))
    return {
        **area,
        "hover": "\n\n".join(hover(row) for row in rows),
        "event_id": " ".join(row.event_id for row in rows),
        "spans": _spans(rows),
    }


def _areas(events: pd.DataFrame, countries: list[dict], many: bool) -> list[dict]:
    """Countries holding events placed only within them: shaded, counted, listed on hover."""
    drawn = {c["iso"]: c for c in countries if c["label"] is not None}
    return [
        _area(drawn[iso]["d"], drawn[iso]["name"], drawn[iso]["label"], rows, many)
        for iso, rows in country_areas(events, set(drawn)).items()
    ]


def _shape(rings: list, extent, project, closed: str = "") -> tuple[str, tuple | None]:
    """An outline's SVG path, and its label point (the middle of its largest ring) if on the map."""
    west, south, east, north = extent
    d = " ".join(
        "M" + " L".join("{},{}".format(*project(lon, lat)) for lon, lat in ring) + closed
        for ring in rings
    )
    largest = max(rings, key=len)
    lon = sum(p[0] for p in largest) / len(largest)
    lat = sum(p[1] for p in largest) / len(largest)
    inside = west < lon < east and south < lat < north
    return d, project(lon, lat) if inside else None


def _region_shapes(regions: np.ndarray, extent, project) -> dict[int, tuple[str, tuple]]:
    """The path and label point of each region with events whose middle lies inside ``extent``."""
    features = admin1_outline()["features"]
    shapes = {}
    for n in np.unique(regions[regions >= 0]):
        d, label = _shape(features[n]["geometry"]["coordinates"], extent, project, " Z")
        if label is not None:
            shapes[int(n)] = (d, label)
    return shapes


def _arrows(dataset, extent, project) -> list[dict]:
    """Hostages' paths inside the map, projected, with the words of their label."""
    west, south, east, north = extent
    names = dataset.actors.set_index("actor_id")["name"].to_dict()
    arrows = []
    types = dataset.actors.set_index("actor_id")["actor_type"].astype(str).to_dict()
    for leg in hostage_paths(dataset.events, names, types):
        ends = ((leg["from_lon"], leg["from_lat"]), (leg["to_lon"], leg["to_lat"]))
        if not all(west <= lon <= east and south <= lat <= north for lon, lat in ends):
            continue
        (x1, y1), (x2, y2) = (project(lon, lat) for lon, lat in ends)
        taken = f"{leg['from_place']}: {leg['hostage']} taken {leg['from_date']}"
        then = f"{leg['to_place']}: {leg['what']} {leg['to_date']}"
        # The arrow is straight: where they were between its ends is said with it.
        between = f"then {leg['meanwhile']}; " if leg.get("meanwhile") else ""
        words = (
            f"{leg['hostage']}: taken {leg['from_date']} in {leg['from_place']}, {between}{then}"
        )
        arrows.append({**leg, "x1": x1, "y1": y1, "x2": x2, "y2": y2, "words": words,
                       "taken": taken, "then": then})  # fmt: skip
    return arrows


def _labels(dots, areas, arrows, countries, size) -> list[dict]:
    """Every label of the map, placed so that none overlaps another or a dot.

    Hostages' paths first, then places (most events first), then the
    country-wide counts, then country names: when room runs out, the least
    telling labels are the ones left to hover.
    """
    # Each end of a hostage's path says what happened there and when.
    marks = [
        {
            "x": x,
            "y": y,
            "gap": 9,
            "text": text,
            "kind": "path",
            "bold": True,
            "ref": a["event_ids"],
        }
        for a in arrows
        for x, y, text in ((a["x1"], a["y1"], a["taken"]), (a["x2"], a["y2"], a["then"]))
    ]
    marks += [
        {"x": d["cx"], "y": d["cy"], "gap": (d["halo"] or d["r"]) + 3, "text": d["place"],
         "kind": "place", "ref": d["event_id"], "n": d["n"]}
        for d in sorted(dots, key=lambda d: (-d["count"], d["event_id"])) if d["place"]
    ]  # fmt: skip
    marks += [
        {"x": a["anchor"][0], "y": a["anchor"][1] + LINE, "gap": 0, "kind": "area",
         "text": f"{a['name']}: {a['count']} event{'s' if a['count'] != 1 else ''}, "
         "no nearer place", "ref": a["event_id"], "n": a["n"], "name": a["name"],
         "count": a["count"]}
        for a in areas
    ]  # fmt: skip
    named = {a["name"] for a in areas}
    marks += [
        {"x": c["label"][0], "y": c["label"][1], "gap": 0, "text": c["name"], "kind": "country",
         "ref": c["iso"]}
        for c in countries if c["label"] is not None
    ]  # fmt: skip
    # Country names are centred on the country: try the centre before the sides.
    for mark in marks:
        if mark["kind"] in {"country", "area"}:
            mark["x"] -= len(mark["text"]) * CHAR / 2 + mark["gap"]
    obstacles = [
        (d["cx"] - d["r"], d["cy"] - d["r"], d["cx"] + d["r"], d["cy"] + d["r"]) for d in dots
    ]
    placed = place_labels(marks, size, obstacles)
    # A country already named by its area's count needs no second label.
    return [m for m in placed if not (m["kind"] == "country" and m["text"] in named)]


def _not_on_map(counts: dict[str, int], on_areas: int) -> str:
    """Under the map: how many events it does not place at a point, and why."""
    none, outside = counts["no_coordinates"], counts["outside"]
    if not none and not outside:
        return "Every event is on the map."
    text = (
        f"Not on the map: {none:,} event{'s' if none != 1 else ''} without coordinates"
        f"{f' ({on_areas:,} of them shaded as their region or country, placed no nearer)' if on_areas else ''}"
        f" and {outside:,} outside the map's area."
    )
    return text


def _places(located: pd.DataFrame) -> list[dict]:
    """Located events counted per place (coordinates rounded to 0.1°), largest first."""
    places = located.assign(
        lat=located["latitude"].astype(float).round(1),
        lon=located["longitude"].astype(float).round(1),
    )
    places["cited_source"] = first_words(places["source"])
    places["kind"] = places["event_type"].astype(str).astype(object).to_numpy()
    sizes = places.groupby(["lat", "lon"], sort=True).size()
    peak = sizes.max()

    def counted(column: str) -> dict:
        # Per place, most frequent first; a tie keeps first appearance (as value_counts).
        per = places.groupby(["lat", "lon", column], sort=False).size().reset_index(name="n")
        per = per.sort_values(["lat", "lon", "n"], ascending=[True, True, False], kind="stable")
        return {
            key: list(zip(g[column], g["n"], strict=True))
            for key, g in per.groupby(["lat", "lon"], sort=False)
        }

    kinds_at, sources_at = counted("kind"), counted("cited_source")
    found = []
    for (lat, lon), count in sizes.items():
        kinds, sources = kinds_at[(lat, lon)], sources_at[(lat, lon)]
        found.append(
            {
                "lat": float(lat),
                "lon": float(lon),
                "r": round(3 + 12 * (count / peak) ** 0.5, 1),
                "colour": EVENT_COLOURS.get(kinds[0][0], "#757575"),
                "event_id": f"{lat:.1f},{lon:.1f}",
                "hover": f"{count:,} events near {lat:.1f}, {lon:.1f}: "
                + ", ".join(f"{kind} {n:,}" for kind, n in kinds)
                + " — sources: "
                + ", ".join(f"{source} ({n:,})" for source, n in sources),
            }
        )
    return sorted(found, key=lambda place: -place["r"])  # small dots drawn over big ones
