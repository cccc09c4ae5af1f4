"""Money flows: conversion to nominal and constant US dollars (ransom tables to come)."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pycountry
from pandera.errors import SchemaErrors

from .exceptions import DataValidationError, ParameterError, Problem
from .pages import replacing

__all__ = ["export_tables", "neutralise", "reference_tables", "to_usd"]

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


def to_usd(amount, currency, year, *, base_year: int | None = None):
    """Convert amounts to US dollars of their year, or to constant dollars of ``base_year``.

    Nominal dollars use the yearly average exchange rate; constant dollars
    then scale by the US CPI-U annual averages, ``CPI[base_year] / CPI[year]``.
    Works on scalars and, element by element, on columns. An unknown amount
    stays unknown (NaN); a known amount whose currency or year is not in the
    shipped tables is an error naming what is missing — never a guess.

    Examples
    --------
    >>> to_usd(7_300_000, "USD", 2003)
    7300000.0
    >>> round(to_usd(7_300_000, "USD", 2003, base_year=2024))
    12445270
    """
    scalar = all(np.ndim(v) == 0 for v in (amount, currency, year))
    columns = {"amount": amount, "currency": currency, "year": year}
    if scalar:
        columns = {name: [value] for name, value in columns.items()}
    frame = pd.DataFrame(columns)
    amounts = pd.to_numeric(frame["amount"], errors="raise").astype("Float64")
    years = _years(frame["year"])
    currencies = frame["currency"].astype("string").str.upper()
    rates, cpi = reference_tables()
    known = amounts.notna()
    problems = []
    undated = known & years.isna()
    if undated.any():
        problems.append(f"{int(undated.sum())} amount(s) have no year to convert at")
    uncurrenced = known & currencies.isna()
    if uncurrenced.any():
        problems.append(f"{int(uncurrenced.sum())} amount(s) have no currency")
    usable = known & years.notna() & currencies.notna()
    keys = pd.MultiIndex.from_arrays(
        [years[usable].astype(int), currencies[usable].astype(str)], names=["year", "currency"]
    )
    missing = sorted(set(keys.difference(rates.index)))
    if missing:
        listed = ", ".join(f"{c} {y}" for y, c in missing)
        problems.append(
            f"no yearly exchange rate for {listed} (the table covers {_coverage(rates)})"
        )
    if base_year is not None and base_year not in cpi.index:
        problems.append(
            f"base_year={base_year!r}: no CPI-U annual average (covers {cpi.index.min()}–{cpi.index.max()})"
        )
    if base_year is not None:
        cpi_missing = sorted(set(years[usable].astype(int)) - set(cpi.index))
        if cpi_missing:
            problems.append(f"no CPI-U annual average for {', '.join(map(str, cpi_missing))}")
    if problems:
        raise ParameterError("cannot convert to US dollars: " + "; ".join(problems))
    result = pd.Series(pd.NA, index=frame.index, dtype="Float64")
    result[usable] = amounts[usable].to_numpy(dtype=float) / rates.loc[keys].to_numpy()
    if base_year is not None:
        factor = cpi[base_year] / cpi.loc[years[usable].astype(int)].to_numpy()
        result[usable] = result[usable].to_numpy(dtype=float) * factor
    if scalar:
        value = result.iloc[0]
        return float("nan") if pd.isna(value) else float(value)
    if isinstance(amount, pd.Series):
        result.index = amount.index
    return result


# OWASP's list: a cell starting with one of these can be read as a formula.
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy safe to open in a spreadsheet: text cells that could start a formula
    (``=``, ``+``, ``-``, ``@``, tab, carriage return) get a leading apostrophe.

    Numeric, boolean and date columns are left exactly as they are; list
    cells are joined with ``|`` first.

    Examples
    --------
    >>> neutralise(pd.DataFrame({"a": ["=1+1", "ok"], "n": [-5, 3]})).to_dict("list")
    {'a': ["'=1+1", 'ok'], 'n': [-5, 3]}
    """
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        if pd.api.types.is_bool_dtype(values):
            continue
        text = values.map(
            lambda v: "|".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v
        )
        text = text.astype(object).where(text.notna(), None)
        safe[column] = [
            "'" + v if isinstance(v, str) and _FORMULA_START.match(v) else v for v in text
        ]
    return safe


def export_tables(tables: dict[str, pd.DataFrame], output_dir) -> list[Path]:
    """Write each table as ``<name>.csv`` and all of them as sheets of ``tables.xlsx``.

    Every text cell is passed through :func:`neutralise` first, so a value
    from the data cannot run as a spreadsheet formula. Files are written
    through temporary files and renamed, so a failure leaves earlier exports
    whole. Returns the paths written.
    """
    out = Path(output_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    # Names become file and sheet names: keep them to what both allow
    # (Excel: 31 characters, none of []:*?/\).
    safe = {
        re.sub(r"[\[\]:*?/\\]", "_", name)[:31]: neutralise(frame) for name, frame in tables.items()
    }
    written = []
    for name, frame in safe.items():
        with replacing(out / f"{name}.csv") as temporary:
            # RFC 4180's CRLF: a value holding a bare CR is then quoted, not split.
            frame.to_csv(temporary, index=False, lineterminator="\r\n")
        written.append(out / f"{name}.csv")
    with (
        replacing(out / "tables.xlsx") as temporary,
        pd.ExcelWriter(temporary, engine="openpyxl") as writer,
    ):
        for name, frame in safe.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    written.append(out / "tables.xlsx")
    return written
