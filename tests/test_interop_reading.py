"""Reading exports: headers without regard to case, empty marks, dates as files carry them, readable problems."""

import csv
import hashlib
import json
import random
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sahel_nb.interop import acled, read_acled, reading
from sahel_nb.interop.checks import MAX_SHOWN, Checks, parse_days
from sahel_nb.interop.layout import JSON, WORKBOOK
from sahel_nb.interop.reading import read_export


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


def test_an_export_of_many_blocks_whose_notes_hold_line_breaks_reads_exactly(tmp_path, monkeypatch):
    # Read quickly (no newlines in values) only when the file holds one line per
    # record; here Arrow's blocks may end inside a note, so it is read the exact way.
    sample = Path(__file__).parent / "fixtures" / "acled" / "mali_sample.csv"
    with open(sample, newline="", encoding="utf-8") as handle:
        header, *records = list(csv.reader(handle))
    rng = random.Random(13)
    notes = ["a quiet note " * 8, "first line\nsecond, line", "\n\n", 'a "quote"\nthen more']
    rows = []
    for number in range(14_000):
        row = list(records[number % len(records)])
        row[header.index("event_id_cnty")] = f"MLI{number}"
        row[header.index("notes")] = rng.choice(notes)
        row[header.index("source")] = f"source {number}"
        rows.append(row)
    path = tmp_path / "export.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, *rows])
    # Blocks of 64 KiB: the two megabytes written are read in thirty and more.
    monkeypatch.setattr(reading, "BLOCK_SIZE", 1 << 16)
    assert path.stat().st_size > 30 * reading.BLOCK_SIZE
    read, problems = read_acled(path)
    assert problems == []
    assert read["event_id_cnty"].tolist() == [f"MLI{n}" for n in range(14_000)]
    assert read["source"].tolist() == [f"source {n}" for n in range(14_000)]


# -- the forms analysts download (tests/fixtures/acled/forms/make_forms.py) -------------------

FORMS = Path(__file__).parent / "fixtures" / "acled" / "forms"
SAMPLE = FORMS.parent / "mali_sample.csv"
#: Each form of the sample's three events, what it reads as, and the line (or sheet row, or
#: record) its records 2 and 3 are cited at.
READABLE = {
    "hxl_row.csv": ("utf-8", 4, 6),
    "pandas_index.csv": ("utf-8", 3, 5),
    "crlf_bom.csv": ("utf-8", 3, 5),
    "api_records.json": (JSON, 2, 3),
    "api_response.json": (JSON, 2, 3),
    "api_lines.jsonl": (JSON, 2, 3),
    "libreoffice_saved.xlsx": (WORKBOOK, 3, 4),
    "terms_sheet_first.xlsx": (WORKBOOK, 6, 7),
}
COMPARED = ["event_id_cnty", "event_date", "year", "event_type", "sub_event_type", "actor1",
            "assoc_actor_1", "inter1", "actor2", "inter2", "iso", "latitude", "longitude",
            "geo_precision", "fatalities", "_row"]  # fmt: skip


def _read(path: Path, label: str = "an ACLED export"):
    return read_export(path, acled._REQUIRED, acled._USED, label, None, acled._ALIASES)


def _spoiled(path: Path, folder: Path) -> Path:
    """The same file with record 2's date not a date and record 3's actor1 empty."""
    out = folder / path.name
    changes = [(b"15 June 2012", b"sometime"), (b"Government of Mali", b"")]
    if path.suffix != ".xlsx":
        data = path.read_bytes()
        for old, new in changes:
            assert data.count(old) == 1
            data = data.replace(old, new)
        out.write_bytes(data)
        return out
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                for old, new in changes:
                    data = data.replace(old, new)
            target.writestr(info, data)
    return out


