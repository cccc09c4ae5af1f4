"""The evidence sections of a situation report: ties, shifts, kidnappings, money, the state."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..cite import locator_list, support_said, teller_names
from ..dates import date_words
from ..differences import ASPECTS, differences_in_words, report_differences
from ..origins import stance
from ..schema import KIND_PHRASES, kind_sign
from .money import _flow_sentence, _usd_range
from .text import Footnotes, Sentence, _plural
from .window import _by_date, _involves, _name, _period

__all__ = ["STATE_ACTS", "STATE_DEALINGS", "STATE_TYPES"]

# --- The situation report -------------------------------------------------------------

#: Actor types whose ties and acts make up "the state's role".
STATE_TYPES = ("state", "government", "government official", "security forces")
#: Event sub-types that show a state acting on armed groups or their members.
STATE_ACTS = ("Agreement", "Arrests", "Extradition", "Extradition refused", "Indictment")
#: Relationship kinds that show a state dealing with armed groups.
STATE_DEALINGS = ("negotiation", "protection/safe haven", "mediation")


class _Writer:
    """The sentences of each section, from the rows picked for the report, citing them."""

    def __init__(self, dataset, base_year, relationships, events, flows) -> None:
        from ..flows import KIDNAPPING

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
        # Where one event's reports give different dates, counts or actors: said, never picked.
        told_claims = pd.concat([events["claim_id"], self.counted["claim_id"]])
        self.differences = report_differences(dataset, told_claims)
        self.differ = differences_in_words(self.differences)
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

    def _range(self, event: dict, column: str, word: str, unknown: str = "") -> str:
        """``2 hostages``, or ``2–3 hostages`` where the event's reports give different numbers."""
        found = self.differences[
            (self.differences["claim_id"] == event.get("claim_id"))
            & (self.differences["aspect"] == ASPECTS[column])
        ]
        if not found.empty:
            low, high = int(found["low"].iloc[0]), int(found["high"].iloc[0])
            return f"{low:,}–{high:,} {word}s"
        if pd.isna(event[column]):
            return unknown
        said = _plural(int(event[column]), word)
        # One record's own range (UCDP's low and high estimates beside its best).
        low, high = event.get(f"{column}_low"), event.get(f"{column}_high")
        given = low is not None and high is not None and not pd.isna(low) and not pd.isna(high)
        if given and int(low) != int(high):
            said += f" (the best estimate, of {int(low):,} to {int(high):,})"
        return said

    def _differ(self, event: dict) -> list[Sentence]:
        """The sentence saying where this event's reports differ, and who gives which value."""
        text = self.differ.get(event.get("claim_id"))
        if not text:
            return []
        return [Sentence(f"The {text}.", self._cite([event]))]

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

    def _period(self, rel: dict) -> str:
        """A tie's period; an open end is said as of its source's date."""
        return _period(rel["start"], rel["end"], self.published.get(rel.get("source_id")))

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

    def key_actors(self, top: int, chosen: tuple[str, ...] = ()) -> list[Sentence]:
        """The best-connected actors: whom each is tied to, by sign, and how much is alleged.

        The actors an assessment names as its ``key_actors`` come first, in
        its order. Counterparts are counted once however many ties join them;
        ties to an actor's own branches, leaders or members, and lineage
        ties, are told apart.
        """
        from ..network import actor_metrics, build_graph

        graph = build_graph(self._graph_of(self.rels))
        if not graph.number_of_edges():
            return []
        metrics = actor_metrics(graph).sort_values(["degree", "name"], ascending=[False, True])
        first = [a for a in dict.fromkeys(chosen) if a in metrics.index]
        if first:
            metrics = metrics.loc[first + [a for a in metrics.index if a not in first]]
            top = max(top, len(first))
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
                [_alleged_only(self._reports_of(r)) for r in outward.to_dict("records")],
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
            whose = ", one the assessment names," if actor_id in first else ""
            text = f"{row['name']} ({row['actor_type']}){whose} is tied to " + (
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
        from ..network import alliance_shifts

        labels = (
            self.rels.set_index("claim_id")["agreement"].to_dict()
            if "agreement" in self.rels
            else {}
        )
        said = []
        for row in alliance_shifts(self._graph_of(self.rels)).to_dict("records"):
            row["agreement"] = labels.get(row["claim_id"], "single source")
            # Who tells of the tie, and with what stake, rather than its bare status.
            said.append(
                Sentence(
                    f"{row['name_a']} and {row['name_b']}: a {row['sign']} tie "
                    f"({row['kind']}), {self._period(row)}, {self._support(row)}.",
                    self._cite([row]),
                )
            )
        return said

    def kidnappings(self) -> list[Sentence]:

        said = []
        for event in self.kidnaps.to_dict("records"):
            hostages = self._range(event, "hostages", "hostage", "an unknown number of hostages")
            where = f" in {event['location']}" if pd.notna(event["location"]) else ""
            when = _when(event)
            said.append(
                Sentence(
                    f"{when}, {self._name(event['actor1'])} took {hostages}{where} "
                    f"({self._name(event['actor2'])}); this is {self._support(event)}.",
                    self._cite([event]),
                    chain=self._chain(event),
                )
            )
            said += self._differ(event)
            said += self._focus_role(event)
            linked = self.flows[self.flows["event_id"].isin(self._event_reports(event))]
            said += [self._flow(f) for f in linked.sort_values("flow_id").to_dict("records")]
        said += self._counted_kidnappings()
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

    def _rows_cited(self, source_id: str, group: pd.DataFrame):
        """A footnote citing an imported dataset by the rows ``group`` comes from."""
        cite = {"source_id": source_id, "locator": _rows(group["locator"])}
        return self.notes.cite([cite | {"status": None, "credibility": None}])

    def _counted_kidnappings(self) -> list[Sentence]:
        """Per imported dataset: how many kidnappings it records in the period (not told one by one)."""
        from ..flows import KIDNAPPING

        counted = self.counted[(self.counted["sub_event_type"] == KIDNAPPING).to_numpy(bool)]
        # Every imported record of a kidnapping told above or counted is said under
        # its dataset, each event once: a record of one told above, or counted
        # under another dataset, is that event's report, not another kidnapping.
        events = self.dataset.events
        imported = events["locator"].str.startswith("row ").fillna(False).to_numpy(bool)
        told_claims = set(self.kidnaps["claim_id"])
        claims = told_claims | set(counted["claim_id"])
        records = events[imported & events["claim_id"].isin(claims).to_numpy(bool)]
        picked = set(counted["event_id"])
        said = []
        for source_id, rows in records.groupby("source_id", sort=True):
            told = rows["claim_id"].isin(told_claims).to_numpy(bool)
            own = rows["event_id"].isin(picked).to_numpy(bool)
            parts = []
            if told.any():
                parts.append(f"{told.sum()} told above with the other reports of the same events")
            if (~told & ~own).any():
                parts.append(
                    f"{(~told & ~own).sum()} counted with another dataset's records of the "
                    "same events"
                )
            if own.any():
                parts.append(f"{own.sum()} counted, not told one by one (see Imported datasets)")
            text = f"{self.notes.short(source_id)} records {_plural(len(rows), 'kidnapping')} in this period"
            if parts == [f"{own.sum()} counted, not told one by one (see Imported datasets)"]:
                text += "; they are counted, not told one by one (see Imported datasets)"
            else:
                text += (
                    ": " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
                )
            said.append(Sentence(text + ".", self._rows_cited(source_id, rows)))
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
        from ..flows import payment_claims

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
                f"{self._name(rel['actor_a'])} {KIND_PHRASES.get(str(rel['kind']), rel['kind'])} "
                f"{self._name(rel['actor_b'])}, {self._period(rel)} ({self._support(rel)}).",
                self._cite([rel]),
            )
            for rel in dealings.to_dict("records")
        ]
        for event in self.acts.to_dict("records"):
            said.append(
                Sentence(
                    f"{_when(event)}: {_event_what(event)} — "
                    f"{self._name(event['actor1'])}, {self._name(event['actor2'])} "
                    f"({self._support(event)}).",
                    self._cite([event]),
                )
            )
            said += self._differ(event)
        return said

    def other_events(self) -> list[Sentence]:
        told = set(self.kidnaps["event_id"]) | set(self.acts["event_id"])
        said = []
        for event in _by_date(self.events[~self.events["event_id"].isin(told)]).to_dict("records"):
            who = ", ".join(
                self._name(a) for a in (event["actor1"], event["actor2"]) if pd.notna(a)
            )
            where = f" in {event['location']}" if pd.notna(event["location"]) else ""
            dead = self._range(event, "fatalities", "death")
            dead = f", {dead} recorded" if dead else ""
            said.append(
                Sentence(
                    f"{_when(event)}: {_event_what(event)}{where} — {who}{dead} "
                    f"({self._support(event)}).",
                    self._cite([event]),
                )
            )
            said += self._differ(event)
        return said

    def datasets(self) -> list[Sentence]:
        """Per imported dataset and year: how many events and recorded deaths."""
        said = []
        counted = self.counted
        years = counted["date"].str[:4]
        # An event whose records give different death counts adds its lowest to the
        # low total and its highest to the high one: a range, never one record's figure.
        spread = self.differences[self.differences["aspect"] == ASPECTS["fatalities"]]
        spread = spread.set_index("claim_id")
        for (source_id, year), group in counted.groupby([counted["source_id"], years], sort=True):
            deaths = group["fatalities"].dropna()
            if deaths.empty:
                dead = "; no death count given"
            else:
                claims = group.loc[deaths.index, "claim_id"]
                low = claims.map(spread["low"]).fillna(deaths).astype("int64")
                high = claims.map(spread["high"]).fillna(deaths).astype("int64")
                dead = f", with {int(low.sum()):,} deaths recorded"
                if high.sum() > low.sum():
                    differ = int((low != high).sum())
                    dead = (
                        f", with {int(low.sum()):,}–{int(high.sum()):,} deaths recorded (the "
                        f"records of {_plural(differ, 'event')} give different counts)"
                    )
                if len(deaths) < len(group):
                    dead += f" ({len(group) - len(deaths):,} events without a count)"
            said.append(
                Sentence(
                    f"{self.notes.short(source_id)} records {_plural(len(group), 'event')} "
                    f"in {year}{dead}; they are counted here, not told one by one.",
                    self._rows_cited(source_id, group),
                )
            )
        return said + self._dataset_flows()

    def _dataset_flows(self) -> list[Sentence]:
        """Per imported dataset: ransoms paid and demanded, each status and currency apart."""
        from ..flows import DEMAND

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
            said.append(Sentence(text + ".", self._rows_cited(source_id, group)))
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
        """Each cited source in full, with its reliability; origins not held say how they are known."""
        from ..cite import source_entries

        return source_entries(self.dataset, self.notes.source_ids())

    def _flow(self, flow: dict) -> Sentence:
        flow = {**flow, "support": self._support(flow)} if "agreement" in flow else flow
        sentence = _flow_sentence(flow, self.names, self.notes, self.base_year)
        return Sentence(sentence.text, self._cite([flow]), chain=self._chain(flow))

    def _chain(self, row: dict) -> str:
        """The chain of tellers behind a claim, where there is one to see."""
        from ..chains import chain_svg

        if "agreement" not in row:
            return ""
        if row.get("agreement") != "contested" and int(row.get("reports") or 1) < 2:
            return ""
        if not hasattr(self, "_tellers"):
            self._tellers = teller_names(self.dataset.sources, self.dataset.actors)
        return chain_svg(self._reports_of(row), self._tellers, title="Who told it first")


