"""A minimal Superset REST client for the BI tests (stdlib only: runs in the project .venv)."""

from __future__ import annotations

import http.cookiejar
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Superset:
    base: str
    token: str = ""
    csrf: str = ""
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        req.add_header("Referer", self.base + "/")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        if self.csrf:
            req.add_header("X-CSRFToken", self.csrf)
        try:
            with self._opener.open(req, timeout=120) as resp:
                raw = resp.read()
                status = resp.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
        try:
            return status, json.loads(raw or b"null")
        except json.JSONDecodeError:
            return status, raw.decode("utf-8", "replace")

    def login(self, username: str, password: str) -> Superset:
        status, body = self.request("POST", "/api/v1/security/login",
                                    {"username": username, "password": password, "provider": "db", "refresh": False})
        assert status == 200, body
        self.token = body["access_token"]
        status, body = self.request("GET", "/api/v1/security/csrf_token/")
        assert status == 200, body
        self.csrf = body["result"]
        return self

    def web_login(self, username: str, password: str) -> None:
        """A browser-style session (cookie) for pages and screenshots."""
        import re
        import urllib.parse

        with self._opener.open(self.base + "/login/", timeout=60) as resp:
            page = resp.read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
        form = {"username": username, "password": password}
        if token:
            form["csrf_token"] = token.group(1)
        req = urllib.request.Request(self.base + "/login/", data=urllib.parse.urlencode(form).encode(), method="POST")
        with self._opener.open(req, timeout=60) as resp:
            resp.read()

    def get_all(self, resource: str) -> list[dict[str, Any]]:
        status, body = self.request("GET", f"/api/v1/{resource}/?q=(page_size:100)")
        assert status == 200, body
        return body["result"]

    def chart_data(self, chart_id: int) -> tuple[int, Any]:
        return self.request("GET", f"/api/v1/chart/{chart_id}/data/?format=json&type=full&force=true")

    def sql(self, database_id: int, sql: str) -> tuple[int, Any]:
        return self.request("POST", "/api/v1/sqllab/execute/", {
            "database_id": database_id, "sql": sql, "runAsync": False, "schema": "marts",
            "queryLimit": 1000, "tab": "tests", "client_id": None,
        })
