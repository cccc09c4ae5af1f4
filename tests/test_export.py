"""sahel_nb.export: GEXF 1.3 and GraphML files that Gephi and networkx read back as written.

The published GEXF 1.3 XSD does not compile (gephi/gexf#19: gexf.xsd names
graph-content, node-content and edge-content as types that dynamics.xsd only
defines as attribute groups), so these tests check the structure the GEXF
1.3 specification gives, element by element, instead of validating.
"""

import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from sahel_nb import load_dataset
from sahel_nb.export import (
    EDGE_ATTRIBUTES,
    NODE_ATTRIBUTES,
    write_gexf,
    write_graphml,
)
from sahel_nb.network import build_graph
from sahel_nb.schema import STRUCTURAL_KINDS

FIXTURE = Path(__file__).parent / "fixtures" / "network"
GEXF = "{http://gexf.net/1.3}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
HOSTILE = '<script>alert("x")</script> & \'quotes\' "too"'


def _tie(**data) -> dict:
    tie = {
        "kind": "alliance/cooperation",
        "sign": "cooperative",
        "directed": False,
        "start": "",
        "end": "",
        "status": "reported",
        "credibility": 2,
        "source_id": "src",
        "locator": "¶1",
        "derived": False,
        "claim_id": "c",
        "reports": 1,
        "origins": 1,
        "agreement": "single source",
        "cited": "src ¶1",
    }
    return {**tie, **data}


def _dated_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(window=("", ""))
    for actor in "abc":
        graph.add_node(
            actor, name=f"Actor {actor.upper()}", actor_type="tribe", country="MLI",
            aliases=[f"{actor}1", f"{actor}2"], unnamed=False,
        )  # fmt: skip
    spans = {
        "undated": ("", ""),
        "open": ("2003", ""),
        "closed-by-end-only": ("", "2009-06-10"),
        "edtf-interval": ("2006-09/2006-10", "2006-09/2006-10"),
        "approximate": ("2003~", "2004-02"),
        "leap": ("2008-02", "2008-02"),
        "decade": ("199X", "199X"),
        "not-a-date": ("March 2003", "2003-02-30"),
    }
    for key, (start, end) in spans.items():
        graph.add_edge("a", "b", key=key, **_tie(start=start, end=end, claim_id=f"c-{key}"))
    graph.add_edge(
        "b", "c", key="co:b:c", kind="co-occurrence", sign="neutral", directed=False,
        start="2009-01-22", end="2009-05", status="reported", credibility=3, source_id="acled",
        locator="row 7", note="derived", derived=True, events=4,
    )  # fmt: skip
    return graph


def _hostile_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node(
        'x"<&>', name=HOSTILE + "\tand\na line\r\x01\x0b\x1f\ufffe", actor_type="<b>",
        country="&amp;", aliases=["]]>", "<!-- -->"], unnamed=True,
    )  # fmt: skip
    graph.add_node("y", name="Plain", actor_type="state", country="", aliases=[], unnamed=False)
    graph.add_edge('x"<&>', "y", key='k"<&>\x02', **_tie(kind="rivalry", cited=HOSTILE + "\x00"))
    return graph


def _written(graph, tmp_path, name="net"):
    return write_gexf(graph, tmp_path / f"{name}.gexf"), write_graphml(
        graph, tmp_path / f"{name}.graphml"
    )


def _edges_by_id(path: Path, namespace: str) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    return {edge.get("id"): edge for edge in root.iter(f"{namespace}edge")}


# What networkx reads back.


