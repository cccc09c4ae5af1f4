"""Event matching: windows, crosswalk, scores, review file; imports joining claims, never counting twice."""

import csv
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sahel_nb import DataValidationError, load_dataset
from sahel_nb.crosswalk import LEVELS, load_crosswalk
from sahel_nb.interop import import_acled, import_gtd
from sahel_nb.match_review import REVIEW_FILE
from sahel_nb.matching import Windows, candidate_pairs, decide, score_pairs
from sahel_nb.matching.scores import _reasons
from sahel_nb.origins import one_per_claim

FIXTURES = Path(__file__).parent / "fixtures"
ACLED_HEADER = (FIXTURES / "acled" / "mali_sample.csv").read_text().splitlines()[0].split(",")
GTD_HEADER = (FIXTURES / "gtd" / "sahel_sample.csv").read_text().splitlines()[0].split(",")


def _write(path: Path, header: list[str], rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in header})
    return path


def _acled(event_id, date, sub, actor1, actor2, location, admin1, lat, lon, country="Mali",
           iso="466", kind="Violence against civilians", precision="1") -> dict:  # fmt: skip
    return {
        "event_id_cnty": event_id, "event_date": date, "year": date[:4], "time_precision": "1",
        "event_type": kind, "sub_event_type": sub, "actor1": actor1, "inter1": "2",
        "actor2": actor2, "inter2": "7", "iso": iso, "country": country, "admin1": admin1,
        "location": location, "latitude": lat, "longitude": lon, "geo_precision": precision,
        "source": "Made-up source", "notes": "Made-up row for tests; not a real ACLED event.",
        "fatalities": "0", "timestamp": "1600000000",
    }  # fmt: skip


def _gtd(event_id, year, month, day, country, code, province, city, lat, lon, group,
         specificity="1") -> dict:  # fmt: skip
    return {
        "eventid": event_id, "iyear": year, "imonth": month, "iday": day, "country": code,
        "country_txt": country, "provstate": province, "city": city, "latitude": lat,
        "longitude": lon, "specificity": specificity, "attacktype1_txt": "Hostage Taking (Kidnapping)",
        "gname": group, "nkill": "0", "ishostkid": "1", "nhostkid": "2", "dbsource": "MADE-UP",
        "summary": "Made-up row for tests; not a real GTD record.",
    }  # fmt: skip


#: One kidnapping in Gao as ACLED and GTD each record it: a day apart, a few hundred metres.
_GAO_ACLED = _acled("MLI1", "2012-04-05", "Abduction/forced disappearance",
                    "AQIM: Al Qaeda in the Islamic Maghreb", "Civilians (Algeria)", "Gao", "Gao",
                    "16.2717", "-0.0447")  # fmt: skip
_GAO_GTD = _gtd("201204060001", "2012", "4", "6", "Mali", "118", "Gao", "Gao City", "16.27",
                "-0.04", "Al-Qaida in the Islamic Maghreb (AQIM)")  # fmt: skip


def _events(folder: Path) -> pd.DataFrame:
    return load_dataset(folder).events.set_index("event_id")


@pytest.fixture
def mapped(data_dir):
    """The data folder with the committed mappings (ACLED's and GTD's names for AQIM)."""
    shutil.copy(Path(__file__).parents[1] / "data" / "actor_mappings.csv", data_dir)
    return data_dir


# --- the crosswalk ----------------------------------------------------------------------------


def test_the_crosswalk_gives_every_type_of_every_dataset_a_known_level():
    crosswalk = load_crosswalk()
    datasets = {key[0] for key in crosswalk.levels}
    assert datasets == {"acled", "gtd", "ucdp", "curated"}
    assert all(
        level in (*LEVELS, "any") for levels in crosswalk.levels.values() for level in levels
    )
    kidnap = "violence against civilians/abduction"
    assert crosswalk.of("gtd", "Hostage Taking (Kidnapping)") == (kidnap,)
    assert crosswalk.of(
        "curated", "Violence against civilians", "Abduction/forced disappearance"
    ) == (kidnap,)
    # ACLED's pre-2019 types have a level too; a type with no sub-type is the broad one.
    assert crosswalk.of("acled", "Violence against civilians") == ("violence against civilians",)
    assert set(crosswalk.of("acled", "Riots/Protests")) == {"riot", "protest"}
    assert crosswalk.of("ucdp", "3", "one-sided violence") == ("violence against civilians",)


def test_a_crosswalk_row_naming_an_unknown_type_or_level_is_an_error_with_its_place(data_dir):
    path = data_dir / "type_crosswalk.csv"
    lines = path.read_text().splitlines()
    lines[1] = "acled,Battle royale,,battle,made up"
    lines[2] = "gtd,Hijacking,,piracy,made up"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data_dir)
    shown = [str(p) for p in caught.value.problems]
    assert (
        f"{data_dir}/type_crosswalk.csv:2: type: is not a type acled has ('Battle royale')" in shown
    )
    assert any(
        s.startswith(f"{data_dir}/type_crosswalk.csv:3: level: is not a level") for s in shown
    )


# --- the core, on records ---------------------------------------------------------------------


def _records(**columns) -> pd.DataFrame:
    base = {
        "record_id": ["a"], "claim": ["a"], "dataset": ["acled"], "start": [0], "end": [0],
        "lat": [16.0], "lon": [-3.0], "radius_km": [0.0], "country": ["MLI"], "admin1": [""],
        "level": ["violence against civilians/abduction"],
        "event_type": ["Violence against civilians"], "perpetrator": ["aqim"], "actors": ["aqim||"],
    }  # fmt: skip
    frame = pd.DataFrame(base)
    for name, value in columns.items():
        frame[name] = value
    return frame


