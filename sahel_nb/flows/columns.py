"""What each exported column and sheet means, and the heading a column has in the workbook."""

from __future__ import annotations

import re

__all__ = ["COLUMN_HEADINGS", "COLUMN_MEANINGS", "SHEET_MEANINGS", "column_heading"]

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
    # The claims workbook holds every table's claims, not payments only.
    ("claims", "claim_id"): ("Claim id", "the claim's id: every report of one fact (event, "
                             "relationship or payment) shares it"),
    ("reports", "claim_id"): ("Claim id", "the claim this report tells (its claim id)"),
    ("claims", "reports"): ("Reports (rows)", "rows of the data reporting the claim (several "
                            "sources may report one fact)"),
    ("claims", "origins"): ("Independent origins", "independent first tellers reporting the "
                            "claim (a source relaying another adds none)"),
    ("claims", "denials"): ("Denials", "reports denying the claim"),
    ("claims", "reported_as"): ("Every report of it", "every report of the claim side by side: "
                                "what it says, source, paragraph, status"),
    ("reports", "status"): ("Status", "this report's own status: reported, alleged or estimated; "
                            "denied or disputed where it contests the claim"),
    ("ransom_reports", "status"): ("Status", "this report's own status: reported, alleged or "
                                   "estimated; denied or disputed where it contests the payment"),
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
        unit = (
            f"constant {year} US dollars (US CPI-U)"
            if year
            else "US dollars of each payment's own year (not adjusted for inflation)"
        )
        status = column.split("_usd")[0] if "_usd" in column else ""
        what = {"low": "low end", "high": "high end"}.get(end, "figure")
        of = f" of {status.replace('_', ' ')} payments, each counted once" if status else ""
        return f"{what}{of}, in {unit}"
    if column.startswith("amount_"):
        return f"{column.split('_')[1]} end of the range the source gives, in its currency"
    return ""
