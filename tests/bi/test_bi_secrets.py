"""Superset's start-up secrets: what counts as missing or weak (no Superset needed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from conftest import PROJECT_ROOT


def _load(name: str, path: Path):
    """bi/ is not a package (it runs in its own environment): load its modules by path."""
    sys.path.insert(0, str(path.parent))  # start.py imports bi_security beside it
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


weakness = _load("newswh_bi_security", PROJECT_ROOT / "bi" / "bi_security.py").weakness
_start = _load("newswh_bi_start", PROJECT_ROOT / "bi" / "start.py")
read_dotenv = _start.read_dotenv


def test_missing_short_and_well_known_secrets_are_refused() -> None:
    assert "not set" in weakness("SUPERSET_SECRET_KEY", None)
    assert "not set" in weakness("SUPERSET_SECRET_KEY", "")
    assert "too short" in weakness("SUPERSET_SECRET_KEY", "a1b2c3d4e5f6")
    assert "well-known" in weakness("SUPERSET_SECRET_KEY", "CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET")
    assert "guessable" in weakness("SUPERSET_SECRET_KEY", "a" * 40)
    assert "well-known" in weakness("SUPERSET_ADMIN_PASSWORD", "thisismysecretkey")
    assert weakness("SUPERSET_SECRET_KEY", "3f9c1e0b7a" * 4) is None
    assert weakness("SUPERSET_ADMIN_PASSWORD", "Kx7-pl2-Qw9-zz") is None


def test_dotenv_fills_values_and_skips_comments(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("# comment\nSUPERSET_SECRET_KEY='abc'\n\nEMPTY=\nPORT=8088 \n")
    assert read_dotenv(env) == {"SUPERSET_SECRET_KEY": "abc", "EMPTY": "", "PORT": "8088"}
    assert read_dotenv(tmp_path / "missing") == {}


def test_make_bi_writes_strong_random_secrets_only_where_none_are_set(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("NEWSWH_HOME=/srv/x\nSUPERSET_SECRET_KEY=\n")
    env = _start.create_local_secrets(env_file, {"NEWSWH_HOME": "/srv/x"})
    assert weakness("SUPERSET_SECRET_KEY", env["SUPERSET_SECRET_KEY"]) is None
    assert weakness("SUPERSET_ADMIN_PASSWORD", env["SUPERSET_ADMIN_PASSWORD"]) is None
    written = read_dotenv(env_file)
    assert written["NEWSWH_HOME"] == "/srv/x"
    assert written["SUPERSET_SECRET_KEY"] == env["SUPERSET_SECRET_KEY"]
    assert env_file.stat().st_mode & 0o777 == 0o600
    again = _start.create_local_secrets(env_file, {**written})
    assert again["SUPERSET_SECRET_KEY"] == env["SUPERSET_SECRET_KEY"]  # set once, then kept
    # a half-set pair is the user's: left alone, so start-up refuses the missing one
    assert _start.create_local_secrets(tmp_path / "other.env", {"SUPERSET_SECRET_KEY": "x" * 40}) == {
        "SUPERSET_SECRET_KEY": "x" * 40}
    assert not (tmp_path / "other.env").exists()
