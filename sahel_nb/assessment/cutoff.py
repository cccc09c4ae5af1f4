"""An assessment's information cut-off: what was known by then, and what is left out."""

from __future__ import annotations

import dataclasses

import pandas as pd

from ..dates import partial_date_span

__all__ = ["before_cut_off"]

_DATED = {"relationships": "start_start", "events": "date_start", "flows": "date_start"}


def before_cut_off(dataset, cut_off: str | None):
    """The data as known at ``cut_off``, and how many rows of each table were left out.

    A row is left out when its source was published after the cut-off (the
    analyst could not have read it), or when what it tells began after it.
    A partial cut-off ("2010-02") runs to the end of the period it names.

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
    _, end = partial_date_span(pd.Series([str(cut_off)]))
    last = end.iloc[0]
    sources = dataset.sources
    late = set(sources.loc[sources["published_start"] > last, "source_id"].astype(str))
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
