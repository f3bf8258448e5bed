"""docker-compose.yml is a valid Compose file and matches the tested topology.

Validated against the Compose Specification's JSON schema (vendored from
compose-spec/compose-spec, ``schema/compose-spec.json``), after interpolating
variables the way ``docker compose`` does. Its services, commands and key
environment are compared with ``components.py``, which the topology test
(``test_topology.py``) starts as real processes.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import PROJECT_ROOT
from deploy.components import (
    API_SERVER_ONLY_ENV_KEYS,
    BACKING_SERVICES,
    COMPONENTS,
    DEPLOYMENT_ENV_KEYS,
    DUCKDB_POOL,
    FIXED_ENV,
    INIT_COMMANDS,
    SHARED_PATH_ENV_KEYS,
)

HERE = Path(__file__).resolve().parent
COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
INIT_SERVICE = "airflow-init"
AIRFLOW_SERVICES = {c.service for c in COMPONENTS} | {INIT_SERVICE}

_VAR = re.compile(r"\$(?:\$|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")


class MissingVariable(KeyError):
    pass


def interpolate(value, env: dict[str, str]):
    """Compose-style interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR?err}, $$."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def sub(m: re.Match) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group("name") or m.group("bare")
        op, arg = m.group("op"), m.group("arg")
        current = env.get(name)
        unset_or_empty = current in (None, "") if op and op.startswith(":") else current is None
        if op in (":?", "?") and unset_or_empty:
            raise MissingVariable(f"{name}: {arg}")
        if op in (":-", "-") and unset_or_empty:
            return arg
        return current or ""

    return _VAR.sub(sub, value)


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, val = line.partition("=")
            values[key.strip()] = val.strip()
    return values


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def filled_env() -> dict[str, str]:
    """.env.example with every required value filled in, as a user would."""
    return {k: v or f"test-{k.lower()}" for k, v in env_example().items()}


@pytest.fixture(scope="module")
def compose(raw, filled_env) -> dict:
    return interpolate(raw, filled_env)


def _command(service: dict) -> list[str]:
    cmd = service.get("command")
    return shlex.split(cmd) if isinstance(cmd, str) else list(cmd or [])


def test_valid_against_the_compose_spec_schema(raw, compose):
    schema = json.loads((HERE / "compose-spec.json").read_text())
    validator = jsonschema.Draft7Validator(schema)
    for doc in (raw, compose):
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_services_are_the_tested_components(compose):
    services = compose["services"]
    expected = {c.service for c in COMPONENTS} | set(BACKING_SERVICES) | {INIT_SERVICE}
    optional = {name for name, s in services.items() if s.get("profiles")}
    assert set(services) - optional == expected
    for component in COMPONENTS:
        assert _command(services[component.service]) == list(component.command), component.service


def test_airflow_services_share_environment_and_storage(compose):
    services = compose["services"]
    mounts_of = {}
    for name in AIRFLOW_SERVICES:
        env = services[name]["environment"]
        for key, value in FIXED_ENV.items():
            assert str(env.get(key)) == value, (name, key)
        missing = [k for k in DEPLOYMENT_ENV_KEYS if k not in env]
        assert not missing, (name, missing)
        mounts_of[name] = {v.split(":")[1]: v.split(":")[0] for v in services[name]["volumes"]}
    api_env = services["airflow-apiserver"]["environment"]
    assert all(k in api_env for k in API_SERVER_ONLY_ENV_KEYS)
    assert api_env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"].startswith("http://airflow-apiserver:8080/")

    common_env = services["airflow-worker"]["environment"]
    for key in SHARED_PATH_ENV_KEYS:
        path = Path(common_env[key])
        assert path.is_absolute(), key
        # The warehouse's folder holds <warehouse>.loads/ too: enrichment on any worker writes there.
        folder = path.parent if key == "NEWSWH_WAREHOUSE" else path
        targets = {t for t in mounts_of["airflow-worker"] if folder == Path(t) or Path(t) in folder.parents}
        assert targets, f"{key}={path} is not on a volume"
        for name in AIRFLOW_SERVICES:
            for target in targets:
                assert mounts_of[name].get(target) == mounts_of["airflow-worker"][target], (name, target)
    warehouse_mount = next(v for v in services["airflow-worker"]["volumes"] if ":/data/warehouse" in v)
    assert not warehouse_mount.endswith(":ro")
    for component in COMPONENTS:  # services that run tasks can never modify the inbox
        inbox_mount = next(v for v in services[component.service]["volumes"] if ":/data/inbox" in v)
        assert inbox_mount.endswith(":ro"), component.service


