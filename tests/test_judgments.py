"""Likelihood and confidence of key judgments, by the rules printed in every report."""

import pytest

from sahel_nb.judgments import LIKELIHOOD_TERMS, confidence, evidence, likelihood


@pytest.mark.parametrize(
    ("credibility", "origins", "term"),
    [(1, 1, "very likely"), (1, 3, "almost certain"), (2, 2, "likely"), (3, 1, "roughly even chance"),
     (4, 1, "unlikely"), (5, 1, "very unlikely"), (6, 2, None), (None, 0, None)],
)  # fmt: skip
def test_likelihood_reads_the_best_credibility_grade(credibility, origins, term):
    assert likelihood(credibility, origins) == term
    assert term is None or term in LIKELIHOOD_TERMS


@pytest.mark.parametrize(
    ("agreement", "origins", "reliability", "alleged_only", "level"),
    [
        ("corroborated", 2, "A", False, "high"),
        ("corroborated", 2, "C", False, "moderate"),  # two origins, neither graded well
        ("corroborated", 3, "B", True, "moderate"),  # allegations only: never high
        ("single source", 1, "B", False, "moderate"),
        ("single source", 1, "B", True, "low"),
        ("single source", 1, "C", False, "low"),
        ("contested", 4, "A", False, "low"),  # a denial keeps confidence low
        ("denied", 0, None, False, "low"),
    ],
)
def test_confidence_follows_the_written_rule(agreement, origins, reliability, alleged_only, level):
    assert confidence(agreement, origins, reliability, alleged_only) == level


def test_evidence_counts_independent_origins_and_leaves_denials_out():
    found = evidence(
        [
            {"status": "reported", "credibility": 3, "reliability": "C", "origin": "ard"},
            {"status": "alleged", "credibility": 2, "reliability": "B", "origin": "ard"},
            {"status": "reported", "credibility": 4, "reliability": "D", "origin": "afp"},
            {"status": "denied", "credibility": 1, "reliability": "A", "origin": "bbc"},
        ]
    )
    assert found == {
        "credibility": 2,
        "reliability": "B",
        "origins": 2,  # two reports relaying one origin count once
        "alleged_only": False,
        "against": 1,
    }
