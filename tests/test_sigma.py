"""Big graphs drawn whole: the WebGL (sigma.js) page, offline, escaped and deterministic."""

import importlib.util
import json
import re
from pathlib import Path

import pytest
from test_browser import OfflinePage

from sahel_nb import load_dataset
from sahel_nb.network import (
    SIGMA_NODES,
    _edge_details,
    _edge_tooltip,
    _period,
    build_graph,
    to_pyvis,
)

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"
FIXTURE = Path(__file__).parent / "fixtures" / "network"

NODES, TIES = 3_500, 10_000
HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_ALIAS = '"></title><img src=x onerror=alert(2)>'
COMMENT_TRAP = "<!--<script>"  # would make the parser swallow the real </script>
HOSTILE_TYPE = "<b>type</b>"
HOSTILE_TITLE = "</title><script>alert(3)</script>"


def _synthetic_graph(nodes: int, ties: int):
    spec = importlib.util.spec_from_file_location("bench_page", BENCHMARKS / "bench_page.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_graph(nodes, ties)


#: Derived ties as build_graph makes them, with locators and notes full of
#: numbers (leading zeros, commas, past 2**53) and strings that must stay text.
DERIVED = [
    ("row 7", "derived: named together in 1 event (acled-SYN0012)", "2003-08~", "2003-08~"),
    ("rows 96, 196, 345–350 and 6,059 more", "derived: named together in 6,065 events "
     "(acled-MLI1, acled-MLI10, acled-MLI100 …)", "1996-12-29/1997-01-04", "2024-12"),
    ("row 123456789012345678901", f"derived: {HOSTILE_NAME} 0 00 007 9007199254740993", "", ""),
    (COMMENT_TRAP, "", "2001", ""),
]  # fmt: skip
DERIVED_TIES = len(DERIVED)


@pytest.fixture(scope="module")
def big_graph():
    graph = _synthetic_graph(NODES, TIES)
    first, second = sorted(graph)[:2]
    graph.nodes[first].update(name=HOSTILE_NAME, aliases=[HOSTILE_ALIAS, COMMENT_TRAP])
    graph.nodes[second].update(name=COMMENT_TRAP, actor_type=HOSTILE_TYPE)
    for number, (locator, note, start, end) in enumerate(DERIVED):
        key = f"co:{first}:{number}"
        graph.add_edge(first, sorted(graph)[-1 - number], key=key, relationship_id=key,
                       kind="co-occurrence", sign="neutral", structural=False, directed=False,
                       start=start, end=end, status="reported", credibility=3,
                       source_id=f"acled-{number}a6a2801d", locator=locator, note=note,
                       derived=True, events=number + 1)  # fmt: skip
    return graph


def _hover_texts(data: dict) -> list[tuple[int, int, str]]:
    """Each tie's ends and hover text below its first line, rebuilt as the page's script does."""
    ties, out, at, source = data["ties"], [], 0, 0
    for i, shape in enumerate(data["ties"]["shape"]):
        _, _, _, kind, status, cite, locator, note = data["shapes"][shape]
        source += ties["source"][i]

        def fill(template):
            nonlocal at
            pieces = data["templates"][template]
            text = pieces[0]
            for piece in pieces[1:]:
                text += str(ties["numbers"][at]) + piece
                at += 1
            return text

        start = data["dates"][ties["start"][i]]
        end = data["dates"][ties["start"][i] + ties["end"][i]]
        lines = [data["strings"][kind], _period(start, end), data["strings"][status]]
        lines.append(data["strings"][cite] + fill(locator))
        if note >= 0:
            lines.append(fill(note))
        out.append((source, ties["target"][i], "\n".join(lines)))
    assert at == len(ties["numbers"])
    return out


def _json_block(page: str) -> str:
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S)
    assert match, "no graph data block"
    return match.group(1)


