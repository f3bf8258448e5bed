"""Dispatch on the landed content's type; structured metadata wins, the text parser fills gaps.

A pure function of the raw content (as the enrichment step requires): the type
is sniffed from the content by the same code that landing used.
"""

from __future__ import annotations

import re

from newswarehouse.extraction.dates import parse_date
from newswarehouse.extraction.html import body_paragraphs, extract_html, page_lines
from newswarehouse.loading.formats.content import HTML, JSON, Described, describe
from newswarehouse.loading.language import ENGLISH
from newswarehouse.parsing import parse_article
from newswarehouse.parsing.article import ParsedArticle

_MARKUP_TAGS = re.compile(r"</(?:p|div|h[1-6]|li|blockquote)\s*>", re.IGNORECASE)


def extract_article(raw_text: str) -> tuple[ParsedArticle, str | None]:
    """The parsed article, and why its entities and statements are not extracted (None: they are)."""
    described = describe(raw_text)
    return _parsed(raw_text, described), _nlp_skip_reason(described.language)


def _parsed(raw_text: str, described: Described) -> ParsedArticle:
    if described.content_type == JSON and described.record is not None:
        record = described.record
        # Some feeds (CMS APIs) hold the text as HTML: its visible lines are the paragraphs.
        text = page_lines(record.text or "") if _MARKUP_TAGS.search(record.text or "") else record.text
        body = body_paragraphs(text)
        # The parser sees the record's text only to guess what the record leaves out.
        guessed = parse_article(body) if not all((record.title, record.author, record.publisher, record.date)) else None
        return ParsedArticle(
            title=record.title or (guessed.title if guessed else None),
            publisher=record.publisher or (guessed.publisher if guessed else None),
            author=record.author or (guessed.author if guessed else None),
            published_date=parse_date(record.date) or (guessed.published_date if guessed else None),
            body_text=body,
        )
    if described.content_type == HTML:
        page = extract_html(raw_text)
        fallback = parse_article(page.page_text)
        return ParsedArticle(
            title=page.title or fallback.title,
            publisher=page.publisher or fallback.publisher,
            author=page.author or fallback.author,
            published_date=parse_date(page.date) or fallback.published_date,
            body_text=page.body_text or fallback.body_text,
            removed_lines=() if page.body_text else fallback.removed_lines,
        )
    return parse_article(raw_text)


def _nlp_skip_reason(language: str | None) -> str | None:
    if language in (None, ENGLISH):
        return None
    return f"language '{language}': entities and statements are extracted from English only"

