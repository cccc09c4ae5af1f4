"""The scheduling examples: the Airflow DAG builds one task per run of reports.yml."""

import importlib.util
import py_compile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
DAG_FILE = ROOT / "deploy" / "airflow" / "sahel_nb_reports.py"


def test_dag_file_compiles():
    py_compile.compile(str(DAG_FILE), doraise=True)


def test_dag_imports_with_one_task_per_run():
    pytest.importorskip(
        "airflow.providers.papermill",
        reason="Airflow is not installed here: pip install apache-airflow "
        "apache-airflow-providers-papermill to check the DAG",
    )
    spec = importlib.util.spec_from_file_location("sahel_nb_reports", DAG_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    runs = yaml.safe_load((ROOT / "reports.yml").read_text())["runs"]
    names = {run.get("name", run["notebook"]) for run in runs}
    assert set(module.dag.task_ids) == names | {"make_folders"}
