"""Where the curated data and the project's folders are, defined once."""

from __future__ import annotations

import os
from pathlib import Path

from .exceptions import ParameterError

__all__ = [
    "ANALYSIS_ENV_VAR",
    "ASSESSMENT_SUFFIXES",
    "DATA_ENV_VAR",
    "KERNEL",
    "KERNEL_RUN",
    "NOTEBOOKS_DIR",
    "PROJECT_ROOT",
    "REPORTS_DIR",
    "REPORTS_ENV_VAR",
    "analysis_dir",
    "assessment_files",
    "curated_data_dir",
    "default_data_dir",
    "output_dir",
]

PACKAGE_DIR = Path(__file__).resolve().parent
# Meaningful in a clone (editable install); a wheel has no project root.
PROJECT_ROOT = PACKAGE_DIR.parent
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"

#: The Jupyter kernel every notebook runs on (registered by ``make``).
KERNEL = "sahel-nb"
#: How the product runs a notebook with papermill (``sahel-nb report``,
#: ``make notebooks``): on :data:`KERNEL`, which is stopped outright once the
#: last cell is done (nbclient's ``shutdown_kernel``). Every output and file is
#: in hand by then; a graceful stop had the kernel free each object it held,
#: over a second for the network of a 500,000-event import.
KERNEL_RUN = {"kernel_name": KERNEL, "shutdown_kernel": "immediate"}

#: Environment variable naming a data folder to use instead of the curated one.
DATA_ENV_VAR = "SAHEL_NB_DATA"
#: Environment variable naming a folder of assessments to use instead of ``analysis/``.
ANALYSIS_ENV_VAR = "SAHEL_NB_ANALYSIS"
#: Environment variable naming the folder notebooks write into by default.
REPORTS_ENV_VAR = "SAHEL_NB_REPORTS"

# A wheel carries data/ as sahel_nb/_data (pyproject.toml, force-include);
# an editable install from the clone reads data/ where it stands.
_WHEEL_DATA = PACKAGE_DIR / "_data"
_CLONE_DATA = PROJECT_ROOT / "data"
_WHEEL_ANALYSIS = PACKAGE_DIR / "_analysis"


def curated_data_dir() -> Path:
    """Return the folder of the curated CSVs shipped with the package.

    Examples
    --------
    >>> (curated_data_dir() / "actors.csv").is_file()
    True
    """
    return _WHEEL_DATA if _WHEEL_DATA.is_dir() else _CLONE_DATA


#: The endings of an assessment file (:func:`assessment_files`).
ASSESSMENT_SUFFIXES = (".yml", ".yaml")


def analysis_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Where the assessments read with a data folder are: one rule for every command.

    ``$SAHEL_NB_ANALYSIS`` when set; else the ``analysis/`` folder beside the
    data folder (``data_dir``, else :func:`default_data_dir`) when there is
    one; else the project's own ``analysis/`` folder.

    Examples
    --------
    >>> analysis_dir().name
    'analysis'
    """
    override = os.environ.get(ANALYSIS_ENV_VAR, "").strip()
    if override:
        return Path(override)
    data = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    beside = data.resolve().parent / "analysis"
    if beside.is_dir():
        return beside
    return _WHEEL_ANALYSIS if _WHEEL_ANALYSIS.is_dir() else PROJECT_ROOT / "analysis"


def assessment_files(folder: str | os.PathLike) -> list[Path]:
    """The assessment files of a folder (``*.yml`` and ``*.yaml``), in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if p.suffix in ASSESSMENT_SUFFIXES and p.is_file() and not p.name.startswith(".")
    )  # fmt: skip


def default_data_dir() -> Path:
    """Return ``$SAHEL_NB_DATA`` when it is set, else the curated data folder."""
    override = os.environ.get(DATA_ENV_VAR, "").strip()
    return Path(override) if override else curated_data_dir()


def output_dir(value: str | os.PathLike | None, name: str) -> Path:
    """Return where a notebook writes its files.

    ``value`` if given; else ``$SAHEL_NB_REPORTS/<name>`` if that is set; else
    ``reports/<name>`` in the clone. Outside a clone (a wheel install) there
    is no project ``reports/`` folder, and writing into the current directory
    by accident is worse than asking.
    """
    if value is not None and str(value).strip():
        return Path(value).expanduser()
    override = os.environ.get(REPORTS_ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser() / name
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return REPORTS_DIR / name
    raise ParameterError("output_dir is needed: say where the files should be written")
