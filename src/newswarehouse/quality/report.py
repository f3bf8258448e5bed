"""One HTML page per load under ``<data_docs>/loads/``: its verdict, each check with its level, the quarantine.

``audit.load_runs.data_docs_path`` points here; each row links to the Great
Expectations Data Docs page of that validation (expectations, observed values,
unexpected rows). Plain HTML, no scripts: it opens from disk in any browser.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }
.ok { color: #1a7f37; font-weight: bold; } .bad { color: #c62828; font-weight: bold; }
code { background: #f4f4f4; padding: 0 .2em; }
.warn { color: #9a6700; font-weight: bold; }
"""

# What a failed check of each level does (the legend of the checks table).
_LEVELS = {
    "warn": "reported here only",
    "quarantine": "the failing articles are quarantined; the load goes on",
    "reject": "a systemic failure: the load is rejected",
}


def write_load_page(
    docs_dir: Path,
    load_id: str,
    verdict: str,
    failed_checks: list[str],
    problems: list[str],
    suites: Iterable[dict[str, Any]],
    skipped: list[str],
    quarantined: list[tuple[str, str, str, str]],  # article_id, source_uri, check, reason
    warnings: list[str] | None = None,
) -> Path:
    page = docs_dir / "loads" / f"{load_id}.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    e = html.escape
    cls = "ok" if verdict == "passed" else "bad"
    parts = [
        (f"<!doctype html><html><head><meta charset='utf-8'><title>load {e(load_id)}</title>"
         f"<style>{_STYLE}</style></head><body>"),
        f"<h1>Load <code>{e(load_id)}</code>: <span class='{cls}'>{e(verdict)}</span></h1>",
        f"<p><a href='{e(_rel(page, docs_dir / 'index.html'))}'>All validations (Data Docs index)</a></p>",
    ]
    if failed_checks:
        parts.append("<h2>Failed checks (the load is rejected)</h2><ul>")
        parts += [f"<li>{e(p)}</li>" for p in problems or failed_checks]
        parts.append("</ul>")
    if warnings:
        parts.append(f"<h2>Warnings ({len(warnings)})</h2><ul>")
        parts += [f"<li class='warn'>{e(w)}</li>" for w in warnings]
        parts.append("</ul>")
    suites = list(suites)
    parts += _checks_table(suites)
    parts.append("<h2>Validations</h2><table><tr><th>suite</th><th>rows</th><th>result</th>"
                 "<th>failed expectations</th></tr>")
    for s in suites:
        name = e(s["suite"])
        link = f"<a href='{e(_rel(page, Path(s['page'])))}'>{name}</a>" if s.get("page") else name
        status = _suite_status(s)
        fails = "<br>".join(e(f) for f in s.get("failures", [])) or "-"
        parts.append(f"<tr><td>{link}</td><td>{s['rows']}</td><td>{status}</td><td>{fails}</td></tr>")
    parts.append("</table>")
    if skipped:
        parts.append("<p>Not run: " + e("; ".join(skipped)) + "</p>")
    parts.append(f"<h2>Quarantined articles ({len(quarantined)})</h2>")
    if quarantined:
        parts.append("<table><tr><th>article_id</th><th>source</th><th>check</th><th>reason</th></tr>")
        for article_id, uri, check, reason in quarantined:
            parts.append(f"<tr><td><code>{e(article_id[:12])}</code></td><td>{e(uri or '')}</td>"
                         f"<td>{e(check)}</td><td>{e(reason)}</td></tr>")
        parts.append("</table><p>Re-check them after a fix: <code>newswarehouse reprocess --quarantined</code></p>")
    parts.append("</body></html>")
    tmp = page.with_suffix(".html.tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    os.replace(tmp, page)
    return page


def _suite_status(suite: dict[str, Any]) -> str:
    """passed; failed (red) if a reject-level check failed; else what the failed checks did (amber)."""
    if suite["success"]:
        return "<span class='ok'>passed</span>"
    failed = {c["level"] for c in suite.get("checks", []) if not c["success"]}
    if not failed or "reject" in failed:
        return "<span class='bad'>failed</span>"
    did = "quarantined articles" if "quarantine" in failed else "warnings only"
    return f"<span class='warn'>{did}</span>"


def _checks_table(suites: list[dict[str, Any]]) -> list[str]:
    """Every check of every suite run, with its level (``meta.level`` or its override) and its result."""
    e = html.escape
    legend = "; ".join(f"<b>{e(level)}</b>: {e(meaning)}" for level, meaning in _LEVELS.items())
    parts = [(f"<h2>Checks</h2><p>Level of a failed check: {legend}. A check's level is <code>meta.level</code> "
              "in its suite JSON (<code>expectations/expectations/</code>), or <code>NEWSWH_GATE_LEVELS</code>.</p>"),
             "<table class='checks'><tr><th>check</th><th>level</th><th>result</th></tr>"]
    for s in suites:
        for c in s.get("checks", []):
            if c["success"]:
                result = "<span class='ok'>passed</span>"
            else:
                cls = {"warn": "warn", "quarantine": "warn"}.get(c["level"], "bad")
                result = f"<span class='{cls}'>failed</span>"
            parts.append(f"<tr><td><code>{e(s['suite'])}.{e(c['check'])}</code></td>"
                         f"<td class='level'>{e(c['level'])}</td><td>{result}</td></tr>")
    parts.append("</table>")
    return parts


def _rel(page: Path, target: Path) -> str:
    return os.path.relpath(target, page.parent)