def test_init_migrates_and_creates_the_duckdb_pool(compose):
    init = compose["services"][INIT_SERVICE]
    script = _command(init)[-1]
    airflow_lines = [shlex.split(line) for line in script.splitlines() if line.strip().startswith("airflow ")]
    assert [tuple(words[1:]) for words in airflow_lines] == list(INIT_COMMANDS)
    # The pool is the one the DAG's DuckDB writers use.
    tree = ast.parse((PROJECT_ROOT / "dags" / "news_warehouse.py").read_text())
    dag_pool = next(
        n.value.value for n in tree.body
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "DUCKDB_POOL"
    )
    assert dag_pool == DUCKDB_POOL
    deps = {name: s.get("depends_on", {}) for name, s in compose["services"].items()}
    for component in COMPONENTS:
        assert deps[component.service][INIT_SERVICE]["condition"] == "service_completed_successfully"


def test_workers_scale_and_wait_for_the_execution_api(compose):
    worker = compose["services"]["airflow-worker"]
    assert "container_name" not in worker and "ports" not in worker  # --scale airflow-worker=N
    assert worker["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"


def test_secrets_come_from_env_with_no_default(raw):
    required = env_example()
    text = COMPOSE_FILE.read_text()
    for secret in ("POSTGRES_PASSWORD", "REDIS_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET",
                   "AIRFLOW_API_SECRET_KEY", "AIRFLOW_ADMIN_PASSWORD"):
        assert required.get(secret) == "", f"{secret} must be listed, empty, in .env.example"
        uses = re.findall(r"\$\{" + secret + r"([^}]*)\}", text)
        assert uses and all(u.startswith(":?") for u in uses), f"{secret} must be ${{{secret}:?...}}"
    with pytest.raises(MissingVariable, match="AIRFLOW_ADMIN_PASSWORD"):
        interpolate(raw["services"][INIT_SERVICE], {k: v for k, v in required.items() if v} | {
            s: "x" for s in ("POSTGRES_PASSWORD", "REDIS_PASSWORD", "AIRFLOW_FERNET_KEY", "AIRFLOW_JWT_SECRET",
                             "AIRFLOW_API_SECRET_KEY")})
    assert ".env" in (PROJECT_ROOT / ".gitignore").read_text().split()


def test_image_installs_the_lock_file_with_uv():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert re.search(r"uv pip sync .*requirements\.lock", dockerfile)
    assert "--no-deps -e ." in dockerfile
    assert re.search(r'ENTRYPOINT \[.*"airflow"\]', dockerfile)


class _ComposeLoader(yaml.SafeLoader):
    """Reads Compose's `!reset` / `!override` merge tags (as plain values)."""


_ComposeLoader.add_constructor("!reset", lambda loader, node: None)
_ComposeLoader.add_constructor(
    "!override", lambda loader, node: loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode)
    else loader.construct_mapping(node))

HOST_OVERRIDE = PROJECT_ROOT / "deploy" / "compose.host.yml"
# What the host-network override may change (tests/deploy/test_containers.py runs the
# compose file through it): networking, addresses and ports; nothing a user would not get.
_NETWORK_KEYS = {"network_mode", "extra_hosts", "environment", "ports"}
_NETWORK_ENV = re.compile(r"(PORT|HOST|_URL|_CONN|RESULT_BACKEND)$")


def test_host_override_changes_networking_and_ports_only(raw):
    override = yaml.load(HOST_OVERRIDE.read_text(), Loader=_ComposeLoader)
    assert set(override["services"]) <= set(raw["services"])
    for name, service in override["services"].items():
        assert service["network_mode"] == "host", name
        allowed = _NETWORK_KEYS | ({"command"} if name in BACKING_SERVICES else set())
        assert set(service) <= allowed, (name, set(service) - allowed)
        for key in service.get("environment", {}):
            assert _NETWORK_ENV.search(key) or key in ("PGPORT", "REDIS_PORT"), (name, key)
        if "command" in service:  # the server's own command, plus a bind address and a port
            words = service["command"]
            assert words[0] == name.replace("redis", "redis-server"), (name, words)
            assert set(_command(raw["services"][name])) <= set(words), (name, words)
            assert "127.0.0.1" in " ".join(words), name
        for host in service.get("extra_hosts", []):
            assert host.endswith(":127.0.0.1"), host