def test_the_fixture_forms_are_what_they_say():
    assert (FORMS / "crlf_bom.csv").read_bytes().startswith(b"\xef\xbb\xbfevent_id_cnty,")
    assert b"\r\n" in (FORMS / "crlf_bom.csv").read_bytes()
    assert b"\n" not in (FORMS / "crlf_bom.csv").read_bytes().replace(b"\r\n", b"")
    assert (FORMS / "pandas_index.csv").read_text().startswith(",event_id_cnty,")
    assert (FORMS / "hxl_row.csv").read_text().splitlines()[1].startswith("#event+code,")
    # python-calamine refuses the workbook, as it refuses some LibreOffice saved.
    with pytest.raises(Exception, match="Range is missing the expected column component"):
        pd.read_excel(FORMS / "libreoffice_saved.xlsx", engine="calamine")
    assert openpyxl.load_workbook(FORMS / "terms_sheet_first.xlsx").sheetnames == [
        "Terms of use",
        "Data",
    ]


@pytest.mark.parametrize("name", READABLE)
def test_each_form_reads_to_the_records_of_the_csv(name):
    expected, problems, _ = _read(SAMPLE)
    assert problems == []
    frame, problems, encoding = _read(FORMS / name)
    assert (problems, encoding) == ([], READABLE[name][0])
    assert list(frame.columns) == list(expected.columns)
    assert frame[COMPARED].astype(str).to_dict("list") == expected[COMPARED].astype(str).to_dict(
        "list"
    )
    assert frame["event_id_cnty"].tolist() == ["MLI9001", "MLI9002", "MLI9003"]
    assert frame["_row"].tolist() == [1, 2, 3]
    assert frame.attrs["sha256"] == hashlib.sha256((FORMS / name).read_bytes()).hexdigest()
    sheets = {"libreoffice_saved.xlsx": "Sheet1", "terms_sheet_first.xlsx": "Data"}
    assert frame.attrs["sheet"] == sheets.get(name, "")
    rows, problems = read_acled(FORMS / name)
    assert problems == []
    assert rows["event_date"].tolist() == ["2012-03-22", "15 June 2012", "2008-05-10"]


@pytest.mark.parametrize("name", READABLE)
def test_problems_name_the_line_or_record_of_each_form(name, tmp_path):
    path = _spoiled(FORMS / name, tmp_path)
    _, problems = read_acled(path)
    _, second, third = READABLE[name]
    record = "record 2: " if path.suffix.startswith(".json") else ""
    assert [(p.line, p.column, p.value) for p in problems] == [
        (second, "event_date", "sometime"),
        (third, "actor1", ""),
    ]
    assert str(problems[0]) == (
        f"{path}:{second}: event_date: {record}is not a date; ACLED writes 2012-01-15, "
        "15 January 2012 or 01-January-2015 ('sometime')"
    )
    if record:
        assert problems[1].message == "record 3: is empty; a value is required"


def test_the_notes_say_what_was_skipped_or_chosen():
    notes = {name: _read(FORMS / name)[0].attrs["notes"] for name in READABLE}
    assert notes["hxl_row.csv"] == ["line 2 holds HDX's HXL hashtags, not an event: skipped"]
    assert notes["pandas_index.csv"] == [
        "column 1 has no name and numbers the rows from 0 (the index pandas writes): ignored"
    ]
    assert notes["terms_sheet_first.xlsx"] == [
        "sheet 'Data' read: the first with the columns of an ACLED export (skipped: "
        "'Terms of use')",
        "the header is on row 3 of sheet 'Data': the 2 rows of title above it skipped",
        "row 4 of sheet 'Data' holds HDX's HXL hashtags, not an event: skipped",
    ]
    for name in ("crlf_bom.csv", "api_records.json", "api_response.json", "api_lines.jsonl",
                 "libreoffice_saved.xlsx"):  # fmt: skip
        assert notes[name] == [], name
    assert _read(SAMPLE)[0].attrs["notes"] == []
    assert _read(SAMPLE)[0].attrs["sheet"] == ""


