import dataclasses
import html
import json
import os
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sahel_nb import ParameterError, load_dataset
from sahel_nb.network import (
    actor_metrics,
    alliance_shifts,
    build_graph,
    edge_sources,
    edge_table,
    ego_graph,
    export_graph,
    to_pyvis,
)

FIXTURE = Path(__file__).parent / "fixtures" / "network"


@pytest.fixture(scope="module")
def data():
    return load_dataset(FIXTURE)


def _keys(graph) -> set[str]:
    return {key for _, _, key in graph.edges(keys=True)}


def test_whole_graph_keeps_every_relationship_and_only_tied_actors(data):
    graph = build_graph(data)
    assert _keys(graph) == {"r1", "r2", "r3", "r4", "r5", "r6", "r7"}
    assert "lonely" not in graph
    assert graph.nodes["a"]["aliases"] == ["Alpha", "The Alphas"]
    assert graph.nodes["a"]["country"] == "MLI" and graph.nodes["c"]["country"] == ""


def test_parallel_relationships_are_kept_not_merged(data):
    graph = build_graph(data)
    assert graph.number_of_edges("a", "b") == 3
    signs = {d["sign"] for d in graph.get_edge_data("a", "b").values()}
    assert signs == {"cooperative", "hostile"}


def test_edge_attributes(data):
    edge = build_graph(data).edges["a", "b", "r2"]
    assert edge == {
        "relationship_id": "r2",
        "kind": "hostility/armed conflict",
        "sign": "hostile",
        "structural": False,
        "directed": False,
        "start": "2006-03",
        "end": "",
        "status": "reported",
        "credibility": 3,
        "source_id": "src-n",
        "locator": "¶5",
        "note": "Parallel to r1 and r3.",
        "derived": False,
        "claim_id": "r2",
        "reports": 1,
        "origins": 1,
        "denials": 0,
        "agreement": "single source",
        "support": "reported by a single source",
        "cited": "src-n ¶5",
        "reported_as": "Network fixture 2010 ¶5: reported, credibility 3",
    }


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # r1 ends 2006-02, r2 starts 2006-03: the month boundary separates them.
        ("2006-02", "2006-02", {"r1", "r3"}),
        ("2006-03", "2006-03", {"r2", "r3"}),
        # A relationship dated 2006 overlaps a window ending 2006-03; r1 too.
        (None, "2006-03", {"r1", "r2", "r3", "r4", "r5"}),
        # A single day inside 2005: the day-dated r4 is out, the year-dated r5 in.
        ("2005-06-16", "2005-06-16", {"r1", "r3", "r5"}),
        ("2005-06-15", "2005-06-15", {"r1", "r3", "r4", "r5"}),
        # Open-ended r2 and r6 still run in 2020.
        ("2020", None, {"r2", "r3", "r6"}),
    ],
)
def test_window_counts_partial_dates_by_their_span(data, start, end, expected):
    assert _keys(build_graph(data, start=start, end=end)) == expected


def test_undated_relationships_can_be_left_out_of_a_window(data):
    assert "r3" not in _keys(build_graph(data, start="2020", undated=False))
    assert "r3" in _keys(build_graph(data, undated=False))  # no window: nothing to leave out


def test_credibility_filter_keeps_grade_six_only_when_asked(data):
    assert _keys(build_graph(data, credibility_at_least=2)) == {"r1", "r4", "r5"}
    assert "r6" not in _keys(build_graph(data, credibility_at_least=5))
    assert "r6" in _keys(build_graph(data, credibility_at_least=6))


def test_kind_and_status_filters(data):
    assert _keys(build_graph(data, kinds=["mediation"])) == {"r4", "r5"}
    assert _keys(build_graph(data, statuses="alleged")) == {"r3", "r6"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kinds": ["friendship"]}, "kinds: unknown 'friendship'"),
        ({"statuses": ["rumoured"]}, "statuses: unknown 'rumoured'"),
        ({"credibility_at_least": 7}, "credibility_at_least=7"),
        ({"end": "2006-13"}, "end='2006-13' is not a date"),
    ],
)
def test_bad_parameters_are_clear_errors(data, kwargs, message):
    with pytest.raises(ParameterError, match=message.replace("(", r"\(")):
        build_graph(data, **kwargs)


