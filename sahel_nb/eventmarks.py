"""What the timeline and the map share: event colours, hover text, and an event in plain words."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "EVENT_COLOURS",
    "day_number",
    "first_words",
    "frame",
    "hover",
    "in_words",
    "in_words_many",
    "short_names",
]

#: Colour of each ACLED event type, on the timeline and the map.
EVENT_COLOURS = {
    "Battles": "#c62828",
    "Explosions/Remote violence": "#ef6c00",
    "Violence against civilians": "#6a1b9a",
    "Protests": "#00838f",
    "Riots": "#8d6e63",
    "Strategic developments": "#1565c0",
}

#: What a sub-event type did, as a verb between who did it and to whom (the
#: past tense needs no agreement with a plural name: "Algerian courts sentenced").
_VERBS = {
    "Abduction/forced disappearance": "abducted",
    "Armed clash": "fought",
    "Attack": "attacked",
    "Hostage release": "freed",
    "Arrests": "arrested",
    "Sentencing": "sentenced",
    "Designation": "listed",
    "Indictment": "charged",
    "Extradition": "extradited",
    "Extradition refused": "refused to extradite",
}

#: Longest label in words; longer ones are cut at a word.
_LONGEST = 70


def short_names(actors: pd.DataFrame) -> dict[str, str]:
    """Each actor's name, or its acronym alias (``AQIM``) when the name is long.

    Examples
    --------
    >>> frame = pd.DataFrame({"actor_id": ["aqim", "x"],
    ...     "name": ["Al-Qaeda in the Islamic Maghreb", "Ghana"],
    ...     "aliases": [["AQIM", "AQIM/GSPC"], []]})
    >>> short_names(frame)
    {'aqim': 'AQIM', 'x': 'Ghana'}
    """
    names = {}
    for row in actors.itertuples(index=False):
        aliases = row.aliases if isinstance(row.aliases, list) else []
        acronyms = [a for a in aliases if re.fullmatch(r"[A-Z]{2,6}", str(a))]
        long = len(str(row.name)) > 24
        names[row.actor_id] = acronyms[0] if long and acronyms else str(row.name)
    return names


def _cut(text: str, longest: int = _LONGEST) -> str:
    """``text`` cut at a word before ``longest`` characters, with an ellipsis."""
    if len(text) <= longest:
        return text
    return text[:longest].rsplit(" ", 1)[0].rstrip(",;:") + "…"


# What a description says before the fact itself: who says it, when the
# analyst read the date, asides in brackets. A label keeps the fact.
_SAYS = re.compile(
    r"^(?:the |an? )?(?:[\w’'&.-]+ ){0,3}?[\w’'&.-]+ (?:timeline |report |column )?"
    r"(?:says|said|reports|reported|writes|wrote|notes|noted)(?: on \w+day)?,? (?:that )?",
    re.IGNORECASE,
)
#: Words that make a teller a source (its column, timeline, report), not an actor.
_SOURCE_WORDS = re.compile(
    r"\b(?:timeline|report|article|column|infobox|wikipedia|post|times|bbc|afp|reuters|"
    r"guardian|newspaper|paper|agency|cable|dispatch|source|sources|encyclopedia)\b",
    re.IGNORECASE,
)
_PRONOUNS = frozenset({"it", "they", "he", "she", "we", "its", "their", "his", "her"})
_ASIDES = (
    re.compile(r",? read by the analyst as [^,;()]*,?"),
    re.compile(r"\s*\([^()]*\)"),
    re.compile(r", (?:by then|then|at the time|which|who|whom) [^,;]*,"),
)


def _gist(description: str) -> str:
    """A description's first clause, its teller and asides taken out, cut at a phrase.

    Examples
    --------
    >>> _gist("The BBC timeline says a woman among the hostages, by then held in Mali, "
    ...       "died in captivity in June 2003; it gives no cause.")
    'A woman among the hostages died in captivity in June 2003'
    >>> _gist("AQIM uses the Timbuktu area of northern Mali as a sanctuary, for its hard "
    ...       "terrain, its Arab tribes and a weak state. No date given.")
    'AQIM uses the Timbuktu area of northern Mali as a sanctuary'

    An actor's word is the claim: kept.

    >>> _gist("AQIM said it had kidnapped two Austrian tourists in southern Tunisia.")
    'AQIM said it had kidnapped two Austrian tourists in southern Tunisia'
    """
    first = re.split(r"(?<=[a-z0-9)])[.;:](?:\s|$)", description.strip(), maxsplit=1)[0]
    for aside in _ASIDES:
        first = aside.sub(" ", first)
    first = " ".join(first.split()).replace(" ,", ",").strip(" ,").rstrip(".")
    said = _SAYS.match(first)
    told = first[said.end() :] if said else first
    # Only a source's own telling is taken out ("The BBC timeline says"): an
    # actor's ("AQIM said it …") is the claim itself, and what is left must
    # read as a clause of its own.
    ours = said is not None and _SOURCE_WORDS.search(said.group(0)) is not None
    pronoun = told.split(" ", 1)[0].lower() in _PRONOUNS
    text = told if ours and not pronoun and len(told.split()) >= 4 else first
    text = text[:1].upper() + text[1:]
    if len(text) <= _LONGEST:
        return text
    # Cut at the last phrase boundary that leaves enough to read, else at a word.
    head = text[: _LONGEST + 1]
    comma = max(head.rfind(", "), head.rfind(" – "))
    if comma >= _LONGEST // 3:
        return text[:comma].rstrip()
    return _cut(text)


def in_words(actor1, actor2, sub_event_type, description=None, deaths=None) -> str:
    """Who did what to whom, in a few plain words, for a label beside a bar or a dot.

    A sub-event type the table knows reads as a verb; any other ("Other",
    "Change to group/activity") is told by its description's first clause,
    since its type says little.

    Examples
    --------
    >>> in_words("GSPC", "European tourists", "Abduction/forced disappearance")
    'GSPC abducted European tourists'
    >>> in_words("Germany", None, "Other", "Schröder vowed to hunt the kidnappers; more.")
    'Schröder vowed to hunt the kidnappers'

    An attack that killed says so: "Attack" is ACLED's word for a killing too.

    >>> in_words("AQIM", "Edwin Dyer", "Attack", deaths=1)
    'AQIM attacked Edwin Dyer (1 killed)'
    """

    def given(value) -> bool:
        return isinstance(value, str) and bool(value.strip())

    kind = str(sub_event_type) if given(sub_event_type) else ""
    verb = _VERBS.get(kind)
    if verb is None and given(description):
        return _gist(str(description))
    who = actor1 if given(actor1) else "Someone"
    if verb is None:
        return _cut(f"{who}: {kind.lower() or 'an event'}")
    said = _cut(f"{who} {verb} {actor2}" if given(actor2) else f"{who} {verb}")
    return said + _killed(kind, deaths)


def _killed(kind: str, deaths) -> str:
    """`` (N killed)`` after an attack that killed, else nothing."""
    if kind != "Attack" or deaths is None or pd.isna(deaths) or deaths < 1:
        return ""
    return f" ({int(deaths):,} killed)"


def _arrow(values):
    """Text values as one Arrow string array (missing values null)."""
    import pyarrow as pa

    if isinstance(values, pd.Series | pd.Index):
        values = values.array
    array = pa.array(values, type=pa.string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _per_value(values, judge, missing):
    """``judge`` of each value, computed once per distinct value (``missing`` for nulls), in Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    coded = pc.dictionary_encode(values)
    judged = [judge(v) for v in coded.dictionary.to_pylist()] + [missing]
    return pc.take(pa.array(judged), pc.fill_null(coded.indices, len(judged) - 1))


