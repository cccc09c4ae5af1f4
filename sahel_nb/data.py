"""Loading a data folder into a validated, typed :class:`Dataset`."""

from __future__ import annotations

import hashlib
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, cached_property, partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import FloatingArray

from ._gc import paused
from .arrowtext import isin
from .csvfile import RawTable, arrow_text
from .exceptions import DataValidationError, Problem, SahelNbError
from .origins import actor_tellers, claim_keys, origin_map, relayed_tellers, row_origins
from .paths import default_data_dir
from .schema import CLAIM_TABLES, CREDIBILITY, RELIABILITY, TABLES
from .transaction import reading, settle, unfinished
from .validate import check_folder, failures

__all__ = ["Dataset", "data_checksum", "load_dataset", "validate_folder"]


def data_checksum(data_dir: Path) -> str:
    """SHA-256 over the five table files of a data folder, in loading order (missing ones empty)."""
    digest = hashlib.sha256()
    for table in TABLES.values():
        path = Path(data_dir) / table.file
        digest.update(table.file.encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


@dataclass(frozen=True)
class Dataset:
    """The five tables of a data folder as typed DataFrames.

    Vocabulary columns are categoricals, partial dates stay as written and
    gain ``<column>_start``/``<column>_end`` timestamps (first and last day
    covered, inclusive), numbers are nullable, ``aliases`` and
    ``assoc_actors`` are lists (an Arrow list column: each cell is a list). Every table but ``sources`` gains the
    ``reliability`` of the source its row cites. Relationships, events and
    flows have ``claim_id`` filled (a row without one is a claim of its own,
    keyed by its id) and gain ``origin``: the independent origin of the row's
    report (what it relays, else its source, followed up ``derived_from``).

    Imported events that a newer export of their dataset no longer holds
    (``withdrawn`` names that export) are in ``withdrawn``, not in
    ``events``, and the flows tied to them are left out of ``flows``: they
    are kept in the files, never counted, tabled or drawn.
    """

    sources: pd.DataFrame
    actors: pd.DataFrame
    relationships: pd.DataFrame
    events: pd.DataFrame
    flows: pd.DataFrame
    #: Events a newer export withdrew (see above); empty for curated data.
    withdrawn: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False, repr=False)
    #: The folder the tables were read from (None when built by hand).
    folder: Path | None = field(default=None, compare=False, repr=False)

    @cached_property
    def checksum(self) -> str:
        """SHA-256 of the folder's five files, what exports and report runs cite.

        Computed when first asked, not at load: hashing a million-row folder
        costs a good part of loading it.
        """
        return data_checksum(self.folder) if self.folder is not None else ""

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in loading order."""
        return {name: getattr(self, name) for name in TABLES}

    def cited_sources(self, table: str) -> pd.DataFrame:
        """The rows of ``sources`` that rows of ``table`` cite, in the order of ``sources``.

        Examples
        --------
        >>> data = load_dataset()
        >>> set(data.cited_sources("flows")["source_id"]) <= set(data.flows["source_id"])
        True
        """
        # pandas' isin on Arrow text makes a Python object of every cited id:
        # seconds at half a million events, where Arrow takes milliseconds.
        cited = self.tables[table]["source_id"]
        return self.sources[isin(self.sources["source_id"], cited)]

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(frame)}" for name, frame in self.tables.items())
        return f"Dataset({counts})"


def _series(array, index, dtype=None) -> pd.Series:
    # The arrays are built here: pandas 3 would copy each (six million-row copies).
    return pd.Series(array, index=index, dtype=dtype, copy=False)


_LIST = pa.list_(pa.string())


def _lists(values: pd.Series, split=None) -> pa.ListArray | pa.ChunkedArray:
    """Split ``|``-separated text into an Arrow list column, empty cells as [].

    Each cell reads back as a Python list, and a million cells cost no Python
    objects until read. Built from offsets: fill_null with an empty-list
    scalar is three times slower on a million rows. ``split`` is the column
    split already, when it is.
    """
    if split is None:
        split = pc.split_pattern(arrow_text(values), "|")
    chunks = split.chunks if isinstance(split, pa.ChunkedArray) else [split]
    unmasked = [_unmasked(chunk) for chunk in chunks]
    if all(chunk is not None for chunk in unmasked):
        return pa.chunked_array(unmasked, split.type)
    if isinstance(split, pa.ChunkedArray):
        split = split.combine_chunks()
    lengths = pc.fill_null(pc.list_value_length(split), 0).to_numpy(zero_copy_only=False)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pc.list_flatten(split))


def _unmasked(chunk: pa.ListArray) -> pa.ListArray | None:
    """``chunk`` with its empty cells as empty lists: its validity dropped, nothing copied.

    Arrow's split leaves an empty cell a null list of no items, so without
    the mask it reads as []; None when a null holds items (then it is rebuilt).

    Examples
    --------
    >>> _unmasked(pc.split_pattern(pa.array(["a|b", None]), "|")).to_pylist()
    [['a', 'b'], []]
    """
    if not chunk.null_count:
        return chunk
    offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)
    offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
    empty = ~chunk.is_valid().to_numpy(zero_copy_only=False)
    if np.diff(offsets)[empty].any():
        return None
    return pa.Array.from_buffers(
        chunk.type, len(chunk), [None, chunk.buffers()[1]], offset=chunk.offset,
        children=[chunk.values],
    )  # fmt: skip


def _typed(raw: RawTable) -> pd.DataFrame:
    """Convert validated text to typed columns (every value is known to parse)."""
    table, frame = raw.table, raw.frame
    columns: dict[str, pd.Series] = {}
    if len(frame) >= failures.PARALLEL_ROWS:
        # Arrow's casts and lookups let go of the GIL: columns convert side by side.
        with ThreadPoolExecutor(2) as pool:
            for typed in pool.map(partial(_typed_column, raw), table.fields):
                columns.update(typed)
    else:
        for spec in table.fields:
            columns.update(_typed_column(raw, spec))
    # copy=False: a dict of columns is copied by default, 0.1 s on a million rows.
    typed = pd.DataFrame(columns, index=frame.index, copy=False).reset_index(drop=True)
    if "credibility" in typed:
        # Cheap to keep beside the number, and what tooltips and footnotes show.
        labels = pd.Categorical.from_codes(
            typed["credibility"].to_numpy() - 1, categories=list(CREDIBILITY.values())
        )
        typed["credibility_label"] = labels
    return typed


def _typed_column(raw: RawTable, spec) -> dict:
    """One column of ``raw`` typed (a partial date gains its start and end beside it)."""
    values, kind, index = raw.frame[spec.name], spec.kind, raw.frame.index
    if kind in ("vocab", "reliability"):
        categories = list(RELIABILITY) if kind == "reliability" else list(spec.vocab)
        codes = raw.parsed.get(f"{spec.name}:codes")  # looked up while checking
        if codes is None:
            codes = pc.index_in(arrow_text(values), value_set=pa.array(categories))
        if codes.null_count:
            codes = pc.fill_null(codes, -1)
        codes = codes.to_numpy(zero_copy_only=False)
        return {
            spec.name: pd.Categorical.from_codes(
                codes, categories=categories, ordered=kind == "reliability"
            )
        }
    if kind == "partial_date":
        start, end = raw.parsed_date(spec.name)
        return {
            spec.name: values.astype("str"),
            f"{spec.name}_start": start,
            f"{spec.name}_end": end,
        }
    if kind in ("amount", "latitude", "longitude"):
        numbers = raw.parsed_number(spec.name).to_numpy()
        # Built from values and mask: pandas' own NaN-to-NA conversion copies twice.
        return {spec.name: _series(FloatingArray(numbers, np.isnan(numbers)), index)}
    if kind in ("count", "year", "credibility", "geo_precision"):
        codes = raw.parsed.get(f"{spec.name}:codes")  # a grade's position, found when checking
        if codes is not None:
            numbers = pc.add(pc.cast(codes, pa.int64()), 1)
        else:
            numbers = pc.cast(arrow_text(values), pa.int64())
        return {spec.name: _series(pd.Int64Dtype().__from_arrow__(numbers), index)}
    if kind == "bool":
        truth = pc.equal(arrow_text(values), "true")
        return {spec.name: _series(pd.BooleanDtype().__from_arrow__(truth), index)}
    if kind in ("list", "refs"):
        # Split once: by the reference check, or here for it (a table is typed
        # as soon as its own checks pass, before references are looked up).
        split = raw.parsed.get(f"{spec.name}:split")
        if split is None:
            split = raw.parsed[f"{spec.name}:split"] = pc.split_pattern(arrow_text(values), "|")
        return {spec.name: _series(_lists(values, split), index, pd.ArrowDtype(_LIST))}
    return {spec.name: values.astype("str")}


def _origins(frame: pd.DataFrame, by_source: np.ndarray, origins: dict, known) -> pd.Series:
    """Each row's independent origin: its source's, except where the row says who told it.

    ``by_source`` is each row's source's origin (an object array of this
    table's own, changed in place); ``known`` the actors' spellings
    (:func:`sahel_nb.origins.actor_tellers`). A row relaying a source takes
    the teller that source's row of the same claim names.
    """
    said = [frame[c].notna() for c in ("relays", "speaker", "told") if c in frame]
    if said:
        own_words = np.logical_or.reduce([column.to_numpy(bool) for column in said])
        if own_words.any():
            own = row_origins(frame[own_words], origins, known)
            by_source[own_words] = own.to_numpy(dtype=object, na_value=None)
    # An object column: None where no teller is named (a tertiary work, an echo).
    origin = pd.Series(by_source, index=frame.index, dtype=object, copy=False)
    return relayed_tellers(frame, origin)


def load_dataset(data_dir: str | os.PathLike | None = None) -> Dataset:
    """Load and validate a data folder, returning typed tables.

    Parameters
    ----------
    data_dir : path, optional
        A folder holding sources.csv, actors.csv, relationships.csv,
        events.csv and flows.csv. By default ``$SAHEL_NB_DATA`` if set,
        else the curated data shipped with the package.

    Raises
    ------
    DataValidationError
        Listing every problem found, one per line, as
        ``file:line: column: message (value)``.

    Examples
    --------
    >>> dataset = load_dataset()
    >>> dataset.actors.set_index("actor_id").loc["aqim", "actor_type"]
    'armed group'
    """
    return _load(data_dir, texts=False)[0]


def validate_folder(data_dir: str | os.PathLike | None = None) -> tuple[Dataset, list[Problem]]:
    """Load a data folder as ``sahel-nb validate`` checks it, source texts included.

    As :func:`load_dataset`, and every row citing a held source is checked
    against the source's text (:func:`sahel_nb.texts.text_problems`): the
    loader alone does not need the texts, so notebooks and reports run
    where the texts are not kept.

    Returns
    -------
    (Dataset, list of Problem)
        The tables and the warnings found (each a :class:`Problem` with
        ``warning`` set): worth a look, never a reason to refuse the data.

    Raises
    ------
    DataValidationError
        Listing every error (and, in ``warnings``, every warning).

    Examples
    --------
    >>> dataset, found = validate_folder()  # doctest: +SKIP
    """
    return _load(data_dir, texts=True)


# The collector paused: a load makes many objects (pandera's, pandas') and no
# cycles worth finding, and its collections cost 6% of a million events' load.
@paused()
def _load(data_dir, *, texts: bool) -> tuple[Dataset, list[Problem]]:
    directory = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    # An import killed part way is finished or undone before anything is read.
    for note in settle(directory):
        warnings.warn(note, stacklevel=3)
    with reading(directory):
        half = unfinished(directory)
        if half:
            raise SahelNbError(half)
        # Each table is typed as soon as its own checks pass, beside the
        # checks of the others; typing never fails on a checked table.
        raws, found = check_folder(
            directory, os.fspath(data_dir) if data_dir else None, texts=texts, then=_typed
        )
    problems = [p for p in found if not p.warning]
    cautions = [p for p in found if p.warning]
    if problems:
        raise DataValidationError(problems, str(directory), cautions)
    tables = {name: _typed(raw) if raw.then is None else raw.then for name, raw in raws.items()}
    sources = tables["sources"]
    origins = origin_map(sources)
    # The actors' spellings of tellers, made only if some row names a speaker.
    known = cache(lambda: actor_tellers(tables["actors"]))
    # Each source's origin, by the source's position: most rows relay nothing,
    # so their origin is their source's, looked up with the same positions.
    # Taken from Python strings made once per source: converting a million
    # rows of Arrow text to objects made a string for every row (0.07 s).
    origin_of = np.array([origins[s] for s in sources["source_id"]], dtype=object)
    for name, frame in tables.items():
        if name == "sources":
            continue
        # Every source_id is known (checked above): look each up by position.
        at = pc.index_in(arrow_text(frame["source_id"]), value_set=arrow_text(sources["source_id"]))
        at = at.to_numpy(zero_copy_only=False)
        frame["reliability"] = pd.Categorical.from_codes(
            sources["reliability"].cat.codes.to_numpy()[at],
            dtype=sources["reliability"].dtype,
        )
        if name in CLAIM_TABLES:
            frame["claim_id"] = claim_keys(frame, TABLES[name].id_column).astype("str")
            frame["origin"] = _origins(frame, origin_of[at], origins, known)
    withdrawn = _withdrawn(tables)
    return Dataset(**tables, withdrawn=withdrawn, folder=directory), cautions


def _withdrawn(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Take withdrawn events (and the flows tied to them) out of the tables; return the events."""
    events = tables["events"]
    # Every event left is counted: the column would only ever be empty there.
    by = events.pop("withdrawn")
    gone = by.notna().to_numpy(bool)
    if not gone.any():
        return events.iloc[:0].assign(withdrawn=by.iloc[:0])
    tables["events"] = events[~gone].reset_index(drop=True)
    flows = tables["flows"]
    tied = flows["event_id"].isin(events.loc[gone, "event_id"]).to_numpy(bool)
    if tied.any():
        tables["flows"] = flows[~tied].reset_index(drop=True)
    withdrawn = events[gone].reset_index(drop=True)
    withdrawn["withdrawn"] = by[gone].to_numpy()
    return withdrawn
