"""ACLED import: every layout, old event types, dates, one row per actor, links, idempotency, atomicity."""

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sahel_nb import DataValidationError, load_dataset
from sahel_nb.cli import main
from sahel_nb.interop import import_acled, read_acled

ROOT = Path(__file__).parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "acled"
SAMPLE = FIXTURES / "mali_sample.csv"
#: Made-up exports in each layout ACLED has shipped (tests/fixtures/make_import_fixtures.py).
LAYOUTS = [
    "mali_sample.csv",
    "today_text_codes.csv",
    "api_numeric_codes.csv",
    "export_2020.csv",
    "export_2019_old_types.csv",
    "upper_case_2016.csv",
    "one_row_per_actor.csv",
    "written_by_r.csv",
    "resaved_day_first.csv",
    "resaved_month_first.csv",
    "resaved_month_names.csv",
]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def _events(data_dir: Path) -> pd.DataFrame:
    return load_dataset(data_dir).events.set_index("event_id")


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
    # The source is cited by the file it came from, as GTD's and UCDP's are.
    assert sources.loc[summary.source_id, "title"] == f"ACLED export {SAMPLE.name}"


def test_actors_resolve_through_aliases_and_mapping_file_and_the_rest_are_listed(data_dir):
    (data_dir / "actor_mappings.csv").write_text(
        "dataset,external_name,actor_id,note\n"
        "acled,AQIM: Al Qaeda in the Islamic Maghreb,aqim,ACLED's name for AQIM\n"
    )
    summary = import_acled(SAMPLE, data_dir)
    events = load_dataset(data_dir).events.set_index("event_id")
    assert events.loc["acled-MLI9001", "actor1"] == "aqim"  # through the mapping file
    assert list(events.loc["acled-MLI9002", "assoc_actors"]) == ["tuareg"]  # through an alias
    # GTD-style "full name (ABBR)": both parts are names of the curated aqim.
    assert events.loc["acled-MLI9002", "actor1"] == "aqim"
    created = {a["name"]: a for a in summary.new_actors}
    assert set(created) == {"Military Forces of Mali (2002-2012)", "Civilians (Mali)"}
    assert created["Military Forces of Mali (2002-2012)"]["actor_type"] == "security forces"
    with open(summary.review_file, newline="", encoding="utf-8") as handle:
        review = {row["name"]: row for row in csv.DictReader(handle)}
    assert set(review) == set(created)
    # Close curated names are suggested for review, never applied.
    assert "mali-army" in review["Military Forces of Mali (2002-2012)"]["close_curated_actors"]
    assert events.loc["acled-MLI9001", "actor2"].startswith("acled-")


def test_an_event_the_curated_data_already_tells_becomes_another_report_of_its_claim(data_dir):
    summary = import_acled(SAMPLE, data_dir)
    assert summary.linked == [("acled-MLI9003", "c-2008-merdaci-arrest")]
    events = load_dataset(data_dir).events.set_index("event_id")
    # Nothing dropped: the record is a row, sharing the curated claim.
    assert events.loc["acled-MLI9003", "claim_id"] == "c-2008-merdaci-arrest"
    assert not (data_dir / "event_links.csv").exists()
    assert (summary.read, summary.added, summary.accounted) == (3, 2, 3)


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
    assert "3 rows read" in out and "2 events added, 1 added as reports of events already" in out
    assert main(["validate", str(data_dir)]) == 0


def test_the_situation_report_counts_imported_events_and_cites_their_rows(data_dir):
    from sahel_nb import situation_report

    summary = import_acled(SAMPLE, data_dir)
    report = situation_report(load_dataset(data_dir))
    told = dict(report.sections)
    (counted,) = told["Imported datasets"]
    # The export is cited by its vintage: the year of its newest record's timestamp.
    assert counted.text.startswith("ACLED 2020 records 2 events in 2012, with 3 deaths recorded")
    (note,) = [n for n in report.notes if n.startswith(f"[{counted.notes[0]}] ")]
    assert note.endswith("ACLED 2020, rows 1–2")
    assert any(summary.source_id in line or "ACLED export" in line for line in report.sources)
    # Imported rows are counted, never told one by one (there can be a million).
    kidnappings = " ".join(s.text for s in told["Kidnappings and ransom money"])
    assert "2012" not in kidnappings


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


