"""Dollars of a year or of a base year: the reference tables and the conversion to US dollars."""

from __future__ import annotations

import numbers
from functools import cache
from importlib.resources import files

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pycountry
from pandera.errors import SchemaErrors

from ..exceptions import DataValidationError, Problem

__all__ = ["not_converted", "reference_tables", "to_usd"]


_REFERENCE = files("sahel_nb") / "reference"

_RATES_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(1900, 2100)),
        "currency": pa.Column(
            str, pa.Check.isin([c.alpha_3 for c in pycountry.currencies]), nullable=False
        ),
        "units_per_usd": pa.Column(float, pa.Check.gt(0)),
    },
    unique=["year", "currency"],
    strict=True,
)
_CPI_SCHEMA = pa.DataFrameSchema(
    {
        "year": pa.Column(int, pa.Check.in_range(1900, 2100), unique=True),
        "cpi_u": pa.Column(float, pa.Check.gt(0)),
    },
    strict=True,
)


def _validated(name: str, schema: pa.DataFrameSchema) -> pd.DataFrame:
    frame = pd.read_csv(_REFERENCE / name, dtype={"currency": "str"})
    try:
        return schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        problems = [
            Problem(
                f"sahel_nb/reference/{name}",
                None if pd.isna(case.index) else int(case.index) + 2,
                case.column,
                str(case.check),
                None if pd.isna(case.failure_case) else str(case.failure_case),
            )
            for case in errors.failure_cases.itertuples()
        ]
        raise DataValidationError(problems, "sahel_nb/reference") from None


@cache
def reference_tables() -> tuple[pd.Series, pd.Series]:
    """Return (units per US dollar by (year, currency), CPI-U by year), validated.

    See ``sahel_nb/reference/README.md`` for sources and method.
    """
    rates = _validated("exchange_rates.csv", _RATES_SCHEMA)
    cpi = _validated("cpi_u.csv", _CPI_SCHEMA)
    return (
        rates.set_index(["year", "currency"])["units_per_usd"].sort_index(),
        cpi.set_index("year")["cpi_u"].sort_index(),
    )


def _years(values: pd.Series) -> pd.Series:
    """Years from ints or partial dates as written ("2003", "2009-12")."""
    text = values.astype("string").str.slice(0, 4)
    return pd.to_numeric(text, errors="coerce").astype("Int64")


def _coverage(rates: pd.Series) -> str:
    years = rates.index.get_level_values("year")
    currencies = sorted(set(rates.index.get_level_values("currency")))
    return f"{years.min()}–{years.max()} for {', '.join(currencies)}"


def _conversion(amount, currency, year, base_year):
    """The frame of a conversion: amounts, years, currencies, and why each row cannot convert."""
    from ..exceptions import ParameterError

    scalar = all(np.ndim(v) == 0 for v in (amount, currency, year))
    columns = {"amount": amount, "currency": currency, "year": year}
    if scalar:
        columns = {name: [value] for name, value in columns.items()}
    frame = pd.DataFrame(columns)
    amounts = pd.to_numeric(frame["amount"], errors="raise").astype("Float64")
    years = _years(frame["year"])
    currencies = frame["currency"].astype("string").str.upper()
    rates, cpi = reference_tables()
    if base_year is not None and (
        isinstance(base_year, bool) or not isinstance(base_year, numbers.Integral)
    ):
        raise ParameterError(
            f"base_year={base_year!r} must be a year as a whole number, e.g. base_year=2024"
        )
    if base_year is not None and base_year not in cpi.index:
        # The caller's parameter, not a row of the data: the one fatal case.
        raise ParameterError(
            f"cannot convert to US dollars: base_year={base_year!r}: no CPI-U annual average "
            f"(covers {cpi.index.min()}–{cpi.index.max()})"
        )
    reasons = np.full(len(frame), None, dtype=object)
    known = amounts.notna().to_numpy(bool)
    undated = known & years.isna().to_numpy(bool)
    reasons[undated] = "no year to convert at"
    uncurrenced = known & ~undated & currencies.isna().to_numpy(bool)
    reasons[uncurrenced] = "no currency"
    usable = known & ~undated & ~uncurrenced
    # A US dollar is a dollar in any year: no rate is looked up for it.
    dollars = usable & (currencies == "USD").fillna(False).to_numpy(bool)
    others = np.flatnonzero(usable & ~dollars)
    keys = pd.MultiIndex.from_arrays(
        [years.iloc[others].astype(int), currencies.iloc[others].astype(str)],
        names=["year", "currency"],
    )
    rate = np.full(len(frame), np.nan)
    rate[dollars] = 1.0
    found = keys.isin(rates.index)
    rate[others[found]] = rates.loc[keys[found]].to_numpy()
    for position, (y, c) in zip(others[~found], keys[~found], strict=True):
        reasons[position] = (
            f"no yearly exchange rate for {c} {y} (the table covers {_coverage(rates)})"
        )
    factor = np.ones(len(frame))
    if base_year is not None:
        rated = np.flatnonzero(~np.isnan(rate))
        at = years.iloc[rated].astype(int)
        has = at.isin(cpi.index).to_numpy(bool)
        factor[rated[has]] = cpi[base_year] / cpi.loc[at[has]].to_numpy()
        for position in rated[~has]:
            reasons[position] = f"no CPI-U annual average for {int(years.iat[position])}"
            rate[position] = np.nan
    ok = ~np.isnan(rate)
    values = np.full(len(frame), np.nan)
    values[ok] = amounts.to_numpy(dtype=float, na_value=np.nan)[ok] / rate[ok] * factor[ok]
    result = pd.Series(values, index=frame.index, dtype="Float64").where(ok, pd.NA)
    reasons = pd.Series(reasons, index=frame.index, dtype=object)
    return scalar, result, reasons


def to_usd(amount, currency, year, *, base_year: int | None = None):
    """Convert amounts to US dollars of their year, or to constant dollars of ``base_year``.

    US dollars need no rate; other currencies use the yearly average
    exchange rate. Constant dollars then scale by the US CPI-U annual
    averages, ``CPI[base_year] / CPI[year]`` (1970 on). Works on scalars and,
    element by element, on columns. An unknown amount stays unknown (NaN),
    and so does an amount that cannot be converted (no year, no currency, no
    rate for its currency and year): never a guess, and never the end of a
    run — :func:`not_converted` says why. Only a ``base_year`` outside the
    CPI-U table is an error, as it is the caller's parameter.

    Examples
    --------
    >>> to_usd(7_300_000, "USD", 2003)
    7300000.0
    >>> round(to_usd(7_300_000, "USD", 2003, base_year=2024))
    12445270
    >>> to_usd(1_000, "DZD", 2003)
    nan
    """
    scalar, result, _ = _conversion(amount, currency, year, base_year)
    if scalar:
        value = result.iloc[0]
        return float("nan") if pd.isna(value) else float(value)
    if isinstance(amount, pd.Series):
        result.index = amount.index
    return result


def not_converted(amount, currency, year, *, base_year: int | None = None):
    """Why :func:`to_usd` leaves each known amount unconverted; None where it converts.

    Examples
    --------
    >>> not_converted(1_000, "DZD", 2003)
    'no yearly exchange rate for DZD 2003 (the table covers 1999–2025 for CAD, CHF, EUR, GBP, USD, XOF)'
    >>> not_converted(250_000, "USD", 1993) is None
    True
    """
    scalar, _, reasons = _conversion(amount, currency, year, base_year)
    if scalar:
        return reasons.iloc[0]
    if isinstance(amount, pd.Series):
        reasons.index = amount.index
    return reasons
