import numpy as np
import pandas as pd

from sahel_nb.interop.sides import ResolvedIds, event_sides

IDS = ResolvedIds(
    {"AQIM": "aqim", "Al Qaeda in the Maghreb": "aqim", "MNLA": "mnla", "Civilians": "civ",
     "Ansar Dine": "ansar-dine"}
)  # fmt: skip


def _sides(first1, first2, names, owners, merged=False, own=None):
    """Sides of events naming ``names``; ``own`` says which are a row's own actor (default all)."""
    index = pd.RangeIndex(len(first1))
    order = np.arange(len(names))
    own = np.ones(len(names), dtype=bool) if own is None else np.array(own)
    names, owners = pd.Series(names, dtype=object), np.array(owners, dtype=np.int64)
    said = [
        (names[own == side], owners[own == side], order[own == side], side)
        for side in (True, False)
        if (own == side).any()
    ]
    sides = event_sides(index, (pd.Series(first1), pd.Series(first2)), said, IDS, merged)
    return [side.tolist() for side in sides]


def test_names_resolve_to_codes_and_back():
    codes = IDS.codes(pd.Series(["AQIM", "Al Qaeda in the Maghreb", "", "Nobody", None]))
    assert codes[0] == codes[1] >= 0 and list(codes[2:]) == [-1, -1, -1]
    assert IDS.text(codes, pd.RangeIndex(5)).tolist()[:2] == ["aqim", "aqim"]


def test_associated_actors_are_the_other_names_first_mention_first_each_once():
    names = ["AQIM", "Ansar Dine", "Civilians", "MNLA", "Al Qaeda in the Maghreb", "Ansar Dine"]
    actor1, actor2, assoc = _sides(["AQIM"], ["Civilians"], names, [0] * 6)
    assert (actor1, actor2) == (["aqim"], ["civ"])
    assert assoc == ["ansar-dine|mnla"]  # a second spelling of a side is no associate


def test_a_later_rows_actor_is_actor2_only_where_the_first_row_names_none():
    names = ["AQIM", "MNLA", "Ansar Dine", "MNLA", "Civilians", "Ansar Dine"]
    owners = [0, 0, 0, 1, 1, 1]
    actor1, actor2, assoc = _sides(["AQIM", "MNLA"], ["", "Civilians"], names, owners, True)
    assert actor1 == ["aqim", "mnla"] and actor2 == ["mnla", "civ"]
    assert assoc == ["ansar-dine", "ansar-dine"]
    # Without merged rows the first row's sides stand: the rest are associates.
    _, actor2, assoc = _sides(["AQIM", "MNLA"], ["", "Civilians"], names, owners)
    assert pd.isna(actor2[0]) and actor2[1] == "civ"
    assert assoc == ["mnla|ansar-dine", "ansar-dine"]


def test_events_naming_no_one_else_have_no_associates():
    actor1, actor2, assoc = _sides(["AQIM", "MNLA"], ["", ""], [], [])
    assert actor1 == ["aqim", "mnla"] and assoc == ["", ""]
    assert all(pd.isna(value) for value in actor2)


def test_an_actor_associated_with_the_first_row_is_never_its_opponent():
    # ACLED's one row per actor: row 1 AQIM with Ansar Dine beside it; row 2 the civilians.
    names = ["AQIM", "Ansar Dine", "Civilians"]
    own = [True, False, True]
    actor1, actor2, assoc = _sides(["AQIM"], [""], names, [0, 0, 0], True, own)
    assert (actor1, actor2, assoc) == (["aqim"], ["civ"], ["ansar-dine"])
