"""One import at a time per data folder, committed whole: a lock, a journal, and recovery after a kill."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .exceptions import ImportRunning, SahelNbError

__all__ = [
    "IMPORT_LOCK",
    "JOURNAL",
    "STAGING_PREFIX",
    "checked_import",
    "commit",
    "importing",
    "reading",
    "settle",
    "staging",
    "write_error",
]

#: Held by an import from its first read to its commit: one writer per folder.
IMPORT_LOCK = ".import.lock"
#: Held (exclusively) while a commit moves files in; readers share it while they read.
COMMIT_LOCK = ".commit.lock"
#: Written before the first file moves in, removed after the last: its presence means
#: a commit was cut short, and the next command finishes it.
JOURNAL = ".import-journal.json"
#: Staging folders: a copy of the tables with the import applied, moved in at commit.
STAGING_PREFIX = ".import-"
#: Seconds an import waits for another one into the same folder before refusing.
WAIT_SECONDS = float(os.environ.get("SAHEL_NB_IMPORT_WAIT", "600"))


def _fault(step: str) -> None:
    """Let the fault-injection tests kill or pause the process between two steps of a commit.

    ``SAHEL_NB_FAULT=<step>`` (e.g. ``replaced:2``) kills the process with
    SIGKILL when it reaches that step: no cleanup runs, as with ``kill -9``
    or a power cut. ``SAHEL_NB_PAUSE=<step>`` waits there two seconds, so
    that another process can try to run into it.
    """
    if os.environ.get("SAHEL_NB_FAULT") == step:
        os.kill(os.getpid(), 9)
    if os.environ.get("SAHEL_NB_PAUSE") == step:
        time.sleep(2)


def _open_lock(path: Path, create: bool) -> int | None:
    try:
        return os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o644)
    except FileNotFoundError:
        if create:  # the data folder itself is not there
            raise SahelNbError(
                f"{path.parent}: is not a folder; give the folder holding the CSV tables"
            ) from None
        return None
    except OSError as error:
        if create:
            raise SahelNbError(write_error(error, path.parent)) from None
        return None  # a folder we may not write to: nobody imports into it through us


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        return "unknown"


@contextlib.contextmanager
def importing(
    data_dir: Path, wait: float | None = None, cancelled: threading.Event | None = None
) -> Iterator[list[str]]:
    """Hold the folder's import lock for a whole import; yield notes on what was recovered.

    A second import waits (saying so on stderr) up to ``wait`` seconds
    (default :data:`WAIT_SECONDS`, ``$SAHEL_NB_IMPORT_WAIT``), then refuses
    with :class:`ImportRunning`; it stops waiting at once when ``cancelled``
    is set (its export was refused). Once the lock is held, what an import
    killed earlier left behind is settled first (see :func:`settle`).
    """
    wait = WAIT_SECONDS if wait is None else wait
    path = Path(data_dir) / IMPORT_LOCK
    handle = _open_lock(path, create=True)
    started, said = time.monotonic(), False
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= wait:
                    raise ImportRunning(
                        f"another import into {data_dir} is running (pid {_holder(path)}); "
                        f"waited {waited:.0f} s for it. Run this import again when it has "
                        "finished (or set SAHEL_NB_IMPORT_WAIT to wait longer)."
                    ) from None
                if not said:
                    print(
                        f"sahel-nb: another import into {data_dir} is running (pid "
                        f"{_holder(path)}); waiting up to {wait:.0f} s for it to finish",
                        file=sys.stderr,
                    )
                    said = True
                if cancelled is None:
                    time.sleep(0.2)
                elif cancelled.wait(0.2):
                    raise _Cancelled from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode(), 0)
        notes = _settle_held(Path(data_dir))
        yield notes
    finally:
        os.close(handle)  # releases the lock, also when the process dies


@contextlib.contextmanager
def reading(data_dir: Path) -> Iterator[None]:
    """Read a folder's tables between commits (a commit under way is waited for).

    Folders no import ever touched have no lock file: nothing is locked.
    """
    handle = _open_lock(Path(data_dir) / COMMIT_LOCK, create=False)
    if handle is None:
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield
    finally:
        os.close(handle)


def settle(data_dir: Path) -> list[str]:
    """Finish or undo what a killed import left in a folder; return what was done, in words.

    A journal means the import was killed while moving its files in: the
    rest are moved in, and the folder is as after that import. Staging
    folders without a journal mean it was killed before: they are removed,
    and the folder is as before it. Nothing is done while another import
    holds the folder (it owns its staging folder), nor in a folder we may not
    write to.
    """
    data_dir = Path(data_dir)
    if not (data_dir / JOURNAL).exists() and not _staging_folders(data_dir):
        return []
    handle = _open_lock(data_dir / IMPORT_LOCK, create=False)
    if handle is None:
        return []
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []  # a live import: its files are its own
        return _settle_held(data_dir)
    finally:
        os.close(handle)


def _staging_folders(data_dir: Path) -> list[Path]:
    try:
        return sorted(p for p in data_dir.glob(STAGING_PREFIX + "*") if p.is_dir())
    except OSError:
        return []


def _settle_held(data_dir: Path) -> list[str]:
    """:func:`settle`, with the import lock held."""
    notes = []
    journal = data_dir / JOURNAL
    if journal.exists():
        plan = json.loads(journal.read_text(encoding="utf-8"))
        staged = data_dir / plan["staged"]
        if not staged.is_dir() and plan["files"]:
            # Only an older version could lose its staged files mid-move: say so, never
            # that the folder is whole.
            journal.unlink()
            notes.append(
                f"an import ({plan.get('what', 'unnamed')}) was stopped while its files were "
                f"moving in, and its staged files are gone: {data_dir} may hold some of its "
                "tables and not others; check it with sahel-nb validate"
            )
            return notes
        try:
            _move_in(data_dir, staged, plan["files"])
        except OSError as error:
            raise SahelNbError(_stopped_moving(error, data_dir)) from None
        journal.unlink()
        notes.append(
            f"an import ({plan.get('what', 'unnamed')}) was stopped while its files were "
            f"moving in: the move was finished, and {data_dir} is as after that import"
        )
    for folder in _staging_folders(data_dir):
        # Its files all moved in (killed after the commit, before cleaning up): as after.
        moved_in = not any(path.is_file() for path in folder.rglob("*"))
        shutil.rmtree(folder, ignore_errors=True)
        if not journal.exists() and not notes:
            state = (
                "was stopped after its files had moved in: {0} is as after it"
                if moved_in
                else "was stopped before it changed anything: {0} is as before it"
            )
            notes.append(
                "an import " + state.format(data_dir) + f", and its staging folder "
                f"{folder.name} was removed"
            )
    return notes


@contextlib.contextmanager
def staging(data_dir: Path) -> Iterator[Path]:
    """A staging folder inside ``data_dir`` (same file system: moving in is a rename)."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=data_dir))
    except OSError as error:
        raise SahelNbError(write_error(error, data_dir)) from None
    try:
        yield folder
    except OSError as error:
        if _journal_names(data_dir, folder):
            raise SahelNbError(_stopped_moving(error, data_dir)) from None
        raise SahelNbError(write_error(error, data_dir)) from None
    finally:
        # A journal naming the folder means its files are part way in: they are
        # what the next command moves in to finish the import, never deleted.
        if not _journal_names(data_dir, folder):
            shutil.rmtree(folder, ignore_errors=True)


