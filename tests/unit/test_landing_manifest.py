"""The landing manifest (raw.inbox_files): unchanged files are not read again, changed and new ones are.

Real DuckDB and a real inbox in tmp. Files are dated an hour back (os.utime):
a file modified within seconds of a landing is not trusted (the racy window)
and would be re-read whatever the test wants to show.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime

import duckdb
import pytest

from newswarehouse.audit import LoadRecord
from newswarehouse.loading import land as land_module
from newswarehouse.loading.land import land_inbox
from newswarehouse.loading.manifest import RACY_SECONDS
from newswarehouse.loadsteps import _publish_audit_rows
from newswarehouse.warehouse_schema import ensure_schema
from newswarehouse.workspace import Workspace

MB = 2**20
HOUR_AGO_NS = time.time_ns() - 3600 * 10**9


def _write(path, text: str, mtime_ns: int = HOUR_AGO_NS) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


def _swap_content_keeping_size_and_mtime(path, text: str) -> None:
    """Rewrite in place (same inode) to the same length, then set the old mtime back."""
    before = os.stat(path)
    assert len(text.encode()) == before.st_size
    with open(path, "r+b") as fh:
        fh.write(text.encode())
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


@pytest.fixture
def inbox(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    _write(inbox / "a.txt", "The council met on Monday.\n")
    _write(inbox / "sub" / "b.txt", "The bridge reopened on Friday.\n")
    _write(inbox / "empty.txt", "")
    return inbox


@pytest.fixture
def con():
    con = duckdb.connect()
    ensure_schema(con)
    yield con
    con.close()


def _texts(con) -> set[str]:
    return {t for (t,) in con.execute("select raw_text from raw.articles").fetchall()}


def _figures(summary) -> tuple[int, int, int, int, int, int]:
    return (summary.files_seen, summary.articles_landed, summary.files_already_known, summary.files_rejected,
            summary.files_read, summary.files_unchanged)


def test_unchanged_files_are_not_read_again_and_a_new_mtime_is(con, inbox):
    first = land_inbox(con, inbox, "load_1", MB)
    assert _figures(first) == (3, 2, 0, 1, 3, 0)
    # Same size, same mtime, same inode, other words: only reading the file could tell.
    _swap_content_keeping_size_and_mtime(inbox / "a.txt", "The council met on Sunday.\n")
    noop = land_inbox(con, inbox, "load_2", MB)
    assert _figures(noop) == (3, 0, 2, 1, 0, 3)  # the report counts as a full re-read would
    assert "The council met on Sunday.\n" not in _texts(con)  # proof it was not read
    assert noop.rejections == first.rejections

    later = HOUR_AGO_NS + 10**9
    os.utime(inbox / "a.txt", ns=(later, later))
    touched = land_inbox(con, inbox, "load_3", MB)
    assert _figures(touched) == (3, 1, 1, 1, 1, 2)
    assert "The council met on Sunday.\n" in _texts(con)
    (load,) = con.execute("select load_id from raw.inbox_files where source_uri like '%a.txt'").fetchone()
    assert load == "load_3"


def test_changed_file_is_read_and_its_hash_decides_new_or_known(con, inbox):
    land_inbox(con, inbox, "load_1", MB)
    _write(inbox / "a.txt", "The council met on Monday and again on Tuesday.\n")
    changed = land_inbox(con, inbox, "load_2", MB)
    assert (changed.articles_landed, changed.files_read, changed.files_unchanged) == (1, 1, 2)
    # Written back as it was (a new mtime): read again, its content is known.
    _write(inbox / "a.txt", "The council met on Monday.\n", HOUR_AGO_NS + 5 * 10**9)
    back = land_inbox(con, inbox, "load_3", MB)
    assert (back.articles_landed, back.files_already_known, back.files_read) == (0, 2, 1)
    assert con.execute("select count(*) from raw.articles").fetchone()[0] == 3


def test_new_file_lands_and_only_it_is_read(con, inbox):
    land_inbox(con, inbox, "load_1", MB)
    _write(inbox / "sub" / "c.txt", "A new library opened downtown.\n")
    new = land_inbox(con, inbox, "load_2", MB)
    assert _figures(new) == (4, 1, 2, 1, 1, 3)
    rows = con.execute("select source_uri, load_id, articles from raw.inbox_files order by 1").fetchall()
    assert [(os.path.relpath(u, inbox), load, n) for u, load, n in rows] == [
        ("a.txt", "load_1", 1), ("empty.txt", "load_1", 0), ("sub/b.txt", "load_1", 1), ("sub/c.txt", "load_2", 1),
    ]


def test_a_file_written_just_before_a_landing_is_read_again(con, inbox):
    """Within the racy window the mtime may not move on a further write: such a file is not trusted."""
    _write(inbox / "fresh.txt", "Fresh off the press.\n", time.time_ns())
    land_inbox(con, inbox, "load_1", MB)
    again = land_inbox(con, inbox, "load_2", MB)
    assert (again.files_read, again.files_unchanged, again.files_already_known) == (1, 3, 3)
    assert RACY_SECONDS >= 1


def test_rescan_reads_every_file(con, inbox):
    land_inbox(con, inbox, "load_1", MB)
    _swap_content_keeping_size_and_mtime(inbox / "a.txt", "The council met on Sunday.\n")
    rescan = land_inbox(con, inbox, "load_2", MB, rescan=True)
    assert _figures(rescan) == (3, 1, 1, 1, 3, 0)
    assert "The council met on Sunday.\n" in _texts(con)


def test_a_rejected_file_is_not_recorded_again(con, inbox):
    first = land_inbox(con, inbox, "load_1", MB)
    assert [os.path.basename(u) for u, _ in first.rejections] == ["empty.txt"]
    land_inbox(con, inbox, "load_2", MB)  # unchanged: not read
    land_inbox(con, inbox, "load_3", MB, rescan=True)  # read: the same input and content, already on record
    later = HOUR_AGO_NS + 10**9
    os.utime(inbox / "empty.txt", ns=(later, later))
    touched = land_inbox(con, inbox, "load_4", MB)  # changed mtime: read, still the same rejection
    assert (touched.files_read, touched.files_rejected) == (1, 1)
    rows = con.execute("select source_uri, load_id from raw.rejected_files").fetchall()
    assert [(os.path.basename(u), load) for u, load in rows] == [("empty.txt", "load_1")]


def test_unchanged_multi_record_file_reports_its_records_as_recorded(con, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    lines = [json.dumps({"title": f"Item {i}", "body": f"Story number {i} of the feed."}) for i in range(3)]
    _write(inbox / "feed.jsonl", "\n".join([lines[0], "{broken", *lines[1:]]) + "\n")
    first = land_inbox(con, inbox, "load_1", MB)
    assert (first.articles_landed, first.files_rejected, first.files_read) == (3, 1, 1)
    again = land_inbox(con, inbox, "load_2", MB)
    assert (again.files_seen, again.files_already_known, again.files_rejected, again.files_read) == (4, 3, 1, 0)
    assert again.rejections == first.rejections and again.rejections[0][0].endswith("feed.jsonl#line=2")


def test_a_crash_between_chunks_leaves_no_manifest_row_without_its_articles(con, tmp_path, monkeypatch):
    """The manifest row of a file commits with the file's last articles: a crash mid-file leaves none for it."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _write(inbox / "a1.txt", "First single story.\n")
    _write(inbox / "a2.txt", "Second single story.\n")
    records = [json.dumps({"title": f"Item {i}", "body": f"Feed story number {i}."}) for i in range(600)]
    _write(inbox / "b_feed.jsonl", "\n".join(records) + "\n")
    _write(inbox / "c.txt", "Last single story.\n")
    monkeypatch.setattr(land_module, "LANDING_CHUNK_ROWS", 50)

    class Crash(Exception):
        pass

    def crash_at_500(msg: str) -> None:
        if "read 500 files" in msg:
            raise Crash(msg)

    with pytest.raises(Crash):
        land_inbox(con, inbox, "load_1", MB, progress=crash_at_500)
    manifest = {os.path.basename(u): n for u, n in con.execute("select source_uri, articles from raw.inbox_files").fetchall()}
    assert manifest == {"a1.txt": 1, "a2.txt": 1}  # the feed was cut short: not on record as read
    (feed_rows,) = con.execute("select count(*) from raw.articles where source_uri like '%b_feed.jsonl#%'").fetchone()
    assert 0 < feed_rows < 600
    _assert_every_manifest_row_has_its_articles(con)

    # The task retried: the same counts as a landing that never crashed, and everything on record.
    retried = land_inbox(con, inbox, "load_1", MB)
    assert (retried.articles_landed, retried.files_already_known, retried.files_read) == (603, 0, 4)
    assert con.execute("select count(*) from raw.articles").fetchone()[0] == 603
    assert con.execute("select count(*) from raw.inbox_files").fetchone()[0] == 4
    _assert_every_manifest_row_has_its_articles(con)


