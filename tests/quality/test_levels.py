"""The three check levels (warn / quarantine / reject), with real runs of `newswarehouse run`.

* Junk beside good articles: the junk is quarantined (or rejected at landing) one file at a
  time with a readable reason, the good articles publish, fill rates are warnings.
* A systemic failure (a reject-level check forced by a threshold; an NLP model that does not
  load) ends the run with one clear message, no Python traceback on the console, the full
  trace in the load's task log.
* Every expectation declares its level, and the load's report page shows each check's level.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import SAMPLES

from newswarehouse.quality.gates import check_marts
from newswarehouse.quality.gx_runner import SUITES_DIR
from newswarehouse.quality.levels import ARTICLE_SUITES, LEVELS, level_of, normalise
from newswarehouse.settings import load_settings
from newswarehouse.warehouse_schema import ensure_schema

GOOD = sorted(SAMPLES.glob("*.txt"))[:5]
JUNK: dict[str, bytes] = {
    "note.txt": b"Ring the printer people about the toner before Friday.\n",
    "hi-utf16.txt": "Hi there".encode("utf-16"),
    "quote-marks.txt": b'"' * 3000 + b"\n",
    "drop-table.txt": b"'; DROP TABLE articles; --\n",
    "script.txt": b"<script>alert('you have won a prize')</script>\n",
}


def suites() -> dict[str, dict]:
    return {json.loads(p.read_text())["name"]: json.loads(p.read_text()) for p in sorted(SUITES_DIR.rglob("*.json"))}


def query(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# ---- levels in the suites (no run) -------------------------------------------------------

def test_every_expectation_declares_one_of_the_three_levels():
    for name, suite in suites().items():
        for expectation in suite["expectations"]:
            meta = expectation["meta"]
            assert meta.get("level") in LEVELS, f"{name}.{meta.get('check')}: level {meta.get('level')!r}"
            if meta["level"] == "quarantine":
                assert name in ARTICLE_SUITES, f"{name}.{meta['check']}: quarantine needs one row per article"


def test_what_inputs_are_never_rejects_by_default():
    levels = {f"{name}.{e['meta']['check']}": e["meta"]["level"]
              for name, suite in suites().items() for e in suite["expectations"]}
    for check in ("staging.stg_articles.title_fill_rate", "staging.stg_articles.author_fill_rate",
                  "staging.stg_articles.date_fill_rate", "staging.stg_articles.body_fill_rate",
                  "marts.load_volume.quarantine_share"):
        assert levels[check] == "warn", check
    assert levels["staging.stg_articles.body_words_in_range"] == "quarantine"
    assert levels["marts.load_volume.failure_share"] == "reject"
    assert levels["marts.fct_statements.article_exists"] == "reject"


def test_a_level_override_names_a_check_by_suite_or_alone(monkeypatch):
    monkeypatch.setenv("NEWSWH_GATE_LEVELS", "title_fill_rate=reject, marts.load_volume.quarantine_share=reject")
    assert level_of("staging.stg_articles", "title_fill_rate", "warn") == "reject"
    assert level_of("marts.load_volume", "quarantine_share", "warn") == "reject"
    assert level_of("staging.stg_articles", "author_fill_rate", "warn") == "warn"
    monkeypatch.setenv("NEWSWH_GATE_LEVELS", "failure_share=quarantine")
    with pytest.raises(ValueError, match="needs an article suite"):
        level_of("marts.load_volume", "failure_share", "reject")
    monkeypatch.setenv("NEWSWH_GATE_LEVELS", "title_fill_rate")
    with pytest.raises(ValueError, match="not check=level"):
        level_of("staging.stg_articles", "title_fill_rate", "warn")


def test_the_first_suites_level_names_still_read():
    assert normalise("article") == "quarantine" and normalise("load") == "reject"
    with pytest.raises(ValueError, match="unknown check level"):
        normalise("fatal")


# ---- the failure share: what the pipeline failed on, not what the inputs are (real GX, no run) -----

def _batch_with_enrichment_errors(con: duckdb.DuckDBPyConnection, load_id: str, reasons: list[str | None]) -> None:
    """A load's batch as check_marts sees it before the marts exist: documents, errors, staging."""
    ensure_schema(con)
    con.execute("create schema if not exists staging")
    con.execute("create table staging.stg_articles (article_id varchar, word_count integer)")
    con.execute("create table staging.stg_mentions (article_id varchar)")
    con.execute("create table staging.stg_statements (article_id varchar)")
    for i, reason in enumerate(reasons):
        article_id = f"{i:064x}"
        con.execute("insert into enriched.documents (article_id, body_text, removed_line_count, enrichment_error, "
                    "enriched_by_load_id, enriched_at) values (?, 'Some body.', 0, ?, ?, now())",
                    [article_id, reason, load_id])
        if reason:
            con.execute("insert into audit.quarantined_articles values (?, ?, 'enrichment_error', ?, now())",
                        [article_id, load_id, reason])
        else:
            con.execute("insert into staging.stg_articles values (?, 120)", [article_id])


