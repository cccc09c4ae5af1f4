"""A new source: its text stored under its standard name and numbered, its row in sources.csv."""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..exceptions import DataValidationError, ParameterError, SahelNbError
from ..paths import default_data_dir
from ..schema import TABLES
from ..texts import (
    SOURCES_ENV_VAR,
    find_text,
    locator_paragraphs,
    new_text_folder,
    paragraphs,
    read_paragraphs,
    stored_name,
    text_folders,
)

__all__ = ["AddedSource", "add_source", "numbered", "source_paragraphs"]

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
#: A title taken from the text's first paragraph must be a line, not a lead paragraph.
_TITLE_LENGTH = 200


@dataclass(frozen=True)
class AddedSource:
    """What ``sahel-nb source add`` did: the stored text and the row written."""

    source_id: str
    text: Path
    paragraphs: list[str]
    row: dict


def numbered(blocks: list[str], numbers: list[int] | None = None) -> str:
    """Paragraphs as a curator reads them to cite: ``¶N`` before each, blank lines between.

    Examples
    --------
    >>> print(numbered(["Title", "First.\\nStill first."]))
    ¶1 Title
    <BLANKLINE>
    ¶2 First. Still first.
    """
    numbers = list(range(1, len(blocks) + 1)) if numbers is None else numbers
    return "\n\n".join(f"¶{n} {' '.join(blocks[n - 1].split())}" for n in numbers)


def _source_ids(data_dir: Path) -> set[str]:
    path = data_dir / TABLES["sources"].file
    if not path.is_file():
        return set()
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row.get("source_id", "") for row in csv.DictReader(handle)}


def add_source(
    text_file: str | os.PathLike,
    data_dir: str | os.PathLike | None = None,
    *,
    source_id: str,
    publisher: str,
    published: str,
    reliability: str,
    title: str | None = None,
    author: str | None = None,
    url: str | None = None,
    kind: str | None = None,
    notes: str | None = None,
) -> AddedSource:
    """Store a source's text under its standard name and add its row to ``sources.csv``.

    The text goes to ``<source_id>.txt`` in the folder of new texts
    (:func:`sahel_nb.texts.new_text_folder`: ``$SAHEL_NB_SOURCES``, else
    ``sources/`` beside the data folder), written whole or not at all; the
    row is appended by column name and the folder validated before it is
    moved in, as an import is. Its notes say where the text is stored, so
    ``sahel-nb validate`` checks every row citing it against the text.

    Parameters
    ----------
    text_file : path
        The text as UTF-8, paragraphs separated by blank lines.
    data_dir : path, optional
        The data folder (default: ``$SAHEL_NB_DATA``, else the curated data).
    source_id, publisher, published, reliability, title, author, url, kind, notes
        The row's columns (codebook, ``sources.csv``). Without a title, the
        text's first paragraph is the title when it is a short line.

    Raises
    ------
    SahelNbError
        The id is taken, the text is not UTF-8 or empty, another text is
        stored under that name, or the row does not validate (nothing is
        then written).

    Examples
    --------
    >>> added = add_source("mg-2009.txt", "~/my-data", source_id="mg-2009",
    ...                    publisher="Mail & Guardian", published="2009-02-23",
    ...                    reliability="C")  # doctest: +SKIP
    """
    from ..interop.writing import write_validated
    from ..pages import write_atomically
    from ..transaction import importing

    data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    if not _ID.fullmatch(source_id):
        raise ParameterError(
            f"--id {source_id!r} is not a valid id: use letters, digits, '-', '_', '.'"
        )
    if source_id.casefold().endswith(".txt"):
        raise ParameterError(
            f"--id {source_id!r}: give the id without .txt; the text is stored as "
            f"{source_id[:-4]}.txt"
        )
    _id_is_free(source_id, data_dir)  # said before the text is read; checked again locked
    try:
        text = Path(text_file).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SahelNbError(
            f"{text_file}: is not UTF-8 text; save it as UTF-8 and try again"
        ) from None
    except OSError as error:
        raise SahelNbError(f"{text_file}: cannot be read: {error.strerror}") from None
    # Stored with Unix line ends, the paragraphs are those counted here.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = paragraphs(text)
    if not blocks:
        raise SahelNbError(f"{text_file}: holds no text")
    if title is None:
        if "\n" in blocks[0] or len(blocks[0]) > _TITLE_LENGTH:
            raise ParameterError("the text's first paragraph is not a title line: give --title")
        title = blocks[0]
    name = f"{source_id}.txt"
    target = new_text_folder(data_dir) / name
    existing = find_text(name, data_dir)
    if existing is not None and existing.read_text(encoding="utf-8") != text:
        raise SahelNbError(f"{existing} holds another text; remove it or choose another id")
    stored = (
        f"Stored as {name} (in the folder of source texts: ${SOURCES_ENV_VAR}, else sources/ "
        "beside the data folder); locators count paragraphs from 1, separated by blank lines."
    )
    row = {
        "source_id": source_id,
        "title": title,
        "author": author,
        "publisher": publisher,
        "published": published,
        "url": url,
        "kind": kind,
        "reliability": reliability,
        "notes": f"{stored} {notes}" if notes else stored,
    }
    written = False
    try:
        # The id is checked, the text stored and the row written under the folder's lock:
        # two curators adding one id at once must not both pass the check, nor one
        # delete the other's text on its way out.
        with importing(data_dir):
            _id_is_free(source_id, data_dir)
            existing = find_text(name, data_dir)
            if existing is not None and existing.read_text(encoding="utf-8") != text:
                raise SahelNbError(f"{existing} holds another text; remove it or choose another id")
            if existing is None:
                try:
                    write_atomically(target, text)
                except OSError as error:
                    raise SahelNbError(f"cannot write {target}: {error.strerror}") from None
                written = True
            frame = pd.DataFrame([{k: v for k, v in row.items() if v is not None}])
            write_validated(data_dir, {"sources": frame}, [], what=f"source {source_id}")
    except DataValidationError as error:
        if written:
            target.unlink(missing_ok=True)
        # The staged copy's problems: said of sources.csv as the curator knows it.
        raise SahelNbError(
            "the new row does not validate; nothing was written:\n"
            + "\n".join(f"  {p.column}: {p.message}" for p in error.problems if p.column)
        ) from None
    except BaseException:
        if written:
            target.unlink(missing_ok=True)
        raise
    return AddedSource(source_id, existing or target, blocks, row)


