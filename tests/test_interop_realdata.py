"""The twelve real ACLED and GTD exports of ../shared/real-exports/: each imports whole, validates, re-imports as a no-op.

These files were written by ACLED, START and the people who downloaded them,
not by us; their terms keep them out of the repository. Expected counts come
from ../shared/real-exports/README.md and are checked against the files
themselves with pandas, independently of the importer.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from sahel_nb import DataValidationError, load_dataset
from sahel_nb.interop import import_acled, import_gtd

pytestmark = pytest.mark.realdata
ROOT = Path(__file__).parents[1]

#: file: (dataset, data rows, distinct events). From the README's table; one
#: correction: gtd1993_1012dist.xlsx holds 748 data rows (749 sheet rows with
#: the header; calamine and openpyxl agree), not the 747 the README gives.
REAL = {
    "acled_mali_2017-2019.csv": ("acled", 1339, 1339),
    "acled_bfa_1997-2020.csv": ("acled", 3010, 3010),
    "acled_mali_2017-2020_noactor2.csv": ("acled", 6214, 3314),
    "acled_benin_2022_modern.csv": ("acled", 811, 811),
    "acled_2024_api_sample.csv": ("acled", 2, 2),
    "acled_asia_2015.csv": ("acled", 10194, 10194),
    "acled_2020_excel_resaved.csv": ("acled", 5071, 5071),
    "acled_kenya_2019_excel.csv": ("acled", 5725, 5725),
    "gtd1993_0617dist.xlsx": ("gtd", 747, None),
    "gtd1993_0617dist.csv": ("gtd", 747, None),
    "gtd_2011_1012dist.xlsx": ("gtd", 5066, None),
    "gtd1993_1012dist.xlsx": ("gtd", 748, None),
}
IMPORTERS = {"acled": import_acled, "gtd": import_gtd}


@pytest.fixture
def curated(tmp_path) -> Path:
    """A copy of the curated data with its committed actor mappings."""
    return Path(shutil.copytree(ROOT / "data", tmp_path / "data"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


def _hostage_takings(path: Path) -> int:
    """GTD rows with ishostkid 1, read by pandas alone."""
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, engine="calamine", usecols=["ishostkid"])
    else:
        frame = pd.read_csv(path, usecols=["ishostkid"])
    return int((pd.to_numeric(frame["ishostkid"], errors="coerce") == 1).sum())


@pytest.mark.parametrize("name", sorted(REAL))
def test_each_real_export_imports_whole_validates_and_reimports_as_a_no_op(
    name, real_exports, curated
):
    path = real_exports / name
    dataset, rows, events = REAL[name]
    started = time.perf_counter()
    summary = IMPORTERS[dataset](path, curated)
    seconds = time.perf_counter() - started
    assert summary.read == rows
    # No row is lost: each is added, merged into its event, linked, already
    # there, revised, or skipped with a counted, named reason.
    assert summary.accounted == summary.read, str(summary)
    assert all(reason and count for reason, count in summary.skipped.items())
    if dataset == "acled":
        assert summary.added + len(summary.linked) + sum(summary.skipped.values()) == events
    else:
        assert summary.added + len(summary.linked) == _hostage_takings(path)
    loaded = load_dataset(curated)  # validates
    assert (loaded.events["source_id"] == summary.source_id).sum() == summary.added
    before = _snapshot(curated)
    again = IMPORTERS[dataset](path, curated)
    assert (again.added, again.revised, again.withdrawn) == (0, 0, 0)
    assert _snapshot(curated) == before
    print(
        f"\n{name}: {summary.read} read, {summary.added} added, {summary.merged} merged, "
        f"{len(summary.linked)} linked, {sum(summary.skipped.values())} skipped "
        f"{dict(summary.skipped)}, {seconds:.1f} s"
    )


def test_acled_zero_codes_and_text_labels_import_with_their_actor_types(real_exports, curated):
    import_acled(real_exports / "acled_bfa_1997-2020.csv", curated)
    dataset = load_dataset(curated)
    actors = dataset.actors.set_index("actor_id")
    events = dataset.events
    protests = events[events["event_type"] == "Protests"]
    # Protests with no one on the other side (inter2 0) have no second actor.
    assert len(protests) and protests["actor2"].isna().mean() > 0.5
    assert (events["actor1"] == "aqim").any()  # "AQIM: Al Qaeda in the Islamic Maghreb"
    named = actors[actors["name"].str.startswith("Military Forces of Burkina Faso")]
    assert len(named) and (named["actor_type"] == "security forces").all()


def test_one_row_per_actor_puts_the_second_rows_actor_on_the_other_side(real_exports, curated):
    # ACLED's monadic export: an event's first row gives one side (actor1 and
    # its associated actors), the second row the other. An actor associated
    # with the first row is actor1's ally, never its opponent.
    path = real_exports / "acled_mali_2017-2020_noactor2.csv"
    import_acled(path, curated)
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    firsts = rows.drop_duplicates("event_id_cnty")
    seconds = rows[rows.duplicated("event_id_cnty")].drop_duplicates("event_id_cnty")
    events = load_dataset(curated).events.set_index("event_id")
    # Each name's id, as the importer resolved it where the name is a first row's actor1.
    first_ids = events.loc["acled-" + firsts["event_id_cnty"], "actor1"].to_numpy()
    ids = dict(zip(firsts["actor1"], first_ids, strict=True))
    leading = firsts.set_index("event_id_cnty")["actor1"]
    checked = 0
    for event, name in zip(seconds["event_id_cnty"], seconds["actor1"], strict=True):
        if name not in ids or name == leading[event]:
            continue
        assert events.loc[f"acled-{event}", "actor2"] == ids[name], event
        checked += 1
    assert checked > 1000


def test_a_row_cut_short_when_the_file_was_saved_is_imported_and_named(real_exports, curated):
    # Excel saved this export part way: its last row stops after actor2 "Civilians (".
    summary = import_acled(real_exports / "acled_2020_excel_resaved.csv", curated)
    assert summary.added == 5071
    [note] = [n for n in summary.notes if "cut short" in n]
    assert note.startswith("1 row has no country") and "(row 5071)" in note


@pytest.mark.parametrize("name", sorted(REAL))
def test_a_real_export_given_to_the_wrong_importer_is_named_for_what_it_is(
    name, real_exports, curated
):
    dataset = REAL[name][0]
    wrong = "gtd" if dataset == "acled" else "acled"
    before = _snapshot(curated)
    with pytest.raises(DataValidationError) as refused:
        IMPORTERS[wrong](real_exports / name, curated)
    first = str(refused.value.problems[0])
    assert f"import it with sahel-nb import {dataset}" in first, first
    assert _snapshot(curated) == before


def test_the_same_gtd_data_in_another_form_changes_nothing(real_exports, curated):
    # START's workbook and the same rows as CSV: two sources, one set of facts.
    import_gtd(real_exports / "gtd1993_0617dist.csv", curated)
    before = _snapshot(curated)["events.csv"]
    for name in ("gtd1993_0617dist.xlsx", "gtd1993_0617dist.csv"):
        summary = import_gtd(real_exports / name, curated)
        assert (summary.added, summary.revised, summary.new_actors) == (0, 0, []), name
    assert _snapshot(curated)["events.csv"] == before
    actors = load_dataset(curated).actors
    assert (actors["name"] == "Unknown perpetrators (GTD)").sum() == 1


def test_an_older_gtd_release_imported_after_a_newer_one_revises_nothing(
    real_exports, curated, tmp_path
):
    # START's June 2017 and October 2012 releases of 1993 (the file names say
    # which is which): in either order, the 2017 values stand.
    newer, older = real_exports / "gtd1993_0617dist.xlsx", real_exports / "gtd1993_1012dist.xlsx"
    other = Path(shutil.copytree(curated, tmp_path / "other"))
    import_gtd(older, other)
    forward = import_gtd(newer, other)
    assert forward.revised > 0  # the 2017 release revises the 2012 one
    import_gtd(newer, curated)
    backward = import_gtd(older, curated)
    assert (backward.revised, backward.withdrawn) == (0, 0)
    assert any("the newer values are kept" in note for note in backward.notes)
    shown = ["event_id", "actor1", "admin1", "description"]
    ordered = [
        load_dataset(folder).events[shown].sort_values("event_id", ignore_index=True)
        for folder in (other, curated)
    ]
    assert ordered[0].equals(ordered[1])


def test_a_newer_mali_export_revises_the_older_and_withdraws_what_it_dropped(real_exports, curated):
    older_path = real_exports / "acled_mali_2017-2019.csv"
    newer_path = real_exports / "acled_mali_2017-2020_noactor2.csv"
    older = pd.read_csv(older_path, dtype=str, keep_default_na=False)
    newer = pd.read_csv(newer_path, dtype=str, keep_default_na=False)
    dropped = set(older["event_id_cnty"]) - set(newer["event_id_cnty"])
    import_acled(older_path, curated)
    summary = import_acled(newer_path, curated)
    assert summary.withdrawn == len(dropped) and summary.revised > 0
    assert summary.accounted == summary.read
    dataset = load_dataset(curated)
    assert set(dataset.withdrawn["event_id"]) == {f"acled-{i}" for i in dropped}
    assert not set(dataset.events["event_id"]) & set(dataset.withdrawn["event_id"])
    # The newer file's deaths stand for every event both files hold.
    deaths = newer.drop_duplicates("event_id_cnty").set_index("event_id_cnty")["fatalities"]
    shared = set(older["event_id_cnty"]) & set(newer["event_id_cnty"])
    events = dataset.events.set_index("event_id")
    for event_id in sorted(shared):
        assert events.loc[f"acled-{event_id}", "fatalities"] == int(deaths[event_id])


def test_an_export_filtered_by_type_or_actor_withdraws_nothing_it_does_not_cover(
    real_exports, curated, tmp_path
):
    # Analysts download one event type, or one actor's events, of a country a
    # newer day: the events such a file leaves out were not withdrawn by ACLED.
    path = real_exports / "acled_bfa_1997-2020.csv"
    whole = pd.read_csv(path, dtype=str, keep_default_na=False)
    stamp = next(c for c in whole.columns if c.lower() == "timestamp")
    later = whole.assign(**{stamp: (whole[stamp].astype(int) + 7 * 86400).astype(str)})
    first = import_acled(path, curated)
    events = load_dataset(curated).events
    kinds = whole[next(c for c in whole.columns if c.lower() == "event_type")]
    one_type = later[kinds == kinds.value_counts().index[0]]
    one_type.to_csv(tmp_path / "one_type.csv", index=False)
    summary = import_acled(tmp_path / "one_type.csv", curated)
    assert summary.withdrawn == 0
    actor1 = next(c for c in whole.columns if c.lower() == "actor1")
    one_actor = later[later[actor1] == later[actor1].value_counts().index[0]]
    one_actor.to_csv(tmp_path / "one_actor.csv", index=False)
    summary = import_acled(tmp_path / "one_actor.csv", curated)
    assert summary.withdrawn == 0 and "most likely filtered" in str(summary)
    after = load_dataset(curated)
    assert len(after.events) == len(events) and after.withdrawn.empty
    assert first.added > 0


def test_hostile_values_in_real_exports_are_problems_with_their_line_not_tracebacks(
    real_exports, curated, tmp_path, capsys
):
    from sahel_nb.cli import main

    benin = (real_exports / "acled_benin_2022_modern.csv").read_bytes()
    lines = benin.split(b"\n")
    stamps = b"\n".join([lines[0], lines[1].rsplit(b",", 1)[0] + b",1e400", *lines[2:]])
    (tmp_path / "stamp.csv").write_bytes(stamps)  # a timestamp no clock can show
    assert main(["import", "acled", str(tmp_path / "stamp.csv"), "--into", str(curated)]) == 0
    # A byte that is not UTF-8 in a column not imported, beside a date that is no date.
    bad = b"\n".join([lines[0], lines[1].replace(b"Karimama", b"Kar\xffmama"),
                      lines[2].replace(b"December 2022", b"Decembre 2022"), *lines[3:]])  # fmt: skip
    (tmp_path / "bad.csv").write_bytes(bad)
    capsys.readouterr()
    assert main(["import", "acled", str(tmp_path / "bad.csv"), "--into", str(curated)]) == 1
    said = capsys.readouterr().err
    assert "Traceback" not in said and "bad.csv:" in said
    gtd = pd.read_csv(real_exports / "gtd1993_0617dist.csv", dtype=str, keep_default_na=False)
    gtd.loc[gtd.index[0], "nkill"] = "1e400"
    gtd.to_csv(tmp_path / "gtd.csv", index=False)
    assert main(["import", "gtd", str(tmp_path / "gtd.csv"), "--into", str(curated)]) == 1
    said = capsys.readouterr().err
    assert "gtd.csv:2: nkill: is too large" in said and "Traceback" not in said


def test_every_actor_mapping_is_a_spelling_a_real_export_uses(real_exports):
    names: set[str] = set()
    for path in sorted(real_exports.glob("acled_*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.columns = [c.lower() for c in frame.columns]
        for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "ally_actor_1",
                       "ally_actor_2"):  # fmt: skip
            if column in frame:
                names |= {n.strip() for cell in frame[column] for n in cell.split(";")}
    for path in sorted(real_exports.glob("gtd*.xlsx")):
        frame = pd.read_excel(path, engine="calamine", dtype=str)
        for column in ("gname", "gname2", "gname3"):
            if column in frame:
                names |= set(frame[column].dropna())
    # Issue 30 quotes these as ACLED writes them (seen in its Mali data, not
    # in the twelve files): a spelling reported from a real export, not memory.
    names |= {"ADC: Democratic Alliance of 23rd May for Change"}
    mappings = pd.read_csv(ROOT / "data" / "actor_mappings.csv", dtype=str)
    unseen = sorted(set(mappings["external_name"]) - names)
    assert not unseen, f"mapping names no real export uses: {unseen}"
