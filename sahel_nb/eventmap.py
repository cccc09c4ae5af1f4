"""The offline event map: located events on a shipped outline, labelled, with hostages' paths."""

from __future__ import annotations

import json
import os
from functools import cache
from importlib.resources import files
from pathlib import Path

import pandas as pd

from .eventmarks import EVENT_COLOURS, frame, hover
from .eventmarks import day_number as _day_number
from .pages import render, write_atomically

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


def map_counts(events: pd.DataFrame, extent=EXTENT) -> dict[str, int]:
    """How the map shows :func:`event_table` rows: the counts the notebook and the map both say.

    ``located`` events are drawn, at ``places`` distinct points (events at one
    place share a dot with a count); ``outside`` have coordinates beyond the
    map's area; ``no_coordinates`` have none.

    Examples
    --------
    >>> frame = pd.DataFrame({"latitude": [16.77, 16.77, 40.7, None],
    ...                       "longitude": [-3.0, -3.0, -74.0, None]})
    >>> map_counts(frame)
    {'located': 2, 'places': 1, 'outside': 1, 'no_coordinates': 1}
    """
    west, south, east, north = extent
    located = events[events["latitude"].notna() & events["longitude"].notna()]
    inside = located["longitude"].between(west, east) & located["latitude"].between(south, north)
    shown = located[inside.to_numpy(bool)]
    # A region-wide event and a town's event at the same coordinates are two marks.
    region = shown["geo_precision"] == 3 if "geo_precision" in shown else False
    places = len(
        shown.assign(_region=region)[["latitude", "longitude", "_region"]].drop_duplicates()
    )
    return {
        "located": len(shown),
        "places": places,
        "outside": len(located) - len(shown),
        "no_coordinates": len(events) - len(located),
    }


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


def _map_summary(events: pd.DataFrame, extent, places: list | None) -> str:
    counts = map_counts(events, extent)
    if places is not None:  # counted per 0.1° place: the dots are those places
        counts["places"] = len(places)
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
    """
    context = _map_context(events, extent, max_events, max_listed)
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
        rings = feature["geometry"]["coordinates"]
        paths = [
            "M" + " L".join("{},{}".format(*project(lon, lat)) for lon, lat in ring)
            for ring in rings
        ]
        largest = max(rings, key=len)
        lon = sum(p[0] for p in largest) / len(largest)
        lat = sum(p[1] for p in largest) / len(largest)
        inside = west < lon < east and south < lat < north
        countries.append(
            {
                "d": " ".join(paths),
                "name": feature["properties"]["name"],
                "label": project(lon, lat) if inside else None,
            }
        )
    located = events[events["latitude"].notna() & events["longitude"].notna()]
    in_view = located[
        located["longitude"].between(west, east) & located["latitude"].between(south, north)
    ]
    if len(in_view) > max_events:
        dots = _places(in_view)
    else:
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
                }
            )
        # Regions first, so that a town inside one is drawn on top of it.
        dots.sort(key=lambda dot: (not dot["region"], -dot["r"], dot["event_id"]))
    for dot in dots:
        dot.setdefault("region", False)
        dot.setdefault("halo", 0)
        dot.setdefault("count", 1)
        dot.setdefault("spans", "")
        dot["cx"], dot["cy"] = project(dot["lon"], dot["lat"])
    elsewhere = events[~events["event_id"].isin(in_view["event_id"])]
    return {
        "summary": _map_summary(events, extent, dots if len(in_view) > max_events else None),
        "kinds": set(in_view["event_type"]),
        "width": width,
        "height": height,
        "countries": countries,
        "dots": dots,
        "elsewhere": [
            {"hover": hover(r), "event_id": r.event_id}
            for r in elsewhere.head(max_listed).itertuples()
        ],
        "more": max(len(elsewhere) - max_listed, 0),
        "attribution": outline()["attribution"],
        "precise": any(not d["region"] and not d["halo"] for d in dots),
        "near": any(d["halo"] for d in dots),
        "regions": any(d["region"] for d in dots),
    }


def _places(located: pd.DataFrame) -> list[dict]:
    """Located events counted per place (coordinates rounded to 0.1°), largest first."""
    places = located.assign(
        lat=located["latitude"].astype(float).round(1),
        lon=located["longitude"].astype(float).round(1),
    )
    peak = places.groupby(["lat", "lon"]).size().max()
    found = []
    for (lat, lon), events in places.groupby(["lat", "lon"], sort=True):
        kinds = events["event_type"].value_counts()
        sources = events["source"].str.split(" ", n=1).str[0].value_counts()
        found.append(
            {
                "lat": float(lat),
                "lon": float(lon),
                "r": round(3 + 12 * (len(events) / peak) ** 0.5, 1),
                "colour": EVENT_COLOURS.get(kinds.index[0], "#757575"),
                "event_id": f"{lat:.1f},{lon:.1f}",
                "hover": f"{len(events):,} events near {lat:.1f}, {lon:.1f}: "
                + ", ".join(f"{kind} {n:,}" for kind, n in kinds.items())
                + " — sources: "
                + ", ".join(f"{source} ({n:,})" for source, n in sources.items()),
            }
        )
    return sorted(found, key=lambda place: -place["r"])  # small dots drawn over big ones
