"""Who said it first, drawn: a claim's tellers, the outlets that carried them, and each stance."""

from __future__ import annotations

import itertools
from html import escape

import pandas as pd

from .schema import INTERESTS

__all__ = ["STANCE_VERBS", "chain_paths", "chain_svg"]

#: What each status says a report does with the claim, as the diagram writes it.
STANCE_VERBS = {
    "reported": "asserts",
    "estimated": "estimates",
    "alleged": "alleges",
    "denied": "denies",
    "disputed": "calls it disputed",
}

#: A report that names no teller starts from this node.
NO_TELLER = "no teller named"

_COLUMN_X = (10, 300, 590)
_NODE_W, _NODE_H, _ROW = 250, 38, 58
_STANCE_COLOUR = {"denies": "#b71c1c", "calls it disputed": "#6d4c41"}


def _given(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    return str(value)


def chain_paths(reports: list[dict], names: dict[str, str]) -> list[dict]:
    """Each report as a path: teller, the outlet it went through (if any), the citing source.

    ``reports`` are a claim's rows (``source_id``, ``origin``, ``status``,
    and where given ``relays``, ``interest``); ``names`` come from
    :func:`sahel_nb.cite.teller_names`.

    Examples
    --------
    >>> rows = [{"source_id": "afp", "origin": "speaker:el-para", "relays": "pm",
    ...          "status": "alleged", "interest": "participant"},
    ...         {"source_id": "g", "origin": None, "status": "alleged"}]
    >>> names = {"afp": "AFP 2004", "pm": "Paris Match 2004", "g": "Guitta 2010",
    ...          "speaker:el-para": "Amari Saifi"}
    >>> [(p["teller"], p["through"], p["outlet"], p["verb"]) for p in chain_paths(rows, names)]
    [('Amari Saifi', 'Paris Match 2004', 'AFP 2004', 'alleges'), ('no teller named', None, 'Guitta 2010', 'alleges')]
    """
    paths = []
    for row in reports:
        origin = _given(row.get("origin"))
        source = row["source_id"]
        relays = _given(row.get("relays"))
        teller = NO_TELLER if origin is None else names.get(origin, origin.removeprefix("speaker:"))
        outlet = names.get(source, source)
        # The outlet a speaker told, or the one the source relays, when it is not the teller.
        through = names.get(relays, relays) if relays else None
        if through == teller:
            through = None
        interest = _given(row.get("interest"))
        paths.append(
            {
                "teller": teller,
                "interest": INTERESTS.get(interest, interest) if interest else None,
                "through": through,
                "outlet": outlet,
                "own": teller == outlet,  # a source telling it in its own voice
                "verb": STANCE_VERBS.get(str(row.get("status")), str(row.get("status"))),
                "published": _given(row.get("published")),
            }
        )
    return paths


def _box(x: float, y: float, lines: list[str], *, kind: str) -> str:
    """A node: its first two lines drawn (shortened to fit), all of them in its tooltip."""
    styles = {
        "teller": 'fill="#e3f2fd" stroke="#1565c0"',
        "interested": 'fill="#fff3e0" stroke="#e65100" stroke-width="2"',
        "none": 'fill="#f5f5f5" stroke="#9e9e9e" stroke-dasharray="4 3"',
        "outlet": 'fill="#fafafa" stroke="#616161"',
    }
    text = "".join(
        f'<tspan x="{x + 8}" dy="{0 if i == 0 else 14}">{escape(_fit(line))}</tspan>'
        for i, line in enumerate(lines[:2])
    )
    title = escape(" — ".join(lines))
    return (
        f'<g><title>{title}</title><rect x="{x}" y="{y}" width="{_NODE_W}" height="{_NODE_H}" '
        f'rx="4" {styles[kind]}/><text x="{x + 8}" y="{y + 15}" font-size="11">{text}</text></g>'
    )


def _fit(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chain_svg(reports: list[dict], names: dict[str, str], *, title: str = "") -> str:
    """The chain of a claim as one inline SVG: tellers left, outlets right, a stance per line.

    Static (no script, nothing fetched); every name is escaped, so a
    hostile one stays text. A teller with a stake is drawn in orange and
    says its stake; a report that names no teller starts from a dashed
    "no teller named".

    Examples
    --------
    >>> svg = chain_svg([{"source_id": "bbc", "origin": "speaker:Mali's negotiator",
    ...     "status": "denied", "interest": "participant"}], {"bbc": "BBC <News> 2003"})
    >>> svg.startswith("<svg") and "BBC &lt;News&gt; 2003" in svg and "denies" in svg
    True
    """
    paths = chain_paths(reports, names)
    columns: list[dict[str, int]] = [{}, {}, {}]
    kinds: dict[str, str] = {}
    lines_of: dict[tuple[int, str], list[str]] = {}
    for path in paths:
        teller_kind = "none" if path["teller"] == NO_TELLER else "teller"
        if path["interest"]:
            teller_kind = "interested"
        key = path["teller"]
        columns[0].setdefault(key, len(columns[0]))
        if kinds.get(key) != "interested":
            kinds[key] = teller_kind
        lines = [key]
        if path["interest"]:
            lines.append("interested: " + path["interest"])
        if len(lines) > len(lines_of.get((0, key), [])):
            lines_of[(0, key)] = lines
        if path["through"]:
            columns[1].setdefault(path["through"], len(columns[1]))
            lines_of[(1, path["through"])] = [path["through"]]
        if not path["own"]:
            columns[2].setdefault(path["outlet"], len(columns[2]))
            lines_of[(2, path["outlet"])] = [path["outlet"]]
    rows = max(len(c) for c in columns) or 1
    height = rows * _ROW + 34
    width = _COLUMN_X[2] + _NODE_W + 10

    def at(column: int, key: str) -> tuple[float, float]:
        return _COLUMN_X[column], 28 + columns[column][key] * _ROW

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chain" role="img" '
        f'viewBox="0 0 {width} {height}" style="width: 100%; max-width: {width}px; height: auto" '
        f'font-family="system-ui, sans-serif">',
        f"<title>{escape(title or 'Who told it first')}</title>",
        '<text x="10" y="16" font-size="11" fill="#555">first teller</text>',
        f'<text x="{_COLUMN_X[1]}" y="16" font-size="11" fill="#555">told to / through</text>',
        f'<text x="{_COLUMN_X[2]}" y="16" font-size="11" fill="#555">report we hold</text>',
    ]
    said: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for path in paths:
        stops = [(0, path["teller"])]
        if path["through"]:
            stops.append((1, path["through"]))
        if not path["own"]:
            stops.append((2, path["outlet"]))
        colour = _STANCE_COLOUR.get(path["verb"], "#1b5e20")
        for (c1, k1), (c2, k2) in itertools.pairwise(stops):
            x1, y1 = at(c1, k1)
            x2, y2 = at(c2, k2)
            parts.append(
                f'<line x1="{x1 + _NODE_W}" y1="{y1 + _NODE_H / 2}" x2="{x2}" '
                f'y2="{y2 + _NODE_H / 2}" stroke="{colour}" stroke-width="1.5"/>'
            )
        verbs = said.setdefault(stops[-1], [])
        if (path["verb"], colour) not in verbs:
            verbs.append((path["verb"], colour))
    # Each report's stance is written under it, so the drawing reads without colour.
    for stop, verbs in said.items():
        x, y = at(*stop)
        parts.append(
            f'<text x="{x + _NODE_W}" y="{y + _NODE_H + 12}" font-size="10" text-anchor="end" '
            f'fill="{verbs[0][1]}">{escape(", ".join(verb for verb, _ in verbs))}</text>'
        )
    for column, keys in enumerate(columns):
        for key in keys:
            x, y = at(column, key)
            kind = kinds.get(key, "outlet") if column == 0 else "outlet"
            parts.append(_box(x, y, lines_of[(column, key)], kind=kind))
    parts.append("</svg>")
    return "".join(parts)
