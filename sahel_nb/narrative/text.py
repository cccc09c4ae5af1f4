"""Footnoted sentences and the report that holds them: the narrative's building blocks."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pandas as pd

from ..cite import short_names

__all__ = ["Footnotes", "Report", "Sentence", "Text", "show"]


class Text:
    """Narrative text for a notebook cell: HTML-escaped for display, plain otherwise.

    A name from the data (``<script>``) shows as text in JupyterLab and in
    the report's HTML alike; nbval compares the plain form.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(self.text)}</p>"

    def __repr__(self) -> str:
        return self.text


def show(text: str) -> Text:
    """Wrap a computed sentence for display in a notebook.

    Examples
    --------
    >>> show("<b>AQIM</b> & co")._repr_html_()
    '<p>&lt;b&gt;AQIM&lt;/b&gt; &amp; co</p>'
    """
    return Text(text)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class Sentence:
    """One sentence built from data rows, with the numbers of the footnotes it cites."""

    kind: ClassVar[str] = "sentence"

    text: str
    notes: tuple[int, ...] = ()
    #: True for a count of what the report itself tells (the bottom line's
    #: "rests on 109 claims"): its figures are cited where each claim is told.
    summary: bool = False
    #: Who told it first, drawn (an inline SVG from :func:`sahel_nb.chains.chain_svg`):
    #: beside a contested or multiply-reported claim, else empty.
    chain: str = ""

    def __post_init__(self) -> None:
        # A citation ending "n.d." before the sentence's full stop: one stop, not two.
        object.__setattr__(self, "text", re.sub(r"\.\.(?=\s|$)", ".", self.text))

    def __str__(self) -> str:
        return self.text + "".join(f" [{n}]" for n in self.notes)


@dataclass
class Footnotes:
    """Numbers the citations of a text: one note per source, locator, status and grade.

    Examples
    --------
    >>> import pandas as pd
    >>> sources = pd.DataFrame({"source_id": ["g"], "author": ["Olivier Guitta"],
    ...                         "published": ["2010"], "title": ["A column"]})
    >>> notes = Footnotes(sources)
    >>> notes.cite([{"source_id": "g", "locator": "¶6", "status": "alleged", "credibility": 3}])
    (1,)
    >>> notes.lines()
    ['[1] Guitta 2010, ¶6 — alleged, credibility 3']
    """

    sources: pd.DataFrame
    keys: dict = field(default_factory=dict)

    def short(self, source_id: str) -> str:
        """Author's surname (else the publisher) and year, as a citation: ``Guitta 2010``."""
        return self._names().get(source_id, source_id)

    def _names(self) -> dict[str, str]:
        if not hasattr(self, "_short"):
            self._short = short_names(self.sources)
        return self._short

    def cite(self, rows) -> tuple[int, ...]:
        """Return the note numbers for ``rows`` (dicts or a DataFrame), adding new notes."""
        records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
        numbers = []
        for row in records:
            status = row.get("status")
            credibility = row.get("credibility")
            key = (
                row["source_id"],
                row["locator"],
                None if status is None or pd.isna(status) else str(status),
                None if credibility is None or pd.isna(credibility) else int(credibility),
            )
            numbers.append(self.keys.setdefault(key, len(self.keys) + 1))
        return tuple(sorted(set(numbers)))

    def lines(self) -> list[str]:
        """Every note as ``[n] Author year, locator — status, credibility c``."""
        lines = []
        for (source_id, locator, status, credibility), number in self.keys.items():
            grading = ", ".join(
                part
                for part in (
                    status,
                    None if credibility is None else f"credibility {credibility}",
                )
                if part
            )
            text = f"[{number}] {self.short(source_id)}, {locator}"
            lines.append(text + (f" — {grading}" if grading else ""))
        return lines

    def source_ids(self) -> list[str]:
        """The sources cited, in order of first citation."""
        return list(dict.fromkeys(key[0] for key in self.keys))


@dataclass
class Report:
    """A narrative built from the data: titled sections of footnoted sentences.

    Shown in a notebook as HTML (every string escaped by the template) and as
    plain text otherwise; the same words and numbers in both.
    """

    title: str
    period: str
    sections: list[tuple[str, list[Sentence]]]
    notes: list[str]
    sources: list[str]
    #: True when nothing in the data falls in the period.
    empty: bool = False
    #: "Information as of …": the date of the latest source cited.
    as_of: str = ""
    #: How the analyst's judgments are checked and matrices scored (method, not data).
    method: list[str] = field(default_factory=list)
    #: The assessment's scope, cut-off and production date, one line each (empty: none).
    front: list[str] = field(default_factory=list)
    #: Index of the first section of the evidence annex (None: no assessment, no annex).
    annex_at: int | None = None

    def section(self, heading: str) -> list[Sentence]:
        """The sentences under ``heading`` (empty when the report has no such section)."""
        return next((said for title, said in self.sections if title == heading), [])

    def __repr__(self) -> str:
        lines = [self.title, *self.front, self.as_of, self.period, ""]
        for at, (heading, sentences) in enumerate(self.sections):
            if at == self.annex_at:
                lines += ["Annex: the evidence", ""]
                if self.method:
                    lines += ["How the judgments are checked", *self.method, ""]
            lines += [heading, *(f"- {s}" for s in sentences or ["nothing in this period"]), ""]
        lines += ["Notes", *self.notes, "", "Sources", *self.sources]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from ..pages import render

        return render("situation_report.html.j2", report=self)

    def write(self, path) -> Path:
        """Write the report as a standalone HTML page (no script, nothing fetched)."""
        from ..pages import render, write_atomically

        return write_atomically(path, render("report_page.html.j2", report=self))

    def write_hypotheses(self, path) -> Path | None:
        """Write the report's ACH matrices as a page of their own; None when it has none."""
        from ..pages import render, write_atomically

        matrices = [m for _, items in self.sections for m in items if m.kind == "matrix"]
        if not matrices:
            return None
        method = [line for line in self.method if line.startswith("Following Heuer")]
        page = render("ach_page.html.j2", report=self, matrices=matrices, method=method)
        return write_atomically(path, page)


def _lower(text: str) -> str:
    """``It is likely …`` → ``it is likely …``, for a clause after a colon."""
    return text[:1].lower() + text[1:]