def test_an_hxl_row_is_skipped_when_a_bad_line_is_named_too(tmp_path):
    path = tmp_path / "hxl_bad.csv"
    path.write_bytes((FORMS / "hxl_row.csv").read_bytes() + b"MLI9004,2012-01-01\n")
    _, problems, _ = _read(path)
    assert [str(p) for p in problems] == [f"{path}:7: has 2 fields, the header 31"]


def test_a_nameless_first_column_is_noted_only_when_it_numbers_the_rows(tmp_path):
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    written_by_r = tmp_path / "r.csv"  # write.csv: "" over row names 1, 2, 3, all quoted
    sample.set_axis([1, 2, 3]).to_csv(written_by_r, index_label="", quoting=csv.QUOTE_ALL)
    assert written_by_r.read_text().startswith('"","event_id_cnty",')
    frame, problems, _ = _read(written_by_r)
    assert problems == [] and frame["event_id_cnty"].tolist() == ["MLI9001", "MLI9002", "MLI9003"]
    assert frame.attrs["notes"] == [
        "column 1 has no name and numbers the rows from 1 (the row names R writes): ignored"
    ]
    other = tmp_path / "other.csv"
    sample.set_axis(["a", "b", "c"]).to_csv(other)
    frame, problems, _ = _read(other)
    assert problems == [] and frame.attrs["notes"] == []
    assert "" not in frame.columns and frame["_row"].tolist() == [1, 2, 3]


def test_a_workbook_pandas_wrote_with_its_index_reads_as_the_csv(tmp_path):
    workbook = tmp_path / "with_index.xlsx"
    pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).to_excel(workbook)
    frame, problems, encoding = _read(workbook)
    assert (problems, encoding) == ([], WORKBOOK)
    assert frame["event_id_cnty"].tolist() == ["MLI9001", "MLI9002", "MLI9003"]
    assert "unnamed: 0" not in frame.columns
    assert frame.attrs["notes"] == [
        "column A of sheet 'Sheet1' has no name and numbers the rows from 0 (the index pandas "
        "writes): ignored"
    ]


# -- JSON ------------------------------------------------------------------------------------


def test_json_values_read_as_the_csv_export_writes_them(tmp_path):
    path = tmp_path / "numbers.json"
    record = {"event_id_cnty": "MLI1", "event_date": "2012-03-22", "event_type": "Battles",
              "actor1": "  X  ", "year": 2012.0, "fatalities": 3, "latitude": 16.5,
              "inter1": None, "inter2": "NA", "geo_precision": 1}  # fmt: skip
    path.write_text(json.dumps([record, {"event_id_cnty": "MLI2", "fatalities": 0}]))
    frame, problems, encoding = _read(path)
    assert (problems, encoding) == ([], JSON)
    first = frame.iloc[0]
    assert (first["year"], first["fatalities"], first["latitude"]) == ("2012", "3", "16.5")
    assert (first["inter1"], first["inter2"], first["actor1"], first["geo_precision"]) == (
        "", "", "X", "1",
    )  # fmt: skip
    # A record may leave fields out.
    assert frame["event_id_cnty"].tolist() == ["MLI1", "MLI2"]
    assert frame.iloc[1]["event_date"] == "" and frame.iloc[1]["fatalities"] == "0"
    # Keys match without regard to case, as CSV headers do.
    path.write_text(json.dumps([{k.upper(): v for k, v in record.items()}]))
    assert _read(path)[0]["event_id_cnty"].tolist() == ["MLI1"]


def test_json_missing_columns_are_the_problems_csv_has(tmp_path):
    records = json.loads((FORMS / "api_records.json").read_text())
    for record in records:
        del record["actor1"], record["event_type"]
    as_json = tmp_path / "partial.json"
    as_json.write_text(json.dumps(records))
    as_csv = tmp_path / "partial.csv"
    pd.DataFrame(records).to_csv(as_csv, index=False)
    json_problems, csv_problems = _read(as_json)[1], _read(as_csv)[1]
    assert [(p.line, p.column, p.message) for p in json_problems] == [
        (p.line, p.column, p.message) for p in csv_problems
    ]
    assert [p.column for p in json_problems] == ["event_type", "actor1"]
    assert json_problems[0].message == "missing column; an ACLED export has it"


