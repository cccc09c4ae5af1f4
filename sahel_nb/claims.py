"""Claims: every fact once, its reports side by side, and how far the sources agree."""

from __future__ import annotations

import difflib
import itertools
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from .chains import chain_svg
from .cite import short_names, teller_names
from .data import Dataset
from .exceptions import ParameterError
from .flows import payment_claims
from .narrative import describe_claims
from .origins import claims_of, stance
from .pages import render, write_atomically
from .schema import CLAIM_TABLES, KIND_PHRASES, TABLES

__all__ = [
    "claim_reports",
    "claim_table",
    "claims_page",
    "ransom_reports",
    "source_agreement",
    "unique_claims",
]


def _names(dataset: Dataset) -> dict[str, str]:
    return dataset.actors.set_index("actor_id")["name"].to_dict()


def _what(table: str, row: dict, names: dict) -> str:
    """A claim in a few words, as prose says it: who did what to whom, and when.

    Examples
    --------
    >>> _what("relationships", {"actor_a": "a", "actor_b": "b", "kind": "protection/safe haven",
    ...     "start": "2006", "end": "2006", "directed": True}, {"a": "Mali", "b": "AQIM"})
    'Mali sheltered or tolerated AQIM (2006)'
    >>> _what("events", {"sub_event_type": "Hostage release", "event_type": "x",
    ...     "date": "2003-08~", "actor1": "a", "actor2": None}, {"a": "the GSPC"})
    'Hostage release (about August 2003): the GSPC'
    """
    from .dates import date_words

    def name(actor) -> str:
        return names.get(actor, "?") if isinstance(actor, str) else "someone not named"

    if table == "relationships":
        phrase = KIND_PHRASES.get(str(row["kind"]), str(row["kind"]))
        when = _span(row.get("start"), row.get("end")).removeprefix(", ")
        return f"{name(row['actor_a'])} {phrase} {name(row['actor_b'])} ({when or 'undated'})"
    if table == "events":
        # "Other" is the codebook's catch-all: its broader type says more.
        kind = row["sub_event_type"]
        if str(kind) == "Other":
            kind = str(row["event_type"])
        other = f", {name(row['actor2'])}" if isinstance(row["actor2"], str) else ""
        return f"{kind} ({date_words(row['date'])}): {name(row['actor1'])}{other}"
    parties = " → ".join(
        name(row[c]) for c in ("payer", "intermediary", "payee") if isinstance(row[c], str)
    )
    kind = "payment of another kind" if row["flow_type"] == "other" else row["flow_type"]
    return f"{kind} ({date_words(row['date'])}): {parties}"


def _span(start, end) -> str:
    """``, 2003 to 2006``: a tie's period in words (empty when neither end is given)."""
    from .dates import date_words

    start = start if isinstance(start, str) else ""
    end = end if isinstance(end, str) else ""
    if not start and not end:
        return ""
    if start == end:
        return f", {date_words(start)}"
    if not end:
        return f", from {date_words(start)}"
    if not start:
        return f", until {date_words(end)}"
    return f", {date_words(start)} to {date_words(end)}"


def _teller(origin, tellers: dict[str, str]) -> str:
    """An origin as a reader names it; a report with none says so."""
    if not isinstance(origin, str) or not origin:
        return "(no teller named)"
    return tellers.get(origin, origin.removeprefix("speaker:"))


def _figure(table: str, row: dict) -> str:
    """What one report says of its claim, in its own terms."""
    if table == "flows":
        if pd.notna(row["amount"]):
            figure = f"{row['amount']:,.0f} {row['currency']}"
            if pd.notna(row["amount_low"]) or pd.notna(row["amount_high"]):
                ends = [f"{v:,.0f}" for v in (row["amount_low"], row["amount_high"]) if pd.notna(v)]
                figure += f" (range {'–'.join(ends)})"
            return figure
        return str(row["in_kind"]) if isinstance(row["in_kind"], str) else "amount not given"
    if table == "events":
        parts = [row["date"] if isinstance(row["date"], str) else "date not given"]
        if pd.notna(row["hostages"]):
            count = int(row["hostages"])
            parts.append(f"{count} hostage{'' if count == 1 else 's'}")
        if pd.notna(row["fatalities"]):
            parts.append(f"{int(row['fatalities'])} dead")
        return ", ".join(parts)
    return _span(row["start"], row["end"]).removeprefix(", ") or "period not given"


