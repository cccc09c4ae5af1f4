"""One row per claim: which rows make a claim, the row that speaks for it, its counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..arrowtext import isin as _isin
from ..schema import SUPPORTING_STATUSES
from .agreement import agreement, support_wording
from .text import _STRING, _text, _text_series

if TYPE_CHECKING:
    from collections.abc import Iterable


def claim_keys(frame: pd.DataFrame, id_column: str) -> pd.Series:
    """Each row's claim: its ``claim_id``, or its own id where that is empty.

    Examples
    --------
    >>> rows = pd.DataFrame({"flow_id": ["a", "b", "c"], "claim_id": ["c1", "c1", None]})
    >>> claim_keys(rows, "flow_id").tolist()
    ['c1', 'c1', 'c']
    """
    own = _text(frame[id_column], whole=False)
    if "claim_id" not in frame:
        return _text_series(own, frame.index)
    if not frame["claim_id"].notna().any():
        return _text_series(own, frame.index)
    claims = _text(frame["claim_id"], whole=False)
    claims = pc.if_else(pc.equal(claims, ""), pa.scalar(None, pa.string()), claims)
    return _text_series(pc.coalesce(claims, own), frame.index)


_STRENGTH = {"reported": 0, "estimated": 1, "alleged": 2, "disputed": 3, "denied": 4}


_ACTOR_SLOTS = {
    "relationships": ("actor_a", "actor_b"),
    "events": ("actor1", "actor2"),
    "flows": ("payer", "payee"),
}


def memberships(relationships: pd.DataFrame) -> dict[str, set[str]]:
    """Each actor's groups: whom it leads or belongs to, by reported ``leadership/membership`` ties.

    Examples
    --------
    >>> rels = pd.DataFrame({"actor_a": ["adc"], "actor_b": ["tuareg"], "kind":
    ...     ["leadership/membership"], "directed": [True], "status": ["reported"]})
    >>> memberships(rels)
    {'adc': {'tuareg'}}
    """
    ties = relationships[
        (relationships["kind"].astype(str) == "leadership/membership")
        & relationships["directed"].astype(bool)
        & relationships["status"].astype(str).isin(SUPPORTING_STATUSES)
    ]
    groups: dict[str, set[str]] = {}
    for member, group in zip(ties["actor_a"], ties["actor_b"], strict=True):
        groups.setdefault(member, set()).add(group)
    return groups


def _narrower(frame: pd.DataFrame, groups: dict[str, set[str]]) -> pd.Series:
    """Rows naming a member where another report of the same claim names its group."""
    slots = next((s for s in _ACTOR_SLOTS.values() if set(s) <= set(frame)), None)
    narrower = pd.Series(False, index=frame.index)
    if slots is None or not groups:
        return narrower
    shared = frame[frame["claim_id"].duplicated(keep=False)]
    for _, claim in shared.groupby("claim_id"):
        for slot in slots:
            named = set(claim[slot].dropna())
            for position, actor in claim[slot].items():
                if isinstance(actor, str) and groups.get(actor, set()) & named:
                    narrower[position] = True
    return narrower


def one_per_claim(
    frame: pd.DataFrame, groups: dict[str, set[str]] | None = None, *, in_order: bool = True
) -> pd.DataFrame:
    """Collapse a loaded claim table to one row per claim, so nothing is counted twice.

    The row kept speaks for the claim: among the rows that report it, one
    naming the broadest actors (with ``groups`` from :func:`memberships`, a
    row naming the ADC gives way to one naming the Tuareg it belongs to, so
    a faction's fight and "the Tuaregs'" meet on one tie), then the best
    graded (credibility, then the source's reliability), then the most
    precise date, then the first id; a dataset's record (cited by ``row N``
    of its export) speaks only where no curated report does, and a payment's
    row giving a figure comes before one that gives none. Its ``status``
    becomes the strongest any report gives (reported, estimated, alleged;
    ``denied`` or ``disputed`` only when no row reports it) and its ``credibility`` the best of them.
    Added columns: ``reports`` (rows), ``origins`` (independent origins
    reporting it), ``denials`` (rows denying it), ``agreement`` (see
    :data:`AGREEMENT`), ``support`` (its wording) and ``cited`` (every row's
    ``source_id locator``, reports first).

    Rows come in the order of the rows that speak for them, unless
    ``in_order`` is False: then, in a table where most claims have one row
    (an import), those rows come first and the claims several rows share
    after them, which spares putting half a million rows back in order.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> flows = one_per_claim(load_dataset("tests/fixtures/claims").flows)
    >>> ransom = flows.set_index("claim_id").loc["c-ransom"]
    >>> [int(ransom[c]) for c in ("reports", "origins", "denials")], ransom["agreement"]
    ([3, 2, 1], 'contested')
    """
    id_column = frame.columns[0]
    if "agreement" in frame:  # already one row per claim
        return frame.reset_index(drop=True)
    if frame.empty:
        out = frame.copy()
        for column, dtype in (("reports", "int64"), ("origins", "int64"), ("denials", "int64")):
            out[column] = pd.Series(dtype=dtype)
        for column in ("agreement", "support", "cited"):
            out[column] = pd.Series(dtype=object)
        return out
    claim = frame["claim_id"].astype(str)
    shared = claim.duplicated(keep=False)
    if shared.any() and not shared.all():
        # Curated claims beside an import's half a million single rows: group
        # only the rows that share a claim; every row is worded as a claim of
        # its own, then the rows that do not speak for a shared claim leave
        # (one take of the table, not three) and the speaking rows take the
        # grouped values. Single rows keep their places; a shared claim goes
        # where its speaking row was.
        mask = shared.to_numpy()
        grouped = one_per_claim(frame.iloc[np.flatnonzero(mask)], groups)
        if not in_order:
            alone = np.flatnonzero(~mask)
            # Known to be a claim per row: not checked again.
            return pd.concat([_single_claims(frame.iloc[alone]), grouped], ignore_index=True)
        keep = ~mask | _isin(frame[id_column], grouped[id_column])
        out = _single_claims(frame[keep])
        at = np.flatnonzero(mask[keep])
        chosen = grouped.set_index(id_column).loc[out[id_column].to_numpy()[at]]
        for column in _GROUPED:
            if column in out:
                out.iloc[at, out.columns.get_loc(column)] = chosen[column].to_numpy()
        return out
    if not shared.any():  # a claim per row
        return _single_claims(frame)
    status = frame["status"].astype(str)
    supporting = status.isin(SUPPORTING_STATUSES)
    work = frame.copy()
    work["_support"] = ~supporting.to_numpy()
    work["_cred"] = work["credibility"].astype("float").fillna(9)
    work["_rel"] = work["reliability"].cat.codes if "reliability" in work else 0
    span_column = next((c for c in ("date_start", "start_start") if c in work), None)
    if span_column is not None:
        end_column = (
            span_column.replace("_start", "_end") if span_column == "date_start" else "end_end"
        )
        if end_column in work:
            width = (work[end_column] - work[span_column]).dt.days.astype("float")
        else:
            width = pd.Series(float("inf"), index=work.index)
        work["_width"] = width.fillna(float("inf"))
    else:
        work["_width"] = 0.0
    work["_strength"] = status.map(_STRENGTH).to_numpy()
    # A report that names its teller speaks for a claim before an echo of it.
    work["_echo"] = work["origin"].isna().to_numpy(bool) if "origin" in work else False
    # A payment is spoken for by a teller who gives its figure, before one who gives none.
    figures = [c for c in ("amount", "amount_low", "amount_high") if c in work]
    work["_nofigure"] = work[figures].isna().all(axis=1).to_numpy(bool) if figures else False
    work["_narrow"] = _narrower(work, groups or {})
    # A dataset's record matched to a curated claim (cited by row of its
    # export) speaks for it only where no curated report does.
    work["_by_row"] = work["locator"].astype(str).str.startswith("row ").to_numpy(bool)
    keys = [
        "claim_id", "_support", "_by_row", "_echo", "_nofigure", "_narrow", "_cred", "_rel",
        "_width", id_column,
    ]  # fmt: skip
    ordered = work.sort_values(keys, kind="stable")
    groups = ordered.groupby("claim_id", sort=False)
    out = groups.head(1).set_index("claim_id", drop=False)
    best_status = groups["_strength"].min()
    inverse = {v: k for k, v in _STRENGTH.items()}
    out["status"] = best_status.map(inverse).reindex(out.index).astype(frame["status"].dtype)
    support_rows = ordered[~ordered["_support"]]
    best_cred = support_rows.groupby("claim_id")["credibility"].min()
    out["credibility"] = (
        best_cred.reindex(out.index).fillna(out["credibility"]).astype(frame["credibility"].dtype)
    )
    if "credibility_label" in frame:
        out["credibility_label"] = pd.Categorical.from_codes(
            out["credibility"].to_numpy().astype(int) - 1,
            dtype=frame["credibility_label"].dtype,
        )
    out["reports"] = groups.size().reindex(out.index).to_numpy()
    out["origins"] = (
        support_rows.groupby("claim_id")["origin"]
        .nunique()
        .reindex(out.index)
        .fillna(0)
        .astype(int)
    )
    out["denials"] = (
        ordered[status.reindex(ordered.index) == "denied"]
        .groupby("claim_id")
        .size()
        .reindex(out.index)
        .fillna(0)
        .astype(int)
    )
    backing = support_rows.groupby("claim_id").size().reindex(out.index).fillna(0).astype(int)
    disputes = (
        ordered[status.reindex(ordered.index) == "disputed"]
        .groupby("claim_id")
        .size()
        .reindex(out.index)
        .fillna(0)
        .astype(int)
    )
    # Whether a claim reads as alleged is the tellers' word: a tertiary work or an
    # echo stating it as fact does not make it reported (unless nothing else tells it).
    traced = (
        support_rows[support_rows["origin"].notna().to_numpy(bool)]
        if "origin" in support_rows
        else support_rows
    )
    told = support_rows[~support_rows["claim_id"].isin(set(traced["claim_id"])).to_numpy(bool)]
    voiced = pd.concat([traced, told])
    alleged_only = (
        voiced.assign(_a=voiced["status"].astype(str) == "alleged")
        .groupby("claim_id")["_a"]
        .all()
        .reindex(out.index)
        .fillna(False)
    )
    # A denial only a report naming no teller makes is listed, but contests nothing.
    denying = ordered[status.reindex(ordered.index) == "denied"]
    if "origin" in denying:
        denying = denying[denying["origin"].notna().to_numpy(bool)]
    traced_denials = denying.groupby("claim_id").size().reindex(out.index).fillna(0).astype(int)
    out["agreement"] = [
        agreement(o, d, x, supporting=n, untraced_denials=all_d - d)
        for o, d, x, n, all_d in zip(
            out["origins"], traced_denials, disputes, backing, out["denials"], strict=True
        )
    ]
    out["support"] = [
        support_wording(label, o, r, d, bool(a))
        for label, o, r, d, a in zip(
            out["agreement"],
            out["origins"],
            out["reports"],
            out["denials"],
            alleged_only,
            strict=True,
        )
    ]
    cited = ordered["source_id"].astype(str) + " " + ordered["locator"].astype(str)
    out["cited"] = (
        cited.groupby(ordered["claim_id"], sort=False)
        .agg(lambda values: "; ".join(dict.fromkeys(values)))
        .reindex(out.index)
    )
    helpers = [
        "_support", "_by_row", "_echo", "_nofigure", "_narrow", "_cred", "_rel", "_width",
        "_strength",
    ]  # fmt: skip
    out = out.drop(columns=helpers)
    # Back in the table's own order, so callers that sort keep their meaning.
    position = pd.Series(range(len(frame)), index=frame[id_column].to_numpy())
    out = out.iloc[position.reindex(out[id_column]).argsort(kind="stable")]
    return out.reset_index(drop=True)


#: Columns :func:`one_per_claim` sets from all the reports of a claim, not its speaking row alone.
_GROUPED = (
    "status", "credibility", "credibility_label", "reports", "origins", "denials", "agreement",
    "support", "cited",
)  # fmt: skip


#: The columns :func:`one_per_claim` reads to choose the row that speaks for a claim.
_CHOOSING = (
    "claim_id", "status", "credibility", "credibility_label", "reliability", "origin",
    "source_id", "locator", "date_start", "date_end", "start_start", "end_end",
    "amount", "amount_low", "amount_high",
    *(slot for slots in _ACTOR_SLOTS.values() for slot in slots),
)  # fmt: skip


def _single_claims(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`one_per_claim` of rows that are each a claim of their own."""
    status = frame["status"].astype(str)
    supporting = status.isin(SUPPORTING_STATUSES)
    denied = status == "denied"
    disputed = status == "disputed"
    # Imported datasets: a claim per row. Nothing to group, and half a
    # million rows take only a few distinct labels: computed once each.
    out = frame.copy(deep=False)  # new columns only: the table's own stay shared
    out["reports"] = 1
    traced = supporting.to_numpy(bool)
    if "origin" in frame:
        traced = traced & frame["origin"].notna().to_numpy(bool)
    out["origins"] = traced.astype(int)
    out["denials"] = denied.astype(int).to_numpy()
    alleged = (status == "alleged").to_numpy()
    # A denial that names no teller contests nothing (as in one_per_claim).
    traced_denial = denied.to_numpy(bool)
    if "origin" in frame:
        traced_denial = traced_denial & frame["origin"].notna().to_numpy(bool)
    # Each row is one of 64 cases (denied by a teller, supporting, with an
    # origin, denied, disputed, alleged): worded once each, looked up by number.
    case = (
        traced_denial * 32
        + supporting.to_numpy(bool) * 16
        + traced * 8
        + denied.to_numpy(bool) * 4
        + disputed.to_numpy(bool) * 2
        + alleged.astype(bool)
    )
    labels = np.empty(64, dtype=object)
    wording = np.empty(64, dtype=object)
    for number in np.unique(case).tolist():
        t_, s_, o_ = (number >> 5) & 1, (number >> 4) & 1, (number >> 3) & 1
        d_, x_, a_ = (number >> 2) & 1, (number >> 1) & 1, number & 1
        labels[number] = agreement(o_, t_, x_, supporting=s_, untraced_denials=d_ - t_)
        wording[number] = support_wording(labels[number], o_, 1, d_, bool(a_))
    out["agreement"] = labels[case]
    out["support"] = wording[case]
    source, locator = _text(frame["source_id"]), _text(frame["locator"])
    cited = pc.binary_join_element_wise(
        source, pc.cast(locator, source.type), pa.scalar(" ", source.type)
    )
    out["cited"] = pd.Series(cited, index=frame.index, dtype=_STRING).to_numpy()
    return out.reset_index(drop=True)


def claims_of(
    dataset, table: str, columns: Iterable[str] | None = None, *, in_order: bool = True
) -> pd.DataFrame:
    """One row per claim of a loaded ``dataset``'s ``table``, broadest actors first.

    :func:`one_per_claim` with the dataset's own membership ties. With
    ``columns``, only those are kept, beside the id and the columns that
    choose the row and count its support: half a million events' notes are
    not carried through the grouping when a caller needs none of them.
    ``in_order`` as in :func:`one_per_claim`.
    """
    frame = dataset.tables[table]
    if columns is not None:
        wanted = {frame.columns[0], *columns, *_CHOOSING}
        frame = frame[[column for column in frame.columns if column in wanted]]
    return one_per_claim(frame, memberships(dataset.relationships), in_order=in_order)
