"""The scheduling examples: the Airflow DAG, run for real in its own environment by `make airflow-test`."""

import json
import os
import py_compile
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
DAG_FILE = ROOT / "deploy" / "airflow" / "sahel_nb_reports.py"
AIRFLOW_VENV = os.environ.get("SAHEL_NB_AIRFLOW_VENV")
AIRFLOW_RUN = os.environ.get("SAHEL_NB_AIRFLOW_RUN")
# Airflow lives in its own pinned environment, never in .venv: these tests run
# from `make airflow-test` (which .ci/run calls), after `airflow dags test`.
needs_airflow = pytest.mark.skipif(
    not (AIRFLOW_VENV and AIRFLOW_RUN),
    reason="the Airflow DAG is tested by `make airflow-test` (run by .ci/run)",
)


def _names() -> set[str]:
    runs = yaml.safe_load((ROOT / "reports.yml").read_text())["runs"]
    return {run.get("name", run["notebook"]) for run in runs}


def test_dag_file_compiles():
    py_compile.compile(str(DAG_FILE), doraise=True)


def test_the_airflow_lock_pins_airflow_and_the_papermill_provider():
    lock = (ROOT / "deploy" / "airflow" / "requirements.lock").read_text()
    pinned = {line.split("==")[0].lower() for line in lock.splitlines() if "==" in line}
    assert {"apache-airflow", "apache-airflow-providers-papermill", "papermill"} <= pinned
    assert all("==" in line for line in lock.splitlines() if line and not line.startswith("#"))


@pytest.mark.airflow
@needs_airflow
def test_dag_imports_with_one_task_per_run():
    probe = (
        "import importlib.util, json\n"
        f"spec = importlib.util.spec_from_file_location('dag', {str(DAG_FILE)!r})\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "print(json.dumps(sorted(module.dag.task_ids)))"
    )
    done = subprocess.run(
        [Path(AIRFLOW_VENV, "bin", "python"), "-c", probe], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    task_ids = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert task_ids == _names() | {"make_folders", "publish"}


@pytest.mark.airflow
@needs_airflow
def test_dags_test_executed_every_notebook_and_published_latest():
    reports = Path(AIRFLOW_RUN, "reports")
    latest = reports / "latest"
    manifest = json.loads((latest / "manifest.json").read_text())
    assert {r["name"] for r in manifest["runs"]} == _names()
    assert all(r["status"] == "ok" and r["action"] == "executed" for r in manifest["runs"])
    assert manifest["data_sha256"] and manifest["runs"][0]["key"]
    # Published as `sahel-nb report` publishes: pages, index, changes, snapshot, PDFs.
    assert (latest / "index.html").is_file() and (latest / "changes.html").is_file()
    assert (latest / "data-snapshot" / "events.csv.gz").is_file()
    for run in manifest["runs"]:
        assert (latest / run["page"]).is_file(), run["page"]
    assert (latest / "situation_report" / "situation_report.pdf").is_file()
    assert not list(reports.glob(".airflow-*")) and not list(reports.glob("failed-*"))
    log = Path(AIRFLOW_RUN, "dags-test.log").read_text(errors="replace")
    for name in _names():  # each notebook ran as its own task
        assert f"[DAG TEST] end task task_id={name}" in log, name