def test_two_kidnappings_two_days_and_200_km_apart_stay_two():
    new = _records()
    # 1.8 degrees of latitude is about 200 km.
    old = _records(record_id="b", claim="b", dataset="gtd", start=2, end=2, lat=17.8)
    i, j = candidate_pairs(new, old)
    assert len(i) == 0
    # The same two, one day and 5 km apart, are one event.
    near = old.assign(start=1, end=1, lat=16.045)
    i, j = candidate_pairs(new, near)
    joined, review = decide(score_pairs(new, near, i, j))
    assert joined == {"a": ("b", "b")} and review.empty


def test_a_record_placed_by_country_only_joins_only_where_an_actor_ties_the_two():
    new = _records(lat=np.nan, lon=np.nan, perpetrator="", actors="||")
    old = _records(record_id="b", claim="b", dataset="gtd", start=1, end=1)
    i, j = candidate_pairs(new, old)
    scored = score_pairs(new, old, i, j)
    assert scored["score"].iloc[0] >= Windows().match_at  # close enough, on the score alone
    joined, review = decide(scored)
    assert joined == {} and list(review["record_b"]) == ["a"]
    tied = new.assign(perpetrator="aqim", actors="aqim||")
    joined, _ = decide(score_pairs(tied, old, i, j))
    assert joined == {"a": ("b", "b")}


def test_one_datasets_records_never_join_one_event_by_the_score():
    # Two ACLED records near one GTD event: the better joins, the other is the analyst's.
    new = pd.concat([_records(record_id="a1", claim="a1", start=1, end=1),
                     _records(record_id="a2", claim="a2", start=2, end=2)], ignore_index=True)  # fmt: skip
    old = _records(record_id="b", claim="b", dataset="gtd", start=1, end=1)
    i, j = candidate_pairs(new, old)
    joined, review = decide(score_pairs(new, old, i, j))
    assert joined == {"a1": ("b", "b")} and list(review["record_b"]) == ["a2"]
    # A claim an earlier ACLED record already tells takes no other ACLED record.
    joined, review = decide(score_pairs(new, old, i, j), told_by={"b": {"gtd", "acled"}})
    assert joined == {} and sorted(review["record_b"]) == ["a1", "a2"]


def test_precision_widens_the_windows_and_lowers_the_score():
    new = _records()
    # A month-precise record (day 0 to 30) 20 days away still touches the window...
    month = _records(record_id="m", claim="m", dataset="gtd", start=-10, end=20)
    # ...and a region-level place (radius 100 km) 120 km away is within reach.
    region = _records(record_id="r", claim="r", dataset="gtd", lat=17.08, radius_km=100.0)
    for old in (month, region):
        old = old.assign(perpetrator="", actors="")  # no actor evidence: scores below 1
        i, j = candidate_pairs(new, old)
        assert len(i) == 1
        score = score_pairs(new, old, i, j)["score"].iloc[0]
        exact = score_pairs(new, old.assign(start=0, end=0, lat=16.0, radius_km=0.0), i, j)
        assert score < exact["score"].iloc[0]


def test_actors_are_evidence_and_types_must_agree():
    new = _records()
    old = _records(record_id="b", claim="b", dataset="gtd", start=1, end=1)
    i, j = candidate_pairs(new, old)
    same = score_pairs(new, old, i, j)["score"].iloc[0]
    other = old.assign(perpetrator="mujao", actors="mujao||")
    clash = score_pairs(new, other, i, j)
    assert clash["score"].iloc[0] < same and bool(clash["clash"].iloc[0])
    apart = old.assign(level="battle/armed clash", event_type="Battles")
    assert score_pairs(new, apart, i, j).empty  # types apart: never a pair


def test_candidates_at_scale_come_from_the_index_not_pairs():
    rng = np.random.default_rng(0)
    n = 20_000
    frame = _records().loc[[0] * n].reset_index(drop=True)
    frame["record_id"] = [f"r{k}" for k in range(n)]
    frame["lat"] = rng.uniform(10, 20, n)
    frame["lon"] = rng.uniform(-10, 5, n)
    frame["start"] = rng.integers(0, 3650, n)
    frame["end"] = frame["start"]
    other = frame.assign(dataset="gtd", record_id=[f"g{k}" for k in range(n)])
    i, j = candidate_pairs(frame, other)
    # Every pair is within both windows, and every record is paired with itself.
    assert np.all(np.abs(frame["start"].to_numpy()[i] - other["start"].to_numpy()[j]) <= 3)
    assert np.sum(i == j) == n


def test_few_pairs_measured_directly_are_the_pairs_the_trees_find(monkeypatch):
    from sahel_nb.matching import pairs

    rng = np.random.default_rng(1)
    n = 3_000
    frame = _records().loc[[0] * n].reset_index(drop=True)
    frame["lat"] = rng.uniform(14, 16, n)
    frame["lon"] = rng.uniform(-4, -2, n)
    frame["start"] = rng.integers(0, 400, n)
    frame["end"] = frame["start"] + rng.choice([0, 6, 30], n)
    frame["radius_km"] = rng.choice([0.0, 25.0, 100.0], n)
    other = frame.sample(200, random_state=1).reset_index(drop=True).assign(dataset="gtd")
    for new, old in ((frame, other), (other, frame)):  # the larger side new, then old
        monkeypatch.setattr(pairs, "_DIRECT_PAIRS", 0)
        by_trees = candidate_pairs(new, old)
        monkeypatch.setattr(pairs, "_DIRECT_PAIRS", 10**12)
        directly = candidate_pairs(new, old)
        assert len(by_trees[0]) > 200  # each sampled record pairs with itself, and more
        for found, expected in zip(directly, by_trees, strict=True):
            np.testing.assert_array_equal(found, expected)


