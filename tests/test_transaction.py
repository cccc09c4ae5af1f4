"""Imports as transactions: one at a time per folder, whole or not at all after any kill."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from sahel_nb import ImportRunning, SahelNbError, load_dataset
from sahel_nb.cli import main
from sahel_nb.transaction import (
    IMPORT_LOCK,
    JOURNAL,
    importing,
    settle,
    write_error,
)

pytestmark = pytest.mark.faults
ROOT = Path(__file__).parents[1]
ACLED = Path(__file__).parent / "fixtures" / "acled"
SAMPLE = ACLED / "zero_codes.csv"


def _tables(folder: Path) -> dict[str, bytes]:
    """Every file an import writes, by path: the folder's state as a reader sees it."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*.csv"))
        if not p.relative_to(folder).as_posix().startswith(".")
    }


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".import-", JOURNAL)))


def _import_in_a_process(data: Path, fault: str = "", export: Path = SAMPLE, **env):
    code = textwrap.dedent(
        f"""
        from sahel_nb.interop import import_acled
        print(import_acled({str(export)!r}, {str(data)!r}))
        """
    )
    environment = {**os.environ, "SAHEL_NB_FAULT": fault, **env}
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True
    )


@pytest.fixture
def before_and_after(data_dir, tmp_path) -> tuple[Path, dict, dict]:
    """A folder to import into, its files before, and its files after an import that ran whole."""
    after = Path(shutil.copytree(data_dir, tmp_path / "after"))
    done = _import_in_a_process(after)
    assert done.returncode == 0, done.stderr
    return data_dir, _tables(data_dir), _tables(after)


@pytest.mark.parametrize("fault", ["journal", "replaced:1", "replaced:3", "replaced:6"])
def test_an_import_killed_while_moving_in_is_finished_by_the_next_command(before_and_after, fault):
    data, _, after = before_and_after
    killed = _import_in_a_process(data, fault)
    assert killed.returncode == -9  # SIGKILL: nothing of the import's own ran after it
    assert (data / JOURNAL).exists()
    # The next command, whichever it is, finds the folder as after the import and says so.
    with pytest.warns(UserWarning, match="as after that import"):
        load_dataset(data)
    assert _tables(data) == after
    assert _leftovers(data) == []


def test_an_import_killed_before_moving_in_leaves_the_folder_as_before(before_and_after):
    data, before, _ = before_and_after
    staged = data / ".import-99999-abcdef"  # what a kill during staging leaves
    staged.mkdir()
    (staged / "events.csv").write_text("half written", encoding="utf-8")
    (data / IMPORT_LOCK).touch()
    assert settle(data) == [
        f"an import was stopped before it changed anything: {data} is as before it, and its "
        "staging folder .import-99999-abcdef was removed"
    ]
    assert _tables(data) == before and _leftovers(data) == []


def test_an_import_killed_after_its_commit_is_said_to_be_as_after(before_and_after):
    data, _, after = before_and_after
    assert _import_in_a_process(data, "committed").returncode == -9
    with pytest.warns(UserWarning, match="after its files had moved in: .* is as after it"):
        load_dataset(data)
    assert _tables(data) == after and _leftovers(data) == []


def test_validate_says_what_it_recovered(before_and_after, capsys):
    data, _, after = before_and_after
    assert _import_in_a_process(data, "replaced:2").returncode == -9
    assert main(["validate", str(data)]) == 0
    assert "as after that import" in capsys.readouterr().err
    assert _tables(data) == after


def test_the_review_list_moves_in_with_the_tables(before_and_after):
    data, _, after = before_and_after
    review = [name for name in after if name.endswith("-new-actors.csv")]
    assert review  # the sample creates actors to review
    _import_in_a_process(data, "replaced:1")
    settle(data)
    assert set(review) <= set(_tables(data))


def test_a_missing_review_list_is_written_again_by_importing_the_file_again(data_dir):
    from sahel_nb.interop import import_acled

    first = import_acled(SAMPLE, data_dir)
    written = first.review_file.read_bytes()
    first.review_file.unlink()  # what a kill after the tables moved in left, before transactions
    again = import_acled(SAMPLE, data_dir)
    assert again.added == 0 and again.review_file == first.review_file
    assert "written again" in str(again)
    assert first.review_file.read_bytes().splitlines()[0] == written.splitlines()[0]
    assert len(first.review_file.read_bytes().splitlines()) == len(written.splitlines())


