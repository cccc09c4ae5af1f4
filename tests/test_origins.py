"""Who told it first: speakers, echoes, tertiary works, interested parties and relay chains."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sahel_nb import DataValidationError, load_dataset
from sahel_nb.cite import support_said, teller_names
from sahel_nb.claims import claim_table
from sahel_nb.flows import payment_claims
from sahel_nb.origins import agreement, one_per_claim

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "claims", target)
    return target


def _edit(folder, table: str, changes: dict[str, dict[str, str]], add: list[dict] | None = None):
    """Set cells by row id (adding columns as needed) and append rows; text in, text out."""
    path = folder / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    key = frame.columns[0]
    for row_id, cells in changes.items():
        assert (frame[key] == row_id).any(), row_id
        for column, value in cells.items():
            if column not in frame:
                frame[column] = ""
            frame.loc[frame[key] == row_id, column] = value
    if add:
        frame = pd.concat([frame, pd.DataFrame(add)], ignore_index=True).fillna("")
    frame.to_csv(path, index=False)


def _claim(folder, claim_id: str) -> pd.Series:
    return claim_table(load_dataset(folder)).set_index("claim_id").loc[claim_id]


def test_an_echo_is_kept_as_a_report_but_is_no_origin(folder):
    before = _claim(folder, "c-ransom")
    _edit(folder, "flows", {"fl-ransom-col": {"told": "unattributed"}})
    after = _claim(folder, "c-ransom")
    assert after["reports"] == before["reports"]
    assert after["origins"] == before["origins"] - 1


def test_one_speaker_through_two_outlets_is_one_origin(folder):
    _edit(
        folder,
        "flows",
        {
            "fl-ransom-col": {"speaker": "German officials (unnamed)", "told": "statement"},
            "fl-ransom-paper": {"speaker": "German  officials (unnamed) "},
        },
    )
    claim = _claim(folder, "c-ransom")
    assert claim["origins"] == 1
    assert claim["agreement"] == "contested"  # the radio's denial still stands against it


def test_one_teller_spelt_in_another_case_form_or_as_the_actor_is_one_origin(folder):
    spellings = {
        "case": ("German officials (unnamed)", "german OFFICIALS (unnamed)"),
        "form": ("Touré's envoy", "Toure\u0301's envoy"),  # one é composed, one combining
        "actor": ("mali-gov", "Malian authorities"),  # the actor's id, and its alias
    }
    for first, second in spellings.values():
        _edit(folder, "flows", {"fl-ransom-col": {"speaker": first, "told": "statement"},
                                "fl-ransom-paper": {"speaker": second}})  # fmt: skip
        assert _claim(folder, "c-ransom")["origins"] == 1, (first, second)


def test_outlets_relaying_one_another_pass_on_the_teller_the_first_names(folder):
    # The paper names the officials; the column relays the paper, a row of the tv relays
    # the column: one teller, three reports.
    _edit(
        folder,
        "flows",
        {
            "fl-ransom-paper": {"speaker": "German officials (unnamed)", "told": "statement"},
            "fl-ransom-col": {"relays": "paper"},
        },
        add=[{"flow_id": "fl-ransom-tv", "claim_id": "c-ransom", "date": "2003",
              "payer": "germany", "payee": "gspc", "flow_type": "ransom",
              "in_kind": "a ransom", "event_id": "ev-kidnap-col", "status": "alleged",
              "credibility": "3", "source_id": "tv", "locator": "¶1", "relays": "col"}],
    )  # fmt: skip
    dataset = load_dataset(folder)
    rows = dataset.flows.set_index("flow_id")
    said = rows.loc[["fl-ransom-paper", "fl-ransom-col", "fl-ransom-tv"], "origin"]
    assert set(said) == {"speaker:German officials (unnamed)"}
    claim = claim_table(dataset).set_index("claim_id").loc["c-ransom"]
    assert claim["origins"] == 1 and claim["reports"] == 4


def test_what_names_no_teller_neither_makes_a_claim_reported_nor_contests_it(folder):
    base = {"claim_id": "c-demand", "date": "2003", "payee": "gspc", "flow_type": "ransom demand",
            "amount": "45000000", "currency": "EUR", "event_id": "ev-kidnap-col",
            "credibility": "3", "source_id": "radio", "locator": "¶9", "told": "unattributed"}  # fmt: skip
    before = _claim(folder, "c-demand")
    assert before["agreement"] == "single source" and before["support"].startswith("alleged")
    # An echo stating the demand as fact, and another denying it.
    _edit(folder, "flows", {}, add=[base | {"flow_id": "fl-demand-echo", "status": "reported"},
                                    base | {"flow_id": "fl-demand-nay", "status": "denied"}])  # fmt: skip
    dataset = load_dataset(folder)
    after = claim_table(dataset).set_index("claim_id").loc["c-demand"]
    assert after["agreement"] == "single source" and after["support"].startswith("alleged")
    rows = dataset.flows[dataset.flows["claim_id"] == "c-demand"].to_dict("records")
    said = support_said(after, rows, teller_names(dataset.sources, dataset.actors))
    assert said.startswith("alleged only by") and "denied by" in said and "no teller" in said


def test_two_speakers_in_one_outlet_are_two_origins(folder):
    # The column's figure is its own; a second row of it quotes a kidnapper.
    extra = {
        "flow_id": "fl-ransom-col-kidnapper",
        "claim_id": "c-ransom",
        "date": "2003",
        "payer": "germany",
        "payee": "gspc",
        "flow_type": "ransom",
        "in_kind": "a ransom, amount not given",
        "status": "alleged",
        "credibility": "3",
        "source_id": "col",
        "locator": "¶5",
        "speaker": "gspc",
        "told": "interview",
        "interest": "participant",
    }
    before = _claim(folder, "c-ransom")
    _edit(folder, "flows", {}, add=[extra])
    assert _claim(folder, "c-ransom")["origins"] == before["origins"] + 1


def test_a_tertiary_work_alone_makes_no_origin_and_never_corroborates(folder):
    wiki = {
        "source_id": "wiki",
        "title": "An encyclopedia article",
        "publisher": "Wiki",
        "kind": "encyclopedia",
        "tertiary": "true",
        "reliability": "F",
    }
    _edit(folder, "sources", {}, add=[wiki])
    before = _claim(folder, "c-release")
    events = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False)
    alone = events[events["claim_id"] == "c-release"].iloc[0].to_dict()
    copy = {**alone, "event_id": "ev-release-wiki", "source_id": "wiki", "credibility": "3"}
    _edit(folder, "events", {}, add=[copy])
    claim = _claim(folder, "c-release")
    assert claim["reports"] == before["reports"] + 1
    assert (claim["origins"], claim["agreement"]) == (before["origins"], before["agreement"])
    # A claim only an encyclopedia tells is untraced.
    only = {**copy, "event_id": "ev-only-wiki", "claim_id": "c-only-wiki"}
    _edit(folder, "events", {}, add=[only])
    claim = _claim(folder, "c-only-wiki")
    assert claim["origins"] == 0 and claim["agreement"] == "untraced"
    assert "names no teller" in claim["support"] or "name no teller" in claim["support"]


def test_a_tertiary_work_that_names_its_teller_counts_through_the_teller(folder):
    digest = {"source_id": "digest", "title": "A digest", "tertiary": "true", "reliability": "F"}
    _edit(folder, "sources", {}, add=[digest])
    flows = pd.read_csv(folder / "flows.csv", dtype=str, keep_default_na=False)
    row = flows[flows["flow_id"] == "fl-share-col"].iloc[0].to_dict()
    told = {**row, "flow_id": "fl-share-digest", "source_id": "digest", "speaker": "gspc"}
    echoed = {**row, "flow_id": "fl-share-digest-2", "source_id": "digest", "speaker": ""}
    _edit(folder, "flows", {}, add=[told, echoed])
    reports = load_dataset(folder).flows.set_index("flow_id")
    assert reports.loc["fl-share-digest", "origin"] == "speaker:gspc"
    assert pd.isna(reports.loc["fl-share-digest-2", "origin"])
    assert reports.loc["fl-share-col", "origin"] == "col"


def test_wording_names_tellers_their_stake_and_echoes_apart(folder):
    _edit(
        folder,
        "flows",
        {
            "fl-ransom-col": {"told": "unattributed"},
            "fl-ransom-radio": {
                "speaker": "Mali's chief negotiator",
                "told": "interview",
                "interest": "participant",
            },
        },
    )
    dataset = load_dataset(folder)
    claims = one_per_claim(dataset.flows).set_index("claim_id")
    reports = dataset.flows[dataset.flows["claim_id"] == "c-ransom"].to_dict("records")
    said = support_said(
        claims.loc["c-ransom"].to_dict(),
        reports,
        teller_names(dataset.sources, dataset.actors),
    )
    assert "Fixture TV 2003 (relayed by Fixture Daily 2003)" in said
    assert "also repeated by Analyst 2010, which names no teller" in said
    against = said.split("against: ")[1]
    assert against.startswith("Mali's chief negotiator (an interested party")
    assert "to Fixture Radio 2003" in against


def test_the_range_is_the_tellers_and_an_echo_figure_is_listed_beside(folder):
    whole = payment_claims(load_dataset(folder)).set_index("claim_id").loc["c-ransom"]
    assert "USD" in whole["figures"]  # the column's $7.3M is in while it counts
    _edit(folder, "flows", {"fl-ransom-col": {"told": "unattributed"}})
    claim = payment_claims(load_dataset(folder)).set_index("claim_id").loc["c-ransom"]
    assert claim["figures"] == "4,600,000 EUR"
    assert claim["usd_high"] < whole["usd_high"]
    assert "names no teller, so not in the range" in claim["reported_as"]


def test_amount_year_is_the_year_the_money_is_converted_from(folder):
    before = payment_claims(load_dataset(folder), base_year=2024).set_index("claim_id")
    _edit(folder, "flows", {"fl-ransom-col": {"amount_year": "2010"}})
    after = payment_claims(load_dataset(folder), base_year=2024).set_index("claim_id")
    # $7.3M of 2010 is fewer 2024 dollars than $7.3M of 2003.
    assert after.loc["c-ransom", "usd_2024_high"] < before.loc["c-ransom", "usd_2024_high"]
    assert (
        "in 2010 money"
        in payment_claims(load_dataset(folder)).set_index("claim_id").loc["c-ransom", "reported_as"]
    )


def _problems(folder) -> list[str]:
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder)
    return [str(problem) for problem in caught.value.problems]


def test_speakers_and_relays_are_validated_with_file_line_and_column(folder):
    _edit(
        folder,
        "flows",
        {
            "fl-ransom-col": {"speaker": "nobody-known"},
            "fl-ransom-paper": {"told": "unattributed", "speaker": "German officials"},
            "fl-demand-paper": {"told": "relayed"},
            "fl-share-col": {"relays": "col"},
            "fl-ransom-radio": {"told": "hearsay", "interest": "grudge"},
        },
    )
    problems = _problems(folder)
    flows = str(folder / "flows.csv")
    expected = {
        f"{flows}:2: speaker:": "nobody-known",
        f"{flows}:3: told: is unattributed, but the row names its speaker": "unattributed",
        f"{flows}:5: told: is relayed, but relays is empty": "relayed",
        f"{flows}:6: relays: names the row's own source": "col",
        f"{flows}:4: told:": "hearsay",
        f"{flows}:4: interest:": "grudge",
    }
    for start, value in expected.items():
        assert any(p.startswith(start) and repr(value) in p for p in problems), (start, problems)


def test_a_relay_that_leads_back_to_the_citing_source_is_refused(folder):
    # The paper relays the TV; a row of the TV said to relay the paper closes a loop.
    tv_row = {
        "flow_id": "fl-ransom-tv",
        "claim_id": "c-ransom",
        "date": "2003",
        "payer": "germany",
        "payee": "gspc",
        "flow_type": "ransom",
        "amount": "4600000",
        "currency": "EUR",
        "status": "alleged",
        "credibility": "3",
        "source_id": "tv",
        "locator": "¶1",
        "relays": "paper",
    }
    _edit(folder, "flows", {}, add=[tv_row])
    problems = _problems(folder)
    loop = [p for p in problems if "relays: leads back to the row's own source" in p]
    assert loop and "tv → paper → tv" in loop[0], problems


def test_an_echo_cannot_be_graded_1(folder):
    _edit(folder, "events", {"ev-kidnap-paper": {"told": "unattributed"}})
    problems = _problems(folder)
    assert any("credibility: 1" in p and "names no teller" in p for p in problems), problems


def test_a_bad_amount_year_is_refused(folder):
    _edit(folder, "flows", {"fl-ransom-col": {"amount_year": "10"}})
    assert any("amount_year: must be a year" in p for p in _problems(folder))


def test_money_of_a_year_after_the_source_came_out_is_refused(folder):
    # The column came out in 2010: its figure cannot be in 2030 money.
    _edit(folder, "flows", {"fl-ransom-col": {"amount_year": "2030"}})
    [problem] = [p for p in _problems(folder) if ": amount_year: " in p]
    assert problem.startswith(f"{folder / 'flows.csv'}:2: amount_year: is after its source")
    assert problem.endswith("('2030')")
    _edit(folder, "flows", {"fl-ransom-col": {"amount_year": "2009"}})
    assert load_dataset(folder).flows["amount_year"].notna().any()  # 2009: valid


@pytest.mark.parametrize(
    ("counts", "label"),
    [
        ((0, 0, 0, 2), "untraced"),
        ((0, 1, 0, 2), "contested"),
        ((1, 0, 0, 3), "single source"),
        ((2, 0, 0, 2), "corroborated"),
    ],
)
def test_agreement_counts_origins_not_reports(counts, label):
    origins, denying, disputed, supporting = counts
    assert agreement(origins, denying, disputed, supporting=supporting) == label


def test_the_curated_data_counts_no_encyclopedia_as_an_origin():
    dataset = load_dataset()
    tertiary = set(dataset.sources.loc[dataset.sources["tertiary"].fillna(False), "source_id"])
    for name in ("relationships", "events", "flows"):
        frame = dataset.tables[name]
        cited = frame[frame["source_id"].isin(tertiary)]
        named = cited["speaker"].notna() | cited["relays"].notna()
        assert cited.loc[~named, "origin"].isna().all(), name


def test_a_relay_passes_on_the_teller_of_its_own_side_only(folder):
    # The paper quotes German officials reporting the ransom and Mali's government
    # denying it; the column relays the paper's report: the officials, not the paper.
    denial = {"flow_id": "fl-ransom-paper-nay", "claim_id": "c-ransom", "date": "2003",
              "payer": "germany", "payee": "gspc", "flow_type": "ransom",
              "in_kind": "no ransom, per the government", "event_id": "ev-kidnap-col",
              "status": "denied", "credibility": "3", "source_id": "paper", "locator": "¶5",
              "speaker": "mali-gov", "told": "statement"}  # fmt: skip
    _edit(
        folder,
        "flows",
        {"fl-ransom-paper": {"speaker": "German officials (unnamed)", "told": "statement"},
         "fl-ransom-col": {"relays": "paper"}},
        add=[denial],
    )  # fmt: skip
    origin = load_dataset(folder).flows.set_index("flow_id")["origin"]
    assert (
        origin["fl-ransom-col"] == origin["fl-ransom-paper"] == "speaker:German officials (unnamed)"
    )


def test_a_table_missing_a_column_is_a_problem_not_a_crash(folder, capsys):
    from sahel_nb.cli import main

    actors = pd.read_csv(folder / "actors.csv", dtype=str, keep_default_na=False)
    actors.drop(columns=["name"]).to_csv(folder / "actors.csv", index=False)
    _edit(folder, "flows", {"fl-ransom-col": {"speaker": "gspc", "amount_year": "2003"}})
    assert main(["validate", str(folder)]) == 1
    said = capsys.readouterr().err
    assert "actors.csv:1: name: missing column" in said and "Traceback" not in said


def test_a_denial_naming_no_teller_is_untraced_whether_or_not_its_claim_has_other_rows():
    rows = pd.DataFrame(
        {
            "flow_id": ["a", "b", "c"],
            "claim_id": ["x", "y", "y"],
            "status": ["denied", "denied", "denied"],
            "credibility": [3, 3, 3],
            "origin": [None, None, None],
            "source_id": ["wiki", "wiki", "wiki2"],
            "locator": ["¶1", "¶1", "¶2"],
        }
    )
    for frame in (rows.iloc[:1], rows):  # one row a claim; claims of several rows
        claims = one_per_claim(frame).set_index("claim_id")
        assert set(claims["agreement"]) == {"untraced"}
        assert all(s.startswith("denied only by") for s in claims["support"])
