"""Actor profiles: ties over time, roles in events and flows, sources, and bad ids."""

from pathlib import Path

import pytest

from sahel_nb import ParameterError, load_dataset
from sahel_nb.profile import actor_profile

FIXTURE = Path(__file__).parent / "fixtures" / "report"


@pytest.fixture(scope="module")
def data():
    return load_dataset(FIXTURE)


def test_ties_are_in_time_order_with_direction_from_the_actor(data):
    ties = actor_profile(data, "gov").ties
    # Both start in 2004; the one that ended comes before the open-ended one.
    assert ties[["relationship_id", "other", "direction", "sign"]].values.tolist() == [
        ["r-deal", "Sand Brigade", "—", "neutral"],
        ["r-haven", "Sand Brigade", "→", "cooperative"],
    ]
    grp = actor_profile(data, "grp").ties
    assert grp["relationship_id"].iloc[-1] == "r-undated"  # undated last
    assert grp.set_index("relationship_id").loc["r-xss", "direction"] == "←"


def test_roles_in_events_and_flows(data):
    xss = actor_profile(data, "xss")
    assert xss.events[["event_id", "role"]].values.tolist() == [["e-kidnap", "associated"]]
    assert xss.flows[["flow_id", "role"]].values.tolist() == [["f-supplies", "payer"]]
    broker = actor_profile(data, "broker")
    assert broker.flows[["flow_id", "role"]].values.tolist() == [
        ["f-alleged", "go-between"],
        ["f-share", "payee"],
    ]
    assert broker.flows["amount"].isna().tolist() == [False, True]  # unknown stays empty


def test_summary_card_and_sources(data):
    profile = actor_profile(data, "broker")
    assert profile.summary() == (
        "A go-between (individual) appears in 1 relationship (1 neutral), 0 events and "
        "2 flows, citing 1 source. The source does not name this actor; it describes it "
        "as a group or role."
    )
    assert profile.card().loc["also known as", "value"] == "no other name recorded"
    assert actor_profile(data, "gov").sources["source_id"].tolist() == ["src-a", "src-b"]


def test_unknown_actor_suggests_ids_names_and_aliases(data):
    with pytest.raises(ParameterError, match="did you mean 'gov' \\(Government of Testland\\)"):
        actor_profile(data, "testland authorities")
    with pytest.raises(ParameterError, match=r"unknown actor id 'zzz'$"):
        actor_profile(data, "zzz")


def test_hostile_names_are_escaped_wherever_the_profile_is_shown(data):
    from sahel_nb.narrative import show

    profile = actor_profile(data, "xss")
    shown = [
        show(profile.summary())._repr_html_(),
        profile.card()._repr_html_(),
        actor_profile(data, "grp").ties._repr_html_(),
    ]
    for html in shown:
        assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown[0]
    assert "&lt;img src=x onerror=alert(2)&gt;" in shown[1]


def test_a_group_profile_shows_its_predecessors_record_as_theirs():
    from sahel_nb import actor_profile, load_dataset

    profile = actor_profile(load_dataset(), "aqim")
    kidnapping = profile.events[
        profile.events["sub_event_type"] == "Abduction/forced disappearance"
    ]
    roles = dict(zip(kidnapping["date"].str[:4], kidnapping["role"], strict=False))
    assert roles["2003"] == "actor 1 (as its predecessor Salafist Group for Preaching and Combat)"
    assert "its predecessors' record, marked as such" in profile.summary()
