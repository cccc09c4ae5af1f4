"""UCDP GED import: dates as intervals, death ranges, sides as actors, JSON pages, matching, idempotency.

No real UCDP file is at hand: the fixture is made up, in GED's column layout (version 23 and
later, 49 columns), and proves nothing about real files.
"""

import csv
import dataclasses
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sahel_nb import DataValidationError, load_dataset
from sahel_nb.cli import main
from sahel_nb.crosswalk import load_crosswalk
from sahel_nb.interop import import_acled, import_ucdp, read_ucdp
from sahel_nb.interop.ucdp import UCDP_TYPES

FIXTURES = Path(__file__).parent / "fixtures"
GED = FIXTURES / "ucdp" / "ged_sample.csv"


@pytest.fixture
def mapped(data_dir):
    shutil.copy(Path(__file__).parents[1] / "data" / "actor_mappings.csv", data_dir)
    return data_dir


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def test_ged_rows_become_events_with_intervals_death_ranges_and_resolved_sides(mapped):
    summary = import_ucdp(GED, mapped)
    assert (summary.read, summary.added, summary.accounted) == (4, 4, 4)
    events = load_dataset(mapped).events.set_index("event_id")
    gao, kidal, niger = (events.loc[f"ucdp-90000{n}"] for n in (1, 2, 3))
    assert gao["date"] == "2012-04-05"
    assert kidal["date"] == "2012-06-01/2012-06-30"  # date_prec 4: the month UCDP gives
    assert (gao["event_type"], gao["sub_event_type"]) == ("Battles", "Armed clash")
    assert kidal["event_type"] == "Violence against civilians"
    assert gao["fatalities"] == 3 and "low 2, high 5" in gao["description"]
    assert gao["actor2"] == "aqim" and kidal["actor1"] == "aqim"
    # where_prec 6: only the country is known, so the event is placed by it alone.
    assert pd.isna(niger["latitude"]) and niger["country"] == "NER"
    assert gao["source_id"].startswith("ucdp-") and gao["locator"] == "row 1"


def test_ucdp_types_agree_with_the_crosswalk():
    crosswalk = load_crosswalk()
    names = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
    for code, (kind, sub) in UCDP_TYPES.items():
        assert crosswalk.of("ucdp", code, names[code]) == crosswalk.of("curated", kind, sub)


def test_importing_twice_changes_nothing_and_json_pages_import_the_same(mapped, tmp_path):
    import_ucdp(GED, mapped)
    after = _snapshot(mapped)
    again = import_ucdp(GED, mapped)
    assert _snapshot(mapped) == after and again.added == 0 and again.already == 4
    records = pd.read_csv(GED, dtype=str, keep_default_na=False).to_dict("records")
    for record in records:  # the API writes ISO timestamps
        for name in ("date_start", "date_end"):
            record[name] = record[name][:10] + "T00:00:00"
    page = tmp_path / "ged_page.json"
    page.write_text(json.dumps({"TotalCount": 4, "TotalPages": 1, "Result": records}))
    rows, problems = read_ucdp(page)
    assert problems == [] and len(rows) == 4
    other = tmp_path / "other"
    shutil.copytree(mapped.parent / "data", other)
    summary = import_ucdp(page, other)
    assert summary.already == 4  # the same events, whichever form they came in


def test_an_older_ged_layout_imports_as_the_newer_does(mapped, tmp_path):
    # Older GED releases (5.0 among them) name the death estimates best_est,
    # low_est and high_est, and lack columns added since (relid, code_status).
    older = pd.read_csv(GED, dtype=str, keep_default_na=False)
    older = older.drop(columns=["relid", "code_status", "where_description"])
    older = older.rename(columns={"best": "best_est", "low": "low_est", "high": "high_est"})
    path = tmp_path / "ged50.csv"
    older.to_csv(path, index=False)
    rows, problems = read_ucdp(path)
    assert problems == [] and len(rows) == 4
    other = tmp_path / "other"
    shutil.copytree(mapped, other)
    import_ucdp(GED, mapped)
    summary = import_ucdp(path, other)
    assert summary.added == 4
    shown = ["event_id", "date", "fatalities", "actor1", "actor2", "description"]
    newer = load_dataset(mapped).events[shown].reset_index(drop=True)
    assert load_dataset(other).events[shown].reset_index(drop=True).equals(newer)


