"""GTD import: START's workbook and CSVs, partial dates, fractional deaths, ransoms, links, reports."""

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sahel_nb import DataValidationError, load_dataset
from sahel_nb.cli import main
from sahel_nb.flows import flow_summary, ransom_table
from sahel_nb.interop import import_acled, import_gtd
from sahel_nb.paths import NOTEBOOKS_DIR

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "gtd"
GTD = FIXTURES / "sahel_sample.csv"
#: Made-up: a 1993 ransom, fractional deaths, AQIM in two spellings (make_import_fixtures.py).
WORKBOOK = FIXTURES / "gtd_workbook_1993.xlsx"
PANDAS_CSV = FIXTURES / "gtd_written_by_pandas.csv"
SAMPLE = Path(__file__).parent / "fixtures" / "acled" / "mali_sample.csv"


@pytest.fixture
def mapped_dir(tmp_path):
    target = tmp_path / "mapped"
    shutil.copytree(ROOT / "data", target)  # with the committed mappings
    return target


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


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
    name = "Movement for Oneness and Jihad in West Africa (MUJAO)"
    (data_dir / "actor_mappings.csv").write_text(
        f"dataset,external_name,actor_id,note\nacled,{name},aqim,for ACLED only (made up)\n"
    )
    summary = import_gtd(GTD, data_dir)
    assert name in {a["name"] for a in summary.new_actors}


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


