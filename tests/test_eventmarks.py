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


def test_a_label_told_by_its_description_keeps_the_fact_not_the_teller_or_asides():
    from sahel_nb import load_dataset
    from sahel_nb.eventmarks import in_words

    events = load_dataset().events
    told = events[~events["sub_event_type"].isin(["Abduction/forced disappearance", "Attack"])]
    labels = [
        in_words(r.actor1, r.actor2, r.sub_event_type, r.description) for r in told.itertuples()
    ]
    assert labels
    for label in labels:
        assert "read by the analyst" not in label and "(" not in label, label
        assert not label.startswith(("The BBC timeline says", "Wikipedia says")), label
        assert label == label.strip() and not label.endswith(","), label
