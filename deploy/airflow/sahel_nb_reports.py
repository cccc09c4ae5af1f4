"""Airflow DAG: the runs of reports.yml as PapermillOperator tasks, for when one machine is not enough.

Install on the Airflow workers: this project (`pip install -e /path/to/sahel-notebooks`),
`apache-airflow-providers-papermill`, and the `sahel-nb` kernel
(`python -m ipykernel install --sys-prefix --name sahel-nb --env PYTHONHASHSEED 0`).
Point SAHEL_NB_PROJECT at the clone and SAHEL_NB_AIRFLOW_OUTPUT at shared storage.
Each day's runs land in <output>/<ds>/<run name>/. Unlike `sahel-nb report`, this
DAG renders no HTML and publishes no `latest`: Airflow's own retries and task
states take that role.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from airflow.providers.papermill.operators.papermill import PapermillOperator

try:  # Airflow 3
    from airflow.sdk import DAG, task
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.decorators import task

PROJECT = Path(os.environ.get("SAHEL_NB_PROJECT", Path(__file__).resolve().parents[2]))
OUTPUT = os.environ.get("SAHEL_NB_AIRFLOW_OUTPUT", str(PROJECT / "reports" / "airflow"))
CONFIG = yaml.safe_load((PROJECT / "reports.yml").read_text(encoding="utf-8"))
NOTEBOOKS = PROJECT / CONFIG.get("notebooks", "notebooks")
RUNS = [{**run, "name": run.get("name", run["notebook"])} for run in CONFIG["runs"]]

with DAG(
    dag_id="sahel_nb_reports",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["sahel-nb"],
) as dag:

    @task
    def make_folders(ds=None) -> None:
        # papermill writes into an existing folder only.
        for run in RUNS:
            Path(OUTPUT, ds, run["name"]).mkdir(parents=True, exist_ok=True)

    folders = make_folders()
    for run in RUNS:
        out = f"{OUTPUT}/{{{{ ds }}}}/{run['name']}"
        folders >> PapermillOperator(
            task_id=run["name"],
            input_nb=str(NOTEBOOKS / f"{run['notebook']}.ipynb"),
            output_nb=f"{out}/{run['name']}.ipynb",
            parameters={**run.get("parameters", {}), "output_dir": out},
            kernel_name="sahel-nb",  # never the notebook's stored kernelspec (papermill #251)
            execution_timeout=timedelta(minutes=30),  # a dead kernel must not hang the task
        )
