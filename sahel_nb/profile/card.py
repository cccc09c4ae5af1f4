"""An actor's card: names, lineage, leaders, designations, key events, ties by year and money."""

from __future__ import annotations

import pandas as pd

from ..cite import short_names, support_said, teller_names
from ..data import Dataset
from ..schema import TIE_CLASSES, tie_class
from .parts import Card, Fact, Section, _count, _text, shorten

__all__ = ["KEY_EVENTS", "SANCTIONS"]


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
    from ..flows import money_moved, payment_claims

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
