"""The existing claims a new row, or a sentence, most probably repeats: scored, best first."""

from __future__ import annotations

import difflib
import re

import pandas as pd

from ..dates import partial_date_span
from ..exceptions import ParameterError
from ..schema import TABLES
from ..texts import PROSE

__all__ = ["similar_claims"]

_WORDS = re.compile(r"\w+")
#: Columns saying what kind of fact a row is, by table: rows of one claim share them.
_KIND = {
    "events": ("event_type", "sub_event_type"),
    "relationships": ("kind",),
    "flows": ("flow_type",),
}
_ACTORS = {
    "events": ("actor1", "actor2", "assoc_actors"),
    "relationships": ("actor_a", "actor_b"),
    "flows": ("payer", "payee", "intermediary"),
}
_DATES = {"events": ("date", "date"), "relationships": ("start", "end"), "flows": ("date", "date")}
#: Weights of the score's parts: what kind of fact, who, when, what it says, where.
_WEIGHTS = {"kind": 0.3, "actors": 0.3, "date": 0.2, "text": 0.15, "place": 0.05}


def _actors_of(row: dict, table: str) -> set[str]:
    found = set()
    for column in _ACTORS[table]:
        value = row.get(column)
        if isinstance(value, list | tuple):
            found.update(value)
        elif isinstance(value, str) and value:
            found.update(value.split("|"))
    return found


def _span(row: dict, table: str):
    first, last = _DATES[table]
    start, end = row.get(f"{first}_start"), row.get(f"{last}_end")
    if (start is None or pd.isna(start)) and isinstance(row.get(first), str):
        starts, ends = partial_date_span(pd.Series([row[first], row.get(last) or row[first]]))
        start, end = starts.iloc[0], ends.iloc[1]
    return start, end


def _text(row: dict, table: str) -> str:
    value = row.get(PROSE[table])
    return value.lower() if isinstance(value, str) else ""


def similar_claims(
    dataset,
    *,
    row: dict | None = None,
    table: str | None = None,
    like: str | None = None,
    text: str | None = None,
    limit: int = 5,
) -> pd.DataFrame:
    """The existing claims a new row (or a sentence) most probably repeats, best first.

    Give ``like`` (the id of a row in the data), or ``row`` and ``table``
    (a row not yet written, as a dict of its columns), or ``text`` (words,
    e.g. a sentence of the new source). Each claim is scored from 0 to 1:
    the same kind of fact (event and sub-event type, relationship kind,
    flow type), the actors shared, dates that overlap, the same place (for
    events: location, else country), and how alike the descriptions read (:class:`difflib.SequenceMatcher` over words). For
    ``text``, the actors named in it and its years stand for the row's.

    Returns
    -------
    DataFrame
        ``table``, ``claim_id``, ``score``, ``why`` and one row id of the
        claim; claims of the row itself are left out.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> found = similar_claims(load_dataset(), text="British tourist Edwin Dyer kidnapped 2009")
    >>> "c-2009-dyer-kidnapping" in found["claim_id"].tolist()
    True
    """
    if like is not None:
        for name in _KIND:
            frame = dataset.tables[name]
            hit = frame[frame[TABLES[name].id_column] == like]
            if len(hit):
                row, table = hit.iloc[0].to_dict(), name
                break
        else:
            raise ParameterError(f"--like {like!r} is no relationship, event or flow of the data")
    if row is not None and table not in _KIND:
        raise ParameterError("table must be relationships, events or flows")
    if row is None and text is None:
        raise ParameterError("say what to look for: like, row and table, or text")
    tables = [table] if row is not None else list(_KIND)
    probe = _probe(dataset, text) if row is None else None
    found = []
    for name in tables:
        frame = dataset.tables[name]
        id_column = TABLES[name].id_column
        mine = row if row is not None else probe
        words = _WORDS.findall(_text(row, name) if row is not None else text.lower())
        named = [a for r in frame.to_dict("records") for a in _actors_of(r, name)]
        rarity = pd.Series(named, dtype=object).value_counts().to_dict()
        actors = _actors_of(row, name) if row is not None else probe["actors"]
        start, end = _span(row, name) if row is not None else (probe["start"], probe["end"])
        own_claim = row.get("claim_id") if row is not None else None
        for other in frame.to_dict("records"):
            if own_claim is not None and other.get("claim_id") == own_claim:
                continue
            if row is not None and other[id_column] == row.get(id_column):
                continue
            parts, why = _score(
                name, mine, row is not None, other, words, (actors, rarity), start, end
            )
            score = sum(_WEIGHTS[k] * v for k, v in parts.items())
            found.append(
                {
                    "table": name,
                    "claim_id": other["claim_id"],
                    "score": round(score, 2),
                    "why": "; ".join(why),
                    "row": other[id_column],
                }
            )
    if not found:
        return pd.DataFrame(columns=["table", "claim_id", "score", "why", "row"])
    ranked = pd.DataFrame(found).sort_values(["score", "row"], ascending=[False, True])
    ranked = ranked.drop_duplicates(["table", "claim_id"])
    return ranked[ranked["score"] > 0].head(limit).reset_index(drop=True)


