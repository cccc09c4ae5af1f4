"""Actors of imports: types from ACLED's codes, unnamed catch-alls, the reviewed mapping file, remapping."""

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sahel_nb import DataValidationError, load_dataset
from sahel_nb.cli import main
from sahel_nb.interop import import_acled, import_gtd, is_unnamed
from sahel_nb.interop.actors import inter_codes

ROOT = Path(__file__).parents[1]
ACLED = Path(__file__).parent / "fixtures" / "acled"
GTD = Path(__file__).parent / "fixtures" / "gtd"


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


@pytest.mark.parametrize(
    ("value", "code"),
    [("1", "1"), ("2.0", "2"), ("State forces", "1"), ("Rebel group", "2"),
     ("Political militia", "3"), ("Identity militia", "4"), ("Rioters", "5"),
     ("Protesters", "6"), ("Civilians", "7"), ("External/Other forces", "8"), ("", ""),
     ("9", "")],
)  # fmt: skip
def test_inter_codes_from_numbers_and_labels(value, code):
    assert inter_codes(pd.Series([value])).tolist() == [code]


@pytest.mark.parametrize(
    "name",
    ["Unknown", "Other", "Gunmen", "Unaffiliated Individual(s)", "Protesters (Burkina Faso)",
     "Rioters (Mali)", "Civilians (Palestine)", "Unidentified Armed Group (Mali)",
     "Students (Burkina Faso)"],
)  # fmt: skip
def test_catch_all_and_collective_names_are_unnamed(name):
    assert is_unnamed(name)


@pytest.mark.parametrize(
    "name", ["AQIM: Al Qaeda in the Islamic Maghreb", "Military Forces of Mali (2021-)",
             "Al Mourabitoune Battalion", "Fulani Ethnic Militia (Mali)"],
)  # fmt: skip
def test_named_actors_are_not(name):
    assert not is_unnamed(name)


def test_a_type_seen_with_conflicting_codes_takes_the_most_frequent_and_is_listed(data_dir):
    summary = import_acled(ACLED / "api_numeric_codes.csv", data_dir)
    (dozo,) = [a for a in summary.new_actors if a["name"] == "Made-up Dozo Militia"]
    assert dozo["actor_type"] == "armed group" and dozo["unnamed"] == "false"
    with open(summary.review_file, encoding="utf-8", newline="") as handle:
        review = {row["name"]: row for row in csv.DictReader(handle)}
    assert review["Made-up Dozo Militia"]["inter_codes_seen"] == "4 (2 rows); 3 (1 rows)"


def test_civilians_of_2024_exports_are_not_armed_groups(data_dir):
    summary = import_acled(ACLED / "today_text_codes.csv", data_dir)
    types = {a["name"]: a["actor_type"] for a in summary.new_actors}
    assert types["Civilians (Mali)"] == "civilian population"
    assert "armed group" not in {types["Protesters (Burkina Faso)"], types["Civilians (Mali)"]}


# -- the committed, reviewed mapping file ------------------------------------------------------


