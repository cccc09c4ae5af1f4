import pandas as pd
import pytest

from sahel_nb import partial_date_span


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("2003", "2003-01-01", "2003-12-31"),
        ("2009-12", "2009-12-01", "2009-12-31"),
        ("2008-02", "2008-02-01", "2008-02-29"),
        ("2008-02-29", "2008-02-29", "2008-02-29"),
    ],
)
def test_span_of_a_partial_date(written, first, last):
    start, end = partial_date_span(pd.Series([written]))
    assert (start[0], end[0]) == (pd.Timestamp(first), pd.Timestamp(last))


@pytest.mark.parametrize(
    "written", ["2003-13", "2003-02-30", "2009-02-29", "03", "2003-1", "March 2003", ""]
)
def test_invalid_or_empty_dates_have_no_span(written):
    start, end = partial_date_span(pd.Series([written]))
    assert pd.isna(start[0]) and pd.isna(end[0])


def test_missing_values_stay_missing():
    start, _ = partial_date_span(pd.Series(["2003", None]))
    assert start.notna().tolist() == [True, False]


def test_a_reversed_window_is_an_error_not_an_empty_window():
    from sahel_nb import ParameterError
    from sahel_nb.dates import window_bounds

    with pytest.raises(ParameterError, match="start='2007' is after end='2006-12'"):
        window_bounds("2007", "2006-12")
    assert window_bounds("2006-12", "2006")[0] == pd.Timestamp("2006-12-01")  # same year: fine


INTERVALS = [
    "2006-09/2006-10",
    "2019-05-06/2019-05-12",
    "2006/2006-02",
    "2008-02/2008-03-01",
    "2007/2006",
    "2006-10/2006-09-30",
    "2003-02-30/2003-03",
    "2003/2003-13",
]


@pytest.mark.parametrize("written", INTERVALS)
def test_plain_intervals_span_as_the_edtf_parser_says(written):
    # Intervals of two plain dates are spanned without the EDTF parser (an
    # import holds thousands); the parser stays the reference.
    from sahel_nb.dates import _SECONDS_A_DAY, _edtf_days, date_spans

    start, end, backwards = date_spans(pd.Series([written]))
    bounds = _edtf_days(written)
    if bounds is None:
        assert pd.isna(start[0]) and pd.isna(end[0]) and not backwards[0]
        return
    low, high = bounds
    if low > high:
        assert backwards[0] and pd.isna(start[0])
        return
    as_day = pd.Timestamp(0, unit="s")
    assert start[0] == as_day + pd.Timedelta(seconds=low * _SECONDS_A_DAY)
    assert end[0] == as_day + pd.Timedelta(seconds=high * _SECONDS_A_DAY)
    assert not backwards[0]
