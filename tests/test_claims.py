"""Claims: origins, agreement and counting each fact once, on the claims fixture and the curated data."""

import csv
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sahel_nb import load_dataset
from sahel_nb.claims import claim_reports, claim_table, source_agreement, unique_claims
from sahel_nb.flows import (
    export_tables,
    flow_summary,
    non_monetary,
    payment_claims,
    ransom_table,
)
from sahel_nb.narrative import situation_report
from sahel_nb.origins import agreement, claims_of, origin_map, support_wording

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def claims():
    return load_dataset(FIXTURES / "claims")


@pytest.fixture(scope="module")
def curated():
    return load_dataset()


def test_a_relaying_source_is_not_an_independent_origin(claims):
    assert origin_map(claims.sources) == {"col": "col", "tv": "tv", "paper": "tv", "radio": "radio"}
    events = claims.events.set_index("event_id")
    # The column relays the television report for this one row only.
    assert events.loc["ev-release-col", "origin"] == "tv"
    assert events.loc["ev-kidnap-col", "origin"] == "col"


def test_origins_not_rows_decide_corroboration(claims):
    table = claim_table(claims).set_index("claim_id")
    # Two reports, two origins: corroborated.
    assert table.loc["c-kidnap", ["reports", "origins", "agreement"]].tolist() == [
        2,
        2,
        "corroborated",
    ]
    # Two reports, both from the television report: one origin.
    assert table.loc["c-release", ["reports", "origins", "agreement"]].tolist() == [
        2,
        1,
        "single source",
    ]
    assert table.loc["c-release", "support"] == ("reported by a single origin, in 2 reports")


def test_a_denial_makes_a_claim_contested_and_is_shown_beside_its_reports(claims):
    table = claim_table(claims).set_index("claim_id")
    ransom = table.loc["c-ransom"]
    assert (ransom["agreement"], ransom["origins"], ransom["denials"]) == ("contested", 2, 1)
    reports = claim_reports(claims, "c-ransom")
    assert reports["stance"].tolist() == ["for", "for", "against"]
    assert (
        "denied by Fixture Radio 2003 ¶4"
        in payment_claims(claims).set_index("claim_id").loc["c-ransom", "reported_as"]
    )


def test_a_payment_reported_twice_is_one_payment_with_a_range_in_every_total(claims):
    euros_2003 = 4_600_000 / 0.885748  # the ECB's 2003 average EUR per USD
    money = payment_claims(claims).set_index("claim_id").loc["c-ransom"]
    assert money["figures"] == "4,600,000 EUR; 7,300,000 USD"
    assert money["usd_low"] == pytest.approx(euros_2003, rel=1e-3)
    assert money["usd_high"] == pytest.approx(7_300_000)
    for by in ("payer", "payee", "year", "flow_type"):
        summary = flow_summary(claims, by=by)
        # Never 7.3 million plus 4.6 million euros: one payment, two ends.
        assert summary["alleged_usd_high"].max() == pytest.approx(7_300_000)
        assert summary["alleged_usd_low"].max() == pytest.approx(euros_2003, rel=1e-3)
        assert summary["claims_with_amount"].sum() == 1
    table = ransom_table(claims)
    assert len(table) == 1 and table.loc[0, "reports"] == 3
    report = situation_report(claims)
    totals = [str(s) for _, sentences in report.sections for s in sentences if "come to" in s.text]
    assert len(totals) == 1
    assert (
        "over 1 payment reported 2 times, each payment counted once, and denied 1 time"
        in (totals[0])
    )


def test_the_demand_stays_a_demand(claims):
    summary = flow_summary(claims, by="flow_type")
    assert "ransom demand" not in summary.index
    assert ransom_table(claims).loc[0, "demanded"] == "45,000,000 EUR, alleged"


def test_source_agreement_and_what_each_origin_adds(claims):
    matrix = source_agreement(claims)
    assert matrix.loc["Fixture Daily 2003", "Analyst 2010"] == "3 shared"
    assert matrix.loc["Analyst 2010", "Fixture Radio 2003"] == "1 shared, 2 contradicted"
    only = unique_claims(claims).set_index("origin")
    assert int(only.loc["Fixture Radio 2003", "only_here"]) == 1  # the ADC–Tuareg tie


@pytest.mark.parametrize(
    ("counts", "label"),
    [((2, 0, 0), "corroborated"), ((1, 0, 0), "single source"), ((1, 1, 0), "contested"),
     ((0, 1, 0), "denied"), ((1, 0, 1), "contested")],
)  # fmt: skip
def test_agreement_rules(counts, label):
    assert agreement(*counts) == label


