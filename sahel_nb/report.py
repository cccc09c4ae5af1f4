"""Scheduled report runs: notebooks executed with papermill and published atomically."""

from __future__ import annotations

import ast
import concurrent.futures
import json
import multiprocessing
import os
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

from .data import data_checksum
from .dates import window_bounds
from .exceptions import ParameterError, SahelNbError
from .pages import render, write_atomically
from .paths import KERNEL, PROJECT_ROOT, REPORTS_DIR, default_data_dir

__all__ = [
    "Run",
    "RunFailed",
    "check_runs",
    "default_config",
    "load_config",
    "parse_overrides",
    "run_reports",
    "to_html",
]

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


def load_config(path: str | os.PathLike) -> tuple[list[Run], Path]:
    """Read a ``reports.yml``: its runs and the folder of its notebooks.

    The file holds ``notebooks`` (a folder, relative to the file; default
    ``notebooks``) and ``runs``: a list of ``{notebook, name, parameters}``,
    where ``name`` defaults to the notebook's and must be unique.
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
        extra = set(entry) - {"notebook", "name", "parameters"}
        if extra:
            problems.append(f"{where}: unknown keys {sorted(extra)}")
        notebook = str(entry["notebook"]).removesuffix(".ipynb")
        runs.append(
            Run(notebook, str(entry.get("name", notebook)), dict(entry.get("parameters") or {}))
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
        checked.append(Run(run.notebook, run.name, parameters))
    for name in overrides:
        if name == "output_dir":
            problems.append("-p output_dir: set by the report run itself; use --out")
        elif name not in used and declared_by:
            listing = "; ".join(f"{nb}: {', '.join(ps)}" for nb, ps in declared_by.items())
            problems.append(f"-p {name}: no notebook run declares it (they have: {listing})")
    if problems:
        raise ParameterError("\n".join(dict.fromkeys(problems)))
    return checked


def _execute(run: Run, notebooks: str, folder: str, timeout: int) -> dict:
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
    executed = target / f"{run.name}.ipynb"
    if executed.is_file():
        # The notebook may have written a page of that name itself (the situation
        # report's standalone page): never write over what the notebook made.
        page = next(
            name
            for name in (f"{run.name}.html", f"{run.name}.notebook.html", "notebook.html")
            if not (target / name).exists()
        )
        outcome["page"] = f"{run.name}/{page}"
        try:
            to_html(executed, target / page, title=f"{_heading(executed)} — {run.name}")
        except Exception as error:  # say the page is missing, after any earlier failure
            problem = f"HTML rendering: {type(error).__name__}: {error}"
            earlier = outcome["error"]
            outcome.update(status="failed", error=f"{earlier}; {problem}" if earlier else problem)
    outcome["seconds"] = round(time.monotonic() - started, 2)
    return outcome


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


def _index(folder: Path, manifest: dict) -> None:
    entries = []
    for outcome in manifest["runs"]:
        run_dir = folder / outcome["name"]
        files = sorted(
            p.relative_to(folder).as_posix()
            for p in run_dir.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )
        page = outcome.get("page") or f"{outcome['name']}/{outcome['name']}.html"
        entries.append(
            {
                **outcome,
                "page": page if page in files else None,
                "files": [f for f in files if f != page],
            }
        )
    write_atomically(
        folder / "index.html",
        render("report_index.html.j2", manifest=manifest, entries=entries),
    )


def _execute_all(runs, notebooks, staging, jobs, timeout, log, bar) -> list[dict]:
    """Run every notebook in its own process, at most ``jobs`` at once; outcomes in run order."""
    # Separate processes: papermill's cwd handling is not thread-safe (#473).
    context = multiprocessing.get_context("spawn")
    outcomes = []
    with bar, concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [
            pool.submit(_execute, run, str(notebooks), str(staging), timeout) for run in runs
        ]
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            outcome = future.result()
            outcomes.append(outcome)
            detail = f"{outcome['seconds']} s" if outcome["status"] == "ok" else outcome["error"]
            log(f"[{done}/{len(runs)}] {outcome['name']}: {outcome['status']} ({detail})")
            bar.update()
    order = {run.name: i for i, run in enumerate(runs)}
    return sorted(outcomes, key=lambda o: order[o["name"]])


def run_reports(
    runs: list[Run],
    notebooks: Path,
    *,
    out: Path | None = None,
    jobs: int | None = None,
    timeout: int = 600,
    keep: int | None = None,
    log=None,
) -> Path:
    """Execute ``runs`` in parallel processes and publish them as ``<out>/latest``.

    The run is built in a hidden folder beside the published ones. Only when
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
    # Time first so runs sort by age; pid and random bits so two runs never share a folder.
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}-{secrets.token_hex(2)}"
    staging = out / f".building-{run_id}"
    staging.mkdir()
    jobs = jobs or os.cpu_count() or 1
    bar = tqdm(
        total=len(runs),
        unit="notebook",
        file=sys.stderr,
        disable=log is not None or not sys.stderr.isatty(),
        dynamic_ncols=True,
    )
    if log is None:
        log = tqdm.write if not bar.disable else lambda line: print(line, file=sys.stderr)
    log(f"report {run_id}: {len(runs)} notebook run(s), {jobs} at a time")
    started = time.monotonic()
    try:
        outcomes = _execute_all(runs, notebooks, staging, jobs, timeout, log, bar)
        data_dir = Path(runs[0].parameters.get("data_dir") or default_data_dir())
        manifest = {
            "run_id": run_id,
            "sahel_nb_version": version("sahel-nb"),
            "data_dir": str(data_dir),
            "data_sha256": data_checksum(data_dir),
            "seconds": round(time.monotonic() - started, 2),
            "runs": outcomes,
        }
        write_atomically(staging / "manifest.json", json.dumps(manifest, indent=1) + "\n")
        _index(staging, manifest)
    except BaseException:
        # Interrupted or broken: keep what was made for diagnosis, never touch latest.
        staging.rename(out / f"failed-{run_id}")
        raise
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
    log(f"published {published.name} as latest ({manifest['seconds']} s)")
    return published


def default_config() -> Path:
    """The committed ``reports.yml`` of the clone."""
    return PROJECT_ROOT / "reports.yml"
