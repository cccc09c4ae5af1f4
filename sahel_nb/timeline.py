"""Event timelines and maps: partial dates drawn as spans, located events on an offline outline."""

from __future__ import annotations

import json
import os
from functools import cache
from importlib.resources import files
from pathlib import Path

import pandas as pd

from .data import Dataset
from .dates import in_window
from .network import _choices
from .pages import render, write_atomically
from .schema import EVENT_TYPES

__all__ = ["EVENT_COLOURS", "event_sources", "event_table", "map_page", "outline", "timeline_page"]

#: Colour of each ACLED event type, on the timeline and the map.
EVENT_COLOURS = {
    "Battles": "#c62828",
    "Explosions/Remote violence": "#ef6c00",
    "Violence against civilians": "#6a1b9a",
    "Protests": "#00838f",
    "Riots": "#8d6e63",
    "Strategic developments": "#1565c0",
}

#: The map's extent in degrees (west, south, east, north): the Sahel and the Maghreb.
EXTENT = (-18.0, 3.0, 25.0, 38.0)

_PRECISION = {4: "year", 7: "month", 10: "day"}


def event_table(dataset: Dataset, *, start=None, end=None, event_types=None) -> pd.DataFrame:
    """Return the events of a window, with their span, actors' names and sources.

    ``precision`` says what the date as written gives (year, month, day or
    undated). Undated events are kept only when no window is set: their
    place in time is unknown. Sorted by first day, then id; undated last.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> table = event_table(load_dataset(), end="2006")
    >>> table[["date", "precision"]].head(2).values.tolist()
    [['2003', 'year'], ['2003', 'year']]
    """
    event_types = _choices(event_types, list(EVENT_TYPES), "event_types")
    events = dataset.events
    keep = in_window(events, start, end)
    if event_types is not None:
        keep &= events["event_type"].isin(event_types)
    chosen = events[keep]
    names = dataset.actors.set_index("actor_id")["name"].to_dict()

    def who(row) -> str:
        ids = [row.actor1, row.actor2, *row.assoc_actors]
        return "; ".join(names.get(i, i) for i in ids if isinstance(i, str))

    table = pd.DataFrame(
        {
            "event_id": chosen["event_id"],
            "date": chosen["date"],
            "precision": chosen["date"].str.len().map(_PRECISION).fillna("undated"),
            "first_day": chosen["date_start"],
            "last_day": chosen["date_end"],
            "event_type": chosen["event_type"].astype(str),
            "sub_event_type": chosen["sub_event_type"].astype(str),
            "actors": [who(row) for row in chosen.itertuples(index=False)],
            "location": chosen["location"],
            "country": chosen["country"],
            "latitude": chosen["latitude"],
            "longitude": chosen["longitude"],
            "description": chosen["description"],
            "status": chosen["status"].astype(str),
            "credibility": chosen["credibility"],
            "source": chosen["source_id"] + " " + chosen["locator"],
        }
    )
    return table.sort_values(["first_day", "event_id"], na_position="last", ignore_index=True)


def event_sources(events: pd.DataFrame) -> pd.DataFrame:
    """The source and locator of each row of :func:`event_table`, for a caption.

    Examples
    --------
    >>> event_sources(pd.DataFrame({"source": ["guitta-2010 ¶6, ¶14"]})).values.tolist()
    [['guitta-2010', '¶6, ¶14']]
    """
    parts = events["source"].str.split(" ", n=1, expand=True).reindex(columns=[0, 1])
    return pd.DataFrame({"source_id": parts[0], "locator": parts[1]}).reset_index(drop=True)


def _hover(row) -> str:
    lines = [
        f"{row.sub_event_type} ({row.event_type}) — {row.date if pd.notna(row.date) else 'undated'}",
        row.actors,
    ]
    if pd.notna(row.location):
        lines.append(str(row.location))
    if pd.notna(row.description):
        lines.append(str(row.description))
    lines.append(f"{row.status}, credibility {row.credibility} — source: {row.source}")
    return "\n".join(line for line in lines if line)


