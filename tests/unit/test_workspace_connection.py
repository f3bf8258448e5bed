"""The load's own connection to its build copy runs in the load's process: its cache is capped."""

from __future__ import annotations

import duckdb

from newswarehouse.workspace import BUILD_DB_MEMORY_LIMIT, Workspace


def test_the_build_copy_connection_caps_duckdbs_memory(tmp_path):
    ws = Workspace(tmp_path / "wh" / "warehouse.duckdb", "load_1")
    ws.begin()
    with duckdb.connect(config={"memory_limit": BUILD_DB_MEMORY_LIMIT}) as reference:
        (expected,) = reference.execute("select current_setting('memory_limit')").fetchone()
    with ws.connect() as con:
        (limit,) = con.execute("select current_setting('memory_limit')").fetchone()
    assert limit == expected
