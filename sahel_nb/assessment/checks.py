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
    "ESTIMATIVE_RULE",
    "LIKELIHOOD_RULE",
    "Flag",
    "check_assessment",
    "claims_named",
    "evidence_rows",
    "evidence_summary",
]

#: How far a likelihood term may go on the evidence beneath it (documented on every page).
LIKELIHOOD_RULE = (
    "Each claim a judgment rests on (not those it cites as context) is evidence for the "
    "judgment as written, whichever way its likelihood goes; each claim it doubts (doubts) "
    "is one the judgment holds unlikely to be so. Each is weighed on its own, and the "
    "judgment may go no further from even chance than its weakest claim allows (a claim "
    "that only illustrates belongs under context). A claim it rests on: one independent "
    "first teller of it allows 'likely' or 'unlikely', two 'very', three 'almost certain' "
    "or 'almost no chance'; allegations only, or a best credibility of 4 or worse, hold it "
    "at 'likely'/'unlikely'; a denied or disputed claim at 'very'; a claim no teller can be "
    "traced to at 'roughly even chance'. A claim it doubts: any traced teller on either "
    "side allows 'unlikely'/'likely', two tellers who deny it 'very', three 'almost'; a "
    "claim that one teller reports holds it at 'very', two at 'unlikely'/'likely'."
)
#: How high confidence may be on the evidence beneath it.
CONFIDENCE_RULE = (
    "Confidence is weighed claim by claim too, on the tellers on the judgment's side (those "
    "who report a claim it rests on, those who deny a claim it doubts): high needs two or "
    "more of them, not allegations only, and no teller on the other side; moderate needs "
    "one, or two when the evidence is allegations only or contested; low is always open to "
    "the analyst."
)
#: When a judgment resting on a contested claim is taken to address it.
CONTESTED_RULE = (
    "A judgment resting on a denied or disputed claim must deal with the denial: the claim "
    "is listed under the judgment's addresses, or its text or reasons speak of the denial "
    "or dispute (deny, denial, dispute, contest, reject, refute, rebut) and, in the same "
    "sentence, name who denies it (by a word of their name, not 'State' or 'Department')."
)

#: When a judgment's words say more than its fields (ICD 203 keeps the two apart).
ESTIMATIVE_RULE = (
    "A judgment's likelihood and confidence are said by its fields, in sentences of their "
    "own: its text is flagged when it states a confidence or uses an ICD 203 likelihood "
    "term (or its synonym: probably, highly probable, nearly certain …) other than its "
    "likelihood's, and its reasons when they speak of another confidence than its own."
)

_STRENGTH = {
    "roughly even chance": 0,
    "likely": 1,
    "unlikely": -1,
    "very likely": 2,
    "very unlikely": -2,
    "almost certain": 3,
    "almost no chance": -3,
}
_TERMS_AT = {
    0: "roughly even chance",
    1: "likely",
    2: "very likely",
    3: "almost certain",
    -1: "unlikely",
    -2: "very unlikely",
    -3: "almost no chance",
}
_CONFIDENCE = {"low": 0, "moderate": 1, "high": 2}
#: Words of a denier's name too common to say who denies ("the State Department").
_COMMON_WORDS = frozenset({
    "state", "states", "department", "government", "ministry", "office", "official",
    "officials", "news", "radio", "press", "agency", "media", "group", "forces", "army",
    "military", "national", "united", "report", "reports", "country", "service", "public",
    "affairs", "foreign", "security", "spokesman", "authorities", "staff", "reporter",
})  # fmt: skip
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


def claims_named(dataset, ids) -> list[str]:
    """The claim of each id, in order: a claim id stays, a report's row id becomes its claim."""
    ids = list(ids)
    found: dict[str, str] = {}
    # One lookup per table for all the ids: a comparison per id over a million
    # events cost a second of every validate with an assessment.
    for table in CLAIM_TABLES:
        wanted = set(ids) - set(found)
        if not wanted:
            break
        frame = dataset.tables[table]
        column = TABLES[table].id_column
        hit = frame[frame[column].isin(wanted).to_numpy(bool)]
        for row_id, claim in zip(hit[column], hit["claim_id"], strict=True):
            found.setdefault(str(row_id), str(claim))
    return [found.get(value, value) for value in ids]


