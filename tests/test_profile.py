"""Actor profiles: ties over time, roles in events and flows, sources, and bad ids."""

from pathlib import Path

import pandas as pd
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
    identity = dict(profile.card().identity)
    assert "also known as" not in identity and "country" not in identity  # none given
    assert identity["name"] == "the sources describe this actor without naming it"
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


# The card.

SECTIONS = [
    "Lineage",
    "Leaders and members",
    "Leads or belongs to",
    "Designations and sanctions",
    "Key events",
    "Ties by year",
    "Money and goods",
]


@pytest.fixture(scope="module")
def curated():
    return load_dataset()


def test_card_sections_in_order_in_html_and_text(data):
    card = actor_profile(data, "grp").card()
    assert [s.heading for s in card.sections] == SECTIONS
    html = card._repr_html_()
    positions = [html.index(f'data-section="{heading}"') for heading in SECTIONS]
    assert positions == sorted(positions)
    text = str(card)
    assert text.startswith("Sand Brigade\ntype: armed group\ncountry: Mali\n")
    assert "also known as: The Sand; SB" in text
    assert [text.index(f"\n{heading}\n") for heading in SECTIONS] == sorted(
        text.index(f"\n{heading}\n") for heading in SECTIONS
    )


def test_no_database_row_phrasing_and_country_only_when_given(curated):
    for actor_id in ("aqim", "harouna-toure", "tuareg-mediator-2003"):
        card = actor_profile(curated, actor_id).card()
        for shown in (str(card), card._repr_html_()):
            assert "named in the source" not in shown
            assert "not given</dd>" not in shown and "country: not given" not in shown
    assert "country" not in dict(actor_profile(curated, "aqim").card().identity)
    assert dict(actor_profile(curated, "harouna-toure").card().identity)["country"] == "Mali"


def test_lineage_of_aqim_includes_the_gspc_with_its_support(curated):
    lineage = actor_profile(curated, "aqim").card().section("Lineage")
    (fact,) = lineage.facts
    assert fact.text == "Grew out of Salafist Group for Preaching and Combat"
    assert fact.support.startswith("corroborated by 2 independent origins: Guitta 2010")
    assert "guitta-2010 ¶6" in fact.source
    gspc = actor_profile(curated, "gspc").card().section("Lineage")
    assert [f.text for f in gspc.facts] == ["Succeeded by Al-Qaeda in the Islamic Maghreb"]
    none = actor_profile(curated, "belmokhtar").card().section("Lineage")
    assert none.facts == () and none.empty == "No predecessor or successor is recorded."


def test_leaders_and_members_both_ways(curated, data):
    aqim = actor_profile(curated, "aqim").card()
    members = [f.text for f in aqim.section("Leaders and members").facts]
    assert "Mokhtar Belmokhtar" in members and "Osama el Merdaci" in members
    # The GSPC's commander, marked as its predecessor's.
    assert (
        "Abderrazak El Para (of its predecessor Salafist Group for Preaching and Combat)" in members
    )
    belongs = [f.text for f in aqim.section("Leads or belongs to").facts]
    assert belongs[0] == "Al-Qaeda"
    led = [
        f.text
        for f in actor_profile(curated, "belmokhtar").card().section("Leads or belongs to").facts
    ]
    assert "Al-Qaeda in the Islamic Maghreb" in led and "Al Mourabitoun" in led
    grp = actor_profile(data, "grp").card().section("Leaders and members")
    assert [f.text for f in grp.facts] == ["<script>alert(1)</script> (2005)"]


def test_designations_and_sanctions_in_date_order(curated):
    card = actor_profile(curated, "belmokhtar").card()
    facts = [f.text for f in card.section("Designations and sanctions").facts]
    assert [t.split(":")[0] for t in facts] == ["2003-11-11", "2004-06", "2007-03"]
    assert facts[0].startswith("2003-11-11: Designation — The UN Security Council's")
    assert facts[1].startswith("2004-06: Sentencing — A court at Illizi")
    # Listed once: not repeated among the key events.
    keys = " ".join(f.text for f in card.section("Key events").facts)
    assert "Illizi" not in keys
    aqim = [
        f.text
        for f in actor_profile(curated, "aqim").card().section("Designations and sanctions").facts
    ]
    assert any("designated AQIM a foreign terrorist organisation" in t for t in aqim)


def test_key_events_in_date_order_and_ties_counted_by_year(data, curated):
    card = actor_profile(data, "grp").card()
    dates = [f.text.split(":")[0] for f in card.section("Key events").facts]
    assert dates == ["2004", "2005-06", "2006", "2007-03-02", "undated"]
    ties = card.section("Ties by year")
    assert ties.columns == ("year begun", "cooperative", "hostile", "neutral", "structural")
    # The 2005 membership counts apart: a membership is no cooperation.
    assert ties.rows == (
        ("2003", 1, 0, 0, 0),
        ("2004", 1, 0, 1, 0),
        ("2005", 0, 0, 0, 1),
        ("2006", 0, 1, 0, 0),
    )
    assert ties.note == "1 tie with no date: 1 neutral."
    aqim = actor_profile(curated, "aqim").card().section("Key events")
    assert len(aqim.facts) == 12 and aqim.note.endswith("more events in the events table.")


