"""Event timelines: partial dates drawn as spans, labelled in words, an assessment's cut-off marked."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .arrowtext import cited_pairs
from .csvfile import arrow_text
from .data import Dataset
from .dates import in_window, is_approximate, partial_date_span
from .differences import differences_in_words, report_differences
from .eventmap import EXTENT, _map_context, map_counts, map_page, map_sentence, outline
from .eventmarks import EVENT_COLOURS, first_words, in_words, in_words_many, short_names
from .eventmarks import day_number as _day_number
from .eventmarks import frame as _frame
from .eventmarks import hover as _hover
from .network import _choices
from .origins import claims_of
from .pages import render, write_atomically
from .schema import EVENT_TYPES

__all__ = [
    "EVENT_COLOURS",
    "EXTENT",
    "event_sources",
    "event_table",
    "events_page",
    "map_counts",
    "map_page",
    "map_sentence",
    "outline",
    "timeline_page",
]

_PRECISION = {4: "year", 7: "month", 10: "day"}


def _precision(dates: pd.Series) -> pd.Series:
    """What a date as written gives: year, month, day, interval, approximate, or undated."""
    # Judged once per distinct date: half a million events hold a few thousand.
    codes, distinct = pd.factorize(dates)
    said = _precision_of(pd.Series(distinct, dtype=object))
    found = np.append(said.to_numpy(dtype=object), "undated")
    return pd.Series(found[codes], index=dates.index, dtype="str")


def _precision_of(dates: pd.Series) -> pd.Series:
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
    all; where they give different dates, deaths, hostages or actors,
    ``differ`` says each value and who gives it
    (:func:`~sahel_nb.differences.report_differences`), else it is empty. ``precision`` says what the date as written gives (year, month,
    day, interval, decade, with ", approximate" for EDTF's ``~``/``?``, or
    undated). ``in_words`` says who did what in a few words (short names,
    :func:`~sahel_nb.eventmarks.in_words`). Undated events are kept only when no window is set: their
    place in time is unknown. Sorted by first day, then id; undated last.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> table = event_table(load_dataset(), end="2006")
    >>> table[["date", "precision"]].head(2).values.tolist()
    [['199X', 'decade'], ['2003', 'year']]
    """
    event_types = _choices(event_types, list(EVENT_TYPES), "event_types")
    # Sorted below: the order claims_of would restore is not needed.
    events = claims_of(dataset, "events", in_order=False)
    events = events[(events["agreement"] != "denied").to_numpy(bool)]
    keep = in_window(events, start, end)
    if event_types is not None:
        keep &= events["event_type"].isin(event_types)
    chosen = _placed(events[keep], dataset.events)
    names = dataset.actors.set_index("actor_id")["name"].to_dict()
    short = short_names(dataset.actors)
    differ = differences_in_words(report_differences(dataset, chosen["claim_id"]))
    kinds = chosen["sub_event_type"].astype(str)
    # An imported record (cited by row of its export) is labelled by its type alone: its
    # notes are the dataset's, and half a million first clauses make no timeline.
    by_row = chosen["locator"].astype(str).str.startswith("row ").to_numpy(bool)
    descriptions = chosen["description"].where(~by_row, None)
    words = in_words_many(
        _named(chosen["actor1"], short),
        _named(chosen["actor2"], short),
        kinds,
        descriptions,
        chosen["fatalities"],
    )
    actors = _actor_lists(chosen, names)

    table = pd.DataFrame(
        {
            "event_id": chosen["event_id"],
            "date": chosen["date"],
            "precision": _precision(chosen["date"]),
            "first_day": chosen["date_start"],
            "last_day": chosen["date_end"],
            "event_type": chosen["event_type"].astype(str),
            "sub_event_type": chosen["sub_event_type"].astype(str),
            "actors": actors,
            "in_words": words,
            "location": chosen["location"],
            "admin1": chosen["admin1"],
            "country": chosen["country"],
            "latitude": chosen["latitude"],
            "longitude": chosen["longitude"],
            "geo_precision": chosen["geo_precision"],
            "description": chosen["description"],
            "status": chosen["status"].astype(str),
            "credibility": chosen["credibility"],
            "reports": chosen["reports"],
            "agreement": chosen["agreement"],
            "differ": _differ_column(differ, chosen["claim_id"]),
            "source": chosen["cited"],
        }
    )
    # Arrow sorts the two keys in a third of pandas' time; both are stable.
    keys = pa.table(
        {
            "first_day": pa.array(table["first_day"], from_pandas=True),
            "event_id": arrow_text(table["event_id"]),
        }
    )
    order = pc.sort_indices(
        keys, [("first_day", "ascending", "at_end"), ("event_id", "ascending", "at_end")]
    )
    return table.take(order.to_numpy()).reset_index(drop=True)


