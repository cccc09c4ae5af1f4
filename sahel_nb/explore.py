"""Interactive exploration in JupyterLab: widgets that redraw the alliance network and its sources."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path

import pandas as pd

from .data import Dataset
from .metrics import is_structural
from .network import build_graph, check_actor, ego_graph, to_pyvis
from .schema import CREDIBILITY, RELATIONSHIP_KINDS, TIE_CLASSES

__all__ = ["Explorer", "Selection", "actor_choices"]


@dataclasses.dataclass(frozen=True)
class Selection:
    """What the widgets are set to: a window in whole years, an actor, kinds, a grade."""

    first_year: int
    last_year: int
    actor_id: str | None = None
    kinds: tuple[str, ...] = ()
    credibility_at_least: int | None = None
    undated: bool = False


def actor_choices(dataset: Dataset) -> dict[str, str]:
    """Picker labels -> actor ids: each name, and each alias pointing at its name.

    Examples
    --------
    >>> from sahel_nb import load_dataset
    >>> actor_choices(load_dataset())["Amadou Toumani Toure → Amadou Toumani Touré"]
    'toure'
    """
    choices = {}
    for actor in dataset.actors.sort_values("name").itertuples(index=False):
        choices[actor.name] = actor.actor_id
        for alias in actor.aliases:
            choices.setdefault(f"{alias} → {actor.name}", actor.actor_id)
    return dict(sorted(choices.items(), key=lambda item: item[0].casefold()))


def _year_range(dataset: Dataset) -> tuple[int, int]:
    years = [
        column.dt.year
        for frame, names in (
            (dataset.relationships, ("start_start", "end_end")),
            (dataset.events, ("date_start", "date_end")),
            (dataset.flows, ("date_start", "date_end")),
        )
        for column in (frame[n] for n in names)
    ]
    known = pd.concat(years).dropna()
    return (int(known.min()), int(known.max())) if len(known) else (2000, 2010)


class Explorer:
    """Widgets to explore the data: year range, actor, kinds and credibility.

    Every change redraws the network (an offline page shown in a frame), the
    list of ties with their sources, and the actor's events and flows. The
    same views are computed, without widgets, by :meth:`ties`, :meth:`summary`
    and :meth:`events_and_flows`, which the notebook prints for nbval.
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        output_dir: str | Path,
        start: int | None = None,
        end: int | None = None,
        actor_id: str | None = None,
        kinds=None,
        credibility_at_least: int | None = None,
    ) -> None:
        import ipywidgets as w

        self.dataset = dataset
        self.output_dir = Path(output_dir)
        low, high = _year_range(dataset)
        self.choices = actor_choices(dataset)
        self._labels = {}
        for label, actor in self.choices.items():
            self._labels.setdefault(actor, label)
        if actor_id is not None:
            check_actor(dataset, actor_id)
        self.years = w.IntRangeSlider(
            value=(start or low, end or high),
            min=low,
            max=high,
            description="Years",
            continuous_update=False,
            layout=w.Layout(width="420px"),
        )
        self.actor = w.Combobox(
            value=self._labels.get(actor_id, ""),
            options=list(self.choices),
            placeholder="type a name or an alias; empty: every actor",
            description="Actor",
            ensure_option=True,
            layout=w.Layout(width="420px"),
        )
        self.kinds = w.SelectMultiple(
            value=tuple(kinds or ()),
            options=list(RELATIONSHIP_KINDS),
            description="Kinds",
            rows=5,
        )
        # 6 ("truth cannot be judged") keeps every grade; a widget cannot hold None.
        self.credibility = w.Dropdown(
            value=credibility_at_least or 6,
            options=[(f"1 to {g} ({CREDIBILITY[g].lower()})", g) for g in range(1, 6)]
            + [("any grade", 6)],
            description="Credibility",
        )
        self.undated = w.Checkbox(value=False, description="show undated ties")
        self.summary_view = w.HTML()
        self.network_view = w.HTML()
        self.ties_view = w.HTML()
        self.activity_view = w.HTML()
        for control in (self.years, self.actor, self.kinds, self.credibility, self.undated):
            control.observe(lambda _change: self.refresh(), names="value")
        self.widget = w.VBox(
            [
                w.HBox(
                    [w.VBox([self.years, self.actor, self.credibility, self.undated]), self.kinds]
                ),
                self.summary_view,
                self.network_view,
                w.HTML("<h4>Ties shown, with their sources</h4>"),
                self.ties_view,
                w.HTML("<h4>The actor's events and flows</h4>"),
                self.activity_view,
            ]
        )
        self.refresh()

    def selection(self) -> Selection:
        """The current widget values."""
        return Selection(
            first_year=self.years.value[0],
            last_year=self.years.value[1],
            actor_id=self.choices.get(self.actor.value) or None,
            kinds=tuple(self.kinds.value),
            credibility_at_least=self.credibility.value,
            undated=self.undated.value,
        )

    def graph(self):
        """The network for the current selection (the actor's ego network if one is picked)."""
        chosen = self.selection()
        graph = build_graph(
            self.dataset,
            start=str(chosen.first_year),
            end=str(chosen.last_year),
            kinds=list(chosen.kinds) or None,
            credibility_at_least=chosen.credibility_at_least,
            undated=chosen.undated,
        )
        if chosen.actor_id and chosen.actor_id in graph:
            graph = ego_graph(graph, chosen.actor_id, hops=1)
        elif chosen.actor_id:
            graph = graph.subgraph([]).copy()
        return graph

    def ties(self) -> pd.DataFrame:
        """One row per relationship shown: the pair, its sign, period, grading and source."""
        graph = self.graph()
        rows = [
            {
                "actor_a": graph.nodes[a]["name"],
                "actor_b": graph.nodes[b]["name"],
                "sign": "structural" if is_structural(data) else data["sign"],
                "kind": data["kind"],
                "period": f"{data['start'] or '?'} – {data['end'] or 'open'}",
                "status": data["status"],
                "credibility": data["credibility"],
                "source": f"{data['source_id']} {data['locator']}",
            }
            for a, b, data in graph.edges(data=True)
        ]
        columns = ["actor_a", "actor_b", "sign", "kind", "period", "status", "credibility"]
        frame = pd.DataFrame(rows, columns=[*columns, "source"])
        return frame.sort_values(["actor_a", "actor_b", "period", "kind"], ignore_index=True)

    def summary(self) -> str:
        """One paragraph on what the selection shows, computed from the rows."""
        chosen = self.selection()
        ties = self.ties()
        window = (
            f"the year {chosen.first_year}"
            if chosen.first_year == chosen.last_year
            else f"the years {chosen.first_year} to {chosen.last_year}"
        )
        who = (
            f"around {self.dataset.actors.set_index('actor_id').loc[chosen.actor_id, 'name']}"
            if chosen.actor_id
            else "among all actors"
        )
        if ties.empty:
            return f"No relationship {who} overlaps {window} with these filters."
        counts = ties["sign"].value_counts()
        signs = ", ".join(f"{int(counts[s])} {s}" for s in TIE_CLASSES if s in counts)
        pairs = []
        for (a, b), group in ties.groupby(["actor_a", "actor_b"], sort=True):
            if group["sign"].nunique() > 1:
                phases = "; ".join(f"{r.sign} {r.period}" for r in group.itertuples())
                pairs.append(f"{a} and {b} change: {phases}.")
        verb = "overlaps" if len(ties) == 1 else "overlap"
        text = f"{len(ties)} tie{'' if len(ties) == 1 else 's'} {who} {verb} {window}: {signs}."
        # Say what the window did with ties of unknown period, either way.
        undated = int((ties["period"] == "? – open").sum())
        if chosen.undated and undated:
            text += f" {undated} of them {'has' if undated == 1 else 'have'} no date (shown)."
        elif not chosen.undated:
            gone = self.graph().graph.get("undated_left_out", 0)
            if gone:
                text += f" {gone} undated tie{'' if gone == 1 else 's'} left out."
        return " ".join([text, *pairs])

    def events_and_flows(self) -> pd.DataFrame:
        """The selected actor's events and flows in the window, with sources."""
        chosen = self.selection()
        if not chosen.actor_id:
            return pd.DataFrame(columns=["what", "id", "date", "detail", "status", "source"])
        from .profile import actor_profile

        profile = actor_profile(self.dataset, chosen.actor_id)
        rows = []
        for event in profile.events.itertuples(index=False):
            rows.append(
                (
                    "event",
                    event.event_id,
                    event.date,
                    event.sub_event_type,
                    event.status,
                    event.source,
                )
            )
        for flow in profile.flows.itertuples(index=False):
            detail = (
                flow.flow_type
                if pd.isna(flow.amount)
                else f"{flow.flow_type}: {flow.amount:,.0f} {flow.currency}"
            )
            rows.append(("flow", flow.flow_id, flow.date, detail, flow.status, flow.source))
        frame = pd.DataFrame(rows, columns=["what", "id", "date", "detail", "status", "source"])
        years = pd.to_numeric(frame["date"].str[:4], errors="coerce")
        keep = years.isna() | years.between(chosen.first_year, chosen.last_year)
        return frame[keep].reset_index(drop=True)

    def refresh(self) -> None:
        """Recompute every view from the widget values."""
        graph = self.graph()
        self.summary_view.value = f"<p>{html.escape(self.summary())}</p>"
        if graph.number_of_nodes():
            page = to_pyvis(graph, self.output_dir / "explore_network.html", title="Explore")
            # srcdoc keeps the page inside the widget: no server path needed.
            source = html.escape(page.read_text(encoding="utf-8"), quote=True)
            self.network_view.value = (
                f'<iframe srcdoc="{source}" width="100%" height="560" '
                'style="border: 1px solid #ddd"></iframe>'
            )
        else:
            self.network_view.value = "<p>Nothing to draw.</p>"
        self.ties_view.value = self.ties().to_html(index=False)
        self.activity_view.value = self.events_and_flows().to_html(index=False, na_rep="")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