def test_a_gtd_kidnapping_told_by_a_curated_event_joins_its_claim(data_dir):
    import csv

    row = {
        "event_id": "ev-test-gao-kidnapping", "date": "2012-04",
        "event_type": "Violence against civilians",
        "sub_event_type": "Abduction/forced disappearance", "actor1": "aqim",
        "location": "Gao", "admin1": "Gao", "country": "MLI", "latitude": "16.2717",
        "longitude": "-0.0447", "geo_precision": "1", "hostages": "7",
        "description": "Test row: a curated kidnapping in Gao in April 2012.",
        "status": "reported", "credibility": "3", "source_id": "guitta-2010", "locator": "¶6",
    }  # fmt: skip
    with open(data_dir / "events.csv", encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with open(data_dir / "events.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow([row.get(c, "") for c in header])
    summary = import_gtd(GTD, data_dir)
    assert summary.linked == [("gtd-201204050004", "ev-test-gao-kidnapping")]
    events = load_dataset(data_dir).events.set_index("event_id")
    assert events.loc["gtd-201204050004", "claim_id"] == "ev-test-gao-kidnapping"


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
    assert "Read from the workbook's" in sources.loc[summary.source_id, "notes"]


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


# -- START's files as they ship ----------------------------------------------------------------


@pytest.mark.parametrize("path", [WORKBOOK, PANDAS_CSV, GTD])
def test_each_gtd_form_imports_validates_and_imports_again_with_no_change(mapped_dir, path):
    summary = import_gtd(path, mapped_dir)
    assert summary.added == 3
    assert main(["validate", str(mapped_dir)]) == 0
    after = _snapshot(mapped_dir)
    again = import_gtd(path, mapped_dir)
    assert _snapshot(mapped_dir) == after and again.added == 0


def test_fractional_deaths_are_accepted_rounded_half_up_and_given_as_gtd_gives_them(mapped_dir):
    import_gtd(WORKBOOK, mapped_dir)
    events = load_dataset(mapped_dir).events.set_index("event_id")
    shared = events.loc["gtd-200804010003"]
    assert shared["fatalities"] == 20  # 19.8
    assert (
        "GTD gives 19.8 deaths, this part's share of a multi-part attack" in (shared["description"])
    )
    assert "GTD gives 1.3333333333 wounded" in shared["description"]
    assert events.loc["gtd-199306150001", "fatalities"] == 1  # 0.5, half up
    assert events.loc["gtd-201103020004", "fatalities"] == 1  # 1.333
    # approxdate kept, the date itself never padded to a day.
    assert shared["date"] == "2008-04"
    assert "GTD's approximate date: early April 2008 (made up)" in shared["description"]


def test_a_pandas_written_csv_reads_as_its_workbook(tmp_path, mapped_dir):
    other = tmp_path / "other"
    shutil.copytree(mapped_dir, other)
    import_gtd(WORKBOOK, mapped_dir)
    import_gtd(PANDAS_CSV, other)
    columns = ["event_id", "date", "hostages", "fatalities", "actor1", "description"]
    ours = load_dataset(mapped_dir).events
    theirs = load_dataset(other).events
    assert ours[columns].equals(theirs[columns])
    assert set(ours["event_id"]) >= {"gtd-199306150001"}  # not gtd-199306150001.0


def test_aqim_in_gtd_spellings_resolves_through_the_committed_mappings(mapped_dir):
    summary = import_gtd(WORKBOOK, mapped_dir)
    events = load_dataset(mapped_dir).events.set_index("event_id")
    assert events.loc["gtd-200804010003", "actor1"] == "aqim"  # AQLIM
    # GTD's later "Salafist Group for Preaching and Fighting (GSPC)" is in no real
    # export here, so no mapping: it is listed for review beside the curated gspc.
    (gspc,) = [a for a in summary.new_actors if a["name"].endswith("(GSPC)")]
    assert list(events.loc["gtd-200804010003", "assoc_actors"]) == [gspc["actor_id"]]
    with open(summary.review_file, encoding="utf-8", newline="") as handle:
        hint = next(r for r in csv.DictReader(handle) if r["actor_id"] == gspc["actor_id"])
    assert "gspc" in hint["close_curated_actors"]
    assert events.loc["gtd-201103020004", "actor1"] == "aqim"  # AQIM
    assert events.loc["gtd-199306150001", "actor1"] == "gia"
    actors = load_dataset(mapped_dir).actors.set_index("actor_id")
    (gunmen,) = events.loc["gtd-201103020004", "assoc_actors"]
    assert actors.loc[gunmen, "unnamed"]  # "Gunmen": a catch-all, not one actor


def test_a_1993_ransom_converts_and_the_ransom_calls_of_the_notebooks_run(mapped_dir):
    from sahel_nb.narrative import describe_ransoms, situation_report

    import_gtd(WORKBOOK, mapped_dir)
    dataset = load_dataset(mapped_dir)
    table = ransom_table(dataset, base_year=2024).set_index("event_id")
    paid = table.loc["gtd-199306150001"]
    assert paid["usd"] == 250_000  # dollars need no rate, in 1993 as in any year
    assert paid["usd_2024"] == pytest.approx(250_000 * 313.689 / 144.5)  # CPI-U 2024 / 1993
    assert pd.isna(paid["not_converted"])
    by_payee = flow_summary(dataset, by="payee", base_year=2024)
    assert by_payee.loc["Armed Islamic Group", "claims_not_converted"] == 0
    assert "250,000" in describe_ransoms(table.reset_index(), 2024)
    text = str(situation_report(dataset, base_year=2024))
    assert "Imported datasets" in text


@pytest.mark.notebook
def test_a_full_report_runs_over_imported_data(mapped_dir, tmp_path):
    import json
    import os
    import subprocess
    import sys

    import_acled(SAMPLE, mapped_dir)
    import_gtd(GTD, mapped_dir)
    # START's workbook with a 1993 ransom: the report converts it, nothing fails.
    import_gtd(WORKBOOK, mapped_dir)
    assert main(["validate", str(mapped_dir)]) == 0
    command = Path(sys.executable).parent / "sahel-nb"
    # The shipped assessment's cut-off (2010) rightly leaves these later imports out of
    # its report; the evidence-only situation report shows them.
    config = tmp_path / "reports.yml"
    config.write_text(
        f"notebooks: {NOTEBOOKS_DIR}\n"
        "runs:\n"
        "  - notebook: situation_report\n"
        "    parameters: {assessment: null, base_year: 2024}\n"
        "  - notebook: ransom_flows\n"
        "  - notebook: event_timeline\n"
        "  - notebook: alliance_network\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [command, "report", "--config", config, "--out", str(tmp_path / "reports"), "--jobs", "2"],
        env={**os.environ, "SAHEL_NB_DATA": str(mapped_dir)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    latest = tmp_path / "reports" / "latest"
    manifest = json.loads((latest / "manifest.json").read_text())
    assert {run["status"] for run in manifest["runs"]} == {"ok"}
    page = (latest / "situation_report" / "situation_report.html").read_text(encoding="utf-8")
    assert "Imported datasets" in page and "ransom demand" in page
    pages = " ".join(p.read_text(encoding="utf-8") for p in latest.rglob("*.html"))
    assert "1993" in pages


def test_gtd_country_names_map_to_iso_codes_and_an_unknown_one_is_said(data_dir, tmp_path):
    text = GTD.read_text(encoding="utf-8")
    renamed = tmp_path / "countries.csv"
    # GTD's historic and unusual names; one made-up name no table can know.
    renamed.write_text(
        text.replace(",118,Mali,", ",362,West Germany (FRG),", 1).replace(
            ",128,Niger,", ",999,Atlantis,", 1
        ),
        encoding="utf-8",
    )
    summary = import_gtd(renamed, data_dir)
    events = load_dataset(data_dir).events.set_index("event_id")
    assert events.loc["gtd-200912150001", "country"] == "DEU"
    assert pd.isna(events.loc["gtd-201001010002", "country"])
    assert summary.notes == [
        "1 rows give the country 'Atlantis', which has no ISO 3166 code here: their country "
        "is left empty (add the name to sahel_nb/reference/gtd_countries.csv)"
    ]


def test_a_windowed_report_counts_imported_kidnappings_and_their_ransoms(data_dir):
    from sahel_nb.narrative import situation_report

    import_gtd(GTD, data_dir)
    dataset = load_dataset(data_dir)
    imported = dataset.events[dataset.events["source_id"].str.startswith("gtd-").to_numpy(bool)]
    in_2009 = imported[imported["date"].str.startswith("2009").to_numpy(bool)]
    assert len(in_2009) and dataset.flows["date"].isna().any()  # GTD gives no day of payment
    report = situation_report(dataset, start="2009", end="2009")
    told = {heading: [str(s) for s in sentences] for heading, sentences in report.sections}
    kidnappings = " ".join(told["Kidnappings and ransom money"])
    assert f"records {len(in_2009)} kidnapping" in kidnappings
    # The ransom paid for a 2009 kidnapping is in a 2009 window, though undated itself.
    assert "records 1 ransom payment (reported) of 3,000,000 USD" in " ".join(
        told["Imported datasets"]
    )


def test_the_description_says_nothing_for_the_empty_marks_of_older_releases():
    from sahel_nb.interop.gtd import GTD_COLUMNS, _description

    # The 2012 release writes "." for no outcome and a code for the country.
    values = {c: "" for c in GTD_COLUMNS}
    values |= {"eventid": "199301010001", "hostkidoutcome_txt": ".", "kidhijcountry": "4"}
    cols = {c: pd.Series([v]) for c, v in values.items()}
    counts = {
        c: pd.Series([""]) for c in ("nhostkid", "nhostkidus", "nhours", "ndays", "nreleased")
    }
    counts |= {"ndays": pd.Series(["1"]), "nkill": pd.Series([""]), "nwound": pd.Series([""])}
    [said] = _description(cols, counts)
    assert "held 1 day;" in said and "outcome" not in said and "ended in" not in said
