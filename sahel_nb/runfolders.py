"""The folder of report runs: building, publishing and pruning under one lock, and signals."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .exceptions import SahelNbError
from .transaction import _holder

__all__ = [
    "BUILD_PREFIX",
    "LOCK_FILE",
    "OWNER_FILE",
    "RunFailed",
    "RunStopped",
    "claim",
    "os_error",
    "prune",
    "publish_latest",
    "publish_lock",
    "published",
    "remove_leftovers",
    "stoppable",
]

#: A run is built in ``<out>/.building-<run id>`` and renamed to its run id when published.
BUILD_PREFIX = ".building-"
#: The new ``latest`` link is made under this name (and the run id), then renamed over it.
LINK_PREFIX = ".latest-"
#: Held exclusively to publish or prune, shared while a run reads the latest one.
LOCK_FILE = ".publish.lock"
#: In a build folder: who builds it (pid, host, process start), so others can tell it died.
OWNER_FILE = ".owner.json"
#: The signals that stop a report run as Ctrl-C does (systemd and kill send SIGTERM,
#: a closed terminal or SSH session SIGHUP).
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
# A build folder without an owner file is this young at most while its run claims it.
_UNCLAIMED_GRACE = 60.0


class RunFailed(SahelNbError):
    """A report run failed; the last good report was left as it was."""


class RunStopped(KeyboardInterrupt):
    """A signal stopped a report run: ``signum`` says which.

    A :class:`KeyboardInterrupt`, so that code which lets Ctrl-C through
    lets SIGTERM and SIGHUP through alike. ``kept`` is where the run's
    partial output was kept (``failed-<run id>``), if anywhere;
    ``published`` is the run folder, when the signal came while it was being
    published and publishing was finished first.
    """

    def __init__(self, signum: int, *, published: Path | None = None) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)
        self.kept: Path | None = None
        self.published = published


class _Stopper:
    """Turns the first stop signal into :class:`RunStopped`; later ones wait for the cleanup."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._holding = False

    def handle(self, signum: int, frame) -> None:
        if self.signum is not None:
            return  # already stopping: let the cleanup finish
        self.signum = signum
        if not self._holding:
            raise RunStopped(signum)

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """Note a signal during the block rather than raise it there (a rename, a cleanup)."""
        before, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = before

    @contextlib.contextmanager
    def deferred(self, published: Path | None = None) -> Iterator[None]:
        """Hold signals during the block, then raise one that came (``published``: what was)."""
        with self.holding():
            yield
        if self.signum is not None:
            raise RunStopped(self.signum, published=published)


