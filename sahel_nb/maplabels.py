"""The map's words and marks: place labels that never overlap, hostages' paths, country-wide areas."""

from __future__ import annotations

import pandas as pd

from .interop.actors import is_unnamed

__all__ = ["country_areas", "hostage_paths", "place_labels"]

#: Width of a character and height of a line of the map's 11px labels with their
#: halo, in pixels: generous, since Chromium measures such a line at 19px and the
#: boxes here must never be smaller than the browser draws them.
CHAR, LINE = 6.4, 20.0

#: Where a label may sit around its anchor, tried in this order: right, left,
#: above, below, then the four corners.
_SPOTS = ("right", "left", "above", "below", "upper right", "lower right", "upper left",
          "lower left")  # fmt: skip


def _box(x: float, y: float, width: float, spot: str, gap: float) -> tuple:
    """The box (x0, y0, x1, y1) of a label of ``width`` at ``spot`` around (x, y)."""
    half = LINE / 2
    if spot == "right":
        return (x + gap, y - half, x + gap + width, y + half)
    if spot == "left":
        return (x - gap - width, y - half, x - gap, y + half)
    if spot == "above":
        return (x - width / 2, y - gap - LINE, x + width / 2, y - gap)
    if spot == "below":
        return (x - width / 2, y + gap, x + width / 2, y + gap + LINE)
    dx = gap * 0.7 if "right" in spot else -gap * 0.7 - width
    dy = -gap * 0.7 - LINE if "upper" in spot else gap * 0.7
    return (x + dx, y + dy, x + dx + width, y + dy + LINE)


def _hits(box: tuple, taken: list[tuple]) -> bool:
    return any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3] for t in taken)


def place_labels(
    marks: list[dict], size: tuple[float, float], obstacles: list[tuple] = ()
) -> list[dict]:
    """Greedy, collision-aware label placement: each label where it overlaps nothing placed.

    ``marks`` are dicts with ``x``, ``y`` (the anchor, in pixels), ``text``
    and ``gap`` (the anchor's radius plus a margin); they are placed in
    order, so put the most important first. Each candidate spot around the
    anchor is tried in turn (right, left, above, below, the corners); the
    first whose box lies inside ``size`` and meets no placed label nor any
    of ``obstacles`` (boxes, such as the dots themselves) is taken. A label
    with no free spot is returned with ``box`` None: the page shows it on
    hover only.

    Examples
    --------
    >>> placed = place_labels([{"x": 100, "y": 50, "text": "Gao", "gap": 8},
    ...                        {"x": 102, "y": 50, "text": "Gao region", "gap": 8}], (300, 100))
    >>> [label["spot"] for label in placed]
    ['right', 'left']
    >>> place_labels([{"x": 5, "y": 5, "text": "No room here at all", "gap": 8}], (20, 20))[0]["box"]
    """
    width, height = size
    taken = list(obstacles)
    placed = []
    for mark in marks:
        # Bold labels are wider; the halo stroke adds a little each side.
        wide = len(mark["text"]) * CHAR * (1.15 if mark.get("bold") else 1) + 4
        found = None
        for spot in _SPOTS:
            box = _box(mark["x"], mark["y"], wide, spot, mark["gap"])
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if inside and not _hits(box, taken):
                found = (spot, box)
                break
        label = {**mark, "spot": None, "box": None, "anchor": "start"}
        if found is not None:
            spot, box = found
            taken.append(box)
            # The text hugs its anchor: the measured box is generous, so a label on the
            # left ends at the box's right edge, one above or below is centred. Its
            # baseline sits a little above the box's foot (room for descenders).
            if "left" in spot:
                anchor, tx = "end", box[2] - 2
            elif spot in {"above", "below"}:
                anchor, tx = "middle", (box[0] + box[2]) / 2
            else:
                anchor, tx = "start", box[0] + 2
            label.update(
                spot=spot, box=box, anchor=anchor, tx=round(tx, 1), ty=round(box[3] - 6, 1)
            )
        placed.append(label)
    return placed


#: Actor types whose abduction takes people who can be followed: not an armed
#: group's or a force's members, whom ACLED codes as the victim side too.
HOSTAGE_TYPES = frozenset({"civilian population", "individual"})


