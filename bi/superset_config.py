"""Superset configuration for newswarehouse (loaded through SUPERSET_CONFIG_PATH).

Everything secret comes from the environment (filled from .env by bi/start.py or by
docker compose); there is no default to fall back on, so a missing key stops Superset
here rather than letting it sign sessions with a known value.
"""

from __future__ import annotations

import os
from pathlib import Path

from bi_security import require_secret

SECRET_KEY = require_secret("SUPERSET_SECRET_KEY")

_HOME = Path(os.environ.get("SUPERSET_HOME", Path.home() / ".superset"))
DATA_DIR = str(_HOME)
# Superset's own metadata (users, dashboards, query history): a SQLite file next to it.
# The warehouse is never written by Superset; see bi/start.py for the read-only connection.
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_HOME / 'superset.db'}?check_same_thread=false"

FEATURE_FLAGS = {
    # Jinja in SQL would let an analyst's query reach Python-side macros; nothing here needs it.
    "ENABLE_TEMPLATE_PROCESSING": False,
    "DASHBOARD_RBAC": False,
}
# Nothing leaves the machine: no telemetry, no map tiles, no example data.
SUPERSET_TELEMETRY = False
SCARF_ANALYTICS = False
MAPBOX_API_KEY = ""

# The warehouse answers in milliseconds; a small row cap keeps the browser responsive.
ROW_LIMIT = 10000
SQL_MAX_ROW = 100000
SQLLAB_TIMEOUT = 60
SUPERSET_WEBSERVER_TIMEOUT = 60
# No CSV upload into any database, no CREATE TABLE AS from SQL Lab.
CSV_EXTENSIONS: set[str] = set()
EXCEL_EXTENSIONS: set[str] = set()
COLUMNAR_EXTENSIONS: set[str] = set()
ALLOWED_EXTENSIONS: set[str] = set()

# Served on loopback behind no proxy: plain HTTP cookies must still work.
SESSION_COOKIE_SECURE = os.environ.get("SUPERSET_COOKIE_SECURE", "false").lower() == "true"
SESSION_COOKIE_SAMESITE = "Lax"
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": SESSION_COOKIE_SECURE,
}

# Opening the warehouse read-write, or from another file, is never needed.
PREVENT_UNSAFE_DB_CONNECTIONS = True
