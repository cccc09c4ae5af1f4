import csv
import random
from pathlib import Path

import pandas as pd

from sahel_nb import csvfile
from sahel_nb.csvfile import read_table
from sahel_nb.schema import TABLES

FIXTURES = Path(__file__).parent / "fixtures"
EDGE = FIXTURES / "edge"
VALID = FIXTURES / "valid"
CLAIMS = FIXTURES / "claims"


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


def _notes_with_line_breaks(path: Path, seed: int, rows: int = 40_000) -> list[str]:
    """A relationships file of a few megabytes, one note in ten holding line breaks."""
    rng = random.Random(seed)
    broken = [
        "x{i}\ny,z", 'q"uote\n,', "\n", '"{i}\n"', "{i},{i}\n{i}", "a\n\nb", "\n,\n,\n"
    ]  # fmt: skip
    plain = ["v{i}", "{i},{i}", "", 'a""b', "text {i} with, commas"]
    notes = [rng.choice(broken if rng.random() < 0.1 else plain).format(i=i) for i in range(rows)]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, TABLES["relationships"].columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            {
                "relationship_id": f"r{i}",
                "actor_a": "a",
                "actor_b": "b",
                "kind": "alliance/cooperation",
                "directed": "false",
                "status": "reported",
                "credibility": "2",
                "source_id": "s",
                "locator": "¶1",
                "note": note,
            }
            for i, note in enumerate(notes)
        )
    return notes


def test_values_with_line_breaks_in_a_file_of_many_blocks_are_read_exactly(tmp_path, monkeypatch):
    # Read without newlines in values, Arrow can end a block inside a value and
    # then read shifted rows without a word (seed 13, in blocks of Arrow's
    # default 1 MiB: 39,998 rows, 10,407 notes wrong): the file must be read
    # again, the exact way.
    monkeypatch.setattr(csvfile.arrowread, "BLOCK_SIZE", 2**20)
    for seed in (13, 21):
        notes = _notes_with_line_breaks(tmp_path / "relationships.csv", seed)
        assert (tmp_path / "relationships.csv").stat().st_size > 2 * 2**20  # several blocks
        raw = read_table(tmp_path, TABLES["relationships"], "data")
        assert raw.problems == []
        assert raw.frame["note"].fillna("").tolist() == notes


def test_a_line_break_followed_by_a_line_that_looks_like_a_record_is_read_exactly(
    tmp_path, monkeypatch
):
    # Crafted (found by a review): Arrow's block ends at the break inside a
    # note, keeps the note cut and reads the next line as a record of its own,
    # so the file's lines and the rows read agree; only the break left in the
    # cut note gives it away. The padding is for blocks of 1 MiB.
    monkeypatch.setattr(csvfile.arrowread, "BLOCK_SIZE", 2**20)
    columns = TABLES["relationships"].columns
    notes = [f"plain note {i}" for i in range(15_000)]
    notes[0] = "x" * 931  # puts the block's end on the break
    notes[13_540] = "see the line below\n" + ",".join(["pasted"] * len(columns))
    with open(tmp_path / "relationships.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            {"relationship_id": f"r{i}", "actor_a": "a", "actor_b": "b",
             "kind": "alliance/cooperation", "directed": "false", "status": "reported",
             "credibility": "2", "source_id": "s", "locator": "¶1", "note": note}
            for i, note in enumerate(notes)
        )  # fmt: skip
    raw = read_table(tmp_path, TABLES["relationships"], "data")
    assert raw.problems == []
    assert raw.frame["note"].tolist() == notes
    assert raw.frame["relationship_id"].tolist() == [f"r{i}" for i in range(15_000)]


