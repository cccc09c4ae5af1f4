"""What event matching did, for the analyst to review: counts per dataset pair, open pairs, records stacked."""

from __future__ import annotations

import itertools
from html import escape

import pandas as pd

from .cite import short_names
from .dates import date_words
from .match_review import REVIEW_FILE, _rows
from .matching import dataset_of

__all__ = ["DATASET_NAMES", "match_counts", "match_sentence", "pending_matches", "records_svg"]

#: How each kind of record is named in tables and figures.
DATASET_NAMES = {"curated": "curated", "acled": "ACLED", "gtd": "GTD", "ucdp": "UCDP GED"}
_ORDER = list(DATASET_NAMES)
_COLOURS = {"curated": "#37474f", "acled": "#1565c0", "gtd": "#c62828", "ucdp": "#2e7d32"}
_COUNT_COLUMNS = ["datasets", "events", "records", "awaiting review", "decided same",
                  "decided different"]  # fmt: skip


def _pair(a: str, b: str) -> str:
    a, b = sorted((a, b), key=_ORDER.index)
    return f"{DATASET_NAMES[a]} – {DATASET_NAMES[b]}"


def _review_rows(dataset) -> pd.DataFrame:
    folder = getattr(dataset, "folder", None)
    rows = [row for _, row in _rows(folder / REVIEW_FILE)] if folder is not None else []
    frame = pd.DataFrame(rows, columns=["record_a", "record_b", "score", "reasons", "decision"])
    frame = frame.fillna("")
    frame["decision"] = frame["decision"].str.casefold()
    return frame


def match_counts(dataset) -> pd.DataFrame:
    """Per pair of datasets, the events their records both tell and the pairs the analyst holds.

    A record's dataset is ACLED, GTD or UCDP GED by the export it came from,
    else curated (a cited document). ``events`` counts the events (claims)
    told by records of both (curated – curated: by two documents);
    ``records`` the records of those events from either; ``awaiting
    review``, ``decided same`` and ``decided different`` count the pairs of
    the review file (``event_matches.csv``) between records of the two.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> counts = match_counts(load_dataset("tests/fixtures/claims"))
    >>> counts[["datasets", "events", "records"]].values.tolist()
    [['curated – curated', 2, 4]]
    """
    events = dataset.events
    kind = dataset_of(events["source_id"])
    together = events["claim_id"].duplicated(keep=False).to_numpy(bool)
    told = pd.DataFrame({"claim": events["claim_id"][together], "kind": kind[together]})
    tally: dict[str, dict[str, int]] = {}

    def row(pair: str) -> dict[str, int]:
        return tally.setdefault(pair, dict.fromkeys(_COUNT_COLUMNS[1:], 0))

    for _, group in told.groupby("claim", sort=False):
        kinds = group["kind"].value_counts()
        pairs = {(a, a) for a, n in kinds.items() if n > 1}
        pairs |= set(itertools.combinations(sorted(kinds.index, key=_ORDER.index), 2))
        for a, b in pairs:
            counted = row(_pair(a, b))
            counted["events"] += 1
            counted["records"] += int(kinds[a] + (kinds[b] if b != a else 0))
    review = _review_rows(dataset)
    if not review.empty:
        kind_of = dict(zip(events["event_id"], kind, strict=True))
        for record in review.itertuples(index=False):
            if record.record_a not in kind_of or record.record_b not in kind_of:
                continue  # validate names an unknown id; counting it would mislead
            counted = row(_pair(kind_of[record.record_a], kind_of[record.record_b]))
            column = {"same": "decided same", "different": "decided different"}.get(
                record.decision, "awaiting review"
            )
            counted[column] += 1
    frame = pd.DataFrame(
        [{"datasets": pair, **counts} for pair, counts in tally.items()], columns=_COUNT_COLUMNS
    )
    return frame.sort_values(["events", "datasets"], ascending=[False, True], ignore_index=True)


def _described(events: pd.DataFrame, names: dict[str, str], short: dict[str, str]) -> pd.DataFrame:
    place = events[["location", "admin1", "country"]].astype("string")
    where = place["location"].fillna(place["admin1"]).fillna(place["country"]).fillna("")
    actors = [
        " / ".join(names.get(a, a) for a in (one, two) if isinstance(a, str))
        for one, two in zip(events["actor1"], events["actor2"], strict=True)
    ]
    return pd.DataFrame(
        {
            "dataset": dataset_of(events["source_id"]).map(DATASET_NAMES).to_numpy(),
            "source": events["source_id"].map(short).to_numpy(),
            "date": events["date"].to_numpy(),
            "place": where.to_numpy(),
            "type": events["sub_event_type"].astype(str).to_numpy(),
            "actors": actors,
            "deaths": events["fatalities"].to_numpy(),
        },
        index=events["event_id"].to_numpy(),
    )


