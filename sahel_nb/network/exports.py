"""A graph written for Gephi and other tools: GEXF and GraphML files, several from one reading."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import networkx as nx

from .._fork import Forked
from .._gc import paused
from ..exceptions import ParameterError
from ..export import read_graph, write_gexf, write_graphml

#: Past this many ties, :func:`export_graph` writes its second file in a forked process.
PARALLEL_TIES = 20_000


@paused()
def export_graph(graph: nx.Graph, path: str | os.PathLike, *more: str | os.PathLike):
    """Write ``graph`` as GEXF 1.3 (``.gexf``) or GraphML (``.graphml``) for Gephi and others.

    Nodes are labelled with the actors' names; a dated tie carries Gephi's
    time interval (first and last day of its span), an undated one none;
    grades, claims and sources are edge attributes. Written by streaming
    writers (:mod:`sahel_nb.export`), fast at import scale. Give several
    paths to write several files from one reading of the graph. Returns the
    path written, or the list of them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> graph = build_graph(load_dataset())
    >>> [p.name for p in export_graph(graph, out / "net.gexf", out / "net.graphml")]
    ['net.gexf', 'net.graphml']
    """
    paths = _checked(path, *more)
    writers = {".gexf": write_gexf, ".graphml": write_graphml}
    for each in paths:
        each.parent.mkdir(parents=True, exist_ok=True)
    if not more:
        return writers[paths[0].suffix.lower()](graph, paths[0])
    read = read_graph(graph)
    # Past a few thousand ties, the other files are written by a forked process
    # while this one writes the first: string building holds the GIL.
    rest = Forked(_write_each, graph, paths[1:], read) if len(read[1].ids) > PARALLEL_TIES else None
    _write_each(graph, paths[:1], read)
    if rest is not None:
        rest.result()
    else:
        _write_each(graph, paths[1:], read)
    return paths


def _checked(*paths: str | os.PathLike) -> list[Path]:
    """The paths, each refused unless it names a GEXF or GraphML file."""
    paths = [Path(p) for p in paths]
    for each in paths:
        if each.suffix.lower() not in (".gexf", ".graphml"):
            raise ParameterError(f"{each.name}: export_graph writes .gexf or .graphml files")
    return paths


def _write_each(graph: nx.Graph, paths: list[Path], read) -> list[Path]:
    writers = {".gexf": write_gexf, ".graphml": write_graphml}
    return [writers[p.suffix.lower()](graph, p, read=read) for p in paths]


@contextmanager
def exporting(graph: nx.Graph, path: str | os.PathLike, *more: str | os.PathLike) -> Iterator[None]:
    """:func:`export_graph` while the ``with`` block runs, in a forked process past a few thousand ties.

    The network page and the files for Gephi are built from the same graph
    and each holds the GIL for seconds at import scale: side by side, the
    notebook waits for the longer, not for both. The files are written by
    the time the block ends; if the fork fails they are written here then.
    A bad path is refused before the block runs.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.network import build_graph
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> graph = build_graph(load_dataset())
    >>> with exporting(graph, out / "net.gexf"):
    ...     ties = graph.number_of_edges()
    >>> (out / "net.gexf").exists()
    True
    """
    _checked(path, *more)
    task = (
        Forked(export_graph, graph, path, *more)
        if graph.number_of_edges() > PARALLEL_TIES
        else None
    )
    try:
        yield
    finally:
        if task is not None:
            task.result()  # the child's files, or written here if it gave none
    if task is None:
        export_graph(graph, path, *more)
