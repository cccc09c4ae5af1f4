"""Scheduled report runs: notebooks executed with papermill and published atomically."""

from __future__ import annotations

import ast
import codecs
import concurrent.futures
import multiprocessing
import os
import secrets
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from .data import data_checksum
from .exceptions import ParameterError, SahelNbError
from .paths import DATA_ENV_VAR, REPORTS_DIR, default_data_dir
from .runconfig import (
    Run,
    absolute,
    check_runs,
    default_config,
    defaults_used,
    load_config,
    parse_overrides,
)
from .runfolders import (
    BUILD_PREFIX,
    RunFailed,
    RunStopped,
    claim,
    os_error,
    publish_lock,
    remove_leftovers,
    stoppable,
)
from .runfolders import prune as _prune
from .runfolders import publish_latest as _publish_latest
from .runfolders import published as _published
from .runindex import assemble, link_or_copy
from .runkey import explain, key_parts, run_key
from .runpages import execute as _execute
from .runpages import finish as _finish
from .runpages import stop_workers, to_html, worker_start
from .schema import TABLES

__all__ = [
    "PROFILE_NOTEBOOK",
    "Run",
    "RunFailed",
    "RunStopped",
    "check_runs",
    "default_config",
    "load_config",
    "parse_overrides",
    "publish_executed",
    "run_reports",
    "to_html",
]

#: The notebook whose runs are actor profiles: names of these actors link to them.
PROFILE_NOTEBOOK = "actor_profile"


def _data_dir(run: Run) -> Path:
    """The data folder a run reads, absolute: its ``data_dir``, else the default one."""
    return absolute(run.parameters.get("data_dir") or default_data_dir())


def _check_utf8(folder: Path) -> None:
    """Name a table file that is not UTF-8 text, in one line (validation lists every cell)."""
    for table in TABLES.values():
        path = folder / table.file
        decoder = codecs.getincrementaldecoder("utf-8")()
        line = 1
        try:
            with open(path, "rb") as handle:
                # In pieces: a folder of a million imported events is hundreds of megabytes.
                for chunk in [*iter(lambda: handle.read(1 << 20), b""), b""]:
                    decoder.decode(chunk, final=not chunk)
                    line += chunk.count(b"\n")
        except UnicodeDecodeError as error:
            line += error.object.count(b"\n", 0, error.start)
            byte = error.object[error.start] if error.start < len(error.object) else 0
            raise SahelNbError(
                f"{path}: is not UTF-8 text (line {line}, byte 0x{byte:02x}); save it as "
                "UTF-8 (a spreadsheet's “CSV UTF-8”) and run again. Nothing was run; the last "
                "good report is unchanged."
            ) from None
        except OSError:
            continue  # missing or unreadable: validation says so, with the other problems


#: Parameters naming an actor of the data, checked before anything runs.
_ACTOR_PARAMETERS = ("actor_id", "focus_actor")


def _check_data(runs: list[Run], notebooks: Path | None = None) -> None:
    """Load and validate every data folder the runs read, before anything is made or run.

    With ``notebooks``, each run's actor (``actor_id``, ``focus_actor``) and
    assessment, as given or as its notebook's default, must be in the data
    and in ``analysis/``: a misspelt id is said once, with suggestions, not
    found by every notebook that takes it, one failed run each.

    Raises
    ------
    DataValidationError
        A folder has problems: all of them, as ``sahel-nb validate`` lists them.
    SahelNbError
        A table file is not UTF-8 text (which file, in one line).
    ParameterError
        An actor or assessment a run names is not there.
    """
    from .assessment import find_assessment
    from .data import load_dataset
    from .network import check_actor

    datasets = {}
    for folder in dict.fromkeys(_data_dir(run) for run in runs):
        if folder.is_dir():
            _check_utf8(folder)
        datasets[folder] = load_dataset(folder)
    if notebooks is None:
        return
    problems = []
    for run in runs:
        path = notebooks / f"{run.notebook}.ipynb"
        for name in (*_ACTOR_PARAMETERS, "assessment"):
            value = run.parameters[name] if name in run.parameters else _default(path, name)
            if not isinstance(value, str):
                continue
            try:
                if name == "assessment":
                    find_assessment(value, _data_dir(run))
                else:
                    check_actor(datasets[_data_dir(run)], value)
            except SahelNbError as error:
                said = str(error)
                problems.append(said if said.startswith(name) else f"{name}: {said}")
    if problems:
        raise ParameterError("\n".join(dict.fromkeys(problems)))


