"""Importing public datasets (ACLED, GTD, UCDP GED) beside the curated data: read, mapped, resolved, linked, validated."""

from .acled import ACLED_COLUMNS, OLD_EVENT_TYPES, import_acled, read_acled
from .actors import INTER_LABELS, INTER_TYPES, MAPPING_FILE, is_unnamed
from .gtd import GTD_COLUMNS, import_gtd, read_gtd
from .layout import EMPTY_MARKS
from .ucdp import UCDP_COLUMNS, import_ucdp, read_ucdp
from .writing import IMPORTED_SOURCE, LINKS_FILE, ImportSummary

__all__ = [
    "ACLED_COLUMNS",
    "EMPTY_MARKS",
    "GTD_COLUMNS",
    "IMPORTED_SOURCE",
    "INTER_LABELS",
    "INTER_TYPES",
    "LINKS_FILE",
    "MAPPING_FILE",
    "OLD_EVENT_TYPES",
    "UCDP_COLUMNS",
    "ImportSummary",
    "import_acled",
    "import_gtd",
    "import_ucdp",
    "is_unnamed",
    "read_acled",
    "read_gtd",
    "read_ucdp",
]
