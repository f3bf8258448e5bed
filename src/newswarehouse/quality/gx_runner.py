"""Validating pandas DataFrames against the suites in ``expectations/`` with Great Expectations.

The only module that imports ``great_expectations`` (~10 s): import it inside
the task that validates, never at DAG parse time or on the CLI's import path.

Each run builds a fresh in-memory GX context from the checked-in suite JSON
(so an edited suite takes effect on the next load, even in a long-lived
worker), validates one DataFrame per suite, and stores the results as JSON
under ``$NEWSWH_HOME/gx/validations`` from which the Data Docs site under
``$NEWSWH_HOME/data_docs`` is rendered. GX's SQL datasource returns nothing on
DuckDB via duckdb-engine, hence DataFrames read from DuckDB.
"""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from newswarehouse.quality.levels import level_of
from newswarehouse.settings import PROJECT_ROOT

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no usage statistics leave the machine

import great_expectations as gx
from great_expectations.core.expectation_suite import ExpectationSuite
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import DataContextConfig
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)

SUITES_DIR = Path(os.environ.get("NEWSWH_EXPECTATIONS_DIR", str(PROJECT_ROOT / "expectations" / "expectations")))
# custom_data_docs/styles/data_docs_custom_styles.css: Data Docs that read offline.
PLUGINS_DIR = PROJECT_ROOT / "expectations" / "plugins"
DATASOURCE = "newswarehouse"
# Index pages list this many most recent validations (each is read to render the index).
INDEX_LIMIT = 200
SAMPLE_SIZE = 20

logging.getLogger("great_expectations").setLevel(logging.ERROR)


@dataclass
class Failure:
    """One failed expectation of one suite."""

    suite: str
    check: str  # meta.check of the expectation
    level: str  # "warn" (report only), "quarantine" (the rows' articles) or "reject" (the load)
    expectation: str
    column: str | None
    unexpected_count: int
    element_count: int
    observed: Any
    ids: list[str] = field(default_factory=list)  # values of the frame's id column in unexpected rows
    values: list[Any] = field(default_factory=list)  # the offending column values, aligned with ids
    expected: str = ""  # the limits, readable ("expected 5 to 250")

    @property
    def name(self) -> str:
        return f"{self.suite}.{self.check}"

    def describe(self) -> str:
        expected = f"; {self.expected}" if self.expected else ""
        if self.unexpected_count and self.element_count == 1 and self.values:  # one row: the load as a whole
            return f"{self.name}: {self.column}={self.values[0]!r}{expected}"
        if self.unexpected_count:
            sample = ", ".join(f"{i[:16]} {self.column}={v!r}" for i, v in zip(self.ids[:3], self.values))
            return f"{self.name}: {self.unexpected_count} of {self.element_count} rows unexpected" + (
                f" (e.g. {sample})" if sample else ""
            ) + expected
        return f"{self.name}: observed {self.observed!r}{expected}"


@dataclass
class SuiteOutcome:
    suite: str
    rows: int
    success: bool
    evaluated: int = 0
    failures: list[Failure] = field(default_factory=list)
    docs_page: str | None = None  # file path of the Data Docs page of this validation
    # Every expectation of the suite, passed or not: {"check", "level", "success"} (the report lists them all).
    checks: list[dict[str, Any]] = field(default_factory=list)


