"""The parts of an actor profile: a card's facts and sections, the card, the profile's tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Card", "Fact", "Profile", "Section", "shorten"]


@dataclass(frozen=True)
class Fact:
    """One line of a card, with how well it is supported and where it comes from."""

    text: str
    support: str = ""
    source: str = ""

    def plain(self) -> str:
        """The fact as one line of text."""
        text = self.text
        if self.support:
            text += f" — {self.support}"
        if self.source:
            text += f" [{self.source}]"
        return text


@dataclass(frozen=True)
class Section:
    """A heading with its facts, a sentence when there is none, and an optional table."""

    heading: str
    facts: tuple[Fact, ...] = ()
    empty: str = ""
    note: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()


@dataclass(frozen=True)
class Card:
    """An actor at a glance: identity, then sections, each fact with its support.

    Shown as HTML in a notebook (an autoescaped template) and as plain text
    elsewhere; :meth:`section` finds a section by its heading.
    """

    name: str
    identity: tuple[tuple[str, str], ...]
    description: str
    sections: tuple[Section, ...]

    def section(self, heading: str) -> Section:
        """The section with this heading; KeyError if the card has none."""
        for section in self.sections:
            if section.heading == heading:
                return section
        raise KeyError(heading)

    def _repr_html_(self) -> str:
        from ..pages import render

        return render("profile_card.html.j2", card=self)

    def __str__(self) -> str:
        lines = [self.name]
        lines += [f"{label}: {value}" for label, value in self.identity]
        if self.description:
            lines.append(self.description)
        for section in self.sections:
            lines += ["", section.heading]
            lines += [f"  - {fact.plain()}" for fact in section.facts]
            if section.rows:
                lines.append("  " + " | ".join(section.columns))
                lines += ["  " + " | ".join(str(v) for v in row) for row in section.rows]
            if not section.facts and not section.rows and section.empty:
                lines.append(f"  {section.empty}")
            if section.note:
                lines.append(f"  {section.note}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)


@dataclass
class Profile:
    """Everything the data says about one actor, as tables with their sources."""

    actor: dict
    ties: pd.DataFrame
    events: pd.DataFrame
    flows: pd.DataFrame
    sources: pd.DataFrame
    _card: Card | None = field(default=None, repr=False)

    def summary(self) -> str:
        """One sentence counting what the data holds on the actor."""
        a = self.actor
        signs = self.ties["sign"].value_counts()
        tie_text = ", ".join(f"{int(n)} {sign}" for sign, n in signs.items())
        text = (
            f"{a['name']} ({a['actor_type']}"
            + (f", {a['country']}" if a["country"] else "")
            + f") appears in {_count(len(self.ties), 'relationship')}"
            + (f" ({tie_text})" if tie_text else "")
            + f", {_count(len(self.events), 'event')} and {_count(len(self.flows), 'flow')}, "
            f"citing {_count(len(self.sources), 'source')}."
        )
        inherited = sum(
            _inherited(column)
            for column in (self.ties["other"], self.events["role"], self.flows["role"])
        )
        if inherited:
            text += (
                f" {inherited} of these {'is' if inherited == 1 else 'are'} its predecessors' "
                "record, marked as such."
            )
        if a["unnamed"]:
            text += " The source does not name this actor; it describes it as a group or role."
        return text

    def card(self) -> Card:
        """The actor at a glance: names, lineage, leaders and members, designations, key
        events, ties by year and money, each fact with its support level.

        Examples
        --------
        >>> from sahel_nb import actor_profile, load_dataset
        >>> card = actor_profile(load_dataset(), "aqim").card()
        >>> card.section("Lineage").facts[0].text
        'Grew out of Salafist Group for Preaching and Combat'
        """
        if self._card is None:
            raise ValueError("this profile was built without its card; use actor_profile()")
        return self._card


def _inherited(values: pd.Series) -> int:
    """How many rows of a profile's table are its predecessors' record (none in an empty one)."""
    if values.empty:  # an actor with no ties: an empty column of no text type
        return 0
    return int(values.astype("str").str.contains("(as its predecessor", regex=False).sum())


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, list) and pd.isna(value)) else str(value)


def shorten(text: str, limit: int = 180) -> str:
    """``text`` whole if it fits in ``limit`` characters, else cut between words with "…".

    Examples
    --------
    >>> shorten("The column says AQIM uses northern Mali as a sanctuary.", 30)
    'The column says AQIM uses…'
    >>> shorten("Short enough.", 30)
    'Short enough.'
    """
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else ""
    # A cut never ends on a dangling comma, dash or opening bracket.
    cut = cut.rstrip(" ,;:–—-([")
    if not cut:
        return text
    # After a full stop the ellipsis stands apart: "arms. …", never "arms.…".
    return f"{cut} …" if cut.endswith((".", "!", "?")) else f"{cut}…"
