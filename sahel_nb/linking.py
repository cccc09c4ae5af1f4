"""A run's pages linked together: actor names to their profile pages, footnotes to their sources."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .pages import write_atomically

__all__ = ["ADDED_CLASS", "LINK_CLASS", "link_page", "linkable", "source_links"]

#: The class of every link this module wraps around page text: linking again unwraps them.
LINK_CLASS = "sahel-link"
#: The class of what this module adds beside page text (a source's address): removed first.
ADDED_CLASS = "sahel-added"
# Text there is code, a title, an existing link or an SVG drawing: never linked.
_SKIP = {"a", "script", "style", "title", "head", "svg", "code", "pre", "textarea"}


def linkable(path: str | os.PathLike) -> bool:
    """Whether a page is a document to link: no script (graph pages hold their text in data)."""
    return "<script" not in Path(path).read_text(encoding="utf-8", errors="replace").lower()


def source_links(sources) -> dict[str, dict[str, str]]:
    """Each source's short citation name (``Guitta 2010``) with its id and address (url).

    ``sources`` is the sources table as loaded, or as plain text columns.
    """
    from .cite import short_names

    names = short_names(sources)
    # An older data folder may have no url column: its sources simply get no address.
    urls = dict(zip(sources["source_id"], sources["url"], strict=True)) if "url" in sources else {}
    found = {}
    for source_id, short in names.items():
        url = urls.get(source_id)
        url = url if isinstance(url, str) and re.match(r"https?://", url) else ""
        found[short] = {"id": str(source_id), "url": url}
    return found


def _actor_pattern(actors: dict[str, str]) -> re.Pattern | None:
    names = sorted({name for name in actors if name.strip()}, key=len, reverse=True)
    if not names:
        return None
    # Whole names only: "AQIM" must not link inside "AQIMs" or "MAQIM".
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)")


def _link_actors(soup, actors: dict[str, str], own: str) -> int:
    pattern = _actor_pattern(actors)
    if pattern is None or soup.body is None:
        return 0
    added = 0
    for text in list(soup.body.find_all(string=pattern)):
        if any(parent.name in _SKIP for parent in text.parents):
            continue
        if type(text).__name__ != "NavigableString":  # comments, CDATA, doctype
            continue
        pieces, last = [], 0
        for match in pattern.finditer(text):
            href = actors[match.group(1)]
            if href == own:  # a profile page does not link to itself
                continue
            pieces.append(text[last : match.start()])
            link = soup.new_tag("a", href=href, attrs={"class": LINK_CLASS})
            link.string = match.group(1)
            pieces.append(link)
            last = match.end()
            added += 1
        if pieces:
            pieces.append(text[last:])
            text.replace_with(*[p for p in pieces if p != ""])
    return added


def _link_notes(soup, sources: dict[str, dict[str, str]]) -> int:
    """Give each source entry an id and its address; link each footnote's source name to it.

    The situation report lists notes as ``[n] Guitta 2010, ¶6 — …`` in an
    ``ol.notes`` and its sources as ``Guitta 2010: …`` in the list after it.
    """
    added = 0
    shorts = sorted(sources, key=len, reverse=True)
    for notes in soup.select("ol.notes"):
        entries = notes.find_next("ul")
        if entries is not None:
            for item in entries.find_all("li", recursive=False):
                short = next((s for s in shorts if item.get_text().startswith(f"{s}:")), None)
                if short is None:
                    continue
                item["id"] = f"source-{sources[short]['id']}"
                if sources[short]["url"]:
                    address = soup.new_tag("span", attrs={"class": ADDED_CLASS})
                    link = soup.new_tag("a", href=sources[short]["url"])
                    link.string = sources[short]["url"]
                    address.append(" ")
                    address.append(link)
                    item.append(address)
                    added += 1
        for item in notes.find_all("li", recursive=False):
            first = item.contents[0] if item.contents else None
            if type(first).__name__ != "NavigableString":
                continue
            match = re.match(r"(\[\d+\] )(.*)", str(first), re.S)
            short = match and next((s for s in shorts if match.group(2).startswith(s)), None)
            if not short:
                continue
            link = soup.new_tag(
                "a", href=f"#source-{sources[short]['id']}", attrs={"class": LINK_CLASS}
            )
            link.string = short
            first.replace_with(match.group(1), link, match.group(2)[len(short) :])
            added += 1
    return added


def link_page(
    path: str | os.PathLike,
    *,
    actors: dict[str, str] | None = None,
    sources: dict[str, dict[str, str]] | None = None,
) -> int:
    """Link a page in place: actor names to profile pages, footnotes to source entries.

    ``actors`` maps an actor's name to the href of its profile page as seen
    from this page; ``sources`` is :func:`source_links`. Links this module
    added before are removed first, so linking again (a run reused into a
    new report) gives the same page. Text inside links, code, scripts, styles
    and SVG drawings is left alone; every string stays escaped (the page is
    parsed and written back by BeautifulSoup). Returns the number of links
    added; the file is rewritten only when it changes.
    """
    from bs4 import BeautifulSoup

    path = Path(path)
    original = path.read_text(encoding="utf-8")
    soup = BeautifulSoup(original, "html.parser")
    for old in soup.select(f".{ADDED_CLASS}"):
        old.decompose()
    for old in soup.select(f"a.{LINK_CLASS}"):
        old.unwrap()
    for item in soup.select('li[id^="source-"]'):
        del item["id"]
    soup.smooth()  # unwrapped names are whole text again, to be found and linked anew
    own = f"../{path.parent.name}/{path.name}"
    added = _link_notes(soup, sources or {}) + _link_actors(soup, actors or {}, own)
    # BeautifulSoup ends a doctype with a newline of its own: without this, each
    # linking would add one, and a reused page would differ from the first.
    text = re.sub(r"(<!DOCTYPE[^>]*>)\n", r"\1", str(soup), count=1, flags=re.IGNORECASE)
    if text != original:
        write_atomically(path, text)
    return added
