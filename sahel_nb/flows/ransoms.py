"""Kidnappings and the ransoms paid for them: one row per payment, its reports side by side."""

from __future__ import annotations

import pandas as pd
import pycountry

from ..data import Dataset
from ..dates import in_window
from ..origins import claims_of
from .dollars import not_converted, to_usd
from .payments import DEMAND, payment_claims

__all__ = ["KIDNAPPING", "ransom_table"]

#: The ACLED sub-event type of a kidnapping.
KIDNAPPING = "Abduction/forced disappearance"


def _convert(frame: pd.DataFrame, years: pd.Series, base_year: int | None) -> pd.DataFrame:
    """Add US-dollar columns for amount, amount_low and amount_high where a year is known."""
    suffix = "" if base_year is None else f"_{base_year}"
    for column in ("amount", "amount_low", "amount_high"):
        target = column.replace("amount", f"usd{suffix}")
        values = pd.Series(pd.NA, index=frame.index, dtype="Float64")
        ok = frame[column].notna() & years.notna()
        if ok.any():
            values[ok] = to_usd(
                frame.loc[ok, column], frame.loc[ok, "currency"], years[ok], base_year=base_year
            )
        frame[target] = values
    return frame


def _share(flow, names, *, amount_only: bool = False) -> str:
    if pd.isna(flow.amount):
        what = f"amount unknown — {flow.in_kind}" if pd.notna(flow.in_kind) else "amount unknown"
    else:
        what = f"{flow.amount:,.0f} {flow.currency}"
    if amount_only:
        return f"{what}, {flow.status}"
    who = names.get(flow.payee, "(not given)") if flow.flow_type != "ransom" else ""
    who = who or names.get(flow.intermediary, "(not given)")
    return f"{who}: {what}, {flow.status}"


