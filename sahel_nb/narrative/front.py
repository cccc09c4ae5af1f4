"""A report's front matter: title, scope, cut-off, production date and the analyst's bottom line."""

from __future__ import annotations

from ..dates import date_words
from .text import Sentence

__all__ = ["NO_ASSESSMENT", "bottom_line", "front_lines"]

#: What a report says in place of judgments when no analyst wrote any.
NO_ASSESSMENT = (
    "No analyst's assessment was given for this report, so it states no bottom line and no "
    "judgments: what follows is the evidence only. An analyst writes them in "
    "analysis/<id>.yml (analysis/README.md) and names the file in the parameter assessment."
)


def front_lines(assessment, left_out: dict[str, int]) -> list[str]:
    """Scope, period, region, cut-off (with what it left out) and production date, one per line."""
    scope = assessment.scope
    lines = []
    if scope.get("question"):
        lines.append(f"Question: {scope['question']}")
    period = scope.get("period") or {}
    if period:
        start = date_words(period["start"]) if "start" in period else "the first record"
        end = date_words(period["end"]) if "end" in period else "the last record"
        lines.append(f"Period: {start} to {end}")
    if scope.get("region"):
        lines.append(f"Region: {scope['region']}")
    cut = f"Information cut-off: {date_words(assessment.cut_off)}"
    count = sum(left_out.values())
    if count:
        parts = ", ".join(
            f"{n:,} {_WORDS[t][0] if n == 1 else _WORDS[t][1]}" for t, n in sorted(left_out.items())
        )
        cut += f" (later or undated: {parts} left out)"
    else:
        cut += " (nothing in the data is later)"
    lines.append(cut)
    if assessment.produced:
        lines.append(f"Produced: {date_words(assessment.produced)}")
    return lines


#: What a row of each table is, one and several.
_WORDS = {
    "relationships": ("tie", "ties"),
    "events": ("event", "events"),
    "flows": ("flow of money or goods", "flows of money or goods"),
}


def bottom_line(assessment) -> list[Sentence]:
    """The analyst's bottom line as written, or the sentence saying there is none."""
    if assessment is None:
        return [Sentence(NO_ASSESSMENT)]
    return [Sentence(assessment.bluf)]
