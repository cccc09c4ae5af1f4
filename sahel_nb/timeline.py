"""Event timelines and maps: partial dates drawn as spans, located events on an offline outline."""

from __future__ import annotations

import json
import os
from functools import cache
from importlib.resources import files
from pathlib import Path

import pandas as pd

from .data import Dataset
from .dates import in_window, is_approximate
from .network import _choices
from .origins import claims_of
from .pages import render, write_atomically
from .schema import EVENT_TYPES

__all__ = [
    "EVENT_COLOURS",
    "event_sources",
    "event_table",
    "events_page",
    "map_counts",
    "map_page",
    "map_sentence",
    "outline",
    "timeline_page",
]

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


def _precision(dates: pd.Series) -> pd.Series:
    """What a date as written gives: year, month, day, interval, approximate, or undated."""
    plain = dates.str.replace(r"[~?%]$", "", regex=True)
    precision = plain.str.len().map(_PRECISION)
    precision = precision.where(~dates.str.contains("/", regex=False).fillna(False), "interval")
    precision = precision.where(~dates.str.contains("X", regex=False).fillna(False), "decade")
    marked = is_approximate(dates)
    precision = precision.where(~marked, precision.fillna("?") + ", approximate")
    return precision.fillna("undated")


def event_table(dataset: Dataset, *, start=None, end=None, event_types=None) -> pd.DataFrame:
    """Return the events of a window, one per claim, with their span, actors' names and sources.

    Several sources' reports of one event are one row: the report that
    speaks for it gives the date and place, ``reports`` and ``agreement``
    say how many sources tell it and how they agree, ``source`` cites them
    all. ``precision`` says what the date as written gives (year, month,
    day, interval, decade, with ", approximate" for EDTF's ``~``/``?``, or
    undated). Undated events are kept only when no window is set: their
    place in time is unknown. Sorted by first day, then id; undated last.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> table = event_table(load_dataset(), end="2006")
    >>> table[["date", "precision"]].head(2).values.tolist()
    [['199X', 'decade'], ['2003', 'year']]
    """
    event_types = _choices(event_types, list(EVENT_TYPES), "event_types")
    events = claims_of(dataset, "events")
    events = events[(events["agreement"] != "denied").to_numpy(bool)]
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
            "precision": _precision(chosen["date"]),
            "first_day": chosen["date_start"],
            "last_day": chosen["date_end"],
            "event_type": chosen["event_type"].astype(str),
            "sub_event_type": chosen["sub_event_type"].astype(str),
            "actors": [who(row) for row in chosen.itertuples(index=False)],
            "location": chosen["location"],
            "country": chosen["country"],
            "latitude": chosen["latitude"],
            "longitude": chosen["longitude"],
            "geo_precision": chosen["geo_precision"],
            "description": chosen["description"],
            "status": chosen["status"].astype(str),
            "credibility": chosen["credibility"],
            "reports": chosen["reports"],
            "agreement": chosen["agreement"],
            "source": chosen["cited"],
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
    cites = events["source"].str.split("; ").explode().dropna()
    parts = cites.str.split(" ", n=1, expand=True).reindex(columns=[0, 1])
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
    if "approximate" in str(getattr(row, "precision", "")):
        lines.append("the date is approximate or uncertain (EDTF ~ or ?)")
    reports = getattr(row, "reports", 1)
    told = f"; {reports} reports, {row.agreement}" if reports and reports > 1 else ""
    lines.append(f"{row.status}, credibility {row.credibility}{told} — source: {row.source}")
    return "\n".join(line for line in lines if line)


def timeline_page(
    events: pd.DataFrame,
    path: str | os.PathLike,
    *,
    title: str = "Event timeline",
    max_events: int = 2000,
) -> Path:
    """Write a self-contained timeline of :func:`event_table` rows at ``path``.

    Each event is a bar over the whole span its date covers: a year-long
    bar for ``2003``, a month for ``2009-12``, a day for a full date, an
    interval (``2006-09/2006-10``) from its first to its last day. The less
    precise the date, the paler the bar (a year paler than a month, a month
    than a day); an approximate or uncertain date (``2003-08~``) is paler
    still, with a dashed outline. Hover shows the event and its source.
    Undated events are listed under the chart, not drawn. Labels are cut at
    a word, never inside one. Past ``max_events`` dated events (an ACLED
    import), events are counted per month instead, one lane per event type
    and date precision, each month's bar shaded by its count, with the count
    and the sources on hover. The legend lists only the event types drawn.
    Every string is escaped by the template.
    """
    context = _timeline_context(events, max_events)
    page = render("timeline.html.j2", title=title, timeline=context, **_frame(context))
    return write_atomically(path, page)


def _frame(*charts: dict) -> dict:
    """What the page around the charts shows: the summary and the legend of what is drawn."""
    drawn = set().union(*(chart["kinds"] for chart in charts))
    return {
        "summary": " ".join(chart["summary"] for chart in charts),
        "legend": {kind: colour for kind, colour in EVENT_COLOURS.items() if kind in drawn},
    }


#: Bar opacity by date precision: the less precise, the paler.
_SHADE = {"day": 0.85, "interval": 0.65, "month": 0.6, "year": 0.35, "decade": 0.25}


def _day_number(day) -> int:
    """Days since 1970-01-01: what the page's brushing script compares."""
    return int((pd.Timestamp(day) - pd.Timestamp("1970-01-01")).days)


