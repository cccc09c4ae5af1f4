"""The Sankey diagram of money flows: payer → go-between → payee, one static offline page."""

from __future__ import annotations

import pandas as pd

from ..data import Dataset
from ..dates import in_window
from ..origins import memberships
from ..pages import render, write_atomically
from ..sankey import Band, layout
from ..styles import ACTOR_STYLES, UNKNOWN_STYLE
from .amounts import _about_dollars, _about_figures, _dollars, about
from .payments import money_moved, payment_claims, placed_in_time

__all__ = ["SANKEY_COLUMNS", "SHARE", "STATUS_COLOURS", "flow_diagram"]

#: Band colour for each flow status in the diagram.
#: No actor type's colour (nodes are coloured by type): a green band once read
#: as "civilian population", an orange one as "ethnic group".
STATUS_COLOURS = {"reported": "#004d40", "alleged": "#d81b60", "estimated": "#9e9d24"}

#: The diagram's columns: who pays, who carries, who receives, and who gets a share.
SANKEY_COLUMNS = ("payer", "go-between", "payee", "share passed on to")

#: The flow type of a part of a ransom passed on, drawn inside its ransom.
SHARE = "share of a ransom"


def _wrapped(text: str, width: int = 30) -> list[str]:
    """A label on lines of about ``width`` characters, broken between words only."""
    import textwrap

    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]


def _unknown_reason(claim) -> str:
    """Why a band has no dollar width: no figure at all, or one that cannot be converted."""
    if not isinstance(claim.figures, str):
        return "amount not given"
    why = claim.not_converted if isinstance(claim.not_converted, str) else "no year"
    return f"not converted: {why}"


#: Statuses drawn hatched, never solid: what no source states as fact.
_DOUBTFUL = ("alleged", "disputed")
#: Bands at least this many pixels wide carry their rounded amount as a label.
_LABELLED_WIDTH = 14


def _denied_claims(dataset: Dataset, start, end) -> pd.DataFrame:
    """The payments only denied, each once: drawn as a denial marker, not a band."""
    claims = money_moved(payment_claims(dataset))
    claims = claims[(claims["agreement"] == "denied").to_numpy(bool)]
    claims = claims[in_window(placed_in_time(claims, dataset.events), start, end).to_numpy(bool)]
    return claims.sort_values("claim_id", kind="stable").reset_index(drop=True)


def _diagram_claims(dataset: Dataset, start, end, base_year) -> pd.DataFrame:
    """The payment claims the diagram draws, each once, with its parent ransom for a share."""
    claims = money_moved(payment_claims(dataset, base_year=base_year))
    # A payment only denied was not made: it is not drawn.
    claims = claims[(claims["agreement"] != "denied").to_numpy(bool)]
    claims = claims[in_window(placed_in_time(claims, dataset.events), start, end).to_numpy(bool)]
    claims = claims.sort_values("claim_id", kind="stable").reset_index(drop=True)
    event_claim = dict(zip(dataset.events["event_id"], dataset.events["claim_id"], strict=True))
    groups = memberships(dataset.relationships)
    kidnapping = claims["event_id"].map(event_claim)
    ransoms = claims[claims["flow_type"].astype(str) == "ransom"]
    parents = []
    for claim, event in zip(claims.itertuples(index=False), kidnapping, strict=True):
        parent = None
        if str(claim.flow_type) == SHARE and isinstance(event, str):
            same = ransoms[(kidnapping[ransoms.index] == event).to_numpy(bool)]
            # The ransom its payer received, or his group did (El Para's share
            # comes out of the ransom paid to the GSPC he commands); else the first.
            theirs = {claim.payer, *groups.get(claim.payer, set())}
            own = same[same["payee"].isin(theirs).to_numpy(bool)]
            chosen = own if len(own) else same
            parent = chosen["claim_id"].iloc[0] if len(chosen) else None
        parents.append(parent)
    claims["parent"] = parents
    return claims


