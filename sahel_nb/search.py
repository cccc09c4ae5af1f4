"""Offline search over a run's pages: their text extracted once, inlined in the index page."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["MAX_TEXT", "page_text", "search_entries"]

#: Characters of a page's text kept for search: a page of a million rows stays searchable
#: by its beginning without making the index page hundreds of megabytes.
MAX_TEXT = 200_000


def page_text(path: str | os.PathLike) -> tuple[str, str]:
    """A page's title and its visible text as one line (scripts, styles and data left out).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "p.html"
    >>> _ = page.write_text("<title>T &amp; U</title><style>b{}</style><p>AQIM <b>met</b>\\n x</p>")
    >>> page_text(page)
    ('T & U', 'AQIM met x')
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(Path(path).read_text(encoding="utf-8", errors="replace"), "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else Path(path).stem
    for element in soup(["script", "style", "head", "title", "template"]):
        element.decompose()
    text = " ".join(soup.get_text(" ").split())
    return title, text[:MAX_TEXT]


def search_entries(folder: str | os.PathLike, pages: list[str]) -> list[dict]:
    """One search entry ``{url, title, text}`` per page of ``pages`` (paths under ``folder``)."""
    entries = []
    for page in pages:
        title, text = page_text(Path(folder) / page)
        entries.append({"url": page, "title": title, "text": text})
    return entries