def _check_claim(dataset: Dataset, claim_id: str) -> None:
    """Raise, suggesting close ids, when no table holds ``claim_id``."""
    known = sorted({c for t in CLAIM_TABLES for c in dataset.tables[t]["claim_id"].dropna()})
    if claim_id in known:
        return
    close = difflib.get_close_matches(str(claim_id), known, n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ParameterError(f"unknown claim id {claim_id!r}{hint}")


def claim_reports(dataset: Dataset, claim_id: str | None = None) -> pd.DataFrame:
    """Every report of every claim (or of one), side by side: one row per report.

    Columns: ``table``, ``claim_id``, ``row_id``, ``source`` (short name),
    ``locator``, ``origin`` (short name of the independent origin, which
    differs from the source when it relays someone), ``says`` (the figure,
    date or count as the source gives it), ``status``, ``grade`` (source
    reliability and information credibility, ``C3``) and ``stance`` (for,
    against, neither).

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> reports = claim_reports(load_dataset("tests/fixtures/claims"), "c-ransom")
    >>> reports[["source", "origin", "says", "status"]].values.tolist()
    [['Analyst 2010', 'Analyst 2010', '7,300,000 USD', 'alleged'], ['Fixture Daily 2003', 'Fixture TV 2003', '4,600,000 EUR', 'alleged'], ['Fixture Radio 2003', 'Fixture Radio 2003', 'no ransom paid, per the negotiator', 'denied']]
    """
    if claim_id is not None:
        _check_claim(dataset, claim_id)
    names = short_names(dataset.sources)
    tellers = teller_names(dataset.sources, dataset.actors)
    rows = []
    for table in CLAIM_TABLES:
        frame = dataset.tables[table]
        if claim_id is not None:
            frame = frame[frame["claim_id"] == claim_id]
        id_column = TABLES[table].id_column
        for row in frame.to_dict("records"):
            rows.append(
                {
                    "table": table,
                    "claim_id": row["claim_id"],
                    "row_id": row[id_column],
                    "source": names.get(row["source_id"], row["source_id"]),
                    "locator": row["locator"],
                    "origin": _teller(row.get("origin"), tellers),
                    "says": _figure(table, row),
                    "status": str(row["status"]),
                    "grade": f"{row['reliability']}{row['credibility']}",
                    "stance": stance(str(row["status"])),
                }
            )
    columns = ["table", "claim_id", "row_id", "source", "locator", "origin", "says", "status"]
    out = pd.DataFrame(rows, columns=[*columns, "grade", "stance"])
    order = out["stance"].map({"for": 0, "neither": 1, "against": 2})
    return (
        out.assign(_order=order)
        .sort_values(["table", "claim_id", "_order", "row_id"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def ransom_reports(dataset: Dataset, ransoms: pd.DataFrame) -> pd.DataFrame:
    """One row per report of each payment in ``ransoms`` (:func:`~sahel_nb.flows.ransom_table`).

    The ransom workbook's second view: where the ``ransoms`` sheet has one
    row per payment, this has one per source's report of it (denials
    included), with the kidnapping's ``event_id`` first, so that a payment
    reported five times reads as one payment and five reports, never as
    five payments. Columns are :func:`claim_reports`' (``table`` left out).

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.flows import ransom_table
    >>> data = load_dataset("tests/fixtures/claims")
    >>> reports = ransom_reports(data, ransom_table(data))
    >>> reports["claim_id"].unique().tolist(), len(reports)
    (['c-ransom'], 3)
    """
    paid = ransoms.dropna(subset=["claim_id"])
    kidnapping = dict(zip(paid["claim_id"], paid["event_id"], strict=False))
    reports = claim_reports(dataset)
    reports = reports[(reports["table"] == "flows") & reports["claim_id"].isin(kidnapping)]
    reports = reports.drop(columns="table").reset_index(drop=True)
    reports.insert(0, "event_id", reports["claim_id"].map(kidnapping))
    return reports


def claim_table(dataset: Dataset, *, base_year: int | None = None) -> pd.DataFrame:
    """One row per claim of every table: its reports side by side and how well it is supported.

    Columns: ``table``, ``claim_id``, ``claim`` (who, what, when, from the
    report that speaks for it), ``reports``, ``origins`` (independent
    origins reporting it), ``denials``, ``agreement`` (corroborated, single
    source, contested, denied; rules in the codebook), ``support`` (its
    wording), ``figures`` (a payment's range in the original currencies),
    ``usd_low``/``usd_high`` (constant dollars of ``base_year`` if given),
    ``reported_as`` (each report: what it says, where, status and grade) and
    ``best_grade``. Sorted by table, then claims with most origins first.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> table = claim_table(load_dataset("tests/fixtures/claims")).set_index("claim_id")
    >>> table.loc[["c-kidnap", "c-release", "c-ransom"], "agreement"].tolist()
    ['corroborated', 'single source', 'contested']
    >>> int(table.loc["c-release", "reports"]), int(table.loc["c-release", "origins"])
    (2, 1)
    """
    names = _names(dataset)
    reports = claim_reports(dataset)
    said = (
        reports.assign(
            line=lambda f: (
                f["says"]
                + " per "
                + f["source"]
                + " "
                + f["locator"]
                + " ("
                + f["status"]
                + ", "
                + f["grade"]
                + ")"
            )
        )
        .groupby(["table", "claim_id"], sort=False)["line"]
        .agg("; ".join)
    )
    unit = "usd" if base_year is None else f"usd_{base_year}"
    money = payment_claims(dataset, base_year=base_year).set_index("claim_id")
    parts = []
    for table in CLAIM_TABLES:
        claims = claims_of(dataset, table)
        records = claims.to_dict("records")
        part = pd.DataFrame(
            {
                "table": table,
                "claim_id": claims["claim_id"],
                "claim": [_what(table, row, names) for row in records],
                "reports": claims["reports"].astype(int),
                "origins": claims["origins"].astype(int),
                "denials": claims["denials"].astype(int),
                "agreement": claims["agreement"],
                "support": claims["support"],
                "best_grade": [f"{r['reliability']}{r['credibility']}" for r in records],
            }
        )
        if table == "flows":
            part["figures"] = claims["claim_id"].map(money["figures"])
            part["usd_low"] = claims["claim_id"].map(money[f"{unit}_low"])
            part["usd_high"] = claims["claim_id"].map(money[f"{unit}_high"])
        part["reported_as"] = [said.get((table, c)) for c in claims["claim_id"]]
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    for column in ("figures",):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    for column in ("usd_low", "usd_high"):
        out[column] = out[column].astype("Float64")
    table_order = out["table"].map({t: i for i, t in enumerate(CLAIM_TABLES)})
    out = out.assign(_t=table_order).sort_values(
        ["_t", "origins", "reports", "claim_id"], ascending=[True, False, False, True]
    )
    columns = ["table", "claim_id", "claim", "reports", "origins", "denials", "agreement"]
    columns += ["support", "figures", "usd_low", "usd_high", "best_grade", "reported_as"]
    return out[columns].reset_index(drop=True)


def source_agreement(dataset: Dataset) -> pd.DataFrame:
    """For each pair of sources: claims both report, and claims one reports and the other denies.

    A square table of the sources' short names; a cell reads ``3 shared`` or
    ``2 shared, 1 contradicted``; the diagonal gives each source's number of
    claims. Empty where two sources share no claim.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> matrix = source_agreement(load_dataset("tests/fixtures/claims"))
    >>> matrix.loc["Analyst 2010", "Fixture Radio 2003"]
    '1 shared, 2 contradicted'
    """
    reports = claim_reports(dataset)
    sources = sorted(reports["source"].unique())
    shared: dict[tuple[str, str], int] = {}
    against: dict[tuple[str, str], int] = {}
    own = reports.groupby("source")["claim_id"].nunique()
    for _, claim in reports.groupby(["table", "claim_id"], sort=False):
        sides = claim.groupby("source")["stance"].agg(set).to_dict()
        for a, b in itertools.combinations(sorted(sides), 2):
            if "for" in sides[a] and "for" in sides[b]:
                shared[(a, b)] = shared.get((a, b), 0) + 1
            if ("for" in sides[a] and "against" in sides[b]) or (
                "against" in sides[a] and "for" in sides[b]
            ):
                against[(a, b)] = against.get((a, b), 0) + 1
    matrix = pd.DataFrame("", index=pd.Index(sources, name="source"), columns=sources)
    for a in sources:
        matrix.loc[a, a] = f"{own[a]} claims"
    for a, b in itertools.combinations(sources, 2):
        cells = []
        if shared.get((a, b)):
            cells.append(f"{shared[(a, b)]} shared")
        if against.get((a, b)):
            cells.append(f"{against[(a, b)]} contradicted")
        matrix.loc[a, b] = matrix.loc[b, a] = ", ".join(cells)
    return matrix


def unique_claims(dataset: Dataset) -> pd.DataFrame:
    """What each independent origin adds that no other does: claims only it reports.

    One row per origin (short name): ``claims`` it reports at all,
    ``only_here`` (claims no other origin reports) and ``examples`` (the
    first few, in a few words).

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> table = unique_claims(load_dataset("tests/fixtures/claims")).set_index("origin")
    >>> int(table.loc["Fixture TV 2003", "only_here"])
    2
    """
    names = _names(dataset)
    tellers = teller_names(dataset.sources, dataset.actors)
    rows = []
    for table in CLAIM_TABLES:
        frame = dataset.tables[table]
        backing = frame[frame["status"].astype(str).isin(("reported", "alleged", "estimated"))]
        # Reports that name no teller are no origin: they add nothing of their own.
        backing = backing[backing["origin"].notna()]
        origins = backing.groupby("claim_id")["origin"].agg(lambda v: sorted(set(v)))
        first = claims_of(dataset, table).set_index("claim_id")
        for claim, held in origins.items():
            for origin in held:
                rows.append(
                    {
                        "origin": _teller(origin, tellers),
                        "claim": _what(table, first.loc[claim].to_dict(), names),
                        "alone": len(held) == 1,
                    }
                )
    frame = pd.DataFrame(rows, columns=["origin", "claim", "alone"])
    out = []
    for origin, group in frame.groupby("origin"):
        alone = group[group["alone"]].sort_values("claim")
        examples = "; ".join(alone["claim"].head(3))
        if len(alone) > 3:
            examples += f"; and {len(alone) - 3} more"
        out.append(
            {
                "origin": origin,
                "claims": len(group),
                "only_here": len(alone),
                "examples": examples or None,
            }
        )
    result = pd.DataFrame(out, columns=["origin", "claims", "only_here", "examples"])
    return result.sort_values(["only_here", "origin"], ascending=[False, True]).reset_index(
        drop=True
    )


def claims_page(dataset: Dataset, path, *, title: str = "Claims and their reports") -> Path:
    """Write every claim with its reports side by side as one offline HTML page at ``path``.

    Claims are grouped by table, most independent origins first; a denial
    sits in its claim's table beside the reports it contradicts. Every
    string from the data is escaped. Returns the path written.
    """
    table = claim_table(dataset)
    reports = claim_reports(dataset)
    by_claim = {
        key: group.to_dict("records")
        for key, group in reports.groupby(["table", "claim_id"], sort=False)
    }
    tellers = teller_names(dataset.sources, dataset.actors)
    groups = []
    for name in CLAIM_TABLES:
        chosen = table[table["table"] == name].to_dict("records")
        rows = dataset.tables[name]
        told = rows[rows["claim_id"].isin({c["claim_id"] for c in chosen})]
        raw = {claim: group.to_dict("records") for claim, group in told.groupby("claim_id")}
        for claim in chosen:
            claim["reports"] = by_claim.get((name, claim["claim_id"]), [])
            claim["figures"] = claim["figures"] if isinstance(claim["figures"], str) else None
            # Drawn where there is a chain to see: several reports, or a dispute.
            claim["chain"] = None
            if claim["agreement"] == "contested" or len(claim["reports"]) > 1:
                claim["chain"] = Markup(
                    chain_svg(raw.get(claim["claim_id"], []), tellers, title=claim["claim"])
                )
        groups.append((name, chosen))
    page = render("claims_page.html.j2", title=title, summary=describe_claims(table), groups=groups)
    return write_atomically(path, page)
