"""The task log of a CLI run, and the one message a load that did not publish ends with.

``newswarehouse run`` executes the DAG in-process; Airflow's logging (task
errors with their tracebacks) goes to ``$NEWSWH_HOME/airflow/logs/loads/<load_id>.log``
rather than the console, and the console ends with one block saying what
failed, where the report and the log are, and what to do.
"""

from __future__ import annotations

import re
import traceback
from datetime import UTC, datetime
from pathlib import Path

from newswarehouse.settings import Settings

# The last line of a Python traceback: "package.module.SomeError: message" (or a bare class name).
_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?::\s.*)?$")
# Lines that chain one traceback to the next within one failure.
_CHAINED = ("The above exception was the direct cause", "During handling of the above exception")
# record_failure's own exception only repeats that the run failed.
_NOT_A_CAUSE = "did not publish; its outcome is in audit.load_runs"


def log_dir(settings: Settings) -> Path:
    return settings.airflow_home / "logs" / "loads"


def new_log_file(settings: Settings) -> Path:
    """A log file for a run whose load id is not known yet (renamed by ``name_after_load``)."""
    return log_dir(settings) / f"run-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.log"


def name_after_load(log_file: Path, load_id: str) -> Path:
    target = log_file.with_name(f"{load_id}.log")
    if log_file.exists() and log_file != target:
        log_file.replace(target)
    return target if target.exists() else log_file


def append_trace(log_file: Path) -> None:
    """Write the exception being handled, with its traceback, to the log."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("a", encoding="utf-8") as out:
        out.write(traceback.format_exc())


def first_error(log_file: Path) -> str | None:
    """The exception line of the first failure in the log that names a cause (not the run's own failure).

    Of chained tracebacks ("The above exception was the direct cause of ...") the
    last one is the one the code raised on purpose, usually the clearest.
    """
    if not log_file.is_file():
        return None
    in_trace, chained, found = False, False, None
    for line in log_file.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("Traceback (most recent call last)"):
            in_trace = True
            continue
        if line.startswith(_CHAINED):
            chained = found is not None
            continue
        if in_trace and line.strip() and not line.startswith((" ", "\t")):
            in_trace = False
            if _EXCEPTION_LINE.match(line) and _NOT_A_CAUSE not in line:
                found = line.strip()
                continue
        if found and line.strip() and not chained and not in_trace:
            return found
        if in_trace:
            chained = False
    return found


def verdict(load_id: str, report: dict, failed_tasks: list[str], log_file: Path) -> str:
    """The closing message of a load that did not publish."""
    status = report.get("status") or "failed"
    docs = report.get("data_docs_path")
    if status == "rejected":
        checks = ", ".join(report.get("failed_checks") or []) or "a quality check"
        details = (report.get("message") or "").removeprefix("quality gates failed: ")
        example = (report.get("failed_checks") or ["CHECK"])[0]
        lines = [
            f"REJECTED: load {load_id} was not published: a systemic quality check failed ({checks}).",
            f"  what failed: {details[:600]}" if details else "",
            "  Staging and marts are unchanged (the last published load is still what readers see);",
            "  the batch's raw rows and quarantine records were kept.",
            f"  report:   {docs}" if docs else "",
            f"  task log: {log_file}",
            "  what to do: read the report; if the pipeline broke (parser, NLP model, dbt), fix it and run again:",
            "  the next load reprocesses the batch. If the check is too strict for your sources, change its",
            "  threshold (NEWSWH_GATE_*) or its level (meta.level in expectations/expectations/, or",
            f"  NEWSWH_GATE_LEVELS={example}=warn); see the README, 'Quality gates'.",
        ]
    else:
        cause = first_error(log_file) or "see the task log"
        tasks = [t for t in failed_tasks if t != "record_failure"]  # it fails by design once the load did not publish
        where = f" in task {', '.join(tasks)}" if tasks else ""
        lines = [
            f"FAILED: load {load_id} crashed{where}: {cause[:500]}",
            "  Nothing was published but its audit row (status 'failed'); staging and marts are unchanged.",
            f"  task log (full trace): {log_file}",
            "  what to do: fix the cause above and run again; the next load picks the batch up again.",
        ]
    return "\n" + "\n".join(line for line in lines if line)
