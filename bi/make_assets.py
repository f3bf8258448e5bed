"""Write bi/assets/ (Superset's export format) from the compact chart specs below.

The YAML under bi/assets/ is what Superset imports at start (bi/provision.py) and what a
reviewer reads; this script only keeps it consistent (ids, query contexts, layout).
Re-run after editing a spec: `.venv-bi/bin/python bi/make_assets.py`. Placeholders
__WAREHOUSE_URI__ and __DOCS_URL__ are filled in at import time.

Each chart carries both its form data (`params`, what the editor shows) and a saved
`query_context` (what /api/v1/chart/<id>/data runs), so charts answer without a browser.
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ASSETS = Path(__file__).resolve().parent / "assets"
NS = uuid.UUID("4f1c2a57-8d0e-4b8e-9a51-6e5d2c1b0a99")
DB_UUID = str(uuid.uuid5(NS, "database:newswarehouse"))
NO_FILTER = "No filter"


def uid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NS, f"{kind}:{name}"))


# ---------------------------------------------------------------- datasets

@dataclass
class Dataset:
    name: str
    schema: str
    columns: dict[str, str]  # name -> DuckDB type
    dttm: str | None = None
    sql: str | None = None
    metrics: dict[str, str] = field(default_factory=dict)  # name -> SQL expression
    calculated: dict[str, str] = field(default_factory=dict)  # name -> SQL expression
    description: str = ""

    @property
    def uuid(self) -> str:
        return uid("dataset", f"{self.schema}.{self.name}")


LOAD_RUNS_SQL = """\
select
    load_id,
    started_at,
    finished_at,
    status,
    files_seen,
    articles_landed,
    files_rejected,
    articles_quarantined,
    articles_enriched,
    array_to_string(failed_checks, ', ') as failed_checks,
    len(failed_checks) as failed_check_count,
    round(epoch(finished_at - started_at), 1) as seconds,
    case
        when data_docs_path is not null
            then '<a href="__DOCS_URL__/data_docs/'
                || regexp_extract(data_docs_path, 'data_docs/(.*)$', 1)
                || '" target="_blank">quality report</a>'
    end as quality_report
from audit.load_runs"""

LOAD_CHECKS_SQL = """\
-- One row per (load, failed check); a load whose checks all passed gets one row
-- '(none failed)', so the chart shows every load.
select
    load_id,
    started_at,
    status,
    check_name