def _assert_every_manifest_row_has_its_articles(con) -> None:
    short = con.execute(
        """
        select m.source_uri, m.articles, count(a.article_id) as found
        from raw.inbox_files as m
        left join raw.articles as a on a.source_uri = m.source_uri or a.source_uri like m.source_uri || '#%'
        group by all having count(a.article_id) < m.articles
        """
    ).fetchall()
    assert short == []


def test_a_rejected_load_carries_its_manifest_rows(tmp_path, inbox):
    """A rejected load keeps its raw rows for the next load to enrich: its files must not be read twice."""
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    ws = Workspace(warehouse, "load_1")
    ws.begin()
    with ws.connect() as con:
        land_inbox(con, inbox, "load_1", MB)
    record = LoadRecord(load_id="load_1", started_at=datetime(2026, 1, 1), status="rejected",
                        finished_at=datetime(2026, 1, 1))
    _publish_audit_rows(ws, record, carry_raw=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        carried = con.execute("select count(*) from raw.inbox_files where load_id = 'load_1'").fetchone()[0]
        articles = con.execute("select count(*) from raw.articles").fetchone()[0]
    assert (carried, articles) == (3, 2)
    ws2 = Workspace(warehouse, "load_2")
    ws2.begin()
    with ws2.connect() as con:
        again = land_inbox(con, inbox, "load_2", MB)
    assert (again.files_read, again.files_unchanged, again.files_already_known) == (0, 3, 2)


def test_a_file_changed_or_gone_between_listing_and_reading_is_not_recorded(con, inbox):
    """What was read must be what the row describes: otherwise no row, and the next load reads the file again."""

    def meanwhile(msg: str) -> None:
        if "files listed" in msg:  # after the listing, before any file is read
            _write(inbox / "a.txt", "The council met on Monday, at last.\n")
            (inbox / "sub" / "b.txt").unlink()

    first = land_inbox(con, inbox, "load_1", MB, progress=meanwhile)
    assert [r for u, r in first.rejections if u.endswith("b.txt")] == ["cannot stat file: No such file or directory"]
    recorded = {os.path.basename(u) for (u,) in con.execute("select source_uri from raw.inbox_files").fetchall()}
    assert recorded == {"empty.txt"}
    _write(inbox / "sub" / "b.txt", "The bridge reopened on Friday.\n")
    second = land_inbox(con, inbox, "load_2", MB)
    assert (second.files_read, second.files_unchanged, second.articles_landed, second.files_already_known) == (2, 1, 1, 1)


def test_odd_entries_are_listed_read_and_recorded_like_any_file(con, tmp_path):
    """A name that is not UTF-8 is opened by its bytes; a FIFO is never opened (not even to hash it); links rejected."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    odd = os.path.join(os.fsencode(inbox), b"caf\xe9.txt")
    with open(odd, "wb") as fh:
        fh.write(b"The mayor said the plan was good.\n")
    os.utime(odd, ns=(HOUR_AGO_NS, HOUR_AGO_NS))
    os.mkfifo(inbox / "pipe.txt")
    os.symlink("/etc", inbox / "elsewhere")
    first = land_inbox(con, inbox, "load_1", MB)
    assert (first.articles_landed, first.files_rejected, first.files_read) == (1, 2, 3)
    (uri,) = con.execute("select source_uri from raw.articles").fetchone()
    assert uri == f"{inbox}/caf\\xe9.txt"
    hashes = dict(con.execute("select source_uri, content_sha256 from raw.inbox_files").fetchall())
    assert hashes[uri] is not None and hashes[f"{inbox}/pipe.txt"] is None
    again = land_inbox(con, inbox, "load_2", MB)
    # The FIFO and the link were created just now (the racy window): read again, still rejected, nothing opened.
    assert (again.files_already_known, again.files_rejected, again.files_unchanged) == (1, 2, 1)
    assert sorted(os.path.basename(u) for u, _ in again.rejections) == ["elsewhere", "pipe.txt"]


def test_the_rescan_flag_and_setting(monkeypatch):
    from newswarehouse.cli import _run_conf, build_parser
    from newswarehouse.settings import load_settings

    assert _run_conf(build_parser().parse_args(["run", "--rescan-inbox"])) == {"rescan_inbox": True}
    assert _run_conf(build_parser().parse_args(["run"])) is None
    args = build_parser().parse_args(["reprocess", "--quarantined", "--rescan-inbox"])
    args.run_conf = {"reprocess_quarantined": True}
    assert _run_conf(args) == {"reprocess_quarantined": True, "rescan_inbox": True}
    monkeypatch.setenv("NEWSWH_RESCAN_INBOX", "1")
    assert load_settings().rescan_inbox is True
    monkeypatch.setenv("NEWSWH_RESCAN_INBOX", "0")
    assert load_settings().rescan_inbox is False
