"""Money flows: ransom tables, summaries by status, dollar conversion, a Sankey diagram, safe exports."""

# Re-exported: the one guard against formula injection, for every CSV and sheet written here.
from ..spreadsheet import neutralise
from ..spreadsheet import safe_cell as safe_cell

# Re-exported: the narrative writes its amounts with the same currency symbols.
from .amounts import _SYMBOLS as _SYMBOLS
from .amounts import about
from .columns import COLUMN_HEADINGS, COLUMN_MEANINGS, SHEET_MEANINGS, column_heading
from .diagram import SANKEY_COLUMNS, SHARE, STATUS_COLOURS, flow_diagram
from .dollars import not_converted, reference_tables, to_usd
from .payments import (
    DEMAND,
    flow_summary,
    money_moved,
    non_monetary,
    payment_claims,
    placed_in_time,
)
from .ransoms import KIDNAPPING, ransom_table
from .workbook import export_tables, information_cutoff

__all__ = [
    "COLUMN_HEADINGS",
    "COLUMN_MEANINGS",
    "DEMAND",
    "KIDNAPPING",
    "SANKEY_COLUMNS",
    "SHARE",
    "SHEET_MEANINGS",
    "STATUS_COLOURS",
    "about",
    "column_heading",
    "export_tables",
    "flow_diagram",
    "flow_summary",
    "information_cutoff",
    "money_moved",
    "neutralise",
    "non_monetary",
    "not_converted",
    "payment_claims",
    "placed_in_time",
    "ransom_table",
    "reference_tables",
    "to_usd",
]
