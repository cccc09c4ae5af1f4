"""Notebook tables and captions: formatted, escaped, deterministic, citing their sources."""

import re

import pandas as pd

from sahel_nb import load_dataset
from sahel_nb.network import build_graph, edge_sources
from sahel_nb.view import caption, table


def _frame():
    return pd.DataFrame(
        {
            "payer": ["<img src=x onerror=alert(1)>", "Germany"],
            "amount": pd.array([7_300_000.0, None], dtype="Float64"),
            "date": ["2009-12", None],
        }
    )


def test_money_gets_separators_and_unknowns_stay_empty():
    text = repr(table(_frame(), money=["amount"]))
    assert "7,300,000" in text and "7300000.0" not in text
    assert "nan" not in text.lower() and "<NA>" not in text and " 0 " not in text
    assert "2009-12" in text  # partial dates as written, never padded


def test_html_escapes_text_and_is_the_same_on_every_run():
    first = table(_frame(), money=["amount"], caption="Ransoms <b>paid</b>")._repr_html_()
    second = table(_frame(), money=["amount"], caption="Ransoms <b>paid</b>")._repr_html_()
    assert first == second  # no random element ids for nbval to trip on
    assert "<img" not in first and "&lt;img src=x onerror=alert(1)&gt;" in first
    assert "<b>paid" not in first and "&lt;b&gt;paid" in first
    assert re.search(r"<th[^>]*>payer</th>", first)


def test_a_column_subset_is_shown_in_the_order_asked():
    text = repr(table(_frame(), ["date", "payer"]))
    assert text.splitlines()[0].split() == ["date", "payer"]


def test_caption_names_each_source_and_its_paragraphs():
    data = load_dataset()
    graph = build_graph(data, end="2003")
    text = repr(caption("Ties in 2003", edge_sources(graph), data.sources))
    # Each source once, by its short name, with its paragraphs.
    head, _, cited = text.partition(" Sources: ")
    assert head == "Ties in 2003."
    for part in cited.removesuffix(".").split("; "):
        assert re.fullmatch(r"[^;()]+ (\d{4}|n\.d\.) \((¶[\d–]+, )*¶[\d–]+\)", part), part
    assert "Guitta 2010 (" in text
    nothing = build_graph(data, start="2030", undated=False, kinds=["kinship/marriage"])
    empty = caption("Nothing", edge_sources(nothing), data.sources)
    assert repr(empty) == "Nothing. Nothing drawn, so no source."
    assert "&lt;" in caption("<x>", pd.DataFrame(columns=["source_id"]), data.sources)._repr_html_()


def test_long_tables_show_their_first_rows_and_say_how_many_there_are():
    frame = pd.DataFrame({"event_id": [f"e{i}" for i in range(1200)]})
    shown = table(frame, caption="Events", limit=500)
    assert len(shown.frame) == 500 and shown.frame["event_id"].iloc[-1] == "e499"
    assert shown.caption == "Events (the first 500 of 1,200 rows)"
    assert "the first 500 of 1,200 rows" in shown._repr_html_()
    assert table(frame.head(200), caption="Events").caption == "Events"  # 200 by default


def test_captions_give_export_rows_as_ranges():
    rows = pd.DataFrame(
        {"source_id": ["acled-x"] * 4, "locator": ["row 3", "row 1", "row 2", "row 9"]}
    )
    sources = pd.DataFrame({"source_id": ["acled-x"], "author": ["ACLED"], "published": [None],
                            "title": ["ACLED export"]})  # fmt: skip
    assert str(caption("Events", rows, sources)) == "Events. Sources: ACLED n.d. (rows 1–3, 9)."


def test_captions_group_rows_by_source_whatever_their_order_and_skip_rows_without_one():
    rows = pd.DataFrame(
        {
            "source_id": ["b", "a", None, "b", "a"],
            "locator": ["row 2", "¶6", "¶9", "row 1", "¶4"],
        }
    )
    sources = pd.DataFrame({"source_id": ["a", "b"], "author": ["Olivier Guitta", "ACLED"],
                            "published": ["2010", None], "title": ["A column", "Export"]})  # fmt: skip
    assert (
        str(caption("F", rows, sources))
        == "F. Sources: Guitta 2010 (¶4, ¶6); ACLED n.d. (rows 1–2)."
    )


def test_an_empty_table_is_a_sentence_not_a_header_over_nothing():
    empty = table(pd.DataFrame({"record_a": [], "record_b": []}), caption="Pairs awaiting <review>")
    assert repr(empty) == "Pairs awaiting <review>: none."
    assert empty._repr_html_() == "<p>Pairs awaiting &lt;review&gt;: none.</p>"
