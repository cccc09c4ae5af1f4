"""Conversion to US dollars against values worked out by hand from the shipped tables."""

import csv
import math
import os

import openpyxl
import pandas as pd
import pytest

from sahel_nb import ParameterError
from sahel_nb.flows import export_tables, neutralise, reference_tables, to_usd

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


# Spreadsheet exports.

HOSTILE_CELLS = ['=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.fixture
def hostile_table():
    return pd.DataFrame(
        {
            "name": [*HOSTILE_CELLS, "plain", None],
            "amount": pd.array([-5.0, 1, 2, 3, 4, 5, 6, None], dtype="Float64"),
            "count": pd.array([-1, 2, 3, 4, 5, 6, 7, None], dtype="Int64"),
            "aliases": [["a", "=b"]] * 8,
        }
    )


def test_neutralise_prefixes_formula_starts_and_leaves_numbers(hostile_table):
    safe = neutralise(hostile_table)
    assert safe["name"].tolist()[:6] == ["'" + cell for cell in HOSTILE_CELLS]
    assert safe["name"].tolist()[6] == "plain" and pd.isna(safe["name"].tolist()[7])
    pd.testing.assert_series_equal(safe["amount"], hostile_table["amount"])
    pd.testing.assert_series_equal(safe["count"], hostile_table["count"])
    assert safe["aliases"].tolist()[0] == "a|=b"


def test_exports_are_safe_in_csv_and_xlsx(hostile_table, tmp_path):
    paths = export_tables({"ransom": hostile_table}, tmp_path / "out")
    assert [p.name for p in paths] == ["ransom.csv", "tables.xlsx"]
    assert sorted(os.listdir(tmp_path / "out")) == ["ransom.csv", "tables.xlsx"]
    with open(tmp_path / "out" / "ransom.csv", newline="", encoding="utf-8") as handle:
        back = list(csv.DictReader(handle))
    assert [row["name"] for row in back[:6]] == ["'" + cell for cell in HOSTILE_CELLS]
    assert back[0]["amount"] == "-5.0" and back[0]["count"] == "-1"
    assert len(back) == 8  # the carriage return did not split a row
    sheet = openpyxl.load_workbook(tmp_path / "out" / "tables.xlsx")["ransom"]
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    names = [row[0] for row in rows]
    assert [c.value for c in names[:5]] == ["'" + cell for cell in HOSTILE_CELLS[:5]]
    # XML turns a bare carriage return into a line feed when the sheet is read.
    assert names[5].value == "'\nx"
    assert {c.data_type for c in names[:6]} == {"s"}  # text, never a formula ("f")
    assert [row[1].value for row in rows[:2]] == [-5, 1]
    assert rows[0][1].data_type == "n" and rows[0][2].value == -1
