"""Citations: short source names and locator lists, shared by every table and narrative."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "attribution",
    "known_through",
    "locator_list",
    "locator_lists",
    "not_held",
    "short_name",
    "short_names",
    "source_entries",
    "support_said",
    "teller_names",
]


#: The title an import gives an export's source row (see :mod:`sahel_nb.interop`).
_UNDATED_EXPORT = re.compile(r"^(GTD|UCDP GED|ACLED) export (.+)$")


#: Bylines that name a role or an outlet's staff, not a person.
_NO_ONE = re.compile(
    r"\b(?:staff|reporter|reporters|correspondent|correspondents|editor|editors|editorial|"
    r"desk|agencies|newsroom|writer|unknown|anonymous)\b",
    re.IGNORECASE,
)


def short_name(row) -> str:
    """A source as a citation: its ``short_name``, else the author's surname (or publisher) and year.

    A ``short_name`` is used as written: an origin the project knows only
    through others is cited by what it is, not by a surname that reads as a
    writer we hold.

    Examples
    --------
    >>> short_name({"short_name": "AQIM statement (spokesman Salah Abu Mohammed), 2009",
    ...             "author": "Salah Abu Mohammed", "published": "2009-02"})
    'AQIM statement (spokesman Salah Abu Mohammed), 2009'

    >>> short_name({"author": "Olivier Guitta", "publisher": "GlobalPost",
    ...             "published": "2010-02-16", "title": "A column"})
    'Guitta 2010'
    >>> short_name({"author": None, "publisher": "BBC News", "published": "2003-08-24",
    ...             "title": "Profit warning"})
    'BBC News 2003'
    >>> short_name({"author": "Staff reporter", "publisher": "Mail & Guardian",
    ...             "published": "2010-02-24", "title": "Frenchman freed"})
    'Mail & Guardian 2010'
    >>> short_name({"author": "START", "title": "GTD export sahel.csv", "published": None})
    'GTD (sahel.csv)'
    >>> short_name({"author": "START", "title": "GTD export gtd_0617dist.xlsx",
    ...             "published": "2017-06"})
    'GTD (gtd_0617dist.xlsx)'
    """

    def given(key):
        value = row.get(key) if hasattr(row, "get") else None
        return None if value is None or pd.isna(value) or str(value) == "" else str(value)

    if given("short_name"):
        return given("short_name")
    title, published = given("title") or "", given("published")
    export = _UNDATED_EXPORT.match(title)
    if export and (not published or export.group(1) == "GTD"):
        # A GTD or UCDP export is cited by its file, not "START n.d." (nor "START
        # 2017" for a release its file name dates: two files of one release).
        return _UNDATED_EXPORT.sub(r"\1 (\2)", title)
    author, publisher, published = given("author"), given("publisher"), given("published")
    # "Agence France-Presse (copy kept by Algeria-Watch)": the outlet, not the archive.
    publisher = publisher.split(" (")[0].split(", ")[0] if publisher else None
    # A byline that names no one ("Staff reporter", "Sapa-AFP staff") is the outlet's.
    if author and _NO_ONE.search(author):
        author = None
    who = author.split()[-1] if author else publisher or given("title") or given("source_id")
    year = published[:4] if published and published[:4].isdigit() else "n.d."
    return f"{who} {year}"


def short_names(sources: pd.DataFrame) -> dict[str, str]:
    """Every source's short name by id; two sources sharing one get ``a``, ``b``…"""
    names = {row["source_id"]: short_name(row) for row in sources.to_dict("records")}
    seen: dict[str, list[str]] = {}
    for source, name in names.items():
        seen.setdefault(name, []).append(source)
    for name, ids in seen.items():
        if len(ids) > 1:
            for letter, source in zip("abcdefghijklmnopqrstuvwxyz", sorted(ids), strict=False):
                names[source] = f"{name}{letter}"
    return names


