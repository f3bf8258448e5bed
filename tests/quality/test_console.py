"""The closing message of a load that did not publish, read from its task log (no run needed)."""

from __future__ import annotations

from pathlib import Path

from newswarehouse.runlog import first_error, verdict

# A task log as Airflow writes it: an invented failure in a worker, chained, then the run's own failure.
LOG = """\
2031-01-01T00:00:00Z [warning  ] something chatty                [airflow]
Exception in initializer:
Traceback (most recent call last):
  File "/x/spacy/util.py", line 1, in load_model
    raise IOError("no model")
OSError: [E050] Can't find model 'tiny_model'.

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/x/newswarehouse/enrichment/nlp.py", line 28, in load_pipeline
    raise ModelNotInstalled(
newswarehouse.enrichment.nlp.ModelNotInstalled: spaCy model 'tiny_model' is not installed
2031-01-01T00:00:01Z [error    ] Task failed with exception     [task]
Traceback (most recent call last):
  File "/x/concurrent/futures/process.py", line 1, in map
concurrent.futures.process.BrokenProcessPool: A process in the process pool was terminated abruptly
2031-01-01T00:00:02Z [error    ] Task failed with exception     [task]
Traceback (most recent call last):
  File "/x/dags/news_warehouse.py", line 91, in record_failure
airflow.sdk.exceptions.AirflowFailException: load L did not publish; its outcome is in audit.load_runs
"""


def test_the_cause_is_the_last_of_the_first_chain_of_tracebacks(tmp_path: Path):
    log = tmp_path / "load.log"
    log.write_text(LOG)
    assert first_error(log) == "newswarehouse.enrichment.nlp.ModelNotInstalled: spaCy model 'tiny_model' is not installed"


def test_the_runs_own_failure_is_not_a_cause(tmp_path: Path):
    log = tmp_path / "load.log"
    log.write_text(LOG.split("2031-01-01T00:00:02Z")[1].split("\n", 1)[1])
    assert first_error(log) is None
    assert first_error(tmp_path / "missing.log") is None


def test_a_crash_names_the_task_and_the_cause_not_record_failure(tmp_path: Path):
    log = tmp_path / "load.log"
    log.write_text(LOG)
    text = verdict("L", {"status": "failed"}, ["enrich[0]", "record_failure"], log)
    first = text.strip().splitlines()[0]
    assert first == ("FAILED: load L crashed in task enrich[0]: newswarehouse.enrichment.nlp.ModelNotInstalled: "
                     "spaCy model 'tiny_model' is not installed")
    assert str(log) in text and "Traceback" not in text


def test_a_rejection_says_what_failed_where_the_report_is_and_what_to_do(tmp_path: Path):
    report = {"status": "rejected", "failed_checks": ["marts.load_volume.failure_share"],
              "message": "quality gates failed: marts.load_volume.failure_share: failed_share=0.8; expected 0 to 0.5",
              "data_docs_path": "/h/data_docs/loads/L.html"}
    text = verdict("L", report, ["publish", "record_failure"], tmp_path / "L.log")
    assert text.count("REJECTED: load L") == 1
    assert "what failed: marts.load_volume.failure_share: failed_share=0.8; expected 0 to 0.5" in text
    assert "report:   /h/data_docs/loads/L.html" in text and f"task log: {tmp_path / 'L.log'}" in text
    assert "what to do:" in text and "NEWSWH_GATE_LEVELS" in text
