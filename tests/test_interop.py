"""ACLED import: mapping, precision, actor resolution and review, links, idempotency, atomicity."""

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sahel_nb import DataValidationError, load_dataset
from sahel_nb.cli import main
from sahel_nb.flows import flow_summary, ransom_table
from sahel_nb.interop import import_acled, import_gtd, read_acled

ROOT = Path(__file__).parents[1]
SAMPLE = Path(__file__).parent / "fixtures" / "acled" / "mali_sample.csv"


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_rows_become_events_with_partial_dates_and_traceable_ids(data_dir):
    summary = import_acled(SAMPLE, data_dir)
    events = load_dataset(data_dir).events.set_index("event_id")
    first, second = events.loc["acled-MLI9001"], events.loc["acled-MLI9002"]
    assert first["date"] == "2012-03-22"
    assert second["date"] == "2012-06"  # month precision: never a made-up day
    assert (first["event_type"], first["sub_event_type"]) == ("Battles", "Armed clash")
    assert (first["country"], first["latitude"], first["geo_precision"]) == ("MLI", 16.7735, 1)
    assert first["fatalities"] == 3 and events.loc["acled-MLI9002", "fatalities"] == 0
    assert first["source_id"] == summary.source_id and first["locator"] == "row 1"
    assert events.loc["acled-MLI9002", "locator"] == "row 2"
    assert "MLI9001" in first["description"] and "Made-up source" in first["description"]
    sources = load_dataset(data_dir).sources.set_index("source_id")
    assert sources.loc[summary.source_id, "reliability"] == "B"
    assert "SHA-256" in sources.loc[summary.source_id, "notes"]


def test_actors_resolve_through_aliases_and_mapping_file_and_the_rest_are_listed(data_dir):
    (data_dir / "actor_mappings.csv").write_text(
        "dataset,external_name,actor_id,note\n"
        "acled,AQIM: Al Qaeda in the Islamic Maghreb,aqim,ACLED's name for AQIM\n"
    )
    summary = import_acled(SAMPLE, data_dir)
    events = load_dataset(data_dir).events.set_index("event_id")
    assert events.loc["acled-MLI9001", "actor1"] == "aqim"  # through the mapping file
    assert list(events.loc["acled-MLI9002", "assoc_actors"]) == ["tuareg"]  # through an alias
    created = {a["name"]: a for a in summary.new_actors}
    assert set(created) == {
        "Military Forces of Mali (2002-2012)",
        "Al-Qaida in the Islamic Maghreb (AQIM)",
        "Civilians (Mali)",
    }
    assert created["Military Forces of Mali (2002-2012)"]["actor_type"] == "security forces"
    with open(summary.review_file, newline="", encoding="utf-8") as handle:
        review = {row["name"]: row for row in csv.DictReader(handle)}
    assert set(review) == set(created)
    # Close curated names are suggested for review, never applied.
    assert "aqim" in review["Al-Qaida in the Islamic Maghreb (AQIM)"]["close_curated_actors"]
    assert events.loc["acled-MLI9002", "actor1"].startswith("acled-")


def test_an_event_the_curated_data_already_tells_is_linked_not_added(data_dir):
    summary = import_acled(SAMPLE, data_dir)
    assert summary.linked == [("acled-MLI9003", "ev-2008-merdaci-arrest")]
    assert "acled-MLI9003" not in set(load_dataset(data_dir).events["event_id"])
    with open(data_dir / "event_links.csv", newline="", encoding="utf-8") as handle:
        (link,) = list(csv.DictReader(handle))
    assert (link["external_id"], link["event_id"]) == ("acled-MLI9003", "ev-2008-merdaci-arrest")
    assert (summary.read, summary.added) == (3, 2)


def test_importing_twice_changes_nothing_the_second_time(data_dir):
    import_acled(SAMPLE, data_dir)
    after_first = _snapshot(data_dir)
    again = import_acled(SAMPLE, data_dir)
    assert _snapshot(data_dir) == after_first
    assert (again.added, again.already, again.new_actors) == (0, 3, [])


def test_curated_rows_keep_every_byte(data_dir):
    before = _snapshot(data_dir)
    import_acled(SAMPLE, data_dir)
    for name, content in before.items():
        assert (data_dir / name).read_bytes().startswith(content), name