def _links(runs: list[Run], notebooks: Path, data_dir: Path) -> dict:
    """What pages link to: profile pages by actor name (from the runs), sources by short name."""
    import pandas as pd

    from .linking import source_links

    names = {}
    actors_csv = data_dir / TABLES["actors"].file
    if actors_csv.is_file():
        # pandas, not the csv module: a valid description may be longer than csv's
        # field limit (131,072 characters).
        frame = pd.read_csv(
            actors_csv, dtype=str, keep_default_na=False, usecols=["actor_id", "name"]
        )
        names = dict(zip(frame["actor_id"], frame["name"], strict=True))
    actors: dict[str, str] = {}
    for run in runs:
        if run.notebook != PROFILE_NOTEBOOK:
            continue
        actor_id = run.parameters.get("actor_id")
        if actor_id is None:
            actor_id = _default(notebooks / f"{run.notebook}.ipynb", "actor_id")
        name = names.get(actor_id)
        if name and name not in actors:  # the first profile of an actor is the one linked
            actors[name] = f"../{run.name}/{run.name}.html"
    sources_csv = data_dir / TABLES["sources"].file
    sources = source_links(pd.read_csv(sources_csv, dtype=str)) if sources_csv.is_file() else {}
    return {"actors": actors, "sources": sources}


def _default(notebook: Path, name: str):
    """A parameter's default as the notebook's parameters cell writes it (None if not a literal)."""
    import papermill

    spec = papermill.inspect_notebook(str(notebook)).get(name)
    try:
        return ast.literal_eval(spec["default"]) if spec else None
    except (ValueError, SyntaxError):
        return None


@dataclass
class _Plan:
    run: Run
    parts: dict
    key: str
    reason: str
    #: The last published run's outcome of this name, when it is reused.
    reuse: dict | None = None


def _plan(runs, notebooks, data_dir, data_sha, links, previous, force) -> list[_Plan]:
    """Each run's key, and whether the last published run already made it (and why not)."""
    before = {o["name"]: o for o in previous[1].get("runs", [])} if previous else {}
    plans = []
    for run in runs:
        run_data = absolute(run.parameters.get("data_dir") or data_dir)
        parts = key_parts(
            notebooks / f"{run.notebook}.ipynb",
            run.parameters,
            run_data,
            links["actors"],
            data_sha=data_sha if run_data == data_dir else None,
        )
        key = run_key(parts)
        old = before.get(run.name)
        if force:
            plans.append(_Plan(run, parts, key, "--force: every run executed"))
        elif (
            old
            and old.get("status") == "ok"
            and old.get("key") == key
            and (previous[0] / run.name).is_dir()
        ):
            reason = f"unchanged since report {old.get('computed_by', previous[1]['run_id'])}"
            plans.append(_Plan(run, parts, key, reason, old))
        elif old and not old.get("key_parts"):
            reason = "the last published run recorded no key (made before runs were reused)"
            plans.append(_Plan(run, parts, key, reason))
        else:
            plans.append(_Plan(run, parts, key, explain(old and old.get("key_parts"), parts)))
    return plans


