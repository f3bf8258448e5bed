"""The analysts' catalogue: dbt docs of the published warehouse, and a loopback server for it.

After every publish, ``dbt docs generate --static`` runs against the published file and
writes one self-contained page (catalogue, lineage, every column's description) to
``$NEWSWH_HOME/dbt_docs/index.html``. ``newswarehouse docs`` serves that folder, the
quality reports (Data Docs) and one page per article (article_page.py) on 127.0.0.1.

The published file is only ever attached READ_ONLY (a profile of our own, not the build
profile): generating the catalogue must never take the write lock a load needs.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from newswarehouse.settings import Settings

DOCS_DIRNAME = "dbt_docs"
DEFAULT_PORT = 8081

# An in-memory DuckDB with the published file attached read-only under the name the
# build gives it (the file's stem), so the catalogue's database matches the manifest's.
_PROFILE = """\
newswarehouse:
  target: docs
  outputs:
    docs:
      type: duckdb
      path: ":memory:"
      database: {alias}
      threads: 1
      attach:
        - path: "{{{{ env_var('NEWSWH_DBT_DB_PATH') }}}}"
          alias: {alias}
          read_only: true
"""


def docs_dir(settings: Settings) -> Path:
    return settings.home / DOCS_DIRNAME


def fingerprint(settings: Settings) -> str:
    """What the docs page depends on: the dbt project's files and the published file's columns.

    Row counts are not in the catalogue, so a load that only adds rows leaves the page as
    it is and the ~10 s of `dbt docs generate` are skipped.
    """
    import duckdb

    digest = hashlib.sha256(settings.warehouse.stem.encode())
    project = settings.dbt_project_dir
    for path in sorted(p for p in project.rglob("*") if p.is_file() and p.suffix in (".sql", ".yml", ".yaml", ".csv")
                       and not {"target", "logs", "dbt_packages"} & set(p.relative_to(project).parts)):
        digest.update(str(path.relative_to(project)).encode())
        digest.update(path.read_bytes())
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        rows = con.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "order by all").fetchall()
    digest.update(repr(rows).encode())
    return digest.hexdigest()


def generate(settings: Settings, progress: Callable[[str], None] = lambda _msg: None) -> Path:
    """Write the static docs site of the published warehouse; returns its index.html."""
    work = settings.home / "dbt_docs_work"
    work.mkdir(parents=True, exist_ok=True)
    (work / "profiles.yml").write_text(_PROFILE.format(alias=settings.warehouse.stem), encoding="utf-8")
    target = work / "target"  # kept between loads: dbt re-uses its parse (partial_parse.msgpack)
    env = {**os.environ, "NEWSWH_DBT_DB_PATH": str(settings.warehouse)}
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    # Not --no-compile: it reads the manifest a previous compile left behind, which is
    # missing on the first run and stale after a project change.
    cmd = [sys.executable, "-c", "from dbt.cli.main import cli; cli()", "docs", "generate", "--static",
           "--no-use-colors", "--project-dir", str(settings.dbt_project_dir),
           "--profiles-dir", str(work), "--target-path", str(target), "--log-path", str(work / "logs")]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"dbt docs generate failed (exit {proc.returncode}): {proc.stdout[-1500:]}")
    progress("  dbt docs: catalogue written")
    out = docs_dir(settings)
    out.mkdir(parents=True, exist_ok=True)
    # Readers of the page never see half a file: write beside it, then rename.
    tmp = out / ".index.html.tmp"
    shutil.copyfile(target / "static_index.html", tmp)
    os.replace(tmp, out / "index.html")
    return out / "index.html"


def refresh_after_publish(settings: Settings, say: Callable[[str], None]) -> None:
    """The post-publish hook: a docs failure is reported, never fails the load it follows."""
    if os.environ.get("NEWSWH_DBT_DOCS", "1").lower() in ("0", "false", "no", "off"):
        return
    try:
        stamp = docs_dir(settings) / ".fingerprint"
        current = fingerprint(settings)
        if stamp.exists() and stamp.read_text() == current and (docs_dir(settings) / "index.html").exists():
            say("[docs] dbt docs unchanged (same project and columns)")
            return
        page = generate(settings)
        stamp.write_text(current)
    except Exception as exc:  # noqa: BLE001 - the load is already published; say why the docs are stale
        say(f"[docs] dbt docs not refreshed ({type(exc).__name__}: {str(exc)[:300]})")
        return
    say(f"[docs] dbt docs of the published warehouse: {page} (`newswarehouse docs` serves it)")


class _DocsHandler(http.server.SimpleHTTPRequestHandler):
    """Serves /dbt_docs/, /data_docs/ and /articles/<id> only: NEWSWH_HOME also holds Airflow's and Superset's state."""

    roots: ClassVar[dict[str, Path]] = {}
    warehouse: ClassVar[Path] = Path()

    def _parts(self) -> list[str]:
        clean = self.path.split("?", 1)[0].split("#", 1)[0]
        return [p for p in clean.split("/") if p and p not in (".", "..")]

    def translate_path(self, path: str) -> str:
        parts = self._parts()
        return str(self.roots[parts[0]].joinpath(*parts[1:]))

    def send_head(self):
        if self.path in ("", "/"):
            self.send_response(302)
            self.send_header("Location", f"/{DOCS_DIRNAME}/index.html")
            self.end_headers()
            return None
        parts = self._parts()
        if len(parts) == 2 and parts[0] == "articles":
            return self._article(parts[1])
        if not parts or parts[0] not in self.roots:
            self.send_error(404)
            return None
        return super().send_head()

    def _article(self, article_id: str):
        import io

        from newswarehouse.article_page import render

        try:
            page = render(self.warehouse, article_id) if self.warehouse.is_file() else None
        except Exception:  # noqa: BLE001 - e.g. a publish renaming the file mid-open: ask for a retry
            self.send_error(503, "warehouse busy, retry")
            return None
        if page is None:
            self.send_error(404)
            return None
        data = page.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


def make_server(settings: Settings, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> http.server.HTTPServer:
    roots = {DOCS_DIRNAME: docs_dir(settings), "data_docs": settings.data_docs_dir}
    handler = type("DocsHandler", (_DocsHandler,), {"roots": roots, "warehouse": settings.warehouse})
    return http.server.ThreadingHTTPServer((host, port), functools.partial(handler))


def serve(settings: Settings, host: str, port: int, regenerate: bool) -> int:
    index = docs_dir(settings) / "index.html"
    if regenerate or not index.exists():
        if not settings.warehouse.exists():
            print(f"no warehouse at {settings.warehouse}: run a load first (make run)")
            return 1
        print(f"generating dbt docs of {settings.warehouse} (read-only) ...", flush=True)
        try:
            generate(settings)
        except (OSError, RuntimeError) as exc:
            print(f"error: could not generate the dbt docs: {exc}")
            return 1
    server = make_server(settings, host, port)
    print(f"dbt docs of the marts: http://{host}:{server.server_port}/{DOCS_DIRNAME}/index.html", flush=True)
    print(f"quality reports:       http://{host}:{server.server_port}/data_docs/   (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
