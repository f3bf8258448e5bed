"""The dbt docs site: written after a publish, read-only, served on loopback, rendered in Chromium."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT
from superset_fixtures import BI_PYTHON, bi_setup  # noqa: F401 (fixture)

from newswarehouse.docs_site import make_server, refresh_after_publish
from newswarehouse.settings import load_settings


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_server_serves_only_the_two_doc_trees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWH_HOME", str(tmp_path))
    monkeypatch.delenv("NEWSWH_DATA_DOCS_DIR", raising=False)
    settings = load_settings()
    (tmp_path / "dbt_docs").mkdir()
    (tmp_path / "dbt_docs" / "index.html").write_text("<html>catalogue</html>")
    (tmp_path / "data_docs").mkdir()
    (tmp_path / "data_docs" / "load.html").write_text("<html>report</html>")
    (tmp_path / "superset").mkdir()
    (tmp_path / "superset" / "superset.db").write_text("secret")
    server = make_server(settings, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        assert _get(f"{base}/dbt_docs/index.html") == 200
        assert _get(f"{base}/data_docs/load.html") == 200
        assert _get(f"{base}/") == 200  # redirected to the catalogue
        assert _get(f"{base}/superset/superset.db") == 404
        assert _get(f"{base}/dbt_docs/../superset/superset.db") == 404
        assert _get(f"{base}/dbt_docs/%2e%2e/superset/superset.db") == 404
    finally:
        server.shutdown()
        server.server_close()


def test_publish_writes_a_catalogue_of_the_marts_rendered_in_chromium(bi_setup, tmp_path: Path) -> None:  # noqa: F811
    index = bi_setup.home / "dbt_docs" / "index.html"
    assert index.exists(), "the publish hook did not write the dbt docs"
    html = index.read_text(encoding="utf-8")
    for model in ("dim_entities", "fct_statements", "bi_entity_mentions", "statements_who_said_what"):
        assert model in html
    # A later publish with the same project and columns leaves the page alone (no dbt run).
    said: list[str] = []
    settings = load_settings(warehouse=bi_setup.warehouse, home=bi_setup.home)
    refresh_after_publish(settings, said.append)
    assert said and "unchanged" in said[0], said
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    proc = subprocess.Popen([sys.executable, "-m", "newswarehouse.cli", "docs", "--port", "0",
                             "--warehouse", str(bi_setup.warehouse)],
                            env={**_env(bi_setup.home)}, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = next(line.split()[-1] for line in proc.stdout if "dbt docs of the marts:" in line)
        shot = subprocess.run([str(BI_PYTHON), str(PROJECT_ROOT / "bi" / "screenshot.py"), "--settle", "3",
                               url + "#!/model/model.newswarehouse.dim_entities", str(tmp_path / "dbt_docs.png")],
                              capture_output=True, text=True, timeout=180, check=False)
        assert shot.returncode == 0, shot.stderr[-3000:]
        page = json.loads(shot.stdout.strip().splitlines()[-1])
        # The rendered page (not just the file) shows the marts and their column descriptions.
        assert "dim_entities" in page["text"] and "canonical_name" in page["text"], page["text"][:2000]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _env(home: Path) -> dict[str, str]:
    import os

    return {**os.environ, "NEWSWH_HOME": str(home)}


def test_every_mart_column_in_the_catalogue_is_described(bi_setup) -> None:  # noqa: F811
    target = bi_setup.home / "dbt_docs_work" / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    marts = {key: node for key, node in manifest["nodes"].items()
             if node["resource_type"] == "model" and node["schema"].endswith("marts")}
    assert {"dim_entities", "fct_statements", "bi_entity_mentions", "bi_entity_cooccurrence"} <= {
        node["name"] for node in marts.values()}
    undescribed = [
        f"{node['name']}.{column}"
        for key, node in marts.items()
        for column in catalog["nodes"][key]["columns"]
        if not (node["columns"].get(column) or {}).get("description")
    ]
    assert not undescribed


def test_article_pages_follow_the_published_warehouse(bi_setup) -> None:  # noqa: F811
    import duckdb

    with duckdb.connect(str(bi_setup.warehouse), read_only=True) as con:
        article_id, sentence = con.execute(
            "select article_id, text from staging.stg_sentences where sentence_index = 1 limit 1").fetchone()
    server = make_server(load_settings(warehouse=bi_setup.warehouse, home=bi_setup.home), port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with urllib.request.urlopen(f"{base}/articles/{article_id}", timeout=30) as resp:
            page = resp.read().decode()
        assert 'id="s1"' in page
        assert html.escape(sentence) in page
        assert _get(f"{base}/articles/{'0' * 64}") == 404
        assert _get(f"{base}/articles/not-an-id'--") == 404
    finally:
        server.shutdown()
        server.server_close()