def _timeline_context(events: pd.DataFrame, max_events: int) -> dict:
    dated = events[events["first_day"].notna()]
    # An open-ended interval (2003/..) runs to the end of the chart.
    dated = dated.assign(
        last_day=dated["last_day"].fillna(dated[["first_day", "last_day"]].max().max())
    )
    undated = events[events["first_day"].isna()]
    width, left, row_height = 1100, 330, 24
    lanes, ticks = [], []
    first, scale = pd.Timestamp("1970-01-01"), 1.0
    if len(dated):
        first = pd.Timestamp(year=dated["first_day"].min().year, month=1, day=1)
        last = pd.Timestamp(year=dated["last_day"].max().year + 1, month=1, day=1)
        scale = (width - left - 40) / (last - first).days

        def x(day) -> float:
            return round(left + (day - first).days * scale, 1)

        def bar(begin, end, colour, hover=None, opacity=0.8) -> dict:
            start, finish = x(begin), x(end + pd.Timedelta(days=1))
            return {"x": start, "width": max(finish - start, 3.0), "colour": colour,
                    "hover": hover, "opacity": opacity, "approximate": False}  # fmt: skip

        years = range(first.year, last.year + 1)
        step = max(1, len(years) // 15)
        ticks = [{"x": x(pd.Timestamp(year=y, month=1, day=1)), "label": y} for y in years[::step]]
        if len(dated) <= max_events:
            for row in dated.itertuples(index=False):
                colour = EVENT_COLOURS.get(row.event_type, "#757575")
                written = str(row.precision)
                rough = "approximate" in written
                shade = _SHADE.get(written.split(",")[0], 0.6) * (0.6 if rough else 1)
                drawn = bar(row.first_day, row.last_day, colour, opacity=round(shade, 2))
                drawn["approximate"] = rough
                lanes.append(
                    {
                        "label": f"{row.date} · {row.sub_event_type} · {row.actors}",
                        "hover": _hover(row),
                        "event_id": row.event_id,
                        "bars": [drawn],
                    }
                )
        else:
            lanes = [{**lane, "bars": [bar(**b) for b in lane["bars"]]} for lane in _monthly(dated)]
        for number, lane in enumerate(lanes):
            lane["y"] = 30 + number * row_height
    summary = (
        f"{len(dated)} dated event{'s' if len(dated) != 1 else ''} drawn over the span "
        f"their dates cover, paler the less precise the date; {len(undated)} undated listed "
        "below."
    )
    if len(dated) > max_events:
        summary = (
            f"{len(dated):,} dated events, counted per month (darker: more events); "
            f"{len(undated):,} undated listed below."
        )
    return {
        "summary": summary,
        "kinds": set(dated["event_type"]),
        "width": width,
        "height": 50 + len(lanes) * row_height,
        "left": left,
        "first": _day_number(first),
        "scale": scale,
        "lanes": lanes,
        "ticks": ticks,
        "undated": [{"hover": _hover(r), "event_id": r.event_id} for r in undated.itertuples()],
    }


def events_page(
    events: pd.DataFrame,
    path: str | os.PathLike,
    *,
    title: str = "Events in time and place",
    extent: tuple[float, float, float, float] = EXTENT,
    max_events: int = 2000,
) -> Path:
    """Write the timeline and the map of :func:`event_table` rows as one linked page at ``path``.

    Dragging across the timeline picks a period: the map then shows only the
    events whose date span touches it (a place's count says how many), and
    a line above the map names the period; a click without dragging shows
    all again. The charts are those of :func:`timeline_page` and
    :func:`map_page`, with their precision marks. The script is inline and
    reads only numbers the page carries as attributes, so the page works
    from disk with no request leaving it, and no data string reaches the
    script. Every string is escaped by the template.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sahel_nb import load_dataset
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "events.html"
    >>> events_page(event_table(load_dataset()), out).name
    'events.html'
    """
    timeline = _timeline_context(events, max_events)
    located = _map_context(events, extent, max_events, 500)
    frame = _frame(timeline, located)
    page = render("events.html.j2", title=title, timeline=timeline, geo=located, **frame)
    return write_atomically(path, page)


def _monthly(dated: pd.DataFrame) -> list[dict]:
    """Lanes of month bars: events counted by type, date precision and month.

    An event dated only to a year is counted in its year, not spread over
    months nor put in January: its own lane holds year-long bars.
    """
    lanes = []
    precision = dated["precision"].where(dated["precision"] == "year", "month or day")
    grouped = dated.assign(lane_precision=precision, period=dated["first_day"].dt.strftime(
        "%Y-%m").where(precision != "year", dated["first_day"].dt.strftime("%Y")))  # fmt: skip
    for (kind, lane_precision), group in grouped.groupby(
        ["event_type", "lane_precision"], sort=True
    ):
        counts = group.groupby("period")
        peak = counts.size().max()
        bars = []
        for written, events in counts:
            begin, end = events["first_day"].min(), events["last_day"].max()
            if lane_precision != "year":
                begin = pd.Timestamp(written + "-01")
                end = begin + pd.offsets.MonthEnd(0)
            sources = events["source"].str.split(" ", n=1).str[0].value_counts()
            cited = ", ".join(f"{source} ({n:,})" for source, n in sources.items())
            bars.append(
                {
                    "begin": begin,
                    "end": end,
                    "colour": EVENT_COLOURS.get(kind, "#757575"),
                    "hover": f"{kind}, {written}: {len(events):,} events — sources: {cited}",
                    "opacity": round(0.15 + 0.85 * len(events) / peak, 2),
                }
            )
        label = f"{kind} ({'dated to the year' if lane_precision == 'year' else 'by month'})"
        lanes.append(
            {"label": label, "hover": None, "event_id": f"{kind} · {lane_precision}", "bars": bars}
        )
    return lanes


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
    page = render("map.html.j2", title=title, geo=context, **_frame(context))
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


def _map_context(events: pd.DataFrame, extent, max_events: int, max_listed: int) -> dict:
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
                    "hover": "\n\n".join(_hover(row) for row in rows),
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
            {"hover": _hover(r), "event_id": r.event_id}
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
