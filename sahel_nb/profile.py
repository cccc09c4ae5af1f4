"""Actor profiles: one actor's names, ties over time, events, flows and sources, and its card."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .cite import short_names, support_said, teller_names
from .data import Dataset
from .differences import differences_in_words, report_differences
from .network import check_actor, predecessors
from .origins import claims_of
from .schema import TABLES, TIE_CLASSES, tie_class

__all__ = ["Card", "Fact", "Profile", "Section", "actor_profile", "shorten"]


@dataclass(frozen=True)
class Fact:
    """One line of a card, with how well it is supported and where it comes from."""

    text: str
    support: str = ""
    source: str = ""

    def plain(self) -> str:
        """The fact as one line of text."""
        text = self.text
        if self.support:
            text += f" — {self.support}"
        if self.source:
            text += f" [{self.source}]"
        return text


@dataclass(frozen=True)
class Section:
    """A heading with its facts, a sentence when there is none, and an optional table."""

    heading: str
    facts: tuple[Fact, ...] = ()
    empty: str = ""
    note: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()


@dataclass(frozen=True)
class Card:
    """An actor at a glance: identity, then sections, each fact with its support.

    Shown as HTML in a notebook (an autoescaped template) and as plain text
    elsewhere; :meth:`section` finds a section by its heading.
    """

    name: str
    identity: tuple[tuple[str, str], ...]
    description: str
    sections: tuple[Section, ...]

    def section(self, heading: str) -> Section:
        """The section with this heading; KeyError if the card has none."""
        for section in self.sections:
            if section.heading == heading:
                return section
        raise KeyError(heading)

    def _repr_html_(self) -> str:
        from .pages import render

        return render("profile_card.html.j2", card=self)

    def __str__(self) -> str:
        lines = [self.name]
        lines += [f"{label}: {value}" for label, value in self.identity]
        if self.description:
            lines.append(self.description)
        for section in self.sections:
            lines += ["", section.heading]
            lines += [f"  - {fact.plain()}" for fact in section.facts]
            if section.rows:
                lines.append("  " + " | ".join(section.columns))
                lines += ["  " + " | ".join(str(v) for v in row) for row in section.rows]
            if not section.facts and not section.rows and section.empty:
                lines.append(f"  {section.empty}")
            if section.note:
                lines.append(f"  {section.note}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)


@dataclass
class Profile:
    """Everything the data says about one actor, as tables with their sources."""

    actor: dict
    ties: pd.DataFrame
    events: pd.DataFrame
    flows: pd.DataFrame
    sources: pd.DataFrame
    _card: Card | None = field(default=None, repr=False)

    def summary(self) -> str:
        """One sentence counting what the data holds on the actor."""
        a = self.actor
        signs = self.ties["sign"].value_counts()
        tie_text = ", ".join(f"{int(n)} {sign}" for sign, n in signs.items())
        text = (
            f"{a['name']} ({a['actor_type']}"
            + (f", {a['country']}" if a["country"] else "")
            + f") appears in {_count(len(self.ties), 'relationship')}"
            + (f" ({tie_text})" if tie_text else "")
            + f", {_count(len(self.events), 'event')} and {_count(len(self.flows), 'flow')}, "
            f"citing {_count(len(self.sources), 'source')}."
        )
        inherited = sum(
            _inherited(column)
            for column in (self.ties["other"], self.events["role"], self.flows["role"])
        )
        if inherited:
            text += (
                f" {inherited} of these {'is' if inherited == 1 else 'are'} its predecessors' "
                "record, marked as such."
            )
        if a["unnamed"]:
            text += " The source does not name this actor; it describes it as a group or role."
        return text

    def card(self) -> Card:
        """The actor at a glance: names, lineage, leaders and members, designations, key
        events, ties by year and money, each fact with its support level.

        Examples
        --------
        >>> from sahel_nb import load_dataset
        >>> card = actor_profile(load_dataset(), "aqim").card()
        >>> card.section("Lineage").facts[0].text
        'Grew out of Salafist Group for Preaching and Combat'
        """
        if self._card is None:
            raise ValueError("this profile was built without its card; use actor_profile()")
        return self._card


def _inherited(values: pd.Series) -> int:
    """How many rows of a profile's table are its predecessors' record (none in an empty one)."""
    if values.empty:  # an actor with no ties: an empty column of no text type
        return 0
    return int(values.astype("str").str.contains("(as its predecessor", regex=False).sum())


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, list) and pd.isna(value)) else str(value)


def _own_reports(
    dataset: Dataset, table: str, rows: pd.DataFrame, speaking: set[str] | None = None
) -> pd.DataFrame:
    """One of ``rows`` per claim (the best-graded report naming the actor), with the claim's counts.

    A report that tells the claim speaks for it before one that denies or
    disputes it: the 2003 ransom is not shown through the BBC's doubt. Rows
    whose id is in ``speaking`` (the report the claim's tables speak through,
    e.g. a payment's first teller) come first among those.
    """
    claims = claims_of(dataset, table).set_index("claim_id")
    claims = claims[claims["agreement"] != "denied"]
    rows = rows[rows["claim_id"].isin(claims.index)]
    rows = rows.assign(
        _against=rows["status"].astype(str).isin(["denied", "disputed"]),
        _aside=~rows[TABLES[table].id_column].isin(speaking or set()),
    )
    rows = rows.sort_values(["claim_id", "_against", "_aside", "credibility"], kind="stable")
    rows = rows.drop_duplicates("claim_id").drop(columns=["_against", "_aside"])
    for column in ("reports", "agreement", "support", "cited"):
        rows[column] = rows["claim_id"].map(claims[column])
    return rows


def _is(column: pd.Series, actor_id: str) -> np.ndarray:
    # An empty cell compares as missing, not False: missing is "not this actor".
    return column.eq(actor_id).fillna(False).to_numpy(bool)


def actor_profile(dataset: Dataset, actor_id: str) -> Profile:
    """Return what the data holds on ``actor_id``: ties over time, events, flows, sources.

    A group's profile includes its predecessors' record (AQIM's shows what the
    GSPC did), each such row labelled "as its predecessor …". Ties, events
    and flows are listed once per claim: several sources'
    reports of one tie are one row, told as this actor's own report names it
    (the ADC's fight stays the ADC's even where the claim speaks of "the
    Tuareg"), with the claim's ``reports`` count and ``agreement``, citing
    every report; where they give an event different dates, counts or
    actors, its ``differ`` says each value and who gives it. Claims only
    denied are left out. Ties are sorted by start
    (undated last), each with the other party, its sign and direction as
    seen from this actor. ``card()`` gives the actor at a glance (see
    :class:`Card`): lineage, leaders and members, designations and
    sanctions, key events, ties by year and money, each fact with its
    claim's support wording naming who says it. An unknown id is an error
    suggesting close ids, names and aliases.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> profile = actor_profile(load_dataset(), "belmokhtar")
    >>> profile.ties["other"].tolist()[:2]
    ['Government of Mali', 'Algerian army']
    """
    check_actor(dataset, actor_id)
    actors = dataset.actors.set_index("actor_id")
    names = actors["name"].to_dict()
    row = actors.loc[actor_id]
    actor = {
        "actor_id": actor_id,
        "name": row["name"],
        "actor_type": str(row["actor_type"]),
        "country": _text(row["country"]),
        "aliases": list(row["aliases"]),
        "unnamed": bool(row["unnamed"]),
        "description": _text(row["description"]),
        "source_id": row["source_id"],
        "locator": row["locator"],
    }

    # A group's record includes what its predecessors did under their own names.
    lineage = [actor_id, *predecessors(dataset, actor_id)]
    label = {
        other: f" (as its predecessor {names[other]})" for other in lineage if other != actor_id
    }

    def who(row_ids) -> str | None:
        """The first of the lineage a row names: the actor itself before a predecessor."""
        return next((i for i in lineage if i in row_ids), None)

    rels = dataset.relationships
    me = [who((a, b)) for a, b in zip(rels["actor_a"], rels["actor_b"], strict=True)]
    rels = rels.assign(_me=me)
    mine = _own_reports(dataset, "relationships", rels[rels["_me"].notna()])
    mine = mine.sort_values(["start_start", "end_end", "relationship_id"], na_position="last")
    ties = pd.DataFrame(
        {
            "relationship_id": mine["relationship_id"],
            "other": [
                names[b if a == m else a] + label.get(m, "")
                for a, b, m in zip(mine["actor_a"], mine["actor_b"], mine["_me"], strict=True)
            ],
            "direction": [
                "—" if not directed else ("→" if a == m else "←")
                for a, directed, m in zip(
                    mine["actor_a"], mine["directed"], mine["_me"], strict=True
                )
            ],
            "kind": mine["kind"].astype(str),
            "sign": mine["kind"].astype(str).map(tie_class),
            "start": mine["start"],
            "end": mine["end"],
            "status": mine["status"].astype(str),
            "credibility": mine["credibility"],
            "reports": mine["reports"],
            "agreement": mine["agreement"],
            "source": mine["cited"],
        }
    ).reset_index(drop=True)

    events = dataset.events
    roles, mes = [], []
    for one, two, assoc in zip(
        events["actor1"], events["actor2"], events["assoc_actors"], strict=True
    ):
        slots = {"actor 1": one, "actor 2": two}
        m = who((one, two, *assoc))
        role = next((r for r, a in slots.items() if a == m), "associated") if m else ""
        roles.append(role + label.get(m, "") if m else "")
        mes.append(m)
    role = np.array(roles, dtype=object)
    picked = events[role != ""].assign(role=role[role != ""])
    picked = _own_reports(dataset, "events", picked)
    picked = picked.sort_values(["date_start", "event_id"], na_position="last")
    differ = differences_in_words(report_differences(dataset, picked["claim_id"]))
    event_table = picked[
        ["event_id", "date", "role", "sub_event_type", "location", "description", "status"]
    ].assign(
        sub_event_type=picked["sub_event_type"].astype(str),
        status=picked["status"].astype(str),
        credibility=picked["credibility"],
        reports=picked["reports"],
        agreement=picked["agreement"],
        differ=[differ.get(claim, "") for claim in picked["claim_id"].tolist()],
        source=picked["cited"],
    )

    flows = dataset.flows
    flow_roles = []
    for payer, payee, via in zip(
        flows["payer"], flows["payee"], flows["intermediary"], strict=True
    ):
        m = who((payer, payee, via))
        slots = {"payer": payer, "payee": payee, "go-between": via}
        role = next((r for r, a in slots.items() if a == m), "") if m else ""
        flow_roles.append(role + label.get(m, "") if m else "")
    flow_role = np.array(flow_roles, dtype=object)
    chosen = flows[flow_role != ""].assign(role=flow_role[flow_role != ""])
    # Each payment through the report the ransom table speaks through, with its figures.
    from .flows import payment_claims

    payments = payment_claims(dataset).set_index("claim_id")
    chosen = _own_reports(dataset, "flows", chosen, set(payments["flow_id"]))
    chosen = chosen.sort_values(["date_start", "flow_id"], na_position="last")
    flow_table = pd.DataFrame(
        {
            "flow_id": chosen["flow_id"],
            "date": chosen["date"],
            "role": chosen["role"],
            "flow_type": chosen["flow_type"].astype(str),
            "payer": chosen["payer"].map(names),
            "payee": chosen["payee"].map(names),
            "amount": chosen["amount"],
            "currency": chosen["currency"],
            # The payment as all its reports give it (a range), as the ransom table says it.
            "figures": chosen["claim_id"].map(payments["figures"]),
            "in_kind": chosen["in_kind"],
            "status": chosen["status"].astype(str),
            "credibility": chosen["credibility"],
            "reports": chosen["reports"],
            "agreement": chosen["agreement"],
            "source": chosen["cited"],
        }
    )

    cited = {actor["source_id"]}
    for frame in (mine, picked, chosen):
        cited |= {c.split(" ")[0] for cites in frame["cited"] for c in cites.split("; ")}
    sources = dataset.sources[dataset.sources["source_id"].isin(cited)]
    sources = sources[["source_id", "title", "author", "published", "reliability"]]
    return Profile(
        actor,
        ties,
        event_table.reset_index(drop=True),
        flow_table.reset_index(drop=True),
        sources.reset_index(drop=True),
        _build_card(dataset, actor, lineage, mine, picked),
    )


def shorten(text: str, limit: int = 180) -> str:
    """``text`` whole if it fits in ``limit`` characters, else cut between words with "…".

    Examples
    --------
    >>> shorten("The column says AQIM uses northern Mali as a sanctuary.", 30)
    'The column says AQIM uses…'
    >>> shorten("Short enough.", 30)
    'Short enough.'
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else ""
    # A cut never ends on a dangling comma, dash or opening bracket.
    cut = cut.rstrip(" ,;:–—-([")
    if not cut:
        return text
    # After a full stop the ellipsis stands apart: "arms. …", never "arms.…".
    return f"{cut} …" if cut.endswith((".", "!", "?")) else f"{cut}…"


#: Event types that designate, charge or sentence an actor.
SANCTIONS = ("Designation", "Indictment", "Sentencing")

#: How many events the card lists before pointing to the events table.
KEY_EVENTS = 12


def _reports_by_claim(frame: pd.DataFrame) -> dict[str, list[dict]]:
    wanted = ["claim_id", "source_id", "origin", "status", "relays", "speaker", "told", "interest"]
    rows = frame[[c for c in wanted if c in frame]].astype(object)
    reports: dict[str, list[dict]] = {}
    for row in rows.to_dict("records"):
        reports.setdefault(row["claim_id"], []).append(row)
    return reports


def _support(row, reports: dict[str, list[dict]], names: dict[str, str]) -> str:
    """How well a claim is supported, naming who told it first (the codebook's wording)."""
    return support_said(row, reports.get(row["claim_id"], []), names)


def _period(start, end) -> str:
    start, end = _text(start), _text(end)
    if start and end:
        return start if start == end else f"{start} to {end}"
    if start:
        return f"from {start}"
    return f"until {end}" if end else ""


def _country(code: str) -> str:
    import pycountry

    found = pycountry.countries.get(alpha_3=code) if code else None
    return found.name if found else code


def _build_card(dataset: Dataset, actor: dict, lineage: list[str], mine, picked) -> Card:
    """The card of ``actor`` from its own ties and events (one row per claim) and the payments."""
    from .flows import money_moved, payment_claims

    me = actor["actor_id"]
    names = dataset.actors.set_index("actor_id")["name"].to_dict()
    cite_names = short_names(dataset.sources)
    tellers = teller_names(dataset.sources, dataset.actors)
    reports = {
        **_reports_by_claim(dataset.relationships),
        **_reports_by_claim(dataset.events),
        **_reports_by_claim(dataset.flows),
    }

    def fact(text: str, row) -> Fact:
        return Fact(text, _support(row, reports, tellers), str(row["cited"]))

    def of(who: str) -> str:
        return "" if who == me else f" (of its predecessor {names[who]})"

    identity = [("type", actor["actor_type"])]
    if actor["country"]:
        identity.append(("country", _country(actor["country"])))
    if actor["aliases"]:
        identity.append(("also known as", "; ".join(actor["aliases"])))
    if actor["unnamed"]:
        identity.append(("name", "the sources describe this actor without naming it"))
    identity.append(("described in", f"{cite_names.get(actor['source_id'])} {actor['locator']}"))

    rows = mine.to_dict("records")
    sections = []

    # Lineage: what it grew out of, nearest first, and what grew out of it.
    lineage_facts = []
    succession = [r for r in rows if str(r["kind"]) == "predecessor/successor"]
    for earlier in lineage[1:]:
        tie = next((r for r in succession if r["actor_a"] == earlier), None)
        if tie is None:
            continue
        later = tie["actor_b"]
        text = f"Grew out of {names[earlier]}"
        if later != me:
            text += f", through {names[later]}"
        lineage_facts.append(fact(text, tie))
    for tie in succession:
        if tie["actor_a"] == me:
            lineage_facts.append(fact(f"Succeeded by {names[tie['actor_b']]}", tie))
    sections.append(
        Section("Lineage", tuple(lineage_facts), empty="No predecessor or successor is recorded.")
    )

    # Leaders and members (ties into it), and the groups it leads or belongs to.
    members, part_of = [], []
    for tie in rows:
        if str(tie["kind"]) != "leadership/membership" or not tie["directed"]:
            continue
        when = _period(tie["start"], tie["end"])
        when = f" ({when})" if when else ""
        if tie["actor_b"] in lineage:
            members.append(fact(f"{names[tie['actor_a']]}{when}{of(tie['actor_b'])}", tie))
        elif tie["actor_a"] in lineage:
            part_of.append(fact(f"{names[tie['actor_b']]}{when}{of(tie['actor_a'])}", tie))
    sections.append(
        Section(
            "Leaders and members",
            tuple(members),
            empty="No leader or member is recorded.",
            note="The data does not tell a leader from a member: each is a "
            "leadership/membership tie."
            if members
            else "",
        )
    )
    sections.append(
        Section("Leads or belongs to", tuple(part_of), empty="No group it leads or belongs to.")
    )

    # Designations, charges and sentences it is the subject of.
    events = picked.to_dict("records")
    sanctions, listed = [], set()
    for event in events:
        if str(event["sub_event_type"]) not in SANCTIONS or event["role"].startswith("actor 1"):
            continue
        when = _text(event["date"]) or "undated"
        named = (
            "" if event["role"].startswith("actor 2") else " (named in it, as an associated actor)"
        )
        listed.add(event["event_id"])
        sanctions.append(
            fact(
                f"{when}: {event['sub_event_type']}{named} — {shorten(event['description'])}", event
            )
        )
    sections.append(
        Section(
            "Designations and sanctions",
            tuple(sanctions),
            empty="No designation, charge or sentence is recorded.",
        )
    )

    # Key events in date order: the designations above are not repeated.
    rest = [e for e in events if e["event_id"] not in listed]
    if len(rest) > KEY_EVENTS:
        # Named event types before the catch-all "Other", then the earliest.
        ranked = sorted(
            range(len(rest)), key=lambda i: (str(rest[i]["sub_event_type"]) == "Other", i)
        )
        keep = sorted(ranked[:KEY_EVENTS])
        more = len(rest) - KEY_EVENTS
        rest = [rest[i] for i in keep]
    else:
        more = 0
    key_events = []
    for event in rest:
        when = _text(event["date"]) or "undated"
        role = event["role"].split(" (")[0]
        inherited = event["role"][len(role) :]
        key_events.append(
            fact(
                f"{when}: {event['sub_event_type']}{inherited} — {shorten(event['description'])}",
                event,
            )
        )
    sections.append(
        Section(
            "Key events",
            tuple(key_events),
            empty="No event is recorded.",
            note=f"{_count(more, 'more event')} in the events table." if more else "",
        )
    )

    # Ties by the year they begin, counted by sign (structural ties apart: a
    # membership is no cooperation); undated ties apart.
    signs = TIE_CLASSES
    by_year: dict[str, dict[str, int]] = {}
    order: dict[str, object] = {}
    undated = dict.fromkeys(signs, 0)
    for tie in rows:
        sign = tie_class(str(tie["kind"]))
        start = _text(tie["start"])
        if not start:
            undated[sign] += 1
            continue
        year = start[:4] if start[:4].isdigit() else start
        by_year.setdefault(year, dict.fromkeys(signs, 0))[sign] += 1
        order.setdefault(year, tie["start_start"])
    years = sorted(by_year, key=lambda y: (order[y], y))
    table = tuple((year, *(by_year[year][s] for s in signs)) for year in years)
    undated_count = sum(undated.values())
    note = ""
    if undated_count:
        parts = ", ".join(f"{n} {s}" for s, n in undated.items() if n)
        note = f"{_count(undated_count, 'tie')} with no date: {parts}."
    sections.append(
        Section(
            "Ties by year",
            (),
            empty="No tie is recorded." if not rows else "",
            note=note,
            columns=("year begun", *signs),
            rows=table,
        )
    )

    # Money and goods in, out and through it, each payment once.
    claims = money_moved(payment_claims(dataset))
    claims = claims[(claims["agreement"] != "denied").to_numpy(bool)]
    claims = claims.sort_values(["date_start", "claim_id"], na_position="last")
    money = []
    for claim in claims.to_dict("records"):
        slots = (("out", "payer"), ("in", "payee"), ("through", "intermediary"))
        found = next(((way, claim[slot]) for way, slot in slots if claim[slot] in lineage), None)
        if found is None:
            continue
        way, who = found
        other = {"out": "payee", "in": "payer", "through": "payer"}[way]
        missing = "a recipient not given" if other == "payee" else "a payer not given"
        party = names.get(claim[other], missing) if isinstance(claim[other], str) else missing
        direction = "to" if way == "out" else "from"
        text = f"{way.capitalize()}: {claim['flow_type']} {direction} {party}"
        if way == "through" and isinstance(claim["payee"], str):
            text += f" to {names.get(claim['payee'], claim['payee'])}"
        when = _text(claim["date"])
        if when:
            text += f", {when}"
        if isinstance(claim["figures"], str):
            text += f": {claim['figures']}"
            if pd.notna(claim["usd_high"]):
                low, high = claim["usd_low"], claim["usd_high"]
                span = f"{high:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}"
                text += f" (US$ {span} in dollars of its year)"
        else:
            what = _text(claim["in_kind"])
            text += f": {what}" if what else ": amount not given"
        money.append(fact(text + of(who), claim))
    sections.append(
        Section(
            "Money and goods",
            tuple(money),
            empty=f"No money or goods in or out of {actor['name']} are recorded.",
        )
    )
    return Card(actor["name"], tuple(identity), actor["description"], tuple(sections))
