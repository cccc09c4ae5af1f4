"""The type crosswalk: each dataset's event types mapped to common levels, read and checked."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from .exceptions import DataValidationError, Problem
from .schema import EVENT_TYPES, NOT_SPECIFIED

__all__ = [
    "ANY_LEVEL",
    "BROAD_LEVELS",
    "CROSSWALK_FILE",
    "LEVELS",
    "Crosswalk",
    "compatible",
    "crosswalk_path",
    "crosswalk_problems",
    "load_crosswalk",
]

CROSSWALK_FILE = "type_crosswalk.csv"

#: Each broad level and the event type of the data's vocabulary it belongs to:
#: records of one event share their claim, and a claim's rows share their event type.
BROAD_LEVELS = {
    "battle": "Battles",
    "remote violence": "Explosions/Remote violence",
    "violence against civilians": "Violence against civilians",
    "protest": "Protests",
    "riot": "Riots",
    "strategic development": "Strategic developments",
}
#: The levels a crosswalk row may name: a broad level, or ``broad/narrow``.
LEVELS = (
    *BROAD_LEVELS,
    "battle/armed clash",
    "battle/territory",
    "remote violence/air strike",
    "remote violence/chemical",
    "remote violence/explosion",
    "remote violence/shelling",
    "violence against civilians/abduction",
    "violence against civilians/attack",
    "violence against civilians/sexual violence",
    "strategic development/agreement",
    "strategic development/arrest",
    "strategic development/hostage release",
    "strategic development/legal",
    "strategic development/other",
    "strategic development/property destruction",
    "strategic development/territory",
)
#: A type its dataset could not tell (GTD's "Unknown"): compatible with every level.
ANY_LEVEL = "any"

#: ACLED's types before March 2019 (no sub-event type), GTD's attack types and
#: UCDP's types of violence (code, then its name as sub_type).
_OLD_ACLED = (
    "Battle-No change of territory", "Battle-Government regains territory",
    "Battle-Non-state actor overtakes territory", "Headquarters or base established",
    "Non-violent transfer of territory", "Remote violence", "Violence against civilians",
    "Strategic development", "Riots/Protests",
)  # fmt: skip
_GTD = (
    "Assassination", "Armed Assault", "Bombing/Explosion", "Hijacking",
    "Hostage Taking (Barricade Incident)", "Hostage Taking (Kidnapping)",
    "Facility/Infrastructure Attack", "Unarmed Assault", "Unknown",
)  # fmt: skip
_UCDP = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
_ADDITIONS = {"Hostage release", "Indictment", "Extradition", "Extradition refused",
              "Sentencing", "Designation"}  # fmt: skip


def _known(dataset: str) -> set[tuple[str, str]]:
    """The (type, sub_type) pairs a dataset has."""
    curated = {(t, s) for t, subs in EVENT_TYPES.items() for s in subs}
    if dataset == "curated":
        return curated
    if dataset == "acled":
        today = {(t, s) for t, s in curated if s != NOT_SPECIFIED and s not in _ADDITIONS}
        return today | {(old, "") for old in _OLD_ACLED}
    if dataset == "gtd":
        return {(kind, "") for kind in _GTD}
    if dataset == "ucdp":
        return set(_UCDP.items())
    return set()


#: Sibling levels one incident is often coded as, by one dataset or the other:
#: a kidnapping with shooting is ACLED's "Attack" and GTD's kidnapping. Weakly
#: compatible, so such pairs are listed for review; never joined by score alone
#: (:func:`sahel_nb.matching.decide`).
RELATED = {
    frozenset({"violence against civilians/attack", "violence against civilians/abduction"}): 0.3,
}


def compatible(a: str, b: str) -> float:
    """How well two levels agree: 1 the same, 0.6 one broader than the other, 0.3 related, 0 apart.

    Examples
    --------
    >>> compatible("violence against civilians/abduction", "violence against civilians")
    0.6
    >>> compatible("battle/armed clash", "violence against civilians/attack")
    0.0
    >>> compatible("violence against civilians/attack", "violence against civilians/abduction")
    0.3
    """
    if a == b:
        return 1.0
    if ANY_LEVEL in (a, b):
        return 0.4
    if a.startswith(b + "/") or b.startswith(a + "/"):
        return 0.6
    return RELATED.get(frozenset({a, b}), 0.0)


@dataclass(frozen=True)
class Crosswalk:
    """The crosswalk as read: ``levels[(dataset, type, sub_type)]`` is a tuple of levels."""

    levels: dict[tuple[str, str, str], tuple[str, ...]]
    path: Path | None = None

    def of(self, dataset: str, kind: str, sub: str = "") -> tuple[str, ...]:
        """The levels of one dataset's type (an empty tuple if the crosswalk lacks it).

        Examples
        --------
        >>> load_crosswalk().of("gtd", "Hostage Taking (Kidnapping)")
        ('violence against civilians/abduction',)
        """
        return self.levels.get((dataset, kind, sub or ""), ())


def crosswalk_path(data_dir: str | os.PathLike | None = None) -> Path:
    """The folder's crosswalk, else the one shipped with the curated data."""
    from .paths import curated_data_dir

    if data_dir is not None and (Path(data_dir) / CROSSWALK_FILE).is_file():
        return Path(data_dir) / CROSSWALK_FILE
    return curated_data_dir() / CROSSWALK_FILE


