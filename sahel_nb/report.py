"""Scheduled report runs: notebooks executed with papermill and published atomically."""

from __future__ import annotations

import ast
import concurrent.futures
import contextlib
import csv
import json
import multiprocessing
import os
import re
import secrets
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import yaml
from tqdm import tqdm

from .changes import SNAPSHOT_DIR, Changes, TableChanges, compare, write_snapshot
from .data import data_checksum
from .dates import window_bounds
from .exceptions import ParameterError, SahelNbError
from .linking import link_page, linkable
from .pages import render, script_json, write_atomically
from .paths import KERNEL, PROJECT_ROOT, REPORTS_DIR, default_data_dir
from .runkey import explain, key_parts, run_key
from .schema import TABLES

__all__ = [
    "PROFILE_NOTEBOOK",
    "Run",
    "RunFailed",
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
#: Where a run keeps the text of its pages for the index's search (reused with the run).
_SEARCH_FILE = ".search.json"

_TYPES = {"int": int, "float": (int, float), "str": str, "bool": bool, "list": list}
_TEMPLATES = Path(__file__).resolve().parent / "templates" / "nbconvert"


class RunFailed(SahelNbError):
    """A report run failed; the last good report was left as it was."""


@dataclass
class Run:
    """One notebook execution: which notebook, under what name, with which parameters."""

    notebook: str
    name: str
    parameters: dict = field(default_factory=dict)
    #: Pages of the run (file names in its folder) also printed as PDF.
    pdf: list[str] = field(default_factory=list)


def load_config(path: str | os.PathLike) -> tuple[list[Run], Path]:
    """Read a ``reports.yml``: its runs and the folder of its notebooks.

    The file holds ``notebooks`` (a folder, relative to the file; default
    ``notebooks``) and ``runs``: a list of ``{notebook, name, parameters,
    pdf}``, where ``name`` defaults to the notebook's and must be unique, and
    ``pdf`` lists pages the run writes (file names) to print as PDF too.
    """
    path = Path(path)
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ParameterError(f"{path}: cannot be read as YAML: {error}") from None
    problems = []
    unknown = set(config) - {"notebooks", "runs"}
    if unknown:
        problems.append(f"{path}: unknown keys {sorted(unknown)}; use notebooks and runs")
    notebooks = (path.parent / config.get("notebooks", "notebooks")).resolve()
    runs: list[Run] = []
    for number, entry in enumerate(config.get("runs") or [], 1):
        where = f"{path}: run {number}"
        if not isinstance(entry, dict) or "notebook" not in entry:
            problems.append(f"{where}: needs a 'notebook'")
            continue
        extra = set(entry) - {"notebook", "name", "parameters", "pdf"}
        if extra:
            problems.append(f"{where}: unknown keys {sorted(extra)}")
        pdf = entry.get("pdf") or []
        pdf = [pdf] if isinstance(pdf, str) else pdf
        if not isinstance(pdf, list) or not all(
            isinstance(page, str) and page.endswith(".html") and "/" not in page for page in pdf
        ):
            problems.append(f"{where}: pdf lists page file names of the run, e.g. [report.html]")
            pdf = []
        notebook = str(entry["notebook"]).removesuffix(".ipynb")
        runs.append(
            Run(
                notebook,
                str(entry.get("name", notebook)),
                dict(entry.get("parameters") or {}),
                list(pdf),
            )
        )
    names = [run.name for run in runs]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{path}: two runs are named {name!r}; give each a distinct name")
    if not runs and not problems:
        problems.append(f"{path}: lists no runs")
    if problems:
        raise ParameterError("\n".join(problems))
    return runs, notebooks


def _declared(notebook: Path) -> dict[str, str]:
    """Each parameter of the notebook with the type of its default ("None": any type).

    papermill infers a type only from an annotation (``count: int = 2``); our
    parameters cells are plain assignments, so the default's literal decides.
    """
    import papermill

    declared = {}
    for name, spec in papermill.inspect_notebook(str(notebook)).items():
        kind = spec["inferred_type_name"]
        if kind == "None":
            try:
                default = ast.literal_eval(spec["default"])
            except (ValueError, SyntaxError):
                default = None
            kind = "None" if default is None else type(default).__name__
        declared[name] = kind
    return declared


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """Split ``NAME=VALUE`` pairs from the command line; values stay text until checked.

    Examples
    --------
    >>> parse_overrides(["start=2003", "focus_actor=belmokhtar"])
    {'start': '2003', 'focus_actor': 'belmokhtar'}
    """
    overrides, problems = {}, []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            problems.append(f"-p {pair!r}: write NAME=VALUE, e.g. -p start=2003")
            continue
        overrides[name.strip()] = value
    if problems:
        raise ParameterError("\n".join(problems))
    return overrides


def _convert(text: str, declared_type: str):
    """Read a command-line value as the type of the notebook's default.

    A text default keeps the value as written (``-p end=2006`` stays "2006",
    not the number); other defaults read it as YAML (``none``, ``3``,
    ``[alliance/cooperation, kinship/marriage]``).
    """
    if declared_type == "str":
        return text
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def check_runs(
    runs: list[Run], notebooks: Path, overrides: dict[str, str] | None = None
) -> list[Run]:
    """Apply command-line ``overrides`` and check every parameter before anything runs.

    A notebook that does not exist, a parameter it does not declare, or a
    value of another type than its default is an error naming the notebook
    and the parameter; all of them are listed at once. Overrides are text
    (from ``-p NAME=VALUE``), read as the type of each notebook's default and
    given to every run whose notebook declares them; one that no notebook
    declares is an error.
    """
    problems, checked = [], []
    overrides = overrides or {}
    used: set[str] = set()
    declared_by: dict[str, list[str]] = {}
    for run in runs:
        path = notebooks / f"{run.notebook}.ipynb"
        if not path.is_file():
            problems.append(f"{run.name}: no notebook {path.name} in {notebooks}")
            continue
        declared = _declared(path)
        declared_by[run.notebook] = list(declared)
        parameters = dict(run.parameters)
        for name, text in overrides.items():
            # A command-line value goes to every run that can take it.
            if name in declared:
                parameters[name] = _convert(text, declared[name])
                used.add(name)
        for name, value in parameters.items():
            if name not in declared:
                known = ", ".join(declared) or "none"
                problems.append(
                    f"{run.notebook}: does not declare parameter {name!r} (it has: {known})"
                )
                continue
            expected = _TYPES.get(declared[name])
            # A None default accepts anything; bool is an int in Python, not here.
            wrong = (
                expected is not None
                and value is not None
                and (
                    not isinstance(value, expected)
                    or (expected is not bool and isinstance(value, bool))
                )
            )
            if wrong:
                problems.append(
                    f"{run.notebook}: parameter {name!r} should be "
                    f"{declared[name]}, got {type(value).__name__} {value!r}"
                )
        window = {n: parameters.get(n) for n in ("start", "end") if n in declared}
        if all(isinstance(v, str | int | None) for v in window.values()):
            try:
                window_bounds(**window)
            except ParameterError as error:
                where = run.notebook if run.name == run.notebook else f"{run.notebook} ({run.name})"
                problems.append(f"{where}: {error}")
        if "output_dir" in parameters:
            problems.append(f"{run.notebook}: output_dir is set by the report run itself")
        checked.append(Run(run.notebook, run.name, parameters, list(run.pdf)))
    for name in overrides:
        if name == "output_dir":
            problems.append("-p output_dir: set by the report run itself; use --out")
        elif name not in used and declared_by:
            listing = "; ".join(f"{nb}: {', '.join(ps)}" for nb, ps in declared_by.items())
            problems.append(f"-p {name}: no notebook run declares it (they have: {listing})")
    if problems:
        raise ParameterError("\n".join(dict.fromkeys(problems)))
    return checked


def _execute(run: Run, notebooks: str, folder: str, timeout: int, links: dict) -> dict:
    """Run one notebook in this (child) process; report what happened, never raise."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    target = Path(folder) / run.name
    target.mkdir(parents=True, exist_ok=True)
    # The kernel inherits this worker's stderr; its start-up chatter belongs in a
    # log beside the run, not on the analyst's terminal or in cron mail.
    with open(target / ".kernel.log", "ab") as log_file:
        os.dup2(log_file.fileno(), 2)
    started = time.monotonic()
    outcome = {
        "name": run.name,
        "notebook": run.notebook,
        "parameters": run.parameters,
        "error": None,
    }
    try:
        papermill.execute_notebook(
            str(Path(notebooks) / f"{run.notebook}.ipynb"),
            str(target / f"{run.name}.ipynb"),
            parameters={**run.parameters, "output_dir": str(target)},
            kernel_name=KERNEL,
            cwd=str(target),
            progress_bar=False,
            execution_timeout=timeout,
        )
        outcome["status"] = "ok"
    except PapermillExecutionError as error:
        first_line = next((line for line in error.source.splitlines() if line.strip()), "")
        cell = _code_cell_number(target / f"{run.name}.ipynb", error.source)
        outcome.update(
            status="failed",
            error=f"code cell {cell} ({first_line.strip()[:60]!r}): "
            f"{error.ename}: {error.evalue}".strip(),
        )
    except Exception as error:  # a kernel that died, a timeout: say what, not how
        outcome.update(status="failed", error=f"{type(error).__name__}: {error}")
    _finish(run, target, outcome, links)
    outcome["seconds"] = round(time.monotonic() - started, 2)
    return outcome


def _finish(run: Run, target: Path, outcome: dict, links: dict) -> None:
    """Make an executed notebook's pages: HTML, links between pages, title, lead and search text.

    Shared by the runner's workers and by :func:`publish_executed` (notebooks
    run by another scheduler). Records what it made in ``outcome``; a
    failure marks the run failed, after any earlier failure.
    """
    from .search import search_entries

    executed = target / f"{run.name}.ipynb"
    if not executed.is_file():
        if outcome.get("status") == "ok":
            outcome.update(
                status="failed",
                error=f"no executed notebook {executed.name}: its task did not run or finish",
            )
        return
    # The notebook may have written a page of that name itself (the situation
    # report's standalone page): never write over what the notebook made.
    page = next(
        name
        for name in (f"{run.name}.html", f"{run.name}.notebook.html", "notebook.html")
        if not (target / name).exists()
    )
    outcome["page"] = f"{run.name}/{page}"
    try:
        outcome["title"] = _heading(executed)
        outcome["lead"] = _lead(executed)
        to_html(executed, target / page, title=f"{outcome['title']} — {run.name}")
        pages = sorted(p for p in target.glob("*.html") if not p.name.startswith("."))
        for path in pages:
            if linkable(path):
                link_page(path, actors=links.get("actors"), sources=links.get("sources"))
        entries = search_entries(
            target.parent, [p.relative_to(target.parent).as_posix() for p in pages]
        )
        write_atomically(target / _SEARCH_FILE, json.dumps(entries, ensure_ascii=False) + "\n")
    except Exception as error:  # say the page is missing, after any earlier failure
        problem = f"HTML rendering: {type(error).__name__}: {error}"
        earlier = outcome["error"]
        outcome.update(status="failed", error=f"{earlier}; {problem}" if earlier else problem)


def _code_cell_number(executed: Path, source: str) -> int | str:
    """The failing cell as the analyst counts it: among the notebook's own code cells.

    Found by its source, since papermill's index also counts the cell it injects.
    """
    import nbformat

    try:
        cells = nbformat.read(str(executed), as_version=4).cells
    except Exception:  # an unreadable output: the quoted first line still names the cell
        return "?"
    own = [
        c
        for c in cells
        if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])
    ]
    return next((n for n, c in enumerate(own, 1) if c.source == source), "?")


def _heading(notebook: Path) -> str:
    """The notebook's first Markdown heading, its title as a reader sees it."""
    import nbformat

    for cell in nbformat.read(str(notebook), as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return notebook.stem


def _first_sentence(text: str) -> str:
    """The first sentence of a text, at most 300 characters.

    Examples
    --------
    >>> _first_sentence("AQIM holds 3 ties. It grew in 2007.")
    'AQIM holds 3 ties.'
    """
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(?=\s+[A-Z“\"(]|$)", text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= 300 else sentence[:299] + "…"


def _lead(notebook: Path) -> str:
    """A page's lead sentence: the first sentence its narrative outputs say.

    The situation report's first point, else the first paragraph written by
    ``narrative.show``; a notebook with neither gives the first sentence of
    its introduction (the Markdown under its heading).
    """
    import nbformat
    from bs4 import BeautifulSoup

    cells = nbformat.read(str(notebook), as_version=4).cells
    for cell in cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            markup = output.get("data", {}).get("text/html")
            if not markup:
                continue
            markup = "".join(markup) if isinstance(markup, list) else markup
            soup = BeautifulSoup(markup, "html.parser")
            report = soup.select_one("div.sahel-report li")
            if report is not None:
                for mark in report.select("sup"):
                    mark.decompose()
                return _first_sentence(report.get_text(" "))
            stripped = markup.strip()
            if (
                stripped.startswith("<p>")
                and stripped.endswith("</p>")
                and stripped.count("<p>") == 1
            ):
                return _first_sentence(soup.get_text(" "))
    for cell in cells:
        if cell.cell_type == "markdown":
            prose = [line for line in cell.source.splitlines() if not line.startswith("#")]
            if "".join(prose).strip():
                return _first_sentence(" ".join(prose))
    return ""


def to_html(
    notebook: str | os.PathLike, path: str | os.PathLike, *, title: str | None = None
) -> Path:
    """Render an executed notebook as an HTML page with the code hidden, that opens offline.

    nbconvert's lab template, without the scripts it loads from a CDN
    (require.js, MathJax, Mermaid, the widget manager). Outputs are
    included as the notebook holds them: HTML outputs from ``sahel_nb`` are
    escaped where they are made. The page's title is ``title``, else the
    notebook's first heading (nbconvert would say "Notebook").
    """
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        template_file=str(_TEMPLATES / "offline.html.j2"),
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    node = nbformat.read(str(notebook), as_version=4)
    node.metadata["title"] = title or _heading(Path(notebook))
    body, _ = exporter.from_notebook_node(node)
    return write_atomically(path, body)


def _publish_latest(out: Path, run_id: str) -> None:
    # A new symlink under a temporary name, renamed over the old one: readers
    # see the old report or the new one, never a half-made one.
    temporary = out / f".latest-{run_id}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(run_id, target_is_directory=True)
    os.replace(temporary, out / "latest")


def _prune(out: Path, keep: int) -> list[str]:
    latest = (out / "latest").resolve().name if (out / "latest").exists() else None
    finished = sorted(
        p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink() and p.name[:2].isdigit()
    )
    doomed = [name for name in finished[: max(len(finished) - keep, 0)] if name != latest]
    for name in doomed:
        shutil.rmtree(out / name)
    return doomed


def _published(out: Path) -> tuple[Path, dict] | None:
    """The last published run (``latest``): its folder and manifest, if there is one."""
    latest = out / "latest"
    try:
        manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return latest.resolve(), manifest


def _links(runs: list[Run], notebooks: Path, data_dir: Path) -> dict:
    """What pages link to: profile pages by actor name (from the runs), sources by short name."""
    import pandas as pd

    from .linking import source_links

    names = {}
    actors_csv = data_dir / TABLES["actors"].file
    if actors_csv.is_file():
        with open(actors_csv, encoding="utf-8", newline="") as handle:
            names = {row["actor_id"]: row["name"] for row in csv.DictReader(handle)}
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
        run_data = Path(run.parameters.get("data_dir") or data_dir)
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


def _link_or_copy(source: str, target: str) -> None:
    # A hard link costs nothing; every file is replaced (never edited in place),
    # so a later run cannot change an earlier report through it.
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
        for pdf in to_pdf(wanted):
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
    """Keep this run's data snapshot and compare it with the last published run's."""
    target = staging / SNAPSHOT_DIR
    old = previous[0] / SNAPSHOT_DIR if previous else None
    old = old if old is not None and old.is_dir() else None
    previous_id = previous[1]["run_id"] if previous else None
    if old is not None and previous[1].get("data_sha256") == data_sha:
        shutil.copytree(old, target, copy_function=_link_or_copy)
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


def _assemble(staging, run_id, runs, outcomes, data_dir, data_sha, previous, log, started):
    """PDFs, data snapshot, changes page, manifest and index of a run whose notebooks are done."""
    from .search import search_entries

    pdf_problem = _pdfs([r for r, o in zip(runs, outcomes, strict=True) if o["status"] == "ok"],
                        staging, log)  # fmt: skip
    changes, note = _changes(staging, data_dir, data_sha, previous, log)
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
        "data_dir": str(data_dir),
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
            search += json.loads((run_dir / _SEARCH_FILE).read_text(encoding="utf-8"))
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


def _execute_all(runs, notebooks, staging, jobs, timeout, log, bar, links) -> list[dict]:
    """Run every notebook in its own process, at most ``jobs`` at once; outcomes in run order."""
    # Separate processes: papermill's cwd handling is not thread-safe (#473).
    context = multiprocessing.get_context("spawn")
    outcomes = []
    with bar, concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [
            pool.submit(_execute, run, str(notebooks), str(staging), timeout, links) for run in runs
        ]
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            outcome = future.result()
            outcomes.append(outcome)
            detail = f"{outcome['seconds']} s" if outcome["status"] == "ok" else outcome["error"]
            log(f"[{done}/{len(runs)}] {outcome['name']}: {outcome['status']} ({detail})")
            bar.update()
    order = {run.name: i for i, run in enumerate(runs)}
    return sorted(outcomes, key=lambda o: order[o["name"]])


def _new_run_id() -> str:
    # Time first so runs sort by age; pid and random bits so two runs never share a folder.
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}-{secrets.token_hex(2)}"


def _conclude(out, staging, run_id, runs, outcomes, manifest, keep, log) -> Path:
    """Publish a finished run as ``latest``, or keep it as ``failed-<run id>`` and say why."""
    failed = [o for o in outcomes if o["status"] != "ok"]
    if failed:
        kept = out / f"failed-{run_id}"
        staging.rename(kept)
        lines = [f"{o['notebook']} ({o['name']}): {o['error']}" for o in failed]
        raise RunFailed(
            f"{len(failed)} of {len(runs)} notebook run(s) failed; the last good report is "
            f"unchanged and this run's output is in {kept}:\n  " + "\n  ".join(lines)
        )
    published = out / run_id
    staging.rename(published)
    _publish_latest(out, run_id)
    if keep is not None:
        for name in _prune(out, keep):
            log(f"pruned old run {name}")
    log(
        f"published {published.name} as latest ({manifest['seconds']} s; "
        f"{manifest['executed']} executed, {manifest['reused']} reused)"
    )
    return published


def _logger(log, bar):
    if log is not None:
        return log
    return tqdm.write if not bar.disable else lambda line: print(line, file=sys.stderr)


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

    A run whose key (its notebook's cells, its parameters, the data
    folder's checksum, requirements.lock, sahel_nb's own code and the
    profile pages its links point to; see :mod:`sahel_nb.runkey`) matches
    the last published run's is not executed again: its folder is linked
    into the new run. ``force=True`` executes every run. The manifest says
    of each run whether it was executed or reused, and why.

    The run is built in a hidden folder beside the published ones, with a
    compressed snapshot of the data, ``changes.html`` (what changed since
    the last published run), PDFs of the pages runs ask for, and an index
    with the pages' titles, lead sentences and an offline search. Only when
    every notebook succeeded is it renamed to its run id and ``latest``
    switched to it; otherwise it is kept as ``failed-<run id>`` and
    :class:`RunFailed` names each failing notebook and cell. Returns the
    published folder.

    Progress goes to ``log`` (one line per event) when given; otherwise to
    standard error, as a progress bar with a line per notebook on a
    terminal and as plain lines elsewhere (cron mail, CI logs).
    """
    out = Path(out) if out is not None else REPORTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    run_id = _new_run_id()
    staging = out / f".building-{run_id}"
    staging.mkdir()
    jobs = jobs or os.cpu_count() or 1
    started = time.monotonic()
    bar = None
    try:
        previous = _published(out)
        data_dir = Path(runs[0].parameters.get("data_dir") or default_data_dir())
        data_sha = data_checksum(data_dir)
        links = _links(runs, notebooks, data_dir)
        plans = _plan(runs, notebooks, data_dir, data_sha, links, previous, force)
        to_execute = [plan.run for plan in plans if plan.reuse is None]
        bar = tqdm(
            total=len(to_execute),
            unit="notebook",
            file=sys.stderr,
            disable=log is not None or not sys.stderr.isatty(),
            dynamic_ncols=True,
        )
        log = _logger(log, bar)
        log(
            f"report {run_id}: {len(to_execute)} notebook run(s) to execute, {jobs} at a time; "
            f"{len(runs) - len(to_execute)} unchanged, reused"
        )
        outcomes = {}
        for plan in plans:
            if plan.reuse is not None:
                shutil.copytree(
                    previous[0] / plan.run.name,
                    staging / plan.run.name,
                    copy_function=_link_or_copy,
                    symlinks=True,
                )
                outcomes[plan.run.name] = {**plan.reuse, "action": "reused", "reason": plan.reason}
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
        manifest = _assemble(
            staging, run_id, runs, ordered, data_dir, data_sha, previous, log, started
        )
    except BaseException:
        # Interrupted or broken: keep what was made for diagnosis, never touch latest.
        if bar is not None:
            bar.close()
        staging.rename(out / f"failed-{run_id}")
        raise
    return _conclude(out, staging, run_id, runs, ordered, manifest, keep, log)


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
    published as ``<out>/latest`` only if every notebook is there. The
    manifest records each run's key, so a later ``sahel-nb report`` reuses
    what did not change.
    """
    out = Path(out) if out is not None else REPORTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    log = log or (lambda line: print(line, file=sys.stderr))
    run_id = _new_run_id()
    staging = out / f".building-{run_id}"
    Path(folder).rename(staging)  # on the same file system as out: one rename, as for a run
    started = time.monotonic()
    try:
        previous = _published(out)
        data_dir = Path(runs[0].parameters.get("data_dir") or default_data_dir())
        data_sha = data_checksum(data_dir)
        links = _links(runs, notebooks, data_dir)
        plans = _plan(runs, notebooks, data_dir, data_sha, links, previous, True)
        outcomes = []
        for plan in plans:
            outcome = {
                "name": plan.run.name,
                "notebook": plan.run.notebook,
                "parameters": plan.run.parameters,
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
        manifest = _assemble(
            staging, run_id, runs, outcomes, data_dir, data_sha, previous, log, started
        )
    except BaseException:
        staging.rename(out / f"failed-{run_id}")
        raise
    return _conclude(out, staging, run_id, runs, outcomes, manifest, keep, log)


def default_config() -> Path:
    """The committed ``reports.yml`` of the clone."""
    return PROJECT_ROOT / "reports.yml"
