"""Amounts for people: rounded for a label ("about €4.6–5M"), in full figures for a table."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["about"]


def _usd(value: float) -> str:
    return f"{value:,.0f}"


#: How a label writes a currency before its figure; others follow it by code.
_SYMBOLS = {"EUR": "€", "USD": "US$", "GBP": "£"}


def _significant(value: float) -> str:
    """``value`` to two significant figures, in words for a label: 4.6, 5, 12, 120, 1,200."""
    if value == 0:
        return "0"
    digits = 1 - int(np.floor(np.log10(abs(value))))
    rounded = round(value, digits)
    return (
        f"{rounded:,.{max(digits, 0)}f}".rstrip("0").rstrip(".")
        if digits > 0
        else f"{rounded:,.0f}"
    )


def about(
    low: float, high: float | None = None, currency: str = "USD", *, words: bool = False
) -> str:
    """A rounded amount for a label, "about €4.6–5M": the exact figures belong in a table.

    Two significant figures, in thousands (k), millions (M) or billions (bn)
    of the larger end; a range keeps both ends, low first. ``words`` writes
    the unit as prose does ("about €4.6 million").

    Examples
    --------
    >>> about(4_600_000, 5_000_000, "EUR"), about(7_300_000), about(8_853_708, currency="USD")
    ('about €4.6–5M', 'about US$7.3M', 'about US$8.9M')
    >>> about(250_000, 250_000, "XOF"), about(950)
    ('about 250k XOF', 'about US$950')
    """
    high = low if high is None or pd.isna(high) else high
    top = max(abs(low), abs(high))
    # The largest unit the larger end reaches (none below a thousand).
    size, unit = next(
        (size, unit)
        for size, unit in ((1e9, "bn"), (1e6, "M"), (1e3, "k"), (1, ""))
        if top >= size or size == 1
    )
    ends = [_significant(low / size)]
    if _significant(high / size) != ends[0]:
        ends.append(_significant(high / size))
    figure = "–".join(ends) + (_WORDS.get(unit, unit) if words else unit)
    symbol = _SYMBOLS.get(str(currency))
    return f"about {symbol}{figure}" if symbol else f"about {figure} {currency}"


_WORDS = {"bn": " billion", "M": " million", "k": " thousand"}


def _about_figures(figures) -> str | None:
    """:func:`about` of a claim's ``figures`` ("4,600,000–5,000,000 EUR; 7,300,000 USD")."""
    if not isinstance(figures, str):
        return None
    found = _FIGURE.findall(figures)
    if not found:
        return None
    return "; ".join(
        about(float(low.replace(",", "")), float((high or low).replace(",", "")), currency)
        for low, high, currency in found
    )


# A range as :func:`payment_claims` writes it: "4,000,000–6,000,000 EUR", "(best …)" aside.
_FIGURE = re.compile(r"([\d,.]+)(?:–([\d,.]+))? ([A-Z]{3})")


def _about_dollars(low, high) -> str:
    return about(low, high, "USD") if pd.notna(high) else ""


def _dollars(low, high) -> str:
    if pd.isna(high):
        return ""
    if pd.isna(low) or low == high:
        return _usd(high)
    return f"{_usd(low)}–{_usd(high)}"
