"""Curating a new source: store and number its text, register it, find the claims it repeats."""

from .notices import REPEAT_SCORE, curation_notices
from .rows import append_row, check_row, form_fields
from .similar import similar_claims
from .sources import AddedSource, add_source, numbered, source_paragraphs

__all__ = [
    "REPEAT_SCORE",
    "AddedSource",
    "add_source",
    "append_row",
    "check_row",
    "curation_notices",
    "form_fields",
    "numbered",
    "similar_claims",
    "source_paragraphs",
]
