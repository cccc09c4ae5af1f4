"""The curation notebook's widgets: pick a paragraph, fill a row, see what it repeats, check, append."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

from .curate import append_row, check_row, form_fields, numbered, similar_claims
from .exceptions import ParameterError, SahelNbError
from .paths import default_data_dir
from .schema import TABLES
from .texts import find_text, read_paragraphs, stored_name

__all__ = ["Curator", "held_sources"]

#: Columns written as a paragraph of prose: a text area, not a line.
_PROSE = {"description", "note", "in_kind"}


def held_sources(dataset, data_dir: str | os.PathLike) -> dict[str, Path]:
    """The sources whose text is found for ``data_dir``, by id, with their files.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.paths import curated_data_dir
    >>> "mg-2003" in held_sources(load_dataset(), curated_data_dir())
    True
    """
    found = {}
    for source_id, notes in zip(
        dataset.sources["source_id"], dataset.sources["notes"], strict=True
    ):
        name = stored_name(notes)
        path = find_text(name, data_dir) if name else None
        if path is not None:
            found[str(source_id)] = path
    return found


class Curator:
    """Widgets to add one row: a held source's paragraph, the row's columns, three buttons.

    The columns come from the codebook (:func:`sahel_nb.curate.form_fields`):
    vocabularies, actors and sources are drop-downs. **Claims it may repeat**
    runs :func:`~sahel_nb.curate.similar_claims`, **Check** runs
    :func:`~sahel_nb.curate.check_row` (validate's checks, texts included)
    and **Append** :func:`~sahel_nb.curate.append_row`. The same steps
    without widgets: :meth:`row`, :meth:`repeats`, :meth:`check`,
    :meth:`append`.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> curator = Curator(load_dataset(), source_id="mg-2003", paragraph=8)
    >>> curator.row()["locator"], curator.paragraph_text().startswith("¶8 The German ARD")
    ('¶8', True)
    """

    def __init__(
        self,
        dataset,
        data_dir: str | os.PathLike | None = None,
        *,
        source_id: str | None = None,
        paragraph: int = 1,
        table: str = "events",
    ) -> None:
        import ipywidgets as w

        self.dataset = dataset
        self.data_dir = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
        self.texts = held_sources(dataset, self.data_dir)
        if not self.texts:
            raise SahelNbError(f"no source of {self.data_dir} has its text where it is looked for")
        if source_id is not None and source_id not in self.texts:
            raise ParameterError(f"{source_id} is not a held source: {', '.join(self.texts)}")
        self.source = w.Dropdown(
            options=list(self.texts),
            value=source_id or next(iter(self.texts)),
            description="Source",
        )
        self.paragraph = w.Dropdown(description="Paragraph")
        self.paragraph_view = w.HTML()
        self.table = w.ToggleButtons(options=["events", "relationships", "flows"], value=table)
        self.form = w.VBox()
        self.result = w.HTML()
        self.inputs: dict[str, object] = {}
        buttons = {
            "Claims it may repeat": self._show_repeats,
            "Check": self._show_check,
            "Append": self._show_append,
        }
        self.buttons = [w.Button(description=label) for label in buttons]
        for button, action in zip(self.buttons, buttons.values(), strict=True):
            button.on_click(lambda _button, action=action: action())
        self.source.observe(lambda _change: self._source_changed(), names="value")
        self.paragraph.observe(lambda _change: self._paragraph_changed(), names="value")
        self.table.observe(lambda _change: self._build_form(), names="value")
        self._build_form()
        self._source_changed(paragraph)
        self.widget = w.VBox(
            [
                w.HBox([self.source, self.paragraph]),
                self.paragraph_view,
                self.table,
                self.form,
                w.HBox(self.buttons),
                self.result,
            ]
        )

    # --- the steps, without widgets ------------------------------------------------

    def paragraph_text(self) -> str:
        """The chosen paragraph, numbered as a locator counts it."""
        blocks = read_paragraphs(self.texts[self.source.value])
        return numbered(blocks, [self.paragraph.value])

    def row(self) -> dict:
        """The row as the widgets hold it: empty cells left out, lists joined with ``|``."""
        row = {}
        for name, widget in self.inputs.items():
            value = widget.value
            if isinstance(value, tuple | list):
                value = "|".join(value)
            if value not in (None, ""):
                row[name] = value
        return row

    def repeats(self) -> pd.DataFrame:
        """The existing claims the row probably repeats, best first."""
        return similar_claims(self.dataset, row=self.row(), table=self.table.value)

    def check(self) -> list:
        """What validate would say of the row (errors and warnings)."""
        return check_row(self.table.value, self.row(), self.data_dir)

    def append(self) -> int:
        """Append the row if it has no error; reload the data; return the row's line."""
        from .data import load_dataset

        line = append_row(self.table.value, self.row(), self.data_dir)
        self.dataset = load_dataset(self.data_dir)
        return line

    # --- the widgets ---------------------------------------------------------------

    def _source_changed(self, paragraph: int | None = None) -> None:
        count = len(read_paragraphs(self.texts[self.source.value]))
        self.paragraph.options = [(f"¶{n}", n) for n in range(1, count + 1)]
        self.paragraph.value = paragraph if paragraph and 1 <= paragraph <= count else 1
        self._paragraph_changed()

    def _paragraph_changed(self) -> None:
        self.paragraph_view.value = f"<blockquote>{html.escape(self.paragraph_text())}</blockquote>"
        for name, value in (
            ("source_id", self.source.value),
            ("locator", f"¶{self.paragraph.value}"),
        ):
            if name in self.inputs:
                self.inputs[name].value = value

    def _build_form(self) -> None:
        import ipywidgets as w

        self.inputs = {}
        for field in form_fields(self.dataset, self.table.value):
            label = field["name"] + (" *" if field["required"] else "")
            style = {"description_width": "140px"}
            if field["several"]:
                widget = w.SelectMultiple(options=field["choices"], description=label, rows=4)
            elif field["choices"] is not None:
                widget = w.Dropdown(options=["", *field["choices"]], description=label)
            elif field["name"] in _PROSE:
                widget = w.Textarea(description=label, layout=w.Layout(width="640px"))
            else:
                widget = w.Text(description=label)
            widget.style = style
            self.inputs[field["name"]] = widget
        self.form.children = list(self.inputs.values())
        if hasattr(self, "paragraph") and self.paragraph.value:
            self._paragraph_changed()

    def _show_repeats(self) -> None:
        found = self.repeats()
        self.result.value = (
            found.to_html(index=False) if len(found) else "<p>No existing claim is like it.</p>"
        )

    def _show_check(self) -> None:
        said = self.check()
        self.result.value = _problems_html(said) if said else "<p>No problem: append it.</p>"

    def _show_append(self) -> None:
        try:
            line = self.append()
        except SahelNbError as error:
            self.result.value = f"<pre>{html.escape(str(error))}</pre>"
            return
        file = self.data_dir / TABLES[self.table.value].file
        self.result.value = f"<p>Appended as line {line} of {html.escape(str(file))}.</p>"

    def _ipython_display_(self) -> None:
        from IPython.display import display

        bundle = self.widget._repr_mimebundle_()
        # The widgets' own text form would show the paragraph: no source text in a saved notebook.
        bundle["text/plain"] = (
            f"Curator: {len(self.texts)} held sources, a new row of {self.table.value} "
            "(the widgets need a live kernel)"
        )
        display(bundle, raw=True)


def _problems_html(problems) -> str:
    return "<pre>" + "\n".join(html.escape(str(p)) for p in problems) + "</pre>"
