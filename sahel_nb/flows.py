"""Money flows: ransom tables, summaries by status, dollar conversion, a Sankey diagram, safe exports."""

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

from .cite import short_names
from .data import Dataset
from .dates import in_window
from .exceptions import DataValidationError, ParameterError, Problem

# Re-exported: the one guard against formula injection, for every CSV and sheet written here.
from .export import neutralise, safe_cell
from .origins import claims_of, memberships
from .pages import render, replacing, write_atomically
from .sankey import Band, layout
from .schema import RELIABILITY, SUPPORTING_STATUSES
from .styles import ACTOR_STYLES, UNKNOWN_STYLE

__all__ = [
    "COLUMN_HEADINGS",
    "COLUMN_MEANINGS",
    "DEMAND",
    "KIDNAPPING",
    "SANKEY_COLUMNS",
    "SHARE",
    "SHEET_MEANINGS",
    "STATUS_COLOURS",
    "about",
    "column_heading",
    "export_tables",
    "flow_diagram",
    "flow_summary",
    "information_cutoff",
    "money_moved",
    "neutralise",
    "non_monetary",
    "not_converted",
    "payment_claims",
    "ransom_table",
    "reference_tables",
    "to_usd",
]

#: The ACLED sub-event type of a kidnapping.
KIDNAPPING = "Abduction/forced disappearance"
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
    from .exceptions import ParameterError

    scalar = all(np.ndim(v) == 0 for v in (amount, currency, year))
    columns = {"amount": amount, "currency": currency, "year": year}
    if scalar:
        columns = {name: [value] for name, value in columns.items()}
    frame = pd.DataFrame(columns)
    amounts = pd.to_numeric(frame["amount"], errors="raise").astype("Float64")
    years = _years(frame["year"])
    currencies = frame["currency"].astype("string").str.upper()
    rates, cpi = reference_tables()
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


#: What the columns of the exported tables mean, for the workbook's "About" sheet.
COLUMN_MEANINGS = {
    "payer": "who paid (actor name); (not given) where no source says",
    "payee": "who received (actor name); (not given) where no source says",
    "year": "the year of the payment's own date; (no date) where none is given",
    "flow_type": "kind of flow: ransom, share of a ransom, tax/extortion, …",
    "claims_with_amount": "payments (claims) with at least one report giving an amount",
    "claims_unknown_amount": "payments known only in kind or without any figure; in no total",
    "claims_not_converted": "payments with an amount that cannot be converted (no year, or no "
    "rate for its currency and year); in no total",
    "not_converted": "why an amount given is not in US dollars (no year, no rate for its "
    "currency and year); empty where it is",
    "reports": "rows of the data behind the payments (several sources may report one)",
    "contested": "payments one source reports and another denies",
    "event_id": "the kidnapping's id in events.csv (the report that speaks for it)",
    "claim_id": "the payment's claim id in flows.csv: every report of it shares the id",
    "flow_id": "the flows.csv row that speaks for the payment (best graded report)",
    "date": "date as written by the source (partial or EDTF, never padded)",
    "reported_as": "every report of the payment side by side: figure, source, paragraph, status",
    "agreement": "corroborated, single source, contested or denied (codebook, Claims)",
    "origins": "independent origins reporting the payment",
    "denials": "reports denying the payment",
    "amount": "figure of the report that speaks for the payment, in its currency",
    "currency": "ISO 4217 currency of amount",
    "sources": "source and paragraph of every row cited",
    "source": "source and paragraph of every row cited",
    "in_kind": "what was given when no amount is known",
    "status": "reported, alleged or estimated (the strongest any report gives)",
    "credibility": "Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged)",
    "location": "where the kidnapping happened: place, region, country, as far as given",
    "hostages": "how many people were taken; empty where no source gives a number",
    "hostage_nationality": "the country of the hostages' group, where the data names one",
    "kidnapper": "who took the hostages (actor name)",
    "demanded": "ransom asked for, with its status; never added to a payment or a total",
    "intermediaries": "go-betweens of the payment and shares passed on, with amounts where known",
    "payment_date": "date of the payment as written by the source; empty where none is given",
    "payment_status": "reported, alleged or estimated: how the best report gives the payment",
    "payment_credibility": "Admiralty credibility of the report that speaks for the payment, "
    "1 (confirmed) to 6 (cannot be judged)",
    "event_status": "reported or alleged: how the best report gives the kidnapping",
    "via": "go-between the money or goods passed through (actor name)",
    "support": "how the claim is supported, in words: origins, relays and denials",
    "table": "which data table the claim is from: events, relationships or flows",
    "claim": "the claim in a few words: who, what, when (from the report that speaks for it)",
    "figures": "the figures the reports give, as a range per currency; empty where none",
    "best_grade": "the best Admiralty grade among the reports: reliability A–F, credibility 1–6",
    "row_id": "the report's own row id in its table (event_id, relationship_id or flow_id)",
    "locator": "where in the source the report is: paragraph (¶) or page",
    "origin": "who first told it: the independent origin the source relays, or the source itself",
    "says": "what this report says: the figure, date or count as the source gives it",
    "grade": "Admiralty grade of this report: source reliability A–F, information credibility 1–6",
    "stance": "for (reports the claim), against (denies it) or neither",
    "claims": "claims this origin reports",
    "only_here": "claims only this origin reports: no other source tells them",
    "examples": "a few of the claims only this origin reports",
}

