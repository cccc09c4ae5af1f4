"""sahel_nb.cite: locator lists read the same one slice at a time or many at once; origins not held."""

import csv
import random
import shutil
from pathlib import Path

import pytest

from sahel_nb.cite import locator_list, locator_lists


def _slices(seed: int):
    rng = random.Random(seed)
    locators, starts = [], []
    for _ in range(2_000):
        starts.append(len(locators))
        size = rng.choice([1, 1, 2, 3, 5, 14, 40])
        kind = rng.random()
        for _ in range(size):
            if kind < 0.75:  # an import's rows, with repeats and runs
                locators.append(f"row {rng.randint(1, 60)}")
            elif kind < 0.9:
                locators.append(rng.choice(["¶4", "¶6, ¶2", "row 5", "row 7, row 8"]))
            else:  # what the fast path must leave to locator_list
                locators.append(rng.choice(["row 12", " row 3", "row x", None, "row 05", "row 0"]))
    return locators, starts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_many_slices_at_once_read_as_one_by_one(seed):
    locators, starts = _slices(seed)
    ends = [*starts[1:], len(locators)]
    expected = [locator_list(locators[a:b]) for a, b in zip(starts, ends, strict=True)]
    assert locator_lists(locators, starts) == expected
    assert locator_lists(locators, starts, most=3) == [
        locator_list(locators[a:b], most=3) for a, b in zip(starts, ends, strict=True)
    ]


def test_rows_become_ranges_and_long_lists_say_how_many_more():
    rows = [f"row {n}" for n in (9, 1, 2, 3, 3, 20, 22, 23)]
    assert locator_lists(rows, [0]) == ["rows 1–3, 9, 20, 22–23"]
    assert locator_lists(rows, [0], most=2) == ["rows 1–3, 9 and 2 more"]
    assert locator_lists(["row 4"], [0]) == ["row 4"]
    assert locator_lists([], []) == []


def _with_statement(tmp_path: Path) -> Path:
    """The fixture data with an origin not held (an AQIM statement) that its flow relays."""
    data = Path(shutil.copytree(Path(__file__).parent / "fixtures" / "valid", tmp_path / "data"))

    def rewrite(name: str, extra: dict[str, dict], new_rows=()):
        path = data / name
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        columns = list(rows[0]) + [c for c in next(iter(extra.values())) if c not in rows[0]]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns, lineterminator="\n")
            writer.writeheader()
            for row in [*rows, *new_rows]:
                writer.writerow(row | extra.get(row[columns[0]], {}))

    statement = {
        "source_id": "aqim-statement-2009",
        "title": "AQIM statement claiming the kidnappings",
        "author": "Salah Abu Mohammed",
        "publisher": "AQIM",
        "published": "2009-02",
        "reliability": "E",
        "notes": "Not held; known through src-a ¶11.",
    }
    rewrite(
        "sources.csv",
        {
            "aqim-statement-2009": {
                "short_name": "AQIM statement (spokesman Salah Abu Mohammed), 2009",
                "kind": "statement (not held)",
            },
            "src-a": {"short_name": "", "kind": "news report"},
        },
        [statement],
    )
    rewrite("flows.csv", {"fl-1": {"relays": "aqim-statement-2009"}})
    return data


def test_an_origin_not_held_is_cited_by_its_short_name_and_listed_as_known_through(tmp_path):
    from sahel_nb import load_dataset
    from sahel_nb.cite import known_through, not_held, short_names, source_entries
    from sahel_nb.data import validate_folder

    data = _with_statement(tmp_path)
    dataset, warnings = validate_folder(data)
    assert not warnings
    names = short_names(dataset.sources)
    statement = "AQIM statement (spokesman Salah Abu Mohammed), 2009"
    assert names["aqim-statement-2009"] == statement  # not "Mohammed 2009"
    assert names["src-a"] == "Analyst 2010"  # an empty short_name: surname and year
    held = dataset.sources.set_index("source_id")
    assert not_held(held.loc["aqim-statement-2009"]) and not not_held(held.loc["src-a"])
    assert known_through(dataset, "aqim-statement-2009") == ["Analyst 2010 (¶11)"]

    lines = source_entries(dataset, ["src-a"])
    assert [line.split(": ")[0] for line in lines] == ["Analyst 2010", statement]
    assert lines[1].endswith("; not held; known through Analyst 2010 (¶11).")
    assert "not held" not in lines[0]
    # A page citing nothing that relays it does not list it; asked for by id, it is.
    assert source_entries(dataset, ["src-a"], relayed=False) == lines[:1]
    assert source_entries(load_dataset(data), ["aqim-statement-2009"], relayed=False) == lines[1:]


def test_a_teller_relayed_down_a_chain_is_said_once_through_its_outlets():
    from sahel_nb.cite import attribution

    rows = [
        {"source_id": "reu", "origin": "speaker:FM", "status": "alleged", "speaker": "FM"},
        {"source_id": "dpa", "origin": "speaker:FM", "status": "alleged", "speaker": "FM"},
        {"source_id": "ew", "origin": "speaker:FM", "status": "alleged", "speaker": None,
         "relays": "reu"},
        {"source_id": "col", "origin": "speaker:FM", "status": "alleged", "speaker": None,
         "relays": "ew"},
    ]  # fmt: skip
    names = {"reu": "Reuters 2008", "dpa": "dpa 2008", "ew": "El Watan 2008",
             "col": "Writer 2012", "speaker:FM": "the ministry's spokesman"}  # fmt: skip
    assert attribution(rows, names) == (
        "the ministry's spokesman, through Reuters 2008 and dpa 2008 "
        "(relayed by El Watan 2008, Writer 2012)"
    )