def test_money_in_and_out_or_a_sentence_saying_none(data, curated):
    money = actor_profile(data, "grp").card().section("Money and goods")
    texts = [f.text for f in money.facts]
    assert any(
        t.startswith("In: ransom from Northland, 2004: 4,000,000–6,000,000 EUR") for t in texts
    )
    assert any(t.startswith("Out: share of a ransom to A go-between") for t in texts)
    broker = actor_profile(data, "broker").card().section("Money and goods")
    assert broker.facts[0].text.startswith("Through: ransom from Northland to Sand Brigade")
    card = actor_profile(data, "tribe").card()
    none = card.section("Money and goods")
    assert (
        none.facts == ()
        and none.empty == "No money or goods in or out of Oasis Tribe are recorded."
    )
    html = card._repr_html_()
    section = html[html.index('data-section="Money and goods"') :]
    assert "<table" not in section and "No money or goods in or out of Oasis Tribe" in section
    # Unknown stays unknown: the mediator's share has no figure, and says so.
    share = actor_profile(curated, "tuareg-mediator-2003").card().section("Money and goods").facts
    assert share[0].text == (
        "In: share of a ransom from Abderrazak El Para: part of the 2003 ransom money "
        "(amount not given)"
    )


def test_each_fact_carries_its_support_and_allegations_say_who(curated):
    card = actor_profile(curated, "aqim").card()
    for section in card.sections:
        assert all(f.support and f.source for f in section.facts), section.heading
    money = {f.text.split(":")[1].strip(): f for f in card.section("Money and goods").facts}
    ransom = money["ransom from Germany, 2003"]
    # Two first tellers (ARD; Saifi), the echoes listed apart, the denier named with his stake.
    assert ransom.support.startswith("contested: alleged by 2 independent origins")
    assert "which name no teller" in ransom.support
    assert "against: Amadou Baba Touré (an interested party" in ransom.support
    supplies = money["supplies in kind from Harouna Touré"]
    assert supplies.support == (
        "alleged only by Harouna Touré (an interested party: took part in what it tells), "
        "through United States Attorney for the Southern District of New York 2009 "
        "(relayed by Guitta 2010)"
    )
    html = card._repr_html_()
    assert '<span class="support">alleged only by Harouna Touré' in html


def test_no_description_is_cut_mid_word(curated):
    from sahel_nb.profile import shorten

    originals = [" ".join(str(d).split()) for d in curated.events["description"].dropna()]
    cut = 0
    for original in originals:
        short = shorten(original)
        if short == original:
            continue
        cut += 1
        kept = short.removesuffix("…").rstrip()
        # The next character is a space or punctuation, never the rest of a word.
        assert original.startswith(kept) and not original[len(kept)].isalnum(), short
    assert cut > 5  # the curated descriptions are long: the rule is exercised
    for actor_id in ("aqim", "belmokhtar", "gspc"):
        for section in actor_profile(curated, actor_id).card().sections:
            for fact in section.facts:
                if "…" in fact.text:
                    before = fact.text.split(" — ", 1)[1].split("…")[0].rstrip()
                    assert any(
                        o.startswith(before) and not o[len(before)].isalnum() for o in originals
                    )


def test_every_curated_actor_has_a_profile_those_with_no_ties_too(curated):
    untied = (
        set(curated.actors["actor_id"])
        - set(curated.relationships["actor_a"])
        - set(curated.relationships["actor_b"])
    )
    assert untied  # hostages, victims, bodies named only in events
    for actor_id in curated.actors["actor_id"]:
        profile = actor_profile(curated, actor_id)
        assert profile.summary().count("appears in") == 1
        assert profile.card()._repr_html_()
    assert "appears in 0 relationships" in actor_profile(curated, sorted(untied)[0]).summary()


def test_a_payment_is_shown_as_the_ransom_table_shows_it_not_through_a_doubt(curated):
    from sahel_nb.flows import payment_claims

    flows = actor_profile(curated, "germany").flows
    claims = payment_claims(curated).set_index("flow_id")
    ransom = flows[flows["flow_id"].isin(claims.index)]
    assert len(ransom)
    for row in ransom.itertuples():
        assert row.status not in ("denied", "disputed")
        figures = claims.loc[row.flow_id, "figures"]
        assert row.figures == figures or (pd.isna(row.figures) and pd.isna(figures))
    assert "4,600,000 EUR" in set(ransom["figures"])  # the 2003 ransom, as the tellers give it


def test_a_membership_is_counted_apart_from_cooperation(data):
    from sahel_nb.network import build_graph
    from sahel_nb.network.hover import _detail_parts

    profile = actor_profile(data, "grp")
    kinds = profile.ties.set_index("kind")["sign"]
    assert kinds["leadership/membership"] == "structural"
    cooperative = profile.ties["kind"].isin(["alliance/cooperation", "protection/safe haven"])
    assert f"({int(cooperative.sum())} cooperative" in profile.summary()
    assert "1 structural" in profile.summary()
    hovers = [
        _detail_parts(tie)[0]
        for *_, tie in build_graph(data).edges(keys=True, data=True)
        if tie["kind"] == "leadership/membership"
    ]
    assert hovers and all(h.endswith("(structural)") for h in hovers)
