from pathlib import Path

import pandas as pd

from sahel_nb.csvfile import read_table
from sahel_nb.schema import TABLES

EDGE = Path(__file__).parent / "fixtures" / "edge"


def test_reads_text_as_written_with_empty_cells_missing(valid_dir):
    raw = read_table(valid_dir, TABLES["flows"], "data")
    assert raw.problems == []
    assert raw.frame.loc[0, "amount"] == "7300000"
    assert pd.isna(raw.frame.loc[1, "amount"])


def test_line_numbers_count_every_physical_line_of_quoted_fields():
    raw = read_table(EDGE / "quoted_commas_newlines", TABLES["events"], "data")
    assert raw.frame.loc[0, "description"].startswith("Kidnapping of 32 tourists, mostly German;\n")
    assert [raw.line(0), raw.line(1)] == [2, 4]


def test_bom_and_crlf_are_invisible(valid_dir):
    plain = read_table(valid_dir, TABLES["actors"], "data").frame
    edge = read_table(EDGE / "bom_crlf", TABLES["actors"], "data").frame
    pd.testing.assert_frame_equal(plain, edge)


def test_blank_lines_are_skipped_but_counted(tmp_path, valid_dir):
    text = (valid_dir / "relationships.csv").read_text(encoding="utf-8")
    header, first, second = text.splitlines()
    (tmp_path / "relationships.csv").write_text(
        f"{header}\n{first}\n\n\n{second}\n", encoding="utf-8"
    )
    raw = read_table(tmp_path, TABLES["relationships"], "x")
    assert len(raw.frame) == 2
    assert [raw.line(0), raw.line(1)] == [2, 5]


def test_file_shown_as_the_caller_named_the_folder(tmp_path):
    raw = read_table(tmp_path, TABLES["events"], "my/data/")
    assert raw.problems[0].file == "my/data/events.csv"