#: Where a column means something else on one sheet: a report's source is one source,
#: not "every row cited"; the agreement matrix's first column is the row's source.
_ON_SHEET = {
    ("reports", "source"): ("Source", "the source of this report (short name)"),
    ("ransom_reports", "source"): ("Source", "the source of this report (short name)"),
    ("ransom_reports", "event_id"): ("Kidnapping id", "the kidnapping the payment was for "
                                     "(its id in events.csv)"),
    ("agreement", "source"): ("Source", "the row's source (short name); each further column "
                              "is another source"),
}  # fmt: skip

#: What each sheet's rows are, for the About sheet: a workbook that reads without the page.
SHEET_MEANINGS = {
    "ransoms": "one row per payment for each kidnapping (a kidnapping with no known payment "
    "has one row, amounts empty); its reports are counted here and listed one by one in "
    "ransom_reports",
    "ransom_reports": "one row per report of a payment: every source's figure, denials "
    "included; several rows may be one payment (same claim id), never added up",
    "by_payer": "payments totalled per payer, each payment counted once",
    "by_payee": "payments totalled per recipient, each payment counted once",
    "by_year": "payments totalled per year, each payment counted once",
    "by_flow_type": "payments totalled per kind of flow, each payment counted once",
    "in_kind": "flows given in kind, without an amount",
    "claims": "one row per claim of every table, its reports summarised",
    "reports": "one row per report of every claim, side by side",
    "agreement": "for each pair of sources (row and column, by short name), the claims both "
    "report and those one reports and the other denies; the diagonal counts a source's claims",
    "only_here": "one row per independent origin: how many claims no other source tells",
}

#: Workbook headings for people, with units; CSV files keep the column names.
COLUMN_HEADINGS = {
    "event_id": "Kidnapping id",
    "claim_id": "Payment claim id",
    "flow_id": "Flow id",
    "date": "Date (as the source writes it)",
    "location": "Place",
    "hostages": "Hostages (people)",
    "hostage_nationality": "Hostages' country",
    "kidnapper": "Kidnapper",
    "demanded": "Ransom demanded (never in a total)",
    "payer": "Payer",
    "payee": "Recipient",
    "intermediaries": "Go-betweens and shares",
    "payment_date": "Payment date (as the source writes it)",
    "amount": "Amount of the best report (currency column)",
    "amount_low": "Amount, low (currency column)",
    "amount_high": "Amount, high (currency column)",
    "currency": "Currency (ISO 4217)",
    "payment_status": "Payment status",
    "payment_credibility": "Payment credibility (1 best to 6)",
    "reports": "Reports (rows)",
    "origins": "Independent origins",
    "denials": "Denials",
    "agreement": "Agreement among sources",
    "reported_as": "Every report of it",
    "event_status": "Kidnapping status",
    "sources": "Sources (paragraphs)",
    "source": "Source (paragraph)",
    "not_converted": "Why not in US$",
    "year": "Year",
    "flow_type": "Kind of flow",
    "claims_with_amount": "Payments with an amount",
    "claims_unknown_amount": "Payments without an amount",
    "claims_not_converted": "Payments not convertible to US$",
    "contested": "Payments contested",
    "via": "Go-between",
    "table": "Table",
    "claim": "Claim",
    "figures": "Figures reported",
    "best_grade": "Best grade",
    "row_id": "Report id",
    "locator": "Paragraph",
    "origin": "First told by",
    "says": "What it says",
    "grade": "Grade",
    "stance": "For or against",
    "claims": "Claims",
    "only_here": "Claims only it tells",
    "examples": "Examples",
    "in_kind": "Given in kind",
    "status": "Status",
    "credibility": "Credibility (1 best to 6)",
    "support": "Support",
}


