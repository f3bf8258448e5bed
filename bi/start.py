"""Start Superset over the published warehouse: `make bi` locally, the `superset` compose service.

Runs with the BI environment's Python (.venv-bi, or the superset image). Steps: read .env,
refuse missing or weak secrets, provision Superset's metadata (bi/provision.py: schema,
roles, admin and analyst users, the read-only warehouse connection, the dashboards in
bi/assets/), then exec gunicorn on SUPERSET_BIND (127.0.0.1 by default) and SUPERSET_PORT.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

BI_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BI_DIR.parent
sys.path.insert(0, str(BI_DIR))

from bi_security import WeakSecret, weakness


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments and blank lines skipped, quotes stripped)."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def superset_env(warehouse: Path, home: Path, env: dict[str, str]) -> dict[str, str]:
    """The environment Superset's processes run with."""
    return {
        **env,
        "SUPERSET_CONFIG_PATH": str(BI_DIR / "superset_config.py"),
        "SUPERSET_HOME": str(home),
        "NEWSWH_WAREHOUSE": str(warehouse),
        "PYTHONPATH": os.pathsep.join(p for p in (str(BI_DIR), env.get("PYTHONPATH", "")) if p),
        "FLASK_APP": "superset.app:create_app()",
    }


def create_local_secrets(dotenv_path: Path, env: dict[str, str]) -> dict[str, str]:
    """Fresh random secrets for a local `make bi`, written to the untracked .env (mode 600).

    Only where both are unset: a weak or half-set pair is still refused. The image and the
    compose file never do this, so a deployment must bring its own.
    """
    if env.get("SUPERSET_SECRET_KEY") or env.get("SUPERSET_ADMIN_PASSWORD"):
        return env
    created = {"SUPERSET_SECRET_KEY": secrets.token_urlsafe(48), "SUPERSET_ADMIN_PASSWORD": secrets.token_urlsafe(15)}
    existing = dotenv_path.read_text(encoding="utf-8") if dotenv_path.is_file() else ""
    lines = [ln for ln in existing.splitlines() if ln.split("=", 1)[0].strip() not in created]
    lines += ["# written by `make bi` (bi/start.py --create-secrets): random, local to this machine",
              *(f"{k}={v}" for k, v in created.items())]
    dotenv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dotenv_path.chmod(0o600)
    print(f"created random SUPERSET_SECRET_KEY and SUPERSET_ADMIN_PASSWORD in {dotenv_path} "
          f"(log in as {env.get('SUPERSET_ADMIN_USER', 'admin')} with that password)", file=sys.stderr)
    return {**env, **created}


def check_secrets(env: dict[str, str]) -> None:
    problems = [weakness(name, env.get(name)) for name in ("SUPERSET_SECRET_KEY", "SUPERSET_ADMIN_PASSWORD")]
    if env.get("SUPERSET_ANALYST_PASSWORD"):
        problems.append(weakness("SUPERSET_ANALYST_PASSWORD", env["SUPERSET_ANALYST_PASSWORD"]))
    problems = [p for p in problems if p]
    if problems:
        raise WeakSecret("refusing to start Superset:\n  " + "\n  ".join(problems))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, help="published DuckDB file (env NEWSWH_WAREHOUSE; default ./warehouse.duckdb)")
    parser.add_argument("--port", type=int, help="env SUPERSET_PORT; default 8088")
    parser.add_argument("--setup-only", action="store_true", help="provision the metadata and exit")
    parser.add_argument("--create-secrets", action="store_true",
                        help="local use: write random secrets to .env when neither is set (make bi)")
    args = parser.parse_args(argv)

    # .env fills in what the environment does not set (compose passes its values directly);
    # only Superset's and newswarehouse's own keys: the Airflow secrets stay out of its processes.
    dotenv = {k: v for k, v in read_dotenv(PROJECT_ROOT / ".env").items() if k.startswith(("SUPERSET_", "NEWSWH_"))}
    env = {**dotenv, **os.environ}
    if args.create_secrets:
        env = create_local_secrets(PROJECT_ROOT / ".env", env)
    check_secrets(env)
    warehouse = (args.warehouse or Path(env.get("NEWSWH_WAREHOUSE", PROJECT_ROOT / "warehouse.duckdb"))).resolve()
    newswh_home = Path(env.get("NEWSWH_HOME", PROJECT_ROOT / ".newswarehouse")).resolve()
    home = Path(env.get("SUPERSET_HOME", newswh_home / "superset")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not warehouse.exists():
        print(f"note: no warehouse at {warehouse} yet (run `make run` first); charts stay empty until one is published",
              file=sys.stderr)
    run_env = superset_env(warehouse, home, env)
    port = args.port or int(env.get("SUPERSET_PORT", "8088"))
    bind = env.get("SUPERSET_BIND", "127.0.0.1")

    subprocess.run([sys.executable, str(BI_DIR / "provision.py")], env=run_env, check=True)
    if args.setup_only:
        return 0
    print(f"Superset on http://{bind}:{port}/ (user {env.get('SUPERSET_ADMIN_USER', 'admin')}; "
          f"warehouse {warehouse}, read-only)", flush=True)
    gunicorn = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{bind}:{port}",
        # One process, a few threads: the warehouse queries are short and memory is the scarce thing.
        "--workers", env.get("SUPERSET_WORKERS", "1"), "--worker-class", "gthread", "--threads", "4",
        "--timeout", "120", "--limit-request-line", "0", "--limit-request-field_size", "0",
        "superset.app:create_app()",
    ]
    os.execve(sys.executable, gunicorn, run_env)


if __name__ == "__main__":
    raise SystemExit(main())