def _execute_all(runs, notebooks, staging, jobs, timeout, log, bar, links) -> list[dict]:
    """Run every notebook in its own process, at most ``jobs`` at once; outcomes in run order."""
    # Separate processes: papermill's cwd handling is not thread-safe (#473).
    context = multiprocessing.get_context("spawn")
    data_env = os.environ.get(DATA_ENV_VAR, "").strip()
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=worker_start,
        initargs=(os.getpid(), str(absolute(data_env)) if data_env else None),
    )
    outcomes, broken = [], False
    try:
        with bar:
            futures = {
                pool.submit(_execute, run, str(notebooks), str(staging), timeout, links): run
                for run in runs
            }
            for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
                try:
                    outcome = future.result()
                except concurrent.futures.process.BrokenProcessPool:
                    # A worker killed from outside (the kernel's out-of-memory killer,
                    # kill -9): its run and those still waiting fail, said in words.
                    run, broken = futures[future], True
                    outcome = {
                        "name": run.name, "notebook": run.notebook,
                        "parameters": run.parameters, "defaults": [], "status": "failed",
                        "error": "a notebook's worker process was killed from outside (out "
                        "of memory, or kill -9) before this run finished; run again, with "
                        "--jobs 1 if memory is short",
                        "seconds": 0,
                    }  # fmt: skip
                outcomes.append(outcome)
                detail = (
                    f"{outcome['seconds']} s" if outcome["status"] == "ok" else outcome["error"]
                )
                log(f"[{done}/{len(runs)}] {outcome['name']}: {outcome['status']} ({detail})")
                bar.update()
    except BaseException:
        # Stopped or broken: workers and kernels stop now, not when their notebooks end.
        stop_workers(pool)
        raise
    if broken:
        stop_workers(pool)  # the others, with their kernels: the pool cannot run again
    else:
        pool.shutdown()
    order = {run.name: i for i, run in enumerate(runs)}
    return sorted(outcomes, key=lambda o: order[o["name"]])


def _new_run_id() -> str:
    # Time first so runs sort by age; pid and random bits so two runs never share a folder.
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}-{secrets.token_hex(2)}"


def _same_data(data_dir: Path, data_sha: str) -> None:
    """Refuse to publish pages read from a data folder that changed while they were made."""
    if data_checksum(data_dir) != data_sha:
        raise RunFailed(
            f"the data in {data_dir} changed while the report ran (an import or an edit): "
            "its pages would mix two states of the data, so nothing was published and the "
            "last good report is unchanged; run the report again"
        )


def _conclude(out, staging, run_id, runs, outcomes, manifest, keep, log, stopper) -> Path:
    """Publish a finished run as ``latest``, or keep it as ``failed-<run id>`` and say why.

    Publishing and pruning hold the folder's lock: a run pruning never removes
    one between its rename and its link switch, and ``latest`` always names a
    whole run. A stop signal meanwhile waits until ``latest`` is switched.
    """
    failed = [o for o in outcomes if o["status"] != "ok"]
    if failed:
        kept = out / f"failed-{run_id}"
        with stopper.holding():
            staging.rename(kept)
        if keep is not None:
            # A nightly run failing for a week must not fill the disk: the older failed
            # runs go too (the published ones only when a run publishes).
            with publish_lock(out, log):
                pruned = _prune(out, keep, failed_only=True)
            for name in pruned:
                log(f"pruned old failed run {name}")
        lines = [f"{o['notebook']} ({o['name']}): {o['error']}" for o in failed]
        raise RunFailed(
            f"{len(failed)} of {len(runs)} notebook run(s) failed; the last good report is "
            f"unchanged and this run's output is in {kept}:\n  " + "\n  ".join(lines)
        )
    published = out / run_id
    with publish_lock(out, log), stopper.deferred(published):
        staging.rename(published)
        _publish_latest(out, run_id)
        pruned = _prune(out, keep) if keep is not None else []
    for name in pruned:
        log(f"pruned old run {name}")
    log(
        f"published {published.name} as latest ({manifest['seconds']} s; "
        f"{manifest['executed']} executed, {manifest['reused']} reused)"
    )
    return published


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def _logger(log, bar):
    if log is not None:
        return log
    return tqdm.write if not bar.disable else _stderr


def _open_build(out: Path, log, source: Path | None = None) -> tuple[str, Path]:
    """This run's id and build folder in ``out`` (made, or ``source`` moved there), claimed.

    What killed runs left in ``out`` is removed first.
    """
    staging = None
    try:
        out.mkdir(parents=True, exist_ok=True)
        with publish_lock(out, log):
            remove_leftovers(out, log)
        run_id = _new_run_id()
        staging = out / f"{BUILD_PREFIX}{run_id}"
        if source is None:
            staging.mkdir()
        else:
            source.rename(staging)  # on the same file system as out: one rename, as for a run
        claim(staging)
    except OSError as error:
        if staging is not None and source is None:
            shutil.rmtree(staging, ignore_errors=True)
        raise os_error(error, out) from None
    return run_id, staging