def column_heading(column: str, sheet: str = "ransoms") -> str:
    """A workbook heading for a column, with its unit: ``usd_2024_low`` → "Ransom, low (US$, 2024 prices)".

    A dollar column of a sheet whose name does not say ransom is an
    "Amount". Columns :data:`COLUMN_HEADINGS` does not know keep their name.

    Examples
    --------
    >>> column_heading("usd_2024_low")
    'Ransom, low (US$, 2024 prices)'
    >>> column_heading("alleged_usd_high", "by_payer")
    'Alleged payments, high (US$ of each year)'
    >>> column_heading("usd", "claims")
    'Amount, best report (US$ of its year)'
    >>> column_heading("payer"), column_heading("Guitta 2010")
    ('Payer', 'Guitta 2010')
    """
    if (sheet, column) in _ON_SHEET:
        return _ON_SHEET[(sheet, column)][0]
    money = _MONEY_COLUMN.match(column)
    if money and (money.end() == len(column) or column[money.end() :].startswith(" (")):
        year, end = money.groups()
        status = column.split("_usd")[0] if "_usd" in column else ""
        unit = f"US$, {year} prices" if year else "US$ of each year"
        what = f"{status.replace('_', ' ').capitalize()} payments" if status else "Amount"
        if not status and "ransom" in sheet:
            what = "Ransom"
        if status == "all_statuses":
            what = "All payments (reported + alleged + estimated)"
        if end is None and not status:
            # One report's figure, converted at its own year.
            return (
                f"{what}, best report (US$ of its year)"
                if not year
                else f"{what}, best report ({unit})"
            )
        end_ = {"low": ", low", "high": ", high"}.get(end, "")
        return f"{what}{end_} ({unit})"
    return COLUMN_HEADINGS.get(column, column)


_MONEY_COLUMN = re.compile(
    r"^(?:(?:reported|alleged|estimated|all_statuses)_)?usd(?:_(\d{4}))?(?:_(low|high))?"
)


def _meaning(column: str) -> str:
    if column in COLUMN_MEANINGS:
        return COLUMN_MEANINGS[column]
    money = _MONEY_COLUMN.match(column)
    if money:
        year, end = money.groups()
        unit = f"constant {year} US dollars (US CPI-U)" if year else "US dollars of each year"
        status = column.split("_usd")[0] if "_usd" in column else ""
        what = {"low": "low end", "high": "high end"}.get(end, "figure")
        of = f" of {status.replace('_', ' ')} payments, each counted once" if status else ""
        return f"{what}{of}, in {unit}"
    if column.startswith("amount_"):
        return f"{column.split('_')[1]} end of the range the source gives, in its currency"
    return ""