def test_support_wording_says_when_everything_is_an_allegation():
    assert support_wording("corroborated", 3, 4, 0, True) == (
        "alleged by 3 independent origins (4 reports), none confirming it"
    )
    assert support_wording("denied", 0, 0, 2, False) == "denied by 2 reports; no source reports it"


def test_the_curated_2003_ransom_is_one_payment_with_its_reports_and_its_denial(curated):
    table = ransom_table(curated, base_year=2024)
    paid = table[table["claim_id"] == "c-2003-german-ransom"]
    assert len(paid) == 1
    row = paid.iloc[0]
    assert row["agreement"] == "contested"
    # Only ARD's figure comes from a teller; Guitta's and AFP's echoes are listed, not ranged.
    assert row["usd_low"] == row["usd_high"] == pytest.approx(4_600_000 / 0.885756)
    for figure in ("7,300,000 USD per Guitta 2010", "4,600,000 EUR per Mail & Guardian 2003"):
        assert figure in row["reported_as"]
    assert "denied by Amadou Baba Touré (in BBC News 2003" in row["reported_as"]
    assert "called disputed by BBC News 2003" in row["reported_as"]
    germany = flow_summary(curated, by="payer").loc["Germany"]
    # The double count was 7.3 million dollars plus 5 million euros.
    assert germany["alleged_usd_high"] == pytest.approx(4_600_000 / 0.885756)
    # Six reports of the ransom, and Struck's unpriced cost of the release (bbc ¶4).
    assert germany["claims_with_amount"] == 1 and germany["reports"] == 7


def test_the_curated_tuareg_turn_is_one_tie_each_way(curated):
    rels = claims_of(curated, "relationships").set_index("claim_id")
    hostility = rels.loc["c-tuareg-aqim-hostility"]
    # Guitta's "the Tuaregs" and the State Department's ADC, a faction: two ties, not one.
    assert (hostility["actor_a"], hostility["reports"], hostility["origins"]) == ("tuareg", 1, 1)
    assert rels.loc["c-2006-adc-aqim-hostility", "actor_a"] == "adc"


def test_every_curated_claim_has_a_label_and_wording(curated):
    table = claim_table(curated)
    labels = {"corroborated", "single source", "contested", "denied", "untraced"}
    assert set(table["agreement"]) <= labels
    assert table["support"].notna().all()
    assert table["reports"].sum() == sum(
        len(curated.tables[t]) for t in ("relationships", "events", "flows")
    )
    assert not pd.Series(table["claim_id"]).duplicated().any()


@pytest.mark.parametrize("table", ["relationships", "events", "flows"])
def test_claims_of_some_columns_picks_the_same_rows_as_of_all(claims, curated, table):
    for dataset in (claims, curated):
        whole = claims_of(dataset, table)
        narrow = claims_of(dataset, table, ["status"])
        assert narrow.columns[0] == whole.columns[0]
        assert "note" not in narrow and "description" not in narrow
        pd.testing.assert_frame_equal(narrow, whole[narrow.columns.tolist()])


# Spreadsheet exports of hostile data: formula injection (review 2026-12-06, 6.8).

