"""The timeline's words and cut-off, the map's labels and hostages' paths, measured in Chromium."""

import shutil
from itertools import combinations
from pathlib import Path

import pandas as pd
import pytest
from test_browser import OfflinePage

from sahel_nb import load_dataset
from sahel_nb.assessment import before_cut_off, load_assessment
from sahel_nb.eventmap import map_counts
from sahel_nb.regions import region_of
from sahel_nb.timeline import event_table, events_page, map_page, timeline_page

pytestmark = pytest.mark.browser

REPORT_FIXTURE = Path(__file__).parent / "fixtures" / "report"
HOSTILE_PLACE = "<img src=x onerror=alert(3)>"


def _apart(a: dict, b: dict) -> bool:
    """Whether two boxes from Playwright's ``bounding_box`` share no area (a pixel's slack)."""
    return (
        a["x"] + a["width"] <= b["x"] + 1
        or b["x"] + b["width"] <= a["x"] + 1
        or a["y"] + a["height"] <= b["y"] + 1
        or b["y"] + b["height"] <= a["y"] + 1
    )


@pytest.fixture(scope="module")
def judged():
    """The shipped assessment, and the curated data as known at its cut-off."""
    assessment = load_assessment("aqim-kfr-mali-2003-2010")
    data = load_dataset()
    known, left_out = before_cut_off(data, assessment.cut_off)
    return assessment, data, known, left_out


