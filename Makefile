# Two commands on a fresh machine with Python 3.11, pip and make:
#   make run    one whole load of the bundled sample corpus into ./warehouse.duckdb
#   make test   the test suite (what CI runs)
# Both create .venv from the committed lock file first when it is missing or stale.
# Packages are compiled to bytecode once at install: every load starts several
# Python processes (Airflow tasks, dbt, enrichment workers) that import them, and
# where PYTHONDONTWRITEBYTECODE is set they would otherwise compile ~6 s of source
# on every start.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := $(shell sed -n 's/^uv==//p' requirements.lock)

.PHONY: run test venv lock lint clean deploy-test bi bi-venv bi-lock docs dbt-test-all

run: $(STAMP)
	$(BIN)/newswarehouse run

test: $(STAMP)
	$(BIN)/python -m pytest

venv: $(STAMP)

# Every dbt data test over every row of ./warehouse.duckdb (a copy of it): a load's
# build tests only the rows it wrote; run this weekly (docs/operations: full data tests).
dbt-test-all: $(STAMP)
	$(BIN)/newswarehouse test-all

$(STAMP): requirements.lock pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

# Re-resolve the lock file after editing pyproject.toml dependencies.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra deploy --extra dev --python-version 3.11 -o requirements.lock

# docker-compose.yml and the Dockerfile built and run for real (podman, root, Debian;
# installs the toolchain and builds offline base images when no registry answers).
deploy-test: $(STAMP)
	NEWSWH_CONTAINER_TEST=1 $(BIN)/python -m pytest -v tests/deploy/test_containers.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/sqlfluff lint dbt_project/models

# Optional third command: Superset over ./warehouse.duckdb on 127.0.0.1 (bi/README.md).
# Superset lives in its own environment, .venv-bi, from bi/requirements.lock: its pins
# conflict with Airflow's. Secrets come from .env (see .env.example).
BI_VENV := .venv-bi
BI_STAMP := $(BI_VENV)/.installed

bi: $(BI_STAMP) $(STAMP)
	$(BI_VENV)/bin/python bi/start.py --create-secrets

bi-venv: $(BI_STAMP)

$(BI_STAMP): bi/requirements.lock $(STAMP)
	@test -x $(BI_VENV)/bin/python || $(PYTHON) -m venv $(BI_VENV)
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BI_VENV)/bin/python bi/requirements.lock
	@touch $(BI_STAMP)

bi-lock: $(STAMP)
	$(BIN)/uv pip compile bi/requirements.in --python-version 3.11 -o bi/requirements.lock

# The analysts' catalogue (dbt docs of the published warehouse) on 127.0.0.1.
docs: $(STAMP)
	$(BIN)/newswarehouse docs

clean:
	rm -rf $(VENV) $(BI_VENV) .newswarehouse warehouse.duckdb warehouse.duckdb.loads warehouse.duckdb.lock
