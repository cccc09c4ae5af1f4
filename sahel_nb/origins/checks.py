"""The claim checks validation runs: sources' chains, who told a row, claims across rows."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..arrowtext import isin
from ..schema import CLAIM_TABLES, TABLES
from .agreement import stance
from .claims import claim_keys
from .tellers import (
    _chains,
    _folded,
    actor_tellers,
    relayed_tellers,
    row_origins,
    tertiary_sources,
)
from .text import _blank, _text

if TYPE_CHECKING:
    from ..csvfile import RawTable


def claim_problems(raws: dict[str, RawTable]) -> None:
    """Add to ``raws`` every problem with sources' chains and with claims across rows.

    ``derived_from`` must not name the source itself nor come back to it; a
    claim's rows sit in one table and share its kind (relationship kind, event
    type, flow type); credibility 1 needs another report of the same stance
    from an independent origin.
    """
    sources = raws["sources"]
    derived: dict[str, str | None] = {}
    if sources.frame is not None and {"source_id", "derived_from"} <= set(sources.frame):
        frame = sources.frame
        derived = {
            s: d
            for s, d in zip(frame["source_id"], frame["derived_from"], strict=False)
            if not _blank(s)
        }
        derived = {s: (None if _blank(d) else d) for s, d in derived.items()}
        reported_cycles: set[frozenset] = set()
        _, cycles = _chains(derived)
        for position, (source, parent) in enumerate(
            zip(frame["source_id"], frame["derived_from"], strict=False)
        ):
            if _blank(parent) or _blank(source):
                continue
            if parent == source:
                sources.problem(
                    sources.line(frame.index[position]),
                    "derived_from",
                    "names the source itself; leave it empty when the document is its own origin",
                    parent,
                )
            elif source in cycles and frozenset(cycles[source]) not in reported_cycles:
                reported_cycles.add(frozenset(cycles[source]))
                sources.problem(
                    sources.line(frame.index[position]),
                    "derived_from",
                    "comes back to this source (" + " → ".join(cycles[source]) + "); "
                    "one of them must be the origin",
                    parent,
                )
    roots, _ = _chains(derived)
    origins = {s: r if r is not None else s for s, r in roots.items()}
    if sources.frame is not None and "tertiary" in sources.frame:
        tertiary = tertiary_sources(sources.frame)
        origins = {s: None if r in tertiary else r for s, r in origins.items()}
    speaker_problems(raws, derived)
    money_year_problems(raws)
    actors = raws["actors"].frame
    # Made only if a claim graded 1 needs its tellers compared (50 ms for 10,000 actors).
    known = functools.cache(lambda: actor_tellers(actors))

    owner: dict[str, tuple] = {}
    for name, shared in CLAIM_TABLES.items():
        raw = raws[name]
        frame = raw.frame
        id_column = TABLES[name].id_column
        if frame is None or "claim_id" not in frame or id_column not in frame:
            continue
        if any(problem.line == 1 for problem in raw.problems):
            # A header at fault (claim_idd for claim_id) leaves columns empty:
            # checked across rows, each would be a false problem of its own.
            continue
        explicit = frame.index[frame["claim_id"].notna().to_numpy(bool)]
        for position in explicit:
            claim = frame.at[position, "claim_id"]
            if claim in owner and owner[claim][0] != name:
                other, (first_raw, first_position) = owner[claim][0], owner[claim][1:]
                raw.problem(
                    raw.line(position),
                    "claim_id",
                    f"is already a claim in {other}.csv (line {first_raw.line(first_position)}); "
                    "a claim's rows are all in one table",
                    claim,
                )
        for position in explicit:
            owner.setdefault(frame.at[position, "claim_id"], (name, raw, position))
        # Ids are unique, so only rows with a claim_id, or whose id another row names
        # as its claim, can share a claim: an import of a million rows has none.
        # The keys are made only when needed: each is a copy of a million ids.
        named = pa.array(sorted(set(frame.loc[explicit, "claim_id"])), type=pa.string())
        candidate = frame["claim_id"].notna().to_numpy(bool)
        if len(named):
            named_rows = pc.is_in(_text(frame[id_column], whole=False), value_set=named)
            candidate = candidate | named_rows.to_numpy(zero_copy_only=False)
        keys = claim_keys(frame, id_column) if candidate.any() else None
        shared_rows = pd.Series(False, index=frame.index)
        if keys is not None:
            shared_rows[candidate] = keys[candidate].duplicated(keep=False).to_numpy(bool)
        if shared in frame and shared_rows.any():
            # Only claims told by several rows can disagree with themselves.
            first: dict[str, tuple[str, int]] = {}
            for position, claim, value in zip(
                frame.index[shared_rows],
                keys[shared_rows],
                frame.loc[shared_rows, shared],
                strict=True,
            ):
                if _blank(value):
                    continue
                if claim not in first:
                    first[claim] = (value, position)
                elif first[claim][0] != value:
                    raw.problem(
                        raw.line(position),
                        shared,
                        f"differs within claim {claim!r} (line {raw.line(first[claim][1])} has "
                        f"{first[claim][0]!r}); a different {shared.replace('_', ' ')} is "
                        "a different claim",
                        value,
                    )
        if not {"credibility", "status", "source_id"} <= set(frame):
            continue
        graded_one = pc.fill_null(pc.equal(_text(frame["credibility"], whole=False), "1"), False)
        ones = frame.index[graded_one.to_numpy(zero_copy_only=False)]
        if not len(ones):
            continue
        if keys is None:
            keys = claim_keys(frame, id_column)
        # Only the rows of the claims graded 1 are compared: origins and stances
        # of half a million imported rows cost a third of a second per load.
        needed = [c for c in ("source_id", "relays", "speaker", "told", "status") if c in frame]
        told = frame.loc[isin(keys, keys[ones]), needed]  # a few columns: each is a take
        # As the loader counts them: spellings of one teller as one, relays passing on
        # the teller of the row they relay.
        origin = relayed_tellers(
            told.assign(claim_id=keys[told.index]), row_origins(told, origins, known)
        )
        table = pd.DataFrame(
            {"claim": keys[told.index], "origin": origin, "stance": told["status"].map(stance)}
        )
        for position in ones:
            claim, origin, side = table.loc[position, ["claim", "origin", "stance"]]
            verb = "deny" if side == "against" else "report"
            if pd.isna(origin):
                raw.problem(
                    raw.line(position),
                    "credibility",
                    "1 (confirmed by other sources) cannot be given to a report that names no "
                    "teller (a tertiary work or an unattributed echo); grade it 3 at best",
                    "1",
                )
                continue
            same = table[(table["claim"] == claim) & (table["stance"] == side)]
            if (same["origin"].notna() & (same["origin"] != origin)).any():
                continue
            raw.problem(
                raw.line(position),
                "credibility",
                f"1 (confirmed by other sources) needs another row of claim {claim!r} that "
                f"{verb}s it from an independent origin, but all that {verb} it come from "
                f"{origin!r}; grade it 2 at best",
                "1",
            )


def speaker_problems(raws: dict[str, RawTable], derived: dict[str, str | None]) -> None:
    """Add to ``raws`` every problem with who told a claim row and how it came.

    A ``speaker`` written as an id must be an actor's; an unattributed echo
    names no speaker; ``relayed`` needs ``relays``; ``relays`` must not name
    the row's own source nor lead back to it through ``derived_from``.
    """
    actors = raws["actors"].frame
    # Made when a row names a teller: a set of ten thousand actors costs 8 ms.
    actor_ids: set | None = None
    for name in CLAIM_TABLES:
        raw = raws[name]
        frame = raw.frame
        if frame is None or not {"speaker", "told", "relays"} & set(frame):
            continue
        # Only rows that fill one of these columns: a million imported rows fill none.
        columns = [c for c in ("speaker", "told", "relays") if c in frame]
        filled = frame[columns].notna().any(axis=1).to_numpy(bool)
        if not filled.any():
            continue  # selecting no rows still costs a take per column: 0.08 s a million rows
        if actor_ids is None:
            known = actors is not None and "actor_id" in actors
            actor_ids = set(actors["actor_id"]) if known else set()
            # A one-word teller may be an actor's name or alias, as the loader counts it.
            spelt = set(actor_tellers(actors)) if known else set()
        shown = [*columns, "source_id"] if "source_id" in frame else columns
        for position, row in frame.loc[filled, shown].iterrows():
            speaker, told, relays = (row.get(c) for c in ("speaker", "told", "relays"))
            # The line is found only for a problem: finding it scans the whole file.
            one_word = not _blank(speaker) and " " not in speaker.strip()
            if one_word and speaker not in actor_ids and _folded(speaker) not in spelt:
                raw.problem(
                    raw.line(position),
                    "speaker",
                    "is no actor id of actors.csv; give the teller's actor id, or name the "
                    "teller in words (e.g. German government officials (unnamed))",
                    speaker,
                )
            if told == "unattributed" and not _blank(speaker):
                raw.problem(
                    raw.line(position),
                    "told",
                    "is unattributed, but the row names its speaker; an echo names no teller",
                    told,
                )
            if told == "relayed" and _blank(relays):
                raw.problem(
                    raw.line(position),
                    "told",
                    "is relayed, but relays is empty; name the source it came through",
                    told,
                )
            if _blank(relays):
                continue
            source = row.get("source_id")
            path, current = [source, relays], relays
            while not _blank(current) and current != source:
                current = derived.get(current)
                if current in path[1:]:
                    break  # a loop of derived_from alone: reported on sources.csv
                path.append(current)
            if relays == source:
                raw.problem(
                    raw.line(position),
                    "relays",
                    "names the row's own source; leave it empty when the source tells it itself",
                    relays,
                )
            elif current == source:
                raw.problem(
                    raw.line(position),
                    "relays",
                    "leads back to the row's own source (" + " → ".join(path) + "); "
                    "one of them must have told it first",
                    relays,
                )


def money_year_problems(raws: dict[str, RawTable]) -> None:
    """Add a problem for each ``amount_year`` later than its source was published.

    The year a teller's money is counted in is at the latest the year the
    source came out: a later year would convert the figure from money nobody
    had yet.
    """
    flows, sources = raws["flows"].frame, raws["sources"].frame
    if flows is None or sources is None or not {"amount_year", "source_id"} <= set(flows):
        return
    given = flows["amount_year"].notna().to_numpy(bool)
    if not given.any() or not {"source_id", "published"} <= set(sources):
        return
    published = dict(zip(sources["source_id"], sources["published"], strict=True))
    for position, row in flows.loc[given, ["amount_year", "source_id"]].iterrows():
        out = published.get(row["source_id"])
        year, last = str(row["amount_year"]).strip(), _last_year(out)
        if year.isdigit() and last is not None and int(year) > last:
            raws["flows"].problem(
                raws["flows"].line(position),
                "amount_year",
                f"is after its source was published ({out}): the money a teller counts in "
                "is of that year or an earlier one",
                year,
            )


def _last_year(published) -> int | None:
    """The last year a source's partial publication date covers (None when it gives none)."""
    if _blank(published):
        return None
    years = [int(y) for y in re.findall(r"\d{4}", str(published))]
    return max(years) if years else None
