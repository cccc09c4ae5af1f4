"""Fast GEXF 1.3 and GraphML writers for alliance networks.

:func:`write_gexf` and :func:`write_graphml` write networks for Gephi, yEd,
Cytoscape and networkx.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from itertools import chain, repeat
from operator import itemgetter
from pathlib import Path
from xml.sax.saxutils import escape

import networkx as nx
import numpy as np
import pandas as pd

from ._gc import paused
from .dates import partial_date_span
from .edges import edge_list

__all__ = [
    "EDGE_ATTRIBUTES",
    "NODE_ATTRIBUTES",
    "read_graph",
    "write_gexf",
    "write_graphml",
]

#: Node attributes written beside the label (the actor's name), with their type.
NODE_ATTRIBUTES = {
    "actor_type": "string",
    "country": "string",
    "aliases": "string",
    "unnamed": "boolean",
}
#: Edge attributes written, with their type. ``structural`` marks a tie that
#: says what an actor is (membership, succession, kinship): its ``sign`` is
#: the vocabulary's, and counted as cooperation it would read as an alliance.
#: ``source`` is the citation
#: (``cited``, else ``source_id locator``); ``directed`` says whether the tie
#: is directed; ``events`` (derived ties only) counts the events behind it.
EDGE_ATTRIBUTES = {
    "kind": "string",
    "sign": "string",
    "structural": "boolean",
    "directed": "boolean",
    "status": "string",
    "credibility": "integer",
    "claim_id": "string",
    "reports": "integer",
    "origins": "integer",
    "agreement": "string",
    "source": "string",
    "derived": "boolean",
    "events": "integer",
}
# Attributes that take few distinct values: written once per distinct combination.
_REPEATING = [name for name in EDGE_ATTRIBUTES if name not in {"claim_id", "source"}]
_GRAPHML_TYPES = {"string": "string", "integer": "int", "boolean": "boolean"}

# What XML 1.0 allows (tab, newline, carriage return and the rest of the
# Unicode planes but surrogates, U+FFFE and U+FFFF): everything else is dropped.
_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FORBIDDEN_BUT_NUL = re.compile("[^\x00\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# In an attribute value a parser turns raw tabs and newlines into spaces: keep them as references.
_IN_ATTRIBUTE = {'"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
_IN_TEXT = {"\r": "&#13;"}
_CHUNK = 20_000


def write_gexf(graph: nx.Graph, path: str | os.PathLike, *, read=None) -> Path:
    """Write ``graph`` as GEXF 1.3 for Gephi, streaming the XML; return the path.

    Nodes in sorted id order carry ``label`` (the actor's ``name``) and the
    :data:`NODE_ATTRIBUTES` (aliases joined with ``|``). Edges in key order
    carry ``id`` (the key), ``label`` (the kind), ``weight`` (``origins``, 1
    if absent) and those :data:`EDGE_ATTRIBUTES` the tie has. A dated tie
    spans Gephi's time interval: ``start`` is the first day its start covers
    and ``end`` the last day its end covers (``2006-09/2006-10`` ends on 31
    October 2006, see :func:`sahel_nb.dates.partial_date_span`); an undated
    tie has neither, an open-ended one only ``start``. With any dated tie the
    graph is ``mode="dynamic"`` with ``timeformat="date"``. Every edge is
    declared directed (networkx refuses graphs that mix both); the
    ``directed`` attribute says which ties are. Text is escaped, and
    characters XML 1.0 forbids (most control characters) are dropped.

    Parameters
    ----------
    graph : networkx.Graph
        Usually the ``MultiDiGraph`` of :func:`sahel_nb.network.build_graph`.
    path : str or PathLike
        The file to write (its folder must exist).
    read : optional
        :func:`read_graph` of ``graph``, when it is written in several formats.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> folder = tempfile.mkdtemp()
    >>> path = write_gexf(build_graph(load_dataset()), Path(folder) / "net.gexf")
    >>> nx.read_gexf(path).nodes["aqim"]["label"]
    'Al-Qaeda in the Islamic Maghreb'
    """
    path = Path(path)
    with paused():
        nodes, edges = read or read_graph(graph)
        dated = any(edges.first) or any(edges.last)
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.write(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<gexf xmlns="http://gexf.net/1.3" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                'xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" '
                'version="1.3">\n'
                "  <meta>\n    <creator>sahel_nb</creator>\n"
                f"    <description>{_text(_description(graph))}</description>\n  </meta>\n"
                '  <graph defaultedgetype="directed" idtype="string" '
                + ('mode="dynamic" timeformat="date">\n' if dated else 'mode="static">\n')
            )
            for kind, declared in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
                out.write(f'    <attributes class="{kind}">\n')
                out.writelines(
                    f'      <attribute id="{name}" title="{name}" type="{kind_of}"/>\n'
                    for name, kind_of in declared.items()
                )
                out.write("    </attributes>\n")

            out.write(f'    <nodes count="{len(nodes.ids)}">\n')
            columns = [
                _cells(nodes.ids, '      <node id="', '"', _IN_ATTRIBUTE),
                _cells(nodes.labels, ' label="', '"', _IN_ATTRIBUTE),
                "><attvalues>",
                _by_combination(
                    nodes.columns, list(NODE_ATTRIBUTES), _gexf_values(NODE_ATTRIBUTES)
                ),
                "</attvalues></node>\n",
            ]
            _write_table(out, columns, len(nodes.ids))
            out.write("    </nodes>\n")

            out.write(f'    <edges count="{len(edges.ids)}">\n')
            columns = [
                _cells(edges.ids, '      <edge id="', '"', _IN_ATTRIBUTE),
                _cells(edges.sources, ' source="', '"', _IN_ATTRIBUTE),
                _cells(edges.targets, ' target="', '"', _IN_ATTRIBUTE),
                _by_combination(edges.columns, ["kind", "origins"], _gexf_label_weight),
                _cells(edges.first, ' start="', '"', _IN_ATTRIBUTE),
                _cells(edges.last, ' end="', '"', _IN_ATTRIBUTE),
                "><attvalues>",
                _by_combination(edges.columns, _REPEATING, _gexf_values(EDGE_ATTRIBUTES)),
                _cells(edges.claim_ids, *_gexf_around("claim_id"), _IN_ATTRIBUTE),
                _cells(edges.citations, *_gexf_around("source"), _IN_ATTRIBUTE),
                "</attvalues></edge>\n",
            ]
            _write_table(out, columns, len(edges.ids))
            out.write("    </edges>\n  </graph>\n</gexf>\n")
    return path


def write_graphml(graph: nx.Graph, path: str | os.PathLike, *, read=None) -> Path:
    """Write ``graph`` as GraphML, streaming the XML; return the path.

    The content of :func:`write_gexf` in GraphML: keys declared with their
    type (``string``, ``int``, ``boolean``), the node key ``label`` holding
    the actor's name, the :data:`EDGE_ATTRIBUTES`, ``weight``, and ``start``
    and ``end`` as ISO date strings only on the ties that have them. Nodes in
    sorted id order, edges in key order; ``edgedefault="directed"``, the
    ``directed`` key saying which ties are.

    Parameters
    ----------
    graph : networkx.Graph
        Usually the ``MultiDiGraph`` of :func:`sahel_nb.network.build_graph`.
    path : str or PathLike
        The file to write (its folder must exist).
    read : optional
        :func:`read_graph` of ``graph``, when it is written in several formats.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> folder = tempfile.mkdtemp()
    >>> path = write_graphml(build_graph(load_dataset()), Path(folder) / "net.graphml")
    >>> nx.read_graphml(path).nodes["aqim"]["label"]
    'Al-Qaeda in the Islamic Maghreb'
    """
    node_keys = {"label": "string", **NODE_ATTRIBUTES}
    edge_keys = {**EDGE_ATTRIBUTES, "weight": "integer", "start": "string", "end": "string"}
    path = Path(path)
    with paused():
        nodes, edges = read or read_graph(graph)
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.write(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
                f"  <desc>{_text(_description(graph))}</desc>\n"
            )
            for kind, declared in (("node", node_keys), ("edge", edge_keys)):
                out.writelines(
                    f'  <key id="{kind[0]}_{name}" for="{kind}" attr.name="{name}" '
                    f'attr.type="{_GRAPHML_TYPES[kind_of]}"/>\n'
                    for name, kind_of in declared.items()
                )
            out.write('  <graph id="G" edgedefault="directed">\n')
            columns = [
                _cells(nodes.ids, '    <node id="', '">', _IN_ATTRIBUTE),
                _cells(nodes.labels, '<data key="n_label">', "</data>", _IN_TEXT),
                _by_combination(
                    nodes.columns, list(NODE_ATTRIBUTES), _graphml_values(node_keys, "n")
                ),
                "</node>\n",
            ]
            _write_table(out, columns, len(nodes.ids))
            columns = [
                _cells(edges.ids, '    <edge id="', '"', _IN_ATTRIBUTE),
                _cells(edges.sources, ' source="', '"', _IN_ATTRIBUTE),
                _cells(edges.targets, ' target="', '">', _IN_ATTRIBUTE),
                _by_combination(edges.columns, _REPEATING, _graphml_values(edge_keys, "e")),
                _cells(edges.first, *_graphml_around("start"), _IN_TEXT),
                _cells(edges.last, *_graphml_around("end"), _IN_TEXT),
                _cells(edges.claim_ids, *_graphml_around("claim_id"), _IN_TEXT),
                _cells(edges.citations, *_graphml_around("source"), _IN_TEXT),
                "</edge>\n",
            ]
            _write_table(out, columns, len(edges.ids))
            out.write("  </graph>\n</graphml>\n")
    return path


def read_graph(graph: nx.Graph):
    """The nodes and edges of ``graph`` as the writers take them, read once for several files."""
    with paused():
        return _nodes(graph), _edges(graph)


# Reading the graph: nodes in id order, edges in key order.


class _Nodes:
    def __init__(self, ids: list[str], labels: list[str], columns: dict[str, list]):
        self.ids, self.labels, self.columns = ids, labels, columns


class _Edges:
    def __init__(self, ids: list[str], sources: list[str], targets: list[str], data: list[dict]):
        self.ids, self.sources, self.targets = ids, sources, targets
        # One pass over the ties' dicts: each touch of a hundred thousand dicts costs.
        names = [*_REPEATING, "claim_id", "cited", "source_id", "locator", "start", "end"]
        self.columns = _columns(data, names)
        self.claim_ids = _texts(self.columns["claim_id"])
        self.citations = _citations(self.columns)
        self.first, self.last = _days(self.columns["start"], self.columns["end"])


def _nodes(graph: nx.Graph) -> _Nodes:
    order = sorted(((str(n), d) for n, d in graph.nodes(data=True)), key=itemgetter(0))
    ids = [n for n, _ in order]
    columns = _columns([d for _, d in order], [*NODE_ATTRIBUTES, "name"])
    for name, kind_of in NODE_ATTRIBUTES.items():
        if kind_of == "string":  # aliases come as lists: joined, they can be counted
            columns[name] = _texts(columns[name])
    labels = [name or n for n, name in zip(ids, _texts(columns["name"]), strict=True)]
    return _Nodes(ids, labels, columns)


def _edges(graph: nx.Graph) -> _Edges:
    multi = graph.is_multigraph()
    listed = [(k if multi else "", u, v, d) for u, v, k, d in edge_list(graph)]
    if not set(map(type, chain.from_iterable(map(itemgetter(0, 1, 2), listed)))) <= {str}:
        listed = [(str(k), str(u), str(v), d) for k, u, v, d in listed]
    listed.sort(key=itemgetter(0))  # keys are unique in build_graph: that is key order
    ids = list(map(itemgetter(0), listed))
    if not multi or len(set(ids)) < len(ids):
        listed.sort(key=itemgetter(0, 1, 2))
        ids, seen = [], set()
        for number, (key, u, v, _) in enumerate(listed):
            edge_id = key if multi else str(number)
            if edge_id in seen:  # a key repeats only across pairs of a hand-made multigraph
                edge_id = f"{u}\u2192{v}:{key}"
            seen.add(edge_id)
            ids.append(edge_id)
    return _Edges(
        ids,
        list(map(itemgetter(1), listed)),
        list(map(itemgetter(2), listed)),
        list(map(itemgetter(3), listed)),
    )


def _columns(data: list[dict], names: list[str]) -> dict[str, list]:
    """Each named value of every dict, by name; None where a dict has none."""
    if not data:
        return {name: [] for name in names}
    common = [name for name in names if name in data[0]]
    columns = {name: [d.get(name) for d in data] for name in names if name not in common}
    if common:
        try:
            rows = list(map(itemgetter(*common), data))  # every dict has them: at C speed
            if len(common) == 1:
                rows = [(row,) for row in rows]
        except KeyError:
            rows = [tuple(map(d.get, common)) for d in data]
        columns.update(zip(common, map(list, zip(*rows, strict=True)), strict=True))
    return columns


def _texts(values: list) -> list[str | None]:
    if set(map(type, values)) <= {str}:
        return values
    return [v if type(v) is str else _string(v) for v in values]


def _citations(columns: dict[str, list]) -> list[str | None]:
    """``cited`` where a tie has it, else ``source_id locator``."""
    cited = _texts(columns["cited"])
    if all(cited):
        return cited
    return [
        c or " ".join(p for p in (_string(s), _string(loc)) if p) or None
        for c, s, loc in zip(cited, columns["source_id"], columns["locator"], strict=True)
    ]


def _days(starts: list, ends: list) -> tuple[list[str | None], list[str | None]]:
    """Per tie, the first day its start covers and the last day its end covers (ISO), or None."""
    starts, ends = _texts(starts), _texts(ends)
    texts = sorted({t for t in chain(set(starts), set(ends)) if t})  # parse each distinct date once
    first, last = partial_date_span(pd.Series(texts, dtype=object))
    first = dict(zip(texts, _iso(first), strict=True))
    last = dict(zip(texts, _iso(last), strict=True))
    return [first.get(t) for t in starts], [last.get(t) for t in ends]


def _iso(days: pd.Series) -> list[str | None]:
    text = np.datetime_as_string(days.to_numpy().astype("datetime64[D]")).tolist()
    return [None if day == "NaT" else day for day in text]


def _missing(value) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
    )


def _string(value) -> str | None:
    if type(value) is str:
        return value
    if _missing(value):
        return None
    if isinstance(value, (list, tuple)):
        return "|".join(map(str, value))
    return str(value)


def _typed(value, kind_of: str) -> str | None:
    """The value as XML text of its declared type, None where missing."""
    if kind_of == "string":
        return _string(value)
    if _missing(value):
        return None
    if kind_of == "boolean":
        return "true" if value else "false"
    return str(int(value))


# Writing values.


def _escaped(texts: list[str], entities: dict[str, str]) -> list[str]:
    """Each text escaped for XML, characters XML 1.0 forbids dropped.

    One :func:`xml.sax.saxutils.escape` over all texts joined by NUL (a
    character no XML may hold, so never one of ours) keeps a million values
    at C speed; a text holding NUL itself sends the lot one by one.
    """
    if not texts:
        return []
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:
        return [escape(_FORBIDDEN.sub("", text), entities) for text in texts]
    if _forbidden_but_nul(joined):
        joined = _FORBIDDEN_BUT_NUL.sub("", joined)
    return escape(joined, entities).split("\x00")


#: The ASCII characters XML 1.0 allows, and NUL (the separator of joined texts).
_ASCII_ALLOWED = bytes([0, 9, 10, 13, *range(0x20, 0x80)])


def _forbidden_but_nul(text: str) -> bool:
    """Whether ``text`` holds a character XML 1.0 forbids, NUL aside.

    ASCII text (most of an import's ids and citations) is checked as bytes:
    deleting every allowed byte at C speed is several times quicker than
    the regular expression, which checks the rest.
    """
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _ASCII_ALLOWED))
    return _FORBIDDEN_BUT_NUL.search(text) is not None


def _text(text: str) -> str:
    return _escaped([text], _IN_TEXT)[0]


def _cells(texts: list[str | None], before: str, after: str, entities: dict) -> list[str]:
    """Per row, ``before + escaped text + after``, or "" where the text is missing."""
    if not texts:
        return []
    if None not in texts:  # the usual case: one join and one split, at C speed
        joined = (after + "\x00" + before).join(_escaped(texts, entities))
        return (before + joined + after).split("\x00")
    escaped = _escaped([t if t is not None else "" for t in texts], entities)
    return [
        before + e + after if t is not None else "" for t, e in zip(texts, escaped, strict=True)
    ]


def _by_combination(columns: dict[str, list], names: list[str], render: Callable) -> list[str]:
    """Per row, ``render(values)`` of the named columns, rendered once per distinct combination.

    ``values`` maps each name to the row's value (a name no row has is left
    out). Kinds, signs, grades and counts repeat: a hundred thousand ties
    hold a few hundred combinations of them.
    """
    names = [name for name in names if any(v is not None for v in columns[name])]
    rows = list(zip(*(columns[name] for name in names), strict=True))
    if not names:
        return [render({})] * len(next(iter(columns.values()), []))
    try:
        rendered = {row: render(dict(zip(names, row, strict=True))) for row in set(rows)}
    except TypeError:  # an unhashable value (a list of aliases): row by row
        return [render(dict(zip(names, row, strict=True))) for row in rows]
    return list(map(rendered.__getitem__, rows))


def _gexf_around(name: str) -> tuple[str, str]:
    return f'<attvalue for="{name}" value="', '"/>'


def _graphml_around(name: str, prefix: str = "e") -> tuple[str, str]:
    return f'<data key="{prefix}_{name}">', "</data>"


def _rendered(value, kind_of: str, around: tuple[str, str], entities: dict) -> str:
    text = _typed(value, kind_of)
    if text is None:
        return ""
    return around[0] + escape(_FORBIDDEN.sub("", text), entities) + around[1]


def _gexf_values(declared: dict[str, str]) -> Callable:
    """``render`` for :func:`_by_combination`: the attvalues of the attributes found."""

    def render(found: dict) -> str:
        return "".join(
            _rendered(found[name], kind_of, _gexf_around(name), _IN_ATTRIBUTE)
            for name, kind_of in declared.items()
            if name in found
        )

    return render


def _gexf_label_weight(found: dict) -> str:
    """``render`` for :func:`_by_combination` of kind and origins: an edge's label and weight."""
    label = _escaped([_string(found.get("kind")) or ""], _IN_ATTRIBUTE)[0]
    origins = found.get("origins")
    return f' label="{label}" weight="{1 if _missing(origins) else int(origins)}"'


def _graphml_values(declared: dict[str, str], prefix: str) -> Callable:
    """``render`` for :func:`_by_combination`: the data elements of the keys found.

    An edge's ``weight`` is its ``origins``, 1 where it has none.
    """

    def render(found: dict) -> str:
        if prefix == "e":
            origins = found.get("origins")
            found = {**found, "weight": 1 if _missing(origins) else origins}
        return "".join(
            _rendered(found[name], kind_of, _graphml_around(name, prefix), _IN_TEXT)
            for name, kind_of in declared.items()
            if name in found
        )

    return render


def _write_table(out, columns: list, rows: int) -> None:
    """Write row after row, each the concatenation of its cells; a str column is the same every row.

    A join over the zipped columns builds a slice of rows at C speed, where a
    format string per row would cost more than the escaping.
    """
    for start in range(0, rows, _CHUNK):
        cells = [repeat(c) if isinstance(c, str) else c[start : start + _CHUNK] for c in columns]
        out.write("".join(chain.from_iterable(zip(*cells, strict=False))))  # str columns repeat


def _description(graph: nx.Graph) -> str:
    window = graph.graph.get("window")
    if not window or not any(window):
        return "Alliance network written by sahel_nb"
    start, end = (w or "open" for w in window)
    return f"Alliance network written by sahel_nb, window {start} to {end}"
