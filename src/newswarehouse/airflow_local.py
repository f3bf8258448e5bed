"""A project-local Airflow for running the DAG in-process (``dag.test()``).

Airflow reads its configuration when first imported, so ``configure`` must run
before anything imports ``airflow``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newswarehouse.settings import PROJECT_ROOT, Settings

DAG_ID = "news_warehouse"


def dags_folder() -> Path:
    return Path(os.environ.get("NEWSWH_DAGS_DIR", str(PROJECT_ROOT / "dags")))


def configure(settings: Settings) -> None:
    home = settings.airflow_home
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder()),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": os.environ.get("NEWSWH_AIRFLOW_LOG_LEVEL", "WARNING"),
        "AIRFLOW__CORE__PARALLELISM": "4",
        # The DAG's tasks read these: they must see what the CLI was given.
        "NEWSWH_INBOX": str(settings.inbox),
        "NEWSWH_WAREHOUSE": str(settings.warehouse),
        "NEWSWH_HOME": str(settings.home),
        "NEWSWH_DBT_PROJECT_DIR": str(settings.dbt_project_dir),
        "NEWSWH_SPACY_MODEL": settings.spacy_model,
        "NEWSWH_MAX_FILE_BYTES": str(settings.max_file_bytes),
        "NEWSWH_ENRICH_BATCH_SIZE": str(settings.enrich_batch_size),
        "NEWSWH_ENRICH_PROCESSES": str(settings.enrich_processes),
    }
    os.environ.update(env)


def migrate_if_needed(settings: Settings) -> None:
    """``airflow db migrate`` once per Airflow version (a marker file records it)."""
    from importlib.metadata import version

    marker = settings.airflow_home / f".migrated-{version('apache-airflow-core')}"
    if marker.exists():
        return
    print("[setup] creating the local Airflow metadata database (first run only)", flush=True)
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ,
    )
    marker.touch()


def load_dag_module() -> Any:
    spec = importlib.util.spec_from_file_location("news_warehouse_dag", dags_folder() / "news_warehouse.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_dag_in_process(run_conf: dict[str, Any] | None = None, log_file: Path | None = None) -> Any:
    """Execute one run of the DAG with ``dag.test()`` (with ``run_conf`` as its conf); returns the DagRun.

    With ``log_file``, Airflow's own logging (task errors and their tracebacks)
    and everything written to stderr (by this process or its enrichment
    workers) go to that file instead of the console; the steps' progress lines
    (plain prints to stdout) stay on the console.
    """
    from airflow.models.pool import Pool

    module = load_dag_module()
    Pool.create_or_update_pool(
        module.DUCKDB_POOL, slots=1, description="one DuckDB writer at a time", include_deferred=False
    )
    if log_file is None:
        return module.dag_object.test(run_conf=run_conf)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    # Left open: Airflow may still log after the run (the CLI renames the file; the handle follows it).
    stream = log_file.open("a", encoding="utf-8", buffering=1)
    _log_to(stream)
    with _stderr_to(stream):
        return module.dag_object.test(run_conf=run_conf)


@contextlib.contextmanager
def _stderr_to(stream: Any) -> Iterator[None]:
    """Point file descriptor 2 at ``stream`` (child processes inherit it), then restore it."""
    sys.stderr.flush()
    saved = os.dup(2)
    os.dup2(stream.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _log_to(stream: Any) -> None:
    """Send structlog (the task runner's logger) and stdlib logging to ``stream``, without colours."""
    from airflow._shared.logging import configure_logging

    configure_logging(
        log_level=os.environ.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING"),
        output=stream,
        colors=False,
        cache_logger_on_first_use=False,
    )


def failed_tasks(run_id: str) -> list[str]:
    """Task ids of the run that ended failed (from the local metadata database)."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session
    from airflow.utils.state import TaskInstanceState

    with create_session() as session:
        rows = (
            session.query(TaskInstance.task_id, TaskInstance.map_index)
            .filter(TaskInstance.dag_id == DAG_ID, TaskInstance.run_id == run_id,
                    TaskInstance.state == TaskInstanceState.FAILED)
            .all()
        )
    return sorted({task_id if map_index < 0 else f"{task_id}[{map_index}]" for task_id, map_index in rows})
