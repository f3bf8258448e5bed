"""Every dbt data test over every row of the published warehouse (the weekly run).

A load's `dbt build` tests only the rows it wrote (dbt_project/macros/rows_of_this_build.sql),
so that its cost follows the load, not the warehouse. This run re-reads all rows: it
catches what no load looks at again (a row changed by hand, a test added since).
It works on a copy: the published file stays free for loads and readers, and the
warehouse lock is held only while the copy is taken.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from newswarehouse.runlock import warehouse_lock
from newswarehouse.settings import Settings
from newswarehouse.transform import run_dbt


def test_all_rows(settings: Settings, wait_seconds: float = 0.0) -> Path:
    """Run the data tests with ``test_scope: all``; raises DbtFailed on a failing test. Returns the log."""
    work = settings.home / "full_tests"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy = work / "warehouse.duckdb"
    with warehouse_lock(settings.warehouse, wait_seconds):
        shutil.copyfile(settings.warehouse, copy)
    log = work / "logs" / "dbt.log"
    started = time.monotonic()
    try:
        run_dbt(["test", "--exclude-resource-type", "unit_test", "--vars", "{test_scope: all}"],
                copy, settings.dbt_project_dir, log, progress=print, target_dir=settings.home / "dbt_target_full")
    finally:
        copy.unlink(missing_ok=True)
        Path(f"{copy}.wal").unlink(missing_ok=True)
    print(f"every data test passed on every row in {time.monotonic() - started:.1f} s; log {log}")
    return log
