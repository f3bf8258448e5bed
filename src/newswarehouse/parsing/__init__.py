"""Raw scraped text -> title, publisher, author, date and a chrome-free body.

STUB: replaced by the real block classifier (see parse_article's contract).
"""

from __future__ import annotations

from newswarehouse.enrichment.records import ParsedArticle


def parse_article(raw_text: str) -> ParsedArticle:
    """Split one raw article into metadata and body.

    Contract: ``raw_text`` has ``\\n`` newlines; ``body_text`` keeps paragraphs
    separated by a blank line (``\\n\\n``), single spaces inside a paragraph
    are preserved as in the source, and never contains page chrome.
    """
    lines = [ln.strip() for ln in raw_text.split("\n") if ln.strip()]
    title = lines[0] if lines else None
    body = "\n\n".join(lines[1:])
    return ParsedArticle(title=title, publisher=None, author=None, published_date=None, body_text=body)
