import subprocess
import sys
from pathlib import Path

from sahel_nb.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def test_validate_good_data_prints_one_line_of_counts(capsys, valid_dir):
    assert main(["validate", str(valid_dir)]) == 0
    out = capsys.readouterr().out
    assert out == "valid: 1 sources, 4 actors, 2 relationships, 2 events, 2 flows\n"


def test_validate_bad_data_lists_every_problem_and_exits_1(capsys):
    folder = FIXTURES / "broken" / "three_problems"
    assert main(["validate", str(folder)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[0] for line in lines[:3]] == [
        f"{folder}/actors.csv:2",
        f"{folder}/events.csv:2",
        f"{folder}/flows.csv:2",
    ]
    assert lines[-1] == f"3 problems found in {folder}"
    assert "Traceback" not in "\n".join(lines)


def test_validate_a_folder_that_does_not_exist(capsys, tmp_path):
    assert main(["validate", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "nowhere: is not a folder" in err
    assert "Traceback" not in err


def test_the_console_script_is_installed_and_runs(valid_dir):
    script = Path(sys.executable).parent / "sahel-nb"
    done = subprocess.run([script, "validate", valid_dir], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("valid: ")


def test_the_curated_data_is_the_default(capsys):
    assert main(["validate"]) == 0
    assert capsys.readouterr().out.startswith("valid: 14 sources, 54 actors")