def _journal_names(data_dir: Path, folder: Path) -> bool:
    """Whether the folder's journal is that of a move in from ``folder``."""
    try:
        plan = json.loads((Path(data_dir) / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(plan, dict) and plan.get("staged") == folder.name


def _stopped_moving(error: OSError, folder: Path) -> str:
    """An import stopped part way through its move in, said as it is."""
    reason = write_error(error, folder).removesuffix(". Nothing was changed there.")
    return (
        f"{reason}. The import stopped while moving its files in: some of {folder}'s files "
        "are already the new ones. Its files and journal are kept; once the folder can be "
        "written, any sahel-nb command (sahel-nb validate) finishes the move, and the "
        "folder is then as after the import."
    )


def unfinished(data_dir: Path) -> str | None:
    """Why a folder cannot be read as it is: an import's move in was left unfinished.

    A journal left where it cannot be settled (a read-only folder, or one we
    may not lock) means some tables are the import's and some are not.
    """
    journal = Path(data_dir) / JOURNAL
    if not journal.exists():
        return None
    try:
        what = json.loads(journal.read_text(encoding="utf-8")).get("what", "an import")
    except (OSError, ValueError, AttributeError):
        what = "an import"
    return (
        f"{data_dir} is part way through an import ({what}): it was stopped while moving its "
        "files in, and the move cannot be finished here (the folder cannot be written or "
        "locked). Run sahel-nb validate where the folder can be written to finish it; until "
        "then its tables are half old, half new"
    )


def _move_in(data_dir: Path, staged: Path, files: list[str]) -> None:
    for count, name in enumerate(files, 1):
        source, target = staged / name, data_dir / name
        if source.exists():  # moved already, before a kill: nothing to do
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        _fault(f"replaced:{count}")


def commit(data_dir: Path, staged: Path, what: str) -> None:
    """Move every file of ``staged`` into ``data_dir`` as one change.

    The journal is written (and synced) first: if the process dies part way,
    the next command reads it and finishes the move (:func:`settle`). Readers
    wait while the files move (:func:`reading`).
    """
    _fault("commit")
    files = sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*") if p.is_file())
    journal = Path(data_dir) / JOURNAL
    handle = _open_lock(Path(data_dir) / COMMIT_LOCK, create=True)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            pending = journal.with_suffix(".pending")
            with open(pending, "w", encoding="utf-8") as out:
                json.dump({"staged": staged.name, "files": files, "what": what}, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(pending, journal)
        except OSError as error:
            raise SahelNbError(write_error(error, data_dir)) from None
        _fault("journal")
        _move_in(Path(data_dir), staged, files)
        journal.unlink()
        _fault("committed")
    finally:
        os.close(handle)


def write_error(error: OSError, folder: Path) -> str:
    """An operating system's refusal to write, in words an analyst can act on."""
    reasons = {
        errno.ENOSPC: "the disk is full; free some space",
        errno.EDQUOT: "the disk quota is used up; free some space",
        errno.EFBIG: "a file-size limit was reached (ulimit -f); raise it",
        errno.EROFS: "the folder is on a read-only file system; copy it somewhere writable",
        errno.EACCES: "you may not write there; check the folder's permissions",
        errno.EPERM: "you may not write there; check the folder's permissions",
    }
    reason = reasons.get(error.errno, error.strerror or str(error))
    return f"cannot write in {folder}: {reason}. Nothing was changed there."


def checked_import(path, data_dir, read, proper, today=None):
    """Read an export, refuse it whole if it has problems, else import it under the folder's lock.

    ``read(path)`` returns ``(frame, cols, problems, encoding)``; ``proper``
    is the importer's work, given the folder's dataset, run with the lock
    held and recovered notes put first in its summary. Every importer (ACLED,
    GTD, UCDP) goes through here.
    """
    from concurrent.futures import ThreadPoolExecutor

    from .exceptions import DataValidationError

    path, data_dir = Path(path), Path(data_dir).expanduser()
    refused = threading.Event()
    lock = importing(data_dir, cancelled=refused)
    # The lock is taken and the folder loaded beside the reading of the export:
    # Arrow's parse of it leaves Python's lock free (0.4 s of an import of half
    # a million rows). The export's problems still come first, as before.
    with ThreadPoolExecutor(1) as pool:
        held = pool.submit(_locked_dataset, lock, data_dir, refused)
        try:
            frame, cols, problems, encoding = read(path)
        except BaseException:
            _release(held, lock, refused)
            raise
        if problems:
            _release(held, lock, refused)
            raise DataValidationError(problems, str(path))
        recovered, dataset = held.result()  # raises what stopped the lock or the load
    try:
        summary = proper(path, data_dir, frame, cols, encoding, today, dataset)
    except BaseException as error:
        lock.__exit__(type(error), error, error.__traceback__)  # lets the lock go; never swallows
        raise
    lock.__exit__(None, None, None)
    summary.notes[:0] = recovered
    return summary


class _Cancelled(Exception):
    """The export was refused while its folder's lock was awaited or its tables about to load."""


def _locked_dataset(lock, data_dir: Path, refused: threading.Event):
    """Take the import lock (``importing``), then load the folder; the lock is let go on failure."""
    from .data import load_dataset

    recovered = lock.__enter__()
    try:
        if refused.is_set():
            raise _Cancelled
        return recovered, load_dataset(data_dir)
    except BaseException as error:
        lock.__exit__(type(error), error, error.__traceback__)
        raise


def _release(held, lock, refused: threading.Event) -> None:
    """Stop the lock's wait begun beside a refused export (or wait for its load), then let it go.

    A refused export is said at once, not after another import into the
    folder has finished.
    """
    refused.set()
    if held.exception() is None:  # else it was never held, or let go already
        lock.__exit__(None, None, None)
