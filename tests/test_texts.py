"""Source texts: where they are kept, their numbered paragraphs, and validate's checks against them."""

import csv
from pathlib import Path

from sahel_nb.data import validate_folder
from sahel_nb.exceptions import DataValidationError
from sahel_nb.texts import paragraphs, text_folders

VALID = Path(__file__).parent / "fixtures" / "valid"

#: A short report in the style of issue 26's example: AQIM claims two kidnappings.
ARTICLE = """\
Al-Qaeda claims kidnappings of diplomats and tourists

Al-Qaeda in the Islamic Maghreb said on Wednesday it was holding two Canadian
diplomats seized in Niger in December and four European tourists.

The group said in a statement posted on an Islamist website that its fighters
had taken the tourists near the border between Mali and Niger in January.

Among the tourists was the British national Edwin Dyer, the statement said.
"""


def append_row(path: Path, row: dict) -> int:
    """Append a row by column name; return its editor line."""
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
        lines = 1 + sum(1 for _ in csv.reader(handle))
    with open(path, "a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, header, lineterminator="\n").writerow(row)
    return lines + 1


def new_event(**row) -> dict:
    """An event citing the article, as a curator would first write it."""
    base = {
        "event_id": "ev-new",
        "date": "2009-01",
        "event_type": "Violence against civilians",
        "sub_event_type": "Abduction/forced disappearance",
        "actor1": "aqim",
        "description": "AQIM says it holds European tourists taken on the Mali–Niger border.",
        "status": "alleged",
        "credibility": "3",
        "source_id": "mg-2009",
        "locator": "¶2–3",
    }
    return base | row


def _hold(texts: Path, data: Path) -> None:
    """The article held as mg-2009: its text stored, its row saying so."""
    texts.mkdir(exist_ok=True)
    (texts / "mg-2009.txt").write_text(ARTICLE, encoding="utf-8")
    append_row(
        data / "sources.csv",
        {
            "source_id": "mg-2009",
            "title": "Al-Qaeda claims kidnappings",
            "publisher": "Mail & Guardian",
            "published": "2009-02-18",
            "reliability": "C",
            "notes": "Stored as mg-2009.txt; locators count paragraphs.",
        },
    )


def _problems(data: Path) -> list[str]:
    try:
        _, warnings = validate_folder(data)
    except DataValidationError as error:
        return [str(p) for p in [*error.problems, *error.warnings]]
    return [str(p) for p in warnings]


def test_paragraphs_are_blocks_between_blank_lines():
    blocks = paragraphs(ARTICLE)
    assert blocks[0].startswith("Al-Qaeda claims") and blocks[-1].startswith("Among")
    assert all(block == block.strip() and "\n\n" not in block for block in blocks)


def test_texts_are_looked_for_in_the_override_beside_the_data_then_shared(texts, data):
    folders = text_folders(data)
    assert folders[0] == texts and folders[1] == data.parent / "sources"
    assert folders[-1].parts[-2:] == ("shared", "sources")


def test_validate_catches_what_a_reviewer_would(texts, data):
    _hold(texts, data)
    events = data / "events.csv"
    past = append_row(events, new_event(event_id="ev-past", locator="¶2, ¶9"))
    copied = append_row(
        events,
        new_event(
            event_id="ev-copied",
            description="Its fighters had taken the tourists near the border between Mali "
            "and Niger, it says.",
        ),
    )
    quoted = append_row(
        events,
        new_event(
            event_id="ev-quoted",
            description='It says "its fighters had taken the tourists near the border between '
            'Mali and Niger".',
        ),
    )
    day = append_row(events, new_event(event_id="ev-day", date="2009-01-22"))
    absent = append_row(events, new_event(event_id="ev-absent", actor2="tuareg"))
    found = _problems(data)
    events_csv = str(events)

    def about(line: int, column: str) -> list[str]:
        return [p for p in found if p.startswith(f"{events_csv}:{line}: {column}: ")]

    [past_end] = about(past, "locator")
    assert "¶9" in past_end and "4 paragraphs" in past_end and "warning" not in past_end
    [copying] = about(copied, "description")
    assert "copies 8+ words" in copying and "warning" not in copying
    assert not about(quoted, "description")
    [date] = about(day, "date")
    assert date.split(": ")[2] == "warning" and "day (22)" in date
    [actor] = about(absent, "actor2")
    assert "warning: " in actor and "tuareg" in actor
    assert not about(day, "actor1")  # AQIM is named in ¶2


def test_a_held_source_without_its_text_is_an_error_naming_the_folders(texts, data):
    _hold(texts, data)
    (texts / "mg-2009.txt").unlink()
    [problem] = [p for p in _problems(data) if "sources.csv" in p]
    assert "mg-2009 is held" in problem and str(texts) in problem
    assert str(data.parent / "sources") in problem


def test_a_date_from_the_articles_own_date_is_no_warning_when_the_row_says_so(texts, data):
    _hold(texts, data)
    said = "On Wednesday, read by the analyst as 18 February 2009, AQIM claimed the seizures."
    append_row(data / "events.csv", new_event(date="2009-02-18", locator="¶2", description=said))
    assert not [p for p in _problems(data) if ": date: " in p]


def test_the_sources_own_date_unsaid_is_a_warning_asking_the_row_to_say_so(texts, data):
    _hold(texts, data)
    line = append_row(data / "events.csv", new_event(date="2009-02-18", locator="¶2"))
    [warning] = [p for p in _problems(data) if p.startswith(f"{data / 'events.csv'}:{line}: date:")]
    assert "warning: the month (February)" in warning and "source's own date" in warning


def test_a_date_that_is_no_date_is_one_error_and_no_question_to_the_text(texts, data):
    _hold(texts, data)
    events = data / "events.csv"
    month = append_row(events, new_event(event_id="ev-month", date="2009-13"))
    day = append_row(events, new_event(event_id="ev-day", date="2009-02-30"))
    found = _problems(data)  # the texts are asked about real dates only: no crash
    for line in (month, day):
        [problem] = [p for p in found if p.startswith(f"{events}:{line}: date: ")]
        assert "is not a real date" in problem and "warning" not in problem


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_a_warning(texts, data):
    _hold(texts, data)
    events = data / "events.csv"
    formula = append_row(events, new_event(event_id="ev-formula", location='=HYPERLINK("x")'))
    plus = append_row(events, new_event(event_id="ev-plus", location="+cmd"))
    number = append_row(events, new_event(event_id="ev-minus", location="-5 km north"))
    _, warnings = validate_folder(data)  # still valid: warnings only
    found = [str(p) for p in warnings]

    def about(line: int) -> list[str]:
        return [p for p in found if p.startswith(f"{events}:{line}: location: ")]

    [warned] = about(formula)
    assert "warning: starts like a spreadsheet formula" in warned and "HYPERLINK" in warned
    assert about(plus) and not about(number)


def test_a_row_saying_it_read_its_date_must_give_the_date_it_read(texts, data):
    _hold(texts, data)
    events = data / "events.csv"
    other = "On Wednesday, read by the analyst as 18 February 2009, AQIM claimed the seizures."
    unsaid = "AQIM claimed the seizures; the day is read by the analyst as the article's."
    wrong = append_row(events, new_event(event_id="ev-w", date="2009-02-21", description=other))
    bare = append_row(events, new_event(event_id="ev-b", date="2009-02-21", description=unsaid))
    right = append_row(events, new_event(event_id="ev-r", date="2009-02-18", description=other))
    found = _problems(data)

    def about(line: int) -> list[str]:
        return [p for p in found if p.startswith(f"{events}:{line}: date: ")]

    for line, what in ((wrong, "the day (21)"), (bare, "the month (February)")):
        [warning] = about(line)
        assert "warning: " in warning and what in warning and "2009-02-21" in warning
    assert not about(right)


def test_a_cell_of_megabytes_citing_a_held_text_is_one_problem_said_promptly(texts, data):
    import os
    import subprocess
    import sys

    _hold(texts, data)
    # No full stop for two million characters: the clause searches once backtracked
    # over every character for each (hours); a hang would fail at the timeout.
    long = "word " * 400_000
    line = append_row(data / "events.csv", new_event(locator="¶2", description=long))
    done = subprocess.run(
        [sys.executable, "-m", "sahel_nb.cli", "validate", str(data)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "SAHEL_NB_SOURCES": str(texts)},
    )  # fmt: skip
    assert done.returncode == 1
    assert f"events.csv:{line}: description: is 2,000,000 characters long" in done.stderr


def _about(found: list[str], path: Path, line: int, column: str) -> list[str]:
    return [p for p in found if p.startswith(f"{path}:{line}: {column}: ")]


def test_a_page_or_row_locator_on_a_held_text_is_an_error_not_a_way_round_its_checks(texts, data):
    _hold(texts, data)
    events = data / "events.csv"
    copied = "Its fighters had taken the tourists near the border between Mali and Niger."
    lines = {
        locator: append_row(
            events, new_event(event_id=f"ev-{n}", locator=locator, description=copied)
        )
        for n, locator in enumerate(["p. 2", "row 12"])
    }
    found = _problems(data)
    for locator, line in lines.items():
        [problem] = _about(found, events, line, "locator")
        assert "names no paragraph" in problem and "¶1 to ¶4" in problem
        assert "warning" not in problem and problem.endswith(f"({locator!r})")


def test_words_copied_into_a_flows_in_kind_are_caught_as_in_its_note(texts, data):
    _hold(texts, data)
    flows = data / "flows.csv"
    line = append_row(
        flows,
        {
            "flow_id": "fl-new",
            "date": "2009",
            "payer": "mali-gov",
            "payee": "aqim",
            "flow_type": "ransom",
            "in_kind": "fighters had taken the tourists near the border between Mali",
            "status": "alleged",
            "credibility": "3",
            "source_id": "mg-2009",
            "locator": "¶3",
        },
    )
    [problem] = _about(_problems(data), flows, line, "in_kind")
    assert "copies 8+ words" in problem and "warning" not in problem


def test_a_typographic_apostrophe_in_the_text_matches_an_alias_written_plain(texts, data):
    (texts).mkdir(exist_ok=True)
    _hold(texts, data)
    (texts / "mg-2009.txt").write_text(
        ARTICLE.replace("Al-Qaeda in the Islamic Maghreb", "Al-Qa’ida in the Islamic Maghreb"),
        encoding="utf-8",
    )
    actors = data / "actors.csv"
    actors.write_text(
        actors.read_text(encoding="utf-8").replace(
            "Al-Qaeda in the Islamic Maghreb,armed group,AQIM|",
            "Al-Qaeda in the Islamic Maghreb,armed group,Al-Qa'ida in the Islamic Maghreb|",
        ),
        encoding="utf-8",
    )
    line = append_row(data / "events.csv", new_event(locator="¶2"))
    assert not _about(_problems(data), data / "events.csv", line, "actor1")


def test_words_copied_from_a_paragraph_the_locator_does_not_cite_are_a_warning(texts, data):
    _hold(texts, data)
    events = data / "events.csv"
    line = append_row(
        events,
        new_event(
            locator="¶4",
            description="Its fighters had taken the tourists near the border between Mali "
            "and Niger, Dyer among them.",
        ),
    )
    [problem] = _about(_problems(data), events, line, "description")
    assert "warning: copies 8+ words" in problem and "mg-2009 ¶3" in problem
