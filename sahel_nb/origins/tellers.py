"""Who first told each row: ``derived_from`` chains to an origin, tertiary works, speakers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


def row_origins(frame: pd.DataFrame, origins: dict[str, str | None]) -> pd.Series:
    """The independent origin of each row: who first told what it reports.

    A row that names a ``speaker`` comes from that speaker (``speaker:…``);
    one that repeats a claim with no teller (``told`` unattributed) has no
    origin; otherwise its origin is the source it ``relays``, else its own
    source, followed up ``derived_from`` (None where that ends at a tertiary
    work). Rows without an origin are kept as reports but never counted as
    independent origins.

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
        keyed = np.array([speaker_key(t) for t in tellers] + [None], dtype=object)
        spoken = pa.array(keyed[codes], type=pa.string())
        origin = pc.coalesce(spoken, pc.cast(origin, pa.string()))
    if "told" in frame and frame["told"].notna().any():
        echo = pc.fill_null(pc.equal(_text(frame["told"]), "unattributed"), False)
        origin = pc.if_else(echo, pa.scalar(None, pa.string()), pc.cast(origin, pa.string()))
    return _text_series(origin, frame.index)