@pytest.mark.parametrize("derived", [False, True])
@pytest.mark.parametrize("folder", [FIXTURE, None], ids=["fixture", "curated"])
def test_networkx_reads_back_the_same_nodes_edges_and_labels(tmp_path, folder, derived):
    graph = build_graph(load_dataset(folder), derived=derived)
    gexf, graphml = _written(graph, tmp_path)
    for read in (nx.read_gexf(gexf), nx.read_graphml(graphml)):
        assert sorted(read.nodes) == sorted(graph.nodes)
        assert read.number_of_edges() == graph.number_of_edges()
        assert {n: read.nodes[n]["label"] for n in read} == dict(graph.nodes(data="name"))
        for u, v, key, data in graph.edges(keys=True, data=True):
            back = read.edges[u, v, key]
            assert (back["kind"], back["sign"], back["derived"]) == (
                data["kind"],
                data["sign"],
                data["derived"],
            )
            assert back["credibility"] == data["credibility"]
            assert back["weight"] == data.get("origins", 1)
            assert back["source"] == data.get("cited", f"{data['source_id']} {data['locator']}")


def test_node_attributes_are_typed_and_aliases_joined(tmp_path):
    gexf, graphml = _written(build_graph(load_dataset(FIXTURE)), tmp_path)
    for read in (nx.read_gexf(gexf), nx.read_graphml(graphml)):
        assert read.nodes["a"]["aliases"] == "Alpha|The Alphas"
        assert read.nodes["a"]["actor_type"] == "armed group"
        assert read.nodes["a"]["unnamed"] is False
        assert read.nodes["x"]["label"] == "<img src=x onerror=alert(1)>"
    assert nx.read_gexf(gexf).nodes["c"]["country"] == ""  # present, empty


def test_hostile_strings_round_trip_as_text(tmp_path):
    gexf, graphml = _written(_hostile_graph(), tmp_path)
    name = HOSTILE + "\tand\na line\r"  # control characters XML forbids are dropped
    for read in (nx.read_gexf(gexf), nx.read_graphml(graphml)):
        node = read.nodes['x"<&>']
        assert (node["label"], node["actor_type"], node["country"]) == (name, "<b>", "&amp;")
        assert node["aliases"] == "]]>|<!-- -->"
        ((u, v, data),) = read.edges(data=True)  # one tie: GraphML reads a DiGraph
        assert (u, v, data["id"]) == ('x"<&>', "y", 'k"<&>')
        assert data["source"] == HOSTILE
    text = gexf.read_text(encoding="utf-8")
    assert "<script>" not in text and "\x01" not in text and "\ufffe" not in text


# Dates: Gephi's time intervals.


def test_edges_carry_the_first_and_last_day_of_their_span(tmp_path):
    gexf, graphml = _written(_dated_graph(), tmp_path)
    expected = {
        "undated": {},
        "open": {"start": "2003-01-01"},
        "closed-by-end-only": {"end": "2009-06-10"},
        "edtf-interval": {"start": "2006-09-01", "end": "2006-10-31"},
        "approximate": {"start": "2003-01-01", "end": "2004-02-29"},
        "leap": {"start": "2008-02-01", "end": "2008-02-29"},
        "decade": {"start": "1990-01-01", "end": "1999-12-31"},
        "not-a-date": {},
        "co:b:c": {"start": "2009-01-22", "end": "2009-05-31"},
    }
    edges = _edges_by_id(gexf, GEXF)
    assert {key: {k: v for k, v in e.attrib.items() if k in {"start", "end"}} for key, e in edges.items()} == expected  # fmt: skip
    graph = ET.parse(gexf).getroot().find(f"{GEXF}graph")
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    read = nx.read_graphml(graphml)
    assert {
        key: {k: d[k] for k in ("start", "end") if k in d}
        for _, _, key, d in read.edges(keys=True, data=True)
    } == expected
    # Undated ties carry no start or end data at all, not empty ones.
    undated = _edges_by_id(graphml, GRAPHML)["undated"]
    assert not [d for d in undated if d.get("key") in {"e_start", "e_end"}]


