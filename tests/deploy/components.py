"""The deployment's shape, in one place: docker-compose.yml must match it
(``test_compose.py``) and the topology test starts exactly these processes
(``test_topology.py``), so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

DUCKDB_POOL = "newswarehouse_duckdb"
DUCKDB_POOL_SLOTS = 1
DUCKDB_POOL_DESCRIPTION = "one DuckDB writer at a time"


@dataclass(frozen=True)
class Component:
    service: str  # docker compose service name
    command: tuple[str, ...]  # the `airflow` subcommand the service runs
    in_topology_test: bool = True
    why_not_in_test: str = ""


COMPONENTS: tuple[Component, ...] = (
    Component("airflow-apiserver", ("api-server",)),
    Component("airflow-scheduler", ("scheduler",)),
    Component("airflow-dag-processor", ("dag-processor",)),
    Component(
        "airflow-triggerer",
        ("triggerer",),
        in_topology_test=False,
        why_not_in_test="no DAG defers a task; the triggerer would sit idle",
    ),
    Component("airflow-worker", ("celery", "worker")),
)

# Backing services: compose service name -> its role.
BACKING_SERVICES = {"postgres": "metadata database", "redis": "Celery broker"}

# `airflow <args>` run once, in order, before the components start (compose: airflow-init).
INIT_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("db", "migrate"),
    ("pools", "set", DUCKDB_POOL, str(DUCKDB_POOL_SLOTS), DUCKDB_POOL_DESCRIPTION),
)

# Same value in the compose file and in the topology test.
FIXED_ENV: dict[str, str] = {
    "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
    "AIRFLOW__CORE__AUTH_MANAGER": "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
    "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "True",
}

# Set in both, with values that depend on where the deployment runs.
DEPLOYMENT_ENV_KEYS: tuple[str, ...] = (
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__CELERY__BROKER_URL",
    "AIRFLOW__CELERY__RESULT_BACKEND",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
    "AIRFLOW__API__BASE_URL",
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__API__SECRET_KEY",
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__CORE__DAGS_FOLDER",
    "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS",
    "AIRFLOW__CELERY__WORKER_CONCURRENCY",
    "NEWSWH_INBOX",
    "NEWSWH_WAREHOUSE",
    "NEWSWH_HOME",
    "NEWSWH_SPACY_MODEL",
    "NEWSWH_ENRICH_BATCH_SIZE",
    "NEWSWH_ENRICH_PROCESSES",
)

# Only the api-server reads the simple auth manager's password file.
API_SERVER_ONLY_ENV_KEYS: tuple[str, ...] = ("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE",)

# Settings that must be absolute paths on storage every Airflow service shares.
SHARED_PATH_ENV_KEYS: tuple[str, ...] = ("NEWSWH_INBOX", "NEWSWH_WAREHOUSE", "NEWSWH_HOME")
