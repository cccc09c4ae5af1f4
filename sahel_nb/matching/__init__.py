"""One event, many records: match events across datasets by time, place, type and actors."""

from .pairs import candidate_pairs
from .records import EARTH_KM, GEO_RADIUS_KM, Windows, dataset_of, event_records
from .scores import decide, score_pairs

__all__ = [
    "EARTH_KM",
    "GEO_RADIUS_KM",
    "Windows",
    "candidate_pairs",
    "dataset_of",
    "decide",
    "event_records",
    "score_pairs",
]
