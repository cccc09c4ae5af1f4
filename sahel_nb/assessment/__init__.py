"""Analysts' assessments: judgments and hypotheses written by people, checked against the claims."""

from .ach import ACH_RULE, MatrixScores, RowScore, matrix_frame, score_matrix
from .checks import (
    CONFIDENCE_RULE,
    CONTESTED_RULE,
    ESTIMATIVE_RULE,
    LIKELIHOOD_RULE,
    Flag,
    check_assessment,
    evidence_rows,
    evidence_summary,
)
from .cutoff import before_cut_off, late_sources
from .model import (
    CONFIDENCE_LEVELS,
    LIKELIHOOD_TERMS,
    RATINGS,
    STRENGTHS,
    Assessment,
    Evidence,
    KeyJudgment,
    Matrix,
    assessment_problems,
    find_assessment,
    load_assessment,
)
from .review import evidence_state, new_evidence, review_path, to_review, write_review

__all__ = [
    "ACH_RULE",
    "CONFIDENCE_LEVELS",
    "CONFIDENCE_RULE",
    "CONTESTED_RULE",
    "ESTIMATIVE_RULE",
    "LIKELIHOOD_RULE",
    "LIKELIHOOD_TERMS",
    "RATINGS",
    "STRENGTHS",
    "Assessment",
    "Evidence",
    "Flag",
    "KeyJudgment",
    "Matrix",
    "MatrixScores",
    "RowScore",
    "assessment_problems",
    "before_cut_off",
    "check_assessment",
    "evidence_rows",
    "evidence_state",
    "evidence_summary",
    "find_assessment",
    "late_sources",
    "load_assessment",
    "matrix_frame",
    "new_evidence",
    "review_path",
    "score_matrix",
    "to_review",
    "write_review",
]
