"""The schema, and the codebook (data/README.md) that documents it."""

import re
from pathlib import Path

import pytest

from sahel_nb.schema import (
    ACTOR_TYPES,
    CREDIBILITY,
    EVENT_TYPES,
    FLOW_STATUSES,
    FLOW_TYPES,
    RELATIONSHIP_KINDS,
    RELATIONSHIP_STATUSES,
    RELIABILITY,
    TABLES,
    kind_sign,
)

CODEBOOK = Path(__file__).parents[1] / "data" / "README.md"


def _section(heading: str) -> str:
    text = CODEBOOK.read_text(encoding="utf-8")
    match = re.search(rf"^#+ {re.escape(heading)}\n(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    assert match, f"data/README.md has no section '{heading}'"
    return match.group(1)


def _table_rows(section: str) -> list[list[str]]:
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    return [[cell.strip().strip("`") for cell in row.strip("|").split("|")] for row in rows]


@pytest.mark.parametrize("name", list(TABLES))
def test_codebook_lists_each_column_in_order_with_its_requiredness(name):
    table = TABLES[name]
    rows = _table_rows(_section(table.file))
    assert [r[0] for r in rows] == table.columns
    assert [r[2] == "yes" for r in rows] == [f.required for f in table.fields]


@pytest.mark.parametrize(
    ("heading", "values"),
    [
        ("actor_type", ACTOR_TYPES),
        ("relationship kind", tuple(RELATIONSHIP_KINDS)),
        ("relationship and event status", RELATIONSHIP_STATUSES),
        ("flow status", FLOW_STATUSES),
        ("flow_type", FLOW_TYPES),
    ],
)
def test_codebook_lists_each_vocabulary(heading, values):
    listed = [r[0] for r in _table_rows(_section(heading))]
    assert listed == list(values)


def test_codebook_gives_each_kinds_sign():
    rows = _table_rows(_section("relationship kind"))
    assert {r[0]: r[1] for r in rows} == RELATIONSHIP_KINDS


def test_codebook_lists_event_types_and_sub_types():
    rows = _table_rows(_section("event_type and sub_event_type"))
    listed = [(r[0], r[1]) for r in rows]
    assert listed == [(t, s) for t, subs in EVENT_TYPES.items() for s in subs]


def test_codebook_gives_the_admiralty_wording():
    reliability = {r[0]: r[1] for r in _table_rows(_section("Source reliability (Admiralty)"))}
    credibility = {
        int(r[0]): r[1] for r in _table_rows(_section("Information credibility (Admiralty)"))
    }
    assert reliability == RELIABILITY
    assert credibility == CREDIBILITY


def test_acled_vocabulary_is_complete():
    from sahel_nb.schema import NOT_SPECIFIED

    assert all(subs[-1] == NOT_SPECIFIED for subs in EVENT_TYPES.values())
    acled = [s for subs in EVENT_TYPES.values() for s in subs if s != NOT_SPECIFIED]
    assert len(EVENT_TYPES) == 6
    # 25 ACLED sub-event types plus the six this project adds.
    assert len(acled) == 25 + 6
    assert len(set(acled)) == len(acled), "a sub-event type must name its event type"


def test_signs():
    assert kind_sign("alliance/cooperation") == "cooperative"
    assert kind_sign("rivalry") == "hostile"
    assert kind_sign("mediation") == "neutral"
    assert set(RELATIONSHIP_KINDS.values()) == {"cooperative", "hostile", "neutral"}


def test_every_table_cites_and_every_claim_table_grades():
    for table in TABLES.values():
        if table.name == "sources":
            continue
        assert {"source_id", "locator"} <= set(table.columns)
        if table.name != "actors":
            assert {"status", "credibility"} <= set(table.columns)
