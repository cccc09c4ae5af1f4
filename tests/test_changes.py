"""What changed since the last report: rows by id, claims' support, money totals, imported actors."""

import csv
import gzip
import shutil
import subprocess
from pathlib import Path

import pytest

from sahel_nb import SahelNbError
from sahel_nb.changes import (
    compare,
    compare_latest,
    compare_revision,
    read_snapshot,
    write_snapshot,
)
from sahel_nb.cli import main

VALID = Path(__file__).parent / "fixtures" / "valid"


def _copy(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copytree(VALID, tmp_path / name))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_snapshot_is_the_same_bytes_for_the_same_data_and_reads_back(tmp_path):
    first = write_snapshot(VALID, tmp_path / "one")
    second = write_snapshot(VALID, tmp_path / "two")
    for packed in sorted(first.iterdir()):
        assert packed.read_bytes() == (second / packed.name).read_bytes()
        with gzip.open(packed) as raw:  # plain gzip: zcat reads it too
            assert raw.read() == (VALID / packed.name.removesuffix(".gz")).read_bytes()
    back = read_snapshot(first, tmp_path / "back")
    assert sorted(p.name for p in back.iterdir()) == sorted(p.name for p in VALID.iterdir())


def test_added_removed_and_changed_rows_by_id_with_old_and_new_values(tmp_path):
    snapshot = write_snapshot(VALID, tmp_path / "snapshot")
    data = _copy(tmp_path, "data")
    _edit(data / "flows.csv", "fl-1,2003,mali-gov,aqim,tuareg,ransom,7300000,", "fl-1,2003,mali-gov,aqim,tuareg,ransom,9100000,")  # fmt: skip
    with open(data / "events.csv", "a", encoding="utf-8") as events:
        events.write("ev-new,2004,Battles,Armed clash,aqim,,,,,,,,,,,A <script> clash.,reported,3,src-a,¶2\n")  # fmt: skip
    lines = (data / "relationships.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    removed_id = lines[-1].split(",")[0]
    (data / "relationships.csv").write_text("".join(lines[:-1]), encoding="utf-8")

    changes = compare(snapshot, data, previous_run="R1")
    tables = {t.table: t for t in changes.tables}
    assert [row["event_id"] for row in tables["events"].added] == ["ev-new"]
    assert [row["relationship_id"] for row in tables["relationships"].removed] == [removed_id]
    assert tables["flows"].changed == [{"id": "fl-1", "fields": [("amount", "7300000", "9100000")]}]
    assert not tables["actors"].count and not tables["sources"].count
    # The money total that moved, as the report computes it, and the new claim's support.
    assert any(m["payer"] and m["old"] == 7300000 and m["new"] == 9100000 for m in changes.money)
    assert {c["claim_id"] for c in changes.claims} >= {"ev-new"}
    new_claim = next(c for c in changes.claims if c["claim_id"] == "ev-new")
    assert new_claim["old"] == "not in the data" and new_claim["new"].startswith("single source")
    summary = changes.summary()
    assert (summary["rows_added"], summary["rows_removed"], summary["rows_changed"]) == (1, 1, 1)
    assert changes.sentence().startswith("Since report R1: 1 row(s) added, 1 removed, 1 changed")


def test_new_actors_from_imports_are_named(tmp_path):
    snapshot = write_snapshot(VALID, tmp_path / "snapshot")
    data = _copy(tmp_path, "data")
    with open(data / "actors.csv", "a", encoding="utf-8") as actors:
        actors.write("acled-katiba-x,Katiba X,armed group,,false,MLI,Imported.,src-a,¶1\n")
        actors.write("curated-y,Curated Y,armed group,,false,MLI,Added by hand.,src-a,¶1\n")
    changes = compare(snapshot, data, previous_run="R1")
    assert changes.new_actors == [{"actor_id": "acled-katiba-x", "name": "Katiba X"}]
    assert changes.summary()["rows_added"] == 2


def test_no_snapshot_means_nothing_to_compare(tmp_path):
    changes = compare(None, VALID)
    assert changes.previous_run is None and not changes.tables
    assert "nothing earlier to compare with" in changes.sentence()


def test_unchanged_data_says_so(tmp_path):
    changes = compare(write_snapshot(VALID, tmp_path / "s"), VALID, previous_run="R1")
    assert changes.sentence() == "Nothing in the data changed since report R1."


def test_the_changes_page_escapes_data_strings(tmp_path):
    from sahel_nb.pages import render

    snapshot = write_snapshot(VALID, tmp_path / "snapshot")
    data = _copy(tmp_path, "data")
    with open(data / "events.csv", "a", encoding="utf-8") as events:
        events.write("ev-x,2004,Battles,Armed clash,aqim,,,,,,,,,,,<script>alert(1)</script>,reported,3,src-a,¶2\n")  # fmt: skip
    changes = compare(snapshot, data, previous_run="R1")
    page = render(
        "report_changes.html.j2", run_id="R2", changes=changes, note="", previous_sha="a" * 64,
        data_sha="b" * 64,
    )  # fmt: skip
    assert "ev-x" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page


def test_cells_beyond_the_csv_modules_field_limit_are_compared(tmp_path):
    # csv.DictReader stopped at 131,072 characters, after every notebook had run.
    old = _copy(tmp_path, "old")
    _edit(old / "relationships.csv", "¶11,\n", "¶11," + "x" * 200_000 + "\n")
    snapshot = write_snapshot(old, tmp_path / "snapshot")
    assert compare(snapshot, old, previous_run="R1").sentence() == (
        "Nothing in the data changed since report R1."
    )
    new = Path(shutil.copytree(old, tmp_path / "new"))
    _edit(new / "relationships.csv", "x\n", "xy\n")
    # The changed row is found; the data itself is refused, with validation's message.
    with pytest.raises(SahelNbError, match=r"note: is 200,00\d characters long"):
        compare(snapshot, new, previous_run="R1")
    assert csv.field_size_limit() == 131_072  # for every other reader


def test_undecodable_data_is_a_message_not_a_traceback(tmp_path):
    snapshot = write_snapshot(VALID, tmp_path / "snapshot")
    data = _copy(tmp_path, "data")
    text = (data / "actors.csv").read_text(encoding="utf-8")
    (data / "actors.csv").write_bytes(text.replace("Tuaregs", "Touarègues").encode("latin-1"))
    with pytest.raises(SahelNbError, match="is not valid UTF-8 text"):
        compare(snapshot, data, previous_run="R1")


def test_a_byte_order_mark_changes_nothing(tmp_path):
    snapshot = write_snapshot(VALID, tmp_path / "snapshot")
    data = _copy(tmp_path, "data")
    for file in data.iterdir():
        file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    changes = compare(snapshot, data, previous_run="R1")
    assert changes.sentence() == "Nothing in the data changed since report R1."


def test_a_report_changed_under_a_judgment_names_it_to_review_on_the_changes_page(tmp_path):
    import pandas as pd

    from sahel_nb.changes import Changes, judgments_to_review
    from sahel_nb.pages import render
    from sahel_nb.paths import PROJECT_ROOT, curated_data_dir

    data, analysis = tmp_path / "data", tmp_path / "analysis"
    shutil.copytree(curated_data_dir(), data)
    shutil.copytree(PROJECT_ROOT / "analysis", analysis)
    # As shipped, every judgment was reviewed against the data: nothing to review.
    assert judgments_to_review(data, analysis) == []
    flows = pd.read_csv(data / "flows.csv", dtype=str, keep_default_na=False)
    row = flows.index[flows["claim_id"] == "c-2003-german-ransom"][0]
    old = flows.loc[row, "status"]
    flows.loc[row, "status"] = "disputed" if old != "disputed" else "alleged"
    flows.to_csv(data / "flows.csv", index=False)
    stale = judgments_to_review(data, analysis)
    from sahel_nb import load_dataset
    from sahel_nb.assessment import load_assessment

    assessment = load_assessment(analysis / "aqim-kfr-mali-2003-2010.yml", load_dataset(data))
    under = {j.id for j in assessment.judgments if "c-2003-german-ransom" in j.rests_on}
    assert under and under <= {item["id"] for item in stale}
    changed = f"report {flows.loc[row, 'flow_id']} changed: status {old} →"
    assert all(any(c.startswith(changed) for c in item["changes"]) for item in stale)
    page = render(
        "report_changes.html.j2",
        run_id="r2",
        changes=Changes(None, to_review=stale),
        note="",
        previous_sha="",
        data_sha="",
    )
    assert "Judgments to review" in page
    for judgment_id in under:
        assert f"<code>{judgment_id}</code>" in page
    assert "1 judgment(s) to review" in Changes(None, to_review=stale[:1]).sentence()


def test_changes_against_a_git_revision_reads_the_tables_with_git_show(tmp_path, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo / "data")

    def git(*args):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "data")
    flows = repo / "data" / "flows.csv"
    flows.write_text(flows.read_text().replace(",7300000,", ",9100000,"), encoding="utf-8")
    changes = compare_revision(repo / "data")
    flows_changes = next(t for t in changes.tables if t.table == "flows")
    assert flows_changes.changed == [{"id": "fl-1", "fields": [("amount", "7300000", "9100000")]}]
    assert changes.sentence().startswith("Since revision HEAD: 0 row(s) added")
    assert main(["changes", "--data", str(repo / "data")]) == 0
    assert "    amount: '7300000' → '9100000'" in capsys.readouterr().out.splitlines()
    with pytest.raises(SahelNbError, match="no such revision"):
        compare_revision(repo / "data", "no-such-branch")