def test_a_json_answer_without_records_is_one_clear_problem(tmp_path):
    frame, problems, encoding = _read(FORMS / "not_records.json")
    assert encoding == JSON and frame.empty and frame.attrs["notes"] == []
    assert [str(p) for p in problems] == [
        f"{FORMS / 'not_records.json'}: holds no records (it says: 'Access denied: your access "
        "key has expired'): an ACLED export in JSON is a list of records, or an API's answer "
        'with its records in a "data" list; download the records again'
    ]
    (tmp_path / "numbers.json").write_text("[1, 2, 3]")
    (tmp_path / "cut.json").write_text('[{"event_id_cnty": "MLI1", "event_da')
    (tmp_path / "empty.json").write_text("  \n")
    for name in ("numbers.json", "cut.json", "empty.json"):
        _, problems, _ = _read(tmp_path / name)
        assert len(problems) == 1, name
        assert "Expecting" not in problems[0].message and "JSONDecodeError" not in str(problems)
    assert "damaged or cut short near line 1" in _read(tmp_path / "cut.json")[1][0].message


def test_a_damaged_json_line_is_named_by_its_record(tmp_path):
    lines = (FORMS / "api_lines.jsonl").read_text().splitlines()
    path = tmp_path / "damaged.jsonl"
    path.write_text("\n".join([lines[0], "", lines[1][:50], lines[2]]) + "\n")
    _, problems, _ = _read(path)
    assert [str(p) for p in problems] == [
        f"{path}:2: record 2 (line 3) is not readable JSON; download the file again, or delete "
        "the damaged line"
    ]


def test_an_empty_api_answer_reads_as_no_records(tmp_path):
    path = tmp_path / "none.json"
    path.write_text('{"status": 200, "success": true, "count": 0, "data": []}')
    frame, problems = read_acled(path)
    assert problems == [] and len(frame) == 0
    assert frame.attrs["notes"] == ["holds no records: the answer found no events"]


def test_json_problems_beyond_five_count_records(tmp_path):
    frame = pd.DataFrame({"x": [str(i) for i in range(8)], "_row": range(1, 9)})
    checks = Checks(frame)
    checks.flag([True] * 8, "x", "is wrong")
    shown = [str(p) for p in checks.problems(tmp_path / "f.json", JSON)]
    assert shown[0] == f"{tmp_path / 'f.json'}:1: x: record 1: is wrong ('0')"
    assert (
        shown[-1]
        == f"{tmp_path / 'f.json'}: x: is wrong: … and 3 more records with the same problem"
    )


# -- workbooks -------------------------------------------------------------------------------


def test_an_unreadable_workbook_is_one_problem_without_library_text(tmp_path):
    path = tmp_path / "random.xlsx"
    path.write_bytes(random.Random(7).randbytes(4096))
    frame, problems, encoding = _read(path)
    assert encoding == WORKBOOK and frame.empty
    assert [str(p) for p in problems] == [
        f"{path}: is not a readable Excel workbook; open it in Excel or LibreOffice, save it "
        "again as .xlsx (or as CSV) and import that file"
    ]
    for library in ("zip", "Error", "calamine", "openpyxl", "Exception"):
        assert library not in problems[0].message