def test_a_malformed_export_lists_every_problem_and_writes_nothing(data_dir, tmp_path):
    bad = tmp_path / "bad.csv"
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("2012-03-22", "2012-13-40").replace(",Armed clash,", ",Armed clush,")
    bad.write_text(text.replace("16.2717", "116.2717"), encoding="utf-8")
    before = _snapshot(data_dir)
    with pytest.raises(DataValidationError) as caught:
        import_acled(bad, data_dir)
    shown = [str(p) for p in caught.value.problems]
    assert shown == [
        f"{bad}:2: event_date: is not a date; ACLED writes 2012-01-15, 15 January 2012 or "
        "01-January-2015 ('2012-13-40')",
        f"{bad}:2: sub_event_type: is not a kind of 'Battles' ('Armed clush')",
        f"{bad}:3: latitude: must be between -90 and 90 ('116.2717')",
    ]
    assert _snapshot(data_dir) == before
    assert not list(data_dir.glob(".import-*"))


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("EVENT_ID_CNTY,event_date,ACTOR2\nMLI1,2012-01-01,x\n")
    _, problems = read_acled(path)
    assert [str(p) for p in problems] == [
        f"{path}:1: event_type: missing column; an ACLED export has it",
        f"{path}:1: actor1: missing column; an ACLED export has it",
    ]


