"""sahel_nb.cite: locator lists, one slice at a time or many at once, read the same."""

import random

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