def hostage_paths(
    events: pd.DataFrame, names: dict[str, str], types: dict[str, str] | None = None
) -> list[dict]:
    """Where hostages were taken and where they were next placed, from the events that name them.

    A path starts at the located abduction of a hostage (ACLED
    ``Abduction/forced disappearance``, the hostage as ``actor2``) and ends
    at each later located event that names the same hostage (released,
    handed over, repatriated), one leg per place, in date order. Several
    reports of the abduction: the most precisely placed one starts the path.
    Events without coordinates are not guessed at. A hostage named only as
    a kind or a crowd (ACLED's "Civilians (Mali)",
    :func:`~sahel_nb.interop.is_unnamed`) has no path: its events are
    different people's. Given the actors' ``types``, only hostages of
    :data:`HOSTAGE_TYPES` are followed: the later events of an armed group or
    an army some of whose members were abducted are not the hostages' own.

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "event_id": ["take", "free"], "date": ["2003-02", "2003-08-19"],
    ...     "date_start": pd.to_datetime(["2003-02-01", "2003-08-19"]),
    ...     "sub_event_type": ["Abduction/forced disappearance", "Hostage release"],
    ...     "actor1": ["gspc", "gspc"], "actor2": ["tourists", "tourists"],
    ...     "location": ["Illizi", "Bamako"], "latitude": [26.5, 12.6],
    ...     "longitude": [8.5, -8.0], "geo_precision": [3, 1]})
    >>> [(p["from_place"], p["to_place"], p["what"]) for p in hostage_paths(frame, {})]
    [('Illizi', 'Bamako', 'freed')]
    """
    located = events[events["latitude"].notna() & events["longitude"].notna()]
    taken = located[located["sub_event_type"].astype(str) == "Abduction/forced disappearance"]
    paths = []
    for hostage, abductions in taken.groupby("actor2", sort=True):
        if is_unnamed(names.get(hostage, str(hostage))):
            continue
        if types is not None and types.get(hostage) not in HOSTAGE_TYPES:
            continue
        start = abductions.sort_values(["geo_precision", "date_start", "event_id"]).iloc[0]
        named = (located["actor2"] == hostage) | (located["actor1"] == hostage)
        later = located[
            named.fillna(False).to_numpy(bool)
            & (located["date_start"] >= start["date_start"]).fillna(False).to_numpy(bool)
            & (located["sub_event_type"].astype(str) != "Abduction/forced disappearance")
        ].sort_values(["date_start", "event_id"])
        seen = {(start["latitude"], start["longitude"])}
        # Their events placed no nearer than a country or region: where they were
        # meanwhile, said on the leg (a straight arrow alone hides months held).
        mentioned = (events["actor2"] == hostage) | (events["actor1"] == hostage)
        loose = events[
            mentioned.fillna(False).to_numpy(bool)
            & (events["latitude"].isna() | events["longitude"].isna()).to_numpy(bool)
            & (events["date_start"] > start["date_start"]).fillna(False).to_numpy(bool)
        ]
        since = start["date_start"]
        for end in later.itertuples(index=False):
            if (end.latitude, end.longitude) in seen:
                continue  # one leg per place
            seen.add((end.latitude, end.longitude))
            between = loose[
                ((loose["date_start"] > since) & (loose["date_start"] <= end.date_start))
                .fillna(False)
                .to_numpy(bool)
            ].sort_values(["date_start", "event_id"])
            since = end.date_start
            freed = str(end.sub_event_type) == "Hostage release"
            paths.append(
                {
                    "hostage": names.get(hostage, str(hostage)),
                    "from_place": str(start["location"]),
                    "from_date": str(start["date"]),
                    "from_lat": float(start["latitude"]),
                    "from_lon": float(start["longitude"]),
                    "to_place": str(end.location),
                    "to_date": str(end.date),
                    "to_lat": float(end.latitude),
                    "to_lon": float(end.longitude),
                    "what": "freed" if freed else "next placed",
                    "meanwhile": _meanwhile(between),
                    "event_ids": f"{start['event_id']} {end.event_id}",
                }
            )
    return paths


def _meanwhile(between: pd.DataFrame) -> str:
    """Where a leg's events placed no nearer than an area put the hostages, in words, or ``""``.

    Examples
    --------
    >>> frame = pd.DataFrame({"date": ["2003-06", "2003-08-18"], "location": [None, None],
    ...     "admin1": [None, None], "country": ["MLI", "MLI"],
    ...     "sub_event_type": ["Other", "Hostage release"]})
    >>> _meanwhile(frame)
    'in Mali, placed no nearer (2003-06 to 2003-08-18; freed there)'
    """
    if between.empty:
        return ""
    places = []
    for row in between.itertuples(index=False):
        place = next(
            (str(v) for v in (row.location, row.admin1) if isinstance(v, str) and v), None
        ) or _country_name(row.country)
        if place and place not in places:
            places.append(place)
    if not places:
        return ""
    dates = list(dict.fromkeys(str(d) for d in between["date"]))
    span = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
    freed = (between["sub_event_type"].astype(str) == "Hostage release").any()
    return f"in {' and '.join(places)}, placed no nearer ({span}{'; freed there' if freed else ''})"


def _country_name(code) -> str | None:
    if not isinstance(code, str) or not code:
        return None
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    return (
        getattr(country, "common_name", None) or getattr(country, "name", code) if country else code
    )


def country_areas(events: pd.DataFrame, countries: set[str]) -> dict[str, pd.DataFrame]:
    """Events placed only within a country (no coordinates), by the country's ISO code.

    Only countries in ``countries`` (those the map draws) are kept: the
    rest stay in the list under the map.

    Examples
    --------
    >>> frame = pd.DataFrame({"latitude": [None, None, 16.7], "longitude": [None, None, -3.0],
    ...                       "country": ["MLI", "DEU", "MLI"]})
    >>> {iso: len(rows) for iso, rows in country_areas(frame, {"MLI", "NER"}).items()}
    {'MLI': 1}
    """
    if "country" not in events:
        return {}
    loose = events[events["latitude"].isna() | events["longitude"].isna()]
    loose = loose[loose["country"].isin(countries).to_numpy(bool)]
    return {str(iso): rows for iso, rows in loose.groupby("country", sort=True)}
