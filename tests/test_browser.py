"""Generated pages in a real headless Chromium, offline: every non-file:// request is blocked."""

import importlib.util
import shutil
from pathlib import Path

import pytest

from sahel_nb import load_dataset
from sahel_nb.network import build_graph, ego_graph, to_pyvis

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FIXTURE = Path(__file__).parent / "fixtures" / "network"
BENCHMARKS = Path(__file__).parents[1] / "benchmarks"
ARGS = [
    "--no-sandbox",  # root in containers and CI
    "--disable-gpu",
    "--disable-background-networking",  # Chromium's own calls home would count as requests
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not found: install Debian's package (apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


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

    def open(self, path: Path, timeout: float = 60_000):
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("body[data-stabilized=true]", timeout=timeout)
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


def test_flow_diagram_draws_offline(browser, tmp_path):
    from sahel_nb.flows import flow_diagram

    data = load_dataset(Path(__file__).parent / "fixtures" / "flows")
    offline = OfflinePage(browser)
    page = offline.open(flow_diagram(data, tmp_path / "flows.html", base_year=2024))
    assert page.evaluate("edges.length") == 7  # one ransom runs through a go-between
    assert "<img" in page.evaluate("nodes.get('town').label")  # text, not an element
    assert page.query_selector("#network img") is None
    page.screenshot(path=tmp_path / "flows.png")
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)
