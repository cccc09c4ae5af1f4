"""Report runs under faults: signals, kills and two runs publishing into one folder at once."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from sahel_nb.report import Run, check_runs, run_reports

NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"

pytestmark = [pytest.mark.notebook, pytest.mark.report_faults]


def _waiting_notebooks(tmp_path: Path) -> Path:
    """A notebook that says it started (a file) and then waits ``pause`` seconds."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    node = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Waiting"),
            nbformat.v4.new_code_cell(
                "pause = 0  # seconds to wait\noutput_dir = None  # set by the report run",
                metadata={"tags": ["parameters"]},
            ),
            nbformat.v4.new_code_cell(
                "import time\nfrom pathlib import Path\n\n"
                "Path(output_dir, 'started').touch()\ntime.sleep(pause)"
            ),
        ],
        metadata={"kernelspec": {"name": "sahel-nb", "display_name": "Python (sahel-nb)",
                                 "language": "python"}},
    )  # fmt: skip
    nbformat.write(node, notebooks / "wait.ipynb")
    config = tmp_path / "runs.yml"
    config.write_text(
        f"notebooks: {notebooks}\nruns:\n  - notebook: wait\n    name: wait_a\n"
        "  - notebook: wait\n    name: wait_b\n",
        encoding="utf-8",
    )
    return config


def _command(config: Path, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "sahel_nb.cli", "report", "--config", str(config),
            "--out", str(out), *args]  # fmt: skip