def test_ego_graph_follows_ties_both_ways(data):
    graph = build_graph(data)
    assert set(ego_graph(graph, "b")) == {"a", "b", "d"}
    assert set(ego_graph(graph, "b", hops=2)) == {"a", "b", "c", "d", "x"}
    assert ego_graph(graph, "b").graph["focus"] == "b"


def test_unknown_actor_suggests_ids_by_name_and_alias(data):
    graph = build_graph(data)
    with pytest.raises(ParameterError, match=r"did you mean 'a' \(Alpha Brigade\)"):
        ego_graph(graph, "The Alpha")
    with pytest.raises(ParameterError, match=r"'lonely' .* has no relationships in this selection"):
        ego_graph(graph, "lonely")
    with pytest.raises(ParameterError, match=r"^unknown actor id 'zzzz'$"):
        ego_graph(graph, "zzzz")


def test_metrics_count_ties_by_sign_and_find_the_broker(data):
    metrics = actor_metrics(build_graph(data), structural=True)
    assert metrics.loc["a", ["degree", "cooperative", "hostile", "neutral"]].tolist() == [
        5,
        2,
        2,
        1,
    ]
    # a sits between x and everyone else, so it brokers the most paths.
    assert metrics.index[0] == "a"
    assert metrics.loc["x", "betweenness"] == 0
    assert set(metrics["community"]) == set(range(1, metrics["community"].max() + 1))


def test_metrics_are_deterministic():
    first = actor_metrics(build_graph(load_dataset(FIXTURE)))
    second = actor_metrics(build_graph(load_dataset(FIXTURE)))
    assert first.equals(second)
    assert first.to_csv() == second.to_csv()


def test_metrics_of_an_empty_graph(data):
    assert actor_metrics(build_graph(data, start="1990", end="1990", undated=False)).empty


def test_alliance_shifts_list_each_phase_in_order(data):
    shifts = alliance_shifts(data)
    assert shifts[["actor_a", "actor_b"]].drop_duplicates().values.tolist() == [["a", "b"]]
    assert shifts["relationship_id"].tolist() == ["r1", "r2", "r3"]
    assert shifts["phase"].tolist() == [1, 2, 3]
    assert shifts["sign"].tolist() == ["cooperative", "hostile", "cooperative"]


def test_curated_data_shows_the_tuareg_turn_of_2006():
    shifts = alliance_shifts(load_dataset())
    tuareg = shifts[(shifts["actor_a"] == "aqim") & (shifts["actor_b"] == "tuareg")]
    assert tuareg[["start", "kind"]].head(2).values.tolist() == [
        ["2003", "alliance/cooperation"],
        ["2006", "hostility/armed conflict"],
    ]


@pytest.mark.parametrize("suffix", [".gexf", ".graphml"])
def test_export_is_readable_by_networkx_with_plain_attributes(data, tmp_path, suffix):
    path = export_graph(build_graph(data), tmp_path / "sub" / f"net{suffix}")
    read = nx.read_gexf(path) if suffix == ".gexf" else nx.read_graphml(path)
    assert read.number_of_edges() == 7
    assert read.nodes["a"]["aliases"] == "Alpha|The Alphas"
    # Gephi shows the label: the actor's name, as text.
    assert read.nodes["x"]["label"] == "<img src=x onerror=alert(1)>"


def test_export_takes_a_path_given_as_text(data, tmp_path):
    written = export_graph(build_graph(data), str(tmp_path / "net.gexf"))
    assert nx.read_gexf(written).number_of_edges() == 7


def test_export_refuses_other_formats(data, tmp_path):
    with pytest.raises(ParameterError, match=r"\.gexf or \.graphml"):
        export_graph(build_graph(data), tmp_path / "net.json")
    # Refused before anything is written, when several files are asked for.
    with pytest.raises(ParameterError, match=r"net\.json"):
        export_graph(build_graph(data), tmp_path / "b.gexf", tmp_path / "net.json")
    assert not (tmp_path / "b.gexf").exists()


@pytest.mark.parametrize("fork", [False, True])
def test_several_exports_from_one_reading_are_the_files_written_one_by_one(
    data, tmp_path, monkeypatch, fork
):
    # Patched where export_graph reads it: the package only re-exports it.
    from sahel_nb.network import exports

    monkeypatch.setattr(exports, "PARALLEL_TIES", 0 if fork else 10**9)
    graph = build_graph(data)
    both = export_graph(graph, tmp_path / "both" / "n.gexf", tmp_path / "both" / "n.graphml")
    assert [p.name for p in both] == ["n.gexf", "n.graphml"]
    for path in both:
        alone = export_graph(graph, tmp_path / "alone" / path.name)
        assert path.read_bytes() == alone.read_bytes()


