"""What a landed article's content is, decided from the content alone.

Landing stores the content exactly as received; enrichment sees only that
content. Both call ``content_type_of`` and ``describe`` so they always agree on
the type, URL and language of an article.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from newswarehouse.loading.formats.fields import RecordFields, map_record
from newswarehouse.loading.formats.html import page_facts
from newswarehouse.loading.language import detect_language, normalise_code

TEXT = "text/plain"
HTML = "text/html"
JSON = "application/json"

# Tags that only markup starts with; prose that opens with "<" is rare and never with these.
_MARKUP_START = re.compile(r"<(!doctype\s+html|html|head|body|meta|title|article|div|p|section|main)[\s>/]", re.IGNORECASE)


@dataclass(frozen=True)
class Described:
    content_type: str
    url: str | None
    language: str | None
    text: str  # the article text a reader would see (for HTML: the visible page text)
    record: RecordFields | None = None


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1024]
    if head.startswith("<?xml"):
        head = head[head.find("?>") + 2:].lstrip() if "?>" in head else head
    while head.startswith("<!--") and "-->" in head:
        head = head[head.find("-->") + 3:].lstrip()
    return bool(_MARKUP_START.match(head))


def parse_record(text: str) -> dict[str, Any] | None:
    stripped = text.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def content_type_of(text: str) -> str:
    if parse_record(text) is not None:
        return JSON
    if looks_like_html(text):
        return HTML
    return TEXT


def describe(text: str) -> Described:
    kind = content_type_of(text)
    if kind == JSON:
        record = map_record(parse_record(text) or {})
        body = record.text or ""
        # A record's own language wins over the detector's guess.
        language = normalise_code(record.language) or detect_language(body)
        return Described(JSON, record.url, language, body, record)
    if kind == HTML:
        facts = page_facts(text)
        return Described(HTML, facts.url, detect_language(facts.text, facts.lang), facts.text)
    return Described(TEXT, None, detect_language(text), text)