# --- imports ------------------------------------------------------------------------------------


def test_an_acled_record_of_a_curated_kidnapping_joins_its_claim_though_day_place_and_wording_differ(
    mapped, tmp_path
):
    # The curated 2009 kidnapping of the Italians: 18 December 2009, "Mauritania", no coordinates.
    # This record: a day later, a town, ACLED's pre-2019 type (no sub-event type), AQIM's ACLED name.
    export = _write(tmp_path / "acled.csv", ACLED_HEADER, [
        _acled("MRT1", "2009-12-19", "", "AQIM: Al Qaeda in the Islamic Maghreb",
               "Civilians (Italy)", "Kobenni", "Hodh el Gharbi", "15.86", "-9.41",
               country="Mauritania", iso="478"),
    ])  # fmt: skip
    summary = import_acled(export, mapped)
    events = _events(mapped)
    assert events.loc["acled-MRT1", "claim_id"] == "c-2009-italians-kidnapping"
    assert summary.linked == [("acled-MRT1", "c-2009-italians-kidnapping")]
    # Nothing dropped, counted once.
    kidnaps = events[events["sub_event_type"] == "Abduction/forced disappearance"]
    assert len(one_per_claim(kidnaps.reset_index())) == kidnaps["claim_id"].nunique()


def test_acled_and_gtd_records_of_one_kidnapping_are_one_claim_counted_once(mapped, tmp_path):
    from sahel_nb import situation_report

    acled = _write(tmp_path / "acled.csv", ACLED_HEADER, [
        _GAO_ACLED,
        # Another kidnapping two days later and 200 km away: another event.
        _acled("MLI2", "2012-04-07", "Abduction/forced disappearance",
               "AQIM: Al Qaeda in the Islamic Maghreb", "Civilians (Mali)", "Bourem", "Gao",
               "18.07", "-0.05"),
    ])  # fmt: skip
    gtd = _write(tmp_path / "gtd.csv", GTD_HEADER, [
        # The same first kidnapping as GTD codes it: the city's own coordinates, a day apart.
        _GAO_GTD,
    ])  # fmt: skip
    import_acled(acled, mapped)
    summary = import_gtd(gtd, mapped)
    events = _events(mapped)
    assert summary.linked == [("gtd-201204060001", "acled-MLI1")]
    assert events.loc["gtd-201204060001", "claim_id"] == "acled-MLI1"
    assert events.loc["acled-MLI2", "claim_id"] == "acled-MLI2"
    kidnaps = events[events["date"].str.startswith("2012-04").fillna(False)]
    assert len(kidnaps) == 3 and kidnaps["claim_id"].nunique() == 2
    report = situation_report(load_dataset(mapped), start="2012", end="2012")
    told = " ".join(s.text for s in dict(report.sections)["Imported datasets"])
    # Two events in 2012, each counted once: the GTD record is a report of the first.
    assert "records 2 events in 2012" in told and "GTD" not in told.split("records")[0][-40:]
    assert told.count("events in 2012") + told.count("event in 2012") == 1


def test_records_of_one_event_that_differ_show_the_range_and_who_says_which(mapped, tmp_path):
    from sahel_nb import situation_report
    from sahel_nb.timeline import event_table

    acled = _write(tmp_path / "acled.csv", ACLED_HEADER, [_GAO_ACLED])
    record = _GAO_GTD | {"nkill": "1"}
    import_acled(acled, mapped)
    import_gtd(_write(tmp_path / "gtd.csv", GTD_HEADER, [record]), mapped)
    dataset = load_dataset(mapped)
    table = event_table(dataset, start="2012", end="2012")
    (differ,) = table["differ"].tolist()  # one event, one row
    assert "deaths: 0 (ACLED 2020); 1 (GTD (gtd.csv))" in differ
    assert "the date: 5 April 2012 (ACLED 2020); 6 April 2012 (GTD (gtd.csv))" in differ
    report = situation_report(dataset, start="2012", end="2012")
    told = " ".join(s.text for s in dict(report.sections)["Imported datasets"])
    # Neither record's count is picked, nor are they added: a range.
    assert "with 0–1 deaths recorded (the records of 1 event give different counts)" in told


def _review_case(mapped, tmp_path, windows=None):
    acled = _write(tmp_path / "acled.csv", ACLED_HEADER, [
        _acled("MLI5", "2012-04-05", "Abduction/forced disappearance",
               "Unidentified Armed Group (Mali)", "Civilians (Mali)", "Gao", "Gao",
               "16.2717", "-0.0447"),
    ])  # fmt: skip
    # Two days off, placed only by its country: worth a look, not a match.
    gtd = _write(tmp_path / "gtd.csv", GTD_HEADER, [
        _gtd("201204070002", "2012", "4", "7", "Mali", "118", "Unknown", "Unknown", "", "",
             "Unknown", specificity="5"),
    ])  # fmt: skip
    import_acled(acled, mapped)
    return gtd, import_gtd(gtd, mapped, windows=windows)


def _decide(folder: Path, decision: str) -> None:
    path = folder / REVIEW_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["decision"] = decision
    frame.to_csv(path, index=False)


