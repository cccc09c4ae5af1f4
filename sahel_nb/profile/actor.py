"""An actor's profile: its ties over time, events, flows and sources, with its predecessors' record."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import Dataset
from ..differences import differences_in_words, report_differences
from ..network import check_actor, predecessors
from ..origins import claims_of
from ..schema import TABLES, tie_class
from .card import _build_card
from .parts import Profile, _text

__all__ = ["actor_profile"]


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
    from ..flows import payment_claims

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
