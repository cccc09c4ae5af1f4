"""Who first told each row: ``derived_from`` chains to an origin, tertiary works, speakers."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .agreement import stance
from .text import _blank, _blank_as_null, _text, _text_series


def _chains(derived: dict[str, str | None]) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """Follow ``derived_from`` to each source's root; return roots and cycles found."""
    roots: dict[str, str | None] = {}
    cycles: dict[str, list[str]] = {}
    for source in derived:
        path, current = [source], source
        while True:
            parent = derived.get(current)
            if _blank(parent) or parent not in derived:
                roots[source] = current
                break
            if parent in path:
                roots[source] = None
                cycles[source] = [*path[path.index(parent) :], parent]
                break
            path.append(parent)
            current = parent
    return roots, cycles


def origin_map(sources: pd.DataFrame) -> dict[str, str | None]:
    """Map each source id to its independent origin: the end of its ``derived_from`` chain.

    A chain that ends at a ``tertiary`` work (an encyclopedia, a compilation)
    has no origin (None): such a work shows how a claim spread, it tells
    nothing first. A source in a cycle (which validation refuses) counts as
    its own origin.

    Examples
    --------
    >>> sources = pd.DataFrame({"source_id": ["ard", "mg", "wire", "wiki"],
    ...                         "derived_from": [None, "ard", "mg", None],
    ...                         "tertiary": [False, False, False, True]})
    >>> origin_map(sources)
    {'ard': 'ard', 'mg': 'ard', 'wire': 'ard', 'wiki': None}
    """
    derived = dict(
        zip(
            sources["source_id"], sources.get("derived_from", pd.Series(dtype=object)), strict=False
        )
    )
    derived = {s: derived.get(s) for s in sources["source_id"]}
    roots, _ = _chains(derived)
    tertiary = tertiary_sources(sources)
    origins = {source: root if root is not None else source for source, root in roots.items()}
    return {source: None if root in tertiary else root for source, root in origins.items()}


def tertiary_sources(sources: pd.DataFrame) -> set[str]:
    """The ids of sources marked ``tertiary`` (true); none when the column is absent."""
    if "tertiary" not in sources:
        return set()
    marked = sources["tertiary"].astype("string").str.lower().isin(["true"])
    return set(sources.loc[marked.fillna(False).to_numpy(bool), "source_id"])


#: An origin that is a teller a row names, not a document: ``speaker:`` and its words or id.
SPEAKER_PREFIX = "speaker:"


def speaker_key(speaker) -> str | None:
    """The origin key of a row's ``speaker``: one per teller, however its words are spaced.

    Examples
    --------
    >>> speaker_key("German  officials "), speaker_key("el-para"), speaker_key(None)
    ('speaker:German officials', 'speaker:el-para', None)
    """
    if _blank(speaker):
        return None
    return SPEAKER_PREFIX + " ".join(str(speaker).split())


def _folded(words) -> str:
    """A teller's words as compared: one Unicode form, case and spacing aside."""
    return " ".join(unicodedata.normalize("NFC", str(words)).casefold().split())


def actor_tellers(actors: pd.DataFrame | None) -> dict[str, str]:
    """Each actor's id, name and aliases (compared folded) to its speaker key.

    A row's ``speaker`` in words that are an actor's name or alias is that
    actor: "Austrian government" and ``austria`` are one teller. Words two
    actors share are left as words.

    Examples
    --------
    >>> actors = pd.DataFrame({"actor_id": ["austria"], "name": ["Austria"],
    ...                        "aliases": ["Austrian government|Vienna"]})
    >>> actor_tellers(actors)["austrian government"]
    'speaker:austria'
    """
    if actors is None or actors.empty or "actor_id" not in actors:
        return {}
    found: dict[str, set[str]] = {}
    blank = pd.Series("", index=actors.index)
    aliases = actors.get("aliases", blank)
    names = actors.get("name", blank)
    for actor, name, more in zip(actors["actor_id"], names, aliases, strict=True):
        spellings = [actor, name]
        if isinstance(more, str):
            spellings += more.split("|")
        elif isinstance(more, list | tuple | np.ndarray):
            spellings += list(more)
        for words in spellings:
            if not _blank(words):
                found.setdefault(_folded(words), set()).add(str(actor))
    return {
        words: SPEAKER_PREFIX + next(iter(ids)) for words, ids in found.items() if len(ids) == 1
    }


def _speaker_keys(tellers, known: dict[str, str]) -> list[str | None]:
    """The origin key of each distinct speaker; spellings of one teller share the first's key."""
    first: dict[str, str] = {}
    keys = []
    for teller in tellers:
        key = speaker_key(teller)
        if key is None:
            keys.append(None)
            continue
        folded = _folded(key.removeprefix(SPEAKER_PREFIX))
        keys.append(known.get(folded) or first.setdefault(folded, key))
    return keys


