"""export_on_publish: a Parquet snapshot of the marts after every published load.

Data-aware scheduling: this DAG has no clock. It runs whenever
``news_warehouse`` records an event on the ``newswarehouse_published_warehouse``
asset (its ``publish`` task's outlet), i.e. after each successful publish.
It reads the published warehouse read-only and writes
``$NEWSWH_HOME/exports/<load_id>/marts.<table>.parquet`` plus a manifest and
``latest.json`` (see ``newswarehouse.export``).

Other consumers (a BI extract refresh, a search index) follow the same
pattern: schedule on the asset by name, read the published file read-only.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Asset, dag, task

# Referenced by name: the asset is defined (with its URI) by the producer DAG.
PUBLISHED_WAREHOUSE = Asset.ref(name="newswarehouse_published_warehouse")


@dag(
    dag_id="export_on_publish",
    schedule=PUBLISHED_WAREHOUSE,
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(seconds=30)},
    tags=["newswarehouse"],
    doc_md=__doc__,
)
def export_on_publish():
    @task
    def export_marts() -> dict:
        from newswarehouse.export import export_published

        return export_published()

    export_marts()


dag_object = export_on_publish()
