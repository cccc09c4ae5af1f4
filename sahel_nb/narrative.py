"""Sentences computed from the tables, so notebooks and reports never hand-type a figure."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .cite import locator_list, short_names, support_said, teller_names
from .edges import edge_list
from .judgments import (
    CONFIDENCE_RULE,
    LIKELIHOOD_RULE,
    LIKELIHOOD_TERMS,
    confidence,
    evidence,
    likelihood,
)
from .schema import RELIABILITY, kind_sign

__all__ = [
    "Footnotes",
    "Report",
    "Sentence",
    "Text",
    "describe_brokers",
    "describe_claims",
    "describe_contested",
    "describe_events",
    "describe_graph",
    "describe_ransoms",
    "describe_shifts",
    "show",
    "situation_report",
]


class Text:
    """Narrative text for a notebook cell: HTML-escaped for display, plain otherwise.

    A name from the data (``<script>``) shows as text in JupyterLab and in
    the report's HTML alike; nbval compares the plain form.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.text)}</p>"

    def __repr__(self) -> str:
        return self.text


def show(text: str) -> Text:
    """Wrap a computed sentence for display in a notebook.

    Examples
    --------
    >>> show("<b>AQIM</b> & co")._repr_html_()
    '<p>&lt;b&gt;AQIM&lt;/b&gt; &amp; co</p>'
    """
    return Text(text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def describe_graph(graph) -> str:
    """One sentence on the size and signs of an alliance graph.

    Examples
    --------
    >>> import networkx as nx
    >>> describe_graph(nx.MultiDiGraph())
    'No relationship in the data matches this selection.'
    """
    edges = [d for *_, d in edge_list(graph)]
    if not edges:
        return "No relationship in the data matches this selection."
    signs = pd.Series([d["sign"] for d in edges]).value_counts()
    parts = [
        _plural(int(signs.get(s, 0)), f"{s} tie") for s in ("cooperative", "hostile", "neutral")
    ]
    text = (
        f"The selection links {_plural(graph.number_of_nodes(), 'actor')} through "
        f"{_plural(len(edges), 'relationship')}: {', '.join(parts)}."
    )
    windowed = any(graph.graph.get("window", ("", "")))
    undated = sum(
        1 for d in edges if not d.get("derived") and not d.get("start") and not d.get("end")
    )
    if windowed and graph.graph.get("undated", True):
        if undated:
            text += (
                f" {undated} of these ties {'has' if undated == 1 else 'have'} no "
                "date: shown in every window because their period is unknown, not absent "
                "(undated ties kept; set undated_ties=False to leave them out)."
            )
    elif windowed and graph.graph.get("undated_left_out"):
        gone = graph.graph["undated_left_out"]
        text += (
            f" {_plural(gone, 'tie')} in the data {'has' if gone == 1 else 'have'} no date and "
            f"{'is' if gone == 1 else 'are'} left out of this window (undated ties off)."
        )
    elif undated:
        text += f" {undated} of these ties {'has' if undated == 1 else 'have'} no date."
    derived = [d for d in edges if d.get("derived")]
    if derived:
        events = sum(d.get("events", 1) for d in derived)
        text += (
            f" Of these, {_plural(len(derived), 'tie')} {'is' if len(derived) == 1 else 'are'} "
            f"derived from {_plural(events, 'event')} naming two actors together, not "
            "stated by a source."
        )
    return text


def _brokers(metrics: pd.DataFrame) -> pd.DataFrame:
    named = ~metrics.index.isin(metrics.attrs.get("unnamed", ()))
    return metrics[(metrics["betweenness"] > 0).to_numpy(bool) & named]


def describe_brokers(metrics: pd.DataFrame, graph=None) -> str:
    """Sentences naming the main broker, from :func:`actor_metrics`, and what the figure rests on.

    An unnamed actor (a catch-all such as "Unknown" or "Protesters (Mali)",
    listed in ``metrics.attrs["unnamed"]``) is never named a broker. Given
    the ``graph`` the metrics come from, it also says how many actors and
    ties the figure rests on, how many ties are alleged only, and who the
    main broker would be with those left out: a broker made by allegations
    is a weak finding.
    """
    brokers = _brokers(metrics)
    if brokers.empty:
        return "No actor stands between others: every tie here is direct."
    top = brokers.iloc[0]
    sample = metrics.attrs.get("betweenness_sample")
    estimated = (
        f" (estimated from shortest paths out of {sample[0]:,} of the {sample[1]:,} actors, "
        "a seeded sample)"
        if sample
        else ""
    )
    sentence = (
        f"{top['name']} is the main broker: {top['betweenness']:.0%} of the shortest paths "
        f"between other actors pass through it{estimated}, across "
        f"{_plural(int(top['degree']), 'relationship')}."
    )
    if len(brokers) > 1:
        second = brokers.iloc[1]
        sentence += f" Next comes {second['name']} ({second['betweenness']:.0%})."
    if graph is not None:
        sentence += " " + _broker_basis(graph, top)
    return sentence


def _broker_basis(graph, top: pd.Series) -> str:

    edges = edge_list(graph)
    ties = len(edges)
    alleged = [(u, v, k) for u, v, k, d in edges if d["status"] == "alleged"]
    said = (
        f"The figure rests on {_plural(graph.number_of_nodes(), 'actor')} and "
        f"{_plural(ties, 'tie')}, {len(alleged)} of them ({len(alleged) / ties:.0%}) alleged only"
    )
    if not alleged:
        return said + "."
    from .metrics import betweenness
    from .network import BETWEENNESS_SAMPLE, EXACT_BETWEENNESS

    # Betweenness alone, the alleged ties left out: no copy of a graph that
    # may hold a quarter of a million ties, and no communities.
    firm = betweenness(
        graph,
        leave_out={key for _, _, key in alleged},
        exact_up_to=EXACT_BETWEENNESS,
        sample=BETWEENNESS_SAMPLE,
    )
    names = dict(graph.nodes(data="name"))
    unnamed = {n for n, flag in graph.nodes(data="unnamed") if flag}
    ranked = firm[(firm > 0) & ~firm.index.isin(unnamed)]
    ranked = ranked.to_frame().assign(name=[names[a] for a in ranked.index])
    others = (
        ranked.reset_index()
        .sort_values(["betweenness", "actor_id"], ascending=[False, True])
        .set_index("actor_id")
    )
    if others.empty:
        return said + "; without them no actor stands between others."
    first = others.iloc[0]
    if others.index[0] == top.name:
        return (
            said
            + f"; without them {first['name']} stays the main broker ({first['betweenness']:.0%})."
        )
    return said + (
        f"; without them the main broker would be {first['name']} "
        f"({first['betweenness']:.0%}), not {top['name']}."
    )


def describe_shifts(shifts: pd.DataFrame) -> str:
    """One sentence per actor pair whose tie changed sign, from :func:`alliance_shifts`."""
    if shifts.empty:
        return "No pair of actors shown changes from one kind of tie to another."
    sentences = []
    for _, phases in shifts.groupby(["actor_a", "actor_b"], sort=True):
        first = phases.iloc[0]
        steps = [
            f"{row['sign']} ({row['kind']}) from {row['start'] if pd.notna(row['start']) else 'an unknown date'}"
            for _, row in phases.iterrows()
            if pd.notna(row["start"]) or pd.notna(row["end"])
        ]
        sentences.append(f"{first['name_a']} and {first['name_b']}: " + ", then ".join(steps) + ".")
    return " ".join(sentences)


def describe_events(events: pd.DataFrame) -> str:
    """Sentences on an :func:`sahel_nb.timeline.event_table`: how many, when, where.

    Examples
    --------
    >>> describe_events(pd.DataFrame(columns=["date", "first_day", "latitude"]))
    'No event in the data matches this selection.'
    """
    if events.empty:
        return "No event in the data matches this selection."
    dated = events[events["first_day"].notna()]
    text = f"The selection holds {_plural(len(events), 'event')}"
    if len(dated):
        first = dated.loc[dated["first_day"].idxmin(), "date"]
        last = dated.loc[dated["last_day"].idxmax(), "date"]
        span = f"from {first} to {last}" if first != last else f"in {first}"
        text += f": {len(dated)} dated, {span}"
    undated = len(events) - len(dated)
    if undated:
        text += f"{',' if len(dated) else ':'} {undated} with no date given"
    from .timeline import map_counts, map_sentence

    return text + ". " + map_sentence(map_counts(events))


def describe_ransoms(table: pd.DataFrame, base_year: int | None = None) -> str:
    """Sentences on a :func:`sahel_nb.flows.ransom_table`, each status on its own.

    Alleged, reported and estimated money are never summed together, and a
    payment several sources report is counted once, as the range of its figures.
    """
    kidnappings = table["event_id"].nunique()
    if kidnappings == 0:
        return "The data records no kidnapping in this period."
    paid = table[table["amount"].notna()]
    sentences = [
        f"The data records {_plural(kidnappings, 'kidnapping')}; "
        f"{_plural(paid['event_id'].nunique(), 'kidnapping')} with a ransom of known amount."
    ]
    for status in ("reported", "alleged", "estimated"):
        chosen = paid[paid["payment_status"] == status]
        if chosen.empty:
            continue
        # Each payment once, by the ends of what its reports say.
        low, high = chosen["usd_low"].sum(), chosen["usd_high"].sum()
        text = (
            f"{status.capitalize()} ransoms: {_usd_range(low, high)} in the dollars of their years"
        )
        unit = f"usd_{base_year}"
        if base_year is not None and f"{unit}_low" in chosen:
            constant = _usd_range(chosen[f"{unit}_low"].sum(), chosen[f"{unit}_high"].sum())
            text += f" ({constant} in {base_year} dollars)"
        text += f", over {_plural(len(chosen), 'payment')}"
        reports = int((chosen["reports"] - chosen["denials"]).sum())
        if reports > len(chosen):
            text += f" reported {reports} times, each payment counted once"
        denied = int(chosen["denials"].sum())
        if denied:
            text += f", and denied {_plural(denied, 'time')}"
        sentences.append(text + ".")
    unpaid = kidnappings - paid["event_id"].nunique()
    if unpaid:
        sentences.append(f"No ransom of known amount for {_plural(unpaid, 'kidnapping')}.")
    shares = table["intermediaries"].dropna().str.count("amount unknown").sum()
    if shares:
        sentences.append(f"Amount unknown for {_plural(int(shares), 'payment')} to go-betweens.")
    return " ".join(sentences)


# --- The situation report -------------------------------------------------------------

#: Actor types whose ties and acts make up "the state's role".
STATE_TYPES = ("state", "government", "government official", "security forces")
#: Event sub-types that show a state acting on armed groups or their members.
STATE_ACTS = ("Agreement", "Arrests", "Extradition", "Extradition refused", "Indictment")
#: Relationship kinds that show a state dealing with armed groups.
STATE_DEALINGS = ("negotiation", "protection/safe haven", "mediation")


def describe_claims(claims: pd.DataFrame) -> str:
    """One sentence on a claim table: how many claims, reports and how they agree.

    Examples
    --------
    >>> frame = pd.DataFrame({"reports": [2, 1, 3], "agreement": ["corroborated",
    ...     "single source", "contested"]})
    >>> describe_claims(frame)
    '3 claims from 6 reports: 1 corroborated by independent origins, 1 from a single source, 1 contested (reported and denied), 0 only denied.'
    """
    if claims.empty:
        return "The data holds no claims."
    counts = claims["agreement"].value_counts()
    return (
        f"{_plural(len(claims), 'claim')} from {_plural(int(claims['reports'].sum()), 'report')}: "
        f"{counts.get('corroborated', 0)} corroborated by independent origins, "
        f"{counts.get('single source', 0)} from a single source, "
        f"{counts.get('contested', 0)} contested (reported and denied), "
        f"{counts.get('denied', 0)} only denied."
    )


def describe_contested(claims: pd.DataFrame) -> str:
    """One sentence naming the contested and denied claims of a claim table.

    Examples
    --------
    >>> frame = pd.DataFrame({"claim": ["ransom (2003): Germany → GSPC"],
    ...     "agreement": ["contested"], "support": ["contested: alleged by 3 independent origins, denied by 1 report"]})
    >>> describe_contested(frame)
    'One claim is contested or denied: ransom (2003): Germany → GSPC — contested: alleged by 3 independent origins, denied by 1 report.'
    """
    if claims.empty:
        return "No claim in the data is contested or denied."
    told = "; ".join(f"{c} — {s}" for c, s in zip(claims["claim"], claims["support"], strict=True))
    head = "One claim is" if len(claims) == 1 else f"{len(claims)} claims are"
    return f"{head} contested or denied: {told}."


@dataclass(frozen=True)
class Sentence:
    """One sentence built from data rows, with the numbers of the footnotes it cites."""

    text: str
    notes: tuple[int, ...] = ()
    #: True for a count of what the report itself tells (the bottom line's
    #: "rests on 109 claims"): its figures are cited where each claim is told.
    summary: bool = False
    #: Who told it first, drawn (an inline SVG from :func:`sahel_nb.chains.chain_svg`):
    #: beside a contested or multiply-reported claim, else empty.
    chain: str = ""

    def __post_init__(self) -> None:
        # A citation ending "n.d." before the sentence's full stop: one stop, not two.
        object.__setattr__(self, "text", re.sub(r"\.\.(?=\s|$)", ".", self.text))

    def __str__(self) -> str:
        return self.text + "".join(f" [{n}]" for n in self.notes)


@dataclass(frozen=True)
class Judgment(Sentence):
    """A key judgment: a sentence stating a proposition with its likelihood and confidence.

    ``likelihood`` is an ICD 203 term (None when the evidence cannot be
    judged), ``confidence`` is low, moderate or high; the rules are
    :data:`sahel_nb.judgments.LIKELIHOOD_RULE` and ``CONFIDENCE_RULE``.
    """

    likelihood: str | None = None
    confidence: str = "low"
    #: What would raise or lower it, for the report's gaps section.
    change: str = ""
    #: The judgment alone, without its basis: "It is likely (55–80%) that …; moderate confidence".
    headline: str = ""


@dataclass
class Footnotes:
    """Numbers the citations of a text: one note per source, locator, status and grade.

    Examples
    --------
    >>> import pandas as pd
    >>> sources = pd.DataFrame({"source_id": ["g"], "author": ["Olivier Guitta"],
    ...                         "published": ["2010"], "title": ["A column"]})
    >>> notes = Footnotes(sources)
    >>> notes.cite([{"source_id": "g", "locator": "¶6", "status": "alleged", "credibility": 3}])
    (1,)
    >>> notes.lines()
    ['[1] Guitta 2010, ¶6 — alleged, credibility 3']
    """

    sources: pd.DataFrame
    keys: dict = field(default_factory=dict)

    def short(self, source_id: str) -> str:
        """Author's surname (else the publisher) and year, as a citation: ``Guitta 2010``."""
        return self._names().get(source_id, source_id)

    def _names(self) -> dict[str, str]:
        if not hasattr(self, "_short"):
            self._short = short_names(self.sources)
        return self._short

    def cite(self, rows) -> tuple[int, ...]:
        """Return the note numbers for ``rows`` (dicts or a DataFrame), adding new notes."""
        records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
        numbers = []
        for row in records:
            status = row.get("status")
            credibility = row.get("credibility")
            key = (
                row["source_id"],
                row["locator"],
                None if status is None or pd.isna(status) else str(status),
                None if credibility is None or pd.isna(credibility) else int(credibility),
            )
            numbers.append(self.keys.setdefault(key, len(self.keys) + 1))
        return tuple(sorted(set(numbers)))

    def lines(self) -> list[str]:
        """Every note as ``[n] Author year, locator — status, credibility c``."""
        lines = []
        for (source_id, locator, status, credibility), number in self.keys.items():
            grading = ", ".join(
                part
                for part in (
                    status,
                    None if credibility is None else f"credibility {credibility}",
                )
                if part
            )
            text = f"[{number}] {self.short(source_id)}, {locator}"
            lines.append(text + (f" — {grading}" if grading else ""))
        return lines

    def source_ids(self) -> list[str]:
        """The sources cited, in order of first citation."""
        return list(dict.fromkeys(key[0] for key in self.keys))


@dataclass
class Report:
    """A narrative built from the data: titled sections of footnoted sentences.

    Shown in a notebook as HTML (every string escaped by the template) and as
    plain text otherwise; the same words and numbers in both.
    """

    title: str
    period: str
    sections: list[tuple[str, list[Sentence]]]
    notes: list[str]
    sources: list[str]
    #: True when nothing in the data falls in the period.
    empty: bool = False
    #: "Information as of …": the date of the latest source cited.
    as_of: str = ""
    #: How the key judgments' likelihood and confidence are chosen (method, not data).
    method: list[str] = field(default_factory=list)

    def section(self, heading: str) -> list[Sentence]:
        """The sentences under ``heading`` (empty when the report has no such section)."""
        return next((said for title, said in self.sections if title == heading), [])

    def __repr__(self) -> str:
        lines = [self.title, self.as_of, self.period, ""]
        for heading, sentences in self.sections:
            lines += [heading, *(f"- {s}" for s in sentences or ["nothing in this period"]), ""]
            if heading == "Key judgments" and self.method:
                lines += [METHOD, *(f"- {line}" for line in self.method), ""]
        lines += ["Notes", *self.notes, "", "Sources", *self.sources]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from .pages import render

        return render("situation_report.html.j2", report=self)

    def write(self, path) -> Path:
        """Write the report as a standalone HTML page (no script, nothing fetched)."""
        from .pages import render, write_atomically

        return write_atomically(path, render("report_page.html.j2", report=self))


def _name(names: dict, actor_id) -> str:
    if actor_id is None or (not isinstance(actor_id, str) and pd.isna(actor_id)):
        return "an unnamed party"
    return names.get(actor_id, actor_id)


def _period(row_start, row_end, as_of: str | None = None) -> str:
    start = None if pd.isna(row_start) else str(row_start)
    end = None if pd.isna(row_end) else str(row_end)
    if start and end:
        return f"from {start} to {end}" if start != end else f"in {start}"
    if start:
        # The source cannot attest what came after it was written.
        return (
            f"from {start}, no end reported as of {as_of}"
            if as_of
            else f"from {start}, with no end given"
        )
    if end:
        return f"until {end}"
    return "at a time the source does not give"


def _involves(frame: pd.DataFrame, columns: list[str], actor_ids: set[str]) -> pd.Series:
    keep = np.zeros(len(frame), dtype=bool)
    for column in columns:
        values = frame[column]
        if column == "assoc_actors":
            keep |= np.array([bool(set(ids) & actor_ids) for ids in values], dtype=bool)
        else:
            keep |= values.isin(actor_ids).to_numpy(bool)
    return pd.Series(keep, index=frame.index)


def _window(dataset, start, end, undated_ties: bool = False):
    """The rows of each table that fall in the window, and those that cannot be placed.

    An open-ended relationship is taken to hold until its source was
    published: a 2010 column cannot attest a tie in 2030. Undated events and
    flows cannot be placed in a window at all; they are set apart.
    """
    from .dates import in_window, overlaps, window_bounds
    from .flows import payment_claims
    from .origins import claims_of

    lower, upper = window_bounds(start, end)
    windowed = lower is not None or upper is not None
    published = dataset.sources.set_index("source_id")["published_end"]
    # One row per claim: two sources' reports of one fact are one fact, and a
    # fact only denied is not told as one (its denial is in the claims page).
    rels = claims_of(dataset, "relationships")
    rels = rels[(rels["agreement"] != "denied").to_numpy(bool)]
    last = rels["end_end"].fillna(rels["source_id"].map(published))
    first = rels["start_start"]
    undated_rels = first.isna() & rels["end_end"].isna()
    keep_rels = overlaps(first, last, lower, upper)
    if windowed and not undated_ties:
        keep_rels &= ~undated_rels
    picked = {"relationships": rels[keep_rels]}
    undated = {
        "relationships": rels[undated_rels] if windowed and not undated_ties else rels.iloc[:0]
    }
    claims = {
        "events": claims_of(dataset, "events"),
        "flows": payment_claims(dataset, base_year=None),
    }
    for name, frame in claims.items():
        frame = frame[(frame["agreement"] != "denied").to_numpy(bool)]
        picked[name] = frame[in_window(frame, start, end)]
        undated[name] = frame[frame["date_start"].isna()] if windowed else frame.iloc[:0]
    return picked, undated


#: The heading of the method paragraph printed once after the key judgments.
METHOD = "How likelihood and confidence are judged"

#: The last section of a situation report: what is not known, and what would change the judgments.
GAPS = "Gaps and what would change these judgments"

#: How each relationship kind is said as a proposition about actors a and b.
_TIE_PROPOSITIONS = {
    "alliance/cooperation": "{a} and {b} cooperated",
    "kinship/marriage": "{a} and {b} were tied by kinship or marriage",
    "leadership/membership": "{a} led or belonged to {b}",
    "protection/safe haven": "{a} sheltered, gave asylum to or tolerated {b}",
    "support": "{a} supported {b}",
    "predecessor/successor": "{a} became {b}",
    "mediation": "{a} acted as a go-between for {b}",
    "negotiation": "{a} and {b} negotiated",
    "hostility/armed conflict": "{a} and {b} fought each other",
    "rivalry": "{a} and {b} were rivals",
}
#: ICD 203's terms read as the opening of a sentence.
_LIKELIHOOD_OPENINGS = {
    "almost no chance": "There is almost no chance",
    "roughly even chance": "There is a roughly even chance",
}
_COOPERATION = ("alliance/cooperation", "support", "protection/safe haven", "kinship/marriage")
_HOSTILITY = ("hostility/armed conflict", "rivalry")
_CONFIDENCE_ORDER = {"high": 0, "moderate": 1, "low": 2}
_LIKELIHOOD_ORDER = {
    term: at for at, term in enumerate(reversed(list(LIKELIHOOD_TERMS)))
}  # almost certain first


#: The columns of each table that name actors.
_ACTOR_COLUMNS = {
    "relationships": ["actor_a", "actor_b"],
    "events": ["actor1", "actor2", "assoc_actors"],
    "flows": ["payer", "payee", "intermediary"],
}


def situation_report(
    dataset,
    *,
    start=None,
    end=None,
    focus_actor: str | None = None,
    base_year: int | None = None,
    top: int = 5,
    undated_ties: bool = False,
) -> Report:
    """Build the situation report for a period: every sentence from rows, every figure cited.

    Sections: key actors and their ties, alliance shifts, kidnappings and
    ransom money (reported, alleged and estimated kept apart), other money
    and supplies, the state's role, other events, and what is not known. With
    ``focus_actor``, only rows involving that actor (and, for ties, its
    direct neighbours) are used. An empty window says so. In a window, ties
    with no date are left out and counted under the gaps section unless
    ``undated_ties=True``, which keeps them (the period line says so).

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> report = situation_report(load_dataset(), start="2030")
    >>> report.empty
    True
    >>> report.sections[0][1][0].text[:40]
    'Nothing in the data is dated in this per'
    """
    from .network import check_actor, predecessors

    picked, undated = _window(dataset, start, end, undated_ties)
    focus: set[str] = set()
    lineage: list[str] = []
    if focus_actor:
        check_actor(dataset, focus_actor)
        # A group's report includes its predecessors' record, said to be theirs.
        lineage = predecessors(dataset, focus_actor)
        focus = {focus_actor, *lineage}
        everything = dict(picked)
        for name, columns in _ACTOR_COLUMNS.items():
            picked[name] = picked[name][_involves(picked[name], columns, focus)]
            undated[name] = undated[name][_involves(undated[name], columns, focus)]
        picked = _with_kidnappings_touched(dataset, everything, picked)
    writer = _Writer(dataset, base_year, **picked)
    writer.focus = focus
    judgments = writer.judgments(focus_actor)
    sections = [
        ("Bottom line", writer.bottom_line(judgments)),
        ("Key judgments", judgments),
        ("Key actors and their ties", writer.key_actors(top)),
        ("Alliance shifts", writer.shifts()),
        ("Kidnappings and ransom money", writer.kidnappings()),
        ("Other money and supplies", writer.other_money()),
        ("The state's role", writer.state_role()),
        ("Other events", writer.other_events()),
    ]
    if dataset.events["locator"].str.startswith("row ").any():  # the data holds an import
        sections.append(("Imported datasets", writer.datasets()))
    empty = not any(sentences for _, sentences in sections)
    if empty:  # said first, where a reader looks
        nothing = Sentence(
            "Nothing in the data is dated in this period: no relationship, event or "
            "flow falls in it."
        )
        sections.insert(0, ("In this period", [nothing]))
    sections.append(
        (
            GAPS,
            writer.unknowns(undated) + [Sentence(j.change, j.notes) for j in judgments if j.change],
        )
    )
    period = _window_text(start, end)
    if (start or end) and undated_ties:
        kept = picked["relationships"]
        count = int((kept["start_start"].isna() & kept["end_end"].isna()).sum())
        period += f"; {_plural(count, 'undated tie')} kept, their period unknown"
    if focus_actor:
        period += f", centred on {writer.names[focus_actor]}"
    if lineage:
        names = ", ".join(writer.names[p] for p in lineage)
        period += f", with the record of its predecessor{'s' if len(lineage) > 1 else ''} {names}"
    return Report(
        "Situation report",
        period,
        sections,
        writer.notes.lines(),
        writer.sources(),
        empty,
        writer.as_of(),
        [LIKELIHOOD_RULE, CONFIDENCE_RULE] if judgments else [],
    )


def _with_kidnappings_touched(dataset, everything: dict, picked: dict) -> dict:
    """Add the kidnappings a focused actor took part in without being their kidnapper.

    A government that negotiated a release, a mediator, a payer: the events,
    ties and flows that name the focus and the same hostages (or the same
    kidnapping) bring that kidnapping, and its payments, into the report.
    """
    from .flows import KIDNAPPING

    events = everything["events"]
    kidnaps = events[events["sub_event_type"] == KIDNAPPING]
    hostages = set(picked["events"]["actor2"].dropna()) | set(
        picked["relationships"][["actor_a", "actor_b"]].stack()
    )
    linked = set(picked["flows"]["event_id"].dropna())
    touched = kidnaps[kidnaps["actor2"].isin(hostages) | kidnaps["event_id"].isin(linked)]
    if touched.empty:
        return picked
    out = dict(picked)
    out["events"] = pd.concat([picked["events"], touched]).drop_duplicates("claim_id")
    flows = everything["flows"]
    # A payment may cite any source's report of the kidnapping: match by claim.
    reports = dataset.events[dataset.events["claim_id"].isin(set(touched["claim_id"]))]
    paid = flows[flows["event_id"].isin(set(reports["event_id"]))]
    out["flows"] = pd.concat([picked["flows"], paid]).drop_duplicates("claim_id")
    return out


class _Writer:
    """The sentences of each section, from the rows picked for the report, citing them."""

    def __init__(self, dataset, base_year, relationships, events, flows) -> None:
        from .flows import KIDNAPPING

        self.dataset, self.base_year = dataset, base_year
        # Rows of an imported dataset (cited by row, e.g. an ACLED export) are
        # counted per year, not told one by one: there can be a million of them.
        by_row = events["locator"].str.startswith("row ").fillna(False).to_numpy(bool)
        self.counted = events[by_row]
        events = events[~by_row]
        by_row = flows["locator"].str.startswith("row ").fillna(False).to_numpy(bool)
        self.counted_flows = flows[by_row]
        flows = flows[~by_row]
        self.rels, self.events, self.flows = relationships, events, flows
        actors = dataset.actors.set_index("actor_id")
        self.names = actors["name"].to_dict()
        self.types = actors["actor_type"].astype(str).to_dict()
        self.notes = Footnotes(dataset.sources)
        self.published = dataset.sources.set_index("source_id")["published"].dropna().to_dict()
        # Every report of each claim told, denials included, for its footnotes.
        self.reports = {}
        for name, picked in (
            ("relationships", relationships),
            ("events", events),
            ("flows", flows),
        ):
            table = getattr(dataset, name)
            rows = table[table["claim_id"].isin(set(picked["claim_id"]))]
            self.reports[name] = {
                claim: group.to_dict("records") for claim, group in rows.groupby("claim_id")
            }
        self.kidnaps = _by_date(events[events["sub_event_type"] == KIDNAPPING])
        state_ids = {a for a, t in self.types.items() if t in STATE_TYPES}
        self.state_ids = state_ids
        self.acts = _by_date(
            events[
                events["sub_event_type"].isin(STATE_ACTS)
                & _involves(events, ["actor1", "actor2"], state_ids)
            ]
        )

    def _name(self, actor_id) -> str:
        return _name(self.names, actor_id)

    def _cite(self, rows) -> tuple[int, ...]:
        """Footnote every report of the claims ``rows`` stand for, denials included."""
        records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
        return self.notes.cite([report for row in records for report in self._reports_of(row)])

    def _reports_of(self, row: dict) -> list[dict]:
        """Every report of the claim ``row`` stands for (the row itself if it has none)."""
        if "flow_id" in row:
            table = "flows"
        elif "relationship_id" in row:
            table = "relationships"
        else:
            table = "events"
        return self.reports[table].get(row.get("claim_id"), [row])

    def _graph_of(self, rels):
        import dataclasses

        return dataclasses.replace(self.dataset, relationships=rels)

    # -- judgments -------------------------------------------------------------

    def _weigh(self, row: dict) -> tuple[str | None, str, dict]:
        """(likelihood, confidence, evidence) of the claim ``row`` stands for."""
        found = evidence(self._reports_of(row))
        label = row.get("agreement") or ("contested" if found["against"] else "single source")
        return (
            likelihood(found["credibility"], found["origins"]),
            confidence(label, found["origins"], found["reliability"], found["alleged_only"]),
            found,
        )

    def _strongest(self, rows: list[dict]) -> dict | None:
        """The best-supported claim of ``rows``: by confidence, then likelihood, then id."""

        def rank(row):
            term, level, _ = self._weigh(row)
            return (
                _CONFIDENCE_ORDER[level],
                _LIKELIHOOD_ORDER.get(term, len(_LIKELIHOOD_ORDER)),
                str(row.get("claim_id")),
            )

        return min(rows, key=rank) if rows else None

    def _judge(self, proposition: str, row: dict, basis: str, rows=None) -> Judgment:
        term, level, found = self._weigh(row)
        support = self._support(row)
        if term is None:
            headline = f"Whether {proposition} cannot be judged from the sources"
        else:
            opening = _LIKELIHOOD_OPENINGS.get(term, f"It is {term}")
            headline = f"{opening} ({LIKELIHOOD_TERMS[term]}) that {proposition}"
        headline += f"; {level} confidence"
        text = f"{headline}: {support}." + (f" {basis}" if basis else "")
        if level == "high":
            change = "a credible denial, or a retraction by one of its origins"
        elif found["against"]:
            change = "an independent account that settles the denial either way"
        elif found["origins"] >= 2:
            change = "a report in its own voice from a source graded A or B"
        else:
            change = "a report from a second, independent origin (or a credible denial)"
        return Judgment(
            text,
            self._cite(rows if rows is not None else [row]),
            likelihood=term,
            confidence=level,
            change=f"That {proposition} ({level} confidence) would change with {change}.",
            headline=headline,
        )

    def _tie_proposition(self, rel: dict) -> str:
        template = _TIE_PROPOSITIONS.get(str(rel["kind"]), "{a} and {b} had a tie")
        said = template.format(a=self._name(rel["actor_a"]), b=self._name(rel["actor_b"]))
        return f"{said} {self._period(rel)}"

    def _period(self, rel: dict) -> str:
        """A tie's period; an open end is said as of its source's date."""
        return _period(rel["start"], rel["end"], self.published.get(rel.get("source_id")))

    def _central(self, focus_actor: str | None) -> str | None:
        """Whom the judgments on ties are about: the focus, else the actor with most counterparts."""
        if focus_actor:
            return focus_actor
        rels = self.rels[
            ~self.rels["kind"].isin(("leadership/membership", "predecessor/successor"))
        ]
        if rels.empty:
            return None
        ends = pd.concat(
            [
                rels[["actor_a", "actor_b"]],
                rels[["actor_b", "actor_a"]].set_axis(["actor_a", "actor_b"], axis=1),
            ]
        )
        counts = ends.drop_duplicates().groupby("actor_a").size()
        return sorted(counts.index, key=lambda a: (-counts[a], self._name(a)))[0]

    def judgments(self, focus_actor: str | None = None) -> list[Judgment]:
        """Key judgments on the central actor's ties, the state's dealings and ransoms.

        Each states the best-supported claim of its kind: the central actor's
        cooperation and its hostility, the state's dealings with others
        (sheltering first), and payment of ransoms to the most-paid payee.
        """
        said: list[Judgment] = []
        used: set = set()
        central = self._central(focus_actor)
        if central is not None:
            mine = self.rels[(self.rels["actor_a"] == central) | (self.rels["actor_b"] == central)]
            for kinds, what in ((_COOPERATION, "cooperation"), (_HOSTILITY, "hostility")):
                rows = mine[mine["kind"].isin(kinds)].to_dict("records")
                best = self._strongest(rows)
                if best is None:
                    continue
                used.add(best["claim_id"])
                basis = (
                    f"It is the best supported of {_plural(len(rows), 'recorded tie')} "
                    f"of {what} with {self._name(central)}."
                    if len(rows) > 1
                    else ""
                )
                said.append(self._judge(self._tie_proposition(best), best, basis))
        dealings = self.rels[
            self.rels["kind"].isin(STATE_DEALINGS)
            & _involves(self.rels, ["actor_a", "actor_b"], self.state_ids)
            & ~self.rels["claim_id"].isin(used)
        ]
        # Protection of an armed group is the gravest charge a state faces: judged first.
        sheltering = dealings[dealings["kind"] == "protection/safe haven"]
        rows = (sheltering if len(sheltering) else dealings).to_dict("records")
        best = self._strongest(rows)
        if best is not None:
            basis = (
                f"It is the best supported of {_plural(len(rows), 'recorded dealing')} "
                "of this kind between the state and others."
                if len(rows) > 1
                else ""
            )
            said.append(self._judge(self._tie_proposition(best), best, basis))
        said += self._ransom_judgments()
        return said

    def _ransom_judgments(self) -> list[Judgment]:
        ransoms = self.flows[(self.flows["flow_type"] == "ransom") & self.flows["payee"].notna()]
        if ransoms.empty:
            return []
        counts = ransoms.groupby("payee").size()
        payee = sorted(counts.index, key=lambda a: (-counts[a], self._name(a)))[0]
        rows = ransoms[ransoms["payee"] == payee].to_dict("records")
        best = self._strongest(rows)
        when = f" in {best['date']}" if pd.notna(best.get("date")) else ""
        proposition = f"{self._name(payee)} was paid ransom for hostages{when}"
        basis = (
            f"It is the best supported of {_plural(len(rows), 'recorded payment')} "
            f"to {self._name(payee)}."
            if len(rows) > 1
            else ""
        )
        return [self._judge(proposition, best, basis, rows=[best])]

    def bottom_line(self, judgments: list[Judgment]) -> list[Sentence]:
        """Two or three sentences: what the report rests on, its firmest judgment, the money."""
        frames = [self.rels, self.events, self.flows]
        claims = sum(len(f) for f in frames)
        if not claims:
            return []
        labels = pd.concat([f["agreement"] for f in frames if len(f)])
        alleged = sum(
            sum(evidence(self._reports_of(r))["alleged_only"] for r in f.to_dict("records"))
            for f in frames
        )
        counts = ", ".join(
            f"{int((labels == label).sum())} {label}"
            for label in ("corroborated", "single source", "contested")
            if (labels == label).any()
        )
        said = [
            Sentence(
                f"This report rests on {_plural(claims, 'claim')} ({counts}); "
                f"{alleged} of them are allegations only.",
                summary=True,
            )
        ]
        if judgments:
            firm = min(
                judgments,
                key=lambda j: (
                    _CONFIDENCE_ORDER[j.confidence],
                    _LIKELIHOOD_ORDER.get(j.likelihood, len(_LIKELIHOOD_ORDER)),
                ),
            )
            weak = max(
                judgments,
                key=lambda j: (
                    _CONFIDENCE_ORDER[j.confidence],
                    _LIKELIHOOD_ORDER.get(j.likelihood, len(_LIKELIHOOD_ORDER)),
                ),
            )
            said.append(Sentence(f"Best supported: {_lower(firm.headline)}.", firm.notes))
            if weak is not firm:
                said.append(Sentence(f"Least supported: {_lower(weak.headline)}.", weak.notes))
        return said

    def as_of(self) -> str:
        """``Information as of 2010-02-16``: the publication date of the latest source cited."""
        cited = self.dataset.sources[
            self.dataset.sources["source_id"].isin(self.notes.source_ids())
        ]
        if cited.empty:
            return "Information as of: no source cited"
        dated = cited[cited["published_end"].notna()]
        if dated.empty:
            return "Information as of: no source cited gives its date"
        latest = dated.sort_values(["published_end", "published"]).iloc[-1]
        text = (
            f"Information as of {latest['published']}, the latest of "
            f"{_plural(len(cited), 'source')} cited"
        )
        undated = len(cited) - len(dated)
        if undated:
            text += f" ({undated} undated)"
        return text + "; nothing later is known to this report"

    def key_actors(self, top: int) -> list[Sentence]:
        """The best-connected actors: whom each is tied to, by sign, and how much is alleged.

        Counterparts are counted once however many ties join them; ties to an
        actor's own branches, leaders or members, and lineage ties, are told apart.
        """
        from .network import actor_metrics, build_graph

        graph = build_graph(self._graph_of(self.rels))
        if not graph.number_of_edges():
            return []
        metrics = actor_metrics(graph).sort_values(["degree", "name"], ascending=[False, True])
        internal = ("leadership/membership", "predecessor/successor")
        said = []
        for actor_id, row in metrics.head(top).iterrows():
            ties = self.rels[
                (self.rels["actor_a"] == actor_id) | (self.rels["actor_b"] == actor_id)
            ]
            outward = ties[~ties["kind"].isin(internal)]
            other = np.where(outward["actor_a"] == actor_id, outward["actor_b"], outward["actor_a"])
            signs = outward["kind"].map(kind_sign).to_numpy()
            alleged = np.array(
                [evidence(self._reports_of(r))["alleged_only"] for r in outward.to_dict("records")],
                dtype=bool,
            )
            parts = []
            for sign, phrase in (
                ("cooperative", "cooperating with"),
                ("hostile", "hostile to"),
                ("neutral", "dealing with"),
            ):
                mine = signs == sign
                if not mine.any():
                    continue
                part = f"{phrase} {len(set(other[mine]))}"
                firm = set(other[mine & ~alleged])
                only_alleged = len(set(other[mine]) - firm)
                if only_alleged:
                    part += f" ({only_alleged} by allegation only)"
                parts.append(part)
            counterparts = len(set(other))
            text = f"{row['name']} ({row['actor_type']}) is tied to " + (
                f"{_plural(counterparts, 'other actor')} in this period: {', '.join(parts)}"
                if counterparts
                else "no other actor in this period outside its own organisation"
            )
            inside = len(ties) - len(outward)
            if inside:
                text += f"; besides, {_plural(inside, 'tie')} of leadership, membership or lineage"
            said.append(Sentence(text + ".", self._cite(ties)))
        return said

    def shifts(self) -> list[Sentence]:
        from .network import alliance_shifts

        return [
            Sentence(
                f"{row['name_a']} and {row['name_b']}: a {row['sign']} tie "
                f"({row['kind']}), {self._period(row)}, {row['status']}.",
                self._cite([row]),
            )
            for row in alliance_shifts(self._graph_of(self.rels)).to_dict("records")
        ]

    def kidnappings(self) -> list[Sentence]:

        said = []
        for event in self.kidnaps.to_dict("records"):
            hostages = (
                _plural(int(event["hostages"]), "hostage")
                if pd.notna(event["hostages"])
                else "an unknown number of hostages"
            )
            where = f" in {event['location']}" if pd.notna(event["location"]) else ""
            when = f"In {event['date']}" if pd.notna(event["date"]) else "At an unknown date"
            said.append(
                Sentence(
                    f"{when}, {self._name(event['actor1'])} took {hostages}{where} "
                    f"({self._name(event['actor2'])}); this is {self._support(event)}.",
                    self._cite([event]),
                    chain=self._chain(event),
                )
            )
            said += self._focus_role(event)
            linked = self.flows[self.flows["event_id"].isin(self._event_reports(event))]
            said += [self._flow(f) for f in linked.sort_values("flow_id").to_dict("records")]
        ransoms = self.flows[self.flows["flow_type"] == "ransom"]
        for status in ("reported", "alleged", "estimated"):
            chosen = ransoms[(ransoms["status"] == status) & ransoms["usd_low"].notna()]
            if chosen.empty:
                continue
            low, high = chosen["usd_low"].sum(), chosen["usd_high"].sum()
            reports = int((chosen["reports"] - chosen["denials"]).sum())  # a denial reports nothing
            text = (
                f"Ransoms {status} in this period come to {_usd_range(low, high)} in the "
                f"dollars of their years, over {_plural(len(chosen), 'payment')}"
            )
            if reports > len(chosen):
                text += f" reported {reports} times, each payment counted once"
            denied = int(chosen["denials"].sum())
            if denied:
                text += f", and denied {_plural(denied, 'time')}"
            if self.base_year is not None:
                constant = self._constant(chosen)
                text += f" ({_usd_range(*constant)} in {self.base_year} dollars)"
            said.append(Sentence(text + "; no other status is added in.", self._cite(chosen)))
        return said

    def _support(self, row: dict) -> str:
        """How well a claim is supported, naming who told it first and through whom.

        ``alleged only by Algerian official media (relayed by Guitta 2010)``;
        a speaker with a stake is named with it, and reports that name no
        teller are listed apart; a contested claim names both sides.
        """
        if not hasattr(self, "_tellers"):
            self._tellers = teller_names(self.dataset.sources, self.dataset.actors)
        return support_said(row, self._reports_of(row), self._tellers)

    def _focus_role(self, event: dict) -> list[Sentence]:
        """In a focused report: what the focus did in this kidnapping, when it was not the kidnapper."""
        focus = getattr(self, "focus", set())
        if not focus or event["actor1"] in focus:
            return []
        parts, rows = [], []
        same = self.events[
            (self.events["actor2"] == event["actor2"])
            & (self.events["claim_id"] != event["claim_id"])
        ]
        for other in _by_date(same).to_dict("records"):
            for actor in focus:
                if actor == other["actor1"]:
                    role = "acting party"
                elif actor == other["actor2"]:
                    role = "party acted upon"
                elif actor in list(other["assoc_actors"]):
                    role = "associated party"
                else:
                    continue
                parts.append(
                    f"{self._name(actor)}: {role} in the {other['sub_event_type'].lower()} "
                    f"({other['date'] if pd.notna(other['date']) else 'date not given'})"
                )
                rows.append(other)
        for flow in self.flows[self.flows["event_id"].isin(self._event_reports(event))].to_dict(
            "records"
        ):
            for column, role in (
                ("payer", "payer"),
                ("payee", "payee"),
                ("intermediary", "go-between"),
            ):
                if flow[column] in focus:
                    parts.append(f"{self._name(flow[column])}: {role} of the {flow['flow_type']}")
                    rows.append(flow)
        if not parts:
            return []
        return [
            Sentence("Its part in this: " + "; ".join(dict.fromkeys(parts)) + ".", self._cite(rows))
        ]

    def _event_reports(self, event: dict) -> set[str]:
        """The ids of every report of ``event``'s claim: payments may cite any of them."""
        return {r["event_id"] for r in self.reports["events"].get(event["claim_id"], [event])}

    def _constant(self, chosen: pd.DataFrame) -> tuple[float, float]:
        from .flows import payment_claims

        unit = f"usd_{self.base_year}"
        claims = payment_claims(self.dataset, base_year=self.base_year).set_index("claim_id")
        picked = claims.loc[chosen["claim_id"]]
        return picked[f"{unit}_low"].sum(), picked[f"{unit}_high"].sum()

    def other_money(self) -> list[Sentence]:
        told = set().union(*(self._event_reports(e) for e in self.kidnaps.to_dict("records")))
        others = self.flows[~self.flows["event_id"].isin(told)]
        return [self._flow(f) for f in others.sort_values("flow_id").to_dict("records")]

    def state_role(self) -> list[Sentence]:
        rels = self.rels
        dealings = rels[
            rels["kind"].isin(STATE_DEALINGS)
            & _involves(rels, ["actor_a", "actor_b"], self.state_ids)
        ].sort_values(["start_start", "relationship_id"], na_position="last")
        said = [
            Sentence(
                f"{self._name(rel['actor_a'])} and {self._name(rel['actor_b'])}: "
                f"{rel['kind']}, {self._period(rel)} ({self._support(rel)}).",
                self._cite([rel]),
            )
            for rel in dealings.to_dict("records")
        ]
        for event in self.acts.to_dict("records"):
            said.append(
                Sentence(
                    f"{_when(event)}: {event['sub_event_type'].lower()} — "
                    f"{self._name(event['actor1'])}, {self._name(event['actor2'])} "
                    f"({self._support(event)}).",
                    self._cite([event]),
                )
            )
        return said

    def other_events(self) -> list[Sentence]:
        told = set(self.kidnaps["event_id"]) | set(self.acts["event_id"])
        said = []
        for event in _by_date(self.events[~self.events["event_id"].isin(told)]).to_dict("records"):
            who = ", ".join(
                self._name(a) for a in (event["actor1"], event["actor2"]) if pd.notna(a)
            )
            where = f" in {event['location']}" if pd.notna(event["location"]) else ""
            dead = (
                f", {_plural(int(event['fatalities']), 'death')} recorded"
                if pd.notna(event["fatalities"])
                else ""
            )
            said.append(
                Sentence(
                    f"{_when(event)}: {event['sub_event_type'].lower()}{where} — {who}{dead} "
                    f"({self._support(event)}).",
                    self._cite([event]),
                )
            )
        return said

    def datasets(self) -> list[Sentence]:
        """Per imported dataset and year: how many events and recorded deaths."""
        said = []
        counted = self.counted
        years = counted["date"].str[:4]
        for (source_id, year), group in counted.groupby([counted["source_id"], years], sort=True):
            deaths = group["fatalities"].dropna()
            if deaths.empty:
                dead = "; no death count given"
            else:
                dead = f", with {int(deaths.sum()):,} deaths recorded"
                if len(deaths) < len(group):
                    dead += f" ({len(group) - len(deaths):,} events without a count)"
            cite = {
                "source_id": source_id,
                "locator": _rows(group["locator"]),
                "status": None,
                "credibility": None,
            }
            said.append(
                Sentence(
                    f"{self.notes.short(source_id)} records {_plural(len(group), 'event')} "
                    f"in {year}{dead}; they are counted here, not told one by one.",
                    self.notes.cite([cite]),
                )
            )
        return said + self._dataset_flows()

    def _dataset_flows(self) -> list[Sentence]:
        """Per imported dataset: ransoms paid and demanded, each status and currency apart."""
        from .flows import DEMAND

        said = []
        flows = self.counted_flows.assign(flow_type=self.counted_flows["flow_type"].astype(str))
        keys = [flows["source_id"], flows["flow_type"], flows["status"].astype(str)]
        groups = flows.groupby([*keys, flows["currency"]], sort=True, dropna=False)
        for (source_id, kind, status, currency), group in groups:
            known = group["amount"].dropna()
            label = {"ransom": "ransom payment", DEMAND: "ransom demand"}.get(kind, f"{kind} flow")
            text = f"{self.notes.short(source_id)} records {_plural(len(group), label)} ({status})"
            if len(known):
                text += f" of {known.sum():,.0f} {currency} in all"
            if kind == DEMAND:
                text += "; amounts asked for, not money paid, and in no total of money"
            cite = {
                "source_id": source_id,
                "locator": _rows(group["locator"]),
                "status": None,
                "credibility": None,
            }
            said.append(Sentence(text + ".", self.notes.cite([cite])))
        return said

    def unknowns(self, undated: dict[str, pd.DataFrame]) -> list[Sentence]:
        said = []
        no_amount = self.flows[self.flows["amount"].isna()]
        if len(no_amount):
            said.append(
                Sentence(
                    f"The amount is not given for {_plural(len(no_amount), 'flow')} of money "
                    "or goods shown here.",
                    self._cite(no_amount),
                )
            )
        alleged = [f[f["status"] == "alleged"] for f in (self.rels, self.events, self.flows)]
        count = sum(len(frame) for frame in alleged)
        if count:
            said.append(
                Sentence(
                    f"{_plural(count, 'claim')} shown here {'is' if count == 1 else 'are'} "
                    "alleged, not established.",
                    self._cite(pd.concat(alleged)),
                )
            )
        for table, label in (
            ("relationships", "relationship"),
            ("events", "event"),
            ("flows", "flow"),
        ):
            frame = undated[table]
            if len(frame):
                said.append(
                    Sentence(
                        f"{_plural(len(frame), label)} in the data "
                        f"{'has' if len(frame) == 1 else 'have'} no date and cannot be placed "
                        "in this period"
                        + (" (undated_ties=True keeps ties)." if table == "relationships" else "."),
                        self._cite(frame),
                    )
                )
        return said

    def sources(self) -> list[str]:
        """Each cited source in full, with its Admiralty reliability."""
        cited = self.dataset.sources.set_index("source_id")
        lines = []
        for source_id in self.notes.source_ids():
            row = cited.loc[source_id]
            parts = [
                str(row["author"]) if pd.notna(row["author"]) else None,
                f"“{row['title']}”",
                str(row["publisher"]) if pd.notna(row["publisher"]) else None,
                str(row["published"]) if pd.notna(row["published"]) else "undated",
                f"reliability {row['reliability']} ({RELIABILITY[str(row['reliability'])]})",
            ]
            lines.append(
                f"{self.notes.short(source_id)}: " + ", ".join(p for p in parts if p) + "."
            )
        return lines

    def _flow(self, flow: dict) -> Sentence:
        flow = {**flow, "support": self._support(flow)} if "agreement" in flow else flow
        sentence = _flow_sentence(flow, self.names, self.notes, self.base_year)
        return Sentence(sentence.text, self._cite([flow]), chain=self._chain(flow))

    def _chain(self, row: dict) -> str:
        """The chain of tellers behind a claim, where there is one to see."""
        from .chains import chain_svg

        if "agreement" not in row:
            return ""
        if row.get("agreement") != "contested" and int(row.get("reports") or 1) < 2:
            return ""
        if not hasattr(self, "_tellers"):
            self._tellers = teller_names(self.dataset.sources, self.dataset.actors)
        return chain_svg(self._reports_of(row), self._tellers, title="Who told it first")


def _lower(text: str) -> str:
    """``It is likely …`` → ``it is likely …``, for a clause after a colon."""
    return text[:1].lower() + text[1:]


def _usd_range(low: float, high: float) -> str:
    if round(low) == round(high):
        return f"US${high:,.0f}"
    return f"US${low:,.0f} to US${high:,.0f}"


def _rows(locators: pd.Series) -> str:
    """The rows a group of imported events comes from: ``rows 3–4077, 5000``."""
    return locator_list(locators)


def _by_date(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["date_start", "event_id"], na_position="last")


def _when(event: dict) -> str:
    return f"In {event['date']}" if pd.notna(event["date"]) else "At a date not given"


def _window_text(start, end) -> str:
    start = None if start is None or not str(start).strip() else str(start).strip()
    end = None if end is None or not str(end).strip() else str(end).strip()
    if start and end:
        return f"Period: {start} to {end}"
    if start:
        return f"Period: from {start} on"
    if end:
        return f"Period: up to {end}"
    return "Period: all dates in the data"


def _flow_sentence(flow: dict, names: dict, notes: Footnotes, base_year) -> Sentence:
    """``Ransom from Germany to the GSPC in 2003: 7,300,000 USD … — alleged.``"""
    from .flows import DEMAND, not_converted, to_usd

    parties = []
    if pd.notna(flow["payer"]):
        parties.append(f"from {_name(names, flow['payer'])}")
    if pd.notna(flow["payee"]):
        parties.append(f"to {_name(names, flow['payee'])}")
    if pd.notna(flow["intermediary"]):
        parties.append(f"through {_name(names, flow['intermediary'])}")
    if pd.notna(flow["date"]):
        parties.append(f"in {flow['date']}")
    if flow.get("reports", 1) > 1 and isinstance(flow.get("reported_as"), str):
        # Several reports of one payment: side by side, never added.
        what = f"{flow['reported_as']}"
        low, high = flow.get("usd_low"), flow.get("usd_high")
        if low is not None and pd.notna(low):
            what += f"; US${low:,.0f} to US${high:,.0f} in the dollars of each report's year"
    elif pd.notna(flow["amount"]):
        what = f"{flow['amount']:,.0f} {flow['currency']}"
        year = int(str(flow["date"])[:4]) if pd.notna(flow["date"]) else None
        why = not_converted(flow["amount"], flow["currency"], year) if year else None
        if why:
            # Said, never guessed: e.g. a franc amount from before the rate table starts.
            what += f" (not converted to dollars: {why})"
        else:
            if year and flow["currency"] != "USD":
                what += f" (US${to_usd(flow['amount'], flow['currency'], year):,.0f})"
            if year and base_year is not None:
                constant = to_usd(flow["amount"], flow["currency"], year, base_year=base_year)
                what += f", US${constant:,.0f} in {base_year} dollars"
        if pd.notna(flow["amount_low"]) or pd.notna(flow["amount_high"]):
            low = "?" if pd.isna(flow["amount_low"]) else f"{flow['amount_low']:,.0f}"
            high = "?" if pd.isna(flow["amount_high"]) else f"{flow['amount_high']:,.0f}"
            what += f", range {low} to {high}"
    elif pd.notna(flow["in_kind"]):
        what = str(flow["in_kind"])
    else:
        what = "amount not given"
    kind = str(flow["flow_type"])
    if kind == DEMAND:
        # Asked for, not paid: said so in the sentence itself.
        parties = [p.replace("to ", "by ", 1) if p.startswith("to ") else p for p in parties]
        what += " asked for; a demand, not money paid"
    status = flow.get("support") or flow["status"]
    text = f"{kind[0].upper()}{kind[1:]} {' '.join(parties)}: {what} — {status}."
    return Sentence(text, notes.cite([flow]))
