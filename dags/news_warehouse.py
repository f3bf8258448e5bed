"""news_warehouse: scraped articles in the inbox -> the published DuckDB warehouse.

land -> enrich (mapped over batches, any worker) -> check_articles (load the
enrichment, article gates: quarantine) -> build (dbt) -> validate (mart gates)
-> publish (atomic; a rejected load publishes only raw and audit rows).
Trigger with conf ``{"reprocess_quarantined": true}`` (or a load id) to re-check
quarantined articles after a fix, with ``{"rescan_inbox": true}`` to re-read every
inbox file (not only the new and changed ones). Thin on purpose: every step is a function
in ``newswarehouse.loadsteps``; nothing heavy is imported at parse time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, dag, get_current_context, task

# Data-aware scheduling: consumers (exports, BI refreshes) schedule on these.
LANDED_ARTICLES = Asset(name="newswarehouse_landed_articles", uri="newswarehouse://raw/articles")
PUBLISHED_WAREHOUSE = Asset(name="newswarehouse_published_warehouse", uri="newswarehouse://warehouse/published")

# Every task that writes DuckDB runs in this one-slot pool: one writer at a time.
DUCKDB_POOL = "newswarehouse_duckdb"


@dag(
    dag_id="news_warehouse",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(seconds=30)},
    tags=["newswarehouse"],
    doc_md=__doc__,
)
def news_warehouse():
    @task(pool=DUCKDB_POOL)
    def begin() -> dict:
        from newswarehouse import loadsteps

        return loadsteps.begin(get_current_context()["run_id"])

    @task(pool=DUCKDB_POOL, outlets=[LANDED_ARTICLES])
    def land(load: dict) -> dict:
        from newswarehouse import loadsteps

        conf = get_current_context()["dag_run"].conf or {}
        return loadsteps.land(load["load_id"], reprocess_quarantined=conf.get("reprocess_quarantined") or False,
                              rescan_inbox=bool(conf.get("rescan_inbox")))

    @task
    def batches_of(landed: dict) -> list[str]:
        return landed["batches"]

    @task(max_active_tis_per_dagrun=8)
    def enrich(batch_file: str, load: dict) -> dict:
        from newswarehouse import loadsteps

        return loadsteps.enrich(batch_file, load["load_id"])

    @task(pool=DUCKDB_POOL, trigger_rule="none_failed")
    def check_articles(load: dict) -> dict:
        from newswarehouse import loadsteps

        return loadsteps.check_articles(load["load_id"])

    @task(pool=DUCKDB_POOL)
    def build(load: dict, checked: dict) -> dict:
        from newswarehouse import loadsteps

        return loadsteps.build(load["load_id"], checked=checked)

    @task(pool=DUCKDB_POOL)
    def validate(load: dict, built: dict, checked: dict) -> dict:
        from newswarehouse import loadsteps

        return loadsteps.validate(load["load_id"], built=built, checked=checked)

    @task(pool=DUCKDB_POOL, outlets=[PUBLISHED_WAREHOUSE], retries=0)
    def publish(load: dict, landed: dict, built: dict, validation: dict) -> dict:
        from newswarehouse import loadsteps

        return loadsteps.publish(load["load_id"], load["started_at"], landed, built, validation)

    @task(pool=DUCKDB_POOL, trigger_rule="one_failed", retries=0)
    def record_failure(load: dict) -> None:
        """Put a crashed load on record, then fail: this leaf decides the run's state."""
        from airflow.sdk.exceptions import AirflowFailException

        from newswarehouse import loadsteps

        loadsteps.record_failure(load["load_id"], load["started_at"], "a task of the load failed; see Airflow logs")
        raise AirflowFailException(f"load {load['load_id']} did not publish; its outcome is in audit.load_runs")

    load = begin()
    landed = land(load)
    enriched = enrich.partial(load=load).expand(batch_file=batches_of(landed))
    checked = check_articles(load)
    enriched >> checked
    built = build(load, checked)
    validation = validate(load, built, checked)
    published = publish(load, landed, built, validation)
    [landed, enriched, checked, built, validation, published] >> record_failure(load)


dag_object = news_warehouse()
