"""sahel_nb.spreadsheet: the one guard every CSV and xlsx export goes through."""

import pandas as pd
import pytest

from sahel_nb.spreadsheet import neutralise, safe_cell


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1+1 Tuareg", "-2+3", "@SUM(1+1)", "\tx", "\rx", " =1+1", "  @x", "\t-1-1",
     "\r=x", "\n+x", "=1+1+0* 2003", "-", "-5-5", "-inf"],
)  # fmt: skip
def test_safe_cell_prefixes_what_could_run_as_a_formula(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell(safe_cell(text)) == "'" + text  # never prefixed twice


@pytest.mark.parametrize(
    "value",
    ["-5", "-3.2", "-.5", "-1e5", "ok", "a=b", "", "'=already", " plain", -5, -3.2, None, True],
)
def test_safe_cell_keeps_negative_numbers_and_harmless_values(value):
    assert safe_cell(value) == value


def test_neutralise_covers_headers_index_labels_and_axis_names():
    frame = pd.DataFrame(
        {"@SUM(1+1) 2003": ["=1+1", "ok"], "n": [-5, 3], "x": [-3.2, 1.0], 2003: ["-2+3", "-5"]},
        index=pd.Index(["=cmd|'/c calc'!A1", "fine"], name="+source"),
    ).rename_axis(columns="-columns")
    safe = neutralise(frame)
    assert safe.columns.tolist() == ["'@SUM(1+1) 2003", "n", "x", 2003]
    assert (safe.columns.name, safe.index.name) == ("'-columns", "'+source")
    assert safe.index.tolist() == ["'=cmd|'/c calc'!A1", "fine"]
    assert safe.iloc[:, 0].tolist() == ["'=1+1", "ok"]
    assert safe[2003].tolist() == ["'-2+3", "-5"]
    # Numbers stay numbers, of the same type.
    pd.testing.assert_series_equal(safe["n"], frame["n"], check_index=False)
    pd.testing.assert_series_equal(safe["x"], frame["x"], check_index=False)
    assert frame.columns[0] == "@SUM(1+1) 2003"  # a copy: the caller's frame is unchanged


def test_neutralise_covers_every_level_of_a_multiindex_and_keeps_numeric_labels():
    columns = pd.MultiIndex.from_tuples([("=a", 1), ("b", 2)], names=["@level", None])
    frame = pd.DataFrame([[1, ["x", "=y"]]], columns=columns, index=pd.RangeIndex(1))
    safe = neutralise(frame)
    assert safe.columns.tolist() == [("'=a", 1), ("b", 2)]
    assert safe.columns.names == ["'@level", None]
    assert safe.iloc[0].tolist() == [1, "x|=y"]  # a list cell joined, starting harmlessly
    pd.testing.assert_index_equal(safe.index, frame.index)
