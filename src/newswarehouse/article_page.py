"""One article as a plain HTML page, sentence by sentence, read from the published warehouse.

The BI dashboards link a mention or a statement to `/articles/<article_id>#s<sentence_index>`
(served by `newswarehouse docs`): the article's cleaned body with that sentence marked.
The file is opened read-only per request, so the page follows publishes.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

ARTICLE_ID = re.compile(r"^[0-9a-f]{16,64}$")

_STYLE = """
body { font: 16px/1.55 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
header p { color: #666; margin: 0.2rem 0; }
p.s { margin: 0.15rem 0; padding: 0.1rem 0.3rem; }
p.s:target { background: #fff3b0; outline: 2px solid #e0b800; }
p.s a { color: #999; text-decoration: none; font-size: 0.8em; margin-right: 0.4rem; }
"""


def render(warehouse: Path, article_id: str) -> str | None:
    """The page of one article, or None when the id is malformed or unknown."""
    import duckdb

    if not ARTICLE_ID.match(article_id):
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        head = con.execute(
            "select title, publisher, author, published_date, source_uri from marts.dim_articles where article_id = ?",
            [article_id],
        ).fetchone()
        if head is None:
            return None
        sentences = con.execute(
            "select sentence_index, text from staging.stg_sentences where article_id = ? order by sentence_index",
            [article_id],
        ).fetchall()
    title, publisher, author, published, source = head
    meta = " · ".join(html.escape(str(v)) for v in (publisher, author, published) if v)
    body = "\n".join(
        f'<p class="s" id="s{index}"><a href="#s{index}">{index}</a>{html.escape(text)}</p>'
        for index, text in sentences
    )
    return (
        f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{html.escape(title or article_id)}</title>"
        f"<style>{_STYLE}</style></head><body><header><h1>{html.escape(title or '(no title)')}</h1>"
        f"<p>{meta}</p><p><small>{html.escape(source or '')} · {article_id}</small></p></header>"
        f"<main>{body}</main></body></html>"
    )