def evidence_rows(dataset, ids, *, whole_claims: bool = False) -> pd.DataFrame:
    """Every report of the claims ``ids`` name (a claim id, or one report's row id).

    ``whole_claims`` widens a report's row id to every report of its claim:
    a denial beside the cited report is part of the evidence.

    Columns: ``table``, ``row_id``, ``claim_id``, ``source_id``, ``locator``,
    ``status``, ``stance``, ``credibility``, ``reliability``, ``origin``,
    ``speaker``, ``note``, sorted by table and row id.
    """
    wanted = set(claims_named(dataset, ids)) if whole_claims else set(ids)
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
                # What a report says, for review: its date and figure as written.
                "date": picked["date"].astype(str)
                if "date" in picked
                else picked["start"].astype(str) + "/" + picked["end"].astype(str),
                "amount": (
                    picked["amount"].astype(str)
                    + " "
                    + picked["amount_low"].astype(str)
                    + "–"
                    + picked["amount_high"].astype(str)
                    + " "
                    + picked["currency"].astype(str)
                )
                if "amount" in picked
                else None,
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


def _claim_evidence(rows: pd.DataFrame) -> dict:
    """The tellers for and against one claim, and how it is reported."""
    found = evidence_summary(rows)
    against = rows[rows["status"] == "denied"]
    found["against_tellers"] = len({o for o in against["origin"] if isinstance(o, str) and o})
    return found


#: Why a claim known only after the cut-off allows no more than an even chance, low confidence.
_LATE = "nothing before the cut-off reports it"


def _likelihood_cap(found: dict, towards: int) -> tuple[int, str]:
    """How far from even one claim lets a judgment go, towards 'likely' (1) or 'unlikely' (-1)."""
    tellers_for, tellers_against = found["origins"], found["against_tellers"]
    if found.get("late"):
        return 0, _LATE
    if towards >= 0:
        if tellers_for == 0 and tellers_against:
            return 0, f"no teller of it can be traced; {_tellers(tellers_against, 'deny')} it"
        if tellers_for == 0:
            return 0, "no teller of it can be traced"
        cap, why = min(tellers_for, 3), _tellers(tellers_for, "of it")
        if found["alleged_only"] and cap > 1:
            cap, why = 1, "it is allegations only"
        if found["credibility"] is not None and found["credibility"] >= 4 and cap > 1:
            cap, why = 1, f"its best credibility is {found['credibility']}"
        if found["contested"] and cap > 2:
            cap, why = 2, "it is denied or disputed"
        return cap, why
    if tellers_for + tellers_against == 0:
        return 0, "no teller on either side can be traced"
    cap, why = max(1, min(tellers_against, 3)), _tellers(tellers_against, "who deny it")
    if tellers_for >= 2:
        cap, why = 1, _tellers(tellers_for, "who report it")
    elif tellers_for == 1 and cap > 2:
        cap, why = 2, _tellers(1, "who reports it")
    return -cap, why


def _confidence_cap(found: dict, towards: int) -> tuple[int, str]:
    if found.get("late"):
        return 0, _LATE
    if towards >= 0:
        side, other, word = found["origins"], found["against_tellers"], "of it"
        weak = found["alleged_only"] or bool(found["contested"])
    else:
        side, other, word = found["against_tellers"], found["origins"], "who deny it"
        weak = other > 0
    if side == 0:
        return 0, f"{_tellers(0, word)} can be traced"
    if side >= 2 and not weak and not other:
        return 2, ""
    if side >= 2:
        return 1, f"{_tellers(side, word)}, but contested or allegations only"
    if weak:
        return 0, f"{_tellers(1, word)}, contested or allegations only"
    return 1, _tellers(1, word)


def _tellers(count: int, word: str = "") -> str:
    """``count`` tellers and what they do, the verb agreeing ("one … who denies it").

    Examples
    --------
    >>> _tellers(1, "who deny it"), _tellers(0, "who deny it"), _tellers(2, "deny")
    ('one independent first teller who denies it', 'no teller who denies it', '2 independent first tellers deny')
    """
    if count <= 1:
        word = re.sub(r"\b(deny|report)\b", r"\1s", word).replace("denys", "denies")
    if not count:
        return f"no teller {word}".strip()
    said = "one independent first teller" if count == 1 else f"{count} independent first tellers"
    return f"{said} {word}".strip()


