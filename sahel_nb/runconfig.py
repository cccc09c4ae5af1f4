"""Report run configuration: the runs of a ``reports.yml`` and their parameters, checked."""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .dates import window_bounds
from .exceptions import ParameterError
from .paths import PROJECT_ROOT

__all__ = ["Run", "absolute", "check_runs", "default_config", "load_config", "parse_overrides"]

_TYPES = {"int": int, "float": (int, float), "str": str, "bool": bool, "list": list}
#: Parameters naming a folder the notebook reads: made absolute, since kernels run elsewhere.
_FOLDER_PARAMETERS = ("data_dir",)


def absolute(path: str | os.PathLike, base: str | os.PathLike | None = None) -> Path:
    """``path`` as an absolute path (``~`` expanded), relative paths taken from ``base`` or here.

    Kernels and workers run in other folders than the command: a relative path
    given to them would name another place (``--out reports`` read inside a run's
    folder). Symbolic links are kept, as the analyst named them.

    Examples
    --------
    >>> str(absolute("data", "/srv/sahel"))
    '/srv/sahel/data'
    >>> str(absolute("/srv/x/../reports"))
    '/srv/reports'
    """
    path = Path(path).expanduser()
    if base is not None and not path.is_absolute():
        path = Path(base) / path
    return Path(os.path.abspath(path))


def _folders_absolute(parameters: dict, base: str | os.PathLike | None = None) -> dict:
    return {
        name: str(absolute(value, base))
        if name in _FOLDER_PARAMETERS and isinstance(value, str) and value.strip()
        else value
        for name, value in parameters.items()
    }


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
    A ``data_dir`` parameter that is a relative path is read from the file's
    folder, as ``notebooks`` is.
    """
    path = absolute(path)
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ParameterError(f"{path}: cannot be read as YAML: {error}") from None
    if not isinstance(config, dict):
        raise ParameterError(
            f"{path}: is not a report configuration; it needs 'notebooks' (a folder) and "
            "'runs' (a list of runs, each with a 'notebook'), as reports.yml shows"
        )
    problems = []
    unknown = set(config) - {"notebooks", "runs"}
    if unknown:
        problems.append(f"{path}: unknown keys {sorted(map(str, unknown))}; use notebooks and runs")
    folder = config.get("notebooks", "notebooks")
    if not isinstance(folder, str):
        problems.append(f"{path}: notebooks must be a folder's name, e.g. notebooks")
        folder = "notebooks"
    notebooks = (path.parent / folder).resolve()
    entries = config.get("runs") or []
    if not isinstance(entries, list):
        problems.append(f"{path}: runs must be a list of runs, each with a 'notebook'")
        entries = []
    runs: list[Run] = []
    for number, entry in enumerate(entries, 1):
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
        if not isinstance(entry.get("parameters") or {}, dict):
            problems.append(f"{where}: parameters must be NAME: VALUE lines, e.g. base_year: 2024")
            continue
        runs.append(
            Run(
                notebook,
                str(entry.get("name", notebook)),
                _folders_absolute(dict(entry.get("parameters") or {}), path.parent),
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


#: Parameters every run is given by the run itself, never worth listing as defaults.
_RUN_FOLDERS = ("data_dir", "output_dir")


def defaults_used(notebook: Path, given: dict) -> dict:
    """The notebook's defaults a run took: each parameter not given whose default is a value.

    The index shows them beside the parameters given, so a run that leaves
    its assessment to the notebook says which one it got.
    """
    import papermill

    taken = {}
    for name, spec in papermill.inspect_notebook(str(notebook)).items():
        if name in given or name in _RUN_FOLDERS:
            continue
        try:
            default = ast.literal_eval(spec["default"])
        except (ValueError, SyntaxError):
            continue
        if default is not None:
            taken[name] = default
    return taken


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
    declares is an error. A ``data_dir`` given as a relative path is read
    from the working directory.
    """
    problems, checked = [], []
    # A bad window is said once, naming the runs it reaches (a -p start reaches them all).
    windows: dict[str, list[str]] = {}
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
                windows.setdefault(str(error), []).append(where)
        if "output_dir" in parameters:
            problems.append(f"{run.notebook}: output_dir is set by the report run itself")
        checked.append(Run(run.notebook, run.name, _folders_absolute(parameters), list(run.pdf)))
    for said, names in windows.items():
        problems.append(
            f"{names[0]}: {said}" if len(names) == 1 else f"{said} (runs: {', '.join(names)})"
        )
    for name in overrides:
        if name == "output_dir":
            problems.append("-p output_dir: set by the report run itself; use --out")
        elif name not in used and declared_by:
            listing = "; ".join(f"{nb}: {', '.join(ps)}" for nb, ps in declared_by.items())
            problems.append(f"-p {name}: no notebook run declares it (they have: {listing})")
    if problems:
        raise ParameterError("\n".join(dict.fromkeys(problems)))
    return checked


def default_config() -> Path:
    """The committed ``reports.yml`` of the clone."""
    return PROJECT_ROOT / "reports.yml"