def test_a_workbook_without_the_columns_names_the_sheets_looked_at(tmp_path):
    path = tmp_path / "two_sheets.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"terms": ["made up"]}).to_excel(writer, sheet_name="Terms", index=False)
        partial = pd.read_csv(SAMPLE, dtype=str).drop(columns=["actor1"])
        partial.to_excel(writer, sheet_name="Data", index=False)
    _, problems, _ = _read(path)
    assert [str(p) for p in problems] == [
        f"{path}: actor1: missing column; an ACLED export has it (looked for on any sheet: "
        "'Terms', 'Data')"
    ]
    single = tmp_path / "one_sheet.xlsx"
    partial.to_excel(single, sheet_name="Data", index=False)
    assert [str(p) for p in _read(single)[1]] == [
        f"{single}:1: actor1: missing column; an ACLED export has it (looked for on sheet 'Data')"
    ]


def test_a_header_below_more_than_ten_title_rows_is_not_looked_for(tmp_path):
    path = tmp_path / "titles.xlsx"
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    for skipped, found in ((10, True), (11, False)):
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            frame.to_excel(writer, sheet_name="Data", index=False, startrow=skipped)
        read, problems, _ = _read(path)
        assert (problems == []) is found, skipped
        if found:
            assert read.attrs["line_offset"] == 11 and read["_row"].tolist() == [1, 2, 3]


# -- aggregated data -------------------------------------------------------------------------


def test_aggregated_counts_are_one_problem_naming_the_sheet():
    _, problems, _ = _read(FORMS / "aggregated_monthly.xlsx")
    assert [str(p) for p in problems] == [
        f"{FORMS / 'aggregated_monthly.xlsx'}: holds aggregated counts (events and fatalities "
        "per area and month or week) on sheet 'Data', not events; the import needs an ACLED "
        "export with one row per event: ACLED's Data Export Tool or API gives it, and on HDX it "
        'is ACLED\'s "conflict events" dataset, not the aggregated one'
    ]
    _, problems = read_acled(FORMS / "aggregated_weekly.csv")
    assert len(problems) == 1 and problems[0].line is None and problems[0].column is None
    assert problems[0].message.startswith(
        "holds aggregated counts (events and fatalities per area and month or week), not events"
    )
    _, problems, _ = _read(FORMS / "aggregated_weekly.csv", "a GTD export")
    assert [p.message for p in problems] == [
        "holds aggregated counts (a number of events per row), not events; the import needs a "
        "GTD export with one row per event"
    ]


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.mkdir(), "cannot be read: Is a directory"),
        (lambda p: None, "cannot be read: No such file or directory"),
        (lambda p: p.write_bytes(b""), "1: is empty; an ACLED export starts with its header"),
    ],
)
def test_an_export_that_cannot_be_mapped_is_one_problem_in_plain_words(tmp_path, make, says):
    # A CSV export is memory-mapped, not copied: what stops that is still a sentence.
    path = tmp_path / "export.csv"
    make(path)
    _, problems = read_acled(path)
    assert [str(p) for p in problems] == [f"{path}:{says}" if says[0] == "1" else f"{path}: {says}"]


