"""An HTML page -> body and metadata, with trafilatura.

trafilatura finds the main content and the page's metadata (meta tags,
JSON-LD, the visible byline); where it leaves a field empty the caller falls
back to our text parser on the same page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n+|\n")
# trafilatura joins several authors with "; "; the warehouse writes them with ", ".
_AUTHOR_SEPARATOR = re.compile(r"\s*;\s*")


@dataclass(frozen=True)
class HtmlExtraction:
    title: str | None
    author: str | None
    publisher: str | None
    date: str | None
    url: str | None
    body_text: str  # paragraphs separated by a blank line; "" when no main content was found
    page_text: str  # every visible line of the page, for the text parser's fallback


def body_paragraphs(text: str | None) -> str:
    """trafilatura's text (one paragraph a line) -> the warehouse's paragraphs (blank-line separated)."""
    parts = (p.strip() for p in _PARAGRAPH_BREAK.split(text or ""))
    return "\n\n".join(p for p in parts if p)


def extract_html(html: str) -> HtmlExtraction:
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        deduplicate=False,
    )
    page_text = trafilatura.html2txt(html) or ""
    if doc is None:
        return HtmlExtraction(None, None, None, None, None, "", page_text)
    author = _AUTHOR_SEPARATOR.sub(", ", doc.author) if doc.author else None
    return HtmlExtraction(
        title=doc.title or None,
        author=author or None,
        publisher=doc.sitename or None,
        date=doc.date or None,
        url=doc.url or None,
        body_text=body_paragraphs(doc.text),
        page_text=page_text,
    )
