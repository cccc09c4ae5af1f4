"""Re-executing the committed notebooks in place, deterministically (``make notebooks``)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat
import papermill

from .pages import write_atomically
from .paths import KERNEL_RUN

__all__ = ["parameter_table", "refresh", "with_parameter_table"]


# Timestamps and durations change every run; outputs must not.
_VOLATILE_CELL_METADATA = ("papermill", "execution")


_TABLE_TAG = "parameter-table"


def parameter_table(notebook: str | Path) -> str:
    """The Markdown table of a notebook's parameters, from its ``parameters`` cell.

    Name, default and the comment after it: written once, in the cell
    papermill reads, and shown to readers from there.
    """
    rows = []
    for spec in papermill.inspect_notebook(str(notebook)).values():
        meaning = spec["help"].replace("|", "\\|")  # a pipe would end the table cell
        rows.append(f"| `{spec['name']}` | `{spec['default']}` | {meaning} |")
    head = "## Parameters\n\n| parameter | default | meaning |\n|---|---|---|\n"
    return head + "\n".join(rows)


def with_parameter_table(notebook: nbformat.NotebookNode, path: Path) -> nbformat.NotebookNode:
    """Put the generated parameter table in the markdown cell tagged ``parameter-table``.

    The cell is added just before the ``parameters`` cell if the notebook has none.
    """
    table = parameter_table(path)
    cells = notebook.cells
    tagged = [c for c in cells if _TABLE_TAG in c.metadata.get("tags", [])]
    if tagged:
        tagged[0].source = table
    else:
        at = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
        cell = nbformat.v4.new_markdown_cell(table, metadata={"tags": [_TABLE_TAG]})
        cell.id = f"{_TABLE_TAG}"
        cells.insert(at, cell)
    return notebook


def refresh(notebook: str | Path, *, timeout: int = 600) -> Path:
    """Execute ``notebook`` with its default parameters and save it with its outputs.

    Runs with the ``sahel-nb`` kernel in the notebook's own folder, as
    JupyterLab and nbval do, through a temporary copy: a failing notebook
    leaves the committed file untouched. The parameter table is regenerated
    from the ``parameters`` cell first (:func:`with_parameter_table`). Run metadata (papermill's
    timestamps, per-cell timings) is dropped so that re-running unchanged
    code and data changes nothing.
    """
    path = Path(notebook).resolve()
    with tempfile.TemporaryDirectory(prefix="sahel-nb-run-") as tmp:
        source = Path(tmp) / f"source-{path.name}"
        nbformat.write(with_parameter_table(nbformat.read(path, as_version=4), path), source)
        executed = Path(tmp) / path.name
        papermill.execute_notebook(
            str(source),
            str(executed),
            **KERNEL_RUN,
            cwd=str(path.parent),
            progress_bar=False,
            execution_timeout=timeout,
        )
        result = nbformat.read(executed, as_version=4)
    result.metadata.pop("papermill", None)
    # Widget state holds random model ids; a reader re-runs the cells to get widgets.
    result.metadata.pop("widgets", None)
    for cell in result.cells:
        for key in _VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        for output in cell.get("outputs", []):
            # A widget view names a random model id, and without the saved state
            # (dropped above) it shows nothing: keep its text form only.
            output.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
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