from audit.load_runs,
    unnest(
        case when len(failed_checks) = 0 then ['(none failed)'] else failed_checks end
    ) as checks (check_name)"""

DATASETS = {
    "mentions": Dataset(
        "bi_entity_mentions", "marts",
        {"mention_id": "VARCHAR", "entity_id": "VARCHAR", "canonical_name": "VARCHAR", "entity_type": "VARCHAR",
         "surface_text": "VARCHAR", "article_id": "VARCHAR", "title": "VARCHAR", "publisher": "VARCHAR",
         "article_date": "DATE", "source_uri": "VARCHAR", "sentence_index": "INTEGER", "sentence_text": "VARCHAR"},
        dttm="article_date",
        metrics={"mentions": "COUNT(*)", "articles": "COUNT(DISTINCT article_id)"},
        # The article, sentence by sentence, with this one marked (served by `newswarehouse docs`).
        calculated={"article_link": "'<a href=\"__DOCS_URL__/articles/' || article_id || '#s' || sentence_index"
                                    " || '\" target=\"_blank\">sentence ' || sentence_index || '</a>'"},
        description="Where entities are mentioned (dbt view marts.bi_entity_mentions).",
    ),
    "cooccurrence": Dataset(
        "bi_entity_cooccurrence", "marts",
        {"entity_id": "VARCHAR", "canonical_name": "VARCHAR", "entity_type": "VARCHAR",
         "other_entity_id": "VARCHAR", "other_canonical_name": "VARCHAR", "other_entity_type": "VARCHAR",
         "article_count": "INTEGER", "sentence_count": "INTEGER", "first_seen_date": "DATE",
         "last_seen_date": "DATE"},
        dttm="last_seen_date",
        metrics={"articles together": "SUM(article_count)", "pairs": "COUNT(*)"},
        description="Entity pairs in both directions (dbt view marts.bi_entity_cooccurrence).",
    ),
    "statements": Dataset(
        "statements_who_said_what", "marts",
        {"statement_id": "VARCHAR", "article_id": "VARCHAR", "article_date": "DATE", "publisher": "VARCHAR",
         "title": "VARCHAR", "speaker": "VARCHAR", "speaker_entity_id": "VARCHAR", "speaker_text": "VARCHAR",
         "speaker_role": "VARCHAR", "cue_verb": "VARCHAR", "cue_class": "VARCHAR", "target_entity_id": "VARCHAR",
         "target_name": "VARCHAR", "target_type": "VARCHAR", "is_direct_quote": "BOOLEAN",
         "statement_text": "VARCHAR"},
        dttm="article_date",
        # One row per (statement, target): count statements, not rows.
        metrics={"statements": "COUNT(DISTINCT statement_id)"},
        calculated={"quote_kind": "CASE WHEN is_direct_quote THEN 'direct quote' ELSE 'reported speech' END",
                    "article_link": "'<a href=\"__DOCS_URL__/articles/' || article_id"
                                    " || '\" target=\"_blank\">article</a>'"},
        description="Who said what about whom (dbt view marts.statements_who_said_what).",
    ),
    "loads": Dataset(
        "load_runs_overview", "audit",
        {"load_id": "VARCHAR", "started_at": "TIMESTAMP", "finished_at": "TIMESTAMP", "status": "VARCHAR",
         "files_seen": "INTEGER", "articles_landed": "INTEGER", "files_rejected": "INTEGER",
         "articles_quarantined": "INTEGER", "articles_enriched": "INTEGER", "failed_checks": "VARCHAR",
         "failed_check_count": "BIGINT", "seconds": "DOUBLE", "quality_report": "VARCHAR"},
        dttm="started_at", sql=LOAD_RUNS_SQL,
        metrics={"loads": "COUNT(*)", "articles landed": "SUM(articles_landed)",
                 "files rejected": "SUM(files_rejected)", "articles quarantined": "SUM(articles_quarantined)"},
        description="audit.load_runs, one row per load, with a link to each load's quality report.",
    ),
    "checks": Dataset(
        "load_failed_checks", "audit",
        {"load_id": "VARCHAR", "started_at": "TIMESTAMP", "status": "VARCHAR", "check_name": "VARCHAR"},
        dttm="started_at", sql=LOAD_CHECKS_SQL,
        metrics={"loads": "COUNT(DISTINCT load_id)"},
        description="audit.load_runs unnested: one row per failed quality check of a load.",
    ),
}


def dataset_yaml(ds: Dataset) -> dict[str, Any]:
    columns = [
        {"column_name": name, "verbose_name": None, "is_dttm": typ in ("DATE", "TIMESTAMP"), "is_active": True,
         "type": typ, "advanced_data_type": None, "groupby": True, "filterable": True, "expression": None,
         "description": None, "python_date_format": None, "extra": {}}
        for name, typ in ds.columns.items()
    ] + [
        {"column_name": name, "verbose_name": None, "is_dttm": False, "is_active": True, "type": "VARCHAR",
         "advanced_data_type": None, "groupby": True, "filterable": True, "expression": expr,
         "description": None, "python_date_format": None, "extra": {}}
        for name, expr in ds.calculated.items()
    ]
    metrics = [
        {"metric_name": name, "verbose_name": name, "metric_type": None, "expression": expr, "description": None,
         "d3format": None, "currency": None, "extra": {}, "warning_text": None}
        for name, expr in ds.metrics.items()
    ]
    return {
        "table_name": ds.name, "main_dttm_col": ds.dttm, "description": ds.description, "default_endpoint": None,
        "offset": 0, "cache_timeout": None, "catalog": None, "schema": ds.schema, "sql": ds.sql, "params": None,
        "template_params": None, "filter_select_enabled": True, "fetch_values_predicate": None, "extra": None,
        "normalize_columns": False, "always_filter_main_dttm": False, "uuid": ds.uuid, "metrics": metrics,
        "columns": columns, "version": "1.0.0", "database_uuid": DB_UUID,
    }


# ---------------------------------------------------------------- charts

@dataclass
class Chart:
    key: str
    name: str
    dataset: str
    viz: str
    params: dict[str, Any]
    query: dict[str, Any]
    width: int = 6
    height: int = 50
    description: str = ""

    @property
    def uuid(self) -> str:
        return uid("chart", self.key)


def time_filter(ds: Dataset) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The (form data, query) filter a dashboard's time-range filter overrides."""
    if not ds.dttm:
        return [], []
    adhoc = [{"clause": "WHERE", "subject": ds.dttm, "operator": "TEMPORAL_RANGE", "comparator": NO_FILTER,
              "expressionType": "SIMPLE"}]
    return adhoc, [{"col": ds.dttm, "op": "TEMPORAL_RANGE", "val": NO_FILTER}]