def _probe(dataset, text: str) -> dict:
    """What a sentence says of actors and dates, in the data's terms."""
    folded = text.lower()
    actors = set()
    for actor in dataset.actors.itertuples():
        names = [actor.name, *(actor.aliases or [])]
        if any(
            len(n) > 2 and re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", folded) for n in names
        ):
            actors.add(actor.actor_id)
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", text)]
    start = pd.Timestamp(min(years), 1, 1) if years else None
    end = pd.Timestamp(max(years), 12, 31) if years else None
    return {"actors": actors, "start": start, "end": end}


def _known(value) -> bool:
    return value is not None and not pd.isna(value)


def _overlap(start, end, other_start, other_end) -> bool:
    """Whether two spans of days meet; an open end runs on, an unknown start meets nothing."""
    if not (_known(start) and _known(other_start)):
        return False
    return (not _known(other_end) or other_end >= start) and (not _known(end) or other_start <= end)


def _score(name, mine, is_row, other, words, named, start, end) -> tuple[dict, list[str]]:
    actors, rarity = named
    parts, why = dict.fromkeys(_WEIGHTS, 0.0), []
    if is_row and name == "events":
        for column, weight in (("location", 1.0), ("country", 0.5)):
            mine_at, theirs_at = mine.get(column), other.get(column)
            if isinstance(mine_at, str) and mine_at and mine_at == theirs_at:
                parts["place"] = weight
                why.append(f"same {column}")
                break
    if is_row and all(str(mine.get(c)) == str(other.get(c)) for c in _KIND[name]):
        parts["kind"] = 1.0
        why.append("same " + " and ".join(c.replace("_", " ") for c in _KIND[name]))
    theirs = _actors_of(other, name)
    if actors and theirs:
        shared = actors & theirs
        # Weighted by rarity: sharing a hostage named in two rows says more
        # than sharing AQIM, named in most.
        weight = {a: 1 / rarity.get(a, 1) for a in actors | theirs}
        # A row against a row: the actors of both; words: only those they name.
        counted = actors | theirs if is_row else actors
        parts["actors"] = sum(weight[a] for a in shared) / sum(weight[a] for a in counted)
        if shared:
            why.append("actors " + ", ".join(sorted(shared)))
    if _overlap(start, end, *_span(other, name)):
        parts["date"] = 1.0
        why.append("dates overlap")
    theirs_words = _WORDS.findall(_text(other, name))
    if words and theirs_words:
        ratio = difflib.SequenceMatcher(None, words, theirs_words, autojunk=False).ratio()
        # A sentence against a paragraph: the share of the shorter one's words
        # the other has counts too (words of four letters or more: "the", "in",
        # "was" say nothing).
        mine_set, theirs_set = ({w for w in w_ if len(w) > 3} for w_ in (words, theirs_words))
        fewest = min(len(mine_set), len(theirs_set))
        found = len(mine_set & theirs_set) / fewest if fewest else 0
        parts["text"] = max(ratio, found)
        if parts["text"] >= 0.2:
            why.append(f"descriptions alike ({parts['text']:.0%})")
    return parts, why
