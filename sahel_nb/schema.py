"""The tables, their columns and vocabularies: one declarative spec per table."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ACTOR_TYPES",
    "CLAIM_TABLES",
    "CREDIBILITY",
    "EVENT_TYPES",
    "FLOW_STATUSES",
    "FLOW_TYPES",
    "GEO_PRECISION",
    "INTERESTS",
    "KIND_PHRASES",
    "RELATIONSHIP_KINDS",
    "RELATIONSHIP_STATUSES",
    "RELIABILITY",
    "STRUCTURAL_KINDS",
    "SUPPORTING_STATUSES",
    "TABLES",
    "TIE_CLASSES",
    "TOLD",
    "Field",
    "Table",
    "kind_sign",
    "tie_class",
]

#: Admiralty (NATO) source reliability, with its standard wording.
RELIABILITY = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}

#: Admiralty (NATO) information credibility; 1 is best, 6 means "cannot be judged".
CREDIBILITY = {
    1: "Confirmed by other sources",
    2: "Probably true",
    3: "Possibly true",
    4: "Doubtful",
    5: "Improbable",
    6: "Truth cannot be judged",
}

ACTOR_TYPES = (
    "armed group",
    "state",
    "government",
    "government official",
    "security forces",
    "political party",
    "ethnic group",
    "tribe",
    "individual",
    "criminal network",
    "civilian population",
    "media",
    "international organization",
)

#: Relationship kinds and the sign each carries in the alliance network.
RELATIONSHIP_KINDS = {
    "alliance/cooperation": "cooperative",
    "kinship/marriage": "cooperative",
    "leadership/membership": "cooperative",
    "protection/safe haven": "cooperative",
    "support": "cooperative",
    "predecessor/successor": "neutral",
    "mediation": "neutral",
    "negotiation": "neutral",
    "hostility/armed conflict": "hostile",
    "rivalry": "hostile",
}

#: Kinds that say what an actor is (whose member, whose successor, whose kin),
#: not how it deals with another: they carry a sign for the vocabulary's sake,
#: but a membership is no alliance, so networks draw them apart and leave them
#: out of cooperation counts and broker metrics unless asked.
STRUCTURAL_KINDS = ("kinship/marriage", "leadership/membership", "predecessor/successor")

#: Each relationship kind as a verb phrase between its two actors, for prose.
KIND_PHRASES = {
    "alliance/cooperation": "cooperated with",
    "kinship/marriage": "was kin by blood or marriage to",
    "leadership/membership": "led or belonged to",
    "protection/safe haven": "sheltered or tolerated",
    "support": "supported",
    "predecessor/successor": "became",
    "mediation": "mediated for",
    "negotiation": "negotiated with",
    "hostility/armed conflict": "fought",
    "rivalry": "was a rival of",
}

#: What a row says of its claim. ``denied``: the source says it did not happen
#: (or was not paid); ``disputed``: the source itself says it is contested.
RELATIONSHIP_STATUSES = ("reported", "alleged", "disputed", "denied")
FLOW_STATUSES = ("reported", "alleged", "estimated", "disputed", "denied")

#: How a citing source got what a row reports (empty: its own reporting).
#: ``unattributed`` is an echo: the source repeats it and names no teller.
TOLD = ("own reporting", "interview", "statement", "relayed", "unattributed")

#: A teller's stake in the answer, when it has one, with the words reports use.
INTERESTS = {
    "participant": "took part in what it tells",
    "belligerent": "a side of the fighting",
    "own conduct": "speaks of its own conduct",
    "rival state": "a rival state",
    "prosecution": "the side bringing the charges",
    "accused": "the accused",
}

#: Statuses of a row that speaks for its claim; ``denied`` speaks against it
#: and ``disputed`` neither way.
SUPPORTING_STATUSES = ("reported", "alleged", "estimated")

#: ACLED's six event types and 25 sub-event types, plus what the sources need
#: (the additions sit under "Strategic developments" and are listed last).
#: The sub-event type of an event whose source gives its type but no sub-type
#: (ACLED's exports from before its March 2019 change): said, not guessed.
NOT_SPECIFIED = "Not specified"

EVENT_TYPES = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
        NOT_SPECIFIED,
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
        NOT_SPECIFIED,
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
        NOT_SPECIFIED,
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
        NOT_SPECIFIED,
    ),
    "Riots": ("Violent demonstration", "Mob violence", NOT_SPECIFIED),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
        "Hostage release",
        "Indictment",
        "Extradition",
        "Extradition refused",
        "Sentencing",
        "Designation",
        NOT_SPECIFIED,
    ),
}

FLOW_TYPES = (
    "ransom",
    "ransom demand",
    "share of a ransom",
    "tax/extortion",
    "protection of smuggling",
    "trafficking revenue",
    "supplies in kind",
    "payments to the population",
    "patronage",
    "investment",
    "other",
)

#: ACLED's geo_precision: 1 the town itself, 2 near a town or part of a region,
#: 3 a larger region or its capital.
GEO_PRECISION = (1, 2, 3)


@dataclass(frozen=True)
class Field:
    """One column: its name, kind of value, and whether it may be empty.

    ``kind`` is one of: id, claim, ref, refs, text, speaker, list,
    partial_date, vocab, bool, amount, count, year, credibility, reliability, geo_precision, latitude,
    longitude, iso3, currency, locator, url. ``ref`` names the table whose ids
    a ref/refs column must use; ``vocab`` lists the allowed values.
    ``optional_column`` columns were added after the first data folders were
    made: a file without them loads as if they were empty.
    """

    name: str
    kind: str
    required: bool = False
    ref: str | None = None
    vocab: tuple = ()
    optional_column: bool = False


@dataclass(frozen=True)
class Table:
    """One CSV file of the dataset."""

    name: str
    id_column: str
    fields: tuple[Field, ...] = field(default_factory=tuple)

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def get(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _cited() -> tuple[Field, ...]:
    return (
        Field("source_id", "ref", required=True, ref="sources"),
        Field("locator", "locator", required=True),
    )


def _claimed() -> Field:
    return Field("claim_id", "claim", optional_column=True)


def _relayed() -> tuple[Field, ...]:
    # Who first told it and how it reached the citing source: support is
    # counted by these tellers, not by the documents that carry them.
    return (
        Field("relays", "ref", ref="sources", optional_column=True),
        Field("speaker", "speaker", optional_column=True),
        Field("told", "vocab", vocab=TOLD, optional_column=True),
        Field("interest", "vocab", vocab=tuple(INTERESTS), optional_column=True),
    )


def _graded(statuses: tuple[str, ...]) -> tuple[Field, ...]:
    return (
        Field("status", "vocab", required=True, vocab=statuses),
        Field("credibility", "credibility", required=True),
    )


# "Not specified" is a sub-type of every type: listed once.
_ALL_SUB_EVENT_TYPES = tuple(dict.fromkeys(s for subs in EVENT_TYPES.values() for s in subs))

#: The dataset's tables, in loading order (a table refers only to earlier ones,
#: except flows.event_id, which refers to events).
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "sources",
            "source_id",
            (
                Field("source_id", "id", required=True),
                Field("title", "text", required=True),
                Field("short_name", "text", optional_column=True),
                Field("author", "text"),
                Field("publisher", "text"),
                Field("published", "partial_date"),
                Field("url", "url"),
                Field("kind", "text", optional_column=True),
                Field("derived_from", "ref", ref="sources", optional_column=True),
                Field("tertiary", "bool", optional_column=True),
                Field("reliability", "reliability", required=True),
                Field("notes", "text"),
            ),
        ),
        Table(
            "actors",
            "actor_id",
            (
                Field("actor_id", "id", required=True),
                Field("name", "text", required=True),
                Field("actor_type", "vocab", required=True, vocab=ACTOR_TYPES),
                Field("aliases", "list"),
                Field("unnamed", "bool", required=True),
                Field("country", "iso3"),
                Field("description", "text", required=True),
                *_cited(),
            ),
        ),
        Table(
            "relationships",
            "relationship_id",
            (
                Field("relationship_id", "id", required=True),
                _claimed(),
                Field("actor_a", "ref", required=True, ref="actors"),
                Field("actor_b", "ref", required=True, ref="actors"),
                Field("kind", "vocab", required=True, vocab=tuple(RELATIONSHIP_KINDS)),
                Field("directed", "bool", required=True),
                Field("start", "partial_date"),
                Field("end", "partial_date"),
                *_graded(RELATIONSHIP_STATUSES),
                *_cited(),
                *_relayed(),
                Field("note", "text"),
            ),
        ),
        Table(
            "events",
            "event_id",
            (
                Field("event_id", "id", required=True),
                _claimed(),
                Field("date", "partial_date"),
                Field("event_type", "vocab", required=True, vocab=tuple(EVENT_TYPES)),
                Field("sub_event_type", "vocab", required=True, vocab=_ALL_SUB_EVENT_TYPES),
                Field("actor1", "ref", required=True, ref="actors"),
                Field("actor2", "ref", ref="actors"),
                Field("assoc_actors", "refs", ref="actors"),
                Field("location", "text"),
                Field("admin1", "text"),
                Field("country", "iso3"),
                Field("latitude", "latitude"),
                Field("longitude", "longitude"),
                Field("geo_precision", "geo_precision"),
                Field("fatalities", "count"),
                Field("hostages", "count"),
                Field("description", "text", required=True),
                *_graded(RELATIONSHIP_STATUSES),
                *_cited(),
                *_relayed(),
                # An imported event a newer export of its dataset no longer
                # holds: the export that dropped it. Kept, never counted.
                Field("withdrawn", "ref", ref="sources", optional_column=True),
                # A dataset's own range of deaths (UCDP's low and high estimates
                # beside its best, which is fatalities).
                Field("fatalities_low", "count", optional_column=True),
                Field("fatalities_high", "count", optional_column=True),
            ),
        ),
        Table(
            "flows",
            "flow_id",
            (
                Field("flow_id", "id", required=True),
                _claimed(),
                Field("date", "partial_date"),
                Field("payer", "ref", ref="actors"),
                Field("payee", "ref", ref="actors"),
                Field("intermediary", "ref", ref="actors"),
                Field("flow_type", "vocab", required=True, vocab=FLOW_TYPES),
                Field("amount", "amount"),
                Field("amount_low", "amount"),
                Field("amount_high", "amount"),
                Field("currency", "currency"),
                Field("amount_year", "year", optional_column=True),
                Field("in_kind", "text"),
                Field("event_id", "ref", ref="events"),
                *_graded(FLOW_STATUSES),
                *_cited(),
                *_relayed(),
                Field("note", "text"),
            ),
        ),
    )
}


#: The tables whose rows are claims, with the column a claim's rows share
#: (a ransom and a ransom demand are never one claim).
CLAIM_TABLES = {"relationships": "kind", "events": "event_type", "flows": "flow_type"}


#: What a tie is, as prose and tables count ties: its sign, or structural.
TIE_CLASSES = ("cooperative", "hostile", "neutral", "structural")


def tie_class(kind: str) -> str:
    """Return ``"structural"`` for a structural kind, else the kind's sign.

    Counts and hover texts use it: a membership carries the sign
    "cooperative" in the vocabulary, but counted as cooperation it would
    read as an alliance (see :data:`STRUCTURAL_KINDS`).

    Examples
    --------
    >>> tie_class("leadership/membership"), tie_class("rivalry")
    ('structural', 'hostile')
    """
    return "structural" if kind in STRUCTURAL_KINDS else RELATIONSHIP_KINDS[kind]


def kind_sign(kind: str) -> str:
    """Return the sign of a relationship kind: cooperative, hostile or neutral.

    Examples
    --------
    >>> kind_sign("hostility/armed conflict")
    'hostile'
    """
    return RELATIONSHIP_KINDS[kind]
