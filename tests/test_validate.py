"""Every broken fixture reports exactly the problems its expected.json lists."""

import json
import sys
from pathlib import Path

import pytest

from sahel_nb import DataValidationError, load_dataset
from sahel_nb.schema import TABLES
from sahel_nb.validate import pandera_schema

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())


def _reported(folder: Path) -> list[tuple]:
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder)
    return [(Path(p.file).name, p.line, p.column) for p in caught.value.problems]


def test_the_corpus_is_large_enough():
    assert len(BROKEN) >= 20


@pytest.mark.parametrize("folder", BROKEN, ids=lambda p: p.name)
def test_broken_fixture_reports_its_file_line_and_column(folder):
    expected = [tuple(row.values()) for row in json.loads((folder / "expected.json").read_text())]
    assert sorted(_reported(folder), key=str) == sorted(expected, key=str)


def test_all_three_problems_are_reported_at_once():
    assert _reported(FIXTURES / "broken" / "three_problems") == [
        ("actors.csv", 2, "actor_type"),
        ("events.csv", 2, "date"),
        ("flows.csv", 2, "amount"),
    ]


def test_messages_name_the_value_and_suggest_a_fix():
    with pytest.raises(DataValidationError) as caught:
        load_dataset(FIXTURES / "broken" / "dangling_actor")
    assert str(caught.value.problems[0]).endswith(
        "relationships.csv:3: actor_b: unknown actor id; not in actors.csv; "
        "did you mean 'aqim'? ('aqimm')"
    )


def test_committed_fixtures_match_their_generator(tmp_path):
    sys.path.insert(0, str(FIXTURES))
    try:
        import make_fixtures
    finally:
        sys.path.remove(str(FIXTURES))
    make_fixtures.build(tmp_path)
    for group in ("broken", "edge"):
        made = {
            p.relative_to(tmp_path): p.read_bytes()
            for p in (tmp_path / group).rglob("*")
            if p.is_file()
        }
        committed = {
            p.relative_to(FIXTURES): p.read_bytes()
            for p in (FIXTURES / group).rglob("*")
            if p.is_file()
        }
        assert made == committed, "run: python tests/fixtures/make_fixtures.py"


@pytest.mark.parametrize("folder", sorted((FIXTURES / "edge").iterdir()), ids=lambda p: p.name)
def test_well_formed_edge_cases_load_like_the_plain_fixture(folder, valid_dir):
    edge, plain = load_dataset(folder), load_dataset(valid_dir)
    assert repr(edge) == repr(plain)
    assert edge.actors.loc[3, "name"] == "Amadou Toumani Touré"


def test_pandera_schema_is_one_declarative_schema_per_table():
    schema = pandera_schema(TABLES["flows"])
    assert list(schema.columns)[:3] == ["flow_id", "claim_id", "date"]
    flow_id = schema.columns["flow_id"]
    assert not flow_id.nullable
    assert "duplicate id" in [check.error for check in flow_id.checks]


def test_an_absurd_count_is_a_message_not_a_crash(tmp_path, valid_dir):
    for file in valid_dir.iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    events = (tmp_path / "events.csv").read_text(encoding="utf-8")
    (tmp_path / "events.csv").write_text(events.replace(",,32,", ",,99999999999999999999,"))
    assert _reported(tmp_path) == [("events.csv", 2, "hostages")]


@pytest.mark.parametrize("folder", BROKEN, ids=lambda p: p.name)
def test_columns_checked_in_two_threads_report_the_same_problems(folder, monkeypatch):
    from sahel_nb import validate

    def problems():
        with pytest.raises(DataValidationError) as caught:
            load_dataset(folder)
        return [str(p) for p in caught.value.problems]

    alone = problems()
    monkeypatch.setattr(validate, "PARALLEL_ROWS", 0)  # every table, however small
    assert problems() == alone