def _given(values):
    """True where a value is text with something in it; judged once per distinct value."""
    return _per_value(values, lambda v: bool(v.strip()), False)


def _cut_many(texts):
    """:func:`_cut` for a whole column, in Arrow: only the long texts change."""
    import pyarrow as pa
    import pyarrow.compute as pc

    long = pc.greater(pc.utf8_length(texts), _LONGEST)
    if not pc.any(long).as_py():
        return texts
    # Only the long texts are cut and put back.
    cut = pc.utf8_slice_codeunits(texts.filter(long), 0, _LONGEST)
    cut = pc.replace_substring_regex(cut, " [^ ]*$", "")  # back to the last word
    cut = pc.replace_substring_regex(cut, "[,;:]+$", "")
    cut = pc.binary_join_element_wise(cut, pa.scalar("…"), "")
    return pc.replace_with_mask(texts, long, cut)


def in_words_many(actor1, actor2, sub_event_types, descriptions=None, deaths=None):
    """:func:`in_words` for whole columns at once: the same labels, without a call per row.

    Half a million imported events name a quarter of a million combinations
    of actors and types: labels are joined column-wise in Arrow, and only
    rows told by their description are made one by one. Returns an
    Arrow-backed text array.

    Examples
    --------
    >>> in_words_many(["GSPC", None], ["tourists", None], ["Abduction/forced disappearance",
    ...               "Other"], [None, "Schröder vowed to hunt them; more."]).tolist()
    ['GSPC abducted tourists', 'Schröder vowed to hunt them']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    a1, a2, kinds = _arrow(actor1), _arrow(actor2), _arrow(sub_event_types)

    def kind_text(k: str) -> str:
        return k if k.strip() else ""

    verb = _per_value(kinds, lambda k: _VERBS.get(kind_text(k), ""), "")
    has_verb = _per_value(kinds, lambda k: kind_text(k) in _VERBS, False)
    # A type without a verb is said as "who: type", lower case.
    plain = _per_value(kinds, lambda k: kind_text(k).lower() or "an event", "an event")
    who = pc.if_else(_given(a1), a1, "Someone")
    other = pc.if_else(_given(a2), a2, pa.scalar(None, pa.string()))
    said = pc.if_else(
        has_verb,
        pc.binary_join_element_wise(who, verb, other, " ", null_handling="skip"),
        pc.binary_join_element_wise(who, plain, ": "),
    )
    said = _cut_many(said)
    if descriptions is not None:
        # A type told by its description: its first clause, cut its own way (see in_words).
        desc = _arrow(descriptions)
        described = np.flatnonzero(
            pc.and_(pc.invert(has_verb), _given(desc)).to_numpy(zero_copy_only=False)
        )
        if len(described):
            at = pa.array(described)
            told = [
                in_words(*row)
                for row in zip(
                    *(pc.take(column, at).to_pylist() for column in (a1, a2, kinds, desc)),
                    strict=True,
                )
            ]
            mask = np.zeros(len(said), dtype=bool)
            mask[described] = True
            said = pc.replace_with_mask(said, pa.array(mask), pa.array(told, pa.string()))
    if deaths is not None:
        dead = pd.array(deaths, dtype="Float64")
        killed = np.asarray(pc.equal(kinds, "Attack").to_numpy(zero_copy_only=False), bool)
        killed &= (dead >= 1).fillna(False).to_numpy(bool)
        if killed.any():
            at = np.flatnonzero(killed)
            extra = [_killed("Attack", d) for d in dead[at]]
            said = pc.replace_with_mask(
                said,
                pa.array(killed),
                pc.binary_join_element_wise(
                    pc.take(said, pa.array(at)), pa.array(extra, pa.string()), ""
                ),
            )
    return pd.array(said, dtype="str")


def hover(row) -> str:
    """An event row's hover text: kind and date, actors, place, description, status and source."""
    lines = [
        f"{row.sub_event_type} ({row.event_type}) — {row.date if pd.notna(row.date) else 'undated'}",
        row.actors,
    ]
    if pd.notna(row.location):
        lines.append(str(row.location))
    if pd.notna(row.description):
        lines.append(str(row.description))
    if "approximate" in str(getattr(row, "precision", "")):
        lines.append("the date is approximate or uncertain (EDTF ~ or ?)")
    reports = getattr(row, "reports", 1)
    told = f"; {reports} reports, {row.agreement}" if reports and reports > 1 else ""
    if getattr(row, "differ", ""):
        lines.append(row.differ)
    lines.append(f"{row.status}, credibility {row.credibility}{told} — source: {row.source}")
    return "\n".join(line for line in lines if line)