#: What says where an event happened: taken together, from one report.
_PLACE = ["location", "admin1", "country", "latitude", "longitude", "geo_precision"]


def _placed(chosen: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Events whose speaking report gives no coordinates, placed by another report of them.

    The most precise report that places the event (then the best graded)
    gives its whole place, name and coordinates together: the raid that the
    BBC puts near Tamanrasset is on the map though AFP, which speaks for it,
    names no place. A denied report places nothing; reports that place the
    event as precisely but in different places, or in another country than
    the speaking report names, leave it unplaced.
    """
    unplaced = chosen["latitude"].isna().to_numpy(bool) & (chosen["reports"] > 1).to_numpy(bool)
    if not unplaced.any():
        return chosen
    located = reports[
        reports["claim_id"].isin(chosen.loc[unplaced, "claim_id"]).to_numpy(bool)
        & reports["latitude"].notna().to_numpy(bool)
        & (reports["status"] != "denied").to_numpy(bool)
    ]
    if located.empty:
        return chosen
    # Only where the most precise reports agree: a haven one report puts in
    # Kidal and another in Timbuktu is not drawn as either.
    precision = located["geo_precision"].astype("Float64").fillna(3)  # none given: a region
    finest = precision.groupby(located["claim_id"]).transform("min")
    located = located[(precision == finest).to_numpy(bool)]
    places = located.groupby("claim_id")[["latitude", "longitude"]].nunique().max(axis=1)
    located = located[located["claim_id"].isin(places.index[places == 1]).to_numpy(bool)]
    best = located.sort_values(["claim_id", "credibility", "event_id"])
    best = best.drop_duplicates("claim_id").set_index("claim_id")
    at = unplaced & chosen["claim_id"].isin(best.index).to_numpy(bool)
    # Nor where the speaking report names another country (the hostages flown
    # home to Germany are not placed in Bamako, where another report has them).
    for row in np.flatnonzero(at):
        own = chosen["country"].iat[row]
        at[row] = pd.isna(own) or own == best.at[chosen["claim_id"].iat[row], "country"]
    chosen = chosen.copy()
    for column in _PLACE:
        chosen.loc[at, column] = best.loc[chosen.loc[at, "claim_id"], column].to_numpy()
    return chosen


def _differ_column(differ: dict[str, str], claims: pd.Series) -> np.ndarray:
    """Each row's differences in words, empty where its reports agree."""
    said = np.full(len(claims), "", dtype=object)
    if differ:
        codes, uniques = pd.factorize(claims.astype(object))
        found = np.array([differ.get(claim, "") for claim in uniques] + [""], dtype=object)
        said = found[codes]
    return said


def _named(ids: pd.Series, names: dict[str, str]) -> pa.Array:
    """Each id's name (the id itself if it has none), looked up once per distinct id, in Arrow."""
    # Arrow-backed ids are factorized in Arrow: no Python string per row.
    codes, uniques = pd.factorize(ids)
    found = pa.array([names.get(i, i) for i in uniques.tolist()] + [None], pa.string())
    return pc.take(found, np.where(codes < 0, len(found) - 1, codes))


def _actor_lists(events: pd.DataFrame, names: dict[str, str]) -> pd.Series:
    """``actor1; actor2; associated…`` by name for each event, joined in Arrow.

    Examples
    --------
    >>> frame = pd.DataFrame({"actor1": ["a", None], "actor2": ["b", "c"],
    ...                       "assoc_actors": [["d"], []]})
    >>> _actor_lists(frame, {"a": "A", "d": "D"}).tolist()
    ['A; b; D', 'c']
    """
    assoc = pa.array(events["assoc_actors"].array, type=pa.list_(pa.string()), from_pandas=True)
    if isinstance(assoc, pa.ChunkedArray):
        assoc = assoc.combine_chunks()
    flat = pc.list_flatten(assoc)
    named = _named(pd.Series(flat.to_pandas(), dtype=object), names)
    # Offsets rebuilt from each value's row: a filtered column's own offsets may start past
    # zero, or span values under an empty row, and would shift every name after them.
    parents = pc.list_parent_indices(assoc).to_numpy()
    offsets = np.searchsorted(parents, np.arange(len(assoc) + 1)).astype(np.int32)
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), named), "; ")
    # No associated actors is no part at all, not an empty one after a separator.
    empty = pc.equal(pc.fill_null(pc.list_value_length(assoc), 0), 0)
    joined = pc.if_else(empty, pa.scalar(None, pa.string()), joined)
    parts = [_named(events[column], names) for column in ("actor1", "actor2")]
    together = pc.binary_join_element_wise(*parts, joined, "; ", null_handling="skip")
    return pd.Series(together.to_numpy(zero_copy_only=False), index=events.index, dtype=object)