def test_the_review_file_round_trips_and_decisions_win_over_the_score(mapped, tmp_path):
    gtd, summary = _review_case(mapped, tmp_path)
    assert summary.linked == [] and summary.review == 1
    (row,) = pd.read_csv(mapped / REVIEW_FILE, dtype=str, keep_default_na=False).to_dict("records")
    assert (row["record_a"], row["record_b"], row["decision"]) == (
        "acled-MLI5", "gtd-201204070002", "",
    )  # fmt: skip
    assert "2 days apart" in row["reasons"] and "placed by country only" in row["reasons"]
    assert 0.5 <= float(row["score"]) < 0.75
    assert _events(mapped).loc["gtd-201204070002", "claim_id"] == "gtd-201204070002"
    # The analyst says same: the next import joins them.
    _decide(mapped, "same")
    import_gtd(gtd, mapped)
    assert _events(mapped).loc["gtd-201204070002", "claim_id"] == "acled-MLI5"
    # And different: apart again, and the pair is not listed twice.
    _decide(mapped, "different")
    import_gtd(gtd, mapped)
    assert _events(mapped).loc["gtd-201204070002", "claim_id"] == "gtd-201204070002"
    assert len(pd.read_csv(mapped / REVIEW_FILE)) == 1


def test_a_same_decision_joins_records_the_windows_would_not_compare(mapped, tmp_path):
    acled = _write(tmp_path / "acled.csv", ACLED_HEADER, [_GAO_ACLED])
    # Two months later and 1,000 km away: never a candidate pair.
    gtd = _write(tmp_path / "gtd.csv", GTD_HEADER, [
        _gtd("201206200001", "2012", "6", "20", "Mali", "118", "Kayes", "Kayes", "14.45",
             "-11.44", "Unknown"),
    ])  # fmt: skip
    import_acled(acled, mapped)
    import_gtd(gtd, mapped)
    assert _events(mapped).loc["gtd-201206200001", "claim_id"] == "gtd-201206200001"
    (mapped / REVIEW_FILE).write_text(
        "record_a,record_b,score,reasons,decision\nacled-MLI1,gtd-201206200001,,,same\n"
    )
    import_gtd(gtd, mapped)  # the next import writes the analyst's decision
    assert _events(mapped).loc["gtd-201206200001", "claim_id"] == "acled-MLI1"


def _gao_told_twice(mapped, tmp_path, *, gtd_first: bool = False) -> tuple[Path, Path]:
    """ACLED's and GTD's records of the Gao kidnapping imported, one joining the other's claim."""
    acled = _write(tmp_path / "acled.csv", ACLED_HEADER, [_GAO_ACLED])
    gtd = _write(tmp_path / "gtd.csv", GTD_HEADER, [_GAO_GTD])
    for path, importer in ((gtd, import_gtd), (acled, import_acled))[:: 1 if gtd_first else -1]:
        importer(path, mapped)
    joined, anchor = ("acled-MLI1", "gtd-201204060001")[:: 1 if gtd_first else -1]
    assert _events(mapped).loc[joined, "claim_id"] == anchor
    return acled, gtd


def test_a_different_decision_undoes_a_match_the_score_made(mapped, tmp_path):
    acled, _ = _gao_told_twice(mapped, tmp_path)
    (mapped / REVIEW_FILE).write_text(
        "record_a,record_b,score,reasons,decision\nacled-MLI1,gtd-201204060001,,,different\n"
    )
    for _ in range(2):  # every later import keeps them apart
        import_acled(acled, mapped)
        assert _events(mapped).loc["gtd-201204060001", "claim_id"] == "gtd-201204060001"


def test_different_moves_the_record_that_joined_not_the_one_the_claim_is_named_after(
    mapped, tmp_path
):
    _, gtd = _gao_told_twice(mapped, tmp_path, gtd_first=True)  # named after GTD's record
    (mapped / REVIEW_FILE).write_text(
        "record_a,record_b,score,reasons,decision\ngtd-201204060001,acled-MLI1,,,different\n"
    )
    import_gtd(gtd, mapped)
    events = _events(mapped)
    assert events.loc["acled-MLI1", "claim_id"] != events.loc["gtd-201204060001", "claim_id"]


def test_same_moves_a_record_with_those_that_had_joined_it(mapped, tmp_path):
    _, gtd = _gao_told_twice(mapped, tmp_path)
    # The analyst says the ACLED record is a curated kidnapping: GTD's report of it goes too.
    (mapped / REVIEW_FILE).write_text(
        "record_a,record_b,score,reasons,decision\n"
        "ev-2009-12-18-italians-kidnapping,acled-MLI1,,,same\n"
    )
    import_gtd(gtd, mapped)
    events = _events(mapped)
    claim = events.loc["ev-2009-12-18-italians-kidnapping", "claim_id"]
    assert (
        events.loc["acled-MLI1", "claim_id"] == events.loc["gtd-201204060001", "claim_id"] == claim
    )


def test_same_with_two_curated_events_of_different_claims_is_an_error(mapped, tmp_path):
    acled = _write(tmp_path / "acled.csv", ACLED_HEADER, [_GAO_ACLED])
    import_acled(acled, mapped)
    (mapped / REVIEW_FILE).write_text(
        "record_a,record_b,score,reasons,decision\n"
        "ev-2009-12-18-italians-kidnapping,acled-MLI1,,,same\n"
        "ev-2009-11-29-spanish-kidnapping,acled-MLI1,,,same\n"
    )
    with pytest.raises(DataValidationError) as caught:
        load_dataset(mapped)
    shown = [str(p) for p in caught.value.problems]
    assert any(
        p.startswith(f"{mapped}/{REVIEW_FILE}:3: decision: ") and "two claims" in p for p in shown
    )


