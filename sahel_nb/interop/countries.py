"""GTD country names (``country_txt``) to ISO 3166 alpha-3 codes, the historic states of 1970 on included."""

from __future__ import annotations

import csv
from functools import cache, lru_cache
from importlib.resources import files

import pandas as pd
import pycountry

__all__ = ["GTD_COUNTRIES", "NO_COUNTRY", "gtd_iso3"]

#: The table of every name GTD has put in ``country_txt`` since 1970, with its
#: code (see ``sahel_nb/reference/README.md`` for where the names come from).
GTD_COUNTRIES = "gtd_countries.csv"
#: GTD's name for attacks in international waters or airspace: known, but no country.
NO_COUNTRY = "International"


def _key(name: str) -> str:
    """A name without regard to case or spaces."""
    return " ".join(name.split()).casefold()


@cache
def _table() -> dict[str, str]:
    """The table, read once: code by name key (``""`` for International)."""
    with (files("sahel_nb") / "reference" / GTD_COUNTRIES).open(encoding="utf-8") as handle:
        return {_key(row["country_txt"]): row["iso3"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=4096)
def _iso3(name: str) -> str | None:
    """The code of one name; ``""`` for an empty name or International, None if unknown."""
    key = _key(name)
    if not key:
        return ""
    if key in _table():
        return _table()[key]
    try:
        return pycountry.countries.lookup(" ".join(name.split())).alpha_3
    except LookupError:
        return None


def gtd_iso3(names: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Return the ISO 3166 alpha-3 code of each GTD country name, and the names without one.

    A name is looked up in ``sahel_nb/reference/gtd_countries.csv`` without
    regard to case or spaces, then, if it is not there, with
    ``pycountry.countries.lookup``. Historic states take their ISO 3166-3 code
    (Soviet Union ``SUN``, Yugoslavia ``YUG``) or the one the table's note
    gives (West Germany ``DEU``, Kosovo ``XKX``). Each distinct name is looked
    up once, however many rows carry it.

    Parameters
    ----------
    names : pandas.Series
        GTD ``country_txt`` values as read; empty and missing cells allowed.

    Returns
    -------
    codes : pandas.Series
        The code of each row, with the index of ``names``; ``""`` for an
        empty name, for ``International`` (no country) and for an unknown name.
    unknown : dict of str to int
        Each name found neither in the table nor by pycountry, as written in
        ``names``, with the number of rows carrying it, most rows first. Empty
        names and ``International`` are not unknown.

    Examples
    --------
    >>> codes, unknown = gtd_iso3(pd.Series(["Mali", " soviet union", "Atlantis", "Atlantis", ""]))
    >>> codes.tolist()
    ['MLI', 'SUN', '', '', '']
    >>> unknown
    {'Atlantis': 2}
    """
    text = names.astype(object).where(names.notna(), "").astype(str)
    counts = text.value_counts(sort=False)
    found = {name: _iso3(name) for name in counts.index}
    unknown = sorted(
        ((name, int(n)) for name, n in counts.items() if found[name] is None),
        key=lambda pair: (-pair[1], pair[0]),
    )
    codes = text.map({name: code or "" for name, code in found.items()})
    return codes, dict(unknown)
