"""Airflow DAG: the runs of reports.yml as PapermillOperator tasks, published as `sahel-nb report` does.

For when one machine is not enough: each notebook run is its own task, which
Airflow can place on any worker. Every task writes into one staging folder of
the DAG run, beside the published reports; the last task renders, links and
indexes the executed notebooks and publishes them as `<output>/latest`, with
the same changes page, search, PDFs and manifest as `sahel-nb report`
(`sahel-nb report --executed FOLDER`). It runs only when every notebook task
succeeded, so a failed run never touches the last good report.

Set up (what `make airflow-test` does, from `deploy/airflow/requirements.lock`):
an Airflow environment with `apache-airflow-providers-papermill`, separate
from the project's `.venv`; the project's `.venv` with its `sahel-nb` kernel
(`make venv`), found through JUPYTER_PATH=<clone>/.venv/share/jupyter.
SAHEL_NB_PROJECT names the clone (default: two folders up from this file),
SAHEL_NB_AIRFLOW_OUTPUT the folder of published reports (default: the clone's
reports/, as `sahel-nb report`), on storage every worker shares.
"""

from __future__ import annotations

import os
import re
import shlex
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from airflow.providers.papermill.operators.papermill import PapermillOperator

try:  # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.sdk import DAG, task
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.decorators import task
    from airflow.operators.bash import BashOperator

PROJECT = Path(os.environ.get("SAHEL_NB_PROJECT", Path(__file__).resolve().parents[2]))
OUTPUT = os.environ.get("SAHEL_NB_AIRFLOW_OUTPUT", str(PROJECT / "reports"))
SAHEL_NB = os.environ.get("SAHEL_NB_COMMAND", str(PROJECT / ".venv" / "bin" / "sahel-nb"))
CONFIG_FILE = PROJECT / "reports.yml"
CONFIG = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
NOTEBOOKS = PROJECT / CONFIG.get("notebooks", "notebooks")
RUNS = [{**run, "name": run.get("name", run["notebook"])} for run in CONFIG["runs"]]
# One staging folder per DAG run, named from its run id (which holds ':' and '+').
STAGING = OUTPUT + "/.airflow-{{ run_id | replace(':', '') | replace('+', '') }}"


def _staging(run_id: str) -> Path:
    return Path(OUTPUT, ".airflow-" + re.sub(r"[:+]", "", run_id))


with DAG(
    dag_id="sahel_nb_reports",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["sahel-nb"],
) as dag:

    @task
    def make_folders(run_id=None) -> None:
        # papermill writes into an existing folder only.
        for run in RUNS:
            (_staging(run_id) / run["name"]).mkdir(parents=True, exist_ok=True)

    folders = make_folders()
    publish = BashOperator(
        task_id="publish",
        bash_command=(
            f"{shlex.quote(SAHEL_NB)} report --config {shlex.quote(str(CONFIG_FILE))} "
            f"--out {shlex.quote(OUTPUT)} --executed {STAGING}"
        ),
        retries=0,  # the staging folder has moved: a retry has nothing to publish
    )
    for run in RUNS:
        out = f"{STAGING}/{run['name']}"
        notebook = PapermillOperator(
            task_id=run["name"],
            input_nb=str(NOTEBOOKS / f"{run['notebook']}.ipynb"),
            output_nb=f"{out}/{run['name']}.ipynb",
            parameters={**run.get("parameters", {}), "output_dir": out},
            kernel_name="sahel-nb",  # never the notebook's stored kernelspec (papermill #251)
            execution_timeout=timedelta(minutes=30),  # a dead kernel must not hang the task
        )
        folders >> notebook >> publish
