"""Research helpers for cited, graded data on AQIM, the Sahel and ransom money."""

from .claims import claim_reports, claim_table
from .data import Dataset, load_dataset
from .dates import partial_date_span
from .differences import report_differences
from .exceptions import (
    DataValidationError,
    ImportRunning,
    ParameterError,
    Problem,
    SahelNbError,
)
from .narrative import situation_report
from .network import actor_metrics, alliance_shifts, build_graph, ego_graph, export_graph
from .paths import curated_data_dir, default_data_dir
from .profile import actor_profile
from .schema import TABLES, kind_sign
from .timeline import event_table

__all__ = [
    "TABLES",
    "DataValidationError",
    "Dataset",
    "ImportRunning",
    "ParameterError",
    "Problem",
    "SahelNbError",
    "actor_metrics",
    "actor_profile",
    "alliance_shifts",
    "build_graph",
    "claim_reports",
    "claim_table",
    "curated_data_dir",
    "default_data_dir",
    "ego_graph",
    "event_table",
    "export_graph",
    "kind_sign",
    "load_dataset",
    "partial_date_span",
    "report_differences",
    "situation_report",
]
