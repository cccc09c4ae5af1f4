"""Event labels: the column-wise labels are the row-by-row ones."""

import itertools

from sahel_nb.eventmarks import in_words, in_words_many

ACTORS = [
    "GSPC",
    None,
    "",
    "   ",
    "Military Forces of Mali (2002-2012) with a name long enough to need cutting somewhere",
    "Ançar Dine",
]
KINDS = ["Abduction/forced disappearance", "Armed clash", "Other", None, "", "  ", "Not specified"]
NOTES = [
    None,
    "",
    "Schröder vowed to hunt them; more.",
    "A first clause well over the longest label the timeline shows, with commas, and more",
]


def test_labels_made_column_wise_are_the_labels_made_one_by_one():
    rows = list(itertools.product(ACTORS, ACTORS, KINDS, NOTES))
    a1, a2, kinds, notes = (list(column) for column in zip(*rows, strict=True))
    made = in_words_many(a1, a2, kinds, notes).tolist()
    assert made == [in_words(*row) for row in rows]
    without = in_words_many(a1, a2, kinds).tolist()
    assert without == [in_words(a, b, k) for a, b, k, _ in rows]
