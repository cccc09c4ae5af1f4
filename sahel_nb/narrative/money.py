"""Money in a report's sentences: a payment said with its parties, figures and status."""

from __future__ import annotations

import re

import pandas as pd

from ..dates import date_words
from .text import Footnotes, Sentence
from .window import _name

__all__ = ["about"]


def about(amount: float, currency: str = "USD") -> str:
    """An amount as prose says it, rounded: ``about €4.6 million``; tables keep the exact figure.

    Examples
    --------
    >>> about(4_600_000, "EUR"), about(7_320_000), about(45_000_000, "EUR"), about(1000, "DZD")
    ('about €4.6 million', 'about US$7.3 million', 'about €45 million', '1,000 DZD')
    """
    from ..flows import _SYMBOLS
    from ..flows import about as rounded

    if abs(amount) >= 1e6:
        return rounded(amount, currency=currency, words=True)
    # Below a million the exact figure reads as easily as a rounded one.
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{amount:,.0f}" if symbol else f"{amount:,.0f} {currency}"


def _usd_range(low: float, high: float) -> str:
    if about(low) == about(high):
        return about(high)
    return f"{about(low)} to {about(high).removeprefix('about ')}"


def _flow_sentence(flow: dict, names: dict, notes: Footnotes, base_year) -> Sentence:
    """``Ransom from Germany to the GSPC in 2003: 7,300,000 USD … — alleged.``"""
    from ..flows import DEMAND, not_converted, to_usd

    parties = []
    if pd.notna(flow["payer"]):
        parties.append(f"from {_name(names, flow['payer'])}")
    if pd.notna(flow["payee"]):
        parties.append(f"to {_name(names, flow['payee'])}")
    if pd.notna(flow["intermediary"]):
        parties.append(f"through {_name(names, flow['intermediary'])}")
    if pd.notna(flow["date"]):
        parties.append(f"in {date_words(flow['date'])}")
    if flow.get("reports", 1) > 1 and isinstance(flow.get("reported_as"), str):
        # Several reports of one payment: side by side, never added; rounded in prose.
        what = _rounded_figures(flow["reported_as"])
        low, high = flow.get("usd_low"), flow.get("usd_high")
        if low is not None and pd.notna(low):
            what += f"; {_usd_range(low, high)} in the dollars of each report's year"
    elif pd.notna(flow["amount"]):
        what = about(flow["amount"], str(flow["currency"]))
        year = int(str(flow["date"])[:4]) if pd.notna(flow["date"]) else None
        why = not_converted(flow["amount"], flow["currency"], year) if year else None
        if why:
            # Said, never guessed: e.g. a franc amount from before the rate table starts.
            what += f" (not converted to dollars: {why})"
        else:
            if year and flow["currency"] != "USD":
                what += f" ({about(to_usd(flow['amount'], flow['currency'], year))})"
            if year and base_year is not None:
                constant = to_usd(flow["amount"], flow["currency"], year, base_year=base_year)
                what += f"; {about(constant)} in {base_year} dollars"
        if pd.notna(flow["amount_low"]) or pd.notna(flow["amount_high"]):
            currency = str(flow["currency"])
            low = "?" if pd.isna(flow["amount_low"]) else about(flow["amount_low"], currency)
            high = "?" if pd.isna(flow["amount_high"]) else about(flow["amount_high"], currency)
            what += f", range {low} to {high}"
    elif pd.notna(flow["in_kind"]):
        what = str(flow["in_kind"])
    else:
        what = "amount not given"
    kind = str(flow["flow_type"])
    if kind == DEMAND:
        # Asked for, not paid: said so in the sentence itself.
        parties = [p.replace("to ", "by ", 1) if p.startswith("to ") else p for p in parties]
        what = f"asked for {what}; a demand, not money paid"
    # "other" is the codebook's catch-all: said as a reader would say it.
    kind = "money or goods" if kind == "other" else kind
    status = flow.get("support") or flow["status"]
    text = f"{kind[0].upper()}{kind[1:]} {' '.join(parties)}: {what} — {status}."
    return Sentence(text, notes.cite([flow]))


# A figure as payment_claims writes it in ``reported_as``: "4,600,000 EUR".
_FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?) ([A-Z]{3})\b")


def _rounded_figures(text: str) -> str:
    """Each exact figure in a payment's reports, rounded as prose says it.

    Examples
    --------
    >>> _rounded_figures("7,300,000 USD per Guitta 2010 ¶6 (alleged); 4,600,000 EUR per M&G")
    'about US$7.3 million per Guitta 2010 ¶6 (alleged); about €4.6 million per M&G'
    """
    return _FIGURE.sub(lambda m: about(float(m[1].replace(",", "")), m[2]), text)
