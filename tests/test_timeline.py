"""Event tables, timelines drawn as spans, and the offline map."""

import re
from pathlib import Path

import pandas as pd
import pytest

from sahel_nb import ParameterError, load_dataset
from sahel_nb.timeline import event_table, map_page, outline, timeline_page

FIXTURE = Path(__file__).parent / "fixtures" / "report"


@pytest.fixture(scope="module")
def data():
    return load_dataset(FIXTURE)


def test_partial_dates_count_by_their_span(data):
    # e-clash is dated 2006: it overlaps a window that ends in March 2006.
    assert "e-clash" in set(event_table(data, start="2006-03", end="2006-03")["event_id"])
    # e-kidnap2 is 2005-06: not in a window that ends in May 2005.
    assert "e-kidnap2" not in set(event_table(data, end="2005-05")["event_id"])


def test_undated_events_only_without_a_window(data):
    assert "e-undated" in set(event_table(data)["event_id"])
    assert "e-undated" not in set(event_table(data, start="2000")["event_id"])
    table = event_table(data)
    assert table["event_id"].iloc[-1] == "e-undated"  # undated last
    assert table.set_index("event_id")["precision"].to_dict() == {
        "e-kidnap": "year",
        "e-kidnap2": "month",
        "e-clash": "year",
        "e-arrest": "day",
        "e-undated": "undated",
    }


@pytest.mark.parametrize("window", [(None, None), ("2003", "2009"), ("2009", None)])
def test_each_row_names_its_own_actors_and_words_whatever_the_window(window):
    from sahel_nb.eventmarks import in_words
    from sahel_nb.eventmarks import short_names as acronyms

    dataset = load_dataset()
    names = dataset.actors.set_index("actor_id")["name"].to_dict()
    short = acronyms(dataset.actors)
    table = event_table(dataset, start=window[0], end=window[1]).set_index("event_id")
    events = dataset.events.set_index("event_id").loc[table.index]
    for event_id, row in events.iterrows():
        others = row["assoc_actors"]
        others = list(others) if hasattr(others, "__len__") and not isinstance(others, str) else []
        listed = [row["actor1"], row["actor2"], *others]
        said = "; ".join(names.get(a, a) for a in listed if isinstance(a, str))
        assert table.at[event_id, "actors"] == said, event_id
        words = in_words(short.get(row["actor1"]), short.get(row["actor2"]),
                         row["sub_event_type"], row["description"], row["fatalities"])  # fmt: skip
        assert table.at[event_id, "in_words"] == words, event_id


def test_event_types_filter_and_its_errors(data):
    assert set(event_table(data, event_types=["Battles"])["event_id"]) == {"e-clash"}
    with pytest.raises(ParameterError, match="event_types: unknown 'Battle'"):
        event_table(data, event_types=["Battle"])


def _bars(page: str) -> dict[str, float]:
    found = re.findall(
        r'data-event-id="([^"]+)">.*?<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', page, re.S
    )
    return {event: float(width) for event, width in found}


def test_a_year_is_a_year_long_bar_and_a_month_a_month(data, tmp_path):
    page = timeline_page(event_table(data), tmp_path / "t.html").read_text(encoding="utf-8")
    bars = _bars(page)
    assert set(bars) == {"e-kidnap", "e-kidnap2", "e-clash", "e-arrest"}
    assert bars["e-kidnap"] / bars["e-kidnap2"] == pytest.approx(366 / 30, rel=0.02)
    assert bars["e-arrest"] == 3.0  # a single day is drawn at the minimum visible width
    assert "Not on the timeline: no date given" in page and "Invented undated refusal" in page