# -- every layout ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LAYOUTS)
def test_each_layout_imports_validates_and_imports_again_with_no_change(name, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)  # with the committed mappings
    summary = import_acled(FIXTURES / name, data)
    assert summary.added + len(summary.linked) + sum(summary.skipped.values()) > 0
    assert main(["validate", str(data)]) == 0
    after = _snapshot(data)
    again = import_acled(FIXTURES / name, data)
    assert _snapshot(data) == after
    assert again.added == 0 and again.new_actors == [] and not again.remapped


def test_today_export_with_text_codes_types_actors_and_spans_the_week(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    summary = import_acled(FIXTURES / "today_text_codes.csv", data)
    events = _events(data)
    battle = events.loc["acled-MLI7001"]
    # The committed mapping file: ACLED's spellings of curated actors.
    assert (battle["actor1"], battle["actor2"]) == ("aqim", "mali-army")
    # time_precision 2: the week around ACLED's day, never a day.
    assert events.loc["acled-MLI7002", "date"] == "2024-03-10/2024-03-16"
    created = {a["name"]: a for a in summary.new_actors}
    assert created["Civilians (Mali)"]["actor_type"] == "civilian population"
    assert created["Protesters (Burkina Faso)"]["actor_type"] == "civilian population"
    # An associated actor takes its side's code: the students protest, they do not fight.
    assert created["Students (Burkina Faso)"]["actor_type"] == "civilian population"
    assert created["Made-up Teachers' Union"]["actor_type"] == "civilian population"
    assert created["Unidentified Armed Group (Mali)"]["actor_type"] == "armed group"
    assert {n for n, a in created.items() if a["unnamed"] == "true"} == {
        "Civilians (Mali)",
        "Protesters (Burkina Faso)",
        "Students (Burkina Faso)",
        "Unidentified Armed Group (Mali)",
    }


def test_the_2020_export_reads_iso3_and_long_dates(data_dir):
    import_acled(FIXTURES / "export_2020.csv", data_dir)
    event = _events(data_dir).loc["acled-MLI6101"]
    assert (event["date"], event["country"], event["fatalities"]) == ("2020-02-22", "MLI", 3)


def test_old_event_types_map_to_todays_and_the_rest_are_skipped_saying_why(data_dir):
    summary = import_acled(FIXTURES / "export_2019_old_types.csv", data_dir)
    events = _events(data_dir)
    clash, base = events.loc["acled-MLI5101"], events.loc["acled-MLI5104"]
    assert (clash["event_type"], clash["sub_event_type"]) == ("Battles", "Armed clash")
    assert "before March 2019: Battle-No change of territory" in clash["description"]
    assert (base["event_type"], base["sub_event_type"]) == (
        "Strategic developments",
        "Headquarters or base established",
    )
    # No sub-event type follows from these old types: said, not guessed.
    kinds = events.loc[["acled-MLI5102", "acled-MLI5105"], ["event_type", "sub_event_type"]]
    assert kinds.values.tolist() == [
        ["Explosions/Remote violence", "Not specified"],
        ["Strategic developments", "Not specified"],
    ]
    assert "before March 2019: Remote violence" in events.loc["acled-MLI5102", "description"]
    # Riots/Protests by who acts: rioters make a riot, protesters met by police a protest.
    assert events.loc["acled-MLI5106", "event_type"] == "Riots"
    assert events.loc["acled-MLI5107", "event_type"] == "Protests"
    # AQIM against the army under "Riots/Protests": neither can be told, so skipped.
    assert summary.added == 6
    assert list(summary.skipped.values()) == [1]
    assert "'Riots/Protests' with no rioters (code 5) or protesters" in " ".join(summary.skipped)
    with open(data_dir / "imports" / f"{summary.source_id}-skipped.csv", encoding="utf-8") as f:
        skipped = list(csv.DictReader(f))
    assert [row["event_id_cnty"] for row in skipped] == ["MLI5103"]
    assert "skipped 1: ACLED's pre-2019 type 'Riots/Protests'" in str(summary)


def test_upper_case_files_with_ally_actors_and_month_names(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    import_acled(FIXTURES / "upper_case_2016.csv", data)
    events = _events(data)
    taken = events.loc["acled-MLI4101"]
    assert (taken["date"], taken["actor1"], list(taken["assoc_actors"])) == (
        "2015-01-01", "al-mourabitoun", ["aqim"],
    )  # fmt: skip
    assert taken["sub_event_type"] == "Non-state actor overtakes territory"
    assert taken["country"] == "MLI"  # from the name: GWNO 432 is not ISO's 466
    assert events.loc["acled-MLI4102", "date"] == "2016-06"


def test_one_row_per_actor_keeps_every_actor_of_the_event(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    summary = import_acled(FIXTURES / "one_row_per_actor.csv", data)
    assert (summary.read, summary.added, summary.merged, summary.already) == (5, 2, 3, 0)
    events = _events(data)
    first, second = events.loc["acled-MLI6317"], events.loc["acled-MLI6318"]
    assert (first["actor1"], first["actor2"]) == ("mali-army", "al-mourabitoun")
    assert second["actor2"] == "mali-army" and list(second["assoc_actors"]) == ["aqim"]
    assert second["actor1"].startswith("acled-made-up-militia")
    assert first["locator"] == "row 1"


def test_r_written_na_is_no_actor(data_dir):
    summary = import_acled(FIXTURES / "written_by_r.csv", data_dir)
    assert all(a["name"] not in ("NA", "N/A") for a in summary.new_actors)
    events = _events(data_dir)
    assert list(events.loc["acled-MLI6401", "assoc_actors"]) == []
    assert pd.isna(events.loc["acled-MLI6402", "actor2"])
    assert pd.isna(events.loc["acled-MLI6402", "fatalities"])  # unknown, not 0
    assert "NA" not in set(load_dataset(data_dir).actors["name"])


@pytest.mark.parametrize(
    "name", ["resaved_day_first.csv", "resaved_month_first.csv", "resaved_month_names.csv"]
)
def test_spreadsheet_resaves_give_the_same_days(data_dir, name):
    import_acled(FIXTURES / name, data_dir)
    events = _events(data_dir)
    assert events.loc["acled-MLI6501", "date"] == "2019-12-31"
    assert events.loc["acled-MLI6502", "date"] == "2020-01-09"
    assert events.loc["acled-MLI6502", "fatalities"] == 1  # "1.0" as a spreadsheet wrote it


def test_an_undecidable_date_order_refuses_the_file_in_one_message(data_dir):
    before = _snapshot(data_dir)
    with pytest.raises(DataValidationError) as caught:
        import_acled(FIXTURES / "resaved_ambiguous.csv", data_dir)
    (problem,) = caught.value.problems
    assert str(problem) == (
        f"{FIXTURES / 'resaved_ambiguous.csv'}: event_date: day and month cannot be told apart "
        "('05-06-19' and '07-08-19' read either way); save the file again with dates as "
        "YYYY-MM-DD, or with month names"
    )
    assert _snapshot(data_dir) == before


def test_a_date_outside_its_year_column_is_named(tmp_path, data_dir):
    path = tmp_path / "wrong_year.csv"
    text = (FIXTURES / "export_2020.csv").read_text(encoding="utf-8")
    path.write_text(text.replace("22 February 2020,2020", "22 February 2020,2019"), "utf-8")
    _, problems = read_acled(path)
    assert [str(p) for p in problems] == [
        f"{path}:2: event_date: is not in the year the year column gives ('22 February 2020')"
    ]


ZERO_CODES = FIXTURES / "zero_codes.csv"


def test_a_zero_actor_code_is_no_actor_and_only_real_mismatches_are_said(data_dir):
    summary = import_acled(ZERO_CODES, data_dir)
    assert summary.added == 6 and summary.accounted == summary.read
    events = _events(data_dir)
    assert pd.isna(events.loc["acled-MLI9201", "actor2"])  # inter2 0: no one on that side
    assert pd.isna(events.loc["acled-MLI9202", "actor2"])  # written 0.0 by a spreadsheet
    # A name beside a 0 is a real mismatch: imported as written, and said once.
    assert summary.notes == ["1 row names actor2 while inter2 is 0 (no actor); imported as written"]
    assert "note: 1 row names actor2" in str(summary)


def test_a_code_that_is_no_acled_code_is_still_refused(data_dir, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(ZERO_CODES.read_text(encoding="utf-8").replace(",6,,,0,60,", ",6,,,9,60,"))
    _, problems = read_acled(bad)
    assert [str(p) for p in problems] == [
        f"{bad}:2: inter2: is not an ACLED actor code (0 for no actor, 1 to 8, or a label such "
        "as State forces) ('9')"
    ]


def test_a_record_without_an_event_id_is_kept_under_acleds_record_number(data_dir):
    import_acled(ZERO_CODES, data_dir)
    event = _events(data_dir).loc["acled-data-9000006"]
    assert event["description"].startswith(
        "ACLED record 9000006 (the export gives it no event id) is coded Mob violence, a kind "
        "of Riots"
    )


def test_descriptions_read_as_sentences_whatever_the_vintage(data_dir):
    import_acled(FIXTURES / "export_2019_old_types.csv", data_dir)
    import_acled(ZERO_CODES, data_dir)
    descriptions = _events(data_dir)["description"]
    imported = descriptions[descriptions.index.str.startswith("acled-")]
    assert not imported.str.contains("Not specified").any()
    assert imported.str.match(r"ACLED (event|record) \S+ .*is coded [A-Z]").all()
    assert imported.str.endswith(".").all()
    old = imported[imported.str.contains("before March 2019")]
    assert len(old) and old.str.contains(", with no sub-event type|, a kind of ").all()


def test_periods_and_abbreviations_resolve_to_curated_actors_and_types_follow_acled(tmp_path):
    # The committed mappings list some of ACLED's periods: the others resolve too.
    data = Path(shutil.copytree(ROOT / "data", tmp_path / "data"))
    summary = import_acled(ZERO_CODES, data)
    events = _events(data)
    assert events.loc["acled-MLI9203", "actor1"] == "mali-army"  # (2020-2021) is mapped
    assert events.loc["acled-MLI9204", "actor2"] == "algerian-army"  # (1999-2019) is not
    assert events.loc["acled-MLI9204", "actor1"] == "gspc"  # "GSPC: ... Call and Combat"
    # Associated with the civilians attacked: still the government, never a civilian population.
    assert "mali-gov" in list(events.loc["acled-MLI9203", "assoc_actors"])
    created = {a["name"]: a["actor_type"] for a in summary.new_actors}
    assert created["Government of Niger (2011-)"] == "government"


def test_control_characters_in_an_export_become_spaces_and_the_import_stands(tmp_path, data_dir):
    # The data's checks refuse a control character in a cell; an export's
    # text is not ours to refuse, so it arrives with a space in its place.
    rows = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    rows.loc[0, "location"] = "Tessalit\x0bcamp\x1b[2J"
    rows.loc[1, "actor1"] = rows.loc[1, "actor1"] + "\x07"
    export = tmp_path / "export.csv"
    rows.to_csv(export, index=False)
    import_acled(export, data_dir)
    data = load_dataset(data_dir)  # loads: every cell passed the checks
    text = "".join(data.events["location"].dropna()) + "".join(data.actors["name"])
    assert not any(ord(c) < 32 for c in text)
    assert data.events.set_index("event_id").loc["acled-MLI9001", "location"] == "Tessalit camp [2J"


def test_a_row_coded_for_another_country_than_its_name_is_placed_by_the_code_and_said(
    data_dir, tmp_path
):
    rows = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    rows.loc[1, "iso"] = "854"  # Burkina Faso's code on a row of Mali
    path = tmp_path / "other_country.csv"
    rows.to_csv(path, index=False)
    summary = import_acled(path, data_dir)
    events = _events(data_dir)
    assert events.loc[f"acled-{rows.loc[1, 'event_id_cnty']}", "country"] == "BFA"
    [note] = [n for n in summary.notes if "country code" in n]
    assert "(row 2: BFA, Mali)" in note
