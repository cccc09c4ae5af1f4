"""Actor names of an export to actor ids: curated names, the reviewed mapping file, or new actors typed and listed for review."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import Dataset
from ..exceptions import DataValidationError, Problem

__all__ = [
    "IMPORTED_ACTOR",
    "INTER_LABELS",
    "INTER_TYPES",
    "MAPPING_FILE",
    "NO_ACTOR",
    "Resolver",
    "base_name",
    "convention_type",
    "inter_codes",
    "is_unnamed",
    "lookup",
    "mappings",
    "remapped_actors",
    "unreadable_codes",
]

MAPPING_FILE = "actor_mappings.csv"

#: The source ids an import gives its export (as in :mod:`.writing`).
_IMPORTED_SOURCE = r"(?:acled|gtd|ucdp)-[0-9a-f]{12}"
#: The ids an import gives the actors it creates.
IMPORTED_ACTOR = re.compile(r"(?:acled|gtd|ucdp)-.+")

#: ACLED's actor codes (inter1, inter2) and the actor type each becomes here.
INTER_TYPES = {
    "1": "security forces",  # state forces
    "2": "armed group",  # rebel groups
    "3": "armed group",  # political militias
    "4": "armed group",  # identity militias
    "5": "civilian population",  # rioters
    "6": "civilian population",  # protesters
    "7": "civilian population",  # civilians
    "8": "security forces",  # external or other forces
}

#: ACLED's code for "no actor on this side" (a protest without police, remote
#: violence without a named target), in every export before the 2024 API.
NO_ACTOR = ("0", "0.0")

#: The labels ACLED's newer exports and API write instead of the numbers.
INTER_LABELS = {
    "state forces": "1",
    "rebel group": "2",
    "rebel groups": "2",
    "political militia": "3",
    "political militias": "3",
    "identity militia": "4",
    "identity militias": "4",
    "rioters": "5",
    "protesters": "6",
    "civilians": "7",
    "external/other forces": "8",
    "external forces": "8",
    "other forces": "8",
}

#: Names that say who acted only as a kind or a crowd: catch-alls ("Unknown",
#: "Gunmen") and ACLED's collective names, with or without their country
#: ("Protesters (Mali)", "Civilians (Burkina Faso)"). Each becomes an
#: ``unnamed`` actor: one spelling, not one actor in fact, never a broker.
UNNAMED_NAMES = frozenset(
    {
        "unknown", "other", "others", "gunmen", "unidentified gunmen", "armed men",
        "unidentified armed men", "unidentified", "individual", "individuals",
        "unaffiliated individual", "unaffiliated individuals", "unaffiliated individual(s)",
        "unidentified armed group", "unidentified communal militia", "unidentified militia",
        "protesters", "rioters", "civilians", "students", "teachers", "journalists",
        "health workers", "labour group", "labor group", "lawyers", "farmers", "herders",
        "traders", "women", "children", "refugees/idps", "prisoners", "militants", "separatists",
        "jihadi-inspired extremists", "muslim extremists", "christian extremists",
    }
)  # fmt: skip
_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")
#: ACLED's period of government after a state's name: "(2002-2012)", "(2013-)".
_PERIOD = re.compile(r"\s*\((?:1[89]|20)\d\d-(?:(?:1[89]|20)\d\d)?\)")
#: ACLED's "abbreviation: full name" and GTD's "full name (abbreviation)" forms.
_ABBREVIATED = re.compile(r"([A-Z][A-Za-z0-9&'.-]{1,15}):\s+(.+)")
_ABBREVIATION_AFTER = re.compile(r"(.+?)\s+\(([A-Z][A-Za-z0-9&'.-]{1,15})\)")


def base_name(name: str) -> str:
    """A name casefolded, without ACLED's period of government.

    ACLED names a state's forces and government by period ("Military Forces
    of Mali (2013-2020)") and starts a new period with each government: one
    spelling in the mapping file covers every period.

    Examples
    --------
    >>> base_name("Military Forces of Mali (2013-)")
    'military forces of mali'
    >>> base_name("Police Forces of Mali (2013-2020) Gendarmerie")
    'police forces of mali gendarmerie'
    """
    return " ".join(_PERIOD.sub("", name).casefold().split())


#: ACLED's naming conventions that say what kind of actor a name is, whatever
#: side of an event it stands on (the Government of Mali associated with
#: civilians it met is not a civilian population).
_CONVENTIONS = (
    (re.compile(r"^(?:former )?(?:military|police) forces of ", re.I), "security forces"),
    (re.compile(r"^(?:former )?government of ", re.I), "government"),
    (re.compile(r" ethnic group \(", re.I), "ethnic group"),
    # ACLED's collective names and UCDP's side of one-sided violence ("Civilians").
    (re.compile(r"^(?:civilians|protesters|rioters)(?: \([^()]*\))?$", re.I),
     "civilian population"),
)  # fmt: skip


def convention_type(name: str) -> str:
    """The actor type ACLED's naming convention gives a name, or ``""``.

    Examples
    --------
    >>> convention_type("Government of Mali (2020-2021)"), convention_type("Ansar Dine")
    ('government', '')
    >>> convention_type("Civilians"), convention_type("Protesters (Mali)")
    ('civilian population', 'civilian population')
    """
    for pattern, kind in _CONVENTIONS:
        if pattern.search(name):
            return kind
    return ""


def is_unnamed(name: str) -> bool:
    """Whether a name is a catch-all or a collective, not one actor.

    Examples
    --------
    >>> [is_unnamed(n) for n in ("Protesters (Burkina Faso)", "Unknown", "AQIM: Al Qaeda")]
    [True, True, False]
    """
    base = name.strip().casefold()
    while True:  # "Unidentified Armed Group (Mali) (2012-)": every qualifier off
        shorter = _QUALIFIER.sub("", base)
        if shorter == base or not shorter:
            break
        base = shorter
    return base in UNNAMED_NAMES


def inter_codes(values: pd.Series) -> pd.Series:
    """ACLED's actor codes as ``"1"``–``"8"`` from numbers (``2``, ``2.0``) or labels.

    ``0`` (or ``0.0``) is ACLED's "no actor on this side" and, like an empty
    cell, becomes ``""``; so does anything that is not a code, which
    :func:`unreadable_codes` tells apart.

    Examples
    --------
    >>> inter_codes(pd.Series(["2", "7.0", "0", "Protesters", ""])).tolist()
    ['2', '7', '', '6', '']
    """
    distinct = pd.unique(values)
    codes = {}
    for value in distinct:
        text = str(value).strip()
        number = text[:-2] if text.endswith(".0") else text
        if number in INTER_TYPES:
            codes[value] = number
        else:
            codes[value] = INTER_LABELS.get(text.casefold(), "")
    return values.map(codes).astype(object)


def unreadable_codes(values: pd.Series, codes: pd.Series) -> np.ndarray:
    """Cells that hold something but no ACLED actor code: not empty, not ``0``, not 1–8 or a label."""
    return ((values != "") & ~values.isin(NO_ACTOR) & (codes == "")).to_numpy(bool)


def mappings(data_dir: Path, dataset: Dataset, name: str) -> dict[str, str]:
    """The reviewed mapping file's names for dataset ``name``: external name (casefolded) to id.

    Each row needs a known ``actor_id`` and a ``reason`` (``note`` in older
    files); a row without either stops the import with its line named.
    """
    path = data_dir / MAPPING_FILE
    if not path.is_file():
        return {}
    known = set(dataset.actors["actor_id"])
    out, problems = {}, []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip().lower() for h in reader.fieldnames or []]
        reader.fieldnames = header
        for column in ("external_name", "actor_id"):
            if column not in header:
                problems.append(Problem(str(path), 1, column, "missing column"))
        if "reason" not in header and "note" not in header:
            problems.append(Problem(str(path), 1, "reason", "missing column"))
        if problems:
            raise DataValidationError(problems, str(data_dir))
        for row in reader:
            line = reader.line_num
            dataset_name = (row.get("dataset") or "").strip().lower()
            external = (row.get("external_name") or "").strip()
            actor_id = (row.get("actor_id") or "").strip()
            reason = (row.get("reason") or row.get("note") or "").strip()
            if not external:
                problems.append(Problem(str(path), line, "external_name", "is empty"))
            if actor_id not in known:
                problems.append(
                    Problem(str(path), line, "actor_id", "is not an actor of the data", actor_id)
                )
            if not reason:
                problems.append(
                    Problem(str(path), line, "reason", "is empty; say why this name is that actor")
                )
            if dataset_name and dataset_name not in ("acled", "gtd", "ucdp"):
                problems.append(Problem(str(path), line, "dataset", "must be acled, gtd or ucdp"))
            if dataset_name in ("", name) and external:
                out[external.casefold()] = actor_id
    if problems:
        raise DataValidationError(problems, str(data_dir))
    return out


def _curated_names(dataset: Dataset) -> dict[str, str]:
    """Names and aliases (casefolded) of the actors an import did not create."""
    known: dict[str, str] = {}
    imported = dataset.actors["actor_id"].str.fullmatch(IMPORTED_ACTOR.pattern).to_numpy(bool)
    for actor in dataset.actors[~imported].itertuples(index=False):
        for label in (actor.name, *actor.aliases):
            known.setdefault(label.casefold(), actor.actor_id)
    return known


def remapped_actors(dataset: Dataset, data_dir: Path) -> dict[str, str]:
    """Imported actors that now resolve to another actor: their id to the id they resolve to.

    After an analyst adds a mapping (or an alias to a curated actor), the
    actors an earlier import created under that name are resolved again: the
    rows that name them are rewritten to name the curated actor instead.
    """
    actors = dataset.actors
    imported = actors[actors["actor_id"].str.fullmatch(IMPORTED_ACTOR.pattern).to_numpy(bool)]
    if imported.empty:
        return {}
    curated = _curated_names(dataset)
    names = {}
    for which in ("acled", "gtd", "ucdp"):
        known = {**curated, **mappings(data_dir, dataset, which)}
        names[which] = (known, {base_name(k): v for k, v in known.items()})
    out = {}
    for actor in imported.itertuples(index=False):
        target = lookup(actor.name, *names[actor.actor_id.split("-", 1)[0]])
        if target and target != actor.actor_id:
            out[actor.actor_id] = target
    if not out:
        return out
    # Only actors imported rows still name: once re-resolved, nothing is left to do.
    named: set[str] = set()
    for table, columns in (("events", ("actor1", "actor2")), ("flows", ("payer", "payee"))):
        frame = getattr(dataset, table)
        imported_rows = frame[frame["source_id"].str.fullmatch(_IMPORTED_SOURCE).to_numpy(bool)]
        for column in columns:
            named |= set(imported_rows[column].dropna())
        if table == "events":
            named |= set(imported_rows["assoc_actors"].explode().dropna())
    return {a: b for a, b in out.items() if a in named}


def lookup(name: str, known: dict[str, str], by_base: dict[str, str]) -> str | None:
    """A name not known as written: known without its period, or with its abbreviation.

    ``known`` maps casefolded names to ids, ``by_base`` the same names'
    :func:`base_name`. ACLED's "ABBR: full name" and GTD's "full name
    (ABBR)" resolve only when the abbreviation and the full name are both
    names of the same actor ("GSPC: Salafist Group for Call and Combat",
    "Al-Qaida in the Islamic Maghreb (AQIM)"): an abbreviation alone names
    many groups.

    Examples
    --------
    >>> known = {"gspc": "gspc", "salafist group for call and combat": "gspc", "adc": "adc"}
    >>> lookup("GSPC: Salafist Group for Call and Combat", known, {})
    'gspc'
    >>> lookup("ADC: African Democratic Congress", known, {}) is None
    True
    """
    found = known.get(name.casefold()) or by_base.get(base_name(name))
    if found:
        return found
    stripped = name.strip()
    for pattern, short_at, full_at in ((_ABBREVIATED, 1, 2), (_ABBREVIATION_AFTER, 2, 1)):
        if match := pattern.fullmatch(stripped):
            short = known.get(match[short_at].casefold())
            full = known.get(match[full_at].casefold()) or by_base.get(base_name(match[full_at]))
            if short and short == full:
                return short
    return None


#: What GTD's "Unknown" perpetrator is called in the data: no group, not one actor.
GTD_UNKNOWN = "Unknown perpetrators (GTD)"


class Resolver:
    """Names to actor ids: the reviewed mapping file, then exact names and aliases, else new.

    A new actor's type comes from the ACLED codes of every row that names
    it (an associated actor takes its side's code): the most frequent code
    wins, and a name seen with several codes is listed for review.
    """

    def __init__(self, dataset: Dataset, data_dir: Path, name: str, source_id: str) -> None:
        self.name, self.source_id = name, source_id
        self.known: dict[str, str] = {}
        for actor in dataset.actors.itertuples(index=False):
            for label in (actor.name, *actor.aliases):
                self.known.setdefault(label.casefold(), actor.actor_id)
        if name == "gtd":
            # GTD's "Unknown" is kept under a name that says what it is, so a
            # later import finds it by that name, not by "Unknown" (each
            # import of the same data in another form made one more).
            held = dataset.actors.loc[dataset.actors["name"] == GTD_UNKNOWN, "actor_id"]
            if len(held):
                self.known["unknown"] = sorted(held)[0]
        # The reviewed mapping wins over a name an earlier import created.
        mapped = mappings(data_dir, dataset, name)
        self.known.update(mapped)
        # The same names without ACLED's periods: "(2021-)" finds "(2013-)".
        self.by_base = {base_name(k): v for k, v in self.known.items()}
        self.by_base.update({base_name(k): v for k, v in mapped.items()})
        self.taken = set(dataset.actors["actor_id"])
        self.curated = {
            a.actor_id: a.name
            for a in dataset.actors.itertuples(index=False)
            if not IMPORTED_ACTOR.fullmatch(a.actor_id)
        }
        self.new: dict[str, dict] = {}
        self.codes_seen: dict[str, str] = {}

    def resolve(self, mentions: pd.DataFrame) -> dict[str, str]:
        """Map every name to an id; ``mentions`` has name, code, row (for the locator), order."""
        if mentions.empty:
            return {}
        # Names as small integers: a million mentions of a few thousand names
        # are counted with numpy, not grouped as text.
        # Factorized where they are (in Arrow, for pandas' str): no Python string per mention.
        which, distinct = pd.factorize(mentions["name"])
        keys = [n.casefold() for n in distinct]
        pairs = list(zip(distinct, keys, strict=True))
        for name, key in pairs:
            if name and key not in self.known and (found := self._lookup(name)):
                self.known[key] = found
        unknown = np.array([bool(n) and k not in self.known for n, k in pairs], dtype=bool)
        ids = {n: self.known[k] for n, k in pairs if n and k in self.known}
        if not unknown.any():
            return ids
        fresh = unknown[which]
        which = which[fresh]
        order = mentions["order"].to_numpy()[fresh]
        rows = mentions["row"].to_numpy()[fresh]
        code_of, code_values = pd.factorize(mentions["code"])
        # New ids in the order the rows first name them: they do not depend on hashing.
        ordered = np.argsort(order, kind="stable")
        # Each name's first mention, found by hashing (sorting a million codes took 0.07 s).
        firsts = ordered[np.flatnonzero(~pd.Series(which[ordered]).duplicated().to_numpy())]
        # Names first met in one cell (associated actors share its place) keep
        # the order of their codes.
        firsts = firsts[np.lexsort((which[firsts], order[firsts]))]
        first = pd.DataFrame({"name": distinct[which[firsts]], "row": rows[firsts]})
        # Codes "1"–"8" counted per name; most frequent wins, on a tie the lower code.
        code_of = code_of[fresh]
        number_ = np.array([int(c) if c else 0 for c in code_values] + [0], dtype=np.int64)[code_of]
        # A side's code says what its actor is; an associated actor only shares
        # the side (a government official among the civilians attacked): its
        # rows count only for a name never seen as an event's own actor.
        associated = (order % 8) % 2 == 1
        primary = np.bincount(
            which[~associated] * 9 + number_[~associated], minlength=len(distinct) * 9
        ).reshape(len(distinct), 9)[:, 1:]
        beside = np.bincount(
            which[associated] * 9 + number_[associated], minlength=len(distinct) * 9
        ).reshape(len(distinct), 9)[:, 1:]
        counts = np.where(primary.sum(axis=1, keepdims=True) > 0, primary, beside)
        chosen: dict[str, str] = {}
        for index in np.flatnonzero(counts.sum(axis=1)):
            per_code = counts[index]
            best = int(np.argmax(per_code))
            chosen[distinct[index]] = str(best + 1)
            if (per_code > 0).sum() > 1:
                ranked = sorted(np.flatnonzero(per_code), key=lambda c: (-per_code[c], c))
                self.codes_seen[distinct[index]] = "; ".join(
                    f"{c + 1} ({per_code[c]} rows)" for c in ranked
                )
        keys = dict(zip(distinct, keys, strict=True))
        for name, row in zip(first["name"], first["row"], strict=True):
            key = keys[name]
            if key in self.known:  # two spellings differing only in case
                ids[name] = self.known[key]
                continue
            base = base_name(name)
            if base in self.by_base:
                # Another period of a force this import met first ("(2017-)"
                # after "(2012-2017)"): one actor, as across two imports, so
                # the actors do not depend on which file came first.
                self.known[key] = ids[name] = self.by_base[base]
                continue
            actor_id = self._slug(name)
            self.known[key] = self.by_base[base] = actor_id
            ids[name] = actor_id
            unnamed = is_unnamed(name)
            gtd_unknown = self.name == "gtd" and key == "unknown"
            if gtd_unknown:
                description = (
                    "GTD's 'Unknown': no group was named. Imported; not one actor in fact."
                )
            elif unnamed:
                description = (
                    f"{self.name.upper()}'s catch-all or collective name, not one actor: "
                    "imported as unnamed, so it is never called a broker."
                )
            else:
                description = (
                    f"Imported from {self.name.upper()}, not yet reviewed: merge it by adding this "
                    "name to a curated actor's aliases or to actor_mappings.csv."
                )
            self.new[actor_id] = {
                "actor_id": actor_id,
                "name": GTD_UNKNOWN if gtd_unknown else name,
                "actor_type": convention_type(name)
                or INTER_TYPES.get(chosen.get(name, ""), "armed group"),
                "unnamed": "true" if unnamed else "false",
                "description": description,
                "source_id": self.source_id,
                "locator": f"row {row}",
                "_external": name,
            }
        return ids

    def _lookup(self, name: str) -> str | None:
        return lookup(name, self.known, self.by_base)

    def _slug(self, name: str) -> str:
        base = f"{self.name}-" + (
            re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "actor"
        )
        slug, number = base, 2
        while slug in self.taken:
            slug, number = f"{base}-{number}", number + 1
        self.taken.add(slug)
        return slug

    def created(self, used: set[str]) -> list[dict]:
        """The new actors that written rows use, in the order first named."""
        return [
            {k: v for k, v in actor.items() if not k.startswith("_")}
            for actor_id, actor in self.new.items()
            if actor_id in used
        ]

    def review_path(self, folder: Path) -> Path:
        """Where the review list of this import's new actors is written in ``folder``."""
        return folder / "imports" / f"{self.source_id}-new-actors.csv"

    def write_review(self, folder: Path, actors: list[dict]) -> Path | None:
        """List the new actors beside the curated names closest to each, for a person to merge."""
        if not actors:
            return None
        path = self.review_path(folder)
        path.parent.mkdir(exist_ok=True)
        labels = {name.casefold(): actor_id for actor_id, name in self.curated.items()}
        words = {label: _words(label) for label in labels}
        by_word: dict[str, set[str]] = {}
        for label, label_words in words.items():
            for word in label_words:
                by_word.setdefault(word, set()).add(label)
        external = {a["actor_id"]: a["_external"] for a in self.new.values()}
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                ["actor_id", "name", "actor_type", "unnamed", "inter_codes_seen",
                 "close_curated_actors"]
            )  # fmt: skip
            for actor in actors:
                # Close names share words: ranked by the share of words in common,
                # a hint for a person to check, quick for thousands of new names.
                own = _words(actor["name"].casefold())
                sharing = set().union(*(by_word.get(w, ()) for w in own))
                close = sorted(
                    sharing,
                    key=lambda label: (-len(own & words[label]) / len(own | words[label]), label),
                )[:3]
                hint = "; ".join(f"{labels[c]} ({self.curated[labels[c]]})" for c in close)
                # An actor an earlier, interrupted run created has no codes counted here.
                seen = self.codes_seen.get(external.get(actor["actor_id"], ""), "")
                writer.writerow(
                    [actor["actor_id"], actor["name"], actor["actor_type"], actor["unnamed"],
                     seen, hint]
                )  # fmt: skip
        return path


def _words(label: str) -> set[str]:
    return {w for w in re.split(r"[^\w]+", label) if len(w) >= 4}


def mentions_frame(parts: list[tuple[pd.Series, pd.Series | str, pd.Series, int]]) -> pd.DataFrame:
    """Actor mentions from (names, codes, rows, slot) parts: one row per name named, in order.

    ``rows`` gives each name's export row (for the new actor's locator); the
    order is by export row, then slot (actor1, its associates, actor2, …).
    """
    frames = []
    for names, codes, rows, slot in parts:
        if names.empty:
            continue
        frames.append(
            pd.DataFrame(
                {
                    # The arrays as they are: to_numpy made Python strings of pandas' str.
                    "name": names.array,
                    "code": codes if isinstance(codes, str) else codes.array,
                    "row": rows.to_numpy(),
                    "order": rows.to_numpy().astype(np.int64) * 8 + slot,
                }
            )
        )
    if not frames:
        return pd.DataFrame({"name": [], "code": [], "row": [], "order": []}, dtype=object)
    return pd.concat(frames, ignore_index=True)
