"""Screenshot a page in headless Chromium, logged in to Superset, over the DevTools protocol.

`chromium --screenshot` alone only ever captures Superset's login page: here Chromium is
driven over CDP (websocket-client, in the BI environment only) with the session cookie of
a form login set first, then waits until the dashboard's charts have rendered.

    .venv-bi/bin/python bi/screenshot.py --base http://127.0.0.1:8088 --user admin \
        --password-env SUPERSET_ADMIN_PASSWORD /superset/dashboard/newswarehouse-entities/ out.png

Prints a JSON line: {"png": ..., "text_sample": ..., "charts": n, "errors": [...]}.
"""

from __future__ import annotations

import argparse
import base64
import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import websocket

VIEWPORT_HEIGHT = 2400

# Rendered when every chart has data or an error; spinners gone.
_STATE_JS = """
(() => {
  const charts = document.querySelectorAll('.dashboard-chart, .chart-container').length;
  const spinners = document.querySelectorAll('[data-test="loading-indicator"], .loading, .ant-spin-spinning').length;
  const errors = [...document.querySelectorAll('[data-test="error-tooltip"], .alert-danger, .ant-alert-error')]
      .map(e => e.innerText.slice(0, 200));
  // The page itself is as tall as the viewport: crop below the last dashboard row.
  const bottoms = [...document.querySelectorAll('.dashboard-component, .grid-row, #app > div')]
      .map(e => e.getBoundingClientRect().bottom);
  const height = Math.ceil(Math.max(600, ...bottoms.filter(b => b < 2390)) + 24);
  return JSON.stringify({charts, spinners, errors, text: document.body ? document.body.innerText : '', height});
})()
"""


def session_cookies(base: str, user: str, password: str) -> list[http.cookiejar.Cookie]:
    """Log in through Superset's login form; returns the session cookies."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login/", timeout=60) as resp:
        page = resp.read().decode("utf-8", "replace")
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(r'"csrf_token":\s*"([^"]+)"', page)
    form = {"username": user, "password": password}
    if match:
        form["csrf_token"] = match.group(1)
    req = urllib.request.Request(f"{base}/login/", data=urllib.parse.urlencode(form).encode(), method="POST")
    req.add_header("Referer", f"{base}/login/")
    with opener.open(req, timeout=60) as resp:
        resp.read()
    cookies = list(jar)
    if not any(c.name == "session" for c in cookies):
        raise SystemExit("Superset login failed: no session cookie")
    return cookies


class Browser:
    def __init__(self, chromium: str, width: int, height: int) -> None:
        self.profile = tempfile.mkdtemp(prefix="newswh-chromium-")
        self.proc = subprocess.Popen(
            [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
             "--remote-debugging-port=0", "--remote-allow-origins=*", f"--user-data-dir={self.profile}",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port = port_file.read_text().splitlines()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as resp:
            pages = [t for t in json.load(resp) if t["type"] == "page"]
        self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60)
        self._id = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def evaluate(self, js: str) -> Any:
        return self.call("Runtime.evaluate", expression=js, returnByValue=True)["result"].get("value")

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def capture(browser: Browser, url: str, out: Path, width: int, timeout: float, settle: float) -> dict[str, Any]:
    browser.call("Page.enable")
    # The viewport is tall from the start: Superset renders only the charts in view, and a
    # resize after rendering re-lays the grid out (blank for a moment).
    browser.call("Emulation.setDeviceMetricsOverride", width=width, height=VIEWPORT_HEIGHT, deviceScaleFactor=1,
                 mobile=False)
    browser.call("Page.navigate", url=url)
    deadline = time.monotonic() + timeout
    state: dict[str, Any] = {}
    stable_since = None
    while time.monotonic() < deadline:
        time.sleep(0.5)
        raw = browser.evaluate(_STATE_JS)
        if not raw:
            continue
        state = json.loads(raw)
        ready = state["spinners"] == 0 and (state["charts"] > 0 or "dashboard" not in url)
        if ready:
            stable_since = stable_since or time.monotonic()
            if time.monotonic() - stable_since >= settle:
                break
        else:
            stable_since = None
    height = min(max(int(state.get("height", 800)), 600), VIEWPORT_HEIGHT)
    shot = browser.call("Page.captureScreenshot", format="png",
                        clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(base64.b64decode(shot["data"]))
    return {"png": str(out), "charts": state.get("charts", 0), "spinners": state.get("spinners"),
            "errors": state.get("errors", []), "text": state.get("text", "")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", help="Superset's address; with --user, log in first")
    parser.add_argument("--user")
    parser.add_argument("--password-env", default="SUPERSET_ADMIN_PASSWORD")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--timeout", type=float, default=90)
    parser.add_argument("--settle", type=float, default=2.0, help="seconds without a spinner before the shot")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "")
    parser.add_argument("page", help="URL, or a path under --base")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if not args.chromium:
        raise SystemExit("chromium is not installed")
    url = args.page if "://" in args.page else f"{args.base}{args.page}"
    browser = Browser(args.chromium, args.width, 1200)
    try:
        browser.call("Network.enable")
        if args.base and args.user:
            host = urllib.parse.urlparse(args.base).hostname
            for cookie in session_cookies(args.base, args.user, os.environ[args.password_env]):
                browser.call("Network.setCookie", name=cookie.name, value=cookie.value or "", domain=host,
                             path=cookie.path or "/", httpOnly=True)
        result = capture(browser, url, args.out, args.width, args.timeout, args.settle)
    finally:
        browser.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
