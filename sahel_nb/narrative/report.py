"""The situation report: the analyst's bottom line and judgments first, the evidence in an annex."""

from __future__ import annotations

from ..assessment import (
    ACH_RULE,
    CONFIDENCE_RULE,
    CONTESTED_RULE,
    ESTIMATIVE_RULE,
    LIKELIHOOD_RULE,
    before_cut_off,
    check_assessment,
    load_assessment,
    new_evidence,
    to_review,
)
from .evidence import _Writer
from .front import bottom_line, front_lines
from .hypotheses import matrix_blocks
from .judgments import judgment_blocks
from .text import Report, Sentence, _plural
from .window import _ACTOR_COLUMNS, _involves, _window, _window_text, _with_kidnappings_touched

__all__ = ["DATA_GAPS", "GAPS", "METHOD", "situation_report"]

#: The heading of the method paragraphs: how judgments are checked and matrices scored.
METHOD = "How the judgments are checked"
#: The section of what is not known: the analyst's gaps, then what the data does not give.
GAPS = "Gaps"
#: In an assessment's annex: what the data itself leaves unknown (undated rows, no amounts).
DATA_GAPS = "What the data does not give"


def situation_report(
    dataset,
    *,
    assessment=None,
    start=None,
    end=None,
    focus_actor: str | None = None,
    base_year: int | None = None,
    top: int = 5,
    undated_ties: bool = False,
) -> Report:
    """Build the situation report: the analyst's assessment on top, the evidence beneath.

    With ``assessment`` (an id in ``analysis/``, a file, or a loaded
    :class:`~sahel_nb.assessment.Assessment`), the report opens with its
    title, scope, cut-off and production date, the analyst's bottom line and
    key judgments as written (each with its evidence and what the checks
    flag), the ACH matrices scored and the gaps; the evidence sections follow
    as an annex, and nothing published or dated after the cut-off is used.
    Without one, the report says it has no analyst's judgments and gives the
    evidence only. Sentences come from rows and cite them; ``start``/``end``
    narrow the period (by default the assessment's ``scope.period``), ``focus_actor`` the actors (its direct neighbours for
    ties); ties with no date are left out of a period unless ``undated_ties``.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> report = situation_report(load_dataset(), start="2030")
    >>> report.empty
    True
    >>> report.section("In this period")[0].text[:40]
    'Nothing in the data is dated in this per'
    """
    from ..network import check_actor, predecessors

    full = dataset
    if assessment is not None and not hasattr(assessment, "judgments"):
        assessment = load_assessment(assessment, dataset)
    left_out: dict[str, int] = {}
    scoped = False
    if assessment is not None:
        dataset, left_out = before_cut_off(dataset, assessment.cut_off, assessment.keep_undated)
        # The assessment's period is the report's unless the caller narrows it: the
        # annex must not tell a 2003 ransom "in this period" of a 2009 question.
        period_of = (getattr(assessment, "scope", None) or {}).get("period") or {}
        if start is None and end is None and period_of:
            start, end, scoped = period_of.get("start"), period_of.get("end"), True
    picked, undated = _window(dataset, start, end, undated_ties)
    focus: set[str] = set()
    lineage: list[str] = []
    if focus_actor:
        check_actor(dataset, focus_actor)
        # A group's report includes its predecessors' record, said to be theirs.
        lineage = predecessors(dataset, focus_actor)
        focus = {focus_actor, *lineage}
        everything = dict(picked)
        for name, columns in _ACTOR_COLUMNS.items():
            # A claim is the focus's when any of its reports names it (a mediator
            # named by one source only), not only the report kept to speak for it.
            table = getattr(dataset, name)
            mine = set(table.loc[_involves(table, columns, focus), "claim_id"])
            picked[name] = picked[name][picked[name]["claim_id"].isin(mine)]
            undated[name] = undated[name][undated[name]["claim_id"].isin(mine)]
        picked = _with_kidnappings_touched(dataset, everything, picked)
    writer = _Writer(dataset, base_year, **picked)
    writer.focus = focus
    sections = [("Bottom line", bottom_line(assessment))]
    gaps: list[Sentence] = []
    if assessment is not None:
        flags = check_assessment(assessment, full)
        review = to_review(assessment, full)
        sections.append(
            (
                "Key judgments",
                judgment_blocks(assessment, dataset, writer.notes, flags, review),
            )
        )
        if assessment.hypotheses:
            sections.append(
                ("Competing hypotheses", matrix_blocks(assessment, dataset, writer.notes, review))
            )
        gaps = [Sentence(gap) for gap in assessment.gaps]
    evidence = [
        (
            "Key actors and their ties",
            writer.key_actors(top, assessment.key_actors if assessment is not None else ()),
        ),
        ("Alliance shifts", writer.shifts()),
        ("Kidnappings and ransom money", writer.kidnappings()),
        ("Other money and supplies", writer.other_money()),
        ("The state's role", writer.state_role()),
        ("Other events", writer.other_events()),
    ]
    if dataset.events["locator"].str.startswith("row ").any():  # the data holds an import
        evidence.append(("Imported datasets", writer.datasets()))
    empty = not any(sentences for _, sentences in evidence)
    if empty:  # said first, where a reader looks
        nothing = Sentence(
            "Nothing in the data is dated in this period: no relationship, event or "
            "flow falls in it."
        )
        sections.insert(0, ("In this period", [nothing]))
    if assessment is not None:
        # The analyst's product first; the evidence beneath it as an annex, with the
        # data's own gaps (counts, not the analyst's words) at its end.
        sections.append((GAPS, gaps))
        annex_at = len(sections)
        sections += evidence
        sections.append((DATA_GAPS, writer.unknowns(undated)))
    else:
        sections += evidence
        sections.append((GAPS, writer.unknowns(undated)))
    # The assessment's front matter states its period; the line is for a narrowed window.
    period = (
        ""
        if assessment is not None and (scoped or not (start or end))
        else (_window_text(start, end))
    )
    if (start or end) and undated_ties:
        kept = picked["relationships"]
        count = int((kept["start_start"].isna() & kept["end_end"].isna()).sum())
        kept_said = f"{_plural(count, 'undated tie')} kept, their period unknown"
        period = f"{period}; {kept_said}" if period else kept_said
    # Each part joined to what is there: with no window line, the focus starts it.
    parts = [period] if period else []
    if focus_actor:
        parts.append(f"centred on {writer.names[focus_actor]}")
    if lineage:
        names = ", ".join(writer.names[p] for p in lineage)
        parts.append(f"with the record of its predecessor{'s' if len(lineage) > 1 else ''} {names}")
    period = ", ".join(parts)
    if period and not parts[0][0].isupper():
        period = period[0].upper() + period[1:]
    return Report(
        assessment.title if assessment is not None else "Situation report",
        period,
        sections,
        writer.notes.lines(),
        writer.sources(),
        empty,
        # An assessment states its cut-off up front; "as of" would say it twice.
        "" if assessment is not None else writer.as_of(),
        [LIKELIHOOD_RULE, CONFIDENCE_RULE, CONTESTED_RULE, ESTIMATIVE_RULE, ACH_RULE]
        if assessment
        else [],
        front=front_lines(assessment, left_out)
        + [f"New since the last review: {said}" for said in new_evidence(assessment, full)]
        if assessment is not None
        else [],
        annex_at=annex_at if assessment is not None else None,
    )
