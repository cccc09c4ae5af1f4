"""Payment claims: every report of one payment as one payment, their totals, what moved in kind."""

from __future__ import annotations

import pandas as pd

from ..cite import short_names, teller_names
from ..data import Dataset
from ..dates import in_window
from ..exceptions import ParameterError
from ..origins import claims_of
from ..schema import SUPPORTING_STATUSES
from .dollars import not_converted, to_usd

__all__ = [
    "DEMAND", "flow_summary", "money_moved", "non_monetary", "payment_claims", "placed_in_time"
]  # fmt: skip

#: The flow type of an amount asked for: no money moved, so never in a total.
DEMAND = "ransom demand"


def money_moved(flows: pd.DataFrame) -> pd.DataFrame:
    """The flows that moved money or goods: every flow but ransom demands.

    Examples
    --------
    >>> frame = pd.DataFrame({"flow_type": ["ransom", "ransom demand"], "amount": [1.0, 5.0]})
    >>> money_moved(frame)["amount"].tolist()
    [1.0]
    """
    return flows[(flows["flow_type"].astype(str) != DEMAND).to_numpy(bool)]


def _year(dates: pd.Series) -> pd.Series:
    return dates.dt.year.astype("Int64")


def _flow_years(flows: pd.DataFrame, events: pd.DataFrame) -> pd.Series:
    """The year whose money each flow's amounts are in.

    Its ``amount_year`` where the source gives the figure in another year's
    money (a writer of 2010 converting a 2003 payment to dollars), else the
    flow's own year, else its event's (a ransom paid at a date not given:
    the kidnapping's).
    """
    event_years = _year(events.set_index("event_id")["date_start"])
    fallback = flows["event_id"].map(event_years).astype("Int64")
    own = _year(flows["date_start"]).fillna(fallback)
    if "amount_year" in flows:
        return flows["amount_year"].astype("Int64").fillna(own)
    return own


