"""Superset over the published warehouse, for real: import, charts, read-only SQL Lab, roles,
a publish while serving, and screenshots of the three dashboards (docs/img/)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, SAMPLES
from superset_fixtures import (  # noqa: F401 (fixtures)
    BI_PYTHON,
    LATE_ARTICLE,
    bi_setup,
    file_digest,
    process_tree_rss_mb,
    superset,
)

DASHBOARDS = {"Entities": "entities", "Who said what": "statements", "Loads": "loads"}


def _chart_rows(client, chart_id: int) -> int:
    status, body = client.chart_data(chart_id)
    assert status == 200, body
    return sum(result["rowcount"] for result in body["result"])


def test_start_refuses_missing_or_weak_secrets(tmp_path: Path) -> None:
    if not BI_PYTHON.exists():
        pytest.skip("the BI environment .venv-bi is missing")
    base = {k: v for k, v in os.environ.items() if not k.startswith("SUPERSET_")}
    base["SUPERSET_HOME"] = str(tmp_path)
    cases = {
        "SUPERSET_SECRET_KEY is not set": {"SUPERSET_ADMIN_PASSWORD": "Xq7-long-enough-pw"},
        "SUPERSET_SECRET_KEY is too short": {"SUPERSET_SECRET_KEY": "abc123", "SUPERSET_ADMIN_PASSWORD": "Xq7-long-enough-pw"},
        "SUPERSET_ADMIN_PASSWORD is a well-known": {"SUPERSET_SECRET_KEY": "f" * 8 + "0123456789abcdef" * 3,
                                                    "SUPERSET_ADMIN_PASSWORD": "changeme"},
    }
    for expected, secrets_env in cases.items():
        # cwd outside the project: a developer's .env must not fill in the missing value.
        proc = subprocess.run([str(BI_PYTHON), str(PROJECT_ROOT / "bi" / "start.py"), "--setup-only"],
                              env={**base, **secrets_env}, cwd=tmp_path, capture_output=True, text=True,
                              timeout=60, check=False)
        assert proc.returncode != 0
        assert "refusing to start Superset" in proc.stderr, proc.stderr[-2000:]
        if "not set" not in expected:
            assert expected.split(" is ")[0] in proc.stderr
    assert not (tmp_path / "superset.db").exists(), "nothing may be provisioned with a weak secret"


def test_dashboards_are_imported_and_every_chart_returns_rows(superset) -> None:  # noqa: F811
    admin = superset.admin()
    titles = {d["dashboard_title"] for d in admin.get_all("dashboard")}
    assert set(DASHBOARDS) <= titles
    charts = admin.get_all("chart")
    assert len(charts) >= 10
    empty = [c["slice_name"] for c in charts if _chart_rows(admin, c["id"]) == 0]
    assert not empty, f"charts without rows: {empty}"
    print(f"\nSuperset RSS after every chart ran: {process_tree_rss_mb(superset.proc.pid):.0f} MB")


def test_sql_lab_reads_and_refuses_writes(superset) -> None:  # noqa: F811
    admin = superset.admin()
    database = next(d for d in admin.get_all("database") if d["database_name"] == "newswarehouse")
    before = file_digest(superset.warehouse)
    status, body = admin.sql(database["id"], "select count(*) as n from marts.fct_statements")
    assert status == 200, body
    assert body["data"][0]["n"] > 0
    writes = [
        "delete from marts.fct_statements",
        "update marts.dim_entities set canonical_name = 'x'",
        "create table marts.scratch as select 1 as x",
        "drop view marts.statements_who_said_what",
        # Not DML to Superset's parser, but DuckDB refuses it: external access is off.
        f"copy (select 1) to '{superset.warehouse.parent / 'leak.csv'}'",
        f"attach '{superset.warehouse.parent / 'other.duckdb'}' as other",
    ]
    for sql in writes:
        status, body = admin.sql(database["id"], sql)
        assert status != 200 or body.get("status") != "success", (sql, body)
    assert file_digest(superset.warehouse) == before
    assert not (superset.warehouse.parent / "leak.csv").exists()
    assert not (superset.warehouse.parent / "other.duckdb").exists()


def test_analyst_sees_dashboards_and_sql_lab_but_manages_nothing(superset) -> None:  # noqa: F811
    analyst = superset.analyst()
    assert set(DASHBOARDS) <= {d["dashboard_title"] for d in analyst.get_all("dashboard")}
    charts = analyst.get_all("chart")
    assert charts and _chart_rows(analyst, charts[0]["id"]) > 0
    database = next(d for d in analyst.get_all("database") if d["database_name"] == "newswarehouse")
    status, body = analyst.sql(database["id"], "select count(*) as n from marts.dim_articles")
    assert status == 200 and body["data"][0]["n"] > 0, body
    # No user or role management, no database connections.
    for path in ("/api/v1/security/users/", "/api/v1/security/roles/"):
        status, _ = analyst.request("GET", path)
        assert status in (401, 403, 404), path
    status, _ = analyst.request("POST", "/api/v1/database/", {"database_name": "x", "sqlalchemy_uri": "duckdb:///:memory:"})
    assert status in (401, 403)
    status, _ = analyst.request("PUT", f"/api/v1/database/{database['id']}", {"allow_dml": True})
    assert status in (401, 403, 404)
    status, _ = analyst.request("DELETE", f"/api/v1/database/{database['id']}")
    assert status in (401, 403, 404)


def test_a_publish_is_seen_by_the_next_chart_query(superset, bi_setup, run_cli) -> None:  # noqa: F811
    admin = superset.admin()
    loads_chart = next(c for c in admin.get_all("chart") if c["slice_name"] == "Loads (audit.load_runs)")
    before = _chart_rows(admin, loads_chart["id"])
    shutil.copy(SAMPLES / LATE_ARTICLE, bi_setup.inbox / LATE_ARTICLE)
    started = time.monotonic()
    result = run_cli(bi_setup.inbox, bi_setup.warehouse)  # Superset keeps serving meanwhile
    assert result.returncode == 0, result.output[-5000:]
    print(f"\nsecond load while Superset serves: {time.monotonic() - started:.1f} s")
    assert _chart_rows(admin, loads_chart["id"]) == before + 1
    database = next(d for d in admin.get_all("database") if d["database_name"] == "newswarehouse")
    status, body = admin.sql(database["id"], "select count(*) as n from marts.dim_articles")
    assert status == 200 and body["data"][0]["n"] == len(list(SAMPLES.iterdir())), body


def test_screenshot_of_each_dashboard(superset, tmp_path: Path) -> None:  # noqa: F811
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    update = os.environ.get("NEWSWH_UPDATE_DOC_IMAGES") == "1"
    for title, key in DASHBOARDS.items():
        png = tmp_path / f"superset_{key}.png"
        proc = subprocess.run(
            [str(BI_PYTHON), str(PROJECT_ROOT / "bi" / "screenshot.py"), "--base", superset.base, "--user", "admin",
             f"/superset/dashboard/newswarehouse-{key}/", str(png)],
            env=superset.env, capture_output=True, text=True, timeout=180, check=False,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        shot = json.loads(proc.stdout.strip().splitlines()[-1])
        assert shot["charts"] > 0 and not shot["errors"], shot
        assert title in shot["text"]
        assert png.stat().st_size > 20_000
        if update:
            shutil.copy(png, PROJECT_ROOT / "docs" / "img" / png.name)
