"""An analyst's assessment file (``analysis/<id>.yml``): read, checked key by key, typed."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..dates import partial_date_span
from ..exceptions import DataValidationError, Problem, SahelNbError

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
    "rests_on": True,
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
        ids = {c for j in self.judgments for c in (*j.rests_on, *j.context, *j.addresses)}
        return ids | {e.claim for m in self.hypotheses for e in m.evidence}


class _Map(dict):
    """A YAML mapping that remembers the line of each key."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict = {}
        self.line = 0


class _Seq(list):
    """A YAML sequence that remembers the line of each item."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []
        self.line = 0


class _Loader(yaml.SafeLoader):
    """Safe YAML that keeps lines, refuses duplicate keys and reads dates as text."""


def _mapping(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key = str(key) if not isinstance(key, str) else key
        if key in out:
            loader.duplicates.append((key, key_node.start_mark.line + 1))
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> _Seq:
    out = _Seq()
    out.line = node.start_mark.line + 1
    for item in node.value:
        out.append(loader.construct_object(item, deep=True))
        out.lines.append(item.start_mark.line + 1)
    return out


def _as_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    # A date stays as written ("2010-02-16"), like the data's partial dates.
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)


class _Checker:
    """Collects every problem of one file, each at its line and key path."""

    def __init__(
        self, path: Path, claim_ids: set[str] | None, actor_ids: set[str] | None = None
    ) -> None:
        self.path, self.claim_ids, self.actor_ids = path, claim_ids, actor_ids
        self.problems: list[Problem] = []

    def add(self, line: int | None, key: str, message: str, value=None) -> None:
        shown = None if value is None else str(value)
        self.problems.append(Problem(str(self.path), line, key, message, shown))

    def mapping(self, value, line: int, key: str, spec: dict) -> _Map | None:
        if not isinstance(value, dict):
            self.add(line, key, "must be a mapping of keys and values", _short(value))
            return None
        for name in value:
            if name not in spec:
                hint = difflib.get_close_matches(name, list(spec), n=1)
                said = f"; did you mean {hint[0]!r}?" if hint else f"; keys: {', '.join(spec)}"
                self.add(value.lines.get(name, line), _path(key, name), "unknown key" + said)
        for name, required in spec.items():
            if required and name not in value:
                self.add(value.line or line, _path(key, name), "missing")
        return value

    def text(self, parent: _Map, name: str, key: str) -> str:
        value = parent.get(name)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
            self.add(parent.lines.get(name), _path(key, name), "must be text", _short(value))
            return ""
        return " ".join(value.split())

    def texts(self, parent: _Map, name: str, key: str) -> tuple[str, ...]:
        value = parent.get(name)
        if value is None:
            return ()
        if isinstance(value, str):
            return (" ".join(value.split()),)
        if not isinstance(value, list):
            self.add(parent.lines.get(name), _path(key, name), "must be a list", _short(value))
            return ()
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.add(value.lines[i], f"{_path(key, name)}[{i + 1}]", "must be text", item)
            else:
                out.append(" ".join(item.split()))
        return tuple(out)

    def choice(self, parent: _Map, name: str, key: str, allowed) -> str:
        value = self.text(parent, name, key)
        if value and value not in allowed:
            hint = difflib.get_close_matches(value, list(allowed), n=1)
            said = f"did you mean {hint[0]!r}?" if hint else "one of: " + ", ".join(allowed)
            self.add(parent.lines.get(name), _path(key, name), f"unknown term; {said}", value)
            return ""
        return value

    def date(self, parent: _Map, name: str, key: str) -> str:
        value = self.text(parent, name, key)
        if value:
            start, _ = partial_date_span(pd.Series([value]))
            if pd.isna(start.iloc[0]):
                self.add(
                    parent.lines.get(name),
                    _path(key, name),
                    "not a date; write it as 2010, 2010-02 or 2010-02-16",
                    value,
                )
                return ""
        return value

    def claim(self, value: str, line: int, key: str) -> None:
        if self.claim_ids is not None and value not in self.claim_ids:
            hint = difflib.get_close_matches(value, sorted(self.claim_ids), n=1)
            said = f"; did you mean {hint[0]!r}?" if hint else ""
            self.add(line, key, "no claim or row with this id in the data" + said, value)


def _path(key: str, name) -> str:
    return f"{key}.{name}" if key else str(name)


def _keyed(name: str, index: int, item) -> str:
    """``judgments.kj2`` when the item has an id, else ``judgments[2]``."""
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"].strip():
        return f"{name}.{item['id'].strip()}"
    return f"{name}[{index + 1}]"


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


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
        cited = {}
        for name in ("rests_on", "context", "addresses"):
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
        if not isinstance(ratings, dict):
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


def _read(path: Path, check: _Checker):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SahelNbError(f"{path}: no such assessment file") from None
    except (OSError, UnicodeDecodeError) as error:
        check.add(None, None, f"cannot be read: {error}")
        return None
    loader = _Loader(text)
    loader.duplicates = []
    try:
        document = loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(error, "problem", None) or str(error).splitlines()[0]
        # The parser's words, then what usually causes them, in an analyst's.
        check.add(
            line,
            None,
            f"not valid YAML ({what}): check the indentation here and on the line before "
            "(the keys of one judgment line up, with spaces, not tabs), and put text that "
            "holds ': ' or starts with a quote, '-' or '[' in double quotes",
        )
        return None
    finally:
        loader.dispose()
    for key, line in loader.duplicates:
        check.add(line, key, "key written twice; the second would silently win")
    return document


def _parse(
    path: Path, claim_ids: set[str] | None, actor_ids: set[str] | None = None
) -> tuple[Assessment | None, list[Problem]]:
    check = _Checker(path, claim_ids, actor_ids)
    document = _read(path, check)
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
    return assessment, check.problems


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
    …/a.yml:6: judgments.kj1.rests_on: missing
    …/a.yml:6: judgments.kj1.likelihood: unknown term; one of: almost no chance, very unlikely, unlikely, roughly even chance, likely, very likely, almost certain ('probable')
    """
    claim_ids = None if dataset is None else _claim_ids(dataset)
    actor_ids = None if dataset is None else set(dataset.actors["actor_id"])
    return _parse(Path(path), claim_ids, actor_ids)[1]


