"""Loading: typed tables, where the data comes from, and the curated data itself."""

from pathlib import Path

import pandas as pd
import pytest

from sahel_nb import TABLES, Dataset, curated_data_dir, load_dataset
from sahel_nb.data import validate_folder
from sahel_nb.paths import DATA_ENV_VAR
from sahel_nb.texts import find_text, locator_paragraphs, paragraphs, stored_name


@pytest.fixture(scope="module")
def curated() -> Dataset:
    return load_dataset()


def test_repr_shows_row_counts(valid_dir):
    assert repr(load_dataset(valid_dir)) == (
        "Dataset(sources=1, actors=4, relationships=2, events=2, flows=2)"
    )


def test_types(valid_dir):
    data = load_dataset(valid_dir)
    assert isinstance(data.actors["actor_type"].dtype, pd.CategoricalDtype)
    assert data.actors.loc[0, "aliases"] == ["AQIM", "Al Qaeda in the Islamic Maghreb"]
    assert data.events.loc[1, "assoc_actors"] == ["toure"]
    assert data.events.loc[0, "assoc_actors"] == []
    assert data.actors["unnamed"].dtype == "boolean"
    assert data.flows["amount"].dtype == "Float64"
    assert data.events["hostages"].dtype == "Int64"
    assert data.relationships["credibility"].tolist() == [3, 3]
    assert data.sources["reliability"].cat.ordered


def test_partial_dates_are_kept_as_written_and_expanded(valid_dir):
    sources = load_dataset(valid_dir).sources
    assert sources.loc[0, "published"] == "2010-02"
    assert sources.loc[0, "published_start"] == pd.Timestamp("2010-02-01")
    assert sources.loc[0, "published_end"] == pd.Timestamp("2010-02-28")


def test_unknown_amounts_stay_empty_not_zero(valid_dir):
    flows = load_dataset(valid_dir).flows
    assert pd.isna(flows.loc[1, "amount"])
    assert pd.isna(flows.loc[1, "date"])


def test_rows_carry_the_reliability_of_their_source(valid_dir):
    data = load_dataset(valid_dir)
    for name in ("actors", "relationships", "events", "flows"):
        assert data.tables[name]["reliability"].astype(str).unique().tolist() == ["C"]
    assert data.flows.loc[0, "credibility_label"] == "Possibly true"


def test_environment_variable_points_at_other_data(monkeypatch, valid_dir):
    monkeypatch.setenv(DATA_ENV_VAR, str(valid_dir))
    assert len(load_dataset().actors) == 4


def test_explicit_folder_wins_over_the_environment(monkeypatch, valid_dir, tmp_path):
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path))
    assert len(load_dataset(valid_dir).actors) == 4


def test_curated_data_is_found_from_the_clone():
    assert curated_data_dir() == Path(__file__).parents[1] / "data"


# The curated data: what the analysts promise about it.


def test_curated_data_loads(curated):
    assert len(curated.actors) >= 20
    assert len(curated.relationships) + len(curated.events) + len(curated.flows) >= 30


def test_every_row_cites_a_paragraph_of_a_stored_source(curated):
    for name, frame in curated.tables.items():
        if name == "sources":
            continue
        for source_id, locator in zip(frame["source_id"], frame["locator"], strict=True):
            paragraphs = _paragraphs(curated, source_id)
            numbers = locator_paragraphs(locator)
            assert numbers, (name, source_id, locator)
            assert all(1 <= n <= len(paragraphs) for n in numbers), (name, source_id, locator)


def test_the_curated_data_passes_the_text_checks(curated_texts):
    # Locators within their texts, nothing copied: validate's own checks, with no error.
    _, warnings = validate_folder()
    assert all(w.warning for w in warnings)


def test_the_ten_documents_of_the_sources_readme_are_curated(curated, curated_texts):
    stored = set(curated.sources["notes"].map(stored_name).dropna())
    assert stored == {p.name for p in curated_texts.glob("*.txt")}
    cited = set(
        pd.concat([curated.tables[t]["source_id"] for t in ("relationships", "events", "flows")])
    )
    held = curated.sources.loc[curated.sources["notes"].map(stored_name).notna(), "source_id"]
    assert set(held) <= cited, "every stored document gives at least one claim"


def test_the_german_ransom_is_alleged_and_about_7_3_million_dollars(curated):
    flow = curated.flows.set_index("flow_id").loc["fl-2003-german-ransom"]
    assert (flow["amount"], flow["currency"], flow["status"]) == (7_300_000, "USD", "alleged")
    assert flow["date"] == "2003"
    assert pd.isna(flow["amount_low"]) and pd.isna(flow["amount_high"])


