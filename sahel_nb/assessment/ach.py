"""Analysis of competing hypotheses: Heuer's inconsistency scores, diagnosticity, sensitivity."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .checks import evidence_rows, evidence_summary

__all__ = ["ACH_RULE", "MatrixScores", "RowScore", "matrix_frame", "score_matrix"]

#: How a matrix is scored (printed beside every matrix).
ACH_RULE = (
    "Following Heuer, hypotheses are compared by the evidence inconsistent with them, not "
    "the evidence that fits: each hypothesis scores the weight of the rows rated "
    "inconsistent with it, and the one with the lowest score is the least contradicted. "
    "A row weighs its strength (low 0.5, medium 1, high 2) times the credibility of the "
    "claim's best supporting report (1: 1.0, 2: 0.8, 3: 0.6, 4: 0.4, 5: 0.2, 6 or none: "
    "0.5), halved when a source denies or disputes it; a single report cited by its row "
    "id (a denial, one teller's figure) weighs by its own credibility. A row is "
    "diagnostic when it is "
    "consistent with some hypotheses and inconsistent with others; a row consistent with "
    "every hypothesis tells them nothing apart. The scores order the hypotheses; the "
    "conclusion is the analyst's."
)
_STRENGTH = {"low": 0.5, "medium": 1.0, "high": 2.0}
_CREDIBILITY = {1: 1.0, 2: 0.8, 3: 0.6, 4: 0.4, 5: 0.2, 6: 0.5}


@dataclass(frozen=True)
class RowScore:
    """One evidence row, weighed: its claim's support and what it tells apart."""

    claim: str
    ratings: dict
    weight: float
    diagnostic: bool
    #: Support of the claim: first tellers, reports, denials (from the data).
    support: dict
    note: str = ""
    strength: str = "medium"


@dataclass(frozen=True)
class MatrixScores:
    """A matrix scored: per hypothesis the weighted inconsistency, per row its diagnosticity."""

    id: str
    question: str
    hypotheses: dict
    rows: tuple[RowScore, ...]
    #: Hypothesis id → weighted inconsistency (lower: less contradicted).
    inconsistency: dict
    #: Hypothesis ids, least contradicted first (ties keep the analyst's order).
    order: tuple[str, ...]
    #: The row that would matter most if it turned out false, and what would follow.
    linchpin: str | None
    sensitivity: str
    conclusion: str = ""


def _weight(strength: str, found: dict) -> float:
    grade = found["credibility"]
    weight = _STRENGTH.get(strength, 1.0) * _CREDIBILITY.get(grade, 0.5)
    return round(weight * (0.5 if found["contested"] else 1.0), 3)


def _scores(rows, names) -> dict[str, float]:
    return {
        h: round(sum(r.weight for r in rows if r.ratings.get(h) == "inconsistent"), 3)
        for h in names
    }


def _order(scores: dict, names: list[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=lambda h: (scores[h], names.index(h))))


def _said_order(scores: dict, order) -> str:
    return ", ".join(f"{h} {scores[h]:g}" for h in order)


def score_matrix(matrix, dataset) -> MatrixScores:
    """Score an ACH matrix against the data's support for each evidence row's claim.

    The rule is :data:`ACH_RULE`. The sensitivity test drops each diagnostic
    row in turn (as if it turned out false) and reports the one whose loss
    most narrows, or reverses, the lead of the least contradicted hypothesis.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.assessment import Evidence, Matrix
    >>> rows = (Evidence("c-ransom", {"H1": "consistent", "H2": "inconsistent",
    ...                               "H3": "inconsistent"}),)
    >>> m = Matrix("m", "Paid?", {"H1": "paid", "H2": "not paid", "H3": "other"}, rows)
    >>> scored = score_matrix(m, load_dataset("tests/fixtures/claims"))
    >>> scored.order, scored.rows[0].diagnostic
    (('H1', 'H2', 'H3'), True)
    """
    names = list(matrix.hypotheses)
    rows = []
    for row in matrix.evidence:
        reports = evidence_rows(dataset, [row.claim])
        found = evidence_summary(reports)
        if (
            len(reports) == 1
            and reports["row_id"].iloc[0] == row.claim != reports["claim_id"].iloc[0]
        ):
            # One report cited by its row id weighs by its own grade, denial or not.
            grade = pd.to_numeric(reports["credibility"], errors="coerce").iloc[0]
            found = {
                **found,
                "credibility": None if pd.isna(grade) else int(grade),
                "contested": [],
            }
        rated = {r for r in row.ratings.values() if r != "not applicable"}
        rows.append(
            RowScore(
                claim=row.claim,
                ratings=dict(row.ratings),
                weight=_weight(row.strength, found),
                diagnostic=rated == {"consistent", "inconsistent"},
                support=found,
                note=row.note,
                strength=row.strength,
            )
        )
    scores = _scores(rows, names)
    order = _order(scores, names)
    linchpin, sensitivity = _sensitivity(rows, names, scores, order)
    return MatrixScores(
        id=matrix.id,
        question=matrix.question,
        hypotheses=dict(matrix.hypotheses),
        rows=tuple(rows),
        inconsistency=scores,
        order=order,
        linchpin=linchpin,
        sensitivity=sensitivity,
        conclusion=matrix.conclusion,
    )


def _sensitivity(rows, names, scores, order) -> tuple[str | None, str]:
    if len(order) < 2:
        return None, ""
    leader, runner = order[0], order[1]
    margin = scores[runner] - scores[leader]
    if margin == 0:
        lead = f"{leader} and {runner} are equally contradicted ({scores[leader]:g})"
    else:
        lead = f"{leader} is the least contradicted ({_said_order(scores, order)})"
    best = None
    for i, row in enumerate(rows):
        if not row.diagnostic:
            continue
        after = _scores(rows[:i] + rows[i + 1 :], names)
        # The original leader's lead without this row: negative when another overtakes it.
        lead_left = min(after[h] - after[leader] for h in names if h != leader)
        if best is None or lead_left < best[1]:
            best = (row, lead_left, after, _order(after, names))
    if best is None:
        return None, f"{lead}; no row tells the hypotheses apart, so the scores mean little."
    best, _, best_after, best_order = best
    tied = [h for h in best_order if h != leader and best_after[h] == best_after[leader]]
    if best_after[best_order[0]] < best_after[leader]:
        follows = f"{best_order[0]} would lead instead ({_said_order(best_after, best_order)})"
    elif tied:
        follows = f"{leader} and {tied[0]} would tie"
    else:
        follows = f"{leader} would still lead ({_said_order(best_after, best_order)})"
    return best.claim, (
        f"{lead}. The row that matters most is {best.claim}: if it turned out false, {follows}."
    )


def matrix_frame(scored: MatrixScores) -> pd.DataFrame:
    """The matrix as a table: one row per evidence row, a column per hypothesis."""
    records = []
    for row in scored.rows:
        record = {"claim": row.claim, "weight": row.weight, "diagnostic": row.diagnostic}
        record.update({h: row.ratings.get(h, "") for h in scored.hypotheses})
        records.append(record)
    frame = pd.DataFrame(records, columns=["claim", *scored.hypotheses, "weight", "diagnostic"])
    total = {"claim": "inconsistency", "weight": None, "diagnostic": None}
    total.update({h: scored.inconsistency[h] for h in scored.hypotheses})
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
