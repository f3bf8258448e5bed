"""Running the dbt project against a load's build database.

dbt runs in a child process: it keeps its own logging and global state out of
the Airflow task process, and a dbt crash cannot take the task runner with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path


class DbtFailed(RuntimeError):
    pass


def run_dbt(
    args: Sequence[str],
    db_path: Path,
    project_dir: Path,
    log_file: Path,
    progress: Callable[[str], None] = lambda _msg: None,
    target_dir: Path | None = None,
) -> None:
    """``dbt <args>`` on ``db_path``; progress lines are forwarded, the full log kept in ``log_file``."""
    env = dict(os.environ)
    env["NEWSWH_DBT_DB_PATH"] = str(db_path)
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    # A target folder that outlives the load lets dbt re-use its parse
    # (partial_parse.msgpack) instead of parsing the whole project every load.
    target = target_dir or log_file.parent / "dbt_target"
    cmd = [
        sys.executable,
        "-c",
        "from dbt.cli.main import cli; cli()",
        *args,
        "--no-use-colors",
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target),
        "--log-path",
        str(log_file.parent),
    ]
    log_file.parent.mkdir(parents=True, exist_ok=True)
    tail: list[str] = []
    with open(log_file, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        assert proc.stdout is not None
        for line in proc.stdout:
            log.write(line)
            tail = (tail + [line.rstrip()])[-40:]
            if " OK " in line or "ERROR" in line or "FAIL" in line or "Completed" in line:
                progress("  dbt: " + line.strip().split(" ", 1)[-1].strip())
        code = proc.wait()
    if code != 0:
        errors = [t for t in tail if "ERROR" in t or "FAIL" in t or "Error" in t]
        raise DbtFailed(f"dbt {' '.join(args)} failed (exit {code}); see {log_file}:\n" + "\n".join(errors[-15:] or tail[-15:]))
