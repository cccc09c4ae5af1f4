"""The key judgments of a report, as the analyst wrote them, each with its evidence and flags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..assessment import LIKELIHOOD_TERMS, evidence_rows
from .text import Footnotes, Sentence

__all__ = ["JudgmentBlock", "claim_sentences", "judgment_blocks"]


@dataclass(frozen=True)
class JudgmentBlock:
    """A key judgment on the page: the analyst's words, then likelihood, confidence, evidence."""

    kind: ClassVar[str] = "judgment"

    id: str
    text: str
    #: One sentence: the ICD 203 term and its range.
    likelihood: str
    #: The next sentence: the confidence level and the analyst's reasons.
    confidence: str
    evidence: tuple[Sentence, ...] = ()
    #: Claims the analyst cites as background: shown, not weighed by the checks.
    context: tuple[Sentence, ...] = ()
    #: Claims the judgment holds unlikely to be so, with who tells and who denies them.
    doubts: tuple[Sentence, ...] = ()
    assumptions: tuple[str, ...] = ()
    would_change: tuple[str, ...] = ()
    #: What the checks found: claims beyond the evidence, a denial not addressed.
    flags: tuple[str, ...] = ()
    #: What changed beneath it since the analyst last reviewed it.
    review: tuple[str, ...] = ()
    #: Who told its most disputed claim first (inline SVG), where one is contested.
    figure: str = ""

    @property
    def notes(self) -> tuple[int, ...]:
        cited = (*self.evidence, *self.doubts, *self.context)
        return tuple(sorted({n for s in cited for n in s.notes}))

    def __str__(self) -> str:
        lines = [f"{self.id}: {self.text}", f"  {self.likelihood}", f"  {self.confidence}"]
        lines += [f"  Evidence: {s}" for s in self.evidence]
        lines += [f"  Doubts: {s}" for s in self.doubts]
        lines += [f"  Context: {s}" for s in self.context]
        lines += [f"  Assumes: {a}" for a in self.assumptions]
        lines += [f"  Would change with: {w}" for w in self.would_change]
        lines += [f"  FLAG: {f}" for f in self.flags]
        lines += [f"  TO REVIEW: {r}" for r in self.review]
        return "\n".join(lines)


def likelihood_sentence(term: str) -> str:
    """``Likelihood: likely (55–80%).``: the analyst's term as a label, the judgment untouched.

    A label, not a sentence about the judgment: "the analyst judges this
    unlikely" under "It is unlikely that …" would read as the analyst
    doubting their own judgment.
    """
    return f"Likelihood: {term} ({LIKELIHOOD_TERMS[term]})."


def confidence_sentence(level: str, because: str) -> str:
    """``Confidence: moderate.`` then the analyst's reasons exactly as written."""
    return f"Confidence: {level}." + (f" {because.strip()}" if because.strip() else "")


class _Claims:
    """One representative row per claim, its reports, and the names to tell them with."""

    def __init__(self, dataset) -> None:
        from ..cite import teller_names

        self.dataset = dataset
        self.names = dataset.actors.set_index("actor_id")["name"].to_dict()
        self.tellers = teller_names(dataset.sources, dataset.actors)
        self._by_table: dict = {}

    def claim(self, table: str, claim_id: str) -> dict | None:
        from ..origins import claims_of

        if table not in self._by_table:
            self._by_table[table] = claims_of(self.dataset, table).set_index("claim_id", drop=False)
        frame = self._by_table[table]
        return frame.loc[claim_id].to_dict() if claim_id in frame.index else None


def claim_sentences(
    ids, dataset, notes: Footnotes, claims: _Claims | None = None, *, curator: bool = True
):
    """One footnoted sentence per claim ``ids`` names: what it says, who told it, the curator's note.

    An id may name one report (a row id) rather than a claim: the sentence is then
    that report's alone. A claim dated after the cut-off (absent from ``dataset``)
    is said to be left out; ``curator=False`` leaves the curators' notes out.
    """
    from ..cite import attribution, support_said
    from ..claims import _what
    from ..schema import TABLES

    claims = claims or _Claims(dataset)
    said = []
    for claim_id in ids:
        reports = evidence_rows(dataset, [claim_id])
        if reports.empty:
            said.append(Sentence("A claim told only after the cut-off, so not used here."))
            continue
        first = reports.iloc[0]
        row = claims.claim(first["table"], first["claim_id"])
        table = dataset.tables[first["table"]]
        rows = table[table["claim_id"] == first["claim_id"]].to_dict("records")
        if (reports["row_id"] == claim_id).all() and claim_id != first["claim_id"]:
            # One report cited by its row id (a denial, one teller's figure): that report alone.
            rows = [r for r in rows if str(r.get(TABLES[first["table"]].id_column)) == claim_id]
            side = "against" if first["stance"] == "against" else "for"
            said_by = attribution(rows, claims.tellers, side) or "a report naming no teller"
            others = len(table[table["claim_id"] == first["claim_id"]]) - 1
            support = f"{first['status']} by {said_by}" + (
                f" (one of {others + 1} reports of this claim)" if others else ""
            )
        else:
            support = support_said(row, rows, claims.tellers) if row else ""
        text = _what(first["table"], row, claims.names) if row else claim_id
        note = row.get("note") if row else None
        if not isinstance(note, str) or not note.strip():
            note = row.get("description") if row else None
        sentence = f"{text[:1].upper()}{text[1:]} — {support}."
        if curator and isinstance(note, str) and note.strip():
            sentence += f" Curator's note: {note.strip()}"
        said.append(Sentence(sentence, notes.cite(rows)))
    return said


def judgment_blocks(assessment, dataset, notes: Footnotes, flags, review) -> list[JudgmentBlock]:
    """Every judgment of ``assessment`` as written, with its evidence, flags and review state."""
    claims = _Claims(dataset)
    by_judgment: dict[str, list[str]] = {}
    for flag in flags:
        by_judgment.setdefault(flag.judgment, []).append(f"{flag.check}: {flag.reason}")
    stale = {item["id"]: item["changes"] for item in review}
    blocks = []
    for judgment in assessment.judgments:
        blocks.append(
            JudgmentBlock(
                id=judgment.id,
                text=judgment.text,
                likelihood=likelihood_sentence(judgment.likelihood),
                confidence=confidence_sentence(judgment.confidence, judgment.because),
                evidence=tuple(claim_sentences(judgment.rests_on, dataset, notes, claims)),
                context=tuple(claim_sentences(judgment.context, dataset, notes, claims)),
                doubts=tuple(
                    claim_sentences(getattr(judgment, "doubts", ()), dataset, notes, claims)
                ),
                assumptions=judgment.assumptions,
                would_change=judgment.would_change,
                flags=tuple(by_judgment.get(judgment.id, [])),
                review=tuple(stale.get(judgment.id, [])),
                figure=_figure(
                    (*judgment.rests_on, *getattr(judgment, "doubts", ())), dataset, claims
                ),
            )
        )
    return blocks


def _figure(ids, dataset, claims: _Claims) -> str:
    """The chain of tellers of the first denied or disputed claim a judgment rests on."""
    from ..chains import chain_svg

    rows = evidence_rows(dataset, ids)
    contested = rows[rows["status"].isin(["denied", "disputed"])]
    if contested.empty:
        return ""
    first = contested.iloc[0]
    table = dataset.tables[first["table"]]
    reports = table[table["claim_id"] == first["claim_id"]].to_dict("records")
    return chain_svg(reports, claims.tellers, title=f"Who told it first: {first['claim_id']}")
