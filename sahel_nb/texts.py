"""Source texts: where they are kept, their numbered paragraphs, and the checks rows owe them."""

from __future__ import annotations

import calendar
import datetime
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pycountry

from .csvfile import RawTable
from .exceptions import SahelNbError
from .paths import PROJECT_ROOT, curated_data_dir

__all__ = [
    "COPIED_WORDS",
    "SHARED_SOURCES",
    "SOURCES_ENV_VAR",
    "copied_run",
    "date_parts",
    "find_text",
    "locator_paragraphs",
    "new_text_folder",
    "paragraphs",
    "read_paragraphs",
    "stored_name",
    "text_folders",
    "text_problems",
]

#: Environment variable naming the folder of source texts.
SOURCES_ENV_VAR = "SAHEL_NB_SOURCES"
#: Where the curated data's texts are kept: beside the clone, outside the repository
#: (their reuse terms keep them out of it).
SHARED_SOURCES = PROJECT_ROOT.parent / "shared" / "sources"


def _shared_folders() -> list[Path]:
    """``../shared/sources`` beside the clone, and beside its main checkout for a git worktree.

    A worktree (``git worktree add /tmp/wt-x``) is a clone whose ``.git`` is a
    file naming ``<main>/.git/worktrees/<name>``: the texts are beside
    ``<main>``, where the repository was cloned, not beside the worktree.
    """
    folders = [SHARED_SOURCES]
    marker = PROJECT_ROOT / ".git"
    if marker.is_file():
        line = marker.read_text(encoding="utf-8", errors="replace").strip()
        if line.startswith("gitdir:"):
            gitdir = Path(line.removeprefix("gitdir:").strip())
            if gitdir.parent.name == "worktrees" and gitdir.parents[1].name == ".git":
                folders.append(gitdir.parents[2].parent / "shared" / "sources")
    return folders


#: A run of this many words shared with the cited paragraph is copying.
COPIED_WORDS = 8

# "Stored as shared/sources/guitta-mali-aqim-haven.txt;" or "Stored as bbc-2003.txt in …":
# a source row says it is held by naming its stored file in its notes.
_STORED = re.compile(r"\bStored as (?:\S*/)?([^\s/;,]+\.txt)\b")
_PARAGRAPH = re.compile(r"¶(\d+)(?:\s*[–-]\s*(\d+))?")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
# Words the row quotes are the source's own by design: "…", “…”, «…».
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»")


def paragraphs(text: str) -> list[str]:
    """Split a source text into its numbered paragraphs: blocks between blank lines.

    The one definition every locator (``¶6``) counts by: paragraph 1 is the
    first block of text from the top of the file, and any run of blank lines
    (spaces allowed) separates two paragraphs.

    Examples
    --------
    >>> paragraphs("Title\\n\\nFirst line\\nstill first.\\n \\n\\nSecond.\\n")
    ['Title', 'First line\\nstill first.', 'Second.']
    """
    return [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]


def locator_paragraphs(locator: str) -> list[int]:
    """The paragraph numbers a locator names, ranges expanded (pages and rows name none).

    Examples
    --------
    >>> locator_paragraphs("¶2, ¶11–13")
    [2, 11, 12, 13]
    >>> locator_paragraphs("p. 4")
    []
    """
    numbers: list[int] = []
    for first, last in _PARAGRAPH.findall(str(locator)):
        numbers.extend(range(int(first), int(last or first) + 1))
    return numbers


def stored_name(notes) -> str | None:
    """The file name of a held source's text, as its notes name it ("Stored as …").

    Examples
    --------
    >>> stored_name("Stored as shared/sources/guitta-mali-aqim-haven.txt; locators …")
    'guitta-mali-aqim-haven.txt'
    >>> stored_name("Not held; known only through mg-2003 ¶8.") is None
    True
    """
    if notes is None or pd.isna(notes):
        return None
    found = _STORED.search(str(notes))
    return found.group(1) if found else None


