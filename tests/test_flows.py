"""Conversion to US dollars against values worked out by hand from the shipped tables."""

import csv
import math
import os
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sahel_nb import ParameterError, load_dataset
from sahel_nb.flows import (
    export_tables,
    flow_summary,
    neutralise,
    not_converted,
    ransom_table,
    reference_tables,
    to_usd,
)

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
    ("args", "kwargs", "reason"),
    [
        ((1, "DZD", 2003), {}, "no yearly exchange rate for DZD 2003"),
        ((1, "EUR", 1995), {}, "no yearly exchange rate for EUR 1995"),
        ((1, "USD", None), {}, "no year to convert at"),
        ((1, None, 2003), {}, "no currency"),
        ((1, "USD", 1965), {"base_year": 2024}, "no CPI-U annual average for 1965"),
    ],
)
def test_an_amount_that_cannot_be_converted_is_unknown_with_its_reason(args, kwargs, reason):
    assert math.isnan(to_usd(*args, **kwargs))  # never a guess, and never the end of a run
    assert not_converted(*args, **kwargs).startswith(reason)


def test_dollars_need_no_rate_in_any_year_and_cpi_reaches_back_to_1970():
    assert to_usd(250_000, "USD", 1993) == 250_000
    assert not_converted(250_000, "USD", 1993) is None
    # BLS CPI-U annual averages, series CUUR0000SA0: 1970 = 38.8, 1993 = 144.5.
    assert to_usd(250_000, "USD", 1993, base_year=2024) == pytest.approx(250_000 * CPI_2024 / 144.5)
    assert to_usd(1, "USD", 1970, base_year=2024) == pytest.approx(CPI_2024 / 38.8)


def test_only_a_bad_base_year_is_an_error():
    with pytest.raises(ParameterError, match="base_year=2030: no CPI-U annual average"):
        to_usd(1, "USD", 2003, base_year=2030)
    with pytest.raises(ParameterError, match="base_year=1960"):
        to_usd(pd.Series([1.0]), pd.Series(["DZD"]), pd.Series([2003]), base_year=1960)


def test_columns_keep_going_past_a_row_that_cannot_be_converted():
    amounts = pd.Series([1_000_000, 5_000, 100], index=[3, 4, 5])
    currencies = pd.Series(["EUR", "DZD", "USD"], index=amounts.index)
    years = pd.Series(["2003", "2003", "1993"], index=amounts.index)
    result = to_usd(amounts, currencies, years)
    assert result[3] == pytest.approx(1_000_000 / 0.885756)
    assert pd.isna(result[4]) and result[5] == 100
    reasons = not_converted(amounts, currencies, years)
    assert reasons.index.tolist() == [3, 4, 5]
    assert reasons[3] is None and reasons[5] is None
    assert reasons[4].startswith("no yearly exchange rate for DZD 2003")


def test_reference_tables_cover_what_the_issue_asks_except_dzd():
    rates, cpi = reference_tables()
    assert set(range(1970, 2025)) <= set(cpi.index)
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
    sheet = openpyxl.load_workbook(tmp_path / "out" / "tables.xlsx")["Ransom"]
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    names = [row[0] for row in rows]
    assert [c.value for c in names[:5]] == ["'" + cell for cell in HOSTILE_CELLS[:5]]
    # XML turns a bare carriage return into a line feed when the sheet is read.
    assert names[5].value == "'\nx"
    assert {c.data_type for c in names[:6]} == {"s"}  # text, never a formula ("f")
    assert [row[1].value for row in rows[:2]] == [-5, 1]
    assert rows[0][1].data_type == "n" and rows[0][2].value == -1


# Ransom tables and summaries, on tests/fixtures/flows.
# By hand from the shipped tables: EUR per USD 2010 = 0.755868, XOF per USD 2009 = 471.605;
# CPI-U 2009 = 214.537, 2010 = 218.056.
FLOWS = Path(__file__).parent / "fixtures" / "flows"


@pytest.fixture(scope="module")
def flows_data():
    return load_dataset(FLOWS)


def test_one_row_per_payment_and_kidnappings_without_payment_stay(flows_data):
    table = ransom_table(flows_data)
    assert table["event_id"].tolist() == ["ev-a", "ev-b", "ev-c"]
    unpaid = table.set_index("event_id").loc["ev-c"]
    assert pd.isna(unpaid["amount"]) and pd.isna(unpaid["usd"])  # unknown, never 0
    assert unpaid["hostages"] == 2