def test_contradicting_decisions_and_unknown_ids_are_errors(data_dir):
    (data_dir / REVIEW_FILE).write_text(
        "record_a,record_b,score,reasons,decision\n"
        "ev-2009-12-18-italians-kidnapping,ev-2009-11-29-spanish-kidnapping,,,same\n"
        "ev-2009-11-29-spanish-kidnapping,ev-2009-12-18-italians-kidnapping,,,different\n"
        "ev-2009-12-18-italians-kidnapping,acled-NOPE,,,maybe\n"
    )
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data_dir)
    shown = [str(p) for p in caught.value.problems]
    path = f"{data_dir}/{REVIEW_FILE}"
    assert f"{path}:3: decision: contradicts line 2, which says 'same' ('different')" in shown
    assert f"{path}:4: record_b: is not an event of the data ('acled-NOPE')" in shown
    assert f"{path}:4: decision: must be same, different or empty ('maybe')" in shown


def test_windows_are_settable():
    new = _records()
    old = _records(record_id="b", claim="b", dataset="gtd", start=5, end=5)
    assert len(candidate_pairs(new, old)[0]) == 0
    assert len(candidate_pairs(new, old, Windows(days=7))[0]) == 1


def test_an_import_takes_its_windows_from_the_command_line(mapped, tmp_path, capsys):
    from sahel_nb.cli import main

    acled = _write(tmp_path / "acled.csv", ACLED_HEADER, [_GAO_ACLED])
    gtd = _write(tmp_path / "gtd.csv", GTD_HEADER, [_GAO_GTD])
    assert main(["import", "acled", str(acled), "--into", str(mapped)]) == 0
    # A day apart, and no day allowed: two events, not one.
    assert main(["import", "gtd", str(gtd), "--into", str(mapped), "--days", "0"]) == 0
    assert _events(mapped).loc["gtd-201204060001", "claim_id"] == "gtd-201204060001"
    with pytest.raises(SystemExit):
        main(["import", "gtd", str(gtd), "--into", str(mapped), "--match-at", "1.5"])
    assert "expected a score from 0 to 1" in capsys.readouterr().err
    assert main(["import", "gtd", str(gtd), "--into", str(mapped),
                 "--review-at", "0.9", "--match-at", "0.8"]) == 1  # fmt: skip
    assert "review score (0.9) must be from 0 up to the match score" in capsys.readouterr().err


# --- the review tables and the stacked records (sahel_nb.match_report, event_matches.ipynb) -----


def _shared_and_open(mapped, tmp_path, city="Unknown"):
    """ACLED and GTD telling one kidnapping, ACLED repeating a curated one, and one open pair."""
    acled = _write(tmp_path / "acled.csv", ACLED_HEADER, [
        _GAO_ACLED,
        _acled("MLI5", "2012-06-05", "Abduction/forced disappearance",
               "Unidentified Armed Group (Mali)", "Civilians (Mali)", "Gao", "Gao",
               "16.2717", "-0.0447"),
        _acled("MRT1", "2009-12-19", "", "AQIM: Al Qaeda in the Islamic Maghreb",
               "Civilians (Italy)", "Kobenni", "Hodh el Gharbi", "15.86", "-9.41",
               country="Mauritania", iso="478"),
    ])  # fmt: skip
    gtd = _write(tmp_path / "gtd.csv", GTD_HEADER, [
        _GAO_GTD,
        _gtd("201206070002", "2012", "6", "7", "Mali", "118", "Unknown", city, "", "",
             "Unknown", specificity="5"),
    ])  # fmt: skip
    import_acled(acled, mapped)
    import_gtd(gtd, mapped)
    return gtd


def test_the_review_tables_count_shared_events_per_pair_and_list_the_open_pairs(mapped, tmp_path):
    from sahel_nb.match_report import match_counts, match_sentence, pending_matches

    gtd = _shared_and_open(mapped, tmp_path)
    dataset = load_dataset(mapped)
    counts = match_counts(dataset).set_index("datasets")
    events = dataset.events
    both = events.groupby("claim_id")["source_id"].agg(
        lambda s: {x.split("-")[0] for x in s if x.startswith(("acled-", "gtd-"))}
    )
    assert counts.loc["ACLED – GTD", "events"] == (both.map(len) == 2).sum() == 1
    assert counts.loc["curated – ACLED", "events"] == 1
    assert counts.loc["ACLED – GTD", "awaiting review"] == 1
    # Curated claims told by several documents count too.
    several = events[~events["source_id"].str.startswith(("acled-", "gtd-"))]
    several = several.groupby("claim_id").size()
    assert counts.loc["curated – curated", "events"] == (several > 1).sum()
    (pair,) = pending_matches(dataset).to_dict("records")
    assert (pair["record_a"], pair["record_b"]) == ("acled-MLI5", "gtd-201206070002")
    assert (pair["date_a"], pair["date_b"]) == ("2012-06-05", "2012-06-07")
    assert (pair["dataset_a"], pair["dataset_b"]) == ("ACLED", "GTD")
    assert "2 days apart" in pair["reasons"]
    assert "1 pair awaits review" in match_sentence(match_counts(dataset), pending_matches(dataset))
    # Decided: no longer open, counted as the analyst's.
    _decide(mapped, "different")
    import_gtd(gtd, mapped)
    dataset = load_dataset(mapped)
    counts = match_counts(dataset).set_index("datasets")
    assert counts.loc["ACLED – GTD", "awaiting review"] == 0
    assert counts.loc["ACLED – GTD", "decided different"] == 1
    assert pending_matches(dataset).empty