def _give_up(error: BaseException, out: Path, staging, stopper) -> BaseException:
    """Keep an unfinished run as ``failed-<run id>`` (``latest`` untouched); what to raise.

    Kept, not removed, whatever stopped it (a failing notebook, Ctrl-C,
    SIGTERM, SIGHUP, a full disk): what it made helps to see why. An
    operating system's refusal becomes one line; a signal, :class:`RunStopped`.
    """
    kept = None
    with stopper.holding():
        if staging is not None and staging.exists():
            kept = out / f"failed-{staging.name.removeprefix(BUILD_PREFIX)}"
            try:
                staging.rename(kept)
            except OSError:
                shutil.rmtree(staging, ignore_errors=True)
                kept = None
    if stopper.signum is not None and not isinstance(error, RunStopped):
        # Workers stopped by the same Ctrl-C may break the pool before the signal is seen here.
        error = RunStopped(stopper.signum)
    if isinstance(error, RunStopped):
        error.kept = kept if error.published is None else None
    elif isinstance(error, OSError):
        return os_error(error, out)
    return error


def run_reports(
    runs: list[Run],
    notebooks: Path,
    *,
    out: Path | None = None,
    jobs: int | None = None,
    timeout: int = 600,
    keep: int | None = None,
    log=None,
    force: bool = False,
) -> Path:
    """Execute ``runs`` in parallel processes and publish them as ``<out>/latest``.

    Every data folder the runs read is loaded and validated first: invalid
    data raises :class:`~sahel_nb.exceptions.DataValidationError` (every
    problem) before anything is made. A run whose key (its notebook's cells,
    its parameters, the data folder's checksum, requirements.lock,
    sahel_nb's own code and the profile pages its links point to; see
    :mod:`sahel_nb.runkey`) matches the last published run's is not executed
    again: its folder is linked into the new run. ``force=True`` executes
    every run. The manifest says of each run whether it was executed or
    reused, and why.

    The run is built in a hidden folder beside the published ones, with a
    compressed snapshot of the data, ``changes.html`` (what changed since
    the last published run), PDFs of the pages runs ask for, and an index
    with the pages' titles, lead sentences and an offline search. Only when
    every notebook succeeded is it renamed to its run id and ``latest``
    switched to it, under a lock that runs into the same ``out`` share;
    otherwise it is kept as ``failed-<run id>`` and :class:`RunFailed` names
    each failing notebook and cell. SIGTERM, SIGINT and SIGHUP stop the
    workers and kernels, keep the run as ``failed-<run id>`` and raise
    :class:`RunStopped`; a disk that is full or read-only raises
    :class:`RunFailed` saying so. Build folders of runs killed outright are
    removed by the next run. Returns the published folder.

    Progress goes to ``log`` (one line per event) when given; otherwise to
    standard error, as a progress bar with a line per notebook on a
    terminal and as plain lines elsewhere (cron mail, CI logs).
    """
    notebooks = absolute(notebooks)
    out = absolute(out if out is not None else REPORTS_DIR)
    _check_data(runs, notebooks)
    jobs = jobs or os.cpu_count() or 1
    started = time.monotonic()
    bar, staging = None, None
    with stoppable() as stopper:
        try:
            run_id, staging = _open_build(out, log or _stderr)
            data_dir = _data_dir(runs[0])
            data_sha = data_checksum(data_dir)
            links = _links(runs, notebooks, data_dir)
            bar = tqdm(
                total=0,
                unit="notebook",
                file=sys.stderr,
                disable=log is not None or not sys.stderr.isatty(),
                dynamic_ncols=True,
            )
            log = _logger(log, bar)
            outcomes = {}
            # Shared: a run pruning waits until the folders reused here are linked.
            with publish_lock(out, log, shared=True):
                previous = _published(out)
                plans = _plan(runs, notebooks, data_dir, data_sha, links, previous, force)
                to_execute = [plan.run for plan in plans if plan.reuse is None]
                bar.total = len(to_execute)
                log(
                    f"report {run_id}: {len(to_execute)} notebook run(s) to execute, {jobs} at "
                    f"a time; {len(runs) - len(to_execute)} unchanged, reused"
                )
                for plan in plans:
                    if plan.reuse is not None:
                        shutil.copytree(
                            previous[0] / plan.run.name,
                            staging / plan.run.name,
                            copy_function=link_or_copy,
                            symlinks=True,
                        )
                        outcomes[plan.run.name] = {
                            **plan.reuse,
                            "action": "reused",
                            "reason": plan.reason,
                        }
                        log(f"{plan.run.name}: reused ({plan.reason})")
            for plan in plans:
                if plan.reuse is None:
                    log(f"{plan.run.name}: to execute ({plan.reason})")
            executed = (
                _execute_all(to_execute, notebooks, staging, jobs, timeout, log, bar, links)
                if to_execute
                else []
            )
            by_name = {plan.run.name: plan for plan in plans}
            for outcome in executed:
                plan = by_name[outcome["name"]]
                outcome.update(
                    action="executed",
                    reason=plan.reason,
                    key=plan.key,
                    key_parts=plan.parts,
                    computed_by=run_id,
                )
                outcomes[outcome["name"]] = outcome
            ordered = [outcomes[run.name] for run in runs]
            _same_data(data_dir, data_sha)
            manifest = assemble(
                staging, run_id, runs, ordered, data_dir, data_sha, previous, log, started
            )
            return _conclude(out, staging, run_id, runs, ordered, manifest, keep, log, stopper)
        except BaseException as error:
            if bar is not None:
                bar.close()
            replacement = _give_up(error, out, staging, stopper)
            if replacement is error:
                raise
            raise replacement from None