@pytest.mark.parametrize(("reasons", "rejected"), [
    # The NLP raised on four of six articles: it broke across the batch.
    (["ValueError: [E088] the pipeline broke"] * 4 + [None] * 2, True),
    # Four bodies longer than the NLP accepts: that is what those inputs are; quarantined, not rejected.
    (["body of 1,200,000 characters exceeds the NLP limit of 1,000,000"] * 4 + [None] * 2, False),
    # One failure in six: that article is quarantined, the rest publish.
    (["ValueError: [E088] the pipeline broke"] + [None] * 5, False),
])
def test_the_load_is_rejected_only_when_the_pipeline_failed_on_most_of_the_batch(tmp_path, reasons, rejected):
    settings = load_settings(home=tmp_path / "home", warehouse=tmp_path / "wh.duckdb")
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        _batch_with_enrichment_errors(con, "load_1", reasons)
        result = check_marts(con, "load_1", settings)
    assert ("marts.load_volume.failure_share" in result.failed_checks) is rejected, result.problems
    assert result.failed_checks == (["marts.load_volume.failure_share"] if rejected else [])
    # However many are quarantined, the share quarantined is a warning.
    assert any(w.startswith("marts.load_volume.quarantine_share") for w in result.warnings) is (len(
        [r for r in reasons if r]) / len(reasons) > 0.25)


# ---- junk beside good articles -----------------------------------------------------------

