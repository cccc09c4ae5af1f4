"""What a report run adds once its notebooks are done: PDFs, data snapshot, changes, index."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from importlib.metadata import version
from pathlib import Path

from .changes import (
    SNAPSHOT_DIR,
    Changes,
    TableChanges,
    compare,
    judgments_to_review,
    write_snapshot,
)
from .exceptions import SahelNbError
from .pages import render, script_json, write_atomically
from .runconfig import Run
from .runfolders import publish_lock
from .runpages import SEARCH_FILE
from .schema import TABLES

__all__ = ["assemble", "link_or_copy"]


def _shown(folder: Path) -> str:
    """A folder as the manifest names it, without the machine's folders.

    ``~/…`` under the home folder (no user's name), relative to where the
    report was run from when under it, else ``…/`` and its own name: a
    published report is read elsewhere, and its data is known by its checksum.

    Examples
    --------
    >>> _shown(Path("/srv/analysts/data")) if not Path.cwd().is_relative_to("/srv") else "…/data"
    '…/data'
    """
    for base, prefix in ((Path.home(), "~/"), (Path.cwd(), "")):
        try:
            return prefix + folder.relative_to(base).as_posix()
        except (ValueError, RuntimeError, KeyError):
            continue
    return f"…/{folder.name}"


def link_or_copy(source: str, target: str) -> None:
    """Hard-link ``source`` as ``target`` (a copy across file systems); for ``copytree``.

    A link costs nothing, and every file of a run is replaced, never edited
    in place, so a later run cannot change an earlier report through it.
    """
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _pdfs(runs: list[Run], folder: Path, log) -> str | None:
    """Print the PDF pages runs ask for and do not have yet; say why, never fail the report."""
    from .pdf import to_pdf

    wanted = [
        (folder / run.name / page, (folder / run.name / page).with_suffix(".pdf"))
        for run in runs
        for page in run.pdf
        if (folder / run.name / page).is_file()
        and not (folder / run.name / page).with_suffix(".pdf").exists()
    ]
    if not wanted:
        return None
    try:
        # Links between pages are made relative to the PDF: the build folder is renamed.
        for pdf in to_pdf(wanted, root=folder):
            log(f"PDF {pdf.relative_to(folder).as_posix()}")
    except SahelNbError as error:
        log(str(error))
        return str(error)
    except Exception as error:  # a browser that crashed mid-way: the HTML report still stands
        problem = f"PDF not made: {type(error).__name__}: {str(error).splitlines()[0]}"
        log(problem)
        return problem
    return None


def _changes(staging: Path, data_dir: Path, data_sha: str, previous, log) -> tuple[Changes, str]:
    """Keep this run's data snapshot and compare it with the last published run's.

    Called with the folder of runs' lock shared: the last run is not pruned meanwhile.
    """
    target = staging / SNAPSHOT_DIR
    old = previous[0] / SNAPSHOT_DIR if previous else None
    old = old if old is not None and old.is_dir() else None
    previous_id = previous[1]["run_id"] if previous else None
    if old is not None and previous[1].get("data_sha256") == data_sha:
        shutil.copytree(old, target, copy_function=link_or_copy)
        empty = [TableChanges(name, table.id_column) for name, table in TABLES.items()]
        return Changes(previous_id, empty), ""
    write_snapshot(data_dir, target)
    if previous is None:
        return Changes(None), ""
    if old is None:
        return Changes(None), (
            f"Report {previous_id} kept no data snapshot (it was made before snapshots "
            "were kept): nothing to compare with."
        )
    try:
        return compare(old, data_dir, previous_run=previous_id), ""
    except SahelNbError as error:
        log(f"changes page: {error}")
        return Changes(None), f"Could not compare with report {previous_id}: {error}"


def _pdf_names(run: Run) -> list[str]:
    return [f"{run.name}/{Path(page).with_suffix('.pdf')}" for page in run.pdf]


def _period(runs: list[Run]) -> str:
    windows = {(run.parameters.get("start"), run.parameters.get("end")) for run in runs}
    if windows == {(None, None)}:
        return "every date in the data"
    if len(windows) == 1:
        start, end = windows.pop()
        return f"{start or 'the first record'} to {end or 'the last record'}"
    return "set per page (see each page's parameters)"


def assemble(staging, run_id, runs, outcomes, data_dir, data_sha, previous, log, started) -> dict:
    """PDFs, data snapshot, changes page, manifest and index of a run whose notebooks are done.

    Parameters
    ----------
    staging : Path
        The run's build folder, in the folder of runs.
    run_id : str
        The run's id.
    runs, outcomes : list
        The runs and what each did (executed or reused), in the same order.
    data_dir : Path
        The data folder the run read; ``data_sha`` its checksum.
    previous : tuple or None
        The last published run (its folder and manifest), to compare with.
    log : callable
        Takes one line per event.
    started : float
        ``time.monotonic()`` when the run started.

    Returns
    -------
    dict
        The manifest written.
    """
    from .search import search_entries

    pdf_problem = _pdfs([r for r, o in zip(runs, outcomes, strict=True) if o["status"] == "ok"],
                        staging, log)  # fmt: skip
    with publish_lock(staging.parent, log, shared=True):
        changes, note = _changes(staging, data_dir, data_sha, previous, log)
    try:
        changes.to_review = judgments_to_review(data_dir)
    except SahelNbError as error:  # validated before the run; say so rather than fail
        log(f"changes page: judgments to review: {error}")
    write_atomically(
        staging / "changes.html",
        render(
            "report_changes.html.j2",
            run_id=run_id,
            changes=changes,
            note=note,
            previous_sha=previous[1].get("data_sha256", "") if previous else "",
            data_sha=data_sha,
        ),
    )
    manifest = {
        "run_id": run_id,
        "sahel_nb_version": version("sahel-nb"),
        "data_dir": _shown(data_dir),
        "data_sha256": data_sha,
        "seconds": round(time.monotonic() - started, 2),
        "executed": sum(o.get("action") == "executed" for o in outcomes),
        "reused": sum(o.get("action") == "reused" for o in outcomes),
        "changes": {**changes.summary(), "sentence": note or changes.sentence()},
        "pdf_problem": pdf_problem,
        "runs": outcomes,
    }
    write_atomically(staging / "manifest.json", json.dumps(manifest, indent=1) + "\n")
    entries, search = [], []
    for run, outcome in zip(runs, outcomes, strict=True):
        run_dir = staging / outcome["name"]
        files = sorted(
            p.relative_to(staging).as_posix()
            for p in run_dir.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )
        page = outcome.get("page") or f"{outcome['name']}/{outcome['name']}.html"
        title = outcome.get("title") or outcome["name"]
        if sum(r.notebook == run.notebook for r in runs) > 1:
            title += f" ({outcome['name']})"  # two runs of one notebook: tell them apart
        entries.append(
            {
                **outcome,
                "title": title,
                "lead": outcome.get("lead", ""),
                "page": page if page in files else None,
                "files": [f for f in files if f != page],
                "pdfs": [pdf for pdf in _pdf_names(run) if pdf in files],
                "computed_by": outcome.get("computed_by"),
            }
        )
        # A failed run may have no search file: its pages are listed, not searched.
        with contextlib.suppress(OSError, ValueError):
            search += json.loads((run_dir / SEARCH_FILE).read_text(encoding="utf-8"))
    search += search_entries(staging, ["changes.html"])
    write_atomically(
        staging / "index.html",
        render(
            "report_index.html.j2",
            manifest=manifest,
            entries=entries,
            period=_period(runs),
            changes_sentence=note or changes.sentence(),
            search_json=script_json(search),
        ),
    )
    return manifest
