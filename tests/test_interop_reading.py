"""Reading exports: headers without regard to case, empty marks, dates as files carry them, readable problems."""

import pandas as pd
import pytest

from sahel_nb.interop import read_acled
from sahel_nb.interop.reading import MAX_SHOWN, Checks, parse_days


def _days(*values: str) -> tuple[list, list[str]]:
    checks = Checks(pd.DataFrame({"d": list(values), "_row": range(1, len(values) + 1)}))
    days = parse_days(pd.Series(list(values)), "d", checks, "hint")
    shown = [str(p) for p in checks.problems("f.csv", "xlsx")]
    return [None if pd.isna(d) else d.strftime("%Y-%m-%d") for d in days], shown


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2012-01-15", "2012-01-15"),
        ("15 January 2012", "2012-01-15"),
        ("01-January-2015", "2015-01-01"),
        ("9-May-20", "2020-05-09"),
        ("22 Feb 2019", "2019-02-22"),
    ],
)
def test_dates_as_files_carry_them(written, day):
    assert _days(written) == ([day], [])


def test_numeric_dates_take_the_order_their_values_show():
    assert _days("31-12-19", "9-1-20")[0] == ["2019-12-31", "2020-01-09"]
    assert _days("12/31/2019", "1/9/2020")[0] == ["2019-12-31", "2020-01-09"]
    assert _days("05-05-19")[0] == ["2019-05-05"]  # either order reads the same


def test_an_undecidable_day_month_order_is_one_problem_with_two_examples():
    days, shown = _days("05-06-19", "07-08-19", "05-06-19")
    assert days == [None, None, None]
    assert shown == [
        "f.csv: d: day and month cannot be told apart ('05-06-19' and '07-08-19' read either "
        "way); save the file again with dates as YYYY-MM-DD, or with month names"
    ]
    _, shown = _days("31-12-19", "12/31/2019")
    assert shown == [
        "f.csv: d: mixes day-first and month-first dates ('31-12-19' and '12/31/2019'); save "
        "the file again with dates as YYYY-MM-DD"
    ]


def test_not_a_date_is_named_by_row():
    days, shown = _days("2019-02-30", "sometime", "")
    assert days == [None, None, None]
    assert shown == ["f.csv:2: d: is not a date; hint ('2019-02-30')",
                     "f.csv:3: d: is not a date; hint ('sometime')"]  # fmt: skip


def test_one_problem_repeated_shows_five_lines_then_a_count(tmp_path):
    frame = pd.DataFrame({"x": [str(i) for i in range(12)], "_row": range(1, 13)})
    checks = Checks(frame)
    checks.flag([True] * 12, "x", "is wrong")
    checks.flag([i == 3 for i in range(12)], "x", "is odd")
    shown = [str(p) for p in checks.problems(tmp_path / "f.xlsx", "xlsx")]
    assert len([s for s in shown if "is wrong (" in s]) == MAX_SHOWN == 5
    assert f"{tmp_path / 'f.xlsx'}: x: is wrong: … and 7 more rows with the same problem" in shown
    assert f"{tmp_path / 'f.xlsx'}:5: x: is odd ('3')" in shown


def test_a_file_with_thousands_of_bad_dates_lists_a_few(tmp_path):
    path = tmp_path / "many.csv"
    lines = ["event_id_cnty,event_date,event_type,sub_event_type,actor1"]
    lines += [f"MLI{i},2019-13-{i % 28 + 1:02d},Battles,Armed clash,X" for i in range(3000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, problems = read_acled(path)
    assert len(problems) == 6
    assert str(problems[-1]).endswith(
        "event_date: is not a date; ACLED writes 2012-01-15, 15 January 2012 or "
        "01-January-2015: … and 2,995 more rows with the same problem"
    )


def test_empty_marks_are_empty_cells():
    rows, problems = read_acled("tests/fixtures/acled/written_by_r.csv")
    assert problems == []
    for column in ("assoc_actor_1", "assoc_actor_2"):
        assert set(rows[column]) == {""}, column
    assert rows["actor2"].tolist() == ["Military Forces of Mali (2021-)", ""]
    assert rows["inter2"].tolist() == ["1", ""]
    assert rows["fatalities"].tolist() == ["0", ""]


def test_headers_match_without_regard_to_case_and_older_names(tmp_path):
    rows, problems = read_acled("tests/fixtures/acled/upper_case_2016.csv")
    assert problems == []
    assert rows["event_id_cnty"].tolist() == ["MLI4101", "MLI4102"]
    assert rows["assoc_actor_1"].tolist() == ["AQIM: Al Qaeda in the Islamic Maghreb", ""]
