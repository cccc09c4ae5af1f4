"""Curating a source: ``source add`` and ``source show``, and the claims a new row repeats."""

from pathlib import Path

import pytest
from test_texts import ARTICLE, _hold, append_row, new_event

from sahel_nb import SahelNbError, load_dataset
from sahel_nb.cli import main
from sahel_nb.curate import (
    add_source,
    check_row,
    curation_notices,
    form_fields,
    similar_claims,
    source_paragraphs,
)
from sahel_nb.curate import append_row as append_to_table
from sahel_nb.data import validate_folder
from sahel_nb.texts import paragraphs

DATA = Path(__file__).parents[1] / "data"


def _article(tmp_path: Path) -> Path:
    path = tmp_path / "download.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def _add(tmp_path, data, **extra):
    options = dict(
        source_id="mg-2009", publisher="Mail & Guardian", published="2009-02-18", reliability="C"
    )
    return add_source(_article(tmp_path), data, **(options | extra))


def test_a_new_source_end_to_end(tmp_path, texts, data, capsys):
    """source add, a row citing it, validate: the way a new analyst adds an article."""
    code = main(
        [
            "source", "add", str(_article(tmp_path)), "--id", "mg-2009", "--publisher",
            "Mail & Guardian", "--published", "2009-02-18", "--reliability", "C",
            "--into", str(data),
        ]
    )  # fmt: skip
    assert code == 0
    shown = capsys.readouterr().out
    assert shown.startswith("¶1 Al-Qaeda claims") and "¶4 Among the tourists" in shown
    stored = texts / "mg-2009.txt"
    assert paragraphs(stored.read_text(encoding="utf-8")) == paragraphs(ARTICLE)
    source = load_dataset(data).sources.set_index("source_id").loc["mg-2009"]
    assert source["title"] == "Al-Qaeda claims kidnappings of diplomats and tourists"
    assert str(source["reliability"]) == "C" and "mg-2009.txt" in source["notes"]

    append_row(data / "events.csv", new_event())
    dataset, warnings = validate_folder(data)
    assert "ev-new" in set(dataset.events["event_id"])
    assert not warnings
    assert main(["validate", str(data)]) == 0
    assert source_paragraphs("mg-2009", data, "¶4").startswith("¶4 Among the tourists")


def test_source_add_refuses_a_taken_id_and_a_bad_row_leaving_nothing(tmp_path, texts, data):
    with pytest.raises(SahelNbError, match="already in"):
        _add(tmp_path, data, source_id="src-a")
    # One file on macOS and Windows: an id differing only in case is taken too.
    with pytest.raises(SahelNbError, match="src-a written otherwise, already in"):
        _add(tmp_path, data, source_id="SRC-A")
    with pytest.raises(SahelNbError, match=r"without \.txt"):
        _add(tmp_path, data, source_id="mg-2009.txt")
    before = (data / "sources.csv").read_bytes()
    with pytest.raises(SahelNbError, match="published"):
        _add(tmp_path, data, published="2009-13")
    assert (data / "sources.csv").read_bytes() == before
    assert not (texts / "mg-2009.txt").exists()


def test_two_curators_adding_one_id_at_once_leave_the_winners_text(
    tmp_path, texts, data, monkeypatch
):
    # The second curator passed the first check before the first one took the lock: it
    # must be refused under the lock, and must not delete the text the first one stored.
    import contextlib

    from sahel_nb import transaction

    real, raced = transaction.importing, []

    @contextlib.contextmanager
    def after_a_rival(folder, *args, **kwargs):
        if not raced:
            raced.append(True)
            _add(tmp_path, data)
        with real(folder, *args, **kwargs) as notes:
            yield notes

    monkeypatch.setattr(transaction, "importing", after_a_rival)
    with pytest.raises(SahelNbError, match="already in"):
        _add(tmp_path, data)
    monkeypatch.undo()
    assert (texts / "mg-2009.txt").is_file()
    assert "mg-2009" in set(load_dataset(data).sources["source_id"])