def placed_in_time(claims: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """``date_start``/``date_end`` of each payment to window it by: its own, else its event's.

    A ransom whose sources give no date of payment is money paid for a
    kidnapping of that time: a window over the kidnapping holds it, rather
    than every window leaving it out as undated. Its own ``date`` stays empty.
    Only for choosing which payments a period holds; nothing is said to be paid then.

    Examples
    --------
    >>> from sahel_nb.dates import partial_date_span
    >>> events = pd.DataFrame({"event_id": ["k"], "date": ["2011-02"]})
    >>> events["date_start"], events["date_end"] = partial_date_span(events["date"])
    >>> claims = pd.DataFrame({"date": [None, "2012"], "event_id": ["k", "k"]})
    >>> claims["date_start"], claims["date_end"] = partial_date_span(claims["date"])
    >>> placed = placed_in_time(claims, events)
    >>> [str(d.date()) for d in placed["date_start"]]
    ['2011-02-01', '2012-01-01']
    """
    by_event = events.drop_duplicates("event_id").set_index("event_id")
    undated = claims["date_start"].isna() & claims["date_end"].isna()
    placed = claims[["date_start", "date_end"]].copy()
    for side in ("date_start", "date_end"):
        theirs = claims["event_id"].map(by_event[side])
        placed[side] = placed[side].where(~undated, theirs)
    return placed


def _figure(amount, low, high, currency) -> str | None:
    if pd.notna(amount) and pd.isna(low) and pd.isna(high):
        return f"{amount:,.0f} {currency}"
    if pd.notna(low) or pd.notna(high):
        ends = "–".join(f"{v:,.0f}" for v in (low, high) if pd.notna(v))
        best = f" (best {amount:,.0f})" if pd.notna(amount) else ""
        return f"{ends} {currency}{best}"
    return None


def payment_claims(dataset: Dataset, *, base_year: int | None = None) -> pd.DataFrame:
    """Return one row per flow claim: every report of one payment as one payment, with a range.

    Each claim keeps the row :func:`sahel_nb.origins.one_per_claim` picks to
    speak for it (payer, payee, date, status…) and gains:

    - ``usd_low``/``usd_high`` (or ``usd_<base_year>_low``/``_high``): the
      lowest and highest figure any report gives, in dollars of each report's
      year (constant dollars with ``base_year``); empty when no report gives
      an amount. A report's own range counts by its ends.
    - ``figures``: the range in the original currencies (``4,600,000–5,000,000
      EUR; 7,300,000 USD``).
    - ``reported_as``: every report side by side, denials last
      (``4,600,000 EUR per Mail & Guardian 2003 ¶8 (alleged); … denied by BBC
      News 2003 ¶6``).

    Demands stay their own claims (a claim never mixes flow types).

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> claims = payment_claims(load_dataset("tests/fixtures/claims")).set_index("claim_id")
    >>> claims.loc["c-ransom", "figures"]
    '4,600,000 EUR; 7,300,000 USD'
    >>> round(claims.loc["c-ransom", "usd_low"]), round(claims.loc["c-ransom", "usd_high"])
    (5193304, 7300000)
    """
    flows = dataset.flows
    unit = "usd" if base_year is None else f"usd_{base_year}"
    rows = flows.copy()
    years = _flow_years(rows, dataset.events)
    rows["low_end"] = rows["amount_low"].fillna(rows["amount"])
    rows["high_end"] = rows["amount_high"].fillna(rows["amount"])
    for end in ("low_end", "high_end"):
        values = pd.Series(pd.NA, index=rows.index, dtype="Float64")
        ok = rows[end].notna() & years.notna()
        if ok.any():
            values[ok] = to_usd(
                rows.loc[ok, end], rows.loc[ok, "currency"], years[ok], base_year=base_year
            )
        rows[f"{unit}_{end.removesuffix('_end')}"] = values
    claims = claims_of(dataset, "flows")
    if claims.empty:
        for column in (f"{unit}_low", f"{unit}_high"):
            claims[column] = pd.Series(dtype="Float64")
        claims["not_converted"] = pd.Series(dtype=object)
        claims["figures"] = pd.Series(dtype=object)
        claims["reported_as"] = pd.Series(dtype=object)
        return claims
    supporting = rows["status"].astype(str).isin(SUPPORTING_STATUSES)
    backing = rows[supporting]
    # The range is the first tellers' figures alone; an echo's figure (a report
    # that names no teller) is listed beside it, never in it, even where no
    # teller gives one: a figure nobody is said to have told is no one's range.
    echo = backing["origin"].isna() if "origin" in backing else backing["status"].isna()
    echoed = set(backing.loc[echo & backing["low_end"].notna(), "claim_id"]) - set(
        backing.loc[~echo & backing["low_end"].notna(), "claim_id"]
    )
    by_claim = backing[~echo].groupby("claim_id")
    low = by_claim[f"{unit}_low"].min()
    high = by_claim[f"{unit}_high"].max()
    claims[f"{unit}_low"] = claims["claim_id"].map(low).astype("Float64")
    claims[f"{unit}_high"] = claims["claim_id"].map(high).astype("Float64")
    # Why a payment with a figure has no dollars: said, never left to a blank.
    given = backing["low_end"].notna()
    why = not_converted(
        backing.loc[given, "low_end"], backing.loc[given, "currency"], years[supporting][given],
        base_year=base_year,
    ).dropna()  # fmt: skip
    why = why.groupby(backing.loc[why.index, "claim_id"]).first()
    for claim in echoed:
        why[claim] = "only reports that name no teller give a figure (listed beside, not a range)"
    claims["not_converted"] = claims["claim_id"].map(why).where(claims[f"{unit}_low"].isna())
    if rows["claim_id"].is_unique:
        # Imported datasets: one report per claim, nothing to lay side by side.
        figures = [
            _figure(a, lo, hi, c)
            for a, lo, hi, c in zip(
                flows["amount"],
                flows["amount_low"],
                flows["amount_high"],
                flows["currency"],
                strict=True,
            )
        ]
        # A figure only a report naming no teller gives is no claim's range (as below).
        no_teller = flows["origin"].isna().to_numpy(bool) if "origin" in flows else None
        if no_teller is not None:
            figures = [None if e else f for f, e in zip(figures, no_teller, strict=True)]
        by_id = dict(zip(flows["claim_id"], figures, strict=True))
        claims["figures"] = claims["claim_id"].map(by_id)
        claims["reported_as"] = None
        return claims
    names = short_names(dataset.sources)
    tellers = teller_names(dataset.sources, dataset.actors)
    figures: dict[str, list] = {}
    said: dict[str, list] = {}
    ordered = rows.assign(against=~supporting).sort_values(
        ["claim_id", "against", "date_start", "flow_id"], na_position="last", kind="stable"
    )
    for row in ordered.itertuples(index=False):
        where = f"{names.get(row.source_id, row.source_id)} {row.locator}"
        if row.status in ("denied", "disputed"):
            # Who contests it, where the source quotes someone: the outlet
            # only carries the words of a party with an interest in them.
            origin = getattr(row, "origin", None)
            teller = (
                tellers.get(origin, origin.removeprefix("speaker:"))
                if isinstance(origin, str)
                else None
            )
            who = where if teller is None or origin == row.source_id else f"{teller} (in {where})"
            verb = "denied by" if row.status == "denied" else "called disputed by"
            said.setdefault(row.claim_id, []).append(f"{verb} {who}")
            continue
        figure = _figure(row.amount, row.amount_low, row.amount_high, row.currency)
        in_money = "" if pd.isna(row.amount_year) else f", in {row.amount_year} money"
        if pd.isna(row.origin):
            said.setdefault(row.claim_id, []).append(
                f"{figure or 'amount not given'} per {where} ({row.status}{in_money}; "
                "names no teller, so not in the range)"
            )
            continue
        if pd.notna(row.low_end):
            figures.setdefault(row.claim_id, {}).setdefault(row.currency, []).extend(
                [row.low_end, row.high_end]
            )
        said.setdefault(row.claim_id, []).append(
            f"{figure or 'amount not given'} per {where} ({row.status}{in_money})"
        )

    def ranges(claim: str) -> str | None:
        by_currency = figures.get(claim)
        if not by_currency:
            return None
        parts = []
        for currency in sorted(by_currency):
            values = by_currency[currency]
            low, high = min(values), max(values)
            span = f"{low:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}"
            parts.append(f"{span} {currency}")
        return "; ".join(parts)

    claims["figures"] = claims["claim_id"].map(ranges)
    claims["reported_as"] = claims["claim_id"].map(lambda c: "; ".join(said.get(c, [])) or None)
    return claims


def flow_summary(
    dataset: Dataset,
    by: str = "payer",
    *,
    start=None,
    end=None,
    base_year: int | None = None,
    combine_statuses: bool = False,
) -> pd.DataFrame:
    """Return money totals per group in US dollars, each payment counted once, as ranges.

    Every report of one payment is one claim (:func:`payment_claims`): a
    total adds each claim once, by the low and the high end of what its
    reports say, so two reports of one ransom never make two ransoms.
    Ransom demands and claims that are only denied are left out: neither is
    money that moved. Reported, alleged and estimated money (the strongest
    status any report of the claim gives) sit in separate columns, each a
    ``_low`` and ``_high`` end, and are never added together unless
    ``combine_statuses=True``, which adds columns named for what they mix.
    Beside them: how many payment claims had an amount, how many had none
    (unknown, in kind), how many had an amount that cannot be converted (no
    year, or no rate for its currency and year: left out of the totals, the
    run goes on),
    how many reports they gather and how many are contested (a report and a
    denial). Money converts at its report's year, else its event's;
    ``by="year"`` groups by the claim's own date, else by its event's year
    said as such ("2011 (its event's year)"), and a window holds a payment
    with no date of its own by its event's (:func:`placed_in_time`). A group
    with no amount of a status shows nothing there, not 0.

    Parameters
    ----------
    by : {"payer", "payee", "year", "flow_type"}
    base_year : int, optional
        Constant dollars of this year; by default, dollars of each report's year.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> summary = flow_summary(load_dataset("tests/fixtures/claims"), by="payer")
    >>> [round(v) for v in summary.loc["Germany", ["alleged_usd_low", "alleged_usd_high"]]]
    [5193304, 7300000]
    >>> int(summary.loc["Germany", "reports"]), int(summary.loc["Germany", "contested"])
    (3, 1)
    """
    keys = {"payer": "payer", "payee": "payee", "year": "year", "flow_type": "flow_type"}
    if by not in keys:
        raise ParameterError(f"by={by!r}: choose one of {', '.join(keys)}")
    claims = payment_claims(dataset, base_year=base_year)
    # A demand is an amount asked for, not money that moved: never totalled.
    claims = money_moved(claims)
    claims = claims[(claims["agreement"] != "denied").to_numpy(bool)]
    placed = placed_in_time(claims, dataset.events)
    kept = in_window(placed, start, end).to_numpy(bool)
    claims, placed = claims[kept].copy(), placed[kept]
    names = dataset.actors.set_index("actor_id")["name"]
    if by in ("payer", "payee"):
        group = claims[by].map(names).fillna("(not given)")
    elif by == "year":  # the claim's own date, else its event's, said to be that
        own = _year(claims["date_start"]).astype("string")
        theirs = _year(placed["date_start"]).astype("string") + " (its event's year)"
        group = own.fillna(theirs).fillna("(no date)")
    else:
        group = claims["flow_type"].astype(str)
    claims["group"] = group.astype(str)
    unit = "usd" if base_year is None else f"usd_{base_year}"
    out = pd.DataFrame(index=pd.Index(sorted(claims["group"].unique()), name=by))
    for status in SUPPORTING_STATUSES:
        chosen = claims[claims["status"] == status]
        for end_ in ("low", "high"):
            out[f"{status}_{unit}_{end_}"] = chosen.groupby("group")[f"{unit}_{end_}"].sum(
                min_count=1
            )
    out = out.astype("Float64")
    known = claims["figures"].notna()
    grouped = claims.groupby("group")
    out["claims_with_amount"] = known.groupby(claims["group"]).sum()
    out["claims_unknown_amount"] = (~known).groupby(claims["group"]).sum()
    out["claims_not_converted"] = (
        (known & claims[f"{unit}_low"].isna()).groupby(claims["group"]).sum()
    )
    out["reports"] = grouped["reports"].sum()
    out["contested"] = (claims["agreement"] == "contested").groupby(claims["group"]).sum()
    if combine_statuses:
        for end_ in ("low", "high"):
            label = f"all_statuses_{unit}_{end_} (reported + alleged + estimated)"
            parts = [f"{s}_{unit}_{end_}" for s in SUPPORTING_STATUSES]
            out[label] = out[parts].sum(axis=1, min_count=1)
    counts = [
        "claims_with_amount", "claims_unknown_amount", "claims_not_converted", "reports",
        "contested",
    ]  # fmt: skip
    out[counts] = out[counts].fillna(0).astype("Int64")
    return out


def non_monetary(dataset: Dataset) -> pd.DataFrame:
    """Return the flows known only in kind or without an amount, one per claim, with their sources.

    A claim is listed here when none of its reports gives an amount; denied
    claims are left out.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> "fuel (gasoline) and food" in non_monetary(load_dataset())["in_kind"].tolist()
    True
    """
    names = dataset.actors.set_index("actor_id")["name"]
    claims = payment_claims(dataset)
    flows = claims[claims["figures"].isna() & (claims["agreement"] != "denied")]
    flows = flows.sort_values("flow_id")
    return pd.DataFrame(
        {
            "flow_id": flows["flow_id"],
            "flow_type": flows["flow_type"].astype(str),
            "payer": flows["payer"].map(names),
            "payee": flows["payee"].map(names),
            "via": flows["intermediary"].map(names),
            "in_kind": flows["in_kind"],
            "date": flows["date"],
            "status": flows["status"].astype(str),
            "credibility": flows["credibility"],
            "support": flows["support"],
            "source": flows["cited"],
        }
    ).reset_index(drop=True)
