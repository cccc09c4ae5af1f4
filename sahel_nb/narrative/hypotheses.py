"""Competing hypotheses in a report: each ACH matrix scored, its rows citing their claims."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..assessment import score_matrix
from .judgments import _Claims, claim_sentences
from .text import Footnotes, Sentence

__all__ = ["MatrixBlock", "matrix_blocks"]


@dataclass(frozen=True)
class MatrixBlock:
    """An ACH matrix on the page: hypotheses as columns, evidence rows citing their claims."""

    kind: ClassVar[str] = "matrix"

    id: str
    question: str
    hypotheses: dict
    #: ``(evidence sentence, ratings, weight, diagnostic, note)`` per row.
    rows: tuple
    inconsistency: dict
    order: tuple
    sensitivity: str
    conclusion: str = ""

    @property
    def notes(self) -> tuple[int, ...]:
        return tuple(sorted({n for row in self.rows for n in row[0].notes}))

    def __str__(self) -> str:
        lines = [f"{self.id}: {self.question}"]
        lines += [
            f"  {h}: {s} (inconsistency {self.inconsistency[h]:g})"
            for h, s in self.hypotheses.items()
        ]
        for sentence, ratings, weight, diagnostic, _ in self.rows:
            marks = ", ".join(f"{h} {ratings.get(h, '')}" for h in self.hypotheses)
            flag = "diagnostic" if diagnostic else "not diagnostic"
            lines.append(f"  - {sentence} [{marks}; weight {weight:g}, {flag}]")
        lines.append(f"  Sensitivity: {self.sensitivity}")
        if self.conclusion:
            lines.append(f"  Analyst's conclusion: {self.conclusion}")
        return "\n".join(lines)


def matrix_blocks(assessment, dataset, notes: Footnotes) -> list[MatrixBlock]:
    """Every matrix of ``assessment``, scored on ``dataset`` (already cut off)."""
    claims = _Claims(dataset)
    blocks = []
    for matrix in assessment.hypotheses:
        scored = score_matrix(matrix, dataset)
        sentences = claim_sentences([e.claim for e in matrix.evidence], dataset, notes, claims)
        rows = tuple(
            (Sentence(s.text, s.notes), row.ratings, row.weight, row.diagnostic, row.note)
            for s, row in zip(sentences, scored.rows, strict=True)
        )
        blocks.append(
            MatrixBlock(
                id=matrix.id,
                question=matrix.question,
                hypotheses=dict(matrix.hypotheses),
                rows=rows,
                inconsistency=scored.inconsistency,
                order=scored.order,
                sensitivity=scored.sensitivity,
                conclusion=matrix.conclusion,
            )
        )
    return blocks
