"""Curating a new source: store and number its text, register it, find the claims it repeats."""

from __future__ import annotations

import csv
import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .dates import partial_date_span
from .exceptions import DataValidationError, ParameterError, Problem, SahelNbError
from .paths import default_data_dir
from .schema import TABLES
from .texts import (
    PROSE,
    SOURCES_ENV_VAR,
    find_text,
    locator_paragraphs,
    new_text_folder,
    paragraphs,
    read_paragraphs,
    stored_name,
    text_folders,
)

__all__ = [
    "REPEAT_SCORE",
    "AddedSource",
    "add_source",
    "append_row",
    "check_row",
    "curation_notices",
    "form_fields",
    "numbered",
    "similar_claims",
    "source_paragraphs",
]

_WORDS = re.compile(r"\w+")
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
    from .interop.writing import write_validated
    from .pages import write_atomically
    from .transaction import importing

    data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    if not _ID.fullmatch(source_id):
        raise ParameterError(
            f"--id {source_id!r} is not a valid id: use letters, digits, '-', '_', '.'"
        )
    if source_id in _source_ids(data_dir):
        raise ParameterError(
            f"{source_id} is already in {data_dir / 'sources.csv'}; choose another id"
        )
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
    written = existing is None
    if written:
        try:
            write_atomically(target, text)
        except OSError as error:
            raise SahelNbError(f"cannot write {target}: {error.strerror}") from None
    try:
        with importing(data_dir):
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
    notes = None
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("source_id") == source_id:
                notes = row.get("notes", "")
                break
        else:
            raise ParameterError(f"{source_id} is not a source of {path}")
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


# --- the claims a new row repeats ---------------------------------------------------

#: Columns saying what kind of fact a row is, by table: rows of one claim share them.
_KIND = {
    "events": ("event_type", "sub_event_type"),
    "relationships": ("kind",),
    "flows": ("flow_type",),
}
_ACTORS = {
    "events": ("actor1", "actor2", "assoc_actors"),
    "relationships": ("actor_a", "actor_b"),
    "flows": ("payer", "payee", "intermediary"),
}
_DATES = {"events": ("date", "date"), "relationships": ("start", "end"), "flows": ("date", "date")}
#: Weights of the score's parts: what kind of fact, who, when, what it says, where.
_WEIGHTS = {"kind": 0.3, "actors": 0.3, "date": 0.2, "text": 0.15, "place": 0.05}


def _actors_of(row: dict, table: str) -> set[str]:
    found = set()
    for column in _ACTORS[table]:
        value = row.get(column)
        if isinstance(value, list | tuple):
            found.update(value)
        elif isinstance(value, str) and value:
            found.update(value.split("|"))
    return found


def _span(row: dict, table: str):
    first, last = _DATES[table]
    start, end = row.get(f"{first}_start"), row.get(f"{last}_end")
    if (start is None or pd.isna(start)) and isinstance(row.get(first), str):
        starts, ends = partial_date_span(pd.Series([row[first], row.get(last) or row[first]]))
        start, end = starts.iloc[0], ends.iloc[1]
    return start, end


def _text(row: dict, table: str) -> str:
    value = row.get(PROSE[table])
    return value.lower() if isinstance(value, str) else ""


