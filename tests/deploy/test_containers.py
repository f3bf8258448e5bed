"""docker-compose.yml and the Dockerfile, built and run for real with podman.

Opt-in (``NEWSWH_CONTAINER_TEST=1``; ``make deploy-test`` and ``.ci/run`` set it).
What a user meets first is ``docker compose up``; this test does the same with
the tools a Debian host without a Docker engine has:

* ``deploy/toolchain.sh``: podman, buildah, runc (apt, when missing) and
  podman-compose (a tool venv);
* ``deploy/base_images.sh``: the base images the Dockerfile and the compose file
  name, pulled, or built offline from Debian packages when no registry answers
  (kept in podman's image store, so later runs skip this);
* ``buildah bud`` of the Dockerfile as it is (layers cached between runs), and
  an image size budget;
* the compose file itself, through podman-compose, with ``deploy/compose.host.yml``
  (host networking: every service on 127.0.0.1, on free ports) and the test-only
  ``compose.rendezvous.yml`` (the enrich fault point, as in test_topology.py):
  postgres, redis, airflow-init, api-server, scheduler, dag-processor, triggerer
  and two workers (``--scale airflow-worker=2``);
* ``news_warehouse`` triggered through REST API v2 on a bind-mounted copy of
  ``samples/inbox``; the run must succeed with the two ``enrich`` tasks in two
  worker containers, the warehouse on the bind-mounted volume must hold the
  contract's tables, and ``export_on_publish`` must run;
* a screenshot of the grid view from the containerised api-server;
* ``down --volumes``: every container, volume and network it created is removed
  (the images stay, as build cache).

Timings, image size and the stack's peak memory go to ``container_report.json``
in ``$NEWSWH_CONTAINER_ARTIFACTS`` (or the test's temp dir).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import psutil
import pytest
import requests
from conftest import PROJECT_ROOT, SAMPLES
from deploy.test_topology import (
    ADMIN_USER,
    DAG_ID,
    EXPORT_DAG_ID,
    Processes,
    capture_ui,
    ensure_system_packages,
    free_port,
    trigger_run_with_rendezvous,
    wait_until,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("NEWSWH_CONTAINER_TEST") != "1",
                       reason="set NEWSWH_CONTAINER_TEST=1 to build and run the containers (podman)"),
]

IMAGE = "newswarehouse:latest"
PROJECT = "newswh-deploytest"
WORKERS = 2
BATCH_SIZE = 6  # 12 sample articles -> 2 mapped enrich tasks
# The project image (Airflow, dbt, spaCy and its model, Great Expectations, pandas) on
# the Debian base: 1494 MB on 2026-12-06 (docs/deploy.md). Growth past the budget should be a decision.
IMAGE_BUDGET_MB = 3000
RUN_TIMEOUT = float(os.environ.get("NEWSWH_CONTAINER_TIMEOUT", "1200"))
COMPOSE_FILES = (PROJECT_ROOT / "docker-compose.yml", PROJECT_ROOT / "deploy" / "compose.host.yml",
                 Path(__file__).with_name("compose.rendezvous.yml"))
# The contract's tables (../shared/CONTRACT.md); all but rejected_files hold rows after the samples.
CONTRACT_TABLES = ("raw.articles", "raw.rejected_files", "staging.stg_articles", "staging.stg_sentences",
                   "marts.dim_articles", "marts.dim_entities", "marts.fct_entity_mentions", "marts.fct_statements",
                   "marts.bridge_statement_entities", "audit.load_runs")
LOOPBACK = "127.0.0.1"
AIRFLOW_SERVICES = ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer",
                    "airflow-worker")
_FIELD = re.compile(r"\b(task_id|dag_id|run_id|map_index)=(?:'([^']*)'|(-?\d+))")


def podman_env() -> dict[str, str]:
    # runc and no default ulimits (deploy/containers.conf), without touching /etc.
    return {**os.environ, "CONTAINERS_CONF": str(PROJECT_ROOT / "deploy" / "containers.conf")}


def sh(argv: list[str], timeout: float, env: dict[str, str] | None = None, log: Path | None = None,
       check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, cwd=PROJECT_ROOT, env=env or podman_env(), capture_output=True, text=True,
                          timeout=timeout, check=False)
    if log:
        with log.open("a") as out:
            out.write(f"$ {' '.join(argv)}\n{proc.stdout}{proc.stderr}\n")
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} exited {proc.returncode}:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


@dataclass
class Stack:
    compose: list[str]
    env: dict[str, str]
    work: Path
    api: str
    password: str
    artifacts: Path
    procs: Processes
    timings: dict[str, float] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    peak_mb: float = 0.0
    token: str = ""

    @property
    def inbox(self) -> Path:
        return self.work / "inbox"

    @property
    def warehouse(self) -> Path:
        return self.work / "warehouse" / "warehouse.duckdb"

    def run(self, *args: str, timeout: float = 900, check: bool = True) -> subprocess.CompletedProcess:
        return sh([*self.compose, *args], timeout, self.env, self.work / "compose.log", check)

    def containers(self) -> dict[str, dict]:
        """This project's containers by name: service, state, exit code, hostname, PID."""
        ids = sh(["podman", "ps", "-a", "-q", "--filter", f"label=io.podman.compose.project={PROJECT}"], 60).stdout.split()
        if not ids:
            return {}
        found = {}
        for c in json.loads(sh(["podman", "inspect", *ids], 60).stdout):
            found[c["Name"]] = {"service": c["Config"]["Labels"].get("com.docker.compose.service"),
                                "state": c["State"]["Status"], "exit_code": c["State"]["ExitCode"],
                                "hostname": c["Config"]["Hostname"], "pid": c["State"]["Pid"]}
        return found

    def service(self, name: str) -> list[str]:
        return sorted(n for n, c in self.containers().items() if c["service"] == name)

    def healthy(self, container: str) -> bool:
        return sh(["podman", "healthcheck", "run", container], 120, check=False).returncode == 0

    def memory_mb(self) -> float:
        """Resident memory of every process in this project's containers (host view)."""
        total = 0
        for c in self.containers().values():
            if not c["pid"]:
                continue
            try:
                root = psutil.Process(c["pid"])
                for proc in (root, *root.children(recursive=True)):
                    total += proc.memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20

    def sample_memory(self) -> None:
        self.peak_mb = max(self.peak_mb, self.memory_mb())

    def logs(self, lines: int = 40) -> str:
        out = []
        for name in sorted(self.containers()):
            text = sh(["podman", "logs", "--tail", str(lines), name], 60, check=False)
            out.append(f"--- {name}\n{text.stdout}{text.stderr}")
        return "\n".join(out)

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        resp = requests.request(method, f"{self.api}{path}", timeout=30,
                                headers={"Authorization": f"Bearer {self.token}"}, **kwargs)
        if resp.status_code >= 400:
            raise AssertionError(f"{method} {path}: HTTP {resp.status_code} {resp.text[:500]}")
        return resp

    def get(self, path: str, **params) -> dict:
        return self.call("GET", path, params=params).json()


