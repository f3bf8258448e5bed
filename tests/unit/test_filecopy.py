"""The published file's private copy: a copy-on-write clone where the filesystem offers one.

``NEWSWH_REFLINK_DIR`` names a folder on a filesystem with reflinks (``.ci/run``
mounts a small XFS image there when it can); without it the clone tests skip
and the fallback tests run on whatever ``tmp_path`` is.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest

from newswarehouse.filecopy import CloneUnavailable, can_clone, clone_or_copy

REFLINK_DIR = os.environ.get("NEWSWH_REFLINK_DIR")
needs_reflinks = pytest.mark.skipif(not REFLINK_DIR, reason="NEWSWH_REFLINK_DIR (a reflink filesystem) not set")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _warehouse(path: Path, rows: int = 50_000) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select range as id, repeat('x', 40) || range::varchar as v from range(?)", [rows])
    return path


@pytest.fixture
def reflink_dir(tmp_path: Path) -> Path:
    assert REFLINK_DIR
    folder = Path(REFLINK_DIR) / tmp_path.name
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    for p in folder.iterdir():
        p.unlink()
    folder.rmdir()


@pytest.mark.parametrize("mode", ["auto", "copy"])
def test_the_copy_is_byte_identical_and_leaves_no_partial_file(tmp_path, mode):
    src = _warehouse(tmp_path / "published.duckdb")
    dst = tmp_path / "build.duckdb"
    method = clone_or_copy(src, dst, mode)
    assert method == ("copy" if mode == "copy" else ("clone" if can_clone(tmp_path) else "copy"))
    assert _digest(dst) == _digest(src)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build.duckdb", "published.duckdb"]


def test_require_refuses_a_filesystem_without_clones_and_writes_nothing(tmp_path):
    if can_clone(tmp_path):
        pytest.skip(f"{tmp_path} can clone")
    src = _warehouse(tmp_path / "published.duckdb", rows=10)
    with pytest.raises(CloneUnavailable, match="NEWSWH_FILE_CLONE=require"):
        clone_or_copy(src, tmp_path / "build.duckdb", "require")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published.duckdb"]


def test_the_mode_comes_from_the_environment(tmp_path, monkeypatch):
    src = _warehouse(tmp_path / "published.duckdb", rows=10)
    monkeypatch.setenv("NEWSWH_FILE_CLONE", "copy")
    assert clone_or_copy(src, tmp_path / "a.duckdb") == "copy"
    monkeypatch.setenv("NEWSWH_FILE_CLONE", "sometimes")
    with pytest.raises(ValueError, match="auto, require or copy"):
        clone_or_copy(src, tmp_path / "b.duckdb")


@needs_reflinks
def test_a_clone_is_made_and_writes_to_it_never_reach_the_original(reflink_dir):
    src = _warehouse(reflink_dir / "published.duckdb")
    before = _digest(src)
    assert clone_or_copy(src, reflink_dir / "build.duckdb", "require") == "clone"
    with duckdb.connect(str(reflink_dir / "build.duckdb")) as con:
        con.execute("update t set v = 'changed' where id % 7 = 0")
        con.execute("insert into t select range + 10000000, 'new' from range(1000)")
        con.execute("checkpoint")
    assert _digest(src) == before
    with duckdb.connect(str(src), read_only=True) as con:
        assert con.execute("select count(*), count(*) filter (v = 'changed') from t").fetchone() == (50_000, 0)
    with duckdb.connect(str(reflink_dir / "build.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from t where v = 'changed'").fetchone()[0] == 7143
