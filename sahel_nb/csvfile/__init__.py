"""Reading one table's CSV file: text as written, structural problems, editor line numbers."""

from .arrowread import BLOCK_SIZE, line_breaks, one_record_per_line
from .cells import CONTROL_CHARACTERS, extended
from .raw import RawTable
from .read import read_table
from .values import (
    MAX_CELL,
    NUMBER_PATTERN,
    arrow_text,
    csv_reader,
    number_series,
    parse_number,
    text_buffers,
)

__all__ = [
    "BLOCK_SIZE",
    "CONTROL_CHARACTERS",
    "MAX_CELL",
    "NUMBER_PATTERN",
    "RawTable",
    "arrow_text",
    "csv_reader",
    "extended",
    "line_breaks",
    "number_series",
    "one_record_per_line",
    "parse_number",
    "read_table",
    "text_buffers",
]