@pytest.mark.parametrize("fork", [False, True])
def test_exporting_beside_other_work_writes_the_files_export_graph_writes(
    data, tmp_path, monkeypatch, fork
):
    from sahel_nb.network import exporting, exports

    monkeypatch.setattr(exports, "PARALLEL_TIES", 0 if fork else 10**9)
    graph = build_graph(data)
    side = [tmp_path / "side" / "n.gexf", tmp_path / "side" / "n.graphml"]
    with exporting(graph, *side):
        drawn = graph.number_of_edges()  # the block's own work, done meanwhile
    assert drawn == 7
    for path in side:
        alone = export_graph(graph, tmp_path / "alone" / path.name)
        assert path.read_bytes() == alone.read_bytes()


def test_exporting_refuses_a_bad_path_before_the_block_and_passes_the_block_errors_on(
    data, tmp_path, monkeypatch
):
    from sahel_nb.network import exporting, exports

    graph = build_graph(data)
    ran = []
    with (
        pytest.raises(ParameterError, match=r"net\.json"),
        exporting(graph, tmp_path / "a.gexf", tmp_path / "net.json"),
    ):
        ran.append(True)
    assert not ran and not (tmp_path / "a.gexf").exists()
    monkeypatch.setattr(exports, "PARALLEL_TIES", 0)
    with pytest.raises(RuntimeError, match="page failed"), exporting(graph, tmp_path / "b.gexf"):
        raise RuntimeError("page failed")
    # The forked export still finished: the block's failure is the page's, not the file's.
    assert nx.read_gexf(tmp_path / "b.gexf").number_of_edges() == 7


# The interactive page.

HOSTILE = ["<img src=x onerror=alert(1)>", '<script>alert("alias")</script>', "<b>tags</b>"]


def _page_data(html: str) -> tuple[list, list]:
    nodes = json.loads(re.search(r"var nodeData = (.*);\n", html).group(1))
    edges = json.loads(re.search(r"var edgeData = (.*);\n", html).group(1))
    return nodes, edges


@pytest.fixture
def page(data, tmp_path, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    path = to_pyvis(build_graph(data), tmp_path / "out" / "net.html", title="Net <i>x</i>")
    return path, cwd


def test_page_is_written_where_asked_and_nowhere_else(page):
    path, cwd = page
    assert os.listdir(path.parent) == ["net.html"]
    assert os.listdir(cwd) == []


def test_page_opens_offline(page):
    html = page[0].read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)[^>]+(src|href)=", html), "no external scripts or styles"
    assert "vis.Network" in html


def test_page_escapes_every_data_string(page):
    html = page[0].read_text(encoding="utf-8")
    for hostile in HOSTILE:
        assert hostile not in html
    assert "<h1>Net &lt;i&gt;x&lt;/i&gt;</h1>" in html
    nodes, _ = _page_data(html)
    names = {n["id"]: n["label"] for n in nodes}
    assert names["x"] == "<img src=x onerror=alert(1)>"  # shown as text, intact


def test_page_carries_every_node_and_parallel_edge_with_its_source(page):
    nodes, edges = _page_data(page[0].read_text(encoding="utf-8"))
    assert sorted(n["id"] for n in nodes) == ["a", "b", "c", "d", "x"]
    assert sorted(e["id"] for e in edges) == ["r1", "r2", "r3", "r4", "r5", "r6", "r7"]
    between_a_b = [e for e in edges if {e["from"], e["to"]} == {"a", "b"}]
    assert len({e["smooth"]["roundness"] for e in between_a_b}) == 3
    r2 = next(e for e in edges if e["id"] == "r2")
    assert r2["title"].splitlines() == [
        "Alpha Brigade – Bravo Tribe",
        "hostility/armed conflict (hostile)",
        "2006-03 – open",
        "reported, credibility 3: Possibly true",
        "reported by a single source:",
        "  Network fixture 2010 ¶5: reported, credibility 3",
        "Parallel to r1 and r3.",
    ]
    assert r2["arrows"] == ""
    # Reported by one source: dashed; credibility 3: a middle width.
    assert (r2["dashes"], r2["width"]) == ([10, 6], 3.0)


