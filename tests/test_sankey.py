"""Money as a Sankey: the layout's geometry, and the page's bands, shares, unknowns and escaping."""

import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sahel_nb import load_dataset
from sahel_nb.flows import flow_diagram, payment_claims
from sahel_nb.sankey import Band, layout, ribbon

FIXTURES = Path(__file__).parent / "fixtures"
# By hand from the shipped tables: EUR per USD 2010 = 0.755868; CPI-U 2003 = 184.0,
# 2010 = 218.056, 2024 = 313.689.
CPI_2003, CPI_2010, CPI_2024 = 184.0, 218.056, 313.689


# The layout, on bands made up here.


def test_band_width_is_proportional_to_value_and_the_busiest_column_sets_the_scale():
    drawn = layout(
        {"a": 0, "b": 0, "z": 1},
        [Band("one", ("a", "z"), 10.0, 10.0), Band("three", ("b", "z"), 30.0, 30.0)],
        money_height=400,
    )
    widths = {s.key: s.width for s in drawn.segments}
    assert widths == {"one": pytest.approx(100.0), "three": pytest.approx(300.0)}
    assert drawn.nodes["z"].height == pytest.approx(400.0)  # everything flowing in
    assert drawn.scale == pytest.approx(10.0)


def test_a_range_is_solid_to_its_low_end_and_the_rest_lighter():
    drawn = layout({"a": 0, "b": 1}, [Band("r", ("a", "b"), 25.0, 100.0)], money_height=200)
    (segment,) = drawn.segments
    assert (segment.width, segment.low_width) == (pytest.approx(200.0), pytest.approx(50.0))
    # The lighter part starts where the solid part ends.
    assert segment.range_path().startswith(f"M{segment.x0:g} {segment.y0 + 50:g}")


def test_unknown_amounts_are_thin_and_tiny_ones_drawn_at_the_minimum():
    drawn = layout(
        {"a": 0, "b": 0, "c": 0, "z": 1},
        [
            Band("big", ("a", "z"), 1e6, 1e6),
            Band("tiny", ("b", "z"), 1.0, 1.0),
            Band("unknown", ("c", "z")),
        ],
        money_height=400,
        unknown_width=4,
        min_width=2,
    )
    by_key = {s.key: s for s in drawn.segments}
    assert by_key["unknown"].width == 4 and not by_key["unknown"].known
    assert by_key["tiny"].width == 2 and by_key["tiny"].minimum
    assert not by_key["big"].minimum


def test_a_share_leaves_from_inside_its_ransom_and_takes_no_slot_of_its_own():
    bands = [
        Band("ransom", ("payer", "via", "kid"), 100.0, 100.0),
        Band("share", ("kid", "mediator"), 20.0, 20.0, parent="ransom"),
        Band("other", ("payer2", "kid"), 50.0, 50.0),
    ]
    columns = {"payer": 0, "payer2": 0, "via": 1, "kid": 2, "mediator": 3}
    drawn = layout(columns, bands, money_height=150)
    by = {(s.key, s.hop): s for s in drawn.segments}
    arrival, share = by[("ransom", 1)], by[("share", 0)]
    assert share.source == "kid" and share.parent == "ransom"
    # The share's start lies within the ransom's end at the payee.
    assert arrival.y1 <= share.y0 and share.y0 + share.width <= arrival.y1 + arrival.width
    # The payee is as tall as what flows in: the share adds nothing to it.
    assert drawn.nodes["kid"].height == pytest.approx(150.0)


def test_a_part_is_never_drawn_wider_than_its_whole():
    bands = [
        Band("ransom", ("p", "k"), 10.0, 10.0),
        Band("share", ("k", "m"), 50.0, 50.0, parent="ransom"),
    ]
    drawn = layout({"p": 0, "k": 1, "m": 2}, bands, money_height=100)
    by = {s.key: s for s in drawn.segments}
    assert by["share"].width <= by["ransom"].width