def table_raw(key: str, name: str, ds_key: str, columns: list[str], order_by: list[tuple[str, bool]],
              limit: int = 500, **layout: Any) -> Chart:
    ds = DATASETS[ds_key]
    adhoc, filters = time_filter(ds)
    params = {
        "viz_type": "table", "query_mode": "raw", "all_columns": columns,
        "order_by_cols": [json.dumps([col, asc]) for col, asc in order_by], "row_limit": limit,
        "server_page_length": 50, "adhoc_filters": adhoc, "allow_render_html": True, "include_search": True,
        "table_timestamp_format": "%Y-%m-%d %H:%M" if ds.dttm and ds.columns[ds.dttm] == "TIMESTAMP"
        else "%Y-%m-%d",
    }
    # No "metrics" key at all: Superset groups by the columns whenever metrics is not None,
    # even an empty list, which both merges identical rows and breaks ORDER BY another column.
    query = {"columns": columns, "orderby": [[col, asc] for col, asc in order_by], "row_limit": limit,
             "filters": filters}
    return Chart(key, name, ds_key, "table", params, query, **layout)


def table_agg(key: str, name: str, ds_key: str, groupby: list[str], metrics: list[str], limit: int = 100,
              **layout: Any) -> Chart:
    ds = DATASETS[ds_key]
    adhoc, filters = time_filter(ds)
    params = {
        "viz_type": "table", "query_mode": "aggregate", "groupby": groupby, "metrics": metrics,
        "timeseries_limit_metric": metrics[0], "order_desc": True, "row_limit": limit, "server_page_length": 50,
        "adhoc_filters": adhoc, "include_search": True,
    }
    query = {"columns": groupby, "metrics": metrics, "orderby": [[metrics[0], False]], "row_limit": limit,
             "filters": filters}
    return Chart(key, name, ds_key, "table", params, query, **layout)


def bars_over_time(key: str, name: str, ds_key: str, metrics: list[str], groupby: list[str],
                   series_limit: int = 0, grain: str = "P1D", **layout: Any) -> Chart:
    ds = DATASETS[ds_key]
    assert ds.dttm
    adhoc, filters = time_filter(ds)
    params = {
        "viz_type": "echarts_timeseries_bar", "x_axis": ds.dttm, "time_grain_sqla": grain, "metrics": metrics,
        "groupby": groupby, "adhoc_filters": adhoc, "row_limit": 10000, "series_limit": series_limit,
        "series_limit_metric": metrics[0], "order_desc": True, "stack": "Stack", "show_legend": True,
        "legendType": "scroll", "legendOrientation": "top", "rich_tooltip": True, "x_axis_sort_asc": True,
        "orientation": "vertical", "truncate_metric": True, "comparison_type": "values",
        "x_axis_time_format": "smart_date",
    }
    axis = {"columnType": "BASE_AXIS", "sqlExpression": ds.dttm, "label": ds.dttm, "expressionType": "SQL",
            "timeGrain": grain}
    query = {
        "columns": [axis, *groupby], "metrics": metrics, "orderby": [[metrics[0], False]], "row_limit": 10000,
        "series_columns": groupby, "series_limit": series_limit, "series_limit_metric": metrics[0],
        "order_desc": True, "filters": filters, "time_offsets": [],
        "post_processing": [
            {"operation": "pivot", "options": {"index": [ds.dttm], "columns": groupby,
                                               "aggregates": {m: {"operator": "mean"} for m in metrics},
                                               "drop_missing_columns": False}},
            {"operation": "flatten"},
        ],
    }
    return Chart(key, name, ds_key, "echarts_timeseries_bar", params, query, **layout)


def pie(key: str, name: str, ds_key: str, groupby: list[str], metric: str, **layout: Any) -> Chart:
    ds = DATASETS[ds_key]
    adhoc, filters = time_filter(ds)
    params = {"viz_type": "pie", "groupby": groupby, "metric": metric, "adhoc_filters": adhoc, "row_limit": 100,
              "sort_by_metric": True, "show_labels": True, "label_type": "key_percent", "show_legend": True,
              "legendOrientation": "top", "number_format": "SMART_NUMBER", "donut": True, "outerRadius": 70,
              "innerRadius": 30, "labels_outside": True}
    query = {"columns": groupby, "metrics": [metric], "orderby": [[metric, False]], "row_limit": 100,
             "filters": filters}
    return Chart(key, name, ds_key, "pie", params, query, **layout)


