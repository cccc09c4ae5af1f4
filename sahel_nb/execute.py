"""Re-executing the committed notebooks in place, deterministically (``make notebooks``)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat
import papermill

from .pages import write_atomically

__all__ = ["KERNEL", "refresh"]

#: The Jupyter kernel every notebook runs on (registered by ``make``).
KERNEL = "sahel-nb"

# Timestamps and durations change every run; outputs must not.
_VOLATILE_CELL_METADATA = ("papermill", "execution")


def refresh(notebook: str | Path, *, timeout: int = 600) -> Path:
    """Execute ``notebook`` with its default parameters and save it with its outputs.

    Runs with the ``sahel-nb`` kernel in the notebook's own folder, as
    JupyterLab and nbval do, through a temporary copy: a failing notebook
    leaves the committed file untouched. Run metadata (papermill's
    timestamps, per-cell timings) is dropped so that re-running unchanged
    code and data changes nothing.
    """
    path = Path(notebook).resolve()
    with tempfile.TemporaryDirectory(prefix="sahel-nb-run-") as tmp:
        executed = Path(tmp) / path.name
        papermill.execute_notebook(
            str(path),
            str(executed),
            kernel_name=KERNEL,
            cwd=str(path.parent),
            progress_bar=False,
            execution_timeout=timeout,
        )
        result = nbformat.read(executed, as_version=4)
    result.metadata.pop("papermill", None)
    for cell in result.cells:
        for key in _VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    write_atomically(path, nbformat.writes(result) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    """Refresh every notebook named on the command line."""
    for name in argv if argv is not None else sys.argv[1:]:
        print(f"executing {name}")
        refresh(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