def remove_leftovers() -> None:
    """Every container and volume labelled with this project. `down` alone misses the
    second worker: podman-compose's down knows one replica per service."""
    label = f"label=io.podman.compose.project={PROJECT}"
    ids = sh(["podman", "ps", "-a", "-q", "--filter", label], 60).stdout.split()
    if ids:
        sh(["podman", "rm", "-f", "-t", "30", *ids], 300)
    volumes = sh(["podman", "volume", "ls", "-q", "--filter", label], 60).stdout.split()
    if volumes:
        sh(["podman", "volume", "rm", "-f", *volumes], 120)


def compose_env(work: Path, ports: dict[str, int], password: str) -> dict[str, str]:
    """What a user puts in .env (secrets, the inbox and warehouse folders), plus the override's ports."""
    from cryptography.fernet import Fernet

    return {
        **{k: v for k, v in podman_env().items() if not k.startswith(("AIRFLOW", "NEWSWH_"))},
        "POSTGRES_PASSWORD": secrets.token_hex(16),
        "REDIS_PASSWORD": secrets.token_hex(16),
        "AIRFLOW_FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW_JWT_SECRET": secrets.token_hex(24),
        "AIRFLOW_API_SECRET_KEY": secrets.token_hex(24),
        "AIRFLOW_ADMIN_USER": ADMIN_USER,
        "AIRFLOW_ADMIN_PASSWORD": password,
        "AIRFLOW_WORKER_CONCURRENCY": "1",  # one slot per worker: the map must use both
        "NEWSWH_INBOX_SOURCE": str(work / "inbox"),
        "NEWSWH_WAREHOUSE_SOURCE": str(work / "warehouse"),
        "NEWSWH_ENRICH_BATCH_SIZE": str(BATCH_SIZE),
        "NEWSWH_PG_PORT": str(ports["pg"]),
        "NEWSWH_REDIS_PORT": str(ports["redis"]),
        "NEWSWH_API_PORT": str(ports["api"]),
        "NEWSWH_SCHEDULER_HEALTH_PORT": str(ports["scheduler"]),
    }


