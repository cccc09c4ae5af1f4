"""When a judgment needs review: the state of its evidence when the analyst last read it, and now."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .checks import evidence_rows

__all__ = ["evidence_state", "new_evidence", "review_path", "to_review", "write_review"]

# What a report is, for review: its place in a source and how it is graded.
_FIELDS = [
    "claim_id", "source_id", "locator", "status", "credibility", "reliability", "origin",
    "speaker", "date", "amount",
]  # fmt: skip


def review_path(assessment) -> Path:
    """``analysis/<id>.review.json``: the state each judgment was last reviewed against."""
    return Path(assessment.path).with_name(f"{assessment.id}.review.json")


def _value(value):
    if value is None or value != value:  # NaN, NA
        return None
    try:
        return int(value) if float(value).is_integer() else float(value)
    except (TypeError, ValueError):
        return str(value)


def evidence_state(dataset, ids) -> dict:
    """The reports beneath ``ids`` as ``{row_id: {source_id, locator, status, …}}``, with a fingerprint.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> state = evidence_state(load_dataset("tests/fixtures/claims"), ["c-ransom"])
    >>> len(state["fingerprint"]), sorted(state["reports"])[0]
    (16, 'fl-ransom-col')
    """
    # A report cited by its row id is watched with its whole claim: a new denial counts.
    rows = evidence_rows(dataset, ids, whole_claims=True)
    reports = {}
    for row in rows.to_dict("records"):
        reports[row["row_id"]] = {name: _value(row.get(name)) for name in _FIELDS}
    text = json.dumps(reports, sort_keys=True, ensure_ascii=False)
    return {"fingerprint": hashlib.sha256(text.encode()).hexdigest()[:16], "reports": reports}


def _items(assessment):
    for judgment in assessment.judgments:
        yield judgment.id, (*judgment.rests_on, *judgment.doubts, *judgment.context), judgment.text
    for matrix in assessment.hypotheses:
        yield f"hypotheses.{matrix.id}", [e.claim for e in matrix.evidence], matrix.question


def write_review(assessment, dataset) -> Path:
    """Record the evidence under every judgment and matrix as reviewed now; return the file.

    Run after re-reading the judgments against the evidence (``sahel-nb review``).
    The file has no date or path in it: the same evidence writes the same bytes.
    """
    from ..pages import write_atomically

    state = {key: evidence_state(dataset, ids) for key, ids, _ in _items(assessment)}
    # The sources held when the analyst reviewed: what came later and no judgment
    # cites is named by new_evidence, so new evidence is read even when uncited.
    sources = sorted(str(s) for s in dataset.sources["source_id"])
    text = json.dumps(
        {"assessment": assessment.id, "reviewed": state, "sources": sources},
        indent=1,
        sort_keys=True,
        ensure_ascii=False,
    )
    return write_atomically(review_path(assessment), text + "\n")


def _what_changed(old: dict, new: dict, names: dict[str, str], late: set) -> list[str]:
    said = []
    for row_id in sorted(set(new) - set(old)):
        row = new[row_id]
        after = (
            "; published after the cut-off: evidence the assessment did not have"
            if row["source_id"] in late
            else ""
        )
        said.append(
            f"report added: {row_id} ({names.get(row['source_id'], row['source_id'])} "
            f"{row['locator']}, {row['status']}, credibility {row['credibility']}{after})"
        )
    for row_id in sorted(set(old) - set(new)):
        row = old[row_id]
        said.append(
            f"report removed: {row_id} ({names.get(row['source_id'], row['source_id'])} "
            f"{row['locator']})"
        )
    for row_id in sorted(set(old) & set(new)):
        moved = [
            f"{field} {old[row_id].get(field)} → {new[row_id].get(field)}"
            for field in _FIELDS
            if old[row_id].get(field) != new[row_id].get(field)
        ]
        if moved:
            said.append(f"report {row_id} changed: " + ", ".join(moved))
    return said


def to_review(assessment, dataset) -> list[dict]:
    """The judgments (and matrices) whose evidence changed since the analyst last reviewed them.

    Each is ``{id, text, changes}``: ``changes`` says what moved beneath it
    (a report added, removed, regraded, its status changed), or that it was
    never reviewed. Empty when the record matches the data.
    """
    from ..cite import short_names
    from .cutoff import late_sources

    path = review_path(assessment)
    out = []
    try:
        recorded = json.loads(path.read_text(encoding="utf-8")).get("reviewed", {})
    except FileNotFoundError:
        recorded = {}
    except (OSError, ValueError, AttributeError) as error:
        recorded = {}
        out.append(
            {
                "id": path.name,
                "text": "the review record",
                "changes": [f"cannot be read ({error}); every judgment is treated as unreviewed"],
            }
        )
    names = short_names(dataset.sources)
    late = late_sources(dataset.sources, assessment.cut_off, assessment.keep_undated)
    for key, ids, text in _items(assessment):
        now = evidence_state(dataset, ids)
        before = recorded.get(key)
        if before is None:
            changes = [
                # The id, not a path: pages show this too, and name no machine's folders.
                f"never reviewed against its evidence (sahel-nb review {assessment.id} records it)"
            ]
        elif before.get("fingerprint") == now["fingerprint"]:
            continue
        else:
            changes = _what_changed(before.get("reports", {}), now["reports"], names, late)
        out.append({"id": key, "text": text, "changes": changes})
    return out


#: How many claims of one new source are named before "and N more".
_NAMED = 6


def new_evidence(assessment, dataset) -> list[str]:
    """What sources added since the last review tell that no judgment or matrix cites.

    A report under a cited claim already puts its judgment "to review"
    (:func:`to_review`); a new source's other claims may bear on a judgment
    too, and only the analyst can say which. One sentence per new source,
    naming its claims; nothing before a first review, or for a record made
    before sources were recorded. Datasets' exports (ACLED, GTD, UCDP) are
    left out: their records that repeat a cited claim put its judgment to
    review, and the rest are counts, not claims to read one by one.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> from sahel_nb.assessment import load_assessment
    >>> data = load_dataset()
    >>> new_evidence(load_assessment("aqim-kfr-mali-2003-2010", data), data)
    []
    """
    from ..cite import short_names
    from ..matching import dataset_of
    from ..schema import CLAIM_TABLES
    from .checks import claims_named
    from .cutoff import late_sources

    try:
        recorded = json.loads(review_path(assessment).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    held = recorded.get("sources") if isinstance(recorded, dict) else None
    if not isinstance(held, list):
        return []
    held = set(held)
    sources = dataset.sources["source_id"].astype(str)
    # A dataset's export is not a source the analyst reads claim by claim: its
    # events that repeat a cited claim put that judgment to review already.
    curated = (dataset_of(sources) == "curated").to_numpy(bool)
    added = [s for s in sources[curated] if s not in held]
    if not added:
        return []
    cited = set(claims_named(dataset, sorted(assessment.claim_ids())))
    names = short_names(dataset.sources)
    late = late_sources(dataset.sources, assessment.cut_off, assessment.keep_undated)
    told: dict[str, list[str]] = {}
    for table in CLAIM_TABLES:
        frame = dataset.tables[table]
        mine = frame[frame["source_id"].astype(str).isin(added).to_numpy(bool)]
        for source, claim in zip(mine["source_id"].astype(str), mine["claim_id"], strict=True):
            told.setdefault(source, []).append(str(claim))
    said = []
    for source in added:
        claims = [c for c in told.get(source, []) if c not in cited]
        claims = list(dict.fromkeys(claims))
        if not claims:
            continue
        shown = ", ".join(claims[:_NAMED]) + (
            f" and {len(claims) - _NAMED:,} more" if len(claims) > _NAMED else ""
        )
        when = " (published after the cut-off)" if source in late else ""
        count = f"{len(claims):,} claim{'s' if len(claims) != 1 else ''}"
        said.append(
            f"{names.get(source, source)}{when}, added since the last review, tells {count} "
            f"no judgment or matrix cites: {shown}; read them against the judgments"
        )
    return said
