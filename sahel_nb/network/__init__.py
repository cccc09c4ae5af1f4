"""Alliance networks: who is tied to whom, when, through whom — as networkx graphs."""

from .actors import check_actor, ego_graph, predecessors

# Re-exported from sahel_nb.metrics. The three thresholds are read in brokers.py:
# set them there (a test does) to take effect.
from .brokers import (
    BETWEENNESS_SAMPLE,
    BETWEENNESS_WORK,
    EXACT_BETWEENNESS,
    actor_metrics,
    betweenness_caveat,
    counted_ties,
    is_structural,
    key_actor_graph,
    key_actors,
)

# Re-exported: from this many ties export_graph forks. Read in exports.py: set
# it there (a test does) to take effect.
from .exports import PARALLEL_TIES as PARALLEL_TIES
from .exports import export_graph, exporting

# Re-exported: the timeline checks its choices as build_graph checks kinds.
from .graph import _choices as _choices
from .graph import build_graph

# Re-exported: tests check a tie's hover text and its period in words.
from .hover import _edge_details as _edge_details
from .hover import _edge_tooltip as _edge_tooltip
from .hover import _period as _period
from .shifts import alliance_shifts
from .sigma import SIGMA_NODES

# Re-exported: pages.py and the sigma template name it where they describe the page's data.
from .sigma import _tie_columns as _tie_columns
from .tables import edge_sources, edge_table
from .vis import MAX_DRAWN_TIES, to_pyvis

# Re-exported: a browser test reads the years of ties as the page does.
from .vis import _year as _year

__all__ = [
    "BETWEENNESS_SAMPLE",
    "BETWEENNESS_WORK",
    "EXACT_BETWEENNESS",
    "MAX_DRAWN_TIES",
    "SIGMA_NODES",
    "actor_metrics",
    "alliance_shifts",
    "betweenness_caveat",
    "build_graph",
    "check_actor",
    "counted_ties",
    "edge_sources",
    "edge_table",
    "ego_graph",
    "export_graph",
    "exporting",
    "is_structural",
    "key_actor_graph",
    "key_actors",
    "predecessors",
    "to_pyvis",
]