def test_pages_escape_data_and_fetch_nothing(data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    events = event_table(data)
    for page in (timeline_page(events, out / "t.html"), map_page(events, out / "m.html")):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text and "<img" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert not re.search(r'(src|href)="https?://', text)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["m.html", "out", "t.html"]


def test_map_places_located_events_and_lists_the_rest(data, tmp_path):
    text = map_page(event_table(data), tmp_path / "m.html").read_text(encoding="utf-8")
    dots = re.findall(r'<circle class="event" data-event-id="([^"]+)"', text)
    assert sorted(dots) == ["e-arrest", "e-kidnap"]  # e-clash is in New York, off the map
    listed = re.findall(r'<li data-event-id="([^"]+)"', text)
    assert sorted(listed) == ["e-clash", "e-kidnap2", "e-undated"]
    assert "Natural Earth" in text


def test_shipped_outline_covers_the_sahel():
    codes = {f["properties"]["iso_a3"] for f in outline()["features"]}
    assert {"MLI", "NER", "MRT", "BFA", "TCD", "DZA", "LBY"} <= codes
    assert "public domain" in outline()["attribution"]


def test_many_events_are_counted_per_month_and_years_stay_years(tmp_path):
    import pandas as pd

    days = pd.date_range("2015-01-01", "2015-12-31", freq="D")
    rows = [
        {"event_id": f"acled-{i}", "date": day.strftime("%Y-%m-%d"), "precision": "day",
         "first_day": day, "last_day": day, "event_type": "Battles"}
        for i, day in enumerate(list(days) * 7)
    ] + [
        {"event_id": f"y-{i}", "date": "2015", "precision": "year",
         "first_day": pd.Timestamp("2015-01-01"), "last_day": pd.Timestamp("2015-12-31"),
         "event_type": "Battles"}
        for i in range(3)
    ]  # fmt: skip
    events = pd.DataFrame(rows).assign(
        sub_event_type="Armed clash", actors="A; B", location=None, description=None,
        status="reported", credibility=3, source="acled-abc row 1",
    )  # fmt: skip
    page = timeline_page(events, tmp_path / "t.html", max_events=2000).read_text("utf-8")
    lanes = re.findall(r'<g class="event" data-event-id="([^"]+)">', page)
    assert lanes == ["Battles · month or day", "Battles · year"]
    assert page.count("<rect") == 12 + 1  # twelve months, one year
    assert "Battles, 2015-03: 217 events — sources: acled-abc (217)" in page
    assert "Battles, 2015: 3 events" in page
    assert "2,558 dated events, counted per month" in page


def test_many_located_events_are_counted_per_place(tmp_path):
    import pandas as pd

    events = pd.DataFrame(
        {
            "event_id": [f"acled-{i}" for i in range(3000)] + ["far"],
            "latitude": [16.77] * 2000 + [16.27] * 1000 + [40.7],
            "longitude": [-3.0] * 2000 + [-0.04] * 1000 + [-74.0],
            "event_type": ["Battles"] * 2500 + ["Riots"] * 500 + ["Battles"],
            "sub_event_type": "Armed clash", "date": "2015", "actors": "A", "location": None,
            "description": None, "status": "reported", "credibility": 3,
            "source": "acled-abc row 1",
        }
    )  # fmt: skip
    text = map_page(events, tmp_path / "m.html", max_listed=0).read_text(encoding="utf-8")
    dots = re.findall(r'<circle class="event" data-event-id="([^"]+)"[^>]* r="([\d.]+)"', text)
    assert dots == [("16.8,-3.0", "15.0"), ("16.3,-0.0", "11.5")]  # area by count; big first
    assert "1,000 events near 16.3, -0.0: Battles 500, Riots 500 — sources: acled-abc" in text
    assert "3,000 events are on the map, at 2 places (0.1°), each dot counting its events" in text
    assert "and 1 more, not listed here" in text


def test_the_notebook_and_the_map_count_the_same_events_in_the_same_words(tmp_path):
    from sahel_nb.narrative import describe_events
    from sahel_nb.timeline import event_table, map_counts, map_page, map_sentence

    events = event_table(load_dataset())
    sentence = map_sentence(map_counts(events))
    assert sentence in describe_events(events)
    page = map_page(events, tmp_path / "map.html").read_text(encoding="utf-8")
    assert sentence in page


def test_events_at_one_place_share_a_dot_with_their_count_and_regions_are_regions(tmp_path):
    import pandas as pd

    from sahel_nb.timeline import map_page

    frame = pd.DataFrame(
        {
            "event_id": ["a", "b", "c", "d", "e"],
            "date": ["2008", "2009", "2006", None, "2009"],
            "event_type": ["Strategic developments", "Violence against civilians",
                           "Strategic developments", "Battles", "Strategic developments"],
            "sub_event_type": ["Arrests", "Attack", "Other", "Armed clash", "Indictment"],
            "actors": ["x", "y", "z", "w", "v"],
            "location": ["Timbuktu", "Timbuktu", "Timbuktu region", None, "New York"],
            "latitude": [16.77, 16.77, 16.77, None, 40.71],
            "longitude": [-3.0, -3.0, -3.0, None, -74.0],
            "geo_precision": pd.array([1, 1, 3, None, 1], dtype="Int64"),
            "description": ["<script>alert(1)</script>", "b", "c", "d", "e"],
            "status": ["reported"] * 5,
            "credibility": [3] * 5,
            "source": ["s ¶1"] * 5,
        }
    )  # fmt: skip
    html = map_page(frame, tmp_path / "m.html").read_text(encoding="utf-8")
    # Two town events at one point: one dot that says 2; the region is a disc of its own.
    assert html.count('data-count="2"') == 1
    assert html.count('class="event region"') == 1
    assert "3 events are on the map, at 2 places; 1 lies outside its area and 1 has no" in html
    assert "<script>alert(1)</script>" not in html


def _precision_frame():
    import pandas as pd

    from sahel_nb.dates import partial_date_span

    dates = pd.Series(["2008", "2008-05", "2008-05-04", "2008-05~"])
    first, last = partial_date_span(dates)
    return pd.DataFrame(
        {
            "event_id": ["year", "month", "day", "rough"],
            "date": dates,
            "precision": ["year", "month", "day", "month, approximate"],
            "first_day": first,
            "last_day": last,
            "event_type": ["Battles"] * 4,
            "sub_event_type": ["Armed clash"] * 4,
            "actors": [
                "Alpha Brigade; Bravo Tribe; Charlie Front; the Delta Movement of the Sahara"
            ]
            * 4,
            "location": ["Gao"] * 4,
            "latitude": [16.27, 16.27, 15.0, 14.0],
            "longitude": [-0.04, -0.04, -1.0, -2.0],
            "geo_precision": pd.array([1, 1, 2, 3], dtype="Int64"),
            "description": ["d"] * 4,
            "status": ["reported"] * 4,
            "credibility": [3] * 4,
            "source": ["s ¶1"] * 4,
        }
    )


def test_the_less_precise_the_date_the_paler_the_bar_and_labels_end_on_a_word(tmp_path):
    import re

    from sahel_nb.timeline import timeline_page

    html = timeline_page(_precision_frame(), tmp_path / "t.html").read_text(encoding="utf-8")
    opacity = {
        event: float(value)
        for event, value in re.findall(
            r'data-event-id="(\w+)">.*?fill-opacity="([\d.]+)"', html, flags=re.S
        )
    }
    assert opacity["year"] < opacity["month"] < opacity["day"]
    assert opacity["rough"] < opacity["month"]  # approximate: paler still, and dashed
    # The margin gives the date as written and its precision; beside each bar, who did what.
    when = re.findall(r'<text class="when" x="4" y="\d+">([^<]*)</text>', html)
    assert when[0] == "2008 · year" and "2008-05~ · month, approximate" in when
    words = re.findall(r'<text class="words"[^>]*>([^<]*)</text>', html)
    assert len(words) == 4 and set(words) == {"Alpha Brigade fought Bravo Tribe"}
    # The legend lists only what is drawn: one event type here.
    assert html.count('<span><i style="background:') == 1


def test_the_map_shows_how_precisely_each_event_is_placed(tmp_path):
    from sahel_nb.timeline import map_page

    html = map_page(_precision_frame(), tmp_path / "m.html").read_text(encoding="utf-8")
    assert html.count('class="halo"') == 1  # near a town (geo_precision 2)
    assert html.count('class="event region"') == 1  # a region (3)
    assert "a dot with a faint halo is near a town" in html
    assert "a dashed disc is placed only within a region" in html
    # Each place carries the day span of its events, for the linked page's filter.
    assert 'data-spans="14003:14003"' in html  # 2008-05-04: day 14,003 since 1970


def test_an_assessment_marks_its_period_and_cut_off_and_leaves_later_events_out(data, tmp_path):
    from types import SimpleNamespace

    judged = SimpleNamespace(scope={"period": {"start": "2004", "end": "2006"}}, cut_off="2006-06")
    events = event_table(data)
    html = timeline_page(events, tmp_path / "t.html", assessment=judged, left_out=2)
    text = html.read_text(encoding="utf-8")
    drawn = set(re.findall(r'<g class="event" data-event-id="([^"]+)"', text))
    began = events.set_index("event_id")["first_day"]
    # Nothing that began after the cut-off is drawn; it is counted with those left out before.
    later = {e for e, day in began.items() if day > pd.Timestamp("2006-06-30")}
    assert later and not drawn & later
    assert f"{2 + len(later)} later events left out" in text
    assert 'class="cut-off"' in text and 'class="period"' in text
    # The axis ends with the cut-off's year: no tick for a later year.
    ticks = {int(y) for y in re.findall(r'<text x="[\d.]+" y="14">(\d{4})</text>', text)}
    assert max(ticks) <= 2006


def test_the_map_labels_its_places_and_draws_a_hostages_path(data, tmp_path):
    release = data.events.iloc[[0]].assign(
        event_id="e-release",
        sub_event_type="Hostage release",
        location="Gao",
        latitude=16.27,
        longitude=-0.04,
        date="2004-09",
        date_start=pd.Timestamp("2004-09-01"),
    )
    with_release = data.__class__(**{**vars(data), "events": pd.concat([data.events, release])})
    text = map_page(event_table(data), tmp_path / "m.html", dataset=with_release).read_text(
        encoding="utf-8"
    )
    labels = re.findall(r'<text class="label place"[^>]*>([^<]*)</text>', text)
    assert {"Timbuktu", "Gao"} <= set(labels)
    assert text.count('<g class="hostage-path"') == 1
    assert "Timbuktu: Tourists taken in 2004 taken 2004" in text and "Gao: freed 2004-09" in text
    assert "Not on the map: " in text and "outside the map&#39;s area" in text


def test_region_level_events_are_their_region_hatched_and_counted_as_one_place(tmp_path):
    from sahel_nb.timeline import map_counts, map_page, map_sentence

    frame = pd.DataFrame(
        {
            "event_id": ["kidal-1", "kidal-2", "tomb", "town", "menaka"],
            "date": ["2012", "2013", "2012", "2012", "2020"],
            "event_type": ["Battles"] * 5,
            "sub_event_type": ["Armed clash"] * 5,
            "actors": ["x"] * 5,
            "location": ["Kidal", "Aguelhok", "<b>Tombouctou</b>", "Gao", "Ménaka"],
            "admin1": ["Kidal", "Kidal", "Région de Tombouctou", "Gao", "Ménaka"],
            "country": ["MLI"] * 5,
            # Two region-precision points in Kidal; Tombouctou with none; a town
            # in Gao stays a dot, and Ménaka (no outline of its own) stays a disc.
            "latitude": [18.44, 19.0, None, 16.27, 15.92],
            "longitude": [1.41, 1.0, None, -0.04, 2.40],
            "geo_precision": pd.array([3, 3, None, 1, 3], dtype="Int64"),
            "description": ["d"] * 5,
            "status": ["reported"] * 5,
            "credibility": [3] * 5,
            "source": ["s ¶1"] * 5,
        }
    )  # fmt: skip
    html = map_page(frame, tmp_path / "m.html").read_text(encoding="utf-8")
    areas = re.findall(r'<path class="area" data-event-id="([^"]+)"', html)
    assert sorted(areas) == ["kidal-1 kidal-2", "tomb"]
    assert 'fill-rule="evenodd"' in html
    labels = re.findall(r'<text class="label area"[^>]*>([^<]*)<', html)
    assert {label.split(":")[0] for label in labels} == {"Kidal", "Timbuktu"}
    assert html.count('class="event region"') == 1  # Ménaka's disc
    assert html.count('class="event"') == 1  # Gao's town
    # One place per region, whatever its events' points: the page and the notebook agree.
    counts = map_counts(frame)
    assert counts["places"] == 3 and counts["located"] == 4
    assert map_sentence(counts) in html
    assert "1 of them shaded as their region or country" in html
    assert "regions: Made with Natural Earth" in html
    assert "<b>Tombouctou</b>" not in html


def test_an_area_of_many_events_counts_them_on_hover_instead_of_listing_each(tmp_path):
    from sahel_nb.eventmap import AREA_LISTED
    from sahel_nb.timeline import map_page

    n = AREA_LISTED + 1
    frame = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(n)],
            "date": ["2012"] * n,
            "event_type": ["Battles", "Riots"] * (n // 2) + ["Battles"] * (n % 2),
            "sub_event_type": ["Armed clash"] * n,
            "actors": ["x"] * n,
            "location": [None] * n,
            "admin1": ["Kidal"] * n,
            "country": ["MLI"] * n,
            "latitude": [None] * n,
            "longitude": [None] * n,
            "geo_precision": pd.array([None] * n, dtype="Int64"),
            "description": ["d"] * n,
            "status": ["reported"] * n,
            "credibility": [3] * n,
            "source": ["acled-1 row 2"] * n,
        }
    )
    html = map_page(frame, tmp_path / "m.html").read_text(encoding="utf-8")
    hover = re.search(r'<path class="area"[^>]*><title>([^<]*)</title>', html).group(1)
    battles = (frame["event_type"] == "Battles").sum()
    assert hover == (
        f"{n} events placed no nearer than Kidal: Battles {battles}, Riots {n - battles}"
        f" — sources: acled-1 ({n})"
    )
    assert "e0 e1" not in html
    assert f"{n} of them shaded as their region or country" in html