def test_a_ucdp_event_an_acled_record_tells_becomes_one_claim(mapped, tmp_path):
    acled_header = (FIXTURES / "acled" / "mali_sample.csv").read_text().splitlines()[0]
    acled = tmp_path / "acled.csv"
    acled.write_text(
        acled_header + "\n"
        "MLI7001,2012-04-06,2012,1,Political violence,Battles,Armed clash,"
        "Military Forces of Mali (2002-2012),,1,AQIM: Al Qaeda in the Islamic Maghreb,,2,12,,466,"
        "Western Africa,Mali,Gao,Gao,Gao,Gao,16.2717,-0.0447,1,Made-up source,National,"
        "Made-up row for tests.,2,,1600000000\n"
    )
    import_acled(acled, mapped)
    summary = import_ucdp(GED, mapped)
    assert summary.linked == [("ucdp-900001", "acled-MLI7001")]
    events = load_dataset(mapped).events.set_index("event_id")
    assert events.loc["ucdp-900001", "claim_id"] == "acled-MLI7001"
    # The deaths disagree (2 and 3): both rows are kept, each saying its own.
    assert sorted(events.loc[["acled-MLI7001", "ucdp-900001"], "fatalities"]) == [2, 3]


def test_a_malformed_ged_export_lists_every_problem_and_writes_nothing(mapped, tmp_path):
    bad = tmp_path / "bad.csv"
    text = GED.read_text()
    text = text.replace(",1,1,2012-04-05 00:00:00.000,", ",1,9,2012-04-05 00:00:00.000,", 1)
    text = text.replace("4,6,4,,", "7,6,4,,")  # best above high
    lines = text.splitlines()
    lines[3] = re.sub(
        r",\d{4}-(\d\d-\d\d)", r",0000-\1", lines[3], count=1
    )  # year 0: pandas reads it
    bad.write_text("\n".join(lines) + "\n")
    before = _snapshot(mapped)
    with pytest.raises(DataValidationError) as caught:
        import_ucdp(bad, mapped)
    said = [str(p) for p in caught.value.problems]
    assert said[:2] == [
        f"{bad}:2: date_prec: must be 1 to 5 ('9')",
        f"{bad}:3: best: is not between low and high ('7')",
    ]
    # The export's own line, never a line of the import's staging folder.
    assert said[2:] and all(p.startswith(f"{bad}:4: date_") and "1946" in p for p in said[2:])
    assert _snapshot(mapped) == before


def test_cli_imports_ucdp(mapped, capsys):
    assert main(["import", "ucdp", str(GED), "--into", str(mapped)]) == 0
    assert "4 rows read" in capsys.readouterr().out


def test_api_pages_saved_one_per_line_are_read_as_their_records(tmp_path):
    records = pd.read_csv(GED, dtype=str, keep_default_na=False).to_dict("records")
    pages = [
        {"TotalCount": 4, "TotalPages": 2, "Result": records[:2]},
        {"TotalCount": 4, "TotalPages": 2, "Result": records[2:]},
    ]
    path = tmp_path / "ged_pages.json"
    path.write_text("\n".join(json.dumps(page) for page in pages) + "\n")
    rows, problems = read_ucdp(path)
    assert problems == [] and len(rows) == 4
    # A failed page among them is said, not read as records.
    pages[1] = {"success": False, "error": "too many requests"}
    path.write_text("\n".join(json.dumps(page) for page in pages) + "\n")
    rows, problems = read_ucdp(path)
    assert len(problems) == 1 and "too many requests" in problems[0].message