def test_line_style_and_width_show_how_strongly_each_tie_is_supported(data, tmp_path):
    from sahel_nb.styles import EVIDENCE_STYLES, edge_evidence, edge_width

    graph = build_graph(load_dataset())  # the curated data: all three strengths occur
    text = to_pyvis(graph, tmp_path / "net.html").read_text(encoding="utf-8")
    _, edges = _page_data(text)
    drawn = set()
    for edge in edges:
        tie = graph.edges[edge["from"], edge["to"], edge["id"]]
        drawn.add(edge_evidence(tie))
        assert edge["dashes"] == EVIDENCE_STYLES[edge_evidence(tie)][0]
        assert edge["width"] == edge_width(tie["credibility"])
    assert drawn == set(EVIDENCE_STYLES)
    for _, _, label in EVIDENCE_STYLES.values():
        assert label in text
    # On a graph with no allegation the legend does not offer the dotted line.
    firm = graph.copy()
    firm.remove_edges_from(
        [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if d["status"] == "alleged"]
    )
    text = to_pyvis(firm, tmp_path / "firm.html").read_text(encoding="utf-8")
    assert EVIDENCE_STYLES["alleged"][2] not in text


def test_the_broker_sentence_says_what_it_rests_on_and_what_allegations_add(data):
    from sahel_nb.narrative import describe_brokers

    graph = build_graph(load_dataset())
    text = describe_brokers(actor_metrics(graph), graph)
    alleged = sum(d["status"] == "alleged" for *_, d in graph.edges(data=True))
    assert alleged
    assert (
        f"rests on {graph.number_of_nodes()} actors and {graph.number_of_edges()} ties, "
        f"{alleged} of them"
    ) in text
    assert "without them" in text


def test_page_is_byte_for_byte_deterministic(data, tmp_path):
    first = to_pyvis(build_graph(data), tmp_path / "one.html").read_bytes()
    second = to_pyvis(build_graph(load_dataset(FIXTURE)), tmp_path / "two.html").read_bytes()
    assert first == second
    assert b'"randomSeed": 0' in first


def test_derived_ties_come_only_when_asked_and_say_so():
    data = load_dataset(Path(__file__).parent / "fixtures" / "report")
    assert not any(d for _, _, d in build_graph(data).edges(data="derived"))
    graph = build_graph(data, derived=True)
    derived = {k: d for _, _, k, d in graph.edges(keys=True, data=True) if d["derived"]}
    # e-kidnap names grp with hostages and, as associated actor, xss; e-clash tribe with grp.
    # One tie per pair, source and grade; pairs in id order.
    assert sorted(derived) == [
        "co:gov:grp:src-b:reported:2", "co:gov:grp:src-b:reported:3",
        "co:grp:hostages:src-a:reported:2", "co:grp:hostages:src-a:reported:3",
        "co:grp:tribe:src-a:alleged:4", "co:grp:xss:src-a:reported:2",
    ]  # fmt: skip
    tie = derived["co:grp:xss:src-a:reported:2"]
    assert (tie["kind"], tie["sign"], tie["start"], tie["source_id"], tie["locator"]) == (
        "co-occurrence", "neutral", "2004", "src-a", "¶3",
    )  # fmt: skip
    assert (tie["events"], tie["note"]) == (1, "derived: named together in 1 event (e-kidnap)")
    # A window keeps the dated events in it only; the curated ties are unchanged.
    window = build_graph(data, start="2006", end="2006", derived=True)
    assert {k for _, _, k, d in window.edges(keys=True, data=True) if d["derived"]} == {
        "co:grp:tribe:src-a:alleged:4"
    }
    assert build_graph(data, credibility_at_least=2, derived=True).has_edge("grp", "hostages")


def test_derived_ties_count_their_events_and_cite_them_together():
    import dataclasses

    data = load_dataset(Path(__file__).parent / "fixtures" / "report")
    events = data.events.copy()
    events.loc[events["event_id"] == "e-kidnap2", "credibility"] = 2  # now graded as e-kidnap
    graph = build_graph(dataclasses.replace(data, events=events), derived=True)
    tie = graph.edges["grp", "hostages", "co:grp:hostages:src-a:reported:2"]
    assert (tie["events"], tie["start"], tie["end"], tie["locator"]) == (
        2,
        "2004",
        "2005-06",
        "¶3, ¶8",
    )
    assert tie["note"] == "derived: named together in 2 events (e-kidnap, e-kidnap2)"
    table = edge_table(graph)
    derived = table["relationship_id"].str.startswith("co:").to_numpy(bool)
    assert not derived[0] and derived[-1]  # curated ties first,
    assert table[derived]["events"].tolist() == [2, 1, 1, 1, 1]  # then most events first