def locator_list(locators, *, most: int = 12) -> str:
    """Locators joined for one citation: ``¶4, ¶6``; rows of an export as ranges.

    Long lists stop after ``most`` items and say how many more there are.

    Examples
    --------
    >>> locator_list(["¶6", "¶4", "¶6"])
    '¶4, ¶6'
    >>> locator_list(["row 3", "row 1", "row 2", "row 9"])
    'rows 1–3, 9'
    """
    parts = {p.strip() for loc in locators for p in str(loc).split(",") if p.strip()}
    numbers = sorted(int(p[4:]) for p in parts if p.startswith("row ") and p[4:].isdigit())
    items = sorted(
        (p for p in parts if not (p.startswith("row ") and p[4:].isdigit())),
        key=lambda p: (len(p), p),
    )
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    ranges = [str(a) if a == b else f"{a}–{b}" for a, b in runs]
    more = max(0, len(items) - most) + max(0, len(ranges) - most)
    items, ranges = items[:most], ranges[:most]
    if ranges:
        items.append(("rows " if len(numbers) > 1 else "row ") + ", ".join(ranges))
    return ", ".join(items) + (f" and {more:,} more" if more else "")


def locator_lists(locators, starts, *, most: int = 12) -> list[str]:
    """:func:`locator_list` of each slice of ``locators`` that starts at one of ``starts``.

    ``starts`` are the ascending positions where each slice begins (the
    first is 0; the last slice runs to the end). Slices made only of export
    rows (``row 12``), as the ties an import implies are, get their ranges
    in a few array operations, not one Python call each; any other slice
    goes through :func:`locator_list`. The result is the same either way.

    Examples
    --------
    >>> locator_lists(["row 3", "row 1", "row 2", "¶4", "¶6", "¶4"], [0, 3])
    ['rows 1–3', '¶4, ¶6']
    """
    locators = np.asarray(locators, dtype=object)
    starts = np.asarray(starts, dtype=np.int64)
    if len(starts) == 0:
        return []
    sizes = np.diff(np.append(starts, len(locators)))
    group = np.repeat(np.arange(len(starts)), sizes)
    text = pa.array(locators, type=pa.large_string(), from_pandas=True)
    is_row = pc.fill_null(pc.match_substring_regex(text, r"^row [1-9][0-9]{0,14}$"), False)
    is_row = is_row.to_numpy(zero_copy_only=False)
    rows_only = np.logical_and.reduceat(is_row, starts) & (sizes > 0)
    out = [
        "" if rows_only[at] else locator_list(locators[start : start + size], most=most)
        for at, (start, size) in enumerate(zip(starts.tolist(), sizes.tolist(), strict=True))
    ]
    chosen = rows_only[group]
    if not chosen.any():
        return out
    numbers = pc.cast(pc.utf8_slice_codeunits(text.filter(pa.array(chosen)), 4), pa.int64())
    number, owner = numbers.to_numpy(), group[chosen]
    order = np.lexsort((number, owner))
    number, owner = number[order], owner[order]
    distinct = np.ones(len(number), bool)
    distinct[1:] = (owner[1:] != owner[:-1]) | (number[1:] != number[:-1])
    number, owner = number[distinct], owner[distinct]
    fresh = np.ones(len(number), bool)  # a run of consecutive rows starts here
    fresh[1:] = (owner[1:] != owner[:-1]) | (number[1:] != number[:-1] + 1)
    first = np.flatnonzero(fresh)
    last = np.append(first[1:], len(number)) - 1
    low, high, run_owner = number[first].tolist(), number[last].tolist(), owner[first]
    ranges = [str(a) if a == b else f"{a}–{b}" for a, b in zip(low, high, strict=True)]
    counts = np.bincount(owner, minlength=len(starts))
    bounds = np.searchsorted(run_owner, np.arange(len(starts) + 1)).tolist()
    for at in np.flatnonzero(rows_only).tolist():
        begin, end = bounds[at], bounds[at + 1]
        more = end - begin - most
        out[at] = (
            ("rows " if counts[at] > 1 else "row ")
            + ", ".join(ranges[begin : min(end, begin + most)])
            + (f" and {more:,} more" if more > 0 else "")
        )
    return out


