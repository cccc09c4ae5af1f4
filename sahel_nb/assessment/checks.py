"""Checks, never verdicts: where an analyst's judgment claims more than its evidence allows."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..origins import stance
from ..schema import CLAIM_TABLES, TABLES

__all__ = [
    "CONFIDENCE_RULE",
    "CONTESTED_RULE",
    "LIKELIHOOD_RULE",
    "Flag",
    "check_assessment",
    "evidence_rows",
    "evidence_summary",
]

#: How far a likelihood term may go on the evidence beneath it (documented on every page).
LIKELIHOOD_RULE = (
    "A likelihood term may go as far from even as the evidence beneath it: 'likely' or "
    "'unlikely' needs at least one independent first teller; 'very likely' or 'very "
    "unlikely' two; 'almost certain' or 'almost no chance' three, none of them denied or "
    "disputed. Allegations only, a best credibility of 4 or worse, or evidence that no "
    "teller can be traced to, hold it at 'likely'/'unlikely' (untraced: at 'roughly even "
    "chance'); a denied or disputed claim holds it at 'very likely'/'very unlikely'."
)
#: How high confidence may be on the evidence beneath it.
CONFIDENCE_RULE = (
    "High confidence needs two or more independent first tellers, not allegations only, "
    "and no denial or dispute; moderate needs one first teller, or two when the evidence "
    "is allegations only or denied by someone; low is always open to the analyst."
)
#: When a judgment resting on a contested claim is taken to address it.
CONTESTED_RULE = (
    "A judgment resting on a denied or disputed claim must say so: its text or its "
    "reasons mention the denial or dispute (deny, denial, dispute, contest, reject, "
    "refute) or name who denies it."
)

_STRENGTH = {
    "roughly even chance": 0,
    "likely": 1,
    "unlikely": 1,
    "very likely": 2,
    "very unlikely": 2,
    "almost certain": 3,
    "almost no chance": 3,
}
_TERMS_AT = {0: "roughly even chance", 1: "likely or unlikely", 2: "very likely or unlikely"}
_CONFIDENCE = {"low": 0, "moderate": 1, "high": 2}
_ADDRESSED = re.compile(
    r"\b(den(y|ies|ied|ying|ial|ials)|disput\w*|contest\w*|reject\w*|refut\w*|rebut\w*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Flag:
    """Something a judgment claims beyond its evidence, by judgment id, with the reason."""

    judgment: str
    check: str
    reason: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.judgment}: {self.check}: {self.reason}"


def evidence_rows(dataset, ids) -> pd.DataFrame:
    """Every report of the claims ``ids`` name (a claim id, or one report's row id).

    Columns: ``table``, ``row_id``, ``claim_id``, ``source_id``, ``locator``,
    ``status``, ``stance``, ``credibility``, ``reliability``, ``origin``,
    ``speaker``, ``note``, sorted by table and row id.
    """
    wanted = set(ids)
    frames = []
    for table in CLAIM_TABLES:
        frame = dataset.tables[table]
        id_column = TABLES[table].id_column
        picked = frame[frame["claim_id"].isin(wanted) | frame[id_column].isin(wanted)]
        if picked.empty:
            continue
        out = pd.DataFrame(
            {
                "table": table,
                "row_id": picked[id_column].astype(str),
                "claim_id": picked["claim_id"].astype(str),
                "source_id": picked["source_id"].astype(str),
                "locator": picked["locator"].astype(str),
                "status": picked["status"].astype(str),
                "credibility": picked["credibility"],
                "reliability": picked["reliability"].astype(str),
                "origin": picked["origin"],
                "speaker": picked.get("speaker"),
                "note": picked["note"] if "note" in picked else picked.get("description"),
            }
        )
        frames.append(out)
    if not frames:
        return pd.DataFrame(
            columns=["table", "row_id", "claim_id", "source_id", "locator", "status", "stance"]
        )
    rows = pd.concat(frames, ignore_index=True)
    rows["stance"] = rows["status"].map(stance)
    return rows.sort_values(["table", "row_id"], kind="stable").reset_index(drop=True)


def evidence_summary(rows: pd.DataFrame) -> dict:
    """What the rules read from a judgment's reports.

    Examples
    --------
    >>> rows = pd.DataFrame({"status": ["alleged", "denied"], "stance": ["for", "against"],
    ...     "origin": ["ard", "bbc"], "credibility": [3, 3], "reliability": ["B", "B"],
    ...     "claim_id": ["c", "c"]})
    >>> evidence_summary(rows)
    {'origins': 1, 'reports': 1, 'alleged_only': True, 'against': 1, 'contested': ['c'], 'credibility': 3}
    """
    if rows.empty:
        return {
            "origins": 0,
            "reports": 0,
            "alleged_only": False,
            "against": 0,
            "contested": [],
            "credibility": None,
        }
    supporting = rows[rows["stance"] == "for"]
    origins = {o for o in supporting["origin"] if isinstance(o, str) and o}
    disputed = rows[rows["status"].isin(["denied", "disputed"])]
    grades = pd.to_numeric(supporting["credibility"], errors="coerce").dropna()
    return {
        "origins": len(origins),
        "reports": len(supporting),
        "alleged_only": bool(len(supporting)) and bool((supporting["status"] == "alleged").all()),
        "against": int((rows["status"] == "denied").sum()),
        "contested": sorted(set(disputed["claim_id"])),
        "credibility": int(grades.min()) if len(grades) else None,
    }


def _likelihood_cap(found: dict) -> tuple[int, str]:
    """The furthest from even the evidence allows, and why it stops there."""
    origins = found["origins"]
    if origins == 0:
        return 0, "no report beneath it names a first teller"
    cap, why = min(origins, 3), f"{_tellers(origins)} beneath it"
    if found["alleged_only"] and cap > 1:
        cap, why = 1, "its evidence is allegations only"
    if found["credibility"] is not None and found["credibility"] >= 4 and cap > 1:
        cap, why = 1, f"its best credibility is {found['credibility']}"
    if found["contested"] and cap > 2:
        cap, why = 2, "a claim beneath it is denied or disputed"
    return cap, why


def _confidence_cap(found: dict) -> tuple[int, str]:
    origins = found["origins"]
    weak = found["alleged_only"] or bool(found["contested"])
    if origins == 0:
        return 0, "no report beneath it names a first teller"
    if origins >= 2 and not weak:
        return 2, ""
    if origins >= 2:
        reason = "allegations only" if found["alleged_only"] else "denied or disputed"
        return 1, f"its evidence is {reason}"
    if weak:
        reason = "allegations only" if found["alleged_only"] else "denied or disputed"
        return 0, f"{_tellers(1)}, and its evidence is {reason}"
    return 1, f"{_tellers(1)} beneath it"


def _tellers(count: int) -> str:
    return "one independent first teller" if count == 1 else f"{count} independent first tellers"


def _overreach(judgment, found: dict) -> list[Flag]:
    flags = []
    cap, why = _likelihood_cap(found)
    if judgment.likelihood and _STRENGTH[judgment.likelihood] > cap:
        flags.append(
            Flag(
                judgment.id,
                "overreach",
                f"'{judgment.likelihood}' goes further than the evidence allows: {why}, "
                f"which supports at most '{_TERMS_AT[cap]}'",
                judgment.line,
            )
        )
    cap, why = _confidence_cap(found)
    if judgment.confidence and _CONFIDENCE[judgment.confidence] > cap:
        allowed = next(k for k, v in _CONFIDENCE.items() if v == cap)
        flags.append(
            Flag(
                judgment.id,
                "overreach",
                f"{judgment.confidence} confidence is more than the evidence allows: {why}, "
                f"which supports at most {allowed} confidence",
                judgment.line,
            )
        )
    return flags


def _unaddressed(judgment, rows: pd.DataFrame, names: dict[str, str]) -> list[Flag]:
    contested = sorted(set(rows.loc[rows["status"].isin(["denied", "disputed"]), "claim_id"]))
    if not contested:
        return []
    said = f"{judgment.text} {judgment.because}"
    if _ADDRESSED.search(said):
        return []
    against = rows[rows["status"].isin(["denied", "disputed"])]
    deniers = {names.get(s, s) for s in against["speaker"].dropna() if isinstance(s, str) and s}
    if any(name and name.lower() in said.lower() for name in deniers):
        return []
    return [
        Flag(
            judgment.id,
            "contested evidence unaddressed",
            "it rests on "
            + ", ".join(contested)
            + ", which a source denies or disputes; neither its text nor its reasons say so",
            judgment.line,
        )
    ]


def check_assessment(assessment, dataset) -> list[Flag]:
    """Flag each judgment that claims more than its evidence allows, or ignores a denial.

    The rules are :data:`LIKELIHOOD_RULE`, :data:`CONFIDENCE_RULE` and
    :data:`CONTESTED_RULE`. The flags are for the analyst, who may keep the
    judgment and say why; nothing is changed.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.assessment import KeyJudgment
    >>> data = load_dataset("tests/fixtures/claims")
    >>> judgment = KeyJudgment("kj", "Germany paid.", "almost certain", "high", "", ("c-ransom",))
    >>> class A: judgments = (judgment,)
    >>> for flag in check_assessment(A, data):
    ...     print(flag.check)
    overreach
    overreach
    contested evidence unaddressed
    """
    from .cutoff import before_cut_off

    # Judged on what the analyst could know: nothing after the cut-off.
    dataset, _ = before_cut_off(dataset, getattr(assessment, "cut_off", None))
    names = dataset.actors.set_index("actor_id")["name"].astype(str).to_dict()
    flags: list[Flag] = []
    for judgment in assessment.judgments:
        rows = evidence_rows(dataset, judgment.rests_on)
        found = evidence_summary(rows)
        flags += _overreach(judgment, found)
        flags += _unaddressed(judgment, rows, names)
    return flags
