"""Alliance shifts: the actor pairs whose tie changed sign over time, phase by phase."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..data import Dataset
from ..origins import claims_of
from ..schema import RELATIONSHIP_KINDS
from .actors import check_actor


def alliance_shifts(dataset: Dataset, among: Iterable[str] | None = None) -> pd.DataFrame:
    """Return the actor pairs whose tie changed sign over time, one row per phase.

    Relationships count once per claim (several sources' reports of one tie
    are one phase; a tie only denied is none). A pair counts when its dated
    relationships carry at least two signs
    (cooperative, hostile, neutral). All its relationships are listed as
    phases in order of start; undated ones come last, as their place in time
    is unknown. ``among`` limits the pairs to these actor ids (e.g. the nodes
    of a graph).

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> shifts = alliance_shifts(load_dataset())
    >>> shifts["sign"].tolist()[:2]
    ['cooperative', 'hostile']
    """
    rels = claims_of(dataset, "relationships")
    rels = rels[(rels["agreement"] != "denied").to_numpy(bool)].copy()
    if among is not None:
        keep = set(among)
        # A misspelt id is said, not an empty table (ids looked up once: a graph's nodes).
        for actor_id in sorted(keep - set(dataset.actors["actor_id"])):
            check_actor(dataset, actor_id)
        rels = rels[rels["actor_a"].isin(keep) & rels["actor_b"].isin(keep)]
    pair = [sorted(p) for p in zip(rels["actor_a"], rels["actor_b"], strict=True)]
    rels["pair_a"] = [p[0] for p in pair]
    rels["pair_b"] = [p[1] for p in pair]
    rels["sign"] = rels["kind"].astype(str).map(RELATIONSHIP_KINDS)
    rels["dated"] = rels["start_start"].notna() | rels["end_end"].notna()
    signs = rels[rels["dated"]].groupby(["pair_a", "pair_b"])["sign"].nunique()
    shifting = signs[signs >= 2].index
    chosen = rels.set_index(["pair_a", "pair_b"]).loc[lambda f: f.index.isin(shifting)]
    chosen = chosen.reset_index().sort_values(
        ["pair_a", "pair_b", "dated", "start_start", "end_end", "relationship_id"],
        ascending=[True, True, False, True, True, True],
        na_position="last",
    )
    chosen["phase"] = chosen.groupby(["pair_a", "pair_b"]).cumcount() + 1
    names = dataset.actors.set_index("actor_id")["name"]
    out = pd.DataFrame(
        {
            "actor_a": chosen["pair_a"],
            "name_a": chosen["pair_a"].map(names),
            "actor_b": chosen["pair_b"],
            "name_b": chosen["pair_b"].map(names),
            "phase": chosen["phase"],
            "kind": chosen["kind"].astype(str),
            "sign": chosen["sign"],
            "start": chosen["start"],
            "end": chosen["end"],
            "status": chosen["status"].astype(str),
            "credibility": chosen["credibility"],
            "source_id": chosen["source_id"],
            "locator": chosen["locator"],
            "relationship_id": chosen["relationship_id"],
            "claim_id": chosen["claim_id"],
            "support": chosen["support"],
        }
    )
    return out.reset_index(drop=True)
