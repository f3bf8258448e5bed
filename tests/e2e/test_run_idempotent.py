"""Re-running a load lands nothing; a new file lands exactly that file; bad files are on record."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from conftest import SAMPLES

COUNTED = ("raw.articles", "raw.rejected_files", "staging.stg_articles", "staging.stg_sentences",
           "marts.dim_articles", "audit.quarantined_articles")


def _counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('raw', 'staging', 'marts', 'audit') and table_name != 'load_runs'"
        ).fetchall()
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0] for (t,) in tables}


def _sample_files(n: int) -> list[Path]:
    files = sorted(p for p in SAMPLES.iterdir() if p.is_file())
    assert len(files) >= n, "the bundled sample corpus is missing"
    return files[:n]


def test_second_run_lands_nothing_and_one_new_file_lands_once(run_cli, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    first, *rest = _sample_files(4)
    for f in rest:
        shutil.copy(f, inbox / f.name)
    wh = tmp_path / "wh" / "warehouse.duckdb"

    r1 = run_cli(inbox, wh)
    assert r1.returncode == 0, r1.output[-4000:]
    before = _counts(wh)
    assert before["raw.articles"] == 3

    r2 = run_cli(inbox, wh)
    assert r2.returncode == 0, r2.output[-4000:]
    assert "landed: 0" in r2.output and "already known: 3" in r2.output
    # Nothing new: the manifest (raw.inbox_files) spares every file a read.
    assert "files read: 0   unchanged since an earlier load (not read): 3" in r2.output
    assert _counts(wh) == before

    shutil.copy(first, inbox / first.name)
    r3 = run_cli(inbox, wh)
    assert r3.returncode == 0, r3.output[-4000:]
    assert "landed: 1 " in r3.output
    after = _counts(wh)
    assert after["raw.articles"] == 4 and after["marts.dim_articles"] == 4
    with duckdb.connect(str(wh), read_only=True) as con:
        statuses = [s for (s,) in con.execute("select status from audit.load_runs order by started_at").fetchall()]
    assert statuses == ["published"] * 3

    # --rescan-inbox reaches the land task through the DAG's conf: every file read, nothing new.
    r4 = run_cli(inbox, wh, "--rescan-inbox")
    assert r4.returncode == 0, r4.output[-4000:]
    assert "files read: 4   unchanged since an earlier load (not read): 0" in r4.output
    assert "landed: 0" in r4.output and "already known: 4" in r4.output
    assert _counts(wh) == after
    # The inbox is never modified.
    assert sorted(p.name for p in inbox.iterdir()) == sorted(p.name for p in [first, *rest])


def test_bad_files_are_rejected_with_reasons_and_good_ones_published(run_cli, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = _sample_files(2)
    for f in good:
        shutil.copy(f, inbox / f.name)
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "blank.txt").write_text("   \n\t\n")
    (inbox / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    article = (
        "Café owners in Besançon protest new rules\n\n"
        "By Amélie Dupré\n\n"
        "Café owners in Besançon said on Tuesday that the city’s new terrace rules would cost them dearly. "
        "“We are not naïve,” said Jérôme Lefèvre, who runs a brasserie near the cathedral. "
        "The mayor’s office said the rules protect residents from noise.\n\n"
        "Owners plan to meet officials next week, according to the local trade association.\n"
    )
    (inbox / "cp1252.txt").write_bytes(article.encode("cp1252"))

    result = run_cli(inbox, tmp_path / "warehouse.duckdb")
    assert result.returncode == 0, result.output[-4000:]
    for name in ("empty.txt", "blank.txt", "image.bin"):
        assert f"rejected {inbox / name}:" in result.output
    with duckdb.connect(str(result.warehouse), read_only=True) as con:
        rejected = dict(con.execute("select source_uri, reason from raw.rejected_files").fetchall())
        assert set(rejected) == {str(inbox / n) for n in ("empty.txt", "blank.txt", "image.bin")}
        assert "empty" in rejected[str(inbox / "empty.txt")]
        assert "binary" in rejected[str(inbox / "image.bin")]
        assert con.execute("select count(*) from marts.dim_articles").fetchone()[0] == 3
        (raw_text,) = con.execute("select raw_text from raw.articles where source_uri like '%cp1252.txt'").fetchone()
        (body,) = con.execute(
            "select body_text from staging.stg_articles where source_uri like '%cp1252.txt'"
        ).fetchone()
    assert raw_text == article
    assert "Jérôme Lefèvre" in body and "naïve" in body