def test_every_committed_mapping_names_a_curated_actor_with_a_reason():
    actors = set(load_dataset(ROOT / "data").actors["actor_id"])
    with open(ROOT / "data" / "actor_mappings.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert row["dataset"] in ("acled", "gtd"), row
        assert row["actor_id"] in actors, row
        assert len(row["reason"].strip()) > 20, row
    names = [(r["dataset"], r["external_name"].casefold()) for r in rows]
    assert len(names) == len(set(names))


def test_aqim_in_acled_and_gtd_spellings_is_the_curated_aqim(data_dir):
    import_acled(ACLED / "mali_sample.csv", data_dir)
    import_gtd(GTD / "gtd_workbook_1993.xlsx", data_dir)
    events = load_dataset(data_dir).events.set_index("event_id")
    assert events.loc["acled-MLI9001", "actor1"] == "aqim"  # AQIM: Al Qaeda in the …
    assert events.loc["acled-MLI9001", "actor2"] == "mali-army"  # Military Forces of Mali (…)
    assert events.loc["gtd-200804010003", "actor1"] == "aqim"  # Al-Qa`ida in the Lands …
    assert events.loc["gtd-201103020004", "actor1"] == "aqim"  # Al-Qaida in the … (AQIM)


def test_a_mapping_to_no_actor_or_without_a_reason_is_refused_by_line(data_dir):
    with open(data_dir / "actor_mappings.csv", "a", encoding="utf-8") as handle:
        handle.write("acled,Ansar Dine,ansar-dine,\n")
    with pytest.raises(DataValidationError) as caught:
        import_acled(ACLED / "upper_case_2016.csv", data_dir)
    shown = [str(p) for p in caught.value.problems]
    lines = len((data_dir / "actor_mappings.csv").read_text().splitlines())
    assert shown == [
        f"{data_dir / 'actor_mappings.csv'}:{lines}: actor_id: is not an actor of the data "
        "('ansar-dine')",
        f"{data_dir / 'actor_mappings.csv'}:{lines}: reason: is empty; say why this name is that "
        "actor",
    ]


def test_a_mapping_added_after_review_re_resolves_imported_rows_and_stays_idempotent(data_dir):
    first = import_acled(ACLED / "upper_case_2016.csv", data_dir)
    (ansar,) = first.new_actors
    events = load_dataset(data_dir).events.set_index("event_id")
    assert events.loc["acled-MLI4102", "actor1"] == ansar["actor_id"]
    # The analyst reviews the list and maps the name (a made-up mapping for the test).
    with open(data_dir / "actor_mappings.csv", "a", encoding="utf-8") as handle:
        handle.write("acled,Ansar Dine,al-qaeda,Test mapping made up after review.\n")
    again = import_acled(ACLED / "upper_case_2016.csv", data_dir)
    assert again.remapped == {ansar["actor_id"]: "al-qaeda"} and again.remapped_rows == 1
    assert "1 imported rows re-resolved" in str(again)
    events = load_dataset(data_dir).events.set_index("event_id")
    assert events.loc["acled-MLI4102", "actor1"] == "al-qaeda"
    assert main(["validate", str(data_dir)]) == 0
    after = _snapshot(data_dir)
    third = import_acled(ACLED / "upper_case_2016.csv", data_dir)
    assert _snapshot(data_dir) == after and not third.remapped


def test_re_resolving_touches_only_imported_rows(data_dir):
    import_acled(ACLED / "upper_case_2016.csv", data_dir)
    before = (data_dir / "events.csv").read_bytes()
    curated = (ROOT / "data" / "events.csv").read_bytes()
    with open(data_dir / "actor_mappings.csv", "a", encoding="utf-8") as handle:
        handle.write("acled,Ansar Dine,al-qaeda,Test mapping made up after review.\n")
    import_gtd(GTD / "sahel_sample.csv", data_dir)  # any import re-resolves
    after = (data_dir / "events.csv").read_bytes()
    assert after.startswith(curated) and after != before
    assert b'"acled-MLI4102"' in after


# -- unnamed actors are never brokers ------------------------------------------------------


def test_an_unnamed_actor_is_never_called_the_main_broker():
    from sahel_nb.narrative import describe_brokers

    metrics = pd.DataFrame(
        {"name": ["Protesters (Mali)", "Made-up Front", "Made-up Army"],
         "betweenness": [0.6, 0.3, 0.1], "degree": [5, 3, 2]},
        index=pd.Index(["acled-protesters-mali", "acled-front", "acled-army"], name="actor_id"),
    )  # fmt: skip
    metrics.attrs["unnamed"] = ["acled-protesters-mali"]
    text = describe_brokers(metrics)
    assert text.startswith("Made-up Front is the main broker")
    assert "Protesters" not in text


def test_actor_metrics_say_which_actors_are_unnamed(data_dir):
    from sahel_nb.network import actor_metrics, build_graph

    metrics = actor_metrics(build_graph(load_dataset(data_dir)))
    unnamed = set(load_dataset(data_dir).actors.query("unnamed")["actor_id"])
    assert set(metrics.attrs["unnamed"]) == unnamed & set(metrics.index)


@pytest.mark.parametrize(
    ("spelling", "actor_id"),
    [
        ("GSPC: Salafist Group for Call and Combat", "gspc"),
        ("Military Forces of Mali (2013-)", "mali-army"),
        ("Military Forces of Algeria (1999-)", "algerian-army"),
        ("Al Mourabitoune Battalion", "al-mourabitoun"),
        ("ADC: Democratic Alliance of 23rd May for Change", "adc"),
    ],
)
def test_the_acled_spellings_issue_30_names_are_the_curated_actors(
    data_dir, tmp_path, spelling, actor_id
):
    rows = pd.read_csv(ACLED / "mali_sample.csv", dtype=str, keep_default_na=False).head(1)
    rows["actor1"] = spelling
    export = tmp_path / "one.csv"
    rows.to_csv(export, index=False)
    import_acled(export, data_dir)
    events = load_dataset(data_dir).events.set_index("event_id")
    assert events.loc[f"acled-{rows['event_id_cnty'][0]}", "actor1"] == actor_id


def test_two_periods_of_one_force_in_one_export_are_one_actor_in_either_order(data_dir, tmp_path):
    # As across two imports: "(2017-)" after "(2012-2017)" is the same force,
    # so which file (or row) comes first does not change the actors.
    rows = pd.read_csv(ACLED / "mali_sample.csv", dtype=str, keep_default_na=False).head(2)
    rows["actor1"] = ["Military Forces of France (2012-2017)", "Military Forces of France (2017-)"]
    folders = []
    for order, frame in (("forward", rows), ("backward", rows.iloc[::-1])):
        export, folder = (
            tmp_path / f"{order}.csv",
            Path(shutil.copytree(data_dir, tmp_path / order)),
        )
        frame.to_csv(export, index=False)
        import_acled(export, folder)
        folders.append(load_dataset(folder).events.set_index("event_id"))
    for events in folders:
        ids = events.loc[[f"acled-{i}" for i in rows["event_id_cnty"]], "actor1"]
        assert ids.nunique() == 1