def _id_is_free(source_id: str, data_dir: Path) -> None:
    """Refuse an id the folder holds already, in any case."""
    held = {held.casefold(): held for held in _source_ids(data_dir)}
    if source_id.casefold() in held:
        # Ids that differ only in case name one text file on macOS and Windows.
        same = held[source_id.casefold()]
        taken = "is already" if same == source_id else f"is {same} written otherwise, already"
        raise ParameterError(
            f"{source_id} {taken} in {data_dir / 'sources.csv'}; choose another id"
        )


def source_paragraphs(
    source_id: str, data_dir: str | os.PathLike | None = None, locator: str | None = None
) -> str:
    """A held source's text with ``¶`` numbers, whole or the paragraphs ``locator`` names.

    Examples
    --------
    >>> print(source_paragraphs("mg-2003", locator="¶8"))  # doctest: +SKIP
    ¶8 The German ARD public television channel said late on Tuesday …
    """
    data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    path = data_dir / TABLES["sources"].file
    if not data_dir.is_dir():
        raise ParameterError(f"{data_dir}: is not a folder; give the folder holding the CSV tables")
    notes = None
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("source_id") == source_id:
                    notes = row.get("notes", "")
                    break
            else:
                raise ParameterError(f"{source_id} is not a source of {path}")
    except (OSError, UnicodeDecodeError) as error:
        why = getattr(error, "strerror", None) or "it is not UTF-8 text"
        raise SahelNbError(f"{path}: cannot be read ({why}); run sahel-nb validate") from None
    name = stored_name(notes)
    if name is None:
        raise SahelNbError(f"{source_id} is not held: its notes name no stored text")
    found = find_text(name, data_dir)
    if found is None:
        searched = ", ".join(map(str, text_folders(data_dir)))
        raise SahelNbError(f"{name} (the text of {source_id}) is in none of: {searched}")
    blocks = read_paragraphs(found)
    if locator is None:
        return numbered(blocks)
    wanted = locator_paragraphs(locator if "¶" in locator else f"¶{locator}")
    missing = [n for n in wanted if not 1 <= n <= len(blocks)]
    if not wanted or missing:
        raise ParameterError(
            f"{locator!r}: {source_id} has paragraphs ¶1 to ¶{len(blocks)}; give one, e.g. ¶2"
        )
    return numbered(blocks, wanted)