def load_suite_json(name: str, suites_dir: Path = SUITES_DIR) -> dict[str, Any]:
    path = suites_dir.joinpath(*name.split(".")).with_suffix(".json")
    if not path.is_file():
        raise FileNotFoundError(f"expectation suite {name!r} not found at {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def _context(results_dir: Path, docs_dir: Path):
    def filesystem(base: Path) -> dict[str, str]:
        return {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(base)}

    in_memory = {"class_name": "InMemoryStoreBackend"}
    config = DataContextConfig(
        analytics_enabled=False,
        plugins_directory=str(PLUGINS_DIR),
        progress_bars={"globally": False, "metric_calculations": False},
        stores={
            "expectations_store": {"class_name": "ExpectationsStore", "store_backend": in_memory},
            "validation_results_store": {"class_name": "ValidationResultsStore",
                                         "store_backend": filesystem(results_dir)},
            "checkpoint_store": {"class_name": "CheckpointStore", "store_backend": in_memory},
            "validation_definition_store": {"class_name": "ValidationDefinitionStore", "store_backend": in_memory},
        },
        expectations_store_name="expectations_store",
        validation_results_store_name="validation_results_store",
        checkpoint_store_name="checkpoint_store",
        data_docs_sites={
            "local_site": {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": filesystem(docs_dir),
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder",
                                       "validation_results_limit": INDEX_LIMIT},
            }
        },
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def validate_frames(
    frames: dict[str, tuple[pd.DataFrame, str]],
    parameters: dict[str, Any],
    run_name: str,
    results_dir: Path,
    docs_dir: Path,
    suites_dir: Path = SUITES_DIR,
) -> list[SuiteOutcome]:
    """Validate ``frames`` (suite name -> (DataFrame, id column)) and render their Data Docs pages."""
    results_dir.mkdir(parents=True, exist_ok=True)
    docs_dir.mkdir(parents=True, exist_ok=True)
    context = _context(results_dir, docs_dir)
    source = context.data_sources.add_pandas(DATASOURCE)
    run_id = RunIdentifier(run_name=run_name, run_time=datetime.now(UTC))
    outcomes: list[SuiteOutcome] = []
    identifiers: list[ValidationResultIdentifier] = []
    for suite_name, (frame, id_column) in frames.items():
        suite = context.suites.add(ExpectationSuite(**load_suite_json(suite_name, suites_dir)))
        asset = source.add_dataframe_asset(name=suite_name)
        batch = asset.add_batch_definition_whole_dataframe(name="load")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite_name, data=batch, suite=suite)
        )
        result = definition.run(
            batch_parameters={"dataframe": frame},
            expectation_parameters=parameters,
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [id_column],
                "partial_unexpected_count": SAMPLE_SIZE,
            },
            run_id=run_id,
        )
        identifiers.append(
            ValidationResultIdentifier(
                expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_name),
                run_id=run_id,
                batch_identifier=result.batch_id,
            )
        )
        outcomes.append(_outcome(suite_name, frame, id_column, result, parameters))
    context.build_data_docs(resource_identifiers=identifiers)
    for outcome, identifier in zip(outcomes, identifiers):
        urls = context.get_docs_sites_urls(resource_identifier=identifier, only_if_exists=True)
        url = urls[0].get("site_url") if urls else None
        outcome.docs_page = url.removeprefix("file://") if url else None
    return outcomes


def docs_index(docs_dir: Path) -> Path:
    return docs_dir / "index.html"


def _bounds(kwargs: dict[str, Any], parameters: dict[str, Any]) -> str:
    """The expectation's limits as text ("expected 5 to 250", "expected at least 80% of rows")."""

    def value(key: str) -> Any:
        v = kwargs.get(key)
        return parameters.get(v["$PARAMETER"]) if isinstance(v, dict) and "$PARAMETER" in v else v

    low, high, mostly = value("min_value"), value("max_value"), value("mostly")
    parts = []
    if low is not None and high is not None:
        parts.append(f"{low:g} to {high:g}")
    elif low is not None:
        parts.append(f"at least {low:g}")
    elif high is not None:
        parts.append(f"at most {high:g}")
    if mostly is not None and mostly < 1:
        parts.append(f"in at least {mostly:.0%} of rows")
    return ("expected " + " ".join(parts)) if parts else ""


def _outcome(
    suite_name: str, frame: pd.DataFrame, id_column: str, result: Any, parameters: dict[str, Any]
) -> SuiteOutcome:
    outcome = SuiteOutcome(suite=suite_name, rows=len(frame), success=bool(result.success),
                           evaluated=len(result.results))
    for item in result.results:
        config = item.expectation_config
        meta = config.meta or {}
        check = str(meta.get("check") or config.type)
        level = level_of(suite_name, check, meta.get("level"))
        outcome.checks.append({"check": check, "level": level, "success": bool(item.success)})
        if item.success:
            continue
        details = item.result or {}
        column = config.kwargs.get("column")
        ids: list[str] = []
        values: list[Any] = []
        for row in details.get("unexpected_index_list") or []:
            if isinstance(row, dict):
                ids.append(str(row.get(id_column)))
                values.append(_plain(row.get(column)))
        if item.exception_info and any(
            (info or {}).get("raised_exception") for info in _exception_infos(item.exception_info)
        ):
            observed: Any = "error: " + "; ".join(
                str((info or {}).get("exception_message")) for info in _exception_infos(item.exception_info)
            )[:300]
        else:
            observed = _plain(details.get("observed_value"))
        outcome.failures.append(
            Failure(
                suite=suite_name,
                check=check,
                level=level,
                expectation=config.type,
                column=column,
                unexpected_count=int(details.get("unexpected_count") or 0),
                element_count=int(details.get("element_count") or len(frame)),
                observed=observed,
                ids=ids,
                values=values,
                expected=_bounds(dict(config.kwargs), parameters),
            )
        )
    return outcome


def _exception_infos(info: Any) -> list[dict]:
    # A dict of one exception, or a dict of metric-id -> exception dict.
    if isinstance(info, dict) and "raised_exception" in info:
        return [info]
    if isinstance(info, dict):
        return [v for v in info.values() if isinstance(v, dict)]
    return []


def _plain(value: Any) -> Any:
    """numpy scalars and NaN -> JSON-friendly Python values."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
