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
    "0.5; a claim only denied, its best denial's), halved when a source denies or disputes "
    "it; a single report cited by its row id weighs by its own credibility, halved when it "
    "supports a contested claim. Rows that tell one and the same fact (a claim, or reports "
    "of it cited one by one) count once per hypothesis, the heaviest: one fact is one "
    "piece of evidence, however many of its reports are rated; two facts one teller tells "
    "are two, each weighed by its own support. A row whose claim nothing before the "
    "cut-off reports weighs "
    "nothing. A row is diagnostic when it is consistent with some hypotheses and "
    "inconsistent with others; a row consistent with every hypothesis tells them nothing "
    "apart. The scores order the hypotheses; the conclusion is the analyst's."
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
    #: The one first teller the row rests on (None: several, or none traced).
    teller: str | None = None
    #: The claim the row tells (its claim id, also for a report cited by its row id).
    fact: str = ""
    #: True when nothing before the cut-off reports the claim: the row weighs nothing.
    late: bool = False


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
    scores = {}
    for h in names:
        heaviest: dict = {}
        for i, row in enumerate(rows):
            if row.ratings.get(h) != "inconsistent":
                continue
            # One fact rated through several rows counts once: its heaviest row.
            key = row.fact or ("row", i)
            heaviest[key] = max(heaviest.get(key, 0.0), row.weight)
        scores[h] = round(sum(heaviest.values()), 3)
    return scores


def _order(scores: dict, names: list[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=lambda h: (scores[h], names.index(h))))


def _said_order(scores: dict, order) -> str:
    return ", ".join(f"{h} {scores[h]:g}" for h in order)


def score_matrix(matrix, dataset, labels: dict | None = None) -> MatrixScores:
    """Score an ACH matrix against the data's support for each evidence row's claim.

    The rule is :data:`ACH_RULE`. The sensitivity test drops each diagnostic
    row in turn (as if it turned out false) and reports the one whose loss
    most narrows, or reverses, the lead of the least contradicted hypothesis,
    named by ``labels`` (claim id → words) where given, else by its id.
    ``dataset`` should already be cut off at the assessment's cut-off.

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
        claim = evidence_rows(dataset, [row.claim], whole_claims=True)
        found = evidence_summary(claim)
        cited = claim[claim["row_id"] == row.claim]
        if len(cited) and row.claim not in set(claim["claim_id"]):
            # One report cited by its row id weighs by its own grade; a report for a
            # contested claim is halved, a denial is not (it is the other side).
            grade = pd.to_numeric(cited["credibility"], errors="coerce").iloc[0]
            supports = cited["stance"].iloc[0] == "for"
            found = {
                **found,
                "credibility": None if pd.isna(grade) else int(grade),
                "contested": found["contested"] if supports else [],
            }
            tellers = {o for o in cited["origin"] if isinstance(o, str) and o}
        else:
            if found["credibility"] is None and len(claim):
                # A claim only denied weighs by its denials' grade.
                grades = pd.to_numeric(claim["credibility"], errors="coerce").dropna()
                found = {**found, "credibility": int(grades.min()) if len(grades) else None}
            backing = claim[claim["stance"] == "for"] if len(claim) else claim
            pool = backing if len(backing) else claim
            tellers = {o for o in pool.get("origin", []) if isinstance(o, str) and o}
        late = claim.empty
        rated = {r for r in row.ratings.values() if r != "not applicable"}
        rows.append(
            RowScore(
                claim=row.claim,
                ratings=dict(row.ratings),
                weight=0.0 if late else _weight(row.strength, found),
                diagnostic=not late and rated == {"consistent", "inconsistent"},
                support=found,
                note=row.note,
                strength=row.strength,
                teller=next(iter(tellers)) if len(tellers) == 1 else None,
                late=late,
                fact=str(cited["claim_id"].iloc[0]) if len(cited) else row.claim,
            )
        )
    scores = _scores(rows, names)
    order = _order(scores, names)
    linchpin, sensitivity = _sensitivity(rows, names, scores, order, labels or {})
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


def _sensitivity(rows, names, scores, order, labels: dict) -> tuple[str | None, str]:
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
        f"{lead}. The evidence that matters most is {labels.get(best.claim, best.claim)}: "
        f"if it turned out false, {follows}."
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
