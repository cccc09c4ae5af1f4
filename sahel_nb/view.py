"""Tables and figure captions for notebook cells: chosen columns, formatted numbers, escaped text, sources."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ._gc import paused
from .cite import locator_lists
from .narrative import Footnotes, Text

__all__ = ["Caption", "Table", "caption", "table"]


class Table:
    """A table for a notebook cell: HTML for readers, aligned text for nbval and terminals.

    Numbers in ``money`` columns get thousands separators and no decimals;
    empty cells stay empty (an unknown is not zero); partial dates and all
    other text are shown as written, HTML-escaped.
    """

    def __init__(self, frame: pd.DataFrame, money: Iterable[str], caption: str | None, name: str):
        self.frame = frame
        self.money = [c for c in money if c in frame.columns]
        self.caption = caption
        self.name = name

    def _shown(self) -> pd.DataFrame:
        shown = self.frame.copy()
        for column in shown.columns:
            values = shown[column]
            if column in self.money:
                shown[column] = [
                    "" if pd.isna(v) else f"{float(v):,.0f}" for v in values.astype(object)
                ]
            else:
                shown[column] = ["" if _missing(v) else str(v) for v in values.astype(object)]
        return shown

    def _repr_html_(self) -> str:
        if self.frame.empty:  # a sentence, not a header over nothing
            said = f"{self.caption}: none." if self.caption else "None."
            return f"<p>{html.escape(said)}</p>"
        styler = self._shown().style.hide(axis="index").format(escape="html")
        # A fixed id instead of pandas' random one keeps the output the same on every run.
        styler = styler.set_uuid(self.name)
        if self.money:
            styler = styler.set_properties(subset=self.money, **{"text-align": "right"})
        if self.caption:
            styler = styler.set_caption(html.escape(self.caption))
        return styler.to_html()

    def __repr__(self) -> str:
        if self.frame.empty:  # pandas' "Empty DataFrame / Columns: […]" says nothing to a reader
            return f"{self.caption}: none." if self.caption else "None."
        text = self._shown().to_string(index=False)
        return f"{self.caption}\n{text}" if self.caption else text


def _missing(value) -> bool:
    return value is None or (not isinstance(value, list | tuple) and pd.isna(value))


def table(
    frame: pd.DataFrame,
    columns: Iterable[str] | None = None,
    *,
    money: Iterable[str] = (),
    caption: str | None = None,
    limit: int = 200,
) -> Table:
    """Show ``columns`` of ``frame`` with formatted ``money`` columns and a caption.

    At most ``limit`` rows are shown, the first ones, and the caption says
    how many there are in all: a notebook cell stays readable (and under a
    megabyte) when an import brings half a million rows.

    Examples
    --------
    >>> frame = pd.DataFrame({"payer": ["<b>Germany</b>"], "usd": [7300000.0], "date": ["2003"]})
    >>> print(repr(table(frame, money=["usd"])))
             payer       usd date
    <b>Germany</b> 7,300,000 2003
    >>> "&lt;b&gt;Germany" in table(frame)._repr_html_()
    True
    """
    chosen = frame if columns is None else frame[list(columns)]
    name = re.sub(r"\W+", "_", (caption or "table").lower())[:40] or "table"
    if len(chosen) > limit:
        shown = f"the first {limit:,} of {len(chosen):,} rows"
        caption = f"{caption} ({shown})" if caption else shown[0].upper() + shown[1:]
        chosen = chosen.head(limit)
    return Table(chosen.reset_index(drop=True), money, caption, name)


class Caption(Text):
    """A figure's caption naming the sources behind it; escaped in HTML."""

    def _repr_html_(self) -> str:
        return f'<p style="font-size: 90%; color: #555"><em>{html.escape(self.text)}</em></p>'


@paused()
def caption(title: str, rows: pd.DataFrame, sources: pd.DataFrame) -> Caption:
    """Caption a figure with the sources and paragraphs of the rows it draws.

    Examples
    --------
    >>> rows = pd.DataFrame({"source_id": ["g", "g"], "locator": ["¶6", "¶4, ¶6"]})
    >>> sources = pd.DataFrame({"source_id": ["g"], "author": ["Olivier Guitta"],
    ...                         "published": ["2010"], "title": ["A column"]})
    >>> caption("Figure 1. Ransoms", rows, sources)
    Figure 1. Ransoms. Sources: Guitta 2010 (¶4, ¶6).
    """
    if rows.empty:
        return Caption(f"{title}. Nothing drawn, so no source.")
    short = Footnotes(sources).short
    # Half a million import rows cite one source: its locators read in array operations.
    rows = rows[rows["source_id"].notna().to_numpy(bool)]  # as groupby leaves them out
    # Rows by source, in order within each: sorted codes, not half a million strings.
    codes, ids = pd.factorize(rows["source_id"], sort=True)
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    starts = np.flatnonzero(np.append(True, codes[1:] != codes[:-1]))
    cited = locator_lists(rows["locator"].to_numpy(object)[order], starts)
    parts = [f"{short(ids[codes[at]])} ({text})" for at, text in zip(starts, cited, strict=True)]
    return Caption(f"{title}. Sources: {'; '.join(parts)}.")