def pending_matches(dataset) -> pd.DataFrame:
    """The pairs awaiting the analyst's ``same`` or ``different``, each record described beside the other.

    Columns: ``record_a``, ``record_b``, ``score``, ``reasons``, then for
    each record (suffix ``_a``/``_b``) its dataset, source, date as written,
    place, type, actors and deaths. Sorted by score, highest first. Pairs
    naming an id the data no longer holds are left out (validate reports
    them).

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> pending_matches(load_dataset("tests/fixtures/claims")).empty
    True
    """
    review = _review_rows(dataset)
    review = review[review["decision"] == ""]
    columns = ["record_a", "record_b", "score", "reasons"]
    described_columns = ["dataset", "source", "date", "place", "type", "actors", "deaths"]
    empty = pd.DataFrame(columns=columns + [f"{c}_{s}" for s in "ab" for c in described_columns])
    if review.empty:
        return empty
    events = dataset.events
    known = set(events["event_id"])
    review = review[review["record_a"].isin(known) & review["record_b"].isin(known)]
    if review.empty:
        return empty
    wanted = events[events["event_id"].isin(set(review["record_a"]) | set(review["record_b"]))]
    names = dict(zip(dataset.actors["actor_id"], dataset.actors["name"], strict=True))
    described = _described(wanted, names, short_names(dataset.sources))
    out = review[columns].assign(score=pd.to_numeric(review["score"], errors="coerce"))
    for side in "ab":
        part = described.loc[out[f"record_{side}"].to_numpy()].add_suffix(f"_{side}")
        out = pd.concat([out.reset_index(drop=True), part.reset_index(drop=True)], axis=1)
    return out.sort_values(
        ["score", "record_a", "record_b"], ascending=[False, True, True], ignore_index=True
    )


def _same_kind(pair: str) -> bool:
    a, _, b = pair.partition(" – ")
    return a == b


def match_sentence(counts: pd.DataFrame, pending: pd.DataFrame) -> str:
    """One sentence from :func:`match_counts` and :func:`pending_matches`.

    Examples
    --------
    >>> counts = pd.DataFrame({"datasets": ["ACLED – GTD"], "events": [3], "records": [6],
    ...     "awaiting review": [1], "decided same": [0], "decided different": [2]})
    >>> match_sentence(counts, pd.DataFrame(index=[0]))
    'ACLED – GTD: 3 events told by records of both (6 records, each event counted once); 1 pair awaits review in event_matches.csv, 2 were decided by the analyst.'
    """

    def plural(n: int, word: str) -> str:
        return f"{n:,} {word}{'' if n == 1 else 's'}"

    if counts.empty:
        return "No event is told by more than one record, and no pair awaits review."
    parts = [
        f"{row.datasets}: {plural(int(row.events), 'event')} told by "
        + ("more than one record" if _same_kind(row.datasets) else "records of both")
        + f" ({plural(int(row.records), 'record')}, each event counted once)"
        for row in counts[counts["events"] > 0].itertuples(index=False)
    ]
    decided = int(counts["decided same"].sum() + counts["decided different"].sum())
    waiting = len(pending)
    tail = (
        f"{plural(waiting, 'pair')} {'awaits' if waiting == 1 else 'await'} review in {REVIEW_FILE}"
        if waiting
        else f"no pair awaits review in {REVIEW_FILE}"
    )
    if decided:
        tail += f", {decided:,} {'was' if decided == 1 else 'were'} decided by the analyst"
    return "; ".join([*parts, tail]) + "."


_WIDTH, _LABEL, _ROW, _GAP = 760, 250, 15, 12


def _blocks(dataset, claims, pending, most: int) -> list[tuple[str, pd.DataFrame, bool]]:
    """What to draw: open pairs first (the review), then events several datasets tell, then the rest."""
    events = dataset.events
    blocks: list[tuple[str, pd.DataFrame, bool]] = []
    if pending is not None and not pending.empty:
        by_id = events.set_index("event_id")
        for row in pending.head(most).itertuples(index=False):
            pair = by_id.loc[[row.record_a, row.record_b]].reset_index()
            blocks.append((f"{row.record_a} or {row.record_b}?", pair, True))
    together = events[events["claim_id"].duplicated(keep=False).to_numpy(bool)]
    if claims is not None:
        together = together[together["claim_id"].isin(set(claims))]
    kinds = dataset_of(together["source_id"]).groupby(together["claim_id"]).nunique()
    first = together.groupby("claim_id")["date_start"].min()
    order = pd.DataFrame({"kinds": kinds, "first": first}).sort_values(
        ["kinds", "first"], ascending=False, na_position="last"
    )
    for claim in order.index[: max(most - len(blocks), 0)]:
        blocks.append((claim, together[together["claim_id"] == claim], False))
    return blocks