def text_folders(data_dir: str | os.PathLike) -> list[Path]:
    """The folders searched for a data folder's source texts, in order.

    ``$SAHEL_NB_SOURCES`` when set; then ``sources/`` beside the data folder,
    so an analyst's clone keeps its texts with its data; then the curated
    data's texts in ``../shared/sources/`` beside the clone (and beside its
    main checkout, for a git worktree), which a copy of the curated data
    (``cp -r data ~/my-data``) still cites.

    Examples
    --------
    >>> text_folders("/home/me/my-data")[-1].parts[-2:]
    ('shared', 'sources')
    """
    folders = []
    override = os.environ.get(SOURCES_ENV_VAR, "").strip()
    if override:
        # Absolute: a relative folder said in a message is no help from elsewhere.
        folders.append(Path(override).expanduser().absolute())
    folders.append(Path(data_dir).expanduser().absolute().parent / "sources")
    folders.extend(_shared_folders())
    return list(dict.fromkeys(folders))


def new_text_folder(data_dir: str | os.PathLike) -> Path:
    """Where ``sahel-nb source add`` stores a new text for ``data_dir``.

    ``$SAHEL_NB_SOURCES`` when set; for the curated data, its own texts'
    folder; else ``sources/`` beside the data folder.
    """
    override = os.environ.get(SOURCES_ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser().absolute()
    data_dir = Path(data_dir).expanduser().absolute()
    if data_dir.resolve() == curated_data_dir().resolve():
        return next((f for f in _shared_folders() if f.is_dir()), SHARED_SOURCES)
    return data_dir.parent / "sources"


def find_text(name: str, data_dir: str | os.PathLike) -> Path | None:
    """The first file called ``name`` in :func:`text_folders`, or None."""
    for folder in text_folders(data_dir):
        if (folder / name).is_file():
            return folder / name
    return None


def read_paragraphs(path: Path) -> list[str]:
    """The numbered paragraphs of a stored text file."""
    try:
        return paragraphs(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SahelNbError(f"{path}: is not UTF-8 text; save it as UTF-8 and try again") from None


# --- the checks ------------------------------------------------------------------


#: The column of each table holding our own words about the row.
PROSE = {"actors": "description", "events": "description", "relationships": "note", "flows": "note"}
#: The columns of our own words, by table: checked for words copied from the text.
OWN_WORDS = {**{table: (column,) for table, column in PROSE.items()}, "flows": ("note", "in_kind")}
#: The columns naming actors, by table.
ACTOR_COLUMNS = {
    "relationships": ("actor_a", "actor_b"),
    "events": ("actor1", "actor2", "assoc_actors"),
    "flows": ("payer", "payee", "intermediary"),
}
DATE_COLUMNS = {"relationships": ("start", "end"), "events": ("date",), "flows": ("date",)}
_MONTHS = {
    number: (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
    for number in range(1, 13)
}
_FULL_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


#: Typographic apostrophes, as news copy writes them: read as the plain one.
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


def _folded(text: str) -> str:
    """Lower case without accents, apostrophes plain: "al-Qa’ida" finds "al-Qa'ida", "Touré" "Toure"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(_APOSTROPHES).lower()


def _words(text: str) -> list[str]:
    return _WORD.findall(_folded(text))


def copied_run(prose: str, source: str, size: int = COPIED_WORDS) -> str | None:
    """The first run of ``size`` words of ``prose`` found in ``source``, quoted words aside.

    Examples
    --------
    >>> text = "The kidnappers released the hostages near the border after long talks."
    >>> copied_run("Then the kidnappers released the hostages near the border after talks.", text)
    'the kidnappers released the hostages near the border'
    >>> copied_run('They said "the kidnappers released the hostages near the border".', text)
    """
    runs = {" ".join(w[i : i + size]) for w in [_words(source)] for i in range(len(w) - size + 1)}
    for part in _QUOTED.split(prose):  # each stretch between quotations on its own
        words = _words(part)
        for start in range(len(words) - size + 1):
            run = " ".join(words[start : start + size])
            if run in runs:
                return run
    return None


def _mentions_month(text: str, month: int) -> bool:
    full, short = _MONTHS[month]
    return re.search(rf"\b(?:{full}|{short}\.?)\b", text) is not None or bool(
        re.search(rf"\b\d{{4}}-{month:02d}\b", text)
    )


def _mentions_day(text: str, month: int, day: int) -> bool:
    if re.search(rf"\b\d{{4}}-{month:02d}-{day:02d}\b", text):
        return True
    return re.search(rf"(?<![\d.,$€£])0?{day}(?:st|nd|rd|th)?\b(?![.,]\d)", text) is not None


def date_parts(value: str) -> list[tuple[int, int, int | None]]:
    """(year, month, day) of every real date more precise than a year in a partial date.

    A part that is no date (month 13, 30 February) is left out: the date's
    own check says so, and a text cannot be asked about a day that never was.

    Examples
    --------
    >>> date_parts("2006-09/2006-10-02")
    [(2006, 9, None), (2006, 10, 2)]
    >>> date_parts("2003~")
    []
    >>> date_parts("2009-13/2009-02-30")
    []
    """
    parts = []
    for year, month, day in _FULL_DATE.findall(str(value)):
        try:
            datetime.date(int(year), int(month), int(day or 1))
        except ValueError:
            continue
        parts.append((int(year), int(month), int(day) if day else None))
    return parts


def _published(sources: pd.DataFrame) -> dict[str, list[tuple[int, int, int | None]]]:
    frame = sources.dropna(subset=["source_id"])
    return {
        sid: date_parts(published) if isinstance(published, str) else []
        for sid, published in zip(frame["source_id"], frame["published"], strict=True)
    }


class _Texts:
    """Each held source's paragraphs, read once; missing texts reported once, on sources.csv."""

    def __init__(self, raws: dict[str, RawTable], data_dir: Path) -> None:
        self.paragraphs: dict[str, list[str]] = {}
        self.files: dict[str, str] = {}
        sources = raws["sources"]
        if sources.frame is None or not {"source_id", "notes"} <= set(sources.frame):
            return
        folders = text_folders(data_dir)
        frame = sources.frame
        for position, source_id, notes in zip(
            frame.index, frame["source_id"], frame["notes"], strict=True
        ):
            name = stored_name(notes)
            if name is None or not isinstance(source_id, str):
                continue
            path = find_text(name, data_dir)
            if path is None:
                searched = ", ".join(str(folder) for folder in folders)
                sources.problem(
                    sources.line(position),
                    "notes",
                    f"{source_id} is held, but its text is in none of the folders searched "
                    f"({searched}); put the file there, or set ${SOURCES_ENV_VAR} to its folder",
                    name,
                )
                continue
            try:
                self.paragraphs[source_id] = read_paragraphs(path)
            except SahelNbError as error:
                sources.problem(sources.line(position), "notes", str(error), name)
                continue
            self.files[source_id] = path.name


#: Actors a source names through their country: "Mali's government", "Malian
#: authorities", "the German chancellor" name the state, its government or its forces.
_OF_A_COUNTRY = {"state", "government", "government official", "security forces"}


#: Actors that are one person, named by surname after the first mention.
_PEOPLE = {"individual", "government official"}


def _country_stem(code) -> str | None:
    """The start every word for a country shares: Mali, Malian; German, Germany."""
    country = pycountry.countries.get(alpha_3=code) if isinstance(code, str) else None
    if country is None:
        return None
    name = _folded(getattr(country, "common_name", country.name))
    return name[:-1] if name.endswith("y") else name


def _actor_names(actors: RawTable) -> dict[str, list[str]]:
    """Each named actor's spellings, folded; unnamed actors have none to look for.

    A spelling ending in ``*`` matches any word it starts (a country's stem).
    """
    frame = actors.frame
    if frame is None or not {"actor_id", "name"} <= set(frame):
        return {}
    names = {}
    for row in frame.to_dict("records"):
        if row.get("unnamed") == "true" or not isinstance(row["actor_id"], str):
            continue
        aliases = row.get("aliases")
        spelt = [row["name"], *(aliases.split("|") if isinstance(aliases, str) else [])]
        spellings = [_folded(s.strip()) for s in spelt if isinstance(s, str)]
        if row.get("actor_type") in _PEOPLE:
            # Reports name a person by surname once introduced ("Toure allegedly …").
            spellings += [s.split()[-1] for s in spellings if len(s.split()) > 1]
            spellings = [s for s in dict.fromkeys(spellings) if len(s) >= 4 or " " in s]
        stem = _country_stem(row.get("country")) if row.get("actor_type") in _OF_A_COUNTRY else None
        names[row["actor_id"]] = spellings + ([stem + "*"] if stem else [])
    return names


def _named(text: str, spellings: Iterable[str]) -> bool:
    for spelling in spellings:
        if not spelling:
            continue
        if spelling.endswith("*"):
            pattern = rf"(?<!\w){re.escape(spelling[:-1])}"
        else:
            pattern = rf"(?<!\w){re.escape(spelling)}(?!\w)"
        if re.search(pattern, text):
            return True
    return False


# Rows say when the analyst links an actor the paragraph does not name
# ("gspc is the analyst's link") or reads a day from the article's date
# ("on Tuesday, read by the analyst as 19 August 2003"): said, not warned of.
_LINK = re.compile(r"analyst['’]s link")
_DATE_READ = re.compile(
    r"read by the analyst as|the analyst['’]s reckoning"
    r"|inferred from the (?:article|source|report)"
    r"|(?:day|month|year|date) is the (?:article|source|report)['’]s"
)


def _linked(prose) -> set[str]:
    """The words of each clause saying "… is the analyst's link" (the ids it names).

    Examples
    --------
    >>> sorted(_linked("Unnamed here (gspc is the analyst's link). Else."))
    ['analyst', 'gspc', 'is', 'link', 's', 'the']
    """
    if not isinstance(prose, str):
        return set()
    words = set()
    # The clause around each mention, found by looking out from it: a pattern
    # spanning the clause backtracked over every character of a long cell.
    for found in _LINK.finditer(prose):
        start = max(prose.rfind(c, 0, found.start()) for c in ".;(") + 1
        ends = [i for i in (prose.find(c, found.end()) for c in ".;)") if i >= 0]
        clause = prose[start : min(ends, default=len(prose))]
        words.update(re.findall(r"[\w.-]+", clause))
    return words


def text_problems(raws: dict[str, RawTable], data_dir: str | os.PathLike) -> None:
    """Check every row citing a held source against its text; add problems to ``raws``.

    Errors: a held source whose text is in no folder searched; a locator
    naming a paragraph the text does not have; a description or note
    sharing a run of :data:`COPIED_WORDS` words with a cited paragraph
    (words in quotation marks aside). Warnings: a date whose month or day
    is in no cited paragraph, nor in the source's own date; an actor whose
    name and aliases are in no cited paragraph.
    """
    texts = _Texts(raws, Path(data_dir))
    if not texts.paragraphs:
        return
    published = _published(raws["sources"].frame)
    names = _actor_names(raws["actors"])
    for name, raw in raws.items():
        frame = raw.frame
        if name == "sources" or frame is None or not {"source_id", "locator"} <= set(frame):
            continue
        cited = frame["source_id"].isin(list(texts.paragraphs)).to_numpy(bool)
        for position, row in frame[cited].iterrows():
            _row_problems(raw, position, row, texts, published.get(row["source_id"], []), names)


def _row_problems(raw, position, row, texts: _Texts, own_date, names) -> None:
    source_id, locator = row["source_id"], row["locator"]
    if not isinstance(locator, str):
        return
    line = raw.line(position)
    blocks = texts.paragraphs[source_id]
    numbers = locator_paragraphs(locator)
    if not numbers and "¶" not in locator:
        # A held text has paragraphs, not pages or rows: "p. 2" would leave the
        # row unchecked against it (copied words, dates, actors).
        raw.problem(
            line,
            "locator",
            f"names no paragraph, but the text of {source_id} is held and counted in "
            f"paragraphs (¶1 to ¶{len(blocks)}); cite them, e.g. ¶1, as sahel-nb source show "
            f"{source_id} numbers them",
            locator,
        )
        return
    missing = [n for n in numbers if not 1 <= n <= len(blocks)]
    if missing:
        raw.problem(
            line,
            "locator",
            f"names ¶{missing[0]}, but {texts.files[source_id]} has {len(blocks)} paragraphs; "
            f"see them with: sahel-nb source show {source_id}",
            locator,
        )
    shown = [blocks[n - 1] for n in numbers if 1 <= n <= len(blocks)]
    if not shown:
        return
    text = _folded("\n".join(shown))
    where = f"{source_id} {locator}"
    table = raw.table.name
    prose = row.get(PROSE.get(table, ""))
    for column in OWN_WORDS.get(table, ()):
        _copy_problem(raw, line, column, row.get(column), text, blocks, numbers, source_id, where)
    read = isinstance(prose, str) and _DATE_READ.search(prose) is not None
    for column in DATE_COLUMNS.get(table, ()):
        value = row.get(column)
        if not isinstance(value, str):
            continue
        if read:
            _read_date_warning(raw, line, column, value, _folded(prose), own_date)
        else:
            _date_warning(raw, line, column, value, text, own_date, where)
    linked = _linked(prose)
    if table == "actors":
        columns = {"actor_id": [row["actor_id"]]}
    else:
        columns = {
            c: row[c].split("|")
            for c in ACTOR_COLUMNS.get(table, ())
            if isinstance(row.get(c), str)
        }
    for column, actor_ids in columns.items():
        for actor_id in actor_ids:
            spellings = names.get(actor_id)
            if spellings and actor_id not in linked and not _named(text, spellings):
                raw.problem(
                    line,
                    column,
                    f"neither the name nor an alias of {actor_id} is in {where}; "
                    "add the source's spelling to its aliases, or check the locator",
                    actor_id,
                    warning=True,
                )


def _copy_problem(raw, line, column, words, text, blocks, numbers, source_id, where) -> None:
    """An error for words copied from the cited paragraphs; a warning for words copied from others."""
    if not isinstance(words, str):
        return
    run = copied_run(words, text)
    if run is not None:
        raw.problem(
            line,
            column,
            f"copies {COPIED_WORDS}+ words in a row from {where}; say it in our own words, "
            "or put the source's words in quotation marks",
            run,
        )
        return
    for number, block in enumerate(blocks, start=1):
        if number in numbers:
            continue
        run = copied_run(words, _folded(block))
        if run is not None:
            raw.problem(
                line,
                column,
                f"copies {COPIED_WORDS}+ words in a row from {source_id} ¶{number}, which the "
                "locator does not cite; say it in our own words (and check the locator)",
                run,
                warning=True,
            )
            return


def _unsaid(text: str, month: int, day: int | None) -> str | None:
    """The part of a date ``text`` does not give (``month (August)``, ``day (19)``), or None."""
    if not _mentions_month(text, month):
        return f"month ({calendar.month_name[month]})"
    if day is not None and not _mentions_day(text, month, day):
        return f"day ({day})"
    return None


def _read_date_warning(raw, line, column, value, words, own_date) -> None:
    """Warn when a row that says it read its date gives neither that date nor the source's.

    Saying "read by the analyst as …" stands for the text's silence only with
    the date read written out: the row's words must give each month and day
    of ``value``, or they must be the source's own date.
    """
    for _, month, day in date_parts(value):
        if any(m == month and (day is None or d == day) for _, m, d in own_date):
            continue
        what = _unsaid(words, month, day)
        if what is None:
            continue
        raw.problem(
            line,
            column,
            f"the row says how its date was read, but its words do not give the {what}, "
            "nor is it the source's own date; write the date read in the row's words "
            '("read by the analyst as 19 August 2003")',
            value,
            warning=True,
        )
        return


def _date_warning(raw, line, column, value, text, own_date, where) -> None:
    """Warn of the first month or day of ``value`` the cited paragraphs do not give.

    Called only for rows that do not say they read the date themselves.
    """
    for _, month, day in date_parts(value):
        what = _unsaid(text, month, day)
        if what is None:
            continue
        if any(m == month and (day is None or d == day) for _, m, d in own_date):
            advice = (
                "it is the source's own date: say so in the row's words "
                '("read by the analyst as …")'
            )
        else:
            advice = (
                "write the date no more precisely than the source gives it, or say how "
                'it was read ("read by the analyst as …")'
            )
        raw.problem(line, column, f"the {what} is not in {where}; {advice}", value, warning=True)
        return