def test_ransom_row_carries_people_places_and_sources(flows_data):
    row = ransom_table(flows_data).set_index("event_id").loc["ev-a"]
    assert row["kidnapper"] == "Kidnap Brigade"
    assert row["payer"] == "Government of Atlantis"
    assert row["hostage_nationality"] == "Germany"
    assert row["payment_status"] == "alleged" and row["event_status"] == "reported"
    assert row["intermediaries"] == (
        "Go-between: 7,300,000 USD, alleged; Go-between: amount unknown — part of the ransom, alleged"
    )
    assert row["sources"] == "src-a ¶2; src-a ¶6"


def test_ranges_convert_at_the_payment_year(flows_data):
    row = ransom_table(flows_data).set_index("event_id").loc["ev-b"]
    assert row["location"] == "Kidal, Kidal, MLI"
    # Paid in 2010 for a 2009 kidnapping: converted at the 2010 rate.
    assert row["usd"] == pytest.approx(5_000_000 / 0.755868)
    assert row["usd_low"] == pytest.approx(4_000_000 / 0.755868)
    assert row["usd_high"] == pytest.approx(6_000_000 / 0.755868)


def test_constant_dollars_with_a_base_year(flows_data):
    table = ransom_table(flows_data, base_year=2024).set_index("event_id")
    assert table.loc["ev-a", "usd_2024"] == pytest.approx(7_300_000 * CPI_2024 / CPI_2003)
    assert table.loc["ev-b", "usd_2024"] == pytest.approx(5_000_000 / 0.755868 * CPI_2024 / 218.056)


def test_window_keeps_kidnappings_that_overlap(flows_data):
    assert ransom_table(flows_data, start="2009-12", end="2009-12")["event_id"].tolist() == ["ev-b"]


def test_summary_never_adds_alleged_to_reported(flows_data):
    summary = flow_summary(flows_data, by="payee")
    kid = summary.loc["Kidnap Brigade"]
    # One report per payment here; the 2010 ransom's own range (4–6 million
    # euros, best 5) gives the ends of the reported total.
    for end, euros in (("low", 4_000_000), ("high", 6_000_000)):
        assert kid[f"alleged_usd_{end}"] == pytest.approx(7_300_000)
        assert kid[f"reported_usd_{end}"] == pytest.approx(euros / 0.755868 + 1000 / 471.605)
        assert kid[f"estimated_usd_{end}"] == pytest.approx(250_000)
    assert not any(column.startswith("all_statuses") for column in summary.columns)
    assert (kid["claims_with_amount"], kid["claims_unknown_amount"]) == (4, 0)


def test_combining_statuses_is_asked_for_and_labelled(flows_data):
    summary = flow_summary(flows_data, by="payee", combine_statuses=True)
    label = "all_statuses_usd_high (reported + alleged + estimated)"
    assert summary.loc["Kidnap Brigade", label] == pytest.approx(
        7_300_000 + 6_000_000 / 0.755868 + 1000 / 471.605 + 250_000
    )


def test_summary_by_year_and_unknown_amounts(flows_data):
    summary = flow_summary(flows_data, by="year")
    # A payment with no date of its own is under its kidnapping's year, said to be that.
    assert summary.index.tolist() == [
        "(no date)", "2003", "2003 (its event's year)", "2009", "2010"
    ]  # fmt: skip
    assert summary.loc["(no date)", "claims_unknown_amount"] == 1
    assert summary.loc["2003 (its event's year)", "claims_unknown_amount"] == 1
    assert pd.isna(summary.loc["(no date)", "reported_usd_low"])  # nothing known, not 0
    # ... and a window over its kidnapping holds it: undated money is not lost.
    windowed = flow_summary(flows_data, by="year", start="2003", end="2003")
    assert "2003 (its event's year)" in windowed.index and "(no date)" not in windowed.index
    by_type = flow_summary(flows_data, by="flow_type", base_year=2024)
    assert by_type.loc["ransom", "reported_usd_2024_high"] == pytest.approx(
        6_000_000 / 0.755868 * CPI_2024 / 218.056
    )


def test_summary_rejects_an_unknown_grouping(flows_data):
    with pytest.raises(ParameterError, match="by='hostage'"):
        flow_summary(flows_data, by="hostage")


# The flow diagram (a Sankey): tests/test_sankey.py.