def test_a_repeated_event_is_added_once_and_a_reused_id_is_refused(mapped, tmp_path):
    text = GED.read_text(encoding="utf-8").splitlines()
    overlapping = tmp_path / "overlap.csv"
    overlapping.write_text("\n".join([*text, text[1]]) + "\n", encoding="utf-8")
    summary = import_ucdp(overlapping, mapped)
    assert summary.added == 4 and summary.already == 0
    assert any("repeats an earlier row" in note for note in summary.notes)
    # The same id with other values: two records cannot both be UCDP's event.
    header = text[0].split(",")
    changed = text[1].split(",")
    changed[header.index("best")] = str(int(changed[header.index("best")]) + 1)
    changed[header.index("high")] = str(int(changed[header.index("high")]) + 1)
    clash = tmp_path / "clash.csv"
    clash.write_text("\n".join([*text, ",".join(changed)]) + "\n", encoding="utf-8")
    _, problems = read_ucdp(clash)
    assert [(p.line, p.column) for p in problems] == [(len(text) + 1, "id")]
    assert "other values" in problems[0].message


def test_ucdps_civilians_are_a_civilian_population_named_by_no_one(mapped):
    import_ucdp(GED, mapped)
    actors = load_dataset(mapped).actors.set_index("name")
    assert actors.loc["Civilians", "actor_type"] == "civilian population"
    assert bool(actors.loc["Civilians", "unnamed"])


def test_deaths_are_kept_as_a_range_and_said_as_one(mapped, tmp_path):
    from sahel_nb.differences import report_differences

    summary = import_ucdp(GED, mapped)
    assert not any("fatalities_low" in note for note in summary.notes)  # the folder has them
    data = load_dataset(mapped)
    gao = data.events.set_index("event_id").loc["ucdp-900001"]
    assert (gao["fatalities_low"], gao["fatalities"], gao["fatalities_high"]) == (2, 3, 5)
    # Another record of the same event, with 0 deaths: the claim's deaths run 0 to 5, and
    # each record's own value is said with who gives it.
    events = data.events.copy()
    events.loc[events["event_id"] == "ucdp-900001", "claim_id"] = "c-gao"
    other = events[events["event_id"] == "ucdp-900001"].assign(
        event_id="acled-X", claim_id="c-gao", fatalities=0, fatalities_low=pd.NA,
        fatalities_high=pd.NA, source_id=data.sources["source_id"].iloc[0],
    )  # fmt: skip
    data = dataclasses.replace(data, events=pd.concat([events, other], ignore_index=True))
    (row,) = report_differences(data, ["c-gao"]).to_dict("records")
    assert (row["aspect"], row["low"], row["high"]) == ("deaths", 0, 5)
    assert "3 (2–5) (" in row["said"] and row["said"].startswith("0 (")
    # Two records giving the same best and range agree: no difference to say.
    same = other.assign(fatalities=3, fatalities_low=2, fatalities_high=5)
    agreeing = dataclasses.replace(data, events=pd.concat([events, same], ignore_index=True))
    assert report_differences(agreeing, ["c-gao"]).empty


def test_a_folder_without_the_range_columns_is_told_where_the_range_went(mapped):
    events = mapped / "events.csv"
    with open(events, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    cut = {rows[0].index("fatalities_low"), rows[0].index("fatalities_high")}
    with open(events, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            [v for i, v in enumerate(row) if i not in cut] for row in rows
        )
    summary = import_ucdp(GED, mapped)
    assert any("no fatalities_low and fatalities_high columns" in n for n in summary.notes)
    gao = load_dataset(mapped).events.set_index("event_id").loc["ucdp-900001"]
    assert "low 2, high 5" in gao["description"]


def test_a_range_of_deaths_that_does_not_hold_its_best_estimate_is_refused(mapped):
    import_ucdp(GED, mapped)
    events = mapped / "events.csv"
    with open(events, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    at = rows[0].index("fatalities_low")
    line = next(n for n, row in enumerate(rows, 1) if row[0] == "ucdp-900001")
    rows[line - 1][at] = "9"
    with open(events, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(mapped)
    said = [str(p) for p in caught.value.problems]
    assert (
        f"{events}:{line}: fatalities_low: is more than fatalities (the best estimate) ('9')"
        in said
    )