def test_a_mapped_export_hashes_and_reads_as_its_bytes(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(SAMPLE.read_bytes())
    frame, problems = read_acled(path)
    assert not problems and len(frame) > 0
    assert frame.attrs["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_export_from_a_pipe_is_read_whole(tmp_path):
    # <(unzip -p export.zip) gives a pipe: it cannot be memory-mapped.
    import os
    import threading

    path = tmp_path / "export.csv"
    os.mkfifo(path)
    data = SAMPLE.read_bytes()

    def feed():
        with open(path, "wb") as pipe:
            pipe.write(data)

    feeder = threading.Thread(target=feed)
    feeder.start()
    frame, problems = read_acled(path)
    feeder.join()
    expected, _ = read_acled(SAMPLE)
    assert not problems and len(frame) == len(expected) > 0


def test_a_utf16_export_is_one_problem_saying_how_to_save_it(tmp_path):
    path = tmp_path / "unicode_text.csv"
    path.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-16")
    rows, problems = read_acled(path)
    assert rows.empty and [p.message for p in problems] == [
        "is saved as UTF-16 text (Excel's 'Unicode Text'); save it as CSV UTF-8 and import that"
    ]


def test_a_missing_column_names_the_headers_closest_one(tmp_path):
    path = tmp_path / "renamed.csv"
    text = SAMPLE.read_text(encoding="utf-8")
    path.write_text(text.replace("event_date", "event date", 1), encoding="utf-8")
    _, problems = read_acled(path)
    assert [str(p) for p in problems] == [
        f"{path}:1: event_date: missing column; an ACLED export has it; is it 'event date'?"
    ]


def test_an_export_separated_by_semicolons_is_one_problem_saying_how_to_save_it(tmp_path):
    # Excel with European settings writes ";" between columns (and "," in numbers).
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    path = tmp_path / "semicolons.csv"
    frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    rows, problems = read_acled(path)
    [problem] = problems
    assert rows.empty and problem.line == 1 and "separated by ';', not commas" in problem.message


def test_an_export_not_in_utf8_says_the_line_and_how_to_save_it(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace("Made-up source", "Made-up sourcé", 1)
    path = tmp_path / "latin1.csv"
    path.write_bytes(text.encode("latin-1"))
    rows, problems = read_acled(path)
    [problem] = problems
    line = text[: text.index("sourcé")].count("\n") + 1
    assert rows.empty and problem.line == line
    assert (
        "is not UTF-8 text" in problem.message and "save the file as CSV UTF-8" in problem.message
    )


def test_an_export_cut_short_in_a_row_says_so(tmp_path):
    data = SAMPLE.read_bytes()
    path = tmp_path / "cut.csv"
    path.write_bytes(data[: data.rindex(b"\n", 0, len(data) - 1) + 40])
    rows, problems = read_acled(path)
    assert rows.empty and "the file ends in the middle of this row" in problems[-1].message
    # A short row with its line end is not a cut file: said as a short row only.
    path.write_bytes(data + b"MLI9999,2012\n")
    _, problems = read_acled(path)
    assert "ends in the middle" not in problems[-1].message


def test_every_short_row_is_said_on_its_own_line_in_a_file_without_a_last_line_end():
    # Looking ahead for the end of the file must not swallow the next row.
    _, problems = reading._read_slowly(
        b"a,b,c\n1,2\n3,4,5\n6,7\n8,9,10", "x.csv", "utf-8", list("abc")
    )
    assert [p.line for p in problems] == [2, 4]
    assert not any("ends in the middle" in p.message for p in problems)
    _, problems = reading._read_slowly(b"a,b,c\n1,2\n3,4\n5,6,7", "x.csv", "utf-8", list("abc"))
    assert [p.line for p in problems] == [2, 3]


def test_a_zipped_export_reads_as_the_file_inside_it(tmp_path):
    # UCDP and ACLED hand out their CSV zipped, a readme beside it.
    path = tmp_path / "acled.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(SAMPLE, "acled/mali_sample.csv")
        archive.writestr("acled/README.pdf", b"%PDF-1.4")
    rows, problems = read_acled(path)
    expected, _ = read_acled(SAMPLE)
    assert problems == [] and rows.drop(columns="_row").equals(expected.drop(columns="_row"))
    assert rows.attrs["sha256"] == expected.attrs["sha256"]  # the same export, zipped or not
    assert rows.attrs["file"] == "mali_sample.csv"  # cited by its own name, and the zip's


def test_an_archive_of_several_exports_or_another_format_says_what_to_do(tmp_path):
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.write(SAMPLE, "a.csv")
        archive.write(SAMPLE, "b.csv")
    _, problems = read_acled(two)
    assert "holding a.csv, b.csv; unzip it" in problems[0].message
    stata = tmp_path / "export.dta"
    stata.write_bytes(b"\x72\x00" * 50)
    _, problems = read_acled(stata)
    assert problems[0].message.startswith("is a Stata file (.dta), which the import does not read")