def test_a_caption_cites_every_event_behind_a_derived_tie_not_its_shortened_locator():
    from sahel_nb.view import caption

    data = load_dataset(Path(__file__).parent / "fixtures" / "report")
    events = data.events.copy()
    # Thirty events of one pair, from rows far apart: the tie's locator says
    # "and N more"; the caption must still count every row, once.
    extra = pd.concat([events[events["event_id"] == "e-kidnap"]] * 30, ignore_index=True)
    extra["event_id"] = [f"e-copy{n:02d}" for n in range(30)]
    extra["claim_id"] = extra["event_id"]
    extra["locator"] = [f"row {3 * n + 1}" for n in range(30)]
    events = pd.concat([events, extra], ignore_index=True)
    graph = build_graph(dataclasses.replace(data, events=events), derived=True)
    tie = graph.edges["grp", "hostages", "co:grp:hostages:src-a:reported:2"]
    assert tie["events"] == 31 and tie["locator"].endswith(" and 18 more")
    text = str(caption("Figure", edge_sources(graph), data.sources))
    rows = ", ".join(str(3 * n + 1) for n in range(12))
    assert f"rows {rows} and 18 more" in text  # 30 rows apart: 18 beyond the first 12
    # An ego graph without the tie cites none of its rows.
    ego = ego_graph(graph, "tribe")
    assert not ego.has_edge("grp", "hostages")
    assert "row 1" not in str(caption("Figure", edge_sources(ego), data.sources))


def test_a_large_graph_is_drawn_with_its_strongest_ties_and_says_so(tmp_path):
    graph = nx.MultiDiGraph(window=("", ""))
    for i in range(30):
        graph.add_node(f"a{i:02d}", name=f"Actor {i}", actor_type="armed group", country="",
                       aliases=[], unnamed=False)  # fmt: skip
    common = {"kind": "co-occurrence", "sign": "neutral", "directed": False, "start": "",
              "end": "", "status": "reported", "credibility": 3, "source_id": "s",
              "locator": "row 1", "note": "", "derived": True}  # fmt: skip
    for i in range(1, 30):
        graph.add_edge("a00", f"a{i:02d}", key=f"co:{i:02d}", **common, events=i)
    page = to_pyvis(graph, tmp_path / "net.html", max_ties=5).read_text(encoding="utf-8")
    assert "drawn: 5 of 29 ties" in page
    assert '"co:29"' in page and '"co:25"' in page and '"co:24"' not in page


@pytest.mark.parametrize("structural", [False, True])
def test_the_broker_without_allegations_rests_on_the_ties_the_metrics_count(structural):
    from sahel_nb.metrics import graph_metrics
    from sahel_nb.narrative import describe_brokers
    from sahel_nb.network import counted_ties

    graph = build_graph(load_dataset())
    metrics = actor_metrics(graph, structural=structural)
    text = describe_brokers(metrics, counted_ties(graph, structural=structural))
    firm = graph.copy()
    firm.remove_edges_from(
        [(u, v, k) for u, v, k, s in graph.edges(keys=True, data="status") if s == "alleged"]
    )
    expected = graph_metrics(firm, structural=structural)
    expected = expected[~expected.index.isin(metrics.attrs["unnamed"])].iloc[0]
    said = text.partition("without them")[2]
    assert expected["name"] in said and f"({expected['betweenness']:.0%})" in said


def test_betweenness_of_a_large_graph_is_a_seeded_estimate_and_says_so(data, monkeypatch):
    from sahel_nb.narrative import describe_brokers

    # Patched where actor_metrics reads them: the package only re-exports them.
    from sahel_nb.network import brokers

    exact = actor_metrics(build_graph(data))
    assert "betweenness_sample" not in exact.attrs
    monkeypatch.setattr(brokers, "EXACT_BETWEENNESS", 2)
    monkeypatch.setattr(brokers, "BETWEENNESS_SAMPLE", 3)
    first, second = actor_metrics(build_graph(data)), actor_metrics(build_graph(data))
    assert first.equals(second)  # seeded: the same estimate every run
    nodes = build_graph(data).number_of_nodes()
    assert first.attrs["betweenness_sample"] == (3, nodes)
    assert f"out of 3 of the {nodes} actors" in describe_brokers(first)