def build_image(artifacts: Path, timings: dict[str, float], report: dict[str, Any]) -> None:
    t = time.monotonic()
    tools = sh([str(PROJECT_ROOT / "deploy" / "toolchain.sh")], 1800).stdout.strip().splitlines()[-1]
    timings["toolchain_s"] = time.monotonic() - t
    t = time.monotonic()
    report["base_images"] = sh([str(PROJECT_ROOT / "deploy" / "base_images.sh")], 1800).stdout.strip().splitlines()
    timings["base_images_s"] = time.monotonic() - t
    t = time.monotonic()
    # The Dockerfile as a user builds it; --layers keeps the dependency layer between runs.
    sh(["buildah", "bud", "--isolation", "chroot", "--layers", "-t", IMAGE, str(PROJECT_ROOT)], 3600,
       log=artifacts / "build.log")
    timings["image_build_s"] = time.monotonic() - t
    size = int(json.loads(sh(["podman", "image", "inspect", IMAGE], 60).stdout)[0]["Size"])
    report["image_size_mb"] = round(size / 2**20)
    report["podman_compose"] = tools


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    ensure_system_packages()  # chromium, for the screenshot
    t0 = time.monotonic()
    work = tmp_path_factory.mktemp("containers")
    artifacts = Path(os.environ.get("NEWSWH_CONTAINER_ARTIFACTS") or work / "artifacts")
    artifacts.mkdir(parents=True, exist_ok=True)
    (work / "logs").mkdir()
    timings: dict[str, float] = {}
    report: dict[str, Any] = {}
    build_image(artifacts, timings, report)

    shutil.copytree(SAMPLES, work / "inbox")
    (work / "warehouse").mkdir()
    ports = {name: free_port() for name in ("pg", "redis", "api", "scheduler")}
    password = secrets.token_urlsafe(16)
    tools = report["podman_compose"]
    # No pod: one container per service replica, as with Docker Compose.
    compose = [tools, "--in-pod", "false", "-p", PROJECT, *(a for f in COMPOSE_FILES for a in ("-f", str(f)))]
    st = Stack(compose, compose_env(work, ports, password), work, f"http://{LOOPBACK}:{ports['api']}", password,
               artifacts, Processes(work / "logs"), timings, report)
    remove_leftovers()  # of an interrupted run
    try:
        t = time.monotonic()
        # Debian 12's podman (4.3) cannot wait for `service_healthy`, and starting a
        # container whose dependency is the exited airflow-init fails there; so the
        # compose file's order is followed by hand: backing services until healthy,
        # airflow-init until it exits 0, then the Airflow services without --requires.
        st.run("up", "-d", "postgres", "redis")
        for service in ("postgres", "redis"):
            (name,) = st.service(service)
            wait_until(f"{service} healthy", lambda n=name: st.healthy(n), 120, st.procs, every=2)
        timings["backing_services_s"] = time.monotonic() - t
        t = time.monotonic()
        st.run("up", "-d", "--no-deps", "airflow-init")
        (init,) = st.service("airflow-init")
        sh(["podman", "wait", init], 900)
        init_state = st.containers()[init]
        assert init_state["exit_code"] == 0, st.logs()
        timings["airflow_init_s"] = time.monotonic() - t
        t = time.monotonic()
        st.run("up", "-d", "--no-deps", "--scale", f"airflow-worker={WORKERS}", *AIRFLOW_SERVICES)
        assert len(st.service("airflow-worker")) == WORKERS, st.containers()

        def api_up() -> bool:
            st.sample_memory()
            return requests.get(f"{st.api}/api/v2/version", timeout=5).ok

        wait_until("the api-server", api_up, 300, st.procs, every=2)
        resp = requests.post(f"{st.api}/auth/token", json={"username": ADMIN_USER, "password": password}, timeout=30)
        assert resp.status_code == 201, resp.text
        st.token = resp.json()["access_token"]

        def ready() -> bool:
            st.sample_memory()
            dags = {d["dag_id"] for d in st.get("/api/v2/dags")["dags"]}
            return {DAG_ID, EXPORT_DAG_ID} <= dags and all(
                st.healthy(n) for s in AIRFLOW_SERVICES for n in st.service(s))

        wait_until("the DAGs parsed and every service healthy", ready, 600, st.procs, every=5)
        timings["stack_ready_s"] = time.monotonic() - t
        yield st
        timings["container_test_total_s"] = time.monotonic() - t0
        _save_report(st, request)
    except BaseException:
        (artifacts / "container_logs.txt").write_text(st.logs(200))
        raise
    finally:
        st.run("down", "--volumes", timeout=600, check=False)
        remove_leftovers()
        assert not st.containers(), f"containers left behind: {st.containers()}"


