"""Loading a data folder into a validated, typed :class:`Dataset`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .dates import partial_date_span
from .exceptions import DataValidationError
from .paths import default_data_dir
from .schema import CREDIBILITY, RELIABILITY, TABLES, Table
from .validate import check_folder

__all__ = ["Dataset", "load_dataset"]


@dataclass(frozen=True)
class Dataset:
    """The five tables of a data folder as typed DataFrames.

    Vocabulary columns are categoricals, partial dates stay as written and
    gain ``<column>_start``/``<column>_end`` timestamps (first and last day
    covered, inclusive), numbers are nullable, ``aliases`` and
    ``assoc_actors`` are lists. Every table but ``sources`` gains the
    ``reliability`` of the source its row cites.
    """

    sources: pd.DataFrame
    actors: pd.DataFrame
    relationships: pd.DataFrame
    events: pd.DataFrame
    flows: pd.DataFrame

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in loading order."""
        return {name: getattr(self, name) for name in TABLES}

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(frame)}" for name, frame in self.tables.items())
        return f"Dataset({counts})"


def _list(values: pd.Series) -> pd.Series:
    return pd.Series(
        [[] if pd.isna(v) else v.split("|") for v in values], index=values.index, dtype=object
    )


def _typed(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {}
    for spec in table.fields:
        values = frame[spec.name]
        kind = spec.kind
        if kind == "vocab":
            columns[spec.name] = pd.Categorical(values.astype(object), categories=list(spec.vocab))
        elif kind == "reliability":
            columns[spec.name] = pd.Categorical(
                values.astype(object), categories=list(RELIABILITY), ordered=True
            )
        elif kind == "partial_date":
            start, end = partial_date_span(values)
            columns[spec.name] = values.astype("str")
            columns[f"{spec.name}_start"] = start
            columns[f"{spec.name}_end"] = end
        elif kind in ("amount", "latitude", "longitude"):
            columns[spec.name] = pd.to_numeric(values.astype("str")).astype("Float64")
        elif kind in ("count", "credibility", "geo_precision"):
            columns[spec.name] = pd.to_numeric(values.astype("str")).astype("Int64")
        elif kind == "bool":
            columns[spec.name] = (values == "true").astype("boolean")
        elif kind in ("list", "refs"):
            columns[spec.name] = _list(values)
        else:
            columns[spec.name] = values.astype("str")
    typed = pd.DataFrame(columns, index=frame.index).reset_index(drop=True)
    if "credibility" in typed:
        # Cheap to keep beside the number, and what tooltips and footnotes show.
        typed["credibility_label"] = typed["credibility"].map(CREDIBILITY).astype("str")
    return typed


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
    directory = Path(data_dir) if data_dir is not None else default_data_dir()
    raws, problems = check_folder(directory, os.fspath(data_dir) if data_dir else None)
    if problems:
        raise DataValidationError(problems, str(directory))
    tables = {name: _typed(raw.table, raw.frame) for name, raw in raws.items()}
    reliability = tables["sources"].set_index("source_id")["reliability"]
    for name, frame in tables.items():
        if name != "sources":
            frame["reliability"] = frame["source_id"].map(reliability).astype(reliability.dtype)
    return Dataset(**tables)