def test_layout_and_paths_are_deterministic():
    bands = [Band(k, (f"p{k}", "z"), float(v), float(v)) for k, v in (("b", 3), ("a", 3))]
    one = layout({"pa": 0, "pb": 0, "z": 1}, bands)
    two = layout({"pa": 0, "pb": 0, "z": 1}, list(reversed(bands)))
    assert [s.path() for s in sorted(one.segments, key=lambda s: s.key)] == [
        s.path() for s in sorted(two.segments, key=lambda s: s.key)
    ]
    assert ribbon(0, 0, 10, 0, 1) == "M0 0C5 0 5 0 10 0L10 1C5 1 5 1 0 1Z"


# The page, on fixtures and the curated data.


def _page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def flows_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("sankey") / "flows.html"
    return _page(flow_diagram(load_dataset(FIXTURES / "flows"), out, base_year=2024))


def _band(page: BeautifulSoup, claim: str):
    return page.select_one(f'g.band[data-claim="{claim}"]')


def test_every_payment_is_one_band_and_demands_and_denials_are_not_drawn(tmp_path):
    data = load_dataset()
    page = _page(flow_diagram(data, tmp_path / "flows.html", base_year=2024))
    claims = payment_claims(data)
    drawn = claims[(claims["flow_type"] != "ransom demand") & (claims["agreement"] != "denied")]
    assert sorted(g["data-claim"] for g in page.select("g.band")) == sorted(drawn["claim_id"])
    assert _band(page, "c-2003-ransom-demand") is None
    # Four reports and a denial of the 2003 ransom: one band, its reports in the hover text.
    ransom = _band(page, "c-2003-german-ransom")
    title = ransom.find("title", recursive=False).get_text()
    # The denial named by who speaks (Mali's negotiator), the outlet after.
    assert "denied by Amadou Baba Touré (in BBC News 2003 ¶6, ¶8)" in title
    assert "7,300,000 USD per Guitta 2010" in title


def test_band_widths_are_proportional_to_constant_dollars(flows_page):
    def width(claim):
        return float(_band(flows_page, claim).select_one("path.low")["data-width"])

    # f-ransom-a: 7.3 million 2003 dollars; f-ransom-b: 4–6 million euros of 2010, high end.
    dollars_a = 7_300_000 * CPI_2024 / CPI_2003
    dollars_b = 6_000_000 / 0.755868 * CPI_2024 / CPI_2010
    assert width("f-ransom-a") / width("f-ransom-b") == pytest.approx(
        dollars_a / dollars_b, rel=1e-3
    )
    # The euro range: drawn solid to the low end and lighter to the high end, both in the hover.
    ranged = _band(flows_page, "f-ransom-b")
    assert "ranged" in ranged["class"] and ranged.select_one("path.range") is not None
    # Rounded in the hover text and on the band; exact in the table under the picture.
    assert "about US$7.6–11M" in ranged.title.get_text()
    assert "7,612,815" not in ranged.title.get_text()
    row = flows_page.select_one('table.flows tr[data-claim="f-ransom-b"]')
    assert "7,612,815–11,419,223" in row.get_text()
    # A ransom through a go-between is one band in two hops, the same width throughout.
    hops = _band(flows_page, "f-ransom-a").select("path.low")
    assert [(p["data-source"], p["data-target"]) for p in hops] == [
        ("payer:gov-a", "go-between:med"),
        ("go-between:med", "payee:kid"),
    ]
    assert len({p["data-width"] for p in hops}) == 1


def test_a_share_is_drawn_inside_its_ransom(flows_page, tmp_path):
    share = _band(flows_page, "f-share-a")
    assert share.parent is _band(flows_page, "f-ransom-a")  # nested in the ransom's group
    ransom_end = share.parent.select("path.low")[-1]["data-target"]
    assert share.select_one("path")["data-source"] == ransom_end == "payee:kid"
    assert "part of the ransom f-ransom-a" in share.title.get_text()
    # In the curated data: El Para's share for the Tuareg mediator, out of the 2003 ransom.
    curated = _page(flow_diagram(load_dataset(), tmp_path / "c.html", base_year=2024))
    share = _band(curated, "c-2003-mediator-share")
    assert share.parent["data-claim"] == "c-2003-german-ransom"
    text = share.title.get_text()
    assert text.startswith("share of a ransom: Abderrazak El Para → Tuareg leader who mediated")
    assert "part of the 2003 ransom money (amount not given)" in text