def test_a_file_without_line_breaks_in_values_reads_the_same_with_crlf(tmp_path):
    notes = [f"note {i}, plain" for i in range(30_000)]
    for ending in ("\n", "\r\n"):
        with open(tmp_path / "relationships.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, TABLES["relationships"].columns, lineterminator=ending)
            writer.writeheader()
            writer.writerows({"relationship_id": f"r{i}", "note": n} for i, n in enumerate(notes))
        raw = read_table(tmp_path, TABLES["relationships"], "data")
        assert raw.frame["note"].tolist() == notes and raw.line(29_999) == 30_001


def test_file_shown_as_the_caller_named_the_folder(tmp_path):
    raw = read_table(tmp_path, TABLES["events"], "my/data/")
    assert raw.problems[0].file == "my/data/events.csv"


def _folder(tmp_path: Path, base: Path = VALID) -> Path:
    for file in base.iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    return tmp_path


def test_a_cell_bigger_than_arrows_blocks_is_read_with_every_line(tmp_path, monkeypatch):
    # Over two blocks used to stop Arrow ("straddles two block boundaries"),
    # hiding the file's other problems and their lines.
    monkeypatch.setattr(csvfile.arrowread, "BLOCK_SIZE", 2**20)
    folder = _folder(tmp_path)
    big = "x" * 6_000_000
    text = (folder / "relationships.csv").read_text(encoding="utf-8")
    text = text.replace("¶11,\n", f"¶11,{big}\n")
    (folder / "relationships.csv").write_text(text, encoding="utf-8")
    raw = read_table(folder, TABLES["relationships"], "data")
    assert len(raw.frame) == 2 and len(raw.frame.loc[0, "note"]) == len(big)
    assert [(p.line, p.column) for p in raw.problems] == [(2, "note")]
    assert "6,000,000 characters" in raw.problems[0].message
    assert [raw.line(0), raw.line(1)] == [2, 3]
    assert csv.field_size_limit() == 131_072  # the process-wide default stays


def test_a_header_cell_with_a_huge_field_is_a_problem_not_a_crash(tmp_path):
    folder = _folder(tmp_path)
    text = (folder / "sources.csv").read_text(encoding="utf-8")
    (folder / "sources.csv").write_text(text.replace(",notes\n", ",notes" + "n" * 200_000 + "\n"))
    raw = read_table(folder, TABLES["sources"], "data")
    assert {p.line for p in raw.problems} == {1}
    assert any(p.message.startswith("unknown column") for p in raw.problems)


def test_an_extra_field_keeps_its_row_for_the_other_rows_checks(tmp_path):
    folder = _folder(tmp_path, CLAIMS)
    text = (folder / "relationships.csv").read_text(encoding="utf-8")
    (folder / "relationships.csv").write_text(text.replace("¶6,,The column's year.", "¶6,,The column's, year."))  # fmt: skip
    raw = read_table(folder, TABLES["relationships"], "data")
    assert raw.frame.loc[0, "relationship_id"] == "rel-clash-col"
    assert [raw.line(0), raw.line(1)] == [2, 3]
    assert [(p.line, p.value) for p in raw.problems] == [(2, " year.")]


def test_utf16_and_binary_files_are_one_readable_problem(tmp_path):
    folder = _folder(tmp_path)
    text = (folder / "sources.csv").read_text(encoding="utf-8")
    (folder / "sources.csv").write_bytes(text.encode("utf-16"))
    (folder / "flows.csv").write_bytes(random.Random(0).randbytes(4096))
    (folder / "actors.csv").write_bytes(text.encode("utf-16-le"))  # no byte-order mark
    for table, says in (("sources", "UTF-16"), ("flows", "not a text file"), ("actors", "UTF-16")):
        raw = read_table(folder, TABLES[table], "data")
        assert raw.frame is None
        (problem,) = raw.problems
        assert says in problem.message and str(problem).isprintable()


def test_a_long_cell_among_many_short_ones_is_found_with_its_line(tmp_path):
    # Chunks are bounded by runs of cells: the run holding the long cell must show.
    notes = [f"note {i}" for i in range(60_000)]
    notes[41_234] = "y" * 150_000
    with open(tmp_path / "relationships.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, TABLES["relationships"].columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({"relationship_id": f"r{i}", "note": n} for i, n in enumerate(notes))
    raw = read_table(tmp_path, TABLES["relationships"], "data")
    assert [(p.line, p.column) for p in raw.problems] == [(41_236, "note")]
    assert "150,000 characters" in raw.problems[0].message