def _rows(locators: pd.Series) -> str:
    """The rows a group of imported events comes from: ``rows 3–4077, 5000``."""
    return locator_list(locators)


def _when(event: dict) -> str:
    """``On 20 August 2003``, ``In 2008``, ``Until 18 August 2003``; an undated event says so.

    Examples
    --------
    >>> [_when({"date": d}) for d in ("2003-08-20", "2008", "../2003-08-18", "2003~", "2009?")]
    ['On 20 August 2003', 'In 2008', 'Until 18 August 2003', 'In about 2003', 'Possibly in 2009']
    """
    if pd.isna(event["date"]):
        return "Undated"
    said = date_words(event["date"])
    if re.match(r"\d{1,2} ", said):  # a day: "On 20 August 2003"
        return f"On {said}"
    if said.startswith(("until ", "from ")):
        return said[:1].upper() + said[1:]
    if said.startswith("possibly "):  # "Possibly in 2009", not "In possibly 2009"
        rest = said.removeprefix("possibly ")
        preposition = "on" if re.match(r"\d{1,2} ", rest) else "in"
        return f"Possibly {preposition} {rest}"
    return f"In {said}"


def _event_what(event: dict) -> str:
    """What an event was: its type, or for the catch-all "Other" the curator's first sentence."""
    kind = str(event["sub_event_type"])
    description = event.get("description")
    if kind == "Other" and isinstance(description, str) and description.strip():
        first = re.split(r"(?<=[.;])\s", description.strip())[0].rstrip(".;")
        # Lowered to follow a comma, unless it starts with a name or an acronym (AQIM).
        word = first.split(" ", 1)[0]
        if len(word) > 1 and (word[1:2].isupper() or word.isupper()):
            return first
        return first[:1].lower() + first[1:]
    return kind.lower()


def _alleged_only(reports: list[dict]) -> bool:
    """True when every report that supports a claim only alleges it."""
    supporting = [r for r in reports if stance(r.get("status")) == "for"]
    return bool(supporting) and all(str(r["status"]) == "alleged" for r in supporting)
