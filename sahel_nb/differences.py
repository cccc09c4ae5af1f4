"""Where the reports of one event disagree — its date, deaths, hostages, who acted — and who says which."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .arrowtext import isin
from .cite import short_names
from .dates import date_words
from .schema import SUPPORTING_STATUSES

__all__ = ["ASPECTS", "differences_in_words", "report_differences"]

#: The parts of an event its reports can disagree on, as a reader names them.
ASPECTS = {"date": "date", "fatalities": "deaths", "hostages": "hostages", "actor1": "who acted"}

_COLUMNS = ["claim_id", "aspect", "low", "high", "said"]


def _who(sources: pd.Series, short: dict[str, str]) -> str:
    return ", ".join(sorted({short.get(s, s) for s in sources}))


def _numbers(rows: pd.DataFrame, column: str, short: dict[str, str]) -> list[dict]:
    given = rows[rows[column].notna().to_numpy(bool)]
    # A record's own range (UCDP's low and high deaths beside its best) counts as
    # the values it allows: the claim's range runs from the lowest to the highest.
    low_column, high_column = f"{column}_low", f"{column}_high"
    ranged = low_column in given and high_column in given
    low = given[low_column].fillna(given[column]) if ranged else given[column]
    high = given[high_column].fillna(given[column]) if ranged else given[column]
    given = given.assign(_low=low.astype("int64"), _high=high.astype("int64"))
    # Records disagree when they give different figures (a best, or a range): two
    # records of "3 (2–5)" agree, and so do none of a claim's single figures alike.
    told = given.assign(_best=given[column].astype("int64"))[["claim_id", "_best", "_low", "_high"]]
    distinct = told.drop_duplicates().groupby("claim_id").size()
    differ = distinct.index[(distinct > 1).to_numpy(bool)]
    out = []
    for claim_id, group in given[given["claim_id"].isin(differ)].groupby("claim_id", sort=True):
        values = group[column].astype("int64")
        labels = pd.Series(
            [f"{v:,}" if lo == hi else f"{v:,} ({lo:,}–{hi:,})"
             for v, lo, hi in zip(values, group["_low"], group["_high"], strict=True)],
            index=group.index,
        )  # fmt: skip
        order = sorted(set(zip(values, group["_low"], group["_high"], labels, strict=True)))
        said = "; ".join(
            f"{label} ({_who(group['source_id'][labels == label], short)})"
            for label in dict.fromkeys(label for *_, label in order)
        )
        out.append(
            {
                "claim_id": claim_id,
                "aspect": ASPECTS[column],
                "low": int(group["_low"].min()),
                "high": int(group["_high"].max()),
                "said": said,
            }
        )
    return out


def _dates(rows: pd.DataFrame, short: dict[str, str]) -> list[dict]:
    dated = rows[rows["date_start"].notna().to_numpy(bool)]
    spans = dated.groupby("claim_id").agg(
        latest=("date_start", "max"), earliest=("date_end", "min")
    )
    # Spans that share a day agree: "December 2009" and "18 December 2009" are one date
    # told at two precisions, not a disagreement.
    apart = spans.index[(spans["latest"] > spans["earliest"]).to_numpy(bool)]
    out = []
    for claim_id, group in dated[dated["claim_id"].isin(apart)].groupby("claim_id", sort=True):
        order = group.sort_values(["date_start", "date"], kind="stable")
        said = "; ".join(
            f"{date_words(date)} ({_who(part['source_id'], short)})"
            for date, part in order.groupby("date", sort=False)
        )
        out.append(
            {"claim_id": claim_id, "aspect": "date", "low": None, "high": None, "said": said}
        )
    return out


def _perpetrators(
    rows: pd.DataFrame, short: dict[str, str], names: dict[str, str], unnamed: set[str]
) -> list[dict]:
    named = rows[rows["actor1"].notna().to_numpy(bool) & ~rows["actor1"].isin(unnamed).to_numpy()]
    counts = named.groupby("claim_id")["actor1"].nunique()
    out = []
    for claim_id, group in named[named["claim_id"].isin(counts.index[counts > 1])].groupby(
        "claim_id", sort=True
    ):
        said = "; ".join(
            f"{names.get(actor, actor)} ({_who(part['source_id'], short)})"
            for actor, part in group.groupby("actor1", sort=True)
        )
        out.append(
            {
                "claim_id": claim_id,
                "aspect": ASPECTS["actor1"],
                "low": None,
                "high": None,
                "said": said,
            }
        )
    return out


def report_differences(dataset, claim_ids=None) -> pd.DataFrame:
    """Each claim and aspect on which the event's reports disagree, every value with who gives it.

    Only reports that tell the event (reported, alleged, estimated) are
    compared; a denial is not a second value. An empty cell is unknown, not
    a value: a report giving no death count does not disagree with one that
    gives 3. Dates disagree only when their spans share no day (a month and
    a day in it agree), and who acted only where two reports name
    different actors (an unnamed "unidentified armed group" names no one).
    Numbers keep their ``low`` and ``high``; ``said`` lists each value with
    the sources that give it, lowest or earliest first — never a sum, never
    one value picked.

    Columns: ``claim_id``, ``aspect`` (date, deaths, hostages, who acted),
    ``low``, ``high`` and ``said``. Restricted to ``claim_ids`` if given.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> found = report_differences(load_dataset("tests/fixtures/claims"))
    >>> found.columns.tolist()
    ['claim_id', 'aspect', 'low', 'high', 'said']
    """
    events = dataset.events
    # Only claims several rows tell can disagree: found first, on one column, so half a
    # million single records are never copied.
    shared = events["claim_id"].duplicated(keep=False).to_numpy(bool)
    columns = ["claim_id", "date", "date_start", "date_end", "fatalities", "hostages", "actor1",
               "source_id", "status"]  # fmt: skip
    columns += [c for c in ("fatalities_low", "fatalities_high") if c in events]
    rows = events.loc[shared, columns]
    rows = rows[rows["status"].astype(str).isin(SUPPORTING_STATUSES).to_numpy(bool)]
    rows = rows[rows["claim_id"].duplicated(keep=False).to_numpy(bool)]
    if claim_ids is not None and not rows.empty:
        rows = rows[isin(rows["claim_id"], claim_ids)]
    if rows.empty:
        return pd.DataFrame(columns=_COLUMNS)
    short = short_names(dataset.sources)
    actors = dataset.actors
    names = dict(zip(actors["actor_id"], actors["name"], strict=True))
    unnamed = set(actors.loc[actors["unnamed"].astype(bool).to_numpy(), "actor_id"])
    found = (
        _dates(rows, short)
        + _numbers(rows, "fatalities", short)
        + _numbers(rows, "hostages", short)
        + _perpetrators(rows, short, names, unnamed)
    )
    order = {aspect: n for n, aspect in enumerate(ASPECTS.values())}
    frame = pd.DataFrame(found, columns=_COLUMNS)
    frame["low"] = frame["low"].astype("Int64")
    frame["high"] = frame["high"].astype("Int64")
    rank = frame["aspect"].map(order).to_numpy(np.int64) if len(frame) else np.zeros(0, np.int64)
    return (
        frame.assign(_rank=rank)
        .sort_values(["claim_id", "_rank"], kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def differences_in_words(differences: pd.DataFrame) -> dict[str, str]:
    """Per claim, one phrase saying where its reports differ: ``deaths 0 (ACLED …); 1 (GTD …)``.

    Examples
    --------
    >>> frame = pd.DataFrame({"claim_id": ["c1"], "aspect": ["deaths"], "low": [0],
    ...                       "high": [1], "said": ["0 (ACLED 2018); 1 (GTD 2019)"]})
    >>> differences_in_words(frame)
    {'c1': 'reports differ on deaths: 0 (ACLED 2018); 1 (GTD 2019)'}
    """
    out: dict[str, str] = {}
    for claim_id, group in differences.groupby("claim_id", sort=True):
        parts = [
            f"{'the ' if row.aspect == 'date' else ''}{row.aspect}: {row.said}"
            for row in group.itertuples(index=False)
        ]
        out[claim_id] = "reports differ on " + " — ".join(parts)
    return out
