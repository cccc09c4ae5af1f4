"""How actors, ties and vis-network pages look: shared by the network and the flow diagram."""

from __future__ import annotations

__all__ = [
    "ACTOR_STYLES",
    "EVIDENCE_STYLES",
    "SIGN_STYLES",
    "STRUCTURAL_STYLES",
    "UNKNOWN_STYLE",
    "edge_evidence",
    "edge_width",
    "vis_options",
]

_SEED = 0

#: Node colour and vis-network shape for each actor type.
ACTOR_STYLES = {
    "armed group": ("#c62828", "triangle"),
    "state": ("#1565c0", "square"),
    "government": ("#1e88e5", "square"),
    "government official": ("#64b5f6", "diamond"),
    "security forces": ("#0d47a1", "triangleDown"),
    "political party": ("#6a1b9a", "hexagon"),
    "ethnic group": ("#ef6c00", "dot"),
    "tribe": ("#f9a825", "dot"),
    "individual": ("#546e7a", "diamond"),
    "criminal network": ("#4e342e", "star"),
    "civilian population": ("#2e7d32", "dot"),
    "media": ("#00838f", "hexagon"),
    "international organization": ("#283593", "square"),
}

#: For actor types an analyst adds to the vocabulary before they get a style.
UNKNOWN_STYLE = ("#9e9e9e", "dot")

#: Edge colour, vis-network dashes and legend line style for each sign.
SIGN_STYLES = {
    "cooperative": ("#2e7d32", False, "solid"),
    "hostile": ("#c62828", True, "dashed"),
    "neutral": ("#757575", [2, 6], "dotted"),
}

#: Structural ties (what an actor is, not how it deals with others): a purple
#: family of their own, no colour a sign uses, so a membership never reads as
#: an alliance. Colour and legend label for each kind; the line keeps telling
#: how strongly the tie is supported (:data:`EVIDENCE_STYLES`).
STRUCTURAL_STYLES = {
    "leadership/membership": ("#8e24aa", "leads or belongs to (structural, not cooperation)"),
    "predecessor/successor": ("#5e35b1", "became, or was succeeded by (structural)"),
    "kinship/marriage": ("#ce93d8", "kin or related by marriage (structural)"),
}


#: How strongly a tie is supported, drawn as its line: (vis-network dashes,
#: legend line style, legend label). Colour stays the sign.
EVIDENCE_STYLES = {
    "corroborated": (False, "solid", "solid: reported by two or more independent origins"),
    "single source": ([10, 6], "dashed", "dashed: one origin only, or contested"),
    "alleged": ([2, 5], "dotted", "dotted: alleged only, never reported as fact"),
}


def edge_evidence(data: dict) -> str:
    """Which :data:`EVIDENCE_STYLES` line a tie gets, from its claim's agreement and status.

    Examples
    --------
    >>> edge_evidence({"agreement": "corroborated", "status": "reported"})
    'corroborated'
    >>> edge_evidence({"agreement": "corroborated", "status": "alleged"})
    'alleged'
    >>> edge_evidence({"agreement": "contested", "status": "reported"})
    'single source'
    """
    if data.get("status") == "alleged":
        return "alleged"  # the claim's best report is an allegation: none states it as fact
    return "corroborated" if data.get("agreement") == "corroborated" else "single source"


def edge_width(credibility) -> float:
    """Line width by Admiralty credibility: 1 (confirmed) widest, 5 and 6 thinnest.

    Examples
    --------
    >>> edge_width(1), edge_width(3), edge_width(6)
    (5.0, 3.0, 1.0)
    """
    try:
        grade = int(credibility)
    except (TypeError, ValueError):
        return 1.0
    return float(max(1, 6 - grade))


def vis_options(nodes: int) -> dict:
    """vis-network options for a page of ``nodes`` nodes: seeded layout, physics that settles."""
    large = nodes > 150
    return {
        # A fixed seed and sorted input give the same picture every time.
        "layout": {"randomSeed": _SEED, "improvedLayout": not large},
        "physics": {
            "solver": "forceAtlas2Based",
            # Long springs: names need room beside their actors.
            "forceAtlas2Based": {"gravitationalConstant": -90, "springLength": 160},
            "stabilization": {"enabled": True, "iterations": 150 if large else 400, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 120},
        "nodes": {"font": {"size": 14}, "size": 14},
        "edges": {"width": 2},
    }
