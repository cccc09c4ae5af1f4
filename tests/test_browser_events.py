"""The linked timeline and map in headless Chromium, offline: a period picked on one filters the other."""

import pandas as pd
import pytest
from test_browser import OfflinePage

from sahel_nb import load_dataset
from sahel_nb.timeline import EXTENT, event_table, events_page

pytestmark = pytest.mark.browser


def _drag(page, start_x: float, end_x: float) -> None:
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + 25
    page.mouse.move(box["x"] + start_x, y)
    page.mouse.down()
    page.mouse.move(box["x"] + (start_x + end_x) / 2, y)
    page.mouse.move(box["x"] + end_x, y)
    page.mouse.up()


def test_a_period_dragged_on_the_timeline_filters_the_map(browser, tmp_path):
    events = event_table(load_dataset())
    offline = OfflinePage(browser)
    page = offline.open(events_page(events, tmp_path / "events.html"), ready="#map")
    everything = page.locator("#map g.place").count()
    assert everything >= 2  # a period can then leave one out
    left = float(page.get_attribute("#timeline", "data-left"))
    first = int(page.get_attribute("#timeline", "data-first"))
    scale = float(page.get_attribute("#timeline", "data-scale"))

    def x(day: str) -> float:
        return left + ((pd.Timestamp(day) - pd.Timestamp("1970-01-01")).days - first) * scale

    _drag(page, x("2004-01-15"), x("2004-12-15"))
    said = page.locator("#period").text_content()
    assert said.startswith("From 2004-01-") and " to 2004-12-" in said, said
    low, high = (pd.Timestamp(d) for d in said.split(":")[0].removeprefix("From ").split(" to "))
    # The same filter, worked out here from the table: located in the map's area, dated
    # to a span that touches the period (an open end runs on).
    west, south, east, north = EXTENT
    shown = events[
        events["longitude"].between(west, east)
        & events["latitude"].between(south, north)
        & (events["first_day"] <= high)
        & (events["last_day"].isna() | (events["last_day"] >= low))
    ]
    assert len(shown) > 0
    assert page.evaluate("document.body.dataset.shown") == str(len(shown))
    visible = page.locator("#map g.place:visible").count()
    assert 0 < visible < everything
    assert f"{len(shown)} event" in said
    # A click without dragging shows every place again.
    _drag(page, x("2003-06-01"), x("2003-06-01"))
    assert page.locator("#map g.place:visible").count() == everything
    assert page.locator("#period").text_content() == "All periods."
    page.screenshot(path=tmp_path / "events.png")
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_a_period_hides_the_labels_of_the_places_it_hides_and_recounts_areas(browser, tmp_path):
    events = event_table(load_dataset())
    offline = OfflinePage(browser)
    page = offline.open(events_page(events, tmp_path / "events.html"), ready="#map")
    left = float(page.get_attribute("#timeline", "data-left"))
    first = int(page.get_attribute("#timeline", "data-first"))
    scale = float(page.get_attribute("#timeline", "data-scale"))

    def x(day: str) -> float:
        return left + ((pd.Timestamp(day) - pd.Timestamp("1970-01-01")).days - first) * scale

    read = """() => Array.from(document.querySelectorAll('#map text.label[data-n]')).map(label => {
        const place = document.querySelector(`#map g.place[data-n="${label.dataset.n}"]`);
        const count = label.querySelector('tspan.count');
        return {shown: getComputedStyle(label).display !== 'none',
                placeShown: getComputedStyle(place).display !== 'none',
                count: count ? Number(count.textContent) : null,
                noun: count ? label.querySelector('tspan.noun').textContent : null,
                spans: place.dataset.spans, total: Number(place.dataset.count)};
    })"""
    before = page.evaluate(read)
    assert any(label["count"] is not None for label in before)  # the data has country-wide events
    _drag(page, x("2003-01-15"), x("2003-12-15"))
    said = page.locator("#period").text_content()
    low, high = (
        (pd.Timestamp(d) - pd.Timestamp("1970-01-01")).days
        for d in said.split(":")[0].removeprefix("From ").split(" to ")
    )
    after = page.evaluate(read)
    assert any(not label["shown"] for label in after)
    for label in after:
        assert label["shown"] == label["placeShown"]
        if label["count"] is None or not label["shown"]:
            continue
        # The count, worked out here from the place's own spans of days.
        touching = sum(
            int(a) <= high and int(b) >= low
            for a, b in (span.split(":") for span in label["spans"].split())
        )
        assert label["count"] == touching > 0
        assert label["noun"] == ("event" if touching == 1 else "events")
    _drag(page, x("2003-06-01"), x("2003-06-01"))
    for label in page.evaluate(read):
        assert label["shown"]
        if label["count"] is not None:
            assert label["count"] == label["total"]
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_hostile_strings_on_the_linked_page_stay_text(browser, tmp_path):
    events = event_table(load_dataset())
    events.loc[0, "description"] = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    events.loc[0, "actors"] = "<b>bold</b> & co"
    offline = OfflinePage(browser)
    page = offline.open(events_page(events, tmp_path / "events.html"), ready="#map")
    assert page.locator("main img, main b").count() == 0
    assert page.locator("main script").count() == 1  # the page's own, and only it
    hover = page.locator(f'g[data-event-id="{events.loc[0, "event_id"]}"] title').first
    assert "<script>alert(2)</script>" in hover.text_content()
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_the_network_page_year_slider_keeps_the_ties_in_force(browser, tmp_path):
    from sahel_nb.network import _year, build_graph, to_pyvis

    graph = build_graph(load_dataset())
    offline = OfflinePage(browser)
    page = offline.open(to_pyvis(graph, tmp_path / "net.html"))
    assert page.evaluate("edges.get({filter: e => !e.hidden}).length") == graph.number_of_edges()
    page.evaluate(
        "s = document.getElementById('year'); s.value = 2004;s.dispatchEvent(new Event('input'))"
    )
    # Worked out here: a tie is in force in 2004 when its years include it; undated ties
    # cannot be placed and are hidden.
    kept = 0
    undated = 0
    for *_, tie in graph.edges(data=True):
        first, last = _year(tie["start"]), _year(tie["end"])
        if first is None and last is None:
            undated += 1
        elif (first is None or first <= 2004) and (last is None or last >= 2004):
            kept += 1
    assert 0 < kept < graph.number_of_edges()
    assert page.evaluate("edges.get({filter: e => !e.hidden}).length") == kept
    said = page.locator("#year-said").text_content()
    assert said == f"2004: {kept} ties in force, {undated} undated hidden"
    # The rightmost position shows every tie again.
    page.evaluate(
        "s = document.getElementById('year'); s.value = s.max; s.dispatchEvent(new Event('input'))"
    )
    assert page.locator("#year-said").text_content() == "all years"
    assert page.evaluate("edges.get({filter: e => !e.hidden}).length") == graph.number_of_edges()
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)