@pytest.fixture(scope="module")
def run(stack: Stack) -> dict:
    """One manual run of news_warehouse, through the REST API, as in test_topology.py."""
    return trigger_run_with_rendezvous(
        stack.get, stack.call, hold=stack.work / "warehouse" / "enrich.hold",  # /data/warehouse in the workers
        workers=WORKERS, timings=stack.timings, procs=stack.procs, note="container test",
        sample=stack.sample_memory, diagnostics=stack.logs, rendezvous_timeout=600, run_timeout=RUN_TIMEOUT,
        every=2,
    )


# ---------------------------------------------------------------- the checks

def test_image_within_size_budget(stack):
    assert stack.report["image_size_mb"] <= IMAGE_BUDGET_MB, stack.report


def test_run_succeeds_with_enrich_in_two_worker_containers(stack, run):
    tis = run["task_instances"]
    states = {(ti["task_id"], ti["map_index"]): ti["state"] for ti in tis}
    for task in ("begin", "land", "batches_of", "build", "validate", "publish"):
        assert states[(task, -1)] == "success", states
    enrich = sorted(ti["map_index"] for ti in tis if ti["task_id"] == "enrich")
    # One mapped task per batch of the sample inbox (16 articles in batches of 6: three), at
    # least one per worker so the map step can spread.
    assert enrich == list(range(len(enrich))) and len(enrich) >= WORKERS, states
    # Which container ran each enrich task, from the workers' own logs (Celery's
    # "Executing workload" line names the task instance). Not the task instance's
    # hostname: with host networking every container has the host's name.
    ran_in = {}
    for name in stack.service("airflow-worker"):
        log = sh(["podman", "logs", name], 60)
        for line in (log.stdout + log.stderr).splitlines():
            if "Executing workload in Celery" not in line:
                continue
            ti = {key: quoted or number for key, quoted, number in _FIELD.findall(line)}
            if ti.get("task_id") == "enrich" and ti.get("dag_id") == DAG_ID and ti.get("run_id") == run["run_id"]:
                ran_in.setdefault(int(ti["map_index"]), set()).add(name)
    assert sorted(ran_in) == enrich, ran_in
    assert all(len(names) == 1 for names in ran_in.values()), ran_in
    assert len(set().union(*ran_in.values())) == WORKERS, ran_in  # the map step really ran in both
    stack.report["enrich_containers"] = {str(i): names.pop() for i, names in sorted(ran_in.items())}
    stack.report["tasks"] = [
        {"task": ti["task_id"] + (f"[{ti['map_index']}]" if ti["map_index"] >= 0 else ""), "state": ti["state"],
         "duration_s": round(ti["duration"] or 0.0, 1), "host": ti["hostname"]}
        for ti in sorted(tis, key=lambda ti: (ti["start_date"] or "~", ti["map_index"]))]