def event_sources(events: pd.DataFrame, *, placed: bool = False) -> pd.DataFrame:
    """The source and locator of each row of :func:`event_table`, for a caption.

    ``placed`` keeps only the rows with coordinates: what the map draws.

    Examples
    --------
    >>> rows = pd.DataFrame({"source": ["guitta-2010 ¶6, ¶14", "bbc ¶2"], "latitude": [16.3, None]})
    >>> event_sources(rows).values.tolist()
    [['guitta-2010', '¶6, ¶14'], ['bbc', '¶2']]
    >>> event_sources(rows, placed=True).values.tolist()
    [['guitta-2010', '¶6, ¶14']]
    """
    cited = events["source"]
    if placed:
        cited = cited[events["latitude"].notna().to_numpy(bool)]
    return cited_pairs(cited)


def timeline_page(
    events: pd.DataFrame,
    path: str | os.PathLike,
    *,
    title: str = "Event timeline",
    max_events: int = 2000,
    assessment=None,
    left_out: int = 0,
) -> Path:
    """Write a self-contained timeline of :func:`event_table` rows at ``path``.

    Each event is a bar over the whole span its date covers: a year-long
    bar for ``2003``, a month for ``2009-12``, a day for a full date, an
    interval (``2006-09/2006-10``) from its first to its last day. The less
    precise the date, the paler the bar (a year paler than a month, a month
    than a day); an approximate or uncertain date (``2003-08~``) is paler
    still, with a dashed outline. Beside each bar, who did what in plain
    words (the table's ``in_words``); the date as written and its precision
    stand in the margin; hover adds the description and the source.
    Undated events are listed under the chart, not drawn. Past
    ``max_events`` dated events (an ACLED import), events are counted per
    month instead, one lane per event type and date precision, each month's
    bar shaded by its count, with the count and the sources on hover. The
    legend lists only the event types drawn. Every string is escaped by the
    template.

    With an analyst's ``assessment`` (:func:`~sahel_nb.assessment.load_assessment`),
    its period is shaded and its cut-off drawn as a line; the axis runs
    from the period's start to the cut-off, so later years never stretch it.
    Events that begin after the cut-off are left out (pass the events of
    :func:`~sahel_nb.assessment.before_cut_off`'s dataset and its count of
    left-out events as ``left_out``: the page says how many); events that
    end before the period are listed under the chart, not drawn.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.assessment import before_cut_off, load_assessment
    >>> judged = load_assessment("aqim-kfr-mali-2003-2010")
    >>> known, gone = before_cut_off(load_dataset(), judged.cut_off)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "timeline.html"
    >>> timeline_page(event_table(known), out, assessment=judged,
    ...               left_out=gone.get("events", 0)).name
    'timeline.html'
    """
    context = _timeline_context(events, max_events, assessment, left_out)
    page = render("timeline.html.j2", title=title, timeline=context, **_frame(context))
    return write_atomically(path, page)