def test_curated_ties_are_always_drawn_however_many(data, tmp_path):
    graph = build_graph(data)
    page = to_pyvis(graph, tmp_path / "net.html", max_ties=1).read_text(encoding="utf-8")
    assert "drawn:" not in page
    assert all(f'"{key}"' in page for _, _, key in graph.edges(keys=True))


def test_a_tie_reported_by_several_sources_is_one_edge_with_its_reports():
    claims = load_dataset(FIXTURE.parent / "claims")
    graph = build_graph(claims)
    fight = [d for _, _, d in graph.edges(data=True) if d["claim_id"] == "c-tuareg-aqim-fight"]
    assert len(fight) == 1
    assert (fight[0]["reports"], fight[0]["origins"], fight[0]["agreement"]) == (
        2,
        2,
        "corroborated",
    )
    assert fight[0]["reported_as"].splitlines() == [
        "Fixture Radio 2003 ¶2: reported, credibility 1",
        "Analyst 2010 ¶6: reported, credibility 3",
    ]
    # Alleged by the column, denied by the radio: one contested edge, not two.
    protects = [d for _, _, d in graph.edges(data=True) if d["claim_id"] == "c-mali-protects-gspc"]
    assert [(d["agreement"], d["denials"]) for d in protects] == [("contested", 1)]
    assert set(edge_sources(graph)["source_id"]) == {"col", "radio"}