def test_warehouse_on_the_volume_holds_the_contract_tables(stack, run):
    articles = len(list(stack.inbox.iterdir()))
    with duckdb.connect(str(stack.warehouse), read_only=True) as con:
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in CONTRACT_TABLES}
        status = con.execute("select status from audit.load_runs order by started_at desc limit 1").fetchone()[0]
    assert counts["marts.dim_articles"] == articles, counts
    assert all(n for t, n in counts.items() if t != "raw.rejected_files"), counts
    assert status == "published"
    # Written by the containers' user (AIRFLOW_UID, 50000 by default), not root.
    assert stack.warehouse.stat().st_uid == 50000
    stack.report["warehouse_rows"] = counts


def test_export_on_publish_runs(stack, run):
    st = stack

    def exported() -> dict | None:
        runs = st.get(f"/api/v2/dags/{EXPORT_DAG_ID}/dagRuns")["dag_runs"]
        done = [r for r in runs if r["state"] in ("success", "failed")]
        return done[0] if done else None

    export_run = wait_until("export_on_publish", exported, 300, st.procs, every=3)
    assert export_run["state"] == "success"
    assert export_run["run_type"] == "asset_triggered"


def test_task_logs_readable_through_the_api_server(stack, run):
    # Workers write task logs to the shared airflow-logs volume; the api-server reads them
    # there (the workers' log servers share one hostname under host networking).
    for index in range(WORKERS):
        logs = stack.get(f"/api/v2/dags/{DAG_ID}/dagRuns/{run['run_id']}/taskInstances/enrich/logs/1",
                         map_index=index)
        text = json.dumps(logs["content"])
        assert "[fault] paused at enrich" in text, text[:3000]


def test_grid_view_from_the_containerised_api_server(stack, run):
    st = stack
    png = st.artifacts / "airflow_grid_containers.png"
    text = capture_ui(f"{st.api}/dags/{DAG_ID}/runs/{run['run_id']}", st.token, st.api, png, st.procs,
                      ready=lambda t: DAG_ID in t and "success" in t.lower())
    assert png.stat().st_size > 10_000
    assert "success" in text.lower(), text[:2000]


def _save_report(st: Stack, request: pytest.FixtureRequest) -> None:
    report = {"timings_s": {k: round(v, 1) for k, v in st.timings.items()},
              "peak_memory_mb": round(st.peak_mb), **st.report}
    path = st.artifacts / "container_report.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\ncontainers: image {report.get('image_size_mb')} MB; {json.dumps(report['timings_s'])}; "
              f"peak memory {report['peak_memory_mb']} MB; report {path}", flush=True)