CHARTS = {
    "entities": [
        bars_over_time("top_entities_over_time", "Top 10 entities over time (mentions per month)", "mentions",
                       ["mentions"], ["canonical_name"], series_limit=10, grain="P1M", width=7),
        table_agg("top_entities", "Most mentioned entities", "mentions", ["canonical_name", "entity_type"],
                  ["mentions", "articles"], width=5),
        table_agg("cooccurring", "Co-occurring entities (choose an entity in the filter)", "cooccurrence",
                  ["canonical_name", "other_canonical_name", "other_entity_type"],
                  ["articles together"], limit=200, width=12, height=50),
        table_raw("where_mentioned", "Where it is mentioned (sentence and article)", "mentions",
                  ["canonical_name", "surface_text", "sentence_text", "article_link", "title", "publisher",
                   "article_date", "source_uri"],
                  [("article_date", False), ("sentence_index", True)], width=12, height=70),
    ],
    "statements": [
        table_raw("statements", "Who said what", "statements",
                  ["article_date", "publisher", "speaker", "speaker_role", "cue_verb", "cue_class", "target_name",
                   "is_direct_quote", "statement_text", "title", "article_link"],
                  [("article_date", False), ("speaker", True)], limit=1000, width=12, height=70),
        table_agg("quoted_speakers", "Most-quoted speakers per publisher", "statements", ["publisher", "speaker"],
                  ["statements"], width=8),
        pie("direct_share", "Direct quotes vs reported speech", "statements", ["quote_kind"], "statements",
            width=4),
    ],
    "loads": [
        bars_over_time("load_status", "Loads by status", "loads", ["loads"], ["status"], width=4),
        bars_over_time("load_articles", "Articles landed, files rejected, articles quarantined", "loads",
                       ["articles landed", "files rejected", "articles quarantined"], [], width=5),
        table_agg("failed_checks", "Failed quality checks", "checks", ["check_name"], ["loads"], width=3),
        table_raw("load_runs", "Loads (audit.load_runs)", "loads",
                  ["started_at", "status", "seconds", "files_seen", "articles_landed", "files_rejected",
                   "articles_quarantined", "failed_checks", "quality_report", "load_id"],
                  [("started_at", False)], limit=200, width=12, height=50),
    ],
}


def chart_yaml(chart: Chart) -> dict[str, Any]:
    ds = DATASETS[chart.dataset]
    datasource = f"__{chart.dataset}__table"  # rewritten to "<id>__table" on import
    params = {**chart.params, "datasource": datasource, "extra_form_data": {}, "dashboards": []}
    query = {"filters": [], "extras": {"having": "", "where": ""}, "applied_time_extras": {},
             "annotation_layers": [], "url_params": {}, "custom_params": {}, "custom_form_data": {},
             **chart.query}
    query_context = {"datasource": {"id": 0, "type": "table"}, "force": False, "queries": [query],
                     "form_data": params, "result_format": "json", "result_type": "full"}
    return {
        "slice_name": chart.name, "description": chart.description or None, "certified_by": None,
        "certification_details": None, "viz_type": chart.viz, "params": params,
        "query_context": json.dumps(query_context), "cache_timeout": None, "uuid": chart.uuid,
        "version": "1.0.0", "dataset_uuid": ds.uuid,
    }


# ---------------------------------------------------------------- dashboards

DASHBOARDS = {
    "entities": ("Entities", "Who is mentioned, with whom and where. Choose an entity or a type in the filters."),
    "statements": ("Who said what", "Statements by speaker, target entity, cue class, publisher and date."),
    "loads": ("Loads", "What every load did (audit.load_runs) and which quality checks failed."),
}

DOCS_LINKS = (
    "[Catalogue of the marts (dbt docs)](__DOCS_URL__/dbt_docs/index.html) · "
    "[Quality reports of every load](__DOCS_URL__/data_docs/) · "
    "links open in `newswarehouse docs` (run it beside Superset)"
)


def native_filters(key: str) -> list[dict[str, Any]]:
    def select(name: str, ds_key: str, column: str, multi: bool = True) -> dict[str, Any]:
        return {
            "id": f"NATIVE_FILTER-{uid('filter', key + column)[:8]}", "name": name, "filterType": "filter_select",
            "targets": [{"datasetUuid": DATASETS[ds_key].uuid, "column": {"name": column}}],
            "controlValues": {"enableEmptyFilter": False, "defaultToFirstItem": False, "multiSelect": multi,
                              "searchAllOptions": True, "inverseSelection": False},
            "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
            "cascadeParentIds": [], "scope": {"rootPath": ["ROOT_ID"], "excluded": []},
            "type": "NATIVE_FILTER", "description": "",
        }

    time_range = {
        "id": f"NATIVE_FILTER-{uid('filter', key + 'time')[:8]}", "name": "Date", "filterType": "filter_time",
        "targets": [{}], "controlValues": {"enableEmptyFilter": False},
        "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
        "cascadeParentIds": [], "scope": {"rootPath": ["ROOT_ID"], "excluded": []},
        "type": "NATIVE_FILTER", "description": "",
    }
    if key == "entities":
        return [select("Entity", "mentions", "canonical_name"), select("Entity type", "mentions", "entity_type"),
                select("Publisher", "mentions", "publisher"), time_range]
    if key == "statements":
        return [select("Speaker", "statements", "speaker"), select("Target entity", "statements", "target_name"),
                select("Cue class", "statements", "cue_class"), select("Publisher", "statements", "publisher"),
                time_range]
    return [select("Status", "loads", "status"), time_range]