def test_structural_ties_are_drawn_in_their_own_colours_with_their_own_legend(tmp_path):
    from sahel_nb.metrics import is_structural
    from sahel_nb.schema import STRUCTURAL_KINDS
    from sahel_nb.styles import SIGN_STYLES, STRUCTURAL_STYLES

    graph = build_graph(load_dataset())  # the curated data: all three structural kinds occur
    text = to_pyvis(graph, tmp_path / "net.html").read_text(encoding="utf-8")
    _, edges = _page_data(text)
    sign_colours = {colour for colour, _, _ in SIGN_STYLES.values()}
    structural_colours = {colour for colour, _ in STRUCTURAL_STYLES.values()}
    assert not sign_colours & structural_colours
    kinds = set()
    for edge in edges:
        tie = graph.edges[edge["from"], edge["to"], edge["id"]]
        assert is_structural(tie) == (tie["kind"] in STRUCTURAL_KINDS)
        if is_structural(tie):
            kinds.add(tie["kind"])
            assert edge["color"] == STRUCTURAL_STYLES[tie["kind"]][0]
        else:
            assert edge["color"] == SIGN_STYLES[tie["sign"]][0]
    assert kinds == set(STRUCTURAL_KINDS)
    legend = text[text.index('<aside id="legend"') : text.index("</aside>")]
    for _, label in STRUCTURAL_STYLES.values():
        assert html.escape(label) in legend
    # A graph without structural ties offers none in its legend.
    dealings = graph.copy()
    dealings.remove_edges_from(
        [(u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if is_structural(d)]
    )
    text = to_pyvis(dealings, tmp_path / "dealings.html").read_text(encoding="utf-8")
    assert "Structural ties" not in text


def test_structural_ties_leave_broker_metrics_unless_asked(data):
    from sahel_nb.network import counted_ties

    graph = build_graph(data)
    # r3 is an undated marriage of a and b, beside their alliance and their war.
    without, every = actor_metrics(graph), actor_metrics(graph, structural=True)
    assert without.loc["a", ["cooperative", "structural"]].tolist() == [1, 1]
    assert every.loc["a", ["cooperative", "structural"]].tolist() == [2, 0]
    assert (without.attrs["structural"], every.attrs["structural"]) == (False, True)
    assert "r3" not in _keys(counted_ties(graph)) and "r3" in _keys(graph)
    assert counted_ties(graph, structural=True) is graph
    assert set(counted_ties(graph)) == set(graph)


def test_key_actors_are_the_most_tied_or_most_between_and_named():
    from sahel_nb.network import key_actors

    metrics = actor_metrics(build_graph(load_dataset()))
    top = key_actors(metrics)
    assert 0 < len(top) <= 12 and top.index.is_unique
    assert not set(top.index) & set(metrics.attrs["unnamed"])
    # Whoever is left out is no higher than every chosen actor on both counts.
    rest = metrics.drop(index=[*top.index, *metrics.attrs["unnamed"]], errors="ignore")
    worst_degree, worst_between = top["degree"].min(), top["betweenness"].min()
    assert (rest["degree"] <= top["degree"].max()).all()
    assert not ((rest["degree"] > worst_degree) & (rest["betweenness"] > worst_between)).any()
    assert top["why"].str.contains(r"^\d+ ties? \(\d+(?:st|nd|rd|th)\)").all()
    assert key_actors(metrics, top=3).index.tolist() == top.index[:3].tolist()
    # The analyst's choice first, in their order, even below the top; an actor with no
    # tie in the graph is listed as such, never given figures.
    last = metrics.index.difference(top.index).difference(metrics.attrs["unnamed"])[0]
    chosen = key_actors(metrics, top=4, chosen=[last, "no-such-actor", top.index[0]])
    assert chosen.index.tolist()[:3] == [last, "no-such-actor", top.index[0]]
    assert len(chosen) == 4 and chosen.index[3] == top.index[1]
    assert chosen["why"].iloc[:3].str.startswith("chosen by the analyst").all()
    assert chosen.at["no-such-actor", "why"] == "chosen by the analyst; no ties in this view"
    assert not chosen["why"].iloc[3].startswith("chosen")


def test_the_betweenness_caveat_gives_the_size_it_rests_on(data):
    from sahel_nb.network import betweenness_caveat

    graph = build_graph(data)
    text = betweenness_caveat(graph)
    assert f"among the {graph.number_of_nodes()} actors and {graph.number_of_edges()} ties" in text
    assert "1 source happen" in text and "not who brokers in the world" in text


def test_a_derived_tie_spans_its_earliest_start_to_its_latest_end_ties_to_first_and_last_row():
    from sahel_nb.network.derived import _extreme

    rng = np.random.default_rng(3)
    rows = 400
    group = np.sort(rng.integers(0, 60, rows))  # grouped, some groups missing
    groups = 62
    days = np.datetime64("2003-01-01") + rng.integers(0, 20, rows).astype("timedelta64[D]")
    days[rng.random(rows) < 0.3] = np.datetime64("NaT")
    dates = np.array([f"row {i}" for i in range(rows)], dtype=object)
    for keep in ("first", "last"):
        expected = [""] * groups
        for g in range(groups):
            dated = [i for i in range(rows) if group[i] == g and not np.isnat(days[i])]
            if dated:
                best = (min if keep == "first" else max)(days[i] for i in dated)
                at = [i for i in dated if days[i] == best]
                expected[g] = dates[at[0] if keep == "first" else at[-1]]
        assert _extreme(group, groups, days, dates, keep).tolist() == expected


def test_a_tie_known_only_by_its_end_is_not_in_earlier_windows_when_undated_is_off():
    curated = load_dataset()
    rels = curated.relationships
    only_end = rels[rels["start"].isna() & rels["end"].notna()]
    assert len(only_end)
    tie = only_end.iloc[0]
    year = int(str(tie["end"])[:4])
    pair = (tie["actor_a"], tie["actor_b"])
    early = build_graph(curated, start=str(year - 15), end=str(year - 14), undated=False)
    assert not early.has_edge(*pair) and not early.has_edge(*pair[::-1])
    at_end = build_graph(curated, start=str(year), end=str(year), undated=False)
    assert at_end.has_edge(*pair) or at_end.has_edge(*pair[::-1])


def test_alliance_shifts_among_an_unknown_actor_says_so():
    with pytest.raises(ParameterError, match="unknown actor id 'nobody'"):
        alliance_shifts(load_dataset(), among=["aqim", "nobody"])


def test_a_very_long_name_is_drawn_cut_and_kept_whole_in_its_hover(tmp_path):
    from sahel_nb.network import to_pyvis
    from sahel_nb.network.vis import LONGEST_NAME

    graph = build_graph(load_dataset(FIXTURE))
    actor = sorted(graph)[0]
    long_name = "Brigade of the " + "very " * 60 + "long name"
    graph.nodes[actor]["name"] = long_name
    page = to_pyvis(graph, tmp_path / "net.html").read_text(encoding="utf-8")
    nodes = json.loads(re.search(r"var nodeData = (\[.*?\]);\n", page, re.S).group(1))
    drawn = next(n for n in nodes if n["id"] == actor)
    assert len(drawn["label"]) <= LONGEST_NAME and drawn["label"].endswith("…")
    assert long_name in page  # whole in the hover text