def test_source_add_refuses_a_control_character_and_shows_a_text_escaped(
    tmp_path, texts, data, capsys
):
    before = (data / "sources.csv").read_bytes()
    with pytest.raises(SahelNbError, match="control character"):
        _add(tmp_path, data, publisher="Evil\x1b[2J")
    assert (data / "sources.csv").read_bytes() == before
    article = _article(tmp_path)
    article.write_text(ARTICLE.replace("Wednesday", "Wednesday\x1b[2J"), encoding="utf-8")
    options = ["--publisher", "M&G", "--published", "2009-02-18", "--reliability", "C"]
    command = ["source", "add", str(article), "--id", "mg-2009", *options, "--into", str(data)]
    assert main(command) == 0
    shown = capsys.readouterr().out
    assert "Wednesday\\x1b[2J" in shown and "\x1b" not in shown
    assert main(["source", "show", "mg-2009", "¶2", "--data", str(data)]) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_claims_find_suggests_the_dyer_kidnapping_for_a_new_row(tmp_path, texts, data):
    curated = load_dataset(DATA)
    row = new_event(
        event_id="ev-2009-dyer-mg",
        date="2009-01",
        actor1="aqim",
        actor2="edwin-dyer",
        description="The British tourist Edwin Dyer was among those seized near the "
        "Mali–Niger border in January 2009.",
    )
    found = similar_claims(curated, row=row, table="events")
    assert found["claim_id"].iloc[0] == "c-2009-dyer-kidnapping"
    assert "same event type and sub event type" in found["why"].iloc[0]
    assert found["score"].is_monotonic_decreasing


def test_claims_find_on_the_command_line(capsys):
    assert main(["claims", "find", "Edwin Dyer kidnapped in Niger in January 2009"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert "c-2009-dyer-kidnapping" in first
    assert main(["claims", "find", "--like", "ev-2009-01-22-dyer-kidnapping"]) == 0
    assert "c-2009-dyer-kidnapping" not in capsys.readouterr().out  # its own claim is left out


def _committed(tmp_path: Path) -> Path:
    """A copy of the curated data in a git repository of its own, committed."""
    import shutil
    import subprocess

    repo = tmp_path / "repo"
    shutil.copytree(DATA, repo / "data")
    for args in (
        ["init", "-q"],
        ["add", "."],
        ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "data"],
    ):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)
    return repo / "data"


def _dyer(**row) -> dict:
    """The Dyer kidnapping as the new article tells it."""
    told = {
        "event_id": "ev-2009-dyer-mg",
        "actor1": "aqim",
        "actor2": "edwin-dyer",
        "description": "AQIM says its fighters took the British national Edwin Dyer near the "
        "Mali–Niger border in January.",
        "locator": "¶2–4",
    }
    return new_event(**(told | row))


def test_validate_notices_a_new_row_that_repeats_a_claim(tmp_path, texts, capsys):
    data = _committed(tmp_path)
    assert curation_notices(data) == []  # nothing changed since the commit
    _hold(texts, data)
    line = append_row(data / "events.csv", _dyer(claim_id="c-2009-dyer-mg"))
    notices = [n for n in curation_notices(data) if n.column == "claim_id"]
    assert [(n.line, n.value) for n in notices] == [(line, "c-2009-dyer-mg")]
    assert notices[0].message.startswith("notice: may repeat c-2009-dyer-kidnapping")
    assert "actors edwin-dyer" in notices[0].message
    # On the command line, as file:line: column: message (value); the data stays valid.
    assert main(["validate", str(data)]) == 0
    said = capsys.readouterr().err
    assert f"{data}/events.csv:{line}: claim_id: notice: may repeat c-2009-dyer-kidnapping" in said