def timeline_page(
    events: pd.DataFrame, path: str | os.PathLike, *, title: str = "Event timeline"
) -> Path:
    """Write a self-contained timeline of :func:`event_table` rows at ``path``.

    Each event is a bar over the whole span its date covers: a year-long
    bar for ``2003``, a month for ``2009-12``, a day for a full date. Hover
    shows the event and its source. Undated events are listed under the
    chart, not drawn. Every string is escaped by the template.
    """
    dated = events[events["first_day"].notna()]
    undated = events[events["first_day"].isna()]
    width, left, row_height = 1100, 330, 24
    lanes, ticks = [], []
    if len(dated):
        first = pd.Timestamp(year=dated["first_day"].min().year, month=1, day=1)
        last = pd.Timestamp(year=dated["last_day"].max().year + 1, month=1, day=1)
        days = (last - first).days
        scale = (width - left - 40) / days

        def x(day) -> float:
            return round(left + (day - first).days * scale, 1)

        years = range(first.year, last.year + 1)
        step = max(1, len(years) // 15)
        ticks = [{"x": x(pd.Timestamp(year=y, month=1, day=1)), "label": y} for y in years[::step]]
        for number, row in enumerate(dated.itertuples(index=False)):
            begin = x(row.first_day)
            finish = x(row.last_day + pd.Timedelta(days=1))
            lanes.append(
                {
                    "y": 30 + number * row_height,
                    "x": begin,
                    "width": max(finish - begin, 3.0),
                    "colour": EVENT_COLOURS.get(row.event_type, "#757575"),
                    "label": f"{row.date} · {row.sub_event_type} · {row.actors}",
                    "hover": _hover(row),
                    "event_id": row.event_id,
                }
            )
    height = 50 + len(lanes) * row_height
    page = render(
        "timeline.html.j2",
        title=title,
        summary=(
            f"{len(dated)} dated event{'s' if len(dated) != 1 else ''} drawn over the span "
            f"their dates cover; {len(undated)} undated listed below."
        ),
        width=width,
        height=height,
        left=left,
        lanes=lanes,
        ticks=ticks,
        undated=[{"hover": _hover(r), "event_id": r.event_id} for r in undated.itertuples()],
        legend=EVENT_COLOURS,
    )
    return write_atomically(path, page)


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


def map_page(
    events: pd.DataFrame,
    path: str | os.PathLike,
    *,
    title: str = "Located events",
    extent: tuple[float, float, float, float] = EXTENT,
) -> Path:
    """Write a self-contained map of the located events at ``path``; no tile server.

    Country outlines come from the shipped Natural Earth file, drawn in an
    equirectangular projection. Each located event is a dot with its
    description and source on hover; events without coordinates or outside
    ``extent`` are listed under the map.
    """
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
    dots = []
    for row in in_view.itertuples(index=False):
        cx, cy = project(float(row.longitude), float(row.latitude))
        dots.append(
            {
                "cx": cx,
                "cy": cy,
                "colour": EVENT_COLOURS.get(row.event_type, "#757575"),
                "hover": _hover(row),
                "event_id": row.event_id,
            }
        )
    elsewhere = events[~events["event_id"].isin(in_view["event_id"])]
    page = render(
        "map.html.j2",
        title=title,
        summary=(
            f"{len(dots)} located event{'s' if len(dots) != 1 else ''} on the map; "
            f"{len(elsewhere)} without coordinates or outside it, listed below."
        ),
        width=width,
        height=height,
        countries=countries,
        dots=dots,
        elsewhere=[{"hover": _hover(r), "event_id": r.event_id} for r in elsewhere.itertuples()],
        legend=EVENT_COLOURS,
        attribution=outline()["attribution"],
    )
    return write_atomically(path, page)
