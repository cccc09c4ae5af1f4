"""Notebook hygiene, and the notebooks running under papermill with other parameters."""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_first_among_code_cells(path):
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    tagged = [i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_uses_the_sahel_nb_kernel_and_is_executed(path):
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata.kernelspec.name == "sahel-nb"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    # nbval never compares a cell whose execution_count is null: run `make notebooks`.
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_starts_with_title_intro_and_the_generated_parameter_table(path):
    from sahel_nb.execute import parameter_table

    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    assert len(cells[0].source.split("\n\n")) >= 2  # a title, then what it answers
    assert "parameter-table" in cells[1].metadata.get("tags", [])
    # Generated from the parameters cell by `make notebooks`, never typed twice.
    assert cells[1].source == parameter_table(path)
    assert "parameters" in cells[2].metadata.get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_output_over_a_megabyte(path):
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            assert len(json.dumps(output)) < 1_000_000


@pytest.mark.notebook
def test_alliance_network_runs_with_other_parameters(tmp_path):
    out = tmp_path / "out"
    papermill.execute_notebook(
        str(Path(__file__).parents[1] / "notebooks" / "alliance_network.ipynb"),
        str(tmp_path / "run.ipynb"),
        parameters={"focus_actor": "belmokhtar", "end": "2006", "output_dir": str(out)},
        kernel_name="sahel-nb",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "key_actors.html",
        "network.gexf",
        "network.graphml",
        "network.html",
    ]
    html = (out / "network.html").read_text(encoding="utf-8")
    assert "Mokhtar Belmokhtar" in html and "within 1 tie(s) of belmokhtar" in html
    assert "Mokhtar Belmokhtar" in (out / "key_actors.html").read_text(encoding="utf-8")


@pytest.mark.notebook
def test_ransom_flows_runs_with_a_base_year_and_exports_safe_tables(tmp_path):
    out = tmp_path / "out"
    papermill.execute_notebook(
        str(Path(__file__).parents[1] / "notebooks" / "ransom_flows.ipynb"),
        str(tmp_path / "run.ipynb"),
        parameters={"base_year": 2024, "output_dir": str(out)},
        kernel_name="sahel-nb",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    assert {"ransoms.csv", "by_payer.csv", "in_kind.csv", "tables.xlsx", "flows.html"} <= {
        p.name for p in out.iterdir()
    }
    with open(out / "ransoms.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # Every report of the 2003 ransom (a denial and a dispute among them) is one payment,
    # with the range of its first tellers' figures, on one row for the kidnapping.
    from sahel_nb import load_dataset
    from sahel_nb.flows import to_usd

    flows = load_dataset().flows
    told = flows[flows["claim_id"] == "c-2003-german-ransom"]
    (row,) = [r for r in rows if r["claim_id"] == "c-2003-german-ransom"]
    assert row["date"] == "2003-02/2003-03"  # the best-graded report of the kidnapping
    assert (row["payment_status"], row["agreement"], row["reports"]) == (
        "alleged",
        "contested",
        str(len(told)),
    )
    # Guitta's $7.3M names no teller: listed beside the range, not in it.
    assert float(row["usd_high"]) == pytest.approx(to_usd(4_600_000, "EUR", 2003))
    assert float(row["usd_2024_high"]) == pytest.approx(
        to_usd(4_600_000, "EUR", 2003, base_year=2024)
    )
    assert "denied by Amadou Baba Touré (in BBC News 2003" in row["reported_as"]
    assert "Tuareg leader who mediated in 2003: amount unknown" in row["intermediaries"]


def _nbval(notebooks: Path, data: Path, reports: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SAHEL_NB_DATA": str(data), "SAHEL_NB_REPORTS": str(reports)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-kernel-name", "sahel-nb",
         "--nbval-sanitize-with", str(notebooks / "sanitize.cfg"), "-p", "no:cacheprovider",
         "-q", str(notebooks)],
        capture_output=True, text=True, cwd=notebooks.parent, env=env,
    )  # fmt: skip


@pytest.mark.notebook
def test_nbval_fails_when_one_curated_amount_changes(tmp_path):
    root = Path(__file__).parents[1]
    shutil.copytree(root / "notebooks", tmp_path / "notebooks")
    shutil.copytree(root / "data", tmp_path / "data")
    # Control: the committed outputs match today's data, in the copy too.
    control = _nbval(tmp_path / "notebooks", tmp_path / "data", tmp_path / "reports")
    assert control.returncode == 0, control.stdout[-2000:]
    flows = tmp_path / "data" / "flows.csv"
    flows.write_text(flows.read_text(encoding="utf-8").replace(",7300000,", ",7400000,"))
    changed = _nbval(tmp_path / "notebooks", tmp_path / "data", tmp_path / "reports")
    assert changed.returncode != 0
    # The failure names the notebook and shows the new figure as the tables print it.
    assert "ransom_flows.ipynb" in changed.stdout and "7,400,000" in changed.stdout
    assert "alliance_network.ipynb::Cell" not in changed.stdout.split("short test summary")[-1]


@pytest.mark.notebook
def test_a_run_stops_its_kernel_outright_and_keeps_every_output_and_file(tmp_path):
    from sahel_nb.execute import refresh

    notebook = nbformat.v4.new_notebook()
    notebook.metadata.kernelspec = {
        "name": "sahel-nb",
        "display_name": "sahel-nb",
        "language": "python",
    }
    notebook.metadata.language_info = {"name": "python"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# A run\n\nWhat a run keeps."),
        nbformat.v4.new_code_cell(
            "rows = 3  # how many lines to write", metadata={"tags": ["parameters"]}
        ),
        nbformat.v4.new_code_cell(
            "import atexit, os\n"
            "atexit.register(lambda: open('exited.txt', 'w').close())\n"
            "with open('kernel.pid', 'w') as handle:\n"
            "    handle.write(str(os.getpid()))\n"
            "with open('written.txt', 'w') as handle:\n"
            "    handle.write('line\\n' * rows)\n"
            "print('last cell done')"
        ),
    ]
    path = tmp_path / "run.ipynb"
    nbformat.write(notebook, path)
    refresh(path)
    last = nbformat.read(path, as_version=4).cells[-1]
    assert [o.get("text") for o in last.outputs] == ["last cell done\n"]
    assert (tmp_path / "written.txt").read_text() == "line\n" * 3
    # Stopped outright (sahel_nb.paths.KERNEL_RUN): no graceful exit ran its
    # atexit handlers, and the kernel is gone, not left running.
    assert not (tmp_path / "exited.txt").exists()
    pid = int((tmp_path / "kernel.pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