def similar_claims(
    dataset,
    *,
    row: dict | None = None,
    table: str | None = None,
    like: str | None = None,
    text: str | None = None,
    limit: int = 5,
) -> pd.DataFrame:
    """The existing claims a new row (or a sentence) most probably repeats, best first.

    Give ``like`` (the id of a row in the data), or ``row`` and ``table``
    (a row not yet written, as a dict of its columns), or ``text`` (words,
    e.g. a sentence of the new source). Each claim is scored from 0 to 1:
    the same kind of fact (event and sub-event type, relationship kind,
    flow type), the actors shared, dates that overlap, the same place (for
    events: location, else country), and how alike the descriptions read (:class:`difflib.SequenceMatcher` over words). For
    ``text``, the actors named in it and its years stand for the row's.

    Returns
    -------
    DataFrame
        ``table``, ``claim_id``, ``score``, ``why`` and one row id of the
        claim; claims of the row itself are left out.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> found = similar_claims(load_dataset(), text="British tourist Edwin Dyer kidnapped 2009")
    >>> "c-2009-dyer-kidnapping" in found["claim_id"].tolist()
    True
    """
    if like is not None:
        for name in _KIND:
            frame = dataset.tables[name]
            hit = frame[frame[TABLES[name].id_column] == like]
            if len(hit):
                row, table = hit.iloc[0].to_dict(), name
                break
        else:
            raise ParameterError(f"--like {like!r} is no relationship, event or flow of the data")
    if row is not None and table not in _KIND:
        raise ParameterError("table must be relationships, events or flows")
    if row is None and text is None:
        raise ParameterError("say what to look for: like, row and table, or text")
    tables = [table] if row is not None else list(_KIND)
    probe = _probe(dataset, text) if row is None else None
    found = []
    for name in tables:
        frame = dataset.tables[name]
        id_column = TABLES[name].id_column
        mine = row if row is not None else probe
        words = _WORDS.findall(_text(row, name) if row is not None else text.lower())
        named = [a for r in frame.to_dict("records") for a in _actors_of(r, name)]
        rarity = pd.Series(named, dtype=object).value_counts().to_dict()
        actors = _actors_of(row, name) if row is not None else probe["actors"]
        start, end = _span(row, name) if row is not None else (probe["start"], probe["end"])
        own_claim = row.get("claim_id") if row is not None else None
        for other in frame.to_dict("records"):
            if own_claim is not None and other.get("claim_id") == own_claim:
                continue
            if row is not None and other[id_column] == row.get(id_column):
                continue
            parts, why = _score(
                name, mine, row is not None, other, words, (actors, rarity), start, end
            )
            score = sum(_WEIGHTS[k] * v for k, v in parts.items())
            found.append(
                {
                    "table": name,
                    "claim_id": other["claim_id"],
                    "score": round(score, 2),
                    "why": "; ".join(why),
                    "row": other[id_column],
                }
            )
    if not found:
        return pd.DataFrame(columns=["table", "claim_id", "score", "why", "row"])
    ranked = pd.DataFrame(found).sort_values(["score", "row"], ascending=[False, True])
    ranked = ranked.drop_duplicates(["table", "claim_id"])
    return ranked[ranked["score"] > 0].head(limit).reset_index(drop=True)


def _probe(dataset, text: str) -> dict:
    """What a sentence says of actors and dates, in the data's terms."""
    folded = text.lower()
    actors = set()
    for actor in dataset.actors.itertuples():
        names = [actor.name, *(actor.aliases or [])]
        if any(
            len(n) > 2 and re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", folded) for n in names
        ):
            actors.add(actor.actor_id)
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", text)]
    start = pd.Timestamp(min(years), 1, 1) if years else None
    end = pd.Timestamp(max(years), 12, 31) if years else None
    return {"actors": actors, "start": start, "end": end}


def _known(value) -> bool:
    return value is not None and not pd.isna(value)


def _overlap(start, end, other_start, other_end) -> bool:
    """Whether two spans of days meet; an open end runs on, an unknown start meets nothing."""
    if not (_known(start) and _known(other_start)):
        return False
    return (not _known(other_end) or other_end >= start) and (not _known(end) or other_start <= end)