def test_unknown_amounts_are_thin_empty_dashed_bands_with_their_reason(flows_page, tmp_path):
    unknown = _band(flows_page, "f-goods")
    assert "unknown" in unknown["class"]
    path = unknown.select_one("path.unknown")
    # Not hatched: hatching says "only alleged or contested", not "amount unknown".
    assert not path["fill"].startswith("url(") and path["stroke-dasharray"]
    assert float(path["data-width"]) == 4
    assert "amount not given" in unknown.title.get_text()
    # A figure that cannot be converted: drawn so too, and the hover text says why.
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "flows", data)
    with open(data / "flows.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write("f-dzd,2003,gov-b,kid,,ransom,5000000,,,DZD,,,alleged,3,src-a,¶9,\n")
    page = _page(flow_diagram(load_dataset(data), tmp_path / "dzd.html", base_year=2024))
    dzd = _band(page, "f-dzd")
    assert dzd.select_one("path.unknown") is not None
    assert "not converted: no yearly exchange rate for DZD 2003" in dzd.title.get_text()
    assert "5,000,000 DZD" in dzd.title.get_text()  # the figure itself is kept


def test_each_unnamed_payer_is_its_own_node(tmp_path):
    data = load_dataset()
    page = _page(flow_diagram(data, tmp_path / "flows.html"))
    unnamed = [
        g["data-node"] for g in page.select("g.node") if g["data-node"].startswith("payer:?")
    ]
    claims = payment_claims(data)
    payerless = claims[
        claims["payer"].isna()
        & (claims["flow_type"] != "ransom demand")
        & (claims["agreement"] != "denied")
    ]
    assert len(unnamed) == len(set(unnamed)) == len(payerless) >= 3
    labels = {page.select_one(f'g.node[data-node="{n}"] text').get_text() for n in unnamed}
    assert labels == {"payer not given"}


def test_page_is_offline_escaped_deterministic_and_written_only_where_asked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = load_dataset(FIXTURES / "report")  # an actor named <script>alert(1)</script>
    first = flow_diagram(data, tmp_path / "out" / "flows.html", title="<b>Flows</b>")
    html = first.read_text(encoding="utf-8")
    assert os.listdir(tmp_path) == ["out"] and os.listdir(tmp_path / "out") == ["flows.html"]
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert not re.search(r"<(link|iframe)[^>]+(src|href)=", html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = _page(first)
    labels = [t.get_text() for t in page.select("g.node text")]
    assert "<script>alert(1)</script>" in labels  # shown as text
    second = flow_diagram(data, tmp_path / "out" / "again.html", title="<b>Flows</b>")
    assert second.read_bytes() == first.read_bytes()


def test_legends_list_only_what_is_drawn(flows_page, tmp_path):
    legend = flows_page.select_one("p.legend").get_text(" ")
    assert all(status in legend for status in ("reported", "alleged", "estimated"))
    notes = flows_page.select_one("ul.notes").get_text(" ")
    assert "lighter part" in notes and "hatched" in notes and "inside that ransom" in notes
    assert "contested" not in notes  # no payment here is denied by anyone
    # Only a reported ransom, known and exact: no hatching, range or share notes.
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "flows", data)
    lines = (data / "flows.csv").read_text(encoding="utf-8").splitlines()
    keep = [lines[0], *(line for line in lines if line.startswith("f-tax,"))]
    (data / "flows.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    page = _page(flow_diagram(load_dataset(data), tmp_path / "one.html"))
    assert page.select_one("p.legend").get_text(" ").split() == [
        "reported", "armed", "group", "civilian", "population"
    ]  # fmt: skip
    notes = page.select_one("ul.notes").get_text(" ")
    assert "hatched" not in notes and "lighter" not in notes and "share" not in notes
    assert page.select("pattern") == []


def test_a_window_draws_only_its_period(tmp_path):
    data = load_dataset(FIXTURES / "flows")
    page = _page(flow_diagram(data, tmp_path / "f.html", start="2010", end="2010"))
    assert [g["data-claim"] for g in page.select("g.band")] == ["f-ransom-b"]
    empty = _page(flow_diagram(data, tmp_path / "e.html", start="1990", end="1991"))
    assert empty.select("g.band") == []
    assert "No money or goods moved" in empty.header.get_text()


def test_alleged_and_contested_payments_are_hatched_and_outlined_never_solid(flows_page, tmp_path):
    def fills(page, claim):
        band = _band(page, claim)
        return [p["fill"] for p in band.find_all("path", recursive=False)]

    # f-ransom-a is alleged only: hatched; f-ransom-b is reported: solid, lighter to its high end.
    assert all(f.startswith("url(#strong-alleged)") for f in fills(flows_page, "f-ransom-a"))
    assert "doubtful" in _band(flows_page, "f-ransom-a")["class"]
    assert not any(f.startswith("url(") for f in fills(flows_page, "f-ransom-b"))
    # The curated 2003 ransom is contested: hatched, outlined, with a denial marker on it.
    curated = _page(flow_diagram(load_dataset(), tmp_path / "c.html", base_year=2024))
    ransom = _band(curated, "c-2003-german-ransom")
    assert {"contested", "doubtful"} <= set(ransom["class"])
    for path in ransom.find_all("path", recursive=False):
        assert path["fill"].startswith("url(#") and path["stroke"].startswith("#")
        assert curated.select_one(f"pattern{path['fill'][4:-1]}") is not None
    mark = curated.select_one('g.denial[data-claim="c-2003-german-ransom"]')
    assert mark.title.get_text().startswith("denied by Amadou Baba Touré (in BBC News 2003")
    notes = curated.select_one("ul.notes").get_text(" ")
    assert "never solid: alleged only or contested" in notes and "✕ on a band" in notes


def test_labels_are_rounded_and_the_table_keeps_exact_figures(flows_page):
    labels = {t["data-claim"]: t.get_text() for t in flows_page.select("text.amount")}
    assert labels["f-ransom-a"] == "about US$7.3M, alleged"
    assert labels["f-ransom-b"] == "about €4–6M, reported"
    for text in labels.values():
        assert re.fullmatch(r"about (US\$|€|£)?[\d.]+(–[\d.]+)?(k|M|bn)?( [A-Z]{3})?, \w+", text)
    for band in flows_page.select("g.band"):
        dollars = band.find("title", recursive=False).get_text().split("in 2024 US$: ")[-1]
        assert not re.search(r"\d{1,3}(,\d{3}){2,}", dollars.splitlines()[0])
    row = flows_page.select_one('table.flows tr[data-claim="f-ransom-a"]').get_text()
    assert "7,300,000" in row and "12,445,270" in row


def test_a_payment_only_denied_is_a_denial_marker_not_a_band(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "flows", data)
    with open(data / "flows.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write("f-denied,2004,gov-b,kid,,ransom,9000000,,,USD,,,denied,3,src-a,¶9,\n")
    page = _page(flow_diagram(load_dataset(data), tmp_path / "d.html", base_year=2024))
    assert _band(page, "f-denied") is None
    (row,) = page.select('ul.denials li[data-claim="f-denied"]')
    assert row.get_text().startswith("ransom (about US$9M): ")
    assert "✕ under the picture" in page.select_one("ul.notes").get_text()


def test_a_band_s_colour_is_no_actor_type_s():
    # Nodes are coloured by actor type, bands by status: no colour may say both.
    from sahel_nb.flows.diagram import STATUS_COLOURS
    from sahel_nb.styles import ACTOR_STYLES, UNKNOWN_STYLE

    def rgb(code):
        return [int(code[i : i + 2], 16) for i in (1, 3, 5)]

    types = [colour for colour, _ in (*ACTOR_STYLES.values(), UNKNOWN_STYLE)]
    for status, colour in STATUS_COLOURS.items():
        for other in types:
            distance = sum((a - b) ** 2 for a, b in zip(rgb(colour), rgb(other), strict=True))
            assert distance**0.5 > 50, (status, colour, other)