def test_the_stacked_records_draw_each_record_once_and_escape_every_name(mapped, tmp_path):
    from sahel_nb.match_report import pending_matches, records_svg

    _shared_and_open(mapped, tmp_path, city="<script>alert(1)</script>")
    with open(mapped / "actors.csv", "a", encoding="utf-8") as handle:
        handle.write(
            "evil,<img src=x onerror=alert(1)>,armed group,,false,,Made up.,usdos-crt-2009,¶1\n"
        )
    dataset = load_dataset(mapped)
    events = dataset.events
    events.loc[events["event_id"] == "acled-MLI1", "actor1"] = "evil"
    pending = pending_matches(dataset)
    svg = records_svg(dataset, claims=["acled-MLI1"], pending=pending)
    # The open pair (dashed) first, then the shared event: one bar per record.
    assert svg.count('class="record"') == 4 and svg.count("stroke-dasharray") == 3
    assert svg.index("acled-MLI5 or gtd-201206070002?") < svg.index(">acled-MLI1<")
    assert "<img" not in svg and "&lt;img src=x" in svg and "<script" not in svg
    # Claims no record dates get no made-up scale (the curated data has some).
    curated = records_svg(load_dataset(Path(__file__).parents[1] / "data"), most=100)
    assert "no record gives a date" in curated and "1970" not in curated


def test_every_view_counts_an_event_two_datasets_tell_once(mapped, tmp_path):
    from sahel_nb import actor_profile, build_graph, event_table
    from sahel_nb.eventmap import map_counts

    _shared_and_open(mapped, tmp_path)
    dataset = load_dataset(mapped)
    events = dataset.events
    shared = events.groupby("claim_id")["source_id"].agg(
        lambda s: len({x.split("-")[0] for x in s if x.startswith(("acled-", "gtd-"))})
    )
    (claim,) = shared.index[shared == 2]
    records = set(events.loc[events["claim_id"] == claim, "event_id"])
    assert len(records) == 2
    table = event_table(dataset, start="2012", end="2012")
    assert len(set(table["event_id"]) & records) == 1
    # The map draws this table: one dot per event, not per record.
    claims = events.set_index("event_id").loc[table["event_id"], "claim_id"]
    assert claims.is_unique and map_counts(table)["located"] == table["latitude"].notna().sum()
    profile = actor_profile(dataset, "aqim")
    assert len(set(profile.events["event_id"]) & records) == 1
    graph = build_graph(dataset, derived=True)
    victims = set(events.loc[events["event_id"].isin(records), "actor2"])
    ties = [
        data["events"] for a, b, data in graph.edges(data=True)
        if data.get("derived") and {a, b} & victims and "aqim" in (a, b)
    ]  # fmt: skip
    assert sum(ties) == 1


def test_the_situation_report_says_every_record_each_dataset_holds_each_event_once(
    mapped, tmp_path
):
    from sahel_nb.narrative import situation_report

    _shared_and_open(mapped, tmp_path)
    report = situation_report(load_dataset(mapped), start="2009", end="2012")
    told = " ".join(str(s) for s in dict(report.sections)["Kidnappings and ransom money"])
    # ACLED: Gao and MLI5 counted, Kobenni the curated Italians' report (3 in the file).
    assert "records 3 kidnappings in this period: 1 told above" in told
    # GTD: its Gao record is ACLED's event, its other record counted (2 in the file).
    assert "records 2 kidnappings in this period: 1 counted with another dataset's" in told


@pytest.mark.notebook
def test_the_matching_notebook_lists_the_open_pairs_safe_for_a_spreadsheet(mapped, tmp_path):
    import papermill

    _shared_and_open(mapped, tmp_path, city="=HYPERLINK(1)")
    out = tmp_path / "out"
    papermill.execute_notebook(
        str(Path(__file__).parents[1] / "notebooks" / "event_matches.ipynb"),
        str(tmp_path / "run.ipynb"),
        parameters={"data_dir": str(mapped), "output_dir": str(out)},
        kernel_name="sahel-nb", progress_bar=False, cwd=str(tmp_path),
    )  # fmt: skip
    (row,) = pd.read_csv(out / "pending_matches.csv", dtype=str).to_dict("records")
    assert row["record_b"] == "gtd-201206070002" and row["place_b"] == "'=HYPERLINK(1)"
    shown = (tmp_path / "run.ipynb").read_text(encoding="utf-8")
    assert "ACLED – GTD: 1 event told by records of both" in shown


# --- real exports -------------------------------------------------------------------------------
# No real export here covers a curated event (the curated kidnappings are of 2003 and 2009, in
# Algeria, Niger and Mauritania; the ACLED files are of Burkina Faso from 1997, Mali from 2017 and
# elsewhere; the GTD files of 1993 and 2011). Each test adds the claim an analyst would have
# curated of an event a real file holds, in the curated data's own wording, then imports the file.


