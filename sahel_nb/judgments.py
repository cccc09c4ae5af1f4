"""Estimative language for key judgments: ICD 203 likelihood terms and a confidence level."""

from __future__ import annotations

__all__ = [
    "CONFIDENCE_RULE",
    "LIKELIHOOD_RULE",
    "LIKELIHOOD_TERMS",
    "confidence",
    "evidence",
    "likelihood",
]

#: ICD 203's seven likelihood terms and the probabilities they stand for.
LIKELIHOOD_TERMS = {
    "almost no chance": "1–5%",
    "very unlikely": "5–20%",
    "unlikely": "20–45%",
    "roughly even chance": "45–55%",
    "likely": "55–80%",
    "very likely": "80–95%",
    "almost certain": "95–99%",
}

# The analyst's Admiralty credibility grade is already a judgment of how
# probably the information is true; the terms translate it. Grade 6 ("cannot
# be judged") gives no term: the report says so instead of guessing.
_BY_CREDIBILITY = {
    1: "very likely",
    2: "likely",
    3: "roughly even chance",
    4: "unlikely",
    5: "very unlikely",
}

#: How a judgment's likelihood is chosen, printed once in each report.
LIKELIHOOD_RULE = (
    "Likelihood uses the terms of US Intelligence Community Directive 203 "
    "(very unlikely 5–20%, unlikely 20–45%, roughly even chance 45–55%, likely 55–80%, "
    "very likely 80–95%, almost certain 95–99%), read from the best Admiralty credibility "
    "among the reports that support the claim: 1 very likely, 2 likely, 3 roughly even "
    "chance, 4 unlikely, 5 very unlikely; credibility 1 with three or more independent "
    "origins is almost certain; credibility 6 cannot be judged."
)

#: How a judgment's confidence is chosen, printed once in each report.
CONFIDENCE_RULE = (
    "Confidence is high when two or more independent origins report the claim in their own "
    "voice, the best of them graded A or B for reliability, and no source denies or disputes "
    "it; moderate when it has two or more independent origins, or one origin graded A or B "
    "reporting it in its own voice, and no denial; low otherwise: a single origin graded C "
    "to F, allegations only from one origin, or a denial or dispute."
)


def likelihood(credibility: int | None, origins: int) -> str | None:
    """The ICD 203 term for a claim's best credibility grade, or None when it cannot be judged.

    Examples
    --------
    >>> likelihood(2, 1), likelihood(1, 3), likelihood(6, 1)
    ('likely', 'almost certain', None)
    """
    if credibility is None:
        return None
    if credibility == 1 and origins >= 3:
        return "almost certain"
    return _BY_CREDIBILITY.get(int(credibility))


def confidence(
    agreement: str, origins: int, best_reliability: str | None, alleged_only: bool
) -> str:
    """``high``, ``moderate`` or ``low``, by :data:`CONFIDENCE_RULE`.

    Examples
    --------
    >>> confidence("corroborated", 2, "B", False)
    'high'
    >>> confidence("single source", 1, "B", False)
    'moderate'
    >>> confidence("single source", 1, "C", False), confidence("contested", 2, "A", False)
    ('low', 'low')
    """
    if agreement in ("contested", "denied") or origins == 0:
        return "low"
    graded_well = best_reliability in ("A", "B")
    if origins >= 2 and graded_well and not alleged_only:
        return "high"
    if origins >= 2 or (graded_well and not alleged_only):
        return "moderate"
    return "low"


def evidence(reports: list[dict]) -> dict:
    """What a claim's reports give the rules: best credibility and reliability, origins, stance.

    ``reports`` are rows of one claim (dicts with ``status``, ``credibility``,
    ``reliability``, ``origin``). Denials and disputes do not support it.

    Examples
    --------
    >>> evidence([{"status": "alleged", "credibility": 4, "reliability": "C", "origin": "x"},
    ...           {"status": "denied", "credibility": 3, "reliability": "B", "origin": "y"}])
    {'credibility': 4, 'reliability': 'C', 'origins': 1, 'alleged_only': True, 'against': 1}
    """
    supporting = [r for r in reports if str(r["status"]) not in ("denied", "disputed")]
    against = len(reports) - len(supporting)
    grades = [int(r["credibility"]) for r in supporting if r.get("credibility") is not None]
    reliabilities = sorted(str(r["reliability"]) for r in supporting if r.get("reliability"))
    return {
        "credibility": min(grades) if grades else None,
        "reliability": reliabilities[0] if reliabilities else None,
        # A report that names no teller (a tertiary work, an echo) is no origin.
        "origins": len({_origin(r) for r in supporting} - {None}),
        "alleged_only": bool(supporting) and all(str(r["status"]) == "alleged" for r in supporting),
        "against": against,
    }


def _origin(report: dict):
    if "origin" not in report:
        return report.get("source_id")
    origin = report["origin"]
    return None if origin is None or origin != origin or origin == "" else origin
