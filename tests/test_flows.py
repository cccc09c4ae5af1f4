"""Conversion to US dollars against values worked out by hand from the shipped tables."""

import math

import pandas as pd
import pytest

from sahel_nb import ParameterError
from sahel_nb.flows import reference_tables, to_usd

# From sahel_nb/reference/*.csv, read by eye: CPI-U 2003 = 184, 2024 = 313.689;
# 2003 yearly averages per US dollar: EUR 0.885756, GBP 0.612482, XOF 581.018.
CPI_2003, CPI_2024 = 184.0, 313.689


def test_dollars_stay_dollars_in_their_own_year():
    assert to_usd(7_300_000, "USD", 2003) == 7_300_000


def test_constant_dollars_scale_by_cpi():
    assert to_usd(7_300_000, "USD", "2003", base_year=2024) == pytest.approx(
        7_300_000 * CPI_2024 / CPI_2003
    )


@pytest.mark.parametrize(
    ("currency", "units_per_usd"), [("EUR", 0.885756), ("GBP", 0.612482), ("XOF", 581.018)]
)
def test_other_currencies_use_the_yearly_average(currency, units_per_usd):
    assert to_usd(1_000_000, currency, "2003-05") == pytest.approx(1_000_000 / units_per_usd)


def test_xof_follows_its_euro_peg():
    rates, _ = reference_tables()
    for year in range(1999, 2026):
        assert rates[(year, "XOF")] == pytest.approx(655.957 * rates[(year, "EUR")], rel=1e-5)


def test_columns_convert_element_by_element_and_unknowns_stay_unknown():
    amounts = pd.Series([1_000_000, None, 100], index=[10, 11, 12])
    result = to_usd(amounts, pd.Series(["EUR", None, "USD"], index=amounts.index), "2003")
    assert result.index.tolist() == [10, 11, 12]
    assert result[10] == pytest.approx(1_000_000 / 0.885756)
    assert pd.isna(result[11])
    assert result[12] == 100


def test_an_unknown_amount_needs_no_rate():
    assert math.isnan(to_usd(float("nan"), "DZD", None))


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((1, "DZD", 2003), {}, "no yearly exchange rate for DZD 2003"),
        ((1, "USD", 1990), {}, "no yearly exchange rate for USD 1990"),
        ((1, "USD", 2003), {"base_year": 2030}, "base_year=2030: no CPI-U annual average"),
        ((1, "USD", None), {}, "have no year to convert at"),
        ((1, None, 2003), {}, "have no currency"),
    ],
)
def test_missing_reference_values_are_errors_not_guesses(args, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        to_usd(*args, **kwargs)


def test_reference_tables_cover_what_the_issue_asks_except_dzd():
    rates, cpi = reference_tables()
    assert set(range(2000, 2025)) <= set(cpi.index)
    for currency in ("USD", "EUR", "GBP", "CHF", "CAD", "XOF"):
        assert set(range(2000, 2025)) <= {y for y, c in rates.index if c == currency}
    assert not any(c == "DZD" for _, c in rates.index)  # no offline source yet: see README
