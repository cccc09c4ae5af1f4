"""Agreement: where a report stands on its claim, the label its counts earn, and its wording."""

from __future__ import annotations

from ..schema import SUPPORTING_STATUSES

#: The agreement labels and their rules (the codebook repeats them).
AGREEMENT = {
    "corroborated": "reported by two or more independent origins, and denied by none",
    "single source": "reported by one independent origin only (however many reports relay it)",
    "contested": "reported by at least one origin and denied by another, or marked disputed",
    "denied": "denied, and reported by no source",
    "untraced": "repeated only by tertiary works or echoes that name no teller: no origin at all",
}


def stance(status) -> str:
    """``for``, ``against`` or ``neither``: where a row's status puts it on its claim.

    An empty or missing status (a short row, reported on its own line) is neither.

    Examples
    --------
    >>> import pandas as pd
    >>> stance("alleged"), stance("denied"), stance(pd.NA)
    ('for', 'against', 'neither')
    """
    if not isinstance(status, str):
        return "neither"
    if status in SUPPORTING_STATUSES:
        return "for"
    return "against" if status == "denied" else "neither"


def agreement(
    supporting_origins: int,
    denying: int,
    disputed: int,
    supporting: int | None = None,
    untraced_denials: int = 0,
) -> str:
    """The agreement label of a claim from its counts; rules in :data:`AGREEMENT`.

    ``supporting`` counts the rows that report it, with an origin or not
    (default: one per origin); rows without one (tertiary works, echoes)
    never corroborate. ``denying`` counts denials from an origin;
    ``untraced_denials`` those of reports that name no teller, which contest
    nothing.

    Examples
    --------
    >>> agreement(2, 0, 0), agreement(1, 1, 0), agreement(0, 2, 0), agreement(1, 0, 0)
    ('corroborated', 'contested', 'denied', 'single source')
    >>> agreement(1, 0, 0, supporting=3), agreement(0, 0, 0, supporting=2)
    ('single source', 'untraced')
    >>> agreement(1, 0, 0, untraced_denials=1), agreement(0, 0, 0, 0, untraced_denials=1)
    ('single source', 'untraced')
    """
    supporting = supporting_origins if supporting is None else supporting
    if disputed or (denying and supporting):
        return "contested"
    if denying:
        return "denied"
    if (supporting or untraced_denials) and not supporting_origins:
        return "untraced"
    return "corroborated" if supporting_origins >= 2 else "single source"


def support_wording(
    label: str, origins: int, reports: int, denials: int, alleged_only: bool
) -> str:
    """Plain estimative wording of how well a claim is supported (the codebook's table).

    Examples
    --------
    >>> support_wording("corroborated", 2, 3, 0, False)
    'corroborated by 2 independent origins (3 reports)'
    >>> support_wording("single source", 1, 1, 0, True)
    'alleged by a single source'
    >>> support_wording("contested", 2, 3, 1, True)
    'contested: alleged by 2 independent origins, denied by 1 report'
    >>> support_wording("untraced", 0, 2, 0, False)
    'repeated by 2 reports that name no teller; no independent origin'
    """

    def count(number: int, word: str) -> str:
        return f"{number} {word}{'' if number == 1 else 's'}"

    verb = "alleged" if alleged_only else "reported"
    if label == "untraced":
        which = "that names" if reports == 1 else "that name"
        verb = "denied only" if denials and denials >= reports else "repeated"
        return f"{verb} by {count(reports, 'report')} {which} no teller; no independent origin"
    if label == "corroborated":
        relayed = f" ({count(reports, 'report')})" if reports > origins else ""
        if alleged_only:
            return f"alleged by {count(origins, 'independent origin')}{relayed}, none confirming it"
        return f"corroborated by {count(origins, 'independent origin')}{relayed}"
    if label == "single source":
        if reports > 1:
            # Echoes (reports naming no teller) are among the M: "in", not "relayed by".
            return f"{verb} by a single origin, in {count(reports, 'report')}"
        return f"{verb} by a single source"
    if label == "denied":
        return f"denied by {count(denials, 'report')}; no source reports it"
    if origins:
        return (
            f"contested: {verb} by {count(origins, 'independent origin')}, "
            f"denied by {count(denials, 'report')}"
        )
    if reports > denials:
        return (
            f"contested: {verb} only by reports that name no teller, "
            f"denied by {count(denials, 'report')}"
        )
    return "contested: the sources themselves call it disputed"