def test_two_imports_into_one_folder_at_once_both_land(data_dir):
    def start(export: Path, **env) -> subprocess.Popen:
        code = f"from sahel_nb.interop import import_acled; import_acled({str(export)!r}, " + (
            f"{str(data_dir)!r})"
        )
        return subprocess.Popen([sys.executable, "-c", code], env={**os.environ, **env})

    # The first pauses with its import staged, about to move in; the second starts then.
    one = start(SAMPLE, SAHEL_NB_PAUSE="commit")
    deadline = time.monotonic() + 60
    while not list(data_dir.glob(".import-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    two = start(ACLED / "vintage_older.csv")
    assert one.wait(120) == 0 and two.wait(120) == 0
    events = set(load_dataset(data_dir).events["event_id"])
    assert {"acled-MLI9201", "acled-MLI9101"} <= events  # neither import lost


def test_a_second_import_waits_then_refuses_saying_who_holds_the_folder(data_dir, capsys):
    with importing(data_dir):
        started = time.monotonic()
        refused = pytest.raises(ImportRunning, match=rf"pid {os.getpid()}\); waited 1 s")
        with refused, importing(data_dir, wait=1.0):
            pass  # pragma: no cover
        assert time.monotonic() - started >= 1.0
    assert "is running (pid" in capsys.readouterr().err  # said while waiting
    with importing(data_dir, wait=1.0):  # free again once the first is done
        pass


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "the disk is full"), (errno.EFBIG, "file-size limit"),
     (errno.EROFS, "read-only"), (errno.EACCES, "permissions")],
)  # fmt: skip
def test_write_errors_are_sentences(tmp_path, code, words):
    message = write_error(OSError(code, os.strerror(code)), tmp_path)
    assert words in message and "Nothing was changed" in message


