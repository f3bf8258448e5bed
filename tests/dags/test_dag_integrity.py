"""Every DAG file imports without errors, and news_warehouse keeps its shape."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

DAGS = PROJECT_ROOT / "dags"


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_every_dag_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    files = {Path(p).name for p in DAGS.glob("*.py")}
    assert files, "no DAG files"
    assert {Path(d.fileloc).name for d in dagbag.dags.values()} == files


def test_news_warehouse_shape(dagbag):
    dag = dagbag.dags["news_warehouse"]
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert "0 0 * * *" in str(dag.timetable)
    tasks = {t.task_id: t for t in dag.tasks}
    assert {"begin", "land", "enrich", "check_articles", "build", "validate", "publish"} <= set(tasks)
    assert all(t.retries >= 1 for tid, t in tasks.items() if tid not in ("publish", "record_failure"))
    # Every task that writes DuckDB shares the one-slot pool.
    for tid in ("begin", "land", "check_articles", "build", "validate", "publish"):
        assert tasks[tid].pool == "newswarehouse_duckdb", tid
    # Enrichment is the parallel map step: no pool, mapped over batches.
    assert tasks["enrich"].pool != "newswarehouse_duckdb"
    # Article gates run before dbt, so a quarantined article never reaches staging or marts.
    assert "check_articles" in tasks["build"].upstream_task_ids
    assert {"build", "check_articles"} <= tasks["validate"].upstream_task_ids
    outlets = {o.name for t in dag.tasks for o in t.outlets}
    assert {"newswarehouse_landed_articles", "newswarehouse_published_warehouse"} <= outlets


def test_dag_file_has_no_heavy_top_level_imports():
    """Parsing the DAG must stay cheap: spaCy, dbt, GX and DuckDB load only inside tasks."""
    code = (
        "import sys, runpy; runpy.run_path(sys.argv[1]);"
        "heavy = [m for m in ('spacy', 'dbt', 'great_expectations', 'duckdb') if m in sys.modules];"
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    proc = subprocess.run([sys.executable, "-c", code, str(DAGS / "news_warehouse.py")], env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
