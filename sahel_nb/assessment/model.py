"""An analyst's assessment file (``analysis/<id>.yml``): read, checked key by key, typed."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..dates import partial_date_span
from ..exceptions import DataValidationError, Problem, SahelNbError
from .yamlkeys import _Checker, _keyed, _Map, _Seq, _short, read_yaml

__all__ = [
    "CONFIDENCE_LEVELS",
    "LIKELIHOOD_TERMS",
    "RATINGS",
    "STRENGTHS",
    "Assessment",
    "Evidence",
    "KeyJudgment",
    "Matrix",
    "assessment_problems",
    "find_assessment",
    "load_assessment",
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
#: Analytic confidence, from weakest to strongest.
CONFIDENCE_LEVELS = ("low", "moderate", "high")
#: How an evidence row bears on a hypothesis in an ACH matrix.
RATINGS = ("consistent", "inconsistent", "not applicable")
#: How much an evidence row weighs, as the analyst judges its relevance.
STRENGTHS = ("low", "medium", "high")

_TOP = {
    "title": True,
    "produced": False,
    "scope": True,
    "cut_off": True,
    "bluf": True,
    "judgments": True,
    "hypotheses": False,
    "gaps": False,
    "keep_undated": False,
    "key_actors": False,
}
_SCOPE = {"question": True, "period": False, "region": False}
_JUDGMENT = {
    "id": True,
    "text": True,
    "likelihood": True,
    "confidence": True,
    "because": True,
    # Required unless the judgment doubts a claim instead (checked in _judgments).
    "rests_on": False,
    "doubts": False,
    "context": False,
    "addresses": False,
    "assumptions": False,
    "would_change": False,
}
_MATRIX = {"id": True, "question": True, "hypotheses": True, "evidence": True, "conclusion": False}
_EVIDENCE = {"claim": True, "ratings": True, "strength": False, "note": False}


@dataclass(frozen=True)
class KeyJudgment:
    """One key judgment as the analyst wrote it, with the claims it rests on."""

    id: str
    text: str
    likelihood: str
    confidence: str
    because: str
    rests_on: tuple[str, ...]
    assumptions: tuple[str, ...] = ()
    would_change: tuple[str, ...] = ()
    line: int = 0
    #: Claims shown as background: not counted in the checks (the analyst says so).
    context: tuple[str, ...] = ()
    #: Contested claims the analyst has dealt with (no "unaddressed" flag for them).
    addresses: tuple[str, ...] = ()
    #: Claims the judgment holds unlikely to be so: weighed on who denies them, not as support.
    doubts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """One row of an ACH matrix: a claim (or one report's row) and its rating per hypothesis."""

    claim: str
    ratings: dict
    strength: str = "medium"
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class Matrix:
    """An ACH matrix: a question, competing hypotheses and the evidence rated against each."""

    id: str
    question: str
    hypotheses: dict
    evidence: tuple[Evidence, ...]
    conclusion: str = ""
    line: int = 0


@dataclass(frozen=True)
class Assessment:
    """An analyst's assessment: scope, cut-off, bottom line, judgments, hypotheses, gaps."""

    id: str
    path: Path
    title: str
    scope: dict
    cut_off: str
    bluf: str
    judgments: tuple[KeyJudgment, ...]
    hypotheses: tuple[Matrix, ...] = ()
    gaps: tuple[str, ...] = ()
    produced: str = ""
    #: Undated sources the analyst keeps before the cut-off, with the reason (source id → why).
    keep_undated: dict = field(default_factory=dict)
    #: The actors the question is about, in the analyst's order: shown first among key actors.
    key_actors: tuple[str, ...] = ()
    #: Line of each judgment and matrix id, for flags that point into the file.
    lines: dict = field(default_factory=dict, compare=False, repr=False)

    def claim_ids(self) -> set[str]:
        """Every claim (or row) id the judgments and matrices cite."""
        ids = {
            c for j in self.judgments for c in (*j.rests_on, *j.doubts, *j.context, *j.addresses)
        }
        return ids | {e.claim for m in self.hypotheses for e in m.evidence}


def _judgments(check: _Checker, items, line: int) -> list[KeyJudgment]:
    if not isinstance(items, list) or not items:
        check.add(line, "judgments", "must be a list of one or more judgments")
        return []
    out, seen = [], {}
    for i, item in enumerate(items):
        key = _keyed("judgments", i, item)
        item = check.mapping(item, items.lines[i], key, _JUDGMENT)
        if item is None:
            continue
        judgment_id = check.text(item, "id", key)
        if judgment_id:
            if judgment_id in seen:
                check.add(
                    item.lines["id"], key, f"id used twice (first at line {seen[judgment_id]})"
                )
            seen.setdefault(judgment_id, item.lines["id"])
        rests_on = check.texts(item, "rests_on", key)
        if "rests_on" in item and not rests_on:
            check.add(item.lines["rests_on"], f"{key}.rests_on", "must name one or more claims")
        elif "rests_on" not in item and "doubts" not in item:
            check.add(
                item.line, f"{key}.rests_on",
                "missing (or name the claims it holds unlikely under doubts)",
            )  # fmt: skip
        cited = {}
        for name in ("rests_on", "doubts", "context", "addresses"):
            cited[name] = rests_on if name == "rests_on" else check.texts(item, name, key)
            for j, claim in enumerate(cited[name]):
                lines = item[name].lines if isinstance(item[name], _Seq) else []
                at = lines[j] if j < len(lines) else item.lines[name]
                check.claim(claim, at, f"{key}.{name}")
        out.append(
            KeyJudgment(
                id=judgment_id,
                text=check.text(item, "text", key),
                likelihood=check.choice(item, "likelihood", key, LIKELIHOOD_TERMS),
                confidence=check.choice(item, "confidence", key, CONFIDENCE_LEVELS),
                because=check.text(item, "because", key),
                rests_on=rests_on,
                assumptions=check.texts(item, "assumptions", key),
                would_change=check.texts(item, "would_change", key),
                line=item.line,
                context=cited["context"],
                addresses=cited["addresses"],
                doubts=cited["doubts"],
            )
        )
    return out


def _matrices(check: _Checker, items, line: int) -> list[Matrix]:
    if items is None:
        return []
    if not isinstance(items, list):
        check.add(line, "hypotheses", "must be a list of ACH matrices")
        return []
    out, seen = [], set()
    for i, item in enumerate(items):
        key = _keyed("hypotheses", i, item)
        item = check.mapping(item, items.lines[i], key, _MATRIX)
        if item is None:
            continue
        matrix_id = check.text(item, "id", key)
        if matrix_id:
            if matrix_id in seen:
                check.add(item.lines["id"], key, "id used twice")
            seen.add(matrix_id)
        hypotheses = item.get("hypotheses")
        names: list[str] = []
        if not isinstance(hypotheses, dict) or len(hypotheses) < 3:
            check.add(
                item.lines.get("hypotheses", item.line),
                f"{key}.hypotheses",
                "must map three or more hypothesis ids to their statements",
                None if hypotheses is None else _short(hypotheses),
            )
            hypotheses = hypotheses if isinstance(hypotheses, dict) else {}
        statements = {}
        for name in hypotheses:
            if hypotheses[name] is None:
                check.add(
                    hypotheses.lines.get(name),
                    f"{key}.hypotheses.{name}",
                    "is empty; state the hypothesis",
                )
            statements[name] = check.text(hypotheses, name, f"{key}.hypotheses")
            names.append(name)
        rows = _evidence(
            check, item.get("evidence"), item.lines.get("evidence", item.line), key, names
        )
        out.append(
            Matrix(
                id=matrix_id,
                question=check.text(item, "question", key),
                hypotheses=statements,
                evidence=tuple(rows),
                conclusion=check.text(item, "conclusion", key),
                line=item.line,
            )
        )
    return out


def _evidence(check: _Checker, items, line: int, key: str, names: list[str]) -> list[Evidence]:
    if not isinstance(items, list) or not items:
        check.add(line, f"{key}.evidence", "must be a list of one or more evidence rows")
        return []
    out = []
    for i, item in enumerate(items):
        row_key = f"{key}.evidence[{i + 1}]"
        item = check.mapping(item, items.lines[i], row_key, _EVIDENCE)
        if item is None:
            continue
        claim = check.text(item, "claim", row_key)
        if claim:
            check.claim(claim, item.lines["claim"], f"{row_key}.claim")
        ratings = item.get("ratings")
        rated: dict[str, str] = {}
        if not names:
            pass  # the matrix's hypotheses are already wrong: rating against none says nothing
        elif not isinstance(ratings, dict):
            check.add(
                item.lines.get("ratings", item.line),
                f"{row_key}.ratings",
                "must rate every hypothesis: " + ", ".join(f"{n}: consistent" for n in names),
            )
        else:
            for name in ratings:
                if name not in names:
                    check.add(
                        ratings.lines[name],
                        f"{row_key}.ratings.{name}",
                        "no such hypothesis in this matrix; hypotheses: " + ", ".join(names),
                    )
                    continue
                value = check.choice(ratings, name, f"{row_key}.ratings", RATINGS)
                if value:
                    rated[name] = value
            for name in names:
                if name not in ratings:
                    check.add(ratings.line, f"{row_key}.ratings.{name}", "not rated")
        strength = check.choice(item, "strength", row_key, STRENGTHS) or "medium"
        out.append(Evidence(claim, rated, strength, check.text(item, "note", row_key), item.line))
    return out


def _parse(
    path: Path,
    claim_ids: set[str] | None,
    actor_ids: set[str] | None = None,
    source_ids: set[str] | None = None,
) -> tuple[Assessment | None, list[Problem]]:
    check = _Checker(path, claim_ids, actor_ids)
    document = read_yaml(path, check)
    if document is None:
        if not check.problems:
            check.add(
                None,
                None,
                "is empty; an assessment needs at least: "
                + ", ".join(k for k, required in _TOP.items() if required),
            )
        return None, check.problems
    top = check.mapping(document, 1, "", _TOP)
    if top is None:
        return None, check.problems
    scope = check.mapping(top.get("scope", _Map()), top.lines.get("scope", 1), "scope", _SCOPE)
    period: dict = {}
    if scope is not None and "period" in scope:
        found = check.mapping(
            scope["period"], scope.lines["period"], "scope.period", {"start": False, "end": False}
        )
        if found is not None:
            period = {k: check.date(found, k, "scope.period") for k in ("start", "end")}
            if (
                period["start"]
                and period["end"]
                and _span(period["start"])[0] > _span(period["end"])[1]
            ):
                check.add(
                    found.lines.get("start"),
                    "scope.period.start",
                    f"is after the period's end ({period['end']})",
                    period["start"],
                )
    keep: dict = {}
    if "keep_undated" in top:
        found = top["keep_undated"]
        if not isinstance(found, dict):
            check.add(
                top.lines["keep_undated"],
                "keep_undated",
                "must map source ids to the reason each undated source is kept",
            )
        else:
            keep = {str(k): check.text(found, k, "keep_undated") for k in found}
            for source in keep if source_ids is not None else ():
                if source not in source_ids:
                    hint = difflib.get_close_matches(source, sorted(source_ids), n=1)
                    said = f"; did you mean {hint[0]!r}?" if hint else ""
                    check.add(
                        found.lines.get(source),
                        f"keep_undated.{source}",
                        "is not a source of the data" + said,
                        source,
                    )
    key_actors = check.texts(top, "key_actors", "")
    if actor_ids is not None and key_actors:
        lines = getattr(top["key_actors"], "lines", {})
        for i, actor in enumerate(key_actors):
            if actor not in actor_ids:
                hint = difflib.get_close_matches(actor, sorted(actor_ids), n=1)
                said = f"; did you mean {hint[0]!r}?" if hint else ""
                line = lines[i] if i < len(lines) else top.lines.get("key_actors")
                check.add(line, f"key_actors[{i + 1}]", "is not an actor of the data" + said, actor)
    judgments = _judgments(check, top.get("judgments"), top.lines.get("judgments", 1))
    matrices = _matrices(check, top.get("hypotheses"), top.lines.get("hypotheses", 1))
    lines = {f"judgments.{j.id}": j.line for j in judgments}
    lines.update({f"hypotheses.{m.id}": m.line for m in matrices})
    assessment = Assessment(
        id=path.stem,
        path=path,
        title=check.text(top, "title", ""),
        scope={
            "question": check.text(scope, "question", "scope") if scope is not None else "",
            "region": check.text(scope, "region", "scope") if scope is not None else "",
            "period": {k: v for k, v in period.items() if v},
        },
        cut_off=check.date(top, "cut_off", ""),
        bluf=check.text(top, "bluf", ""),
        judgments=tuple(judgments),
        hypotheses=tuple(matrices),
        gaps=check.texts(top, "gaps", ""),
        produced=check.date(top, "produced", ""),
        keep_undated=keep,
        key_actors=key_actors,
        lines=lines,
    )
    cut_off, produced = assessment.cut_off, assessment.produced
    if cut_off and produced and _span(cut_off)[0] > _span(produced)[1]:
        check.add(
            top.lines.get("cut_off"),
            "cut_off",
            f"is after the day the assessment was produced ({produced}): "
            "nothing published later can have been read",
            cut_off,
        )
    return assessment, check.problems


def _span(value: str):
    """First and last day of a checked partial date."""
    start, end = partial_date_span(pd.Series([value]))
    return start.iloc[0], end.iloc[0]


def _claim_ids(dataset) -> set[str]:
    ids: set[str] = set()
    for name, column in (
        ("relationships", "relationship_id"),
        ("events", "event_id"),
        ("flows", "flow_id"),
    ):
        table = getattr(dataset, name)
        ids |= set(table["claim_id"].dropna().astype(str)) | set(table[column].astype(str))
    return ids


def _known_ids(dataset) -> tuple:
    """The claim, actor and source ids an assessment may name (all None without data)."""
    if dataset is None:
        return None, None, None
    return (
        _claim_ids(dataset),
        set(dataset.actors["actor_id"]),
        set(dataset.sources["source_id"].astype(str)),
    )


def assessment_problems(path: str | os.PathLike, dataset=None) -> list[Problem]:
    """Every problem of an assessment file, each ``file:line: key: message (value)``.

    With ``dataset``, the claim ids it cites are checked against the data too.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.yml").write_text("title: T\\nscope: {question: Q}\\ncut_off: 2010\\n"
    ...     "bluf: B\\njudgments:\\n  - {id: kj1, text: X, likelihood: probable}\\n")
    >>> for problem in assessment_problems(folder / "a.yml"):
    ...     print(str(problem).replace(str(folder), "…"))
    …/a.yml:6: judgments.kj1.confidence: missing
    …/a.yml:6: judgments.kj1.because: missing
    …/a.yml:6: judgments.kj1.rests_on: missing (or name the claims it holds unlikely under doubts)
    …/a.yml:6: judgments.kj1.likelihood: unknown term; one of: almost no chance, very unlikely, unlikely, roughly even chance, likely, very likely, almost certain ('probable')
    """
    return _parse(Path(path), *_known_ids(dataset))[1]


def load_assessment(path: str | os.PathLike, dataset=None) -> Assessment:
    """Read and check an assessment file; raise with every problem when it has any.

    ``path`` is a file, or an assessment id looked up among the assessments
    read with the dataset's folder (:func:`find_assessment`).

    Raises
    ------
    DataValidationError
        Listing every problem as ``file:line: key: message (value)``.
    """
    path = find_assessment(path, getattr(dataset, "folder", None))
    assessment, problems = _parse(path, *_known_ids(dataset))
    if problems:
        raise DataValidationError(problems, str(path))
    return assessment


def find_assessment(name: str | os.PathLike, data_dir: str | os.PathLike | None = None) -> Path:
    """The file of an assessment: a path as given, else ``<name>.yml`` (or ``.yaml``) in
    the assessments read with ``data_dir`` (:func:`sahel_nb.paths.analysis_dir`).

    Examples
    --------
    >>> find_assessment("aqim-kfr-mali-2003-2010").name
    'aqim-kfr-mali-2003-2010.yml'
    >>> find_assessment("aqim-kfr-mali-2003-2010.yml").name
    'aqim-kfr-mali-2003-2010.yml'
    """
    from ..paths import ASSESSMENT_SUFFIXES, analysis_dir, assessment_files

    path = Path(name).expanduser()
    if path.is_file():
        return path
    folder = analysis_dir(data_dir)
    stem = path.name[: -len(path.suffix)] if path.suffix in ASSESSMENT_SUFFIXES else path.name
    for suffix in ASSESSMENT_SUFFIXES:
        candidate = folder / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    known = [p.stem for p in assessment_files(folder)]
    said = ", ".join(known) if known else "none"
    raise SahelNbError(
        f"assessment {str(name)!r}: no such file, nor {folder / f'{stem}.yml'}; "
        f"assessments in {folder}: {said}"
    )