@pytest.mark.parametrize("where", ["appending", "checking"])
def test_a_full_disk_during_an_import_is_one_message_and_changes_nothing(
    data_dir, monkeypatch, capsys, where
):
    import sahel_nb.interop.writing as writing

    before = _tables(data_dir)

    failed_in = []

    def full(*args, **kwargs):
        failed_in.append(threading.current_thread() is threading.main_thread())
        raise OSError(errno.ENOSPC, "No space left on device")

    if where == "appending":
        monkeypatch.setattr(writing, "_append", full)
    else:  # the rows written in a thread while they are checked
        real = writing._appending
        monkeypatch.setattr(writing, "_appending", lambda *args: (real(*args)[0], full))
    assert main(["import", "acled", str(SAMPLE), "--into", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "the disk is full" in err and "Traceback" not in err
    assert _tables(data_dir) == before and _leftovers(data_dir) == []
    assert failed_in == [where == "appending"]  # "checking": in the writing thread


@pytest.mark.parametrize(
    ("code", "words"), [(errno.EROFS, "read-only"), (errno.EACCES, "permissions")]
)
def test_a_folder_that_refuses_writing_is_one_message(data_dir, monkeypatch, capsys, code, words):
    # Root writes through permissions: the refusal is simulated where the folder is first written.
    import sahel_nb.transaction as transaction

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(transaction.tempfile, "mkdtemp", refuse)
    before = _tables(data_dir)
    assert main(["import", "acled", str(SAMPLE), "--into", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and _tables(data_dir) == before


def test_errors_raised_are_of_the_family(data_dir):
    assert issubclass(ImportRunning, SahelNbError)


def test_a_refused_export_is_said_at_once_while_another_import_holds_the_folder(data_dir, tmp_path):
    from sahel_nb import DataValidationError
    from sahel_nb.interop import import_acled

    bad = tmp_path / "bad.csv"
    bad.write_text("event_id_cnty,event_date\nX1,2012-01-01\n", encoding="utf-8")
    said = []

    def run():
        try:
            import_acled(bad, data_dir)
        except DataValidationError as error:
            said.append(error)

    with importing(data_dir):  # another import, running for as long as it likes
        refused = threading.Thread(target=run)
        refused.start()
        # Refused while the other still holds the folder, not once it lets go
        # (or the wait for it, WAIT_SECONDS, runs out).
        refused.join(timeout=30)
        assert not refused.is_alive()
    refused.join()
    assert said and all(p.file == str(bad) for p in said[0].problems)
    with importing(data_dir, wait=0.0):  # nothing left holding the folder
        pass


def test_the_exports_problems_come_first_and_the_lock_is_let_go_whatever_stops_an_import(
    data_dir, tmp_path
):
    from sahel_nb import DataValidationError
    from sahel_nb.interop import import_acled

    bad = tmp_path / "bad.csv"
    bad.write_text("event_id_cnty,event_date\nX1,2012-01-01\n", encoding="utf-8")
    broken = data_dir / "actors.csv"
    broken.write_text(broken.read_text(encoding="utf-8") + "no-such-row\n", encoding="utf-8")
    # The folder is loaded beside the export's reading; the export still speaks first.
    with pytest.raises(DataValidationError) as caught:
        import_acled(bad, data_dir)
    assert all(p.file == str(bad) for p in caught.value.problems)
    with importing(data_dir, wait=0.0):  # let go
        pass
    # A good export into a broken folder: the folder's problems, and the lock let go.
    with pytest.raises(DataValidationError) as caught:
        import_acled(SAMPLE, data_dir)
    assert all(p.file.endswith("actors.csv") for p in caught.value.problems)
    with importing(data_dir, wait=0.0):
        pass


def test_rows_appended_from_a_concatenated_frame_read_back_as_written(tmp_path):
    # pd.concat of an empty and a full frame gives columns whose first chunk is
    # empty: pyarrow's CSV writer wrote such a column as raw memory.
    import pandas as pd

    from sahel_nb.interop.writing import _append

    columns = ["record_a", "record_b", "score"]
    empty = pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    full = pd.DataFrame({"record_a": ["ev-1"], "record_b": ["acled-2"], "score": ["0.747"]})
    full = full.astype("str")
    rows = pd.concat([empty, full])
    path = tmp_path / "rows.csv"
    _append(path, columns, rows)
    back = pd.read_csv(path, dtype=str)
    assert back.to_dict("records") == full.to_dict("records")


@pytest.mark.parametrize("stop", [OSError(errno.EACCES, "busy"), KeyboardInterrupt()])
def test_an_import_stopped_mid_move_keeps_its_files_and_is_finished_by_the_next_command(
    before_and_after, monkeypatch, stop
):
    # A refusal on one file (a permission, a lock held by another program) or Ctrl-C after
    # two files moved in: the staged files must stay beside the journal, and the truth said.
    from sahel_nb import transaction
    from sahel_nb.interop import import_acled

    data, before, after = before_and_after

    def fault(step: str) -> None:
        if step == "replaced:2":
            raise stop

    monkeypatch.setattr(transaction, "_fault", fault)
    with pytest.raises((SahelNbError, KeyboardInterrupt)) as caught:
        import_acled(SAMPLE, data)
    if isinstance(stop, OSError):
        said = str(caught.value)
        assert "stopped while moving its files in" in said and "Nothing was changed" not in said
        assert ".." not in said
    assert (data / JOURNAL).exists()
    assert _tables(data) not in (before, after)  # part way: which is why the files are kept
    staged = [p for p in data.iterdir() if p.name.startswith(".import-") and p.is_dir()]
    assert len(staged) == 1 and any(staged[0].rglob("*.csv"))
    # Where the folder cannot be settled (read-only), reading it says so instead of loading
    # half old, half new tables.
    monkeypatch.setattr("sahel_nb.data.settle", lambda folder: [])
    with pytest.raises(SahelNbError, match="part way through an import"):
        load_dataset(data)
    monkeypatch.undo()
    with pytest.warns(UserWarning, match="as after that import"):
        load_dataset(data)
    assert _tables(data) == after and _leftovers(data) == []