def test_hostages_paths_follow_people_not_crowds_armed_groups_or_forces():
    from sahel_nb.maplabels import hostage_paths

    def abducted_then_seen(hostage: str) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "event_id": [f"{hostage}-take", f"{hostage}-later"],
                "date": ["2019-02", "2019-05"],
                "date_start": pd.to_datetime(["2019-02-01", "2019-05-01"]),
                "sub_event_type": ["Abduction/forced disappearance", "Armed clash"],
                "actor1": ["takers", hostage],
                "actor2": [hostage, "someone"],
                "location": ["Gao", "Mopti"],
                "latitude": [16.27, 14.49],
                "longitude": [-0.04, -4.2],
                "geo_precision": [1, 1],
            }
        )

    names = {"crowd": "Civilians (Mali)", "jnim": "JNIM", "army": "Malian armed forces",
             "pastoralists": "Pastoralists (Mali)", "aid-worker": "An aid worker"}  # fmt: skip
    types = {"crowd": "civilian population", "jnim": "armed group", "army": "security forces",
             "pastoralists": "armed group", "aid-worker": "individual"}  # fmt: skip
    events = pd.concat([abducted_then_seen(h) for h in names], ignore_index=True)
    followed = {path["hostage"] for path in hostage_paths(events, names, types)}
    assert followed == {"An aid worker"}
    # Without the actors' types only the crowd, named as one, is told apart.
    assert "Civilians (Mali)" not in {p["hostage"] for p in hostage_paths(events, names)}


