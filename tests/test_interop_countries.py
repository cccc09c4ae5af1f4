"""GTD country names to ISO alpha-3 codes: the reference table, the lookup, and the validator's codes."""

import csv
import shutil
from importlib.resources import files

import pandas as pd
import pycountry
import pytest

from sahel_nb import DataValidationError, load_dataset
from sahel_nb.interop.countries import GTD_COUNTRIES, NO_COUNTRY, _iso3, _key, _table, gtd_iso3
from sahel_nb.validate import _countries

with (files("sahel_nb") / "reference" / GTD_COUNTRIES).open(encoding="utf-8") as _handle:
    ROWS = list(csv.DictReader(_handle))

#: The GTD exports in ../shared/real-exports/ that carry country_txt.
GTD_EXPORTS = (
    "gtd1993_0617dist.xlsx",
    "gtd1993_0617dist.csv",
    "gtd1993_1012dist.xlsx",
    "gtd_2011_1012dist.xlsx",
)


def test_the_table_has_its_columns_and_about_two_hundred_names():
    assert list(ROWS[0]) == ["country_txt", "iso3", "note"]
    assert 200 <= len(ROWS) <= 230


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row["country_txt"])
def test_every_code_passes_the_validator_and_only_international_has_none(row):
    if row["country_txt"] == NO_COUNTRY:
        assert row["iso3"] == ""
        assert "no country" in row["note"]
    else:
        assert row["iso3"] in _countries()


def test_no_name_is_listed_twice_whatever_its_case_or_spaces():
    keys = [_key(row["country_txt"]) for row in ROWS]
    assert len(keys) == len(set(keys))
    assert all(row["country_txt"] == " ".join(row["country_txt"].split()) for row in ROWS)


def test_a_code_that_is_no_current_iso_code_says_why_in_its_note():
    current = {c.alpha_3 for c in pycountry.countries}
    for row in ROWS:
        if row["iso3"] not in current:
            assert row["note"], row["country_txt"]


def test_the_table_agrees_with_pycountry_wherever_pycountry_knows_the_name():
    for row in ROWS:
        try:
            code = pycountry.countries.lookup(row["country_txt"]).alpha_3
        except LookupError:
            continue
        assert row["iso3"] == code, row["country_txt"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Turkey", "TUR"),
        ("Russia", "RUS"),
        ("West Bank and Gaza Strip", "PSE"),
        ("West Germany (FRG)", "DEU"),
        ("Ivory Coast", "CIV"),
        ("Democratic Republic of the Congo", "COD"),
        ("Kosovo", "XKX"),
        ("Soviet Union", "SUN"),
        ("Yugoslavia", "YUG"),
        ("Czechoslovakia", "CSK"),
        ("East Germany (GDR)", "DDR"),
        ("Zaire", "ZAR"),
        ("Northern Ireland", "GBR"),
        ("Corsica", "FRA"),
        ("Mali", "MLI"),
    ],
)
def test_examples(name, code):
    codes, unknown = gtd_iso3(pd.Series([name]))
    assert codes.tolist() == [code]
    assert unknown == {}


def test_names_are_matched_without_regard_to_case_or_spaces():
    codes, unknown = gtd_iso3(pd.Series(["  soviet   UNION ", "WEST GERMANY (FRG)", "niger "]))
    assert codes.tolist() == ["SUN", "DEU", "NER"]
    assert unknown == {}


def test_a_name_not_in_the_table_falls_back_to_pycountry():
    assert "cabo verde" not in _table()
    codes, unknown = gtd_iso3(pd.Series(["Cabo Verde", "Viet Nam"]))
    assert codes.tolist() == ["CPV", "VNM"]
    assert unknown == {}


def test_an_unknown_name_is_returned_with_its_row_count():
    names = pd.Series(
        ["Mali", "Atlantis", "Niger", "Atlantis", "Atlantis", "Lilliput"], index=[5, 6, 7, 8, 9, 10]
    )
    codes, unknown = gtd_iso3(names)
    assert codes.tolist() == ["MLI", "", "NER", "", "", ""]
    assert codes.index.tolist() == [5, 6, 7, 8, 9, 10]
    assert unknown == {"Atlantis": 3, "Lilliput": 1}
    assert list(unknown) == ["Atlantis", "Lilliput"]  # most rows first


def test_empty_names_and_international_are_not_unknown():
    names = pd.Series(
        ["", None, "   ", float("nan"), "International", "international "], dtype=object
    )
    codes, unknown = gtd_iso3(names)
    assert codes.tolist() == [""] * 6
    assert unknown == {}


def test_the_table_is_read_once():
    _iso3.cache_clear()
    _table.cache_clear()
    gtd_iso3(pd.Series(["Mali", "Yugoslavia"]))
    gtd_iso3(pd.Series(["Zaire"]))
    assert _table.cache_info().misses == 1


def test_many_rows_are_looked_up_by_distinct_name():
    names = pd.Series(["Mali", "Niger", "Soviet Union", "Atlantis"] * 50_000)
    codes, unknown = gtd_iso3(names)
    assert codes.value_counts().to_dict() == {
        "MLI": 50_000,
        "NER": 50_000,
        "SUN": 50_000,
        "": 50_000,
    }
    assert unknown == {"Atlantis": 50_000}


def test_the_validator_accepts_historic_codes_and_kosovo_only(tmp_path, valid_dir):
    assert {
        "SUN",
        "YUG",
        "CSK",
        "DDR",
        "YMD",
        "RHO",
        "ZAR",
        "NHB",
        "SCG",
        "XKX",
        "MLI",
    } <= _countries()
    assert "ZZZ" not in _countries()
    folder = tmp_path / "data"
    shutil.copytree(valid_dir, folder)
    events = folder / "events.csv"
    text = events.read_text(encoding="utf-8")
    assert ",MLI," in text
    events.write_text(text.replace(",MLI,", ",SUN,", 1), encoding="utf-8")
    load_dataset(folder)
    events.write_text(text.replace(",MLI,", ",ZZZ,", 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder)
    assert [p.column for p in caught.value.problems] == ["country"]


@pytest.mark.realdata
def test_every_country_of_the_real_gtd_exports_is_known(real_exports):
    for name in GTD_EXPORTS:
        path = real_exports / name
        if path.suffix == ".xlsx":
            frame = pd.read_excel(path, engine="calamine", usecols=["country_txt"])
        else:
            frame = pd.read_csv(path, usecols=["country_txt"])
        codes, unknown = gtd_iso3(frame["country_txt"])
        assert unknown == {}, name
        named = frame["country_txt"].notna() & (frame["country_txt"] != NO_COUNTRY)
        assert (codes[named] != "").all(), name
        assert set(codes[named]) <= _countries(), name