def test_an_undated_graph_is_static(tmp_path):
    graph = build_graph(load_dataset(FIXTURE))
    for _, _, data in graph.edges(data=True):
        data["start"] = data["end"] = ""
    gexf, _ = _written(graph, tmp_path)
    element = ET.parse(gexf).getroot().find(f"{GEXF}graph")
    assert element.get("mode") == "static" and element.get("timeformat") is None
    assert not any(e.get("start") or e.get("end") for e in _edges_by_id(gexf, GEXF).values())


def test_fixture_dates_and_weights(tmp_path):
    gexf, _ = _written(build_graph(load_dataset(FIXTURE)), tmp_path)
    edges = _edges_by_id(gexf, GEXF)
    assert (edges["r1"].get("start"), edges["r1"].get("end")) == ("2003-01-01", "2006-02-28")
    assert (edges["r2"].get("start"), edges["r2"].get("end")) == ("2006-03-01", None)
    assert "start" not in edges["r3"].attrib and "end" not in edges["r3"].attrib
    assert edges["r1"].get("label") == "alliance/cooperation" and edges["r1"].get("weight") == "1"


def test_derived_ties_weigh_one_and_count_their_events(tmp_path):
    gexf, graphml = _written(_dated_graph(), tmp_path)
    for read in (nx.read_gexf(gexf), nx.read_graphml(graphml)):
        data = read.edges["b", "c", "co:b:c"]
        assert data["weight"] == 1 and data["events"] == 4 and data["derived"] is True
        assert data["source"] == "acled row 7" and "claim_id" not in data


# The GEXF 1.3 structure (what the specification's schema would check).

_GEXF_TYPES = {"integer", "long", "double", "float", "boolean", "string", "liststring", "anyURI"}
_ALLOWED = {
    "node": {"id", "label"},
    "edge": {"id", "source", "target", "label", "weight", "start", "end"},
    "attvalue": {"for", "value"},
}


def _check_gexf_structure(path: Path) -> None:
    root = ET.parse(path).getroot()
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    assert [child.tag for child in root] == [f"{GEXF}meta", f"{GEXF}graph"]
    graph = root.find(f"{GEXF}graph")
    assert graph.get("defaultedgetype") in {"directed", "undirected", "mutual"}
    assert graph.get("mode") in {"static", "dynamic"}
    tags = [child.tag.removeprefix(GEXF) for child in graph]
    assert tags == ["attributes", "attributes", "nodes", "edges"]
    declared = {}
    for attributes in graph.findall(f"{GEXF}attributes"):
        kind = attributes.get("class")
        assert kind in {"node", "edge"}
        for attribute in attributes:
            assert attribute.get("type") in _GEXF_TYPES and attribute.get("title")
            declared[kind, attribute.get("id")] = attribute.get("type")
    nodes = graph.find(f"{GEXF}nodes").findall(f"{GEXF}node")
    edges = graph.find(f"{GEXF}edges").findall(f"{GEXF}edge")
    assert int(graph.find(f"{GEXF}nodes").get("count")) == len(nodes)
    assert int(graph.find(f"{GEXF}edges").get("count")) == len(edges)
    ids = [node.get("id") for node in nodes]
    assert len(set(ids)) == len(ids) and ids == sorted(ids)
    edge_ids = [edge.get("id") for edge in edges]
    assert len(set(edge_ids)) == len(edge_ids)
    dated = False
    for kind, elements in (("node", nodes), ("edge", edges)):
        for element in elements:
            assert set(element.attrib) <= _ALLOWED[kind]
            assert [c.tag for c in element] == [f"{GEXF}attvalues"]
            for value in element.find(f"{GEXF}attvalues"):
                assert value.tag == f"{GEXF}attvalue" and set(value.attrib) == _ALLOWED["attvalue"]
                type_ = declared[kind, value.get("for")]
                if type_ == "integer":
                    int(value.get("value"))
                elif type_ == "boolean":
                    assert value.get("value") in {"true", "false"}
            if kind == "edge":
                assert element.get("source") in set(ids) and element.get("target") in set(ids)
                float(element.get("weight"))
                days = [element.get(end) for end in ("start", "end") if element.get(end)]
                for day in days:
                    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)
                    date.fromisoformat(day)
                assert days == sorted(days)
                dated |= bool(days)
    assert (graph.get("mode"), graph.get("timeformat")) == (
        ("dynamic", "date") if dated else ("static", None)
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: build_graph(load_dataset(FIXTURE)),
        lambda: build_graph(load_dataset(), derived=True),
        _dated_graph,
        _hostile_graph,
        nx.MultiDiGraph,
    ],
    ids=["fixture", "curated-derived", "dated", "hostile", "empty"],
)
def test_gexf_follows_the_1_3_structure(tmp_path, make):
    gexf, graphml = _written(make(), tmp_path)
    _check_gexf_structure(gexf)
    assert nx.read_graphml(graphml).number_of_nodes() == make().number_of_nodes()