def load_assessment(path: str | os.PathLike, dataset=None) -> Assessment:
    """Read and check an assessment file; raise with every problem when it has any.

    ``path`` is a file, or an assessment id looked up in the project's
    ``analysis/`` folder (:func:`find_assessment`).

    Raises
    ------
    DataValidationError
        Listing every problem as ``file:line: key: message (value)``.
    """
    path = find_assessment(path)
    claim_ids = None if dataset is None else _claim_ids(dataset)
    actor_ids = None if dataset is None else set(dataset.actors["actor_id"])
    assessment, problems = _parse(path, claim_ids, actor_ids)
    if problems:
        raise DataValidationError(problems, str(path))
    return assessment


def find_assessment(name: str | os.PathLike) -> Path:
    """The file of an assessment: a path as given, else ``analysis/<name>.yml``.

    Examples
    --------
    >>> find_assessment("aqim-kfr-mali-2003-2010").name
    'aqim-kfr-mali-2003-2010.yml'
    """
    from ..paths import analysis_dir

    path = Path(name)
    if path.is_file():
        return path
    folder = analysis_dir()
    candidate = folder / f"{name}.yml"
    if candidate.is_file():
        return candidate
    known = sorted(p.stem for p in folder.glob("*.yml")) if folder.is_dir() else []
    said = ", ".join(known) if known else "none"
    raise SahelNbError(
        f"assessment {str(name)!r}: no such file, nor {candidate}; assessments in {folder}: {said}"
    )
