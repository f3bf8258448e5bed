"""The ``newswarehouse`` command: run a load, show the last loads."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

from newswarehouse import runlog
from newswarehouse.settings import Settings, load_settings

_USER_WAREHOUSE = os.environ.get("NEWSWH_WAREHOUSE")


def _quiet_library_warnings() -> None:
    """Deprecation chatter from Airflow's own dependencies is not for the person running a load."""
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette.testclient`")


def _cmd_run(args: argparse.Namespace) -> int:
    _quiet_library_warnings()
    settings = load_settings(inbox=args.inbox, warehouse=args.warehouse)
    from newswarehouse import airflow_local
    from newswarehouse.runlock import WarehouseBusy, warehouse_lock

    airflow_local.configure(settings)
    print(f"newswarehouse run: inbox {settings.inbox} -> warehouse {settings.warehouse}", flush=True)
    if not settings.inbox.is_dir():
        print(f"error: inbox {settings.inbox} is not a directory (set --inbox or NEWSWH_INBOX)", file=sys.stderr)
        return 2
    started = time.monotonic()
    log_file = runlog.new_log_file(settings)
    try:
        with warehouse_lock(settings.warehouse, args.wait):
            airflow_local.migrate_if_needed(settings)
            dag_run = airflow_local.run_dag_in_process(run_conf=_run_conf(args), log_file=log_file)
    except WarehouseBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:  # noqa: BLE001 - the run could not start or went down: one line here, the trace in the log
        runlog.append_trace(log_file)
        print(f"\nFAILED: the load could not run: {type(exc).__name__}: {exc}\n  full trace: {log_file}",
              file=sys.stderr, flush=True)
        return 1
    state = str(getattr(dag_run, "state", "unknown"))
    load_id = _load_id_of(dag_run)
    log_file = runlog.name_after_load(log_file, load_id)
    report = _print_summary(settings, load_id, state, time.monotonic() - started)
    if state.endswith("success"):
        return 0
    failed = airflow_local.failed_tasks(str(getattr(dag_run, "run_id", "")))
    print(runlog.verdict(load_id, report, failed, log_file), flush=True)
    return 1


def _cmd_reprocess(args: argparse.Namespace) -> int:
    args.run_conf = {"reprocess_quarantined": args.from_load or True}
    return _cmd_run(args)


def _run_conf(args: argparse.Namespace) -> dict | None:
    conf = dict(getattr(args, "run_conf", None) or {})
    if getattr(args, "rescan_inbox", False):
        conf["rescan_inbox"] = True
    return conf or None


def _load_id_of(dag_run: object) -> str:
    from newswarehouse.workspace import safe_load_id

    return safe_load_id(str(getattr(dag_run, "run_id", "")))


_LISTED = 20  # quarantined articles listed in the summary; the report page lists them all


def _print_summary(settings: Settings, load_id: str, state: str, seconds: float) -> dict:
    """The load's outcome and the warehouse's row counts; returns the load's audit row (empty if none)."""
    from newswarehouse.loadsteps import (
        describe_warehouse,
        landing_report,
        quarantined_of,
    )

    print()
    print(f"== load {load_id}: {state} in {seconds:.1f} s")
    if not settings.warehouse.exists():
        print("no warehouse was published")
        return {}
    report = landing_report(settings.warehouse, load_id)
    if report:
        print(
            f"files seen: {report['files_seen']}   landed: {report['articles_landed']}   "
            f"already known: {report['files_already_known']}   rejected: {report['files_rejected']}"
        )
        details = report["landing_report"]
        if "files_unchanged" in details:
            print(f"files read: {details.get('files_read', 0)}   unchanged since an earlier load (not read): "
                  f"{details['files_unchanged']}")
        for uri, reason in report["landing_report"].get("rejections", []):
            print(f"  rejected {uri}: {reason}")
        if report.get("articles_quarantined"):
            print(f"quarantined articles: {report['articles_quarantined']} (newswarehouse reprocess --quarantined "
                  "re-checks them after a fix)")
            rows = quarantined_of(settings.warehouse, load_id)
            for uri, check, reason in rows[:_LISTED]:
                print(f"  quarantined {uri}: {check}: {reason}")
            if len(rows) > _LISTED:
                print(f"  ... and {len(rows) - _LISTED} more (the quality report lists them all)")
        warnings = report["landing_report"].get("warnings", [])
        if warnings:
            print(f"quality warnings ({len(warnings)}, reported only):")
            for line in warnings:
                print(f"  warning {line}")
        if report["failed_checks"]:
            print(f"failed quality checks: {', '.join(report['failed_checks'])}")
        print(f"status: {report['status']}")
        if report.get("data_docs_path"):
            print(f"quality report: {report['data_docs_path']}")
    if (settings.home / "dbt_docs" / "index.html").exists():
        print(f"catalogue of the marts (dbt docs): {settings.home / 'dbt_docs' / 'index.html'} "
              f"(`{_own_command()} docs` serves it; `make bi` adds dashboards)")
    print("rows per table:")
    for table, count in describe_warehouse(settings.warehouse).items():
        print(f"  {table:40s} {count:>8,}")
    print(f"warehouse: {settings.warehouse}")
    # The suggested commands must run on a fresh clone: the duckdb package has no CLI of its own.
    # The bare command finds the warehouse the user's own environment names (a run exports its
    # settings to the Airflow tasks, so compare with what the environment said before that).
    default = Path(_USER_WAREHOUSE or Path.cwd() / "warehouse.duckdb").resolve()
    where = "" if settings.warehouse.resolve() == default else f" --warehouse {settings.warehouse}"
    cmd = _own_command()
    print(f"query it (read-only, safe while loads run; `{cmd} sql` alone opens a shell):")
    print(f"  {cmd} sql{where} -c \"select title, publisher, word_count from marts.dim_articles limit 10\"")
    print(
        f"  {cmd} sql{where} -c \"select canonical_name, entity_type, article_count "
        "from marts.dim_entities order by mention_count desc limit 10\""
    )
    return report


def _own_command() -> str:
    """How to call this command again: bare where it is on PATH, else its path in the venv (make run)."""
    script = Path(sys.prefix) / "bin" / "newswarehouse"
    on_path = shutil.which("newswarehouse")
    if not script.exists() or (on_path and Path(on_path).resolve() == script.resolve()):
        return "newswarehouse"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)


def _cmd_status(args: argparse.Namespace) -> int:
    import duckdb

    settings = load_settings(warehouse=args.warehouse)
    if not settings.warehouse.exists():
        print(f"no warehouse at {settings.warehouse}")
        return 1
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        rows = con.execute(
            "select load_id, status, started_at, finished_at, files_seen, articles_landed, files_rejected, "
            "articles_quarantined, failed_checks, data_docs_path, landing_report from audit.load_runs "
            "order by started_at desc limit ?",
            [args.limit],
        ).fetchall()
    for load_id, status, started, finished, seen, landed, rejected, quarantined, failed, docs, landing in rows:
        took = f"{(finished - started).total_seconds():.1f}s" if finished else "-"
        print(f"{started:%Y-%m-%d %H:%M:%S}  {status:9s} {took:>7s}  seen {seen:>5} landed {landed:>5} "
              f"rejected {rejected:>3} quarantined {quarantined:>3}  {load_id}")
        if failed:
            print(f"    failed checks: {', '.join(failed)}")
        warnings = json.loads(landing or "{}").get("warnings") or []
        if warnings:
            print(f"    quality warnings: {', '.join(w.split(':', 1)[0] for w in warnings)}")
        if docs:
            print(f"    data docs: {Path(docs).as_uri() if docs.startswith('/') else docs}")
    return 0


def _cmd_sql(args: argparse.Namespace) -> int:
    from newswarehouse import sqlshell

    return sqlshell.main(load_settings(warehouse=args.warehouse).warehouse, args.command, args.format)


def _cmd_test_all(args: argparse.Namespace) -> int:
    from newswarehouse.fulltests import test_all_rows
    from newswarehouse.runlock import WarehouseBusy
    from newswarehouse.transform import DbtFailed

    settings = load_settings(warehouse=args.warehouse)
    if not settings.warehouse.exists():
        print(f"no warehouse at {settings.warehouse}")
        return 1
    try:
        test_all_rows(settings, args.wait)
    except WarehouseBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except DbtFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


def _cmd_docs(args: argparse.Namespace) -> int:
    from newswarehouse import docs_site

    return docs_site.serve(load_settings(warehouse=args.warehouse), args.host, args.port, args.regenerate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newswarehouse", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one whole load (the news_warehouse DAG, in-process)")
    run.add_argument("--inbox", type=Path, help="folder of raw article files (env NEWSWH_INBOX; default: the bundled samples)")
    run.add_argument("--warehouse", type=Path, help="published DuckDB file (env NEWSWH_WAREHOUSE; default ./warehouse.duckdb)")
    run.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another run on the same warehouse (default: refuse at once)")
    run.add_argument("--rescan-inbox", action="store_true",
                     help="re-read every inbox file, not only the new and changed ones (env NEWSWH_RESCAN_INBOX)")
    run.set_defaults(func=_cmd_run)
    reprocess = sub.add_parser(
        "reprocess", help="run a load that also re-checks quarantined articles (after a fix to the pipeline or gates)"
    )
    reprocess.add_argument("--quarantined", action="store_true", required=True,
                           help="re-enrich and re-check the articles in audit.quarantined_articles")
    reprocess.add_argument("--load", dest="from_load", help="only those quarantined by this load id")
    reprocess.add_argument("--inbox", type=Path, help="as for run")
    reprocess.add_argument("--warehouse", type=Path, help="as for run")
    reprocess.add_argument("--wait", type=float, default=0.0, help="as for run")
    reprocess.add_argument("--rescan-inbox", action="store_true", help="as for run")
    reprocess.set_defaults(func=_cmd_reprocess)
    status = sub.add_parser("status", help="show the last loads from audit.load_runs")
    status.add_argument("--warehouse", type=Path)
    status.add_argument("--limit", type=int, default=10)
    status.set_defaults(func=_cmd_status)
    sql = sub.add_parser("sql", help="query the published warehouse read-only (a shell, or -c for one query)")
    sql.add_argument("--warehouse", type=Path, help="as for run")
    sql.add_argument("-c", "--command", help="run this one SQL statement and exit")
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default table)")
    sql.set_defaults(func=_cmd_sql)
    test_all = sub.add_parser(
        "test-all", help="run every dbt data test over every row of the published warehouse (weekly; loads test their own rows)"
    )
    test_all.add_argument("--warehouse", type=Path, help="as for run")
    test_all.add_argument("--wait", type=float, default=0.0, help="seconds to wait for a running load before copying")
    test_all.set_defaults(func=_cmd_test_all)
    docs = sub.add_parser("docs", help="serve the dbt docs of the marts and the quality reports on 127.0.0.1")
    docs.add_argument("--warehouse", type=Path, help="as for run")
    docs.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    docs.add_argument("--port", type=int, default=8081, help="port (default 8081; 0 picks a free one)")
    docs.add_argument("--regenerate", action="store_true", help="re-run dbt docs generate first (read-only)")
    docs.set_defaults(func=_cmd_docs)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