def dashboard_yaml(key: str, charts: list[Chart]) -> dict[str, Any]:
    title, blurb = DASHBOARDS[key]
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": title}},
    }
    rows: list[list[Any]] = [[("MARKDOWN-intro", f"**{blurb}**\n\n{DOCS_LINKS}", 12, 10)]]
    row: list[Any] = []
    for chart in charts:
        if sum(item.width for item in row) + chart.width > 12:
            rows.append(row)
            row = []
        row.append(chart)
    rows.append(row)
    chart_id = 0
    for r, items in enumerate(rows):
        row_id = f"ROW-{key}-{r}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {"type": "ROW", "id": row_id, "children": [], "parents": ["ROOT_ID", "GRID_ID"],
                            "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        for item in items:
            if isinstance(item, tuple):
                md_id, code, width, height = item
                position[row_id]["children"].append(md_id)
                position[md_id] = {"type": "MARKDOWN", "id": md_id, "children": [],
                                   "parents": ["ROOT_ID", "GRID_ID", row_id],
                                   "meta": {"code": code, "width": width, "height": height}}
                continue
            chart_id += 1
            cid = f"CHART-{item.key}"
            position[row_id]["children"].append(cid)
            position[cid] = {"type": "CHART", "id": cid, "children": [], "parents": ["ROOT_ID", "GRID_ID", row_id],
                             "meta": {"width": item.width, "height": item.height, "chartId": chart_id,
                                      "uuid": item.uuid, "sliceName": item.name}}
    metadata = {
        "native_filter_configuration": native_filters(key),
        "color_scheme": "supersetColors", "refresh_frequency": 0, "expanded_slices": {},
        "label_colors": {}, "shared_label_colors": [], "timed_refresh_immune_slices": [],
        "cross_filters_enabled": True, "default_filters": "{}", "chart_configuration": {},
        "global_chart_configuration": {"scope": {"rootPath": ["ROOT_ID"], "excluded": []},
                                       "chartsInScope": []},
    }
    return {
        "dashboard_title": title, "description": None, "css": "", "slug": f"newswarehouse-{key}",
        "certified_by": None, "certification_details": None, "published": True, "uuid": uid("dashboard", key),
        "position": position, "metadata": metadata, "version": "1.0.0",
    }


def database_yaml() -> dict[str, Any]:
    return {
        "database_name": "newswarehouse", "sqlalchemy_uri": "__WAREHOUSE_URI__", "cache_timeout": None,
        "expose_in_sqllab": True, "allow_run_async": False, "allow_ctas": False, "allow_cvas": False,
        "allow_dml": False, "allow_file_upload": False,
        "extra": {
            # read_only: the published file is opened per query without a write lock, so
            # readers never block a load; enable_external_access off: no COPY TO, ATTACH,
            # read_csv of other files or extension installs from SQL Lab.
            "engine_params": {"connect_args": {"read_only": True,
                                               "config": {"enable_external_access": False}}},
            "metadata_params": {}, "schemas_allowed_for_file_upload": [], "allows_virtual_table_explore": True,
            "disable_data_preview": False,
        },
        "impersonate_user": False, "uuid": DB_UUID, "version": "1.0.0",
    }


def write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")


def main() -> None:
    shutil.rmtree(ASSETS, ignore_errors=True)
    write(ASSETS / "metadata.yaml", {"version": "1.0.0", "type": "assets", "timestamp": "2026-01-01T00:00:00+00:00"})
    write(ASSETS / "databases" / "newswarehouse.yaml", database_yaml())
    for ds in DATASETS.values():
        write(ASSETS / "datasets" / "newswarehouse" / f"{ds.name}.yaml", dataset_yaml(ds))
    for key, charts in CHARTS.items():
        for chart in charts:
            write(ASSETS / "charts" / f"{chart.key}.yaml", chart_yaml(chart))
        write(ASSETS / "dashboards" / f"{key}.yaml", dashboard_yaml(key, charts))


if __name__ == "__main__":
    main()