def not_held(row) -> bool:
    """Whether a source is known only through others: ``kind`` ends ``(not held)`` or notes say so.

    Examples
    --------
    >>> not_held({"kind": "television report (not held)", "notes": None})
    True
    >>> not_held({"kind": "news report", "notes": "Stored as bbc-2003.txt"})
    False
    """
    kind, notes = (_given(row.get(key)) for key in ("kind", "notes"))
    return bool(kind and kind.rstrip().endswith("(not held)")) or bool(
        notes and notes.lstrip().lower().startswith("not held")
    )


_CLAIM_TABLES = ("relationships", "events", "flows")


def known_through(dataset, source_id: str, names: dict[str, str] | None = None) -> list[str]:
    """The sources a source is known through: those whose rows relay it, with their paragraphs.

    Each is the citing source's short name and the locators of its rows
    that name ``source_id`` in ``relays`` (``AFP 2004 (¶3, ¶6–7)``), then
    any source whose whole document is ``derived_from`` it, by name alone.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> known_through(load_dataset(), "ard-2003")
    ['Mail & Guardian 2003 (¶8)']
    """
    names = short_names(dataset.sources) if names is None else names
    locators: dict[str, list[str]] = {}
    for table in _CLAIM_TABLES:
        frame = dataset.tables[table]
        if "relays" not in frame:
            continue
        relaying = frame[frame["relays"].astype("string").eq(source_id).fillna(False)]
        for citing, locator in zip(relaying["source_id"], relaying["locator"], strict=True):
            locators.setdefault(str(citing), []).append(str(locator))
    said = [f"{names.get(s, s)} ({locator_list(locs)})" for s, locs in locators.items()]
    sources = dataset.sources
    if "derived_from" in sources:
        derived = sources[sources["derived_from"].astype("string").eq(source_id).fillna(False)]
        said += [names.get(s, s) for s in derived["source_id"] if s not in locators]
    return said


def source_entries(dataset, source_ids, *, relayed: bool = True) -> list[str]:
    """Each source in full, for a page's list of sources; origins not held say how they are known.

    ``source_ids`` are the sources a page cites. With ``relayed``, the
    sources not held that those sources' rows relay (``relays``) or whose
    document derives from one (``derived_from``) follow them, so an origin
    the page names through its relays ("AQIM statement …, to Mail &
    Guardian 2009") is listed too, with "not held; known through …".

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> held, ard = source_entries(load_dataset(), ["mg-2003"])
    >>> held.split(": ")[0], ard.split(": ")[0]
    ('Mail & Guardian 2003', 'ARD 2003')
    >>> ard.endswith("; not held; known through Mail & Guardian 2003 (¶8).")
    True
    """
    from .schema import RELIABILITY

    sources = dataset.sources.set_index("source_id", drop=False)
    names = short_names(dataset.sources)
    cited = [s for s in dict.fromkeys(source_ids) if s in sources.index]
    behind: list[str] = []
    if relayed:
        for table in _CLAIM_TABLES:
            frame = dataset.tables[table]
            if "relays" in frame:
                behind += frame.loc[frame["source_id"].isin(cited), "relays"].dropna().tolist()
        if "derived_from" in sources:
            behind += sources.loc[cited, "derived_from"].dropna().tolist()
    wanted = cited + [
        s
        for s in dict.fromkeys(map(str, behind))
        if s in sources.index and s not in cited and not_held(sources.loc[s])
    ]
    lines = []
    for source_id in wanted:
        row = sources.loc[source_id]
        reliability = str(row["reliability"])
        parts = [
            _given(row.get("author")),
            f"“{row['title']}”",
            _given(row.get("publisher")),
            _given(row.get("published")) or "undated",
            f"reliability {reliability} ({RELIABILITY.get(reliability, reliability)})",
        ]
        line = f"{names[source_id]}: " + ", ".join(p for p in parts if p)
        if not_held(row):
            through = known_through(dataset, source_id, names)
            line += "; not held" + ("; known through " + ", ".join(through) if through else "")
        lines.append(line + ".")
    return lines