def test_declarations_are_typed(tmp_path):
    _, graphml = _written(_dated_graph(), tmp_path)
    root = ET.parse(graphml).getroot()
    keys = {
        (k.get("for"), k.get("attr.name")): k.get("attr.type") for k in root.iter(f"{GRAPHML}key")
    }
    assert keys["node", "label"] == "string" and keys["node", "unnamed"] == "boolean"
    assert keys["edge", "credibility"] == "int" and keys["edge", "derived"] == "boolean"
    assert keys["edge", "start"] == keys["edge", "end"] == "string"
    assert {name for kind, name in keys if kind == "edge"} == {
        *EDGE_ATTRIBUTES,
        "weight",
        "start",
        "end",
    }
    assert {name for kind, name in keys if kind == "node"} == {"label", *NODE_ATTRIBUTES}


def test_files_do_not_depend_on_insertion_order(tmp_path):
    graph = build_graph(load_dataset(), derived=True)
    shuffled = nx.MultiDiGraph(**graph.graph)
    shuffled.add_nodes_from(reversed(list(graph.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(graph.edges(keys=True, data=True))))
    first, second = _written(graph, tmp_path, "a"), _written(shuffled, tmp_path, "b")
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes()


def test_simple_graphs_get_numbered_edge_ids(tmp_path):
    graph = nx.Graph()
    graph.add_node("p", name="P")
    graph.add_node("q", name="Q")
    graph.add_edge("q", "p", kind="rivalry")
    gexf, graphml = _written(graph, tmp_path)
    assert list(_edges_by_id(gexf, GEXF)) == ["0"]
    assert nx.read_graphml(graphml).number_of_edges() == 1


def test_the_ascii_check_finds_what_the_regular_expression_finds():
    from sahel_nb import export

    samples = [chr(c) for c in range(0x200)] + ["\ud800", "\ufffe", "\U0001f600", "\x7f"]
    samples += ["plain ascii", "row 12\x00row 13", "tab\there", "bell\x07", "é\x0b", "…\x00"]
    for text in samples:
        expected = export._FORBIDDEN_BUT_NUL.search(text) is not None
        assert export._forbidden_but_nul(text) == expected, repr(text)
        assert export._forbidden_but_nul("ok " + text + " ok") == expected, repr(text)


def test_a_structural_tie_is_flagged_in_both_files(tmp_path):
    # Its sign is the vocabulary's ("cooperative" for a membership); the flag
    # lets Gephi's users filter memberships out of their cooperation.
    graph = build_graph(load_dataset(FIXTURE))
    gexf, graphml = _written(graph, tmp_path)
    declared = ET.parse(gexf).getroot().iter(f"{GEXF}attribute")
    assert ("structural", "boolean") in {(a.get("title"), a.get("type")) for a in declared}
    read = nx.read_graphml(graphml)
    for _, _, data in read.edges(data=True):
        assert data["structural"] == (data["kind"] in STRUCTURAL_KINDS)
    assert any(data["structural"] for _, _, data in read.edges(data=True))