def crosswalk_problems(path: str | os.PathLike) -> tuple[Crosswalk, list[Problem]]:
    """Read a crosswalk file and every problem in it (unknown dataset, type or level).

    Every type of the data's own vocabulary (dataset ``curated``) must have a
    level, and its broad level must be its event type's: records the
    crosswalk matches become one claim, whose rows share an event type.
    """
    path = Path(path)
    shown, problems = str(path), []
    levels: dict[tuple[str, str, str], tuple[str, ...]] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in ("dataset", "type", "sub_type", "level") if c not in header]
        for column in missing:
            problems.append(Problem(shown, 1, column, "missing column"))
        if missing:
            return Crosswalk({}, path), problems
        for row in reader:
            line = reader.line_num
            dataset, kind = row["dataset"].strip(), row["type"].strip()
            sub, level = (row["sub_type"] or "").strip(), row["level"].strip()
            if dataset not in ("acled", "gtd", "ucdp", "curated"):
                problems.append(
                    Problem(shown, line, "dataset", "must be acled, gtd, ucdp or curated", dataset)
                )
                continue
            if (kind, sub) not in _known(dataset):
                column = "sub_type" if kind in {k for k, _ in _known(dataset)} else "type"
                problems.append(
                    Problem(shown, line, column, f"is not a type {dataset} has",
                            sub if column == "sub_type" else kind)
                )  # fmt: skip
                continue
            if level not in LEVELS and level != ANY_LEVEL:
                problems.append(
                    Problem(shown, line, "level", "is not a level; see the codebook's list", level)
                )
                continue
            if dataset == "curated" and BROAD_LEVELS[level.split("/")[0]] != kind:
                problems.append(
                    Problem(shown, line, "level",
                            f"is not a level of {kind!r}: matched records share one event type",
                            level)
                )  # fmt: skip
                continue
            key = (dataset, kind, sub)
            if level in levels.get(key, ()):
                problems.append(
                    Problem(shown, line, "level", "is given twice for this type", level)
                )
            levels[key] = (*levels.get(key, ()), level)
    for kind, sub in sorted(_known("curated")):
        if ("curated", kind, sub) not in levels:
            problems.append(
                Problem(shown, None, None, f"has no level for the data's type {kind} / {sub}")
            )
    return Crosswalk(levels, path), problems


def load_crosswalk(data_dir: str | os.PathLike | None = None) -> Crosswalk:
    """Read and check the crosswalk of a data folder (or the shipped one).

    Raises
    ------
    DataValidationError
        Listing every problem as ``file:line: column: message (value)``.

    Examples
    --------
    >>> load_crosswalk().of("curated", "Battles", "Armed clash")
    ('battle/armed clash',)
    """
    path = crosswalk_path(data_dir)
    crosswalk, problems = crosswalk_problems(path)
    if problems:
        raise DataValidationError(problems, str(path.parent))
    return crosswalk