def _overreach(judgment, claims: dict[str, tuple[dict, int]]) -> list[Flag]:
    """Flags for a likelihood or confidence beyond what the weakest claim beneath allows.

    ``claims`` maps each claim weighed to its evidence and how it bears on the
    judgment: 1 for a claim it rests on, -1 for one it doubts.
    """
    term = _STRENGTH.get(judgment.likelihood, 0)
    flags = []
    caps = {claim: _likelihood_cap(found, way) for claim, (found, way) in claims.items()}
    if caps and judgment.likelihood:
        claim, (cap, why) = min(caps.items(), key=lambda item: abs(item[1][0]))
        if abs(term) > abs(cap):
            allowed = _TERMS_AT[abs(cap) if term >= 0 else -abs(cap)]
            flags.append(
                Flag(
                    judgment.id,
                    "overreach",
                    f"'{judgment.likelihood}' goes further than {claim} allows: {why}, which "
                    f"supports at most '{allowed}'" + _AS_CONTEXT,
                    judgment.line,
                )
            )
    levels = {claim: _confidence_cap(found, way) for claim, (found, way) in claims.items()}
    if levels and judgment.confidence:
        claim, (cap, why) = min(levels.items(), key=lambda item: item[1][0])
        if _CONFIDENCE[judgment.confidence] > cap:
            allowed = next(k for k, v in _CONFIDENCE.items() if v == cap)
            flags.append(
                Flag(
                    judgment.id,
                    "overreach",
                    f"{judgment.confidence} confidence is more than {claim} allows: {why}, "
                    f"which supports at most {allowed} confidence" + _AS_CONTEXT,
                    judgment.line,
                )
            )
    return flags


#: What the analyst can do about a weak claim that only illustrates the judgment.
_AS_CONTEXT = " (if the judgment does not rest on it, cite it under context)"


