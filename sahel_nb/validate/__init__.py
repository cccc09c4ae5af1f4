"""Checking a data folder: pandera schemas per table, then the checks across tables."""

from .columns import ID_PATTERN, LOCATOR_PATTERN, pandera_schema

# Re-exported: tests check the country codes the iso3 columns accept.
from .columns import _countries as _countries

# Re-exported: the row count from which a table's columns are checked, its
# references looked up and its columns typed in two threads. Read from
# failures.py when a table is checked: set it there (a test does) to take effect.
from .failures import PARALLEL_ROWS as PARALLEL_ROWS
from .folder import check_folder

__all__ = ["ID_PATTERN", "LOCATOR_PATTERN", "check_folder", "pandera_schema"]