def relayed_tellers(frame: pd.DataFrame, origin: pd.Series) -> pd.Series:
    """Each row that relays a source takes the teller that source's own row of its claim names.

    An outlet relaying Reuters, which quotes a ministry's spokesman, passes on
    the spokesman: one origin however long the chain. Where the relayed
    source has no row of the claim, or rows naming different tellers, the
    row keeps the origin it has. ``frame`` needs ``claim_id``, ``source_id``
    and ``relays``.

    Examples
    --------
    >>> rows = pd.DataFrame({"claim_id": ["c", "c", "c"], "source_id": ["reu", "ew", "col"],
    ...                      "relays": [None, "reu", "ew"], "speaker": ["FM", None, None]})
    >>> relayed_tellers(rows, pd.Series(["speaker:FM", "reu", "ew"])).tolist()
    ['speaker:FM', 'speaker:FM', 'speaker:FM']
    """
    if "relays" not in frame or "claim_id" not in frame:
        return origin
    wanted = frame["relays"].notna().to_numpy(bool).copy()
    if "speaker" in frame:
        wanted &= frame["speaker"].isna().to_numpy(bool)
    if "told" in frame:
        wanted &= (frame["told"].astype(object) != "unattributed").to_numpy(bool)
    if not wanted.any():
        return origin
    origin = pd.Series(
        np.array(origin.to_numpy(dtype=object, na_value=None)), index=frame.index, dtype=object
    )
    # Only the claims of relaying rows are looked through: an import's half a
    # million rows relay nothing.
    involved = frame["claim_id"].isin(set(frame["claim_id"].to_numpy()[wanted])).to_numpy(bool)
    rows = np.flatnonzero(involved)
    claims = frame["claim_id"].astype(str).to_numpy()[rows]
    sources = frame["source_id"].astype(str).to_numpy()[rows]
    relays = frame["relays"].astype(object).to_numpy()[rows]
    # A relay passes on what the relayed outlet's teller said on the same side:
    # Reuters quoting a minister who reports it and rebels who deny it gives a
    # relay of the report the minister, not the rebels.
    sides = (
        frame["status"].map(stance).astype(str).to_numpy()[rows]
        if "status" in frame
        else np.full(len(rows), "for", dtype=object)
    )
    at = np.flatnonzero(wanted[rows])
    mine = pd.Series(origin.to_numpy()[rows], dtype=object)
    # One pass per link of the longest chain; a loop (refused by validation) stops.
    for _ in range(min(len(at), 16)):
        told: dict[tuple[str, str, str], set] = {}
        for claim, source, side, teller in zip(
            claims, sources, sides, mine.to_numpy(), strict=True
        ):
            if not pd.isna(teller):
                told.setdefault((claim, source, side), set()).add(teller)
        changed = False
        for i in at:
            tellers = told.get((claims[i], str(relays[i]), sides[i]))
            if tellers is not None and len(tellers) == 1:
                (teller,) = tellers
                if mine.iat[i] != teller:
                    mine.iat[i] = teller
                    changed = True
        if not changed:
            break
    origin.iloc[rows] = mine.to_numpy()
    return origin


def row_origins(
    frame: pd.DataFrame,
    origins: dict[str, str | None],
    known: dict[str, str] | Callable[[], dict[str, str]] | None = None,
) -> pd.Series:
    """The independent origin of each row: who first told what it reports.

    A row that names a ``speaker`` comes from that speaker (``speaker:…``);
    one that repeats a claim with no teller (``told`` unattributed) has no
    origin; otherwise its origin is the source it ``relays``, else its own
    source, followed up ``derived_from`` (None where that ends at a tertiary
    work). Rows without an origin are kept as reports but never counted as
    independent origins. Speakers are one teller whatever their case or
    Unicode form, and words that are an actor's name or alias are that actor
    (``known``: :func:`actor_tellers`, or a function making it, called only
    where a row names a speaker: ten thousand actors' spellings cost 50 ms).

    Examples
    --------
    >>> rows = pd.DataFrame({"source_id": ["mg", "mg", "bbc", "afp", "g"],
    ...                      "relays": [None, "ard", None, "pm", None],
    ...                      "speaker": [None, None, None, "el-para", None],
    ...                      "told": [None, None, None, "interview", "unattributed"]})
    >>> origins = {"mg": "mg", "ard": "ard", "bbc": "bbc", "afp": "afp", "pm": "pm", "g": "g"}
    >>> row_origins(rows, origins).fillna("(none)").tolist()
    ['mg', 'ard', 'bbc', 'speaker:el-para', '(none)']
    """
    # In Arrow: a million imported rows, most citing one source, stay vectorised.
    source = _text(frame["source_id"])
    said_by = source
    if "relays" in frame and frame["relays"].notna().any():
        relays = _blank_as_null(_text(frame["relays"]))
        said_by = pc.coalesce(relays, source)
    keys = pa.array(list(origins), type=pa.string())
    roots = pa.array(list(origins.values()), type=pa.string())
    at = pc.index_in(said_by, value_set=keys)
    # A source the map does not hold is its own origin; one it maps to None has none.
    origin = pc.if_else(pc.is_null(at), said_by, pc.take(roots, at))
    if "speaker" in frame and frame["speaker"].notna().any():
        # Keyed once per distinct teller, not once per row: a million rows name a few.
        codes, tellers = pd.factorize(frame["speaker"].astype(object))
        spellings = known() if callable(known) else known
        keyed = np.array([*_speaker_keys(tellers, spellings or {}), None], dtype=object)
        spoken = pa.array(keyed[codes], type=pa.string())
        origin = pc.coalesce(spoken, pc.cast(origin, pa.string()))
    if "told" in frame and frame["told"].notna().any():
        echo = pc.fill_null(pc.equal(_text(frame["told"]), "unattributed"), False)
        origin = pc.if_else(echo, pa.scalar(None, pa.string()), pc.cast(origin, pa.string()))
    return _text_series(origin, frame.index)
