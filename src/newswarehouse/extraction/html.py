"""An HTML page -> body and metadata, with trafilatura.

trafilatura finds the main content and the page's metadata (meta tags,
JSON-LD, the visible byline); where it leaves a field empty the caller falls
back to our text parser on the same page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml import etree

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n+|\n")
_BLOCKS = frozenset(
    ["address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "time", "tr", "ul"]
)
_INVISIBLE = ("script", "style", "noscript", "template", "svg", "head")
_SPACES = re.compile(r"[ \t\u00a0]+")
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


def page_lines(html: str) -> str:
    """The visible text of the page, one block element a line: the layout the text parser reads."""
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return ""
    for node in list(root.iter(*_INVISIBLE)):
        if node.getparent() is not None:
            node.drop_tree()
    for node in root.iter():
        if isinstance(node.tag, str) and node.tag in _BLOCKS:
            node.tail = "\n" + (node.tail or "")
            if node.tag != "br":
                node.text = "\n" + (node.text or "")
    lines = (_SPACES.sub(" ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _without_headline(body: str, title: str | None) -> str:
    """trafilatura keeps the page's headline as the first paragraph; the warehouse's body starts after it."""
    first, sep, rest = body.partition("\n\n")
    if title and sep and _SPACES.sub(" ", first).strip().casefold() == _SPACES.sub(" ", title).strip().casefold():
        return rest
    return body


def extract_html(html: str) -> HtmlExtraction:
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        deduplicate=False,
    )
    page_text = page_lines(html)
    if doc is None:
        return HtmlExtraction(None, None, None, None, None, "", page_text)
    author = _AUTHOR_SEPARATOR.sub(", ", doc.author) if doc.author else None
    return HtmlExtraction(
        title=doc.title or None,
        author=author or None,
        publisher=doc.sitename or None,
        date=doc.date or None,
        url=doc.url or None,
        body_text=_without_headline(body_paragraphs(doc.text), doc.title),
        page_text=page_text,
    )