def test_an_event_is_placed_by_a_report_that_places_it_when_its_speaker_does_not():
    curated = load_dataset()
    table = event_table(curated).set_index("event_id")
    # AFP speaks for the 2003 raid but names no place; the BBC puts it near Tamanrasset.
    raid = table.loc["ev-2003-raid-afp"]
    assert (raid["location"], raid["latitude"], raid["geo_precision"]) == (
        "near Tamanrasset",
        22.785,
        2,
    )
    # The BBC has the hostages flown home to Germany; the Mail & Guardian's Bamako is
    # another country: the map does not move the event there.
    assert pd.isna(table.loc["ev-2003-repatriation-bbc", "latitude"])
    # Two reports placing the safe haven in two regions: neither is chosen.
    assert pd.isna(table.loc["ev-2009-aqim-safe-haven-north-mali", "latitude"])
    # Every place shown is one a cited report of the event gives.
    placed = table[table["latitude"].notna()]
    reports = curated.events.set_index("event_id")
    for event_id, row in placed.iterrows():
        claim = reports.loc[event_id, "claim_id"]
        told = curated.events[curated.events["claim_id"] == claim]
        assert ((told["latitude"] == row["latitude"]) & (told["location"] == row["location"])).any()


def test_an_attack_that_killed_says_so_in_its_words():
    # ACLED's "Attack" covers a killing (Dyer's execution): "attacked" alone hides the death.
    from sahel_nb import load_dataset
    from sahel_nb.timeline import event_table

    table = event_table(load_dataset())
    attacks = table[table["sub_event_type"] == "Attack"]
    events = load_dataset().events.set_index("event_id")
    assert len(attacks)
    for row in attacks.itertuples():
        dead = events.loc[row.event_id, "fatalities"]
        said = f"({int(dead)} killed)" if dead == dead and dead >= 1 else None
        assert (said in row.in_words) if said else "killed" not in row.in_words


def test_coordinates_without_a_precision_are_placed_not_a_crash():
    # geo_precision is optional: a report placed without it is taken as a region's.
    data = load_dataset()
    data.events["geo_precision"] = pd.array([pd.NA] * len(data.events), dtype="Int64")
    table = event_table(data)
    assert len(table) and table["latitude"].notna().any()
