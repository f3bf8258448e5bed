"""export_on_publish is scheduled on the asset news_warehouse publishes, and stays thin."""

from __future__ import annotations

import os

import pytest
from conftest import PROJECT_ROOT


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(PROJECT_ROOT / "dags"))


def test_export_runs_on_the_published_warehouse_asset(dagbag):
    producer = dagbag.dags["news_warehouse"]
    consumer = dagbag.dags["export_on_publish"]
    published = {o.name for o in producer.get_task("publish").outlets}
    condition = consumer.timetable.asset_condition
    assert getattr(condition, "name", None) in published
    assert "newswarehouse_published_warehouse" == condition.name
    assert [t.task_id for t in consumer.tasks] == ["export_marts"]
    assert consumer.catchup is False and consumer.max_active_runs == 1