def test_validate_notices_the_rows_whose_grade_may_rise_when_a_claim_gains_an_origin(
    tmp_path, texts
):
    data = _committed(tmp_path)
    _hold(texts, data)
    append_row(data / "events.csv", _dyer(claim_id="c-2009-dyer-kidnapping"))
    curated = load_dataset(data)
    notices = curation_notices(data, curated)
    # Sharing the claim's id, the row repeats nothing; its claim has one more origin.
    assert not [n for n in notices if n.column == "claim_id"]
    rising = [n for n in notices if n.column == "credibility"]
    events = curated.events.set_index("event_id")
    earlier = events[
        (events["claim_id"] == "c-2009-dyer-kidnapping") & (events.index != "ev-2009-dyer-mg")
    ]
    expected = {
        row_id
        for row_id, row in earlier.iterrows()
        if int(row["credibility"]) > 1 and str(row["status"]) not in ("denied", "disputed")
    }
    assert expected  # the curated claim has such a row
    assert len(rising) == len(expected)
    for notice in rising:
        assert "c-2009-dyer-kidnapping gained an independent origin" in notice.message
        assert "may now rise" in notice.message and int(notice.value) > 1


def test_no_notices_outside_git(tmp_path, texts):
    import shutil

    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    _hold(texts, data)
    append_row(data / "events.csv", _dyer(claim_id="c-2009-dyer-mg"))
    assert curation_notices(data) == []


def test_a_form_offers_the_codebook_s_vocabularies_and_the_data_s_ids():
    curated = load_dataset(DATA)
    for table in ("relationships", "events", "flows"):
        fields = {f["name"]: f for f in form_fields(curated, table)}
        assert fields["status"]["choices"] and fields["status"]["required"]
        assert set(fields["source_id"]["choices"]) == set(curated.sources["source_id"])
        assert fields["credibility"]["choices"] == ["1", "2", "3", "4", "5", "6"]
        assert "withdrawn" not in fields
    events = {f["name"]: f for f in form_fields(curated, "events")}
    assert set(events["actor1"]["choices"]) == set(curated.actors["actor_id"])
    assert events["assoc_actors"]["several"] and events["description"]["choices"] is None


def test_check_row_says_what_validate_would_and_append_row_writes_only_a_good_row(
    tmp_path, texts, data
):
    import shutil

    data = Path(shutil.copytree(DATA, tmp_path / "curated"))
    _hold(texts, data)
    before = (data / "events.csv").read_bytes()
    copied = _dyer(
        description="The group said in a statement posted on an Islamist website that its "
        "fighters had taken the tourists."
    )
    said = check_row("events", copied, data)
    assert [p.column for p in said if not p.warning] == ["description"]
    assert str(said[0]).startswith(f"{data}/events.csv:")
    with pytest.raises(SahelNbError, match="nothing was written"):
        append_to_table("events", copied, data)
    assert (data / "events.csv").read_bytes() == before
    unnamed = _dyer(actor1="belmokhtar")  # the article does not name him
    assert [(p.column, p.warning) for p in check_row("events", unnamed, data)] == [("actor1", True)]

    line = append_to_table("events", _dyer(), data)
    dataset, _ = validate_folder(data)
    assert "ev-2009-dyer-mg" in set(dataset.events["event_id"])
    assert (
        (data / "events.csv")
        .read_text(encoding="utf-8")
        .splitlines()[line - 1]
        .startswith("ev-2009-dyer-mg,")
    )
    assert (data / "events.csv").read_bytes().startswith(before)  # appended, nothing rewritten


def test_the_curation_widgets_fill_check_and_append_a_row(tmp_path, texts):
    import shutil

    from sahel_nb.curator import Curator

    data = Path(shutil.copytree(DATA, tmp_path / "curated"))
    _hold(texts, data)
    curator = Curator(load_dataset(data), data, source_id="mg-2009", paragraph=4)
    assert curator.paragraph_text().startswith("¶4 Among the tourists")
    assert curator.inputs["locator"].value == "¶4"
    for name, value in _dyer(locator="¶2–4").items():
        if name not in ("source_id",):
            curator.inputs[name].value = value
    assert curator.row()["source_id"] == "mg-2009"
    assert curator.repeats()["claim_id"].iloc[0] == "c-2009-dyer-kidnapping"
    assert not [p for p in curator.check() if not p.warning]
    curator.buttons[2].click()  # Append
    assert "Appended as line" in curator.result.value
    assert "ev-2009-dyer-mg" in set(curator.dataset.events["event_id"])