def _score(name, mine, is_row, other, words, named, start, end) -> tuple[dict, list[str]]:
    actors, rarity = named
    parts, why = dict.fromkeys(_WEIGHTS, 0.0), []
    if is_row and name == "events":
        for column, weight in (("location", 1.0), ("country", 0.5)):
            mine_at, theirs_at = mine.get(column), other.get(column)
            if isinstance(mine_at, str) and mine_at and mine_at == theirs_at:
                parts["place"] = weight
                why.append(f"same {column}")
                break
    if is_row and all(str(mine.get(c)) == str(other.get(c)) for c in _KIND[name]):
        parts["kind"] = 1.0
        why.append("same " + " and ".join(c.replace("_", " ") for c in _KIND[name]))
    theirs = _actors_of(other, name)
    if actors and theirs:
        shared = actors & theirs
        # Weighted by rarity: sharing a hostage named in two rows says more
        # than sharing AQIM, named in most.
        weight = {a: 1 / rarity.get(a, 1) for a in actors | theirs}
        # A row against a row: the actors of both; words: only those they name.
        counted = actors | theirs if is_row else actors
        parts["actors"] = sum(weight[a] for a in shared) / sum(weight[a] for a in counted)
        if shared:
            why.append("actors " + ", ".join(sorted(shared)))
    if _overlap(start, end, *_span(other, name)):
        parts["date"] = 1.0
        why.append("dates overlap")
    theirs_words = _WORDS.findall(_text(other, name))
    if words and theirs_words:
        ratio = difflib.SequenceMatcher(None, words, theirs_words, autojunk=False).ratio()
        # A sentence against a paragraph: the share of the shorter one's words
        # the other has counts too (words of four letters or more: "the", "in",
        # "was" say nothing).
        mine_set, theirs_set = ({w for w in w_ if len(w) > 3} for w_ in (words, theirs_words))
        fewest = min(len(mine_set), len(theirs_set))
        found = len(mine_set & theirs_set) / fewest if fewest else 0
        parts["text"] = max(ratio, found)
        if parts["text"] >= 0.2:
            why.append(f"descriptions alike ({parts['text']:.0%})")
    return parts, why


# --- notices for what a curator changed ------------------------------------------------

#: A new claim scoring this much against an existing one (:func:`similar_claims`)
#: probably repeats it: the Dyer kidnapping told again scores about 0.7, the
#: next kidnapping of that year about 0.5.
REPEAT_SCORE = 0.65


def curation_notices(
    data_dir: str | os.PathLike | None = None,
    dataset=None,
    *,
    revision: str = "HEAD",
    shown: str | None = None,
) -> list[Problem]:
    """What a curator should look at after editing the data since ``revision`` (a git revision).

    Two kinds of notice, each on the line of the row it concerns:

    - a row added with a claim of its own (no other row shares its
      ``claim_id``) that probably repeats an existing claim
      (:func:`similar_claims` scores it :data:`REPEAT_SCORE` or more):
      share that claim's id if it reports the same fact;
    - when a claim gained an independent origin, each of its earlier rows
      reporting it, graded 2 or worse, whose credibility may now rise
      (credibility 1 is "confirmed by other sources").

    ``shown`` is the folder as file names are shown (default: ``data_dir``).
    Empty when the folder is in no git repository, the revision is unknown,
    or nothing changed.

    Examples
    --------
    >>> for notice in curation_notices():  # doctest: +SKIP
    ...     print(notice)
    data/events.csv:63: claim_id: notice: may repeat c-2009-dyer-kidnapping …
    """
    import tempfile

    from .changes import revision_tables, table_changes
    from .data import load_dataset

    data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    shown = str(data_dir) if shown is None else shown
    with tempfile.TemporaryDirectory(prefix="sahel-nb-notices-") as scratch:
        try:
            revision_tables(data_dir, revision, scratch)
        except SahelNbError:
            return []
        changed = {t.table: t for t in table_changes(Path(scratch), data_dir)}
        if not any(t.count for t in changed.values()):
            return []
        dataset = load_dataset(data_dir) if dataset is None else dataset
        try:
            old = load_dataset(scratch)
        except SahelNbError:  # the revision's data was not valid: nothing to weigh against
            old = None
    added = {
        name: {row.get(TABLES[name].id_column) for row in changed[name].added} for name in _KIND
    }
    lines = _Lines(data_dir, shown)
    notices = _repeat_notices(dataset, added, lines)
    if old is not None:
        notices += _origin_notices(old, dataset, added, lines)
    return sorted(notices, key=lambda p: (p.file, p.line or 0))


