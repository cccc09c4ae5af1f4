"""One row as the curation notebook writes it: its form, validate's checks on it, its append."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd

from ..exceptions import ParameterError, Problem, SahelNbError
from ..paths import default_data_dir
from ..schema import TABLES
from .similar import _KIND

__all__ = ["append_row", "check_row", "form_fields"]

#: Values a form offers for columns whose kind allows only a few.
_FEW = {
    "bool": ["true", "false"],
    "credibility": [str(g) for g in range(1, 7)],
    "reliability": list("ABCDEF"),
    "geo_precision": ["1", "2", "3"],
}
#: Columns a curator never fills by hand (imports set them).
_NOT_BY_HAND = {"withdrawn"}


def form_fields(dataset, table: str) -> list[dict]:
    """The columns of a new ``table`` row as a form asks for them, in the codebook's order.

    Each is ``{name, kind, required, choices, several}``: ``choices`` the
    values allowed (a vocabulary, the ids of the table a reference names,
    true/false, grades), None for free text; ``several`` for a list of ids.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> fields = {f["name"]: f for f in form_fields(load_dataset(), "events")}
    >>> "Abduction/forced disappearance" in fields["sub_event_type"]["choices"]
    True
    >>> fields["assoc_actors"]["several"], "aqim" in fields["actor1"]["choices"]
    (True, True)
    """
    if table not in _KIND:
        raise ParameterError("table must be relationships, events or flows")
    fields = []
    for spec in TABLES[table].fields:
        if spec.name in _NOT_BY_HAND:
            continue
        choices = None
        if spec.kind == "vocab":
            choices = list(spec.vocab)
        elif spec.kind in ("ref", "refs"):
            ids = dataset.tables[spec.ref][TABLES[spec.ref].id_column]
            choices = sorted(str(i) for i in ids.dropna())
        elif spec.kind in _FEW:
            choices = list(_FEW[spec.kind])
        fields.append(
            {
                "name": spec.name,
                "kind": spec.kind,
                "required": spec.required,
                "choices": choices,
                "several": spec.kind == "refs",
            }
        )
    return fields


def _written(row: dict) -> dict[str, str]:
    """A row's cells as written: lists joined with ``|``, empty values left out."""
    cells = {}
    for column, value in row.items():
        if isinstance(value, list | tuple):
            value = "|".join(str(v) for v in value if str(v))
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            continue
        if str(value).strip():
            cells[column] = str(value).strip()
    return cells


def check_row(table: str, row: dict, data_dir: str | os.PathLike | None = None) -> list[Problem]:
    """What ``sahel-nb validate`` would say of ``row`` appended to ``table``, without writing it.

    The folder is copied to a scratch folder with the row appended, and
    checked there as validate checks it, source texts included (the texts
    are looked for as for ``data_dir``). Returns the errors and warnings on
    the row's line, and any problem of the table as a whole; the file names
    are ``data_dir``'s.

    Examples
    --------
    >>> row = {"event_id": "ev-x", "event_type": "Battles", "sub_event_type": "Armed clash",
    ...        "actor1": "aqim", "description": "A clash.", "status": "reported",
    ...        "credibility": "3", "source_id": "mg-2003", "locator": "¶99"}
    >>> [p.column for p in check_row("events", row)]
    ['locator']
    """
    import shutil
    import tempfile

    from ..texts import text_problems
    from ..validate import check_folder

    if table not in _KIND:
        raise ParameterError("table must be relationships, events or flows")
    data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    with tempfile.TemporaryDirectory(prefix="sahel-nb-row-") as scratch:
        for spec in TABLES.values():
            if (data_dir / spec.file).is_file():
                shutil.copy2(data_dir / spec.file, Path(scratch) / spec.file)
        line = _append(Path(scratch) / TABLES[table].file, _written(row))
        raws, found = check_folder(Path(scratch), str(data_dir))
        counted = {name: len(raw.problems) for name, raw in raws.items()}
        text_problems(raws, data_dir)  # the texts of data_dir, wherever they are kept
        found += [p for name, raw in raws.items() for p in raw.problems[counted[name] :]]
    file = f"{str(data_dir).rstrip('/')}/{TABLES[table].file}"
    return [p for p in found if p.file == file and p.line in (line, None)]


def _append(path: Path, cells: dict[str, str]) -> int:
    """Append a row by column name to a CSV file; return its editor line."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        text = handle.read()
    header = next(csv.reader([text.split("\n", 1)[0]]))
    unknown = sorted(set(cells) - set(header))
    if unknown:
        raise ParameterError(f"{path.name} has no column {', '.join(unknown)}")
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    with open(path, "a", encoding="utf-8", newline="") as handle:
        if not text.endswith("\n"):
            handle.write("\n")
        csv.writer(handle, lineterminator="\n").writerow([cells.get(c, "") for c in header])
    return lines + 1


def append_row(table: str, row: dict, data_dir: str | os.PathLike | None = None) -> int:
    """Append ``row`` to ``table`` if it has no error (:func:`check_row`); return its line.

    Warnings do not stop it (validate prints them again). The table is
    written whole or not at all, under the same lock as an import.

    Raises
    ------
    SahelNbError
        Listing the row's errors; nothing is then written.

    Examples
    --------
    >>> line = append_row("events", row, "~/my-data")  # doctest: +SKIP
    """
    import shutil
    import tempfile

    from ..pages import write_atomically
    from ..transaction import importing

    data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    errors = [p for p in check_row(table, row, data_dir) if not p.warning]
    if errors:
        raise SahelNbError(
            "the row does not validate; nothing was written:\n"
            + "\n".join(f"  {p}" for p in errors)
        )
    path = data_dir / TABLES[table].file
    with importing(data_dir), tempfile.TemporaryDirectory(prefix="sahel-nb-row-") as scratch:
        staged = Path(scratch) / path.name
        shutil.copy2(path, staged)
        line = _append(staged, _written(row))
        write_atomically(path, staged.read_text(encoding="utf-8"))
    return line
