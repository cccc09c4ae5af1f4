"""Where one event's reports disagree: ranges and every value with who gives it, never a pick or a sum."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sahel_nb import load_dataset, situation_report
from sahel_nb.cite import short_names
from sahel_nb.differences import differences_in_words, report_differences
from sahel_nb.timeline import event_table

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def claims(tmp_path) -> Path:
    return Path(shutil.copytree(FIXTURES / "claims", tmp_path / "claims"))


def _edit(folder: Path, event_id: str, **values) -> None:
    path = folder / "events.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column, value in values.items():
        frame.loc[frame["event_id"] == event_id, column] = value
    frame.to_csv(path, index=False)


def _add(folder: Path, like: str, **values) -> None:
    path = folder / "events.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = frame[frame["event_id"] == like].iloc[0].to_dict() | values
    pd.concat([frame, pd.DataFrame([row])]).to_csv(path, index=False)


def _found(folder: Path) -> pd.DataFrame:
    return report_differences(load_dataset(folder))


def test_numbers_that_differ_are_a_range_with_who_gives_each(claims):
    _edit(claims, "ev-kidnap-col", hostages="31")
    dataset = load_dataset(claims)
    short = short_names(dataset.sources)
    (row,) = report_differences(dataset).to_dict("records")
    assert (row["claim_id"], row["aspect"], row["low"], row["high"]) == (
        "c-kidnap",
        "hostages",
        31,
        32,
    )
    assert row["said"] == f"31 ({short['col']}); 32 ({short['paper']})"
    # The situation report says the range and who says which; it never picks one value.
    report = situation_report(dataset)
    text = " ".join(s.text for _, part in report.sections for s in part)
    assert "took 31–32 hostages" in text
    assert f"differ on hostages: 31 ({short['col']}); 32 ({short['paper']})" in text


def test_an_unknown_is_not_a_value_and_a_denial_is_not_a_second_one(claims):
    found = _found(claims)
    # ev-release-col gives no number of hostages where the paper gives 14: nothing differs.
    assert not ((found["claim_id"] == "c-release") & (found["aspect"] == "hostages")).any()
    _add(claims, "ev-release-col", event_id="ev-release-radio", source_id="radio", hostages="20",
         status="denied", speaker="", told="", relays="")  # fmt: skip
    found = _found(claims)
    assert not ((found["claim_id"] == "c-release") & (found["aspect"] == "hostages")).any()


def test_dates_differ_only_when_their_spans_share_no_day(claims):
    # "2003" and "February to March 2003" share days: one date told at two precisions.
    assert not (_found(claims)["aspect"] == "date").any()
    _edit(claims, "ev-kidnap-col", date="2004")
    dataset = load_dataset(claims)
    short = short_names(dataset.sources)
    (row,) = report_differences(dataset).to_dict("records")
    assert row["aspect"] == "date" and pd.isna(row["low"])
    # Earliest first, each with who gives it.
    assert row["said"].index(short["paper"]) < row["said"].index(short["col"])
    assert row["said"].endswith(f"2004 ({short['col']})")
    table = event_table(dataset).set_index("event_id")
    speaking = table[table.index.str.startswith("ev-kidnap")]
    assert len(speaking) == 1  # one event, one row
    assert (
        speaking["differ"].iloc[0] == differences_in_words(report_differences(dataset))["c-kidnap"]
    )
    assert (table.drop(speaking.index)["differ"] == "").all()


def test_who_acted_differs_only_between_named_actors(claims):
    _edit(claims, "ev-release-col", actor1="hostages")  # unnamed: names no one
    assert not (_found(claims)["aspect"] == "who acted").any()
    _edit(claims, "ev-release-col", actor1="aqim")
    dataset = load_dataset(claims)
    (row,) = report_differences(dataset).to_dict("records")
    assert row["aspect"] == "who acted"
    assert "Al-Qaeda in the Islamic Maghreb (" in row["said"]
    assert "Salafist Group for Preaching and Combat (" in row["said"]


def test_only_the_claims_asked_for(claims):
    _edit(claims, "ev-kidnap-col", hostages="31")
    _edit(claims, "ev-release-col", actor1="aqim")
    assert set(report_differences(load_dataset(claims), ["c-release"])["claim_id"]) == {"c-release"}
    assert report_differences(load_dataset(claims), []).empty