class _Lines:
    """Each table's rows' editor lines, read once when first asked."""

    def __init__(self, data_dir: Path, shown: str) -> None:
        self.data_dir, self.shown, self.read = data_dir, shown, {}

    def problem(self, table: str, row_id: str, column: str, message: str, value) -> Problem:
        from .csvfile import read_table

        if table not in self.read:
            raw = read_table(self.data_dir, TABLES[table], self.shown)
            ids = raw.frame[TABLES[table].id_column].tolist()
            self.read[table] = (raw, {row: position for position, row in enumerate(ids)})
        raw, positions = self.read[table]
        line = raw.line(positions[row_id]) if row_id in positions else None
        shown_value = None if value is None or pd.isna(value) else str(value)
        return Problem(raw.shown, line, column, f"notice: {message}", shown_value)


def _repeat_notices(dataset, added: dict[str, set], lines: _Lines) -> list[Problem]:
    notices = []
    for name, ids in added.items():
        if not ids:
            continue
        frame = dataset.tables[name]
        id_column = TABLES[name].id_column
        shared = frame["claim_id"].value_counts()
        for row in frame[frame[id_column].isin(ids)].to_dict("records"):
            if shared.get(row["claim_id"], 0) > 1:  # already reports a claim with others
                continue
            found = similar_claims(dataset, row=row, table=name, limit=1)
            if found.empty or found["score"].iloc[0] < REPEAT_SCORE:
                continue
            best = found.iloc[0]
            notices.append(
                lines.problem(
                    name,
                    row[id_column],
                    "claim_id",
                    f"may repeat {best['claim_id']} (score {best['score']:.2f}: {best['why']}; "
                    f"e.g. {best['row']}); give it that claim_id if it reports the same fact "
                    f"(sahel-nb claims find --like {row[id_column]})",
                    row.get("claim_id"),
                )
            )
    return notices


def _origin_notices(old, new, added: dict[str, set], lines: _Lines) -> list[Problem]:
    from .claims import claim_reports, claim_table

    def origins(dataset) -> tuple[dict, dict]:
        table = claim_table(dataset)
        keys = zip(table["table"], table["claim_id"], strict=True)
        counts = dict(zip(keys, table["origins"], strict=True))
        reports = claim_reports(dataset)
        reports = reports[reports["stance"] == "for"]
        named: dict[tuple, set] = {}
        for row in reports.to_dict("records"):
            if row["origin"] and not str(row["origin"]).startswith("("):
                named.setdefault((row["table"], row["claim_id"]), set()).add(row["origin"])
        return counts, named

    (before, old_named), (after, new_named) = origins(old), origins(new)
    notices = []
    for (table, claim_id), count in after.items():
        was = before.get((table, claim_id))
        if was is None or count <= was:
            continue
        gained = sorted(
            new_named.get((table, claim_id), set()) - old_named.get((table, claim_id), set())
        )
        frame = new.tables[table]
        id_column = TABLES[table].id_column
        rows = frame[(frame["claim_id"] == claim_id) & ~frame[id_column].isin(added[table])]
        for row in rows.to_dict("records"):
            credibility = row.get("credibility")
            if str(row.get("status")) in ("denied", "disputed") or pd.isna(credibility):
                continue
            if int(credibility) <= 1:
                continue
            notices.append(
                lines.problem(
                    table,
                    row[id_column],
                    "credibility",
                    f"{claim_id} gained an independent origin ({'; '.join(gained) or 'one more'}: "
                    f"{int(was)} → {int(count)}); this row's credibility may now rise "
                    "(1: confirmed by other sources)",
                    int(credibility),
                )
            )
    return notices


# --- one row, as the curation notebook writes it ------------------------------------------

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

    from .texts import text_problems
    from .validate import check_folder

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

    from .pages import write_atomically
    from .transaction import importing

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