def _curate(folder: Path, **row) -> None:
    row = {"event_type": "Violence against civilians", "status": "reported", "credibility": "3",
           "source_id": "usdos-crt-2009", "locator": "¶1", **row}  # fmt: skip
    with open(folder / "events.csv", encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with open(folder / "events.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow([row.get(c, "") for c in header])


@pytest.mark.realdata
def test_a_real_gtd_kidnapping_joins_the_curated_claim_and_its_neighbour_stays_apart(
    real_exports, mapped
):
    # Hombori, 24 November 2011: placed by town and region name, no coordinates.
    _curate(mapped, event_id="ev-test-hombori", claim_id="c-test-hombori", date="2011-11-24",
            sub_event_type="Abduction/forced disappearance", actor1="aqim", location="Hombori",
            admin1="Mopti", country="MLI",
            description="Test row: two French nationals kidnapped from their hotel in Hombori.")  # fmt: skip
    summary = import_gtd(real_exports / "gtd_2011_1012dist.xlsx", mapped)
    events = _events(mapped)
    joined = events[events["claim_id"] == "c-test-hombori"]
    assert sorted(joined.index) == ["ev-test-hombori", "gtd-201111240026"]
    assert summary.linked == [("gtd-201111240026", "c-test-hombori")]
    # GTD's Timbuktu kidnapping of the next day is another event.
    assert events.loc["gtd-201111250020", "claim_id"] == "gtd-201111250020"
    assert summary.accounted == summary.read


@pytest.mark.realdata
def test_a_real_acled_abduction_joins_the_curated_claim_though_its_dates_differ(
    real_exports, mapped
):
    # Djibo, the night of 15 to 16 January 2016: the curated row gives both days.
    _curate(mapped, event_id="ev-test-djibo", claim_id="c-test-djibo",
            date="2016-01-15/2016-01-16", sub_event_type="Abduction/forced disappearance",
            actor1="al-mourabitoun", location="near Djibo, Soum province", country="BFA",
            description="Test row: an Australian doctor and his wife abducted near Djibo.")  # fmt: skip
    import_acled(real_exports / "acled_bfa_1997-2020.csv", mapped)
    events = _events(mapped)
    assert events.loc["acled-BFO639", "claim_id"] == "c-test-djibo"
    # The attack in Ouagadougou that day is of another type: not this claim.
    assert events.loc["acled-BFO638", "claim_id"] == "acled-BFO638"
    assert (events["claim_id"] == "c-test-djibo").sum() == 2


def test_same_decisions_chained_through_imported_records_move_the_whole_group(tmp_path):
    from types import SimpleNamespace

    from sahel_nb.interop.matches import decided_claims

    events = pd.DataFrame(
        {
            "event_id": ["ev-a", "acled-9", "acled-10"],
            "claim_id": ["c-a", "acled-9", "acled-10"],
            "source_id": ["guitta-2010", "acled-0123456789ab", "acled-0123456789ab"],
            "event_type": ["Battles"] * 3,
        }
    )
    (tmp_path / REVIEW_FILE).write_text(
        "record_a,record_b,score,reasons,decision\nacled-9,acled-10,,,same\nacled-9,ev-a,,,same\n"
    )
    moved = decided_claims(SimpleNamespace(events=events), tmp_path)
    assert moved == {"acled-9": {"claim_id": "c-a"}, "acled-10": {"claim_id": "c-a"}}


def test_a_pair_that_scores_enough_but_is_left_to_the_analyst_says_why(mapped, tmp_path):
    # The match threshold lowered under its score: still not joined, and the reasons say why.
    _, summary = _review_case(mapped, tmp_path, Windows(match_at=0.5, review_at=0.3))
    assert summary.linked == [] and summary.review == 1
    (row,) = pd.read_csv(mapped / REVIEW_FILE, dtype=str, keep_default_na=False).to_dict("records")
    assert float(row["score"]) >= 0.5
    assert "scores enough, but left to the analyst: " in row["reasons"]


def test_an_acled_attack_and_a_gtd_kidnapping_of_one_place_and_day_are_listed_not_joined(
    mapped, tmp_path
):
    # A kidnapping with shooting is often ACLED's "Attack": maybe one incident, maybe two.
    attack = dict(_GAO_ACLED, sub_event_type="Attack")
    acled = _write(tmp_path / "acled.csv", ACLED_HEADER, [attack])
    import_acled(acled, mapped)
    summary = import_gtd(_write(tmp_path / "gtd.csv", GTD_HEADER, [_GAO_GTD]), mapped)
    assert summary.linked == [] and summary.review == 1
    (row,) = pd.read_csv(mapped / REVIEW_FILE, dtype=str, keep_default_na=False).to_dict("records")
    assert "related types" in row["reasons"]
    events = _events(mapped)
    assert (
        events.loc["gtd-" + _GAO_GTD["eventid"], "claim_id"] != events.loc["acled-MLI1", "claim_id"]
    )


def _pair(j, record_a, claim, score, kind, level_a):
    """One scored pair of a new GTD abduction with an older record (decide's columns)."""
    return {
        "i": 0, "j": j, "record_a": record_a, "record_b": "gtd-new", "claim": claim,
        "score": score, "claim_code": 0 if claim == "X" else 1, "days": 0, "km": 0.0,
        "kind": kind, "same_type": True, "shared": "", "clash": False, "perp_a": "",
        "perp_b": "", "level_a": level_a, "level_b": "violence against civilians/abduction",
        "placed": True, "same_admin": True, "same_place": False, "place": "",
        "time": 1.0, "space": 0.9,
        "dataset_a": "acled", "dataset_b": "gtd",
    }  # fmt: skip


@pytest.mark.parametrize("related_claim", ["X", "Y"])
def test_a_related_type_pair_never_stands_in_the_way_of_a_compatible_one(related_claim):
    # An ACLED attack scoring a little better (of claim X itself, or of a rival
    # claim Y within the margin) must not stop the abduction joining claim X.
    scored = pd.DataFrame(
        [
            _pair(0, "acled-attack", related_claim, 0.80, 0.3, "violence against civilians/attack"),
            _pair(1, "curated-abduction", "X", 0.78, 0.6, "violence against civilians"),
        ]
    )
    joined, review = decide(scored)
    assert joined == {"gtd-new": ("X", "curated-abduction")}
    assert "acled-attack" not in set(review["record_a"])  # its record joined a claim


def test_a_same_decision_on_events_of_two_types_is_refused_not_ignored(data_dir):
    # A claim is one kind of event: an import could never apply this, so validate says so.
    (data_dir / REVIEW_FILE).write_text(
        "record_a,record_b,score,reasons,decision\n"
        "ev-2003-tourist-kidnapping,ev-2006-tuareg-ambush,,,Same \n"
    )
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data_dir)
    (problem,) = [p for p in caught.value.problems if p.file.endswith(REVIEW_FILE)]
    assert (problem.line, problem.column, problem.value) == (2, "decision", "same")
    assert "two types (Violence against civilians / Battles)" in problem.message


def test_two_new_records_as_good_for_one_claim_are_both_left_to_the_analyst():
    # Equally near one GTD kidnapping, on either side: which is the event is not the score's call,
    # and taking the first would make the result depend on the order of the file.
    new = pd.concat([_records(record_id="a1", claim="a1", lat=16.02),
                     _records(record_id="a2", claim="a2", lat=15.98)], ignore_index=True)  # fmt: skip
    old = _records(record_id="b", claim="b", dataset="gtd", start=1, end=1)
    i, j = candidate_pairs(new, old)
    for order in (new, new.iloc[::-1].reset_index(drop=True)):
        i, j = candidate_pairs(order, old)
        joined, review = decide(score_pairs(order, old, i, j))
        assert joined == {} and sorted(review["record_b"]) == ["a1", "a2"]
        assert all("scores about as well for the claim" in r for r in review["reasons"])


def test_a_record_without_coordinates_is_placed_by_the_place_it_names():
    # GTD's Hombori kidnapping has no coordinates; UCDP has one record at Hombori and one at
    # Timbuktu, 200 km away, a day apart each: the one naming the same place is the event.
    old = _records(record_id="gtd-1", claim="gtd-1", dataset="gtd", lat=np.nan, lon=np.nan,
                   start=1, end=1, place="hombori", admin1="cercle of douentza")  # fmt: skip
    new = pd.concat([
        _records(record_id="u-timbuktu", claim="u-timbuktu", dataset="ucdp", lat=16.77,
                 lon=-3.0, place="timbuktu", admin1="tombouctou region"),
        _records(record_id="u-hombori", claim="u-hombori", dataset="ucdp", lat=15.28,
                 lon=-1.7, place="hombori", admin1="mopti region"),
    ], ignore_index=True)  # fmt: skip
    for first, second in ((new, old), (old, new)):  # either import first
        i, j = candidate_pairs(first, second)
        scored = score_pairs(first, second, i, j)
        joined, review = decide(scored)
        found = {frozenset((new_id, old_id)) for new_id, (_, old_id) in joined.items()}
        assert found == {frozenset({"u-hombori", "gtd-1"})}, review
    row = next(scored[scored["same_place"]].itertuples(index=False))
    assert "same place name (hombori)" in _reasons(row)


def test_a_states_government_and_its_army_are_not_different_perpetrators():
    new = _records(perpetrator="mali-gov", actors="mali-gov|aqim|")
    old = _records(record_id="b", claim="b", dataset="curated", start=1, end=1,
                   perpetrator="mali-army", actors="mali-army|aqim|")  # fmt: skip
    i, j = candidate_pairs(new, old)
    apart = score_pairs(new, old, i, j)
    assert apart["clash"].all()
    sides = {"mali-gov": "state MLI", "mali-army": "state MLI", "algerian-army": "state DZA"}
    together = score_pairs(new, old, i, j, sides=sides)
    assert not together["clash"].any() and (together["raw"] > apart["raw"]).all()
    other_state = score_pairs(new, old.assign(perpetrator="algerian-army"), i, j, sides=sides)
    assert other_state["clash"].all()


def test_a_country_or_a_region_named_as_the_place_is_no_place():
    # Two records "in Mali" with no coordinates, no actor in common: placed by country
    # only, and the analyst's call, however well the rest scores.
    new = _records(lat=np.nan, lon=np.nan, perpetrator="", actors="||", place="")
    old = _records(record_id="b", claim="b", dataset="gtd", lat=np.nan, lon=np.nan,
                   start=1, end=1, perpetrator="", actors="||", place="")  # fmt: skip
    from sahel_nb.matching.records import place_key

    for first, second in (
        ("Mali", "Mali"),
        ("Northern Mali", "northern mali"),
        ("Gao region", "Gao"),
    ):
        a, b = new.assign(place=place_key(first)), old.assign(place=place_key(second))
        i, j = candidate_pairs(a, b)
        joined, _ = decide(score_pairs(a, b, i, j))
        assert joined == {}, (first, second)


def test_imported_state_actors_take_their_state_from_their_names():
    from sahel_nb.interop.matches import _state_sides

    imported = [
        {"actor_id": "ucdp-government-of-niger", "actor_type": "government",
         "name": "Government of Niger"},
        {"actor_id": "acled-military-forces-of-niger", "actor_type": "security forces",
         "name": "Military Forces of Niger (2021-)"},
        {"actor_id": "acled-ansar-dine", "actor_type": "armed group", "name": "Ansar Dine"},
    ]  # fmt: skip
    sides = _state_sides(load_dataset(), imported)
    assert sides["ucdp-government-of-niger"] == sides["acled-military-forces-of-niger"]
    assert sides["mali-gov"] == sides["mali-army"] != sides["ucdp-government-of-niger"]
    assert "acled-ansar-dine" not in sides
