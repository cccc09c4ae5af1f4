"""Origins and agreement: what makes rows one claim, whom each report comes from, and the labels."""

from .agreement import AGREEMENT, agreement, support_wording

# Re-exported: claims, the assessment checks and the narrative place each row on its claim.
from .agreement import stance as stance
from .checks import claim_problems, speaker_problems
from .claims import claim_keys, claims_of, memberships, one_per_claim

# Re-exported: the mark of an origin that is a speaker, public before the split.
from .tellers import SPEAKER_PREFIX as SPEAKER_PREFIX
from .tellers import (
    actor_tellers,
    origin_map,
    relayed_tellers,
    row_origins,
    speaker_key,
    tertiary_sources,
)

__all__ = [
    "AGREEMENT",
    "actor_tellers",
    "agreement",
    "claim_keys",
    "claim_problems",
    "claims_of",
    "memberships",
    "one_per_claim",
    "origin_map",
    "relayed_tellers",
    "row_origins",
    "speaker_key",
    "speaker_problems",
    "support_wording",
    "tertiary_sources",
]