@contextlib.contextmanager
def stoppable() -> Iterator[_Stopper]:
    """Stop a report run on SIGTERM, SIGINT or SIGHUP by raising :class:`RunStopped`.

    The run's ``except`` clauses then stop its workers and keep its build
    folder as ``failed-<run id>``, never touching ``latest``. Handlers are
    installed only in the main thread (Python allows no other) and restored
    afterwards.

    Yields
    ------
    _Stopper
        Its ``deferred()`` holds signals while a run is being published.
    """
    stopper = _Stopper()
    if threading.current_thread() is not threading.main_thread():
        yield stopper
        return
    previous = {signum: signal.signal(signum, stopper.handle) for signum in STOP_SIGNALS}
    try:
        yield stopper
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def publish_lock(out: Path, log, *, shared: bool = False) -> Iterator[None]:
    """Hold the lock of the folder of runs ``out`` (``fcntl.flock`` on :data:`LOCK_FILE`).

    Exclusive to publish a run, switch ``latest``, prune or remove leftovers;
    shared while a run reads the latest one (reusing its folders). A run that
    has to wait says so through ``log``, once. The lock goes with the process,
    also when it is killed.
    """
    path = out / LOCK_FILE
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(handle, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            log(
                f"another report run is publishing into {out} (pid {_holder(path)}); "
                "waiting for it to finish"
            )
            fcntl.flock(handle, mode)
        if not shared:
            os.ftruncate(handle, 0)
            os.pwrite(handle, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(handle)


def _start_time(pid: int) -> int | None:
    """When a process started (clock ticks since boot, from /proc), to tell a reused pid."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def claim(folder: Path) -> None:
    """Record this process as the builder of ``folder`` (:data:`OWNER_FILE`)."""
    owner = {"pid": os.getpid(), "host": socket.gethostname(), "started": _start_time(os.getpid())}
    (folder / OWNER_FILE).write_text(json.dumps(owner) + "\n", encoding="utf-8")


def _running(pid: int, started: int | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: alive
    now = _start_time(pid)
    return started is None or now is None or now == started


def _builder(folder: Path) -> tuple[int | None, bool]:
    """The pid that builds ``folder`` and whether it still runs (True when it cannot be told)."""
    try:
        owner = json.loads((folder / OWNER_FILE).read_text(encoding="utf-8"))
        pid = int(owner["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        # No owner file yet (just made) or from before they were written: the
        # run id names the pid; a young folder is given time to be claimed.
        match = re.search(r"-(\d+)-[0-9a-f]+$", folder.name)
        try:
            young = time.time() - folder.stat().st_mtime < _UNCLAIMED_GRACE
        except OSError:
            return None, False
        if match is None:
            return None, young
        return int(match.group(1)), young or _running(int(match.group(1)), None)
    if owner.get("host") != socket.gethostname():
        return pid, True  # another machine's run: not ours to judge
    return pid, _running(pid, owner.get("started"))


def remove_leftovers(out: Path, log) -> None:
    """Remove what runs killed before their cleanup left in ``out``; hold the lock exclusively.

    Build folders whose builder no longer runs (``kill -9``, a power cut),
    and temporary ``latest`` links: a link is only made with the lock held,
    so one seen while holding it was left by a run killed while publishing.
    """
    for path in sorted(out.glob(LINK_PREFIX + "*")):
        if path.is_symlink():
            path.unlink(missing_ok=True)
            log(f"removed {path.name}, left by a run stopped while it was being published")
    for path in sorted(out.glob(BUILD_PREFIX + "*")):
        if not path.is_dir() or path.is_symlink():
            continue
        pid, alive = _builder(path)
        if not alive:
            shutil.rmtree(path, ignore_errors=True)
            log(f"removed {path.name}, left by a run (pid {pid}) that was killed")


def publish_latest(out: Path, run_id: str) -> None:
    """Point ``<out>/latest`` at the run folder ``run_id`` in one step; hold the lock."""
    # A new symlink under a temporary name, renamed over the old one: readers
    # see the old report or the new one, never a half-made one.
    temporary = out / f"{LINK_PREFIX}{run_id}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(run_id, target_is_directory=True)
    os.replace(temporary, out / "latest")


def prune(out: Path, keep: int, *, failed_only: bool = False) -> list[str]:
    """Remove all but ``keep`` published runs: ``latest``'s and the newest others; hold the lock.

    With the lock held no run is between its rename and its link switch, so
    a folder removed here is never one about to become ``latest``. ``latest``
    is the run published last, which is not always the newest by its id: a
    run started earlier may finish after one started later. It counts
    among the ``keep``, so ``--keep 1`` leaves one run whatever the order.
    The newest ``keep`` failed runs are kept too; with ``failed_only`` (a
    run that failed prunes) only failed runs are removed.
    """
    latest = (out / "latest").resolve().name if (out / "latest").exists() else None
    # Only folders a report run made: named by a run id, holding its manifest (a
    # folder "2025 annual review" an analyst keeps beside the runs is not one).
    runs = [
        p.name for p in out.iterdir()
        if p.is_dir() and not p.is_symlink() and _RUN_FOLDER.fullmatch(p.name)
        and (p.name.startswith("failed-") or (p / "manifest.json").is_file())
    ]  # fmt: skip
    finished = sorted(name for name in runs if not name.startswith("failed-"))
    others = [name for name in finished if name != latest]
    room = max(keep - (latest in finished), 0)
    doomed = [] if failed_only else others[: max(len(others) - room, 0)]
    # Failed runs are kept for diagnosis, the newest ``keep`` of them: a nightly run
    # failing for a week must not fill the disk.
    failed = sorted((name for name in runs if name.startswith("failed-")), key=lambda n: n[7:])
    doomed += failed[: max(len(failed) - keep, 0)]
    for name in doomed:
        shutil.rmtree(out / name)
    return doomed


#: A run's folder: its id (``20261208T003437Z-10188-9be0``), ``failed-`` before it if it failed.
_RUN_FOLDER = re.compile(r"(?:failed-)?\d{8}T\d{6}Z-\d+-[0-9a-f]{4}")


def published(out: Path) -> tuple[Path, dict] | None:
    """The last published run (``latest``): its folder and manifest, if there is one."""
    latest = out / "latest"
    try:
        manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return latest.resolve(), manifest


_REASONS = {
    errno.ENOSPC: "the disk is full; free some space and run again",
    errno.EDQUOT: "the disk quota is used up; free some space and run again",
    errno.EFBIG: "a file-size limit was reached (ulimit -f); raise it and run again",
    errno.EROFS: "it is on a read-only file system; give --out a writable folder",
    errno.EACCES: "permission denied; check the folder's permissions or give another --out",
    errno.EPERM: "permission denied; check the folder's permissions or give another --out",
}


def os_error(error: OSError, out: Path) -> RunFailed:
    """An operating system's refusal during a run, as one line an analyst can act on."""
    reason = _REASONS.get(error.errno, error.strerror or str(error))
    name = error.filename
    if name is None or Path(os.path.abspath(name)).is_relative_to(out):
        # Inside the folder of runs: name the folder the analyst gave, not a build folder.
        where = f"cannot write the report into {out}"
    else:
        where = f"{name}"
    return RunFailed(f"{where}: {reason}. The last good report is unchanged.")