def publish_executed(
    runs: list[Run],
    notebooks: Path,
    folder: str | os.PathLike,
    *,
    out: Path | None = None,
    keep: int | None = None,
    log=None,
) -> Path:
    """Publish notebooks another scheduler executed (Airflow) as ``sahel-nb report`` does.

    ``folder`` holds ``<run name>/<run name>.ipynb`` for every run, executed
    with ``output_dir`` set to its own folder (what the Airflow DAG of
    ``deploy/airflow`` does). Each is rendered and linked, and the run gets
    the same snapshot, changes page, PDFs, manifest and index; it is
    published as ``<out>/latest`` only if every notebook is there, with the
    same lock, signal handling and messages as :func:`run_reports`. The
    manifest records each run's key, so a later ``sahel-nb report`` reuses
    what did not change.
    """
    notebooks = absolute(notebooks)
    out = absolute(out if out is not None else REPORTS_DIR)
    log = log or _stderr
    started = time.monotonic()
    staging = None
    with stoppable() as stopper:
        try:
            run_id, staging = _open_build(out, log, source=absolute(folder))
            data_dir = _data_dir(runs[0])
            data_sha = data_checksum(data_dir)
            links = _links(runs, notebooks, data_dir)
            previous = _published(out)
            plans = _plan(runs, notebooks, data_dir, data_sha, links, previous, True)
            outcomes = []
            for plan in plans:
                outcome = {
                    "name": plan.run.name,
                    "notebook": plan.run.notebook,
                    "parameters": plan.run.parameters,
                    "defaults": defaults_used(
                        notebooks / f"{plan.run.notebook}.ipynb", plan.run.parameters
                    ),
                    "error": None,
                    "status": "ok",
                }
                _finish(plan.run, staging / plan.run.name, outcome, links)
                outcome.update(
                    seconds=None,
                    action="executed",
                    reason="executed by another scheduler (Airflow)",
                    key=plan.key,
                    key_parts=plan.parts,
                    computed_by=run_id,
                )
                log(
                    f"{plan.run.name}: {outcome['status']}"
                    + (f" ({outcome['error']})" if outcome["error"] else "")
                )
                outcomes.append(outcome)
            manifest = assemble(
                staging, run_id, runs, outcomes, data_dir, data_sha, previous, log, started
            )
            return _conclude(out, staging, run_id, runs, outcomes, manifest, keep, log, stopper)
        except BaseException as error:
            replacement = _give_up(error, out, staging, stopper)
            if replacement is error:
                raise
            raise replacement from None
