"""Actor profiles: one actor's names, ties over time, events, flows and sources."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data import Dataset
from .network import check_actor, predecessors
from .origins import claims_of
from .schema import RELATIONSHIP_KINDS

__all__ = ["Profile", "actor_profile"]


@dataclass
class Profile:
    """Everything the data says about one actor, as tables with their sources."""

    actor: dict
    ties: pd.DataFrame
    events: pd.DataFrame
    flows: pd.DataFrame
    sources: pd.DataFrame

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
        inherited = int(self.ties["other"].str.contains("(as its predecessor", regex=False).sum())
        inherited += int(self.events["role"].str.contains("(as its predecessor", regex=False).sum())
        inherited += int(self.flows["role"].str.contains("(as its predecessor", regex=False).sum())
        if inherited:
            text += (
                f" {inherited} of these {'is' if inherited == 1 else 'are'} its predecessors' "
                "record, marked as such."
            )
        if a["unnamed"]:
            text += " The source does not name this actor; it describes it as a group or role."
        return text

    def card(self) -> pd.DataFrame:
        """The actor's own row as a two-column table: what we know of its identity."""
        a = self.actor
        rows = [
            ("id", a["actor_id"]),
            ("name", a["name"]),
            ("type", a["actor_type"]),
            ("country", a["country"] or "not given"),
            ("also known as", "; ".join(a["aliases"]) or "no other name recorded"),
            ("named in the source", "no, described only" if a["unnamed"] else "yes"),
            ("description", a["description"]),
            ("source", f"{a['source_id']} {a['locator']}"),
        ]
        return pd.DataFrame(rows, columns=["field", "value"]).set_index("field")


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, list) and pd.isna(value)) else str(value)


def _own_reports(dataset: Dataset, table: str, rows: pd.DataFrame) -> pd.DataFrame:
    """One of ``rows`` per claim (the best-graded report naming the actor), with the claim's counts."""
    claims = claims_of(dataset, table).set_index("claim_id")
    claims = claims[claims["agreement"] != "denied"]
    rows = rows[rows["claim_id"].isin(claims.index)]
    rows = rows.assign(_against=rows["status"].astype(str) == "denied")
    rows = rows.sort_values(["claim_id", "_against", "credibility"], kind="stable")
    rows = rows.drop_duplicates("claim_id").drop(columns="_against")
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
    every report. Claims only denied are left out. Ties are sorted by start
    (undated last), each with the other party, its sign and direction as
    seen from this actor. An unknown id is an error
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
            "sign": mine["kind"].astype(str).map(RELATIONSHIP_KINDS),
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
    event_table = picked[
        ["event_id", "date", "role", "sub_event_type", "location", "description", "status"]
    ].assign(
        sub_event_type=picked["sub_event_type"].astype(str),
        status=picked["status"].astype(str),
        credibility=picked["credibility"],
        reports=picked["reports"],
        agreement=picked["agreement"],
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
    chosen = _own_reports(dataset, "flows", chosen)
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
    )