def export_tables(
    tables: dict[str, pd.DataFrame], output_dir, *, dataset: Dataset | None = None
) -> list[Path]:
    """Write each table as ``<name>.csv`` and all of them as sheets of ``tables.xlsx``.

    A table's row labels (e.g. the payer of :func:`flow_summary`) become its
    first column, so every CSV and sheet says what each row is. Every text
    cell, column header and row label is passed through
    :func:`sahel_nb.export.neutralise` first, so a value from the data (a
    source's short name heading a column of the agreement matrix) cannot
    run as a spreadsheet formula. CSV files keep the column names
    (snake_case, for programs); the workbook, for people, heads each column
    in words with its unit (:func:`column_heading`: "Ransom, low (US$, 2024
    prices)"), freezes the heading row and offers filters. Its money cells
    (dollar columns and amounts) are rounded to whole units with a thousands
    format ("US$" before dollars), and a first sheet "About" gives each
    sheet's every column with its CSV name, its heading and its meaning, and,
    when ``dataset`` is given, the data's checksum, its information cut-off
    (the latest source's publication date) and every source. Files
    are written through temporary files and renamed, so a failure leaves
    earlier exports whole. Returns the paths written.
    """
    out = Path(output_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    labelled = {}
    for name, frame in tables.items():
        if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
            frame = frame.reset_index()
        labelled[name] = frame
    # Names become file and sheet names: keep them to what both allow
    # (Excel: 31 characters, none of []:*?/\).
    safe = {
        re.sub(r"[\[\]:*?/\\]", "_", name)[:31]: neutralise(frame)
        for name, frame in labelled.items()
    }
    written = []
    for name, frame in safe.items():
        with replacing(out / f"{name}.csv") as temporary:
            # RFC 4180's CRLF: a value holding a bare CR is then quoted, not split.
            frame.to_csv(temporary, index=False, lineterminator="\r\n")
        written.append(out / f"{name}.csv")
    about = _about(safe, dataset)
    with (
        replacing(out / "tables.xlsx") as temporary,
        pd.ExcelWriter(temporary, engine="openpyxl") as writer,
    ):
        about.to_excel(writer, sheet_name="About", index=False)
        writer.sheets["About"].column_dimensions["A"].width = 24
        writer.sheets["About"].column_dimensions["B"].width = 28
        writer.sheets["About"].column_dimensions["C"].width = 40
        about_sheet = writer.sheets["About"]
        about_sheet.column_dimensions["D"].width = 90
        about_sheet.freeze_panes = "A2"
        for name, frame in safe.items():
            money = [
                c for c in frame.columns
                if (_MONEY_COLUMN.match(str(c)) or str(c).startswith("amount"))
                and pd.api.types.is_numeric_dtype(frame[c])
            ]  # fmt: skip
            shown = frame.copy()
            for column in money:
                shown[column] = shown[column].astype("Float64").round(0)
            # Headings in words for people; the CSV beside it keeps the column names.
            shown.columns = _unique(
                [safe_cell(column_heading(str(c), name)) for c in frame.columns]
            )
            shown.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            if len(shown.columns):
                sheet.auto_filter.ref = sheet.dimensions
            for at, heading in enumerate(shown.columns):
                letter = sheet.cell(row=1, column=at + 1).column_letter
                sheet.column_dimensions[letter].width = min(max(len(heading) + 2, 12), 40)
            for column in money:
                letter = sheet.cell(row=1, column=frame.columns.get_loc(column) + 1).column_letter
                dollars = bool(_MONEY_COLUMN.match(str(column)))
                for cell in sheet[letter][1:]:
                    cell.number_format = '"US$"#,##0' if dollars else "#,##0"
    written.append(out / "tables.xlsx")
    return written


def _unique(labels: list[str]) -> list[str]:
    """Headings as given, a number added to any that repeats (a sheet needs distinct headings)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def information_cutoff(dataset: Dataset) -> str | None:
    """The publication date of the latest dated source, as written: nothing later is in the data.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> cutoff = information_cutoff(load_dataset())
    >>> cutoff[:4].isdigit(), cutoff >= "2003"
    (True, True)
    """
    dated = dataset.sources[dataset.sources["published_end"].notna()]
    if dated.empty:
        return None
    return str(dated.sort_values(["published_end", "published"]).iloc[-1]["published"])


def _about(tables: dict[str, pd.DataFrame], dataset: Dataset | None) -> pd.DataFrame:
    """The workbook's first sheet: every sheet's columns and meanings; checksum, cut-off, sources."""
    rows = [
        (
            "(workbook)",
            "",
            "",
            "Tables exported by sahel-notebooks. Each sheet is also a CSV file, whose columns "
            "keep the names in the second column here; the sheets head them as in the third.",
        )
    ]
    if dataset is not None:
        if dataset.checksum:
            rows.append(("(workbook)", "data_sha256", "", dataset.checksum))
        cutoff = information_cutoff(dataset)
        if cutoff:
            rows.append(
                ("(workbook)", "information_cutoff", "Information cut-off",
                 f"{cutoff}: the publication date of the latest source; nothing later is "
                 "known to these tables")
            )  # fmt: skip
        for source in dataset.sources.to_dict("records"):
            cited = ", ".join(
                str(source[k]) for k in ("author", "publisher", "published") if pd.notna(source[k])
            )
            rows.append(
                ("(sources)", source["source_id"], "", f"{source['title']} ({cited}); "
                 f"reliability {source['reliability']}: {RELIABILITY[source['reliability']]}")
            )  # fmt: skip
    # A column named after a source (the agreement matrix): its meaning names the source.
    sources = {}
    if dataset is not None:
        titles = dataset.sources.set_index("source_id")["title"].to_dict()
        sources = {
            safe_cell(short): f"claims the row's source shares with {short} ({titles[source]}) "
            "and those one reports and the other denies; on the diagonal, its own claims"
            for source, short in short_names(dataset.sources).items()
        }
    for name, frame in tables.items():
        what = SHEET_MEANINGS.get(name)
        rows.append(
            (name, "", "", f"{len(frame):,} rows: {what}" if what else f"{len(frame):,} rows")
        )
        rows += [
            (name, str(column), column_heading(str(column), name),
             _ON_SHEET.get((name, str(column)), ("", ""))[1] or _meaning(str(column))
             or sources.get(str(column), ""))
            for column in frame.columns
        ]  # fmt: skip
    return neutralise(pd.DataFrame(rows, columns=["sheet", "column", "heading", "meaning"]))


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
    # The range is the first tellers' figures; an echo's figure (a report that
    # names no teller) widens it only where no teller gives one.
    echo = backing["origin"].isna() if "origin" in backing else backing["status"].isna()
    told = set(backing.loc[~echo & backing["low_end"].notna(), "claim_id"])
    beside = echo & backing["claim_id"].isin(told)
    by_claim = backing[~beside].groupby("claim_id")
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
        by_id = dict(zip(flows["claim_id"], figures, strict=True))
        claims["figures"] = claims["claim_id"].map(by_id)
        claims["reported_as"] = None
        return claims
    names = short_names(dataset.sources)
    figures: dict[str, list] = {}
    said: dict[str, list] = {}
    ordered = rows.assign(against=~supporting).sort_values(
        ["claim_id", "against", "date_start", "flow_id"], na_position="last", kind="stable"
    )
    for row in ordered.itertuples(index=False):
        where = f"{names.get(row.source_id, row.source_id)} {row.locator}"
        if row.status == "denied":
            said.setdefault(row.claim_id, []).append(f"denied by {where}")
            continue
        if row.status == "disputed":
            said.setdefault(row.claim_id, []).append(f"called disputed by {where}")
            continue
        figure = _figure(row.amount, row.amount_low, row.amount_high, row.currency)
        in_money = "" if pd.isna(row.amount_year) else f", in {row.amount_year} money"
        if pd.isna(row.origin) and row.claim_id in told:
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
    ``by="year"`` groups by the claim's own date. A group with no amount of a
    status shows nothing there, not 0.

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
    claims = claims[in_window(claims, start, end)].copy()
    names = dataset.actors.set_index("actor_id")["name"]
    if by in ("payer", "payee"):
        group = claims[by].map(names).fillna("(not given)")
    elif by == "year":  # the claim's own date: an event's year only converts its money
        group = _year(claims["date_start"]).astype("string").fillna("(no date)")
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


#: Band colour for each flow status in the diagram.
STATUS_COLOURS = {"reported": "#2e7d32", "alleged": "#ef6c00", "estimated": "#6a1b9a"}

#: The diagram's columns: who pays, who carries, who receives, and who gets a share.
SANKEY_COLUMNS = ("payer", "go-between", "payee", "share passed on to")

#: The flow type of a part of a ransom passed on, drawn inside its ransom.
SHARE = "share of a ransom"


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


def _wrapped(text: str, width: int = 30) -> list[str]:
    """A label on lines of about ``width`` characters, broken between words only."""
    import textwrap

    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]


def _unknown_reason(claim) -> str:
    """Why a band has no dollar width: no figure at all, or one that cannot be converted."""
    if not isinstance(claim.figures, str):
        return "amount not given"
    why = claim.not_converted if isinstance(claim.not_converted, str) else "no year"
    return f"not converted: {why}"


#: Statuses drawn hatched, never solid: what no source states as fact.
_DOUBTFUL = ("alleged", "disputed")
#: Bands at least this many pixels wide carry their rounded amount as a label.
_LABELLED_WIDTH = 14


def _denied_claims(dataset: Dataset, start, end) -> pd.DataFrame:
    """The payments only denied, each once: drawn as a denial marker, not a band."""
    claims = money_moved(payment_claims(dataset))
    claims = claims[(claims["agreement"] == "denied").to_numpy(bool)]
    claims = claims[in_window(claims, start, end).to_numpy(bool)]
    return claims.sort_values("claim_id", kind="stable").reset_index(drop=True)


def _diagram_claims(dataset: Dataset, start, end, base_year) -> pd.DataFrame:
    """The payment claims the diagram draws, each once, with its parent ransom for a share."""
    claims = money_moved(payment_claims(dataset, base_year=base_year))
    # A payment only denied was not made: it is not drawn.
    claims = claims[(claims["agreement"] != "denied").to_numpy(bool)]
    claims = claims[in_window(claims, start, end).to_numpy(bool)]
    claims = claims.sort_values("claim_id", kind="stable").reset_index(drop=True)
    event_claim = dict(zip(dataset.events["event_id"], dataset.events["claim_id"], strict=True))
    groups = memberships(dataset.relationships)
    kidnapping = claims["event_id"].map(event_claim)
    ransoms = claims[claims["flow_type"].astype(str) == "ransom"]
    parents = []
    for claim, event in zip(claims.itertuples(index=False), kidnapping, strict=True):
        parent = None
        if str(claim.flow_type) == SHARE and isinstance(event, str):
            same = ransoms[(kidnapping[ransoms.index] == event).to_numpy(bool)]
            # The ransom its payer received, or his group did (El Para's share
            # comes out of the ransom paid to the GSPC he commands); else the first.
            theirs = {claim.payer, *groups.get(claim.payer, set())}
            own = same[same["payee"].isin(theirs).to_numpy(bool)]
            chosen = own if len(own) else same
            parent = chosen["claim_id"].iloc[0] if len(chosen) else None
        parents.append(parent)
    claims["parent"] = parents
    return claims


def flow_diagram(
    dataset: Dataset,
    path,
    *,
    start=None,
    end=None,
    base_year: int | None = None,
    title: str = "Money and material flows",
):
    """Write payer → go-between → payee as a Sankey diagram: one static, offline HTML page.

    Every payment claim is one band however many sources report it (a
    ransom demand moved no money and a payment only denied was not made:
    neither is drawn). Band width is proportional to the amount in US
    dollars, constant dollars of ``base_year`` when given: a ranged amount
    is drawn strong to its low end with a lighter extension to its high end.
    A payment only alleged, or contested, is hatched and outlined, never a
    solid band, and a contested one carries a ✕ whose hover text names the
    denial; a payment only denied is no band but a ✕ line under the
    picture. Bands wide enough carry their amount rounded ("about
    €4.6M, contested", :func:`about`), as does the hover text; the table
    under the picture gives the exact figures. An amount not given, or given
    but not convertible, is a thin hatched band whose hover text says why,
    never a zero. A share of a ransom leaves from inside that ransom's band
    where it reaches its payee, toward a "share passed on to" column. An
    unnamed payer or payee is a node of its own payment, never one shared
    node. Colour gives the status (reported, alleged, estimated); the
    legend lists only what is drawn, and a table under the picture repeats
    each band for print.

    The layout is computed here (:func:`sahel_nb.sankey.layout`), so the
    page is inline SVG with no script: nothing is fetched, every string
    from the data is escaped by the template, the same data writes the same
    bytes, and the file is replaced atomically at ``path`` only.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from sahel_nb import load_dataset
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     page = flow_diagram(load_dataset(), Path(folder) / "flows.html", base_year=2024)
    ...     text = page.read_text(encoding="utf-8")
    >>> '<g class="band share unknown" data-claim="c-2003-mediator-share">' in text
    True
    """
    claims = _diagram_claims(dataset, start, end, base_year)
    unit = "US$" if base_year is None else f"{base_year} US$"
    money = "usd" if base_year is None else f"usd_{base_year}"
    actors = dataset.actors.set_index("actor_id")
    names = actors["name"].to_dict()
    drawn = set(claims["claim_id"])
    parent_of = {
        c: p for c, p in zip(claims["claim_id"], claims["parent"], strict=True) if p in drawn
    }
    column = dict(zip(SANKEY_COLUMNS, range(len(SANKEY_COLUMNS)), strict=True))
    node_column: dict[str, int] = {}
    node_actor: dict[str, str | None] = {}
    bands = []
    rows = {}

    def node(role: str, actor, claim_id: str, side: str) -> str:
        # An unnamed payer or payee is its payment's own node: one shared
        # "not given" node would join payments that have nothing in common.
        key = f"{role}:{actor}" if isinstance(actor, str) else f"{role}:?{claim_id}:{side}"
        node_column[key] = column[role]
        node_actor[key] = actor if isinstance(actor, str) else None
        return key

    for claim in claims.itertuples(index=False):
        parent = parent_of.get(claim.claim_id)
        if parent is not None:
            # Its first node is the ransom's payee, filled in once every ransom has a path.
            hops = (None, node("share passed on to", claim.payee, claim.claim_id, "payee"))
        else:
            hops = (node("payer", claim.payer, claim.claim_id, "payer"),)
            if isinstance(claim.intermediary, str):
                hops += (node("go-between", claim.intermediary, claim.claim_id, "via"),)
            hops += (node("payee", claim.payee, claim.claim_id, "payee"),)
        low = getattr(claim, f"{money}_low")
        high = getattr(claim, f"{money}_high")
        bands.append(
            Band(
                claim.claim_id,
                hops,
                None if pd.isna(low) else float(low),
                None if pd.isna(high) else float(high),
                parent,
            )
        )
        rows[claim.claim_id] = claim
    ends = {b.key: b.path[-1] for b in bands if b.parent is None}
    bands = [
        b
        if b.parent is None
        else Band(b.key, (ends[b.parent], *b.path[1:]), b.low, b.high, b.parent)
        for b in bands
    ]
    by_key = {b.key: b for b in bands}
    placed = layout(node_column, bands)

    def label(node_id: str) -> str:
        actor = node_actor.get(node_id)
        if actor is not None:
            return str(names.get(actor, actor))
        return "payer not given" if node_id.endswith(":payer") else "recipient not given"

    segments: dict[str, list] = {}
    for segment in placed.segments:
        segments.setdefault(segment.key, []).append(segment)
    statuses_drawn, unknown_statuses = set(), set()
    ranged = contested = small = shares = doubtful = doubtful_alleged = False
    band_items: dict[str, dict] = {}
    table = []
    amount_labels: list[dict] = []
    denial_marks: list[dict] = []
    for band in bands:
        claim = rows[band.key]
        status = str(claim.status)
        statuses_drawn.add(status)
        hops = [label(n) for n in band.path]
        if band.parent is not None:
            # The share's own payer, as the data gives it, though it is drawn
            # leaving from the ransom's payee.
            payer = names.get(claim.payer, claim.payer) if isinstance(claim.payer, str) else None
            route = f"{payer or 'payer not given'} → {hops[-1]}"
        else:
            route = " → ".join(hops)
        known = band.known
        reason = None if known else _unknown_reason(claim)
        if not known:
            unknown_statuses.add(status)
        is_range = known and band.low is not None and band.low < band.high
        ranged |= is_range
        is_contested = claim.agreement == "contested"
        contested |= is_contested
        # What the sources dispute, or only allege, is never drawn as a solid band.
        is_doubtful = is_contested or status in _DOUBTFUL
        doubtful |= known and is_doubtful
        doubtful_alleged |= known and status in _DOUBTFUL
        small |= any(s.minimum for s in segments[band.key])
        shares |= band.parent is not None
        lines = [f"{claim.flow_type}: {route}"]
        lines.append(f"date: {claim.date}" if isinstance(claim.date, str) else "date not given")
        lines.append(f"amount: {claim.figures}" if isinstance(claim.figures, str) else reason)
        if isinstance(claim.in_kind, str):
            lines.append(f"described as: {claim.in_kind}")
        if known:
            # Rounded: the exact conversion is in the table under the picture.
            shown = _about_dollars(band.low, band.high)
            if is_range:
                shown += " (band strong to the low end, lighter to the high end)"
            lines.append(f"in {unit}: {shown}")
        elif isinstance(claim.figures, str):
            lines.append(reason)
        if band.parent is not None:
            whole = " → ".join(label(n) for n in by_key[band.parent].path)
            lines.append(f"part of the ransom {band.parent} ({whole}), drawn from inside its band")
        lines.append(f"{status}, credibility {claim.credibility}; {claim.support}")
        if isinstance(claim.reported_as, str):
            lines += ["reports:", *(f"  {part}" for part in claim.reported_as.split("; "))]
        else:
            lines.append(f"source: {claim.cited}")
        colour = STATUS_COLOURS.get(status, "#757575")
        band_items[band.key] = {
            "claim": band.key,
            "classes": " ".join(
                c
                for c, on in (
                    ("band", True),
                    ("share", band.parent is not None),
                    ("unknown", not known),
                    ("ranged", is_range),
                    ("contested", is_contested),
                    ("doubtful", is_doubtful and known),
                )
                if on
            ),
            "colour": colour,
            "hatch": f"hatch-{status}",
            "strong": f"strong-{status}",
            "faint": f"faint-{status}",
            "doubtful": is_doubtful,
            "known": known,
            "ranged": is_range,
            "contested": is_contested,
            "tooltip": "\n".join(lines),
            "segments": [
                {
                    "path": s.path(),
                    "low": s.low_path(),
                    "range": s.range_path(),
                    "source": s.source,
                    "target": s.target,
                    "width": round(s.width, 2),
                }
                for s in segments[band.key]
            ],
            "children": [],
        }
        first = segments[band.key][0]
        if band.parent is None and known and first.width >= _LABELLED_WIDTH:
            words = _about_figures(claim.figures) or _about_dollars(band.low, band.high)
            words += ", contested" if is_contested else f", {status}"
            amount_labels.append(
                {
                    "claim": band.key,
                    "x": round((first.x0 + first.x1) / 2, 2),
                    "y": round((first.y0 + first.y1) / 2 + first.width / 2, 2),
                    "text": words,
                }
            )
        if is_contested:
            denials = [
                part for part in str(claim.reported_as).split("; ") if part.startswith("denied")
            ]
            denial_marks.append(
                {
                    "claim": band.key,
                    "x": round((first.x0 + first.x1) / 2, 2),
                    "y": round((first.y0 + first.y1) / 2 + first.width / 2, 2),
                    "tooltip": "; ".join(denials) or "a source denies this payment",
                }
            )
        table.append(
            {
                "claim": band.key,
                "flow": str(claim.flow_type),
                "route": route,
                "date": claim.date if isinstance(claim.date, str) else "not given",
                "amount": claim.figures if isinstance(claim.figures, str) else "not given",
                "dollars": _dollars(band.low, band.high) if known else f"— ({reason})",
                "status": status,
                "support": str(claim.support),
            }
        )
    top_level = []
    for band in bands:
        item = band_items[band.key]
        if band.parent is not None:
            band_items[band.parent]["children"].append(item)
        else:
            top_level.append(item)

    node_items = []
    for node_id, box in sorted(placed.nodes.items(), key=lambda kv: (kv[1].column, kv[1].y)):
        actor = node_actor.get(node_id)
        kind = str(actors.loc[actor, "actor_type"]) if actor in actors.index else None
        colour = ACTOR_STYLES.get(kind, UNKNOWN_STYLE)[0] if kind else "#bdbdbd"
        heading = SANKEY_COLUMNS[node_column[node_id]]
        touching = sorted({s.key for s in placed.segments if node_id in (s.source, s.target)})
        tip = [label(node_id) + (f" ({kind})" if kind else ""), f"column: {heading}"]
        if actor is None:
            tip.append(f"no source names them; a node of {touching[0]} only")
        tip.append(f"flows: {', '.join(touching)}")
        first = box.column == 0
        lines = _wrapped(label(node_id))
        node_items.append(
            {
                "id": node_id,
                "x": round(box.x, 2),
                "y": round(box.y, 2),
                "height": round(box.height, 2),
                "colour": colour,
                "placeholder": actor is None,
                "tooltip": "\n".join(tip),
                "anchor": "end" if first else "start",
                "text_x": round(box.x - 6 if first else box.x + 14 + 6, 2),
                "text_y": round(box.y + box.height / 2 - 7 * (len(lines) - 1), 2),
                "lines": lines,
            }
        )
    used = sorted({node_column[n] for n in placed.nodes})
    headings = [
        {"x": round(x + 7, 2), "label": SANKEY_COLUMNS[c]}
        for c, x in zip(used, placed.column_x, strict=True)
    ]
    band_legend = [
        {"label": f"{status}", "colour": STATUS_COLOURS[status]}
        for status in STATUS_COLOURS
        if status in statuses_drawn
    ]
    notes = []
    denial_rows: list[dict] = []
    if any(b.known for b in bands):
        per_pixel = about(1 / placed.scale).removeprefix("about US$")
        notes.append(f"band width proportional to {unit}: 1 pixel ≈ {unit} {per_pixel}")
        notes.append("amounts on the picture are rounded; the table below gives them exactly")
    if ranged:
        notes.append("lighter part: from the low to the high end of what the reports say")
    if contested:
        notes.append("✕ on a band: a source denies the payment (hover the ✕ for who)")
    if doubtful:
        what = " or ".join(
            w for w, on in (("alleged only", doubtful_alleged), ("contested", contested)) if on
        )
        notes.append(
            f"hatched and outlined, never solid: {what}; the strong hatching runs to the low "
            "end, the lighter to the high end"
        )
    if unknown_statuses:
        notes.append("thin hatched band: amount not given or not convertible (hover for why)")
    if small:
        notes.append("an amount too small to see is drawn 2 pixels wide")
    if shares:
        notes.append("a share of a ransom leaves from inside that ransom's band")
    hatches = [
        {"id": f"hatch-{s}", "colour": STATUS_COLOURS[s], "width": 2.5, "ground": 0.6}
        for s in STATUS_COLOURS
        if s in unknown_statuses
    ]
    doubtful_statuses = sorted(
        {item["colour"] and str(rows[key].status) for key, item in band_items.items()
         if item["doubtful"] and item["known"]}
    )  # fmt: skip
    for status in doubtful_statuses:
        colour = STATUS_COLOURS.get(status, "#757575")
        hatches.append({"id": f"strong-{status}", "colour": colour, "width": 2.5, "ground": 0.85})
        hatches.append({"id": f"faint-{status}", "colour": colour, "width": 1, "ground": 0.85})
    denied = _denied_claims(dataset, start, end)
    for claim in denied.itertuples(index=False):
        payer = (
            names.get(claim.payer, "payer not given")
            if isinstance(claim.payer, str)
            else "payer not given"
        )
        payee = (
            names.get(claim.payee, "recipient not given")
            if isinstance(claim.payee, str)
            else "recipient not given"
        )
        figure = f" ({_about_figures(claim.figures)})" if isinstance(claim.figures, str) else ""
        denial_rows.append(
            {
                "claim": claim.claim_id,
                "text": f"{claim.flow_type}{figure}: {payer} → {payee}, {claim.date if isinstance(claim.date, str) else 'date not given'}",
                "tooltip": str(claim.reported_as)
                if isinstance(claim.reported_as, str)
                else f"denied: {claim.cited}",
            }
        )
    if denial_rows:
        notes.append("✕ under the picture: a payment only denied, drawn as no band")
    known_count = sum(b.known for b in bands)
    summary = (
        f"{_count(len(bands), 'flow')}, each drawn once however many sources report it: "
        f"{known_count} with an amount in {unit}, {len(bands) - known_count} of unknown amount "
        "or not convertible. Ransom demands and payments only denied are not drawn."
    )
    if not bands:
        summary = "No money or goods moved in this period, as far as the data records."
    page = render(
        "sankey.html.j2",
        title=title,
        summary=summary,
        width=round(placed.width, 2),
        height=round(placed.height + 20, 2),
        headings=headings,
        bands=top_level,
        nodes=node_items,
        hatches=hatches,
        band_legend=band_legend,
        notes=notes,
        node_legend=sorted(
            {
                (
                    str(actors.loc[a, "actor_type"]),
                    ACTOR_STYLES.get(str(actors.loc[a, "actor_type"]), UNKNOWN_STYLE)[0],
                )
                for a in node_actor.values()
                if a in actors.index
            }
        ),
        placeholders=any(n["placeholder"] for n in node_items),
        amount_labels=amount_labels,
        denial_marks=denial_marks,
        denial_rows=denial_rows,
        table=table,
        unit=unit,
    )
    return write_atomically(path, page)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


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