@pytest.fixture(scope="module")
def junk_load(run_cli, tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("junk")
    inbox = root / "inbox"
    inbox.mkdir()
    for path in GOOD:
        shutil.copy(path, inbox / path.name)
    for name, data in JUNK.items():
        (inbox / name).write_bytes(data)
    result = run_cli(inbox, root / "wh" / "warehouse.duckdb")
    return {"inbox": inbox, "result": result, "wh": result.warehouse}


def test_junk_beside_good_articles_publishes(junk_load):
    result = junk_load["result"]
    assert result.returncode == 0, result.output[-5000:]
    assert "Traceback" not in result.output
    ((status, failed, landing),) = query(junk_load["wh"], "select status, failed_checks, landing_report "
                                                         "from audit.load_runs")
    assert status == "published" and failed == []
    # Junk is reported, not fatal: the fill rates and the share quarantined are warnings.
    warnings = json.loads(landing)["warnings"]
    assert any(w.startswith("marts.load_volume.quarantine_share") for w in warnings), warnings
    assert "quality warnings" in result.output


def test_the_good_articles_reach_the_marts(junk_load):
    published = {Path(uri).name for (uri,) in query(
        junk_load["wh"], "select a.source_uri from marts.dim_articles d join raw.articles a using (article_id)")}
    assert published == {p.name for p in GOOD}


@pytest.mark.parametrize("name", sorted(JUNK))
def test_each_junk_file_is_quarantined_or_rejected_with_a_reason(junk_load, name):
    uri = str(junk_load["inbox"] / name)
    rejected = query(junk_load["wh"], "select reason from raw.rejected_files where source_uri = ?", [uri])
    quarantined = query(
        junk_load["wh"], "select q.check_name, q.reason from audit.quarantined_articles q "
                         "join raw.articles a using (article_id) where a.source_uri = ?", [uri])
    assert rejected or quarantined, f"{name}: neither rejected nor quarantined"
    for reason in [r for (r,) in rejected] + [r for _, r in quarantined]:
        assert len(reason.strip()) > 10, f"{name}: reason {reason!r}"
    if quarantined:  # named on the console with its check and reason
        assert re.search(rf"quarantined {re.escape(uri)}: \S+: \S", junk_load["result"].output), name
    assert not query(junk_load["wh"], "select 1 from marts.dim_articles d join raw.articles a using (article_id) "
                                      "where a.source_uri = ?", [uri])


def test_the_report_page_shows_each_checks_level(junk_load):
    ((page,),) = query(junk_load["wh"], "select data_docs_path from audit.load_runs")
    html = Path(page).read_text()
    shown = dict(re.findall(r"<tr><td><code>([\w.]+)</code></td><td class='level'>(\w+)</td>", html))
    declared = {f"{name}.{e['meta']['check']}": e["meta"]["level"]
                for name, suite in suites().items() for e in suite["expectations"]}
    assert shown, "no checks table on the load's page"
    for check, level in shown.items():
        assert declared[check] == level, check
    # Every suite that ran shows all its checks (a first load has every mart table).
    assert set(shown) == set(declared)
    assert "Warnings (" in html and "quarantine_share" in html


# ---- systemic failures -------------------------------------------------------------------

def _one_clear_message(output: str, word: str) -> None:
    assert "Traceback" not in output, output[-3000:]
    assert output.count(f"{word}: load ") == 1, output[-3000:]
    assert re.search(r"task log.*: \S+\.log", output), output[-3000:]
    assert "what to do:" in output


def test_a_failed_reject_level_check_rejects_with_one_clear_message(run_cli, tmp_path):
    # The NER "stops finding names": far fewer mentions per 1,000 words than news prose has.
    result = run_cli(SAMPLES, tmp_path / "warehouse.duckdb", env={"NEWSWH_GATE_MIN_MENTIONS_PER_1K_WORDS": "200"})
    assert result.returncode != 0
    _one_clear_message(result.output, "REJECTED")
    message = result.output.split("REJECTED: ")[1]
    assert re.search(r"what failed: marts\.load_volume\.mentions_per_1k_words: mentions_per_1k_words=[0-9.]+; expected 200 to 250", message)
    ((status, failed, docs),) = query(result.warehouse, "select status, failed_checks, data_docs_path "
                                                        "from audit.load_runs")
    assert status == "rejected" and failed == ["marts.load_volume.mentions_per_1k_words"]
    assert f"report:   {docs}" in result.output
    log = Path(re.search(r"task log: (\S+\.log)", result.output).group(1))
    assert "Traceback" in log.read_text() and "LoadRejected" in log.read_text()


@pytest.mark.slow
def test_a_crashed_load_names_the_task_and_the_cause_without_a_traceback(run_cli, tmp_path):
    # The NLP model cannot load: every enrichment attempt fails (two retries, ~1 min).
    result = run_cli(SAMPLES, tmp_path / "warehouse.duckdb", env={"NEWSWH_SPACY_MODEL": "no_such_spacy_model"})
    assert result.returncode != 0
    _one_clear_message(result.output, "FAILED")
    assert re.search(r"FAILED: load \S+ crashed in task enrich\[0\]: \S*ModelNotInstalled: ", result.output)
    ((status,),) = query(result.warehouse, "select status from audit.load_runs")
    assert status == "failed"