def test_a_report_regraded_changes_its_claims_support_though_its_counts_stay(tmp_path):
    snapshot = write_snapshot(VALID, tmp_path / "snapshot")
    data = _copy(tmp_path, "data")
    flows = data / "flows.csv"
    with open(flows, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    first = rows[0]
    # Counts and agreement stay as they were: only the report's grade moves.
    first["credibility"] = "4" if first["credibility"] != "4" else "2"
    with open(flows, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(first))
        writer.writeheader()
        writer.writerows(rows)
    changes = compare(snapshot, data, previous_run="R1")
    [moved] = [
        c for c in changes.claims if c["claim_id"] == first.get("claim_id", first["flow_id"])
    ]
    assert f"{first['status']} " in moved["new"] and moved["old"] != moved["new"]
    assert moved["new"].endswith(f"{first['credibility']}")


def _published(out: Path, data: Path, run_id: str = "20261207-120000") -> None:
    run = out / run_id
    write_snapshot(data, run / "data-snapshot")
    (run / "manifest.json").write_text(f'{{"run_id": "{run_id}"}}', encoding="utf-8")
    (out / "latest").symlink_to(run_id)


def test_changes_against_latest_compares_with_the_published_reports_data(tmp_path, capsys):
    out, data = tmp_path / "reports", _copy(tmp_path, "data")
    _published(out, VALID)
    _edit(data / "events.csv", "Kidnapping.", "Kidnapping of tourists.")
    changes = compare_latest(data, out)
    assert changes.previous_run == "20261207-120000"
    assert changes.summary()["rows_changed"] == 1
    assert main(["changes", "--against", "latest", "--reports", str(out), "--data", str(data)]) == 0
    said = capsys.readouterr().out
    assert "report 20261207-120000" in said and "'Kidnapping.' → 'Kidnapping of tourists.'" in said


def test_changes_against_latest_with_no_published_report_says_what_to_do(tmp_path, capsys):
    args = ["changes", "--against", "latest", "--reports", str(tmp_path), "--data", str(VALID)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "no report is published" in err and "sahel-nb report" in err
    assert "Traceback" not in err


def test_reports_without_against_latest_is_a_message(tmp_path, capsys):
    args = ["changes", "--reports", str(tmp_path), "--data", str(VALID)]
    assert main(args) == 1
    assert "--reports goes with --against latest" in capsys.readouterr().err