def teller_names(sources: pd.DataFrame, actors: pd.DataFrame | None = None) -> dict[str, str]:
    """Names of every possible origin: sources by short name, speakers by actor name.

    Keys are origins as the loader writes them: a source id, or
    ``speaker:<actor id>`` for a teller who is an actor (a speaker named in
    words is shown in its own words, so it needs no entry).

    Examples
    --------
    >>> sources = pd.DataFrame({"source_id": ["bbc"], "author": [None],
    ...     "publisher": ["BBC News"], "published": ["2003-08-24"], "title": ["t"]})
    >>> actors = pd.DataFrame({"actor_id": ["el-para"], "name": ["Amari Saifi (El Para)"]})
    >>> teller_names(sources, actors)
    {'bbc': 'BBC News 2003', 'speaker:el-para': 'Amari Saifi (El Para)'}
    """
    names = short_names(sources)
    if actors is not None:
        for actor, name in zip(actors["actor_id"], actors["name"], strict=True):
            names[f"speaker:{actor}"] = str(name)
    return names


def _given(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    return str(value)


def _teller(origin: str, names: dict[str, str]) -> str:
    if origin in names:
        return names[origin]
    return origin.removeprefix("speaker:")


def _side(row) -> str:
    status = str(row.get("status"))
    return "against" if status == "denied" else "for" if status != "disputed" else "neither"


def attribution(reports, names: dict[str, str], stance: str = "for") -> str:
    """Who says it, through whom: each first teller once, with the outlets that carried it.

    ``reports`` are a claim's rows (dicts with ``source_id``, ``origin`` and
    ``status``, and where given ``relays``, ``speaker``, ``told`` and
    ``interest``); ``stance`` picks those reporting it (``for``) or denying
    it (``against``); ``names`` come from :func:`teller_names`. A teller with
    a stake is named with it; reports that name no teller (tertiary works,
    echoes) are listed last, apart ("also repeated by …").

    Examples
    --------
    >>> rows = [{"source_id": "g", "origin": "alg", "status": "alleged"},
    ...         {"source_id": "afp", "origin": "speaker:el-para", "status": "alleged",
    ...          "relays": "pm", "told": "interview", "interest": "participant"},
    ...         {"source_id": "wiki", "origin": None, "status": "reported"},
    ...         {"source_id": "bbc", "origin": "bbc", "status": "denied"}]
    >>> names = {"g": "Guitta 2010", "alg": "Algerian state media n.d.", "afp": "AFP 2004",
    ...          "pm": "Paris Match 2004", "wiki": "Wikipedia n.d.", "bbc": "BBC News 2003",
    ...          "speaker:el-para": "Amari Saifi (El Para)"}
    >>> print(attribution(rows, names))
    Algerian state media n.d. (relayed by Guitta 2010); Amari Saifi (El Para) (an interested party: took part in what it tells), to Paris Match 2004 (relayed by AFP 2004); also repeated by Wikipedia n.d., which names no teller
    >>> attribution(rows, names, "against")
    'BBC News 2003'
    """
    from .schema import INTERESTS

    told: dict[str, dict] = {}
    echoes: list[str] = []
    for row in reports:
        if _side(row) != stance:
            continue
        source = row["source_id"]
        origin = _given(row.get("origin")) if "origin" in row else source
        if origin is None:
            if source not in echoes:
                echoes.append(source)
            continue
        entry = told.setdefault(origin, {"through": [], "relayed": [], "interest": None})
        entry["interest"] = entry["interest"] or _given(row.get("interest"))
        relays = _given(row.get("relays"))
        inherited = "speaker" in row and _given(row["speaker"]) is None
        if origin.startswith("speaker:") and relays and inherited:
            # Relaying an outlet that quoted the teller: one more outlet it passed through.
            if source not in entry["relayed"]:
                entry["relayed"].append(source)
        elif origin.startswith("speaker:"):
            # The speaker's words reached us through the outlet it told, then its relays.
            first = relays or source
            verb = "to" if row.get("told") == "interview" else "through"
            if (verb, first) not in entry["through"]:
                entry["through"].append((verb, first))
            if relays and source not in entry["relayed"]:
                entry["relayed"].append(source)
        elif source != origin and source not in entry["relayed"]:
            entry["relayed"].append(source)
    parts = []
    for origin, entry in told.items():
        text = _teller(origin, names)
        if entry["interest"]:
            text += f" (an interested party: {INTERESTS.get(entry['interest'], entry['interest'])})"
        if entry["through"]:
            # "through Reuters 2008 and dpa 2008": each verb once, its outlets together.
            verbs: dict[str, list[str]] = {}
            for verb, s in entry["through"]:
                verbs.setdefault(verb, []).append(names.get(s, s))
            text += ", " + ", ".join(f"{verb} {_and(outlets)}" for verb, outlets in verbs.items())
        if entry["relayed"]:
            text += " (relayed by " + ", ".join(names.get(r, r) for r in entry["relayed"]) + ")"
        parts.append(text)
    if echoes:
        which = "which names" if len(echoes) == 1 else "which name"
        listed = ", ".join(names.get(e, e) for e in echoes)
        verb = "denied" if stance == "against" else "repeated"
        parts.append(f"{'also ' if parts else ''}{verb} by {listed}, {which} no teller")
    return "; ".join(parts)


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def support_said(row, reports: list[dict], names: dict[str, str]) -> str:
    """How well a claim is supported, in words that name its tellers (the codebook's wording).

    ``row`` is the claim (with ``agreement`` and ``support`` from
    :func:`~sahel_nb.origins.one_per_claim`), ``reports`` its rows.

    Examples
    --------
    >>> rows = [{"source_id": "g", "origin": "alg", "status": "alleged"}]
    >>> support_said({"agreement": "single source", "support": "alleged by a single source"},
    ...              rows, {"g": "Guitta 2010", "alg": "Algerian state media n.d."})
    'alleged only by Algerian state media n.d. (relayed by Guitta 2010)'
    """
    said = attribution(reports, names)
    label = row.get("agreement", "single source")
    if label in ("single source", "corroborated", "untraced"):
        # A denial by a report that names no teller contests nothing: said beside.
        against = attribution(reports, names, "against")
        said = f"{said}; {against}" if said and against else said or against
    if label == "single source" and said:
        backing = [r for r in reports if _side(r) == "for"]
        # The tellers' word: an echo stating it as fact does not make it reported.
        traced = [r for r in backing if _given(r.get("origin")) is not None] or backing
        alleged = all(str(r["status"]) != "reported" for r in traced)
        return f"{'alleged' if alleged else 'reported'} only by {said}"
    if label == "denied":
        against = attribution(reports, names, "against")
        return f"denied by {against}; no source says it happened" if against else row["support"]
    if label == "contested":
        against = attribution(reports, names, "against")
        return f"{row['support']}; for: {said or 'no teller'}; against: {against or 'disputed'}"
    if label == "untraced":
        # Its wording already says that no one names a teller: only who repeats it is added.
        listed = list(dict.fromkeys(names.get(r["source_id"], r["source_id"]) for r in reports))
        return f"{row['support']} ({', '.join(listed)})" if listed else str(row["support"])
    return f"{row['support']}: {said}" if said else str(row["support"])
