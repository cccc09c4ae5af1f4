"""Competing hypotheses in a report: each ACH matrix scored, its rows citing their claims."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import ClassVar

from ..assessment import score_matrix
from .judgments import _Claims, claim_sentences
from .text import Footnotes, Sentence

__all__ = ["MatrixBlock", "matrix_blocks", "score_svg"]


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
    #: The weighted inconsistency of each hypothesis as bars (inline SVG, escaped).
    figure: str = ""
    #: The claim (or report) id of each evidence row, in order.
    claims: tuple[str, ...] = ()
    #: What changed beneath the matrix since the analyst last reviewed it.
    review: tuple[str, ...] = ()

    def frame(self):
        """The matrix as a table for a notebook: a row per evidence row, a column per hypothesis.

        Ratings as C (consistent), I (inconsistent), – (not applicable); the
        last row is each hypothesis's weighted inconsistency.
        """
        import pandas as pd

        marks = {"consistent": "C", "inconsistent": "I", "not applicable": "–"}
        records = [
            {
                "evidence": claim,
                **{h: marks.get(ratings.get(h), "") for h in self.hypotheses},
                "weight": weight,
                "diagnostic": "yes" if diagnostic else "no",
            }
            for claim, (_, ratings, weight, diagnostic, _) in zip(
                self.claims, self.rows, strict=True
            )
        ]
        total = {"evidence": "weighted inconsistency", **self.inconsistency}
        return pd.DataFrame([*records, {**total, "weight": None, "diagnostic": ""}])

    @property
    def notes(self) -> tuple[int, ...]:
        return tuple(sorted({n for row in self.rows for n in row[0].notes}))

    def __str__(self) -> str:
        lines = [f"{self.id}: {self.question}"]
        lines += [f"  TO REVIEW: {change}" for change in self.review]
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


def _label(text: str) -> str:
    """A short name for an evidence row in prose: what it tells, and who tells it.

    Every teller is kept; their asides (an interest, a relay) are left to the row.

    Examples
    --------
    >>> _label("Paid — corroborated by 2 independent origins: Touré (an interested party: "
    ...        "took part), to BBC 2003; Guitta 2010. Curator's note: …")
    '“Paid” (corroborated by 2 independent origins: Touré, to BBC 2003; Guitta 2010)'
    """
    what, _, support = text.partition(" — ")
    who = re.sub(r"\s*\((?:an |one of|relayed)[^()]*\)", "", support).split(". ")[0]
    who = who.rstrip(".")
    return f"“{what}” ({who})" if who else f"“{what}”"


def matrix_blocks(assessment, dataset, notes: Footnotes, review=()) -> list[MatrixBlock]:
    """Every matrix of ``assessment``, scored on ``dataset`` (already cut off).

    ``review`` is :func:`~sahel_nb.assessment.to_review`'s list: a matrix
    whose evidence changed since it was last reviewed says what changed.
    """
    stale = {item["id"]: item["changes"] for item in review}
    claims = _Claims(dataset)
    blocks = []
    for matrix in assessment.hypotheses:
        sentences = claim_sentences(
            [e.claim for e in matrix.evidence], dataset, notes, claims, curator=False
        )
        labels = {e.claim: _label(s.text) for e, s in zip(matrix.evidence, sentences, strict=True)}
        scored = score_matrix(matrix, dataset, labels)
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
                figure=score_svg(matrix.hypotheses, scored.inconsistency),
                claims=tuple(e.claim for e in matrix.evidence),
                review=tuple(stale.get(f"hypotheses.{matrix.id}", [])),
            )
        )
    return blocks


def score_svg(hypotheses: dict, scores: dict, width: int = 560) -> str:
    """Each hypothesis's weighted inconsistency as a bar: shorter is less contradicted.

    Examples
    --------
    >>> svg = score_svg({"H1": "<b>paid</b>", "H2": "not paid"}, {"H1": 0.6, "H2": 0})
    >>> svg.startswith("<svg") and "&lt;b&gt;paid" in svg and "<b>" not in svg
    True
    """
    row, label_w = 26, 250
    top = max(scores.values(), default=0) or 1
    height = row * len(hypotheses) + 28
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        "<title>Weighted inconsistency of each hypothesis (lower: less contradicted)</title>",
    ]
    for i, (h, statement) in enumerate(hypotheses.items()):
        y = 8 + i * row
        text = f"{h}: {statement}"
        short = text if len(text) <= 40 else text[:39] + "…"
        bar = (width - label_w - 50) * scores[h] / top
        parts += [
            f'<text x="0" y="{y + 14}"><title>{html.escape(text)}</title>{html.escape(short)}</text>',
            f'<rect x="{label_w}" y="{y + 3}" width="{bar:.1f}" height="16" fill="#b71c1c" '
            'fill-opacity="0.75"/>',
            f'<text x="{label_w + bar + 6:.1f}" y="{y + 15}">{scores[h]:g}</text>',
        ]
    parts += [
        f'<text x="{label_w}" y="{height - 4}" fill="#555">weighted inconsistency: '
        "the evidence against each hypothesis</text>",
        "</svg>",
    ]
    return "".join(parts)
