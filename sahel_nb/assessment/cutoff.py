"""An assessment's information cut-off: what was known by then, and what is left out."""

from __future__ import annotations

import dataclasses

import pandas as pd

from ..dates import partial_date_span

__all__ = ["before_cut_off", "late_sources"]

_DATED = {"relationships": "start_start", "events": "date_start", "flows": "date_start"}


def before_cut_off(dataset, cut_off: str | None, keep_undated=()):
    """The data as known at ``cut_off``, and how many rows of each table were left out.

    A row is left out when its source may have been published after the
    cut-off (the last day its date covers is later: "2010" is not known by
    2010-02-16), or gives no date at all unless ``keep_undated`` names it
    (the analyst keeps it, saying why), or when what it tells began after
    the cut-off. A partial cut-off ("2010-02") runs to the end of the period
    it names.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> data = load_dataset()
    >>> known, left_out = before_cut_off(data, "2004")
    >>> bool((known.events["date_start"].dropna() <= pd.Timestamp("2004-12-31")).all())
    True
    >>> sum(left_out.values()) > 0
    True
    """
    if not cut_off:
        return dataset, {}
    last = _last_day(cut_off)
    late = late_sources(dataset.sources, cut_off, keep_undated)
    kept, left_out = {}, {}
    for name, column in _DATED.items():
        table = getattr(dataset, name)
        after = (table[column] > last).fillna(False).to_numpy(bool) | table["source_id"].astype(
            str
        ).isin(late).to_numpy(bool)
        kept[name] = table[~after]
        if after.any():
            left_out[name] = int(after.sum())
    return dataclasses.replace(dataset, **kept), left_out


def _last_day(cut_off: str) -> pd.Timestamp:
    _, end = partial_date_span(pd.Series([str(cut_off)]))
    return end.iloc[0]


def late_sources(sources: pd.DataFrame, cut_off: str | None, keep_undated=()) -> set[str]:
    """The sources an analyst could not have read by ``cut_off`` (see :func:`before_cut_off`).

    Examples
    --------
    >>> sources = pd.DataFrame({"source_id": ["a", "b", "c"],
    ...     "published_end": pd.to_datetime(["2009-05-01", "2010-12-31", None])})
    >>> sorted(late_sources(sources, "2010-02-16")), late_sources(sources, "2010", ["c"])
    (['b', 'c'], set())
    """
    if not cut_off:
        return set()
    last = _last_day(cut_off)
    undated = sources["published_end"].isna() & ~sources["source_id"].isin(list(keep_undated))
    return set(sources.loc[(sources["published_end"] > last) | undated, "source_id"].astype(str))
