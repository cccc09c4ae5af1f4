"""Sentences computed from the tables, so notebooks and reports never hand-type a figure."""

from .describe import (
    describe_brokers,
    describe_claims,
    describe_contested,
    describe_events,
    describe_graph,
    describe_ransoms,
    describe_shifts,
)
from .evidence import STATE_ACTS, STATE_DEALINGS, STATE_TYPES
from .front import NO_ASSESSMENT
from .hypotheses import MatrixBlock
from .judgments import JudgmentBlock
from .money import about
from .report import DATA_GAPS, GAPS, METHOD, situation_report
from .text import Footnotes, Report, Sentence, Text, show

__all__ = [
    "DATA_GAPS",
    "GAPS",
    "METHOD",
    "NO_ASSESSMENT",
    "STATE_ACTS",
    "STATE_DEALINGS",
    "STATE_TYPES",
    "Footnotes",
    "JudgmentBlock",
    "MatrixBlock",
    "Report",
    "Sentence",
    "Text",
    "about",
    "describe_brokers",
    "describe_claims",
    "describe_contested",
    "describe_events",
    "describe_graph",
    "describe_ransoms",
    "describe_shifts",
    "show",
    "situation_report",
]