def test_big_graph_page_is_sigma_offline_escaped_and_deterministic(big_graph, tmp_path):
    assert big_graph.number_of_nodes() > SIGMA_NODES
    # max_ties caps the vis-network page only: the WebGL page draws every tie.
    first = to_pyvis(big_graph, tmp_path / "a.html", title=HOSTILE_TITLE, max_ties=100)
    second = to_pyvis(big_graph, tmp_path / "b.html", title=HOSTILE_TITLE, max_ties=100)
    assert first.read_bytes() == second.read_bytes()
    page = first.read_text(encoding="utf-8")
    assert "vis.Network" not in page and "new Sigma(" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "sourceMappingURL" not in page
    block = _json_block(page)
    assert "</" not in block and "<!--" not in block and "<" not in block
    data = json.loads(block)
    assert len(data["nodes"]) == NODES and len(data["ties"]["shape"]) == TIES + DERIVED_TIES
    labels = {row[0]: row[1] for row in data["nodes"]}
    assert labels[sorted(big_graph)[0]] == HOSTILE_NAME
    assert "3,500 actors, 10,004 relationships; drawn whole with WebGL" in page
    # Every tie's hover text comes back whole from the page's columns, and no
    # tie's text is stored twice: what most ties share is stored once.
    nodes = sorted(big_graph)
    for source, target, text in _hover_texts(data):
        ties = big_graph.get_edge_data(nodes[source], nodes[target]).values()
        assert text in {_edge_details(tie) for tie in ties}
    assert len(data["strings"]) + len(data["templates"]) < TIES / 10
    # Title, summary and legend are escaped HTML.
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(3)&lt;/script&gt;</title>" in page
    assert "&lt;b&gt;type&lt;/b&gt;" in page and HOSTILE_TYPE not in page
    assert page.count("<script") == 4  # the data block, graphology, sigma, the page's own


def test_small_graph_keeps_the_vis_network_page(tmp_path):
    page = to_pyvis(build_graph(load_dataset(FIXTURE)), tmp_path / "small.html")
    text = page.read_text(encoding="utf-8")
    assert "vis.Network" in text and "new Sigma(" not in text


@pytest.mark.browser
def test_big_graph_drawn_whole_offline_and_hostile_strings_stay_text(browser, big_graph, tmp_path):
    path = to_pyvis(big_graph, tmp_path / "big.html", title=HOSTILE_TITLE)
    offline = OfflinePage(browser)
    page = offline.open(path, timeout=120_000)
    assert page.evaluate("typeof vis") == "undefined"
    assert page.evaluate("window.renderer instanceof Sigma")
    assert page.evaluate("graph.order") == big_graph.number_of_nodes() == NODES
    assert page.evaluate("graph.size") == big_graph.number_of_edges() == TIES + DERIVED_TIES
    # Sigma displays every node (none hidden or dropped).
    shown = "graph.filterNodes(n => !(renderer.getNodeDisplayData(n) || {hidden: true}).hidden)"
    assert len(page.evaluate(shown)) == NODES
    hostile, trap = sorted(big_graph)[:2]
    assert page.evaluate("id => graph.getNodeAttribute(id, 'label')", hostile) == HOSTILE_NAME
    assert page.evaluate("id => graph.getNodeAttribute(id, 'label')", trap) == COMMENT_TRAP
    assert page.title() == HOSTILE_TITLE
    # Each tie's hover text, built in the page, is the small page's: its two
    # actors first, then its details; every tie, derived ones included.
    hovers = page.evaluate(
        "graph.edges().map(e => [graph.source(e), graph.target(e), tieHover(e)])"
    )
    assert len(hovers) == TIES + DERIVED_TIES
    for u, v, hover in hovers:
        ties = big_graph.get_edge_data(u, v).values()
        assert hover in {_edge_tooltip(big_graph, u, v, data) for data in ties}
    assert sum(hover.startswith(HOSTILE_NAME + " ") for *_, hover in hovers) > DERIVED_TIES
    assert page.locator("#legend").inner_text().count(HOSTILE_TYPE) == 1
    # Nothing was injected: the page's own four scripts, no image anywhere.
    assert page.locator("script").count() == 4
    assert page.locator("img").count() == 0
    # Zoom onto the hostile node and hover it: its hover text is text.
    page.evaluate(
        """id => {
          const d = renderer.getNodeDisplayData(id);
          renderer.getCamera().setState({x: d.x, y: d.y, ratio: 0.02, angle: 0});
          renderer.refresh();
        }""",
        hostile,
    )
    point = page.evaluate("id => renderer.graphToViewport(graph.getNodeAttributes(id))", hostile)
    box = page.locator("#network").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = page.locator("#tooltip")
    tooltip.wait_for(state="visible")
    text = tooltip.text_content()
    assert text.startswith(HOSTILE_NAME) and HOSTILE_ALIAS in text
    assert page.evaluate("document.getElementById('tooltip').children.length") == 0
    assert page.locator("img").count() == 0
    page.screenshot(path=tmp_path / "big.png")
    assert offline.clean(), (offline.errors, offline.blocked, offline.dialogs)