#: Bar opacity by date precision: the less precise, the paler.
_SHADE = {"day": 0.85, "interval": 0.65, "month": 0.6, "year": 0.35, "decade": 0.25}

#: Width of a character of the chart's 12px labels, to place a label beside its bar.
_CHAR = 6.6


def _window(assessment) -> dict | None:
    """An assessment's period and cut-off as days: what the timeline marks."""
    if assessment is None:
        return None
    period = (assessment.scope or {}).get("period") or {}
    begin = partial_date_span(pd.Series([str(period.get("start") or "")]))[0].iloc[0]
    end = partial_date_span(pd.Series([str(period.get("end") or "")]))[1].iloc[0]
    cut = partial_date_span(pd.Series([str(assessment.cut_off or "")]))[1].iloc[0]
    return {
        "start": begin,
        "end": end,
        "cut_off": cut,
        "period": " – ".join(str(period.get(k)) for k in ("start", "end") if period.get(k)),
        "cut_off_text": str(assessment.cut_off or ""),
    }


def _timeline_context(
    events: pd.DataFrame, max_events: int, assessment=None, left_out: int = 0
) -> dict:
    marks = _window(assessment)
    full = events
    if len(events) > max_events:
        # Counted per month: the bars need six columns, not a copy of every row; the
        # few rows listed in words (undated, before the period) come from the full table.
        slim = ["event_id", "event_type", "precision", "first_day", "last_day", "source"]
        events = events[[c for c in events.columns if c in slim]]
    before = events.iloc[0:0]
    if marks is not None and pd.notna(marks["cut_off"]):
        # What began after the cut-off could not be known by then: left out, counted.
        late = (events["first_day"] > marks["cut_off"]).to_numpy(bool)
        left_out += int(late.sum())
        events = events[~late]
    if marks is not None and pd.notna(marks["start"]):
        # What ended before the period is listed, not drawn: it would stretch the axis.
        early = (events["last_day"] < marks["start"]).to_numpy(bool)
        before, events = events[early], events[~early]
    dated = events[events["first_day"].notna()]
    # An open-ended interval (2003/..) runs to the end of the chart.
    dated = dated.assign(
        last_day=dated["last_day"].fillna(dated[["first_day", "last_day"]].max().max())
    )
    undated = full.loc[events.index[events["first_day"].isna().to_numpy(bool)]]
    before = full.loc[before.index]
    width, left, row_height = 1200, 215, 24
    lanes, ticks = [], []
    drawn_marks = {"band": None, "cut_off": None, "period": "", "cut_off_text": ""}
    first, scale = pd.Timestamp("1970-01-01"), 1.0
    if len(dated):
        first = pd.Timestamp(year=dated["first_day"].min().year, month=1, day=1)
        last = pd.Timestamp(year=dated["last_day"].max().year + 1, month=1, day=1)
        if marks is not None:
            if pd.notna(marks["start"]):
                first = pd.Timestamp(year=marks["start"].year, month=1, day=1)
            ends = [d for d in (marks["cut_off"], marks["end"]) if pd.notna(d)]
            if ends:  # the axis stops at the month of the later of cut-off and period end
                last = max(ends) + pd.offsets.MonthEnd(0) + pd.Timedelta(days=1)
            dated = dated.assign(
                first_day=dated["first_day"].clip(lower=first),
                last_day=dated["last_day"].clip(upper=last - pd.Timedelta(days=1)),
            )
        scale = (width - left - 20) / (last - first).days

        def x(day) -> float:
            return round(left + (day - first).days * scale, 1)

        def bar(begin, end, colour, hover=None, opacity=0.8) -> dict:
            start, finish = x(begin), x(end + pd.Timedelta(days=1))
            return {"x": start, "width": max(finish - start, 3.0), "colour": colour,
                    "hover": hover, "opacity": opacity, "approximate": False}  # fmt: skip

        years = range(first.year, last.year + (last.month > 1 or last.day > 1))
        step = max(1, len(years) // 15)
        ticks = [{"x": x(pd.Timestamp(year=y, month=1, day=1)), "label": y} for y in years[::step]]
        if marks is not None:
            drawn_marks = _marks(marks, x, first, last)
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
                        "label": f"{row.date} · {written}",
                        "words": _beside(drawn, _words(row), width, left),
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
    if marks is not None:
        summary += (
            f" Assessment period {marks['period']}, information cut-off "
            f"{marks['cut_off_text']}: {left_out:,} later event{'s' if left_out != 1 else ''} "
            "left out."
        )
    return {
        "summary": summary,
        "kinds": set(dated["event_type"].unique()),
        "width": width,
        "height": 50 + len(lanes) * row_height,
        "left": left,
        "first": _day_number(first),
        "scale": scale,
        "lanes": lanes,
        "ticks": ticks,
        "marks": drawn_marks,
        "left_out": left_out,
        "undated": [{"hover": _hover(r), "event_id": r.event_id} for r in undated.itertuples()],
        "before": [{"hover": _hover(r), "event_id": r.event_id} for r in before.itertuples()],
    }


def _marks(marks: dict, x, first, last) -> dict:
    """Where the assessment's period band and cut-off line fall on the axis."""
    drawn = {"period": marks["period"], "cut_off_text": marks["cut_off_text"], "cut_off": None}
    start = marks["start"] if pd.notna(marks["start"]) else first
    end = marks["end"] if pd.notna(marks["end"]) else last - pd.Timedelta(days=1)
    begin, finish = (
        x(max(start, first)),
        x(min(end, last - pd.Timedelta(days=1)) + pd.Timedelta(days=1)),
    )
    drawn["band"] = {"x": begin, "width": max(finish - begin, 0)}
    if pd.notna(marks["cut_off"]):
        drawn["cut_off"] = {
            "x": x(min(marks["cut_off"], last - pd.Timedelta(days=1)) + pd.Timedelta(days=1)),
            "day": _day_number(marks["cut_off"]),
        }
    return drawn


def _words(row) -> str:
    """A row's ``in_words``; for a table made without it, from its actors' names."""
    said = getattr(row, "in_words", None)
    if isinstance(said, str) and said:
        return said
    names = (str(row.actors).split("; ") if isinstance(row.actors, str) else []) + [None, None]
    return in_words(
        names[0],
        names[1],
        row.sub_event_type,
        getattr(row, "description", None),
        getattr(row, "fatalities", None),
    )


def _beside(bar: dict, words: str, width: int, left: int) -> dict:
    """A bar's words: right of the bar when they fit before the edge, else left of it."""
    room = len(words) * _CHAR
    end = bar["x"] + bar["width"] + 5
    if end + room <= width - 4 or bar["x"] - 5 - room < left:
        return {"text": words, "x": round(end, 1), "anchor": "start"}
    return {"text": words, "x": round(bar["x"] - 5, 1), "anchor": "end"}


def events_page(
    events: pd.DataFrame,
    path: str | os.PathLike,
    *,
    title: str = "Events in time and place",
    extent: tuple[float, float, float, float] = EXTENT,
    max_events: int = 2000,
    assessment=None,
    left_out: int = 0,
    dataset: Dataset | None = None,
) -> Path:
    """Write the timeline and the map of :func:`event_table` rows as one linked page at ``path``.

    Dragging across the timeline picks a period: the map then shows only the
    events whose date span touches it (a place's count says how many), and
    a line above the map names the period; a click without dragging shows
    all again. The charts are those of :func:`timeline_page` (with the
    ``assessment``'s period and cut-off, and ``left_out`` events said left
    out) and :func:`~sahel_nb.eventmap.map_page` (hostages' paths from
    ``dataset`` when given). The script is inline and reads only numbers
    the page carries as attributes, so the page works from disk with no
    request leaving it, and no data string reaches the script. Every string
    is escaped by the template.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sahel_nb import load_dataset
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "events.html"
    >>> events_page(event_table(load_dataset()), out).name
    'events.html'
    """
    timeline = _timeline_context(events, max_events, assessment, left_out)
    if assessment is not None and pd.notna(_window(assessment)["cut_off"]):
        events = events[~(events["first_day"] > _window(assessment)["cut_off"]).to_numpy(bool)]
    located = _map_context(events, extent, max_events, 500, dataset=dataset)
    frame = _frame(timeline, located)
    page = render("events.html.j2", title=title, timeline=timeline, geo=located, **frame)
    return write_atomically(path, page)


def _monthly(dated: pd.DataFrame) -> list[dict]:
    """Lanes of month bars: events counted by type, date precision and month.

    An event dated only to a year is counted in its year, not spread over
    months nor put in January: its own lane holds year-long bars.
    """
    first = dated["first_day"]
    by_year = (dated["precision"] == "year").to_numpy(bool)
    # Periods as numbers (200312, or 2003 for a year) and written once per bar, not per row.
    period = np.where(
        by_year,
        first.dt.year.to_numpy(),
        first.dt.year.to_numpy() * 100 + first.dt.month.to_numpy(),
    )
    grouped = pd.DataFrame(
        {
            "event_type": dated["event_type"].astype(str).to_numpy(object),
            "lane_precision": np.where(by_year, "year", "month or day"),
            "period": period,
            "first_day": first.to_numpy(),
            "last_day": dated["last_day"].to_numpy(),
            # Each bar's sources, counted once for all bars (not split per bar).
            "cited_source": first_words(dated["source"]),
        }
    )
    keys = ["event_type", "lane_precision", "period"]
    per_source = grouped.groupby([*keys, "cited_source"], sort=False).size()
    # Most cited first; a tie keeps the order of first appearance, as value_counts did.
    per_source = per_source.reset_index(name="n").sort_values(
        [*keys, "n"], ascending=[True, True, True, False], kind="stable"
    )
    cited_by_bar = {
        key: ", ".join(
            f"{source} ({n:,})" for source, n in zip(g["cited_source"], g["n"], strict=True)
        )
        for key, g in per_source.groupby(keys, sort=False)
    }
    spans = grouped.groupby(keys, sort=True).agg(
        begin=("first_day", "min"), end=("last_day", "max"), n=("period", "size")
    )
    lanes = []
    for (kind, lane_precision), lane in spans.groupby(level=[0, 1], sort=True):
        peak = lane["n"].max()
        bars = []
        for (_, _, number), span in zip(lane.index, lane.itertuples(index=False), strict=True):
            begin, end, count = span.begin, span.end, int(span.n)
            if lane_precision == "year":
                written = str(number)
            else:
                written = f"{number // 100:04d}-{number % 100:02d}"
                begin = pd.Timestamp(written + "-01")
                end = begin + pd.offsets.MonthEnd(0)
            cited = cited_by_bar[(kind, lane_precision, number)]
            bars.append(
                {
                    "begin": pd.Timestamp(begin),
                    "end": pd.Timestamp(end),
                    "colour": EVENT_COLOURS.get(kind, "#757575"),
                    "hover": f"{kind}, {written}: {count:,} events — sources: {cited}",
                    "opacity": round(0.15 + 0.85 * count / peak, 2),
                }
            )
        label = f"{kind} ({'dated to the year' if lane_precision == 'year' else 'by month'})"
        lanes.append(
            {
                "label": label,
                "words": None,
                "hover": None,
                "event_id": f"{kind} · {lane_precision}",
                "bars": bars,
            }
        )
    return lanes