def ransom_table(dataset: Dataset, *, start=None, end=None, base_year: int | None = None):
    """Return one row per ransom payment for each kidnapping, in date order.

    Kidnappings and payments are claims: several sources' reports of one
    kidnapping are one kidnapping, and several reports of one payment (€4.6
    million per one, $7.3 million per another) are one payment, shown with
    its range and every report side by side in ``reported_as`` (denials
    included), never as two payments. A kidnapping (ACLED's
    *Abduction/forced disappearance*) with no known payment keeps one row
    with the amounts empty, never 0. ``demanded`` lists the ransom demands
    (amount asked for and status; never added to a payment or a total).
    ``intermediaries`` describes the go-betweens of each payment and the
    shares passed on, with "amount unknown" where the data has no amount.
    ``amount``/``currency`` are the figure of the report that speaks for the
    claim (best graded, then most precise); ``usd`` converts it at the
    payment's year (or the kidnapping's); ``usd_low``/``usd_high`` span
    every report's figure. With ``base_year``, ``usd_<base_year>`` columns
    give constant dollars of that year (US CPI-U).

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> table = ransom_table(load_dataset("tests/fixtures/claims"), base_year=2024)
    >>> row = table.loc[0]
    >>> row["event_id"], int(row["reports"]), row["agreement"], round(row["usd_2024_high"])
    ('ev-kidnap-paper', 3, 'contested', 12445270)
    >>> len(table)
    1
    """
    events = dataset.events
    event_claims = claims_of(dataset, "events")
    event_claims = event_claims[event_claims["agreement"] != "denied"]
    kidnaps = event_claims[event_claims["sub_event_type"] == KIDNAPPING]
    kidnaps = kidnaps[in_window(kidnaps, start, end)]
    kidnaps = kidnaps.sort_values(["date_start", "event_id"], na_position="last")
    actors = dataset.actors.set_index("actor_id")
    names = actors["name"].to_dict()
    countries = actors["country"].to_dict()
    # A payment linked to any report of a kidnapping belongs to that kidnapping.
    claim_of_event = dict(zip(events["event_id"], events["claim_id"], strict=True))
    payments = payment_claims(dataset, base_year=None)
    payments = payments[payments["agreement"] != "denied"].sort_values("flow_id")
    if base_year is not None:
        constant = payment_claims(dataset, base_year=base_year).set_index("claim_id")
    rows = []
    # The flows of each kidnapping, looked up once: an import can hold tens of
    # thousands of kidnappings, most with no flow at all.
    by_event: dict[str, list] = {}
    for flow in payments.itertuples(index=False):
        if pd.notna(flow.event_id):
            by_event.setdefault(claim_of_event.get(flow.event_id), []).append(flow)
    for event in kidnaps.itertuples(index=False):
        linked = by_event.get(event.claim_id, [])
        ransoms = [f for f in linked if f.flow_type == "ransom"]
        shares = [f for f in linked if f.flow_type == "share of a ransom"]
        demands = [f for f in linked if f.flow_type == DEMAND]
        country = countries.get(event.actor2) if pd.notna(event.actor2) else None
        nationality = (
            pycountry.countries.get(alpha_3=country).name
            if isinstance(country, str) and country
            else None
        )
        place = ", ".join(
            str(v) for v in (event.location, event.admin1, event.country) if pd.notna(v)
        )
        cited = event.cited.split("; ")
        base = {
            "event_id": event.event_id,
            "date": event.date,
            "location": place or None,
            "hostages": event.hostages,
            "hostage_nationality": nationality,
            "kidnapper": names.get(event.actor1),
            "demanded": "; ".join(_share(f, names, amount_only=True) for f in demands) or None,
            "event_status": str(event.status),
        }
        go_betweens = [_share(f, names) for f in shares]
        linked_cites = [c for f in shares + demands for c in f.cited.split("; ")]
        for flow in ransoms or [None]:
            row = dict(base)
            if flow is None:
                row.update(flow_id=None, claim_id=None, payer=None, payee=None, payment_date=None)
                row.update(amount=pd.NA, amount_low=pd.NA, amount_high=pd.NA, currency=None)
                row.update(payment_status=None, payment_credibility=pd.NA)
                row.update(reports=0, origins=0, denials=0, agreement=None, reported_as=None)
                row.update(usd_low=pd.NA, usd_high=pd.NA)
                intermediaries = go_betweens
                sources = cited + linked_cites
            else:
                row.update(
                    flow_id=flow.flow_id,
                    claim_id=flow.claim_id,
                    payer=names.get(flow.payer),
                    payee=names.get(flow.payee),
                    payment_date=flow.date,
                    amount=flow.amount,
                    amount_low=flow.amount_low,
                    amount_high=flow.amount_high,
                    currency=flow.currency,
                    payment_status=flow.status,
                    payment_credibility=flow.credibility,
                    reports=flow.reports,
                    origins=flow.origins,
                    denials=flow.denials,
                    agreement=flow.agreement,
                    reported_as=flow.reported_as,
                    usd_low=flow.usd_low,
                    usd_high=flow.usd_high,
                )
                via = [_share(flow, names)] if pd.notna(flow.intermediary) else []
                intermediaries = via + go_betweens
                sources = [*cited, *flow.cited.split("; "), *linked_cites]
            row["intermediaries"] = "; ".join(intermediaries) or None
            row["sources"] = "; ".join(dict.fromkeys(sources))
            row["_year"] = _first_year(row["payment_date"], event.date)
            if flow is not None and pd.notna(getattr(flow, "amount_year", None)):
                row["_year"] = int(flow.amount_year)  # the money's year, as its teller gave it
            rows.append(row)
    columns = [
        "event_id", "date", "location", "hostages", "hostage_nationality", "kidnapper",
        "demanded", "flow_id", "claim_id", "payer", "payee", "intermediaries", "payment_date",
        "amount", "amount_low", "amount_high", "currency", "payment_status",
        "payment_credibility", "reports", "origins", "denials", "agreement", "reported_as",
        "event_status", "sources",
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=[*columns, "_year", "usd_low", "usd_high"])
    for column in ("amount", "amount_low", "amount_high", "usd_low", "usd_high"):
        table[column] = table[column].astype("Float64")
    for column in ("hostages", "payment_credibility", "reports", "origins", "denials"):
        table[column] = table[column].astype("Int64")
    years = table.pop("_year").astype("Int64")
    span = table.pop("usd_low"), table.pop("usd_high")
    usd = _convert(table[["amount", "amount_low", "amount_high", "currency"]].copy(), years, None)
    table["usd"] = usd["usd"]
    # The range spans every report of the payment, not only the one shown.
    table["usd_low"], table["usd_high"] = span
    table["not_converted"] = not_converted(table["amount"], table["currency"], years)
    if base_year is not None:
        unit = f"usd_{base_year}"
        usd = _convert(
            table[["amount", "amount_low", "amount_high", "currency"]].copy(), years, base_year
        )
        table[unit] = usd[unit]
        for end_ in ("low", "high"):
            table[f"{unit}_{end_}"] = (
                table["claim_id"].map(constant[f"{unit}_{end_}"]).astype("Float64")
            )
    return table.reset_index(drop=True)


def _first_year(*dates) -> int | None:
    for value in dates:
        if isinstance(value, str) and value[:4].isdigit():
            return int(value[:4])
    return None
