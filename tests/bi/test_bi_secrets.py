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
read_dotenv = _load("newswh_bi_start", PROJECT_ROOT / "bi" / "start.py").read_dotenv


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