def test_summary_exports_keep_their_row_labels_and_round_money(flows_data, tmp_path):
    summary = flow_summary(flows_data, by="payer", base_year=2024)
    export_tables({"by_payer": summary}, tmp_path / "out", dataset=flows_data)
    with open(tmp_path / "out" / "by_payer.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # The first column says whose money each row is.
    assert next(iter(rows[0])) == "payer"
    assert {row["payer"].removeprefix("'") for row in rows} == set(summary.index)  # neutralised
    book = openpyxl.load_workbook(tmp_path / "out" / "tables.xlsx")
    assert book.sheetnames == ["About", "By payer"]  # named in words; the CSV keeps by_payer
    sheet = book["By payer"]
    header = [c.value for c in sheet[1]]
    # People read headings with units; the CSV keeps the column names.
    assert header[0] == "Payer" and "Alleged payments, high (US$, 2024 prices)" in header
    assert not any(re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", str(h)) for h in header)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    column = header.index("Alleged payments, high (US$, 2024 prices)") + 1
    money = [row[column - 1] for row in sheet.iter_rows(min_row=2) if row[column - 1].value]
    assert money and all(c.number_format == '"US$"#,##0' for c in money)
    assert all(float(c.value).is_integer() for c in money)  # whole units, not 12445270.1086…
    about = [[c.value for c in row] for row in book["About"].iter_rows(min_row=2)]
    assert ["(workbook)", "data_sha256", None, flows_data.checksum] in about
    meanings = {(sheet, column): meaning for sheet, column, _, meaning in about}
    headings = {(sheet, column): heading for sheet, column, heading, _ in about}
    assert meanings[("By payer", "payer")].startswith("who paid")
    assert "high end of alleged payments" in meanings[("By payer", "alleged_usd_2024_high")]
    assert headings[("By payer", "alleged_usd_2024_high")] in header
    assert meanings[("By payer", None)].endswith("(by_payer.csv)")  # the sheet's file
    assert any(sheet == "(sources)" for sheet, *_ in about)


def test_workbooks_of_the_ransom_notebook_explain_every_column_with_units_and_cutoff(tmp_path):
    from sahel_nb.claims import ransom_reports
    from sahel_nb.flows import information_cutoff, non_monetary, ransom_table
    from sahel_nb.flows.workbook import sheet_title

    data = load_dataset()
    ransoms = ransom_table(data, base_year=2024)
    tables = {
        "ransoms": ransoms,
        "ransom_reports": ransom_reports(data, ransoms),
        **{
            f"by_{by}": flow_summary(data, by=by, base_year=2024)
            for by in ("payer", "payee", "year", "flow_type")
        },
        "in_kind": non_monetary(data),
    }
    export_tables(tables, tmp_path / "out", dataset=data)
    book = openpyxl.load_workbook(tmp_path / "out" / "tables.xlsx")
    about = [[c.value for c in row] for row in book["About"].iter_rows(min_row=2)]
    titles = {name: sheet_title(name) for name in tables}
    assert book.sheetnames == ["About", *titles.values()]
    for name, title in titles.items():
        header = [c.value for c in book[title][1]]
        with open(tmp_path / "out" / f"{name}.csv", newline="", encoding="utf-8") as handle:
            columns = next(csv.reader(handle))
        listed = [(column, heading, meaning) for sheet, column, heading, meaning in about
                  if sheet == title and column]  # fmt: skip
        # Every column of every sheet: its CSV name, the sheet's heading, and a meaning.
        assert [c for c, _, _ in listed] == columns
        assert [h for _, h, _ in listed] == header
        assert all(meaning for _, _, meaning in listed), [c for c, _, m in listed if not m]
        assert all(re.fullmatch(r"[a-z0-9_]+", c) for c in columns)  # CSVs stay snake_case
    money = [h for h in [c.value for c in book["Ransoms"][1]] if "US$" in h]
    assert "Ransom, low (US$, 2024 prices)" in money and "Ransom, high (US$, 2024 prices)" in money
    cutoff = [row for row in about if row[1] == "information_cutoff"]
    assert cutoff and cutoff[0][3].startswith(information_cutoff(data))
    sources = {row[1] for row in about if row[0] == "(sources)"}
    assert sources == set(data.sources["source_id"])
    # Every sheet says in words what one of its rows is.
    said = {row[0]: row[3] for row in about if row[0] in titles.values() and not row[1]}
    assert set(said) == set(titles.values()) and all(": " in text for text in said.values())


def test_the_ransom_workbook_has_a_sheet_per_payment_and_one_per_report(tmp_path):
    from sahel_nb.claims import ransom_reports
    from sahel_nb.flows import ransom_table

    data = load_dataset()
    ransoms = ransom_table(data)
    reports = ransom_reports(data, ransoms)
    export_tables({"ransoms": ransoms, "ransom_reports": reports}, tmp_path, dataset=data)
    book = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    assert book.sheetnames == ["About", "Ransoms", "Ransom reports"]
    paid = ransoms.dropna(subset=["claim_id"])
    # One row per payment on one sheet; on the other, one per report, as many as it counts.
    assert paid["claim_id"].is_unique
    per_claim = reports.groupby("claim_id").size()
    assert per_claim.to_dict() == paid.set_index("claim_id")["reports"].astype(int).to_dict()
    assert set(reports["event_id"]) == set(paid["event_id"])
    assert set(reports["stance"]) <= {"for", "against", "neither"}
    heading = [c.value for c in book["Ransom reports"][1]]
    assert heading[:2] == ["Kidnapping id", "Payment claim id"] and "Source" in heading


def test_a_payment_that_cannot_be_converted_is_shown_as_such_and_the_rest_still_totals(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parents[1] / "data", data)
    # Test row: a made-up payment in a currency the shipped tables do not cover.
    _append_row(
        data / "flows.csv",
        flow_id="fl-test-dzd", date="2003", payer="algeria-gov", payee="gspc",
        flow_type="ransom", amount="5000000", currency="DZD",
        event_id="ev-2003-tourist-kidnapping", status="alleged", credibility="3",
        source_id="guitta-2010", locator="¶6", note="Made-up test row.",
    )  # fmt: skip
    dataset = load_dataset(data)
    table = ransom_table(dataset, base_year=2024).set_index("flow_id")
    row = table.loc["fl-test-dzd"]
    assert pd.isna(row["usd"]) and pd.isna(row["usd_2024"])
    assert row["not_converted"].startswith("no yearly exchange rate for DZD 2003")
    others = table.drop(index="fl-test-dzd")
    # The other payments with a figure (in any of their reports) still convert and total.
    others = others[others["usd_low"].notna().to_numpy(bool)]
    assert len(others) and others["usd_high"].notna().all()
    summary = flow_summary(dataset, by="payer", base_year=2024)
    assert summary.loc["Government of Algeria", "claims_not_converted"] == 1
    assert pd.isna(summary.loc["Government of Algeria", "alleged_usd_2024_low"])
    assert summary.loc["Germany", "alleged_usd_2024_high"] > 0


def _append_row(path: Path, **cells: str) -> None:
    """Append a row by column name, whatever columns and order the file has."""
    import csv

    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with open(path, "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow([cells.get(c, "") for c in header])


def test_a_hostile_column_name_is_a_text_heading_in_the_workbook(tmp_path):
    frame = pd.DataFrame({'=HYPERLINK("http://x")': ["ok"], "usd_low": [1.5]})
    export_tables({"ransoms": frame}, tmp_path / "out")
    sheet = openpyxl.load_workbook(tmp_path / "out" / "tables.xlsx")["Ransoms"]
    first, money = sheet[1][0], sheet[1][1]
    assert first.value.startswith("'=") and first.data_type == "s"
    assert money.value == "Ransom, low (US$ of each year)"


def test_a_base_year_that_is_not_a_whole_number_says_so(flows_data):
    with pytest.raises(ParameterError, match="base_year='2024' must be a year as a whole number"):
        flow_summary(flows_data, base_year="2024")


def test_a_figure_only_an_echo_gives_is_listed_beside_the_claim_never_its_range(tmp_path):
    import shutil

    from sahel_nb.flows import payment_claims

    data = Path(shutil.copytree(Path(__file__).parent / "fixtures" / "claims", tmp_path / "d"))
    flows = pd.read_csv(data / "flows.csv", dtype=str, keep_default_na=False)
    echo = flows[flows["flow_id"] == "fl-share-col"].iloc[0].copy()
    echo["flow_id"], echo["source_id"], echo["amount"], echo["currency"] = (
        "fl-share-paper", "paper", "500000", "EUR",
    )  # fmt: skip
    flows = pd.concat([flows, echo.to_frame().T], ignore_index=True)
    flows["told"] = ["unattributed" if i == "fl-share-paper" else "" for i in flows["flow_id"]]
    flows.to_csv(data / "flows.csv", index=False)
    claims = payment_claims(load_dataset(data)).set_index("claim_id")
    share = claims.loc["c-share"]
    assert pd.isna(share["usd_low"]) and pd.isna(share["usd_high"])
    assert "only reports that name no teller give a figure" in share["not_converted"]
    assert "500,000 EUR" in share["reported_as"] and "not in the range" in share["reported_as"]
