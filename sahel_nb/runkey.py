"""Run keys: everything a notebook run's output depends on, to reuse runs that did not change."""

from __future__ import annotations

import hashlib
import json
import sys
from functools import cache
from pathlib import Path

from .data import data_checksum
from .paths import PACKAGE_DIR, PROJECT_ROOT

__all__ = ["KEY_PARTS", "explain", "key_parts", "lock_digest", "package_digest", "run_key"]

#: What a run's key is made of, in the order :func:`explain` names them.
KEY_PARTS = ("notebook", "parameters", "data", "lock", "package", "links")

_WHY = {
    "notebook": "the notebook's cells changed",
    "parameters": "its parameters changed",
    "data": "the data changed",
    "lock": "the pinned dependencies (requirements.lock) changed",
    "package": "sahel_nb's own code changed",
    "links": "the set of actor profile pages changed",
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _notebook_digest(path: Path) -> str:
    """SHA-256 of a notebook's cell types and sources, not of its stored outputs.

    Markdown cells count too: they are the page's headings and prose. Outputs
    and metadata do not: re-executing a notebook in place (``make
    notebooks``) changes them without changing what a run would produce.
    """
    import nbformat

    cells = nbformat.read(str(path), as_version=4).cells
    return _sha(json.dumps([[c.cell_type, c.source] for c in cells]).encode())


@cache
def package_digest() -> str:
    """SHA-256 over sahel_nb's source and templates (not its bundled data, not caches)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(PACKAGE_DIR)
        if (
            not path.is_file()
            or "__pycache__" in relative.parts
            or relative.parts[0] == "_data"
            or path.suffix in {".pyc", ".pyo"}
        ):
            continue
        digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@cache
def lock_digest() -> str:
    """SHA-256 of requirements.lock and the Python version (a wheel install: Python only)."""
    lock = PROJECT_ROOT / "requirements.lock"
    pinned = lock.read_bytes() if lock.is_file() else b""
    return _sha(pinned + f"\0python {sys.version_info[:2]}".encode())


def key_parts(
    notebook: Path, parameters: dict, data_dir: Path, links: dict, *, data_sha: str | None = None
) -> dict[str, str]:
    """The digest of each thing a run depends on, by the names of :data:`KEY_PARTS`.

    ``links`` is what the runner links into pages (actor profile pages by
    actor id): a run whose page would link differently is not the same run.
    ``data_sha`` saves hashing a data folder shared by many runs again.
    """
    return {
        "notebook": _notebook_digest(notebook),
        "parameters": _sha(json.dumps(parameters, sort_keys=True, default=str).encode()),
        "data": data_sha or data_checksum(data_dir),
        "lock": lock_digest(),
        "package": package_digest(),
        "links": _sha(json.dumps(links, sort_keys=True).encode()),
    }


def run_key(parts: dict[str, str]) -> str:
    """One SHA-256 over the parts: two runs with equal keys produce the same output."""
    return _sha(json.dumps(parts, sort_keys=True).encode())


def explain(old: dict | None, new: dict[str, str]) -> str:
    """Why a run is executed again: each part that differs from the last published run's.

    Examples
    --------
    >>> explain({"data": "a", "lock": "b"}, {"data": "c", "lock": "b"})
    'the data changed'
    >>> explain(None, {"data": "c"})
    'no earlier published run of this name'
    """
    if not old:
        return "no earlier published run of this name"
    changed = [_WHY.get(name, name) for name in new if old.get(name) != new[name]]
    return "; ".join(changed) or "unchanged"