def _processes() -> dict[int, tuple[int, int, str]]:
    """Every process: pid -> (parent pid, process group, state), read from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited while we looked
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), int(fields[2]), fields[0])
    return found


def _descendants(pid: int) -> set[int]:
    table = _processes()
    tree = {pid}
    while True:
        more = {p for p, (parent, _, _) in table.items() if parent in tree} - tree
        if not more:
            return tree - {pid}
        tree |= more


def _alive(pids: set[int], group: int | None = None) -> set[int]:
    """Those of ``pids`` (or of process group ``group``) still running; zombies count as gone."""
    table = _processes()
    return {
        p
        for p, (_, pgid, state) in table.items()
        if state != "Z" and (p in pids or (group is not None and pgid == group))
    }


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"{what}: not within {seconds} s")


@pytest.fixture
def leftovers():
    """Pids and process groups to kill after the test, whatever it found: no test leaves orphans."""
    found = {"pids": set(), "groups": set()}
    yield found
    for pid in _alive(found["pids"]) | {p for g in found["groups"] for p in _alive(set(), group=g)}:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _started(out: Path) -> list[Path]:
    # Both notebooks are inside their kernels: the notebook phase of the run.
    found = list(out.glob(".building-*/wait_*/started"))
    return found if len(found) == 2 else []


def _first_run(config: Path, out: Path) -> Path:
    done = subprocess.run(_command(config, out), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return (out / "latest").resolve()


def _two_waiting(config: Path, out: Path, log: Path, leftovers):
    """A report run of two notebooks waiting 300 s, started and inside its kernels."""
    # A file, not a pipe: workers left running would hold a pipe open, and reading it hang.
    with open(log, "w", encoding="utf-8") as stderr:
        run = subprocess.Popen(
            _command(config, out, "-p", "pause=300", "--jobs", "2"),
            stderr=stderr,
            start_new_session=True,  # its own process group, as systemd or a shell job gives it
        )
    try:
        _wait_for(lambda: _started(out), 90, "both notebooks started")
    except BaseException:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        raise
    tree = _descendants(run.pid)
    leftovers["pids"] |= tree
    leftovers["groups"].add(run.pid)
    return run, tree


@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=["TERM", "INT", "HUP"]
)
def test_a_signal_stops_kernels_and_workers_and_keeps_latest(tmp_path, signum, leftovers):
    config = _waiting_notebooks(tmp_path)
    out = tmp_path / "out"
    latest = _first_run(config, out)
    log = tmp_path / "stderr.txt"
    run, tree = _two_waiting(config, out, log, leftovers)
    try:
        assert len(tree) >= 4, tree  # two pool workers and their two kernels, at least
        os.kill(run.pid, signum)  # the main process only, as `kill PID` does
        status = run.wait(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    stderr = log.read_text(encoding="utf-8")
    assert status == 128 + signum, stderr
    assert "Traceback" not in stderr
    assert "the last good report is unchanged" in stderr
    # Kernels run in sessions of their own: every process the run started is gone.
    _wait_for(lambda: not _alive(tree, group=run.pid), 20, f"processes {tree} gone")
    assert not list(out.glob(".building-*")) and not list(out.glob(".latest-*"))
    assert (out / "latest").resolve() == latest and (out / "latest" / "index.html").is_file()
    (failed,) = out.glob("failed-*")  # kept for diagnosis, as a failed run is
    assert failed.name in stderr


def test_a_worker_killed_from_outside_fails_the_run_in_words_and_keeps_latest(tmp_path, leftovers):
    # The out-of-memory killer takes one pool worker: the run fails, said as such, with
    # no traceback; latest stays, and nothing the run started is left running.
    config = _waiting_notebooks(tmp_path)
    out = tmp_path / "out"
    latest = _first_run(config, out)
    log = tmp_path / "stderr.txt"
    run, tree = _two_waiting(config, out, log, leftovers)
    try:
        workers = [
            pid for pid, (parent, _, _) in _processes().items()
            if parent == run.pid and b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]  # fmt: skip
        assert len(workers) == 2, workers
        os.kill(workers[0], signal.SIGKILL)
        status = run.wait(timeout=90)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    stderr = log.read_text(encoding="utf-8")
    assert status == 1, stderr
    assert "Traceback" not in stderr and "killed from outside" in stderr
    _wait_for(lambda: not _alive(tree, group=run.pid), 30, f"processes {tree} gone")
    assert (out / "latest").resolve() == latest
    assert list(out.glob("failed-*"))


def test_after_a_kill_the_workers_exit_and_the_next_run_removes_the_leftovers(tmp_path, leftovers):
    from sahel_nb.runfolders import claim

    config = _waiting_notebooks(tmp_path)
    out = tmp_path / "out"
    latest = _first_run(config, out)
    run = subprocess.Popen(
        _command(config, out, "-p", "pause=300", "--jobs", "2"),
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: _started(out), 90, "both notebooks started")
        tree = _descendants(run.pid)
        leftovers["pids"] |= tree
        leftovers["groups"].add(run.pid)
        os.kill(run.pid, signal.SIGKILL)  # no handler runs: as a power cut or the OOM killer
        run.wait(timeout=30)
        # The workers notice their runner died, and stop their kernels.
        _wait_for(lambda: not _alive(tree, group=run.pid), 30, f"processes {tree} gone")
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    (left,) = out.glob(".building-*")
    # A publish cut short leaves its temporary link; a live run's folder must stay.
    (out / ".latest-20000101T000000Z-1-abcd").symlink_to(left.name)
    live = out / f".building-20991231T000000Z-{os.getpid()}-beef"
    live.mkdir()
    claim(live)
    again = subprocess.run(_command(config, out), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert f"removed {left.name}" in again.stderr
    assert sorted(p.name for p in out.glob(".building-*")) == [live.name]
    assert not list(out.glob(".latest-*"))
    assert (out / "latest").resolve() != latest and (out / "latest" / "index.html").is_file()


def test_a_run_pruning_with_keep_waits_for_one_being_published(tmp_path, monkeypatch):
    from sahel_nb import report

    config = tmp_path / "runs.yml"
    config.write_text(f"notebooks: {NOTEBOOKS}\nruns:\n  - notebook: ok\n", encoding="utf-8")
    out = tmp_path / "out"
    other = {}
    publish = report._publish_latest

    def publish_slowly(folder, run_id):
        # Run B starts, prunes with --keep 1 and publishes while this run (A) publishes.
        b = subprocess.Popen(
            _command(config, out, "--force", "--keep", "1"), stderr=subprocess.PIPE, text=True
        )
        lines = []
        for line in b.stderr:  # until B waits for A, or (without a lock) has finished
            lines.append(line)
            if "waiting" in line:
                break
        other.update(process=b, lines=lines)
        publish(folder, run_id)

    monkeypatch.setattr(report, "_publish_latest", publish_slowly)
    a = run_reports(check_runs([Run("ok", "ok")], NOTEBOOKS), NOTEBOOKS, out=out, log=print)
    # A published a whole run, and B had not pruned it meanwhile.
    assert (a / "index.html").is_file()
    b = other["process"]
    assert b.wait(timeout=120) == 0
    stderr = "".join(other["lines"]) + b.stderr.read()
    assert "waiting" in stderr, stderr
    # B published after A, then pruned A, which was no longer latest.
    latest = (out / "latest").resolve()
    assert latest != a and (out / "latest" / "index.html").is_file()
    assert json.loads((out / "latest" / "manifest.json").read_text())["run_id"] == latest.name
    assert f"pruned old run {a.name}" in stderr
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {"latest", latest.name}