def test_no_amount_is_zero_and_unknown_amounts_say_what_was_given(curated):
    flows = curated.flows
    assert not flows["amount"].eq(0).any()
    assert flows.loc[flows["amount"].isna(), "in_kind"].notna().all()


def test_dates_are_no_more_precise_than_the_source(curated):
    column = [
        frame.loc[frame["source_id"] == "guitta-2010", field]
        for frame, field in (
            (curated.events, "date"),
            (curated.flows, "date"),
            (curated.relationships, "start"),
        )
    ]
    # The column gives years and one month (December 2009), never a day.
    assert pd.concat(column).dropna().str.len().isin([4, 7]).all()
    assert curated.events.set_index("event_id").loc["ev-2009-12-ny-indictment", "date"] == "2009-12"
    # What the sources say of September and October 2006 is kept as an interval.
    firefight = curated.events.set_index("event_id").loc["ev-2006-adc-aqim-firefight-1"]
    assert firefight["date"] == "2006-09/2006-10"
    span = (str(firefight["date_start"].date()), str(firefight["date_end"].date()))
    assert span == ("2006-09-01", "2006-10-31")


def test_source_spellings_are_aliases(curated):
    actors = curated.actors.set_index("actor_id")
    assert "Amani Amadou Toure" in actors.loc["toure", "aliases"]
    assert actors.loc["toure", "name"] == "Amadou Toumani Touré"
    assert "Islamic Armed Group" in actors.loc["gia", "aliases"]


def test_unnamed_groups_are_marked(curated):
    actors = curated.actors.set_index("actor_id")
    assert actors.loc[
        ["belmokhtar-tribes", "tuareg-mediator-2003", "ny-defendants-2009"], "unnamed"
    ].all()
    assert not actors.loc["belmokhtar", "unnamed"]


def test_the_tuareg_tie_turns_from_cooperation_to_hostility_in_2006(curated):
    rels = curated.relationships
    pair = rels[(rels["actor_a"] == "tuareg") & (rels["actor_b"] == "aqim") & rels["start"].notna()]
    phases = (
        pair.sort_values("start_start")[["kind", "start", "end"]].astype(object).values.tolist()
    )
    assert phases[0][:2] == ["alliance/cooperation", "2003"]
    assert phases[1][:2] == ["hostility/armed conflict", "2006"]


def test_allegations_of_algerian_media_stay_alleged(curated):
    rels = curated.relationships
    from_media = rels[rels["note"].str.contains("Algerian official media", na=False)]
    assert len(from_media) >= 3
    assert from_media["status"].eq("alleged").all()


def _file_paragraphs(name: str) -> list[str]:
    path = find_text(name, curated_data_dir())
    if path is None:
        pytest.skip(f"{name} is in no folder of source texts beside the clone")
    return paragraphs(path.read_text(encoding="utf-8"))


def _paragraphs(curated: Dataset, source_id: str) -> list[str]:
    """The numbered paragraphs of the stored document a source row names in its notes."""
    stored = stored_name(curated.sources.set_index("source_id").loc[source_id, "notes"])
    assert stored, f"{source_id} cites no stored document"
    return _file_paragraphs(stored)


def test_every_table_is_present():
    assert set(load_dataset().tables) == set(TABLES)


def test_a_home_relative_folder_is_expanded(monkeypatch, valid_dir):
    monkeypatch.setenv("HOME", str(valid_dir.parent))
    assert len(load_dataset(f"~/{valid_dir.name}").actors) == 4


def test_cited_sources_are_the_sources_a_table_cites(valid_dir):
    data = load_dataset(valid_dir)
    for table in ("relationships", "events", "flows"):
        cited = set(data.tables[table]["source_id"].dropna())
        found = data.cited_sources(table)
        assert set(found["source_id"]) == cited & set(data.sources["source_id"])
        # In the order of sources.csv, whole rows.
        assert found.index.is_monotonic_increasing
        assert list(found.columns) == list(data.sources.columns)


def test_tables_typed_in_two_threads_are_the_same(curated, monkeypatch):
    # Patched where the loader reads it: every table, however small, in threads.
    from sahel_nb.validate import failures

    monkeypatch.setattr(failures, "PARALLEL_ROWS", 0)
    threaded = load_dataset(curated.folder)
    for name, frame in curated.tables.items():
        pd.testing.assert_frame_equal(threaded.tables[name], frame, obj=name)
    pd.testing.assert_frame_equal(threaded.withdrawn, curated.withdrawn)