def test_every_bar_is_labelled_in_words_and_nothing_after_the_cut_off_is_drawn(
    browser, judged, tmp_path
):
    assessment, data, known, left_out = judged
    events = event_table(known)
    # One more event, dated after the cut-off: the page itself must leave it out too.
    late_row = events.iloc[[0]].assign(
        event_id="ev-later",
        first_day=pd.Timestamp("2012-01-01"),
        last_day=pd.Timestamp("2012-12-31"),
    )
    path = timeline_page(
        pd.concat([events, late_row]),
        tmp_path / "t.html",
        assessment=assessment,
        left_out=left_out["events"],
    )
    offline = OfflinePage(browser)
    page = offline.open(path, ready="#timeline")
    lanes = page.locator("#timeline g.event")
    assert lanes.count() > 0
    for i in range(lanes.count()):
        words = lanes.nth(i).locator("text.words")
        assert words.count() == 1 and words.text_content().strip()
        assert words.bounding_box()["width"] > 0  # drawn, not only on hover
    cut = page.locator("#timeline g.cut-off line").bounding_box()
    cut_day = pd.Timestamp("1970-01-01") + pd.Timedelta(
        days=int(page.get_attribute("#timeline g.cut-off", "data-day"))
    )
    assert cut_day == pd.Timestamp(assessment.cut_off)
    for i in range(lanes.count()):
        assert lanes.nth(i).locator("rect").bounding_box()["x"] <= cut["x"] + 1
    drawn = set(lanes.evaluate_all("gs => gs.map(g => g.dataset.eventId)"))
    late = (set(event_table(data)["event_id"]) - set(events["event_id"])) | {"ev-later"}
    assert not drawn & late
    # Later years do not stretch the axis: it ends within a year of the cut-off.
    svg = page.locator("#timeline").bounding_box()
    assert svg["x"] + svg["width"] - cut["x"] < 0.1 * svg["width"]
    assert str(cut_day.year + 1) not in page.locator("#timeline > text").all_text_contents()
    legend = page.locator("p.legend").last.text_content()
    gone = left_out["events"] + 1  # the invented later event counts too
    assert f"{gone} events dated or reported after it left out" in legend
    assert assessment.scope["period"]["start"] in legend
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_the_published_timeline_counts_what_the_cut_off_left_out(browser, judged, tmp_path):
    assessment, _, known, left_out = judged
    path = events_page(
        event_table(known),
        tmp_path / "events.html",
        assessment=assessment,
        left_out=left_out["events"],
        dataset=known,
    )
    offline = OfflinePage(browser)
    page = offline.open(path, ready="#map")
    summary = page.locator("header p").text_content()
    assert f"{left_out['events']} later events left out" in summary
    assert page.locator("#timeline g.period rect").bounding_box()["width"] > 0
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_map_labels_every_place_without_overlap_and_draws_the_hostages_path(browser, tmp_path):
    data = load_dataset()
    events = event_table(data)
    offline = OfflinePage(browser)
    page = offline.open(map_page(events, tmp_path / "m.html", dataset=data), ready="#map")
    labels = page.locator("#map text.label")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert all(box["width"] > 0 for box in boxes)
    for a, b in combinations(boxes, 2):
        assert _apart(a, b), (a, b)
    dots = page.locator("#map circle.event")
    for i in range(dots.count()):
        dot = dots.nth(i).bounding_box()
        for box in boxes:
            assert _apart(dot, box), (dot, box)
    # Every place with an event is named on the map.
    places = {
        name.strip()
        for names in events.loc[events["latitude"].notna(), "location"].dropna()
        for name in names.split(" / ")
    }
    named = " ".join(page.locator("#map text.label.place").all_text_contents())
    shown = set(
        page.locator("#map circle.event").evaluate_all("cs => cs.map(c => c.dataset.eventId)")
    )
    inside = events[events["event_id"].isin(" ".join(shown).split())]
    assert set(inside["location"].dropna()) <= {p for p in places if p in named}
    # The 2003 hostages: taken in the Algerian Sahara, next placed in Bamako, with dates.
    path = page.locator("#map g.hostage-path").first
    line = path.locator("line").bounding_box()
    assert line["width"] + line["height"] > 50
    told = path.locator("title").text_content()
    assert "taken 2003-02-19/2003-04" in told and "2003-08-19" in told and "Bamako" in told
    # The straight arrow does not hide the months between: held in Mali, placed no nearer.
    assert "then in Mali, placed no nearer" in told and "freed there" in told
    ends = page.locator("#map text.label.path").all_text_contents()
    assert any("taken" in end for end in ends) and any("Bamako" in end for end in ends)
    # Under the map: how many events it does not place at a point, and why.
    counts = map_counts(events)
    under = page.locator("p.not-on-map").text_content()
    assert f"{counts['no_coordinates']} events without coordinates" in under
    assert f"{counts['outside']} outside the map's area" in under
    assert page.locator("#map path.area").count() >= 1  # country-wide events as areas
    # An event placed no nearer than a region the map has the outline of (the
    # Algerians' search in the Tassili, Illizi) hatches that region, drawn inside
    # its country and smaller than it, not the whole country.
    areas = page.locator("#map path.area").evaluate_all(
        "ps => ps.map(p => { const b = p.getBBox();"
        " return [p.dataset.eventId.split(' '), b.x, b.y, b.width, b.height]; })"
    )
    by_country = events.set_index("event_id")["country"]
    held = events.loc[region_of(events) >= 0, "event_id"]
    assert len(held)
    for event_id in held:
        (_, *box) = next(area for area in areas if event_id in area[0])
        country = by_country[event_id]
        for ids, *whole in areas:
            if event_id not in ids and {by_country[i] for i in ids} == {country}:
                assert box[2] * box[3] < whole[2] * whole[3] / 4
                assert whole[0] <= box[0] and box[0] + box[2] <= whole[0] + whole[2] + 5
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_hostile_names_on_the_map_and_the_timeline_stay_text(browser, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(REPORT_FIXTURE, data_dir)
    table = pd.read_csv(data_dir / "events.csv", dtype=str, keep_default_na=False)
    kidnap = table["event_id"] == "e-kidnap"
    table.loc[kidnap, ["actor1", "location"]] = ["xss", HOSTILE_PLACE]
    release = table[kidnap].assign(
        event_id="e-release",
        date="2004-09",
        event_type="Strategic developments",
        sub_event_type="Hostage release",
        actor1="grp",
        location="Gao",
        latitude="16.27",
        longitude="-0.04",
        description="Invented release.",
    )
    pd.concat([table, release]).to_csv(data_dir / "events.csv", index=False)
    data = load_dataset(data_dir)
    events = event_table(data)
    offline = OfflinePage(browser)
    page = offline.open(events_page(events, tmp_path / "e.html", dataset=data), ready="#map")
    words = page.locator('#timeline g[data-event-id="e-kidnap"] text.words').text_content()
    assert words.startswith("<script>alert(1)</script> abducted")
    labels = page.locator("#map text.label").all_text_contents()
    assert HOSTILE_PLACE in labels
    assert any(HOSTILE_PLACE in label and "taken 2004" in label for label in labels)
    assert page.locator("#map g.hostage-path").count() == 1
    assert page.locator("main img, svg img").count() == 0
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)