# A cell a spreadsheet may run: it starts with = + - @, or with a tab or carriage
# return, or with spaces and line breaks before = + - @ (several programs trim them).
DANGEROUS = re.compile(r"[\t\r]|[ \t\r\n]*[=+\-@]")
NEGATIVE_NUMBER = re.compile(r"-(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _unsafe(value) -> bool:
    return (
        isinstance(value, str)
        and DANGEROUS.match(value) is not None
        and NEGATIVE_NUMBER.fullmatch(value) is None
    )


@pytest.fixture
def hostile_claims(tmp_path):
    """The claims fixture with sources and an actor named like formulas; it validates."""
    folder = tmp_path / "data"
    shutil.copytree(FIXTURES / "claims", folder)

    def edit(file, key, changes):
        with open(folder / file, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            row.update(changes.get(row[key], {}))
        with open(folder / file, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    edit(
        "sources.csv",
        "source_id",
        {
            "paper": {"author": "@SUM(1+1)", "title": "-2+3 in the paper"},
            "radio": {"author": "=1+1+0*"},
            "tv": {"publisher": "+1+1 TV"},
        },
    )
    edit("actors.csv", "actor_id", {"germany": {"name": "=cmd|'/c calc'!A1"}})
    return load_dataset(folder)


def test_every_exported_cell_header_and_row_label_is_safe(hostile_claims, tmp_path):
    dataset = hostile_claims
    numbers = pd.DataFrame({"label": ["-5", "-2+3"], "count": [-5, 2], "share": [-3.2, 1.5]})
    # The tables the two notebooks export, written as they write them.
    claims_tables = {
        "claims": claim_table(dataset),
        "reports": claim_reports(dataset),
        "agreement": source_agreement(dataset).reset_index(),
        "only_here": unique_claims(dataset),
        "numbers": numbers,
    }
    flows_tables = {
        "ransoms": ransom_table(dataset),
        **{
            f"by_{by}": flow_summary(dataset, by=by)
            for by in ("payer", "payee", "year", "flow_type")
        },
        "in_kind": non_monetary(dataset),
    }
    written = export_tables(claims_tables, tmp_path / "claims", dataset=dataset)
    written += export_tables(flows_tables, tmp_path / "ransom_flows", dataset=dataset)

    seen = set()
    for path in written:
        if path.suffix == ".csv":
            with open(path, newline="", encoding="utf-8") as handle:
                cells = [(path.name, cell) for row in csv.reader(handle) for cell in row]
        else:
            book = openpyxl.load_workbook(path)
            cells = []
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", f"{path.name} {sheet.title}!{cell.coordinate}"
                        cells.append((f"{path.name} {sheet.title}!{cell.coordinate}", cell.value))
        seen.update(value for _, value in cells)
        assert [(where, value) for where, value in cells if _unsafe(value)] == []

    # The hostile text reached the files, prefixed: headers, row labels and cells.
    assert {"'@SUM(1+1) 2003", "'=1+1+0* 2003", "'+1+1 TV 2003", "'=cmd|'/c calc'!A1"} <= seen
    with open(tmp_path / "claims" / "agreement.csv", newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    assert header == ["source", "'=1+1+0* 2003", "'@SUM(1+1) 2003", "Analyst 2010"]
    assert [row[0] for row in rows] == header[1:]
    sheet = openpyxl.load_workbook(tmp_path / "claims" / "tables.xlsx")["Agreement"]
    assert (sheet["B1"].value, sheet["C1"].value) == ("'=1+1+0* 2003", "'@SUM(1+1) 2003")
    assert sheet["B1"].data_type == "s"

    # A negative number stays a number: in the CSV unprefixed, in the workbook a numeric cell.
    with open(tmp_path / "claims" / "numbers.csv", newline="", encoding="utf-8") as handle:
        back = list(csv.DictReader(handle))
    assert [back[0]["label"], back[0]["count"], back[0]["share"]] == ["-5", "-5", "-3.2"]
    assert back[1]["label"] == "'-2+3"
    sheet = openpyxl.load_workbook(tmp_path / "claims" / "tables.xlsx")["Numbers"]
    assert (sheet["B2"].value, sheet["B2"].data_type) == (-5, "n")
    assert (sheet["C2"].value, sheet["C2"].data_type) == (-3.2, "n")


def test_the_claims_workbook_gives_every_column_a_meaning_source_names_too(tmp_path):
    dataset = load_dataset()
    tables = {
        "claims": claim_table(dataset),
        "reports": claim_reports(dataset),
        "agreement": source_agreement(dataset).reset_index(),
        "only_here": unique_claims(dataset),
    }
    export_tables(tables, tmp_path, dataset=dataset)
    book = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    about = [[c.value for c in row] for row in book["About"].iter_rows(min_row=2)]
    # Sheets are named in words; the About sheet names each by its title.
    assert book.sheetnames == ["About", "Claims", "Reports", "Agreement", "Only here"]
    listed = [row for row in about if row[0] in book.sheetnames[1:] and row[1]]
    assert {row[0] for row in listed} == set(book.sheetnames[1:])
    assert [row[1] for row in listed if not row[3]] == []
    # A source-named column of the agreement matrix names the source's title.
    titles = dict(zip(dataset.sources["source_id"], dataset.sources["title"], strict=True))
    matrix = {row[1]: row[3] for row in listed if row[0] == "Agreement" and row[1] != "source"}
    assert len(matrix) == len(tables["agreement"])
    for meaning in matrix.values():
        assert any(f"({title})" in meaning for title in titles.values())
    # Claims of every table: no column of theirs is said to be about a payment.
    claim_rows = [row for row in listed if row[0] in ("Claims", "Reports")]
    assert claim_rows
    for row in claim_rows:
        assert not row[2].startswith("Payment") and "the payment" not in row[3], row
    statuses = set(tables["reports"]["status"].astype(str))
    [status] = [row[3] for row in listed if row[0] == "Reports" and row[1] == "status"]
    assert all(value in status for value in statuses), (statuses, status)


def test_an_unknown_claim_id_is_said_with_suggestions_not_an_empty_table(claims):
    from sahel_nb import ParameterError
    from sahel_nb.claims import claim_reports

    with pytest.raises(ParameterError, match="unknown claim id 'c-ransm'; did you mean 'c-ransom'"):
        claim_reports(claims, "c-ransm")
