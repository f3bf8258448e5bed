"""Fixtures for the BI tests (imported by the test modules: one conftest per tree keeps module names unique).

Superset runs from its own environment (.venv-bi, `make bi-venv`), as `make bi` runs it:
bi/start.py provisions the metadata and starts gunicorn on 127.0.0.1 and a free port.
Skipped unless that environment exists or NEWSWH_BI_TEST=1 (then it is built here).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, SAMPLES
from superset_api import Superset

BI_PYTHON = PROJECT_ROOT / ".venv-bi" / "bin" / "python"
# Held back from the first load: the second load, run while Superset serves, lands it.
LATE_ARTICLE = "2024-12-05_glenmoray-schools-phone-ban.txt"


def bi_env_available() -> bool:
    if BI_PYTHON.exists():
        return True
    if os.environ.get("NEWSWH_BI_TEST") == "1":
        subprocess.run(["make", "bi-venv"], cwd=PROJECT_ROOT, check=True)
        return True
    return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def process_tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (gunicorn master + workers)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total_kb, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


@dataclass
class BiSetup:
    inbox: Path
    warehouse: Path
    home: Path


@dataclass
class SupersetServer:
    base: str
    proc: subprocess.Popen
    env: dict[str, str]
    warehouse: Path
    started_in: float

    def admin(self) -> Superset:
        return Superset(self.base).login("admin", self.env["SUPERSET_ADMIN_PASSWORD"])

    def analyst(self) -> Superset:
        return Superset(self.base).login("analyst", self.env["SUPERSET_ANALYST_PASSWORD"])


@pytest.fixture(scope="session")
def bi_setup(run_cli, newswh_home: Path, tmp_path_factory: pytest.TempPathFactory) -> BiSetup:
    if not bi_env_available():
        pytest.skip("the BI environment .venv-bi is missing (make bi-venv, or NEWSWH_BI_TEST=1)")
    root = tmp_path_factory.mktemp("bi")
    inbox = root / "inbox"
    inbox.mkdir()
    for path in SAMPLES.iterdir():
        if path.name != LATE_ARTICLE:
            shutil.copy(path, inbox / path.name)
    result = run_cli(inbox, root / "warehouse.duckdb")
    assert result.returncode == 0, result.output[-5000:]
    return BiSetup(inbox, result.warehouse, newswh_home)


@pytest.fixture(scope="session")
def superset(bi_setup: BiSetup, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SupersetServer]:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SUPERSET_")},
        "SUPERSET_SECRET_KEY": secrets.token_hex(32),
        "SUPERSET_ADMIN_PASSWORD": "Adm-" + secrets.token_urlsafe(16),
        "SUPERSET_ANALYST_PASSWORD": "Ana-" + secrets.token_urlsafe(16),
        "SUPERSET_HOME": str(tmp_path_factory.mktemp("superset_home")),
        "NEWSWH_WAREHOUSE": str(bi_setup.warehouse),
        "NEWSWH_HOME": str(bi_setup.home),
    }
    log = open(tmp_path_factory.mktemp("superset_log") / "superset.log", "w")  # noqa: SIM115 (closed below)
    started = time.monotonic()
    proc = subprocess.Popen([str(BI_PYTHON), "bi/start.py", "--port", str(port)], cwd=PROJECT_ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            assert proc.poll() is None, Path(log.name).read_text()[-5000:]
            assert time.monotonic() < deadline, "Superset did not answer /health in 300 s"
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(1)
        server = SupersetServer(base, proc, env, bi_setup.warehouse, time.monotonic() - started)
        print(f"\nSuperset up in {server.started_in:.1f} s (provisioning included)")
        yield server
    finally:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
        log.close()
