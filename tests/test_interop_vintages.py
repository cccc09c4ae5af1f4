"""Newer exports update older ones: revised values, withdrawn events out of every count, a log of both."""

import csv
import re
import shutil
from pathlib import Path

import pytest

from sahel_nb import load_dataset
from sahel_nb.changes import compare, write_snapshot
from sahel_nb.interop import import_acled
from sahel_nb.interop.vintages import REVISIONS_FILE, export_vintage, rewrite_rows

FIXTURES = Path(__file__).parent / "fixtures" / "acled"
#: Made-up exports of one country: the newer revises two events, drops one, adds one.
OLDER, NEWER = FIXTURES / "vintage_older.csv", FIXTURES / "vintage_newer.csv"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


def _log(folder: Path) -> list[dict]:
    with open(folder / REVISIONS_FILE, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_newer_export_revises_events_and_withdraws_those_it_no_longer_holds(data_dir):
    older = import_acled(OLDER, data_dir)
    newer = import_acled(NEWER, data_dir)
    assert (newer.added, newer.revised, newer.withdrawn, newer.already) == (1, 2, 1, 1)
    assert newer.accounted == newer.read  # every row read is accounted for
    assert set(newer.revised_fields) >= {"fatalities", "location"}
    dataset = load_dataset(data_dir)
    events = dataset.events.set_index("event_id")
    revised = events.loc["acled-MLI9101"]
    assert revised["fatalities"] == 5  # the newer value
    assert (revised["source_id"], revised["locator"]) == (newer.source_id, "row 1")
    assert events.loc["acled-MLI9104", "location"] == "Bamako-Koura"
    # Unchanged by the newer export: still cited to the older one.
    assert events.loc["acled-MLI9102", "source_id"] == older.source_id
    # Withdrawn: out of the events, kept apart with the export that dropped it.
    assert "acled-MLI9103" not in events.index
    assert dataset.withdrawn.set_index("event_id").loc["acled-MLI9103", "withdrawn"] == (
        newer.source_id
    )
    # Outside the newer export's coverage (another country, earlier days): kept.
    assert {"acled-NIG9105", "acled-MLI9106"} <= set(events.index)
    log = _log(data_dir)
    assert {"event_id": "acled-MLI9101", "field": "fatalities", "old": "2", "new": "5"}.items() <= (
        next(r for r in log if r["field"] == "fatalities").items()
    )
    withdrawn = [r for r in log if r["change"] == "withdrawn"]
    assert [(r["event_id"], r["export"], r["file"]) for r in withdrawn] == [
        ("acled-MLI9103", newer.source_id, NEWER.name)
    ]
    assert "1 withdrawn" in str(newer) and "2 events an older export imported were revised" in str(
        newer
    )


def test_withdrawn_events_leave_the_reports_counts(data_dir):
    from sahel_nb import situation_report

    import_acled(OLDER, data_dir)
    before = situation_report(load_dataset(data_dir))
    import_acled(NEWER, data_dir)
    after = situation_report(load_dataset(data_dir))

    def counted(report) -> dict[str, int]:
        """Events the report counts per year, over every imported export."""
        per_year: dict[str, int] = {}
        for sentence in dict(report.sections)["Imported datasets"]:
            found = re.search(r"records (\d+) events? in (\d{4})", sentence.text)
            per_year[found[2]] = per_year.get(found[2], 0) + int(found[1])
        return per_year

    # 2018: five events, then one dropped by the newer export and one added.
    assert counted(before) == {"2016": 1, "2018": 5}
    assert counted(after) == {"2016": 1, "2018": 5}
    assert load_dataset(data_dir).events["event_id"].str.contains("MLI9107").any()


def test_importing_the_newer_export_again_changes_nothing(data_dir):
    import_acled(OLDER, data_dir)
    import_acled(NEWER, data_dir)
    before = _snapshot(data_dir)
    again = import_acled(NEWER, data_dir)
    assert (again.added, again.revised, again.withdrawn) == (0, 0, 0)
    assert _snapshot(data_dir) == before


def test_the_older_export_imported_after_the_newer_changes_no_newer_value(data_dir):
    newer = import_acled(NEWER, data_dir)
    older = import_acled(OLDER, data_dir)
    assert older.revised == 0 and older.accounted == older.read
    dataset = load_dataset(data_dir)
    events = dataset.events.set_index("event_id")
    assert events.loc["acled-MLI9101", "fatalities"] == 5
    assert events.loc["acled-MLI9101", "source_id"] == newer.source_id
    # What the newer export dropped arrives withdrawn; outside its coverage, counted.
    assert list(dataset.withdrawn["event_id"]) == ["acled-MLI9103"]
    assert older.withdrawn == 1
    assert {"acled-NIG9105", "acled-MLI9106"} <= set(events.index)


def test_an_event_held_again_by_a_still_newer_export_is_restored(data_dir, tmp_path):
    import_acled(OLDER, data_dir)
    import_acled(NEWER, data_dir)
    newest = tmp_path / "newest.csv"
    lines = OLDER.read_text(encoding="utf-8").splitlines(keepends=True)
    back = next(line for line in lines if line.startswith("MLI9103,"))
    newest.write_text(
        NEWER.read_text(encoding="utf-8") + back.replace(",1550000000", ",1700000000"),
        encoding="utf-8",
    )
    summary = import_acled(newest, data_dir)
    assert (summary.restored, summary.withdrawn) == (1, 0)
    dataset = load_dataset(data_dir)
    assert "acled-MLI9103" in set(dataset.events["event_id"]) and dataset.withdrawn.empty
    assert any(r["change"] == "restored" for r in _log(data_dir))


def test_the_changes_page_lists_withdrawn_events(data_dir, tmp_path):
    from sahel_nb.pages import render

    import_acled(OLDER, data_dir)
    snapshot = write_snapshot(data_dir, tmp_path / "snapshot")
    newer = import_acled(NEWER, data_dir)
    changes = compare(snapshot, data_dir, previous_run="R1")
    assert [(r["event_id"], r["withdrawn"]) for r in changes.withdrawn] == [
        ("acled-MLI9103", newer.source_id)
    ]
    assert changes.summary()["events_withdrawn"] == 1
    assert "1 imported event(s) withdrawn by a newer export" in changes.sentence()
    page = render(
        "report_changes.html.j2", run_id="R2", changes=changes, note="", previous_sha="a" * 64,
        data_sha="b" * 64,
    )  # fmt: skip
    assert "acled-MLI9103" in page.split("withdrawn by a newer export</h2>")[1].split("<h2>")[0]


def test_a_folder_without_the_withdrawn_column_gains_it_and_keeps_every_other_byte(tmp_path):
    path = tmp_path / "events.csv"
    original = 'event_id,note\r\nev-1,"two\r\nlines"\r\nev-2,kept\r\n'
    path.write_bytes(original.encode())
    assert rewrite_rows(path, "event_id", {"ev-2": {"withdrawn": "acled-0123456789ab"}}) == 1
    assert path.read_bytes().decode() == (
        '"event_id","note","withdrawn"\r\nev-1,"two\r\nlines",\r\n'
        '"ev-2","kept","acled-0123456789ab"\r\n'
    )


@pytest.mark.parametrize(
    ("stamps", "day"), [(["1548448829", "1551416737"], "2019-03-01"), (["", ""], "")]
)
def test_an_exports_vintage_is_its_newest_record(stamps, day):
    import pandas as pd

    assert export_vintage(pd.Series(stamps)) == day


def test_two_copies_of_one_folder_agree_whichever_order_they_import(data_dir, tmp_path):
    other = Path(shutil.copytree(data_dir, tmp_path / "other"))
    import_acled(OLDER, data_dir)
    import_acled(NEWER, data_dir)
    import_acled(NEWER, other)
    import_acled(OLDER, other)
    columns = ["event_id", "date", "fatalities", "location", "actor1", "actor2"]
    one, two = load_dataset(data_dir), load_dataset(other)
    assert (
        one.events[columns]
        .sort_values("event_id")
        .reset_index(drop=True)
        .equals(two.events[columns].sort_values("event_id").reset_index(drop=True))
    )
    assert list(one.withdrawn["event_id"]) == list(two.withdrawn["event_id"])


def test_validate_counts_the_withdrawn_events_apart(data_dir, capsys):
    from sahel_nb.cli import main

    import_acled(OLDER, data_dir)
    import_acled(NEWER, data_dir)
    capsys.readouterr()
    assert main(["validate", str(data_dir)]) == 0
    said = capsys.readouterr().out
    events = len(load_dataset(data_dir).events)
    assert f"{events} events (and 1 withdrawn, out of every count)" in said
