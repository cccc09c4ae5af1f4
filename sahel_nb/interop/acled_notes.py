"""What an ACLED export's rows say that the import notes, or sets aside, without refusing them."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from .actors import NO_ACTOR
from .writing import iso3_column

__all__: list[str] = []


def _mismatches(cols: dict[str, pd.Series]) -> list[str]:
    """Rows whose actor code and actor name disagree: said, never refused.

    ACLED's 0 is "no actor on this side": a name with a 0, or a code from 1
    to 8 with no name, is a real mismatch; an empty side with 0 is not.
    """
    notes = []
    for side, actor in (("inter1", "actor1"), ("inter2", "actor2")):
        if actor not in cols or f"_{side}" not in cols:
            continue
        raw, named = cols[f"_{side}"], cols[actor] != ""
        zero = raw.isin(NO_ACTOR).to_numpy(bool)
        for mask, one, many in (
            (named.to_numpy(bool) & zero, f"names {actor} while {side} is 0 (no actor)",
             f"name {actor} while {side} is 0 (no actor)"),
            (~named.to_numpy(bool) & (cols[side] != "").to_numpy(bool),
             f"gives {side} a code but names no {actor}", f"give {side} a code but name no {actor}"),
        ):  # fmt: skip
            count = int(mask.sum())
            if count:
                said = f"1 row {one}" if count == 1 else f"{count:,} rows {many}"
                notes.append(f"{said}; imported as written")
    return notes


def _other_country(frame, cols: dict[str, pd.Series]) -> list[str]:
    """Rows whose country code names another country than their country's name: said.

    The code places the event (it is ACLED's own coding); the note lets the
    analyst check the row, which a later export of either country may withdraw.
    """
    codes = pd.Series(
        np.where(cols["iso3"] != "", cols["iso3"], cols["iso"]), index=cols["country"].index
    )
    by_code = iso3_column(codes, pd.Series("", index=codes.index))
    by_name = iso3_column(pd.Series("", index=codes.index), cols["country"])
    other = ((by_code != "") & (by_name != "") & (by_code != by_name)).to_numpy(bool)
    if not other.any():
        return []
    rows = frame["_row"].to_numpy()[other]
    at = np.flatnonzero(other)[0]
    shown = ", ".join(str(r) for r in rows[:5]) + (" …" if len(rows) > 5 else "")
    some = "1 row gives" if len(rows) == 1 else f"{len(rows)} rows give"
    return [
        f"{some} a country code of another country than its country's name (row "
        f"{rows[0]}: {by_code.iat[at]}, {cols['country'].iat[at]}); placed by the code, "
        f"as ACLED codes it: check rows {shown}"
    ]


#: Cells ACLED fills in every event it publishes: all empty, the row was cut short.
_ALWAYS_FILLED = ("country", "location", "source", "fatalities")


def _cut_short(frame, cols: dict[str, pd.Series]) -> list[str]:
    """Rows whose cells ACLED always fills are all empty: said, with their rows, never refused.

    A spreadsheet that saved a file part way leaves a last row with its first
    cells and nothing after (``Civilians (`` and commas): imported as written.
    """
    present = [name for name in _ALWAYS_FILLED if name in cols]
    if len(present) < 2:
        return []
    empty = np.logical_and.reduce([(cols[name] == "").to_numpy(bool) for name in present])
    if not empty.any():
        return []
    rows = frame["_row"].to_numpy()[empty]
    shown = ", ".join(str(r) for r in rows[:5]) + (" …" if len(rows) > 5 else "")
    some = "1 row has" if len(rows) == 1 else f"{len(rows)} rows have"
    return [
        f"{some} no {', '.join(present)}, which ACLED always gives: cut short when the file "
        f"was saved? (row {shown}); imported as written, check against ACLED"
    ]


def _write_skipped(data_dir: Path, source_id: str, frame, cols, skipped: np.ndarray) -> None:
    """List the rows not imported, with why, beside the review file: nothing goes unsaid."""
    if not skipped.any():
        return
    path = data_dir / "imports" / f"{source_id}-skipped.csv"
    path.parent.mkdir(exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "event_id_cnty", "event_type", "reason"])
        for position in np.flatnonzero(skipped):
            writer.writerow(
                [
                    frame["_row"].iat[position],
                    cols["event_id_cnty"].iat[position],
                    cols["_original"].iat[position] or cols["event_type"].iat[position],
                    cols["_skip"].iat[position],
                ]
            )
