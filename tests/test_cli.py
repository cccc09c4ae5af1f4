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


def test_an_import_into_a_folder_that_does_not_exist_is_one_line(capsys, tmp_path):
    export = FIXTURES / "acled" / "mali_sample.csv"
    assert main(["import", "acled", str(export), "--into", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "nowhere: is not a folder" in err and "Traceback" not in err
    assert not (tmp_path / "nowhere").exists()


def test_validate_against_a_revision_it_cannot_read_says_so_and_stays_valid(
    capsys, tmp_path, valid_dir
):
    folder = tmp_path / "data"  # outside any git repository
    folder.mkdir()
    for file in valid_dir.iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    assert main(["validate", str(folder), "--against", "v1"]) == 0
    err = capsys.readouterr().err
    assert "no notices:" in err and "not in a git repository" in err
    assert main(["validate", str(folder)]) == 0  # the default, HEAD: nothing to say
    assert "no notices" not in capsys.readouterr().err


def test_the_console_script_is_installed_and_runs(valid_dir):
    script = Path(sys.executable).parent / "sahel-nb"
    done = subprocess.run([script, "validate", valid_dir], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("valid: ")


def test_the_curated_data_is_the_default(capsys, curated_texts):
    from sahel_nb import load_dataset

    curated = load_dataset()
    assert main(["validate"]) == 0
    counts = f"valid: {len(curated.sources)} sources, {len(curated.actors)} actors"
    assert capsys.readouterr().out.startswith(counts)


NOTEBOOKS = FIXTURES / "notebooks"


def _ok_config(tmp_path: Path) -> Path:
    config = tmp_path / "runs.yml"
    config.write_text(f"notebooks: {NOTEBOOKS}\nruns:\n  - notebook: ok\n", encoding="utf-8")
    return config


def test_report_on_invalid_data_lists_each_problem_once_and_builds_nothing(
    capsys, tmp_path, monkeypatch
):
    import time

    folder = FIXTURES / "broken" / "three_problems"
    monkeypatch.setenv("SAHEL_NB_DATA", str(folder))
    started = time.monotonic()
    status = main(["report", "--config", str(_ok_config(tmp_path)), "--out", str(tmp_path / "r")])
    assert status == 1
    assert time.monotonic() - started < 20  # stops before any kernel starts
    lines = capsys.readouterr().err.splitlines()
    # As `sahel-nb validate` prints them, once each; then what happened to the report.
    assert [line.split(": ")[0] for line in lines[:3]] == [
        f"{folder}/actors.csv:2",
        f"{folder}/events.csv:2",
        f"{folder}/flows.csv:2",
    ]
    assert lines[3] == f"3 problems found in {folder}"
    assert len(lines) == 5 and lines[4].startswith("sahel-nb: nothing was run")
    assert not (tmp_path / "r").exists()


def _good_report(tmp_path: Path, capsys) -> tuple[Path, Path]:
    config, out = _ok_config(tmp_path), tmp_path / "out"
    assert main(["report", "--config", str(config), "--out", str(out)]) == 0
    capsys.readouterr()
    return config, out


def _one_message(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    # Progress lines may come first; the error is one sentence, the last line.
    said = [line for line in err.splitlines() if line.startswith("sahel-nb: ")]
    assert len(said) == 1 and err.splitlines()[-1] == said[0], err
    return said[0]


def test_report_on_data_that_is_not_utf8_says_which_file_in_one_line(
    capsys, tmp_path, monkeypatch, valid_dir
):
    import shutil

    config, out = _good_report(tmp_path, capsys)
    latest = (out / "latest").resolve()
    for name, encoding in (("actors.csv", "latin-1"), ("sources.csv", "utf-16")):
        data = tmp_path / f"data-{encoding}"
        shutil.copytree(valid_dir, data)
        text = (valid_dir / name).read_text(encoding="utf-8")
        (data / name).write_text(text.replace("a", "é", 1), encoding=encoding)
        monkeypatch.setenv("SAHEL_NB_DATA", str(data))
        assert main(["report", "--config", str(config), "--out", str(out)]) == 1
        message = _one_message(capsys)
        assert f"{data / name}" in message and "UTF-8" in message, message
        assert (out / "latest").resolve() == latest
        assert not list(out.glob(".building-*"))


def test_report_on_a_full_disk_is_one_line_and_keeps_latest(capsys, tmp_path, monkeypatch):
    import errno

    config, out = _good_report(tmp_path, capsys)
    latest = (out / "latest").resolve()
    write = Path.write_text

    def full(path, *args, **kwargs):
        # The manifest is written to a temporary file beside it, then renamed.
        if path.name.startswith((".manifest.json.", "manifest.json")):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return write(path, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    assert main(["report", "--config", str(config), "--out", str(out), "--force"]) == 1
    message = _one_message(capsys)
    assert "disk is full" in message and str(out) in message
    assert ".building-" not in message
    assert (out / "latest").resolve() == latest
    assert not list(out.glob(".building-*"))


def test_report_into_a_read_only_folder_is_one_line_and_keeps_latest(capsys, tmp_path, monkeypatch):
    import errno
    import os

    config, out = _good_report(tmp_path, capsys)
    latest = (out / "latest").resolve()
    mkdir, open_ = os.mkdir, os.open

    def inside(path) -> bool:
        return Path(os.path.abspath(path)).is_relative_to(out)

    def read_only_mkdir(path, *args, **kwargs):
        if inside(path):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return mkdir(path, *args, **kwargs)

    def read_only_open(path, flags, *args, **kwargs):
        if inside(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return open_(path, flags, *args, **kwargs)

    # A read-only mount, as far as this process can tell (root ignores permissions).
    monkeypatch.setattr(os, "mkdir", read_only_mkdir)
    monkeypatch.setattr(os, "open", read_only_open)
    assert main(["report", "--config", str(config), "--out", str(out), "--force"]) == 1
    monkeypatch.undo()
    message = _one_message(capsys)
    assert "read-only" in message and str(out) in message
    assert (out / "latest").resolve() == latest


def test_output_piped_to_a_reader_that_stopped_ends_quietly():
    # The reader closes the pipe before the command writes a word (`| head -c0`).
    command = [sys.executable, "-m", "sahel_nb.cli", "claims", "find", "ransom paid by Germany"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        process.stdout.close()
        error = process.stderr.read().decode()
    assert "Traceback" not in error and "BrokenPipeError" not in error
    assert process.returncode == 141


def test_a_note_from_loading_is_said_as_a_line_not_a_python_warning(monkeypatch, capsys):
    import sahel_nb.data

    monkeypatch.setattr(sahel_nb.data, "settle", lambda folder: ["an import was finished"])
    assert main(["claims", "find", "ransom paid by Germany"]) == 0
    said = capsys.readouterr().err
    assert "sahel-nb: an import was finished" in said and "UserWarning" not in said


def test_every_command_that_reads_a_data_folder_takes_data_dir(capsys, valid_dir, tmp_path):
    # One spelling works everywhere (the commands' own, --into or --data, stay).
    assert main(["validate", "--data-dir", str(valid_dir)]) == 0
    assert capsys.readouterr().out.startswith("valid: ")
    assert main(["claims", "find", "kidnapping", "--data-dir", str(valid_dir)]) == 0
    assert "ev-1" in capsys.readouterr().out
    nowhere = tmp_path / "nowhere"
    export = FIXTURES / "acled" / "mali_sample.csv"
    assert main(["import", "acled", str(export), "--data-dir", str(nowhere)]) == 1
    assert "nowhere: is not a folder" in capsys.readouterr().err
    assert main(["source", "show", "src-a", "--data-dir", str(nowhere)]) == 1
    assert "nowhere" in capsys.readouterr().err


def test_validate_given_two_different_folders_says_so(capsys, valid_dir, tmp_path):
    assert main(["validate", str(valid_dir), "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "two data folders given" in err and "Traceback" not in err


def test_report_reads_the_data_folder_given_as_data_dir(capsys, tmp_path, monkeypatch, valid_dir):
    # The good folder in the environment, the broken one given: the given one is read.
    monkeypatch.setenv("SAHEL_NB_DATA", str(valid_dir))
    broken = FIXTURES / "broken" / "three_problems"
    out = tmp_path / "r"
    config = str(_ok_config(tmp_path))
    assert main(["report", "--config", config, "--out", str(out), "--data-dir", str(broken)]) == 1
    assert f"3 problems found in {broken}" in capsys.readouterr().err
    assert not out.exists()
