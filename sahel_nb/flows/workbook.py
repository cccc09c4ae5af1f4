"""Tables written as CSV files and one workbook, whose first sheet says what every column holds."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..cite import short_names
from ..data import Dataset
from ..pages import replacing
from ..schema import RELIABILITY
from ..spreadsheet import neutralise, safe_cell
from .columns import _MONEY_COLUMN, _ON_SHEET, SHEET_MEANINGS, _meaning, column_heading

__all__ = ["export_tables", "information_cutoff", "sheet_title"]


def export_tables(
    tables: dict[str, pd.DataFrame], output_dir, *, dataset: Dataset | None = None
) -> list[Path]:
    """Write each table as ``<name>.csv`` and all of them as sheets of ``tables.xlsx``.

    A table's row labels (e.g. the payer of :func:`flow_summary`) become its
    first column, so every CSV and sheet says what each row is. Every text
    cell, column header and row label is passed through
    :func:`sahel_nb.spreadsheet.neutralise` first, so a value from the data (a
    source's short name heading a column of the agreement matrix) cannot
    run as a spreadsheet formula. CSV files keep the column names
    (snake_case, for programs); the workbook, for people, names each sheet
    in words (``by_payer`` is "By payer", :func:`sheet_title`), heads each column
    in words with its unit (:func:`column_heading`: "Ransom, low (US$, 2024
    prices)"), freezes the heading row and offers filters. Its money cells
    (dollar columns and amounts) are rounded to whole units with a thousands
    format ("US$" before dollars), and a first sheet "About" gives each
    sheet's every column with its CSV name, its heading and its meaning, and,
    when ``dataset`` is given, the data's checksum, its information cut-off
    (the latest source's publication date) and every source. Files
    are written through temporary files and renamed, so a failure leaves
    earlier exports whole. Returns the paths written.
    """
    out = Path(output_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    labelled = {}
    for name, frame in tables.items():
        if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
            frame = frame.reset_index()
        labelled[name] = frame
    # Names become file and sheet names: keep them to what both allow
    # (Excel: 31 characters, none of []:*?/\).
    safe = {
        re.sub(r"[\[\]:*?/\\]", "_", name)[:31]: neutralise(frame)
        for name, frame in labelled.items()
    }
    titles = dict(zip(safe, _unique([sheet_title(name) for name in safe], 31), strict=True))
    written = []
    for name, frame in safe.items():
        with replacing(out / f"{name}.csv") as temporary:
            # RFC 4180's CRLF: a value holding a bare CR is then quoted, not split.
            frame.to_csv(temporary, index=False, lineterminator="\r\n")
        written.append(out / f"{name}.csv")
    about = _about(safe, titles, dataset)
    with (
        replacing(out / "tables.xlsx") as temporary,
        pd.ExcelWriter(temporary, engine="openpyxl") as writer,
    ):
        about.to_excel(writer, sheet_name="About", index=False)
        writer.sheets["About"].column_dimensions["A"].width = 24
        writer.sheets["About"].column_dimensions["B"].width = 28
        writer.sheets["About"].column_dimensions["C"].width = 40
        about_sheet = writer.sheets["About"]
        about_sheet.column_dimensions["D"].width = 90
        about_sheet.freeze_panes = "A2"
        for name, frame in safe.items():
            money = [
                c for c in frame.columns
                if (_MONEY_COLUMN.match(str(c)) or str(c).startswith("amount"))
                and pd.api.types.is_numeric_dtype(frame[c])
            ]  # fmt: skip
            shown = frame.copy()
            for column in money:
                shown[column] = shown[column].astype("Float64").round(0)
            # Headings in words for people; the CSV beside it keeps the column names.
            shown.columns = _unique(
                [safe_cell(column_heading(str(c), name)) for c in frame.columns]
            )
            shown.to_excel(writer, sheet_name=titles[name], index=False)
            sheet = writer.sheets[titles[name]]
            sheet.freeze_panes = "A2"
            if len(shown.columns):
                sheet.auto_filter.ref = sheet.dimensions
            for at, heading in enumerate(shown.columns):
                letter = sheet.cell(row=1, column=at + 1).column_letter
                sheet.column_dimensions[letter].width = min(max(len(heading) + 2, 12), 40)
            for column in money:
                letter = sheet.cell(row=1, column=frame.columns.get_loc(column) + 1).column_letter
                dollars = bool(_MONEY_COLUMN.match(str(column)))
                for cell in sheet[letter][1:]:
                    cell.number_format = '"US$"#,##0' if dollars else "#,##0"
    written.append(out / "tables.xlsx")
    return written


def _unique(labels: list[str], limit: int | None = None) -> list[str]:
    """Labels as given, a number added to any that repeats (headings and sheets must differ).

    With ``limit`` (Excel's 31 characters for a sheet), a label is cut to
    leave room for its number.
    """
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        key = label.casefold()  # Excel's sheet names differ in more than case
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 1:
            out.append(label[:limit] if limit else label)
            continue
        number = f" ({seen[key]})"
        out.append((label[: limit - len(number)] if limit else label) + number)
    return out


def sheet_title(name: str) -> str:
    """A table's name as a workbook names its sheet, in words.

    Examples
    --------
    >>> sheet_title("ransom_reports"), sheet_title("by_payer")
    ('Ransom reports', 'By payer')
    """
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def information_cutoff(dataset: Dataset) -> str | None:
    """The publication date of the latest dated source, as written: nothing later is in the data.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> cutoff = information_cutoff(load_dataset())
    >>> cutoff[:4].isdigit(), cutoff >= "2003"
    (True, True)
    """
    dated = dataset.sources[dataset.sources["published_end"].notna()]
    if dated.empty:
        return None
    return str(dated.sort_values(["published_end", "published"]).iloc[-1]["published"])


def _about(
    tables: dict[str, pd.DataFrame], titles: dict[str, str], dataset: Dataset | None
) -> pd.DataFrame:
    """The workbook's first sheet: every sheet's columns and meanings; checksum, cut-off, sources."""
    rows = [
        (
            "(workbook)",
            "",
            "",
            "Tables exported by sahel-notebooks. Each sheet is also a CSV file (named on the "
            "sheet's first line here), whose columns keep the names in the second column here; "
            "the sheets head them as in the third.",
        )
    ]
    if dataset is not None:
        if dataset.checksum:
            rows.append(("(workbook)", "data_sha256", "", dataset.checksum))
        cutoff = information_cutoff(dataset)
        if cutoff:
            rows.append(
                ("(workbook)", "information_cutoff", "Information cut-off",
                 f"{cutoff}: the publication date of the latest source; nothing later is "
                 "known to these tables")
            )  # fmt: skip
        for source in dataset.sources.to_dict("records"):
            cited = ", ".join(
                str(source[k]) for k in ("author", "publisher", "published") if pd.notna(source[k])
            )
            rows.append(
                ("(sources)", source["source_id"], "", f"{source['title']} ({cited}); "
                 f"reliability {source['reliability']}: {RELIABILITY[source['reliability']]}")
            )  # fmt: skip
    # A column named after a source (the agreement matrix): its meaning names the source.
    sources = {}
    if dataset is not None:
        source_titles = dataset.sources.set_index("source_id")["title"].to_dict()
        sources = {
            safe_cell(
                short
            ): f"claims the row's source shares with {short} ({source_titles[source]}) "
            "and those one reports and the other denies; on the diagonal, its own claims"
            for source, short in short_names(dataset.sources).items()
        }
    for name, frame in tables.items():
        what = SHEET_MEANINGS.get(name)
        count = f"{len(frame):,} row{'' if len(frame) == 1 else 's'}"
        rows.append(
            (titles[name], "", "", f"{count}: {what} ({name}.csv)" if what
             else f"{count} ({name}.csv)")
        )  # fmt: skip
        rows += [
            (titles[name], str(column), column_heading(str(column), name),
             _ON_SHEET.get((name, str(column)), ("", ""))[1] or _meaning(str(column))
             or sources.get(str(column), ""))
            for column in frame.columns
        ]  # fmt: skip
    return neutralise(pd.DataFrame(rows, columns=["sheet", "column", "heading", "meaning"]))
