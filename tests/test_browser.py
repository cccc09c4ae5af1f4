"""Generated pages in a real headless Chromium, offline: every non-file:// request is blocked."""

import importlib.util
from pathlib import Path

import pytest

from sahel_nb import load_dataset
from sahel_nb.network import build_graph, ego_graph, to_pyvis

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "network"
BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


class OfflinePage:
    """A page that records console errors, script dialogs and blocked requests."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def open(self, path: Path, timeout: float = 60_000, ready="body[data-stabilized=true]"):
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector(ready, timeout=timeout, state="attached")
        return self.page

    def clean(self) -> bool:
        return not (self.errors or self.blocked or self.dialogs)


def test_network_page_draws_offline_and_shows_hostile_strings_as_text(browser, tmp_path):
    path = to_pyvis(build_graph(load_dataset(FIXTURE)), tmp_path / "net.html")
    offline = OfflinePage(browser)
    page = offline.open(path)
    assert page.evaluate("nodes.length") == 5
    assert page.evaluate("edges.length") == 7
    # Hover the hostile node: its tooltip is text, and nothing ran.
    point = page.evaluate("network.canvasToDOM(network.getPositions(['x']).x)")
    box = page.query_selector("#network").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = page.wait_for_selector(".vis-tooltip .tooltip-text")
    assert tooltip.inner_text().startswith("<img src=x onerror=alert(1)>")
    assert tooltip.query_selector("img, script") is None
    page.screenshot(path=tmp_path / "network.png")
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_curated_ego_network_of_belmokhtar(browser, tmp_path):
    graph = ego_graph(build_graph(load_dataset(), end="2006"), "belmokhtar")
    offline = OfflinePage(browser)
    page = offline.open(to_pyvis(graph, tmp_path / "belmokhtar.html"))
    ids = sorted(page.evaluate("nodes.getIds()"))
    assert ids == sorted(graph.nodes)
    page.screenshot(path=tmp_path / "belmokhtar.png")
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


# Every shown name's box as vis-network drew it (its own measure, moved by vadjust),
# every actor's box, and the legend's and drawing's boxes on the page.
_LABEL_BOXES = """() => {
  const shown = [], bodies = [];
  for (const id of nodes.getIds()) {
    const n = network.body.nodes[id], s = n.labelModule.size, dy = n.options.font.vadjust || 0;
    const half = Math.max(n.shape.height || 0, n.shape.width || 0) / 2;
    bodies.push([id, n.x - half, n.y - half, n.x + half, n.y + half]);
    if (labelPlacement[id] !== "hover") {
      shown.push([id, s.left, s.top + dy, s.left + s.width, s.top + dy + s.height]);
    }
  }
  return {shown, bodies, placement: labelPlacement};
}"""


def _overlap(a, b) -> bool:
    return a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]


@pytest.mark.parametrize("window", [{}, {"end": "2006"}])
def test_network_names_never_overlap_and_the_legend_is_beside_the_drawing(
    browser, tmp_path, window
):
    graph = build_graph(load_dataset(), **window)
    offline = OfflinePage(browser)
    page = offline.open(to_pyvis(graph, tmp_path / "net.html"))
    found = page.evaluate(_LABEL_BOXES)
    shown = found["shown"]
    assert len(shown) >= 0.8 * graph.number_of_nodes()  # most names find room
    for at, one in enumerate(shown):
        for other in shown[at + 1 :]:
            assert not _overlap(one, other), (one, other)
        for body in found["bodies"]:
            assert body[0] == one[0] or not _overlap(one, body), (one, body)
    # A name with no room is there on hover, and the tooltip names the actor anyway.
    hidden = [i for i, where in found["placement"].items() if where == "hover"]
    for actor in hidden:
        assert page.evaluate(f"nodes.get({actor!r}).label") == " "
    legend = page.locator("#legend").bounding_box()
    drawing = page.locator("#network").bounding_box()
    assert legend["x"] >= drawing["x"] + drawing["width"], (legend, drawing)
    assert "Structural ties" in page.locator("#legend").inner_text()
    page.screenshot(path=tmp_path / "net.png")
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_the_key_actors_view_names_every_actor_the_analysts_first(browser, tmp_path):
    from sahel_nb.network import actor_metrics, key_actor_graph, key_actors

    graph = build_graph(load_dataset())
    # The analyst's own pick first; the whole graph's names compete, theirs placed first.
    graph.graph["key_actors"] = ("gspc",)
    keys = key_actors(actor_metrics(graph), chosen=["gspc"])
    offline = OfflinePage(browser)
    whole = offline.open(to_pyvis(graph, tmp_path / "net.html")).evaluate(_LABEL_BOXES)
    assert whole["placement"]["gspc"] != "hover"
    page = offline.open(to_pyvis(key_actor_graph(graph, keys), tmp_path / "key.html"))
    found = page.evaluate(_LABEL_BOXES)
    assert sorted(found["placement"]) == sorted(keys.index)
    assert "hover" not in found["placement"].values()  # room for every name
    for at, one in enumerate(found["shown"]):
        for other in found["shown"][at + 1 :]:
            assert not _overlap(one, other), (one, other)
    tooltip = page.evaluate("nodes.get('gspc').title.textContent")
    assert "key actor: chosen by the analyst" in str(tooltip)
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def _bench_load():
    spec = importlib.util.spec_from_file_location("bench_load", BENCHMARKS / "bench_load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_two_thousand_actors_settle_and_stop(browser, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _bench_load().generate(data_dir, events=10, actors=2000, relationships=10_000, flows=10)
    graph = build_graph(load_dataset(data_dir))
    offline = OfflinePage(browser)
    page = offline.open(to_pyvis(graph, tmp_path / "big.html"), timeout=300_000)
    assert page.evaluate("nodes.length") == graph.number_of_nodes() > 1900
    assert page.evaluate("network.physics.physicsEnabled") is False
    page.screenshot(path=tmp_path / "big.png")
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_sankey_draws_every_band_and_node_offline_and_hostile_names_stay_text(browser, tmp_path):
    from sahel_nb.flows import flow_diagram

    # The report fixture: a payer named <script>alert(1)</script>, a ranged ransom through a
    # go-between, a share of it, and goods of unknown amount.
    data = load_dataset(REPORT_FIXTURE)
    offline = OfflinePage(browser)
    page = offline.open(
        flow_diagram(data, tmp_path / "flows.html", base_year=2024), ready="#sankey"
    )
    claims = page.locator("g.band").evaluate_all("gs => gs.map(g => g.dataset.claim)")
    assert sorted(claims) == ["f-alleged", "f-reported", "f-share", "f-supplies"]
    # Every band and node is painted: each shape has a visible box on the page.
    for shape in ("g.band path", "g.node rect"):
        boxes = page.locator(shape).evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })"
        )
        assert boxes and all(w > 0 and h > 0 for w, h in boxes), (shape, boxes)
    assert page.locator("g.node").count() == 5  # two payers, a go-between, a payee, a share
    # The share is drawn inside its ransom's group, leaving from the ransom's end.
    assert (
        page.locator('g.band[data-claim="f-alleged"] > g.band[data-claim="f-share"]').count() == 1
    )
    labels = page.locator("g.node text").all_text_contents()
    assert "<script>alert(1)</script>" in labels
    assert page.locator("script").count() == 0 and page.locator("svg img").count() == 0
    hover = page.locator('g.band[data-claim="f-supplies"] > title').text_content()
    assert hover.startswith("supplies in kind: <script>alert(1)</script> →")
    page.screenshot(path=tmp_path / "flows.png", full_page=True)
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


REPORT_FIXTURE = Path(__file__).parent / "fixtures" / "report"


def test_the_contested_ransom_is_painted_hatched_with_a_denial_marker_and_a_rounded_label(
    browser, tmp_path
):
    from sahel_nb.flows import flow_diagram

    offline = OfflinePage(browser)
    page = offline.open(
        flow_diagram(load_dataset(), tmp_path / "flows.html", base_year=2024), ready="#sankey"
    )
    band = 'g.band[data-claim="c-2003-german-ransom"]'
    painted = page.locator(f"{band} > path").evaluate_all(
        """ps => ps.map(p => { const s = getComputedStyle(p), r = p.getBoundingClientRect();
               return [s.fill, s.stroke, s.strokeWidth, r.width, r.height]; })"""
    )
    assert painted
    for fill, stroke, width, w, h in painted:
        assert fill.startswith("url("), fill  # a pattern, never a flat colour
        assert stroke.startswith("rgb(") and float(width.removesuffix("px")) >= 1
        assert w > 0 and h > 0
    # The pattern it points at is hatching: lines over a pale ground.
    pattern = painted[0][0].split("#")[1].split('"')[0].rstrip(")")
    assert page.locator(f"pattern#{pattern} line").count() == 1
    mark = page.locator('g.denial[data-claim="c-2003-german-ransom"]')
    assert mark.bounding_box()["width"] > 0
    assert (
        mark.locator("title")
        .text_content()
        .startswith("denied by Amadou Baba Touré (in BBC News 2003")
    )
    label = page.locator('text.amount[data-claim="c-2003-german-ransom"]')
    assert label.text_content().startswith("about €") and label.bounding_box()["width"] > 0
    page.screenshot(path=tmp_path / "flows.png", full_page=True)
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_timeline_draws_spans_offline_and_hostile_strings_stay_text(browser, tmp_path):
    from sahel_nb.timeline import event_table, timeline_page

    offline = OfflinePage(browser)
    events = event_table(load_dataset(REPORT_FIXTURE))
    page = offline.open(timeline_page(events, tmp_path / "t.html"), ready="#timeline")
    assert page.locator("#timeline g.event rect").count() == 4  # the four dated events
    # A year-long bar is drawn about twelve times as wide as a month-long one.
    year = page.locator('g[data-event-id="e-kidnap"] rect').bounding_box()["width"]
    month = page.locator('g[data-event-id="e-kidnap2"] rect').bounding_box()["width"]
    assert 11 < year / month < 13
    label = page.locator('g[data-event-id="e-kidnap"] title').text_content()
    assert "<script>alert(1)</script>" in label
    assert page.locator("main script, main img").count() == 0
    page.screenshot(path=tmp_path / "timeline.png")
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_map_draws_outlines_and_located_events_offline(browser, tmp_path):
    from sahel_nb.timeline import event_table, map_page

    offline = OfflinePage(browser)
    events = event_table(load_dataset(REPORT_FIXTURE))
    page = offline.open(map_page(events, tmp_path / "m.html"), ready="#map")
    assert page.locator("#map path.country").count() >= 20
    assert page.locator("#map circle.event").count() == 2
    hover = page.locator('circle[data-event-id="e-kidnap"] title').text_content()
    assert "source: src-a ¶3" in hover
    page.screenshot(path=tmp_path / "map.png")
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


@pytest.fixture(scope="module")
def published_report(tmp_path_factory):
    """One real report run (three notebooks) into a temporary reports folder."""
    from sahel_nb.report import check_runs, load_config, run_reports

    runs, notebooks = load_config(Path(__file__).parents[1] / "reports.yml")
    wanted = {"situation_report", "event_timeline", "ransom_flows", "belmokhtar_to_2006"}
    runs = check_runs([r for r in runs if r.name in wanted], notebooks)
    out = tmp_path_factory.mktemp("reports")
    return run_reports(runs, notebooks, out=out, jobs=2, log=lambda line: None)


@pytest.mark.notebook
def test_every_page_of_a_published_report_opens_offline(browser, published_report, tmp_path):
    pages = sorted(published_report.rglob("*.html"))
    assert len(pages) >= 9  # index, four notebook pages, graph, diagram, timeline, map, report
    for path in pages:
        offline = OfflinePage(browser)
        ready = (
            "body[data-stabilized=true]" if path.name in {"network.html", "flows.html"} else "body"
        )
        page = offline.open(path, ready=ready)
        page.wait_for_load_state("load")  # iframes included
        name = path.relative_to(published_report).as_posix().replace("/", "__")
        page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
        assert offline.clean(), (path, offline.errors, offline.blocked, offline.dialogs)
        offline.page.close()
    index = OfflinePage(browser).open(published_report / "index.html", ready="body")
    for link in index.locator("a[href]").evaluate_all("links => links.map(a => a.href)"):
        assert Path(link.removeprefix("file://")).is_file(), link


@pytest.mark.notebook
def test_situation_report_page_shows_footnoted_figures(browser, published_report):
    offline = OfflinePage(browser)
    page = offline.open(
        published_report / "situation_report" / "situation_report.html", ready="body"
    )
    text = page.locator("body").inner_text()
    # One payment with its reports side by side, the denial beside them; never a sum.
    # Guitta's and AFP's figures are echoes (no teller): listed, never in the range (H2).
    assert (
        "about US$7.3 million per Guitta 2010 ¶6 (alleged, in 2010 money; names no teller, so "
        "not in the range); about €5 million per"
    ) in text
    assert "denied by Amadou Baba Touré (in BBC News 2003 ¶6, ¶8)" in text
    assert "over 1 payment reported 5 times, each payment counted once" in text
    notes = page.locator("ol.notes li")
    assert notes.count() >= 10
    # Every footnote mark links to a note on the page.
    for href in page.locator("sup a").evaluate_all(
        "marks => marks.map(a => a.getAttribute('href'))"
    ):
        assert page.locator(href).count() == 1
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)


def test_claims_page_draws_who_told_it_first_offline_and_hostile_names_stay_text(browser, tmp_path):
    import shutil

    import pandas as pd

    from sahel_nb.claims import claims_page

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parent / "fixtures" / "claims", data)
    flows = pd.read_csv(data / "flows.csv", dtype=str, keep_default_na=False)
    hostile = "<img src=x onerror=alert(1)> officials"
    for column in ("speaker", "told", "interest"):
        flows[column] = ""
    radio = flows["flow_id"] == "fl-ransom-radio"
    flows.loc[radio, ["speaker", "told", "interest"]] = [hostile, "interview", "participant"]
    flows.loc[flows["flow_id"] == "fl-ransom-col", "told"] = "unattributed"
    flows.to_csv(data / "flows.csv", index=False)
    path = claims_page(load_dataset(data), tmp_path / "claims.html")
    offline = OfflinePage(browser)
    page = offline.open(path, ready="svg.chain")
    chain = page.query_selector("#c-ransom svg.chain")
    text = chain.text_content()
    assert hostile in text  # the teller's words, as text
    assert "interested: took part in what it tells" in text
    assert "no teller named" in text and "denies" in text and "alleges" in text
    assert page.query_selector("#c-ransom svg.chain img") is None
    box = chain.bounding_box()
    assert box["width"] > 300 and box["height"] > 60
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)