def records_svg(
    dataset, *, claims=None, pending: pd.DataFrame | None = None, most: int = 30
) -> str:
    """Each event's records stacked on the event's own time scale: who dated it when.

    Pairs of ``pending`` (:func:`pending_matches`) come first, drawn dashed:
    two records the analyst has yet to call one event or two. Then one block
    per event told by more than one record (``claims`` to choose them),
    those several datasets tell first, newest first, ``most`` blocks in all.
    Each record is a bar over the days its date covers, coloured by dataset
    and labelled with its source and its date as written. Each block has its
    own scale (at least a week, or the widest record's span), so a day's
    difference shows. Static SVG; every string escaped.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> svg = records_svg(load_dataset("tests/fixtures/claims"))
    >>> svg.startswith("<svg") and svg.count('class="record"') == 4
    True
    """
    names = dict(zip(dataset.actors["actor_id"], dataset.actors["name"], strict=True))
    short = short_names(dataset.sources)
    blocks = _blocks(dataset, claims, pending, most)
    height = sum((len(rows) + 2) * _ROW + _GAP for _, rows, _ in blocks) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="records" role="img" '
        f'viewBox="0 0 {_WIDTH} {height}" style="width: 100%; max-width: {_WIDTH}px; '
        f'height: auto" font-family="system-ui, sans-serif" font-size="11">',
        "<title>Records of one event, stacked in time</title>",
    ]
    x = _LABEL + 10
    span = _WIDTH - x - 10
    for n, (kind, colour) in enumerate(_COLOURS.items()):
        parts.append(
            f'<rect x="{x + n * 95}" y="6" width="12" height="10" fill="{colour}"/>'
            f'<text x="{x + n * 95 + 16}" y="15">{escape(DATASET_NAMES[kind])}</text>'
        )
    parts.append(
        f'<rect x="{x + 380}" y="6" width="12" height="10" fill="none" stroke="#555" '
        f'stroke-dasharray="3 2"/><text x="{x + 396}" y="15">awaiting review</text>'
    )
    y = 30
    for label, rows, open_ in blocks:
        rows = rows.sort_values(["date_start", "event_id"], kind="stable")
        lo, hi = rows["date_start"].min(), rows["date_end"].max()
        dated = pd.notna(lo) and pd.notna(hi)
        if dated:
            # At least a week on the scale and a day either side: a day apart stays visible.
            lo = lo - pd.Timedelta(days=1)
            hi = max(hi, lo + pd.Timedelta(days=7)) + pd.Timedelta(days=1)
        days = max((hi - lo).days, 1) if dated else 1
        head = rows.iloc[0]
        what = f"{head['sub_event_type']}: " + " / ".join(
            names.get(a, a) for a in (head["actor1"], head["actor2"]) if isinstance(a, str)
        )
        parts.append(
            f'<text x="4" y="{y + 11}" font-weight="bold">{escape(_fit(label, 40))}</text>'
            f'<text x="{x}" y="{y + 11}" fill="#555">{escape(_fit(what, 80))}</text>'
        )
        y += _ROW
        for record in rows.itertuples(index=False):
            kind = dataset_of(pd.Series([record.source_id])).iloc[0]
            said = f"{short.get(record.source_id, record.source_id)}, {date_words(record.date)}"
            parts.append(
                f'<g class="record"><title>{escape(record.event_id)}: {escape(said)}</title>'
                f'<text x="14" y="{y + 11}">{escape(_fit(said, 42))}</text>'
            )
            if pd.notna(record.date_start):
                left = x + span * (record.date_start - lo).days / days
                width = max(span * ((record.date_end - record.date_start).days + 1) / days, 3)
                width = min(width, x + span - left)
                style = (
                    f'fill="none" stroke="{_COLOURS[kind]}" stroke-width="1.5" '
                    'stroke-dasharray="3 2"'
                    if open_
                    else f'fill="{_COLOURS[kind]}"'
                )
                parts.append(
                    f'<rect x="{left:.1f}" y="{y + 2}" width="{width:.1f}" '
                    f'height="{_ROW - 4}" {style}/>'
                )
            parts.append("</g>")
            y += _ROW
        # The block's own scale, under its bars; no scale where no record gives a date.
        if dated:
            parts.append(
                f'<line x1="{x}" y1="{y + 1}" x2="{x + span}" y2="{y + 1}" stroke="#999"/>'
                f'<text x="{x}" y="{y + 12}" font-size="10" fill="#555">'
                f"{escape(date_words(lo.date().isoformat()))}</text>"
                f'<text x="{x + span}" y="{y + 12}" font-size="10" fill="#555" '
                f'text-anchor="end">{escape(date_words(hi.date().isoformat()))}</text>'
            )
        else:
            parts.append(
                f'<text x="{x}" y="{y + 12}" font-size="10" fill="#555">'
                "no record gives a date</text>"
            )
        y += _ROW + _GAP
    parts.append("</svg>")
    return "".join(parts)


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