def test_cli_imports_then_validates(data_dir, capsys):
    assert main(["import", "acled", str(SAMPLE), "--into", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "3 rows read" in out and "2 events added, 1 linked" in out
    assert main(["validate", str(data_dir)]) == 0


def test_the_situation_report_counts_imported_events_and_cites_their_rows(data_dir):
    from sahel_nb import situation_report

    summary = import_acled(SAMPLE, data_dir)
    report = situation_report(load_dataset(data_dir))
    told = dict(report.sections)
    (counted,) = told["Imported datasets"]
    assert counted.text.startswith("ACLED n.d. records 2 events in 2012, with 3 deaths recorded")
    (note,) = [n for n in report.notes if n.startswith(f"[{counted.notes[0]}] ")]
    assert note.endswith("ACLED n.d., rows 1–2")
    assert any(summary.source_id in line or "ACLED export" in line for line in report.sources)
    # Imported rows are counted, never told one by one (there can be a million).
    kidnappings = " ".join(s.text for s in told["Kidnappings and ransom money"])
    assert "2012" not in kidnappings


# -- GTD ---------------------------------------------------------------------------------------

GTD = Path(__file__).parent / "fixtures" / "gtd" / "sahel_sample.csv"


def test_gtd_hostage_takings_become_events_with_partial_dates_and_no_unknown_codes(data_dir):
    summary = import_gtd(GTD, data_dir)
    assert (summary.read, summary.added) == (4, 3)
    assert summary.skipped == {"not a hostage-taking (ishostkid is not 1)": 1}
    events = load_dataset(data_dir).events.set_index("event_id")
    assert "gtd-201002030003" not in events.index  # the bombing: not a kidnapping
    first, unknown, third = (events.loc[f"gtd-{i}"] for i in
                             ("200912150001", "201001010002", "201204050004"))  # fmt: skip
    assert (first["date"], unknown["date"], third["date"]) == ("2009-12", "2010", "2012-04-05")
    assert first["sub_event_type"] == "Abduction/forced disappearance"
    assert (first["hostages"], first["fatalities"], first["country"]) == (3, 0, "MLI")
    # -99 hostages and a blank death count: empty, never -99 or 0.
    assert pd.isna(unknown["hostages"]) and pd.isna(unknown["fatalities"])
    assert pd.isna(unknown["location"]) and unknown["geo_precision"] == 3  # specificity 5
    assert "-9" not in unknown["description"] and "is unknown" in unknown["description"]
    # GTD's own prose (summary, ransom note) is not copied into ours.
    assert "Made-up" not in " ".join(events["description"].astype(str))
    assert first["locator"] == "row 1" and third["locator"] == "row 4"
    actors = load_dataset(data_dir).actors.set_index("actor_id")
    assert actors.loc[unknown["actor1"], "unnamed"]  # GTD's "Unknown" is no one in particular


def test_gtd_demands_and_payments_are_kept_apart_and_only_payments_are_totalled(data_dir):
    (data_dir / "actor_mappings.csv").write_text(
        "dataset,external_name,actor_id,note\n"
        "gtd,Al-Qaida in the Islamic Maghreb (AQIM),aqim,GTD's name for AQIM\n"
    )
    summary = import_gtd(GTD, data_dir)
    assert summary.flows == 2
    dataset = load_dataset(data_dir)
    flows = dataset.flows.set_index("flow_id")
    demand = flows.loc["gtd-200912150001-ransom-demand"]
    paid = flows.loc["gtd-200912150001-ransom-paid"]
    assert (demand["flow_type"], demand["amount"], demand["currency"]) == (
        "ransom demand",
        5e6,
        "USD",
    )
    assert (paid["flow_type"], paid["amount"], paid["payee"]) == ("ransom", 3e6, "aqim")
    assert pd.isna(paid["payer"]) and pd.isna(paid["date"])  # GTD names neither
    # ransomamt -9 and ransompaid 0 on the 2012 row: no flow, not a zero one.
    assert not flows.index.str.startswith("gtd-201204050004").any()
    by_payee = flow_summary(dataset, by="payee")
    assert by_payee.loc["Al-Qaeda in the Islamic Maghreb", "reported_usd_high"] == 3e6  # not 8e6
    by_type = flow_summary(dataset, by="flow_type")
    assert "ransom demand" not in by_type.index
    table = ransom_table(dataset).set_index("event_id")
    assert table.loc["gtd-200912150001", "demanded"] == "5,000,000 USD, reported"
    assert table.loc["gtd-200912150001", "amount"] == 3e6
    # The 2012 kidnapping names AQIM as an associated group, through the mapping.
    assert list(dataset.events.set_index("event_id").loc["gtd-201204050004", "assoc_actors"]) == [
        "aqim"
    ]


def test_gtd_mapping_rows_of_another_dataset_do_not_apply(data_dir):
    (data_dir / "actor_mappings.csv").write_text(
        "dataset,external_name,actor_id,note\n"
        "acled,Al-Qaida in the Islamic Maghreb (AQIM),aqim,for ACLED only\n"
    )
    summary = import_gtd(GTD, data_dir)
    assert "Al-Qaida in the Islamic Maghreb (AQIM)" in {a["name"] for a in summary.new_actors}


def test_gtd_import_is_idempotent_and_reads_latin1(data_dir, tmp_path):
    latin = tmp_path / "gtd_latin1.csv"
    text = GTD.read_text(encoding="utf-8").replace("Kidal,Kidal", "Kidal,Tessalit Ségou")
    latin.write_bytes(text.encode("latin-1"))
    summary = import_gtd(latin, data_dir)
    events = load_dataset(data_dir).events.set_index("event_id")
    assert events.loc["gtd-200912150001", "location"] == "Tessalit Ségou"
    sources = load_dataset(data_dir).sources.set_index("source_id")
    assert "Read as latin-1" in sources.loc[summary.source_id, "notes"]
    after = _snapshot(data_dir)
    again = import_gtd(latin, data_dir)
    assert _snapshot(data_dir) == after
    assert (again.added, again.flows, again.already) == (0, 0, 3)


def test_a_gtd_kidnapping_told_by_a_curated_event_is_linked(data_dir):
    with open(data_dir / "events.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(
            "ev-test-gao-kidnapping,,2012-04,Violence against civilians,"
            "Abduction/forced disappearance,aqim,,,Gao,Gao,MLI,16.2717,-0.0447,1,,7,"
            "Test row: a curated kidnapping in Gao in April 2012.,reported,3,guitta-2010,¶6,\n"
        )
    summary = import_gtd(GTD, data_dir)
    assert summary.linked == [("gtd-201204050004", "ev-test-gao-kidnapping")]


def test_a_malformed_gtd_export_names_every_problem_and_writes_nothing(data_dir, tmp_path):
    bad = tmp_path / "bad.csv"
    text = GTD.read_text(encoding="utf-8")
    text = text.replace("200912150001,2009,12,0,", "200912150001,2009,13,0,")
    text = text.replace("201204050004,2012,4,5,", "201204050004,2012,2,30,")
    bad.write_text(text.replace(",1,7,0,-99,", ",1,-5,0,-99,"), encoding="utf-8")
    before = _snapshot(data_dir)
    with pytest.raises(DataValidationError) as caught:
        import_gtd(bad, data_dir)
    assert [str(p) for p in caught.value.problems] == [
        f"{bad}:2: imonth: must be 0 (unknown) to 12 ('13')",
        f"{bad}:5: iday: is not a day of that month ('30')",
        f"{bad}:5: nhostkid: is negative; GTD writes an unknown as -9 or -99 ('-5')",
    ]
    assert _snapshot(data_dir) == before


def test_cli_imports_gtd(data_dir, capsys):
    assert main(["import", "gtd", str(GTD), "--into", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "3 events added" in out and "2 ransom flows added" in out
    assert "skipped 1: not a hostage-taking" in out
    assert main(["validate", str(data_dir)]) == 0


def test_situation_report_counts_imported_ransoms_with_demands_apart(data_dir):
    from sahel_nb.narrative import situation_report

    import_gtd(GTD, data_dir)
    text = str(situation_report(load_dataset(data_dir)))
    assert "records 1 ransom payment (reported) of 3,000,000 USD in all." in text
    assert "1 ransom demand (reported) of 5,000,000 USD in all; amounts asked for, not" in text
    assert "8,000,000" not in text  # a demand is never added to a payment


def test_an_older_export_with_fewer_columns_imports(data_dir, tmp_path):
    old = tmp_path / "acled_2013.csv"
    old.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,"
        "location,latitude,longitude,fatalities\n"
        "MLI8001,5 February 2013,Battles,Armed clash,Tuaregs,,Kidal,18.44,1.41,2\n",
        encoding="utf-8",
    )
    summary = import_acled(old, data_dir)
    event = load_dataset(data_dir).events.set_index("event_id").loc["acled-MLI8001"]
    assert (summary.added, event["date"], event["actor1"]) == (1, "2013-02-05", "tuareg")
    assert pd.isna(event["country"]) and pd.isna(event["geo_precision"])


@pytest.mark.notebook
def test_a_full_report_runs_over_imported_data(data_dir, tmp_path):
    import json
    import os
    import subprocess
    import sys

    import_acled(SAMPLE, data_dir)
    import_gtd(GTD, data_dir)
    assert main(["validate", str(data_dir)]) == 0
    command = Path(sys.executable).parent / "sahel-nb"
    done = subprocess.run(
        [command, "report", "--out", str(tmp_path / "reports"), "--jobs", "2"],
        env={**os.environ, "SAHEL_NB_DATA": str(data_dir)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    latest = tmp_path / "reports" / "latest"
    manifest = json.loads((latest / "manifest.json").read_text())
    assert {run["status"] for run in manifest["runs"]} == {"ok"}
    page = (latest / "situation_report" / "situation_report.html").read_text(encoding="utf-8")
    assert "Imported datasets" in page and "ransom demand" in page


def test_gtd_workbook_imports_like_its_csv(data_dir, tmp_path):
    # START ships GTD as an Excel workbook; numbers there are numbers (3000000.0, -99).
    workbook = tmp_path / "globalterrorismdb_sample.xlsx"
    pd.read_csv(GTD).to_excel(workbook, index=False, engine="openpyxl")
    from_csv = tmp_path / "from_csv"
    shutil.copytree(data_dir, from_csv)
    import_gtd(GTD, from_csv)
    summary = import_gtd(workbook, data_dir)
    assert (summary.added, summary.flows, summary.skipped) == (
        3, 2, {"not a hostage-taking (ishostkid is not 1)": 1},
    )  # fmt: skip
    columns = ["event_id", "date", "hostages", "fatalities", "country", "description", "locator"]
    events = load_dataset(data_dir).events
    expected = load_dataset(from_csv).events
    imported = events[events["event_id"].str.startswith("gtd-").to_numpy(bool)][columns]
    assert imported.reset_index(drop=True).equals(
        expected[expected["event_id"].str.startswith("gtd-").to_numpy(bool)][columns].reset_index(
            drop=True
        )
    )
    sources = load_dataset(data_dir).sources.set_index("source_id")
    assert "workbook's first sheet" in sources.loc[summary.source_id, "notes"]


def test_a_bad_workbook_cell_is_named_by_its_sheet_row(data_dir, tmp_path):
    frame = pd.read_csv(GTD)
    frame.loc[3, "nhostkid"] = -5
    workbook = tmp_path / "bad.xlsx"
    frame.to_excel(workbook, index=False, engine="openpyxl")
    with pytest.raises(DataValidationError) as caught:
        import_gtd(workbook, data_dir)
    assert [str(p) for p in caught.value.problems] == [
        f"{workbook}:5: nhostkid: is negative; GTD writes an unknown as -9 or -99 ('-5')"
    ]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(DataValidationError, match="is not a readable Excel workbook"):
        import_gtd(broken, data_dir)