def flow_diagram(
    dataset: Dataset,
    path,
    *,
    start=None,
    end=None,
    base_year: int | None = None,
    title: str = "Money and material flows",
):
    """Write payer → go-between → payee as a Sankey diagram: one static, offline HTML page.

    Every payment claim is one band however many sources report it (a
    ransom demand moved no money and a payment only denied was not made:
    neither is drawn). Band width is proportional to the amount in US
    dollars, constant dollars of ``base_year`` when given: a ranged amount
    is drawn strong to its low end with a lighter extension to its high end.
    A payment only alleged, or contested, is hatched and outlined, never a
    solid band, and a contested one carries a ✕ whose hover text names the
    denial; a payment only denied is no band but a ✕ line under the
    picture. Bands wide enough carry their amount rounded ("about
    €4.6M, contested", :func:`about`), as does the hover text; the table
    under the picture gives the exact figures. An amount not given, or given
    but not convertible, is a thin empty band, dashed, whose hover text says why,
    never a zero. A share of a ransom leaves from inside that ransom's band
    where it reaches its payee, toward a "share passed on to" column. An
    unnamed payer or payee is a node of its own payment, never one shared
    node. Colour gives the status (reported, alleged, estimated); the
    legend lists only what is drawn, and a table under the picture repeats
    each band for print.

    The layout is computed here (:func:`sahel_nb.sankey.layout`), so the
    page is inline SVG with no script: nothing is fetched, every string
    from the data is escaped by the template, the same data writes the same
    bytes, and the file is replaced atomically at ``path`` only.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sahel_nb import load_dataset
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     page = flow_diagram(load_dataset(), Path(folder) / "flows.html", base_year=2024)
    ...     text = page.read_text(encoding="utf-8")
    >>> '<g class="band share unknown" data-claim="c-2003-mediator-share">' in text
    True
    """
    claims = _diagram_claims(dataset, start, end, base_year)
    unit = "US$" if base_year is None else f"{base_year} US$"
    money = "usd" if base_year is None else f"usd_{base_year}"
    actors = dataset.actors.set_index("actor_id")
    names = actors["name"].to_dict()
    drawn = set(claims["claim_id"])
    parent_of = {
        c: p for c, p in zip(claims["claim_id"], claims["parent"], strict=True) if p in drawn
    }
    column = dict(zip(SANKEY_COLUMNS, range(len(SANKEY_COLUMNS)), strict=True))
    node_column: dict[str, int] = {}
    node_actor: dict[str, str | None] = {}
    bands = []
    rows = {}

    def node(role: str, actor, claim_id: str, side: str) -> str:
        # An unnamed payer or payee is its payment's own node: one shared
        # "not given" node would join payments that have nothing in common.
        key = f"{role}:{actor}" if isinstance(actor, str) else f"{role}:?{claim_id}:{side}"
        node_column[key] = column[role]
        node_actor[key] = actor if isinstance(actor, str) else None
        return key

    for claim in claims.itertuples(index=False):
        parent = parent_of.get(claim.claim_id)
        if parent is not None:
            # Its first node is the ransom's payee, filled in once every ransom has a path.
            hops = (None, node("share passed on to", claim.payee, claim.claim_id, "payee"))
        else:
            hops = (node("payer", claim.payer, claim.claim_id, "payer"),)
            if isinstance(claim.intermediary, str):
                hops += (node("go-between", claim.intermediary, claim.claim_id, "via"),)
            hops += (node("payee", claim.payee, claim.claim_id, "payee"),)
        low = getattr(claim, f"{money}_low")
        high = getattr(claim, f"{money}_high")
        bands.append(
            Band(
                claim.claim_id,
                hops,
                None if pd.isna(low) else float(low),
                None if pd.isna(high) else float(high),
                parent,
            )
        )
        rows[claim.claim_id] = claim
    ends = {b.key: b.path[-1] for b in bands if b.parent is None}
    bands = [
        b
        if b.parent is None
        else Band(b.key, (ends[b.parent], *b.path[1:]), b.low, b.high, b.parent)
        for b in bands
    ]
    by_key = {b.key: b for b in bands}
    placed = layout(node_column, bands)

    def label(node_id: str) -> str:
        actor = node_actor.get(node_id)
        if actor is not None:
            return str(names.get(actor, actor))
        return "payer not given" if node_id.endswith(":payer") else "recipient not given"

    segments: dict[str, list] = {}
    for segment in placed.segments:
        segments.setdefault(segment.key, []).append(segment)
    statuses_drawn, unknown_statuses = set(), set()
    ranged = contested = small = shares = doubtful = doubtful_alleged = False
    band_items: dict[str, dict] = {}
    table = []
    amount_labels: list[dict] = []
    denial_marks: list[dict] = []
    for band in bands:
        claim = rows[band.key]
        status = str(claim.status)
        statuses_drawn.add(status)
        hops = [label(n) for n in band.path]
        if band.parent is not None:
            # The share's own payer, as the data gives it, though it is drawn
            # leaving from the ransom's payee.
            payer = names.get(claim.payer, claim.payer) if isinstance(claim.payer, str) else None
            route = f"{payer or 'payer not given'} → {hops[-1]}"
        else:
            route = " → ".join(hops)
        known = band.known
        reason = None if known else _unknown_reason(claim)
        if not known:
            unknown_statuses.add(status)
        is_range = known and band.low is not None and band.low < band.high
        ranged |= is_range
        is_contested = claim.agreement == "contested"
        contested |= is_contested
        # What the sources dispute, or only allege, is never drawn as a solid band.
        is_doubtful = is_contested or status in _DOUBTFUL
        doubtful |= known and is_doubtful
        doubtful_alleged |= known and status in _DOUBTFUL
        small |= any(s.minimum for s in segments[band.key])
        shares |= band.parent is not None
        lines = [f"{claim.flow_type}: {route}"]
        lines.append(f"date: {claim.date}" if isinstance(claim.date, str) else "date not given")
        lines.append(f"amount: {claim.figures}" if isinstance(claim.figures, str) else reason)
        if isinstance(claim.in_kind, str):
            lines.append(f"described as: {claim.in_kind}")
        if known:
            # Rounded: the exact conversion is in the table under the picture.
            shown = _about_dollars(band.low, band.high)
            if is_range:
                shown += " (band strong to the low end, lighter to the high end)"
            lines.append(f"in {unit}: {shown}")
        elif isinstance(claim.figures, str):
            lines.append(reason)
        if band.parent is not None:
            whole = " → ".join(label(n) for n in by_key[band.parent].path)
            lines.append(f"part of the ransom {band.parent} ({whole}), drawn from inside its band")
        lines.append(f"{status}, credibility {claim.credibility}; {claim.support}")
        if isinstance(claim.reported_as, str):
            lines += ["reports:", *(f"  {part}" for part in claim.reported_as.split("; "))]
        else:
            lines.append(f"source: {claim.cited}")
        colour = STATUS_COLOURS.get(status, "#757575")
        band_items[band.key] = {
            "claim": band.key,
            "classes": " ".join(
                c
                for c, on in (
                    ("band", True),
                    ("share", band.parent is not None),
                    ("unknown", not known),
                    ("ranged", is_range),
                    ("contested", is_contested),
                    ("doubtful", is_doubtful and known),
                )
                if on
            ),
            "colour": colour,
            "hatch": f"hatch-{status}",
            "strong": f"strong-{status}",
            "faint": f"faint-{status}",
            "doubtful": is_doubtful,
            "known": known,
            "ranged": is_range,
            "contested": is_contested,
            "tooltip": "\n".join(lines),
            "segments": [
                {
                    "path": s.path(),
                    "low": s.low_path(),
                    "range": s.range_path(),
                    "source": s.source,
                    "target": s.target,
                    "width": round(s.width, 2),
                }
                for s in segments[band.key]
            ],
            "children": [],
        }
        first = segments[band.key][0]
        if band.parent is None and known and first.width >= _LABELLED_WIDTH:
            words = _about_figures(claim.figures) or _about_dollars(band.low, band.high)
            words += ", contested" if is_contested else f", {status}"
            amount_labels.append(
                {
                    "claim": band.key,
                    "x": round((first.x0 + first.x1) / 2, 2),
                    "y": round((first.y0 + first.y1) / 2 + first.width / 2, 2),
                    "text": words,
                }
            )
        if is_contested:
            denials = [
                part for part in str(claim.reported_as).split("; ") if part.startswith("denied")
            ]
            denial_marks.append(
                {
                    "claim": band.key,
                    "x": round((first.x0 + first.x1) / 2, 2),
                    "y": round((first.y0 + first.y1) / 2 + first.width / 2, 2),
                    "tooltip": "; ".join(denials) or "a source denies this payment",
                }
            )
        table.append(
            {
                "claim": band.key,
                "flow": str(claim.flow_type),
                "route": route,
                "date": claim.date if isinstance(claim.date, str) else "not given",
                "amount": claim.figures if isinstance(claim.figures, str) else "not given",
                "dollars": _dollars(band.low, band.high) if known else f"— ({reason})",
                "status": status,
                "support": str(claim.support),
            }
        )
    top_level = []
    for band in bands:
        item = band_items[band.key]
        if band.parent is not None:
            band_items[band.parent]["children"].append(item)
        else:
            top_level.append(item)

    node_items = []
    for node_id, box in sorted(placed.nodes.items(), key=lambda kv: (kv[1].column, kv[1].y)):
        actor = node_actor.get(node_id)
        kind = str(actors.loc[actor, "actor_type"]) if actor in actors.index else None
        colour = ACTOR_STYLES.get(kind, UNKNOWN_STYLE)[0] if kind else "#bdbdbd"
        heading = SANKEY_COLUMNS[node_column[node_id]]
        touching = sorted({s.key for s in placed.segments if node_id in (s.source, s.target)})
        tip = [label(node_id) + (f" ({kind})" if kind else ""), f"column: {heading}"]
        if actor is None:
            tip.append(f"no source names them; a node of {touching[0]} only")
        tip.append(f"flows: {', '.join(touching)}")
        first = box.column == 0
        lines = _wrapped(label(node_id))
        node_items.append(
            {
                "id": node_id,
                "x": round(box.x, 2),
                "y": round(box.y, 2),
                "height": round(box.height, 2),
                "colour": colour,
                "placeholder": actor is None,
                "tooltip": "\n".join(tip),
                "anchor": "end" if first else "start",
                "text_x": round(box.x - 6 if first else box.x + 14 + 6, 2),
                "text_y": round(box.y + box.height / 2 - 7 * (len(lines) - 1), 2),
                "lines": lines,
            }
        )
    used = sorted({node_column[n] for n in placed.nodes})
    headings = [
        {"x": round(x + 7, 2), "label": SANKEY_COLUMNS[c]}
        for c, x in zip(used, placed.column_x, strict=True)
    ]
    band_legend = [
        {"label": f"{status}", "colour": STATUS_COLOURS[status]}
        for status in STATUS_COLOURS
        if status in statuses_drawn
    ]
    notes = []
    denial_rows: list[dict] = []
    if any(b.known for b in bands):
        per_pixel = about(1 / placed.scale).removeprefix("about US$")
        notes.append(f"band width proportional to {unit}: 1 pixel ≈ {unit} {per_pixel}")
        notes.append("amounts on the picture are rounded; the table below gives them exactly")
    if ranged:
        notes.append("lighter part: from the low to the high end of what the reports say")
    if contested:
        notes.append("✕ on a band: a source denies the payment (hover the ✕ for who)")
    if doubtful:
        what = " or ".join(
            w for w, on in (("alleged only", doubtful_alleged), ("contested", contested)) if on
        )
        notes.append(
            f"hatched and outlined, never solid: {what}; the strong hatching runs to the low "
            "end, the lighter to the high end"
        )
    if unknown_statuses:
        notes.append(
            "thin empty band, dashed outline: amount not given or not convertible (hover for why)"
        )
    if small:
        notes.append("an amount too small to see is drawn 2 pixels wide")
    if shares:
        notes.append("a share of a ransom leaves from inside that ransom's band")
    hatches = [
        {"id": f"hatch-{s}", "colour": STATUS_COLOURS[s], "width": 2.5, "ground": 0.6}
        for s in STATUS_COLOURS
        if s in unknown_statuses
    ]
    doubtful_statuses = sorted(
        {item["colour"] and str(rows[key].status) for key, item in band_items.items()
         if item["doubtful"] and item["known"]}
    )  # fmt: skip
    for status in doubtful_statuses:
        colour = STATUS_COLOURS.get(status, "#757575")
        hatches.append({"id": f"strong-{status}", "colour": colour, "width": 2.5, "ground": 0.85})
        hatches.append({"id": f"faint-{status}", "colour": colour, "width": 1, "ground": 0.85})
    denied = _denied_claims(dataset, start, end)
    for claim in denied.itertuples(index=False):
        payer = (
            names.get(claim.payer, "payer not given")
            if isinstance(claim.payer, str)
            else "payer not given"
        )
        payee = (
            names.get(claim.payee, "recipient not given")
            if isinstance(claim.payee, str)
            else "recipient not given"
        )
        figure = f" ({_about_figures(claim.figures)})" if isinstance(claim.figures, str) else ""
        denial_rows.append(
            {
                "claim": claim.claim_id,
                "text": f"{claim.flow_type}{figure}: {payer} → {payee}, {claim.date if isinstance(claim.date, str) else 'date not given'}",
                "tooltip": str(claim.reported_as)
                if isinstance(claim.reported_as, str)
                else f"denied: {claim.cited}",
            }
        )
    if denial_rows:
        notes.append("✕ under the picture: a payment only denied, drawn as no band")
    known_count = sum(b.known for b in bands)
    summary = (
        f"{_count(len(bands), 'flow')}, each drawn once however many sources report it: "
        f"{known_count} with an amount in {unit}, {len(bands) - known_count} of unknown amount "
        "or not convertible. Ransom demands and payments only denied are not drawn."
    )
    if not bands:
        summary = "No money or goods moved in this period, as far as the data records."
    page = render(
        "sankey.html.j2",
        title=title,
        summary=summary,
        width=round(placed.width, 2),
        height=round(placed.height + 20, 2),
        headings=headings,
        bands=top_level,
        nodes=node_items,
        hatches=hatches,
        band_legend=band_legend,
        notes=notes,
        node_legend=sorted(
            {
                (
                    str(actors.loc[a, "actor_type"]),
                    ACTOR_STYLES.get(str(actors.loc[a, "actor_type"]), UNKNOWN_STYLE)[0],
                )
                for a in node_actor.values()
                if a in actors.index
            }
        ),
        placeholders=any(n["placeholder"] for n in node_items),
        amount_labels=amount_labels,
        denial_marks=denial_marks,
        denial_rows=denial_rows,
        table=table,
        unit=unit,
    )
    return write_atomically(path, page)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"
