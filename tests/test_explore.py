"""The explorer's widgets drive the same computed views the notebook prints."""

from pathlib import Path

import pytest

from sahel_nb import ParameterError, load_dataset
from sahel_nb.explore import Explorer, actor_choices

FIXTURE = Path(__file__).parent / "fixtures" / "report"


@pytest.fixture
def explorer(tmp_path):
    return Explorer(load_dataset(FIXTURE), output_dir=tmp_path / "out")


def test_years_span_the_data_and_moving_them_redraws(explorer):
    assert (explorer.years.min, explorer.years.max) == (2003, 2007)
    explorer.years.value = (2003, 2005)
    # The 2005 membership is counted apart from cooperation, as structural.
    assert set(explorer.ties()["sign"]) == {"cooperative", "neutral", "structural"}
    assert "hostile" not in explorer.summary_view.value
    explorer.years.value = (2007, 2007)
    assert "hostile" in set(explorer.ties()["sign"])
    assert "1 hostile" in explorer.summary_view.value


def test_picking_an_actor_by_alias_centres_the_views(explorer):
    explorer.actor.value = "Testland authorities → Government of Testland"
    assert explorer.selection().actor_id == "gov"
    assert set(explorer.ties()["actor_a"]) == {"Government of Testland"}
    events = explorer.events_and_flows()
    assert set(events["id"]) == {"e-arrest", "e-undated"}
    explorer.years.value = (2003, 2006)  # the 2007 arrest leaves; the undated row stays
    assert set(explorer.events_and_flows()["id"]) == {"e-undated"}


def test_filters_by_kind_credibility_and_undated(explorer):
    explorer.kinds.value = ("negotiation",)
    assert explorer.ties()["kind"].tolist() == ["negotiation"]
    explorer.kinds.value = ()
    explorer.credibility.value = 2
    assert explorer.ties()["credibility"].tolist() == [2]
    explorer.credibility.value = 6  # any grade
    assert "mediation" not in set(explorer.ties()["kind"])
    explorer.undated.value = True
    assert "mediation" in set(explorer.ties()["kind"])


def test_network_frame_is_escaped_and_written_only_where_asked(explorer, tmp_path):
    explorer.years.value = (2005, 2005)  # the tie of the actor named <script>
    frame = explorer.network_view.value
    assert frame.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "<script>alert" not in frame and "&lt;script&gt;alert" not in frame
    assert "\\u003cscript\\u003ealert(1)" in frame  # the page's JSON escapes it too
    assert "<script>" not in explorer.ties_view.value
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["explore_network.html", "out"]


def test_unknown_actor_is_a_clear_error(tmp_path):
    with pytest.raises(ParameterError, match="did you mean 'grp'"):
        Explorer(load_dataset(FIXTURE), output_dir=tmp_path, actor_id="Sand")


def test_the_tuareg_tie_turns_from_cooperation_to_hostility(tmp_path):
    explorer = Explorer(
        load_dataset(), output_dir=tmp_path, start=2003, end=2003, actor_id="tuareg"
    )
    assert explorer.ties()["sign"].tolist() == ["cooperative"]
    explorer.years.value = (2003, 2006)
    assert "Tuareg and Al-Qaeda in the Islamic Maghreb change: cooperative" in explorer.summary()
    explorer.years.value = (2007, 2009)
    assert explorer.ties()["sign"].tolist() == ["hostile"]


def test_actor_choices_list_names_and_aliases():
    choices = actor_choices(load_dataset(FIXTURE))
    assert choices["Sand Brigade"] == "grp"
    assert choices["SB → Sand Brigade"] == "grp"