def _sentences(text: str) -> list[str]:
    """``text`` cut into sentences, not after a title or an initial ("Col. Goïta", "A. Touré").

    Examples
    --------
    >>> _sentences("It was denied by Col. Goïta. Later; more.")
    ['It was denied by Col. Goïta.', 'Later;', 'more.']
    """
    out: list[str] = []
    for piece in re.split(r"(?<=[.!?;])\s+", " ".join(text.split())):
        if out and re.search(r"\b(?:[A-Z][a-z]{0,3}|[A-Z])\.$", out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def _unaddressed(judgment, rows: pd.DataFrame, names: dict[str, str]) -> list[Flag]:
    against = rows[rows["status"].isin(["denied", "disputed"])]
    contested = sorted(set(against["claim_id"]) - set(getattr(judgment, "addresses", ())))
    if not contested:
        return []
    said = f"{judgment.text} {judgment.because}"
    if _ADDRESSED.search(said):
        # A denial word alone ("denied the group nothing") is not enough: name the denier,
        # in the same sentence, by a word of their name that is not a common noun
        # ("State" of the State Department would be found in any text about a state).
        # Who denies is the speaker where one is named; the outlet only where none is
        # (AFP's "France" is not who denied what AFP carried).
        who = {names.get(s, s) for s in against["speaker"].dropna() if isinstance(s, str) and s}
        if not who:
            who = {names.get(s, s) for s in against["source_id"]}
        words = {
            w for name in who for w in re.findall(r"\w{4,}", name)
            if not w.isdigit() and w.casefold() not in _COMMON_WORDS
        }  # fmt: skip
        for sentence in _sentences(said):
            if _ADDRESSED.search(sentence) and any(
                re.search(rf"\b{re.escape(w)}\b", sentence) for w in words
            ):
                return []
    return [
        Flag(
            judgment.id,
            "contested evidence unaddressed",
            "it rests on "
            + ", ".join(contested)
            + ", which a source denies or disputes; neither its text nor its reasons deal "
            "with the denial and name who denies it (or list the claim under addresses)",
            judgment.line,
        )
    ]


#: ICD 203's terms and the synonyms it allows, each to its term.
_ESTIMATIVE = {
    "almost no chance": "almost no chance",
    "very unlikely": "very unlikely", "highly improbable": "very unlikely",
    "unlikely": "unlikely", "improbable": "unlikely",
    "roughly even chance": "roughly even chance", "roughly even odds": "roughly even chance",
    "very likely": "very likely", "highly probable": "very likely",
    "almost certain": "almost certain", "nearly certain": "almost certain",
    "likely": "likely", "probable": "likely",
}  # fmt: skip
#: The adverbs, which say a likelihood wherever they stand.
_ESTIMATIVE_ADVERBS = {
    "almost certainly": "almost certain", "nearly certainly": "almost certain",
    "highly probably": "very likely", "probably": "likely", "improbably": "unlikely",
}  # fmt: skip
_TERMS = "|".join(sorted(map(re.escape, _ESTIMATIVE), key=len, reverse=True))
#: An estimative adjective where it judges: after a verb ("is likely"), or before
#: "that" or "to" ("likely to", "unlikely that"); never "the most likely payer".
_ESTIMATIVE_WORDS = re.compile(
    r"(?:\b(?:is|are|was|were|be|been|being|remains?|remained|seems?|seemed|appears?|"
    r"appeared|looks?)\s+(?P<after>"
    + _TERMS
    + r")\b)|(?:\b(?P<before>"
    + _TERMS
    + r")\s+(?:that|to)\b)|(?:\b(?P<adverb>"
    + "|".join(sorted(map(re.escape, _ESTIMATIVE_ADVERBS), key=len, reverse=True))
    + r")\b)",
    re.IGNORECASE,
)
#: What may follow a judging adjective: "is likely in 2010", "likely, given …"; any other
#: word makes it an attribute ("they were unlikely allies").
_AFTER_TERM = re.compile(
    r"\s*(?:$|[,.;:!?)]|(?:that|to|in|on|at|for|by|given|because|since|as|if|and|but|or|"
    r"though|while|after|before|unless|until|when|with|now|still|again|here|there)\b)",
    re.IGNORECASE,
)
#: Words that turn a term round or into a comparison: "not likely", "less likely".
_TURNED = re.compile(r"\b(?:not|no|less|more|most|least|hardly|as|how)\s+$", re.IGNORECASE)
#: A confidence level the analyst states: "with high confidence", "we have low confidence",
#: "our confidence is moderate", or a sentence opening "Confidence is low".
_CONFIDENCE_WORDS = re.compile(
    r"\b(?:with|have|has|hold|holds|held|express|expressed|at)\s+(?:only\s+)?"
    r"(low|moderate|high)\s+confidence\b"
    r"|(?:^|[.;:!?]\s+|\b(?:our|my|the analyst's|analytic)\s+)confidence\s+"
    r"(?:is|was|remains|stays)\s+(?:only\s+)?(low|moderate|high)\b",
    re.IGNORECASE,
)


def _estimative_terms(text: str) -> set[str]:
    """The ICD 203 terms ``text`` uses where it judges, not in comparisons or negations."""
    found = set()
    for match in _ESTIMATIVE_WORDS.finditer(text):
        if match.group("adverb"):
            found.add(_ESTIMATIVE_ADVERBS[match.group("adverb").casefold()])
            continue
        term = match.group("after") or match.group("before")
        group = "after" if match.group("after") else "before"
        if _TURNED.search(text[: match.start(group)]):
            continue
        if group == "after" and not _AFTER_TERM.match(text, match.end(group)):
            continue
        found.add(_ESTIMATIVE[term.casefold()])
    return found


def _estimative_language(judgment) -> list[Flag]:
    """Flags for likelihood and confidence said in the text against ICD 203 or the fields.

    ICD 203 keeps likelihood and confidence apart: a judgment's text that
    states a confidence, or a likelihood other than its field's, says two
    things the page would contradict; reasons that state another confidence
    than the field's do too.
    """
    flags = []
    text = " ".join(judgment.text.split())
    said = _estimative_terms(text)
    other = sorted(said - {judgment.likelihood}) if judgment.likelihood else []
    if other:
        flags.append(Flag(
            judgment.id, "estimative language",
            "its text says " + " and ".join(f"'{t}'" for t in other) + f" where its likelihood "
            f"is '{judgment.likelihood}': one judgment, one likelihood, said in the field",
            judgment.line,
        ))  # fmt: skip
    found = _CONFIDENCE_WORDS.search(text)
    if found:
        flags.append(Flag(
            judgment.id, "estimative language",
            f"its text states a confidence ('{found.group(0).strip(' .;:!?')}'): ICD 203 keeps "
            "confidence "
            "apart from likelihood; say it in confidence and its reasons in because",
            judgment.line,
        ))  # fmt: skip
    reasons = " ".join(judgment.because.split())
    stated = {(m.group(1) or m.group(2)).casefold() for m in _CONFIDENCE_WORDS.finditer(reasons)}
    if judgment.confidence and stated - {judgment.confidence}:
        flags.append(Flag(
            judgment.id, "estimative language",
            "its reasons speak of " + " and ".join(f"{c} confidence" for c in sorted(stated))
            + f" where its confidence is {judgment.confidence}",
            judgment.line,
        ))  # fmt: skip
    return flags


def check_assessment(assessment, dataset) -> list[Flag]:
    """Flag each judgment that claims more than its evidence allows, or ignores a denial.

    The rules are :data:`LIKELIHOOD_RULE`, :data:`CONFIDENCE_RULE` and
    :data:`CONTESTED_RULE`; a claim cited by a report's row id is weighed as
    its whole claim (a denial beside the cited report counts). Claims left
    entirely after the cut-off are flagged too. The flags are for the
    analyst, who may keep the judgment and say why; nothing is changed.

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
    from ..cite import teller_names
    from .cutoff import before_cut_off

    # Judged on what the analyst could know: nothing after the cut-off.
    known, _ = before_cut_off(
        dataset, getattr(assessment, "cut_off", None), getattr(assessment, "keep_undated", {})
    )
    names = teller_names(dataset.sources, dataset.actors)
    names.update(dataset.actors.set_index("actor_id")["name"].astype(str).to_dict())
    flags: list[Flag] = []
    for judgment in assessment.judgments:
        doubts = getattr(judgment, "doubts", ())
        weighed = (*judgment.rests_on, *doubts)
        rows = evidence_rows(known, weighed, whole_claims=True)
        counted = list(dict.fromkeys(claims_named(dataset, weighed)))
        doubted = set(claims_named(dataset, doubts))
        # Claims cited as context are shown, not weighed; one it also rests on
        # (by its claim id or a report's row id) is weighed.
        background = set(claims_named(dataset, getattr(judgment, "context", ())))
        rows = rows[~rows["claim_id"].isin(background - set(counted))]
        late = [c for c in counted if c not in set(rows["claim_id"])]
        if late:
            flags.append(
                Flag(
                    judgment.id,
                    "after the cut-off",
                    "it rests on " + ", ".join(late) + ", which nothing before the cut-off "
                    "reports: not evidence the analyst could have had",
                    judgment.line,
                )
            )
        claims = {
            claim: (_claim_evidence(group), -1 if claim in doubted else 1)
            for claim, group in rows.groupby("claim_id", sort=True)
        }
        # Weighed as evidence the analyst could not have had: it allows nothing.
        nothing = evidence_summary(rows.iloc[:0]) | {"against_tellers": 0, "late": True}
        claims.update({claim: (nothing, 1) for claim in late})
        flags += _estimative_language(judgment)
        flags += _overreach(judgment, claims)
        # A claim the judgment doubts is one whose denial it takes up: nothing to address.
        flags += _unaddressed(judgment, rows[~rows["claim_id"].isin(doubted)], names)
    # An ACH row nothing before the cut-off reports weighs nothing: said, not left silent.
    needed = set(
        claims_named(dataset, [e.claim for m in getattr(assessment, "hypotheses", ())
                               for e in m.evidence])
    )  # fmt: skip
    known_claims = set()
    for table in CLAIM_TABLES if needed else ():
        column = known.tables[table]["claim_id"]
        known_claims |= set(column[column.isin(needed).to_numpy(bool)].astype(str))
    for matrix in getattr(assessment, "hypotheses", ()):
        for row in matrix.evidence:
            if not set(claims_named(dataset, [row.claim])) & known_claims:
                flags.append(
                    Flag(
                        f"hypotheses.{matrix.id}",
                        "after the cut-off",
                        f"the row of {row.claim} weighs nothing: nothing before the cut-off "
                        "reports it",
                        row.line,
                    )
                )
    return flags