def frame(*charts: dict) -> dict:
    """What the page around the charts shows: the summary and the legend of what is drawn."""
    drawn = set().union(*(chart["kinds"] for chart in charts))
    return {
        "summary": " ".join(chart["summary"] for chart in charts),
        "legend": {kind: colour for kind, colour in EVENT_COLOURS.items() if kind in drawn},
    }


def day_number(day) -> int:
    """Days since 1970-01-01: what the page's brushing script compares."""
    return int((pd.Timestamp(day) - pd.Timestamp("1970-01-01")).days)


def first_words(values: pd.Series) -> np.ndarray:
    """The first word of each text (a cited source's id before its locator), as objects.

    Examples
    --------
    >>> first_words(pd.Series(["guitta-2010 ¶6", "acled-1 row 3"])).tolist()
    ['guitta-2010', 'acled-1']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    # Arrow splits half a million strings in milliseconds; pandas' .str takes a second.
    texts = pa.array(values.astype(str).array, type=pa.string(), from_pandas=True)
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    first = pc.list_element(pc.split_pattern(texts, " ", max_splits=1), 0)
    # One Python string per distinct source, shared by its rows, not one per row.
    coded = pc.dictionary_encode(first)
    words = np.append(coded.dictionary.to_numpy(zero_copy_only=False), None)
    return words[pc.fill_null(coded.indices, len(words) - 1).to_numpy()]
